import ExperimentKit
import Foundation
import Report

/// Whether a saved run is the run a reproduction asks for.
public enum RunMatch {
    /// A difference the user chose (another experiment, preset or seed, or overridden parameters), which a
    /// reproduction must not silently overwrite; nil when there is none.
    public static func conflict(_ record: RunRecord, experiment: any Experiment, preset: Preset, seed: UInt64) -> String? {
        if record.experiment != experiment.id { return "experiment \(record.experiment) (requested \(experiment.id))" }
        if record.preset != preset || record.seed != seed {
            return "preset \(record.preset.rawValue) and seed \(record.seed) (requested \(preset.rawValue), seed \(seed))"
        }
        if !record.overrides.isEmpty {
            return "overridden parameters \(record.overrides.keys.sorted().joined(separator: ", ")) (requested the preset's)"
        }
        return nil
    }

    /// Why a saved preset run is out of date (written by another rnndyn version, or the preset's defaults
    /// changed since); nil when it is current.
    public static func staleness(_ record: RunRecord, experiment: any Experiment, preset: Preset) -> String? {
        if record.provenance.version != ExperimentJob.provenance.version {
            return "written by rnndyn \(record.provenance.version)"
        }
        let defaults = experiment.parameters(preset)
        for key in defaults.keys.sorted() where !JSONValues.equal(record.parameters[key], defaults[key]) {
            return "parameter \(key) changed"
        }
        return nil
    }
}

/// Comparison of JSON-compatible values as JSON sees them: numbers by value (1 == 1.0), booleans apart from
/// numbers, objects by key, lists by position.
public enum JSONValues {
    /// True when `a` and `b` are the same JSON value.
    public static func equal(_ a: Any?, _ b: Any?) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        let boolean = ConfigReader.isBool
        if boolean(a) || boolean(b) { return boolean(a) && boolean(b) && (a as? Bool) == (b as? Bool) }
        switch (a, b) {
        case let (x as String, y as String): return x == y
        case let (x as [String: Any], y as [String: Any]):
            return Set(x.keys) == Set(y.keys) && x.keys.allSatisfy { equal(x[$0], y[$0]) }
        case let (x as [Any], y as [Any]): return x.count == y.count && zip(x, y).allSatisfy { equal($0, $1) }
        case (is NSNull, is NSNull): return true
        default:
            guard let x = number(a), let y = number(b) else { return false }
            return x == y
        }
    }

    static func number(_ v: Any) -> Double? {
        switch v {
        case let i as Int: return Double(i)
        case let u as UInt64: return Double(u)
        case let d as Double: return d
        case let n as NSNumber: return n.doubleValue
        default: return nil
        }
    }
}
