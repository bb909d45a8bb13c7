import Foundation
import Linalg

/// How far a tangent kernel has moved: alignment, distance and spectrum.
public enum KernelMetrics {
    /// Kernel alignment `⟨A, B⟩_F / (‖A‖_F ‖B‖_F)` (for symmetric kernels `Tr(A B) / (‖A‖ ‖B‖)`, the measure of
    /// the degeneracy digest §3), in [−1, 1]; NaN if either kernel is zero or not finite. The quotient can round
    /// past ±1 by an ulp for (anti)parallel kernels, where Cauchy–Schwarz bounds it, so it is clamped to [−1, 1].
    public static func alignment(_ a: Matrix, _ b: Matrix) -> Double {
        precondition(a.shape == b.shape, "kernels differ in shape: \(a.shape) vs \(b.shape)")
        let na = a.frobeniusNorm, nb = b.frobeniusNorm
        guard na > 0, nb > 0, na.isFinite, nb.isFinite else { return .nan }
        let q = a.dot(b) / (na * nb)
        return q > 1 ? 1 : q < -1 ? -1 : q
    }

    /// Kernel distance of Fort et al. (2020), Proca et al. Eq. 135: `1 − ⟨K₀, K_t⟩_F / (‖K₀‖_F ‖K_t‖_F)`, in [0, 2];
    /// 0 when the kernel only rescales; NaN if either kernel is zero or not finite.
    ///
    /// Evaluated as `½ ‖K₀/‖K₀‖ − K_t/‖K_t‖‖²_F`, the same number in exact arithmetic (both unit vectors): a sum of
    /// squares, so it is never negative, and accurate for kernels that barely move, where `1 − alignment` cancels
    /// to round-off (−2.8e-15 for an unmoved kernel).
    public static func distance(_ k0: Matrix, _ kt: Matrix) -> Double {
        precondition(k0.shape == kt.shape, "kernels differ in shape: \(k0.shape) vs \(kt.shape)")
        let n0 = k0.frobeniusNorm, nt = kt.frobeniusNorm
        guard n0 > 0, nt > 0, n0.isFinite, nt.isFinite else { return .nan }
        var sum = 0.0
        k0.storage.withUnsafeBufferPointer { a in
            kt.storage.withUnsafeBufferPointer { b in
                for i in 0..<a.count {
                    let d = a[i] / n0 - b[i] / nt
                    sum += d * d
                }
            }
        }
        return 0.5 * sum
    }

    /// Eigenvalues of a symmetric kernel in descending order (LAPACK dsyevd on its symmetric part).
    public static func eigenvalues(_ kernel: Matrix) throws -> [Double] {
        try kernel.symmetricEigen().values.reversed()
    }

    /// The `count` largest eigenvalues, descending (NaN entries if the kernel is not finite or LAPACK fails).
    public static func topEigenvalues(_ kernel: Matrix, count: Int) -> [Double] {
        guard let all = try? eigenvalues(kernel) else { return [Double](repeating: .nan, count: count) }
        return (0..<count).map { $0 < all.count ? all[$0] : .nan }
    }
}

/// How far the weights have moved from a reference point, per parameter block.
public enum WeightChange {
    /// `‖W_t − W_0‖_F` per block.
    public static func norms(from initial: [Matrix], to current: [Matrix]) -> [Double] {
        precondition(initial.count == current.count, "block counts differ")
        return zip(initial, current).map { w0, w in (w - w0).frobeniusNorm }
    }

    /// `‖W_t − W_0‖_F / ‖W_0‖_F` per block (infinite for a block that starts at zero and moves, NaN if it stays zero).
    public static func relative(from initial: [Matrix], to current: [Matrix]) -> [Double] {
        zip(norms(from: initial, to: current), initial).map { d, w0 in
            let n = w0.frobeniusNorm
            return n > 0 ? d / n : (d > 0 ? .infinity : .nan)
        }
    }
}
