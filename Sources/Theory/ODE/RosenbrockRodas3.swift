import Foundation
import Linalg

/// Adaptive L-stable Rosenbrock method RODAS3 (4 stages, order 3, embedded order 2) with step-size control, for
/// stiff systems.
///
/// Coefficients: A. Sandu, J. G. Verwer, J. G. Blom, E. J. Spee, G. R. Carmichael, F. A. Potra, "Benchmarking stiff
/// ODE solvers for atmospheric chemistry problems II: Rosenbrock solvers", Atmospheric Environment 31 (1997)
/// 3459–3472, in the (A, C, m, e, α, γᵢ) form of the KPP Rosenbrock integrators. With γ = 1/2, J = ∂f/∂y(t, y) and
/// G = I/(hγ) − J, one step from (t, y) is
///
///     G Kᵢ = f(t + αᵢ h, y + Σ_{j<i} a_ij K_j) + Σ_{j<i} (c_ij / h) K_j + h γᵢ ∂f/∂t(t, y),   i = 1…4,
///     y_{n+1} = y + 2 K₁ + K₃ + K₄,   local error estimate K₄,
///
/// so every step costs one Jacobian, one LU factorisation of G (shared by the four stage solves) and two new
/// evaluations of f (stages 1 and 2 share f(t, y)). The method is stiffly accurate (y_{n+1} is the last stage's
/// value), hence L-stable (R(∞) = 0). The Jacobian comes from the field when it conforms to `JacobianField`, else
/// from forward differences (`dimension` extra evaluations); ∂f/∂t is a forward difference unless `isAutonomous`.
/// Step control and output handling match `DormandPrince54` (scaled RMS error ≤ 1, factor `safety · err^(−1/3)`,
/// output times hit exactly); a step whose stage matrix is singular or whose error is not finite is retried shorter.
public struct RosenbrockRodas3: AdaptiveODEIntegrator, Sendable {
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
    /// True when f does not depend on t explicitly (skips the ∂f/∂t difference, one evaluation per step).
    public var isAutonomous: Bool
    /// Forms Jacobians by forward differences even when the field supplies its own.
    public var finiteDifferenceJacobian = false
    /// Safety factor of the controller.
    public var safety = 0.9
    /// Smallest step-size ratio.
    public var facMin = 0.2
    /// Largest step-size ratio.
    public var facMax = 6.0

    /// An integrator with the given tolerances.
    public init(relativeTolerance: Double = 1e-8, absoluteTolerance: Double = 1e-10, initialStep: Double? = nil,
                maxStep: Double = .infinity, maxSteps: Int = 1_000_000, isAutonomous: Bool = false) {
        precondition(relativeTolerance >= 0 && absoluteTolerance >= 0 && relativeTolerance + absoluteTolerance > 0,
                     "tolerances must be non-negative and not both zero")
        self.relativeTolerance = relativeTolerance
        self.absoluteTolerance = absoluteTolerance
        self.initialStep = initialStep
        self.maxStep = maxStep
        self.maxSteps = maxSteps
        self.isAutonomous = isAutonomous
    }

    /// The solution at `outputTimes` (non-decreasing, ≥ `t0`), each reached exactly.
    ///
    /// The Jacobian is the field's own when it conforms to `JacobianField` (unless `finiteDifferenceJacobian`), else
    /// a forward difference.
    public func solve<F: VectorField>(_ field: F, initial y0: [Double], from t0: Double = 0,
                                      outputTimes: [Double]) throws(ODEError) -> ODESolution {
        try run(stepper(field), initial: y0, from: t0, outputTimes: outputTimes)
    }

    /// One step of size `h` from `(t, y)` without step control (for convergence studies); returns the scaled error
    /// estimate of the step.
    @discardableResult
    public func step<F: VectorField>(_ field: F, time t: Double, state y: inout [Double],
                                     size h: Double) throws(ODEError) -> Double {
        try singleStep(stepper(field), t, &y, h)
    }

    private func stepper<F: VectorField>(_ field: F) -> RosenbrockStepper<F> {
        var provider: RosenbrockStepper<F>.JacobianProvider?
        if !finiteDifferenceJacobian, let analytic = field as? any JacobianField {
            provider = { t, y, jac in analytic.jacobian(t, y, jac) }
        }
        return RosenbrockStepper(field, jacobian: provider, method: self)
    }

    private func singleStep<F>(_ stepper: RosenbrockStepper<F>, _ t: Double, _ y: inout [Double],
                               _ h: Double) throws(ODEError) -> Double {
        precondition(y.count == stepper.n, "dimension mismatch")
        precondition(h > 0 && h.isFinite, "step size must be positive and finite")
        var stats = ODEStatistics()
        stepper.load(y)
        stepper.prepare(t, &stats)
        guard let err = stepper.attempt(t, h, &stats) else { throw .nonFinite(time: t) }
        y = stepper.proposal
        return err
    }

    private func run<F>(_ s: RosenbrockStepper<F>, initial y0: [Double], from t0: Double,
                        outputTimes: [Double]) throws(ODEError) -> ODESolution {
        precondition(y0.count == s.n, "initial state has wrong dimension")
        guard validOutputTimes(outputTimes, from: t0) else { throw .invalidOutputTimes }
        var out = ODESolution(times: outputTimes, states: [], statistics: ODEStatistics())
        out.states.reserveCapacity(outputTimes.count)
        var t = t0
        guard y0.allSatisfy({ $0.isFinite }) else { throw .nonFinite(time: t) }
        s.load(y0)
        guard let tLast = outputTimes.last, tLast > t0 else {
            for _ in outputTimes { out.states.append(y0) }
            return out
        }
        s.prepare(t, &out.statistics)
        var control = StepSizeController(
            initial: initialStep ?? s.startingStep(t, span: tLast - t0, &out.statistics), maxStep: maxStep,
            maxSteps: maxSteps, safety: safety, facMin: facMin, facMax: facMax, exponent: 1.0 / 3)
        for tout in outputTimes {
            while t < tout {
                let (hStep, clipped) = try control.trial(at: t, toward: tout)
                guard let err = s.attempt(t, hStep, &out.statistics), err.isFinite else {
                    // Singular stage matrix or overflow: retry shorter (J, f, ∂f/∂t at (t, y) are kept).
                    out.statistics.rejectedSteps += 1
                    try control.failed(size: hStep, at: t)
                    continue
                }
                if control.judge(error: err, size: hStep, clipped: clipped) {
                    t = clipped ? tout : t + hStep
                    s.accept()
                    out.statistics.acceptedSteps += 1
                    if t < tLast { s.prepare(t, &out.statistics) }
                } else {
                    out.statistics.rejectedSteps += 1
                }
            }
            out.states.append(s.current)
        }
        return out
    }

    // RODAS3 coefficients (Sandu et al. 1997; strictly lower triangular A and C stored row-wise).
    static let gamma = 0.5
    static let a: [[Double]] = [[], [0], [2, 0], [2, 0, 1]]
    static let c: [[Double]] = [[], [4], [1, -1], [1, -1, -8.0 / 3]]
    static let m: [Double] = [2, 0, 1, 1]
    static let e: [Double] = [0, 0, 0, 1]
    static let alpha: [Double] = [0, 0, 1, 1]
    static let gammaSum: [Double] = [0.5, 1.5, 0, 0]
    /// Stage 2 reuses stage 1's evaluation (its abscissa and argument equal stage 1's).
    static let newEvaluation: [Bool] = [true, false, true, true]
}
