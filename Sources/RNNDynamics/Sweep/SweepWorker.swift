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
    /// What one worker did (cells, or pairs for the pair stage).
    public struct Summary: Sendable, Equatable {
        /// Cells (pairs) it computed.
        public var computed = 0
        /// Cells (pairs) whose computation failed (their error is in `failed/<id>.txt`, `failed/pair-<id>.txt`).
        public var failed = 0
        /// Cells whose computation diverged (their diagnostic is in `failed/<id>.txt`, their last good state in
        /// their cell directory).
        public var diverged = 0
    }

    /// Works through `dir`'s cells (only those with an id in `only`, when given) in order until none is pending:
    /// locked cells are skipped on the first pass and waited for on the second (if their worker died, this one
    /// computes them). One BLAS thread per worker.
    @discardableResult
    public static func run(_ dir: SweepDirectory, only: Set<String>? = nil,
                           onCell: (SweepCell, SweepDirectory.CellState) -> Void = { _, _ in }) -> Summary {
        BLAS.setThreads(1)
        let cells = dir.cells.filter { only?.contains($0.id) ?? true }
        return work(cells, in: dir, report: onCell) { cell in
            LockedTask(name: cell.id, lock: dir.lockURL(cell), failure: dir.failureURL(cell),
                       needsWork: { dir.state(cell).needsWork }, compute: { try compute(cell, in: dir) })
        }
    }

    /// Works through `dir`'s pairs (only those with an id in `only`, when given) as `run` does its cells, writing
    /// `pairs/<id>.json`; a pair one of whose cells is not done fails with a message naming that cell.
    @discardableResult
    public static func runPairs(_ dir: SweepDirectory, only: Set<String>? = nil,
                                onPair: (SweepPair, SweepDirectory.PairState) -> Void = { _, _ in }) -> Summary {
        let pairs = dir.pairs.filter { only?.contains($0.id) ?? true }
        let report = { (pair: SweepPair, state: SweepDirectory.CellState) in
            if case .failed(let m) = state { onPair(pair, .failed(m)) } else { onPair(pair, .done) }
        }
        return work(pairs, in: dir, report: report) { pair in
            LockedTask(name: "pair-" + pair.id, lock: dir.lockURL(pair), failure: dir.failureURL(pair),
                       needsWork: { dir.pairState(pair).needsWork }, compute: { try dir.computePair(pair) })
        }
    }

    /// One unit of work as the lock-and-compute loop sees it: a cell or a pair.
    struct LockedTask {
        /// Its name in `events.log`.
        let name: String
        /// Its `flock(2)` file.
        let lock: URL
        /// Where its failure record goes.
        let failure: URL
        /// Whether it is still to be computed.
        let needsWork: () -> Bool
        /// Computes it into place.
        let compute: () throws -> Void
    }

    /// The two passes over `items` that still need work: locked ones are skipped first, then waited for;
    /// `report` hears each attempted item's new state.
    static func work<Item>(_ items: [Item], in dir: SweepDirectory, report: (Item, SweepDirectory.CellState) -> Void,
                           task: (Item) -> LockedTask) -> Summary {
        var summary = Summary()
        var busy: [(Item, LockedTask)] = []
        for item in items {
            let t = task(item)
            guard t.needsWork() else { continue }
            if !attempt(t, in: dir, wait: false, summary: &summary, report: { report(item, $0) }) { busy.append((item, t)) }
        }
        for (item, t) in busy where t.needsWork() {
            _ = attempt(t, in: dir, wait: true, summary: &summary, report: { report(item, $0) })
        }
        return summary
    }

    /// Takes the task's lock (or gives up when `wait` is false and another worker holds it) and computes it unless
    /// it is complete by then; returns false only when the lock was busy.
    static func attempt(_ task: LockedTask, in dir: SweepDirectory, wait: Bool, summary: inout Summary,
                        report: (SweepDirectory.CellState) -> Void) -> Bool {
        let fd = Glibc.open(task.lock.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return false }
        defer { close(fd) }   // closing releases the lock
        while flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0 {
            if errno == EINTR { continue }
            return false
        }
        guard task.needsWork() else { return true }
        dir.log("start \(task.name)")
        do {
            try task.compute()
            try? FileManager.default.removeItem(at: task.failure)
            dir.log("done \(task.name)")
            summary.computed += 1
            report(.done)
        } catch let divergence as ExperimentDivergence {
            let message = "\(divergence)".replacingOccurrences(of: "\n", with: " ")
            try? AtomicFile.write(SweepDirectory.divergedPrefix + message + "\n", to: task.failure)
            dir.log("diverged \(task.name) \(message)")
            summary.diverged += 1
            report(.diverged(message))
        } catch {
            let message = "\(error)".replacingOccurrences(of: "\n", with: " ")
            try? AtomicFile.write(message + "\n", to: task.failure)
            dir.log("failed \(task.name) \(message)")
            summary.failed += 1
            report(.failed(message))
        }
        return true
    }

    /// Runs the experiment of `cell` into `cells/<id>` (replacing an interrupted attempt's leftovers) on one thread:
    /// a sweep parallelises across cells, in worker processes.
    static func compute(_ cell: SweepCell, in dir: SweepDirectory) throws {
        guard let e = ExperimentRegistry.experiment(dir.spec.experiment) else {
            throw ConfigError(key: "sweep.experiment", "'\(dir.spec.experiment)' is not a registered experiment")
        }
        if cell.studyCell != nil { return try StudySweep.compute(cell, of: e, in: dir) }
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
