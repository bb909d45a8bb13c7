/// An error-controlled integrator that returns the states at requested output times (Dormand–Prince, RODAS3).
public protocol AdaptiveODEIntegrator: Sendable {
    /// The solution at `outputTimes` (non-decreasing, ≥ `t0`), each reached exactly by the stepper.
    func solve<F: VectorField>(_ field: F, initial y0: [Double], from t0: Double,
                               outputTimes: [Double]) throws(ODEError) -> ODESolution
}

extension AdaptiveODEIntegrator {
    /// The first time in `(t0, tMax]` at which component `component` of the solution crosses `level`, or nil.
    ///
    /// The solution is advanced one `scanStep` interval at a time (each interval a fresh solve from the last state,
    /// so nothing past the crossing is integrated) to bracket the first sign change of `y[component] − level`, which
    /// is then narrowed by bisection (re-integrating from the bracket's left end) until the bracket is shorter than
    /// `timeTolerance`; the midpoint is returned. Crossings that start and end inside one scan interval are missed.
    public func firstCrossingTime<F: VectorField>(_ field: F, initial y0: [Double], from t0: Double = 0,
                                                  component: Int, level: Double, until tMax: Double,
                                                  scanStep: Double, timeTolerance: Double = 1e-10) throws(ODEError)
        -> Double? {
        precondition(component >= 0 && component < field.dimension, "component out of range")
        precondition(tMax > t0 && scanStep > 0 && timeTolerance > 0, "need tMax > t0 and positive steps")
        let startSide = y0[component] - level
        if startSide == 0 { return t0 }
        var lo = t0, yLo = y0, hi = t0
        while true {
            if lo >= tMax { return nil }
            hi = min(lo + scanStep, tMax)
            let yHi = try solve(field, initial: yLo, from: lo, outputTimes: [hi]).finalState
            if (yHi[component] - level) * startSide <= 0 { break }
            lo = hi
            yLo = yHi
        }
        while hi - lo > timeTolerance {
            let mid = 0.5 * (lo + hi)
            let yMid = try solve(field, initial: yLo, from: lo, outputTimes: [mid]).finalState
            if (yMid[component] - level) * startSide <= 0 { hi = mid } else { lo = mid; yLo = yMid }
        }
        return 0.5 * (lo + hi)
    }
}
