import Foundation
import RNNDynamics

/// The arrays of a library call, grouped the way the CLI groups arrays in files: group g is named `groupNames[g]`
/// (a file path's role in messages and default labels) and holds the arrays whose `groups[k] == g`.
struct ArrayArguments {
    /// Each group's name and arrays by key.
    let groups: [(name: String, arrays: [(name: String, array: NumpyArray)])]

    /// The largest total input accepted in one call, in bytes (the library copies it once into its own storage and
    /// the metrics make up to two more working copies, so the peak stays within the machine).
    static let byteLimit = 4 << 30

    /// Copies the caller's arrays (once, into the library's own storage) after checking every count, code, shape and pointer; problems are one-line
    /// `ConfigError`s naming `arrays[k]` or `groups[g]`.
    init(groupCount: Int32, groupNames: UnsafePointer<UnsafePointer<CChar>?>?, arrayCount: Int32, groups: UnsafePointer<Int32>?,
         keys: UnsafePointer<UnsafePointer<CChar>?>?, dtypes: UnsafePointer<Int32>?, ranks: UnsafePointer<Int32>?,
         shapes: UnsafePointer<Int64>?, data: UnsafePointer<UnsafeRawPointer?>?) throws {
        guard groupCount >= 0, arrayCount >= 0 else {
            throw ConfigError(key: "arrays", "\(groupCount) groups, \(arrayCount) arrays (allowed: counts ≥ 0)")
        }
        guard groupCount == 0 || groupNames != nil, arrayCount == 0 || (groups != nil && keys != nil && dtypes != nil && ranks != nil && data != nil) else {
            throw ConfigError(key: "arrays", "a NULL pointer for \(arrayCount) arrays in \(groupCount) groups (allowed: non-NULL pointers)")
        }
        var names: [String] = []
        for g in 0..<Int(groupCount) {
            guard let name = groupNames![g] else { throw ConfigError(key: "groups[\(g)]", "has a NULL name (allowed: a UTF-8 string)") }
            names.append(String(cString: name))
        }
        var members = [[(name: String, array: NumpyArray)]](repeating: [], count: names.count)
        var offset = 0, totalBytes = 0.0
        for k in 0..<Int(arrayCount) {
            let place = "arrays[\(k)]"
            let group = Int(groups![k]), rank = Int(ranks![k]), code = dtypes![k]
            guard names.indices.contains(group) else {
                throw ConfigError(key: place, "group \(group) (allowed: 0…\(names.count - 1))")
            }
            guard (0...8).contains(rank) else { throw ConfigError(key: place, "rank \(rank) (allowed: 0…8)") }
            guard code == 0 || code == 1 else { throw ConfigError(key: place, "dtype code \(code) (allowed: 0 float64, 1 float32)") }
            guard rank == 0 || shapes != nil else { throw ConfigError(key: place, "a NULL shape (allowed: \(rank) sizes)") }
            let shape = (0..<rank).map { Int(shapes![offset + $0]) }
            offset += rank
            guard shape.allSatisfy({ $0 >= 0 }) else { throw ConfigError(key: place, "shape \(shape) (allowed: sizes ≥ 0)") }
            var count = 1, overflow = false
            for size in shape where !overflow { (count, overflow) = count.multipliedReportingOverflow(by: size) }
            totalBytes += overflow ? .infinity : Double(count) * (code == 0 ? 8 : 4)
            guard totalBytes <= Double(Self.byteLimit) else {
                throw ConfigError(key: place, String(format: "shape %@: the inputs reach %.1f GiB (allowed: at most %d GiB per call)",
                                                     "\(shape)", totalBytes / Double(1 << 30), Self.byteLimit >> 30))
            }
            guard count == 0 || data![k] != nil else { throw ConfigError(key: place, "a NULL data pointer (allowed: \(count) values)") }
            guard let keyPointer = keys![k] else { throw ConfigError(key: place, "a NULL key (allowed: a UTF-8 string)") }
            let payload: NumpyData = code == 0
                ? .float64(count == 0 ? [] : Array(UnsafeBufferPointer(start: data![k]!.assumingMemoryBound(to: Double.self), count: count)))
                : .float32(count == 0 ? [] : Array(UnsafeBufferPointer(start: data![k]!.assumingMemoryBound(to: Float.self), count: count)))
            let key = String(cString: keyPointer)
            guard !members[group].contains(where: { $0.name == key }) else {
                throw ConfigError(key: "\(names[group])[\(key)]", "is given twice (allowed: each key once per group)")
            }
            members[group].append((key, try NumpyArray(shape: shape, data: payload)))
        }
        self.groups = zip(names, members).map { ($0, $1) }
    }

    /// The groups as comparison sources (a group's name is its label).
    var sources: [CompareInputReader.ArraySource] {
        groups.map { group in CompareInputReader.ArraySource(path: group.name) { (group.name, group.arrays) } }
    }
}

/// The C strings `pointer[0..<count]` (NULL entries are bad input).
func strings(_ pointer: UnsafePointer<UnsafePointer<CChar>?>?, count: Int32, name: String) throws -> [String] {
    guard count >= 0, count == 0 || pointer != nil else { throw ConfigError(key: name, "\(count) entries at NULL (allowed: a count ≥ 0 and non-NULL strings)") }
    return try (0..<Int(count)).map { k in
        guard let s = pointer![k] else { throw ConfigError(key: "\(name)[\(k)]", "is NULL (allowed: a UTF-8 string)") }
        return String(cString: s)
    }
}
