import Analysis
import Linalg
import Tasks

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
    public var task: NeuroscienceTaskChoice
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
