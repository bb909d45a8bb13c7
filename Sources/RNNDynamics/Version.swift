/// The rnndyn release, written into every resolved `config.json`.
public enum RNNDynamicsVersion {
    /// Semantic version of this build.
    public static let string = "0.1.0"
}
