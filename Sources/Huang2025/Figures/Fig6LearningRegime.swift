import ExperimentKit

/// Huang et al. 2025, Fig. 6 (with Appendix M): the learning regime under µP. Networks are µP leaky rate RNNs
/// (readout 1/(γN), Adam rate γ·η0); γ rises from lazy to rich. Paper directions: DSA ↓, PIF ↑, σ_OOD ↑ with the mean
/// OOD loss ↑ (overfitting), ‖ΔW‖ ↑ and KA ↓; DSA and PIF in opposite directions.
public struct HuangFig6: DegeneracyStudy, DeclaredParameters {
    /// The experiment.
    public init() {}
    public var id: String { "huang2025.fig6" }
    public var paperFigure: String { "Huang et al. 2025, Fig. 6 (learning regime: γ under µP)" }
    public var summary: String { "γ ↑ under µP: DSA ↓, PIF ↑, σ_OOD ↑ and mean OOD ↑, ‖ΔW‖ ↑, KA ↓ (seed bootstrap)" }

    static let gammas = Parameter.doubles("gamma_levels", [0.5, 1, 2], full: [0.25, 0.5, 1, 2, 4],
                                          doc: "feature-learning strengths γ (increasing, > 0)")

    public static let declared = ParameterList(DegeneracyParameters.all + MuPTaskParameters.all + [.init(gammas)])

    public func plan(_ p: ConfigReader) throws -> DegeneracyPlan {
        let shared = try DegeneracyParameters.read(p)
        let (task, threshold, alpha, eta0) = try MuPTaskParameters.read(p)
        let levels = try DegeneracyParameters.levels(p, Self.gammas, allowed: "γ > 0") { $0 > 0 && $0.isFinite }
        guard !levels.isEmpty else { throw ConfigError(key: "\(p.path).\(Self.gammas.key)", "is empty (allowed: ≥ 2 increasing γ > 0)") }
        try DegeneracyParameters.checkProbe(p, task, shared.measurement)
        try p.finish()
        let conditions = levels.map { gamma in
            var recipe = shared.recipe
            recipe.lossThreshold = threshold
            recipe.network = .leakyMuP(alpha: alpha, gamma: gamma, eta0: eta0)
            return DegeneracyCondition(group: task.key, knob: "gamma", level: gamma, task: task, training: recipe)
        }
        return DegeneracyPlan(conditions: conditions, seeds: shared.seeds, measurement: shared.measurement,
                              scaleNote: DegeneracyParameters.scaleNote(shared, thresholds: [(task.task.name, threshold, task.task.lossThreshold)]))
    }

    public func result(_ plan: DegeneracyPlan, summaries: [ConditionSummary], context: RunContext) throws -> ExperimentResult {
        DegeneracyFigure.result(
            plan, summaries: summaries, context: context,
            claims: DegeneracyClaims(directions: DegeneracyTrend.gammaDirections, coupling: .opposite),
            figureTitle: "\(Huang2025.citation), Fig. 6 (learning regime, µP), width \(plan.conditions[0].training.width)",
            title: { "\($0.condition.task.task.name) (µP)" })
    }
}
