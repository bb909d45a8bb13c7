import CLapacke

/// An LU factorisation with partial pivoting (dgetrf) of a square matrix, reused for many right-hand sides (dgetrs).
///
/// Implicit integrators factor `I/(hγ) − J` once per step and solve every stage against it; `refactor` overwrites
/// the factors in place, so a long run allocates nothing after the first factorisation.
public struct LUFactorization: Sendable {
    /// Order of the factored matrix.
    public let dimension: Int
    /// Column-major packed L (unit lower, below the diagonal) and U (on and above it), as dgetrf leaves them.
    private var factors: [Double]
    /// dgetrf's 1-based row interchanges.
    private var pivots: [Int32]

    /// Factors the square matrix `a`; throws `.lapack("dgetrf", info)` if it is exactly singular.
    public init(_ a: Matrix) throws {
        try LAPACK.requireSquare(a, "LU factorisation")
        self.init(dimension: a.rows)
        try a.storage.withUnsafeBufferPointer { try refactor(columnMajor: $0) }
    }

    /// Storage for matrices of order `dimension`, not yet factored (call `refactor` before solving).
    public init(dimension: Int) {
        precondition(dimension > 0, "dimension must be positive")
        self.dimension = dimension
        self.factors = [Double](repeating: 0, count: dimension * dimension)
        self.pivots = [Int32](repeating: 0, count: dimension)
    }

    /// Replaces the factors by those of the column-major `dimension × dimension` matrix `a` (no allocation).
    ///
    /// Throws `.invalidInput` for non-finite entries and `.lapack("dgetrf", info)` for an exactly singular matrix.
    public mutating func refactor(columnMajor a: UnsafeBufferPointer<Double>) throws {
        let n = dimension
        precondition(a.count == n * n, "matrix has \(a.count) entries, expected \(n * n)")
        guard a.allSatisfy({ $0.isFinite }) else {
            throw LinalgError.invalidInput("LU factorisation: matrix contains NaN or infinite entries")
        }
        let n32 = try LAPACK.int(n)
        _ = try LAPACK.int(n * n, "matrix size")
        let info = factors.withUnsafeMutableBufferPointer { f in
            pivots.withUnsafeMutableBufferPointer { p in
                for i in 0..<(n * n) { f[i] = a[i] }
                return LAPACKE_dgetrf(LAPACK.colMajor, n32, n32, f.baseAddress, n32, p.baseAddress)
            }
        }
        try LAPACK.check(info, "dgetrf")
    }

    /// Overwrites `b` (length `dimension`) with the solution of `A x = b`.
    public func solve(inPlace b: UnsafeMutableBufferPointer<Double>) {
        let n = Int32(dimension)
        precondition(b.count == dimension, "right-hand side has \(b.count) entries, expected \(dimension)")
        let info = factors.withUnsafeBufferPointer { f in
            pivots.withUnsafeBufferPointer { p in
                LAPACKE_dgetrs(LAPACK.colMajor, LAPACK.flag("N"), n, 1, f.baseAddress, n, p.baseAddress, b.baseAddress, n)
            }
        }
        precondition(info == 0, "dgetrs rejected argument \(-info)")
    }

    /// The solution of `A x = b`.
    public func solve(_ b: [Double]) -> [Double] {
        var x = b
        x.withUnsafeMutableBufferPointer { solve(inPlace: $0) }
        return x
    }
}
