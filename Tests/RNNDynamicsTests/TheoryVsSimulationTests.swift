import Foundation
import Numerics
import Testing
@testable import Linalg
@testable import Networks
@testable import Proca2025
@testable import Tasks
@testable import Theory
@testable import Training

/// Full-matrix linear RNNs trained by gradient descent against the per-mode gradient flow of Proca et al.
/// (Eqs. 5–7, App. M, App. N): the theory must track the simulation within 1 % of the final mode value along
/// the whole trajectory. The flow is integrated by RK4 with a 10× finer step than the GD step.
@Suite(.serialized) struct TheoryVsSimulationTests {
    static let eta = 0.002, steps = 7500, every = 250

    /// max over records of |sim − theory| / |theory at the end| per quantity; quantities are single reals
    /// (`components` = 1) or complex numbers packed as (re, im) (`components` = 2, compared in modulus).
    static func worstRelativeGap(_ sim: [[Double]], _ theory: [[Double]], components: Int = 1) -> Double {
        var worst = 0.0
        for q in stride(from: 0, to: sim[0].count, by: components) {
            func norm(_ v: [Double]) -> Double { (0..<components).reduce(0) { $0 + v[q + $1] * v[q + $1] }.squareRoot() }
            let scale = max(norm(theory.last!), 1e-3)
            for (s, t) in zip(sim, theory) { worst = max(worst, norm(zip(s, t).map { $0 - $1 }) / scale) }
        }
        return worst
    }

    /// Real flow integrated to the record times.
    static func realTheory(_ flow: Proca2025.ModeFlow, initial: Proca2025.Mode, times: [Double]) -> [[Double]] {
        let sol = FixedStepIntegrator(.rk4, stepSize: eta / 10).solve(flow, initial: initial.state, outputTimes: times)
        return sol.states
    }

    @Test(arguments: [OutputMode.final, .autoregressive])
    func alignedRealModesFollowTheModeFlow(readout: OutputMode) throws {
        let T = 5
        var rng = RandomStreams(seed: 50).stream("data")
        let uy = try Matrix.haarOrthogonal(3, using: &rng), vx = try Matrix.haarOrthogonal(3, using: &rng)
        let families: [SingularValueProfile] = [.constant(delta: 1), .inverseExponential(delta: 1, lambda: 0.7),
                                            .exponential(delta: 1, lambda: 0.8)]
        let task: PopulationCorrelations
        if readout == .final {
            task = SingularValueTask(singularValues: families.map { $0.singularValues(length: T) }, uy: uy, vx: vx).population
        } else {
            let s = families.map { $0.autoregressiveSingularValues(length: T) }
            task = AutoregressiveSingularValueTask(singularValues: s, uy: uy, vx: vx).population
        }
        let basis = TaskBasis(uy: uy, vx: vx, r: try Matrix.haarOrthogonal(4, using: &rng))
        let net = Initializer.aligned(a: [0.1, 0.1, 0.1], b: [0.1, 0.1, 0.1], c: [0.1, 0.1, 0.1], basis: basis, outputMode: readout)
        var source = PopulationGradient(task: task, model: net)
        var rec = Recorder<LinearRNN>(schedule: .every(Self.every), probes: Probe.modes(in: basis), recordsParameters: false)
        let run = Trainer.train(net, source: &source, options: TrainingOptions(steps: Self.steps, optimizer: Optimizer(.gd, learningRate: Self.eta)),
                                recorder: &rec)
        #expect(run.stop == .completed)
        let times = run.recording.steps.map { Double($0) * Self.eta }
        for (k, family) in families.enumerated() {
            let flow = readout == .final ? Proca2025.ModeFlow(singularValues: family.singularValues(length: T))
                                         : Proca2025.ModeFlow(autoregressive: family.autoregressiveSingularValues(length: T))
            let theory = Self.realTheory(flow, initial: .uniform(0.1), times: times)
            let sim = (0..<times.count).map { i in
                [run.recording.probes["modes_a"]![i][k], run.recording.probes["modes_b"]![i][k], run.recording.probes["modes_c"]![i][k]]
            }
            let gap = Self.worstRelativeGap(sim, theory)
            #expect(gap <= 0.01, "\(readout) \(family): worst gap \(gap)")
            // The modes really moved (b and ac change by far more than the tolerance).
            #expect(abs(sim.last![1] - 0.1) > 0.1)
        }
    }

    @Test(arguments: [OutputMode.final, .autoregressive])
    func eigenAlignedComplexModesFollowTheComplexFlow(readout: OutputMode) throws {
        let T = 6
        var rng = RandomStreams(seed: 51).stream("data")
        let basis = EigenBasis(q: try Matrix.haarOrthogonal(2, using: &rng), isPair: [true])
        let lambda = Complex(length: 0.9, phase: Double.pi / 6), delta = Complex<Double>(1, 0)
        func d(_ lag: Int) -> Complex<Double> { var p = delta; for _ in 0..<lag { p = p * lambda }; return p }
        let task: PopulationCorrelations
        if readout == .final {
            task = PopulationCorrelations(finalOutput: (1...T).map { basis.matrix([d(T - $0)]) })
        } else {
            task = PopulationCorrelations(autoregressive: (1...T).map { t in (1...t).map { i in basis.matrix([d(t - i)]) } })
        }
        let z0 = Complex<Double>(0.1, 0)
        let net = Initializer.alignedEigen(a: [z0], b: [z0], c: [z0], basis: basis, outputMode: readout)
        var source = PopulationGradient(task: task, model: net)
        var rec = Recorder<LinearRNN>(schedule: .every(Self.every), recordsParameters: true)
        let run = Trainer.train(net, source: &source, options: TrainingOptions(steps: Self.steps, optimizer: Optimizer(.gd, learningRate: Self.eta)),
                                recorder: &rec)
        let times = run.recording.steps.map { Double($0) * Self.eta }
        let flow = readout == .final ? Proca2025.ComplexModeFlow(eigenvalues: (1...T).map { d(T - $0) })
                                     : Proca2025.ComplexModeFlow(autoregressive: (1...T).map { t in (1...t).map { d(t - $0) } })
        let theory = FixedStepIntegrator(.rk4, stepSize: Self.eta / 10)
            .solve(flow, initial: Proca2025.ComplexMode.uniform(z0).state, outputTimes: times).states
        let r = run.recording
        let sim: [[Double]] = (0..<times.count).map { i in
            let blocks = ["Wx", "Wh", "Wy"].map { Matrix(rows: 2, cols: 2, columnMajor: r.parameters[$0]![i]) }
            let z = blocks.map { basis.modes(of: $0)[0] }
            return Proca2025.ComplexMode(a: z[0], b: z[1], c: z[2]).state
        }
        let gap = Self.worstRelativeGap(sim, theory, components: 2)
        #expect(gap <= 0.01, "complex \(readout): worst gap \(gap)")
        // b rotated towards λ's angle: the test compares a genuinely complex trajectory.
        let bEnd = Proca2025.ComplexMode(state: sim.last!).b
        #expect(abs(bEnd.phase) > 0.1)
    }
}
