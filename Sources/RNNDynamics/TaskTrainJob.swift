import Analysis
import DataIO
import Foundation
import Linalg
import Networks
import Report
import SequenceData
import Tasks
import Training

/// `rnndyn train` for the task-trained networks (`tanh_rnn`, `leaky_rate_rnn`): trains on a neuroscience task's fresh
/// trials every step (`FreshTrialGradient`), or on a recorded task, with the network loss equal to the task's masked
/// MSE (`TaskBatch.trainingSequences`), then evaluates the trained network.
///
/// Random-stream nodes under the root of `seed` (RandomStreams paths): `init` (the network's blocks), `noise`
/// (process and input noise), `trials/<s>` (the trials of step s), `evaluation` (the final evaluation batch,
/// `data.eval_trials` fresh trials) and `ood` (as many trials of the task's `outOfDistribution()`: doubled delay for
/// delayed discrimination, doubled T otherwise). A recorded task draws its step batches of `training.batch_size`
/// distinct trials from `trials/<s>` (0: all trials every step) and is evaluated on all its trials and OOD trials.
///
/// Extra `results.npz` keys (scalars): `eval_mse`, the masked MSE of the trained network on the evaluation batch (the
/// paper's train MSE); `ood_mse`, the same on the OOD batch (absent for a recorded task without OOD trials);
/// `loss_threshold`, the task's threshold. Extra `config.json` keys: `task` and `ood_task` (the tasks' parameters),
/// `evaluation` (trial counts, both MSEs, the threshold, whether eval_mse reached it, the stream nodes), and for
/// leaky_rate_rnn `parameterization` (multipliers, init scales, the Adam rates, `ParameterScales.metadata`); the probe
/// records of `TaskProbeRecord` (`probe_*`, `weight_change*`, `kernel_*`; stream node `probe`, a recorded task's first
/// `data.probe_trials` trials) and their `config.json` record `feature_learning`.
enum TaskTrainJob {
    /// What the final evaluation runs on.
    struct Evaluation {
        var trials: TaskBatch
        /// Probe trials of the trajectory and NTK records (`TaskProbeRecord`).
        var probe: TaskBatch
        var ood: TaskBatch?
        var oodTask: [String: TaskParameter]?
    }

    static func run(_ spec: TrainSpec, notice: (String) -> Void, progress: (@Sendable (Int, Double) -> Void)?) throws -> TrainOutcome {
        let clock = ContinuousClock.now
        let root = RandomStreams(seed: spec.seed)
        switch spec.data {
        case let .task(choice, batchSize, evalTrials):
            let task = choice.task
            let ood = try task.outOfDistribution()
            try admit(TrainResources(taskNetwork: spec, timeSteps: task.timeSteps, inputs: task.inputDimension,
                                     outputs: task.outputDimension, batch: batchSize,
                                     evaluationColumns: evalTrials * (task.timeSteps + ood.timeSteps)), notice)
            BLAS.setThreads(1)
            let evaluation = Evaluation(trials: try task.batch(size: evalTrials, streams: root.child("evaluation")),
                                        probe: try task.batch(size: spec.probeTrials, streams: root.child("probe")),
                                        ood: try ood.batch(size: evalTrials, streams: root.child("ood")),
                                        oodTask: ood.parameters)
            return try train(task, spec, batchSize: batchSize, evaluation: evaluation, root: root, started: clock,
                             progress: progress)
        case let .recordedTask(path, inputs, targets, mask):
            let task = try loadRecorded(path: path, inputs: inputs, targets: targets, mask: mask)
            let p = task.trials.samples
            if spec.batchSize > p {
                throw ConfigError(key: "config.training.batch_size", "\(spec.batchSize) exceeds the \(p) recorded trials (allowed: 0…\(p), 0 = all every step)")
            }
            try admit(TrainResources(taskNetwork: spec, timeSteps: task.timeSteps, inputs: task.inputDimension,
                                     outputs: task.outputDimension, batch: spec.batchSize == 0 ? p : spec.batchSize,
                                     evaluationColumns: p * task.timeSteps + (task.oodTrials.map { $0.samples * $0.timeSteps } ?? 0)),
                      notice)
            BLAS.setThreads(1)
            let evaluation = Evaluation(trials: task.trials, probe: try task.trials.firstTrials(min(spec.probeTrials, p)),
                                        ood: task.oodTrials,
                                        oodTask: task.oodTrials == nil ? nil : try task.outOfDistribution().parameters)
            return try train(task, spec, batchSize: spec.batchSize, evaluation: evaluation, root: root, started: clock,
                             progress: progress)
        default:
            preconditionFailure("TrainSpec gives the task networks task or recorded-task data only")
        }
    }

    static func admit(_ need: TrainResources, _ notice: (String) -> Void) throws {
        try need.requireMemory()
        if let note = need.timeNote { notice(note) }
    }

    /// The recorded task of an .npz; a problem is a one-line `ConfigError` at the data key it concerns.
    static func loadRecorded(path: String, inputs: String, targets: String, mask: String) throws -> RecordedTask {
        let url = URL(fileURLWithPath: path)
        do {
            let names = try NPZ.readDictionary(from: url).keys
            if mask != "mask" && !names.contains(mask) {
                throw ConfigError(key: "config.data.mask", "no array '\(mask)' in \(path) (allowed: \(names.sorted().joined(separator: ", ")))")
            }
            return try TaskNPZ.readTask(from: url, name: "recorded", inputs: inputs, targets: targets, mask: mask)
        } catch let e as ConfigError {
            throw e
        } catch let e as TaskError {
            throw ConfigError(key: "config.data.path", "\(path): \(e)")
        } catch {
            throw ConfigError(key: "config.data.path", "cannot read '\(path)': \(error)")
        }
    }

    /// Builds the network `spec` names for `task` and trains it.
    static func train<T: NeuroscienceTask>(_ task: T, _ spec: TrainSpec, batchSize: Int, evaluation: Evaluation,
                                           root: RandomStreams, started: ContinuousClock.Instant,
                                           progress: (@Sendable (Int, Double) -> Void)?) throws -> TrainOutcome {
        let r = spec.recurrent!
        let noise = r.noise(root.child("noise"))
        switch spec.model {
        case .tanhRNN:
            let net = TanhRNN.pytorchDefault(inputs: task.inputDimension, hidden: spec.hidden, outputs: task.outputDimension,
                                             secondBias: r.secondBias, learnedInitialState: r.learnInitialState,
                                             outputMode: spec.output, noise: noise, streams: root.child("init"))
            return try fit(net, task, spec, batchSize: batchSize, evaluation: evaluation, root: root, started: started,
                           extraConfig: [:], rates: false, quiet: { var q = $0; q.noise = .none; return q }, progress: progress)
        default:
            let parameterization = r.parameterization ?? .standard(learningRate: spec.learningRate)
            let net = LeakyRateRNN.random(inputs: task.inputDimension, width: spec.hidden, outputs: task.outputDimension,
                                          parameterization: parameterization, alpha: r.alpha,
                                          learnedInitialState: r.learnInitialState, outputMode: spec.output, noise: noise,
                                          streams: root.child("init"))
            return try fit(net, task, spec, batchSize: batchSize, evaluation: evaluation, root: root, started: started,
                           extraConfig: ["parameterization": net.scales.metadata], rates: true,
                           quiet: { var q = $0; q.noise = .none; return q }, progress: progress)
        }
    }

    /// Trains `net`, evaluates it and assembles the outcome.
    static func fit<M: ReadoutResidualNetwork & OutputJacobianModel & RecurrentBlockModel & HiddenTrajectoryModel,
                    T: NeuroscienceTask>(
        _ net: M, _ task: T, _ spec: TrainSpec, batchSize: Int, evaluation: Evaluation, root: RandomStreams,
        started: ContinuousClock.Instant, extraConfig: [String: Any], rates: Bool, quiet: (M) -> M,
        progress: (@Sendable (Int, Double) -> Void)?
    ) throws -> TrainOutcome {
        let options = TrainingOptions(steps: spec.steps, optimizer: Optimizer(spec.optimizer, learningRate: spec.learningRate),
                                      regularizers: TrainJob.regularizers(spec, M.self),
                                      divergence: DivergenceGuard(maxAbsState: spec.maxAbsState), stopping: spec.stopping,
                                      schedule: spec.schedule, clipGradNorm: spec.clipGradNorm, progress: progress)
        var recorder = Recorder<M>(schedule: .logSpaced(count: spec.recordPoints))
        let run: TrainingRun<M>
        if batchSize == 0 {
            var source = FullBatchGradient(batch: evaluation.trials.trainingSequences(readout: spec.output), model: net)
            run = Trainer.train(net, source: &source, options: options, recorder: &recorder)
        } else {
            let trials: TaskTrials<T>
            do { trials = try TaskTrials(task: task, batchSize: batchSize, readout: spec.output) } catch let e as TaskError {
                throw NeuroscienceTaskChoice.configError(e, prefix: "config.data")
            }
            var source = FreshTrialGradient(trials: trials, streams: root.child("trials"), model: net)
            run = Trainer.train(net, source: &source, options: options, recorder: &recorder)
        }

        func mse(_ b: TaskBatch) -> Double {
            b.maskedMSE(run.model.outputs(b.trainingSequences(readout: spec.output)), readout: spec.output)
        }
        let evalMSE = mse(evaluation.trials), oodMSE = evaluation.ood.map(mse)
        let threshold = task.lossThreshold
        var arrays: [(name: String, array: NumpyArray)] = [("eval_mse", NumpyArray(scalar: evalMSE))]
        if let oodMSE { arrays.append(("ood_mse", NumpyArray(scalar: oodMSE))) }
        arrays.append(("loss_threshold", NumpyArray(scalar: threshold)))
        let kernelTrials = min(spec.kernelTrials, evaluation.probe.samples)
        let probe = try TaskProbeRecord.measure(initial: net, final: run.model, probe: evaluation.probe,
                                                kernelTrials: kernelTrials, readout: spec.output, rates: rates, quiet: quiet)
        arrays += probe.arrays

        var record: [String: Any] = [
            "eval_trials": evaluation.trials.samples, "eval_mse": json(evalMSE), "loss_threshold": threshold,
            "reached_threshold": evalMSE <= threshold,
            "streams": ["init": "init", "noise": "noise", "trials": "trials/<step>", "evaluation": "evaluation", "ood": "ood"],
        ]
        if let oodMSE, let ood = evaluation.ood { record["ood_trials"] = ood.samples; record["ood_mse"] = json(oodMSE) }
        var config = extraConfig
        config["task"] = task.parameters.mapValues(json)
        if let oodTask = evaluation.oodTask { config["ood_task"] = oodTask.mapValues(json) }
        config["evaluation"] = record
        config["feature_learning"] = probe.config

        var line = String(format: "%@: eval MSE %.4g on %d trials (threshold %g: %@)", task.name, evalMSE,
                          evaluation.trials.samples, threshold, evalMSE <= threshold ? "reached" : "not reached")
        if let oodMSE, let ood = evaluation.ood {
            line += String(format: " · OOD MSE %.4g on %d trials (T = %d)", oodMSE, ood.samples, ood.timeSteps)
        }
        return try TrainJob.assemble(spec, arrays: arrays, losses: run.losses, penalties: run.penalties,
                                     recording: run.recording, finalBlocks: zip(M.parameterNames, run.model.parameters).map { ($0, $1) },
                                     stop: run.stop, finalLearningRate: run.finalLearningRate, summary: [line, probe.line],
                                     config: config, started: started)
    }

    /// A task parameter as a plain JSON value.
    static func json(_ p: TaskParameter) -> Any {
        switch p {
        case .int(let v): v
        case .double(let v): json(v)
        case .string(let v): v
        case .bool(let v): v
        }
    }

    /// A number for JSON (null when not finite, which JSON cannot hold).
    static func json(_ v: Double) -> Any { v.isFinite ? v : NSNull() }
}
