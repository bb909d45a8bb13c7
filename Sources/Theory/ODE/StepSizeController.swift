import Foundation

/// Step-size bookkeeping shared by the adaptive integrators: landing on output times, the step budget, and the
/// accept/reject rule `h ← h · min(facMax, max(facMin, safety · err^(−exponent)))` (no growth right after a
/// rejection; a step clipped to hit an output time never shrinks the natural step).
struct StepSizeController {
    /// The natural step.
    var h: Double
    let maxStep: Double, maxSteps: Int, safety: Double, facMin: Double, facMax: Double
    /// 1/(order of the error estimate + 1).
    let exponent: Double
    private var attempts = 0
    private var rejectedLast = false

    init(initial h: Double, maxStep: Double, maxSteps: Int, safety: Double, facMin: Double, facMax: Double,
         exponent: Double) {
        self.h = min(h, maxStep)
        self.maxStep = maxStep; self.maxSteps = maxSteps
        self.safety = safety; self.facMin = facMin; self.facMax = facMax; self.exponent = exponent
    }

    /// The next trial step from t toward `tout` (shortened to land on it exactly, avoiding a sliver step before it).
    mutating func trial(at t: Double, toward tout: Double) throws(ODEError) -> (size: Double, clipped: Bool) {
        attempts += 1
        if attempts > maxSteps { throw .tooManySteps(time: t) }
        var size = h, clipped = false
        if t + 1.01 * size >= tout { size = tout - t; clipped = true }
        if size <= 4 * Double.ulpOfOne * max(abs(t), 1) { throw .stepSizeUnderflow(time: t) }
        return (size, clipped)
    }

    /// A trial that failed outright (overflow, singular stage matrix): maximal shrink, give up once h is negligible.
    mutating func failed(size: Double, at t: Double) throws(ODEError) {
        h = size * facMin
        rejectedLast = true
        if h <= 4 * Double.ulpOfOne * max(abs(t), 1) { throw .nonFinite(time: t) }
    }

    /// Updates h after a trial with scaled error `err`; returns whether the step is accepted (err ≤ 1).
    mutating func judge(error err: Double, size: Double, clipped: Bool) -> Bool {
        let factor = min(facMax, max(facMin, safety * pow(max(err, 1e-300), -exponent)))
        guard err <= 1 else {
            h = size * min(1, factor)
            rejectedLast = true
            return false
        }
        let grown = size * (rejectedLast ? min(1, factor) : factor)
        h = min(maxStep, clipped ? max(grown, h) : grown)
        rejectedLast = false
        return true
    }
}
