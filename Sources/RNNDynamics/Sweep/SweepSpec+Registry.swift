import ExperimentKit
import Papers

extension SweepSpec {
    /// The registered experiment the spec names; a one-line `ConfigError` listing the ids otherwise.
    public func registeredExperiment() throws -> any Experiment {
        guard let e = ExperimentRegistry.experiment(experiment) else {
            throw ConfigError(key: "sweep.experiment", "'\(experiment)' is not a registered experiment (allowed: \(ExperimentRegistry.all.map(\.id).joined(separator: ", ")))")
        }
        return e
    }

    /// Every cell of the spec's registered experiment (see `cells(of:validate:)`).
    public func cells(validate: Bool = false) throws -> [SweepCell] {
        try cells(of: registeredExperiment(), validate: validate, codeVersion: RNNDynamicsVersion.string)
    }
}
