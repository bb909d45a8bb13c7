import DataIO
import ExperimentKit
import Foundation

/// The files of a run directory (experiment runs; `rnndyn train` writes the same names where it has the file).
public enum RunFiles {
    /// Resolved configuration, provenance, checks and the completion marker (written last).
    public static let config = "config.json"
    /// The data arrays.
    public static let results = "results.npz"
    /// Description of every array and file.
    public static let dataDoc = "DATA.md"
    /// Scalar metrics (checks, theory error, time).
    public static let metrics = "metrics.csv"
    /// The figure layout, for redrawing from saved data.
    public static let figure = "figure.json"
    /// The HTML report.
    public static let report = "report.html"
    /// The index page of a several-paper reproduction, linking each paper's report.
    public static let index = "index.html"
    /// The folder of figure files.
    public static let figures = "figures"

    /// The figure's file stem for `experiment` (`proca2025_figA1`).
    public static func figureStem(_ experiment: String) -> String {
        experiment.replacingOccurrences(of: ".", with: "_")
    }

    /// `figures/<stem>.svg`.
    public static func svg(_ experiment: String) -> String { "\(figures)/\(figureStem(experiment)).svg" }

    /// `figures/<stem>.png`.
    public static func png(_ experiment: String) -> String { "\(figures)/\(figureStem(experiment)).png" }

    /// The folder where a persistent study keeps its finished cells (`cells/<cell>.npz`): not staged with the run,
    /// not listed in `.rnndyn-files.json` (so replacing the run keeps it), recognised by `cellsMarker` inside.
    public static let cells = "cells"
    /// The file marking `cells/` as rnndyn's cell store.
    public static let cellsMarker = ".rnndyn-cells"

    /// Whether `directory/cells` is a cell store rnndyn made.
    public static func hasCellStore(_ directory: URL) -> Bool {
        FileManager.default.fileExists(atPath: directory.appendingPathComponent(cells).appendingPathComponent(cellsMarker).path)
    }

    /// Every top-level name a run directory may get (`figures/` a folder), `loss.csv` of `rnndyn train` included.
    public static let written = [config, results, dataDoc, metrics, figure, report, "loss.csv", figures + "/"]

    /// Files every complete run has besides `config.json`.
    static let required = [results, dataDoc, metrics, figure]
}

/// What is at a path where a run directory should go.
public enum RunDirectoryState {
    /// Nothing.
    case absent
    /// An empty directory.
    case empty
    /// A complete run (marker set, every file present).
    case complete(RunRecord)
    /// rnndyn run files without the completion marker: an interrupted or damaged run, safe to replace.
    case incomplete
    /// A directory of runs (from `rnndyn reproduce`), with the number of complete runs in it.
    case collection(Int)
    /// A non-empty directory holding none of rnndyn's run files.
    case foreign
    /// A file, not a directory.
    case notDirectory

    /// Inspects `url`.
    public static func inspect(_ url: URL) -> RunDirectoryState {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: url.path, isDirectory: &isDir) else { return .absent }
        guard isDir.boolValue else { return .notDirectory }
        let items = (try? fm.contentsOfDirectory(atPath: url.path)) ?? []
        if items.isEmpty { return .empty }
        if let record = try? RunRecord.read(from: url.appendingPathComponent(RunFiles.config)), record.complete,
           RunFiles.required.allSatisfy({ fm.fileExists(atPath: url.appendingPathComponent($0).path) }) {
            return .complete(record)
        }
        let runs = items.filter { item in
            if case .complete = inspect(url.appendingPathComponent(item)) { return true } else { return false }
        }.count
        if runs > 0 { return .collection(runs) }
        let ours = [RunFiles.config, RunFiles.results, RunFiles.figure, RunFiles.dataDoc]
        return items.contains(where: ours.contains) || RunFiles.hasCellStore(url) ? .incomplete : .foreign
    }
}

/// A complete run directory read back: its record, figure layout and (on demand) data.
public struct SavedRun {
    /// The directory.
    public let directory: URL
    /// Its `config.json`.
    public let record: RunRecord
    /// Its `figure.json`.
    public let figure: FigureSpec

    /// Loads the run in `directory`; throws when it is not a complete run.
    public init(_ directory: URL) throws {
        guard case .complete(let record) = RunDirectoryState.inspect(directory) else {
            throw DataIOError.io(path: directory.path, operation: "read run", detail: "not a complete rnndyn run directory")
        }
        self.directory = directory
        self.record = record
        self.figure = try JSONIO.read(FigureSpec.self, from: directory.appendingPathComponent(RunFiles.figure))
    }

    /// The arrays of `results.npz` as a dataset (in file order).
    public func dataset() throws -> Dataset {
        var data = Dataset()
        for (name, array) in try NPZ.read(from: directory.appendingPathComponent(RunFiles.results)) {
            data.add(DataArray(name, shape: array.shape, values: try array.doubles(order: .c), doc: name))
        }
        return data
    }

    /// The complete runs at `url`: the directory itself when it is one, otherwise its complete subdirectories
    /// ordered by `order` (ids listed there first, in that order, then the rest by name).
    public static func all(in url: URL, order: [String] = []) -> [SavedRun] {
        if let run = try? SavedRun(url) { return [run] }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        let runs = names.sorted().compactMap { try? SavedRun(url.appendingPathComponent($0)) }
        let rank = Dictionary(order.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        return runs.enumerated().sorted { a, b in
            let ra = rank[a.element.record.experiment] ?? order.count + a.offset
            let rb = rank[b.element.record.experiment] ?? order.count + b.offset
            return ra < rb
        }.map(\.element)
    }
}
