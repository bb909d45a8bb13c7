/// Errors of the exact impulse-response loss and of the filter-learning networks (one line each).
public enum FilterLearningError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Continuous time: `A` has an eigenvalue with real part ≥ 0, so the impulse response does not decay.
    case unstableContinuous(largestRealPart: Double)
    /// Discrete time: `A` has spectral radius ≥ 1, so the impulse response does not decay.
    case unstableDiscrete(spectralRadius: Double)
    /// A parameter is outside its allowed range (the message names it and what is allowed).
    case invalidParameter(String)

    /// One-line explanation.
    public var description: String {
        switch self {
        case let .unstableContinuous(x):
            return "the system matrix A = W − leak·I is not stable: its largest eigenvalue real part is \(x) (must be < 0), "
                + "so the impulse-response loss is infinite"
        case let .unstableDiscrete(rho):
            return "the system matrix A = W − leak·I is not stable: its spectral radius is \(rho) (must be < 1), "
                + "so the impulse-response loss is infinite"
        case let .invalidParameter(message): return "invalid parameter: \(message)"
        }
    }
}
