import ExperimentKit
import Linalg

/// What a kernel-scale figure (Fig. 5, A4, A6) reads from its parameters: the grid and the figure's own settings.
public struct KernelScalePlan: Sendable {
    /// The grid.
    let grid: KernelScaleGrid
    /// The figure title.
    let title: String
    /// Fig. A6's margin of the unaligned-vs-aligned check (unused elsewhere).
    var margin = 0.0
}

/// A kernel-scale figure as a study: one cell per (kind, T, draw) trains every scale; the reduce averages the draws
/// and makes the heatmaps and checks.
protocol KernelScaleStudy: Study where Plan == KernelScalePlan, CellResult == [KernelMovementOutcome] {
    /// The figure's checks (the Fig. 5 claims by default).
    func checks(_ plan: KernelScalePlan, _ outcomes: [[[KernelMovementOutcome]]]) -> [ClaimCheck]
}

extension KernelScaleStudy {
    public func cells(_ plan: KernelScalePlan) -> [StudyCell] { plan.grid.studyCells() }

    public func runCell(_ cell: StudyCell, plan: KernelScalePlan, streams: RandomStreams) throws -> [KernelMovementOutcome] {
        try plan.grid.runStudyCell(cell, streams: streams)
    }

    public func reduce(_ plan: KernelScalePlan, results: [[KernelMovementOutcome]], context: RunContext) throws -> ExperimentResult {
        let outcomes = plan.grid.outcomes(results)
        return plan.grid.result(outcomes, title: plan.title) { checks(plan, $0) }
    }

    func checks(_ plan: KernelScalePlan, _ outcomes: [[[KernelMovementOutcome]]]) -> [ClaimCheck] {
        plan.grid.standardChecks(outcomes)
    }
}
