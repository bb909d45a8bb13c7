import COpenBLAS

extension BLAS {
    /// The Gram matrix `C ← A Aᵀ` (`A` m × k, `C` m × m), by dsyrk on the upper triangle then mirrored: half the
    /// flops of the general product, and exactly symmetric.
    public static func gram(_ a: Matrix, into c: inout Matrix) {
        let m = a.rows, k = a.cols
        precondition(c.rows == m && c.cols == m, "gram output is \(c.shape), expected (\(m), \(m))")
        if m == 0 { return }
        if k == 0 { c.storage.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }; return }
        a.storage.withUnsafeBufferPointer { pa in
            c.storage.withUnsafeMutableBufferPointer { pc in
                cblas_dsyrk(CblasColMajor, CblasUpper, CblasNoTrans, i32(m), i32(k), 1, pa.baseAddress!, i32(m), 0,
                            pc.baseAddress!, i32(m))
                let cp = pc.baseAddress!
                for j in 0..<m { for i in (j + 1)..<m { cp[i + j * m] = cp[j + i * m] } }
            }
        }
    }

    /// `y[i·incy] ← x[i·incx]` for i < n (dcopy): e.g. a contiguous column into a row of a column-major matrix.
    @inlinable public static func copy(_ n: Int, from x: UnsafePointer<Double>, stride incx: Int,
                                       to y: UnsafeMutablePointer<Double>, stride incy: Int) {
        if n > 0 { cblas_dcopy(i32(n), x, i32(incx), y, i32(incy)) }
    }
}
