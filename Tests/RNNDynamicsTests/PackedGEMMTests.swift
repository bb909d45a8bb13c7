import Testing
@testable import Linalg

@Suite struct PackedGEMMTests {
    /// Shapes around the 8 × 6 tile: ragged rows and columns, k = 1, a single column.
    @Test(arguments: [(128, 64, 128), (13, 7, 5), (8, 6, 1), (1, 1, 3), (17, 13, 40), (24, 1, 24)])
    func packedProductMatchesBLASForBothOperandsAndAccumulation(m: Int, n: Int, k: Int) {
        var rng = RandomStreams(seed: UInt64(m * 10_000 + n * 100 + k)).stream("packed")
        for op in [Transpose.none, .transpose] {
            for (scale, accumulate) in [(1.0, false), (1.0, true), (-0.37, true)] {
                let a = op == .none ? rng.gaussianMatrix(rows: m, cols: k) : rng.gaussianMatrix(rows: k, cols: m)
                let b = rng.gaussianMatrix(rows: k + 2, cols: n)  // ldb > k: the product reads the first k rows
                let c0 = rng.gaussianMatrix(rows: m + 3, cols: n)  // ldc > m: the rows past m stay untouched
                var want = c0
                want.storage.withUnsafeMutableBufferPointer { cp in
                    a.storage.withUnsafeBufferPointer { ap in
                        b.storage.withUnsafeBufferPointer { bp in
                            BLAS.gemm(op, .none, m: m, n: n, k: k, alpha: scale, a: ap.baseAddress!, lda: max(a.rows, 1),
                                      b: bp.baseAddress!, ldb: k + 2, beta: accumulate ? 1 : 0, c: cp.baseAddress!, ldc: m + 3)
                        }
                    }
                }
                var packed = PackedOperand(rows: m, inner: k)
                packed.pack(a, op, scale: scale)
                for portable in [false, true] {
                    var c = c0
                    c.storage.withUnsafeMutableBufferPointer { cp in
                        b.storage.withUnsafeBufferPointer { bp in
                            if portable {
                                packed.multiplyPortable(bp.baseAddress!, ldb: k + 2, columns: n, accumulate: accumulate,
                                                        into: cp.baseAddress!, ldc: m + 3)
                            } else {
                                packed.multiply(bp.baseAddress!, ldb: k + 2, columns: n, accumulate: accumulate,
                                                into: cp.baseAddress!, ldc: m + 3)
                            }
                        }
                    }
                    #expect(c.relativeDistance(to: want) <= 1e-13, "m \(m) n \(n) k \(k) \(op) portable \(portable)")
                    for j in 0..<n { for i in m..<(m + 3) { #expect(c[i, j] == c0[i, j]) } }
                }
            }
        }
    }

    /// The AVX2 and portable paths run the same FMA chain per entry, so they agree bit for bit.
    @Test func avx2AndPortablePathsAgreeBitForBit() {
        var rng = RandomStreams(seed: 5).stream("bits")
        let a = rng.gaussianMatrix(rows: 37, cols: 29), b = rng.gaussianMatrix(rows: 29, cols: 19)
        var packed = PackedOperand(rows: 37, inner: 29)
        packed.pack(a)
        var c1 = Matrix(rows: 37, cols: 19), c2 = Matrix(rows: 37, cols: 19)
        c1.storage.withUnsafeMutableBufferPointer { c in
            packed.multiply(b.storage, ldb: 29, columns: 19, accumulate: false, into: c.baseAddress!, ldc: 37)
        }
        c2.storage.withUnsafeMutableBufferPointer { c in
            packed.multiplyPortable(b.storage, ldb: 29, columns: 19, accumulate: false, into: c.baseAddress!, ldc: 37)
        }
        #expect(c1.storage == c2.storage)
    }
}
