import Foundation

/// A dense column-major matrix of `Double` with value semantics.
///
/// Element `(i, j)` lives at `storage[i + j * rows]`, the layout BLAS/LAPACK (`CblasColMajor`) and
/// NumPy's `fortran_order: True` expect, so matrices cross those boundaries without copies.
public struct Matrix: Equatable, Sendable, CustomStringConvertible {
    /// Number of rows.
    public let rows: Int
    /// Number of columns.
    public let cols: Int
    /// Column-major entries; `storage.count == rows * cols`.
    public var storage: [Double]

    /// A `rows × cols` matrix with every entry equal to `value`.
    public init(rows: Int, cols: Int, repeating value: Double = 0) {
        precondition(rows >= 0 && cols >= 0, "Matrix dimensions must be non-negative")
        self.rows = rows
        self.cols = cols
        self.storage = [Double](repeating: value, count: rows * cols)
    }

    /// Wraps column-major `storage` (length `rows * cols`).
    public init(rows: Int, cols: Int, columnMajor storage: [Double]) {
        precondition(storage.count == rows * cols, "storage has \(storage.count) entries, expected \(rows * cols)")
        self.rows = rows
        self.cols = cols
        self.storage = storage
    }

    /// Builds a matrix from row-major nested arrays (convenient in tests and literals).
    public init(_ rowsArray: [[Double]]) {
        let r = rowsArray.count
        let c = rowsArray.first?.count ?? 0
        precondition(rowsArray.allSatisfy { $0.count == c }, "ragged rows")
        self.init(rows: r, cols: c)
        for i in 0..<r { for j in 0..<c { storage[i + j * r] = rowsArray[i][j] } }
    }

    /// Builds a matrix by evaluating `f(i, j)` for every entry.
    public init(rows: Int, cols: Int, _ f: (Int, Int) -> Double) {
        self.init(rows: rows, cols: cols)
        for j in 0..<cols { for i in 0..<rows { storage[i + j * rows] = f(i, j) } }
    }

    /// The `n × n` identity.
    public static func identity(_ n: Int) -> Matrix {
        var m = Matrix(rows: n, cols: n)
        for i in 0..<n { m.storage[i + i * n] = 1 }
        return m
    }

    /// A `rows × cols` matrix whose leading diagonal is `diagonal` (rectangular-diagonal if shapes differ).
    public static func diagonal(_ diagonal: [Double], rows: Int? = nil, cols: Int? = nil) -> Matrix {
        let r = rows ?? diagonal.count
        let c = cols ?? diagonal.count
        precondition(diagonal.count <= min(r, c), "diagonal longer than min(rows, cols)")
        var m = Matrix(rows: r, cols: c)
        for (i, v) in diagonal.enumerated() { m.storage[i + i * r] = v }
        return m
    }

    /// Entry access by (row, column).
    @inlinable public subscript(i: Int, j: Int) -> Double {
        get { storage[i + j * rows] }
        set { storage[i + j * rows] = newValue }
    }

    /// `(rows, cols)`.
    public var shape: (Int, Int) { (rows, cols) }
    /// Number of entries.
    public var count: Int { storage.count }
    /// True when the matrix is square.
    public var isSquare: Bool { rows == cols }

    /// The transpose (a copy).
    public var transposed: Matrix {
        var t = Matrix(rows: cols, cols: rows)
        storage.withUnsafeBufferPointer { s in
            t.storage.withUnsafeMutableBufferPointer { d in
                for j in 0..<cols { for i in 0..<rows { d[j + i * cols] = s[i + j * rows] } }
            }
        }
        return t
    }

    /// The main diagonal.
    public var diagonalEntries: [Double] { (0..<min(rows, cols)).map { self[$0, $0] } }

    /// Row `i` as an array.
    public func row(_ i: Int) -> [Double] { (0..<cols).map { self[i, $0] } }
    /// Column `j` as an array.
    public func column(_ j: Int) -> [Double] { Array(storage[(j * rows)..<((j + 1) * rows)]) }

    /// Columns `range` as a new matrix (contiguous in column-major storage).
    public func columns(_ range: Range<Int>) -> Matrix {
        precondition(range.lowerBound >= 0 && range.upperBound <= cols, "column range out of bounds")
        return Matrix(rows: rows, cols: range.count,
                      columnMajor: Array(storage[(range.lowerBound * rows)..<(range.upperBound * rows)]))
    }

    /// Rows `rowRange`, columns `colRange` as a new matrix.
    public func submatrix(rows rowRange: Range<Int>, cols colRange: Range<Int>) -> Matrix {
        Matrix(rows: rowRange.count, cols: colRange.count) { i, j in self[rowRange.lowerBound + i, colRange.lowerBound + j] }
    }

    /// Frobenius norm.
    public var frobeniusNorm: Double {
        // Scaled accumulation avoids overflow for large entries.
        let scale = storage.reduce(0) { max($0, abs($1)) }
        guard scale > 0, scale.isFinite else { return scale }
        var s = 0.0
        for v in storage { let q = v / scale; s += q * q }
        return scale * s.squareRoot()
    }

    /// Largest absolute entry.
    public var maxAbs: Double { storage.reduce(0) { max($0, abs($1)) } }
    /// Trace (sum of the diagonal).
    public var trace: Double { diagonalEntries.reduce(0, +) }
    /// True when every entry is finite.
    public var isFinite: Bool {
        // An entry is ±inf or NaN exactly when its exponent bits are all ones; adding one unit of the exponent then
        // carries into the sign bit. A branch-free OR over the entries vectorises (this runs once per training step).
        let exponent: UInt64 = 0x7FF0_0000_0000_0000, exponentUnit: UInt64 = 0x0010_0000_0000_0000
        return storage.withUnsafeBufferPointer { p in
            var carried: UInt64 = 0
            for x in p { carried |= (x.bitPattern & exponent) &+ exponentUnit }
            return carried & (1 << 63) == 0
        }
    }

    public var description: String {
        (0..<rows).map { i in (0..<cols).map { String(format: "% .6g", self[i, $0]) }.joined(separator: " ") }
            .joined(separator: "\n")
    }
}

// MARK: - Elementwise arithmetic

extension Matrix {
    /// Entrywise sum.
    public static func + (a: Matrix, b: Matrix) -> Matrix {
        precondition(a.rows == b.rows && a.cols == b.cols, "shape mismatch in +: \(a.shape) vs \(b.shape)")
        var c = a
        for k in 0..<c.storage.count { c.storage[k] += b.storage[k] }
        return c
    }

    /// Entrywise difference.
    public static func - (a: Matrix, b: Matrix) -> Matrix {
        precondition(a.rows == b.rows && a.cols == b.cols, "shape mismatch in -: \(a.shape) vs \(b.shape)")
        var c = a
        for k in 0..<c.storage.count { c.storage[k] -= b.storage[k] }
        return c
    }

    /// Scalar multiple.
    public static func * (s: Double, a: Matrix) -> Matrix {
        Matrix(rows: a.rows, cols: a.cols, columnMajor: a.storage.map { s * $0 })
    }

    /// Negation.
    public static prefix func - (a: Matrix) -> Matrix { -1 * a }

    /// In-place `self += alpha * other` (BLAS axpy).
    public mutating func addScaled(_ other: Matrix, _ alpha: Double = 1) {
        precondition(rows == other.rows && cols == other.cols, "shape mismatch in addScaled")
        BLAS.axpy(alpha, other.storage, &storage)
    }

    /// Copies `other`'s entries into this matrix's existing storage (same shape; never reallocates, unlike
    /// assigning `storage`, which shares the buffer and forces a copy-on-write on the next mutation).
    public mutating func copyEntries(from other: Matrix) {
        precondition(rows == other.rows && cols == other.cols, "shape mismatch in copyEntries")
        storage.withUnsafeMutableBufferPointer { d in
            other.storage.withUnsafeBufferPointer { d.baseAddress!.update(from: $0.baseAddress!, count: $0.count) }
        }
    }

    /// Frobenius inner product ⟨A, B⟩ = tr(Aᵀ B).
    public func dot(_ other: Matrix) -> Double {
        precondition(rows == other.rows && cols == other.cols, "shape mismatch in dot")
        return BLAS.dot(storage, other.storage)
    }

    /// Largest relative entrywise difference `max|a−b| / max(max|b|, tiny)`.
    public func relativeDistance(to other: Matrix) -> Double {
        (self - other).maxAbs / max(other.maxAbs, .leastNormalMagnitude)
    }
}
