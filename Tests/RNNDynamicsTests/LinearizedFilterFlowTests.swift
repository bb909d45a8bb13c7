import Foundation
import Numerics
import Testing
@testable import Linalg
@testable import Networks
@testable import Tasks
@testable import Theory
@testable import Training

/// Issue 13 engine: the lazy / linearised model around θ0 (augmented 2N-dimensional system) against independent
/// numerics — matrix exponentials, Taylor remainders, finite differences and the full gradient flow.
@Suite struct LinearizedFilterFlowTests {
    private static let target = try! FilterTarget.exponentials(amplitudes: [1, 0.5], rates: [0.3, 1.2])

    /// A base network (σ = 0.5, N = 5) and a random displacement direction of unit scale per entry.
    private func setup(units n: Int = 5, seed: UInt64 = 130) throws -> (LinearFilterRNN, [Double]) {
        let streams = RandomStreams(seed: seed).child("linearised-test")
        let net = try LinearFilterRNN.random(units: n, sigma: 0.5, streams: streams)
        var d = streams.stream("direction")
        return (net, d.gaussians(net.parameterCount))
    }

    private func model(_ net: LinearFilterRNN, _ delta: [Double], scale: Double = 1) -> LinearizedFilterRNN {
        var m = LinearizedFilterRNN(around: net)
        delta.map { scale * $0 }.withUnsafeBufferPointer { m.read(from: $0) }
        return m
    }

    private func response(_ a: Matrix, _ b: [Double], _ c: [Double], at t: Double) -> Double {
        zip(c, FilterLearningCheck.matrixExponential(t * a) * b).reduce(0) { $0 + $1.0 * $1.1 }
    }

    @Test func augmentedResponseIsTheFirstOrderTaylorModel() throws {
        let (net, d) = try setup()
        let lin = model(net, d)
        let (a, b, c) = lin.augmentedSystem
        let full = { (eps: Double, t: Double) -> Double in
            let m = self.model(net, d, scale: eps).displaced
            return self.response(m.systemMatrix, m.u, m.outputVector, at: t)
        }
        for t in [0.0, 0.3, 1.0, 2.5] {
            // g0 + ∂_ε g(θ0 + ε d) at ε = 0, by Richardson-extrapolated central differences of the full response.
            let central = { (h: Double) in (full(h, t) - full(-h, t)) / (2 * h) }
            let derivative = (4 * central(5e-4) - central(1e-3)) / 3
            let expected = full(0, t) + derivative
            let got = response(a, b, c, at: t)
            #expect(abs(got - expected) <= 1e-9 * max(1, abs(expected)), "t = \(t): g_lin \(got) vs Taylor \(expected)")
            // Dropping δv from c_aug (a wrong model) is visible at the same tolerance.
            var wrongC = c
            for i in 0..<net.units { wrongC[net.units + i] = c[i] }
            #expect(abs(response(a, b, wrongC, at: t) - expected) > 1e-6, "t = \(t): the check must see a missing δv")
        }
    }

    @Test func fullMinusLinearisedLossIsSecondOrder() throws {
        let (net, d) = try setup()
        let distanceN = try ImpulseResponseDistance(dimension: net.units, target: Self.target)
        let distance2N = try ImpulseResponseDistance(dimension: 2 * net.units, target: Self.target)
        let l0 = try net.loss(distanceN)
        #expect(abs(try LinearizedFilterRNN(around: net).loss(distance2N) - l0) <= 1e-13 * l0)
        // Unit-scale δW entries make the ε³ term large (it cancels the ε² term near ε ≈ 5e-3): stay well below that.
        let epsilons = [5e-4, 2.5e-4, 1.25e-4, 6.25e-5]
        var remainders: [Double] = [], firstOrder: [Double] = []
        for eps in epsilons {
            let m = model(net, d, scale: eps)
            let full = try m.displaced.loss(distanceN)
            remainders.append(abs(full - (try m.loss(distance2N))))
            firstOrder.append(abs(full - l0))
        }
        for k in 1..<epsilons.count {
            let ratio = remainders[k - 1] / remainders[k]
            #expect(ratio > 3.6 && ratio < 4.4, "remainder ratio \(ratio) (O(ε²) gives 4); remainders \(remainders)")
            // The zeroth-order model only has an O(ε) remainder: the ratio test tells the orders apart.
            let zerothRatio = firstOrder[k - 1] / firstOrder[k]
            #expect(zerothRatio < 2.5, "zeroth-order ratio \(zerothRatio)")
        }
    }

    private func gradientFlat(_ m: LinearizedFilterRNN, _ distance: ImpulseResponseDistance) throws -> (Double, [Double]) {
        var augmented = SystemGradient(dimension: 2 * m.units), g = SystemGradient(dimension: m.units)
        let loss = try m.lossAndGradient(distance, augmented: &augmented, into: &g)
        return (loss, g.a.storage + g.b + g.c)
    }

    @Test func gradientMatchesFiniteDifferences() throws {
        let (net, d) = try setup(units: 4)
        let distance = try ImpulseResponseDistance(dimension: 8, target: Self.target)
        let m = model(net, d, scale: 0.3)
        let (_, exact) = try gradientFlat(m, distance)
        var flat = [Double](repeating: 0, count: net.parameterCount)
        flat.withUnsafeMutableBufferPointer { m.write(into: $0) }
        let fd = try FilterLearningCheck.finiteDifferenceGradient(at: flat) { point in
            var moved = m
            point.withUnsafeBufferPointer { moved.read(from: $0) }
            return try moved.loss(distance)
        }
        let n = net.units, nn = n * n
        for (name, range) in [("δW", 0..<nn), ("δu", nn..<(nn + n)), ("δv", (nn + n)..<(nn + 2 * n))] {
            let error = FilterLearningCheck.relativeError(exact, fd, range)
            #expect(error <= 1e-7, "\(name): relative error \(error)")
        }
        // At δθ = 0 the linearised gradient is the full network's gradient.
        var g = SystemGradient(dimension: n)
        _ = try net.lossAndGradient(ImpulseResponseDistance(dimension: n, target: Self.target), into: &g)
        let (_, atZero) = try gradientFlat(LinearizedFilterRNN(around: net), distance)
        #expect(FilterLearningCheck.relativeError(atZero, g.a.storage + g.b + g.c, 0..<flat.count) <= 1e-11)
        // …and differs from it away from δθ = 0 (the test sees the displacement).
        #expect(FilterLearningCheck.relativeError(exact, g.a.storage + g.b + g.c, 0..<flat.count) > 1e-3)
    }

    @Test func lossIsQuadraticSoTheFlowIsLinear() throws {
        let (net, d) = try setup()
        let distance = try ImpulseResponseDistance(dimension: 2 * net.units, target: Self.target)
        var other = RandomStreams(seed: 131).child("linearised-test").stream("second")
        let e = other.gaussians(net.parameterCount)
        let (_, g0) = try gradientFlat(LinearizedFilterRNN(around: net), distance)
        let (_, gd) = try gradientFlat(model(net, d, scale: 0.4), distance)
        let (_, ge) = try gradientFlat(model(net, e, scale: 0.4), distance)
        let (_, gde) = try gradientFlat(model(net, zip(d, e).map { $0 + $1 }, scale: 0.4), distance)
        let defect = zip(zip(gde, g0).map { $0 + $1 }, zip(gd, ge).map { $0 + $1 }).map { $0 - $1 }
        let norm = gd.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let defectNorm = defect.reduce(0) { $0 + $1 * $1 }.squareRoot()
        #expect(defectNorm <= 1e-10 * norm, "∇L is affine in δθ: defect \(defectNorm) vs \(norm)")
        // Along a line the loss is a quadratic: its third difference vanishes (it does not for the full loss).
        let lin = try [0.0, 1, 2, 3].map { try model(net, d, scale: 0.2 * $0).loss(distance) }
        let third = lin[3] - 3 * lin[2] + 3 * lin[1] - lin[0]
        #expect(abs(third) <= 1e-11 * lin.map(abs).max()!, "third difference \(third)")
        let distanceN = try ImpulseResponseDistance(dimension: net.units, target: Self.target)
        let full = try [0.0, 1, 2, 3].map { try model(net, d, scale: 0.05 * $0).displaced.loss(distanceN) }
        #expect(abs(full[3] - 3 * full[2] + 3 * full[1] - full[0]) > 1e-8)
    }

    @Test func linearisedFlowTracksTheFullFlowAtShortTimes() throws {
        let net = try LinearFilterRNN.random(units: 8, sigma: 0.5, streams: RandomStreams(seed: 132).child("tracking"))
        let integrator = DormandPrince54(relativeTolerance: 1e-12, absoluteTolerance: 1e-14)
        let times = [0.0125, 0.025, 0.05, 0.1]
        let full = try ImpulseResponseFlow(target: Self.target, integrator: integrator).run(from: net, recordingAt: times)
        let lazy = try LinearizedFilterFlow(target: Self.target, integrator: integrator).run(around: net, recordingAt: times)
        let l0 = try net.loss(ImpulseResponseDistance(dimension: 8, target: Self.target))
        let gaps = zip(full.losses, lazy.losses).map { abs($0 - $1) / l0 }
        for k in 1..<times.count {
            let ratio = gaps[k] / gaps[k - 1]
            #expect(ratio > 3.5 && ratio < 4.5, "loss gap ratio \(ratio) (O(t²) gives 4); gaps \(gaps)")
        }
        // Both learn: the drop itself is first order in t, far above the gap.
        #expect(zip(lazy.losses, gaps).allSatisfy { (l0 - $0) / l0 > 5 * $1 }, "drops vs gaps \(gaps)")
        // The displaced network follows the full one to O(t²) in the parameters as well.
        let fullFinal = full.finalNetwork, lazyFinal = lazy.finalModel.displaced
        let step = (fullFinal.w - net.w).frobeniusNorm
        let gap = (fullFinal.w - lazyFinal.w).frobeniusNorm
        #expect(gap <= 0.2 * step, "‖W_full − W_lin‖ = \(gap) vs ‖W_full − W0‖ = \(step)")
        #expect(lazy.gradientEvaluations > lazy.acceptedSteps && lazy.weightChanges.first! > 0)
    }
}
