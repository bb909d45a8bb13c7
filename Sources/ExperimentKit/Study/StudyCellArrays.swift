import DataIO
import Foundation

/// One study cell's result as named float64 arrays, in insertion order: what a `PersistentStudy` encodes a cell
/// into and decodes it from. Stored as `.npz` (float64, C order), so every double round-trips bit for bit.
public struct StudyCellArrays: Sendable, Equatable {
    /// The arrays' names, in the order they were added.
    public private(set) var names: [String] = []
    /// Shape and C-order values of each array.
    public private(set) var arrays: [String: (shape: [Int], values: [Double])] = [:]

    /// No arrays yet.
    public init() {}

    /// Adds `values` as `name` with `shape` (a vector when nil); a repeated name or a shape that does not hold the
    /// values is a programming error.
    public mutating func add(_ name: String, _ values: [Double], shape: [Int]? = nil) {
        let shape = shape ?? [values.count]
        precondition(arrays[name] == nil && !name.hasPrefix("_"), "cell array '\(name)' added twice or reserved")
        precondition(shape.reduce(1, *) == values.count, "cell array '\(name)': shape \(shape) does not hold \(values.count) values")
        names.append(name)
        arrays[name] = (shape, values)
    }

    /// Adds integers (exact below 2⁵³) as float64.
    public mutating func add(_ name: String, integers: [Int], shape: [Int]? = nil) {
        add(name, integers.map(Double.init), shape: shape)
    }

    /// Adds one number as a 0-dimensional array.
    public mutating func add(_ name: String, scalar: Double) { add(name, [scalar], shape: []) }

    /// The values of `name`; throws `StudyCellError` naming it when it is missing.
    public func values(_ name: String) throws -> [Double] {
        guard let a = arrays[name] else { throw StudyCellError("cell array '\(name)' is missing (has: \(names.joined(separator: ", ")))") }
        return a.values
    }

    /// The values of `name`, checked to be `count` long.
    public func values(_ name: String, count: Int) throws -> [Double] {
        let v = try values(name)
        guard v.count == count else { throw StudyCellError("cell array '\(name)' has \(v.count) values (expected \(count))") }
        return v
    }

    /// The values of `name` as integers; throws when one is not an integer.
    public func integers(_ name: String, count: Int? = nil) throws -> [Int] {
        let v = try count.map { try values(name, count: $0) } ?? values(name)
        return try v.map { x in
            guard x == x.rounded(), abs(x) < 9.007_199_254_740_992e15 else { throw StudyCellError("cell array '\(name)' holds \(x), not an integer") }
            return Int(x)
        }
    }

    /// The single value of `name`.
    public func scalar(_ name: String) throws -> Double {
        let v = try values(name)
        guard v.count == 1 else { throw StudyCellError("cell array '\(name)' has \(v.count) values (expected one)") }
        return v[0]
    }

    /// The shape of `name`.
    public func shape(_ name: String) throws -> [Int] {
        guard let a = arrays[name] else { throw StudyCellError("cell array '\(name)' is missing") }
        return a.shape
    }

    /// The NPZ bytes, with `key` (the cell's identity, see `StudyCellKey`) stored as the int32 UTF-8 bytes of
    /// `_key` after the arrays.
    public func npz(key: String) throws -> Data {
        var entries: [(name: String, array: NumpyArray)] = try names.map { n in (n, try NumpyArray(shape: arrays[n]!.shape, cOrder: arrays[n]!.values)) }
        entries.append((Self.keyName, NumpyArray(Array(key.utf8).map { Int32($0) })))
        return try NPZ.encode(entries)
    }

    /// Reads NPZ bytes written by `npz(key:)`: the arrays and the stored key.
    public static func read(npz data: Data, source: String) throws -> (arrays: StudyCellArrays, key: String) {
        var out = StudyCellArrays(), key: String?
        for (name, array) in try NPZ.decode(data, source: source) {
            if name == keyName {
                guard case .int32(let bytes) = array.data, bytes.allSatisfy({ (0...255).contains($0) }) else {
                    throw StudyCellError("\(source): '\(keyName)' is not a list of bytes")
                }
                key = String(decoding: bytes.map { UInt8($0) }, as: UTF8.self)
            } else {
                out.add(name, try array.doubles(order: .c), shape: array.shape)
            }
        }
        guard let key else { throw StudyCellError("\(source): no '\(keyName)' (not a study cell file)") }
        return (out, key)
    }

    /// The reserved name of the stored key.
    public static let keyName = "_key"

    public static func == (a: StudyCellArrays, b: StudyCellArrays) -> Bool {
        a.names == b.names && a.names.allSatisfy { n in
            let x = a.arrays[n]!, y = b.arrays[n]!
            return x.shape == y.shape && x.values.count == y.values.count
                && zip(x.values, y.values).allSatisfy { $0.bitPattern == $1.bitPattern }
        }
    }
}

/// A stored cell that cannot be read back (a missing array, a wrong length); exit status 1.
public struct StudyCellError: Error, CustomStringConvertible, Sendable {
    /// One line.
    public let description: String
    /// An error with this message.
    public init(_ message: String) { description = message }
}
