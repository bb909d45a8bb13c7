import ExperimentKit
import Foundation
import Linalg
import Networks
import Tasks
import Training

/// Proca et al. 2025, Fig. A8 (App. L): late- vs early-importance sensory integration and the stability of the
/// learned solution.
///
/// Same stimuli and networks as Fig. 6 (`MultisensoryStimulus`, not whitened; unaligned N_h = 4 LRNN, init
/// std `init_scale/√fan-in`, exact full-batch GD on `training_trials` trials) at T = 6, with the targets
/// `y = 0.1 Σ_t t x_t` (late importance, increasing weights) and `y = Σ_t x_t / t` (early importance). Top row:
/// singular values of W_h and W_y W_x against steps; dotted: the optimum (b*, (ac)*) of the whitened idealisation
/// (every mode with s_t = w_t), the global minimiser of `E*(b) = ½ (Σ s_t² − A(b)²/B(b))` (§3.4) — late
/// b* ≈ 0.760 (stable), early b* ≈ 1.60 (unstable). Bottom row: the hidden-layer gradient magnitude
///
///   ‖dH_T/dt_θ‖ := ‖H_T(θ_{k+1}) − H_T(θ_k)‖_F / (η √P_probe),
///
/// where `H_T` is the N_h × P_probe matrix of final hidden states h_{T+1} on `probe_trials` fresh trials and
/// θ_k → θ_{k+1} is one GD step (flow time η): the RMS speed of the final hidden state per unit flow time,
/// measured from a pair of consecutive steps at every record.
///
/// Choices: the paper gives neither the step size nor the width; η = 0.01, 150 000 steps (quick) / 300 000 (full),
/// flow time 1500 / 3000; the last, noise-only input direction of late leaves its plateau after flow time
/// ≈ 1000–1350. The step must be stable for both targets: the early network puts some recurrent singular values near
/// its unstable optimum b* ≈ 1.6, where the loss is so sharp that GD at η ≥ 0.015 settles into a period-2
/// oscillation (at η = 0.05 the loss rose in 29 991 of 60 000 steps and the hidden-layer gradient was ≈ 5 only
/// because it flipped sign every step). At η = 0.01 the loss of neither target rises in any step, and early still
/// keeps its singular values scattered (three past 1, one stuck near 0.07–0.3) with a hidden-layer gradient far above
/// late's. The paper's magnitudes (late < 1e−3, early ≈ 0.3 and fluctuating) depend on its unstated loss and time
/// normalisation (and probably its step); the checks test the qualitative claim and report our numbers.
///
/// Checks: late — all singular values converge together (to the whitened optimum) and the gradient falls below
/// `gradient_threshold`; early — GD is stable (the loss rises in at most `max_loss_rise_fraction` of the steps, both
/// targets), the singular values stay scattered (some beyond the stability edge |b| = 1, others not), and the loss
/// and the median gradient over the second half of training stay `gradient_ratio` times above late's.
public struct ProcaFigA8: Experiment, DeclaredParameters {
    /// The experiment.
    public init() {}
    public var id: String { "proca2025.figA8" }
    public var paperFigure: String { "Proca et al. 2025, Fig. A8" }
    public var summary: String { "Late vs early importance: late converges to one stable solution, early stays scattered" }

    static let T = Parameter.int("T", 6, in: 2...1000, unit: "steps", doc: "sequence length T of both tasks")
    static let hidden = Parameter.int("hidden", 4, in: 1...1000, unit: "units", doc: "hidden units N_h of the unaligned LRNN")
    static let initScale = Parameter.double("init_scale", 0.1, in: 1e-8...10, doc: "initial weights are i.i.d. Gaussian with std init_scale/√fan-in")
    static let trainingTrials = Parameter.int("training_trials", 1000, in: 2...1_000_000, doc: "training trials of the full-batch GD")
    static let probeTrials = Parameter.int("probe_trials", 100, in: 1...1_000_000, doc: "fresh trials P_probe on which the hidden-layer gradient ‖dH_T/dt_θ‖ is measured")
    static let learningRate = Parameter.double("learning_rate", 0.01, in: 1e-8...10, doc: "gradient-descent step η (both targets; 0.01 is below the early task's GD stability limit, 0.015 is not)")
    static let steps = Parameter.int("steps", 150_000, full: 300_000, in: 2...100_000_000, unit: "steps", doc: "gradient-descent steps of each target")
    static let recordEvery = Parameter.int("record_every", 2500, full: 500, in: 1...1_000_000, unit: "steps", doc: "record singular values, loss and gradient every this many steps")
    static let noiseStd = Parameter.double("noise_std", 0.1, in: 0...100, doc: "per-step stimulus noise std σ (as in Fig. 6)")
    static let coherences = Parameter.doubles("coherences", [5.0, 15.0, 50.0], doc: "stimulus coherences (at least one)")
    static let gradientThreshold = Parameter.double("gradient_threshold", 1e-3, in: 0...1e6, doc: "late importance converges when its final hidden-layer gradient is below this (the paper's 1e−3)")
    static let spreadTolerance = Parameter.double("spread_tolerance", 0.05, in: 0...10, doc: "singular values converge together when their relative spread is at most this")
    static let gradientRatio = Parameter.double("gradient_ratio", 10.0, in: 1...1e12, doc: "early's gradient and loss must stay this many times above late's")
    static let maxRiseFraction = Parameter.double("max_loss_rise_fraction", 1e-3, in: 0...1, doc: "GD counts as stable when the loss rises in at most this fraction of the steps (both targets); the early check needs it")
    public static let declared = ParameterList([
        .init(T), .init(hidden), .init(initScale), .init(trainingTrials), .init(probeTrials), .init(learningRate), .init(steps),
        .init(recordEvery), .init(noiseStd), .init(coherences), .init(gradientThreshold), .init(spreadTolerance), .init(gradientRatio),
        .init(maxRiseFraction),
    ])

    public func run(parameters p: ConfigReader, context: RunContext) throws -> ExperimentResult {
        let s = try FigA8Settings(p)
        var out = FigA8Output()
        for (k, target) in [IntegrationTarget.lateWeighted, .earlyWeighted].enumerated() {
            let run = try Self.train(s, target: target, context: context)
            context.progress(Double(k + 1) / 2)
            Self.record(s, run, into: &out)
        }
        let (checks, lateGap) = Self.checks(s, out)
        let figure = FigureSpec(title: "Fig. A8 — late vs early importance (T = \(s.T))", columns: 2, panels: out.top + out.bottom)
        return ExperimentResult(dataset: out.data, figure: figure, checks: checks, theoryError: lateGap)
    }

    /// The global minimiser of the whitened per-mode energy for time-course `s` over |b| ≤ 4: u*(b) = A/B and
    /// E*(b) = ½(Σ s² − A²/B), grid search refined by golden-section search.
    static func whitenedOptimum(_ s: [Double]) -> (b: Double, ac: Double) {
        let flow = Proca2025.ModeFlow(singularValues: s)
        func reduced(_ b: Double) -> Double {
            let a = flow.effectiveSingularValue(b: b), g = flow.recurrenceGain(b: b)
            return -a * a / g
        }
        let n = 8000
        var best = (b: 0.0, e: reduced(0))
        for i in 0...n {
            let b = -4 + 8 * Double(i) / Double(n)
            let e = reduced(b)
            if e < best.e { best = (b, e) }
        }
        var lo = best.b - 8 / Double(n), hi = best.b + 8 / Double(n)
        let r = (5.0.squareRoot() - 1) / 2
        for _ in 0..<100 {
            let x1 = hi - r * (hi - lo), x2 = lo + r * (hi - lo)
            if reduced(x1) < reduced(x2) { hi = x2 } else { lo = x1 }
        }
        let b = (lo + hi) / 2
        return (b, flow.effectiveSingularValue(b: b) / flow.recurrenceGain(b: b))
    }

    static func median(_ v: [Double]) -> Double {
        guard !v.isEmpty else { return .nan }
        let s = v.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
}
