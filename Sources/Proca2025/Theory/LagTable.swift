import Numerics

/// The per-mode task as a list of (lag, target) terms, `E = ½ Σ_terms |s − u b^lag|²`, plus per-lag sums.
///
/// Final readout: lag k = T − i with target s_i (one term per lag). Autoregressive: lag k = t − i with
/// target s_{t,i} (T − k terms at lag k). Gradients only need the per-lag residual sums
/// `R_k = S_k − n_k · u b^k`, so a velocity costs O(T) for both readouts; energies sum the squared
/// residuals term by term (no expanded-square cancellation near zero loss).
struct LagTable<Scalar: AlgebraicField & Sendable>: Sendable {
    /// Sequence length T (lags are 0 … T − 1).
    let length: Int
    /// Lag of every term.
    let lags: [Int]
    /// Target of every term.
    let targets: [Scalar]
    /// S_k: sum of the targets at lag k.
    let lagSums: [Scalar]
    /// n_k: number of terms at lag k.
    let lagCounts: [Double]
    /// The targets regrouped by lag: lag k owns `groupedTargets[groupStart[k] ..< groupStart[k + 1]]`.
    let groupedTargets: [Scalar]
    /// Offsets into `groupedTargets` (T + 1 entries).
    let groupStart: [Int]

    init(_ t: Targets<Scalar>) {
        var lags: [Int] = [], targets: [Scalar] = []
        let T = t.length
        precondition(T >= 1, "need at least one time step")
        switch t {
        case .final(let s):
            for i in 1...T { lags.append(T - i); targets.append(s[i - 1]) }
        case .autoregressive(let s):
            for tt in 1...T {
                precondition(s[tt - 1].count >= tt, "autoregressive row t = \(tt) needs at least \(tt) entries")
                for i in 1...tt { lags.append(tt - i); targets.append(s[tt - 1][i - 1]) }
            }
        }
        var sums = [Scalar](repeating: .zero, count: T), counts = [Double](repeating: 0, count: T)
        for (k, s) in zip(lags, targets) { sums[k] += s; counts[k] += 1 }
        self.length = T
        self.lags = lags
        self.targets = targets
        self.lagSums = sums
        self.lagCounts = counts
        var start = [0]
        var grouped: [Scalar] = []
        for k in 0..<T {
            for (l, s) in zip(lags, targets) where l == k { grouped.append(s) }
            start.append(grouped.count)
        }
        self.groupedTargets = grouped
        self.groupStart = start
    }
}

