import Experiments
import Foundation

/// Paper prefixes of experiment ids (`proca2025.figA1` → `proca2025`).
public enum Paper {
    /// The paper of `experimentID`.
    public static func of(_ experimentID: String) -> String {
        experimentID.split(separator: ".", maxSplits: 1).first.map(String.init) ?? experimentID
    }

    /// Every paper with a registered experiment, in registry order.
    public static var all: [String] {
        var out: [String] = []
        for e in ExperimentRegistry.all where !out.contains(of(e.id)) { out.append(of(e.id)) }
        return out
    }
}

/// ISO 8601 timestamps for provenance.
public enum Timestamp {
    /// The current time in UTC, e.g. `2026-11-20T12:56:04Z`.
    public static func now() -> String {
        ISO8601DateFormatter().string(from: Date())
    }
}
