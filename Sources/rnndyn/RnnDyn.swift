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
        Every run writes a directory with config.json (fully resolved, with seed and version), results.npz \
        (NumPy arrays with documented keys) and metrics.csv. Bad input exits with status 2 and one line naming the \
        field and what is allowed; a diverged run keeps its last good state and exits with status 3.
        """,
        version: RNNDynamicsVersion.string,
        subcommands: [List.self, Run.self, Train.self])
}

/// Exit statuses shared by the subcommands.
enum ExitStatus {
    /// Invalid configuration, arrays or paths.
    static let badInput: Int32 = 2
    /// Training diverged (outputs hold the last good state).
    static let diverged: Int32 = 3
}

/// Prints `rnndyn: error: <message>` on one line to standard error.
func printError(_ message: String) {
    let line = "rnndyn: error: " + message.replacingOccurrences(of: "\n", with: " ") + "\n"
    FileHandle.standardError.write(Data(line.utf8))
}
