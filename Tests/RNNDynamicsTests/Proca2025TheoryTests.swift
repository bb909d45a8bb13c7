import Foundation
import Numerics
import Testing
@testable import Proca2025
@testable import Tasks
@testable import Theory

/// A small deterministic generator (SplitMix64) for random test points.
private struct SplitMix {
    var state: UInt64
    mutating func next() -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Double(z >> 11) / Double(1 << 53)
    }
    mutating func uniform(_ lo: Double, _ hi: Double) -> Double { lo + (hi - lo) * next() }
}

/// Relative error with an absolute floor of 1.
private func relErr(_ x: Double, _ y: Double) -> Double { abs(x - y) / max(1, abs(y)) }

@Suite struct Proca2025TheoryTests {
    // MARK: - Test vectors of spec §14.2: Eq. 47

    static let eq47S = [0.3, 0.5, 1.0, 0.2]

    @Test func eq47ClosedFormMatchesSpecVectors() {
        let sol = Proca2025.FrozenRecurrenceSolution(singularValues: Self.eq47S, b: 0.6, initialValue: 0.01)
        #expect(abs(sol.value(at: 2) - 0.3357) < 1e-4)
        #expect(abs(sol.value(at: 5) - 0.6788) < 1e-4)
        #expect(abs(sol.fixedPoint - 0.68009) < 1e-5)
        #expect(sol.value(at: 0) == 0.01)
        // Eq. 46 inverts Eq. 47.
        let u3 = sol.value(at: 3)
        #expect(abs(sol.time(toReach: u3)! - 3) < 1e-10)
        #expect(sol.time(toReach: 0.7) == nil)  // beyond u*
    }

    @Test func eq47MatchesEulerAndRK4OfTheFrozenBFlow() {
        let flow = Proca2025.ModeFlow(singularValues: Self.eq47S, frozen: .recurrent)
        let start = Proca2025.Mode(a: 0.1, b: 0.6, c: 0.1)
        let sol = Proca2025.FrozenRecurrenceSolution(flow: flow, mode: start)
        let rk4 = FixedStepIntegrator(.rk4, stepSize: 0.01).solve(flow, initial: start.state, outputTimes: [2, 5])
        for (j, t) in [2.0, 5.0].enumerated() {
            let r = Proca2025.Mode(state: rk4.states[j])
            #expect(r.b == 0.6)
            #expect(abs(r.u - sol.value(at: t)) < 1e-9)
        }
        // Euler (= GD) converges to the closed form at first order. The spec's "simulated u(2) = 0.33550"
        // is reproduced by step 0.001; step 0.01 gives 0.33374 (first-order error ≈ 2e−3).
        var errors: [Double] = []
        for h in [0.01, 0.005, 0.001] {
            let euler = FixedStepIntegrator(.euler, stepSize: h).solve(flow, initial: start.state, outputTimes: [2, 5])
            let e2 = Proca2025.Mode(state: euler.states[0]).u, e5 = Proca2025.Mode(state: euler.states[1]).u
            #expect(abs(e2 - sol.value(at: 2)) < 0.25 * h, "Euler step \(h): u(2) = \(e2)")
            #expect(abs(e5 - sol.value(at: 5)) < 1e-2 * h)
            if h == 0.001 { #expect(abs(e2 - 0.33550) < 1e-5) }
            errors.append(abs(e2 - sol.value(at: 2)))
        }
        #expect(errors[0] / errors[1] > 1.8 && errors[0] / errors[1] < 2.2)
    }

    @Test(arguments: [0.5, -0.3, 2.0, 1e-3])
    func lambdaBalancedClosedFormMatchesRK4(lambda: Double) {
        // a² − c² = λ and ac = u₀: a² = (sqrt(λ² + 4u₀²) + λ)/2.
        for u0 in [0.01, -0.05, 0.4] {
            let a = ((lambda * lambda + 4 * u0 * u0).squareRoot() + lambda).squareRoot() / 2.0.squareRoot()
            let start = Proca2025.Mode(a: a, b: 0.6, c: u0 / a)
            #expect(abs(start.imbalance - lambda) < 1e-14)
            let flow = Proca2025.ModeFlow(singularValues: Self.eq47S, frozen: .recurrent)
            let sol = Proca2025.FrozenRecurrenceSolution(flow: flow, mode: start)
            let times = [0.5, 2.0, 5.0, 12.0]
            let rk4 = FixedStepIntegrator(.rk4, stepSize: 0.005).solve(flow, initial: start.state, outputTimes: times)
            // The scalar ODE τ du/dt = sqrt(λ² + 4u²)(A − Bu) integrated directly.
            let scalar = ClosureVectorField(dimension: 1) { _, y, dydt in dydt[0] = sol.velocity(y[0]) }
            let rk4u = FixedStepIntegrator(.rk4, stepSize: 0.005).solve(scalar, initial: [u0], outputTimes: times)
            for (j, t) in times.enumerated() {
                let closed = sol.value(at: t)
                #expect(abs(Proca2025.Mode(state: rk4.states[j]).u - closed) < 1e-9, "λ \(lambda), u0 \(u0), t \(t)")
                #expect(abs(rk4u.states[j][0] - closed) < 1e-9)
                // Time-to-learn inverts u(t) (away from u(0) and u*, where the inverse is ill-conditioned).
                if abs(closed - u0) > 1e-3, abs(closed - sol.fixedPoint) > 1e-3 {
                    let back = sol.time(toReach: closed)
                    #expect(back != nil && abs(back! - t) < 1e-8 * max(1, t), "time-to-learn inverse, λ \(lambda), u0 \(u0), t \(t)")
                }
            }
            #expect(abs(sol.value(at: 200) - sol.fixedPoint) < 1e-9)
        }
    }

    @Test func frozenBSolutionForTheAutoregressiveReadout() {
        let s = SingularValueProfile.inverseExponential(delta: 0.8, lambda: 0.6).autoregressiveSingularValues(length: 4)
        let flow = Proca2025.ModeFlow(autoregressive: s, frozen: .recurrent)
        let start = Proca2025.Mode(a: 0.3, b: 0.4, c: 0.1)
        let sol = Proca2025.FrozenRecurrenceSolution(flow: flow, mode: start)
        let rk4 = FixedStepIntegrator(.rk4, stepSize: 0.002).solve(flow, initial: start.state, outputTimes: [1, 3])
        #expect(abs(Proca2025.Mode(state: rk4.states[0]).u - sol.value(at: 1)) < 1e-9)
        #expect(abs(Proca2025.Mode(state: rk4.states[1]).u - sol.value(at: 3)) < 1e-9)
    }

    // MARK: - Zero-loss optima (spec §4.1, §14.2)

    @Test(arguments: [
        (SingularValueProfile.constant(delta: 1), 1.0, 1.0),
        (SingularValueProfile.inverseExponential(delta: 1, lambda: 0.7), 0.7, 1.0),
        (SingularValueProfile.exponential(delta: 1, lambda: 0.8), 1.25, 0.32768),
    ])
    func optimaAtT5AreReachedByGradientFlow(family: SingularValueProfile, bStar: Double, acStar: Double) {
        let flow = Proca2025.ModeFlow(singularValues: family.singularValues(length: 5))
        let times = [1.0, 5, 20, 60]
        for (method, h) in [(FixedStepMethod.euler, 0.01), (.rk4, 0.02)] {
            let sol = FixedStepIntegrator(method, stepSize: h).solve(flow, initial: Proca2025.Mode.uniform(0.1).state, outputTimes: times)
            for state in sol.states { #expect(abs(Proca2025.Mode(state: state).imbalance) <= 1e-10) }
            let m = Proca2025.Mode(state: sol.finalState)
            #expect(abs(m.b - bStar) < 1e-6, "\(family) \(method): b = \(m.b)")
            #expect(abs(m.u - acStar) < 1e-6, "\(family) \(method): ac = \(m.u)")
            #expect(flow.energy(m) < 1e-12)
        }
        let opt = family.zeroLossOptimum(length: 5)!
        #expect(abs(opt.b - bStar) < 1e-12 && abs(opt.ac - acStar) < 1e-12)
    }

    @Test func stabilityOfTheOptima() {
        #expect(SingularValueProfile.constant(delta: 1.3).zeroLossOptimum(length: 5)!.stability == .marginal)
        #expect(SingularValueProfile.inverseExponential(delta: 1, lambda: 0.7).zeroLossOptimum(length: 5)!.stability == .stable)
        #expect(SingularValueProfile.inverseExponential(delta: 1, lambda: 1.2).zeroLossOptimum(length: 5)!.stability == .unstable)
        #expect(SingularValueProfile.exponential(delta: 1, lambda: 0.8).zeroLossOptimum(length: 5)!.stability == .unstable)
        #expect(SingularValueProfile.exponential(delta: 1, lambda: 1.25).zeroLossOptimum(length: 5)!.stability == .stable)
        #expect(Proca2025.Stability(b: -1.0) == .marginal)
        #expect(Proca2025.Stability(b: Complex(length: 1, phase: 0.3)) == .marginal)
        #expect(Proca2025.Stability(b: Complex(length: 1.05, phase: 0.3)) == .unstable)
    }

    @Test func generalZeroLossFinder() {
        let inv = SingularValueProfile.inverseExponential(delta: 0.9, lambda: 1.3)
        let o = Proca2025.zeroLossOptimum(.final(inv.singularValues(length: 6)))!
        #expect(relErr(o.b, 1.3) < 1e-12 && relErr(o.ac, 0.9) < 1e-12)
        // App. M.3: the autoregressive inverse-exponential task δλ^{t−i} has the same optimum.
        let ar = Proca2025.zeroLossOptimum(.autoregressive(inv.autoregressiveSingularValues(length: 6)))!
        #expect(relErr(ar.b, 1.3) < 1e-12 && relErr(ar.ac, 0.9) < 1e-12)
        // Exponential targets are inverse-exponential at fixed T.
        let ex = Proca2025.zeroLossOptimum(.final(SingularValueProfile.exponential(delta: 2, lambda: 0.8).singularValues(length: 5)))!
        #expect(relErr(ex.b, 1.25) < 1e-12 && relErr(ex.ac, 2 * pow(0.8, 5)) < 1e-12)
        // …but the autoregressive exponential task has none (each row needs a different ac).
        #expect(Proca2025.zeroLossOptimum(.autoregressive(SingularValueProfile.exponential(delta: 2, lambda: 0.8).autoregressiveSingularValues(length: 5))) == nil)
        // Modified tasks: no zero-loss solution unless κ matches the family.
        #expect(SingularValueProfile.twoDirac(beta: 1, kappa: 1).zeroLossOptimum(length: 4) == nil)
        #expect(SingularValueProfile.lastStep(.constant(delta: 1), kappa: 0.5).zeroLossOptimum(length: 4) == nil)
        let matched = SingularValueProfile.lastStep(.inverseExponential(delta: 1, lambda: 0.7), kappa: 1).zeroLossOptimum(length: 4)!
        #expect(relErr(matched.b, 0.7) < 1e-12 && relErr(matched.ac, 1) < 1e-12)
    }

    // MARK: - Complex optima (spec §8.2, §14.2)

    @Test func complexOptimaAtT6() throws {
        let phase = Double.pi / 6
        let cases: [(Proca2025.ComplexFamily, Complex<Double>, Complex<Double>)] = [
            (.inverseExponential(delta: 1, lambda: Complex(length: 0.9, phase: phase)), Complex(length: 0.9, phase: phase), 1),
            (.exponential(delta: 1, lambda: Complex(length: 1.05, phase: phase)), Complex(length: 1 / 1.05, phase: -phase),
             Complex(length: pow(1.05, 6), phase: 6 * phase)),
            (.constant(delta: Complex(length: 0.7, phase: phase)), 1, Complex(length: 0.7, phase: phase)),
        ]
        for (family, bStar, acStar) in cases {
            let flow = Proca2025.ComplexModeFlow(eigenvalues: family.eigenvalues(length: 6))
            let sol = try DormandPrince54(relativeTolerance: 1e-10, absoluteTolerance: 1e-12)
                .solve(flow, initial: Proca2025.ComplexMode.uniform(Complex(0.1)).state, outputTimes: [60])
            let m = Proca2025.ComplexMode(state: sol.finalState)
            #expect((m.b - bStar).length < 1e-6, "\(family): b = \(m.b)")
            #expect((m.u - acStar).length < 1e-6, "\(family): ac = \(m.u)")
            let opt = family.zeroLossOptimum(length: 6)
            #expect((opt.b - bStar).length < 1e-12 && (opt.ac - acStar).length < 1e-12)
        }
        // λ⁶ ≈ −1.3401 (spec).
        #expect(abs(cases[1].2.real + 1.3401) < 1e-4)
        // Euler (GD) agrees for one case.
        let f = Proca2025.ComplexFamily.inverseExponential(delta: 1, lambda: Complex(length: 0.9, phase: phase))
        let m = Proca2025.ComplexModeFlow(eigenvalues: f.eigenvalues(length: 6)).integrate(from: .uniform(Complex(0.1)), to: 40, stepSize: 0.01,
                                                                                   method: .euler)
        #expect((m.b - Complex(length: 0.9, phase: phase)).length < 1e-6)
    }

    // MARK: - Fig. A1 learning-speed ordering (spec §3.6, §14.2)

    @Test func figA1OrderingAtT7() {
        let orange = Proca2025.ModeFlow(singularValues: SingularValueProfile.inverseExponential(delta: 1.1, lambda: 0.5).singularValues(length: 7))
        let blue = Proca2025.ModeFlow(singularValues: SingularValueProfile.inverseExponential(delta: 0.5, lambda: 1.1).singularValues(length: 7))
        let nOrange = Proca2025.LearningSpeed.stepsToLossReduction(orange, from: .uniform(0.1), fraction: 0.9, stepSize: 0.01)!
        let nBlue = Proca2025.LearningSpeed.stepsToLossReduction(blue, from: .uniform(0.1), fraction: 0.9, stepSize: 0.01)!
        #expect(abs(Double(nOrange) - 233) <= 0.05 * 233, "orange: \(nOrange)")
        #expect(abs(Double(nBlue) - 378) <= 0.05 * 378, "blue: \(nBlue)")
        #expect(nOrange < nBlue)
    }

    // MARK: - Landau analysis (spec §6.3, §14.2)

    @Test func landauCriticalPoints() throws {
        let t3 = try #require(Proca2025.LandauAnalysis(length: 3).criticalPoint())
        #expect(abs(t3.criticalBeta - 1 / 2.0.squareRoot()) < 1e-3)
        #expect(t3.order == .continuous)
        let t4 = try #require(Proca2025.LandauAnalysis(length: 4).criticalPoint())
        #expect(abs(t4.criticalBeta - 1.00) < 1e-2)
        #expect(t4.order == .jump)
        #expect(abs(t4.minimumAbove.b) > 0.5)
    }

    @Test func landauEnergyIsTheMinimisedModeEnergy() {
        let analysis = Proca2025.LandauAnalysis(length: 5)
        for beta in [0.6, 1.3] {
            let flow = Proca2025.ModeFlow(singularValues: analysis.singularValues(beta: beta))
            for b in [-1.4, 0, 0.5, 1, 2.2] {
                let u = analysis.optimalInputOutput(b: b, beta: beta)
                #expect(relErr(analysis.effectiveEnergy(b: b, beta: beta), flow.energy(Proca2025.Mode(a: u, b: b, c: 1))) < 1e-12)
                // u* is stationary: the a-gradient at c = 1 is ∂E/∂u.
                #expect(abs(flow.gradient(Proca2025.Mode(a: u, b: b, c: 1)).a) < 1e-10)
            }
            let trivial = analysis.trivialBranch(beta: beta)
            #expect(relErr(trivial.energy, analysis.effectiveEnergy(b: 0, beta: beta)) < 1e-12)
            #expect(trivial.u == 1 / beta)
        }
        // Well below β_c the global minimum is trivial; well above it is not.
        #expect(Proca2025.LandauAnalysis(length: 3).globalMinimum(beta: 0.5).isTrivial)
        #expect(!Proca2025.LandauAnalysis(length: 3).globalMinimum(beta: 0.9).isTrivial)
    }

    // MARK: - Local recurrent solution (App. D)

    @Test func faaDiBrunoMatchesExplicitEqs53To57() {
        var rng = SplitMix(state: 42)
        for _ in 0..<20 {
            let g = (0..<5).map { _ in rng.uniform(-2, 2) }
            let general = Proca2025.LocalRecurrentSolution.timeDerivatives(gDerivatives: g, order: 5)
            let explicit = Proca2025.LocalRecurrentSolution.explicitTimeDerivatives(gDerivatives: g)
            for n in 0..<5 { #expect(relErr(general[n], explicit[n]) < 1e-12, "order \(n + 1)") }
        }
        let x = [0.3, -1.2, 2.5, 0.7]
        #expect(relErr(Proca2025.BellPolynomials.partial(n: 3, k: 2, x), 3 * x[0] * x[1]) < 1e-14)
        #expect(relErr(Proca2025.BellPolynomials.partial(n: 4, k: 2, x), 4 * x[0] * x[2] + 3 * x[1] * x[1]) < 1e-14)
        #expect(relErr(Proca2025.BellPolynomials.partial(n: 4, k: 4, x), pow(x[0], 4)) < 1e-14)
        #expect(Proca2025.BellPolynomials.partial(n: 3, k: 0, x) == 0)
    }

    @Test func gDerivativesMatchTheFlowAndFiniteDifferences() {
        let s = [0.4, 1.1, 0.6, 0.9, 0.3, 1.0]
        for flow in [Proca2025.ModeFlow(singularValues: s, frozen: .inputOutput),
                     Proca2025.ModeFlow(autoregressive: (1...4).map { t in (1...t).map { 0.2 * Double($0) + 0.1 * Double(t) } },
                                frozen: .inputOutput)] {
            let local = Proca2025.LocalRecurrentSolution(flow: flow, inputOutput: 0.8)
            for b in [-0.7, 0.2, 0.9, 1.3] {
                let m = Proca2025.Mode(a: 0.8, b: b, c: 1)
                #expect(relErr(local.velocity(at: b), flow.velocity(m).b) < 1e-12)
                let g = local.gDerivatives(at: b, through: 4)
                let h = 1e-4
                for order in 1...4 {
                    let up = local.gDerivatives(at: b + h, through: order - 1)[order - 1]
                    let dn = local.gDerivatives(at: b - h, through: order - 1)[order - 1]
                    #expect(relErr(g[order], (up - dn) / (2 * h)) < 1e-6, "G^(\(order)) at b = \(b)")
                }
            }
        }
    }

    @Test func windowedTaylorConvergesToRK4() {
        let s = SingularValueProfile.inverseExponential(delta: 1, lambda: 0.7).singularValues(length: 5)
        let flow = Proca2025.ModeFlow(singularValues: s, frozen: .inputOutput)
        let start = Proca2025.Mode(a: 1, b: 0.1, c: 1)
        let times = [0.5, 1.5, 4.0]
        let reference = FixedStepIntegrator(.rk4, stepSize: 1e-3).solve(flow, initial: start.state, outputTimes: times)
            .states.map { $0[1] }
        let local = Proca2025.LocalRecurrentSolution(flow: flow, inputOutput: 1)
        var errors: [Double] = []
        for window in [0.1, 0.05, 0.025, 0.0125] {
            let taylor = Proca2025.WindowedTaylorIntegrator(window: window, order: 5).solve(local, initial: 0.1, outputTimes: times)
            errors.append(zip(taylor, reference).map { abs($0 - $1) }.max()!)
        }
        for j in 1..<errors.count { #expect(errors[j] < errors[j - 1]) }
        // Order-5 windows: the global error falls like Δ⁵ once asymptotic (≥ 16× per halving here).
        #expect(errors[2] / errors[3] > 16, "order-5 windows should shrink the error fast: \(errors)")
        #expect(errors.last! < 1e-9)
        // A first-order window (plain Euler on G) converges only linearly.
        let e1 = [0.02, 0.01].map { w in
            abs(Proca2025.WindowedTaylorIntegrator(window: w, order: 1).solve(local, initial: 0.1, outputTimes: [1.5])[0] - reference[1])
        }
        #expect(e1[0] / e1[1] > 1.7 && e1[0] / e1[1] < 2.3)
        // b approaches the optimum λ = 0.7 with ac = δ = 1 frozen.
        #expect(abs(reference.last! - 0.7) < 0.05)
    }

    // MARK: - Gradients against finite differences

    @Test func realGradientsMatchFiniteDifferences() {
        var rng = SplitMix(state: 7)
        let final = Proca2025.ModeFlow(singularValues: (0..<6).map { _ in rng.uniform(-1, 1.5) })
        let ar = Proca2025.ModeFlow(autoregressive: (1...5).map { t in (0..<t).map { _ in rng.uniform(-1, 1.5) } })
        for flow in [final, ar] {
            for _ in 0..<5 {
                let m = Proca2025.Mode(a: rng.uniform(-1, 1), b: rng.uniform(-1.2, 1.2), c: rng.uniform(-1, 1))
                let g = flow.gradient(m), h = 1e-6
                let fd = [
                    (flow.energy(Proca2025.Mode(a: m.a + h, b: m.b, c: m.c)) - flow.energy(Proca2025.Mode(a: m.a - h, b: m.b, c: m.c))) / (2 * h),
                    (flow.energy(Proca2025.Mode(a: m.a, b: m.b + h, c: m.c)) - flow.energy(Proca2025.Mode(a: m.a, b: m.b - h, c: m.c))) / (2 * h),
                    (flow.energy(Proca2025.Mode(a: m.a, b: m.b, c: m.c + h)) - flow.energy(Proca2025.Mode(a: m.a, b: m.b, c: m.c - h))) / (2 * h),
                ]
                for (x, y) in zip([g.a, g.b, g.c], fd) { #expect(relErr(x, y) < 1e-7, "\(flow.readout)") }
                let v = flow.velocity(m)
                #expect(v == Proca2025.Mode(a: -g.a, b: -g.b, c: -g.c))
                #expect(flow.derivative(at: 0, m.state) == v.state)
            }
        }
    }

    @Test func realFlowsMatchTheExplicitEquations() {
        // Eqs. 5–7 written term by term (final), and the App. M sums (autoregressive).
        let s = [0.3, 0.5, 1.0, 0.2]
        let m = Proca2025.Mode(a: 0.4, b: 0.7, c: -0.3)
        var da = 0.0, db = 0.0, dc = 0.0
        let T = s.count
        for i in 1...T {
            let k = T - i, r = s[i - 1] - m.c * pow(m.b, Double(k)) * m.a
            da += m.c * pow(m.b, Double(k)) * r
            dc += m.a * pow(m.b, Double(k)) * r
            if k >= 1 { db += Double(k) * m.c * m.a * pow(m.b, Double(k - 1)) * r }
        }
        let v = Proca2025.ModeFlow(singularValues: s).velocity(m)
        #expect(relErr(v.a, da) < 1e-14 && relErr(v.b, db) < 1e-14 && relErr(v.c, dc) < 1e-14)
        let sar: [[Double]] = [[0.5], [0.2, 0.9], [0.1, 0.4, 1.1]]
        var ea = 0.0, eb = 0.0, ec = 0.0, energy = 0.0
        for t in 1...3 {
            for i in 1...t {
                let k = t - i, r = sar[t - 1][i - 1] - m.c * pow(m.b, Double(k)) * m.a
                energy += 0.5 * r * r
                ea += m.c * pow(m.b, Double(k)) * r
                ec += m.a * pow(m.b, Double(k)) * r
                if k >= 1 { eb += Double(k) * m.c * m.a * pow(m.b, Double(k - 1)) * r }
            }
        }
        let arFlow = Proca2025.ModeFlow(autoregressive: sar)
        let w = arFlow.velocity(m)
        #expect(relErr(w.a, ea) < 1e-14 && relErr(w.b, eb) < 1e-14 && relErr(w.c, ec) < 1e-14)
        #expect(relErr(arFlow.energy(m), energy) < 1e-14)
        // Frozen variants zero exactly the frozen components.
        let fb = Proca2025.ModeFlow(singularValues: s, frozen: .recurrent).velocity(m)
        #expect(fb.b == 0 && fb.a == v.a && fb.c == v.c)
        let fac = Proca2025.ModeFlow(singularValues: s, frozen: .inputOutput).velocity(m)
        #expect(fac.a == 0 && fac.c == 0 && fac.b == v.b)
        #expect(Proca2025.ModeFlow(singularValues: s, frozen: .inputOutput).derivative(at: 0, m.state) == fac.state)
    }

    @Test func complexGradientsMatchFiniteDifferencesAndEqs182To184() {
        var rng = SplitMix(state: 11)
        func rc() -> Complex<Double> { Complex(rng.uniform(-1, 1), rng.uniform(-1, 1)) }
        let d = (0..<5).map { _ in rc() }
        let final = Proca2025.ComplexModeFlow(eigenvalues: d)
        let ar = Proca2025.ComplexModeFlow(autoregressive: (1...4).map { t in (0..<t).map { _ in rc() } })
        for flow in [final, ar] {
            for _ in 0..<4 {
                let m = Proca2025.ComplexMode(a: rc(), b: rc(), c: rc())
                let g = flow.realGradient(m), w = flow.wirtingerGradient(m)
                let h = 1e-6
                var x = m.state
                var fd = [Double](repeating: 0, count: 6)
                for j in 0..<6 {
                    x[j] += h; let ep = flow.energy(Proca2025.ComplexMode(state: x))
                    x[j] -= 2 * h; let em = flow.energy(Proca2025.ComplexMode(state: x))
                    x[j] += h
                    fd[j] = (ep - em) / (2 * h)
                }
                for (j, z) in [g.a, g.b, g.c].enumerated() {
                    #expect(relErr(z.real, fd[2 * j]) < 1e-7 && relErr(z.imaginary, fd[2 * j + 1]) < 1e-7, "\(flow.readout)")
                }
                // Wirtinger: ∂E/∂z̄ = ½ (∂E/∂x + i ∂E/∂y); the flow is −2 ∂E/∂z̄ (spec erratum 6).
                #expect((w.a.multiplied(by: 2) - g.a).length < 1e-14 * max(1, g.a.length))
                let v = flow.velocity(m)
                #expect(v == Proca2025.ComplexMode(a: -g.a, b: -g.b, c: -g.c))
                #expect(flow.derivative(at: 0, m.state) == v.state)
            }
        }
        // Eqs. 182–184 term by term, final readout.
        let m = Proca2025.ComplexMode(a: Complex(0.3, -0.2), b: Complex(0.6, 0.4), c: Complex(-0.5, 0.1))
        var da = Complex<Double>.zero, db = Complex<Double>.zero, dc = Complex<Double>.zero
        let T = d.count
        func pw(_ z: Complex<Double>, _ n: Int) -> Complex<Double> { (0..<n).reduce(Complex<Double>(1)) { acc, _ in acc * z } }
        for i in 1...T {
            let k = T - i, r = d[i - 1] - m.c * pw(m.b, k) * m.a
            da += pw(m.b.conjugate, k) * m.c.conjugate * r
            dc += m.a.conjugate * pw(m.b.conjugate, k) * r
            if k >= 1 { db += (m.c.conjugate * m.a.conjugate * pw(m.b.conjugate, k - 1) * r).multiplied(by: Double(k)) }
        }
        let v = final.velocity(m)
        #expect((v.a - da).length < 1e-13 && (v.b - db).length < 1e-13 && (v.c - dc).length < 1e-13)
        // Real data reduce to the real flow.
        let s = [0.3, 0.5, 1.0, 0.2]
        let real = Proca2025.ModeFlow(singularValues: s).velocity(Proca2025.Mode(a: 0.4, b: 0.7, c: -0.3))
        let cplx = Proca2025.ComplexModeFlow(eigenvalues: s.map { Complex($0) }).velocity(Proca2025.ComplexMode(a: Complex(0.4), b: Complex(0.7), c: Complex(-0.3)))
        #expect(abs(cplx.a.real - real.a) < 1e-15 && abs(cplx.b.real - real.b) < 1e-15 && abs(cplx.c.real - real.c) < 1e-15)
        #expect(cplx.a.imaginary == 0 && cplx.b.imaginary == 0 && cplx.c.imaginary == 0)
    }

    // MARK: - Energy split (Eq. 9 / Lemma 3.2, Eq. 159)

    @Test func regulariserClosedFormsEqualExplicitSums() {
        for T in [1, 2, 5, 9] {
            for b in [0, 0.3, -0.7, 0.995, 1, -1, 1.004, -1.2, 1.5] {
                var fin = 0.0, ar = 0.0
                for t in 1...T { for i in 1...t { ar += pow(b, Double(2 * (t - i))) } }
                for i in 1...T { fin += pow(b, Double(2 * (T - i))) }
                let cf = Proca2025.regulariserFactor(b: b, length: T, readout: .final)
                let ca = Proca2025.regulariserFactor(b: b, length: T, readout: .autoregressive)
                #expect(relErr(cf, fin) < 1e-12 * max(1, fin), "final T \(T) b \(b)")
                #expect(abs(ca - ar) <= 1e-12 * max(1, ar), "AR T \(T) b \(b)")
            }
            // The b² = 1 limits exactly.
            for b in [1.0, -1.0] {
                #expect(Proca2025.regulariserFactor(b: b, length: T, readout: .final) == Double(T))
                #expect(Proca2025.regulariserFactor(b: b, length: T, readout: .autoregressive) == Double(T * (T + 1) / 2))
            }
        }
    }

    @Test func energySplitSumsToTheEnergy() {
        let fam = SingularValueProfile.lastStep(.constant(delta: 0.6), kappa: 1)
        let final = Proca2025.ModeFlow(singularValues: fam.singularValues(length: 6))
        let ar = Proca2025.ModeFlow(autoregressive: fam.autoregressiveSingularValues(length: 6))
        for flow in [final, ar] {
            for m in [Proca2025.Mode(a: 0.4, b: 0.7, c: 0.9), Proca2025.Mode(a: 1, b: 1, c: 0.5), Proca2025.Mode(a: -0.3, b: -1, c: 0.8),
                      Proca2025.Mode(a: 0.2, b: 1.3, c: 0.2)] {
                let split = flow.energySplit(m)
                #expect(relErr(split.total, flow.energy(m)) < 1e-12)
                #expect(relErr(split.regulariser, 0.5 * m.u * m.u * flow.recurrenceGain(b: m.b)) < 1e-14)
            }
        }
        // At b = ±1 the final regulariser is ½ u² T.
        #expect(relErr(final.energySplit(Proca2025.Mode(a: 0.5, b: -1, c: 0.8)).regulariser, 0.5 * 0.16 * 6) < 1e-14)
        let cflow = Proca2025.ComplexModeFlow(eigenvalues: Proca2025.ComplexFamily.constant(delta: Complex(0.4, 0.3)).eigenvalues(length: 5))
        let cm = Proca2025.ComplexMode(a: Complex(0.5, 0.2), b: Complex(0.3, 0.8), c: Complex(-0.4, 0.1))
        #expect(relErr(cflow.energySplit(cm).total, cflow.energy(cm)) < 1e-12)
    }

    // MARK: - Extrapolation (§4.3)

    @Test func extrapolationErrors() {
        let fam = SingularValueProfile.exponential(delta: 1.2, lambda: 0.8)
        let opt = fam.zeroLossOptimum(length: 5)!
        let trained = Proca2025.Mode(a: opt.ac, b: opt.b, c: 1)
        for Tp in [2, 5, 8, 20] {
            let general = Proca2025.Extrapolation.energy(of: trained, family: fam, testLength: Tp)
            let closed = Proca2025.Extrapolation.exponentialEnergy(delta: 1.2, lambda: 0.8, trainLength: 5, testLength: Tp)
            #expect(abs(general - closed) < 1e-12 * max(1, closed))
            #expect((Tp == 5) == (closed < 1e-20))
        }
        // Mean integration: s_t = 1/T′ at length T′, trained b = 1, ac = 1/T.
        let meanTrained = Proca2025.Mode(a: 0.25, b: 1, c: 1)
        for Tp in [4, 50, 100] {
            let general = Proca2025.Extrapolation.energy(of: meanTrained, family: .constant(delta: 1 / Double(Tp)), testLength: Tp)
            #expect(abs(general - Proca2025.Extrapolation.meanTaskEnergy(trainLength: 4, testLength: Tp)) < 1e-12)
        }
        // Sum integration, inverse-exponential and constant optima extrapolate with zero error.
        let inv = SingularValueProfile.inverseExponential(delta: 0.9, lambda: 0.6)
        let invOpt = inv.zeroLossOptimum(length: 4)!
        #expect(Proca2025.Extrapolation.energy(of: Proca2025.Mode(a: invOpt.ac, b: invOpt.b, c: 1), family: inv, testLength: 30) < 1e-24)
        #expect(Proca2025.Extrapolation.energy(of: Proca2025.Mode(a: invOpt.ac, b: invOpt.b, c: 1), family: inv, testLength: 30,
                                       readout: .autoregressive) < 1e-24)
        let cinv = Proca2025.ComplexFamily.inverseExponential(delta: Complex(0.5, 0.5), lambda: Complex(length: 0.9, phase: 0.4))
        let copt = cinv.zeroLossOptimum(length: 6)
        #expect(Proca2025.Extrapolation.energy(of: Proca2025.ComplexMode(a: copt.ac, b: copt.b, c: 1), family: cinv, testLength: 25) < 1e-24)
    }
}
