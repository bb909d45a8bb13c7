import ExperimentKit
import Foundation
import Networks
import Tasks
import Training

/// Every config key of `rnndyn train` for `rnndyn describe train`: default, allowed values, unit, doc and when it
/// applies. `TrainSpec.parse` reads them; `TrainParametersTests` checks this table against it key by key (the same
/// keys, defaults and range bounds).
public enum TrainParameters {
    static let unbounded = -Double.greatestFiniteMagnitude ... Double.greatestFiniteMagnitude
    static let billion = 1_000_000_000
    static let taskNetworks = "model.type tanh_rnn or leaky_rate_rnn"

    /// The rows, in config order.
    public static var rows: [DescribedParameter] { [
        .init("seed", 0, .int(0...Int(Int32.max)), "root seed of the data, init and batch streams (--seed N overrides it)"),
        .init("model.type", "linear_rnn", .string(TrainSpec.ModelType.allCases.map(\.rawValue)), "network family"),
        .init("model.hidden", 8, .int(1...100_000), "hidden width N_h", unit: "units"),
        .init("model.output", "final", .string(OutputMode.allCases.map(\.rawValue)),
              "readout after the last input (final) or after every input (autoregressive; needs [T, N_y, P] targets)",
              when: "model.type linear_rnn"),
        .init("model.hidden", 128, .int(1...100_000), "hidden width N", unit: "units", when: Self.taskNetworks),
        .init("model.output", "autoregressive", .string(OutputMode.allCases.map(\.rawValue)),
              "readout after every step (autoregressive) or after the last only (final: the last step's targets and mask)",
              when: Self.taskNetworks),
        .init("model.second_bias", true, .bool, "PyTorch's second bias b_hh", when: "model.type tanh_rnn"),
        .init("model.learn_h0", false, .bool, "learn the initial state (else h_0 = 0)", when: Self.taskNetworks),
        .init("model.noise.process_std", 0.0, .double(0...1e6), "σ of the noise added to each step's pre-activation",
              when: Self.taskNetworks),
        .init("model.noise.input_std", 0.0, .double(0...1e6), "σ of the noise added to every input entry", when: Self.taskNetworks),
        .init("model.alpha", 0.1, .double(1e-6...1), "Euler step α = dt/τ", when: "model.type leaky_rate_rnn"),
        .init("model.parameterization", "standard", .string(["standard", "mup"]),
              "standard, or µP (m_J = 1/N, m_W = 1/(γN), Adam rate γ·η0)", when: "model.type leaky_rate_rnn"),
        .init("model.gamma", 1.0, .double(1e-6...1e6), "feature-learning strength γ", when: "parameterization mup"),
        .init("model.eta0", 1e-3, .double(1e-300...1e6), "base rate η0 (Adam rate γ·η0; training.learning_rate absent or equal)",
              when: "parameterization mup"),
        .init("data.type", nil, .string(["sv_task", "npz", "task"]),
              "a singular-value task, your arrays from an .npz, or a neuroscience task (tanh_rnn, leaky_rate_rnn)", defaultNote: "required"),
        .init("data.task", nil, .string(NeuroscienceTaskChoice.names), "the degeneracy paper's task, fresh trials every step",
              when: "data.type task", defaultNote: "required"),
        .init("data.batch_size", 64, .int(1...1_000_000), "trials per step", unit: "trials", when: "data.type task"),
        .init("data.eval_trials", 256, .int(1...1_000_000), "fresh trials of the final evaluation, and as many OOD trials",
              unit: "trials", when: "data.type task"),
        .init("data.probe_trials", 32, .int(1...100_000),
              "trials whose noise-free hidden trajectories are saved before and after training (node `probe`; a recorded task's first trials)",
              unit: "trials", when: Self.taskNetworks),
        .init("data.kernel_trials", 4, .int(0...100_000),
              "the first probe trials on which the initial and final empirical NTK are compared (kernel alignment; 0 = skip, at most probe_trials)",
              unit: "trials", when: Self.taskNetworks),
        .init("data.mask", "mask", .string([]), "array of the loss mask, [T, B, d_out] (absent: all scored)",
              when: "data.type npz with a task network"),
    ] + taskRows + [
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
        .init("training.optimizer", "adam", .string(OptimizerKind.allCases.map(\.rawValue)), "update rule", when: Self.taskNetworks),
        .init("training.learning_rate", 0.01, .double(1e-300...1e6), "step size η"),
        .init("training.learning_rate", 1e-3, .double(1e-300...1e6), "step size η (µP: γ·η0)", when: Self.taskNetworks),
        .init("training.steps", 1000, .int(0...billion), "maximum number of updates", unit: "steps"),
        .init("training.batch_size", 0, .int(0...100_000_000), "minibatch size (0 = full batch; minibatches need data.samples > 0)",
              unit: "trials"),
        .init("training.l2", 0.0, .double(0...1e6), "L2 strength"),
        .init("training.record_points", 60, .int(2...100_000), "about this many log-spaced snapshots of the weights"),
        .init("training.max_abs_state", 1e12, .double(1...1e300), "divergence guard: stop when a hidden state exceeds this"),
        .init("training.clip_grad_norm", 0.0, .double(0...1e300), "global L2 bound on the gradient (0 = off; as torch clip_grad_norm_)"),
        .init("training.clip_grad_norm", 1.0, .double(0...1e300), "global L2 bound on the gradient (0 = off)", when: Self.taskNetworks),
        .init("training.steps_per_epoch", 128, .int(1...billion), "the epoch of stop.patience_epochs and lr_schedule (their default)",
              unit: "steps", when: "data.type task, or given"),
        .init("training.penalties", [Any](), .objects,
              "penalties {type: nuclear | l1 | l2, block: a parameter block name (Wh, J, …), strength: λ ≥ 0}, added to the loss",
              allowedNote: "block names of the model"),
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
        .init("training.stop.check_every", 1, .int(1...billion),
              "steps between stop checks; with patience_epochs the default is the epoch: the loss of each epoch's last step is checked, as in the lab's scripts",
              unit: "steps"),
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

    /// The knobs of each task of `data.type task` (defaults: the task's own; `NeuroscienceTaskChoice.parse` reads them).
    static var taskRows: [DescribedParameter] {
        let big = 1_000_000, real = 1e-300...1e300, unbounded = Self.unbounded
        func row(_ task: String, _ key: String, _ value: Any, _ kind: ParameterKind, _ doc: String, unit: String = "",
                 allowedNote: String = "") -> DescribedParameter {
            .init("data." + key, value, kind, doc, unit: unit, when: "data.task " + task, allowedNote: allowedNote)
        }
        let ff = FlipFlopTask(), dd = DelayedDiscriminationTask(), sw = SineWaveTask(), pi = PathIntegrationTask()
        return [
            row("flip_flop", "channels", ff.channels, .int(1...10_000), "bits N (inputs = outputs = N)"),
            row("flip_flop", "trial_length", ff.trialLength, .int(1...big), "trial length T", unit: "steps"),
            row("flip_flop", "p_switch", ff.pSwitch, .double(0...1), "per-step, per-channel pulse probability"),
            row("flip_flop", "forced_first_pulse", ff.forcedFirstPulse, .bool, "every channel pulses at step 0"),
            row("flip_flop", "target_coding", ff.targetCoding.rawValue, .string(FlipFlopTask.TargetCoding.allCases.map(\.rawValue)),
                "targets ±1 (signed) or 0/1 (binary)"),
            row("flip_flop", "masked_transition", ff.maskedTransition, .int(0...big), "steps masked from each pulse on", unit: "steps"),
            row("delayed_discrimination", "channels", dd.channels, .int(1...10_000), "independent channels N"),
            row("delayed_discrimination", "frequency_min", dd.minimumFrequency, .double(unbounded), "lowest stimulus amplitude"),
            row("delayed_discrimination", "frequency_max", dd.maximumFrequency, .double(unbounded), "highest stimulus amplitude",
                allowedNote: "above frequency_min"),
            row("delayed_discrimination", "delay_min", dd.minimumDelay, .int(0...big), "shortest delay", unit: "steps"),
            row("delayed_discrimination", "delay_max", dd.maximumDelay, .int(0...big), "longest delay", unit: "steps",
                allowedNote: "at least delay_min"),
            row("delayed_discrimination", "stimulus_onset", dd.stimulusOnset, .int(0...big), "steps before f1", unit: "steps"),
            row("delayed_discrimination", "pulse_width", dd.pulseWidth, .int(1...big), "steps each pulse lasts", unit: "steps"),
            row("delayed_discrimination", "response_steps", dd.responseSteps, .int(1...big), "steps after f2 at the longest delay",
                unit: "steps"),
            row("delayed_discrimination", "auxiliary_output", dd.auxiliaryOutput, .bool, "add the |f2 − f1| output per channel"),
            row("delayed_discrimination", "score_response_only", dd.scoreResponseOnly, .bool, "mask the steps before the response"),
            row("sine_wave", "channels", sw.channels, .int(1...10_000), "independent channels N"),
            row("sine_wave", "frequency_count", sw.frequencyCount, .int(1...big), "training frequencies, evenly spaced"),
            row("sine_wave", "frequency_min", sw.minimumFrequency, .double(real), "lowest frequency", unit: "Hz"),
            row("sine_wave", "frequency_max", sw.maximumFrequency, .double(unbounded), "highest frequency", unit: "Hz",
                allowedNote: "at least frequency_min"),
            row("sine_wave", "trial_length", sw.trialLength, .int(1...big), "trial length T", unit: "steps"),
            row("sine_wave", "dt", sw.dt, .double(real), "time step", unit: "seconds"),
            row("sine_wave", "input_coding", sw.inputCoding.rawValue, .string(SineWaveTask.InputCoding.allCases.map(\.rawValue)),
                "one static input f/f_max per channel (scalar) or a one-hot block"),
            row("path_integration", "dimension", pi.dimension, .int(2...3), "2D or 3D"),
            row("path_integration", "trial_length", pi.trialLength, .int(1...big), "trial length T", unit: "steps"),
            row("path_integration", "boundary", pi.boundary, .double(real), "half-width L of the box"),
            row("path_integration", "start_half_width", pi.startHalfWidth, .double(0...1e300), "half-width of the start box",
                allowedNote: "at most boundary"),
            row("path_integration", "max_speed", pi.maximumSpeed, .double(real), "largest speed per step", allowedNote: "at most boundary"),
            row("path_integration", "boundary_rule", pi.boundaryRule.rawValue, .string(PathIntegrationTask.Boundary.allCases.map(\.rawValue)),
                "clip at the walls or reflect"),
            row("path_integration", "angle_coding", pi.angleCoding.rawValue, .string(PathIntegrationTask.AngleCoding.allCases.map(\.rawValue)),
                "cos/sin of the angles, or radians"),
        ]
    }

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
