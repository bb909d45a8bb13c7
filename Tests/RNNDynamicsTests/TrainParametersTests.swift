import Foundation
import Testing
@testable import RNNDynamics

/// `rnndyn describe train`'s table (`TrainParameters`) agrees with what `TrainSpec.parse` reads: the same keys, the
/// same defaults and the same range bounds.
@Suite struct TrainParametersTests {
    /// Configs that together switch on every key (each branch of model, data, task, init, stop and lr_schedule).
    static var contexts: [String: [String: Any]] { [
        "gaussian": ["data": ["type": "sv_task", "singular_values": [[1.0, 0.5]]]],
        "aligned": ["data": ["type": "sv_task", "singular_values": [[1.0, 0.5]]], "init": ["type": "aligned"]],
        "lambda_balanced": ["data": ["type": "sv_task", "singular_values": [[1.0, 0.5]]], "init": ["type": "lambda_balanced"]],
        "npz": ["data": ["type": "npz", "path": "data.npz"]],
        "empty_schedule": ["data": ["type": "sv_task", "singular_values": [[1.0, 0.5]]], "training": ["lr_schedule": [String: Any]()]],
        "stop_steps": ["data": ["type": "npz", "path": "data.npz"],
                       "training": ["stop": ["loss_threshold": 1e-6, "wall_time_seconds": 60.0, "stationary_tolerance": 1e-12],
                                    "lr_schedule": ["type": "reduce_on_plateau"]]],
        "stop_epochs": ["data": ["type": "npz", "path": "data.npz"],
                        "training": ["stop": ["loss_threshold": 1e-6, "patience_epochs": 2, "steps_per_epoch": 5]]],
        "flip_flop": ["model": ["type": "tanh_rnn"], "data": ["type": "task", "task": "flip_flop"]],
        "delayed_discrimination": ["model": ["type": "tanh_rnn"], "data": ["type": "task", "task": "delayed_discrimination"]],
        "sine_wave": ["model": ["type": "tanh_rnn"], "data": ["type": "task", "task": "sine_wave"]],
        "path_integration": ["model": ["type": "tanh_rnn"], "data": ["type": "task", "task": "path_integration"]],
        "leaky": ["model": ["type": "leaky_rate_rnn"], "data": ["type": "task", "task": "flip_flop"]],
        "leaky_mup": ["model": ["type": "leaky_rate_rnn", "parameterization": "mup"], "data": ["type": "task", "task": "sine_wave"]],
        "recorded": ["model": ["type": "tanh_rnn"], "data": ["type": "npz", "path": "data.npz"]],
        "delay_max": ["model": ["type": "tanh_rnn"], "data": ["type": "task", "task": "delayed_discrimination", "delay_min": 0]],
    ] }

    /// The context a row is checked in.
    static func context(_ row: DescribedParameter) -> [String: Any] {
        if row.key == "training.lr_schedule.type" { return contexts["empty_schedule"]! }
        if row.key == "data.delay_max" { return contexts["delay_max"]! }  // its lower bound 0 needs delay_min 0
        switch row.when {
        case "init.type aligned": return contexts["aligned"]!
        case "init.type lambda_balanced": return contexts["lambda_balanced"]!
        case "data.type npz", "reduce_on_plateau", "loss_threshold set": return contexts["stop_steps"]!
        case "patience_epochs set": return contexts["stop_epochs"]!
        case TrainParameters.taskNetworks, "model.type tanh_rnn", "data.type task", "data.type task, or given":
            return contexts["flip_flop"]!
        case "model.type leaky_rate_rnn": return contexts["leaky"]!
        case "parameterization mup": return contexts["leaky_mup"]!
        case "data.type npz with a task network": return contexts["recorded"]!
        case let when where when.hasPrefix("data.task "): return contexts[String(when.dropFirst("data.task ".count))]!
        default: return row.key == "model.output" || row.key.hasPrefix("training.stop") ? contexts["stop_steps"]! : contexts["gaussian"]!
        }
    }

    static func leaves(_ tree: [String: Any], _ prefix: String = "") -> [String: Any] {
        var out: [String: Any] = [:]
        for (k, v) in tree {
            if let o = v as? [String: Any] { out.merge(leaves(o, prefix + k + "."), uniquingKeysWith: { a, _ in a }) } else { out[prefix + k] = v }
        }
        return out
    }

    static func setting(_ tree: [String: Any], _ key: String, _ value: Any) throws -> [String: Any] {
        var o = ParameterOverrides(tree)
        try o.set(key, to: value)
        return o.tree
    }

    @Test func theTableListsExactlyTheKeysParseReads() throws {
        var read = Set<String>()
        for (_, config) in Self.contexts { read.formUnion(Self.leaves(try TrainSpec.parse(object: config).resolved).keys) }
        #expect(read == Set(TrainParameters.rows.map(\.key)))
    }

    @Test func defaultsAreTheValuesParseUsesForAbsentKeys() throws {
        for row in TrainParameters.rows {
            let config = Self.context(row)
            guard Self.leaves(config)[row.key] == nil else { continue }   // the context sets it
            let resolved = Self.leaves(try TrainSpec.parse(object: config).resolved)
            if let value = row.quick {
                #expect(JSONValues.equal(resolved[row.key], value), "\(row.key): parse uses \(String(describing: resolved[row.key])), table says \(value)")
            } else {
                #expect(!row.defaultNote.isEmpty, "\(row.key) says what happens without a default")
            }
        }
    }

    @Test func rangesAndAllowedValuesAreWhatParseEnforces() throws {
        func error(_ row: DescribedParameter, _ value: Any) -> ConfigError? {
            do { _ = try TrainSpec.parse(object: try Self.setting(Self.context(row), row.key, value)); return nil }
            catch let e as ConfigError { return e.key == "config." + row.key ? e : nil }
            catch { Issue.record("\(row.key): \(error)"); return nil }
        }
        for row in TrainParameters.rows {
            switch row.kind {
            case .int(let r):
                #expect(error(row, r.lowerBound - 1) != nil, "\(row.key) refuses \(r.lowerBound - 1)")
                #expect(error(row, r.upperBound + 1) != nil, "\(row.key) refuses \(r.upperBound + 1)")
                #expect(error(row, r.lowerBound) == nil, "\(row.key) takes \(r.lowerBound)")
            case .double(let r) where r.lowerBound > -.greatestFiniteMagnitude:
                #expect(error(row, r.lowerBound.nextDown) != nil, "\(row.key) refuses below \(r.lowerBound)")
                #expect(error(row, r.upperBound.nextUp) != nil, "\(row.key) refuses above \(r.upperBound)")
                #expect(error(row, r.lowerBound) == nil, "\(row.key) takes \(r.lowerBound)")
            case .string(let allowed) where !allowed.isEmpty:
                #expect(error(row, "nonsense") != nil, "\(row.key) refuses other strings")
                for v in allowed {
                    #expect(error(row, v) == nil, "\(row.key) takes \(v)")
                }
            default: break
            }
        }
    }
}
