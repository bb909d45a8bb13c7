import ExperimentKit

/// Fig. 4's parameters, declared once; `Fig4Layout.init(parameters:)` reads them.
extension ProcaFig4: DeclaredParameters {
    static let T = Parameter.int("T", 4, in: 3...64, unit: "steps", doc: "sequence length T of the main grid (top and middle rows)")
    static let initialMode = Parameter.double("initial_mode", 0.5, in: 1e-6...10, doc: "initial a = b = c of every mode (non-trivial: the Dirac switch needs it)")
    static let learningRate = Parameter.double("learning_rate", 0.001, full: 0.0003, in: 1e-7...1, doc: "gradient-descent step η (mode ODE and full-matrix networks)")
    static let steps = Parameter.int("steps", 10_000, full: 120_000, in: 1...100_000_000, unit: "steps", doc: "gradient-descent step budget; b and ac are reported after it")
    static let kappas = Parameter.doubles("kappas", [0.4, 0.8, 1.2], full: [0.2, 0.4, 0.6, 0.8, 1.0, 1.2], doc: "last singular values s_T = κ, one colour each (each in (0, 100])")
    static let deltaMax = Parameter.double("delta_max", 2.0, in: 1e-3...100, doc: "constant column: x = δ runs over [0, delta_max]")
    static let lambdaMax = Parameter.double("lambda_max", 1.0, in: 1e-3...10, doc: "exponential column: x = λ runs over [0, lambda_max]")
    static let betaMax = Parameter.double("beta_max", 4.0, in: 1e-3...100, doc: "Dirac column: x = β = s_1 runs over [0, beta_max]")
    static let exponentialDelta = Parameter.double("exponential_delta", 1.0, in: 1e-3...100, doc: "exponential column: δ_e of s_{t<T} = δ_e λ^t")
    static let gridPoints = Parameter.int("grid_points", 17, full: 81, in: 3...100_000, doc: "mode-ODE grid points per column and κ (quick 17: fine enough that exponential points with a small nonzero recurrent signal, λ = 1/16 at κ = 0.8 and 1.2, fall below the pruning ratio)")
    static let simulationEvery = Parameter.int("simulation_every", 4, full: 10, in: 1...100_000, doc: "full-matrix networks on every this-many-th grid point (the last always included)")
    static let sharpnessKappa = Parameter.double("sharpness_kappa", 1.0, in: 1e-3...100, doc: "bottom-left sharpness panel: κ of the constant family")
    static let sharpnessLengths = Parameter.doubles("sharpness_lengths", [3, 6, 10], unit: "steps", doc: "bottom-left sharpness panel: lengths T (at least two increasing integers in 2…64)")
    static let sharpnessDeltaMax = Parameter.double("sharpness_delta_max", 1.0, in: 1e-3...100, doc: "bottom-left sharpness panel: δ runs over [0, sharpness_delta_max]")
    static let sharpnessPoints = Parameter.int("sharpness_points", 11, full: 41, in: 3...100_000, doc: "bottom-left sharpness panel: δ grid points per T")
    static let landauBetaMin = Parameter.double("landau_beta_min", 0.3, in: 1e-3...100, doc: "bottom-right Landau panel (s_1 = β, s_T = 1/β): smallest β")
    static let landauBetaMax = Parameter.double("landau_beta_max", 1.2, in: 1e-3...100, doc: "bottom-right Landau panel: largest β (above landau_beta_min)")
    static let landauPoints = Parameter.int("landau_points", 19, full: 73, in: 3...100_000, doc: "bottom-right Landau panel: β grid points per T")
    static let landauInitialMode = Parameter.double("landau_initial_mode", 0.5, in: 1e-6...10, doc: "bottom-right Landau panel: initial a = b = c")
    static let landauBMax = Parameter.double("landau_b_max", 50.0, in: 1...1e4, doc: "search bound |b| ≤ landau_b_max of the Landau global minimum (App. H)")
    static let prunedRatio = Parameter.double("pruned_ratio", 0.1, in: 0...1, doc: "a point counts as pruned when every s_{t<T} is at most this fraction of κ")
    static let modesPerNetwork = Parameter.int("modes_per_network", 12, full: 8, in: 1...64, doc: "independent modes carried by one full-matrix network (one hidden unit each)")

    public static let declared = ParameterList([
        .init(T), .init(initialMode), .init(learningRate), .init(steps), .init(kappas), .init(deltaMax), .init(lambdaMax),
        .init(betaMax), .init(exponentialDelta), .init(gridPoints), .init(simulationEvery), .init(sharpnessKappa),
        .init(sharpnessLengths), .init(sharpnessDeltaMax), .init(sharpnessPoints), .init(landauBetaMin), .init(landauBetaMax),
        .init(landauPoints), .init(landauInitialMode), .init(landauBMax), .init(prunedRatio), .init(modesPerNetwork),
    ])
}
