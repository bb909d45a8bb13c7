import ExperimentKit
import Foundation

/// A `--config` file read for `rnndyn run`: an object of parameter overrides, or a run's own `config.json`, whose
/// recorded parameters, seed and preset reproduce that run bit for bit.
public struct RunConfigFile {
    /// The overrides to apply (a run's recorded parameters, or the file's object as it is).
    public let overrides: [String: Any]
    /// The run's seed, when the file is a run's `config.json`.
    public let seed: UInt64?
    /// The run's preset, when the file is a run's `config.json`.
    public let preset: Preset?

    /// Reads `path` for `experiment`; a run's `config.json` of another experiment is a one-line `ConfigError`.
    public init(_ path: String, experiment: String) throws {
        let tree = try ConfigFile.load(path)
        guard tree["parameters"] is [String: Any], let recorded = tree["experiment"] as? String, tree["rnndyn_version"] != nil else {
            overrides = tree; seed = nil; preset = nil
            return
        }
        guard recorded == experiment else {
            throw ConfigError(key: "--config", "'\(path)' is the config.json of a \(recorded) run (allowed: a run of \(experiment), or an object of parameters)")
        }
        overrides = tree["parameters"] as? [String: Any] ?? [:]
        seed = (tree["seed"] as? NSNumber)?.uint64Value
        preset = (tree["preset"] as? String).flatMap(Preset.init(rawValue:))
    }
}
