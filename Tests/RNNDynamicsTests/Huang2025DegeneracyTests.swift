import Foundation
import Testing
@testable import Huang2025
@testable import RNNDynamics

/// Huang et al. 2025's degeneracy study: a tiny Fig. 3 end to end, bit-identical on 1 and 2 threads, and every
/// trend, dissociation, null and convergence check failing on synthetic data that contradict it.
@Suite struct Huang2025DegeneracyTests {
    /// Flip-flop only, 1 and 2 bits, 3 seeds of 8 units on 10-step trials, a loose threshold every run meets.
    static var tiny: [String: Any] { [
        "flip_flop_levels": [1, 2], "delayed_discrimination_levels": [Double](), "sine_wave_levels": [Double](),
        "path_integration_levels": [Double](), "flip_flop_trial_length": 10, "flip_flop_threshold": 2.0,
        "seeds": 3, "width": 8, "batch_size": 8, "steps_per_epoch": 5, "patience_epochs": 1, "max_steps": 40,
        "eval_trials": 8, "probe_trials": 6, "probe_steps": 10, "kernel_trials": 1, "dsa_rank": 4, "dsa_iters": 100,
        "bootstrap_resamples": 50,
    ] }

    @Test func aTinyFig3TrainsComparesAndChecks() throws {
        let (result, parameters) = try HuangFig3().run(.quick, overrides: Self.tiny, seed: 2, threads: 2)
        #expect(parameters["width"] as? Int == 8)
        let data = result.dataset
        #expect(data["flip_flop_level"]?.values == [1, 2])
        #expect(data["flip_flop_trained"]?.values == [3, 3])
        #expect(data["flip_flop_converged"]?.values == [3, 3], "a threshold of 2 is met after the patience epoch")
        #expect(data["flip_flop_stopped_threshold"]?.values == [3, 3])
        #expect(data["delayed_discrimination_level"] == nil, "a task with no levels is left out")
        for k in 0..<2 {
            let dsa = try #require(data["flip_flop_dsa_L\(k)"])
            #expect(dsa.shape == [3, 3] && dsa.values.allSatisfy { $0.isFinite && $0 >= 0 })
            #expect(dsa.values[1] > 0 && dsa.values[0] == 0, "distinct seeds differ, the diagonal is 0")
            #expect(data["flip_flop_pif_L\(k)"]?.values.filter { $0 > 0 }.count == 6)
            #expect(data["flip_flop_wh_L\(k)"]?.shape == [3, 8, 8])
            #expect(data["flip_flop_dsa_null_L\(k)"]?.values.count == 3)
            #expect(data["flip_flop_mds_L\(k)_x"]?.values.count == 3)
        }
        let changes = try #require(data["flip_flop_net_weight_change"]).values
        #expect(changes.count == 6 && changes.allSatisfy { $0 > 0 })
        let alignment = try #require(data["flip_flop_net_kernel_alignment"]).values
        #expect(alignment.allSatisfy { $0 > 0 && $0 <= 1 + 1e-12 })
        #expect(data["flip_flop_ood_sigma"]?.values.allSatisfy { $0.isFinite && $0 >= 0 } == true)
        // One convergence check, five trends, the dissociation and the null.
        #expect(result.checks.count == 8)
        #expect(result.checks.filter { $0.kind == .selfConsistency }.allSatisfy { $0.holds })
        #expect(Set(result.figure.arrayNames).isSubset(of: Set(data.arrays.map(\.name))))
        #expect(result.figure.panels.count == 6)
    }

    @Test func theDatasetIsBitIdenticalOnOneAndTwoThreads() throws {
        let (one, _) = try HuangFig3().run(.quick, overrides: Self.tiny, seed: 5, threads: 1)
        let (two, _) = try HuangFig3().run(.quick, overrides: Self.tiny, seed: 5, threads: 2)
        let bytes = (try NPZ.encode(ExperimentOutput.arrays(one.dataset)), try NPZ.encode(ExperimentOutput.arrays(two.dataset)))
        #expect(bytes.0 == bytes.1)
        #expect(one.checks == two.checks)
    }

    @Test func badParametersAreOneLineErrorsAtTheirKey() throws {
        func key(_ overrides: [String: Any]) -> String? {
            do { try HuangFig3().validate(.quick, overrides: overrides); return nil } catch let e as ConfigError { return e.key } catch { return "other" }
        }
        #expect(key(["flip_flop_levels": [2]]) == "huang2025.fig3.flip_flop_levels")
        #expect(key(["path_integration_levels": [2, 4]]) == "huang2025.fig3.path_integration_levels")
        #expect(key(["dsa_rank": 1000]) == "huang2025.fig3.dsa_rank")
        #expect(key(["kernel_trials": 100]) == "huang2025.fig3.kernel_trials")
        #expect(key(["probe_steps": 3]) == "huang2025.fig3.probe_steps")
    }

    // MARK: Claim checks on synthetic data

    /// Three levels of 6 networks: pairwise distances around `dsa[l]` / `pif[l]`, OOD losses spread by `spread[l]`,
    /// weight changes around `change[l]`, alignments around `alignment[l]`, null scores at `null[l]`.
    static func trend(dsa: [Double], pif: [Double], spread: [Double], change: [Double], alignment: [Double],
                      null: [Double], networks: [Int] = [6, 6, 6]) -> DegeneracyTrend {
        let streams = RandomStreams(seed: 11)
        func matrix(_ level: Int, _ centre: Double, _ name: String) -> Matrix {
            var g = streams.child(name).stream("level-\(level)")
            let n = networks[level]
            var d = Matrix(rows: n, cols: n)
            for j in 0..<n { for i in 0..<j { let v = centre * (1 + 0.05 * g.gaussian()); d[i, j] = v; d[j, i] = v } }
            return d
        }
        func values(_ level: Int, _ centre: Double, _ width: Double, _ name: String) -> [Double] {
            var g = streams.child(name).stream("level-\(level)")
            return (0..<networks[level]).map { _ in centre + width * g.gaussian() }
        }
        let levels = [1.0, 2, 3]
        return DegeneracyTrend(
            levels: levels, trained: [6, 6, 6], dsa: levels.indices.map { matrix($0, dsa[$0], "dsa") },
            pif: levels.indices.map { matrix($0, pif[$0], "pif") },
            oodLosses: levels.indices.map { values($0, 1, spread[$0], "ood") },
            weightChanges: levels.indices.map { values($0, change[$0], 0.02 * change[$0], "dw") },
            kernelAlignments: levels.indices.map { values($0, alignment[$0], 0.005, "ka") },
            nullDSA: levels.indices.map { l in Array(repeating: null[l], count: networks[l]) },
            resamples: 200, streams: streams.child("bootstrap"))
    }

    static let right = (dsa: [0.6, 0.4, 0.2], pif: [0.01, 0.02, 0.03], spread: [0.3, 0.1, 0.03], change: [1.0, 2, 3],
                        alignment: [0.9, 0.8, 0.7], null: [0.05, 0.05, 0.05])

    static func checks(_ t: DegeneracyTrend, declared: [String: String] = [:]) -> [String: ClaimCheck] {
        let list = t.checks(subject: "toy", directions: DegeneracyTrend.complexityDirections, hold: 0.9, declared: declared)
        var out: [String: ClaimCheck] = [:]
        for c in list {
            let markers = [("dissociation", "dissociation"), ("null", "null"), ("converged", "converged"),
                           ("mean pairwise DSA", "dsa"), ("PIF", "pif"), ("σ_OOD", "ood"), ("‖W_h", "dw"), ("kernel", "ka")]
            out[markers.first { c.claim.contains($0.0) }!.1] = c
        }
        return out
    }

    @Test func everyCheckHoldsOnDataShowingThePaperDirections() {
        let r = Self.right
        let trend = Self.trend(dsa: r.dsa, pif: r.pif, spread: r.spread, change: r.change, alignment: r.alignment, null: r.null)
        let all = Self.checks(trend)
        #expect(all.count == 8)
        for (key, c) in all { #expect(c.holds, "\(key): \(c.evidence)") }
        // Evidence states the share of seed resamples as a percentage of their count, and the threshold likewise.
        func percent(_ x: Double) -> String { String(format: "%.1f %%", 100 * x) }
        let dsa = trend.bootstrap.fraction(DegeneracyTrend.Metric.dsa.rawValue, decreasing: true)
        let pif = trend.bootstrap.fraction(DegeneracyTrend.Metric.pif.rawValue, decreasing: false)
        let opposite = trend.bootstrap.oppositeFraction(DegeneracyTrend.Metric.dsa.rawValue, DegeneracyTrend.Metric.pif.rawValue)
        #expect(dsa > 0.9 && dsa <= 1 && pif > 0.9 && opposite > 0.9)
        #expect(all["dsa"]!.evidence.contains("slope < 0 in \(percent(dsa)) of 200 seed resamples (needs ≥ 90.0 %)"), "\(all["dsa"]!.evidence)")
        #expect(all["pif"]!.evidence.contains("slope > 0 in \(percent(pif)) of 200 seed resamples (needs ≥ 90.0 %)"), "\(all["pif"]!.evidence)")
        #expect(all["dissociation"]!.evidence.contains("opposite sign in \(percent(opposite)) of 200 seed resamples (needs ≥ 90.0 %)"),
                "\(all["dissociation"]!.evidence)")
    }

    @Test func eachCheckFailsOnDataThatContradictIt() {
        let r = Self.right
        func failing(_ t: DegeneracyTrend) -> Set<String> { Set(Self.checks(t).filter { !$0.value.holds }.map(\.key)) }
        // Dynamics degeneracy rising with complexity: the DSA trend and the dissociation (both rise) fail.
        #expect(failing(Self.trend(dsa: r.dsa.reversed(), pif: r.pif, spread: r.spread, change: r.change, alignment: r.alignment, null: r.null))
                == ["dsa", "dissociation"])
        #expect(failing(Self.trend(dsa: r.dsa, pif: r.pif.reversed(), spread: r.spread, change: r.change, alignment: r.alignment, null: r.null))
                == ["pif", "dissociation"])
        #expect(failing(Self.trend(dsa: r.dsa, pif: r.pif, spread: r.spread.reversed(), change: r.change, alignment: r.alignment, null: r.null))
                == ["ood"])
        #expect(failing(Self.trend(dsa: r.dsa, pif: r.pif, spread: r.spread, change: r.change.reversed(), alignment: r.alignment, null: r.null))
                == ["dw"])
        #expect(failing(Self.trend(dsa: r.dsa, pif: r.pif, spread: r.spread, change: r.change, alignment: r.alignment.reversed(), null: r.null))
                == ["ka"])
        // Flat DSA: no direction in the resamples, so neither the trend nor the dissociation holds.
        #expect(failing(Self.trend(dsa: [0.4, 0.4, 0.4], pif: r.pif, spread: r.spread, change: r.change, alignment: r.alignment, null: r.null))
                == ["dsa", "dissociation"])
        // A null as large as the between-seed distances at the top level.
        #expect(failing(Self.trend(dsa: r.dsa, pif: r.pif, spread: r.spread, change: r.change, alignment: r.alignment, null: [0.05, 0.05, 0.3]))
                == ["null"])
        // One network converged at a level: no pairs there, so the pairwise trends cannot hold either.
        let lonely = Self.trend(dsa: r.dsa, pif: r.pif, spread: r.spread, change: r.change, alignment: r.alignment, null: r.null,
                                networks: [6, 1, 6])
        #expect(failing(lonely).isSuperset(of: ["converged", "dsa", "pif", "dissociation"]))
    }

    @Test func aDeclaredNonReproductionIsReportedNotFailed() {
        let r = Self.right
        let wrong = Self.trend(dsa: r.dsa, pif: r.pif.reversed(), spread: r.spread, change: r.change, alignment: r.alignment, null: r.null)
        let c = Self.checks(wrong, declared: ["pif": "toy reason"])["pif"]!
        #expect(!c.holds && c.outcome == .doesNotReproduce && !c.fails)
        let held = Self.checks(Self.trend(dsa: r.dsa, pif: r.pif, spread: r.spread, change: r.change, alignment: r.alignment, null: r.null),
                               declared: ["pif": "toy reason"])["pif"]!
        #expect(held.holds && held.verdictText.contains("now reproduces"))
    }

    @Test func theBootstrapSlopeAndPairMeansFollowTheirDefinitions() {
        #expect(SeedBootstrap.slope([1, 2, 3], [3, 5, 7]) == 2)
        #expect(SeedBootstrap.slope([1, 2], [1, .nan]).isNaN)
        var d = Matrix(rows: 3, cols: 3)
        d[0, 1] = 1; d[1, 0] = 1; d[0, 2] = 2; d[2, 0] = 2; d[1, 2] = 3; d[2, 1] = 3
        // A network drawn twice is not compared with itself: draw (0, 0, 2) averages the pairs (0, 2) twice.
        #expect(SeedBootstrap.Measure.pairMean([d]).value(level: 0, pick: [0, 0, 2]) == 2)
        #expect(SeedBootstrap.Measure.pairMean([d]).value(level: 0, pick: [1, 1]).isNaN)
        #expect(SeedBootstrap.Measure.spread([[1, 3]]).value(level: 0, pick: [0, 1]) == 1)
    }
}
