import ExperimentKit
import Foundation
import Linalg
import Numerics
import Tasks

/// Proca et al. 2025, Fig. A11: the rotation radius of an inverse-exponential rotational task.
///
/// `d_t = δ λ^{T−t}` with `λ = R e^{iπ/6}`, δ = 1 and one column per R ∈ {0.4, 0.9, 1, 1.05} (the paper's
/// values). Rows as in Fig. A9: d_t in the complex plane (with the unit circle), then b and ac in polar form
/// (simulation solid, complex mode flow dashed). Unstated choices: T = 6, all modes starting at 0.1, and the step
/// size — quick 0.0025 for 8000 steps, full 0.001 for 20000 steps (flow time 20: R = 0.4 converges most slowly).
///
/// Checks: (1) stability follows R: R < 1 is late importance (|d_t| grows along t, a spiral source) with a
/// stable |b*| < 1; R = 1 keeps |d_t| = 1 (a limit cycle) with a marginal |b*| = 1; R > 1 is early importance
/// (a spiral sink) with an unstable |b*| > 1 — the learned b of the LRNN is classified with `tolerance`;
/// (2) larger R is learned faster: the steps to a 90 % loss drop decrease strictly with R.
public struct ProcaFigA11: Experiment, DeclaredParameters {
    /// The experiment.
    public init() {}
    public var id: String { "proca2025.figA11" }
    public var paperFigure: String { "Proca et al. 2025, Fig. A11" }
    public var summary: String { "Rotation radius: R sets stability (source / limit cycle / sink) and larger R is learned faster" }

    static let steps = RotationalRunSettings.steps(8000, full: 20000)
    static let delta = Parameter.double("delta", 1.0, in: -100...100, doc: "real δ of d_t = δλ^{T−t}")
    static let lambdaAngle = Parameter.double("lambda_angle", Double.pi / 6, in: -10...10, unit: "rad", doc: "angle φ of λ = R e^{iφ} (the paper's π/6)")
    static let lambdaRadii = Parameter.doubles("lambda_radii", [0.4, 0.9, 1.0, 1.05], doc: "one column per radius R of λ (1…12 radii in (0, 3]; the paper's 0.4, 0.9, 1, 1.05)")
    static let tolerance = Parameter.double("tolerance", 1e-6, in: 1e-15...1, doc: "tolerance of |b| against 1 when classifying stability, and of |b_end| against R")
    static let lossDrop = Parameter.double("loss_drop", 0.9, in: 0.1...0.999, doc: "learning speed: steps until the loss has fallen by this fraction")
    public static let declared = ParameterList(RotationalRunSettings.declarations(steps: steps) + [
        .init(delta), .init(lambdaAngle), .init(lambdaRadii), .init(tolerance), .init(lossDrop),
    ])

    public func run(parameters p: ConfigReader, context: RunContext) throws -> ExperimentResult {
        let run = try RotationalRunSettings(p, steps: Self.steps)
        let T = run.timeSteps
        let delta = try p.read(Self.delta)
        let phi = try p.read(Self.lambdaAngle)
        let radii = try p.read(Self.lambdaRadii)
        let tol = try p.read(Self.tolerance)
        let drop = try p.read(Self.lossDrop)
        try p.finish()
        guard (1...12).contains(radii.count), radii.allSatisfy({ $0 > 0 && $0 <= 3 }) else {
            throw ConfigError(key: "\(id).lambda_radii", "expected 1…12 radii in (0, 3]")
        }

        let columns = radii.enumerated().map { k, r in
            RotationalColumn(key: "R\(k)", label: "R = \(Polar.format(r))", family: .inverseExponential,
                             delta: ComplexPair(delta), lambda: ComplexPair(radius: r, angle: phi))
        }
        var fig = try run.figure(title: "Fig. A11 — rotation radius (inverse-exponential, φ = \(Polar.piMultiple(phi)), T = \(T))", columns: columns, streams: context.streams, progress: context.progress)
        fig.dataset.add(DataArray("lambda_radius", radii, doc: "R of each column, in column order R0, R1, …"))
        let (speeds, flowSpeeds) = run.lossDropSpeeds(&fig, columns: columns, drop: drop)
        let checks = [Self.stabilityCheck(fig, radii: radii, tolerance: tol),
                      Self.speedCheck(fig, radii: radii, speeds: speeds, flowSpeeds: flowSpeeds, drop: drop)]
        return ExperimentResult(dataset: fig.dataset, figure: fig.figure, checks: checks, theoryError: fig.theoryError)
    }

    /// The geometry of the task's d_t along t: radius growing (source), constant (cycle) or shrinking (sink).
    static func geometry(_ d: [Complex<Double>], tolerance: Double) -> String {
        let steps = zip(d, d.dropFirst()).map { $1.length - $0.length }
        if steps.allSatisfy({ abs($0) <= tolerance }) { return "limit cycle" }
        if steps.allSatisfy({ $0 > tolerance }) { return "spiral source" }
        if steps.allSatisfy({ $0 < -tolerance }) { return "spiral sink" }
        return "mixed"
    }

    static func stabilityCheck(_ fig: RotationalFigure, radii: [Double], tolerance: Double) -> ClaimCheck {
        var holds = true, parts = [String]()
        for (k, (col, run)) in zip(fig.columns, fig.runs).enumerated() {
            let r = radii[k]
            let expected = Proca2025.Stability(modulus: r, tolerance: tolerance)
            let bEnd = run.simulated.b.last!
            let learned = Proca2025.Stability(b: bEnd, tolerance: tolerance)
            let optimum = Proca2025.Stability(b: run.optimum.b, tolerance: tolerance)
            let shape = geometry(run.eigenvalues, tolerance: 1e-12)
            let expectedShape = expected == .stable ? "spiral source" : expected == .marginal ? "limit cycle" : "spiral sink"
            let ok = learned == expected && optimum == expected && shape == expectedShape
                && abs(bEnd.length - r) <= tolerance * max(1, r) && run.stop == .completed
            holds = holds && ok
            parts.append("\(col.label): |b_end| = \(Polar.format(bEnd.length, 8)) → \(learned.rawValue) (expected \(expected.rawValue)); "
                         + "|d_1| = \(Polar.format(run.eigenvalues.first!.length, 4)) → |d_T| = \(Polar.format(run.eigenvalues.last!.length, 4)): \(shape)")
        }
        return ClaimCheck(claim: "R < 1: spiral source, stable |b*| < 1; R = 1: limit cycle, marginal |b*| = 1; R > 1: spiral sink, unstable |b*| > 1",
                          holds: holds, evidence: parts.joined(separator: "; "))
    }

    static func speedCheck(_ fig: RotationalFigure, radii: [Double], speeds: [Double?], flowSpeeds: [Int], drop: Double) -> ClaimCheck {
        let order = radii.indices.sorted { radii[$0] < radii[$1] }
        let times = speeds.map { $0 ?? .infinity }
        let decreasing = zip(order, order.dropFirst()).allSatisfy { radii[$0] < radii[$1] && times[$1] < times[$0] }
        let holds = speeds.allSatisfy { $0 != nil } && radii.count >= 2 && decreasing
        let list = order.map { "\(fig.columns[$0].label): \(Polar.format(times[$0])) (flow \(flowSpeeds[$0]))" }
        return ClaimCheck(claim: "Larger R is learned faster (fewer steps to a \(Int((100 * drop).rounded())) % loss drop)",
                          holds: holds, evidence: "steps to the loss drop (LRNN; Euler mode flow): " + list.joined(separator: ", "))
    }
}
