/// One axis tick: a data value, its label (empty for minor ticks) and whether it is a major tick.
public struct Tick: Sendable, Equatable {
    /// Position in data units.
    public var value: Double
    /// Label text ("" for minor ticks).
    public var label: String
    /// Major ticks are longer and labelled.
    public var isMajor: Bool

    /// A tick.
    public init(value: Double, label: String, isMajor: Bool = true) {
        self.value = value; self.label = label; self.isMajor = isMajor
    }
}
