import ExperimentKit
import Tasks

/// Huang et al. 2025, Fig. 8: structural regularization on delayed discrimination — the nuclear norm of W_h (group
/// `nuclear`) and the L1 norm of W_h (group `l1`), each over strengths λ from 0. The stopping threshold watches the
/// task loss, so every network meets the same task criterion. Paper directions: DSA ↓, PIF ↓, σ_OOD ↓ with λ; DSA and
/// PIF in the same direction.
public struct HuangFig8: DegeneracyStudy, DeclaredParameters {
    /// The experiment.
    public init() {}
    public var id: String { "huang2025.fig8" }
    public var paperFigure: String { "Huang et al. 2025, Fig. 8 (nuclear-norm and L1 regularization, delayed discrimination)" }
    public var summary: String { "Nuclear-norm and L1 strength ↑ on W_h: DSA ↓, PIF ↓, σ_OOD ↓ (seed bootstrap)" }

    static let nuclear = Parameter.doubles("nuclear_levels", [0, 0.001, 0.003], full: [0, 0.0003, 0.001, 0.003],
                                           doc: "nuclear-norm strengths λ (increasing, ≥ 0; empty: group left out)")
    static let l1 = Parameter.doubles("l1_levels", [0, 0.0001, 0.0003], full: [0, 0.00003, 0.0001, 0.0003],
                                      doc: "L1 strengths λ on W_h (increasing, ≥ 0; empty: group left out)")
    static let delay = Parameter.int("delay_max", 10, full: 20, in: 5...100_000, unit: "steps", doc: "longest delay (shortest 5)")
    static let threshold = Parameter.double("threshold", 0.25, full: 0.01, in: 1e-12...100, doc: "train-MSE threshold (the paper: 0.01)")

    public static let declared = ParameterList(DegeneracyParameters.all + [.init(nuclear), .init(l1), .init(delay), .init(threshold)])

    public func plan(_ p: ConfigReader) throws -> DegeneracyPlan {
        let shared = try DegeneracyParameters.read(p)
        let strengths = "λ ≥ 0"
        let groups: [(String, [Double], (Double) -> DegeneracyPenalty)] = [
            ("nuclear", try DegeneracyParameters.levels(p, Self.nuclear, allowed: strengths) { $0 >= 0 && $0.isFinite }, DegeneracyPenalty.nuclear),
            ("l1", try DegeneracyParameters.levels(p, Self.l1, allowed: strengths) { $0 >= 0 && $0.isFinite }, DegeneracyPenalty.l1),
        ]
        let task = NeuroscienceTaskChoice.delayedDiscrimination(DelayedDiscriminationTask(maximumDelay: try p.read(Self.delay)))
        var recipe = shared.recipe
        recipe.lossThreshold = try p.read(Self.threshold)
        var conditions: [DegeneracyCondition] = []
        for (group, levels, penalty) in groups {
            for lambda in levels {
                var r = recipe
                r.penalty = penalty(lambda)
                conditions.append(DegeneracyCondition(group: group, knob: "lambda", level: lambda, task: task, training: r))
            }
        }
        guard !conditions.isEmpty else { throw ConfigError(key: "\(p.path).\(Self.nuclear.key)", "and l1_levels are empty (allowed: levels for at least one penalty)") }
        try DegeneracyParameters.checkProbe(p, task, shared.measurement)
        try p.finish()
        return DegeneracyPlan(conditions: conditions, seeds: shared.seeds, measurement: shared.measurement,
                              scaleNote: DegeneracyParameters.scaleNote(shared, thresholds: [(task.task.name, recipe.lossThreshold, task.task.lossThreshold)]))
    }

    public func result(_ plan: DegeneracyPlan, summaries: [ConditionSummary], context: RunContext) throws -> ExperimentResult {
        DegeneracyFigure.result(
            plan, summaries: summaries, context: context,
            claims: DegeneracyClaims(directions: DegeneracyTrend.shrinkingDirections, coupling: .same),
            figureTitle: "\(Huang2025.citation), Fig. 8 (structural regularization, delayed discrimination), width \(plan.conditions[0].training.width)",
            title: { "delayed discrimination: \($0.condition.group == "l1" ? "L1" : "nuclear norm")" })
    }
}
