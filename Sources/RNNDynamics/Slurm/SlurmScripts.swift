import ExperimentKit
import Foundation

/// The batch scripts of a sweep on Slurm: `slurm/cells.sbatch` and `slurm/pairs.sbatch` (array jobs; each task
/// computes one line of the chunk file given as `$1`) and `slurm/merge.sbatch` (merges and writes the report).
///
/// The sweep directory and the binary are baked in as single-quoted shell words (`ShellWord`), so no path or value
/// can inject a command; comments show them with control characters escaped. Only validated option values appear on
/// `#SBATCH` lines; dependencies, the array range and `--sbatch-arg` words go on `sbatch`'s command line.
public struct SlurmScripts: Sendable {
    /// The sweep directory (absolute).
    public let sweep: URL
    /// The `rnndyn` binary (absolute).
    public let executable: URL
    /// The sweep's experiment id (shown in comments and job names).
    public let experiment: String
    /// Resources per task.
    public let options: SlurmOptions

    /// The scripts' folder, `slurm/` under the sweep directory.
    public static let folder = "slurm"
    /// Where the tasks' logs go, relative to the sweep directory.
    public static let logs = "slurm/logs"

    /// The array script computing one chunk of `stage` per task.
    public func array(_ stage: SweepStage) -> String {
        let what = stage == .cells ? "cells (each a complete experiment run directory under cells/)" : "pairs of cells (pairs/<id>.json)"
        return header(
            job: stage.rawValue, output: "\(Self.logs)/\(stage.rawValue)-%A_%a.out",
            summary: [
                "One task of an array job: computes line $SLURM_ARRAY_TASK_ID (0-based) of the chunk file given as $1,",
                "a list of the sweep's \(what).",
            ])
            + """
            chunks=${1:?usage: sbatch --array=0-N \(Self.folder)/\(stage.rawValue).sbatch CHUNK_FILE}
            task=${SLURM_ARRAY_TASK_ID:?not an array task: submit with sbatch --array}
            exec "$rnndyn" sweep worker "$sweep" --stage \(stage.rawValue) --chunks "$chunks" --task "$task" --workers "${SLURM_CPUS_PER_TASK:-1}"

            """
    }

    /// The merge script: `rnndyn sweep merge` (sweep.csv, sweep.npz, figures, report.html).
    public var merge: String {
        var o = options
        o.cpusPerTask = 1
        return SlurmScripts(sweep: sweep, executable: executable, experiment: experiment, options: o).header(
            job: "merge", output: "\(Self.logs)/merge-%j.out",
            summary: ["Merges the finished sweep: sweep.csv, sweep.npz, DATA.md, figures/ and report.html."])
            + """
            exec "$rnndyn" sweep merge "$sweep"

            """
    }

    /// `#SBATCH` lines, the documented assumptions, and the shell preamble shared by the scripts.
    func header(job: String, output: String, summary: [String]) -> String {
        var lines = ["#!/bin/bash"]
        lines.append("#SBATCH --job-name=rnndyn-\(job)")
        lines.append("#SBATCH --output=\(output)")
        lines.append("#SBATCH --open-mode=append")
        lines += options.directives.map { "#SBATCH \($0)" }
        lines += [
            "#",
            "# rnndyn sweep of \(ShellWord.comment(experiment)), written by rnndyn \(RNNDynamicsVersion.string) (`rnndyn sweep --slurm`).",
        ]
        lines += summary.map { "# " + $0 }
        lines += [
            "#",
            "# Assumptions (see README, \"Running on a Slurm cluster\"):",
            "# - Shared filesystem: the sweep directory is at the same path on every node, and flock(2) works across nodes",
            "#   (NFSv4, Lustre mounted with -o flock, GPFS, BeeGFS). A cell is computed under its lock in locks/, in a",
            "#   staging directory renamed into place when complete, so a killed, preempted, timed-out or requeued task",
            "#   leaves no partial cell and no two tasks compute the same cell.",
            "# - Binary: the rnndyn below exists at that path on every node (the same build).",
            "# - Working directory: the sweep directory (sbatch --chdir); logs go to \(Self.logs)/.",
            "# - Environment: the submitting shell's (sbatch's default --export=ALL); each task runs",
            "#   SLURM_CPUS_PER_TASK worker processes with one BLAS thread each (OPENBLAS_NUM_THREADS=1).",
            "#   binary:          \(ShellWord.comment(executable.path))",
            "#   sweep directory: \(ShellWord.comment(sweep.path))",
            "# Resubmit what is not complete: rnndyn sweep DIR --slurm --resubmit; progress: rnndyn sweep status DIR",
            "set -euo pipefail",
            "rnndyn=\(ShellWord.quote(executable.path))",
            "sweep=\(ShellWord.quote(sweep.path))",
            "cd -- \"$sweep\"",
            "export OPENBLAS_NUM_THREADS=1",
        ]
        return lines.joined(separator: "\n") + "\n"
    }
}
