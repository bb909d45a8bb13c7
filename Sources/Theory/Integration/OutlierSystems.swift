/// The unbalanced outlier flow on (α, β, κ): dα/dt = −r_α β ∂L/∂a, dβ/dt = −r_β α ∂L/∂a, dκ/dt = −r_κ ∂L/∂κ, a = αβ.
///
/// Reconstructed model (our reduction of Bordelon et al. 2025; see `OutlierLoss` and `OutlierRates` for the model,
/// the ansatz and the normalisations). It is exact for a network started aligned (u₀ ∥ v₀, W₀ = 0). The state is
/// `[α, β, κ]`; α²/r_α − β²/r_β is conserved.
public struct OutlierSystem: JacobianField, Sendable {
    /// The loss (target rate c*).
    public let loss: OutlierLoss
    /// Reduced learning rates.
    public let rates: OutlierRates

    /// The flow against e^{−c* t} with the given rates.
    public init(targetRate: Double, rates: OutlierRates = OutlierRates()) {
        self.loss = OutlierLoss(targetRate: targetRate)
        self.rates = rates
    }

    /// Three: α, β, κ.
    public var dimension: Int { 3 }

    /// The flow.
    public func evaluate(_ t: Double, _ y: UnsafeBufferPointer<Double>, _ dydt: UnsafeMutableBufferPointer<Double>) {
        let alpha = y[0], beta = y[1], kappa = y[2]
        let g = loss.gradient(residue: alpha * beta, decay: kappa)
        dydt[0] = -rates.readIn * beta * g.residue
        dydt[1] = -rates.readOut * alpha * g.residue
        dydt[2] = -rates.decay * g.decay
    }

    /// The exact Jacobian (column-major 3 × 3).
    public func jacobian(_ t: Double, _ y: UnsafeBufferPointer<Double>, _ jacobian: UnsafeMutableBufferPointer<Double>) {
        let alpha = y[0], beta = y[1], kappa = y[2], a = alpha * beta
        let g = loss.gradient(residue: a, decay: kappa)
        let h = loss.hessian(residue: a, decay: kappa)
        let ra = rates.readIn, rb = rates.readOut, rk = rates.decay
        let mixed = g.residue + a * h.residueResidue  // ∂(β ∂L/∂a)/∂β = ∂(α ∂L/∂a)/∂α
        // Column 0: ∂/∂α.
        jacobian[0] = -ra * beta * beta * h.residueResidue
        jacobian[1] = -rb * mixed
        jacobian[2] = -rk * beta * h.residueDecay
        // Column 1: ∂/∂β.
        jacobian[3] = -ra * mixed
        jacobian[4] = -rb * alpha * alpha * h.residueResidue
        jacobian[5] = -rk * alpha * h.residueDecay
        // Column 2: ∂/∂κ.
        jacobian[6] = -ra * beta * h.residueDecay
        jacobian[7] = -rb * alpha * h.residueDecay
        jacobian[8] = -rk * h.decayDecay
    }

    /// The conserved imbalance α²/r_α − β²/r_β of a state `[α, β, κ]` (requires r_α, r_β > 0).
    public func imbalance(_ state: [Double]) -> Double {
        state[0] * state[0] / rates.readIn - state[1] * state[1] / rates.readOut
    }

    /// The balanced start `[α, β, κ]` with residue a₀ > 0 (α²/r_α = β²/r_β) and decay κ₀.
    public func balancedState(residue a0: Double, decay kappa0: Double) -> [Double] {
        precondition(a0 > 0, "balanced start needs a positive residue")
        let m = a0 / rates.residue
        return [(m * rates.readIn).squareRoot(), (m * rates.readOut).squareRoot(), kappa0]
    }
}

/// The balanced outlier flow on (a, κ): da/dt = −2 r_a |a| ∂L/∂a, dκ/dt = −r_κ ∂L/∂κ, with r_a = √(r_α r_β).
///
/// Reconstructed model (our reduction of Bordelon et al. 2025; see `OutlierLoss`, `OutlierRates`): the slice
/// α²/r_α = β²/r_β of `OutlierSystem`, closed in the residue a = αβ. With unit rates,
/// da/dt = 2a [1/(κ + c*) − a/(2κ)] and dκ/dt = a²/(4κ²) − a/(κ + c*)². The unique fixed point with a ≠ 0 is
/// (1, c*). The state is `[a, κ]`.
public struct BalancedOutlierSystem: JacobianField, Sendable {
    /// The loss (target rate c*).
    public let loss: OutlierLoss
    /// Residue rate r_a = √(r_α r_β).
    public let residueRate: Double
    /// Decay rate r_κ.
    public let decayRate: Double

    /// The flow against e^{−c* t} with the balanced-slice rates of `rates`.
    public init(targetRate: Double, rates: OutlierRates = OutlierRates()) {
        self.loss = OutlierLoss(targetRate: targetRate)
        self.residueRate = rates.residue
        self.decayRate = rates.decay
    }

    /// Two: a, κ.
    public var dimension: Int { 2 }

    /// The flow.
    public func evaluate(_ t: Double, _ y: UnsafeBufferPointer<Double>, _ dydt: UnsafeMutableBufferPointer<Double>) {
        let a = y[0], kappa = y[1]
        let g = loss.gradient(residue: a, decay: kappa)
        dydt[0] = -2 * residueRate * abs(a) * g.residue
        dydt[1] = -decayRate * g.decay
    }

    /// The exact Jacobian (column-major 2 × 2; at a = 0 the one-sided derivative for a > 0).
    public func jacobian(_ t: Double, _ y: UnsafeBufferPointer<Double>, _ jacobian: UnsafeMutableBufferPointer<Double>) {
        let a = y[0], kappa = y[1]
        let g = loss.gradient(residue: a, decay: kappa)
        let h = loss.hessian(residue: a, decay: kappa)
        let sign: Double = a < 0 ? -1 : 1
        jacobian[0] = -2 * residueRate * sign * (g.residue + a * h.residueResidue)
        jacobian[1] = -decayRate * h.residueDecay
        jacobian[2] = -2 * residueRate * abs(a) * h.residueDecay
        jacobian[3] = -decayRate * h.decayDecay
    }

    /// The non-trivial fixed point (a, κ) = (1, c*).
    public var fixedPoint: [Double] { [1, loss.targetRate] }

    /// Exponential growth rate of a small residue at decay κ: a ≈ a₀ e^{rate · t} with rate = 2 r_a/(κ + c*)
    /// (the linearisation of da/dt at a = 0; κ moves only at O(a)).
    public func smallResidueGrowthRate(decay kappa: Double) -> Double {
        2 * residueRate / (kappa + loss.targetRate)
    }
}
