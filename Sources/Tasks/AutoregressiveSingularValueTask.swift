import Linalg
import SequenceData

/// A T-output singular-value task (Proca et al. App. M): `Σ^{Y_tX_i} = U_y S_{t,i} V_xᵀ` for `i ≤ t`.
///
/// With whitened inputs the targets at every step are `y_t = Σ_{i≤t} U_y S_{t,i} V_xᵀ x_i`, sampled as an
/// `N_y × (T·P)` target matrix in the `SequenceBatch` block layout.
public struct AutoregressiveSingularValueTask: Sendable, Equatable {
    /// `s_{α,t,i}`: `singularValues[α][t−1][i−1]` for `1 ≤ i ≤ t ≤ T` (row t−1 of each mode has t entries).
    public var singularValues: [[[Double]]]
    /// Output singular vectors `U_y` (`N_y × N_y`).
    public var uy: Matrix
    /// Input singular vectors `V_x` (`N_x × N_x`).
    public var vx: Matrix

    /// A task with the given lower-triangular singular-value tables and singular vectors.
    public init(singularValues: [[[Double]]], uy: Matrix, vx: Matrix) {
        precondition(!singularValues.isEmpty && !singularValues[0].isEmpty, "need at least one mode and one time step")
        let T = singularValues[0].count
        precondition(singularValues.allSatisfy { table in
            table.count == T && table.enumerated().allSatisfy { $0.element.count == $0.offset + 1 }
        }, "every mode needs a table with T rows, row t holding t entries")
        precondition(uy.isSquare && vx.isSquare, "U_y and V_x must be square")
        precondition(singularValues.count <= min(uy.rows, vx.rows), "more modes than min(N_x, N_y)")
        self.singularValues = singularValues; self.uy = uy; self.vx = vx
    }

    /// A task with Haar-random `U_y`, `V_x` drawn from `rng` (U_y first).
    public init(singularValues: [[[Double]]], nx: Int, ny: Int, rng: inout Xoshiro256) throws {
        let u = try Matrix.haarOrthogonal(ny, using: &rng)
        let v = try Matrix.haarOrthogonal(nx, using: &rng)
        self.init(singularValues: singularValues, uy: u, vx: v)
    }

    /// Trajectory length T.
    public var timeSteps: Int { singularValues[0].count }
    /// Number of modes.
    public var modeCount: Int { singularValues.count }
    /// Input dimension N_x.
    public var inputDimension: Int { vx.rows }
    /// Output dimension N_y.
    public var outputDimension: Int { uy.rows }

    /// `S_{t,i}` as an `N_y × N_x` rectangular-diagonal matrix (1-based, `i ≤ t`).
    public func s(at t: Int, input i: Int) -> Matrix {
        Matrix.diagonal(singularValues.map { $0[t - 1][i - 1] }, rows: outputDimension, cols: inputDimension)
    }

    /// `Σ^{Y_tX_i} = U_y S_{t,i} V_xᵀ`: entry `[t−1][i−1]` for `i ≤ t`.
    public var crossCorrelations: [[Matrix]] {
        (1...timeSteps).map { t in (1...t).map { i in uy * s(at: t, input: i).timesTranspose(vx) } }
    }

    /// The autoregressive population statistics (`targetEnergy = ½ Σ_{α,t,i} s²`, the whitened value).
    public var population: PopulationCorrelations {
        let energy = 0.5 * singularValues.reduce(0) { $0 + $1.reduce(0) { $0 + $1.reduce(0) { $0 + $1 * $1 } } }
        return PopulationCorrelations(autoregressive: crossCorrelations, targetEnergy: energy)
    }

    /// A frame for aligned networks: this task's `U_y`, `V_x` and a hidden rotation `r`.
    public func basis(r: Matrix) -> TaskBasis { TaskBasis(uy: uy, vx: vx, r: r) }

    /// P whitened Gaussian trajectories (needs `P > T·N_x`) with targets `y_t` at every step (`N_y × (T·P)`).
    public func sample(count p: Int, rng: inout Xoshiro256) throws -> SequenceBatch {
        let x = try WhitenedSampling.inputs(inputDimension: inputDimension, timeSteps: timeSteps, count: p, rng: &rng)
        let y = WhitenedSampling.autoregressiveTargets(maps: crossCorrelations, inputs: x, count: p)
        return SequenceBatch(inputs: x, targets: y, timeSteps: timeSteps, samples: p)
    }
}
