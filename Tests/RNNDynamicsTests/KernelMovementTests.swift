import Foundation
import Testing
@testable import Analysis
@testable import Linalg
@testable import Networks
@testable import Tasks
@testable import Training

@Suite struct KernelMovementTests {
    @Test func distanceAndAlignmentOfKnownKernels() {
        let a = Matrix([[2, 1], [1, 3]]), b = Matrix([[1, 0], [0, -1]])
        #expect(abs(KernelMetrics.distance(a, 4.5 * a)) <= 1e-15)
        #expect(abs(KernelMetrics.alignment(a, b) - (2 - 3) / (15.0.squareRoot() * 2.0.squareRoot())) <= 1e-15)
        #expect(abs(KernelMetrics.distance(b, -1 * b) - 2) <= 1e-15)
        #expect(KernelMetrics.alignment(a, Matrix(rows: 2, cols: 2)).isNaN)
        let eig = try! KernelMetrics.eigenvalues(a)
        #expect(eig.count == 2 && eig[0] > eig[1])
        #expect(abs(eig[0] - (5 + 5.0.squareRoot()) / 2) <= 1e-14 && abs(eig[0] + eig[1] - a.trace) <= 1e-14)
        #expect(KernelMetrics.topEigenvalues(a, count: 3).last!.isNaN)
    }

    @Test func weightChangePerBlock() {
        let w0 = [Matrix([[3, 0], [0, 4]]), Matrix(rows: 1, cols: 2)]
        let w1 = [Matrix([[3, 1], [0, 4]]), Matrix([[0, 2]])]
        #expect(WeightChange.norms(from: w0, to: w1) == [1, 2])
        #expect(WeightChange.relative(from: w0, to: w1) == [0.2, .infinity])
        #expect(WeightChange.relative(from: w0, to: w0)[1].isNaN)
    }

    /// The tracker's probes start at zero movement and end at the directly computed distance and weight change.
    @Test func probesRecordKernelMovementDuringTraining() {
        var rng = RandomStreams(seed: 4).stream("probe")
        let net = Initializer.unaligned(nx: 2, nh: 3, ny: 2, scale: 0.3, rng: &rng)
        let batch = randomBatch(nx: 2, ny: 2, T: 3, P: 4, perStepTargets: false, rng: &rng)
        let tracker = KernelMovementTracker(closedFormAt: net, on: batch)
        var recorder = Recorder<LinearRNN>(schedule: .every(50), probes: tracker.probes(topEigenvalues: 3), recordsParameters: false)
        let run = Trainer.train(net, on: batch, batchSize: 0, rng: rng,
                                options: TrainingOptions(steps: 200, optimizer: Optimizer(.gd, learningRate: 0.05)), recorder: &recorder)
        let r = run.recording
        #expect(abs(r.probes["kernel_distance"]!.first![0]) <= 1e-15 && r.probes["weight_change_norm"]!.first == [0, 0, 0])
        let final = LinearRNNTangentKernel.kernel(run.model, on: batch)
        #expect(r.probes["kernel_distance"]!.last![0] == KernelMetrics.distance(tracker.initialKernel, final))
        #expect(r.probes["kernel_distance"]!.last![0] > 1e-4)
        #expect(abs(r.probes["kernel_alignment"]!.last![0] + r.probes["kernel_distance"]!.last![0] - 1) <= 1e-15)
        #expect(r.probes["ntk_top_eigenvalues"]!.last! == KernelMetrics.topEigenvalues(final, count: 3))
        #expect(r.probes["weight_change_relative"]!.last! == WeightChange.relative(from: net.parameters, to: run.model.parameters))
        let jacobianTracker = KernelMovementTracker(jacobianAt: net, on: batch, blocks: .linearRNN)
        #expect(abs(jacobianTracker.distance(at: run.model) - tracker.distance(at: run.model)) <= 1e-9)
    }

    /// Kernel distance after training to convergence on the constant task (s_t = 1): larger for a recurrent
    /// network (T = 3) than a feed-forward one (T = 1), and larger from a small initialisation than from a large one.
    @Test func distanceRisesWithTAndFallsWithInitScale() throws {
        func distance(T: Int, scale: Double, aligned: Bool) throws -> Double {
            var rng = RandomStreams(seed: 1).stream("movement-T\(T)")
            let task = try SingularValueTask(singularValues: [[Double]](repeating: [Double](repeating: 1, count: T), count: 2),
                                             nx: 2, ny: 2, rng: &rng)
            let batch = try task.sample(count: 16, rng: &rng)
            var initRNG = RandomStreams(seed: 1).stream("movement-init")
            let net = aligned
                ? Initializer.aligned(a: [scale, scale], b: [scale, scale], c: [scale, scale],
                                      basis: task.basis(r: try Matrix.haarOrthogonal(2, using: &initRNG)))
                : Initializer.unaligned(nx: 2, nh: 2, ny: 2, scale: scale, rng: &initRNG)
            let tracker = KernelMovementTracker(closedFormAt: net, on: batch)
            var recorder = Recorder<LinearRNN>(schedule: .steps([]), recordsParameters: false)
            let run = Trainer.train(net, on: batch, batchSize: 0, rng: initRNG,
                                    options: TrainingOptions(steps: 6000, optimizer: Optimizer(.gd, learningRate: 0.05)),
                                    recorder: &recorder)
            #expect(run.stop == .completed && run.losses.last! <= 1e-8 * run.losses[0], "T = \(T), scale \(scale) did not converge")
            return tracker.distance(at: run.model)
        }
        for aligned in [true, false] {
            let d1 = try distance(T: 1, scale: 0.05, aligned: aligned), d3 = try distance(T: 3, scale: 0.05, aligned: aligned)
            let d3large = try distance(T: 3, scale: 0.5, aligned: aligned)
            #expect(d3 > d1 + 0.05, "aligned \(aligned): D(T = 3) = \(d3) vs D(T = 1) = \(d1)")
            #expect(d3 > d3large + 0.05, "aligned \(aligned): D(0.05) = \(d3) vs D(0.5) = \(d3large)")
        }
    }
}
