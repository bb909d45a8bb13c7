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
