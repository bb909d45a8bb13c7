import Foundation

/// Slurm's command-line tools (`sbatch`, `squeue`, `sacct`, `scontrol`, `scancel`), run as processes with argument
/// vectors (never through a shell) and the caller's environment (so `SLURM_CONF` reaches them).
public enum SlurmTools {
    /// A tool's exit status and output.
    public struct Output: Sendable {
        /// Exit status.
        public let status: Int32
        /// Standard output.
        public let stdout: String
        /// Standard error.
        public let stderr: String
    }

    /// The tool's path on `PATH`, or nil when it is not installed.
    public static func path(_ tool: String) -> URL? {
        let dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":")
        for d in dirs {
            let url = URL(fileURLWithPath: String(d)).appendingPathComponent(tool)
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return nil
    }

    /// Runs `tool args…` in `directory`; throws `SlurmError` when the tool is missing.
    public static func run(_ tool: String, _ args: [String], in directory: URL? = nil) throws -> Output {
        guard let exe = path(tool) else { throw SlurmError("\(tool) not found on PATH (allowed: a machine with Slurm's client tools, or --dry-run to write the scripts only)") }
        let p = Process()
        p.executableURL = exe
        p.arguments = args
        if let directory { p.currentDirectoryURL = directory }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        // Read both pipes to the end before waiting, so a chatty tool never blocks on a full pipe.
        let errBox = DataBox()
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async { errBox.data = err.fileHandleForReading.readDataToEndOfFile(); done.signal() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        done.wait()
        let errData = errBox.data
        p.waitUntilExit()
        return Output(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }

    /// The cluster's `MaxArraySize` from `scontrol show config` (1001, Slurm's default, when it cannot be read).
    public static func maxArraySize() -> Int {
        guard let o = try? run("scontrol", ["show", "config"]), o.status == 0 else { return 1001 }
        for line in o.stdout.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2, parts[0] == "MaxArraySize", let n = Int(parts[1]), n > 0 { return n }
        }
        return 1001
    }
}

/// Bytes handed from a reading thread to the waiting one (written once, read after a semaphore).
private final class DataBox: @unchecked Sendable { var data = Data() }

/// A failure of Slurm itself (a tool missing, a submission refused), with the tool's own message; exit status 1.
public struct SlurmError: Error, CustomStringConvertible, Sendable {
    /// One line.
    public let description: String
    /// An error with this message.
    public init(_ message: String) { description = message.replacingOccurrences(of: "\n", with: " ") }
}
