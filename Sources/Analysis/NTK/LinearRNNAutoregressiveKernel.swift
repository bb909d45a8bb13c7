import Linalg
import Networks

extension LinearRNNTangentKernel {
    /// Autoregressive readout (Proca et al. App. M.5, the §7.1 construction per pair of readout times).
    ///
    /// With `D_uv = L_u L_vᵀ`, the block of readout times t, s (0-based, input k ≤ t, l ≤ s) is
    /// `Θ_{(t,p),(s,q)} = (h_{p,t+1}·h_{q,s+1}) I + Σ_{k≤t} Σ_{l≤s} G_kl[p,q] D_{t−k, s−l}`.
    /// All T² feature Grams are formed (`P² × T²`, never larger than the kernel itself); for every t ≤ s and every
    /// l ≤ s the k-sum is one GEMM against the lag-reversed `D_{·,s−l}`, so the cost is `O(P²N_y²T⁴/4)` in GEMMs.
    /// Blocks with t > s are mirrored.
    mutating func computeAutoregressive() {
        let p = samples, ny = outputDimension, T = timeSteps, pp = p * p, nyy = ny * ny
        kernel.storage.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        if features.rows > 0 {
            // pairReadout[w, (i + j·N_y) + N_y²·v] = D_{T−1−w, v}[i, j].
            let ld = T * ny
            for v in 0..<T {
                for j in 0..<ny {
                    for i in 0..<ny {
                        for w in 0..<T {
                            pairReadout.storage[w + ((i + j * ny) + nyy * v) * T] = readoutGram.storage[(T - 1 - w) * ny + i + (v * ny + j) * ld]
                        }
                    }
                }
            }
            // All T² feature Grams, k-major: column l + kT holds G_kl; for fixed l the k-columns are T·P² apart.
            for k in 0..<T { formPairGrams(k, 0..<T, column: k * T) }
            for s in 0..<T {
                for t in 0...s {
                    pairGram.storage.withUnsafeBufferPointer { g in
                        pairReadout.storage.withUnsafeBufferPointer { r in
                            contracted.storage.withUnsafeMutableBufferPointer { a in
                                for l in 0...s {
                                    BLAS.gemm(.none, .none, m: pp, n: nyy, k: t + 1, alpha: 1, a: g.baseAddress! + l * pp, lda: T * pp,
                                              b: r.baseAddress! + (T - 1 - t) + (s - l) * nyy * T, ldb: T,
                                              beta: l == 0 ? 0 : 1, c: a.baseAddress!, ldc: pp)
                                }
                            }
                        }
                    }
                    scatterTimeBlock(t, s)
                }
            }
        }
        if blocks.contains(.wy) {
            formStateGram(firstBlock: 1, blockCount: T)
            addReadoutStateTerm()
        }
    }

    /// Writes `A[(p,q),(i,j)]` as the kernel block of readout times (t, s) and its mirror (averaged when t = s).
    mutating func scatterTimeBlock(_ t: Int, _ s: Int) {
        let p = samples, ny = outputDimension, pp = p * p, n = kernel.rows
        contracted.storage.withUnsafeBufferPointer { a in
            kernel.storage.withUnsafeMutableBufferPointer { th in
                for q in 0..<p {
                    for j in 0..<ny {
                        let col = j + ny * (q + p * s)
                        for pi in 0..<p {
                            for i in 0..<ny {
                                let row = i + ny * (pi + p * t)
                                var v = a[pi + q * p + (i + j * ny) * pp]
                                if t == s { v = 0.5 * (v + a[q + pi * p + (j + i * ny) * pp]) }
                                th[row + col * n] = v
                                th[col + row * n] = v
                            }
                        }
                    }
                }
            }
        }
    }
}
