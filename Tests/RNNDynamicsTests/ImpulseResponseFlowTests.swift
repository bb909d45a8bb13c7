import Foundation
import Numerics
import Testing
@testable import Linalg
@testable import Networks
@testable import Tasks
@testable import Theory
@testable import Training

/// Issue 13 engine: the exact discrete gradient against sampled-noise BPTT, the conserved charge along gradient flow,
/// and the spec's regression numbers for the (reconstructed) aligned and oscillator runs.
@Suite struct ImpulseResponseFlowTests {
    /// Per-sequence BPTT of `(1/T) Σ_{t ≥ burnIn} ½ (y_t − y*_t)²` for `h_{t+1} = A h_t + u x_t`, `y_t = s vᵀ h_{t+1}`,
    /// with `y*_t = Re Σ_k r_k Σ_{j ≤ t} ρ_k^{t−j} x_j` on the same noise. Returns the loss and the flat gradient.
    private func bptt(_ net: LinearFilterRNN, _ target: ModalResponse, noise x: [Double], burnIn: Int) -> (Double, [Double]) {
        let n = net.units, steps = x.count, measured = Double(steps - burnIn)
        let a = net.systemMatrix, s = net.readoutScale
        var states = [[Double]](repeating: [Double](repeating: 0, count: n), count: steps + 1)  // states[t] = h_t
        var modes = [Complex<Double>](repeating: .zero, count: target.poles.count)
        var errors = [Double](repeating: 0, count: steps)
        var loss = 0.0
        for t in 0..<steps {
            var next = a * states[t]
            for i in 0..<n { next[i] += net.u[i] * x[t] }
            states[t + 1] = next
            var targetValue = 0.0
            for k in modes.indices {
                modes[k] = target.poles[k] * modes[k] + Complex(x[t])
                targetValue += (target.residues[k] * modes[k]).real
            }
            let y = s * zip(net.v, next).reduce(0) { $0 + $1.0 * $1.1 }
            if t >= burnIn {
                errors[t] = (y - targetValue) / measured
                loss += 0.5 * (y - targetValue) * (y - targetValue) / measured
            }
        }
        var gradient = [Double](repeating: 0, count: net.parameterCount)
        var adjoint = [Double](repeating: 0, count: n)  // ∂L/∂h_{t+1}
        for t in stride(from: steps - 1, through: 0, by: -1) {
            // δ_{t+1} = s v e_t + Aᵀ δ_{t+2}
            var delta = a.transposeTimes(Matrix(rows: n, cols: 1, columnMajor: adjoint)).storage
            for i in 0..<n { delta[i] += s * net.v[i] * errors[t] }
            for j in 0..<n { for i in 0..<n { gradient[i + j * n] += delta[i] * states[t][j] } }
            for i in 0..<n {
                gradient[n * n + i] += delta[i] * x[t]
                gradient[n * n + n + i] += s * errors[t] * states[t + 1][i]
            }
            adjoint = delta
        }
        return (loss, gradient)
    }

    @Test func exactDiscreteGradientIsTheMeanNoiseBPTTGradient() throws {
        let target = try ModalResponse(clock: .discrete, residues: [Complex(1), Complex(0, -0.5)],
                                       poles: [Complex(0.7), Complex(length: 0.6, phase: 0.5)])
        let net = try FilterLearningCheck.network(units: 6, sigma: 0.4, shift: 0, readout: .inverseSqrtN, leak: 0,
                                                  clock: .discrete, seed: 60)
        let distance = try ImpulseResponseDistance(dimension: 6, target: target)
        var g = SystemGradient(dimension: 6)
        let exactLoss = try net.lossAndGradient(distance, into: &g)
        let radius = max(distance.schur.spectralRadius, 0.7)
        let burnIn = Int((log(1e-10) / log(radius)).rounded(.up)) + 10
        #expect(pow(radius, Double(burnIn)) < 1e-10)
        let exact = g.a.storage + g.b + g.c
        var noise = RandomStreams(seed: 61).child("bptt-check").stream("noise")
        let sequences = 300, measured = 200
        var samples: [[Double]] = []
        var losses: [Double] = []
        for _ in 0..<sequences {
            let (loss, grad) = bptt(net, target, noise: noise.gaussians(burnIn + measured), burnIn: burnIn)
            losses.append(loss); samples.append(grad)
        }
        let m = Double(sequences)
        func meanAndError(_ values: [Double]) -> (Double, Double) {
            let mu = values.reduce(0, +) / m
            return (mu, (values.reduce(0) { $0 + ($1 - mu) * ($1 - mu) } / (m - 1) / m).squareRoot())
        }
        let (lossMean, lossError) = meanAndError(losses)
        #expect(abs(lossMean - exactLoss) <= 4 * lossError, "loss \(lossMean) ± \(lossError) vs exact \(exactLoss)")
        let componentStats = exact.indices.map { k in meanAndError(samples.map { $0[k] }) }

        /// Per block: z-score of the mean projection on the unit direction of `reference` (standard error from the
        /// per-sequence projections), and the RMS of the component z-scores.
        func zScores(_ reference: [Double], _ range: Range<Int>) -> (projection: Double, rms: Double) {
            let norm = range.reduce(0.0) { $0 + reference[$1] * reference[$1] }.squareRoot()
            let projections = samples.map { g in range.reduce(0.0) { $0 + (g[$1] - reference[$1]) * reference[$1] / norm } }
            let (p, pError) = meanAndError(projections)
            let squares = range.reduce(0.0) { $0 + pow((componentStats[$1].0 - reference[$1]) / componentStats[$1].1, 2) }
            return (abs(p) / pError, (squares / Double(range.count)).squareRoot())
        }
        let n = 6, nn = 36
        let blocks = [("W", 0..<nn), ("u", nn..<(nn + n)), ("v", (nn + n)..<(nn + 2 * n))]
        for (name, range) in blocks {
            let z = zScores(exact, range)
            #expect(z.projection <= 4 && z.rms <= 2, "\(name): projection z \(z.projection), RMS component z \(z.rms)")
            #expect(range.allSatisfy { abs(componentStats[$0].0 - exact[$0]) <= 4 * componentStats[$0].1 },
                    "\(name): some component is more than 4 standard errors from the exact gradient")
        }
        // The statistic can fail: the exact gradient for a slightly different target is many standard errors away.
        let other = try ModalResponse(clock: .discrete, residues: [Complex(1.1), Complex(0, -0.5)],
                                      poles: [Complex(0.7), Complex(length: 0.6, phase: 0.5)])
        _ = try net.lossAndGradient(ImpulseResponseDistance(dimension: 6, target: other), into: &g)
        let wrong = g.a.storage + g.b + g.c
        #expect(blocks.contains { zScores(wrong, $0.1).projection > 4 }, "a wrong gradient must be detected")
    }

    @Test func chargeIsConservedAlongTightGradientFlow() throws {
        let target = try FilterTarget.dampedOscillator(rate: 0.3, frequency: 1.0)
        let net = try LinearFilterRNN.random(units: 8, sigma: 0.5, streams: RandomStreams(seed: 70).child("charge"))
        let flow = ImpulseResponseFlow(target: target,
                                       integrator: DormandPrince54(relativeTolerance: 1e-12, absoluteTolerance: 1e-14))
        let record = try flow.run(from: net, recordingAt: [1, 3, 5])
        #expect(record.losses.last! < 0.5 * (try net.loss(ImpulseResponseDistance(dimension: 8, target: target))))
        #expect(record.chargeDrift.allSatisfy { $0 <= 1e-6 }, "charge drift \(record.chargeDrift)")
        // Unequal rates in the formula break the conservation law.
        var wrongStart = net, wrongEnd = record.finalNetwork
        wrongStart.learningRates.v *= 2; wrongEnd.learningRates.v *= 2
        let c0 = wrongStart.conservedCharge()
        let drift = (wrongEnd.conservedCharge() - c0).frobeniusNorm / c0.frobeniusNorm
        #expect(drift > 1e-3, "broken charge drift \(drift)")
        #expect(record.gradientEvaluations > record.acceptedSteps)
    }

    @Test func alignedRunMatchesSpecRegression() throws {
        // Spec A.4 (reconstructed model): N = 60, c* = 0.2, σ = 0, u0 = v0 with ‖u0‖ = √N (a0 = 1), W0 = 0, rates (1, N, N).
        let n = 60
        var stream = RandomStreams(seed: 80).child("aligned").stream("direction")
        var direction = stream.gaussians(n)
        let norm = direction.reduce(0) { $0 + $1 * $1 }.squareRoot()
        direction = direction.map { $0 / norm * Double(n).squareRoot() }
        let net = try LinearFilterRNN(w: Matrix(rows: n, cols: n), u: direction, v: direction, readoutScale: 1 / Double(n))
        let target = try FilterTarget.leakyIntegrator(rate: 0.2)
        let record = try ImpulseResponseFlow(target: target).run(from: net, recordingAt: [3])
        let lambda = record.eigenvalues[0][0]
        #expect(abs(lambda.real - 0.79922) <= 5e-5, "λ_max = \(lambda)")
        let loss = record.losses[0]
        #expect(abs(loss - 8.2247e-6) <= 1e-4 * 8.2247e-6, "L(3) = \(loss)")

        // The same run from the (a, κ) reduction of spec A.4 (R1), integrated independently.
        let c = 0.2
        let reduced = ClosureVectorField(dimension: 2) { _, y, dy in
            let a = y[0], kappa = y[1]
            dy[0] = 2 * a * (1 / (kappa + c) - a / (2 * kappa))
            dy[1] = a * a / (4 * kappa * kappa) - a / ((kappa + c) * (kappa + c))
        }
        let end = try DormandPrince54(relativeTolerance: 1e-12, absoluteTolerance: 1e-14)
            .solve(reduced, initial: [1, 1], outputTimes: [3]).finalState
        let reducedLoss = end[0] * end[0] / (4 * end[1]) - end[0] / (end[1] + c) + 1 / (4 * c)
        #expect(abs(1 - end[1] - lambda.real) <= 1e-7, "reduced λ = \(1 - end[1])")
        #expect(abs(reducedLoss - record.losses[0]) <= 1e-6 * reducedLoss, "reduced L = \(reducedLoss)")
    }

    @Test func oscillatorPairConvergesToTarget() throws {
        // Spec A.4 damped oscillator (reconstructed model): N = 40, c* = 0.2, Ω = 1.5, σ = 0, random u0, v0.
        let net = try LinearFilterRNN.random(units: 40, sigma: 0, streams: RandomStreams(seed: 90).child("oscillator"))
        let target = try FilterTarget.dampedOscillator(rate: 0.2, frequency: 1.5)
        let flow = ImpulseResponseFlow(target: target,
                                       integrator: DormandPrince54(relativeTolerance: 1e-8, absoluteTolerance: 1e-10))
        let record = try flow.run(from: net, recordingAt: [10, 20, 30, 40])
        let top = record.eigenvalues.last!.prefix(2)
        for lambda in top {
            #expect(abs(lambda.real - 0.8) <= 1e-3 && abs(abs(lambda.imaginary) - 1.5) <= 1e-3, "top pair \(Array(top))")
        }
        #expect(record.losses.last! < 1e-4 * record.losses.first!, "losses \(record.losses)")
    }

    @Test func gradientDescentFollowsTheFlowAndReportsDivergence() throws {
        let target = try FilterTarget.leakyIntegrator(rate: 0.5)
        let net = try LinearFilterRNN.random(units: 6, sigma: 0.3, streams: RandomStreams(seed: 95).child("gd"))
        let flow = ImpulseResponseFlow(target: target)
        let exact = try flow.run(from: net, recordingAt: [1])
        let descent = try flow.gradientDescent(from: net, stepSize: 1e-3, steps: 1000, recordEvery: 500)
        #expect(descent.times == [0, 0.5, 1])
        // Euler is first order: the loss after t = 1 agrees with the exact flow to O(Δt).
        #expect(abs(descent.losses.last! - exact.losses[0]) <= 1e-2 * exact.losses[0])
        #expect(abs(descent.losses.last! - exact.losses[0]) > 1e-9)
        #expect(throws: ImpulseResponseFlowError.self) {
            try flow.gradientDescent(from: net, stepSize: 50, steps: 20, recordEvery: 1)
        }
        // Frozen blocks stay put; the trained ones move.
        var frozen = net
        frozen.trained = LinearFilterRNN.TrainedBlocks(w: false, u: true, v: false)
        let moved = try flow.run(from: frozen, recordingAt: [1]).finalNetwork
        #expect(moved.w == net.w && moved.v == net.v && moved.u != net.u)
    }

    /// `stopBelowLoss` ends the flow at the first accepted step at or below the goal: the stopping state's loss is
    /// there, the same flow integrated to that time lands on the same state, and shortly before it the loss was above.
    @Test func flowStopsAtTheFirstStepBelowTheGoal() throws {
        let target = try FilterTarget.leakyIntegrator(rate: 0.3)
        let net = try LinearFilterRNN.random(units: 40, sigma: 0.1, streams: RandomStreams(seed: 8).child("stop"))
        let flow = ImpulseResponseFlow(target: target, integrator: DormandPrince54(relativeTolerance: 1e-8, absoluteTolerance: 1e-10))
        let goal = 1e-2
        let stopped = try flow.run(from: net, recordingAt: [0, 1, 1000], stopBelowLoss: goal)
        let tStop = try #require(stopped.times.last)
        #expect(stopped.times.count == 3 && stopped.times[1] == 1 && tStop > 1 && tStop < 1000, "\(stopped.times)")
        #expect(stopped.losses.last! <= goal && stopped.losses[1] > goal, "\(stopped.losses)")
        #expect(stopped.krylovEvaluations > 0 && stopped.schurEvaluations == 0, "N = 40, σ = 0.1 is certified: Krylov route")
        let direct = try flow.run(from: net, recordingAt: [tStop])
        let a = direct.finalNetwork.w.storage, b = stopped.finalNetwork.w.storage
        let gap = zip(a, b).map { abs($0 - $1) }.max()!
        #expect(gap <= 1e-7, "state at the stopping time differs by \(gap)")
        let before = try flow.run(from: net, recordingAt: [0.98 * tStop])
        #expect(before.losses.last! > goal, "the loss was already \(before.losses.last!) at 0.98 t_stop")
    }
}
