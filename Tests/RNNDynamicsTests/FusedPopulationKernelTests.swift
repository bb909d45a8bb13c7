import CKernels
import Testing
@testable import Linalg
@testable import Networks
@testable import Training

/// `(N_x, N_h, N_y, T)`: square, non-square in every direction, T = 1, and both padded widths (4 and 8).
private let fusedKernelSizes = [(4, 4, 4, 6), (3, 5, 2, 4), (7, 2, 6, 1), (8, 8, 8, 3), (1, 8, 5, 2), (5, 3, 8, 7), (2, 1, 1, 5)]

/// The fused C population kernel against the matrix-product route, finite differences and itself (portable path).
@Suite(.serialized) struct FusedPopulationKernelTests {
    /// How the task statistics of a case are built.
    enum Statistics: CaseIterable { case whitened, inputMoments }

    /// A random network and task of the given sizes; whitened tasks get random lag targets, moment tasks the exact
    /// sufficient statistics of a random (non-white) batch.
    static func problem(nx: Int, nh: Int, ny: Int, T: Int, mode: OutputMode, statistics: Statistics)
        -> (LinearRNN, PopulationCorrelations) {
        var rng = RandomStreams(seed: UInt64(nx * 1000 + nh * 100 + ny * 10 + T)).stream("fused-\(mode)-\(statistics)")
        let net = Initializer.unaligned(nx: nx, nh: nh, ny: ny, scale: 0.9, outputMode: mode, rng: &rng)
        switch statistics {
        case .whitened:
            let task: PopulationCorrelations
            switch mode {
            case .final: task = PopulationCorrelations(finalOutput: (0..<T).map { _ in rng.gaussianMatrix(rows: ny, cols: nx) }, targetEnergy: 3)
            case .autoregressive:
                task = PopulationCorrelations(autoregressive: (0..<T).map { t in (0...t).map { _ in rng.gaussianMatrix(rows: ny, cols: nx) } },
                                              targetEnergy: 3)
            }
            return (net, task)
        case .inputMoments:
            let batch = randomBatch(nx: nx, ny: ny, T: T, P: 5 + nx, perStepTargets: mode == .autoregressive, rng: &rng)
            return (net, PopulationCorrelations(sufficientStatisticsOf: batch, outputMode: mode))
        }
    }

    static func evaluate(_ net: LinearRNN, _ task: PopulationCorrelations, route: PopulationRoute) -> (Double, [Matrix]) {
        var ws = net.makePopulationWorkspace(for: task, route: route)
        #expect(ws.route == route)
        let loss = net.populationLossAndGradient(task, workspace: &ws)
        return (loss, ws.gradients)
    }

    @Test(arguments: fusedKernelSizes)
    func fusedKernelMatchesMatrixProductsAndFiniteDifferences(nx: Int, nh: Int, ny: Int, T: Int) {
        for mode in OutputMode.allCases {
            for statistics in Statistics.allCases {
                let (net, task) = Self.problem(nx: nx, nh: nh, ny: ny, T: T, mode: mode, statistics: statistics)
                #expect(net.fusedPopulationKernelHandles(task))
                let (fusedLoss, fused) = Self.evaluate(net, task, route: .fusedKernel)
                let (productLoss, products) = Self.evaluate(net, task, route: .matrixProducts)
                #expect(abs(fusedLoss - productLoss) <= 1e-12 * abs(productLoss), "\(mode) \(statistics)")
                #expect(relativeError(fused, products) <= 1e-12, "\(mode) \(statistics)")
                let fd = finiteDifferenceGradient(net, h: 1e-3) { m in
                    var ws = m.makePopulationWorkspace(for: task, route: .matrixProducts)
                    return m.populationLossAndGradient(task, workspace: &ws)
                }
                #expect(relativeError(fused, fd) <= 1e-9, "\(mode) \(statistics)")
                // ∂L/∂W_h vanishes exactly when T = 1; every other block is non-trivial.
                #expect((T == 1) == (fused[1].maxAbs == 0))
                #expect(fused[0].maxAbs > 0 && fused[2].maxAbs > 0)
            }
        }
    }

    @Test(arguments: fusedKernelSizes)
    func portablePathMatchesTheDispatchedPath(nx: Int, nh: Int, ny: Int, T: Int) {
        for mode in OutputMode.allCases {
            for statistics in Statistics.allCases {
                let (net, task) = Self.problem(nx: nx, nh: nh, ny: ny, T: T, mode: mode, statistics: statistics)
                let (loss, fused) = Self.evaluate(net, task, route: .fusedKernel)
                let (portableLoss, portable) = Self.evaluate(net, task, route: .portableFusedKernel)
                #expect(abs(portableLoss - loss) <= 1e-12 * abs(loss))
                #expect(relativeError(portable, fused) <= 1e-12)
            }
        }
    }

    @Test func dispatchedPathIsDeterministicAndUsesAVX2WhereAvailable() {
        let (net, task) = Self.problem(nx: 4, nh: 4, ny: 4, T: 6, mode: .final, statistics: .inputMoments)
        let (a, ga) = Self.evaluate(net, task, route: .fusedKernel)
        let (b, gb) = Self.evaluate(net, task, route: .fusedKernel)
        #expect(a == b && ga == gb)
        #expect(rnndyn_population_uses_avx2() == rnndyn_small_dgemm_uses_avx2())
    }

    @Test func routeIsChosenBySize() {
        var rng = RandomStreams(seed: 9).stream("route")
        let small = Initializer.unaligned(nx: 4, nh: 8, ny: 3, scale: 1, rng: &rng)
        let wideHidden = Initializer.unaligned(nx: 4, nh: 9, ny: 3, scale: 1, rng: &rng)
        let wideInput = Initializer.unaligned(nx: 9, nh: 4, ny: 3, scale: 1, rng: &rng)
        let narrow = PopulationCorrelations(finalOutput: [rng.gaussianMatrix(rows: 3, cols: 4)])
        let wideTask = PopulationCorrelations(finalOutput: [rng.gaussianMatrix(rows: 3, cols: 9)])
        #expect(small.makePopulationWorkspace(for: narrow).route == .fusedKernel)
        #expect(PopulationGradient(task: narrow, model: small).route == .fusedKernel)
        #expect(wideHidden.makePopulationWorkspace(for: narrow).route == .matrixProducts)
        #expect(wideInput.makePopulationWorkspace(for: wideTask).route == .matrixProducts)
        #expect(!wideInput.fusedPopulationKernelHandles(wideTask) && wideTask.padded == nil)
    }

    @Test(arguments: OutputMode.allCases)
    func trainingOnTheFusedRouteFollowsTheMatrixProductTrajectory(mode: OutputMode) {
        let (net, task) = Self.problem(nx: 4, nh: 4, ny: 4, T: 6, mode: mode, statistics: .inputMoments)
        func train(_ route: PopulationRoute) -> TrainingRun<LinearRNN> {
            var source = PopulationGradient(task: task, model: net, route: route)
            var recorder = Recorder<LinearRNN>(schedule: .steps([]), recordsParameters: false)
            return Trainer.train(net, source: &source, options: TrainingOptions(steps: 300, optimizer: Optimizer(.gd, learningRate: 0.02)),
                                 recorder: &recorder)
        }
        let fused = train(.fusedKernel), products = train(.matrixProducts), again = train(.fusedKernel)
        #expect(fused.stop == .completed && products.stop == .completed)
        #expect(fused.losses.count == 301)
        for (a, b) in zip(fused.losses, products.losses) { #expect(abs(a - b) <= 1e-10 * abs(b)) }
        #expect(relativeError(fused.model.parameters, products.model.parameters) <= 1e-10)
        // Training moved the weights (the comparison is not vacuous) and the loss fell.
        #expect(relativeError(fused.model.parameters, net.parameters) > 1e-2)
        #expect(fused.losses.last! < 0.9 * fused.losses[0])
        // Same inputs, same route: bit-identical runs.
        #expect(again.losses == fused.losses && again.model == fused.model)
    }
}
