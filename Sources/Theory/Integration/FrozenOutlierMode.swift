/// The λ-balanced feedforward mode that one RNN mode with a frozen, already-learned decay reduces to (issue 13;
/// reconstructed model of Bordelon et al. 2025, our derivation).
///
/// Network (spec A.3): dh/dt = −leak·h + W h + u x, y = ρ vᵀh, trained by du/dt = −η_u ∂L/∂u, dv/dt = −η_v ∂L/∂v on
/// L = ½∫(g − g*)² against g* = s e^{−c* t}, with W frozen at (leak − c*) x xᵀ (|x| = 1) so the x-mode already decays
/// at the target rate (κ = c* in `OutlierLoss`), and u, v started along x. Every gradient is then a multiple of x, so
/// u = p x, v = q x for all t, g(t) = a e^{−c* t} with residue a = ρ p q, and L = (a − s)²/(4c*). With α = √ρ p,
/// β = √ρ q (so a = αβ) and the reduced rates r_α = ρη_u, r_β = ρη_v of `OutlierRates`:
///
///     dα/dt = r_α β (s − a)/(2c*),  dβ/dt = r_β α (s − a)/(2c*).
///
/// The layer strengths c = α (r_β/r_α)^{1/4} (read-in, first layer) and d = β (r_α/r_β)^{1/4} (readout, second layer)
/// have c·d = a and make this exactly a two-layer mode `τ da/dt = (c² + d²)(s − a) = √(λ² + 4a²)(s − a)` with
///
///     τ = 2c*/√(r_α r_β) = 2c*/(ρ√(η_u η_v)),
///     λ = d² − c² = √(r_α r_β)(β²/r_β − α²/r_α) = ρ√(η_u η_v)(q²/η_v − p²/η_u) = −ρ√(η_u η_v) xᵀC x,
///
/// where C = uuᵀ/η_u − vvᵀ/η_v + (WWᵀ − WᵀW)/η_W is the network's conserved charge (its W part vanishes for the
/// symmetric frozen W). With the spec's defaults (ρ = 1/N, η_u = η_v = N): τ = 2c*, a = u·v/N, λ = (|v|² − |u|²)/N.
public struct FrozenOutlierMode: Sendable, Equatable {
    /// Target decay rate c* > 0 (the frozen mode's decay).
    public let targetRate: Double
    /// Target amplitude s > 0 (g* = s e^{−c* t}).
    public let targetAmplitude: Double
    /// The reduced rates r_α = ρη_u, r_β = ρη_v (the decay rate is unused: W is frozen).
    public let rates: OutlierRates

    /// The reduction for target s e^{−c* t} with reduced rates `rates` (read-in and readout rates positive).
    public init(targetRate: Double, targetAmplitude: Double = 1, rates: OutlierRates) {
        precondition(targetRate > 0 && targetRate.isFinite, "target rate c* must be positive and finite")
        precondition(targetAmplitude > 0 && targetAmplitude.isFinite, "target amplitude s must be positive and finite")
        precondition(rates.readIn > 0 && rates.readOut > 0, "read-in and readout rates must be positive")
        self.targetRate = targetRate
        self.targetAmplitude = targetAmplitude
        self.rates = rates
    }

    /// τ = 2c*/√(r_α r_β).
    public var timeConstant: Double { 2 * targetRate / rates.residue }

    /// λ = √(r_α r_β)(β²/r_β − α²/r_α) of the amplitudes α = √ρ (x·u), β = √ρ (x·v).
    public func imbalance(readIn alpha: Double, readOut beta: Double) -> Double {
        rates.residue * (beta * beta / rates.readOut - alpha * alpha / rates.readIn)
    }

    /// The λ-balanced mode of amplitudes (α, β).
    public func mode(readIn alpha: Double, readOut beta: Double) -> LambdaBalancedMode {
        LambdaBalancedMode(target: targetAmplitude, imbalance: imbalance(readIn: alpha, readOut: beta), timeConstant: timeConstant)
    }

    /// The amplitudes (α, β) with residue a0 = αβ and imbalance λ: the layer strengths (c, d) of
    /// `LambdaBalancedMode`, mapped back by α = c (r_α/r_β)^{1/4}, β = d (r_β/r_α)^{1/4}.
    public func amplitudes(residue a0: Double, imbalance lambda: Double) -> (readIn: Double, readOut: Double) {
        let layers = LambdaBalancedMode(target: targetAmplitude, imbalance: lambda, timeConstant: timeConstant)
            .layerStrengths(strength: a0)
        let ratio = (rates.readIn / rates.readOut).squareRoot().squareRoot()
        return (layers.first * ratio, layers.second / ratio)
    }
}
