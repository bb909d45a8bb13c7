import Foundation

/// Exact input–output dynamics with b frozen (App. C, Eqs. 41–47) and its λ-balanced generalisation (§12.2).
///
/// With b fixed, `u = ac` obeys `du/dt = (a² + c²)(A − B u)`, `A(b) = Σ_k S_k b^k`, `B(b) = Σ_k n_k b^{2k}`.
/// Since the imbalance λ = a² − c² is conserved, `a² + c² = sqrt(λ² + 4u²)`, so
/// `du/dt = sqrt(λ² + 4u²)(A − B u)` (τ = 1). The sign of λ does not matter (only λ² enters).
///
/// * λ = 0 (balanced, Eq. 47): `du/dt = 2|u|(A − B u)`, a logistic equation with
///   `u(t) = u₀ e^{rt} / (1 + u₀ B (e^{rt} − 1)/A)`, r = 2σA, σ = sign u₀ (σ = +1 is the paper's a = c case;
///   the `expm1` form is also exact at A = 0).
/// * λ ≠ 0: substituting `u = (|λ|/2) sinh θ` gives `dθ/dt = 2A − B|λ| sinh θ`; with `w = e^θ` the right-hand
///   side factors as `−(B|λ|/2)(w − w₊)(w − w₋)`, `w± = q ± sqrt(q² + 1)`, `q = 2A/(B|λ|)`, so the ratio
///   `R = (w − w₊)/(w − w₋)` decays exactly as `R(t) = R(0) e^{−κt}`, `κ = sqrt(4A² + B²λ²)`. Inverting,
///   `w = (w₊ − R w₋)/(1 − R)` and `u = (|λ|/4)(w − 1/w)`: an explicit closed form (no Newton solve needed).
public struct FrozenRecurrenceSolution: Sendable {
    /// A(b), the effective singular value.
    public let effectiveSingularValue: Double
    /// B(b) > 0, the recurrence gain (regulariser factor).
    public let recurrenceGain: Double
    /// u(0) = a(0) c(0).
    public let initialValue: Double
    /// |λ| = |a² − c²|, the conserved imbalance.
    public let imbalance: Double

    /// A solution from A, B, u(0) and the imbalance.
    public init(effectiveSingularValue A: Double, recurrenceGain B: Double, initialValue u0: Double,
                imbalance lambda: Double = 0) {
        precondition(B > 0 && B.isFinite, "recurrence gain must be positive and finite")
        precondition(A.isFinite && u0.isFinite && lambda.isFinite, "non-finite parameters")
        self.effectiveSingularValue = A
        self.recurrenceGain = B
        self.initialValue = u0
        self.imbalance = abs(lambda)
    }

    /// The solution for `flow`'s task (either readout) at frozen `b`.
    public init(flow: ModeFlow, b: Double, initialValue u0: Double, imbalance lambda: Double = 0) {
        self.init(effectiveSingularValue: flow.effectiveSingularValue(b: b), recurrenceGain: flow.recurrenceGain(b: b),
                  initialValue: u0, imbalance: lambda)
    }

    /// The solution starting from `mode` (u₀ = ac, λ = a² − c², b frozen at `mode.b`).
    public init(flow: ModeFlow, mode: Mode) {
        self.init(flow: flow, b: mode.b, initialValue: mode.u, imbalance: mode.imbalance)
    }

    /// The final-readout solution for singular values `s` at frozen `b` (Eq. 47 when λ = 0).
    public init(singularValues s: [Double], b: Double, initialValue u0: Double, imbalance lambda: Double = 0) {
        self.init(flow: ModeFlow(singularValues: s), b: b, initialValue: u0, imbalance: lambda)
    }

    /// The paper's fixed point u* = A/B.
    public var fixedPoint: Double { effectiveSingularValue / recurrenceGain }

    /// The t → ∞ limit: u* unless λ = 0 and u₀ cannot reach it (u₀ = 0 or sign(u₀)·A ≤ 0), then 0.
    public var limit: Double {
        if usesBalancedForm {
            let sigma: Double = initialValue > 0 ? 1 : -1
            return initialValue != 0 && sigma * effectiveSingularValue > 0 ? fixedPoint : 0
        }
        return fixedPoint
    }

    /// The asymptotic rate: 2|A| (λ = 0) or κ = sqrt(4A² + B²λ²).
    public var rate: Double {
        let A = effectiveSingularValue, B = recurrenceGain, L = imbalance
        return (4 * A * A + B * B * L * L).squareRoot()
    }

    /// The right-hand side `sqrt(λ² + 4u²)(A − B u)`.
    public func velocity(_ u: Double) -> Double {
        (imbalance * imbalance + 4 * u * u).squareRoot() * (effectiveSingularValue - recurrenceGain * u)
    }

    /// True when the balanced (logistic) formula is used: λ = 0, or λ negligible against both |u₀| and |u*|
    /// (relative correction below ~1e−16) with u₀ and u* of the same sign (so u never nears 0, where λ matters).
    var usesBalancedForm: Bool {
        if imbalance == 0 { return true }
        let scale = min(abs(initialValue), abs(fixedPoint))
        return imbalance <= 1e-8 * scale && initialValue * fixedPoint > 0
    }

    /// Roots w₊ > 0 > w₋ of `w² − 2q w − 1` with q = 2A/(B|λ|), computed without cancellation.
    var roots: (plus: Double, minus: Double) {
        let q = 2 * effectiveSingularValue / (recurrenceGain * imbalance)
        let h = (q * q + 1).squareRoot()
        let plus = q >= 0 ? q + h : 1 / (h - q)
        return (plus, -1 / plus)
    }

    /// u(t) in closed form.
    public func value(at t: Double) -> Double {
        let A = effectiveSingularValue, B = recurrenceGain, u0 = initialValue
        if usesBalancedForm {
            if u0 == 0 { return 0 }
            let sigma: Double = u0 > 0 ? 1 : -1
            let r = 2 * sigma * A
            let g = A == 0 ? 2 * sigma * t : Foundation.expm1(r * t) / A   // (e^{rt} − 1)/A
            return u0 * Foundation.exp(r * t) / (1 + u0 * B * g)
        }
        let L = imbalance
        let (wp, wm) = roots
        let w0 = Foundation.exp(Foundation.asinh(2 * u0 / L))
        let r0 = (w0 - wp) / (w0 - wm)
        let r = r0 * Foundation.exp(-rate * t)
        let w = (wp - r * wm) / (1 - r)
        return 0.25 * L * (w - 1 / w)
    }

    /// The flow time to go from u(0) to `target` (Eq. 46 when λ = 0); nil when never reached.
    public func time(toReach target: Double) -> Double? {
        let A = effectiveSingularValue, B = recurrenceGain, u0 = initialValue
        if target == u0 { return 0 }
        var t: Double
        if usesBalancedForm {
            guard u0 != 0 else { return nil }
            let sigma: Double = u0 > 0 ? 1 : -1
            if A == 0 {
                t = (1 / target - 1 / u0) / (2 * sigma * B)
            } else {
                let e = target * (A - u0 * B) / (u0 * (A - target * B))
                guard e > 0 else { return nil }
                t = Foundation.log(e) / (2 * sigma * A)
            }
        } else {
            let L = imbalance
            let (wp, wm) = roots
            func ratio(_ u: Double) -> Double {
                let w = Foundation.exp(Foundation.asinh(2 * u / L))
                return (w - wp) / (w - wm)
            }
            let q = ratio(target) / ratio(u0)
            guard q > 0 else { return nil }
            t = -Foundation.log(q) / rate
        }
        return t.isFinite && t >= 0 ? t : nil
    }
}
