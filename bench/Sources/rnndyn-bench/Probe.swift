import Foundation
import RNNDynamics

/// Component timings for the tiny case (development aid, run with --probe).
func probeTiny() {
    var rng = RandomStreams(seed: 0).stream("bench")
    let net = Initializer.unaligned(nx: 4, nh: 4, ny: 4, scale: 0.3, rng: &rng)
    let batch = SequenceBatch(inputs: rng.gaussianMatrix(rows: 4, cols: 6 * 64), targets: rng.gaussianMatrix(rows: 4, cols: 64), timeSteps: 6, samples: 64)
    var ws = net.makeWorkspace(for: batch)
    let n = Int(ProcessInfo.processInfo.environment["PROBE_N"] ?? "200000")!
    var t0 = now()
    var acc = 0.0
    let onlyStats = ProcessInfo.processInfo.environment["PROBE_STATS"] != nil
    for _ in 0..<(onlyStats ? 0 : n) { acc += net.lossAndGradient(batch, workspace: &ws) }
    print("lossAndGradient", (now() - t0) / Double(n) * 1e6, "us", acc)
    let stats = PopulationCorrelations(sufficientStatisticsOf: batch, outputMode: .final)
    var pws = net.makePopulationWorkspace(for: stats)
    t0 = now()
    for _ in 0..<n { acc += net.populationLossAndGradient(stats, workspace: &pws) }
    print("statistics lossAndGradient", (now() - t0) / Double(n) * 1e6, "us", acc)
    let a = rng.gaussianMatrix(rows: 4, cols: 4), b = rng.gaussianMatrix(rows: 4, cols: 64)
    var c = Matrix(rows: 4, cols: 64)
    t0 = now()
    for _ in 0..<n { BLAS.gemm(a, b, into: &c, beta: 1) }
    print("gemm 4x4x64", (now() - t0) / Double(n) * 1e6, "us")
}

/// Trains PROBE_N full-batch GD steps at the tiny size from the batch's sufficient statistics (PROBE_ROUTE =
/// products | fused | portable), for counting instructions per step under callgrind (development aid, --probe-train).
func probeTraining() {
    let env = ProcessInfo.processInfo.environment
    let n = Int(env["PROBE_N"] ?? "100000")!
    let route: PopulationRoute = switch env["PROBE_ROUTE"] ?? "fused" {
    case "products": .matrixProducts
    case "portable": .portableFusedKernel
    default: .fusedKernel
    }
    var rng = RandomStreams(seed: 0).stream("bench")
    let net = Initializer.unaligned(nx: 4, nh: 4, ny: 4, scale: 0.3, rng: &rng)
    let batch = SequenceBatch(inputs: rng.gaussianMatrix(rows: 4, cols: 6 * 64), targets: rng.gaussianMatrix(rows: 4, cols: 64), timeSteps: 6, samples: 64)
    let stats = PopulationCorrelations(sufficientStatisticsOf: batch, outputMode: .final)
    var rec = Recorder<LinearRNN>(schedule: .steps([]), recordsParameters: false)
    var src = PopulationGradient(task: stats, model: net, route: route)
    let t0 = now()
    let run = Trainer.train(net, source: &src, options: TrainingOptions(steps: n, optimizer: Optimizer(.gd, learningRate: 0.01)), recorder: &rec)
    print("route \(route): \((now() - t0) / Double(n) * 1e6) us/step, final loss \(run.losses.last!)")
}

/// GEMM timings at the large benchmark shape (development aid, run with --probe-large).
func probeLarge() {
    var rng = RandomStreams(seed: 0).stream("bench")
    let nh = 128, nx = 16, T = 50, P = 512
    let wh = rng.gaussianMatrix(rows: nh, cols: nh), h = rng.gaussianMatrix(rows: nh, cols: T * P)
    let x = rng.gaussianMatrix(rows: nx, cols: T * P), wx = rng.gaussianMatrix(rows: nh, cols: nx)
    var out = Matrix(rows: nh, cols: P), gh = Matrix(rows: nh, cols: nh), hx = Matrix(rows: nh, cols: T * P)
    func t(_ name: String, _ flops: Double, _ body: () -> Void) {
        let t0 = now(); for _ in 0..<5 { body() }; let dt = (now() - t0) / 5
        print(name, dt * 1e3, "ms", flops / dt / 1e9, "GF/s")
    }
    let blk = h.columns(0..<P)
    t("Wh*Hblock x49", 2.0 * Double(nh * nh * P) * 49) { for _ in 0..<49 { BLAS.gemm(wh, blk, into: &out) } }
    t("WhT*Hblock x49", 2.0 * Double(nh * nh * P) * 49) { for _ in 0..<49 { BLAS.gemm(wh, blk, into: &out, transA: .transpose) } }
    t("D*H^T k=25088", 2.0 * Double(nh * nh * (T - 1) * P)) { BLAS.gemm(h, h, into: &gh, transB: .transpose) }
    t("Wx*X", 2.0 * Double(nh * nx * T * P)) { BLAS.gemm(wx, x, into: &hx) }
    var gx = Matrix(rows: nh, cols: nx)
    t("D*X^T", 2.0 * Double(nh * nx * T * P)) { BLAS.gemm(h, x, into: &gx, transB: .transpose) }
    var net = Initializer.unaligned(nx: nx, nh: nh, ny: 16, scale: 0.3, rng: &rng)
    net.outputMode = .final
    let batch = SequenceBatch(inputs: x, targets: rng.gaussianMatrix(rows: 16, cols: P), timeSteps: T, samples: P)
    var ws = net.makeWorkspace(for: batch)
    t("lossAndGradient", 0) { _ = net.lossAndGradient(batch, workspace: &ws) }
}

/// Trains PROBE_N steps with each gradient source and computes the NTK PROBE_N / 100 times, for counting heap
/// allocations under valgrind (development aid, run with --probe-alloc; the count must not grow with PROBE_N).
func probeAllocations() {
    let n = Int(ProcessInfo.processInfo.environment["PROBE_N"] ?? "1000")!
    var rng = RandomStreams(seed: 0).stream("bench")
    for mode in [OutputMode.final, .autoregressive] {
        let net = Initializer.unaligned(nx: 4, nh: 8, ny: 4, scale: 0.3, outputMode: mode, rng: &rng)
        let batch = SequenceBatch(inputs: rng.gaussianMatrix(rows: 4, cols: 6 * 32),
                                  targets: rng.gaussianMatrix(rows: 4, cols: mode == .final ? 32 : 6 * 32), timeSteps: 6, samples: 32)
        var rec = Recorder<LinearRNN>(schedule: .steps([]), recordsParameters: false)
        for kind in [OptimizerKind.gd, .adam] {
            let opts = TrainingOptions(steps: n, optimizer: Optimizer(kind, learningRate: 0.001), regularizers: [L2Penalty(strength: 0.01)])
            var full = FullBatchGradient(batch: batch, model: net)
            _ = Trainer.train(net, source: &full, options: opts, recorder: &rec)
            var mini = MinibatchGradient(data: batch, batchSize: 8, model: net, rng: rng)
            _ = Trainer.train(net, source: &mini, options: opts, recorder: &rec)
            let task = PopulationCorrelations(sufficientStatisticsOf: batch, outputMode: mode)
            for route in [PopulationRoute.fusedKernel, .matrixProducts] {
                var stats = PopulationGradient(task: task, model: net, route: route)
                _ = Trainer.train(net, source: &stats, options: opts, recorder: &rec)
            }
            // Every loop option on: stopping rules that never fire, a plateau schedule, clipping, frozen blocks.
            var tuned = opts
            tuned.stopping = StoppingRules(lossThreshold: -1, patience: .epochs(2, stepsPerEpoch: 5), wallTimeSeconds: 1e9)
            tuned.schedule = .reduceOnPlateau(ReduceLROnPlateau(factor: 0.5, patience: 2, cooldown: 1), stepsPerEpoch: 10)
            tuned.clipGradNorm = 0.1
            var frozen = BlockFreezingGradient(FullBatchGradient(batch: batch, model: net), frozenBlocks: [0])
            let run = Trainer.train(net, source: &frozen, options: tuned, recorder: &rec)
            precondition(run.stop == .completed && run.losses.count == n + 1)
        }
        // The NTK workspace: one `compute` per 100 steps, in both state bases.
        for basis in [StateBasis.krylov, .states] {
            var ntk = LinearRNNTangentKernel(for: net, batch: batch, stateBasis: basis)
            for _ in 0..<(n / 100) { ntk.compute(net, batch) }
        }
    }
    // The tanh RNNs (issue 14): full-batch Adam with clip_grad_norm, as in `--tanh-step`.
    let flipFlop = try! FlipFlopTask(channels: 3, trialLength: 6).batch(size: 8, streams: RandomStreams(seed: 0).child("probe")).sequences
    let opts = TrainingOptions(steps: n, optimizer: Optimizer(.adam, learningRate: 1e-3), clipGradNorm: 1e-3)
    let tanhNet = TanhRNN.pytorchDefault(inputs: 3, hidden: 8, outputs: 3, streams: RandomStreams(seed: 0).child("probe-tanh"))
    var tanhRecorder = Recorder<TanhRNN>(schedule: .steps([]), recordsParameters: false)
    var tanhSource = FullBatchGradient(batch: flipFlop, model: tanhNet)
    precondition(Trainer.train(tanhNet, source: &tanhSource, options: opts, recorder: &tanhRecorder).stop == .completed)
    let leakyNet = LeakyRateRNN.random(inputs: 3, width: 8, outputs: 3, parameterization: .muP(gamma: 1, eta0: 1),
                                       streams: RandomStreams(seed: 0).child("probe-leaky"))
    var leakyRecorder = Recorder<LeakyRateRNN>(schedule: .steps([]), recordsParameters: false)
    var leakySource = FullBatchGradient(batch: flipFlop, model: leakyNet)
    precondition(Trainer.train(leakyNet, source: &leakySource, options: opts, recorder: &leakyRecorder).stop == .completed)
}

/// Small-kernel vs OpenBLAS timings per shape (development aid, run with --probe-gemm).
func probeGEMM() {
    var rng = RandomStreams(seed: 0).stream("gemm")
    for (m, n, k) in [(4, 64, 4), (4, 24, 24), (4, 4, 384), (8, 8, 8), (16, 16, 16), (16, 64, 16), (16, 64, 64), (16, 256, 16), (8, 512, 8), (16, 16, 1024)] {
        let a = rng.gaussianMatrix(rows: m, cols: k), b = rng.gaussianMatrix(rows: k, cols: n)
        var c = Matrix(rows: m, cols: n)
        let reps = max(1, 2_000_000 / (m * n * k))
        func time(_ body: () -> Void) -> Double { let t0 = now(); for _ in 0..<reps { body() }; return (now() - t0) / Double(reps) * 1e9 }
        var tSmall = 0.0, tBLAS = 0.0
        a.storage.withUnsafeBufferPointer { pa in
            b.storage.withUnsafeBufferPointer { pb in
                c.storage.withUnsafeMutableBufferPointer { pc in
                    tSmall = time { SmallGEMM.gemm(.none, .none, m: m, n: n, k: k, alpha: 1, a: pa.baseAddress!, lda: m,
                                                   b: pb.baseAddress!, ldb: k, beta: 0, c: pc.baseAddress!, ldc: m) }
                    tBLAS = time { BLAS.openBLASGEMM(m: m, n: n, k: k, a: pa.baseAddress!, b: pb.baseAddress!, c: pc.baseAddress!) }
                }
            }
        }
        print("m=\(m) n=\(n) k=\(k): small \(Int(tSmall)) ns, openblas \(Int(tBLAS)) ns")
    }
}

/// Compares rnndyn's loss and gradients (both final-output backward routes) with PyTorch autograd's on the
/// same inputs: `in.npz` from `lrnn_gd.py --dump-inputs`, `grads.npz` from `lrnn_gd.py --check --grads-out`.
func checkAgainstPeer(inputs: String, grads: String) throws {
    let x = try NPZ.readDictionary(from: URL(fileURLWithPath: inputs))
    let g = try NPZ.readDictionary(from: URL(fileURLWithPath: grads))
    let net = LinearRNN(wx: try x["Wx"]!.toMatrix(), wh: try x["Wh"]!.toMatrix(), wy: try x["Wy"]!.toMatrix())
    let xs = x["X"]!.shape
    let (T, nx, p) = (xs[0], xs[1], xs[2])
    let xv = try x["X"]!.doubles(order: .c)
    var inputs = Matrix(rows: nx, cols: T * p)
    for t in 0..<T { for i in 0..<nx { for j in 0..<p { inputs[i, t * p + j] = xv[(t * nx + i) * p + j] } } }
    let batch = SequenceBatch(inputs: inputs, targets: try x["Y"]!.toMatrix(), timeSteps: T, samples: p)
    let want = [try g["dWx"]!.toMatrix(), try g["dWh"]!.toMatrix(), try g["dWy"]!.toMatrix()]
    let wantLoss = try g["loss"]!.asDoubles()[0]
    var worst = 0.0
    for route in [LinearRNN.BackwardRoute.hiddenAdjoints, .readoutSpace] {
        var ws = net.makeWorkspace(for: batch, route: route)
        let loss = net.lossAndGradient(batch, workspace: &ws)
        worst = max(worst, abs(loss - wantLoss) / abs(wantLoss))
        for (a, b) in zip(ws.gradients, want) { worst = max(worst, a.relativeDistance(to: b)) }
    }
    let stats = PopulationCorrelations(sufficientStatisticsOf: batch, outputMode: .final)
    var pws = net.makePopulationWorkspace(for: stats)
    let sl = net.populationLossAndGradient(stats, workspace: &pws)
    worst = max(worst, abs(sl - wantLoss) / abs(wantLoss))
    for (a, b) in zip(pws.gradients, want) { worst = max(worst, a.relativeDistance(to: b)) }
    emit(["check": "pytorch-autograd", "Nh": net.hiddenDimension, "Nx": nx, "Ny": net.outputDimension, "T": T, "P": p,
          "max_relative_difference": worst, "agrees": worst <= 1e-10])
    if worst > 1e-10 { exit(1) }
}
