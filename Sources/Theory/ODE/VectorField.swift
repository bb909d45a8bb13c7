/// A time-dependent vector field dy/dt = f(t, y) on a flat `[Double]` state (complex systems pack re/im parts).
///
/// `evaluate` reads `y` and writes `dydt` (both of length `dimension`) through caller-owned buffers, so
/// integrators step without allocating.
public protocol VectorField {
    /// Length of the state vector.
    var dimension: Int { get }
    /// Writes f(t, y) into `dydt`; must not retain either buffer.
    func evaluate(_ t: Double, _ y: UnsafeBufferPointer<Double>, _ dydt: UnsafeMutableBufferPointer<Double>)
}

extension VectorField {
    /// Convenience (allocating) evaluation of f(t, y).
    public func derivative(at t: Double, _ y: [Double]) -> [Double] {
        precondition(y.count == dimension, "state has \(y.count) entries, field dimension is \(dimension)")
        var out = [Double](repeating: 0, count: dimension)
        y.withUnsafeBufferPointer { yp in out.withUnsafeMutableBufferPointer { evaluate(t, yp, $0) } }
        return out
    }
}

/// A vector field given by a closure (for reduced systems that do not warrant their own type).
public struct ClosureVectorField: VectorField, Sendable {
    /// Length of the state vector.
    public let dimension: Int
    /// The right-hand side: `body(t, y, dydt)`.
    public let body: @Sendable (Double, UnsafeBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) -> Void

    /// Wraps `body` as a field of the given dimension.
    public init(dimension: Int,
                _ body: @escaping @Sendable (Double, UnsafeBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) -> Void) {
        precondition(dimension > 0, "dimension must be positive")
        self.dimension = dimension
        self.body = body
    }

    /// Calls `body`.
    public func evaluate(_ t: Double, _ y: UnsafeBufferPointer<Double>, _ dydt: UnsafeMutableBufferPointer<Double>) {
        body(t, y, dydt)
    }
}
