import Linalg

/// The orthogonal frame an aligned network lives in (Proca et al. §2.7, with the erratum fixed).
///
/// Weights are `W_x = R W̄_x V_xᵀ`, `W_h = R W̄_h Rᵀ`, `W_y = U_y W̄_y Rᵀ` with a single orthogonal `R`.
/// The paper's `R_y = R_x^{-1}` keeps `W_y W_h^k W_x` diagonal in the task basis only when R is an
/// involution, so for T ≥ 3 it breaks alignment; `R_x = R_y = R` is the correct construction (spec erratum 1).
public struct TaskBasis: Sendable, Equatable {
    /// Output singular vectors `U_y` (`N_y × N_y`, orthogonal).
    public var uy: Matrix
    /// Input singular vectors `V_x` (`N_x × N_x`, orthogonal).
    public var vx: Matrix
    /// Hidden-space rotation `R` (`N_h × N_h`, orthogonal).
    public var r: Matrix

    /// A frame from given orthogonal matrices.
    public init(uy: Matrix, vx: Matrix, r: Matrix) {
        precondition(uy.isSquare && vx.isSquare && r.isSquare, "basis matrices must be square")
        self.uy = uy; self.vx = vx; self.r = r
    }

    /// The identity frame.
    public static func identity(nx: Int, nh: Int, ny: Int) -> TaskBasis {
        TaskBasis(uy: .identity(ny), vx: .identity(nx), r: .identity(nh))
    }

    /// Number of modes the frame can carry: `min(N_x, N_h, N_y)`.
    public var modeCount: Int { min(uy.rows, vx.rows, r.rows) }
}
