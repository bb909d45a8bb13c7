import Linalg
import Tasks

/// Landau analysis of the Dirac task `s_1 = β`, `s_T = 1/β`, zero otherwise (§6.3, App. H).
///
/// Energies use our per-mode convention `E = ½ Σ r²`, i.e. **half** the spec's/paper's E* (which drops the ½):
/// `u*(b) = A(b)/B(b)` with `A = β b^{T−1} + 1/β`, `B = Σ_{i<T} b^{2i}`, and
/// `E*(b) = ½ [β² + 1/β² − A²/B]`; the trivial branch is b = 0, u = 1/β, E = ½β² (spec erratum 3: not u = β).
/// The factor ½ moves no minimum and no critical point. Minima are searched over |b| ≤ `bMax` (for T ≥ 5 the
/// recurrent branch's infimum is at b → ∞, so β_c there depends on `bMax`, as the spec notes).
public struct LandauAnalysis: Sendable {
    /// Sequence length T ≥ 2.
    public let length: Int
    /// Search bound |b| ≤ bMax.
    public var bMax: Double
    /// Number of grid points on [−bMax, bMax] (odd, so b = 0 is on the grid) before golden-section refinement.
    public var gridPoints: Int

    /// An analysis at length T.
    public init(length T: Int, bMax: Double = 3, gridPoints: Int = 4001) {
        precondition(T >= 2, "the Dirac task needs T ≥ 2")
        precondition(bMax > 0 && gridPoints >= 3, "need bMax > 0 and at least 3 grid points")
        self.length = T
        self.bMax = bMax
        self.gridPoints = gridPoints | 1
    }

    /// The task's singular values `[β, 0, …, 0, 1/β]`.
    public func singularValues(beta: Double) -> [Double] {
        SingularValueProfile.twoDirac(beta: beta, kappa: 1 / beta).singularValues(length: length)
    }

    /// u*(b) = (β b^{T−1} + 1/β) / Σ_{i<T} b^{2i}, the input–output mode minimising E at fixed b.
    public func optimalInputOutput(b: Double, beta: Double) -> Double {
        (beta * integerPower(b, length - 1) + 1 / beta) / regulariserFactor(b: b, length: length, readout: .final)
    }

    /// E*(b) = ½ [β² + 1/β² − (β b^{T−1} + 1/β)² / Σ_{i<T} b^{2i}].
    public func effectiveEnergy(b: Double, beta: Double) -> Double {
        let a = beta * integerPower(b, length - 1) + 1 / beta
        return 0.5 * (beta * beta + 1 / (beta * beta) - a * a / regulariserFactor(b: b, length: length, readout: .final))
    }

    /// The trivial (feed-forward, pruned) branch b = 0, u = 1/β, E = ½β².
    public func trivialBranch(beta: Double) -> LandauMinimum {
        LandauMinimum(b: 0, u: 1 / beta, energy: 0.5 * beta * beta, isTrivial: true)
    }

    /// The global minimum of E*(b) over |b| ≤ bMax (grid search, then golden-section refinement on both
    /// neighbouring cells). Reported as trivial unless it beats E*(0) by more than 10⁻¹² · max(1, E*(0)).
    public func globalMinimum(beta: Double) -> LandauMinimum {
        let n = gridPoints, h = 2 * bMax / Double(n - 1)
        var bestJ = 0, bestE = Double.infinity
        for j in 0..<n {
            let e = effectiveEnergy(b: -bMax + Double(j) * h, beta: beta)
            if e < bestE { bestE = e; bestJ = j }
        }
        var bestB = -bMax + Double(bestJ) * h
        for (lo, hi) in [(bestB - h, bestB), (bestB, bestB + h)] {
            let l = max(lo, -bMax), r = min(hi, bMax)
            guard r > l else { continue }
            let (b, e) = goldenSection(l, r) { effectiveEnergy(b: $0, beta: beta) }
            if e < bestE { bestE = e; bestB = b }
        }
        let e0 = effectiveEnergy(b: 0, beta: beta)
        if bestE < e0 - 1e-12 * max(1, abs(e0)) {
            return LandauMinimum(b: bestB, u: optimalInputOutput(b: bestB, beta: beta), energy: bestE, isTrivial: false)
        }
        return LandauMinimum(b: 0, u: 1 / beta, energy: e0, isTrivial: true)
    }

    /// The critical β_c in `betaRange` where the global minimum leaves the trivial branch (bisection), and
    /// the transition's order judged from |b*| just above β_c (continuous when below `jumpThreshold`).
    ///
    /// T = 3 gives the continuous transition at β_c = 1/√2 (spec erratum 3: the paper also writes √2), T = 4 a
    /// jump at β_c = 1 (E* ties at b = 0 and b = 1 there).
    /// Returns nil when the trivial branch is not the global minimum at the lower end, or still is at the upper end.
    public func criticalPoint(betaRange: ClosedRange<Double> = 0.05...3, tolerance: Double = 1e-10,
                              jumpThreshold: Double = 0.1) -> PhaseTransition? {
        var lo = betaRange.lowerBound, hi = betaRange.upperBound
        guard globalMinimum(beta: lo).isTrivial, !globalMinimum(beta: hi).isTrivial else { return nil }
        while hi - lo > tolerance * max(1, hi) {
            let mid = 0.5 * (lo + hi)
            if globalMinimum(beta: mid).isTrivial { lo = mid } else { hi = mid }
        }
        let betaC = 0.5 * (lo + hi)
        let above = globalMinimum(beta: hi + 1e-6 * max(1, hi))
        return PhaseTransition(criticalBeta: betaC, order: abs(above.b) >= jumpThreshold ? .jump : .continuous,
                               minimumAbove: above)
    }

    /// Golden-section minimisation of a unimodal-ish f on [l, r]; returns (argmin, min).
    func goldenSection(_ l: Double, _ r: Double, _ f: (Double) -> Double) -> (Double, Double) {
        let g = 0.5 * (5.0.squareRoot() - 1)
        var a = l, b = r
        var x1 = b - g * (b - a), x2 = a + g * (b - a)
        var f1 = f(x1), f2 = f(x2)
        for _ in 0..<100 where b - a > 1e-15 * max(1, abs(a) + abs(b)) {
            if f1 <= f2 { b = x2; x2 = x1; f2 = f1; x1 = b - g * (b - a); f1 = f(x1) }
            else { a = x1; x1 = x2; f1 = f2; x2 = a + g * (b - a); f2 = f(x2) }
        }
        var best = f1 <= f2 ? (x1, f1) : (x2, f2)
        for x in [l, r] { let fx = f(x); if fx < best.1 { best = (x, fx) } }
        return best
    }
}

/// A minimum of the Landau effective energy.
public struct LandauMinimum: Sendable, Equatable {
    /// The recurrent mode b*.
    public var b: Double
    /// The input–output mode u*(b*).
    public var u: Double
    /// E*(b*) (our ½ convention).
    public var energy: Double
    /// Whether this is the trivial branch b = 0.
    public var isTrivial: Bool
}

/// How the global minimum leaves the trivial branch.
public enum TransitionOrder: String, Sendable {
    /// b* grows continuously from 0 (second order; T = 3).
    case continuous
    /// b* jumps to a finite value (first order; T ≥ 4).
    case jump
}

/// A critical point of the Dirac-task Landau analysis.
public struct PhaseTransition: Sendable, Equatable {
    /// β_c (s_1/s_T = β_c²).
    public var criticalBeta: Double
    /// Continuous or jump.
    public var order: TransitionOrder
    /// The global minimum just above β_c (β_c + 10⁻⁶ relative).
    public var minimumAbove: LandauMinimum
}
