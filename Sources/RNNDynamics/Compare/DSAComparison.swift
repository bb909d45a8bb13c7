import Analysis
import ExperimentKit
import Linalg

/// `rnndyn compare dsa`: dynamical similarity analysis (HAVOK DMD per network, then PAVF or spectral Wasserstein
/// between every pair), with the lab's defaults and refit rule.
public enum DSAComparison {
    /// The registry entry.
    public static let metric = PairwiseMetric(
        name: "dsa",
        summary: "dynamical similarity (Ostrow et al. 2023): HAVOK DMD per network, then the PAVF angular (radians) or "
            + "Euclidean score, or W₂² between the DMD spectra; units and steps may differ between networks",
        input: .dynamics,
        options: [
            MetricOption("n-delays", default: "5", .integer(1...10_000), "delays of the Hankel embedding"),
            MetricOption("delay-interval", default: "1", .integer(1...10_000), "steps between delays"),
            MetricOption("rank", default: "20", .wordOrInteger("full", 1...1_000_000),
                         "DMD rank (capped at units·delays and the samples; must come out equal for every network)"),
            MetricOption("ridge", default: "1e-8", .real(minimum: 0, strict: false), "ridge λ of the DMD regression"),
            MetricOption("score", default: "angular", .choice(DynamicalSimilarity.Score.allCases.map(\.rawValue)), "the DSA score"),
            MetricOption("iters", default: "2000", .integer(1...1_000_000), "L-BFGS steps per PAVF run at most"),
            MetricOption("min-fits", default: "2", .integer(1...1_000), "PAVF fits always made per pair"),
            MetricOption("max-fits", default: "6", .integer(1...1_000), "PAVF fits at most per pair"),
            MetricOption("refit-above", default: "0.15", .real(minimum: 0, strict: false),
                         "refit while the best score is above this (the lab's rule: ≥ 2 fits, up to 6 while angular > 0.15)"),
        ],
        compute: compute)

    /// The DSA options `settings` describe; a bad combination is a one-line `ConfigError`.
    public static func options(_ settings: MetricSettings) throws -> DynamicalSimilarity.Options {
        do {
            let rank: HAVOKOptions.Rank = settings.word("rank") == "full" ? .full : .fixed(settings.integer("rank"))
            let dmd = try HAVOKOptions(delays: settings.integer("n-delays"), interval: settings.integer("delay-interval"), rank: rank,
                                       ridge: settings.real("ridge"))
            let procrustes = try SimilarityTransformDistance.Options(
                maximumIterations: settings.integer("iters"), minimumFits: settings.integer("min-fits"),
                maximumFits: settings.integer("max-fits"), refitAbove: settings.real("refit-above"))
            return DynamicalSimilarity.Options(dmd: dmd, score: DynamicalSimilarity.Score(rawValue: settings.word("score")!)!,
                                               procrustes: procrustes)
        } catch let error as DSAError {
            guard case let .invalidParameter(field, allowed) = error else { throw error }
            let flag = ["fits": "--max-fits", "n_delays": "--n-delays", "delay_interval": "--delay-interval"][field] ?? "--\(field)"
            throw ConfigError(key: flag, "must be \(allowed)")
        }
    }

    /// The most memory the DMD fits running at once may take, in bytes.
    static let embeddingByteLimit = 8 << 30

    static func compute(_ data: CompareData, _ settings: MetricSettings, _ context: CompareContext) throws -> PairwiseResult {
        guard case .dynamics(let systems) = data else { preconditionFailure("dsa compares dynamics") }
        let options = try options(settings)
        let labels = context.labels, sources = context.sources, pairs = ParallelMap.pairIndices(systems.count)
        let total = Double(systems.count + pairs.count)
        for (k, x) in systems.enumerated() where options.dmd.embedding.embeddedSteps(x.steps) < 2 {
            throw ConfigError(key: sources[k], "has \(x.steps) time steps; --n-delays \(options.dmd.embedding.delays) with "
                              + "--delay-interval \(options.dmd.embedding.interval) needs at least "
                              + "\((options.dmd.embedding.delays - 1) * options.dmd.embedding.interval + 2) (allowed: fewer delays or longer trials)")
        }
        // The delay embedding (units·delays × trials·embedded steps), its Gram or SVD and the fit's copies, for the
        // networks fitted at once: refused before any work when it exceeds `embeddingByteLimit`.
        let concurrent = Double(min(context.threads, systems.count))
        for (k, x) in systems.enumerated() {
            let rows = Double(x.units) * Double(options.dmd.embedding.delays)
            let columns = Double(x.trials) * Double(options.dmd.embedding.embeddedSteps(x.steps))
            let bytes = 8 * (2 * rows * columns + 2 * rows * rows + min(rows, columns) * (rows + columns))
            guard bytes * concurrent <= Double(embeddingByteLimit) else {
                throw ConfigError(key: sources[k], String(format: "the delay embedding is %.0f × %.0f and its fit needs %.1f GiB%@ (allowed: at most %d GiB; "
                                                          + "fewer --n-delays, units, trials or --threads)", rows, columns, bytes * concurrent / Double(1 << 30),
                                                          concurrent > 1 ? " on \(Int(concurrent)) threads" : "", embeddingByteLimit >> 30))
            }
        }
        let models = try ParallelMap.map(systems.count, threads: context.threads, progress: { context.progress(Double($0) / total) }) { k in
            do { return try HAVOKModel.fit(systems[k], options: options.dmd) } catch let error as DSAError {
                throw ConfigError(key: sources[k], "\(error)")
            }
        }
        let size = models[0].operatorMatrix.rows
        if let k = models.firstIndex(where: { $0.operatorMatrix.rows != size }) {
            throw ConfigError(key: sources[k], "its DMD has rank \(models[k].operatorMatrix.rows) but \(sources[0])'s has \(size); "
                              + "DSA compares operators of one size (allowed: --rank ≤ the smallest full rank, here "
                              + "\(models.map(\.operatorMatrix.rows).min()!))")
        }
        let fitted = Double(systems.count)
        let results = try ParallelMap.map(pairs.count, threads: context.threads,
                                          progress: { context.progress((fitted + Double($0)) / total) }) { k in
            let (i, j) = pairs[k]
            return try DynamicalSimilarity.compare(models[i], models[j], options: options, streams: context.streams.child("pair-\(i)-\(j)"))
        }
        return result(results, pairs: pairs, models: models, labels: labels, options: options)
    }

    /// The distance matrix, both PAVF scores, per-pair records and per-network DMD diagnostics.
    static func result(_ results: [DynamicalSimilarity.PairComparison], pairs: [(Int, Int)], models: [HAVOKModel], labels: [String],
                       options: DynamicalSimilarity.Options) -> PairwiseResult {
        let m = models.count
        let quantity = options.score == .angular ? "DSA angular score (radians)" : options.score == .euclidean ? "DSA Euclidean score"
            : "DSA spectral W₂²"
        var out = PairwiseResult(distances: PairwiseResult.symmetric(results.map(\.score), pairs: pairs, count: m), quantity: quantity,
                                 pairs: [])
        var unconverged = 0
        for r in results {
            var record: [String: Any] = [:]
            if let p = r.procrustes {
                let best = p.runs[p.bestRun]
                record = ["angular": p.angular, "euclidean": p.euclidean, "fits": p.fits, "runs": p.runs.count,
                          "best_run_start": best.start.rawValue, "best_run_converged": best.converged,
                          "best_run_iterations": best.iterations, "best_run_gradient_norm": best.gradientNorm,
                          "runs_converged": p.runs.filter(\.converged).count]
                if !best.converged { unconverged += 1 }
            }
            out.pairs.append(record)
        }
        if options.score != .wasserstein {
            out.extraMatrices = [
                ExtraMatrix(name: "angular", doc: "PAVF angular score (radians) at the best alignment found [M, M]",
                            values: PairwiseResult.symmetric(results.map { $0.procrustes!.angular }, pairs: pairs, count: m)),
                ExtraMatrix(name: "euclidean", doc: "PAVF Euclidean score on unit-Frobenius operators at the same alignment [M, M]",
                            values: PairwiseResult.symmetric(results.map { $0.procrustes!.euclidean }, pairs: pairs, count: m)),
            ]
        }
        out.summary = ["dmd_fits": zip(labels, models).map { label, model -> [String: Any] in
            let d = model.diagnostics
            return ["label": label, "rank": d.rank, "embedded_dimension": d.embeddedDimension, "samples": d.samples,
                    "regression_pairs": d.regressionPairs, "factorization": d.factorization.rawValue,
                    "explained_variance": d.explainedVariance, "one_step_relative_error": d.oneStepRelativeError]
        }, "operator_size": models[0].operatorMatrix.rows]
        if unconverged > 0 {
            out.notes.append("\(unconverged) of \(results.count) pairs: the best PAVF run stopped before the gradient tolerance (raise --iters)")
        }
        return out
    }
}
