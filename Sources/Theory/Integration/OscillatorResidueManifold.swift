/// The loss of one complex-conjugate pole pair against the damped-oscillator target e^{−c* t} cos Ωt, and its
/// exact minimum over the residue for a fixed pole pair.
///
/// Reconstructed model (our reduction of Bordelon et al. 2025, spec A.3–A.4; the paper's oscillator equations were not
/// available). Any real 2 × 2 block A = M − I with eigenvalues −κ ± iω (ω > 0) has e^{At} = e^{−κt}(cos ωt I +
/// sin ωt (A + κI)/ω), so a 2-unit network (read-in u, readout v, readout scale ρ) has impulse response
/// g(t) = e^{−κt}(p cos ωt + q sin ωt) with p = ρ vᵀu and q = ρ vᵀ(A + κI)u/ω (complex residue (p − iq)/2 at
/// −κ + iω). The loss ½∫(g − g*)² is quadratic in x = (p, q): L = ½ xᵀGx − bᵀx + E*, with (S = κ + c*)
///
///     G = [[1/(4κ) + κ/(4(κ²+ω²)), ω/(4(κ²+ω²))], [ω/(4(κ²+ω²)), 1/(4κ) − κ/(4(κ²+ω²))]],
///     b = ½ [S/(S²+(ω−Ω)²) + S/(S²+(ω+Ω)²),  (ω+Ω)/(S²+(ω+Ω)²) + (ω−Ω)/(S²+(ω−Ω)²)],
///     E* = ½ [1/(4c*) + c*/(4(c*²+Ω²))],
///
/// so the optimal residue is x* = G⁻¹b and L* = E* − ½ bᵀG⁻¹b (zero exactly at (κ, ω) = (c*, Ω), x* = (1, 0)).
/// The dynamics of the pair (how the block's entries move) is left to the 2-unit network itself.
public struct OscillatorResidueManifold: Sendable, Equatable {
    /// Target decay rate c* > 0.
    public let targetRate: Double
    /// Target angular frequency Ω ≥ 0.
    public let targetFrequency: Double

    /// The manifold for target e^{−c* t} cos Ωt.
    public init(targetRate: Double, targetFrequency: Double) {
        precondition(targetRate > 0 && targetRate.isFinite, "target rate c* must be positive and finite")
        precondition(targetFrequency >= 0 && targetFrequency.isFinite, "target frequency must be finite and ≥ 0")
        self.targetRate = targetRate
        self.targetFrequency = targetFrequency
    }

    /// The target's half energy E* = ½∫g*².
    public var targetHalfEnergy: Double {
        let c = targetRate, w = targetFrequency
        return 0.5 * (1 / (4 * c) + c / (4 * (c * c + w * w)))
    }

    /// The Gram matrix G (entries pp, pq, qq) of the mode's cosine and sine parts (κ > 0, ω > 0).
    public func gram(decay kappa: Double, frequency omega: Double) -> (pp: Double, pq: Double, qq: Double) {
        precondition(kappa > 0 && omega > 0, "need κ > 0 and ω > 0")
        let r = kappa * kappa + omega * omega
        return (1 / (4 * kappa) + kappa / (4 * r), omega / (4 * r), 1 / (4 * kappa) - kappa / (4 * r))
    }

    /// The overlaps b = (∫ e^{−κt} cos ωt g*, ∫ e^{−κt} sin ωt g*).
    public func overlap(decay kappa: Double, frequency omega: Double) -> (p: Double, q: Double) {
        let s = kappa + targetRate, w = targetFrequency
        let minus = s * s + (omega - w) * (omega - w), plus = s * s + (omega + w) * (omega + w)
        return (0.5 * (s / minus + s / plus), 0.5 * ((omega + w) / plus + (omega - w) / minus))
    }

    /// L(p, q; κ, ω).
    public func loss(p: Double, q: Double, decay kappa: Double, frequency omega: Double) -> Double {
        let g = gram(decay: kappa, frequency: omega), b = overlap(decay: kappa, frequency: omega)
        return 0.5 * (g.pp * p * p + 2 * g.pq * p * q + g.qq * q * q) - b.p * p - b.q * q + targetHalfEnergy
    }

    /// The loss-optimal residue x* = G⁻¹b for the pole pair −κ ± iω.
    public func optimalResidue(decay kappa: Double, frequency omega: Double) -> (p: Double, q: Double) {
        let g = gram(decay: kappa, frequency: omega), b = overlap(decay: kappa, frequency: omega)
        let det = g.pp * g.qq - g.pq * g.pq
        return ((g.qq * b.p - g.pq * b.q) / det, (g.pp * b.q - g.pq * b.p) / det)
    }

    /// L on the manifold: E* − ½ bᵀG⁻¹b.
    public func optimalLoss(decay kappa: Double, frequency omega: Double) -> Double {
        let x = optimalResidue(decay: kappa, frequency: omega), b = overlap(decay: kappa, frequency: omega)
        return targetHalfEnergy - 0.5 * (b.p * x.p + b.q * x.q)
    }
}
