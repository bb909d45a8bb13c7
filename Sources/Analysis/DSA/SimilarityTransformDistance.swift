import Foundation
import Linalg

/// How one optimisation of PAVF on O(n) went.
public struct OrthogonalFitRun: Sendable, Equatable {
    /// Where a run started.
    public enum Start: String, Sendable, CaseIterable {
        /// `SpectralStart`'s rotation and its flip into the other component.
        case spectral, spectralFlipped
        /// `SylvesterStart`'s polar factor and its nearest rotation of the other determinant.
        case sylvester, sylvesterFlipped
        /// The identity and the swap of the first two coordinates (dsa-metric's reflection P).
        case identity, swap
        /// A Haar-random rotation Q (det +1) from the pair's random stream, and `Q P`.
        case random, randomSwapped
    }

    /// Start point kind.
    public let start: Start
    /// Index of the fit (a pair of runs, one per component) this run belongs to.
    public let fit: Int
    /// det C of the run's component, ±1.
    public let determinant: Int
    /// Accepted L-BFGS steps.
    public let iterations: Int
    /// Objective evaluations, line-search trials included.
    public let evaluations: Int
    /// Final `‖Â − C B̂ Cᵀ‖²_F`.
    public let loss: Double
    /// Final chart-gradient norm.
    public let gradientNorm: Double
    /// Whether the gradient tolerance was reached.
    public let converged: Bool
}

/// Procrustes analysis over vector fields (dsa-metric's `SimilarityTransformDist` with angular or Euclidean score):
/// `min over C ∈ O(n)` of `‖Â − C B̂ Cᵀ‖_F` on unit-Frobenius copies Â, B̂ of the two operators.
///
/// Scores (dsa-metric's definitions, at the best C found): angular `arccos⟨Â, C B̂ Cᵀ⟩_F ∈ [0, π]`, computed as
/// `2 asin(‖Â − C B̂ Cᵀ‖_F / 2)` (equal for orthogonal C, and accurate near 0 where arccos loses half the digits);
/// Euclidean `‖Â − C B̂ Cᵀ‖_F ∈ [0, 2]`. dsa-metric runs Adam for `iters` steps (rate `lr`) on a Cayley-mapped skew
/// matrix, once from a random rotation and once on `P B Pᵀ` (P swaps two coordinates, so det −1 is covered), and
/// keeps the lower final loss. Here each *fit* is two L-BFGS runs to the gradient tolerance, one per component of
/// O(n); the best of at least `minimumFits` fits is kept, refitting while its score stays above `refitAbove`, up to
/// `maximumFits` fits (the lab's practice: ≥ 2 fits, up to 6 while angular > 0.15). `maximumIterations` caps each
/// run's L-BFGS steps (dsa-metric's `iters` caps Adam steps; there is no learning rate: steps come from a line search).
public enum SimilarityTransformDistance {
    /// Which PAVF score to report.
    public enum Score: String, Sendable, CaseIterable {
        /// `arccos` of the cosine between Â and C B̂ Cᵀ, in radians.
        case angular
        /// `‖Â − C B̂ Cᵀ‖_F` on the normalised operators.
        case euclidean
    }

    /// Optimisation and restart settings.
    public struct Options: Sendable, Equatable {
        /// Reported score.
        public var score: Score
        /// L-BFGS steps per run at most.
        public var maximumIterations: Int
        /// Chart-gradient norm at which a run has converged (1e-8 leaves the loss within ~1e-14 of the local
        /// minimum on DSA-sized problems; the conjugation tests use 1e-11).
        public var gradientTolerance: Double
        /// L-BFGS memory (curvature pairs).
        public var memory: Int
        /// Fits always made.
        public var minimumFits: Int
        /// Fits made at most.
        public var maximumFits: Int
        /// Refit while the best score is above this (in the reported score's units).
        public var refitAbove: Double
        /// Whether fits 0 and 1 start from `SpectralStart` and `SylvesterStart` (then the next from the identity and
        /// the swap); otherwise fit 0 starts from the identity and the swap. Later fits start at random.
        public var spectralStart: Bool

        /// Checks every field; throws `DSAError.invalidParameter` naming the first bad one.
        public init(score: Score = .angular, maximumIterations: Int = 2000, gradientTolerance: Double = 1e-8,
                    memory: Int = 10, minimumFits: Int = 2, maximumFits: Int = 6, refitAbove: Double = 0.15,
                    spectralStart: Bool = true) throws {
            guard maximumIterations >= 1 else { throw DSAError.invalidParameter(field: "iters", allowed: "≥ 1") }
            guard gradientTolerance >= 0 else { throw DSAError.invalidParameter(field: "gradient_tolerance", allowed: "≥ 0") }
            guard memory >= 1 else { throw DSAError.invalidParameter(field: "memory", allowed: "≥ 1") }
            guard minimumFits >= 1, maximumFits >= minimumFits else {
                throw DSAError.invalidParameter(field: "fits", allowed: "1 ≤ minimum_fits ≤ maximum_fits")
            }
            guard refitAbove >= 0 else { throw DSAError.invalidParameter(field: "refit_above", allowed: "≥ 0") }
            self.score = score
            self.maximumIterations = maximumIterations
            self.gradientTolerance = gradientTolerance
            self.memory = memory
            self.minimumFits = minimumFits
            self.maximumFits = maximumFits
            self.refitAbove = refitAbove
            self.spectralStart = spectralStart
        }
    }

    /// The best alignment found and how it was found.
    public struct Result: Sendable {
        /// The requested score.
        public let score: Double
        /// Angular score at C*.
        public let angular: Double
        /// Euclidean score at C*.
        public let euclidean: Double
        /// The best orthogonal C*.
        public let transform: Matrix
        /// Fits made.
        public let fits: Int
        /// Every run, in order.
        public let runs: [OrthogonalFitRun]
        /// Index in `runs` of the run that gave C*.
        public let bestRun: Int
    }

    /// Aligns `b` to `a` over O(n). Random starts (fits past the deterministic ones) draw from `streams`, so the
    /// result depends only on the inputs, the options and the stream node.
    public static func compare(_ a: Matrix, _ b: Matrix, options: Options, streams: RandomStreams) throws -> Result {
        let objective = try OrthogonalSimilarityObjective(a, b)
        let n = objective.dimension
        let optimizer = OrthogonalLBFGS(maximumIterations: options.maximumIterations,
                                        gradientTolerance: options.gradientTolerance, memory: options.memory)
        var swap = Matrix.identity(n)
        if n > 1 { swap[0, 0] = 0; swap[1, 1] = 0; swap[0, 1] = 1; swap[1, 0] = 1 }
        var runs: [OrthogonalFitRun] = [], points: [Matrix] = []
        var best = -1, fits = 0
        func score(_ loss: Double) -> Double { options.score == .angular ? angular(loss) : max(loss, 0).squareRoot() }
        while fits < options.maximumFits {
            if fits >= options.minimumFits && score(runs[best].loss) <= options.refitAbove { break }
            let deterministic = options.spectralStart ? 3 : 1
            var starts: [(OrthogonalFitRun.Start, Matrix)]
            if options.spectralStart && fits == 0 {
                let (spectral, flipped) = try SpectralStart.starts(objective)
                starts = [(.spectral, spectral), (.spectralFlipped, flipped)]
            } else if options.spectralStart && fits == 1 {
                let (polar, flipped) = try SylvesterStart.starts(objective, count: 1)[0]
                starts = [(.sylvester, polar), (.sylvesterFlipped, flipped)]
            } else if fits == deterministic - 1 {
                starts = [(.identity, .identity(n)), (.swap, swap)]
            } else {
                var rng = streams.stream("fit-\(fits)")
                var q = try Matrix.haarOrthogonal(n, using: &rng)
                if try q.determinant() < 0 { for i in 0..<n { q[i, 0] = -q[i, 0] } }
                starts = [(.random, q), (.randomSwapped, q * swap)]
            }
            if n == 1 { starts.removeLast() }  // O(1) = {±1} acts trivially by conjugation
            for (kind, start) in starts {
                let outcome = try optimizer.minimize(objective, from: start)
                let sign = try outcome.point.determinant() < 0 ? -1 : 1
                runs.append(OrthogonalFitRun(start: kind, fit: fits, determinant: sign, iterations: outcome.iterations,
                                             evaluations: outcome.evaluations, loss: outcome.loss,
                                             gradientNorm: outcome.gradientNorm, converged: outcome.converged))
                points.append(outcome.point)
                if best < 0 || outcome.loss < runs[best].loss { best = runs.count - 1 }
            }
            fits += 1
        }
        let loss = runs[best].loss
        return Result(score: score(loss), angular: angular(loss), euclidean: max(loss, 0).squareRoot(),
                      transform: points[best], fits: fits, runs: runs, bestRun: best)
    }

    /// `θ = 2 asin(‖Â − C B̂ Cᵀ‖ / 2)` from the squared residual of unit-norm operators.
    static func angular(_ loss: Double) -> Double { 2 * asin(min(1, max(loss, 0).squareRoot() / 2)) }
}
