import Linalg
import Networks

/// The weights of one network on which a relabelling of its hidden units acts: the recurrent matrix (permuted on
/// both sides) and, optionally, blocks indexed by the units on one side only.
///
/// A permutation π (unit i of the first network ↔ unit π(i) of the second) compares `recurrent[i, j]` with
/// `recurrent′[π(i), π(j)]`, `unitRows[i, ·]` with `unitRows′[π(i), ·]` and `unitColumns[·, i]` with
/// `unitColumns′[·, π(i)]`.
public struct PermutableWeights: Sendable, Equatable {
    /// Recurrent weights W_h (`n × n`); entry (i, j) is the weight from unit j to unit i.
    public let recurrent: Matrix
    /// Blocks whose rows follow the units (`n × k`, e.g. W_x with the hidden biases as extra columns); `n × 0` when none.
    public let unitRows: Matrix
    /// Blocks whose columns follow the units (`m × n`, e.g. W_y); `0 × n` when none.
    public let unitColumns: Matrix

    /// Which blocks of a `TanhRNN` a distance compares.
    public enum TanhRNNBlocks: String, Sendable, CaseIterable {
        /// W_h alone: the paper's d_PIF (arXiv 2410.03972 defines it on the recurrent matrix only).
        case recurrent
        /// W_h with W_x, b, b_hh and h_0 (rows follow units) and W_y (columns follow units), permuted consistently;
        /// the readout bias is not indexed by units and is left out.
        case allUnitIndexed = "all_unit_indexed"
    }

    /// Weights with the given blocks; throws `.shape` unless `recurrent` is square and the blocks have `n` rows
    /// (`unitRows`) and `n` columns (`unitColumns`), and `.invalidInput` for NaN or infinite entries.
    public init(recurrent: Matrix, unitRows: Matrix? = nil, unitColumns: Matrix? = nil) throws {
        let n = recurrent.rows
        guard recurrent.isSquare else { throw LinalgError.shape("PIF: recurrent matrix must be square, got \(recurrent.shape)") }
        let rows = unitRows ?? Matrix(rows: n, cols: 0)
        let columns = unitColumns ?? Matrix(rows: 0, cols: n)
        guard rows.rows == n else { throw LinalgError.shape("PIF: unit-row block must have \(n) rows, got \(rows.shape)") }
        guard columns.cols == n else { throw LinalgError.shape("PIF: unit-column block must have \(n) columns, got \(columns.shape)") }
        guard recurrent.isFinite, rows.isFinite, columns.isFinite else {
            throw LinalgError.invalidInput("PIF: weights contain NaN or infinite entries")
        }
        self.recurrent = recurrent
        self.unitRows = rows
        self.unitColumns = columns
    }

    /// The blocks of `network` named by `blocks`.
    public init(_ network: TanhRNN, blocks: TanhRNNBlocks = .recurrent) throws {
        switch blocks {
        case .recurrent:
            try self.init(recurrent: network.wh)
        case .allUnitIndexed:
            let parts = [network.wx, network.b, network.bhh, network.h0]
            let rows = Matrix(rows: network.wh.rows, cols: parts.reduce(0) { $0 + $1.cols },
                              columnMajor: parts.flatMap(\.storage))
            try self.init(recurrent: network.wh, unitRows: rows, unitColumns: network.wy)
        }
    }

    /// Hidden units n.
    public var units: Int { recurrent.rows }

    /// Parameters compared: n² + n·k + m·n.
    public var parameterCount: Int { recurrent.count + unitRows.count + unitColumns.count }

    /// The same network with its units relabelled: unit i of the result is unit `permutation[i]` of this one.
    public func relabelled(by permutation: [Int]) -> PermutableWeights {
        let n = units
        precondition(permutation.count == n && Set(permutation).count == n, "relabelling needs a permutation of 0..<\(n)")
        let w = Matrix(rows: n, cols: n) { recurrent[permutation[$0], permutation[$1]] }
        let r = Matrix(rows: n, cols: unitRows.cols) { unitRows[permutation[$0], $1] }
        let c = Matrix(rows: unitColumns.rows, cols: n) { unitColumns[$0, permutation[$1]] }
        return PermutableWeights(checked: w, unitRows: r, unitColumns: c)
    }

    private init(checked recurrent: Matrix, unitRows: Matrix, unitColumns: Matrix) {
        self.recurrent = recurrent
        self.unitRows = unitRows
        self.unitColumns = unitColumns
    }
}
