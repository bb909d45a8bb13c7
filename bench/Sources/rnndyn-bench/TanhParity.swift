import Foundation
import RNNDynamics

/// The parity tolerance of issue 14: relative difference per block (max |Δ| / max |reference|).
let tanhParityTolerance = 1e-10

/// Adam steps compared against PyTorch (after each, parameters must agree).
let tanhParityAdamSteps = 3

/// The LeakyRateRNN parity problems (spec §2.2): `leaky` is µP with γ = 0.5, `leaky_standard` the standard
/// parameterization (no multipliers); α = 0.1, each network on `problem`'s batch.
func leakyParityNetwork(_ model: String, hidden: Int, channels: Int) -> LeakyRateRNN {
    LeakyRateRNN.random(inputs: channels, width: hidden, outputs: channels,
                        parameterization: model == "leaky" ? .muP(gamma: 0.5, eta0: 1) : .standard(learningRate: 1),
                        alpha: 0.1, streams: RandomStreams(seed: 0).child("bench-tanh").child(model))
}

/// The models of the parity check, in order.
let tanhParityModels = ["tanh", "leaky", "leaky_standard"]

/// `--tanh-parity-inputs SIZE DIR`: writes `DIR/tanh.npz` (the benchmark problem), `DIR/leaky.npz` (a µP
/// `LeakyRateRNN` on the same batch: U, J, W, alpha, gamma, X, Y) and `DIR/leaky_standard.npz` (the same keys, a
/// standard-parameterization network, gamma 0 meaning none) for `tanh_rnn_peer.py --check DIR`.
func writeTanhParityInputs(arguments: [String]) {
    let problem = TanhStepProblem(size: arguments[0])
    let dir = URL(fileURLWithPath: arguments[1])
    do {
        try problem.write(to: dir.appendingPathComponent("tanh.npz").path)
        let shape = [problem.timeSteps, problem.samples, problem.channels]
        for model in tanhParityModels.dropFirst() {
            let leaky = leakyParityNetwork(model, hidden: problem.hidden, channels: problem.channels)
            var gamma = 0.0
            if case let .muP(g, _) = leaky.parameterization { gamma = g }
            try AtomicFile.write(try NPZ.encode([
                ("U", NumpyArray(leaky.u)), ("J", NumpyArray(leaky.j)), ("W", NumpyArray(leaky.w)),
                ("alpha", try NumpyArray(shape: [1], cOrder: [leaky.alpha])), ("gamma", try NumpyArray(shape: [1], cOrder: [gamma])),
                ("X", try NumpyArray(shape: shape, cOrder: problem.batch.inputs.storage)),
                ("Y", try NumpyArray(shape: shape, cOrder: problem.batch.targets.storage)),
                ("lr", try NumpyArray(shape: [1], cOrder: [TanhStepProblem.learningRate])),
                ("max_norm", try NumpyArray(shape: [1], cOrder: [TanhStepProblem.maxGradNorm])),
            ]), to: dir.appendingPathComponent("\(model).npz"))
        }
    } catch {
        print("tanh parity: cannot write the inputs to \(dir.path): \(error)")
        exit(1)
    }
}

/// Loss, gradients and `tanhParityAdamSteps` clipped Adam steps of `net` in PyTorch's convention: rnndyn's loss is
/// `½ Σ‖ŷ − y‖² / P` (`LossConvention`), PyTorch's `MSELoss()` is `Σ (ŷ − y)² / (T·P·N_out)`, so both are scaled
/// by `2 / (T·N_out)` before clipping. Returns the loss and gradients at the start and the parameters after each step.
func pytorchConventionSteps<M: ReadoutResidualNetwork>(_ net: M, batch: SequenceBatch, lr: Double, maxNorm: Double)
    -> (loss: Double, gradients: [Matrix], parameters: [[Matrix]]) {
    var net = net
    var ws = net.makeWorkspace(for: batch)
    var optimizer = Optimizer(.adam, learningRate: lr)
    let scale = 2 / Double(batch.timeSteps * batch.targets.rows)
    var first: (Double, [Matrix])?
    var after: [[Matrix]] = []
    for _ in 0..<tanhParityAdamSteps {
        let loss = scale * net.lossAndGradient(batch, workspace: &ws)
        var gradients = ws.gradients.map { scale * $0 }
        if first == nil { first = (loss, gradients) }
        GradientClipping.clipGlobalNorm(&gradients, maxNorm: maxNorm)
        optimizer.step(&net, gradients: gradients)
        after.append(net.parameters)
    }
    return (first!.0, first!.1, after)
}

/// `--tanh-check DIR`: compares rnndyn with `DIR/<model>_ref.npz` for every parity model, from `tanh_rnn_peer.py --check
/// DIR` (PyTorch float64 autograd, clip_grad_norm_, torch.optim.Adam): loss, every gradient block and the parameters
/// after each Adam step, relative per block. Prints one JSON line per model; exits 1 when any exceeds 1e-10.
func checkTanhParity(arguments: [String]) throws {
    let dir = URL(fileURLWithPath: arguments[0])
    var failed = false
    for model in tanhParityModels {
        let input = try NPZ.readDictionary(from: dir.appendingPathComponent("\(model).npz"))
        let ref = try NPZ.readDictionary(from: dir.appendingPathComponent("\(model)_ref.npz"))
        let shape = input["X"]!.shape
        let (T, p, nx) = (shape[0], shape[1], shape[2])
        let ny = input["Y"]!.shape[2]
        let batch = SequenceBatch(inputs: Matrix(rows: nx, cols: T * p, columnMajor: try input["X"]!.doubles(order: .c)),
                                  targets: Matrix(rows: ny, cols: T * p, columnMajor: try input["Y"]!.doubles(order: .c)),
                                  timeSteps: T, samples: p)
        let lr = try input["lr"]!.asDoubles()[0], maxNorm = try input["max_norm"]!.asDoubles()[0]
        func column(_ key: String) throws -> Matrix {
            let v = try input[key]!.asDoubles()
            return Matrix(rows: v.count, cols: 1, columnMajor: v)
        }
        let names: [String]
        let result: (loss: Double, gradients: [Matrix], parameters: [[Matrix]])
        if model == "tanh" {
            let net = TanhRNN(wx: try input["W_ih"]!.toMatrix(), wh: try input["W_hh"]!.toMatrix(), b: try column("b_ih"),
                              bhh: try column("b_hh"), wy: try input["W_out"]!.toMatrix(), by: try column("b_out"))
            names = ["W_ih", "W_hh", "b_ih", "b_hh", "W_out", "b_out"]
            result = pytorchConventionSteps(net, batch: batch, lr: lr, maxNorm: maxNorm)
        } else {
            let gamma = try input["gamma"]!.asDoubles()[0], alpha = try input["alpha"]!.asDoubles()[0]
            let net = LeakyRateRNN(u: try input["U"]!.toMatrix(), j: try input["J"]!.toMatrix(), w: try input["W"]!.toMatrix(),
                                   alpha: alpha, parameterization: gamma > 0 ? .muP(gamma: gamma, eta0: 1) : .standard(learningRate: lr))
            names = ["U", "J", "W"]
            result = pytorchConventionSteps(net, batch: batch, lr: lr, maxNorm: maxNorm)
        }
        func reference(_ key: String, like m: Matrix) throws -> Matrix {
            Matrix(rows: m.rows, cols: m.cols, columnMajor: try ref[key]!.doubles(order: .fortran))
        }
        let wantLoss = try ref["loss"]!.asDoubles()[0]
        var worst: [String: Double] = ["loss": abs(result.loss - wantLoss) / abs(wantLoss)]
        for (k, name) in names.enumerated() {
            worst["grad_\(name)"] = result.gradients[k].relativeDistance(to: try reference("grad_\(name)", like: result.gradients[k]))
            for s in 0..<tanhParityAdamSteps {
                let got = result.parameters[s][k]
                worst["adam\(s + 1)_\(name)"] = got.relativeDistance(to: try reference("adam\(s + 1)_\(name)", like: got))
            }
        }
        let largest = worst.values.max()!
        let agrees = largest <= tanhParityTolerance
        failed = failed || !agrees
        emit(["bench": "tanh_step", "check": "pytorch-autograd-float64", "model": ["tanh": "TanhRNN", "leaky": "LeakyRateRNN (muP)", "leaky_standard": "LeakyRateRNN (standard)"][model]!,
              "T": T, "P": p, "N_in": nx, "N_out": ny, "adam_steps": tanhParityAdamSteps, "loss": result.loss,
              "relative_differences": worst, "max_relative_difference": largest, "tolerance": tanhParityTolerance,
              "agrees": agrees])
    }
    if failed {
        FileHandle.standardError.write(Data("tanh parity: rnndyn and PyTorch autograd differ by more than 1e-10 (see above)\n".utf8))
        exit(1)
    }
}
