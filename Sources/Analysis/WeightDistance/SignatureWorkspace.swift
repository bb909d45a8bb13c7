import Linalg

/// Matches the units of two networks by signatures that do not change when the units are relabelled, on buffers
/// allocated once.
///
/// Unit i's signature is its self-weight W_ii, its other incoming weights (row i) sorted, its other outgoing weights
/// (column i) sorted, and its entries in the unit-indexed blocks (row i of the row blocks, column i of the column
/// blocks, which a relabelling moves but does not reorder). Units are then paired by the exact assignment that
/// minimises the summed squared signature distances; for a relabelled copy that pairing is the relabelling whenever
/// no two units share a signature.
final class SignatureWorkspace {
    let units: Int
    let length: Int
    let first: UnsafeMutablePointer<Double>    // length × n, one signature per column
    let second: UnsafeMutablePointer<Double>
    let cost: UnsafeMutablePointer<Double>     // n × n row-major
    let norms: UnsafeMutablePointer<Double>    // 2n

    init(units: Int, extra: Int) {
        self.units = units
        length = 2 * units - 1 + extra
        first = .allocate(capacity: length * units)
        second = .allocate(capacity: length * units)
        cost = .allocate(capacity: units * units)
        norms = .allocate(capacity: 2 * units)
    }

    deinit {
        first.deallocate(); second.deallocate(); cost.deallocate(); norms.deallocate()
    }

    /// Solves the signature assignment of `x`'s units to `y`'s, leaving it in `assignment.columns`.
    func assign(_ x: PermutableWeights, _ y: PermutableWeights, assignment: inout AssignmentWorkspace) {
        let n = units
        fill(first, from: x)
        fill(second, from: y)
        for i in 0..<n {
            var s = 0.0, t = 0.0
            for l in 0..<length { s += first[l + i * length] * first[l + i * length]; t += second[l + i * length] * second[l + i * length] }
            norms[i] = s; norms[n + i] = t
        }
        // cost[i, j] = ‖s_i − t_j‖² with the cross terms from one GEMM: (Tᵀ S)[j, i] sits at i·n + j.
        BLAS.gemm(.transpose, .none, m: n, n: n, k: length, alpha: -2, a: second, lda: length, b: first, ldb: length,
                  beta: 0, c: cost, ldc: n)
        for i in 0..<n {
            for j in 0..<n { cost[i * n + j] += norms[i] + norms[n + j] }
        }
        assignment.solve(rowMajor: cost, maximize: false)
    }

    private func fill(_ signatures: UnsafeMutablePointer<Double>, from w: PermutableWeights) {
        let n = units
        w.recurrent.storage.withUnsafeBufferPointer { r in
            for i in 0..<n {
                let s = signatures + i * length
                s[0] = r[i + i * n]
                var k = 1
                for j in 0..<n where j != i { s[k] = r[i + j * n]; k += 1 }
                var incoming = UnsafeMutableBufferPointer(start: s + 1, count: n - 1)
                incoming.sort()
                for j in 0..<n where j != i { s[k] = r[j + i * n]; k += 1 }
                var outgoing = UnsafeMutableBufferPointer(start: s + n, count: n - 1)
                outgoing.sort()
                for c in 0..<w.unitRows.cols { s[k] = w.unitRows[i, c]; k += 1 }
                for l in 0..<w.unitColumns.rows { s[k] = w.unitColumns[l, i]; k += 1 }
            }
        }
    }
}
