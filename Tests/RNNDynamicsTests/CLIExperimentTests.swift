import Foundation
import Testing
@testable import RNNDynamics

@Suite(.serialized) struct CLIExperimentTests {
    @Test func listShowsEveryRegisteredExperiment() throws {
        let (status, out, _) = try CLIHarness.run(["list"])
        #expect(status == 0)
        for e in ExperimentRegistry.all { #expect(out.contains(e.id) && out.contains(e.paperFigure)) }
    }

    @Test func runWritesDataFigureAndChecks() throws {
        let dir = CLIHarness.tempDir().appendingPathComponent("a1")
        let (status, out, err) = try CLIHarness.run(["run", "proca2025.figA1", "--set", "steps=400", "--out", dir.path])
        #expect(status == 0, "stderr: \(err)")
        #expect(out.contains("holds:"))
        let arrays = try NPZ.readDictionary(from: dir.appendingPathComponent("results.npz"))
        #expect(arrays["b_sim_orange"]?.shape == [81])   // 400 steps recorded every 5, plus step 0
        let svg = try String(contentsOf: dir.appendingPathComponent("figures/proca2025_figA1.svg"), encoding: .utf8)
        #expect(svg.hasPrefix("<svg") || svg.hasPrefix("<?xml"))
        let doc = try String(contentsOf: dir.appendingPathComponent("DATA.md"), encoding: .utf8)
        #expect(doc.contains("`b_sim_orange`"))
        let config = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("config.json"))) as! [String: Any]
        #expect((config["parameters"] as? [String: Any])?["steps"] as? Int == 400)
        #expect((config["checks"] as? [[String: Any]])?.first?["holds"] as? Bool == true)
    }

    @Test(arguments: [
        (["run", "proca2025.nope"], "experiment:"),
        (["run", "proca2025.figA1", "--set", "stepz=3"], "proca2025.figA1.stepz:"),
        (["run", "proca2025.figA1", "--set", "steps=many"], "proca2025.figA1.steps:"),
        (["run", "proca2025.figA1", "--set", "learning_rate=-1"], "proca2025.figA1.learning_rate:"),
        (["run", "proca2025.figA1", "--quick", "--full"], "--full:"),
        (["run", "proca2025.figA1", "--out", "/proc/rnndyn-cannot-write"], "--out:"),
    ])
    func badInputGivesOneLineAndStatus2(args: [String], key: String) throws {
        var a = args
        if !a.contains("--out") { a += ["--out", CLIHarness.tempDir().appendingPathComponent("x").path] }
        let (status, _, err) = try CLIHarness.run(a)
        #expect(status == 2, "stderr: \(err)")
        #expect(err.split(separator: "\n").count == 1 && err.contains(key), "stderr: \(err)")
    }
}
