import Linalg
import SequenceData

/// A batch of trials of a neuroscience task: inputs and per-step targets as a `SequenceBatch`, plus a loss mask.
///
/// Layout (that of `SequenceBatch`): inputs `d_in × (T·B)`, targets and mask `d_out × (T·B)`, column block t
/// holding step t of every trial. In memory (column-major) this is exactly a C-order `[T, B, d]` array, the
/// shape exported to `.npz`. The mask is 1 where a target is scored and 0 where it is not.
public struct TaskBatch: Sendable, Equatable {
    /// Inputs and targets (targets given at every step).
    public var sequences: SequenceBatch
    /// Loss weights, `d_out × (T·B)`, each 0 or 1.
    public var mask: Matrix

    /// Wraps the arrays after checking their shapes agree (targets at every step, mask shaped like targets).
    public init(inputs: Matrix, targets: Matrix, mask: Matrix, timeSteps: Int, samples: Int) throws {
        guard timeSteps >= 1, samples >= 1 else {
            throw TaskError.invalidParameter("batch T = \(timeSteps), B = \(samples); allowed: T ≥ 1 and B ≥ 1")
        }
        let columns = timeSteps * samples
        guard inputs.cols == columns, targets.cols == columns, mask.rows == targets.rows, mask.cols == columns else {
            throw TaskError.invalidParameter("batch shapes inputs \(inputs.rows)×\(inputs.cols), targets \(targets.rows)×\(targets.cols), mask \(mask.rows)×\(mask.cols); allowed: d_in×\(columns), d_out×\(columns), d_out×\(columns) (T·B = \(columns))")
        }
        sequences = SequenceBatch(inputs: inputs, targets: targets, timeSteps: timeSteps, samples: samples)
        self.mask = mask
    }

    /// Inputs, `d_in × (T·B)`.
    public var inputs: Matrix { sequences.inputs }
    /// Targets, `d_out × (T·B)`.
    public var targets: Matrix { sequences.targets }
    /// Trial length T.
    public var timeSteps: Int { sequences.timeSteps }
    /// Number of trials B.
    public var samples: Int { sequences.samples }

    /// Flat index of entry `i` at step `t` of trial `b` in a `d`-row array of this layout.
    @inlinable public func index(t: Int, b: Int, i: Int, rows d: Int) -> Int { (t * samples + b) * d + i }

    /// The batch to train on: `sequences` with loss weights `w = 2B·mask / Σ mask`, so that the networks' loss
    /// `L = ½ Σ w·(ŷ − y)² / B` (`LossConvention`) is exactly `maskedMSE(ŷ)` — PyTorch's `MSELoss` mean over the
    /// scored entries, the quantity the paper's thresholds (flip-flop 0.001, …) are stated in — and its gradient is
    /// that of the masked MSE. A batch with no scored entry gets all-zero weights (loss 0).
    public var trainingSequences: SequenceBatch { trainingSequences(readout: .autoregressive) }

    /// `trainingSequences` for a readout at every step, or (`.final`) for a readout after the last step only: targets
    /// and weights of the last step, `N_y × B`, the loss then being the masked MSE of that step.
    public func trainingSequences(readout: OutputMode) -> SequenceBatch {
        let columns = readoutColumns(readout)
        var weights = Matrix(rows: mask.rows, cols: columns.count)
        Self.writeLossWeights(mask: mask, columns: columns, samples: samples, into: &weights)
        return SequenceBatch(inputs: inputs, targets: readout == .final ? targets.columns(columns) : targets,
                             timeSteps: timeSteps, samples: samples, lossWeights: weights)
    }

    /// The columns a readout scores: all T·B, or the last step's B.
    public func readoutColumns(_ readout: OutputMode) -> Range<Int> {
        readout == .final ? (timeSteps - 1) * samples ..< timeSteps * samples : 0 ..< timeSteps * samples
    }

    /// Writes `2B·mask / Σ mask` over `columns` of `mask` (all 0 when nothing there is scored) into `weights`
    /// (`d_out × columns.count`).
    static func writeLossWeights(mask: Matrix, columns: Range<Int>, samples: Int, into weights: inout Matrix) {
        let d = mask.rows, first = columns.lowerBound * d, count = columns.count * d
        precondition(weights.count == count, "weights have \(weights.count) entries, the readout \(count)")
        mask.storage.withUnsafeBufferPointer { m in
            let scored = m[first ..< first + count].reduce(0, +)
            let scale = scored > 0 ? 2 * Double(samples) / scored : 0
            weights.storage.withUnsafeMutableBufferPointer { w in for k in w.indices { w[k] = scale * m[first + k] } }
        }
    }

    /// Masked MSE of `outputs` for `readout`: `maskedMSE` (every step), or over the last step's scored entries
    /// (`.final`, outputs `d_out × B`).
    public func maskedMSE(_ outputs: Matrix, readout: OutputMode) -> Double {
        guard readout == .final else { return maskedMSE(outputs) }
        let columns = readoutColumns(readout)
        return Self.maskedMSE(outputs, targets: targets.columns(columns), mask: mask.columns(columns))
    }

    /// Masked mean squared error of `outputs` (same shape as the targets): Σ mask·(y − target)² / Σ mask.
    public func maskedMSE(_ outputs: Matrix) -> Double { Self.maskedMSE(outputs, targets: targets, mask: mask) }

    /// Σ mask·(y − target)² / Σ mask (0 when nothing is scored).
    static func maskedMSE(_ outputs: Matrix, targets: Matrix, mask: Matrix) -> Double {
        precondition(outputs.rows == targets.rows && outputs.cols == targets.cols, "outputs must be shaped like the targets")
        var sum = 0.0, weight = 0.0
        for k in 0..<outputs.storage.count {
            let m = mask.storage[k], e = outputs.storage[k] - targets.storage[k]
            sum += m * e * e; weight += m
        }
        return weight > 0 ? sum / weight : 0
    }
}

extension TaskBatch {
    /// The first `count` trials (1…B), in the same layout.
    public func firstTrials(_ count: Int) throws -> TaskBatch {
        guard count >= 1, count <= samples else {
            throw TaskError.invalidParameter("first \(count) trials of a batch of \(samples); allowed: 1…\(samples)")
        }
        func take(_ m: Matrix) -> Matrix {
            var out = Matrix(rows: m.rows, cols: timeSteps * count)
            for t in 0..<timeSteps {
                let from = t * samples * m.rows, to = t * count * m.rows
                for k in 0..<(count * m.rows) { out.storage[to + k] = m.storage[from + k] }
            }
            return out
        }
        return try TaskBatch(inputs: take(inputs), targets: take(targets), mask: take(mask), timeSteps: timeSteps, samples: count)
    }
}
