/// The impulse-response loss of one real outlier mode against the exponential-filter target e^{−c* t}.
///
/// **Reconstructed model** (our own reduction of Bordelon, Cotler, Pehlevan & Zavatone-Veth 2025, "learning to
/// integrate"; the paper's equations were not available, so every normalisation here is ours — see the issue-13
/// spec digest, A.3–A.4). A mode with residue a and decay rate κ has impulse response a e^{−κt}; with white-noise
/// input the loss is half the squared L² distance of impulse responses,
///
///     L(a, κ) = ½ ∫₀^∞ (a e^{−κt} − e^{−c* t})² dt = a²/(4κ) − a/(κ + c*) + 1/(4c*),
///
/// defined for κ > 0. In the network, κ = 1 − λ with λ the outlier eigenvalue of W (leaky units, unit time
/// constant), so the target pole sits at λ = 1 − c*.
public struct OutlierLoss: Sendable, Equatable {
    /// Target decay rate c* > 0.
    public let targetRate: Double

    /// The loss against e^{−c* t}.
    public init(targetRate: Double) {
        precondition(targetRate > 0 && targetRate.isFinite, "target rate c* must be positive and finite")
        self.targetRate = targetRate
    }

    /// L(a, κ).
    public func value(residue a: Double, decay kappa: Double) -> Double {
        let c = targetRate
        return a * a / (4 * kappa) - a / (kappa + c) + 1 / (4 * c)
    }

    /// (∂L/∂a, ∂L/∂κ).
    public func gradient(residue a: Double, decay kappa: Double) -> (residue: Double, decay: Double) {
        let s = kappa + targetRate
        return (a / (2 * kappa) - 1 / s, -a * a / (4 * kappa * kappa) + a / (s * s))
    }

    /// (∂²L/∂a², ∂²L/∂a∂κ, ∂²L/∂κ²).
    public func hessian(residue a: Double, decay kappa: Double)
        -> (residueResidue: Double, residueDecay: Double, decayDecay: Double) {
        let s = kappa + targetRate
        return (1 / (2 * kappa), -a / (2 * kappa * kappa) + 1 / (s * s),
                a * a / (2 * kappa * kappa * kappa) - 2 * a / (s * s * s))
    }

    /// The unique minimiser with a ≠ 0: (a, κ) = (1, c*), where L = 0.
    public var minimizer: (residue: Double, decay: Double) { (1, targetRate) }
}

/// Learning rates of the reduced outlier flow and their mapping from the network's gradient-flow rates.
///
/// Aligned ansatz (reconstruction, spec A.4): u = (α/√ρ) e, v = (β/√ρ) e, W = (1 − κ) e eᵀ with |e| = 1 and
/// readout y = ρ vᵀh (ρ = 1/N in the spec's default). Then g(t) = ρ vᵀ e^{(W−I)t} u = αβ e^{−κt}, so a = αβ, and
/// gradient flow dW/dt = −η_W ∂L/∂W, du/dt = −η_u ∂L/∂u, dv/dt = −η_v ∂L/∂v keeps the ansatz (every gradient is a
/// multiple of e or e eᵀ) with
///
///     dα/dt = −r_α β ∂L/∂a,  dβ/dt = −r_β α ∂L/∂a,  dκ/dt = −r_κ ∂L/∂κ,
///     r_α = ρ η_u,  r_β = ρ η_v,  r_κ = η_W.
///
/// The spec's choice (ρ = 1/N, η_W = 1, η_u = η_v = N) gives r_α = r_β = r_κ = 1. The conserved quantity is
/// α²/r_α − β²/r_β (the one-mode form of u uᵀ/η_u − v vᵀ/η_v + (W Wᵀ − WᵀW)/η_W).
public struct OutlierRates: Sendable, Equatable {
    /// Rate r_α of the read-in amplitude α.
    public var readIn: Double
    /// Rate r_β of the readout amplitude β.
    public var readOut: Double
    /// Rate r_κ of the decay κ = 1 − λ.
    public var decay: Double

    /// Explicit reduced rates (all non-negative).
    public init(readIn: Double = 1, readOut: Double = 1, decay: Double = 1) {
        precondition(readIn >= 0 && readOut >= 0 && decay >= 0, "rates must be non-negative")
        self.readIn = readIn
        self.readOut = readOut
        self.decay = decay
    }

    /// The reduced rates of a network trained with rates (η_W, η_u, η_v) and readout scale ρ (y = ρ vᵀh).
    public init(etaW: Double, etaU: Double, etaV: Double, readoutScale: Double) {
        precondition(readoutScale > 0, "readout scale must be positive")
        self.init(readIn: readoutScale * etaU, readOut: readoutScale * etaV, decay: etaW)
    }

    /// The residue rate √(r_α r_β) of the balanced slice α²/r_α = β²/r_β, where da/dt = −2√(r_α r_β)|a| ∂L/∂a.
    public var residue: Double { (readIn * readOut).squareRoot() }
}
