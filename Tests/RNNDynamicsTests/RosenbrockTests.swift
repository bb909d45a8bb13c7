import Foundation
import Testing
@testable import Theory

/// y′ = A y with A = [[−1, 3], [−3, −1]] (a damped rotation), with its Jacobian.
private struct DampedRotation: JacobianField {
    var dimension: Int { 2 }
    func evaluate(_ t: Double, _ y: UnsafeBufferPointer<Double>, _ dydt: UnsafeMutableBufferPointer<Double>) {
        dydt[0] = -y[0] + 3 * y[1]
        dydt[1] = -3 * y[0] - y[1]
    }
    func jacobian(_ t: Double, _ y: UnsafeBufferPointer<Double>, _ jacobian: UnsafeMutableBufferPointer<Double>) {
        jacobian[0] = -1; jacobian[1] = -3; jacobian[2] = 3; jacobian[3] = -1
    }
    static func exact(_ t: Double) -> [Double] { [exp(-t) * cos(3 * t), -exp(-t) * sin(3 * t)] }
}

/// The stiff, non-autonomous y′ = −1000 (y − cos t); its slow solution is close to cos t.
private let stiffRelaxation = ClosureVectorField(dimension: 1) { t, y, dydt in dydt[0] = -1000 * (y[0] - cos(t)) }
/// Exact solution of `stiffRelaxation` with y(0) = 0.
private func stiffExact(_ t: Double) -> Double {
    let k = 1000.0, d = k * k + 1
    return k * (k * cos(t) + sin(t)) / d - k * k / d * exp(-k * t)
}

/// Robertson's chemical kinetics, the classic stiff test (eigenvalues down to about −10⁴ at t ~ 1…40).
private let robertson = ClosureVectorField(dimension: 3) { _, y, dydt in
    dydt[0] = -0.04 * y[0] + 1e4 * y[1] * y[2]
    dydt[1] = 0.04 * y[0] - 1e4 * y[1] * y[2] - 3e7 * y[1] * y[1]
    dydt[2] = 3e7 * y[1] * y[1]
}

struct RosenbrockTests {
    private func fixedStepError(_ n: Int, tEnd: Double = 2) throws -> Double {
        let method = RosenbrockRodas3(isAutonomous: true)
        var y = [1.0, 0.0]
        for j in 0..<n { try method.step(DampedRotation(), time: Double(j) * tEnd / Double(n), state: &y, size: tEnd / Double(n)) }
        let e = DampedRotation.exact(tEnd)
        return max(abs(y[0] - e[0]), abs(y[1] - e[1]))
    }

    @Test func rodas3IsThirdOrderOnALinearProblem() throws {
        let errors = try [20, 40, 80, 160].map { try fixedStepError($0) }
        for k in 0..<3 {
            let order = log2(errors[k] / errors[k + 1])
            #expect(order > 2.8 && order < 3.3, "observed order \(order) (errors \(errors))")
        }
    }

    @Test func rodas3IsThirdOrderWithExplicitTimeDependence() throws {
        // y′ = −2y + cos t exercises the ∂f/∂t terms (finite-difference Jacobian and time derivative).
        let field = ClosureVectorField(dimension: 1) { t, y, dydt in dydt[0] = -2 * y[0] + cos(t) }
        func error(_ n: Int) throws -> Double {
            var y = [1.0]
            for j in 0..<n { try RosenbrockRodas3().step(field, time: 2 * Double(j) / Double(n), state: &y, size: 2 / Double(n)) }
            return abs(y[0] - ((2 * cos(2.0) + sin(2.0)) / 5 + 0.6 * exp(-4.0)))
        }
        let e = try [10, 20, 40].map(error)
        for k in 0..<2 { #expect(log2(e[k] / e[k + 1]) > 2.7, "errors \(e)") }
    }

    @Test func stiffDecayIsDampedInOneStep() throws {
        // L-stability: one step of h = 1 on y′ = −10⁶ y leaves essentially nothing (R(∞) = 0), where an A-stable
        // method with R(∞) = −1 (trapezoid) would return −y.
        let field = ClosureVectorField(dimension: 1) { _, y, dydt in dydt[0] = -1e6 * y[0] }
        var y = [1.0]
        try RosenbrockRodas3(isAutonomous: true).step(field, time: 0, state: &y, size: 1)
        #expect(abs(y[0]) < 1e-5, "y after one step \(y[0])")
    }

    @Test func stiffRelaxationNeedsFarFewerStepsThanDormandPrince() throws {
        // DP54 is stability-limited (h ≲ 3.3/1000, ~1800 steps on [0, 5]) at any tolerance. RODAS3 is not, but on this
        // non-autonomous problem it shows the usual Rosenbrock order reduction (local error ≈ 0.17 h/1000), so its
        // advantage is largest at moderate tolerances; both meet the same absolute accuracy.
        let times = [0.5, 1, 2, 5]
        for (rtol, accuracy, ratio) in [(1e-4, 1e-4, 10), (1e-6, 1e-6, 1)] {
            let ros = try RosenbrockRodas3(relativeTolerance: rtol, absoluteTolerance: rtol * 1e-3).solve(
                stiffRelaxation, initial: [0], outputTimes: times)
            let dp = try DormandPrince54(relativeTolerance: rtol, absoluteTolerance: rtol * 1e-3).solve(
                stiffRelaxation, initial: [0], outputTimes: times)
            for (j, t) in times.enumerated() {
                #expect(abs(ros.states[j][0] - stiffExact(t)) < accuracy, "RODAS3 at t = \(t), rtol \(rtol)")
                #expect(abs(dp.states[j][0] - stiffExact(t)) < accuracy, "DP54 at t = \(t), rtol \(rtol)")
            }
            #expect(dp.statistics.acceptedSteps > 1000)
            #expect(ros.statistics.acceptedSteps * ratio < dp.statistics.acceptedSteps,
                    "rtol \(rtol): RODAS3 \(ros.statistics) vs DP54 \(dp.statistics)")
            #expect(ros.statistics.evaluations * ratio < dp.statistics.evaluations)
            #expect(ros.statistics.factorizations == ros.statistics.acceptedSteps + ros.statistics.rejectedSteps)
        }
    }

    @Test func robertsonMatchesReferenceWithFewSteps() throws {
        let y0 = [1.0, 0, 0]
        let ros = try RosenbrockRodas3(relativeTolerance: 1e-6, absoluteTolerance: 1e-10, isAutonomous: true).solve(
            robertson, initial: y0, outputTimes: [40])
        let dp = try DormandPrince54(relativeTolerance: 1e-6, absoluteTolerance: 1e-10).solve(
            robertson, initial: y0, outputTimes: [40])
        // Reference at t = 40 from an independent Radau IIA run (scipy, rtol 1e-12): y₁ = 0.71582707, y₃ = 0.28416375.
        for sol in [ros, dp] {
            #expect(abs(sol.finalState[0] - 0.71582707) < 2e-6)
            #expect(abs(sol.finalState[2] - 0.28416375) < 2e-6)
            #expect(abs(sol.finalState.reduce(0, +) - 1) < 1e-9)  // mass is conserved by every linear method
        }
        #expect(ros.statistics.acceptedSteps * 20 < dp.statistics.acceptedSteps,
                "RODAS3 \(ros.statistics) vs DP54 \(dp.statistics)")
    }

    @Test func analyticAndFiniteDifferenceJacobiansAgree() throws {
        let times = [0.5, 1.5, 3]
        var method = RosenbrockRodas3(relativeTolerance: 1e-10, absoluteTolerance: 1e-12, isAutonomous: true)
        let analytic = try method.solve(DampedRotation(), initial: [1, 0], outputTimes: times)
        method.finiteDifferenceJacobian = true
        let differenced = try method.solve(DampedRotation(), initial: [1, 0], outputTimes: times)
        for (j, t) in times.enumerated() {
            let e = DampedRotation.exact(t)
            #expect(abs(analytic.states[j][0] - e[0]) < 1e-8 && abs(analytic.states[j][1] - e[1]) < 1e-8)
            #expect(abs(differenced.states[j][0] - analytic.states[j][0]) < 1e-7)
        }
        // Finite differences cost `dimension` evaluations per Jacobian.
        let a = analytic.statistics, d = differenced.statistics
        #expect(a.evaluations == 2 * (a.acceptedSteps + a.rejectedSteps) + a.jacobianEvaluations + 1)
        #expect(d.evaluations == 2 * (d.acceptedSteps + d.rejectedSteps) + 3 * d.jacobianEvaluations + 1)
    }

    @Test func firstCrossingTimeOfAnExponential() throws {
        // y′ = −y from 1 crosses 0.5 at ln 2.
        let decay = ClosureVectorField(dimension: 1) { _, y, dydt in dydt[0] = -y[0] }
        let tight = DormandPrince54(relativeTolerance: 1e-12, absoluteTolerance: 1e-14)
        let t = try tight.firstCrossingTime(decay, initial: [1], component: 0, level: 0.5, until: 5, scanStep: 0.25)
        #expect(abs(t! - log(2.0)) < 1e-9)
        #expect(try tight.firstCrossingTime(decay, initial: [1], component: 0, level: -0.1, until: 5, scanStep: 0.5) == nil)
    }
}
