import Analysis
import ExperimentKit
import Linalg

/// `rnndyn compare pif`: the permutation-invariant Frobenius distance min_P ‖W1 − Pᵀ W2 P‖_F between every pair of
/// networks (arXiv 2410.03972), on the recurrent matrix alone or on every unit-indexed block.
public enum PIFComparison {
    /// The registry entry.
    public static let metric = PairwiseMetric(
        name: "pif",
        summary: "permutation-invariant Frobenius distance min_P ‖W1 − Pᵀ W2 P‖_F (arXiv 2410.03972), an upper bound "
            + "found by Frank–Wolfe (FAQ) starts and 2-opt; networks must have equal sizes",
        input: .weights, agreement: .units,
        options: [
            MetricOption("blocks", default: "recurrent", .choice(PermutableWeights.TanhRNNBlocks.allCases.map(\.rawValue)),
                         "recurrent: W_h alone; all_unit_indexed: also the input, bias, h0 and readout blocks, permuted together"),
            MetricOption("max-iterations", default: "30", .integer(1...100_000), "Frank–Wolfe iterations per start at most"),
            MetricOption("tolerance", default: "0.03", .real(minimum: 0, strict: true), "Frank–Wolfe stopping tolerance"),
            MetricOption("barycenter-start", default: "true", .boolean, "start from the barycenter 11ᵀ/n"),
            MetricOption("signature-start", default: "true", .boolean, "start from the unit-signature assignment"),
            MetricOption("random-starts", default: "2", .integer(0...1_000), "randomized starts (from --seed)"),
            MetricOption("pairwise-swaps", default: "true", .boolean, "refine every start with 2-opt swaps"),
            MetricOption("max-swaps-per-unit", default: "100", .integer(0...1_000_000), "2-opt swaps per start at most"),
        ],
        compute: compute)

    /// The PIF options `settings` describe, drawing random starts from `streams`.
    public static func options(_ settings: MetricSettings, streams: RandomStreams) throws -> PIFOptions {
        let options = PIFOptions(maxIterations: settings.integer("max-iterations"), tolerance: settings.real("tolerance"),
                                 barycenterStart: settings.boolean("barycenter-start"), signatureStart: settings.boolean("signature-start"),
                                 randomStarts: settings.integer("random-starts"), pairwiseSwaps: settings.boolean("pairwise-swaps"),
                                 maxSwapsPerUnit: settings.integer("max-swaps-per-unit"), streams: streams)
        guard !options.starts.isEmpty else {
            throw ConfigError(key: "--random-starts", "0 with --barycenter-start false and --signature-start false leaves no start (allowed: at least one start)")
        }
        return options
    }

    static func compute(_ data: CompareData, _ settings: MetricSettings, _ context: CompareContext) throws -> PairwiseResult {
        guard case .weights(let networks) = data else { preconditionFailure("pif compares weights") }
        let base = try options(settings, streams: context.streams)
        let pairs = ParallelMap.pairIndices(networks.count)
        let results = try ParallelMap.map(pairs.count, threads: context.threads,
                                          progress: { context.progress(Double($0) / Double(pairs.count)) }) { k in
            let (i, j) = pairs[k]
            var options = base
            options.streams = context.streams.child("pair-\(i)-\(j)")
            return try PermutationInvariantDistance.distance(networks[i], networks[j], options: options)
        }
        let m = networks.count
        let records = results.map { r -> [String: Any] in
            let best = r.starts[r.bestStart]
            return ["normalized_distance": r.normalizedDistance, "permutation": r.permutation, "best_start": best.start.description,
                    "frank_wolfe_iterations": r.totalIterations, "best_start_swaps": best.swaps, "objective": r.objective]
        }
        return PairwiseResult(
            distances: PairwiseResult.symmetric(results.map(\.distance), pairs: pairs, count: m),
            quantity: "PIF distance min_P ‖W1 − PᵀW2P‖_F",
            extraMatrices: [ExtraMatrix(name: "normalized_distances", doc: "distances ÷ the parameters compared (n² for W_h alone) [M, M]",
                                        values: PairwiseResult.symmetric(results.map(\.normalizedDistance), pairs: pairs, count: m))],
            pairs: records,
            summary: ["solver": base.solverDescription, "parameters_compared": networks[0].parameterCount, "units": networks[0].units,
                      "pair_streams": "compare.pif.pair-<i>-<j>"])
    }
}
