import Foundation
import Testing
@testable import RNNDynamics

/// Issue 11, bug 3 (`--force` replaces only what rnndyn wrote) and the lock against two writers of one directory.
@Suite(.serialized) struct OutputSafetyTests {
    /// A directory with the user's own file, folder, and a file in a `figures/` folder of theirs.
    static func userDirectory() throws -> URL {
        let dir = CLIHarness.tempDir().appendingPathComponent("mine")
        let fm = FileManager.default
        try fm.createDirectory(at: dir.appendingPathComponent("sub"), withIntermediateDirectories: true)
        try fm.createDirectory(at: dir.appendingPathComponent("figures"), withIntermediateDirectories: true)
        try Data("notes".utf8).write(to: dir.appendingPathComponent("notes.txt"))
        try Data("data".utf8).write(to: dir.appendingPathComponent("sub/data.csv"))
        try Data("<svg/>".utf8).write(to: dir.appendingPathComponent("figures/own.svg"))
        return dir
    }

    static func expectUserFilesIntact(_ dir: URL) throws {
        #expect(try String(contentsOf: dir.appendingPathComponent("notes.txt"), encoding: .utf8) == "notes")
        #expect(try String(contentsOf: dir.appendingPathComponent("sub/data.csv"), encoding: .utf8) == "data")
        #expect(try String(contentsOf: dir.appendingPathComponent("figures/own.svg"), encoding: .utf8) == "<svg/>")
    }

    @Test func trainForceKeepsTheUsersFilesAndReplacesItsOwn() throws {
        let dir = try Self.userDirectory()
        let (refused, _, refusedErr) = try CLIHarness.run(["train", "--out", dir.path])
        #expect(refused == 2 && refusedErr.contains("--out"), "stderr: \(refusedErr)")
        let config = dir.deletingLastPathComponent().appendingPathComponent("short.json")
        try Data(#"{"data": {"type": "sv_task", "singular_values": [[1, 1]], "nx": 2, "ny": 2}, "training": {"steps": 30}}"#.utf8).write(to: config)
        for steps in [30, 6000] {
            let args = ["train", "--out", dir.path, "--force"] + (steps == 30 ? ["--config", config.path] : [])
            let (status, out, err) = try CLIHarness.run(args)
            #expect(status == 0, "stderr: \(err)")
            #expect(out.contains("kept 3 entries rnndyn did not write"), "stdout: \(out)")
            try Self.expectUserFilesIntact(dir)
            let loss = try NPZ.readDictionary(from: dir.appendingPathComponent("results.npz"))["loss"]
            #expect(loss?.shape == [steps + 1])
        }
        let listed = try #require(try WrittenFiles.read(dir))
        #expect(listed.contains("loss.csv") && listed.contains("figures/train.svg"))
        #expect(!listed.contains("notes.txt") && !listed.contains("figures/") && !listed.contains("sub/"))
    }

    @Test func runForceKeepsTheUsersFilesAndRefusesToOverwriteOne() throws {
        let dir = try Self.userDirectory()
        for _ in 0..<2 {
            let (status, out, err) = try CLIHarness.run(["run", "proca2025.figA1", "--set", "steps=400", "--out", dir.path, "--force"])
            #expect(status == 0 || status == 4, "stderr: \(err)")
            #expect(out.contains("kept 3 entries rnndyn did not write"), "stdout: \(out)")
            try Self.expectUserFilesIntact(dir)
            if case .complete = RunDirectoryState.inspect(dir) {} else { Issue.record("no complete run in \(dir.path)") }
        }
        // A file of the user's where the run writes one of its own: refused, nothing touched.
        let clash = try Self.userDirectory()
        try Data("my own data doc".utf8).write(to: clash.appendingPathComponent("DATA.md"))
        let (status, _, err) = try CLIHarness.run(["run", "proca2025.figA1", "--out", clash.path, "--force"])
        #expect(status == 2 && err.contains("DATA.md") && err.contains("was not written by rnndyn"), "stderr: \(err)")
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: clash.path)) == ["DATA.md", "notes.txt", "sub", "figures"])
        #expect(throws: ConfigError.self) { try OutputLocation.requireNoCollisions(clash) }
    }

    @Test func stagedReplaceKeepsForeignFilesAndReplacesLegacyRunFiles() throws {
        let root = CLIHarness.tempDir(), final = root.appendingPathComponent("out")
        let fm = FileManager.default
        // A run directory from before manifests: its config.json names an rnndyn version.
        try fm.createDirectory(at: final.appendingPathComponent("figures"), withIntermediateDirectories: true)
        try Data(#"{"rnndyn_version": "0.1"}"#.utf8).write(to: final.appendingPathComponent("config.json"))
        try Data("old".utf8).write(to: final.appendingPathComponent("results.npz"))
        try Data("old".utf8).write(to: final.appendingPathComponent("figures/old.svg"))
        try Data("keep".utf8).write(to: final.appendingPathComponent("thesis.tex"))
        #expect(WrittenFiles.foreign(in: final) == ["thesis.tex"])
        let stage = try StagedDirectory(final: final)
        try stage.write(Data("new".utf8), to: "results.npz")
        try stage.write(Data("{}".utf8), to: "config.json")
        try stage.commit(replace: true)
        #expect(Set(try fm.contentsOfDirectory(atPath: final.path)) == ["results.npz", "config.json", "thesis.tex", WrittenFiles.manifest])
        #expect(try String(contentsOf: final.appendingPathComponent("results.npz"), encoding: .utf8) == "new")
        #expect(try fm.contentsOfDirectory(atPath: root.path) == ["out"], "no staging or replaced files left")
        #expect(try WrittenFiles.read(final) == ["results.npz", "config.json", WrittenFiles.manifest])
        // A directory rnndyn knows nothing of: a new file may not land on one of its files.
        let mine = root.appendingPathComponent("mine")
        try fm.createDirectory(at: mine, withIntermediateDirectories: true)
        try Data("mine".utf8).write(to: mine.appendingPathComponent("a.txt"))
        let clash = try StagedDirectory(final: mine)
        try clash.write(Data("x".utf8), to: "a.txt")
        #expect(throws: DataIOError.self) { try clash.commit(replace: true) }
        try clash.discard()
        #expect(try String(contentsOf: mine.appendingPathComponent("a.txt"), encoding: .utf8) == "mine")
    }

    @Test func reproduceForceRefusesToOverwriteAFileOfTheUsers() throws {
        let out = CLIHarness.tempDir(), run = out.appendingPathComponent("proca2025.figA1")
        try FileManager.default.createDirectory(at: run, withIntermediateDirectories: true)
        try Data("mine".utf8).write(to: run.appendingPathComponent("results.npz"))
        #expect(throws: ConfigError.self) {
            try Reproduction.plan(paper: "proca2025", preset: .quick, seed: 0, out: out, only: ["figA1"], force: true)
        }
    }

    @Test func theSummaryNeverOverwritesAReportOrMetricsFileOfTheUsers() throws {
        for name in ["report.html", "metrics.csv"] {
            let out = CLIHarness.tempDir()
            try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
            try Data("mine".utf8).write(to: out.appendingPathComponent(name))
            let (status, _, err) = try CLIHarness.run(["reproduce", "proca2025", "--quick", "--only", "figA2", "--out", out.path])
            #expect(status == 2 && err.contains(name) && err.contains("not written by rnndyn"), "stderr: \(err)")
            #expect(try String(contentsOf: out.appendingPathComponent(name), encoding: .utf8) == "mine")
            #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("proca2025.figA2").path))
        }
        // rnndyn's own summaries are recognised and rewritten: a second reproduction into the same place succeeds.
        let out = CLIHarness.tempDir()
        for _ in 0..<2 {
            let (status, _, err) = try CLIHarness.run(["reproduce", "proca2025", "--quick", "--only", "figA2", "--out", out.path])
            #expect(status == 0, "stderr: \(err)")
        }
    }

    @Test func aSecondWriterOfTheSameDirectoryIsRefusedUntilTheFirstEnds() throws {
        let root = CLIHarness.tempDir(), out = root.appendingPathComponent("shared")
        let config = root.appendingPathComponent("long.json")
        try Data(#"{"data": {"type": "sv_task", "singular_values": [[1, 1]], "nx": 2, "ny": 2}, "training": {"steps": 100000000, "learning_rate": 0.001}}"#.utf8).write(to: config)
        let first = Process()
        first.executableURL = CLIHarness.binary
        first.arguments = ["train", "--config", config.path, "--out", out.path]
        first.standardOutput = FileHandle.nullDevice
        first.standardError = FileHandle.nullDevice
        try first.run()
        // SIGKILL: a process spawned from the test runner inherits its blocked signals, SIGTERM among them.
        defer { if first.isRunning { kill(first.processIdentifier, SIGKILL) } }
        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: out.path) && Date() < deadline { usleep(50_000) }
        usleep(200_000)
        let (status, _, err) = try CLIHarness.run(["train", "--out", out.path])
        #expect(status == 2, "stderr: \(err)")
        #expect(err.contains("is in use by another rnndyn process (pid \(first.processIdentifier))"), "stderr: \(err)")
        #expect(err.split(separator: "\n").count == 1)
        // A killed holder leaves no lock behind.
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        let (after, _, afterErr) = try CLIHarness.run(["train", "--out", out.path])
        #expect(after == 0, "stderr: \(afterErr)")
    }

    @Test func theLockIsExclusiveAndRemovesTheDirectoryItCreatedWhenUnused() throws {
        let dir = CLIHarness.tempDir().appendingPathComponent("locked")
        let lock = try DirectoryLock(dir)
        #expect(FileManager.default.fileExists(atPath: dir.path))
        #expect(throws: DirectoryLock.Failure.inUse(holder: getpid())) { _ = try DirectoryLock(dir) }
        lock.release()
        #expect(!FileManager.default.fileExists(atPath: dir.path))
        let again = try DirectoryLock(dir)
        again.release()
    }
}
