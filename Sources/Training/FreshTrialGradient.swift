import Linalg
import Networks
import SequenceData

/// Gradients on fresh trials at every step: step s draws a new batch from `trials` at the node `streams.child("s")`
/// (RandomStreams addressing, no seed arithmetic), so a run is bit-identical for a given node and the batch of any
/// step can be regenerated on its own.
///
/// `trials` is any `TrialSource` (`SequenceData`): `Tasks.TaskTrials` for the neuroscience tasks, whose loss weights
/// make the network loss the task's masked MSE. The batch and the model workspace are allocated once; what a draw
/// allocates is up to the source (see `TaskTrials`). The loss each step reports is that of the batch it drew.
public struct FreshTrialGradient<Model: DifferentiableModel, Trials: TrialSource>: GradientSource {
    /// The trial generator.
    public let trials: Trials
    /// The node whose child `"s"` supplies step s's trials.
    public let streams: RandomStreams
    /// The batch of the last step.
    public private(set) var batch: SequenceBatch
    private var workspace: Model.Workspace
    private let model: Model

    /// A source drawing from `trials` under `streams`, with buffers sized from `model`.
    public init(trials: Trials, streams: RandomStreams, model: Model) {
        self.trials = trials
        self.streams = streams
        self.batch = trials.makeBatch()
        self.workspace = model.makeWorkspace(for: batch)
        self.model = model
    }

    /// The node of step `step`'s trials.
    public func node(step: Int) -> RandomStreams { streams.child(String(step)) }

    public mutating func lossAndGradient(_ model: Model, step: Int, into gradients: inout [Matrix]) -> Double {
        trials.draw(from: node(step: step), into: &batch)
        let loss = model.lossAndGradient(batch, workspace: &workspace)
        model.withGradients(in: &workspace) { swap(&$0, &gradients) }
        return loss
    }

    public var maxAbsState: Double { model.maxAbsState(in: workspace) }
}
