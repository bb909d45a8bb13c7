import Foundation
import Linalg

/// Buffers and stage arithmetic of one `RosenbrockRodas3` run (allocated once per solve).
final class RosenbrockStepper<F: VectorField> {
    typealias JacobianProvider = (Double, UnsafeBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) -> Void
    let field: F
    let n: Int
    private let analyticJacobian: JacobianProvider?
    private let method: RosenbrockRodas3
    private let y, ynew, f0, ft, stageState, stageSlope, jac, g: UnsafeMutableBufferPointer<Double>
    private let k: [UnsafeMutableBufferPointer<Double>]
    private var lu: LUFactorization

    init(_ field: F, jacobian: JacobianProvider?, method: RosenbrockRodas3) {
        let n = field.dimension
        self.field = field
        self.n = n
        self.analyticJacobian = jacobian
        self.method = method
        func buffer(_ count: Int) -> UnsafeMutableBufferPointer<Double> {
            let b = UnsafeMutableBufferPointer<Double>.allocate(capacity: count)
            b.initialize(repeating: 0)
            return b
        }
        y = buffer(n); ynew = buffer(n); f0 = buffer(n); ft = buffer(n); stageState = buffer(n); stageSlope = buffer(n)
        jac = buffer(n * n); g = buffer(n * n)
        k = (0..<4).map { _ in buffer(n) }
        lu = LUFactorization(dimension: n)
    }

    deinit {
        for b in [y, ynew, f0, ft, stageState, stageSlope, jac, g] + k { b.deallocate() }
    }

    /// The current state.
    var current: [Double] { Array(y) }
    /// The state proposed by the last attempt.
    var proposal: [Double] { Array(ynew) }

    /// Sets the current state.
    func load(_ state: [Double]) { for i in 0..<n { y[i] = state[i] } }

    /// Makes the last proposal the current state.
    func accept() { for i in 0..<n { y[i] = ynew[i] } }

    /// Evaluates f, ∂f/∂y and ∂f/∂t at (t, y) for the steps that start there.
    func prepare(_ t: Double, _ stats: inout ODEStatistics) {
        let yc = UnsafeBufferPointer(y)
        field.evaluate(t, yc, f0)
        stats.evaluations += 1
        stats.jacobianEvaluations += 1
        if let analyticJacobian {
            analyticJacobian(t, yc, jac)
        } else {
            // Forward differences, one column per component, with increments exactly representable around y_j.
            for i in 0..<n { stageState[i] = y[i] }
            for j in 0..<n {
                let yj = y[j]
                let delta = (yj + Double.ulpOfOne.squareRoot() * max(abs(yj), 1e-5)) - yj
                stageState[j] = yj + delta
                field.evaluate(t, UnsafeBufferPointer(stageState), stageSlope)
                for i in 0..<n { jac[i + j * n] = (stageSlope[i] - f0[i]) / delta }
                stageState[j] = yj
            }
            stats.evaluations += n
        }
        if method.isAutonomous {
            for i in 0..<n { ft[i] = 0 }
        } else {
            let dt = (t + Double.ulpOfOne.squareRoot() * max(abs(t), 1)) - t
            field.evaluate(t + dt, yc, stageSlope)
            stats.evaluations += 1
            for i in 0..<n { ft[i] = (stageSlope[i] - f0[i]) / dt }
        }
    }

    /// One trial step of size h from the prepared point; fills the proposal and returns the scaled error norm, or
    /// nil when the stage matrix cannot be factored.
    func attempt(_ t: Double, _ h: Double, _ stats: inout ODEStatistics) -> Double? {
        typealias R = RosenbrockRodas3
        let diagonal = 1 / (h * R.gamma)
        for i in 0..<(n * n) { g[i] = -jac[i] }
        for i in 0..<n { g[i + i * n] += diagonal }
        do { try lu.refactor(columnMajor: UnsafeBufferPointer(g)) } catch { return nil }
        stats.factorizations += 1
        for s in 0..<4 {
            let ks = k[s]
            if s == 0 {
                for i in 0..<n { stageSlope[i] = f0[i] }
            } else if R.newEvaluation[s] {
                for i in 0..<n {
                    var v = y[i]
                    for j in 0..<s where R.a[s][j] != 0 { v += R.a[s][j] * k[j][i] }
                    stageState[i] = v
                }
                field.evaluate(t + R.alpha[s] * h, UnsafeBufferPointer(stageState), stageSlope)
                stats.evaluations += 1
            }  // otherwise the stage reuses the previous stage's slope
            for i in 0..<n {
                var v = stageSlope[i] + h * R.gammaSum[s] * ft[i]
                for j in 0..<s where R.c[s][j] != 0 { v += R.c[s][j] / h * k[j][i] }
                ks[i] = v
            }
            lu.solve(inPlace: ks)
        }
        var sum = 0.0
        for i in 0..<n {
            var v = y[i], e = 0.0
            for s in 0..<4 {
                v += R.m[s] * k[s][i]
                e += R.e[s] * k[s][i]
            }
            ynew[i] = v
            let q = e / (method.absoluteTolerance + method.relativeTolerance * max(abs(y[i]), abs(v)))
            sum += q * q
        }
        return (sum / Double(n)).squareRoot()
    }

    /// The automatic first step (f0 must be prepared).
    func startingStep(_ t: Double, span: Double, _ stats: inout ODEStatistics) -> Double {
        Theory.startingStep(field, t, UnsafeBufferPointer(y), f0: UnsafeBufferPointer(f0), probe: stageState,
                            probeSlope: stageSlope, relativeTolerance: method.relativeTolerance,
                            absoluteTolerance: method.absoluteTolerance, order: 3, span: span, stats: &stats)
    }
}
