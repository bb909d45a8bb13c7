/// One mode's singular-value time-course `s_{1..T}`, defined for any trajectory length T (Proca et al. §2.4, §2.6).
///
/// Every case except `explicit` is a rule in `(t, T)`, so a task built from profiles can be re-evaluated at
/// another length T′ with the same δ, λ, κ, β (the out-of-distribution / extrapolation variant, §4.3).
public indirect enum SingularValueProfile: Sendable, Equatable {
    /// `s_t = δ`.
    case constant(delta: Double)
    /// `s_t = δ λ^{T−t}`.
    case inverseExponential(delta: Double, lambda: Double)
    /// `s_t = δ λ^t`.
    case exponential(delta: Double, lambda: Double)
    /// The base profile for `t < T` and `s_T = κ` (Eq. 10).
    case lastStep(SingularValueProfile, kappa: Double)
    /// `s_1 = β`, `s_T = κ`, zero otherwise (Eq. 11); at `T = 1` the last step wins, `s_1 = κ`.
    case twoDirac(beta: Double, kappa: Double)
    /// Arbitrary values `s_1 … s_T`; only defined at `T = values.count`.
    case explicit([Double])

    /// The profile `δ f(λ, t)` of `family`.
    public static func family(_ family: DynamicsFamily, delta: Double, lambda: Double = 1) -> SingularValueProfile {
        switch family {
        case .constant: return .constant(delta: delta)
        case .inverseExponential: return .inverseExponential(delta: delta, lambda: lambda)
        case .exponential: return .exponential(delta: delta, lambda: lambda)
        }
    }

    /// One profile per mode α from per-dimension `δ_α`, `λ_α` (equal counts).
    public static func family(_ family: DynamicsFamily, deltas: [Double], lambdas: [Double]) -> [SingularValueProfile] {
        precondition(deltas.count == lambdas.count, "need one λ per δ (got \(deltas.count) δ and \(lambdas.count) λ)")
        return zip(deltas, lambdas).map { SingularValueProfile.family(family, delta: $0, lambda: $1) }
    }

    /// The scaling component δ of a family profile (of the base profile for `lastStep`); nil otherwise.
    public var delta: Double? {
        switch self {
        case let .constant(d), let .inverseExponential(d, _), let .exponential(d, _): return d
        case let .lastStep(base, _): return base.delta
        case .twoDirac, .explicit: return nil
        }
    }

    /// The dynamic component λ of a family profile (1 for `constant`); nil otherwise.
    public var lambda: Double? {
        switch self {
        case .constant: return 1
        case let .inverseExponential(_, l), let .exponential(_, l): return l
        case let .lastStep(base, _): return base.lambda
        case .twoDirac, .explicit: return nil
        }
    }

    /// The canonical family (of the base profile for `lastStep`); nil for Dirac and explicit profiles.
    public var family: DynamicsFamily? {
        switch self {
        case .constant: return .constant
        case .inverseExponential: return .inverseExponential
        case .exponential: return .exponential
        case let .lastStep(base, _): return base.family
        case .twoDirac, .explicit: return nil
        }
    }

    /// The only length an `explicit` profile is defined at; nil when every T ≥ 1 is allowed.
    public var fixedLength: Int? {
        switch self {
        case let .explicit(v): return v.count
        case let .lastStep(base, _): return base.fixedLength
        default: return nil
        }
    }

    /// `s_{1..T}`; throws for `T < 1` or an `explicit` profile of another length.
    public func values(timeSteps T: Int) throws -> [Double] {
        guard T >= 1 else { throw TaskError.invalidParameter("T = \(T); allowed: T ≥ 1") }
        switch self {
        case let .constant(d):
            return [Double](repeating: d, count: T)
        case let .inverseExponential(d, l):
            return (1...T).map { d * DynamicsFamily.inverseExponential.factor(lambda: l, at: $0, timeSteps: T) }
        case let .exponential(d, l):
            return (1...T).map { d * DynamicsFamily.exponential.factor(lambda: l, at: $0, timeSteps: T) }
        case let .lastStep(base, kappa):
            var s = try base.values(timeSteps: T)
            s[T - 1] = kappa
            return s
        case let .twoDirac(beta, kappa):
            var s = [Double](repeating: 0, count: T)
            s[0] = beta
            s[T - 1] = kappa
            return s
        case let .explicit(v):
            guard v.count == T else { throw TaskError.lengthMismatch(expected: v.count, requested: T) }
            return v
        }
    }
}
