import ExperimentKit

/// The `DATA.md` of a run directory: every array of `results.npz` and every other file, with their keys.
public enum RunDocumentation {
    /// The Markdown text for `experiment`'s run with `dataset`.
    public static func markdown(_ experiment: any Experiment, dataset: Dataset) -> String {
        var s = "# \(experiment.paperFigure) — `\(experiment.id)`\n\n\(experiment.summary).\n\n"
        s += "## `\(RunFiles.results)`\n\nfloat64 arrays in C order (`np.load(\"\(RunFiles.results)\")[key]`):\n\n"
        s += "| key | shape | contents |\n|---|---|---|\n"
        for a in dataset.arrays {
            s += "| `\(a.name)` | \(a.shape.map(String.init).joined(separator: " × ")) | \(cell(a.doc)) |\n"
        }
        s += """

        ## Other files

        | file | contents |
        |---|---|
        | `\(RunFiles.config)` | `experiment`, `paper_figure`, `summary`, `preset`, `seed`, `parameters` (every parameter as used, defaults included), `overrides` (from `--config`/`--set`), `rnndyn_version`, `git_commit`, `started_at`, `wall_time_seconds`, `checks` (`claim`, `holds`, `evidence`), `theory_error` (largest relative theory-vs-simulation gap, when compared) and `complete` (written last: true once every file is in place) |
        | `\(RunFiles.metrics)` | columns `metric,value,description`; rows `checks_holding`, `checks_total`, `check_<k>` (1 holds, 0 fails), `theory_error`, `wall_time_seconds` |
        | `\(RunFiles.figure)` | the figure layout (panels, series and the arrays they draw), so `rnndyn report` redraws the figure from `\(RunFiles.results)` alone |
        | `\(RunFiles.svg(experiment.id))` | the figure (and a `.png` copy when `rsvg-convert` is installed) |
        | `\(RunFiles.report)` | the report: figure, claim checks, theory error and parameters |

        """
        return s
    }

    /// `text` safe inside a Markdown table cell.
    static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}
