import Linalg
import Numerics

/// What a HAVOK DMD fit did: the rank used, the route, and how well the operator predicts one step ahead.
public struct HAVOKDiagnostics: Sendable, Equatable {
    /// Rank r of the reduced coordinates (the operator is r × r).
    public let rank: Int
    /// Embedded dimension `units·delays`.
    public let embeddedDimension: Int
    /// Embedded samples `trials·T'`.
    public let samples: Int
    /// Regression pairs `trials·(T' − stepsAhead)`.
    public let regressionPairs: Int
    /// Factorization actually used (`.gram` or `.svd`).
    public let factorization: HAVOKOptions.Factorization
    /// Share of `Σσ²` in the kept coordinates.
    public let explainedVariance: Double
    /// `‖V₊ − V₋ A_vᵀ‖_F / ‖V₊‖_F` in the kept coordinates (the regression's relative reconstruction error).
    public let oneStepRelativeError: Double
    /// Bound on the relative error of the kept subspace from the Gram route, `ε σ₁² / min(σ_r², σ_r² − σ_{r+1}²)`
    /// (0 for the SVD route).
    public let gramErrorEstimate: Double
}

/// A fitted HAVOK DMD: the r × r operator `A_v` on eigen-time-delay coordinates that DSA compares (dsa-metric's
/// `DMD.A_v`), with the leading singular values of the embedded data and the fit's diagnostics.
public struct HAVOKModel: Sendable {
    /// `A_v = ((V₋ᵀV₋ + λI)⁻¹ V₋ᵀ V₊)ᵀ`, r × r.
    public let operatorMatrix: Matrix
    /// Singular values of the embedded data (descending): the leading r + 1 (Gram route, fixed rank) or all.
    public let singularValues: [Double]
    /// Fit diagnostics.
    public let diagnostics: HAVOKDiagnostics

    /// Accuracy the Gram route must reach to be chosen by `.automatic`.
    static let gramTolerance = 1e-9

    /// Fits dsa-metric's HAVOK DMD: delay-embed, take the leading right singular vectors V of `Hᵀ` (per sample), and
    /// regress `V₊` on `V₋` within trials with ridge λ in the first r coordinates.
    public static func fit(_ x: TrialTrajectories, options: HAVOKOptions) throws -> HAVOKModel {
        let embedded = try options.embedding.embed(x)
        let m = embedded.rows, samples = embedded.cols
        let perTrial = options.embedding.embeddedSteps(x.steps)
        guard perTrial > options.stepsAhead else {
            throw DSAError.invalidParameter(field: "steps_ahead",
                                            allowed: "< embedded steps per trial \(perTrial) (steps \(x.steps))")
        }
        let fullRank = min(m, samples)
        let total = embedded.storage.reduce(0) { $0 + $1 * $1 }
        guard total > 0 else { throw DSAError.invalidParameter(field: "data", allowed: "not identically zero") }

        var route = options.factorization
        var gramEstimate = 0.0
        var basis: (v: Matrix, s: [Double], r: Int)?
        if route != .svd && m <= samples {
            let g = embedded.rowGram()
            let wanted: Int
            if case .fixed(let r) = options.rank { wanted = min(min(r, fullRank) + 1, m) } else { wanted = m }
            let (values, vectors) = try g.symmetricLeadingEigen(count: wanted)
            let approximate = values.map { $0.squareRoot() }
            let r = options.chosenRank(singularValues: approximate, fullRank: fullRank, totalSquared: total)
            let top = max(values[0], 0), kept = max(values[r - 1], 0)
            let gap = r < values.count ? kept - max(values[r], 0) : kept
            gramEstimate = min(kept, gap) > 0 ? Double.ulpOfOne * top / min(kept, gap) : .infinity
            if route == .gram || gramEstimate <= gramTolerance {
                route = .gram
                basis = projectedBasis(embedded, leftVectors: vectors.columns(0..<r), approximate: approximate)
            }
        }
        if basis == nil {
            route = .svd
            let svd = try embedded.svd()
            let r = options.chosenRank(singularValues: svd.singularValues, fullRank: fullRank, totalSquared: total)
            basis = (svd.Vt.submatrix(rows: 0..<r, cols: 0..<samples).transposed, svd.singularValues, r)
            gramEstimate = 0
        }
        let (v, s, r) = basis!
        let (operatorMatrix, relativeError) = try regress(v, trials: x.trials, perTrial: perTrial,
                                                          stepsAhead: options.stepsAhead, ridge: options.ridge)
        let kept = s.prefix(r).reduce(0) { $0 + $1 * $1 }
        return HAVOKModel(
            operatorMatrix: operatorMatrix, singularValues: s,
            diagnostics: HAVOKDiagnostics(
                rank: r, embeddedDimension: m, samples: samples, regressionPairs: x.trials * (perTrial - options.stepsAhead),
                factorization: route, explainedVariance: kept / total, oneStepRelativeError: relativeError,
                gramErrorEstimate: gramEstimate))
    }

    /// `V_r`: the samples × r matrix `X U_r` (X the embedded data `Hᵀ`, transposed in the product) with unit columns,
    /// σ_i taken as the column norms (exact to rounding); later singular values keep the Gram estimates.
    private static func projectedBasis(_ x: Matrix, leftVectors u: Matrix, approximate: [Double])
        -> (v: Matrix, s: [Double], r: Int) {
        var v = Matrix(rows: x.cols, cols: u.cols)
        BLAS.gemm(x, u, into: &v, transA: .transpose)
        var s = approximate
        for j in 0..<u.cols {
            var norm = 0.0
            for i in 0..<v.rows { norm += v.storage[i + j * v.rows] * v.storage[i + j * v.rows] }
            norm = norm.squareRoot()
            s[j] = norm
            for i in 0..<v.rows { v.storage[i + j * v.rows] /= norm }
        }
        return (v, s, u.cols)
    }

    /// The ridge regression of `V₊` on `V₋` (pairs within trials) and its relative residual.
    private static func regress(_ v: Matrix, trials: Int, perTrial: Int, stepsAhead: Int, ridge: Double) throws
        -> (Matrix, Double) {
        let r = v.cols, pairs = perTrial - stepsAhead, count = trials * pairs
        var before = Matrix(rows: count, cols: r), after = Matrix(rows: count, cols: r)
        for j in 0..<r {
            for k in 0..<trials {
                for t in 0..<pairs {
                    before.storage[k * pairs + t + j * count] = v.storage[k * perTrial + t + j * v.rows]
                    after.storage[k * pairs + t + j * count] = v.storage[k * perTrial + t + stepsAhead + j * v.rows]
                }
            }
        }
        var gram = Matrix(rows: r, cols: r), cross = Matrix(rows: r, cols: r)
        BLAS.gemm(before, before, into: &gram, transA: .transpose)
        BLAS.gemm(before, after, into: &cross, transA: .transpose)
        for i in 0..<r { gram[i, i] += ridge }
        let a = try gram.solve(cross).transposed
        var residual = after
        BLAS.gemm(before, a, into: &residual, transB: .transpose, alpha: -1, beta: 1)
        return (a, residual.frobeniusNorm / after.frobeniusNorm)
    }

    /// Eigenvalues of `A_v` (LAPACK dgeev order).
    public func eigenvalues() throws -> [Complex<Double>] { try operatorMatrix.eigenvalues() }
}
