import Foundation

/// One CSV cell: text, a floating-point number or an integer.
public enum CSVCell: Equatable, Sendable, ExpressibleByStringLiteral, ExpressibleByFloatLiteral, ExpressibleByIntegerLiteral {
    /// Text, quoted when it contains a comma, quote or line break.
    case string(String)
    /// A Double written with Swift's shortest round-trip `description`; non-finite as nan, inf, -inf.
    case double(Double)
    /// An integer.
    case int(Int)

    /// A string cell from a literal.
    public init(stringLiteral value: String) { self = .string(value) }
    /// A double cell from a literal.
    public init(floatLiteral value: Double) { self = .double(value) }
    /// An int cell from a literal.
    public init(integerLiteral value: Int) { self = .int(value) }

    /// The cell's CSV field text (already quoted/escaped as needed).
    public var field: String {
        switch self {
        case .string(let s): CSVWriter.quote(s)
        case .int(let i): String(i)
        case .double(let d):
            if d.isNaN { "nan" } else if d == .infinity { "inf" } else if d == -.infinity { "-inf" } else { d.description }
        }
    }
}

/// Builds a tidy CSV table (header row plus fixed-width rows, `\n` line endings) in memory.
public struct CSVWriter: Sendable {
    /// Column names.
    public let header: [String]
    /// Rows appended so far.
    public private(set) var rows: [[CSVCell]] = []

    /// Starts a table with the given column names.
    public init(header: [String]) {
        self.header = header
    }

    /// Appends a row; throws if its width differs from the header's.
    public mutating func append(_ row: [CSVCell]) throws {
        guard row.count == header.count else {
            throw DataIOError.csvRowWidth(row: rows.count + 1, expected: header.count, actual: row.count)
        }
        rows.append(row)
    }

    /// The complete CSV text, one line per row, each terminated by `\n`.
    public var string: String {
        var out = header.map(Self.quote).joined(separator: ",") + "\n"
        for row in rows {
            out += row.map(\.field).joined(separator: ",")
            out += "\n"
        }
        return out
    }

    /// The CSV text as UTF-8 data.
    public var data: Data { Data(string.utf8) }

    /// Atomically writes the table to `url`.
    public func write(to url: URL) throws {
        try AtomicFile.write(data, to: url)
    }

    /// Quotes `s` per RFC 4180 when it contains a comma, double quote, CR or LF (inner quotes doubled).
    public static func quote(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
