import DataIO
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
    /// replaced (an interrupted run, or a complete run or foreign files with `force`; only what rnndyn wrote is
    /// replaced, see `WrittenFiles`), false when it is new or empty, and throws a one-line `ConfigError` at `key`
    /// for a complete run or foreign files without `force`, a directory of runs, a file, or a foreign file where
    /// the run writes one of its files.
    public static func admitRun(_ directory: URL, force: Bool, key: String = "--out") throws -> Bool {
        let shown = directory.relativePath
        switch RunDirectoryState.inspect(directory) {
        case .absent, .empty: return false
        case .incomplete:
            try requireNoCollisions(directory, key: key)
            return true
        case .complete(let record):
            guard force else {
                throw ConfigError(key: key, "'\(shown)' already holds a complete run of \(record.experiment) (allowed: another directory, or --force to replace it)")
            }
            try requireNoCollisions(directory, key: key)
            return true
        case .collection(let count):
            throw ConfigError(key: key, "'\(shown)' holds \(count) runs of rnndyn reproduce (allowed: another directory; --force never replaces a directory of runs)")
        case .foreign:
            guard force else {
                throw ConfigError(key: key, "'\(shown)' holds files rnndyn did not write (allowed: a new or empty directory, or --force to write beside them, keeping them)")
            }
            try requireNoCollisions(directory, key: key)
            return true
        case .notDirectory:
            throw ConfigError(key: key, "'\(shown)' is a file (allowed: a directory path)")
        }
    }

    /// Throws a `ConfigError` at `key` when a file rnndyn did not write sits where a run writes one of its files
    /// (`incoming`, by default `RunFiles.written`): `--force` keeps such files, so the run could not be written.
    public static func requireNoCollisions(_ directory: URL, key: String = "--out", incoming: [String] = RunFiles.written) throws {
        if let clash = WrittenFiles.collisions(in: directory, incoming: incoming).first {
            throw ConfigError(key: key, "'\(directory.appendingPathComponent(clash).relativePath)' was not written by rnndyn, and --force keeps such files (allowed: move it away, or another directory)")
        }
    }

    /// The line telling what a replaced `directory` keeps (entries rnndyn did not write), or nil when none.
    public static func keptNote(_ directory: URL) -> String? {
        let store = RunFiles.hasCellStore(directory) ? RunFiles.cells + "/" : nil
        let kept = WrittenFiles.foreign(in: directory).filter { $0 != store }
        guard !kept.isEmpty else { return nil }
        let shown = kept.prefix(5).joined(separator: ", ") + (kept.count > 5 ? ", …" : "")
        return "kept \(kept.count) entr\(kept.count == 1 ? "y" : "ies") rnndyn did not write in \(directory.relativePath): \(shown)"
    }

    /// Takes the exclusive lock on `directory` (creating it), or throws a one-line `ConfigError` at `key` when
    /// another rnndyn process holds it or it cannot be created.
    public static func lock(_ directory: URL, key: String = "--out") throws -> DirectoryLock {
        do { return try DirectoryLock(directory) } catch {
            switch error {
            case .inUse(let holder):
                let who = holder.map { " (pid \($0))" } ?? ""
                throw ConfigError(key: key, "'\(directory.relativePath)' is in use by another rnndyn process\(who) (allowed: wait for it to finish, or another directory)")
            case .unavailable(let reason):
                throw ConfigError(key: key, "cannot use '\(directory.relativePath)': \(reason) (allowed: a writable directory path)")
            }
        }
    }
}
