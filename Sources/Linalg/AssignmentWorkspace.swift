/// Preallocated buffers for solving many linear assignment problems of one size without allocating.
///
/// Square problems are solved by Jonker–Volgenant (`JonkerVolgenant`: column reduction, then shortest augmenting
/// paths that settle all columns at one distance together); rectangular ones by shortest augmenting paths with dual
/// potentials, one row per phase. Costs are read row-major (row `i` at `cost + i * cols`), which is
/// what the repeated callers (Frank–Wolfe steps, projections) hold; `maximize` negates on the fly.
public struct AssignmentWorkspace: Sendable {
    /// Rows of the problems this workspace solves.
    public let rows: Int
    /// Columns of the problems this workspace solves (at least `rows`).
    public let cols: Int
    /// `columns[i]`: the column given to row `i` by the last `solve`.
    public private(set) var columns: [Int]
    private var rowPotential: [Double]
    private var colPotential: [Double]
    private var rowOfColumn: [Int]
    private var previousColumn: [Int]
    private var minSlack: [Double]
    private var visited: [Bool]
    private var freeRows: [Int]
    private var scanOrder: [Int]

    /// Buffers for `rows × cols` problems (`rows ≤ cols`).
    public init(rows: Int, cols: Int) throws {
        guard rows >= 0, rows <= cols else {
            throw LinalgError.shape("assignment needs rows ≤ columns, got \(rows)×\(cols) (transpose the cost matrix)")
        }
        self.rows = rows
        self.cols = cols
        columns = [Int](repeating: -1, count: rows)
        rowPotential = [Double](repeating: 0, count: rows + 1)
        colPotential = [Double](repeating: 0, count: cols + 1)
        rowOfColumn = [Int](repeating: 0, count: cols + 1)
        previousColumn = [Int](repeating: 0, count: cols + 1)
        minSlack = [Double](repeating: 0, count: cols + 1)
        visited = [Bool](repeating: false, count: cols + 1)
        freeRows = [Int](repeating: 0, count: rows)
        scanOrder = [Int](repeating: 0, count: cols)
    }

    /// Copies `columns` into `target` (of `rows` entries) without allocating.
    public func copyColumns(into target: inout [Int]) {
        precondition(target.count == rows, "copyColumns needs \(rows) entries, got \(target.count)")
        for i in 0..<rows { target[i] = columns[i] }
    }

    /// Solves the problem whose row-major costs start at `cost` (finite entries; not checked here) and returns the
    /// optimal total Σ_i cost[i, columns[i]] (the maximum when `maximize`); the assignment is left in `columns`.
    @discardableResult
    public mutating func solve(rowMajor cost: UnsafePointer<Double>, maximize: Bool = false) -> Double {
        let n = rows, m = cols
        if n == 0 { return 0 }
        let sign: Double = maximize ? -1 : 1
        if n == m { return solveSquare(cost, sign: sign) }
        return rowPotential.withUnsafeMutableBufferPointer { u in
            colPotential.withUnsafeMutableBufferPointer { v in
                rowOfColumn.withUnsafeMutableBufferPointer { p in
                    previousColumn.withUnsafeMutableBufferPointer { way in
                        minSlack.withUnsafeMutableBufferPointer { slack in
                            visited.withUnsafeMutableBufferPointer { used in
                                columns.withUnsafeMutableBufferPointer { out in
                                    Self.run(cost: cost, n: n, m: m, sign: sign, u: u.baseAddress!, v: v.baseAddress!,
                                             p: p.baseAddress!, way: way.baseAddress!, slack: slack.baseAddress!,
                                             used: used.baseAddress!, out: out.baseAddress!)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private mutating func solveSquare(_ cost: UnsafePointer<Double>, sign: Double) -> Double {
        let n = rows
        return columns.withUnsafeMutableBufferPointer { x in
            rowOfColumn.withUnsafeMutableBufferPointer { y in
                colPotential.withUnsafeMutableBufferPointer { v in
                    freeRows.withUnsafeMutableBufferPointer { free in
                        scanOrder.withUnsafeMutableBufferPointer { order in
                            minSlack.withUnsafeMutableBufferPointer { d in
                                previousColumn.withUnsafeMutableBufferPointer { pred in
                                    visited.withUnsafeMutableBufferPointer { unique in
                                        let buffers = JonkerVolgenant.Buffers(
                                            x: x.baseAddress!, y: y.baseAddress!, v: v.baseAddress!, free: free.baseAddress!,
                                            order: order.baseAddress!, distance: d.baseAddress!,
                                            predecessor: pred.baseAddress!, unique: unique.baseAddress!)
                                        JonkerVolgenant.solve(cost: cost, n: n, sign: sign, buffers)
                                        var total = 0.0
                                        for i in 0..<n { total += cost[i * n + x[i]] }
                                        return total
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    // Rectangular problems (n < m). Arrays are 1-based; column 0 is a virtual column that holds the row being
    // inserted, row 0 means "free".
    private static func run(cost: UnsafePointer<Double>, n: Int, m: Int, sign: Double,
                            u: UnsafeMutablePointer<Double>, v: UnsafeMutablePointer<Double>,
                            p: UnsafeMutablePointer<Int>, way: UnsafeMutablePointer<Int>,
                            slack: UnsafeMutablePointer<Double>, used: UnsafeMutablePointer<Bool>,
                            out: UnsafeMutablePointer<Int>) -> Double {
        for i in 0...n { u[i] = 0 }
        for j in 0...m { p[j] = 0; v[j] = 0 }
        for i in 0..<n { out[i] = -1 }
        for row in 1...n {
            p[0] = row
            var column = 0
            for j in 0...m { slack[j] = .infinity; used[j] = false }
            repeat {
                used[column] = true
                let i = p[column]
                let rowCost = cost + (i - 1) * m - 1
                let ui = u[i]
                var delta = Double.infinity, next = 0
                for j in 1...m where !used[j] {
                    let reduced = sign * rowCost[j] - ui - v[j]
                    if reduced < slack[j] { slack[j] = reduced; way[j] = column }
                    if slack[j] < delta { delta = slack[j]; next = j }
                }
                for j in 0...m {
                    if used[j] {
                        u[p[j]] += delta
                        v[j] -= delta
                    } else {
                        slack[j] -= delta
                    }
                }
                column = next
            } while p[column] != 0
            repeat {
                let prev = way[column]
                p[column] = p[prev]
                column = prev
            } while column != 0
        }
        var total = 0.0
        for j in 1...m where p[j] != 0 {
            out[p[j] - 1] = j - 1
            total += cost[(p[j] - 1) * m + (j - 1)]
        }
        return total
    }
}
