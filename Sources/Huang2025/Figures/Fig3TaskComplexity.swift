import ExperimentKit
import FigureData
import Foundation
import Tasks

/// Huang et al. 2025, Figs. 3 and 5 from the same networks: task complexity (the number of independent channels;
/// 2-D → 3-D for path integration) against degeneracy at three levels — dynamics (3A MDS and 3B mean pairwise DSA),
/// weights (3C mean pairwise PIF / n²), behaviour (3D σ_OOD) — and against feature learning (5: ‖ΔW_h‖_F, NTK
/// kernel alignment). Paper directions with complexity: DSA ↓, PIF ↑, σ_OOD ↓, ‖ΔW‖ ↑, KA ↓.
///
/// A task whose levels list is empty is left out. Thresholds: the paper's at full scale (flip-flop 0.001,
/// discrimination 0.01, sine 0.05, path integration 0.05); the quick preset's are looser so that small networks on
/// short trials converge within its step budget (their values are the `*_threshold` parameters).
public struct HuangFig3: DegeneracyStudy, DeclaredParameters {
    /// The experiment.
    public init() {}
    public var id: String { "huang2025.fig3" }
    public var paperFigure: String { "Huang et al. 2025, Figs. 3 and 5 (task complexity: degeneracy and feature learning)" }
    public var summary: String { "Channels ↑ in four tasks: DSA ↓, PIF ↑, σ_OOD ↓, ‖ΔW‖ ↑, KA ↓ (seed bootstrap)" }

    static let flipFlopLevels = Parameter.doubles("flip_flop_levels", [1, 2, 3], doc: "flip-flop bits N (empty: task left out)")
    static let flipFlopLength = Parameter.int("flip_flop_trial_length", 30, full: 100, in: 2...100_000, doc: "flip-flop T")
    static let flipFlopSwitch = Parameter.double("flip_flop_p_switch", 0.3, in: 0...1, doc: "flip-flop pulse probability per step and channel")
    static let flipFlopThreshold = Parameter.double("flip_flop_threshold", 0.02, full: 0.001, in: 1e-12...100, doc: "flip-flop train-MSE threshold")
    static let discriminationLevels = Parameter.doubles("delayed_discrimination_levels", [1, 2, 3], doc: "delayed-discrimination channels (empty: left out)")
    static let discriminationDelay = Parameter.int("delayed_discrimination_delay_max", 10, full: 20, in: 5...100_000,
                                                   doc: "longest delay (shortest 5; T = 17 + longest delay)")
    static let discriminationThreshold = Parameter.double("delayed_discrimination_threshold", 0.25, full: 0.01, in: 1e-12...100,
                                                          doc: "delayed-discrimination train-MSE threshold")
    static let sineLevels = Parameter.doubles("sine_wave_levels", [1, 2, 3], doc: "sine-wave channels (empty: left out)")
    static let sineLength = Parameter.int("sine_wave_trial_length", 30, full: 100, in: 2...100_000, doc: "sine-wave T")
    static let sineFrequencies = Parameter.int("sine_wave_frequency_count", 4, full: 10, in: 1...1000, doc: "training frequencies over [1, 30]")
    static let sineThreshold = Parameter.double("sine_wave_threshold", 0.06, full: 0.05, in: 1e-12...100, doc: "sine-wave train-MSE threshold")
    static let pathLevels = Parameter.doubles("path_integration_levels", [2, 3], doc: "path-integration dimensions (2 and/or 3; empty: left out)")
    static let pathLength = Parameter.int("path_integration_trial_length", 30, full: 100, in: 2...100_000, doc: "path-integration T")
    static let pathThreshold = Parameter.double("path_integration_threshold", 0.8, full: 0.05, in: 1e-12...100,
                                                doc: "path-integration train-MSE threshold")

    public static let declared = ParameterList(DegeneracyParameters.all + [
        .init(flipFlopLevels), .init(flipFlopLength), .init(flipFlopSwitch), .init(flipFlopThreshold),
        .init(discriminationLevels), .init(discriminationDelay), .init(discriminationThreshold),
        .init(sineLevels), .init(sineLength), .init(sineFrequencies), .init(sineThreshold),
        .init(pathLevels), .init(pathLength), .init(pathThreshold),
    ])

    public func plan(_ p: ConfigReader) throws -> DegeneracyPlan {
        let shared = try DegeneracyParameters.read(p)
        var families: [(NeuroscienceTaskChoice, [Int], Double)] = []
        var thresholds: [(task: String, used: Double, paper: Double)] = []
        let ff = try DegeneracyParameters.integerLevels(p, Self.flipFlopLevels, in: 1...64)
        families.append((.flipFlop(FlipFlopTask(trialLength: try p.read(Self.flipFlopLength), pSwitch: try p.read(Self.flipFlopSwitch))),
                         ff, try p.read(Self.flipFlopThreshold)))
        let dd = try DegeneracyParameters.integerLevels(p, Self.discriminationLevels, in: 1...64)
        families.append((.delayedDiscrimination(DelayedDiscriminationTask(maximumDelay: try p.read(Self.discriminationDelay))),
                         dd, try p.read(Self.discriminationThreshold)))
        let sw = try DegeneracyParameters.integerLevels(p, Self.sineLevels, in: 1...64)
        families.append((.sineWave(SineWaveTask(frequencyCount: try p.read(Self.sineFrequencies), trialLength: try p.read(Self.sineLength))),
                         sw, try p.read(Self.sineThreshold)))
        let pi = try DegeneracyParameters.integerLevels(p, Self.pathLevels, in: 2...3)
        families.append((.pathIntegration(PathIntegrationTask(trialLength: try p.read(Self.pathLength))), pi, try p.read(Self.pathThreshold)))
        var conditions: [DegeneracyCondition] = []
        for (base, levels, threshold) in families {
            var recipe = shared.recipe
            recipe.lossThreshold = threshold
            if !levels.isEmpty { thresholds.append((base.task.name, threshold, base.task.lossThreshold)) }
            for level in levels {
                let task = base.withComplexity(level)
                try DegeneracyParameters.checkProbe(p, task, shared.measurement)
                conditions.append(DegeneracyCondition(group: base.key, knob: base.complexityName, level: Double(level), task: task,
                                                      training: recipe))
            }
        }
        guard !conditions.isEmpty else { throw ConfigError(key: "\(p.path).\(Self.flipFlopLevels.key)", "every task's levels are empty (allowed: levels for at least one task)") }
        try p.finish()
        return DegeneracyPlan(conditions: conditions, seeds: shared.seeds, measurement: shared.measurement,
                              scaleNote: DegeneracyParameters.scaleNote(shared, thresholds: thresholds))
    }

    public func result(_ plan: DegeneracyPlan, summaries: [ConditionSummary], context: RunContext) throws -> ExperimentResult {
        DegeneracyFigure.result(
            plan, summaries: summaries, context: context,
            claims: DegeneracyClaims(directions: DegeneracyTrend.complexityDirections, coupling: .opposite),
            figureTitle: "\(Huang2025.citation), Figs. 3 (A MDS of DSA, B dynamics, C weights, D behaviour) and 5 (feature learning), width \(plan.conditions[0].training.width)",
            title: { $0.condition.task.task.name })
    }
}
