import Dispatch
import ExperimentKit
import Foundation
import Linalg
import Networks
import Tasks
import Training

// MARK: - Theory-vs-simulation tallies and the phase-transition checks of Fig. 4

extension Fig4Layout {
    /// Full-matrix vs mode-ODE comparison over the simulated modes below GD's stability edge.
    struct GapTally {
        let eta: Double
        var worst = 0.0, compared = 0, atEdge = 0, illConditioned = 0, unaligned = 0, worstAt = "none", unalignedAt: [String] = []
        /// Endpoints whose relative change per relative init change exceeds this are threshold-adjacent.
        static let maxCondition = 1e4
        /// Networks whose off-diagonal mode couplings exceed this have left the aligned manifold.
        static let maxMisalignment = 1e-6

        mutating func add(_ sim: Fig4Layout.SimulatedMode, _ theory: ModeDescentGrid.Outcome, at label: String) {
            if !(eta * theory.curvature < 1) { atEdge += 1; return }
            if !(sim.condition <= Self.maxCondition) { illConditioned += 1; return }
            if !(sim.alignment <= Self.maxMisalignment) {
                unaligned += 1
                unalignedAt.append("\(label) (coupling \(Fig4Layout.format(sim.alignment)))")
                return
            }
            compared += 1
            let gap = max(Fig4Layout.relativeGap(sim.b, theory.mode.b), Fig4Layout.relativeGap(sim.ac, theory.mode.u))
            if !(gap <= worst) {
                worst = gap
                worstAt = "\(label): full matrix (b, ac) = (\(Fig4Layout.format(sim.b)), \(Fig4Layout.format(sim.ac))), mode ODE (\(Fig4Layout.format(theory.mode.b)), \(Fig4Layout.format(theory.mode.u)))"
            }
        }
    }

    /// |sim − theory| relative to max(|theory|, 10⁻³).
    static func relativeGap(_ sim: Double, _ theory: Double) -> Double {
        guard sim.isFinite, theory.isFinite else { return .infinity }
        return abs(sim - theory) / max(abs(theory), 1e-3)
    }

    /// First x where y reaches `level` (linear interpolation), NaN if never.
    static func crossing(_ x: [Double], _ y: [Double], level: Double) -> Double {
        guard let i = y.firstIndex(where: { $0 >= level }) else { return .nan }
        if i == 0 { return x[0] }
        return x[i - 1] + (level - y[i - 1]) / (y[i] - y[i - 1]) * (x[i] - x[i - 1])
    }

    /// A grid point below threshold: its largest recurrent singular value max_{t<T} |s_t|, κ, and the b and ac reached.
    struct PrunedPoint {
        let label: String
        let signal: Double, kappa: Double, b: Double, ac: Double
    }

    /// "Below threshold the recurrent mode is pruned": b ≤ 0.25 and ac within 5 % of κ at every point whose recurrent
    /// singular values are at most `ratio` κ, and at least one such point has a nonzero recurrent signal (at zero
    /// signal nothing drives b, so those points alone cannot test the claim).
    static func prunedCheck(_ points: [PrunedPoint], ratio: Double) -> ClaimCheck {
        let driven = points.filter { $0.signal > 0 }
        let worstB = points.map { abs($0.b) }.max() ?? .nan, worstAc = points.map { abs($0.ac - $0.kappa) / $0.kappa }.max() ?? .nan
        let drivenB = driven.max { abs($0.b) < abs($1.b) }
        let holds = !driven.isEmpty && worstB <= 0.25 && worstAc <= 0.05
        return ClaimCheck(
            claim: "Below threshold the recurrent mode is pruned: b ≈ 0 (≤ 0.25) and ac ≈ κ (within 5 %) wherever the recurrent singular values are ≤ \(format(ratio)) κ, including points where they are nonzero",
            holds: holds,
            evidence: "\(points.count) points (\(driven.count) with a nonzero recurrent signal): max b = \(format(worstB)), max |ac − κ|/κ = \(format(worstAc)); "
                + (drivenB.map { "largest b at a nonzero signal \(format($0.b)) (\($0.label), signal \(format($0.signal)))" } ?? "no point with a nonzero recurrent signal"))
    }

    /// Dirac column: pruned for β ≤ κ/2 (well below the Landau threshold β = κ), recurrent for β ≥ 3κ; the evidence
    /// gives where b crosses 0.5 and how many recurrent points sit at GD's stability edge.
    static func diracPhases(betas: [Double], b: [Double], ac: [Double], etaCurvature: [Double], kappa: Double,
                            threshold: Double) -> (Bool, String) {
        let low = betas.indices.filter { betas[$0] <= kappa / 2 }, high = betas.indices.filter { betas[$0] >= 3 * kappa }
        let prunedOK = low.allSatisfy { b[$0] <= 0.25 && abs(ac[$0] - kappa) <= 0.05 * kappa }
        let recurrentOK = high.allSatisfy { b[$0] > 1 && ac[$0] < 0.25 * kappa }
        let atEdge = high.filter { !(etaCurvature[$0] < 1) }.count
        let maxB = high.map { b[$0] }.max() ?? .nan, maxAc = high.map { ac[$0] }.max() ?? .nan
        return (!low.isEmpty && !high.isEmpty && prunedOK && recurrentOK,
                "\(low.count) points β ≤ κ/2 pruned: \(prunedOK); \(high.count) points β ≥ 3κ recurrent: \(recurrentOK) (b up to \(format(maxB)), ac ≤ \(format(maxAc))); b crosses 0.5 at β = \(format(crossing(betas, b, level: 0.5))) (Landau global threshold \(format(threshold))); \(atEdge) at GD's stability edge")
    }

    /// T = 3: continuous onset at the Landau β_c = 1/√2, and GD on the Landau b* away from the critical window.
    ///
    /// Near β_c the relaxation rate of b vanishes (∝ |β − β_c|, critical slowing down), so points within
    /// max(0.05, 1/t) of β_c (t = η · steps) are left out of the b* comparison and bound the onset tolerance.
    /// Points still moving at the end (final speed > 10⁻³) are not compared either; at least half of the points outside
    /// the window must be compared.
    static func continuousCheck(betas: [Double], b: [Double], speeds: [Double], minima: [Proca2025.LandauMinimum],
                                transition: Proca2025.PhaseTransition?, flowTime: Double) -> ClaimCheck {
        let claim = "Dirac T = 3: continuous (second-order) onset of b at the Landau β_c = 1/√2 from a non-trivial init, with b following the Landau b*"
        guard let t = transition else { return ClaimCheck(claim: claim, holds: false, evidence: "no Landau transition found") }
        let onset = crossing(betas, b, level: 0.05)
        let window = max(0.05, 1 / flowTime)
        let outside = betas.indices.filter { abs(betas[$0] - t.criticalBeta) >= window }
        let settled = outside.filter { speeds[$0] <= 1e-3 }
        let worst = settled.map { abs(b[$0] - abs(minima[$0].b)) }.max() ?? .infinity
        let firstAbove = b.firstIndex { $0 >= 0.05 }
        let jump = firstAbove.map { b[$0] } ?? .nan
        let holds = t.order == .continuous && abs(t.criticalBeta - 0.5.squareRoot()) < 1e-6 && abs(onset - t.criticalBeta) <= window
            && 2 * settled.count >= outside.count && worst <= 0.02 && jump <= 0.5
        return ClaimCheck(claim: claim, holds: holds,
                          evidence: "Landau β_c = \(format(t.criticalBeta)) (\(t.order.rawValue)); GD onset (b = 0.05) at β = \(format(onset)); first b above onset \(format(jump)); max |b − b*| = \(format(worst)) over \(settled.count) settled points outside ±\(format(window)) of β_c (\(outside.count - settled.count) still moving)")
    }

    /// T = 4: a jump near the Landau β_c = 1 from init 0.5.
    static func jumpCheck(betas: [Double], b: [Double], us: [Double], transition: Proca2025.PhaseTransition?,
                          initial: Double) -> ClaimCheck {
        let claim = "Dirac T = 4 (init \(format(initial))): b jumps from ≈ 0 to order 1 near the Landau first-order β_c = 1; below it u = 1/β (trivial branch)"
        guard let t = transition else { return ClaimCheck(claim: claim, holds: false, evidence: "no Landau transition found") }
        guard let s = b.firstIndex(where: { $0 >= 0.5 }), s > 0 else {
            return ClaimCheck(claim: claim, holds: false, evidence: "b never reaches 0.5 (or starts above it)")
        }
        let before = b[s - 1], after = b[s]
        let trivial = (0..<s).allSatisfy { abs(us[$0] - 1 / betas[$0]) <= 1e-3 * (1 / betas[$0]) && abs(b[$0]) < 0.05 }
        let holds = t.order == .jump && abs(t.criticalBeta - 1) < 0.01 && abs(betas[s] - t.criticalBeta) <= 0.1
            && before < 0.05 && after >= 0.5 && trivial
        return ClaimCheck(claim: claim, holds: holds,
                          evidence: "Landau β_c = \(format(t.criticalBeta)) (\(t.order.rawValue)); GD b jumps \(format(before)) → \(format(after)) between β = \(format(betas[s - 1])) and \(format(betas[s])); trivial branch u = 1/β below: \(trivial)")
    }

    static func format(_ v: Double) -> String {
        if !v.isFinite { return "\(v)" }
        if v != 0 && (abs(v) < 1e-3 || abs(v) >= 1e4) { return String(format: "%.3e", v) }
        return String(format: "%.4g", v)
    }
}
