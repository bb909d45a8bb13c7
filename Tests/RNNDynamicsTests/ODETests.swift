import Foundation
import Numerics
import Testing
@testable import Theory

/// The harmonic oscillator y″ = −y as a first-order system [y, y′].
private struct HarmonicOscillator: VectorField {
    var dimension: Int { 2 }
    func evaluate(_ t: Double, _ y: UnsafeBufferPointer<Double>, _ dydt: UnsafeMutableBufferPointer<Double>) {
        dydt[0] = y[1]
        dydt[1] = -y[0]
    }
}

/// The logistic equation y′ = y (1 − y), solution 1 / (1 + (1/y₀ − 1) e^{−t}).
private let logistic = ClosureVectorField(dimension: 1) { _, y, dydt in dydt[0] = y[0] * (1 - y[0]) }
private func logisticExact(_ t: Double, y0: Double) -> Double { 1 / (1 + (1 / y0 - 1) * exp(-t)) }

struct ODETests {
    private func oscillatorError(_ method: FixedStepMethod, h: Double, tEnd: Double = 2) -> Double {
        let sol = FixedStepIntegrator(method, stepSize: h).solve(HarmonicOscillator(), initial: [1, 0], outputTimes: [tEnd])
        return max(abs(sol.finalState[0] - cos(tEnd)), abs(sol.finalState[1] + sin(tEnd)))
    }

    @Test func rk4IsFourthOrderAndEulerFirstOrder() {
        let e1 = oscillatorError(.rk4, h: 0.1), e2 = oscillatorError(.rk4, h: 0.05), e3 = oscillatorError(.rk4, h: 0.025)
        for ratio in [e1 / e2, e2 / e3] { #expect(ratio > 14 && ratio < 18, "RK4 error ratio \(ratio)") }
        #expect(e3 < 1e-7)
        let f1 = oscillatorError(.euler, h: 0.01), f2 = oscillatorError(.euler, h: 0.005)
        #expect(f1 / f2 > 1.8 && f1 / f2 < 2.2, "Euler error ratio \(f1 / f2)")
    }

    @Test func fixedStepHitsOutputTimesWithTheNominalStep() {
        let sol = FixedStepIntegrator(.euler, stepSize: 0.01).solve(logistic, initial: [0.1], outputTimes: [0, 0.5, 2, 2, 2.005])
        #expect(sol.times == [0, 0.5, 2, 2, 2.005])
        #expect(sol.states[0] == [0.1])
        #expect(sol.states[2] == sol.states[3])
        // 50 + 150 steps of 0.01, then one shortened step of 0.005.
        #expect(sol.statistics.acceptedSteps == 201)
        // Hand-rolled Euler agrees bit for bit on the first output.
        var y = 0.1
        for _ in 0..<50 { y += 0.01 * y * (1 - y) }
        #expect(sol.states[1][0] == y)
    }

    @Test func advanceTakesExactStepsAndStopsOnRequest() {
        var ws = ODEWorkspace(dimension: 2)
        var y = [1.0, 0.0], t = 0.0
        let integrator = FixedStepIntegrator(.rk4, stepSize: 0.01)
        let taken = integrator.advance(HarmonicOscillator(), time: &t, state: &y, steps: 1000, workspace: &ws) { _, _, state in
            state[0] > 0.5
        }
        // cos t first drops to 0.5 at t = π/3.
        #expect(taken == Int((Double.pi / 3 / 0.01).rounded(.up)))
        #expect(abs(t - Double(taken) * 0.01) < 1e-15)
        #expect(abs(y[0] - cos(t)) < 1e-10)
    }

    @Test func dormandPrinceMeetsItsToleranceOnLogistic() throws {
        let times = [0, 0.3, 1, 2.5, 7.3, 12]
        for rtol in [1e-6, 1e-9] {
            let dp = DormandPrince54(relativeTolerance: rtol, absoluteTolerance: rtol * 1e-2)
            let sol = try dp.solve(logistic, initial: [0.05], outputTimes: times)
            #expect(sol.times == times)
            for (t, y) in zip(sol.times, sol.states) {
                #expect(abs(y[0] - logisticExact(t, y0: 0.05)) <= 10 * rtol, "t = \(t), rtol = \(rtol)")
            }
            #expect(sol.statistics.acceptedSteps > 0)
        }
    }

    @Test func dormandPrinceOnHarmonicOscillatorAndTolerancesScale() throws {
        var errors: [Double] = []
        var steps: [Int] = []
        for rtol in [1e-5, 1e-8, 1e-11] {
            let sol = try DormandPrince54(relativeTolerance: rtol, absoluteTolerance: rtol)
                .solve(HarmonicOscillator(), initial: [1, 0], outputTimes: [1, 5, 10])
            var err = 0.0
            for (t, y) in zip(sol.times, sol.states) { err = max(err, abs(y[0] - cos(t)), abs(y[1] + sin(t))) }
            // Global error over ~1.6 periods stays within a modest multiple of the local tolerance.
            #expect(err <= 50 * rtol, "rtol \(rtol): error \(err)")
            errors.append(err)
            steps.append(sol.statistics.acceptedSteps)
        }
        #expect(errors[0] > errors[1] && errors[1] > errors[2])
        #expect(steps[0] < steps[1] && steps[1] < steps[2])
    }

    @Test func timeDependentFieldsSeeTheRightTime() throws {
        let field = ClosureVectorField(dimension: 1) { t, _, dydt in dydt[0] = cos(t) }
        let rk = FixedStepIntegrator(.rk4, stepSize: 0.01).solve(field, initial: [0], from: 1, outputTimes: [2, 4])
        #expect(abs(rk.states[1][0] - (sin(4) - sin(1))) < 1e-9)
        let dp = try DormandPrince54(relativeTolerance: 1e-10, absoluteTolerance: 1e-12).solve(field, initial: [0], from: 1,
                                                                                                 outputTimes: [2, 4])
        #expect(abs(dp.states[1][0] - (sin(4) - sin(1))) < 1e-8)
    }

    @Test func complexSystemsIntegrateThroughPacking() throws {
        // z′ = i ω z, z(0) = 1 + 0.5i  ⇒  z(t) = z(0) e^{iωt}.
        let omega = 1.7
        let field = ClosureVectorField(dimension: 2) { _, y, dydt in
            let z = ComplexPacking.load(y, 0)
            ComplexPacking.store(Complex(0, omega) * z, dydt, 0)
        }
        let z0 = Complex<Double>(1, 0.5)
        let sol = try DormandPrince54(relativeTolerance: 1e-10, absoluteTolerance: 1e-12)
            .solve(field, initial: ComplexPacking.pack([z0]), outputTimes: [3])
        let z = ComplexPacking.unpack(sol.finalState)[0]
        let exact = z0 * Complex(length: 1, phase: omega * 3)
        #expect((z - exact).length < 1e-8)
    }

    @Test func dormandPrinceReportsFailures() {
        #expect(throws: ODEError.invalidOutputTimes) {
            try DormandPrince54().solve(logistic, initial: [0.1], outputTimes: [1, 0.5])
        }
        #expect(throws: ODEError.tooManySteps(time: 0)) {
            try DormandPrince54(initialStep: 1e-3, maxSteps: 0).solve(logistic, initial: [0.1], outputTimes: [1])
        }
        // Finite-time blow-up of y′ = y² at t = 1 cannot be stepped through.
        let blowUp = ClosureVectorField(dimension: 1) { _, y, dydt in dydt[0] = y[0] * y[0] }
        #expect(throws: ODEError.self) {
            try DormandPrince54(maxSteps: 100_000).solve(blowUp, initial: [1], outputTimes: [2])
        }
    }
}
