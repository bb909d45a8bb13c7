import DataIO
import ExperimentKit
import Foundation

/// Runs a sweep on Slurm: an array job over chunks of the pending cells, for sweeps with a pair stage a second array
/// over chunks of pairs that starts when every cell task succeeded (`afterok`), and a merge job after both. Slurm
/// does all scheduling; rnndyn only writes the scripts and the chunk files and calls `sbatch`.
public enum SlurmSweep {
    /// One `sbatch` call of a plan.
    public struct Call: Sendable {
        /// `cells`, `pairs` or `merge` (also the shell variable the dry run stores the job id in).
        public let name: String
        /// The arguments after `sbatch --parsable`, without the dependency.
        public let arguments: [String]
        /// Calls of this plan it depends on with `afterok`.
        public let afterOK: [String]
        /// Earlier jobs still queued that it waits for with `afterany`.
        public let afterAny: [String]
    }

    /// What a submission will do.
    public struct Plan: Sendable {
        /// The submission's number.
        public let number: Int
        /// The arrays (ids per task), cells first; empty stages are left out.
        public let arrays: [(stage: SweepStage, chunks: [[String]])]
        /// Ids left out because tasks of earlier submissions that are still queued or running hold them.
        public let queuedElsewhere: Int
        /// The calls, in order.
        public let calls: [Call]
        /// The scripts' writer.
        public let scripts: SlurmScripts

        /// The calls as a shell snippet that submits them (what `--dry-run` prints).
        public var shell: String {
            calls.map { call in
                var deps = call.afterOK.map { "afterok:\"${\($0)%%;*}\"" }
                deps += call.afterAny.map { "afterany:\($0)" }
                let dep = deps.isEmpty ? "" : " --dependency=" + deps.joined(separator: ",") + " --kill-on-invalid-dep=yes"
                return "\(call.name)=$(sbatch --parsable\(dep) \(ShellWord.line(call.arguments)))"
            }.joined(separator: "\n")
        }
    }

    /// Ids of `stage` that still need work, in sweep order.
    public static func pending(_ dir: SweepDirectory, _ stage: SweepStage) -> [String] {
        switch stage {
        case .cells: return dir.cells.filter { dir.state($0).needsWork }.map(\.id)
        case .pairs: return dir.pairs.filter { dir.pairState($0).needsWork }.map(\.id)
        }
    }

    /// The stages `dir` has: cells, and pairs when its spec declares them.
    public static func stages(_ dir: SweepDirectory) -> [SweepStage] {
        dir.pairs.isEmpty ? [.cells] : [.cells, .pairs]
    }

    /// Whether every stage is complete and the merged files are in place.
    public static func isMerged(_ dir: SweepDirectory) -> Bool {
        stages(dir).allSatisfy { pending(dir, $0).isEmpty }
            && SweepMerge.files(dir).allSatisfy { FileManager.default.fileExists(atPath: dir.url.appendingPathComponent($0).path) }
    }

    /// Plans a submission of everything in `dir` not complete, leaving out what live tasks of earlier submissions
    /// (per `queue`) will compute; writes the scripts and chunk files (so a dry run leaves runnable scripts).
    public static func plan(_ dir: SweepDirectory, options: SlurmOptions, executable: URL, queue: SlurmQueue?,
                            maxArraySize: Int) throws -> Plan {
        try options.validate()
        let earlier = SlurmSubmission.all(dir)
        var held = Set<String>(), liveJobs = Set<String>()
        if let queue {
            for s in earlier {
                for a in s.arrays {
                    guard let job = a.job else { continue }
                    for t in 0..<a.tasks where queue.entry(job: job, task: t)?.isLive == true {
                        held.formUnion(s.ids(a, task: t, in: dir))
                        liveJobs.insert(job)
                    }
                }
            }
        }
        var arrays: [(stage: SweepStage, chunks: [[String]])] = []
        var queuedElsewhere = 0
        for stage in stages(dir) {
            let ids = pending(dir, stage)
            let mine = ids.filter { !held.contains($0) }
            queuedElsewhere += ids.count - mine.count
            guard !mine.isEmpty else { continue }
            let size: Int
            if let given = options.cellsPerTask {
                size = given
                let tasks = (mine.count + size - 1) / size
                guard tasks <= maxArraySize else {
                    throw ConfigError(key: "--cells-per-task", "\(size) makes \(tasks) array tasks for \(mine.count) \(stage.rawValue) (allowed: at most the cluster's MaxArraySize, \(maxArraySize) tasks: \((mine.count + maxArraySize - 1) / maxArraySize) or more per task)")
                }
            } else {
                size = max(1, (mine.count + maxArraySize - 1) / maxArraySize)
            }
            arrays.append((stage, SweepChunks.split(mine, size: size)))
        }
        let number = (earlier.map(\.number).max() ?? 0) + 1
        let scripts = SlurmScripts(sweep: dir.url.standardizedFileURL, executable: executable, experiment: dir.spec.experiment, options: options)
        let folder = dir.url.appendingPathComponent(SlurmScripts.folder)
        let subURL = SlurmSubmission.url(dir, number: number)
        try FileManager.default.createDirectory(at: subURL, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: dir.url.appendingPathComponent(SlurmScripts.logs), withIntermediateDirectories: true)
        var calls: [Call] = []
        let common = ["--chdir=\(scripts.sweep.path)"] + options.extra
        var previous: String?
        for (stage, chunks) in arrays {
            let script = folder.appendingPathComponent("\(stage.rawValue).sbatch")
            try AtomicFile.write(scripts.array(stage), to: script)
            let chunkFile = subURL.appendingPathComponent("\(stage.rawValue).chunks")
            try AtomicFile.write(SweepChunks.text(chunks), to: chunkFile)
            let range = "0-\(chunks.count - 1)" + (options.maxConcurrent.map { "%\($0)" } ?? "")
            calls.append(Call(name: stage.rawValue, arguments: common + ["--array=\(range)", script.path, relative(chunkFile, to: dir)],
                              afterOK: previous.map { [$0] } ?? [], afterAny: []))
            previous = stage.rawValue
        }
        if !arrays.isEmpty || queuedElsewhere > 0 || !isMerged(dir) {
            let script = folder.appendingPathComponent("merge.sbatch")
            try AtomicFile.write(scripts.merge, to: script)
            calls.append(Call(name: "merge", arguments: common + [script.path], afterOK: previous.map { [$0] } ?? [],
                              afterAny: liveJobs.sorted()))
        }
        return Plan(number: number, arrays: arrays, queuedElsewhere: queuedElsewhere, calls: calls, scripts: scripts)
    }

    /// Submits `plan` with `sbatch` from the sweep directory and records it; if a later call is refused, the jobs
    /// this plan already submitted are cancelled and the error names the refused call.
    public static func submit(_ plan: Plan, in dir: SweepDirectory) throws -> SlurmSubmission {
        var ids: [String: String] = [:]
        for call in plan.calls {
            var deps = call.afterOK.compactMap { ids[$0] }.map { "afterok:\($0)" }
            deps += call.afterAny.map { "afterany:\($0)" }
            let args = ["--parsable"] + (deps.isEmpty ? [] : ["--dependency=" + deps.joined(separator: ","), "--kill-on-invalid-dep=yes"]) + call.arguments
            let out: SlurmTools.Output
            do { out = try SlurmTools.run("sbatch", args, in: dir.url) } catch {
                cancel(Array(ids.values)); throw error
            }
            let id = out.stdout.split(separator: "\n").first.map { String($0.split(separator: ";").first ?? "") } ?? ""
            guard out.status == 0, !id.isEmpty, id.allSatisfy(\.isNumber) else {
                cancel(Array(ids.values))
                throw SlurmError("sbatch refused the \(call.name) job (exit \(out.status)): \(out.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
            }
            ids[call.name] = id
        }
        let sub = SlurmSubmission(
            number: plan.number,
            arrays: plan.arrays.map { a in
                SlurmSubmission.Array(stage: a.stage, job: ids[a.stage.rawValue],
                                      chunks: relative(SlurmSubmission.url(dir, number: plan.number).appendingPathComponent("\(a.stage.rawValue).chunks"), to: dir),
                                      tasks: a.chunks.count)
            },
            merge: ids["merge"], options: plan.scripts.options, executable: plan.scripts.executable.path,
            submittedAt: Timestamp.now())
        try sub.save(dir)
        dir.log("slurm submission \(plan.number): " + plan.calls.map { "\($0.name)=\(ids[$0.name] ?? "?")" }.joined(separator: " "))
        return sub
    }

    /// Cancels jobs this process submitted (after a refused submission).
    static func cancel(_ jobs: [String]) {
        guard !jobs.isEmpty else { return }
        _ = try? SlurmTools.run("scancel", jobs)
    }

    /// `url`'s path relative to the sweep directory.
    static func relative(_ url: URL, to dir: SweepDirectory) -> String {
        let base = dir.url.standardizedFileURL.path + "/"
        let path = url.standardizedFileURL.path
        return path.hasPrefix(base) ? String(path.dropFirst(base.count)) : path
    }
}
