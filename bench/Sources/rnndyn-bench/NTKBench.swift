// rnndyn-bench --ntk: seconds per evaluation of the empirical NTK of a final-readout linear RNN (float64, one BLAS
// thread), by the closed form (`LinearRNNTangentKernel`) and by Jacobians (`JacobianTangentKernel`), in the JSON
// format of bench/peers/ntk_peer.py. `--check-ntk in.npz` compares the closed form with the peer's jacrev kernel.
import Foundation
import RNNDynamics

/// The benchmark network and inputs of `s`: scales 0.3/√fan-in as in the Python peer, seed-0 stream "ntk".
func ntkProblem(_ s: Size) -> (LinearRNN, SequenceBatch) {
    var rng = RandomStreams(seed: 0).stream("ntk")
    let net = LinearRNN(wx: rng.gaussianMatrix(rows: s.nh, cols: s.nx, std: 0.3 / Double(s.nx).squareRoot()),
                        wh: rng.gaussianMatrix(rows: s.nh, cols: s.nh, std: 0.3 / Double(s.nh).squareRoot()),
                        wy: rng.gaussianMatrix(rows: s.ny, cols: s.nh, std: 0.3 / Double(s.nh).squareRoot()))
    let batch = SequenceBatch(inputs: rng.gaussianMatrix(rows: s.nx, cols: s.T * s.P),
                              targets: Matrix(rows: s.ny, cols: s.P), timeSteps: s.T, samples: s.P)
    return (net, batch)
}

/// Single-thread dgemm throughput at n = 1024 (C = A B, best of `repeats`): the ceiling for any GEMM-bound route.
func dgemmPeakGflops(repeats: Int) -> Double {
    let n = 1024
    var rng = RandomStreams(seed: 0).stream("dgemm-peak")
    let a = rng.gaussianMatrix(rows: n, cols: n, std: 1), b = rng.gaussianMatrix(rows: n, cols: n, std: 1)
    var c = Matrix(rows: n, cols: n)
    let (perCall, _) = timeIt(repeats: repeats) { k in for _ in 0..<k { BLAS.gemm(a, b, into: &c) } }
    return 2 * Double(n * n * n) / perCall / 1e9
}

/// Times both NTK routes at every size and prints one JSON line per route, after the dgemm ceiling; the closed-form
/// line carries its FLOP count, so `compare.py` can state what the route would take at that ceiling.
func runNTKBench(sizes: [Size], repeats: Int) {
    let peak = dgemmPeakGflops(repeats: repeats)
    emit(["bench": "ntk", "dgemm_peak_gflops": peak, "dgemm_n": 1024])
    for s in sizes {
        let (net, batch) = ntkProblem(s)
        var closed = LinearRNNTangentKernel(for: net, batch: batch)
        let (perEval, evals) = timeIt(repeats: repeats) { n in for _ in 0..<n { closed.compute(net, batch) } }
        let flops = 2 * Double(closed.multiplyAdds)
        emit(["bench": "ntk", "peer": "rnndyn-closed-form", "Nh": s.nh, "Nx": s.nx, "Ny": s.ny, "T": s.T, "P": s.P,
              "seconds_per_eval": perEval, "evals_per_repeat": evals, "repeats": repeats,
              "gflops": flops / perEval / 1e9, "flops": flops, "krylov_basis": closed.usesKrylovBasis,
              "ntk_frobenius": closed.kernel.frobeniusNorm])
        let (perJac, evalsJac) = timeIt(repeats: max(1, repeats / 2)) { n in
            for _ in 0..<n { _ = JacobianTangentKernel.kernel(net, on: batch) }
        }
        emit(["bench": "ntk", "peer": "rnndyn-jacobian", "Nh": s.nh, "Nx": s.nx, "Ny": s.ny, "T": s.T, "P": s.P,
              "seconds_per_eval": perJac, "evals_per_repeat": evalsJac, "repeats": max(1, repeats / 2)])
    }
}

/// Closed-form and Jacobian kernels on the peer's dumped inputs against its jacrev kernel (`ntk`), relative to the
/// largest entry; exits 1 when they differ by more than 1e-10.
func checkNTKAgainstPeer(_ path: String) throws {
    let d = try NPZ.readDictionary(from: URL(fileURLWithPath: path))
    let net = LinearRNN(wx: try d["Wx"]!.toMatrix(), wh: try d["Wh"]!.toMatrix(), wy: try d["Wy"]!.toMatrix())
    let xs = d["X"]!.shape, (T, nx, p) = (xs[0], xs[1], xs[2])
    let xv = try d["X"]!.doubles(order: .c)
    var inputs = Matrix(rows: nx, cols: T * p)
    for t in 0..<T { for i in 0..<nx { for j in 0..<p { inputs[i, t * p + j] = xv[(t * nx + i) * p + j] } } }
    let batch = SequenceBatch(inputs: inputs, targets: Matrix(rows: net.outputDimension, cols: p), timeSteps: T, samples: p)
    let want = try d["ntk"]!.toMatrix()
    let scale = want.storage.map(abs).max() ?? 1
    var worst = 0.0
    for got in [LinearRNNTangentKernel.kernel(net, on: batch), JacobianTangentKernel.kernel(net, on: batch)] {
        for (a, b) in zip(got.storage, want.storage) { worst = max(worst, abs(a - b) / scale) }
    }
    emit(["bench": "ntk", "check": "jax-jacrev", "Nh": net.hiddenDimension, "Nx": nx, "Ny": net.outputDimension, "T": T,
          "P": p, "max_relative_difference": worst, "agrees": worst <= 1e-10])
    if worst > 1e-10 { exit(1) }
}
