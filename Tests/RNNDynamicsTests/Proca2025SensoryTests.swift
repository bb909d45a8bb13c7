import Foundation
import Testing
@testable import ExperimentKit
@testable import Linalg
@testable import Networks
@testable import Proca2025
@testable import Tasks
@testable import Training

/// Sensory integration and extrapolation (Proca et al. §3.3, §3.6; Figs. 6 and A8): every experiment runs in its
/// quick preset, its claim checks must hold, and a key number is re-derived here without the experiment's code.
@Suite(.serialized) struct Proca2025SensoryTests {
    /// The library function on its own: mean and exponential solutions trained at T = 4, evaluated at other lengths,
    /// against the per-mode energy summed by hand (½ Σ_t (s_t(T′) − ac* b*^{T′−t})², no closed form used).
    @Test func extrapolationStudyMatchesHandComputedEnergies() throws {
        let T = 4, lengths = [1, 3, 4, 7, 12]
        func handEnergy(_ s: (Int) -> [Double], b: Double, ac: Double, modes: Int) -> [Double] {
            lengths.map { Tp in
                let st = s(Tp)
                return Double(modes) * 0.5 * (1...Tp).reduce(0) { acc, t in
                    let r = st[t - 1] - ac * pow(b, Double(Tp - t))
                    return acc + r * r
                }
            }
        }
        let mean = try ExtrapolationStudy(target: .mean, modes: 3, trainLength: T, testLengths: lengths, initial: 0.1,
                                          learningRate: 0.05, steps: 3000).run(streams: RandomStreams(seed: 7))
        #expect(mean.stop == .completed)
        let meanHand = handEnergy({ [Double](repeating: 1 / Double($0), count: $0) }, b: 1, ac: 1 / Double(T), modes: 3)
        for (sim, hand) in zip(mean.simulated, meanHand) { #expect(abs(sim - hand) <= 1e-6 * max(hand, 1e-3), "mean: \(sim) vs \(hand)") }
        // (T′ − T)²/(2T²T′) per mode, e.g. T′ = 12: 64/(2·16·12) = 1/6 per mode, 1/2 for three modes.
        #expect(abs(mean.simulated[4] - 0.5) < 1e-6)

        let (delta, lambda) = (1.0, 1.2)
        let exp = try ExtrapolationStudy(target: .family(.exponential(delta: delta, lambda: lambda)), modes: 2, trainLength: T,
                                         testLengths: lengths, initial: 0.1, learningRate: 0.01, steps: 6000).run(streams: RandomStreams(seed: 8))
        let expHand = handEnergy({ Tp in (1...Tp).map { delta * pow(lambda, Double($0)) } }, b: 1 / lambda,
                                 ac: delta * pow(lambda, Double(T)), modes: 2)
        for (sim, hand) in zip(exp.simulated, expHand) { #expect(abs(sim - hand) <= 1e-6 * max(hand, 1e-3), "exponential: \(sim) vs \(hand)") }
        #expect(abs(exp.simulated[2]) < 1e-12)  // T′ = T fits exactly
        #expect(exp.trainedModes.allSatisfy { abs($0.b - 1 / lambda) < 1e-8 })
    }

    @Test func whitenedExtrapolationReproducesTheClaims() throws {
        let (result, resolved) = try ProcaExtrapolation().run(.quick)
        for check in result.checks { #expect(check.holds, "\(check.claim): \(check.evidence)") }
        #expect(result.theoryError! < 1e-4)
        #expect(resolved["T"] as? Int == 5)
        // Re-derive mean's loss at T′ = 20 for 2 modes: 2 · (20 − 5)²/(2 · 25 · 20) = 0.45.
        let d = result.dataset
        let lengths = d["test_length"]!.values
        let i20 = try #require(lengths.firstIndex(of: 20))
        #expect(abs(d["loss_sim_mean"]!.values[i20] - 0.45) < 1e-5)
        // Sum and inverse-exponential extrapolate at every T′ (the zero network's loss is 5 and 2·Σ0.49^k/2 ≈ 1.9).
        for name in ["sum", "inverse_exponential"] { #expect(d["loss_sim_\(name)"]!.values.allSatisfy { abs($0) < 1e-9 }, "\(name)") }
        #expect(throws: ConfigError.self) { _ = try ProcaExtrapolation().run(.quick, overrides: ["test_lengths": [3.5, 4]]) }
    }

    @Test func fig6SumExtrapolatesMeanDoesNot() throws {
        let (result, resolved) = try ProcaFig6().run(.quick)
        for check in result.checks { #expect(check.holds, "\(check.claim): \(check.evidence)") }
        #expect(result.theoryError! < 0.05)
        let T = try #require(resolved["T"] as? Int)
        let d = result.dataset
        let lengths = d["test_lengths"]!.values.map { Int($0) }
        #expect(lengths == [50, 75, 100])
        func final(_ name: String, _ row: Int) -> Double {
            let records = d["step_\(name)"]!.values.count
            return d["loss_test_\(name)"]!.values[row * records + records - 1]
        }

        // Independent prediction of mean's loss at T′ = 100: the zero-loss network built by hand (W_x = I, W_h = I,
        // W_y = I/T) evaluated on fresh stimuli from a different stream.
        var rng = RandomStreams(seed: 99).stream("check")
        let task = SensoryIntegrationTask(target: .mean, timeSteps: T).atLength(100)
        let batch = task.sample(count: 2000, rng: &rng)
        let ideal = LinearRNN(wx: .identity(4), wh: .identity(4), wy: (1 / Double(T)) * Matrix.identity(4))
        let idealLoss = ideal.loss(batch)
        #expect(abs(final("mean", 2) - idealLoss) / idealLoss < 0.03, "trained \(final("mean", 2)) vs ideal \(idealLoss)")
        // …and by hand: ½ (1/T − 1/T′)² (T′² E‖m‖² + T′ N_x σ²) with E‖m‖² ≈ 1 + 4 E[coh²] E[p²]/200² ≈ 1.0306.
        let e2 = 1 + 4 * ((25.0 + 225 + 2500) / 3) * (1.0 / 3) / 40000
        let hand = 0.5 * pow(1 / Double(T) - 0.01, 2) * (10000 * e2 + 100 * 4 * 0.01)
        #expect(abs(idealLoss - hand) / hand < 0.02, "sampled \(idealLoss) vs hand \(hand)")
        #expect(abs(SensoryMoments.meanSquaredNorm(MultisensoryStimulus()) - e2) < 1e-12)
        // Sum extrapolates: at every T′ its loss is at least three orders of magnitude below mean's.
        for row in 0..<lengths.count { #expect(final("sum", row) < 1e-3 * final("mean", row)) }
        // The trained sum network's recurrent singular values all sit at 1.
        let svH = d["sv_Wh_sum"]!.values, n = d["step_sum"]!.values.count
        for k in 0..<4 { #expect(abs(svH[k * n + n - 1] - 1) < 0.01) }
    }

    @Test func figA8LateConvergesEarlyStaysScattered() throws {
        let (result, _) = try ProcaFigA8().run(.quick)
        for check in result.checks { #expect(check.holds, "\(check.claim): \(check.evidence)") }
        // The whitened optimum for w_t = 0.1 t at T = 6 by brute force over (b, ac): minimise ½ Σ (w_t − ac b^{6−t})²
        // with ac solved in closed form for each b on a 1e−5 grid over [0.5, 1].
        let w = (1...6).map { 0.1 * Double($0) }
        var best = (e: Double.infinity, b: 0.0, ac: 0.0)
        for i in 0...50_000 {
            let b = 0.5 + Double(i) / 100_000
            let p = (1...6).map { pow(b, Double(6 - $0)) }
            let ac = zip(w, p).reduce(0) { $0 + $1.0 * $1.1 } / p.reduce(0) { $0 + $1 * $1 }
            let e = 0.5 * zip(w, p).reduce(0) { $0 + pow($1.0 - ac * $1.1, 2) }
            if e < best.e { best = (e, b, ac) }
        }
        #expect(abs(best.b - 0.7602) < 1e-3 && abs(best.ac - 0.6292) < 1e-3, "\(best)")
        let opt = ProcaFigA8.whitenedOptimum(w)
        #expect(abs(opt.b - best.b) < 2e-5 && abs(opt.ac - best.ac) < 1e-4)
        // The trained late network's singular values sit at that optimum; early has SVs on both sides of 1.
        let d = result.dataset
        let n = d["step_late"]!.values.count
        for k in 0..<4 {
            #expect(abs(d["sv_Wh_late"]!.values[k * n + n - 1] - best.b) / best.b < 0.02)
            #expect(abs(d["sv_WyWx_late"]!.values[k * n + n - 1] - best.ac) / best.ac < 0.02)
        }
        let early = (0..<4).map { d["sv_Wh_early"]!.values[$0 * n + n - 1] }
        #expect(early.contains { $0 > 1.2 } && early.contains { $0 < 0.9 }, "\(early)")
        // The last grid point has no following step (NaN); the one before is below the paper's 1e−3.
        let gLate = d["hidden_gradient_late"]!.values
        #expect(gLate[n - 2] < 1e-3 && gLate[n - 1].isNaN)
    }
}
