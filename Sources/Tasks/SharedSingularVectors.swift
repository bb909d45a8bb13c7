import Foundation
import Linalg

/// The best shared-singular-vector fit `Σ_k ≈ U_y S_k V_xᵀ` of a list of correlation matrices, and its residual.
///
/// Choice: `U_y`, `V_x` minimise `Σ_k ‖offdiag(U_yᵀ Σ_k V_x)‖²_F` over orthogonal matrices — equivalently they
/// maximise the diagonal energy, so `S_k = diag(U_yᵀ Σ_k V_x)` is the least-squares task decomposition that explains
/// every k at once. The start is the SVD of the stacked correlations (`U_y` from `[Σ_1 … Σ_K]`, `V_x` from
/// `[Σ_1; …; Σ_K]`: the eigenvectors of `Σ_k Σ_k Σ_kᵀ` and `Σ_k Σ_kᵀ Σ_k`, which are exact for aligned data unless two
/// modes have equal `Σ_k s_k²`); two-sided Jacobi sweeps (exact optimal plane rotations) then resolve such
/// degeneracies and fit unaligned data. A single matrix (K = 1) always has residual 0. Modes are ordered by
/// `Σ_k s_k²` (descending) and signed so that `Σ_k s_k ≥ 0`.
public struct SharedSingularVectors: Sendable, Equatable {
    /// Output singular vectors `U_y` (`N_y × N_y`, orthogonal).
    public let uy: Matrix
    /// Input singular vectors `V_x` (`N_x × N_x`, orthogonal).
    public let vx: Matrix
    /// `s_{α,k}`: one row per mode α < min(N_y, N_x), one column per correlation matrix k.
    public let singularValues: [[Double]]
    /// `√(Σ_k ‖offdiag(U_yᵀ Σ_k V_x)‖²_F / Σ_k ‖Σ_k‖²_F)`: 0 when the shared-singular-vector assumption holds.
    public let alignmentResidual: Double
    /// Jacobi sweeps used.
    public let sweeps: Int

    /// Fits `correlations` (all `N_y × N_x`), with at most `maxSweeps` Jacobi sweeps.
    public init(correlations c: [Matrix], maxSweeps: Int = 100) throws {
        guard let first = c.first else { throw TaskError.invalidParameter("no correlation matrices; allowed: at least one") }
        guard c.allSatisfy({ $0.shape == first.shape }) else {
            throw TaskError.invalidParameter("correlation matrices of different shapes; allowed: one shape")
        }
        let ny = first.rows, nx = first.cols, m = min(ny, nx), K = c.count
        var wide = Matrix(rows: ny, cols: K * nx), tall = Matrix(rows: K * ny, cols: nx)
        for (k, ck) in c.enumerated() {
            wide.storage.replaceSubrange((k * nx * ny)..<((k + 1) * nx * ny), with: ck.storage)
            for j in 0..<nx { for i in 0..<ny { tall[k * ny + i, j] = ck[i, j] } }
        }
        var u = try wide.svd(full: true).U
        var v = try tall.svd(full: true).Vt.transposed
        var b = c.map { u.transposeTimes($0 * v) }

        // Two-sided Jacobi: each plane rotation maximises Σ_k (diagonal entries)² exactly.
        var sweep = 0
        while sweep < maxSweeps {
            sweep += 1
            var rotated = false
            for side in 0..<2 {
                let n = side == 0 ? ny : nx
                for i in 0..<n {
                    for j in (i + 1)..<max(n, i + 1) where i < m {
                        let mj = j < m
                        var aa = 0.0, bb = 0.0
                        for bk in b {
                            // Left: rows i, j (a = b_ii, β = b_ji, d = b_jj, e = b_ij); right: columns (β = b_ij, e = b_ji).
                            let a = bk[i, i], beta = side == 0 ? bk[j, i] : bk[i, j]
                            aa += 0.5 * (a * a - beta * beta); bb += a * beta
                            if mj {
                                let d = bk[j, j], e = side == 0 ? bk[i, j] : bk[j, i]
                                aa += 0.5 * (d * d - e * e); bb -= d * e
                            }
                        }
                        if bb == 0 && aa >= 0 { continue }
                        let theta = 0.5 * atan2(bb, aa)
                        let cs = cos(theta), sn = sin(theta)
                        if abs(sn) < 1e-13 { continue }
                        rotated = true
                        if side == 0 {
                            Self.rotateColumns(&u, i, j, cs, sn)
                            for k in 0..<K { Self.rotateRows(&b[k], i, j, cs, sn) }
                        } else {
                            Self.rotateColumns(&v, i, j, cs, sn)
                            for k in 0..<K { Self.rotateColumns(&b[k], i, j, cs, sn) }
                        }
                    }
                }
            }
            if !rotated { break }
        }

        // Signs (Σ_k s ≥ 0), then order by energy.
        for a in 0..<m {
            let sum = b.reduce(0) { $0 + $1[a, a] }
            let peak = b.map { $0[a, a] }.max { abs($0) < abs($1) } ?? 0
            if sum < 0 || (sum == 0 && peak < 0) {
                for i in 0..<ny { u[i, a] = -u[i, a] }
                for k in 0..<K { for j in 0..<nx { b[k][a, j] = -b[k][a, j] } }
            }
        }
        let energy = (0..<m).map { a in b.reduce(0) { $0 + $1[a, a] * $1[a, a] } }
        let order = (0..<m).sorted { energy[$0] > energy[$1] || (energy[$0] == energy[$1] && $0 < $1) }
        let uSorted = Matrix(rows: ny, cols: ny) { i, j in u[i, j < m ? order[j] : j] }
        let vSorted = Matrix(rows: nx, cols: nx) { i, j in v[i, j < m ? order[j] : j] }

        uy = uSorted; vx = vSorted
        singularValues = order.map { a in b.map { $0[a, a] } }
        alignmentResidual = Self.relativeOffDiagonal(b, of: c)
        sweeps = sweep
    }

    /// The alignment residual of `correlations` in a given frame (e.g. a task's own `U_y`, `V_x`):
    /// `√(Σ_k ‖offdiag(U_yᵀ Σ_k V_x)‖²_F / Σ_k ‖Σ_k‖²_F)`.
    public static func residual(of correlations: [Matrix], uy: Matrix, vx: Matrix) -> Double {
        relativeOffDiagonal(correlations.map { uy.transposeTimes($0 * vx) }, of: correlations)
    }

    /// `√(Σ_k ‖offdiag(b_k)‖² / Σ_k ‖c_k‖²)`, summing the off-diagonal entries directly (no cancellation).
    static func relativeOffDiagonal(_ b: [Matrix], of c: [Matrix]) -> Double {
        var off = 0.0, total = 0.0
        for (bk, ck) in zip(b, c) {
            total += ck.dot(ck)
            for j in 0..<bk.cols { for i in 0..<bk.rows where i != j { off += bk[i, j] * bk[i, j] } }
        }
        return total > 0 ? (off / total).squareRoot() : 0
    }

    /// `U_y diag(s_{·,k}) V_xᵀ` (k is 0-based in the list given to `init`).
    public func reconstruction(_ k: Int) -> Matrix {
        uy * Matrix.diagonal(singularValues.map { $0[k] }, rows: uy.rows, cols: vx.rows).timesTranspose(vx)
    }

    /// `(x_i, x_j) ← (c x_i + s x_j, −s x_i + c x_j)` on columns.
    static func rotateColumns(_ x: inout Matrix, _ i: Int, _ j: Int, _ c: Double, _ s: Double) {
        for r in 0..<x.rows {
            let a = x[r, i], b = x[r, j]
            x[r, i] = c * a + s * b; x[r, j] = -s * a + c * b
        }
    }

    /// `(x_i, x_j) ← (c x_i + s x_j, −s x_i + c x_j)` on rows.
    static func rotateRows(_ x: inout Matrix, _ i: Int, _ j: Int, _ c: Double, _ s: Double) {
        for col in 0..<x.cols {
            let a = x[i, col], b = x[j, col]
            x[i, col] = c * a + s * b; x[j, col] = -s * a + c * b
        }
    }
}
