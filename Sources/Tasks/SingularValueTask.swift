import Linalg
import SequenceData

/// A task given by its per-time-step singular values (Proca et al. §2.2, §2.5): `Σ^{YX_t} = U_y S_t V_xᵀ`.
///
/// `singularValues[α][t−1]` is `s_{α,t}` for mode α and time t. With whitened inputs the targets are
/// `y = Σ_t U_y S_t V_xᵀ x_t`, so the data reproduce exactly the correlations the theory assumes.
public struct SingularValueTask: Sendable, Equatable {
    /// `s_{α,t}`: one row per mode, one column per time step.
    public var singularValues: [[Double]]
    /// Output singular vectors `U_y` (`N_y × N_y`).
    public var uy: Matrix
    /// Input singular vectors `V_x` (`N_x × N_x`).
    public var vx: Matrix

    /// A task with the given singular values and singular vectors.
    public init(singularValues: [[Double]], uy: Matrix, vx: Matrix) {
        precondition(!singularValues.isEmpty && !singularValues[0].isEmpty, "need at least one mode and one time step")
        let T = singularValues[0].count
        precondition(singularValues.allSatisfy { $0.count == T }, "every mode needs the same number of time steps")
        precondition(uy.isSquare && vx.isSquare, "U_y and V_x must be square")
        precondition(singularValues.count <= min(uy.rows, vx.rows), "more modes than min(N_x, N_y)")
        self.singularValues = singularValues
        self.uy = uy
        self.vx = vx
    }

    /// A task with Haar-random `U_y`, `V_x` drawn from `rng` (U_y first).
    public init(singularValues: [[Double]], nx: Int, ny: Int, rng: inout Xoshiro256) throws {
        let u = try Matrix.haarOrthogonal(ny, using: &rng)
        let v = try Matrix.haarOrthogonal(nx, using: &rng)
        self.init(singularValues: singularValues, uy: u, vx: v)
    }

    /// Trajectory length T.
    public var timeSteps: Int { singularValues[0].count }
    /// Number of modes with given singular values.
    public var modeCount: Int { singularValues.count }
    /// Input dimension.
    public var inputDimension: Int { vx.rows }
    /// Output dimension.
    public var outputDimension: Int { uy.rows }

    /// `S_t` as an `N_y × N_x` rectangular-diagonal matrix (t is 1-based).
    public func s(at t: Int) -> Matrix {
        Matrix.diagonal(singularValues.map { $0[t - 1] }, rows: outputDimension, cols: inputDimension)
    }

    /// `Σ^{YX_t} = U_y S_t V_xᵀ` for t = 1…T.
    public var crossCorrelations: [Matrix] { (1...timeSteps).map { uy * s(at: $0).timesTranspose(vx) } }

    /// The population statistics for the final readout (`targetEnergy = ½ Σ_{α,t} s²`, the whitened value).
    public var population: PopulationCorrelations {
        let energy = 0.5 * singularValues.reduce(0) { $0 + $1.reduce(0) { $0 + $1 * $1 } }
        return PopulationCorrelations(finalOutput: crossCorrelations, targetEnergy: energy)
    }

    /// A frame for aligned networks of width `nh`: this task's `U_y`, `V_x` and a hidden rotation `r`.
    public func basis(r: Matrix) -> TaskBasis { TaskBasis(uy: uy, vx: vx, r: r) }

    /// P whitened Gaussian trajectories (needs `P > T·N_x`) with targets `Σ_t U_y S_t V_xᵀ x_t`.
    public func sample(count p: Int, rng: inout Xoshiro256) throws -> SequenceBatch {
        let x = try WhitenedSampling.inputs(inputDimension: inputDimension, timeSteps: timeSteps, count: p, rng: &rng)
        return SequenceBatch(inputs: x, targets: WhitenedSampling.finalTargets(maps: crossCorrelations, inputs: x, count: p),
                             timeSteps: timeSteps, samples: p)
    }

    /// A task whose mode α follows `profiles[α]` at length `timeSteps`, with Haar-random `U_y`, `V_x` (U_y first).
    public init(profiles: [SingularValueProfile], timeSteps: Int, nx: Int, ny: Int, rng: inout Xoshiro256) throws {
        self = try SingularValueTaskTemplate(profiles: profiles, nx: nx, ny: ny, rng: &rng).task(timeSteps: timeSteps)
    }
}
