import Linalg

/// The N-bit flip-flop: N input channels in {−1, 0, +1}; each output holds the most recent nonzero pulse on its channel.
///
/// At every step each channel independently pulses with probability `pSwitch` (sign ±1 equiprobable); with
/// `forcedFirstPulse` every channel pulses at step 0. The target at step t is the last pulse at or before t, as ±1
/// (`signed`) or 0/1 (`binary`, −1 ↦ 0); before a channel's first pulse the target is 0 and masked out.
/// `maskedTransition` masks that many steps from each pulse on (the pulse step included) on its channel.
/// Defaults are the same-lab proxy's: 3 bits, T = 100, p = 0.3, forced first pulse, ±1 targets, no masking.
/// Streams: "pulses" (one uniform per step, trial, channel — drawn even when forced) and "signs".
public struct FlipFlopTask: TrialLengthDoubling, Codable, Equatable {
    /// How targets code the remembered sign.
    public enum TargetCoding: String, Codable, Sendable, CaseIterable {
        /// Targets ±1.
        case signed
        /// Targets 0 (for −1) or 1 (for +1).
        case binary
    }

    /// Number of bits N.
    public var channels: Int
    /// Trial length T.
    public var trialLength: Int
    /// Per-step, per-channel pulse probability.
    public var pSwitch: Double
    /// Every channel pulses at step 0.
    public var forcedFirstPulse: Bool
    /// Target coding.
    public var targetCoding: TargetCoding
    /// Steps masked from each pulse on (0: none).
    public var maskedTransition: Int

    /// A flip-flop task (proxy defaults); call `validate()` or `batch` to check the knobs.
    public init(channels: Int = 3, trialLength: Int = 100, pSwitch: Double = 0.3, forcedFirstPulse: Bool = true,
                targetCoding: TargetCoding = .signed, maskedTransition: Int = 0) {
        self.channels = channels; self.trialLength = trialLength; self.pSwitch = pSwitch
        self.forcedFirstPulse = forcedFirstPulse; self.targetCoding = targetCoding; self.maskedTransition = maskedTransition
    }

    public var name: String { "flip-flop" }
    public var inputDimension: Int { channels }
    public var outputDimension: Int { channels }
    public var timeSteps: Int { trialLength }
    /// 0.001 (the paper's threshold).
    public var lossThreshold: Double { 0.001 }
    public var outputRange: ClosedRange<Double> { targetCoding == .signed ? -1...1 : 0...1 }

    public var parameters: [String: TaskParameter] {
        ["task": .string(name), "channels": .int(channels), "trial_length": .int(trialLength), "p_switch": .double(pSwitch),
         "forced_first_pulse": .bool(forcedFirstPulse), "target_coding": .string(targetCoding.rawValue),
         "masked_transition": .int(maskedTransition), "loss_threshold": .double(lossThreshold)]
    }

    public func validate() throws {
        try TaskKnob.atLeast(channels, 1, "flip-flop channels")
        try TaskKnob.atLeast(trialLength, 1, "flip-flop trial_length")
        try TaskKnob.within(pSwitch, 0...1, "flip-flop p_switch")
        try TaskKnob.atLeast(maskedTransition, 0, "flip-flop masked_transition")
    }

    public func batch(size: Int, streams: RandomStreams) throws -> TaskBatch {
        try checkBatchRequest(size: size)
        let n = channels, T = trialLength, count = n * T * size
        var pulses = streams.stream("pulses"), signs = streams.stream("signs")
        var x = [Double](repeating: 0, count: count), y = x, m = x
        // Per (trial, channel): the last pulse so far and the steps left in its masked transition.
        var held = [Double](repeating: 0, count: n * size)
        var maskLeft = [Int](repeating: 0, count: n * size)
        let high = 1.0, low = targetCoding == .signed ? -1.0 : 0.0
        for t in 0..<T {
            for b in 0..<size {
                for i in 0..<n {
                    let k = (t * size + b) * n + i, s = b * n + i
                    let fires = pulses.uniform() < pSwitch || (forcedFirstPulse && t == 0)
                    if fires {
                        let sign: Double = signs.next() >> 63 == 0 ? -1 : 1
                        x[k] = sign; held[s] = sign; maskLeft[s] = maskedTransition
                    }
                    if held[s] != 0 { y[k] = held[s] > 0 ? high : low; m[k] = maskLeft[s] > 0 ? 0 : 1 }
                    if maskLeft[s] > 0 { maskLeft[s] -= 1 }
                }
            }
        }
        return try TaskBatch(inputs: Matrix(rows: n, cols: T * size, columnMajor: x),
                             targets: Matrix(rows: n, cols: T * size, columnMajor: y),
                             mask: Matrix(rows: n, cols: T * size, columnMajor: m), timeSteps: T, samples: size)
    }
}
