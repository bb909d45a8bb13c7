import Foundation
import Numerics
import Tasks

/// Extrapolation error: the per-mode energy of a trained mode evaluated on the task at another length (§4.3).
public enum Extrapolation {
    /// E(T′) of `mode` on `family` at length `testLength` (final readout, or autoregressive targets).
    public static func energy(of mode: Mode, family: SingularValueProfile, testLength: Int,
                              readout: Readout = .final) -> Double {
        switch readout {
        case .final: return ModeFlow(singularValues: family.singularValues(length: testLength)).energy(mode)
        case .autoregressive:
            return ModeFlow(autoregressive: family.autoregressiveSingularValues(length: testLength)).energy(mode)
        }
    }

    /// E(T′) of a complex mode on `family` at length `testLength`.
    public static func energy(of mode: ComplexMode, family: ComplexFamily, testLength: Int,
                              readout: Readout = .final) -> Double {
        switch readout {
        case .final: return ComplexModeFlow(eigenvalues: family.eigenvalues(length: testLength)).energy(mode)
        case .autoregressive:
            return ComplexModeFlow(autoregressive: family.autoregressiveEigenvalues(length: testLength)).energy(mode)
        }
    }

    /// Closed form for the exponential family trained to its optimum at length T:
    /// `E(T′) = ½ δ² (1 − λ^{T−T′})² Σ_{t=1}^{T′} λ^{2t}` (zero only at T′ = T).
    public static func exponentialEnergy(delta: Double, lambda: Double, trainLength T: Int, testLength Tp: Int) -> Double {
        precondition(lambda != 0 && T >= 1 && Tp >= 1, "need λ ≠ 0 and positive lengths")
        let mismatch = 1 - pow(lambda, Double(T - Tp))
        var sum = 0.0, p = 1.0
        for _ in 1...Tp { p *= lambda * lambda; sum += p }
        return 0.5 * delta * delta * mismatch * mismatch * sum
    }

    /// Closed form for the whitened mean-integration task (s_t = 1/T′ at length T′) solved at length T
    /// (b* = 1, ac* = 1/T): `E(T′) = (T′ − T)² / (2 T² T′)` per input dimension.
    public static func meanTaskEnergy(trainLength T: Int, testLength Tp: Int) -> Double {
        precondition(T >= 1 && Tp >= 1, "lengths must be positive")
        let d = Double(Tp - T), t = Double(T)
        return d * d / (2 * t * t * Double(Tp))
    }
}
