import Foundation

/// A JSON reader whose numbers are exact: every number is converted from its text by Swift's correctly rounded
/// `Double(String)` (integers that fit stay `Int`), so a float64 written in shortest form reads back as the same
/// float64. Foundation's `JSONSerialization` on Linux reads about half of all 17-digit decimals one ulp off.
///
/// Objects come back as `[String: Any]`, arrays as `[Any]`, numbers as `NSNumber` (integer or double), booleans as
/// `Bool`, `null` as `NSNull`. Errors give the line and column.
public enum ExactJSON {
    /// A syntax error at a position of the text.
    public struct SyntaxError: Error, CustomStringConvertible, Equatable {
        /// 1-based line.
        public let line: Int
        /// 1-based column (in bytes).
        public let column: Int
        /// What was wrong.
        public let reason: String

        public var description: String { "line \(line), column \(column): \(reason)" }
    }

    /// Parses one JSON value (any type at the top level) followed only by white space.
    public static func parse(_ data: Data) throws -> Any {
        var p = Parser(bytes: Array(data))
        p.skipSpace()
        let value = try p.value(depth: 0)
        p.skipSpace()
        guard p.i == p.bytes.count else { throw p.error("unexpected text after the value") }
        return value
    }

    struct Parser {
        let bytes: [UInt8]
        var i = 0

        func error(_ reason: String) -> SyntaxError {
            var line = 1, column = 1
            for b in bytes[0..<min(i, bytes.count)] { if b == 0x0A { line += 1; column = 1 } else { column += 1 } }
            return SyntaxError(line: line, column: column, reason: reason)
        }

        mutating func skipSpace() {
            while i < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[i]) { i += 1 }
        }

        mutating func value(depth: Int) throws -> Any {
            guard depth < 512 else { throw error("nesting deeper than 512") }
            guard i < bytes.count else { throw error("unexpected end of input") }
            switch bytes[i] {
            case UInt8(ascii: "{"): return try object(depth: depth)
            case UInt8(ascii: "["): return try array(depth: depth)
            case UInt8(ascii: "\""): return try string()
            case UInt8(ascii: "t"): try literal("true"); return true
            case UInt8(ascii: "f"): try literal("false"); return false
            case UInt8(ascii: "n"): try literal("null"); return NSNull()
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
            default: throw error("unexpected character '\(Character(Unicode.Scalar(bytes[i])))'")
            }
        }

        mutating func literal(_ word: String) throws {
            let w = Array(word.utf8)
            guard i + w.count <= bytes.count, Array(bytes[i..<i + w.count]) == w else { throw error("expected \(word)") }
            i += w.count
        }

        mutating func object(depth: Int) throws -> [String: Any] {
            i += 1
            var out: [String: Any] = [:]
            skipSpace()
            if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return out }
            while true {
                skipSpace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw error("expected a string key") }
                let key = try string()
                skipSpace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw error("expected ':' after a key") }
                i += 1
                skipSpace()
                guard out[key] == nil else { throw error("duplicate key '\(key)'") }
                out[key] = try value(depth: depth + 1)
                skipSpace()
                guard i < bytes.count else { throw error("unexpected end of input in an object") }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == UInt8(ascii: "}") { i += 1; return out }
                throw error("expected ',' or '}' in an object")
            }
        }

        mutating func array(depth: Int) throws -> [Any] {
            i += 1
            var out: [Any] = []
            skipSpace()
            if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return out }
            while true {
                skipSpace()
                out.append(try value(depth: depth + 1))
                skipSpace()
                guard i < bytes.count else { throw error("unexpected end of input in an array") }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == UInt8(ascii: "]") { i += 1; return out }
                throw error("expected ',' or ']' in an array")
            }
        }

        mutating func string() throws -> String {
            i += 1
            var scalars = String.UnicodeScalarView()
            var run = i
            var out = ""
            func flush(_ end: Int) { out += String(decoding: bytes[run..<end], as: UTF8.self) }
            while true {
                guard i < bytes.count else { throw error("unterminated string") }
                let b = bytes[i]
                if b == UInt8(ascii: "\"") { flush(i); i += 1; return out + String(scalars) }
                if b < 0x20 { throw error("control character in a string") }
                if b != UInt8(ascii: "\\") { i += 1; continue }
                flush(i)
                if !scalars.isEmpty { out += String(scalars); scalars = String.UnicodeScalarView() }
                i += 1
                guard i < bytes.count else { throw error("unterminated escape") }
                let e = bytes[i]
                i += 1
                switch e {
                case UInt8(ascii: "\""): out += "\""
                case UInt8(ascii: "\\"): out += "\\"
                case UInt8(ascii: "/"): out += "/"
                case UInt8(ascii: "b"): out += "\u{08}"
                case UInt8(ascii: "f"): out += "\u{0C}"
                case UInt8(ascii: "n"): out += "\n"
                case UInt8(ascii: "r"): out += "\r"
                case UInt8(ascii: "t"): out += "\t"
                case UInt8(ascii: "u"):
                    var code = try hex4()
                    if (0xD800..<0xDC00).contains(code) {
                        guard i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") else {
                            throw error("unpaired surrogate")
                        }
                        i += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw error("unpaired surrogate") }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let s = Unicode.Scalar(code) else { throw error("invalid \\u escape") }
                    out.unicodeScalars.append(s)
                default: throw error("invalid escape")
                }
                run = i
            }
        }

        mutating func hex4() throws -> UInt32 {
            guard i + 4 <= bytes.count, let v = UInt32(String(decoding: bytes[i..<i + 4], as: UTF8.self), radix: 16) else {
                throw error("expected 4 hex digits after \\u")
            }
            i += 4
            return v
        }

        mutating func number() throws -> NSNumber {
            let start = i
            if bytes[i] == UInt8(ascii: "-") { i += 1 }
            func digits() -> Int { let s = i; while i < bytes.count, (0x30...0x39).contains(bytes[i]) { i += 1 }; return i - s }
            guard i < bytes.count, (0x30...0x39).contains(bytes[i]) else { throw error("expected a digit") }
            if bytes[i] == 0x30 { i += 1 } else { _ = digits() }
            var integral = true
            if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
                i += 1; integral = false
                guard digits() > 0 else { throw error("expected a digit after '.'") }
            }
            if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
                i += 1; integral = false
                if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
                guard digits() > 0 else { throw error("expected a digit in the exponent") }
            }
            let text = String(decoding: bytes[start..<i], as: UTF8.self)
            if integral, let n = Int(text) { return NSNumber(value: n) }
            guard let d = Double(text), d.isFinite else { throw error("number \(text) is out of range") }
            return NSNumber(value: d)
        }
    }
}
