/// Caller-owned scratch buffers for the one-step methods (stage slopes and trial states); reuse it across steps.
public struct ODEWorkspace: Sendable {
    /// State dimension the buffers are sized for.
    public let dimension: Int
    /// Flat storage of `stageCount` vectors of length `dimension`.
    var buffer: [Double]

    /// Number of length-`dimension` vectors held (enough for Dormand–Prince: 7 slopes, trial state, error).
    public static let stageCount = 10

    /// Buffers for a state of length `dimension`.
    public init(dimension: Int) {
        precondition(dimension > 0, "dimension must be positive")
        self.dimension = dimension
        self.buffer = [Double](repeating: 0, count: dimension * Self.stageCount)
    }

    /// Runs `body` with the scratch stages (no allocation).
    mutating func withStages<R>(_ body: (StageBuffers) -> R) -> R {
        let n = dimension
        return buffer.withUnsafeMutableBufferPointer { w in body(StageBuffers(base: w.baseAddress!, dimension: n)) }
    }
}

/// Non-owning views of the workspace's stage vectors.
struct StageBuffers {
    let base: UnsafeMutablePointer<Double>
    let dimension: Int
    /// Stage `j` (0 ..< ODEWorkspace.stageCount) as a mutable buffer of length `dimension`.
    @inline(__always) subscript(j: Int) -> UnsafeMutableBufferPointer<Double> {
        UnsafeMutableBufferPointer(start: base + j * dimension, count: dimension)
    }
}
