/// The sensory-integration read-outs `y_T = Σ_t w_t x_t` per input dimension (Proca et al. §9.2, App. L).
public enum IntegrationTarget: String, Sendable, CaseIterable, Codable {
    /// `w_t = 1/T` — constant family, `ac* = 1/T`, does not extrapolate.
    case mean
    /// `w_t = 1` — constant family, `ac* = 1`, extrapolates.
    case sum
    /// `w_t = 0.1·t` — late importance (stable).
    case lateWeighted = "late_weighted"
    /// `w_t = 1/t` — early importance (unstable).
    case earlyWeighted = "early_weighted"

    /// The weights `w_1 … w_T`.
    public func weights(timeSteps T: Int) -> [Double] {
        precondition(T >= 1, "need T ≥ 1")
        switch self {
        case .mean: return [Double](repeating: 1 / Double(T), count: T)
        case .sum: return [Double](repeating: 1, count: T)
        case .lateWeighted: return (1...T).map { 0.1 * Double($0) }
        case .earlyWeighted: return (1...T).map { 1 / Double($0) }
        }
    }

    /// The weights as the singular-value profile of the whitened idealisation (every mode has `s_t = w_t`).
    public func profile(timeSteps T: Int) -> SingularValueProfile {
        switch self {
        case .mean: return .constant(delta: 1 / Double(T))
        case .sum: return .constant(delta: 1)
        case .lateWeighted, .earlyWeighted: return .explicit(weights(timeSteps: T))
        }
    }
}
