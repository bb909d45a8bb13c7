import ExperimentKit
import Linalg
import Theory

/// Plain gradient descent on the per-mode energy (Proca et al. Eqs. 5–7) for many independent single-mode tasks:
/// each point is one `ModeFlow` integrated by explicit Euler with step η, which is exactly one GD step of size η
/// on an aligned full-matrix network (`LossConvention`). Used for phase diagrams, where every grid point is a
/// separate converged run.
///
/// Points are independent and each writes only its own result slot, so the results are bit-identical for any
/// number of worker threads (workers take points `w, w + threads, …`; the order of arithmetic inside a point
/// never depends on the schedule). Each worker owns one `ODEWorkspace` (caller-owned stage buffers).
public struct ModeDescentGrid: Sendable {
    /// One grid point: a single-mode task and its initial mode.
    public struct Point: Sendable, Equatable {
        /// The task's singular-value time-course `[s_1, …, s_T]` (final readout).
        public var singularValues: [Double]
        /// The initial mode (a, b, c).
        public var initial: Proca2025.Mode

        /// A point.
        public init(singularValues: [Double], initial: Proca2025.Mode) {
            precondition(!singularValues.isEmpty, "a point needs at least one time step")
            self.singularValues = singularValues
            self.initial = initial
        }
    }

    /// What a point ended at.
    public struct Outcome: Sendable, Equatable {
        /// The mode after the step budget.
        public var mode: Proca2025.Mode
        /// max(|Δb|, |Δ(ac)|) / η over the final GD step: the flow speed at the end, ≈ 0 when settled; large when
        /// GD is still drifting or oscillating at its step-size stability edge.
        public var finalSpeed: Double
        /// Largest eigenvalue λ_max of the energy's Hessian in (a, b, c) at the final mode. GD with step η is
        /// linearly stable there only while η λ_max < 2; at η λ_max ≈ 2 it sits on its stability edge.
        public var curvature: Double
    }

    /// The grid points, in output order.
    public var points: [Point]
    /// GD step size η (Euler step of the mode flow).
    public var learningRate: Double
    /// GD steps per point (≥ 1).
    public var steps: Int

    /// A grid of `steps` GD steps of size `learningRate` per point.
    public init(points: [Point], learningRate: Double, steps: Int) {
        precondition(learningRate > 0 && learningRate.isFinite, "learning rate must be positive and finite")
        precondition(steps >= 1, "need at least one step")
        self.points = points
        self.learningRate = learningRate
        self.steps = steps
    }

    /// Runs every point on up to `threads` threads (`ParallelMap`); results in point order, the same for any count.
    public func run(threads: Int = 2) -> [Outcome] {
        let points = self.points, eta = learningRate, steps = self.steps
        // Nothing in `descend` throws; the workspace is per thread.
        return (try? ParallelMap.map(points.count, threads: threads, state: { ODEWorkspace(dimension: 3) }) { i, workspace in
            let r = Self.descend(points[i], learningRate: eta, steps: steps, workspace: &workspace)
            return Outcome(mode: r.mode, finalSpeed: r.finalSpeed, curvature: r.curvature)
        }) ?? []
    }

    /// `steps` Euler steps of the mode flow of one point.
    public static func descend(_ p: Point, learningRate eta: Double, steps: Int, workspace: inout ODEWorkspace) -> Outcome {
        let flow = Proca2025.ModeFlow(singularValues: p.singularValues)
        let euler = FixedStepIntegrator(.euler, stepSize: eta)
        var y = p.initial.state, t = 0.0
        euler.advance(flow, time: &t, state: &y, steps: steps - 1, workspace: &workspace)
        let bPrev = y[1], uPrev = y[0] * y[2]
        euler.advance(flow, time: &t, state: &y, steps: 1, workspace: &workspace)
        let speed = max(abs(y[1] - bPrev), abs(y[0] * y[2] - uPrev)) / eta
        let mode = Proca2025.Mode(state: y)
        return Outcome(mode: mode, finalSpeed: speed, curvature: maxCurvature(mode, singularValues: p.singularValues))
    }

    /// The Hessian of the per-mode energy `E = ½ Σ_k (S_k − u b^k)²` (u = ac, lag k = T − i) in (a, b, c).
    ///
    /// With r_k = S_k − u b^k, X = Σ r_k b^k, Y = Σ k r_k b^{k−1}, Z = Σ k(k−1) r_k b^{k−2}, P = Σ b^{2k},
    /// Q = Σ k b^{2k−1}, R = Σ k² b^{2k−2}: E_aa = c²P, E_cc = a²P, E_ac = uP − X, E_ab = c(uQ − Y),
    /// E_cb = a(uQ − Y), E_bb = u²R − uZ.
    public static func hessian(_ m: Proca2025.Mode, singularValues s: [Double]) -> Matrix {
        let T = s.count, u = m.u, b = m.b
        var x = 0.0, y = 0.0, z = 0.0, pp = 0.0, q = 0.0, r = 0.0
        for k in 0..<T {
            let bk = integerPowerOf(b, k), bk1 = k >= 1 ? integerPowerOf(b, k - 1) : 0, bk2 = k >= 2 ? integerPowerOf(b, k - 2) : 0
            let res = s[T - 1 - k] - u * bk
            let dk = Double(k)
            x += res * bk; y += dk * res * bk1; z += dk * (dk - 1) * res * bk2
            pp += bk * bk; q += dk * bk * bk1; r += dk * dk * bk1 * bk1
        }
        let eab = m.c * (u * q - y), ecb = m.a * (u * q - y)
        let rows: [[Double]] = [[m.c * m.c * pp, eab, u * pp - x], [eab, u * u * r - u * z, ecb], [u * pp - x, ecb, m.a * m.a * pp]]
        return Matrix(rows: 3, cols: 3) { rows[$0][$1] }
    }

    /// λ_max of `hessian(_:singularValues:)` (NaN if the eigensolver fails or the mode is not finite).
    public static func maxCurvature(_ m: Proca2025.Mode, singularValues s: [Double]) -> Double {
        guard m.a.isFinite, m.b.isFinite, m.c.isFinite, let e = try? hessian(m, singularValues: s).symmetricEigen() else {
            return .nan
        }
        return e.values.last ?? .nan
    }

    static func integerPowerOf(_ x: Double, _ n: Int) -> Double {
        var r = 1.0
        for _ in 0..<n { r *= x }
        return r
    }
}
