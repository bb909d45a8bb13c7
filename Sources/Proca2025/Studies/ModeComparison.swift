import ExperimentKit
import Linalg
import Tasks
import Theory

/// A single-mode simulation with its theory curve on the same time axis — the unit most Proca et al. figures
/// are built from.
public struct ModeComparison: Sendable {
    /// GD steps of the records.
    public var steps: [Double]
    /// Simulated `b`, `ac`, loss at each record (full-matrix aligned LRNN).
    public var simulated: (b: [Double], ac: [Double], loss: [Double])
    /// Mode-flow `b`, `ac`, energy at each record (RK4 with a tenth of the GD step).
    public var theory: (b: [Double], ac: [Double], loss: [Double])
    /// The simulation's divergence and last good state, if it diverged (the records then end at the last good step).
    public var divergence: TrainingDivergence?
    /// The mode-flow states (a, b, c) at the records.
    var theoryStates: [[Double]]

    /// Trains an aligned LRNN (hidden width `hidden`, every mode starting at `initial`) on the single-mode task
    /// `s` by population GD, and integrates the mode flow from the same start.
    public init(singularValues s: [Double], hidden: Int = 2, initial: Double, learningRate eta: Double, steps: Int,
                recordEvery: Int, streams: RandomStreams) throws {
        var rng = streams.stream("data")
        let task = try SingularValueTask(singularValues: [s], nx: 2, ny: 2, rng: &rng)
        let sim = try ModeSimulation(task: task, hidden: hidden, initialModes: (a: [initial], b: [initial], c: [initial]),
                                     learningRate: eta, steps: steps, recordEvery: recordEvery).run(streams: streams)
        self.steps = sim.steps.map(Double.init)
        simulated = (sim.alignedModes.map { $0.b[0] }, sim.alignedModes.map { $0.a[0] * $0.c[0] }, sim.loss)
        let flow = Proca2025.ModeFlow(singularValues: s)
        let states = FixedStepIntegrator(.rk4, stepSize: eta / 10)
            .solve(flow, initial: Proca2025.Mode.uniform(initial).state, outputTimes: sim.time).states
        theory = (states.map { $0[1] }, states.map { $0[0] * $0[2] }, states.map { flow.energy(Proca2025.Mode(state: $0)) })
        divergence = sim.divergence
        theoryStates = states
    }

    /// Throws an `ExperimentDivergence` on `stage`, blamed on `key` = `value`, when the simulation diverged or the
    /// mode flow left the finite numbers.
    public func requireFinite(stage: String, key: String, value: Double) throws {
        if let d = divergence { throw d.error(stage: stage, key: key, value: value) }
        try FlowDivergence.check(theoryStates, steps: steps, process: "the mode flow (RK4)", stage: stage, key: key, value: value,
                                 name: "mode_flow")
    }

    /// Largest gap between simulation and theory, relative to the final theory value, over `b` and `ac`.
    public var worstRelativeGap: Double {
        var worst = 0.0
        for (sim, th) in [(simulated.b, theory.b), (simulated.ac, theory.ac)] {
            let scale = max(abs(th.last ?? 0), 1e-3)
            for (x, y) in zip(sim, th) { worst = max(worst, abs(x - y) / scale) }
        }
        return worst
    }
}
