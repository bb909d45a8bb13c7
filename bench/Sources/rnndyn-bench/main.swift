// rnndyn-bench: seconds per full-batch gradient-descent step of a linear RNN (float64, one BLAS thread),
// with the achieved GFLOP/s and OpenBLAS dgemm's rate at the step's dominant shape.
// Prints one JSON object per size, in the same format as bench/peers/lrnn_gd.py.
import Foundation
import RNNDynamics

BLAS.setThreads(1)

struct Size { let nh, nx, ny, T, P: Int }

func parseSizes(_ s: String) -> [Size] {
    s.split(separator: ";").map { part in
        let v = part.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces))! }
        return Size(nh: v[0], nx: v[1], ny: v[2], T: v[3], P: v[4])
    }
}

var sizesArg = "4,4,4,6,64;64,8,8,20,256;128,16,16,50,512"
var repeats = 5
var ntkRequested = false
var args = CommandLine.arguments.dropFirst().makeIterator()
while let a = args.next() {
    switch a {
    case "--sizes": sizesArg = args.next()!
    case "--repeats": repeats = Int(args.next()!)!
    case "--check-against":
        let (i, g) = (args.next()!, args.next()!)
        do { try checkAgainstPeer(inputs: i, grads: g) } catch { print("check failed: \(error)"); exit(1) }
        exit(0)
    case "--ntk": ntkRequested = true
    case "--check-ntk":
        let path = args.next()!
        do { try checkNTKAgainstPeer(path) } catch { print("NTK check failed: \(error)"); exit(1) }
        exit(0)
    case "--fig4": runFig4Bench(arguments: Array(CommandLine.arguments.drop { $0 != "--fig4" }.dropFirst())); exit(0)
    case "--impulse-response":
        runImpulseResponseBench(arguments: Array(CommandLine.arguments.drop { $0 != "--impulse-response" }.dropFirst()))
        exit(0)
    case "--impulse-flow":
        runImpulseFlowBench(arguments: Array(CommandLine.arguments.drop { $0 != "--impulse-flow" }.dropFirst()))
        exit(0)
    case "--tanh-step": runTanhStepBench(arguments: Array(CommandLine.arguments.drop { $0 != "--tanh-step" }.dropFirst())); exit(0)
    case "--tanh-parity-inputs":
        writeTanhParityInputs(arguments: Array(CommandLine.arguments.drop { $0 != "--tanh-parity-inputs" }.dropFirst()))
        exit(0)
    case "--tanh-check":
        do { try checkTanhParity(arguments: [args.next()!]) } catch { print("tanh parity check failed: \(error)"); exit(1) }
        exit(0)
    case "--pif": runPIFBench(arguments: Array(CommandLine.arguments.drop { $0 != "--pif" }.dropFirst())); exit(0)
    case "--dsa": runDSABench(arguments: Array(CommandLine.arguments.drop { $0 != "--dsa" }.dropFirst())); exit(0)
    case "--probe": probeTiny(); exit(0)
    case "--probe-gemm": probeGEMM(); exit(0)
    case "--probe-alloc": probeAllocations(); exit(0)
    case "--probe-large": probeLarge(); exit(0)
    case "--probe-train": probeTraining(); exit(0)
    default: FileHandle.standardError.write(Data("unknown argument \(a)\n".utf8)); exit(2)
    }
}

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) * 1e-9 }

/// FLOPs of one final-output BPTT step on the backward route rnndyn picks for these sizes (see `BackwardRoute`).
func flops(_ s: Size) -> Double {
    let (h, x, y, T, P) = (Double(s.nh), Double(s.nx), Double(s.ny), Double(s.T), Double(s.P))
    let forward = h * x * T * P + h * h * P * (T - 1) + y * h * P
    let backward: Double
    switch LinearRNN.preferredRoute(nx: s.nx, nh: s.nh, ny: s.ny, T: s.T, P: s.P) {
    case .hiddenAdjoints:
        backward = h * y * P + h * h * P * (T - 1) + h * x * T * P + h * h * (T - 1) * P + y * h * P
    case .readoutSpace:
        backward = (T - 1) * y * h * h + T * y * x * P + (T - 1) * y * h * P + h * x * T * y + h * h * (T - 1) * y + y * h * P
    }
    return 2 * (forward + backward)
}

/// Best-of-`repeats` seconds per call of `body`, calibrating the count so one repeat takes ~0.5 s.
func timeIt(repeats: Int, _ body: (Int) -> Void) -> (Double, Int) {
    var n = 1
    while true {
        let t0 = now(); body(n); let dt = now() - t0
        if dt > 0.25 { break }
        n *= dt < 0.01 ? 16 : 2
    }
    var best = Double.infinity
    for _ in 0..<repeats {
        let t0 = now(); body(n); best = min(best, (now() - t0) / Double(n))
    }
    return (best, n)
}

if ntkRequested {
    runNTKBench(sizes: parseSizes(sizesArg), repeats: repeats)
    exit(0)
}

for s in parseSizes(sizesArg) {
    var rng = RandomStreams(seed: 0).stream("bench")
    let net = Initializer.unaligned(nx: s.nx, nh: s.nh, ny: s.ny, scale: 0.3, rng: &rng)
    let batch = SequenceBatch(inputs: rng.gaussianMatrix(rows: s.nx, cols: s.T * s.P),
                              targets: rng.gaussianMatrix(rows: s.ny, cols: s.P), timeSteps: s.T, samples: s.P)
    var rec = Recorder<LinearRNN>(schedule: .steps([]), recordsParameters: false)
    let (perStep, steps) = timeIt(repeats: repeats) { n in
        var src = FullBatchGradient(batch: batch, model: net)
        let run = Trainer.train(net, source: &src, options: TrainingOptions(steps: n, optimizer: Optimizer(.gd, learningRate: 0.01)),
                                recorder: &rec)
        precondition(run.stop == .completed)
    }
    // Loss after 10 steps, for cross-checking implementations on identical data.
    var src = FullBatchGradient(batch: batch, model: net)
    let ten = Trainer.train(net, source: &src, options: TrainingOptions(steps: 10, optimizer: Optimizer(.gd, learningRate: 0.01)),
                            recorder: &rec).losses.last!
    // OpenBLAS dgemm alone at the dominant shape of the step: (N_h × N_h) · (N_h × P).
    let a = rng.gaussianMatrix(rows: s.nh, cols: s.nh), b = rng.gaussianMatrix(rows: s.nh, cols: s.P)
    var c = Matrix(rows: s.nh, cols: s.P)
    let (gemmTime, _) = timeIt(repeats: repeats) { n in for _ in 0..<n { BLAS.gemm(a, b, into: &c, beta: 1) } }
    let gemmRate = 2 * Double(s.nh * s.nh * s.P) / gemmTime / 1e9
    let obj: [String: Any] = [
        "peer": "rnndyn-swift", "Nh": s.nh, "Nx": s.nx, "Ny": s.ny, "T": s.T, "P": s.P,
        "seconds_per_step": perStep, "steps": steps, "loss_after_10": ten,
        "gflops": flops(s) / perStep / 1e9,
        "backward_route": "\(LinearRNN.preferredRoute(nx: s.nx, nh: s.nh, ny: s.ny, T: s.T, P: s.P))", "dgemm_gflops_same_shape": gemmRate,
        "versions": ["rnndyn": RNNDynamicsVersion.string, "openblas": BLAS.configuration],
    ]
    emit(obj)

    // The same full-batch GD from the batch's exact sufficient statistics (identical loss and gradients,
    // per-step cost independent of P); the one-off statistics pass is timed separately.
    let t0 = now()
    let stats = PopulationCorrelations(sufficientStatisticsOf: batch, outputMode: .final)
    let statSeconds = now() - t0
    let (perStepStats, stepsStats) = timeIt(repeats: repeats) { n in
        var src = PopulationGradient(task: stats, model: net)
        let run = Trainer.train(net, source: &src, options: TrainingOptions(steps: n, optimizer: Optimizer(.gd, learningRate: 0.01)),
                                recorder: &rec)
        precondition(run.stop == .completed)
    }
    var src2 = PopulationGradient(task: stats, model: net)
    let tenStats = Trainer.train(net, source: &src2, options: TrainingOptions(steps: 10, optimizer: Optimizer(.gd, learningRate: 0.01)),
                                 recorder: &rec).losses.last!
    emit(["peer": "rnndyn-swift-stats", "Nh": s.nh, "Nx": s.nx, "Ny": s.ny, "T": s.T, "P": s.P,
          "seconds_per_step": perStepStats, "steps": stepsStats, "loss_after_10": tenStats,
          "statistics_seconds": statSeconds, "versions": ["rnndyn": RNNDynamicsVersion.string]])
}

func emit(_ obj: [String: Any]) {
    let data = try! JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
}
