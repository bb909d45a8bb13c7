/// Errors thrown by the LAPACK-backed linear algebra routines.
public enum LinalgError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A LAPACK routine returned a nonzero `info` (negative: bad argument; positive: numerical failure).
    case lapack(routine: String, info: Int)
    /// Operand dimensions are incompatible or too large for 32-bit LAPACK integers.
    case shape(String)
    /// An iterative method did not converge.
    case notConverged(String)
    /// The input is outside the routine's domain (non-finite entries, not positive definite, singular equation).
    case invalidInput(String)

    /// Human-readable explanation naming the routine and the meaning of `info` where known.
    public var description: String {
        switch self {
        case let .lapack(routine, info):
            return "LAPACK \(routine) failed with info = \(info) (\(LinalgError.meaning(routine: routine, info: info)))"
        case let .shape(message): return "Shape error: \(message)"
        case let .notConverged(message): return "Not converged: \(message)"
        case let .invalidInput(message): return "Invalid input: \(message)"
        }
    }

    /// The documented meaning of `info` for `routine`.
    static func meaning(routine: String, info: Int) -> String {
        if info < 0 { return "argument \(-info) had an illegal value" }
        switch routine {
        case "dgesv", "dgetrf", "dgetri":
            return "U(\(info),\(info)) is exactly zero; the matrix is singular"
        case "dpotrf":
            return "the leading minor of order \(info) is not positive definite"
        case "dgesdd":
            return "the divide-and-conquer bidiagonal SVD (dbdsdc) did not converge"
        case "dgesvd":
            return "\(info) superdiagonals of the intermediate bidiagonal form did not converge to zero"
        case "dgelsd":
            return "the SVD did not converge; \(info) off-diagonal elements did not converge to zero"
        case "dsyevd":
            return "the eigenvalue algorithm failed to converge (info = \(info))"
        case "dgeev":
            return "the QR algorithm failed; eigenvalues \(info + 1)... converged, no eigenvectors computed"
        case "dgees":
            return "the QR algorithm failed to compute all eigenvalues (info = \(info))"
        case "dtrsyl":
            return "A and B have common or very close eigenvalues; the equation is (nearly) singular"
        default:
            return "routine-specific failure"
        }
    }
}
