import ExperimentKit
import Tasks

/// Huang et al. 2025, Fig. 4: memory demand and the auxiliary loss in delayed discrimination. Group `delay`
/// lengthens the delay (knob: the longest delay, the shortest staying 5, as in the task's 5–20 default); group
/// `auxiliary` adds the |f2 − f1| output (levels 0: without, 1: with). Paper directions for both: DSA ↓, PIF ↑,
/// σ_OOD ↓ (OOD: doubled delay), with DSA and PIF in opposite directions.
public struct HuangFig4: DegeneracyStudy, DeclaredParameters {
    /// The experiment.
    public init() {}
    public var id: String { "huang2025.fig4" }
    public var paperFigure: String { "Huang et al. 2025, Fig. 4 (memory demand and auxiliary loss, delayed discrimination)" }
    public var summary: String { "Longer delays and an auxiliary |f2 − f1| output: DSA ↓, PIF ↑, σ_OOD ↓ (seed bootstrap)" }

    static let delays = Parameter.doubles("delay_levels", [8, 12, 16], full: [10, 20, 40], unit: "steps",
                                          doc: "longest delay per level (shortest 5; T = 17 + longest); empty: group left out")
    static let auxiliary = Parameter.bool("auxiliary", true, doc: "run the auxiliary-output group (without and with |f2 − f1|)")
    static let auxiliaryDelay = Parameter.int("auxiliary_delay_max", 10, full: 20, in: 5...100_000, unit: "steps",
                                              doc: "longest delay of the auxiliary-output group")
    static let channels = Parameter.int("channels", 1, in: 1...64, doc: "delayed-discrimination channels")
    static let threshold = Parameter.double("threshold", 0.25, full: 0.01, in: 1e-12...100, doc: "train-MSE threshold (the paper: 0.01)")

    public static let declared = ParameterList(DegeneracyParameters.all + [
        .init(delays), .init(auxiliary), .init(auxiliaryDelay), .init(channels), .init(threshold),
    ])

    public func plan(_ p: ConfigReader) throws -> DegeneracyPlan {
        let shared = try DegeneracyParameters.read(p)
        let delayLevels = try DegeneracyParameters.integerLevels(p, Self.delays, in: 5...100_000)
        let withAuxiliary = try p.read(Self.auxiliary), auxiliaryDelay = try p.read(Self.auxiliaryDelay)
        let base = DelayedDiscriminationTask(channels: try p.read(Self.channels))
        var recipe = shared.recipe
        recipe.lossThreshold = try p.read(Self.threshold)
        var conditions: [DegeneracyCondition] = []
        for delay in delayLevels {
            var task = base
            task.maximumDelay = delay
            conditions.append(DegeneracyCondition(group: "delay", knob: "delay", level: Double(delay),
                                                  task: .delayedDiscrimination(task), training: recipe))
        }
        if withAuxiliary {
            for on in [false, true] {
                var task = base
                task.maximumDelay = auxiliaryDelay
                task.auxiliaryOutput = on
                conditions.append(DegeneracyCondition(group: "auxiliary", knob: "auxiliary", level: on ? 1 : 0,
                                                      task: .delayedDiscrimination(task), training: recipe))
            }
        }
        guard !conditions.isEmpty else { throw ConfigError(key: "\(p.path).\(Self.delays.key)", "is empty and auxiliary is false (allowed: at least one group)") }
        for c in conditions { try DegeneracyParameters.checkProbe(p, c.task, shared.measurement) }
        try p.finish()
        return DegeneracyPlan(conditions: conditions, seeds: shared.seeds, measurement: shared.measurement,
                              scaleNote: DegeneracyParameters.scaleNote(shared, thresholds: [(base.name, recipe.lossThreshold, base.lossThreshold)]))
    }

    public func result(_ plan: DegeneracyPlan, summaries: [ConditionSummary], context: RunContext) throws -> ExperimentResult {
        DegeneracyFigure.result(
            plan, summaries: summaries, context: context,
            claims: DegeneracyClaims(directions: DegeneracyTrend.memoryDirections, coupling: .opposite),
            figureTitle: "\(Huang2025.citation), Fig. 4 (A memory demand, B auxiliary loss), width \(plan.conditions[0].training.width)",
            title: { "\($0.condition.task.task.name): \($0.condition.knob)" })
    }
}
