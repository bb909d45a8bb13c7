import Networks

/// A recurrent network with one recurrent weight block, the default block of weight-change measures.
public protocol RecurrentBlockModel: DifferentiableModel {
    /// Index of the recurrent weight block in `parameterNames`.
    static var recurrentBlock: Int { get }
}

extension RecurrentBlockModel {
    /// The recurrent block as a selection.
    public static var recurrentBlocks: ParameterBlocks { .block(recurrentBlock) }
}

extension TanhRNN: RecurrentBlockModel {
    /// `Wh`.
    public static var recurrentBlock: Int { 1 }
}

extension LeakyRateRNN: RecurrentBlockModel {
    /// `J`.
    public static var recurrentBlock: Int { 1 }
}

extension LinearRNN: RecurrentBlockModel {
    /// `Wh`.
    public static var recurrentBlock: Int { 1 }
}
