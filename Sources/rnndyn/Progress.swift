import Foundation

/// A one-line progress bar with ETA on standard error, shown only on an interactive terminal outside CI.
final class ProgressBar: @unchecked Sendable {
    private let total: Int
    private let label: String
    private let start = Date()
    private let enabled: Bool
    private let lock = NSLock()

    /// A bar for `total` steps; silent when stderr is not a TTY, or `CI` or `RNNDYN_NO_PROGRESS` is set.
    init(total: Int, label: String) {
        self.total = max(total, 1)
        self.label = label
        let env = ProcessInfo.processInfo.environment
        self.enabled = isatty(STDERR_FILENO) == 1 && env["CI"] == nil && env["RNNDYN_NO_PROGRESS"] == nil
    }

    /// Redraws the bar at `step` with the current `loss`.
    func update(step: Int, loss: Double) {
        draw(fraction: Double(step) / Double(total), detail: String(format: "step %d/%d  loss %.4g", step, total, loss))
    }

    /// Redraws the bar at `fraction` ∈ [0, 1] of the work, with an optional `detail` (e.g. the current item).
    func update(fraction: Double, detail: String = "") {
        draw(fraction: fraction, detail: detail)
    }

    /// Clears the bar's line (call before printing other output; the next update redraws it).
    func finish() {
        guard enabled else { return }
        lock.lock(); defer { lock.unlock() }
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
    }

    private func draw(fraction: Double, detail: String) {
        guard enabled else { return }
        lock.lock(); defer { lock.unlock() }
        let frac = min(1, max(0, fraction))
        let width = 30, filled = Int(frac * Double(width))
        let elapsed = Date().timeIntervalSince(start)
        let eta = frac > 0 ? Self.format(elapsed * (1 - frac) / frac) : "--:--"
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let line = String(format: "\r\u{1B}[2K%@ %@ %3.0f%%  ETA %@  %@", label, bar, frac * 100, eta, detail)
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// `seconds` as m:ss or XhYYm.
    static func format(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%dh%02dm", s / 3600, (s % 3600) / 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}
