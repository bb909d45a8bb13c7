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
    /// Input second moments by lag, `A` (`T·N_x × T·N_x`, block (k, k′) = `Σ_t (1/P) Σ_p x_{t−k} x_{t−k′}ᵀ` over the
    /// readout times t), or nil for whitened inputs, where `A = diag(w_k I)`. With `A` the loss is exact for any
    /// inputs: `L = E₀ − ⟨M, C⟩ + ½ ⟨M, M A⟩` with `M = [M_0 … M_{T−1}]`, `C = [C_0 … C_{T−1}]`.
    public let inputMoments: Matrix?

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
        inputMoments = nil
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
        inputMoments = nil
    }

    /// Exact sufficient statistics of `batch` for `outputMode`: the loss and gradient computed from them equal the
    /// sample loss and BPTT gradient for any inputs (whitened or not), at a per-step cost independent of P.
    public init(sufficientStatisticsOf batch: SequenceBatch, outputMode: OutputMode) {
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
        inputMoments = a
    }

    /// Output dimension N_y.
    public var outputDimension: Int { lagTargets[0].rows }
    /// Input dimension N_x.
    public var inputDimension: Int { lagTargets[0].cols }

    /// The statistics measured from samples (means over P), with the readout of `batch`'s targets.
    /// They determine the loss exactly only if the batch inputs are whitened.
    public init(measuredFrom batch: SequenceBatch, outputMode: OutputMode) {
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

extension LinearRNN {
    /// Buffers for `populationLossAndGradient`, sized once per network and task (no allocation per call).
    public struct PopulationWorkspace: Sendable {
        /// `[W_h^0 W_x, …, W_h^{T−1} W_x]` side by side (`N_h × T·N_x`).
        var powers: Matrix
        /// `[F_0, …, F_{T−1}]`, `F_k = w_k M_k − C_k` (`N_y × T·N_x`).
        var lagResiduals: Matrix
        /// `M A` when the task carries input moments (`N_y × T·N_x`).
        var momentProduct: Matrix
        /// `W_yᵀ F` (`N_h × T·N_x`).
        var backProjected: Matrix
        /// Scratch `N_h × N_h` and `N_h × N_x` buffers for the Horner recursions.
        var q: Matrix, r: Matrix, g: Matrix, tmpHH: Matrix, gx: Matrix, tmpHX: Matrix
        /// Gradient blocks `[∂L/∂W_x, ∂L/∂W_h, ∂L/∂W_y]`.
        public var gradients: [Matrix]
    }

    /// Workspace for `populationLossAndGradient` on `task`.
    public func makePopulationWorkspace(for task: PopulationCorrelations) -> PopulationWorkspace {
        let n = hiddenDimension, nx = inputDimension, ny = outputDimension, T = task.timeSteps
        return PopulationWorkspace(
            powers: Matrix(rows: n, cols: T * nx), lagResiduals: Matrix(rows: ny, cols: T * nx),
            momentProduct: Matrix(rows: ny, cols: task.inputMoments == nil ? 0 : T * nx),
            backProjected: Matrix(rows: n, cols: T * nx), q: Matrix(rows: n, cols: n), r: Matrix(rows: n, cols: n),
            g: Matrix(rows: n, cols: n), tmpHH: Matrix(rows: n, cols: n), gx: Matrix(rows: n, cols: nx),
            tmpHX: Matrix(rows: n, cols: nx),
            gradients: [Matrix(rows: n, cols: nx), Matrix(rows: n, cols: n), Matrix(rows: ny, cols: n)])
    }

    /// Exact population loss and gradient on whitened data (Proca et al. Eqs. 23–25 and their autoregressive
    /// form), at a cost `O(T·N³)` independent of the number of samples.
    ///
    /// With `F_k = ∂L/∂M_k = w_k M_k − C_k`:
    /// `∂L/∂W_y = Σ_k F_k (W_h^k W_x)ᵀ`, `∂L/∂W_x = Σ_k (W_hᵀ)^k W_yᵀ F_k` (Horner), and
    /// `∂L/∂W_h = Σ_k Σ_{r+s=k−1} (W_hᵀ)^r W_yᵀ F_k W_xᵀ (W_hᵀ)^s`, evaluated by one backward recursion
    /// `R_j = Q_{j+1} + R_{j+1} W_hᵀ`, `G ← R_j + W_hᵀ G`.
    public func populationLossAndGradient(_ task: PopulationCorrelations, workspace ws: inout PopulationWorkspace) -> Double {
        precondition(task.outputMode == outputMode, "task statistics are for the \(task.outputMode.rawValue) readout")
        precondition(task.inputDimension == inputDimension && task.outputDimension == outputDimension,
                     "task is \(task.outputDimension)×\(task.inputDimension), network maps \(inputDimension)→\(outputDimension)")
        let n = hiddenDimension, nx = inputDimension, ny = outputDimension, T = task.timeSteps
        var loss = task.targetEnergy
        ws.powers.storage.withUnsafeMutableBufferPointer { pw in
            let base = pw.baseAddress!
            wx.storage.withUnsafeBufferPointer { base.update(from: $0.baseAddress!, count: n * nx) }
            wh.storage.withUnsafeBufferPointer { whp in
                for k in 1..<max(T, 1) {
                    BLAS.gemm(.none, .none, m: n, n: nx, k: n, alpha: 1, a: whp.baseAddress!, lda: n,
                              b: base + (k - 1) * n * nx, ldb: n, beta: 0, c: base + k * n * nx, ldc: n)
                }
            }
        }
        // All lag maps M_k = W_y (W_h^k W_x) in one GEMM.
        BLAS.gemm(wy, ws.powers, into: &ws.lagResiduals)
        if let a = task.inputMoments {
            BLAS.gemm(ws.lagResiduals, a, into: &ws.momentProduct)
            ws.lagResiduals.storage.withUnsafeMutableBufferPointer { f in
                ws.momentProduct.storage.withUnsafeBufferPointer { ma in
                    for k in 0..<T {
                        task.lagTargets[k].storage.withUnsafeBufferPointer { c in
                            let off = k * ny * nx
                            for i in 0..<(ny * nx) {
                                let m = f[off + i]
                                loss += m * (0.5 * ma[off + i] - c[i])
                                f[off + i] = ma[off + i] - c[i]
                            }
                        }
                    }
                }
            }
        } else {
        ws.lagResiduals.storage.withUnsafeMutableBufferPointer { f in
            for k in 0..<T {
                let w = task.lagWeights[k]
                task.lagTargets[k].storage.withUnsafeBufferPointer { c in
                    let off = k * ny * nx
                    for i in 0..<(ny * nx) {
                        let m = f[off + i]
                        loss += 0.5 * w * m * m - c[i] * m
                        f[off + i] = w * m - c[i]
                    }
                }
            }
        }
        }
        BLAS.gemm(ws.lagResiduals, ws.powers, into: &ws.gradients[2], transB: .transpose)
        BLAS.gemm(wy, ws.lagResiduals, into: &ws.backProjected, transA: .transpose)
        let bp = ws.backProjected
        let blockHX = n * nx
        // ∂L/∂W_x by Horner in W_hᵀ over the blocks Z_k = W_yᵀ F_k.
        ws.gx.storage.withUnsafeMutableBufferPointer { gx in
            bp.storage.withUnsafeBufferPointer { z in gx.baseAddress!.update(from: z.baseAddress! + (T - 1) * blockHX, count: blockHX) }
        }
        for k in stride(from: T - 2, through: 0, by: -1) {
            ws.tmpHX.storage.withUnsafeMutableBufferPointer { t in
                bp.storage.withUnsafeBufferPointer { z in t.baseAddress!.update(from: z.baseAddress! + k * blockHX, count: blockHX) }
            }
            BLAS.gemm(wh, ws.gx, into: &ws.tmpHX, transA: .transpose, beta: 1)
            swap(&ws.gx, &ws.tmpHX)
        }
        ws.gradients[0].copyEntries(from: ws.gx)
        // ∂L/∂W_h by the backward recursion over Q_k = Z_k W_xᵀ, k = 1…T−1.
        if T < 2 {
            ws.gradients[1].storage.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        } else {
            func q(_ k: Int, into out: inout Matrix, beta: Double) {
                bp.storage.withUnsafeBufferPointer { z in
                    wx.storage.withUnsafeBufferPointer { x in
                        out.storage.withUnsafeMutableBufferPointer { o in
                            BLAS.gemm(.none, .transpose, m: n, n: n, k: nx, alpha: 1, a: z.baseAddress! + k * blockHX, lda: n,
                                      b: x.baseAddress!, ldb: n, beta: beta, c: o.baseAddress!, ldc: n)
                        }
                    }
                }
            }
            q(T - 1, into: &ws.r, beta: 0)           // R_{T−2} = Q_{T−1}
            ws.g.copyEntries(from: ws.r)              // G = R_{T−2}
            for j in stride(from: T - 3, through: 0, by: -1) {
                q(j + 1, into: &ws.tmpHH, beta: 0)   // Q_{j+1}
                BLAS.gemm(ws.r, wh, into: &ws.tmpHH, transB: .transpose, beta: 1)  // R_j = Q_{j+1} + R_{j+1} W_hᵀ
                swap(&ws.r, &ws.tmpHH)
                ws.tmpHH.copyEntries(from: ws.r)
                BLAS.gemm(wh, ws.g, into: &ws.tmpHH, transA: .transpose, beta: 1)  // G = R_j + W_hᵀ G
                swap(&ws.g, &ws.tmpHH)
            }
            ws.gradients[1].copyEntries(from: ws.g)
        }
        return loss
    }
}
