import ExperimentKit

/// What a run's `DATA.md` says besides the array table: heading, summary, how the arrays are stored, and the
/// other files of the directory.
public struct RunDocument: Sendable, Equatable {
    /// The `#` heading.
    public var title: String
    /// The paragraph under the heading.
    public var summary: String
    /// The sentence introducing the `results.npz` table (dtypes, order, how to load).
    public var arraysIntro: String
    /// The other files, in table order: file name and contents.
    public var files: [RunDocument.File]

    /// One row of the "Other files" table.
    public struct File: Sendable, Equatable {
        /// File name inside the run directory.
        public var name: String
        /// What it holds.
        public var contents: String

        /// A row.
        public init(_ name: String, _ contents: String) { self.name = name; self.contents = contents }
    }

    /// A description.
    public init(title: String, summary: String, arraysIntro: String, files: [RunDocument.File]) {
        self.title = title; self.summary = summary; self.arraysIntro = arraysIntro; self.files = files
    }
}

/// The `DATA.md` of a run directory: every array of `results.npz` and every other file, with their keys.
public enum RunDocumentation {
    /// The Markdown text of a run described by `document` whose `results.npz` holds exactly `arrays`.
    public static func markdown(_ document: RunDocument, arrays: [RunArray]) -> String {
        var s = "# \(document.title)\n\n\(document.summary)\n\n"
        s += "## `\(RunFiles.results)`\n\n\(document.arraysIntro)\n\n"
        s += "| key | shape | contents |\n|---|---|---|\n"
        for a in arrays {
            s += "| `\(a.name)` | \(a.array.shape.map(String.init).joined(separator: " × ")) | \(cell(a.doc)) |\n"
        }
        s += "\n## Other files\n\n| file | contents |\n|---|---|\n"
        for f in document.files { s += "| `\(f.name)` | \(f.contents) |\n" }
        return s
    }

    /// The description of `experiment`'s run directory.
    public static func document(_ experiment: any Experiment) -> RunDocument {
        RunDocument(
            title: "\(experiment.paperFigure) — `\(experiment.id)`", summary: "\(experiment.summary).",
            arraysIntro: "float64 arrays in C order (`np.load(\"\(RunFiles.results)\")[key]`):",
            files: [
                .init(RunFiles.config, "`experiment`, `paper_figure`, `summary`, `preset`, `seed`, `parameters` (every parameter as used, defaults included), `overrides` (from `--config`/`--set`), `rnndyn_version`, `git_commit`, `started_at`, `wall_time_seconds`, `checks` (`claim`, `holds`, `evidence`), `theory_error` (largest relative theory-vs-simulation gap, when compared) and `complete` (written last: true once every file is in place)"),
                .init(RunFiles.metrics, "columns `metric,value,description`; rows `checks_holding`, `checks_total`, `check_<k>` (1 holds, 0 fails), `theory_error`, `wall_time_seconds`"),
                .init(RunFiles.figure, "the figure layout (panels, series and the arrays they draw), so `rnndyn report` redraws the figure from `\(RunFiles.results)` alone"),
                .init(RunFiles.svg(experiment.id), "the figure (and a `.png` copy when `rsvg-convert` is installed)"),
                .init(RunFiles.report, "the report: figure, claim checks, theory error and parameters"),
            ])
    }

    /// The Markdown text for `experiment`'s run with `dataset`.
    public static func markdown(_ experiment: any Experiment, dataset: Dataset) throws -> String {
        markdown(document(experiment), arrays: try ExperimentOutput.documentedArrays(dataset))
    }

    /// `text` safe inside a Markdown table cell.
    static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}
