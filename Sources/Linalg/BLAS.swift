import COpenBLAS

/// Whether an operand enters a BLAS product as itself or transposed.
public enum Transpose: Sendable {
    case none, transpose
    @usableFromInline var cblas: CBLAS_TRANSPOSE { self == .none ? CblasNoTrans : CblasTrans }
}

/// Thin, checked wrappers over CBLAS (column-major, double precision).
///
/// The pointer-level entry points take leading dimensions so that contiguous column blocks of a
/// larger matrix (e.g. one time step of a `N_h × (T·P)` state buffer) can be used without copies.
public enum BLAS {
    /// Fixes OpenBLAS to `n` threads for this process (the project policy is one; parallelism across runs).
    public static func setThreads(_ n: Int) {
        openblas_set_num_threads(Int32(n))
    }

    /// Threads OpenBLAS will use.
    public static var threads: Int { Int(openblas_get_num_threads()) }

    /// OpenBLAS build and kernel description, for provenance records.
    public static var configuration: String {
        guard let p = openblas_get_config() else { return "unknown" }
        return String(cString: p)
    }

    @inlinable static func i32(_ v: Int) -> Int32 {
        guard let r = Int32(exactly: v) else { preconditionFailure("BLAS dimension \(v) exceeds Int32") }
        return r
    }

    /// `C ← α op(A) op(B) + β C` on raw column-major buffers.
    /// `m × n` is the shape of C, `k` the inner dimension.
    @inlinable public static func gemm(
        _ ta: Transpose, _ tb: Transpose, m: Int, n: Int, k: Int,
        alpha: Double, a: UnsafePointer<Double>, lda: Int,
        b: UnsafePointer<Double>, ldb: Int,
        beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        if m == 0 || n == 0 { return }
        if k == 0 {
            if beta == 0 { for j in 0..<n { (c + j * ldc).update(repeating: 0, count: m) } }
            else if beta != 1 { for j in 0..<n { for i in 0..<m { c[i + j * ldc] *= beta } } }
            return
        }
        if SmallGEMM.handles(m: m, n: n, k: k) {
            SmallGEMM.gemm(ta, tb, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
            return
        }
        cblas_dgemm(CblasColMajor, ta.cblas, tb.cblas, i32(m), i32(n), i32(k), alpha,
                    a, i32(max(1, lda)), b, i32(max(1, ldb)), beta, c, i32(max(1, ldc)))
    }

    /// `C ← A B` straight through OpenBLAS, bypassing the small-shape kernel (for benchmarks).
    public static func openBLASGEMM(m: Int, n: Int, k: Int, a: UnsafePointer<Double>, b: UnsafePointer<Double>,
                                    c: UnsafeMutablePointer<Double>) {
        cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, i32(m), i32(n), i32(k), 1, a, i32(m), b, i32(k), 0, c, i32(m))
    }

    /// `C ← α op(A) op(B) + β C` on whole matrices; shapes are checked.
    public static func gemm(_ a: Matrix, _ b: Matrix, into c: inout Matrix,
                            transA ta: Transpose = .none, transB tb: Transpose = .none,
                            alpha: Double = 1, beta: Double = 0) {
        let (m, ka) = ta == .none ? (a.rows, a.cols) : (a.cols, a.rows)
        let (kb, n) = tb == .none ? (b.rows, b.cols) : (b.cols, b.rows)
        precondition(ka == kb, "gemm inner dimensions differ: \(ka) vs \(kb)")
        precondition(c.rows == m && c.cols == n, "gemm output is \(c.shape), expected (\(m), \(n))")
        a.storage.withUnsafeBufferPointer { pa in
            b.storage.withUnsafeBufferPointer { pb in
                c.storage.withUnsafeMutableBufferPointer { pc in
                    gemm(ta, tb, m: m, n: n, k: ka, alpha: alpha, a: pa.baseAddress!, lda: a.rows,
                         b: pb.baseAddress!, ldb: b.rows, beta: beta, c: pc.baseAddress!, ldc: c.rows)
                }
            }
        }
    }

    /// `y ← α op(A) x + β y`.
    public static func gemv(_ a: Matrix, _ x: [Double], into y: inout [Double],
                            trans ta: Transpose = .none, alpha: Double = 1, beta: Double = 0) {
        let (m, n) = ta == .none ? (a.rows, a.cols) : (a.cols, a.rows)
        precondition(x.count == n && y.count == m, "gemv shape mismatch")
        if a.count == 0 { for i in 0..<y.count { y[i] *= beta }; return }
        cblas_dgemv(CblasColMajor, ta.cblas, i32(a.rows), i32(a.cols), alpha, a.storage, i32(max(1, a.rows)),
                    x, 1, beta, &y, 1)
    }

    /// `y ← α x + y`.
    public static func axpy(_ alpha: Double, _ x: [Double], _ y: inout [Double]) {
        precondition(x.count == y.count, "axpy length mismatch")
        if x.isEmpty { return }
        cblas_daxpy(i32(x.count), alpha, x, 1, &y, 1)
    }

    /// Largest |x_i| (OpenBLAS idamax; NaN entries may be skipped, so check sums or losses for NaN separately).
    public static func maxAbs(_ x: [Double]) -> Double {
        if x.isEmpty { return 0 }
        let i = Int(cblas_idamax(i32(x.count), x, 1))
        return abs(x[min(max(i, 0), x.count - 1)])
    }

    /// `xᵀ y`.
    public static func dot(_ x: [Double], _ y: [Double]) -> Double {
        precondition(x.count == y.count, "dot length mismatch")
        if x.isEmpty { return 0 }
        return cblas_ddot(i32(x.count), x, 1, y, 1)
    }
}

extension Matrix {
    /// Matrix product.
    public static func * (a: Matrix, b: Matrix) -> Matrix {
        var c = Matrix(rows: a.rows, cols: b.cols)
        BLAS.gemm(a, b, into: &c)
        return c
    }

    /// Matrix–vector product.
    public static func * (a: Matrix, x: [Double]) -> [Double] {
        var y = [Double](repeating: 0, count: a.rows)
        BLAS.gemv(a, x, into: &y)
        return y
    }

    /// `Aᵀ B` without forming the transpose.
    public func transposeTimes(_ b: Matrix) -> Matrix {
        var c = Matrix(rows: cols, cols: b.cols)
        BLAS.gemm(self, b, into: &c, transA: .transpose)
        return c
    }

    /// `A Bᵀ` without forming the transpose.
    public func timesTranspose(_ b: Matrix) -> Matrix {
        var c = Matrix(rows: rows, cols: b.rows)
        BLAS.gemm(self, b, into: &c, transB: .transpose)
        return c
    }

    /// `A^k` for a square matrix and `k ≥ 0`, by repeated squaring.
    public func power(_ k: Int) -> Matrix {
        precondition(isSquare, "power needs a square matrix, got \(shape)")
        precondition(k >= 0, "power needs k ≥ 0")
        var result = Matrix.identity(rows)
        var base = self
        var e = k
        while e > 0 {
            if e & 1 == 1 { result = result * base }
            e >>= 1
            if e > 0 { base = base * base }
        }
        return result
    }
}
