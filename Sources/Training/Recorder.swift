import Foundation
import Linalg
import Networks

/// Which training steps get a snapshot (step 0 and the last step are always included).
public enum RecordSchedule: Sendable, Equatable {
    /// Every `k`-th step.
    case every(Int)
    /// Exactly `count` distinct steps (every step when `total + 1` is fewer) spaced evenly in log(step + 1) where
    /// rounding allows: early points that would round to the same step take the next free ones.
    case logSpaced(count: Int)
    /// Exactly these steps.
    case steps([Int])

    /// The sorted, de-duplicated steps in `0...total`.
    public func resolve(totalSteps total: Int) -> [Int] {
        var s: Set<Int> = [0, total]
        switch self {
        case .every(let k):
            precondition(k >= 1, "record interval must be ≥ 1")
            for i in stride(from: 0, through: total, by: k) { s.insert(i) }
        case .logSpaced(let count):
            let n = min(max(count, 2), total + 1)
            let top = log(Double(total) + 1)
            var previous = -1
            for i in 0..<n where n >= 2 {
                // At least one past the previous point, and room left for the n − 1 − i points after this one.
                let ideal = Int((exp(top * Double(i) / Double(n - 1)) - 1).rounded())
                previous = min(max(ideal, previous + 1), total - (n - 1 - i))
                s.insert(previous)
            }
        case .steps(let list):
            for i in list where i >= 0 && i <= total { s.insert(i) }
        }
        return s.sorted()
    }
}

/// A named vector-valued measurement of a model, evaluated at recorded steps.
public struct Probe<Model: DifferentiableModel> {
    /// Name used as the key in saved results (e.g. `modes_b`).
    public let name: String
    /// The measurement; every call must return the same length.
    public let measure: (Model) -> [Double]

    /// A probe called `name`.
    public init(_ name: String, _ measure: @escaping (Model) -> [Double]) {
        self.name = name
        self.measure = measure
    }
}

extension Probe where Model == LinearRNN {
    /// Task-basis modes `a`, `b`, `c` per singular dimension (Proca et al. §2.8): three probes.
    public static func modes(in basis: TaskBasis) -> [Probe] {
        [Probe("modes_a") { basis.modes(of: $0).a }, Probe("modes_b") { basis.modes(of: $0).b },
         Probe("modes_c") { basis.modes(of: $0).c }]
    }

    /// Eigenvalues of `W_h` sorted by descending modulus (then by argument), as real and imaginary parts:
    /// two probes, `eig_Wh_real` and `eig_Wh_imag`. Non-finite entries if LAPACK fails.
    public static func recurrentEigenvalues() -> [Probe] {
        func sorted(_ m: LinearRNN) -> [(Double, Double)] {
            guard let ev = try? m.wh.eigenvalues() else { return Array(repeating: (.nan, .nan), count: m.hiddenDimension) }
            return ev.map { ($0.real, $0.imaginary) }.sorted {
                let ma = $0.0 * $0.0 + $0.1 * $0.1, mb = $1.0 * $1.0 + $1.1 * $1.1
                return ma != mb ? ma > mb : atan2($0.1, $0.0) > atan2($1.1, $1.0)
            }
        }
        return [Probe("eig_Wh_real") { sorted($0).map(\.0) }, Probe("eig_Wh_imag") { sorted($0).map(\.1) }]
    }
}

/// Snapshots taken during training: the steps, the loss there, every parameter block, and every probe.
public struct Recording: Sendable, Equatable {
    /// Recorded step numbers.
    public var steps: [Int] = []
    /// Loss (task loss plus penalties) at each recorded step.
    public var losses: [Double] = []
    /// The summed regularizer penalty at each recorded step (0 without regularizers).
    public var penalties: [Double] = []
    /// Parameter block name → one flattened (column-major) snapshot per recorded step.
    public var parameters: [String: [[Double]]] = [:]
    /// Parameter block name → (rows, cols).
    public var parameterShapes: [String: (Int, Int)] = [:]
    /// Probe name → one vector per recorded step.
    public var probes: [String: [[Double]]] = [:]
    /// Probe names in registration order.
    public var probeNames: [String] = []

    /// An empty recording.
    public init() {}

    public static func == (a: Recording, b: Recording) -> Bool {
        a.steps == b.steps && a.losses.elementsEqual(b.losses) { $0.bitPattern == $1.bitPattern }
            && a.penalties.elementsEqual(b.penalties) { $0.bitPattern == $1.bitPattern }
            && a.parameters == b.parameters && a.probes == b.probes && a.probeNames == b.probeNames
            && a.parameterShapes.keys == b.parameterShapes.keys
    }
}

/// Decides when to snapshot and what to measure.
public struct Recorder<Model: DifferentiableModel> {
    /// When to record.
    public let schedule: RecordSchedule
    /// What to measure besides loss and weights.
    public var probes: [Probe<Model>]
    /// Whether to store full weight snapshots.
    public var recordsParameters: Bool
    /// What has been recorded so far.
    public private(set) var recording = Recording()
    private var planned: [Int] = []
    private var next = 0

    /// A recorder with `schedule` and `probes`; weights are stored unless `recordsParameters` is false.
    public init(schedule: RecordSchedule, probes: [Probe<Model>] = [], recordsParameters: Bool = true) {
        self.schedule = schedule
        self.probes = probes
        self.recordsParameters = recordsParameters
    }

    /// Prepares for a run of `totalSteps` steps.
    public mutating func begin(totalSteps: Int) {
        planned = schedule.resolve(totalSteps: totalSteps)
        next = 0
        recording = Recording()
        recording.probeNames = probes.map(\.name)
    }

    /// True when `step` is a planned snapshot (O(1)).
    public func wants(_ step: Int) -> Bool { next < planned.count && planned[next] == step }

    /// Records `model` at `step` with `loss` (the total) and `penalty` (its regularizer part).
    public mutating func record(step: Int, loss: Double, penalty: Double = 0, model: Model) {
        while next < planned.count && planned[next] <= step { next += 1 }
        recording.steps.append(step)
        recording.losses.append(loss)
        recording.penalties.append(penalty)
        if recordsParameters {
            model.forEachParameter { i, w in
                let name = Model.parameterNames[i]
                recording.parameters[name, default: []].append(w.storage)
                recording.parameterShapes[name] = (w.rows, w.cols)
            }
        }
        for p in probes { recording.probes[p.name, default: []].append(p.measure(model)) }
    }
}
