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
public struct ProcaFigA4: KernelScaleStudy, DeclaredParameters {
    /// The experiment.
    public init() {}
    public var id: String { "proca2025.figA4" }
    public var paperFigure: String { "Proca et al. 2025, Fig. A4" }
    public var summary: String { "Kernel movement on a rotational task (φ_λ = π/12, R_λ = 1): NTK distance over T × init scale" }

    static let delta = Parameter.double("delta", 1.0, in: 1e-3...100, doc: "modulus δ of the rotational task's eigenvalue scale")
    static let radius = Parameter.double("lambda_radius", 1.0, in: 1e-3...10, doc: "radius R_λ of the rotation eigenvalue λ")
    static let angle = Parameter.double("lambda_angle", Double.pi / 12, in: -Double.pi...Double.pi, unit: "rad", doc: "angle φ_λ of the rotation eigenvalue λ")
    public static let declared = ParameterList(ProcaFig5.kernel.list + ProcaFig5.grid.list + [.init(delta), .init(radius), .init(angle)])

    public func plan(_ p: ConfigReader) throws -> KernelScalePlan {
        let delta = try p.read(Self.delta)
        let radius = try p.read(Self.radius)
        let angle = try p.read(Self.angle)
        let settings = try KernelMovementSettings(p, ProcaFig5.kernel, task: .rotational(delta: delta, radius: radius, angle: angle))
        let grid = try KernelScaleGrid(p, ProcaFig5.grid, settings: settings, kinds: [true, false])
        try p.finish()
        return KernelScalePlan(grid: grid, title: "Fig. A4 — kernel distance, rotational task (φ_λ = \(KernelScaleGrid.f(angle)), R_λ = \(KernelScaleGrid.f(radius)))")
    }
}
