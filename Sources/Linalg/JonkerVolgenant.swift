/// Jonker–Volgenant (LAPJV) for square linear assignment problems, on caller-owned buffers (no allocation).
///
/// R. Jonker and A. Volgenant, "A shortest augmenting path algorithm for dense and sparse linear assignment
/// problems", Computing 38 (1987): column reduction with reduction transfer, then one shortest augmenting path per
/// row still free, found by a Dijkstra scan that settles every column at the current distance at once and updates
/// the column potentials `v` of the settled columns only. Row potentials stay implicit (u_i = c_{i,x(i)} − v_{x(i)}).
/// The paper's augmenting row reduction is left out: on Frank–Wolfe gradients at n = 128 it made each solve 1.5–1.8×
/// slower (156 µs without it, 228 µs with one round, 282 µs with two, on the bench's FAQ iterates).
/// Costs are `sign · cost[i · n + j]` (row-major; `sign` −1 maximises). The optimum is exact; among tied optima the
/// one returned may differ from other methods'.
enum JonkerVolgenant {
    /// Buffers of one `n × n` problem: `x` (row → column), `y` (column → row), `v` (column potentials) and scratch.
    struct Buffers {
        let x: UnsafeMutablePointer<Int>
        let y: UnsafeMutablePointer<Int>
        let v: UnsafeMutablePointer<Double>
        let free: UnsafeMutablePointer<Int>
        let order: UnsafeMutablePointer<Int>
        let distance: UnsafeMutablePointer<Double>
        let predecessor: UnsafeMutablePointer<Int>
        let unique: UnsafeMutablePointer<Bool>
    }

    /// Solves the problem and leaves the optimal assignment in `x`.
    static func solve(cost: UnsafePointer<Double>, n: Int, sign: Double, _ b: Buffers) {
        let (x, y, v) = (b.x, b.y, b.v)
        if n == 1 { x[0] = 0; y[0] = 0; v[0] = sign * cost[0]; return }
        let freeCount = columnReduction(cost: cost, n: n, sign: sign, b)
        for k in 0..<freeCount {
            let start = b.free[k]
            var column = shortestPath(cost: cost, n: n, sign: sign, from: start, b)
            var row = -1
            while row != start {
                row = b.predecessor[column]
                y[column] = row
                swap(&column, &x[row])
            }
        }
    }

    /// Column reduction and reduction transfer; returns the number of free rows, listed in `free`.
    private static func columnReduction(cost: UnsafePointer<Double>, n: Int, sign: Double, _ b: Buffers) -> Int {
        let (x, y, v, unique) = (b.x, b.y, b.v, b.unique)
        for j in 0..<n { v[j] = .infinity; y[j] = 0 }
        for i in 0..<n {
            x[i] = -1
            unique[i] = true
            let row = cost + i * n
            for j in 0..<n {
                let c = sign * row[j]
                if c < v[j] { v[j] = c; y[j] = i }
            }
        }
        var j = n
        repeat {
            j -= 1
            let i = y[j]
            if x[i] < 0 { x[i] = j } else { unique[i] = false; y[j] = -1 }
        } while j > 0
        var freeCount = 0
        for i in 0..<n {
            if x[i] < 0 {
                b.free[freeCount] = i
                freeCount += 1
            } else if unique[i] {
                // Reduction transfer: lower v at row i's column by row i's second-smallest reduced cost.
                let j = x[i], row = cost + i * n
                var smallest = Double.infinity
                for k in 0..<n where k != j { smallest = min(smallest, sign * row[k] - v[k]) }
                v[j] -= smallest
            }
        }
        return freeCount
    }

    /// Dijkstra over reduced costs from the free row `start`; updates the potentials of the settled columns and
    /// returns the free column the shortest path ends in (the path is in `predecessor`).
    private static func shortestPath(cost: UnsafePointer<Double>, n: Int, sign: Double, from start: Int, _ b: Buffers) -> Int {
        let (y, v, order, d, pred) = (b.y, b.v, b.order, b.distance, b.predecessor)
        let startRow = cost + start * n
        for j in 0..<n {
            order[j] = j
            pred[j] = start
            d[j] = sign * startRow[j] - v[j]
        }
        // order[0..<low]: settled and scanned; order[low..<high]: settled at distance `minimum`, to scan;
        // order[high...]: not settled.
        var low = 0, high = 0, settled = 0, end = -1, minimum = 0.0
        while end < 0 {
            if low == high {
                settled = low
                // Collect every unsettled column at the smallest distance.
                high = low + 1
                minimum = d[order[low]]
                for k in high..<n {
                    let j = order[k]
                    if d[j] <= minimum {
                        if d[j] < minimum { high = low; minimum = d[j] }
                        order[k] = order[high]
                        order[high] = j
                        high += 1
                    }
                }
                for k in low..<high where y[order[k]] < 0 { end = order[k]; break }
                if end >= 0 { break }
            }
            // Scan one settled column's row.
            let j0 = order[low]
            low += 1
            let i = y[j0]
            let row = cost + i * n
            let h = sign * row[j0] - v[j0] - minimum
            var k = high
            while k < n {
                let j = order[k]
                let reduced = sign * row[j] - v[j] - h
                if reduced < d[j] {
                    d[j] = reduced
                    pred[j] = i
                    if reduced == minimum {
                        if y[j] < 0 { end = j; break }
                        order[k] = order[high]
                        order[high] = j
                        high += 1
                    }
                }
                k += 1
            }
        }
        for k in 0..<settled {
            let j = order[k]
            v[j] += d[j] - minimum
        }
        return end
    }
}
