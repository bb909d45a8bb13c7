import Linalg
import Networks

/// The stiffest eigenvalue of the gradient-flow Jacobian J = −diag(η) ∇²L at one network, by power iteration on
/// central differences of the velocity −η ⊙ ∇L (the exact gradient, so only J's products are approximated).
///
/// J is self-adjoint in the inner product ⟨x, y⟩ = Σ x_k y_k / η_k, so its eigenvalues are real and the Rayleigh
/// quotient in that inner product converges to the eigenvalue of largest modulus — the most negative one near a
/// minimum, which bounds a stable explicit-Euler (gradient-descent) step by 2/|λ|.
struct FlowJacobianProbe {
    /// The loss the flow descends.
    let distance: ImpulseResponseDistance

    /// The estimate after `iterations` power steps from the start vector `start` (length `parameterCount`), and the
    /// relative change of the estimate over the last step (a convergence diagnostic).
    func dominantEigenvalue(at network: LinearFilterRNN, start: [Double], iterations: Int) throws -> (value: Double, change: Double) {
        let rates = Self.rates(network)
        func inner(_ x: [Double], _ y: [Double]) -> Double { zip(zip(x, y), rates).reduce(0) { $0 + $1.0.0 * $1.0.1 / $1.1 } }
        var theta = [Double](repeating: 0, count: network.parameterCount)
        theta.withUnsafeMutableBufferPointer { network.write(into: $0) }
        let scale = max(1, theta.reduce(0) { $0 + $1 * $1 }.squareRoot())
        var net = network, gradient = SystemGradient(dimension: network.units)
        func velocity(_ x: [Double]) throws -> [Double] {
            x.withUnsafeBufferPointer { net.read(from: $0) }
            _ = try net.lossAndGradient(distance, into: &gradient)
            var out = [Double](repeating: 0, count: x.count)
            out.withUnsafeMutableBufferPointer { net.writeVelocity(gradient, into: $0) }
            return out
        }
        var x = start
        var estimate = 0.0, change = Double.infinity
        for _ in 0..<iterations {
            let norm = inner(x, x).squareRoot()
            x = x.map { $0 / norm }
            let step = 1e-6 * scale / x.reduce(0) { $0 + $1 * $1 }.squareRoot()
            let plus = try velocity(zip(theta, x).map { $0 + step * $1 })
            let minus = try velocity(zip(theta, x).map { $0 - step * $1 })
            let jx = zip(plus, minus).map { ($0 - $1) / (2 * step) }
            let next = inner(x, jx)
            change = abs(next - estimate) / max(abs(next), 1e-300)
            estimate = next
            x = jx
        }
        return (estimate, change)
    }

    /// The learning rate of each entry of the flat parameter vector (W column-major, then u, then v).
    static func rates(_ network: LinearFilterRNN) -> [Double] {
        let n = network.units, r = network.learningRates
        return [Double](repeating: r.w, count: n * n) + [Double](repeating: r.u, count: n) + [Double](repeating: r.v, count: n)
    }
}
