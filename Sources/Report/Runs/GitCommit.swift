import Foundation

/// The git commit of a checkout, read from the `.git` files themselves (no `git` process): `HEAD`, loose refs,
/// `packed-refs`, and linked worktrees (`.git` files with `gitdir:` and `commondir`).
public enum GitCommit {
    /// The commit of the checkout holding the running executable, else of the working directory, else "unknown".
    public static func current() -> String {
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let starts = [exe.deletingLastPathComponent(), URL(fileURLWithPath: FileManager.default.currentDirectoryPath)]
        for start in starts {
            if let commit = find(from: start) { return commit }
        }
        return "unknown"
    }

    /// The commit checked out in the nearest repository at or above `start`, if any.
    public static func find(from start: URL) -> String? {
        var dir = start.standardizedFileURL
        while true {
            if let gitDir = gitDirectory(in: dir) { return head(gitDir) }
            let parent = dir.deletingLastPathComponent()
            if parent.path == dir.path { return nil }
            dir = parent
        }
    }

    /// `dir/.git` when it is a directory, or the directory a `.git` file points to.
    static func gitDirectory(in dir: URL) -> URL? {
        let dotGit = dir.appendingPathComponent(".git")
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dotGit.path, isDirectory: &isDir) else { return nil }
        if isDir.boolValue { return dotGit }
        guard let text = read(dotGit), text.hasPrefix("gitdir:") else { return nil }
        let path = text.dropFirst("gitdir:".count).trimmingCharacters(in: .whitespaces)
        return path.hasPrefix("/") ? URL(fileURLWithPath: path) : dir.appendingPathComponent(path)
    }

    /// The commit `HEAD` of `gitDir` names, following one symbolic ref.
    static func head(_ gitDir: URL) -> String? {
        guard let head = read(gitDir.appendingPathComponent("HEAD")) else { return nil }
        guard head.hasPrefix("ref:") else { return isCommit(head) ? head : nil }
        let ref = head.dropFirst("ref:".count).trimmingCharacters(in: .whitespaces)
        let common = read(gitDir.appendingPathComponent("commondir")).map { path in
            path.hasPrefix("/") ? URL(fileURLWithPath: path) : gitDir.appendingPathComponent(path).standardizedFileURL
        } ?? gitDir
        for base in [gitDir, common] {
            if let sha = read(base.appendingPathComponent(ref)), isCommit(sha) { return sha }
        }
        guard let packed = read(common.appendingPathComponent("packed-refs")) else { return nil }
        for line in packed.split(separator: "\n") where line.hasSuffix(" " + ref) {
            let sha = String(line.prefix(40))
            if isCommit(sha) { return sha }
        }
        return nil
    }

    /// The file's text without surrounding white space, or nil when it cannot be read.
    static func read(_ url: URL) -> String? {
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// True for 40 lowercase hex digits.
    static func isCommit(_ s: String) -> Bool {
        s.count == 40 && s.allSatisfy { $0.isHexDigit && !$0.isUppercase }
    }
}
