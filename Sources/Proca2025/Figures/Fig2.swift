import ExperimentKit
import Foundation
import Linalg
import Tasks
import Theory

/// Proca et al. 2025, Fig. 2: each mode type learned on its own, simulation against the exact and local theory.
///
/// Three task families with s_t = δ f(λ, t), f ∈ {1, λ^{T−t}, λ^t} and λ = 0.7 (the figure's legend). **Left:** ac
/// learned with b frozen, against Eq. 47 (`FrozenRecurrenceSolution`, dashed). **Right:** b learned with a and c
/// frozen, against the paper's windowed 5th-order Taylor series (App. D, dashed) and an RK4 integration of the
/// same frozen flow (dotted).
///
/// The simulation is a full-matrix aligned LRNN trained by exact population GD with the frozen block's gradient
/// zeroed (`BlockFreezingGradient`); all 3 × 3 (family, δ) curves of a panel are independent singular dimensions
/// of one network (`MultiModeTraining`).
///
/// Choices where the paper is silent (all parameters): T = 5; the OCR'd δ sets are assigned left = (0.7, 1.0, 1.2)
/// (the set listed first) and right = (2, 1, 0.5), and every δ is run with every family. Left: b frozen at the
/// family's zero-loss b* (so u* = A/B is the zero-loss ac*; `left_frozen_b = "initial"` freezes it at the
/// initial mode instead), a = c = 0.1 at the start (u₀ = 0.01). Right: a = c = √(ac*) frozen (u at the family's
/// zero-loss value, so b's optimum is the family's b* = 1, λ or 1/λ), b₀ = 0.1. Learning rates: full 10⁻⁴ (left)
/// and 10⁻³ (right) with 40,000 steps each (the figure's x-axis); quick 10⁻³ / 5·10⁻³ with 4,000 / 6,000 steps.
/// Taylor window Δ = 0.01 flow time (order 5). The RK4 and Taylor curves are integrated in flow time t = η·step.
public struct ProcaFig2: Experiment {
    /// The experiment.
    public init() {}
    public var id: String { "proca2025.fig2" }
    public var paperFigure: String { "Proca et al. 2025, Fig. 2" }
    public var summary: String {
        "Input–output mode with b frozen (Eq. 47) and recurrent mode with a, c frozen (windowed Taylor), aligned LRNN vs theory"
    }

    public func parameters(_ preset: Preset) -> [String: Any] {
        let quick = preset == .quick
        return ["T": 5, "lambda": 0.7, "left_deltas": [0.7, 1.0, 1.2], "right_deltas": [2.0, 1.0, 0.5],
                "initial_mode": 0.1, "initial_b": 0.1, "left_frozen_b": "optimum",
                "left_learning_rate": quick ? 1e-3 : 1e-4, "left_steps": quick ? 4000 : 40_000,
                "right_learning_rate": quick ? 5e-3 : 1e-3, "right_steps": quick ? 6000 : 40_000,
                "record_every": quick ? 20 : 100, "taylor_window": 0.01, "taylor_order": 5]
    }

    /// The three families of the figure, in legend order.
    static func families(delta: Double, lambda: Double) -> [(name: String, family: SingularValueProfile)] {
        [("constant", .constant(delta: delta)), ("inverse-exponential", .inverseExponential(delta: delta, lambda: lambda)),
         ("exponential", .exponential(delta: delta, lambda: lambda))]
    }

    public func run(parameters p: ConfigReader, context: RunContext) throws -> ExperimentResult {
        let T = try p.int("T", in: 2...50)
        let lambda = try p.double("lambda", in: 0.05...0.99)
        let leftDeltas = try p.doubles("left_deltas")
        let rightDeltas = try p.doubles("right_deltas")
        let initial = try p.double("initial_mode", in: 1e-4...1)
        let b0 = try p.double("initial_b", in: -1...1)
        let leftFrozen = try p.string("left_frozen_b", allowed: ["optimum", "initial"])
        let etaL = try p.double("left_learning_rate", in: 1e-7...0.1)
        let stepsL = try p.int("left_steps", in: 10...10_000_000)
        let etaR = try p.double("right_learning_rate", in: 1e-7...0.1)
        let stepsR = try p.int("right_steps", in: 10...10_000_000)
        let every = try p.int("record_every", in: 1...1_000_000)
        let window = try p.double("taylor_window", in: 1e-6...1)
        let order = try p.int("taylor_order", in: 1...12)
        try p.finish()
        for (key, ds) in [("left_deltas", leftDeltas), ("right_deltas", rightDeltas)] {
            guard !ds.isEmpty, ds.allSatisfy({ $0 > 0 && $0 <= 5 }) else {
                throw ConfigError(key: "\(p.path).\(key)", "needs at least one δ, each in (0, 5]")
            }
        }

        var data = Dataset()
        var checks: [ClaimCheck] = []
        var worst = 0.0

        // ---------------- Left: ac with b frozen ----------------
        var leftCurves: [(name: String, delta: Double, s: [Double], bFrozen: Double, opt: Proca2025.Optimum)] = []
        for fi in 0..<3 {
            for d in leftDeltas {
                let (name, fam) = Self.families(delta: d, lambda: lambda)[fi]
                let opt = fam.zeroLossOptimum(length: T)!
                leftCurves.append((name, d, fam.singularValues(length: T), leftFrozen == "optimum" ? opt.b : initial, opt))
            }
        }
        let left = try MultiModeTraining(
            singularValues: leftCurves.map(\.s),
            initial: leftCurves.map { Proca2025.Mode(a: initial, b: $0.bFrozen, c: initial) }, frozen: .recurrent,
            learningRate: etaL, steps: stepsL, schedule: .every(every), streams: context.streams.child("left"))
        context.progress(0.4)
        guard !left.stop.isDivergence else { throw ConfigError(key: "\(p.path).left_learning_rate", "GD diverged: \(left.stop)") }
        var acSim: [[Double]] = [], acTheory: [[Double]] = [], uStar: [Double] = [], halfSim: [Double] = [],
            halfTheory: [Double] = [], sigmoidal: [Bool] = [], bDrift = 0.0
        for (k, cv) in leftCurves.enumerated() {
            let sim = left.acTrajectory(k)
            let sol = Proca2025.FrozenRecurrenceSolution(singularValues: cv.s, b: cv.bFrozen, initialValue: initial * initial)
            let th = left.time.map { sol.value(at: $0) }
            acSim.append(sim); acTheory.append(th); uStar.append(sol.fixedPoint)
            worst = max(worst, Self.relativeGap(sim, th))
            bDrift = max(bDrift, left.bTrajectory(k).map { abs($0 - cv.bFrozen) }.max()!)
            halfSim.append(Self.firstCrossing(sim, level: 0.5 * sol.fixedPoint, steps: left.steps))
            halfTheory.append((sol.time(toReach: 0.5 * sol.fixedPoint) ?? .nan) / etaL)
            // Sigmoidal: the per-record increment peaks strictly inside the run (an inflection point).
            let inc = zip(sim.dropFirst(), sim).map { $0 - $1 }
            let peak = inc.indices.max { inc[$0] < inc[$1] }!
            sigmoidal.append(peak > 0 && peak < inc.count - 1)
        }
        data.add(DataArray("step_left", left.steps.map(Double.init), doc: "left panel: GD step of each record"))
        data.add(DataArray("left_delta", leftCurves.map(\.delta), doc: "left panel curve k: δ (rows family-major: constant, inverse-exponential, exponential × left_deltas)"))
        data.add(DataArray("left_family", leftCurves.map { Double(Self.familyIndex($0.name)) }, doc: "left panel curve k: family (0 constant, 1 inverse-exponential λ^{T−t}, 2 exponential λ^t)"))
        data.add(DataArray("left_b_frozen", leftCurves.map(\.bFrozen), doc: "left panel curve k: the frozen recurrent mode b"))
        data.add(DataArray("left_u_star", uStar, doc: "left panel curve k: fixed point u* = A(b)/B(b) of Eq. 47"))
        data.add(DataArray("ac_sim_left", rows: acSim, doc: "left: ac of the full-matrix LRNN (W_h frozen) [curve k, record]"))
        data.add(DataArray("ac_theory_left", rows: acTheory, doc: "left: Eq. 47 closed form u(t = η·step) [curve k, record]"))
        data.add(DataArray("left_half_step_sim", halfSim, doc: "left curve k: first recorded step with ac ≥ u*/2 (simulation)"))
        data.add(DataArray("left_half_step_theory", halfTheory, doc: "left curve k: Eq. 46 time to u*/2, in GD steps"))

        // Claim: sigmoidal rise to u* = A/B, faster for larger δ.
        let finalGapL = zip(acSim, uStar).map { abs($0.last! - $1) / abs($1) }.max()!
        var fasterForLargerDelta = true, speedText: [String] = []
        let nL = leftDeltas.count
        let sortedL = leftDeltas.indices.sorted { leftDeltas[$0] < leftDeltas[$1] }
        for fi in 0..<3 {
            let halves = sortedL.map { halfSim[fi * nL + $0] }
            for j in 1..<halves.count where !(halves[j] < halves[j - 1]) { fasterForLargerDelta = false }
            speedText.append("\(leftCurves[fi * nL].name): " + sortedL.map {
                "δ=\(Self.fmt(leftDeltas[$0]))→\(Self.stepText(halfSim[fi * nL + $0])) (Eq. 46: \(Self.stepText(halfTheory[fi * nL + $0])))"
            }.joined(separator: ", "))
        }
        checks.append(ClaimCheck(
            claim: "Left (b frozen): ac rises sigmoidally to u* = A/B, faster for larger δ",
            holds: finalGapL < 0.01 && sigmoidal.allSatisfy { $0 } && fasterForLargerDelta && bDrift < 1e-12,
            evidence: "final |ac − u*|/u* ≤ \(Self.sci(finalGapL)); inflection inside the run for \(sigmoidal.filter { $0 }.count)/\(sigmoidal.count) curves; "
                + "steps to u*/2 (sim) — " + speedText.joined(separator: "; ") + "; max |b − b_frozen| = \(Self.sci(bDrift)); final misalignment \(Self.sci(left.misalignment))"))

        // ---------------- Right: b with a, c frozen ----------------
        var rightCurves: [(name: String, delta: Double, s: [Double], opt: Proca2025.Optimum)] = []
        for fi in 0..<3 {
            for d in rightDeltas {
                let (name, fam) = Self.families(delta: d, lambda: lambda)[fi]
                rightCurves.append((name, d, fam.singularValues(length: T), fam.zeroLossOptimum(length: T)!))
            }
        }
        let right = try MultiModeTraining(
            singularValues: rightCurves.map(\.s),
            initial: rightCurves.map { let r = $0.opt.ac.squareRoot(); return Proca2025.Mode(a: r, b: b0, c: r) },
            frozen: .inputOutput, learningRate: etaR, steps: stepsR, schedule: .every(every), streams: context.streams.child("right"))
        context.progress(0.8)
        guard !right.stop.isDivergence else { throw ConfigError(key: "\(p.path).right_learning_rate", "GD diverged: \(right.stop)") }
        var bSim: [[Double]] = [], bTaylor: [[Double]] = [], bRK4: [[Double]] = [], taylorVsRK4 = 0.0, acDrift = 0.0
        var halfR: [Double] = [], initialVelocity: [Double] = []
        let integrator = Proca2025.WindowedTaylorIntegrator(window: window, order: order)
        for (k, cv) in rightCurves.enumerated() {
            let sim = right.bTrajectory(k)
            let local = Proca2025.LocalRecurrentSolution(singularValues: cv.s, inputOutput: cv.opt.ac)
            let taylor = integrator.solve(local, initial: b0, outputTimes: right.time)
            let flow = Proca2025.ModeFlow(singularValues: cv.s, frozen: .inputOutput)
            let r = cv.opt.ac.squareRoot()
            let rk4 = FixedStepIntegrator(.rk4, stepSize: etaR)
                .solve(flow, initial: [r, b0, r], outputTimes: right.time).states.map { $0[1] }
            bSim.append(sim); bTaylor.append(taylor); bRK4.append(rk4)
            worst = max(worst, Self.relativeGap(sim, taylor))
            taylorVsRK4 = max(taylorVsRK4, Self.relativeGap(taylor, rk4))
            acDrift = max(acDrift, zip(right.acTrajectory(k), [Double](repeating: cv.opt.ac, count: sim.count)).map { abs($0 - $1) }.max()!)
            halfR.append(Self.firstCrossing(sim, level: b0 + 0.5 * (cv.opt.b - b0), steps: right.steps))
            initialVelocity.append(local.velocity(at: b0))
        }
        data.add(DataArray("step_right", right.steps.map(Double.init), doc: "right panel: GD step of each record"))
        data.add(DataArray("right_delta", rightCurves.map(\.delta), doc: "right panel curve k: δ (rows family-major: constant, inverse-exponential, exponential × right_deltas)"))
        data.add(DataArray("right_family", rightCurves.map { Double(Self.familyIndex($0.name)) }, doc: "right panel curve k: family (0 constant, 1 inverse-exponential, 2 exponential)"))
        data.add(DataArray("right_ac_frozen", rightCurves.map(\.opt.ac), doc: "right panel curve k: the frozen u = ac (the family's zero-loss ac* = s_T)"))
        data.add(DataArray("right_b_star", rightCurves.map(\.opt.b), doc: "right panel curve k: the family's zero-loss b* (1, λ or 1/λ)"))
        data.add(DataArray("right_last_sv", rightCurves.map { $0.s.last! }, doc: "right panel curve k: the last singular value s_T"))
        data.add(DataArray("b_sim_right", rows: bSim, doc: "right: b of the full-matrix LRNN (W_x, W_y frozen) [curve k, record]"))
        data.add(DataArray("b_taylor_right", rows: bTaylor, doc: "right: windowed Taylor series (App. D, order taylor_order, window taylor_window) [curve k, record]"))
        data.add(DataArray("b_rk4_right", rows: bRK4, doc: "right: RK4 integration of the frozen-a,c mode flow (step η) [curve k, record]"))
        data.add(DataArray("right_half_step_sim", halfR, doc: "right curve k: first recorded step with b half-way from b₀ to b*"))

        let finalGapR = zip(bSim, rightCurves).map { abs($0.last! - $1.opt.b) / abs($1.opt.b) }.max()!
        checks.append(ClaimCheck(
            claim: "Right (a, c frozen): b converges to its family optimum (1, λ or 1/λ) and follows the windowed Taylor solution",
            holds: finalGapR < 0.01 && acDrift < 1e-12 && Self.relativeGapAll(bSim, bTaylor) < 0.05,
            evidence: "final |b − b*|/b* ≤ \(Self.sci(finalGapR)) over \(bSim.count) curves (b* = "
                + Set(rightCurves.map { Self.fmt($0.opt.b) }).sorted().joined(separator: ", ") + "); sim vs Taylor ≤ \(Self.sci(Self.relativeGapAll(bSim, bTaylor)))"
                + "; Taylor vs RK4 ≤ \(Self.sci(taylorVsRK4)); max |ac − ac_frozen| = \(Self.sci(acDrift)); final misalignment \(Self.sci(right.misalignment))"))

        // Claim: a larger last SV rises faster even if it converges lower (inverse-exponential vs exponential, same δ).
        let nR = rightDeltas.count
        var pairOK = true, pairText: [String] = []
        for j in 0..<nR {
            let inv = nR + j, ex = 2 * nR + j
            let early = zip(bSim[inv], bSim[ex]).contains { $0 > $1 + 1e-12 }
            let lower = bSim[inv].last! < bSim[ex].last!
            let faster = halfR[inv] < halfR[ex] && initialVelocity[inv] > initialVelocity[ex]
            pairOK = pairOK && early && lower && faster && rightCurves[inv].s.last! > rightCurves[ex].s.last!
            pairText.append("δ=\(Self.fmt(rightDeltas[j])): s_T \(Self.fmt(rightCurves[inv].s.last!)) vs \(Self.fmt(rightCurves[ex].s.last!)), "
                + "db/dt(b₀) \(Self.fmt(initialVelocity[inv])) vs \(Self.fmt(initialVelocity[ex])), half-way at step \(Self.stepText(halfR[inv])) vs \(Self.stepText(halfR[ex])), "
                + "final b \(Self.fmt(bSim[inv].last!)) vs \(Self.fmt(bSim[ex].last!))")
        }
        checks.append(ClaimCheck(
            claim: "A curve with a larger last SV rises faster even if it converges lower (inverse-exponential λ^{T−t} vs exponential λ^t)",
            holds: pairOK, evidence: pairText.joined(separator: "; ")))

        // ---------------- Figure ----------------
        var leftSeries: [Series] = [], rightSeries: [Series] = []
        for (k, cv) in leftCurves.enumerated() {
            let label = "\(Self.shortName(cv.name)) δ=\(Self.fmt(cv.delta))"
            leftSeries += [Series(label, x: "step_left", y: "ac_sim_left", yRow: k, style: .simulation, group: k),
                           Series("Eq. 47", x: "step_left", y: "ac_theory_left", yRow: k, style: .theory, group: k)]
        }
        for (k, cv) in rightCurves.enumerated() {
            let label = "\(Self.shortName(cv.name)) δ=\(Self.fmt(cv.delta))"
            rightSeries += [Series(label, x: "step_right", y: "b_sim_right", yRow: k, style: .simulation, group: k),
                            Series("Taylor", x: "step_right", y: "b_taylor_right", yRow: k, style: .theory, group: k),
                            Series("RK4", x: "step_right", y: "b_rk4_right", yRow: k, style: .reference, group: k)]
        }
        let figure = FigureSpec(title: "Fig. 2 — mode dynamics with the other mode frozen (T = \(T), λ = \(Self.fmt(lambda)))", columns: 2, panels: [
            Panel(title: "input–output mode ac, b frozen", xLabel: "training step", yLabel: "ac", content: .lines(leftSeries)),
            Panel(title: "recurrent mode b, a and c frozen", xLabel: "training step", yLabel: "b", content: .lines(rightSeries)),
        ])
        context.progress(1)
        return ExperimentResult(dataset: data, figure: figure, checks: checks, theoryError: worst)
    }

    // MARK: helpers

    static func familyIndex(_ name: String) -> Int { ["constant", "inverse-exponential", "exponential"].firstIndex(of: name)! }
    static func shortName(_ name: String) -> String {
        ["constant": "f=1", "inverse-exponential": "f=λ^(T−t)", "exponential": "f=λ^t"][name]!
    }

    /// max |sim − theory| / max(|theory end|, 1e-3) along one curve.
    static func relativeGap(_ sim: [Double], _ theory: [Double]) -> Double {
        let scale = max(abs(theory.last!), 1e-3)
        return zip(sim, theory).map { abs($0 - $1) / scale }.max()!
    }

    /// Largest `relativeGap` over curves.
    static func relativeGapAll(_ sim: [[Double]], _ theory: [[Double]]) -> Double {
        zip(sim, theory).map { relativeGap($0, $1) }.max()!
    }

    /// First recorded step where `values` reaches `level` (in the direction of travel from the first value); NaN if never.
    static func firstCrossing(_ values: [Double], level: Double, steps: [Int]) -> Double {
        let up = level >= values[0]
        guard let i = values.firstIndex(where: { up ? $0 >= level : $0 <= level }) else { return .nan }
        return Double(steps[i])
    }

    static func fmt(_ x: Double) -> String { String(format: "%.3g", x) }
    /// A step count, or "never" for NaN.
    static func stepText(_ x: Double) -> String { x.isFinite ? String(Int(x.rounded())) : "never" }
    static func sci(_ x: Double) -> String { String(format: "%.2e", x) }
}
