import ExperimentKit
import Foundation

/// Huang, Singh, Martinelli, Rajan, NeurIPS 2025, "Measuring and controlling solution degeneracy across task-trained
/// recurrent neural networks" (arXiv 2410.03972): many RNNs trained from different seeds on one task to a common loss
/// threshold, compared at three levels — behaviour (σ_OOD, the spread of out-of-distribution losses), dynamics (mean
/// pairwise DSA) and weights (mean pairwise permutation-invariant Frobenius distance) — while a knob varies.
///
/// The paper's appendices and code are not public (spec `degeneracy_dsa.md`, December update): per-task T, pulse
/// probabilities, learning rates and DSA settings are documented parameters defaulting to the same lab's public
/// conventions (T = 100, p = 0.3, Adam 1e-3, clip 1, 128-step epochs, DSA n_delays 5, rank 20, angular, ≥ 2 fits).
/// The checkable results are trend directions, each tested with a bootstrap over seeds (`SeedBootstrap`).
public enum Huang2025 {
    /// The paper's short citation for figure titles.
    public static let citation = "Huang et al. 2025"

    /// Title and citation for the index page.
    public static let paper = PaperDescription(
        id: "huang2025", title: "Measuring and controlling solution degeneracy across task-trained recurrent neural networks",
        citation: "Huang, Singh, Martinelli & Rajan, NeurIPS 2025 (arXiv:2410.03972); paper-scale claims from 50 seeds × 128 units, quick preset below that scale")

    /// A short number for labels (`%g`).
    static func label(_ x: Double) -> String { String(format: "%g", x) }

    /// A number for evidence text (4 significant digits).
    static func format(_ x: Double) -> String { x.isFinite ? String(format: "%.4g", x) : "\(x)" }

    /// A fraction as a percentage with one decimal ("100.0 %", "87.5 %").
    static func percent(_ x: Double) -> String { x.isFinite ? String(format: "%.1f %%", 100 * x) : "\(x)" }

    /// Numbers joined for evidence text.
    static func format(_ xs: [Double]) -> String { xs.map(format).joined(separator: ", ") }
}
