import Networks

/// A selection of a model's parameter blocks (bit i = block i of `DifferentiableModel.parameterNames`), e.g. the
/// blocks an NTK is taken over. For `LinearRNN` the blocks are `wx`, `wh`, `wy`; for `DeepLinearNetwork` `w1`, `w2`.
public struct ParameterBlocks: OptionSet, Sendable, Hashable {
    /// Bit i set = block i selected.
    public let rawValue: Int
    /// The blocks whose bits are set in `rawValue`.
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// Block `index` alone.
    public static func block(_ index: Int) -> ParameterBlocks {
        precondition(index >= 0 && index < Int.bitWidth - 1, "block index \(index) out of range")
        return ParameterBlocks(rawValue: 1 << index)
    }

    /// Every block of a model with `count` blocks.
    public static func all(count: Int) -> ParameterBlocks { ParameterBlocks(rawValue: (1 << count) - 1) }

    /// `LinearRNN` input weights `W_x` (block 0).
    public static let wx = block(0)
    /// `LinearRNN` recurrent weights `W_h` (block 1).
    public static let wh = block(1)
    /// `LinearRNN` output weights `W_y` (block 2).
    public static let wy = block(2)
    /// All three `LinearRNN` blocks.
    public static let linearRNN: ParameterBlocks = [.wx, .wh, .wy]
    /// `DeepLinearNetwork` first layer `W_1` (block 0).
    public static let w1 = block(0)
    /// `DeepLinearNetwork` second layer `W_2` (block 1).
    public static let w2 = block(1)

    /// True when block `index` is selected.
    public func includes(_ index: Int) -> Bool { rawValue & (1 << index) != 0 }

    /// The selected block indices below `count`, ascending.
    public func indices(below count: Int) -> [Int] { (0..<count).filter(includes) }

    /// The selected blocks of `M`, ascending (checks that nothing beyond `M`'s blocks is selected).
    public func indices<M: DifferentiableModel>(of _: M.Type) -> [Int] {
        let n = M.parameterNames.count
        precondition(rawValue >> n == 0, "selection \(rawValue) names blocks beyond \(M.parameterNames)")
        return indices(below: n)
    }
}
