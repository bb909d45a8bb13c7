import ExperimentKit

/// One command-line option of a pairwise metric (`--name value`), with its default, its allowed values and a help line.
public struct MetricOption: Sendable {
    /// What values the option takes.
    public enum Kind: Sendable, Equatable {
        /// An integer in the range.
        case integer(ClosedRange<Int>)
        /// A finite number ≥ `minimum` (> `minimum` when `strict`).
        case real(minimum: Double, strict: Bool)
        /// One of the words.
        case choice([String])
        /// `true` or `false`.
        case boolean
        /// The word, or an integer in the range (e.g. `full` or a rank ≥ 1).
        case wordOrInteger(String, ClosedRange<Int>)
    }

    /// Flag name without the leading `--`.
    public let name: String
    /// Value used when the option is not given (as typed on the command line).
    public let defaultValue: String
    /// Allowed values.
    public let kind: Kind
    /// One line for `--help` and the docs.
    public let help: String

    /// An option; `defaultValue` must itself be allowed (checked by the registry tests).
    public init(_ name: String, default defaultValue: String, _ kind: Kind, _ help: String) {
        self.name = name
        self.defaultValue = defaultValue
        self.kind = kind
        self.help = help
    }

    /// The allowed values, for messages and help.
    public var allowed: String {
        switch kind {
        case .integer(let r): return r.upperBound == Int.max ? "an integer ≥ \(r.lowerBound)" : "an integer in \(r.lowerBound)…\(r.upperBound)"
        case let .real(minimum, strict):
            let shown = minimum == minimum.rounded() && abs(minimum) < 1e15 ? "\(Int(minimum))" : "\(minimum)"
            return "a finite number \(strict ? ">" : "≥") \(shown)"
        case .choice(let words): return words.joined(separator: " | ")
        case .boolean: return "true | false"
        case let .wordOrInteger(word, r):
            return r.upperBound == Int.max ? "\(word) or an integer ≥ \(r.lowerBound)" : "\(word) or an integer in \(r.lowerBound)…\(r.upperBound)"
        }
    }

    /// The typed value of `text`, or nil when it is not allowed.
    func value(_ text: String) -> MetricValue? {
        switch kind {
        case .integer(let r):
            guard let v = Int(text), r.contains(v) else { return nil }
            return .integer(v)
        case let .real(minimum, strict):
            guard let v = Double(text), v.isFinite, strict ? v > minimum : v >= minimum else { return nil }
            return .real(v)
        case .choice(let words):
            return words.contains(text) ? .word(text) : nil
        case .boolean:
            return text == "true" ? .boolean(true) : text == "false" ? .boolean(false) : nil
        case let .wordOrInteger(word, r):
            if text == word { return .word(word) }
            guard let v = Int(text), r.contains(v) else { return nil }
            return .integer(v)
        }
    }
}

/// A parsed option value.
public enum MetricValue: Sendable, Equatable {
    /// An integer.
    case integer(Int)
    /// A number.
    case real(Double)
    /// A word (a choice).
    case word(String)
    /// A boolean.
    case boolean(Bool)

    /// The value for `compare.json`.
    var json: Any {
        switch self {
        case .integer(let v): return v
        case .real(let v): return v
        case .word(let v): return v
        case .boolean(let v): return v
        }
    }
}

/// The values of a metric's options after parsing (every option present, defaults filled in).
public struct MetricSettings: Sendable {
    /// Values by option name.
    public let values: [String: MetricValue]
    /// Options given on the command line (the rest are defaults).
    public let given: Set<String>

    /// Parses `--name value` / `--name=value` pairs in `arguments` against `options`; throws a one-line
    /// `ConfigError` for an unknown flag (listing the metric's flags), a missing or disallowed value, or a repeat.
    public init(_ arguments: [String], options: [MetricOption], metric: String) throws {
        var values: [String: MetricValue] = [:], given: Set<String> = []
        var k = 0
        let flags = options.map { "--" + $0.name }.joined(separator: ", ")
        while k < arguments.count {
            let token = arguments[k]
            guard token.hasPrefix("--"), token.count > 2 else {
                throw ConfigError(key: token, "unexpected argument (allowed: FILES and the options of \(metric): \(flags))")
            }
            var name = String(token.dropFirst(2)), text: String?
            if let eq = name.firstIndex(of: "=") { text = String(name[name.index(after: eq)...]); name = String(name[..<eq]) }
            guard let option = options.first(where: { $0.name == name }) else {
                throw ConfigError(key: "--\(name)", "is not an option of \(metric) (allowed: \(flags.isEmpty ? "none" : flags))")
            }
            if text == nil {
                guard k + 1 < arguments.count else { throw ConfigError(key: "--\(name)", "needs a value (allowed: \(option.allowed))") }
                k += 1
                text = arguments[k]
            }
            guard !given.contains(name) else { throw ConfigError(key: "--\(name)", "is given twice (allowed: once)") }
            guard let value = option.value(text!) else {
                throw ConfigError(key: "--\(name)", "'\(text!)' is not allowed (allowed: \(option.allowed))")
            }
            values[name] = value
            given.insert(name)
            k += 1
        }
        for option in options where values[option.name] == nil {
            guard let value = option.value(option.defaultValue) else {
                throw ConfigError(key: "--\(option.name)", "default '\(option.defaultValue)' is not allowed (allowed: \(option.allowed))")
            }
            values[option.name] = value
        }
        self.values = values
        self.given = given
    }

    /// The integer option `name` (a programming error if it is not one).
    public func integer(_ name: String) -> Int {
        guard case .integer(let v)? = values[name] else { preconditionFailure("option --\(name) is not an integer") }
        return v
    }

    /// The number option `name` (integers widen).
    public func real(_ name: String) -> Double {
        switch values[name] {
        case .real(let v)?: return v
        case .integer(let v)?: return Double(v)
        default: preconditionFailure("option --\(name) is not a number")
        }
    }

    /// The word option `name`, or nil when it holds an integer (`wordOrInteger`).
    public func word(_ name: String) -> String? {
        if case .word(let v)? = values[name] { return v }
        return nil
    }

    /// The boolean option `name`.
    public func boolean(_ name: String) -> Bool {
        guard case .boolean(let v)? = values[name] else { preconditionFailure("option --\(name) is not a boolean") }
        return v
    }

    /// Every value keyed by option name, for `compare.json`.
    public var json: [String: Any] { values.mapValues(\.json) }
}
