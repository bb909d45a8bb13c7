import Linalg
import Foundation
import Numerics
import Tasks

/// A learned recurrent mode's stability: |b| < 1 stable, |b| = 1 marginal (integrator), |b| > 1 unstable.
public enum Stability: String, Sendable {
    /// |b| < 1: bounded hidden states at any length.
    case stable
    /// |b| = 1 (within tolerance): the marginal integrator.
    case marginal
    /// |b| > 1: exploding hidden states and gradients as T → ∞.
    case unstable

    /// Classifies a real recurrent mode (|b| vs 1 with absolute tolerance `tolerance`).
    public init(b: Double, tolerance: Double = 1e-9) { self.init(modulus: abs(b), tolerance: tolerance) }
    /// Classifies a complex recurrent mode by its modulus.
    public init(b: Complex<Double>, tolerance: Double = 1e-9) { self.init(modulus: b.length, tolerance: tolerance) }
    /// Classifies by |b|.
    public init(modulus r: Double, tolerance: Double = 1e-9) {
        if abs(r - 1) <= tolerance { self = .marginal } else { self = r < 1 ? .stable : .unstable }
    }
}

/// A zero-loss optimum (b*, (ac)*) of a real mode.
public struct Optimum: Sendable, Equatable {
    /// The recurrent mode b*.
    public var b: Double
    /// The input–output mode (ac)*.
    public var ac: Double
    /// Stability of b*.
    public var stability: Stability { Stability(b: b) }
}

/// A zero-loss optimum of a complex mode.
public struct ComplexOptimum: Sendable, Equatable {
    /// The recurrent eigenvalue b*.
    public var b: Complex<Double>
    /// The input–output mode (ac)*.
    public var ac: Complex<Double>
    /// Stability of b* (by modulus).
    public var stability: Stability { Stability(b: b) }
}

// The singular-value time-courses s_t = δ f(λ, t) (§2.4) and the modified tasks of §3.4 are the Tasks library's
// `SingularValueProfile` (constant, inverse-exponential, exponential, last-step, two-Dirac), evaluated with the same
// `integerPower` as the theory's u·b^k.
extension SingularValueProfile {
    /// `[s_1, …, s_T]` for the final readout; `explicit` only at its own length (a programming error otherwise).
    public func singularValues(length T: Int) -> [Double] {
        precondition(T >= 1, "length must be at least 1")
        do { return try values(timeSteps: T) } catch { preconditionFailure("\(error)") }
    }

    /// Autoregressive targets `s_{t,i}` = the family's time-course at length t, i.e. row t is
    /// `singularValues(length: t)` (so the inverse-exponential family gives δ λ^{t−i}, App. M.3).
    public func autoregressiveSingularValues(length T: Int) -> [[Double]] {
        (1...T).map { singularValues(length: $0) }
    }

    /// The zero-loss optimum at length T (§4.1 table), or nil when none exists.
    ///
    /// Constant: (1, δ); inverse-exponential: (λ, δ); exponential: (1/λ, δλ^T). The modified (and explicit)
    /// profiles are checked with `Proca2025.zeroLossOptimum(_:)`.
    public func zeroLossOptimum(length T: Int) -> Optimum? {
        switch self {
        case .constant(let d): return Optimum(b: 1, ac: d)
        case let .inverseExponential(d, l): return Optimum(b: l, ac: d)
        case let .exponential(d, l):
            precondition(l != 0, "exponential family needs λ ≠ 0")
            return Optimum(b: 1 / l, ac: d * integerPower(l, T))
        case .lastStep, .twoDirac, .explicit:
            return Proca2025.zeroLossOptimum(.final(singularValues(length: T)))
        }
    }
}

/// Complex eigenvalue time-course families d_t (§8.2, polar δ = R_δ e^{iφ_δ}, λ = R_λ e^{iφ_λ}).
public enum ComplexFamily: Sendable, Equatable {
    /// d_t = δ.
    case constant(delta: Complex<Double>)
    /// d_t = δ λ^{T−t}.
    case inverseExponential(delta: Complex<Double>, lambda: Complex<Double>)
    /// d_t = δ λ^t.
    case exponential(delta: Complex<Double>, lambda: Complex<Double>)

    /// `[d_1, …, d_T]`.
    public func eigenvalues(length T: Int) -> [Complex<Double>] {
        precondition(T >= 1, "length must be at least 1")
        switch self {
        case .constant(let d): return [Complex<Double>](repeating: d, count: T)
        case let .inverseExponential(d, l): return (1...T).map { d * integerPower(l, T - $0) }
        case let .exponential(d, l): return (1...T).map { d * integerPower(l, $0) }
        }
    }

    /// Autoregressive targets: row t is `eigenvalues(length: t)`.
    public func autoregressiveEigenvalues(length T: Int) -> [[Complex<Double>]] {
        (1...T).map { eigenvalues(length: $0) }
    }

    /// The zero-loss optimum (§8.2): constant (1, δ); inverse-exponential (λ, δ); exponential (1/λ, δλ^T).
    public func zeroLossOptimum(length T: Int) -> ComplexOptimum {
        switch self {
        case .constant(let d): return ComplexOptimum(b: 1, ac: d)
        case let .inverseExponential(d, l): return ComplexOptimum(b: l, ac: d)
        case let .exponential(d, l):
            guard let inv = l.reciprocal else { preconditionFailure("exponential family needs λ ≠ 0") }
            return ComplexOptimum(b: inv, ac: d * integerPower(l, T))
        }
    }
}

/// The zero-loss optimum of arbitrary targets, or nil when the task has none (App. F.2–F.3).
///
/// Zero loss needs every target to equal `u b^k` at its lag k. Final readout: u = s_T and
/// b = s_{T−1}/s_T, then every s_i is checked; autoregressive: the same from the lag-0 and lag-1 targets.
/// When b is undetermined (T = 1, or all targets zero) b* = 0 is reported. The check uses
/// `|s − u b^k| ≤ tolerance · max(1, |s|)`.
public func zeroLossOptimum(_ targets: Targets<Double>, tolerance: Double = 1e-10) -> Optimum? {
    let table = LagTable(targets)
    let lag0 = table.targets.enumerated().filter { table.lags[$0.offset] == 0 }.map(\.element)
    let u = lag0[0]
    var b = 0.0
    if u != 0, table.length >= 2 {
        let lag1 = zip(table.lags, table.targets).first { $0.0 == 1 }!.1
        b = lag1 / u
    }
    for (k, s) in zip(table.lags, table.targets) where abs(s - u * integerPower(b, k)) > tolerance * max(1, abs(s)) {
        return nil
    }
    return Optimum(b: b, ac: u)
}
