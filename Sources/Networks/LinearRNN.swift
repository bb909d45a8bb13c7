import Linalg
import SequenceData

/// A linear recurrent network without biases: `h_1 = 0`, `h_{t+1} = W_h h_t + W_x x_t`.
///
/// Shapes: `W_x` is `N_h × N_x`, `W_h` is `N_h × N_h`, `W_y` is `N_y × N_h`. The input at step i reaches the
/// final output through `W_h` exactly `T − i` times. Losses follow `LossConvention`.
public struct LinearRNN: ReadoutResidualNetwork, Equatable {
    /// Input weights `W_x` (`N_h × N_x`).
    public var wx: Matrix
    /// Recurrent weights `W_h` (`N_h × N_h`).
    public var wh: Matrix
    /// Output weights `W_y` (`N_y × N_h`).
    public var wy: Matrix
    /// Final-output or autoregressive readout.
    public var outputMode: OutputMode

    /// A network with the given weights; shapes are checked.
    public init(wx: Matrix, wh: Matrix, wy: Matrix, outputMode: OutputMode = .final) {
        precondition(wh.isSquare, "W_h must be square, got \(wh.shape)")
        precondition(wx.rows == wh.rows, "W_x has \(wx.rows) rows but W_h is \(wh.rows)×\(wh.rows)")
        precondition(wy.cols == wh.rows, "W_y has \(wy.cols) columns but W_h is \(wh.rows)×\(wh.rows)")
        self.wx = wx
        self.wh = wh
        self.wy = wy
        self.outputMode = outputMode
    }

    /// Hidden width N_h.
    public var hiddenDimension: Int { wh.rows }
    /// Input width N_x.
    public var inputDimension: Int { wx.cols }
    /// Output width N_y.
    public var outputDimension: Int { wy.rows }

    public static let parameterNames = ["Wx", "Wh", "Wy"]
    public var parameters: [Matrix] { [wx, wh, wy] }

    public mutating func setParameters(_ blocks: [Matrix]) {
        precondition(blocks.count == 3, "LinearRNN has 3 parameter blocks")
        precondition(blocks[0].shape == wx.shape && blocks[1].shape == wh.shape && blocks[2].shape == wy.shape,
                     "parameter shapes differ")
        wx = blocks[0]; wh = blocks[1]; wy = blocks[2]
    }

    public func forEachParameter(_ body: (Int, Matrix) -> Void) { body(0, wx); body(1, wh); body(2, wy) }

    public mutating func updateParameters(_ update: (Int, inout Matrix) -> Void) {
        update(0, &wx); update(1, &wh); update(2, &wy)
    }

    /// Effective map of lag k: `W_y W_h^k W_x` (the input k steps before the readout).
    public func lagMap(_ k: Int) -> Matrix { wy * (wh.power(k) * wx) }

    // MARK: Forward

    /// Hidden states `h_2 … h_{T+1}` as an `N_h × (T·P)` matrix (block t holds `h_{t+1}`).
    public func hiddenStates(_ batch: SequenceBatch) -> Matrix {
        var ws = makeWorkspace(for: batch)
        forward(batch, &ws)
        return ws.states
    }

    /// Network outputs: `N_y × P` (final) or `N_y × (T·P)` (autoregressive).
    public func outputs(_ batch: SequenceBatch) -> Matrix {
        let h = hiddenStates(batch)
        switch outputMode {
        case .final: return wy * h.columns(((batch.timeSteps - 1) * batch.samples)..<(batch.timeSteps * batch.samples))
        case .autoregressive: return wy * h
        }
    }

    /// The loss `L` of `LossConvention` on `batch` (weighted by its loss weights, if any).
    public func loss(_ batch: SequenceBatch) -> Double {
        var ws = makeWorkspace(for: batch)
        return lossAndGradient(batch, workspace: &ws)
    }

    // MARK: Workspace and BPTT

    /// Preallocated activations, residuals and gradients for one batch shape.
    public struct Workspace: ReadoutResidualWorkspace {
        /// Hidden states, `N_h × (T·P)`; block t holds `h_{t+1}`.
        public var states: Matrix
        /// Adjoints `∂L/∂h_{t+1}`, `N_h × (T·P)`.
        public var adjoints: Matrix
        /// Output residuals `w·(ŷ − y)/P` (w: the batch's loss weights, 1 without), `N_y × P` or `N_y × (T·P)`.
        public var residuals: Matrix
        /// Gradient blocks `[∂L/∂W_x, ∂L/∂W_h, ∂L/∂W_y]`.
        public var gradients: [Matrix]
        /// Largest |h| in the last forward pass.
        public var maxAbsState: Double = 0
        /// How the final-output backward pass runs (chosen by FLOP count in `makeWorkspace`).
        public var backwardRoute: BackwardRoute
        /// Readout-space route: `[W_y W_h^k]_k` stacked (`T·N_y × N_h`).
        var lagReadouts: Matrix
        /// Readout-space route: `[r h_{T−k}ᵀ]_k` stacked (`T·N_y × N_h`).
        var stateCorrelations: Matrix
        /// Readout-space route: `[r x_{T−k}ᵀ]_k` stacked (`T·N_y × N_x`).
        var inputCorrelations: Matrix
    }

    /// Two exact ways to back-propagate a final readout.
    public enum BackwardRoute: Sendable {
        /// Adjoint recursion `δ_t = W_hᵀ δ_{t+1}` over the hidden states: `O(T·N_h²·P)`.
        case hiddenAdjoints
        /// Through the readout space: every adjoint is `(W_y W_h^k)ᵀ r`, so with `L_k = W_y W_h^k`,
        /// `∂L/∂W_h = Σ_k L_kᵀ (r h_{T−k}ᵀ)` and `∂L/∂W_x = Σ_k L_kᵀ (r x_{T−k}ᵀ)`: `O(T·N_y·N_h·P + T·N_y·N_h²)`,
        /// far cheaper when `N_y ≪ N_h`.
        case readoutSpace
    }

    /// The cheaper exact backward route for a final readout at these sizes.
    public static func preferredRoute(nx: Int, nh: Int, ny: Int, T: Int, P: Int) -> BackwardRoute {
        let adjoint = nh * ny * P + (T - 1) * nh * nh * P + nh * nx * T * P + nh * nh * (T - 1) * P
        let readout = T * ny * nh * nh + (T - 1) * ny * nh * P + T * ny * nx * P + (T - 1) * ny * nh * nh + T * ny * nh * nx
        return readout < adjoint ? .readoutSpace : .hiddenAdjoints
    }

    public func makeWorkspace(for batch: SequenceBatch) -> Workspace { makeWorkspace(for: batch, route: nil) }

    /// Buffers for `batch` with a chosen final-output backward route (nil: the cheaper one).
    public func makeWorkspace(for batch: SequenceBatch, route forced: BackwardRoute?) -> Workspace {
        let n = hiddenDimension, cols = batch.timeSteps * batch.samples
        let outCols = outputMode == .final ? batch.samples : cols
        let T = batch.timeSteps, ny = outputDimension
        let route = outputMode == .final
            ? forced ?? Self.preferredRoute(nx: inputDimension, nh: n, ny: ny, T: T, P: batch.samples) : .hiddenAdjoints
        let readout = route == .readoutSpace
        return Workspace(states: Matrix(rows: n, cols: cols), adjoints: Matrix(rows: n, cols: readout ? 0 : cols),
                         residuals: Matrix(rows: ny, cols: outCols),
                         gradients: [Matrix(rows: wx.rows, cols: wx.cols), Matrix(rows: n, cols: n),
                                     Matrix(rows: wy.rows, cols: wy.cols)],
                         backwardRoute: route,
                         lagReadouts: Matrix(rows: readout ? T * ny : 0, cols: n),
                         stateCorrelations: Matrix(rows: readout ? T * ny : 0, cols: n),
                         inputCorrelations: Matrix(rows: readout ? T * ny : 0, cols: inputDimension))
    }

    /// Forward pass into `ws.states`: one GEMM for the input projection of all time steps, then one
    /// `N_h × N_h × P` GEMM per step for the recurrence.
    private func forward(_ batch: SequenceBatch, _ ws: inout Workspace) {
        checkShapes(batch)
        let n = hiddenDimension, p = batch.samples, T = batch.timeSteps
        BLAS.gemm(wx, batch.inputs, into: &ws.states)
        wh.storage.withUnsafeBufferPointer { whp in
            ws.states.storage.withUnsafeMutableBufferPointer { h in
                let base = h.baseAddress!
                for t in 1..<max(T, 1) {
                    BLAS.gemm(.none, .none, m: n, n: p, k: n, alpha: 1, a: whp.baseAddress!, lda: n,
                              b: base + (t - 1) * p * n, ldb: n, beta: 1, c: base + t * p * n, ldc: n)
                }
            }
        }
        // A NaN anywhere in the states reaches h_{T+1} (NaN·0 = NaN) and so the loss, which the trainer checks;
        // this scan only has to find large finite values.
        ws.maxAbsState = BLAS.maxAbs(ws.states.storage)
    }

    /// Exact BPTT: loss and all three gradients, with every time-batched product as a single GEMM; honours the batch's
    /// loss weights on both backward routes (they only rescale the residuals).
    public func lossAndGradient(_ batch: SequenceBatch, workspace ws: inout Workspace) -> Double {
        forward(batch, &ws)
        let n = hiddenDimension, ny = outputDimension, nx = inputDimension
        let p = batch.samples, T = batch.timeSteps
        let outOffset = outputMode == .final ? (T - 1) * p : 0
        let outCols = ws.residuals.cols
        // Residuals r = W_y H − Y (over the readout columns), then scaled by w/P (w = 1 without loss weights).
        ws.residuals.storage.withUnsafeMutableBufferPointer { r in
            batch.targets.storage.withUnsafeBufferPointer { y in r.baseAddress!.update(from: y.baseAddress!, count: y.count) }
        }
        wy.storage.withUnsafeBufferPointer { wyp in
            ws.states.storage.withUnsafeBufferPointer { h in
                ws.residuals.storage.withUnsafeMutableBufferPointer { r in
                    BLAS.gemm(.none, .none, m: ny, n: outCols, k: n, alpha: 1, a: wyp.baseAddress!, lda: ny,
                              b: h.baseAddress! + outOffset * n, ldb: n, beta: -1, c: r.baseAddress!, ldc: ny)
                }
            }
        }
        let loss: Double
        if let weights = batch.lossWeights {
            loss = ws.residuals.storage.withUnsafeMutableBufferPointer {
                RecurrentKernels.weightedLoss($0, lossWeights: weights, samples: p)
            }
        } else {
            let squared = BLAS.dot(ws.residuals.storage, ws.residuals.storage)
            loss = 0.5 * squared / Double(p)
            let invP = 1 / Double(p)
            ws.residuals.storage.withUnsafeMutableBufferPointer { r in for i in r.indices { r[i] *= invP } }
        }

        if outputMode == .final && ws.backwardRoute == .readoutSpace {
            readoutSpaceBackward(batch, &ws)
            return loss
        }
        wy.storage.withUnsafeBufferPointer { wyp in
        wh.storage.withUnsafeBufferPointer { whp in
        ws.states.storage.withUnsafeBufferPointer { hp in
        ws.residuals.storage.withUnsafeBufferPointer { rp in
        ws.adjoints.storage.withUnsafeMutableBufferPointer { dp in
            let h = hp.baseAddress!, r = rp.baseAddress!, d = dp.baseAddress!
            // Adjoints: D_T = W_yᵀ r_T (+ W_yᵀ r_t for every t when autoregressive), D_t += W_hᵀ D_{t+1}.
            switch outputMode {
            case .final:
                BLAS.gemm(.transpose, .none, m: n, n: p, k: ny, alpha: 1, a: wyp.baseAddress!, lda: ny,
                          b: r, ldb: ny, beta: 0, c: d + (T - 1) * p * n, ldc: n)
                for t in stride(from: T - 2, through: 0, by: -1) {
                    BLAS.gemm(.transpose, .none, m: n, n: p, k: n, alpha: 1, a: whp.baseAddress!, lda: n,
                              b: d + (t + 1) * p * n, ldb: n, beta: 0, c: d + t * p * n, ldc: n)
                }
            case .autoregressive:
                BLAS.gemm(.transpose, .none, m: n, n: T * p, k: ny, alpha: 1, a: wyp.baseAddress!, lda: ny,
                          b: r, ldb: ny, beta: 0, c: d, ldc: n)
                for t in stride(from: T - 2, through: 0, by: -1) {
                    BLAS.gemm(.transpose, .none, m: n, n: p, k: n, alpha: 1, a: whp.baseAddress!, lda: n,
                              b: d + (t + 1) * p * n, ldb: n, beta: 1, c: d + t * p * n, ldc: n)
                }
            }
            ws.gradients[0].storage.withUnsafeMutableBufferPointer { gx in
                batch.inputs.storage.withUnsafeBufferPointer { xp in
                    // ∂L/∂W_x = Σ_t D_t x_tᵀ : one GEMM over all T·P columns.
                    BLAS.gemm(.none, .transpose, m: n, n: nx, k: T * p, alpha: 1, a: d, lda: n,
                              b: xp.baseAddress!, ldb: nx, beta: 0, c: gx.baseAddress!, ldc: n)
                }
            }
            ws.gradients[1].storage.withUnsafeMutableBufferPointer { gh in
                // ∂L/∂W_h = Σ_{t≥2} D_t h_tᵀ (h_1 = 0): one GEMM over (T−1)·P columns.
                BLAS.gemm(.none, .transpose, m: n, n: n, k: (T - 1) * p, alpha: 1, a: d + p * n, lda: n,
                          b: h, ldb: n, beta: 0, c: gh.baseAddress!, ldc: n)
            }
            ws.gradients[2].storage.withUnsafeMutableBufferPointer { gy in
                // ∂L/∂W_y = Σ_t r_t h_{t+1}ᵀ over the readout columns.
                BLAS.gemm(.none, .transpose, m: ny, n: n, k: outCols, alpha: 1, a: r, lda: ny,
                          b: h + outOffset * n, ldb: n, beta: 0, c: gy.baseAddress!, ldc: ny)
            }
        }}}}}
        return loss
    }

    /// Final-output backward pass through the readout space (see `BackwardRoute.readoutSpace`); expects the
    /// forward pass and the scaled residuals `r` in `ws`.
    private func readoutSpaceBackward(_ batch: SequenceBatch, _ ws: inout Workspace) {
        let n = hiddenDimension, ny = outputDimension, nx = inputDimension
        let p = batch.samples, T = batch.timeSteps, ld = T * ny
        wy.storage.withUnsafeBufferPointer { wyp in
        wh.storage.withUnsafeBufferPointer { whp in
        ws.states.storage.withUnsafeBufferPointer { hp in
        ws.residuals.storage.withUnsafeBufferPointer { rp in
        batch.inputs.storage.withUnsafeBufferPointer { xp in
        ws.lagReadouts.storage.withUnsafeMutableBufferPointer { lp in
        ws.stateCorrelations.storage.withUnsafeMutableBufferPointer { gp in
        ws.inputCorrelations.storage.withUnsafeMutableBufferPointer { cp in
            let h = hp.baseAddress!, r = rp.baseAddress!, x = xp.baseAddress!
            let l = lp.baseAddress!, g = gp.baseAddress!, c = cp.baseAddress!
            // L_0 = W_y, L_k = L_{k−1} W_h (row blocks of a T·N_y × N_h matrix).
            for j in 0..<n { for i in 0..<ny { l[i + j * ld] = wyp[i + j * ny] } }
            for k in 1..<max(T, 1) {
                BLAS.gemm(.none, .none, m: ny, n: n, k: n, alpha: 1, a: l + (k - 1) * ny, lda: ld,
                          b: whp.baseAddress!, ldb: n, beta: 0, c: l + k * ny, ldc: ld)
            }
            for k in 0..<T {
                // r x_{T−k}ᵀ and, for k ≤ T−2, r h_{T−k}ᵀ (h_{T−k} is state block T−k−2, 0-based).
                BLAS.gemm(.none, .transpose, m: ny, n: nx, k: p, alpha: 1, a: r, lda: ny,
                          b: x + (T - 1 - k) * p * nx, ldb: nx, beta: 0, c: c + k * ny, ldc: ld)
                if k <= T - 2 {
                    BLAS.gemm(.none, .transpose, m: ny, n: n, k: p, alpha: 1, a: r, lda: ny,
                              b: h + (T - 2 - k) * p * n, ldb: n, beta: 0, c: g + k * ny, ldc: ld)
                }
            }
            ws.gradients[0].storage.withUnsafeMutableBufferPointer { gx in
                BLAS.gemm(.transpose, .none, m: n, n: nx, k: T * ny, alpha: 1, a: l, lda: ld,
                          b: c, ldb: ld, beta: 0, c: gx.baseAddress!, ldc: n)
            }
            ws.gradients[1].storage.withUnsafeMutableBufferPointer { gh in
                BLAS.gemm(.transpose, .none, m: n, n: n, k: (T - 1) * ny, alpha: 1, a: l, lda: ld,
                          b: g, ldb: ld, beta: 0, c: gh.baseAddress!, ldc: n)
            }
            ws.gradients[2].storage.withUnsafeMutableBufferPointer { gy in
                BLAS.gemm(.none, .transpose, m: ny, n: n, k: p, alpha: 1, a: r, lda: ny,
                          b: h + (T - 1) * p * n, ldb: n, beta: 0, c: gy.baseAddress!, ldc: ny)
            }
        }}}}}}}}
    }
}
