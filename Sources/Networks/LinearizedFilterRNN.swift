import Linalg

/// The lazy (kernel) limit of a `LinearFilterRNN`: its impulse response linearised in the parameters around θ0
/// (issue 13, Bordelon et al. 2025 lazy regime, our reconstruction).
///
/// With `A0 = W0 − leak·I`, `c0 = s·v0` (s the readout scale) and a displacement `δθ = (δW, δu, δv)`,
///
///     g_lin(t) = c0ᵀ e^{A0 t} u0 + c0ᵀ X(t) u0 + c0ᵀ e^{A0 t} δu + s δvᵀ e^{A0 t} u0,
///     X(t) = ∫₀ᵗ e^{A0 (t−τ)} δW e^{A0 τ} dτ   (the derivative of e^{(A0 + δW) t} along δW),
///
/// which is **exactly** the impulse response of the 2N-dimensional system
///
///     A_aug = [[A0, δW], [0, A0]],   b_aug = [δu; u0],   c_aug = [c0; c0 + s δv],
///
/// because `e^{A_aug t} = [[e^{A0 t}, X(t)], [0, e^{A0 t}]]`. So `L_lin = ½ ∫ (g_lin − g*)²` and its gradients come
/// from `ImpulseResponseDistance` at dimension 2N: `∂L/∂δW` is the (1, 2) block of `∂L/∂A_aug`, `∂L/∂δu` the top half
/// of `∂L/∂b_aug`, `∂L/∂δv` is s times the bottom half of `∂L/∂c_aug`. `A_aug` has the spectrum of `A0` (twice), so the
/// model is stable whenever θ0 is, for every δθ. `g_lin` is affine in δθ, hence `L_lin` is quadratic and its gradient
/// flow is linear. The flat layout of δθ is `LinearFilterRNN`'s (δW column-major, then δu, then δv).
public struct LinearizedFilterRNN: Sendable, Equatable {
    /// The expansion point θ0 (its trained blocks and learning rates also govern the linearised flow).
    public let base: LinearFilterRNN
    /// δW (`N × N`).
    public var deltaW: Matrix
    /// δu (length N).
    public var deltaU: [Double]
    /// δv (length N).
    public var deltaV: [Double]

    /// The linearisation around `base` at δθ = 0 (where it equals the full network to all orders in t).
    public init(around base: LinearFilterRNN) {
        self.base = base
        deltaW = Matrix(rows: base.units, cols: base.units)
        deltaU = [Double](repeating: 0, count: base.units)
        deltaV = deltaU
    }

    /// Number of units N (the augmented system has 2N states).
    public var units: Int { base.units }

    /// The full (nonlinear) network at the same parameters, θ0 + δθ.
    public var displaced: LinearFilterRNN {
        var net = base
        net.w = base.w + deltaW
        for i in 0..<units { net.u[i] += deltaU[i]; net.v[i] += deltaV[i] }
        return net
    }

    /// The 2N-dimensional system `(A_aug, b_aug, c_aug)` whose impulse response is `g_lin`.
    public var augmentedSystem: (a: Matrix, b: [Double], c: [Double]) {
        let n = units, a0 = base.systemMatrix, s = base.readoutScale
        let a = Matrix(rows: 2 * n, cols: 2 * n) { i, j in
            switch (i < n, j < n) {
            case (true, true): return a0[i, j]
            case (true, false): return deltaW[i, j - n]
            case (false, true): return 0
            case (false, false): return a0[i - n, j - n]
            }
        }
        let c0 = base.outputVector
        return (a, deltaU + base.u, c0 + (0..<n).map { c0[$0] + s * deltaV[$0] })
    }

    /// The linearised loss `½ ∫ (g_lin − g*)²`; `distance` must be `2N`-dimensional and share the network's clock.
    public func loss(_ distance: ImpulseResponseDistance) throws -> Double {
        try check(distance)
        let (a, b, c) = augmentedSystem
        return try distance.loss(a: a, b: b, c: c)
    }

    /// The linearised loss, with `∂L/∂δW`, `∂L/∂δu`, `∂L/∂δv` written into `gradient` (`N`-dimensional: `.a`, `.b`,
    /// `.c`); `augmented` is a `2N`-dimensional scratch gradient, `distance` a `2N`-dimensional workspace.
    public func lossAndGradient(_ distance: ImpulseResponseDistance, augmented: inout SystemGradient,
                                into gradient: inout SystemGradient) throws -> Double {
        try check(distance)
        let (a, b, c) = augmentedSystem
        let loss = try distance.lossAndGradient(a: a, b: b, c: c, into: &augmented)
        let n = units, s = base.readoutScale
        for j in 0..<n {
            for i in 0..<n { gradient.a[i, j] = augmented.a[i, n + j] }
            gradient.b[j] = augmented.b[j]
            gradient.c[j] = s * augmented.c[n + j]
        }
        return loss
    }

    private func check(_ distance: ImpulseResponseDistance) throws {
        guard distance.dimension == 2 * units else {
            throw FilterLearningError.invalidParameter(
                "the linearised model of \(units) units needs a \(2 * units)-dimensional distance, got \(distance.dimension)")
        }
        guard distance.target.clock == base.clock else {
            throw FilterLearningError.invalidParameter("the target is \(distance.target.clock) but the network is \(base.clock) time")
        }
    }

    // MARK: Flat displacement vector (δW column-major, then δu, then δv)

    /// Writes δθ into `flat` (length `base.parameterCount`).
    public func write(into flat: UnsafeMutableBufferPointer<Double>) { FlatParameters.write(deltaW, deltaU, deltaV, into: flat) }

    /// Reads δθ from `flat` without reallocating.
    public mutating func read(from flat: UnsafeBufferPointer<Double>) { FlatParameters.read(flat, into: &deltaW, &deltaU, &deltaV) }
}
