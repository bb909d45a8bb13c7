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
/// and makes the heatmaps and checks. Cells persist (`PersistentStudy`): one array per outcome field over the scales.
protocol KernelScaleStudy: PersistentStudy where Plan == KernelScalePlan, CellResult == [KernelMovementOutcome] {
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

    public var cellVersion: Int { 1 }

    public func encodeCell(_ result: [KernelMovementOutcome], plan: KernelScalePlan) throws -> StudyCellArrays {
        try KernelMovementOutcome.encode(result)
    }

    public func decodeCell(_ arrays: StudyCellArrays, plan: KernelScalePlan) throws -> [KernelMovementOutcome] {
        try KernelMovementOutcome.decode(arrays, count: plan.grid.scales.count)
    }
}

extension KernelMovementOutcome {
    /// Per-scale outcomes as arrays over the scales: `distance`, `distance_spread`, `relative_loss`, `steps`,
    /// `diverged`, `stalled`, `unfinished` and `weight_change` `[scale, block]` (W_x, W_h, W_y).
    static func encode(_ outcomes: [KernelMovementOutcome]) throws -> StudyCellArrays {
        let blocks = outcomes.first?.weightChange.count ?? 0
        guard outcomes.allSatisfy({ $0.weightChange.count == blocks }) else {
            throw StudyCellError("kernel-movement outcomes with different numbers of weight blocks")
        }
        var a = StudyCellArrays()
        a.add("distance", outcomes.map(\.distance))
        a.add("distance_spread", outcomes.map(\.distanceSpread))
        a.add("relative_loss", outcomes.map(\.relativeLoss))
        a.add("steps", integers: outcomes.map(\.steps))
        a.add("diverged", integers: outcomes.map(\.diverged))
        a.add("stalled", integers: outcomes.map(\.stalled))
        a.add("unfinished", integers: outcomes.map(\.unfinished))
        a.add("weight_change", outcomes.flatMap(\.weightChange), shape: [outcomes.count, blocks])
        return a
    }

    /// The `count` outcomes `encode` stored.
    static func decode(_ a: StudyCellArrays, count: Int) throws -> [KernelMovementOutcome] {
        let distance = try a.values("distance", count: count), spread = try a.values("distance_spread", count: count)
        let loss = try a.values("relative_loss", count: count), steps = try a.integers("steps", count: count)
        let diverged = try a.integers("diverged", count: count), stalled = try a.integers("stalled", count: count)
        let unfinished = try a.integers("unfinished", count: count)
        let shape = try a.shape("weight_change")
        guard shape.count == 2, shape[0] == count else { throw StudyCellError("cell array 'weight_change' has shape \(shape) (expected [\(count), blocks])") }
        let change = try a.values("weight_change")
        return (0..<count).map { i in
            KernelMovementOutcome(distance: distance[i], distanceSpread: spread[i], relativeLoss: loss[i], steps: steps[i],
                                  weightChange: Array(change[i * shape[1] ..< (i + 1) * shape[1]]),
                                  diverged: diverged[i], stalled: stalled[i], unfinished: unfinished[i])
        }
    }
}
