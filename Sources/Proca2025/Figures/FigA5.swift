import ExperimentKit
import Foundation
import Linalg

/// Proca et al. 2025, Fig. A5: a wide network (N_h = 300) moves its kernel less — width makes learning lazier.
///
/// Unaligned networks (std scale/√fan-in) on the constant task over 4 singular dimensions (δ = 1), with the narrow
/// N_h = 4 network of Fig. 5 trained on the same data and the same grid as the reference (`reference_hidden`). P, η
/// and the stopping rule are Fig. 5's. Quick: T ∈ {1, 2, 4} and 3 scales with a quick wide network of N_h = 32 (2 draws
/// per cell for both networks); full: T = 1…8 × linspace(0.01, 0.5, 10) at N_h = 300 with one draw per cell (a width-300
/// network self-averages: over 4 draws the distance's standard deviation stays below 0.01, against 0.08 at width 4,
/// whose reference keeps 4 draws).
public struct ProcaFigA5: Experiment, DeclaredParameters {
    /// The experiment.
    public init() {}
    public var id: String { "proca2025.figA5" }
    public var paperFigure: String { "Proca et al. 2025, Fig. A5" }
    public var summary: String { "Kernel movement of a wide network (N_h = 300, unaligned) against the narrow N_h = 4 one" }

    static let kernel = KernelMovementSettings.Declared(samples: 33, learningRate: 0.01, maxSteps: (20_000, 60_000), draws: (2, 1),
                                                        hidden: 32)
    static let wideHidden = Parameter.int("hidden", 32, full: 300, in: 1...4096, unit: "units", doc: "hidden units N_h of the wide network")
    static let grid = KernelScaleGrid.Declared(lengths: ([1, 2, 4], Array(1...8)), scales: ([0.01, 0.25, 0.5], Fig4Layout.linspace(0.01, 0.5, 10)))
    static let referenceHidden = Parameter.int("reference_hidden", 4, in: 1...4096, unit: "units", doc: "hidden units of the narrow reference network")
    static let referenceDraws = Parameter.int("reference_draws", 2, full: 4, in: 1...1000, doc: "weight draws per cell of the narrow reference")
    public static let declared = ParameterList(kernel.list.filter { $0.key != "hidden" } + [.init(wideHidden)] + grid.list
                                               + [.init(ProcaFig5.delta), .init(referenceHidden), .init(referenceDraws)])

    public func run(parameters p: ConfigReader, context: RunContext) throws -> ExperimentResult {
        let delta = try p.read(ProcaFig5.delta)
        let referenceHidden = try p.read(Self.referenceHidden)
        let referenceDraws = try p.read(Self.referenceDraws)
        let settings = try KernelMovementSettings(p, Self.kernel, task: .constant(delta: delta))
        let grid = try KernelScaleGrid(p, Self.grid, settings: settings, kinds: [false])
        try p.finish()
        var narrow = grid
        narrow.settings.hidden = referenceHidden
        narrow.settings.draws = referenceDraws
        let wide = try grid.run(context: context)
        context.progress(0.8)
        let reference = try narrow.run(context: context)
        context.progress(0.95)
        var data = Dataset()
        let panels = grid.assemble(wide, into: &data) + narrow.assemble(reference, into: &data, suffix: "_narrow")
        let figure = FigureSpec(title: "Fig. A5 — kernel distance, unaligned N_h = \(settings.hidden) (left) vs N_h = \(referenceHidden) (right)",
                                columns: 2, panels: panels)
        return ExperimentResult(dataset: data, figure: figure,
                                checks: [Self.widerIsLazier(grid, wide, reference), grid.scaleCheck(wide), grid.convergenceCheck(wide)])
    }

    /// Averaged over the grid, and at every T > lengths[0] averaged over scales, the wide network's distance is below
    /// the narrow one's.
    static func widerIsLazier(_ grid: KernelScaleGrid, _ wide: [[[KernelMovementOutcome]]], _ narrow: [[[KernelMovementOutcome]]]) -> ClaimCheck {
        var holds = true, parts: [String] = []
        for i in grid.lengths.indices {
            let w = KernelScaleGrid.mean(wide[0][i].map(\.distance)), n = KernelScaleGrid.mean(narrow[0][i].map(\.distance))
            if i > 0 { holds = holds && w < n }
            parts.append("T = \(grid.lengths[i]): \(KernelScaleGrid.f(w)) vs \(KernelScaleGrid.f(n))")
        }
        return ClaimCheck(claim: "The wide network moves its kernel less than the narrow one (mean over scales, every T > \(grid.lengths[0]))",
                          holds: holds, evidence: "wide vs narrow mean distance: " + parts.joined(separator: "; "))
    }
}
