import Numerics

/// Packs complex states into interleaved real vectors `[re₀, im₀, re₁, im₁, …]` so real integrators can step them.
public enum ComplexPacking {
    /// Interleaves real and imaginary parts.
    public static func pack(_ z: [Complex<Double>]) -> [Double] {
        var out = [Double](repeating: 0, count: 2 * z.count)
        for (j, v) in z.enumerated() { out[2 * j] = v.real; out[2 * j + 1] = v.imaginary }
        return out
    }

    /// Inverse of `pack(_:)` (the input length must be even).
    public static func unpack(_ x: [Double]) -> [Complex<Double>] {
        precondition(x.count % 2 == 0, "packed complex vector must have even length")
        return (0..<(x.count / 2)).map { Complex(x[2 * $0], x[2 * $0 + 1]) }
    }

    /// Reads complex entry `j` of a packed buffer.
    @inlinable public static func load(_ x: UnsafeBufferPointer<Double>, _ j: Int) -> Complex<Double> {
        Complex(x[2 * j], x[2 * j + 1])
    }

    /// Writes complex entry `j` of a packed buffer.
    @inlinable public static func store(_ z: Complex<Double>, _ x: UnsafeMutableBufferPointer<Double>, _ j: Int) {
        x[2 * j] = z.real
        x[2 * j + 1] = z.imaginary
    }
}
