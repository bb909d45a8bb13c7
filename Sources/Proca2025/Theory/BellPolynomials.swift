/// Partial (exponential) Bell polynomials `B_{n,k}(x₁, …, x_{n−k+1})`, the coefficients of Faà di Bruno's formula.
public enum BellPolynomials {
    /// `B_{n,k}(x)` with `x[j−1] = x_j`, by the recurrence `B_{n,k} = Σ_{i=1}^{n−k+1} C(n−1, i−1) x_i B_{n−i,k−1}`.
    public static func partial(n: Int, k: Int, _ x: [Double]) -> Double {
        precondition(n >= 0 && k >= 0, "indices must be non-negative")
        precondition(x.count >= max(0, n - k + 1), "need x₁ … x_{n−k+1}")
        // Entries of lower rows that would need x_j beyond x_{n−k+1} never feed B_{n,k}; pad them with zeros.
        let padded = x + [Double](repeating: 0, count: max(0, n - x.count))
        return table(maxN: n, padded)[n][k]
    }

    /// The table `B[m][k]` for 0 ≤ k ≤ m ≤ maxN (needs x₁ … x_maxN).
    static func table(maxN: Int, _ x: [Double]) -> [[Double]] {
        var b: [[Double]] = [[1]]
        for m in stride(from: 1, through: maxN, by: 1) { b.append(row(m, b, x)) }
        return b
    }

    /// Row m of the table from rows 0 … m−1.
    static func row(_ m: Int, _ b: [[Double]], _ x: [Double]) -> [Double] {
        var r = [Double](repeating: 0, count: m + 1)
        for k in stride(from: 1, through: m, by: 1) {
            var sum = 0.0
            var binom = 1.0  // C(m−1, i−1), starting at i = 1
            for i in 1...(m - k + 1) {
                let prev = b[m - i]
                if k - 1 < prev.count { sum += binom * x[i - 1] * prev[k - 1] }
                binom = binom * Double(m - i) / Double(i)
            }
            r[k] = sum
        }
        return r
    }
}
