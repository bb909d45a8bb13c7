import Analysis
import DataIO
import ExperimentKit
import Foundation
import Linalg

/// A fully checked `rnndyn compare` invocation.
public struct CompareRequest: Sendable {
    /// The metric.
    public let metric: PairwiseMetric
    /// Its option values.
    public let settings: MetricSettings
    /// Which files to read and how.
    public let inputs: CompareInputReader.Request
    /// Root seed of the metric's random streams.
    public let seed: UInt64
    /// Threads for independent pairs (results do not depend on it).
    public let threads: Int
    /// MDS axes k.
    public let mdsDimensions: Int
}

/// What a comparison found.
public struct CompareOutcome {
    /// The request.
    public let request: CompareRequest
    /// The networks, in order.
    public let inputs: [CompareInput]
    /// Distances and diagnostics.
    public let result: PairwiseResult
    /// The MDS embedding of the distances.
    public let embedding: ClassicalMDS.Embedding
    /// Seconds spent reading and computing.
    public let wallTimeSeconds: Double
    /// OOD losses and σ_OOD when every input is a `rnndyn train` task run, else nil.
    public var behaviour: CompareBehaviour? = nil
}

/// `rnndyn compare`: parse, read, compute every pair, embed, write.
public enum CompareJob {
    /// Builds the request from the command line: `arguments` are the FILES and the metric's `--flag value` options
    /// in any order (every metric option takes a value, so the token after a flag without `=` is its value).
    public static func request(metric name: String, arguments: [String], key: String?, layout: String, labels: String?,
                               seed: UInt64, threads: Int, mdsDimensions: Int) throws -> CompareRequest {
        let metric = try PairwiseMetrics.named(name)
        var files: [String] = [], flags: [String] = []
        var k = 0
        while k < arguments.count {
            let token = arguments[k]
            if token.hasPrefix("--") {
                flags.append(token)
                if !token.contains("="), k + 1 < arguments.count { flags.append(arguments[k + 1]); k += 1 }
            } else {
                files.append(token)
            }
            k += 1
        }
        let settings = try MetricSettings(flags, options: metric.options, metric: metric.name)
        guard let layout = DynamicsLayout(rawValue: layout) else {
            throw ConfigError(key: "--layout", "'\(layout)' is not a layout (allowed: \(DynamicsLayout.allCases.map(\.rawValue).joined(separator: " | ")))")
        }
        guard mdsDimensions >= 1 else { throw ConfigError(key: "--mds-dimensions", "\(mdsDimensions) (allowed: an integer ≥ 1, at most the networks)") }
        let blocks = settings.word("blocks").flatMap(PermutableWeights.TanhRNNBlocks.init(rawValue:)) ?? .recurrent
        let labelList = labels.map { $0.split(separator: ",", omittingEmptySubsequences: false).map { String($0) } }
        return CompareRequest(metric: metric, settings: settings,
                              inputs: CompareInputReader.Request(files: files, key: key, layout: layout, labels: labelList, blocks: blocks),
                              seed: seed, threads: threads, mdsDimensions: mdsDimensions)
    }

    /// The random streams of `request`'s metric: `compare.<metric>` under its seed.
    public static func streams(_ request: CompareRequest) -> RandomStreams {
        RandomStreams(seed: request.seed).child("compare").child(request.metric.name)
    }

    /// Reads the inputs, computes every pair on `request.threads` threads and embeds the distances; bad input throws a
    /// one-line `ConfigError` before any pair is computed.
    /// With `sources`, the networks come from them instead of `request.inputs.files` (the library's in-memory arrays).
    public static func run(_ request: CompareRequest, sources: [CompareInputReader.ArraySource]? = nil,
                           progress: @escaping @Sendable (Double) -> Void = { _ in }) throws -> CompareOutcome {
        let start = Date()
        BLAS.setThreads(1)  // one BLAS thread per computation (parallelism is across pairs), so results never depend on it
        let kind = request.metric.input, agreement = request.metric.agreement
        let (inputs, data) = try sources.map { try CompareInputReader.read($0, request: request.inputs, kind: kind, agreement: agreement) }
            ?? CompareInputReader.read(request.inputs, kind: kind, agreement: agreement)
        guard request.mdsDimensions <= inputs.count else {
            throw ConfigError(key: "--mds-dimensions", "\(request.mdsDimensions) exceeds the \(inputs.count) networks (allowed: 1…\(inputs.count))")
        }
        let context = CompareContext(streams: streams(request), threads: request.threads, labels: inputs.map(\.label),
                                     sources: inputs.map(\.source), progress: progress)
        let result = try request.metric.compute(data, request.settings, context)
        let embedding = try ClassicalMDS.embed(result.distances, dimensions: request.mdsDimensions)
        let behaviour = try sources.map { sources in
            try CompareBehaviour.read(inputs) { path in try sources.first { $0.path == path }.map { try $0.load().arrays } ?? [] }
        } ?? CompareBehaviour.read(inputs)
        return CompareOutcome(request: request, inputs: inputs, result: result, embedding: embedding,
                              wallTimeSeconds: Date().timeIntervalSince(start), behaviour: behaviour)
    }

    /// One line per finding for the terminal.
    public static func summary(_ outcome: CompareOutcome) -> [String] {
        let d = outcome.result.distances, m = d.rows
        var off: [Double] = []
        for j in 0..<m { for i in 0..<j { off.append(d[i, j]) } }
        let mean = off.reduce(0, +) / Double(off.count)
        return [String(format: "%@: %d networks, %d pairs; %@ min %.6g, mean %.6g, max %.6g", outcome.request.metric.name, m, off.count,
                       outcome.result.quantity, off.min()!, mean, off.max()!),
                String(format: "MDS: %d axes, %.1f%% of the positive mass; positive mass fraction %.4f", outcome.embedding.dimensions,
                       100 * outcome.embedding.explainedFraction, outcome.embedding.positiveMassFraction)]
            + (outcome.behaviour.map { [$0.line] } ?? []) + outcome.result.notes
    }
}
