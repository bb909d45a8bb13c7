import Analysis
import ExperimentKit
import Linalg

/// The cost of a degeneracy study from a short probe. Training: seed 0 of the first and of the last condition is
/// trained exactly as its cell (same streams, same threshold) for at most `probeEpochs` epochs, timed per step; a
/// probe that reaches its threshold gives the expected steps per network (the mean over the probes), one that does
/// not counts at `max_steps`. Beside it the upper bound (every network to `max_steps`) is printed. Comparing: per
/// condition, one DSA comparison per pair of networks and per network (the null) and one PIF comparison per pair,
/// each timed once on random trajectories and matrices of the condition's sizes.
enum DegeneracyEstimate {
    /// Epochs a probe network trains at most (16 × 128 steps at the full preset, about a minute for 128 units).
    static let probeEpochs = 16

    /// One probe network: its condition, optimizer steps, whether it stopped at its threshold, CPU seconds per step.
    struct Probe: Equatable {
        let condition: Int
        let steps: Int
        let converged: Bool
        let cpuPerStep: Double
    }

    /// Seed 0 of the first and the last condition, each trained as its cell under `experiment` (the experiment's
    /// node) for at most `epochs` epochs.
    static func probes(_ plan: DegeneracyPlan, experiment: RandomStreams, epochs: Int = probeEpochs) throws -> [Probe] {
        let ends = plan.conditions.count == 1 ? [0] : [0, plan.conditions.count - 1]
        return try ends.map { i in
            let c = plan.conditions[i]
            var outcome = (steps: 0, converged: false)
            let cpu = try StudyEstimate.cpuSeconds {
                outcome = try DegeneracyRun.trainProbe(c, maxSteps: epochs * c.training.stepsPerEpoch,
                                                       streams: experiment.child(c.node).child("seed-0"))
            }
            return Probe(condition: i, steps: outcome.steps, converged: outcome.converged, cpuPerStep: cpu / Double(max(outcome.steps, 1)))
        }
    }

    static func estimate(_ plan: DegeneracyPlan, cells: Int, experiment: RandomStreams, epochs: Int = probeEpochs) throws -> StudyEstimate {
        guard !plan.conditions.isEmpty else { return StudyEstimate(cells: 0, cpuSeconds: 0, basis: "no conditions") }
        let probes = try probes(plan, experiment: experiment, epochs: epochs)
        let streams = experiment.child("estimate")
        let count = Double(probes.count)
        let perStep = probes.map(\.cpuPerStep).reduce(0, +) / count
        let expectedSteps = probes.map { $0.converged ? Double($0.steps) : Double(plan.conditions[$0.condition].training.maxSteps) }
            .reduce(0, +) / count
        var dsaPair = 0.0, pifPair = 0.0
        for p in probes {
            let c = plan.conditions[p.condition], node = streams.child("condition-\(p.condition)")
            let n = c.training.width, m = plan.measurement
            let t = min(m.probeSteps, c.task.task.timeSteps)
            func trajectories(_ name: String) throws -> TrialTrajectories {
                var g = node.stream(name)
                return try TrialTrajectories(trials: m.probeTrials, steps: t, units: n, values: g.gaussians(m.probeTrials * t * n))
            }
            let x = try trajectories("x"), y = try trajectories("y")
            dsaPair += try StudyEstimate.cpuSeconds {
                _ = try DynamicalSimilarity.compare(try HAVOKModel.fit(x, options: m.dsa.dmd), try HAVOKModel.fit(y, options: m.dsa.dmd),
                                                    options: m.dsa, streams: node.child("dsa"))
            }
            var g = node.stream("w")
            let w1 = g.gaussianMatrix(rows: n, cols: n), w2 = g.gaussianMatrix(rows: n, cols: n)
            pifPair += try StudyEstimate.cpuSeconds {
                _ = try PermutationInvariantDistance.distance(w1, w2, options: PIFOptions(randomStarts: m.pifRandomStarts, streams: node.child("pif")))
            }
        }
        dsaPair /= count; pifPair /= count
        let seeds = Double(plan.seeds), pairs = seeds * (seeds - 1) / 2
        var expected = 0.0, bound = 0.0
        for c in plan.conditions {
            expected += seeds * min(expectedSteps, Double(c.training.maxSteps)) * perStep
            bound += seeds * Double(c.training.maxSteps) * perStep
        }
        let comparing = Double(plan.conditions.count) * (pairs * (dsaPair + pifPair) + seeds * dsaPair)
        func f(_ x: Double) -> String { String(format: "%.3g", x) }
        let probed = probes.map { p in
            "\(plan.conditions[p.condition].node) " + (p.converged ? "reached its threshold in \(p.steps) steps" : "did not reach it in \(p.steps) steps (counted at max_steps)")
        }
        return StudyEstimate(
            cells: cells, cpuSeconds: expected + comparing,
            basis: "seed 0 trained for at most \(epochs) epoch\(epochs == 1 ? "" : "s"): \(probed.joined(separator: "; ")); \(f(expectedSteps)) steps per network at \(f(perStep * 1000)) ms: "
                + "\(f(expected / 3600)) CPU-h training (upper bound, every network to max_steps: \(f(bound / 3600)) CPU-h); "
                + "\(Int(pairs)) pairs per condition at \(f(dsaPair)) s DSA + \(f(pifPair)) s PIF, \(f(comparing / 3600)) CPU-h comparing")
    }
}
