import CKernels
import Testing
@testable import Linalg

@Suite struct SmallGEMMTests {
    /// Naive reference for `α op(A) op(B) + β C`.
    static func reference(_ a: Matrix, _ b: Matrix, _ c: Matrix, ta: Transpose, tb: Transpose, alpha: Double, beta: Double) -> Matrix {
        let oa = ta == .none ? a : a.transposed, ob = tb == .none ? b : b.transposed
        return Matrix(rows: oa.rows, cols: ob.cols) { i, j in
            var s = 0.0
            for l in 0..<oa.cols { s += oa[i, l] * ob[l, j] }
            return alpha * s + beta * c[i, j]
        }
    }

    @Test(arguments: [(4, 64, 4), (8, 7, 3), (12, 5, 16), (16, 4, 300), (4, 1, 9), (4, 3, 1), (4, 5, 7), (4, 6, 2), (4, 2, 3), (4, 9, 8)])
    func smallPathMatchesTheReferenceForEveryTransposeAndScaling(m: Int, n: Int, k: Int) {
        #expect(SmallGEMM.handles(m: m, n: n, k: k))
        var rng = RandomStreams(seed: UInt64(m * 1000 + n * 10 + k)).stream("sgemm")
        for ta in [Transpose.none, .transpose] {
            for tb in [Transpose.none, .transpose] {
                for (alpha, beta) in [(1.0, 0.0), (1.0, 1.0), (-0.5, 2.0)] {
                    let a = ta == .none ? rng.gaussianMatrix(rows: m, cols: k) : rng.gaussianMatrix(rows: k, cols: m)
                    let b = tb == .none ? rng.gaussianMatrix(rows: k, cols: n) : rng.gaussianMatrix(rows: n, cols: k)
                    var c = rng.gaussianMatrix(rows: m, cols: n)
                    let want = Self.reference(a, b, c, ta: ta, tb: tb, alpha: alpha, beta: beta)
                    BLAS.gemm(a, b, into: &c, transA: ta, transB: tb, alpha: alpha, beta: beta)
                    #expect(c.relativeDistance(to: want) <= 1e-13)
                }
            }
        }
    }

    @Test func portableFallbackMatchesTheReference() {
        var rng = RandomStreams(seed: 77).stream("portable")
        for (ta, tb) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
            let (m, n, k) = (8, 5, 7)
            let a = ta == 0 ? rng.gaussianMatrix(rows: m, cols: k) : rng.gaussianMatrix(rows: k, cols: m)
            let b = tb == 0 ? rng.gaussianMatrix(rows: k, cols: n) : rng.gaussianMatrix(rows: n, cols: k)
            var c = rng.gaussianMatrix(rows: m, cols: n)
            let want = Self.reference(a, b, c, ta: ta == 0 ? .none : .transpose, tb: tb == 0 ? .none : .transpose, alpha: 0.7, beta: -1.5)
            rnndyn_small_dgemm_portable(Int32(ta), Int32(tb), m, n, k, 0.7, a.storage, a.rows, b.storage, b.rows, -1.5, &c.storage, m)
            #expect(c.relativeDistance(to: want) <= 1e-13)
        }
    }

    @Test func shapesOutsideTheSmallPathGoToOpenBLAS() {
        #expect(!SmallGEMM.handles(m: 3, n: 64, k: 4))
        #expect(!SmallGEMM.handles(m: 32, n: 64, k: 4))
        #expect(!SmallGEMM.handles(m: 16, n: 512, k: 512))
    }
}
