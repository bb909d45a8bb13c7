import Foundation
import RNNDynamics

/// The issue-14 benchmark problem: a vanilla tanh RNN (PyTorch `nn.RNN` + `nn.Linear`, both biases, h_0 = 0,
/// readout at every step) on a 3-bit flip-flop batch, trained with clip_grad_norm 1 and Adam (lr 1e-3).
struct TanhStepProblem {
    let hidden, channels, timeSteps, samples: Int
    let net: TanhRNN
    let batch: SequenceBatch
    static let learningRate = 1e-3, maxGradNorm = 1.0

    /// `size` is "N,N_in,N_out,T,P" (N_in = N_out: the flip-flop's channels).
    init(size: String) {
        let v = size.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard v.count == 5, v.allSatisfy({ $0 >= 1 }), v[1] == v[2] else {
            FileHandle.standardError.write(Data("tanh size: '\(size)'; allowed: N,N_in,N_out,T,P, all ≥ 1, N_in = N_out\n".utf8))
            exit(2)
        }
        (hidden, channels, timeSteps, samples) = (v[0], v[1], v[3], v[4])
        let streams = RandomStreams(seed: 0).child("bench-tanh")
        net = TanhRNN.pytorchDefault(inputs: channels, hidden: hidden, outputs: channels, secondBias: true,
                                     streams: streams.child("init"))
        batch = try! FlipFlopTask(channels: channels, trialLength: timeSteps).batch(size: samples, streams: streams.child("data")).sequences
    }

    /// FLOPs of one step counted over the matrix products only (elementwise work — tanh, its derivative, the biases,
    /// clipping, Adam — is left out): 2·P·[3(T−1)N² + T(2·N·N_in + 3·N·N_out)] (W_h h and W_hᵀ δ over T−1 steps and ∂W_h;
    /// W_x X and ∂W_x; W_y H, W_yᵀ R and ∂W_y).
    var flops: Double {
        let (n, x, t, p) = (Double(hidden), Double(channels), Double(timeSteps), Double(samples))
        return 2 * p * (3 * (t - 1) * n * n + t * (2 * n * x + 3 * n * x))
    }

    /// Weights, inputs `X` [T, P, N_in] and targets `Y` [T, P, N_out] (C order, PyTorch's `batch_first=False`) for the peers.
    func write(to path: String) throws {
        func vector(_ m: Matrix) throws -> NumpyArray { try NumpyArray(shape: [m.count], cOrder: m.storage) }
        try AtomicFile.write(try NPZ.encode([
            ("W_ih", NumpyArray(net.wx)), ("W_hh", NumpyArray(net.wh)), ("b_ih", try vector(net.b)), ("b_hh", try vector(net.bhh)),
            ("W_out", NumpyArray(net.wy)), ("b_out", try vector(net.by)),
            ("X", try NumpyArray(shape: [timeSteps, samples, channels], cOrder: batch.inputs.storage)),
            ("Y", try NumpyArray(shape: [timeSteps, samples, channels], cOrder: batch.targets.storage)),
            ("lr", try NumpyArray(shape: [1], cOrder: [Self.learningRate])),
            ("max_norm", try NumpyArray(shape: [1], cOrder: [Self.maxGradNorm])),
        ]), to: URL(fileURLWithPath: path))
    }
}

/// `--tanh-step SIZE [REPEATS]`: milliseconds per training step (loss and gradient, clip_grad_norm, Adam) of the
/// issue-14 problem, by hand and through `Trainer`, with its parts, the achieved GFLOP/s and OpenBLAS dgemm's rate at
/// the step's main shape (N × N · N × P) in the same process (best of REPEATS, default 5).
func runTanhStepBench(arguments: [String]) {
    let problem = TanhStepProblem(size: arguments.first ?? "128,3,3,100,64")
    let repeats = arguments.count > 1 ? Int(arguments[1])! : 5
    var net = problem.net
    var ws = net.makeWorkspace(for: problem.batch)
    var optimizer = Optimizer(.adam, learningRate: TanhStepProblem.learningRate)
    var sink = 0.0
    func step() {
        sink += net.lossAndGradient(problem.batch, workspace: &ws)
        GradientClipping.clipGlobalNorm(&ws.gradients, maxNorm: TanhStepProblem.maxGradNorm)
        optimizer.step(&net, gradients: ws.gradients)
    }
    let (perStep, stepsTimed) = timeIt(repeats: repeats) { n in for _ in 0..<n { step() } }
    let (perGradient, _) = timeIt(repeats: repeats) { n in for _ in 0..<n { sink += net.lossAndGradient(problem.batch, workspace: &ws) } }
    let (perClip, _) = timeIt(repeats: repeats) { n in
        for _ in 0..<n { sink += GradientClipping.clipGlobalNorm(&ws.gradients, maxNorm: 1e300) }
    }
    let (perAdam, _) = timeIt(repeats: repeats) { n in for _ in 0..<n { optimizer.step(&net, gradients: ws.gradients) } }
    var recorder = Recorder<TanhRNN>(schedule: .steps([]), recordsParameters: false)
    let (perTrainerStep, _) = timeIt(repeats: repeats) { n in
        var source = FullBatchGradient(batch: problem.batch, model: problem.net)
        let options = TrainingOptions(steps: n, optimizer: Optimizer(.adam, learningRate: TanhStepProblem.learningRate),
                                      divergence: DivergenceGuard(maxAbsState: 1e300, maxLossRatio: 1e300),
                                      clipGradNorm: TanhStepProblem.maxGradNorm)
        let run = Trainer.train(problem.net, source: &source, options: options, recorder: &recorder)
        precondition(run.stop == .completed)
    }
    // OpenBLAS dgemm alone at the step's main shape: (N × N) · (N × P), accumulating as the recurrence does.
    var rng = RandomStreams(seed: 0).stream("bench-tanh-dgemm")
    let a = rng.gaussianMatrix(rows: problem.hidden, cols: problem.hidden)
    let b = rng.gaussianMatrix(rows: problem.hidden, cols: problem.samples)
    var c = Matrix(rows: problem.hidden, cols: problem.samples)
    let (gemmTime, _) = timeIt(repeats: repeats) { n in for _ in 0..<n { BLAS.gemm(a, b, into: &c, beta: 1) } }
    let gemmRate = 2 * Double(problem.hidden * problem.hidden * problem.samples) / gemmTime / 1e9
    let rate = problem.flops / perStep / 1e9
    emit(["bench": "tanh_step", "peer": "rnndyn", "N": problem.hidden, "N_in": problem.channels, "N_out": problem.channels,
          "T": problem.timeSteps, "P": problem.samples, "ms_per_step": 1e3 * perStep, "steps_timed": stepsTimed,
          "ms_loss_and_gradient": 1e3 * perGradient, "ms_clip": 1e3 * perClip, "ms_adam": 1e3 * perAdam,
          "ms_per_trainer_step": 1e3 * perTrainerStep, "flops_per_step": problem.flops, "gflops": rate,
          "dgemm_gflops": gemmRate, "fraction_of_dgemm": rate / gemmRate, "tanh_kernel_avx2": TanhKernel.usesAVX2,
          "versions": ["rnndyn": RNNDynamicsVersion.string, "openblas": BLAS.configuration], "checksum": sink.isFinite])
}
