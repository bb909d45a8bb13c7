import Foundation

/// The slow manifold of the balanced outlier flow: the residue at its loss-optimal value for each decay κ.
///
/// Reconstructed model (our reduction of Bordelon et al. 2025; see `OutlierLoss`). Minimising L(a, κ) over a gives
/// a*(κ) = 2κ/(κ + c*), where L = (κ − c*)²/(4c*(κ + c*)²). Since ∂L/∂a = 0 there, the flow restricted to the
/// manifold is dκ/dt = −r_κ ∂L/∂κ(a*(κ), κ) = −r_κ dL(a*(κ), κ)/dκ, which evaluates exactly to
///
///     dκ/dt = r_κ (c* − κ)/(κ + c*)³,
///
/// and integrates in closed form: with x = κ − c*, the time from κ₀ to κ₁ is
/// [F(κ₀ − c*) − F(κ₁ − c*)]/r_κ, F(x) = x³/3 + 3c* x² + 12c*² x + 8c*³ ln|x|.
public struct OutlierSlowManifold: Sendable, Equatable {
    /// Target decay rate c*.
    public let targetRate: Double
    /// Decay rate r_κ.
    public let decayRate: Double

    /// The manifold for target e^{−c* t} and decay rate r_κ.
    public init(targetRate: Double, decayRate: Double = 1) {
        precondition(targetRate > 0 && targetRate.isFinite, "target rate c* must be positive and finite")
        precondition(decayRate > 0 && decayRate.isFinite, "decay rate must be positive and finite")
        self.targetRate = targetRate
        self.decayRate = decayRate
    }

    /// a*(κ) = 2κ/(κ + c*).
    public func residue(decay kappa: Double) -> Double { 2 * kappa / (kappa + targetRate) }

    /// L on the manifold: (κ − c*)²/(4c*(κ + c*)²).
    public func loss(decay kappa: Double) -> Double {
        let d = (kappa - targetRate) / (kappa + targetRate)
        return d * d / (4 * targetRate)
    }

    /// dκ/dt on the manifold: r_κ (c* − κ)/(κ + c*)³.
    public func velocity(decay kappa: Double) -> Double {
        let s = kappa + targetRate
        return decayRate * (targetRate - kappa) / (s * s * s)
    }

    /// Time for κ to move from `kappa0` to `kappa1` on the manifold (both positive and strictly on the same side
    /// of c*, `kappa1` between `kappa0` and c*).
    public func time(from kappa0: Double, to kappa1: Double) -> Double {
        let c = targetRate
        precondition(kappa0 > 0 && kappa1 > 0, "decays must be positive")
        precondition((kappa0 - c) * (kappa1 - c) > 0 && abs(kappa1 - c) <= abs(kappa0 - c),
                     "κ₁ must lie between κ₀ and c* (c* itself is reached only as t → ∞)")
        func antiderivative(_ x: Double) -> Double { x * x * x / 3 + 3 * c * x * x + 12 * c * c * x + 8 * c * c * c * log(abs(x)) }
        return (antiderivative(kappa0 - c) - antiderivative(kappa1 - c)) / decayRate
    }

    /// κ after time `t ≥ 0` on the manifold from `kappa0` (inverts `time(from:to:)` by bisection to round-off).
    public func decay(after t: Double, from kappa0: Double) -> Double {
        precondition(t >= 0 && kappa0 > 0, "need t ≥ 0 and κ₀ > 0")
        let c = targetRate
        if t == 0 || kappa0 == c { return kappa0 }
        var near = c, far = kappa0  // κ(t) lies strictly between c* and κ₀
        for _ in 0..<200 {
            let mid = 0.5 * (near + far)
            if mid == near || mid == far { break }
            if time(from: kappa0, to: mid) > t { near = mid } else { far = mid }
        }
        return 0.5 * (near + far)
    }
}
