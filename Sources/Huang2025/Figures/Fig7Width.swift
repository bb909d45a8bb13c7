import ExperimentKit

/// Huang et al. 2025, Fig. 7: width under µP at fixed γ, so that wider networks learn in the same regime. Paper
/// directions: DSA ↓, PIF ↓, σ_OOD ↓; DSA and PIF in the same direction. PIF compares the effective recurrent matrix
/// J/N divided by n² (the mean squared entry difference), so widths compare like with like.
public struct HuangFig7: DegeneracyStudy, DeclaredParameters {
    /// The experiment.
    public init() {}
    public var id: String { "huang2025.fig7" }
    public var paperFigure: String { "Huang et al. 2025, Fig. 7 (width under µP at fixed γ)" }
    public var summary: String { "Width ↑ under µP at fixed γ: DSA ↓, PIF ↓, σ_OOD ↓ (seed bootstrap)" }

    static let widths = Parameter.doubles("width_levels", [16, 32, 64], full: [64, 128, 256], unit: "units",
                                          doc: "hidden widths N (increasing integers ≥ 2; `width` is not used)")
    static let gamma = Parameter.double("gamma", 1, in: 1e-6...1e6, doc: "the fixed feature-learning strength γ")

    public static let declared = ParameterList(DegeneracyParameters.all + MuPTaskParameters.all + [.init(widths), .init(gamma)])

    public func plan(_ p: ConfigReader) throws -> DegeneracyPlan {
        let shared = try DegeneracyParameters.read(p)
        let (task, threshold, alpha, eta0) = try MuPTaskParameters.read(p)
        let levels = try DegeneracyParameters.integerLevels(p, Self.widths, in: 2...4096)
        guard !levels.isEmpty else { throw ConfigError(key: "\(p.path).\(Self.widths.key)", "is empty (allowed: ≥ 2 increasing widths)") }
        let gamma = try p.read(Self.gamma)
        let rank = shared.measurement.dsa.dmd.rank, delays = shared.measurement.dsa.dmd.embedding.delays
        if case let .fixed(r) = rank, r > levels[0] * delays {
            throw ConfigError(key: "\(p.path).\(DegeneracyParameters.dsaRank.key)",
                              "\(r) exceeds the narrowest width·dsa_n_delays = \(levels[0] * delays) (allowed: 1…\(levels[0] * delays))")
        }
        try DegeneracyParameters.checkProbe(p, task, shared.measurement)
        try p.finish()
        let conditions = levels.map { width in
            var recipe = shared.recipe
            recipe.width = width
            recipe.lossThreshold = threshold
            recipe.network = .leakyMuP(alpha: alpha, gamma: gamma, eta0: eta0)
            return DegeneracyCondition(group: task.key, knob: "width", level: Double(width), task: task, training: recipe)
        }
        return DegeneracyPlan(conditions: conditions, seeds: shared.seeds, measurement: shared.measurement,
                              scaleNote: DegeneracyParameters.scaleNote(shared, thresholds: [(task.task.name, threshold, task.task.lossThreshold)],
                                                                        widthIsKnob: true))
    }

    public func result(_ plan: DegeneracyPlan, summaries: [ConditionSummary], context: RunContext) throws -> ExperimentResult {
        DegeneracyFigure.result(
            plan, summaries: summaries, context: context,
            claims: DegeneracyClaims(directions: DegeneracyTrend.shrinkingDirections, coupling: .same),
            figureTitle: "\(Huang2025.citation), Fig. 7 (width under µP, γ = \(Huang2025.label(gammaOf(plan))))",
            title: { "\($0.condition.task.task.name) (µP)" })
    }

    private func gammaOf(_ plan: DegeneracyPlan) -> Double {
        if case let .leakyMuP(_, gamma, _) = plan.conditions[0].training.network { return gamma }
        return .nan
    }
}
