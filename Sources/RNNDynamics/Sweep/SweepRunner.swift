import DataIO
import ExperimentKit
import FigureData
import Papers
import Plot
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs a sweep's pending cells in worker processes (`rnndyn sweep worker DIR`, one BLAS thread each) and waits
/// for them. The worker count is a runner option: it never enters a cell's id, parameters or results.
public enum SweepRunner {
    /// Counts after a run.
    public struct Counts: Sendable, Equatable {
        /// Complete cells.
        public var done: Int
        /// Cells whose last attempt failed.
        public var failed: Int
        /// Cells neither complete nor failed.
        public var pending: Int
        /// Cells whose computation diverged (not retried: the same seed diverges again).
        public var diverged = 0
        /// Pairs written (pair stage).
        public var pairsDone = 0
        /// Pairs whose last attempt failed.
        public var pairsFailed = 0
        /// Pairs neither written nor failed.
        public var pairsPending = 0

        /// The pair stage's line, e.g. `pairs: 30 done, 0 pending, 0 failed of 30`.
        public var pairsLine: String {
            "pairs: \(pairsDone) done, \(pairsPending) pending, \(pairsFailed) failed of \(pairsDone + pairsPending + pairsFailed)"
        }
    }

    /// The cells and pairs of `dir` by state.
    public static func counts(_ dir: SweepDirectory) -> Counts {
        var c = Counts(done: 0, failed: 0, pending: 0)
        for cell in dir.cells {
            switch dir.state(cell) {
            case .done: c.done += 1
            case .failed: c.failed += 1
            case .pending: c.pending += 1
            case .diverged: c.diverged += 1
            }
        }
        for pair in dir.pairs {
            switch dir.pairState(pair) {
            case .done: c.pairsDone += 1
            case .failed: c.pairsFailed += 1
            case .pending: c.pairsPending += 1
            }
        }
        return c
    }

    /// Starts `workers` processes of `executable` (the `rnndyn` binary) on `dir`'s pending cells, then, when the
    /// spec has a pair stage and every cell is done, as many on its pending pairs; calls `progress(stage, done,
    /// total)` about five times a second, and returns when all have exited. Workers die with this process.
    public static func run(_ dir: SweepDirectory, workers: Int, executable: URL,
                           progress: (SweepStage, Int, Int) -> Void = { _, _, _ in }) throws -> Counts {
        // Failed cells and pairs are retried: their failure record goes when a worker picks them up again. Diverged
        // cells are kept as they are: the same seed and parameters diverge again.
        for cell in dir.cells { if case .failed = dir.state(cell) { try? FileManager.default.removeItem(at: dir.failureURL(cell)) } }
        try stage(.cells, of: dir, workers: workers, executable: executable, pending: counts(dir).pending) {
            progress(.cells, $0.done, dir.cells.count)
        }
        guard !dir.pairs.isEmpty, counts(dir).done == dir.cells.count else { return counts(dir) }
        for pair in dir.pairs { if case .failed = dir.pairState(pair) { try? FileManager.default.removeItem(at: dir.failureURL(pair)) } }
        try stage(.pairs, of: dir, workers: workers, executable: executable, pending: counts(dir).pairsPending) {
            progress(.pairs, $0.pairsDone, dir.pairs.count)
        }
        return counts(dir)
    }

    /// Runs up to `workers` processes of `sweep worker DIR --stage <stage>` for `pending` items and polls the
    /// counts until they have all exited.
    static func stage(_ stage: SweepStage, of dir: SweepDirectory, workers: Int, executable: URL, pending: Int,
                      poll: (Counts) -> Void) throws {
        var processes: [Process] = []
        var env = ProcessInfo.processInfo.environment
        env["OPENBLAS_NUM_THREADS"] = "1"
        env["RNNDYN_SWEEP_PARENT"] = String(getpid())
        for _ in 0..<max(1, min(workers, pending)) where pending > 0 {
            let p = Process()
            p.executableURL = executable
            p.arguments = ["sweep", "worker", dir.url.path] + (stage == .cells ? [] : ["--stage", stage.rawValue])
            p.environment = env
            try p.run()
            processes.append(p)
        }
        while processes.contains(where: \.isRunning) {
            poll(counts(dir))
            usleep(200_000)
        }
        poll(counts(dir))
    }

    /// The running executable's path (`/proc/self/exe` on Linux).
    public static var currentExecutable: URL {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return URL(fileURLWithPath: path) }
        return Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
    }
}
