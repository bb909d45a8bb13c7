import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Crash-safe file writes: data go to a temporary file in the destination directory, then `rename(2)` into place.
public enum AtomicFile {
    /// Writes `data` to `url` atomically (readers see the old file or the complete new one, never a partial file).
    public static func write(_ data: Data, to url: URL) throws {
        let dir = url.deletingLastPathComponent()
        let tmp = dir.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())-\(randomSuffix())")
        let fd = open(tmp.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw posixError(tmp.path, "create temporary file") }
        var ok = false
        defer {
            if !ok { unlink(tmp.path) }
        }
        do {
            defer { close(fd) }
            try data.withUnsafeBytes { (buf: UnsafeRawBufferPointer) in
                var offset = 0
                while offset < buf.count {
                    let n = Glibc_write(fd, buf.baseAddress! + offset, buf.count - offset)
                    if n < 0 {
                        if errno == EINTR { continue }
                        throw posixError(tmp.path, "write")
                    }
                    offset += n
                }
            }
            guard fsync(fd) == 0 else { throw posixError(tmp.path, "fsync") }
        }
        guard rename(tmp.path, url.path) == 0 else { throw posixError(url.path, "rename temporary file into place") }
        ok = true
        syncDirectory(dir)
    }

    /// Writes UTF-8 `text` to `url` atomically.
    public static func write(_ text: String, to url: URL) throws {
        try write(Data(text.utf8), to: url)
    }

    /// Best-effort fsync of a directory so a completed rename survives a crash.
    static func syncDirectory(_ dir: URL) {
        let fd = open(dir.path, O_RDONLY | O_CLOEXEC)
        if fd >= 0 { _ = fsync(fd); close(fd) }
    }

    /// Eight random hex digits for unique temporary names.
    static func randomSuffix() -> String {
        String(UInt32.random(in: .min ... .max), radix: 16)
    }

    /// A `DataIOError.io` describing the current `errno`.
    public static func posixError(_ path: String, _ operation: String) -> DataIOError {
        .io(path: path, operation: operation, detail: String(cString: strerror(errno)))
    }

    /// The libc `write(2)` (renamed to avoid clashing with `AtomicFile.write`).
    private static func Glibc_write(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int {
        #if canImport(Glibc)
        return Glibc.write(fd, p, n)
        #elseif canImport(Musl)
        return Musl.write(fd, p, n)
        #else
        return Darwin.write(fd, p, n)
        #endif
    }
}

// Usage: write all outputs under `url`, then `commit()`; on failure call `discard()` (or use `withStaging`),
// so an interrupted run never leaves a half-written output directory at the final path.
/// A staging directory `<final>.partial-<pid>-<random>` next to `final` that is renamed into place on `commit()`.
public struct StagedDirectory: Sendable {
    /// The directory that `commit()` creates.
    public let finalURL: URL
    /// The staging directory to write into.
    public let url: URL

    /// Creates the staging directory (and the parent of `finalURL` if missing).
    public init(final finalURL: URL) throws {
        let final = finalURL.standardizedFileURL
        let parent = final.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        } catch {
            throw DataIOError.io(path: parent.path, operation: "create parent directory", detail: error.localizedDescription)
        }
        let staging = parent.appendingPathComponent(
            "\(final.lastPathComponent).partial-\(getpid())-\(AtomicFile.randomSuffix())", isDirectory: true)
        guard mkdir(staging.path, 0o777) == 0 else { throw AtomicFile.posixError(staging.path, "create staging directory") }
        self.finalURL = final
        self.url = staging
    }

    /// The URL of `relativePath` inside the staging directory.
    public func url(for relativePath: String) -> URL {
        url.appendingPathComponent(relativePath)
    }

    /// Atomically writes `data` to `relativePath` inside the staging directory, creating subdirectories.
    public func write(_ data: Data, to relativePath: String) throws {
        let target = url(for: relativePath)
        let dir = target.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        } catch {
            throw DataIOError.io(path: dir.path, operation: "create directory", detail: error.localizedDescription)
        }
        try AtomicFile.write(data, to: target)
    }

    /// Records what the staging directory holds (`WrittenFiles.manifest`) and renames it to `finalURL`; an existing
    /// non-empty destination is an error unless `replace`, which replaces only what rnndyn wrote there (see
    /// `WrittenFiles`): a destination holding nothing else is swapped atomically, one holding other files keeps them.
    public func commit(replace: Bool = false) throws {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: url.path, isDirectory: &isDir), isDir.boolValue else {
            throw DataIOError.io(path: url.path, operation: "commit", detail: "staging directory no longer exists")
        }
        try WrittenFiles.record(url)
        var finalIsDir: ObjCBool = false
        let finalExists = fm.fileExists(atPath: finalURL.path, isDirectory: &finalIsDir)
        if finalExists {
            let isEmptyDir = finalIsDir.boolValue && ((try? fm.contentsOfDirectory(atPath: finalURL.path))?.isEmpty ?? false)
            if isEmptyDir {
                // rename(2) atomically replaces an empty directory.
                guard rename(url.path, finalURL.path) == 0 else { throw AtomicFile.posixError(finalURL.path, "rename staging directory") }
                AtomicFile.syncDirectory(finalURL.deletingLastPathComponent())
                return
            }
            guard replace else { throw DataIOError.destinationExists(path: finalURL.path) }
            // Files rnndyn did not write stay where they are; only its own files are replaced.
            if !WrittenFiles.foreign(in: finalURL).isEmpty { return try mergeKeepingForeignFiles() }
            // Move the old output aside, move the new one in, then delete the old one.
            let old = finalURL.deletingLastPathComponent().appendingPathComponent(
                "\(finalURL.lastPathComponent).old-\(getpid())-\(AtomicFile.randomSuffix())")
            guard rename(finalURL.path, old.path) == 0 else { throw AtomicFile.posixError(finalURL.path, "move existing destination aside") }
            guard rename(url.path, finalURL.path) == 0 else {
                let err = AtomicFile.posixError(finalURL.path, "rename staging directory")
                _ = rename(old.path, finalURL.path)  // restore the previous output
                throw err
            }
            AtomicFile.syncDirectory(finalURL.deletingLastPathComponent())
            try? fm.removeItem(at: old)
            return
        }
        guard rename(url.path, finalURL.path) == 0 else { throw AtomicFile.posixError(finalURL.path, "rename staging directory") }
        AtomicFile.syncDirectory(finalURL.deletingLastPathComponent())
    }

    /// Deletes the staging directory and everything in it (no error if it is already gone).
    public func discard() throws {
        guard FileManager.default.fileExists(atPath: url.path) else { return }
        do { try FileManager.default.removeItem(at: url) } catch {
            throw DataIOError.io(path: url.path, operation: "discard staging directory", detail: error.localizedDescription)
        }
    }

    /// Runs `body` with a fresh staging directory, commits on success and discards on error.
    public static func withStaging<T>(final: URL, replace: Bool = false,
                                      _ body: (StagedDirectory) throws -> T) throws -> T {
        let staged = try StagedDirectory(final: final)
        do {
            let result = try body(staged)
            try staged.commit(replace: replace)
            return result
        } catch {
            try? staged.discard()
            throw error
        }
    }
}
