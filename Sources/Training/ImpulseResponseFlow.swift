import Linalg
import Networks
import Numerics
import Theory

/// What an impulse-response training run recorded at its output times.
public struct ImpulseResponseFlowRecord: Sendable {
    /// Output times (gradient-flow time; for gradient descent, step × step size).
    public var times: [Double]
    /// Exact loss at each output time.
    public var losses: [Double]
    /// Eigenvalues of W at each output time, sorted by decreasing real part (then decreasing imaginary part).
    public var eigenvalues: [[Complex<Double>]]
    /// Relative drift of the conserved charge, `‖C(t) − C(0)‖_F / ‖C(0)‖_F` (absolute when `C(0) = 0`).
    public var chargeDrift: [Double]
    /// The network at each output time (empty unless requested).
    public var networks: [LinearFilterRNN]
    /// The network at the last output time.
    public var finalNetwork: LinearFilterRNN
    /// Accepted integrator steps (gradient descent: updates).
    public var acceptedSteps: Int
    /// Rejected integrator steps (0 for gradient descent).
    public var rejectedSteps: Int
    /// Exact loss-and-gradient evaluations.
    public var gradientEvaluations: Int
    /// Exact evaluations (vector field and recorded losses) done by the Krylov route (`ImpulseResponseDistance.GramianMethod`).
    public var krylovEvaluations = 0
    /// Exact evaluations (vector field and recorded losses) done by the Schur route.
    public var schurEvaluations = 0
}

/// Failures of an impulse-response training run (one line each).
public enum ImpulseResponseFlowError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The adaptive integrator failed (step underflow, step budget, or an unstable/non-finite state).
    case integrator(ODEError)
    /// Gradient descent left the stable region or produced a non-finite loss at `step` (the last good state is the
    /// one recorded at or before `step − 1`; record every step to keep it).
    case diverged(step: Int, reason: String)
    /// Output times or step settings are invalid (the message names the field).
    case invalidSettings(String)

    /// One-line explanation.
    public var description: String {
        switch self {
        case let .integrator(e): return "impulse-response gradient flow failed: \(e)"
        case let .diverged(step, reason): return "gradient descent diverged at step \(step): \(reason)"
        case let .invalidSettings(message): return "invalid flow settings: \(message)"
        }
    }
}

/// Trains a `LinearFilterRNN` on the exact white-noise loss `½ ∫ (g − g*)²`: gradient flow `dθ/dt = −η ⊙ ∇L`
/// integrated by the adaptive `DormandPrince54`, or plain gradient descent `θ ← θ − Δt η ⊙ ∇L` (issue 13).
public struct ImpulseResponseFlow {
    /// The target response (its clock must match the network's).
    public let target: ModalResponse
    /// The integrator of the gradient flow.
    public var integrator: DormandPrince54

    /// A driver for `target`; the default tolerances (rtol 1e-10, atol 1e-12) make the flow effectively exact.
    public init(target: ModalResponse,
                integrator: DormandPrince54 = DormandPrince54(relativeTolerance: 1e-10, absoluteTolerance: 1e-12)) {
        self.target = target
        self.integrator = integrator
    }

    /// Integrates the gradient flow from `network` (t = 0) and records at `times` (non-decreasing, ≥ 0); with
    /// `stopBelowLoss`, the run ends at the first accepted step whose loss is at or below it, and the record's last
    /// entry is that step (its time is then not one of `times`).
    public func run(from network: LinearFilterRNN, recordingAt times: [Double], keepNetworks: Bool = false,
                    stopBelowLoss: Double? = nil) throws -> ImpulseResponseFlowRecord {
        let field = try GradientFlowField(network: network, target: target)
        var y0 = [Double](repeating: 0, count: network.parameterCount)
        y0.withUnsafeMutableBufferPointer { network.write(into: $0) }
        let solution: ODESolution
        do {
            var workspace = ODEWorkspace(dimension: field.dimension)
            // After an accepted step the last evaluation (first-same-as-last) was at the accepted state.
            let stop: ((Double, UnsafeBufferPointer<Double>) -> Bool)? = stopBelowLoss.map { goal in { _, _ in field.lastLoss <= goal } }
            solution = try integrator.solve(field, initial: y0, outputTimes: times, workspace: &workspace, stop: stop)
        } catch {
            throw ImpulseResponseFlowError.integrator(error)
        }
        var record = Self.emptyRecord(network)
        let charge0 = network.conservedCharge()
        var net = network
        for (t, state) in zip(solution.times, solution.states) {
            state.withUnsafeBufferPointer { net.read(from: $0) }
            try Self.append(net, time: t, charge0: charge0, distance: field.distance, keep: keepNetworks, to: &record)
        }
        record.acceptedSteps = solution.statistics.acceptedSteps
        record.rejectedSteps = solution.statistics.rejectedSteps
        record.gradientEvaluations = field.evaluationCount
        record.krylovEvaluations = field.distance.krylovEvaluations
        record.schurEvaluations = field.distance.schurEvaluations
        return record
    }

    /// Plain gradient descent with step `stepSize` for `steps` updates, recording every `recordEvery` steps (and at 0).
    public func gradientDescent(from network: LinearFilterRNN, stepSize: Double, steps: Int, recordEvery: Int,
                                keepNetworks: Bool = false) throws -> ImpulseResponseFlowRecord {
        guard stepSize > 0, stepSize.isFinite else { throw ImpulseResponseFlowError.invalidSettings("stepSize must be positive, got \(stepSize)") }
        guard steps >= 0 else { throw ImpulseResponseFlowError.invalidSettings("steps must be ≥ 0, got \(steps)") }
        guard recordEvery >= 1 else { throw ImpulseResponseFlowError.invalidSettings("recordEvery must be ≥ 1, got \(recordEvery)") }
        let distance = try ImpulseResponseDistance(dimension: network.units, target: target)
        var gradient = SystemGradient(dimension: network.units)
        var theta = [Double](repeating: 0, count: network.parameterCount), velocity = theta
        var net = network
        var record = Self.emptyRecord(network)
        let charge0 = network.conservedCharge()
        try Self.append(net, time: 0, charge0: charge0, distance: distance, keep: keepNetworks, to: &record)
        theta.withUnsafeMutableBufferPointer { net.write(into: $0) }
        for step in stride(from: 1, through: steps, by: 1) {
            do {
                let loss = try net.lossAndGradient(distance, into: &gradient)
                guard loss.isFinite else { throw ImpulseResponseFlowError.diverged(step: step, reason: "loss is \(loss)") }
            } catch let error as FilterLearningError {
                throw ImpulseResponseFlowError.diverged(step: step, reason: error.description)
            }
            record.gradientEvaluations += 1
            velocity.withUnsafeMutableBufferPointer { net.writeVelocity(gradient, into: $0) }
            for k in theta.indices { theta[k] += stepSize * velocity[k] }
            theta.withUnsafeBufferPointer { net.read(from: $0) }
            record.acceptedSteps += 1
            if step % recordEvery == 0 || step == steps {
                do {
                    try Self.append(net, time: Double(step) * stepSize, charge0: charge0, distance: distance,
                                    keep: keepNetworks, to: &record)
                } catch let error as FilterLearningError {
                    throw ImpulseResponseFlowError.diverged(step: step, reason: error.description)
                }
            }
        }
        return record
    }

    private static func emptyRecord(_ network: LinearFilterRNN) -> ImpulseResponseFlowRecord {
        ImpulseResponseFlowRecord(times: [], losses: [], eigenvalues: [], chargeDrift: [], networks: [],
                                  finalNetwork: network, acceptedSteps: 0, rejectedSteps: 0, gradientEvaluations: 0)
    }

    private static func append(_ net: LinearFilterRNN, time: Double, charge0: Matrix, distance: ImpulseResponseDistance,
                               keep: Bool, to record: inout ImpulseResponseFlowRecord) throws {
        record.times.append(time)
        record.losses.append(try net.loss(distance))
        record.eigenvalues.append(try net.eigenvalues().sorted {
            $0.real != $1.real ? $0.real > $1.real : $0.imaginary > $1.imaginary
        })
        let scale = charge0.frobeniusNorm
        let drift = (net.conservedCharge() - charge0).frobeniusNorm
        record.chargeDrift.append(scale > 0 ? drift / scale : drift)
        if keep { record.networks.append(net) }
        record.finalNetwork = net
    }
}

/// The gradient-flow vector field `−η ⊙ ∇L(θ)` on the flat parameter vector; an unstable or failing state yields NaN
/// derivatives, which makes `DormandPrince54` reject the trial step (or stop with `.nonFinite` on the true path).
final class GradientFlowField: VectorField {
    let distance: ImpulseResponseDistance
    private(set) var evaluationCount = 0
    /// The loss at the last evaluated state (NaN when that state failed).
    private(set) var lastLoss = Double.nan
    private var network: LinearFilterRNN
    private var gradient: SystemGradient

    init(network: LinearFilterRNN, target: ModalResponse) throws {
        self.network = network
        distance = try ImpulseResponseDistance(dimension: network.units, target: target)
        gradient = SystemGradient(dimension: network.units)
    }

    var dimension: Int { network.parameterCount }

    func evaluate(_ t: Double, _ y: UnsafeBufferPointer<Double>, _ dydt: UnsafeMutableBufferPointer<Double>) {
        evaluationCount += 1
        network.read(from: y)
        do {
            lastLoss = try network.lossAndGradient(distance, into: &gradient)
            network.writeVelocity(gradient, into: dydt)
        } catch {
            lastLoss = .nan
            for i in 0..<dydt.count { dydt[i] = .nan }
        }
    }
}
