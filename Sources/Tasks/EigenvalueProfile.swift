/// One rotational mode's eigenvalue time-course `d_{1..T}` (Proca et al. §8.2), complex as `(re, im)` pairs.
public enum EigenvalueProfile: Sendable, Equatable {
    /// `d_t = δ f(λ, t)` for one of the three families: `δ λ^{T−t}`, `δ λ^t` or `δ` (λ ignored).
    case family(DynamicsFamily, delta: ComplexPair, lambda: ComplexPair)
    /// Arbitrary values `d_1 … d_T`; only defined at `T = values.count`.
    case explicit([ComplexPair])

    /// The family profile from polar parameters `δ = R_δ e^{iφ_δ}`, `λ = R_λ e^{iφ_λ}`.
    public static func polar(_ family: DynamicsFamily, deltaRadius: Double, deltaAngle: Double = 0,
                             lambdaRadius: Double = 1, lambdaAngle: Double = 0) -> EigenvalueProfile {
        .family(family, delta: ComplexPair(radius: deltaRadius, angle: deltaAngle),
                lambda: ComplexPair(radius: lambdaRadius, angle: lambdaAngle))
    }

    /// δ of a family profile; nil for explicit values.
    public var delta: ComplexPair? { if case let .family(_, d, _) = self { return d } else { return nil } }
    /// λ of a family profile; nil for explicit values.
    public var lambda: ComplexPair? { if case let .family(_, _, l) = self { return l } else { return nil } }

    /// `d_{1..T}`; throws for `T < 1` or an explicit profile of another length.
    public func values(timeSteps T: Int) throws -> [ComplexPair] {
        guard T >= 1 else { throw TaskError.invalidParameter("T = \(T); allowed: T ≥ 1") }
        switch self {
        case let .family(f, d, l):
            return (1...T).map { d * f.factor(lambda: l, at: $0, timeSteps: T) }
        case let .explicit(v):
            guard v.count == T else { throw TaskError.lengthMismatch(expected: v.count, requested: T) }
            return v
        }
    }
}
