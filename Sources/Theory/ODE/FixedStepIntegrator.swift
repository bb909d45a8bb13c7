/// A fixed-step explicit one-step method.
public enum FixedStepMethod: String, Sendable, CaseIterable {
    /// Explicit Euler (one evaluation per step); one step of size η is one gradient-descent step of size η.
    case euler
    /// The classical 4th-order Runge–Kutta method (four evaluations per step).
    case rk4
}

/// Fixed-step integration (explicit Euler, RK4) with caller-owned buffers.
public struct FixedStepIntegrator: Sendable {
    /// The one-step method.
    public var method: FixedStepMethod
    /// The nominal step size h > 0.
    public var stepSize: Double

    /// An integrator taking steps of (about) `stepSize` with `method`.
    public init(_ method: FixedStepMethod, stepSize: Double) {
        precondition(stepSize > 0 && stepSize.isFinite, "step size must be positive and finite")
        self.method = method
        self.stepSize = stepSize
    }

    /// One step of size `h` from `(t, y)`, in place; allocation-free.
    public func step<F: VectorField>(_ field: F, time t: Double, state y: inout [Double], size h: Double,
                                     workspace: inout ODEWorkspace) {
        precondition(y.count == field.dimension && workspace.dimension == field.dimension, "dimension mismatch")
        let method = self.method
        workspace.withStages { stages in
            y.withUnsafeMutableBufferPointer { yp in Self.rawStep(method, field, t, yp, h, stages) }
        }
    }

    /// `steps` steps of exactly `stepSize` from `(t, y)`, in place; `t` advances by `steps · stepSize`.
    ///
    /// `observer(stepIndex, t, y)` is called after every step (1-based); returning `false` stops early and the
    /// number of steps taken is returned.
    @discardableResult
    public func advance<F: VectorField>(_ field: F, time t: inout Double, state y: inout [Double], steps: Int,
                                        workspace: inout ODEWorkspace,
                                        observer: ((Int, Double, UnsafeBufferPointer<Double>) -> Bool)? = nil) -> Int {
        precondition(y.count == field.dimension && workspace.dimension == field.dimension, "dimension mismatch")
        let method = self.method, h = stepSize, t0 = t
        var taken = 0
        workspace.withStages { stages in
            y.withUnsafeMutableBufferPointer { yp in
                var n = 0
                while n < steps {
                    Self.rawStep(method, field, t0 + Double(n) * h, yp, h, stages)
                    n += 1
                    taken = n
                    if let observer, !observer(n, t0 + Double(n) * h, UnsafeBufferPointer(yp)) { break }
                }
            }
        }
        t = t0 + Double(taken) * h
        return taken
    }

    /// The solution at `outputTimes` (non-decreasing, ≥ `t0`), hit exactly.
    ///
    /// Each interval between output times is split into `n` equal steps, `n` the smallest integer with
    /// `interval / n ≤ stepSize` (up to a relative 1e-9 slack), so output times on the `stepSize` grid are
    /// reached with exactly `interval / stepSize` steps of size `stepSize`.
    public func solve<F: VectorField>(_ field: F, initial y0: [Double], from t0: Double = 0,
                                      outputTimes: [Double]) -> ODESolution {
        precondition(y0.count == field.dimension, "initial state has wrong dimension")
        precondition(validOutputTimes(outputTimes, from: t0), "output times must be finite, sorted and ≥ t0")
        var ws = ODEWorkspace(dimension: field.dimension)
        var y = y0, t = t0
        var out = ODESolution(times: outputTimes, states: [], statistics: ODEStatistics())
        out.states.reserveCapacity(outputTimes.count)
        let perStep = method == .euler ? 1 : 4
        for tout in outputTimes {
            let interval = tout - t
            if interval > 0 {
                let n = Self.stepCount(interval: interval, stepSize: stepSize)
                let h = interval / Double(n)
                let method = self.method, tStart = t
                ws.withStages { stages in
                    y.withUnsafeMutableBufferPointer { yp in
                        for j in 0..<n { Self.rawStep(method, field, tStart + Double(j) * h, yp, h, stages) }
                    }
                }
                out.statistics.acceptedSteps += n
                out.statistics.evaluations += n * perStep
                t = tout
            }
            out.states.append(y)
        }
        return out
    }

    /// Smallest n with interval / n ≤ stepSize (with a 1e-9 relative slack for round-off).
    public static func stepCount(interval: Double, stepSize: Double) -> Int {
        let q = interval / stepSize
        let r = q.rounded()
        if abs(q - r) <= 1e-9 * max(1, q) { return max(1, Int(r)) }
        return max(1, Int(q.rounded(.up)))
    }

    /// One step on raw buffers; stages 0–4 are used as scratch.
    @inline(__always)
    static func rawStep<F: VectorField>(_ method: FixedStepMethod, _ f: F, _ t: Double,
                                        _ y: UnsafeMutableBufferPointer<Double>, _ h: Double,
                                        _ stages: StageBuffers) {
        let n = y.count
        switch method {
        case .euler:
            let k1 = stages[0]
            f.evaluate(t, UnsafeBufferPointer(y), k1)
            for i in 0..<n { y[i] += h * k1[i] }
        case .rk4:
            let k1 = stages[0], k2 = stages[1], k3 = stages[2], k4 = stages[3], tmp = stages[4]
            f.evaluate(t, UnsafeBufferPointer(y), k1)
            for i in 0..<n { tmp[i] = y[i] + 0.5 * h * k1[i] }
            f.evaluate(t + 0.5 * h, UnsafeBufferPointer(tmp), k2)
            for i in 0..<n { tmp[i] = y[i] + 0.5 * h * k2[i] }
            f.evaluate(t + 0.5 * h, UnsafeBufferPointer(tmp), k3)
            for i in 0..<n { tmp[i] = y[i] + h * k3[i] }
            f.evaluate(t + h, UnsafeBufferPointer(tmp), k4)
            let h6 = h / 6
            for i in 0..<n { y[i] += h6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]) }
        }
    }
}
