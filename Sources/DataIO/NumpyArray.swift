import Foundation

/// Element storage of a `NumpyArray`, one case per supported NumPy dtype.
public enum NumpyData: Equatable, Sendable {
    /// `<f8` values.
    case float64([Double])
    /// `<f4` values.
    case float32([Float])
    /// `<i8` values.
    case int64([Int64])
    /// `<i4` values.
    case int32([Int32])
    /// `<c16` values stored as interleaved (real, imaginary) pairs; `interleaved.count == 2 * elements`.
    case complex128(interleaved: [Double])
    /// `|b1` values.
    case bool([Bool])

    /// The dtype of this storage.
    public var dtype: NumpyDType {
        switch self {
        case .float64: .float64
        case .float32: .float32
        case .int64: .int64
        case .int32: .int32
        case .complex128: .complex128
        case .bool: .bool
        }
    }

    /// Number of array elements held (complex pairs count once).
    public var elementCount: Int {
        switch self {
        case .float64(let v): v.count
        case .float32(let v): v.count
        case .int64(let v): v.count
        case .int32(let v): v.count
        case .complex128(let v): v.count / 2
        case .bool(let v): v.count
        }
    }
}

/// The supported NumPy dtypes, with their little-endian `.npy` descriptors as raw values.
public enum NumpyDType: String, CaseIterable, Sendable {
    /// IEEE double (`<f8`).
    case float64 = "<f8"
    /// IEEE single (`<f4`).
    case float32 = "<f4"
    /// Signed 64-bit integer (`<i8`).
    case int64 = "<i8"
    /// Signed 32-bit integer (`<i4`).
    case int32 = "<i4"
    /// Complex of two doubles (`<c16`).
    case complex128 = "<c16"
    /// One-byte boolean (`|b1`).
    case bool = "|b1"

    /// Bytes per element.
    public var itemSize: Int {
        switch self {
        case .float64, .int64: 8
        case .float32, .int32: 4
        case .complex128: 16
        case .bool: 1
        }
    }
}

/// Memory order of a flat multi-dimensional array: C (last index fastest) or Fortran (first index fastest).
public enum NumpyOrder: Sendable {
    /// Row-major: the last index varies fastest.
    case c
    /// Column-major: the first index varies fastest.
    case fortran
}

// Equality compares shape, order flag and stored data element-wise (so `NaN != NaN`, and the same logical
// array stored in C and Fortran order compares unequal; see `isBitwiseEqual` and `reordered(to:)`).
// For rank ≤ 1 the order flag is always `false`.
/// An n-dimensional NumPy-compatible array: shape, memory order and typed flat data.
public struct NumpyArray: Equatable, Sendable {
    /// Dimensions; `[]` for a scalar.
    public let shape: [Int]
    /// True when `data` is in Fortran (column-major) order; always false for rank ≤ 1.
    public let fortranOrder: Bool
    /// Flat element data in the order given by `fortranOrder`.
    public let data: NumpyData

    /// Wraps `data` of the given `shape` and order, checking the element count.
    public init(shape: [Int], fortranOrder: Bool = false, data: NumpyData) throws {
        guard shape.allSatisfy({ $0 >= 0 }), let n = Self.product(shape) else {
            throw DataIOError.invalidShape(source: "NumpyArray", shape: shape)
        }
        if case .complex128(let v) = data, v.count % 2 != 0 {
            throw DataIOError.shapeMismatch(source: "NumpyArray (complex128 interleaved data has odd length)",
                                            shape: shape, expectedCount: n, actualCount: v.count)
        }
        guard n == data.elementCount else {
            throw DataIOError.shapeMismatch(source: "NumpyArray", shape: shape, expectedCount: n,
                                            actualCount: data.elementCount)
        }
        self.shape = shape
        self.fortranOrder = fortranOrder && shape.count > 1
        self.data = data
    }

    /// A `[rows, cols]` float64 array in Fortran order sharing column-major `values` (no copy; the count is the
    /// caller's contract, `rows · cols`).
    public init(rows: Int, cols: Int, columnMajor values: [Double]) {
        self.shape = [rows, cols]
        self.fortranOrder = true
        self.data = .float64(values)
    }

    /// A 1-d float64 array.
    public init(_ values: [Double]) {
        self.shape = [values.count]
        self.fortranOrder = false
        self.data = .float64(values)
    }

    /// A 1-d float32 array.
    public init(_ values: [Float]) {
        self.shape = [values.count]
        self.fortranOrder = false
        self.data = .float32(values)
    }

    /// A 1-d int64 array.
    public init(_ values: [Int64]) {
        self.shape = [values.count]
        self.fortranOrder = false
        self.data = .int64(values)
    }

    /// A 1-d int32 array.
    public init(_ values: [Int32]) {
        self.shape = [values.count]
        self.fortranOrder = false
        self.data = .int32(values)
    }

    /// A 1-d bool array.
    public init(_ values: [Bool]) {
        self.shape = [values.count]
        self.fortranOrder = false
        self.data = .bool(values)
    }

    /// A float64 array of `shape` from flat data in C (row-major) order.
    public init(shape: [Int], cOrder values: [Double]) throws {
        try self.init(shape: shape, fortranOrder: false, data: .float64(values))
    }

    /// A 0-d float64 scalar.
    public init(scalar value: Double) {
        self.shape = []
        self.fortranOrder = false
        self.data = .float64([value])
    }

    /// A 0-d float32 scalar.
    public init(scalar value: Float) {
        self.shape = []
        self.fortranOrder = false
        self.data = .float32([value])
    }

    /// A 0-d int64 scalar.
    public init(scalar value: Int64) {
        self.shape = []
        self.fortranOrder = false
        self.data = .int64([value])
    }

    /// A 0-d int64 scalar from `Int`.
    public init(scalar value: Int) {
        self.init(scalar: Int64(value))
    }

    /// A 0-d int32 scalar.
    public init(scalar value: Int32) {
        self.shape = []
        self.fortranOrder = false
        self.data = .int32([value])
    }

    /// A 0-d bool scalar.
    public init(scalar value: Bool) {
        self.shape = []
        self.fortranOrder = false
        self.data = .bool([value])
    }

    /// The dtype of the stored data.
    public var dtype: NumpyDType { data.dtype }

    /// Number of dimensions (0 for a scalar).
    public var rank: Int { shape.count }

    /// Number of elements (the product of `shape`; 1 for a scalar).
    public var elementCount: Int { data.elementCount }

    /// The storage order of `data`.
    public var order: NumpyOrder { fortranOrder ? .fortran : .c }

    // Int64 values beyond ±2^53 lose precision; bools become 0 or 1.
    /// Stored data converted to `Double` in storage order (float32, integers and bools convert; complex throws).
    public func asDoubles() throws -> [Double] {
        switch data {
        case .float64(let v): return v
        case .float32(let v): return v.map(Double.init)
        case .int64(let v): return v.map(Double.init)
        case .int32(let v): return v.map(Double.init)
        case .bool(let v): return v.map { $0 ? 1 : 0 }
        case .complex128:
            throw DataIOError.typeMismatch(source: "NumpyArray", dtype: dtype.rawValue, requested: "Double")
        }
    }

    /// All elements as `Double`, flattened in the requested memory order (any rank).
    public func doubles(order requested: NumpyOrder) throws -> [Double] {
        let values = try asDoubles()
        return requested == order ? values : Self.permute(values, shape: shape, from: order)
    }

    /// The same logical array with its data rearranged into `requested` order (all dtypes).
    public func reordered(to requested: NumpyOrder) -> NumpyArray {
        let wantFortran = requested == .fortran && rank > 1
        guard wantFortran != fortranOrder else { return self }
        let newData: NumpyData
        switch data {
        case .float64(let v): newData = .float64(Self.permute(v, shape: shape, from: order))
        case .float32(let v): newData = .float32(Self.permute(v, shape: shape, from: order))
        case .int64(let v): newData = .int64(Self.permute(v, shape: shape, from: order))
        case .int32(let v): newData = .int32(Self.permute(v, shape: shape, from: order))
        case .bool(let v): newData = .bool(Self.permute(v, shape: shape, from: order))
        case .complex128(let v):
            let idx = Self.sourceIndices(shape: shape, from: order)
            var out = [Double](repeating: 0, count: v.count)
            for (k, s) in idx.enumerated() { out[2 * k] = v[2 * s]; out[2 * k + 1] = v[2 * s + 1] }
            newData = .complex128(interleaved: out)
        }
        // The element count is unchanged, so this cannot fail.
        return try! NumpyArray(shape: shape, fortranOrder: wantFortran, data: newData)
    }

    /// Element-wise bit-pattern equality (treats identical NaNs as equal, unlike `==`).
    public func isBitwiseEqual(to other: NumpyArray) -> Bool {
        guard shape == other.shape, fortranOrder == other.fortranOrder else { return false }
        switch (data, other.data) {
        case let (.float64(a), .float64(b)), let (.complex128(a), .complex128(b)):
            return a.map(\.bitPattern) == b.map(\.bitPattern)
        case let (.float32(a), .float32(b)):
            return a.map(\.bitPattern) == b.map(\.bitPattern)
        default:
            return data == other.data
        }
    }

    // MARK: - Index helpers

    /// Product of the dimensions, or nil on overflow.
    static func product(_ shape: [Int]) -> Int? {
        var n = 1
        for d in shape {
            let (p, o) = n.multipliedReportingOverflow(by: d)
            if o { return nil }
            n = p
        }
        return n
    }

    /// For each position of the destination (the order opposite to `source`), the index into source-ordered data.
    static func sourceIndices(shape: [Int], from source: NumpyOrder) -> [Int] {
        let n = product(shape) ?? 0
        let r = shape.count
        guard r > 1, n > 0 else { return Array(0..<n) }
        // Strides of the source layout.
        var strides = [Int](repeating: 1, count: r)
        if source == .c {
            for k in stride(from: r - 2, through: 0, by: -1) { strides[k] = strides[k + 1] * shape[k + 1] }
        } else {
            for k in 1..<r { strides[k] = strides[k - 1] * shape[k - 1] }
        }
        // Walk the destination order with an odometer: Fortran walks axis 0 fastest, C walks the last axis fastest.
        let axes: [Int] = source == .c ? Array(0..<r) : Array((0..<r).reversed())
        var index = [Int](repeating: 0, count: r)
        var out = [Int](repeating: 0, count: n)
        var offset = 0
        for k in 0..<n {
            out[k] = offset
            for a in axes {
                index[a] += 1
                offset += strides[a]
                if index[a] < shape[a] { break }
                offset -= strides[a] * shape[a]
                index[a] = 0
            }
        }
        return out
    }

    /// Rearranges flat `values` from `source` order into the opposite order.
    static func permute<T>(_ values: [T], shape: [Int], from source: NumpyOrder) -> [T] {
        guard shape.count > 1 else { return values }
        return sourceIndices(shape: shape, from: source).map { values[$0] }
    }
}
