import DataIO
import Foundation

/// A configuration problem: one line naming the key and what is allowed.
public struct ConfigError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Dotted key path, e.g. `config.training.optimizer`.
    public let key: String
    /// What is wrong and what is allowed.
    public let message: String

    /// An error at `key`.
    public init(key: String, _ message: String) {
        self.key = key
        self.message = message
    }

    public var description: String { "\(key): \(message)" }
}

/// Reads one JSON object of a configuration with type and range checks, records every value used
/// (defaults included) for the resolved `config.json`, and rejects keys nobody asked for.
///
/// Usage: call the typed accessors for every known key, then `finish()`; unknown or mistyped keys
/// surface as a `ConfigError` naming the key and the allowed keys.
public final class ConfigReader {
    /// Dotted path of this object.
    public let path: String
    private let object: [String: Any]
    private var used: Set<String> = []
    private var children: [String: ConfigReader] = [:]
    private var listChildren: [String: [ConfigReader]] = [:]
    /// Values used, defaults included, in JSON-compatible form.
    public private(set) var resolved: [String: Any] = [:]
    /// When set on the root reader, a successful `finish()` throws `ConfigReader.Validated` so a caller can check
    /// every parameter of an experiment without running it.
    public var stopsAfterValidation = false

    /// When true (an experiment's top-level parameters), `finish()` also checks `RecordBudget`.
    public var checksRecordBudget = false

    /// Thrown by `finish()` in a validation-only read: every parameter was read and is valid.
    public struct Validated: Error {}

    /// Parses `data` as a JSON object.
    public convenience init(json data: Data, path: String = "config") throws {
        let any: Any
        do { any = try ExactJSON.parse(data) }
        catch { throw ConfigError(key: path, "not valid JSON (\(error))") }
        guard let obj = any as? [String: Any] else { throw ConfigError(key: path, "must be a JSON object, not \(Self.describe(any))") }
        self.init(object: obj, path: path)
    }

    /// Wraps an already parsed object.
    public init(object: [String: Any], path: String) {
        self.object = object
        self.path = path
    }

    private func key(_ k: String) -> String { "\(path).\(k)" }

    /// True when the key is present.
    public func has(_ k: String) -> Bool { object[k] != nil && !(object[k] is NSNull) }

    private func raw(_ k: String) -> Any? {
        used.insert(k)
        let v = object[k]
        return v is NSNull ? nil : v
    }

    private func number(_ v: Any, _ k: String) throws -> Double {
        if Self.isBool(v) { throw ConfigError(key: key(k), "expected a number, got \(v as? Bool ?? false)") }
        if let n = v as? NSNumber { return n.doubleValue }
        throw ConfigError(key: key(k), "expected a number, got \(Self.describe(v))")
    }

    /// True for booleans: JSON booleans arrive as a distinct NSNumber subclass, Swift ones as `Bool`; plain
    /// numbers must not pass as booleans.
    public static func isBool(_ v: Any) -> Bool { String(describing: type(of: v)).contains("Boolean") || type(of: v) == Bool.self }

    /// `kind`, with its range unless the range is `unbounded` ("an integer in 1…100").
    static func allowed<T>(_ kind: String, _ range: ClosedRange<T>, unbounded: ClosedRange<T>) -> String {
        range == unbounded ? kind : "\(kind) in \(range.lowerBound)…\(range.upperBound)"
    }

    /// A short description of a JSON value for error messages ("a list", "the string \"x\"", "3").
    public static func describe(_ v: Any) -> String {
        if isBool(v) { return (v as? Bool ?? false) ? "true" : "false" }
        if v is String { return "the string \"\(v)\"" }
        if v is [Any] { return "a list" }
        if v is [String: Any] { return "an object" }
        return "\(v)"
    }

    /// A finite real in `range`.
    public func double(_ k: String, default def: Double? = nil, in range: ClosedRange<Double> = -.greatestFiniteMagnitude ... .greatestFiniteMagnitude) throws -> Double {
        guard let v = raw(k) else {
            guard let def else { throw ConfigError(key: key(k), "is required (a number in \(range.lowerBound)…\(range.upperBound))") }
            resolved[k] = def
            return def
        }
        guard !Self.isBool(v), let d = (v as? NSNumber)?.doubleValue else {
            throw ConfigError(key: key(k), "expected \(Self.allowed("a number", range, unbounded: -.greatestFiniteMagnitude ... .greatestFiniteMagnitude)), got \(Self.describe(v))")
        }
        guard d.isFinite, range.contains(d) else {
            throw ConfigError(key: key(k), "\(d) is out of range (allowed: \(range.lowerBound)…\(range.upperBound))")
        }
        resolved[k] = d
        return d
    }

    /// An integer in `range`.
    public func int(_ k: String, default def: Int? = nil, in range: ClosedRange<Int> = Int.min ... Int.max) throws -> Int {
        guard let v = raw(k) else {
            guard let def else { throw ConfigError(key: key(k), "is required (an integer in \(range.lowerBound)…\(range.upperBound))") }
            resolved[k] = def
            return def
        }
        guard !Self.isBool(v), let d = (v as? NSNumber)?.doubleValue, d.isFinite, d == d.rounded(), let i = Int(exactly: d) else {
            throw ConfigError(key: key(k), "expected \(Self.allowed("an integer", range, unbounded: Int.min ... Int.max)), got \(Self.describe(v))")
        }
        guard range.contains(i) else {
            throw ConfigError(key: key(k), "\(i) is out of range (allowed: \(range.lowerBound)…\(range.upperBound))")
        }
        resolved[k] = i
        return i
    }

    /// A string from `allowed` (any string when `allowed` is empty).
    public func string(_ k: String, default def: String? = nil, allowed: [String] = []) throws -> String {
        let allowedText = allowed.isEmpty ? "a string" : "one of \(allowed.joined(separator: ", "))"
        guard let v = raw(k) else {
            guard let def else { throw ConfigError(key: key(k), "is required (\(allowedText))") }
            resolved[k] = def
            return def
        }
        guard let s = v as? String else { throw ConfigError(key: key(k), "expected \(allowedText), got \(Self.describe(v))") }
        guard allowed.isEmpty || allowed.contains(s) else {
            throw ConfigError(key: key(k), "'\(s)' is not allowed (allowed: \(allowed.joined(separator: ", ")))")
        }
        resolved[k] = s
        return s
    }

    /// A boolean.
    public func bool(_ k: String, default def: Bool? = nil) throws -> Bool {
        guard let v = raw(k) else {
            guard let def else { throw ConfigError(key: key(k), "is required (true or false)") }
            resolved[k] = def
            return def
        }
        guard Self.isBool(v), let n = v as? NSNumber else {
            throw ConfigError(key: key(k), "expected true or false, got \(Self.describe(v))")
        }
        resolved[k] = n.boolValue
        return n.boolValue
    }

    /// A list of finite numbers (a single number is accepted as a list of one when `scalarAllowed`).
    public func doubles(_ k: String, default def: [Double]? = nil, scalarAllowed: Bool = false) throws -> [Double] {
        guard let v = raw(k) else {
            guard let def else { throw ConfigError(key: key(k), "is required (a list of numbers)") }
            resolved[k] = def
            return def
        }
        let list: [Any]
        if let l = v as? [Any] { list = l } else if scalarAllowed { list = [v] } else {
            throw ConfigError(key: key(k), "expected a list of numbers, got \(Self.describe(v))")
        }
        let out = try list.enumerated().map { i, e -> Double in
            let d = try number(e, "\(k)[\(i)]")
            guard d.isFinite else { throw ConfigError(key: key("\(k)[\(i)]"), "must be finite") }
            return d
        }
        resolved[k] = scalarAllowed && !(v is [Any]) ? out[0] as Any : out as Any
        return out
    }

    /// A list of equal-length lists of finite numbers (a table, row by row).
    public func table(_ k: String) throws -> [[Double]] {
        guard let v = raw(k) else { throw ConfigError(key: key(k), "is required (a list of lists of numbers)") }
        guard let rows = v as? [Any], !rows.isEmpty else { throw ConfigError(key: key(k), "expected a non-empty list of lists of numbers") }
        var out = [[Double]]()
        for (i, r) in rows.enumerated() {
            guard let row = r as? [Any], !row.isEmpty else {
                throw ConfigError(key: key("\(k)[\(i)]"), "expected a non-empty list of numbers")
            }
            out.append(try row.enumerated().map { j, e in
                let d = try number(e, "\(k)[\(i)][\(j)]")
                guard d.isFinite else { throw ConfigError(key: key("\(k)[\(i)][\(j)]"), "must be finite") }
                return d
            })
            if out[i].count != out[0].count {
                throw ConfigError(key: key("\(k)[\(i)]"), "has \(out[i].count) entries, expected \(out[0].count) like row 0")
            }
        }
        resolved[k] = out
        return out
    }

    /// A nested object (an empty one when absent and `required` is false).
    public func object(_ k: String, required: Bool = false) throws -> ConfigReader {
        if let c = children[k] { return c }
        let v = raw(k)
        if v == nil && required { throw ConfigError(key: key(k), "is required (an object)") }
        guard let obj = (v ?? [String: Any]()) as? [String: Any] else {
            throw ConfigError(key: key(k), "expected an object, got \(Self.describe(v!))")
        }
        let child = ConfigReader(object: obj, path: key(k))
        children[k] = child
        return child
    }

    /// A list of objects, each read by its own reader at path `k[i]` (an empty list when absent).
    public func objects(_ k: String) throws -> [ConfigReader] {
        if let c = listChildren[k] { return c }
        let v = raw(k)
        guard let list = (v ?? [Any]()) as? [Any] else {
            throw ConfigError(key: key(k), "expected a list of objects, got \(Self.describe(v!))")
        }
        let readers = try list.enumerated().map { i, e -> ConfigReader in
            guard let o = e as? [String: Any] else {
                throw ConfigError(key: key("\(k)[\(i)]"), "expected an object, got \(Self.describe(e))")
            }
            return ConfigReader(object: o, path: key("\(k)[\(i)]"))
        }
        listChildren[k] = readers
        return readers
    }

    /// Throws for the first key (sorted) that no accessor asked for, naming the allowed keys; recurses.
    public func finish() throws {
        if let extra = object.keys.filter({ !used.contains($0) }).sorted().first {
            let allowed = used.sorted().joined(separator: ", ")
            throw ConfigError(key: key(extra), "unknown key (allowed here: \(allowed.isEmpty ? "none" : allowed))")
        }
        for (_, c) in children.sorted(by: { $0.key < $1.key }) { try c.finish() }
        for (_, list) in listChildren.sorted(by: { $0.key < $1.key }) { for c in list { try c.finish() } }
        if checksRecordBudget { try RecordBudget.check(resolved, key: key) }
        if stopsAfterValidation { throw Validated() }
    }

    /// The resolved values of this object and its children, for writing back as JSON.
    public var resolvedTree: [String: Any] {
        var out = resolved
        for (k, c) in children { out[k] = c.resolvedTree }
        for (k, list) in listChildren { out[k] = list.map(\.resolvedTree) }
        return out
    }

    /// Serialises a resolved tree as pretty, key-sorted JSON.
    public static func jsonData(_ tree: [String: Any]) throws -> Data {
        try JSONSerialization.data(withJSONObject: tree, options: [.prettyPrinted, .sortedKeys])
    }
}
