import ExperimentKit
import Foundation

/// What `rnndyn sweep --slurm` asks of the cluster: resources per array task, chunking and throttling. Every
/// value that reaches an `#SBATCH` line is checked against Slurm's own grammar first (one-line `ConfigError`
/// otherwise); `extra` arguments go to `sbatch` as argv words, never through a shell or into a script.
public struct SlurmOptions: Sendable, Equatable, Codable {
    /// `--partition`.
    public var partition: String?
    /// `--time` (Slurm's forms: `MM`, `MM:SS`, `HH:MM:SS`, `D-HH`, `D-HH:MM`, `D-HH:MM:SS`).
    public var time: String?
    /// `--mem` per task (an integer with an optional K, M, G or T suffix).
    public var mem: String?
    /// CPUs per array task: the task runs this many worker processes with one BLAS thread each.
    public var cpusPerTask: Int = 1
    /// At most this many array tasks at once (`--array=…%K`).
    public var maxConcurrent: Int?
    /// Cells (or pairs) per array task; nil chooses the smallest chunk that keeps the array within the cluster's
    /// `MaxArraySize`.
    public var cellsPerTask: Int?
    /// `--account`.
    public var account: String?
    /// Extra `sbatch` arguments, passed through verbatim as separate words.
    public var extra: [String] = []
    /// `--requeue`: Slurm may requeue a preempted or failed task (safe: a requeued task skips complete cells).
    public var requeue = false

    /// Options with defaults.
    public init() {}

    /// Checks every value; the error names the option and the allowed form.
    public func validate() throws {
        let name = #/[A-Za-z0-9_.\-]+(,[A-Za-z0-9_.\-]+)*/#
        if let partition, partition.wholeMatch(of: name) == nil {
            throw ConfigError(key: "--partition", "\(Self.show(partition)) is not a partition name (allowed: letters, digits, '_', '.', '-', comma-separated)")
        }
        if let account, account.wholeMatch(of: name) == nil {
            throw ConfigError(key: "--account", "\(Self.show(account)) is not an account name (allowed: letters, digits, '_', '.', '-')")
        }
        if let time, time.wholeMatch(of: #/([0-9]+-)?[0-9]+(:[0-9]{1,2}){0,2}/#) == nil || time.isEmpty {
            throw ConfigError(key: "--time", "\(Self.show(time)) is not a Slurm time (allowed: MM, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS)")
        }
        if let mem, mem.wholeMatch(of: #/[1-9][0-9]*[KMGTkmgt]?/#) == nil {
            throw ConfigError(key: "--mem", "\(Self.show(mem)) is not a memory size (allowed: a positive integer with an optional K, M, G or T suffix, e.g. 4G)")
        }
        guard (1...1024).contains(cpusPerTask) else {
            throw ConfigError(key: "--cpus-per-task", "\(cpusPerTask) is out of range (allowed: 1…1024)")
        }
        if let maxConcurrent, !(1...100_000).contains(maxConcurrent) {
            throw ConfigError(key: "--max-concurrent", "\(maxConcurrent) is out of range (allowed: 1…100000)")
        }
        if let cellsPerTask, !(1...1_000_000).contains(cellsPerTask) {
            throw ConfigError(key: "--cells-per-task", "\(cellsPerTask) is out of range (allowed: 1…1000000)")
        }
        if let bad = extra.first(where: { $0.isEmpty || $0.contains("\n") || $0.contains("\0") }) {
            throw ConfigError(key: "--sbatch-arg", "\(Self.show(bad)) is empty or holds a newline (allowed: one sbatch argument per --sbatch-arg)")
        }
    }

    /// The `#SBATCH` directives of these options (values already validated, so each is one safe line).
    var directives: [String] {
        var d: [String] = []
        if let partition { d.append("--partition=\(partition)") }
        if let account { d.append("--account=\(account)") }
        if let time { d.append("--time=\(time)") }
        if let mem { d.append("--mem=\(mem)") }
        d.append("--cpus-per-task=\(cpusPerTask)")
        d.append(requeue ? "--requeue" : "--no-requeue")
        return d
    }

    /// A value as shown in an error: quoted, control characters escaped.
    static func show(_ value: String) -> String { "'" + ShellWord.comment(value) + "'" }
}
