import Foundation

/// Hairer–Nørsett–Wanner starting-step heuristic (Solving ODEs I, §II.4) for a method of local order `order + 1`.
///
/// `f0` must hold f(t, y); `probe` and `probeSlope` are scratch. Costs one evaluation (counted in `stats`).
func startingStep<F: VectorField>(_ f: F, _ t: Double, _ y: UnsafeBufferPointer<Double>, f0: UnsafeBufferPointer<Double>,
                                  probe: UnsafeMutableBufferPointer<Double>,
                                  probeSlope: UnsafeMutableBufferPointer<Double>,
                                  relativeTolerance: Double, absoluteTolerance: Double, order: Int, span: Double,
                                  stats: inout ODEStatistics) -> Double {
    let n = y.count
    var d0 = 0.0, d1 = 0.0
    for i in 0..<n {
        let sc = absoluteTolerance + relativeTolerance * abs(y[i])
        d0 += (y[i] / sc) * (y[i] / sc)
        d1 += (f0[i] / sc) * (f0[i] / sc)
    }
    d0 = (d0 / Double(n)).squareRoot()
    d1 = (d1 / Double(n)).squareRoot()
    var h0 = (d0 < 1e-5 || d1 < 1e-5) ? 1e-6 : 0.01 * d0 / d1
    h0 = min(h0, span)
    for i in 0..<n { probe[i] = y[i] + h0 * f0[i] }
    f.evaluate(t + h0, UnsafeBufferPointer(probe), probeSlope)
    stats.evaluations += 1
    var d2 = 0.0
    for i in 0..<n {
        let sc = absoluteTolerance + relativeTolerance * abs(y[i])
        let q = (probeSlope[i] - f0[i]) / sc
        d2 += q * q
    }
    d2 = (d2 / Double(n)).squareRoot() / h0
    let m = max(d1, d2)
    let h1 = m <= 1e-15 ? max(1e-6, h0 * 1e-3) : pow(0.01 / m, 1 / Double(order + 1))
    return max(min(100 * h0, h1, span), 1e-12 * max(1, abs(span)))
}
