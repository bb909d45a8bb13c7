import Dispatch
import ExperimentKit
import Foundation
import Linalg
import Networks
import Tasks
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

    public func run(parameters p: ConfigReader, context: RunContext) throws -> ExperimentResult {
        let layout = try Fig4Layout(parameters: p)
        let outcomes = layout.grid.run(threads: context.threads)
        try layout.grid.requireFinite(outcomes, stage: { "mode-ODE grid point \($0)" }, key: "learning_rate")
        context.progress(0.3)
        let sims = try layout.simulate(streams: context.streams, threads: context.threads, outcomes: outcomes)
        context.progress(0.9)
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
    let T: Int, initial: Double, eta: Double, steps: Int
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

    /// Reads every declared parameter of `ProcaFig4` (Fig4Parameters.swift) from `p`, finishes it and lays out the grid.
    init(parameters p: ConfigReader) throws {
        typealias F = ProcaFig4
        T = try p.read(F.T)
        initial = try p.read(F.initialMode)
        eta = try p.read(F.learningRate)
        steps = try p.read(F.steps)
        kappas = try p.read(F.kappas)
        guard !kappas.isEmpty, kappas.allSatisfy({ $0 > 0 && $0 <= 100 }) else {
            throw ConfigError(key: "\(p.path).kappas", "needs at least one κ in (0, 100]")
        }
        let maxima = [try p.read(F.deltaMax), try p.read(F.lambdaMax),
                      try p.read(F.betaMax)]
        deltaE = try p.read(F.exponentialDelta)
        let n = try p.read(F.gridPoints)
        xs = maxima.map { Self.linspace(0, $0, n) }
        simEvery = try p.read(F.simulationEvery)
        sharpKappa = try p.read(F.sharpnessKappa)
        let lengths = try p.read(F.sharpnessLengths)
        guard lengths.count >= 2, lengths.allSatisfy({ $0 == $0.rounded() && $0 >= 2 && $0 <= 64 }),
              zip(lengths, lengths.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw ConfigError(key: "\(p.path).sharpness_lengths", "needs at least two increasing integers in 2…64")
        }
        sharpLengths = lengths.map { Int($0) }
        sharpDeltas = Self.linspace(0, try p.read(F.sharpnessDeltaMax),
                                    try p.read(F.sharpnessPoints))
        let bMin = try p.read(F.landauBetaMin)
        let bMaxBeta = try p.read(F.landauBetaMax)
        guard bMaxBeta > bMin else { throw ConfigError(key: "\(p.path).landau_beta_max", "must exceed landau_beta_min") }
        landauBetas = Self.linspace(bMin, bMaxBeta, try p.read(F.landauPoints))
        landauInitial = try p.read(F.landauInitialMode)
        landauBMax = try p.read(F.landauBMax)
        prunedRatio = try p.read(F.prunedRatio)
        modesPerNetwork = try p.read(F.modesPerNetwork)
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
                zl.append((.constant, j, kappa, SingularValueProfile.constant(delta: kappa).zeroLossOptimum(length: T)!))
            }
            let lambda = Foundation.pow(kappa / deltaE, 1 / Double(T))
            if lambda <= maxima[1] {
                zl.append((.exponential, j, lambda,
                           SingularValueProfile.exponential(delta: deltaE, lambda: lambda).zeroLossOptimum(length: T)!))
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
        case .constant: return SingularValueProfile.lastStep(.constant(delta: x), kappa: kappa).singularValues(length: T)
        case .exponential:
            return SingularValueProfile.lastStep(.exponential(delta: deltaE, lambda: x), kappa: kappa).singularValues(length: T)
        case .dirac: return SingularValueProfile.twoDirac(beta: x, kappa: kappa).singularValues(length: T)
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
}
