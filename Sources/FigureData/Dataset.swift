/// A named float64 array of an experiment's output (C order), with a one-line description for the data docs.
public struct DataArray: Sendable, Equatable {
    /// Key in `results.npz`.
    public let name: String
    /// Shape (C order: last index fastest).
    public let shape: [Int]
    /// Values in C order.
    public let values: [Double]
    /// What the array holds (units, axes).
    public let doc: String

    /// An array after checking `values.count` against `shape`.
    public init(_ name: String, shape: [Int], values: [Double], doc: String) {
        precondition(shape.reduce(1, *) == values.count, "\(name): \(values.count) values for shape \(shape)")
        self.name = name
        self.shape = shape
        self.values = values
        self.doc = doc
    }

    /// A 1-D array.
    public init(_ name: String, _ values: [Double], doc: String) {
        self.init(name, shape: [values.count], values: values, doc: doc)
    }

    /// A 2-D array from rows of equal length.
    public init(_ name: String, rows: [[Double]], doc: String) {
        let c = rows.first?.count ?? 0
        precondition(rows.allSatisfy { $0.count == c }, "\(name): ragged rows")
        self.init(name, shape: [rows.count, c], values: rows.flatMap { $0 }, doc: doc)
    }
}

/// The ordered named arrays an experiment produced.
public struct Dataset: Sendable, Equatable {
    /// Arrays in write order; names are unique.
    public private(set) var arrays: [DataArray] = []

    /// An empty dataset.
    public init() {}

    /// Appends `array`; its name must be new.
    public mutating func add(_ array: DataArray) {
        precondition(self[array.name] == nil, "duplicate array name \(array.name)")
        arrays.append(array)
    }

    /// The array called `name`, if any.
    public subscript(name: String) -> DataArray? { arrays.first { $0.name == name } }
}
