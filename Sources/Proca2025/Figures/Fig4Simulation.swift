import Dispatch
import ExperimentKit
import Foundation
import Linalg
import Networks
import Tasks
import Training

/// The full-matrix simulation stage of Fig. 4: trains every network of the layout and measures each mode's conditioning.
extension Fig4Layout {
    /// One simulated mode: the full-matrix result, how aligned its network stayed, and the conditioning of its
    /// mode-ODE endpoint.
    struct SimulatedMode: Sendable {
        /// Final b and ac of the full-matrix network in the task frame (a divergence stops the experiment).
        var b: Double, ac: Double
        /// Largest |off-diagonal entry| in this mode's row and column of R^T W_x V_x, R^T W_h R and U_y^T W_y R at
        /// the end: round-off (≈ 10⁻¹⁵) while the network stays on the aligned manifold the mode theory describes.
        var alignment: Double
        /// Relative change of the mode-ODE endpoint (b, ac) per relative change of the initial mode (10⁻⁹ probe).
        /// Large (≫ 1) next to a threshold, where the trajectory lingers near a saddle and round-off decides the timing.
        var condition: Double
    }

    /// Relative size of the initial-mode perturbation used for `SimulatedMode.condition`.
    static let perturbation = 1e-9

    /// Trains every full-matrix network (aligned init with a Haar-random hidden rotation, exact population GD, η and
    /// steps as the grid; width `width(_:)`) in parallel, and measures the conditioning of each simulated mode's
    /// mode-ODE endpoint against the grid's `outcomes`. Results follow `simulatedPoints`.
    func simulate(streams: RandomStreams, threads: Int, outcomes: [ModeDescentGrid.Outcome]) throws -> [SimulatedMode] {
        let nets = networks, pts = simulatedPoints
        let prepared: [(SingularValueTask, TaskBasis)] = try nets.enumerated().map { k, net in
            var rng = streams.stream("fig4-data-\(k)")
            let task = try SingularValueTask(singularValues: net.singularValues, nx: Self.width(net), ny: Self.width(net), rng: &rng)
            var rotation = streams.stream("fig4-init-\(k)")
            return (task, task.basis(r: try Matrix.haarOrthogonal(Self.width(net), using: &rotation)))
        }
        var flat = [Double](repeating: .nan, count: 3 * pts.count)
        let eta = self.eta, steps = self.steps
        // Per network: (member, b, ac, largest off-diagonal entry) of each of its modes.
        let trained = try ParallelMap.map(nets.count, threads: threads) { k -> [(Int, Double, Double, Double)] in
            let (task, basis) = prepared[k]
            let start = Array(repeating: nets[k].initial, count: nets[k].members.count)
            let net = Initializer.aligned(a: start, b: start, c: start, basis: basis)
            var source = PopulationGradient(task: task.population, model: net)
            var recorder = Recorder<LinearRNN>(schedule: .steps([]), recordsParameters: false)
            let run = Trainer.train(net, source: &source,
                                    options: TrainingOptions(steps: steps, optimizer: Optimizer(.gd, learningRate: eta)),
                                    recorder: &recorder)
            if let d = TrainingDivergence(run) { throw d.error(stage: "full-matrix network \(k)", key: "learning_rate", value: eta) }
            guard run.stop == .completed else { return [] }
            let (wx, wh, wy) = basis.projected(run.model)
            return nets[k].members.enumerated().map { j, member in
                var off = 0.0
                for mat in [wx, wh, wy] {
                    for i in 0..<mat.rows where i != j { off = max(off, abs(mat[i, j])) }
                    for i in 0..<mat.cols where i != j { off = max(off, abs(mat[j, i])) }
                }
                return (member, wh[j, j], wx[j, j] * wy[j, j], off)
            }
        }
        for (member, b, ac, off) in trained.joined() {
            flat[3 * member] = b; flat[3 * member + 1] = ac; flat[3 * member + 2] = off
        }
        // Conditioning: the same modes from an initial mode scaled by 1 + 10⁻⁹, against the unperturbed grid.
        let eps = Self.perturbation
        let shifted = ModeDescentGrid(points: pts.map { gi in
            let p = grid.points[gi]
            return .init(singularValues: p.singularValues,
                         initial: .init(a: p.initial.a * (1 + eps), b: p.initial.b * (1 + eps), c: p.initial.c * (1 + eps)))
        }, learningRate: eta, steps: steps).run(threads: threads)
        return pts.indices.map { k in
            let x = outcomes[pts[k]].mode, y = shifted[k].mode
            let change = max(abs(y.b - x.b) / max(abs(x.b), 1e-3), abs(y.u - x.u) / max(abs(x.u), 1e-3))
            return SimulatedMode(b: flat[3 * k], ac: flat[3 * k + 1], alignment: flat[3 * k + 2], condition: change / eps)
        }
    }
}
