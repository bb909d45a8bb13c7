import ExperimentKit
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The state of every cell (and pair) of a sweep run on Slurm: the sweep directory says what is done, failed or
/// diverged and which cells are being computed right now (their lock is held); the recorded submissions and
/// `squeue`/`sacct` say which task holds the rest and what became of it.
public struct SlurmStatus: Sendable {
    /// What one cell or pair is doing.
    public enum Verdict: String, Sendable {
        /// Complete.
        case done
        /// A worker holds its lock now.
        case running
        /// Its task is pending or running but has not started it yet.
        case queued
        /// Its last attempt failed, or its task ended without completing it.
        case failed
        /// Its computation diverged (not retried).
        case diverged
        /// No live or finished task was ever given it.
        case unsubmitted = "not submitted"
    }

    /// One cell or pair.
    public struct Item: Sendable {
        /// Cells or pairs.
        public let stage: SweepStage
        /// Its id.
        public let id: String
        /// Grid point and seed(s), e.g. `learning_rate=0.01 seed=2`.
        public let label: String
        /// Its verdict.
        public let verdict: Verdict
        /// The error, diagnostic or Slurm's word on its task.
        public let message: String
        /// The task that has (or had) it, `job_task`.
        public let task: String?
        /// That task's log, relative to the sweep directory.
        public let log: String?
    }

    /// Every cell, then every pair.
    public let items: [Item]
    /// Whether `squeue` answered (false: no Slurm here, or its controller is down).
    public let queueAnswered: Bool
    /// The submissions, oldest first.
    public let submissions: [SlurmSubmission]
    /// Slurm's entries of those submissions' jobs.
    public let queue: SlurmQueue

    /// Reads the sweep directory and Slurm.
    public static func read(_ dir: SweepDirectory) -> SlurmStatus {
        let subs = SlurmSubmission.all(dir)
        let queue = SlurmQueue.read(jobs: Set(subs.flatMap(\.jobs)))
        // The latest task given each id.
        var owner: [String: (job: String, task: Int, stage: SweepStage)] = [:]
        for s in subs {
            for a in s.arrays {
                guard let job = a.job else { continue }
                for t in 0..<a.tasks { for id in s.ids(a, task: t, in: dir) { owner[id] = (job, t, a.stage) } }
            }
        }
        var items: [Item] = []
        func add(_ stage: SweepStage, _ id: String, _ label: String, _ state: SweepDirectory.CellState, lock: URL) {
            let o = owner[id]
            let task = o.map { "\($0.job)_\($0.task)" }
            let log = o.map { "\(SlurmScripts.logs)/\($0.stage.rawValue)-\($0.job)_\($0.task).out" }
            let entry = o.flatMap { queue.entry(job: $0.job, task: $0.task) }
            let (verdict, message): (Verdict, String)
            switch state {
            case .done: (verdict, message) = (.done, "")
            case .diverged(let m): (verdict, message) = (.diverged, m)
            case .failed(let m): (verdict, message) = (isLocked(lock) ? .running : .failed, m)
            case .pending:
                if isLocked(lock) {
                    (verdict, message) = (.running, "")
                } else if let o {
                    if let entry, entry.isLive {
                        (verdict, message) = (.queued, "task \(o.job)_\(o.task) \(entry.state)" + (entry.reason.isEmpty ? "" : " (\(entry.reason))"))
                    } else if let entry {
                        (verdict, message) = (.failed, "task \(o.job)_\(o.task) ended \(entry.state)" + (entry.reason.isEmpty ? "" : " (\(entry.reason))")
                                              + " without completing it" + lastLine(dir, log))
                    } else if queue.answered {
                        (verdict, message) = (.failed, "task \(o.job)_\(o.task) has left the queue without completing it" + lastLine(dir, log))
                    } else {
                        (verdict, message) = (.queued, "task \(o.job)_\(o.task) (Slurm did not answer)")
                    }
                } else {
                    (verdict, message) = (.unsubmitted, "")
                }
            }
            items.append(Item(stage: stage, id: id, label: label, verdict: verdict, message: message, task: task, log: log))
        }
        for cell in dir.cells {
            add(.cells, cell.id, dir.label(cell), dir.state(cell), lock: dir.lockURL(cell))
        }
        for pair in dir.pairs {
            let label = zip(dir.spec.axes, pair.point).map { "\($0.name)=\($0.values[$1].text)" }.joined(separator: " ")
            let state: SweepDirectory.CellState
            switch dir.pairState(pair) {
            case .done: state = .done
            case .pending: state = .pending
            case .failed(let m): state = .failed(m)
            }
            add(.pairs, pair.id, (label.isEmpty ? "" : label + " ") + "seeds=\(pair.a.seed),\(pair.b.seed)", state, lock: dir.lockURL(pair))
        }
        return SlurmStatus(items: items, queueAnswered: queue.answered, submissions: subs, queue: queue)
    }

    /// How many items of `stage` have `verdict`.
    public func count(_ stage: SweepStage, _ verdict: Verdict) -> Int {
        items.filter { $0.stage == stage && $0.verdict == verdict }.count
    }

    /// One line per stage with its counts, e.g. `cells: 5 done, 2 running, …, of 12`.
    public func summary(_ stage: SweepStage) -> String {
        let all = items.filter { $0.stage == stage }.count
        let parts = [Verdict.done, .running, .queued, .failed, .diverged, .unsubmitted].map { "\(count(stage, $0)) \($0.rawValue)" }
        return "\(stage.rawValue): " + parts.joined(separator: ", ") + " of \(all)"
    }

    /// One line per job of the latest submission: `cells array 12: 3 RUNNING, 5 PENDING`, `merge 13: PENDING (Dependency)`.
    public var jobLines: [String] {
        guard let last = submissions.last else { return [] }
        var lines: [String] = []
        for a in last.arrays {
            guard let job = a.job else { continue }
            let states = Dictionary(grouping: queue.entries.filter { $0.job == job }, by: \.state).map { "\($0.value.count) \($0.key)" }.sorted()
            lines.append("\(a.stage.rawValue) array \(job) (\(a.tasks) tasks): " + (states.isEmpty ? "no longer listed by Slurm" : states.joined(separator: ", ")))
        }
        if let m = last.merge {
            let e = queue.entry(job: m, task: nil)
            lines.append("merge \(m): " + (e.map { $0.state + ($0.reason.isEmpty ? "" : " (\($0.reason))") } ?? "no longer listed by Slurm")
                         + (e?.isLive == false && e?.state != "COMPLETED" ? " (log: \(SlurmScripts.logs)/merge-\(m).out)" : ""))
        }
        return lines
    }

    /// Whether a worker holds the lock file at `url` (probed with a non-blocking `flock`, released at once).
    static func isLocked(_ url: URL) -> Bool {
        let fd = Glibc.open(url.path, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK
    }

    /// `; log <path>: <its last line>` when the log exists.
    static func lastLine(_ dir: SweepDirectory, _ log: String?) -> String {
        guard let log else { return "" }
        guard let text = try? String(contentsOf: dir.url.appendingPathComponent(log), encoding: .utf8) else { return "; log \(log) (absent)" }
        let last = text.split(separator: "\n").last { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.map(String.init) ?? "(empty)"
        return "; log \(log): \(last)"
    }
}
