import Foundation
import Testing
@testable import RNNDynamics

/// Sweeps: specs, deterministic cell ids, worker processes that resume after kill -9 without computing any cell
/// twice, and merged results that do not depend on the worker count.
@Suite(.serialized) struct SweepTests {
    static let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples/sweep-figA1.yaml")

    static func spec(_ text: String) throws -> String {
        let url = CLIHarness.tempDir().appendingPathComponent("spec.yaml")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    @Test func sha256MatchesTheStandardVectors() {
        #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(String(repeating: "a", count: 1000)) == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
        #expect(SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func canonicalJSONIsOrderFreeAndExact() {
        let a: [String: Any] = ["b": 1, "a": ["y": 0.1, "x": [true, "s", NSNull()]]]
        let b: [String: Any] = ["a": ["x": [true, "s", NSNull()], "y": 0.1], "b": 1.0]
        #expect(CanonicalJSON.text(a) == CanonicalJSON.text(b))
        #expect(CanonicalJSON.text(a) == #"{"a":{"x":[true,"s",null],"y":0.1},"b":1}"#)
        for v in [0.1, 1.0 / 3, .pi / 12, 0.012_345_678_901_234_5, 1e-300, 6.02e23, -2.5e-8] {
            #expect(Double(CanonicalJSON.text(v)) == v, "\(v) does not round-trip")
        }
    }

    @Test func specExpandsAxesAndSeedsWithStableIDs() throws {
        let spec = try SweepSpec.load(Self.example.path)
        let cells = try spec.cells(validate: true)
        #expect(cells.count == 2 * 2 * 5)
        #expect(cells[0].point == [0, 0] && cells[0].seed == 0 && cells[4].seed == 4 && cells[5].point == [0, 1])
        #expect(Set(cells.map(\.id)).count == cells.count)
        #expect(try spec.cells().map(\.id) == cells.map(\.id), "ids are a function of the spec")
        // linspace/logspace follow NumPy; the id depends on resolved parameters only, so spelling a default out
        // explicitly or reordering keys gives the same cells.
        #expect(SweepSpec.linspace(0, 1, 5) == [0, 0.25, 0.5, 0.75, 1])
        let explicit = try SweepSpec.load(try Self.spec("""
            seeds: [0, 1, 2, 3, 4]
            axes:
              - {name: learning_rate, values: [0.01, 0.02]}
              - {name: initial_mode, values: [0.05, 0.1]}
            overrides: {steps: 600, T: 7}
            experiment: proca2025.figA1
            """))
        #expect(try explicit.cells().map(\.id) == cells.map(\.id))
        let log = try SweepSpec.load(try Self.spec("""
            experiment: proca2025.figA1
            axes: [{name: learning_rate, logspace: [-3, -1, 3]}]
            """))
        #expect(log.axes[0].values == [.number(0.001), .number(0.01), .number(0.1)] && log.seeds == [0])
        let other = try SweepSpec.load(try Self.spec("""
            experiment: proca2025.figA1
            overrides: {steps: 601}
            axes:
              - {name: learning_rate, values: [0.01, 0.02]}
              - {name: initial_mode, values: [0.05, 0.1]}
            seeds: 5
            """))
        #expect(Set(try other.cells().map(\.id)).isDisjoint(with: cells.map(\.id)))
    }

    @Test(arguments: [
        ("experiment: nope\naxes: []", "sweep.experiment"),
        ("experiment: proca2025.figA1\naxes: [{name: bogus, values: [1]}]", "sweep.axes[0].name"),
        ("experiment: proca2025.figA1\naxes: [{name: T, values: []}]", "sweep.axes[0].values"),
        ("experiment: proca2025.figA1\naxes: [{name: T, linspace: [1, 2]}]", "sweep.axes[0].linspace"),
        ("experiment: proca2025.figA1\naxes: [{name: T, values: [3], linspace: [1, 2, 3]}]", "sweep.axes[0]"),
        ("experiment: proca2025.figA1\naxes: []\nseeds: [1, 1]", "sweep.seeds"),
        ("experiment: proca2025.figA1\naxes: []\nworkers: 2", "sweep.workers"),
        ("experiment: proca2025.figA1\npreset: medium\naxes: []", "sweep.preset"),
        ("experiment: proca2025.figA1\naxes: [{name: learning_rate, values: [0.01, 5]}]", "proca2025.figA1.learning_rate"),
    ])
    func badSpecsAreOneLineErrorsAndWriteNothing(text: String, key: String) throws {
        _ = try Self.expectRefused(text, key: key)
    }

    /// Runs a sweep of spec `text` and expects exit 2 with one line naming `key` and nothing written; returns the line.
    static func expectRefused(_ text: String, key: String) throws -> String {
        let out = CLIHarness.tempDir().appendingPathComponent("sweep")
        let (status, _, err) = try CLIHarness.run(["sweep", try spec(text), "--out", out.path])
        #expect(status == 2, "\(text): exit \(status), \(err)")
        #expect(err.hasPrefix("rnndyn: error: \(key):") && err.split(separator: "\n").count == 1, "\(err)")
        #expect(!FileManager.default.fileExists(atPath: out.path), "nothing is written")
        return err
    }

    @Test func everyExperimentValidatesWithoutRunning() throws {
        for e in ExperimentRegistry.all {
            try e.validate(.quick)
            try e.validate(.full)
            #expect(throws: ConfigError.self) { try e.validate(.quick, overrides: ["no_such_parameter": 1]) }
        }
    }

    /// kill -9 in the middle of a 2-worker sweep, then resume: every cell is complete, none was computed twice,
    /// and the merged files are byte-identical to an uninterrupted 1-worker run.
    @Test func killedSweepResumesAndMergesIdenticallyToOneWorker() throws {
        let spec = try Self.spec("""
            experiment: proca2025.figA1
            overrides: {steps: 4000, record_every: 50}
            axes:
              - {name: learning_rate, values: [0.01, 0.02]}
              - {name: initial_mode, values: [0.05, 0.1]}
            seeds: 3
            """)
        let root = CLIHarness.tempDir()
        let killed = root.appendingPathComponent("killed"), reference = root.appendingPathComponent("reference")
        let p = Process()
        p.executableURL = CLIHarness.binary
        p.arguments = ["sweep", spec, "--out", killed.path, "--workers", "2"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        let log = killed.appendingPathComponent("events.log")
        func events(_ kind: String) -> [String] {
            ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: "\n")
                .compactMap { line in
                    let f = line.split(separator: " ")
                    return f.count >= 5 && f[3] == kind ? String(f[4]) : nil
                }
        }
        let deadline = Date().addingTimeInterval(300)
        while events("done").count < 3 && p.isRunning && Date() < deadline { usleep(20_000) }
        #expect(p.isRunning, "the sweep finished before it could be killed")
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        usleep(300_000)   // the workers die with their parent
        let doneBefore = events("done").count
        #expect(doneBefore >= 3 && doneBefore < 12, "killed after \(doneBefore) of 12 cells")
        let (status, out, err) = try CLIHarness.run(["sweep", spec, "--out", killed.path, "--workers", "2"])
        #expect(status == 0, "\(out) \(err)")
        let done = events("done")
        #expect(done.count == 12 && Set(done).count == 12, "every cell computed exactly once: \(done.count) done events")
        // No cell started again after it was done; only cells in flight at the kill were started twice.
        let starts = events("start")
        #expect(starts.count - 12 <= 2, "\(starts.count - 12) restarts for 2 workers")
        let (s1, _, e1) = try CLIHarness.run(["sweep", spec, "--out", reference.path, "--workers", "1"])
        #expect(s1 == 0, "\(e1)")
        for file in ["sweep.csv", "sweep.npz", "DATA.md", "figures/sweep.svg", "report.html"] {
            let a = try Data(contentsOf: killed.appendingPathComponent(file)), b = try Data(contentsOf: reference.appendingPathComponent(file))
            #expect(a == b, "\(file) differs between the resumed 2-worker and the 1-worker sweep")
        }
        // Running it again computes nothing.
        let (s2, _, _) = try CLIHarness.run(["sweep", spec, "--out", reference.path, "--workers", "2"])
        #expect(s2 == 0 && events("done").count == 12)
        let (s3, status3, _) = try CLIHarness.run(["sweep", "status", reference.path])
        #expect(s3 == 0 && status3.contains("12 done, 0 pending, 0 failed"))
    }

    @Test func mergedArraysStackAlongAxesAndSeeds() throws {
        let root = CLIHarness.tempDir().appendingPathComponent("s")
        let (status, _, err) = try CLIHarness.run(["sweep", Self.example.path, "--out", root.path, "--workers", "2"])
        #expect(status == 0, "\(err)")
        let npz = try NPZ.readDictionary(from: root.appendingPathComponent("sweep.npz"))
        #expect(npz["axis_learning_rate"]?.shape == [2] && npz["seed"]?.shape == [5])
        #expect(npz["steps_to_90_orange"]?.shape == [2, 2, 5])
        let loss = try #require(npz["data_loss_sim_orange"])
        #expect(loss.shape.prefix(3) == [2, 2, 5])
        // The stacked value of cell (1, 0, seed 3) is that cell's own array.
        let spec = try SweepSpec.load(Self.example.path)
        let cell = try spec.cells().first { $0.point == [1, 0] && $0.seed == 3 }!
        let own = try NPZ.readDictionary(from: root.appendingPathComponent("cells/\(cell.id)/results.npz"))["loss_sim_orange"]!
        let n = own.shape.reduce(1, *)
        let stacked = try loss.doubles(order: .c)
        #expect(Array(stacked[(((1 * 2 + 0) * 5) + 3) * n ..< (((1 * 2 + 0) * 5) + 4) * n]) == (try own.doubles(order: .c)))
        let csv = try String(contentsOf: root.appendingPathComponent("sweep.csv"), encoding: .utf8)
        #expect(csv.split(separator: "\n").count == 21 && !csv.contains("wall_time"))
        let svg = try String(contentsOf: root.appendingPathComponent("figures/sweep.svg"), encoding: .utf8)
        #expect(svg.contains("class=\"band\""))
    }

    @Test func divergedCellsKeepTheirStateExitThreeAndAreNotRetried() throws {
        // learning_rate 0.1 passes validation, but GD diverges inside the run: that cell diverges (exit 3, its last
        // good state kept), the other completes, and merge waits.
        let spec = try Self.spec("""
            experiment: proca2025.fig3
            overrides: {steps: 2000, record_every: 1000}
            axes: [{name: learning_rate, values: [0.01, 0.1]}]
            """)
        let root = CLIHarness.tempDir().appendingPathComponent("f")
        let (status, _, err) = try CLIHarness.run(["sweep", spec, "--out", root.path])
        #expect(status == 3 && err.contains("1 cells diverged"), "\(err)")
        let (_, out, _) = try CLIHarness.run(["sweep", "status", root.path])
        #expect(out.contains("1 done, 0 pending, 0 failed, 1 diverged") && out.contains("learning_rate=0.1")
                && out.contains("diverged at step"), "\(out)")
        let dir = try SweepDirectory.open(root)
        let diverged = try #require(dir.cells.first { if case .diverged = dir.state($0) { true } else { false } })
        #expect(FileManager.default.fileExists(atPath: dir.cellURL(diverged).appendingPathComponent("diverged.npz").path))
        // Running again computes nothing: the same seed would diverge again.
        let starts = { (try String(contentsOf: dir.eventsURL, encoding: .utf8)).components(separatedBy: "start ").count }
        let before = try starts()
        let (again, _, _) = try CLIHarness.run(["sweep", spec, "--out", root.path])
        let after = try starts()
        #expect(again == 3 && after == before)
        let (m, _, mergeErr) = try CLIHarness.run(["sweep", "merge", root.path])
        #expect(m == 2 && mergeErr.contains("1 of 2 cells are not complete"))
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("sweep.csv").path))
    }
}
