import CKernels
import Linalg

/// Task statistics zero-padded to the layout of the fused small-network kernel (`rnndyn_population.h`):
/// N_x and N_y are rounded up to X, Y ∈ {4, 8}.
package struct PaddedPopulationStatistics: Sendable, Equatable {
    /// `C_k` side by side, `Y × T·X` column-major (entry `(i, k·X + c)` is `C_k(i, c)`).
    package let targets: [Double]
    /// `A` as a row-major `T·X × T·X` matrix (entry `(k·X + i, k′·X + i′)` is `A(k·N_x + i, k′·N_x + i′)`), or nil
    /// for whitened inputs.
    package let moments: [Double]?

    /// The padded form of the lag targets and input moments, or nil when N_x or N_y exceeds 8.
    package init?(lagTargets: [Matrix], inputMoments: Matrix?) {
        let T = lagTargets.count, ny = lagTargets[0].rows, nx = lagTargets[0].cols
        guard rnndyn_population_supported(1, nx, ny, T) != 0 else { return nil }
        let x = rnndyn_population_padded(nx), y = rnndyn_population_padded(ny), tx = T * x
        var c = [Double](repeating: 0, count: y * tx)
        for k in 0..<T {
            for j in 0..<nx { for i in 0..<ny { c[i + (k * x + j) * y] = lagTargets[k][i, j] } }
        }
        targets = c
        guard let a = inputMoments else { moments = nil; return }
        var m = [Double](repeating: 0, count: tx * tx)
        for k2 in 0..<T {
            for j in 0..<nx {
                for k in 0..<T { for i in 0..<nx { m[(k2 * x + j) + (k * x + i) * tx] = a[k * nx + i, k2 * nx + j] } }
            }
        }
        moments = m
    }
}
