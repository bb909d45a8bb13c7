import FigureData

/// Divergence checks of theory integrations (mode flows and the like): a trajectory of states sampled at GD steps.
public enum FlowDivergence {
    /// Throws an `ExperimentDivergence` when a state of `states` (sampled at GD steps `steps`) is not finite: the first
    /// such sample is the divergence, the samples before it are the last good state (`<name>_state` [sample,
    /// component] and `<name>_step`). `process` names the integration (`the mode flow (RK4)`).
    public static func check(_ states: [[Double]], steps: [Double], process: String, stage: String, key: String,
                             value: Double, name: String = "flow") throws {
        guard let bad = states.firstIndex(where: { !$0.allSatisfy(\.isFinite) }) else { return }
        var state = Dataset()
        let good = Array(states.prefix(bad))
        let width = states[bad].count
        state.add(DataArray("\(name)_step", Array(steps.prefix(bad)), doc: "GD step of each finite sample of \(process)"))
        state.add(DataArray("\(name)_state", shape: [good.count, width], values: good.flatMap { $0 },
                            doc: "state of \(process) at each finite sample [sample, component]"))
        let at = bad < steps.count ? Int(exactly: steps[bad].rounded()) ?? bad : bad
        throw ExperimentDivergence(stage: stage, process: process, step: at, diagnostic: "state became \(states[bad].first { !$0.isFinite }!)",
                                   key: key, value: value, lastGoodState: state)
    }
}
