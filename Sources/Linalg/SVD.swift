import CLapacke

/// Singular value decomposition `A = U · diag(singularValues) · Vt` (singular values descending).
public struct SVD: Sendable {
    /// Left singular vectors: `m × k` (thin) or `m × m` (full), orthonormal columns.
    public var U: Matrix
    /// Singular values, non-negative and descending, `min(m, n)` of them.
    public var singularValues: [Double]
    /// Transposed right singular vectors: `k × n` (thin) or `n × n` (full), orthonormal rows.
    public var Vt: Matrix
}

extension Matrix {
    /// SVD via LAPACK dgesdd (`full`: square U and Vt; otherwise thin), falling back to dgesvd if dgesdd fails to converge.
    public func svd(full: Bool = false) throws -> SVD {
        let m = rows, n = cols, k = Swift.min(m, n)
        let uCols = full ? m : k, vtRows = full ? n : k
        if k == 0 {
            return SVD(U: full ? .identity(m) : Matrix(rows: m, cols: 0), singularValues: [],
                       Vt: full ? .identity(n) : Matrix(rows: 0, cols: n))
        }
        try LAPACK.requireFinite(self, "svd")
        let (m32, n32) = (try LAPACK.int(m), try LAPACK.int(n))
        let ldu = try LAPACK.int(Swift.max(1, m)), ldvt = try LAPACK.int(Swift.max(1, vtRows))
        _ = try LAPACK.int(m * n, "matrix size")
        let job = LAPACK.flag(full ? "A" : "S")
        var a = storage
        var s = [Double](repeating: 0, count: k)
        var u = [Double](repeating: 0, count: m * uCols)
        var vt = [Double](repeating: 0, count: vtRows * n)
        var info = LAPACKE_dgesdd(LAPACK.colMajor, job, m32, n32, &a, m32, &s, &u, ldu, &vt, ldvt)
        if info > 0 {
            // Divide and conquer failed; the QR-iteration SVD is slower but more robust.
            a = storage
            var superb = [Double](repeating: 0, count: Swift.max(1, k - 1))
            info = LAPACKE_dgesvd(LAPACK.colMajor, job, job, m32, n32, &a, m32, &s, &u, ldu, &vt, ldvt, &superb)
            try LAPACK.check(info, "dgesvd")
        }
        try LAPACK.check(info, "dgesdd")
        return SVD(U: Matrix(rows: m, cols: uCols, columnMajor: u), singularValues: s,
                   Vt: Matrix(rows: vtRows, cols: n, columnMajor: vt))
    }

    /// Singular values only (descending), via dgesdd with `jobz = 'N'` (dgesvd fallback).
    public func singularValues() throws -> [Double] {
        let m = rows, n = cols, k = Swift.min(m, n)
        if k == 0 { return [] }
        try LAPACK.requireFinite(self, "singularValues")
        let (m32, n32) = (try LAPACK.int(m), try LAPACK.int(n))
        _ = try LAPACK.int(m * n, "matrix size")
        var a = storage
        var s = [Double](repeating: 0, count: k)
        var du = [Double](repeating: 0, count: 1), dvt = [Double](repeating: 0, count: 1)
        var info = LAPACKE_dgesdd(LAPACK.colMajor, LAPACK.flag("N"), m32, n32, &a, m32, &s, &du, 1, &dvt, 1)
        if info > 0 {
            a = storage
            var superb = [Double](repeating: 0, count: Swift.max(1, k - 1))
            info = LAPACKE_dgesvd(LAPACK.colMajor, LAPACK.flag("N"), LAPACK.flag("N"), m32, n32, &a, m32, &s,
                                  &du, 1, &dvt, 1, &superb)
            try LAPACK.check(info, "dgesvd")
        }
        try LAPACK.check(info, "dgesdd")
        return s
    }

    /// Spectral (operator 2-) norm: the largest singular value (0 for an empty matrix).
    public func spectralNorm() throws -> Double { try singularValues().first ?? 0 }

    /// 2-norm condition number `σ_max / σ_min` (infinity when singular).
    public func conditionNumber() throws -> Double {
        let s = try singularValues()
        guard let hi = s.first, let lo = s.last else { return 0 }
        return lo == 0 ? .infinity : hi / lo
    }
}
