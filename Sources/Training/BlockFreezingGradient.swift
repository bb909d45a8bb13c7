import Linalg
import Networks

/// A gradient source that freezes whole parameter blocks by zeroing their gradient after `base` computes it.
///
/// With plain gradient descent (and Adam, whose moments then stay zero) a zero gradient leaves the block exactly where
/// it is, so this trains only the other blocks: e.g. freezing `W_h` (block 1 of a `LinearRNN`) fixes every recurrent
/// mode, freezing `W_x` and `W_y` (blocks 0 and 2) fixes the input and output weights. Indices are positions in
/// `Model.parameterNames`. The reported loss is the base source's loss. `Trainer` adds regularizer gradients after the
/// source, so a penalty on a frozen block still moves it; restrict the penalty's `blocks` to keep the block fixed.
public struct BlockFreezingGradient<Base: GradientSource>: GradientSource {
    /// The underlying source.
    public var base: Base
    /// Indices (into `Model.parameterNames`) of the blocks whose gradient is zeroed.
    public let frozenBlocks: [Int]

    /// Wraps `base`, freezing `frozenBlocks`.
    public init(_ base: Base, frozenBlocks: [Int]) {
        self.base = base
        self.frozenBlocks = frozenBlocks
    }

    public mutating func lossAndGradient(_ model: Base.Model, step: Int, into gradients: inout [Matrix]) -> Double {
        let loss = base.lossAndGradient(model, step: step, into: &gradients)
        for i in frozenBlocks { gradients[i].storage.withUnsafeMutableBufferPointer { $0.update(repeating: 0) } }
        return loss
    }

    public var maxAbsState: Double { base.maxAbsState }
}
