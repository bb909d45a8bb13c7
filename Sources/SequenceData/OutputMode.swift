/// Which outputs a recurrent network is trained on.
public enum OutputMode: String, Sendable, Codable, CaseIterable {
    /// One readout after the last input: `ŷ = W_y h_{T+1}` (Proca et al. main text).
    case final
    /// A readout after every input: `ŷ_t = W_y h_{t+1}`, t = 1…T (Proca et al. App. M).
    case autoregressive
}
