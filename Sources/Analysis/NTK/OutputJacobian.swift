import Linalg
import Networks

/// A model whose exact output Jacobian can be evaluated for any subset of samples, so its empirical neural
/// tangent kernel is `Θ = J Jᵀ` (`JacobianTangentKernel`).
///
/// **Output layout** (shared by every kernel in Analysis): the outputs of a batch are `vec(Ŷ)` of the
/// `N_y × (R·P)` output matrix, R readout times per trajectory (1 for a final readout, T for an autoregressive
/// one). Output `(t, p, i)` — readout time t (0-based), sample p, output dimension i — has index
/// `i + N_y·(p + P·t)`. This is the column-major order of `LinearRNN.outputs`, so `Θ · vec(r)` pairs with the
/// residual matrix `r = Ŷ − Y` as stored.
///
/// **Parameter layout:** the Jacobian's columns are the selected blocks in block order, each flattened
/// column-major like `Matrix.storage`.
public protocol OutputJacobianModel: DifferentiableModel {
    /// Output width N_y.
    var outputDimension: Int { get }
    /// Readout times per trajectory R for `batch` (1 for a final readout).
    func readoutTimes(for batch: SequenceBatch) -> Int
    /// Writes `∂ vec(Ŷ) / ∂ θ` for the outputs of the samples in `samples` into `jacobian`, computed exactly (by
    /// back-propagation or an exact recursion, never by differences).
    ///
    /// `jacobian` must be `(N_y·R·|samples|) × parameterCount(blocks)`; its row `i + N_y·(p′ + |samples|·t)`
    /// belongs to output `(t, samples.lowerBound + p′, i)`.
    func outputJacobian(_ batch: SequenceBatch, samples: Range<Int>, blocks: ParameterBlocks, into jacobian: inout Matrix)
}

extension OutputJacobianModel {
    /// Number of Jacobian columns for `blocks`: the total size of the selected parameter blocks.
    public func parameterCount(_ blocks: ParameterBlocks) -> Int {
        var n = 0
        forEachParameter { i, w in if blocks.includes(i) { n += w.count } }
        return n
    }

    /// First Jacobian column of every block (nil for blocks not selected), in block order.
    public func columnOffsets(_ blocks: ParameterBlocks) -> [Int?] {
        var offsets = [Int?](), n = 0
        forEachParameter { i, w in
            if blocks.includes(i) { offsets.append(n); n += w.count } else { offsets.append(nil) }
        }
        return offsets
    }

    /// Number of outputs `N_y·R·P` of `batch`: the side of the tangent kernel.
    public func outputCount(for batch: SequenceBatch) -> Int { outputDimension * readoutTimes(for: batch) * batch.samples }

    /// The output Jacobian of `samples` as a new matrix (see `outputJacobian(_:samples:blocks:into:)`).
    public func outputJacobian(_ batch: SequenceBatch, samples: Range<Int>, blocks: ParameterBlocks) -> Matrix {
        var j = Matrix(rows: outputDimension * readoutTimes(for: batch) * samples.count, cols: parameterCount(blocks))
        outputJacobian(batch, samples: samples, blocks: blocks, into: &j)
        return j
    }
}

extension SequenceBatch {
    /// The trajectories `samples` as a batch of their own (inputs and targets copied).
    public func subset(_ samples: Range<Int>) -> SequenceBatch {
        if samples == 0..<self.samples { return self }
        var sub = makeMinibatch(count: samples.count)
        gather(Array(samples), into: &sub)
        return sub
    }
}
