import Analysis
import ExperimentKit
import Tasks

/// The parameters every degeneracy experiment shares (network, training recipe, measurement, bootstrap), declared
/// once. Quick: small networks on short trials with few seeds; full: the paper's scale (128 units, 50 seeds, the
/// lab's Adam 1e-3, clip 1, 128-step epochs, ReduceLROnPlateau 0.5 / 40, patience 3 epochs, DSA n_delays 5, rank 20,
/// angular, ≥ 2 fits up to 6 while above 0.15, on 32 probe trials × 50 steps).
enum DegeneracyParameters {
    static let seeds = Parameter.int("seeds", 4, full: 50, in: 2...1000, doc: "networks trained per condition (from independent seeds)")
    static let width = Parameter.int("width", 24, full: 128, in: 2...4096, unit: "units", doc: "hidden units n of every tanh RNN")
    static let batchSize = Parameter.int("batch_size", 32, full: 64, in: 1...100_000, doc: "fresh trials per optimizer step")
    static let learningRate = Parameter.double("learning_rate", 0.003, full: 0.001, in: 1e-8...10, doc: "Adam learning rate")
    static let clipNorm = Parameter.double("clip_grad_norm", 1, in: 0...1e6, doc: "global gradient-norm clip (0: none)")
    static let stepsPerEpoch = Parameter.int("steps_per_epoch", 32, full: 128, in: 1...1_000_000,
                                             doc: "optimizer steps per epoch (the stopping rule and the LR schedule act at epoch ends)")
    static let patienceEpochs = Parameter.int("patience_epochs", 3, in: 0...1000,
                                              doc: "epochs the loss must stay at or below the threshold before a run stops (converged)")
    static let maxSteps = Parameter.int("max_steps", 4000, full: 128_000, in: 1...100_000_000,
                                        doc: "step budget; a run still above its threshold here has not converged")
    static let plateauFactor = Parameter.double("plateau_factor", 0.5, in: 0...0.999, doc: "ReduceLROnPlateau factor")
    static let plateauPatience = Parameter.int("plateau_patience", 10, full: 40, in: 0...100_000, doc: "ReduceLROnPlateau patience (epochs)")
    static let evalTrials = Parameter.int("eval_trials", 64, full: 256, in: 1...100_000,
                                          doc: "fresh trials of the final train-MSE and OOD-MSE evaluations (each)")
    static let probeTrials = Parameter.int("probe_trials", 64, full: 32, in: 1...10_000,
                                           doc: "probe trials per condition (shared by its seeds) whose hidden states DSA compares (quick: more trials of shorter T, so the self-DSA null stays below the between-seed mean)")
    static let probeSteps = Parameter.int("probe_steps", 30, full: 50, in: 2...100_000,
                                          doc: "first steps of each probe trial used by DSA (at most the trial length)")
    static let kernelTrials = Parameter.int("kernel_trials", 2, full: 4, in: 0...1000,
                                            doc: "first probe trials of the NTK kernel alignment (0: not measured)")
    static let dsaDelays = Parameter.int("dsa_n_delays", 5, in: 1...1000, doc: "DSA: delays of the Hankel embedding")
    static let dsaRank = Parameter.int("dsa_rank", 10, full: 20, in: 1...100_000, doc: "DSA: HAVOK rank (≤ width·delays)")
    static let dsaScore = Parameter.string("dsa_score", "angular", allowed: ["angular", "euclidean"], doc: "DSA: PAVF score")
    static let dsaIters = Parameter.int("dsa_iters", 2000, in: 1...1_000_000, doc: "DSA: L-BFGS steps per PAVF run at most")
    static let dsaMinFits = Parameter.int("dsa_min_fits", 2, in: 1...100, doc: "DSA: PAVF fits always made per pair")
    static let dsaMaxFits = Parameter.int("dsa_max_fits", 6, in: 1...100, doc: "DSA: PAVF fits at most per pair")
    static let dsaRefitAbove = Parameter.double("dsa_refit_above", 0.15, in: 0...10,
                                                doc: "DSA: refit while the best score is above this (the lab's rule)")
    static let pifRandomStarts = Parameter.int("pif_random_starts", 2, in: 0...100, doc: "PIF: random Frank–Wolfe starts per pair (besides barycenter and signature)")
    static let resamples = Parameter.int("bootstrap_resamples", 1000, full: 2000, in: 10...1_000_000, doc: "seed-bootstrap resamples of every trend")
    static let holdFraction = Parameter.double("hold_fraction", 0.9, in: 0.5...1,
                                               doc: "a trend holds when at least this fraction of seed resamples has the claimed slope sign")

    /// The declarations, in order.
    static let all: [ParameterDeclaration] = [
        .init(seeds), .init(width), .init(batchSize), .init(learningRate), .init(clipNorm), .init(stepsPerEpoch),
        .init(patienceEpochs), .init(maxSteps), .init(plateauFactor), .init(plateauPatience), .init(evalTrials),
        .init(probeTrials), .init(probeSteps), .init(kernelTrials), .init(dsaDelays), .init(dsaRank), .init(dsaScore),
        .init(dsaIters), .init(dsaMinFits), .init(dsaMaxFits), .init(dsaRefitAbove), .init(pifRandomStarts),
        .init(resamples), .init(holdFraction),
    ]

    /// The shared parameters as read: the training recipe (threshold set per condition), seeds and measurement.
    struct Shared {
        var recipe: DegeneracyTraining
        var seeds: Int
        var measurement: DegeneracyMeasurement
    }

    /// Reads the shared parameters; a bad DSA combination is a one-line `ConfigError` at its key.
    static func read(_ p: ConfigReader) throws -> Shared {
        let recipe = DegeneracyTraining(
            width: try p.read(width), batchSize: try p.read(batchSize), learningRate: try p.read(learningRate),
            clipNorm: try p.read(clipNorm), stepsPerEpoch: try p.read(stepsPerEpoch), lossThreshold: 0,
            patienceEpochs: try p.read(patienceEpochs), maxSteps: try p.read(maxSteps), plateauFactor: try p.read(plateauFactor),
            plateauPatience: try p.read(plateauPatience))
        let seedCount = try p.read(seeds)
        let evaluation = try p.read(evalTrials), probe = try p.read(probeTrials), steps = try p.read(probeSteps)
        let kernel = try p.read(kernelTrials)
        let delays = try p.read(dsaDelays), rank = try p.read(dsaRank), score = try p.read(dsaScore)
        let iters = try p.read(dsaIters), minFits = try p.read(dsaMinFits), maxFits = try p.read(dsaMaxFits)
        let refit = try p.read(dsaRefitAbove)
        let starts = try p.read(pifRandomStarts), boot = try p.read(resamples), hold = try p.read(holdFraction)
        guard kernel <= probe else { throw ConfigError(key: "\(p.path).\(kernelTrials.key)", "\(kernel) exceeds probe_trials = \(probe) (allowed: 0…\(probe))") }
        guard maxFits >= minFits else { throw ConfigError(key: "\(p.path).\(dsaMaxFits.key)", "\(maxFits) is below dsa_min_fits = \(minFits) (allowed: ≥ \(minFits))") }
        guard rank <= recipe.width * delays else {
            throw ConfigError(key: "\(p.path).\(dsaRank.key)", "\(rank) exceeds width·dsa_n_delays = \(recipe.width * delays) (allowed: 1…\(recipe.width * delays))")
        }
        let dsa = DynamicalSimilarity.Options(
            dmd: try HAVOKOptions(delays: delays, rank: .fixed(rank)), score: DynamicalSimilarity.Score(rawValue: score)!,
            procrustes: try SimilarityTransformDistance.Options(maximumIterations: iters, minimumFits: minFits,
                                                                maximumFits: maxFits, refitAbove: refit))
        return Shared(recipe: recipe, seeds: seedCount,
                      measurement: DegeneracyMeasurement(evalTrials: evaluation, probeTrials: probe, probeSteps: steps,
                                                         kernelTrials: kernel, dsa: dsa, pifRandomStarts: starts,
                                                         bootstrapResamples: boot, holdFraction: hold))
    }
}

extension DegeneracyParameters {
    /// Why a plan is below the paper's scale, or nil at it: fewer than 50 seeds, networks narrower than 128 units
    /// (unless width is the knob), or a loss threshold above the paper's (`thresholds`: task name, value used, paper's).
    static func scaleNote(_ shared: Shared, thresholds: [(task: String, used: Double, paper: Double)],
                          widthIsKnob: Bool = false) -> String? {
        var reasons: [String] = []
        if shared.seeds < 50 { reasons.append("\(shared.seeds) seeds per level (the paper: 50)") }
        if !widthIsKnob && shared.recipe.width < 128 { reasons.append("\(shared.recipe.width) units (the paper: 128)") }
        for t in thresholds where t.used > t.paper {
            reasons.append("\(t.task) threshold \(Huang2025.label(t.used)) (the paper: \(Huang2025.label(t.paper)))")
        }
        guard !reasons.isEmpty else { return nil }
        return "below the paper's scale — " + reasons.joined(separator: ", ")
            + "; the direction is measured and reported with its numbers, but at this scale it cannot confirm or contradict the paper"
    }
}

extension DegeneracyParameters {
    /// A knob's integer levels in `range`: none (the group is left out) or at least two.
    static func integerLevels(_ p: ConfigReader, _ param: Parameter<[Double]>, in range: ClosedRange<Int>) throws -> [Int] {
        try levels(p, param, allowed: "integers in \(range.lowerBound)…\(range.upperBound)") { $0 == $0.rounded() && range.contains(Int($0)) }
            .map { Int($0) }
    }

    /// A knob's levels that pass `valid` (`allowed` words it), distinct and increasing: none or at least two.
    static func levels(_ p: ConfigReader, _ param: Parameter<[Double]>, allowed: String, valid: (Double) -> Bool) throws -> [Double] {
        let xs = try p.read(param), key = "\(p.path).\(param.key)"
        guard xs.isEmpty || xs.count >= 2 else { throw ConfigError(key: key, "has 1 level (allowed: none, or ≥ 2 levels)") }
        for x in xs where !valid(x) { throw ConfigError(key: key, "\(x) is not allowed (allowed: \(allowed))") }
        guard zip(xs, xs.dropFirst()).allSatisfy({ $0 < $1 }) else { throw ConfigError(key: key, "levels \(xs) are not increasing (allowed: increasing \(allowed))") }
        return xs
    }

    /// Checks that the probe window of `task` is long enough for the DSA delay embedding.
    static func checkProbe(_ p: ConfigReader, _ task: NeuroscienceTaskChoice, _ m: DegeneracyMeasurement) throws {
        let steps = min(m.probeSteps, task.task.timeSteps), delays = m.dsa.dmd.embedding.delays
        guard steps >= delays + 1 else {
            throw ConfigError(key: "\(p.path).\(probeSteps.key)",
                              "\(steps) probe steps (\(task.key) T = \(task.task.timeSteps)) are too few for dsa_n_delays = \(delays) (allowed: ≥ \(delays + 1))")
        }
    }
}
