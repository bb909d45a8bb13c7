import Foundation

/// ISO 8601 timestamps for provenance.
public enum Timestamp {
    /// The current time in UTC, e.g. `2026-11-20T12:56:04Z`.
    public static func now() -> String {
        ISO8601DateFormatter().string(from: Date())
    }
}
