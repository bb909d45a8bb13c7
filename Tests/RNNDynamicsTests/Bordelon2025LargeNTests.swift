import Foundation
import Testing
@testable import Bordelon2025
@testable import ExperimentKit

/// R8: loss curves converge as N grows (largest N as the reference), reconstructed model of Bordelon et al. 2025.
@Suite(.serialized) struct Bordelon2025LargeNTests {
    @Test func r8CurvesConvergeWithN() throws {
        let (result, _) = try BordelonR8().run(.quick)
        for check in result.checks { #expect(check.holds, "\(check.claim): \(check.evidence)") }
        let distances = try #require(result.dataset["consecutive_distance"]).values
        #expect(distances.count == 2)
        let exponent = try #require(result.scalars.first { $0.name == "spread_exponent" }).value
        let error = try #require(result.scalars.first { $0.name == "spread_exponent_error" }).value
        #expect(exponent + 2 * error < 0 && abs(exponent + 0.5) <= 2 * error)
        // Every curve learns the integrator: the seed-averaged loss falls below 1e-3 of its start.
        let means = try #require(result.dataset["loss_mean"])
        let records = means.shape[1]
        for k in 0..<means.shape[0] {
            #expect(means.values[k * records + records - 1] < 1e-3 * means.values[k * records])
        }
    }

    @Test func r8DistancesAndChecks() {
        let curves = [[1.0, 0.5, 0.1], [1.0, 0.7, 0.1], [1.0, 0.75, 0.12]]
        let d = BordelonR8.distances(curves)
        #expect(d.consecutive == [0.19999999999999996, 0.050000000000000044])
        #expect(d.reference.count == 2 && abs(d.reference[0] - 0.25) < 1e-15 && abs(d.reference[1] - 0.05) < 1e-15)
    }

    /// The checks hold on self-averaging curves and fail on a spread that does not shrink or an N-dependent mean.
    @Test func r8ChecksCanFail() {
        let units = [50, 100, 200, 400], seeds = 10
        let mean = [1.2, 0.6, 0.1, 0.01]
        // Seed SD 0.3/√N at every record, means equal up to one combined SE of wiggle.
        let errors = units.map { n in mean.map { _ in 0.3 / (Double(n) * Double(seeds)).squareRoot() } }
        let means = units.indices.map { k in mean.indices.map { i in mean[i] + (k % 2 == 0 ? 1 : -1) * 0.5 * errors[k][i] } }
        let good = BordelonR8.statistics(units: units, means: means, errors: errors, seeds: seeds)
        #expect(abs(good.spreadExponent + 0.5) < 1e-12)
        // 1/√18 per log-spread over ln 50 … ln 400 (Σ(x − x̄)² = 5 (ln 2)²).
        #expect(abs(good.exponentError - 1 / (18.0.squareRoot() * (5.0.squareRoot() * log(2)))) < 1e-14)
        #expect(abs(good.spread[0] - 0.3 / 50.0.squareRoot()) < 1e-15)
        #expect(BordelonR8.checks(units: units, statistics: good, zMax: 4).allSatisfy { $0.holds })

        // A spread that does not shrink with N: the self-averaging check fails, the agreement check still holds.
        let flat = units.map { _ in mean.map { _ in 0.3 / (50.0 * Double(seeds)).squareRoot() } }
        let noShrink = BordelonR8.checks(units: units, statistics: BordelonR8.statistics(units: units, means: means, errors: flat, seeds: seeds), zMax: 4)
        #expect(!noShrink[0].holds && noShrink[1].holds)

        // A mean that keeps drifting with N (0.1 per doubling at one record): far beyond the combined standard errors.
        var biased = means
        for k in units.indices { biased[k][1] += 0.1 * Double(k) }
        let drift = BordelonR8.statistics(units: units, means: biased, errors: errors, seeds: seeds)
        #expect(drift.largestZ.last! > 4)
        let offset = BordelonR8.checks(units: units, statistics: drift, zMax: 4)
        #expect(offset[0].holds && !offset[1].holds)
    }

    @Test func r8RejectsBadSizes() {
        #expect(throws: ConfigError.self) { _ = try BordelonR8().run(.quick, overrides: ["units": [10, 20]]) }
        #expect(throws: ConfigError.self) { _ = try BordelonR8().run(.quick, overrides: ["units": [10, 30, 20]]) }
        #expect(throws: ConfigError.self) { _ = try BordelonR8().run(.quick, overrides: ["units": [10, 20.5, 40]]) }
    }
}
