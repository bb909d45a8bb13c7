import Linalg
import Numerics

/// Gradient of the impulse-response loss with respect to a system `(A, b, c)`.
public struct SystemGradient: Sendable, Equatable {
    /// `∂L/∂A` (`n × n`).
    public var a: Matrix
    /// `∂L/∂b`.
    public var b: [Double]
    /// `∂L/∂c`.
    public var c: [Double]

    /// Zero buffers for an `n`-dimensional system.
    public init(dimension n: Int) {
        a = Matrix(rows: n, cols: n)
        b = [Double](repeating: 0, count: n)
        c = [Double](repeating: 0, count: n)
    }
}

/// The exact L2 distance between the impulse response of a stable linear system and a modal target, and its
/// gradients, from one real Schur form of `A` per evaluation (no simulation, no quadrature).
///
/// Continuous time: `dx/dt = A x + b δ(t)`, `g(t) = cᵀ e^{At} b`, `L = ½ ∫₀^∞ (g − g*)² dt`. Discrete time:
/// `x_{t+1} = A x_t + b δ_t`, `g_t = cᵀ A^t b` (`t ≥ 0`), `L = ½ Σ_t (g_t − g*_t)²`. With the target
/// `g* = Re Σ_k r_k e^{−p_k t}` (or `Re Σ_k r_k ρ_k^t`), and `E*` its energy,
///
///     L = ½ cᵀ P c − Re Σ_k r_k cᵀ M_k b + ½ E*,
///
/// where `P` is the controllability Gramian (`A P + P Aᵀ + b bᵀ = 0`, or `P = A P Aᵀ + b bᵀ`) and `M_k` the resolvent
/// `(p_k I − A)^{-1}` (or `(I − ρ_k A)^{-1}`). Writing `β_k = M_k b`, `α_k = M_kᵀ c` (complex) and `Q` for the
/// observability Gramian (`Aᵀ Q + Q A + c cᵀ = 0`, or `Q = Aᵀ Q A + c cᵀ`), the gradients are
///
///     ∂L/∂A = Q P − Re Σ_k r_k α_k β_kᵀ        (discrete: Q A P − Re Σ_k r_k ρ_k α_k β_kᵀ),
///     ∂L/∂b = Q b − Re Σ_k r_k α_k,
///     ∂L/∂c = P c − Re Σ_k r_k β_k,
///
/// because `g` is real, so `∫ g · Re(r e^{−pt}) = Re(r ∫ g e^{−pt})`, and `d(cᵀ M b) = cᵀ M dA M b` (times `ρ` in
/// discrete time). All solves run in the Schur coordinates of the one factorisation `A = Z T Zᵀ`: two dtrsyl (or
/// Stein) solves for `P̃ = Zᵀ P Z`, `Q̃ = Zᵀ Q Z`, and O(n²) complex quasi-triangular solves per target term.
///
/// Continuous time has a second, exact-to-tolerance route (`GramianMethod`): when `A + Aᵀ` is negative definite (a
/// Cholesky factorisation certifies it, and with it the stability of `A`), the Gramians and resolvent solves are
/// projected on Krylov spaces of `(A, b)` and `(Aᵀ, c)` grown until their Galerkin residuals are below
/// `krylovTolerance` (relative to `‖b‖²`, `‖c‖²`; see `KrylovGramian`), at O(n² m) cost for Gramians of numerical
/// rank m; otherwise, or when the spaces reach `n / 2` first (`.automatic`), it takes the Schur route (and, after
/// k consecutive failures, sends the next min(2^{k−1}, 64) evaluations straight to it).
///
/// A reusable workspace: evaluations of same-sized systems do not allocate (continuous time).
public final class ImpulseResponseDistance {
    /// How the Gramians are computed.
    public enum GramianMethod: Sendable, Equatable {
        /// Krylov projection when certified and `n ≥ 32`, the Schur form otherwise.
        case automatic
        /// Always one real Schur form (dgees) and two dtrsyl solves.
        case schur
        /// Krylov projection whenever certified (any n), the Schur form otherwise.
        case krylov
    }

    /// State dimension n.
    public let dimension: Int
    /// The target response `g*`; its clock sets the system's.
    public let target: ModalResponse
    /// `½ E*`, the loss of the zero system.
    public let halfTargetEnergy: Double
    /// The Schur factorisation of the last `A` evaluated by the Schur route (eigenvalues included).
    public let schur: RealSchurWorkspace
    /// The route this workspace may take.
    public let method: GramianMethod
    /// Relative Galerkin-residual tolerance of the Krylov route.
    public let krylovTolerance: Double
    /// Evaluations done by the Schur route.
    public internal(set) var schurEvaluations = 0
    /// Evaluations done by the Krylov route.
    public internal(set) var krylovEvaluations = 0
    /// The Krylov route's buffers (nil when `method` excludes it).
    var krylov: KrylovBuffers?
    /// Evaluations left to send straight to the Schur route after a failed Krylov attempt, and the next such pause.
    var krylovSkips = 0, krylovBackoff = 1

    private var bt: [Double], ct: [Double], pc: [Double], qb: [Double]
    private var gramianP: Matrix, gramianQ: Matrix, reduced: Matrix, scratch: Matrix
    private var alphas: [[Complex<Double>]], betas: [[Complex<Double>]]
    private var leftFactors: Matrix, rightFactors: Matrix

    /// A workspace for n-dimensional systems and the target `target`; `method` and `krylovTolerance` choose the route.
    public init(dimension n: Int, target: ModalResponse, method: GramianMethod = .automatic,
                krylovTolerance: Double = 1e-14) throws {
        guard n >= 1 else { throw FilterLearningError.invalidParameter("dimension must be ≥ 1, got \(n)") }
        guard krylovTolerance > 0, krylovTolerance < 1 else {
            throw FilterLearningError.invalidParameter("krylovTolerance must be in (0, 1), got \(krylovTolerance)")
        }
        dimension = n
        self.target = target
        self.method = method
        self.krylovTolerance = krylovTolerance
        halfTargetEnergy = target.energy / 2
        schur = try RealSchurWorkspace(dimension: n)
        let zeros = [Double](repeating: 0, count: n)
        bt = zeros; ct = zeros; pc = zeros; qb = zeros
        gramianP = Matrix(rows: n, cols: n); gramianQ = Matrix(rows: n, cols: n)
        reduced = Matrix(rows: n, cols: n); scratch = Matrix(rows: n, cols: n)
        let terms = target.poles.count
        alphas = [[Complex<Double>]](repeating: [Complex<Double>](repeating: .zero, count: n), count: terms)
        betas = alphas
        leftFactors = Matrix(rows: n, cols: 2 * terms); rightFactors = Matrix(rows: n, cols: 2 * terms)
        let krylovAllowed = target.clock == .continuous && n >= 2
            && (method == .krylov || (method == .automatic && n >= 32))
        if krylovAllowed {
            // Beyond n / 2 vectors the Schur route is cheaper; `.krylov` may go to the whole space (exact at m = n).
            krylov = KrylovBuffers(dimension: n, maxRank: method == .krylov ? n : max(1, n / 2),
                                   shifts: target.poles.indices.map { Self.shift(target, $0) })
        }
    }

    /// The loss `L(A, b, c)`; throws `FilterLearningError.unstable…` when `A` is not stable.
    public func loss(a: Matrix, b: [Double], c: [Double]) throws -> Double {
        try evaluate(a: a, b: b, c: c, gradient: nil)
    }

    /// The loss, with `∂L/∂A`, `∂L/∂b`, `∂L/∂c` written into `gradient` (sized for this dimension).
    public func lossAndGradient(a: Matrix, b: [Double], c: [Double], into gradient: inout SystemGradient) throws -> Double {
        try evaluate(a: a, b: b, c: c, gradient: &gradient)
    }

    /// `(σ, τ, w)` of term k: the resolvent is `(σ I + τ A)^{-1}` and `w` weights `α_k β_kᵀ` in `∂L/∂A`.
    func shift(_ k: Int) -> (sigma: Complex<Double>, tau: Complex<Double>, weight: Complex<Double>) {
        Self.shift(target, k)
    }

    static func shift(_ target: ModalResponse, _ k: Int) -> (sigma: Complex<Double>, tau: Complex<Double>, weight: Complex<Double>) {
        let r = target.residues[k], p = target.poles[k]
        switch target.clock {
        case .continuous: return (p, Complex(-1), r)
        case .discrete: return (Complex(1), -p, r * p)
        }
    }

    private func evaluate(a: Matrix, b: [Double], c: [Double], gradient: UnsafeMutablePointer<SystemGradient>?) throws -> Double {
        let n = dimension
        guard a.rows == n, a.cols == n, b.count == n, c.count == n else {
            throw FilterLearningError.invalidParameter(
                "system shapes must be A \(n)×\(n), b and c of length \(n); got A \(a.rows)×\(a.cols), b \(b.count), c \(c.count)")
        }
        if krylov != nil {
            if krylovSkips > 0 {
                krylovSkips -= 1
            } else if let loss = try evaluateKrylov(a: a, b: b, c: c, gradient: gradient) {
                krylovEvaluations += 1
                krylovBackoff = 1
                return loss
            } else if method == .automatic {
                // Back off exponentially (up to 64 evaluations) while the Krylov route keeps failing.
                krylovSkips = krylovBackoff
                krylovBackoff = min(2 * krylovBackoff, 64)
            }
        }
        schurEvaluations += 1
        try schur.factor(a)
        switch target.clock {
        case .continuous:
            let abscissa = schur.spectralAbscissa
            guard abscissa < 0 else { throw FilterLearningError.unstableContinuous(largestRealPart: abscissa) }
        case .discrete:
            let radius = schur.spectralRadius
            guard radius < 1 else { throw FilterLearningError.unstableDiscrete(spectralRadius: radius) }
        }
        let z = schur.z
        BLAS.gemv(z, b, into: &bt, trans: .transpose)
        BLAS.gemv(z, c, into: &ct, trans: .transpose)
        try solveGramian(&gramianP, bt, transposed: false)
        BLAS.gemv(gramianP, ct, into: &pc)
        var loss = 0.5 * BLAS.dot(ct, pc) + halfTargetEnergy
        for k in target.poles.indices {
            let (sigma, tau, _) = shift(k)
            for i in 0..<n { betas[k][i] = Complex(bt[i]) }
            schur.solveShifted(sigma: sigma, tau: tau, &betas[k], transposed: false)
            var cross = Complex<Double>.zero
            for i in 0..<n { cross += betas[k][i].multiplied(by: ct[i]) }
            loss -= (target.residues[k] * cross).real
        }
        guard let g = gradient else { return loss }

        try solveGramian(&gramianQ, ct, transposed: true)
        for k in target.poles.indices {
            let (sigma, tau, weight) = shift(k)
            for i in 0..<n { alphas[k][i] = Complex(ct[i]) }
            schur.solveShifted(sigma: sigma, tau: tau, &alphas[k], transposed: true)
            for i in 0..<n {
                let wa = weight * alphas[k][i]
                leftFactors[i, 2 * k] = wa.real
                leftFactors[i, 2 * k + 1] = -wa.imaginary
                rightFactors[i, 2 * k] = betas[k][i].real
                rightFactors[i, 2 * k + 1] = betas[k][i].imaginary
            }
        }
        // Schur coordinates: G̃ = Q̃ P̃ (discrete: Q̃ T P̃) − Re Σ w_k α̃_k β̃_kᵀ, then ∂L/∂A = Z G̃ Zᵀ.
        switch target.clock {
        case .continuous:
            BLAS.gemm(gramianQ, gramianP, into: &reduced)
        case .discrete:
            BLAS.gemm(schur.t, gramianP, into: &scratch)
            BLAS.gemm(gramianQ, scratch, into: &reduced)
        }
        BLAS.gemm(leftFactors, rightFactors, into: &reduced, transB: .transpose, alpha: -1, beta: 1)
        BLAS.gemm(z, reduced, into: &scratch)
        BLAS.gemm(scratch, z, into: &g.pointee.a, transB: .transpose)
        // ∂L/∂b = Z (Q̃ b̃ − Re Σ r α̃),  ∂L/∂c = Z (P̃ c̃ − Re Σ r β̃).
        BLAS.gemv(gramianQ, bt, into: &qb)
        for k in target.poles.indices {
            let r = target.residues[k]
            for i in 0..<n {
                qb[i] -= (r * alphas[k][i]).real
                pc[i] -= (r * betas[k][i]).real
            }
        }
        BLAS.gemv(z, qb, into: &g.pointee.b)
        BLAS.gemv(z, pc, into: &g.pointee.c)
        return loss
    }

    /// The Gramian of `x` in Schur coordinates: `T Y + Y Tᵀ + x xᵀ = 0` (continuous) or `Y = T Y Tᵀ + x xᵀ`
    /// (discrete), with `T` transposed for the observability Gramian.
    private func solveGramian(_ y: inout Matrix, _ x: [Double], transposed: Bool) throws {
        let n = dimension
        switch target.clock {
        case .continuous:
            for j in 0..<n { for i in 0..<n { y[i, j] = -x[i] * x[j] } }
            try schur.solveLyapunov(&y, transposed: transposed)
        case .discrete:
            for j in 0..<n { for i in 0..<n { y[i, j] = x[i] * x[j] } }
            y.copyEntries(from: try schur.solveStein(y, transposed: transposed))
        }
    }
}
