import DataIO
import Foundation
import Yams

/// Reads configuration files: JSON (`.json`) or YAML (`.yaml`, `.yml`), always as a JSON-compatible object so
/// that `ConfigReader` sees the same types whichever format the user wrote.
public enum ConfigFile {
    /// File extensions that are read.
    public static let extensions = ["json", "yaml", "yml"]

    /// The top-level object of the file at `path`; errors name `key` (the option that gave the path).
    public static func load(_ path: String, key: String = "--config") throws -> [String: Any] {
        let data = try jsonData(path, key: key)
        let parsed: Any
        do { parsed = try ExactJSON.parse(data) } catch {
            throw ConfigError(key: key, "'\(path)' is not valid JSON (\(error))")
        }
        guard let object = parsed as? [String: Any] else {
            throw ConfigError(key: key, "'\(path)' holds \(ConfigReader.describe(parsed)), not an object of parameters (allowed: key: value pairs at the top level)")
        }
        return object
    }

    /// The file at `path` as JSON data: JSON files as they are, YAML files converted (mappings with string keys,
    /// sequences, numbers, booleans, strings and null only).
    public static func jsonData(_ path: String, key: String = "--config") throws -> Data {
        let ext = URL(fileURLWithPath: path).pathExtension.lowercased()
        guard extensions.contains(ext) else {
            throw ConfigError(key: key, "'\(path)' has an unknown extension (allowed: .json, .yaml, .yml)")
        }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw ConfigError(key: key, "cannot read '\(path)' (allowed: a readable .json, .yaml or .yml file)")
        }
        if ext == "json" { return data }
        let text = String(decoding: data, as: UTF8.self)
        let parsed: Any?
        do { parsed = try Yams.load(yaml: text) } catch {
            let reason = "\(error)".split(whereSeparator: \.isNewline).first.map(String.init) ?? "syntax error"
            throw ConfigError(key: key, "'\(path)' is not valid YAML (\(reason))")
        }
        let tree = try jsonCompatible(parsed ?? [String: Any](), at: key)
        return try JSONSerialization.data(withJSONObject: tree, options: [.sortedKeys, .fragmentsAllowed])
    }

    /// `value` (as Yams constructs it) with string-keyed objects, or an error naming the offending entry.
    static func jsonCompatible(_ value: Any, at path: String) throws -> Any {
        switch value {
        case let map as [AnyHashable: Any]:
            var out: [String: Any] = [:]
            for (k, v) in map {
                guard let s = k.base as? String else {
                    throw ConfigError(key: path, "key \(k.base) is not a string (allowed: text keys)")
                }
                out[s] = try jsonCompatible(v, at: "\(path).\(s)")
            }
            return out
        case let list as [Any]:
            return try list.enumerated().map { try jsonCompatible($1, at: "\(path)[\($0)]") }
        case let d as Double:
            guard d.isFinite else { throw ConfigError(key: path, "\(d) is not finite (allowed: finite numbers)") }
            return d
        case is Int, is Bool, is String, is NSNull:
            return value
        default:
            throw ConfigError(key: path, "\(value) is a \(type(of: value)) (allowed: numbers, true/false, text, lists, objects)")
        }
    }
}
