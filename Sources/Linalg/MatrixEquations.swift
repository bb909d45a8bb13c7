import CLapacke

extension Matrix {
    /// Real Schur decomposition `A = Z T Zᵀ` via dgees: `T` quasi-upper triangular (1×1 and standardised 2×2 blocks), `Z` orthogonal.
    public func realSchur() throws -> (T: Matrix, Z: Matrix) {
        try LAPACK.requireSquare(self, "realSchur")
        let n = rows
        if n == 0 { return (self, self) }
        try LAPACK.requireFinite(self, "realSchur")
        let n32 = try LAPACK.int(n)
        _ = try LAPACK.int(n * n, "matrix size")
        var t = storage
        var z = [Double](repeating: 0, count: n * n)
        var wr = [Double](repeating: 0, count: n), wi = [Double](repeating: 0, count: n)
        var sdim: Int32 = 0
        let info = LAPACKE_dgees(LAPACK.colMajor, LAPACK.flag("V"), LAPACK.flag("N"), nil, n32, &t, n32, &sdim,
                                 &wr, &wi, &z, n32)
        try LAPACK.check(info, "dgees")
        return (Matrix(rows: n, cols: n, columnMajor: t), Matrix(rows: n, cols: n, columnMajor: z))
    }

    /// Solves the Sylvester equation `A X + X B = C` (A m×m, B n×n, C m×n) by Bartels–Stewart: dgees Schur forms + dtrsyl.
    ///
    /// Uniquely solvable iff `λ_i(A) + μ_j(B) ≠ 0` for all eigenvalue pairs; otherwise throws `.lapack("dtrsyl", 1)`.
    public static func solveSylvester(a: Matrix, b: Matrix, c: Matrix) throws -> Matrix {
        try LAPACK.requireSquare(a, "solveSylvester (A)")
        try LAPACK.requireSquare(b, "solveSylvester (B)")
        guard c.rows == a.rows && c.cols == b.rows else {
            throw LinalgError.shape("solveSylvester: A is \(a.rows)×\(a.cols), B is \(b.rows)×\(b.cols), C must be \(a.rows)×\(b.rows) but is \(c.rows)×\(c.cols)")
        }
        if a.rows == 0 || b.rows == 0 { return Matrix(rows: a.rows, cols: b.rows) }
        try LAPACK.requireFinite(c, "solveSylvester (C)")
        let (s, u) = try a.realSchur()
        let (t, v) = try b.realSchur()
        let y = try trsyl(s, t, u.transposeTimes(c) * v, transB: false)
        return (u * y).timesTranspose(v)
    }

    /// Solves the continuous Lyapunov equation `A X + X Aᵀ + Q = 0` (note the sign: for stable A and Q ⪰ 0, X ⪰ 0 is the Gramian `∫ e^{At} Q e^{Aᵀt} dt`).
    ///
    /// Uses one Schur form of A and dtrsyl; uniquely solvable iff `λ_i + λ_j ≠ 0` for all eigenvalues of A, else throws
    /// `.lapack("dtrsyl", 1)`. The result is symmetrised when Q is symmetric up to rounding.
    public static func solveContinuousLyapunov(a: Matrix, q: Matrix) throws -> Matrix {
        try LAPACK.requireSquare(a, "solveContinuousLyapunov (A)")
        guard q.rows == a.rows && q.cols == a.rows else {
            throw LinalgError.shape("solveContinuousLyapunov: A is \(a.rows)×\(a.cols) but Q is \(q.rows)×\(q.cols)")
        }
        if a.rows == 0 { return q }
        try LAPACK.requireFinite(q, "solveContinuousLyapunov (Q)")
        let (s, u) = try a.realSchur()
        // With A = U S Uᵀ and Y = Uᵀ X U:  S Y + Y Sᵀ = −Uᵀ Q U.
        let y = try trsyl(s, s, -(u.transposeTimes(q) * u), transB: true)
        let x = (u * y).timesTranspose(u)
        return q.isNumericallySymmetric ? x.symmetricPart : x
    }

    /// Solves the Stein equation `X − A X Bᵀ = C` (A m×m, B n×n, C m×n) by a Bartels–Stewart-type recursion on the Schur forms of A and B.
    ///
    /// O(m³ + n³ + m²n + mn²). Uniquely solvable iff `λ_i(A) μ_j(B) ≠ 1` for all eigenvalue pairs (always true when
    /// ρ(A) ρ(B) < 1); throws `.invalidInput` when a diagonal block system is numerically singular.
    public static func solveStein(a: Matrix, b: Matrix, c: Matrix) throws -> Matrix {
        try LAPACK.requireSquare(a, "solveStein (A)")
        try LAPACK.requireSquare(b, "solveStein (B)")
        guard c.rows == a.rows && c.cols == b.rows else {
            throw LinalgError.shape("solveStein: A is \(a.rows)×\(a.cols), B is \(b.rows)×\(b.cols), C must be \(a.rows)×\(b.rows) but is \(c.rows)×\(c.cols)")
        }
        if a.rows == 0 || b.rows == 0 { return Matrix(rows: a.rows, cols: b.rows) }
        try LAPACK.requireFinite(c, "solveStein (C)")
        let (s, u) = try a.realSchur()
        let (t, v) = try b.realSchur()
        let y = try steinTriangular(s, t, u.transposeTimes(c) * v)
        return (u * y).timesTranspose(v)
    }

    /// Solves the discrete Lyapunov (Stein) equation `X − A X Aᵀ = Q`; for ρ(A) < 1, `X = Σ_k A^k Q (Aᵀ)^k`.
    ///
    /// Same Schur-based recursion as `solveStein` with one Schur form; fails (`.invalidInput`) iff some `λ_i λ_j ≈ 1`.
    /// The result is symmetrised when Q is symmetric up to rounding.
    public static func solveDiscreteLyapunov(a: Matrix, q: Matrix) throws -> Matrix {
        try LAPACK.requireSquare(a, "solveDiscreteLyapunov (A)")
        guard q.rows == a.rows && q.cols == a.rows else {
            throw LinalgError.shape("solveDiscreteLyapunov: A is \(a.rows)×\(a.cols) but Q is \(q.rows)×\(q.cols)")
        }
        if a.rows == 0 { return q }
        try LAPACK.requireFinite(q, "solveDiscreteLyapunov (Q)")
        let (s, u) = try a.realSchur()
        let y = try steinTriangular(s, s, u.transposeTimes(q) * u)
        let x = (u * y).timesTranspose(u)
        return q.isNumericallySymmetric ? x.symmetricPart : x
    }

    /// True when the matrix is square and `|a_ij − a_ji| ≤ 64 ε · max|a|` (symmetric up to rounding, e.g. a BLAS `HᵀH`).
    var isNumericallySymmetric: Bool {
        guard isSquare else { return false }
        let tol = 64 * Double.ulpOfOne * maxAbs
        for j in 0..<cols { for i in 0..<j where abs(self[i, j] - self[j, i]) > tol { return false } }
        return true
    }

    /// dtrsyl on quasi-triangular `s`, `t`: solves `S Y + Y op(T) = C` and undoes LAPACK's `scale` factor.
    private static func trsyl(_ s: Matrix, _ t: Matrix, _ c: Matrix, transB: Bool) throws -> Matrix {
        let m32 = try LAPACK.int(s.rows), n32 = try LAPACK.int(t.rows)
        var y = c.storage
        var scale = 1.0
        let info = LAPACKE_dtrsyl(LAPACK.colMajor, LAPACK.flag("N"), LAPACK.flag(transB ? "T" : "N"), 1,
                                  m32, n32, s.storage, m32, t.storage, n32, &y, m32, &scale)
        try LAPACK.check(info, "dtrsyl")
        // dtrsyl solves S Y + Y op(T) = scale · C with 0 < scale ≤ 1 chosen to avoid overflow.
        if scale != 1 { for k in 0..<y.count { y[k] /= scale } }
        return Matrix(rows: c.rows, cols: c.cols, columnMajor: y)
    }

    /// Diagonal blocks `(start, size)` of a quasi-upper-triangular Schur factor.
    private static func schurBlocks(_ t: Matrix) -> [(Int, Int)] {
        var blocks: [(Int, Int)] = []
        var k = 0
        while k < t.rows {
            let size = (k + 1 < t.rows && t[k + 1, k] != 0) ? 2 : 1
            blocks.append((k, size))
            k += size
        }
        return blocks
    }

    /// Solves `Y − S Y Tᵀ = C` for quasi-upper-triangular `S` (m×m) and `T` (n×n), block column by block column from the right.
    static func steinTriangular(_ s: Matrix, _ t: Matrix, _ c: Matrix) throws -> Matrix {
        let m = s.rows, n = t.rows
        let sBlocks = schurBlocks(s), tBlocks = schurBlocks(t)
        var y = Matrix(rows: m, cols: n)
        for (ls, lb) in tBlocks.reversed() {
            let tail = n - ls - lb
            // Column block l:  Y_l − S Y_l T_llᵀ = C_l + S · Σ_{j>l} Y_j T_ljᵀ  =: r.
            var r = Array(c.storage[(ls * m)..<((ls + lb) * m)])
            if tail > 0 {
                var z = [Double](repeating: 0, count: m * lb)
                y.storage.withUnsafeBufferPointer { py in
                    t.storage.withUnsafeBufferPointer { pt in
                        BLAS.gemm(.none, .transpose, m: m, n: lb, k: tail, alpha: 1, a: py.baseAddress! + (ls + lb) * m,
                                  lda: m, b: pt.baseAddress! + ls + (ls + lb) * n, ldb: n, beta: 0, c: &z, ldc: m)
                    }
                }
                s.storage.withUnsafeBufferPointer { ps in
                    BLAS.gemm(.none, .none, m: m, n: lb, k: m, alpha: 1, a: ps.baseAddress!, lda: m,
                              b: z, ldb: m, beta: 1, c: &r, ldc: m)
                }
            }
            let tll = t.submatrix(rows: ls..<(ls + lb), cols: ls..<(ls + lb))
            for (ks, kb) in sBlocks.reversed() {
                // Y_kl − S_kk Y_kl T_llᵀ = r_k  (r_k already holds Σ_{i>k} S_ki Y_il T_llᵀ).
                let skk = s.submatrix(rows: ks..<(ks + kb), cols: ks..<(ks + kb))
                var rhs = [Double](repeating: 0, count: kb * lb)
                for q in 0..<lb { for p in 0..<kb { rhs[p + q * kb] = r[ks + p + q * m] } }
                let ykl = try solveSmallStein(skk, tll, rhs)
                for q in 0..<lb { for p in 0..<kb { y[ks + p, ls + q] = ykl[p + q * kb] } }
                // r_i += S_ik (Y_kl T_llᵀ) for the row blocks above.
                if ks > 0 {
                    for q in 0..<lb {
                        for p in 0..<kb {
                            var w = 0.0
                            for qq in 0..<lb { w += ykl[p + qq * kb] * tll[q, qq] }
                            if w == 0 { continue }
                            for i in 0..<ks { r[i + q * m] += s[i, ks + p] * w }
                        }
                    }
                }
            }
        }
        return y
    }

    /// Solves the ≤4×4 system `(I − T ⊗ S) vec(Y) = vec(R)` by Gaussian elimination with partial pivoting.
    private static func solveSmallStein(_ s: Matrix, _ t: Matrix, _ rhs: [Double]) throws -> [Double] {
        let kb = s.rows, lb = t.rows, d = kb * lb
        var a = [Double](repeating: 0, count: d * d)  // row-major d×d
        for q in 0..<lb { for j in 0..<kb { for p in 0..<lb { for i in 0..<kb {
            let row = i + p * kb, col = j + q * kb
            a[row * d + col] = (row == col ? 1 : 0) - s[i, j] * t[p, q]
        } } } }
        var x = rhs
        let scaleM = a.reduce(0) { Swift.max($0, abs($1)) }
        for k in 0..<d {
            var piv = k
            for i in (k + 1)..<Swift.max(d, k + 1) where abs(a[i * d + k]) > abs(a[piv * d + k]) { piv = i }
            if !(abs(a[piv * d + k]) > Double.ulpOfOne * scaleM) {
                throw LinalgError.invalidInput(
                    "Stein equation X − A X Bᵀ = C is (numerically) singular: some eigenvalues satisfy λ(A)·μ(B) ≈ 1")
            }
            if piv != k {
                for j in 0..<d { a.swapAt(k * d + j, piv * d + j) }
                x.swapAt(k, piv)
            }
            for i in (k + 1)..<Swift.max(d, k + 1) {
                let f = a[i * d + k] / a[k * d + k]
                if f == 0 { continue }
                for j in k..<d { a[i * d + j] -= f * a[k * d + j] }
                x[i] -= f * x[k]
            }
        }
        for k in stride(from: d - 1, through: 0, by: -1) {
            var v = x[k]
            for j in (k + 1)..<Swift.max(d, k + 1) { v -= a[k * d + j] * x[j] }
            x[k] = v / a[k * d + k]
        }
        return x
    }
}
