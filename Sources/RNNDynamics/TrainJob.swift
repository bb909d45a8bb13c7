import DataIO
import Foundation
import Linalg
import Networks
import Report
import Tasks
import Training

/// What a finished `rnndyn train` produced, ready to be written to a run directory.
public struct TrainOutcome {
    /// Arrays for `results.npz`, in write order (keys documented in `TrainJob`, descriptions in `TrainOutput`).
    public var arrays: [(name: String, array: NumpyArray)]
    /// The spec that ran.
    public var spec: TrainSpec
    /// Loss before each update and after the last (`S + 1` values for `S` steps run).
    public var losses: [Double]
    /// The regularizer penalty (`training.l2`) inside each of `losses` (all 0 without one).
    public var penalties: [Double]
    /// Resolved configuration plus provenance and the stop reason, for `config.json`.
    public var config: [String: Any]
    /// Why training ended.
    public var stop: StopReason
    /// Learning rate of the last update (changes only under `training.lr_schedule`).
    public var finalLearningRate: Double
    /// Seconds spent training (data, initialisation and updates; not writing files).
    public var wallTimeSeconds: Double
    /// Human-readable summary lines.
    public var summary: [String]
}

/// Runs one training job from a `TrainSpec`: loads or generates data, initialises, trains, and collects outputs.
///
/// `results.npz` keys:
/// - `loss` `[S+1]` loss (with penalties) before each update and after the last (S = steps run, fewer than `steps`
///   when a `training.stop` rule ends the run), and `step` `[S+1]` int64 its steps 0…S;
/// - `penalty` `[S+1]` the penalty part of each `loss` (all 0 without `training.l2`; the task loss is
///   `loss − penalty`);
/// - `record_step` `[R]` int64 snapshot steps (log-spaced, always 0 and the last), `record_loss` `[R]`,
///   `record_penalty` `[R]`;
/// - one final weight matrix per block (`Wx`, `Wh`, `Wy` or `W1`, `W2`; 2-D, Fortran order) and its history
///   `<block>_history` `[R, rows, cols]`;
/// - linear RNNs: `eig_Wh_real`, `eig_Wh_imag` `[R, N_h]`, eigenvalues of W_h by descending modulus;
/// - singular-value tasks: `task_singular_values` `[modes, T]`, `task_Uy`, `task_Vx`, and for aligned inits
///   `basis_R` and the task-basis modes `modes_a`, `modes_b`, `modes_c` `[R, min(N_x, N_h, N_y)]`.
public enum TrainJob {
    /// Loads `npz` training data: inputs `[T, N_x, P]` (or `[N_x, P]`, T = 1, when `flatInputs`: deep linear
    /// networks, which have no time axis; a 2-D array is refused otherwise rather than silently taken as T = 1),
    /// targets `[N_y, P]` or `[T, N_y, P]`.
    public static func loadBatch(path: String, inputs inKey: String, targets outKey: String, flatInputs: Bool = false) throws -> SequenceBatch {
        let arrays: [String: NumpyArray]
        do { arrays = try NPZ.readDictionary(from: URL(fileURLWithPath: path)) }
        catch { throw ConfigError(key: "config.data.path", "cannot read '\(path)': \(error)") }
        func fetch(_ key: String, _ field: String) throws -> NumpyArray {
            guard let a = arrays[key] else {
                throw ConfigError(key: "config.data.\(field)", "no array '\(key)' in \(path) (allowed: \(arrays.keys.sorted().joined(separator: ", ")))")
            }
            return a
        }
        let x = try fetch(inKey, "inputs"), y = try fetch(outKey, "targets")
        func values(_ a: NumpyArray, _ key: String, _ field: String) throws -> [Double] {
            let v: [Double]
            do { v = try a.doubles(order: .c) } catch {
                throw ConfigError(key: "config.data.\(field)", "array '\(key)' has dtype \(a.data.dtype.rawValue) (allowed: <f8, <f4, <i8, <i4)")
            }
            if let bad = v.firstIndex(where: { !$0.isFinite }) {
                throw ConfigError(key: "config.data.\(field)", "array '\(key)' has a non-finite value at flat index \(bad) (NaN/Inf not allowed)")
            }
            return v
        }
        if x.shape.count == 2 && !flatInputs {
            throw ConfigError(key: "config.data.inputs", "array '\(inKey)' has shape \(x.shape), but a linear_rnn needs [T, N_x, P] (allowed: 3-D; write [1, N_x, P] for T = 1; [N_x, P] only with model.type deep_linear)")
        }
        let xs = x.shape.count == 2 ? [1] + x.shape : x.shape
        guard xs.count == 3, xs.allSatisfy({ $0 > 0 }) else {
            throw ConfigError(key: "config.data.inputs", "array '\(inKey)' has shape \(x.shape) (allowed: [T, N_x, P] or [N_x, P], all > 0)")
        }
        let (T, nx, p) = (xs[0], xs[1], xs[2])
        let ys: [Int]
        switch y.shape.count {
        case 2: ys = [1] + y.shape
        case 3: ys = y.shape
        default: throw ConfigError(key: "config.data.targets", "array '\(outKey)' has shape \(y.shape) (allowed: [N_y, P] or [T, N_y, P])")
        }
        guard ys[2] == p, ys[1] > 0, ys[0] == 1 || ys[0] == T else {
            throw ConfigError(key: "config.data.targets", "array '\(outKey)' has shape \(y.shape) but inputs are [T=\(T), N_x=\(nx), P=\(p)] (allowed: [N_y, \(p)] or [\(T), N_y, \(p)])")
        }
        let xv = try values(x, inKey, "inputs"), yv = try values(y, outKey, "targets")
        // C order [t, i, p] → batched column block t.
        var inputs = Matrix(rows: nx, cols: T * p)
        for t in 0..<T { for i in 0..<nx { for j in 0..<p { inputs[i, t * p + j] = xv[(t * nx + i) * p + j] } } }
        let yT = ys[0], ny = ys[1]
        var targets = Matrix(rows: ny, cols: yT * p)
        for t in 0..<yT { for i in 0..<ny { for j in 0..<p { targets[i, t * p + j] = yv[(t * ny + i) * p + j] } } }
        return SequenceBatch(inputs: inputs, targets: targets, timeSteps: T, samples: p)
    }

    /// Runs `spec`. First estimates its memory and time (`TrainResources`; for npz data once the arrays are read):
    /// more memory than the system has available is a `ConfigError` before anything else is allocated, and a run
    /// estimated to take over an hour gets a line for `notice`. `progress` receives `(step, loss)` about 200 times.
    public static func run(_ spec: TrainSpec, notice: (String) -> Void = { _ in },
                           progress: (@Sendable (Int, Double) -> Void)? = nil) throws -> TrainOutcome {
        func admit(_ need: TrainResources) throws {
            try need.requireMemory()
            if let note = need.timeNote { notice(note) }
        }
        if spec.model.isTaskNetwork { return try TaskTrainJob.run(spec, notice: notice, progress: progress) }
        if let need = TrainResources(spec) { try admit(need) }
        BLAS.setThreads(1)
        let clock = ContinuousClock.now
        let streams = RandomStreams(seed: spec.seed)
        var dataRNG = streams.stream("data"), initRNG = streams.stream("init")
        var arrays: [(name: String, array: NumpyArray)] = []
        var summary: [String] = []
        var batch: SequenceBatch?
        var task: SingularValueTask?
        switch spec.data {
        case let .singularValueTask(s, nx, ny, samples):
            let t = try SingularValueTask(singularValues: s, nx: nx, ny: ny, rng: &dataRNG)
            task = t
            if samples > 0 { batch = try t.sample(count: samples, rng: &dataRNG) }
            arrays += [("task_singular_values", try NumpyArray(shape: [s.count, s[0].count], cOrder: s.flatMap { $0 })),
                       ("task_Uy", NumpyArray(t.uy)), ("task_Vx", NumpyArray(t.vx))]
        case let .npz(path, inKey, outKey):
            let b = try loadBatch(path: path, inputs: inKey, targets: outKey, flatInputs: spec.model == .deepLinear)
            if spec.model == .deepLinear && b.timeSteps != 1 {
                throw ConfigError(key: "config.model.type", "deep_linear needs T = 1 inputs, the data have T = \(b.timeSteps) (allowed: linear_rnn)")
            }
            let perStep = b.targets.cols == b.timeSteps * b.samples && b.timeSteps > 1
            if perStep && spec.output == .final {
                throw ConfigError(key: "config.model.output", "targets have a value per time step; use 'autoregressive' (allowed: autoregressive)")
            }
            if !perStep && spec.output == .autoregressive && b.timeSteps > 1 {
                throw ConfigError(key: "config.model.output", "targets are [N_y, P]; autoregressive needs [T, N_y, P] (allowed: final)")
            }
            if spec.batchSize > b.samples {
                throw ConfigError(key: "config.training.batch_size", "\(spec.batchSize) exceeds P = \(b.samples) (allowed: 0…\(b.samples))")
            }
            try admit(TrainResources(spec, timeSteps: b.timeSteps, inputs: b.inputDimension, outputs: b.outputDimension,
                                     samples: b.samples, perStepTargets: perStep))
            batch = b
        case .recordedTask, .task:
            preconditionFailure("task data train tanh_rnn and leaky_rate_rnn (TaskTrainJob), refused by TrainSpec otherwise")
        }
        let nx = task?.inputDimension ?? batch!.inputDimension
        let ny = task?.outputDimension ?? batch!.outputDimension
        let nh = spec.hidden
        let modeCount = min(nx, nh, ny)

        func expand(_ v: [Double], _ name: String) throws -> [Double] {
            if v.count == 1 { return [Double](repeating: v[0], count: modeCount) }
            guard v.count <= modeCount else {
                throw ConfigError(key: "config.init.\(name)", "has \(v.count) values but there are \(modeCount) modes (allowed: one number or ≤ \(modeCount) values)")
            }
            return v
        }
        var basis: TaskBasis?
        let optimizer = Optimizer(spec.optimizer, learningRate: spec.learningRate)
        var options = TrainingOptions(steps: spec.steps, optimizer: optimizer,
                                      divergence: DivergenceGuard(maxAbsState: spec.maxAbsState), stopping: spec.stopping,
                                      schedule: spec.schedule, clipGradNorm: spec.clipGradNorm, progress: progress)
        let schedule = RecordSchedule.logSpaced(count: spec.recordPoints)
        var stop = StopReason.completed
        var finalLearningRate = spec.learningRate
        var losses: [Double] = [], penalties: [Double] = []
        var recording = Recording()
        var finalBlocks: [(String, Matrix)] = []

        switch spec.model {
        case .tanhRNN, .leakyRateRNN:
            preconditionFailure("the task networks train in TaskTrainJob")
        case .linearRNN:
            options.regularizers = regularizers(spec, LinearRNN.self)
            var net: LinearRNN
            switch spec.initialization {
            case let .gaussian(scale, fan):
                net = Initializer.unaligned(nx: nx, nh: nh, ny: ny, scale: scale, fan: fan, outputMode: spec.output, rng: &initRNG)
            case let .aligned(a, b, c):
                let bs = task!.basis(r: try Matrix.haarOrthogonal(nh, using: &initRNG))
                basis = bs
                net = Initializer.aligned(a: try expand(a, "a"), b: try expand(b, "b"), c: try expand(c, "c"), basis: bs, outputMode: spec.output)
            case let .lambdaBalanced(lambda, u0, b):
                let bs = task!.basis(r: try Matrix.haarOrthogonal(nh, using: &initRNG))
                basis = bs
                let (a, c) = Initializer.lambdaBalancedModes(lambda: lambda, u0: u0)
                net = Initializer.aligned(a: .init(repeating: a, count: modeCount), b: .init(repeating: b, count: modeCount),
                                          c: .init(repeating: c, count: modeCount), basis: bs, outputMode: spec.output)
            }
            var probes = Probe<LinearRNN>.recurrentEigenvalues()
            if let basis { probes += Probe<LinearRNN>.modes(in: basis) }
            var recorder = Recorder<LinearRNN>(schedule: schedule, probes: probes)
            let run: TrainingRun<LinearRNN>
            if let batch {
                run = Trainer.train(net, on: batch, batchSize: spec.batchSize, rng: streams.stream("batch"),
                                    options: options, recorder: &recorder)
            } else {
                var src = PopulationGradient(task: task!.population, model: net)
                run = Trainer.train(net, source: &src, options: options, recorder: &recorder)
            }
            (stop, losses, penalties, recording, finalLearningRate) = (run.stop, run.losses, run.penalties, run.recording, run.finalLearningRate)
            finalBlocks = zip(LinearRNN.parameterNames, run.model.parameters).map { ($0, $1) }
            if let basis {
                arrays.append(("basis_R", NumpyArray(basis.r)))
                let modes = basis.modes(of: run.model)
                for k in 0..<min(3, modeCount) {
                    summary.append(String(format: "mode %d: a = %.6f  b = %.6f  c = %.6f  ac = %.6f",
                                          k + 1, modes.a[k], modes.b[k], modes.c[k], modes.a[k] * modes.c[k]))
                }
            }
        case .deepLinear:
            options.regularizers = regularizers(spec, DeepLinearNetwork.self)
            var net: DeepLinearNetwork
            switch spec.initialization {
            case let .gaussian(scale, fan):
                net = Initializer.unalignedDeepLinear(nx: nx, nh: nh, ny: ny, scale: scale, fan: fan, rng: &initRNG)
            case let .aligned(a, _, c):
                let bs = task!.basis(r: try Matrix.haarOrthogonal(nh, using: &initRNG))
                net = Initializer.alignedDeepLinear(a: try expand(a, "a"), c: try expand(c, "c"), basis: bs)
            case let .lambdaBalanced(lambda, u0, _):
                let bs = task!.basis(r: try Matrix.haarOrthogonal(nh, using: &initRNG))
                let (a, c) = Initializer.lambdaBalancedModes(lambda: lambda, u0: u0)
                net = Initializer.alignedDeepLinear(a: .init(repeating: a, count: modeCount), c: .init(repeating: c, count: modeCount), basis: bs)
            }
            // Deep linear nets train on samples; population data are represented by their exact whitened sample.
            let b = try batch ?? task!.sample(count: max(2 * nx + 1, nx + 1), rng: &dataRNG)
            var recorder = Recorder<DeepLinearNetwork>(schedule: schedule)
            let run = Trainer.train(net, on: b, batchSize: spec.batchSize, rng: streams.stream("batch"),
                                    options: options, recorder: &recorder)
            (stop, losses, penalties, recording, finalLearningRate) = (run.stop, run.losses, run.penalties, run.recording, run.finalLearningRate)
            finalBlocks = zip(DeepLinearNetwork.parameterNames, run.model.parameters).map { ($0, $1) }
        }

        return try assemble(spec, arrays: arrays, losses: losses, penalties: penalties, recording: recording,
                            finalBlocks: finalBlocks, stop: stop, finalLearningRate: finalLearningRate, summary: summary,
                            config: [:], started: clock)
    }

    /// The outcome of a finished run: the standard arrays (loss, step, records, penalties) first, then `arrays`, the
    /// final blocks with their histories and the probes; `config.json` = the resolved spec plus provenance, the stop
    /// record, the final learning rate and `config`; the summary lines led by the loss and stop lines.
    static func assemble(_ spec: TrainSpec, arrays extra: [(name: String, array: NumpyArray)], losses: [Double],
                         penalties: [Double], recording: Recording, finalBlocks: [(String, Matrix)], stop: StopReason,
                         finalLearningRate: Double, summary extraSummary: [String], config extraConfig: [String: Any],
                         started clock: ContinuousClock.Instant) throws -> TrainOutcome {
        var arrays: [(name: String, array: NumpyArray)] = [
            ("loss", NumpyArray(losses)), ("step", NumpyArray(losses.indices.map(Int64.init))),
            ("record_step", NumpyArray(recording.steps.map(Int64.init))), ("record_loss", NumpyArray(recording.losses)),
            ("penalty", NumpyArray(penalties)), ("record_penalty", NumpyArray(recording.penalties)),
        ] + extra
        for (name, w) in finalBlocks where w.count > 0 {
            arrays.append((name, NumpyArray(w)))
            let history = recording.parameters[name] ?? []
            // [R, rows, cols] in C order from column-major snapshots.
            var flat = [Double](); flat.reserveCapacity(history.count * w.count)
            for snap in history { for i in 0..<w.rows { for j in 0..<w.cols { flat.append(snap[i + j * w.rows]) } } }
            arrays.append(("\(name)_history", try NumpyArray(shape: [history.count, w.rows, w.cols], cOrder: flat)))
        }
        for name in recording.probeNames {
            let rows = recording.probes[name] ?? []
            arrays.append((name, try NumpyArray(shape: [rows.count, rows.first?.count ?? 0], cOrder: rows.flatMap { $0 })))
        }

        var config = spec.resolved
        config["rnndyn_version"] = RNNDynamicsVersion.string
        config["blas"] = ["threads": BLAS.threads, "config": BLAS.configuration]
        config["stop"] = stopRecord(stop, spec: spec)
        config["final_learning_rate"] = finalLearningRate
        config.merge(extraConfig) { _, new in new }
        var summary = extraSummary
        if let line = stopSummary(stop, spec: spec) { summary.insert(line, at: 0) }
        summary.insert(String(format: "loss: %.6g → %.6g over %d steps", losses.first ?? .nan, losses.last ?? .nan, max(0, losses.count - 1)), at: 0)
        let elapsed = ContinuousClock.now - clock
        let seconds = ((Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18) * 1000).rounded() / 1000
        return TrainOutcome(arrays: arrays, spec: spec, losses: losses, penalties: penalties, config: config, stop: stop,
                            finalLearningRate: finalLearningRate, wallTimeSeconds: seconds, summary: summary)
    }

    /// `training.l2` on every block, then `training.penalties` in order, for a model of type `M`.
    static func regularizers<M: DifferentiableModel>(_ spec: TrainSpec, _ model: M.Type) -> [any Regularizer] {
        (spec.l2 > 0 ? [L2Penalty(strength: spec.l2)] : []) + spec.penalties.map { $0.regularizer(for: model) }
    }

    /// The `stop` object of `config.json`: `reason` (completed, diverged, loss_threshold, wall_time), the `step` the
    /// run stopped at, and the reason's details.
    static func stopRecord(_ stop: StopReason, spec: TrainSpec) -> [String: Any] {
        switch stop {
        case .completed:
            return ["reason": "completed", "steps": spec.steps, "step": spec.steps]
        case let .diverged(step, diagnostic):
            return ["reason": "diverged", "step": step, "diagnostic": diagnostic, "kept_state_from_step": max(0, step - 1)]
        case let .lossThreshold(step):
            var record: [String: Any] = ["reason": "loss_threshold", "step": step, "patience_steps": spec.stopping.patience.steps,
                                         "check_every": spec.stopping.checkEvery]
            if let t = spec.stopping.lossThreshold { record["loss_threshold"] = t }
            return record
        case let .wallTime(step, seconds):
            var record: [String: Any] = ["reason": "wall_time", "step": step, "elapsed_seconds": seconds]
            if let w = spec.stopping.wallTimeSeconds { record["wall_time_seconds"] = w }
            return record
        case let .stationary(step):
            var record: [String: Any] = ["reason": "stationary", "step": step, "check_every": spec.stopping.checkEvery]
            if let t = spec.stopping.stationaryTolerance { record["stationary_tolerance"] = t }
            return record
        }
    }

    /// A summary line for a run a `training.stop` rule ended early, else nil.
    static func stopSummary(_ stop: StopReason, spec: TrainSpec) -> String? {
        switch stop {
        case let .lossThreshold(step):
            let every = spec.stopping.checkEvery
            return "stopped at step \(step): loss ≤ \(spec.stopping.lossThreshold ?? 0) held for \(spec.stopping.patience.steps) more steps"
                + (every > 1 ? " (checked every \(every) steps)" : "")
        case let .wallTime(step, seconds):
            return String(format: "stopped at step %d: wall-time budget used up (%.3f s)", step, seconds)
        case let .stationary(step):
            return "stopped at step \(step): the loss changed by ≤ \(spec.stopping.stationaryTolerance ?? 0) over \(spec.stopping.checkEvery) steps"
        case .completed, .diverged:
            return nil
        }
    }
}
