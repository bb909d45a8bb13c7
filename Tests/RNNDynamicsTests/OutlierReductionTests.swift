import Foundation
import Testing
@testable import Theory

/// ∫₀^T f by composite Simpson with `n` (even) panels.
private func simpson(_ f: (Double) -> Double, upTo T: Double, panels n: Int = 20000) -> Double {
    let h = T / Double(n)
    var sum = f(0) + f(T)
    for i in 1..<n { sum += (i % 2 == 1 ? 4 : 2) * f(Double(i) * h) }
    return sum * h / 3
}

/// Eigenvalues of a real 2 × 2 column-major matrix with real spectrum, ascending.
private func realEigenvalues2(_ m: [Double]) -> (Double, Double) {
    let tr = m[0] + m[3], det = m[0] * m[3] - m[1] * m[2]
    let disc = (tr * tr / 4 - det).squareRoot()
    return (tr / 2 - disc, tr / 2 + disc)
}

/// Column-major finite-difference Jacobian of a field (central differences).
private func differencedJacobian<F: VectorField>(_ f: F, at y: [Double], step: Double = 1e-6) -> [Double] {
    let n = f.dimension
    var out = [Double](repeating: 0, count: n * n)
    for j in 0..<n {
        var plus = y, minus = y
        plus[j] += step; minus[j] -= step
        let fp = f.derivative(at: 0, plus), fm = f.derivative(at: 0, minus)
        for i in 0..<n { out[i + j * n] = (fp[i] - fm[i]) / (2 * step) }
    }
    return out
}

private let tight = DormandPrince54(relativeTolerance: 1e-12, absoluteTolerance: 1e-14)
private let tightRosenbrock = RosenbrockRodas3(relativeTolerance: 1e-12, absoluteTolerance: 1e-14, isAutonomous: true)

struct OutlierReductionTests {
    @Test func lossMatchesQuadratureAndItsDerivativesMatchDifferences() {
        let loss = OutlierLoss(targetRate: 0.3)
        for (a, kappa) in [(0.7, 0.9), (1.6, 0.25), (-0.4, 1.3)] {
            let direct = simpson({ t in let d = a * exp(-kappa * t) - exp(-0.3 * t); return 0.5 * d * d }, upTo: 120)
            #expect(abs(loss.value(residue: a, decay: kappa) - direct) < 1e-10)
            let g = loss.gradient(residue: a, decay: kappa), h = loss.hessian(residue: a, decay: kappa), e = 1e-6
            let ga = (loss.value(residue: a + e, decay: kappa) - loss.value(residue: a - e, decay: kappa)) / (2 * e)
            let gk = (loss.value(residue: a, decay: kappa + e) - loss.value(residue: a, decay: kappa - e)) / (2 * e)
            #expect(abs(g.residue - ga) < 1e-8 && abs(g.decay - gk) < 1e-8 * max(1, abs(gk)), "\(g) vs \(ga), \(gk)")
            let hak = (loss.gradient(residue: a, decay: kappa + e).residue
                       - loss.gradient(residue: a, decay: kappa - e).residue) / (2 * e)
            let hkk = (loss.gradient(residue: a, decay: kappa + e).decay
                       - loss.gradient(residue: a, decay: kappa - e).decay) / (2 * e)
            #expect(abs(h.residueDecay - hak) < 1e-7 * max(1, abs(hak)) && abs(h.decayDecay - hkk) < 1e-7 * max(1, abs(hkk)),
                    "\(h) vs \(hak), \(hkk)")
            #expect(h.residueResidue == 1 / (2 * kappa))
        }
        #expect(loss.value(residue: 1, decay: 0.3) == 0)
    }

    @Test func jacobiansMatchFiniteDifferences() {
        let unbalanced = OutlierSystem(targetRate: 0.2, rates: OutlierRates(readIn: 0.7, readOut: 1.9, decay: 1.3))
        for y in [[0.8, 1.3, 0.6], [-0.5, 0.9, 1.1]] {
            let exact = unbalanced.jacobianMatrix(at: 0, y), fd = differencedJacobian(unbalanced, at: y)
            #expect(zip(exact, fd).allSatisfy { abs($0 - $1) < 1e-6 }, "\(exact) vs \(fd)")
        }
        let balanced = BalancedOutlierSystem(targetRate: 0.2, rates: OutlierRates(readIn: 0.7, readOut: 1.9, decay: 1.3))
        for y in [[0.8, 0.6], [-0.3, 1.2]] {
            let exact = balanced.jacobianMatrix(at: 0, y), fd = differencedJacobian(balanced, at: y)
            #expect(zip(exact, fd).allSatisfy { abs($0 - $1) < 1e-6 }, "\(exact) vs \(fd)")
        }
    }

    @Test func fixedPointIsUniqueStableAndStiff() {
        // Stiffness at (1, c*): the fast eigenvalue is ≈ −34 at c* = 0.2 and ≈ −255 at c* = 0.1 (the spec's figures).
        for (c, fast) in [(0.2, -33.95), (0.1, -255.1)] {
            let system = BalancedOutlierSystem(targetRate: c)
            #expect(system.derivative(at: 0, system.fixedPoint).allSatisfy { abs($0) < 1e-12 })
            let (lo, hi) = realEigenvalues2(system.jacobianMatrix(at: 0, system.fixedPoint))
            #expect(hi < 0 && abs(lo - fast) < 0.05, "eigenvalues \(lo), \(hi)")
        }
        // Along the manifold ∂L/∂a = 0 and ∂L/∂κ = 0 meet only at κ = c*.
        let m = OutlierSlowManifold(targetRate: 0.2), loss = OutlierLoss(targetRate: 0.2)
        for kappa in stride(from: 0.05, through: 2.0, by: 0.05) where abs(kappa - 0.2) > 1e-9 {
            #expect(abs(loss.gradient(residue: m.residue(decay: kappa), decay: kappa).decay) > 1e-4)
        }
    }

    @Test func specRegressionAtTimeThree() throws {
        // Spec (second reading): c* = 0.2, a₀ = κ₀ = 1, t = 3: L ≈ 8.2247e-6 and λ = 1 − κ ≈ 0.79922 (exact integrator).
        let system = BalancedOutlierSystem(targetRate: 0.2)
        let dp = try tight.solve(system, initial: [1, 1], outputTimes: [3]).finalState
        let ros = try tightRosenbrock.solve(system, initial: [1, 1], outputTimes: [3]).finalState
        let loss = system.loss.value(residue: dp[0], decay: dp[1])
        #expect(abs(loss - 8.2247e-6) < 5e-10, "L(3) = \(loss)")
        #expect(abs((1 - dp[1]) - 0.79922) < 5e-6, "λ(3) = \(1 - dp[1])")
        #expect(abs(dp[0] - ros[0]) < 1e-9 && abs(dp[1] - ros[1]) < 1e-9)
    }

    @Test func unbalancedSystemConservesImbalanceAndReducesToTheBalancedSlice() throws {
        let rates = OutlierRates(readIn: 0.5, readOut: 2, decay: 1.5)
        let full = OutlierSystem(targetRate: 0.2, rates: rates)
        let start = full.balancedState(residue: 0.3, decay: 1)
        #expect(abs(full.imbalance(start)) < 1e-15 && abs(start[0] * start[1] - 0.3) < 1e-15)
        let times = [0.5, 2, 6]
        let a3 = try tight.solve(full, initial: start, outputTimes: times)
        let a2 = try tight.solve(BalancedOutlierSystem(targetRate: 0.2, rates: rates), initial: [0.3, 1], outputTimes: times)
        for j in times.indices {
            #expect(abs(a3.states[j][0] * a3.states[j][1] - a2.states[j][0]) < 1e-9)
            #expect(abs(a3.states[j][2] - a2.states[j][1]) < 1e-9)
        }
        let skewed = [1.2, 0.3, 1.0]
        let run = try tight.solve(full, initial: skewed, outputTimes: times)
        for s in run.states { #expect(abs(full.imbalance(s) - full.imbalance(skewed)) < 1e-9) }
        // Network mapping: readout 1/N with η_W = 1, η_u = η_v = N gives unit reduced rates.
        #expect(OutlierRates(etaW: 1, etaU: 60, etaV: 60, readoutScale: 1.0 / 60) == OutlierRates())
    }

    @Test func slowManifoldClosedForms() throws {
        for c in [0.5, 0.2, 0.05, 0.01] {
            let m = OutlierSlowManifold(targetRate: c), loss = OutlierLoss(targetRate: c)
            for kappa in [0.3, 0.9, 1.7] {
                let a = m.residue(decay: kappa)
                #expect(abs(loss.gradient(residue: a, decay: kappa).residue) < 1e-14)
                #expect(abs(loss.value(residue: a, decay: kappa) - m.loss(decay: kappa)) < 1e-12 * max(1, 1 / c))
                #expect(abs(m.velocity(decay: kappa) + loss.gradient(residue: a, decay: kappa).decay) < 1e-12)
            }
            // The closed-form time equals the integrated slow flow.
            let slow = ClosureVectorField(dimension: 1) { _, y, dydt in dydt[0] = m.velocity(decay: y[0]) }
            let crossing = try tight.firstCrossingTime(slow, initial: [1], component: 0, level: 1.1 * c, until: 20, scanStep: 0.05)
            #expect(abs(crossing! - m.time(from: 1, to: 1.1 * c)) < 1e-8)
            #expect(abs(m.decay(after: m.time(from: 1, to: 0.5 + c / 2), from: 1) - (0.5 + c / 2)) < 1e-12)
        }
        // Exact times to κ = 1.1c* (spec: 4.07, 1.17, 0.46, 0.35 — 1.1649 and 0.4548 round to 1.16 and 0.45).
        let times = [0.5, 0.2, 0.05, 0.01].map { OutlierSlowManifold(targetRate: $0).time(from: 1, to: 1.1 * $0) }
        for (t, expected) in zip(times, [4.065460, 1.164912, 0.454760, 0.354078]) { #expect(abs(t - expected) < 1e-6, "\(times)") }
    }

    @Test func fullSystemTimesAndEscapeDelays() throws {
        // Spec: full 2-D system from a₀ = κ₀ = 1 reaches κ = 1.1c* at 4.50, 1.61, 0.65, 0.44; a₀ = 1e-3 adds 1.8…2.9.
        let expected: [(c: Double, fromOne: Double, fromSmall: Double)] =
            [(0.5, 4.501456, 6.269848), (0.2, 1.609582, 4.444613), (0.05, 0.652868, 3.541781), (0.01, 0.444400, 3.336480)]
        for row in expected {
            let system = BalancedOutlierSystem(targetRate: row.c)
            for (a0, reference) in [(1.0, row.fromOne), (1e-3, row.fromSmall)] {
                let t = try tight.firstCrossingTime(system, initial: [a0, 1], component: 1, level: 1.1 * row.c,
                                                    until: 20, scanStep: 0.05)
                #expect(abs(t! - reference) < 2e-6, "c* = \(row.c), a₀ = \(a0): \(t!)")
            }
            let delay = row.fromSmall - row.fromOne
            #expect(delay > 1.7 && delay < 2.95)
        }
    }

    @Test func smallResidueGrowsAtTheLinearisedRate() throws {
        for c in [0.2, 0.05] {
            let system = BalancedOutlierSystem(targetRate: c)
            let run = try tight.solve(system, initial: [1e-9, 1], outputTimes: [1, 3])
            let measured = log(run.states[1][0] / run.states[0][0]) / 2
            let predicted = system.smallResidueGrowthRate(decay: 1)
            #expect(abs(predicted - 2 / (1 + c)) < 1e-15)
            #expect(abs(measured / predicted - 1) < 1e-6, "measured \(measured), predicted \(predicted)")
        }
    }

    @Test func oscillatorResidueManifoldIsExact() throws {
        let c = 0.2, omegaT = 1.5
        let manifold = OscillatorResidueManifold(targetRate: c, targetFrequency: omegaT)
        // Loss formula vs quadrature at an arbitrary residue and pole pair.
        let (p, q, kappa, omega) = (0.7, -0.4, 0.35, 1.1)
        let direct = simpson({ t in
            let d = exp(-kappa * t) * (p * cos(omega * t) + q * sin(omega * t)) - exp(-c * t) * cos(omegaT * t)
            return 0.5 * d * d
        }, upTo: 150, panels: 60000)
        #expect(abs(manifold.loss(p: p, q: q, decay: kappa, frequency: omega) - direct) < 1e-10)
        // The optimum is stationary, non-negative, and exact at the target pole pair.
        let x = manifold.optimalResidue(decay: kappa, frequency: omega)
        let e = 1e-6
        let dp = (manifold.loss(p: x.p + e, q: x.q, decay: kappa, frequency: omega)
                  - manifold.loss(p: x.p - e, q: x.q, decay: kappa, frequency: omega)) / (2 * e)
        let dq = (manifold.loss(p: x.p, q: x.q + e, decay: kappa, frequency: omega)
                  - manifold.loss(p: x.p, q: x.q - e, decay: kappa, frequency: omega)) / (2 * e)
        #expect(abs(dp) < 1e-8 && abs(dq) < 1e-8)
        #expect(abs(manifold.optimalLoss(decay: kappa, frequency: omega)
                    - manifold.loss(p: x.p, q: x.q, decay: kappa, frequency: omega)) < 1e-14)
        let atTarget = manifold.optimalResidue(decay: c, frequency: omegaT)
        #expect(abs(atTarget.p - 1) < 1e-12 && abs(atTarget.q) < 1e-12)
        #expect(abs(manifold.optimalLoss(decay: c, frequency: omegaT)) < 1e-14)
        for k in stride(from: 0.05, through: 1.5, by: 0.15) {
            for w in stride(from: 0.1, through: 3, by: 0.3) { #expect(manifold.optimalLoss(decay: k, frequency: w) > -1e-14) }
        }
    }

    @Test func nonNormalTwoByTwoBlockHasTheManifoldsImpulseResponse() throws {
        // A = M − I for a non-normal block M with a complex pair; g(t) = ρ vᵀ e^{At} u vs e^{−κt}(p cos ωt + q sin ωt).
        let m = [[0.4, 2.0], [-0.7, 0.9]]  // row-major M
        let a = [[m[0][0] - 1, m[0][1]], [m[1][0], m[1][1] - 1]]
        let u = [0.8, -0.3], v = [0.5, 1.2], rho = 0.5
        let kappa = -(a[0][0] + a[1][1]) / 2
        let det = a[0][0] * a[1][1] - a[0][1] * a[1][0]
        let omega = (det - kappa * kappa).squareRoot()
        let shifted = [[a[0][0] + kappa, a[0][1]], [a[1][0], a[1][1] + kappa]]
        let p = rho * (v[0] * u[0] + v[1] * u[1])
        let q = rho * (v[0] * (shifted[0][0] * u[0] + shifted[0][1] * u[1])
                       + v[1] * (shifted[1][0] * u[0] + shifted[1][1] * u[1])) / omega
        let flow = ClosureVectorField(dimension: 2) { _, h, dh in
            dh[0] = a[0][0] * h[0] + a[0][1] * h[1]
            dh[1] = a[1][0] * h[0] + a[1][1] * h[1]
        }
        let times = [0.5, 1.7, 4]
        let run = try tight.solve(flow, initial: u, outputTimes: times)
        for (j, t) in times.enumerated() {
            let g = rho * (v[0] * run.states[j][0] + v[1] * run.states[j][1])
            #expect(abs(g - exp(-kappa * t) * (p * cos(omega * t) + q * sin(omega * t))) < 1e-10)
        }
    }
    @Test func bothIntegratorsAgreeOnTheReducedFlow() throws {
        // Report: steps, evaluations and wall time of DP54 vs RODAS3 (analytic Jacobian) on (a, κ) from (1, 1).
        // Tight tolerances (rtol 1e-10): answers agree to 1e-8. Moderate ones (rtol 1e-6): DP54 becomes
        // stability-bound once (a, κ) nears (1, c*) (fast eigenvalue ≈ −34, −255, −2.5e5 for c* = 0.2, 0.1, 0.01).
        func compare(_ c: Double, rtol: Double, until tEnd: Double) throws -> (dp: ODESolution, ros: ODESolution) {
            let system = BalancedOutlierSystem(targetRate: c)
            let times = [1, 3, 10].filter { $0 < tEnd } + [tEnd]
            let clock = ContinuousClock()
            var dp: ODESolution?, ros: ODESolution?
            let dpTime = try clock.measure {
                dp = try DormandPrince54(relativeTolerance: rtol, absoluteTolerance: rtol * 1e-2)
                    .solve(system, initial: [1, 1], outputTimes: times)
            }
            let rosTime = try clock.measure {
                ros = try RosenbrockRodas3(relativeTolerance: rtol, absoluteTolerance: rtol * 1e-2, isAutonomous: true)
                    .solve(system, initial: [1, 1], outputTimes: times)
            }
            print("reduced (a, κ) c* = \(c), rtol \(rtol), t ≤ \(tEnd): DP54 \(dp!.statistics) \(dpTime); "
                  + "RODAS3 \(ros!.statistics) \(rosTime)")
            return (dp!, ros!)
        }
        for c in [0.2, 0.1] {
            let (dp, ros) = try compare(c, rtol: 1e-10, until: 50)
            for j in dp.states.indices {
                #expect(abs(dp.states[j][0] - ros.states[j][0]) < 1e-8 && abs(dp.states[j][1] - ros.states[j][1]) < 1e-8,
                        "c* = \(c), t = \(dp.times[j]): \(dp.states[j]) vs \(ros.states[j])")
            }
            #expect(abs(ros.finalState[0] - 1) < 1e-8 && abs(ros.finalState[1] - c) < 1e-8)
        }
        for c in [0.2, 0.1, 0.01] {
            // At c* = 0.01 the fast eigenvalue near (1, c*) is ≈ −2.5e5: DP54 needs ~1e5 steps per time unit there.
            let (dp, ros) = try compare(c, rtol: 1e-6, until: c < 0.05 ? 5 : 20)
            for j in dp.states.indices { #expect(abs(dp.states[j][1] - ros.states[j][1]) < 1e-4 * c) }
            if c <= 0.1 { #expect(ros.statistics.acceptedSteps * 4 < dp.statistics.acceptedSteps) }
        }
    }
}
