import Foundation
import Testing
@testable import RNNDynamics

/// Configuration overrides and files, run-directory states, provenance and the HTML report's pieces.
@Suite struct RunDirectoryTests {
    @Test func dottedAssignmentsMergeIntoNestedDefaultsAndUnknownKeysAreNamed() throws {
        var overrides = ParameterOverrides()
        try overrides.assign("training.steps=7")
        try overrides.assign("training.optimizer=adam")
        try overrides.assign("tags=[1, 2]")
        let defaults: [String: Any] = ["training": ["steps": 5, "learning_rate": 0.1], "tags": [0]]
        let reader = ConfigReader(object: ParameterOverrides.deepMerge(defaults, overrides.tree), path: "x")
        let training = try reader.object("training")
        #expect(try training.int("steps") == 7 && training.double("learning_rate") == 0.1)
        #expect(try reader.doubles("tags") == [1, 2])
        #expect(throws: ConfigError(key: "x.training.optimizer", "unknown key (allowed here: learning_rate, steps)")) { try reader.finish() }
        #expect(throws: ConfigError.self) { try overrides.assign("a..b=1") }
        #expect(throws: ConfigError.self) { try overrides.assign("novalue") }
        var typed = ParameterOverrides()
        try typed.assign("training.steps=\"ten\"")
        let bad = ConfigReader(object: ParameterOverrides.deepMerge(defaults, typed.tree), path: "x")
        #expect(throws: ConfigError(key: "x.training.steps", "expected an integer in 1…100, got the string \"ten\"")) {
            _ = try bad.object("training").int("steps", in: 1...100)
        }
    }

    @Test func yamlAndJSONFilesGiveTheSameObject() throws {
        let dir = CLIHarness.tempDir()
        let yaml = dir.appendingPathComponent("c.yaml"), json = dir.appendingPathComponent("c.json")
        try Data("""
        model:
          hidden: 6        # width
          output: final
        data: {type: sv_task, singular_values: [[0.5, 1.0e-3]]}
        flag: true
        name: "007"
        """.utf8).write(to: yaml)
        try Data(#"{"model": {"hidden": 6, "output": "final"}, "data": {"type": "sv_task", "singular_values": [[0.5, 0.001]]}, "flag": true, "name": "007"}"#.utf8).write(to: json)
        let a = try ConfigFile.load(yaml.path), b = try ConfigFile.load(json.path)
        #expect(JSONValues.equal(a, b))
        #expect(!JSONValues.equal(a, ParameterOverrides.deepMerge(b, ["flag": 1])), "booleans are not numbers")
        try Data("- 1\n- 2\n".utf8).write(to: yaml)
        #expect(throws: ConfigError.self) { try ConfigFile.load(yaml.path) }
        try Data("x: .nan\n".utf8).write(to: yaml)
        #expect(throws: ConfigError.self) { try ConfigFile.load(yaml.path) }
    }

    @Test func gitCommitIsReadFromRepositoryFilesAndLinkedWorktrees() throws {
        let root = CLIHarness.tempDir()
        let fm = FileManager.default
        let sha = String(repeating: "ab", count: 20), packed = String(repeating: "cd", count: 20)
        let git = root.appendingPathComponent("repo/.git")
        try fm.createDirectory(at: git.appendingPathComponent("refs/heads"), withIntermediateDirectories: true)
        try Data("ref: refs/heads/main\n".utf8).write(to: git.appendingPathComponent("HEAD"))
        try Data("\(sha)\n".utf8).write(to: git.appendingPathComponent("refs/heads/main"))
        try Data("# pack-refs\n\(packed) refs/heads/feature\n".utf8).write(to: git.appendingPathComponent("packed-refs"))
        let nested = root.appendingPathComponent("repo/.build/release")
        try fm.createDirectory(at: nested, withIntermediateDirectories: true)
        #expect(GitCommit.find(from: nested) == sha)
        // A linked worktree: `.git` is a file naming its git directory, whose `commondir` leads to the refs.
        let wtGit = git.appendingPathComponent("worktrees/wt")
        try fm.createDirectory(at: wtGit, withIntermediateDirectories: true)
        try Data("ref: refs/heads/feature\n".utf8).write(to: wtGit.appendingPathComponent("HEAD"))
        try Data("../..\n".utf8).write(to: wtGit.appendingPathComponent("commondir"))
        let wt = root.appendingPathComponent("wt")
        try fm.createDirectory(at: wt, withIntermediateDirectories: true)
        try Data("gitdir: \(wtGit.path)\n".utf8).write(to: wt.appendingPathComponent(".git"))
        #expect(GitCommit.find(from: wt) == packed)
        try Data("\(sha)\n".utf8).write(to: wtGit.appendingPathComponent("HEAD"))   // detached
        #expect(GitCommit.find(from: wt) == sha)
        #expect(GitCommit.find(from: URL(fileURLWithPath: "/proc")) == nil)
    }

    @Test func directoryStatesTellCompleteInterruptedAndForeignApart() throws {
        let dir = CLIHarness.tempDir()
        let run = dir.appendingPathComponent("run")
        if case .absent = RunDirectoryState.inspect(run) {} else { Issue.record("missing directory is not absent") }
        let e = try #require(ExperimentRegistry.experiment("proca2025.figA1"))
        BLAS.setThreads(2)   // as when OPENBLAS_NUM_THREADS is unset on a 2-core machine
        try ExperimentJob.run(e, preset: .quick, overrides: ParameterOverrides(["steps": 100]), seed: 0, to: run, replace: false)
        #expect(BLAS.threads == 1, "experiments parallelise across runs, so OpenBLAS must run one thread")
        guard case .complete(let record) = RunDirectoryState.inspect(run) else { Issue.record("run is not complete"); return }
        #expect(record.experiment == e.id && record.checks.count == 1)
        #expect(try OutputLocation.admitRun(run, force: true))
        #expect(throws: ConfigError.self) { try OutputLocation.admitRun(run, force: false) }
        try FileManager.default.removeItem(at: run.appendingPathComponent(RunFiles.metrics))
        if case .incomplete = RunDirectoryState.inspect(run) {} else { Issue.record("a run missing a file is not incomplete") }
        #expect(try OutputLocation.admitRun(run, force: false))
        let foreign = dir.appendingPathComponent("foreign")
        try FileManager.default.createDirectory(at: foreign, withIntermediateDirectories: true)
        try Data().write(to: foreign.appendingPathComponent("thesis.tex"))
        if case .foreign = RunDirectoryState.inspect(foreign) {} else { Issue.record("foreign files not recognised") }
        // Leftovers of a dead process are removed; a live process's staging directory is kept.
        let dead = dir.appendingPathComponent("run.partial-2147483646-1"), live = dir.appendingPathComponent("run.partial-\(getpid())-1")
        for d in [dead, live] { try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true) }
        #expect(StagedDirectory.removeStale(besides: run) == [dead.path])
        #expect(FileManager.default.fileExists(atPath: live.path))
    }

    @Test func reportEscapesTextAndShowsFailingChecks() throws {
        let record = RunRecord(experiment: "p.x", paperFigure: "Someone 2024, Fig. <1>", summary: "a < b & \"c\"", preset: .quick,
                               seed: 1, parameters: ["k": "<script>", "nested": ["n": 2]], overrides: [:],
                               provenance: Provenance(version: "v", gitCommit: "c"), startedAt: "t", wallTimeSeconds: 1.5,
                               checks: [ClaimCheck(claim: "x > y", holds: false, evidence: "1 < 2")], theoryError: 0.00123,
                               complete: true)
        let svg = "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"><defs><clipPath id=\"clip-p1\"/></defs><g clip-path=\"url(#clip-p1)\"/></svg>"
        let entry = ReportEntry(record: record, svg: svg, link: "p.x", files: ["results.npz"])
        let html = ReportPage(entries: [entry, entry], generatedAt: "now", builtBy: record.provenance).html()
        #expect(!html.contains("<script>") && html.contains("&lt;script&gt;") && html.contains("a &lt; b &amp; &quot;c&quot;"))
        #expect(html.contains("Fig. &lt;1&gt;") && html.contains("badge fails") && html.contains("0/1"))
        #expect(html.contains("1.23e-03") && html.contains("nested.n") && html.contains("href=\"p.x/results.npz\""))
        #expect(html.contains("id=\"p-x-clip-p1\"") && html.contains("url(#p-x-clip-p1)") && !html.contains("<?xml"))
    }

    @Test func figureLayoutsRoundTripThroughJSON() throws {
        let figure = FigureSpec(title: "t", columns: 2, panels: [
            Panel(title: "a", xLabel: "x", yLabel: "y", yScale: .log,
                  content: .lines([Series("s", x: "x", y: "y", yRow: 1, style: .theory, group: 2)])),
            Panel(title: "b", xLabel: "x", yLabel: "y", content: .heatmap(x: "x", y: "y", z: "z", colorLabel: "c")),
            Panel(title: "c", xLabel: "Re", yLabel: "Im",
                  content: .complexPlane([Series("d", x: "re", y: "im", style: .simulation, group: 0)], unitCircle: true)),
        ])
        let data = try JSONIO.encode(figure)
        #expect(try JSONIO.decode(FigureSpec.self, from: data) == figure)
        #expect(String(decoding: data, as: UTF8.self).contains("\"kind\" : \"complex_plane\""))
    }
}
