/// Paper prefixes of experiment ids (`proca2025.figA1` → `proca2025`).
public enum Paper {
    /// The paper of `experimentID`.
    public static func of(_ experimentID: String) -> String {
        experimentID.split(separator: ".", maxSplits: 1).first.map(String.init) ?? experimentID
    }
}
