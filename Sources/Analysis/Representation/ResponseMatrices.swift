import Linalg

/// How `TrialTrajectories` ([trials, steps, units]) become an m × units response matrix for the similarity metrics.
public enum TrajectorySamples: String, Sendable, CaseIterable {
    /// Every (trial, step) state is one row: m = trials·steps, row `k·steps + t` is step t of trial k.
    case everyStep = "every_step"
    /// The mean over trials at each step is one row: m = steps (a peri-stimulus average; meaningful when trials
    /// share their timing, e.g. the same input schedule).
    case trialAverage = "trial_average"
}

extension TrialTrajectories {
    /// The response matrix (rows = samples, columns = units) these trajectories give under `samples`.
    public func responseMatrix(_ samples: TrajectorySamples = .everyStep) -> Matrix {
        switch samples {
        case .everyStep:
            // Read column-major, `values` is units × (steps·trials) with time fastest: its transpose is the answer.
            return Matrix(rows: units, cols: trials * steps, columnMajor: values).transposed
        case .trialAverage:
            var mean = Matrix(rows: steps, cols: units)
            for k in 0..<trials {
                for t in 0..<steps { for i in 0..<units { mean[t, i] += values[(k * steps + t) * units + i] } }
            }
            let scale = 1 / Double(trials)
            for e in 0..<mean.storage.count { mean.storage[e] *= scale }
            return mean
        }
    }
}

/// Input checks and column centring shared by the metrics.
enum ResponseChecks {
    /// Throws unless `x` has at least `minimumRows` rows, at least one column and only finite entries.
    static func validate(_ x: Matrix, field: String, minimumRows: Int) throws {
        guard x.cols >= 1 else { throw RepresentationError.empty(field: field) }
        guard x.rows >= minimumRows else {
            throw RepresentationError.tooFewSamples(field: field, rows: x.rows, needed: minimumRows)
        }
        guard x.isFinite else { throw RepresentationError.nonFinite(field: field) }
    }

    /// Throws unless the two prepared systems hold the same number of samples.
    static func requireSameRows(_ a: Int, _ b: Int, fields: (String, String)) throws {
        guard a == b else {
            throw RepresentationError.rowCountMismatch(first: fields.0, firstRows: a, second: fields.1, secondRows: b)
        }
    }

    /// `x` with each column's mean subtracted.
    static func centredColumns(_ x: Matrix) -> Matrix {
        var c = x
        let m = x.rows
        c.storage.withUnsafeMutableBufferPointer { s in
            for j in 0..<x.cols {
                var mean = 0.0
                for i in 0..<m { mean += s[i + j * m] }
                mean /= Double(m)
                for i in 0..<m { s[i + j * m] -= mean }
            }
        }
        return c
    }
}
