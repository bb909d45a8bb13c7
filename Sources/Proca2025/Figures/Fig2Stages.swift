import ExperimentKit
import Foundation
import Linalg
import Tasks
import Theory

/// Fig. 2's parameters, read with their declared ranges and checked.
struct Fig2Settings {
    let path: String
    let T: Int, lambda: Double, leftDeltas: [Double], rightDeltas: [Double]
    let initial: Double, b0: Double, leftFrozen: String
    let etaL: Double, stepsL: Int, etaR: Double, stepsR: Int, every: Int
    let window: Double, order: Int

    /// Reads every declared parameter of `ProcaFig2` from `p` and finishes it.
    init(_ p: ConfigReader) throws {
        typealias F = ProcaFig2
        path = p.path
        T = try p.read(F.T)
        lambda = try p.read(F.lambda)
        leftDeltas = try p.read(F.leftDeltas)
        rightDeltas = try p.read(F.rightDeltas)
        initial = try p.read(F.initialMode)
        b0 = try p.read(F.initialB)
        leftFrozen = try p.read(F.leftFrozenB)
        etaL = try p.read(F.leftLearningRate)
        stepsL = try p.read(F.leftSteps)
        etaR = try p.read(F.rightLearningRate)
        stepsR = try p.read(F.rightSteps)
        every = try p.read(F.recordEvery)
        window = try p.read(F.taylorWindow)
        order = try p.read(F.taylorOrder)
        try p.finish()
        for (key, ds) in [("left_deltas", leftDeltas), ("right_deltas", rightDeltas)] {
            guard !ds.isEmpty, ds.allSatisfy({ $0 > 0 && $0 <= 5 }) else {
                throw ConfigError(key: "\(p.path).\(key)", "needs at least one δ, each in (0, 5]")
            }
        }
    }
}

/// What Fig. 2's stages accumulate: the dataset, the claim checks and the largest simulation–theory gap.
struct Fig2Output {
    var data = Dataset()
    var checks: [ClaimCheck] = []
    var worst = 0.0
}

/// One curve of the left panel (ac learned, b frozen).
struct Fig2LeftCurve {
    let name: String, delta: Double, s: [Double], bFrozen: Double, opt: Proca2025.Optimum
}

/// One curve of the right panel (b learned, a and c frozen).
struct Fig2RightCurve {
    let name: String, delta: Double, s: [Double], opt: Proca2025.Optimum
}

extension ProcaFig2 {
    // MARK: left panel: ac with b frozen

    /// Left panel: simulates ac with b frozen, compares with Eq. 47, records the arrays and the sigmoidal-rise check.
    static func leftPanel(_ s: Fig2Settings, context: RunContext, into out: inout Fig2Output) throws -> [Fig2LeftCurve] {
        var leftCurves: [Fig2LeftCurve] = []
        for fi in 0..<3 {
            for d in s.leftDeltas {
                let (name, fam) = Self.families(delta: d, lambda: s.lambda)[fi]
                let opt = fam.zeroLossOptimum(length: s.T)!
                leftCurves.append(Fig2LeftCurve(name: name, delta: d, s: fam.singularValues(length: s.T),
                                                bFrozen: s.leftFrozen == "optimum" ? opt.b : s.initial, opt: opt))
            }
        }
        let left = try MultiModeTraining(
            singularValues: leftCurves.map(\.s),
            initial: leftCurves.map { Proca2025.Mode(a: s.initial, b: $0.bFrozen, c: s.initial) }, frozen: .recurrent,
            learningRate: s.etaL, steps: s.stepsL, schedule: .every(s.every), streams: context.streams.child("left"))
        context.progress(0.4)
        if let d = left.divergence { throw d.error(stage: "the left panel (b frozen)", key: "left_learning_rate", value: s.etaL) }
        var acSim: [[Double]] = [], acTheory: [[Double]] = [], uStar: [Double] = [], halfSim: [Double] = [],
            halfTheory: [Double] = [], sigmoidal: [Bool] = [], bDrift = 0.0
        for (k, cv) in leftCurves.enumerated() {
            let sim = left.acTrajectory(k)
            let sol = Proca2025.FrozenRecurrenceSolution(singularValues: cv.s, b: cv.bFrozen, initialValue: s.initial * s.initial)
            let th = left.time.map { sol.value(at: $0) }
            acSim.append(sim); acTheory.append(th); uStar.append(sol.fixedPoint)
            out.worst = max(out.worst, Self.relativeGap(sim, th))
            bDrift = max(bDrift, left.bTrajectory(k).map { abs($0 - cv.bFrozen) }.max()!)
            halfSim.append(Self.firstCrossing(sim, level: 0.5 * sol.fixedPoint, steps: left.steps))
            halfTheory.append((sol.time(toReach: 0.5 * sol.fixedPoint) ?? .nan) / s.etaL)
            // Sigmoidal: the per-record increment peaks strictly inside the run (an inflection point).
            let inc = zip(sim.dropFirst(), sim).map { $0 - $1 }
            let peak = inc.indices.max { inc[$0] < inc[$1] }!
            sigmoidal.append(peak > 0 && peak < inc.count - 1)
        }
        out.data.add(DataArray("step_left", left.steps.map(Double.init), doc: "left panel: GD step of each record"))
        out.data.add(DataArray("left_delta", leftCurves.map(\.delta), doc: "left panel curve k: δ (rows family-major: constant, inverse-exponential, exponential × left_deltas)"))
        out.data.add(DataArray("left_family", leftCurves.map { Double(Self.familyIndex($0.name)) }, doc: "left panel curve k: family (0 constant, 1 inverse-exponential λ^{T−t}, 2 exponential λ^t)"))
        out.data.add(DataArray("left_b_frozen", leftCurves.map(\.bFrozen), doc: "left panel curve k: the frozen recurrent mode b"))
        out.data.add(DataArray("left_u_star", uStar, doc: "left panel curve k: fixed point u* = A(b)/B(b) of Eq. 47"))
        out.data.add(DataArray("ac_sim_left", rows: acSim, doc: "left: ac of the full-matrix LRNN (W_h frozen) [curve k, record]"))
        out.data.add(DataArray("ac_theory_left", rows: acTheory, doc: "left: Eq. 47 closed form u(t = η·step) [curve k, record]"))
        out.data.add(DataArray("left_half_step_sim", halfSim, doc: "left curve k: first recorded step with ac ≥ u*/2 (simulation)"))
        out.data.add(DataArray("left_half_step_theory", halfTheory, doc: "left curve k: Eq. 46 time to u*/2, in GD steps"))

        // Claim: sigmoidal rise to u* = A/B, faster for larger δ.
        let leftDeltas = s.leftDeltas
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
        out.checks.append(ClaimCheck(
            claim: "Left (b frozen): ac rises sigmoidally to u* = A/B, faster for larger δ",
            holds: finalGapL < 0.01 && sigmoidal.allSatisfy { $0 } && fasterForLargerDelta && bDrift < 1e-12,
            evidence: "final |ac − u*|/u* ≤ \(Self.sci(finalGapL)); inflection inside the run for \(sigmoidal.filter { $0 }.count)/\(sigmoidal.count) curves; "
                + "steps to u*/2 (sim) — " + speedText.joined(separator: "; ") + "; max |b − b_frozen| = \(Self.sci(bDrift)); final misalignment \(Self.sci(left.misalignment))"))
        return leftCurves
    }

    // MARK: right panel: b with a, c frozen

    /// Right panel: simulates b with a, c frozen, compares with the windowed Taylor series and RK4, records the arrays
    /// and the two checks (convergence to b*, larger last SV rises faster).
    static func rightPanel(_ s: Fig2Settings, context: RunContext, into out: inout Fig2Output) throws -> [Fig2RightCurve] {
        var rightCurves: [Fig2RightCurve] = []
        for fi in 0..<3 {
            for d in s.rightDeltas {
                let (name, fam) = Self.families(delta: d, lambda: s.lambda)[fi]
                rightCurves.append(Fig2RightCurve(name: name, delta: d, s: fam.singularValues(length: s.T), opt: fam.zeroLossOptimum(length: s.T)!))
            }
        }
        let b0 = s.b0, etaR = s.etaR
        let right = try MultiModeTraining(
            singularValues: rightCurves.map(\.s),
            initial: rightCurves.map { let r = $0.opt.ac.squareRoot(); return Proca2025.Mode(a: r, b: b0, c: r) },
            frozen: .inputOutput, learningRate: etaR, steps: s.stepsR, schedule: .every(s.every), streams: context.streams.child("right"))
        context.progress(0.8)
        if let d = right.divergence { throw d.error(stage: "the right panel (a, c frozen)", key: "right_learning_rate", value: etaR) }
        var bSim: [[Double]] = [], bTaylor: [[Double]] = [], bRK4: [[Double]] = [], taylorVsRK4 = 0.0, acDrift = 0.0
        var halfR: [Double] = [], initialVelocity: [Double] = []
        let integrator = Proca2025.WindowedTaylorIntegrator(window: s.window, order: s.order)
        for (k, cv) in rightCurves.enumerated() {
            let sim = right.bTrajectory(k)
            let local = Proca2025.LocalRecurrentSolution(singularValues: cv.s, inputOutput: cv.opt.ac)
            let taylor = integrator.solve(local, initial: b0, outputTimes: right.time)
            let flow = Proca2025.ModeFlow(singularValues: cv.s, frozen: .inputOutput)
            let r = cv.opt.ac.squareRoot()
            let rk4 = FixedStepIntegrator(.rk4, stepSize: etaR)
                .solve(flow, initial: [r, b0, r], outputTimes: right.time).states.map { $0[1] }
            bSim.append(sim); bTaylor.append(taylor); bRK4.append(rk4)
            out.worst = max(out.worst, Self.relativeGap(sim, taylor))
            taylorVsRK4 = max(taylorVsRK4, Self.relativeGap(taylor, rk4))
            acDrift = max(acDrift, zip(right.acTrajectory(k), [Double](repeating: cv.opt.ac, count: sim.count)).map { abs($0 - $1) }.max()!)
            halfR.append(Self.firstCrossing(sim, level: b0 + 0.5 * (cv.opt.b - b0), steps: right.steps))
            initialVelocity.append(local.velocity(at: b0))
        }
        out.data.add(DataArray("step_right", right.steps.map(Double.init), doc: "right panel: GD step of each record"))
        out.data.add(DataArray("right_delta", rightCurves.map(\.delta), doc: "right panel curve k: δ (rows family-major: constant, inverse-exponential, exponential × right_deltas)"))
        out.data.add(DataArray("right_family", rightCurves.map { Double(Self.familyIndex($0.name)) }, doc: "right panel curve k: family (0 constant, 1 inverse-exponential, 2 exponential)"))
        out.data.add(DataArray("right_ac_frozen", rightCurves.map(\.opt.ac), doc: "right panel curve k: the frozen u = ac (the family's zero-loss ac* = s_T)"))
        out.data.add(DataArray("right_b_star", rightCurves.map(\.opt.b), doc: "right panel curve k: the family's zero-loss b* (1, λ or 1/λ)"))
        out.data.add(DataArray("right_last_sv", rightCurves.map { $0.s.last! }, doc: "right panel curve k: the last singular value s_T"))
        out.data.add(DataArray("b_sim_right", rows: bSim, doc: "right: b of the full-matrix LRNN (W_x, W_y frozen) [curve k, record]"))
        out.data.add(DataArray("b_taylor_right", rows: bTaylor, doc: "right: windowed Taylor series (App. D, order taylor_order, window taylor_window) [curve k, record]"))
        out.data.add(DataArray("b_rk4_right", rows: bRK4, doc: "right: RK4 integration of the frozen-a,c mode flow (step η) [curve k, record]"))
        out.data.add(DataArray("right_half_step_sim", halfR, doc: "right curve k: first recorded step with b half-way from b₀ to b*"))

        let finalGapR = zip(bSim, rightCurves).map { abs($0.last! - $1.opt.b) / abs($1.opt.b) }.max()!
        out.checks.append(ClaimCheck(
            claim: "Right (a, c frozen): b converges to its family optimum (1, λ or 1/λ) and follows the windowed Taylor solution",
            holds: finalGapR < 0.01 && acDrift < 1e-12 && Self.relativeGapAll(bSim, bTaylor) < 0.05,
            evidence: "final |b − b*|/b* ≤ \(Self.sci(finalGapR)) over \(bSim.count) curves (b* = "
                + Set(rightCurves.map { Self.fmt($0.opt.b) }).sorted().joined(separator: ", ") + "); sim vs Taylor ≤ \(Self.sci(Self.relativeGapAll(bSim, bTaylor)))"
                + "; Taylor vs RK4 ≤ \(Self.sci(taylorVsRK4)); max |ac − ac_frozen| = \(Self.sci(acDrift)); final misalignment \(Self.sci(right.misalignment))"))
        out.checks.append(Self.lastSingularValueCheck(s, rightCurves, bSim: bSim, halfR: halfR, initialVelocity: initialVelocity))
        return rightCurves
    }

    /// Claim: a larger last SV rises faster even if it converges lower (inverse-exponential vs exponential, same δ).
    static func lastSingularValueCheck(_ s: Fig2Settings, _ rightCurves: [Fig2RightCurve], bSim: [[Double]], halfR: [Double],
                                       initialVelocity: [Double]) -> ClaimCheck {
        let nR = s.rightDeltas.count
        var pairOK = true, pairText: [String] = []
        for j in 0..<nR {
            let inv = nR + j, ex = 2 * nR + j
            let early = zip(bSim[inv], bSim[ex]).contains { $0 > $1 + 1e-12 }
            let lower = bSim[inv].last! < bSim[ex].last!
            let faster = halfR[inv] < halfR[ex] && initialVelocity[inv] > initialVelocity[ex]
            pairOK = pairOK && early && lower && faster && rightCurves[inv].s.last! > rightCurves[ex].s.last!
            pairText.append("δ=\(Self.fmt(s.rightDeltas[j])): s_T \(Self.fmt(rightCurves[inv].s.last!)) vs \(Self.fmt(rightCurves[ex].s.last!)), "
                + "db/dt(b₀) \(Self.fmt(initialVelocity[inv])) vs \(Self.fmt(initialVelocity[ex])), half-way at step \(Self.stepText(halfR[inv])) vs \(Self.stepText(halfR[ex])), "
                + "final b \(Self.fmt(bSim[inv].last!)) vs \(Self.fmt(bSim[ex].last!))")
        }
        return ClaimCheck(
            claim: "A curve with a larger last SV rises faster even if it converges lower (inverse-exponential λ^{T−t} vs exponential λ^t)",
            holds: pairOK, evidence: pairText.joined(separator: "; "))
    }

    // MARK: figure

    /// The two panels: simulation solid, theory dashed (Eq. 47 left; Taylor and RK4 right).
    static func figure(_ s: Fig2Settings, left leftCurves: [Fig2LeftCurve], right rightCurves: [Fig2RightCurve]) -> FigureSpec {
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
        return FigureSpec(title: "Fig. 2 — mode dynamics with the other mode frozen (T = \(s.T), λ = \(Self.fmt(s.lambda)))", columns: 2, panels: [
            Panel(title: "input–output mode ac, b frozen", xLabel: "training step", yLabel: "ac", content: .lines(leftSeries)),
            Panel(title: "recurrent mode b, a and c frozen", xLabel: "training step", yLabel: "b", content: .lines(rightSeries)),
        ])
    }
}
