import Foundation
import Linalg
import Networks

/// When a run counts as diverged.
public struct DivergenceGuard: Sendable, Equatable {
    /// Largest allowed |hidden state| entry.
    public var maxAbsState: Double
    /// Largest allowed loss, as a multiple of the initial loss (plus 1, so a zero initial loss is handled).
    public var maxLossRatio: Double

    /// Limits: states up to `maxAbsState`, losses up to `maxLossRatio × (initial loss + 1)`.
    public init(maxAbsState: Double = 1e12, maxLossRatio: Double = 1e12) {
        self.maxAbsState = maxAbsState
        self.maxLossRatio = maxLossRatio
    }
}

/// Everything needed to train: step count, optimizer, penalties, divergence limits, stopping rules, learning-rate
/// schedule and gradient clipping.
public struct TrainingOptions: Sendable {
    /// Maximum number of parameter updates (the run ends there unless it stops earlier).
    public var steps: Int
    /// Update rule and step size.
    public var optimizer: Optimizer
    /// Penalties added to the loss.
    public var regularizers: [any Regularizer]
    /// Divergence limits.
    public var divergence: DivergenceGuard
    /// Early stopping: loss threshold with patience, wall-time budget (none by default).
    public var stopping: StoppingRules
    /// Learning-rate schedule (constant by default).
    public var schedule: LearningRateSchedule
    /// Global L2 gradient-norm bound applied before each update (`GradientClipping.clipGlobalNorm`); nil for none.
    public var clipGradNorm: Double?
    /// Progress callback `(step, loss)`, called about 200 times per run; nil for none.
    public var progress: (@Sendable (Int, Double) -> Void)?

    /// Options for at most `steps` updates with `optimizer`.
    public init(steps: Int, optimizer: Optimizer, regularizers: [any Regularizer] = [],
                divergence: DivergenceGuard = DivergenceGuard(), stopping: StoppingRules = .none,
                schedule: LearningRateSchedule = .constant, clipGradNorm: Double? = nil,
                progress: (@Sendable (Int, Double) -> Void)? = nil) {
        precondition(steps >= 0, "steps must be ≥ 0")
        if case let .reduceOnPlateau(_, perEpoch) = schedule { precondition(perEpoch >= 1, "steps per epoch must be ≥ 1") }
        if let c = clipGradNorm { precondition(c > 0 && c.isFinite, "clipGradNorm must be finite and > 0") }
        self.steps = steps
        self.optimizer = optimizer
        self.regularizers = regularizers
        self.divergence = divergence
        self.stopping = stopping
        self.schedule = schedule
        self.clipGradNorm = clipGradNorm
        self.progress = progress
    }
}

/// The outcome of a training run.
public struct TrainingRun<Model: DifferentiableModel> {
    /// The trained model (the last good state if the run diverged).
    public var model: Model
    /// Loss (including penalties) before each update, and after the last one: `s + 1` values for a run that stopped
    /// at step s (`steps + 1` on completion), `s` for one that diverged at step s. Each is the task loss plus
    /// `penalties` at the same step, rounded once.
    public var losses: [Double]
    /// The summed regularizer penalty at each step of `losses` (all 0 without regularizers).
    public var penalties: [Double]
    /// Snapshots (the step a run stops at is always recorded, except on divergence).
    public var recording: Recording
    /// Why the run ended.
    public var stop: StopReason
    /// The learning rate of the last update (the initial one if no update ran); differs from the initial rate only
    /// under a learning-rate schedule.
    public var finalLearningRate: Double

    /// The task loss at each step of `losses`: `losses − penalties` (exactly `losses` without regularizers; with
    /// them, the task loss up to one rounding of the sum).
    public var taskLosses: [Double] { zip(losses, penalties).map { $0 - $1 } }
}

/// Runs first-order training loops. The loop itself allocates nothing: gradients, workspaces, optimizer state
/// and the last-good-state copy are preallocated, and the loss history is reserved for `steps + 1` values up to
/// `lossReservationLimit` (beyond that it grows geometrically, a few reallocations over a very long run).
///
/// Per step s: loss and gradient from the source, plus penalties (total = task loss + Σ penalties, with the penalty
/// sum kept as its own series); the divergence check; the stopping rules (`StoppingRules`, maximum steps, both on the
/// total loss); at epoch ends the learning-rate schedule; gradient clipping; the update.
public enum Trainer {
    /// Most loss values reserved up front (8 MiB).
    public static let lossReservationLimit = 1 << 20

    /// Trains `model` with gradients from `source`, recording with `recorder`.
    public static func train<S: GradientSource>(
        _ model: S.Model, source: inout S, options: TrainingOptions, recorder: inout Recorder<S.Model>
    ) -> TrainingRun<S.Model> {
        var model = model
        var optimizer = options.optimizer
        var gradients = model.parameters.map { Matrix(rows: $0.rows, cols: $0.cols) }
        var lastGood = model.parameters
        var losses = [Double](), penalties = [Double]()
        // Bounded: a large step budget with early stopping must not reserve memory it never uses.
        losses.reserveCapacity(min(options.steps, lossReservationLimit) + 1)
        penalties.reserveCapacity(min(options.steps, lossReservationLimit) + 1)
        recorder.begin(totalSteps: options.steps)
        let reportEvery = max(1, options.steps / 200)
        var initialLoss = Double.nan
        var stop = StopReason.completed
        var plateau: ReduceLROnPlateau?, stepsPerEpoch = 1
        if case let .reduceOnPlateau(scheduler, perEpoch) = options.schedule { (plateau, stepsPerEpoch) = (scheduler, perEpoch) }
        var monitor = StopMonitor(rules: options.stopping, maxSteps: options.steps)

        for step in 0...options.steps {
            let taskLoss = source.lossAndGradient(model, step: step, into: &gradients)
            var penalty = 0.0
            for r in options.regularizers { penalty += r.apply(to: model, gradients: &gradients) }
            let loss = taskLoss + penalty
            if step == 0 { initialLoss = loss }
            if let problem = diagnose(loss: loss, initialLoss: initialLoss, state: source.maxAbsState,
                                      gradients: gradients, limits: options.divergence) {
                stop = .diverged(step: step, diagnostic: problem)
                if step > 0 { model.setParameters(lastGood) }
                break
            }
            losses.append(loss)
            penalties.append(penalty)
            let reason = monitor.check(step: step, loss: options.stopping.thresholdOnTaskLoss ? taskLoss : loss)
            if recorder.wants(step) || (reason != nil && recorder.recording.steps.last != step) {
                recorder.record(step: step, loss: loss, penalty: penalty, model: model)
            }
            if let progress = options.progress, step % reportEvery == 0 || reason != nil { progress(step, loss) }
            if let reason { stop = reason; break }
            if var scheduler = plateau, step % stepsPerEpoch == 0, step > 0 {
                optimizer.learningRate = scheduler.step(loss, learningRate: optimizer.learningRate)
                plateau = scheduler
            }
            if let maxNorm = options.clipGradNorm { GradientClipping.clipGlobalNorm(&gradients, maxNorm: maxNorm) }
            model.forEachParameter { i, w in
                lastGood[i].storage.withUnsafeMutableBufferPointer { d in
                    w.storage.withUnsafeBufferPointer { d.baseAddress!.update(from: $0.baseAddress!, count: $0.count) }
                }
            }
            optimizer.step(&model, gradients: gradients)
        }
        return TrainingRun(model: model, losses: losses, penalties: penalties, recording: recorder.recording, stop: stop,
                           finalLearningRate: optimizer.learningRate)
    }

    /// Trains on samples: full-batch gradients when `batchSize` is 0, else minibatches of `batchSize` drawn from `rng`.
    public static func train<M: DifferentiableModel>(
        _ model: M, on batch: SequenceBatch, batchSize: Int, rng: Xoshiro256, options: TrainingOptions,
        recorder: inout Recorder<M>
    ) -> TrainingRun<M> {
        if batchSize > 0 {
            var source = MinibatchGradient(data: batch, batchSize: batchSize, model: model, rng: rng)
            return train(model, source: &source, options: options, recorder: &recorder)
        }
        var source = FullBatchGradient(batch: batch, model: model)
        return train(model, source: &source, options: options, recorder: &recorder)
    }

    /// A one-line reason the state at this step is unusable, or nil.
    static func diagnose(loss: Double, initialLoss: Double, state: Double, gradients: [Matrix],
                         limits: DivergenceGuard) -> String? {
        if !loss.isFinite { return "loss became \(loss)" }
        if !(state <= limits.maxAbsState) { return "hidden state exploded: max |h| = \(state) > \(limits.maxAbsState)" }
        if loss > limits.maxLossRatio * (initialLoss + 1) {
            return "loss exploded: \(loss) > \(limits.maxLossRatio) × (initial loss \(initialLoss) + 1)"
        }
        for (i, g) in gradients.enumerated() where !g.isFinite { return "gradient block \(i) is not finite" }
        return nil
    }
}
