import CKernels
import Linalg

extension TanhRNN {
    /// BPTT from the forward pass's states and the residuals into `ws.gradients`. Per step, from the last:
    /// `δ_t = (W_yᵀ r_t + W_hᵀ δ_{t+1}) ⊙ (1 − h_t²)` — one `N × N × P` GEMM, then one fused pass over the block that
    /// adds the readout term, multiplies by tanh', and accumulates ∂b = Σ δ_t, ∂W_x += δ_t x_tᵀ and ∂W_y += r_t h_tᵀ
    /// (for N_x, N_y ≤ `fusedWidthLimit`; wider ones as whole-sequence GEMMs). Then ∂W_h = Σ_{t≥2} δ_t h_{t−1}ᵀ as one
    /// GEMM over (T−1)·P columns. Readout residuals start at column `outOffset` and span `outCols` columns.
    func backward(_ x: Matrix, _ p: Int, _ T: Int, readoutFrom outOffset: Int, columns outCols: Int, _ ws: inout Workspace) {
        let n = hiddenDimension, ny = outputDimension, nx = inputDimension
        let fusedInput = nx <= Self.fusedWidthLimit, fusedReadout = ny <= Self.fusedWidthLimit
        if fusedReadout {
            for i in 0..<n { for k in 0..<ny { ws.readoutTransposed.storage[i + k * n] = wy.storage[k + i * ny] } }
            ws.readoutGradientTransposed.storage.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        }
        if fusedInput { ws.gradients[0].storage.withUnsafeMutableBufferPointer { $0.update(repeating: 0) } }
        ws.gradients[2].storage.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        wy.storage.withUnsafeBufferPointer { wyp in
        wh.storage.withUnsafeBufferPointer { whp in
        x.storage.withUnsafeBufferPointer { xp in
        ws.states.storage.withUnsafeBufferPointer { hp in
        ws.residuals.storage.withUnsafeBufferPointer { rp in
        ws.readoutTransposed.storage.withUnsafeBufferPointer { vp in
        ws.readoutGradientTransposed.storage.withUnsafeMutableBufferPointer { gyp in
        ws.gradients.withUnsafeMutableBufferPointer { blocks in
        blocks[0].storage.withUnsafeMutableBufferPointer { gxp in
        blocks[2].storage.withUnsafeMutableBufferPointer { gbp in
        ws.adjoints.storage.withUnsafeMutableBufferPointer { dp in
            let h = hp.baseAddress!, r = rp.baseAddress!, d = dp.baseAddress!, whb = whp.baseAddress!
            if !fusedReadout {
                BLAS.gemm(.transpose, .none, m: n, n: outCols, k: ny, alpha: 1, a: wyp.baseAddress!, lda: ny,
                          b: r, ldb: ny, beta: 0, c: d + outOffset * n, ldc: n)
            }
            for t in stride(from: T - 1, through: 0, by: -1) {
                let block = d + t * p * n, hasNext = t < T - 1
                if hasNext {
                    BLAS.gemm(.transpose, .none, m: n, n: p, k: n, alpha: 1, a: whb, lda: n, b: block + p * n, ldb: n,
                              beta: !fusedReadout && outputMode == .autoregressive ? 1 : 0, c: block, ldc: n)
                }
                let readsOut = fusedReadout && (outputMode == .autoregressive || t == T - 1)
                rnndyn_tanh_backward_fused(block, hasNext || !fusedReadout ? 1 : 0, h + t * p * n, n, p,
                                           readsOut ? vp.baseAddress : nil, readsOut ? r + (t * p - outOffset) * ny : nil, ny,
                                           gbp.baseAddress, fusedInput ? gxp.baseAddress : nil,
                                           fusedInput ? xp.baseAddress! + t * p * nx : nil, nx,
                                           readsOut ? gyp.baseAddress : nil)
            }
            if !fusedInput {
                // ∂W_x = Σ_t δ_t x_tᵀ over all T·P columns.
                BLAS.gemm(.none, .transpose, m: n, n: nx, k: T * p, alpha: 1, a: d, lda: n, b: xp.baseAddress!, ldb: nx,
                          beta: 0, c: gxp.baseAddress!, ldc: n)
            }
        }}}}}}}}}}}
        recurrentAndInitialStateGradients(p, T, &ws)
        if hasSecondBias {  // ∂b_hh = ∂b
            ws.gradients.withUnsafeMutableBufferPointer { blocks in
                blocks[3].storage.withUnsafeMutableBufferPointer { g in
                    blocks[2].storage.withUnsafeBufferPointer { g.baseAddress!.update(from: $0.baseAddress!, count: n) }
                }
            }
        }
        ws.residuals.storage.withUnsafeBufferPointer { rp in
            let r = rp.baseAddress!
            if fusedReadout {
                for i in 0..<n { for k in 0..<ny { ws.gradients[4].storage[k + i * ny] = ws.readoutGradientTransposed.storage[i + k * n] } }
            } else {
                ws.states.storage.withUnsafeBufferPointer { hp in
                    ws.gradients[4].storage.withUnsafeMutableBufferPointer { g in
                        // ∂W_y = Σ_t r_t h_tᵀ over the readout columns.
                        BLAS.gemm(.none, .transpose, m: ny, n: n, k: outCols, alpha: 1, a: r, lda: ny,
                                  b: hp.baseAddress! + outOffset * n, ldb: n, beta: 0, c: g.baseAddress!, ldc: ny)
                    }
                }
            }
            ws.gradients[5].storage.withUnsafeMutableBufferPointer { g in
                RecurrentKernels.rowSums(r, rows: ny, cols: outCols, into: g.baseAddress!)
            }
        }
    }

    /// `∂W_h = Σ_{t≥2} δ_t h_{t−1}ᵀ` over (T−1)·P columns as one GEMM, plus `(Σ_p δ_1) h_0ᵀ` and `∂h_0 = W_hᵀ Σ_p δ_1`
    /// with a learned h_0.
    private func recurrentAndInitialStateGradients(_ p: Int, _ T: Int, _ ws: inout Workspace) {
        let n = hiddenDimension
        wh.storage.withUnsafeBufferPointer { whp in
        ws.states.storage.withUnsafeBufferPointer { hp in
        ws.adjoints.storage.withUnsafeBufferPointer { dp in
        ws.columnScratch.storage.withUnsafeMutableBufferPointer { sp in
            let d = dp.baseAddress!, s = sp.baseAddress!
            ws.gradients[1].storage.withUnsafeMutableBufferPointer { g in
                BLAS.gemm(.none, .transpose, m: n, n: n, k: (T - 1) * p, alpha: 1, a: d + p * n, lda: n, b: hp.baseAddress!,
                          ldb: n, beta: 0, c: g.baseAddress!, ldc: n)
            }
            guard learnsInitialState else { return }
            RecurrentKernels.rowSums(d, rows: n, cols: p, into: s)  // Σ_p δ_1
            h0.storage.withUnsafeBufferPointer { h0p in
                ws.gradients[1].storage.withUnsafeMutableBufferPointer { g in
                    BLAS.gemm(.none, .transpose, m: n, n: n, k: 1, alpha: 1, a: s, lda: n, b: h0p.baseAddress!,
                              ldb: n, beta: 1, c: g.baseAddress!, ldc: n)
                }
            }
            ws.gradients[6].storage.withUnsafeMutableBufferPointer { g in
                BLAS.gemm(.transpose, .none, m: n, n: 1, k: n, alpha: 1, a: whp.baseAddress!, lda: n, b: s, ldb: n,
                          beta: 0, c: g.baseAddress!, ldc: n)
            }
        }}}}
    }
}
