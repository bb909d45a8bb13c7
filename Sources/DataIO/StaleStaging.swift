import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension StagedDirectory {
    /// Deletes what interrupted processes left beside `final`: staging directories `<name>.partial-<pid>-…` and
    /// moved-aside outputs `<name>.old-<pid>-…` whose process no longer runs. Returns the paths removed.
    @discardableResult
    public static func removeStale(besides final: URL) -> [String] {
        let target = final.standardizedFileURL
        let parent = target.deletingLastPathComponent()
        let fm = FileManager.default
        var removed: [String] = []
        for item in (try? fm.contentsOfDirectory(atPath: parent.path)) ?? [] {
            for marker in [".partial-", ".old-"] where item.hasPrefix(target.lastPathComponent + marker) {
                let rest = item.dropFirst(target.lastPathComponent.count + marker.count)
                guard let pid = rest.split(separator: "-").first.flatMap({ pid_t($0) }), !isRunning(pid) else { continue }
                let url = parent.appendingPathComponent(item)
                if (try? fm.removeItem(at: url)) != nil { removed.append(url.path) }
            }
        }
        return removed
    }

    /// True when a process with `pid` exists (signal 0 probes without sending anything).
    static func isRunning(_ pid: pid_t) -> Bool {
        pid > 0 && (kill(pid, 0) == 0 || errno == EPERM)
    }
}
