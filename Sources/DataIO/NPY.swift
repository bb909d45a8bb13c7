import Foundation

/// Reader and writer for NumPy's `.npy` format (writes v1.0, or v2.0 for huge headers; reads v1.0–v3.0).
public enum NPY {
    /// The six magic bytes every `.npy` file starts with.
    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // "\x93NUMPY"
    /// Data alignment NumPy uses for the end of the header.
    static let alignment = 64
    /// Extra header spaces NumPy reserves so the growth axis can be rewritten in place.
    static let growthAxisMaxDigits = 21
    /// True on little-endian hosts (all Swift platforms in practice).
    static let hostIsLittleEndian = 1.littleEndian == 1

    // MARK: Encoding

    /// Serialises `array` to `.npy` bytes, byte-identical to `numpy.save` for the same array.
    public static func encode(_ array: NumpyArray) -> Data {
        var out = header(for: array)
        appendPayload(of: array.data, to: &out)
        return out
    }

    /// Atomically writes `array` as an `.npy` file at `url`.
    public static func write(_ array: NumpyArray, to url: URL) throws {
        try AtomicFile.write(encode(array), to: url)
    }

    /// The full header (magic, version, length and padded dict) for `array`, ending on a 64-byte boundary.
    static func header(for array: NumpyArray) -> Data {
        var dict = "{'descr': '\(array.dtype.rawValue)', 'fortran_order': \(array.fortranOrder ? "True" : "False"), "
        dict += "'shape': \(DataIOError.shapeString(array.shape)), }"
        if !array.shape.isEmpty {
            let growth = array.fortranOrder ? array.shape[array.shape.count - 1] : array.shape[0]
            dict += String(repeating: " ", count: max(0, growthAxisMaxDigits - String(growth).count))
        }
        let headerBytes = Array(dict.utf8)  // always ASCII
        let hlen = headerBytes.count + 1
        var version: UInt8 = 1
        var prefixLength = magic.count + 2 + 2
        var padlen = alignment - ((prefixLength + hlen) % alignment)
        if hlen + padlen > Int(UInt16.max) {
            version = 2
            prefixLength = magic.count + 2 + 4
            padlen = alignment - ((prefixLength + hlen) % alignment)
        }
        var out = Data(magic)
        out.append(contentsOf: [version, 0])
        let total = hlen + padlen
        if version == 1 {
            out.append(contentsOf: [UInt8(total & 0xFF), UInt8(total >> 8)])
        } else {
            out.append(contentsOf: (0..<4).map { UInt8((total >> (8 * $0)) & 0xFF) })
        }
        out.append(contentsOf: headerBytes)
        out.append(contentsOf: [UInt8](repeating: 0x20, count: padlen))
        out.append(0x0A)
        return out
    }

    /// Appends the little-endian element bytes of `data`.
    static func appendPayload(of data: NumpyData, to out: inout Data) {
        func append<T>(_ values: [T], swapUnit: Int) {
            let start = out.count
            values.withUnsafeBytes { out.append(contentsOf: $0) }
            if !hostIsLittleEndian && swapUnit > 1 {
                out.withUnsafeMutableBytes { swapBytes(UnsafeMutableRawBufferPointer(rebasing: $0[start...]), unit: swapUnit) }
            }
        }
        switch data {
        case .float64(let v): append(v, swapUnit: 8)
        case .float32(let v): append(v, swapUnit: 4)
        case .int64(let v): append(v, swapUnit: 8)
        case .int32(let v): append(v, swapUnit: 4)
        case .complex128(let v): append(v, swapUnit: 8)
        case .bool(let v): out.append(contentsOf: v.map { $0 ? UInt8(1) : 0 })
        }
    }

    // MARK: Decoding

    /// Reads and decodes the `.npy` file at `url`; errors name the file.
    public static func read(from url: URL) throws -> NumpyArray {
        let bytes: Data
        do { bytes = try Data(contentsOf: url) } catch {
            throw DataIOError.io(path: url.path, operation: "read", detail: error.localizedDescription)
        }
        return try decode(bytes, source: url.lastPathComponent)
    }

    /// Parses `.npy` bytes; `source` names the input in error messages.
    public static func decode(_ data: Data, source: String = "<npy data>") throws -> NumpyArray {
        // Work on a zero-based copy-free view of the bytes.
        return try data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            try decode(bytes: bytes, source: source)
        }
    }

    /// Parses `.npy` bytes held in `bytes`.
    static func decode(bytes: UnsafeRawBufferPointer, source: String) throws -> NumpyArray {
        // Magic and version.
        let magicPrefix = Array(bytes.prefix(magic.count))
        guard magicPrefix == Array(magic.prefix(magicPrefix.count)) else { throw DataIOError.badMagic(source: source) }
        guard bytes.count >= magic.count + 2 else {
            throw DataIOError.truncated(source: source, what: "magic and version", needed: magic.count + 2,
                                        available: bytes.count)
        }
        let major = Int(bytes[6]), minor = Int(bytes[7])
        guard minor == 0, (1...3).contains(major) else {
            throw DataIOError.unsupportedVersion(source: source, major: major, minor: minor)
        }
        // Header length.
        let lengthBytes = major == 1 ? 2 : 4
        let headerStart = 8 + lengthBytes
        guard bytes.count >= headerStart else {
            throw DataIOError.truncated(source: source, what: "header length", needed: headerStart, available: bytes.count)
        }
        var hlen = 0
        for k in 0..<lengthBytes { hlen |= Int(bytes[8 + k]) << (8 * k) }
        let dataStart = headerStart + hlen
        guard bytes.count >= dataStart else {
            throw DataIOError.truncated(source: source, what: "header", needed: dataStart, available: bytes.count)
        }
        let headerSlice = UnsafeRawBufferPointer(rebasing: bytes[headerStart..<dataStart])
        let headerText: String
        if major == 3 {
            guard let s = String(bytes: headerSlice, encoding: .utf8) else {
                throw DataIOError.malformedHeader(source: source, detail: "header is not valid UTF-8")
            }
            headerText = s
        } else {
            headerText = String(String.UnicodeScalarView(headerSlice.map { Unicode.Scalar($0) }))  // latin-1
        }
        let header = try HeaderParser.parse(headerText, source: source)

        // Descriptor, shape and payload size.
        let (dtype, littleEndianData) = try parseDescr(header.descr, source: source)
        guard header.shape.allSatisfy({ $0 >= 0 }), let count = NumpyArray.product(header.shape) else {
            throw DataIOError.invalidShape(source: source, shape: header.shape)
        }
        let (needed, overflow) = count.multipliedReportingOverflow(by: dtype.itemSize)
        guard !overflow else { throw DataIOError.invalidShape(source: source, shape: header.shape) }
        let available = bytes.count - dataStart
        if available < needed {
            throw DataIOError.truncated(source: source, what: "array data", needed: needed, available: available)
        }
        if available > needed {
            throw DataIOError.dataSizeMismatch(source: source, expectedBytes: needed, actualBytes: available)
        }
        let payload = UnsafeRawBufferPointer(rebasing: bytes[dataStart...])
        let swapUnit = littleEndianData == hostIsLittleEndian ? 1 : (dtype == .complex128 ? 8 : dtype.itemSize)
        let values: NumpyData
        switch dtype {
        case .float64: values = .float64(load(Double.self, count: count, from: payload, swapUnit: swapUnit))
        case .float32: values = .float32(load(Float.self, count: count, from: payload, swapUnit: swapUnit))
        case .int64: values = .int64(load(Int64.self, count: count, from: payload, swapUnit: swapUnit))
        case .int32: values = .int32(load(Int32.self, count: count, from: payload, swapUnit: swapUnit))
        case .complex128:
            values = .complex128(interleaved: load(Double.self, count: 2 * count, from: payload, swapUnit: swapUnit))
        case .bool: values = .bool(payload.map { $0 != 0 })
        }
        return try NumpyArray(shape: header.shape, fortranOrder: header.fortranOrder, data: values)
    }

    /// Maps a descriptor such as `<f8` or `>i4` to a dtype and whether its data are little-endian.
    static func parseDescr(_ descr: String, source: String) throws -> (NumpyDType, Bool) {
        guard let first = descr.first else { throw DataIOError.unsupportedDType(source: source, descr: descr) }
        let body = String(descr.dropFirst())
        let little: Bool
        switch first {
        case "<": little = true
        case ">": little = false
        case "=": little = hostIsLittleEndian
        case "|": little = hostIsLittleEndian  // byte order not applicable; only valid for one-byte types
        default: throw DataIOError.unsupportedDType(source: source, descr: descr)
        }
        let dtype: NumpyDType
        switch body {
        case "f8": dtype = .float64
        case "f4": dtype = .float32
        case "i8": dtype = .int64
        case "i4": dtype = .int32
        case "c16": dtype = .complex128
        case "b1": dtype = .bool
        default: throw DataIOError.unsupportedDType(source: source, descr: descr)
        }
        if first == "|" && dtype.itemSize > 1 { throw DataIOError.unsupportedDType(source: source, descr: descr) }
        return (dtype, little)
    }

    /// Copies `count` trivially-typed values out of raw bytes, reversing each `swapUnit`-byte group if > 1.
    static func load<T>(_: T.Type, count: Int, from bytes: UnsafeRawBufferPointer, swapUnit: Int) -> [T] {
        guard count > 0 else { return [] }
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            let dst = UnsafeMutableRawBufferPointer(buffer)
            dst.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[0..<(count * MemoryLayout<T>.stride)]))
            swapBytes(dst, unit: swapUnit)
            initialized = count
        }
    }

    /// Reverses the byte order of each consecutive `unit`-byte group in place.
    static func swapBytes(_ buffer: UnsafeMutableRawBufferPointer, unit: Int) {
        guard unit > 1 else { return }
        var i = 0
        while i + unit <= buffer.count {
            var a = i, b = i + unit - 1
            while a < b { buffer.swapAt(a, b); a += 1; b -= 1 }
            i += unit
        }
    }
}

/// Parsed content of an `.npy` header dictionary.
struct NPYHeader: Equatable {
    /// The `descr` string.
    var descr: String
    /// The `fortran_order` flag.
    var fortranOrder: Bool
    /// The `shape` tuple.
    var shape: [Int]
}

/// A tolerant parser for the Python dict literal in `.npy` headers (any key order, whitespace, trailing commas).
enum HeaderParser {
    /// A parsed Python literal value.
    enum Value { case string(String), bool(Bool), int(Int), tuple([Int]) }

    /// Parses `text` into an `NPYHeader`, requiring exactly the keys descr, fortran_order and shape.
    static func parse(_ text: String, source: String) throws -> NPYHeader {
        var p = Cursor(chars: Array(text.unicodeScalars), source: source)
        var entries: [String: Value] = [:]
        p.skipSpace()
        try p.expect("{")
        p.skipSpace()
        while !p.peek("}") {
            let key: String
            guard case .string(let k) = try p.value() else { throw p.error("dict keys must be quoted strings") }
            key = k
            p.skipSpace(); try p.expect(":"); p.skipSpace()
            let v = try p.value()
            guard entries[key] == nil else { throw p.error("duplicate key '\(key)'") }
            entries[key] = v
            p.skipSpace()
            if p.peek(",") { p.advance(); p.skipSpace() } else if !p.peek("}") { throw p.error("expected ',' or '}'") }
        }
        p.advance()
        p.skipSpace()
        guard p.atEnd else { throw p.error("unexpected text after '}'") }

        let allowed: Set<String> = ["descr", "fortran_order", "shape"]
        if let extra = entries.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw DataIOError.malformedHeader(source: source,
                                              detail: "unexpected key '\(extra)' (allowed: descr, fortran_order, shape)")
        }
        guard let d = entries["descr"] else { throw missing("descr", source) }
        guard let f = entries["fortran_order"] else { throw missing("fortran_order", source) }
        guard let s = entries["shape"] else { throw missing("shape", source) }
        guard case .string(let descr) = d else {
            throw DataIOError.malformedHeader(source: source,
                                              detail: "'descr' must be a string like '<f8' (structured dtypes are not supported)")
        }
        guard case .bool(let fortran) = f else {
            throw DataIOError.malformedHeader(source: source, detail: "'fortran_order' must be True or False")
        }
        guard case .tuple(let shape) = s else {
            throw DataIOError.malformedHeader(source: source, detail: "'shape' must be a tuple of integers")
        }
        return NPYHeader(descr: descr, fortranOrder: fortran, shape: shape)
    }

    static func missing(_ key: String, _ source: String) -> DataIOError {
        .malformedHeader(source: source, detail: "missing key '\(key)' (required: descr, fortran_order, shape)")
    }

    /// Character cursor with small recursive-descent helpers.
    struct Cursor {
        let chars: [Unicode.Scalar]
        let source: String
        var pos = 0

        var atEnd: Bool { pos >= chars.count }
        func peek(_ c: Unicode.Scalar) -> Bool { pos < chars.count && chars[pos] == c }
        mutating func advance() { pos += 1 }
        mutating func skipSpace() {
            while pos < chars.count, chars[pos].properties.isWhitespace { pos += 1 }
        }
        func error(_ detail: String) -> DataIOError {
            .malformedHeader(source: source, detail: "\(detail) at offset \(pos)")
        }
        mutating func expect(_ c: Unicode.Scalar) throws {
            guard peek(c) else { throw error("expected '\(c)'") }
            pos += 1
        }

        mutating func value() throws -> Value {
            guard pos < chars.count else { throw error("unexpected end of header") }
            let c = chars[pos]
            if c == "'" || c == "\"" {
                pos += 1
                var s = String.UnicodeScalarView()
                while pos < chars.count, chars[pos] != c {
                    if chars[pos] == "\\" && pos + 1 < chars.count { pos += 1 }
                    s.append(chars[pos]); pos += 1
                }
                guard pos < chars.count else { throw error("unterminated string") }
                pos += 1
                return .string(String(s))
            }
            if c == "(" || c == "[" {
                let close: Unicode.Scalar = c == "(" ? ")" : "]"
                pos += 1
                var items: [Int] = []
                skipSpace()
                while !peek(close) {
                    guard case .int(let n) = try value() else {
                        throw error(c == "[" ? "list values (structured dtypes) are not supported"
                                             : "tuple items must be integers")
                    }
                    items.append(n)
                    skipSpace()
                    if peek(",") { pos += 1; skipSpace() } else if !peek(close) { throw error("expected ',' or '\(close)'") }
                }
                pos += 1
                return .tuple(items)
            }
            if c == "-" || c.properties.numericType == .decimal {
                var digits = ""
                if c == "-" { digits.append("-"); pos += 1 }
                while pos < chars.count, ("0"..."9").contains(chars[pos]) { digits.unicodeScalars.append(chars[pos]); pos += 1 }
                if peek("L") { pos += 1 }  // Python 2 long suffix
                guard let n = Int(digits) else { throw error("invalid integer '\(digits)'") }
                return .int(n)
            }
            var word = ""
            while pos < chars.count, chars[pos].properties.isAlphabetic || chars[pos] == "_" {
                word.unicodeScalars.append(chars[pos]); pos += 1
            }
            switch word {
            case "True": return .bool(true)
            case "False": return .bool(false)
            case "": throw error("unexpected character '\(c)'")
            default: throw error("unexpected word '\(word)'")
            }
        }
    }
}
