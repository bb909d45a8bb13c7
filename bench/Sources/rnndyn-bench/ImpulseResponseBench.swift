import Foundation
import RNNDynamics

/// `--impulse-response [sizes]`: milliseconds per exact impulse-response loss-and-gradient evaluation (issue 13) of a
/// continuous-time `LinearFilterRNN` (σ = 0.5, two-exponential target) by the automatic route (with how many
/// evaluations went to the Krylov and the Schur route), next to one dgees and one dtrsyl at that size.
/// Prints one JSON object per size.
func runImpulseResponseBench(arguments: [String]) {
    let sizes = (arguments.first ?? "50,100,200,400").split(separator: ",").map { Int($0)! }
    for n in sizes {
        do {
            let net = try LinearFilterRNN.random(units: n, sigma: 0.5, streams: RandomStreams(seed: 1).child("bench"))
            let distance = try ImpulseResponseDistance(dimension: n, target: FilterTarget.twoTimescales())
            var gradient = SystemGradient(dimension: n)
            let repeats = max(10, 2_000_000 / (n * n * n / 10 + 1))
            _ = try net.lossAndGradient(distance, into: &gradient)
            var start = now()
            for _ in 0..<repeats { _ = try net.lossAndGradient(distance, into: &gradient) }
            let perGradient = (now() - start) / Double(repeats)
            let schur = try RealSchurWorkspace(dimension: n)
            let a = net.systemMatrix
            start = now()
            for _ in 0..<repeats { try schur.factor(a) }
            let perSchur = (now() - start) / Double(repeats)
            var rhs = Matrix(rows: n, cols: n, repeating: -1)
            start = now()
            for _ in 0..<repeats { rhs.storage.withUnsafeMutableBufferPointer { $0.update(repeating: -1) }; try schur.solveLyapunov(&rhs, transposed: false) }
            let perLyapunov = (now() - start) / Double(repeats)
            print(String(format: "{\"bench\": \"impulse_response_gradient\", \"n\": %d, \"repeats\": %d, \"ms_per_gradient\": %.4f, \"krylov_evaluations\": %d, \"schur_evaluations\": %d, \"ms_dgees\": %.4f, \"ms_dtrsyl\": %.4f}",
                         n, repeats, 1e3 * perGradient, distance.krylovEvaluations, distance.schurEvaluations,
                         1e3 * perSchur, 1e3 * perLyapunov))
        } catch {
            print("impulse-response bench failed at n = \(n): \(error)")
            exit(1)
        }
    }
}

/// `--impulse-flow N SIGMA CSTAR TARGET NPZ`: milliseconds per exact gradient at the initial network (best of 5, each
/// route) and seconds for the exact gradient flow (Dormand–Prince 5(4), rtol 1e-6, atol 1e-9, as the SciPy peer's RK45)
/// of a continuous-time `LinearFilterRNN` (rates 1, N, N; readout 1/N) until the loss of e^{−c* t} is at most TARGET
/// (checked after every accepted step, as the peer's terminal event); writes the initial W0, u0, v0 to NPZ for the peer.
func runImpulseFlowBench(arguments: [String]) {
    let n = Int(arguments[0])!, sigma = Double(arguments[1])!, cStar = Double(arguments[2])!, goal = Double(arguments[3])!
    do {
        let net = try LinearFilterRNN.random(units: n, sigma: sigma, streams: RandomStreams(seed: 0).child("bench-flow"))
        try AtomicFile.write(try NPZ.encode([
            ("W0", try NumpyArray(shape: [n, n], cOrder: net.w.transposed.storage)), ("u0", try NumpyArray(shape: [n], cOrder: net.u)),
            ("v0", try NumpyArray(shape: [n], cOrder: net.v)),
        ]), to: URL(fileURLWithPath: arguments[4]))
        let target = try FilterTarget.leakyIntegrator(rate: cStar)
        var perGradient: [String: Double] = [:]
        for (name, method) in [("krylov", ImpulseResponseDistance.GramianMethod.automatic), ("schur", .schur)] {
            let distance = try ImpulseResponseDistance(dimension: n, target: target, method: method)
            var gradient = SystemGradient(dimension: n)
            _ = try net.lossAndGradient(distance, into: &gradient)
            var best = Double.infinity
            for _ in 0..<5 {
                let start = now()
                _ = try net.lossAndGradient(distance, into: &gradient)
                best = min(best, now() - start)
            }
            perGradient[name] = best
        }
        let flow = ImpulseResponseFlow(target: target, integrator: DormandPrince54(relativeTolerance: 1e-6, absoluteTolerance: 1e-9))
        let initialLoss = try net.loss(ImpulseResponseDistance(dimension: n, target: target))
        let start = now()
        let record = try flow.run(from: net, recordingAt: [0, 500], stopBelowLoss: goal)
        let seconds = now() - start
        let reached = record.losses.last! <= goal
        print(String(format: "{\"bench\": \"integrate\", \"peer\": \"rnndyn\", \"n\": %d, \"sigma\": %g, \"c\": %g, \"target_loss\": %g, \"initial_loss\": %.10g, \"seconds_per_gradient\": %.6f, \"seconds_per_gradient_schur\": %.6f, \"reached\": %@, \"final_loss\": %.6g, \"t_reached\": %.6g, \"seconds_to_target\": %.4f, \"steps\": %d, \"rejected_steps\": %d, \"rhs_evaluations\": %d, \"krylov_evaluations\": %d, \"schur_evaluations\": %d, \"integrator\": \"Dormand-Prince 5(4), rtol 1e-6, atol 1e-9\"}",
                     n, sigma, cStar, goal, initialLoss, perGradient["krylov"]!, perGradient["schur"]!, reached ? "true" : "false",
                     record.losses.last!, record.times.last!, seconds, record.acceptedSteps, record.rejectedSteps,
                     record.gradientEvaluations, record.krylovEvaluations, record.schurEvaluations))
    } catch {
        print("impulse-flow bench failed: \(error)")
        exit(1)
    }
}
