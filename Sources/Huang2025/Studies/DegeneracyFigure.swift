import ExperimentKit
import FigureData

/// What a degeneracy figure claims about each of its groups: the paper's directions under the knob and how DSA and
/// PIF move together.
struct DegeneracyClaims {
    /// The metrics checked and whether each decreases as the knob rises.
    var directions: [(DegeneracyTrend.Metric, decreasing: Bool)]
    /// DSA and PIF in opposite directions (complexity, γ) or the same (width, regularization).
    var coupling: DegeneracyTrend.Coupling
}

/// The result every degeneracy figure builds from its condition summaries: per group the dataset arrays
/// (`DegeneracyDataset`), the MDS/dynamics/weights/behaviour panels, feature-learning panels when the claims include
/// ‖ΔW‖ or KA, a mean-OOD panel when they include it, the trend checks with the seed bootstrap, and scalars (each
/// metric's bootstrap fraction with the paper's sign, the converged fraction).
enum DegeneracyFigure {
    /// The experiment result; `title` names a group in panels and claims (e.g. "delayed-discrimination: delay").
    static func result(_ plan: DegeneracyPlan, summaries: [ConditionSummary], context: RunContext, claims: DegeneracyClaims,
                       figureTitle: String, title: (ConditionSummary) -> String,
                       declared: [String: [String: String]] = [:]) -> ExperimentResult {
        var data = Dataset()
        var panels: [Panel] = [], checks: [ClaimCheck] = [], scalars: [ScalarOutcome] = []
        let m = plan.measurement
        let metrics = Set(claims.directions.map(\.0))
        for group in plan.groups {
            let rows = group.conditions.map { summaries[$0] }
            let knob = rows[0].condition.knob, name = title(rows[0])
            DegeneracyDataset.add(group.name, knob: knob, rows, to: &data)
            panels += DegeneracyDataset.degeneracyPanels(group.name, title: name, knob: knob, rows)
            if metrics.contains(.weightChange) || metrics.contains(.kernelAlignment) {
                panels += DegeneracyDataset.featureLearningPanels(group.name, title: name, knob: knob)
            }
            if metrics.contains(.oodMean) { panels.append(DegeneracyDataset.oodMeanPanel(group.name, title: name, knob: knob)) }
            let trend = DegeneracyTrend(rows, resamples: m.bootstrapResamples, streams: context.streams.child("bootstrap").child(group.name))
            let levels = rows.map { Huang2025.label($0.condition.level) }.joined(separator: ", ")
            checks += trend.checks(subject: "\(name), \(knob) \(levels)", directions: claims.directions, coupling: claims.coupling,
                                   hold: m.holdFraction, declared: declared[group.name] ?? [:], belowScale: plan.scaleNote)
            for (metric, decreasing) in claims.directions {
                scalars.append(ScalarOutcome("\(group.name)_\(metric.key)_bootstrap", trend.bootstrap.fraction(metric.rawValue, decreasing: decreasing),
                                             doc: "\(name): fraction of seed resamples with the paper's slope sign for \(metric.key)"))
            }
            scalars.append(ScalarOutcome("\(group.name)_converged_fraction",
                                         Double(trend.converged.reduce(0, +)) / Double(trend.trained.reduce(0, +)),
                                         doc: "\(name): converged networks / trained"))
        }
        let perGroup = plan.groups.isEmpty ? 4 : panels.count / plan.groups.count
        let figure = FigureSpec(title: "\(figureTitle) — \(plan.seeds) seeds per level", columns: perGroup, panels: panels)
        return ExperimentResult(dataset: data, figure: figure, checks: checks, scalars: scalars.filter { $0.value.isFinite })
    }
}
