import Foundation
import RNNDynamics

// The C interface of libRNNDynC.so (`RNNDynC`): every call returns a result handle that the caller frees with
// `rnndyn_result_free`; bad input never traps but comes back as status 2 with the CLI's one-line message.
// The contract (argument meanings, array groups, dtype codes, keys, layouts, ownership) is the C header `rnndyn.h`
// beside this file; `python/rnndyn/_native.py` binds it.

/// The version string (static storage).
nonisolated(unsafe) let versionString = strdup(RNNDynamicsVersion.string)!

/// Every comparison metric with its options, as JSON (static storage).
nonisolated(unsafe) let metricsString: UnsafeMutablePointer<CChar> = {
    let tree: [[String: Any]] = PairwiseMetrics.all.map { m in
        ["name": m.name, "summary": m.summary, "input": m.input.rawValue,
         "options": m.options.map { ["name": $0.name, "default": $0.defaultValue, "allowed": $0.allowed, "help": $0.help] }]
    }
    let ntk: [String: Any] = ["name": "ntk", "options": NTKJob.options.map { ["name": $0.name, "default": $0.defaultValue, "allowed": $0.allowed, "help": $0.help] }]
    let data = (try? JSONSerialization.data(withJSONObject: ["metrics": tree, "ntk": ntk, "tasks": NeuroscienceTaskChoice.names], options: [.sortedKeys])) ?? Data("{}".utf8)
    return strdup(String(decoding: data, as: UTF8.self))!
}()

/// `rnndyn_version`: the version string (static storage, never freed).
@_cdecl("rnndyn_version")
public func rnndynVersion() -> UnsafePointer<CChar> { UnsafePointer(versionString) }

/// `rnndyn_metrics`: JSON `{"metrics": [{name, summary, input, options: [{name, default, allowed, help}]}], "ntk": {…},
/// "tasks": […]}` (static storage).
@_cdecl("rnndyn_metrics")
public func rnndynMetrics() -> UnsafePointer<CChar> { UnsafePointer(metricsString) }

/// `rnndyn_compare`: `rnndyn compare <metric>` on in-memory arrays (groups play the files' role); result arrays
/// `distances`, the metric's extra matrices, `mds_coordinates`, `mds_eigenvalues`; JSON = `compare.json`.
@_cdecl("rnndyn_compare")
public func rnndynCompare(_ metric: UnsafePointer<CChar>?, _ options: UnsafePointer<UnsafePointer<CChar>?>?, _ optionCount: Int32,
                          _ groupCount: Int32, _ groupNames: UnsafePointer<UnsafePointer<CChar>?>?,
                          _ arrayCount: Int32, _ groups: UnsafePointer<Int32>?, _ keys: UnsafePointer<UnsafePointer<CChar>?>?,
                          _ dtypes: UnsafePointer<Int32>?, _ ranks: UnsafePointer<Int32>?, _ shapes: UnsafePointer<Int64>?,
                          _ data: UnsafePointer<UnsafeRawPointer?>?, _ key: UnsafePointer<CChar>?, _ layout: UnsafePointer<CChar>?,
                          _ labels: UnsafePointer<CChar>?, _ seed: UInt64, _ threads: Int32, _ mdsDimensions: Int32) -> UnsafeMutableRawPointer {
    ResultHandle.capture {
        guard let metric else { throw ConfigError(key: "metric", "is NULL (allowed: \(PairwiseMetrics.all.map(\.name).joined(separator: " | ")))") }
        let tokens = try strings(options, count: optionCount, name: "options")
        guard (1...1024).contains(threads) else { throw ConfigError(key: "--threads", "\(threads) is out of range (allowed: 1…1024)") }
        let request = try CompareJob.request(metric: String(cString: metric), arguments: tokens, key: key.map { String(cString: $0) },
                                             layout: layout.map { String(cString: $0) } ?? "auto", labels: labels.map { String(cString: $0) },
                                             seed: seed, threads: Int(threads), mdsDimensions: Int(mdsDimensions))
        if let stray = request.inputs.files.first {
            throw ConfigError(key: stray, "unexpected argument (allowed: the metric's options as --name value pairs; arrays go in the arrays)")
        }
        let arrays = try ArrayArguments(groupCount: groupCount, groupNames: groupNames, arrayCount: arrayCount, groups: groups, keys: keys,
                                        dtypes: dtypes, ranks: ranks, shapes: shapes, data: data)
        let outcome = try CompareJob.run(request, sources: arrays.sources)
        let d = outcome.result.distances, e = outcome.embedding
        let matrices = [(name: "distances", values: d)] + outcome.result.extraMatrices.map { (name: $0.name, values: $0.values) }
            + [(name: "mds_coordinates", values: e.coordinates)]
        return ResultHandle(arrays: matrices.map { ($0.name, [$0.values.rows, $0.values.cols], $0.values.cOrderValues) }
                                + [("mds_eigenvalues", [e.eigenvalues.count], e.eigenvalues)],
                            json: try ConfigReader.jsonData(CompareOutput.jsonTree(outcome)))
    }
}

/// `rnndyn_ntk`: `rnndyn ntk` on one group holding `W_x`, `W_h`, `W_y`, `inputs`; result array `kernel`; JSON = `ntk.json`.
@_cdecl("rnndyn_ntk")
public func rnndynNTK(_ options: UnsafePointer<UnsafePointer<CChar>?>?, _ optionCount: Int32,
                      _ groupCount: Int32, _ groupNames: UnsafePointer<UnsafePointer<CChar>?>?,
                      _ arrayCount: Int32, _ groups: UnsafePointer<Int32>?, _ keys: UnsafePointer<UnsafePointer<CChar>?>?,
                      _ dtypes: UnsafePointer<Int32>?, _ ranks: UnsafePointer<Int32>?, _ shapes: UnsafePointer<Int64>?,
                      _ data: UnsafePointer<UnsafeRawPointer?>?) -> UnsafeMutableRawPointer {
    ResultHandle.capture {
        let tokens = try strings(options, count: optionCount, name: "options")
        let arrays = try ArrayArguments(groupCount: groupCount, groupNames: groupNames, arrayCount: arrayCount, groups: groups, keys: keys,
                                        dtypes: dtypes, ranks: ranks, shapes: shapes, data: data)
        guard arrays.groups.count == 1 else {
            throw ConfigError(key: "arrays", "\(arrays.groups.count) groups (allowed: one group with W_x, W_h, W_y and inputs)")
        }
        let group = arrays.groups[0]
        let byKey = Dictionary(uniqueKeysWithValues: group.arrays.map { ($0.name, $0.array) })  // keys are unique per group
        let request = try NTKJob.request(options: tokens, arrays: byKey) { "\(group.name)[\($0)]" }
        let k = try NTKJob.kernel(request)
        return ResultHandle(arrays: [("kernel", [k.rows, k.cols], k.cOrderValues)], json: try ConfigReader.jsonData(NTKJob.record(request)))
    }
}

/// `rnndyn_task`: `trials` trials of a neuroscience task with knobs given as a JSON object; result arrays `inputs`,
/// `targets`, `mask` (and `ood_*`) [T, B, d]; JSON = the task's parameters.
@_cdecl("rnndyn_task")
public func rnndynTask(_ task: UnsafePointer<CChar>?, _ knobs: UnsafePointer<CChar>?, _ seed: UInt64, _ trials: Int64,
                       _ includeOOD: Int32) -> UnsafeMutableRawPointer {
    ResultHandle.capture {
        guard let task else { throw ConfigError(key: "task", "is NULL (allowed: \(NeuroscienceTaskChoice.names.joined(separator: " | ")))") }
        let json = knobs.map { Data(String(cString: $0).utf8) } ?? Data("{}".utf8)
        let result = try TaskTrialsJob.generate(task: String(cString: task), knobs: json, seed: seed,
                                                count: Int(clamping: trials), includeOOD: includeOOD != 0)
        let arrays = try result.arrays().map { ($0.name, $0.array.shape, try $0.array.doubles(order: .c)) }
        let parameters = result.parameters.mapValues { p -> Any in
            switch p {
            case .int(let v): return v
            case .double(let v): return v
            case .string(let v): return v
            case .bool(let v): return v
            }
        }
        return ResultHandle(arrays: arrays, json: try ConfigReader.jsonData(parameters))
    }
}

/// `rnndyn_result_status`: 0 success, 2 bad input, 1 another failure (1 for a NULL handle).
@_cdecl("rnndyn_result_status")
public func rnndynResultStatus(_ r: UnsafeMutableRawPointer?) -> Int32 { r.map { ResultHandle.from($0).status } ?? 1 }

/// `rnndyn_result_error`: the one-line message, or NULL on success (valid until the handle is freed).
@_cdecl("rnndyn_result_error")
public func rnndynResultError(_ r: UnsafeMutableRawPointer?) -> UnsafePointer<CChar>? {
    r.flatMap { ResultHandle.from($0).error.map { UnsafePointer($0) } }
}

/// `rnndyn_result_json`: the JSON record, or NULL on error (valid until the handle is freed).
@_cdecl("rnndyn_result_json")
public func rnndynResultJSON(_ r: UnsafeMutableRawPointer?) -> UnsafePointer<CChar>? {
    r.flatMap { ResultHandle.from($0).json.map { UnsafePointer($0) } }
}

/// `rnndyn_result_array_count`: how many arrays the result holds (0 on error or for a NULL handle).
@_cdecl("rnndyn_result_array_count")
public func rnndynResultArrayCount(_ r: UnsafeMutableRawPointer?) -> Int32 { r.map { Int32(ResultHandle.from($0).names.count) } ?? 0 }

/// The handle behind `r` when `i` indexes one of its arrays.
private func array(_ r: UnsafeMutableRawPointer?, _ i: Int32) -> (ResultHandle, Int)? {
    guard let r else { return nil }
    let h = ResultHandle.from(r)
    return h.names.indices.contains(Int(i)) ? (h, Int(i)) : nil
}

/// `rnndyn_result_array_name`: array i's name, or NULL when i is out of range.
@_cdecl("rnndyn_result_array_name")
public func rnndynResultArrayName(_ r: UnsafeMutableRawPointer?, _ i: Int32) -> UnsafePointer<CChar>? {
    array(r, i).map { UnsafePointer($0.names[$1]) }
}

/// `rnndyn_result_array_rank`: array i's rank, or −1 when i is out of range.
@_cdecl("rnndyn_result_array_rank")
public func rnndynResultArrayRank(_ r: UnsafeMutableRawPointer?, _ i: Int32) -> Int32 { array(r, i).map { Int32($0.ranks[$1]) } ?? -1 }

/// `rnndyn_result_array_shape`: array i's sizes (rank entries), or NULL when i is out of range.
@_cdecl("rnndyn_result_array_shape")
public func rnndynResultArrayShape(_ r: UnsafeMutableRawPointer?, _ i: Int32) -> UnsafePointer<Int64>? {
    array(r, i).flatMap { $0.shapes[$1].baseAddress.map { UnsafePointer($0) } }
}

/// `rnndyn_result_array_data`: array i's float64 values in C order, or NULL when i is out of range.
@_cdecl("rnndyn_result_array_data")
public func rnndynResultArrayData(_ r: UnsafeMutableRawPointer?, _ i: Int32) -> UnsafePointer<Double>? {
    array(r, i).flatMap { $0.values[$1].baseAddress.map { UnsafePointer($0) } }
}

/// `rnndyn_result_free`: releases a handle (NULL is ignored).
@_cdecl("rnndyn_result_free")
public func rnndynResultFree(_ r: UnsafeMutableRawPointer?) {
    guard let r else { return }
    Unmanaged<ResultHandle>.fromOpaque(r).release()
}
