/// Errors of the representational similarity metrics: one line naming the offending field and what is allowed.
public enum RepresentationError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Two response matrices hold different numbers of samples (rows); both must hold the same samples.
    case rowCountMismatch(first: String, firstRows: Int, second: String, secondRows: Int)
    /// `field` has `rows` samples (or conditions) where the metric needs at least `needed`.
    case tooFewSamples(field: String, rows: Int, needed: Int)
    /// `field` has no columns (units), or is an empty list.
    case empty(field: String)
    /// `field` contains NaN or ±∞.
    case nonFinite(field: String)
    /// `field` has no variance left after centring (or, for RSA, a pattern or an RDM is constant).
    case zeroVariance(field: String)
    /// A parameter lies outside its domain.
    case invalidParameter(field: String, allowed: String)

    /// One line naming the field.
    public var description: String {
        switch self {
        case let .rowCountMismatch(first, firstRows, second, secondRows):
            return "representation: \(first) has \(firstRows) rows but \(second) has \(secondRows); both must hold the same samples"
        case let .tooFewSamples(field, rows, needed):
            return "representation: \(field) has \(rows) rows; at least \(needed) needed"
        case let .empty(field):
            return "representation: \(field) is empty; at least one column (unit) or entry needed"
        case let .nonFinite(field):
            return "representation: \(field) must hold finite numbers (found NaN or ±∞)"
        case let .zeroVariance(field):
            return "representation: \(field) has zero variance; the metric is undefined for it"
        case let .invalidParameter(field, allowed):
            return "representation: \(field) must be \(allowed)"
        }
    }
}
