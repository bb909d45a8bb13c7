import Foundation
import Testing
@testable import RNNDynamics

/// The one-node Slurm cluster of `scripts/slurm-local.sh`, as the tests find it: `SLURM_CONF` if set, else the
/// script's default `/tmp/rnndyn-slurm/slurm.conf`. Under `CI` the tests run and fail when it does not answer;
/// elsewhere they are skipped with the reason.
enum LocalSlurm {
    /// The environment the tests give `rnndyn` and Slurm's tools.
    static let environment: [String: String] = {
        if let c = ProcessInfo.processInfo.environment["SLURM_CONF"] { return ["SLURM_CONF": c] }
        let dir = ProcessInfo.processInfo.environment["RNNDYN_SLURM_DIR"] ?? "/tmp/rnndyn-slurm"
        return ["SLURM_CONF": dir + "/slurm.conf"]
    }()

    /// Why the cluster cannot be used, or nil when `sinfo` reports its node up.
    static let unavailable: String? = {
        guard SlurmTools.path("sbatch") != nil, SlurmTools.path("sinfo") != nil else {
            return "Slurm's tools are not installed (apt-get install slurm-wlm munge; then scripts/slurm-local.sh start)"
        }
        guard let (status, out, err) = try? run("sinfo", ["-h", "-o", "%t"]), status == 0 else {
            return "no Slurm controller answers (start one with scripts/slurm-local.sh start)"
        }
        _ = err
        let states = out.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        guard states.contains(where: { ["idle", "mix", "alloc", "idle*"].contains($0) && !$0.hasSuffix("*") }) else {
            return "the Slurm node is not up (sinfo: \(out.trimmingCharacters(in: .whitespacesAndNewlines)))"
        }
        return nil
    }()

    /// Whether the Slurm tests run: the cluster answers, or `CI` is set (then they fail if it does not).
    static var shouldRun: Bool {
        if unavailable == nil { return true }
        if ProcessInfo.processInfo.environment["CI"] != nil { return true }
        FileHandle.standardError.write(Data("Slurm tests skipped: \(unavailable!)\n".utf8))
        return false
    }

    /// Runs a Slurm tool with the cluster's environment.
    static func run(_ tool: String, _ args: [String]) throws -> (Int32, String, String) {
        let p = Process()
        guard let exe = SlurmTools.path(tool) else { return (127, "", "\(tool) not found") }
        p.executableURL = exe
        p.arguments = args
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        p.environment = env
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    /// `rnndyn args…` with the cluster's environment.
    static func rnndyn(_ args: [String]) throws -> (Int32, String, String) {
        try CLIHarness.run(args, environment: environment)
    }

    /// The states squeue lists for `jobs` (all states, array tasks expanded): `job_task` or `job` → state.
    static func states(_ jobs: [String]) throws -> [String: String] {
        let (_, out, _) = try run("squeue", ["-h", "-r", "-t", "all", "-o", "%i|%T"])
        var s: [String: String] = [:]
        for line in out.split(separator: "\n") {
            let f = line.split(separator: "|").map(String.init)
            guard f.count == 2, jobs.contains(String(f[0].split(separator: "_")[0])) else { continue }
            s[f[0]] = f[1]
        }
        return s
    }

    /// Waits (at most `seconds`) until no task of `jobs` is pending or running; returns false on timeout.
    static func waitUntilFinished(_ jobs: [String], seconds: Double) throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        let live: Set<String> = ["PENDING", "RUNNING", "CONFIGURING", "COMPLETING", "REQUEUED", "SUSPENDED"]
        while Date() < deadline {
            if try states(jobs).values.allSatisfy({ !live.contains($0) }) { return true }
            usleep(250_000)
        }
        return false
    }

    /// The job ids in `rnndyn sweep --slurm`'s "submitted …" line.
    static func submittedJobs(_ stdout: String) -> [String] {
        guard let line = stdout.split(separator: "\n").first(where: { $0.hasPrefix("submitted ") }) else { return [] }
        return line.matches(of: #/(?:array|merge) ([0-9]+)/#).map { String($0.output.1) }
    }
}

/// `rnndyn sweep --slurm` against a real one-node Slurm (Debian's slurm-wlm + munge, started by
/// scripts/slurm-local.sh): array jobs with a dependent merge give byte-identical results to a local run, and a
/// task cancelled mid-cell is completed by `--resubmit` without computing any cell twice.
@Suite(.serialized, .enabled(if: LocalSlurm.shouldRun, "Slurm absent: start a one-node cluster with scripts/slurm-local.sh start"))
struct SlurmClusterTests {
    /// Cells, then pairs (afterok), then the merge (afterok), on a sweep with a pair stage.
    @Test func arraysWithDependentPairsAndMergeMatchALocalRunByteForByte() throws {
        try #require(LocalSlurm.unavailable == nil, "CI is set but Slurm cannot be used: \(LocalSlurm.unavailable ?? "")")
        let spec = try SweepTests.spec("""
            experiment: proca2025.figA8
            overrides: {steps: 2000, record_every: 250, training_trials: 100, probe_trials: 10}
            axes: [{name: init_scale, values: [0.1, 0.3]}]
            seeds: 4
            pairs: {array: sv_Wh_early}
            """)
        let root = CLIHarness.tempDir()
        // The sweep directory's name tries to inject commands into the generated scripts.
        let onSlurm = root.appendingPathComponent("on slurm 'q' $(touch PWNED) `touch PWNED`\nline2")
        let local = root.appendingPathComponent("local")
        let (status, out, err) = try LocalSlurm.rnndyn(["sweep", spec, "--out", onSlurm.path, "--slurm", "--cells-per-task", "2",
                                                       "--time", "00:10:00", "--mem", "1G"])
        #expect(status == 0, "\(out) \(err)")
        #expect(out.contains("cells array") && out.contains("(4 tasks), pairs array") && out.contains("(6 tasks), merge"), "\(out)")
        let jobs = LocalSlurm.submittedJobs(out)
        #expect(jobs.count == 3, "\(out)")
        let finished = try LocalSlurm.waitUntilFinished(jobs, seconds: 420)
        let states = try LocalSlurm.states(jobs)
        #expect(finished, "the sweep's jobs did not finish within 7 minutes: \(states)")
        #expect(states.values.allSatisfy { $0 == "COMPLETED" } && states.count == 4 + 6 + 1, "\(states)")
        let (ls, lout, lerr) = try CLIHarness.run(["sweep", spec, "--out", local.path, "--workers", "1"])
        #expect(ls == 0, "\(lout) \(lerr)")
        for file in SweepMerge.files(try SweepDirectory.open(local)) where file != "timings.csv" {
            let a = try Data(contentsOf: onSlurm.appendingPathComponent(file)), b = try Data(contentsOf: local.appendingPathComponent(file))
            #expect(a == b, "\(file) differs between the Slurm and the local --workers 1 sweep")
        }
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("PWNED").path)
                && !FileManager.default.fileExists(atPath: onSlurm.appendingPathComponent("PWNED").path), "the directory name ran a command")
        let (ss, status1, _) = try LocalSlurm.rnndyn(["sweep", "status", onSlurm.path])
        #expect(ss == 0 && status1.contains("cells: 8 done, 0 running, 0 queued, 0 failed") && status1.contains("pairs: 12 done, 0 running")
                && status1.contains("merged: "), "\(status1)")
        // Nothing left to do: resubmitting submits nothing.
        let (rs, rout, rerr) = try LocalSlurm.rnndyn(["sweep", onSlurm.path, "--slurm", "--resubmit"])
        #expect(rs == 0 && rout.contains("nothing to submit"), "\(rout) \(rerr)")
    }

    @Test func cancelledTaskIsCompletedByResubmitWithoutComputingAnyCellTwice() throws {
        try #require(LocalSlurm.unavailable == nil, "CI is set but Slurm cannot be used: \(LocalSlurm.unavailable ?? "")")
        // Cells of about 2.5 s each (debug build; 12 000 steps took 0.1 s and the cell could finish between the start
        // event and the cancel), one per task, two at a time.
        let spec = try SweepTests.spec("""
            experiment: proca2025.figA1
            overrides: {steps: 1000000, record_every: 10000}
            axes:
              - {name: learning_rate, values: [0.01, 0.02]}
              - {name: initial_mode, values: [0.05, 0.1]}
            seeds: 2
            """)
        let dir = CLIHarness.tempDir().appendingPathComponent("cancel")
        let (status, out, err) = try LocalSlurm.rnndyn(["sweep", spec, "--out", dir.path, "--slurm", "--cells-per-task", "1", "--max-concurrent", "2"])
        #expect(status == 0, "\(out) \(err)")
        let jobs = LocalSlurm.submittedJobs(out)
        try #require(jobs.count == 2, "\(out)")
        let sweep = try SweepDirectory.open(dir)
        let log = dir.appendingPathComponent("events.log")
        func events(_ kind: String) -> [String] {
            ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: "\n").compactMap { line in
                let f = line.split(separator: " ")
                return f.count >= 5 && f[3] == kind ? String(f[4]) : nil
            }
        }
        // Wait for task 2's cell to start, then cancel that task while it computes.
        let chunks = dir.appendingPathComponent("slurm/submissions/1/cells.chunks")
        let victim = try SweepChunks.read(chunks, task: 2)[0]
        let deadline = Date().addingTimeInterval(240)
        while !events("start").contains(victim) && Date() < deadline { usleep(50_000) }
        try #require(events("start").contains(victim), "task 2 never started its cell")
        #expect(!events("done").contains(victim), "the cell finished before it could be cancelled; make it longer")
        let (cs, _, cerr) = try LocalSlurm.run("scancel", ["\(jobs[0])_2"])
        #expect(cs == 0, "\(cerr)")
        let finished = try LocalSlurm.waitUntilFinished(jobs, seconds: 420)
        let states = try LocalSlurm.states(jobs)
        #expect(finished, "jobs did not finish: \(states)")
        #expect(states["\(jobs[0])_2"] == "CANCELLED" && states[jobs[1]] != "COMPLETED", "\(states)")
        // The cancelled cell left no partial directory; status names it with its task, state and log.
        #expect(sweep.state(sweep.cells.first { $0.id == victim }!) == .pending)
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("cells/\(victim)").path), "a partial cell directory")
        let (_, report, _) = try LocalSlurm.rnndyn(["sweep", "status", dir.path])
        #expect(report.contains("cells: 7 done, 0 running, 0 queued, 1 failed"), "\(report)")
        #expect(report.contains("failed cell \(victim)") && report.contains("task \(jobs[0])_2 ended CANCELLED")
                && report.contains("log slurm/logs/cells-\(jobs[0])_2.out"), "\(report)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("sweep.csv").path), "merged with a cell missing")
        // --resubmit submits that one cell and the merge.
        let (rs, rout, rerr) = try LocalSlurm.rnndyn(["sweep", dir.path, "--slurm", "--resubmit"])
        #expect(rs == 0 && rout.contains("cells array") && rout.contains("(1 tasks)"), "\(rout) \(rerr)")
        let again = LocalSlurm.submittedJobs(rout)
        #expect(try LocalSlurm.waitUntilFinished(again, seconds: 300), "resubmitted jobs did not finish")
        #expect(try LocalSlurm.states(again).values.allSatisfy { $0 == "COMPLETED" })
        let done = events("done"), starts = events("start")
        #expect(done.count == 8 && Set(done).count == 8, "every cell done exactly once: \(done)")
        #expect(starts.count == 9 && starts.filter { $0 == victim }.count == 2, "only the cancelled cell started twice: \(starts)")
        for file in SweepMerge.files(sweep) {
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent(file).path), "\(file) missing after the merge job")
        }
    }

    /// `--requeue`: a task requeued mid-chunk (as on preemption) restarts, skips the cell it had finished and
    /// computes the rest, so no cell is computed twice.
    @Test func requeuedTaskSkipsTheCellsItFinished() throws {
        try #require(LocalSlurm.unavailable == nil, "CI is set but Slurm cannot be used: \(LocalSlurm.unavailable ?? "")")
        let spec = try SweepTests.spec("""
            experiment: proca2025.figA1
            overrides: {steps: 1000000, record_every: 10000}
            axes: [{name: learning_rate, values: [0.01, 0.02]}]
            seeds: 2
            """)
        let dir = CLIHarness.tempDir().appendingPathComponent("requeue")
        let (status, out, err) = try LocalSlurm.rnndyn(["sweep", spec, "--out", dir.path, "--slurm", "--requeue", "--cells-per-task", "2"])
        #expect(status == 0, "\(out) \(err)")
        let jobs = LocalSlurm.submittedJobs(out)
        try #require(jobs.count == 2, "\(out)")
        let script = try String(contentsOf: dir.appendingPathComponent("slurm/cells.sbatch"), encoding: .utf8)
        #expect(script.contains("#SBATCH --requeue\n"))
        let log = dir.appendingPathComponent("events.log")
        func events(_ kind: String) -> [String] {
            ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: "\n").compactMap { line in
                let f = line.split(separator: " ")
                return f.count >= 5 && f[3] == kind ? String(f[4]) : nil
            }
        }
        let chunk = try SweepChunks.read(dir.appendingPathComponent("slurm/submissions/1/cells.chunks"), task: 0)
        let deadline = Date().addingTimeInterval(240)
        while !events("start").contains(chunk[1]) && Date() < deadline { usleep(50_000) }
        try #require(events("start").contains(chunk[1]) && events("done").contains(chunk[0]), "task 0 never reached its second cell")
        #expect(!events("done").contains(chunk[1]), "the second cell finished before the requeue; make it longer")
        let (rq, _, rqErr) = try LocalSlurm.run("scontrol", ["requeue", "\(jobs[0])_0"])
        #expect(rq == 0, "\(rqErr)")
        // Slurm holds a requeued job for two minutes; release it once it is pending again, a few seconds ahead: a
        // credential issued in the same second as the revoked one is refused ("Job credential revoked", FAILED).
        let requeueDeadline = Date().addingTimeInterval(60)
        var requeued = false
        while Date() < requeueDeadline {
            let state = try LocalSlurm.states(jobs)["\(jobs[0])_0"] ?? ""
            if state == "PENDING" && !requeued {
                let (u, _, _) = try LocalSlurm.run("scontrol", ["update", "jobid=\(jobs[0])_0", "StartTime=now+3"])
                requeued = u == 0
            } else if requeued && state != "PENDING" {
                break
            }
            usleep(300_000)
        }
        #expect(requeued, "task 0 was never seen pending again after the requeue")
        let finished = try LocalSlurm.waitUntilFinished(jobs, seconds: 300)
        let states = try LocalSlurm.states(jobs)
        #expect(finished, "jobs did not finish: \(states)")
        #expect(states.values.allSatisfy { $0 == "COMPLETED" } && states.count == 3, "\(states)")
        let done = events("done"), starts = events("start")
        #expect(done.count == 4 && Set(done).count == 4, "every cell done exactly once: \(done)")
        #expect(starts.count == 5 && starts.filter { $0 == chunk[1] }.count == 2 && starts.filter { $0 == chunk[0] }.count == 1,
                "only the interrupted cell started twice: \(starts)")
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("report.html").path))
    }

    /// A study sweep (the cells of one persistent-study run) as an array job, reduced by the dependent merge job into
    /// the run directory an in-process `rnndyn run` writes, byte for byte.
    @Test func aStudySweepOnArraysReducesToTheBytesOfAnInProcessRun() throws {
        try #require(LocalSlurm.unavailable == nil, "CI is set but Slurm cannot be used: \(LocalSlurm.unavailable ?? "")")
        let root = CLIHarness.tempDir()
        let onSlurm = root.appendingPathComponent("study"), local = root.appendingPathComponent("local")
        let (status, out, err) = try LocalSlurm.rnndyn(["sweep", try StudyPersistenceTests.studySpec(), "--out", onSlurm.path, "--slurm",
                                                       "--cells-per-task", "2", "--time", "00:10:00"])
        #expect(status == 0 && out.contains("cells array") && out.contains("(3 tasks), merge"), "\(out) \(err)")
        let jobs = LocalSlurm.submittedJobs(out)
        #expect(jobs.count == 2, "\(out)")
        let finished = try LocalSlurm.waitUntilFinished(jobs, seconds: 300)
        let states = try LocalSlurm.states(jobs)
        #expect(finished && states.values.allSatisfy { $0 == "COMPLETED" } && states.count == 3 + 1, "\(states)")
        _ = try StudyPersistenceTests.runA4(local)
        let run = onSlurm.appendingPathComponent("proca2025.figA4")
        for file in ["results.npz", "figures/proca2025_figA4.svg", "figure.json", "DATA.md"] {
            #expect(try Data(contentsOf: local.appendingPathComponent(file)) == Data(contentsOf: run.appendingPathComponent(file)),
                    "\(file) differs between the Slurm study sweep and the in-process run")
        }
        let (ss, text, _) = try LocalSlurm.rnndyn(["sweep", "status", onSlurm.path])
        #expect(ss == 0 && text.contains("cells: 6 done, 0 running") && text.contains("merged: "), "\(text)")
    }
}
