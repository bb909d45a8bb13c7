/// The states of an ODE solution at the requested output times.
public struct ODESolution: Sendable {
    /// Output times, exactly as requested.
    public var times: [Double]
    /// `states[j]` is the state at `times[j]`.
    public var states: [[Double]]
    /// Work counters of the run.
    public var statistics: ODEStatistics

    /// The final state (the state at the last output time).
    public var finalState: [Double] { states[states.count - 1] }
    /// Component `index` of the state at every output time.
    public func component(_ index: Int) -> [Double] { states.map { $0[index] } }
}

/// Work counters of an integration.
public struct ODEStatistics: Sendable, Equatable {
    /// Accepted steps.
    public var acceptedSteps = 0
    /// Rejected (retried) steps; always 0 for fixed-step methods.
    public var rejectedSteps = 0
    /// Vector-field evaluations (including those spent on finite-difference Jacobians and time derivatives).
    public var evaluations = 0
    /// Jacobians formed (analytic or by finite differences); 0 for explicit methods.
    public var jacobianEvaluations = 0
    /// LU factorisations of the stage matrix; 0 for explicit methods.
    public var factorizations = 0
    /// Creates zeroed counters.
    public init() {}
}

/// Failures of the adaptive integrator.
public enum ODEError: Error, Equatable, Sendable {
    /// The step size fell below the resolution of `t`.
    case stepSizeUnderflow(time: Double)
    /// The step budget ran out before the last output time.
    case tooManySteps(time: Double)
    /// The state or the error estimate became NaN/Inf.
    case nonFinite(time: Double)
    /// Output times are not finite, non-decreasing and at or after the start time.
    case invalidOutputTimes
}

/// Validates output times (finite, sorted, not before `t0`).
public func validOutputTimes(_ times: [Double], from t0: Double) -> Bool {
    var prev = t0
    for t in times {
        guard t.isFinite, t >= prev else { return false }
        prev = t
    }
    return true
}
