import Linalg

extension LinearRNNTangentKernel {
    /// `stateGram = Hᵀ H` for the readout states `H` (state blocks `first ..< first + count`), made exactly symmetric.
    mutating func formStateGram(firstBlock first: Int, blockCount count: Int) {
        let nh = hiddenDimension, n = count * samples
        states.storage.withUnsafeBufferPointer { h in
            stateGram.storage.withUnsafeMutableBufferPointer { s in
                let a = h.baseAddress! + first * samples * nh
                BLAS.gemm(.transpose, .none, m: n, n: n, k: nh, alpha: 1, a: a, lda: nh, b: a, ldb: nh, beta: 0,
                          c: s.baseAddress!, ldc: n)
                for q in 0..<n { for p in 0..<q { s[q + p * n] = s[p + q * n] } }
            }
        }
    }

    /// `K ← K + Kᵀ` in place (exactly symmetric: both entries get the same sum), in 8 × 8 tile pairs copied through a
    /// local buffer: a kernel side of 512 doubles is 4 KiB, so walking a row would map every access to one cache set.
    static func addTranspose(_ k: inout Matrix) {
        let n = k.rows, tile = 8
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * tile * tile) { buf in
            let upper = buf.baseAddress!, lower = upper + tile * tile
            k.storage.withUnsafeMutableBufferPointer { mp in
                let m = mp.baseAddress!
                for jb in stride(from: 0, to: n, by: tile) {
                    let nj = min(tile, n - jb)
                    for ib in stride(from: 0, through: jb, by: tile) {
                        let ni = min(tile, n - ib)
                        // upper[r + c·tile] = K[ib + r, jb + c], lower[c + r·tile] = K[jb + c, ib + r].
                        for c in 0..<nj { for r in 0..<ni { upper[r + c * tile] = m[ib + r + (jb + c) * n] } }
                        for r in 0..<ni { for c in 0..<nj { lower[c + r * tile] = m[jb + c + (ib + r) * n] } }
                        for c in 0..<nj {
                            for r in 0..<ni where ib != jb || r <= c {
                                let v = upper[r + c * tile] + lower[c + r * tile]
                                m[ib + r + (jb + c) * n] = v
                                m[jb + c + (ib + r) * n] = v
                            }
                        }
                    }
                }
            }
        }
    }

    /// Adds `(h_a · h_b) δ_ij` for every pair of readout outputs a, b (the W_y term) from `stateGram`.
    mutating func addReadoutStateTerm() {
        let ny = outputDimension, m = stateGram.rows, n = kernel.rows
        for b in 0..<m {
            for a in 0..<m {
                let s = stateGram.storage[a + b * m]
                for i in 0..<ny { kernel.storage[a * ny + i + (b * ny + i) * n] += s }
            }
        }
    }
}
