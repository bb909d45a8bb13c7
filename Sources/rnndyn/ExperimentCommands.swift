import ArgumentParser
import Foundation
import RNNDynamics

/// `rnndyn list`: every registered experiment with its paper figure.
struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List every experiment with its paper figure and a one-line description.",
        discussion: "Example:\n  rnndyn list")

    func run() {
        let width = ExperimentRegistry.all.map(\.id.count).max() ?? 0
        for e in ExperimentRegistry.all {
            print(e.id.padding(toLength: width + 2, withPad: " ", startingAt: 0) + e.paperFigure + " — " + e.summary)
        }
    }
}

/// `rnndyn run`: one experiment → a run directory with data, figure, checks and report.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run one experiment and write its data, figure, claim checks and report.",
        discussion: """
        Parameters start from the preset (--quick, the default, or --full), then the --config file (JSON or \
        YAML: an object of parameters; nested objects merge key by key; or a run's own config.json, whose \
        recorded parameters, seed and preset reproduce that run bit for bit), then each --set key=value (dotted keys \
        reach nested parameters; values are JSON: numbers, true/false, lists; anything else is a string). Unknown \
        keys and values of the wrong type or range are rejected with one line naming the key and what is \
        allowed, exit status 2, and nothing is written.

        Outputs in --out (default out/<experiment>): config.json, results.npz, DATA.md (every array and file), \
        metrics.csv, figure.json, figures/<experiment>.svg (and .png with rsvg-convert) and report.html. The \
        directory appears complete or not at all. A directory holding a complete run is refused without --force; \
        one left by an interrupted run is replaced. --force replaces only what rnndyn wrote there (listed in \
        .rnndyn-files.json); other files and folders are kept, and a file of yours where the run writes one of its \
        own is refused. A directory another rnndyn process is writing is refused.

        --print-config validates the parameters and prints the resolved config (experiment, preset, seed and every \
        parameter, as JSON with exact numbers) without running or writing anything; save it as a .json file, edit it \
        and pass it back with --config. `rnndyn describe EXPERIMENT` lists every parameter with its defaults, range, \
        unit and doc.

        Divergence: when gradient descent or a theory integration of the experiment diverges, the run stops with one \
        line naming the step, the stage, the parameter to lower and its value, exit status 3; --out then holds the \
        last good state (diverged.npz, DATA.md) and config.json with a `stop` object and `complete: false`, so the \
        next run replaces it.

        Studies (Fig. 5, A4, A6) keep each finished cell in --out/cells/ as it finishes, so rerunning an interrupted \
        run reuses them (identical results); --estimate prints a study's cell count and CPU-hours from a short timing \
        probe without running it. To spread a study's cells over processes or Slurm, see `rnndyn sweep --help` (study: true).

        Examples:
          rnndyn run proca2025.figA1
          rnndyn run proca2025.figA1 --full --set learning_rate=0.005 --out out/a1
          rnndyn run proca2025.fig6 --config fig6.yaml --seed 3 --out out/fig6-s3
          rnndyn run proca2025.figA1 --set steps=400 --print-config > a1.json
        """)

    @Argument(help: "Experiment id (see `rnndyn list`), with or without the paper prefix (figA1 or proca2025.figA1).")
    var experiment: String

    @OptionGroup var presetOptions: PresetOptions

    @Option(name: .long, help: "JSON or YAML file of parameter overrides (.json, .yaml, .yml).")
    var config: String?

    @Option(name: .customLong("set"), help: "Override one parameter: key=value, dotted keys for nested ones (repeatable).")
    var sets: [String] = []

    @Option(name: .long, parsing: .unconditional, help: "Root seed (default 0, or the seed of the run whose config.json --config names).",
            transform: SeedOption.parse)
    var seed: UInt64?

    @Option(name: .long, help: "Output directory (default out/<experiment>).")
    var out: String?

    @Flag(name: .long, help: "Replace a complete run; only files rnndyn wrote are replaced, others are kept.")
    var force = false

    @Flag(name: .long, help: "Print the resolved config (JSON that --config reads back) after validating it; run and write nothing.")
    var printConfig = false

    @Flag(name: .long, help: "For a study: print its cell count and the CPU-hours a short timing probe predicts; run and write nothing.")
    var estimate = false

    @Option(name: .long, help: "With --estimate: train each probe network for at most N epochs (default 16; longer probes replace max_steps counts by measured steps to threshold).")
    var probeEpochs: Int?

    @OptionGroup var threadOptions: ThreadOptions

    func run() throws {
        do { _ = try RunEstimate.probeEpochs(probeEpochs, estimate: estimate) } catch { throw fail(error) }
        if estimate { return try printEstimate() }
        let outURL = URL(fileURLWithPath: out ?? "out/\((try? ExperimentRegistry.resolve(experiment, key: "experiment"))?.id ?? experiment)")
        let exp: any Experiment, replace: Bool, threads: Int, lock: DirectoryLock
        let preset: Preset, seed: UInt64?, overrides: ParameterOverrides
        do {
            let e: any Experiment
            (e, preset, seed, overrides) = try settings()
            exp = e
            threads = try threadOptions.count()
            if printConfig {
                FileHandle.standardOutput.write(try ResolvedRunConfig.json(e, preset: preset, overrides: overrides, seed: seed ?? 0) + Data("\n".utf8))
                return
            }
            try OutputLocation.requireWritable(outURL)
            lock = try OutputLocation.lock(outURL)
            replace = try OutputLocation.admitRun(outURL, force: force)
        } catch {
            throw fail(error)
        }
        defer { lock.release() }
        let kept = replace ? OutputLocation.keptNote(outURL) : nil
        if replace, case .incomplete = RunDirectoryState.inspect(outURL) {
            printLine("replacing the interrupted run in \(outURL.relativePath)")
        }
        let bar = ProgressBar(total: 1, label: exp.id)
        let record: RunRecord
        do {
            record = try ExperimentJob.run(exp, preset: preset, overrides: overrides, seed: seed ?? 0, to: outURL, replace: replace,
                                           threads: threads) {
                bar.update(fraction: $0)
            }
            bar.finish()
        } catch {
            bar.finish()
            throw fail(error)
        }
        for c in record.checks {
            let label = c.kind == .selfConsistency ? "\(c.verdictText) [self-consistency]" : c.verdictText
            printLine("\(label): \(c.claim) — \(c.evidence)")
        }
        if let e = record.theoryError { printLine("theory vs simulation: largest relative gap \(HTMLText.scientific(e))") }
        if let kept { printLine(kept) }
        printLine("wrote \(outURL.relativePath) in \(HTMLText.duration(record.wallTimeSeconds)); report: \(outURL.appendingPathComponent(RunFiles.report).relativePath)")
        if record.checksFailing > 0 {
            printError("\(record.checksFailing) of \(record.checks.count) claim checks fail")
            throw ExitCode(ExitStatus.claimFails)
        }
    }

    /// The experiment, preset, seed and overrides the options name: the preset flag, then a `--config` file (its
    /// overrides, and its seed and preset unless given), then each `--set`.
    func settings() throws -> (any Experiment, Preset, UInt64?, ParameterOverrides) {
        let e = try ExperimentRegistry.resolve(experiment, key: "experiment")
        var preset = try presetOptions.preset(), seed = self.seed
        var overrides = ParameterOverrides()
        if let config {
            let file = try RunConfigFile(config, experiment: e.id)
            overrides.merge(file.overrides)
            if seed == nil { seed = file.seed }
            if !presetOptions.quick && !presetOptions.full, let p = file.preset { preset = p }
        }
        for s in sets { try overrides.assign(s) }
        return (e, preset, seed, overrides)
    }

    /// `--estimate`: validates like a run, then prints the study's estimate (nothing is written).
    func printEstimate() throws {
        do {
            if let clash = [("--print-config", printConfig), ("--force", force), ("--out", out != nil)].first(where: \.1)?.0 {
                throw ConfigError(key: "--estimate", "cannot be combined with \(clash) (allowed: --estimate with the preset, --config, --set and --seed)")
            }
            let (e, preset, seed, overrides) = try settings()
            try e.validate(preset, overrides: overrides.tree)
            printLine(RunEstimate.line(e.id, preset: preset, try RunEstimate.of(e, preset: preset, overrides: overrides, seed: seed ?? 0,
                                                                          probeEpochs: try RunEstimate.probeEpochs(probeEpochs, estimate: true))))
        } catch { throw fail(error) }
    }
}
