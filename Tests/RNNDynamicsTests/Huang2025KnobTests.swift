import Foundation
import Testing
@testable import Huang2025
@testable import RNNDynamics

/// The knobs of Huang et al. 2025 beyond task complexity: the plans of Figs. 4, 6, 7 and 8 (conditions, networks,
/// penalties, the scale rule for declaring paper claims), µP and penalised networks trained through a degeneracy
/// study, and the same-direction coupling check failing on data that contradict it.
@Suite struct Huang2025KnobTests {
    static func plan<S: DegeneracyStudy & DeclaredParameters>(_ s: S, _ preset: Preset, _ overrides: [String: Any] = [:]) throws -> DegeneracyPlan {
        try s.plan(ConfigReader(object: ParameterOverrides.deepMerge(s.parameters(preset), overrides), path: s.id))
    }

    @Test func eachFigurePlansItsKnobs() throws {
        let fig4 = try Self.plan(HuangFig4(), .quick)
        #expect(fig4.groups.map(\.name) == ["delay", "auxiliary"])
        #expect(fig4.conditions.map(\.level) == [8, 12, 16, 0, 1])
        #expect(fig4.conditions.map(\.task.task.timeSteps) == [25, 29, 33, 27, 27])
        #expect(fig4.conditions.map(\.task.task.outputDimension) == [1, 1, 1, 1, 2])
        let fig6 = try Self.plan(HuangFig6(), .quick)
        #expect(fig6.conditions.map(\.training.network) == [0.5, 1, 2].map { .leakyMuP(alpha: 0.5, gamma: $0, eta0: 0.05) })
        #expect(fig6.conditions.map(\.training.adamRate) == [0.025, 0.05, 0.1])
        #expect(fig6.conditions.allSatisfy { $0.task.task.inputDimension == 3 && $0.knob == "gamma" })
        let fig7 = try Self.plan(HuangFig7(), .quick)
        #expect(fig7.conditions.map(\.training.width) == [16, 32, 64])
        #expect(fig7.conditions.allSatisfy { $0.training.network == .leakyMuP(alpha: 0.5, gamma: 1, eta0: 0.05) })
        let fig8 = try Self.plan(HuangFig8(), .quick)
        #expect(fig8.groups.map(\.name) == ["nuclear", "l1"])
        #expect(fig8.conditions.map(\.training.penalty) == [.nuclear(0), .nuclear(0.001), .nuclear(0.003), .l1(0), .l1(0.0001), .l1(0.0003)])
        #expect(Set(fig8.conditions.map(\.node)).count == 6, "the two λ = 0 conditions train independent networks")
        // µP on path integration takes the task's paper threshold when `threshold` is 0.
        let pi = try Self.plan(HuangFig6(), .quick, ["task": "path_integration", "complexity": 3, "threshold": 0])
        #expect(pi.conditions[0].task.task.outputDimension == 3 && pi.conditions[0].training.lossThreshold == 0.05)
    }

    @Test func belowThePaperScaleEveryPaperClaimIsDeclaredAndAtItNoneIs() throws {
        let quick = try #require(try Self.plan(HuangFig4(), .quick).scaleNote)
        #expect(quick.contains("4 seeds") && quick.contains("24 units") && quick.contains("threshold 0.25 (the paper: 0.01)"))
        #expect(try Self.plan(HuangFig4(), .full).scaleNote == nil)
        #expect(try Self.plan(HuangFig3(), .full).scaleNote == nil)
        // Fig. 7's width is its knob, so only seeds and thresholds count.
        #expect(try Self.plan(HuangFig7(), .full, ["width": 8]).scaleNote == nil)
        #expect(try Self.plan(HuangFig4(), .full, ["seeds": 49]).scaleNote?.contains("49 seeds") == true)
        #expect(try Self.plan(HuangFig8(), .full, ["threshold": 0.02]).scaleNote?.contains("0.02 (the paper: 0.01)") == true)
        // The note reaches every paper claim (the null included), never the convergence check.
        let r = Huang2025DegeneracyTests.right
        let wrong = Huang2025DegeneracyTests.trend(dsa: r.dsa, pif: r.pif.reversed(), spread: r.spread, change: r.change,
                                                   alignment: r.alignment, null: [0.05, 0.05, 0.3])
        let checks = wrong.checks(subject: "toy", directions: DegeneracyTrend.complexityDirections, hold: 0.9, belowScale: quick)
        for c in checks where c.kind == .paper {
            #expect(c.knownNonReproduction == quick && c.belowPaperScale == true && c.verdictText.hasSuffix(c.holds ? "(below the paper's)" : "at this scale (paper claim)"))
        }
        let null = try #require(checks.first { $0.claim.contains("null") })
        #expect(null.kind == .paper && !null.holds && null.outcome == .doesNotReproduce)
        #expect(checks.filter { $0.kind == .selfConsistency }.count == 1)
        #expect(checks.filter { $0.kind == .paper && !$0.holds }.allSatisfy { $0.outcome == .doesNotReproduce && !$0.fails })
    }

    @Test func badKnobParametersAreOneLineErrorsAtTheirKey() throws {
        func key<S: DegeneracyStudy & DeclaredParameters>(_ s: S, _ overrides: [String: Any]) -> String? {
            do { try s.validate(.quick, overrides: overrides); return nil } catch let e as ConfigError { return e.key } catch { return "other" }
        }
        #expect(key(HuangFig4(), ["delay_levels": [12, 8]]) == "huang2025.fig4.delay_levels")
        #expect(key(HuangFig4(), ["delay_levels": [Double](), "auxiliary": false]) == "huang2025.fig4.delay_levels")
        #expect(key(HuangFig6(), ["gamma_levels": [0, 1]]) == "huang2025.fig6.gamma_levels")
        #expect(key(HuangFig6(), ["task": "lorenz"]) == "huang2025.fig6.task")
        #expect(key(HuangFig6(), ["task": "path_integration", "complexity": 4]) == "huang2025.fig6.complexity")
        #expect(key(HuangFig7(), ["width_levels": [16.5, 32]]) == "huang2025.fig7.width_levels")
        #expect(key(HuangFig7(), ["width_levels": [2, 4], "dsa_rank": 12]) == "huang2025.fig7.dsa_rank")
        #expect(key(HuangFig8(), ["l1_levels": [-1, 0]]) == "huang2025.fig8.l1_levels")
        #expect(key(HuangFig8(), ["nuclear_levels": [Double](), "l1_levels": [Double]()]) == "huang2025.fig8.nuclear_levels")
    }

    /// Tiny studies: Fig. 6 trains µP leaky networks (PIF sees J/N), Fig. 8 trains penalised ones (a strong nuclear
    /// norm leaves W_h with a smaller nuclear norm than λ = 0, at the same task threshold).
    @Test func muPAndPenalisedNetworksTrainThroughTheStudy() throws {
        let tiny: [String: Any] = [
            "seeds": 3, "width": 8, "batch_size": 8, "steps_per_epoch": 5, "patience_epochs": 1, "max_steps": 60,
            "eval_trials": 8, "probe_trials": 6, "probe_steps": 10, "kernel_trials": 1, "dsa_rank": 4, "dsa_iters": 100,
            "bootstrap_resamples": 50,
        ]
        let (six, _) = try HuangFig6().run(.quick, overrides: tiny.merging(["gamma_levels": [0.5, 2], "trial_length": 10, "threshold": 5]) { $1 },
                                           seed: 1, threads: 2)
        let changes = try #require(six.dataset["flip_flop_weight_change_mean"]).values
        #expect(changes.count == 2 && changes.allSatisfy { $0 > 0 } && changes[1] > changes[0], "γ = 2 moves J/N further than γ = 0.5")
        let wh = try #require(six.dataset["flip_flop_wh_L0"])
        let rms = (wh.values.reduce(0) { $0 + $1 * $1 } / Double(wh.values.count)).squareRoot()
        #expect(rms > 0.1 / 8.0.squareRoot() && rms < 10 / 8.0.squareRoot(), "J/N has entries of order 1/√N, not √N")

        let (eight, _) = try HuangFig8().run(.quick, overrides: tiny.merging(["nuclear_levels": [0, 0.5], "l1_levels": [Double](),
                                                                               "delay_max": 6, "threshold": 5]) { $1 },
                                             seed: 1, threads: 2)
        #expect(eight.dataset["nuclear_converged"]?.values == [3, 3])
        let nuclearNorms = try (0..<2).map { k -> Double in
            let w = try #require(eight.dataset["nuclear_wh_L\(k)"])
            let n = w.shape[1]
            return try (0..<w.shape[0]).map { i in
                // Read column-major: W_hᵀ, whose singular values are W_h's.
                try Matrix(rows: n, cols: n, columnMajor: Array(w.values[(i * n * n)..<((i + 1) * n * n)])).singularValues().reduce(0, +)
            }.reduce(0, +)
        }
        #expect(nuclearNorms[1] < nuclearNorms[0], "λ = 0.5 shrinks Σσ(W_h): \(nuclearNorms)")
    }

    @Test func theSameDirectionCouplingFailsWhenDSAAndPIFDiverge() {
        let r = Huang2025DegeneracyTests.right
        func coupling(_ pif: [Double]) -> ClaimCheck {
            let t = Huang2025DegeneracyTests.trend(dsa: r.dsa, pif: pif, spread: r.spread, change: r.change, alignment: r.alignment, null: r.null)
            return t.checks(subject: "toy", directions: DegeneracyTrend.shrinkingDirections, coupling: .same, hold: 0.9)
                .first { $0.claim.contains("same direction") }!
        }
        #expect(coupling(r.pif.reversed()).holds, "DSA and PIF both fall")
        #expect(!coupling(r.pif).holds, "DSA falls while PIF rises")
        #expect(!coupling([0.02, 0.02, 0.02]).holds, "flat PIF has no sign")
    }
}

/// The degeneracy studies as persistent studies: a trained network's cell round-trips bit for bit through its npz,
/// a cell computed alone (as a sweep worker does) equals the in-process one, and the estimate's probes train as the cells do.
@Suite struct Huang2025CellTests {
    static var tiny: [String: Any] { Huang2025DegeneracyTests.tiny }

    @Test func aCellRoundTripsAndAWorkerComputesTheInProcessCell() throws {
        let study = HuangFig3()
        let plan = try Huang2025KnobTests.plan(study, .quick, Self.tiny)
        let cell = study.cells(plan)[4]
        let node = RandomStreams(seed: 7).node(study.id)
        let run = try study.runCell(cell, plan: plan, streams: study.cellStreams(cell, plan: plan, experiment: node))
        let arrays = try study.encodeCell(run, plan: plan)
        let (read, key) = try StudyCellArrays.read(npz: try arrays.npz(key: "k"), source: "test")
        #expect(key == "k" && read == arrays)
        #expect(try study.encodeCell(try study.decodeCell(read, plan: plan), plan: plan) == arrays)
        #expect(try study.computeCell(named: cell.name, .quick, overrides: Self.tiny, seed: 7) == arrays,
                "a worker runs the cell on its condition's node, as the in-process run does")
        var broken = StudyCellArrays()
        broken.add("stop_reason", integers: [9], shape: [])
        #expect(throws: StudyCellError.self) { try study.decodeCell(broken, plan: plan) }
    }

    /// The estimate's probe trains seed 0 of the end conditions exactly as their cells (the same steps, the same
    /// stop); a probe that misses its threshold within its epoch budget counts at max_steps.
    @Test func theEstimateTrainsSeedZeroOfTheEndConditionsAsTheirCells() throws {
        let study = HuangFig3(), node = RandomStreams(seed: 7).node(study.id)
        // At 0.8 seed 0 converges after 20 steps on 1 bit and not in 40 on 2 bits (seed 1 of 1 bit does not, seed 1 of 2 bits does).
        for threshold in [0.8, 1e-9] {
            let plan = try Huang2025KnobTests.plan(study, .quick, Self.tiny.merging(["flip_flop_threshold": threshold]) { $1 })
            let probes = try DegeneracyEstimate.probes(plan, experiment: node)
            #expect(probes.map(\.condition) == [0, plan.conditions.count - 1])
            for p in probes {
                let cell = study.cells(plan)[p.condition * plan.seeds]
                let run = try study.runCell(cell, plan: plan, streams: study.cellStreams(cell, plan: plan, experiment: node))
                #expect(p.steps == run.steps && p.converged == run.converged, "probe \(p) vs cell: \(run.steps) steps, \(run.stopReason)")
            }
            #expect(probes.map(\.steps) == (threshold == 0.8 ? [20, 40] : [40, 40])
                    && probes.map(\.converged) == (threshold == 0.8 ? [true, false] : [false, false]), "\(probes)")
            // The epoch budget caps a probe (here 2 epochs of 5 steps): cut short, it has not converged.
            let short = try DegeneracyEstimate.probes(plan, experiment: node, epochs: 2)
            #expect(short.allSatisfy { $0.steps == 10 && !$0.converged }, "\(short)")
            let e = try study.estimate(plan, streams: node)
            #expect(e.cells == plan.conditions.count * plan.seeds && e.cpuSeconds > 0)
            // `--probe-epochs` reaches the probes through the Study protocol (the CLI's route): 2 epochs cut both short.
            let capped = try (study as any Study).estimate(.quick, overrides: Self.tiny.merging(["flip_flop_threshold": threshold]) { $1 },
                                                           seed: 7, probeEpochs: 2)
            #expect(capped.basis.hasPrefix("seed 0 trained for at most 2 epochs:") && capped.basis.contains("did not reach it in")
                    && !capped.basis.contains("reached its threshold"), "\(capped.basis)")
            #expect(try study.estimate(plan, streams: node, probeEpochs: 2).basis.contains("did not reach it in 10 steps (counted at max_steps)"))
            #expect(e.basis.contains(threshold == 0.8 ? "flip_flop-channels-1 reached its threshold in 20 steps" : "flip_flop-channels-1 did not reach it")
                    && e.basis.contains("flip_flop-channels-2 did not reach it in 40 steps (counted at max_steps)") && e.basis.contains("upper bound"), "\(e.basis)")
        }
    }
}
