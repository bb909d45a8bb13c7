import CLapacke

extension Matrix {
    /// Thin QR `A = Q R` via dgeqrf + dorgqr: `Q` is `m × k` with orthonormal columns, `R` is `k × n` upper trapezoidal, `k = min(m, n)`.
    public func qr() throws -> (Q: Matrix, R: Matrix) {
        let m = rows, n = cols, k = Swift.min(m, n)
        if k == 0 { return (Matrix(rows: m, cols: 0), Matrix(rows: 0, cols: n)) }
        try LAPACK.requireFinite(self, "qr")
        let m32 = try LAPACK.int(m), n32 = try LAPACK.int(n), k32 = try LAPACK.int(k)
        _ = try LAPACK.int(m * n, "matrix size")
        var a = storage
        var tau = [Double](repeating: 0, count: k)
        try LAPACK.check(LAPACKE_dgeqrf(LAPACK.colMajor, m32, n32, &a, m32, &tau), "dgeqrf")
        var r = Matrix(rows: k, cols: n)
        for j in 0..<n { for i in 0...Swift.min(j, k - 1) { r[i, j] = a[i + j * m] } }
        // dorgqr overwrites the first k columns (the Householder vectors) with Q.
        var q = Array(a[0..<(m * k)])
        try LAPACK.check(LAPACKE_dorgqr(LAPACK.colMajor, m32, k32, k32, &q, m32, tau), "dorgqr")
        return (Matrix(rows: m, cols: k, columnMajor: q), r)
    }

    /// A Haar-distributed random `n × n` orthogonal matrix: Q of a Gaussian matrix's QR, with columns flipped so `diag(R) > 0`.
    public static func haarOrthogonal(_ n: Int, using rng: inout Xoshiro256) throws -> Matrix {
        guard n >= 0 else { throw LinalgError.shape("haarOrthogonal needs n ≥ 0, got \(n)") }
        let (q, r) = try rng.gaussianMatrix(rows: n, cols: n).qr()
        var result = q
        for j in 0..<n where r[j, j] < 0 {
            for i in 0..<n { result[i, j] = -result[i, j] }
        }
        return result
    }
}
