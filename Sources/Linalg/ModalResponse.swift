import Foundation
import Numerics

/// A real impulse response written as a sum of complex modes: `g(t) = Re Σ_k r_k e^{−p_k t}` in continuous time
/// (rates `p_k`, `Re p_k > 0`) or `g_t = Re Σ_k r_k ρ_k^t` in discrete time (ratios `ρ_k`, `0 < |ρ_k| < 1`).
///
/// Everything about it is closed form: values, the transfer function and the energy `∫₀^∞ g² dt` (`Σ_t g_t²`).
/// A conjugate pair of modes is written as one term: `e^{−ct} cos Ωt = Re e^{−(c − iΩ)t}`.
public struct ModalResponse: Sendable, Equatable {
    /// Continuous (`e^{−pt}`, Laplace transform) or discrete (`ρ^t`, one-sided z-transform in `1/z`) time.
    public enum Clock: String, Sendable, Codable, CaseIterable {
        case continuous, discrete
    }

    /// Which time axis the modes live on.
    public let clock: Clock
    /// Complex residues `r_k`.
    public let residues: [Complex<Double>]
    /// Decay rates `p_k` (continuous) or ratios `ρ_k` (discrete).
    public let poles: [Complex<Double>]

    /// The response `Re Σ residues[k]·mode(poles[k])`; throws `.invalidInput` naming the offending field when a rate has
    /// `Re p ≤ 0` (continuous), a ratio has `|ρ| ∉ (0, 1)` (discrete), a value is not finite, or the counts differ.
    public init(clock: Clock, residues: [Complex<Double>], poles: [Complex<Double>]) throws {
        guard residues.count == poles.count, !poles.isEmpty else {
            throw LinalgError.invalidInput(
                "modal response: residues (\(residues.count)) and poles (\(poles.count)) must be equally many, at least one")
        }
        for (k, (r, p)) in zip(residues, poles).enumerated() {
            guard r.real.isFinite, r.imaginary.isFinite else {
                throw LinalgError.invalidInput("modal response: residue \(k) must be finite, got \(r)")
            }
            switch clock {
            case .continuous:
                guard p.real > 0, p.real.isFinite, p.imaginary.isFinite else {
                    throw LinalgError.invalidInput(
                        "modal response: rate \(k) must have a positive finite real part (a decaying mode), got \(p)")
                }
            case .discrete:
                guard p.length > 0, p.length < 1 else {
                    throw LinalgError.invalidInput(
                        "modal response: ratio \(k) must have modulus in (0, 1) (a decaying mode), got \(p)")
                }
            }
        }
        self.clock = clock
        self.residues = residues
        self.poles = poles
    }

    /// The response at time `t ≥ 0` (in discrete time `t` should be an integer step; `ρ^t` uses the principal power).
    public func value(at t: Double) -> Double {
        var sum = 0.0
        for (r, p) in zip(residues, poles) {
            switch clock {
            case .continuous: sum += (r * Complex.exp(-p * Complex(t))).real
            case .discrete: sum += (r * Complex.exp(Complex.log(p) * Complex(t))).real
            }
        }
        return sum
    }

    /// The transfer function: `H(s) = ∫₀^∞ g(t) e^{−st} dt = ½ Σ_k [r_k/(s + p_k) + r̄_k/(s + p̄_k)]` (continuous) or
    /// `H(z) = Σ_t g_t z^{−t} = ½ Σ_k [r_k/(1 − ρ_k/z) + r̄_k/(1 − ρ̄_k/z)]` (discrete), at any complex argument
    /// inside the region of convergence.
    public func transfer(_ s: Complex<Double>) -> Complex<Double> {
        var sum = Complex<Double>.zero
        for (r, p) in zip(residues, poles) {
            switch clock {
            case .continuous: sum += r / (s + p) + r.conjugate / (s + p.conjugate)
            case .discrete: sum += r / (1 - p / s) + r.conjugate / (1 - p.conjugate / s)
            }
        }
        return sum / 2
    }

    /// The energy `∫₀^∞ g² dt` (continuous) or `Σ_{t≥0} g_t²` (discrete), in closed form from
    /// `Re a · Re b = ½ Re(a b + a b̄)`: `½ Re Σ_{j,k} [r_j r_k/(p_j + p_k) + r_j r̄_k/(p_j + p̄_k)]`, with
    /// `1/(p_j + p_k)` replaced by `1/(1 − ρ_j ρ_k)` in discrete time.
    public var energy: Double {
        var sum = 0.0
        for (rj, pj) in zip(residues, poles) {
            for (rk, pk) in zip(residues, poles) {
                switch clock {
                case .continuous:
                    sum += (rj * rk / (pj + pk) + rj * rk.conjugate / (pj + pk.conjugate)).real
                case .discrete:
                    sum += (rj * rk / (1 - pj * pk) + rj * rk.conjugate / (1 - pj * pk.conjugate)).real
                }
            }
        }
        return sum / 2
    }

    /// The discrete-time response sampled with step `dt`: `g_t = g(t·dt)`, i.e. ratios `ρ_k = e^{−p_k dt}` and the same
    /// residues (continuous responses only; a discrete one is returned unchanged when `dt == 1`).
    public func sampled(step dt: Double) throws -> ModalResponse {
        guard dt > 0, dt.isFinite else {
            throw LinalgError.invalidInput("modal response: sampling step must be positive and finite, got \(dt)")
        }
        switch clock {
        case .continuous:
            return try ModalResponse(clock: .discrete, residues: residues, poles: poles.map { Complex.exp(-$0 * Complex(dt)) })
        case .discrete:
            guard dt == 1 else {
                throw LinalgError.invalidInput("modal response: a discrete response can only be sampled with step 1, got \(dt)")
            }
            return self
        }
    }
}
