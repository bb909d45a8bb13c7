import CLapacke
import COpenBLAS

extension Matrix {
    /// The `count` largest eigenvalues (descending) and their orthonormal eigenvectors (columns, same order) of a
    /// symmetric matrix whose lower triangle is read, via LAPACK dsyevr restricted to that index range.
    ///
    /// Cheaper than `symmetricEigen` when few eigenpairs of a large matrix are needed (e.g. the leading singular
    /// directions of a data matrix from its Gram matrix). Throws `.shape` unless square with `0 ≤ count ≤ rows`.
    public func symmetricLeadingEigen(count: Int) throws -> (values: [Double], vectors: Matrix) {
        try LAPACK.requireSquare(self, "symmetricLeadingEigen")
        let n = rows
        guard count >= 0 && count <= n else {
            throw LinalgError.shape("symmetricLeadingEigen: count \(count) outside 0...\(n)")
        }
        if count == 0 { return ([], Matrix(rows: n, cols: 0)) }
        try LAPACK.requireFinite(self, "symmetricLeadingEigen")
        let n32 = try LAPACK.int(n)
        _ = try LAPACK.int(n * n, "matrix size")
        var a = storage
        var w = [Double](repeating: 0, count: n)
        var z = [Double](repeating: 0, count: n * count)
        var support = [Int32](repeating: 0, count: 2 * count)
        var found: Int32 = 0
        let info = LAPACKE_dsyevr(LAPACK.colMajor, LAPACK.flag("V"), LAPACK.flag("I"), LAPACK.flag("L"), n32, &a, n32,
                                  0, 0, n32 - Int32(count) + 1, n32, 0, &found, &w, &z, n32, &support)
        try LAPACK.check(info, "dsyevr")
        guard Int(found) == count else {
            throw LinalgError.notConverged("dsyevr returned \(found) of \(count) requested eigenpairs")
        }
        // dsyevr returns them ascending; reverse values and columns.
        var vectors = Matrix(rows: n, cols: count)
        for j in 0..<count {
            let source = count - 1 - j
            for i in 0..<n { vectors.storage[i + j * n] = z[i + source * n] }
        }
        return (Array(w[0..<count].reversed()), vectors)
    }

    /// `A Aᵀ` (rows × rows, both triangles filled) via BLAS dsyrk: the Gram matrix of the rows.
    public func rowGram() -> Matrix {
        let n = rows, k = cols
        var g = Matrix(rows: n, cols: n)
        if n == 0 || k == 0 { return g }
        storage.withUnsafeBufferPointer { pa in
            g.storage.withUnsafeMutableBufferPointer { pg in
                cblas_dsyrk(CblasColMajor, CblasLower, CblasNoTrans, Int32(n), Int32(k), 1, pa.baseAddress, Int32(n),
                            0, pg.baseAddress, Int32(n))
            }
        }
        for j in 0..<n { for i in 0..<j { g.storage[i + j * n] = g.storage[j + i * n] } }
        return g
    }
}
