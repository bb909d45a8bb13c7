import Foundation
import Testing
@testable import Linalg
@testable import Networks
@testable import SequenceData
@testable import Tasks

/// Issue 14: per-entry loss weights in the networks' loss, and the task batches whose network loss is the masked MSE.
@Suite(.serialized) struct LossMaskTests {
    static let root = RandomStreams(seed: 14).child("loss-mask-tests")

    /// Weights shaped like `batch`'s targets: uniform on [0, 2] with every third entry exactly 0.
    static func weighted(_ batch: SequenceBatch, _ s: RandomStreams) -> SequenceBatch {
        var rng = s.stream("weights")
        var w = Matrix(rows: batch.targets.rows, cols: batch.targets.cols)
        for k in 0..<w.count { w.storage[k] = k % 3 == 0 ? 0 : 2 * rng.uniform() }
        var b = batch
        b.lossWeights = w
        return b
    }

    static func relative(_ a: Double, _ b: Double) -> Double { abs(a - b) / max(abs(b), .leastNormalMagnitude) }

    /// A flip-flop with masked transitions and a response-only discrimination, so the masks have zeros.
    static func maskedTasks() -> [any NeuroscienceTask] {
        [FlipFlopTask(channels: 2, trialLength: 12, maskedTransition: 2),
         DelayedDiscriminationTask(minimumDelay: 2, maximumDelay: 4, stimulusOnset: 1, responseSteps: 3,
                                   auxiliaryOutput: true, scoreResponseOnly: true),
         SineWaveTask(frequencyCount: 3, trialLength: 10), PathIntegrationTask(trialLength: 9)]
    }

    @Test func weightedLossIsTheTasksMaskedMSE() throws {
        for (k, task) in Self.maskedTasks().enumerated() {
            let s = Self.root.child("mse-\(k)")
            let trials = try task.batch(size: 6, streams: s.child("trials"))
            #expect(trials.mask.storage.contains(0) == (k < 2), "task \(task.name) mask")
            let train = trials.trainingSequences
            let tanh = TanhRNN.pytorchDefault(inputs: task.inputDimension, hidden: 7, outputs: task.outputDimension,
                                              streams: s.child("tanh"))
            let leaky = LeakyRateRNN.random(inputs: task.inputDimension, width: 7, outputs: task.outputDimension,
                                            parameterization: .muP(gamma: 0.5, eta0: 1e-3), streams: s.child("leaky"))
            var rng = s.stream("linear")
            let linear = LinearRNN(wx: rng.gaussianMatrix(rows: 7, cols: task.inputDimension, std: 0.3),
                                   wh: rng.gaussianMatrix(rows: 7, cols: 7, std: 0.3),
                                   wy: rng.gaussianMatrix(rows: task.outputDimension, cols: 7, std: 0.3),
                                   outputMode: .autoregressive)
            let pairs = [(tanh.loss(train), trials.maskedMSE(tanh.outputs(train))),
                         (leaky.loss(train), trials.maskedMSE(leaky.outputs(train))),
                         (linear.loss(train), trials.maskedMSE(linear.outputs(train)))]
            for (name, (loss, mse)) in zip(["tanh", "leaky", "linear"], pairs) {
                #expect(mse > 1e-3, "\(task.name) \(name): a loss this small would not test anything")
                #expect(Self.relative(loss, mse) <= 4e-15, "\(task.name) \(name): loss \(loss) vs masked MSE \(mse)")
            }
        }
    }

    @Test(arguments: [OutputMode.autoregressive, .final])
    func weightedTanhGradientsMatchFiniteDifferences(mode: OutputMode) {
        let s = Self.root.child("fd-tanh-\(mode.rawValue)")
        let net = TanhRNNTests.tanhNet(mode, secondBias: true, learnedH0: true, noisy: true, s)
        let batch = Self.weighted(NaiveRecurrentNets.batch(nx: 3, ny: 2, T: 7, P: 4, mode: mode, streams: s), s)
        TanhRNNTests.checkGradients(net, batch) { m, b, w, draw in m.lossAndGradient(b, workspace: &w, drawingNoise: draw) }
    }

    @Test(arguments: [OutputMode.autoregressive, .final])
    func weightedLeakyGradientsMatchFiniteDifferences(mode: OutputMode) {
        let s = Self.root.child("fd-leaky-\(mode.rawValue)")
        let net = TanhRNNTests.leakyNet(.muP(gamma: 2, eta0: 1e-3), mode, learnedH0: true, noisy: true, s)
        let batch = Self.weighted(NaiveRecurrentNets.batch(nx: 3, ny: 2, T: 7, P: 4, mode: mode, streams: s), s)
        TanhRNNTests.checkGradients(net, batch) { m, b, w, draw in m.lossAndGradient(b, workspace: &w, drawingNoise: draw) }
    }

    /// The linear RNN's own residual code honours the weights on both final-output backward routes.
    @Test(arguments: [(OutputMode.autoregressive, LinearRNN.BackwardRoute.hiddenAdjoints), (.final, .hiddenAdjoints),
                      (.final, .readoutSpace)])
    func weightedLinearGradientsMatchFiniteDifferences(mode: OutputMode, route: LinearRNN.BackwardRoute) {
        let s = Self.root.child("fd-linear-\(mode.rawValue)-\(route)")
        var rng = s.stream("net")
        let net = LinearRNN(wx: rng.gaussianMatrix(rows: 5, cols: 3, std: 0.4), wh: rng.gaussianMatrix(rows: 5, cols: 5, std: 0.4),
                            wy: rng.gaussianMatrix(rows: 2, cols: 5, std: 0.4), outputMode: mode)
        let batch = Self.weighted(NaiveRecurrentNets.batch(nx: 3, ny: 2, T: 7, P: 4, mode: mode, streams: s), s)
        var ws = net.makeWorkspace(for: batch, route: route)
        _ = net.lossAndGradient(batch, workspace: &ws)
        let fd = finiteDifferenceGradient(net, h: 1e-3) { $0.loss(batch) }
        for (name, e) in zip(LinearRNN.parameterNames, NaiveRecurrentNets.blockErrors(ws.gradients, fd)) {
            #expect(e <= 1e-7, "block \(name): relative error \(e)")
        }
    }

    /// Changing a target whose weight is 0 changes neither the loss nor any gradient entry (bit for bit), while the
    /// same change at a weighted entry does change them.
    @Test func zeroWeightEntriesHaveNoEffect() {
        let s = Self.root.child("zero-weight")
        let tanh = TanhRNNTests.tanhNet(.autoregressive, secondBias: true, learnedH0: false, noisy: false, s)
        let leaky = TanhRNNTests.leakyNet(.standard(learningRate: 1e-3), .autoregressive, learnedH0: false, noisy: false, s)
        let batch = Self.weighted(NaiveRecurrentNets.batch(nx: 3, ny: 2, T: 7, P: 4, mode: .autoregressive, streams: s), s)
        var moved = batch, control = batch
        for k in stride(from: 0, to: batch.targets.count, by: 3) { moved.targets.storage[k] += 100 }  // weight 0
        control.targets.storage[1] += 100  // weight > 0
        func evaluate<M: DifferentiableModel>(_ net: M, _ b: SequenceBatch) -> (Double, [Matrix]) {
            var ws = net.makeWorkspace(for: b)
            let loss = net.lossAndGradient(b, workspace: &ws)
            return (loss, net.gradients(in: ws))
        }
        for (base, zero, changed) in [(evaluate(tanh, batch), evaluate(tanh, moved), evaluate(tanh, control)),
                                      (evaluate(leaky, batch), evaluate(leaky, moved), evaluate(leaky, control))] {
            #expect(base.0 == zero.0)
            #expect(base.1 == zero.1)
            #expect(base.0 != changed.0)
            #expect(base.1 != changed.1)
        }
    }

    /// Minibatches carry the weights: a gathered batch has the loss of the same trials wrapped directly.
    @Test func gatherCarriesLossWeights() {
        let s = Self.root.child("gather")
        let net = TanhRNNTests.tanhNet(.autoregressive, secondBias: false, learnedH0: false, noisy: false, s)
        let batch = Self.weighted(NaiveRecurrentNets.batch(nx: 3, ny: 2, T: 7, P: 4, mode: .autoregressive, streams: s), s)
        var mini = batch.makeMinibatch(count: 2)
        batch.gather([3, 1], into: &mini)
        #expect(mini.lossWeights != nil)
        let ny = 2, T = 7
        var direct = Matrix(rows: ny, cols: T * 2), weights = direct, inputs = Matrix(rows: 3, cols: T * 2)
        for t in 0..<T {
            for (j, p) in [3, 1].enumerated() {
                for i in 0..<ny {
                    direct[i, t * 2 + j] = batch.targets[i, t * 4 + p]
                    weights[i, t * 2 + j] = batch.lossWeights![i, t * 4 + p]
                }
                for i in 0..<3 { inputs[i, t * 2 + j] = batch.inputs[i, t * 4 + p] }
            }
        }
        let wrapped = SequenceBatch(inputs: inputs, targets: direct, timeSteps: T, samples: 2, lossWeights: weights)
        #expect(mini == wrapped)
        #expect(net.loss(mini) == net.loss(wrapped))
    }
}
