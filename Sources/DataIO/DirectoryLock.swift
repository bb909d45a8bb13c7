import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive lock on an output directory held by one rnndyn process from its checks to its last write, so two
/// processes never write the same directory. It is a `flock(2)` on the directory itself (created if missing):
/// nothing extra is written, and the kernel releases it when the holder exits, so a killed process never blocks
/// later runs.
public final class DirectoryLock {
    /// The locked directory.
    public let url: URL
    private var fd: Int32
    private let created: Bool

    /// Why the lock was not taken.
    public enum Failure: Error, Equatable {
        /// Another process holds it (its pid when the system tells, from `/proc/locks`).
        case inUse(holder: Int32?)
        /// The directory could not be created or opened.
        case unavailable(String)
    }

    /// Takes the lock on `url` without waiting, creating the directory (and its parents) when it is missing.
    public init(_ url: URL) throws(Failure) {
        let dir = url.standardizedFileURL
        let existed = FileManager.default.fileExists(atPath: dir.path)
        if !existed {
            do { try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true) } catch {
                throw .unavailable("cannot create it: \(error.localizedDescription)")
            }
        }
        let fd = open(dir.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw .unavailable(String(cString: strerror(errno))) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder = Self.holder(of: fd)
            close(fd)
            if !existed { _ = rmdir(dir.path) }
            throw .inUse(holder: holder)
        }
        self.url = dir
        self.fd = fd
        self.created = !existed
    }

    /// Releases the lock (also done on deinit); a directory the lock created and nothing filled is removed again.
    public func release() {
        guard fd >= 0 else { return }
        close(fd)
        fd = -1
        if created { _ = rmdir(url.path) }
    }

    deinit { release() }

    /// The pid holding a `flock` on the file open at `fd`, read from `/proc/locks` (Linux); nil elsewhere.
    static func holder(of fd: Int32) -> Int32? {
        var st = stat()
        guard fstat(fd, &st) == 0, let text = try? String(contentsOfFile: "/proc/locks", encoding: .utf8) else { return nil }
        let inode = "\(st.st_ino)"
        for line in text.split(separator: "\n") {
            // "1: FLOCK  ADVISORY  WRITE 1234 08:01:5678 0 EOF"
            let f = line.split(separator: " ", omittingEmptySubsequences: true)
            guard f.count >= 6, f[1] == "FLOCK", f[5].split(separator: ":").last.map(String.init) == inode else { continue }
            return Int32(f[4])
        }
        return nil
    }
}
