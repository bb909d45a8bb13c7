import Foundation
import Testing
@testable import RNNDynamics
@testable import Training

/// `training.stop`, `training.lr_schedule` and `training.clip_grad_norm` in `rnndyn train` configs.
@Suite(.serialized) struct TrainStopConfigTests {
    static func spec(_ training: String) throws -> TrainSpec {
        try TrainSpec.parse(Data(#"""
        {"model": {"hidden": 3}, "init": {"type": "aligned", "a": 0.1, "b": 0.1, "c": 0.1},
         "data": {"type": "sv_task", "singular_values": [[1, 1, 1], [0.5, 0.5, 0.5]], "nx": 2, "ny": 2},
         "training": {\#(training)}}
        """#.utf8))
    }

    @Test func unknownScheduleTypeIsAOneLineErrorNamingTheFieldAndTheAllowedValues() {
        do {
            _ = try Self.spec(#""lr_schedule": {"type": "cosine"}"#)
            Issue.record("expected an error")
        } catch let e as ConfigError {
            #expect(e.key == "config.training.lr_schedule.type")
            #expect(e.message.contains("allowed: none, reduce_on_plateau"))
            #expect(!e.description.contains("\n"))
        } catch { Issue.record("unexpected \(error)") }
    }

    @Test(arguments: [
        (#""lr_schedule": {"type": "reduce_on_plateau", "factor": 1}"#, "config.training.lr_schedule.factor"),
        (#""lr_schedule": {"type": "reduce_on_plateau", "factor": -0.1}"#, "config.training.lr_schedule.factor"),
        (#""lr_schedule": {"type": "reduce_on_plateau", "patience": -1}"#, "config.training.lr_schedule.patience"),
        (#""lr_schedule": {"type": "reduce_on_plateau", "threshold_mode": "relative"}"#, "config.training.lr_schedule.threshold_mode"),
        (#""lr_schedule": {"type": "reduce_on_plateau", "threshold": 1}"#, "config.training.lr_schedule.threshold"),
        (#""lr_schedule": {"type": "reduce_on_plateau", "cooldown": 1.5}"#, "config.training.lr_schedule.cooldown"),
        (#""lr_schedule": {"type": "reduce_on_plateau", "min_lr": -1}"#, "config.training.lr_schedule.min_lr"),
        (#""lr_schedule": {"type": "reduce_on_plateau", "steps_per_epoch": 0}"#, "config.training.lr_schedule.steps_per_epoch"),
        (#""lr_schedule": {"type": "none", "factor": 0.5}"#, "config.training.lr_schedule.factor"),
        (#""lr_schedule": "plateau""#, "config.training.lr_schedule"),
        (#""stop": {"loss_threshold": -1}"#, "config.training.stop.loss_threshold"),
        (#""stop": {"loss_threshold": 1, "patience_steps": 2, "patience_epochs": 1, "steps_per_epoch": 3}"#, "config.training.stop.patience_epochs"),
        (#""stop": {"loss_threshold": 1, "patience_epochs": 2}"#, "config.training.stop.steps_per_epoch"),
        (#""stop": {"loss_threshold": 1, "patience_steps": 2, "steps_per_epoch": 3}"#, "config.training.stop.steps_per_epoch"),
        (#""stop": {"patience_steps": 2}"#, "config.training.stop.loss_threshold"),
        (#""stop": {"loss_threshold": 1, "patience_steps": -2}"#, "config.training.stop.patience_steps"),
        (#""stop": {"wall_time_seconds": -1}"#, "config.training.stop.wall_time_seconds"),
        (#""stop": {"wall_time": 10}"#, "config.training.stop.wall_time"),
        (#""clip_grad_norm": -1"#, "config.training.clip_grad_norm"),
    ])
    func badValuesAreOneLineErrorsNamingTheKey(training: String, key: String) {
        #expect(throws: ConfigError.self) { _ = try Self.spec(training) }
        do { _ = try Self.spec(training) } catch let e as ConfigError {
            #expect(e.key == key, "\(e)")
            #expect(e.message.contains("allowed") || e.message.contains("expected"), "\(e)")
            #expect(!e.description.contains("\n"))
        } catch { Issue.record("unexpected \(error)") }
    }

    @Test func keysParseIntoTheTrainingOptions() throws {
        let s = try Self.spec(#"""
        "stop": {"loss_threshold": 1e-3, "patience_epochs": 3, "steps_per_epoch": 50, "wall_time_seconds": 7.5},
        "lr_schedule": {"type": "reduce_on_plateau", "factor": 0.5, "patience": 4, "threshold": 0.01, "threshold_mode": "abs",
                        "cooldown": 2, "min_lr": 1e-5, "steps_per_epoch": 25},
        "clip_grad_norm": 2.5
        """#)
        // With patience in epochs the loss is checked at epoch ends unless check_every says otherwise.
        #expect(s.stopping == StoppingRules(lossThreshold: 1e-3, patience: .epochs(3, stepsPerEpoch: 50), wallTimeSeconds: 7.5,
                                            checkEvery: 50))
        let everyStep = try Self.spec(#""stop": {"loss_threshold": 1e-3, "patience_epochs": 3, "steps_per_epoch": 50, "check_every": 1}"#)
        #expect(everyStep.stopping.checkEvery == 1)
        #expect(s.schedule == .reduceOnPlateau(ReduceLROnPlateau(factor: 0.5, patience: 4, threshold: 0.01, thresholdMode: .abs,
                                                                 cooldown: 2, minLR: 1e-5), stepsPerEpoch: 25))
        #expect(s.clipGradNorm == 2.5)
        let plain = try Self.spec(#""steps": 10"#)
        #expect(plain.stopping == .none && plain.schedule == .constant && plain.clipGradNorm == nil)
        #expect(try Self.spec(#""lr_schedule": {"type": "none"}"#).schedule == .constant)
        let defaults = try Self.spec(#""lr_schedule": {"type": "reduce_on_plateau"}"#)
        #expect(defaults.schedule == .reduceOnPlateau(ReduceLROnPlateau(), stepsPerEpoch: 1))
    }

    @Test func runDirectoryRecordsTheStopReasonAndFinalLearningRate() throws {
        let full = try TrainJob.run(try Self.spec(#""steps": 300, "learning_rate": 0.05"#))
        let losses = try full.arrays.first { $0.name == "loss" }!.array.asDoubles()
        #expect(full.stop == .completed && losses.count == 301)
        let stopInfo = full.config["stop"] as! [String: Any]
        #expect(stopInfo["reason"] as? String == "completed" && stopInfo["step"] as? Int == 300)
        #expect(full.config["final_learning_rate"] as? Double == 0.05)

        // Loss threshold with patience: stops at the first step whose 20-step window is at or below the threshold.
        let earlySpec = try Self.spec(#""steps": 300, "learning_rate": 0.05, "stop": {"loss_threshold": \#(losses[120]), "patience_steps": 20}"#)
        let threshold = earlySpec.stopping.lossThreshold!   // as JSON parsing rounded it
        let expected = (20...300).first { s in losses[(s - 20)...s].allSatisfy { $0 <= threshold } }!
        #expect(expected >= 140 && expected <= 141)
        let early = try TrainJob.run(earlySpec)
        #expect(early.stop == .lossThreshold(step: expected))
        let earlyInfo = early.config["stop"] as! [String: Any]
        #expect(earlyInfo["reason"] as? String == "loss_threshold" && earlyInfo["step"] as? Int == expected)
        #expect(try early.arrays.first { $0.name == "loss" }!.array.asDoubles() == Array(losses[0...expected]))
        #expect(early.summary.contains { $0.hasPrefix("stopped at step \(expected):") })

        // Patience in epochs: the first epoch end s₀ at or below the threshold whose next 2 epoch ends stay there too.
        let epochSpec = try Self.spec(#""steps": 300, "learning_rate": 0.05, "stop": {"loss_threshold": \#(losses[120]), "patience_epochs": 2, "steps_per_epoch": 15}"#)
        let epochThreshold = epochSpec.stopping.lossThreshold!
        let epochEnd = stride(from: 30, through: 300, by: 15).first { s in
            [s - 30, s - 15, s].allSatisfy { losses[$0] <= epochThreshold }
        }!
        #expect(epochEnd % 15 == 0 && epochEnd >= 150 && epochEnd != expected)
        #expect(try TrainJob.run(epochSpec).stop == .lossThreshold(step: epochEnd))

        let timed = try TrainJob.run(try Self.spec(#""steps": 300, "stop": {"wall_time_seconds": 0}"#))
        let timedInfo = timed.config["stop"] as! [String: Any]
        #expect(timedInfo["reason"] as? String == "wall_time" && timedInfo["step"] as? Int == 1 && timedInfo["elapsed_seconds"] is Double)

        // The plateau schedule: the recorded final rate is the one a replay of the epoch-end losses gives.
        let plateau = try TrainJob.run(try Self.spec(#"""
        "steps": 300, "learning_rate": 0.05, "lr_schedule": {"type": "reduce_on_plateau", "factor": 0.5, "patience": 1, "threshold": 0.2, "steps_per_epoch": 10}
        """#))
        let pl = try plateau.arrays.first { $0.name == "loss" }!.array.asDoubles()
        var scheduler = ReduceLROnPlateau(factor: 0.5, patience: 1, threshold: 0.2), lr = 0.05
        for s in stride(from: 10, to: 300, by: 10) { lr = scheduler.step(pl[s], learningRate: lr) }
        #expect(lr < 0.05 && plateau.finalLearningRate == lr && plateau.config["final_learning_rate"] as? Double == lr)
        // config.json stays serialisable with the new entries.
        for outcome in [early, timed, plateau] { #expect(throws: Never.self) { _ = try ConfigReader.jsonData(outcome.config) } }
    }
}
