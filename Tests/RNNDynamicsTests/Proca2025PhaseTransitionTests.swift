import Foundation
import Testing
@testable import ExperimentKit
@testable import Linalg
@testable import Proca2025

/// Proca et al. Fig. 4 (feed-forward vs recurrent phase transition): the quick run's claims, and its key numbers
/// re-derived independently of the experiment's own code paths.
@Suite(.serialized) struct Proca2025PhaseTransitionTests {
    /// One quick run shared by the tests (the resolved parameters are kept as plain numbers).
    static let quick: (result: ExperimentResult, T: Int, eta: Double, steps: Int, initial: Double) = {
        let (result, resolved) = try! ProcaFig4().run(.quick)
        return (result, resolved["T"] as! Int, resolved["learning_rate"] as! Double, resolved["steps"] as! Int,
                resolved["initial_mode"] as! Double)
    }()

    @Test func quickRunHoldsEveryClaim() throws {
        let result = Self.quick.result
        #expect(result.checks.count == 8)
        for check in result.checks { #expect(check.holds, "\(check.claim): \(check.evidence)") }
        // Full-matrix GD and mode-ODE GD are the same map up to round-off.
        let gap = try #require(result.theoryError)
        #expect(gap <= 1e-9)
        #expect(result.figure.columns == 3 && result.figure.panels.count == 9)
        let d = result.dataset
        let nk = try #require(d["kappa"]).values.count
        for family in ["constant", "exponential", "dirac"] {
            let b = try #require(d["b_\(family)"]), sim = try #require(d["b_\(family)_sim"])
            #expect(b.shape[0] == nk && sim.shape[0] == nk && sim.shape[1] < b.shape[1])
            // No grid point ended at GD's stability edge with the default step size.
            #expect(try #require(d["eta_curvature_\(family)"]).values.allSatisfy { $0 < 1 })
        }
    }

    /// Plain gradient descent on E = ½ Σ_i (s_i − c b^{T−i} a)², written out term by term (no ModeFlow, no lag table).
    static func independentDescent(_ s: [Double], initial: Double, eta: Double, steps: Int) -> (b: Double, ac: Double) {
        let T = s.count
        var a = initial, b = initial, c = initial
        for _ in 0..<steps {
            var ga = 0.0, gb = 0.0, gc = 0.0
            for i in 1...T {
                var p = 1.0
                for _ in 0..<(T - i) { p *= b }
                let r = s[i - 1] - c * p * a
                ga += c * p * r
                gc += a * p * r
                if i < T {
                    var q = 1.0
                    for _ in 0..<(T - i - 1) { q *= b }
                    gb += Double(T - i) * c * a * q * r
                }
            }
            (a, b, c) = (a + eta * ga, b + eta * gb, c + eta * gc)
        }
        return (b, a * c)
    }

    @Test func gridPointsMatchAnIndependentGradientDescent() throws {
        let (result, T, eta, steps, initial) = Self.quick
        let d = result.dataset
        let kappa = try #require(d["kappa"]).values
        // (family, x array, κ index, x index, task): pruned, recurrent, zero-loss-adjacent and Dirac runaway points.
        let cases: [(String, String, Int, Int, (Double, Double) -> [Double])] = [
            ("constant", "delta", 0, 1, { x, k in Array(repeating: x, count: T - 1) + [k] }),
            ("constant", "delta", 2, 4, { x, k in Array(repeating: x, count: T - 1) + [k] }),
            ("exponential", "lambda", 1, 6, { x, k in (1..<T).map { Foundation.pow(x, Double($0)) } + [k] }),
            ("dirac", "beta", 0, 8, { x, k in [x] + Array(repeating: 0, count: T - 2) + [k] }),
            ("dirac", "beta", 2, 1, { x, k in [x] + Array(repeating: 0, count: T - 2) + [k] }),
        ]
        for (family, xName, j, i, task) in cases {
            let x = try #require(d[xName]).values[i]
            let ref = Self.independentDescent(task(x, kappa[j]), initial: initial, eta: eta, steps: steps)
            let nx = try #require(d[xName]).values.count
            let b = try #require(d["b_\(family)"]).values[j * nx + i], ac = try #require(d["ac_\(family)"]).values[j * nx + i]
            #expect(abs(b - ref.b) <= 1e-9 * max(1, abs(ref.b)), "\(family) κ = \(kappa[j]) x = \(x): b \(b) vs \(ref.b)")
            #expect(abs(ac - ref.ac) <= 1e-9 * max(1, abs(ref.ac)), "\(family) κ = \(kappa[j]) x = \(x): ac \(ac) vs \(ref.ac)")
        }
    }

    @Test func threadCountDoesNotChangeTheGrid() {
        let points = (0..<7).map { k in
            ModeDescentGrid.Point(singularValues: [0.3 * Double(k), 0, 0.5, 1], initial: .uniform(0.2 + 0.05 * Double(k)))
        }
        let grid = ModeDescentGrid(points: points, learningRate: 0.01, steps: 300)
        let one = grid.run(threads: 1)
        #expect(grid.run(threads: 2) == one)
        #expect(grid.run(threads: 3) == one)
        #expect(one.allSatisfy { $0.mode.b.isFinite && $0.finalSpeed.isFinite })
    }

    @Test func hessianMatchesFiniteDifferencesOfTheModeEnergy() throws {
        let s = [0.7, 0.1, -0.4, 0.9, 1.2]
        let flow = Proca2025.ModeFlow(singularValues: s)
        let m = Proca2025.Mode(a: 0.8, b: 0.6, c: 1.1)
        let h = ModeDescentGrid.hessian(m, singularValues: s)
        let step = 1e-4
        func energy(_ v: [Double]) -> Double { flow.energy(Proca2025.Mode(a: v[0], b: v[1], c: v[2])) }
        for p in 0..<3 {
            for q in 0..<3 {
                func e(_ dp: Double, _ dq: Double) -> Double {
                    var v = [m.a, m.b, m.c]; v[p] += dp; v[q] += dq; return energy(v)
                }
                let fd = (e(step, step) - e(step, -step) - e(-step, step) + e(-step, -step)) / (4 * step * step)
                #expect(abs(h[p, q] - fd) <= 1e-6 * max(1, abs(fd)), "H[\(p), \(q)] = \(h[p, q]) vs \(fd)")
            }
        }
        let top = ModeDescentGrid.maxCurvature(m, singularValues: s)
        #expect(abs(top - (try h.symmetricEigen().values.max()!)) <= 1e-12 * top)
    }

    @Test func landauThresholdsAreTheSpecsValues() throws {
        let d = Self.quick.result.dataset
        #expect(abs(try #require(d["landau_beta_c_T3"]).values[0] - 0.5.squareRoot()) <= 1e-6)
        #expect(abs(try #require(d["landau_beta_c_T4"]).values[0] - 1) <= 1e-3)
        // Independently: at T = 3 the curvature of E*(b) at b = 0 changes sign at β = 1/√2, i.e. E*(b) − E*(0)
        // for small b is positive just below and negative just above (E* written out here, not LandauAnalysis).
        func eStar(_ b: Double, _ beta: Double) -> Double {
            let a = beta * b * b + 1 / beta
            return beta * beta + 1 / (beta * beta) - a * a / (1 + b * b + b * b * b * b)
        }
        #expect(eStar(1e-3, 0.70) - eStar(0, 0.70) > 0)
        #expect(eStar(1e-3, 0.715) - eStar(0, 0.715) < 0)
        // GD at T = 3 is continuous through β_c: no grid step raises b by more than 0.5 (the T = 4 panel jumps).
        let b3 = try #require(d["b_landau_T3"]).values, b4 = try #require(d["b_landau_T4"]).values
        #expect(zip(b3, b3.dropFirst()).map { $1 - $0 }.max()! < 0.5)
        #expect(zip(b4, b4.dropFirst()).map { $1 - $0 }.max()! > 0.5)
    }

    @Test func transitionWidthsShrinkWithT() throws {
        let d = Self.quick.result.dataset
        let delta = try #require(d["sharpness_delta"]).values, lengths = try #require(d["sharpness_T"]).values
        let b = try #require(d["b_sharpness"]).values
        var widths: [Double] = []
        for m in lengths.indices {
            let row = Array(b[(m * delta.count)..<((m + 1) * delta.count)])
            func cross(_ level: Double) -> Double {
                let i = row.firstIndex { $0 >= level }!
                return delta[i - 1] + (level - row[i - 1]) / (row[i] - row[i - 1]) * (delta[i] - delta[i - 1])
            }
            widths.append(cross(0.8) - cross(0.2))
        }
        #expect(zip(widths, widths.dropFirst()).allSatisfy { $0 > $1 }, "\(widths)")
        let reported = try #require(d["sharpness_width"]).values
        for (w, r) in zip(widths, reported) { #expect(abs(w - r) <= 1e-12) }
    }

    @Test func configurationIsValidated() {
        #expect(throws: ConfigError.self) { _ = try ProcaFig4().run(.quick, overrides: ["gridpoints": 5]) }
        do {
            _ = try ProcaFig4().run(.quick, overrides: ["sharpness_lengths": [6, 3]])
            Issue.record("non-increasing lengths accepted")
        } catch { #expect("\(error)".hasPrefix("proca2025.fig4.sharpness_lengths:")) }
        do {
            _ = try ProcaFig4().run(.quick, overrides: ["kappas": [0.5, -1]])
            Issue.record("negative κ accepted")
        } catch { #expect("\(error)".hasPrefix("proca2025.fig4.kappas:")) }
    }
}

/// The claim checks are not vacuous: fed curves that contradict the claims, they fail.
@Suite struct Proca2025PhaseTransitionCheckTests {
    @Test func diracCheckFailsWhenTheModeNeverLeavesThePrunedBranch() {
        let betas = (0...8).map { 0.5 * Double($0) }
        let (holds, _) = Fig4Layout.diracPhases(betas: betas, b: betas.map { _ in 0.01 }, ac: betas.map { _ in 1 },
                                                etaCurvature: betas.map { _ in 0.1 }, kappa: 1, threshold: 1)
        #expect(!holds)
        let (ok, _) = Fig4Layout.diracPhases(betas: betas, b: betas.map { $0 < 2 ? 0.01 : 3 }, ac: betas.map { $0 < 2 ? 1 : 0.05 },
                                             etaCurvature: betas.map { _ in 0.1 }, kappa: 1, threshold: 1)
        #expect(ok)
    }

    @Test func continuousCheckRejectsAJump() {
        let analysis = Proca2025.LandauAnalysis(length: 3, bMax: 20, gridPoints: 2001)
        let betas = (0..<19).map { 0.3 + 0.05 * Double($0) }
        let minima = betas.map { analysis.globalMinimum(beta: $0) }
        let transition = analysis.criticalPoint(betaRange: 0.05...10)
        let exact = minima.map { abs($0.b) }
        #expect(Fig4Layout.continuousCheck(betas: betas, b: exact, speeds: betas.map { _ in 0 }, minima: minima,
                                           transition: transition, flowTime: 100).holds)
        let jumped = betas.map { $0 < 0.72 ? 0 : 1.5 }
        #expect(!Fig4Layout.continuousCheck(betas: betas, b: jumped, speeds: betas.map { _ in 0 }, minima: minima,
                                            transition: transition, flowTime: 100).holds)
    }
}
