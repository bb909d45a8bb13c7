import Foundation
import Numerics
import Testing
@testable import ExperimentKit
@testable import Linalg
@testable import Networks
@testable import Proca2025
@testable import Tasks
@testable import Training

/// The rotational (eigen-aligned, complex-mode) figures of Proca et al. 2025 (Figs. A9–A11) and the spec's
/// complex optima at T = 6 (§14.2), each checked against numbers derived here independently of the experiment code.
@Suite(.serialized) struct Proca2025RotationTests {
    /// Plain gradient descent on one complex mode, written out from the spec's Eqs. 182–184 (GD on real and
    /// imaginary parts): returns (b, ac, energy ½Σ|r|²) after each step, index 0 = start.
    static func euler(d: [Complex<Double>], initial z0: Complex<Double>, eta: Double, steps: Int)
        -> [(b: Complex<Double>, ac: Complex<Double>, energy: Double)] {
        let T = d.count
        var a = z0, b = z0, c = z0
        var out = [(b: Complex<Double>, ac: Complex<Double>, energy: Double)]()
        for n in 0...steps {
            var x = Complex<Double>.zero, y = Complex<Double>.zero, e = 0.0
            let u = a * c
            for i in 1...T {
                let k = T - i
                var bk = Complex<Double>(1), bkm1 = Complex<Double>(1)
                for j in 0..<k { bk = bk * b; if j < k - 1 { bkm1 = bkm1 * b } }
                let r = d[i - 1] - u * bk
                e += 0.5 * r.lengthSquared
                x = x + bk.conjugate * r
                if k >= 1 { y = y + Complex(Double(k)) * bkm1.conjugate * r }
            }
            out.append((b, u, e))
            if n == steps { break }
            let da = c.conjugate * x, db = u.conjugate * y, dc = a.conjugate * x
            a = a + Complex(eta) * da; b = b + Complex(eta) * db; c = c + Complex(eta) * dc
        }
        return out
    }

    static func polar(_ r: Double, _ phi: Double) -> Complex<Double> { Complex(r * cos(phi), r * sin(phi)) }
    static func power(_ z: Complex<Double>, _ k: Int) -> Complex<Double> { (0..<k).reduce(Complex(1)) { p, _ in p * z } }

    static func values(_ r: ExperimentResult, _ name: String) throws -> [Double] { try #require(r.dataset[name]).values }

    // MARK: Fig. A9

    @Test func figA9ConvergesToTheOptimaAngleFirst() throws {
        let (result, resolved) = try ProcaFigA9().run(.quick)
        for c in result.checks { #expect(c.holds, "\(c.claim): \(c.evidence)") }
        #expect(result.checks.count == 2)
        let eta = try #require(resolved["learning_rate"] as? Double), steps = try #require(resolved["steps"] as? Int)
        let T = 6
        let step = try Self.values(result, "step")
        // Independent GD on the mode equations: the eigen-aligned 2×2 LRNN must match it step for step (GD on the
        // full matrices is exactly Euler on the modes), and end at the spec's §8.2 / §14.2 numbers.
        let cases: [(String, [Complex<Double>], Complex<Double>, Complex<Double>)] = [
            ("constant", [Complex<Double>](repeating: Self.polar(0.7, .pi / 6), count: T), Complex(1), Self.polar(0.7, .pi / 6)),
            ("inverse_exponential", (1...T).map { Self.polar(pow(0.9, Double(T - $0)), Double(T - $0) * .pi / 6) },
             Self.polar(0.9, .pi / 6), Complex(1)),
            ("exponential", (1...T).map { Self.polar(pow(1.05, Double($0)), Double($0) * .pi / 6) },
             Self.polar(1 / 1.05, -.pi / 6), Complex(-1.340095640625)),
        ]
        for (key, d, bStar, acStar) in cases {
            let ref = Self.euler(d: d, initial: Complex(0.1), eta: eta, steps: steps)
            let bRe = try Self.values(result, "b_re_sim_\(key)"), bIm = try Self.values(result, "b_im_sim_\(key)")
            let acRe = try Self.values(result, "ac_re_sim_\(key)"), acIm = try Self.values(result, "ac_im_sim_\(key)")
            var worst = 0.0
            for (i, s) in step.enumerated() {
                let r = ref[Int(s)]
                worst = max(worst, (Complex(bRe[i], bIm[i]) - r.b).length, (Complex(acRe[i], acIm[i]) - r.ac).length)
            }
            #expect(worst < 1e-10, "\(key): LRNN vs mode GD, worst |Δ| = \(worst)")
            #expect((Complex(bRe.last!, bIm.last!) - bStar).length < 1e-9, "\(key): b_end")
            #expect((Complex(acRe.last!, acIm.last!) - acStar).length < 1e-9, "\(key): ac_end")
            // The loss array is the network loss: 2 × the per-mode energy of the independent GD.
            let loss = try Self.values(result, "loss_sim_\(key)")
            #expect(abs(loss[0] - 2 * ref[0].energy) < 1e-12 * loss[0])
        }
        // The angle of b in the inverse-exponential column leads its radius (independently of the check's code).
        let ref = Self.euler(d: cases[1].1, initial: Complex(0.1), eta: eta, steps: steps)
        let angle90 = ref.firstIndex { $0.b.phase >= 0.9 * Double.pi / 6 }!
        let radius90 = ref.firstIndex { $0.b.length >= 0.1 + 0.9 * (0.9 - 0.1) }!
        #expect(angle90 < radius90, "angle at \(angle90), radius at \(radius90)")
        // GD lags the flow by O(η); at the quick step the largest gap (exponential ac) is ≈ 10 %.
        #expect(try #require(result.theoryError) < 0.15)
        // Layout: 3 rows × 3 columns, row 1 complex planes with the unit circle.
        #expect(result.figure.columns == 3 && result.figure.panels.count == 9)
        for p in result.figure.panels.prefix(3) {
            guard case .complexPlane(_, let unit) = p.content else { Issue.record("row 1 must be complex planes"); continue }
            #expect(unit)
        }
    }

    /// The theory–simulation gap is GD's Euler discretisation: it halves when the step halves.
    @Test func theoryGapIsFirstOrderInTheStep() throws {
        let col = RotationalColumn(key: "e", label: "exponential", family: .exponential, delta: ComplexPair(1),
                                   lambda: ComplexPair(radius: 1.05, angle: .pi / 6))
        let gaps = try [(0.01, 1000), (0.005, 2000)].map { eta, steps in
            try ComplexModeComparison(column: col, timeSteps: 6, initial: .uniform(Complex(0.1)), learningRate: eta, steps: steps,
                                      recordEvery: 5, theorySubsteps: 4, streams: RandomStreams(seed: 3)).worstRelativeGap
        }
        let ratio = gaps[0] / gaps[1]
        #expect(ratio > 1.6 && ratio < 2.4, "gaps \(gaps), ratio \(ratio)")
    }

    // MARK: Fig. A10

    @Test func figA10RotationSenseExcursionAndSpeed() throws {
        let (result, resolved) = try ProcaFigA10().run(.quick)
        for c in result.checks { #expect(c.holds, "\(c.claim): \(c.evidence)") }
        #expect(result.checks.count == 3)
        let eta = try #require(resolved["learning_rate"] as? Double)
        let phis = [Double.pi / 8, -Double.pi / 8, Double.pi / 4, -3 * Double.pi / 4], T = 6
        #expect(try Self.values(result, "lambda_angle") == phis)
        var ninety = [Int]()
        for (k, phi) in phis.enumerated() {
            // Task eigenvalues d_t = e^{i(T−t)φ}.
            let re = try Self.values(result, "d_re_phi\(k)"), im = try Self.values(result, "d_im_phi\(k)")
            for t in 1...T {
                #expect(abs(re[t - 1] - cos(Double(T - t) * phi)) < 1e-12 && abs(im[t - 1] - sin(Double(T - t) * phi)) < 1e-12)
            }
            // Im b and the peak of Im ac have the sign of sin φ.
            let bIm = try Self.values(result, "b_im_sim_phi\(k)").dropFirst()
            #expect(bIm.allSatisfy { $0 * sin(phi) > 0 })
            let acIm = try Self.values(result, "ac_im_sim_phi\(k)")
            let peak = acIm.max { abs($0) < abs($1) }!
            #expect(peak * sin(phi) > 0 && abs(peak) > 0.01, "φ = \(phi): peak Im ac \(peak)")
            // Steps to a 90 % loss drop from the independent mode GD (integer steps; the experiment interpolates).
            let d = (1...T).map { Self.polar(1, Double(T - $0) * phi) }
            let ref = Self.euler(d: d, initial: Complex(0.1), eta: eta, steps: 1500)
            ninety.append(ref.firstIndex { $0.energy <= 0.1 * ref[0].energy }!)
        }
        let measured = try Self.values(result, "steps_to_loss_drop")
        for (m, n) in zip(measured, ninety) { #expect(abs(m - Double(n)) < 2, "\(m) vs \(n)") }
        #expect(ninety[3] > ninety.prefix(3).max()!, "φ = −3π/4 slowest: \(ninety)")
        #expect(ninety[0] == ninety[1], "conjugate angles learn at the same speed: \(ninety)")
    }

    /// Spec §8.3: with b(0) = −0.2 the speed order of the angles reverses (±π/8, now farthest from b(0), is slowest),
    /// and the ac excursion flips sign (b → −b maps the run onto λ → −λ).
    @Test func figA10NegativeInitialRecurrentModeReversesTheOrder() throws {
        let (result, _) = try ProcaFigA10().run(.quick, overrides: ["initial_b": -0.2, "steps": 4000, "record_every": 8])
        for c in result.checks { #expect(c.holds, "\(c.claim): \(c.evidence)") }
        let speed = try Self.values(result, "steps_to_loss_drop")
        #expect(speed[0] > speed[2] && speed[2] > speed[3], "π/8, π/4, −3π/4: \(speed)")
        let acIm = try Self.values(result, "ac_im_sim_phi0")
        #expect(acIm.max { abs($0) < abs($1) }! < 0)
    }

    // MARK: Fig. A11

    @Test func figA11StabilityAndSpeed() throws {
        let (result, resolved) = try ProcaFigA11().run(.quick)
        for c in result.checks { #expect(c.holds, "\(c.claim): \(c.evidence)") }
        #expect(result.checks.count == 2)
        let eta = try #require(resolved["learning_rate"] as? Double)
        let radii = [0.4, 0.9, 1.0, 1.05], T = 6
        var ninety = [Int]()
        for (k, r) in radii.enumerated() {
            // Learned |b| = R and arg b = π/6; classify by hand.
            let rad = try Self.values(result, "b_radius_sim_R\(k)").last!, ang = try Self.values(result, "b_angle_sim_R\(k)").last!
            #expect(abs(rad - r) < 1e-9 && abs(ang - .pi / 6) < 1e-9, "R = \(r): |b| = \(rad), arg b = \(ang)")
            #expect(r < 1 ? rad < 1 - 1e-6 : r > 1 ? rad > 1 + 1e-6 : abs(rad - 1) < 1e-9)
            // |d_t| = R^{T−t}: grows along t for R < 1, constant at 1, shrinks for R > 1.
            let re = try Self.values(result, "d_re_R\(k)"), im = try Self.values(result, "d_im_R\(k)")
            let mod = zip(re, im).map { ($0 * $0 + $1 * $1).squareRoot() }
            for t in 1...T { #expect(abs(mod[t - 1] - pow(r, Double(T - t))) < 1e-12) }
            let d = (1...T).map { Self.polar(pow(r, Double(T - $0)), Double(T - $0) * .pi / 6) }
            let ref = Self.euler(d: d, initial: Complex(0.1), eta: eta, steps: 2000)
            ninety.append(ref.firstIndex { $0.energy <= 0.1 * ref[0].energy }!)
        }
        #expect(ninety == ninety.sorted(by: >) && Set(ninety).count == ninety.count, "larger R faster: \(ninety)")
        let measured = try Self.values(result, "steps_to_loss_drop")
        for (m, n) in zip(measured, ninety) { #expect(abs(m - Double(n)) < 2, "\(m) vs \(n)") }
    }

    // MARK: §14.2 complex optima at T = 6, from the full-matrix network

    /// One 6×6 eigen-aligned LRNN carrying three conjugate-pair blocks (constant, inverse-exponential, exponential)
    /// trained by population GD converges block by block to the spec's complex optima.
    @Test func complexOptimaAtT6FromTheFullMatrixNetwork() throws {
        var rng = RandomStreams(seed: 14).stream("data")
        let task = try RotationalTask(
            profiles: [.polar(.constant, deltaRadius: 0.7, deltaAngle: .pi / 6),
                       .polar(.inverseExponential, deltaRadius: 1, lambdaRadius: 0.9, lambdaAngle: .pi / 6),
                       .polar(.exponential, deltaRadius: 1, lambdaRadius: 1.05, lambdaAngle: .pi / 6)],
            isPair: [true, true, true], timeSteps: 6, rng: &rng)
        let z0 = [Complex<Double>](repeating: Complex(0.1), count: 3)
        let net = Initializer.alignedEigen(a: z0, b: z0, c: z0, basis: task.basis)
        var source = PopulationGradient(task: task.population, model: net)
        var rec = Recorder<LinearRNN>(schedule: .every(3000), recordsParameters: false)
        let run = Trainer.train(net, source: &source, options: TrainingOptions(steps: 3000, optimizer: Optimizer(.gd, learningRate: 0.01)),
                                recorder: &rec)
        #expect(run.stop == .completed)
        #expect(run.losses.last! < 1e-20, "final loss \(run.losses.last!)")
        let a = task.basis.modes(of: run.model.wx), b = task.basis.modes(of: run.model.wh), c = task.basis.modes(of: run.model.wy)
        let ac = zip(a, c).map { $0 * $1 }
        // constant δ = 0.7 e^{iπ/6}: b = 1, ac = δ.
        #expect((b[0] - Complex(1)).length < 1e-9)
        #expect((ac[0] - Self.polar(0.7, .pi / 6)).length < 1e-9)
        // inverse-exponential λ = 0.9 e^{iπ/6}: |b| = 0.9, arg b = π/6, ac = 1.
        #expect(abs(b[1].length - 0.9) < 1e-9 && abs(b[1].phase - .pi / 6) < 1e-9)
        #expect((ac[1] - Complex(1)).length < 1e-9)
        // exponential λ = 1.05 e^{iπ/6}: b = 1/λ, ac = λ⁶ ≈ −1.3401.
        #expect((b[2] - Self.polar(1 / 1.05, -.pi / 6)).length < 1e-9)
        #expect((ac[2] - Self.power(Self.polar(1.05, .pi / 6), 6)).length < 1e-9)
        #expect(abs(ac[2].real - (-1.3401)) < 5e-5 && abs(ac[2].imaginary) < 1e-9)
        // The recurrent matrix's eigenvalues are b and b̄ per block (the network is a genuine rotation, not real modes).
        let ev = try run.model.wh.eigenvalues().map { Complex($0.real, $0.imaginary) }
        for z in b { for w in [z, z.conjugate] { #expect(ev.contains { ($0 - w).length < 1e-8 }, "eigenvalue \(w) of W_h") } }
    }

    // MARK: configuration

    @Test func rotationalConfigsAreChecked() {
        #expect(throws: ConfigError.self) { _ = try ProcaFigA10().run(.quick, overrides: ["lambda_angles": [Double]()]) }
        #expect(throws: ConfigError.self) { _ = try ProcaFigA11().run(.quick, overrides: ["lambda_radius": [1.0]]) }
        #expect(throws: ConfigError.self) { _ = try ProcaFigA9().run(.quick, overrides: ["learning_rate": 2.0]) }
    }
}
