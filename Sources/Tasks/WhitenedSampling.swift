import Linalg
import SequenceData

/// Whitened Gaussian inputs and linear-teacher targets, shared by every whitened task in this target.
enum WhitenedSampling {
    /// `P` Gaussian trajectories whitened over the stacked `[x_1; …; x_T]` (`(1/P) X Xᵀ = I`), batched
    /// `N_x × (T·P)`. Draws `T·N_x·P` Gaussians from `rng`, column by column of the stacked matrix;
    /// `Whitening` throws when `P ≤ T·N_x`.
    static func inputs(inputDimension nx: Int, timeSteps T: Int, count p: Int, rng: inout Xoshiro256) throws -> Matrix {
        let raw = rng.gaussianMatrix(rows: T * nx, cols: p)
        return SequenceLayout.batched(fromStacked: try Whitening.whiten(raw), timeSteps: T)
    }

    /// Final-readout targets `Σ_t M_t x_t` (`N_y × P`) for batched inputs `x`.
    static func finalTargets(maps: [Matrix], inputs x: Matrix, count p: Int) -> Matrix {
        var y = Matrix(rows: maps[0].rows, cols: p)
        for (k, map) in maps.enumerated() {
            BLAS.gemm(map, x.columns((k * p)..<((k + 1) * p)), into: &y, beta: 1)
        }
        return y
    }

    /// Autoregressive targets `y_t = Σ_{i≤t} M_{t,i} x_i` (`N_y × (T·P)`, time-major blocks).
    static func autoregressiveTargets(maps: [[Matrix]], inputs x: Matrix, count p: Int) -> Matrix {
        let T = maps.count, ny = maps[0][0].rows
        var y = Matrix(rows: ny, cols: T * p)
        for t in 0..<T {
            var block = Matrix(rows: ny, cols: p)
            for i in 0...t { BLAS.gemm(maps[t][i], x.columns((i * p)..<((i + 1) * p)), into: &block, beta: 1) }
            y.storage.replaceSubrange((t * p * ny)..<((t + 1) * p * ny), with: block.storage)
        }
        return y
    }
}

/// A linear teacher on whitened inputs, `y = Σ_t M_t x_t`, so that `Σ^{YX_t} = M_t` exactly (any `M_t`).
///
/// The singular-value and rotational tasks are special cases; a generic one (e.g. `teacher(...)` with random
/// weights) violates the shared-singular-vector assumption and is the reference for the alignment residual.
public struct LinearMapTask: Sendable, Equatable {
    /// `M_t` for t = 1…T (`N_y × N_x` each).
    public var maps: [Matrix]

    /// A task with the given per-step maps (all one shape).
    public init(maps: [Matrix]) {
        precondition(!maps.isEmpty, "need at least one time step")
        precondition(maps.allSatisfy { $0.shape == maps[0].shape }, "all maps must have one shape")
        self.maps = maps
    }

    /// The maps of a linear-RNN teacher, `M_t = W_y W_h^{T−t} W_x` (Proca et al. §2.2).
    public static func teacher(wx: Matrix, wh: Matrix, wy: Matrix, timeSteps T: Int) -> LinearMapTask {
        precondition(T >= 1, "need T ≥ 1")
        var power = wx
        var maps = [Matrix]()
        for _ in 0..<T { maps.append(wy * power); power = wh * power }
        return LinearMapTask(maps: maps.reversed())
    }

    /// Trajectory length T.
    public var timeSteps: Int { maps.count }
    /// Input dimension N_x.
    public var inputDimension: Int { maps[0].cols }
    /// Output dimension N_y.
    public var outputDimension: Int { maps[0].rows }
    /// `Σ^{YX_t} = M_t` (means over samples on whitened data).
    public var crossCorrelations: [Matrix] { maps }

    /// Final-readout population statistics (`targetEnergy = ½ Σ_t ‖M_t‖²_F`, the whitened value).
    public var population: PopulationCorrelations {
        PopulationCorrelations(finalOutput: maps, targetEnergy: 0.5 * maps.reduce(0) { $0 + $1.dot($1) })
    }

    /// P whitened Gaussian trajectories (needs `P > T·N_x`) with targets `Σ_t M_t x_t`.
    public func sample(count p: Int, rng: inout Xoshiro256) throws -> SequenceBatch {
        let x = try WhitenedSampling.inputs(inputDimension: inputDimension, timeSteps: timeSteps, count: p, rng: &rng)
        return SequenceBatch(inputs: x, targets: WhitenedSampling.finalTargets(maps: maps, inputs: x, count: p),
                             timeSteps: timeSteps, samples: p)
    }
}
