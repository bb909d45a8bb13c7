import DataIO
import ExperimentKit
import Foundation
import Linalg
import Papers
import Report

/// A study sweep (`study: true`): one run of a `PersistentStudy` whose cells are computed by sweep workers or Slurm
/// array tasks into `cells/<id>.npz`, then reduced by the merge into the run directory `<experiment id>/` (the same
/// bytes as `rnndyn run` with the same preset, overrides and seed) and the summary `report.html` and `metrics.csv`.
public enum StudySweep {
    /// The run directory the merge writes, relative to the sweep directory.
    public static func runFolder(_ dir: SweepDirectory) -> String { dir.spec.experiment }

    /// The files the merge writes, relative to the sweep directory, `report.html` last.
    public static func files(_ dir: SweepDirectory) -> [String] {
        let run = runFolder(dir)
        return ["\(run)/\(RunFiles.results)", "\(run)/\(RunFiles.config)", RunFiles.metrics, RunFiles.report]
    }

    /// Computes study cell `cell` of `e` and writes `cells/<id>.npz` atomically (with its key inside). One thread.
    static func compute(_ cell: SweepCell, of e: any Experiment, in dir: SweepDirectory) throws {
        guard let study = e as? any PersistentStudy, let name = cell.studyCell else {
            throw ConfigError(key: "sweep.study", "\(e.id) is not a persistent study")
        }
        let overrides = cell.overrides as [String: Any]
        let keyed = try study.keyedCells(dir.spec.preset, overrides: overrides, seed: cell.seed, codeVersion: RNNDynamicsVersion.string)
        guard let key = keyed.first(where: { $0.cell.name == name })?.key, StudyCellKey.id(key) == cell.id else {
            throw ConfigError(key: "DIR", "cell \(name) (\(cell.id)) is not a cell of \(e.id) with this spec and rnndyn \(RNNDynamicsVersion.string) (allowed: the rnndyn that planned the sweep)")
        }
        BLAS.setThreads(1)
        let arrays = try study.computeCell(named: name, dir.spec.preset, overrides: overrides, seed: cell.seed)
        try FileManager.default.createDirectory(at: dir.cellURL(cell).deletingLastPathComponent(), withIntermediateDirectories: true)
        try AtomicFile.write(try arrays.npz(key: key), to: dir.cellURL(cell))
    }

    /// Reduces the stored cells into `<experiment id>/` (replacing an earlier reduce), then writes the summary
    /// `report.html` and `metrics.csv`; a missing or stale cell is an error, never computed here.
    static func reduce(_ dir: SweepDirectory) throws -> SweepMerge.Outcome {
        let notDone = dir.cells.filter { dir.state($0) != .done }.count
        guard notDone == 0 else {
            throw ConfigError(key: "DIR", "\(notDone) of \(dir.cells.count) cells are not complete (allowed: merge after every cell is done; see rnndyn sweep status)")
        }
        let e = try dir.spec.registeredExperiment()
        let target = dir.url.appendingPathComponent(runFolder(dir))
        let replace: Bool
        switch RunDirectoryState.inspect(target) {
        case .absent, .empty: replace = false
        case .incomplete, .complete: replace = true
        default: throw ConfigError(key: "DIR", "'\(target.path)' holds something other than this study's run (allowed: remove it)")
        }
        let store = StudyCellFolder(folder: dir.url.appendingPathComponent("cells"), naming: .keyID, computesMissing: false)
        try ExperimentJob.run(e, preset: dir.spec.preset, overrides: ParameterOverrides(dir.spec.overrides as [String: Any]),
                              seed: dir.spec.seeds[0], to: target, replace: replace, cellStore: store)
        try ReportBuilder.summarize(dir.url, builtBy: ExperimentJob.provenance)
        return SweepMerge.Outcome(files: files(dir), cells: dir.cells.count)
    }
}
