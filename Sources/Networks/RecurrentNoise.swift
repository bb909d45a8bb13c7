import Linalg

/// Optional Gaussian process noise (added to each step's pre-activation) and input noise (added to every input
/// entry), drawn from named streams of a `RandomStreams` node; zero standard deviations switch either off.
public struct RecurrentNoise: Sendable {
    /// Standard deviation σ_p of the process noise ξ_t added to each step's pre-activation / drive.
    public var processStd: Double
    /// Standard deviation σ_x of the noise added to every input entry.
    public var inputStd: Double
    /// The node whose `process-noise` and `input-noise` streams supply the draws.
    public var streams: RandomStreams

    /// Noise of the given strengths drawn from `streams` (σ ≥ 0, finite).
    public init(processStd: Double = 0, inputStd: Double = 0, streams: RandomStreams) {
        precondition(processStd >= 0 && processStd.isFinite, "processStd must be finite and ≥ 0, got \(processStd)")
        precondition(inputStd >= 0 && inputStd.isFinite, "inputStd must be finite and ≥ 0, got \(inputStd)")
        self.processStd = processStd
        self.inputStd = inputStd
        self.streams = streams
    }

    /// No noise at all.
    public static let none = RecurrentNoise(streams: RandomStreams(seed: 0).child("no-noise"))

    /// True when neither kind of noise is on.
    public var isOff: Bool { processStd == 0 && inputStd == 0 }

    /// Preallocated noise buffers for `hidden × columns` process noise and `inputs × columns` noisy inputs.
    public func makeBuffers(hidden: Int, inputs: Int, columns: Int) -> RecurrentNoiseBuffers {
        RecurrentNoiseBuffers(process: Matrix(rows: processStd > 0 ? hidden : 0, cols: processStd > 0 ? columns : 0),
                              noisyInputs: Matrix(rows: inputStd > 0 ? inputs : 0, cols: inputStd > 0 ? columns : 0),
                              processStream: streams.stream("process-noise"), inputStream: streams.stream("input-noise"))
    }
}

/// One realisation of `RecurrentNoise` for a batch shape; each `draw` advances the streams (allocation-free).
public struct RecurrentNoiseBuffers: Sendable {
    /// Process noise ξ (`N × T·P`, time-major column blocks), empty when off.
    public var process: Matrix
    /// Inputs plus input noise (`N_x × T·P`), empty when off.
    public var noisyInputs: Matrix
    var processStream: Xoshiro256
    var inputStream: Xoshiro256

    /// Draws fresh process noise with std `noise.processStd` and fresh noisy inputs `X + σ_x ε`.
    public mutating func draw(_ noise: RecurrentNoise, inputs: Matrix) {
        let sp = noise.processStd, sx = noise.inputStd
        if sp > 0 {
            process.storage.withUnsafeMutableBufferPointer { b in for i in b.indices { b[i] = sp * processStream.gaussian() } }
        }
        if sx > 0 {
            precondition(noisyInputs.shape == inputs.shape, "noise buffers were made for another batch shape")
            inputs.storage.withUnsafeBufferPointer { x in
                noisyInputs.storage.withUnsafeMutableBufferPointer { b in
                    for i in b.indices { b[i] = x[i] + sx * inputStream.gaussian() }
                }
            }
        }
    }

    /// The inputs the network sees: the noisy copy when input noise is on, else `inputs` itself.
    public func effectiveInputs(_ inputs: Matrix) -> Matrix { noisyInputs.count > 0 ? noisyInputs : inputs }
}
