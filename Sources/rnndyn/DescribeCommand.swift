import ArgumentParser
import Foundation
import RNNDynamics

/// `rnndyn describe`: every parameter of an experiment (or every config key of `train`) with its defaults.
struct Describe: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List every parameter of an experiment, or every config key of train, with defaults, range, unit and doc.",
        discussion: """
        NAME is an experiment id (proca2025.fig5), its id without the paper prefix when only one paper has it \
        (fig5), or `train`. The table shows each key's default in the quick and full presets (train: its one \
        default), the allowed values, the unit and what it sets; above it come the experiment's title and summary \
        and how the seed is used. --json prints the same as JSON with exact numbers.

        Examples:
          rnndyn describe proca2025.figA1
          rnndyn describe fig5 --json
          rnndyn describe train
        """)

    @Argument(help: "Experiment id (see `rnndyn list`), short id, or train.")
    var name: String

    @Flag(name: .long, help: "Print JSON (exact numbers) instead of the table.")
    var json = false

    func run() throws {
        let description: ParameterDescription
        do {
            description = name == "train" ? TrainParameters.description
                : .experiment(try ExperimentRegistry.resolve(name, key: "NAME"))
        } catch {
            throw fail(error)
        }
        if json {
            FileHandle.standardOutput.write(try ConfigReader.jsonData(description.json) + Data("\n".utf8))
        } else {
            FileHandle.standardOutput.write(Data(description.text.utf8))
        }
    }
}
