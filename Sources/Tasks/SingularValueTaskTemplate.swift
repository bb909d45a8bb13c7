import Linalg

/// A singular-value task defined for every trajectory length: per-mode profiles plus fixed `U_y`, `V_x`.
///
/// `task(timeSteps: T)` is the training task; `task(timeSteps: T′)` is the out-of-distribution variant with the
/// same δ, λ (κ, β) and the same singular vectors, used to measure extrapolation (Proca et al. §4.3).
/// `autoregressiveTask(timeSteps:)` gives the T-output version by the *prefix rule* `s_{t,i} = s^{(t)}_i`: output
/// `y_t` is the final-readout task of length t, so the inverse-exponential profile gives `s_{t,i} = δ λ^{t−i}`
/// (App. M.3), the constant profile `s_{t,i} = δ` and the exponential profile `s_{t,i} = δ λ^i`.
public struct SingularValueTaskTemplate: Sendable, Equatable {
    /// One profile per mode α (mode α uses column α of `U_y` and `V_x`).
    public var profiles: [SingularValueProfile]
    /// Output singular vectors `U_y` (`N_y × N_y`, orthogonal).
    public var uy: Matrix
    /// Input singular vectors `V_x` (`N_x × N_x`, orthogonal).
    public var vx: Matrix

    /// A template with the given profiles and singular vectors.
    public init(profiles: [SingularValueProfile], uy: Matrix, vx: Matrix) {
        precondition(!profiles.isEmpty, "need at least one mode")
        precondition(uy.isSquare && vx.isSquare, "U_y and V_x must be square")
        precondition(profiles.count <= min(uy.rows, vx.rows), "more modes than min(N_x, N_y)")
        self.profiles = profiles; self.uy = uy; self.vx = vx
    }

    /// A template with Haar-random `U_y`, `V_x` drawn from `rng` (U_y first, as `SingularValueTask` does).
    public init(profiles: [SingularValueProfile], nx: Int, ny: Int, rng: inout Xoshiro256) throws {
        let u = try Matrix.haarOrthogonal(ny, using: &rng)
        let v = try Matrix.haarOrthogonal(nx, using: &rng)
        self.init(profiles: profiles, uy: u, vx: v)
    }

    /// `s_{α,t}` at length T (one row per mode).
    public func singularValues(timeSteps T: Int) throws -> [[Double]] { try profiles.map { try $0.values(timeSteps: T) } }

    /// The final-readout task at length T.
    public func task(timeSteps T: Int) throws -> SingularValueTask {
        SingularValueTask(singularValues: try singularValues(timeSteps: T), uy: uy, vx: vx)
    }

    /// The autoregressive (T-output) task at length T by the prefix rule.
    public func autoregressiveTask(timeSteps T: Int) throws -> AutoregressiveSingularValueTask {
        let table = try profiles.map { try $0.autoregressiveValues(timeSteps: T) }
        return AutoregressiveSingularValueTask(singularValues: table, uy: uy, vx: vx)
    }
}

extension SingularValueProfile {
    /// The prefix-rule table `s_{t,i}` = `values(timeSteps: t)[i−1]` for `1 ≤ i ≤ t ≤ T` (row t−1 has t entries);
    /// an `explicit` profile (defined at T only) is applied by lag instead, `s_{t,i} = s_{T−(t−i)}`.
    public func autoregressiveValues(timeSteps T: Int) throws -> [[Double]] {
        guard T >= 1 else { throw TaskError.invalidParameter("T = \(T); allowed: T ≥ 1") }
        if fixedLength != nil {
            let full = try values(timeSteps: T)
            return (1...T).map { t in Array(full[(T - t)..<T]) }
        }
        return try (1...T).map { try values(timeSteps: $0) }
    }
}
