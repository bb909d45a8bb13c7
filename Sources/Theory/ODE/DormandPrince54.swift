import Foundation

/// Adaptive Dormand–Prince 5(4) integrator (FSAL, local extrapolation) with standard step-size control.
///
/// The error of each step is measured in the scaled RMS norm `sqrt(mean((e_i / (atol + rtol·max(|y_i|, |ŷ_i|)))²))`;
/// a step is accepted when that norm is ≤ 1, and the next step is `h · min(facMax, max(facMin, safety · err^(−1/5)))`
/// (no growth right after a rejection). There is no dense output: steps are shortened to land on every output
/// time exactly, so the returned states are true integrator states at the requested times.
public struct DormandPrince54: AdaptiveODEIntegrator, Sendable {
    /// Relative tolerance.
    public var relativeTolerance: Double
    /// Absolute tolerance.
    public var absoluteTolerance: Double
    /// First trial step; `nil` selects it automatically (Hairer–Nørsett–Wanner's starting-step heuristic).
    public var initialStep: Double?
    /// Largest step allowed.
    public var maxStep: Double
    /// Budget of attempted steps over the whole run.
    public var maxSteps: Int
    /// Safety factor of the controller.
    public var safety = 0.9
    /// Smallest step-size ratio.
    public var facMin = 0.2
    /// Largest step-size ratio.
    public var facMax = 10.0

    /// An integrator with the given tolerances.
    public init(relativeTolerance: Double = 1e-8, absoluteTolerance: Double = 1e-10, initialStep: Double? = nil,
                maxStep: Double = .infinity, maxSteps: Int = 1_000_000) {
        precondition(relativeTolerance >= 0 && absoluteTolerance >= 0 && relativeTolerance + absoluteTolerance > 0,
                     "tolerances must be non-negative and not both zero")
        self.relativeTolerance = relativeTolerance
        self.absoluteTolerance = absoluteTolerance
        self.initialStep = initialStep
        self.maxStep = maxStep
        self.maxSteps = maxSteps
    }

    // Butcher tableau (Dormand & Prince 1980).
    static let c2 = 1.0 / 5, c3 = 3.0 / 10, c4 = 4.0 / 5, c5 = 8.0 / 9
    static let a21 = 1.0 / 5
    static let a31 = 3.0 / 40, a32 = 9.0 / 40
    static let a41 = 44.0 / 45, a42 = -56.0 / 15, a43 = 32.0 / 9
    static let a51 = 19372.0 / 6561, a52 = -25360.0 / 2187, a53 = 64448.0 / 6561, a54 = -212.0 / 729
    static let a61 = 9017.0 / 3168, a62 = -355.0 / 33, a63 = 46732.0 / 5247, a64 = 49.0 / 176, a65 = -5103.0 / 18656
    static let a71 = 35.0 / 384, a73 = 500.0 / 1113, a74 = 125.0 / 192, a75 = -2187.0 / 6784, a76 = 11.0 / 84
    // Error weights: 5th-order minus embedded 4th-order weights.
    static let e1 = 71.0 / 57600, e3 = -71.0 / 16695, e4 = 71.0 / 1920, e5 = -17253.0 / 339200, e6 = 22.0 / 525,
               e7 = -1.0 / 40

    /// The solution at `outputTimes` (non-decreasing, ≥ `t0`), each reached exactly by the stepper.
    public func solve<F: VectorField>(_ field: F, initial y0: [Double], from t0: Double = 0,
                                      outputTimes: [Double]) throws(ODEError) -> ODESolution {
        var ws = ODEWorkspace(dimension: field.dimension)
        return try solve(field, initial: y0, from: t0, outputTimes: outputTimes, workspace: &ws)
    }

    /// As `solve(_:initial:from:outputTimes:)`, with caller-owned stage buffers; `stop(t, y)`, asked after every
    /// accepted step, ends the run early: the solution then holds the output times passed so far and, last, the
    /// stopping time `t` (not a requested time) with its state.
    public func solve<F: VectorField>(_ field: F, initial y0: [Double], from t0: Double = 0, outputTimes: [Double],
                                      workspace: inout ODEWorkspace,
                                      stop: ((Double, UnsafeBufferPointer<Double>) -> Bool)? = nil) throws(ODEError) -> ODESolution {
        precondition(y0.count == field.dimension && workspace.dimension == field.dimension, "dimension mismatch")
        guard validOutputTimes(outputTimes, from: t0) else { throw .invalidOutputTimes }
        var out = ODESolution(times: outputTimes, states: [], statistics: ODEStatistics())
        out.states.reserveCapacity(outputTimes.count)
        var y = y0
        let n = field.dimension
        let result: ODEError? = workspace.withStages { st in
            y.withUnsafeMutableBufferPointer { yp -> ODEError? in
                let k1 = st[0], k7 = st[6], ynew = st[8]
                var t = t0
                guard yp.allSatisfy({ $0.isFinite }) else { return .nonFinite(time: t) }
                field.evaluate(t, UnsafeBufferPointer(yp), k1)
                out.statistics.evaluations += 1
                guard let tLast = outputTimes.last, tLast > t0 else {
                    for _ in outputTimes { out.states.append(Array(yp)) }
                    return nil
                }
                var control = StepSizeController(
                    initial: initialStep ?? startingStep(field, t, UnsafeBufferPointer(yp), f0: UnsafeBufferPointer(k1),
                                                         probe: st[7], probeSlope: st[1],
                                                         relativeTolerance: relativeTolerance,
                                                         absoluteTolerance: absoluteTolerance, order: 4,
                                                         span: tLast - t0, stats: &out.statistics),
                    maxStep: maxStep, maxSteps: maxSteps, safety: safety, facMin: facMin, facMax: facMax, exponent: 0.2)
                for tout in outputTimes {
                    while t < tout {
                        do throws(ODEError) {
                            let (hStep, clipped) = try control.trial(at: t, toward: tout)
                            let err = attempt(field, t, hStep, yp, st)
                            out.statistics.evaluations += 6
                            guard err.isFinite else {
                                out.statistics.rejectedSteps += 1
                                try control.failed(size: hStep, at: t)
                                continue
                            }
                            if control.judge(error: err, size: hStep, clipped: clipped) {
                                t = clipped ? tout : t + hStep
                                for i in 0..<n { yp[i] = ynew[i] }
                                for i in 0..<n { k1[i] = k7[i] }  // FSAL
                                out.statistics.acceptedSteps += 1
                                if let stop, stop(t, UnsafeBufferPointer(yp)) {
                                    out.times = Array(outputTimes[..<out.states.count]) + [t]
                                    out.states.append(Array(yp))
                                    return nil
                                }
                            } else {
                                out.statistics.rejectedSteps += 1
                            }
                        } catch {
                            return error
                        }
                    }
                    out.states.append(Array(yp))
                }
                return nil
            }
        }
        if let result { throw result }
        return out
    }

    /// One trial step of size h from (t, y): fills k2…k7 (k1 given), the 5th-order state in stage 8, and
    /// returns the scaled error norm.
    private func attempt<F: VectorField>(_ f: F, _ t: Double, _ h: Double, _ y: UnsafeMutableBufferPointer<Double>,
                                         _ st: StageBuffers) -> Double {
        let n = y.count
        let k1 = st[0], k2 = st[1], k3 = st[2], k4 = st[3], k5 = st[4], k6 = st[5], k7 = st[6]
        let tmp = st[7], ynew = st[8]
        typealias S = DormandPrince54
        for i in 0..<n { tmp[i] = y[i] + h * S.a21 * k1[i] }
        f.evaluate(t + S.c2 * h, UnsafeBufferPointer(tmp), k2)
        for i in 0..<n { tmp[i] = y[i] + h * (S.a31 * k1[i] + S.a32 * k2[i]) }
        f.evaluate(t + S.c3 * h, UnsafeBufferPointer(tmp), k3)
        for i in 0..<n { tmp[i] = y[i] + h * (S.a41 * k1[i] + S.a42 * k2[i] + S.a43 * k3[i]) }
        f.evaluate(t + S.c4 * h, UnsafeBufferPointer(tmp), k4)
        for i in 0..<n { tmp[i] = y[i] + h * (S.a51 * k1[i] + S.a52 * k2[i] + S.a53 * k3[i] + S.a54 * k4[i]) }
        f.evaluate(t + S.c5 * h, UnsafeBufferPointer(tmp), k5)
        for i in 0..<n {
            tmp[i] = y[i] + h * (S.a61 * k1[i] + S.a62 * k2[i] + S.a63 * k3[i] + S.a64 * k4[i] + S.a65 * k5[i])
        }
        f.evaluate(t + h, UnsafeBufferPointer(tmp), k6)
        for i in 0..<n {
            ynew[i] = y[i] + h * (S.a71 * k1[i] + S.a73 * k3[i] + S.a74 * k4[i] + S.a75 * k5[i] + S.a76 * k6[i])
        }
        f.evaluate(t + h, UnsafeBufferPointer(ynew), k7)
        var sum = 0.0
        for i in 0..<n {
            let e = h * (S.e1 * k1[i] + S.e3 * k3[i] + S.e4 * k4[i] + S.e5 * k5[i] + S.e6 * k6[i] + S.e7 * k7[i])
            let sc = absoluteTolerance + relativeTolerance * max(abs(y[i]), abs(ynew[i]))
            let q = e / sc
            sum += q * q
        }
        return (sum / Double(n)).squareRoot()
    }
}
