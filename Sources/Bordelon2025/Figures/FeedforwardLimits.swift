import ExperimentKit
import FigureData
import Foundation
import Linalg
import Networks
import Tasks
import Theory

/// Bordelon et al. 2025 (reconstructed model) at its feedforward limits: with the recurrent eigenvalue already at the
/// target, the residue learned by read-in and readout is one mode of a λ-balanced two-layer linear network (Dominé
/// et al. 2025, spec B.2–B.4), whose λ → 0 limit is Saxe's sigmoid (spec C) and whose |λ| → ∞ limit is exponential
/// relaxation (issue 13).
///
/// The full N-unit network trains u and v by exact gradient flow (Dormand–Prince 5(4)) with W frozen at
/// (1 − c*) x xᵀ for a random unit vector x, u and v started along x. `FrozenOutlierMode` derives the mapping:
/// a = ρ(x·u)(x·v), τ = 2c*/(ρ√(η_u η_v)), λ = ρ√(η_u η_v)((x·v)²/η_v − (x·u)²/η_u), target singular value s = the
/// target amplitude (with ρ = 1/N, η_u = η_v = N: τ = 2c*, λ = (|v|² − |u|²)/N). Balanced starts (λ = 0) from several
/// a0 show Saxe's plateaus; unbalanced starts (λ = ±0.02, 1, 50 by default) from one a0 show the plateau shrinking to
/// plain exponential relaxation.
public struct BordelonFeedforwardLimits: Experiment, DeclaredParameters {
    /// The experiment.
    public init() {}
    public var id: String { "bordelon2025.limits" }
    public var paperFigure: String {
        "Bordelon et al. 2025 with a frozen target mode: the λ-balanced (Dominé et al. 2025) and Saxe (2014) limits (reconstructed model)"
    }
    public var summary: String {
        "With W frozen at the target mode, the learned residue follows the λ-balanced two-layer closed form: Saxe plateaus at λ = 0, exponential relaxation at large |λ|"
    }

    static let units = Parameter.int("units", 30, full: 200, in: 1...1000, unit: "units", doc: "hidden units N (u and v stay on one direction, so N only sets the cost)")
    static let targetRate = Parameter.double("c_star", 0.2, in: 0.001...10, doc: "target decay rate c* (g* = s e^{−c* t}); W is frozen at (1 − c*) x xᵀ")
    static let amplitude = Parameter.double("target_amplitude", 1, in: 0.01...100, doc: "target amplitude s: the mode's target singular value")
    static let readout = Parameter.string("readout", LinearFilterRNN.ReadoutScaling.inverseN.rawValue,
                                          allowed: LinearFilterRNN.ReadoutScaling.allCases.map(\.rawValue), doc: "readout scale ρ in y = ρ vᵀh")
    static let readInRate = Parameter.double("eta_u_per_unit", 1, in: 1e-3...1e3, doc: "read-in learning rate η_u in units of N (spec: η_u = N)")
    static let readOutRate = Parameter.double("eta_v_per_unit", 1, in: 1e-3...1e3, doc: "readout learning rate η_v in units of N (spec: η_v = N)")
    static let balancedResidues = Parameter.doubles("balanced_residues", [1e-2, 1e-4, 1e-6], doc: "initial residues a0 of the balanced (λ = 0) runs: at least 3, each in (0, s/2)")
    static let unbalancedResidue = Parameter.double("unbalanced_residue", 1e-4, in: 1e-12...100, doc: "initial residue a0 of the unbalanced runs, in (0, s/2)")
    static let imbalances = Parameter.doubles("imbalances", [0.02, -0.02, 1, 50], doc: "imbalances λ of the unbalanced runs (nonzero, |λ| ≤ 1000 s); |λ| ≥ 10 s counts as lazy")
    static let records = Parameter.int("records", 121, full: 201, in: 11...10_000, doc: "records per run (balanced: evenly spaced; unbalanced: geometric from 0.01 τ/K)")
    static let tolerance = Parameter.double("tolerance", 1e-10, in: 1e-13...1e-6, doc: "relative tolerance of the Dormand–Prince gradient flow")
    public static let declared = ParameterList([
        .init(units), .init(targetRate), .init(amplitude), .init(readout), .init(readInRate), .init(readOutRate),
        .init(balancedResidues), .init(unbalancedResidue), .init(imbalances), .init(records), .init(tolerance),
    ])

    /// |λ| from which a run is tested against the lazy limit, in units of s.
    static let lazyImbalance = 10.0

    /// What one run measured, for the checks.
    struct RunOutcome: Equatable {
        /// Initial residue a0.
        var residue0: Double
        /// The run's imbalance λ.
        var imbalance: Double
        /// Measured time to reach a = s/2.
        var timeToHalf: Double
        /// Least-squares rate of ln|s − a| over the run (nil for balanced runs).
        var relaxationRate: Double?
    }

    /// How well the network follows the reduction, for the checks.
    struct Exactness: Equatable {
        /// Largest |a_sim − a_theory| / s over all runs and records.
        var residueError: Double
        /// Largest |u − (x·u)x|/|u| and |v − (x·v)x|/|v|.
        var offAxis: Double
        /// Largest drift of λ = −ρ√(η_u η_v) xᵀCx relative to c² + d² = √(λ² + 4a²) (C's only moving part: W is frozen).
        var chargeDrift: Double
        /// Largest |a(λ) − a(−λ)| / s over the sign pairs among the imbalances (nil without a pair).
        var signGap: Double?
    }

    public func run(parameters p: ConfigReader, context: RunContext) throws -> ExperimentResult {
        let n = try p.read(Self.units)
        let cStar = try p.read(Self.targetRate)
        let s = try p.read(Self.amplitude)
        let scaling = LinearFilterRNN.ReadoutScaling(rawValue: try p.read(Self.readout))!
        let etaU = try p.read(Self.readInRate) * Double(n), etaV = try p.read(Self.readOutRate) * Double(n)
        let balanced = try p.read(Self.balancedResidues)
        let a0Unbalanced = try p.read(Self.unbalancedResidue)
        let lambdas = try p.read(Self.imbalances)
        let count = try p.read(Self.records)
        let tol = try p.read(Self.tolerance)
        guard balanced.count >= 3, balanced.allSatisfy({ $0 > 0 && $0 < s / 2 }) else {
            throw ConfigError(key: "\(p.path).balanced_residues", "needs at least 3 values, each in (0, s/2) = (0, \(s / 2))")
        }
        guard a0Unbalanced < s / 2 else {
            throw ConfigError(key: "\(p.path).unbalanced_residue", "must be in (0, s/2) = (0, \(s / 2)), got \(a0Unbalanced)")
        }
        guard lambdas.allSatisfy({ $0 != 0 && $0.isFinite && abs($0) <= 1000 * s }) else {
            throw ConfigError(key: "\(p.path).imbalances", "each λ must be nonzero with |λ| ≤ 1000 s = \(1000 * s)")
        }
        try p.finish()

        let rho = scaling.scale(units: n)
        let reduction = FrozenOutlierMode(targetRate: cStar, targetAmplitude: s,
                                          rates: OutlierRates(etaW: 1, etaU: etaU, etaV: etaV, readoutScale: rho))
        let tau = reduction.timeConstant
        let saxe = SaxeMode(target: s, timeConstant: tau)
        let horizon = 1.2 * saxe.timeToLearn(from: min(balanced.min()!, a0Unbalanced), to: 0.999 * s)
        let x = FilterFlowRun.randomDirection(units: n, streams: context.streams)
        let target = try FilterTarget.leakyIntegrator(rate: cStar, amplitude: s)

        let starts = balanced.map { ($0, 0.0) } + lambdas.map { (a0Unbalanced, $0) }
        var data = Dataset(), outcomes: [RunOutcome] = [], residues: [[Double]] = []
        var exact = Exactness(residueError: 0, offAxis: 0, chargeDrift: 0, signGap: nil)
        var evaluations = 0
        for (k, (a0, lambda)) in starts.enumerated() {
            let (alpha, beta) = reduction.amplitudes(residue: a0, imbalance: lambda)
            let mode = reduction.mode(readIn: alpha, readOut: beta)
            let times = lambda == 0 ? SweepSpec.linspace(0, horizon, count)
                : [0] + Self.geometric(from: 0.01 * tau / mode.rateConstant, to: horizon, count - 1)
            let network = try FilterFlowRun.frozenModeNetwork(direction: x, readIn: alpha / rho.squareRoot(), readOut: beta / rho.squareRoot(),
                                                              targetRate: cStar, readoutScale: rho, readInRate: etaU, readOutRate: etaV)
            let run = try FilterFlowRun.run(network, target: target, times: times, tolerance: tol, keepNetworks: true,
                                            stage: "a0 = \(Bordelon2025.label(a0)), λ = \(Bordelon2025.label(lambda)) (N = \(n))")
            evaluations += run.record.gradientEvaluations
            let amplitudes = run.record.networks.map { net in (rho.squareRoot() * Self.dot(x, net.u), rho.squareRoot() * Self.dot(x, net.v)) }
            let a = amplitudes.map { $0.0 * $0.1 }
            let theory = times.map { mode.strength(at: $0, from: a0) }
            let error = zip(a, theory).map { abs($0 - $1) / s }
            exact.residueError = max(exact.residueError, error.max()!)
            exact.offAxis = max(exact.offAxis, run.record.networks.map { max(Self.offAxis($0.u, x), Self.offAxis($0.v, x)) }.max()!)
            exact.chargeDrift = max(exact.chargeDrift, Self.imbalanceDrift(amplitudes, reduction: reduction))
            residues.append(a)
            guard let tHalf = Self.crossingTime(times: times, residues: a, target: s, logit: lambda == 0) else {
                throw ConfigError(key: "\(p.path).balanced_residues", "a0 = \(a0), λ = \(lambda) did not reach s/2 by t = \(horizon)")
            }
            outcomes.append(RunOutcome(residue0: a0, imbalance: lambda, timeToHalf: tHalf,
                                       relaxationRate: lambda == 0 ? nil : Self.relaxationRate(times: times, residues: a, target: s)))
            data.add(DataArray("t_\(k)", times, doc: "run \(k) (a0 = \(a0), λ = \(lambda)): gradient-flow time of each record"))
            data.add(DataArray("a_sim_\(k)", a.map { $0 / s }, doc: "run \(k): full network's residue ρ(x·u)(x·v) over s"))
            data.add(DataArray("a_theory_\(k)", theory.map { $0 / s }, doc: "run \(k): λ-balanced closed form a(t)/s"))
            data.add(DataArray("error_\(k)", error, doc: "run \(k): |a_sim − a_theory|/s"))
            if lambda != 0 {
                data.add(DataArray("saxe_\(k)", times.map { saxe.strength(at: $0, from: a0) / s }, doc: "run \(k): Saxe's sigmoid (λ → 0) from the same a0, over s"))
                data.add(DataArray("lazy_\(k)", times.map { mode.lazyLimit(at: $0, from: a0) / s }, doc: "run \(k): lazy limit s + (a0 − s)e^{−|λ|t/τ}, over s"))
            }
            context.progress(Double(k + 1) / Double(starts.count))
        }
        exact.signGap = Self.signGap(starts: starts, residues: residues, target: s)
        Self.addTimesToLearn(outcomes, saxe: saxe, to: &data)
        let checks = Self.checks(exactness: exact, runs: outcomes, target: s, timeConstant: tau)
        let figure = Self.figure(starts: starts, n: n, cStar: cStar, tau: tau)
        var scalars = [
            ScalarOutcome("time_constant", tau, doc: "τ = 2c*/(ρ√(η_u η_v)) of the mapped two-layer mode"),
            ScalarOutcome("max_residue_error", exact.residueError, doc: "largest |a_sim − a_theory|/s over runs and records"),
            ScalarOutcome("max_off_axis", exact.offAxis, doc: "largest fraction of u or v off the frozen mode's direction x"),
            ScalarOutcome("gradient_evaluations", Double(evaluations), doc: "exact gradients evaluated over all runs"),
        ]
        for (k, o) in outcomes.enumerated() {
            scalars.append(ScalarOutcome("time_to_half_\(k)", o.timeToHalf, doc: "run \(k) (a0 = \(o.residue0), λ = \(o.imbalance)): measured time to a = s/2"))
        }
        return ExperimentResult(dataset: data, figure: figure, checks: checks, theoryError: exact.residueError, scalars: scalars)
    }

    /// The claim checks, from the measured numbers (so a test can feed wrong ones).
    static func checks(exactness e: Exactness, runs: [RunOutcome], target s: Double, timeConstant tau: Double) -> [ClaimCheck] {
        let saxe = SaxeMode(target: s, timeConstant: tau)
        var checks = [
            ClaimCheck(claim: "With W frozen at the target mode, the network's residue is the λ-balanced two-layer mode τ da/dt = √(λ² + 4a²)(s − a) (|a_sim − a_theory| ≤ 1e-6 s; u, v stay on x to 1e-8)",
                       holds: e.residueError <= 1e-6 && e.offAxis <= 1e-8,
                       evidence: "largest |Δa|/s = \(BordelonR2.format(e.residueError)), largest off-axis fraction \(BordelonR2.format(e.offAxis))",
                       kind: .selfConsistency),
            FilterFlowRun.chargeCheck([("λ = −ρ√(η_u η_v) xᵀCx relative to c² + d²: ", e.chargeDrift)]),
        ]
        if let gap = e.signGap {
            checks.append(ClaimCheck(claim: "a(t) depends on |λ| only: the runs at ±λ learn the same residue (gap ≤ 1e-6 s)",
                                     holds: gap <= 1e-6, evidence: "largest |a(λ) − a(−λ)|/s = \(BordelonR2.format(gap))",
                                     kind: .selfConsistency))
        }
        let balanced = runs.filter { $0.imbalance == 0 }
        let predicted = balanced.map { saxe.timeToLearn(from: $0.residue0, to: s / 2) }
        let ratios = zip(balanced, predicted).map { $0.timeToHalf / $1 }
        let slope = Self.slope(x: balanced.map { log(s / $0.residue0) }, y: balanced.map(\.timeToHalf))
        checks.append(ClaimCheck(
            claim: "λ → 0 (balanced small start): a plateau whose length grows like (τ/2s) ln(s/a0) — the time to a = s/2 matches Saxe's (τ/2s) ln[(s − a0)/a0] within 1% over ≥ 3 initial scales, slope in ln(s/a0) within 2% of τ/2s",
            holds: balanced.count >= 3 && ratios.allSatisfy { abs($0 - 1) <= 0.01 } && abs(slope / (tau / (2 * s)) - 1) <= 0.02,
            evidence: zip(balanced, predicted).map { "a0 = \(Bordelon2025.label($0.residue0)): \(format($0.timeToHalf)) vs \(format($1))" }.joined(separator: "; ")
                + "; slope \(format(slope)) vs τ/2s = \(format(tau / (2 * s)))"))
        let lazy = runs.filter { abs($0.imbalance) >= lazyImbalance * s }
        if !lazy.isEmpty {
            let rows = lazy.map { r -> (ok: Bool, text: String) in
                let mode = LambdaBalancedMode(target: s, imbalance: r.imbalance, timeConstant: tau)
                let rate = (r.relaxationRate ?? .nan) * tau / abs(r.imbalance)
                let tLazy = mode.lazyTimeToLearn(from: r.residue0, to: s / 2)
                let ok = abs(rate - 1) <= 0.02 && abs(r.timeToHalf / tLazy - 1) <= 0.05
                return (ok, "λ = \(Bordelon2025.label(r.imbalance)): rate × τ/|λ| = \(format(rate)), time to s/2 \(format(r.timeToHalf)) vs lazy \(format(tLazy)) (Saxe from the same a0: \(format(saxe.timeToLearn(from: r.residue0, to: s / 2))))")
            }
            checks.append(ClaimCheck(
                claim: "Large |λ| (unbalanced start, |λ| ≥ \(Bordelon2025.label(lazyImbalance)) s): no plateau — exponential relaxation at rate |λ|/τ (fitted rate within 2%, time to s/2 within 5% of the lazy limit's)",
                holds: rows.allSatisfy(\.ok), evidence: rows.map(\.text).joined(separator: "; ")))
        }
        return checks
    }

    /// The first time the residue reaches s/2, interpolated linearly between the bracketing records in
    /// ln(a/(s − a)) (`logit`, exact for Saxe's sigmoid) or in ln(s − a) (exact for the lazy exponential); nil if
    /// never reached.
    static func crossingTime(times: [Double], residues a: [Double], target s: Double, logit: Bool) -> Double? {
        guard let j = a.firstIndex(where: { $0 >= s / 2 }) else { return nil }
        guard j > 0 else { return times[0] }
        let f: (Double) -> Double = logit ? { log($0 / (s - $0)) } : { log(s - $0) }
        let (f0, f1, level) = (f(a[j - 1]), f(a[j]), f(s / 2))
        return times[j - 1] + (times[j] - times[j - 1]) * (level - f0) / (f1 - f0)
    }

    /// The least-squares slope of −ln|s − a| against t over the records with |s − a| ≥ 1e-6 s.
    static func relaxationRate(times: [Double], residues a: [Double], target s: Double) -> Double {
        let kept = zip(times, a).filter { abs(s - $0.1) >= 1e-6 * s }
        return -slope(x: kept.map(\.0), y: kept.map { log(abs(s - $0.1)) })
    }

    /// Largest |λ(t) − λ(0)| / (c² + d²)(t) over the records, from the amplitudes (α, β) = √ρ (x·u, x·v).
    static func imbalanceDrift(_ amplitudes: [(Double, Double)], reduction: FrozenOutlierMode) -> Double {
        let r = reduction.rates
        let lambda0 = reduction.imbalance(readIn: amplitudes[0].0, readOut: amplitudes[0].1)
        return amplitudes.map { alpha, beta in
            abs(reduction.imbalance(readIn: alpha, readOut: beta) - lambda0) / (r.residue * (alpha * alpha / r.readIn + beta * beta / r.readOut))
        }.max() ?? 0
    }

    /// Least-squares slope of y on x.
    static func slope(x: [Double], y: [Double]) -> Double {
        let mx = x.reduce(0, +) / Double(x.count), my = y.reduce(0, +) / Double(y.count)
        let sxy = zip(x, y).reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) }
        let sxx = x.reduce(0) { $0 + ($1 - mx) * ($1 - mx) }
        return sxy / sxx
    }

    /// Largest |a(λ) − a(−λ)|/s over the pairs of runs with opposite imbalances (same a0 and records); nil without one.
    static func signGap(starts: [(Double, Double)], residues: [[Double]], target s: Double) -> Double? {
        var gap: Double?
        for i in starts.indices where starts[i].1 > 0 {
            guard let j = starts.indices.first(where: { starts[$0].1 == -starts[i].1 && starts[$0].0 == starts[i].0 }) else { continue }
            let g = zip(residues[i], residues[j]).map { abs($0 - $1) / s }.max() ?? 0
            gap = max(gap ?? 0, g)
        }
        return gap
    }

    /// The balanced runs' measured times to s/2 against s/a0, and Saxe's prediction on a fine a0 grid.
    static func addTimesToLearn(_ runs: [RunOutcome], saxe: SaxeMode, to data: inout Dataset) {
        let s = saxe.target
        let balanced = runs.filter { $0.imbalance == 0 }
        data.add(DataArray("balanced_scale", balanced.map { s / $0.residue0 }, doc: "balanced runs: s/a0"))
        data.add(DataArray("balanced_time_to_half", balanced.map(\.timeToHalf), doc: "balanced runs: measured time to a = s/2"))
        let lo = balanced.map(\.residue0).min()! / 3, hi = min(balanced.map(\.residue0).max()! * 3, 0.4 * s)
        let grid = geometric(from: lo, to: hi, 60)
        data.add(DataArray("saxe_scale", grid.map { s / $0 }, doc: "s/a0 of Saxe's prediction"))
        data.add(DataArray("saxe_time_to_half", grid.map { saxe.timeToLearn(from: $0, to: s / 2) }, doc: "Saxe: (τ/2s) ln[(s − a0)/a0]"))
    }

    static func figure(starts: [(Double, Double)], n: Int, cStar: Double, tau: Double) -> FigureSpec {
        var balanced: [Series] = [], unbalanced: [Series] = [], errors: [Series] = []
        for (k, (a0, lambda)) in starts.enumerated() {
            let name = lambda == 0 ? "a0 = \(Bordelon2025.label(a0))" : "λ = \(Bordelon2025.label(lambda))"
            errors.append(Series(name, x: "t_\(k)", y: "error_\(k)", style: .simulation, group: k))
            if lambda == 0 {
                balanced += [Series("\(name) network", x: "t_\(k)", y: "a_sim_\(k)", style: .points, group: k),
                             Series("\(name) closed form", x: "t_\(k)", y: "a_theory_\(k)", style: .theory, group: k)]
            } else {
                unbalanced += [Series("\(name) network", x: "t_\(k)", y: "a_sim_\(k)", style: .points, group: k),
                               Series("\(name) closed form", x: "t_\(k)", y: "a_theory_\(k)", style: .theory, group: k),
                               Series("\(name) lazy limit", x: "t_\(k)", y: "lazy_\(k)", style: .reference, group: k)]
            }
        }
        if let k = starts.firstIndex(where: { $0.1 != 0 }) {
            unbalanced.append(Series("Saxe sigmoid (λ → 0)", x: "t_\(k)", y: "saxe_\(k)", style: .reference, group: starts.count))
        }
        let times = [Series("balanced network", x: "balanced_scale", y: "balanced_time_to_half", style: .points, group: 0),
                     Series("Saxe (τ/2s) ln[(s − a0)/a0]", x: "saxe_scale", y: "saxe_time_to_half", style: .theory, group: 0)]
        return FigureSpec(
            title: "Feedforward limits of a frozen target mode, N = \(n) (\(Bordelon2025.reconstructed))",
            columns: 2, panels: [
                Panel(title: "λ = 0 (balanced): Saxe plateaus", xLabel: "t", yLabel: "a/s", content: .lines(balanced)),
                Panel(title: "unbalanced start (a_0 = \(Bordelon2025.label(starts.first { $0.1 != 0 }?.0 ?? 0))): closed form and its limits", xLabel: "t", yLabel: "a/s", xScale: .log,
                      content: .lines(unbalanced)),
                Panel(title: "time to a = s/2 (c* = \(Bordelon2025.label(cStar)), τ = \(Bordelon2025.label(tau)))", xLabel: "s/a_0", yLabel: "t_1/2", xScale: .log, content: .lines(times)),
                Panel(title: "closed form vs network", xLabel: "t", yLabel: "|a_(sim) − a_(theory)|/s", xScale: .log, yScale: .log,
                      content: .lines(errors)),
            ])
    }

    /// `count` points from `lo` to `hi` (both > 0), evenly spaced in log.
    static func geometric(from lo: Double, to hi: Double, _ count: Int) -> [Double] {
        SweepSpec.linspace(log(lo), log(hi), count).map { exp($0) }
    }

    static func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }

    /// |w − (x·w)x|/|w| for a unit vector x.
    static func offAxis(_ w: [Double], _ x: [Double]) -> Double {
        let p = dot(x, w)
        let off = zip(w, x).reduce(0) { $0 + ($1.0 - p * $1.1) * ($1.0 - p * $1.1) }.squareRoot()
        let norm = dot(w, w).squareRoot()
        return norm > 0 ? off / norm : 0
    }

    static func format(_ x: Double) -> String { String(format: "%.4g", x) }
}
