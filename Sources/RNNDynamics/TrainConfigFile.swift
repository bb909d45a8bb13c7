import DataIO
import ExperimentKit
import Foundation

/// The config `rnndyn train` runs: a `--config` file (or the built-in demo) with `--set` assignments and `--seed`
/// applied. A train run's own `config.json` is accepted as a config: what the run recorded about itself (version,
/// BLAS, stop reason, final learning rate) is set aside and its resolved config reproduces the run.
public enum TrainConfigFile {
    /// Keys `config.json` of a train run adds to the resolved config.
    static let recordedOutputs = ["rnndyn_version", "blas", "stop", "final_learning_rate", "task", "ood_task", "evaluation",
                                  "feature_learning", "parameterization"]

    /// The config tree: the file at `path` (nil: the demo), then each `key=value` of `sets` (dotted keys), then
    /// `seed`; every problem is a one-line `ConfigError`. Unknown keys are caught later by `TrainSpec.parse`.
    public static func resolve(path: String?, sets: [String], seed: UInt64?) throws -> [String: Any] {
        var tree: [String: Any]
        if let path {
            tree = try ConfigFile.load(path)
            if tree["rnndyn_version"] is String { for k in recordedOutputs { tree[k] = nil } }
        } else {
            tree = try ExactJSON.parse(Data(TrainSpec.defaultJSON.utf8)) as! [String: Any]
        }
        var overrides = ParameterOverrides(tree)
        for s in sets { try overrides.assign(s) }
        if let seed {
            guard seed <= UInt64(Int32.max) else {
                throw ConfigError(key: "--seed", "\(seed) is out of range (allowed: 0…\(Int32.max))")
            }
            try overrides.set("seed", to: Int(seed))
        }
        return overrides.tree
    }
}
