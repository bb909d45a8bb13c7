/// How a leaky rate RNN's multipliers, initial variances and Adam learning rates scale with its width N:
/// standard, or µP / mean-field with feature-learning strength γ (degeneracy spec §2.2), so that width sweeps
/// at fixed γ compare like with like. `scales(width:)` derives every quantity.
public enum Parameterization: Sendable, Equatable {
    /// Standard parameterization: unit multipliers, `J ~ N(0, 1/N)`, `W ~ N(0, 1/N)`, `U ~ N(0, 1)`, one Adam rate η.
    case standard(learningRate: Double)
    /// µP: recurrent multiplier 1/N with `J ~ N(0, N)`, output multiplier `1/(γN)` with `W ~ N(0, 1)`,
    /// `U ~ N(0, 1)` with multiplier 1, Adam rate `η = γ η0` for every group.
    case muP(gamma: Double, eta0: Double)

    /// Every multiplier, initial standard deviation and per-group learning rate at width `n`.
    public func scales(width n: Int) -> ParameterScales {
        precondition(n >= 1, "width must be ≥ 1, got \(n)")
        let width = Double(n)
        switch self {
        case let .standard(eta):
            precondition(eta > 0 && eta.isFinite, "learning rate must be finite and > 0, got \(eta)")
            return ParameterScales(name: "standard", width: n, gamma: 1, baseLearningRate: eta,
                                   inputMultiplier: 1, recurrentMultiplier: 1, outputMultiplier: 1,
                                   inputInitStd: 1, recurrentInitStd: 1 / width.squareRoot(),
                                   outputInitStd: 1 / width.squareRoot(), groupLearningRate: eta)
        case let .muP(gamma, eta0):
            precondition(gamma > 0 && gamma.isFinite, "gamma must be finite and > 0, got \(gamma)")
            precondition(eta0 > 0 && eta0.isFinite, "eta0 must be finite and > 0, got \(eta0)")
            return ParameterScales(name: "muP", width: n, gamma: gamma, baseLearningRate: eta0,
                                   inputMultiplier: 1, recurrentMultiplier: 1 / width, outputMultiplier: 1 / (gamma * width),
                                   inputInitStd: 1, recurrentInitStd: width.squareRoot(), outputInitStd: 1,
                                   groupLearningRate: gamma * eta0)
        }
    }
}
