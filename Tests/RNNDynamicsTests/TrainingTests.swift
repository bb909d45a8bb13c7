import Foundation
import Testing
@testable import Linalg
@testable import Networks
@testable import Tasks
@testable import Training

@Suite(.serialized) struct TrainingTests {
    /// Euler integration of the per-mode flow (Proca et al. Eqs. 5–7, τ = 1) for one mode.
    static func eulerModes(s: [Double], a: Double, b: Double, c: Double, dt: Double, steps: Int) -> (Double, Double, Double) {
        var (a, b, c) = (a, b, c)
        let T = s.count
        for _ in 0..<steps {
            var da = 0.0, db = 0.0, dc = 0.0
            for i in 1...T {
                let k = T - i
                let r = s[i - 1] - c * pow(b, Double(k)) * a
                da += c * pow(b, Double(k)) * r
                dc += a * pow(b, Double(k)) * r
                if k >= 1 { db += Double(k) * c * a * pow(b, Double(k - 1)) * r }
            }
            (a, b, c) = (a + dt * da, b + dt * db, c + dt * dc)
        }
        return (a, b, c)
    }

    @Test func gradientDescentStepsAreEulerStepsOfTheModeFlow() throws {
        // The documented convention: a GD step of size η on L is an Euler step dt = η of the mode ODEs.
        var rng = RandomStreams(seed: 1).stream("euler")
        let s: [[Double]] = [[0.3, 0.5, 1.0, 0.2], [0.7, 0.7, 0.7, 0.7]]
        let task = try SingularValueTask(singularValues: s, nx: 3, ny: 2, rng: &rng)
        let basis = task.basis(r: try Matrix.haarOrthogonal(4, using: &rng))
        let net = Initializer.aligned(a: [0.2, 0.1], b: [0.3, 0.1], c: [0.1, 0.2], basis: basis)
        var src = PopulationGradient(task: task.population, model: net)
        var rec = Recorder<LinearRNN>(schedule: .steps([]))
        let eta = 0.05, steps = 400
        let run = Trainer.train(net, source: &src, options: TrainingOptions(steps: steps, optimizer: Optimizer(.gd, learningRate: eta)),
                                recorder: &rec)
        let modes = basis.modes(of: run.model)
        let m0 = Self.eulerModes(s: s[0], a: 0.2, b: 0.3, c: 0.1, dt: eta, steps: steps)
        let m1 = Self.eulerModes(s: s[1], a: 0.1, b: 0.1, c: 0.2, dt: eta, steps: steps)
        for (got, want) in zip([modes.a[0], modes.b[0], modes.c[0], modes.a[1], modes.b[1], modes.c[1]],
                               [m0.0, m0.1, m0.2, m1.0, m1.1, m1.2]) {
            #expect(abs(got - want) <= 1e-10 * max(1, abs(want)))
        }
        // And the modes moved substantially (the comparison is not trivially satisfied).
        #expect(abs(modes.b[0] - 0.3) > 0.05)
        // The paper's learning-rate mapping round-trips.
        #expect(abs(LossConvention.paperLearningRate(LossConvention.learningRate(fromPaper: 0.3, outputDimension: 4), outputDimension: 4) - 0.3) < 1e-15)
    }

    @Test func divergenceStopsAndKeepsTheLastGoodState() throws {
        var rng = RandomStreams(seed: 2).stream("div")
        let net = Initializer.unaligned(nx: 2, nh: 3, ny: 2, scale: 1, rng: &rng)
        let batch = randomBatch(nx: 2, ny: 2, T: 5, P: 8, perStepTargets: false, rng: &rng)
        var src = FullBatchGradient(batch: batch, model: net)
        var rec = Recorder<LinearRNN>(schedule: .every(1))
        let run = Trainer.train(net, source: &src, options: TrainingOptions(steps: 500, optimizer: Optimizer(.gd, learningRate: 50),
                                                                            divergence: DivergenceGuard(maxAbsState: 1e6)),
                                recorder: &rec)
        guard case let .diverged(step, diagnostic) = run.stop else {
            Issue.record("expected divergence, got \(run.stop)"); return
        }
        #expect(step > 0 && step < 500)
        #expect(!diagnostic.isEmpty)
        #expect(run.losses.count == step)
        #expect(run.model.parameters.allSatisfy { $0.isFinite })
        // The kept state is exactly the last recorded (good) snapshot, from step − 1.
        #expect(run.recording.steps.last == step - 1)
        #expect(run.recording.parameters["Wh"]!.last! == run.model.wh.storage)
        #expect(run.model.loss(batch) == run.losses.last!)
    }

    @Test func adamAndMinibatchSGDReduceTheLossReproducibly() throws {
        var rng = RandomStreams(seed: 3).stream("opt")
        let task = try SingularValueTask(singularValues: [[0.5, 1.0, 1.5]], nx: 2, ny: 2, rng: &rng)
        let batch = try task.sample(count: 64, rng: &rng)
        let net = Initializer.unaligned(nx: 2, nh: 4, ny: 2, scale: 0.3, rng: &rng)
        func train(_ kind: OptimizerKind, lr: Double, batchSize: Int) -> TrainingRun<LinearRNN> {
            var rec = Recorder<LinearRNN>(schedule: .logSpaced(count: 10))
            let opts = TrainingOptions(steps: 300, optimizer: Optimizer(kind, learningRate: lr))
            if batchSize > 0 {
                var src = MinibatchGradient(data: batch, batchSize: batchSize, model: net, rng: RandomStreams(seed: 9).stream("batch"))
                return Trainer.train(net, source: &src, options: opts, recorder: &rec)
            }
            var src = FullBatchGradient(batch: batch, model: net)
            return Trainer.train(net, source: &src, options: opts, recorder: &rec)
        }
        let adam = train(.adam, lr: 0.02, batchSize: 0)
        #expect(adam.model.loss(batch) < 0.05 * net.loss(batch))
        let sgd1 = train(.sgd, lr: 0.05, batchSize: 16), sgd2 = train(.sgd, lr: 0.05, batchSize: 16)
        #expect(sgd1.model.loss(batch) < 0.5 * net.loss(batch))
        #expect(sgd1.model == sgd2.model && sgd1.recording == sgd2.recording)
    }

    @Test func l2PenaltyGradientMatchesFiniteDifferences() {
        var rng = RandomStreams(seed: 4).stream("l2")
        let net = Initializer.unaligned(nx: 2, nh: 3, ny: 2, scale: 1, rng: &rng)
        let batch = randomBatch(nx: 2, ny: 2, T: 3, P: 4, perStepTargets: false, rng: &rng)
        let penalty = L2Penalty(strength: 0.3, blocks: [1])
        var ws = net.makeWorkspace(for: batch)
        var total = net.lossAndGradient(batch, workspace: &ws)
        total += penalty.apply(to: net, gradients: &ws.gradients)
        let fd = finiteDifferenceGradient(net) { m in
            var g = m.parameters.map { Matrix(rows: $0.rows, cols: $0.cols) }
            return m.loss(batch) + penalty.apply(to: m, gradients: &g)
        }
        #expect(relativeError(ws.gradients, fd) <= 1e-7)
        #expect(abs(total - net.loss(batch) - 0.15 * net.wh.dot(net.wh)) < 1e-14)
    }

    @Test func logSpacedScheduleCoversTheRun() {
        let s = RecordSchedule.logSpaced(count: 20).resolve(totalSteps: 10_000)
        #expect(s.first == 0 && s.last == 10_000)
        #expect(s == s.sorted() && Set(s).count == s.count)
        #expect(s.count >= 15 && s.count <= 21)
        #expect(RecordSchedule.every(3).resolve(totalSteps: 10) == [0, 3, 6, 9, 10])
    }

    @Test func minibatchGatherCopiesWholeTrajectories() {
        var rng = RandomStreams(seed: 5).stream("gather")
        let batch = randomBatch(nx: 2, ny: 3, T: 4, P: 6, perStepTargets: true, rng: &rng)
        var mb = batch.makeMinibatch(count: 2)
        batch.gather([4, 1], into: &mb)
        for t in 1...4 {
            #expect(mb.input(at: t).column(0) == batch.input(at: t).column(4))
            #expect(mb.input(at: t).column(1) == batch.input(at: t).column(1))
            #expect(mb.targets.column((t - 1) * 2) == batch.targets.column((t - 1) * 6 + 4))
        }
    }
}
