import Foundation
import RNNDynamics

/// What one library call hands back to C: a status, the one-line error or the JSON record, and named float64 arrays in
/// C order. Owned by the caller through an opaque pointer until `rnndyn_result_free`.
final class ResultHandle {
    /// 0 success, 2 bad input (a `ConfigError`, as the CLI's exit status), 1 any other failure.
    let status: Int32
    /// The CLI's error line without its `rnndyn: error: ` prefix, or nil.
    let error: UnsafeMutablePointer<CChar>?
    /// The JSON record, or nil on error.
    let json: UnsafeMutablePointer<CChar>?
    /// Array names, shapes and values.
    let names: [UnsafeMutablePointer<CChar>]
    let ranks: [Int]
    let shapes: [UnsafeMutableBufferPointer<Int64>]
    let values: [UnsafeMutableBufferPointer<Double>]

    /// A successful result.
    init(arrays: [(name: String, shape: [Int], values: [Double])], json: Data) {
        status = 0
        error = nil
        self.json = strdup(String(decoding: json, as: UTF8.self))
        names = arrays.map { strdup($0.name) }
        ranks = arrays.map(\.shape.count)
        shapes = arrays.map { a in
            let buffer = UnsafeMutableBufferPointer<Int64>.allocate(capacity: max(1, a.shape.count))
            _ = buffer.initialize(from: a.shape.map(Int64.init))
            return buffer
        }
        values = arrays.map { a in
            let buffer = UnsafeMutableBufferPointer<Double>.allocate(capacity: max(1, a.values.count))
            _ = buffer.initialize(from: a.values)
            return buffer
        }
    }

    /// A failed call: bad input (a `ConfigError`) is status 2, anything else 1, as the CLI's exit status; the message is
    /// the line the CLI prints after `rnndyn: error: `.
    init(error: Error) {
        status = error is ConfigError ? 2 : 1
        self.error = strdup("\(error)".replacingOccurrences(of: "\n", with: " "))
        json = nil
        names = []
        ranks = []
        shapes = []
        values = []
    }

    deinit {
        free(error)
        free(json)
        names.forEach { free($0) }
        shapes.forEach { $0.deallocate() }
        values.forEach { $0.deallocate() }
    }

    /// The handle as an opaque pointer owning one reference.
    func retained() -> UnsafeMutableRawPointer { Unmanaged.passRetained(self).toOpaque() }

    /// The handle behind `pointer` (not consumed).
    static func from(_ pointer: UnsafeMutableRawPointer) -> ResultHandle { Unmanaged<ResultHandle>.fromOpaque(pointer).takeUnretainedValue() }

    /// Runs `body`, turning a thrown error into a failed result.
    static func capture(_ body: () throws -> ResultHandle) -> UnsafeMutableRawPointer {
        do { return try body().retained() } catch { return ResultHandle(error: error).retained() }
    }
}

extension Matrix {
    /// The values in C (row-major) order.
    var cOrderValues: [Double] { (0..<rows).flatMap { i in (0..<cols).map { self[i, $0] } } }
}
