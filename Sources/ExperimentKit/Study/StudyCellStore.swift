import Foundation

/// Where a `PersistentStudy` keeps finished cells: looked up before a cell runs, written as soon as it finished.
/// A store is a runner option like the thread count: results are bit-identical with or without one.
public protocol StudyCellStore: Sendable {
    /// The stored arrays of `cell` when the store holds them under exactly `key`; nil when absent or stale.
    func load(_ cell: StudyCell, key: String) throws -> StudyCellArrays?
    /// Stores `arrays` of `cell` under `key` (atomically: a reader sees the whole file or none).
    func save(_ arrays: StudyCellArrays, cell: StudyCell, key: String) throws
    /// Whether a missing cell may be computed; false for a reduce that must only read (a sweep's merge).
    var computesMissing: Bool { get }
    /// The version of the code computing the cells (rnndyn's), part of every key.
    var codeVersion: String { get }
}

extension StudyCellStore {
    /// A store computes missing cells unless it says otherwise.
    public var computesMissing: Bool { true }
}

/// The identity of one cell of one run: canonical JSON of the experiment id, the resolved parameters, the root seed
/// and seed-tree node, the cell's name, the study's `cellVersion` and the code version. A stored cell is reused
/// only under the same key, so changing any of them recomputes it.
public enum StudyCellKey {
    /// The key text.
    public static func text(experiment: String, parameters: [String: Any], streams: StudyStreamsIdentity, cell: String,
                            cellVersion: Int, codeVersion: String) -> String {
        CanonicalJSON.text([
            "experiment": experiment, "parameters": parameters, "seed": Int(bitPattern: UInt(streams.seed)),
            "node": streams.path.joined(separator: "/"), "cell": cell, "cell_version": cellVersion, "rnndyn": codeVersion,
        ] as [String: Any])
    }

    /// The first 16 hex digits of the key's SHA-256 (a sweep cell's id).
    public static func id(_ key: String) -> String { String(SHA256.hex(key).prefix(16)) }
}

/// The seed and seed-tree path of an experiment's node, as a cell key records them.
public struct StudyStreamsIdentity: Sendable, Equatable {
    /// Root seed.
    public let seed: UInt64
    /// Node path from the root (`proca2025`, `figA4`).
    public let path: [String]
    /// An identity.
    public init(seed: UInt64, path: [String]) { self.seed = seed; self.path = path }
}
