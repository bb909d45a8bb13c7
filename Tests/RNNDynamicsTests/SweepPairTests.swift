import Foundation
import Testing
@testable import RNNDynamics

/// Sweep pair stages: the distances, the spec key, pairs computed by worker processes from the cells' results,
/// merged identically for any worker count, and the sweep's report.html.
@Suite(.serialized) struct SweepPairTests {
    /// A small Fig. A8 sweep (seeds differ: unaligned random initialisation), 2 points × 3 seeds.
    static let smallSpec = """
        experiment: proca2025.figA8
        overrides: {steps: 1000, record_every: 250, training_trials: 100, probe_trials: 10}
        axes: [{name: init_scale, values: [0.1, 0.3]}]
        seeds: 3
        pairs: {array: sv_Wh_early}
        """

    @Test func distancesMatchHandComputedValues() {
        // A = [1, 2, 2] (‖A‖ = 3), B = [2, 0, 1] (‖B‖ = √5): A − B = [−1, 2, 1], ‖A − B‖ = √6, ⟨A, B⟩ = 4.
        let a = [1.0, 2, 2], b = [2.0, 0, 1]
        func close(_ x: Double, _ y: Double) -> Bool { abs(x - y) <= 4e-16 * abs(y) }
        let frobenius = 6.0.squareRoot(), relative = 6.0.squareRoot() / (3 * 5.0.squareRoot()).squareRoot()
        let cosine = 1 - 4 / (3 * 5.0.squareRoot())
        #expect(close(ArrayDistance.Metric.frobenius(a, b), frobenius))
        #expect(close(ArrayDistance.Metric.relativeFrobenius(a, b), relative))
        #expect(close(ArrayDistance.Metric.cosineDistance(a, b), cosine))
        // The values tell the formulas from their near relatives: relative to ‖A‖ alone (0.816…), to the larger
        // norm, or to the sum of norms; cosine similarity instead of distance (0.596…).
        for wrong in [frobenius / 3, frobenius / 5.0.squareRoot(), frobenius / (3 + 5.0.squareRoot())] {
            #expect(!close(ArrayDistance.relativeFrobenius(a, b), wrong))
        }
        #expect(abs(relative - 0.945_741_609_003_176) < 1e-14 && abs(cosine - 0.403_715_206_000_056) < 1e-14)
        #expect(!close(ArrayDistance.cosineDistance(a, b), 1 - cosine))
        // Symmetric; relative and cosine distances ignore a common scale; edge cases as documented.
        for m in ArrayDistance.Metric.allCases { #expect(m(a, b) == m(b, a) && m(a, a) == 0, "\(m)") }
        #expect(close(ArrayDistance.relativeFrobenius(a.map { $0 * 7 }, b.map { $0 * 7 }), relative))
        #expect(close(ArrayDistance.cosineDistance(a.map { $0 * 7 }, b.map { $0 * 7 }), cosine))
        #expect(ArrayDistance.relativeFrobenius([0, 0], [0, 0]) == 0 && ArrayDistance.relativeFrobenius([0, 0], [1, 0]) == .infinity)
        #expect(ArrayDistance.cosineDistance([0, 0], [1, 0]).isNaN && ArrayDistance.cosineDistance([1, 0], [-2, 0]) == 2)
    }

    @Test(arguments: [
        ("pairs: {array: \"\"}\nseeds: 3", "sweep.pairs.array"),
        ("pairs: {metrics: [frobenius]}\nseeds: 3", "sweep.pairs.array"),
        ("pairs: {array: sv_Wh_early, metrics: [frobenius, euclid]}\nseeds: 3", "sweep.pairs.metrics[1]"),
        ("pairs: {array: sv_Wh_early, metrics: []}\nseeds: 3", "sweep.pairs.metrics"),
        ("pairs: {array: sv_Wh_early, metrics: [frobenius, frobenius]}\nseeds: 3", "sweep.pairs.metrics"),
        ("pairs: {array: sv_Wh_early, order: 2}\nseeds: 3", "sweep.pairs.order"),
        ("pairs: {array: sv_Wh_early}", "sweep.pairs"),
        ("pairs: [sv_Wh_early]\nseeds: 3", "sweep.pairs"),
    ])
    func badPairSpecsAreOneLineErrorsAndWriteNothing(text: String, key: String) throws {
        let err = try SweepTests.expectRefused("experiment: proca2025.figA8\naxes: []\n" + text, key: key)
        if key.hasPrefix("sweep.pairs.metrics[") {
            #expect(err.contains("frobenius, relative_frobenius, cosine_distance"), "names the allowed metrics: \(err)")
        }
    }

    @Test func pairsAreOrderedWithStableIDsAndOnlyInPlansThatHaveThem() throws {
        let spec = try SweepSpec.load(try SweepTests.spec(Self.smallSpec))
        let cells = try spec.cells()
        let pairs = spec.pairs(of: cells)
        #expect(pairs.count == 2 * 3 && pairs.map(\.index) == Array(0..<6))
        #expect(pairs.map { [$0.point[0], $0.seedIndices.a, $0.seedIndices.b] } == [[0, 0, 1], [0, 0, 2], [0, 1, 2], [1, 0, 1], [1, 0, 2], [1, 1, 2]])
        #expect(pairs[5].cellIDs.a == cells[4].id && pairs[5].cellIDs.b == cells[5].id)
        let key = CanonicalJSON.text(["cells": [cells[0].id, cells[1].id], "array": "sv_Wh_early",
                                      "metrics": ["frobenius", "relative_frobenius", "cosine_distance"]] as [String: Any])
        #expect(pairs[0].id == String(SHA256.hex(key).prefix(16)) && Set(pairs.map(\.id)).count == 6)
        // Another metric list is another pair; a spec without pairs keeps its plan exactly as before.
        let one = try SweepSpec.load(try SweepTests.spec(Self.smallSpec.replacingOccurrences(of: "{array: sv_Wh_early}", with: "{array: sv_Wh_early, metrics: [frobenius]}")))
        #expect(one.pairs(of: cells)[0].id != pairs[0].id)
        let plain = try SweepSpec.load(SweepTests.example.path)
        let dir = SweepDirectory(url: URL(fileURLWithPath: "/nonexistent"), spec: plain, cells: try plain.cells())
        #expect(dir.pairs.isEmpty && !dir.planText.contains("pairs"))
        #expect(SweepDirectory(url: dir.url, spec: spec, cells: cells).planText.contains(#""pairs":{"array":"sv_Wh_early","count":6"#))
    }

    /// The full path through the CLI: cells, then pairs in 2 worker processes, merged; every stored distance is the
    /// metric recomputed from the two cells' results.npz, exactly, and everything merged equals a 1-worker run.
    @Test func pairStageMatchesRecomputedDistancesAndIsWorkerCountFree() throws {
        let spec = try SweepTests.spec(Self.smallSpec)
        let root = CLIHarness.tempDir()
        let two = root.appendingPathComponent("two"), one = root.appendingPathComponent("one")
        let (status, out, err) = try CLIHarness.run(["sweep", spec, "--out", two.path, "--workers", "2"])
        #expect(status == 0, "\(out) \(err)")
        #expect(out.contains("pairs: 6 done, 0 pending, 0 failed of 6"), "\(out)")
        let dir = try SweepDirectory.open(two)
        let seeds = 3, points = 2
        #expect(dir.pairs.count == points * seeds * (seeds - 1) / 2)
        let metrics = ArrayDistance.Metric.allCases
        let csv = try String(contentsOf: two.appendingPathComponent("pairs.csv"), encoding: .utf8).split(separator: "\n")
        #expect(csv.first == "pair,init_scale,seed_a,seed_b,cell_a,cell_b,frobenius,relative_frobenius,cosine_distance")
        #expect(csv.count == 1 + dir.pairs.count)
        let npz = try NPZ.readDictionary(from: two.appendingPathComponent("sweep.npz"))
        func array(_ cell: SweepCell) throws -> [Double] {
            try NPZ.readDictionary(from: dir.cellURL(cell).appendingPathComponent("results.npz"))["sv_Wh_early"]!.doubles(order: .c)
        }
        for (k, pair) in dir.pairs.enumerated() {
            let (a, b) = (try array(pair.a), try array(pair.b))
            let expected = metrics.map { $0(a, b) }
            #expect(expected.allSatisfy { $0 > 1e-4 && $0.isFinite }, "seeds differ: \(expected)")
            #expect(dir.pairValues(pair) == expected, "pairs/\(pair.id).json")
            let row = csv[k + 1].split(separator: ",").map(String.init)
            #expect(row[0] == pair.id && row[4] == pair.a.id && row[5] == pair.b.id)
            #expect(row.suffix(3).map { Double($0)! } == expected, "pairs.csv row \(k) is exact")
        }
        // pair_<metric>: [point, seed, seed], symmetric with a zero diagonal, holding the pairs; the mean over pairs.
        for (m, metric) in metrics.enumerated() {
            let matrix = try #require(npz["pair_\(metric.rawValue)"]), mean = try #require(npz["pair_\(metric.rawValue)_mean"])
            #expect(matrix.shape == [points, seeds, seeds] && mean.shape == [points])
            let v = try matrix.doubles(order: .c), means = try mean.doubles(order: .c)
            for p in 0..<points {
                for i in 0..<seeds {
                    #expect(v[(p * seeds + i) * seeds + i] == 0)
                    for j in 0..<seeds { #expect(v[(p * seeds + i) * seeds + j] == v[(p * seeds + j) * seeds + i]) }
                }
                let own = dir.pairs.filter { $0.point == [p] }.map { dir.pairValues($0)![m] }
                for (pair, value) in zip(dir.pairs.filter { $0.point == [p] }, own) {
                    #expect(v[(p * seeds + pair.seedIndices.a) * seeds + pair.seedIndices.b] == value)
                }
                #expect(means[p] == own.reduce(0, +) / Double(own.count))
            }
        }
        let report = try String(contentsOf: two.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(report.components(separatedBy: "<svg ").count == 3, "both figures inline")
        #expect(report.contains("href=\"pairs.csv\"") && report.contains("href=\"sweep.npz\"") && report.contains("<td class=\"number\">"))
        #expect(report.contains("Written by rnndyn") && !report.contains(two.path))
        let (s1, _, e1) = try CLIHarness.run(["sweep", spec, "--out", one.path, "--workers", "1"])
        #expect(s1 == 0, "\(e1)")
        for file in ["pairs.csv", "sweep.npz", "sweep.csv", "DATA.md", "report.html", "figures/sweep.svg", "figures/pairs.svg"] {
            let x = try Data(contentsOf: two.appendingPathComponent(file)), y = try Data(contentsOf: one.appendingPathComponent(file))
            #expect(x == y, "\(file) differs between the 2-worker and the 1-worker sweep")
        }
        let (s2, status2, _) = try CLIHarness.run(["sweep", "status", one.path])
        #expect(s2 == 0 && status2.contains("pairs: 6 done, 0 pending, 0 failed of 6"))
    }

    /// A pair whose array is missing fails with a message naming the array and the cell; the sweep exits 1 and
    /// does not merge.
    @Test func pairOfAMissingArrayFailsWithOneLine() throws {
        let spec = try SweepTests.spec(Self.smallSpec.replacingOccurrences(of: "sv_Wh_early", with: "no_such_array")
            .replacingOccurrences(of: "values: [0.1, 0.3]", with: "values: [0.1]").replacingOccurrences(of: "seeds: 3", with: "seeds: 2"))
        let root = CLIHarness.tempDir().appendingPathComponent("p")
        let (status, _, err) = try CLIHarness.run(["sweep", spec, "--out", root.path])
        #expect(status == 1 && err.contains("1 pairs did not complete"), "\(err)")
        let (_, out, _) = try CLIHarness.run(["sweep", "status", root.path])
        #expect(out.contains("pairs: 0 done, 0 pending, 1 failed of 1") && out.contains("'no_such_array' is not an array of cell")
                && out.contains("sv_Wh_early"), "\(out)")
        let (m, _, mergeErr) = try CLIHarness.run(["sweep", "merge", root.path])
        #expect(m == 2 && mergeErr.contains("1 of 1 pairs are not complete"), "\(mergeErr)")
    }

    /// A pair one of whose cells diverged fails naming that cell; pairs of done cells are computed; `only`
    /// restricts a worker to the ids given.
    @Test func pairOfADivergedCellNamesTheCell() throws {
        let spec = try SweepTests.spec("""
            experiment: proca2025.fig3
            overrides: {steps: 2000, record_every: 1000}
            axes: [{name: learning_rate, values: [0.01, 0.1]}]
            seeds: 2
            pairs: {array: constant_sim_b, metrics: [frobenius]}
            """)
        let root = CLIHarness.tempDir().appendingPathComponent("d")
        let dir = try SweepDirectory.create(spec: spec, at: root)
        let first = SweepWorker.run(dir, only: [dir.cells[0].id])
        #expect(first.computed == 1 && SweepRunner.counts(dir).done == 1, "only the cell named")
        let (status, _, err) = try CLIHarness.run(["sweep", spec, "--out", root.path])
        #expect(status == 3, "\(err)")
        #expect(SweepRunner.counts(dir).pairsPending == 2, "pairs wait until every cell is done")
        var heard: [String: SweepDirectory.PairState] = [:]
        let summary = SweepWorker.runPairs(dir) { heard[$0.id] = $1 }
        #expect(summary.computed == 1 && summary.failed == 1)
        let failed = try #require(dir.pairs.first { $0.point == [1] })
        guard case .failed(let message)? = heard[failed.id] else { Issue.record("\(heard)"); return }
        #expect(message.contains("cell \(failed.a.id) (learning_rate=0.1 seed=0) diverged, so the pair cannot be compared"), "\(message)")
        #expect(dir.pairState(failed) == .failed(message + "\n") && dir.pairState(dir.pairs[0]) == .done)
        #expect(SweepWorker.runPairs(dir, only: [dir.pairs[0].id]).computed == 0, "a done pair is not computed again")
    }
}
