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
        let flow = ImpulseResponseFlow(target: target,
                                       integrator: DormandPrince54(relativeTolerance: tolerance, absoluteTolerance: tolerance * 1e-2))
        do {
            return FilterFlowRun(initial: network, record: try flow.run(from: network, recordingAt: times, keepNetworks: keepNetworks))
        } catch let error as ImpulseResponseFlowError {
            var state = Dataset()
            state.add(DataArray("W0", rows: (0..<network.units).map { network.w.row($0) }, doc: "initial recurrent weights [row, column]"))
            state.add(DataArray("u0", network.u, doc: "initial read-in"))
            state.add(DataArray("v0", network.v, doc: "initial readout"))
            throw ExperimentDivergence(stage: stage, process: "the gradient flow (Dormand–Prince 5(4))", step: 0,
                                       diagnostic: error.description, key: "tolerance", value: tolerance, lastGoodState: state)
        }
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
