import Foundation
import Testing
@testable import Bordelon2025
@testable import ExperimentKit
@testable import FigureData

/// Bordelon 2025 R5 (reconstructed model): lazy learnability over (σ, c*), the wedge |1 − c*| < σ tested, not assumed.
@Suite struct Bordelon2025R5Tests {
    @Test func quickPresetChecksHoldOrAreDeclaredNonReproductions() throws {
        let (result, resolved) = try BordelonR5().run(.quick, overrides: ["units": 12, "t_train": 10])
        #expect(resolved["units"] as? Int == 12)
        for check in result.checks {
            #expect(!check.fails, "\(check.claim): \(check.evidence)")
            if check.kind == .selfConsistency { #expect(check.holds, "\(check.claim): \(check.evidence)") }
        }
        let lazy = try #require(result.dataset.arrays.first { $0.name == "log10_rel_loss_lazy" })
        #expect(lazy.shape == [4, 4] && lazy.values.allSatisfy { $0.isFinite && $0 <= 0 })
        let full = try #require(result.dataset.arrays.first { $0.name == "log10_rel_loss_full" })
        // The quick preset trains the full network on the smallest-σ row only; the other rows are NaN.
        #expect(full.values.prefix(4).allSatisfy { $0.isFinite && $0 <= 0 } && full.values.dropFirst(4).allSatisfy(\.isNaN))
        // Cell (σ = 0.1, c* = 0.1): the target pole 0.9 is far outside the bulk; lazy training barely helps, rich does.
        #expect(lazy.values[0] > -1, "lazy log10 L(T)/L(0) at σ = 0.1, c* = 0.1: \(lazy.values[0])")
        #expect(full.values[0] < lazy.values[0] - 1, "full \(full.values[0]) vs lazy \(lazy.values[0])")
        let ratio = try #require(result.scalars.first { $0.name == "taylor_remainder_ratio" }).value
        #expect(abs(ratio - 4) < 0.5)
    }

    @Test func wedgeMembershipIsStrict() {
        #expect(LearnabilityGrid.insideWedge(sigma: 0.5, targetRate: 0.6))
        #expect(LearnabilityGrid.insideWedge(sigma: 0.5, targetRate: 1.4))
        #expect(!LearnabilityGrid.insideWedge(sigma: 0.5, targetRate: 0.5))
        #expect(!LearnabilityGrid.insideWedge(sigma: 0.5, targetRate: 1.6))
        #expect(!LearnabilityGrid.insideWedge(sigma: 0.2, targetRate: 0.1))
    }

    @Test func checksFailOnWrongNumbers() {
        typealias Split = BordelonR5.Split
        let separated = Split(inside: [1e-4, 1e-3], outside: [0.5, 0.9])
        let blurred = Split(inside: [1e-4, 0.6], outside: [0.5, 0.9])
        let reversed = Split(inside: [0.7, 0.9], outside: [0.1, 0.2])
        let good = (coarse: 4e-6, fine: 1e-6)
        func verdicts(_ lazy: Split, full: (Split, Split)? = nil, largest: Double = 0.9, gap: Double = 0,
                      taylor: (coarse: Double, fine: Double) = good) -> [Bool] {
            BordelonR5.checks(lazy: lazy, full: full.map { (full: $0.0, lazy: $0.1) }, largestLazyRatio: largest, initialGap: gap, taylor: taylor).map(\.holds)
        }
        #expect(verdicts(separated, full: (Split(inside: [1e-5], outside: [1e-3]), separated)).allSatisfy { $0 })
        #expect(verdicts(separated, full: (Split(inside: [1e-5], outside: [1e-3]), separated)).count == 6)
        // The sharp threshold fails when one inside cell is worse than one outside cell; it is a declared non-reproduction.
        let blurredChecks = BordelonR5.checks(lazy: blurred, full: nil, largestLazyRatio: 0.9, initialGap: 0, taylor: good)
        #expect(!blurredChecks[0].holds && blurredChecks[0].outcome == .doesNotReproduce && blurredChecks[1].holds)
        #expect(blurred.misorderedFraction == 0.25 && separated.misorderedFraction == 0)
        // A reversed trend fails the median comparison (not declared: it fails).
        let reversedChecks = BordelonR5.checks(lazy: reversed, full: nil, largestLazyRatio: 0.9, initialGap: 0, taylor: good)
        #expect(reversedChecks[1].fails)
        #expect(!verdicts(separated, largest: 1.01)[2])
        #expect(!verdicts(separated, gap: 1e-9)[3])
        #expect(!verdicts(separated, taylor: (2e-6, 1e-6))[4])   // O(ε) remainder: the model is not first-order exact
        #expect(!verdicts(separated, full: (Split(inside: [1e-5], outside: [0.8]), separated))[5])
        #expect(verdicts(separated).count == 5)
    }

    @Test func badGridIsRefused() {
        #expect(throws: ConfigError.self) { try BordelonR5().run(.quick, overrides: ["sigma_min": 0.9, "sigma_max": 0.5]) }
        #expect(throws: ConfigError.self) { try BordelonR5().run(.quick, overrides: ["c_count": 1]) }
    }
}
