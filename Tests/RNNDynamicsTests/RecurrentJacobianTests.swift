import Foundation
import Testing
@testable import Analysis
@testable import Linalg
@testable import Networks
@testable import SequenceData

/// Issue 14: exact output Jacobians and hidden trajectories of `TanhRNN` and `LeakyRateRNN`.
@Suite struct RecurrentJacobianTests {
    static let (nx, n, ny, T, P) = (3, 5, 2, 7, 4)
    static let root = RandomStreams(seed: 14).child("recurrent-jacobian-tests")

    static func batch(_ mode: OutputMode, _ s: RandomStreams) -> SequenceBatch {
        NaiveRecurrentNets.batch(nx: nx, ny: ny, T: T, P: P, mode: mode, streams: s)
    }

    /// Per-block `‖J_b − F_b‖ / ‖F_b‖` over the column ranges of every block (0 for empty blocks).
    static func blockErrors<M: OutputJacobianModel>(_ net: M, _ jac: Matrix, _ fd: Matrix) -> [Double] {
        var errors = [Double](), start = 0
        net.forEachParameter { _, w in
            let cols = start..<(start + w.count)
            start += w.count
            guard w.count > 0 else { errors.append(0); return }
            let a = jac.columns(cols), b = fd.columns(cols)
            errors.append((a - b).frobeniusNorm / b.frobeniusNorm)
        }
        return errors
    }

    /// Exact Jacobian vs Richardson central differences of `outputs` (every block ≤ 1e-7, none vanishing).
    static func checkAgainstDifferences<M: OutputJacobianModel & ReadoutResidualNetwork>(_ net: M, _ batch: SequenceBatch) {
        let jac = net.outputJacobian(batch, samples: 0..<batch.samples, blocks: .all(count: M.parameterNames.count))
        let fd = finiteDifferenceJacobian(net) { $0.outputs(batch).storage }
        #expect(jac.shape == fd.shape)
        for (name, e) in zip(M.parameterNames, blockErrors(net, jac, fd)) { #expect(e <= 1e-7, "block \(name): \(e)") }
        var start = 0
        net.forEachParameter { _, w in
            if w.count > 0 { #expect(fd.columns(start..<(start + w.count)).frobeniusNorm > 1e-4) }
            start += w.count
        }
    }

    /// `Jᵀ vec(r) = ∇L` with r the workspace's scaled residuals `(ŷ − y)/P` (`LossConvention`), every block ≤ 1e-12.
    static func checkResidualContraction<M: OutputJacobianModel>(_ net: M, _ batch: SequenceBatch,
                                                                 residuals: (M.Workspace) -> Matrix) {
        var ws = net.makeWorkspace(for: batch)
        _ = net.lossAndGradient(batch, workspace: &ws)
        let jac = net.outputJacobian(batch, samples: 0..<batch.samples, blocks: .all(count: M.parameterNames.count))
        let r = residuals(ws)
        var g = [Double](repeating: 0, count: jac.cols)
        BLAS.gemv(jac, r.storage, into: &g, trans: .transpose)
        var start = 0
        for (name, grad) in zip(M.parameterNames, net.gradients(in: ws)) {
            let mine = Matrix(rows: grad.rows, cols: grad.cols, columnMajor: Array(g[start..<(start + grad.count)]))
            start += grad.count
            if grad.count > 0 { #expect(mine.relativeDistance(to: grad) <= 1e-12, "block \(name)") }
        }
    }

    static let tanhCases: [(OutputMode, Bool, Bool)] = [(.autoregressive, true, true), (.autoregressive, false, false),
                                                        (.final, true, false), (.final, false, true)]

    @Test(arguments: tanhCases)
    func tanhJacobianMatchesFiniteDifferences(mode: OutputMode, secondBias: Bool, learnedH0: Bool) {
        let s = Self.root.child("fd-tanh-\(mode.rawValue)-\(secondBias)-\(learnedH0)")
        let net = TanhRNNTests.tanhNet(mode, secondBias: secondBias, learnedH0: learnedH0, noisy: false, s)
        Self.checkAgainstDifferences(net, Self.batch(mode, s))
    }

    static let leakyCases: [(Parameterization, OutputMode, Bool)] = [
        (.standard(learningRate: 1e-3), .autoregressive, true), (.standard(learningRate: 1e-3), .final, false),
        (.muP(gamma: 2, eta0: 1e-3), .autoregressive, false), (.muP(gamma: 0.5, eta0: 1e-3), .final, true)]

    @Test(arguments: leakyCases)
    func leakyJacobianMatchesFiniteDifferences(param: Parameterization, mode: OutputMode, learnedH0: Bool) {
        let s = Self.root.child("fd-leaky-\(param)-\(mode.rawValue)-\(learnedH0)")
        let net = TanhRNNTests.leakyNet(param, mode, learnedH0: learnedH0, noisy: false, s)
        Self.checkAgainstDifferences(net, Self.batch(mode, s))
    }

    @Test(arguments: [OutputMode.autoregressive, .final])
    func jacobianTransposeTimesResidualsIsTheGradient(mode: OutputMode) {
        let s = Self.root.child("contraction-\(mode.rawValue)")
        let tanh = TanhRNNTests.tanhNet(mode, secondBias: true, learnedH0: true, noisy: false, s)
        Self.checkResidualContraction(tanh, Self.batch(mode, s)) { $0.residuals }
        let leaky = TanhRNNTests.leakyNet(.muP(gamma: 2, eta0: 1e-3), mode, learnedH0: true, noisy: false, s)
        Self.checkResidualContraction(leaky, Self.batch(mode, s)) { $0.residuals }
    }

    /// A chunk of samples and a subset of blocks give exactly the matching rows and columns of the full Jacobian.
    @Test(arguments: [OutputMode.autoregressive, .final])
    func sampleChunksAndBlockSubsetsAreSlicesOfTheFullJacobian(mode: OutputMode) {
        let s = Self.root.child("slices-\(mode.rawValue)")
        let batch = Self.batch(mode, s), R = mode == .final ? 1 : Self.T
        func check<M: OutputJacobianModel>(_ net: M, _ blocks: ParameterBlocks) {
            let all = ParameterBlocks.all(count: M.parameterNames.count)
            let full = net.outputJacobian(batch, samples: 0..<Self.P, blocks: all)
            let part = net.outputJacobian(batch, samples: 1..<3, blocks: blocks)
            let fullOffsets = net.columnOffsets(all), partOffsets = net.columnOffsets(blocks)
            var worst = 0.0, compared = 0
            net.forEachParameter { b, w in
                guard let po = partOffsets[b], let fo = fullOffsets[b] else { return }
                for k in 0..<w.count {
                    for t in 0..<R {
                        for pl in 0..<2 {
                            for i in 0..<Self.ny {
                                let d = part[i + Self.ny * (pl + 2 * t), po + k] - full[i + Self.ny * (1 + pl + Self.P * t), fo + k]
                                worst = max(worst, abs(d)); compared += 1
                            }
                        }
                    }
                }
            }
            #expect(part.cols == net.parameterCount(blocks) && compared == part.count)
            #expect(worst <= 1e-15 * full.maxAbs, "\(M.self) blocks \(blocks.rawValue)")
        }
        let tanh = TanhRNNTests.tanhNet(mode, secondBias: true, learnedH0: true, noisy: false, s)
        check(tanh, [.block(1), .block(4)])
        check(tanh, [.block(0), .block(3), .block(6)])
        let leaky = TanhRNNTests.leakyNet(.muP(gamma: 1, eta0: 1e-3), mode, learnedH0: true, noisy: false, s)
        check(leaky, [.block(1), .block(3)])
        check(leaky, [.block(0), .block(2)])
    }

    /// States of a `TanhRNN` and a `LeakyRateRNN`, one sample and one step at a time, as `[sample][step]` columns.
    static func naiveStates(_ net: TanhRNN, _ batch: SequenceBatch) -> [[[Double]]] {
        (0..<batch.samples).map { s in
            var h = net.learnsInitialState ? net.h0.column(0) : [Double](repeating: 0, count: net.hiddenDimension)
            return (0..<batch.timeSteps).map { t in
                let z = net.wx * batch.inputs.column(t * batch.samples + s), rec = net.wh * h
                h = (0..<h.count).map { i in
                    Foundation.tanh(z[i] + rec[i] + net.b[i, 0] + (net.hasSecondBias ? net.bhh[i, 0] : 0))
                }
                return h
            }
        }
    }

    static func naiveStates(_ net: LeakyRateRNN, _ batch: SequenceBatch) -> [[[Double]]] {
        let sc = net.scales, a = net.alpha
        return (0..<batch.samples).map { s in
            var h = net.learnsInitialState ? net.h0.column(0) : [Double](repeating: 0, count: net.hiddenDimension)
            return (0..<batch.timeSteps).map { t in
                let rec = net.j * h.map { Foundation.tanh($0) }, drive = net.u * batch.inputs.column(t * batch.samples + s)
                for i in 0..<h.count { h[i] += a * (-h[i] + sc.recurrentMultiplier * rec[i] + sc.inputMultiplier * drive[i]) }
                return h
            }
        }
    }

    static func worstDifference(_ m: Matrix, _ naive: [[[Double]]], _ f: (Double) -> Double, P: Int) -> Double {
        var worst = 0.0
        for (s, steps) in naive.enumerated() {
            for (t, h) in steps.enumerated() {
                for (i, v) in h.enumerated() { worst = max(worst, abs(m[i, t * P + s] - f(v))) }
            }
        }
        return worst
    }

    @Test(arguments: [OutputMode.autoregressive, .final])
    func hiddenTrajectoriesMatchStepByStepLoop(mode: OutputMode) {
        let s = Self.root.child("trajectories-\(mode.rawValue)")
        let batch = Self.batch(mode, s)
        // Noise is switched off for trajectories even when the network carries some.
        let tanh = TanhRNNTests.tanhNet(mode, secondBias: true, learnedH0: true, noisy: true, s)
        let ht = tanh.hiddenTrajectories(batch)
        #expect(ht.states.shape == (Self.n, Self.T * Self.P) && ht.rates == ht.states)
        #expect(Self.worstDifference(ht.states, Self.naiveStates(tanh, batch), { $0 }, P: Self.P) <= 1e-14)
        let leaky = TanhRNNTests.leakyNet(.muP(gamma: 2, eta0: 1e-3), mode, learnedH0: true, noisy: true, s)
        let hl = leaky.hiddenTrajectories(batch), naive = Self.naiveStates(leaky, batch)
        #expect(Self.worstDifference(hl.states, naive, { $0 }, P: Self.P) <= 1e-13)
        #expect(Self.worstDifference(hl.rates, naive, Foundation.tanh, P: Self.P) <= 1e-13)
        #expect(hl.states.maxAbs > 0.05 && hl.rates != hl.states)
        // Per-sample and per-time views agree with the flat layout.
        let traj = hl.trajectory(ofSample: 2, rates: true), at3 = hl.states(at: 3)
        for i in 0..<Self.n {
            #expect(traj[i, 4] == hl.rates[i, 4 * Self.P + 2])
            #expect(at3[i, 1] == hl.states[i, 2 * Self.P + 1])
        }
    }
}
