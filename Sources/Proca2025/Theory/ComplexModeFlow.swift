import Linalg
import Numerics
import Theory

/// The gradient flow of one complex (eigen-form) mode, §8.1 / paper Eqs. 182–184 with τ = 1.
///
/// Residuals `r = d − c b^k a` over the (lag k, target d) terms; energy `E = ½ Σ |r|²` (τ = 1; spec erratum 5:
/// Eq. 185's prefactor 1/(2T) should read 1/(2τ)). The flow is
/// `dz/dt = −2 ∂E/∂z̄` (Wirtinger derivative at fixed z): `da/dt = Σ c̄ b̄^k r`, `db/dt = Σ k c̄ ā b̄^{k−1} r`,
/// `dc/dt = Σ ā b̄^k r`. **Spec erratum 6:** the paper writes `dz/dt = −∂E/∂z̄` with this E, which is half
/// its own Eqs. 182–184; the factor 2 makes the flow identical to ordinary gradient descent on the real and
/// imaginary parts (`−2 ∂E/∂z̄ = −(∂E/∂x + i ∂E/∂y)`), so it reduces to `ModeFlow` for real data and matches
/// GD on the real full matrices. As a `VectorField` the state is `[Re a, Im a, Re b, Im b, Re c, Im c]`.
public struct ComplexModeFlow: VectorField, Sendable {
    /// The per-mode targets (final `d_i` or autoregressive `d_{t,i}`).
    public let targets: Targets<Complex<Double>>
    /// Parameters held fixed by `velocity` (and hence by integration).
    public var frozen: FrozenParameters
    let table: LagTable<Complex<Double>>

    /// A flow for the given targets.
    public init(_ targets: Targets<Complex<Double>>, frozen: FrozenParameters = .none) {
        self.targets = targets
        self.frozen = frozen
        self.table = LagTable(targets)
    }
    /// A final-readout flow for the eigenvalue time-course `d[i−1] = d_i`.
    public init(eigenvalues d: [Complex<Double>], frozen: FrozenParameters = .none) {
        self.init(.final(d), frozen: frozen)
    }
    /// An autoregressive flow for `d[t−1][i−1] = d_{t,i}`, i ≤ t.
    public init(autoregressive d: [[Complex<Double>]], frozen: FrozenParameters = .none) {
        self.init(.autoregressive(d), frozen: frozen)
    }

    /// Sequence length T.
    public var length: Int { table.length }
    /// The readout of the targets.
    public var readout: Readout { targets.readout }
    /// State dimension (re/im of a, b, c).
    public var dimension: Int { 6 }

    /// Residuals `r = d − c b^k a`, in target order.
    public func residuals(_ m: ComplexMode) -> [Complex<Double>] {
        zip(table.lags, table.targets).map { k, d in d - m.u * integerPower(m.b, k) }
    }

    /// The per-mode energy `E = ½ Σ |r|²`.
    public func energy(_ m: ComplexMode) -> Double { energy(u: m.u, b: m.b) }

    /// The energy of a packed state (allocation-free).
    public func energy(state y: UnsafeBufferPointer<Double>) -> Double {
        energy(u: ComplexPacking.load(y, 0) * ComplexPacking.load(y, 2), b: ComplexPacking.load(y, 1))
    }

    func energy(u: Complex<Double>, b: Complex<Double>) -> Double {
        var e = 0.0, p = Complex<Double>(1)
        for k in 0..<table.length {
            for j in table.groupStart[k]..<table.groupStart[k + 1] {
                e += (table.groupedTargets[j] - u * p).lengthSquared
            }
            p *= b
        }
        return 0.5 * e
    }

    /// X = Σ_k b̄^k R_k and Y = Σ_k k b̄^{k−1} R_k with per-lag residual sums R_k = S_k − n_k u b^k.
    @inline(__always) func residualMoments(u: Complex<Double>, b: Complex<Double>) -> (x: Complex<Double>, y: Complex<Double>) {
        var x = Complex<Double>.zero, y = Complex<Double>.zero
        var p = Complex<Double>(1), pPrev = Complex<Double>.zero
        for k in 0..<table.length {
            let rk = table.lagSums[k] - (u * p).multiplied(by: table.lagCounts[k])
            x += p.conjugate * rk
            if k >= 1 { y += (pPrev.conjugate * rk).multiplied(by: Double(k)) }
            pPrev = p
            p *= b
        }
        return (x, y)
    }

    /// The Wirtinger gradient `(∂E/∂ā, ∂E/∂b̄, ∂E/∂c̄)` (ignores `frozen`).
    public func wirtingerGradient(_ m: ComplexMode) -> ComplexMode {
        let g = realGradient(m)
        return ComplexMode(a: g.a.divided(by: 2), b: g.b.divided(by: 2), c: g.c.divided(by: 2))
    }

    /// The real-coordinate gradient `∂E/∂x + i ∂E/∂y = 2 ∂E/∂z̄` for z = a, b, c (ignores `frozen`).
    public func realGradient(_ m: ComplexMode) -> ComplexMode {
        let (x, y) = residualMoments(u: m.u, b: m.b)
        return ComplexMode(a: -(m.c.conjugate * x), b: -(m.u.conjugate * y), c: -(m.a.conjugate * x))
    }

    /// The flow velocity `−2 ∂E/∂z̄` (Eqs. 182–184), with frozen components set to zero.
    public func velocity(_ m: ComplexMode) -> ComplexMode {
        let g = realGradient(m)
        var v = ComplexMode(a: -g.a, b: -g.b, c: -g.c)
        switch frozen {
        case .none: break
        case .recurrent: v.b = .zero
        case .inputOutput: v.a = .zero; v.c = .zero
        }
        return v
    }

    /// Writes the packed velocity at a packed state (time-independent field).
    public func evaluate(_ t: Double, _ y: UnsafeBufferPointer<Double>, _ dydt: UnsafeMutableBufferPointer<Double>) {
        let a = ComplexPacking.load(y, 0), b = ComplexPacking.load(y, 1), c = ComplexPacking.load(y, 2)
        let u = a * c
        let (x, yy) = residualMoments(u: u, b: b)
        let learnIO = frozen != .inputOutput, learnB = frozen != .recurrent
        ComplexPacking.store(learnIO ? c.conjugate * x : .zero, dydt, 0)
        ComplexPacking.store(learnB ? u.conjugate * yy : .zero, dydt, 1)
        ComplexPacking.store(learnIO ? a.conjugate * x : .zero, dydt, 2)
    }

    /// A(b) = Σ_k S_k b^k (complex analogue of Eq. 42).
    public func effectiveEigenvalue(b: Complex<Double>) -> Complex<Double> {
        var acc = Complex<Double>.zero
        for k in stride(from: table.length - 1, through: 0, by: -1) { acc = acc * b + table.lagSums[k] }
        return acc
    }

    /// Integrates the flow from `initial` to flow time `time` with a fixed-step method (Euler = GD).
    public func integrate(from initial: ComplexMode, to time: Double, stepSize: Double,
                          method: FixedStepMethod = .rk4) -> ComplexMode {
        let sol = FixedStepIntegrator(method, stepSize: stepSize).solve(self, initial: initial.state, outputTimes: [time])
        return ComplexMode(state: sol.finalState)
    }
}
