/// Why a figure could not be drawn; `description` is one line naming the figure, panel, series and array.
public struct PlotError: Error, CustomStringConvertible, Equatable, Sendable {
    /// What went wrong.
    public enum Problem: Equatable, Sendable {
        /// An array the figure names is not in the dataset.
        case missingArray(String)
        /// An array has the wrong shape or length (`detail` says what was expected).
        case shape(array: String, detail: String)
        /// The figure itself is inconsistent (e.g. no columns).
        case invalidFigure(String)
        /// SVG → PNG conversion failed.
        case conversion(String)
    }

    /// Where: "figure 'Fig. 2', panel 1, series 'δ=1'".
    public var context: String
    /// What.
    public var problem: Problem

    /// An error at `context`.
    public init(context: String, problem: Problem) {
        self.context = context; self.problem = problem
    }

    /// "figure 'Fig. 2', panel 1, series 'δ=1': array 'ac_sim' not in dataset".
    public var description: String {
        switch problem {
        case .missingArray(let name): "\(context): array '\(name)' not in dataset"
        case .shape(let name, let detail): "\(context): array '\(name)' \(detail)"
        case .invalidFigure(let detail): "\(context): \(detail)"
        case .conversion(let detail): "\(context): \(detail)"
        }
    }
}
