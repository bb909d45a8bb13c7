import ArgumentParser
import Foundation
import RNNDynamics

/// `rnndyn train`: one ad-hoc training run from a JSON config.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a linear RNN or deep linear network from a JSON config.",
        discussion: """
        Without --config, trains the built-in demo: a constant-dynamics singular-value task (T = 6, three modes \
        with δ = 1, 0.5, 0.25) from small aligned modes by exact population gradient descent; the modes approach \
        b* = 1 and ac* = δ. Print the demo config with --print-default-config and edit it.

        Config keys (unknown keys are rejected):
          seed                     root seed of the data/init/batch streams (default 0)
          model.type               linear_rnn | deep_linear
          model.hidden             hidden width N_h
          model.output             final | autoregressive
          init.type                gaussian (scale, fan) | aligned (a, b, c) | lambda_balanced (lambda, u0, b)
          data.type                sv_task (singular_values [[s_11..s_1T], …], nx, ny, samples; 0 = population)
                                   npz (path, inputs = [T, N_x, P], targets = [N_y, P] or [T, N_y, P])
          training.optimizer       gd | sgd | adam
          training.learning_rate, steps, batch_size (0 = full), l2, record_points, max_abs_state

        Outputs in --out: config.json, results.npz (loss, record_step, record_loss, Wx/Wh/Wy and *_history, \
        eig_Wh_real/imag, modes_a/b/c, task_*), metrics.csv (step, loss).

        Examples:
          rnndyn train --out out/demo
          rnndyn train --print-default-config > my.json && rnndyn train --config my.json --out out/my --force
        """)

    @Option(name: .long, help: "JSON config file (default: the built-in demo).")
    var config: String?

    @Option(name: .long, help: "Output directory.")
    var out: String = "out/train"

    @Flag(name: .long, help: "Replace an existing output directory.")
    var force = false

    @Flag(name: .long, help: "Print the built-in default config and exit.")
    var printDefaultConfig = false

    func run() throws {
        if printDefaultConfig { print(TrainSpec.defaultJSON); return }
        let spec: TrainSpec
        do {
            let data: Data
            if let config {
                do { data = try Data(contentsOf: URL(fileURLWithPath: config)) }
                catch { throw ConfigError(key: "--config", "cannot read '\(config)' (allowed: a readable JSON file)") }
            } else {
                data = Data(TrainSpec.defaultJSON.utf8)
            }
            spec = try TrainSpec.parse(data)
            try OutputDirectory.check(out, force: force)
        } catch {
            printError("\(error)")
            throw ExitCode(ExitStatus.badInput)
        }
        let bar = ProgressBar(total: spec.steps, label: "train")
        let outcome: TrainOutcome
        do {
            outcome = try TrainJob.run(spec) { step, loss in bar.update(step: step, loss: loss) }
            bar.finish()
            try TrainJob.write(outcome, to: URL(fileURLWithPath: out), force: force)
        } catch {
            bar.finish()
            printError("\(error)")
            throw ExitCode(ExitStatus.badInput)
        }
        for line in outcome.summary { print(line) }
        print("wrote \(out)/config.json, results.npz, metrics.csv")
        if case let .diverged(step, diagnostic) = outcome.stop {
            printError("training diverged at step \(step): \(diagnostic); kept the state of step \(max(0, step - 1)) in \(out)")
            throw ExitCode(ExitStatus.diverged)
        }
    }

}

/// Output-directory checks shared by the commands that write run directories.
enum OutputDirectory {
    /// Refuses an existing non-empty directory (unless `force`) and unwritable parents, before any work.
    static func check(_ out: String, force: Bool) throws {
        let url = URL(fileURLWithPath: out).standardizedFileURL
        let fm = FileManager.default
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: url.path, isDirectory: &isDir) {
            if !isDir.boolValue { throw ConfigError(key: "--out", "'\(out)' exists and is not a directory (allowed: a new or empty directory)") }
            if !force, let items = try? fm.contentsOfDirectory(atPath: url.path), !items.isEmpty {
                throw ConfigError(key: "--out", "'\(out)' already holds results (allowed: a new or empty directory, or pass --force)")
            }
        }
        var parent = url.deletingLastPathComponent()
        while !fm.fileExists(atPath: parent.path) { parent = parent.deletingLastPathComponent() }
        // Permission bits say little for root or special file systems: try creating a directory there.
        let probe = parent.appendingPathComponent(".rnndyn-probe-\(ProcessInfo.processInfo.processIdentifier)")
        do {
            try fm.createDirectory(at: probe, withIntermediateDirectories: false)
            try? fm.removeItem(at: probe)
        } catch {
            throw ConfigError(key: "--out", "cannot create '\(out)': '\(parent.path)' is not writable (allowed: a writable location)")
        }
    }
}
