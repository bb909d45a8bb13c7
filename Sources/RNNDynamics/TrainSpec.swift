import Foundation
import Linalg
import Networks
import Report
import Tasks
import Training

/// A fully validated `rnndyn train` configuration.
///
/// JSON layout (every key optional unless noted; unknown keys are errors):
/// ```
/// { "seed": 0,
///   "model":    { "type": "linear_rnn" | "deep_linear", "hidden": 8, "output": "final" | "autoregressive" }
///             | { "type": "tanh_rnn", "hidden": 128, "output": "autoregressive" | "final", "second_bias": true,
///                 "learn_h0": false, "noise": { "process_std": 0, "input_std": 0 } }     (PyTorch's nn.RNN init)
///             | { "type": "leaky_rate_rnn", "hidden": 128, "output": …, "alpha": 0.1,
///                 "parameterization": "standard" | "mup", "gamma": 1, "eta0": 1e-3 (mup only), "learn_h0": false,
///                 "noise": { … } },
///   "init":     { "type": "gaussian", "scale": 0.1, "fan": "in" | "out" }
///             | { "type": "aligned", "a": 0.1, "b": 0.1, "c": 0.1 }            (numbers or per-mode lists)
///             | { "type": "lambda_balanced", "lambda": 0.0, "u0": 0.01, "b": 0.1 },
///   "data":     { "type": "sv_task", "singular_values": [[s_11 … s_1T], …], "nx": 4, "ny": 4,
///                 "samples": 0 (0 = exact population gradient on whitened data) }
///             | { "type": "npz", "path": "data.npz" (relative to the config file's folder), "inputs": "inputs",
///                 "targets": "targets" }   (inputs [T, N_x, P]; [N_x, P] for deep_linear only; targets [N_y, P] or [T, N_y, P];
///                                           for tanh_rnn / leaky_rate_rnn: a recorded task, inputs [T, B, d_in],
///                                           targets [T, B, d_out], "mask": "mask" [T, B, d_out] (absent: all 1),
///                                           optional ood_<inputs>/ood_<targets>/ood_<mask>)
///             | { "type": "task", "task": "flip_flop" | "delayed_discrimination" | "sine_wave" | "path_integration",
///                 "batch_size": 64, "eval_trials": 256, <the task's knobs, snake_case, defaults = the task's> }
///                                           (tanh_rnn / leaky_rate_rnn; fresh trials every step),
///   "training": { "optimizer": "gd" | "sgd" | "adam", "learning_rate": 0.01, "steps": 1000,
///                 "batch_size": 0 (0 = full batch), "l2": 0, "record_points": 60,
///                 "max_abs_state": 1e12, "clip_grad_norm": 0 (0 = no clipping; else the global L2 bound),
///                 "steps_per_epoch": 128 (task data; default of the two steps_per_epoch below),
///                 "penalties": [ { "type": "nuclear" | "l1" | "l2", "block": "Wh", "strength": 1e-3 }, … ],
///                 "stop": { "loss_threshold": 1e-6, "patience_steps": 0 | "patience_epochs": 3, "steps_per_epoch": 50,
///                           "wall_time_seconds": 3600, "stationary_tolerance": 1e-12, "check_every": 1 },
///                                                                 (each optional; "steps" stays the maximum step count)
///                 "lr_schedule": { "type": "none" }
///                              | { "type": "reduce_on_plateau", "factor": 0.1, "patience": 10, "threshold": 1e-4,
///                                  "threshold_mode": "rel" | "abs", "cooldown": 0, "min_lr": 0, "steps_per_epoch": 1 } } }
/// ```
/// `stop` and `lr_schedule` follow `StoppingRules` and `ReduceLROnPlateau` (PyTorch's semantics, stepped every
/// `steps_per_epoch` updates with the loss of that step). For tanh_rnn and leaky_rate_rnn the training defaults are
/// the paper's (Adam, learning rate 1e-3, clip_grad_norm 1); `init` does not apply (PyTorch's default, or the
/// parameterization's). Under `parameterization: mup` the Adam rate is γ·η0: `training.learning_rate` may be left out
/// (config.json then records the derived value there) or must equal it.
public struct TrainSpec {
    /// Network family.
    public enum ModelType: String, CaseIterable {
        case linearRNN = "linear_rnn", deepLinear = "deep_linear", tanhRNN = "tanh_rnn", leakyRateRNN = "leaky_rate_rnn"
    }
    /// Initialisation.
    public enum InitSpec {
        /// i.i.d. Gaussian, std scale/√fan.
        case gaussian(scale: Double, fan: Initializer.FanConvention)
        /// Task-aligned modes.
        case aligned(a: [Double], b: [Double], c: [Double])
        /// λ-balanced task-aligned modes (Dominé et al. sign: c² − a² = λ).
        case lambdaBalanced(lambda: Double, u0: Double, b: Double)
    }
    /// Training data.
    public enum DataSpec {
        /// A singular-value task; `samples == 0` trains on exact population statistics.
        case singularValueTask(singularValues: [[Double]], nx: Int, ny: Int, samples: Int)
        /// User arrays from an .npz.
        case npz(path: String, inputs: String, targets: String)
        /// A recorded task from an .npz (`TaskNPZ` layout), for the task-trained networks; `mask` names the mask array.
        case recordedTask(path: String, inputs: String, targets: String, mask: String)
        /// Fresh trials of a neuroscience task every step: `batchSize` per step, `evalTrials` for the final evaluation.
        case task(NeuroscienceTaskChoice, batchSize: Int, evalTrials: Int)
    }

    /// Root seed for the `data`, `init` and `batch` streams.
    public var seed: UInt64
    /// Network family.
    public var model: ModelType
    /// Hidden width.
    public var hidden: Int
    /// Readout (linear, tanh and leaky rate RNNs).
    public var output: OutputMode
    /// The task-trained networks' own model keys (nil for linear_rnn and deep_linear).
    public var recurrent: RecurrentModelSpec?
    /// Task networks: probe trials whose hidden trajectories are recorded before and after training (`data.probe_trials`).
    public var probeTrials = 32
    /// Task networks: probe trials of the initial and final empirical NTK (`data.kernel_trials`, 0 = none).
    public var kernelTrials = 4
    /// Initialisation.
    public var initialization: InitSpec
    /// Data.
    public var data: DataSpec
    /// Update rule.
    public var optimizer: OptimizerKind
    /// Step size.
    public var learningRate: Double
    /// Updates.
    public var steps: Int
    /// Minibatch size (0 = full batch).
    public var batchSize: Int
    /// L2 strength.
    public var l2: Double
    /// Number of log-spaced snapshots (exactly this many, or every step when `steps + 1` is fewer; a run stopped
    /// early by a `training.stop` rule has those up to its stop plus the stop step).
    public var recordPoints: Int
    /// Divergence threshold on |h|.
    public var maxAbsState: Double
    /// Early stopping (`training.stop`).
    public var stopping: StoppingRules
    /// Learning-rate schedule (`training.lr_schedule`).
    public var schedule: LearningRateSchedule
    /// Global gradient-norm bound (`training.clip_grad_norm`; nil when 0 = off).
    public var clipGradNorm: Double?
    /// `training.penalties`, applied on top of `l2`.
    public var penalties: [PenaltySpec]
    /// `training.steps_per_epoch` (nil when not given and not task data).
    public var stepsPerEpoch: Int?
    /// Every value used, defaults included, for `config.json`.
    public var resolved: [String: Any]

    /// The configuration `rnndyn train` uses when given none: a constant-dynamics task
    /// (s_t = δ for every t, δ = 1, 0.5, 0.25 over three modes, T = 6) learned from small aligned modes by
    /// population gradient descent, so the modes should approach b* = 1 and (ac)* = δ (Proca et al. §4.1).
    public static let defaultJSON = """
    { "seed": 0,
      "model": { "type": "linear_rnn", "hidden": 4, "output": "final" },
      "init": { "type": "aligned", "a": 0.1, "b": 0.1, "c": 0.1 },
      "data": { "type": "sv_task", "nx": 3, "ny": 3, "samples": 0,
                "singular_values": [[1, 1, 1, 1, 1, 1], [0.5, 0.5, 0.5, 0.5, 0.5, 0.5], [0.25, 0.25, 0.25, 0.25, 0.25, 0.25]] },
      "training": { "optimizer": "gd", "learning_rate": 0.01, "steps": 6000, "record_points": 80 } }
    """

    /// Parses and validates `json`; every problem is a one-line `ConfigError`. A relative `data.path` is resolved
    /// against `folder` (the config file's folder; nil: the working directory) and recorded as an absolute path.
    public static func parse(_ json: Data, relativeTo folder: URL? = nil) throws -> TrainSpec {
        try parse(try ConfigReader(json: json), relativeTo: folder)
    }

    /// Parses and validates an already parsed config object (e.g. from `TrainConfigFile.resolve`); a relative
    /// `data.path` is resolved against `folder` as in `parse(_:relativeTo:)`.
    public static func parse(object: [String: Any], relativeTo folder: URL? = nil) throws -> TrainSpec {
        try parse(ConfigReader(object: object, path: "config"), relativeTo: folder)
    }

    /// Reads every key of `root` (the keys `TrainParameters` lists) and checks that no other is present.
    static func parse(_ root: ConfigReader, relativeTo folder: URL?) throws -> TrainSpec {
        let seed = try root.int("seed", default: 0, in: 0...Int(Int32.max))
        let m = try root.object("model")
        let type = ModelType(rawValue: try m.string("type", default: "linear_rnn", allowed: ModelType.allCases.map(\.rawValue)))!
        let taskNetwork = type.isTaskNetwork
        let hidden = try m.int("hidden", default: taskNetwork ? 128 : 8, in: 1...100_000)
        let output = type == .linearRNN || taskNetwork
            ? OutputMode(rawValue: try m.string("output", default: taskNetwork ? "autoregressive" : "final",
                                                allowed: OutputMode.allCases.map(\.rawValue)))!
            : .final
        let (recurrent, muP) = taskNetwork ? try RecurrentModelSpec.parse(m, type: type) : (nil, nil)

        let d = try root.object("data", required: true)
        let dataType = try d.string("type", allowed: ["sv_task", "npz", "task"])
        let data: DataSpec
        if taskNetwork && dataType == "sv_task" {
            throw ConfigError(key: "config.data.type", "'sv_task' has no per-step task for \(type.rawValue) (allowed with \(type.rawValue): task, npz)")
        }
        if !taskNetwork && dataType == "task" {
            throw ConfigError(key: "config.model.type", "\(type.rawValue) does not train on data.type task (allowed with task data: tanh_rnn, leaky_rate_rnn)")
        }
        if dataType == "task" {
            let name = try d.string("task", allowed: NeuroscienceTaskChoice.names)
            let batchSize = try d.int("batch_size", default: 64, in: 1...1_000_000)
            let evalTrials = try d.int("eval_trials", default: 256, in: 1...1_000_000)
            data = .task(try NeuroscienceTaskChoice.parse(name, d), batchSize: batchSize, evalTrials: evalTrials)
        } else if dataType == "sv_task" {
            let s = try d.table("singular_values")
            let nx = try d.int("nx", default: s.count, in: 1...100_000)
            let ny = try d.int("ny", default: s.count, in: 1...100_000)
            if s.count > min(nx, ny) {
                throw ConfigError(key: "config.data.singular_values", "has \(s.count) modes but min(nx, ny) = \(min(nx, ny)) (allowed: at most that many rows)")
            }
            let T = s[0].count
            let samples = try d.int("samples", default: 0, in: 0...100_000_000)
            if samples != 0 && samples <= T * nx {
                throw ConfigError(key: "config.data.samples", "\(samples) is too few to whiten T·nx = \(T * nx) input dimensions (allowed: 0 for population, or > \(T * nx))")
            }
            if type == .deepLinear && T != 1 {
                throw ConfigError(key: "config.data.singular_values", "a deep_linear model needs T = 1 (one column), got T = \(T)")
            }
            if output == .autoregressive {
                throw ConfigError(key: "config.model.output", "'autoregressive' needs per-step targets; sv_task provides final targets (allowed here: final)")
            }
            data = .singularValueTask(singularValues: s, nx: nx, ny: ny, samples: samples)
        } else {
            let path = URL(fileURLWithPath: try d.string("path"), relativeTo: folder).standardizedFileURL.path
            let inputs = try d.string("inputs", default: "inputs"), targets = try d.string("targets", default: "targets")
            data = taskNetwork
                ? .recordedTask(path: path, inputs: inputs, targets: targets, mask: try d.string("mask", default: "mask"))
                : .npz(path: path, inputs: inputs, targets: targets)
        }

        var probeTrials = 32, kernelTrials = 4
        if taskNetwork {
            probeTrials = try d.int("probe_trials", default: 32, in: 1...100_000)
            kernelTrials = try d.int("kernel_trials", default: 4, in: 0...probeTrials)
        }
        if taskNetwork && root.has("init") {
            throw ConfigError(key: "config.init", "\(type.rawValue) is initialised by its own rule (PyTorch's nn.RNN default, or model.parameterization) (allowed: leave init out)")
        }
        let initialization = taskNetwork ? InitSpec.gaussian(scale: 0, fan: .fanIn)  // unused: they draw their own init
            : try parseInit(try root.object("init"), data: data)

        let t = try root.object("training")
        let optimizer = OptimizerKind(rawValue: try t.string("optimizer", default: taskNetwork ? "adam" : "gd",
                                                             allowed: OptimizerKind.allCases.map(\.rawValue)))!
        let lr: Double
        if let muP {
            let derived = muP.gamma * muP.eta0
            if t.has("learning_rate") {
                let given = try t.double("learning_rate", in: 1e-300...1e6)
                guard abs(given - derived) <= 1e-12 * derived else {
                    throw ConfigError(key: "config.training.learning_rate", "\(given) conflicts with the µP rate gamma·eta0 = \(derived) (allowed: leave it out, or \(derived))")
                }
            }
            lr = derived
        } else {
            lr = try t.double("learning_rate", default: taskNetwork ? 1e-3 : 0.01, in: 1e-300...1e6)
        }
        let steps = try t.int("steps", default: 1000, in: 0...1_000_000_000)
        var isTaskData = false
        if case .task = data { isTaskData = true }
        if isTaskData && t.has("batch_size") {
            throw ConfigError(key: "config.training.batch_size", "task data draw data.batch_size fresh trials per step (allowed: leave it out; set data.batch_size)")
        }
        let batchSize = isTaskData ? 0 : try t.int("batch_size", default: 0, in: 0...100_000_000)
        let l2 = try t.double("l2", default: 0, in: 0...1e6)
        let recordPoints = try t.int("record_points", default: 60, in: 2...100_000)
        let maxAbsState = try t.double("max_abs_state", default: 1e12, in: 1...1e300)
        let clip = try t.double("clip_grad_norm", default: taskNetwork ? 1 : 0, in: 0...1e300)
        let perEpoch = isTaskData || t.has("steps_per_epoch") ? try t.int("steps_per_epoch", default: 128, in: 1...1_000_000_000) : nil
        let stopping = try t.has("stop") ? parseStop(try t.object("stop"), stepsPerEpoch: perEpoch) : StoppingRules.none
        let schedule = try t.has("lr_schedule") ? parseSchedule(try t.object("lr_schedule"), stepsPerEpoch: perEpoch)
            : LearningRateSchedule.constant
        let penalties = try t.objects("penalties").map { try PenaltySpec.parse($0, blocks: type.parameterNames) }
        if case .singularValueTask(_, _, _, 0) = data, batchSize != 0 {
            throw ConfigError(key: "config.training.batch_size", "minibatches need sampled data (set data.samples > 0, or batch_size 0)")
        }
        if optimizer == .sgd && batchSize == 0 && !isTaskData {
            throw ConfigError(key: "config.training.batch_size", "sgd needs a minibatch size ≥ 1 (allowed: 1…P)")
        }
        try root.finish()
        var resolved = root.resolvedTree
        switch data {
        case .npz(let path, _, _), .recordedTask(let path, _, _, _):
            if var dataTree = resolved["data"] as? [String: Any] {
                dataTree["path"] = path
                resolved["data"] = dataTree
            }
        default: break
        }
        if muP != nil, var trainingTree = resolved["training"] as? [String: Any] {
            trainingTree["learning_rate"] = lr  // the derived γ·η0, so config.json reproduces the run
            resolved["training"] = trainingTree
        }
        return TrainSpec(seed: UInt64(seed), model: type, hidden: hidden, output: output, recurrent: recurrent,
                         probeTrials: probeTrials, kernelTrials: kernelTrials,
                         initialization: initialization, data: data, optimizer: optimizer, learningRate: lr, steps: steps,
                         batchSize: batchSize, l2: l2, recordPoints: recordPoints, maxAbsState: maxAbsState,
                         stopping: stopping, schedule: schedule, clipGradNorm: clip > 0 ? clip : nil,
                         penalties: penalties, stepsPerEpoch: perEpoch, resolved: resolved)
    }

    /// `init` of linear_rnn and deep_linear.
    static func parseInit(_ i: ConfigReader, data: DataSpec) throws -> InitSpec {
        let initType = try i.string("type", default: "gaussian", allowed: ["gaussian", "aligned", "lambda_balanced"])
        if initType == "gaussian" {
            return .gaussian(scale: try i.double("scale", default: 0.1, in: 0...1e6),
                             fan: Initializer.FanConvention(rawValue: try i.string("fan", default: "in", allowed: ["in", "out"]))!)
        }
        guard case .singularValueTask = data else {
            throw ConfigError(key: "config.init.type", "'\(initType)' needs a task basis (allowed with npz data: gaussian)")
        }
        if initType == "aligned" {
            return .aligned(a: try i.doubles("a", default: [0.1], scalarAllowed: true),
                            b: try i.doubles("b", default: [0.1], scalarAllowed: true),
                            c: try i.doubles("c", default: [0.1], scalarAllowed: true))
        }
        return .lambdaBalanced(lambda: try i.double("lambda", default: 0), u0: try i.double("u0", default: 0.01),
                               b: try i.double("b", default: 0.1))
    }

    /// `training.stop`: an optional loss threshold with patience in steps or epochs, and an optional wall-time budget;
    /// `stepsPerEpoch` (`training.steps_per_epoch`) is the epoch when `stop.steps_per_epoch` is left out.
    static func parseStop(_ s: ConfigReader, stepsPerEpoch: Int? = nil) throws -> StoppingRules {
        let threshold = s.has("loss_threshold") ? try s.double("loss_threshold", in: 0...1e300) : nil
        let patience: Patience
        if s.has("patience_steps") && s.has("patience_epochs") {
            throw ConfigError(key: "\(s.path).patience_epochs", "give patience_steps or patience_epochs, not both (allowed: one of them)")
        }
        if (s.has("patience_steps") || s.has("patience_epochs")) && threshold == nil {
            throw ConfigError(key: "\(s.path).loss_threshold", "is required with a patience (allowed: a number in 0…1e300)")
        }
        if s.has("patience_epochs") {
            let epochs = try s.int("patience_epochs", in: 0...1_000_000_000)
            guard s.has("steps_per_epoch") || stepsPerEpoch != nil else {
                throw ConfigError(key: "\(s.path).steps_per_epoch", "is required with patience_epochs (allowed: an integer in 1…1000000000, or training.steps_per_epoch)")
            }
            let perEpoch = try epochLength(s, stepsPerEpoch)
            guard epochs <= 1_000_000_000 / perEpoch else {
                throw ConfigError(key: "\(s.path).patience_epochs", "\(epochs) × \(perEpoch) steps is too long (allowed: at most 1000000000 steps)")
            }
            patience = .epochs(epochs, stepsPerEpoch: perEpoch)
        } else {
            if s.has("steps_per_epoch") {
                throw ConfigError(key: "\(s.path).steps_per_epoch", "only applies with patience_epochs (allowed: patience_epochs + steps_per_epoch, or patience_steps)")
            }
            patience = .steps(threshold == nil ? 0 : try s.int("patience_steps", default: 0, in: 0...1_000_000_000))
        }
        let wall = s.has("wall_time_seconds") ? try s.double("wall_time_seconds", in: 0...1e12) : nil
        let stationary = s.has("stationary_tolerance") ? try s.double("stationary_tolerance", in: 0...1e300) : nil
        // With patience in epochs the threshold is checked on the loss of each epoch's last step (the degeneracy lab's
        // practice: a fresh-trial step loss at every step would have to stay below the threshold for the whole window).
        let epochEnd: Int = if case let .epochs(_, perEpoch) = patience { perEpoch } else { 1 }
        let every = try s.int("check_every", default: epochEnd, in: 1...1_000_000_000)
        return StoppingRules(lossThreshold: threshold, patience: patience, wallTimeSeconds: wall,
                             stationaryTolerance: stationary, checkEvery: every)
    }

    /// The epoch length of `s` (`stop` or `lr_schedule`): its own `steps_per_epoch`, else `training.steps_per_epoch`;
    /// both given must agree.
    static func epochLength(_ s: ConfigReader, _ stepsPerEpoch: Int?, default fallback: Int? = nil) throws -> Int {
        guard s.has("steps_per_epoch") else { return try s.int("steps_per_epoch", default: stepsPerEpoch ?? fallback, in: 1...1_000_000_000) }
        let own = try s.int("steps_per_epoch", in: 1...1_000_000_000)
        if let stepsPerEpoch, own != stepsPerEpoch {
            throw ConfigError(key: "\(s.path).steps_per_epoch", "\(own) differs from training.steps_per_epoch = \(stepsPerEpoch) (allowed: leave it out, or \(stepsPerEpoch))")
        }
        return own
    }

    /// `training.lr_schedule`: `none`, or `reduce_on_plateau` with PyTorch's parameters (and defaults); its
    /// `steps_per_epoch` defaults to `stepsPerEpoch` (`training.steps_per_epoch`) when given, else 1.
    static func parseSchedule(_ s: ConfigReader, stepsPerEpoch: Int? = nil) throws -> LearningRateSchedule {
        let type = try s.string("type", default: "none", allowed: ["none", "reduce_on_plateau"])
        guard type == "reduce_on_plateau" else { return .constant }
        let factor = try s.double("factor", default: 0.1, in: 0...1)
        if factor == 1 { throw ConfigError(key: "\(s.path).factor", "1.0 would never reduce the rate (allowed: 0 ≤ factor < 1)") }
        let modes = ReduceLROnPlateau.ThresholdMode.allCases.map(\.rawValue)
        let mode = ReduceLROnPlateau.ThresholdMode(rawValue: try s.string("threshold_mode", default: "rel", allowed: modes))!
        let threshold = try s.double("threshold", default: 1e-4, in: 0...1e300)
        if mode == .rel && threshold >= 1 {
            throw ConfigError(key: "\(s.path).threshold", "\(threshold) is out of range for threshold_mode rel (allowed: 0 ≤ threshold < 1)")
        }
        let scheduler = ReduceLROnPlateau(
            factor: factor, patience: try s.int("patience", default: 10, in: 0...1_000_000_000),
            threshold: threshold, thresholdMode: mode,
            cooldown: try s.int("cooldown", default: 0, in: 0...1_000_000_000),
            minLR: try s.double("min_lr", default: 0, in: 0...1e6))
        return .reduceOnPlateau(scheduler, stepsPerEpoch: try epochLength(s, stepsPerEpoch, default: 1))
    }
}
