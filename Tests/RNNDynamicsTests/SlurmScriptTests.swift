import Foundation
import Testing
@testable import RNNDynamics

/// `rnndyn sweep --slurm` without a cluster: shell quoting that no value escapes, the generated scripts run by
/// bash on a hostile directory name, option checking, and chunk files.
@Suite(.serialized) struct SlurmScriptTests {
    /// Values an attacker (or an unlucky user) could put in a path or spec value.
    static let hostile = ["plain", "with space", "it's", #"double "quoted""#, "$(touch PWNED)", "`touch PWNED`", "a\nb",
                          "back\\slash", "${HOME}", "semi; touch PWNED", "tab\there", "", "-dash", "*glob?", "ünïcødé", "%A_%a"]

    @Test func shellWordsStayOneLiteralWord() throws {
        let dir = CLIHarness.tempDir()
        for v in Self.hostile {
            // bash receives the quoted word and prints it back; it must come back verbatim and run nothing.
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/bash")
            p.arguments = ["-c", "printf '%s' " + ShellWord.quote(v)]
            p.currentDirectoryURL = dir
            let out = Pipe()
            p.standardOutput = out
            try p.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            #expect(String(decoding: data, as: UTF8.self) == v, "\(v.debugDescription) came back altered")
        }
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("PWNED").path), "a quoted value ran a command")
        #expect(ShellWord.quote("a'b") == #"'a'\''b'"#)
        #expect(!ShellWord.comment("x\ny\u{2028}z").contains("\n") && !ShellWord.comment("x\ny\u{2028}z").contains("\u{2028}"))
    }

    /// A sweep directory whose name holds spaces, quotes, `$( )`, backticks and a newline: the dry run writes
    /// scripts that bash parses, and running the cells script as Slurm would (task 0, its chunk file) computes
    /// exactly that chunk and runs nothing else.
    @Test func scriptsRunFromAHostileDirectoryName() throws {
        let root = CLIHarness.tempDir()
        let out = root.appendingPathComponent("sw 'q' \"d\" $(touch PWNED) `touch PWNED`\nline2")
        let spec = try SweepTests.spec("""
            experiment: proca2025.figA1
            overrides: {steps: 60, record_every: 10}
            axes: [{name: learning_rate, values: [0.01, 0.02]}]
            seeds: 2
            """)
        let (status, stdout, err) = try CLIHarness.run(["sweep", spec, "--out", out.path, "--slurm", "--dry-run", "--cells-per-task", "3",
                                                        "--time", "00:05:00", "--sbatch-arg=--comment=a b $(x)"])
        #expect(status == 0, "\(err)")
        #expect(stdout.contains("would submit cells array of 2 tasks (4 cells, up to 3 per task)"), "\(stdout)")
        #expect(stdout.contains("merge=$(sbatch --parsable --dependency=afterok:"))
        #expect(stdout.contains("'--comment=a b $(x)'"), "an sbatch argument is one quoted word: \(stdout)")
        let slurm = out.appendingPathComponent("slurm")
        for name in ["cells.sbatch", "merge.sbatch"] {
            let script = try String(contentsOf: slurm.appendingPathComponent(name), encoding: .utf8)
            #expect(script.hasPrefix("#!/bin/bash\n#SBATCH --job-name=rnndyn-"))
            #expect(script.contains("#SBATCH --time=00:05:00") && !script.contains("--comment"), "sbatch args stay off the script")
            #expect(script.contains("# - Shared filesystem:") && script.contains("#   sweep directory: ") && script.contains("\\nline2"))
            let (syntax, _, syntaxErr) = try Self.bash(["-n", slurm.appendingPathComponent(name).path], in: root)
            #expect(syntax == 0, "bash -n \(name): \(syntaxErr)")
        }
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("slurm/submissions/1/submission.json").path), "a dry run records no submission")
        // Run task 0 the way a Slurm array task would (no Slurm needed for this step).
        let (ran, _, ranErr) = try Self.bash([slurm.appendingPathComponent("cells.sbatch").path, "slurm/submissions/1/cells.chunks"],
                                             in: root, environment: ["SLURM_ARRAY_TASK_ID": "0", "SLURM_CPUS_PER_TASK": "2"])
        #expect(ran == 0, "\(ranErr)")
        let dir = try SweepDirectory.open(out)
        let chunk = try SweepChunks.read(out.appendingPathComponent("slurm/submissions/1/cells.chunks"), task: 0)
        #expect(chunk.count == 3)
        for cell in dir.cells { #expect((dir.state(cell) == .done) == chunk.contains(cell.id), "cell \(cell.id)") }
        for place in [root, out, root.appendingPathComponent("sw 'q' \"d\" ")] {
            #expect(!FileManager.default.fileExists(atPath: place.appendingPathComponent("PWNED").path), "the directory name ran a command")
        }
        #expect(!FileManager.default.fileExists(atPath: FileManager.default.currentDirectoryPath + "/PWNED"))
        // Task 1 has the last cell; task 2 does not exist.
        let (bad, _, badErr) = try Self.bash([slurm.appendingPathComponent("cells.sbatch").path, "slurm/submissions/1/cells.chunks"],
                                             in: root, environment: ["SLURM_ARRAY_TASK_ID": "2"])
        #expect(bad == 2 && badErr.contains("--task: 2 is out of range (allowed: 0…1"), "\(badErr)")
    }

    @Test(arguments: [
        (["--time", "1:00\nrm -rf x"], "--time"), (["--time", "soon"], "--time"), (["--partition", "a b"], "--partition"),
        (["--partition", "gpu;x"], "--partition"), (["--mem", "4X"], "--mem"), (["--account", "$(x)"], "--account"),
        (["--cpus-per-task", "0"], "--cpus-per-task"), (["--cells-per-task", "0"], "--cells-per-task"),
        (["--max-concurrent", "0"], "--max-concurrent"), (["--sbatch-arg", "a\nb"], "--sbatch-arg"),
        (["--workers", "2"], "--workers"),
    ])
    func badSlurmOptionsAreOneLineExitTwo(_ extra: [String], _ key: String) throws {
        let out = CLIHarness.tempDir().appendingPathComponent("s")
        let (status, _, err) = try CLIHarness.run(["sweep", SweepTests.example.path, "--out", out.path, "--slurm", "--dry-run"] + extra)
        #expect(status == 2, "\(extra): \(err)")
        #expect(err.hasPrefix("rnndyn: error: \(key): ") && err.split(separator: "\n").count == 1, "\(err)")
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("slurm").path), "nothing submitted or scripted")
    }

    @Test func slurmOptionsNeedSlurm() throws {
        let out = CLIHarness.tempDir().appendingPathComponent("s")
        let (status, _, err) = try CLIHarness.run(["sweep", SweepTests.example.path, "--out", out.path, "--partition", "debug"])
        #expect(status == 2 && err.contains("--partition: needs --slurm"), "\(err)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test func chunksSplitInOrderAndReadBackByLine() throws {
        let ids = (0..<7).map { "id\($0)" }
        let chunks = SweepChunks.split(ids, size: 3)
        #expect(chunks == [["id0", "id1", "id2"], ["id3", "id4", "id5"], ["id6"]])
        let url = CLIHarness.tempDir().appendingPathComponent("c.chunks")
        try SweepChunks.text(chunks).write(to: url, atomically: true, encoding: .utf8)
        for (k, c) in chunks.enumerated() { #expect(try SweepChunks.read(url, task: k) == c) }
        #expect(throws: ConfigError.self) { try SweepChunks.read(url, task: 3) }
        #expect(throws: ConfigError.self) { try SweepChunks.read(url, task: -1) }
    }

    @Test func queueLinesParseIntoTasks() {
        let text = "12|0|RUNNING|None\n12|3|PENDING|Resources\n13|N/A|PENDING|Dependency\n99|1|RUNNING|None\n"
        let entries = SlurmQueue.parse(text, jobs: ["12", "13"])
        #expect(entries.count == 3)
        #expect(entries[0] == .init(job: "12", task: 0, state: "RUNNING", reason: ""))
        #expect(entries[1].reason == "Resources" && entries[1].isLive && entries[2].task == nil)
        let acct = SlurmQueue.parseAccounting("12_4|CANCELLED by 0|0:15\n12_5|COMPLETED|0:0\n", jobs: ["12"])
        #expect(acct.map(\.state) == ["CANCELLED", "COMPLETED"] && acct[0].task == 4 && !acct[0].isLive)
    }

    /// (status, stdout, stderr) of bash with `args`.
    static func bash(_ args: [String], in dir: URL, environment: [String: String] = [:]) throws -> (Int32, String, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = args
        p.currentDirectoryURL = dir
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
}
