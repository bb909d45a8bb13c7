import Foundation

/// Why a run ended.
public enum StopReason: Sendable, Equatable {
    /// All requested steps ran (the maximum-step rule, `TrainingOptions.steps`).
    case completed
    /// The run diverged at `step`; the model returned is the last good state (from step − 1).
    case diverged(step: Int, diagnostic: String)
    /// The loss stayed at or below `StoppingRules.lossThreshold` for the whole patience window, which ended at `step`.
    case lossThreshold(step: Int)
    /// The wall-time budget was used up: `seconds` had elapsed when the loss of `step` was known.
    case wallTime(step: Int, seconds: Double)
    /// The loss changed by at most `StoppingRules.stationaryTolerance` between two checks, the second at `step`.
    case stationary(step: Int)

    /// True for `.diverged`.
    public var isDivergence: Bool { if case .diverged = self { return true } else { return false } }

    /// The step the run stopped at (updates applied to the returned model, plus one for a divergence); nil for
    /// `.completed`, which stops at `TrainingOptions.steps`.
    public var step: Int? {
        switch self {
        case .completed: return nil
        case let .diverged(step, _), let .lossThreshold(step), let .wallTime(step, _), let .stationary(step): return step
        }
    }
}

/// How many further steps the loss must stay at or below the threshold before a run stops.
public enum Patience: Sendable, Equatable {
    /// `n` steps.
    case steps(Int)
    /// `n` epochs of `stepsPerEpoch` steps each, i.e. `n × stepsPerEpoch` steps.
    case epochs(Int, stepsPerEpoch: Int)

    /// The patience in steps.
    public var steps: Int {
        switch self {
        case let .steps(n): return n
        case let .epochs(n, perEpoch): return n * perEpoch
        }
    }
}

/// Early-stopping rules on top of the maximum step count `TrainingOptions.steps`; the defaults stop only there.
///
/// With a `lossThreshold`, a run whose loss (penalties included, as in `TrainingRun.losses`; the task loss alone
/// with `thresholdOnTaskLoss`, so a penalty cannot keep a run that fits its task from stopping) first drops to or below
/// the threshold at step s₀ keeps training for `patience` more steps and stops at step s₀ + patience, provided every
/// loss in between stays at or below the threshold; a loss above it resets the count, and the next loss at or below
/// it starts a new window. Patience 0 stops at the first step whose loss is at or below the threshold.
///
/// With `wallTimeSeconds`, the run stops at the first step s ≥ 1 whose loss is known when at least that much time
/// (`ContinuousClock`, monotonic, measured from the start of `Trainer.train`) has elapsed, so at least one update
/// always runs: a budget of 0 stops at step 1.
///
/// With `stationaryTolerance`, a run stops at a check step when its loss differs from the loss at the previous
/// check step by at most the tolerance (a stalled run). Checks of the threshold and stationary rules happen at the
/// steps that are multiples of `checkEvery` (every step by default); the first stationary comparison is at step
/// 2 × `checkEvery`, against step `checkEvery`.
///
/// When several rules fire at the same step the reason reported is, in order: divergence, loss threshold,
/// stationary loss, maximum steps (`.completed`), wall time.
public struct StoppingRules: Sendable, Equatable {
    /// Stop once the loss has stayed at or below this for `patience` steps; nil for no threshold.
    public var lossThreshold: Double?
    /// Steps (or epochs) the loss must stay at or below `lossThreshold`.
    public var patience: Patience
    /// Wall-time budget in seconds; nil for none.
    public var wallTimeSeconds: Double?
    /// Stop when the loss changes by at most this between two check steps; nil for no such rule.
    public var stationaryTolerance: Double?
    /// The threshold and stationary rules are checked at multiples of this many steps.
    public var checkEvery: Int
    /// The threshold and stationary rules see the task loss (`TrainingRun.taskLosses`) instead of the total.
    public var thresholdOnTaskLoss: Bool = false

    /// Rules with an optional loss threshold (and patience), stationary-loss tolerance and wall-time budget,
    /// checked every `checkEvery` steps; the defaults add none.
    public init(lossThreshold: Double? = nil, patience: Patience = .steps(0), wallTimeSeconds: Double? = nil,
                stationaryTolerance: Double? = nil, checkEvery: Int = 1) {
        precondition(checkEvery >= 1, "checkEvery must be ≥ 1")
        if let s = stationaryTolerance { precondition(s >= 0, "stationary tolerance must be ≥ 0") }
        self.stationaryTolerance = stationaryTolerance
        self.checkEvery = checkEvery
        if let t = lossThreshold { precondition(!t.isNaN, "loss threshold must not be NaN") }
        switch patience {
        case let .steps(n): precondition(n >= 0, "patience must be ≥ 0 steps")
        case let .epochs(n, perEpoch): precondition(n >= 0 && perEpoch >= 1, "patience must be ≥ 0 epochs of ≥ 1 step")
        }
        if let w = wallTimeSeconds { precondition(w >= 0, "wall-time budget must be ≥ 0 s") }
        self.lossThreshold = lossThreshold
        self.patience = patience
        self.wallTimeSeconds = wallTimeSeconds
    }

    /// No early stopping: runs end at the maximum step count (or on divergence).
    public static let none = StoppingRules()
}

/// Applies `StoppingRules` and the maximum step count during a run; allocation-free.
struct StopMonitor {
    let rules: StoppingRules
    let maxSteps: Int
    let patienceSteps: Int
    let clock = ContinuousClock()
    let start: ContinuousClock.Instant
    /// First step of the current run of losses at or below the threshold, or −1.
    private var windowStart = -1
    /// The loss at the previous positive check step (NaN before the first).
    private var previousCheck = Double.nan

    /// Starts the wall clock now.
    init(rules: StoppingRules, maxSteps: Int) {
        self.rules = rules
        self.maxSteps = maxSteps
        self.patienceSteps = rules.patience.steps
        self.start = clock.now
    }

    /// Why the run should stop after the loss of `step` is known, or nil to continue.
    mutating func check(step: Int, loss: Double) -> StopReason? {
        let checks = step % rules.checkEvery == 0
        if checks, let threshold = rules.lossThreshold {
            if loss <= threshold {
                if windowStart < 0 { windowStart = step }
                if step - windowStart >= patienceSteps { return .lossThreshold(step: step) }
            } else {
                windowStart = -1
            }
        }
        if checks, step >= rules.checkEvery, let tolerance = rules.stationaryTolerance {
            defer { previousCheck = loss }
            if abs(previousCheck - loss) <= tolerance { return .stationary(step: step) }
        }
        if step >= maxSteps { return .completed }
        if let budget = rules.wallTimeSeconds, step >= 1 {
            let elapsed = Self.seconds(clock.now - start)
            if elapsed >= budget { return .wallTime(step: step, seconds: elapsed) }
        }
        return nil
    }

    static func seconds(_ d: Duration) -> Double {
        let c = d.components
        return Double(c.seconds) + Double(c.attoseconds) * 1e-18
    }
}
