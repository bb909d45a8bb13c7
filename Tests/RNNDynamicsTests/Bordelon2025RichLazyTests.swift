import Foundation
import Numerics
import Testing
@testable import Bordelon2025
@testable import ExperimentKit
@testable import Theory

/// Bordelon et al. 2025, R1 (rich regime), R3 (time to learn vs c*) and R4 (lazy trend) on the reconstructed model:
/// each runs (quick preset, cheapened by overrides where noted), its checks hold, key numbers match the spec, and
/// each check function fails when fed wrong numbers.
@Suite(.serialized) struct Bordelon2025RichLazyTests {
    @Test func r1OneRealOutlierLeavesTheBulkAndSettlesAtTheTargetPole() throws {
        let (result, _) = try BordelonR1().run(.quick, overrides: ["units": 20, "records": 41])
        for check in result.checks { #expect(check.holds, "\(check.claim): \(check.evidence)") }
        #expect(result.checks.count == 3)
        let scalars = Dictionary(uniqueKeysWithValues: result.scalars.map { ($0.name, $0.value) })
        for k in 0..<2 {
            #expect(scalars["outliers_\(k)"]! >= 1)
            #expect(abs(scalars["outlier_lambda_\(k)"]! - 0.8) < 0.01)
            // The outlier leaves the bulk early, within the first few time units.
            #expect(scalars["exit_time_\(k)"]! > 0 && scalars["exit_time_\(k)"]! < 4)
        }
        // The loss falls by more than three decades from L(0) ≈ 1/(4c*) = 1.25 (the spec reports 1e-4 at t = 40).
        let loss = try #require(result.dataset["loss_0"]).values
        #expect(loss.first! > 0.5 && loss.last! < 3.2e-4)
        #expect(throws: ConfigError.self) { _ = try BordelonR1().run(.quick, overrides: ["snapshot_times": [50]]) }
    }

    @Test func r1ChecksFailOnWrongNumbers() {
        let good = BordelonR1.Outcome(sigma: 0, outliers: [Complex(0.799, 0)], exitTime: 0.4, finalLoss: 1e-5, chargeDrift: 1e-10)
        let holding = BordelonR1.checks([good], cStar: 0.2, lambdaTolerance: 0.01, tEnd: 40)
        #expect(holding.count == 3 && holding.allSatisfy { $0.holds })
        func fails(_ change: (inout BordelonR1.Outcome) -> Void, check index: Int) {
            var bad = good
            bad.sigma = 0.1
            change(&bad)
            let checks = BordelonR1.checks(bad.sigma == 0 ? [bad] : [good, bad], cStar: 0.2, lambdaTolerance: 0.01, tEnd: 40)
            #expect(!checks[index].holds, "\(checks[index].claim)")
        }
        fails({ $0.outliers = [Complex(0.8, 0), Complex(0.805, 0)] }, check: 0)  // two at the target
        fails({ $0.outliers = [Complex(-0.2, 0), Complex(0.8, 0)] }, check: 0)  // another left the bulk first
        fails({ $0.outliers = [] }, check: 0)  // none
        fails({ $0.outliers = [Complex(0.8, 0.05)] }, check: 0)  // not real
        fails({ $0.outliers = [Complex(0.78, 0)] }, check: 0)  // off the target pole
        fails({ $0.chargeDrift = 1e-5 }, check: 1)
        fails({ $0.sigma = 0; $0.finalLoss = 1e-3 }, check: 2)
    }

    @Test func r3TimesToLearnMatchTheReductionAndTheSpec() throws {
        let (result, _) = try BordelonR3().run(.quick, overrides: ["full_c_stars": [0.5, 0.2]])
        for check in result.checks { #expect(check.holds, "\(check.claim): \(check.evidence)") }
        #expect(result.checks.count == 6)
        let s = Dictionary(uniqueKeysWithValues: result.scalars.map { ($0.name, $0.value) })
        // Spec A.4: slow manifold 4.07, 1.1649, 0.4548, 0.35; (a, κ) from a0 = 1: 4.50, 1.61, 0.65, 0.44.
        for (tag, manifold, reduced) in [("c0p5", 4.07, 4.50), ("c0p2", 1.1649, 1.61), ("c0p05", 0.4548, 0.65), ("c0p01", 0.35, 0.44)] {
            #expect(abs(s["time_slow_manifold_\(tag)"]! - manifold) < 0.005, "\(tag)")
            #expect(abs(s["time_reduced_\(tag)"]! - reduced) < 0.005, "\(tag)")
            #expect(s["time_reduced_\(tag)"]! > s["time_slow_manifold_\(tag)"]!, "starting at a0 = 1 < a*(1) costs time")
        }
        #expect(abs(s["time_full_c0p2"]! - s["time_reduced_c0p2"]!) < 1e-4)
        // The closed form agrees with the manifold's own ODE dκ/dt = (c* − κ)/(κ + c*)³ integrated from κ = 1.
        let manifold = OutlierSlowManifold(targetRate: 0.2)
        #expect(abs(manifold.decay(after: s["time_slow_manifold_c0p2"]!, from: 1) - 0.22) < 1e-9)
        #expect(throws: ConfigError.self) { _ = try BordelonR3().run(.quick, overrides: ["full_c_stars": [0.3]]) }
    }

    @Test func r3ChecksFailOnWrongNumbers() {
        let good = [
            BordelonR3.Outcome(cStar: 0.5, slowManifold: 4.0655, reduced: 4.5015, escapeDelay: 1.77, full: 4.5015, finalLambda: 0.5),
            BordelonR3.Outcome(cStar: 0.2, slowManifold: 1.16491, reduced: 1.6096, escapeDelay: 2.84, full: nil, finalLambda: 0.8),
        ]
        let holding = BordelonR3.checks(good, level: 1.1, residue0: 1, smallResidue0: 1e-3)
        #expect(holding.count == 6 && holding.allSatisfy { $0.holds })
        func fails(_ change: (inout BordelonR3.Outcome) -> Void, check index: Int) {
            var bad = good
            change(&bad[0])
            let checks = BordelonR3.checks(bad, level: 1.1, residue0: 1, smallResidue0: 1e-3)
            #expect(!checks[index].holds, "\(checks[index].claim)")
        }
        fails({ $0.finalLambda = 0.5 + 1e-5 }, check: 0)
        fails({ $0.full = 4.51 }, check: 1)
        fails({ $0.reduced = 1.5 }, check: 2)  // c* = 0.5 faster than c* = 0.2 (and off the spec)
        fails({ $0.slowManifold = 4.08 }, check: 3)
        fails({ $0.reduced = 4.49 }, check: 4)
        fails({ $0.escapeDelay = 1.6 }, check: 5)
    }

    @Test func r4WeightsMoveLessAtLargerSigma() throws {
        let (result, _) = try BordelonR4().run(.quick, overrides: ["units": 24, "records": 16])
        for check in result.checks { #expect(check.holds, "\(check.claim): \(check.evidence)") }
        #expect(result.checks.count == 2, "the spec's loss level is checked only at its own settings (N = 60)")
        let change = try #require(result.dataset["weight_change"]).values
        #expect(change.count == 3 && change[0] > change[1] && change[1] > change[2])
        // Recomputed from the recorded spectra: the σ = 0.9 bulk keeps its radius; the σ = 0.1 run grows an outlier near 0.8.
        let before = try #require(result.dataset["eig_0_re"]).values
        let last = before.count - 24
        #expect(abs(before[last] - 0.8) < 0.02, "σ = 0.1: top eigenvalue at t_end \(before[last])")
        #expect(throws: ConfigError.self) { _ = try BordelonR4().run(.quick, overrides: ["sigmas": [0.5, 0.1]]) }
    }

    @Test func r4ChecksFailOnWrongNumbers() {
        let good = [BordelonR4.Outcome(sigma: 0.1, weightChange: 0.76, finalLoss: 2e-6, chargeDrift: 1e-10),
                    BordelonR4.Outcome(sigma: 0.5, weightChange: 0.48, finalLoss: 7e-7, chargeDrift: 1e-10),
                    BordelonR4.Outcome(sigma: 0.9, weightChange: 0.25, finalLoss: 1.7e-6, chargeDrift: 1e-10)]
        let holding = BordelonR4.checks(good, lossLevel: 4e-6)
        #expect(holding.count == 3 && holding.allSatisfy { $0.holds })
        #expect(BordelonR4.checks(good, lossLevel: nil).count == 2)
        func fails(_ change: (inout [BordelonR4.Outcome]) -> Void, check index: Int) {
            var bad = good
            change(&bad)
            let checks = BordelonR4.checks(bad, lossLevel: 4e-6)
            #expect(!checks[index].holds, "\(checks[index].claim)")
        }
        fails({ $0[2].weightChange = 0.5 }, check: 0)  // not monotone
        fails({ $0[1].chargeDrift = 2e-6 }, check: 1)
        fails({ $0[2].finalLoss = 5.6e-6 }, check: 2)  // what N = 40 gives at σ = 0.9
    }
}
