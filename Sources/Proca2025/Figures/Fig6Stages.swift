import ExperimentKit
import Foundation
import Linalg
import Networks
import Tasks
import Training

/// Fig. 6's parameters, read with their declared ranges and checked.
struct Fig6Settings {
    let path: String
    let T: Int, testLengths: [Int], hidden: Int, scale: Double, trials: Int, testTrials: Int
    let eta: [IntegrationTarget: Double], steps: [IntegrationTarget: Int], every: Int
    let stimulus: MultisensoryStimulus
    let svTolerance: Double, ratio: Double, predictionTolerance: Double

    /// Reads every declared parameter of `ProcaFig6` from `p` and finishes it.
    init(_ p: ConfigReader) throws {
        typealias F = ProcaFig6
        path = p.path
        T = try p.read(F.T)
        testLengths = try p.read(F.testLengths).map { d -> Int in
            guard d == d.rounded(), d >= 1, d <= 100_000 else {
                throw ConfigError(key: "\(p.path).test_lengths", "entries must be integers in 1…100000")
            }
            return Int(d)
        }
        guard !testLengths.isEmpty else { throw ConfigError(key: "\(p.path).test_lengths", "needs at least one length") }
        hidden = try p.read(F.hidden)
        scale = try p.read(F.initScale)
        trials = try p.read(F.trainingTrials)
        testTrials = try p.read(F.testTrials)
        eta = [.mean: try p.read(F.meanLearningRate), .sum: try p.read(F.sumLearningRate)]
        steps = [.mean: try p.read(F.meanSteps), .sum: try p.read(F.sumSteps)]
        every = try p.read(F.recordEvery)
        let noise = try p.read(F.noiseStd)
        let coherences = try p.read(F.coherences)
        guard !coherences.isEmpty else { throw ConfigError(key: "\(p.path).coherences", "needs at least one coherence") }
        svTolerance = try p.read(F.svTolerance)
        ratio = try p.read(F.extrapolationRatio)
        predictionTolerance = try p.read(F.predictionTolerance)
        try p.finish()
        stimulus = MultisensoryStimulus(coherences: coherences, noiseStd: noise)
    }
}

/// One target's trained networks and their test losses (the simulation stage of Fig. 6).
struct Fig6TargetRun {
    let target: IntegrationTarget
    let task: SensoryIntegrationTask
    let steps: [Int]
    let loss: [Double]
    /// Singular values of W_h and of W_y W_x at every record.
    let svH: [[Double]], svIO: [[Double]]
    /// Loss on fresh trials [test length, record].
    let testLoss: [[Double]]
}

/// What Fig. 6's stages accumulate: dataset, panels, singular-value evidence, final test losses and the largest gap.
struct Fig6Output {
    var data = Dataset()
    var panelsTop = [Panel](), panelsBottom = [Panel]()
    var svEvidence = [String](), svHolds = true
    var finalTest = [IntegrationTarget: [Double]]()
    var predicted = [Double]()
    var worstGap = 0.0
}

extension ProcaFig6 {
    // MARK: simulate

    /// Trains one target's network and evaluates it on fresh stimuli at every test length.
    static func train(_ s: Fig6Settings, target: IntegrationTarget, context: RunContext) throws -> Fig6TargetRun {
        let task = SensoryIntegrationTask(target: target, timeSteps: s.T, stimulus: s.stimulus)
        let run = try SensoryTraining(task: task, trainingTrials: s.trials, hidden: s.hidden, initScale: s.scale,
                                      learningRate: s.eta[target]!, steps: s.steps[target]!, recordEvery: s.every)
            .run(streams: context.streams)
        if let d = run.divergence {
            throw d.error(stage: "the \(target.rawValue) network", key: "\(target.rawValue)_learning_rate", value: s.eta[target]!)
        }
        // Fresh test stimuli at every test length (their own stream, shared by both targets).
        var testRNG = context.streams.stream("test")
        let tests = s.testLengths.map { task.atLength($0).sample(count: s.testTrials, rng: &testRNG) }
        return Fig6TargetRun(target: target, task: task, steps: run.steps, loss: run.loss,
                             svH: run.networks.map { SensoryTraining.singularValues($0.wh) },
                             svIO: run.networks.map { SensoryTraining.singularValues($0.wy * $0.wx) },
                             testLoss: tests.map { batch in run.networks.map { $0.loss(batch) } })
    }

    // MARK: theory and assembly

    /// Records one target: its arrays, the zero-loss optimum and expected test loss (theory), the singular-value
    /// summary and its two panels.
    static func record(_ s: Fig6Settings, _ run: Fig6TargetRun, into out: inout Fig6Output) {
        let T = s.T, target = run.target, name = target.rawValue, task = run.task
        let svH = run.svH, svIO = run.svIO, testLoss = run.testLoss
        let stepArray = "step_\(name)"
        out.data.add(DataArray(stepArray, run.steps.map(Double.init), doc: "\(name): gradient-descent step of each record"))
        out.data.add(DataArray("sv_Wh_\(name)", rows: SensoryTraining.rows(svH),
                               doc: "\(name): singular values of W_h [index (descending), record]"))
        out.data.add(DataArray("sv_WyWx_\(name)", rows: SensoryTraining.rows(svIO),
                               doc: "\(name): singular values of the input–output map W_y W_x [index (descending), record]"))
        out.data.add(DataArray("loss_train_\(name)", run.loss, doc: "\(name): training loss (length T = \(T)) at each record"))
        out.data.add(DataArray("loss_test_\(name)", rows: testLoss,
                               doc: "\(name): loss on \(s.testTrials) fresh trials of length T′ [test length (test_lengths order), record]"))
        let bStar = 1.0, acStar = target == .mean ? 1 / Double(T) : 1.0
        out.data.add(DataArray("optimum_b_\(name)", [Double](repeating: bStar, count: run.steps.count),
                               doc: "\(name): zero-loss recurrent singular value b* = 1 at each record"))
        out.data.add(DataArray("optimum_ac_\(name)", [Double](repeating: acStar, count: run.steps.count),
                               doc: "\(name): zero-loss input–output singular value ac* (1/T mean, 1 sum) at each record"))
        // The zero-loss network (W_h = I, W_y W_x = ac* I) at length T′: gains ac* at every lag.
        let expected = s.testLengths.map { Tp in
            SensoryMoments.expectedLoss(s.stimulus, gains: [Double](repeating: acStar, count: Tp),
                                        weights: target.weights(timeSteps: Tp))
        }
        out.data.add(DataArray("loss_test_theory_\(name)", rows: expected.map { [Double](repeating: $0, count: run.steps.count) },
                               doc: "\(name): expected loss of the zero-loss network at each T′ [test length, record] (constant)"))
        if target == .mean { out.predicted = expected }

        // Singular values at the end of training vs the optimum.
        let lastH = Array(svH.last!.prefix(task.inputDimension)), lastIO = svIO.last!
        let gapH = lastH.map { abs($0 - bStar) / bStar }.max() ?? 0
        let gapIO = lastIO.map { abs($0 - acStar) / acStar }.max() ?? 0
        out.worstGap = max(out.worstGap, gapH, gapIO)
        out.svHolds = out.svHolds && gapH <= s.svTolerance && gapIO <= s.svTolerance
        out.svEvidence.append("\(name): W_h SVs \(fmt(lastH)) (b* = 1), W_yW_x SVs \(fmt(lastIO)) (ac* = \(fmt(acStar)))"
                              + " after \(run.steps.last!) steps at η = \(s.eta[target]!)")
        out.finalTest[target] = testLoss.map { $0.last! }

        var top = [Series]()
        for i in 0..<s.hidden { top.append(Series("W_h SVs", x: stepArray, y: "sv_Wh_\(name)", yRow: i, style: .simulation, group: 0)) }
        for i in 0..<min(s.hidden, task.inputDimension) {
            top.append(Series("W_yW_x SVs", x: stepArray, y: "sv_WyWx_\(name)", yRow: i, style: .simulation, group: 1))
        }
        let optimum = "optimum (b* = 1, ac* = \(fmt(acStar)))"
        top += [Series(optimum, x: stepArray, y: "optimum_b_\(name)", style: .reference, group: 0),
                Series(optimum, x: stepArray, y: "optimum_ac_\(name)", style: .reference, group: 1)]
        out.panelsTop.append(Panel(title: "\(name): network singular values", xLabel: "training step", yLabel: "singular value",
                                   content: .lines(top)))
        var bottom = [Series("T = \(T) (training)", x: stepArray, y: "loss_train_\(name)", style: .simulation, group: 0)]
        for (j, Tp) in s.testLengths.enumerated() {
            bottom.append(Series("T′ = \(Tp)", x: stepArray, y: "loss_test_\(name)", yRow: j, style: .simulation, group: j + 1))
            if expected[j] > 0 {
                bottom.append(Series("zero-loss network", x: stepArray, y: "loss_test_theory_\(name)", yRow: j,
                                     style: .theory, group: j + 1))
            }
        }
        out.panelsBottom.append(Panel(title: "\(name): loss at training and test lengths", xLabel: "training step", yLabel: "loss",
                                      yScale: .log, content: .lines(bottom)))
    }

    // MARK: checks

    /// The three claims: optima reached, sum extrapolates and mean does not, mean's loss matches the zero-loss network's.
    /// Folds the prediction gaps into `out.worstGap`.
    static func checks(_ s: Fig6Settings, _ out: inout Fig6Output) -> [ClaimCheck] {
        let testLengths = s.testLengths, ratio = s.ratio, predicted = out.predicted
        let mean = out.finalTest[.mean]!, sum = out.finalTest[.sum]!
        let predictionGaps = zip(mean, predicted).map { abs($0 - $1) / $1 }
        out.worstGap = max(out.worstGap, predictionGaps.max() ?? 0)
        let ratios = zip(sum, mean).map { $0 / $1 }
        let grows = zip(mean, mean.dropFirst()).allSatisfy { $0 < $1 } && zip(testLengths, testLengths.dropFirst()).allSatisfy { $0 < $1 }
        let lastIndex = testLengths.count - 1
        return [
            ClaimCheck(claim: "Recurrent singular values reach b* = 1 and input–output singular values reach ac* = 1/T (mean) or 1 (sum)",
                       holds: out.svHolds, evidence: out.svEvidence.joined(separator: "; ") + "; tolerance \(s.svTolerance) relative"),
            ClaimCheck(claim: "Sum extrapolates and mean does not: sum's loss at every T′ is orders of magnitude below mean's",
                       holds: ratios.allSatisfy { $0 < ratio },
                       evidence: "loss at T′ = \(testLengths[lastIndex]) is \(sci(sum[lastIndex])) (sum) vs \(sci(mean[lastIndex])) (mean); "
                           + "sum/mean at T′ = \(testLengths.map(String.init).joined(separator: ", ")): \(ratios.map(sci).joined(separator: ", ")) (threshold \(ratio))"),
            ClaimCheck(claim: "Mean's extrapolation loss grows with T′ and equals that of the zero-loss network (W_h = I, W_yW_x = I/T)",
                       holds: grows && predictionGaps.allSatisfy { $0 <= s.predictionTolerance },
                       evidence: "mean's loss at T′ = \(testLengths.map(String.init).joined(separator: ", ")): \(mean.map(sci).joined(separator: ", ")); "
                           + "predicted \(predicted.map(sci).joined(separator: ", ")) (relative gaps \(predictionGaps.map(sci).joined(separator: ", ")))"),
        ]
    }
}

private func fmt(_ x: Double) -> String { String(format: "%.3g", x) }
private func fmt(_ xs: [Double]) -> String { "[" + xs.map { fmt($0) }.joined(separator: ", ") + "]" }
private func sci(_ x: Double) -> String { String(format: "%.2e", x) }
