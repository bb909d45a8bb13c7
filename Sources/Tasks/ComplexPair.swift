import Foundation

/// A complex number as a `(re, im)` pair (Tasks does not depend on swift-numerics).
///
/// Convert with `Complex(z.re, z.im)` where `Numerics` is available.
public struct ComplexPair: Sendable, Hashable, CustomStringConvertible {
    /// Real part.
    public var re: Double
    /// Imaginary part.
    public var im: Double

    /// `re + i·im`.
    public init(_ re: Double, _ im: Double = 0) { self.re = re; self.im = im }

    /// `radius · e^{i·angle}` (the polar parameters `(R, φ)` of Proca et al. §8.2).
    public init(radius: Double, angle: Double) { self.init(radius * cos(angle), radius * sin(angle)) }

    /// Modulus `|z|`.
    public var radius: Double { (re * re + im * im).squareRoot() }
    /// Argument `arg z` in `(−π, π]`.
    public var angle: Double { atan2(im, re) }
    /// Complex conjugate.
    public var conjugate: ComplexPair { ComplexPair(re, -im) }
    /// True when the imaginary part is exactly zero.
    public var isReal: Bool { im == 0 }

    /// `z^k` for an integer `k` (computed in polar form, so `λ^k = R^k e^{ikφ}` exactly as parameterised).
    public func power(_ k: Int) -> ComplexPair {
        if k == 0 { return ComplexPair(1) }
        if im == 0 { return ComplexPair(pow(re, Double(k))) }
        return ComplexPair(radius: pow(radius, Double(k)), angle: Double(k) * angle)
    }

    /// Complex product.
    public static func * (a: ComplexPair, b: ComplexPair) -> ComplexPair {
        ComplexPair(a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re)
    }
    /// Complex sum.
    public static func + (a: ComplexPair, b: ComplexPair) -> ComplexPair { ComplexPair(a.re + b.re, a.im + b.im) }
    /// Complex difference.
    public static func - (a: ComplexPair, b: ComplexPair) -> ComplexPair { ComplexPair(a.re - b.re, a.im - b.im) }
    /// Real multiple.
    public static func * (s: Double, a: ComplexPair) -> ComplexPair { ComplexPair(s * a.re, s * a.im) }

    /// `re ± im i`.
    public var description: String { im < 0 ? "\(re) − \(-im)i" : "\(re) + \(im)i" }
}
