import Linalg

/// A seeded, vectorised generator of trials for one of the degeneracy paper's neuroscience tasks.
///
/// Every knob is a stored property, validated by `validate()` (a one-line `TaskError` naming the field and the
/// allowed values) and recorded in `parameters`. Trials are drawn from named streams of the node passed to
/// `batch(size:streams:)`, so the same node gives a bit-identical batch.
public protocol NeuroscienceTask: Sendable {
    /// Short task name recorded with runs ("flip-flop", "delayed-discrimination", …).
    var name: String { get }
    /// Input dimension d_in.
    var inputDimension: Int { get }
    /// Output dimension d_out.
    var outputDimension: Int { get }
    /// Trial length T in steps.
    var timeSteps: Int { get }
    /// The paper's training-MSE stopping threshold for this task.
    var lossThreshold: Double { get }
    /// The range the targets take.
    var outputRange: ClosedRange<Double> { get }
    /// Every knob and derived size, for run metadata.
    var parameters: [String: TaskParameter] { get }
    /// Throws a one-line error naming the first invalid knob and its allowed values.
    func validate() throws
    /// The temporal-generalisation test task: doubled delay (delayed discrimination) or doubled T (the others).
    func outOfDistribution() throws -> Self
    /// `size` trials drawn from the streams of `streams` (inputs, targets and mask in the `TaskBatch` layout).
    func batch(size: Int, streams: RandomStreams) throws -> TaskBatch
}

extension NeuroscienceTask {
    /// Throws unless `size ≥ 1`, then validates the knobs.
    func checkBatchRequest(size: Int) throws {
        try validate()
        guard size >= 1 else { throw TaskError.invalidParameter("\(name) batch size = \(size); allowed: an integer ≥ 1") }
    }
}

/// One recorded task knob: an integer, a real, a string or a flag (encoded as a plain JSON value).
public enum TaskParameter: Sendable, Equatable, Codable, CustomStringConvertible {
    /// An integer knob.
    case int(Int)
    /// A real knob.
    case double(Double)
    /// A named option.
    case string(String)
    /// A flag.
    case bool(Bool)

    /// Decodes a bare JSON value (bool, then integer, then real, then string).
    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let v = try? c.decode(Bool.self) { self = .bool(v) }
        else if let v = try? c.decode(Int.self) { self = .int(v) }
        else if let v = try? c.decode(Double.self) { self = .double(v) }
        else { self = .string(try c.decode(String.self)) }
    }

    /// Encodes a bare JSON value.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .int(let v): try c.encode(v)
        case .double(let v): try c.encode(v)
        case .string(let v): try c.encode(v)
        case .bool(let v): try c.encode(v)
        }
    }

    /// The value as text.
    public var description: String {
        switch self {
        case .int(let v): "\(v)"
        case .double(let v): "\(v)"
        case .string(let v): v
        case .bool(let v): "\(v)"
        }
    }
}

/// Knob checks shared by the tasks; each throws a one-line `TaskError.invalidParameter`.
enum TaskKnob {
    /// Throws unless `value ≥ minimum`.
    static func atLeast(_ value: Int, _ minimum: Int, _ field: String) throws {
        guard value >= minimum else { throw TaskError.invalidParameter("\(field) = \(value); allowed: an integer ≥ \(minimum)") }
    }

    /// Throws unless `value` is finite and in `range`.
    static func within(_ value: Double, _ range: ClosedRange<Double>, _ field: String) throws {
        guard value.isFinite, range.contains(value) else {
            throw TaskError.invalidParameter("\(field) = \(value); allowed: a number in \(range.lowerBound)…\(range.upperBound)")
        }
    }

    /// Throws unless `value` is finite and > 0.
    static func positive(_ value: Double, _ field: String) throws {
        guard value.isFinite, value > 0 else { throw TaskError.invalidParameter("\(field) = \(value); allowed: a finite number > 0") }
    }
}

/// A task whose out-of-distribution variant is itself at twice the trial length (every task but discrimination).
public protocol TrialLengthDoubling: NeuroscienceTask {
    /// Trial length T.
    var trialLength: Int { get set }
}

extension TrialLengthDoubling {
    /// The same task with doubled trial length (after validating the knobs).
    public func outOfDistribution() throws -> Self {
        try validate()
        var task = self
        task.trialLength = 2 * trialLength
        return task
    }
}
