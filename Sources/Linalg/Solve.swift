import CLapacke

extension Matrix {
    /// Solves `A X = B` for square `A` by LU with partial pivoting (dgesv); throws `.lapack("dgesv", info)` if `A` is exactly singular.
    public func solve(_ b: Matrix) throws -> Matrix {
        try LAPACK.requireSquare(self, "solve")
        guard b.rows == rows else { throw LinalgError.shape("solve: A is \(rows)×\(cols) but B has \(b.rows) rows") }
        let n = rows, nrhs = b.cols
        if n == 0 || nrhs == 0 { return Matrix(rows: n, cols: nrhs) }
        try LAPACK.requireFinite(self, "solve")
        try LAPACK.requireFinite(b, "solve (right-hand side)")
        let n32 = try LAPACK.int(n), nrhs32 = try LAPACK.int(nrhs)
        _ = try LAPACK.int(n * Swift.max(n, nrhs), "matrix size")
        var a = storage
        var x = b.storage
        var ipiv = [Int32](repeating: 0, count: n)
        try LAPACK.check(LAPACKE_dgesv(LAPACK.colMajor, n32, nrhs32, &a, n32, &ipiv, &x, n32), "dgesv")
        return Matrix(rows: n, cols: nrhs, columnMajor: x)
    }

    /// Solves `A x = b` for one right-hand side vector (dgesv).
    public func solve(_ b: [Double]) throws -> [Double] {
        try solve(Matrix(rows: b.count, cols: 1, columnMajor: b)).storage
    }

    /// Minimum-norm least-squares solution of `min ‖A X − B‖_F` for any shape or rank (SVD-based dgelsd, rcond = machine ε).
    public func leastSquares(_ b: Matrix) throws -> Matrix {
        let m = rows, n = cols, nrhs = b.cols
        guard b.rows == m else { throw LinalgError.shape("leastSquares: A is \(m)×\(n) but B has \(b.rows) rows") }
        if m == 0 || n == 0 || nrhs == 0 { return Matrix(rows: n, cols: nrhs) }
        try LAPACK.requireFinite(self, "leastSquares")
        try LAPACK.requireFinite(b, "leastSquares (right-hand side)")
        let ldb = Swift.max(m, n)
        let m32 = try LAPACK.int(m), n32 = try LAPACK.int(n), nrhs32 = try LAPACK.int(nrhs), ldb32 = try LAPACK.int(ldb)
        _ = try LAPACK.int(Swift.max(m * n, ldb * nrhs), "matrix size")
        var a = storage
        var x = [Double](repeating: 0, count: ldb * nrhs)
        for j in 0..<nrhs { for i in 0..<m { x[i + j * ldb] = b[i, j] } }
        var s = [Double](repeating: 0, count: Swift.min(m, n))
        var rank: Int32 = 0
        let info = LAPACKE_dgelsd(LAPACK.colMajor, m32, n32, nrhs32, &a, m32, &x, ldb32, &s, -1, &rank)
        try LAPACK.check(info, "dgelsd")
        return Matrix(rows: n, cols: nrhs) { i, j in x[i + j * ldb] }
    }

    /// Inverse of a square matrix via dgetrf + dgetri; throws `.lapack("dgetrf", info)` if exactly singular.
    public func inverse() throws -> Matrix {
        try LAPACK.requireSquare(self, "inverse")
        let n = rows
        if n == 0 { return self }
        try LAPACK.requireFinite(self, "inverse")
        let n32 = try LAPACK.int(n)
        _ = try LAPACK.int(n * n, "matrix size")
        var a = storage
        var ipiv = [Int32](repeating: 0, count: n)
        try LAPACK.check(LAPACKE_dgetrf(LAPACK.colMajor, n32, n32, &a, n32, &ipiv), "dgetrf")
        try LAPACK.check(LAPACKE_dgetri(LAPACK.colMajor, n32, &a, n32, ipiv), "dgetri")
        return Matrix(rows: n, cols: n, columnMajor: a)
    }

    /// Determinant via LU factorisation (dgetrf); exactly singular matrices give 0.
    public func determinant() throws -> Double {
        try LAPACK.requireSquare(self, "determinant")
        let n = rows
        if n == 0 { return 1 }
        try LAPACK.requireFinite(self, "determinant")
        let n32 = try LAPACK.int(n)
        _ = try LAPACK.int(n * n, "matrix size")
        var a = storage
        var ipiv = [Int32](repeating: 0, count: n)
        let info = LAPACKE_dgetrf(LAPACK.colMajor, n32, n32, &a, n32, &ipiv)
        if info > 0 { return 0 }
        try LAPACK.check(info, "dgetrf")
        var det = 1.0
        for i in 0..<n {
            det *= a[i + i * n]
            if Int(ipiv[i]) != i + 1 { det = -det }
        }
        return det
    }

    /// Lower Cholesky factor `L` with `A = L Lᵀ` (dpotrf, reads the lower triangle); throws `.lapack("dpotrf", info)` if not positive definite.
    public func cholesky() throws -> Matrix {
        try LAPACK.requireSquare(self, "cholesky")
        let n = rows
        if n == 0 { return self }
        try LAPACK.requireFinite(self, "cholesky")
        let n32 = try LAPACK.int(n)
        _ = try LAPACK.int(n * n, "matrix size")
        var a = storage
        try LAPACK.check(LAPACKE_dpotrf(LAPACK.colMajor, LAPACK.flag("L"), n32, &a, n32), "dpotrf")
        for j in 1..<Swift.max(n, 1) { for i in 0..<j { a[i + j * n] = 0 } }
        return Matrix(rows: n, cols: n, columnMajor: a)
    }
}
