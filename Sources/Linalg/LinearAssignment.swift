/// Minimum-cost assignment of rows to distinct columns (the linear assignment problem), solved exactly.
///
/// The solver is the Hungarian method in its shortest-augmenting-path form with dual potentials (Kuhn–Munkres as
/// refined by Jonker and Volgenant): one row is added per phase and a Dijkstra-like scan over the columns finds the
/// cheapest augmenting path in reduced costs, so an `n × m` problem (`n ≤ m`) costs O(n² m) — O(n³) when square.
/// Costs may be any finite numbers (negative ones included); maximisation is `solve` on the negated matrix.
/// `AssignmentWorkspace` runs the same method on preallocated buffers, for callers that solve many problems.
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
