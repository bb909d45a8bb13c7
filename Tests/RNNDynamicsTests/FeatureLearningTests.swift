import Foundation
import Testing
@testable import Analysis
@testable import Linalg
@testable import Networks
@testable import SequenceData
@testable import Training

/// Issue 14: weight-change norms and NTK alignment of task-trained tanh RNNs.
@Suite struct FeatureLearningTests {
    static let root = RandomStreams(seed: 14).child("feature-learning-tests")

    static func tanh(_ n: Int, mode: OutputMode = .autoregressive, _ s: RandomStreams) -> TanhRNN {
        var net = TanhRNN.pytorchDefault(inputs: 2, hidden: n, outputs: 2, learnedInitialState: true, outputMode: mode,
                                         streams: s.child("init"))
        var g = s.stream("h0")
        net.h0 = g.gaussianMatrix(rows: n, cols: 1, std: 0.5)
        return net
    }

    static func leaky(_ n: Int, mode: OutputMode = .autoregressive, _ s: RandomStreams) -> LeakyRateRNN {
        LeakyRateRNN.random(inputs: 2, width: n, outputs: 2, parameterization: .muP(gamma: 1, eta0: 1e-3), alpha: 0.3,
                            outputMode: mode, streams: s.child("init"))
    }

    static func batch(T: Int, P: Int, mode: OutputMode = .autoregressive, _ s: RandomStreams) -> SequenceBatch {
        NaiveRecurrentNets.batch(nx: 2, ny: 2, T: T, P: P, mode: mode, streams: s)
    }

    /// `net` with `block` replaced by `f(block)`.
    static func edited<M: DifferentiableModel>(_ net: M, block: Int, _ f: (Matrix) -> Matrix) -> M {
        var copy = net
        copy.updateParameters { i, w in if i == block { w = f(w) } }
        return copy
    }

    @Test func identicalNetworksAreFullyAligned() {
        let s = Self.root.child("identical")
        let net = Self.tanh(6, s), probe = Self.batch(T: 5, P: 3, s)
        let summary = FeatureLearningSummary.measure(from: net, to: net, probe: probe)
        #expect(abs(summary.kernelAlignment - 1) <= 1e-14 && summary.kernelDistance == 0)
        #expect(summary.weightChanges.allSatisfy { $0 == 0 } && summary.weightChange == 0 && summary.totalWeightChange == 0)
        #expect(summary.weightBlocks == .block(1) && summary.blockNames == TanhRNN.parameterNames)
        #expect(summary.relativeWeightChange(over: .block(1)) == 0 && summary.relativeWeightChange(over: .block(3)) == 0)
    }

    /// Scaling the readout weights by c scales every non-readout Jacobian column by c, so that kernel scales by c²
    /// (KA = 1) while the readout columns do not scale (KA < 1 over all blocks).
    @Test func scaledReadoutOnlyRescalesTheHiddenKernel() {
        let s = Self.root.child("scaled-readout")
        let probe = Self.batch(T: 5, P: 3, s)
        let tanh = Self.tanh(6, s), tanhScaled = Self.edited(tanh, block: 4) { 3 * $0 }
        let hidden: ParameterBlocks = [.block(0), .block(1), .block(2), .block(3), .block(6)]
        let t = FeatureLearningSummary.measure(from: tanh, to: tanhScaled, probe: probe, kernelBlocks: hidden)
        #expect(abs(t.kernelAlignment - 1) <= 1e-14 && t.kernelDistance <= 1e-28, "\(t.kernelDistance)")
        #expect(t.weightChange == 0 && abs(t.weightChange(over: .block(4)) - 2 * tanh.wy.frobeniusNorm) <= 1e-14)
        let tAll = FeatureLearningSummary.measure(from: tanh, to: tanhScaled, probe: probe)
        #expect(tAll.kernelDistance > 1e-3)

        let leaky = Self.leaky(6, s), leakyScaled = Self.edited(leaky, block: 2) { 0.25 * $0 }
        let l = FeatureLearningSummary.measure(from: leaky, to: leakyScaled, probe: probe, kernelBlocks: [.block(0), .block(1)])
        #expect(abs(l.kernelAlignment - 1) <= 1e-14 && l.kernelDistance <= 1e-28, "\(l.kernelDistance)")
        #expect(FeatureLearningSummary.measure(from: leaky, to: leakyScaled, probe: probe).kernelDistance > 1e-3)
    }

    /// Moving the recurrent weights rotates the kernel: more movement, lower alignment; the weight change is the
    /// perturbation's norm and only the recurrent block moves.
    @Test func largerRecurrentPerturbationsLowerTheAlignment() {
        let s = Self.root.child("perturbed")
        let probe = Self.batch(T: 8, P: 4, s)
        let net = Self.tanh(8, s)
        var g = s.stream("perturbation")
        let direction = g.gaussianMatrix(rows: 8, cols: 8, std: 1)
        let summaries = [0.01, 0.3, 3].map { size in
            FeatureLearningSummary.measure(from: net, to: Self.edited(net, block: 1) { $0 + size * direction }, probe: probe)
        }
        let ka = summaries.map(\.kernelAlignment)
        #expect(ka[0] > ka[1] && ka[1] > ka[2] && ka[0] > 0.999 && ka[2] < 0.8, "\(ka)")
        for (size, summary) in zip([0.01, 0.3, 3], summaries) {
            #expect(abs(summary.weightChange - size * direction.frobeniusNorm) <= 1e-12 * summary.weightChange)
            #expect(summary.totalWeightChange == summary.weightChange)
            #expect(abs(summary.kernelDistance - (1 - summary.kernelAlignment)) <= 1e-12)
        }
        let leaky = Self.leaky(8, s)
        let moved = Self.edited(leaky, block: 1) { $0 + 3 * leaky.j.frobeniusNorm / 8 * direction }
        let l = FeatureLearningSummary.measure(from: leaky, to: moved, probe: probe)
        #expect(l.kernelAlignment < 0.95 && l.weightBlocks == .block(1), "\(l.kernelAlignment)")
    }

    /// The chunked kernel `J Jᵀ` equals the kernel of the finite-difference Jacobian (which fixes the row and column
    /// layout independently), whatever the chunking; so does the alignment of two networks.
    @Test(arguments: [OutputMode.autoregressive, .final])
    func kernelMatchesFiniteDifferenceKernel(mode: OutputMode) {
        let s = Self.root.child("fd-kernel-\(mode.rawValue)")
        let probe = Self.batch(T: 4, P: 3, mode: mode, s)
        func fdKernel<M: OutputJacobianModel & ReadoutResidualNetwork>(_ net: M, blocks: ParameterBlocks? = nil) -> Matrix {
            var j = finiteDifferenceJacobian(net) { $0.outputs(probe).storage }
            if let blocks {
                let all = net.columnOffsets(.all(count: M.parameterNames.count))
                var columns = [Int]()
                net.forEachParameter { b, w in if blocks.includes(b) { columns += all[b]!..<(all[b]! + w.count) } }
                j = Matrix(rows: j.rows, cols: columns.count) { r, c in j[r, columns[c]] }
            }
            return j.timesTranspose(j)
        }
        func check<M: OutputJacobianModel & ReadoutResidualNetwork & RecurrentBlockModel>(_ a: M, _ b: M) {
            let perSample = a.outputDimension * a.readoutTimes(for: probe) * a.parameterCount(.all(count: M.parameterNames.count)) * 8
            let chunked = JacobianTangentKernel.plan(a, batch: probe, blocks: .all(count: M.parameterNames.count),
                                                     byteBudget: 2 * perSample)
            #expect(chunked.chunks == 3)
            let ka = fdKernel(a), kb = fdKernel(b)
            for budget in [2 * perSample, 256 << 20] {
                let k = JacobianTangentKernel.kernel(a, on: probe, byteBudget: budget)
                #expect(k.relativeDistance(to: ka) <= 1e-10, "\(M.self) budget \(budget)")
            }
            // One block alone: the kernel also pins down which Jacobian columns belong to which block.
            for block in 0..<M.parameterNames.count where a.parameterCount(.block(block)) > 0 {
                let k = JacobianTangentKernel.kernel(a, on: probe, blocks: .block(block), byteBudget: 2 * perSample)
                #expect(k.relativeDistance(to: fdKernel(a, blocks: .block(block))) <= 1e-10, "\(M.self) block \(block)")
            }
            let summary = FeatureLearningSummary.measure(from: a, to: b, probe: probe, byteBudget: 2 * perSample)
            #expect(abs(summary.kernelAlignment - KernelMetrics.alignment(kb, ka)) <= 1e-10)
            #expect(summary.kernelAlignment < 0.999)
        }
        let tanh = Self.tanh(3, mode: mode, s)
        check(tanh, Self.edited(tanh, block: 1) { $0 + 0.5 * Matrix.identity(3) })
        let leaky = Self.leaky(3, mode: mode, s)
        check(leaky, Self.edited(leaky, block: 1) { $0 + 0.5 * leaky.j.frobeniusNorm * Matrix.identity(3) })
    }

    /// Both probes through a short Adam run: step 0 gives the initial trajectories and KA = 1, the last snapshot the
    /// final network's trajectories and the alignment `FeatureLearningSummary` reports.
    @Test func probesRecordTrajectoriesAndAlignmentDuringTraining() {
        let s = Self.root.child("probes")
        let train = Self.batch(T: 6, P: 8, s.child("train")), probe = Self.batch(T: 5, P: 2, s.child("probe"))
        let net = Self.tanh(6, s)
        var recorder = Recorder<TanhRNN>(schedule: .every(10), probes: [
            .hiddenTrajectories(on: probe), .hiddenTrajectories(on: probe, rates: true, name: "rates"),
            .kernelAlignment(to: net, on: probe)])
        let run = Trainer.train(net, on: train, batchSize: 0, rng: s.stream("minibatches"),
                                options: TrainingOptions(steps: 30, optimizer: Optimizer(.adam, learningRate: 3e-2)),
                                recorder: &recorder)
        let rec = run.recording
        #expect(rec.steps == [0, 10, 20, 30] && rec.probeNames == ["hidden_trajectories", "rates", "ntk_alignment"])
        let hidden = rec.probes["hidden_trajectories"]!, alignment = rec.probes["ntk_alignment"]!
        #expect(hidden.count == 4 && hidden.allSatisfy { $0.count == 6 * 5 * 2 })
        #expect(hidden.first! == net.hiddenTrajectories(probe).states.storage)
        #expect(hidden.last! == run.model.hiddenTrajectories(probe).states.storage && hidden.last! != hidden.first!)
        #expect(rec.probes["rates"]! == hidden)
        #expect(abs(alignment[0][0] - 1) <= 1e-14 && alignment[0][1] == 0)
        let summary = FeatureLearningSummary.measure(from: net, to: run.model, probe: probe)
        #expect(alignment.last! == [summary.kernelAlignment, summary.kernelDistance] && summary.kernelDistance > 1e-6)
        #expect(summary.weightChange > 0 && summary.weightChange < summary.totalWeightChange)
    }
}
