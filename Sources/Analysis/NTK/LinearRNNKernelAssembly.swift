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

    /// `Θ[(p,i),(q,j)] = A[(p,q),(i,j)] + A[(q,p),(j,i)]` from `contracted` in one pass, exactly symmetric (both
    /// entries get the same sum). Sample blocks of 4 × 4 give 4N_y × 4N_y kernel tiles, gathered through a local
    /// buffer and written column by column with their mirror: a kernel side of 512 doubles is 4 KiB, so walking a
    /// row of Θ directly would map every access to one cache set.
    mutating func assembleSymmetric() {
        let p = samples, ny = outputDimension, n = p * ny, pp = p * p, block = 4, side = block * ny
        withUnsafeTemporaryAllocation(of: Double.self, capacity: side * side) { buf in
            let tile = buf.baseAddress!
            contracted.storage.withUnsafeBufferPointer { ap in
                kernel.storage.withUnsafeMutableBufferPointer { kp in
                    let a = ap.baseAddress!, th = kp.baseAddress!
                    for q0 in stride(from: 0, to: p, by: block) {
                        let nq = min(block, p - q0)
                        for p0 in stride(from: 0, through: q0, by: block) {
                            let np = min(block, p - p0)
                            // tile[(i + ny·dp) + side·(j + ny·dq)] for p = p0 + dp, q = q0 + dq.
                            for j in 0..<ny {
                                for i in 0..<ny {
                                    let a1 = a + pp * (i + ny * j), a2 = a + pp * (j + ny * i)
                                    for dq in 0..<nq {
                                        let q = q0 + dq, col = side * (j + ny * dq)
                                        for dp in 0..<np {
                                            let pr = p0 + dp
                                            tile[i + ny * dp + col] = a1[pr + p * q] + a2[q + p * pr]
                                        }
                                    }
                                }
                            }
                            let rows = np * ny, cols = nq * ny, r0 = p0 * ny, c0 = q0 * ny
                            for c in 0..<cols {
                                (th + r0 + (c0 + c) * n).update(from: tile + c * side, count: rows)
                            }
                            if p0 != q0 {
                                for r in 0..<rows {
                                    let dst = th + c0 + (r0 + r) * n
                                    for c in 0..<cols { dst[c] = tile[r + c * side] }
                                }
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
