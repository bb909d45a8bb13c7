/// Minimum-cost assignment of rows to distinct columns (the linear assignment problem), solved exactly.
///
/// The solver is the Hungarian method in its shortest-augmenting-path form with dual potentials (Kuhn–Munkres as
/// refined by Jonker and Volgenant): one row is added per phase and a Dijkstra-like scan over the columns finds the
/// cheapest augmenting path in reduced costs, so an `n × m` problem (`n ≤ m`) costs O(n² m) — O(n³) when square.
/// Costs may be any finite numbers (negative ones included); maximisation is `solve` on the negated matrix.
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
        if n == 0 { return Solution(columns: [], cost: 0) }
        // 1-based arrays; column 0 is a virtual column that holds the row being inserted.
        var rowPotential = [Double](repeating: 0, count: n + 1)
        var colPotential = [Double](repeating: 0, count: m + 1)
        var rowOfColumn = [Int](repeating: 0, count: m + 1)
        var previousColumn = [Int](repeating: 0, count: m + 1)
        var minSlack = [Double](repeating: 0, count: m + 1)
        var visited = [Bool](repeating: false, count: m + 1)
        for row in 1...n {
            rowOfColumn[0] = row
            var column = 0
            for j in 0...m { minSlack[j] = .infinity; visited[j] = false }
            repeat {
                visited[column] = true
                let i = rowOfColumn[column]
                var delta = Double.infinity, next = 0
                for j in 1...m where !visited[j] {
                    let reduced = cost[i - 1, j - 1] - rowPotential[i] - colPotential[j]
                    if reduced < minSlack[j] { minSlack[j] = reduced; previousColumn[j] = column }
                    if minSlack[j] < delta { delta = minSlack[j]; next = j }
                }
                for j in 0...m {
                    if visited[j] {
                        rowPotential[rowOfColumn[j]] += delta
                        colPotential[j] -= delta
                    } else {
                        minSlack[j] -= delta
                    }
                }
                column = next
            } while rowOfColumn[column] != 0
            // Augment along the path back to the virtual column.
            repeat {
                let prev = previousColumn[column]
                rowOfColumn[column] = rowOfColumn[prev]
                column = prev
            } while column != 0
        }
        var columns = [Int](repeating: -1, count: n)
        for j in 1...m where rowOfColumn[j] != 0 { columns[rowOfColumn[j] - 1] = j - 1 }
        var total = 0.0
        for i in 0..<n { total += cost[i, columns[i]] }
        return Solution(columns: columns, cost: total)
    }
}
