import Foundation
import Numerics
@testable import Linalg
@testable import Networks
@testable import Tasks

/// Independent numerics for the issue-13 engine tests (none of it shares code with `ImpulseResponseDistance`).
enum FilterLearningCheck {
    /// `e^{A}` by scaling and squaring with a 20-term Taylor series (machine precision for moderate ‖A‖).
    static func matrixExponential(_ a: Matrix) -> Matrix {
        let n = a.rows
        let norm = a.storage.map(abs).reduce(0, +)
        var squarings = 0
        while norm / pow(2, Double(squarings)) > 0.5 { squarings += 1 }
        let scaled = (1 / pow(2, Double(squarings))) * a
        var result = Matrix.identity(n), term = Matrix.identity(n)
        for k in 1...20 {
            term = (1 / Double(k)) * (term * scaled)
            result = result + term
        }
        for _ in 0..<squarings { result = result * result }
        return result
    }

    /// Gauss–Legendre nodes and weights on [0, 1] (Newton on the Legendre recurrence).
    static func gaussLegendre(_ m: Int) -> (nodes: [Double], weights: [Double]) {
        var nodes = [Double](), weights = [Double]()
        for i in 1...m {
            var x = cos(Double.pi * (Double(i) - 0.25) / (Double(m) + 0.5))
            var derivative = 0.0
            for _ in 0..<100 {
                var p0 = 1.0, p1 = x
                for k in 2...m { let p2 = ((2 * Double(k) - 1) * x * p1 - (Double(k) - 1) * p0) / Double(k); p0 = p1; p1 = p2 }
                derivative = Double(m) * (x * p1 - p0) / (x * x - 1)
                let dx = p1 / derivative
                x -= dx
                if abs(dx) < 1e-16 { break }
            }
            nodes.append((1 - x) / 2)
            weights.append(1 / ((1 - x * x) * derivative * derivative))
        }
        return (nodes, weights)
    }

    /// `½ ∫₀^∞ (cᵀ e^{At} b − g*(t))² dt` by 12-point Gauss–Legendre panels of width `panel` up to `horizon`,
    /// with `e^{At} b` propagated panel by panel through `expm`.
    static func timeDomainLoss(a: Matrix, b: [Double], c: [Double], target: ModalResponse, horizon: Double,
                               panel: Double = 0.25) -> Double {
        let (nodes, weights) = gaussLegendre(12)
        let rows = nodes.map { FilterLearningCheck.matrixExponential(panel * $0 * a.transposed) * c }
        let step = matrixExponential(panel * a)
        var state = b, sum = 0.0
        var t0 = 0.0
        while t0 < horizon {
            for (i, x) in nodes.enumerated() {
                let g = zip(rows[i], state).reduce(0) { $0 + $1.0 * $1.1 }
                let e = g - target.value(at: t0 + panel * x)
                sum += weights[i] * panel * e * e
            }
            state = step * state
            t0 += panel
        }
        return sum / 2
    }

    /// `cᵀ (s I − A)^{-1} b` by complex Gaussian elimination with partial pivoting.
    static func transfer(a: Matrix, b: [Double], c: [Double], at s: Complex<Double>) -> Complex<Double> {
        let n = a.rows
        var m = [[Complex<Double>]](repeating: [Complex<Double>](repeating: .zero, count: n + 1), count: n)
        for i in 0..<n {
            for j in 0..<n { m[i][j] = Complex(-a[i, j]) + (i == j ? s : .zero) }
            m[i][n] = Complex(b[i])
        }
        for k in 0..<n {
            let pivot = (k..<n).max { m[$0][k].length < m[$1][k].length }!
            m.swapAt(k, pivot)
            for i in (k + 1)..<max(n, k + 1) {
                let f = m[i][k] / m[k][k]
                for j in k...n { m[i][j] -= f * m[k][j] }
            }
        }
        var x = [Complex<Double>](repeating: .zero, count: n)
        for k in stride(from: n - 1, through: 0, by: -1) {
            var v = m[k][n]
            for j in (k + 1)..<max(n, k + 1) { v -= m[k][j] * x[j] }
            x[k] = v / m[k][k]
        }
        return zip(c, x).reduce(Complex<Double>.zero) { $0 + Complex($1.0) * $1.1 }
    }

    /// Adaptive Gauss–Kronrod (7, 15) quadrature of `f` over `[lo, hi]` to absolute tolerance `tolerance`.
    static func adaptiveKronrod(_ f: (Double) -> Double, _ lo: Double, _ hi: Double, tolerance: Double,
                                depth: Int = 0) -> Double {
        let xk: [Double] = [0.991455371120812639206854697526329, 0.949107912342758524526189684047851,
                            0.864864423359769072789712788640926, 0.741531185599394439863864773280788,
                            0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
                            0.207784955007898467600689403773245, 0.0]
        let wk: [Double] = [0.022935322010529224963732008058970, 0.063092092629978553290700663189204,
                            0.104790010322250183839876322541518, 0.140653259715525918745189590510238,
                            0.169004726639267902826583426598550, 0.190350578064785409913256402421014,
                            0.204432940075298892414161999234649, 0.209482141084727828012999174891714]
        let wg: [Double] = [0.129484966168869693270611432679082, 0.279705391489276667901467771423780,
                            0.381830050505118944950369775488975, 0.417959183673469387755102040816327]
        let mid = (lo + hi) / 2, half = (hi - lo) / 2
        var kronrod = 0.0, gauss = 0.0
        for i in 0..<8 {
            let values = i == 7 ? [f(mid)] : [f(mid - half * xk[i]), f(mid + half * xk[i])]
            let s = values.reduce(0, +)
            kronrod += wk[i] * s
            if i % 2 == 1 { gauss += wg[i / 2] * s }  // G7 nodes are xk[1], xk[3], xk[5] and the centre xk[7]
        }
        kronrod *= half; gauss *= half
        if abs(kronrod - gauss) <= tolerance || depth >= 40 { return kronrod }
        return adaptiveKronrod(f, lo, mid, tolerance: tolerance / 2, depth: depth + 1)
            + adaptiveKronrod(f, mid, hi, tolerance: tolerance / 2, depth: depth + 1)
    }

    /// `(1/4π) ∫_{−∞}^{∞} |H(iω) − H*(iω)|² dω = (1/2π) ∫₀^{π/2} |ΔH(i tan θ)|² sec²θ dθ` (real responses).
    static func frequencyDomainLoss(a: Matrix, b: [Double], c: [Double], target: ModalResponse, tolerance: Double) -> Double {
        let integral = adaptiveKronrod({ theta in
            let omega = tan(theta), secant = 1 / cos(theta)
            let s = Complex(0, omega)
            let d = transfer(a: a, b: b, c: c, at: s) - target.transfer(s)
            return d.lengthSquared * secant * secant
        }, 0, Double.pi / 2, tolerance: tolerance)
        return integral / (2 * Double.pi)
    }

    /// `½ Σ_{t=0}^{steps} (cᵀ A^t b − g*_t)²` by direct recursion.
    static func discreteLoss(a: Matrix, b: [Double], c: [Double], target: ModalResponse, steps: Int) -> Double {
        var state = b, sum = 0.0
        for t in 0...steps {
            let g = zip(c, state).reduce(0) { $0 + $1.0 * $1.1 }
            let e = g - target.value(at: Double(t))
            sum += e * e
            state = a * state
        }
        return sum / 2
    }

    /// Central differences with one Richardson step (O(h⁴)) of `loss` over the flat parameters of `net`.
    static func finiteDifferenceGradient(_ net: LinearFilterRNN, h: Double = 1e-3,
                                         loss: (LinearFilterRNN) throws -> Double) rethrows -> [Double] {
        var flat = [Double](repeating: 0, count: net.parameterCount)
        flat.withUnsafeMutableBufferPointer { net.write(into: $0) }
        return try finiteDifferenceGradient(at: flat, h: h) { point in
            var moved = net
            point.withUnsafeBufferPointer { moved.read(from: $0) }
            return try loss(moved)
        }
    }

    /// Central differences with one Richardson step (O(h⁴)) of `loss` at the flat point `flat`.
    static func finiteDifferenceGradient(at flat: [Double], h: Double = 1e-3,
                                         loss: ([Double]) throws -> Double) rethrows -> [Double] {
        var grad = flat
        for k in flat.indices {
            func central(_ step: Double) throws -> Double {
                var plus = flat, minus = flat
                plus[k] += step; minus[k] -= step
                return (try loss(plus) - loss(minus)) / (2 * step)
            }
            grad[k] = (4 * (try central(h / 2)) - (try central(h))) / 3
        }
        return grad
    }

    /// A test network: `W = σ G/√N + shift·I` (G from the "W" stream), u, v ~ N(0, 1).
    static func network(units n: Int, sigma: Double, shift: Double, readout: LinearFilterRNN.ReadoutScaling,
                        leak: Double, clock: ModalResponse.Clock, seed: UInt64) throws -> LinearFilterRNN {
        var net = try LinearFilterRNN.random(units: n, sigma: sigma, streams: RandomStreams(seed: seed).child("filter-test"),
                                             readout: readout, leak: leak, clock: clock)
        for i in 0..<n { net.w[i, i] += shift }
        return net
    }

    /// Relative error of block `range` of two flat vectors.
    static func relativeError(_ x: [Double], _ y: [Double], _ range: Range<Int>) -> Double {
        var num = 0.0, den = 0.0
        for k in range { num += (x[k] - y[k]) * (x[k] - y[k]); den += y[k] * y[k] }
        return (num / max(den, .leastNormalMagnitude)).squareRoot()
    }
}
