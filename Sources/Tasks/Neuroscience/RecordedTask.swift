import Linalg

/// A user's own task: fixed recorded trials (inputs, targets, mask), from which each batch draws distinct trials.
///
/// `batch(size:streams:)` draws `size ≤ B` distinct trials by a partial Fisher–Yates shuffle on the "trials" stream;
/// the out-of-distribution task is the recorded OOD trial set, when one was given.
public struct RecordedTask: NeuroscienceTask, Equatable {
    /// All recorded training trials.
    public let trials: TaskBatch
    /// Recorded OOD trials (same d_in and d_out), if any.
    public let oodTrials: TaskBatch?
    public let name: String
    public let lossThreshold: Double
    /// Where the trials came from (a file name), for run metadata.
    public let source: String

    /// Wraps recorded trials after checking the OOD set's dimensions, the mask values and the threshold.
    public init(trials: TaskBatch, oodTrials: TaskBatch? = nil, name: String = "recorded", lossThreshold: Double = 0.01,
                source: String = "") throws {
        try TaskKnob.positive(lossThreshold, "\(name) loss_threshold")
        for batch in [trials] + (oodTrials.map { [$0] } ?? []) {
            guard batch.mask.storage.allSatisfy({ $0 == 0 || $0 == 1 }) else {
                throw TaskError.invalidParameter("\(name) mask has entries other than 0 and 1; allowed: 0 (not scored) or 1 (scored)")
            }
            guard batch.inputs.isFinite, batch.targets.isFinite else {
                throw TaskError.invalidParameter("\(name) inputs or targets are not all finite; allowed: finite numbers")
            }
        }
        if let ood = oodTrials, ood.inputs.rows != trials.inputs.rows || ood.targets.rows != trials.targets.rows {
            throw TaskError.invalidParameter("\(name) OOD trials have d_in = \(ood.inputs.rows), d_out = \(ood.targets.rows); allowed: d_in = \(trials.inputs.rows), d_out = \(trials.targets.rows) as in the training trials")
        }
        self.trials = trials; self.oodTrials = oodTrials; self.name = name; self.lossThreshold = lossThreshold
        self.source = source
    }

    public var inputDimension: Int { trials.inputs.rows }
    public var outputDimension: Int { trials.targets.rows }
    public var timeSteps: Int { trials.timeSteps }
    /// The range of the scored targets.
    public var outputRange: ClosedRange<Double> {
        var low = Double.infinity, high = -Double.infinity
        for (v, m) in zip(trials.targets.storage, trials.mask.storage) where m > 0 { low = min(low, v); high = max(high, v) }
        return low <= high ? low...high : 0...0
    }

    public var parameters: [String: TaskParameter] {
        ["task": .string(name), "source": .string(source), "trials": .int(trials.samples), "trial_length": .int(timeSteps),
         "input_dimension": .int(inputDimension), "output_dimension": .int(outputDimension),
         "ood_trials": .int(oodTrials?.samples ?? 0), "loss_threshold": .double(lossThreshold)]
    }

    /// Recorded trials are checked when wrapped.
    public func validate() throws {}

    /// The recorded OOD trials (throws when none were given).
    public func outOfDistribution() throws -> RecordedTask {
        guard let ood = oodTrials else {
            throw TaskError.invalidParameter("\(name) has no OOD trials; allowed: provide ood_inputs and ood_targets (and optionally ood_mask)")
        }
        return try RecordedTask(trials: ood, name: name, lossThreshold: lossThreshold, source: source)
    }

    public func batch(size: Int, streams: RandomStreams) throws -> TaskBatch {
        let p = trials.samples
        guard size >= 1, size <= p else {
            throw TaskError.invalidParameter("\(name) batch size = \(size); allowed: an integer in 1…\(p) (the recorded trials)")
        }
        var order = Array(0..<p), draws = streams.stream("trials")
        for j in 0..<size { order.swapAt(j, j + Int(draws.next(upperBound: UInt64(p - j)))) }
        return try trials.selecting(Array(order[0..<size]))
    }
}

extension TaskBatch {
    /// The trials `indices` (in that order) as a new batch.
    public func selecting(_ indices: [Int]) throws -> TaskBatch {
        let m = indices.count, T = timeSteps, p = samples, d = mask.rows
        guard m >= 1, indices.allSatisfy({ (0..<p).contains($0) }) else {
            throw TaskError.invalidParameter("trial indices \(indices.prefix(8))…; allowed: a non-empty list of integers in 0…\(p - 1)")
        }
        var picked = sequences.makeMinibatch(count: m)
        sequences.gather(indices, into: &picked)
        var pickedMask = Matrix(rows: d, cols: T * m)
        for t in 0..<T {
            for (j, idx) in indices.enumerated() {
                let s = (t * p + idx) * d, dst = (t * m + j) * d
                for i in 0..<d { pickedMask.storage[dst + i] = mask.storage[s + i] }
            }
        }
        return try TaskBatch(inputs: picked.inputs, targets: picked.targets, mask: pickedMask, timeSteps: T, samples: m)
    }
}
