import Foundation
import Testing
@testable import ExperimentKit
@testable import Proca2025
@testable import Report
import Tasks

/// The claim checks of issue 11 can fail: each is fed the data a wrong implementation would produce (a distance that
/// does not fall, a pruned point with a recurrent signal and a large b, a perturbed theory formula, an unstable loss
/// curve, …) and must report "fails", while the right data hold. A declared non-reproduction of a paper claim is
/// computed from the data too: "does not reproduce" when they contradict the claim, "holds" when they support it.
@Suite struct ClaimCheckFailureTests {
    // MARK: Fig. A6 check 1

    @Test func figA6DistanceMustFallOverTheScalesBelowTheTarget() {
        let falling = ProcaFigA6.alignedFalls(lengths: [2, 8], scales: [0.01, 0.34, 0.67],
                                              distances: [[0.55, 0.25, 0.05], [0.99, 0.96, 0.49]], atTarget: [0, 0])
        #expect(falling.outcome == .holds, "\(falling.evidence)")
        // Flat then rising towards the target: the distance at scale 1 is still 0, but nothing falls.
        let rising = ProcaFigA6.alignedFalls(lengths: [2, 8], scales: [0.01, 0.34, 0.67],
                                             distances: [[0.55, 0.25, 0.05], [0.49, 0.96, 0.99]], atTarget: [0, 0])
        #expect(rising.outcome == .fails, "\(rising.evidence)")
        let bump = ProcaFigA6.alignedFalls(lengths: [2], scales: [0.01, 0.34, 0.67], distances: [[0.55, 0.25, 0.3]], atTarget: nil)
        #expect(bump.fails)
        let oneScale = ProcaFigA6.alignedFalls(lengths: [2], scales: [0.01], distances: [[0.55]], atTarget: nil)
        #expect(oneScale.fails, "one scale below the target cannot show a fall")
    }

    // MARK: Fig. 5 / A4 check 1

    @Test func fig5AlignedRecurrenceIsComparedWithTheShortestRecurrentLength() {
        // [kind][T][scale]: aligned T = 1 is 0 by construction; unaligned grows from T = 1.
        let unaligned: [[Double]] = [[0.2, 0.2], [0.6, 0.5], [0.99, 0.98]]
        let grows = KernelScaleGrid.recurrenceCheck(lengths: [1, 2, 8], kinds: [true, false],
                                                    distances: [[[0, 0], [0.55, 0.4], [0.99, 0.9]], unaligned])
        #expect(grows.outcome == .holds, "\(grows.evidence)")
        // Aligned distance that falls from T = 2 to T = 8 fails, although it still exceeds D(T = 1) = 0.
        let falls = KernelScaleGrid.recurrenceCheck(lengths: [1, 2, 8], kinds: [true, false],
                                                    distances: [[[0, 0], [0.9, 0.8], [0.5, 0.4]], unaligned])
        #expect(falls.outcome == .fails, "\(falls.evidence)")
        // Without a second recurrent length the aligned half has nothing to compare with.
        let noBaseline = KernelScaleGrid.recurrenceCheck(lengths: [1, 8], kinds: [true], distances: [[[0, 0], [0.9, 0.8]]])
        #expect(noBaseline.fails)
    }

    // MARK: Fig. A2 check 2

    /// Row r's data term and total energy on the quick grid, with the regulariser replaced by `regulariser(u, b)`.
    static func landscape(_ regulariser: (Double, Double, Proca2025.ModeFlow) -> Double) -> (b: [Double], ac: [Double], data: [[Double]], total: [[Double]]) {
        let b = (0..<41).map { -2.5 + 5 * Double($0) / 40 }, ac = (0..<33).map { -0.5 + 2 * Double($0) / 32 }
        var data: [[Double]] = [], total: [[Double]] = []
        for s1 in [0.5, 1.5, 2.5] {
            let flow = Proca2025.ModeFlow(singularValues: SingularValueProfile.twoDirac(beta: s1, kappa: 1).singularValues(length: 3))
            var d: [Double] = [], t: [Double] = []
            for u in ac { for x in b {
                let split = flow.energySplit(Proca2025.Mode(a: u, b: x, c: 1))
                d.append(split.data); t.append(split.data + regulariser(u, x, flow))
            } }
            data.append(d); total.append(t)
        }
        return (b, ac, data, total)
    }

    @Test func figA2ConfinementFailsWithAPerturbedRegulariser() {
        func check(_ reg: @escaping (Double, Double, Proca2025.ModeFlow) -> Double) -> ClaimCheck {
            let l = Self.landscape(reg)
            return ProcaFigA2.confinementCheck(s1s: [0.5, 1.5, 2.5], bGrid: l.b, acGrid: l.ac, dataTerm: l.data, total: l.total)
        }
        let right = check { u, b, flow in flow.energySplit(Proca2025.Mode(a: u, b: b, c: 1)).regulariser }
        #expect(right.outcome == .holds, "\(right.evidence)")
        // No regulariser: the total is the data term, which runs to the ac edge.
        #expect(check { _, _, _ in 0 }.fails)
        // A regulariser that ignores b (B(b) ≡ 1): the best ac = A(b) grows with b.
        let flat = check { u, _, _ in 0.5 * u * u }
        #expect(flat.fails, "\(flat.evidence)")
    }

    // MARK: Fig. 3 check 2

    static let stabilityPoints = [
        Fig3StabilityPoint(family: 0, label: "constant δ=1", x: 1, trainedB: 1.0, theoryB: 1),
        Fig3StabilityPoint(family: 1, label: "inverse λ=0.6", x: 0.6, trainedB: 0.6, theoryB: 0.6),
        Fig3StabilityPoint(family: 1, label: "inverse λ=1.2", x: 1.2, trainedB: 1.2, theoryB: 1.2),
        Fig3StabilityPoint(family: 2, label: "exponential λ=0.85", x: 0.85, trainedB: 1 / 0.85, theoryB: 1 / 0.85),
        Fig3StabilityPoint(family: 2, label: "exponential λ=1.15", x: 1.15, trainedB: 1 / 1.15, theoryB: 1 / 1.15),
    ]

    @Test func fig3StabilityFailsOnAWrongNetworkOrAPerturbedFormula() {
        let points = Self.stabilityPoints
        #expect(ProcaFig3.stabilityCheck(points, tolerance: 0.01, gridMatches: true).outcome == .holds)
        // A trained network that stopped below 1 where the rule says unstable.
        var stuck = points
        stuck[2] = Fig3StabilityPoint(family: 1, label: "inverse λ=1.2", x: 1.2, trainedB: 0.9, theoryB: 1.2)
        #expect(ProcaFig3.stabilityCheck(stuck, tolerance: 0.01, gridMatches: true).fails)
        // The exponential optimum perturbed to b* = λ (instead of 1/λ).
        var perturbed = points
        perturbed[3] = Fig3StabilityPoint(family: 2, label: "exponential λ=0.85", x: 0.85, trainedB: 1 / 0.85, theoryB: 0.85)
        #expect(ProcaFig3.stabilityCheck(perturbed, tolerance: 0.01, gridMatches: true).fails)
        // Only stable points cannot test the claim.
        #expect(ProcaFig3.stabilityCheck([points[1], points[4]], tolerance: 0.01, gridMatches: true).fails)
    }

    // MARK: Fig. 4 check 1

    @Test func fig4PrunedNeedsANonzeroSignalAndSmallB() {
        let zero = Fig4Layout.PrunedPoint(label: "constant δ = 0", signal: 0, kappa: 0.8, b: 0.12, ac: 0.79)
        let small = Fig4Layout.PrunedPoint(label: "exponential λ = 1/16", signal: 0.0625, kappa: 0.8, b: 0.003, ac: 0.8)
        #expect(Fig4Layout.prunedCheck([zero, small], ratio: 0.1).outcome == .holds)
        // Only zero-signal points: nothing drives b, so the claim is not tested.
        #expect(Fig4Layout.prunedCheck([zero], ratio: 0.1).fails)
        // A small nonzero signal that recruits the recurrent mode.
        let recruited = Fig4Layout.PrunedPoint(label: "exponential λ = 1/16", signal: 0.0625, kappa: 0.8, b: 0.6, ac: 0.5)
        #expect(Fig4Layout.prunedCheck([zero, recruited], ratio: 0.1).fails)
    }

    // MARK: Fig. A7: a paper claim that rnndyn's data do not reproduce

    @Test func figA7DominanceOutcomeComesFromTheData() {
        let why = ProcaFigA7.nonReproduction(.std)
        let contradicted = ProcaFigA7.dominanceCheck(network: "unaligned (std σ/√N_in)", lengths: [2, 6],
                                                     alongRecurrent: [0.104, 0.02], alongIO: [0.109, 0.01], knownNonReproduction: why)
        #expect(contradicted.outcome == .doesNotReproduce && !contradicted.fails && !contradicted.holds)
        #expect(contradicted.verdictText == "does not reproduce (paper claim)")
        let supported = ProcaFigA7.dominanceCheck(network: "unaligned (std σ/√N_in)", lengths: [2, 6],
                                                  alongRecurrent: [0.3, 0.02], alongIO: [0.1, 0.01], knownNonReproduction: why)
        #expect(supported.outcome == .holds && supported.verdictText.contains("now reproduces"))
        // Without a declaration the same contradicting data fail.
        let undeclared = ProcaFigA7.dominanceCheck(network: "aligned", lengths: [2, 6], alongRecurrent: [0.104, 0.02],
                                                   alongIO: [0.109, 0.01], knownNonReproduction: nil)
        #expect(undeclared.outcome == .fails)
    }

    // MARK: Fig. A8 check 2

    static func summary(sv: [Double], gradient: Double, loss: Double, rises: Int) -> FigA8Summary {
        FigA8Summary(svH: sv, svIO: sv, optimum: (b: 1, ac: 1), finalGradient: gradient, lateGradient: gradient, finalLoss: loss,
                     lossIncreases: rises)
    }

    @Test func figA8EarlyFailsOnAnUnstableLossCurve() {
        let late = Self.summary(sv: [0.76, 0.76, 0.76, 0.75], gradient: 2e-6, loss: 1.4e-4, rises: 0)
        let early = Self.summary(sv: [1.6, 1.59, 1.57, 0.07], gradient: 5.6e-5, loss: 7.4e-3, rises: 0)
        func check(_ e: FigA8Summary, steps: Int = 150_000) -> ClaimCheck {
            ProcaFigA8.earlyCheck(late: late, early: e, steps: steps, spreadTolerance: 0.05, gradientRatio: 10, maxRiseFraction: 1e-3)
        }
        #expect(check(early).outcome == .holds)
        // GD oscillating at an unstable step (the loss rises in half the steps): the large gradient is an artefact.
        let oscillating = Self.summary(sv: [1.6, 1.59, 0.64, 0.07], gradient: 5.6, loss: 3.1e-2, rises: 29_991)
        #expect(check(oscillating, steps: 60_000).fails)
        // Converged together (no scatter) or a gradient as small as late's.
        #expect(check(Self.summary(sv: [1.6, 1.6, 1.6, 1.6], gradient: 5.6e-5, loss: 7.4e-3, rises: 0)).fails)
        #expect(check(Self.summary(sv: [1.6, 1.59, 1.57, 0.07], gradient: 3e-6, loss: 7.4e-3, rises: 0)).fails)
    }

    // MARK: kinds and verdicts in records, tallies and the report

    @Test func verdictsAndKindsSurviveTheRecordAndShowInTheReport() throws {
        let checks = [
            ClaimCheck(claim: "paper claim", holds: true, evidence: "1 > 0"),
            ClaimCheck(claim: "unreproduced claim", holds: false, evidence: "0.1 < 0.2", knownNonReproduction: "width 4"),
            ClaimCheck(claim: "theory vs simulation", holds: true, evidence: "gap 1e-12", kind: .selfConsistency),
        ]
        let tally = ClaimTally(checks)
        #expect(tally.failing == 0 && tally.paperNotReproduced == 1 && tally.selfTotal == 1 && tally.paperHolding == 1)
        #expect(tally.summary == "paper claims 1/2 hold, 1 does not reproduce; self-consistency 1/1 hold")
        #expect(ClaimTally(checks + [ClaimCheck(claim: "x", holds: false, evidence: "")]).failing == 1)

        let record = RunRecord(experiment: "e", paperFigure: "Fig", summary: "s", preset: .quick, seed: 0, parameters: [:],
                               overrides: [:], provenance: Provenance(version: "v", gitCommit: "c"), startedAt: "", wallTimeSeconds: 0,
                               checks: checks, theoryError: nil, complete: true)
        let back = try RunRecord(json: try #require(JSONSerialization.jsonObject(with: record.jsonData()) as? [String: Any]), source: "test")
        #expect(back.checks == checks && back.checksFailing == 0 && back.checksHolding == 2)

        let html = ReportSection.checkLists(checks)
        #expect(html.contains("does not reproduce") && html.contains("Self-consistency checks") && html.contains("width 4"))
        let paperPart = try #require(html.components(separatedBy: "Self-consistency checks").first)
        #expect(!paperPart.contains("theory vs simulation"), "self-consistency checks are listed apart from the paper's claims")
    }
}
