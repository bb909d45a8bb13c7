import Foundation

/// What Slurm says about a sweep's jobs: one entry per array task (or plain job), from `squeue` (which also lists
/// finished jobs for `MinJobAge` seconds) and, where the cluster keeps accounting, `sacct`.
public struct SlurmQueue: Sendable {
    /// One array task or job.
    public struct Entry: Sendable, Equatable {
        /// The (array) job id.
        public let job: String
        /// The array task index, nil for a plain job.
        public let task: Int?
        /// Slurm's state: PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, TIMEOUT, NODE_FAIL, PREEMPTED, OUT_OF_MEMORY…
        public let state: String
        /// Why it is pending, or the exit code, when Slurm says.
        public let reason: String

        /// Not finished: pending, running, configuring, completing, suspended or requeued.
        public var isLive: Bool {
            ["PENDING", "RUNNING", "CONFIGURING", "COMPLETING", "SUSPENDED", "REQUEUED", "REQUEUE_HOLD", "REQUEUE_FED",
             "RESIZING", "SIGNALING", "STAGE_OUT", "RESV_DEL_HOLD"].contains(state)
        }
        /// `job_task`, or `job`.
        public var name: String { task.map { "\(job)_\($0)" } ?? job }
    }

    /// Entries by job id.
    public let entries: [Entry]
    /// Whether Slurm answered at all (false when its tools are missing or the controller is down).
    public let answered: Bool

    /// The entries of `jobs` (array job ids). `squeue` first (array tasks expanded, all states); `sacct` for jobs
    /// squeue no longer lists, when the cluster keeps accounting.
    public static func read(jobs: Set<String>) -> SlurmQueue {
        guard !jobs.isEmpty else { return SlurmQueue(entries: [], answered: true) }
        var entries: [Entry] = []
        guard let q = try? SlurmTools.run("squeue", ["-h", "-r", "-t", "all", "-o", "%F|%K|%T|%r"]), q.status == 0 else {
            return SlurmQueue(entries: [], answered: false)
        }
        entries = parse(q.stdout, jobs: jobs)
        let missing = jobs.subtracting(entries.map(\.job))
        if !missing.isEmpty, let a = try? SlurmTools.run("sacct", ["-n", "-P", "-X", "-j", missing.sorted().joined(separator: ","), "-o", "JobID,State,ExitCode"]),
           a.status == 0 {
            entries += parseAccounting(a.stdout, jobs: missing)
        }
        return SlurmQueue(entries: entries, answered: true)
    }

    /// Parses `squeue -o '%F|%K|%T|%r'` lines of the given jobs.
    static func parse(_ text: String, jobs: Set<String>) -> [Entry] {
        text.split(separator: "\n").compactMap { line in
            let f = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard f.count >= 4, jobs.contains(f[0]) else { return nil }
            return Entry(job: f[0], task: Int(f[1]), state: f[2], reason: f[3] == "None" ? "" : f[3])
        }
    }

    /// Parses `sacct -P -X -o JobID,State,ExitCode` lines (`123_4|CANCELLED by 0|0:15`).
    static func parseAccounting(_ text: String, jobs: Set<String>) -> [Entry] {
        text.split(separator: "\n").compactMap { line in
            let f = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            guard f.count >= 3 else { return nil }
            let id = f[0].split(separator: "_", maxSplits: 1).map(String.init)
            guard jobs.contains(id[0]) else { return nil }
            let state = String(f[1].split(separator: " ").first ?? "")
            return Entry(job: id[0], task: id.count > 1 ? Int(id[1]) : nil, state: state, reason: "exit code \(f[2])")
        }
    }

    /// The entry of `job` task `task`.
    public func entry(job: String, task: Int?) -> Entry? { entries.first { $0.job == job && $0.task == task } }
}
