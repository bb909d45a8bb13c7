import ExperimentKit
import Foundation
import Linalg

/// Proca et al. 2025, Fig. A4: kernel movement on a rotational task — qualitatively as Fig. 5.
///
/// The task is in eigen form (§8.4) with every conjugate pair inverse-exponential, `d_t = δ λ^{T−t}`,
/// `λ = R_λ e^{iφ_λ}` with the paper's φ_λ = π/12, R_λ = 1, δ = 1 (a pure rotation by π/12 per step); N = N_x =
/// N_h = N_y = 4 (two pairs). Aligned networks are eigen-aligned (`Initializer.alignedEigen`, real modes
/// a = b = c = scale on the task's frame), unaligned ones Gaussian with std scale/√fan-in. Everything else — P, η,
/// the stopping rule, the grids of the quick and full presets — is as in Fig. 5 (`ProcaFig5`).
public struct ProcaFigA4: Experiment {
    /// The experiment.
    public init() {}
    public var id: String { "proca2025.figA4" }
    public var paperFigure: String { "Proca et al. 2025, Fig. A4" }
    public var summary: String { "Kernel movement on a rotational task (φ_λ = π/12, R_λ = 1): NTK distance over T × init scale" }

    public func parameters(_ preset: Preset) -> [String: Any] {
        ProcaFig5().parameters(preset).filter { $0.key != "delta" }
            .merging(["delta": 1.0, "lambda_radius": 1.0, "lambda_angle": Double.pi / 12]) { _, b in b }
    }

    public func run(parameters p: ConfigReader, context: RunContext) throws -> ExperimentResult {
        let delta = try p.double("delta", in: 1e-3...100)
        let radius = try p.double("lambda_radius", in: 1e-3...10)
        let angle = try p.double("lambda_angle", in: -Double.pi...Double.pi)
        let settings = try KernelMovementSettings(p, task: .rotational(delta: delta, radius: radius, angle: angle))
        let grid = try KernelScaleGrid(p, settings: settings, kinds: [true, false])
        try p.finish()
        return try grid.result(context: context, title: "Fig. A4 — kernel distance, rotational task (φ_λ = \(KernelScaleGrid.f(angle)), R_λ = \(KernelScaleGrid.f(radius)))")
    }
}
