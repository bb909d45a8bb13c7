import Linalg

/// Delayed discrimination: two pulses of amplitude f1, f2 separated by a delay; report sign(f2 − f1).
///
/// Per channel (N channels, each an independent trial with its own f1, f2 and delay): f1 fills steps
/// `[onset, onset + w)`, silence for d steps (d uniform over the integers of `delayRange`), f2 fills the next w
/// steps, and the response window runs from the step after f2 to the end of the trial,
/// T = onset + 2w + max delay + `responseSteps`. f1, f2 are uniform on `frequencyRange` ([2, 10] in the paper).
/// Output i is 0 before the response window and sign(f2 − f1) in it; with `auxiliaryOutput`, output N + i is
/// |f2 − f1| / (f_max − f_min) in the response window (scaled into [0, 1]) and 0 before. The mask is 1 everywhere,
/// or 0 before the response window with `scoreResponseOnly`. Streams: "f1", "f2", "delays" (one draw per trial, channel).
public struct DelayedDiscriminationTask: NeuroscienceTask, Codable, Equatable {
    /// Number of independent channels N.
    public var channels: Int
    /// Lowest stimulus amplitude.
    public var minimumFrequency: Double
    /// Highest stimulus amplitude.
    public var maximumFrequency: Double
    /// Shortest delay in steps.
    public var minimumDelay: Int
    /// Longest delay in steps.
    public var maximumDelay: Int
    /// Steps before f1.
    public var stimulusOnset: Int
    /// Steps each pulse lasts.
    public var pulseWidth: Int
    /// Steps after f2 in a trial of the longest delay.
    public var responseSteps: Int
    /// Adds the |f2 − f1| output per channel.
    public var auxiliaryOutput: Bool
    /// Masks the steps before the response window.
    public var scoreResponseOnly: Bool

    /// A delayed-discrimination task (defaults: 1 channel, f ∈ [2, 10], delay 5–20, onset 5, one-step pulses,
    /// 10 response steps, no auxiliary output, every step scored); call `validate()` or `batch` to check the knobs.
    public init(channels: Int = 1, minimumFrequency: Double = 2, maximumFrequency: Double = 10, minimumDelay: Int = 5,
                maximumDelay: Int = 20, stimulusOnset: Int = 5, pulseWidth: Int = 1, responseSteps: Int = 10,
                auxiliaryOutput: Bool = false, scoreResponseOnly: Bool = false) {
        self.channels = channels; self.minimumFrequency = minimumFrequency; self.maximumFrequency = maximumFrequency
        self.minimumDelay = minimumDelay; self.maximumDelay = maximumDelay; self.stimulusOnset = stimulusOnset
        self.pulseWidth = pulseWidth; self.responseSteps = responseSteps; self.auxiliaryOutput = auxiliaryOutput
        self.scoreResponseOnly = scoreResponseOnly
    }

    public var name: String { "delayed-discrimination" }
    public var inputDimension: Int { channels }
    public var outputDimension: Int { auxiliaryOutput ? 2 * channels : channels }
    public var timeSteps: Int { stimulusOnset + 2 * pulseWidth + maximumDelay + responseSteps }
    /// 0.01 (the paper's threshold).
    public var lossThreshold: Double { 0.01 }
    public var outputRange: ClosedRange<Double> { -1...1 }

    public var parameters: [String: TaskParameter] {
        ["task": .string(name), "channels": .int(channels), "frequency_min": .double(minimumFrequency),
         "frequency_max": .double(maximumFrequency), "delay_min": .int(minimumDelay), "delay_max": .int(maximumDelay),
         "stimulus_onset": .int(stimulusOnset), "pulse_width": .int(pulseWidth), "response_steps": .int(responseSteps),
         "auxiliary_output": .bool(auxiliaryOutput), "score_response_only": .bool(scoreResponseOnly),
         "trial_length": .int(timeSteps), "loss_threshold": .double(lossThreshold)]
    }

    public func validate() throws {
        try TaskKnob.atLeast(channels, 1, "delayed-discrimination channels")
        guard minimumFrequency.isFinite else {
            throw TaskError.invalidParameter("delayed-discrimination frequency_min = \(minimumFrequency); allowed: a finite number")
        }
        guard maximumFrequency.isFinite, maximumFrequency > minimumFrequency else {
            throw TaskError.invalidParameter("delayed-discrimination frequency_max = \(maximumFrequency); allowed: a finite number > frequency_min = \(minimumFrequency)")
        }
        try TaskKnob.atLeast(minimumDelay, 0, "delayed-discrimination delay_min")
        try TaskKnob.atLeast(maximumDelay, minimumDelay, "delayed-discrimination delay_max")
        try TaskKnob.atLeast(stimulusOnset, 0, "delayed-discrimination stimulus_onset")
        try TaskKnob.atLeast(pulseWidth, 1, "delayed-discrimination pulse_width")
        try TaskKnob.atLeast(responseSteps, 1, "delayed-discrimination response_steps")
    }

    /// Doubled delay range (both ends), hence a longer trial.
    public func outOfDistribution() throws -> DelayedDiscriminationTask {
        try validate()
        var task = self
        task.minimumDelay = 2 * minimumDelay; task.maximumDelay = 2 * maximumDelay
        return task
    }

    /// First step of the response window of a trial with delay `d`.
    public func responseStart(delay d: Int) -> Int { stimulusOnset + 2 * pulseWidth + d }

    public func batch(size: Int, streams: RandomStreams) throws -> TaskBatch {
        try checkBatchRequest(size: size)
        let n = channels, dOut = outputDimension, T = timeSteps, w = pulseWidth
        var f1Stream = streams.stream("f1"), f2Stream = streams.stream("f2"), delayStream = streams.stream("delays")
        let span = maximumFrequency - minimumFrequency, delays = UInt64(maximumDelay - minimumDelay + 1)
        var x = [Double](repeating: 0, count: n * T * size)
        var y = [Double](repeating: 0, count: dOut * T * size)
        var m = [Double](repeating: scoreResponseOnly ? 0 : 1, count: dOut * T * size)
        for b in 0..<size {
            for i in 0..<n {
                let f1 = minimumFrequency + span * f1Stream.uniform(), f2 = minimumFrequency + span * f2Stream.uniform()
                let d = minimumDelay + Int(delayStream.next(upperBound: delays))
                let sign: Double = f2 > f1 ? 1 : (f2 < f1 ? -1 : 0), gap = abs(f2 - f1) / span
                for t in stimulusOnset..<(stimulusOnset + w) { x[(t * size + b) * n + i] = f1 }
                for t in (stimulusOnset + w + d)..<(stimulusOnset + 2 * w + d) { x[(t * size + b) * n + i] = f2 }
                for t in responseStart(delay: d)..<T {
                    let k = (t * size + b) * dOut
                    y[k + i] = sign; m[k + i] = 1
                    if auxiliaryOutput { y[k + n + i] = gap; m[k + n + i] = 1 }
                }
            }
        }
        return try TaskBatch(inputs: Matrix(rows: n, cols: T * size, columnMajor: x),
                             targets: Matrix(rows: dOut, cols: T * size, columnMajor: y),
                             mask: Matrix(rows: dOut, cols: T * size, columnMajor: m), timeSteps: T, samples: size)
    }
}
