import Analysis
import ExperimentKit
import Linalg

/// `rnndyn compare cka|procrustes|cca|svcca|rsa`: representational distances between trajectory sets, each network's
/// [trials, time, units] array flattened to a response matrix (rows = samples, columns = units; widths may differ).
public enum RepresentationComparison {
    /// The registry entries, one per metric.
    public static let metrics: [PairwiseMetric] = [cka, procrustes, cca, svcca, rsa]

    static let samplesOption = MetricOption(
        "samples", default: TrajectorySamples.everyStep.rawValue, .choice(TrajectorySamples.allCases.map(\.rawValue)),
        "every_step: one row per (trial, step); trial_average: one row per step, averaged over trials")

    static let cka = PairwiseMetric(
        name: "cka",
        summary: "linear CKA (Kornblith et al. 2019) between the response matrices: arccos(CKA) in radians (netrep's metric) "
            + "or 1 − CKA; invariant to rotations and isotropic scaling",
        input: .dynamics, agreement: [.trials, .steps],
        options: [MetricOption("score", default: "angular", .choice(["angular", "complement"]),
                               "angular: arccos(CKA); complement: 1 − CKA"), samplesOption],
        compute: { data, settings, context in
            try compute(data, settings, context, metric: .cka(angular: settings.word("score") == "angular"),
                        quantity: settings.word("score") == "angular" ? "arccos(linear CKA) (radians)" : "1 − linear CKA")
        })

    static let procrustes = PairwiseMetric(
        name: "procrustes",
        summary: "Procrustes shape distance (Williams et al. 2021) with partial whitening α: α = 1 rotations only, "
            + "α = 0 invariant to any invertible map (CCA-like); angular (radians) or Euclidean",
        input: .dynamics, agreement: [.trials, .steps],
        options: [MetricOption("alpha", default: "1", .real(minimum: 0, strict: false), "whitening α in [0, 1]"),
                  MetricOption("score", default: "angular", .choice(ProcrustesShapeDistance.Score.allCases.map(\.rawValue)),
                               "angular (radians, a metric) or Euclidean ‖X̃Q − Ỹ‖_F"),
                  samplesOption],
        compute: { data, settings, context in
            let alpha = settings.real("alpha")
            guard alpha <= 1 else { throw ConfigError(key: "--alpha", "is \(alpha) (allowed: a number in 0…1)") }
            let score = ProcrustesShapeDistance.Score(rawValue: settings.word("score")!)!
            return try compute(data, settings, context, metric: .procrustes(alpha: alpha, score: score),
                               quantity: "Procrustes shape distance, α = \(alpha), \(score.rawValue)")
        })

    static let canonicalScores = CanonicalCorrelations.Score.allCases.map(\.rawValue)

    static let cca = PairwiseMetric(
        name: "cca",
        summary: "canonical correlation analysis: 1 − mean canonical correlation, or its arccos (radians)",
        input: .dynamics, agreement: [.trials, .steps],
        options: [MetricOption("score", default: "one_minus_mean", .choice(canonicalScores), "1 − ρ̄ or arccos ρ̄"),
                  samplesOption],
        compute: { data, settings, context in
            let score = CanonicalCorrelations.Score(rawValue: settings.word("score")!)!
            return try compute(data, settings, context, metric: .cca(score: score), quantity: "CCA, \(score.rawValue)")
        })

    static let svcca = PairwiseMetric(
        name: "svcca",
        summary: "SVCCA (Raghu et al. 2017): each side reduced to its leading singular directions, then CCA",
        input: .dynamics, agreement: [.trials, .steps],
        options: [MetricOption("variance", default: "0.99", .real(minimum: 0, strict: true),
                               "keep the fewest directions reaching this fraction of the variance (in (0, 1])"),
                  MetricOption("dimensions", default: "auto", .wordOrInteger("auto", 1...1_000_000),
                               "a fixed number of directions instead of --variance (auto: use --variance)"),
                  MetricOption("score", default: "one_minus_mean", .choice(canonicalScores), "1 − ρ̄ or arccos ρ̄"),
                  samplesOption],
        compute: { data, settings, context in
            let dimensions: SVCCA.Dimensions
            if settings.word("dimensions") == "auto" {
                let fraction = settings.real("variance")
                guard fraction <= 1 else { throw ConfigError(key: "--variance", "is \(fraction) (allowed: a number in (0, 1])") }
                dimensions = .varianceFraction(fraction)
            } else {
                dimensions = .fixed(settings.integer("dimensions"))
            }
            let score = CanonicalCorrelations.Score(rawValue: settings.word("score")!)!
            return try compute(data, settings, context, metric: .svcca(dimensions: dimensions, score: score),
                               quantity: "SVCCA, \(score.rawValue)")
        })

    /// RDMs hold conditions² / 2 entries per network, and Kendall's τ_A costs their square: both are bounded.
    static let rsaConditionLimit = 2_000, kendallConditionLimit = 300

    static let rsa = PairwiseMetric(
        name: "rsa",
        summary: "representational similarity analysis: 1 − the correlation between the networks' RDMs (rows = conditions)",
        input: .dynamics, agreement: [.trials, .steps],
        options: [MetricOption("dissimilarity", default: "correlation",
                               .choice(RepresentationalDissimilarityMatrix.Dissimilarity.allCases.map(\.rawValue)),
                               "RDM entries: 1 − Pearson r between condition patterns, or their Euclidean distance"),
                  MetricOption("comparison", default: "spearman",
                               .choice(RepresentationalSimilarityAnalysis.Comparison.allCases.map(\.rawValue)),
                               "correlation between the RDMs' upper triangles"),
                  MetricOption("samples", default: TrajectorySamples.trialAverage.rawValue,
                               .choice(TrajectorySamples.allCases.map(\.rawValue)),
                               "conditions: trial_average (one per step, averaged over trials) or every_step (one per trial and step)")],
        compute: { data, settings, context in
            let options = RepresentationalSimilarityAnalysis.Options(
                dissimilarity: .init(rawValue: settings.word("dissimilarity")!)!,
                comparison: .init(rawValue: settings.word("comparison")!)!)
            if case .dynamics(let systems) = data, let first = systems.first {
                let conditions = TrajectorySamples(rawValue: settings.word("samples")!)! == .everyStep ? first.trials * first.steps : first.steps
                let limit = options.comparison == .kendallTauA ? kendallConditionLimit : rsaConditionLimit
                guard conditions <= limit else {
                    throw ConfigError(key: "--samples", "gives \(conditions) conditions, more than the \(limit) an RDM comparison by "
                                      + "\(options.comparison.rawValue) allows here (allowed: trial_average, fewer trials or steps, or spearman)")
                }
            }
            return try compute(data, settings, context, metric: .rsa(options),
                               quantity: "RSA, 1 − \(options.comparison.rawValue) correlation of \(options.dissimilarity.rawValue) RDMs")
        })

    /// All pairs of `metric` on the flattened trajectories; input problems are one-line errors naming the file.
    static func compute(_ data: CompareData, _ settings: MetricSettings, _ context: CompareContext, metric: RepresentationMetric,
                        quantity: String) throws -> PairwiseResult {
        guard case .dynamics(let systems) = data else { preconditionFailure("\(quantity) compares trajectories") }
        let samples = TrajectorySamples(rawValue: settings.word("samples")!)!
        context.progress(0)
        let distances: Matrix
        do {
            distances = try RepresentationalSimilarity.allPairs(systems, metric: metric, samples: samples, threads: context.threads)
        } catch let error as RepresentationError {
            throw ConfigError(key: "inputs", named(error, sources: context.sources))
        }
        context.progress(1)
        let pairs = ParallelMap.pairIndices(systems.count)
        return PairwiseResult(distances: distances, quantity: quantity,
                              pairs: pairs.map { ["distance": distances[$0.0, $0.1]] },
                              summary: ["samples": samples.rawValue,
                                        "rows_per_network": samples == .everyStep ? systems[0].trials * systems[0].steps : systems[0].steps,
                                        "units": systems.map(\.units)])
    }

    /// The error's text with `systems[i]` replaced by the i-th input's source.
    static func named(_ error: RepresentationError, sources: [String]) -> String {
        var text = "\(error)"
        for (i, source) in sources.enumerated().reversed() { text = text.replacingOccurrences(of: "systems[\(i)]", with: source) }
        return text
    }
}
