import Foundation

/// Correlation coefficients between two equally long samples: Pearson, Spearman (average ranks for ties) and
/// Kendall τ_A (Knight's O(n log n) pair counting).
public enum RankCorrelation {
    /// Pearson's r; throws `zeroVariance` when either sample is constant.
    public static func pearson(_ x: [Double], _ y: [Double]) throws -> Double {
        try requirePairs(x, y)
        let mx = x.reduce(0, +) / Double(x.count), my = y.reduce(0, +) / Double(y.count)
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for k in x.indices {
            let dx = x[k] - mx, dy = y[k] - my
            sxy += dx * dy; sxx += dx * dx; syy += dy * dy
        }
        guard sxx > 0 else { throw RepresentationError.zeroVariance(field: "first sample") }
        guard syy > 0 else { throw RepresentationError.zeroVariance(field: "second sample") }
        return min(1, max(-1, sxy / (sxx.squareRoot() * syy.squareRoot())))
    }

    /// Spearman's ρ: Pearson's r of the ranks, tied values sharing their average rank.
    public static func spearman(_ x: [Double], _ y: [Double]) throws -> Double {
        try requirePairs(x, y)
        return try pearson(averageRanks(x), averageRanks(y))
    }

    /// Kendall's τ_A = (concordant − discordant) / (n(n−1)/2): tied pairs count as neither (no tie correction).
    public static func kendallTauA(_ x: [Double], _ y: [Double]) throws -> Double {
        try requirePairs(x, y)
        let n = x.count
        let allPairs = n * (n - 1) / 2
        // Order by x, then y: inversions of y in this order are exactly the discordant pairs.
        let order = x.indices.sorted { x[$0] != x[$1] ? x[$0] < x[$1] : y[$0] < y[$1] }
        let tiedX = tiedPairs(order.map { x[$0] })
        var jointRuns = 0, run = 1
        for k in 1..<n {
            if x[order[k]] == x[order[k - 1]] && y[order[k]] == y[order[k - 1]] { run += 1 } else {
                jointRuns += run * (run - 1) / 2; run = 1
            }
        }
        jointRuns += run * (run - 1) / 2
        var ys = order.map { y[$0] }
        let discordant = sortCountingInversions(&ys)
        let tiedY = tiedPairs(ys)
        let difference = allPairs - tiedX - tiedY + jointRuns - 2 * discordant
        return Double(difference) / Double(allPairs)
    }

    /// 1-based ranks of `x`, tied values sharing the mean of the ranks they span.
    public static func averageRanks(_ x: [Double]) -> [Double] {
        let order = x.indices.sorted { x[$0] < x[$1] }
        var ranks = [Double](repeating: 0, count: x.count)
        var start = 0
        while start < order.count {
            var end = start + 1
            while end < order.count && x[order[end]] == x[order[start]] { end += 1 }
            let shared = Double(start + end + 1) / 2  // mean of ranks start+1 … end
            for k in start..<end { ranks[order[k]] = shared }
            start = end
        }
        return ranks
    }

    /// Pairs tied within runs of a sorted sample: Σ t(t−1)/2 over runs of equal values.
    private static func tiedPairs(_ sorted: [Double]) -> Int {
        var total = 0, run = 1
        for k in 1..<max(1, sorted.count) {
            if sorted[k] == sorted[k - 1] { run += 1 } else { total += run * (run - 1) / 2; run = 1 }
        }
        return total + run * (run - 1) / 2
    }

    /// Sorts `values` ascending (stable merge sort) and returns the number of pairs i < j with values[i] > values[j].
    private static func sortCountingInversions(_ values: inout [Double]) -> Int {
        var buffer = values
        var inversions = 0
        var width = 1
        let n = values.count
        while width < n {
            var lo = 0
            while lo < n {
                let mid = min(lo + width, n), hi = min(lo + 2 * width, n)
                var i = lo, j = mid, k = lo
                while i < mid && j < hi {
                    if values[j] < values[i] { buffer[k] = values[j]; j += 1; inversions += mid - i } else {
                        buffer[k] = values[i]; i += 1
                    }
                    k += 1
                }
                while i < mid { buffer[k] = values[i]; i += 1; k += 1 }
                while j < hi { buffer[k] = values[j]; j += 1; k += 1 }
                lo = hi
            }
            swap(&values, &buffer)
            width *= 2
        }
        return inversions
    }

    /// Throws unless both samples have the same length ≥ 2 and are finite.
    private static func requirePairs(_ x: [Double], _ y: [Double]) throws {
        guard x.count == y.count else {
            throw RepresentationError.invalidParameter(field: "samples", allowed: "of equal length (got \(x.count) and \(y.count))")
        }
        guard x.count >= 2 else { throw RepresentationError.tooFewSamples(field: "samples", rows: x.count, needed: 2) }
        guard x.allSatisfy(\.isFinite), y.allSatisfy(\.isFinite) else {
            throw RepresentationError.nonFinite(field: "samples")
        }
    }
}
