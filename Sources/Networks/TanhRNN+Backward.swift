import CKernels
import Linalg

extension TanhRNN {
    /// BPTT from the forward pass's states and the residuals into `ws.gradients`. Per step, from the last:
    /// `δ_t = (W_yᵀ r_t + W_hᵀ δ_{t+1}) ⊙ (1 − h_t²)` — one `N × N × P` product (W_hᵀ packed once) whose register
    /// tiles `rnndyn_tanh_step_backward` finishes in place: it adds the readout term, multiplies by tanh', and
    /// accumulates ∂b = Σ δ_t, ∂W_x += δ_t x_tᵀ and ∂W_y += r_t h_tᵀ
    /// (for N_x, N_y ≤ `fusedWidthLimit`; wider ones as whole-sequence GEMMs), and ∂W_h += δ_{t+1} h_tᵀ while both are
    /// still in cache (`rnndyn_gemm_abt`). Readout residuals start at column `outOffset` and span `outCols`
    /// columns.
    func backward(_ x: Matrix, _ p: Int, _ T: Int, readoutFrom outOffset: Int, columns outCols: Int, _ ws: inout Workspace) {
        let n = hiddenDimension, ny = outputDimension, nx = inputDimension
        let fusedInput = nx <= Self.fusedWidthLimit, fusedReadout = ny <= Self.fusedWidthLimit
        if fusedReadout {
            for i in 0..<n { for k in 0..<ny { ws.readoutTransposed.storage[i + k * n] = wy.storage[k + i * ny] } }
            ws.readoutGradientTransposed.storage.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        }
        if fusedInput { ws.gradients[0].storage.withUnsafeMutableBufferPointer { $0.update(repeating: 0) } }
        ws.gradients[2].storage.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        ws.packedRecurrentTransposed.pack(wh, .transpose)
        wy.storage.withUnsafeBufferPointer { wyp in
        x.storage.withUnsafeBufferPointer { xp in
        ws.states.storage.withUnsafeBufferPointer { hp in
        ws.residuals.storage.withUnsafeBufferPointer { rp in
        ws.readoutTransposed.storage.withUnsafeBufferPointer { vp in
        ws.readoutGradientTransposed.storage.withUnsafeMutableBufferPointer { gyp in
        ws.gradients.withUnsafeMutableBufferPointer { blocks in
        blocks[0].storage.withUnsafeMutableBufferPointer { gxp in
        blocks[2].storage.withUnsafeMutableBufferPointer { gbp in
        blocks[1].storage.withUnsafeMutableBufferPointer { ghp in
        ws.packedRecurrentTransposed.withUnsafePanels { packed in
        ws.alignedAdjoints.withUnsafeMutableBufferPointer { scratch in
        ws.adjoints.storage.withUnsafeMutableBufferPointer { dp in
            let h = hp.baseAddress!, r = rp.baseAddress!, d = dp.baseAddress!, gh = ghp.baseAddress!
            let aligned = scratch.baseAddress! + (64 - Int(bitPattern: scratch.baseAddress!) % 64) % 64 / 8
            if T == 1 { ghp.update(repeating: 0) }
            if !fusedReadout {
                BLAS.gemm(.transpose, .none, m: n, n: outCols, k: ny, alpha: 1, a: wyp.baseAddress!, lda: ny,
                          b: r, ldb: ny, beta: 0, c: d + outOffset * n, ldc: n)
            }
            for t in stride(from: T - 1, through: 0, by: -1) {
                let block = d + t * p * n, hasNext = t < T - 1
                let readsOut = fusedReadout && (outputMode == .autoregressive || t == T - 1)
                let wyT = readsOut ? vp.baseAddress : nil, rt = readsOut ? r + (t * p - outOffset) * ny : nil
                let gx = fusedInput ? gxp.baseAddress : nil, xt = fusedInput ? xp.baseAddress! + t * p * nx : nil
                let gy = readsOut ? gyp.baseAddress : nil
                if hasNext {
                    rnndyn_tanh_step_backward(packed, n, p, n, block + p * n,
                                              !fusedReadout && outputMode == .autoregressive ? 1 : 0, block,
                                              h + t * p * n, wyT, rt, ny, gbp.baseAddress, gx, xt, nx, gy)
                } else {
                    rnndyn_tanh_backward_fused(block, fusedReadout ? 0 : 1, h + t * p * n, n, p, wyT, rt, ny,
                                               gbp.baseAddress, gx, xt, nx, gy)
                }
                // ∂W_h += δ_{t+1} h_tᵀ while both are in cache from this step (no second pass over the sequence); δ_{t+1}
                // from a 64-byte-aligned copy, so each 8-row load stays within one cache line.
                if hasNext {
                    aligned.update(from: block + p * n, count: n * p)
                    rnndyn_gemm_abt(n, n, p, aligned, n, h + t * p * n, n, t < T - 2 ? 1 : 0, gh, n)
                }
            }
            if !fusedInput {
                // ∂W_x = Σ_t δ_t x_tᵀ over all T·P columns.
                BLAS.gemm(.none, .transpose, m: n, n: nx, k: T * p, alpha: 1, a: d, lda: n, b: xp.baseAddress!, ldb: nx,
                          beta: 0, c: gxp.baseAddress!, ldc: n)
            }
        }}}}}}}}}}}}}
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

    /// With a learned h_0: `∂W_h += (Σ_p δ_1) h_0ᵀ` (the backward pass summed the t ≥ 2 terms) and `∂h_0 = W_hᵀ Σ_p δ_1`.
    private func recurrentAndInitialStateGradients(_ p: Int, _ T: Int, _ ws: inout Workspace) {
        let n = hiddenDimension
        wh.storage.withUnsafeBufferPointer { whp in
        ws.adjoints.storage.withUnsafeBufferPointer { dp in
        ws.columnScratch.storage.withUnsafeMutableBufferPointer { sp in
            let d = dp.baseAddress!, s = sp.baseAddress!
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
        }}}
    }
}
