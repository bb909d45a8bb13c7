import Foundation
import Linalg

/// 2D or 3D path integration: from heading and speed inputs, report the current position in the box [−L, L]^D.
///
/// Each step draws a heading — azimuth θ uniform on [−π, π) ("headings"), in 3D also elevation φ = asin(u),
/// u uniform on [−1, 1] ("elevations"), so directions are uniform on the sphere — and a speed v uniform on
/// [0, v_max] ("speeds"). The velocity is v(cos θ, sin θ) or v(cos φ cos θ, cos φ sin θ, sin φ). The start p₋₁ is
/// uniform on [−s, s]^D ("starts") and is given as D extra inputs at step 0 only (0 afterwards). The target at step
/// t is p_t = bound(p_{t−1} + velocity_t), bound = per-coordinate `clip` to [−L, L] or mirror `reflect` at ±L.
/// Inputs per step, `cosSin` coding: 2D [cos θ, sin θ, v, x₀, y₀], 3D [cos θ, sin θ, cos φ, sin φ, v, x₀, y₀, z₀];
/// `radians` coding: 2D [θ, v, x₀, y₀], 3D [θ, φ, v, x₀, y₀, z₀]. Every step is scored.
/// Defaults: 2D, T = 100, L = 5 (the paper's output range), starts anywhere in the box, v_max = 0.5, clip, cos/sin.
public struct PathIntegrationTask: TrialLengthDoubling, Codable, Equatable {
    /// How heading angles enter the input.
    public enum AngleCoding: String, Codable, Sendable, CaseIterable {
        /// cos and sin of each angle.
        case cosSin
        /// The angles themselves, in radians.
        case radians
    }

    /// What happens at the walls.
    public enum Boundary: String, Codable, Sendable, CaseIterable {
        /// Each coordinate is clamped to [−L, L].
        case clip
        /// Each coordinate is mirrored back inside at ±L.
        case reflect
    }

    /// 2 or 3.
    public var dimension: Int
    /// Trial length T.
    public var trialLength: Int
    /// Half-width L of the box.
    public var boundary: Double
    /// Half-width s of the start box (0 ≤ s ≤ L).
    public var startHalfWidth: Double
    /// Largest speed per step (0 < v_max ≤ L).
    public var maximumSpeed: Double
    /// Wall rule.
    public var boundaryRule: Boundary
    /// Heading coding.
    public var angleCoding: AngleCoding

    /// A path-integration task (defaults above); call `validate()` or `batch` to check the knobs.
    public init(dimension: Int = 2, trialLength: Int = 100, boundary: Double = 5, startHalfWidth: Double = 5,
                maximumSpeed: Double = 0.5, boundaryRule: Boundary = .clip, angleCoding: AngleCoding = .cosSin) {
        self.dimension = dimension; self.trialLength = trialLength; self.boundary = boundary
        self.startHalfWidth = startHalfWidth; self.maximumSpeed = maximumSpeed; self.boundaryRule = boundaryRule
        self.angleCoding = angleCoding
    }

    public var name: String { "path-integration" }
    /// Heading and speed lines (before the D start lines).
    var motionInputs: Int { (angleCoding == .cosSin ? 2 * (dimension - 1) : dimension - 1) + 1 }
    public var inputDimension: Int { motionInputs + dimension }
    public var outputDimension: Int { dimension }
    public var timeSteps: Int { trialLength }
    /// 0.05 (the paper's threshold).
    public var lossThreshold: Double { 0.05 }
    public var outputRange: ClosedRange<Double> { -boundary...boundary }

    public var parameters: [String: TaskParameter] {
        ["task": .string(name), "dimension": .int(dimension), "trial_length": .int(trialLength), "boundary": .double(boundary),
         "start_half_width": .double(startHalfWidth), "max_speed": .double(maximumSpeed),
         "boundary_rule": .string(boundaryRule.rawValue), "angle_coding": .string(angleCoding.rawValue),
         "loss_threshold": .double(lossThreshold)]
    }

    public func validate() throws {
        guard dimension == 2 || dimension == 3 else {
            throw TaskError.invalidParameter("path-integration dimension = \(dimension); allowed: 2 or 3")
        }
        try TaskKnob.atLeast(trialLength, 1, "path-integration trial_length")
        try TaskKnob.positive(boundary, "path-integration boundary")
        try TaskKnob.within(startHalfWidth, 0...boundary, "path-integration start_half_width")
        guard maximumSpeed.isFinite, maximumSpeed > 0, maximumSpeed <= boundary else {
            throw TaskError.invalidParameter("path-integration max_speed = \(maximumSpeed); allowed: a number in (0, boundary = \(boundary)]")
        }
    }

    /// `position` moved inside [−L, L] by the wall rule (one mirror suffices since a step is at most L).
    public func bounded(_ position: Double) -> Double {
        let L = boundary
        switch boundaryRule {
        case .clip: return min(max(position, -L), L)
        case .reflect: return position > L ? 2 * L - position : (position < -L ? -2 * L - position : position)
        }
    }

    public func batch(size: Int, streams: RandomStreams) throws -> TaskBatch {
        try checkBatchRequest(size: size)
        let D = dimension, dIn = inputDimension, T = trialLength, motion = motionInputs
        var starts = streams.stream("starts"), headings = streams.stream("headings")
        var elevations = streams.stream("elevations"), speeds = streams.stream("speeds")
        var position = [Double](repeating: 0, count: D * size)
        var x = [Double](repeating: 0, count: dIn * T * size), y = [Double](repeating: 0, count: D * T * size)
        for s in 0..<position.count {
            position[s] = startHalfWidth * (2 * starts.uniform() - 1)
            x[(s / D) * dIn + motion + s % D] = position[s]  // step 0, trial s / D, start line s % D
        }
        var velocity = [Double](repeating: 0, count: 3)
        for t in 0..<T {
            for b in 0..<size {
                let theta = Double.pi * (2 * headings.uniform() - 1), speed = maximumSpeed * speeds.uniform()
                let phi = D == 3 ? asin(2 * elevations.uniform() - 1) : 0
                velocity[0] = speed * cos(phi) * cos(theta); velocity[1] = speed * cos(phi) * sin(theta)
                velocity[2] = speed * sin(phi)
                let k = t * size + b, row = k * dIn
                switch (angleCoding, D) {
                case (.cosSin, 2): x[row] = cos(theta); x[row + 1] = sin(theta)
                case (.cosSin, _): x[row] = cos(theta); x[row + 1] = sin(theta); x[row + 2] = cos(phi); x[row + 3] = sin(phi)
                case (.radians, 2): x[row] = theta
                case (.radians, _): x[row] = theta; x[row + 1] = phi
                }
                x[row + motion - 1] = speed
                for i in 0..<D {
                    position[b * D + i] = bounded(position[b * D + i] + velocity[i])
                    y[k * D + i] = position[b * D + i]
                }
            }
        }
        return try TaskBatch(inputs: Matrix(rows: dIn, cols: T * size, columnMajor: x),
                             targets: Matrix(rows: D, cols: T * size, columnMajor: y),
                             mask: Matrix(rows: D, cols: T * size, repeating: 1), timeSteps: T, samples: size)
    }
}
