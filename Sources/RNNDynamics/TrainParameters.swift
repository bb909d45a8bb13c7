import ExperimentKit
import Foundation
import Networks
import Training

/// Every config key of `rnndyn train` for `rnndyn describe train`: default, allowed values, unit, doc and when it
/// applies. `TrainSpec.parse` reads them; `TrainParametersTests` checks this table against it key by key (the same
/// keys, defaults and range bounds).
public enum TrainParameters {
    static let unbounded = -Double.greatestFiniteMagnitude ... Double.greatestFiniteMagnitude
    static let billion = 1_000_000_000

    /// The rows, in config order.
    public static var rows: [DescribedParameter] { [
        .init("seed", 0, .int(0...Int(Int32.max)), "root seed of the data, init and batch streams (--seed N overrides it)"),
        .init("model.type", "linear_rnn", .string(TrainSpec.ModelType.allCases.map(\.rawValue)), "network family"),
        .init("model.hidden", 8, .int(1...100_000), "hidden width N_h", unit: "units"),
        .init("model.output", "final", .string(OutputMode.allCases.map(\.rawValue)),
              "readout after the last input (final) or after every input (autoregressive; needs [T, N_y, P] targets)",
              when: "model.type linear_rnn"),
        .init("data.type", nil, .string(["sv_task", "npz"]), "a singular-value task, or your arrays from an .npz", defaultNote: "required"),
        .init("data.singular_values", nil, .doubles, "one row [s_1 … s_T] per mode: the task's singular values over time",
              when: "data.type sv_task", allowedNote: "one list per mode, all of length T", defaultNote: "required"),
        .init("data.nx", nil, .int(1...100_000), "input dimension N_x (at least the number of modes)", when: "data.type sv_task",
              defaultNote: "modes"),
        .init("data.ny", nil, .int(1...100_000), "output dimension N_y (at least the number of modes)", when: "data.type sv_task",
              defaultNote: "modes"),
        .init("data.samples", 0, .int(0...100_000_000), "0: exact population gradient on whitened data; else sampled trials P",
              unit: "trials", when: "data.type sv_task", allowedNote: "0 or above T·nx"),
        .init("data.path", nil, .string([]), "the .npz file", when: "data.type npz", defaultNote: "required"),
        .init("data.inputs", "inputs", .string([]), "array of inputs, [T, N_x, P]", when: "data.type npz"),
        .init("data.targets", "targets", .string([]), "array of targets, [N_y, P] (final) or [T, N_y, P] (autoregressive)",
              when: "data.type npz"),
        .init("init.type", "gaussian", .string(["gaussian", "aligned", "lambda_balanced"]),
              "initialisation (aligned and lambda_balanced need data.type sv_task)"),
        .init("init.scale", 0.1, .double(0...1e6), "i.i.d. Gaussian weights with std scale/√fan", when: "init.type gaussian"),
        .init("init.fan", "in", .string(["in", "out"]), "fan of the std", when: "init.type gaussian"),
        .init("init.a", [0.1], .doubles, "input modes a (one number for all modes, or one per mode)", when: "init.type aligned"),
        .init("init.b", [0.1], .doubles, "recurrent modes b (one number, or one per mode)", when: "init.type aligned"),
        .init("init.c", [0.1], .doubles, "output modes c (one number, or one per mode)", when: "init.type aligned"),
        .init("init.lambda", 0.0, .double(unbounded), "balance c² − a² = λ (Dominé et al. sign)", when: "init.type lambda_balanced"),
        .init("init.u0", 0.01, .double(unbounded), "initial input–output mode u₀ = ac", when: "init.type lambda_balanced"),
        .init("init.b", 0.1, .double(unbounded), "initial recurrent mode b", when: "init.type lambda_balanced"),
        .init("training.optimizer", "gd", .string(OptimizerKind.allCases.map(\.rawValue)), "update rule (sgd needs batch_size ≥ 1)"),
        .init("training.learning_rate", 0.01, .double(1e-300...1e6), "step size η"),
        .init("training.steps", 1000, .int(0...billion), "maximum number of updates", unit: "steps"),
        .init("training.batch_size", 0, .int(0...100_000_000), "minibatch size (0 = full batch; minibatches need data.samples > 0)",
              unit: "trials"),
        .init("training.l2", 0.0, .double(0...1e6), "L2 strength"),
        .init("training.record_points", 60, .int(2...100_000), "about this many log-spaced snapshots of the weights"),
        .init("training.max_abs_state", 1e12, .double(1...1e300), "divergence guard: stop when a hidden state exceeds this"),
        .init("training.clip_grad_norm", 0.0, .double(0...1e300), "global L2 bound on the gradient (0 = off; as torch clip_grad_norm_)"),
        .init("training.stop.loss_threshold", nil, .double(0...1e300), "stop once the loss stays below this for the patience",
              defaultNote: "off"),
        .init("training.stop.patience_steps", 0, .int(0...billion), "steps the loss must stay below the threshold", unit: "steps",
              when: "loss_threshold set"),
        .init("training.stop.patience_epochs", nil, .int(0...billion), "patience in epochs instead of steps (with steps_per_epoch)",
              unit: "epochs", when: "loss_threshold set", defaultNote: "off"),
        .init("training.stop.steps_per_epoch", nil, .int(1...billion), "steps per epoch of patience_epochs", unit: "steps",
              when: "patience_epochs set", defaultNote: "required"),
        .init("training.stop.wall_time_seconds", nil, .double(0...1e12), "stop after this much wall time (checked from step 1 on)",
              unit: "seconds", defaultNote: "off"),
        .init("training.stop.stationary_tolerance", nil, .double(0...1e300), "stop when the loss moves less than this between checks",
              defaultNote: "off"),
        .init("training.stop.check_every", 1, .int(1...billion), "steps between stop checks", unit: "steps"),
        .init("training.lr_schedule.type", "none", .string(["none", "reduce_on_plateau"]), "learning-rate schedule (PyTorch's ReduceLROnPlateau)"),
        .init("training.lr_schedule.factor", 0.1, .double(0...1), "multiply the rate by this on a plateau", when: "reduce_on_plateau",
              allowedNote: "below 1"),
        .init("training.lr_schedule.patience", 10, .int(0...billion), "epochs without improvement before reducing", unit: "epochs",
              when: "reduce_on_plateau"),
        .init("training.lr_schedule.threshold", 1e-4, .double(0...1e300), "smallest change that counts as an improvement",
              when: "reduce_on_plateau", allowedNote: "below 1 with threshold_mode rel"),
        .init("training.lr_schedule.threshold_mode", "rel", .string(ReduceLROnPlateau.ThresholdMode.allCases.map(\.rawValue)),
              "threshold relative to the best loss, or absolute", when: "reduce_on_plateau"),
        .init("training.lr_schedule.cooldown", 0, .int(0...billion), "epochs to wait after a reduction", unit: "epochs",
              when: "reduce_on_plateau"),
        .init("training.lr_schedule.min_lr", 0.0, .double(0...1e6), "lower bound of the rate", when: "reduce_on_plateau"),
        .init("training.lr_schedule.steps_per_epoch", 1, .int(1...billion), "steps per scheduler epoch", unit: "steps",
              when: "reduce_on_plateau"),
    ] }

    /// The description `rnndyn describe train` prints.
    public static var description: ParameterDescription {
        ParameterDescription(
            title: "train — rnndyn train's config keys",
            notes: [
                "Keys a config leaves out take the defaults below; unknown keys are rejected. Without --config, train uses "
                    + "the built-in demo (rnndyn train --print-default-config), whose values differ from these defaults.",
                "Seed: the key seed (or --seed N) is the root of the data, init and batch streams; the same seed gives "
                    + "identical bytes, and config.json records it.",
                "Override any key with --set key=value (dotted keys, e.g. --set training.learning_rate=0.02).",
            ],
            presets: false, parameters: rows, fields: ["id": "train"])
    }
}
