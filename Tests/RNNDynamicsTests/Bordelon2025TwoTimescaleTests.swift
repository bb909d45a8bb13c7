import Foundation
import Numerics
import Testing
@testable import Bordelon2025
@testable import ExperimentKit
@testable import Linalg
@testable import Networks
@testable import Tasks

/// R9: two outliers learn e^{−0.1t} + e^{−0.5t}; fixed-step descent stalls on the stiff flow (reconstructed model).
@Suite(.serialized) struct Bordelon2025TwoTimescaleTests {
    @Test func r9TwoOutliersSettleAndDescentStalls() throws {
        let (result, _) = try BordelonR9().run(.quick)
        for check in result.checks { #expect(check.holds, "\(check.claim): \(check.evidence)") }
        let value = { (name: String) in result.scalars.first { $0.name == name }?.value ?? .nan }
        #expect(value("outlier_count") == 2)
        #expect(abs(value("outlier_1_final") - 0.9) <= 1e-3 && abs(value("outlier_2_final") - 0.5) <= 1e-3)
        #expect(value("outlier_1_exit") < value("outlier_2_exit"))
        #expect(value("final_loss") <= 1e-7)
        // The spec's stall level ≈ 3e-2 (factor 3), and the measured stiffness forbids the step 0.01.
        #expect(value("gd_final_loss") >= 1e-2 && value("gd_final_loss") <= 9e-2)
        #expect(2 / abs(value("jacobian_eigenvalue")) < 0.01)
    }

    @Test func jacobianProbeMatchesTheDifferencedJacobian() throws {
        // A 3-unit network: the full Jacobian of the flow by central differences, its eigenvalue of largest modulus.
        let target = FilterTarget.twoTimescales()
        let net = try LinearFilterRNN.random(units: 3, sigma: 0.3, streams: RandomStreams(seed: 7).child("probe"))
        let distance = try ImpulseResponseDistance(dimension: 3, target: target)
        let count = net.parameterCount
        var theta = [Double](repeating: 0, count: count)
        theta.withUnsafeMutableBufferPointer { net.write(into: $0) }
        var work = net, gradient = SystemGradient(dimension: 3)
        func velocity(_ x: [Double]) throws -> [Double] {
            x.withUnsafeBufferPointer { work.read(from: $0) }
            _ = try work.lossAndGradient(distance, into: &gradient)
            var out = [Double](repeating: 0, count: count)
            out.withUnsafeMutableBufferPointer { work.writeVelocity(gradient, into: $0) }
            return out
        }
        let h = 1e-6
        var jacobian = Matrix(rows: count, cols: count)
        for j in 0..<count {
            var plus = theta, minus = theta
            plus[j] += h; minus[j] -= h
            let column = zip(try velocity(plus), try velocity(minus)).map { ($0 - $1) / (2 * h) }
            for i in 0..<count { jacobian[i, j] = column[i] }
        }
        let exact = try jacobian.eigenvalues().max { $0.length < $1.length }!
        var rng = RandomStreams(seed: 8).stream("start")
        let probe = try FlowJacobianProbe(distance: distance).dominantEigenvalue(at: net, start: rng.gaussians(count), iterations: 300)
        #expect(abs(exact.imaginary) < 1e-6 * exact.length, "the Jacobian is similar to a symmetric matrix: \(exact)")
        #expect(abs(probe.value - exact.real) <= 1e-5 * abs(exact.real), "probe \(probe.value) vs \(exact)")
    }

    @Test func r9ChecksFailOnWrongNumbers() {
        func measured(outliers: [Complex<Double>] = [Complex(0.9), Complex(0.5)], exits: [Double] = [0.5, 12],
                      loss: Double = 1e-9, stiff: Double = -900, change: Double = 0, descent: Double? = 3e-2) -> BordelonR9.Measured {
            BordelonR9.Measured(finalOutliers: outliers, exitTimes: exits, finalLoss: loss, tEnd: 50, jacobianEigenvalue: stiff,
                                probeChange: change, descentLoss: descent, descentStep: 0.01)
        }
        func holds(_ m: BordelonR9.Measured) -> [String: Bool] {
            let checks = BordelonR9.checks(m, targetRates: [0.1, 0.5], outlierTolerance: 1e-3, units: 60, sigma: 0)
            return Dictionary(uniqueKeysWithValues: checks.map { (String($0.claim.prefix(12)), $0.holds) })
        }
        #expect(holds(measured()).values.allSatisfy { $0 })
        #expect(holds(measured()).count == 5)
        #expect(holds(measured(outliers: [Complex(0.9), Complex(0.49)]))["Exactly two "] == false)
        #expect(holds(measured(outliers: [Complex(0.9), Complex(0.5), Complex(0.2)]))["Exactly two "] == false)
        #expect(holds(measured(change: 1e-2))["The stiffest"] == false)
        #expect(holds(measured(loss: 1e-6))["The loss rea"] == false)
        #expect(holds(measured(exits: [0.5, 20]))["N = 60, σ = "] == false)
        #expect(holds(measured(descent: 1e-8))["Gradient des"] == false)
    }
}
