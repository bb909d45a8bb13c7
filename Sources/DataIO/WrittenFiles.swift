import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The record of what rnndyn wrote into an output directory: `.rnndyn-files.json`, a JSON list of relative
/// paths (folders end in `/`) that every staged commit writes into the directory it creates. Replacing a directory
/// (`--force`) removes only these paths; anything else in it was not written by rnndyn and is kept.
public enum WrittenFiles {
    /// The manifest's file name.
    public static let manifest = ".rnndyn-files.json"
    /// Top-level names rnndyn writes into run directories, owned in directories from before the manifest existed
    /// (recognised by a `config.json` carrying `rnndyn_version`).
    static let legacyNames: Set<String> = ["config.json", "results.npz", "DATA.md", "metrics.csv", "figure.json",
                                           "report.html", "loss.csv", "figures", manifest]

    /// Every file and folder under `root`, relative, folders with a trailing `/`, sorted.
    public static func list(_ root: URL) -> [String] {
        var out: [String] = []
        func walk(_ dir: URL, _ prefix: String) {
            for name in ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).sorted() {
                let url = dir.appendingPathComponent(name)
                if isDirectory(url) {
                    out.append(prefix + name + "/")
                    walk(url, prefix + name + "/")
                } else {
                    out.append(prefix + name)
                }
            }
        }
        walk(root, "")
        return out
    }

    /// Writes the manifest of `root` listing everything in it (the manifest included).
    public static func record(_ root: URL) throws {
        try write(Set(list(root) + [manifest]), in: root)
    }

    /// Adds `paths` to the manifest of `root` (for files rnndyn writes into an existing directory later, such as
    /// a redrawn figure); nothing happens in a directory without a manifest.
    public static func add(_ paths: [String], in root: URL) throws {
        guard var owned = try read(root) else { return }
        for p in paths {
            owned.insert(p)
            var parent = (p as NSString).deletingLastPathComponent
            while !parent.isEmpty { owned.insert(parent + "/"); parent = (parent as NSString).deletingLastPathComponent }
        }
        owned.insert(manifest)
        try write(owned, in: root)
    }

    /// The paths the manifest of `root` lists; nil when it has none.
    public static func read(_ root: URL) throws -> Set<String>? {
        let url = root.appendingPathComponent(manifest)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        guard let list = try ExactJSON.parse(Data(contentsOf: url)) as? [Any] else {
            throw DataIOError.io(path: url.path, operation: "read manifest", detail: "not a JSON list of paths")
        }
        return Set(list.compactMap { $0 as? String })
    }

    static func write(_ paths: Set<String>, in root: URL) throws {
        let data = try JSONSerialization.data(withJSONObject: paths.sorted(), options: [.prettyPrinted, .withoutEscapingSlashes])
        try AtomicFile.write(data, to: root.appendingPathComponent(manifest))
    }

    /// True when `relativePath` under `root` was written by rnndyn (`owned` from `ownership(of:)`).
    static func isOwned(_ relativePath: String, _ owned: Ownership) -> Bool {
        switch owned {
        case .listed(let set): return set.contains(relativePath)
        case .legacy: return legacyNames.contains(String(relativePath.split(separator: "/").first ?? ""))
        case .none: return false
        }
    }

    /// What rnndyn wrote in a directory: the manifest's paths, the standard run files of a directory from before
    /// manifests, or nothing.
    enum Ownership { case listed(Set<String>), legacy, none }

    /// The ownership record of `root`.
    static func ownership(of root: URL) -> Ownership {
        if let listed = try? read(root) { return .listed(listed) }
        let config = root.appendingPathComponent("config.json")
        if let data = try? Data(contentsOf: config), let tree = try? ExactJSON.parse(data) as? [String: Any],
           tree["rnndyn_version"] != nil {
            return .legacy
        }
        return .none
    }

    /// The entries under `root` that rnndyn did not write, relative (folders with a trailing `/`), outermost only:
    /// a foreign folder is listed once, a folder of rnndyn's holding foreign files is descended into.
    public static func foreign(in root: URL) -> [String] {
        let owned = ownership(of: root)
        var out: [String] = []
        func walk(_ dir: URL, _ prefix: String) {
            for name in ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).sorted() {
                let url = dir.appendingPathComponent(name)
                let folder = isDirectory(url)
                let path = prefix + name + (folder ? "/" : "")
                if !isOwned(path, owned) { out.append(path); continue }
                if folder, case .listed = owned { walk(url, path) }
            }
        }
        walk(root, "")
        return out
    }

    /// The files rnndyn is about to write into `root` (relative paths of `incoming`, no folders) that would land
    /// on a file rnndyn did not write, or where a foreign file blocks a folder; empty when none.
    public static func collisions(in root: URL, incoming: [String]) -> [String] {
        let owned = ownership(of: root)
        let fm = FileManager.default
        return incoming.filter { path in
            let target = root.appendingPathComponent(path.hasSuffix("/") ? String(path.dropLast()) : path)
            guard fm.fileExists(atPath: target.path) else { return false }
            let existingIsFolder = isDirectory(target)
            if path.hasSuffix("/") { return !existingIsFolder }  // a folder merges into a folder, never into a file
            return existingIsFolder || !isOwned(path, owned)
        }
    }

    /// True when `url` is a directory (not following a final symlink).
    static func isDirectory(_ url: URL) -> Bool {
        var st = stat()
        return lstat(url.path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }
}
