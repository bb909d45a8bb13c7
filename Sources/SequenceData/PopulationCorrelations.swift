import Linalg

/// The input–output statistics that determine a linear RNN's loss on whitened data (Proca et al. §2.1).
///
/// With whitened inputs (`(1/P) Σ_p x_t x_{t'}ᵀ = δ_{tt'} I`) the loss of `LossConvention` depends on the data
/// only through the per-lag cross-correlations, so training needs no samples at all. Internally the task is
/// stored by lag `k` (the number of `W_h` applications between input and readout):
/// `L = const − Σ_k ⟨C_k, M_k⟩ + ½ Σ_k w_k ‖M_k‖²_F`, `M_k = W_y W_h^k W_x`.
/// For the final readout `C_k = Σ^{YX_{T−k}}` and `w_k = 1`; for the autoregressive readout
/// `C_k = Σ_{t>k} Σ^{Y_t X_{t−k}}` and `w_k = T − k` (Proca et al. App. M; Eq. 156 with its inner sum ending at t).
public struct PopulationCorrelations: Sendable, Equatable {
    /// Trajectory length T.
    public let timeSteps: Int
    /// Readout the statistics belong to.
    public let outputMode: OutputMode
    /// `C_k` for k = 0…T−1 (`N_y × N_x` each).
    public let lagTargets: [Matrix]
    /// `w_k` for k = 0…T−1.
    public let lagWeights: [Double]
    /// `½ Σ_t tr Σ^{Y_tY_t}` (the loss of the zero network); 0 when unknown, which shifts the loss only.
    public let targetEnergy: Double
    /// `E₀ − ½ Σ_k ‖C_k‖²_F / w_k`: the whitened loss that no network removes (0 for targets exactly linear in the
    /// inputs, > 0 for autoregressive targets that differ between readout times). The whitened loss is computed as
    /// this plus `½ Σ_k ‖w_k M_k − C_k‖²_F / w_k`, a sum of squares, so it never rounds below it.
    public let residualEnergy: Double
    /// Input second moments by lag, `A` (`T·N_x × T·N_x`, block (k, k′) = `Σ_t (1/P) Σ_p x_{t−k} x_{t−k′}ᵀ` over the
    /// readout times t), or nil for whitened inputs, where `A = diag(w_k I)`. With `A` the loss is exact for any
    /// inputs: `L = E₀ − ⟨M, C⟩ + ½ ⟨M, M A⟩` with `M = [M_0 … M_{T−1}]`, `C = [C_0 … C_{T−1}]`.
    public let inputMoments: Matrix?
    /// `lagTargets` and `inputMoments` in the fused kernel's padded layout, or nil when N_x or N_y exceeds 8.
    package let padded: PaddedPopulationStatistics?

    /// Final-readout statistics from `Σ^{YX_t}`, t = 1…T (`sigmaYX[t-1]`).
    public init(finalOutput sigmaYX: [Matrix], targetEnergy: Double = 0) {
        precondition(!sigmaYX.isEmpty, "need at least one time step")
        let shape = sigmaYX[0].shape
        precondition(sigmaYX.allSatisfy { $0.shape == shape }, "all Σ^{YX_t} must have one shape")
        timeSteps = sigmaYX.count
        outputMode = .final
        lagTargets = sigmaYX.reversed()
        lagWeights = [Double](repeating: 1, count: sigmaYX.count)
        self.targetEnergy = targetEnergy
        residualEnergy = Self.residual(targetEnergy: targetEnergy, lagTargets: lagTargets, lagWeights: lagWeights)
        inputMoments = nil
        padded = PaddedPopulationStatistics(lagTargets: lagTargets, inputMoments: nil)
    }

    /// Autoregressive statistics from `Σ^{Y_tX_i}` for i ≤ t: `sigmaYX[t-1][i-1]`, a lower-triangular table.
    public init(autoregressive sigmaYX: [[Matrix]], targetEnergy: Double = 0) {
        let T = sigmaYX.count
        precondition(T >= 1, "need at least one time step")
        precondition(sigmaYX.enumerated().allSatisfy { $0.element.count == $0.offset + 1 },
                     "row t of the autoregressive table needs t entries (i = 1…t)")
        let shape = sigmaYX[0][0].shape
        var c = [Matrix](repeating: Matrix(rows: shape.0, cols: shape.1), count: T)
        for t in 0..<T {
            for i in 0...t {
                precondition(sigmaYX[t][i].shape == shape, "all Σ^{Y_tX_i} must have one shape")
                c[t - i].addScaled(sigmaYX[t][i])
            }
        }
        timeSteps = T
        outputMode = .autoregressive
        lagTargets = c
        lagWeights = (0..<T).map { Double(T - $0) }
        self.targetEnergy = targetEnergy
        residualEnergy = Self.residual(targetEnergy: targetEnergy, lagTargets: lagTargets, lagWeights: lagWeights)
        inputMoments = nil
        padded = PaddedPopulationStatistics(lagTargets: lagTargets, inputMoments: nil)
    }

    /// Exact sufficient statistics of `batch` for `outputMode`: the loss and gradient computed from them equal the
    /// sample loss and BPTT gradient for any inputs (whitened or not), at a per-step cost independent of P.
    public init(sufficientStatisticsOf batch: SequenceBatch, outputMode: OutputMode) {
        precondition(batch.lossWeights == nil, "population statistics are unweighted; this batch has loss weights (train it with a minibatch or full-batch source)")
        let stats = PopulationCorrelations(measuredFrom: batch, outputMode: outputMode)
        let T = batch.timeSteps, nx = batch.inputDimension, p = batch.samples
        // Lag-ordered stacked inputs: row block k holds x_{t−k} for readout time t (final: t = T).
        func lagStack(readout t: Int) -> Matrix {
            var z = Matrix(rows: T * nx, cols: p)
            for k in 0..<t {
                let x = batch.input(at: t - k)
                for j in 0..<p { for i in 0..<nx { z[k * nx + i, j] = x[i, j] } }
            }
            return z
        }
        var a = Matrix(rows: T * nx, cols: T * nx)
        let readouts = outputMode == .final ? [T] : Array(1...T)
        for t in readouts {
            let z = lagStack(readout: t)
            BLAS.gemm(z, z, into: &a, transB: .transpose, alpha: 1 / Double(p), beta: 1)
        }
        timeSteps = T
        self.outputMode = outputMode
        lagTargets = stats.lagTargets
        lagWeights = stats.lagWeights
        targetEnergy = stats.targetEnergy
        residualEnergy = stats.residualEnergy
        inputMoments = a
        padded = PaddedPopulationStatistics(lagTargets: stats.lagTargets, inputMoments: a)
    }

    /// `targetEnergy − ½ Σ_k ‖C_k‖²/w_k`. The two terms are equal up to round-off when the targets are exactly linear
    /// in whitened inputs (every task of the library), and their difference is then a few ulps of either sign, not a
    /// loss: a residual within 10⁻¹² of their size is 0, so a network that fits such a task exactly has loss 0, not
    /// −4e-16. Other values (also negative ones, from a `targetEnergy` of 0 = unknown) are kept.
    static func residual(targetEnergy e: Double, lagTargets c: [Matrix], lagWeights w: [Double]) -> Double {
        let explained = 0.5 * zip(c, w).reduce(0) { $0 + $1.0.dot($1.0) / $1.1 }
        let r = e - explained
        return abs(r) <= 1e-12 * max(abs(e), explained) ? 0 : r
    }

    /// Output dimension N_y.
    public var outputDimension: Int { lagTargets[0].rows }
    /// Input dimension N_x.
    public var inputDimension: Int { lagTargets[0].cols }

    /// The statistics measured from samples (means over P), with the readout of `batch`'s targets.
    /// They determine the loss exactly only if the batch inputs are whitened.
    public init(measuredFrom batch: SequenceBatch, outputMode: OutputMode) {
        precondition(batch.lossWeights == nil, "population statistics are unweighted; this batch has loss weights (train it with a minibatch or full-batch source)")
        let p = batch.samples, T = batch.timeSteps
        let energy = 0.5 * batch.targets.dot(batch.targets) / Double(p)
        func corr(_ yCol: Int, _ xBlock: Int) -> Matrix {
            let y = batch.targets.columns((yCol * p)..<((yCol + 1) * p))
            return (1 / Double(p)) * y.timesTranspose(batch.input(at: xBlock + 1))
        }
        switch outputMode {
        case .final:
            precondition(batch.targets.cols == p, "final readout needs N_y × P targets")
            self.init(finalOutput: (0..<T).map { corr(0, $0) }, targetEnergy: energy)
        case .autoregressive:
            precondition(batch.targets.cols == T * p, "autoregressive readout needs N_y × (T·P) targets")
            self.init(autoregressive: (0..<T).map { t in (0...t).map { corr(t, $0) } }, targetEnergy: energy)
        }
    }
}
