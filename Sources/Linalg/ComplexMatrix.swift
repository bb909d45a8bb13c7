import Numerics

/// A dense column-major matrix of `Complex<Double>` (used for eigenvectors of real nonsymmetric matrices).
public struct ComplexMatrix: Equatable, Sendable {
    /// Number of rows.
    public let rows: Int
    /// Number of columns.
    public let cols: Int
    /// Column-major entries; element `(i, j)` is `storage[i + j * rows]`.
    public var storage: [Complex<Double>]

    /// A `rows × cols` matrix filled with `value`.
    public init(rows: Int, cols: Int, repeating value: Complex<Double> = .zero) {
        precondition(rows >= 0 && cols >= 0, "ComplexMatrix dimensions must be non-negative")
        self.rows = rows
        self.cols = cols
        self.storage = Array(repeating: value, count: rows * cols)
    }

    /// The complex matrix `real + i·imaginary` (imaginary part zero if omitted).
    public init(real: Matrix, imaginary: Matrix? = nil) {
        if let im = imaginary { precondition(im.rows == real.rows && im.cols == real.cols, "shape mismatch") }
        self.init(rows: real.rows, cols: real.cols)
        for k in 0..<storage.count { storage[k] = Complex(real.storage[k], imaginary?.storage[k] ?? 0) }
    }

    /// Entry access by (row, column).
    public subscript(i: Int, j: Int) -> Complex<Double> {
        get { storage[i + j * rows] }
        set { storage[i + j * rows] = newValue }
    }

    /// Column `j` as an array.
    public func column(_ j: Int) -> [Complex<Double>] { Array(storage[(j * rows)..<((j + 1) * rows)]) }

    /// Entrywise real parts.
    public var real: Matrix { Matrix(rows: rows, cols: cols, columnMajor: storage.map(\.real)) }
    /// Entrywise imaginary parts.
    public var imaginary: Matrix { Matrix(rows: rows, cols: cols, columnMajor: storage.map(\.imaginary)) }
}
