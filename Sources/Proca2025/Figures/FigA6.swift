import ExperimentKit
import Foundation
import Linalg

/// Proca et al. 2025, Fig. A6: kernel movement up to initialisation scale 1, where the aligned network starts at the
/// target.
///
/// As Fig. 5 (constant task δ = 1, N_h = 4, P, η and stopping rule of `ProcaFig5`) with the scale axis extended to 1:
/// full linspace(0.01, 1, 10), quick 4 scales. An aligned network with every mode at 1 already solves the task
/// (b* = 1, ac* = δ = 1), so its kernel cannot move, while an unaligned one of the same scale still has to rotate its
/// weights. Runs that diverge at a scale above the smallest keep NaN cells (shown as missing); a divergence at the
/// smallest scale stops the experiment with an `ExperimentDivergence` (the learning rate is too large). Four draws per cell in both presets: at T = 2 and
/// large unaligned scales most draws end with one mode unlearned (its recurrent part at b ≤ −1), and some approach that
/// point too slowly to finish, so fewer draws can leave a cell without a finished run.
public struct ProcaFigA6: KernelScaleStudy, DeclaredParameters {
    /// The experiment.
    public init() {}
    public var id: String { "proca2025.figA6" }
    public var paperFigure: String { "Proca et al. 2025, Fig. A6" }
    public var summary: String { "Kernel movement for initialisation scales up to 1 (aligned settles, unaligned keeps moving)" }

    static let kernel = KernelMovementSettings.Declared(samples: 33, learningRate: 0.01, maxSteps: (20_000, 60_000), draws: (4, 4))
    static let grid = KernelScaleGrid.Declared(lengths: ([1, 2, 4, 8], Array(1...8)),
                                               scales: ([0.01, 0.34, 0.67, 1.0], Fig4Layout.linspace(0.01, 1, 10)))
    static let margin = Parameter.double("target_margin", 0.1, in: 0...1, doc: "how much more the unaligned distance must exceed the aligned one at the largest scale")
    public static let declared = ParameterList(kernel.list + grid.list + [.init(ProcaFig5.delta), .init(margin)])

    public func plan(_ p: ConfigReader) throws -> KernelScalePlan {
        let delta = try p.read(ProcaFig5.delta)
        let margin = try p.read(Self.margin)
        let settings = try KernelMovementSettings(p, Self.kernel, task: .constant(delta: delta))
        let grid = try KernelScaleGrid(p, Self.grid, settings: settings, kinds: [true, false])
        try p.finish()
        return KernelScalePlan(grid: grid, title: "Fig. A6 — kernel distance up to init scale \(KernelScaleGrid.f(grid.scales.last!)) (NaN = diverged)",
                               margin: margin)
    }

    func checks(_ plan: KernelScalePlan, _ o: [[[KernelMovementOutcome]]]) -> [ClaimCheck] {
        [Self.alignedSettles(plan.grid, o), Self.unalignedKeepsMoving(plan.grid, o, margin: plan.margin), plan.grid.convergenceCheck(o)]
    }

    /// Aligned: for every T > lengths[0], the distance falls over the scales below the target b* = 1 (`falls`). The
    /// scales at or above 1 are left out: an aligned network with every mode at 1 already solves the task, so its
    /// distance is 0 by construction.
    static func alignedSettles(_ grid: KernelScaleGrid, _ o: [[[KernelMovementOutcome]]]) -> ClaimCheck {
        let below = grid.scales.indices.filter { grid.scales[$0] < 1 }
        return alignedFalls(lengths: Array(grid.lengths.dropFirst()), scales: below.map { grid.scales[$0] },
                            distances: o[0].dropFirst().map { row in below.map { row[$0].distance } },
                            atTarget: grid.scales.firstIndex(of: 1).map { j in o[0].dropFirst().map { $0[j].distance } })
    }

    /// "The distance falls as the initialisation approaches the target": for every length, the distances over
    /// `scales` (all below the target; rows of `distances`, one per length) decrease strictly from their largest value
    /// to the largest scale, which is not where the largest value is (at least two scales, all finite).
    /// `atTarget` (the distances at scale 1, 0 by construction) goes to the evidence only.
    static func alignedFalls(lengths: [Int], scales: [Double], distances: [[Double]], atTarget: [Double]?) -> ClaimCheck {
        var holds = !lengths.isEmpty && scales.count >= 2, parts: [String] = []
        for (i, row) in distances.enumerated() {
            let peak = row.indices.max { row[$0] < row[$1] } ?? 0
            let tail = Array(row[peak...])
            let falls = row.allSatisfy(\.isFinite) && tail.count >= 2 && zip(tail, tail.dropFirst()).allSatisfy { $0 > $1 }
            holds = holds && falls
            parts.append("T = \(lengths[i]): D = " + row.map(KernelScaleGrid.f).joined(separator: ", ")
                         + (falls ? "" : " (does not fall after its peak at scale \(KernelScaleGrid.f(scales[peak])))")
                         + (atTarget.map { " (at scale 1: \(KernelScaleGrid.f($0[i])), the solution itself)" } ?? ""))
        }
        return ClaimCheck(claim: "Aligned networks: the distance falls as the initialisation approaches the target value (strictly, over the scales "
                          + scales.map(KernelScaleGrid.f).joined(separator: ", ") + " below b* = 1, at T = " + lengths.map(String.init).joined(separator: ", ") + ")",
                          holds: holds, evidence: parts.joined(separator: "; "))
    }

    /// Unaligned: at the largest scale where the unaligned cell did not diverge, its distance exceeds the aligned one
    /// by at least `margin`, at every T > lengths[0] that has such a scale (and at least one T does).
    static func unalignedKeepsMoving(_ grid: KernelScaleGrid, _ o: [[[KernelMovementOutcome]]], margin: Double) -> ClaimCheck {
        var holds = true, parts: [String] = [], compared = 0
        for i in 1..<grid.lengths.count {
            guard let j = o[1][i].lastIndex(where: { $0.distance.isFinite }) else {
                parts.append("T = \(grid.lengths[i]): every unaligned scale NaN"); continue
            }
            let a = o[0][i][j].distance, u = o[1][i][j].distance
            holds = holds && u >= a + margin
            compared += 1
            parts.append("T = \(grid.lengths[i]), scale \(KernelScaleGrid.f(grid.scales[j])): unaligned \(KernelScaleGrid.f(u)) vs aligned \(KernelScaleGrid.f(a))")
        }
        return ClaimCheck(claim: "Unaligned networks still move their kernel at the largest initialisation that trains (≥ aligned + \(KernelScaleGrid.f(margin)))",
                          holds: holds && compared > 0, evidence: parts.joined(separator: "; "))
    }
}
