import FigureData
import Foundation

/// A computation of an experiment diverged (gradient descent or a theory integration left the finite numbers):
/// where and why, the parameter to lower, and the last good state. Every experiment reports divergence with this
/// error; `rnndyn run` and `rnndyn reproduce` turn it into exit status 3 and keep the state in the run directory.
///
/// Its stored parameter tree holds JSON values only (numbers, strings, arrays and objects of them), which are
/// immutable once built, hence `@unchecked Sendable`.
public struct ExperimentDivergence: Error, CustomStringConvertible, @unchecked Sendable {
    /// Experiment id (set by `Experiment.run(_:overrides:…)`; empty until then).
    public var experiment = ""
    /// What diverged: the run or curve in the experiment's words (`orange run`, `aligned T = 4, scale 0.5, draw 0`).
    public var stage: String
    /// What was iterated: `GD` for training, `the mode flow` and the like for theory integrations.
    public var process: String
    /// The step at which the state became unusable.
    public var step: Int
    /// Why it is unusable (`loss became inf`).
    public var diagnostic: String
    /// The parameter (key relative to the experiment, as `--set` takes it) to lower, and its value in this run.
    public var key: String, value: Double
    /// The state of the step before the divergence: weights or modes and the history up to then.
    public var lastGoodState: Dataset
    /// Every parameter as the experiment read it (set by `Experiment.run(_:overrides:…)`).
    public var parameters: [String: Any] = [:]
    /// Where the last good state was written (set by the runner), or nil before.
    public var keptIn: String?

    /// A divergence at `step` of `stage` (`diagnostic` says why), blamed on `key` = `value`.
    public init(stage: String, process: String = "GD", step: Int, diagnostic: String, key: String, value: Double,
                lastGoodState: Dataset) {
        self.stage = stage; self.process = process; self.step = step; self.diagnostic = diagnostic
        self.key = key; self.value = value; self.lastGoodState = lastGoodState
    }

    /// The step whose state is kept (the initial state when the first step diverged).
    public var lastGoodStep: Int { max(0, step - 1) }

    /// One line: `<exp>: GD diverged at step N on <stage> (<why>); lower <key> (now <value>)[; kept the state of
    /// step N−1 in <dir>]`.
    public var description: String {
        let head = experiment.isEmpty ? "" : "\(experiment): "
        let kept = keptIn.map { "; kept the state of step \(lastGoodStep) in \($0)" } ?? ""
        return "\(head)\(process) diverged at step \(step) on \(stage) (\(diagnostic)); lower \(key) (now \(value))\(kept)"
            .replacingOccurrences(of: "\n", with: " ")
    }

    /// The `stop` object of a diverged run's `config.json` (as `rnndyn train` writes for its runs, plus where and
    /// which parameter).
    public var stopRecord: [String: Any] {
        ["reason": "diverged", "step": step, "diagnostic": diagnostic, "kept_state_from_step": lastGoodStep,
         "stage": stage, "process": process, "parameter": key, "value": value]
    }
}
