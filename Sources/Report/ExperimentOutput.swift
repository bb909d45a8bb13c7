import Experiments
import Foundation
import Linalg

/// Writes an experiment run directory: `config.json`, `results.npz`, `DATA.md`, `checks.json`, `figures/<id>.svg`
/// (and a PNG copy when `rsvg-convert` is installed), all staged and renamed into place at once.
public enum ExperimentOutput {
    /// The arrays of `dataset` as NumPy arrays (C order, float64), in dataset order.
    public static func arrays(_ dataset: Dataset) throws -> [(name: String, array: NumpyArray)] {
        try dataset.arrays.map { ($0.name, try NumpyArray(shape: $0.shape, cOrder: $0.values)) }
    }

    /// A Markdown table of every array: key, shape and description.
    public static func dataDocumentation(_ experiment: any Experiment, dataset: Dataset) -> String {
        var s = "# \(experiment.paperFigure) — `\(experiment.id)`\n\n\(experiment.summary).\n\n"
        s += "`results.npz` holds float64 arrays in C order:\n\n| key | shape | contents |\n|---|---|---|\n"
        for a in dataset.arrays {
            s += "| `\(a.name)` | \(a.shape.map(String.init).joined(separator: " × ")) | \(a.doc.replacingOccurrences(of: "|", with: "\\|")) |\n"
        }
        return s
    }

    /// The claim checks as JSON-compatible values.
    public static func checks(_ result: ExperimentResult) -> [[String: Any]] {
        result.checks.map { ["claim": $0.claim, "holds": $0.holds, "evidence": $0.evidence] }
    }

    /// Writes everything for one run into `directory` (refusing an existing non-empty directory unless `force`).
    /// `config` is the resolved configuration (parameters, preset, seed, provenance).
    public static func write(_ experiment: any Experiment, result: ExperimentResult, config: [String: Any],
                             to directory: URL, force: Bool) throws {
        let svg = try FigureRenderer.render(result.figure, dataset: result.dataset)
        var summary = config
        summary["checks"] = checks(result)
        if let e = result.theoryError { summary["theory_error"] = e }
        try StagedDirectory.withStaging(final: directory, replace: force) { stage in
            try stage.write(try ConfigReader.jsonData(summary), to: "config.json")
            try stage.write(try NPZ.encode(try arrays(result.dataset)), to: "results.npz")
            try stage.write(Data(dataDocumentation(experiment, dataset: result.dataset).utf8), to: "DATA.md")
            let name = experiment.id.replacingOccurrences(of: ".", with: "_")
            try stage.write(Data(svg.utf8), to: "figures/\(name).svg")
            let svgURL = stage.url(for: "figures/\(name).svg")
            _ = try? FigureRenderer.renderPNG(svgPath: svgURL.path, pngPath: stage.url(for: "figures/\(name).png").path)
        }
    }
}
