import ExperimentKit

/// The paper this module reproduces, as reports and the index page name it.
public enum ProcaPaper {
    /// Proca, Dominé, Shanahan & Mediano (ICML 2025).
    public static let description = PaperDescription(
        id: "proca2025", title: "Learning dynamics in linear recurrent neural networks",
        citation: "Proca, Dominé, Shanahan & Mediano, ICML 2025 (PMLR 267:49860–49902)")
}
