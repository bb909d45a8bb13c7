import DataIO
import Linalg

// The bridge between the engine's `Matrix` and the NumPy arrays of run directories (DataIO knows no `Matrix`).
extension NumpyArray {
    /// A `[rows, cols]` float64 array in Fortran order sharing the matrix's column-major storage (no copy).
    public init(_ matrix: Matrix) {
        self.init(rows: matrix.rows, cols: matrix.cols, columnMajor: matrix.storage)
    }

    /// Converts a 2-d array to a column-major `Matrix` (C-order data is transposed into place).
    public func toMatrix() throws -> Matrix {
        guard rank == 2 else {
            throw DataIOError.rankMismatch(source: "NumpyArray.toMatrix", shape: shape, expectedRank: 2)
        }
        return Matrix(rows: shape[0], cols: shape[1], columnMajor: try doubles(order: .fortran))
    }
}
