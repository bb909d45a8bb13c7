import Foundation
import Numerics
import Testing
@testable import Linalg
@testable import Networks
@testable import Tasks

/// Issue 13 engine: the Krylov route of the impulse-response distance against the Schur route and dense solves.
@Suite struct KrylovGramianTests {
    /// `−I + σ G / √n` with G standard normal.
    static func stableMatrix(_ n: Int, sigma: Double, seed: UInt64) -> Matrix {
        var rng = RandomStreams(seed: seed).stream("krylov-test")
        let g = Matrix(rows: n, cols: n) { _, _ in rng.gaussian() }
        return Matrix(rows: n, cols: n) { i, j in (i == j ? -1 : 0) + sigma * g[i, j] / Double(n).squareRoot() }
    }

    static func relative(_ x: [Double], _ y: [Double]) -> Double {
        var num = 0.0, den = 0.0
        for k in x.indices { num += (x[k] - y[k]) * (x[k] - y[k]); den += y[k] * y[k] }
        return (num / max(den, .leastNormalMagnitude)).squareRoot()
    }

    /// The projected Gramian and shifted solves equal the dense Lyapunov solution and LU solves.
    @Test(arguments: [0.1, 0.5])
    func projectionEqualsDenseSolves(sigma: Double) throws {
        let n = 80
        let a = Self.stableMatrix(n, sigma: sigma, seed: 3)
        var rng = RandomStreams(seed: 4).stream("b")
        let b = (0..<n).map { _ in rng.gaussian() }
        let kg = KrylovGramian(dimension: n, maxRank: n / 2)
        let shifts: [(sigma: Complex<Double>, tau: Complex<Double>)] = [(Complex(0.3), Complex(-1)), (Complex(0.4, 1.5), Complex(-1))]
        #expect(try kg.build(a, transposed: false, start: b, shifts: shifts, tolerance: 1e-14))
        #expect(kg.rank <= (sigma < 0.2 ? 16 : 32), "σ = \(sigma): the projection needed \(kg.rank) vectors")
        let m = kg.rank
        let v = Matrix(rows: n, cols: m, columnMajor: Array(UnsafeBufferPointer(start: kg.basis, count: n * m)))
        let p = v * kg.projectedGramian * v.transposed
        let bbT = Matrix(rows: n, cols: n) { i, j in b[i] * b[j] }
        let dense = try Matrix.solveContinuousLyapunov(a: a, q: bbT)
        #expect(Self.relative(p.storage, dense.storage) <= 1e-12, "σ = \(sigma): Gramian error \(Self.relative(p.storage, dense.storage))")
        // (σ I + τ A) x = b against a dense complex solve through the real 2n×2n form.
        for (k, (s, t)) in shifts.enumerated() {
            let y = kg.projectedSolves[k]
            let xr = v * y.map(\.real), xi = v * y.map(\.imaginary)
            // Residual (s + t A)(xr + i xi) − b.
            let axr = a * xr, axi = a * xi
            var res = 0.0
            for i in 0..<n {
                let re = s.real * xr[i] - s.imaginary * xi[i] + t.real * axr[i] - t.imaginary * axi[i] - b[i]
                let im = s.real * xi[i] + s.imaginary * xr[i] + t.real * axi[i] + t.imaginary * axr[i]
                res += re * re + im * im
            }
            #expect(res.squareRoot() <= 1e-12 * BLAS.dot(b, b).squareRoot(), "shift \(k): residual \(res.squareRoot())")
        }
    }

    /// Loss and gradients by the two routes agree to round-off for every continuous target.
    @Test func krylovRouteEqualsSchurRoute() throws {
        for (name, target) in try ImpulseResponseDistanceTests.continuousTargets() {
            for (n, sigma) in [(40, 0.2), (96, 0.5)] {
                let net = try LinearFilterRNN.random(units: n, sigma: sigma, streams: RandomStreams(seed: 9).child("route"))
                let fast = try ImpulseResponseDistance(dimension: n, target: target, method: .krylov)
                let slow = try ImpulseResponseDistance(dimension: n, target: target, method: .schur)
                var gf = SystemGradient(dimension: n), gs = SystemGradient(dimension: n)
                let lf = try net.lossAndGradient(fast, into: &gf), ls = try net.lossAndGradient(slow, into: &gs)
                #expect(fast.krylovEvaluations == 1 && slow.schurEvaluations == 1, "\(name) N=\(n): routes \(fast.krylovEvaluations)/\(slow.schurEvaluations)")
                #expect(abs(lf - ls) <= 1e-13 * max(1, abs(ls)), "\(name) N=\(n): loss \(lf) vs \(ls)")
                for (label, x, y) in [("W", gf.a.storage, gs.a.storage), ("u", gf.b, gs.b), ("v", gf.c, gs.c)] {
                    #expect(Self.relative(x, y) <= 1e-11, "\(name) N=\(n) ∂L/∂\(label): \(Self.relative(x, y))")
                }
            }
        }
    }

    /// Without the certificate (a stable A whose symmetric part is indefinite) the Schur route runs, and an unstable
    /// A is refused exactly as by the Schur route.
    @Test func uncertifiedAndUnstableSystemsTakeTheSchurRoute() throws {
        let n = 40
        var a = Self.stableMatrix(n, sigma: 0.1, seed: 5)
        a[0, 1] += 4   // shear: eigenvalues unchanged in kind, A + Aᵀ indefinite
        var scratch = Matrix(rows: n, cols: n)
        #expect(!KrylovGramian.certifiesStability(a, scratch: &scratch))
        let b = [Double](repeating: 1, count: n), c = (0..<n).map { Double($0 % 3) - 1 }
        let target = try FilterTarget.leakyIntegrator(rate: 0.3)
        let fast = try ImpulseResponseDistance(dimension: n, target: target, method: .krylov)
        let slow = try ImpulseResponseDistance(dimension: n, target: target, method: .schur)
        #expect(try fast.loss(a: a, b: b, c: c) == (try slow.loss(a: a, b: b, c: c)))
        #expect(fast.schurEvaluations == 1 && fast.krylovEvaluations == 0)
        var unstable = a
        unstable[3, 3] = 2
        #expect(throws: FilterLearningError.self) { try fast.loss(a: unstable, b: b, c: c) }
        #expect(KrylovGramian.certifiesStability(Self.stableMatrix(n, sigma: 0.1, seed: 5), scratch: &scratch))
    }

    /// A zero start vector, or a space that does not converge within `maxRank`, is reported as failure.
    @Test func buildReportsWhatItCannotDo() throws {
        let n = 30
        let a = Self.stableMatrix(n, sigma: 0.9, seed: 6)
        let kg = KrylovGramian(dimension: n, maxRank: 4)
        #expect(try !kg.build(a, transposed: false, start: [Double](repeating: 0, count: n), shifts: [], tolerance: 1e-14))
        var rng = RandomStreams(seed: 7).stream("b")
        let b = (0..<n).map { _ in rng.gaussian() }
        #expect(try !kg.build(a, transposed: false, start: b, shifts: [], tolerance: 1e-14))
        #expect(kg.rank == 0)
        #expect(throws: FilterLearningError.self) {
            _ = try ImpulseResponseDistance(dimension: n, target: try FilterTarget.leakyIntegrator(rate: 0.3), krylovTolerance: 0)
        }
    }
}
