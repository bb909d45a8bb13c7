/// How the trainer changes the optimizer's learning rate during a run.
public enum LearningRateSchedule: Sendable, Equatable {
    /// The learning rate stays `Optimizer.learningRate`.
    case constant
    /// PyTorch's `ReduceLROnPlateau`, stepped once per epoch of `stepsPerEpoch` updates.
    ///
    /// The trainer calls `scheduler.step` at every step s ≥ 1 with s a multiple of `stepsPerEpoch`, before the update
    /// that follows it, with the loss of step s: the loss (penalties included, as in `TrainingRun.losses`) of the model
    /// after s updates, i.e. the loss at the end of the epoch, for full-batch and population sources the exact training
    /// loss, for minibatch sources the loss of the minibatch drawn at step s. The new rate applies from update s + 1 on.
    /// The step a run stops at is not fed (no update follows it).
    case reduceOnPlateau(ReduceLROnPlateau, stepsPerEpoch: Int)
}

/// `torch.optim.lr_scheduler.ReduceLROnPlateau` in mode `min`, with PyTorch's exact update rule.
///
/// Per `step(metric)`: the metric is *better* when `metric < best·(1 − threshold)` (`rel`) or
/// `metric < best − threshold` (`abs`), with `best` initially +∞; better resets the bad-epoch count and becomes
/// `best`, otherwise the count grows by one. During a cooldown the cooldown counter drops by one and the bad-epoch
/// count is zeroed. When the count exceeds `patience` the rate becomes `max(lr·factor, minLR)` — applied only if that
/// lowers it by more than `eps` — the cooldown counter is set to `cooldown`, and the count is zeroed.
public struct ReduceLROnPlateau: Sendable, Equatable {
    /// How an improvement over the best metric is measured.
    public enum ThresholdMode: String, Sendable, CaseIterable {
        /// Relative: better when `metric < best · (1 − threshold)`.
        case rel
        /// Absolute: better when `metric < best − threshold`.
        case abs
    }

    /// Multiplier applied to the rate on a plateau (0 ≤ factor < 1).
    public let factor: Double
    /// Epochs without improvement tolerated before the rate is reduced.
    public let patience: Int
    /// Minimum significant improvement.
    public let threshold: Double
    /// Relative or absolute improvement.
    public let thresholdMode: ThresholdMode
    /// Epochs to wait after a reduction before counting bad epochs again.
    public let cooldown: Int
    /// Lower bound on the rate.
    public let minLR: Double
    /// Smallest reduction that is applied.
    public let eps: Double
    /// Best metric so far (+∞ before the first step).
    public private(set) var best = Double.infinity
    /// Consecutive epochs without improvement (PyTorch's `num_bad_epochs`).
    public private(set) var badEpochs = 0
    /// Remaining cooldown epochs (PyTorch's `cooldown_counter`).
    public private(set) var cooldownCounter = 0

    /// A scheduler with PyTorch's parameters and defaults.
    public init(factor: Double = 0.1, patience: Int = 10, threshold: Double = 1e-4, thresholdMode: ThresholdMode = .rel,
                cooldown: Int = 0, minLR: Double = 0, eps: Double = 1e-8) {
        precondition(factor >= 0 && factor < 1, "ReduceLROnPlateau factor must be in [0, 1)")
        precondition(patience >= 0 && cooldown >= 0, "patience and cooldown must be ≥ 0")
        precondition(threshold >= 0 && minLR >= 0 && eps >= 0, "threshold, min_lr and eps must be ≥ 0")
        self.factor = factor
        self.patience = patience
        self.threshold = threshold
        self.thresholdMode = thresholdMode
        self.cooldown = cooldown
        self.minLR = minLR
        self.eps = eps
    }

    /// PyTorch's `is_better` in mode `min`.
    public func isBetter(_ metric: Double, than best: Double) -> Bool {
        switch thresholdMode {
        case .rel: return metric < best * (1 - threshold)
        case .abs: return metric < best - threshold
        }
    }

    /// Feeds one epoch's `metric` and returns the learning rate to use from now on, given the current `learningRate`.
    public mutating func step(_ metric: Double, learningRate: Double) -> Double {
        if isBetter(metric, than: best) {
            best = metric
            badEpochs = 0
        } else {
            badEpochs += 1
        }
        if cooldownCounter > 0 {
            cooldownCounter -= 1
            badEpochs = 0
        }
        var lr = learningRate
        if badEpochs > patience {
            let reduced = max(learningRate * factor, minLR)
            if learningRate - reduced > eps { lr = reduced }
            cooldownCounter = cooldown
            badEpochs = 0
        }
        return lr
    }
}
