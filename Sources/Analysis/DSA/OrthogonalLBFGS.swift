import Linalg

/// Riemannian L-BFGS on one component of O(n) for `OrthogonalSimilarityObjective`, deterministic: each step works
/// in the Cayley chart centred at the current point, takes the two-loop direction from the stored pairs, finds a
/// weak-Wolfe step by bisection (c₁ = 1e-4, c₂ = 0.9) and re-centres the chart at the accepted point. Curvature
/// pairs `(s, Γ(s) − Γ(0))` are exact in the chart they were taken in and reused in the next charts as they are.
/// Near the optimum, where f no longer resolves decreases, Hager and Zhang's approximate Wolfe condition lets the
/// gradient keep converging; a run ends at the gradient tolerance, the iteration cap, or a failed line search.
struct OrthogonalLBFGS: Sendable {
    /// Maximum iterations (accepted steps).
    var maximumIterations: Int
    /// Stop once the chart gradient's coordinate norm `‖Γ‖_F / √2` is at most this.
    var gradientTolerance: Double
    /// Stored curvature pairs.
    var memory: Int

    /// The end point and the counts of one run from orthogonal `start`.
    struct Outcome {
        var point: Matrix
        var loss: Double
        var iterations: Int
        var evaluations: Int
        var gradientNorm: Double
        var converged: Bool
    }

    func minimize(_ objective: OrthogonalSimilarityObjective, from start: Matrix) throws -> Outcome {
        var current = objective.centre(start)
        var gradient = current.gradient
        var pairs: [(s: Matrix, y: Matrix, rho: Double)] = []
        var evaluations = 1, iterations = 0, stalled = 0
        var norm = gradient.frobeniusNorm / 2.squareRoot()
        while norm > gradientTolerance && iterations < maximumIterations {
            var direction = twoLoop(gradient, pairs)
            var slope = 0.5 * gradient.dot(direction)
            if !(slope < 0) {
                pairs.removeAll()
                direction = -1 * gradient
                slope = 0.5 * gradient.dot(direction)
            }
            var step = pairs.isEmpty ? min(1, 1 / norm) : 1
            var lower = 0.0, upper = Double.infinity
            var accepted: OrthogonalSimilarityObjective.Evaluation?
            for _ in 0..<60 {
                let trial = try objective.evaluate(from: current, skew: step * direction)
                evaluations += 1
                let trialSlope = 0.5 * trial.gradient.dot(direction)
                // Armijo, or its approximate form once values stop resolving decreases (Hager–Zhang): the value is
                // within rounding of the current one and the slope has not overshot.
                let decreases = trial.value <= current.value + 1e-4 * step * slope
                    || (trial.value <= current.value + 1e-14 * abs(current.value) && trialSlope <= -0.9998 * slope)
                if !decreases {
                    upper = step
                } else if trialSlope < 0.9 * slope {
                    lower = step
                    accepted = trial  // Armijo holds; keep it in case the bracket collapses
                } else {
                    accepted = trial
                    break
                }
                step = upper.isFinite ? 0.5 * (lower + upper) : 2 * lower
                if upper.isFinite && upper - lower <= 1e-14 * upper { break }
            }
            guard let next = accepted else { break }
            stalled = next.value < current.value ? 0 : stalled + 1
            if stalled > 10 { break }  // only rounding-level moves for a while: the gradient is at its noise floor
            let s = step * direction
            let y = next.gradient - gradient
            let sy = s.dot(y)
            if sy > 0 && y.dot(y) > 0 {
                pairs.append((s, y, 1 / sy))
                if pairs.count > memory { pairs.removeFirst() }
            }
            current = next
            gradient = objective.recentredGradient(current)
            norm = gradient.frobeniusNorm / 2.squareRoot()
            iterations += 1
        }
        return Outcome(point: current.point, loss: current.value, iterations: iterations, evaluations: evaluations,
                       gradientNorm: norm, converged: norm <= gradientTolerance)
    }

    /// `−H g` by the L-BFGS two-loop recursion with initial scaling `sᵀy / yᵀy` of the newest pair.
    private func twoLoop(_ g: Matrix, _ pairs: [(s: Matrix, y: Matrix, rho: Double)]) -> Matrix {
        var q = g
        var alphas = [Double](repeating: 0, count: pairs.count)
        for i in pairs.indices.reversed() {
            alphas[i] = pairs[i].rho * pairs[i].s.dot(q)
            q.addScaled(pairs[i].y, -alphas[i])
        }
        if let newest = pairs.last { q = (1 / (newest.rho * newest.y.dot(newest.y))) * q }
        for i in pairs.indices {
            let beta = pairs[i].rho * pairs[i].y.dot(q)
            q.addScaled(pairs[i].s, alphas[i] - beta)
        }
        return -1 * q
    }
}
