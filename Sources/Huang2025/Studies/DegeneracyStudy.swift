import ExperimentKit
import Linalg
import Tasks

/// What a degeneracy study reads from its parameters: its conditions, seeds per condition and measurement settings.
public struct DegeneracyPlan: Sendable {
    /// The conditions, grouped (consecutive conditions of one group form one trend).
    public var conditions: [DegeneracyCondition]
    /// Networks trained per condition.
    public var seeds: Int
    /// Probe, evaluation, DSA, PIF and bootstrap settings.
    public var measurement: DegeneracyMeasurement
    /// Why the plan is below the paper's scale (fewer than 50 seeds, narrower than 128 units, or thresholds above
    /// the paper's), or nil at its scale. Below it every paper claim is still evaluated and reported with its
    /// numbers, as a declared non-reproduction when it does not hold; at the paper's scale a claim that does not
    /// hold fails.
    public var scaleNote: String?

    /// The groups in order of first appearance, each with its conditions' indices.
    public var groups: [(name: String, conditions: [Int])] {
        var out: [(name: String, conditions: [Int])] = []
        for (i, c) in conditions.enumerated() {
            if let g = out.firstIndex(where: { $0.name == c.group }) { out[g].conditions.append(i) } else { out.append((c.group, [i])) }
        }
        return out
    }
}

/// A degeneracy experiment as a study: one cell per (condition, seed) trains one network to threshold; the reduce
/// compares the converged networks of each condition pairwise (`ConditionSummary`) and tests the trends over each
/// group's levels with a bootstrap over seeds (`SeedBootstrap`).
///
/// Seed tree: cell `<c.node>-seed-<k>` (condition c, seed k; also its file name in `cells/`) runs under `<experiment>/<c.node>/seed-<k>`; the condition's probe trials
/// come from `<experiment>/<c.node>/probe` and the null's fresh probe trials from `<experiment>/<c.node>/probe-null`,
/// so every seed of a condition sees the same probe batch. Pairwise comparisons draw from
/// `<experiment>/<c.node>/dsa/pair-i-j`, `…/dsa-null/net-i` and `…/pif/pair-i-j`; the bootstrap from
/// `<experiment>/bootstrap/<group>`.
public protocol DegeneracyStudy: PersistentStudy where Plan == DegeneracyPlan, CellResult == DegeneracyRun {
    /// The dataset, figure and checks from the summaries of every condition.
    func result(_ plan: DegeneracyPlan, summaries: [ConditionSummary], context: RunContext) throws -> ExperimentResult
}

extension DegeneracyStudy {
    public func cells(_ plan: DegeneracyPlan) -> [StudyCell] {
        plan.conditions.indices.flatMap { c in
            (0..<plan.seeds).map { k in StudyCell(index: c * plan.seeds + k, name: "\(plan.conditions[c].node)-seed-\(k)") }
        }
    }

    /// Every seed of a condition runs on the condition's node, so they share its probe trials.
    public func cellStreams(_ cell: StudyCell, plan: DegeneracyPlan, experiment: RandomStreams) -> RandomStreams {
        experiment.child(plan.conditions[cell.index / plan.seeds].node)
    }

    /// `streams` is the condition's node (`cellStreams`).
    public func runCell(_ cell: StudyCell, plan: DegeneracyPlan, streams: RandomStreams) throws -> DegeneracyRun {
        let condition = plan.conditions[cell.index / plan.seeds], seed = cell.index % plan.seeds
        let task = condition.task.task, m = plan.measurement
        let probe = try task.batch(size: m.probeTrials, streams: streams.child("probe"))
        let nullProbe = try task.batch(size: m.probeTrials, streams: streams.child("probe-null"))
        return try DegeneracyRun.train(condition, seed: seed, measurement: m, probe: probe, nullProbe: nullProbe,
                                       streams: streams.child("seed-\(seed)"))
    }

    public func reduce(_ plan: DegeneracyPlan, results: [DegeneracyRun], context: RunContext) throws -> ExperimentResult {
        var summaries: [ConditionSummary] = []
        for (c, condition) in plan.conditions.enumerated() {
            let runs = Array(results[(c * plan.seeds)..<((c + 1) * plan.seeds)])
            summaries.append(try ConditionSummary.compare(condition, runs: runs, measurement: plan.measurement,
                                                          streams: context.streams.child(condition.node),
                                                          context: context))
            context.progress(0.9 + 0.09 * Double(c + 1) / Double(plan.conditions.count))
        }
        return try result(plan, summaries: summaries, context: context)
    }

    public var cellVersion: Int { 1 }

    public func encodeCell(_ result: DegeneracyRun, plan: DegeneracyPlan) throws -> StudyCellArrays { result.cellArrays }

    public func decodeCell(_ arrays: StudyCellArrays, plan: DegeneracyPlan) throws -> DegeneracyRun {
        try DegeneracyRun(cellArrays: arrays)
    }

    /// A short probe instead of whole trainings (`DegeneracyEstimate`): seed 0 of the first and the last condition
    /// trained as its cell for at most `probeEpochs` epochs (default 16) gives the steps to threshold and the time per
    /// step; one DSA and one PIF comparison are timed per pair of networks of a condition.
    public func estimate(_ plan: DegeneracyPlan, streams: RandomStreams, probeEpochs: Int? = nil) throws -> StudyEstimate {
        try DegeneracyEstimate.estimate(plan, cells: cells(plan).count, experiment: streams, epochs: probeEpochs ?? DegeneracyEstimate.probeEpochs)
    }
}
