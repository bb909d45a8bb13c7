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

/// `rnndyn run`: one experiment → config.json, results.npz, DATA.md, figures.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run one experiment and write its data, figure and claim checks.",
        discussion: """
        Parameters start from the preset (--quick, the default, or --full), then the --config file (a JSON object of \
        parameters), then each --set key=value (values are JSON: numbers, true/false, lists; anything else is a \
        string). Unknown keys and values of the wrong type or range are rejected with one line naming the key.

        Outputs in --out (default out/<experiment>): config.json (resolved parameters, preset, seed, version, claim \
        checks), results.npz (arrays documented in DATA.md), figures/<experiment>.svg (and .png with rsvg-convert).

        Examples:
          rnndyn run proca2025.figA1
          rnndyn run proca2025.figA1 --full --set learning_rate=0.005 --out out/a1-fine
        """)

    @Argument(help: "Experiment id (see `rnndyn list`).")
    var experiment: String

    @Flag(name: .long, help: "Small, fast settings (default).")
    var quick = false

    @Flag(name: .long, help: "The paper's settings.")
    var full = false

    @Option(name: .long, help: "JSON file of parameter overrides.")
    var config: String?

    @Option(name: .customLong("set"), help: "Override one parameter: key=value (repeatable).")
    var sets: [String] = []

    @Option(name: .long, help: "Root seed.")
    var seed: UInt64 = 0

    @Option(name: .long, help: "Output directory (default out/<experiment>).")
    var out: String?

    @Flag(name: .long, help: "Replace an existing output directory.")
    var force = false

    func run() throws {
        let outPath = out ?? "out/\(experiment)"
        let exp: any Experiment
        var overrides: [String: Any] = [:]
        do {
            guard let e = ExperimentRegistry.experiment(experiment) else {
                throw ConfigError(key: "experiment", "'\(experiment)' is not registered (allowed: \(ExperimentRegistry.all.map(\.id).joined(separator: ", ")))")
            }
            exp = e
            if quick && full { throw ConfigError(key: "--full", "cannot be combined with --quick (allowed: one preset)") }
            if let config {
                let data: Data
                do { data = try Data(contentsOf: URL(fileURLWithPath: config)) }
                catch { throw ConfigError(key: "--config", "cannot read '\(config)' (allowed: a readable JSON file)") }
                guard let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                    throw ConfigError(key: "--config", "'\(config)' is not a JSON object of parameters")
                }
                overrides.merge(obj) { $1 }
            }
            for s in sets {
                guard let eq = s.firstIndex(of: "="), eq != s.startIndex else {
                    throw ConfigError(key: "--set", "'\(s)' is not key=value")
                }
                let key = String(s[..<eq]), raw = String(s[s.index(after: eq)...])
                overrides[key] = (try? JSONSerialization.jsonObject(with: Data(raw.utf8), options: [.fragmentsAllowed])) ?? raw
            }
            try OutputDirectory.check(outPath, force: force)
        } catch {
            printError("\(error)")
            throw ExitCode(ExitStatus.badInput)
        }
        let preset: Preset = full ? .full : .quick
        let bar = ProgressBar(total: 1, label: exp.id)
        do {
            let (result, resolved) = try exp.run(preset, overrides: overrides, seed: seed) { bar.update(fraction: $0) }
            bar.finish()
            let config: [String: Any] = ["experiment": exp.id, "paper_figure": exp.paperFigure, "preset": preset.rawValue,
                                         "seed": seed, "parameters": resolved, "rnndyn_version": RNNDynamicsVersion.string]
            try ExperimentOutput.write(exp, result: result, config: config, to: URL(fileURLWithPath: outPath), force: force)
            for c in result.checks { print("\(c.holds ? "holds" : "FAILS"): \(c.claim) — \(c.evidence)") }
            if let e = result.theoryError { print(String(format: "theory vs simulation: largest relative gap %.3g", e)) }
            print("wrote \(outPath)")
        } catch {
            bar.finish()
            printError("\(error)")
            throw ExitCode(ExitStatus.badInput)
        }
    }
}
