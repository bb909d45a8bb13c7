import Foundation
import Testing
@testable import Bordelon2025
@testable import RNNDynamics

/// Bordelon et al. 2025 (reconstructed model), R2: the full network's outlier against the exact (a, κ) reduction.
@Suite struct Bordelon2025ReducedTests {
    @Test func fullNetworkFollowsTheReductionAndTheSpecNumbers() throws {
        let (result, resolved) = try BordelonR2().run(.quick)
        #expect(resolved["units"] as? Int == 40)
        for check in result.checks { #expect(check.holds, "\(check.claim): \(check.evidence)") }
        #expect(result.checks.count == 4)
        let scalars = Dictionary(uniqueKeysWithValues: result.scalars.map { ($0.name, $0.value) })
        // The spec's independent re-check (December 2026): λ(3) = 0.79922, L(3) = 8.2247e-6 with an exact integrator.
        #expect(abs(scalars["lambda_at_3"]! - 0.79922) < 5e-5)
        #expect(abs(scalars["loss_at_3"]! - 8.2247e-6) < 1e-9)
        #expect(scalars["max_lambda_gap"]! < 1e-8, "the reduction is exact: gap \(scalars["max_lambda_gap"]!)")
        #expect((result.theoryError ?? 1) < 1e-6)
        // The reduction does not depend on N: a different width gives the same outlier trajectory.
        let (other, _) = try BordelonR2().run(.quick, overrides: ["units": 12])
        let a = try #require(result.dataset["lambda_full"]?.values), b = try #require(other.dataset["lambda_full"]?.values)
        #expect(zip(a, b).allSatisfy { abs($0 - $1) < 1e-8 })
    }

    /// Each check fails when fed a wrong result.
    @Test func checksFailOnWrongNumbers() {
        let good = (lambda: 1e-10, residue: 1e-10, loss: 1e-8)
        let ok = BordelonR2.checks(gaps: good, lambdaAt3: 0.799217, lossAt3: 8.22469e-6, finalLambda: 0.8, cStar: 0.2, chargeDrift: 1e-15)
        #expect(ok.allSatisfy { $0.holds })
        func failing(_ checks: [ClaimCheck]) -> [Int] { checks.indices.filter { !checks[$0].holds } }
        #expect(failing(BordelonR2.checks(gaps: good, lambdaAt3: 0.799217, lossAt3: 8.22469e-6, finalLambda: 0.78, cStar: 0.2, chargeDrift: 0)) == [0])
        #expect(failing(BordelonR2.checks(gaps: (1e-4, 0, 0), lambdaAt3: 0.799217, lossAt3: 8.22469e-6, finalLambda: 0.8, cStar: 0.2, chargeDrift: 0)) == [1])
        #expect(failing(BordelonR2.checks(gaps: (0, 0, 1e-3), lambdaAt3: 0.799217, lossAt3: 8.22469e-6, finalLambda: 0.8, cStar: 0.2, chargeDrift: 0)) == [1])
        #expect(failing(BordelonR2.checks(gaps: good, lambdaAt3: 0.799217, lossAt3: 8.22469e-6, finalLambda: 0.8, cStar: 0.2, chargeDrift: 1e-3)) == [2])
        #expect(failing(BordelonR2.checks(gaps: good, lambdaAt3: 0.7992, lossAt3: 7.93e-6, finalLambda: 0.8, cStar: 0.2, chargeDrift: 0)) == [3],
                "the explicit-Euler numbers of the first reading (7.93e-6) are not the exact flow's")
    }
}
