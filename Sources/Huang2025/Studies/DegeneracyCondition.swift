import Analysis
import Linalg
import Tasks

/// One of the degeneracy paper's four tasks with its knobs.
public enum DegeneracyTask: Sendable, Equatable {
    case flipFlop(FlipFlopTask)
    case delayedDiscrimination(DelayedDiscriminationTask)
    case sineWave(SineWaveTask)
    case pathIntegration(PathIntegrationTask)

    /// The task.
    public var task: any NeuroscienceTask {
        switch self {
        case let .flipFlop(t): t
        case let .delayedDiscrimination(t): t
        case let .sineWave(t): t
        case let .pathIntegration(t): t
        }
    }

    /// The snake_case key of the task (`flip_flop`, …): dataset key prefix and stream-node name.
    public var key: String {
        switch self {
        case .flipFlop: "flip_flop"
        case .delayedDiscrimination: "delayed_discrimination"
        case .sineWave: "sine_wave"
        case .pathIntegration: "path_integration"
        }
    }

    /// The knob the paper's Fig. 3 turns: channels N for flip-flop, discrimination and sine, D for path integration.
    public var complexityName: String {
        if case .pathIntegration = self { return "dimension" }
        return "channels"
    }

    /// The same task with its Fig. 3 complexity knob at `level` (channels, or the path-integration dimension).
    public func withComplexity(_ level: Int) -> DegeneracyTask {
        switch self {
        case var .flipFlop(t): t.channels = level; return .flipFlop(t)
        case var .delayedDiscrimination(t): t.channels = level; return .delayedDiscrimination(t)
        case var .sineWave(t): t.channels = level; return .sineWave(t)
        case var .pathIntegration(t): t.dimension = level; return .pathIntegration(t)
        }
    }
}

/// One condition of a degeneracy study: a task variant and how its networks train, with its place on the knob axis.
/// Every seed of a condition trains the same recipe from its own initialisation and trial stream.
public struct DegeneracyCondition: Sendable, Equatable {
    /// The family the condition belongs to (the dataset key prefix, e.g. the task key `flip_flop`).
    public var group: String
    /// The knob's name (`channels`, `delay`, `gamma`, …: the x label and part of the stream node).
    public var knob: String
    /// The knob value (x axis of the trend plots).
    public var level: Double
    /// The task variant.
    public var task: DegeneracyTask
    /// Network and training recipe.
    public var training: DegeneracyTraining

    /// The condition's node of the seed tree (`flip_flop-channels-3`): its probe trials and its seeds hang below.
    public var node: String { "\(group)-\(knob)-\(Huang2025.label(level))" }
}

/// What every condition's networks are measured on, and how they are compared.
public struct DegeneracyMeasurement: Sendable {
    /// Fresh trials of the final train-MSE evaluation and of the OOD evaluation (each).
    public var evalTrials: Int
    /// Probe trials (shared by the seeds of a condition) whose hidden trajectories DSA compares.
    public var probeTrials: Int
    /// Steps of each probe trajectory DSA uses (the first ones; at most the trial length).
    public var probeSteps: Int
    /// Probe trials of the NTK kernel alignment (the first ones; 0 skips it).
    public var kernelTrials: Int
    /// DSA settings (HAVOK DMD and the PAVF refit rule).
    public var dsa: DynamicalSimilarity.Options
    /// PIF solver settings (random starts draw from per-pair nodes).
    public var pifRandomStarts: Int
    /// Seed-bootstrap resamples and the fraction of them a trend must show to hold.
    public var bootstrapResamples: Int, holdFraction: Double
}
