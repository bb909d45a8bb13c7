import ExperimentKit
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One Slurm array task's work (or any worker's): computes the pending cells or pairs among `only` (all when nil)
/// in `processes` worker processes with one BLAS thread each, and turns the outcome into an exit status Slurm's
/// `afterok` dependencies understand: 0 when every one is complete, 3 when the rest diverged, 1 otherwise.
public enum SweepChunkWorker {
    /// Computes the work and returns the exit status. With more than one process, children run `childArguments`
    /// (a `rnndyn sweep worker …` command line with `--workers 1`) and die with this process.
    public static func run(_ dir: SweepDirectory, stage: SweepStage, only: Set<String>?, processes: Int,
                           childArguments: [String]) throws -> Int32 {
        if processes <= 1 {
            switch stage {
            case .cells: SweepWorker.run(dir, only: only)
            case .pairs: SweepWorker.runPairs(dir, only: only)
            }
        } else {
            var env = ProcessInfo.processInfo.environment
            env["OPENBLAS_NUM_THREADS"] = "1"
            env["RNNDYN_SWEEP_PARENT"] = String(getpid())
            var children: [Process] = []
            for _ in 0..<processes {
                let p = Process()
                p.executableURL = SweepRunner.currentExecutable
                p.arguments = childArguments
                p.environment = env
                try p.run()
                children.append(p)
            }
            for p in children { p.waitUntilExit() }
        }
        return status(dir, stage: stage, only: only)
    }

    /// 0 when every item of `only` is complete, 3 when the others diverged, 1 when any failed or is pending.
    public static func status(_ dir: SweepDirectory, stage: SweepStage, only: Set<String>?) -> Int32 {
        let states: [SweepDirectory.CellState]
        switch stage {
        case .cells: states = dir.cells.filter { only?.contains($0.id) ?? true }.map { dir.state($0) }
        case .pairs: states = dir.pairs.filter { only?.contains($0.id) ?? true }.map { dir.pairState($0) == .done ? .done : .pending }
        }
        if states.allSatisfy({ $0 == .done }) { return 0 }
        return states.allSatisfy({ if case .diverged = $0 { return true }; return $0 == .done }) ? 3 : 1
    }
}
