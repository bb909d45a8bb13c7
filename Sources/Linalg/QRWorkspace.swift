import CLapacke

/// A preallocated Householder QR (dgeqrf + dorgqr): the orthogonal factor of an `m × n` matrix, no allocation per call.
///
/// `A = Q R` with `R` upper trapezoidal, so for every c the first c columns of A lie in the span of the first
/// `min(c, m)` columns of Q, whatever A's rank (columnwise backward stable). Q's `min(m, n)` columns are orthonormal.
public struct QRWorkspace: Sendable {
    /// m.
    public let rows: Int
    /// n.
    public let cols: Int
    /// After `factor`, columns `0 ..< min(m, n)` hold Q (column-major, leading dimension m).
    public private(set) var q: Matrix
    var tau: [Double]
    var work: [Double]

    /// Workspace for `m × n` matrices (queries LAPACK's optimal block workspace once).
    public init(rows m: Int, cols n: Int) {
        precondition(m >= 0 && n >= 0 && m * n < Int(Int32.max), "QRWorkspace needs 0 ≤ m·n < 2³¹, got \(m) × \(n)")
        rows = m; cols = n
        q = Matrix(rows: m, cols: n)
        let k = Swift.min(m, n)
        tau = [Double](repeating: 0, count: Swift.max(1, k))
        var lwork = Swift.max(1, n)
        if k > 0 {
            var query = 0.0, scratch = 0.0
            LAPACKE_dgeqrf_work(LAPACK.colMajor, Int32(m), Int32(n), &scratch, Int32(m), &tau, &query, -1)
            lwork = Swift.max(lwork, Int(query))
            LAPACKE_dorgqr_work(LAPACK.colMajor, Int32(m), Int32(k), Int32(k), &scratch, Int32(m), tau, &query, -1)
            lwork = Swift.max(lwork, Int(query))
        }
        work = [Double](repeating: 0, count: lwork)
    }

    /// Factors the `m × n` column-major matrix at `a` (leading dimension m) into `q`.
    public mutating func factor(_ a: UnsafePointer<Double>) {
        let m = rows, n = cols, k = Swift.min(m, n)
        guard k > 0 else { return }
        let lwork = Int32(work.count)
        q.storage.withUnsafeMutableBufferPointer { qp in
        tau.withUnsafeMutableBufferPointer { tp in
        work.withUnsafeMutableBufferPointer { wp in
            qp.baseAddress!.update(from: a, count: m * n)
            let info = LAPACKE_dgeqrf_work(LAPACK.colMajor, Int32(m), Int32(n), qp.baseAddress!, Int32(m), tp.baseAddress!,
                                           wp.baseAddress!, lwork)
            precondition(info == 0, "dgeqrf: info \(info)")
            let info2 = LAPACKE_dorgqr_work(LAPACK.colMajor, Int32(m), Int32(k), Int32(k), qp.baseAddress!, Int32(m),
                                            tp.baseAddress!, wp.baseAddress!, lwork)
            precondition(info2 == 0, "dorgqr: info \(info2)")
        }}}
    }
}
