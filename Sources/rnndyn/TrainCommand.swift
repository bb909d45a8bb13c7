import ArgumentParser
import Foundation
import RNNDynamics

/// `rnndyn train`: one ad-hoc training run from a JSON config.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a linear, deep linear, tanh or leaky rate RNN from a JSON or YAML config.",
        discussion: """
        Without --config, trains the built-in demo: a constant-dynamics singular-value task (T = 6, three modes \
        with δ = 1, 0.5, 0.25) from small aligned modes by exact population gradient descent; the modes approach \
        b* = 1 and ac* = δ. Print the demo config with --print-default-config and edit it, or change keys with \
        --set key=value (dotted keys, values read as JSON) and the seed with --seed. A train run's own config.json is \
        accepted by --config and reproduces the run. `rnndyn describe train` lists every key with its default, range, \
        unit and doc.

        Config keys (unknown keys are rejected):
          seed                     root seed of the data/init/batch streams (default 0)
          model.type               linear_rnn | deep_linear | tanh_rnn | leaky_rate_rnn
          model.hidden             hidden width N_h (128 for tanh_rnn, leaky_rate_rnn)
          model.output             final | autoregressive
          model (tanh_rnn)         second_bias, learn_h0, noise.process_std, noise.input_std (PyTorch init)
          model (leaky_rate_rnn)   alpha, parameterization standard | mup (gamma, eta0: Adam rate gamma·eta0),
                                   learn_h0, noise
          init.type                gaussian (scale, fan) | aligned (a, b, c) | lambda_balanced (lambda, u0, b)
          data.type                sv_task (singular_values [[s_11..s_1T], …], nx, ny, samples; 0 = population)
                                   npz (path, relative to the config file's folder; inputs = [T, N_x, P],
                                   or [N_x, P] for deep_linear; targets = [N_y, P] or [T, N_y, P]; for the
                                   tanh/leaky networks a recorded task [T, B, d] with mask)
                                   task (tanh/leaky: task flip_flop | delayed_discrimination | sine_wave |
                                   path_integration, batch_size, eval_trials, every knob of the task;
                                   fresh trials every step)
          training.optimizer       gd | sgd | adam
          training.learning_rate, steps (the maximum), batch_size (0 = full), l2, record_points (exact count of
                                   log-spaced records, capped at steps + 1), max_abs_state,
                                   clip_grad_norm (0 = off; global L2 bound as torch clip_grad_norm_),
                                   steps_per_epoch (the epoch of stop and lr_schedule; 128 for task data),
                                   penalties [{type nuclear | l1 | l2, block, strength}]
          training.stop            loss_threshold with patience_steps | patience_epochs + steps_per_epoch;
                                   wall_time_seconds (checked from step 1 on); stationary_tolerance (stop when
                                   the loss moves less between checks); check_every (steps between checks, 1)
          training.lr_schedule     type none | reduce_on_plateau (PyTorch's: factor, patience, threshold,
                                   threshold_mode rel | abs, cooldown, min_lr; stepped every steps_per_epoch steps)

        Outputs in --out: config.json (with stop.reason, stop.step, final_learning_rate), results.npz (loss, step, \
        record_step, record_loss, Wx/Wh/Wy and *_history, eig_Wh_real/imag, modes_a/b/c, task_*), DATA.md (every \
        array with shape and description), metrics.csv (metric,value,description: final_loss, initial_loss, \
        steps_run, stop, final_learning_rate, wall_time_seconds), loss.csv (step,loss), figure.json and \
        figures/train.svg (loss curve; eigenvalues of W_h over the records). Task data add eval_mse, ood_mse and \
        loss_threshold to results.npz and metrics.csv, and task, ood_task, evaluation to config.json.

        Examples:
          rnndyn train --out out/demo
          rnndyn train --print-default-config > my.json
          rnndyn train --config my.json --out out/my --force
          rnndyn train --set training.learning_rate=0.02 --seed 3 --out out/lr02
          rnndyn train --config examples/huang2025/flip_flop.json --out out/ff

        --force replaces only the files rnndyn wrote in --out (listed in .rnndyn-files.json) and keeps the rest.
        A run whose estimated memory exceeds what the machine has available is refused (exit status 2) with the \
        estimate; one estimated to take over an hour gets a note.
        """)

    @Option(name: .long, help: "JSON or YAML config file (.json, .yaml, .yml; default: the built-in demo).")
    var config: String?

    @Option(name: .customLong("set"), help: "Override one config key: key=value, dotted keys for nested ones, e.g. training.steps=500 (repeatable).")
    var sets: [String] = []

    @Option(name: .long, help: "Root seed (overrides the config's seed; recorded in config.json).")
    var seed: UInt64?

    @Option(name: .long, help: "Output directory.")
    var out: String = "out/train"

    @Flag(name: .long, help: "Replace the files rnndyn wrote in an existing output directory (others are kept).")
    var force = false

    @Flag(name: .long, help: "Print the built-in default config and exit.")
    var printDefaultConfig = false

    func run() throws {
        if printDefaultConfig { print(TrainSpec.defaultJSON); return }
        let spec: TrainSpec, lock: DirectoryLock
        do {
            spec = try TrainSpec.parse(object: try TrainConfigFile.resolve(path: config, sets: sets, seed: seed),
                                       relativeTo: config.map { URL(fileURLWithPath: $0).deletingLastPathComponent() })
            lock = try OutputDirectory.check(out, force: force)
        } catch {
            throw fail(error)
        }
        defer { lock.release() }
        let kept = force ? OutputLocation.keptNote(URL(fileURLWithPath: out)) : nil
        let bar = ProgressBar(total: spec.steps, label: "train")
        let outcome: TrainOutcome
        do {
            outcome = try TrainJob.run(spec, notice: { printNotice($0) }) { step, loss in bar.update(step: step, loss: loss) }
            bar.finish()
            try TrainJob.write(outcome, to: URL(fileURLWithPath: out), force: force)
        } catch {
            bar.finish()
            throw fail(error)
        }
        for line in outcome.summary { print(line) }
        if let kept { print(kept) }
        print("wrote \(out)/config.json, results.npz, DATA.md, metrics.csv, loss.csv, figures/train.svg")
        if case let .diverged(step, diagnostic) = outcome.stop {
            printError("training diverged at step \(step): \(diagnostic); kept the state of step \(max(0, step - 1)) in \(out)")
            throw ExitCode(ExitStatus.diverged)
        }
    }

}

/// Output-directory checks of `rnndyn train` and `rnndyn compare`.
enum OutputDirectory {
    /// Refuses an existing non-empty directory (unless `force`, which replaces only what rnndyn wrote and refuses
    /// a foreign file where the command writes one of `files`), unwritable locations and a directory another rnndyn process is
    /// writing, before any work; returns the lock held until the outputs are written.
    static func check(_ out: String, force: Bool, files: [String] = RunFiles.written) throws -> DirectoryLock {
        let url = URL(fileURLWithPath: out)
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) {
            if !isDir.boolValue { throw ConfigError(key: "--out", "'\(out)' exists and is not a directory (allowed: a new or empty directory)") }
            if !force, let items = try? FileManager.default.contentsOfDirectory(atPath: url.path), !items.isEmpty {
                throw ConfigError(key: "--out", "'\(out)' already holds results (allowed: a new or empty directory, or pass --force)")
            }
        }
        try OutputLocation.requireWritable(url)
        let lock = try OutputLocation.lock(url)
        if force { try OutputLocation.requireNoCollisions(url, incoming: files) }
        return lock
    }
}
