import DataIO
import ExperimentKit
import Foundation

extension ReportBuilder {
    /// Writes `root/index.html` (atomically) for a directory holding one subdirectory of runs per paper
    /// (`root/<paper id>/`, as `rnndyn reproduce all` writes it): one row per paper of `papers`, in that order,
    /// read from the complete runs and summary files in its subdirectory (a paper without runs is listed as not
    /// reproduced there); `registered` (every registered experiment id) gives each paper's experiment count and
    /// run order. Throws a one-line `ConfigError` at `key` when an `index.html` that rnndyn did not write is there.
    @discardableResult
    public static func writeIndex(_ root: URL, papers: [PaperDescription], registered: [String], builtBy: Provenance,
                                  key: String = "--out") throws -> URL {
        try SummaryFiles.requireOurs(root, key: key, names: [RunFiles.index])
        let rows = papers.map { paper -> IndexPage.Row in
            let dir = root.appendingPathComponent(paper.id)
            let runs = SavedRun.all(in: dir, order: registered).filter {
                Paper.of($0.record.experiment) == paper.id && $0.directory.standardizedFileURL != dir.standardizedFileURL
            }
            let files = [RunFiles.report, RunFiles.metrics].filter { FileManager.default.fileExists(atPath: dir.appendingPathComponent($0).path) }
            return IndexPage.Row(paper: paper, link: paper.id, records: runs.map(\.record),
                                 registered: registered.filter { Paper.of($0) == paper.id }.count, files: files)
        }
        let index = root.appendingPathComponent(RunFiles.index)
        try AtomicFile.write(IndexPage(rows: rows, generatedAt: Timestamp.now(), builtBy: builtBy).html(), to: index)
        return index
    }

    /// The papers of `papers` whose subdirectory of `root` holds complete runs (the layout `writeIndex` reads).
    public static func paperDirectories(in root: URL, papers: [String]) -> [String] {
        papers.filter { paper in
            if case .collection = RunDirectoryState.inspect(root.appendingPathComponent(paper)) { true } else { false }
        }
    }
}
