import Testing
@testable import Linalg

/// `BLAS.gram` (dsyrk, mirrored) and `BLAS.copy` (strided dcopy).
@Suite struct BLASGramTests {
    @Test func gramEqualsTheGeneralProductAndIsExactlySymmetric() {
        var rng = RandomStreams(seed: 14).stream("gram")
        for (m, k) in [(7, 5), (1, 3), (6, 40), (4, 0)] {
            let a = rng.gaussianMatrix(rows: m, cols: k)
            var g = Matrix(rows: m, cols: m, repeating: .nan)
            BLAS.gram(a, into: &g)
            #expect(g == g.transposed)
            let reference = a.timesTranspose(a)
            if k == 0 { #expect(g.maxAbs == 0) } else { #expect(g.relativeDistance(to: reference) <= 1e-15, "\(m) × \(k)") }
        }
    }

    @Test func stridedCopyWritesAColumnIntoARow() {
        let column: [Double] = [1, 2, 3]
        var m = Matrix(rows: 4, cols: 3)
        m.storage.withUnsafeMutableBufferPointer { dst in
            column.withUnsafeBufferPointer { BLAS.copy(3, from: $0.baseAddress!, stride: 1, to: dst.baseAddress! + 2, stride: 4) }
        }
        #expect(m.row(2) == column && m.row(0) == [0, 0, 0] && m.row(3) == [0, 0, 0])
    }
}
