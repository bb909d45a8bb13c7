import Foundation
import Linalg

/// Sine-wave generation: a static input names a frequency f; the target is sin(2π f t_k), t_k = k·dt, k = 0…T−1.
///
/// Training uses `frequencyCount` frequencies spaced evenly over [f_min, f_max] ([1, 30] in the paper; one
/// frequency means f_min). Each of the N channels draws one of them uniformly per trial ("frequencies" stream) and
/// drives its own output. Input coding: `scalar` — one input per channel held at f / f_max for the whole trial;
/// `oneHot` — `frequencyCount` inputs per channel, the drawn frequency's set to 1. Every step is scored.
/// Defaults: 1 channel, 10 frequencies over [1, 30], T = 100, dt = 0.01 (1 s, at most 0.3 cycles per step).
public struct SineWaveTask: TrialLengthDoubling, Codable, Equatable {
    /// How the input names the frequency.
    public enum InputCoding: String, Codable, Sendable, CaseIterable {
        /// One static input per channel, f / f_max.
        case scalar
        /// One static one-hot block of `frequencyCount` inputs per channel.
        case oneHot
    }

    /// Number of independent channels N.
    public var channels: Int
    /// Number of training frequencies N_freq.
    public var frequencyCount: Int
    /// Lowest frequency.
    public var minimumFrequency: Double
    /// Highest frequency.
    public var maximumFrequency: Double
    /// Trial length T.
    public var trialLength: Int
    /// Time step in seconds (the OOD task keeps it).
    public var dt: Double
    /// Input coding.
    public var inputCoding: InputCoding

    /// A sine-generation task (defaults above); call `validate()` or `batch` to check the knobs.
    public init(channels: Int = 1, frequencyCount: Int = 10, minimumFrequency: Double = 1, maximumFrequency: Double = 30,
                trialLength: Int = 100, dt: Double = 0.01, inputCoding: InputCoding = .scalar) {
        self.channels = channels; self.frequencyCount = frequencyCount; self.minimumFrequency = minimumFrequency
        self.maximumFrequency = maximumFrequency; self.trialLength = trialLength; self.dt = dt; self.inputCoding = inputCoding
    }

    public var name: String { "sine-wave" }
    public var inputDimension: Int { inputCoding == .scalar ? channels : channels * frequencyCount }
    public var outputDimension: Int { channels }
    public var timeSteps: Int { trialLength }
    /// 0.05 (the paper's threshold).
    public var lossThreshold: Double { 0.05 }
    public var outputRange: ClosedRange<Double> { -1...1 }

    /// The training frequencies, evenly spaced over [f_min, f_max].
    public var frequencies: [Double] {
        frequencyCount == 1 ? [minimumFrequency] : (0..<frequencyCount).map {
            minimumFrequency + (maximumFrequency - minimumFrequency) * Double($0) / Double(frequencyCount - 1)
        }
    }

    public var parameters: [String: TaskParameter] {
        ["task": .string(name), "channels": .int(channels), "frequency_count": .int(frequencyCount),
         "frequency_min": .double(minimumFrequency), "frequency_max": .double(maximumFrequency),
         "trial_length": .int(trialLength), "dt": .double(dt), "input_coding": .string(inputCoding.rawValue),
         "loss_threshold": .double(lossThreshold)]
    }

    public func validate() throws {
        try TaskKnob.atLeast(channels, 1, "sine-wave channels")
        try TaskKnob.atLeast(frequencyCount, 1, "sine-wave frequency_count")
        try TaskKnob.positive(minimumFrequency, "sine-wave frequency_min")
        guard maximumFrequency.isFinite, maximumFrequency >= minimumFrequency else {
            throw TaskError.invalidParameter("sine-wave frequency_max = \(maximumFrequency); allowed: a finite number ≥ frequency_min = \(minimumFrequency)")
        }
        try TaskKnob.atLeast(trialLength, 1, "sine-wave trial_length")
        try TaskKnob.positive(dt, "sine-wave dt")
    }

    public func batch(size: Int, streams: RandomStreams) throws -> TaskBatch {
        try checkBatchRequest(size: size)
        let n = channels, dIn = inputDimension, T = trialLength, grid = frequencies
        var draws = streams.stream("frequencies")
        // The drawn frequency index of each (trial, channel).
        var chosen = [Int](repeating: 0, count: n * size)
        for s in 0..<chosen.count { chosen[s] = Int(draws.next(upperBound: UInt64(frequencyCount))) }
        var x = [Double](repeating: 0, count: dIn * T * size), y = [Double](repeating: 0, count: n * T * size)
        for t in 0..<T {
            let time = Double(t) * dt
            for b in 0..<size {
                for i in 0..<n {
                    let f = grid[chosen[b * n + i]], k = (t * size + b)
                    y[k * n + i] = sin(2 * Double.pi * f * time)
                    switch inputCoding {
                    case .scalar: x[k * dIn + i] = f / maximumFrequency
                    case .oneHot: x[k * dIn + i * frequencyCount + chosen[b * n + i]] = 1
                    }
                }
            }
        }
        return try TaskBatch(inputs: Matrix(rows: dIn, cols: T * size, columnMajor: x),
                             targets: Matrix(rows: n, cols: T * size, columnMajor: y),
                             mask: Matrix(rows: n, cols: T * size, repeating: 1), timeSteps: T, samples: size)
    }
}
