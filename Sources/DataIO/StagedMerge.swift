import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension StagedDirectory {
    /// Replaces what rnndyn wrote in `finalURL` by the staged files while every entry it did not write stays in
    /// place. Order: the destination's manifest first lists old and new files (so a crash never leaves an
    /// unlisted file of rnndyn's), the old files move to `<final>.old-<pid>-…` (config.json first), the new ones
    /// move in (config.json last), then the new manifest replaces the merged one. Folders that were there and not
    /// rnndyn's are never listed. A new file landing on a file rnndyn did not write is an error before anything moves.
    func mergeKeepingForeignFiles() throws {
        let ownership = WrittenFiles.ownership(of: finalURL)
        let incoming = WrittenFiles.list(url).filter { $0 != WrittenFiles.manifest }
        if let clash = WrittenFiles.collisions(in: finalURL, incoming: incoming).first {
            throw DataIOError.io(path: finalURL.appendingPathComponent(clash).path, operation: "replace run files",
                                 detail: "rnndyn did not write it, so it is kept; move it away or choose another directory")
        }
        let old = WrittenFiles.list(finalURL).filter { WrittenFiles.isOwned($0, ownership) }
        // Folders that were there already and not rnndyn's (the user's own figures/, say) stay theirs.
        let theirFolders = Set(WrittenFiles.foreign(in: finalURL).filter { $0.hasSuffix("/") })
        try WrittenFiles.write(Set(old + incoming + [WrittenFiles.manifest]).subtracting(theirFolders), in: finalURL)

        let trash = finalURL.deletingLastPathComponent().appendingPathComponent(
            "\(finalURL.lastPathComponent).old-\(getpid())-\(AtomicFile.randomSuffix())", isDirectory: true)
        guard mkdir(trash.path, 0o777) == 0 else { throw AtomicFile.posixError(trash.path, "create directory for replaced files") }
        let oldFiles = old.filter { !$0.hasSuffix("/") && $0 != WrittenFiles.manifest }
        for path in oldFiles.sorted(by: { ($0 == "config.json" ? 0 : 1, $0) < ($1 == "config.json" ? 0 : 1, $1) }) {
            let target = trash.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            guard rename(finalURL.appendingPathComponent(path).path, target.path) == 0 else {
                throw AtomicFile.posixError(finalURL.appendingPathComponent(path).path, "move replaced file aside")
            }
        }
        // Folders rnndyn made go when nothing else is left in them (rmdir refuses otherwise), deepest first.
        for folder in old.filter({ $0.hasSuffix("/") }).sorted(by: { $0.count > $1.count }) {
            _ = rmdir(finalURL.appendingPathComponent(folder).path)
        }
        let top = ((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? [])
            .filter { $0 != WrittenFiles.manifest }
            .sorted { ($0 == "config.json" ? 1 : 0, $0) < ($1 == "config.json" ? 1 : 0, $1) }
        for name in top { try move(name) }
        try WrittenFiles.write(Set(incoming + [WrittenFiles.manifest]).subtracting(theirFolders), in: finalURL)
        try? FileManager.default.removeItem(at: url)
        try? FileManager.default.removeItem(at: trash)
    }

    /// Moves staged `path` into the destination: whole when nothing is there, entry by entry into an existing folder.
    private func move(_ path: String) throws {
        let source = url.appendingPathComponent(path), target = finalURL.appendingPathComponent(path)
        if WrittenFiles.isDirectory(source), WrittenFiles.isDirectory(target) {
            for name in try FileManager.default.contentsOfDirectory(atPath: source.path).sorted() { try move(path + "/" + name) }
            return
        }
        guard rename(source.path, target.path) == 0 else { throw AtomicFile.posixError(target.path, "move new file into place") }
    }
}
