import Analysis
import Linalg
import Networks
import SequenceData
import Tasks
import Training

/// One trained network of a degeneracy study (a (condition, seed) cell): whether it converged and why it stopped,
/// its losses, its final weights, its hidden trajectories on the condition's probe trials (and on fresh probe
/// trials for the DSA null), and its feature-learning measures.
public struct DegeneracyRun: Sendable {
    /// Seed index within the condition.
    public var seed: Int
    /// Why training stopped (`threshold`, `max_steps`, `diverged`).
    public var stopReason: String
    /// The stopping rule fired (the paper's "converged": threshold reached, then the patience epochs).
    public var converged: Bool
    /// Optimizer steps taken.
    public var steps: Int
    /// Masked MSE on fresh evaluation trials (the paper's train MSE) and on the OOD task's trials.
    public var evalMSE: Double, oodMSE: Double
    /// The final recurrent matrix as it acts on the state: W_h of the tanh network, J/N of the µP network (its
    /// multiplier applied, so widths compare like with like). PIF compares these.
    public var recurrent: Matrix
    /// Hidden states on the condition's probe trials, and on fresh probe trials of the null (same network).
    public var probe: TrialTrajectories, nullProbe: TrialTrajectories
    /// ‖W_h,T − W_h,0‖_F of the effective recurrent matrix, the same over all (raw) parameter blocks, and
    /// ‖ΔW_h‖_F ÷ ‖W_h,0‖_F.
    public var weightChange: Double, weightChangeTotal: Double, weightChangeRelative: Double
    /// KA(K_T, K_0) of the empirical NTK over all blocks on the first kernel trials (NaN without kernel trials).
    public var kernelAlignment: Double

    /// Trains seed `seed` of `condition` under the seed's node `streams` (streams `init`, `trials/<s>`,
    /// `evaluation`, `ood`); `probe` and `nullProbe` are the condition's shared probe batches.
    static func train(_ condition: DegeneracyCondition, seed: Int, measurement m: DegeneracyMeasurement,
                      probe: TaskBatch, nullProbe: TaskBatch, streams: RandomStreams) throws -> DegeneracyRun {
        let task = condition.task.task, recipe = condition.training
        BLAS.setThreads(1)
        switch initialNetwork(recipe, task, streams: streams) {
        case let .tanh(net):
            return try fit(net, task, recipe, seed: seed, measurement: m, probe: probe, nullProbe: nullProbe,
                           streams: streams, recurrentMultiplier: 1)
        case let .leaky(net):
            return try fit(net, task, recipe, seed: seed, measurement: m, probe: probe, nullProbe: nullProbe,
                           streams: streams, recurrentMultiplier: net.scales.recurrentMultiplier)
        }
    }

    /// A condition's network before training, of either kind.
    enum InitialNetwork {
        /// PyTorch-initialised tanh RNN (standard parameterization).
        case tanh(TanhRNN)
        /// µP leaky rate RNN.
        case leaky(LeakyRateRNN)
    }

    /// The recipe's network for `task`, initialised from stream `init` of `streams` (one place for cells and probes).
    static func initialNetwork(_ recipe: DegeneracyTraining, _ task: any NeuroscienceTask, streams: RandomStreams) -> InitialNetwork {
        switch recipe.network {
        case .tanh:
            return .tanh(TanhRNN.pytorchDefault(inputs: task.inputDimension, hidden: recipe.width, outputs: task.outputDimension,
                                                streams: streams.child("init")))
        case let .leakyMuP(alpha, gamma, eta0):
            return .leaky(LeakyRateRNN.random(inputs: task.inputDimension, width: recipe.width, outputs: task.outputDimension,
                                              parameterization: .muP(gamma: gamma, eta0: eta0), alpha: alpha, streams: streams.child("init")))
        }
    }

    private static func fit<M: ReadoutResidualNetwork & OutputJacobianModel & RecurrentBlockModel & HiddenTrajectoryModel>(
        _ initial: M, _ task: any NeuroscienceTask, _ recipe: DegeneracyTraining, seed: Int, measurement m: DegeneracyMeasurement,
        probe: TaskBatch, nullProbe: TaskBatch, streams: RandomStreams, recurrentMultiplier: Double
    ) throws -> DegeneracyRun {
        let run = try trainToThreshold(initial, task, recipe, streams: streams.child("trials"))
        let net = run.model
        func mse(_ b: TaskBatch) -> Double { b.maskedMSE(net.outputs(b.trainingSequences)) }
        let evaluation = try task.batch(size: m.evalTrials, streams: streams.child("evaluation"))
        let ood = try task.outOfDistribution().batch(size: m.evalTrials, streams: streams.child("ood"))
        let stop: String
        switch run.stop {
        case .lossThreshold: stop = "threshold"
        case .diverged: stop = "diverged"
        case .completed: stop = "max_steps"
        case .wallTime: stop = "wall_time"
        case .stationary: stop = "stationary"
        }
        let w0 = initial.parameters, wT = net.parameters
        let changes = WeightChange.norms(from: w0, to: wT)
        let r = M.recurrentBlock
        var alignment = Double.nan
        if m.kernelTrials > 0 {
            alignment = FeatureLearningSummary.measure(from: initial, to: net,
                                                       probe: try probe.firstTrials(m.kernelTrials).trainingSequences)
                .kernelAlignment
        }
        let recurrent = recurrentMultiplier == 1 ? wT[r] : recurrentMultiplier * wT[r]
        return DegeneracyRun(
            seed: seed, stopReason: stop, converged: stop == "threshold", steps: run.losses.count - 1,
            evalMSE: mse(evaluation), oodMSE: mse(ood), recurrent: recurrent,
            probe: try trajectories(net, probe, steps: m.probeSteps), nullProbe: try trajectories(net, nullProbe, steps: m.probeSteps),
            weightChange: changes[r] * recurrentMultiplier, weightChangeTotal: changes.reduce(0) { $0 + $1 * $1 }.squareRoot(),
            weightChangeRelative: changes[r] / w0[r].frobeniusNorm, kernelAlignment: alignment)
    }

    /// Trains `condition`'s network as its cell does under the seed's node `streams` (same initialisation, trials and
    /// threshold) for at most `maxSteps` steps, without measuring it (the estimate's probe): its steps and whether it
    /// stopped at the threshold.
    static func trainProbe(_ condition: DegeneracyCondition, maxSteps: Int, streams: RandomStreams) throws -> (steps: Int, converged: Bool) {
        var recipe = condition.training
        recipe.maxSteps = min(maxSteps, recipe.maxSteps)
        let task = condition.task.task, trials = streams.child("trials")
        let stop: StopReason, steps: Int
        switch initialNetwork(recipe, task, streams: streams) {
        case let .tanh(net):
            let run = try trainToThreshold(net, task, recipe, streams: trials)
            (stop, steps) = (run.stop, run.losses.count - 1)
        case let .leaky(net):
            let run = try trainToThreshold(net, task, recipe, streams: trials)
            (stop, steps) = (run.stop, run.losses.count - 1)
        }
        if case .lossThreshold = stop { return (steps, true) }
        return (steps, false)
    }

    /// Adam on fresh trials of `task` (the opened existential) under the recipe.
    private static func trainToThreshold<M: ReadoutResidualNetwork & RecurrentBlockModel, T: NeuroscienceTask>(
        _ initial: M, _ task: T, _ recipe: DegeneracyTraining, streams: RandomStreams
    ) throws -> TrainingRun<M> {
        var source = FreshTrialGradient(trials: try TaskTrials(task: task, batchSize: recipe.batchSize), streams: streams, model: initial)
        var recorder = Recorder<M>(schedule: .logSpaced(count: 2))
        return Trainer.train(initial, source: &source, options: recipe.options(M.self), recorder: &recorder)
    }

    /// The first `steps` hidden states of every trial of `batch`, in DSA's [trials, steps, units] layout.
    static func trajectories<M: HiddenTrajectoryModel>(_ net: M, _ batch: TaskBatch, steps: Int) throws -> TrialTrajectories {
        let h = net.hiddenTrajectories(batch.trainingSequences)
        let t = min(steps, h.timeSteps), n = h.hiddenDimension
        var values = [Double](repeating: 0, count: h.samples * t * n)
        for k in 0..<h.samples {
            for s in 0..<t {
                for i in 0..<n { values[(k * t + s) * n + i] = h.states.storage[i + (s * h.samples + k) * n] }
            }
        }
        return try TrialTrajectories(trials: h.samples, steps: t, units: n, values: values)
    }
}
