import Linalg
import Networks
import Numerics
import Theory
import Training

extension BordelonR7 {
    /// Record-by-record comparison of an N-unit flow with its 2-unit reduction on the span basis E (N × 2), and of
    /// the 2-unit network with the closed-form `OscillatorResidueManifold`.
    struct Comparison {
        /// Full network: the two eigenvalues of W of largest modulus, ordered to match `reducedPair`.
        var fullPair: [[Complex<Double>]] = []
        /// 2-unit network: the eigenvalues of W2 (larger imaginary part first).
        var reducedPair: [[Complex<Double>]] = []
        /// Per record: largest |λ_full − λ_2unit|; |L_full − L_2unit| / L(0) (near the optimum a relative gap only
        /// measures how close to zero the loss is, so the gap is taken relative to the initial loss); ‖W − E W2 Eᵀ‖_F / max_t ‖W‖_F; largest of
        /// |u − E u2|, |v − E v2| over √N; fractions of W outside the span from the left and from the right.
        var eigenGap: [Double] = [], lossGap: [Double] = [], liftGap: [Double] = [], vectorGap: [Double] = []
        var outsideLeft: [Double] = [], outsideRight: [Double] = []
        /// Records with a complex 2-unit pair: their times, the closed-form loss, its relative gap to the exact loss,
        /// L*(κ, ω), and L* − L, both gaps divided by the target's half energy E* (the closed form is a difference of
        /// O(E*) terms, so round-off is relative to E*, not to L).
        var complexTimes: [Double] = [], closedFormLoss: [Double] = [], closedFormGap: [Double] = []
        var optimalLoss: [Double] = [], boundViolation: [Double] = []

        init(full: ImpulseResponseFlowRecord, reduced: ImpulseResponseFlowRecord, basis e: Matrix,
             manifold: OscillatorResidueManifold) throws {
            let n = e.rows
            let projector = Matrix.identity(n) - e.timesTranspose(e)
            let scale = full.networks.map(\.w.frobeniusNorm).max() ?? 0
            for (i, (big, small)) in zip(full.networks, reduced.networks).enumerated() {
                let pair = try small.eigenvalues().sorted { $0.imaginary > $1.imaginary }
                let leading = Array(try big.eigenvalues().sorted { $0.length > $1.length }.prefix(2))
                let straight = (leading[0] - pair[0]).length + (leading[1] - pair[1]).length
                let swapped = (leading[1] - pair[0]).length + (leading[0] - pair[1]).length
                let matched = straight <= swapped ? leading : [leading[1], leading[0]]
                fullPair.append(matched)
                reducedPair.append(pair)
                eigenGap.append(max((matched[0] - pair[0]).length, (matched[1] - pair[1]).length))
                lossGap.append(abs(full.losses[i] - reduced.losses[i]) / reduced.losses[0])
                let lifted = e * small.w * e.transposed
                liftGap.append(scale > 0 ? (big.w - lifted).frobeniusNorm / scale : 0)
                let uGap = zip(big.u, e * small.u).map { abs($0 - $1) }.max()!, vGap = zip(big.v, e * small.v).map { abs($0 - $1) }.max()!
                vectorGap.append(max(uGap, vGap) / Double(n).squareRoot())
                let norm = big.w.frobeniusNorm
                outsideLeft.append(norm > 0 ? (projector * big.w).frobeniusNorm / norm : 0)
                outsideRight.append(norm > 0 ? (big.w * projector).frobeniusNorm / norm : 0)
                if pair[0].imaginary > 0 {
                    let kappa = 1 - pair[0].real, omega = pair[0].imaginary
                    guard kappa > 0 else { continue }
                    let rho = small.readoutScale
                    var shifted = small.systemMatrix
                    for k in 0..<2 { shifted[k, k] += kappa }
                    let p = rho * zip(small.v, small.u).reduce(0) { $0 + $1.0 * $1.1 }
                    let q = rho * zip(small.v, shifted * small.u).reduce(0) { $0 + $1.0 * $1.1 } / omega
                    let closed = manifold.loss(p: p, q: q, decay: kappa, frequency: omega)
                    let best = manifold.optimalLoss(decay: kappa, frequency: omega)
                    complexTimes.append(full.times[i])
                    closedFormLoss.append(closed)
                    closedFormGap.append(abs(closed - reduced.losses[i]) / manifold.targetHalfEnergy)
                    optimalLoss.append(best)
                    boundViolation.append((best - reduced.losses[i]) / manifold.targetHalfEnergy)
                }
            }
        }
    }
}
