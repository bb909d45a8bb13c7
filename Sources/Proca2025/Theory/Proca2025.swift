import Numerics
import Theory

// Theory of Proca, Dominé, Shanahan & Mediano (ICML 2025), "Learning dynamics in linear RNNs", in our conventions.
//
// Conventions (binding for every theory type of this module): per mode, loss `E = ½ Σ_i r_i²` (τ = 1), flows are
// `dθ/dt = −∂E/∂θ` in flow time `t = η · (GD steps)`, so one explicit-Euler step of size η is one GD step of size η
// on the full matrices under `LossConvention`. The paper's `1/(2τ)` prefactor and its τ are absorbed into t.

/// One real connectivity mode: input `a`, recurrent `b`, output `c`.
public struct Mode: Sendable, Equatable, CustomStringConvertible {
    /// Input mode (diagonal of W̄_x).
    public var a: Double
    /// Recurrent mode (diagonal of W̄_h).
    public var b: Double
    /// Output mode (diagonal of W̄_y).
    public var c: Double

    /// A mode from its three entries.
    public init(a: Double, b: Double, c: Double) { self.a = a; self.b = b; self.c = c }
    /// A mode from the ODE state `[a, b, c]`.
    public init(state: [Double]) {
        precondition(state.count == 3, "a real mode state is [a, b, c]")
        self.init(a: state[0], b: state[1], c: state[2])
    }
    /// All three entries equal to `value` (the paper's small init, e.g. 0.1).
    public static func uniform(_ value: Double) -> Mode { Mode(a: value, b: value, c: value) }
    /// The input–output mode u = a·c.
    public var u: Double { a * c }
    /// The conserved imbalance a² − c² (spec §2.7).
    public var imbalance: Double { a * a - c * c }
    /// The ODE state `[a, b, c]`.
    public var state: [Double] { [a, b, c] }
    /// Short text form.
    public var description: String { "Mode(a: \(a), b: \(b), c: \(c))" }
}

/// One complex (eigen-form, §8) connectivity mode.
public struct ComplexMode: Sendable, Equatable {
    /// Input mode.
    public var a: Complex<Double>
    /// Recurrent mode (a complex eigenvalue of W_h).
    public var b: Complex<Double>
    /// Output mode.
    public var c: Complex<Double>

    /// A mode from its three entries.
    public init(a: Complex<Double>, b: Complex<Double>, c: Complex<Double>) { self.a = a; self.b = b; self.c = c }
    /// A mode from the packed ODE state `[Re a, Im a, Re b, Im b, Re c, Im c]`.
    public init(state: [Double]) {
        precondition(state.count == 6, "a complex mode state is [Re a, Im a, Re b, Im b, Re c, Im c]")
        self.init(a: Complex(state[0], state[1]), b: Complex(state[2], state[3]), c: Complex(state[4], state[5]))
    }
    /// All three entries equal to `value`.
    public static func uniform(_ value: Complex<Double>) -> ComplexMode { ComplexMode(a: value, b: value, c: value) }
    /// The input–output mode u = a·c.
    public var u: Complex<Double> { a * c }
    /// The packed ODE state `[Re a, Im a, Re b, Im b, Re c, Im c]`.
    public var state: [Double] { ComplexPacking.pack([a, b, c]) }
}

/// Where the network reads out: once after the last input, or after every input (App. M).
public enum Readout: String, Sendable {
    /// `ŷ = W_y h_{T+1}` (main text).
    case final
    /// `ŷ_t = W_y h_{t+1}` for t = 1…T (App. M).
    case autoregressive
}

/// Which parameters are held fixed in a flow (the paper's Fig. 2 experiments).
public enum FrozenParameters: String, Sendable {
    /// Everything learns.
    case none
    /// b is frozen; a and c learn (Fig. 2 left, Eq. 47).
    case recurrent
    /// a and c are frozen; b learns (Fig. 2 right, App. D).
    case inputOutput
}

/// Per-mode targets: final-readout singular values `s_i` or autoregressive `s_{t,i}` (i ≤ t).
public enum Targets<Scalar: Sendable>: Sendable {
    /// `values[i−1] = s_i`, i = 1…T.
    case final([Scalar])
    /// `values[t−1][i−1] = s_{t,i}` for i ≤ t (row t needs at least t entries; later ones are ignored).
    case autoregressive([[Scalar]])

    /// Sequence length T.
    public var length: Int {
        switch self {
        case .final(let s): return s.count
        case .autoregressive(let s): return s.count
        }
    }
    /// The readout these targets belong to.
    public var readout: Readout {
        switch self {
        case .final: return .final
        case .autoregressive: return .autoregressive
        }
    }
}
