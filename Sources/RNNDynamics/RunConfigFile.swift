import ExperimentKit
import Foundation

/// A `--config` file read for `rnndyn run`: an object of parameter overrides, or a resolved config (a run's own
/// `config.json`, or what `rnndyn run --print-config` prints), whose parameters, seed and preset reproduce that run
/// bit for bit.
public struct RunConfigFile {
    /// The overrides to apply (the resolved parameters, or the file's object as it is).
    public let overrides: [String: Any]
    /// The recorded seed, when the file is a resolved config.
    public let seed: UInt64?
    /// The recorded preset, when the file is a resolved config.
    public let preset: Preset?

    /// Reads `path` for `experiment`; a resolved config of another experiment, or with a preset or seed that is not
    /// one, is a one-line `ConfigError`.
    public init(_ path: String, experiment: String) throws {
        let tree = try ConfigFile.load(path)
        guard tree["parameters"] is [String: Any], let recorded = tree["experiment"] as? String else {
            overrides = tree; seed = nil; preset = nil
            return
        }
        guard recorded == experiment else {
            throw ConfigError(key: "--config", "'\(path)' is the config of a \(recorded) run (allowed: a run of \(experiment), or an object of parameters)")
        }
        overrides = tree["parameters"] as? [String: Any] ?? [:]
        if let p = tree["preset"] {
            guard let name = p as? String, let value = Preset(rawValue: name) else {
                throw ConfigError(key: "--config", "'\(path)' has preset \(p) (allowed: \(Preset.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            preset = value
        } else { preset = nil }
        if let s = tree["seed"] {
            guard let value = Self.seed(s) else {
                throw ConfigError(key: "--config", "'\(path)' has seed \(s) (allowed: an integer in 0…\(UInt64.max))")
            }
            seed = value
        } else { seed = nil }
    }

    /// `value` as a seed: a non-negative integer.
    static func seed(_ value: Any) -> UInt64? {
        guard !ConfigReader.isBool(value), let n = value as? NSNumber else { return nil }
        if let i = value as? Int { return i >= 0 ? UInt64(i) : nil }
        return UInt64(exactly: n.doubleValue)
    }
}

/// The fully resolved config of a run that `rnndyn run --print-config` prints: the experiment, preset, seed and every
/// parameter as the run would use it, in the shape `--config` reads back (a run's `config.json` has the same keys).
public enum ResolvedRunConfig {
    /// Validates `overrides` on the defaults of `preset` and returns the resolved config as pretty, key-sorted JSON
    /// whose numbers read back exactly; a bad parameter is the one-line `ConfigError` `run` would throw.
    public static func json(_ experiment: any Experiment, preset: Preset, overrides: ParameterOverrides, seed: UInt64) throws -> Data {
        let parameters = try experiment.validate(preset, overrides: overrides.tree)
        let document: [String: Any] = ["experiment": experiment.id, "preset": preset.rawValue, "seed": seed, "parameters": parameters]
        return try ConfigReader.jsonData(document)
    }
}
