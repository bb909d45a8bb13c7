import ExperimentKit
import Linalg
import Networks
import Theory
import Training

/// What a diverged training run left: the step, the reason, and the last good state (every weight block of the
/// model the trainer returned, which is the state before the diverging step, and the losses up to then).
public struct TrainingDivergence: Sendable {
    /// The step whose state was unusable.
    public var step: Int
    /// Why (`loss became inf`).
    public var diagnostic: String
    /// The weight blocks (`Wx`, `Wh`, `Wy`, …) and `loss` (steps 0…step − 1).
    public var state: Dataset

    /// The divergence of `run`, or nil when it did not diverge.
    public init?<M: DifferentiableModel>(_ run: TrainingRun<M>) {
        guard case let .diverged(step, diagnostic) = run.stop else { return nil }
        self.step = step
        self.diagnostic = diagnostic
        var state = Dataset()
        let kept = max(0, step - 1)
        for (name, w) in zip(M.parameterNames, run.model.parameters) {
            state.add(DataArray(name, rows: (0..<w.rows).map { w.row($0) }, doc: "weights \(name) at step \(kept) [row, column]"))
        }
        state.add(DataArray("loss", run.losses, doc: "training loss at steps 0…\(kept) (before each update)"))
        self.state = state
    }

    /// The experiment error: this divergence on `stage`, blamed on `key` = `value`.
    public func error(stage: String, key: String, value: Double) -> ExperimentDivergence {
        ExperimentDivergence(stage: stage, step: step, diagnostic: diagnostic, key: key, value: value, lastGoodState: state)
    }
}

extension FlowDivergence {
    /// Where gradient descent on one mode's energy (explicit Euler of `flow` with step `learningRate`, as
    /// `ModeDescentGrid` runs it) from `initial` first leaves the finite numbers within `steps` steps: an
    /// `ExperimentDivergence` on `stage` blamed on `key` with the last good mode (`mode` = [a, b, c]) and the energy
    /// at steps 0…N−1 (`energy`); nil when every step stays finite. Replays the descent one step at a time, so call it
    /// only for a run whose end state is not finite.
    public static func modeDescent(_ flow: Proca2025.ModeFlow, initial: [Double], learningRate eta: Double, steps: Int,
                                   stage: String, key: String) -> ExperimentDivergence? {
        let euler = FixedStepIntegrator(.euler, stepSize: eta)
        var workspace = ODEWorkspace(dimension: initial.count)
        var y = initial, t = 0.0, energy: [Double] = []
        for step in 0...steps {
            let e = flow.energy(Proca2025.Mode(state: y))
            if !(y.allSatisfy(\.isFinite) && e.isFinite) {
                var state = Dataset()
                let kept = step - 1
                var previous = initial
                if kept > 0 {
                    var t0 = 0.0
                    euler.advance(flow, time: &t0, state: &previous, steps: kept, workspace: &workspace)
                }
                state.add(DataArray("mode", previous, doc: "mode (a, b, c) at step \(kept)"))
                state.add(DataArray("energy", energy, doc: "mode energy at steps 0…\(kept)"))
                return ExperimentDivergence(stage: stage, process: "mode-level GD", step: step,
                                            diagnostic: "energy became \(e) at mode (a, b, c) = (\(y.map { "\($0)" }.joined(separator: ", ")))", key: key,
                                            value: eta, lastGoodState: state)
            }
            energy.append(e)
            if step < steps { euler.advance(flow, time: &t, state: &y, steps: 1, workspace: &workspace) }
        }
        return nil
    }
}

extension ModeDescentGrid {
    /// Throws the `FlowDivergence.modeDescent` divergence of the first point whose outcome is not finite, on the stage
    /// `stage(point index)`, blamed on `key` (the learning rate).
    public func requireFinite(_ outcomes: [Outcome], stage: (Int) -> String, key: String) throws {
        for (i, o) in outcomes.enumerated() where !o.mode.state.allSatisfy(\.isFinite) {
            let p = points[i]
            if let d = FlowDivergence.modeDescent(Proca2025.ModeFlow(singularValues: p.singularValues), initial: p.initial.state,
                                                  learningRate: learningRate, steps: steps, stage: stage(i), key: key) {
                throw d
            }
        }
    }
}
