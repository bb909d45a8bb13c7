import CLapacke
import COpenBLAS
import Numerics

/// The Gramian of a single-input stable system and its shifted solves, projected on a Krylov space that grows until
/// the Galerkin residuals reach a tolerance: exact to that tolerance, and O(n² m) instead of O(n³) when the Gramian
/// is numerically of low rank m (a spectrum clustered away from the imaginary axis).
///
/// For `A` (or `Aᵀ` when `transposed`) and a start vector `b`, Arnoldi (classical Gram–Schmidt twice) builds an
/// orthonormal `V` (n × m) with `A V = V H + h v_{m+1} e_mᵀ`. The Galerkin Gramian is `P_m = V Y Vᵀ`, where
/// `H Y + Y Hᵀ + ‖b‖² e₁e₁ᵀ = 0`; its residual `A P_m + P_m Aᵀ + b bᵀ = h (v_{m+1} zᵀ Vᵀ + V z v_{m+1}ᵀ)`, with
/// `z = Y e_m`, has Frobenius norm `√2 |h| ‖z‖`. A shifted solve `(σ I + τ A) x = b` is `x_m = V y` with
/// `(σ I + τ H) y = ‖b‖ e₁`, and residual norm `|τ h y_m|`. Growth stops when the Gramian residual is at most
/// `tolerance · ‖b‖²` and every shifted residual at most `tolerance · ‖b‖`.
///
/// The projected problems need `H` stable; that holds for every m when `A + Aᵀ` is negative definite (the field of
/// values of `A`, which contains that of `H`, then lies in the open left half-plane), which callers certify first.
/// Buffers are sized once; a workspace reused on same-sized systems allocates only the first time it meets each of
/// the (few) projected sizes on its checking ladder 4, 8, 12, 16, 24, 32, 48, 64, 96, …
public final class KrylovGramian {
    /// Size n of the systems.
    public let dimension: Int
    /// Largest projection size m tried before `build` gives up.
    public let maxRank: Int
    /// Size m of the last successful projection.
    public private(set) var rank = 0
    /// Orthonormal basis `V`, column-major n × (maxRank + 1); the first `rank` columns span the projection.
    public let basis: UnsafeMutablePointer<Double>
    /// The projected Gramian `Y` (rank × rank) of the last successful build.
    public var projectedGramian: Matrix { small[rank]!.rotated }
    /// The projected shifted solutions `y_k` (rank entries each, `x_k = V y_k`) of the last successful build.
    public var projectedSolves: [[Complex<Double>]] { small[rank]!.solves }
    /// `‖b‖` of the last build.
    public private(set) var startNorm = 0.0

    private let hessenberg: UnsafeMutablePointer<Double>   // (maxRank + 1) × maxRank, leading dimension maxRank + 1
    private let w: UnsafeMutablePointer<Double>
    private let coefficients: UnsafeMutablePointer<Double>
    private let correction: UnsafeMutablePointer<Double>
    private var small: [Int: SmallProblem] = [:]

    /// The projected problem of one size m: its Schur workspace and buffers.
    private final class SmallProblem {
        let schur: RealSchurWorkspace
        var h: Matrix, y: Matrix, rotated: Matrix
        var e1: [Double], solve: [Complex<Double>], solves: [[Complex<Double>]] = []
        init(_ m: Int) throws {
            schur = try RealSchurWorkspace(dimension: m)
            h = Matrix(rows: m, cols: m); y = h; rotated = h
            e1 = [Double](repeating: 0, count: m)
            solve = [Complex<Double>](repeating: .zero, count: m)
        }
    }

    /// A workspace for n-dimensional systems, giving up beyond projections of size `maxRank` (clamped to `1…n`).
    public init(dimension n: Int, maxRank: Int) {
        precondition(n >= 1, "KrylovGramian needs dimension ≥ 1")
        dimension = n
        self.maxRank = max(1, min(maxRank, n))
        let m = self.maxRank
        basis = .allocate(capacity: n * (m + 1)); basis.initialize(repeating: 0, count: n * (m + 1))
        hessenberg = .allocate(capacity: (m + 1) * m); hessenberg.initialize(repeating: 0, count: (m + 1) * m)
        w = .allocate(capacity: n); w.initialize(repeating: 0, count: n)
        coefficients = .allocate(capacity: m + 1); coefficients.initialize(repeating: 0, count: m + 1)
        correction = .allocate(capacity: m + 1); correction.initialize(repeating: 0, count: m + 1)
    }

    deinit {
        basis.deallocate(); hessenberg.deallocate(); w.deallocate(); coefficients.deallocate(); correction.deallocate()
    }

    /// The next size after `m` at which the projected problem is solved and the residuals checked.
    static func nextCheck(after m: Int) -> Int {
        if m < 16 { return m + 4 - m % 4 }
        var step = 8
        while step * 4 <= m { step *= 2 }
        return m + step - m % step
    }

    /// Builds the projection for `a` (`aᵀ` when `transposed`, `dimension × dimension`) and `start`, with the shifted
    /// solves `(σ_k I + τ_k A) x = b` of `shifts`; returns false (leaving `rank` at 0) when `start` is zero or the
    /// residuals are still above `tolerance` at `maxRank` or a projection is unstable there.
    public func build(_ a: Matrix, transposed: Bool, start: [Double],
                      shifts: [(sigma: Complex<Double>, tau: Complex<Double>)], tolerance: Double) throws -> Bool {
        precondition(a.rows == dimension && a.cols == dimension && start.count == dimension, "KrylovGramian shape mismatch")
        let n = dimension, ld = maxRank + 1, n32 = Int32(n)
        rank = 0
        startNorm = start.withUnsafeBufferPointer { cblas_dnrm2(n32, $0.baseAddress!, 1) }
        guard startNorm > 0, startNorm.isFinite else { return false }
        for i in 0..<n { basis[i] = start[i] / startNorm }
        var check = Self.nextCheck(after: 0)
        return try a.storage.withUnsafeBufferPointer { ap -> Bool in
            for j in 0..<maxRank {
                let vj = basis + j * n
                cblas_dgemv(CblasColMajor, transposed ? CblasTrans : CblasNoTrans, n32, n32, 1, ap.baseAddress!, n32,
                            vj, 1, 0, w, 1)
                // Classical Gram–Schmidt, twice: coefficients = Vᵀ w, w −= V coefficients.
                let cols = Int32(j + 1)
                cblas_dgemv(CblasColMajor, CblasTrans, n32, cols, 1, basis, n32, w, 1, 0, coefficients, 1)
                cblas_dgemv(CblasColMajor, CblasNoTrans, n32, cols, -1, basis, n32, coefficients, 1, 1, w, 1)
                cblas_dgemv(CblasColMajor, CblasTrans, n32, cols, 1, basis, n32, w, 1, 0, correction, 1)
                cblas_dgemv(CblasColMajor, CblasNoTrans, n32, cols, -1, basis, n32, correction, 1, 1, w, 1)
                for i in 0...j { hessenberg[i + j * ld] = coefficients[i] + correction[i] }
                let next = cblas_dnrm2(n32, w, 1)
                guard next.isFinite else { return false }
                hessenberg[j + 1 + j * ld] = next
                let m = j + 1
                if next > 0 { for i in 0..<n { basis[i + m * n] = w[i] / next } }
                if m == check || m == maxRank || next == 0 {
                    if try solveProjected(m, shifts: shifts, tolerance: tolerance) { return true }
                    if next == 0 { return false }
                    check = Self.nextCheck(after: m)
                }
            }
            return false
        }
    }

    /// Solves the projected problems of size m and keeps them when every residual is within tolerance.
    private func solveProjected(_ m: Int, shifts: [(sigma: Complex<Double>, tau: Complex<Double>)],
                                tolerance: Double) throws -> Bool {
        let ld = maxRank + 1
        if small[m] == nil { small[m] = try SmallProblem(m) }
        let p = small[m]!
        for j in 0..<m { for i in 0..<m { p.h[i, j] = i <= j + 1 ? hessenberg[i + j * ld] : 0 } }
        try p.schur.factor(p.h)
        guard p.schur.spectralAbscissa < 0 else { return false }
        let h = hessenberg[m + (m - 1) * ld]
        let z = p.schur.z
        // Schur coordinates: T Ỹ + Ỹ Tᵀ = −ẽ ẽᵀ with ẽ = Zᵀ e₁ ‖b‖.
        for i in 0..<m { p.e1[i] = z[0, i] * startNorm }
        for j in 0..<m { for i in 0..<m { p.rotated[i, j] = -p.e1[i] * p.e1[j] } }
        try p.schur.solveLyapunov(&p.rotated, transposed: false)
        // Y = Z Ỹ Zᵀ; residual √2 |h| ‖Y e_m‖.
        BLAS.gemm(z, p.rotated, into: &p.y)
        BLAS.gemm(p.y, z, into: &p.rotated, transB: .transpose)
        var lastColumn = 0.0
        for i in 0..<m { lastColumn += p.rotated[i, m - 1] * p.rotated[i, m - 1] }
        guard (2 * lastColumn).squareRoot() * abs(h) <= tolerance * startNorm * startNorm else { return false }
        if p.solves.count != shifts.count {
            p.solves = [[Complex<Double>]](repeating: [Complex<Double>](repeating: .zero, count: m), count: shifts.count)
        }
        for (k, (sigma, tau)) in shifts.enumerated() {
            for i in 0..<m { p.solve[i] = Complex(p.e1[i]) }
            p.schur.solveShifted(sigma: sigma, tau: tau, &p.solve, transposed: false)
            for i in 0..<m { p.solves[k][i] = .zero }
            for q in 0..<m { let s = p.solve[q]; for i in 0..<m { p.solves[k][i] += s.multiplied(by: z[i, q]) } }
            guard (tau * p.solves[k][m - 1]).length * abs(h) <= tolerance * startNorm else { return false }
        }
        rank = m
        return true
    }
}

extension KrylovGramian {
    /// Whether `−(A + Aᵀ)` is positive definite (a Cholesky factorisation succeeds in `scratch`, `n × n`): then the
    /// field of values of `A` lies in the open left half-plane, so `A` and every Galerkin projection of it are stable.
    public static func certifiesStability(_ a: Matrix, scratch: inout Matrix) -> Bool {
        precondition(a.rows == a.cols && scratch.rows == a.rows && scratch.cols == a.cols, "certifiesStability shape mismatch")
        let n = a.rows
        for j in 0..<n { for i in j..<n { scratch[i, j] = -(a[i, j] + a[j, i]) } }
        let info = scratch.storage.withUnsafeMutableBufferPointer { sp in
            LAPACKE_dpotrf_work(LAPACK.colMajor, LAPACK.flag("L"), Int32(n), sp.baseAddress!, Int32(n))
        }
        return info == 0
    }
}
