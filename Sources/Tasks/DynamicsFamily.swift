import Foundation
import Linalg

/// The three canonical singular-value time-courses `s_t = δ f(λ, t)` of Proca et al. §2.4 (and §8.2).
public enum DynamicsFamily: String, Sendable, CaseIterable, Codable {
    /// `f = 1`: `s_t = δ`.
    case constant
    /// `f = λ^{T−t}`: `s_t = δ λ^{T−t}` (the only family with a zero-loss solution).
    case inverseExponential = "inverse_exponential"
    /// `f = λ^t`: `s_t = δ λ^t`.
    case exponential

    /// The exponent of λ at time `t` (1-based) of a length-`T` trajectory: 0, `T − t` or `t`.
    public func exponent(at t: Int, timeSteps T: Int) -> Int {
        switch self {
        case .constant: return 0
        case .inverseExponential: return T - t
        case .exponential: return t
        }
    }

    /// `f(λ, t)` for a real λ.
    public func factor(lambda: Double, at t: Int, timeSteps T: Int) -> Double {
        let k = exponent(at: t, timeSteps: T)
        return integerPower(lambda, k)
    }

    /// `f(λ, t)` for a complex λ, `R^k e^{ikφ}` with `k` the exponent.
    public func factor(lambda: ComplexPair, at t: Int, timeSteps T: Int) -> ComplexPair {
        lambda.power(exponent(at: t, timeSteps: T))
    }
}
