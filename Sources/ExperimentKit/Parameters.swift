import Foundation

/// What values a declared parameter takes.
public enum ParameterKind: Sendable, Equatable {
    /// An integer in the range.
    case int(ClosedRange<Int>)
    /// A finite real in the range.
    case double(ClosedRange<Double>)
    /// One of the strings (any string when empty).
    case string([String])
    /// `true` or `false`.
    case bool
    /// A list of finite reals.
    case doubles
    /// A list of objects (each with its own keys, documented with the parameter).
    case objects

    /// The allowed values in words ("an integer in 2…1000").
    public var allowed: String {
        switch self {
        case .int(let r): return "an integer in \(r.lowerBound)…\(r.upperBound)"
        case .double(let r): return "a number in \(r.lowerBound)…\(r.upperBound)"
        case .string(let s): return s.isEmpty ? "a string" : "one of \(s.joined(separator: ", "))"
        case .bool: return "true or false"
        case .doubles: return "a list of numbers"
        case .objects: return "a list of objects"
        }
    }
}

/// One experiment parameter declared once: its key, default in each preset, allowed values, unit and one-line doc.
/// An experiment lists its declarations; its defaults, its validation and `rnndyn describe` all come from them.
public struct Parameter<Value: Sendable>: Sendable {
    /// Key in the parameters block.
    public let key: String
    /// Default of the quick preset.
    public let quick: Value
    /// Default of the full preset (the paper's setting).
    public let full: Value
    /// Allowed values.
    public let kind: ParameterKind
    /// Unit ("" for none).
    public let unit: String
    /// What it sets, in one line.
    public let doc: String

    /// The default of `preset`.
    public func value(_ preset: Preset) -> Value { preset == .quick ? quick : full }
}

extension Parameter where Value == Int {
    /// An integer parameter in `range`, with one default or one per preset.
    public static func int(_ key: String, _ value: Int, full: Int? = nil, in range: ClosedRange<Int>, unit: String = "", doc: String) -> Self {
        Self(key: key, quick: value, full: full ?? value, kind: .int(range), unit: unit, doc: doc)
    }
}

extension Parameter where Value == Double {
    /// A real parameter in `range`, with one default or one per preset.
    public static func double(_ key: String, _ value: Double, full: Double? = nil, in range: ClosedRange<Double>, unit: String = "", doc: String) -> Self {
        Self(key: key, quick: value, full: full ?? value, kind: .double(range), unit: unit, doc: doc)
    }
}

extension Parameter where Value == String {
    /// A string parameter from `allowed`.
    public static func string(_ key: String, _ value: String, full: String? = nil, allowed: [String], doc: String) -> Self {
        Self(key: key, quick: value, full: full ?? value, kind: .string(allowed), unit: "", doc: doc)
    }
}

extension Parameter where Value == Bool {
    /// A boolean parameter.
    public static func bool(_ key: String, _ value: Bool, full: Bool? = nil, doc: String) -> Self {
        Self(key: key, quick: value, full: full ?? value, kind: .bool, unit: "", doc: doc)
    }
}

extension Parameter where Value == [Double] {
    /// A list-of-reals parameter.
    public static func doubles(_ key: String, _ value: [Double], full: [Double]? = nil, unit: String = "", doc: String) -> Self {
        Self(key: key, quick: value, full: full ?? value, kind: .doubles, unit: unit, doc: doc)
    }
}

/// A declared parameter with its type erased, for listing (defaults per preset, allowed values, unit, doc).
public struct ParameterDeclaration: Sendable {
    /// Key.
    public let key: String
    /// Allowed values.
    public let kind: ParameterKind
    /// Unit.
    public let unit: String
    /// One-line doc.
    public let doc: String
    /// Default per preset, JSON-compatible.
    let defaults: @Sendable (Preset) -> Any

    /// The default of `preset` (JSON-compatible).
    public func value(_ preset: Preset) -> Any { defaults(preset) }

    /// Erases `p`.
    public init<V: Sendable>(_ p: Parameter<V>) {
        key = p.key; kind = p.kind; unit = p.unit; doc = p.doc
        defaults = { p.value($0) }
    }
}

/// An experiment's declared parameters, in order: the one place their defaults, ranges and docs live.
public struct ParameterList: Sendable {
    /// The declarations.
    public let declarations: [ParameterDeclaration]

    /// A list (keys unique).
    public init(_ declarations: [ParameterDeclaration]) {
        precondition(Set(declarations.map(\.key)).count == declarations.count, "duplicate parameter key")
        self.declarations = declarations
    }

    /// The defaults of `preset`, as the parameters block.
    public func defaults(_ preset: Preset) -> [String: Any] {
        Dictionary(uniqueKeysWithValues: declarations.map { ($0.key, $0.value(preset)) })
    }
}

extension ConfigReader {
    /// Reads `p` with its declared range.
    public func read(_ p: Parameter<Int>) throws -> Int {
        guard case .int(let r) = p.kind else { preconditionFailure("\(p.key) is not an integer parameter") }
        return try int(p.key, in: r)
    }

    /// Reads `p` with its declared range.
    public func read(_ p: Parameter<Double>) throws -> Double {
        guard case .double(let r) = p.kind else { preconditionFailure("\(p.key) is not a real parameter") }
        return try double(p.key, in: r)
    }

    /// Reads `p` from its allowed strings.
    public func read(_ p: Parameter<String>) throws -> String {
        guard case .string(let allowed) = p.kind else { preconditionFailure("\(p.key) is not a string parameter") }
        return try string(p.key, allowed: allowed)
    }

    /// Reads `p`.
    public func read(_ p: Parameter<Bool>) throws -> Bool { try bool(p.key) }

    /// Reads `p`.
    public func read(_ p: Parameter<[Double]>) throws -> [Double] { try doubles(p.key) }
}

/// An experiment whose parameters are declared once (`ParameterList`): its defaults come from the declarations.
public protocol DeclaredParameters {
    /// Every parameter, in order.
    static var declared: ParameterList { get }
}

extension Experiment where Self: DeclaredParameters {
    /// The declared defaults of `preset`.
    public func parameters(_ preset: Preset) -> [String: Any] { Self.declared.defaults(preset) }
}
