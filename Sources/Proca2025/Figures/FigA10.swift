import ExperimentKit
import Foundation
import Linalg
import Numerics
import Tasks

/// Proca et al. 2025, Fig. A10: the rotation angle of an inverse-exponential rotational task.
///
/// `d_t = δ λ^{T−t}` with `λ = R e^{iφ}`, R = 1, δ = 1 and one column per φ ∈ {π/8, −π/8, π/4, −3π/4} (the
/// paper's values; its caption also writes 5π/4 ≡ −3π/4), all modes starting at 0.1 (the paper states b(0) = 0.1).
/// Rows as in Fig. A9: d_t in the complex plane, then b and ac in polar form (simulation solid, complex mode
/// flow dashed). Unstated choices: T = 6, a(0) = c(0) = 0.1, and the step size — quick 0.0025 for 6000 steps,
/// full 0.001 for 15000 steps (flow time 15 in both).
///
/// Checks: (1) the sense of rotation follows sign(Im λ): the task's d_t turn clockwise along t when Im λ > 0
/// (counter-clockwise when Im λ < 0), and the learned b stays in the half-plane of λ throughout training and ends
/// at arg b = φ; (2) ac makes a transient imaginary excursion whose sign is sign(Im λ) and which has decayed by
/// the end (for b(0) < 0 the sign flips: b → −b maps the run onto λ → −λ with the same ac); (3) the column whose λ lies farthest from b(0) in the complex plane (φ = −3π/4 here) is the slowest
/// to reach a 90 % loss drop.
public struct ProcaFigA10: Experiment, DeclaredParameters {
    /// The experiment.
    public init() {}
    public var id: String { "proca2025.figA10" }
    public var paperFigure: String { "Proca et al. 2025, Fig. A10" }
    public var summary: String { "Rotation angle: the sense of rotation follows Im λ; the farthest angle is learned slowest" }

    static let steps = RotationalRunSettings.steps(6000, full: 15000)
    static let delta = Parameter.double("delta", 1.0, in: -100...100, doc: "real δ of d_t = δλ^{T−t}")
    static let lambdaRadius = Parameter.double("lambda_radius", 1.0, in: 0...100, doc: "radius R of λ = R e^{iφ} (the paper's 1)")
    static let lambdaAngles = Parameter.doubles("lambda_angles", [Double.pi / 8, -Double.pi / 8, Double.pi / 4, -3 * Double.pi / 4], unit: "rad",
                                                doc: "one column per angle φ of λ (1…12 angles in [−2π, 2π]; the paper's π/8, −π/8, π/4, −3π/4)")
    static let tolerance = Parameter.double("tolerance", 1e-6, in: 1e-15...1, doc: "tolerance of the final arg b against φ")
    static let lossDrop = Parameter.double("loss_drop", 0.9, in: 0.1...0.999, doc: "learning speed: steps until the loss has fallen by this fraction")
    public static let declared = ParameterList(RotationalRunSettings.declarations(steps: steps) + [
        .init(delta), .init(lambdaRadius), .init(lambdaAngles), .init(tolerance), .init(lossDrop),
    ])

    public func run(parameters p: ConfigReader, context: RunContext) throws -> ExperimentResult {
        let run = try RotationalRunSettings(p, steps: Self.steps)
        let b0 = run.initial.b.real
        let T = run.timeSteps
        let delta = try p.read(Self.delta)
        let radius = try p.read(Self.lambdaRadius)
        let angles = try p.read(Self.lambdaAngles)
        let tol = try p.read(Self.tolerance)
        let drop = try p.read(Self.lossDrop)
        try p.finish()
        guard (1...12).contains(angles.count), angles.allSatisfy({ abs($0) <= 2 * .pi }) else {
            throw ConfigError(key: "\(id).lambda_angles", "expected 1…12 angles in [−2π, 2π] (radians)")
        }

        let columns = angles.enumerated().map { k, phi in
            RotationalColumn(key: "phi\(k)", label: "φ = \(Polar.piMultiple(phi))", family: .inverseExponential,
                             delta: ComplexPair(delta), lambda: ComplexPair(radius: radius, angle: phi))
        }
        var fig = try run.figure(title: "Fig. A10 — rotation angle (inverse-exponential, R = \(Polar.format(radius)), T = \(T))", columns: columns, streams: context.streams, progress: context.progress)
        fig.dataset.add(DataArray("lambda_angle", angles, doc: "φ of each column (rad), in column order phi0, phi1, …"))
        let (speeds, flowSpeeds) = run.lossDropSpeeds(&fig, columns: columns, drop: drop)
        let checks = [Self.rotationSenseCheck(fig, tolerance: tol), Self.excursionCheck(fig, b0: b0),
                      Self.slowestCheck(fig, speeds: speeds, flowSpeeds: flowSpeeds, b0: b0, drop: drop)]
        return ExperimentResult(dataset: fig.dataset, figure: fig.figure, checks: checks, theoryError: fig.theoryError)
    }

    /// sign(Im λ) as −1, 0, 1 (0 within 1e-12 of the real axis).
    static func imaginarySign(_ z: ComplexPair) -> Double { abs(z.im) <= 1e-12 * max(1, z.radius) ? 0 : (z.im > 0 ? 1 : -1) }

    static func rotationSenseCheck(_ fig: RotationalFigure, tolerance: Double) -> ClaimCheck {
        var holds = true, parts = [String](), tested = 0
        for (col, run) in zip(fig.columns, fig.runs) {
            let s = imaginarySign(col.lambda)
            guard s != 0 else { parts.append("\(col.label): λ real, no rotation"); continue }
            tested += 1
            // Task: signed turning angle of d_t → d_{t+1} (negative = clockwise).
            let d = run.eigenvalues
            let turns = zip(d, d.dropFirst()).map { atan2(($1 * $0.conjugate).imaginary, ($1 * $0.conjugate).real) }
            let taskOK = turns.allSatisfy { $0 * s < 0 }
            // Learned b: Im b has the sign of Im λ at every record after the start, and arg b ends at φ.
            let imB = run.simulated.b.dropFirst().map(\.imaginary)
            let sameHalf = imB.allSatisfy { $0 * s > 0 }
            let argEnd = run.simulated.b.last!.phase, phiErr = abs(remainder(argEnd - col.lambda.angle, 2 * .pi))
            let ok = taskOK && sameHalf && phiErr <= tolerance
            holds = holds && ok
            parts.append("\(col.label): d_t turn \(s > 0 ? "clockwise" : "counter-clockwise") (\(Polar.format(turns[0])) rad per step)"
                         + ", Im b \(s > 0 ? ">" : "<") 0 at \(imB.filter { $0 * s > 0 }.count)/\(imB.count) records, arg b_end = \(Polar.format(argEnd, 6))")
        }
        return ClaimCheck(claim: "The rotation sense follows sign(Im λ): d_t turn clockwise for Im λ > 0, and b rotates into λ's half-plane to arg b = φ",
                          holds: holds && tested > 0, evidence: parts.joined(separator: "; "))
    }

    /// The excursion's expected sign is sign(Im λ) for b(0) ≥ 0 (the paper's b(0) = 0.1). The map b → −b turns a
    /// run from −b(0) into one with λ → −λ and the same ac, so for b(0) < 0 the expected sign flips.
    static func excursionCheck(_ fig: RotationalFigure, b0: Double) -> ClaimCheck {
        var holds = true, parts = [String](), tested = 0
        for (col, run) in zip(fig.columns, fig.runs) {
            let s = imaginarySign(col.lambda) * (b0 < 0 ? -1 : 1)
            guard s != 0 else { continue }
            tested += 1
            let im = run.simulated.ac.map(\.imaginary)
            let k = im.indices.max { abs(im[$0]) < abs(im[$1]) }!
            let peak = im[k], end = im.last!
            let ok = peak * s > 0 && abs(peak) >= 1e-3 && abs(end) <= 0.01 * abs(peak)
            holds = holds && ok
            parts.append("\(col.label): peak Im ac = \(Polar.format(peak, 3)) at step \(Int(run.steps[k])), Im ac_end = \(Polar.format(end, 2))")
        }
        return ClaimCheck(claim: "ac makes a transient imaginary excursion with the sign of Im λ (for b(0) > 0; of Im(λ/b(0)) in general) before settling on δ",
                          holds: holds && tested > 0, evidence: parts.joined(separator: "; "))
    }

    static func slowestCheck(_ fig: RotationalFigure, speeds: [Double?], flowSpeeds: [Int], b0: Double, drop: Double) -> ClaimCheck {
        let distance = fig.columns.map { (Complex($0.lambda.re, $0.lambda.im) - Complex(b0)).length }
        let farthest = distance.indices.max { distance[$0] < distance[$1] }!
        let times = speeds.map { $0 ?? .infinity }
        let holds = speeds.allSatisfy { $0 != nil } && fig.columns.count >= 2
            && times.indices.allSatisfy { distance[$0] >= distance[farthest] - 1e-12 || times[$0] < times[farthest] }
        let list = fig.columns.indices.map { "\(fig.columns[$0].label): \(Polar.format(times[$0])) (flow \(flowSpeeds[$0]))" }
        return ClaimCheck(claim: "The angle farthest from b(0) (\(fig.columns[farthest].label), |λ − b(0)| = \(Polar.format(distance[farthest], 3))) is learned slowest",
                          holds: holds,
                          evidence: "steps to a \(Int((100 * drop).rounded())) % loss drop (LRNN; Euler mode flow): " + list.joined(separator: ", "))
    }
}
