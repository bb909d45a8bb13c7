import Foundation

/// Deterministic JSON helpers: pretty-printed, sorted keys, non-finite floats as "NaN"/"Infinity"/"-Infinity".
public enum JSONIO {
    /// The configured encoder (pretty, sorted keys, unescaped slashes, non-finite floats as strings).
    public static func makeEncoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        e.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return e
    }

    /// The matching decoder (accepts "NaN"/"Infinity"/"-Infinity" strings for floating-point fields).
    public static func makeDecoder() -> JSONDecoder {
        let d = JSONDecoder()
        d.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return d
    }

    /// Encodes `value` as pretty, sorted-key JSON followed by a newline.
    public static func encode<T: Encodable>(_ value: T, source: String = "<json>") throws -> Data {
        do {
            var data = try makeEncoder().encode(value)
            data.append(0x0A)
            return data
        } catch {
            throw DataIOError.json(source: source, detail: describe(error))
        }
    }

    /// Decodes a `T` from JSON produced by `encode` (or any JSON using the same non-finite spelling).
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data, source: String = "<json>") throws -> T {
        do {
            return try makeDecoder().decode(type, from: data)
        } catch {
            throw DataIOError.json(source: source, detail: describe(error))
        }
    }

    /// Atomically writes `value` as JSON to `url`.
    public static func write<T: Encodable>(_ value: T, to url: URL) throws {
        try AtomicFile.write(encode(value, source: url.lastPathComponent), to: url)
    }

    /// Reads and decodes a `T` from the JSON file at `url`.
    public static func read<T: Decodable>(_ type: T.Type, from url: URL) throws -> T {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw DataIOError.io(path: url.path, operation: "read", detail: error.localizedDescription)
        }
        return try decode(type, from: data, source: url.lastPathComponent)
    }

    /// A one-line summary of an encoding/decoding error including its coding path.
    static func describe(_ error: Error) -> String {
        func path(_ p: [CodingKey]) -> String {
            p.isEmpty ? "<root>" : p.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        }
        switch error {
        case let DecodingError.keyNotFound(key, ctx):
            return "missing key '\(key.stringValue)' at \(path(ctx.codingPath))"
        case let DecodingError.typeMismatch(type, ctx):
            return "type mismatch (expected \(type)) at \(path(ctx.codingPath)): \(ctx.debugDescription)"
        case let DecodingError.valueNotFound(type, ctx):
            return "missing \(type) value at \(path(ctx.codingPath))"
        case let DecodingError.dataCorrupted(ctx):
            return "invalid data at \(path(ctx.codingPath)): \(ctx.debugDescription)"
        case let EncodingError.invalidValue(value, ctx):
            return "cannot encode \(value) at \(path(ctx.codingPath)): \(ctx.debugDescription)"
        default:
            return String(describing: error)
        }
    }
}
