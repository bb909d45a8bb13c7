import Linalg
import Theory

/// Local (Taylor-in-time) solution of the recurrent mode with a and c frozen (§3.5, App. D).
///
/// `G(b) = db/dt = −∂E/∂b = Σ_k k [S_k u b^{k−1} − n_k u² b^{2k−1}]` (spec erratum 2: the paper's "dE/db" is
/// this velocity, not the energy derivative); for the final readout S_k = s_{T−k}, n_k = 1, which is the
/// paper's Eq. 48. Derivatives (Eq. 49, with falling factorials (x)_m):
/// `G^{(m)}(b) = Σ_k k [S_k u (k−1)_m b^{k−1−m} − n_k u² (2k−1)_m b^{2k−1−m}]`; terms whose falling factorial
/// vanishes are skipped, which is the correct reading of the paper's odd upper limit (2T − n)/2.
/// Time derivatives follow from Faà di Bruno: `b^{(n)} = Σ_{k=1}^{n−1} G^{(k)}(b) B_{n−1,k}(b′, …, b^{(n−k)})`.
public struct LocalRecurrentSolution: Sendable {
    /// The frozen input–output mode u = ac.
    public let inputOutput: Double
    let table: LagTable<Double>

    /// The local solution for `flow`'s task (either readout) with u = ac frozen.
    public init(flow: ModeFlow, inputOutput u: Double) {
        self.inputOutput = u
        self.table = flow.table
    }

    /// The local solution for final-readout singular values `s` with u = ac frozen.
    public init(singularValues s: [Double], inputOutput u: Double) {
        self.init(flow: ModeFlow(singularValues: s), inputOutput: u)
    }

    /// G(b) = db/dt.
    public func velocity(at b: Double) -> Double { gDerivatives(at: b, through: 0)[0] }

    /// `[G(b), G′(b), …, G^{(order)}(b)]`.
    public func gDerivatives(at b: Double, through order: Int) -> [Double] {
        precondition(order >= 0, "order must be non-negative")
        let u = inputOutput
        var out = [Double](repeating: 0, count: order + 1)
        for m in 0...order {
            var g = 0.0
            for k in 1..<max(table.length, 1) {
                let kd = Double(k)
                if let f = Self.fallingFactorial(k - 1, m) {
                    g += kd * table.lagSums[k] * u * f * integerPower(b, k - 1 - m)
                }
                if let f = Self.fallingFactorial(2 * k - 1, m) {
                    g -= kd * table.lagCounts[k] * u * u * f * integerPower(b, 2 * k - 1 - m)
                }
            }
            out[m] = g
        }
        return out
    }

    /// (x)_m = x (x−1) ⋯ (x−m+1) for integer x ≥ 0, or nil when it vanishes (m > x).
    static func fallingFactorial(_ x: Int, _ m: Int) -> Double? {
        guard m <= x else { return nil }
        var f = 1.0
        for j in 0..<m { f *= Double(x - j) }
        return f
    }

    /// `[b′, b″, …, b^{(order)}]` at b.
    public func timeDerivatives(at b: Double, order: Int) -> [Double] {
        precondition(order >= 1, "order must be at least 1")
        return Self.timeDerivatives(gDerivatives: gDerivatives(at: b, through: order - 1), order: order)
    }

    /// Faà di Bruno for general order: `[b′, …, b^{(n)}]` from `gDerivatives[m] = G^{(m)}` (m = 0 … n−1).
    public static func timeDerivatives(gDerivatives g: [Double], order n: Int) -> [Double] {
        precondition(n >= 1 && g.count >= n, "need G, G′, …, G^{(n−1)}")
        var x = [g[0]]                        // x_j = b^{(j)}
        var bell: [[Double]] = [[1]]          // B[m][k]
        for m in stride(from: 1, to: n, by: 1) {
            bell.append(BellPolynomials.row(m, bell, x))
            var next = 0.0
            for k in 1...m { next += g[k] * bell[m][k] }
            x.append(next)
        }
        return x
    }

    /// The explicit 5th-order expressions (paper Eqs. 53–57) from `[G, G′, G″, G‴, G⁗]` (for cross-checks).
    public static func explicitTimeDerivatives(gDerivatives g: [Double]) -> [Double] {
        precondition(g.count >= 5, "need G … G⁗")
        let (G, G1, G2, G3, G4) = (g[0], g[1], g[2], g[3], g[4])
        return [
            G,
            G1 * G,
            (G1 * G1 + G2 * G) * G,
            (G1 * G1 * G1 + 4 * G1 * G2 * G + G3 * G * G) * G,
            (G1 * G1 * G1 * G1 + 11 * G1 * G1 * G2 * G + 4 * G2 * G2 * G * G + 7 * G3 * G1 * G * G
                + G4 * G * G * G) * G,
        ]
    }

    /// One Taylor window: `b + Σ_{n=1}^{order} b^{(n)} h^n / n!`.
    public func taylorStep(from b: Double, window h: Double, order: Int) -> Double {
        let d = timeDerivatives(at: b, order: order)
        var sum = 0.0, coeff = 1.0
        for n in 1...order {
            coeff *= h / Double(n)
            sum += d[n - 1] * coeff
        }
        return b + sum
    }
}

/// The paper's windowed Taylor series for b(t) (App. D, the dashed curves of Fig. 2 right).
///
/// Each window of length Δ re-expands b to `order` around its current value; as Δ → 0 the result converges
/// to the exact b-flow with a global error O(Δ^order).
public struct WindowedTaylorIntegrator: Sendable {
    /// Window length Δ (flow time).
    public var window: Double
    /// Taylor order n (the paper uses 5).
    public var order: Int

    /// An integrator with window Δ and order n.
    public init(window: Double, order: Int = 5) {
        precondition(window > 0 && window.isFinite && order >= 1, "window must be positive and order ≥ 1")
        self.window = window
        self.order = order
    }

    /// b at each of `outputTimes` (non-decreasing, ≥ 0), windows shortened to land on them exactly.
    public func solve(_ local: LocalRecurrentSolution, initial b0: Double, outputTimes: [Double]) -> [Double] {
        precondition(validOutputTimes(outputTimes, from: 0), "output times must be finite, sorted and ≥ 0")
        var b = b0, t = 0.0
        var out: [Double] = []
        out.reserveCapacity(outputTimes.count)
        for tout in outputTimes {
            let interval = tout - t
            if interval > 0 {
                let n = FixedStepIntegrator.stepCount(interval: interval, stepSize: window)
                let h = interval / Double(n)
                for _ in 0..<n { b = local.taylorStep(from: b, window: h, order: order) }
                t = tout
            }
            out.append(b)
        }
        return out
    }
}
