import Foundation
import Numerics
import Testing
@testable import Linalg
@testable import Networks
@testable import Training

@Suite struct InitializerTests {
    @Test func eigenAlignedNetworkCarriesTheRequestedComplexModes() throws {
        var rng = RandomStreams(seed: 12).stream("eigen")
        let q = try Matrix.haarOrthogonal(5, using: &rng)
        let basis = EigenBasis(q: q, isPair: [true, false, true])
        let b: [Complex<Double>] = [Complex(0.6, 0.3), Complex(-0.4, 0), Complex(0.2, -0.5)]
        let net = Initializer.alignedEigen(a: [Complex(1, 0.2), Complex(0.5, 0), Complex(0.3, 0.1)], b: b,
                                           c: [Complex(0.7, -0.1), Complex(2, 0), Complex(1, 0)], basis: basis)
        // W_h's spectrum is {b_k, conj(b_k)} for pairs and b_k for real modes.
        let ev = try net.wh.eigenvalues()
        let expected = [b[0], b[0].conjugate, b[1], b[2], b[2].conjugate]
        for e in expected { #expect(ev.contains { ($0 - e).length < 1e-12 }) }
        // Projection recovers the modes, and products multiply as complex numbers (shared eigenvectors).
        let rec = basis.modes(of: net.wh)
        for (x, y) in zip(rec, b) { #expect((x - y).length < 1e-12) }
        let lag2 = basis.modes(of: net.lagMap(2))
        #expect((lag2[0] - Complex(0.7, -0.1) * b[0] * b[0] * Complex(1, 0.2)).length < 1e-12)
        // Eigenvector convention (spec erratum 7): for [[μ, −ν], [ν, μ]] the eigenvector of μ + iν is (1, −i)/√2.
        let block = basis.blockMatrix(b)
        let v = [Complex(1.0, 0), Complex(0, -1.0)].map { $0 / Complex(2.0.squareRoot(), 0) }
        let bv0 = Complex(block[0, 0], 0) * v[0] + Complex(block[0, 1], 0) * v[1]
        let bv1 = Complex(block[1, 0], 0) * v[0] + Complex(block[1, 1], 0) * v[1]
        #expect((bv0 - b[0] * v[0]).length < 1e-14 && (bv1 - b[0] * v[1]).length < 1e-14)
    }

    @Test(arguments: [(-0.5, 0.3), (0.0, 0.01), (2.0, 0.4)])
    func lambdaBalancedModesHaveTheRequestedImbalanceAndProduct(lambda: Double, u0: Double) {
        let (a, c) = Initializer.lambdaBalancedModes(lambda: lambda, u0: u0)
        #expect(abs(c * c - a * a - lambda) < 1e-12)
        #expect(abs(a * c - u0) < 1e-14)
    }

    @Test func gaussianInitialiserUsesTheFanConvention() {
        var rng = RandomStreams(seed: 13).stream("gauss")
        let w = Initializer.gaussian(rows: 200, cols: 50, scale: 2, fan: .fanIn, rng: &rng)
        let std = (w.dot(w) / Double(w.count)).squareRoot()
        #expect(abs(std - 2 / 50.0.squareRoot()) < 0.01)
        var rng2 = RandomStreams(seed: 13).stream("gauss")
        let w2 = Initializer.gaussian(rows: 200, cols: 50, scale: 2, fan: .fanOut, rng: &rng2)
        #expect(abs((w2.dot(w2) / Double(w2.count)).squareRoot() - 2 / 200.0.squareRoot()) < 0.005)
    }

    @Test func recorderProbesMeasureModesAndEigenvalues() throws {
        var rng = RandomStreams(seed: 14).stream("probe")
        let basis = TaskBasis(uy: try Matrix.haarOrthogonal(3, using: &rng), vx: try Matrix.haarOrthogonal(3, using: &rng),
                              r: try Matrix.haarOrthogonal(3, using: &rng))
        let net = Initializer.aligned(a: [0.1, 0.2, 0.3], b: [0.9, -0.2, 0.5], c: [1, 2, 3], basis: basis)
        var rec = Recorder<LinearRNN>(schedule: .steps([]), probes: Probe.modes(in: basis) + Probe.recurrentEigenvalues())
        rec.begin(totalSteps: 0)
        rec.record(step: 0, loss: 1, model: net)
        let r = rec.recording
        #expect(r.probes["modes_b"]![0].enumerated().allSatisfy { abs($0.element - [0.9, -0.2, 0.5][$0.offset]) < 1e-12 })
        #expect(r.probes["modes_c"]![0].enumerated().allSatisfy { abs($0.element - [1, 2, 3][$0.offset]) < 1e-12 })
        let re = r.probes["eig_Wh_real"]![0], im = r.probes["eig_Wh_imag"]![0]
        for (x, y) in zip(re, [0.9, 0.5, -0.2]) { #expect(abs(x - y) < 1e-12) }   // sorted by modulus
        #expect(im.allSatisfy { abs($0) < 1e-12 })
    }
}
