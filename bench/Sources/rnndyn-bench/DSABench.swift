import Foundation
import RNNDynamics

/// `--dsa DIR [NETWORKS UNITS TRIALS STEPS]` (issue 15): all-pairs angular DSA (n_delays 5, rank 20, at most 2000
/// L-BFGS steps per run; ≥ 2 fits and up to 6 while angular > 0.15, then again with one fit per pair) on one thread
/// over noise-driven random tanh RNNs
/// (gains 0.5 … 0.95, noise 0.3). Writes the trajectories to DIR/dsa_data.npz (`X` [networks, trials, steps, units])
/// and rnndyn's operators, eigenvalues and distances to DIR/dsa_rnndyn.npz for `bench/peers/dsa_peer.py`; prints
/// one JSON object with the timings and the optimiser's diagnostics.
func runDSABench(arguments: [String]) {
    guard let directory = arguments.first else { print("usage: --dsa DIR [NETWORKS UNITS TRIALS STEPS]"); exit(2) }
    let sizes = arguments.dropFirst().map { Int($0)! }
    let (networks, units, trials, steps) = sizes.count == 4 ? (sizes[0], sizes[1], sizes[2], sizes[3]) : (20, 128, 32, 100)
    do {
        let root = RandomStreams(seed: 0).child("dsa-bench")
        let systems = try (0..<networks).map { k in
            try TrialTrajectories.noiseDrivenTanhRNN(
                units: units, trials: trials, steps: steps, gain: 0.5 + 0.45 * Double(k) / Double(max(networks - 1, 1)),
                noise: 0.3, network: root.child("network-\(k)"), trialSet: root.child("network-\(k)").child("probe"))
        }
        let dir = URL(fileURLWithPath: directory)
        try NPZ.write([("X", try NumpyArray(shape: [networks, trials, steps, units], cOrder: systems.flatMap(\.values)))],
                      to: dir.appendingPathComponent("dsa_data.npz"))
        // The lab's practice (≥ 2 fits, up to 6 while angular > 0.15), and a single fit per pair for comparison with
        // one dsa-metric `fit_score` call.
        let options = try DynamicalSimilarity.Options(
            dmd: HAVOKOptions(delays: 5, rank: .fixed(20)), score: .angular,
            procrustes: .init(maximumIterations: 2000, minimumFits: 2, maximumFits: 6, refitAbove: 0.15))
        var single = options
        single.procrustes.minimumFits = 1
        single.procrustes.maximumFits = 1
        var start = now()
        let models = try systems.map { try HAVOKModel.fit($0, options: options.dmd) }
        let dmdSeconds = now() - start
        start = now()
        let all = try DynamicalSimilarity.allPairs(models: models, options: options, streams: root.child("pavf"), threads: 1)
        let pairSeconds = now() - start
        start = now()
        let one = try DynamicalSimilarity.allPairs(models: models, options: single, streams: root.child("pavf"), threads: 1)
        let singleSeconds = now() - start
        let r = models[0].operatorMatrix.rows
        let spectra = try models.map { try $0.eigenvalues() }
        try NPZ.write([
            ("distances", try NumpyArray(shape: [networks, networks], cOrder: all.distances.transposed.storage)),
            ("distances_one_fit", try NumpyArray(shape: [networks, networks], cOrder: one.distances.transposed.storage)),
            ("operators", try NumpyArray(shape: [networks, r, r], cOrder: models.flatMap { $0.operatorMatrix.transposed.storage })),
            ("eig_real", try NumpyArray(shape: [networks, r], cOrder: spectra.flatMap { $0.map(\.real) })),
            ("eig_imag", try NumpyArray(shape: [networks, r], cOrder: spectra.flatMap { $0.map(\.imaginary) })),
        ], to: dir.appendingPathComponent("dsa_rnndyn.npz"))
        let runs = all.pairs.flatMap { $0.procrustes!.runs }
        let fits = all.pairs.map { $0.procrustes!.fits }
        let scores = all.pairs.map(\.score)
        let obj: [String: Any] = [
            "bench": "dsa", "peer": "rnndyn", "networks": networks, "units": units, "trials": trials, "steps": steps,
            "n_delays": 5, "rank": r, "pairs": all.pairs.count, "threads": 1,
            "seconds_dmd_total": dmdSeconds, "seconds_pairs_total": pairSeconds,
            "seconds_per_pair": pairSeconds / Double(all.pairs.count), "seconds_total": dmdSeconds + pairSeconds,
            "seconds_pairs_total_one_fit": singleSeconds, "seconds_per_pair_one_fit": singleSeconds / Double(all.pairs.count),
            "mean_angular_one_fit": one.pairs.map(\.score).reduce(0, +) / Double(scores.count),
            "mean_angular": scores.reduce(0, +) / Double(scores.count), "max_angular": scores.max()!,
            "min_angular": scores.min()!, "mean_fits": Double(fits.reduce(0, +)) / Double(fits.count),
            "runs": runs.count, "runs_converged": runs.filter(\.converged).count,
            "mean_iterations": Double(runs.map(\.iterations).reduce(0, +)) / Double(runs.count),
            "max_iterations": runs.map(\.iterations).max()!,
            "dmd_one_step_error_mean": models.map(\.diagnostics.oneStepRelativeError).reduce(0, +) / Double(networks),
            "dmd_factorization": models[0].diagnostics.factorization.rawValue,
            "versions": ["rnndyn": RNNDynamicsVersion.string, "openblas": BLAS.configuration],
        ]
        let data = try JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    } catch {
        print("dsa bench failed: \(error)")
        exit(1)
    }
}
