import Foundation
import Testing
@testable import Bordelon2025
@testable import RNNDynamics

/// Bordelon et al. 2025 (reconstructed model) with the recurrent mode frozen at the target: the λ-balanced two-layer
/// mode, Saxe's sigmoid and the lazy exponential as checks.
@Suite struct Bordelon2025FeedforwardLimitsTests {
    typealias Limits = BordelonFeedforwardLimits

    @Test func quickRunFollowsTheClosedFormAndItsLimits() throws {
        let (result, resolved) = try Limits().run(.quick)
        #expect(resolved["units"] as? Int == 30)
        for check in result.checks { #expect(check.holds, "\(check.claim): \(check.evidence)") }
        #expect(result.checks.count == 5)
        let scalars = Dictionary(uniqueKeysWithValues: result.scalars.map { ($0.name, $0.value) })
        // Readout 1/N and rates (N, N): τ = 2c* = 0.4.
        #expect(abs(scalars["time_constant"]! - 0.4) < 1e-15)
        #expect(scalars["max_residue_error"]! < 1e-8 && scalars["max_off_axis"]! < 1e-12)
        #expect((result.theoryError ?? 1) < 1e-8)
        // Saxe: t_{1/2} = (τ/2s) ln[(s − a0)/a0] = 0.2 ln 99 for a0 = 1e-2.
        #expect(abs(scalars["time_to_half_0"]! - 0.2 * log(99.0)) < 1e-6)
    }

    /// Another normalisation (readout 1/√N, η_u = N/2, η_v = 2N, target amplitude 1.5) maps to another (τ, s, λ), and
    /// the network still follows it.
    @Test func otherNormalisationsMapToTheirOwnMode() throws {
        let overrides: [String: Any] = ["units": 6, "readout": "1/sqrtN", "eta_u_per_unit": 0.5, "eta_v_per_unit": 2,
                                        "target_amplitude": 1.5, "records": 41, "balanced_residues": [1e-2, 1e-3, 1e-4],
                                        "unbalanced_residue": 1e-3, "imbalances": [3, -3, 40]]
        let (result, _) = try Limits().run(.quick, overrides: overrides)
        for check in result.checks { #expect(check.holds, "\(check.claim): \(check.evidence)") }
        let tau = try #require(result.scalars.first { $0.name == "time_constant" }?.value)
        // τ = 2c*/(ρ√(η_u η_v)) with ρ = 1/√6, η_u = 3, η_v = 12.
        #expect(abs(tau - 0.4 / ((1 / 6.0.squareRoot()) * 6)) < 1e-14)
    }

    @Test func badSettingsAreRejected() {
        #expect(throws: ConfigError.self) { _ = try Limits().run(.quick, overrides: ["balanced_residues": [1e-2, 1e-3]]) }
        #expect(throws: ConfigError.self) { _ = try Limits().run(.quick, overrides: ["balanced_residues": [1e-2, 1e-3, 0.6]]) }
        #expect(throws: ConfigError.self) { _ = try Limits().run(.quick, overrides: ["imbalances": [0, 2]]) }
    }

    @Test func crossingTimeIsExactOnSaxesSigmoid() throws {
        let saxe = SaxeMode(target: 1, timeConstant: 0.4)
        let times = stride(from: 0.0, through: 4, by: 0.25).map { $0 }
        let a = times.map { saxe.strength(at: $0, from: 1e-4) }
        let t = try #require(Limits.crossingTime(times: times, residues: a, target: 1, logit: true))
        #expect(abs(t - saxe.timeToLearn(from: 1e-4, to: 0.5)) < 1e-12)
        let linear = try #require(Limits.crossingTime(times: times, residues: times.map { 1 - 0.9999 * exp(-3 * $0) }, target: 1, logit: false))
        #expect(abs(linear - log(0.9999 / 0.5) / 3) < 1e-12, "ln(s − a) interpolation is exact on an exponential")
        #expect(Limits.crossingTime(times: times, residues: times.map { _ in 0.1 }, target: 1, logit: true) == nil)
    }

    /// Each check fails when fed a wrong result.
    @Test func checksFailOnWrongNumbers() {
        let s = 1.0, tau = 0.4
        let saxe = SaxeMode(target: s, timeConstant: tau)
        let lazyMode = LambdaBalancedMode(target: s, imbalance: 50, timeConstant: tau)
        let balanced = [1e-2, 1e-4, 1e-6].map {
            Limits.RunOutcome(residue0: $0, imbalance: 0, timeToHalf: saxe.timeToLearn(from: $0, to: 0.5), relaxationRate: nil)
        }
        let lazy = Limits.RunOutcome(residue0: 1e-4, imbalance: 50, timeToHalf: lazyMode.lazyTimeToLearn(from: 1e-4, to: 0.5),
                                     relaxationRate: 50.05 / tau)
        let middle = Limits.RunOutcome(residue0: 1e-4, imbalance: 0.02, timeToHalf: 0.8, relaxationRate: 3)
        let exact = Limits.Exactness(residueError: 5e-10, offAxis: 1e-15, chargeDrift: 1e-11, signGap: 1e-15)
        let runs = balanced + [middle, lazy]
        func failing(_ r: [Limits.RunOutcome], _ e: Limits.Exactness = exact) -> [Int] {
            let checks = Limits.checks(exactness: e, runs: r, target: s, timeConstant: tau)
            return checks.indices.filter { !checks[$0].holds }
        }
        #expect(failing(runs) == [])
        #expect(Limits.checks(exactness: exact, runs: runs, target: s, timeConstant: tau).map(\.kind)
                == [.selfConsistency, .selfConsistency, .selfConsistency, .paper, .paper])
        var e = exact
        e.residueError = 1e-5
        #expect(failing(runs, e) == [0])
        e = exact; e.offAxis = 1e-6
        #expect(failing(runs, e) == [0])
        e = exact; e.chargeDrift = 1e-4
        #expect(failing(runs, e) == [1])
        e = exact; e.signGap = 1e-4
        #expect(failing(runs, e) == [2])
        // A plateau 5% longer than Saxe's, or too few initial scales.
        var wrong = runs
        wrong[1].timeToHalf *= 1.05
        #expect(failing(wrong) == [3])
        #expect(failing(Array(runs.dropFirst())) == [3])
        // A plateau that does not grow with ln(s/a0).
        wrong = runs
        for k in 0..<3 { wrong[k].timeToHalf = balanced[1].timeToHalf }
        #expect(failing(wrong) == [3])
        // The large-|λ| run relaxing at the wrong rate, or stuck on Saxe's plateau.
        wrong = runs
        wrong[4].relaxationRate = 45 / tau
        #expect(failing(wrong) == [4])
        wrong = runs
        wrong[4].timeToHalf = saxe.timeToLearn(from: 1e-4, to: 0.5)
        #expect(failing(wrong) == [4])
    }
}
