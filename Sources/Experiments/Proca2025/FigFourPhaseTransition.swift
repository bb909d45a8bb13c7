import Dispatch
import Foundation
import Linalg
import Networks
import Tasks
import Theory
import Training

/// Proca et al. 2025, Fig. 4: with no zero-loss solution, a mode either prunes its recurrence or becomes recurrent.
///
/// The last singular value is replaced by κ (Eq. 10) or the task is two Dirac deltas (Eq. 11), so the network must
/// choose between the feed-forward part (b → 0, ac → κ: the recurrent mode is pruned) and the recurrent part
/// (the family's zero-loss solution). Columns: constant family s_{t<T} = δ (x = δ ∈ [0, 2]), exponential family
/// s_{t<T} = δ_e λ^t (x = λ ∈ [0, 1]), Dirac family s_1 = β (x = β ∈ [0, 4]); each with s_T = κ, one colour per κ.
/// Top row: b after the step budget; middle row: ac. Dotted lines: the zero-loss solution (b*, ac*) of the unmodified
/// family, which the network reaches where κ = δ f(λ, T) (constant: b* = 1, ac* = δ; exponential: b* = 1/λ,
/// ac* = δ_e λ^T). The Dirac task has no zero-loss solution; its dotted lines mark the Landau global threshold
/// s_1 = s_T (App. H). Bottom row: the transition sharpens with T (constant family, κ = `sharpness_kappa`, several T),
/// and the Dirac task in the Landau parameterisation s_1 = β, s_T = 1/β (Fig. A3) at T = 3 (continuous onset at
/// β_c = 1/√2) and T = 4 (jump at β_c = 1), with the Landau minimum dashed and β_c dotted.
///
/// Theory (dashed): gradient descent of the per-mode ODE (Eqs. 5–7, one explicit-Euler step of size η per GD step)
/// at every grid point (`ModeDescentGrid`, parallel, bit-identical for any thread count). Simulation (solid):
/// full-matrix aligned linear RNNs trained by exact population GD on a coarser sub-grid; each network carries several
/// independent modes (one per κ, or one per x in the bottom row) and has exactly one hidden unit per mode (see
/// `Fig4Layout.width(_:)` for why spare hidden units break the mode theory here).
///
/// The paper states no T, initialisation, learning rate or step budget, and the observed thresholds depend on all of
/// them (spec §6.3: the pruned branch is metastable), so all are parameters. Defaults: T = 4, every mode starting at
/// 0.5 (a non-trivial init, which the Dirac switch needs; spec §6.3), full η = 3·10⁻⁴ for 120 000 steps (flow time
/// 36), quick η = 10⁻³ for 10 000 steps (flow time 10). Why T = 4 and these steps: for T ≥ 4 the Dirac recurrent branch
/// has no finite minimum (E* → ½κ² as b → ∞ with ac → 0), so GD's b runs away (b⁴ grows ∝ β² t) until the
/// (a, c)-curvature 2β b^{T−1} reaches GD's stability limit 2/η. At T = 6 that happens for any affordable η and
/// budget (GD then oscillates with period 2 and full-matrix networks diverge); at T = 4 with these η the whole grid
/// stays below it (`eta_curvature_*` < 1). The Dirac b in the recurrent phase is still set by the budget
/// (`final_speed_*` shows which points are still moving). Quick: coarse grids and 3 κ values; full: the paper's
/// ranges with fine grids and κ = 0.2 … 1.2.
public struct ProcaFig4: Experiment {
    /// The experiment.
    public init() {}
    public var id: String { "proca2025.fig4" }
    public var paperFigure: String { "Proca et al. 2025, Fig. 4" }
    public var summary: String {
        "Feed-forward vs recurrent phase transition: pruned (b ≈ 0, ac ≈ κ) below a threshold, recurrent above"
    }

    public func parameters(_ preset: Preset) -> [String: Any] {
        let q = preset == .quick
        return [
            "T": 4, "initial_mode": 0.5, "learning_rate": q ? 0.001 : 0.0003, "steps": q ? 10_000 : 120_000,
            "kappas": q ? [0.4, 0.8, 1.2] : [0.2, 0.4, 0.6, 0.8, 1.0, 1.2],
            "delta_max": 2.0, "lambda_max": 1.0, "beta_max": 4.0, "exponential_delta": 1.0,
            "grid_points": q ? 9 : 81, "simulation_every": q ? 4 : 10,
            "sharpness_kappa": 1.0, "sharpness_lengths": [3, 6, 10], "sharpness_delta_max": 1.0,
            "sharpness_points": q ? 11 : 41,
            "landau_beta_min": 0.3, "landau_beta_max": 1.2, "landau_points": q ? 19 : 73, "landau_initial_mode": 0.5,
            "landau_b_max": 50.0, "pruned_ratio": 0.1, "modes_per_network": q ? 12 : 8, "threads": 2,
        ]
    }

    public func run(parameters p: ConfigReader, seed: UInt64, progress: @escaping @Sendable (Double) -> Void) throws -> ExperimentResult {
        let layout = try Fig4Layout(parameters: p)
        let outcomes = layout.grid.run(threads: layout.threads)
        progress(0.3)
        let sims = try layout.simulate(seed: seed, outcomes: outcomes)
        progress(0.9)
        return layout.assemble(outcomes: outcomes, simulations: sims)
    }
}

/// The three columns of Fig. 4.
enum Fig4Family: Int, CaseIterable, Sendable {
    case constant, exponential, dirac

    var name: String { ["constant", "exponential", "dirac"][rawValue] }
    var xName: String { ["delta", "lambda", "beta"][rawValue] }
    var xSymbol: String { ["δ", "λ", "β"][rawValue] }
}

/// Every grid point of Fig. 4 (mode ODE) and every full-matrix network, from the parameters.
struct Fig4Layout: Sendable {
    let T: Int, initial: Double, eta: Double, steps: Int, threads: Int
    let kappas: [Double]
    let xs: [[Double]]                  // per family
    let deltaE: Double
    let simEvery: Int
    let sharpKappa: Double, sharpLengths: [Int], sharpDeltas: [Double]
    let landauBetas: [Double], landauInitial: Double, landauBMax: Double
    let prunedRatio: Double
    let modesPerNetwork: Int
    /// Landau panel lengths (fixed: the spec's continuous and first-order cases).
    static let landauLengths = [3, 4]

    /// All mode-ODE points: main [family][κ][x], then zero-loss crossings, sharpness [T][δ], Landau [T][β].
    let grid: ModeDescentGrid
    let mainOffset: [Int]               // per family
    let zeroLoss: [(family: Fig4Family, kappa: Int, x: Double, optimum: Proca2025.Optimum)]
    let zeroLossOffset: Int
    let sharpOffset: Int
    let landauOffset: Int

    init(parameters p: ConfigReader) throws {
        T = try p.int("T", in: 3...64)
        initial = try p.double("initial_mode", in: 1e-6...10)
        eta = try p.double("learning_rate", in: 1e-7...1)
        steps = try p.int("steps", in: 1...100_000_000)
        kappas = try p.doubles("kappas")
        guard !kappas.isEmpty, kappas.allSatisfy({ $0 > 0 && $0 <= 100 }) else {
            throw ConfigError(key: "\(p.path).kappas", "needs at least one κ in (0, 100]")
        }
        let maxima = [try p.double("delta_max", in: 1e-3...100), try p.double("lambda_max", in: 1e-3...10),
                      try p.double("beta_max", in: 1e-3...100)]
        deltaE = try p.double("exponential_delta", in: 1e-3...100)
        let n = try p.int("grid_points", in: 3...100_000)
        xs = maxima.map { Self.linspace(0, $0, n) }
        simEvery = try p.int("simulation_every", in: 1...100_000)
        sharpKappa = try p.double("sharpness_kappa", in: 1e-3...100)
        let lengths = try p.doubles("sharpness_lengths")
        guard lengths.count >= 2, lengths.allSatisfy({ $0 == $0.rounded() && $0 >= 2 && $0 <= 64 }),
              zip(lengths, lengths.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw ConfigError(key: "\(p.path).sharpness_lengths", "needs at least two increasing integers in 2…64")
        }
        sharpLengths = lengths.map { Int($0) }
        sharpDeltas = Self.linspace(0, try p.double("sharpness_delta_max", in: 1e-3...100),
                                    try p.int("sharpness_points", in: 3...100_000))
        let bMin = try p.double("landau_beta_min", in: 1e-3...100)
        let bMaxBeta = try p.double("landau_beta_max", in: 1e-3...100)
        guard bMaxBeta > bMin else { throw ConfigError(key: "\(p.path).landau_beta_max", "must exceed landau_beta_min") }
        landauBetas = Self.linspace(bMin, bMaxBeta, try p.int("landau_points", in: 3...100_000))
        landauInitial = try p.double("landau_initial_mode", in: 1e-6...10)
        landauBMax = try p.double("landau_b_max", in: 1...1e4)
        prunedRatio = try p.double("pruned_ratio", in: 0...1)
        modesPerNetwork = try p.int("modes_per_network", in: 1...64)
        threads = try p.int("threads", in: 1...256)
        try p.finish()

        // Mode-ODE points.
        var points: [ModeDescentGrid.Point] = []
        let start = Proca2025.Mode.uniform(initial)
        var offsets: [Int] = []
        for f in Fig4Family.allCases {
            offsets.append(points.count)
            for kappa in kappas {
                for x in xs[f.rawValue] {
                    points.append(.init(singularValues: Self.singularValues(f, x: x, kappa: kappa, T: T, deltaE: deltaE),
                                        initial: start))
                }
            }
        }
        mainOffset = offsets
        // Where κ = δ f(λ, T) the modified task is the unmodified family: its zero-loss solution must be reached.
        var zl: [(family: Fig4Family, kappa: Int, x: Double, optimum: Proca2025.Optimum)] = []
        for (j, kappa) in kappas.enumerated() {
            if kappa <= maxima[0] {
                zl.append((.constant, j, kappa, Proca2025.Family.constant(delta: kappa).zeroLossOptimum(length: T)!))
            }
            let lambda = Foundation.pow(kappa / deltaE, 1 / Double(T))
            if lambda <= maxima[1] {
                zl.append((.exponential, j, lambda,
                           Proca2025.Family.exponential(delta: deltaE, lambda: lambda).zeroLossOptimum(length: T)!))
            }
        }
        zeroLoss = zl
        zeroLossOffset = points.count
        for z in zl {
            points.append(.init(singularValues: Self.singularValues(z.family, x: z.x, kappa: kappas[z.kappa], T: T, deltaE: deltaE),
                                initial: start))
        }
        sharpOffset = points.count
        for L in sharpLengths {
            for d in sharpDeltas {
                points.append(.init(singularValues: Self.singularValues(.constant, x: d, kappa: sharpKappa, T: L, deltaE: deltaE),
                                    initial: start))
            }
        }
        landauOffset = points.count
        for L in Self.landauLengths {
            let landau = Proca2025.LandauAnalysis(length: L)
            for beta in landauBetas {
                points.append(.init(singularValues: landau.singularValues(beta: beta), initial: .uniform(landauInitial)))
            }
        }
        grid = ModeDescentGrid(points: points, learningRate: eta, steps: steps)
    }

    /// `[s_1 … s_T]` of a Fig. 4 task.
    static func singularValues(_ f: Fig4Family, x: Double, kappa: Double, T: Int, deltaE: Double) -> [Double] {
        switch f {
        case .constant: return Proca2025.Family.lastStep(base: .constant(delta: x), kappa: kappa).singularValues(length: T)
        case .exponential:
            return Proca2025.Family.lastStep(base: .exponential(delta: deltaE, lambda: x), kappa: kappa).singularValues(length: T)
        case .dirac: return Proca2025.Family.dirac(beta: x, kappa: kappa).singularValues(length: T)
        }
    }

    /// n evenly spaced values from lo to hi (both included).
    static func linspace(_ lo: Double, _ hi: Double, _ n: Int) -> [Double] {
        (0..<n).map { i in i == n - 1 ? hi : lo + (hi - lo) * Double(i) / Double(n - 1) }
    }

    /// Sub-grid indices for the full-matrix simulations: every `simEvery`-th point, always including the last.
    func subgrid(_ count: Int) -> [Int] {
        var idx = Array(stride(from: 0, to: count, by: simEvery))
        if idx.last != count - 1 { idx.append(count - 1) }
        return idx
    }

    /// Every simulated mode as its mode-ODE grid index, in panel order: main [family][sub-x][κ], sharpness
    /// [T][sub-δ], Landau [T][sub-β].
    var simulatedPoints: [Int] {
        var idx: [Int] = []
        for f in Fig4Family.allCases {
            let nx = xs[f.rawValue].count
            for i in subgrid(nx) { for j in kappas.indices { idx.append(mainOffset[f.rawValue] + j * nx + i) } }
        }
        for m in sharpLengths.indices { for i in subgrid(sharpDeltas.count) { idx.append(sharpOffset + m * sharpDeltas.count + i) } }
        for m in Self.landauLengths.indices { for i in subgrid(landauBetas.count) { idx.append(landauOffset + m * landauBetas.count + i) } }
        return idx
    }

    /// One full-matrix network: the simulated modes it carries (indices into `simulatedPoints`), all with the same
    /// T and initial mode.
    struct Network: Sendable {
        var members: [Int]
        var singularValues: [[Double]]
        var initial: Double
    }

    /// Simulated modes grouped by (T, initial mode) in order of appearance and split evenly into networks of at most
    /// `modesPerNetwork` modes (independent modes share a network exactly: the mode dynamics decouple).
    var networks: [Network] {
        let pts = simulatedPoints
        var groups: [(T: Int, initial: Double, members: [Int])] = []
        for (k, gi) in pts.enumerated() {
            let p = grid.points[gi]
            if let g = groups.firstIndex(where: { $0.T == p.singularValues.count && $0.initial == p.initial.a }) {
                groups[g].members.append(k)
            } else {
                groups.append((p.singularValues.count, p.initial.a, [k]))
            }
        }
        var nets: [Network] = []
        for g in groups {
            let chunks = (g.members.count + modesPerNetwork - 1) / modesPerNetwork
            var start = 0
            for c in 0..<chunks {
                let size = g.members.count / chunks + (c < g.members.count % chunks ? 1 : 0)
                let members = Array(g.members[start..<(start + size)])
                nets.append(Network(members: members, singularValues: members.map { grid.points[pts[$0]].singularValues },
                                    initial: g.initial))
                start += size
            }
        }
        return nets
    }

    /// Width of a network (N_x = N_h = N_y): exactly its mode count, one hidden unit per singular dimension as in the
    /// mode theory. With spare hidden units (zero modes) the aligned solution of a task without a zero-loss solution
    /// is a saddle of the full loss: a mode's residual gradient couples it to a spare unit (the pair of off-diagonal
    /// W_h entries ε, ε' enters only through ε ε' Σ_k (k − 1) b^{k−2} ∂E/∂(b^k), whose sign is indefinite), round-off
    /// seeds it, and GD leaves the aligned manifold (observed with two spare units at δ ≥ 1.25 for κ = 0.2 in the
    /// constant family, full preset).
    static func width(_ net: Network) -> Int { net.singularValues.count }

    /// One simulated mode: the full-matrix result, how aligned its network stayed, and the conditioning of its
    /// mode-ODE endpoint.
    struct SimulatedMode: Sendable {
        /// Final b and ac of the full-matrix network in the task frame (NaN if the network diverged).
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
    func simulate(seed: UInt64, outcomes: [ModeDescentGrid.Outcome]) throws -> [SimulatedMode] {
        let nets = networks, pts = simulatedPoints
        let prepared: [(SingularValueTask, TaskBasis)] = try nets.enumerated().map { k, net in
            var rng = RandomStreams(seed: seed).stream("fig4-data-\(k)")
            let task = try SingularValueTask(singularValues: net.singularValues, nx: Self.width(net), ny: Self.width(net), rng: &rng)
            var rotation = RandomStreams(seed: seed).stream("fig4-init-\(k)")
            return (task, task.basis(r: try Matrix.haarOrthogonal(Self.width(net), using: &rotation)))
        }
        var flat = [Double](repeating: .nan, count: 3 * pts.count)
        let workers = max(1, min(threads, nets.count)), eta = self.eta, steps = self.steps
        flat.withUnsafeMutableBufferPointer { fb in
            nonisolated(unsafe) let out = fb.baseAddress!
            let work: @Sendable (Int) -> Void = { w in
                for k in stride(from: w, to: nets.count, by: workers) {
                    let (task, basis) = prepared[k]
                    let start = Array(repeating: nets[k].initial, count: nets[k].members.count)
                    let net = Initializer.aligned(a: start, b: start, c: start, basis: basis)
                    var source = PopulationGradient(task: task.population, model: net)
                    var recorder = Recorder<LinearRNN>(schedule: .steps([]), recordsParameters: false)
                    let run = Trainer.train(net, source: &source,
                                            options: TrainingOptions(steps: steps, optimizer: Optimizer(.gd, learningRate: eta)),
                                            recorder: &recorder)
                    guard run.stop == .completed else { continue }   // a diverged network keeps NaN modes
                    let (wx, wh, wy) = basis.projected(run.model)
                    for (j, member) in nets[k].members.enumerated() {
                        var off = 0.0
                        for mat in [wx, wh, wy] {
                            for i in 0..<mat.rows where i != j { off = max(off, abs(mat[i, j])) }
                            for i in 0..<mat.cols where i != j { off = max(off, abs(mat[j, i])) }
                        }
                        out[3 * member] = wh[j, j]
                        out[3 * member + 1] = wx[j, j] * wy[j, j]
                        out[3 * member + 2] = off
                    }
                }
            }
            if workers == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: workers, execute: work) }
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

// MARK: - Assembling the figure, the dataset and the checks

extension Fig4Layout {
    func assemble(outcomes: [ModeDescentGrid.Outcome], simulations sims: [SimulatedMode]) -> ExperimentResult {
        var data = Dataset()
        var checks: [ClaimCheck] = []
        let nk = kappas.count
        data.add(DataArray("kappa", kappas, doc: "last-step singular value κ = s_T of each colour-coded series"))
        var topPanels: [Panel] = [], bottomPanels: [Panel] = []
        var tally = GapTally(eta: eta)
        var nextSim = 0   // sims follow `simulatedPoints`
        // Per family: mode-ODE grids, full-matrix sub-grid, references.
        var pruned = (b: 0.0, ac: 0.0, count: 0)
        var recurrent = (ratio: 0.0, count: 0, at: "none")
        var diracEvidence: [String] = [], diracHolds = true
        // Landau global threshold of the Dirac task at length T: s_1/s_T = β_c², i.e. β = κ β_c² in Fig. 4's units.
        let diracBetaC = Proca2025.LandauAnalysis(length: T, bMax: landauBMax, gridPoints: 8001)
            .criticalPoint(betaRange: 0.05...10)?.criticalBeta ?? .nan
        let diracThreshold = kappas.map { $0 * diracBetaC * diracBetaC }
        for f in Fig4Family.allCases {
            let x = xs[f.rawValue], nx = x.count, sub = subgrid(nx)
            let symbol = f.xSymbol
            data.add(DataArray(f.xName, x, doc: "\(f.name) column: x = \(symbol) grid (mode-ODE points)"))
            data.add(DataArray("\(f.xName)_sim", sub.map { x[$0] }, doc: "\(f.name) column: x = \(symbol) of the full-matrix sub-grid"))
            var b = [[Double]](), ac = [[Double]](), speed = [[Double]](), edge = [[Double]]()
            for j in 0..<nk {
                let o = (0..<nx).map { outcomes[mainOffset[f.rawValue] + j * nx + $0] }
                b.append(o.map(\.mode.b)); ac.append(o.map(\.mode.u)); speed.append(o.map(\.finalSpeed))
                edge.append(o.map { eta * $0.curvature })
            }
            var bSim = [[Double]](repeating: [], count: nk), acSim = bSim
            for i in sub {
                for j in 0..<nk {
                    let sim = sims[nextSim]
                    nextSim += 1
                    bSim[j].append(sim.b); acSim[j].append(sim.ac)
                    tally.add(sim, outcomes[mainOffset[f.rawValue] + j * nx + i], at: "\(f.name) κ = \(Self.format(kappas[j])), \(symbol) = \(Self.format(x[i]))")
                }
            }
            let axes = "[κ, \(symbol)] (rows = kappa, cols = \(f.xName))"
            data.add(DataArray("b_\(f.name)", rows: b, doc: "\(f.name): recurrent mode b after the GD budget, mode ODE \(axes)"))
            data.add(DataArray("ac_\(f.name)", rows: ac, doc: "\(f.name): input–output mode ac after the GD budget, mode ODE \(axes)"))
            data.add(DataArray("final_speed_\(f.name)", rows: speed,
                               doc: "\(f.name): max(|Δb|, |Δac|)/η over the last GD step (≈ 0 when settled) \(axes)"))
            data.add(DataArray("eta_curvature_\(f.name)", rows: edge,
                               doc: "\(f.name): η λ_max of the energy Hessian at the final mode; GD is stable only below 2 \(axes)"))
            data.add(DataArray("b_\(f.name)_sim", rows: bSim,
                               doc: "\(f.name): b of the full-matrix aligned LRNN [κ, \(symbol)_sim]"))
            data.add(DataArray("ac_\(f.name)_sim", rows: acSim,
                               doc: "\(f.name): ac of the full-matrix aligned LRNN [κ, \(symbol)_sim]"))
            var top: [Series] = [], bottom: [Series] = []
            for j in 0..<nk {
                let label = "κ = \(Self.format(kappas[j]))"
                top += [Series(label, x: "\(f.xName)_sim", y: "b_\(f.name)_sim", yRow: j, style: .simulation, group: j),
                        Series("\(label) mode ODE", x: f.xName, y: "b_\(f.name)", yRow: j, style: .theory, group: j)]
                bottom += [Series(label, x: "\(f.xName)_sim", y: "ac_\(f.name)_sim", yRow: j, style: .simulation, group: j),
                           Series("\(label) mode ODE", x: f.xName, y: "ac_\(f.name)", yRow: j, style: .theory, group: j)]
            }
            // References: zero-loss solution of the unmodified family (constant, exponential), Landau threshold (Dirac).
            switch f {
            case .constant, .exponential:
                let opt = x.map { xv -> Proca2025.Optimum? in
                    f == .constant ? Proca2025.Family.constant(delta: xv).zeroLossOptimum(length: T)
                        : (xv > 0 ? Proca2025.Family.exponential(delta: deltaE, lambda: xv).zeroLossOptimum(length: T) : nil)
                }
                data.add(DataArray("b_zero_loss_\(f.name)", opt.map { o in o.map { $0.b <= 2.5 ? $0.b : .nan } ?? .nan },
                                   doc: "\(f.name): zero-loss b* of the unmodified family (reached where κ = δ f(λ, T)); NaN where b* > 2.5 (exponential: 1/λ, off the axes at small λ)"))
                data.add(DataArray("ac_zero_loss_\(f.name)", opt.map { $0?.ac ?? .nan },
                                   doc: "\(f.name): zero-loss ac* of the unmodified family"))
                top.append(Series("zero-loss b*", x: f.xName, y: "b_zero_loss_\(f.name)", style: .reference, group: nk))
                bottom.append(Series("zero-loss ac*", x: f.xName, y: "ac_zero_loss_\(f.name)", style: .reference, group: nk))
            case .dirac:
                data.add(DataArray("dirac_landau_threshold", diracThreshold,
                                   doc: "Dirac: Landau global threshold β = κ β_c² per κ (s_1/s_T = β_c², |b| ≤ landau_b_max)"))
                let bTop = max(1.0, b.flatMap { $0 }.filter(\.isFinite).max() ?? 1), acTop = max(kappas.max()!, 1)
                for j in 0..<nk {
                    let xc = diracThreshold[j]
                    data.add(DataArray("dirac_threshold_x_\(j)", [xc, xc], doc: "Dirac: x of the Landau threshold line for κ index \(j)"))
                    top.append(Series("Landau threshold", x: "dirac_threshold_x_\(j)", y: "dirac_threshold_b_line", style: .reference, group: j))
                    bottom.append(Series("Landau threshold", x: "dirac_threshold_x_\(j)", y: "dirac_threshold_ac_line", style: .reference, group: j))
                }
                data.add(DataArray("dirac_threshold_b_line", [0, bTop], doc: "Dirac: y extent of the threshold lines (b panel)"))
                data.add(DataArray("dirac_threshold_ac_line", [0, acTop], doc: "Dirac: y extent of the threshold lines (ac panel)"))
            }
            topPanels.append(Panel(title: "\(f.name): b", xLabel: symbol, yLabel: "b", content: .lines(top)))
            bottomPanels.append(Panel(title: "\(f.name): ac", xLabel: symbol, yLabel: "ac", content: .lines(bottom)))

            // Claim inputs.
            for j in 0..<nk {
                let kappa = kappas[j]
                for i in 0..<nx {
                    let s = Self.singularValues(f, x: x[i], kappa: kappa, T: T, deltaE: deltaE)
                    let recurrentPart = s.dropLast().map(abs).max() ?? 0
                    if recurrentPart <= prunedRatio * kappa {
                        pruned.count += 1
                        pruned.b = max(pruned.b, abs(b[j][i]))
                        pruned.ac = max(pruned.ac, abs(ac[j][i] - kappa) / kappa)
                    }
                    if f != .dirac, s[T - 2] >= kappa, let opt = (f == .constant
                        ? Proca2025.Family.constant(delta: x[i]).zeroLossOptimum(length: T)
                        : Proca2025.Family.exponential(delta: deltaE, lambda: x[i]).zeroLossOptimum(length: T)) {
                        let toOptimum = hypot(b[j][i] - opt.b, ac[j][i] - opt.ac), toPruned = hypot(b[j][i], ac[j][i] - kappa)
                        recurrent.count += 1
                        if !(toOptimum / toPruned <= recurrent.ratio) {
                            recurrent.ratio = toOptimum / toPruned
                            recurrent.at = "\(f.name) κ = \(Self.format(kappa)), \(symbol) = \(Self.format(x[i])): (b, ac) = (\(Self.format(b[j][i])), \(Self.format(ac[j][i]))) vs zero-loss (\(Self.format(opt.b)), \(Self.format(opt.ac)))"
                        }
                    }
                }
                if f == .dirac {
                    let (ok, text) = Self.diracPhases(betas: x, b: b[j], ac: ac[j], etaCurvature: edge[j], kappa: kappa,
                                                     threshold: diracThreshold[j])
                    diracHolds = diracHolds && ok
                    diracEvidence.append("κ = \(Self.format(kappa)): \(text)")
                }
            }
        }
        checks.append(ClaimCheck(
            claim: "Below threshold the recurrent mode is pruned: b ≈ 0 (≤ 0.25) and ac ≈ κ (within 5 %) wherever the recurrent singular values are ≤ \(Self.format(prunedRatio)) κ",
            holds: pruned.count > 0 && pruned.b <= 0.25 && pruned.ac <= 0.05,
            evidence: "\(pruned.count) points: max b = \(Self.format(pruned.b)), max |ac − κ|/κ = \(Self.format(pruned.ac))"))
        checks.append(ClaimCheck(
            claim: "Above threshold (s_{T−1} ≥ κ) constant and exponential modes take the recurrent solution: (b, ac) is closer to the zero-loss (b*, ac*) than to the pruned (0, κ)",
            holds: recurrent.count > 0 && recurrent.ratio < 1,
            evidence: "\(recurrent.count) points; largest distance ratio (to zero-loss)/(to pruned) = \(Self.format(recurrent.ratio)) at \(recurrent.at)"))
        checks.append(ClaimCheck(
            claim: "Dirac family: pruned (b ≤ 0.25, ac within 5 % of κ) for β ≤ κ/2, recurrent with b > 1 and ac dropped below κ/4 for β ≥ 3κ",
            holds: diracHolds, evidence: diracEvidence.joined(separator: "; ")))

        // Zero-loss crossings.
        var zlWorst = 0.0
        var zlText: [String] = []
        for (k, z) in zeroLoss.enumerated() {
            let m = outcomes[zeroLossOffset + k].mode
            let err = max(abs(m.b - z.optimum.b) / max(1, abs(z.optimum.b)), abs(m.u - z.optimum.ac) / max(1, abs(z.optimum.ac)))
            zlWorst = max(zlWorst, err)
            zlText.append("\(z.family.name) κ = \(Self.format(kappas[z.kappa])) at \(z.family.xSymbol) = \(Self.format(z.x)): (b, ac) = (\(Self.format(m.b)), \(Self.format(m.u))) vs (\(Self.format(z.optimum.b)), \(Self.format(z.optimum.ac)))")
        }
        data.add(DataArray("zero_loss_x", zeroLoss.map(\.x), doc: "x where κ = δ f(λ, T) (constant: δ = κ; exponential: λ = (κ/δ_e)^{1/T}), one per listed crossing"))
        data.add(DataArray("zero_loss_family", zeroLoss.map { Double($0.family.rawValue) }, doc: "family of each crossing (0 constant, 1 exponential)"))
        data.add(DataArray("zero_loss_kappa", zeroLoss.map { kappas[$0.kappa] }, doc: "κ of each crossing"))
        data.add(DataArray("zero_loss_b", zeroLoss.indices.map { outcomes[zeroLossOffset + $0].mode.b }, doc: "mode-ODE b at each crossing"))
        data.add(DataArray("zero_loss_ac", zeroLoss.indices.map { outcomes[zeroLossOffset + $0].mode.u }, doc: "mode-ODE ac at each crossing"))
        checks.append(ClaimCheck(
            claim: "Where κ = δ f(λ, T) the modified task is the family itself and GD reaches its zero-loss solution, the dotted line (within 1 %)",
            holds: !zeroLoss.isEmpty && zlWorst <= 1e-2,
            evidence: "largest relative error \(Self.format(zlWorst)): " + zlText.joined(separator: "; ")))

        // Sharpening with T.
        let nd = sharpDeltas.count, subD = subgrid(nd)
        data.add(DataArray("sharpness_delta", sharpDeltas, doc: "sharpness panel: δ grid (constant family, κ = sharpness_kappa)"))
        data.add(DataArray("sharpness_delta_sim", subD.map { sharpDeltas[$0] }, doc: "sharpness panel: δ of the full-matrix modes"))
        data.add(DataArray("sharpness_T", sharpLengths.map(Double.init), doc: "sharpness panel: sequence lengths T"))
        var sharpB = [[Double]](), sharpSim = [[Double]](), widths: [Double] = []
        var sharpSeries: [Series] = []
        for (m, L) in sharpLengths.enumerated() {
            let bs = (0..<nd).map { outcomes[sharpOffset + m * nd + $0].mode.b }
            sharpB.append(bs)
            let net = Array(sims[nextSim..<(nextSim + subD.count)])
            nextSim += subD.count
            sharpSim.append(net.map(\.b))
            for (si, i) in subD.enumerated() { tally.add(net[si], outcomes[sharpOffset + m * nd + i], at: "sharpness T = \(L), δ = \(Self.format(sharpDeltas[i]))") }
            let lo = Self.crossing(sharpDeltas, bs, level: 0.2), hi = Self.crossing(sharpDeltas, bs, level: 0.8)
            widths.append(hi - lo)
            sharpSeries += [Series("T = \(L)", x: "sharpness_delta_sim", y: "b_sharpness_sim", yRow: m, style: .simulation, group: m),
                            Series("T = \(L) mode ODE", x: "sharpness_delta", y: "b_sharpness", yRow: m, style: .theory, group: m)]
        }
        data.add(DataArray("b_sharpness", rows: sharpB, doc: "sharpness panel: mode-ODE b after the budget [T, δ]"))
        data.add(DataArray("b_sharpness_sim", rows: sharpSim, doc: "sharpness panel: full-matrix b [T, δ_sim]"))
        data.add(DataArray("sharpness_width", widths, doc: "transition width per T: δ where b crosses 0.8 minus δ where it crosses 0.2"))
        data.add(DataArray("sharpness_one_line", sharpDeltas.map { _ in 1 }, doc: "b* = 1 of the constant family"))
        sharpSeries.append(Series("zero-loss b* = 1", x: "sharpness_delta", y: "sharpness_one_line", style: .reference, group: sharpLengths.count))
        let sharpens = widths.allSatisfy(\.isFinite) && zip(widths, widths.dropFirst()).allSatisfy { $0 > $1 }
        checks.append(ClaimCheck(
            claim: "The transition sharpens with T (constant family, κ = \(Self.format(sharpKappa))): the δ-width over which b goes from 0.2 to 0.8 shrinks",
            holds: sharpens,
            evidence: zip(sharpLengths, widths).map { "T = \($0): width \(Self.format($1))" }.joined(separator: ", ")))

        // Landau panels.
        let nb = landauBetas.count, subB = subgrid(nb)
        data.add(DataArray("landau_beta", landauBetas, doc: "Landau panels: β, with s_1 = β and s_T = 1/β"))
        data.add(DataArray("landau_beta_sim", subB.map { landauBetas[$0] }, doc: "Landau panels: β of the full-matrix modes"))
        var landauPanels: [Panel] = []
        for (m, L) in Self.landauLengths.enumerated() {
            let o = (0..<nb).map { outcomes[landauOffset + m * nb + $0] }
            let bs = o.map(\.mode.b), us = o.map(\.mode.u)
            let net = Array(sims[nextSim..<(nextSim + subB.count)])
            nextSim += subB.count
            for (si, i) in subB.enumerated() { tally.add(net[si], o[i], at: "Landau T = \(L), β = \(Self.format(landauBetas[i]))") }
            let analysis = Proca2025.LandauAnalysis(length: L, bMax: landauBMax, gridPoints: 8001)
            let minima = landauBetas.map { analysis.globalMinimum(beta: $0) }
            let transition = analysis.criticalPoint(betaRange: 0.05...10)
            let betaC = transition?.criticalBeta ?? .nan
            data.add(DataArray("b_landau_T\(L)", bs, doc: "T = \(L): mode-ODE GD b after the budget per β"))
            data.add(DataArray("ac_landau_T\(L)", us, doc: "T = \(L): mode-ODE GD ac per β"))
            data.add(DataArray("b_landau_T\(L)_sim", net.map(\.b), doc: "T = \(L): full-matrix b per β_sim"))
            data.add(DataArray("ac_landau_T\(L)_sim", net.map(\.ac), doc: "T = \(L): full-matrix ac per β_sim"))
            data.add(DataArray("b_landau_theory_T\(L)", minima.map { L % 2 == 1 ? abs($0.b) : $0.b },
                               doc: "T = \(L): Landau global minimum b* of E*(b) over |b| ≤ landau_b_max (the bound itself on a runaway branch; odd T: E* is even in b, the b > 0 branch is shown)"))
            data.add(DataArray("u_landau_theory_T\(L)", minima.map(\.u), doc: "T = \(L): Landau u*(b*) (trivial branch u = 1/β)"))
            data.add(DataArray("landau_beta_c_T\(L)", [betaC, betaC], doc: "T = \(L): Landau critical β_c (both entries; x of the dotted line)"))
            let top = max(2.5, bs.filter(\.isFinite).max() ?? 1)
            data.add(DataArray("landau_line_T\(L)", [0, top], doc: "T = \(L): y extent of the β_c line"))
            var series = [Series("b (full matrix)", x: "landau_beta_sim", y: "b_landau_T\(L)_sim", style: .simulation, group: 0),
                          Series("mode ODE GD", x: "landau_beta", y: "b_landau_T\(L)", style: .theory, group: 0),
                          Series("ac (full matrix)", x: "landau_beta_sim", y: "ac_landau_T\(L)_sim", style: .simulation, group: 1),
                          Series("mode ODE GD", x: "landau_beta", y: "ac_landau_T\(L)", style: .theory, group: 1),
                          Series("Landau u*", x: "landau_beta", y: "u_landau_theory_T\(L)", style: .theory, group: 2),
                          Series("β_c", x: "landau_beta_c_T\(L)", y: "landau_line_T\(L)", style: .reference, group: 3)]
            if L == 3 { series.insert(Series("Landau b*", x: "landau_beta", y: "b_landau_theory_T\(L)", style: .theory, group: 4), at: 4) }
            landauPanels.append(Panel(title: "Dirac, Landau parameterisation, T = \(L)", xLabel: "β (s_1 = β, s_T = 1/β)",
                                      yLabel: "b, ac", content: .lines(series)))
            checks.append(L == 3 ? Self.continuousCheck(betas: landauBetas, b: bs, speeds: o.map(\.finalSpeed), minima: minima,
                                                        transition: transition, flowTime: eta * Double(steps))
                                 : Self.jumpCheck(betas: landauBetas, b: bs, us: us, transition: transition, initial: landauInitial))
        }

        checks.append(ClaimCheck(
            claim: "Full-matrix aligned LRNNs trained by GD land on the mode-ODE GD result (relative gap ≤ 10⁻⁶) at every simulated grid point that stays aligned, below GD's stability edge and away from a threshold (at least 3/4 of them)",
            holds: tally.compared > 0 && tally.worst <= 1e-6 && tally.compared >= 3 * (tally.atEdge + tally.illConditioned + tally.unaligned),
            evidence: "largest relative gap in b or ac over \(tally.compared) simulated modes: \(Self.format(tally.worst)) (\(tally.worstAt)); left out: \(tally.illConditioned) threshold-adjacent modes (endpoint condition > \(Self.format(GapTally.maxCondition)): a 10⁻⁹ change of the init moves it by more than 10⁻⁵, so round-off decides when the mode leaves its plateau); \(tally.atEdge) at GD's stability edge (η λ_max ≥ 1); \(tally.unaligned) whose network left the aligned manifold (off-diagonal coupling > 10⁻⁶: the manifold is invariant under GD but need not be stable)\(tally.unalignedAt.isEmpty ? "" : ": " + tally.unalignedAt.prefix(4).joined(separator: ", "))"))

        let figure = FigureSpec(
            title: "Fig. 4 — feed-forward vs recurrent phase transition (T = \(T), init \(Self.format(initial)), η = \(Self.format(eta)), \(steps) steps)",
            columns: 3,
            panels: topPanels + bottomPanels + [Panel(title: "sharpening with T (constant, κ = \(Self.format(sharpKappa)))", xLabel: "δ",
                                                      yLabel: "b", content: .lines(sharpSeries))] + landauPanels)
        return ExperimentResult(dataset: data, figure: figure, checks: checks, theoryError: tally.worst)
    }

    /// Full-matrix vs mode-ODE comparison over the simulated modes below GD's stability edge.
    struct GapTally {
        let eta: Double
        var worst = 0.0, compared = 0, atEdge = 0, illConditioned = 0, unaligned = 0, worstAt = "none", unalignedAt: [String] = []
        /// Endpoints whose relative change per relative init change exceeds this are threshold-adjacent.
        static let maxCondition = 1e4
        /// Networks whose off-diagonal mode couplings exceed this have left the aligned manifold.
        static let maxMisalignment = 1e-6

        mutating func add(_ sim: Fig4Layout.SimulatedMode, _ theory: ModeDescentGrid.Outcome, at label: String) {
            if !(eta * theory.curvature < 1) { atEdge += 1; return }
            if !(sim.condition <= Self.maxCondition) { illConditioned += 1; return }
            if !(sim.alignment <= Self.maxMisalignment) {
                unaligned += 1
                unalignedAt.append("\(label) (coupling \(Fig4Layout.format(sim.alignment)))")
                return
            }
            compared += 1
            let gap = max(Fig4Layout.relativeGap(sim.b, theory.mode.b), Fig4Layout.relativeGap(sim.ac, theory.mode.u))
            if !(gap <= worst) {
                worst = gap
                worstAt = "\(label): full matrix (b, ac) = (\(Fig4Layout.format(sim.b)), \(Fig4Layout.format(sim.ac))), mode ODE (\(Fig4Layout.format(theory.mode.b)), \(Fig4Layout.format(theory.mode.u)))"
            }
        }
    }

    /// |sim − theory| relative to max(|theory|, 10⁻³).
    static func relativeGap(_ sim: Double, _ theory: Double) -> Double {
        guard sim.isFinite, theory.isFinite else { return .infinity }
        return abs(sim - theory) / max(abs(theory), 1e-3)
    }

    /// First x where y reaches `level` (linear interpolation), NaN if never.
    static func crossing(_ x: [Double], _ y: [Double], level: Double) -> Double {
        guard let i = y.firstIndex(where: { $0 >= level }) else { return .nan }
        if i == 0 { return x[0] }
        return x[i - 1] + (level - y[i - 1]) / (y[i] - y[i - 1]) * (x[i] - x[i - 1])
    }

    /// Dirac column: pruned for β ≤ κ/2 (well below the Landau threshold β = κ), recurrent for β ≥ 3κ; the evidence
    /// gives where b crosses 0.5 and how many recurrent points sit at GD's stability edge.
    static func diracPhases(betas: [Double], b: [Double], ac: [Double], etaCurvature: [Double], kappa: Double,
                            threshold: Double) -> (Bool, String) {
        let low = betas.indices.filter { betas[$0] <= kappa / 2 }, high = betas.indices.filter { betas[$0] >= 3 * kappa }
        let prunedOK = low.allSatisfy { b[$0] <= 0.25 && abs(ac[$0] - kappa) <= 0.05 * kappa }
        let recurrentOK = high.allSatisfy { b[$0] > 1 && ac[$0] < 0.25 * kappa }
        let atEdge = high.filter { !(etaCurvature[$0] < 1) }.count
        let maxB = high.map { b[$0] }.max() ?? .nan, maxAc = high.map { ac[$0] }.max() ?? .nan
        return (!low.isEmpty && !high.isEmpty && prunedOK && recurrentOK,
                "\(low.count) points β ≤ κ/2 pruned: \(prunedOK); \(high.count) points β ≥ 3κ recurrent: \(recurrentOK) (b up to \(format(maxB)), ac ≤ \(format(maxAc))); b crosses 0.5 at β = \(format(crossing(betas, b, level: 0.5))) (Landau global threshold \(format(threshold))); \(atEdge) at GD's stability edge")
    }

    /// T = 3: continuous onset at the Landau β_c = 1/√2, and GD on the Landau b* away from the critical window.
    ///
    /// Near β_c the relaxation rate of b vanishes (∝ |β − β_c|, critical slowing down), so points within
    /// max(0.05, 1/t) of β_c (t = η · steps) are left out of the b* comparison and bound the onset tolerance.
    /// Points still moving at the end (final speed > 10⁻³) are not compared either; at least half of the points outside
    /// the window must be compared.
    static func continuousCheck(betas: [Double], b: [Double], speeds: [Double], minima: [Proca2025.LandauMinimum],
                                transition: Proca2025.PhaseTransition?, flowTime: Double) -> ClaimCheck {
        let claim = "Dirac T = 3: continuous (second-order) onset of b at the Landau β_c = 1/√2 from a non-trivial init, with b following the Landau b*"
        guard let t = transition else { return ClaimCheck(claim: claim, holds: false, evidence: "no Landau transition found") }
        let onset = crossing(betas, b, level: 0.05)
        let window = max(0.05, 1 / flowTime)
        let outside = betas.indices.filter { abs(betas[$0] - t.criticalBeta) >= window }
        let settled = outside.filter { speeds[$0] <= 1e-3 }
        let worst = settled.map { abs(b[$0] - abs(minima[$0].b)) }.max() ?? .infinity
        let firstAbove = b.firstIndex { $0 >= 0.05 }
        let jump = firstAbove.map { b[$0] } ?? .nan
        let holds = t.order == .continuous && abs(t.criticalBeta - 0.5.squareRoot()) < 1e-6 && abs(onset - t.criticalBeta) <= window
            && 2 * settled.count >= outside.count && worst <= 0.02 && jump <= 0.5
        return ClaimCheck(claim: claim, holds: holds,
                          evidence: "Landau β_c = \(format(t.criticalBeta)) (\(t.order.rawValue)); GD onset (b = 0.05) at β = \(format(onset)); first b above onset \(format(jump)); max |b − b*| = \(format(worst)) over \(settled.count) settled points outside ±\(format(window)) of β_c (\(outside.count - settled.count) still moving)")
    }

    /// T = 4: a jump near the Landau β_c = 1 from init 0.5.
    static func jumpCheck(betas: [Double], b: [Double], us: [Double], transition: Proca2025.PhaseTransition?,
                          initial: Double) -> ClaimCheck {
        let claim = "Dirac T = 4 (init \(format(initial))): b jumps from ≈ 0 to order 1 near the Landau first-order β_c = 1; below it u = 1/β (trivial branch)"
        guard let t = transition else { return ClaimCheck(claim: claim, holds: false, evidence: "no Landau transition found") }
        guard let s = b.firstIndex(where: { $0 >= 0.5 }), s > 0 else {
            return ClaimCheck(claim: claim, holds: false, evidence: "b never reaches 0.5 (or starts above it)")
        }
        let before = b[s - 1], after = b[s]
        let trivial = (0..<s).allSatisfy { abs(us[$0] - 1 / betas[$0]) <= 1e-3 * (1 / betas[$0]) && abs(b[$0]) < 0.05 }
        let holds = t.order == .jump && abs(t.criticalBeta - 1) < 0.01 && abs(betas[s] - t.criticalBeta) <= 0.1
            && before < 0.05 && after >= 0.5 && trivial
        return ClaimCheck(claim: claim, holds: holds,
                          evidence: "Landau β_c = \(format(t.criticalBeta)) (\(t.order.rawValue)); GD b jumps \(format(before)) → \(format(after)) between β = \(format(betas[s - 1])) and \(format(betas[s])); trivial branch u = 1/β below: \(trivial)")
    }

    static func format(_ v: Double) -> String {
        if !v.isFinite { return "\(v)" }
        if v != 0 && (abs(v) < 1e-3 || abs(v) >= 1e4) { return String(format: "%.3e", v) }
        return String(format: "%.4g", v)
    }
}

// MARK: - Timing hooks (rnndyn-bench --fig4)

/// Wall-clock timing of one whole Fig. 4 run, split into its parts.
public struct Fig4Timing: Sendable {
    /// Mode-ODE grid points over every panel, GD steps per point, and the step size.
    public var gridPoints: Int, steps: Int, learningRate: Double
    /// Full-matrix networks trained and the modes they carry.
    public var networks: Int, simulatedModes: Int
    /// Worker threads used for the grid and the networks.
    public var threads: Int
    /// Seconds for the mode-ODE grid, the full-matrix sub-grid, and the whole run (both plus theory and assembly).
    public var gridSeconds: Double, simulationSeconds: Double, totalSeconds: Double
    /// Whether every claim check held.
    public var checksHold: Bool
}

extension ProcaFig4 {
    /// The mode-ODE grid of every panel for `preset` (plus `overrides`), in the experiment's point order.
    public func modeGrid(_ preset: Preset, overrides: [String: Any] = [:]) throws -> ModeDescentGrid {
        try layout(preset, overrides: overrides).grid
    }

    /// Runs the whole experiment once on `threads` workers and times its parts (the same work as `run`).
    public func timed(_ preset: Preset, threads: Int, seed: UInt64 = 0) throws -> Fig4Timing {
        let clock = ContinuousClock()
        let start = clock.now
        let layout = try layout(preset, overrides: ["threads": threads])
        let outcomes = layout.grid.run(threads: layout.threads)
        let gridDone = clock.now
        let sims = try layout.simulate(seed: seed, outcomes: outcomes)
        let simDone = clock.now
        let result = layout.assemble(outcomes: outcomes, simulations: sims)
        let end = clock.now
        func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }
        return Fig4Timing(gridPoints: layout.grid.points.count, steps: layout.steps, learningRate: layout.eta,
                          networks: layout.networks.count, simulatedModes: sims.count, threads: layout.threads,
                          gridSeconds: seconds(gridDone - start), simulationSeconds: seconds(simDone - gridDone),
                          totalSeconds: seconds(end - start), checksHold: result.checks.allSatisfy(\.holds))
    }

    func layout(_ preset: Preset, overrides: [String: Any]) throws -> Fig4Layout {
        var merged = parameters(preset)
        for (k, v) in overrides { merged[k] = v }
        return try Fig4Layout(parameters: ConfigReader(object: merged, path: id))
    }
}
