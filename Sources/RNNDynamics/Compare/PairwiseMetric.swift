import ExperimentKit
import Linalg

/// What a pairwise metric compares.
public enum CompareInputKind: String, Sendable {
    /// States over trials, `[trials, time, units]` per network (`TrialTrajectories`).
    case dynamics
    /// Square recurrent matrices, optionally with unit-indexed blocks (`PermutableWeights`).
    case weights
}

/// Sizes that must agree across every input of a metric (checked before any work, errors name the file).
public struct InputAgreement: OptionSet, Sendable {
    /// The raw bits.
    public let rawValue: Int
    /// Creates the set from its bits.
    public init(rawValue: Int) { self.rawValue = rawValue }
    /// Equal unit counts (and, for weights, equal block shapes).
    public static let units = InputAgreement(rawValue: 1)
    /// Equal time steps.
    public static let steps = InputAgreement(rawValue: 2)
    /// Equal trial counts.
    public static let trials = InputAgreement(rawValue: 4)
}

/// The loaded inputs of a comparison, in command-line order.
public enum CompareData: Sendable {
    /// One trajectory set per network.
    case dynamics([TrialTrajectories])
    /// One weight set per network.
    case weights([PermutableWeights])

    /// Networks compared.
    public var count: Int {
        switch self {
        case .dynamics(let x): return x.count
        case .weights(let w): return w.count
        }
    }
}

/// Everything a metric's computation may use besides its inputs and options.
public struct CompareContext: Sendable {
    /// Root streams of this comparison (`compare.<metric>`); pair (i, j) draws from child `pair-i-j` only, so
    /// results do not depend on the thread count.
    public let streams: RandomStreams
    /// Threads for independent items.
    public let threads: Int
    /// Input labels, for diagnostics.
    public let labels: [String]
    /// Where each input came from (`file[key]`), for error messages.
    public let sources: [String]
    /// Called with the fraction of the work done (from any thread).
    public let progress: @Sendable (Double) -> Void

    /// A context.
    public init(streams: RandomStreams, threads: Int, labels: [String], sources: [String],
                progress: @escaping @Sendable (Double) -> Void = { _ in }) {
        self.streams = streams
        self.threads = threads
        self.labels = labels
        self.sources = sources
        self.progress = progress
    }
}

/// A metric-specific `M × M` matrix written into `distances.npz` beside `distances`.
public struct ExtraMatrix {
    /// `distances.npz` key.
    public let name: String
    /// One line for the docs.
    public let doc: String
    /// The values.
    public let values: Matrix
}

/// What a metric's computation returns.
public struct PairwiseResult {
    /// Symmetric distances with zero diagonal, `M × M`, in input order.
    public var distances: Matrix
    /// Further per-pair matrices (e.g. both PAVF scores, normalised PIF distances).
    public var extraMatrices: [ExtraMatrix]
    /// One record per pair i < j in lexicographic order (`first`, `second` and the distance are added by the caller).
    public var pairs: [[String: Any]]
    /// Metric-wide diagnostics for `compare.json` (e.g. each input's DMD fit).
    public var summary: [String: Any]
    /// Lines to print after the run (e.g. how many optimisations did not converge).
    public var notes: [String]
    /// What the distances are, with their unit (figure and summary labels).
    public var quantity: String

    /// A result.
    public init(distances: Matrix, quantity: String, extraMatrices: [ExtraMatrix] = [], pairs: [[String: Any]],
                summary: [String: Any] = [:], notes: [String] = []) {
        self.distances = distances
        self.quantity = quantity
        self.extraMatrices = extraMatrices
        self.pairs = pairs
        self.summary = summary
        self.notes = notes
    }
}

/// A distance between networks that `rnndyn compare` computes for every pair of inputs.
///
/// Adding one is one entry in `PairwiseMetrics.all`: its name, input kind, the sizes that must agree, its options
/// (parsed from the command line, defaults filled in, recorded in `compare.json`) and a function from the loaded
/// inputs to the distance matrix and per-pair diagnostics. Loading, validation, MDS, files and figures are shared.
public struct PairwiseMetric: Sendable {
    /// Name on the command line (`rnndyn compare <name>`).
    public let name: String
    /// One line for `--help`: what it measures and its unit.
    public let summary: String
    /// What the inputs are.
    public let input: CompareInputKind
    /// Sizes that must agree across inputs.
    public let agreement: InputAgreement
    /// Metric options.
    public let options: [MetricOption]
    /// The computation.
    public let compute: @Sendable (CompareData, MetricSettings, CompareContext) throws -> PairwiseResult

    /// A metric.
    public init(name: String, summary: String, input: CompareInputKind, agreement: InputAgreement = [], options: [MetricOption],
                compute: @escaping @Sendable (CompareData, MetricSettings, CompareContext) throws -> PairwiseResult) {
        self.name = name
        self.summary = summary
        self.input = input
        self.agreement = agreement
        self.options = options
        self.compute = compute
    }
}

/// The registry of `rnndyn compare` metrics.
public enum PairwiseMetrics {
    /// Every metric, in the order `--help` lists them.
    public static let all: [PairwiseMetric] = [DSAComparison.metric, PIFComparison.metric] + RepresentationComparison.metrics

    /// The metric called `name`, or a one-line `ConfigError` listing the allowed names.
    public static func named(_ name: String) throws -> PairwiseMetric {
        guard let metric = all.first(where: { $0.name == name }) else {
            throw ConfigError(key: "metric", "'\(name)' is not a metric (allowed: \(all.map(\.name).joined(separator: " | ")))")
        }
        return metric
    }

    /// The `--help` text of every metric and its options.
    public static var help: String {
        all.map { m in
            "  \(m.name)  (\(m.input.rawValue)) \(m.summary)\n"
                + m.options.map { "    --\($0.name) \($0.defaultValue)  \($0.help) (\($0.allowed))" }.joined(separator: "\n")
        }.joined(separator: "\n")
    }
}

extension PairwiseResult {
    /// The symmetric `M × M` matrix with zero diagonal whose (i, j) entry for pair k = `pairs[k]` is `values[k]`.
    public static func symmetric(_ values: [Double], pairs: [(Int, Int)], count: Int) -> Matrix {
        var d = Matrix(rows: count, cols: count)
        for (k, (i, j)) in pairs.enumerated() { d[i, j] = values[k]; d[j, i] = values[k] }
        return d
    }
}
