import Foundation
import Linalg
import Testing
@testable import DataIO
import Report

// MARK: - Helpers

/// Result of running a child process.
private struct ProcessOutput {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs `python3 -c script args...` (via /usr/bin/env), capturing output through temporary files.
private func runPython(_ script: String, _ args: [String] = []) throws -> ProcessOutput {
    let dir = try makeTempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let outURL = dir.appendingPathComponent("stdout"), errURL = dir.appendingPathComponent("stderr")
    FileManager.default.createFile(atPath: outURL.path, contents: nil)
    FileManager.default.createFile(atPath: errURL.path, contents: nil)
    let outHandle = try FileHandle(forWritingTo: outURL), errHandle = try FileHandle(forWritingTo: errURL)
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["python3", "-c", script] + args
    p.standardOutput = outHandle
    p.standardError = errHandle
    try p.run()
    p.waitUntilExit()
    try outHandle.close(); try errHandle.close()
    return ProcessOutput(status: p.terminationStatus,
                         stdout: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
                         stderr: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "")
}

/// A fresh empty directory under the system temp dir.
private func makeTempDir() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("dataio-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// The `DataIOError` thrown by `body`, or nil.
private func dataIOError(_ body: () throws -> Void) -> DataIOError? {
    do { try body(); return nil } catch let e as DataIOError { return e } catch { return nil }
}

/// Builds an array of `dtype` with `shape` and order, filled with distinctive values (incl. NaN/±inf/-0 for floats).
private func sampleArray(_ dtype: NumpyDType, shape: [Int], fortran: Bool) throws -> NumpyArray {
    let n = shape.reduce(1, *)
    let specials: [Double] = [.nan, .infinity, -.infinity, -0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude]
    func dbl(_ k: Int) -> Double { k < specials.count && n > 3 ? specials[k] : Double(k) * 0.1 - 1.7 }
    let data: NumpyData
    switch dtype {
    case .float64: data = .float64((0..<n).map(dbl))
    case .float32: data = .float32((0..<n).map { Float(dbl($0)) })
    case .int64: data = .int64((0..<n).map { $0 == 0 ? Int64.min : ($0 == 1 ? Int64.max : Int64($0) * -7) })
    case .int32: data = .int32((0..<n).map { $0 == 0 ? Int32.min : ($0 == 1 ? Int32.max : Int32($0) * 3) })
    case .complex128: data = .complex128(interleaved: (0..<(2 * n)).map { dbl($0) })
    case .bool: data = .bool((0..<n).map { $0 % 3 == 0 })
    }
    return try NumpyArray(shape: shape, fortranOrder: fortran, data: data)
}

/// Every (shape, fortranOrder) combination exercised by the round-trip tests.
private let layouts: [([Int], Bool)] = [
    ([], false), ([0], false), ([7], false), ([3, 4], false), ([3, 4], true), ([0, 3], false),
    ([2, 3, 4], false), ([2, 3, 4], true), ([2, 1, 3, 2], true),
]

// MARK: - Tests

@Suite struct DataIOTests {
    /// Whether `python3 -c "import numpy"` succeeds; prints the skip reason when it does not.
    static let numpyAvailable: Bool = {
        let ok = (try? runPython("import numpy"))?.status == 0
        if !ok { print("numpy interop skipped: python3 with numpy not found") }
        return ok
    }()

    // MARK: NumpyArray

    @Test func conveniences() throws {
        let m = Matrix([[1, 2, 3], [4, 5, 6]])
        let a = NumpyArray(m)
        #expect(a.shape == [2, 3] && a.fortranOrder && a.data == .float64(m.storage))
        #expect(try a.toMatrix() == m)
        #expect(try a.doubles(order: .c) == [1, 2, 3, 4, 5, 6])
        let c = try NumpyArray(shape: [2, 3], cOrder: [1, 2, 3, 4, 5, 6])
        #expect(!c.fortranOrder)
        #expect(try c.toMatrix() == m)
        #expect(try c.doubles(order: .fortran) == m.storage)
        #expect(c.reordered(to: .fortran) == a)
        #expect(a.reordered(to: .c) == c)
        #expect(NumpyArray([1.0, 2.0]).shape == [2])
        #expect(NumpyArray(scalar: 2.5).shape == [] && NumpyArray(scalar: 2.5).elementCount == 1)
        #expect(NumpyArray(scalar: 3).dtype == .int64)
        #expect(try NumpyArray([Int32(4), -5]).asDoubles() == [4, -5])
        #expect(try NumpyArray([Float(0.5)]).asDoubles() == [0.5])
        #expect(try NumpyArray([true, false]).asDoubles() == [1, 0])
        // Rank ≤ 1 never carries the Fortran flag.
        #expect(try NumpyArray(shape: [3], fortranOrder: true, data: .float64([1, 2, 3])).fortranOrder == false)
        // Shape/data mismatches and bad conversions.
        #expect(dataIOError { _ = try NumpyArray(shape: [2, 2], data: .float64([1])) } != nil)
        #expect(dataIOError { _ = try NumpyArray(shape: [-1], data: .float64([])) } != nil)
        let cplx = try NumpyArray(shape: [1], data: .complex128(interleaved: [1, 2]))
        #expect(dataIOError { _ = try cplx.asDoubles() }?.description == "NumpyArray: cannot convert dtype <c16 to Double")
        #expect(dataIOError { _ = try NumpyArray([1.0]).toMatrix() } != nil)
    }

    @Test func orderConversionThreeD() throws {
        // value(i, j, k) = 100 i + 10 j + k on shape (2, 3, 4).
        let shape = [2, 3, 4]
        var cData: [Double] = [], fData = [Double](repeating: 0, count: 24)
        for i in 0..<2 { for j in 0..<3 { for k in 0..<4 {
            let v = Double(100 * i + 10 * j + k)
            cData.append(v)
            fData[i + 2 * j + 6 * k] = v
        } } }
        let c = try NumpyArray(shape: shape, cOrder: cData)
        let f = try NumpyArray(shape: shape, fortranOrder: true, data: .float64(fData))
        #expect(try c.doubles(order: .fortran) == fData)
        #expect(try f.doubles(order: .c) == cData)
        #expect(try c.doubles(order: .c) == cData)
        #expect(c.reordered(to: .fortran) == f)
        #expect(f.reordered(to: .c) == c)
        // Non-float dtypes and complex reorder too.
        let ci = try NumpyArray(shape: [2, 3], data: .int32([0, 1, 2, 3, 4, 5]))
        #expect(ci.reordered(to: .fortran).data == .int32([0, 3, 1, 4, 2, 5]))
        let cc = try NumpyArray(shape: [2, 2], data: .complex128(interleaved: [0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5]))
        #expect(cc.reordered(to: .fortran).data == .complex128(interleaved: [0, 0.5, 2, 2.5, 1, 1.5, 3, 3.5]))
    }

    // MARK: NPY

    @Test(arguments: NumpyDType.allCases)
    func npyRoundTripEveryRank(_ dtype: NumpyDType) throws {
        for (shape, fortran) in layouts {
            let a = try sampleArray(dtype, shape: shape, fortran: fortran)
            let bytes = NPY.encode(a)
            let b = try NPY.decode(bytes, source: "t.npy")
            #expect(b.isBitwiseEqual(to: a), "dtype \(dtype.rawValue) shape \(shape) fortran \(fortran)")
            #expect(bytes.count == NPY.header(for: a).count + a.elementCount * dtype.itemSize)
        }
    }

    @Test func npyFileRoundTrip() throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("m.npy")
        let a = NumpyArray(Matrix(rows: 3, cols: 5) { i, j in Double(i) - 2.5 * Double(j) })
        try NPY.write(a, to: url)
        #expect(try NPY.read(from: url) == a)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["m.npy"])
    }

    @Test func npyHeaderIsPaddedTo64Bytes() throws {
        for dtype in NumpyDType.allCases {
            for (shape, fortran) in layouts + [([123_456_789, 0], true), (Array(repeating: 1, count: 9), false)] {
                let a = try sampleArray(dtype, shape: shape, fortran: fortran)
                let bytes = [UInt8](NPY.encode(a))
                #expect(Array(bytes[0..<8]) == [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0])
                let hlen = Int(bytes[8]) | Int(bytes[9]) << 8
                let dataStart = 10 + hlen
                #expect(dataStart % 64 == 0, "shape \(shape)")
                #expect(bytes[dataStart - 1] == 0x0A)
                let text = String(decoding: bytes[10..<(dataStart - 1)], as: UTF8.self)
                let dict = text.trimmingCharacters(in: .whitespaces)
                #expect(dict.hasPrefix("{'descr': '\(dtype.rawValue)', 'fortran_order': \(a.fortranOrder ? "True" : "False"), 'shape': "))
                #expect(dict.hasSuffix(", }"))
                // Everything after the closing brace is space padding.
                let afterBrace = text[text.index(after: text.lastIndex(of: "}")!)...]
                #expect(afterBrace.allSatisfy { $0 == " " })
            }
        }
        // Exact header text for the common cases.
        let f = try String(decoding: NPY.header(for: NumpyArray(shape: [3, 4], fortranOrder: true, data: .float64(.init(repeating: 0, count: 12)))), as: UTF8.self)
        #expect(f.dropFirst(10).hasPrefix("{'descr': '<f8', 'fortran_order': True, 'shape': (3, 4), }"))
        let v = String(decoding: NPY.header(for: NumpyArray([1.0, 2, 3])), as: UTF8.self)
        #expect(v.dropFirst(10).hasPrefix("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }"))
        let s = String(decoding: NPY.header(for: NumpyArray(scalar: true)), as: UTF8.self)
        #expect(s.dropFirst(10).hasPrefix("{'descr': '|b1', 'fortran_order': False, 'shape': (), }"))
    }

    /// Assembles a raw .npy from a header dict literal, version and payload (for hand-made inputs).
    private func rawNPY(_ dict: String, major: UInt8 = 1, payload: [UInt8]) -> Data {
        var out = Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, major, 0])
        let h = Array(dict.utf8) + [0x0A]
        if major == 1 {
            out.append(contentsOf: [UInt8(h.count & 0xFF), UInt8(h.count >> 8)])
        } else {
            out.append(contentsOf: (0..<4).map { UInt8((h.count >> (8 * $0)) & 0xFF) })
        }
        out.append(contentsOf: h)
        out.append(contentsOf: payload)
        return out
    }

    private func leBytes(_ values: [Double]) -> [UInt8] { values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) } }

    @Test func npyHeaderParsingIsRobust() throws {
        let payload = leBytes([1, 2, 3, 4, 5, 6])
        // Different key order, double quotes, extra whitespace, no trailing comma, unaligned header.
        let a = try NPY.decode(rawNPY(#"{ "shape" : ( 2 ,3 ) ,  'fortran_order':False,"descr":"<f8"}"#, payload: payload))
        #expect(a.shape == [2, 3] && !a.fortranOrder && a.data == .float64([1, 2, 3, 4, 5, 6]))
        // Fortran order, Python 2 long suffix, 1-d with trailing comma.
        let b = try NPY.decode(rawNPY("{'descr': '<f8', 'fortran_order': True, 'shape': (2L, 3L), }", payload: payload))
        #expect(try b.toMatrix() == Matrix(rows: 2, cols: 3, columnMajor: [1, 2, 3, 4, 5, 6]))
        let c = try NPY.decode(rawNPY("{'descr': '<f8', 'fortran_order': False, 'shape': (6,), }", payload: payload))
        #expect(c.shape == [6])
        // Versions 2.0 and 3.0.
        #expect(try NPY.decode(rawNPY("{'descr': '<f8', 'fortran_order': False, 'shape': (6,), }", major: 2, payload: payload)) == c)
        #expect(try NPY.decode(rawNPY("{'descr': '<f8', 'fortran_order': False, 'shape': (6,), }", major: 3, payload: payload)) == c)
        // Big-endian data are byte-swapped.
        let be = [1.5, -2.25].flatMap { withUnsafeBytes(of: $0.bitPattern.bigEndian, Array.init) }
        let d = try NPY.decode(rawNPY("{'descr': '>f8', 'fortran_order': False, 'shape': (2,), }", payload: be))
        #expect(d.data == .float64([1.5, -2.25]))
        let bei = withUnsafeBytes(of: Int32(-123456).bigEndian, Array.init)
        #expect(try NPY.decode(rawNPY("{'descr': '>i4', 'fortran_order': False, 'shape': (), }", payload: bei)).data == .int32([-123456]))
    }

    @Test func npyMalformedInputs() throws {
        let good = NPY.encode(NumpyArray([1.0, 2.0, 3.0]))
        func err(_ d: Data) -> DataIOError? { dataIOError { _ = try NPY.decode(d, source: "inputs.npy") } }
        // Truncations at every stage.
        for cut in [0, 3, 7, 9, 20, good.count - 9, good.count - 1] {
            let e = err(good.prefix(cut))
            #expect(e != nil, "cut \(cut)")
            if case .truncated = e {} else if cut == 0, case .truncated = e {} else { Issue.record("cut \(cut): \(String(describing: e))") }
            #expect(e?.description.hasPrefix("inputs.npy: truncated") == true)
            #expect(e?.description.contains("\n") == false)
        }
        #expect(err(good.prefix(good.count - 8))?.description == "inputs.npy: truncated array data: need 24 bytes, found 16")
        // Trailing garbage.
        #expect(err(good + Data([0]))?.description == "inputs.npy: array data is 25 bytes, dtype and shape require exactly 24")
        // Bad magic.
        var bad = good; bad[1] = UInt8(ascii: "X")
        #expect(err(bad) == .badMagic(source: "inputs.npy"))
        #expect(err(Data("PK\u{3}\u{4}garbage".utf8))?.description == "inputs.npy: bad magic (expected the .npy prefix \\x93NUMPY)")
        // Unsupported version.
        var v = good; v[6] = 4
        #expect(err(v)?.description == "inputs.npy: unsupported .npy format version 4.0 (allowed: 1.0, 2.0, 3.0)")
        // Unsupported dtypes.
        let u2 = rawNPY("{'descr': '<u2', 'fortran_order': False, 'shape': (1,), }", payload: [0, 0])
        #expect(err(u2) == .unsupportedDType(source: "inputs.npy", descr: "<u2"))
        #expect(err(u2)?.description.hasPrefix("inputs.npy: unsupported dtype '<u2' (allowed: <f8, <f4, <i8, <i4, <c16, |b1") == true)
        #expect(err(rawNPY("{'descr': '|f8', 'fortran_order': False, 'shape': (), }", payload: leBytes([1]))) == .unsupportedDType(source: "inputs.npy", descr: "|f8"))
        // Malformed headers.
        let missing = err(rawNPY("{'descr': '<f8', 'shape': (1,), }", payload: leBytes([1])))
        #expect(missing?.description == "inputs.npy: malformed .npy header: missing key 'fortran_order' (required: descr, fortran_order, shape)")
        let structured = err(rawNPY("{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (1,), }", payload: leBytes([1])))
        if case .malformedHeader = structured {} else { Issue.record("structured dtype: \(String(describing: structured))") }
        let extra = err(rawNPY("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'x': 1}", payload: leBytes([1])))
        #expect(extra?.description.contains("unexpected key 'x'") == true)
        let junk = err(rawNPY("{'descr': '<f8', 'fortran_order': Maybe, 'shape': (1,), }", payload: leBytes([1])))
        if case .malformedHeader = junk {} else { Issue.record("junk: \(String(describing: junk))") }
        let neg = err(rawNPY("{'descr': '<f8', 'fortran_order': False, 'shape': (-1,), }", payload: []))
        #expect(neg == .invalidShape(source: "inputs.npy", shape: [-1]))
        // Every description is one line and names the input.
        for e in [missing, structured, extra, junk, neg] {
            #expect(e?.description.hasPrefix("inputs.npy: ") == true)
            #expect(e?.description.contains("\n") == false)
        }
    }

    // MARK: NPZ

    private func sampleMembers() throws -> [(name: String, array: NumpyArray)] {
        var members: [(name: String, array: NumpyArray)] = []
        for dtype in NumpyDType.allCases {
            for (idx, (shape, fortran)) in layouts.enumerated() {
                members.append(("\(dtype)_\(idx)", try sampleArray(dtype, shape: shape, fortran: fortran)))
            }
        }
        members.append(("zeros", NumpyArray([Double](repeating: 0, count: 4096))))
        return members
    }

    @Test(arguments: [NPZ.Compression.stored, .deflate])
    func npzRoundTripAndDeterminism(_ compression: NPZ.Compression) throws {
        let members = try sampleMembers()
        let first = try NPZ.encode(members, compression: compression)
        let second = try NPZ.encode(members, compression: compression)
        #expect(first == second)
        let decoded = try NPZ.decode(first, source: "x.npz")
        #expect(decoded.map(\.name) == members.map(\.name))
        for (d, m) in zip(decoded, members) { #expect(d.array.isBitwiseEqual(to: m.array), "\(m.name)") }
        // Files written twice are bit-identical too, and no temp files are left behind.
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let u1 = dir.appendingPathComponent("a.npz"), u2 = dir.appendingPathComponent("b.npz")
        try NPZ.write(members, to: u1, compression: compression)
        try NPZ.write(members, to: u2, compression: compression)
        #expect(try Data(contentsOf: u1) == Data(contentsOf: u2))
        #expect(try Data(contentsOf: u1) == first)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["a.npz", "b.npz"])
        #expect(try NPZ.readDictionary(from: u1)["zeros"] == members.last!.array)
        // Fixed DOS timestamp 1980-01-01 00:00:00 in the first local file header (time at 10, date at 12).
        let bytes = [UInt8](first)
        #expect(Array(bytes[0..<4]) == [0x50, 0x4B, 0x03, 0x04])
        #expect(Array(bytes[10..<14]) == [0, 0, 0x21, 0])
        // Deflated members really are compressed (the raw .npy magic is not visible).
        let hasRawMagic = first.range(of: Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59])) != nil
        #expect(hasRawMagic == (compression == .stored))
    }

    @Test func npzErrors() throws {
        let good = try NPZ.encode([("a", NumpyArray([1.0]))])
        let truncated = dataIOError { _ = try NPZ.decode(good.prefix(good.count / 2), source: "run.npz") }
        if case .zip = truncated {} else { Issue.record("truncated npz: \(String(describing: truncated))") }
        #expect(truncated?.description.hasPrefix("run.npz: ") == true)
        #expect(truncated?.description.contains("\n") == false)
        let dup = dataIOError { _ = try NPZ.encode([("a", NumpyArray([1.0])), ("a", NumpyArray([2.0]))], source: "run.npz") }
        #expect(dup?.description == "run.npz: member 'a' appears more than once")
        #expect(dataIOError { _ = try NPZ.encode([("", NumpyArray([1.0]))]) } != nil)
        // A member whose .npy payload is bad is reported with archive and member name.
        let corrupt = try NPZ.encode([("w", NumpyArray([1.0, 2.0]))])
        var bytes = [UInt8](corrupt)
        let magicAt = corrupt.range(of: Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]))!.lowerBound
        bytes[magicAt + 6] = 9  // version 9.0; CRC now mismatches, which is also an error
        let e = dataIOError { _ = try NPZ.decode(Data(bytes), source: "run.npz") }
        #expect(e?.description.hasPrefix("run.npz") == true)
        let missing = dataIOError { _ = try NPZ.read(from: URL(fileURLWithPath: "/nonexistent/dir/x.npz")) }
        if case .io = missing {} else { Issue.record("missing file: \(String(describing: missing))") }
    }

    // MARK: Atomic writes

    @Test func atomicFileWriteReplaces() throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("f.txt")
        try AtomicFile.write(Data("one".utf8), to: url)
        try AtomicFile.write(Data("two".utf8), to: url)
        #expect(try String(contentsOf: url, encoding: .utf8) == "two")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["f.txt"])
        let e = dataIOError { try AtomicFile.write(Data(), to: dir.appendingPathComponent("no/such/dir/f")) }
        if case .io = e {} else { Issue.record("expected io error, got \(String(describing: e))") }
    }

    @Test func stagedDirectoryLifecycle() throws {
        let root = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: root) }
        let fm = FileManager.default
        let final = root.appendingPathComponent("out")

        // Discard leaves nothing behind.
        let s1 = try StagedDirectory(final: final)
        #expect(s1.url.deletingLastPathComponent().standardizedFileURL.path == root.standardizedFileURL.path)
        #expect(s1.url.lastPathComponent.hasPrefix("out.partial-\(getpid())-"))
        try s1.write(Data("x".utf8), to: "sub/a.txt")
        #expect(fm.fileExists(atPath: s1.url.appendingPathComponent("sub/a.txt").path))
        try s1.discard()
        #expect(try fm.contentsOfDirectory(atPath: root.path).isEmpty)

        // Commit produces the final directory and removes the staging one.
        let s2 = try StagedDirectory(final: final)
        try s2.write(Data("hello".utf8), to: "a.txt")
        try NPY.write(NumpyArray([1.0]), to: s2.url(for: "v.npy"))
        try s2.commit()
        #expect(try fm.contentsOfDirectory(atPath: root.path) == ["out"])
        #expect(try String(contentsOf: final.appendingPathComponent("a.txt"), encoding: .utf8) == "hello")
        #expect(try fm.contentsOfDirectory(atPath: final.path).sorted() == [WrittenFiles.manifest, "a.txt", "v.npy"])
        #expect(try WrittenFiles.read(final) == [WrittenFiles.manifest, "a.txt", "v.npy"])

        // Committing onto an existing non-empty directory fails and keeps both intact.
        let s3 = try StagedDirectory(final: final)
        try s3.write(Data("new".utf8), to: "a.txt")
        let e = dataIOError { try s3.commit() }
        #expect(e == .destinationExists(path: final.standardizedFileURL.path))
        #expect(e?.description.contains("destination exists") == true)
        #expect(try String(contentsOf: final.appendingPathComponent("a.txt"), encoding: .utf8) == "hello")
        // ...unless replace: true.
        try s3.commit(replace: true)
        #expect(try String(contentsOf: final.appendingPathComponent("a.txt"), encoding: .utf8) == "new")
        #expect(try fm.contentsOfDirectory(atPath: root.path) == ["out"])

        // An existing empty directory is simply replaced.
        let emptyFinal = root.appendingPathComponent("empty")
        try fm.createDirectory(at: emptyFinal, withIntermediateDirectories: false)
        let s4 = try StagedDirectory(final: emptyFinal)
        try s4.write(Data(), to: "z")
        try s4.commit()
        #expect(try fm.contentsOfDirectory(atPath: emptyFinal.path).sorted() == [WrittenFiles.manifest, "z"])

        // withStaging discards on error.
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try StagedDirectory.withStaging(final: root.appendingPathComponent("failed")) { s in
                try s.write(Data("partial".utf8), to: "half.txt")
                throw Boom()
            }
        }
        #expect(try fm.contentsOfDirectory(atPath: root.path).sorted() == ["empty", "out"])
        let n = try StagedDirectory.withStaging(final: root.appendingPathComponent("ok")) { s in
            try s.write(Data("1".utf8), to: "one.txt"); return 1
        }
        #expect(n == 1 && fm.fileExists(atPath: root.appendingPathComponent("ok/one.txt").path))
    }

    // MARK: JSON and CSV

    struct Summary: Codable, Equatable {
        var name: String
        var values: [Double]
        var count: Int
        var path: String
    }

    @Test func jsonNonFiniteAndSorted() throws {
        let s = Summary(name: "run", values: [1.5, .nan, .infinity, -.infinity, 0.1], count: 3, path: "a/b")
        let data = try JSONIO.encode(s)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text == """
        {
          "count" : 3,
          "name" : "run",
          "path" : "a/b",
          "values" : [
            1.5,
            "NaN",
            "Infinity",
            "-Infinity",
            0.1
          ]
        }

        """)
        let back = try JSONIO.decode(Summary.self, from: data)
        #expect(back.values[1].isNaN && back.values[2] == .infinity && back.values[3] == -.infinity)
        #expect(back.name == "run" && back.count == 3 && back.values[4] == 0.1)
        #expect(try JSONIO.encode(s) == data)
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("s.json")
        try JSONIO.write(s, to: url)
        #expect(try Data(contentsOf: url) == data)
        #expect(try JSONIO.read(Summary.self, from: url).path == "a/b")
        let e = dataIOError { _ = try JSONIO.decode(Summary.self, from: Data(#"{"name": "x"}"#.utf8), source: "s.json") }
        #expect(e?.description.hasPrefix("s.json: JSON error: missing key") == true)
        #expect(e?.description.contains("\n") == false)
    }

    @Test func csvFormatting() throws {
        var w = CSVWriter(header: ["name", "value", "n"])
        try w.append(["plain", 0.1, 3])
        try w.append([.string("a,b"), .double(1e-5), .int(-2)])
        try w.append([.string("say \"hi\""), .double(.nan), 0])
        try w.append([.string("two\nlines"), .double(.infinity), 1])
        try w.append([.string(""), .double(-.infinity), 2])
        try w.append([.string("x"), .double(-0.0), 4])
        try w.append([.string("y"), .double(1.0 / 3.0), 5])
        #expect(w.string == #"""
        name,value,n
        plain,0.1,3
        "a,b",1e-05,-2
        "say ""hi""",nan,0
        "two
        lines",inf,1
        ,-inf,2
        x,-0.0,4
        y,0.3333333333333333,5

        """#)
        #expect(dataIOError { try w.append(["only one"]) } == .csvRowWidth(row: 8, expected: 3, actual: 1))
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("t.csv")
        try w.write(to: url)
        #expect(try Data(contentsOf: url) == w.data)
    }

    // MARK: NumPy interop

    @Test(.enabled(if: DataIOTests.numpyAvailable, "numpy interop skipped: python3 with numpy not found"),
          arguments: [NPZ.Compression.stored, .deflate])
    func numpyReadsSwiftNPZ(_ compression: NPZ.Compression) throws {
        // Fortran-order matrix m[i, j] = 10 i + j, C-order cube c[i, j, k] = 100 i + 10 j + k.
        let m = Matrix(rows: 3, cols: 4) { i, j in Double(10 * i + j) }
        var cube: [Double] = []
        for i in 0..<2 { for j in 0..<3 { for k in 0..<4 { cube.append(Double(100 * i + 10 * j + k)) } } }
        let members: [(name: String, array: NumpyArray)] = [
            ("mat", NumpyArray(m)),
            ("cube", try NumpyArray(shape: [2, 3, 4], cOrder: cube)),
            ("i64", NumpyArray([Int64.min, -1, 0, Int64.max])),
            ("f32", NumpyArray([Float(0.5), -1.25, 1024])),
            ("b", NumpyArray([true, false, true])),
            ("s", NumpyArray(scalar: 2.5)),
        ]
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("swift.npz")
        try NPZ.write(members, to: url, compression: compression)
        let script = """
        import sys, numpy as np
        z = np.load(sys.argv[1])
        print(list(z.keys()))
        m = z['mat']
        em = np.array([[10 * i + j for j in range(4)] for i in range(3)], dtype=np.float64)
        print('mat', m.shape, m.dtype, m.flags.f_contiguous, m.flags.c_contiguous, bool((m == em).all()))
        c = z['cube']
        ec = np.fromfunction(lambda i, j, k: 100 * i + 10 * j + k, (2, 3, 4))
        print('cube', c.shape, c.dtype, c.flags.c_contiguous, c.flags.f_contiguous, bool((c == ec).all()))
        for k in ['i64', 'f32', 'b']:
            print(k, z[k].shape, z[k].dtype, z[k].tolist())
        print('s', z['s'].shape, z['s'].dtype, float(z['s']))
        """
        let r = try runPython(script, [url.path])
        #expect(r.status == 0, "python stderr: \(r.stderr)")
        #expect(r.stdout == """
        ['mat', 'cube', 'i64', 'f32', 'b', 's']
        mat (3, 4) float64 True False True
        cube (2, 3, 4) float64 True False True
        i64 (4,) int64 [-9223372036854775808, -1, 0, 9223372036854775807]
        f32 (3,) float32 [0.5, -1.25, 1024.0]
        b (3,) bool [True, False, True]
        s () float64 2.5

        """)
    }

    @Test(.enabled(if: DataIOTests.numpyAvailable, "numpy interop skipped: python3 with numpy not found"))
    func swiftReadsNumpyNPZ() throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = """
        import sys, numpy as np
        out = sys.argv[1]
        a = dict(
            mat=np.asfortranarray(np.arange(12, dtype=np.float64).reshape(3, 4) * 0.5),
            cube=np.fromfunction(lambda i, j, k: 100 * i + 10 * j + k, (2, 3, 4), dtype=np.float64),
            i64=np.array([1, -2, 2**62], dtype=np.int64),
            i32=np.arange(6, dtype=np.int32).reshape(2, 3),
            f32=np.array([0.5, -1.25, np.inf], dtype=np.float32),
            b=np.array([[True, False], [False, True]]),
            c=np.array([1 + 2j, -3.5j]),
            s=np.array(2.5),
            e=np.zeros((0, 3)),
            be=np.array([1.5, -2.25], dtype='>f8'),
        )
        np.savez(out + '/plain.npz', **a)
        np.savez_compressed(out + '/comp.npz', **a)
        for k, v in a.items():
            np.save(out + '/' + k + '.npy', v)
        """
        let r = try runPython(script, [dir.path])
        try #require(r.status == 0, "python stderr: \(r.stderr)")
        for file in ["plain.npz", "comp.npz"] {
            let z = try NPZ.read(from: dir.appendingPathComponent(file))
            #expect(z.map(\.name) == ["mat", "cube", "i64", "i32", "f32", "b", "c", "s", "e", "be"], "\(file)")
            let d = Dictionary(uniqueKeysWithValues: z.map { ($0.name, $0.array) })
            let mat = try #require(d["mat"])
            #expect(mat.fortranOrder && mat.shape == [3, 4])
            #expect(try mat.toMatrix() == Matrix(rows: 3, cols: 4) { i, j in Double(4 * i + j) * 0.5 })
            let cube = try #require(d["cube"])
            #expect(!cube.fortranOrder && cube.shape == [2, 3, 4])
            let cf = try cube.doubles(order: .fortran)
            #expect(cf[1 + 2 * 2 + 6 * 3] == 123)
            #expect(d["i64"]?.data == .int64([1, -2, 1 << 62]))
            #expect(d["i32"]?.shape == [2, 3] && d["i32"]?.data == .int32([0, 1, 2, 3, 4, 5]))
            #expect(d["f32"]?.data == .float32([0.5, -1.25, .infinity]))
            #expect(d["b"]?.shape == [2, 2] && d["b"]?.data == .bool([true, false, false, true]))
            #expect(d["c"]?.data == .complex128(interleaved: [1, 2, 0, -3.5]))
            #expect(d["s"]?.shape == [] && d["s"]?.data == .float64([2.5]))
            #expect(d["e"]?.shape == [0, 3] && d["e"]?.elementCount == 0)
            #expect(d["be"]?.data == .float64([1.5, -2.25]))
            // Re-encoding what numpy wrote reproduces np.save byte for byte (big-endian input excepted).
            for (name, array) in z where name != "be" {
                let npBytes = try Data(contentsOf: dir.appendingPathComponent(name + ".npy"))
                #expect(NPY.encode(array) == npBytes, "\(file): \(name)")
                #expect(try NPY.read(from: dir.appendingPathComponent(name + ".npy")) == array)
            }
        }
    }
}
