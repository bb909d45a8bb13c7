import Foundation

/// One task-aligned mode of a λ-balanced two-layer linear network (Dominé et al. 2025; spec B.2–B.4):
/// `τ da/dt = √(λ² + 4a²)(s − a)`, with a = c·d the mode strength of W2 W1 (first-layer strength c, second d,
/// conserved imbalance d² − c² = λ) and s the target singular value.
///
/// The closed form used here comes from the rank-one Riccati solution of spec B.3 for one aligned mode: with
/// F = [[−λ/2, s], [s, λ/2]] (eigenvalues ±K/2, K = √(λ² + 4s²)) and y(t) = e^{Ft/τ}(c0, d0),
/// a(t) = y₁y₂ / (1 + (c0, d0)·∫₀^{t/τ} e^{2Fσ}dσ (c0, d0)). Scaled by 2e^{−x}, with x = Kt/τ, e = e^{−x}, m = 1 − e,
/// R0 = √(λ² + 4a0²), H = a0 + sR0/K and G = R0K + λ² + 4sa0 (≥ 0):
///
///     a(t) = [2a0 e² + 2em H + m² sG/K²] / [2e² + 2em (1 + R0/K) + m² G/K²].
///
/// Every denominator term is ≥ 0, and H and G are evaluated without cancellation (for a0 < 0 as
/// H = λ²(s² − a0²)/(K(sR0 − a0K)) and G = 4λ²(s − a0)²/(R0K − λ² − 4sa0)), so the form is accurate for every t ≥ 0
/// and every λ, including the balanced negative start (λ = 0, a0 < 0) that shrinks to the saddle a = 0. It depends on
/// λ only through λ² (so on |λ|), needs no switch at λ = 0 (it is Saxe's sigmoid there) and tends to
/// `s + (a0 − s) e^{−|λ|t/τ}` as |λ| → ∞. It equals the half-angle form of spec B.4 (`halfAngleStrength`), which is
/// singular at λ = 0.
public struct LambdaBalancedMode: VectorField, Sendable, Equatable {
    /// Target singular value s > 0.
    public let target: Double
    /// Conserved imbalance λ = d² − c² (second layer minus first).
    public let imbalance: Double
    /// Time constant τ > 0 of `τ da/dt = √(λ² + 4a²)(s − a)`.
    public let timeConstant: Double

    /// The mode with target s > 0, imbalance λ (finite) and time constant τ > 0.
    public init(target s: Double, imbalance lambda: Double, timeConstant tau: Double = 1) {
        precondition(s > 0 && s.isFinite, "target singular value s must be positive and finite")
        precondition(lambda.isFinite, "imbalance λ must be finite")
        precondition(tau > 0 && tau.isFinite, "time constant τ must be positive and finite")
        target = s
        imbalance = lambda
        timeConstant = tau
    }

    /// `√(λ² + 4s²)`: the relaxation rate near a = s is K/τ.
    public var rateConstant: Double { (imbalance * imbalance + 4 * target * target).squareRoot() }

    /// The mode strength a(t) from a(0) = a0, by the uniform closed form above (t ≥ 0).
    public func strength(at t: Double, from a0: Double) -> Double {
        precondition(t >= 0, "time must be non-negative")
        let s = target, l2 = imbalance * imbalance, k = rateConstant
        let r0 = (l2 + 4 * a0 * a0).squareRoot()
        let x = k * t / timeConstant
        let e = exp(-x), m = -expm1(-x)
        let h = a0 >= 0 ? a0 + s * r0 / k : l2 * (s * s - a0 * a0) / (k * (s * r0 - a0 * k))
        let g = a0 >= 0 ? r0 * k + l2 + 4 * s * a0 : 4 * l2 * (s - a0) * (s - a0) / (r0 * k - l2 - 4 * s * a0)
        let n = 2 * a0 * e * e + 2 * e * m * h + m * m * s * g / (k * k)
        let d = 2 * e * e + 2 * e * m * (1 + r0 / k) + m * m * g / (k * k)
        return n / d
    }

    /// The mode strength by spec B.4's half-angle form (q = tanh(θ/2) = 2a/(√(λ² + 4a²) + |λ|), solved linearly from
    /// (K + |λ| + 2sq)/(K − |λ| − 2sq) = C0 e^{Kt/τ}, a = |λ|q/(1 − q²)), switching to Saxe's sigmoid when
    /// |λ| ≤ `saxeBelow`·s. Its relative round-off grows like ε·s/|λ|; `strength(at:from:)` has no such loss.
    public func halfAngleStrength(at t: Double, from a0: Double, saxeBelow: Double = 1e-9) -> Double {
        let s = target, lambda = abs(imbalance), k = rateConstant
        guard lambda > saxeBelow * s else { return saxeLimit.strength(at: t, from: a0) }
        func q(_ a: Double) -> Double { 2 * a / ((lambda * lambda + 4 * a * a).squareRoot() + lambda) }
        let q0 = q(a0)
        // Work with e^{−Kt/τ}/C0 so that late times do not overflow.
        let inverse = exp(-k * t / timeConstant) * (k - lambda - 2 * s * q0) / (k + lambda + 2 * s * q0)
        let qt = ((k - lambda) - (k + lambda) * inverse) / (2 * s * (1 + inverse))
        return lambda * qt / ((1 - qt) * (1 + qt))
    }

    /// `√(λ² + 4a²)(s − a)/τ`, the right-hand side of the mode's flow.
    public func velocity(_ a: Double) -> Double {
        (imbalance * imbalance + 4 * a * a).squareRoot() * (target - a) / timeConstant
    }

    /// The λ → 0 limit (rich): Saxe's sigmoid with the same s and τ.
    public var saxeLimit: SaxeMode { SaxeMode(target: target, timeConstant: timeConstant) }

    /// The |λ| → ∞ limit (lazy): exponential relaxation `s + (a0 − s) e^{−|λ|t/τ}`.
    public func lazyLimit(at t: Double, from a0: Double) -> Double {
        target + (a0 - target) * exp(-abs(imbalance) * t / timeConstant)
    }

    /// The time the lazy limit takes from a0 to a_f (both on the same side of s, |a_f − s| ≤ |a0 − s|):
    /// `(τ/|λ|) ln[(s − a0)/(s − a_f)]`.
    public func lazyTimeToLearn(from a0: Double, to af: Double) -> Double {
        timeConstant / abs(imbalance) * log((target - a0) / (target - af))
    }

    /// The layer strengths (c, d) of strength a: d² − c² = λ, c·d = a, c ≥ 0 (spec B.4's singular-value splitting,
    /// in cancellation-free form).
    public func layerStrengths(strength a: Double) -> (first: Double, second: Double) {
        let lambda = imbalance, r = (lambda * lambda + 4 * a * a).squareRoot()
        // (r + |λ|)/2 is exact; the other square is 2a²/(r + |λ|) (= (r − |λ|)/2 without cancellation).
        let big = ((r + abs(lambda)) / 2).squareRoot()
        let small = r + abs(lambda) > 0 ? (2 * a * a / (r + abs(lambda))).squareRoot() : 0
        let sign: Double = a < 0 ? -1 : 1
        return lambda >= 0 ? (small, sign * big) : (big, sign * small)
    }

    /// One: the mode strength a.
    public var dimension: Int { 1 }

    /// The flow `da/dt = √(λ² + 4a²)(s − a)/τ`.
    public func evaluate(_ t: Double, _ y: UnsafeBufferPointer<Double>, _ dydt: UnsafeMutableBufferPointer<Double>) {
        dydt[0] = velocity(y[0])
    }
}

/// One mode of a zero-balanced (λ = 0) two-layer linear network (Saxe, McClelland & Ganguli 2014; spec C):
/// `τ du/dt = 2|u|(s − u)`, for u > 0 the sigmoid `u(t) = s e^{2st/τ}/(e^{2st/τ} − 1 + s/u0)`.
public struct SaxeMode: Sendable, Equatable {
    /// Target singular value s > 0.
    public let target: Double
    /// Time constant τ > 0.
    public let timeConstant: Double

    /// The mode with target s > 0 and time constant τ > 0.
    public init(target s: Double, timeConstant tau: Double = 1) {
        precondition(s > 0 && s.isFinite, "target singular value s must be positive and finite")
        precondition(tau > 0 && tau.isFinite, "time constant τ must be positive and finite")
        target = s
        timeConstant = tau
    }

    /// u(t) from u(0) = u0 (t ≥ 0). For u0 > 0 the sigmoid, written with e^{−2st/τ} so it never overflows; for
    /// u0 < 0 the balanced mode shrinks to the saddle u = 0 (`τ du/dt = −2u(s − u)`); u0 = 0 stays at 0.
    public func strength(at t: Double, from u0: Double) -> Double {
        precondition(t >= 0, "time must be non-negative")
        let x = 2 * target * t / timeConstant
        let e = exp(-x), m = -expm1(-x)  // e^{−x} and 1 − e^{−x}, each to full relative precision
        if u0 > 0 { return u0 / (e + (u0 / target) * m) }
        return u0 * e / (1 - (u0 / target) * m)
    }

    /// The time to learn from u0 to u_f (both in (0, s) with u_f ≥ u0, or both above s with u_f ≤ u0):
    /// `(τ/2s) ln[u_f (s − u0) / (u0 (s − u_f))]`.
    public func timeToLearn(from u0: Double, to uf: Double) -> Double {
        precondition(u0 > 0 && uf > 0 && (u0 - target) * (uf - target) > 0, "u0 and u_f must be positive and on the same side of s")
        return timeConstant / (2 * target) * log(uf * (target - u0) / (u0 * (target - uf)))
    }
}
