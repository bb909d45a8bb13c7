import Foundation
import Numerics
import Testing
@testable import Linalg
@testable import Networks
@testable import Tasks

/// Issue 13 engine: the exact impulse-response loss and gradients against finite differences, quadrature in time and
/// frequency, direct summation, and the instability error.
@Suite struct ImpulseResponseDistanceTests {
    /// The continuous targets every check runs on.
    static func continuousTargets() throws -> [(String, ModalResponse)] {
        [("exponential", try FilterTarget.leakyIntegrator(rate: 0.3)),
         ("oscillator-cos", try FilterTarget.dampedOscillator(rate: 0.4, frequency: 1.5)),
         ("oscillator-sin", try FilterTarget.dampedOscillator(rate: 0.4, frequency: 1.5, phase: .sine)),
         ("two-exponentials", FilterTarget.twoTimescales())]
    }

    /// The discrete targets: geometric, damped rotation (cos, sin) and two geometric terms.
    static func discreteTargets() throws -> [(String, ModalResponse)] {
        [("geometric", try FilterTarget.geometric(amplitudes: [1], ratios: [0.8])),
         ("rotation-cos", try FilterTarget.dampedRotation(radius: 0.85, angle: 0.6)),
         ("rotation-sin", try FilterTarget.dampedRotation(radius: 0.85, angle: 0.6, phase: .sine)),
         ("two-geometric", try FilterTarget.geometric(amplitudes: [1, 1], ratios: [0.9, 0.5]))]
    }

    /// Network settings: (units, readout, leak, diagonal shift keeping A stable).
    static let settings: [(Int, LinearFilterRNN.ReadoutScaling, Double, Double)] =
        [(6, .inverseN, 1, 0), (8, .inverseSqrtN, 1, 0), (7, .inverseN, 0, -1.2), (10, .inverseSqrtN, 0, -1.1)]

    @Test func continuousGradientsMatchRichardsonDifferences() throws {
        for (name, target) in try Self.continuousTargets() {
            for (k, (n, readout, leak, shift)) in Self.settings.enumerated() {
                let net = try FilterLearningCheck.network(units: n, sigma: 0.6, shift: shift, readout: readout, leak: leak,
                                                          clock: .continuous, seed: UInt64(10 + k))
                try checkGradient(net, target, label: "\(name) N=\(n) \(readout.rawValue) leak=\(leak)")
            }
        }
    }

    @Test func discreteGradientsMatchRichardsonDifferences() throws {
        // Discrete settings: leak 0 with W of spectral radius ≈ 0.5, and leak 1 with W ≈ I + noise.
        let discrete: [(Int, LinearFilterRNN.ReadoutScaling, Double, Double)] =
            [(6, .inverseN, 0, 0), (8, .inverseSqrtN, 0, 0), (7, .inverseN, 1, 1), (9, .inverseSqrtN, 1, 1)]
        for (name, target) in try Self.discreteTargets() {
            for (k, (n, readout, leak, shift)) in discrete.enumerated() {
                let net = try FilterLearningCheck.network(units: n, sigma: 0.5, shift: shift, readout: readout, leak: leak,
                                                          clock: .discrete, seed: UInt64(20 + k))
                try checkGradient(net, target, label: "discrete \(name) N=\(n) \(readout.rawValue) leak=\(leak)")
            }
        }
    }

    /// The Krylov route (certified: σ = 0.3, so `A + Aᵀ` is negative definite) against the same differences.
    @Test func krylovGradientsMatchRichardsonDifferences() throws {
        for (name, target) in try Self.continuousTargets() {
            for (k, (n, readout)) in [(12, LinearFilterRNN.ReadoutScaling.inverseN), (16, .inverseSqrtN)].enumerated() {
                let net = try FilterLearningCheck.network(units: n, sigma: 0.3, shift: 0, readout: readout, leak: 1,
                                                          clock: .continuous, seed: UInt64(40 + k))
                let used = try checkGradient(net, target, label: "krylov \(name) N=\(n)", method: .krylov)
                #expect(used.krylovEvaluations > 0 && used.schurEvaluations == 0, "\(name) N=\(n): the Krylov route was not taken")
            }
        }
    }

    @discardableResult
    private func checkGradient(_ net: LinearFilterRNN, _ target: ModalResponse, label: String,
                               method: ImpulseResponseDistance.GramianMethod = .automatic) throws -> ImpulseResponseDistance {
        let distance = try ImpulseResponseDistance(dimension: net.units, target: target, method: method)
        var gradient = SystemGradient(dimension: net.units)
        _ = try net.lossAndGradient(distance, into: &gradient)
        var exact = [Double](repeating: 0, count: net.parameterCount)
        exact.withUnsafeMutableBufferPointer { flat in
            let n = net.units, nn = n * n
            for k in 0..<nn { flat[k] = gradient.a.storage[k] }
            for i in 0..<n { flat[nn + i] = gradient.b[i]; flat[nn + n + i] = gradient.c[i] }
        }
        let numeric = try FilterLearningCheck.finiteDifferenceGradient(net) { try $0.loss(distance) }
        let n = net.units, nn = n * n
        for (block, range) in [("W", 0..<nn), ("u", nn..<(nn + n)), ("v", (nn + n)..<(nn + 2 * n))] {
            let error = FilterLearningCheck.relativeError(exact, numeric, range)
            #expect(error <= 1e-7, "\(label): ∂L/∂\(block) relative error \(error)")
        }
        return distance
    }

    @Test func continuousLossMatchesTimeAndFrequencyQuadrature() throws {
        for (name, target) in try Self.continuousTargets() {
            for (k, (n, readout, leak, shift)) in Self.settings.enumerated() {
                let net = try FilterLearningCheck.network(units: n, sigma: 0.6, shift: shift, readout: readout, leak: leak,
                                                          clock: .continuous, seed: UInt64(30 + k))
                let distance = try ImpulseResponseDistance(dimension: n, target: target)
                let exact = try net.loss(distance)
                let a = net.systemMatrix, c = net.outputVector
                let slowest = min(-distance.schur.spectralAbscissa, target.poles.map(\.real).min()!)
                let time = FilterLearningCheck.timeDomainLoss(a: a, b: net.u, c: c, target: target, horizon: 40 / slowest)
                let frequency = FilterLearningCheck.frequencyDomainLoss(a: a, b: net.u, c: c, target: target,
                                                                        tolerance: 1e-13 * exact)
                let label = "\(name) N=\(n) \(readout.rawValue) leak=\(leak)"
                #expect(abs(time - exact) <= 1e-9 * exact, "\(label): time-domain \(time) vs exact \(exact)")
                #expect(abs(frequency - exact) <= 1e-9 * exact, "\(label): frequency-domain \(frequency) vs exact \(exact)")
            }
        }
    }

    @Test func discreteLossMatchesDirectSummation() throws {
        for (name, target) in try Self.discreteTargets() {
            for (k, leak) in [0.0, 1.0].enumerated() {
                let net = try FilterLearningCheck.network(units: 8, sigma: 0.5, shift: leak, readout: .inverseSqrtN, leak: leak,
                                                          clock: .discrete, seed: UInt64(40 + k))
                let distance = try ImpulseResponseDistance(dimension: 8, target: target)
                let exact = try net.loss(distance)
                let direct = FilterLearningCheck.discreteLoss(a: net.systemMatrix, b: net.u, c: net.outputVector,
                                                              target: target, steps: 2000)
                #expect(abs(direct - exact) <= 1e-9 * exact, "discrete \(name) leak=\(leak): direct \(direct) vs exact \(exact)")
            }
        }
    }

    @Test func targetEnergiesAreClosedForm() throws {
        let c = 0.2, omega = 1.5
        let cosine = try FilterTarget.dampedOscillator(rate: c, frequency: omega)
        let sine = try FilterTarget.dampedOscillator(rate: c, frequency: omega, phase: .sine)
        #expect(abs(cosine.energy - 0.5 * (1 / (2 * c) + c / (2 * (c * c + omega * omega)))) < 1e-14)
        #expect(abs(sine.energy - 0.5 * (1 / (2 * c) - c / (2 * (c * c + omega * omega)))) < 1e-14)
        // e^{−0.1t} + e^{−0.5t}: 1/0.2 + 1/1 + 2/0.6.
        #expect(abs(FilterTarget.twoTimescales().energy - (5 + 1 + 2 / 0.6)) < 1e-12)
        // Transfer of the oscillator: (s + c)/((s + c)² + Ω²) and Ω/((s + c)² + Ω²).
        let s = Complex(0.3, 0.7)
        let denominator = (s + Complex(c)) * (s + Complex(c)) + Complex(omega * omega)
        #expect((cosine.transfer(s) - (s + Complex(c)) / denominator).length < 1e-14)
        #expect((sine.transfer(s) - Complex(omega) / denominator).length < 1e-14)
        // Discrete energy against summation.
        let rotation = try FilterTarget.dampedRotation(radius: 0.9, angle: 0.4, phase: .sine)
        let summed = (0..<3000).reduce(0.0) { $0 + pow(rotation.value(at: Double($1)), 2) }
        #expect(abs(rotation.energy - summed) < 1e-12 * summed)
    }

    @Test func invalidTargetsNameTheField() {
        #expect(throws: TaskError.invalidParameter("rate must be positive and finite, got -0.1")) {
            try FilterTarget.leakyIntegrator(rate: -0.1)
        }
        #expect(throws: TaskError.invalidParameter("ratios must have modulus in (0, 1), got 1.2")) {
            try FilterTarget.geometric(amplitudes: [1], ratios: [1.2])
        }
        #expect(throws: LinalgError.self) {
            try ModalResponse(clock: .continuous, residues: [Complex(1)], poles: [Complex(0, 1)])
        }
    }

    @Test func unstableSystemsGiveAClearError() throws {
        var net = try FilterLearningCheck.network(units: 6, sigma: 0, shift: 0, readout: .inverseN, leak: 1,
                                                  clock: .continuous, seed: 50)
        net.w[0, 0] = 1.25  // eigenvalue 1.25 of W: A has the eigenvalue 0.25
        let distance = try ImpulseResponseDistance(dimension: 6, target: try FilterTarget.leakyIntegrator(rate: 0.2))
        #expect(throws: FilterLearningError.unstableContinuous(largestRealPart: 0.25)) { try net.loss(distance) }
        let message = FilterLearningError.unstableContinuous(largestRealPart: 0.25).description
        #expect(message.contains("largest eigenvalue real part is 0.25") && !message.contains("\n"))
        net.w[0, 0] = 0.5
        #expect(try net.loss(distance) > 0)

        var discrete = try FilterLearningCheck.network(units: 5, sigma: 0, shift: 0, readout: .inverseN, leak: 0,
                                                       clock: .discrete, seed: 51)
        discrete.w[2, 2] = -1.5
        let geometric = try ImpulseResponseDistance(dimension: 5, target: try FilterTarget.geometric(amplitudes: [1], ratios: [0.5]))
        #expect(throws: FilterLearningError.unstableDiscrete(spectralRadius: 1.5)) { try discrete.loss(geometric) }
    }
}
