import Foundation
import RNNDynamics

/// `--pif N NPZ [REPEATS]`: milliseconds per permutation-invariant Frobenius distance (issue 15) at n = N on three
/// pairs of U(−1/√N, 1/√N) recurrent matrices — a relabelled copy with noise 0.1/√N, one with noise 1/√N (as large
/// as the weights) and an independent pair — by rnndyn's default search (barycenter, signature and 2 random starts,
/// each FAQ + 2-opt), by FAQ from the barycenter alone (SciPy's default run) and by the cheaper searches
/// `rnndyn_quality_signature[_random<r>]` (signature start and r = 0–2 random starts, each FAQ + 2-opt), which the peer
/// uses for its separately labelled "time to SciPy's objective". Writes the matrices to NPZ for
/// bench/peers/pif_peer.py and prints one JSON object per pair and solver (best of REPEATS timings).
func runPIFBench(arguments: [String]) {
    let n = Int(arguments[0])!, path = arguments[1], repeats = arguments.count > 2 ? Int(arguments[2])! : 5
    let streams = RandomStreams(seed: 0).child("bench-pif")
    var rng = streams.stream("weights")
    let bound = 1 / Double(n).squareRoot()
    func uniform() -> Matrix { Matrix(rows: n, cols: n) { _, _ in (2 * rng.uniform() - 1) * bound } }
    func relabelledCopy(_ a: Matrix, noise: Double) -> Matrix {
        var p = Array(0..<n)
        for i in stride(from: n - 1, to: 0, by: -1) { p.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
        return Matrix(rows: n, cols: n) { a[p[$0], p[$1]] + noise * bound * rng.gaussian() }
    }
    let base = uniform(), loud = uniform()
    let pairs: [(String, Matrix, Matrix)] = [
        ("copy_noise_0.1", base, relabelledCopy(base, noise: 0.1)),
        ("copy_noise_1", loud, relabelledCopy(loud, noise: 1)),
        ("independent", uniform(), uniform()),
    ]
    do {
        var arrays: [(String, NumpyArray)] = []
        for (name, a, b) in pairs {
            arrays.append(("\(name)_A", try NumpyArray(shape: [n, n], cOrder: a.transposed.storage)))
            arrays.append(("\(name)_B", try NumpyArray(shape: [n, n], cOrder: b.transposed.storage)))
        }
        try AtomicFile.write(try NPZ.encode(arrays), to: URL(fileURLWithPath: path))
        let solvers: [(String, PIFOptions)] = [
            ("rnndyn", PIFOptions()),
            ("rnndyn_faq_barycenter", PIFOptions(signatureStart: false, randomStarts: 0, pairwiseSwaps: false)),
        ] + (0...2).map { r in
            ("rnndyn_quality_signature" + (r > 0 ? "_random\(r)" : ""), PIFOptions(barycenterStart: false, randomStarts: r))
        }
        for (solverName, options) in solvers {
            let solver = try PIFSolver(units: n, options: options)
            for (name, a, b) in pairs {
                var result = try solver.distance(a, b)
                var best = Double.infinity
                for _ in 0..<repeats {
                    let start = now()
                    result = try solver.distance(a, b)
                    best = min(best, now() - start)
                }
                let starts = result.starts.map { "\"\($0.start)\": {\"nit\": \($0.iterations), \"fun\": \($0.projectedObjective), \"refined\": \($0.refinedObjective), \"swaps\": \($0.swaps)}" }
                print("{\"bench\": \"pif\", \"peer\": \"\(solverName)\", \"pair\": \"\(name)\", \"n\": \(n), \"ms\": \(1e3 * best), "
                      + "\"objective\": \(result.objective), \"distance\": \(result.distance), \"iterations\": \(result.totalIterations), "
                      + "\"starts\": {\(starts.joined(separator: ", "))}}")
            }
        }
    } catch {
        print("pif bench failed: \(error)")
        exit(1)
    }
}
