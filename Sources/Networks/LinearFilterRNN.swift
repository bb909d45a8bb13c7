import Linalg
import Numerics

/// A single-input, single-output linear RNN trained to filter white noise (issue 13, our reconstruction of the
/// Bordelon et al. 2025 model — every normalisation below is a parameter, none is known to be the paper's).
///
/// Continuous time: `dh/dt = −leak·h + W h + u x(t)`, `y = s · vᵀ h`. Discrete time: `h_{t+1} = (W − leak·I) h_t + u x_t`,
/// `y_t = s · vᵀ h_{t+1}` (leak 0 by default, i.e. `h_{t+1} = W h_t + u x_t`). As a linear system `(A, b, c)`:
/// `A = W − leak·I`, `b = u`, `c = s·v`, so `∂L/∂W = ∂L/∂A`, `∂L/∂u = ∂L/∂b`, `∂L/∂v = s·∂L/∂c`. The readout scale
/// `s` is stored, not derived from the unit count, so a reduced network (e.g. the exact 2-unit reduction of a
/// σ = 0 run) keeps the original network's scale.
public struct LinearFilterRNN: Sendable, Equatable {
    /// Which parameter blocks gradient flow moves.
    public struct TrainedBlocks: Sendable, Equatable {
        /// Recurrent weights W.
        public var w: Bool
        /// Read-in u.
        public var u: Bool
        /// Readout v.
        public var v: Bool
        /// Choose the trained blocks.
        public init(w: Bool = true, u: Bool = true, v: Bool = true) { self.w = w; self.u = u; self.v = v }
        /// All three blocks train.
        public static let all = TrainedBlocks()
    }

    /// Per-block learning rates `(η_W, η_u, η_v)` of gradient flow `dθ/dt = −η ∂L/∂θ`.
    public struct LearningRates: Sendable, Equatable {
        /// η_W.
        public var w: Double
        /// η_u.
        public var u: Double
        /// η_v.
        public var v: Double
        /// Explicit rates (all must be positive and finite).
        public init(w: Double, u: Double, v: Double) { self.w = w; self.u = u; self.v = v }
        /// Our default `(1, N, N)`: with the 1/N readout all order parameters move O(1) in O(1) time.
        public static func meanField(units n: Int) -> LearningRates { LearningRates(w: 1, u: Double(n), v: Double(n)) }
    }

    /// How the readout scale is set from the unit count at construction.
    public enum ReadoutScaling: String, Sendable, Codable, CaseIterable {
        /// `s = 1/N` (mean-field; our default).
        case inverseN = "1/N"
        /// `s = 1/√N` (standard parameterisation).
        case inverseSqrtN = "1/sqrtN"

        /// The scale for `n` units.
        public func scale(units n: Int) -> Double {
            switch self {
            case .inverseN: return 1 / Double(n)
            case .inverseSqrtN: return 1 / Double(n).squareRoot()
            }
        }
    }

    /// Recurrent weights W (`N × N`).
    public var w: Matrix
    /// Read-in u (length N).
    public var u: [Double]
    /// Readout v (length N).
    public var v: [Double]
    /// Readout scale s in `y = s vᵀ h`.
    public var readoutScale: Double
    /// Leak in `A = W − leak·I` (1 and 0 are the usual values).
    public var leak: Double
    /// Continuous or discrete time.
    public var clock: ModalResponse.Clock
    /// Which blocks train.
    public var trained: TrainedBlocks
    /// Per-block learning rates.
    public var learningRates: LearningRates

    /// A network with explicit parameters; throws `.invalidParameter` naming the field on a bad shape or value.
    /// `leak` defaults to 1 in continuous time and 0 in discrete time; `learningRates` to `(1, N, N)`.
    public init(w: Matrix, u: [Double], v: [Double], readoutScale: Double, leak: Double? = nil,
                clock: ModalResponse.Clock = .continuous, trained: TrainedBlocks = .all,
                learningRates: LearningRates? = nil) throws {
        let n = u.count
        guard n >= 1 else { throw FilterLearningError.invalidParameter("u must have at least one entry") }
        guard w.rows == n, w.cols == n else {
            throw FilterLearningError.invalidParameter("W must be \(n)×\(n) to match u, got \(w.rows)×\(w.cols)")
        }
        guard v.count == n else { throw FilterLearningError.invalidParameter("v must have \(n) entries like u, got \(v.count)") }
        guard w.isFinite, u.allSatisfy(\.isFinite), v.allSatisfy(\.isFinite) else {
            throw FilterLearningError.invalidParameter("W, u and v must be finite")
        }
        guard readoutScale > 0, readoutScale.isFinite else {
            throw FilterLearningError.invalidParameter("readoutScale must be positive and finite, got \(readoutScale)")
        }
        let leakValue = leak ?? (clock == .continuous ? 1 : 0)
        guard leakValue >= 0, leakValue.isFinite else {
            throw FilterLearningError.invalidParameter("leak must be ≥ 0 and finite, got \(leakValue)")
        }
        let rates = learningRates ?? .meanField(units: n)
        for (name, rate) in [("learningRates.w", rates.w), ("learningRates.u", rates.u), ("learningRates.v", rates.v)] {
            guard rate > 0, rate.isFinite else {
                throw FilterLearningError.invalidParameter("\(name) must be positive and finite, got \(rate)")
            }
        }
        self.w = w; self.u = u; self.v = v
        self.readoutScale = readoutScale
        self.leak = leakValue
        self.clock = clock
        self.trained = trained
        self.learningRates = rates
    }

    /// Random initialisation: `W_ij ~ N(0, σ²/N)`, `u_i, v_i ~ N(0, 1)`, from the streams "W", "u", "v" of `streams`.
    public static func random(units n: Int, sigma: Double, streams: RandomStreams, readout: ReadoutScaling = .inverseN,
                              leak: Double? = nil, clock: ModalResponse.Clock = .continuous, trained: TrainedBlocks = .all,
                              learningRates: LearningRates? = nil) throws -> LinearFilterRNN {
        guard n >= 1 else { throw FilterLearningError.invalidParameter("units must be ≥ 1, got \(n)") }
        guard sigma >= 0, sigma.isFinite else { throw FilterLearningError.invalidParameter("sigma must be ≥ 0, got \(sigma)") }
        var wStream = streams.stream("W"), uStream = streams.stream("u"), vStream = streams.stream("v")
        return try LinearFilterRNN(w: wStream.gaussianMatrix(rows: n, cols: n, std: sigma / Double(n).squareRoot()),
                                   u: uStream.gaussians(n), v: vStream.gaussians(n), readoutScale: readout.scale(units: n),
                                   leak: leak, clock: clock, trained: trained, learningRates: learningRates)
    }

    /// Number of units N.
    public var units: Int { u.count }

    /// `A = W − leak·I`.
    public var systemMatrix: Matrix {
        var a = w
        for i in 0..<units { a[i, i] -= leak }
        return a
    }

    /// `c = s·v`.
    public var outputVector: [Double] { v.map { readoutScale * $0 } }

    /// Eigenvalues of W (the poles of the transfer function sit at `λ − leak`).
    public func eigenvalues() throws -> [Complex<Double>] { try w.eigenvalues() }

    /// The conserved charge of gradient flow, `C = u uᵀ/η_u − v vᵀ/η_v + (W Wᵀ − Wᵀ W)/η_W` (the Noether charge of
    /// `h → G h`; conserved only when all three blocks train with these rates).
    public func conservedCharge() -> Matrix {
        let n = units
        let wwt = w.timesTranspose(w), wtw = w.transposeTimes(w)
        return Matrix(rows: n, cols: n) { i, j in
            self.u[i] * self.u[j] / self.learningRates.u - self.v[i] * self.v[j] / self.learningRates.v
                + (wwt[i, j] - wtw[i, j]) / self.learningRates.w
        }
    }

    /// The loss `½ ∫ (g − g*)²` against `distance.target`, with the parameter gradients written into `gradient`
    /// (`gradient.a` is ∂L/∂W, `.b` is ∂L/∂u, `.c` is ∂L/∂v; all blocks, trained or not). `distance` must share the clock.
    public func lossAndGradient(_ distance: ImpulseResponseDistance, into gradient: inout SystemGradient) throws -> Double {
        try checkClock(distance)
        let loss = try distance.lossAndGradient(a: systemMatrix, b: u, c: outputVector, into: &gradient)
        for i in gradient.c.indices { gradient.c[i] *= readoutScale }
        return loss
    }

    /// The loss `½ ∫ (g − g*)²` against `distance.target`.
    public func loss(_ distance: ImpulseResponseDistance) throws -> Double {
        try checkClock(distance)
        return try distance.loss(a: systemMatrix, b: u, c: outputVector)
    }

    private func checkClock(_ distance: ImpulseResponseDistance) throws {
        guard distance.target.clock == clock else {
            throw FilterLearningError.invalidParameter("the target is \(distance.target.clock) but the network is \(clock) time")
        }
    }

    // MARK: Flat parameter vector (W column-major, then u, then v)

    /// Length of the flat parameter vector, `N² + 2N`.
    public var parameterCount: Int { units * (units + 2) }

    /// Writes `(W, u, v)` into `flat` (length `parameterCount`).
    public func write(into flat: UnsafeMutableBufferPointer<Double>) { FlatParameters.write(w, u, v, into: flat) }

    /// Reads `(W, u, v)` from `flat` without reallocating the parameter storage.
    public mutating func read(from flat: UnsafeBufferPointer<Double>) { FlatParameters.read(flat, into: &w, &u, &v) }

    /// Writes the gradient-flow velocity `−η ⊙ ∂L/∂θ` (zero for frozen blocks) of `gradient` into `flat`.
    public func writeVelocity(_ gradient: SystemGradient, into flat: UnsafeMutableBufferPointer<Double>) {
        let n = units, nn = n * n
        let ew = trained.w ? -learningRates.w : 0, eu = trained.u ? -learningRates.u : 0, ev = trained.v ? -learningRates.v : 0
        for k in 0..<nn { flat[k] = ew * gradient.a.storage[k] }
        for i in 0..<n { flat[nn + i] = eu * gradient.b[i]; flat[nn + n + i] = ev * gradient.c[i] }
    }
}

/// The flat layout `(W column-major, u, v)` shared by networks and their linearised displacements.
enum FlatParameters {
    /// Writes `(w, u, v)` into `flat` (length `N² + 2N`).
    static func write(_ w: Matrix, _ u: [Double], _ v: [Double], into flat: UnsafeMutableBufferPointer<Double>) {
        let n = u.count, nn = n * n
        for k in 0..<nn { flat[k] = w.storage[k] }
        for i in 0..<n { flat[nn + i] = u[i]; flat[nn + n + i] = v[i] }
    }

    /// Reads `(w, u, v)` from `flat` without reallocating their storage.
    static func read(_ flat: UnsafeBufferPointer<Double>, into w: inout Matrix, _ u: inout [Double], _ v: inout [Double]) {
        let n = u.count, nn = n * n
        w.storage.withUnsafeMutableBufferPointer { p in for k in 0..<nn { p[k] = flat[k] } }
        u.withUnsafeMutableBufferPointer { p in for i in 0..<n { p[i] = flat[nn + i] } }
        v.withUnsafeMutableBufferPointer { p in for i in 0..<n { p[i] = flat[nn + n + i] } }
    }
}
