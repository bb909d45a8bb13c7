import DataIO
import Foundation

/// User overrides of an experiment's parameters: a nested JSON-compatible tree built from config files and
/// `key=value` assignments (dotted keys address nested objects), merged into the preset's defaults.
///
/// Types and unknown keys are checked later, by the experiment's `ConfigReader`, so every error names the key.
public struct ParameterOverrides {
    /// The nested overrides.
    public private(set) var tree: [String: Any]

    /// Overrides from an already nested tree (empty by default).
    public init(_ tree: [String: Any] = [:]) {
        self.tree = tree
    }

    /// True when nothing is overridden.
    public var isEmpty: Bool { tree.isEmpty }

    /// Merges a config file's object: nested objects merge key by key, anything else replaces.
    public mutating func merge(_ object: [String: Any]) {
        tree = Self.deepMerge(tree, object)
    }

    /// Sets the value at a dotted `path` (`training.steps`), creating the objects on the way.
    public mutating func set(_ path: String, to value: Any) throws {
        let parts = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !parts.contains(where: \.isEmpty) else {
            throw ConfigError(key: "--set", "'\(path)' is not a key (allowed: names joined by dots, e.g. a.b)")
        }
        var nested: Any = value
        for part in parts.reversed() { nested = [part: nested] }
        merge(nested as! [String: Any])
    }

    /// Applies one `key=value` assignment; the value is read as JSON (numbers, true/false, lists, objects,
    /// quoted strings) and otherwise taken as a plain string. A value starting like a JSON list, object or quoted
    /// string (`[`, `{`, `"`) must be valid JSON: a syntax error is reported with its column.
    public mutating func assign(_ assignment: String) throws {
        guard let eq = assignment.firstIndex(of: "="), eq != assignment.startIndex else {
            throw ConfigError(key: "--set", "'\(assignment)' is not key=value (allowed: e.g. --set learning_rate=0.01)")
        }
        let key = String(assignment[..<eq]), raw = String(assignment[assignment.index(after: eq)...])
        let value: Any
        do { value = try ExactJSON.parse(Data(raw.utf8)) } catch {
            if let first = raw.trimmingCharacters(in: .whitespaces).first, "[{\"".contains(first) {
                throw ConfigError(key: "--set", "'\(assignment)': the value is not valid JSON (\(error)) (allowed: JSON, or plain text not starting with [, { or \")")
            }
            value = raw
        }
        try set(key, to: value)
    }

    /// `overlay` merged into `base`: where both hold objects the merge recurses, otherwise `overlay` wins.
    public static func deepMerge(_ base: [String: Any], _ overlay: [String: Any]) -> [String: Any] {
        var out = base
        for (k, v) in overlay {
            if let b = out[k] as? [String: Any], let o = v as? [String: Any] {
                out[k] = deepMerge(b, o)
            } else {
                out[k] = v
            }
        }
        return out
    }
}
