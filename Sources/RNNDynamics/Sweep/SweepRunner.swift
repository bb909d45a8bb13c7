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
    }

    /// The cells of `dir` by state.
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
        return c
    }

    /// Starts `workers` processes of `executable` (the `rnndyn` binary) on `dir`, calls `progress(done, total)`
    /// about five times a second, and returns when all have exited. Workers die with this process.
    public static func run(_ dir: SweepDirectory, workers: Int, executable: URL,
                           progress: (Int, Int) -> Void = { _, _ in }) throws -> Counts {
        // Failed cells are retried: their failure record goes when a worker picks them up again. Diverged cells are
        // kept as they are: the same seed and parameters diverge again.
        for cell in dir.cells { if case .failed = dir.state(cell) { try? FileManager.default.removeItem(at: dir.failureURL(cell)) } }
        let pending = counts(dir).pending
        var processes: [Process] = []
        var env = ProcessInfo.processInfo.environment
        env["OPENBLAS_NUM_THREADS"] = "1"
        env["RNNDYN_SWEEP_PARENT"] = String(getpid())
        for _ in 0..<max(1, min(workers, pending)) where pending > 0 {
            let p = Process()
            p.executableURL = executable
            p.arguments = ["sweep", "worker", dir.url.path]
            p.environment = env
            try p.run()
            processes.append(p)
        }
        while processes.contains(where: \.isRunning) {
            progress(counts(dir).done, dir.cells.count)
            usleep(200_000)
        }
        let final = counts(dir)
        progress(final.done, dir.cells.count)
        return final
    }

    /// The running executable's path (`/proc/self/exe` on Linux).
    public static var currentExecutable: URL {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return URL(fileURLWithPath: path) }
        return Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
    }
}
