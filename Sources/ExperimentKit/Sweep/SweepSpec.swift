import Analysis
import Foundation

/// One axis of a sweep grid: a parameter (dotted key) and the values it takes, in order.
public struct SweepAxis: Sendable {
    /// Dotted parameter key, e.g. `learning_rate` or `training.l2`.
    public let name: String
    /// JSON-compatible values (numbers, strings, booleans), in grid order.
    public let values: [SweepValue]
}

/// A JSON-compatible scalar an axis takes.
public enum SweepValue: Sendable, Equatable {
    /// A number (integers are exact).
    case number(Double)
    /// A string.
    case string(String)
    /// A boolean.
    case bool(Bool)

    /// The value as a config-tree leaf (integral numbers as `Int`, so integer parameters accept them).
    public var json: Any {
        switch self {
        case .number(let d): return d == d.rounded() && abs(d) < 9e15 ? Int(d) as Any : d as Any
        case .string(let s): return s
        case .bool(let b): return b
        }
    }

    /// The value as a float64 (NaN for strings; 0/1 for booleans), for stacked arrays and plots.
    public var number: Double {
        switch self {
        case .number(let d): return d
        case .string: return .nan
        case .bool(let b): return b ? 1 : 0
        }
    }

    /// The value as text (CSV cells, legends): shortest round-trip form for numbers.
    public var text: String {
        switch self {
        case .number: return CanonicalJSON.number(json)
        case .string(let s): return s
        case .bool(let b): return b ? "true" : "false"
        }
    }
}

/// A sweep: an experiment and preset, base overrides, grid axes and seeds (YAML or JSON).
///
/// ```yaml
/// experiment: proca2025.figA1      # a registered experiment (rnndyn list)
/// preset: quick                    # quick (default) or full
/// overrides: {steps: 300}          # applied to every cell
/// axes:                            # the grid, outermost axis first
///   - {name: learning_rate, values: [0.005, 0.01]}
///   - {name: initial_mode, linspace: [0.05, 0.2, 5]}   # or logspace: [-3, -1, 3] (exponents of 10)
/// seeds: 5                         # seeds 0…4, or a list [0, 7, 9]
/// pairs:                           # optional: compare every two seeds of each grid point
///   array: sv_Wh_late              # a results.npz array every cell writes
///   metrics: [frobenius]           # default: every ArrayDistance.Metric
/// ```
/// Cells are every grid point × seed; runner options (worker count, threads) are never part of a spec.
///
/// A study sweep (`study: true`, no axes, one seed) instead runs one run of a `PersistentStudy`: its cells are the
/// study's cells (stored as `cells/<id>.npz`), and the merge reduces them into the run directory `<experiment id>/`.
public struct SweepSpec: Sendable {
    /// Experiment id.
    public let experiment: String
    /// Preset of the defaults.
    public let preset: Preset
    /// Overrides of every cell, as a config tree (JSON-compatible).
    public let overrides: [String: any Sendable]
    /// Grid axes, outermost first.
    public let axes: [SweepAxis]
    /// Root seeds of every grid point.
    public let seeds: [UInt64]
    /// The pair stage, if the spec has one: every two seeds of each grid point compared on one results array.
    public let pairSpec: SweepPairSpec?
    /// Whether the cells are the cells of one study run (`study: true`) rather than grid points × seeds.
    public let study: Bool

    /// Most cells a sweep may have.
    public static let maxCells = 1_000_000

    /// Reads a spec file (`.json`, `.yaml`, `.yml`); every problem is a one-line `ConfigError` naming the key.
    public static func load(_ path: String) throws -> SweepSpec {
        try SweepSpec(object: try ConfigFile.load(path, key: "sweep spec"))
    }

    /// Validates a parsed spec object.
    public init(object o: [String: Any]) throws {
        let known = ["experiment", "preset", "overrides", "axes", "seeds", "pairs", "study"]
        if let extra = o.keys.filter({ !known.contains($0) }).sorted().first {
            throw ConfigError(key: "sweep.\(extra)", "unknown key (allowed: \(known.joined(separator: ", ")))")
        }
        guard let experiment = o["experiment"] as? String, !experiment.isEmpty else {
            throw ConfigError(key: "sweep.experiment", "is required (an experiment id, e.g. proca2025.figA1; see rnndyn list)")
        }
        let presetName = o["preset"] ?? "quick"
        guard let name = presetName as? String, let preset = Preset(rawValue: name) else {
            throw ConfigError(key: "sweep.preset", "expected one of \(Preset.allCases.map(\.rawValue).joined(separator: ", ")), got \(ConfigReader.describe(presetName))")
        }
        let overrides = o["overrides"] ?? [String: Any]()
        guard let tree = overrides as? [String: Any] else {
            throw ConfigError(key: "sweep.overrides", "expected an object of parameters, got \(ConfigReader.describe(overrides))")
        }
        let study = o["study"] ?? false
        guard ConfigReader.isBool(study) else {
            throw ConfigError(key: "sweep.study", "expected true or false, got \(ConfigReader.describe(study))")
        }
        self.study = (study as? Bool) ?? false
        if self.study {
            if let extra = ["axes", "pairs"].first(where: { o[$0] != nil && !((o[$0] as? [Any])?.isEmpty ?? false) }) {
                throw ConfigError(key: "sweep.\(extra)", "is not used with study: true (allowed: a study sweep has no axes and no pairs; its cells are the study's)")
            }
            let seeds = try Self.seeds(o["seeds"] ?? 1)
            guard seeds.count == 1 else {
                throw ConfigError(key: "sweep.seeds", "lists \(seeds.count) seeds (allowed: one root seed with study: true, e.g. seeds: [0])")
            }
            self.experiment = experiment; self.preset = preset; self.axes = []; self.seeds = seeds; self.pairSpec = nil
            self.overrides = Self.sendable(tree) as? [String: any Sendable] ?? [:]
            return
        }
        guard let rawAxes = o["axes"] as? [Any] else {
            throw ConfigError(key: "sweep.axes", "is required (a list of {name, values | linspace | logspace})")
        }
        let axes = try rawAxes.enumerated().map { try Self.axis($1, key: "sweep.axes[\($0)]") }
        if let dup = Dictionary(grouping: axes, by: \.name).first(where: { $0.value.count > 1 })?.key {
            throw ConfigError(key: "sweep.axes", "names '\(dup)' twice (allowed: each parameter once)")
        }
        let seeds = try Self.seeds(o["seeds"] ?? 1)
        let cells = axes.reduce(seeds.count) { $0.multipliedReportingOverflow(by: $1.values.count).partialValue }
        guard cells <= Self.maxCells else {
            throw ConfigError(key: "sweep.axes", "make \(cells) cells (allowed: at most \(Self.maxCells))")
        }
        let pairSpec = try o["pairs"].map { try SweepPairSpec(object: $0, seeds: seeds.count, points: cells / max(seeds.count, 1)) }
        self.experiment = experiment; self.preset = preset; self.axes = axes; self.seeds = seeds; self.pairSpec = pairSpec
        self.overrides = Self.sendable(tree) as? [String: any Sendable] ?? [:]
    }

    static func axis(_ raw: Any, key: String) throws -> SweepAxis {
        guard let o = raw as? [String: Any] else { throw ConfigError(key: key, "expected an object {name, values | linspace | logspace}") }
        let known = ["name", "values", "linspace", "logspace"]
        if let extra = o.keys.filter({ !known.contains($0) }).sorted().first {
            throw ConfigError(key: "\(key).\(extra)", "unknown key (allowed: \(known.joined(separator: ", ")))")
        }
        guard let name = o["name"] as? String, !name.isEmpty, !name.hasPrefix("."), !name.hasSuffix(".") else {
            throw ConfigError(key: "\(key).name", "is required (a parameter key, dotted for nested ones)")
        }
        let given = ["values", "linspace", "logspace"].filter { o[$0] != nil }
        guard given.count == 1 else {
            throw ConfigError(key: key, "needs exactly one of values, linspace, logspace (got \(given.isEmpty ? "none" : given.joined(separator: ", ")))")
        }
        let values: [SweepValue]
        switch given[0] {
        case "values":
            guard let list = o["values"] as? [Any], !list.isEmpty else { throw ConfigError(key: "\(key).values", "expected a non-empty list") }
            values = try list.enumerated().map { i, v in
                if ConfigReader.isBool(v) { return .bool((v as? Bool) ?? false) }
                if let s = v as? String { return .string(s) }
                if let n = v as? NSNumber, n.doubleValue.isFinite { return .number(n.doubleValue) }
                throw ConfigError(key: "\(key).values[\(i)]", "expected a finite number, string or boolean, got \(ConfigReader.describe(v))")
            }
        default:
            let k = "\(key).\(given[0])"
            guard let l = o[given[0]] as? [Any], l.count == 3, let nums = l as? [NSNumber],
                  nums.allSatisfy({ !ConfigReader.isBool($0) && $0.doubleValue.isFinite }) else {
                throw ConfigError(key: k, "expected [start, stop, count] (numbers)")
            }
            let a = nums[0].doubleValue, b = nums[1].doubleValue, c = nums[2].doubleValue
            guard c == c.rounded(), c >= 1, c <= 100_000 else { throw ConfigError(key: k, "count \(c) is not an integer in 1…100000") }
            let grid = Self.linspace(a, b, Int(c))
            values = (given[0] == "logspace" ? grid.map { Foundation.pow(10, $0) } : grid).map { .number($0) }
        }
        return SweepAxis(name: name, values: values)
    }

    /// NumPy's `linspace(a, b, n)`: `a + i·(b − a)/(n − 1)`, with the last point exactly `b`.
    public static func linspace(_ a: Double, _ b: Double, _ n: Int) -> [Double] {
        guard n > 1 else { return [a] }
        let step = (b - a) / Double(n - 1)
        return (0..<n).map { $0 == n - 1 ? b : a + Double($0) * step }
    }

    static func seeds(_ raw: Any) throws -> [UInt64] {
        if let n = raw as? NSNumber, !ConfigReader.isBool(raw) {
            let d = n.doubleValue
            guard d == d.rounded(), d >= 1, d <= 100_000 else { throw ConfigError(key: "sweep.seeds", "\(d) is not a count in 1…100000 (or give a list of seeds)") }
            return (0..<UInt64(d)).map { $0 }
        }
        guard let list = raw as? [Any], !list.isEmpty else {
            throw ConfigError(key: "sweep.seeds", "expected a count or a non-empty list of seeds, got \(ConfigReader.describe(raw))")
        }
        let seeds = try list.enumerated().map { i, v -> UInt64 in
            guard !ConfigReader.isBool(v), let n = v as? NSNumber, n.doubleValue >= 0, n.doubleValue == n.doubleValue.rounded(),
                  n.doubleValue < 9.007_199_254_740_992e15 else {
                throw ConfigError(key: "sweep.seeds[\(i)]", "expected a non-negative integer, got \(ConfigReader.describe(v))")
            }
            return UInt64(n.doubleValue)
        }
        guard Set(seeds).count == seeds.count else { throw ConfigError(key: "sweep.seeds", "lists a seed twice (allowed: distinct seeds)") }
        return seeds
    }

    /// The tree with Foundation containers replaced by Swift ones (so it is Sendable).
    static func sendable(_ v: Any) -> any Sendable {
        switch v {
        case let d as [String: Any]: return d.mapValues { sendable($0) } as [String: any Sendable]
        case let a as [Any]: return a.map { sendable($0) } as [any Sendable]
        case let s as String: return s
        default:
            if ConfigReader.isBool(v) { return (v as? Bool) ?? false }
            if let n = v as? NSNumber { return CanonicalJSON.number(n).contains(where: { $0 == "." || $0 == "e" }) ? n.doubleValue : n.intValue }
            return "\(v)"
        }
    }
}
