import Foundation
import Linalg

/// A representational dissimilarity matrix (RDM) over conditions: rows of a response matrix are the condition patterns.
public struct RepresentationalDissimilarityMatrix: Sendable, Equatable {
    /// How two condition patterns are compared.
    public enum Dissimilarity: String, Sendable, CaseIterable {
        /// `1 − Pearson r` between the two patterns across units (needs ≥ 2 units and no constant pattern).
        case correlation
        /// Euclidean distance `‖x_i − x_j‖` (not squared).
        case euclidean
    }

    /// Number of conditions M.
    public let conditions: Int
    /// The entries above the diagonal, row by row: (0,1), (0,2), …, (0,M−1), (1,2), …, (M−2,M−1).
    public let upperTriangle: [Double]

    /// The RDM of the rows of `x` (conditions × units); needs at least 3 conditions and finite entries.
    public init(_ x: Matrix, dissimilarity: Dissimilarity, field: String = "X") throws {
        try ResponseChecks.validate(x, field: field, minimumRows: 3)
        let m = x.rows, p = x.cols
        var patterns = x.transposed  // column i is condition i, contiguous
        if dissimilarity == .correlation {
            guard p >= 2 else {
                throw RepresentationError.invalidParameter(field: "\(field) units", allowed: "≥ 2 for correlation RDMs (got 1)")
            }
            for i in 0..<m {
                let row = patterns.column(i)
                let mean = row.reduce(0, +) / Double(p)
                let centred = row.map { $0 - mean }
                let norm = centred.reduce(0) { $0 + $1 * $1 }.squareRoot()
                guard norm > 0 else {
                    throw RepresentationError.zeroVariance(field: "\(field) row \(i) (constant pattern; use the euclidean RDM)")
                }
                for k in 0..<p { patterns[k, i] = centred[k] / norm }
            }
        }
        var entries = [Double]()
        entries.reserveCapacity(m * (m - 1) / 2)
        patterns.storage.withUnsafeBufferPointer { s in
            for i in 0..<(m - 1) {
                let a = s.baseAddress! + i * p
                for j in (i + 1)..<m {
                    let b = s.baseAddress! + j * p
                    var sum = 0.0
                    if dissimilarity == .correlation {
                        for k in 0..<p { sum += a[k] * b[k] }
                        entries.append(1 - sum)
                    } else {
                        for k in 0..<p { let d = a[k] - b[k]; sum += d * d }
                        entries.append(sum.squareRoot())
                    }
                }
            }
        }
        conditions = m
        upperTriangle = entries
    }

    /// The full symmetric M × M matrix (zero diagonal).
    public var matrix: Matrix {
        var d = Matrix(rows: conditions, cols: conditions)
        var k = 0
        for i in 0..<conditions {
            for j in (i + 1)..<conditions { d[i, j] = upperTriangle[k]; d[j, i] = upperTriangle[k]; k += 1 }
        }
        return d
    }
}
