import DataIO
import ExperimentKit
import Foundation
import Plot

/// Writes an experiment run directory through `RunDirectoryWriter` — `results.npz`, `DATA.md`, `figure.json`,
/// `figures/<id>.svg` (and a PNG copy when `rsvg-convert` is installed), `metrics.csv`, `report.html` and, last,
/// `config.json` with the completion marker — all staged and renamed into place at once.
public enum ExperimentOutput {
    /// The arrays of `dataset` as NumPy arrays (C order, float64), in dataset order.
    public static func arrays(_ dataset: Dataset) throws -> [(name: String, array: NumpyArray)] {
        try documentedArrays(dataset).map { ($0.name, $0.array) }
    }

    /// The arrays of `dataset` as documented NumPy arrays (C order, float64), in dataset order.
    public static func documentedArrays(_ dataset: Dataset) throws -> [RunArray] {
        try dataset.arrays.map { RunArray($0.name, try NumpyArray(shape: $0.shape, cOrder: $0.values), doc: $0.doc) }
    }

    /// The contents of one run's directory; `record` describes the run and its completion marker is set here.
    public static func contents(_ experiment: any Experiment, result: ExperimentResult,
                                record: RunRecord) throws -> RunDirectoryContents {
        let figure = try RunFigure(result.figure, stem: experiment.id, dataset: result.dataset)
        var record = record
        record.complete = true
        let config = try record.jsonData()
        // The page is built from the record as it will be read back, so `rnndyn report` rebuilds the same page.
        let saved = try RunRecord(json: ExactJSON.parse(config) as? [String: Any] ?? [:], source: RunFiles.config)
        let report = RunExtraFile(RunFiles.report) { staging in
            let arrays = result.dataset.arrays.map { ReportArray($0.name, shape: $0.shape) }
            let page = ReportPage(entries: [ReportBuilder.entry(saved, svg: figure.svg, directory: staging, link: "",
                                                                figure: result.figure, arrays: arrays)],
                                  generatedAt: saved.startedAt, builtBy: saved.provenance)
            return Data(page.html().utf8)
        }
        return RunDirectoryContents(arrays: try documentedArrays(result.dataset),
                                    documentation: RunDocumentation.document(experiment), figure: figure,
                                    metrics: RunMetrics.rows(saved), extraFiles: [report], config: config)
    }

    /// Writes everything for one run into `directory`; an existing non-empty directory is an error unless
    /// `replace`. `record` describes the run; its completion marker is set here.
    public static func write(_ experiment: any Experiment, result: ExperimentResult, record: RunRecord,
                             to directory: URL, replace: Bool) throws {
        try RunDirectoryWriter.write(try contents(experiment, result: result, record: record), to: directory, replace: replace)
    }
}

/// The figure files of a run: the SVG, and a PNG copy when `rsvg-convert` is installed.
public enum FigureFiles {
    /// Writes `svg` to `figures/<stem>.svg` under `directory` atomically, then the PNG copy (also atomically);
    /// returns whether a PNG was written.
    @discardableResult
    public static func write(svg: String, experiment: String, in directory: URL) throws -> Bool {
        let svgURL = directory.appendingPathComponent(RunFiles.svg(experiment))
        let folder = svgURL.deletingLastPathComponent()
        do { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
            throw DataIOError.io(path: folder.path, operation: "create directory", detail: error.localizedDescription)
        }
        try AtomicFile.write(svg, to: svgURL)
        let pngURL = directory.appendingPathComponent(RunFiles.png(experiment))
        let temporary = folder.appendingPathComponent(".\(pngURL.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)")
        guard try FigureRenderer.renderPNG(svgPath: svgURL.path, pngPath: temporary.path) else { return false }
        guard rename(temporary.path, pngURL.path) == 0 else { throw AtomicFile.posixError(pngURL.path, "rename PNG into place") }
        return true
    }
}
