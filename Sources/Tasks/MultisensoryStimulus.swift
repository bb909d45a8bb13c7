import Foundation
import Linalg

/// The stimulus period of NeuroGym's `MultiSensoryIntegration`, fixation channel removed (Proca et al. §9.1).
///
/// Inputs are `2·ringSize` channels: modality 1 on ring angles `θ_j = 2πj/ringSize`, then modality 2 (for the
/// default `ringSize = 2`: angles 0 and π, so N_x = 4). Per trial a direction `θ_gt` (one of the ring angles), a
/// coherence from `coherences` and a modality proportion `p` are drawn; at every step channel j of modality m is
/// `0.5 + (c_m/200)·cos(θ_j − θ_gt) + noiseStd·ξ`, with `c_1 = coh·p`, `c_2 = coh·(1 − p)` and fresh ξ ~ N(0, 1).
/// This matches NeuroGym, which draws `coh_prop ~ U[0, 1)` per trial (the digest's formula abbreviates the split).
/// The trajectory length is free, so an out-of-distribution variant is the same generator at another T.
public struct MultisensoryStimulus: Sendable, Equatable {
    /// How the coherence is split between the two modalities.
    public enum ModalitySplit: Sendable, Equatable {
        /// NeuroGym's default: `p ~ U[0, 1)` drawn per trial.
        case uniformPerTrial
        /// The same `p` for every trial (e.g. 0.5 for equally informative modalities).
        case fixed(Double)
    }

    /// The per-trial conditions.
    public struct Trial: Sendable, Equatable {
        /// Index j of the ground-truth direction `θ_gt = θ_j`.
        public var groundTruth: Int
        /// Coherence `coh` (percent).
        public var coherence: Double
        /// Modality proportion `p` (modality 1 gets `coh·p`, modality 2 `coh·(1 − p)`).
        public var proportion: Double
    }

    /// Coherences drawn uniformly per trial (NeuroGym: 5, 15, 50).
    public var coherences: [Double]
    /// The modality split rule.
    public var split: ModalitySplit
    /// Noise standard deviation per step and channel (NeuroGym `σ/√dt` = 1/√100 = 0.1).
    public var noiseStd: Double
    /// Number of ring directions per modality (NeuroGym `dim_ring`, default 2).
    public var ringSize: Int

    /// A generator with NeuroGym's defaults unless overridden.
    public init(coherences: [Double] = [5, 15, 50], split: ModalitySplit = .uniformPerTrial,
                noiseStd: Double = 0.1, ringSize: Int = 2) {
        precondition(!coherences.isEmpty, "need at least one coherence")
        precondition(noiseStd >= 0, "noise std must be non-negative")
        precondition(ringSize >= 1, "need at least one ring direction")
        if case let .fixed(p) = split { precondition((0...1).contains(p), "modality proportion must be in [0, 1]") }
        self.coherences = coherences; self.split = split; self.noiseStd = noiseStd; self.ringSize = ringSize
    }

    /// The generator with noise std `σ/√dt` (NeuroGym's parameterisation: σ = 1, dt = 100 ms).
    public init(coherences: [Double] = [5, 15, 50], split: ModalitySplit = .uniformPerTrial, sigma: Double, dt: Double,
                ringSize: Int = 2) {
        self.init(coherences: coherences, split: split, noiseStd: sigma / dt.squareRoot(), ringSize: ringSize)
    }

    /// N_x = 2 · ringSize.
    public var inputDimension: Int { 2 * ringSize }

    /// The ring angle of direction j.
    public func angle(_ j: Int) -> Double { 2 * Double.pi * Double(j) / Double(ringSize) }

    /// The noise-free input of `trial` (constant over the stimulus period).
    public func meanInput(for trial: Trial) -> [Double] {
        let gt = angle(trial.groundTruth)
        let c = [trial.coherence * trial.proportion, trial.coherence * (1 - trial.proportion)]
        return (0..<2).flatMap { m in (0..<ringSize).map { j in 0.5 + c[m] / 200 * cos(angle(j) - gt) } }
    }

    /// Draws one trial's conditions: direction, coherence, then proportion (uniform draws from `rng`).
    public func drawTrial(rng: inout Xoshiro256) -> Trial {
        func index(_ n: Int) -> Int { min(Int(rng.uniform() * Double(n)), n - 1) }
        let gt = index(ringSize)
        let coh = coherences[index(coherences.count)]
        let p: Double
        switch split {
        case .uniformPerTrial: p = rng.uniform()
        case let .fixed(value): p = value
        }
        return Trial(groundTruth: gt, coherence: coh, proportion: p)
    }

    /// P trials of length T as batched inputs `N_x × (T·P)` and their conditions. Trial by trial, the draws are
    /// the conditions then the noise (time-major, channel-minor), so the first P′ trials do not depend on P.
    public func generate(count p: Int, timeSteps T: Int, rng: inout Xoshiro256) -> (inputs: Matrix, trials: [Trial]) {
        precondition(p >= 1 && T >= 1, "need P ≥ 1 and T ≥ 1")
        let nx = inputDimension
        var x = Matrix(rows: nx, cols: T * p)
        var trials = [Trial]()
        trials.reserveCapacity(p)
        for j in 0..<p {
            let trial = drawTrial(rng: &rng)
            trials.append(trial)
            let mean = meanInput(for: trial)
            for t in 0..<T {
                for i in 0..<nx { x[i, t * p + j] = mean[i] + noiseStd * rng.gaussian() }
            }
        }
        return (x, trials)
    }
}
