import Analysis
import ExperimentKit
import Linalg

/// The cost of a degeneracy study from a short probe: one epoch of training of the first and the last condition's
/// network (timed per step, extrapolated to `max_steps`, an upper bound since networks stop at their threshold),
/// plus, per condition, one DSA comparison per pair of networks and per network (the null) and one PIF comparison per
/// pair, each timed once on random trajectories and matrices of the condition's sizes.
enum DegeneracyEstimate {
    static func estimate(_ plan: DegeneracyPlan, cells: Int, streams: RandomStreams) throws -> StudyEstimate {
        guard let first = plan.conditions.first, let last = plan.conditions.last else {
            return StudyEstimate(cells: 0, cpuSeconds: 0, basis: "no conditions")
        }
        let probes = first == last ? [first] : [first, last]
        var perStep = 0.0, dsaPair = 0.0, pifPair = 0.0
        for (k, c) in probes.enumerated() {
            let node = streams.child("condition-\(k)")
            let steps = min(c.training.stepsPerEpoch, c.training.maxSteps)
            perStep += try StudyEstimate.cpuSeconds { try DegeneracyRun.trainSteps(c, steps: steps, streams: node.child("train")) } / Double(steps)
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
        let count = Double(probes.count)
        perStep /= count; dsaPair /= count; pifPair /= count
        let seeds = Double(plan.seeds), pairs = seeds * (seeds - 1) / 2
        var training = 0.0
        for c in plan.conditions { training += seeds * Double(c.training.maxSteps) * perStep }
        let comparing = Double(plan.conditions.count) * (pairs * (dsaPair + pifPair) + seeds * dsaPair)
        func f(_ x: Double) -> String { String(format: "%.3g", x) }
        return StudyEstimate(
            cells: cells, cpuSeconds: training + comparing,
            basis: "upper bound: every network to max_steps at \(f(perStep * 1000)) ms per step (timed \(probes.count) epoch\(probes.count == 1 ? "" : "s")), "
                + "\(f(training / 3600)) CPU-h training; \(Int(pairs)) pairs per condition at \(f(dsaPair)) s DSA + \(f(pifPair)) s PIF, \(f(comparing / 3600)) CPU-h comparing")
    }
}
