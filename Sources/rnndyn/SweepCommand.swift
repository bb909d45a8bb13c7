import ArgumentParser
import Foundation
import RNNDynamics

/// `rnndyn sweep SPEC --out DIR [--workers N]`, and its `status`, `merge` and `worker` subcommands.
struct Sweep: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Run an experiment over a grid of parameters and seeds, in parallel worker processes, resumably.",
        discussion: """
        SPEC (YAML or JSON) names an experiment, a preset, base overrides, grid axes (values, linspace or \
        logspace) and seeds; see examples/sweep-figA1.yaml. Every cell (grid point × seed) gets a deterministic \
        id and its own complete run directory under DIR/cells/. Run the same command again to resume: complete \
        cells are kept and nothing is computed twice. When every cell is done the results are merged into \
        DIR/sweep.csv, DIR/sweep.npz, DIR/figures/sweep.svg and DIR/report.html (documented in DIR/DATA.md). A spec \
        with a pairs section then compares one results array between every two seeds of each grid point \
        (DIR/pairs/, merged into DIR/pairs.csv and sweep.npz). A cell whose \
        training or theory diverges keeps its last good state in its cell directory and is not retried (the same \
        seed diverges again); the sweep then exits with status 3 (1 if a cell failed otherwise) and merges only \
        when every cell is done.

        A study sweep (`study: true`, one seed, no axes; see examples/sweep-figA4-study.yaml) runs the cells of one \
        run of a persistent study (Fig. 5, A4, A6) as its cells, stored as DIR/cells/<id>.npz, and the merge reduces \
        them into the run directory DIR/<experiment id>/ with the bytes `rnndyn run` writes, plus DIR/report.html.
        """,
        subcommands: [SweepRun.self, SweepStatus.self, SweepMergeCommand.self, SweepWorkerCommand.self],
        defaultSubcommand: SweepRun.self)
}

/// Runs (or resumes) a sweep, locally or on Slurm.
struct SweepRun: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run or resume a sweep (the default); with --slurm, submit it as Slurm array jobs.",
        discussion: """
        With --slurm the sweep runs on a Slurm cluster: rnndyn writes DIR/slurm/cells.sbatch (and pairs.sbatch \
        for a spec with pairs) and merge.sbatch, then submits an array job whose tasks each compute a chunk of the \
        pending cells (--cells-per-task), a pair array after it (afterok) and a merge job that writes sweep.csv, \
        sweep.npz, the figures and report.html. The directory must be on a filesystem shared by the nodes. \
        `rnndyn sweep status DIR` follows it; `rnndyn sweep DIR --slurm --resubmit` submits what is not complete.

        Examples:
          rnndyn sweep examples/sweep-figA1.yaml --out out/sweep --workers 2
          rnndyn sweep examples/sweep-figA1.yaml --out out/sweep --slurm --time 00:10:00 --cells-per-task 4
          rnndyn sweep out/sweep --slurm --resubmit
        """)

    @Argument(help: "The sweep spec (.yaml, .yml or .json); with --resubmit, the sweep directory.")
    var spec: String

    @Option(name: .long, help: "The sweep directory.")
    var out: String?

    @Option(name: .long, help: "Worker processes (one BLAS thread each); does not change any result. Local runs only.")
    var workers: Int?

    @OptionGroup var slurm: SlurmFlags

    func run() throws {
        if slurm.slurm { return try submit() }
        if let given = slurm.givenWithoutSlurm { throw fail(ConfigError(key: given, "needs --slurm (allowed: --slurm with it, or leave it out)")) }
        let workers = self.workers ?? 1
        guard (1...256).contains(workers) else {
            throw fail(ConfigError(key: "--workers", "\(workers) is out of range (allowed: 1…256)"))
        }
        guard let out else { throw fail(ConfigError(key: "--out", "is required (allowed: a directory for the sweep)")) }
        let dir: SweepDirectory
        do { dir = try SweepDirectory.create(spec: spec, at: URL(fileURLWithPath: out)) } catch { throw fail(error) }
        let bar = ProgressBar(total: dir.cells.count + dir.pairs.count, label: "sweep")
        let counts = try SweepRunner.run(dir, workers: workers, executable: SweepRunner.currentExecutable) { stage, done, total in
            let before = stage == .cells ? 0 : dir.cells.count
            bar.update(fraction: Double(before + done) / Double(max(dir.cells.count + dir.pairs.count, 1)),
                       detail: "\(done)/\(total) \(stage.rawValue)")
        }
        bar.finish()
        printLine("sweep \(dir.spec.experiment): \(counts.done) done, \(counts.failed) failed, \(counts.diverged) diverged, \(counts.pending) pending of \(dir.cells.count) cells in \(out)"
                  + (dir.pairs.isEmpty ? "" : "; \(counts.pairsLine)"))
        if counts.diverged > 0 && counts.failed == 0 && counts.pending == 0 {
            printError("\(counts.diverged) cells diverged (each keeps its last good state in its cell directory); see rnndyn sweep status \(out)")
            throw ExitCode(ExitStatus.diverged)
        }
        guard counts.done == dir.cells.count else {
            printError("\(counts.failed + counts.pending + counts.diverged) cells did not complete; see rnndyn sweep status \(out)")
            throw ExitCode(ExitStatus.failed)
        }
        guard counts.pairsDone == dir.pairs.count else {
            printError("\(dir.pairs.count - counts.pairsDone) pairs did not complete; see rnndyn sweep status \(out)")
            throw ExitCode(ExitStatus.failed)
        }
        do { try SweepMerge.merge(dir) } catch { throw fail(error) }
        if dir.spec.study {
            printLine("reduced the study's cells into \(out)/\(StudySweep.runFolder(dir)) (report: \(out)/\(StudySweep.runFolder(dir))/report.html; summary \(out)/report.html)")
        } else {
            printLine("merged: \(out)/sweep.csv, \(out)/sweep.npz, \(out)/figures/sweep.svg, \(out)/report.html (see \(out)/DATA.md)")
        }
    }

    /// `--slurm`: writes the scripts and submits (or, with `--dry-run`, prints) the jobs.
    func submit() throws {
        let dir: SweepDirectory
        var options = SlurmOptions()
        do {
            if workers != nil { throw ConfigError(key: "--workers", "is for local runs (allowed: --cpus-per-task with --slurm)") }
            if slurm.resubmit {
                if let out, URL(fileURLWithPath: out).standardizedFileURL != URL(fileURLWithPath: spec).standardizedFileURL {
                    throw ConfigError(key: "--out", "is not used with --resubmit (allowed: rnndyn sweep DIR --slurm --resubmit)")
                }
                dir = try SweepDirectory.open(URL(fileURLWithPath: spec))
                options = SlurmSubmission.all(dir).last?.options ?? options
            } else {
                guard let out else { throw ConfigError(key: "--out", "is required (allowed: a directory for the sweep, on a filesystem the nodes share)") }
                dir = try SweepDirectory.create(spec: spec, at: URL(fileURLWithPath: out))
            }
            options = slurm.options(over: options)
            try options.validate()
        } catch { throw fail(error) }
        let path = dir.url.relativePath
        do {
            let earlier = SlurmSubmission.all(dir)
            let queue = earlier.isEmpty ? nil : SlurmQueue.read(jobs: Set(earlier.flatMap(\.jobs)))
            let plan = try SlurmSweep.plan(dir, options: options, executable: SweepRunner.currentExecutable, queue: queue,
                                           maxArraySize: slurm.dryRun ? 1001 : SlurmTools.maxArraySize())
            guard !plan.calls.isEmpty else {
                printLine("nothing to submit: every cell is done and merged (\(path)/report.html)")
                return
            }
            let what = plan.arrays.map { "\($0.stage.rawValue) array of \($0.chunks.count) tasks (\($0.chunks.map(\.count).reduce(0, +)) \($0.stage.rawValue), up to \($0.chunks.first?.count ?? 0) per task)" }
                + ["merge job"]
            if plan.queuedElsewhere > 0 {
                printLine("\(plan.queuedElsewhere) pending items are held by tasks of earlier submissions still queued; the merge waits for them")
            }
            if slurm.dryRun {
                printLine("# dry run: wrote \(path)/slurm/*.sbatch and \(path)/slurm/submissions/\(plan.number)/; would submit " + what.joined(separator: ", "))
                printLine(plan.shell)
                return
            }
            let sub = try SlurmSweep.submit(plan, in: dir)
            let jobs = sub.arrays.map { "\($0.stage.rawValue) array \($0.job ?? "?") (\($0.tasks) tasks)" } + (sub.merge.map { ["merge \($0)"] } ?? [])
            printLine("submitted \(jobs.joined(separator: ", ")) for \(dir.spec.experiment) in \(path); follow with: rnndyn sweep status \(path)")
        } catch { throw fail(error) }
    }
}

/// The `--slurm` options of `rnndyn sweep`.
struct SlurmFlags: ParsableArguments {
    @Flag(name: .long, help: "Submit the sweep to Slurm as array jobs instead of running it here.")
    var slurm = false

    @Option(name: .long, help: "Slurm partition.")
    var partition: String?

    @Option(name: .long, help: "Time limit per array task (HH:MM:SS, or any Slurm form).")
    var time: String?

    @Option(name: .long, help: "Memory per array task (e.g. 4G).")
    var mem: String?

    @Option(name: .long, help: "CPUs per array task; it runs that many worker processes, one BLAS thread each (default 1).")
    var cpusPerTask: Int?

    @Option(name: .long, help: "At most this many array tasks at once.")
    var maxConcurrent: Int?

    @Option(name: .long, help: "Cells (or pairs) per array task: more amortises each task's start-up (default: 1, or what fits the cluster's MaxArraySize).")
    var cellsPerTask: Int?

    @Option(name: .long, help: "Slurm account to charge.")
    var account: String?

    @Option(name: .long, parsing: .unconditionalSingleValue, help: "An extra sbatch argument, passed through as one word (repeatable), e.g. --sbatch-arg=--qos=long.")
    var sbatchArg: [String] = []

    @Flag(name: .long, help: "Let Slurm requeue preempted or failed tasks (safe: complete cells are skipped).")
    var requeue = false

    @Flag(name: .long, help: "Write the scripts and print the sbatch commands without submitting.")
    var dryRun = false

    @Flag(name: .long, help: "Submit only what is not complete in an existing sweep directory (SPEC is then the directory).")
    var resubmit = false

    /// `base` with the options given on the command line replaced.
    func options(over base: SlurmOptions) -> SlurmOptions {
        var o = base
        if let partition { o.partition = partition }
        if let time { o.time = time }
        if let mem { o.mem = mem }
        if let cpusPerTask { o.cpusPerTask = cpusPerTask }
        if let maxConcurrent { o.maxConcurrent = maxConcurrent }
        if let cellsPerTask { o.cellsPerTask = cellsPerTask }
        if let account { o.account = account }
        if !sbatchArg.isEmpty { o.extra = sbatchArg }
        if requeue { o.requeue = true }
        return o
    }

    /// The first Slurm option given without `--slurm`.
    var givenWithoutSlurm: String? {
        let given: [(String, Bool)] = [
            ("--partition", partition != nil), ("--time", time != nil), ("--mem", mem != nil), ("--cpus-per-task", cpusPerTask != nil),
            ("--max-concurrent", maxConcurrent != nil), ("--cells-per-task", cellsPerTask != nil), ("--account", account != nil),
            ("--sbatch-arg", !sbatchArg.isEmpty), ("--requeue", requeue), ("--dry-run", dryRun), ("--resubmit", resubmit),
        ]
        return given.first { $0.1 }?.0
    }
}

/// Shows done / pending / failed cells, and on Slurm what the queue says about them.
struct SweepStatus: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show done, running, pending and failed cells (with Slurm's view of a submitted sweep).")

    @Argument(help: "The sweep directory.")
    var dir: String

    func run() throws {
        let sweep: SweepDirectory
        do { sweep = try SweepDirectory.open(URL(fileURLWithPath: dir)) } catch { throw fail(error) }
        if !SlurmSubmission.all(sweep).isEmpty { return slurmStatus(sweep) }
        let c = SweepRunner.counts(sweep)
        printLine("\(sweep.spec.experiment): \(c.done) done, \(c.pending) pending, \(c.failed) failed, \(c.diverged) diverged of \(sweep.cells.count) cells")
        if !sweep.pairs.isEmpty { printLine(c.pairsLine) }
        for cell in sweep.cells {
            let (verdict, message): (String, String)
            switch sweep.state(cell) {
            case .failed(let m): (verdict, message) = ("failed", m)
            case .diverged(let m): (verdict, message) = ("diverged", m)
            case .done, .pending: continue
            }
            printLine("\(verdict) \(cell.id) (\(sweep.label(cell))): \(message.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        for pair in sweep.pairs {
            guard case .failed(let message) = sweep.pairState(pair) else { continue }
            let point = zip(sweep.spec.axes, pair.point).map { "\($0.name)=\($0.values[$1].text)" }.joined(separator: " ")
            printLine("failed pair-\(pair.id) (\(point) seeds=\(pair.a.seed),\(pair.b.seed)): \(message.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
    }

    /// A sweep submitted to Slurm: counts per stage, the latest submission's jobs, then one line per item that
    /// is running, failed or diverged.
    func slurmStatus(_ sweep: SweepDirectory) {
        let s = SlurmStatus.read(sweep)
        printLine("\(sweep.spec.experiment) on Slurm (\(s.submissions.count) submission\(s.submissions.count == 1 ? "" : "s")" + (s.queueAnswered ? ")" : "; squeue did not answer)"))
        for stage in SlurmSweep.stages(sweep) { printLine(s.summary(stage)) }
        for line in s.jobLines { printLine(line) }
        for item in s.items where [.running, .failed, .diverged].contains(item.verdict) {
            var line = "\(item.verdict.rawValue) \(item.stage == .cells ? "cell" : "pair") \(item.id) (\(item.label))"
            if let task = item.task { line += " task \(task)" }
            if !item.message.isEmpty { line += ": " + item.message.trimmingCharacters(in: .whitespacesAndNewlines) }
            if item.verdict != .running, let log = item.log, !line.contains(log) { line += " [log \(log)]" }
            printLine(line)
        }
        if SlurmSweep.isMerged(sweep) { printLine("merged: \(dir)/report.html") }
    }
}

/// Merges a finished sweep.
struct SweepMergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "merge", abstract: "Write sweep.csv, sweep.npz and figures from the cells.")

    @Argument(help: "The sweep directory.")
    var dir: String

    func run() throws {
        do {
            let sweep = try SweepDirectory.open(URL(fileURLWithPath: dir))
            let outcome = try SweepMerge.merge(sweep)
            printLine("merged \(outcome.cells) cells: " + outcome.files.map { "\(dir)/\($0)" }.joined(separator: ", "))
        } catch { throw fail(error) }
    }
}

/// One worker process (started by `rnndyn sweep`, or by a Slurm array task on its chunk).
struct SweepWorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "worker", abstract: "Compute pending cells (or pairs) of a sweep directory (started by rnndyn sweep or its Slurm scripts).")

    @Argument(help: "The sweep directory.")
    var dir: String

    @Option(name: .long, help: "What to compute: cells, or pairs (the spec's pair stage, once every cell is done).")
    var stage: String = "cells"

    @Option(name: .long, help: "A chunk file (line k: the ids of array task k); only that task's ids are computed.")
    var chunks: String?

    @Option(name: .long, help: "The line of --chunks to compute (default: $SLURM_ARRAY_TASK_ID).")
    var task: Int?

    @Option(name: .long, help: "Worker processes over the chunk, one BLAS thread each (a Slurm task's CPUs).")
    var workers: Int = 1

    func run() throws {
        if let parent = ProcessInfo.processInfo.environment["RNNDYN_SWEEP_PARENT"].flatMap({ Int32($0) }) {
            SweepWorker.exitWithParent(parent)
        }
        do {
            let sweep = try SweepDirectory.open(URL(fileURLWithPath: dir))
            guard let stage = SweepStage(rawValue: stage) else {
                throw ConfigError(key: "--stage", "'\(stage)' is not a stage (allowed: \(SweepStage.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            guard (1...1024).contains(workers) else { throw ConfigError(key: "--workers", "\(workers) is out of range (allowed: 1…1024)") }
            var only: Set<String>?
            if let chunks {
                guard let task = task ?? ProcessInfo.processInfo.environment["SLURM_ARRAY_TASK_ID"].flatMap({ Int($0) }) else {
                    throw ConfigError(key: "--task", "is required with --chunks outside a Slurm array task (allowed: a line number of the chunk file)")
                }
                only = Set(try SweepChunks.read(URL(fileURLWithPath: chunks, relativeTo: sweep.url), task: task))
            } else if task != nil {
                throw ConfigError(key: "--task", "needs --chunks (allowed: --chunks FILE --task N)")
            }
            var child = ["sweep", "worker", sweep.url.path, "--stage", stage.rawValue, "--workers", "1"]
            if let chunks, let task = task ?? ProcessInfo.processInfo.environment["SLURM_ARRAY_TASK_ID"].flatMap({ Int($0) }) {
                child += ["--chunks", URL(fileURLWithPath: chunks, relativeTo: sweep.url).path, "--task", String(task)]
            }
            let status = try SweepChunkWorker.run(sweep, stage: stage, only: only, processes: workers, childArguments: child)
            if status != 0 { throw ExitCode(status) }
        } catch let code as ExitCode { throw code } catch { throw fail(error) }
    }
}
