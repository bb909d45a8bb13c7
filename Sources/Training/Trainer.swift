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

/// Why a run ended.
public enum StopReason: Sendable, Equatable {
    /// All requested steps ran.
    case completed
    /// The run diverged at `step`; the model returned is the last good state (from step − 1).
    case diverged(step: Int, diagnostic: String)

    /// True for `.diverged`.
    public var isDivergence: Bool { if case .diverged = self { return true } else { return false } }
}

/// Everything needed to train: step count, optimizer, penalties, divergence limits, snapshot schedule.
public struct TrainingOptions: Sendable {
    /// Number of parameter updates.
    public var steps: Int
    /// Update rule and step size.
    public var optimizer: Optimizer
    /// Penalties added to the loss.
    public var regularizers: [any Regularizer]
    /// Divergence limits.
    public var divergence: DivergenceGuard
    /// Progress callback `(step, loss)`, called about 200 times per run; nil for none.
    public var progress: (@Sendable (Int, Double) -> Void)?

    /// Options for `steps` updates with `optimizer`.
    public init(steps: Int, optimizer: Optimizer, regularizers: [any Regularizer] = [],
                divergence: DivergenceGuard = DivergenceGuard(), progress: (@Sendable (Int, Double) -> Void)? = nil) {
        precondition(steps >= 0, "steps must be ≥ 0")
        self.steps = steps
        self.optimizer = optimizer
        self.regularizers = regularizers
        self.divergence = divergence
        self.progress = progress
    }
}

/// The outcome of a training run.
public struct TrainingRun<Model: DifferentiableModel> {
    /// The trained model (the last good state if the run diverged).
    public var model: Model
    /// Loss (including penalties) before each update, and after the last one: `steps + 1` values on completion.
    public var losses: [Double]
    /// Snapshots.
    public var recording: Recording
    /// Why the run ended.
    public var stop: StopReason
}

/// Runs first-order training loops. The loop itself allocates nothing: gradients, workspaces, optimizer state
/// and the last-good-state copy are preallocated.
public enum Trainer {
    /// Trains `model` with gradients from `source`, recording with `recorder`.
    public static func train<S: GradientSource>(
        _ model: S.Model, source: inout S, options: TrainingOptions, recorder: inout Recorder<S.Model>
    ) -> TrainingRun<S.Model> {
        var model = model
        var optimizer = options.optimizer
        var gradients = model.parameters.map { Matrix(rows: $0.rows, cols: $0.cols) }
        var lastGood = model.parameters
        var losses = [Double]()
        losses.reserveCapacity(options.steps + 1)
        recorder.begin(totalSteps: options.steps)
        let reportEvery = max(1, options.steps / 200)
        var initialLoss = Double.nan
        var stop = StopReason.completed

        for step in 0...options.steps {
            var loss = source.lossAndGradient(model, step: step, into: &gradients)
            for r in options.regularizers { loss += r.apply(to: model, gradients: &gradients) }
            if step == 0 { initialLoss = loss }
            if let problem = diagnose(loss: loss, initialLoss: initialLoss, state: source.maxAbsState,
                                      gradients: gradients, limits: options.divergence) {
                stop = .diverged(step: step, diagnostic: problem)
                if step > 0 { model.setParameters(lastGood) }
                break
            }
            losses.append(loss)
            if recorder.wants(step) { recorder.record(step: step, loss: loss, model: model) }
            if let progress = options.progress, step % reportEvery == 0 || step == options.steps { progress(step, loss) }
            if step == options.steps { break }
            model.forEachParameter { i, w in
                lastGood[i].storage.withUnsafeMutableBufferPointer { d in
                    w.storage.withUnsafeBufferPointer { d.baseAddress!.update(from: $0.baseAddress!, count: $0.count) }
                }
            }
            optimizer.step(&model, gradients: gradients)
        }
        return TrainingRun(model: model, losses: losses, recording: recorder.recording, stop: stop)
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
