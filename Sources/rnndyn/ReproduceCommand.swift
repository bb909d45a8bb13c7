import ArgumentParser
import Foundation
import RNNDynamics

/// `rnndyn reproduce`: every figure of a paper into one directory, then the report; resumes interrupted work.
struct Reproduce: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Reproduce every figure of a paper, then write the HTML report.",
        discussion: """
        Runs every registered experiment of PAPER in registry order, each into OUT/<experiment id>/ (the same \
        files as `rnndyn run`), then writes OUT/report.html (self-contained: figures, claim checks with their \
        numbers, theory-vs-simulation errors, parameters, links to the data) and OUT/metrics.csv (one row per \
        experiment), and prints the report's path.

        Resuming: complete runs with the same preset and seed are kept, so an interrupted reproduce (Ctrl-C, \
        kill, power loss) continues where it stopped. Runs left incomplete, or written by another rnndyn \
        version or with since-changed defaults, are recomputed. A complete run with another preset, seed or \
        overridden parameters is refused (exit status 2) unless --force, which recomputes everything.

        An experiment that diverges (or fails) is reported on its line and the others still run; its directory keeps \
        the last good state (see `rnndyn run --help`) and is recomputed by the next reproduce. Exit status: 1 if \
        an experiment failed, else 3 if one diverged, else 4 if a claim check fails.

        --only and --skip take ids with or without the paper prefix (fig2 or proca2025.fig2).

        Examples:
          rnndyn reproduce proca2025 --quick
          rnndyn reproduce proca2025 --full --out out/full
          rnndyn reproduce proca2025 --only fig2,figA1
          rnndyn reproduce proca2025 --skip fig4 --force
        """)

    @Argument(help: "Paper whose figures to reproduce (\(Paper.all.joined(separator: ", "))).")
    var paper: String

    @OptionGroup var presetOptions: PresetOptions

    @Option(name: .long, parsing: .unconditional, help: "Root seed of every run.", transform: SeedOption.parse)
    var seed: UInt64 = 0

    @Option(name: .long, help: "Output directory.")
    var out: String = "out"

    @Option(name: .long, help: "Only these experiments (comma-separated ids).")
    var only: String?

    @Option(name: .long, help: "Leave out these experiments (comma-separated ids).")
    var skip: String?

    @Flag(name: .long, help: "Recompute every run, replacing what is there.")
    var force = false

    @Flag(name: .long, help: "Print each study's cell count and the CPU-hours a short timing probe predicts, and the total; run and write nothing.")
    var estimate = false

    @OptionGroup var threadOptions: ThreadOptions

    func run() throws {
        if estimate { return try printEstimates() }
        let outURL = URL(fileURLWithPath: out)
        let plan: ReproductionPlan
        let threads: Int, lock: DirectoryLock
        do {
            threads = try threadOptions.count()
            lock = try OutputLocation.lock(outURL)
            plan = try Reproduction.plan(paper: paper, preset: try presetOptions.preset(), seed: seed, out: outURL,
                                         only: Self.ids(only), skip: Self.ids(skip), force: force)
        } catch {
            throw fail(error)
        }
        defer { lock.release() }
        let kept = plan.steps.filter { if case .skip = $0.action { true } else { false } }.count
        printLine("reproducing \(plan.paper): \(plan.steps.count) experiments, preset \(plan.preset.rawValue), seed \(plan.seed), into \(outURL.relativePath)"
                  + (kept > 0 ? " (\(kept) complete, kept)" : ""))
        let width = plan.steps.map(\.experiment.id.count).max() ?? 0
        let bar = ProgressBar(total: plan.steps.count, label: plan.paper)
        let clock = ContinuousClock(), start = clock.now
        let result: (steps: [ReproductionStepOutcome], report: ReportBuilder.Outcome)
        do {
            result = try Reproduction.execute(plan, threads: threads, progress: { bar.update(fraction: $0, detail: $1) }) { outcome in
                bar.finish()
                let name = outcome.step.experiment.id.padding(toLength: width, withPad: " ", startingAt: 0)
                guard let r = outcome.record else {
                    let verdict = outcome.error is ExperimentDivergence ? "DIVERGED" : "ERROR"
                    printLine("\(name)  \(verdict)  \(String(describing: outcome.error!).replacingOccurrences(of: "\n", with: " "))")
                    return
                }
                // "partly": nothing fails, but a paper claim is declared (and found) not to reproduce.
                let verdict = r.checksFailing > 0 ? "FAILS" : (r.tally.paperNotReproduced > 0 ? "partly" : "holds")
                let note = outcome.note.isEmpty ? "" : "  (\(outcome.note))"
                printLine("\(name)  \(verdict) \(r.checksHolding)/\(r.checks.count)  \(HTMLText.duration(r.wallTimeSeconds))  \(r.tally.summary)\(note)")
            }
            bar.finish()
        } catch {
            bar.finish()
            throw fail(error)
        }
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let report = outURL.appendingPathComponent(RunFiles.report).relativePath
        printLine("done in \(HTMLText.duration(seconds)); \(result.report.runs.count) figures in the report; "
                  + ClaimTally(result.report.runs.flatMap(\.record.checks)).summary)
        printLine(report)
        let diverged = result.steps.filter { $0.error is ExperimentDivergence }.count
        let failures = result.steps.filter { $0.record == nil }.count - diverged
        let failingChecks = result.steps.compactMap(\.record).map(\.checksFailing).reduce(0, +)
        if failures > 0 {
            printError("\(failures) experiment\(failures == 1 ? "" : "s") failed; rerun to retry \(failures == 1 ? "it" : "them")")
            throw ExitCode(ExitStatus.failed)
        }
        if diverged > 0 {
            printError("\(diverged) experiment\(diverged == 1 ? "" : "s") diverged (last good state kept in \(diverged == 1 ? "its directory" : "their directories")); lower the parameter named above")
            throw ExitCode(ExitStatus.diverged)
        }
        if failingChecks > 0 {
            printError("\(failingChecks) claim check\(failingChecks == 1 ? "" : "s") fail; see \(report)")
            throw ExitCode(ExitStatus.claimFails)
        }
    }

    /// `--estimate`: one line per experiment (studies probed, in registry order), then the total.
    func printEstimates() throws {
        do {
            if force { throw ConfigError(key: "--estimate", "cannot be combined with --force (allowed: --estimate with the preset, --seed, --only and --skip)") }
            let preset = try presetOptions.preset()
            let experiments = try Reproduction.experiments(paper: paper, only: Self.ids(only), skip: Self.ids(skip))
            var estimates: [StudyEstimate?] = []
            for e in experiments {
                let estimate = try RunEstimate.of(e, preset: preset, seed: seed)
                printLine(RunEstimate.line(e.id, preset: preset, estimate))
                estimates.append(estimate)
            }
            printLine(RunEstimate.total(estimates, preset: preset))
        } catch { throw fail(error) }
    }

    /// Comma-separated ids as a list (empty when absent).
    static func ids(_ list: String?) -> [String] {
        (list ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
