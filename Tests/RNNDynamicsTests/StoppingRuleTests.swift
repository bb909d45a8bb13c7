import Foundation
import Testing
@testable import Linalg
@testable import Networks
@testable import RNNDynamics
@testable import Tasks
@testable import Training

/// A source with a scripted loss per step and the gradient e₁₁ on W_h (zero elsewhere); it logs W_h[0, 0] at every
/// evaluation, so the step size of each update can be read off exactly.
struct ScriptedLossSource: GradientSource {
    let script: [Double]
    var seen: [Double] = []

    mutating func lossAndGradient(_ model: LinearRNN, step: Int, into gradients: inout [Matrix]) -> Double {
        seen.append(model.wh[0, 0])
        for i in gradients.indices { gradients[i].storage.withUnsafeMutableBufferPointer { $0.update(repeating: 0) } }
        gradients[1][0, 0] = 1
        return script[min(step, script.count - 1)]
    }

    var maxAbsState: Double { 0 }
}

@Suite(.serialized) struct StoppingRuleTests {
    static let tiny = LinearRNN(wx: Matrix(rows: 1, cols: 1), wh: Matrix(rows: 1, cols: 1), wy: Matrix(rows: 1, cols: 1))

    static func scripted(_ losses: [Double], steps: Int, stopping: StoppingRules = .none, schedule: LearningRateSchedule = .constant,
                         lr: Double = 0.1) -> (TrainingRun<LinearRNN>, ScriptedLossSource) {
        var src = ScriptedLossSource(script: losses)
        var rec = Recorder<LinearRNN>(schedule: .steps([]))
        let run = Trainer.train(tiny, source: &src, options: TrainingOptions(steps: steps, optimizer: Optimizer(.gd, learningRate: lr),
                                                                             stopping: stopping, schedule: schedule), recorder: &rec)
        return (run, src)
    }

    /// Population GD on a two-mode task: a deterministic, smoothly decreasing loss.
    static func populationRun(steps: Int, stopping: StoppingRules = .none) throws -> TrainingRun<LinearRNN> {
        var rng = RandomStreams(seed: 11).stream("stop")
        let task = try SingularValueTask(singularValues: [[0.3, 0.5, 1.0], [0.7, 0.7, 0.7]], nx: 3, ny: 2, rng: &rng)
        let net = Initializer.unaligned(nx: 3, nh: 4, ny: 2, scale: 0.3, rng: &rng)
        var src = PopulationGradient(task: task.population, model: net)
        var rec = Recorder<LinearRNN>(schedule: .logSpaced(count: 12))
        return Trainer.train(net, source: &src, options: TrainingOptions(steps: steps, optimizer: Optimizer(.gd, learningRate: 0.05),
                                                                         stopping: stopping), recorder: &rec)
    }

    @Test func thresholdWithPatienceStopsAtTheExpectedStepOfARealRun() throws {
        let full = try Self.populationRun(steps: 600)
        #expect(full.stop == .completed && full.losses.count == 601)
        let threshold = full.losses[200] * 1.0000001, patience = 37
        // Independent reading of the rule: the first step s whose window s − patience … s is entirely ≤ threshold.
        let expected = (patience...600).first { s in full.losses[(s - patience)...s].allSatisfy { $0 <= threshold } }!
        #expect(expected > patience && expected < 600)
        let run = try Self.populationRun(steps: 600, stopping: StoppingRules(lossThreshold: threshold, patience: .steps(patience)))
        #expect(run.stop == .lossThreshold(step: expected))
        #expect(run.losses.count == expected + 1)
        #expect(run.losses.elementsEqual(full.losses[0...expected]) { $0.bitPattern == $1.bitPattern })
        // The returned model is the one after `expected` updates, and the stop step is recorded.
        let prefix = try Self.populationRun(steps: expected)
        #expect(run.model == prefix.model)
        #expect(run.recording.steps.last == expected && run.recording.parameters["Wh"]!.last! == run.model.wh.storage)
    }

    @Test func aLossAboveTheThresholdResetsThePatience() {
        // Threshold 1, patience 3: steps 2–3 are below but step 4 rises above, so the window restarts at step 5 and the
        // run stops at 5 + 3 = 8 (a rule without the reset would stop at step 5 or 6).
        let losses = [5, 4, 0.9, 0.8, 1.2, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1]
        let (run, _) = Self.scripted(losses, steps: 100, stopping: StoppingRules(lossThreshold: 1, patience: .steps(3)))
        #expect(run.stop == .lossThreshold(step: 8))
        #expect(run.losses == Array(losses[0...8]))
        // Patience 0 stops at the first loss at or below the threshold (≤, not <).
        let (zero, _) = Self.scripted(losses, steps: 100, stopping: StoppingRules(lossThreshold: 0.9, patience: .steps(0)))
        #expect(zero.stop == .lossThreshold(step: 2))
    }

    @Test func patienceInEpochs() {
        #expect(Patience.epochs(3, stepsPerEpoch: 50).steps == 150)
        // First loss ≤ 0.5 at step 4; 2 epochs of 3 steps = 6 more steps: stop at step 10.
        let losses = (0..<40).map { 1.0 / Double($0 + 1) }
        let (run, _) = Self.scripted(losses, steps: 100, stopping: StoppingRules(lossThreshold: 0.2, patience: .epochs(2, stepsPerEpoch: 3)))
        #expect(run.stop == .lossThreshold(step: 10) && run.losses.count == 11)
    }

    @Test func wallTimeBudget() throws {
        // A zero budget stops after the first update.
        let run = try Self.populationRun(steps: 500, stopping: StoppingRules(wallTimeSeconds: 0))
        guard case let .wallTime(step, seconds) = run.stop else { Issue.record("expected a wall-time stop, got \(run.stop)"); return }
        #expect(step == 1 && seconds >= 0 && seconds < 60)
        #expect(run.losses.count == 2 && run.recording.steps == [0, 1])
        // A budget that is not used up changes nothing.
        let long = try Self.populationRun(steps: 50, stopping: StoppingRules(wallTimeSeconds: 3600))
        #expect(long.stop == .completed && long.losses.count == 51)
    }

    @Test func maxStepsAndInactiveRulesLeaveTheRunUnchanged() throws {
        let plain = try Self.populationRun(steps: 37)
        #expect(plain.stop == .completed && plain.losses.count == 38 && plain.recording.steps.last == 37)
        // A threshold never reached and a generous budget: same trajectory, bit for bit.
        let ruled = try Self.populationRun(steps: 37, stopping: StoppingRules(lossThreshold: -1, patience: .steps(2), wallTimeSeconds: 3600))
        #expect(ruled.stop == .completed && ruled.model == plain.model && ruled.recording == plain.recording)
        #expect(ruled.losses.elementsEqual(plain.losses) { $0.bitPattern == $1.bitPattern })
        #expect(plain.finalLearningRate == 0.05)
    }

    /// The training loop as it was before stopping rules, schedules and clipping (commit 8bf3548), recording the
    /// penalty series added later (issue 14) alongside the unchanged total loss.
    static func legacyTrain<S: GradientSource>(_ model: S.Model, source: inout S, options: TrainingOptions,
                                               recorder: inout Recorder<S.Model>) -> (S.Model, [Double], Recording) {
        var model = model, optimizer = options.optimizer
        var gradients = model.parameters.map { Matrix(rows: $0.rows, cols: $0.cols) }
        var lastGood = model.parameters, losses = [Double](), initialLoss = Double.nan
        recorder.begin(totalSteps: options.steps)
        for step in 0...options.steps {
            var loss = source.lossAndGradient(model, step: step, into: &gradients), penalty = 0.0
            for r in options.regularizers {
                let p = r.apply(to: model, gradients: &gradients)
                loss += p
                penalty += p
            }
            if step == 0 { initialLoss = loss }
            if Trainer.diagnose(loss: loss, initialLoss: initialLoss, state: source.maxAbsState, gradients: gradients,
                                limits: options.divergence) != nil {
                if step > 0 { model.setParameters(lastGood) }
                break
            }
            losses.append(loss)
            if recorder.wants(step) { recorder.record(step: step, loss: loss, penalty: penalty, model: model) }
            if step == options.steps { break }
            lastGood = model.parameters
            optimizer.step(&model, gradients: gradients)
        }
        return (model, losses, recorder.recording)
    }

    @Test(arguments: [OptimizerKind.gd, .adam])
    func defaultsReproduceTheOldLoopBitForBit(kind: OptimizerKind) throws {
        var rng = RandomStreams(seed: 12).stream("legacy")
        let task = try SingularValueTask(singularValues: [[0.5, 1.0, 1.5]], nx: 2, ny: 2, rng: &rng)
        let batch = try task.sample(count: 32, rng: &rng)
        let net = Initializer.unaligned(nx: 2, nh: 3, ny: 2, scale: 0.4, rng: &rng)
        let opts = TrainingOptions(steps: 120, optimizer: Optimizer(kind, learningRate: 0.02), regularizers: [L2Penalty(strength: 0.01)])
        var a = MinibatchGradient(data: batch, batchSize: 8, model: net, rng: RandomStreams(seed: 1).stream("b"))
        var b = a
        var recA = Recorder<LinearRNN>(schedule: .logSpaced(count: 9)), recB = recA
        let run = Trainer.train(net, source: &a, options: opts, recorder: &recA)
        let (model, losses, recording) = Self.legacyTrain(net, source: &b, options: opts, recorder: &recB)
        #expect(run.stop == .completed && run.model == model && run.recording == recording)
        #expect(run.losses.count == 121 && run.losses.elementsEqual(losses) { $0.bitPattern == $1.bitPattern })
        #expect(run.finalLearningRate == 0.02)
    }

    @Test func clippingScalesTheGlobalNormExactly() {
        var rng = RandomStreams(seed: 13).stream("clip")
        let original = [rng.gaussianMatrix(rows: 3, cols: 2), 5 * rng.gaussianMatrix(rows: 4, cols: 4), rng.gaussianMatrix(rows: 1, cols: 3)]
        let norm = GradientClipping.globalNorm(original)
        let direct = original.map { $0.storage.map { $0 * $0 }.reduce(0, +) }.reduce(0, +).squareRoot()
        #expect(abs(norm - direct) <= 1e-14 * direct)
        // PyTorch's rule: scale = max_norm / (norm + 1e-6), one factor for all blocks.
        var g = original
        let maxNorm = 0.25
        #expect(GradientClipping.clipGlobalNorm(&g, maxNorm: maxNorm) == norm)
        let after = GradientClipping.globalNorm(g)
        #expect(abs(after - maxNorm * norm / (norm + 1e-6)) <= 1e-12 * maxNorm)
        let scale = maxNorm / (norm + 1e-6)
        for (c, o) in zip(g, original) { #expect(c.storage == o.storage.map { $0 * scale }) }   // direction unchanged
        // For a large norm the 1e-6 is negligible: the clipped norm is max_norm to 1e-12.
        var big = original.map { 1e7 * $0 }
        GradientClipping.clipGlobalNorm(&big, maxNorm: 1)
        #expect(abs(GradientClipping.globalNorm(big) - 1) <= 1e-12)
        // Within the bound nothing changes, bit for bit.
        var small = original
        GradientClipping.clipGlobalNorm(&small, maxNorm: 2 * norm)
        #expect(small == original)
    }

    @Test func trainerClipsBeforeTheUpdate() throws {
        var rng = RandomStreams(seed: 14).stream("clip-train")
        let batch = randomBatch(nx: 2, ny: 2, T: 4, P: 6, perStepTargets: false, rng: &rng)
        let net = Initializer.unaligned(nx: 2, nh: 3, ny: 2, scale: 1, rng: &rng)
        var ws = net.makeWorkspace(for: batch)
        _ = net.lossAndGradient(batch, workspace: &ws)
        var g = ws.gradients
        let norm = GradientClipping.clipGlobalNorm(&g, maxNorm: 1e-3)
        #expect(norm > 1e-2)   // the bound is active
        var manual = net
        var opt = Optimizer(.gd, learningRate: 0.1)
        opt.step(&manual, gradients: g)
        var src = FullBatchGradient(batch: batch, model: net)
        var rec = Recorder<LinearRNN>(schedule: .steps([]))
        let run = Trainer.train(net, source: &src, options: TrainingOptions(steps: 1, optimizer: Optimizer(.gd, learningRate: 0.1), clipGradNorm: 1e-3),
                                recorder: &rec)
        #expect(run.model == manual)
    }

    @Test func frozenBlocksDoNotMove() throws {
        var rng = RandomStreams(seed: 15).stream("freeze")
        let batch = randomBatch(nx: 2, ny: 2, T: 3, P: 5, perStepTargets: false, rng: &rng)
        let net = Initializer.unaligned(nx: 2, nh: 3, ny: 2, scale: 0.5, rng: &rng)
        var src = BlockFreezingGradient(FullBatchGradient(batch: batch, model: net), frozenBlocks: [0, 2])
        var rec = Recorder<LinearRNN>(schedule: .steps([]))
        let run = Trainer.train(net, source: &src, options: TrainingOptions(steps: 20, optimizer: Optimizer(.adam, learningRate: 0.05)), recorder: &rec)
        #expect(run.model.wx == net.wx && run.model.wy == net.wy && run.model.wh != net.wh)
    }

    /// Replays `metrics` through `scheduler` from `lr` and returns the rate after each epoch.
    static func replay(_ scheduler: ReduceLROnPlateau, _ metrics: [Double], lr: Double) -> [Double] {
        var s = scheduler, lr = lr
        return metrics.map { lr = s.step($0, learningRate: lr); return lr }
    }

    @Test func reduceOnPlateauFollowsPyTorchExactlyInRelMode() {
        // factor 0.5, patience 2, threshold 0.1 (rel: better iff loss < best·0.9), cooldown 1, min_lr 0.03, lr 0.2.
        // Derived by hand from torch.optim.lr_scheduler.ReduceLROnPlateau.step (bad = num_bad_epochs, cd = cooldown_counter):
        //  e1  10    better (best ∞)                best 10,    bad 0            lr 0.2
        //  e2  9.5   9.5 < 9.0? no                  bad 1                        0.2
        //  e3  9.05  no                             bad 2                        0.2
        //  e4  8.99  8.99 < 9.0 yes                 best 8.99,  bad 0            0.2
        //  e5  8.5   8.5 < 8.091? no                bad 1                        0.2
        //  e6  8.2   no                             bad 2                        0.2
        //  e7  8.1   no                             bad 3 > 2 → reduce, cd 1     0.1
        //  e8  9     no → bad 1; cooldown: cd 0, bad 0                           0.1
        //  e9  9     bad 1;  e10 9: bad 2                                        0.1, 0.1
        //  e11 9     bad 3 → reduce (0.05), cd 1                                 0.05
        //  e12 1     1 < 8.091 yes, best 1; cooldown: cd 0, bad 0                0.05
        //  e13–e14 0.95  0.95 < 0.9? no: bad 1, 2                                0.05, 0.05
        //  e15 0.95  bad 3 → max(0.025, 0.03) = 0.03; 0.05 − 0.03 > 1e-8        0.03, cd 1
        //  e16 0.95  bad 1 → cooldown: cd 0, bad 0                               0.03
        //  e17–e18   bad 1, 2                                                    0.03, 0.03
        //  e19 0.95  bad 3 → max(0.015, 0.03) = 0.03; 0.03 − 0.03 = 0 ≤ eps: kept, cd 1     0.03
        //  e20 0.5   0.5 < 0.9 yes, best 0.5; cooldown: cd 0                     0.03
        let metrics = [10, 9.5, 9.05, 8.99, 8.5, 8.2, 8.1, 9, 9, 9, 9, 1, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.5]
        let expected = [0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.05, 0.03, 0.03, 0.03, 0.03, 0.03, 0.03]
        let scheduler = ReduceLROnPlateau(factor: 0.5, patience: 2, threshold: 0.1, cooldown: 1, minLR: 0.03)
        #expect(Self.replay(scheduler, metrics, lr: 0.2) == expected)
        var s = scheduler
        for m in metrics { _ = s.step(m, learningRate: 1) }
        #expect(s.best == 0.5 && s.badEpochs == 0 && s.cooldownCounter == 0)
    }

    @Test func reduceOnPlateauFollowsPyTorchExactlyInAbsModeAndHonoursEps() {
        // factor 0.1, patience 0, threshold 0.5 abs (better iff loss < best − 0.5), lr 1 (all values exact in binary):
        //  4 → better (best 4)                                   1
        //  3.5 → 3.5 < 3.5? no (strict): bad 1 > 0 → 1·0.1       0.1
        //  3.4 → 3.4 < 3.5 yes (best 3.4)                        0.1
        //  3.0 → 3.0 < 2.9? no → reduce: 0.1·0.1 (float64)       0.1 * 0.1
        //  2.8 → 2.8 < 2.9 yes                                   0.1 * 0.1
        let abs = ReduceLROnPlateau(factor: 0.1, patience: 0, threshold: 0.5, thresholdMode: .abs)
        #expect(Self.replay(abs, [4, 3.5, 3.4, 3.0, 2.8], lr: 1) == [1, 0.1, 0.1, 0.1 * 0.1, 0.1 * 0.1])
        // eps = 1e-8: a reduction from 1.5e-8 to 0.75e-8 is too small to apply; from 3e-8 to 1.5e-8 it is applied.
        let halve = ReduceLROnPlateau(factor: 0.5, patience: 0)
        #expect(Self.replay(halve, [1, 1, 1], lr: 1.5e-8) == [1.5e-8, 1.5e-8, 1.5e-8])
        #expect(Self.replay(halve, [1, 1], lr: 3e-8) == [3e-8, 1.5e-8])
    }

    @Test func trainerStepsThePlateauSchedulerOncePerEpoch() {
        // Epochs of 2 steps: the scheduler sees the losses of steps 2, 4, 6, … = 5, 5, 5, 5, 5 (patience 1, factor 0.5):
        // epoch 1 sets best 5, epoch 2 is bad (1), epoch 3 is bad (2 > 1) → 0.1 → 0.05, epoch 4 bad 1, epoch 5 bad 2 → 0.025.
        // So updates 0–5 use 0.1, 6–9 use 0.05, and 10–11 use 0.025; steps 1, 3, … carry losses the scheduler never sees.
        let losses = (0...12).map { $0 % 2 == 0 ? 5.0 : 1.0 }
        let plateau = LearningRateSchedule.reduceOnPlateau(ReduceLROnPlateau(factor: 0.5, patience: 1), stepsPerEpoch: 2)
        let (run, src) = Self.scripted(losses, steps: 12, schedule: plateau, lr: 0.1)
        let rates = [Double](repeating: 0.1, count: 6) + [Double](repeating: 0.05, count: 4) + [0.025, 0.025]
        var w = 0.0, expected = [0.0]
        for lr in rates { w -= lr * 1; expected.append(w) }
        #expect(src.seen == expected)
        #expect(run.finalLearningRate == 0.025 && run.stop == .completed)
    }
}

/// The stationary-loss rule and check intervals (what the kernel-movement grids of Proca et al. stop on).
@Suite struct StationaryStopTests {
    /// Stops on a stalled run at the first check whose loss moved by ≤ the tolerance since the previous check,
    /// never comparing against step 0, and never earlier than a chunked loop of `checkEvery` steps would.
    @Test func stationaryLossStopsAtTheFirstQuietCheck() throws {
        var rng = RandomStreams(seed: 61).stream("stationary")
        let batch = randomBatch(nx: 2, ny: 2, T: 3, P: 5, perStepTargets: false, rng: &rng)
        let net = LinearRNN(wx: rng.gaussianMatrix(rows: 3, cols: 2, std: 0.3), wh: rng.gaussianMatrix(rows: 3, cols: 3, std: 0.3),
                            wy: rng.gaussianMatrix(rows: 2, cols: 3, std: 0.3))
        var reference = FullBatchGradient(batch: batch, model: net)
        var rec = Recorder<LinearRNN>(schedule: .steps([]), recordsParameters: false)
        let full = Trainer.train(net, source: &reference, options: TrainingOptions(steps: 4000, optimizer: Optimizer(.gd, learningRate: 0.05)),
                                 recorder: &rec)
        let every = 50
        // A tolerance that some check meets (the median change between checks); the expected stop is the first
        // check k·every, k ≥ 2, with |L(k·every) − L((k−1)·every)| ≤ tolerance.
        let checks = Array(stride(from: 2 * every, through: 4000, by: every))
        let changes = checks.map { abs(full.losses[$0] - full.losses[$0 - every]) }
        let tolerance = changes.sorted()[changes.count / 2]
        let expected = checks[changes.firstIndex { $0 <= tolerance }!]
        #expect(expected > 2 * every, "the rule must not fire at its first comparison")
        var source = FullBatchGradient(batch: batch, model: net)
        let rules = StoppingRules(stationaryTolerance: tolerance, checkEvery: every)
        let run = Trainer.train(net, source: &source, options: TrainingOptions(steps: 4000, optimizer: Optimizer(.gd, learningRate: 0.05),
                                                                              stopping: rules), recorder: &rec)
        #expect(run.stop == .stationary(step: expected))
        #expect(run.losses == Array(full.losses[0...expected]), "the trajectory is the same up to the stop")
        // A threshold checked every 50 steps stops at a multiple of 50, not at the first step below it.
        let threshold = full.losses[777]
        var s2 = FullBatchGradient(batch: batch, model: net)
        let thr = Trainer.train(net, source: &s2, options: TrainingOptions(steps: 4000, optimizer: Optimizer(.gd, learningRate: 0.05),
                                stopping: StoppingRules(lossThreshold: threshold, checkEvery: every)), recorder: &rec)
        let firstBelow = full.losses.firstIndex { $0 <= threshold }!
        #expect(thr.stop == .lossThreshold(step: stride(from: 0, through: 4000, by: every).first { full.losses[$0] <= threshold }!))
        #expect(firstBelow % every != 0 ? thr.stop.step! > firstBelow : true)
    }
}
