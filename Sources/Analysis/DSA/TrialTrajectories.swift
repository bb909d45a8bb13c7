import Foundation
import Linalg

/// Errors of the DSA routines: a parameter or input outside its domain (one line naming it and what is allowed).
public enum DSAError: Error, CustomStringConvertible, Equatable, Sendable {
    /// `field` had a value outside `allowed`.
    case invalidParameter(field: String, allowed: String)

    /// One line naming the field and the allowed values.
    public var description: String {
        switch self {
        case let .invalidParameter(field, allowed): return "DSA: \(field) must be \(allowed)"
        }
    }
}

/// States of one system over repeated trials: `trials` × `steps` × `units`, held exactly as numpy's C-order
/// `[trials, time, units]` array (dsa-metric's input layout).
///
/// Read column-major, the same buffer is a `units × (steps·trials)` matrix with one column per sample, time running
/// fastest within a trial; delay embedding then copies whole columns and the DMD products become GEMMs.
public struct TrialTrajectories: Sendable, Equatable {
    /// Number of trials.
    public let trials: Int
    /// Time steps per trial.
    public let steps: Int
    /// State dimension (units).
    public let units: Int
    /// `values[(k·steps + t)·units + i]` is unit `i` at step `t` of trial `k`.
    public let values: [Double]

    /// Wraps a C-order `[trials, steps, units]` buffer; throws if the count does not match or a value is not finite.
    public init(trials: Int, steps: Int, units: Int, values: [Double]) throws {
        guard trials >= 1 else { throw DSAError.invalidParameter(field: "trials", allowed: "≥ 1 (got \(trials))") }
        guard steps >= 1 else { throw DSAError.invalidParameter(field: "steps", allowed: "≥ 1 (got \(steps))") }
        guard units >= 1 else { throw DSAError.invalidParameter(field: "units", allowed: "≥ 1 (got \(units))") }
        guard values.count == trials * steps * units else {
            throw DSAError.invalidParameter(field: "values", allowed: "\(trials)·\(steps)·\(units) numbers (got \(values.count))")
        }
        guard values.allSatisfy({ $0.isFinite }) else {
            throw DSAError.invalidParameter(field: "values", allowed: "finite numbers")
        }
        self.trials = trials
        self.steps = steps
        self.units = units
        self.values = values
    }

    /// Trials given as `units × steps` matrices (one column per time step), all of the same shape.
    public init(trialMatrices: [Matrix]) throws {
        guard let first = trialMatrices.first else {
            throw DSAError.invalidParameter(field: "trials", allowed: "at least one trial matrix")
        }
        guard trialMatrices.allSatisfy({ $0.rows == first.rows && $0.cols == first.cols }) else {
            throw DSAError.invalidParameter(field: "trials", allowed: "matrices of one shape (\(first.rows) × \(first.cols))")
        }
        try self.init(trials: trialMatrices.count, steps: first.cols, units: first.rows,
                      values: trialMatrices.flatMap(\.storage))
    }

    /// The `units × steps` matrix of trial `k`.
    public func trial(_ k: Int) -> Matrix {
        let block = steps * units
        return Matrix(rows: units, cols: steps, columnMajor: Array(values[(k * block)..<((k + 1) * block)]))
    }

    /// These trials split in two halves by trial index (first ⌈K/2⌉ and the rest), for split-half null distances.
    public func splitHalves() throws -> (TrialTrajectories, TrialTrajectories) {
        guard trials >= 2 else { throw DSAError.invalidParameter(field: "trials", allowed: "≥ 2 to split (got \(trials))") }
        let first = (trials + 1) / 2, block = steps * units
        return (try TrialTrajectories(trials: first, steps: steps, units: units, values: Array(values[0..<(first * block)])),
                try TrialTrajectories(trials: trials - first, steps: steps, units: units,
                                      values: Array(values[(first * block)...])))
    }
}

/// The Hankel (HAVOK) delay embedding of dsa-metric: with `delays` d and spacing `interval` τ, sample t of a trial
/// becomes `[x_{t+(d−1)τ}; x_{t+(d−2)τ}; …; x_t]` (most recent block first), for t = 0 … T − (d−1)τ − 1.
public struct DelayEmbedding: Sendable, Equatable, Hashable {
    /// Number of delays d (1 = no embedding).
    public let delays: Int
    /// Steps between consecutive delays τ.
    public let interval: Int

    /// Throws unless `delays ≥ 1` and `interval ≥ 1`.
    public init(delays: Int = 1, interval: Int = 1) throws {
        guard delays >= 1 else { throw DSAError.invalidParameter(field: "n_delays", allowed: "≥ 1 (got \(delays))") }
        guard interval >= 1 else { throw DSAError.invalidParameter(field: "delay_interval", allowed: "≥ 1 (got \(interval))") }
        self.delays = delays
        self.interval = interval
    }

    /// Embedded samples per trial, `T − (d−1)τ` (may be ≤ 0: `embed` then throws).
    public func embeddedSteps(_ steps: Int) -> Int { steps - (delays - 1) * interval }

    /// The transposed Hankel matrix `Hᵀ`: `(units·d) × (trials·T')`, column `t + T'·k` the embedded sample t of
    /// trial k — dsa-metric's `H` flattened over trials, transposed so each column is contiguous copies of states.
    public func embed(_ x: TrialTrajectories) throws -> Matrix {
        let embedded = embeddedSteps(x.steps)
        guard embedded >= 1 else {
            throw DSAError.invalidParameter(
                field: "n_delays", allowed: "such that steps − (n_delays − 1)·delay_interval ≥ 1 (steps \(x.steps))")
        }
        let n = x.units, height = n * delays
        var h = Matrix(rows: height, cols: x.trials * embedded)
        h.storage.withUnsafeMutableBufferPointer { out in
            x.values.withUnsafeBufferPointer { src in
                for k in 0..<x.trials {
                    for t in 0..<embedded {
                        let column = (t + embedded * k) * height
                        for block in 0..<delays {
                            let step = t + (delays - 1 - block) * interval
                            let from = (k * x.steps + step) * n
                            (out.baseAddress! + column + block * n).update(from: src.baseAddress! + from, count: n)
                        }
                    }
                }
            }
        }
        return h
    }
}

extension TrialTrajectories {
    /// Synthetic test and benchmark data: a random tanh RNN `h_{t+1} = tanh(W h_t + σ ξ_t)` with
    /// `W = g J / √N` (J standard Gaussian) driven by white noise ξ, from `h_0 = σ ξ_0`; the weights draw from stream
    /// `weights` of `network` and the noise from stream `noise` of `trialSet`, so fresh trials of the same network
    /// come from another `trialSet` node.
    public static func noiseDrivenTanhRNN(units n: Int, trials: Int, steps: Int, gain: Double, noise sigma: Double,
                                          network: RandomStreams, trialSet: RandomStreams) throws -> TrialTrajectories {
        var weightStream = network.stream("weights")
        let w = weightStream.gaussianMatrix(rows: n, cols: n, std: gain / Double(n).squareRoot())
        var noise = trialSet.stream("noise")
        var values = [Double](repeating: 0, count: trials * steps * n)
        var h = Matrix(rows: n, cols: trials), drive = Matrix(rows: n, cols: trials)
        for t in 0..<steps {
            let kick = noise.gaussianMatrix(rows: n, cols: trials, std: sigma)
            if t == 0 {
                h = kick
            } else {
                drive.copyEntries(from: kick)
                BLAS.gemm(w, h, into: &drive, beta: 1)
                h = Matrix(rows: n, cols: trials, columnMajor: drive.storage.map { tanh($0) })
            }
            for k in 0..<trials { for i in 0..<n { values[(k * steps + t) * n + i] = h[i, k] } }
        }
        return try TrialTrajectories(trials: trials, steps: steps, units: n, values: values)
    }
}
