import CLapacke
import Numerics

/// One real Schur factorisation `A = Z T Zᵀ` (dgees) kept with its buffers, so that Lyapunov, Stein and shifted
/// resolvent solves in Schur coordinates all reuse it, and repeated factorisations of same-sized matrices do not allocate.
///
/// Solves take and return Schur-coordinate quantities (`Zᵀ X Z`, `Zᵀ x`); the caller rotates back with `z`.
public final class RealSchurWorkspace {
    /// Size of the matrices factorised.
    public let dimension: Int
    /// Quasi-upper-triangular factor `T` (1×1 and standardised 2×2 diagonal blocks) of the last factorisation.
    public private(set) var t: Matrix
    /// Orthogonal factor `Z` of the last factorisation.
    public private(set) var z: Matrix
    /// Real parts of the eigenvalues (diagonal-block order).
    public private(set) var eigenvalueReals: [Double]
    /// Imaginary parts of the eigenvalues (diagonal-block order, conjugate pairs adjacent).
    public private(set) var eigenvalueImaginaries: [Double]
    /// `(start, size)` of each diagonal block of `T`.
    public private(set) var blocks: [(start: Int, size: Int)] = []
    private var work: [Double]
    private var bwork: [Int32]

    /// Buffers for `dimension × dimension` matrices.
    public init(dimension n: Int) throws {
        precondition(n >= 1, "RealSchurWorkspace needs dimension ≥ 1")
        let n32 = try LAPACK.int(n)
        _ = try LAPACK.int(n * n, "matrix size")
        t = Matrix(rows: n, cols: n)
        z = Matrix(rows: n, cols: n)
        eigenvalueReals = [Double](repeating: 0, count: n)
        eigenvalueImaginaries = [Double](repeating: 0, count: n)
        bwork = [Int32](repeating: 0, count: n)
        dimension = n
        // Workspace query (lwork = −1) on a zero matrix.
        var query = 0.0, sdim: Int32 = 0
        var a = [Double](repeating: 0, count: n * n), vs = [Double](repeating: 0, count: n * n)
        var wr = eigenvalueReals, wi = eigenvalueImaginaries
        let info = LAPACKE_dgees_work(LAPACK.colMajor, LAPACK.flag("V"), LAPACK.flag("N"), nil, n32, &a, n32, &sdim,
                                      &wr, &wi, &vs, n32, &query, -1, &bwork)
        try LAPACK.check(info, "dgees")
        work = [Double](repeating: 0, count: max(Int(query), 3 * n))
        blocks.reserveCapacity(n)
    }

    /// Factorises `a` (square, `dimension × dimension`, finite) into `t` and `z`.
    public func factor(_ a: Matrix) throws {
        guard a.rows == dimension && a.cols == dimension else {
            throw LinalgError.shape("RealSchurWorkspace of dimension \(dimension) cannot factor a \(a.rows)×\(a.cols) matrix")
        }
        try LAPACK.requireFinite(a, "realSchur")
        let n32 = Int32(dimension), lwork = Int32(work.count)
        t.copyEntries(from: a)
        var sdim: Int32 = 0
        let info = t.storage.withUnsafeMutableBufferPointer { tp in
            z.storage.withUnsafeMutableBufferPointer { zp in
                LAPACKE_dgees_work(LAPACK.colMajor, LAPACK.flag("V"), LAPACK.flag("N"), nil, n32, tp.baseAddress!, n32,
                                   &sdim, &eigenvalueReals, &eigenvalueImaginaries, zp.baseAddress!, n32, &work, lwork,
                                   &bwork)
            }
        }
        try LAPACK.check(info, "dgees")
        blocks.removeAll(keepingCapacity: true)
        var k = 0
        while k < dimension {
            let size = (k + 1 < dimension && t[k + 1, k] != 0) ? 2 : 1
            blocks.append((k, size))
            k += size
        }
    }

    /// Eigenvalues of the last factorised matrix.
    public var eigenvalues: [Complex<Double>] { zip(eigenvalueReals, eigenvalueImaginaries).map { Complex($0, $1) } }

    /// Largest real part of the eigenvalues.
    public var spectralAbscissa: Double { eigenvalueReals.max() ?? -.infinity }

    /// Largest eigenvalue modulus.
    public var spectralRadius: Double {
        zip(eigenvalueReals, eigenvalueImaginaries).reduce(0) { max($0, Complex($1.0, $1.1).length) }
    }

    /// Solves, in place, `T Y + Y Tᵀ = C` (`transposed == false`, the controllability form) or `Tᵀ Y + Y T = C`
    /// (`transposed == true`, the observability form) by dtrsyl, undoing LAPACK's scale factor.
    public func solveLyapunov(_ c: inout Matrix, transposed: Bool) throws {
        precondition(c.rows == dimension && c.cols == dimension, "Lyapunov right-hand side must be \(dimension)×\(dimension)")
        let n32 = Int32(dimension)
        var scale = 1.0
        let info = t.storage.withUnsafeBufferPointer { tp in
            c.storage.withUnsafeMutableBufferPointer { cp in
                LAPACKE_dtrsyl_work(LAPACK.colMajor, LAPACK.flag(transposed ? "T" : "N"), LAPACK.flag(transposed ? "N" : "T"),
                                    1, n32, n32, tp.baseAddress!, n32, tp.baseAddress!, n32, cp.baseAddress!, n32, &scale)
            }
        }
        try LAPACK.check(info, "dtrsyl")
        if scale != 1 { for k in c.storage.indices { c.storage[k] /= scale } }
    }

    /// Solves the Stein equation `Y − T Y Tᵀ = C` (`transposed == false`) or `Y − Tᵀ Y T = C` (`transposed == true`).
    ///
    /// The transposed form is reduced to the plain one with the reversal permutation `J`: `J Tᵀ J` is again
    /// quasi-upper-triangular, and `J Y J` solves `Y' − (J Tᵀ J) Y' (J Tᵀ J)ᵀ = J C J`. Allocates (discrete-time path).
    public func solveStein(_ c: Matrix, transposed: Bool) throws -> Matrix {
        precondition(c.rows == dimension && c.cols == dimension, "Stein right-hand side must be \(dimension)×\(dimension)")
        if !transposed { return try Matrix.steinTriangular(t, t, c) }
        let n = dimension
        let flippedT = Matrix(rows: n, cols: n) { i, j in self.t[n - 1 - j, n - 1 - i] }
        let flippedC = Matrix(rows: n, cols: n) { i, j in c[n - 1 - i, n - 1 - j] }
        let y = try Matrix.steinTriangular(flippedT, flippedT, flippedC)
        return Matrix(rows: n, cols: n) { i, j in y[n - 1 - i, n - 1 - j] }
    }

    /// Solves, in place, the complex shifted system `(σ I + τ T) y = r` (`transposed == false`, back substitution) or
    /// `(σ I + τ Tᵀ) y = r` (`transposed == true`, forward substitution) over the quasi-triangular blocks of `T`.
    ///
    /// `σ I + τ T` must be nonsingular (σ/τ not an eigenvalue of `−T`); 2×2 blocks are solved by Cramer's rule.
    public func solveShifted(sigma: Complex<Double>, tau: Complex<Double>, _ r: inout [Complex<Double>], transposed: Bool) {
        precondition(r.count == dimension, "right-hand side must have \(dimension) entries")
        let n = dimension
        t.storage.withUnsafeBufferPointer { tp in
            r.withUnsafeMutableBufferPointer { y in
                @inline(__always) func tt(_ i: Int, _ j: Int) -> Complex<Double> { Complex(tp[i + j * n]) }
                if !transposed {
                    for (s, size) in blocks.reversed() {
                        if size == 1 {
                            y[s] = y[s] / (sigma + tau * tt(s, s))
                        } else {
                            let (y0, y1) = Self.solve2(a: sigma + tau * tt(s, s), b: tau * tt(s, s + 1),
                                                       c: tau * tt(s + 1, s), d: sigma + tau * tt(s + 1, s + 1), y[s], y[s + 1])
                            y[s] = y0; y[s + 1] = y1
                        }
                        // r_i −= τ T[i, block] y_block for the rows above the block.
                        for q in s..<(s + size) {
                            let w = tau * y[q]
                            for i in 0..<s { y[i] -= w * tt(i, q) }
                        }
                    }
                } else {
                    for (s, size) in blocks {
                        for q in s..<(s + size) {
                            var acc = Complex<Double>.zero
                            for i in 0..<s { acc += y[i] * tt(i, q) }
                            y[q] -= tau * acc
                        }
                        if size == 1 {
                            y[s] = y[s] / (sigma + tau * tt(s, s))
                        } else {
                            let (y0, y1) = Self.solve2(a: sigma + tau * tt(s, s), b: tau * tt(s + 1, s),
                                                       c: tau * tt(s, s + 1), d: sigma + tau * tt(s + 1, s + 1), y[s], y[s + 1])
                            y[s] = y0; y[s + 1] = y1
                        }
                    }
                }
            }
        }
    }

    /// The solution of `[[a, b], [c, d]] x = (r0, r1)` by Cramer's rule.
    @inline(__always)
    private static func solve2(a: Complex<Double>, b: Complex<Double>, c: Complex<Double>, d: Complex<Double>,
                               _ r0: Complex<Double>, _ r1: Complex<Double>) -> (Complex<Double>, Complex<Double>) {
        let det = a * d - b * c
        return ((d * r0 - b * r1) / det, (a * r1 - c * r0) / det)
    }
}
