/// A vector field that also supplies its Jacobian ∂f/∂y, which implicit integrators use instead of finite differences.
public protocol JacobianField: VectorField {
    /// Writes ∂f/∂y at (t, y) column-major into `jacobian` (`dimension²` entries; entry (i, j) = ∂f_i/∂y_j sits at
    /// index `i + j · dimension`); must not retain either buffer.
    func jacobian(_ t: Double, _ y: UnsafeBufferPointer<Double>, _ jacobian: UnsafeMutableBufferPointer<Double>)
}

extension JacobianField {
    /// Convenience (allocating) Jacobian at (t, y), column-major.
    public func jacobianMatrix(at t: Double, _ y: [Double]) -> [Double] {
        precondition(y.count == dimension, "state has \(y.count) entries, field dimension is \(dimension)")
        var out = [Double](repeating: 0, count: dimension * dimension)
        y.withUnsafeBufferPointer { yp in out.withUnsafeMutableBufferPointer { jacobian(t, yp, $0) } }
        return out
    }
}
