import DataIO
import ExperimentKit
import Foundation

/// One submission of a sweep to Slurm, kept in `slurm/submissions/<n>/submission.json` beside its chunk files:
/// which array job computes which chunk, the merge job, and the options used (`--resubmit` starts from them).
public struct SlurmSubmission: Codable, Sendable {
    /// One array job over the chunks of a stage.
    public struct Array: Codable, Sendable {
        /// Cells or pairs.
        public var stage: SweepStage
        /// The array job's id (nil in a dry run).
        public var job: String?
        /// The chunk file (relative to the sweep directory): line k lists the ids task k computes.
        public var chunks: String
        /// Tasks in the array.
        public var tasks: Int
    }

    /// 1, 2, … in order of submission.
    public var number: Int
    /// The arrays, cells first.
    public var arrays: [Array]
    /// The merge job's id (nil in a dry run).
    public var merge: String?
    /// The options submitted with.
    public var options: SlurmOptions
    /// The binary the scripts run.
    public var executable: String
    /// When it was submitted (UTC, ISO 8601).
    public var submittedAt: String

    /// `slurm/submissions`.
    public static func folder(_ dir: SweepDirectory) -> URL {
        dir.url.appendingPathComponent(SlurmScripts.folder).appendingPathComponent("submissions")
    }

    /// `slurm/submissions/<n>`.
    public static func url(_ dir: SweepDirectory, number: Int) -> URL {
        folder(dir).appendingPathComponent(String(number))
    }

    /// Every recorded (submitted, not dry-run) submission, oldest first.
    public static func all(_ dir: SweepDirectory) -> [SlurmSubmission] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder(dir).path)) ?? []
        return names.compactMap(Int.init).sorted().compactMap { n in
            guard let data = try? Data(contentsOf: url(dir, number: n).appendingPathComponent("submission.json")) else { return nil }
            return try? JSONDecoder().decode(SlurmSubmission.self, from: data)
        }
    }

    /// Writes `submission.json` atomically.
    func save(_ dir: SweepDirectory) throws {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try enc.encode(self), to: Self.url(dir, number: number).appendingPathComponent("submission.json"))
    }

    /// The ids task `task` of `array` computes (line `task` of its chunk file).
    public func ids(_ array: Array, task: Int, in dir: SweepDirectory) -> [String] {
        (try? SweepChunks.read(dir.url.appendingPathComponent(array.chunks), task: task)) ?? []
    }

    /// Every job id of this submission.
    public var jobs: [String] { arrays.compactMap(\.job) + (merge.map { [$0] } ?? []) }
}

/// Chunk files: line k holds the space-separated ids array task k computes.
public enum SweepChunks {
    /// `ids` in consecutive chunks of `size`.
    public static func split(_ ids: [String], size: Int) -> [[String]] {
        stride(from: 0, to: ids.count, by: max(size, 1)).map { Swift.Array(ids[$0..<min($0 + size, ids.count)]) }
    }

    /// The chunk file's text.
    public static func text(_ chunks: [[String]]) -> String {
        chunks.map { $0.joined(separator: " ") + "\n" }.joined()
    }

    /// The ids of line `task` of `url`; a `ConfigError` when the file or the line is missing.
    public static func read(_ url: URL, task: Int) throws -> [String] {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw ConfigError(key: "--chunks", "cannot read '\(url.path)' (allowed: a chunk file written by rnndyn sweep --slurm)")
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        guard task >= 0, task < lines.count else {
            throw ConfigError(key: "--task", "\(task) is out of range (allowed: 0…\(lines.count - 1), the lines of '\(url.lastPathComponent)')")
        }
        return lines[task].split(separator: " ").map(String.init)
    }
}
