import ArgumentParser
import Foundation
import RNNDynamics

/// The `rnndyn` command: train, measure and reproduce recurrent-network learning dynamics.
@main
struct RnnDyn: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rnndyn",
        abstract: "A lab for how recurrent neural networks learn: training, theory and measurements side by side.",
        discussion: """
        Every run writes a directory with config.json (fully resolved, with seed, version and git commit), \
        results.npz (NumPy arrays documented in DATA.md), metrics.csv, figures/*.svg and report.html.

        Exit status: 0 success; 1 a computation failed; 2 bad input (one line naming the field and what is \
        allowed; nothing is written); 3 training or a theory integration diverged (one line naming the step, \
        the parameter to lower and where the last good state is kept); 4 a claim check of the paper fails (all \
        outputs are written).

        Examples:
          rnndyn list
          rnndyn describe proca2025.figA1         (every parameter: defaults, range, unit, doc)
          rnndyn reproduce proca2025 --quick     (every figure, then out/report.html)
          rnndyn reproduce all --quick           (every paper into out/<paper>/, then out/index.html)
          rnndyn run proca2025.figA1 --set steps=400
          rnndyn report out                      (redraw from saved data)
        """,
        version: RNNDynamicsVersion.string,
        subcommands: [List.self, Describe.self, Run.self, Reproduce.self, ReportCommand.self, Train.self, Sweep.self, Compare.self, NTK.self])

    /// Parses and runs the command; usage errors become one line and exit status 2 like other bad input.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            guard code == .validationFailure else { exit(withError: error) }
            printError(message(for: error) + " (see rnndyn --help)")
            Foundation.exit(ExitStatus.badInput)
        }
    }
}

/// Exit statuses shared by the subcommands.
enum ExitStatus {
    /// A computation failed for a reason other than the input.
    static let failed: Int32 = 1
    /// Invalid configuration, arrays or paths.
    static let badInput: Int32 = 2
    /// Training (or an experiment's GD or theory integration) diverged; outputs hold the last good state.
    static let diverged: Int32 = 3
    /// A claim check fails (outputs are complete).
    static let claimFails: Int32 = 4
}

/// Prints `rnndyn: error: <message>` on one line to standard error.
func printError(_ message: String) {
    let line = "rnndyn: error: " + message.replacingOccurrences(of: "\n", with: " ") + "\n"
    FileHandle.standardError.write(Data(line.utf8))
}

/// Prints a one-line notice (not an error) to standard error, prefixed `rnndyn: `.
func printNotice(_ message: String) {
    FileHandle.standardError.write(Data(("rnndyn: " + message.replacingOccurrences(of: "\n", with: " ") + "\n").utf8))
}

/// Prints one line to standard output at once (so logs interleave correctly with standard error).
func printLine(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}

/// The one-line error for `error` and the exit status that goes with it: 2 for bad input, 3 for a divergence
/// (`ExperimentDivergence`), 1 otherwise.
func fail(_ error: Error) -> ExitCode {
    printError("\(error)")
    return ExitCode(error is ConfigError ? ExitStatus.badInput : error is ExperimentDivergence ? ExitStatus.diverged : ExitStatus.failed)
}

/// `--quick` / `--full`, shared by the commands that run experiments.
struct PresetOptions: ParsableArguments {
    @Flag(name: .long, help: "Small, fast settings (the default).")
    var quick = false

    @Flag(name: .long, help: "The paper's settings.")
    var full = false

    /// The chosen preset; both flags together are bad input.
    func preset() throws -> Preset {
        if quick && full { throw ConfigError(key: "--full", "cannot be combined with --quick (allowed: one preset)") }
        return full ? .full : .quick
    }
}

/// `--threads`, shared by the commands that run experiments: a runner option, never a science parameter.
struct ThreadOptions: ParsableArguments {
    @Option(name: .long, help: "Threads for an experiment's independent runs (default: the machine's cores); results are identical for any value.")
    var threads: Int?

    /// The thread count, checked.
    func count() throws -> Int {
        guard let threads else { return RunContext.defaultThreads }
        guard (1...1024).contains(threads) else { throw ConfigError(key: "--threads", "\(threads) is out of range (allowed: 1…1024)") }
        return threads
    }
}
