import Foundation
import Testing
@testable import RNNDynamics

/// Issue 14: `rnndyn train` for the task-trained networks, through the built binary.
@Suite(.serialized) struct TaskTrainCLITests {
    /// A small tanh RNN on a 1-bit flip-flop (T = 20), Adam 1e-2 with the paper's clipping, a nuclear-norm penalty.
    static let flipFlop = #"""
    {"seed": 5, "model": {"type": "tanh_rnn", "hidden": 16},
     "data": {"type": "task", "task": "flip_flop", "channels": 1, "trial_length": 20, "batch_size": 16, "eval_trials": 64},
     "training": {"steps": 300, "learning_rate": 0.01, "steps_per_epoch": 20,
                  "penalties": [{"type": "nuclear", "block": "Wh", "strength": 1e-5}],
                  "lr_schedule": {"type": "reduce_on_plateau", "factor": 0.5, "patience": 5}}}
    """#

    static func train(_ json: String, in dir: URL, _ name: String) throws -> (Int32, String, String, URL) {
        let cfg = dir.appendingPathComponent("\(name).json")
        try Data(json.utf8).write(to: cfg)
        let out = dir.appendingPathComponent(name)
        let (status, stdout, stderr) = try CLIHarness.run(["train", "--config", cfg.path, "--out", out.path])
        return (status, stdout, stderr, out)
    }

    @Test func tanhRNNLearnsAOneBitFlipFlopAndWritesTheTaskKeys() throws {
        let dir = CLIHarness.tempDir()
        let (status, stdout, stderr, out) = try Self.train(Self.flipFlop, in: dir, "ff")
        #expect(status == 0, "stderr: \(stderr)")
        #expect(stdout.contains("flip-flop: eval MSE") && stdout.contains("OOD MSE") && stdout.contains("(T = 40)"), "\(stdout)")
        let arrays = try NPZ.readDictionary(from: out.appendingPathComponent("results.npz"))
        let evalMSE = try arrays["eval_mse"]!.asDoubles(), oodMSE = try arrays["ood_mse"]!.asDoubles()
        #expect(arrays["eval_mse"]!.shape == [] && evalMSE[0] < 0.01, "eval MSE \(evalMSE)")
        #expect(oodMSE[0].isFinite && oodMSE[0] > 0)
        #expect(try arrays["loss_threshold"]!.asDoubles() == [0.001])
        let loss = try arrays["loss"]!.asDoubles(), penalty = try arrays["penalty"]!.asDoubles()
        #expect(loss.count == 301 && loss.last! < 0.05 * loss.first! && penalty.allSatisfy { $0 > 0 })
        for block in ["Wx", "Wh", "b", "bhh", "Wy", "by", "Wh_history"] { #expect(arrays[block] != nil, "\(block)") }
        #expect(arrays["h0"] == nil)  // h_0 = 0 is no block
        let config = try ExactJSON.parse(Data(contentsOf: out.appendingPathComponent("config.json"))) as! [String: Any]
        let evaluation = config["evaluation"] as! [String: Any], task = config["task"] as! [String: Any]
        #expect(evaluation["eval_mse"] as? Double == evalMSE[0] && evaluation["ood_trials"] as? Int == 64)
        #expect(task["p_switch"] as? Double == 0.3 && task["trial_length"] as? Int == 20 && task["channels"] as? Int == 1)
        #expect((config["ood_task"] as! [String: Any])["trial_length"] as? Int == 40)
        let metrics = try String(contentsOf: out.appendingPathComponent("metrics.csv"), encoding: .utf8)
        #expect(metrics.contains("eval_mse,") && metrics.contains("ood_mse,"))
        let csv = try String(contentsOf: out.appendingPathComponent("loss.csv"), encoding: .utf8)
        #expect(csv.hasPrefix("step,loss,penalty"))
    }

    @Test func sameSeedGivesBitIdenticalResultsAndConfigJSONReproducesTheRun() throws {
        let dir = CLIHarness.tempDir()
        let small = Self.flipFlop.replacingOccurrences(of: "\"steps\": 300", with: "\"steps\": 60")
        let (s1, _, e1, a) = try Self.train(small, in: dir, "a")
        let (s2, _, e2, b) = try Self.train(small, in: dir, "b")
        let (s3, _, e3, c) = try Self.train(small.replacingOccurrences(of: "\"seed\": 5", with: "\"seed\": 6"), in: dir, "c")
        #expect(s1 == 0 && s2 == 0 && s3 == 0, "\(e1) \(e2) \(e3)")
        let bytes = { (u: URL) in try Data(contentsOf: u.appendingPathComponent("results.npz")) }
        #expect(try bytes(a) == bytes(b))
        #expect(try bytes(a) != bytes(c))
        let again = dir.appendingPathComponent("again")
        let (s4, _, e4) = try CLIHarness.run(["train", "--config", a.appendingPathComponent("config.json").path, "--out", again.path])
        #expect(s4 == 0, "stderr: \(e4)")
        #expect(try bytes(a) == bytes(again))
    }

    @Test(arguments: [
        (#"{"model": {"type": "tanh_rnn"}, "data": {"type": "task", "task": "flip_flop", "p_switch": 1.5}}"#, "config.data.p_switch"),
        (#"{"model": {"type": "tanh_rnn"}, "data": {"type": "task", "task": "delayed_discrimination", "delay_min": 9, "delay_max": 3}}"#,
         "config.data.delay_max"),
        (#"{"model": {"type": "tanh_rnn"}, "data": {"type": "task", "task": "flip_flop", "bits": 3}}"#, "config.data.bits"),
        (#"{"model": {"type": "tanh_rnn"}, "data": {"type": "task", "task": "juggling"}}"#, "config.data.task"),
        (#"{"model": {"type": "tanh_rnn"}, "data": {"type": "task", "task": "flip_flop"}, "training": {"penalties": [{"type": "nuclear", "block": "J", "strength": 1}]}}"#,
         "config.training.penalties[0].block"),
        (#"{"model": {"type": "tanh_rnn"}, "data": {"type": "task", "task": "flip_flop"}, "training": {"penalties": [{"type": "l3", "block": "Wh", "strength": 1}]}}"#,
         "config.training.penalties[0].type"),
        (#"{"model": {"type": "leaky_rate_rnn", "parameterization": "mup", "gamma": 2, "eta0": 1e-3}, "data": {"type": "task", "task": "sine_wave"}, "training": {"learning_rate": 1e-3}}"#,
         "config.training.learning_rate"),
        (#"{"model": {"type": "tanh_rnn"}, "data": {"type": "task", "task": "flip_flop"}, "training": {"batch_size": 8}}"#,
         "config.training.batch_size"),
        (#"{"model": {"type": "tanh_rnn"}, "data": {"type": "task", "task": "flip_flop"}, "training": {"steps_per_epoch": 128, "lr_schedule": {"type": "reduce_on_plateau", "steps_per_epoch": 50}}}"#,
         "config.training.lr_schedule.steps_per_epoch"),
        (#"{"model": {"type": "linear_rnn"}, "data": {"type": "task", "task": "flip_flop"}}"#, "config.model.type"),
        (#"{"model": {"type": "tanh_rnn"}, "init": {"type": "gaussian"}, "data": {"type": "task", "task": "flip_flop"}}"#, "config.init"),
    ])
    func badTaskConfigsExit2WithOneLineAndWriteNothing(json: String, key: String) throws {
        let dir = CLIHarness.tempDir()
        let (status, _, stderr, out) = try Self.train(json, in: dir, "bad")
        #expect(status == 2)
        #expect(stderr.split(separator: "\n").count == 1 && stderr.contains(key + ":"), "stderr: \(stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    /// µP leaky network: the Adam rate γ·η0 is derived and recorded where `training.learning_rate` lives.
    @Test func muPRateIsDerivedAndRecorded() throws {
        let spec = try TrainSpec.parse(Data(#"""
        {"model": {"type": "leaky_rate_rnn", "hidden": 8, "parameterization": "mup", "gamma": 4, "eta0": 0.0025},
         "data": {"type": "task", "task": "sine_wave", "trial_length": 10, "batch_size": 4, "eval_trials": 4},
         "training": {"steps": 3}}
        """#.utf8))
        #expect(spec.learningRate == 0.01)
        #expect((spec.resolved["training"] as? [String: Any])?["learning_rate"] as? Double == 0.01)
        let outcome = try TrainJob.run(spec)
        let scales = outcome.config["parameterization"] as? [String: String]
        #expect(scales?["learningRate.J"] == "0.01" && scales?["outputMultiplier"] == "\(1.0 / 32)")
    }

    /// A recorded task (`TaskNPZ` layout) with a custom mask name trains a tanh RNN on random minibatches of its trials.
    @Test func recordedTaskTrainsWithItsMask() throws {
        let dir = CLIHarness.tempDir()
        let task = FlipFlopTask(channels: 1, trialLength: 12, maskedTransition: 1)
        let trials = try task.batch(size: 24, streams: RandomStreams(seed: 2).child("recorded"))
        let ood = try task.outOfDistribution().batch(size: 8, streams: RandomStreams(seed: 2).child("recorded-ood"))
        var arrays = try TaskNPZ.members(trials, prefix: "") + TaskNPZ.members(ood, prefix: "ood_")
        arrays = arrays.map { ($0.name.replacingOccurrences(of: "mask", with: "scored"), $0.array) }
        let npz = dir.appendingPathComponent("trials.npz")
        try NPZ.write(arrays, to: npz)
        let json = #"{"model": {"type": "tanh_rnn", "hidden": 8}, "data": {"type": "npz", "path": "trials.npz", "mask": "scored"}, "training": {"steps": 40, "batch_size": 8, "learning_rate": 0.01}}"#
        let (status, stdout, stderr, out) = try Self.train(json, in: dir, "rec")
        #expect(status == 0, "stderr: \(stderr)")
        #expect(stdout.contains("recorded: eval MSE") && stdout.contains("on 24 trials") && stdout.contains("on 8 trials"), "\(stdout)")
        let results = try NPZ.readDictionary(from: out.appendingPathComponent("results.npz"))
        #expect(results["eval_mse"] != nil && results["ood_mse"] != nil)
        let bad = json.replacingOccurrences(of: "\"scored\"", with: "\"nope\"")
        let (s2, _, e2, o2) = try Self.train(bad, in: dir, "rec-bad")
        #expect(s2 == 2 && e2.contains("config.data.mask:") && !FileManager.default.fileExists(atPath: o2.path), "\(e2)")
    }
}
