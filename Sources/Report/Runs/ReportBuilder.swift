import DataIO
import ExperimentKit
import FigureData
import Foundation
import Plot

/// Rebuilds figures and reports from saved run directories alone (no recomputation).
public enum ReportBuilder {
    /// What a rebuild wrote.
    public struct Outcome {
        /// The top-level `report.html`.
        public var report: URL
        /// The runs it covers, in report order.
        public var runs: [SavedRun]
    }

    /// Redraws every run's figure (SVG, PNG when possible) from `figure.json` and `results.npz`, rewrites each
    /// run's `report.html`, and — for a directory of runs — writes the summary `report.html` and `metrics.csv`.
    /// Runs are ordered as in `registered` (the registry's experiment ids, which also name the missing runs);
    /// throws when `directory` holds no complete run.
    public static func rebuild(_ directory: URL, builtBy: Provenance, registered: [String]) throws -> Outcome {
        let root = directory.standardizedFileURL
        let runs = try completeRuns(in: root, registered: registered)
        let now = Timestamp.now()
        var svgs: [String] = []
        for run in runs {
            let svg = try FigureRenderer.render(run.figure, dataset: try run.dataset())
            let png = try FigureFiles.write(svg: svg, experiment: run.record.experiment, in: run.directory)
            let id = run.record.experiment
            try WrittenFiles.add([RunFiles.svg(id), RunFiles.report] + (png ? [RunFiles.png(id)] : []), in: run.directory)
            let own = ReportPage(entries: [entry(run.record, svg: svg, directory: run.directory, link: "", figure: run.figure)],
                                 generatedAt: now, builtBy: builtBy)
            try AtomicFile.write(own.html(), to: run.directory.appendingPathComponent(RunFiles.report))
            svgs.append(svg)
        }
        if runs.count == 1, runs[0].directory.standardizedFileURL.path == root.path {
            return Outcome(report: root.appendingPathComponent(RunFiles.report), runs: runs)
        }
        return Outcome(report: try writeSummary(root, runs: runs, svgs: svgs, generatedAt: now, builtBy: builtBy,
                                                registered: registered), runs: runs)
    }

    /// Writes the summary `report.html` and `metrics.csv` of a directory of runs from their saved figures,
    /// leaving the run directories untouched; `registered` as for `rebuild`.
    public static func summarize(_ directory: URL, builtBy: Provenance, registered: [String]) throws -> Outcome {
        let root = directory.standardizedFileURL
        let runs = try completeRuns(in: root, registered: registered)
        let svgs = try runs.map { run -> String in
            let url = run.directory.appendingPathComponent(RunFiles.svg(run.record.experiment))
            do { return try String(contentsOf: url, encoding: .utf8) } catch {
                throw DataIOError.io(path: url.path, operation: "read figure", detail: error.localizedDescription)
            }
        }
        return Outcome(report: try writeSummary(root, runs: runs, svgs: svgs, generatedAt: Timestamp.now(), builtBy: builtBy,
                                                registered: registered),
                       runs: runs)
    }

    /// The complete runs at `root` in the order of `registered`; throws when there are none.
    static func completeRuns(in root: URL, registered: [String]) throws -> [SavedRun] {
        let runs = SavedRun.all(in: root, order: registered)
        guard !runs.isEmpty else {
            throw DataIOError.io(path: root.path, operation: "build report",
                                 detail: "no complete run directory here (allowed: a directory written by rnndyn run or rnndyn reproduce)")
        }
        return runs
    }

    /// Writes `root/metrics.csv` and `root/report.html` for `runs` with their figures `svgs`; returns the report.
    static func writeSummary(_ root: URL, runs: [SavedRun], svgs: [String], generatedAt: String,
                             builtBy: Provenance, registered: [String]) throws -> URL {
        try SummaryFiles.requireOurs(root, key: "DIR")
        try RunMetrics.summaryTable(runs, relativeTo: root).write(to: root.appendingPathComponent(RunFiles.metrics))
        let entries = zip(runs, svgs).map { run, svg in
            entry(run.record, svg: svg, directory: run.directory, link: RelativePath.from(root, to: run.directory), figure: run.figure)
        }
        let page = ReportPage(entries: entries, generatedAt: generatedAt, builtBy: builtBy,
                              missing: missing(runs, registered: registered), extraLinks: [RunFiles.metrics])
        let report = root.appendingPathComponent(RunFiles.report)
        try AtomicFile.write(page.html(), to: report)
        return report
    }

    /// The report entry of a run in `directory`, linking the files that exist there, listing the arrays of its
    /// `results.npz` (read from `arrays` when given, else from the file) and the arrays `figure` draws.
    public static func entry(_ record: RunRecord, svg: String, directory: URL, link: String, figure: FigureSpec,
                             arrays: [ReportArray]? = nil) -> ReportEntry {
        let id = record.experiment
        let candidates = [RunFiles.results, RunFiles.dataDoc, RunFiles.config, RunFiles.metrics, RunFiles.figure,
                          RunFiles.svg(id), RunFiles.png(id)]
        let files = candidates.filter {
            $0 == RunFiles.config || FileManager.default.fileExists(atPath: directory.appendingPathComponent($0).path)
        }
        let listed = arrays ?? ((try? NPZ.read(from: directory.appendingPathComponent(RunFiles.results))) ?? []).map {
            ReportArray($0.name, shape: $0.array.shape)
        }
        return ReportEntry(record: record, svg: svg, link: link, files: files, arrays: listed, plotted: figure.arrayNames)
    }

    /// Experiments of `registered` from the runs' papers (id prefix before the first dot) that are not among `runs`.
    static func missing(_ runs: [SavedRun], registered: [String]) -> [String] {
        let present = Set(runs.map(\.record.experiment))
        let papers = Set(runs.map { Paper.of($0.record.experiment) })
        return registered.filter { papers.contains(Paper.of($0)) && !present.contains($0) }
    }
}
