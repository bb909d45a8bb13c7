/// Paper prefixes of experiment ids (`proca2025.figA1` → `proca2025`).
public enum Paper {
    /// The paper of `experimentID`.
    public static func of(_ experimentID: String) -> String {
        experimentID.split(separator: ".", maxSplits: 1).first.map(String.init) ?? experimentID
    }
}

/// How reports and the index page name a paper: its id prefix, title and citation.
public struct PaperDescription: Sendable, Equatable {
    /// The experiment-id prefix (`proca2025`).
    public var id: String
    /// The paper's title.
    public var title: String
    /// Authors, venue and year (and, where it applies, how rnndyn reads the paper).
    public var citation: String

    /// A description.
    public init(id: String, title: String, citation: String) { self.id = id; self.title = title; self.citation = citation }
}
