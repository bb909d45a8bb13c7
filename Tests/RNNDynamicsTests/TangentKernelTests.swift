import Foundation
import Testing
@testable import Analysis
@testable import Linalg
@testable import Networks

/// ‖a − b‖_F / ‖b‖_F.
func relativeKernelError(_ a: Matrix, _ b: Matrix) -> Double { (a - b).frobeniusNorm / b.frobeniusNorm }

/// A random linear RNN and a matching random batch.
func randomNetworkAndBatch(nx: Int, nh: Int, ny: Int, T: Int, P: Int, mode: OutputMode, seed: UInt64,
                           scale: Double = 0.9) -> (LinearRNN, SequenceBatch) {
    var rng = RandomStreams(seed: seed).stream("ntk")
    let net = Initializer.unaligned(nx: nx, nh: nh, ny: ny, scale: scale, outputMode: mode, rng: &rng)
    return (net, randomBatch(nx: nx, ny: ny, T: T, P: P, perStepTargets: mode == .autoregressive, rng: &rng))
}

@Suite struct TangentKernelTests {
    static let shapes = [(3, 4, 2, 5, 3), (2, 6, 3, 1, 4), (4, 3, 4, 7, 2), (5, 8, 1, 9, 6), (2, 5, 3, 3, 5)]

    @Test(arguments: shapes, OutputMode.allCases)
    func closedFormEqualsJacobianKernel(shape: (Int, Int, Int, Int, Int), mode: OutputMode) {
        let (nx, nh, ny, T, P) = shape
        let (net, batch) = randomNetworkAndBatch(nx: nx, nh: nh, ny: ny, T: T, P: P, mode: mode, seed: UInt64(nh * 31 + T))
        for blocks: ParameterBlocks in [.linearRNN, .wx, .wh, .wy, [.wx, .wh], [.wh, .wy]] {
            let closed = LinearRNNTangentKernel.kernel(net, on: batch, blocks: blocks)
            let jac = JacobianTangentKernel.kernel(net, on: batch, blocks: blocks)
            #expect(closed.rows == ny * P * (mode == .final ? 1 : T))
            if blocks == .wh && T == 1 {
                #expect(closed.maxAbs == 0 && jac.maxAbs == 0, "W_h does not act at T = 1")
            } else {
                #expect(relativeKernelError(closed, jac) <= 1e-9, "\(shape) \(mode) blocks \(blocks.rawValue)")
            }
            #expect(closed == closed.transposed)
        }
    }

    @Test func blockKernelsAddUp() {
        let (net, batch) = randomNetworkAndBatch(nx: 3, nh: 5, ny: 2, T: 4, P: 3, mode: .final, seed: 5)
        let parts = [ParameterBlocks.wx, .wh, .wy].map { LinearRNNTangentKernel.kernel(net, on: batch, blocks: $0) }
        let whole = LinearRNNTangentKernel.kernel(net, on: batch)
        #expect(relativeKernelError(parts[0] + parts[1] + parts[2], whole) <= 1e-13)
        #expect(parts.allSatisfy { $0.frobeniusNorm > 1e-3 * whole.frobeniusNorm })
    }

    @Test(arguments: OutputMode.allCases)
    func jacobianMatchesFiniteDifferencesOfTheOutputs(mode: OutputMode) {
        let (net, batch) = randomNetworkAndBatch(nx: 3, nh: 4, ny: 2, T: 4, P: 3, mode: mode, seed: 9)
        let jac = net.outputJacobian(batch, samples: 0..<3, blocks: .linearRNN)
        let fd = finiteDifferenceJacobian(net) { $0.outputs(batch).storage }
        #expect(relativeKernelError(jac, fd) <= 1e-8)
        // A middle chunk of samples: the rows of those samples, in the documented (t, p′, i) order.
        let sub = net.outputJacobian(batch, samples: 1..<3, blocks: [.wh, .wy])
        let offsets = net.columnOffsets(.linearRNN), whStart = offsets[1]!
        let R = mode == .final ? 1 : 4
        var worst = 0.0
        for t in 0..<R {
            for pl in 0..<2 {
                for i in 0..<2 {
                    for col in 0..<sub.cols {
                        worst = max(worst, abs(sub[i + 2 * (pl + 2 * t), col] - jac[i + 2 * (1 + pl + 3 * t), whStart + col]))
                    }
                }
            }
        }
        #expect(worst == 0)
    }

    @Test func deepLinearJacobianMatchesFiniteDifferences() {
        var rng = RandomStreams(seed: 2).stream("dln-jac")
        let net = Initializer.unalignedDeepLinear(nx: 3, nh: 4, ny: 2, scale: 1, rng: &rng)
        let batch = randomBatch(nx: 3, ny: 2, T: 1, P: 5, perStepTargets: false, rng: &rng)
        let jac = net.outputJacobian(batch, samples: 0..<5, blocks: [.w1, .w2])
        let fd = finiteDifferenceJacobian(net) { $0.outputs(batch).storage }
        #expect(relativeKernelError(jac, fd) <= 1e-8)
    }

    /// At T = 1 the LRNN kernel is the deep-linear one: `(XᵀW_xᵀW_xX) ⊗ I + (XᵀX) ⊗ (W_yW_yᵀ)` with sample p the
    /// outer and output i the inner index (spec §7.1), whatever W_h is.
    @Test func singleStepKernelIsTheDeepLinearKernel() {
        let (net, batch) = randomNetworkAndBatch(nx: 4, nh: 5, ny: 3, T: 1, P: 6, mode: .final, seed: 17)
        let dln = DeepLinearNetwork(w1: net.wx, w2: net.wy)
        let closed = LinearRNNTangentKernel.kernel(net, on: batch)
        let dlnKernel = JacobianTangentKernel.kernel(dln, on: batch, blocks: [.w1, .w2])
        let x = batch.inputs, hidden = net.wx * x
        let features = hidden.transposeTimes(hidden), inputs = x.transposeTimes(x), readout = net.wy.timesTranspose(net.wy)
        let explicit = Matrix(rows: 18, cols: 18) { r, c in
            let (p, i) = (r / 3, r % 3), (q, j) = (c / 3, c % 3)
            return (i == j ? features[p, q] : 0) + inputs[p, q] * readout[i, j]
        }
        #expect(relativeKernelError(closed, dlnKernel) <= 1e-12)
        #expect(relativeKernelError(closed, explicit) <= 1e-12)
    }

    /// One GD step of size η under `LossConvention` moves the outputs by `−(η/P) Θ vec(Ŷ − Y) + O(η²)`.
    @Test(arguments: OutputMode.allCases)
    func kernelPredictsTheFirstGradientStep(mode: OutputMode) {
        let P = 5
        let (net, batch) = randomNetworkAndBatch(nx: 3, nh: 4, ny: 2, T: 4, P: P, mode: mode, seed: 23, scale: 0.8)
        let theta = LinearRNNTangentKernel.kernel(net, on: batch)
        let before = net.outputs(batch)
        let residual = before - batch.targets
        func stepError(_ eta: Double) -> (error: Double, change: Double) {
            var ws = net.makeWorkspace(for: batch)
            _ = net.lossAndGradient(batch, workspace: &ws)
            var stepped = net
            stepped.updateParameters { i, w in w.addScaled(ws.gradients[i], -eta) }
            let actual = stepped.outputs(batch) - before
            let predicted = theta * residual.storage
            var err = 0.0
            for (a, p) in zip(actual.storage, predicted) { let d: Double = a + eta / Double(P) * p; err += d * d }
            return (err.squareRoot(), actual.frobeniusNorm)
        }
        let big = stepError(1e-2), small = stepError(5e-3)
        #expect(small.error / small.change < 1e-2)
        #expect(abs(big.error / small.error - 4) < 0.2, "error ratio \(big.error / small.error) when η halves")
    }

    @Test(arguments: OutputMode.allCases)
    func chunkedJacobianKernelEqualsUnchunked(mode: OutputMode) {
        let (net, batch) = randomNetworkAndBatch(nx: 3, nh: 4, ny: 2, T: 3, P: 7, mode: mode, seed: 29)
        let whole = JacobianTangentKernel.kernel(net, on: batch, blocks: .linearRNN)
        let perSample = 2 * (mode == .final ? 1 : 3) * net.parameterCount(.linearRNN) * 8
        let budget = 5 * perSample   // two chunks of two samples at a time
        let plan = JacobianTangentKernel.plan(net, batch: batch, blocks: .linearRNN, byteBudget: budget)
        #expect(plan.samplesPerChunk == 2 && plan.chunks == 4)
        #expect(plan.peakJacobianBytes <= budget && plan.peakJacobianBytes < 7 * perSample)
        let chunked = JacobianTangentKernel.kernel(net, on: batch, blocks: .linearRNN, byteBudget: budget)
        #expect(relativeKernelError(chunked, whole) <= 1e-14)
        #expect(JacobianTangentKernel.plan(net, batch: batch, blocks: .linearRNN, byteBudget: 1 << 30).chunks == 1)
    }

    @Test func chunkedPairGramsEqualOneChunk() {
        let (net, batch) = randomNetworkAndBatch(nx: 3, nh: 4, ny: 2, T: 6, P: 4, mode: .final, seed: 31)
        var whole = LinearRNNTangentKernel(for: net, batch: batch)
        var chunked = LinearRNNTangentKernel(for: net, batch: batch, byteBudget: 4 * 16 * 8)
        #expect(whole.pairsPerChunk == 21 && chunked.pairsPerChunk == 4)
        whole.compute(net, batch)
        chunked.compute(net, batch)
        #expect(relativeKernelError(chunked.kernel, whole.kernel) <= 1e-14)
    }

    @Test func workspaceIsReusableAcrossNetworks() {
        let (a, batch) = randomNetworkAndBatch(nx: 3, nh: 4, ny: 2, T: 4, P: 3, mode: .final, seed: 37)
        let (b, _) = randomNetworkAndBatch(nx: 3, nh: 4, ny: 2, T: 4, P: 3, mode: .final, seed: 41)
        var ws = LinearRNNTangentKernel(for: a, batch: batch)
        ws.compute(a, batch)
        ws.compute(b, batch)
        #expect(ws.kernel == LinearRNNTangentKernel.kernel(b, on: batch))
    }
}

/// Central differences (with one Richardson step) of a vector-valued function of a model's parameters:
/// rows = outputs, columns = parameters in block order.
func finiteDifferenceJacobian<M: DifferentiableModel>(_ model: M, h: Double = 1e-3, outputs: (M) -> [Double]) -> Matrix {
    let n = outputs(model).count
    let sizes = model.parameters.map(\.count)
    var jac = Matrix(rows: n, cols: sizes.reduce(0, +))
    var col = 0
    for (b, size) in sizes.enumerated() {
        for k in 0..<size {
            func central(_ step: Double) -> [Double] {
                var plus = model, minus = model
                plus.updateParameters { i, w in if i == b { w.storage[k] += step } }
                minus.updateParameters { i, w in if i == b { w.storage[k] -= step } }
                return zip(outputs(plus), outputs(minus)).map { ($0 - $1) / (2 * step) }
            }
            let coarse = central(h), fine = central(h / 2)
            for r in 0..<n { jac[r, col] = (4 * fine[r] - coarse[r]) / 3 }
            col += 1
        }
    }
    return jac
}
