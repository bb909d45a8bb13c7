import ExperimentKit
import Foundation
import Linalg
import Networks
import Tasks
import Theory

/// The time to learn the leaky integrator — the first time the outlier's decay κ = 1 − λ reaches `level` (the spec's
/// 1.1 c*) — in the full network and in the exact (a, κ) reduction (reconstructed model, spec A.4).
enum LearningTime {
    /// The balanced (a, κ) flow from (a0, 1): the first time κ reaches `level`, found by RODAS3 (the flow is stiff
    /// as κ → c*: its largest Jacobian eigenvalue grows like 1/(4c*³)) with bisection to 1e-10; nil when κ stays
    /// above `level` up to `tMax`.
    static func reduced(_ system: BalancedOutlierSystem, residue a0: Double, level: Double, until tMax: Double,
                        tolerance: Double) throws -> Double? {
        do {
            return try stiffIntegrator(tolerance).firstCrossingTime(system, initial: [a0, 1], component: 1, level: level,
                                                                    until: tMax, scanStep: 0.05, timeTolerance: 1e-10)
        } catch {
            throw ExperimentDivergence(stage: "the (a, κ) reduction, c* = \(system.loss.targetRate)", process: "RODAS3",
                                       step: 0, diagnostic: "\(error)", key: "tolerance", value: tolerance,
                                       lastGoodState: .init())
        }
    }

    /// RODAS3 at relative tolerance `tolerance` (absolute 1e-2 × that) for the autonomous reduced flows.
    static func stiffIntegrator(_ tolerance: Double) -> RosenbrockRodas3 {
        RosenbrockRodas3(relativeTolerance: tolerance, absoluteTolerance: tolerance * 1e-2, isAutonomous: true)
    }

    /// The first time the full network's top eigenvalue reaches λ = 1 − `level` (κ ≤ `level`): the bracketing pair
    /// of records of `run` (recorded with `keepNetworks`) is re-integrated on `refinement` + 1 even sub-records and
    /// the crossing interpolated linearly between the two sub-records around it; nil when κ stays above `level`.
    static func full(_ run: FilterFlowRun, target: ModalResponse, level: Double, tolerance: Double,
                     refinement: Int = 32) throws -> Double? {
        let kappa = run.topEigenvalue.map { 1 - $0.real }
        guard let hit = kappa.firstIndex(where: { $0 <= level }) else { return nil }
        guard hit > 0 else { return run.record.times[0] }
        let t0 = run.record.times[hit - 1], span = run.record.times[hit] - t0
        let sub = try FilterFlowRun.run(run.record.networks[hit - 1], target: target,
                                        times: SweepSpec.linspace(0, span, refinement + 1), tolerance: tolerance,
                                        stage: "refining the time to learn")
        let fine = sub.topEigenvalue.map { 1 - $0.real }
        guard let j = fine.firstIndex(where: { $0 <= level }), j > 0 else { return run.record.times[hit] }
        let (k0, k1) = (fine[j - 1], fine[j])
        let (s0, s1) = (sub.record.times[j - 1], sub.record.times[j])
        return t0 + s0 + (s1 - s0) * (k0 - level) / (k0 - k1)
    }
}
