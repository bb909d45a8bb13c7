import Foundation
import Testing
@testable import Linalg
@testable import Networks
@testable import SequenceData
@testable import Training

/// Issue 14: the vanilla tanh RNN, the leaky rate RNN and their parameterizations.
@Suite(.serialized) struct TanhRNNTests {
    static let (nx, n, ny, T, P) = (3, 5, 2, 7, 4)
    static let root = RandomStreams(seed: 14).child("tanh-rnn-tests")

    static func noise(_ on: Bool, _ streams: RandomStreams) -> RecurrentNoise {
        on ? RecurrentNoise(processStd: 0.3, inputStd: 0.2, streams: streams.child("noise")) : .none
    }

    static func tanhNet(_ mode: OutputMode, secondBias: Bool, learnedH0: Bool, noisy: Bool, _ s: RandomStreams) -> TanhRNN {
        var net = TanhRNN.pytorchDefault(inputs: nx, hidden: n, outputs: ny, secondBias: secondBias,
                                         learnedInitialState: learnedH0, outputMode: mode, noise: noise(noisy, s),
                                         streams: s.child("init"))
        if learnedH0 { var g = s.stream("h0"); net.h0 = g.gaussianMatrix(rows: n, cols: 1, std: 0.5) }
        return net
    }

    static func leakyNet(_ param: Parameterization, _ mode: OutputMode, learnedH0: Bool, noisy: Bool,
                         _ s: RandomStreams) -> LeakyRateRNN {
        var net = LeakyRateRNN.random(inputs: nx, width: n, outputs: ny, parameterization: param, alpha: 0.3,
                                      learnedInitialState: learnedH0, outputMode: mode, noise: noise(noisy, s),
                                      streams: s.child("init"))
        if learnedH0 { var g = s.stream("h0"); net.h0 = g.gaussianMatrix(rows: n, cols: 1, std: 0.5) }
        return net
    }

    /// Analytic gradient vs Richardson central differences (noise frozen at the first draw); every block ≤ 1e-7.
    static func checkGradients<M: DifferentiableModel>(_ net: M, _ batch: SequenceBatch,
                                                       pass: (M, SequenceBatch, inout M.Workspace, Bool) -> Double) {
        var ws = net.makeWorkspace(for: batch)
        _ = pass(net, batch, &ws, true)
        let grads = net.gradients(in: ws)
        let frozen = ws
        let fd = finiteDifferenceGradient(net, h: 1e-3) { m in var w = frozen; return pass(m, batch, &w, false) }
        let errors = NaiveRecurrentNets.blockErrors(grads, fd)
        for (name, e) in zip(M.parameterNames, errors) { #expect(e <= 1e-7, "block \(name): relative error \(e)") }
        for f in fd where f.count > 0 { #expect(f.frobeniusNorm > 1e-6) }
    }

    @Test(arguments: [(OutputMode.autoregressive, true, true, false), (.autoregressive, false, false, true),
                      (.final, true, false, false), (.final, false, true, true)])
    func tanhGradientsMatchFiniteDifferences(mode: OutputMode, secondBias: Bool, learnedH0: Bool, noisy: Bool) {
        let s = Self.root.child("fd-tanh-\(mode.rawValue)-\(secondBias)-\(learnedH0)-\(noisy)")
        let net = Self.tanhNet(mode, secondBias: secondBias, learnedH0: learnedH0, noisy: noisy, s)
        let batch = NaiveRecurrentNets.batch(nx: Self.nx, ny: Self.ny, T: Self.T, P: Self.P, mode: mode, streams: s)
        Self.checkGradients(net, batch) { m, b, w, draw in m.lossAndGradient(b, workspace: &w, drawingNoise: draw) }
    }

    @Test(arguments: [(Parameterization.standard(learningRate: 1e-3), OutputMode.autoregressive, true, false),
                      (.standard(learningRate: 1e-3), .final, false, true),
                      (.muP(gamma: 2, eta0: 1e-3), .autoregressive, false, true),
                      (.muP(gamma: 0.5, eta0: 1e-3), .final, true, false),
                      (.muP(gamma: 1, eta0: 1e-3), .autoregressive, true, true)])
    func leakyGradientsMatchFiniteDifferences(param: Parameterization, mode: OutputMode, learnedH0: Bool, noisy: Bool) {
        let s = Self.root.child("fd-leaky-\(param)-\(mode.rawValue)-\(learnedH0)-\(noisy)")
        let net = Self.leakyNet(param, mode, learnedH0: learnedH0, noisy: noisy, s)
        let batch = NaiveRecurrentNets.batch(nx: Self.nx, ny: Self.ny, T: Self.T, P: Self.P, mode: mode, streams: s)
        Self.checkGradients(net, batch) { m, b, w, draw in m.lossAndGradient(b, workspace: &w, drawingNoise: draw) }
    }

    /// A width past one 8-row panel (17 = two full panels + one row) and a batch past one 6-column tile (7), so the
    /// AVX tiles of the packed step kernels and of the per-step ∂W_h / ∂J products run, not only their ragged tails.
    @Test(arguments: [OutputMode.autoregressive, .final])
    func widerNetworksMatchFiniteDifferences(mode: OutputMode) {
        let (nx, n, ny, T, P) = (2, 17, 2, 5, 7)
        let s = Self.root.child("fd-wide-\(mode.rawValue)")
        let batch = NaiveRecurrentNets.batch(nx: nx, ny: ny, T: T, P: P, mode: mode, streams: s)
        let tanh = TanhRNN.pytorchDefault(inputs: nx, hidden: n, outputs: ny, outputMode: mode, streams: s.child("tanh"))
        Self.checkGradients(tanh, batch) { m, b, w, draw in m.lossAndGradient(b, workspace: &w, drawingNoise: draw) }
        for param in [Parameterization.standard(learningRate: 1e-3), .muP(gamma: 2, eta0: 1e-3)] {
            let leaky = LeakyRateRNN.random(inputs: nx, width: n, outputs: ny, parameterization: param, alpha: 0.3,
                                            outputMode: mode, streams: s.child("leaky-\(param)"))
            Self.checkGradients(leaky, batch) { m, b, w, draw in m.lossAndGradient(b, workspace: &w, drawingNoise: draw) }
        }
    }

    @Test(arguments: [OutputMode.autoregressive, .final], [false, true])
    func forwardMatchesPerSampleLoop(mode: OutputMode, noisy: Bool) {
        let s = Self.root.child("forward-\(mode.rawValue)-\(noisy)")
        let batch = NaiveRecurrentNets.batch(nx: Self.nx, ny: Self.ny, T: Self.T, P: Self.P, mode: mode, streams: s)
        let tanh = Self.tanhNet(mode, secondBias: true, learnedH0: true, noisy: noisy, s)
        var wt = tanh.makeWorkspace(for: batch)
        let lossT = tanh.lossAndGradient(batch, workspace: &wt)
        let yT = NaiveRecurrentNets.outputs(tanh, batch, process: noisy ? wt.noise.process : nil,
                                            inputs: noisy ? wt.noise.noisyInputs : nil)
        let batched = tanh.noise.isOff ? tanh.outputs(batch) : batch.targets + Double(Self.P) * wt.residuals
        #expect(batched.relativeDistance(to: yT) <= 1e-13)
        let d = yT - batch.targets
        #expect(abs(lossT - 0.5 * d.dot(d) / Double(Self.P)) <= 1e-13 * lossT)

        for param in [Parameterization.standard(learningRate: 1e-3), .muP(gamma: 2, eta0: 1e-3)] {
            let leaky = Self.leakyNet(param, mode, learnedH0: true, noisy: noisy, s.child("\(param)"))
            var wl = leaky.makeWorkspace(for: batch)
            _ = leaky.lossAndGradient(batch, workspace: &wl)
            let yL = NaiveRecurrentNets.outputs(leaky, batch, process: noisy ? wl.noise.process : nil,
                                                inputs: noisy ? wl.noise.noisyInputs : nil)
            #expect((batch.targets + Double(Self.P) * wl.residuals).relativeDistance(to: yL) <= 1e-12)
        }
    }

    @Test func noiseIsSeededAndFreshEachCall() {
        let s = Self.root.child("noise")
        let batch = NaiveRecurrentNets.batch(nx: Self.nx, ny: Self.ny, T: Self.T, P: Self.P, mode: .autoregressive, streams: s)
        let net = Self.tanhNet(.autoregressive, secondBias: true, learnedH0: false, noisy: true, s)
        var w1 = net.makeWorkspace(for: batch), w2 = net.makeWorkspace(for: batch)
        let first = net.lossAndGradient(batch, workspace: &w1)
        #expect(net.lossAndGradient(batch, workspace: &w2) == first)
        #expect(net.lossAndGradient(batch, workspace: &w1) != first)
        #expect(net.lossAndGradient(batch, workspace: &w1, drawingNoise: false) == net.lossAndGradient(batch, workspace: &w1, drawingNoise: false))
        let clean = Self.tanhNet(.autoregressive, secondBias: true, learnedH0: false, noisy: false, s)
        #expect(clean.parameters == net.parameters && clean.loss(batch) != first)
        // Process-noise entries have the requested spread.
        let xi = w1.noise.process.storage
        let std = (xi.map { $0 * $0 }.reduce(0, +) / Double(xi.count)).squareRoot()
        #expect(abs(std - 0.3) < 0.1)
    }

    @Test func initialisationIsDeterministicPerSeed() {
        func tanh(_ seed: UInt64) -> TanhRNN {
            TanhRNN.pytorchDefault(inputs: 3, hidden: 5, outputs: 2, streams: RandomStreams(seed: seed).child("net"))
        }
        func leaky(_ seed: UInt64) -> LeakyRateRNN {
            LeakyRateRNN.random(inputs: 3, width: 5, outputs: 2, parameterization: .muP(gamma: 1, eta0: 1e-3),
                                streams: RandomStreams(seed: seed).child("net"))
        }
        #expect(tanh(1).parameters == tanh(1).parameters)
        #expect(leaky(1).parameters == leaky(1).parameters)
        #expect(tanh(1).wh != tanh(2).wh && tanh(1).wx != tanh(2).wx)
        #expect(leaky(1).j != leaky(2).j)
        // Blocks come from separate streams: no two blocks share their leading draws.
        let t = tanh(1)
        #expect(t.b.storage[0] != t.bhh.storage[0] && t.wx.storage[0] != t.wh.storage[0])
    }

    @Test func pytorchDefaultRanges() {
        let n = 100
        let net = TanhRNN.pytorchDefault(inputs: 3, hidden: n, outputs: 2, learnedInitialState: true,
                                         streams: Self.root.child("ranges"))
        let bound = 1 / Double(n).squareRoot()
        for (name, block) in zip(TanhRNN.parameterNames, net.parameters) where name != "h0" {
            #expect(block.maxAbs < bound, "\(name) leaves (−1/√n, 1/√n)")
            if block.count >= 100 { #expect(block.maxAbs > 0.9 * bound, "\(name) does not fill its range") }
        }
        #expect(net.h0.maxAbs == 0 && net.h0.shape == (n, 1) && net.bhh.shape == (n, 1))
        let w = net.wh.storage, mean = w.reduce(0, +) / Double(w.count)
        let variance = w.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(w.count)
        #expect(abs(mean) < 0.03 * bound)
        #expect(abs(variance / (bound * bound / 3) - 1) < 0.05)
        let single = TanhRNN.pytorchDefault(inputs: 3, hidden: 4, outputs: 2, secondBias: false, streams: Self.root)
        #expect(single.bhh.count == 0 && !single.hasSecondBias && single.h0.count == 0)
    }

    @Test func muPQuantitiesScaleWithWidthAndGamma() {
        let eta0 = 1e-3
        let s64 = Parameterization.muP(gamma: 1, eta0: eta0).scales(width: 64)
        let s128 = Parameterization.muP(gamma: 1, eta0: eta0).scales(width: 128)
        let s128g4 = Parameterization.muP(gamma: 4, eta0: eta0).scales(width: 128)
        #expect(s128.recurrentMultiplier == s64.recurrentMultiplier / 2)
        #expect(s128.outputMultiplier == s64.outputMultiplier / 2)
        #expect(s128g4.outputMultiplier == 1.0 / (4 * 128) && s128g4.recurrentMultiplier == 1.0 / 128)
        #expect(abs(s128.recurrentInitStd * s128.recurrentInitStd - 128) < 1e-12)
        #expect(s128.inputMultiplier == 1 && s128.inputInitStd == 1 && s128.outputInitStd == 1)
        for (group, rate) in s128g4.learningRates { #expect(abs(rate - 4 * eta0) < 1e-18, "\(group)") }
        #expect(Set(s128g4.learningRates.keys) == Set(LeakyRateRNN.parameterNames))
        let standard = Parameterization.standard(learningRate: 2e-3).scales(width: 128)
        #expect(standard.recurrentMultiplier == 1 && standard.outputMultiplier == 1 && standard.inputMultiplier == 1)
        #expect(abs(standard.recurrentInitStd - 1 / 128.0.squareRoot()) < 1e-15)
        #expect(standard.learningRates.values.allSatisfy { $0 == 2e-3 })
        // The metadata dictionary round-trips every number.
        let m = s128g4.metadata
        #expect(m["parameterization"] == "muP" && m["width"] == "128")
        #expect(m["outputMultiplier"].flatMap(Double.init) == s128g4.outputMultiplier)
        #expect(m["learningRate.J"].flatMap(Double.init) == 4 * eta0)
        // Drawn µP network: the effective recurrent matrix J/N has entry variance ≈ 1/N, readout entries ≈ 1.
        let n = 200
        let net = LeakyRateRNN.random(inputs: 2, width: n, outputs: 3, parameterization: .muP(gamma: 2, eta0: eta0),
                                      streams: Self.root.child("muP-draw"))
        let effective = net.j.storage.map { $0 * net.scales.recurrentMultiplier }
        let v = effective.map { $0 * $0 }.reduce(0, +) / Double(effective.count)
        #expect(abs(v * Double(n) - 1) < 0.05)
        let wv = net.w.storage.map { $0 * $0 }.reduce(0, +) / Double(net.w.count)
        #expect(abs(wv - 1) < 0.3)
    }

    /// Running mean of the first input channel: a tiny task both networks can learn.
    static func runningMeanTask(_ s: RandomStreams) -> SequenceBatch {
        let T = 6, P = 32
        var rng = s.stream("task")
        let x = rng.gaussianMatrix(rows: 2, cols: T * P)
        var y = Matrix(rows: 1, cols: T * P)
        for p in 0..<P {
            var sum = 0.0
            for t in 0..<T { sum += x[0, t * P + p]; y[0, t * P + p] = 0.5 * sum / Double(t + 1) }
        }
        return SequenceBatch(inputs: x, targets: y, timeSteps: T, samples: P)
    }

    @Test func adamStepsThroughTrainerReduceTheLoss() {
        let s = Self.root.child("train")
        let batch = Self.runningMeanTask(s)
        let tanh = TanhRNN.pytorchDefault(inputs: 2, hidden: 16, outputs: 1, secondBias: false, streams: s.child("tanh"))
        var rt = Recorder<TanhRNN>(schedule: .steps([]))
        let runT = Trainer.train(tanh, on: batch, batchSize: 0, rng: s.stream("minibatches"),
                                 options: TrainingOptions(steps: 150, optimizer: Optimizer(.adam, learningRate: 1e-2)),
                                 recorder: &rt)
        #expect(runT.stop == .completed)
        #expect(runT.losses.last! < 0.3 * runT.losses.first!)
        #expect(runT.model.bhh.count == 0 && runT.model.h0.count == 0)

        let leaky = LeakyRateRNN.random(inputs: 2, width: 32, outputs: 1, parameterization: .muP(gamma: 1, eta0: 1e-2),
                                        alpha: 0.5, learnedInitialState: true, streams: s.child("leaky"))
        var rl = Recorder<LeakyRateRNN>(schedule: .steps([]))
        let rate = leaky.scales.learningRates["J"]!
        let runL = Trainer.train(leaky, on: batch, batchSize: 8, rng: s.stream("minibatches"),
                                 options: TrainingOptions(steps: 150, optimizer: Optimizer(.adam, learningRate: rate)),
                                 recorder: &rl)
        #expect(runL.stop == .completed)
        #expect(runL.model.loss(batch) < 0.3 * leaky.loss(batch))
    }
}
