import ExperimentKit
import Foundation
import Linalg

/// Proca et al. 2025, Fig. 5: recurrence drives kernel movement (rich learning).
///
/// Heatmaps of the kernel distance (Eq. 135) between the empirical NTK at initialisation and after training, over
/// trajectory length T (rows) and initialisation scale (columns); left aligned, right unaligned networks. Task:
/// perfect integration (constant s_t = δ = 1 on every mode) over `dimension` = 4 singular dimensions, N_h = 4
/// (paper). The NTK is the exact closed form of `LinearRNNTangentKernel` over all three blocks, evaluated on the P
/// training trajectories.
///
/// Choices the paper leaves open (all parameters): N_x = N_y = 4 (the task's dimension); P = 33 whitened Gaussian
/// trajectories ((1/P) Σ x xᵀ = I over the concatenated inputs, which needs P > T·N_x = 32 at T = 8). With whitened
/// inputs every Gram in the NTK is `P·Q A Qᵀ` with Q orthonormal and the loss is the population loss, so neither the
/// training nor the distance depends on P. Full-batch gradient descent on the `LossConvention` loss with η = 0.01
/// (stable up to T = 8 at the optimum b = 1, where the largest curvature is ≈ Σ_k (2 + k²) ≈ 156). Training ends when
/// the loss reaches 10⁻⁶ of the zero network's loss, when it is stationary (changes by < 10⁻¹⁰ of it over 250
/// steps: some unaligned draws settle with one mode unlearned), or at `max_steps`; see `KernelMovementOutcome`.
/// Each cell averages `draws` independent weight draws (2 quick, 4 full; a width-4 unaligned network varies from draw
/// to draw by more than the scale effect at large T); the data and the draws are shared across scales
/// (`KernelMovementCell`). The exact kernel moves more than the paper's colour scale (0–0.8) suggests: for an
/// aligned network from a small init at T = 8 the initial NTK is the last input's Gram and the final one is dominated
/// by the (T − j)-weighted W_h term, giving D ≈ 1 − 2/‖K‖ ≈ 0.99. Quick preset: T ∈ {1, 2, 4, 8} × 4 scales; full:
/// the paper's T = 1…8 × linspace(0.01, 0.5, 10).
public struct ProcaFig5: KernelScaleStudy, DeclaredParameters {
    /// The experiment.
    public init() {}
    public var id: String { "proca2025.fig5" }
    public var paperFigure: String { "Proca et al. 2025, Fig. 5" }
    public var summary: String { "Kernel movement vs recurrence: NTK distance over T × init scale, aligned and unaligned" }

    static let kernel = KernelMovementSettings.Declared(samples: 33, learningRate: 0.01, maxSteps: (20_000, 60_000), draws: (2, 4))
    static let grid = KernelScaleGrid.Declared(lengths: ([1, 2, 4, 8], Array(1...8)),
                                               scales: ([0.01, 0.17, 0.33, 0.5], Fig4Layout.linspace(0.01, 0.5, 10)))
    static let delta = Parameter.double("delta", 1.0, in: 1e-3...100, doc: "task singular value s_t = δ at every step (perfect integration)")
    public static let declared = ParameterList(kernel.list + grid.list + [.init(delta)])

    public func plan(_ p: ConfigReader) throws -> KernelScalePlan {
        let delta = try p.read(Self.delta)
        let settings = try KernelMovementSettings(p, Self.kernel, task: .constant(delta: delta))
        let grid = try KernelScaleGrid(p, Self.grid, settings: settings, kinds: [true, false])
        try p.finish()
        return KernelScalePlan(grid: grid, title: "Fig. 5 — kernel distance, constant task (δ = \(KernelScaleGrid.f(delta)), N_h = \(settings.hidden))")
    }
}
