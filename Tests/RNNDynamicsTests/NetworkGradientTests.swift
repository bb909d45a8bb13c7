import Foundation
import Testing
@testable import Linalg
@testable import Networks
@testable import Tasks

@Suite(.serialized) struct NetworkGradientTests {
    @Test(arguments: [(3, 4, 2, 5, 3), (2, 6, 3, 1, 4), (4, 3, 4, 7, 2)])
    func linearRNNFinalOutputMatchesFiniteDifferences(nx: Int, nh: Int, ny: Int, T: Int, P: Int) {
        var rng = RandomStreams(seed: UInt64(nx * 100 + T)).stream("fd")
        let net = Initializer.unaligned(nx: nx, nh: nh, ny: ny, scale: 0.9, rng: &rng)
        let batch = randomBatch(nx: nx, ny: ny, T: T, P: P, perStepTargets: false, rng: &rng)
        var ws = net.makeWorkspace(for: batch)
        _ = net.lossAndGradient(batch, workspace: &ws)
        let fd = finiteDifferenceGradient(net) { $0.loss(batch) }
        #expect(relativeError(ws.gradients, fd) <= 1e-7)
        // Gradient of W_h vanishes at T = 1 and must be non-trivial otherwise.
        #expect((T == 1) == (ws.gradients[1].maxAbs == 0))
    }

    @Test(arguments: [(3, 4, 2, 5, 3), (2, 6, 3, 1, 4), (4, 3, 4, 7, 2), (5, 8, 1, 9, 6)])
    func bothFinalOutputBackwardRoutesAgreeWithFiniteDifferences(nx: Int, nh: Int, ny: Int, T: Int, P: Int) {
        var rng = RandomStreams(seed: UInt64(nh * 10 + T)).stream("routes")
        let net = Initializer.unaligned(nx: nx, nh: nh, ny: ny, scale: 1.1, rng: &rng)
        let batch = randomBatch(nx: nx, ny: ny, T: T, P: P, perStepTargets: false, rng: &rng)
        var a = net.makeWorkspace(for: batch, route: .hiddenAdjoints), b = net.makeWorkspace(for: batch, route: .readoutSpace)
        let la = net.lossAndGradient(batch, workspace: &a), lb = net.lossAndGradient(batch, workspace: &b)
        #expect(la == lb)
        #expect(relativeError(b.gradients, a.gradients) <= 1e-12)
        let fd = finiteDifferenceGradient(net) { $0.loss(batch) }
        #expect(relativeError(b.gradients, fd) <= 1e-7)
        #expect(relativeError(a.gradients, fd) <= 1e-7)
    }

    @Test func readoutRouteIsChosenWhenOutputsAreNarrow() {
        #expect(LinearRNN.preferredRoute(nx: 16, nh: 128, ny: 16, T: 50, P: 512) == .readoutSpace)
        #expect(LinearRNN.preferredRoute(nx: 4, nh: 4, ny: 64, T: 6, P: 64) == .hiddenAdjoints)
    }

    @Test(arguments: [(3, 4, 2, 5, 3), (2, 3, 3, 2, 5)])
    func linearRNNAutoregressiveMatchesFiniteDifferences(nx: Int, nh: Int, ny: Int, T: Int, P: Int) {
        var rng = RandomStreams(seed: 7).stream("fd-ar")
        let net = Initializer.unaligned(nx: nx, nh: nh, ny: ny, scale: 0.9, outputMode: .autoregressive, rng: &rng)
        let batch = randomBatch(nx: nx, ny: ny, T: T, P: P, perStepTargets: true, rng: &rng)
        var ws = net.makeWorkspace(for: batch)
        _ = net.lossAndGradient(batch, workspace: &ws)
        let fd = finiteDifferenceGradient(net) { $0.loss(batch) }
        #expect(relativeError(ws.gradients, fd) <= 1e-7)
    }

    @Test func deepLinearNetworkMatchesFiniteDifferences() {
        var rng = RandomStreams(seed: 3).stream("fd-dln")
        let net = Initializer.unalignedDeepLinear(nx: 4, nh: 3, ny: 2, scale: 1, rng: &rng)
        let batch = randomBatch(nx: 4, ny: 2, T: 1, P: 6, perStepTargets: false, rng: &rng)
        var ws = net.makeWorkspace(for: batch)
        _ = net.lossAndGradient(batch, workspace: &ws)
        let fd = finiteDifferenceGradient(net) { $0.loss(batch) }
        #expect(relativeError(ws.gradients, fd) <= 1e-7)
    }

    @Test func lossFollowsTheDocumentedConvention() {
        // L = (1/2P) Σ ‖y − ŷ‖², with ŷ computed by the explicit recursion h_{t+1} = W_h h_t + W_x x_t.
        var rng = RandomStreams(seed: 11).stream("conv")
        let net = Initializer.unaligned(nx: 2, nh: 3, ny: 2, scale: 1, rng: &rng)
        let batch = randomBatch(nx: 2, ny: 2, T: 4, P: 3, perStepTargets: false, rng: &rng)
        var expected = 0.0
        for p in 0..<3 {
            var h = [Double](repeating: 0, count: 3)
            for t in 1...4 {
                let x = batch.input(at: t).column(p)
                let a = net.wh * h, b = net.wx * x
                h = zip(a, b).map(+)
            }
            let yhat = net.wy * h, y = batch.targets.column(p)
            expected += zip(yhat, y).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        }
        expected /= 2 * 3
        #expect(abs(net.loss(batch) - expected) <= 1e-13 * expected)
    }

    @Test(arguments: [OutputMode.final, .autoregressive])
    func populationGradientEqualsSampleGradientOnWhitenedData(mode: OutputMode) throws {
        let nx = 3, nh = 5, ny = 2, T = 4, P = 40
        var rng = RandomStreams(seed: 21).stream("pop")
        let net = Initializer.unaligned(nx: nx, nh: nh, ny: ny, scale: 1.1, outputMode: mode, rng: &rng)
        let raw = rng.gaussianMatrix(rows: T * nx, cols: P)
        let x = SequenceLayout.batched(fromStacked: try Whitening.whiten(raw), timeSteps: T)
        let targets = rng.gaussianMatrix(rows: ny, cols: mode == .final ? P : T * P)
        let batch = SequenceBatch(inputs: x, targets: targets, timeSteps: T, samples: P)
        let task = PopulationCorrelations(measuredFrom: batch, outputMode: mode)
        var ws = net.makeWorkspace(for: batch)
        let sampleLoss = net.lossAndGradient(batch, workspace: &ws)
        var pws = net.makePopulationWorkspace(for: task)
        let popLoss = net.populationLossAndGradient(task, workspace: &pws)
        #expect(relativeError(pws.gradients, ws.gradients) <= 1e-10)
        #expect(abs(popLoss - sampleLoss) <= 1e-10 * abs(sampleLoss))
        // On non-white inputs the two differ: the check above is not vacuous.
        let skewed = SequenceBatch(inputs: 1.7 * x, targets: targets, timeSteps: T, samples: P)
        var ws2 = net.makeWorkspace(for: skewed)
        _ = net.lossAndGradient(skewed, workspace: &ws2)
        let task2 = PopulationCorrelations(measuredFrom: skewed, outputMode: mode)
        var pws2 = net.makePopulationWorkspace(for: task2)
        _ = net.populationLossAndGradient(task2, workspace: &pws2)
        #expect(relativeError(pws2.gradients, ws2.gradients) > 1e-3)
    }

    @Test(arguments: [OutputMode.final, .autoregressive])
    func sufficientStatisticsReproduceBPTTOnAnyInputs(mode: OutputMode) {
        let nx = 3, nh = 4, ny = 2, T = 5, P = 7   // P < T·N_x: far from white
        var rng = RandomStreams(seed: 31).stream("moments")
        let net = Initializer.unaligned(nx: nx, nh: nh, ny: ny, scale: 1.2, outputMode: mode, rng: &rng)
        let batch = randomBatch(nx: nx, ny: ny, T: T, P: P, perStepTargets: mode == .autoregressive, rng: &rng)
        let stats = PopulationCorrelations(sufficientStatisticsOf: batch, outputMode: mode)
        var ws = net.makeWorkspace(for: batch)
        let sampleLoss = net.lossAndGradient(batch, workspace: &ws)
        var pws = net.makePopulationWorkspace(for: stats)
        let statLoss = net.populationLossAndGradient(stats, workspace: &pws)
        #expect(relativeError(pws.gradients, ws.gradients) <= 1e-10)
        #expect(abs(statLoss - sampleLoss) <= 1e-10 * sampleLoss)
    }

    @Test func populationGradientMatchesFiniteDifferences() throws {
        var rng = RandomStreams(seed: 5).stream("pop-fd")
        let task = try SingularValueTask(singularValues: [[0.3, 0.5, 1.0, 0.2], [1, 1, 1, 1]], nx: 3, ny: 2, rng: &rng)
        let net = Initializer.unaligned(nx: 3, nh: 4, ny: 2, scale: 1, rng: &rng)
        var pws = net.makePopulationWorkspace(for: task.population)
        _ = net.populationLossAndGradient(task.population, workspace: &pws)
        let fd = finiteDifferenceGradient(net) { m in
            var w = m.makePopulationWorkspace(for: task.population)
            return m.populationLossAndGradient(task.population, workspace: &w)
        }
        #expect(relativeError(pws.gradients, fd) <= 1e-7)
    }

    @Test(arguments: [3, 4, 6])
    func alignedInitialisationStaysDiagonalInTheTaskBasis(T: Int) throws {
        // With one rotation R (erratum fix) every lag map W_y W_h^k W_x is diagonal in (U_y, V_x).
        var rng = RandomStreams(seed: UInt64(T)).stream("aligned")
        let task = try SingularValueTask(singularValues: [[Double]](repeating: (1...T).map { 0.5 + 0.1 * Double($0) }, count: 3),
                                         nx: 3, ny: 3, rng: &rng)
        let r = try Matrix.haarOrthogonal(5, using: &rng)
        let net = Initializer.aligned(a: [0.3, 0.2, 0.1], b: [0.9, -0.5, 0.7], c: [0.4, 0.6, 0.2], basis: task.basis(r: r))
        for k in 0..<T {
            let m = task.uy.transposeTimes(net.lagMap(k) * task.vx)
            var off = 0.0
            for i in 0..<3 { for j in 0..<3 where i != j { off = max(off, abs(m[i, j])) } }
            #expect(off <= 1e-12)
        }
        let modes = task.basis(r: r).modes(of: net)
        #expect(modes.b.enumerated().allSatisfy { abs($0.element - [0.9, -0.5, 0.7][$0.offset]) < 1e-12 })
        // The paper's printed construction (R_y = R_x⁻¹) is not diagonal for T ≥ 3.
        let bad = LinearRNN(wx: net.wx, wh: r * Matrix.diagonal([0.9, -0.5, 0.7, 0, 0]).timesTranspose(r.transposed),
                            wy: task.uy * Matrix.diagonal([0.4, 0.6, 0.2], rows: 3, cols: 5) * r)
        let mb = task.uy.transposeTimes(bad.lagMap(1) * task.vx)
        #expect(abs(mb[0, 1]) + abs(mb[1, 0]) + abs(mb[0, 2]) > 1e-6)
    }
}
