/// Minimum-cost assignment of rows to distinct columns (the linear assignment problem), solved exactly.
///
/// Square problems are solved by Jonker–Volgenant (`JonkerVolgenant`: column reduction, then one Dijkstra-like
/// shortest augmenting path in reduced costs per row still free); rectangular ones (`n × m`, `n < m`) by the
/// Hungarian method in its shortest-augmenting-path form with dual potentials, one row per phase. Both are O(n² m)
/// at worst — O(n³) when square. Costs may be any finite numbers (negative ones included); maximisation is `solve`
/// on the negated matrix. `AssignmentWorkspace` runs the same methods on preallocated buffers, for callers that
/// solve many problems.
public enum LinearAssignment {
    /// An optimal assignment.
    public struct Solution: Sendable, Equatable {
        /// `columns[i]` is the column given to row `i`; entries are distinct (a permutation when square).
        public let columns: [Int]
        /// Total cost `Σ_i cost[i, columns[i]]`.
        public let cost: Double
    }

    /// The assignment of every row of `cost` (rows ≤ columns) to its own column that minimises the total cost.
    ///
    /// Throws `.shape` if there are more rows than columns and `.invalidInput` for NaN or infinite costs.
    public static func solve(_ cost: Matrix) throws -> Solution {
        let n = cost.rows, m = cost.cols
        guard n <= m else {
            throw LinalgError.shape("assignment needs rows ≤ columns, got \(n)×\(m) (transpose the cost matrix)")
        }
        guard cost.isFinite else { throw LinalgError.invalidInput("assignment: cost matrix contains NaN or infinite entries") }
        var workspace = try AssignmentWorkspace(rows: n, cols: m)
        let total = cost.transposed.storage.withUnsafeBufferPointer { rowMajor in
            n == 0 ? 0 : workspace.solve(rowMajor: rowMajor.baseAddress!)
        }
        let columns = workspace.columns
        return Solution(columns: columns, cost: total)
    }
}
