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
        """,
        subcommands: [SweepRun.self, SweepStatus.self, SweepMergeCommand.self, SweepWorkerCommand.self],
        defaultSubcommand: SweepRun.self)
}

/// Runs (or resumes) a sweep.
struct SweepRun: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run or resume a sweep (the default).")

    @Argument(help: "The sweep spec (.yaml, .yml or .json).")
    var spec: String

    @Option(name: .long, help: "The sweep directory.")
    var out: String

    @Option(name: .long, help: "Worker processes (one BLAS thread each); does not change any result.")
    var workers: Int = 1

    func run() throws {
        guard (1...256).contains(workers) else {
            throw fail(ConfigError(key: "--workers", "\(workers) is out of range (allowed: 1…256)"))
        }
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
        printLine("merged: \(out)/sweep.csv, \(out)/sweep.npz, \(out)/figures/sweep.svg, \(out)/report.html (see \(out)/DATA.md)")
    }
}

/// Shows done / pending / failed cells.
struct SweepStatus: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show done, pending and failed cells.")

    @Argument(help: "The sweep directory.")
    var dir: String

    func run() throws {
        let sweep: SweepDirectory
        do { sweep = try SweepDirectory.open(URL(fileURLWithPath: dir)) } catch { throw fail(error) }
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
            let point = zip(sweep.spec.axes, cell.point).map { "\($0.name)=\($0.values[$1].text)" }.joined(separator: " ")
            printLine("\(verdict) \(cell.id) (\(point) seed=\(cell.seed)): \(message.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        for pair in sweep.pairs {
            guard case .failed(let message) = sweep.pairState(pair) else { continue }
            let point = zip(sweep.spec.axes, pair.point).map { "\($0.name)=\($0.values[$1].text)" }.joined(separator: " ")
            printLine("failed pair-\(pair.id) (\(point) seeds=\(pair.a.seed),\(pair.b.seed)): \(message.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
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

/// One worker process (started by `rnndyn sweep`, or by a cluster job array on a shared directory).
struct SweepWorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "worker", abstract: "Compute pending cells (or pairs) of a sweep directory (started by rnndyn sweep).")

    @Argument(help: "The sweep directory.")
    var dir: String

    @Option(name: .long, help: "What to compute: cells, or pairs (the spec's pair stage, once every cell is done).")
    var stage: String = SweepWorker.Stage.cells.rawValue

    func run() throws {
        if let parent = ProcessInfo.processInfo.environment["RNNDYN_SWEEP_PARENT"].flatMap({ Int32($0) }) {
            SweepWorker.exitWithParent(parent)
        }
        guard let which = SweepWorker.Stage(rawValue: stage) else {
            throw fail(ConfigError(key: "--stage", "'\(stage)' is not a stage (allowed: \(SweepWorker.Stage.allCases.map(\.rawValue).joined(separator: ", ")))"))
        }
        do {
            let sweep = try SweepDirectory.open(URL(fileURLWithPath: dir))
            switch which {
            case .cells: SweepWorker.run(sweep)
            case .pairs: SweepWorker.runPairs(sweep)
            }
        } catch { throw fail(error) }
    }
}
