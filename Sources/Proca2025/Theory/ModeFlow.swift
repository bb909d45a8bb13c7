import Linalg
import Theory

/// The gradient flow of one real mode (spec Eqs. 5–7, τ = 1; App. M for the autoregressive readout).
///
/// With `r = s − c b^k a` over the task's (lag k, target s) terms — final readout k = T − i, autoregressive
/// k = t − i — the energy is `E = ½ Σ r²` and the flow is `(da, db, dc)/dt = −∇E`:
/// `da/dt = Σ c b^k r`, `db/dt = Σ k c a b^{k−1} r`, `dc/dt = Σ a b^k r`. Frozen parameters get zero velocity.
/// As a `VectorField` the state is `[a, b, c]`. Autoregressive sums run over i ≤ t (spec erratum 4: the paper's
/// Eq. 156 lets the inner sum run to T).
public struct ModeFlow: VectorField, Sendable {
    /// The per-mode targets (final `s_i` or autoregressive `s_{t,i}`).
    public let targets: Targets<Double>
    /// Parameters held fixed by `velocity` (and hence by integration).
    public var frozen: FrozenParameters
    let table: LagTable<Double>

    /// A flow for the given targets.
    public init(_ targets: Targets<Double>, frozen: FrozenParameters = .none) {
        self.targets = targets
        self.frozen = frozen
        self.table = LagTable(targets)
    }
    /// A final-readout flow for the singular-value time-course `s[i−1] = s_i`.
    public init(singularValues s: [Double], frozen: FrozenParameters = .none) {
        self.init(.final(s), frozen: frozen)
    }
    /// An autoregressive flow for `s[t−1][i−1] = s_{t,i}`, i ≤ t.
    public init(autoregressive s: [[Double]], frozen: FrozenParameters = .none) {
        self.init(.autoregressive(s), frozen: frozen)
    }

    /// Sequence length T.
    public var length: Int { table.length }
    /// The readout of the targets.
    public var readout: Readout { targets.readout }
    /// State dimension (a, b, c).
    public var dimension: Int { 3 }

    /// Residuals `r = s − c b^k a`, in target order (final: i = 1…T; autoregressive: t = 1…T, then i = 1…t).
    public func residuals(_ m: Mode) -> [Double] {
        zip(table.lags, table.targets).map { k, s in s - m.u * integerPower(m.b, k) }
    }

    /// The per-mode energy `E = ½ Σ r²`.
    public func energy(_ m: Mode) -> Double { energy(a: m.a, b: m.b, c: m.c) }

    /// The energy of a packed state `[a, b, c]` (allocation-free).
    public func energy(state y: UnsafeBufferPointer<Double>) -> Double { energy(a: y[0], b: y[1], c: y[2]) }

    func energy(a: Double, b: Double, c: Double) -> Double {
        let u = a * c
        var e = 0.0, p = 1.0
        table.groupedTargets.withUnsafeBufferPointer { g in
            for k in 0..<table.length {
                for j in table.groupStart[k]..<table.groupStart[k + 1] {
                    let r = g[j] - u * p
                    e += r * r
                }
                p *= b
            }
        }
        return 0.5 * e
    }

    /// X = Σ_k b^k R_k and Y = Σ_k k b^{k−1} R_k with per-lag residual sums R_k = S_k − n_k u b^k.
    @inline(__always) func residualMoments(u: Double, b: Double) -> (x: Double, y: Double) {
        var x = 0.0, y = 0.0, p = 1.0, pPrev = 0.0
        for k in 0..<table.length {
            let rk = table.lagSums[k] - table.lagCounts[k] * u * p
            x += p * rk
            if k >= 1 { y += Double(k) * pPrev * rk }
            pPrev = p
            p *= b
        }
        return (x, y)
    }

    /// The gradient `(∂E/∂a, ∂E/∂b, ∂E/∂c)` (ignores `frozen`).
    public func gradient(_ m: Mode) -> Mode {
        let (x, y) = residualMoments(u: m.u, b: m.b)
        return Mode(a: -m.c * x, b: -m.u * y, c: -m.a * x)
    }

    /// The flow velocity `−∇E`, with frozen components set to zero.
    public func velocity(_ m: Mode) -> Mode {
        var v = gradient(m)
        v = Mode(a: -v.a, b: -v.b, c: -v.c)
        switch frozen {
        case .none: break
        case .recurrent: v.b = 0
        case .inputOutput: v.a = 0; v.c = 0
        }
        return v
    }

    /// Writes the velocity at state `[a, b, c]` (time-independent field).
    public func evaluate(_ t: Double, _ y: UnsafeBufferPointer<Double>, _ dydt: UnsafeMutableBufferPointer<Double>) {
        let a = y[0], b = y[1], c = y[2]
        let (x, yy) = residualMoments(u: a * c, b: b)
        dydt[0] = frozen == .inputOutput ? 0 : c * x
        dydt[1] = frozen == .recurrent ? 0 : a * c * yy
        dydt[2] = frozen == .inputOutput ? 0 : a * x
    }

    /// A(b) = Σ_k S_k b^k, the effective singular value seen through the recurrence (Eq. 42; AR analogue).
    public func effectiveSingularValue(b: Double) -> Double {
        var acc = 0.0
        for k in stride(from: table.length - 1, through: 0, by: -1) { acc = acc * b + table.lagSums[k] }
        return acc
    }

    /// B(b) = Σ_k n_k b^{2k}: `(1 − b^{2T})/(1 − b²)` (final) or the Eq. 159 factor (autoregressive).
    public func recurrenceGain(b: Double) -> Double {
        Proca2025.regulariserFactor(b: b, length: length, readout: readout)
    }

    /// Integrates the flow from `initial` to flow time `time` with a fixed-step method (Euler = GD).
    public func integrate(from initial: Mode, to time: Double, stepSize: Double,
                          method: FixedStepMethod = .rk4) -> Mode {
        let sol = FixedStepIntegrator(method, stepSize: stepSize).solve(self, initial: initial.state, outputTimes: [time])
        return Mode(state: sol.finalState)
    }
}
