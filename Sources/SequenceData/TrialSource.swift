import Linalg

/// A generator of fresh training batches, one per `RandomStreams` node: the same node gives a bit-identical batch.
///
/// Layering: this protocol lives in `SequenceData`, the data vocabulary that both `Tasks` and `Training` already
/// import. `Tasks` conforms to it (`TaskTrials` draws a neuroscience task's trials) and `Training` consumes it
/// (`FreshTrialGradient` draws a batch per step), so neither of those two modules imports the other; the
/// application layer (`RNNDynamics`) wires a task to the trainer.
public protocol TrialSource: Sendable {
    /// An empty batch of the shape every draw has (inputs, targets, loss weights), to size buffers once.
    func makeBatch() -> SequenceBatch
    /// Overwrites `batch` (from `makeBatch`) with the trials drawn from the streams of `node`.
    func draw(from node: RandomStreams, into batch: inout SequenceBatch)
}
