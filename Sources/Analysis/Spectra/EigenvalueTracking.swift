import Linalg
import Numerics

/// Eigenvalue trajectories through a sequence of spectra, matched by continuity.
public struct EigenvalueTracks: Sendable, Equatable {
    /// Recorded times (one per spectrum).
    public let times: [Double]
    /// `values[k][t]` is tracked eigenvalue `k` at `times[t]`; track `k` starts at entry `k` of the first spectrum.
    public let values: [[Complex<Double>]]
    /// `displacements[t − 1]` is the total distance `Σ_k |values[k][t] − values[k][t − 1]|` the tracks moved.
    public let displacements: [Double]

    /// Number of tracks (the common size of the spectra).
    public var count: Int { values.count }
}

/// Links the eigenvalues of consecutive spectra (e.g. of W along training) into continuous tracks.
///
/// Each step solves an exact assignment problem (`LinearAssignment`): track `k`'s predicted next value is matched
/// to an eigenvalue of the next spectrum so that the total distance `Σ_k |prediction_k − next_σ(k)|` is minimal.
/// With `.linear` prediction the forecast is the linear extrapolation of the track's last two values (scaled by the
/// time steps), which follows two eigenvalues through a crossing; `.previous` uses the last value itself, which
/// makes crossing eigenvalues bounce off each other instead.
public struct EigenvalueTracker: Sendable {
    /// How a track's next value is forecast before matching.
    public enum Prediction: String, Sendable, CaseIterable {
        /// The last value (pure nearest-set matching).
        case previous
        /// Linear extrapolation of the last two values.
        case linear
    }

    /// Forecast used for matching.
    public var prediction: Prediction

    /// A tracker with the given forecast.
    public init(prediction: Prediction = .linear) { self.prediction = prediction }

    /// Tracks through `spectra[t]` recorded at `times[t]` (strictly increasing; all spectra of one size).
    ///
    /// Throws `LinalgError.shape` when counts disagree and `.invalidInput` for unsorted times or non-finite values.
    public func track(_ spectra: [[Complex<Double>]], times: [Double]) throws -> EigenvalueTracks {
        guard spectra.count == times.count else {
            throw LinalgError.shape("eigenvalue tracking: \(spectra.count) spectra but \(times.count) times")
        }
        guard let first = spectra.first else { return EigenvalueTracks(times: [], values: [], displacements: []) }
        let n = first.count
        for (t, s) in spectra.enumerated() where s.count != n {
            throw LinalgError.shape("eigenvalue tracking: spectrum \(t) has \(s.count) values, the first has \(n)")
        }
        for t in 1..<max(times.count, 1) where !(times[t] > times[t - 1]) {
            throw LinalgError.invalidInput("eigenvalue tracking: times must be strictly increasing (index \(t))")
        }
        guard spectra.allSatisfy({ $0.allSatisfy { $0.real.isFinite && $0.imaginary.isFinite } }) else {
            throw LinalgError.invalidInput("eigenvalue tracking: spectra contain NaN or infinite values")
        }
        var values = first.map { [$0] }
        var costs: [Double] = []
        for t in 1..<spectra.count {
            let next = spectra[t]
            let forecast = (0..<n).map { predicted(values[$0], times: times, upTo: t) }
            let cost = Matrix(rows: n, cols: n) { k, j in (forecast[k] - next[j]).length }
            let match = try LinearAssignment.solve(cost)
            for k in 0..<n { values[k].append(next[match.columns[k]]) }
            costs.append((0..<n).reduce(0.0) { $0 + (values[$1][t] - values[$1][t - 1]).length })
        }
        return EigenvalueTracks(times: times, values: values, displacements: costs)
    }

    /// The forecast at `times[t]` from a track known up to `times[t − 1]`.
    private func predicted(_ track: [Complex<Double>], times: [Double], upTo t: Int) -> Complex<Double> {
        let last = track[t - 1]
        guard prediction == .linear, t >= 2 else { return last }
        let ratio = (times[t] - times[t - 1]) / (times[t - 1] - times[t - 2])
        return last + (last - track[t - 2]).multiplied(by: ratio)
    }
}
