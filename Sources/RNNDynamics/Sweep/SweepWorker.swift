import CSystem
import DataIO
import ExperimentKit
import FigureData
import Papers
import Plot
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Linalg
import Report

/// Computes the pending cells of a sweep directory. Any number of workers (processes on one machine, or Slurm
/// array tasks sharing the directory) can run at once: a cell is computed only by the worker holding its lock
/// (`flock(2)`, released by the kernel when a worker dies), and only while it is not complete, so no cell is ever
/// computed twice into the same place and a killed worker loses only the cell in flight.
public enum SweepWorker {
    /// What one worker did.
    public struct Summary: Sendable, Equatable {
        /// Cells it computed.
        public var computed = 0
        /// Cells whose computation failed (their error is in `failed/<id>.txt`).
        public var failed = 0
        /// Cells whose computation diverged (their diagnostic is in `failed/<id>.txt`, their last good state in
        /// their cell directory).
        public var diverged = 0
    }

    /// Works through `dir`'s cells (or only those with ids in `only`, e.g. a Slurm array task's chunk) in order
    /// until none is pending: locked cells are skipped on the first pass and waited for on the second (if their
    /// worker died, this one computes them). One BLAS thread per worker.
    @discardableResult
    public static func run(_ dir: SweepDirectory, only: Set<String>? = nil,
                           onCell: (SweepCell, SweepDirectory.CellState) -> Void = { _, _ in }) -> Summary {
        BLAS.setThreads(1)
        var summary = Summary()
        var busy: [SweepCell] = []
        for cell in dir.cells where (only?.contains(cell.id) ?? true) && dir.state(cell).needsWork {
            if !attempt(cell, in: dir, wait: false, summary: &summary, onCell: onCell) { busy.append(cell) }
        }
        for cell in busy where dir.state(cell).needsWork {
            _ = attempt(cell, in: dir, wait: true, summary: &summary, onCell: onCell)
        }
        return summary
    }

    /// Takes `cell`'s lock (or gives up when `wait` is false and another worker holds it) and computes the cell
    /// unless it is complete by then; returns false only when the lock was busy.
    static func attempt(_ cell: SweepCell, in dir: SweepDirectory, wait: Bool, summary: inout Summary,
                        onCell: (SweepCell, SweepDirectory.CellState) -> Void) -> Bool {
        let fd = Glibc.open(dir.lockURL(cell).path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return false }
        defer { close(fd) }   // closing releases the lock
        while flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0 {
            if errno == EINTR { continue }
            return false
        }
        guard dir.state(cell).needsWork else { return true }
        dir.log("start \(cell.id)")
        do {
            try compute(cell, in: dir)
            try? FileManager.default.removeItem(at: dir.failureURL(cell))
            dir.log("done \(cell.id)")
            summary.computed += 1
            onCell(cell, .done)
        } catch let divergence as ExperimentDivergence {
            let message = "\(divergence)".replacingOccurrences(of: "\n", with: " ")
            try? AtomicFile.write(SweepDirectory.divergedPrefix + message + "\n", to: dir.failureURL(cell))
            dir.log("diverged \(cell.id) \(message)")
            summary.diverged += 1
            onCell(cell, .diverged(message))
        } catch {
            let message = "\(error)".replacingOccurrences(of: "\n", with: " ")
            try? AtomicFile.write(message + "\n", to: dir.failureURL(cell))
            dir.log("failed \(cell.id) \(message)")
            summary.failed += 1
            onCell(cell, .failed(message))
        }
        return true
    }

    /// Runs the experiment of `cell` into `cells/<id>` (replacing an interrupted attempt's leftovers) on one thread:
    /// a sweep parallelises across cells, in worker processes.
    static func compute(_ cell: SweepCell, in dir: SweepDirectory) throws {
        guard let e = ExperimentRegistry.experiment(dir.spec.experiment) else {
            throw ConfigError(key: "sweep.experiment", "'\(dir.spec.experiment)' is not a registered experiment")
        }
        let target = dir.cellURL(cell)
        let replace: Bool
        switch RunDirectoryState.inspect(target) {
        case .absent, .empty: replace = false
        case .incomplete: replace = true
        default: throw ConfigError(key: "DIR", "'\(target.path)' holds something other than this cell's run (allowed: remove it)")
        }
        try ExperimentJob.run(e, preset: dir.spec.preset, overrides: ParameterOverrides(cell.overrides as [String: Any]),
                              seed: cell.seed, to: target, replace: replace, threads: 1)
    }

    /// Ends this process when the process that started it dies (so killing a sweep kills its workers); Linux only.
    public static func exitWithParent(_ parent: pid_t) {
        rnndyn_exit_with_parent(parent)
    }
}
