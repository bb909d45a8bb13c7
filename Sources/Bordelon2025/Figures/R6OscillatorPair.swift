import Analysis
import ExperimentKit
import FigureData
import Foundation
import Linalg
import Networks
import Numerics
import Tasks

/// Bordelon et al. 2025, R6 (spec A.4 "damped oscillator", table A.6): the rich regime for the damped-oscillator target
/// g*(t) = e^(−c* t) cos Ωt. From random u0, v0 and small W0 the two leading eigenvalues of W leave the bulk and lock
/// onto the target pair (1 − c*) ± iΩ; the loss descends in several phases.
///
/// Each σ starts from the same draws (u0, v0 and the direction of W0 come from one stream node, W0 scaled by σ). The
/// pair is followed by continuity (`EigenvalueTracker`): the two tracks that end with the largest real parts. The spec's
/// numbers (N = 40, c* = 0.2, Ω = 1.5, reconstructed model): the loss goes 0.60 → 0.31 (t = 10) → 0.17 (t = 20) → 6e-7
/// (t = 30, seed-dependent: 5e-6 or 8e-7); at σ = 0.2 the pair passes through two real eigenvalues (≈ 0.18, 0.15 at
/// t = 10) before locking on by t = 40.
public struct BordelonR6: Experiment, DeclaredParameters {
    /// The experiment.
    public init() {}
    public var id: String { "bordelon2025.r6" }
    public var paperFigure: String { "Bordelon et al. 2025, R6 (oscillator, rich regime; reconstructed model)" }
    public var summary: String { "A complex-conjugate outlier pair of W learns the damped oscillator e^(−c*t) cos Ωt" }

    static let units = Parameter.int("units", 40, in: 2...1000, unit: "units", doc: "hidden units N")
    static let targetRate = Parameter.double("c_star", 0.2, in: 0.001...10, doc: "target decay rate c*")
    static let targetFrequency = Parameter.double("omega", 1.5, in: 0.01...100, doc: "target angular frequency Ω")
    static let sigmas = Parameter.doubles("sigmas", [0, 0.2], doc: "initial recurrent scales σ (W0_ij ~ N(0, σ²/N)), each in [0, 0.9]")
    static let tEnd = Parameter.double("t_end", 40, in: 30...1000, doc: "gradient-flow time of the last record")
    static let records = Parameter.int("records", 121, full: 321, in: 11...10_000, doc: "records, evenly spaced in [0, t_end] (t = 10, 20, 30 are added)")
    static let tolerance = Parameter.double("tolerance", 1e-8, full: 1e-10, in: 1e-13...1e-4, doc: "relative tolerance of the Dormand–Prince flow")
    static let pairTolerance = Parameter.double("pair_tolerance", 5e-3, in: 1e-9...0.5,
                                                doc: "tolerance |λ − ((1 − c*) ± iΩ)| of the final pair (spec: 0.80 ± 1.50i, two decimals)")
    public static let declared = ParameterList([
        .init(units), .init(targetRate), .init(targetFrequency), .init(sigmas), .init(tEnd), .init(records),
        .init(tolerance), .init(pairTolerance),
    ])

    /// What one σ's run gave.
    struct Branch {
        let sigma: Double
        let losses: [Double]
        let pair: [[Complex<Double>]]
        let finalSpectrum: [Complex<Double>]
        let chargeDrift: Double
    }

    public func run(parameters p: ConfigReader, context: RunContext) throws -> ExperimentResult {
        let n = try p.read(Self.units)
        let cStar = try p.read(Self.targetRate), omega = try p.read(Self.targetFrequency)
        let sigmas = try p.read(Self.sigmas)
        let tEnd = try p.read(Self.tEnd)
        let count = try p.read(Self.records)
        let tol = try p.read(Self.tolerance), pairTol = try p.read(Self.pairTolerance)
        guard !sigmas.isEmpty, sigmas.allSatisfy({ $0 >= 0 && $0 <= 0.9 }) else {
            throw ConfigError(key: "\(p.path).sigmas", "needs at least one value, each in [0, 0.9]")
        }
        try p.finish()

        let times = Array(Set(SweepSpec.linspace(0, tEnd, count) + [10, 20, 30])).sorted()
        let target = try FilterTarget.dampedOscillator(rate: cStar, frequency: omega)
        var branches: [Branch] = []
        for (k, sigma) in sigmas.enumerated() {
            let network = try LinearFilterRNN.random(units: n, sigma: sigma, streams: context.streams.child("init"))
            let run = try FilterFlowRun.run(network, target: target, times: times, tolerance: tol,
                                            stage: "the flow at σ = \(sigma) (N = \(n))")
            branches.append(Branch(sigma: sigma, losses: run.record.losses, pair: try run.leadingTracks(2),
                                   finalSpectrum: run.record.eigenvalues.last!, chargeDrift: run.record.chargeDrift.max() ?? 0))
            context.progress(Double(k + 1) / Double(sigmas.count))
        }

        let pole = Complex(1 - cStar, omega)
        var data = Dataset()
        data.add(DataArray("t", times, doc: "gradient-flow time of each record"))
        data.add(DataArray("target_re", [pole.real, pole.real], doc: "target pair (1 − c*) ± iΩ: real parts"))
        data.add(DataArray("target_im", [pole.imaginary, -pole.imaginary], doc: "target pair: imaginary parts"))
        var panels: [Panel] = []
        var lossSeries: [Series] = [], imagSeries: [Series] = []
        for (k, b) in branches.enumerated() {
            let tag = "s\(k)", label = "σ = \(b.sigma)"
            FilterFlowRun.addTracks(b.pair, to: &data, prefix: "pair_\(tag)", what: "\(label): the tracked leading eigenvalue pair of W")
            data.add(DataArray("final_\(tag)_re", b.finalSpectrum.map(\.real), doc: "\(label): eigenvalues of W at t_end, real parts"))
            data.add(DataArray("final_\(tag)_im", b.finalSpectrum.map(\.imaginary), doc: "\(label): eigenvalues of W at t_end, imaginary parts"))
            data.add(DataArray("loss_\(tag)", b.losses, doc: "\(label): exact loss ½∫(g − g*)²"))
            data.add(DataArray("pair_imag_\(tag)", times.indices.map { i in b.pair.map { abs($0[i].imaginary) }.max() ?? 0 },
                               doc: "\(label): largest |Im λ| of the tracked pair (0 while both are real)"))
            var series = [Series("pair path", x: "pair_\(tag)_re", y: "pair_\(tag)_im", style: .simulation, group: k),
                          Series("spectrum at the end", x: "final_\(tag)_re", y: "final_\(tag)_im", style: .points, group: 3),
                          Series("target (1 − c*) ± iΩ", x: "target_re", y: "target_im", style: .points, group: 4)]
            if b.sigma > 0 {
                let circle = CircularLaw(sigma: b.sigma).boundary()
                data.add(DataArray("bulk_\(tag)_re", circle.real, doc: "\(label): circular-law edge |z| = σ, real parts"))
                data.add(DataArray("bulk_\(tag)_im", circle.imaginary, doc: "\(label): circular-law edge, imaginary parts"))
                series.append(Series("initial bulk edge", x: "bulk_\(tag)_re", y: "bulk_\(tag)_im", style: .reference, group: 5))
            }
            panels.append(Panel(title: "leading pair of W, \(label)", xLabel: "Re λ", yLabel: "Im λ",
                                content: .complexPlane(series, unitCircle: false)))
            lossSeries.append(Series(label, x: "t", y: "loss_\(tag)", style: .simulation, group: k))
            imagSeries.append(Series(label, x: "t", y: "pair_imag_\(tag)", style: .simulation, group: k))
        }
        panels.append(Panel(title: "loss (multi-phase descent)", xLabel: "t", yLabel: "L", yScale: .log, content: .lines(lossSeries)))
        panels.append(Panel(title: "|Im λ| of the pair (0: two real eigenvalues)", xLabel: "t", yLabel: "|Im λ|", content: .lines(imagSeries)))

        let index = { (t: Double) in times.firstIndex(of: t)! }
        let measured = branches.map { b in
            Measured(sigma: b.sigma, finalPair: b.pair.map { $0.last! }, lossAt: [10, 20, 30].map { b.losses[index($0)] },
                     initialLoss: b.losses[0], pairAt10: b.pair.map { $0[index(10)] },
                     smallestImaginary: times.indices.dropFirst().map { i in b.pair.map { abs($0[i].imaginary) }.max()! }.min()!,
                     chargeDrift: b.chargeDrift)
        }
        let checks = Self.checks(measured, target: pole, pairTolerance: pairTol, units: n, cStar: cStar, omega: omega)
        var scalars: [ScalarOutcome] = []
        for (k, m) in measured.enumerated() {
            let gap = Self.pairError(m.finalPair, target: pole)
            scalars += [
                ScalarOutcome("pair_error_s\(k)", gap, doc: "σ = \(m.sigma): largest distance of the final pair from (1 − c*) ± iΩ"),
                ScalarOutcome("loss_t10_s\(k)", m.lossAt[0], doc: "σ = \(m.sigma): loss at t = 10 (spec 0.31)"),
                ScalarOutcome("loss_t20_s\(k)", m.lossAt[1], doc: "σ = \(m.sigma): loss at t = 20 (spec 0.17)"),
                ScalarOutcome("loss_t30_s\(k)", m.lossAt[2], doc: "σ = \(m.sigma): loss at t = 30 (spec 6e-7, seed-dependent)"),
                ScalarOutcome("final_loss_s\(k)", branches[k].losses.last!, doc: "σ = \(m.sigma): loss at t_end"),
            ]
        }
        let figure = FigureSpec(title: "R6 — damped oscillator e^(−\(cStar)t) cos \(omega)t, N = \(n) (\(Bordelon2025.reconstructed))",
                                columns: 2, panels: panels)
        return ExperimentResult(dataset: data, figure: figure, checks: checks, scalars: scalars)
    }

    /// The numbers the checks read from one σ's run.
    struct Measured {
        let sigma: Double
        /// The tracked pair at t_end.
        let finalPair: [Complex<Double>]
        /// Loss at t = 10, 20, 30.
        let lossAt: [Double]
        let initialLoss: Double
        /// The tracked pair at t = 10.
        let pairAt10: [Complex<Double>]
        /// The smallest |Im λ| the pair reaches after t = 0 (0 when it passes through two real eigenvalues).
        let smallestImaginary: Double
        let chargeDrift: Double
    }

    /// The claim checks, from the measured numbers (so a test can feed wrong ones).
    static func checks(_ runs: [Measured], target: Complex<Double>, pairTolerance: Double, units: Int, cStar: Double,
                       omega: Double) -> [ClaimCheck] {
        var checks: [ClaimCheck] = []
        for m in runs {
            let conjugate = m.finalPair.count == 2 && (m.finalPair[0] - m.finalPair[1].conjugate).length <= pairTolerance
            checks.append(ClaimCheck(
                claim: "σ = \(m.sigma): the leading eigenvalue pair of W converges to (1 − c*) ± iΩ (within \(pairTolerance))",
                holds: conjugate && Self.pairError(m.finalPair, target: target) <= pairTolerance,
                evidence: "final pair \(m.finalPair.map(Self.format).joined(separator: ", ")) vs \(Self.format(target)) and its conjugate"))
            checks.append(ClaimCheck(
                claim: "σ = \(m.sigma): gradient flow conserves C = uuᵀ/η_u − vvᵀ/η_v + (WWᵀ − WᵀW)/η_W (relative drift ≤ 1e-5)",
                holds: m.chargeDrift <= 1e-5, evidence: "largest relative drift \(BordelonR2.format(m.chargeDrift))", kind: .selfConsistency))
        }
        let specSetting = units == 40 && cStar == 0.2 && omega == 1.5
        if specSetting, let rich = runs.first(where: { $0.sigma == 0 }) {
            // Spec A.4: 0.60 → 0.31 (t = 10) → 0.17 (t = 20) → 6e-7 (t = 30; 5e-6 or 8e-7 depending on the seed).
            let plateaus = abs(rich.lossAt[0] - 0.31) <= 0.1 * 0.31 && abs(rich.lossAt[1] - 0.17) <= 0.1 * 0.17
            checks.append(ClaimCheck(
                claim: "σ = 0, N = 40: multi-phase loss 0.60 → 0.31 (t = 10) → 0.17 (t = 20) → below 1e-5 (t = 30) (plateaus within 10%)",
                holds: plateaus && rich.lossAt[2] <= 1e-5,
                evidence: "L = \(BordelonR2.format(rich.initialLoss)) → \(BordelonR2.format(rich.lossAt[0])) → \(BordelonR2.format(rich.lossAt[1])) → \(BordelonR2.format(rich.lossAt[2]))"))
        }
        if specSetting, let noisy = runs.first(where: { $0.sigma == 0.2 }) {
            let real = noisy.pairAt10.allSatisfy { $0.imaginary == 0 }
            let values = noisy.pairAt10.map(\.real).sorted(by: >)
            let near = values.count == 2 && abs(values[0] - 0.18) <= 0.05 && abs(values[1] - 0.15) <= 0.05
            checks.append(ClaimCheck(
                claim: "σ = 0.2, N = 40: at t = 10 the pair is two real eigenvalues ≈ 0.18, 0.15 (each within 0.05) before locking on",
                holds: real && near,
                evidence: "pair at t = 10: \(noisy.pairAt10.map(Self.format).joined(separator: ", ")); smallest |Im λ| of the pair after t = 0: \(BordelonR2.format(noisy.smallestImaginary))",
                knownNonReproduction: "in our runs (seeds 0–3, N = 40) the pair stays complex throughout: at t = 10 it is Re ≈ 0.12–0.16, "
                    + "|Im| ≈ 0.67–0.79; only the real parts resemble the spec's 0.18, 0.15"))
        }
        return checks
    }

    /// The largest distance of the eigenvalues in `pair` from the nearer of `target` and its conjugate.
    static func pairError(_ pair: [Complex<Double>], target: Complex<Double>) -> Double {
        pair.map { min(($0 - target).length, ($0 - target.conjugate).length) }.max() ?? .infinity
    }

    static func format(_ z: Complex<Double>) -> String {
        String(format: "%.6f %@ %.6fi", z.real, z.imaginary < 0 ? "−" : "+", abs(z.imaginary))
    }
}
