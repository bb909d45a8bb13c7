import Linalg
import SequenceData

/// Fresh trials of a neuroscience task as a `TrialSource`: each draw is `batchSize` trials from the node's streams,
/// weighted as `TaskBatch.trainingSequences(readout:)` (network loss = the task's masked MSE over the scored steps).
///
/// The task generators build each `TaskBatch` in new arrays (a few `d × T·B` buffers per draw, O(T·B·d) work); the
/// draw copies them into the caller's preallocated batch and writes the loss weights in place. That allocation is per
/// training step, outside the BPTT inner loop, and small next to a step's O(T·B·N²) arithmetic.
public struct TaskTrials<Task: NeuroscienceTask>: TrialSource {
    /// The task.
    public let task: Task
    /// Trials per draw B.
    public let batchSize: Int
    /// Targets at every step, or at the last step only.
    public let readout: OutputMode

    /// A source of `batchSize` trials of `task`; throws a one-line `TaskError` for a bad knob or batch size (checked
    /// by drawing once, so later draws cannot fail).
    public init(task: Task, batchSize: Int, readout: OutputMode = .autoregressive) throws {
        _ = try task.batch(size: batchSize, streams: RandomStreams(seed: 0).child("task-trials-check"))
        self.task = task
        self.batchSize = batchSize
        self.readout = readout
    }

    public func makeBatch() -> SequenceBatch {
        let columns = task.timeSteps * batchSize, scored = readout == .final ? batchSize : columns
        return SequenceBatch(inputs: Matrix(rows: task.inputDimension, cols: columns),
                             targets: Matrix(rows: task.outputDimension, cols: scored), timeSteps: task.timeSteps,
                             samples: batchSize, lossWeights: Matrix(rows: task.outputDimension, cols: scored))
    }

    public func draw(from node: RandomStreams, into batch: inout SequenceBatch) {
        let trials: TaskBatch
        do { trials = try task.batch(size: batchSize, streams: node) } catch {
            preconditionFailure("\(task.name) failed after its knobs were checked: \(error)")
        }
        let columns = trials.readoutColumns(readout), d = trials.targets.rows
        precondition(batch.inputs.shape == trials.inputs.shape && batch.targets.count == columns.count * d
                     && batch.lossWeights?.count == columns.count * d, "draw needs a batch from makeBatch")
        Self.copy(trials.inputs.storage[...], into: &batch.inputs)
        Self.copy(trials.targets.storage[(columns.lowerBound * d)..<(columns.upperBound * d)], into: &batch.targets)
        TaskBatch.writeLossWeights(mask: trials.mask, columns: columns, samples: batchSize, into: &batch.lossWeights!)
    }

    static func copy(_ source: ArraySlice<Double>, into destination: inout Matrix) {
        source.withUnsafeBufferPointer { s in
            destination.storage.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: s.baseAddress!, count: s.count) }
        }
    }
}
