import Linalg

/// The trend of a degeneracy measure over a group's levels, tested by a bootstrap over seeds.
///
/// One resample draws, independently per level, as many converged networks as the level has, with replacement;
/// every measure of that resample is computed on the same draw (pairs share seeds: a pairwise mean averages the
/// pairs of distinct drawn networks, so a network drawn twice is not compared with itself). The trend of a measure
/// is the least-squares slope of its per-level values against the level values; the bootstrap reports the fraction
/// of resamples whose slope has each sign (a NaN slope counts for neither). A direction holds when that fraction is
/// at least the hold fraction (0.9 by default).
public struct SeedBootstrap: Sendable {
    /// One measure's values per level, as a function of the drawn networks (indices into the level's converged ones).
    public enum Measure: Sendable {
        /// Mean over pairs of distinct drawn networks of a per-level distance matrix.
        case pairMean([Matrix])
        /// Mean over the drawn networks of per-level values.
        case mean([[Double]])
        /// Population standard deviation over the drawn networks of per-level values (σ_OOD).
        case spread([[Double]])

        /// The measure at level `l` on the draw `pick`.
        func value(level l: Int, pick: [Int]) -> Double {
            switch self {
            case .pairMean(let ds):
                var sum = 0.0, count = 0
                for a in pick.indices {
                    for b in (a + 1)..<pick.count where pick[a] != pick[b] { sum += ds[l][pick[a], pick[b]]; count += 1 }
                }
                return count == 0 ? .nan : sum / Double(count)
            case .mean(let xs):
                return pick.isEmpty ? .nan : pick.reduce(0) { $0 + xs[l][$1] } / Double(pick.count)
            case .spread(let xs):
                guard !pick.isEmpty else { return .nan }
                let n = Double(pick.count), m = pick.reduce(0) { $0 + xs[l][$1] } / n
                return (pick.reduce(0) { $0 + (xs[l][$1] - m) * (xs[l][$1] - m) } / n).squareRoot()
            }
        }
    }

    /// Level values (x).
    public let levels: [Double]
    /// Converged networks per level.
    public let counts: [Int]
    /// Slopes of each measure, one per resample.
    public private(set) var slopes: [[Double]]

    /// Resamples `resamples` times from `streams` (stream `resamples`) and records the slope of every measure.
    public init(levels: [Double], counts: [Int], measures: [Measure], resamples: Int, streams: RandomStreams) {
        self.levels = levels
        self.counts = counts
        var rng = streams.stream("resamples")
        var slopes = Array(repeating: [Double](), count: measures.count)
        for _ in 0..<resamples {
            let picks = counts.map { n in (0..<n).map { _ in Int(rng.next() % UInt64(n)) } }
            for (k, measure) in measures.enumerated() {
                slopes[k].append(Self.slope(levels, levels.indices.map { measure.value(level: $0, pick: picks[$0]) }))
            }
        }
        self.slopes = slopes
    }

    /// Fraction of resamples whose slope of measure `k` is below 0 (`decreasing`) or above 0.
    public func fraction(_ k: Int, decreasing: Bool) -> Double {
        guard !slopes[k].isEmpty else { return 0 }
        return Double(slopes[k].filter { decreasing ? $0 < 0 : $0 > 0 }.count) / Double(slopes[k].count)
    }

    /// Fraction of resamples in which measures `a` and `b` have slopes of opposite signs (both nonzero).
    public func oppositeFraction(_ a: Int, _ b: Int) -> Double {
        guard !slopes[a].isEmpty else { return 0 }
        return Double(zip(slopes[a], slopes[b]).filter { $0 * $1 < 0 }.count) / Double(slopes[a].count)
    }

    /// Fraction of resamples in which measures `a` and `b` have slopes of the same sign (both nonzero).
    public func sameSignFraction(_ a: Int, _ b: Int) -> Double {
        guard !slopes[a].isEmpty else { return 0 }
        return Double(zip(slopes[a], slopes[b]).filter { $0 * $1 > 0 }.count) / Double(slopes[a].count)
    }

    /// Least-squares slope of y on x (NaN if any y is NaN or x has no spread).
    public static func slope(_ x: [Double], _ y: [Double]) -> Double {
        guard x.count == y.count, x.count >= 2, y.allSatisfy(\.isFinite) else { return .nan }
        let n = Double(x.count), mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0
        for (a, b) in zip(x, y) { sxy += (a - mx) * (b - my); sxx += (a - mx) * (a - mx) }
        return sxx == 0 ? .nan : sxy / sxx
    }
}
