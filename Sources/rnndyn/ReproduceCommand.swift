import ArgumentParser
import Foundation
import RNNDynamics

/// `rnndyn reproduce`: every figure of one paper (or of several, one directory each, with an index page) and the
/// reports; resumes interrupted work.
struct Reproduce: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Reproduce every figure of one paper, several papers or all, then write the HTML reports.",
        discussion: """
        Runs every registered experiment of PAPER in registry order, each into OUT/<experiment id>/ (the same \
        files as `rnndyn run`), then writes OUT/report.html (self-contained: figures, claim checks with their \
        numbers, theory-vs-simulation errors, parameters, links to the data) and OUT/metrics.csv (one row per \
        experiment), and prints the report's path.

        Several papers, or `all` (every registered paper), go one directory per paper: OUT/<paper>/<experiment \
        id>/, OUT/<paper>/report.html and OUT/<paper>/metrics.csv, then OUT/index.html, a self-contained page \
        linking each paper's report with its title, experiments, checks and compute time; its path is printed \
        last.

        Resuming: complete runs with the same preset and seed are kept, so an interrupted reproduce (Ctrl-C, \
        kill, power loss) continues where it stopped. Runs left incomplete, or written by another rnndyn \
        version or with since-changed defaults, are recomputed. A complete run with another preset, seed or \
        overridden parameters is refused (exit status 2) unless --force, which recomputes everything.

        An experiment that diverges (or fails) is reported on its line and the others still run; its directory keeps \
        the last good state (see `rnndyn run --help`) and is recomputed by the next reproduce. Exit status: 1 if \
        an experiment failed, else 3 if one diverged, else 4 if a claim check fails.

        --only and --skip take ids with or without the paper prefix (fig2 or proca2025.fig2); with several \
        papers a short id must name one experiment, and a paper left without experiments is not run.

        Examples:
          rnndyn reproduce proca2025 --quick
          rnndyn reproduce all --quick --out out
          rnndyn reproduce proca2025 --full --out out/full
          rnndyn reproduce proca2025 --only fig2,figA1
          rnndyn reproduce all --only proca2025.figA1,bordelon2025.r1 --out runs/two
          rnndyn reproduce proca2025 --skip fig4 --force
        """)

    @Argument(help: "Papers whose figures to reproduce (\(Paper.all.joined(separator: ", ")), or all).")
    var papers: [String]

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

    @Option(name: .long, help: "With --estimate: train each probe network for at most N epochs (default 16; longer probes replace max_steps counts by measured steps to threshold).")
    var probeEpochs: Int?

    @OptionGroup var threadOptions: ThreadOptions

    func run() throws {
        do { _ = try RunEstimate.probeEpochs(probeEpochs, estimate: estimate) } catch { throw fail(error) }
        if estimate { return try printEstimates() }
        let outURL = URL(fileURLWithPath: out)
        let several = Reproduction.usesPaperDirectories(papers)
        let plans: [ReproductionPlan]
        let threads: Int
        var locks: [DirectoryLock] = []
        do {
            let chosen = try Reproduction.papers(papers)
            threads = try threadOptions.count()
            locks.append(try OutputLocation.lock(outURL))
            let preset = try presetOptions.preset()
            if several {
                plans = try Reproduction.plan(papers: chosen, preset: preset, seed: seed, out: outURL, only: Self.ids(only),
                                              skip: Self.ids(skip), force: force).plans
                for plan in plans { locks.append(try OutputLocation.lock(plan.out)) }
            } else {
                plans = [try Reproduction.plan(paper: chosen[0], preset: preset, seed: seed, out: outURL,
                                               only: Self.ids(only), skip: Self.ids(skip), force: force)]
            }
        } catch {
            throw fail(error)
        }
        defer { for lock in locks.reversed() { lock.release() } }
        let clock = ContinuousClock(), start = clock.now
        var totals = PaperOutcome()
        for plan in plans { totals.add(try reproduce(plan, threads: threads)) }
        var shown = outURL.appendingPathComponent(RunFiles.report).relativePath
        if several {
            let index: URL
            do { index = try Reproduction.writeIndex(outURL) } catch { throw fail(error) }
            printLine("all \(plans.count) papers done in \(HTMLText.duration(Self.seconds(clock.now - start))); "
                      + "\(totals.figures) figures; \(ClaimTally(totals.checks).summary)")
            shown = index.relativePath
            printLine(shown)
        }
        if totals.failures > 0 {
            printError("\(totals.failures) experiment\(totals.failures == 1 ? "" : "s") failed; rerun to retry \(totals.failures == 1 ? "it" : "them")")
            throw ExitCode(ExitStatus.failed)
        }
        if totals.diverged > 0 {
            printError("\(totals.diverged) experiment\(totals.diverged == 1 ? "" : "s") diverged (last good state kept in \(totals.diverged == 1 ? "its directory" : "their directories")); lower the parameter named above")
            throw ExitCode(ExitStatus.diverged)
        }
        if totals.failingChecks > 0 {
            printError("\(totals.failingChecks) claim check\(totals.failingChecks == 1 ? "" : "s") fail; see \(shown)")
            throw ExitCode(ExitStatus.claimFails)
        }
    }

    /// Counts over the reproduced papers that decide the exit status.
    struct PaperOutcome {
        /// Experiments that failed, diverged, and failing claim checks.
        var failures = 0, diverged = 0, failingChecks = 0
        /// Figures in the reports and their checks.
        var figures = 0, checks: [ClaimCheck] = []

        mutating func add(_ other: PaperOutcome) {
            failures += other.failures; diverged += other.diverged; failingChecks += other.failingChecks
            figures += other.figures; checks += other.checks
        }
    }

    /// Runs one paper's plan, printing a line per experiment, then its time, tally and report path.
    func reproduce(_ plan: ReproductionPlan, threads: Int) throws -> PaperOutcome {
        let kept = plan.steps.filter { if case .skip = $0.action { true } else { false } }.count
        printLine("reproducing \(plan.paper): \(plan.steps.count) experiments, preset \(plan.preset.rawValue), seed \(plan.seed), into \(plan.out.relativePath)"
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
        let checks = result.report.runs.flatMap(\.record.checks)
        printLine("done in \(HTMLText.duration(Self.seconds(clock.now - start))); \(result.report.runs.count) figures in the report; "
                  + ClaimTally(checks).summary)
        printLine(plan.out.appendingPathComponent(RunFiles.report).relativePath)
        let diverged = result.steps.filter { $0.error is ExperimentDivergence }.count
        return PaperOutcome(failures: result.steps.filter { $0.record == nil }.count - diverged, diverged: diverged,
                            failingChecks: result.steps.compactMap(\.record).map(\.checksFailing).reduce(0, +),
                            figures: result.report.runs.count, checks: checks)
    }

    /// A duration in seconds.
    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    /// `--estimate`: one line per experiment (studies probed, in registry order), then the total.
    func printEstimates() throws {
        do {
            if force { throw ConfigError(key: "--estimate", "cannot be combined with --force (allowed: --estimate with the preset, --seed, --only and --skip)") }
            let preset = try presetOptions.preset()
            let chosen = try Reproduction.papers(papers)
            let experiments: [any Experiment]
            if chosen.count == 1 {
                experiments = try Reproduction.experiments(paper: chosen[0], only: Self.ids(only), skip: Self.ids(skip))
            } else {
                func resolve(_ names: [String], _ key: String) throws -> Set<String> {
                    Set(try names.map { try ExperimentRegistry.resolve($0, key: key, among: chosen).id })
                }
                let onlyIDs = try resolve(Self.ids(only), "--only"), skipIDs = try resolve(Self.ids(skip), "--skip")
                experiments = chosen.flatMap { ExperimentRegistry.experiments(prefix: $0 + ".") }
                    .filter { (onlyIDs.isEmpty || onlyIDs.contains($0.id)) && !skipIDs.contains($0.id) }
            }
            var estimates: [StudyEstimate?] = []
            let epochs = try RunEstimate.probeEpochs(probeEpochs, estimate: true)
            for e in experiments {
                let estimate = try RunEstimate.of(e, preset: preset, seed: seed, probeEpochs: epochs)
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
