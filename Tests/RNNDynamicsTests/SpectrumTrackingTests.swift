import Foundation
import Numerics
import Testing
@testable import Analysis
@testable import Linalg

/// Deterministic reordering of a set (reversal plus rotation), so tracking cannot rely on input order.
private func scrambled<T>(_ values: [T], _ t: Int) -> [T] {
    let r = t % 2 == 0 ? values : values.reversed()
    let k = t % r.count
    return Array(r[k...] + r[..<k])
}

struct SpectrumTrackingTests {
    @Test func linearPredictionFollowsACrossingAndPlainMatchingBounces() throws {
        let times = [0, 0.15, 0.3, 0.45, 0.6, 0.75, 0.9]
        func z1(_ t: Double) -> Complex<Double> { Complex(-1 + 2 * t, 0) * Complex(1, 0.5) }
        func z2(_ t: Double) -> Complex<Double> { Complex(1 - 2 * t, 0) * Complex(1, -0.5) }
        let spectra = times.enumerated().map { scrambled([z1($1), z2($1), Complex(2, 0)], $0) }
        let first = spectra[0]
        let i1 = first.firstIndex(of: z1(0))!, i2 = first.firstIndex(of: z2(0))!, iStatic = first.firstIndex(of: Complex(2, 0))!
        let tracked = try EigenvalueTracker(prediction: .linear).track(spectra, times: times)
        for (j, t) in times.enumerated() {
            #expect((tracked.values[i1][j] - z1(t)).length < 1e-12)
            #expect((tracked.values[i2][j] - z2(t)).length < 1e-12)
            #expect(tracked.values[iStatic][j] == Complex(2, 0))
        }
        #expect(tracked.displacements.count == times.count - 1)
        // Nearest-set matching swaps the two tracks at the crossing (the values bounce off each other).
        let bounced = try EigenvalueTracker(prediction: .previous).track(spectra, times: times)
        #expect((bounced.values[i1].last! - z2(0.9)).length < 1e-12)
        #expect(bounced.displacements[3] < tracked.displacements[3])
    }

    @Test func randomMatrixFillsTheCircularLawDisk() throws {
        var rng = RandomStreams(seed: 400).stream("circular-law")
        let n = 400, sigma = 0.7
        let w = rng.gaussianMatrix(rows: n, cols: n, std: sigma / Double(n).squareRoot())
        let eigenvalues = try w.eigenvalues()
        let radius = eigenvalues.map(\.length).max()!
        #expect(abs(radius / sigma - 1) < 0.05, "spectral radius \(radius) vs σ = \(sigma)")
        let law = CircularLaw(estimatingFrom: w)
        #expect(abs(law.sigma / sigma - 1) < 0.02)
        // Uniform density: a quarter of the eigenvalues lie within σ/2.
        let inner = Double(eigenvalues.filter { $0.length < sigma / 2 }.count) / Double(n)
        #expect(abs(inner - 0.25) < 0.04, "fraction inside σ/2: \(inner)")
        #expect(law.density(at: Complex(0.1, 0)) == 1 / (Double.pi * law.sigma * law.sigma))
        #expect(law.density(at: Complex(0.8, 0)) == 0)
        // No outliers at the initial time under the default rule.
        let tracks = try EigenvalueTracker().track([eigenvalues], times: [0])
        #expect(tracks.outliers(rule: BulkOutlierRule(radius: .circularLaw(sigma: sigma))).isEmpty)
        let boundary = law.boundary(points: 64)
        #expect(boundary.real.count == 65 && boundary.real.first == boundary.real.last)
        #expect(zip(boundary.real, boundary.imaginary).allSatisfy { abs(($0 * $0 + $1 * $1).squareRoot() - law.sigma) < 1e-12 })
    }

    @Test func syntheticOutliersAreDetectedWhenTheyLeaveForGood() throws {
        var rng = RandomStreams(seed: 7).stream("bulk")
        let sigma = 0.5
        // 30 bulk eigenvalues inside radius 0.45 that jitter slightly, one steady escapee and one that leaves,
        // returns, and leaves again.
        let bulk = (0..<30).map { _ -> Complex<Double> in
            let r = 0.45 * rng.uniform().squareRoot(), phase = 2 * Double.pi * rng.uniform()
            return Complex(r * cos(phase), r * sin(phase))
        }
        let times = (0...10).map(Double.init)
        func steady(_ t: Double) -> Complex<Double> { Complex(0.1 + 0.1 * t, 0) }           // |z| > 0.55 from t = 5
        func returning(_ t: Double) -> Complex<Double> {                                     // out at 2, back at 3, out from 8
            let r = t == 2 ? 0.7 : (t < 8 ? 0.2 : 0.6 + 0.05 * (t - 8))
            return Complex(0, r)
        }
        let spectra = times.enumerated().map { j, t in
            scrambled(bulk.map { $0 + Complex(0.002 * sin(t), 0.002 * cos(t)) } + [steady(t), returning(t)], j)
        }
        let tracks = try EigenvalueTracker().track(spectra, times: times)
        let outliers = tracks.outliers(rule: BulkOutlierRule(radius: .circularLaw(sigma: sigma)))
        #expect(outliers.count == 2)
        #expect(outliers.map(\.exitTime) == [5, 8])
        #expect((outliers[0].finalValue - steady(10)).length < 1e-12)
        #expect((outliers[1].finalValue - returning(10)).length < 1e-12)
        // The empirical radius (largest initial modulus, 0.2…0.45 here) gives a smaller threshold and earlier exits.
        let empirical = BulkOutlierRule(radius: .initialSpectrum, relativeMargin: 0.1)
        #expect(empirical.threshold(initialSpectrum: spectra[0]) < 0.55)
    }

    @Test func trackerRejectsMalformedInput() {
        let a = [Complex<Double>(0, 0), Complex(1, 0)]
        #expect(throws: LinalgError.self) { try EigenvalueTracker().track([a, [Complex(0, 0)]], times: [0, 1]) }
        #expect(throws: LinalgError.self) { try EigenvalueTracker().track([a, a], times: [1, 1]) }
        #expect(throws: LinalgError.self) { try EigenvalueTracker().track([a], times: [0, 1]) }
        #expect(throws: LinalgError.self) { try EigenvalueTracker().track([[Complex(.nan, 0), Complex(1, 0)]], times: [0]) }
    }
}
