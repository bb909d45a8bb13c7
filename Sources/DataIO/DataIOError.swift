import Foundation

/// Errors raised by the data I/O layer; every `description` is a single line naming the source and the problem.
public enum DataIOError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The input ended before `needed` bytes of `what` could be read (only `available` were present).
    case truncated(source: String, what: String, needed: Int, available: Int)
    /// The file does not start with the `.npy` magic string `\x93NUMPY`.
    case badMagic(source: String)
    /// The `.npy` format version is not 1.0, 2.0 or 3.0.
    case unsupportedVersion(source: String, major: Int, minor: Int)
    /// The `.npy` header dictionary could not be parsed or misses/duplicates a key.
    case malformedHeader(source: String, detail: String)
    /// The dtype descriptor is not one of the supported ones.
    case unsupportedDType(source: String, descr: String)
    /// A dimension is negative or the element count overflows `Int`.
    case invalidShape(source: String, shape: [Int])
    /// The element count implied by `shape` does not match the data supplied.
    case shapeMismatch(source: String, shape: [Int], expectedCount: Int, actualCount: Int)
    /// The payload length after the header differs from what dtype and shape require.
    case dataSizeMismatch(source: String, expectedBytes: Int, actualBytes: Int)
    /// A conversion was requested that the stored dtype does not support (e.g. complex to Double).
    case typeMismatch(source: String, dtype: String, requested: String)
    /// An operation needed a different number of dimensions.
    case rankMismatch(source: String, shape: [Int], expectedRank: Int)
    /// The ZIP container of an `.npz` could not be read or written.
    case zip(source: String, detail: String)
    /// An `.npz` member name is empty, duplicated or not an `.npy` file.
    case invalidMemberName(source: String, name: String, reason: String)
    /// A file-system operation failed.
    case io(path: String, operation: String, detail: String)
    /// The destination of a commit already exists and is not an empty directory.
    case destinationExists(path: String)
    /// JSON encoding or decoding failed.
    case json(source: String, detail: String)
    /// A CSV row has a different number of cells than the header.
    case csvRowWidth(row: Int, expected: Int, actual: Int)

    /// Allowed dtype descriptors, as listed in error messages.
    static let allowedDTypes = "<f8, <f4, <i8, <i4, <c16, |b1"

    /// One-line, human-readable message naming the source and what is allowed.
    public var description: String {
        let text: String
        switch self {
        case let .truncated(source, what, needed, available):
            text = "\(source): truncated \(what): need \(needed) bytes, found \(available)"
        case let .badMagic(source):
            text = "\(source): bad magic (expected the .npy prefix \\x93NUMPY)"
        case let .unsupportedVersion(source, major, minor):
            text = "\(source): unsupported .npy format version \(major).\(minor) (allowed: 1.0, 2.0, 3.0)"
        case let .malformedHeader(source, detail):
            text = "\(source): malformed .npy header: \(detail)"
        case let .unsupportedDType(source, descr):
            text = "\(source): unsupported dtype '\(descr)' (allowed: \(Self.allowedDTypes); big-endian '>' variants are byte-swapped)"
        case let .invalidShape(source, shape):
            text = "\(source): invalid shape \(Self.shapeString(shape)) (dimensions must be non-negative and the size must fit in Int)"
        case let .shapeMismatch(source, shape, expected, actual):
            text = "\(source): shape \(Self.shapeString(shape)) needs \(expected) elements, got \(actual)"
        case let .dataSizeMismatch(source, expected, actual):
            text = "\(source): array data is \(actual) bytes, dtype and shape require exactly \(expected)"
        case let .typeMismatch(source, dtype, requested):
            text = "\(source): cannot convert dtype \(dtype) to \(requested)"
        case let .rankMismatch(source, shape, rank):
            text = "\(source): expected a \(rank)-d array, got shape \(Self.shapeString(shape))"
        case let .zip(source, detail):
            text = "\(source): invalid or unwritable ZIP archive: \(detail)"
        case let .invalidMemberName(source, name, reason):
            text = "\(source): member '\(name)' \(reason)"
        case let .io(path, operation, detail):
            text = "\(path): \(operation) failed: \(detail)"
        case let .destinationExists(path):
            text = "\(path): destination exists and is not an empty directory (pass replace: true to overwrite)"
        case let .json(source, detail):
            text = "\(source): JSON error: \(detail)"
        case let .csvRowWidth(row, expected, actual):
            text = "CSV row \(row): has \(actual) cells, header has \(expected)"
        }
        return Self.oneLine(text)
    }

    /// Python-style tuple rendering of a shape, e.g. `(3,)` or `(2, 4)`.
    static func shapeString(_ shape: [Int]) -> String {
        shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
    }

    /// Collapses any line breaks so descriptions stay on one line.
    static func oneLine(_ s: String) -> String {
        s.split(whereSeparator: { $0.isNewline }).joined(separator: " ")
    }
}
