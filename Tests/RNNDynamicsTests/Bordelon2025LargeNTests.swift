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
        #expect(distances.count == 2 && distances[1] < distances[0])
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
        #expect(BordelonR8.checks(units: [10, 20, 40], consecutive: [0.2, 0.05], reference: [0.25, 0.05]).allSatisfy { $0.holds })
        let growing = BordelonR8.checks(units: [10, 20, 40], consecutive: [0.05, 0.2], reference: [0.05, 0.25])
        #expect(growing.allSatisfy { !$0.holds })
    }

    @Test func r8RejectsBadSizes() {
        #expect(throws: ConfigError.self) { _ = try BordelonR8().run(.quick, overrides: ["units": [10, 20]]) }
        #expect(throws: ConfigError.self) { _ = try BordelonR8().run(.quick, overrides: ["units": [10, 30, 20]]) }
        #expect(throws: ConfigError.self) { _ = try BordelonR8().run(.quick, overrides: ["units": [10, 20.5, 40]]) }
    }
}
