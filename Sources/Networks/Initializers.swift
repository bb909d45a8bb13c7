import Foundation
import Linalg
import SequenceData

// The frame itself (`TaskBasis`) is data (SequenceData); reading a network in it is network code.
extension TaskBasis {
    /// The diagonal mode values `(a, b, c)` of a network in this frame (spec §2.8):
    /// `W̄_x = Rᵀ W_x V_x`, `W̄_h = Rᵀ W_h R`, `W̄_y = U_yᵀ W_y R`.
    public func modes(of net: LinearRNN) -> (a: [Double], b: [Double], c: [Double]) {
        let m = modeCount
        let ax = r.transposeTimes(net.wx * vx), bh = r.transposeTimes(net.wh * r), cy = uy.transposeTimes(net.wy * r)
        return ((0..<m).map { ax[$0, $0] }, (0..<m).map { bh[$0, $0] }, (0..<m).map { cy[$0, $0] })
    }

    /// The full projected matrices `(W̄_x, W̄_h, W̄_y)`, whose off-diagonal part measures misalignment.
    public func projected(_ net: LinearRNN) -> (wx: Matrix, wh: Matrix, wy: Matrix) {
        (r.transposeTimes(net.wx * vx), r.transposeTimes(net.wh * r), uy.transposeTimes(net.wy * r))
    }
}

/// Ways to initialise networks, one small grammar for every experiment.
public enum Initializer {
    /// Aligned SVD-form LRNN with per-mode values `a` (input), `b` (recurrent), `c` (output) in `basis`.
    /// Modes beyond the given arrays are zero.
    public static func aligned(a: [Double], b: [Double], c: [Double], basis: TaskBasis,
                               outputMode: OutputMode = .final) -> LinearRNN {
        let nx = basis.vx.rows, nh = basis.r.rows, ny = basis.uy.rows
        precondition(a.count <= min(nh, nx) && b.count <= nh && c.count <= min(ny, nh), "more modes than dimensions")
        let wxBar = Matrix.diagonal(a, rows: nh, cols: nx)
        let whBar = Matrix.diagonal(b, rows: nh, cols: nh)
        let wyBar = Matrix.diagonal(c, rows: ny, cols: nh)
        return LinearRNN(wx: basis.r * wxBar.timesTranspose(basis.vx),
                         wh: basis.r * whBar.timesTranspose(basis.r),
                         wy: basis.uy * wyBar.timesTranspose(basis.r), outputMode: outputMode)
    }

    /// λ-balanced mode values with Dominé et al.'s sign: `c² − a² = λ` and `a c = u₀`
    /// (`c = √((√(λ² + 4u₀²) + λ)/2)`, `a = u₀/c`). Note `a² − c² = −λ` is the conserved quantity of
    /// Proca et al. §2.7, so the sign convention differs from the paper's λ_bal.
    public static func lambdaBalancedModes(lambda: Double, u0: Double) -> (a: Double, c: Double) {
        let c = ((sqrt(lambda * lambda + 4 * u0 * u0) + lambda) / 2).squareRoot()
        return (c == 0 ? 0 : u0 / c, c)
    }

    /// How the Gaussian scale is normalised.
    public enum FanConvention: String, Sendable, Codable, CaseIterable {
        /// Divide by √(number of columns) (fan-in; our reading of the paper's "row-size").
        case fanIn = "in"
        /// Divide by √(number of rows).
        case fanOut = "out"
    }

    /// i.i.d. Gaussian matrix with std `scale/√fan`.
    public static func gaussian(rows: Int, cols: Int, scale: Double, fan: FanConvention = .fanIn,
                                rng: inout Xoshiro256) -> Matrix {
        let f = Double(max(1, fan == .fanIn ? cols : rows))
        return rng.gaussianMatrix(rows: rows, cols: cols, std: scale / f.squareRoot())
    }

    /// Unaligned LRNN: every block i.i.d. Gaussian with std `scale/√fan` (drawn in the order W_x, W_h, W_y).
    public static func unaligned(nx: Int, nh: Int, ny: Int, scale: Double, fan: FanConvention = .fanIn,
                                 outputMode: OutputMode = .final, rng: inout Xoshiro256) -> LinearRNN {
        let wx = gaussian(rows: nh, cols: nx, scale: scale, fan: fan, rng: &rng)
        let wh = gaussian(rows: nh, cols: nh, scale: scale, fan: fan, rng: &rng)
        let wy = gaussian(rows: ny, cols: nh, scale: scale, fan: fan, rng: &rng)
        return LinearRNN(wx: wx, wh: wh, wy: wy, outputMode: outputMode)
    }

    /// Deep linear network aligned with the task: `W_1 = R diag(a) V_xᵀ`, `W_2 = U_y diag(c) Rᵀ`.
    public static func alignedDeepLinear(a: [Double], c: [Double], basis: TaskBasis) -> DeepLinearNetwork {
        let nx = basis.vx.rows, nh = basis.r.rows, ny = basis.uy.rows
        return DeepLinearNetwork(w1: basis.r * Matrix.diagonal(a, rows: nh, cols: nx).timesTranspose(basis.vx),
                                 w2: basis.uy * Matrix.diagonal(c, rows: ny, cols: nh).timesTranspose(basis.r))
    }

    /// Unaligned deep linear network with std `scale/√fan` entries (W_1 then W_2).
    public static func unalignedDeepLinear(nx: Int, nh: Int, ny: Int, scale: Double, fan: FanConvention = .fanIn,
                                           rng: inout Xoshiro256) -> DeepLinearNetwork {
        let w1 = gaussian(rows: nh, cols: nx, scale: scale, fan: fan, rng: &rng)
        let w2 = gaussian(rows: ny, cols: nh, scale: scale, fan: fan, rng: &rng)
        return DeepLinearNetwork(w1: w1, w2: w2)
    }
}
