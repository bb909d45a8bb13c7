import Linalg

/// How `PIFSolver` searches for the relabelling (defaults: SciPy's FAQ settings, four starts, 2-opt on).
public struct PIFOptions: Sendable {
    /// Frank–Wolfe iterations per start at most (SciPy's `maxiter`, 30).
    public var maxIterations: Int
    /// A start stops when ‖P_k − P_{k+1}‖_F / √n < tolerance (SciPy's `tol`, 0.03).
    public var tolerance: Double
    /// Start from the barycenter J = 11ᵀ/n (SciPy's default `P0`).
    public var barycenterStart: Bool
    /// Start from the assignment of units with the closest permutation-invariant signatures.
    public var signatureStart: Bool
    /// Starts from (J + K)/2 with K a Sinkhorn-balanced uniform matrix (SciPy's `P0="randomized"`).
    public var randomStarts: Int
    /// Refine every start with best-improvement pairwise swaps (2-opt) to a local optimum.
    public var pairwiseSwaps: Bool
    /// Swaps per start at most (each strictly improves the objective; a guard only).
    public var maxSwapsPerUnit: Int
    /// Streams of the random starts: start r uses `streams.stream("random-start-<r>")`.
    public var streams: RandomStreams

    /// The given settings (all defaulted).
    public init(maxIterations: Int = 30, tolerance: Double = 0.03, barycenterStart: Bool = true, signatureStart: Bool = true,
                randomStarts: Int = 2, pairwiseSwaps: Bool = true, maxSwapsPerUnit: Int = 100,
                streams: RandomStreams = RandomStreams(seed: 0).child("pif")) {
        self.maxIterations = maxIterations
        self.tolerance = tolerance
        self.barycenterStart = barycenterStart
        self.signatureStart = signatureStart
        self.randomStarts = randomStarts
        self.pairwiseSwaps = pairwiseSwaps
        self.maxSwapsPerUnit = maxSwapsPerUnit
        self.streams = streams
    }

    /// The starts these options ask for, in the order they run.
    public var starts: [PIFStart] {
        (barycenterStart ? [.barycenter] : []) + (signatureStart ? [.signature] : []) + (0..<max(0, randomStarts)).map { .random($0) }
    }

    /// One line naming the solver and its settings, for run records.
    public var solverDescription: String {
        "FAQ (Frank–Wolfe on doubly stochastic matrices, exact line search, exact LAP), maxiter \(maxIterations), tol \(tolerance); "
            + "starts: \(starts.map(\.description).joined(separator: ", "))" + (pairwiseSwaps ? "; 2-opt refinement" : "")
    }

    func validated() throws -> PIFOptions {
        guard maxIterations >= 1 else { throw LinalgError.invalidInput("PIF maxIterations must be ≥ 1, got \(maxIterations)") }
        guard tolerance > 0, tolerance.isFinite else { throw LinalgError.invalidInput("PIF tolerance must be > 0, got \(tolerance)") }
        guard !starts.isEmpty else { throw LinalgError.invalidInput("PIF needs at least one start (barycenter, signature or random)") }
        guard maxSwapsPerUnit >= 0 else { throw LinalgError.invalidInput("PIF maxSwapsPerUnit must be ≥ 0, got \(maxSwapsPerUnit)") }
        return self
    }
}

/// Where one Frank–Wolfe run of the PIF search begins.
public enum PIFStart: Sendable, Equatable, CustomStringConvertible {
    /// The barycenter J = 11ᵀ/n of the doubly stochastic matrices.
    case barycenter
    /// The signature assignment (a permutation matrix).
    case signature
    /// (J + K)/2 with K the Sinkhorn balancing of uniform entries from random stream r.
    case random(Int)

    /// `barycenter`, `signature` or `random-<r>`.
    public var description: String {
        switch self {
        case .barycenter: return "barycenter"
        case .signature: return "signature"
        case .random(let r): return "random-\(r)"
        }
    }
}

/// One start of a PIF search: its Frank–Wolfe iterations and the objective after projection and after 2-opt.
public struct PIFStartRecord: Sendable, Equatable {
    /// Where the run began.
    public let start: PIFStart
    /// Frank–Wolfe iterations (SciPy's `nit`: the iteration that met the tolerance, or the maximum).
    public let iterations: Int
    /// Objective of the permutation nearest the relaxed solution (SciPy's `fun` for this start).
    public let projectedObjective: Double
    /// Objective after pairwise-swap refinement (equal to `projectedObjective` without it).
    public let refinedObjective: Double
    /// Improving swaps applied.
    public let swaps: Int
}

/// The permutation-invariant Frobenius distance between two networks and how it was found.
///
/// `distance` = ‖W1 − Pᵀ W2 P‖_F (plus the unit-indexed blocks, if any) at the best relabelling found; the search
/// maximises `objective` = ⟨W1, Pᵀ W2 P⟩_F + Σ ⟨blocks⟩, since ‖W1 − Pᵀ W2 P‖² = ‖W1‖² + ‖W2‖² − 2⟨W1, Pᵀ W2 P⟩.
/// The QAP is NP-hard, so `distance` is an upper bound on the exact minimum (exact whenever it is 0).
public struct PIFResult: Sendable, Equatable {
    /// Unit i of the first network is matched with unit `permutation[i]` of the second.
    public let permutation: [Int]
    /// The Frobenius distance at `permutation`, recomputed from the weights.
    public let distance: Double
    /// Parameters compared (n² for the recurrent matrix alone).
    public let parameterCount: Int
    /// The maximised overlap ⟨W1, Pᵀ W2 P⟩ (+ block overlaps) at `permutation`.
    public let objective: Double
    /// Every start, in the order run.
    public let starts: [PIFStartRecord]
    /// Index in `starts` of the run that gave `permutation` (the first among equals).
    public let bestStart: Int
    /// The solver and its settings (`PIFOptions.solverDescription`).
    public let solver: String

    /// `distance / parameterCount`: the paper's normalisation when sizes differ ("the norm divided by the number of
    /// parameters", n² for W_h). The text leaves open whether the norm or its square is divided; this is the norm.
    public var normalizedDistance: Double { parameterCount == 0 ? 0 : distance / Double(parameterCount) }

    /// Frank–Wolfe iterations over all starts.
    public var totalIterations: Int { starts.reduce(0) { $0 + $1.iterations } }
}
