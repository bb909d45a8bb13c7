import Linalg

/// Settings of a HAVOK (Hankel) DMD fit, with dsa-metric 2.0.2's `DMD` defaults: one delay, full rank, ridge 1e-8,
/// one step ahead.
public struct HAVOKOptions: Sendable, Equatable {
    /// How many eigen-time-delay coordinates (columns of V) the regression keeps: dsa-metric's `rank`,
    /// `rank_thresh` and `rank_explained_variance` (at most one of them).
    public enum Rank: Sendable, Equatable {
        /// All of them, `min(units·delays, samples)` (dsa-metric's `rank=None`).
        case full
        /// A fixed count r ≥ 1, capped at the full rank (`rank=r`).
        case fixed(Int)
        /// The number of singular values above the threshold, at least 1 (`rank_thresh`).
        case singularValuesAbove(Double)
        /// The smallest r whose cumulative share of Σσ² reaches the fraction (`rank_explained_variance`).
        case explainedVariance(Double)
    }

    /// How the leading singular triplets of the embedded data are computed (both give dsa-metric's V up to signs).
    public enum Factorization: String, Sendable, Equatable, CaseIterable {
        /// Gram route when the check below passes, thin SVD otherwise.
        case automatic
        /// Leading eigenvectors of the (units·delays)² Gram matrix `Hᵀ H` (dsyrk + dsyevr), then `V = H U / σ`;
        /// accurate while ε·σ₁² is far below σ_r² and the gap σ_r² − σ_{r+1}².
        case gram
        /// Thin SVD of `Hᵀ` (dgesdd), as dsa-metric does.
        case svd
    }

    /// Delay count and spacing (`n_delays`, `delay_interval`).
    public var embedding: DelayEmbedding
    /// Rank selection.
    public var rank: Rank
    /// Ridge λ in `A_v = ((V₋ᵀV₋ + λI)⁻¹ V₋ᵀ V₊)ᵀ` (`lamb`).
    public var ridge: Double
    /// Regression horizon s: pairs (t, t + s) within each trial (`steps_ahead`).
    public var stepsAhead: Int
    /// Factorization route.
    public var factorization: Factorization

    /// Checks every field; throws `DSAError.invalidParameter` naming the first bad one.
    public init(delays: Int = 1, interval: Int = 1, rank: Rank = .full, ridge: Double = 1e-8, stepsAhead: Int = 1,
                factorization: Factorization = .automatic) throws {
        embedding = try DelayEmbedding(delays: delays, interval: interval)
        switch rank {
        case .full: break
        case .fixed(let r):
            guard r >= 1 else { throw DSAError.invalidParameter(field: "rank", allowed: "≥ 1 (got \(r))") }
        case .singularValuesAbove(let s):
            guard s.isFinite && s >= 0 else { throw DSAError.invalidParameter(field: "rank_thresh", allowed: "finite and ≥ 0") }
        case .explainedVariance(let f):
            guard f > 0 && f <= 1 else {
                throw DSAError.invalidParameter(field: "rank_explained_variance", allowed: "in (0, 1] (got \(f))")
            }
        }
        guard ridge.isFinite && ridge >= 0 else { throw DSAError.invalidParameter(field: "lamb", allowed: "finite and ≥ 0") }
        guard stepsAhead >= 1 else { throw DSAError.invalidParameter(field: "steps_ahead", allowed: "≥ 1 (got \(stepsAhead))") }
        self.rank = rank
        self.ridge = ridge
        self.stepsAhead = stepsAhead
        self.factorization = factorization
    }

    /// The rank dsa-metric picks from singular values `s` (descending, all `min(m, M)` of them or, for `.fixed`,
    /// at least the leading ones) and the total `Σσ²`.
    func chosenRank(singularValues s: [Double], fullRank: Int, totalSquared: Double) -> Int {
        switch rank {
        case .full: return fullRank
        case .fixed(let r): return min(r, fullRank)
        case .singularValuesAbove(let threshold): return max(1, s.filter { $0 > threshold }.count)
        case .explainedVariance(let target):
            // numpy.searchsorted(cumulative, target) + 1: the first index whose cumulative share is ≥ target.
            var cumulative = 0.0
            for (i, v) in s.enumerated() {
                cumulative += v * v / totalSquared
                if cumulative >= target { return i + 1 }
            }
            return s.count
        }
    }

    /// Whether rank selection needs every singular value (thresholds) or only the leading `fixed` ones.
    var needsAllSingularValues: Bool {
        if case .fixed = rank { return false }
        return true
    }
}
