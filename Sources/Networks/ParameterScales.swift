/// The quantities a `Parameterization` fixes at one width N, each readable and recorded by `metadata`.
///
/// Forward pass of `LeakyRateRNN`: `h ← h + α(−h + m_J J φ(h) + m_U U x)`, readout `m_W W φ(h)`; blocks are drawn
/// `U ~ N(0, σ_U²)`, `J ~ N(0, σ_J²)`, `W ~ N(0, σ_W²)`, `h_0 = 0`. The spec gives `m_J = 1/N`, `J_ij ~ N(0, N)`
/// (effective `J/N` entry variance 1/N), `m_W = 1/(γN)` and `η = γη0`; it leaves U, W and the per-group rates
/// unknown, so rnndyn chooses O(1) input entries (`σ_U = 1`, `m_U = 1`), O(1) readout entries (`σ_W = 1`), and the
/// rate `γη0` for every group (U, J, W, h_0): with the 1/N and 1/(γN) multipliers, O(1) Adam steps move the
/// hidden drive and the output by amounts independent of N, which is what makes width sweeps at fixed γ meaningful.
public struct ParameterScales: Sendable, Equatable {
    /// "standard" or "muP".
    public let name: String
    /// Width N.
    public let width: Int
    /// Feature-learning strength γ (1 for standard).
    public let gamma: Double
    /// η (standard) or η0 (µP).
    public let baseLearningRate: Double
    /// m_U.
    public let inputMultiplier: Double
    /// m_J (1/N under µP).
    public let recurrentMultiplier: Double
    /// m_W (1/(γN) under µP).
    public let outputMultiplier: Double
    /// σ_U.
    public let inputInitStd: Double
    /// σ_J (√N under µP, so `m_J J` has entry std 1/√N).
    public let recurrentInitStd: Double
    /// σ_W.
    public let outputInitStd: Double
    /// The Adam rate shared by every group (η, or γη0 under µP).
    public let groupLearningRate: Double

    /// Per-group Adam learning rates, keyed by `LeakyRateRNN.parameterNames`.
    public var learningRates: [String: Double] {
        Dictionary(uniqueKeysWithValues: LeakyRateRNN.parameterNames.map { ($0, groupLearningRate) })
    }

    /// Every quantity as text, for run metadata (numbers in Swift's shortest round-trip form).
    public var metadata: [String: String] {
        var m: [String: String] = [
            "parameterization": name, "width": "\(width)", "gamma": "\(gamma)", "eta0": "\(baseLearningRate)",
            "inputMultiplier": "\(inputMultiplier)", "recurrentMultiplier": "\(recurrentMultiplier)",
            "outputMultiplier": "\(outputMultiplier)", "inputInitStd": "\(inputInitStd)",
            "recurrentInitStd": "\(recurrentInitStd)", "outputInitStd": "\(outputInitStd)",
        ]
        for (group, rate) in learningRates { m["learningRate.\(group)"] = "\(rate)" }
        return m
    }
}
