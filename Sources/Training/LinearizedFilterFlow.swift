import Linalg
import Networks
import Theory

/// What a linearised (lazy) training run recorded at its output times.
public struct LinearizedFilterFlowRecord: Sendable {
    /// Output times (gradient-flow time).
    public var times: [Double]
    /// Exact linearised loss `½ ∫ (g_lin − g*)²` at each output time.
    public var losses: [Double]
    /// `‖δW‖_F` at each output time.
    public var weightChanges: [Double]
    /// The linearised model at the last output time.
    public var finalModel: LinearizedFilterRNN
    /// Accepted integrator steps.
    public var acceptedSteps: Int
    /// Rejected integrator steps.
    public var rejectedSteps: Int
    /// Exact loss-and-gradient evaluations (each on the 2N-dimensional augmented system).
    public var gradientEvaluations: Int
}

/// Gradient flow of the lazy / linearised model `dδθ/dt = −η ⊙ ∇_δθ L_lin(δθ)` from δθ = 0, with the base network's
/// trained blocks and rates `(η_W, η_u, η_v)`, integrated by the adaptive `DormandPrince54` (issue 13). `L_lin` is
/// quadratic, so the flow is linear in δθ; the augmented system keeps the spectrum of `A0`, so it never goes unstable.
public struct LinearizedFilterFlow {
    /// The target response (its clock must match the network's).
    public let target: ModalResponse
    /// The integrator of the gradient flow.
    public var integrator: DormandPrince54

    /// A driver for `target` (default tolerances rtol 1e-10, atol 1e-12).
    public init(target: ModalResponse,
                integrator: DormandPrince54 = DormandPrince54(relativeTolerance: 1e-10, absoluteTolerance: 1e-12)) {
        self.target = target
        self.integrator = integrator
    }

    /// Integrates the linearised flow around `network` (δθ = 0 at t = 0) and records at `times` (non-decreasing, ≥ 0).
    public func run(around network: LinearFilterRNN, recordingAt times: [Double]) throws -> LinearizedFilterFlowRecord {
        let field = try LinearizedFlowField(base: network, target: target)
        let y0 = [Double](repeating: 0, count: network.parameterCount)
        let solution: ODESolution
        do {
            solution = try integrator.solve(field, initial: y0, outputTimes: times)
        } catch {
            throw ImpulseResponseFlowError.integrator(error)
        }
        var model = LinearizedFilterRNN(around: network)
        var record = LinearizedFilterFlowRecord(times: [], losses: [], weightChanges: [], finalModel: model,
                                                acceptedSteps: solution.statistics.acceptedSteps,
                                                rejectedSteps: solution.statistics.rejectedSteps, gradientEvaluations: 0)
        for (t, state) in zip(solution.times, solution.states) {
            state.withUnsafeBufferPointer { model.read(from: $0) }
            record.times.append(t)
            record.losses.append(try model.loss(field.distance))
            record.weightChanges.append(model.deltaW.frobeniusNorm)
        }
        record.finalModel = model
        record.gradientEvaluations = field.evaluationCount
        return record
    }
}

/// The linearised gradient-flow field `−η ⊙ ∇L_lin(δθ)` on the flat displacement; a failing evaluation yields NaN
/// derivatives (DP54 then rejects the step or stops with `.nonFinite`).
final class LinearizedFlowField: VectorField {
    let distance: ImpulseResponseDistance
    private(set) var evaluationCount = 0
    private var model: LinearizedFilterRNN
    private var augmented: SystemGradient
    private var gradient: SystemGradient

    init(base: LinearFilterRNN, target: ModalResponse) throws {
        model = LinearizedFilterRNN(around: base)
        distance = try ImpulseResponseDistance(dimension: 2 * base.units, target: target)
        augmented = SystemGradient(dimension: 2 * base.units)
        gradient = SystemGradient(dimension: base.units)
    }

    var dimension: Int { model.base.parameterCount }

    func evaluate(_ t: Double, _ y: UnsafeBufferPointer<Double>, _ dydt: UnsafeMutableBufferPointer<Double>) {
        evaluationCount += 1
        model.read(from: y)
        do {
            _ = try model.lossAndGradient(distance, augmented: &augmented, into: &gradient)
            model.base.writeVelocity(gradient, into: dydt)
        } catch {
            for i in 0..<dydt.count { dydt[i] = .nan }
        }
    }
}
