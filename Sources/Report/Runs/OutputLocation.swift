import ExperimentKit
import Foundation

/// Checks that an output location can be written, before any work is done.
public enum OutputLocation {
    /// Throws a `ConfigError` at `key` unless a directory can be created inside `url` (when it is an existing
    /// directory) or inside its nearest existing ancestor. Permission bits say little for root or special file
    /// systems, so this creates and removes a probe directory.
    public static func requireWritable(_ url: URL, key: String = "--out") throws {
        let fm = FileManager.default
        var dir = url.standardizedFileURL
        var isDir: ObjCBool = false
        while !fm.fileExists(atPath: dir.path, isDirectory: &isDir) { dir = dir.deletingLastPathComponent() }
        guard isDir.boolValue else {
            throw ConfigError(key: key, "'\(dir.path)' is a file, not a directory (allowed: a directory path)")
        }
        let probe = dir.appendingPathComponent(".rnndyn-probe-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0 ... .max))")
        do {
            try fm.createDirectory(at: probe, withIntermediateDirectories: false)
            try? fm.removeItem(at: probe)
        } catch {
            throw ConfigError(key: key, "cannot create '\(url.path)': '\(dir.path)' is not writable (allowed: a writable location)")
        }
    }

    /// Decides whether a run may be written to `directory`: returns true when an existing directory is to be
    /// replaced (an interrupted run, or anything with `force`), false when it is new or empty, and throws a
    /// one-line `ConfigError` at `key` for a complete run or foreign files without `force`, or a file.
    public static func admitRun(_ directory: URL, force: Bool, key: String = "--out") throws -> Bool {
        let shown = directory.relativePath
        switch RunDirectoryState.inspect(directory) {
        case .absent, .empty: return false
        case .incomplete: return true
        case .complete(let record):
            guard force else {
                throw ConfigError(key: key, "'\(shown)' already holds a complete run of \(record.experiment) (allowed: another directory, or --force to replace it)")
            }
            return true
        case .collection(let count):
            guard force else {
                throw ConfigError(key: key, "'\(shown)' holds \(count) runs of rnndyn reproduce (allowed: another directory, or --force to replace them all)")
            }
            return true
        case .foreign:
            guard force else {
                throw ConfigError(key: key, "'\(shown)' holds files rnndyn did not write (allowed: a new or empty directory, or --force to replace it)")
            }
            return true
        case .notDirectory:
            throw ConfigError(key: key, "'\(shown)' is a file (allowed: a directory path)")
        }
    }
}
