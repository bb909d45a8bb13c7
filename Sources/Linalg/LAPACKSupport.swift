import CLapacke

/// Shared plumbing for the LAPACKE wrappers (checked integer conversion, flags, info checks).
enum LAPACK {
    /// Column-major layout flag for LAPACKE.
    static let colMajor = Int32(LAPACK_COL_MAJOR)

    /// Converts a dimension to `lapack_int`, throwing when it does not fit in 32 bits.
    static func int(_ v: Int, _ what: String = "dimension") throws -> Int32 {
        guard let r = Int32(exactly: v) else { throw LinalgError.shape("\(what) \(v) exceeds the 32-bit LAPACK integer range") }
        return r
    }

    /// A LAPACKE character flag.
    static func flag(_ c: Unicode.Scalar) -> CChar { CChar(truncatingIfNeeded: c.value) }

    /// Throws `LinalgError.lapack` when `info != 0`.
    static func check(_ info: Int32, _ routine: String) throws {
        if info != 0 { throw LinalgError.lapack(routine: routine, info: Int(info)) }
    }

    /// Throws `.invalidInput` if `m` contains NaN or infinity (LAPACKE would report it as an illegal argument).
    static func requireFinite(_ m: Matrix, _ operation: String) throws {
        if !m.isFinite { throw LinalgError.invalidInput("\(operation): matrix contains NaN or infinite entries") }
    }

    /// Throws `.shape` unless `m` is square.
    static func requireSquare(_ m: Matrix, _ operation: String) throws {
        if !m.isSquare { throw LinalgError.shape("\(operation) needs a square matrix, got \(m.rows)×\(m.cols)") }
    }
}
