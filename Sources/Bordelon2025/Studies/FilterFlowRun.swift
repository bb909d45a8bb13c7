import Analysis
import ExperimentKit
import FigureData
import Linalg
import Networks
import Numerics
import Theory
import Training

/// One gradient-flow run of a `LinearFilterRNN` on a filter target (the exact white-noise loss, integrated by the
/// adaptive Dormand–Prince 5(4) at tight tolerance), with what the experiments read from it.
struct FilterFlowRun {
    /// The network at t = 0.
    let initial: LinearFilterRNN
    /// What the flow recorded.
    let record: ImpulseResponseFlowRecord

    /// Runs the flow of `network` towards `target`, recording at `times`; an integrator failure is an
    /// `ExperimentDivergence` of `stage` keeping the initial network.
    static func run(_ network: LinearFilterRNN, target: ModalResponse, times: [Double], tolerance: Double,
                    keepNetworks: Bool = false, stage: String) throws -> FilterFlowRun {
        let flow = ImpulseResponseFlow(target: target, integrator: integrator(tolerance))
        do {
            return FilterFlowRun(initial: network, record: try flow.run(from: network, recordingAt: times, keepNetworks: keepNetworks))
        } catch let error as ImpulseResponseFlowError {
            throw divergence(network, error, tolerance: tolerance, process: "the gradient flow (Dormand–Prince 5(4))", stage: stage)
        }
    }

    /// Runs the lazy (linearised) flow around `network` towards `target`, recording at `times`; an integrator failure
    /// is an `ExperimentDivergence` of `stage` keeping the initial network.
    static func runLinearized(around network: LinearFilterRNN, target: ModalResponse, times: [Double], tolerance: Double,
                              stage: String) throws -> LinearizedFilterFlowRecord {
        do {
            return try LinearizedFilterFlow(target: target, integrator: integrator(tolerance)).run(around: network, recordingAt: times)
        } catch let error as ImpulseResponseFlowError {
            throw divergence(network, error, tolerance: tolerance, process: "the linearised gradient flow (Dormand–Prince 5(4))", stage: stage)
        }
    }

    private static func integrator(_ tolerance: Double) -> DormandPrince54 {
        DormandPrince54(relativeTolerance: tolerance, absoluteTolerance: tolerance * 1e-2)
    }

    private static func divergence(_ network: LinearFilterRNN, _ error: ImpulseResponseFlowError, tolerance: Double,
                                   process: String, stage: String) -> ExperimentDivergence {
        var state = Dataset()
        state.add(DataArray("W0", rows: (0..<network.units).map { network.w.row($0) }, doc: "initial recurrent weights [row, column]"))
        state.add(DataArray("u0", network.u, doc: "initial read-in"))
        state.add(DataArray("v0", network.v, doc: "initial readout"))
        return ExperimentDivergence(stage: stage, process: process, step: 0, diagnostic: error.description, key: "tolerance",
                                    value: tolerance, lastGoodState: state)
    }

    /// The eigenvalue of W with the largest real part at each record.
    var topEigenvalue: [Complex<Double>] { record.eigenvalues.map { $0[0] } }

    /// ‖W(t) − W0‖ (operator norm, the largest singular value) at the last record.
    func finalWeightChange() throws -> Double {
        try (record.finalNetwork.w - initial.w).singularValues().first ?? 0
    }

    /// The spectra as two arrays `<prefix>_re`, `<prefix>_im` of shape [record, N] (sorted by decreasing real part).
    func addSpectra(to data: inout Dataset, prefix: String, what: String) {
        let n = initial.units
        data.add(DataArray("\(prefix)_re", shape: [record.times.count, n], values: record.eigenvalues.flatMap { $0.map(\.real) },
                           doc: "\(what): real parts of the eigenvalues of W at each record [record, eigenvalue], sorted by real part"))
        data.add(DataArray("\(prefix)_im", shape: [record.times.count, n], values: record.eigenvalues.flatMap { $0.map(\.imaginary) },
                           doc: "\(what): imaginary parts of the same eigenvalues [record, eigenvalue]"))
    }
}

extension FilterFlowRun {
    /// The aligned, balanced start of the exact (a, κ) reduction: W0 = 0, u0 = v0 = √(N a0) e for a random unit
    /// vector e drawn from `streams` (so the residue u·v/N is a0 and κ0 = 1).
    static func alignedNetwork(units n: Int, residue a0: Double, streams: RandomStreams) throws -> LinearFilterRNN {
        let u0 = randomDirection(units: n, streams: streams).map { $0 * (Double(n) * a0).squareRoot() }
        return try LinearFilterRNN(w: Matrix(rows: n, cols: n), u: u0, v: u0, readoutScale: 1 / Double(n))
    }

    /// A random unit vector of length `n` from the stream "direction" of `streams`.
    static func randomDirection(units n: Int, streams: RandomStreams) -> [Double] {
        var rng = streams.stream("direction")
        let g = rng.gaussians(n)
        let norm = g.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return g.map { $0 / norm }
    }

    /// The frozen-mode start of `FrozenOutlierMode`: W = (leak − c*) x xᵀ frozen (its x-mode already decays at c*),
    /// u = p x and v = q x trained with rates (η_u, η_v), readout scale ρ; leak 1.
    static func frozenModeNetwork(direction x: [Double], readIn p: Double, readOut q: Double, targetRate cStar: Double,
                                  readoutScale rho: Double, readInRate etaU: Double, readOutRate etaV: Double) throws -> LinearFilterRNN {
        let n = x.count, leak = 1.0
        return try LinearFilterRNN(w: Matrix(rows: n, cols: n) { i, j in (leak - cStar) * x[i] * x[j] },
                                   u: x.map { p * $0 }, v: x.map { q * $0 }, readoutScale: rho, leak: leak,
                                   trained: .init(w: false, u: true, v: true),
                                   learningRates: .init(w: 1, u: etaU, v: etaV))
    }

    /// The circular-law disk |z| ≤ σ as two arrays `<name>_re`, `<name>_im` (a closed polyline, for a reference series).
    static func addDisk(to data: inout Dataset, name: String, sigma: Double) {
        let disk = CircularLaw(sigma: sigma).boundary(points: 128)
        data.add(DataArray("\(name)_re", disk.real, doc: "circular-law disk |z| = σ = \(sigma): real parts of its boundary"))
        data.add(DataArray("\(name)_im", disk.imaginary, doc: "circular-law disk |z| = σ = \(sigma): imaginary parts of its boundary"))
    }

    /// The self-consistency check that the flow conserved C = uuᵀ/η_u − vvᵀ/η_v + (WWᵀ − WᵀW)/η_W: every run's
    /// largest relative drift (labelled) is at most 1e-6.
    static func chargeCheck(_ drifts: [(label: String, drift: Double)]) -> ClaimCheck {
        ClaimCheck(claim: "Gradient flow conserves C = uuᵀ/η_u − vvᵀ/η_v + (WWᵀ − WᵀW)/η_W (relative drift ≤ 1e-6)",
                   holds: drifts.allSatisfy { $0.drift <= 1e-6 },
                   evidence: drifts.map { "\($0.label)largest relative drift \(BordelonR2.format($0.drift))" }.joined(separator: ", "),
                   kind: .selfConsistency)
    }

    /// The eigenvalues of W linked across records by continuity (`EigenvalueTracker`, linear prediction).
    func tracks() throws -> EigenvalueTracks {
        try EigenvalueTracker(prediction: .linear).track(record.eigenvalues, times: record.times)
    }

    /// The `count` tracks whose last values have the largest real parts (ties: larger imaginary part first),
    /// each as its values over the records.
    func leadingTracks(_ count: Int) throws -> [[Complex<Double>]] {
        let all = try tracks().values
        let order = all.indices.sorted {
            let a = all[$0].last!, b = all[$1].last!
            return a.real != b.real ? a.real > b.real : a.imaginary > b.imaginary
        }
        return order.prefix(count).map { all[$0] }
    }

    /// Tracks as two arrays `<prefix>_re`, `<prefix>_im` of shape [record, track] (complex-plane trajectories).
    static func addTracks(_ tracks: [[Complex<Double>]], to data: inout Dataset, prefix: String, what: String) {
        let steps = tracks.first?.count ?? 0
        let k = tracks.count
        data.add(DataArray("\(prefix)_re", shape: [steps, k], values: (0..<steps).flatMap { i in tracks.map { $0[i].real } },
                           doc: "\(what): real parts [record, track]"))
        data.add(DataArray("\(prefix)_im", shape: [steps, k], values: (0..<steps).flatMap { i in tracks.map { $0[i].imaginary } },
                           doc: "\(what): imaginary parts [record, track]"))
    }
}
