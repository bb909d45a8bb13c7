import Foundation
import Testing
@testable import ExperimentKit
@testable import Proca2025
@testable import RNNDynamics

/// Persistent studies: cells stored exactly, an interrupted run resumed from its stored cells with the same bytes,
/// cells invalidated by other parameters or seeds, a study sweep on worker processes giving the bytes of an
/// in-process run, the estimate, and bad input.
@Suite(.serialized) struct StudyPersistenceTests {
    /// Fig. A4 with 3 lengths × 2 scales × 1 draw × 2 kinds = 6 cells of well under a second.
    static var small: [String: Any] { ["T_values": [1, 2, 4], "init_scales": [0.1, 0.5], "draws": 1, "max_steps": 4000,
                                       "learning_rate": 0.05, "samples": 17] }
    static var sets: [String] { ["--set", "T_values=[1,2,4]", "--set", "init_scales=[0.1,0.5]", "--set", "draws=1", "--set", "max_steps=4000",
                                 "--set", "learning_rate=0.05", "--set", "samples=17"] }

    /// The spec of a study sweep of the small Fig. A4.
    static func studySpec(seed: Int = 0) throws -> String {
        try SweepTests.spec("""
            experiment: proca2025.figA4
            study: true
            overrides: {T_values: [1, 2, 4], init_scales: [0.1, 0.5], draws: 1, max_steps: 4000, learning_rate: 0.05, samples: 17}
            seeds: [\(seed)]
            """)
    }

    /// `rnndyn run proca2025.figA4` (small) into `dir`; returns stdout.
    static func runA4(_ dir: URL, _ extra: [String] = []) throws -> String {
        let (status, out, err) = try CLIHarness.run(["run", "proca2025.figA4"] + sets + ["--out", dir.path, "--threads", "2"] + extra)
        #expect(status == 0, "\(out) \(err)")
        return out
    }

    static func inode(_ url: URL) -> Int? { (try? FileManager.default.attributesOfItem(atPath: url.path))?[.systemFileNumber] as? Int }

    @Test func cellArraysRoundTripExactly() throws {
        let odd = [0.1, 1.0 / 3, -0.0, .nan, .infinity, -.infinity, 4.9e-324, .pi, 1e300, Double(bitPattern: 0x7ff8_0000_dead_beef)]
        let outcomes = odd.indices.map { i in
            KernelMovementOutcome(distance: odd[i], distanceSpread: odd[(i + 1) % odd.count], relativeLoss: odd[(i + 2) % odd.count],
                                  steps: 12_345 * i, weightChange: [odd[(i + 3) % odd.count], odd[(i + 4) % odd.count], odd[(i + 5) % odd.count]],
                                  diverged: i % 2, stalled: i % 3, unfinished: 1 - i % 2)
        }
        let encoded = try KernelMovementOutcome.encode(outcomes)
        let (arrays, key) = try StudyCellArrays.read(npz: try encoded.npz(key: "{\"k\":\"é ✓\"}"), source: "test")
        #expect(key == "{\"k\":\"é ✓\"}" && arrays == encoded)
        let decoded = try KernelMovementOutcome.decode(arrays, count: outcomes.count)
        for (a, b) in zip(decoded, outcomes) {
            #expect(a.distance.bitPattern == b.distance.bitPattern && a.distanceSpread.bitPattern == b.distanceSpread.bitPattern
                    && a.relativeLoss.bitPattern == b.relativeLoss.bitPattern && a.steps == b.steps && a.diverged == b.diverged
                    && a.stalled == b.stalled && a.unfinished == b.unfinished
                    && a.weightChange.map(\.bitPattern) == b.weightChange.map(\.bitPattern))
        }
        #expect(throws: StudyCellError.self) { try KernelMovementOutcome.decode(arrays, count: outcomes.count + 1) }
        // A store returns a file only under its own key: another key is stale.
        let store = StudyCellFolder(folder: CLIHarness.tempDir().appendingPathComponent("cells"), naming: .cellName)
        let cell = StudyCell(index: 0, name: "aligned-T1-draw0")
        try store.save(encoded, cell: cell, key: "a")
        #expect(try store.load(cell, key: "a") == encoded)
        #expect(try store.load(cell, key: "b") == nil)
    }

    /// Any cell name is one file inside the store's folder: '/', '..', a leading '.', '%' and non-ASCII are encoded
    /// (a '/' once made a Huang cell's file a missing subdirectory), distinct names stay distinct, plain names keep
    /// their text, and each stored cell reads back.
    @Test func anyCellNameIsOneFileInsideTheFolder() throws {
        let folder = CLIHarness.tempDir().appendingPathComponent("cells")
        let store = StudyCellFolder(folder: folder, naming: .cellName)
        let names = ["flip_flop/channels-1/seed-0", "..", ".hidden", "a%2Fb", "a/b", "é", "T4-scale0.1-draw1", ""]
        let arrays = try KernelMovementOutcome.encode([KernelMovementOutcome(distance: 1, distanceSpread: 0, relativeLoss: 0.5, steps: 3,
                                                                            weightChange: [1, 2, 3], diverged: 0, stalled: 0, unfinished: 0)])
        for (i, name) in names.enumerated() { try store.save(arrays, cell: StudyCell(index: i, name: name), key: "k\(i)") }
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".npz") }
        #expect(files.count == names.count && files.allSatisfy { !$0.hasPrefix(".") && !$0.contains("/") }, "\(files.sorted())")
        #expect(StudyCellFolder.fileStem("T4-scale0.1-draw1") == "T4-scale0.1-draw1" && StudyCellFolder.fileStem("a/b") == "a%2Fb"
                && StudyCellFolder.fileStem("a%2Fb") == "a%252Fb" && StudyCellFolder.fileStem("..") == "%2E." && StudyCellFolder.fileStem("") == "%")
        for (i, name) in names.enumerated() { #expect(try store.load(StudyCell(index: i, name: name), key: "k\(i)") == arrays, "\(name)") }
    }

    @Test func anInterruptedRunResumesFromItsCellsWithTheSameBytes() throws {
        let root = CLIHarness.tempDir()
        let whole = root.appendingPathComponent("whole"), resumed = root.appendingPathComponent("resumed")
        _ = try Self.runA4(whole)
        let names = try FileManager.default.contentsOfDirectory(atPath: whole.appendingPathComponent("cells").path).filter { $0.hasSuffix(".npz") }.sorted()
        #expect(names.count == 6, "\(names)")
        // An interruption after four cells: only the cell store is there (two cells missing, one of them half-written
        // as a leftover temp file that nothing reads).
        let cells = resumed.appendingPathComponent("cells")
        try FileManager.default.createDirectory(at: cells, withIntermediateDirectories: true)
        for name in names.prefix(4) + [".rnndyn-cells"] {
            try FileManager.default.copyItem(at: whole.appendingPathComponent("cells").appendingPathComponent(name), to: cells.appendingPathComponent(name))
        }
        try Data("partial".utf8).write(to: cells.appendingPathComponent(".\(names[4]).tmp-1"))
        let kept = names.prefix(4).map { Self.inode(cells.appendingPathComponent($0)) }
        let out = try Self.runA4(resumed)
        #expect(out.contains("replacing the interrupted run") && !out.contains("kept"), "\(out)")
        #expect(names.prefix(4).map { Self.inode(cells.appendingPathComponent($0)) } == kept, "finished cells were recomputed")
        for file in ["results.npz", "figures/proca2025_figA4.svg", "figure.json", "DATA.md"] {
            #expect(try Data(contentsOf: whole.appendingPathComponent(file)) == Data(contentsOf: resumed.appendingPathComponent(file)), "\(file) differs")
        }
        // Another seed (or parameter) changes every key: each cell is recomputed over its stale file.
        let reference = try Data(contentsOf: resumed.appendingPathComponent("results.npz"))
        _ = try Self.runA4(resumed, ["--force", "--seed", "1"])
        #expect(names.prefix(4).allSatisfy { Self.inode(cells.appendingPathComponent($0)) != kept[names.firstIndex(of: $0)!] })
        #expect(try Data(contentsOf: resumed.appendingPathComponent("results.npz")) != reference)
        // And back to seed 0 from the store of seed 1: the same bytes as the uninterrupted run.
        _ = try Self.runA4(resumed, ["--force"])
        #expect(try Data(contentsOf: resumed.appendingPathComponent("results.npz")) == reference)
    }

    @Test func aStudySweepOnTwoWorkersGivesTheBytesOfAnInProcessRun() throws {
        let root = CLIHarness.tempDir()
        let local = root.appendingPathComponent("local"), sweep = root.appendingPathComponent("sweep")
        _ = try Self.runA4(local)
        let (status, out, err) = try CLIHarness.run(["sweep", try Self.studySpec(), "--out", sweep.path, "--workers", "2"])
        #expect(status == 0 && out.contains("6 done") && out.contains("reduced the study's cells"), "\(out) \(err)")
        let run = sweep.appendingPathComponent("proca2025.figA4")
        for file in ["results.npz", "figures/proca2025_figA4.svg", "figure.json", "DATA.md"] {
            #expect(try Data(contentsOf: local.appendingPathComponent(file)) == Data(contentsOf: run.appendingPathComponent(file)), "\(file) differs")
        }
        let events = try String(contentsOf: sweep.appendingPathComponent("events.log"), encoding: .utf8)
        let done = events.split(separator: "\n").compactMap { $0.firstMatch(of: #/pid=([0-9]+) done ([0-9a-f]+)/#)?.output }
        #expect(done.count == 6 && Set(done.map(\.2)).count == 6 && (1...2).contains(Set(done.map(\.1)).count),
                "worker processes computed each cell once: \(events)")
        // Resuming a finished study sweep computes nothing and reduces again to the same bytes; the report rebuilds.
        let (s2, out2, _) = try CLIHarness.run(["sweep", try Self.studySpec(), "--out", sweep.path, "--workers", "2"])
        #expect(s2 == 0 && out2.contains("6 done"), "\(out2)")
        #expect(try String(contentsOf: sweep.appendingPathComponent("events.log"), encoding: .utf8) == events)
        #expect(try Data(contentsOf: local.appendingPathComponent("results.npz")) == Data(contentsOf: run.appendingPathComponent("results.npz")))
        let (rs, rout, rerr) = try CLIHarness.run(["report", sweep.path])
        #expect(rs == 0 && rout.contains("redrew 1 figure"), "\(rout) \(rerr)")
        // A merge never computes: with a cell missing it fails, naming the count.
        try FileManager.default.removeItem(at: sweep.appendingPathComponent("cells").appendingPathComponent(
            try FileManager.default.contentsOfDirectory(atPath: sweep.appendingPathComponent("cells").path).first { $0.hasSuffix(".npz") }!))
        let (ms, _, merr) = try CLIHarness.run(["sweep", "merge", sweep.path])
        #expect(ms == 2 && merr.contains("1 of 6 cells are not complete"), "\(merr)")
    }

    @Test func theEstimateCountsCellsAndTimesAProbe() throws {
        let estimate = try ProcaFigA4().estimate(.quick, overrides: Self.small)
        #expect(estimate.cells == 6 && estimate.cpuSeconds > 0 && estimate.cpuSeconds < 60, "\(estimate)")
        #expect(estimate.basis.contains("aligned-T1-draw0 and unaligned-T4-draw0"), "\(estimate.basis)")
        let (status, out, err) = try CLIHarness.run(["run", "proca2025.figA4", "--estimate"] + Self.sets)
        #expect(status == 0, "\(err)")
        let hours = try #require(out.firstMatch(of: #/: 6 cells, ([0-9.e+-]+) CPU-hours \(([0-9.e+-]+) CPU-s/#), "\(out)")
        #expect(abs(Double(hours.output.1)! * 3600 - Double(hours.output.2)!) <= 0.02 * Double(hours.output.2)! + 1e-3, "\(out)")
        let (rs, rout, rerr) = try CLIHarness.run(["reproduce", "proca2025", "--estimate", "--only", "figA1,figA4", "--out", CLIHarness.tempDir().path + "/none"])
        #expect(rs == 0 && rout.contains("proca2025.figA1 (quick): 1 run, not estimated") && rout.contains("proca2025.figA4 (quick): 16 cells")
                && rout.contains("total (quick): 16 cells in 1 study"), "\(rout) \(rerr)")
    }

    @Test(arguments: [
        (["run", "proca2025.figA4", "--estimate", "--print-config"], "--estimate"),
        (["run", "proca2025.figA4", "--estimate", "--out", "/tmp/x"], "--estimate"),
        (["run", "proca2025.figA4", "--estimate", "--set", "draws=0"], "proca2025.figA4.draws"),
        (["reproduce", "proca2025", "--estimate", "--force"], "--estimate"),
        (["reproduce", "proca2025", "--estimate", "--only", "nope"], "--only"),
        (["run", "proca2025.figA4", "--probe-epochs", "4"], "--probe-epochs: needs --estimate"),
        (["run", "huang2025.fig3", "--estimate", "--probe-epochs", "0"], "--probe-epochs: 0 is out of range (allowed: 1…100000)"),
        (["reproduce", "huang2025", "--probe-epochs", "4"], "--probe-epochs: needs --estimate"),
    ])
    func badEstimateInputIsOneLineExit2(args: [String], key: String) throws {
        let (status, out, err) = try CLIHarness.run(args)
        #expect(status == 2 && out.isEmpty, "\(out) \(err)")
        #expect(err.hasPrefix("rnndyn: error: \(key)") && err.split(separator: "\n").count == 1, "\(err)")
    }

    @Test(arguments: [
        ("experiment: proca2025.figA4\nstudy: true\naxes: [{name: draws, values: [1, 2]}]", "sweep.axes"),
        ("experiment: proca2025.figA4\nstudy: true\nseeds: 2", "sweep.seeds"),
        ("experiment: proca2025.figA4\nstudy: yes please", "sweep.study"),
        ("experiment: proca2025.figA1\nstudy: true", "sweep.study"),
        ("experiment: proca2025.figA4\nstudy: true\noverrides: {draws: 0}", "proca2025.figA4.draws"),
    ])
    func badStudySweepSpecsAreOneLineExit2(text: String, key: String) throws {
        let out = CLIHarness.tempDir().appendingPathComponent("sweep")
        let (status, stdout, err) = try CLIHarness.run(["sweep", try SweepTests.spec(text), "--out", out.path])
        #expect(status == 2, "\(stdout) \(err)")
        #expect(err.hasPrefix("rnndyn: error: \(key)") && err.split(separator: "\n").count == 1, "\(err)")
        #expect(!FileManager.default.fileExists(atPath: out.path), "a rejected spec wrote \(out.path)")
    }
}
