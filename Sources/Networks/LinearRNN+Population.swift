import Linalg
import SequenceData

/// How `LinearRNN.populationLossAndGradient` evaluates the loss and gradient; every route is exact.
public enum PopulationRoute: Sendable, Equatable {
    /// Matrix products through `BLAS.gemm` (any sizes).
    case matrixProducts
    /// One fused C call (AVX2+FMA when the CPU has them) for N_h, N_x, N_y ≤ 8: no per-product call overhead.
    case fusedKernel
    /// The fused kernel's portable C path, whatever the CPU (for testing it on machines that pick AVX2).
    case portableFusedKernel
}

extension LinearRNN {
    /// Buffers for `populationLossAndGradient`, sized once per network and task (no allocation per call).
    public struct PopulationWorkspace: Sendable {
        /// How the loss and gradient are evaluated.
        public let route: PopulationRoute
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
        /// The fused kernel's scratch (nil on the matrix-product route).
        var fusedScratch: FusedPopulationScratch?
        /// Gradient blocks `[∂L/∂W_x, ∂L/∂W_h, ∂L/∂W_y]`.
        public var gradients: [Matrix]
    }

    /// Workspace for `populationLossAndGradient` on `task`; a nil `route` picks the fused kernel when it handles the
    /// sizes (`fusedPopulationKernelHandles`) and matrix products otherwise.
    public func makePopulationWorkspace(for task: PopulationCorrelations, route: PopulationRoute? = nil) -> PopulationWorkspace {
        let fusable = fusedPopulationKernelHandles(task)
        let route = route ?? (fusable ? .fusedKernel : .matrixProducts)
        precondition(route == .matrixProducts || fusable, "the fused kernel needs N_h, N_x, N_y ≤ 8")
        let products = route == .matrixProducts
        let n = hiddenDimension, nx = inputDimension, ny = outputDimension
        // The fused route uses none of the matrix-product buffers: they get zero columns.
        let (T, hh, hx) = products ? (task.timeSteps, n, nx) : (0, 0, 0)
        return PopulationWorkspace(
            route: route, powers: Matrix(rows: n, cols: T * nx), lagResiduals: Matrix(rows: ny, cols: T * nx),
            momentProduct: Matrix(rows: ny, cols: task.inputMoments == nil ? 0 : T * nx),
            backProjected: Matrix(rows: n, cols: T * nx), q: Matrix(rows: hh, cols: hh), r: Matrix(rows: hh, cols: hh),
            g: Matrix(rows: hh, cols: hh), tmpHH: Matrix(rows: hh, cols: hh), gx: Matrix(rows: hh, cols: hx),
            tmpHX: Matrix(rows: hh, cols: hx),
            fusedScratch: products ? nil : FusedPopulationScratch(hidden: n, inputs: nx, outputs: ny, timeSteps: task.timeSteps),
            gradients: [Matrix(rows: n, cols: nx), Matrix(rows: n, cols: n), Matrix(rows: ny, cols: n)])
    }

    /// Exact population loss and gradient (Proca et al. Eqs. 23–25, their autoregressive form, and with input
    /// moments for any inputs), at a cost `O(T·N³ + N_y·(T·N_x)²)` independent of the number of samples.
    /// Runs on `workspace.route`; the routes agree to rounding.
    public func populationLossAndGradient(_ task: PopulationCorrelations, workspace ws: inout PopulationWorkspace) -> Double {
        precondition(task.outputMode == outputMode, "task statistics are for the \(task.outputMode.rawValue) readout")
        precondition(task.inputDimension == inputDimension && task.outputDimension == outputDimension,
                     "task is \(task.outputDimension)×\(task.inputDimension), network maps \(inputDimension)→\(outputDimension)")
        let loss: Double
        switch ws.route {
        case .matrixProducts:
            loss = matrixProductPopulationLossAndGradient(task, workspace: &ws)
        case .fusedKernel, .portableFusedKernel:
            loss = fusedPopulationLossAndGradient(task, portable: ws.route == .portableFusedKernel, scratch: &ws.fusedScratch!,
                                                  gradients: &ws.gradients)
        }
        // With input moments the loss is the sample loss ½(1/P) Σ‖y − ŷ‖² ≥ 0 written as E₀ − ⟨M, C⟩ + ½⟨M, M A⟩, a
        // difference of nearly equal quantities near a perfect fit: a negative value is round-off, so it is 0 (NaN
        // passes through, for divergence checks). Without moments the loss is a sum of squares plus the residual
        // energy (≥ 0 for consistent statistics) and needs no clamp.
        return task.inputMoments != nil && loss < 0 ? 0 : loss
    }

    /// The matrix-product route. With `F_k = ∂L/∂M_k = w_k M_k − C_k` (or block k of `M A − C`):
    /// `∂L/∂W_y = Σ_k F_k (W_h^k W_x)ᵀ`, `∂L/∂W_x = Σ_k (W_hᵀ)^k W_yᵀ F_k` (Horner), and
    /// `∂L/∂W_h = Σ_k Σ_{r+s=k−1} (W_hᵀ)^r W_yᵀ F_k W_xᵀ (W_hᵀ)^s`, evaluated by one backward recursion
    /// `R_j = Q_{j+1} + R_{j+1} W_hᵀ`, `G ← R_j + W_hᵀ G`.
    private func matrixProductPopulationLossAndGradient(_ task: PopulationCorrelations,
                                                        workspace ws: inout PopulationWorkspace) -> Double {
        let n = hiddenDimension, nx = inputDimension, ny = outputDimension, T = task.timeSteps
        // Whitened: L = R + ½ Σ_k ‖w_k M_k − C_k‖²/w_k with R the residual energy (cancellation-free near a perfect
        // fit, where the expanded E₀ − ⟨C, M⟩ + ½ Σ w‖M‖² went to −4e-16); with moments, E₀ − ⟨M, C⟩ + ½⟨M, M A⟩.
        var loss = task.inputMoments == nil ? task.residualEnergy : task.targetEnergy
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
                let w = task.lagWeights[k], halfInverse = 0.5 / w
                task.lagTargets[k].storage.withUnsafeBufferPointer { c in
                    let off = k * ny * nx
                    for i in 0..<(ny * nx) {
                        let r = w * f[off + i] - c[i]
                        loss += halfInverse * r * r
                        f[off + i] = r
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
