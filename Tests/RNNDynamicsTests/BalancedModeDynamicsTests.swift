import Foundation
import Testing
@testable import Theory

private let tightIntegrator = DormandPrince54(relativeTolerance: 1e-13, absoluteTolerance: 1e-15)

/// a(t) of `τ da/dt = √(λ² + 4a²)(s − a)` by direct numerical integration.
private func integrated(_ mode: LambdaBalancedMode, from a0: Double, at times: [Double]) throws -> [Double] {
    try tightIntegrator.solve(mode, initial: [a0], outputTimes: times).component(0)
}

struct BalancedModeDynamicsTests {
    static let imbalances: [Double] = [0, 0.7, -0.7, 2, -2, 50]

    @Test(arguments: imbalances)
    func closedFormMatchesDirectIntegration(lambda: Double) throws {
        let times = [0, 0.02, 0.1, 0.4, 1, 2.5, 6, 12]
        for (s, tau) in [(1.0, 1.0), (2.5, 0.6)] {
            let mode = LambdaBalancedMode(target: s, imbalance: lambda, timeConstant: tau)
            // A balanced negative start decays onto the saddle a = 0, where the integrator's round-off can cross it
            // and grow towards s; `zeroImbalanceIsSaxesSigmoid…` checks that start against its exact solution.
            for a0 in [1e-3, 0.4, -0.3, 1.7 * s] where lambda != 0 || a0 > 0 {
                let numeric = try integrated(mode, from: a0, at: times)
                for (t, a) in zip(times, numeric) {
                    let closed = mode.strength(at: t, from: a0)
                    #expect(abs(closed - a) <= 1e-11 * max(1, abs(a)), "λ = \(lambda), s = \(s), a0 = \(a0), t = \(t): \(closed) vs \(a)")
                }
            }
        }
    }

    @Test(arguments: imbalances.filter { $0 != 0 })
    func halfAngleFormAgreesWithTheUniformForm(lambda: Double) {
        let mode = LambdaBalancedMode(target: 1.3, imbalance: lambda, timeConstant: 0.8)
        for a0 in [1e-4, 0.5, -0.6, 2.2] {
            for t in [0, 0.05, 0.5, 2, 9, 40] {
                let a = mode.strength(at: t, from: a0), b = mode.halfAngleStrength(at: t, from: a0)
                #expect(abs(a - b) <= 1e-10 * max(1, abs(a)), "λ = \(lambda), a0 = \(a0), t = \(t): \(a) vs \(b)")
            }
        }
    }

    @Test func zeroImbalanceIsSaxesSigmoidAndItsTimeToLearnInvertsIt() {
        let s = 2.0, tau = 0.4
        let mode = LambdaBalancedMode(target: s, imbalance: 0, timeConstant: tau), saxe = mode.saxeLimit
        for a0 in [1e-6, 1e-2, 0.9] {
            for t in [0, 0.1, 0.7, 2, 5] {
                let e = exp(2 * s * t / tau)
                let textbook = s * e / (e - 1 + s / a0)
                #expect(abs(saxe.strength(at: t, from: a0) - textbook) <= 1e-14 * s)
                #expect(abs(mode.strength(at: t, from: a0) - textbook) <= 1e-14 * s)
                #expect(abs(mode.halfAngleStrength(at: t, from: a0) - textbook) <= 1e-14 * s)
            }
            let t = saxe.timeToLearn(from: a0, to: s / 2)
            #expect(abs(saxe.strength(at: t, from: a0) - s / 2) <= 1e-12)
            #expect(abs(t - tau / (2 * s) * log((s - a0) / a0)) <= 1e-12)
        }
        // A negative balanced start shrinks to the saddle a = 0 (τ da/dt = 2|a|(s − a)), as the ODE says.
        let shrink = SaxeMode(target: 1, timeConstant: 1)
        for t in [0.3, 2.0, 20, 100] {
            let exact = -0.2 * exp(-2 * t) / (1 + 0.2 * (1 - exp(-2 * t)))
            #expect(abs(shrink.strength(at: t, from: -0.2) - exact) <= 1e-15 * abs(exact))
            #expect(abs(LambdaBalancedMode(target: 1, imbalance: 0).strength(at: t, from: -0.2) - exact) <= 1e-14 * abs(exact))
        }
        // Slightly unbalanced, the negative start passes the saddle after a delay and still learns s.
        let nearSaddle = LambdaBalancedMode(target: 1, imbalance: 1e-6)
        #expect(abs(nearSaddle.strength(at: 4, from: -0.2)) < 1e-3 && abs(nearSaddle.strength(at: 60, from: -0.2) - 1) < 1e-12)
    }

    @Test func largeImbalanceTendsToTheLazyExponential() {
        let a0 = 1e-3
        func gap(_ lambda: Double) -> Double {
            let mode = LambdaBalancedMode(target: 1, imbalance: lambda, timeConstant: 0.5)
            return [0.001, 0.005, 0.02, 0.1].map { t in
                abs(mode.strength(at: t * 100 / lambda, from: a0) - mode.lazyLimit(at: t * 100 / lambda, from: a0))
            }.max()!
        }
        #expect(gap(100) < 1e-3 && gap(1000) < 1e-5 && gap(1e4) < 1e-7, "\(gap(100)), \(gap(1000)), \(gap(1e4))")
        #expect(gap(1000) < gap(100) / 50, "the gap should fall like 1/λ²")
        // At |λ| ≪ a0 the mode is Saxe's sigmoid (still on its plateau at t = 1), not the lazy exponential.
        let rich = LambdaBalancedMode(target: 1, imbalance: 1e-5, timeConstant: 0.5)
        #expect(rich.strength(at: 1, from: a0) < 0.1)
        #expect(abs(rich.strength(at: 1, from: a0) - rich.saxeLimit.strength(at: 1, from: a0)) < 1e-6)
        #expect(abs(rich.strength(at: 1, from: a0) - rich.lazyLimit(at: 1, from: a0)) > 0.04)
        let lazy = LambdaBalancedMode(target: 1, imbalance: 50, timeConstant: 0.5)
        let t = lazy.lazyTimeToLearn(from: a0, to: 0.5)
        #expect(abs(lazy.lazyLimit(at: t, from: a0) - 0.5) <= 1e-14)
    }

    @Test func layerStrengthsSplitTheModeWithTheConservedImbalance() {
        for lambda in Self.imbalances + [1e-9, -1e6] {
            let mode = LambdaBalancedMode(target: 1, imbalance: lambda)
            for a in [0, 1e-8, 0.3, -2.0, 7.5] {
                let (c, d) = mode.layerStrengths(strength: a)
                #expect(c >= 0)
                #expect(abs(c * d - a) <= 1e-14 * max(1, abs(a)), "λ = \(lambda), a = \(a)")
                #expect(abs((d * d - c * c) - lambda) <= 1e-14 * max(1, abs(lambda), 4 * a * a), "λ = \(lambda), a = \(a)")
                #expect(lambda <= 0 || c <= abs(d), "λ > 0: the second layer is the larger")
            }
        }
    }

    /// The frozen-decay RNN mode (the (α, β, κ) flow with r_κ = 0 at κ = c*) is the mapped λ-balanced mode, for
    /// unequal reduced rates.
    @Test func frozenOutlierFlowIsTheMappedLambdaBalancedMode() throws {
        let cStar = 0.3
        let rates = OutlierRates(readIn: 0.7, readOut: 1.9, decay: 0)
        let reduction = FrozenOutlierMode(targetRate: cStar, rates: rates)
        #expect(abs(reduction.timeConstant - 2 * cStar / (0.7 * 1.9).squareRoot()) <= 1e-15)
        let system = OutlierSystem(targetRate: cStar, rates: rates)
        let times = [0, 0.05, 0.3, 1, 3, 8]
        for (a0, lambda) in [(1e-3, 0.0), (1e-3, 2.0), (0.2, -0.7), (1e-2, 50.0)] {
            let (alpha, beta) = reduction.amplitudes(residue: a0, imbalance: lambda)
            #expect(abs(alpha * beta - a0) <= 1e-15 && abs(reduction.imbalance(readIn: alpha, readOut: beta) - lambda) <= 1e-13)
            let flow = try tightIntegrator.solve(system, initial: [alpha, beta, cStar], outputTimes: times)
            let mode = reduction.mode(readIn: alpha, readOut: beta)
            for (t, y) in zip(times, flow.states) {
                #expect(y[2] == cStar, "κ is frozen")
                #expect(abs(y[0] * y[1] - mode.strength(at: t, from: a0)) <= 1e-10, "a0 = \(a0), λ = \(lambda), t = \(t)")
                #expect(abs(reduction.imbalance(readIn: y[0], readOut: y[1]) - lambda) <= 1e-9 * max(1, abs(lambda)))
            }
        }
    }
}
