import DataIO
import ExperimentKit
import Foundation
import Linalg
import Report

/// Runs one registered experiment and writes its run directory; `rnndyn run` and `rnndyn reproduce` share it.
public enum ExperimentJob {
    /// The version and git commit of this build (read once).
    public static let provenance = Provenance(version: RNNDynamicsVersion.string, gitCommit: GitCommit.current())

    /// Runs `experiment` with the defaults of `preset`, `overrides` and `seed`, then writes `directory`
    /// (replacing an existing one when `replace`). Bad parameters throw a `ConfigError` before anything is
    /// written; a divergence writes the last good state (`DivergedRun`, not marked complete) and rethrows the
    /// `ExperimentDivergence` with `keptIn` set; leftovers of interrupted runs beside `directory` are removed first. OpenBLAS is fixed to one thread
    /// (the experiments parallelise across runs; more BLAS threads would oversubscribe the cores). `threads` is the
    /// experiment's thread budget for its parallel maps, a runner option that changes no result and is not recorded.
    /// A `PersistentStudy` keeps its finished cells in `cellStore`, by default `directory/cells` (`StudyCellFolder`),
    /// so a rerun after an interruption reuses them; `keepsCells: false` keeps none.
    @discardableResult
    public static func run(_ experiment: any Experiment, preset: Preset, overrides: ParameterOverrides = .init(),
                           seed: UInt64, to directory: URL, replace: Bool, threads: Int = RunContext.defaultThreads,
                           cellStore: (any StudyCellStore)? = nil, keepsCells: Bool = true,
                           progress: @escaping @Sendable (Double) -> Void = { _ in }) throws -> RunRecord {
        BLAS.setThreads(1)
        let inRunStore = cellStore == nil && keepsCells && experiment is any PersistentStudy
        let store = try cellStore ?? (inRunStore ? StudyCellFolder.run(directory) : nil)
        StagedDirectory.removeStale(besides: directory)
        let startedAt = Timestamp.now()
        let clock = ContinuousClock(), start = clock.now
        func record(_ parameters: [String: Any], _ checks: [ClaimCheck], _ theoryError: Double?) -> RunRecord {
            let elapsed = clock.now - start
            let seconds = ((Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18) * 1000).rounded() / 1000
            return RunRecord(experiment: experiment.id, paperFigure: experiment.paperFigure, summary: experiment.summary,
                             preset: preset, seed: seed, parameters: parameters, overrides: overrides.tree,
                             provenance: provenance, startedAt: startedAt, wallTimeSeconds: seconds,
                             checks: checks, theoryError: theoryError, complete: false)
        }
        let result: ExperimentResult, parameters: [String: Any]
        do {
            (result, parameters) = try experiment.run(preset, overrides: overrides.tree, seed: seed, threads: threads, cellStore: store,
                                                      progress: progress)
        } catch var divergence as ExperimentDivergence {
            try DivergedRun.write(divergence, record: record(divergence.parameters, [], nil), to: directory,
                                  replace: replace || RunFiles.hasCellStore(directory))
            divergence.keptIn = directory.relativePath
            throw divergence
        }
        var record = record(parameters, result.checks, result.theoryError)
        record.scalars = result.scalars
        // Cells stored in the directory make it non-empty: the run is then written beside them (they are kept).
        try ExperimentOutput.write(experiment, result: result, record: record, to: directory,
                                   replace: replace || (inRunStore && RunFiles.hasCellStore(directory)))
        var written = record
        written.complete = true
        return written
    }
}
