import CKernels
import Foundation
import Testing
@testable import Linalg
@testable import Networks
@testable import SequenceData

/// The vectorised tanh of `rnndyn_tanh.h` against glibc's `tanh`, and its block kernels against elementwise loops.
///
/// Measured (x86-64, AVX2+FMA and portable paths alike): at most 2.0 ulp from glibc's tanh and 1.49 ulp from the
/// 64-bit-mantissa `tanhl` over 40 000 001 points of [−22, 22] (glibc's own tanh is 2.15 ulp from `tanhl` there);
/// ±0, subnormals, ±∞ and NaN are exact. The tests below allow 3 ulp on their grids.
@Suite struct TanhKernelTests {
    /// |a − b| in units of b's ulp (b the libm value; exact agreement required at 0).
    static func ulps(_ a: Double, _ b: Double) -> Double {
        if b == 0 { return a == 0 ? 0 : .infinity }
        return abs(a - b) / b.magnitude.ulp
    }

    static func worstULP(_ f: (Double) -> Double, over xs: [Double]) -> (ulps: Double, at: Double) {
        var worst = (ulps: 0.0, at: 0.0)
        for x in xs {
            let e = ulps(f(x), Foundation.tanh(x))
            if !(e <= worst.ulps) { worst = (e, x) }
        }
        return worst
    }

    /// A dense uniform grid of [−20, 20], a log grid of 10⁻³⁰⁸…20 (both signs) and the neighbourhood of the branch
    /// point 0.625.
    static let grid: [Double] = {
        var xs = (0...400_000).map { -20 + 40 * Double($0) / 400_000 }
        for k in 0...20_000 {
            let x = Foundation.pow(10, -308 + 309.3 * Double(k) / 20_000)
            xs.append(x); xs.append(-x)
        }
        var x = 0.625
        for _ in 0..<2_000 { x = x.nextDown }
        for _ in 0..<4_000 { xs.append(x); xs.append(-x); x = x.nextUp }
        return xs
    }()

    @Test func dispatchedPathIsWithinThreeULPOfLibm() {
        let worst = Self.worstULP(Self.scalarKernel(portable: false), over: Self.grid)
        #expect(worst.ulps <= 3, "max \(worst.ulps) ulp at x = \(worst.at)")
    }

    @Test func portablePathIsWithinThreeULPOfLibm() {
        let worst = Self.worstULP(Self.scalarKernel(portable: true), over: Self.grid)
        #expect(worst.ulps <= 3, "max \(worst.ulps) ulp at x = \(worst.at)")
    }

    /// The dispatched kernel, or the portable path alone.
    static func scalarKernel(portable: Bool) -> (Double) -> Double {
        if portable { return { rnndyn_tanh_portable($0) } }
        return { TanhKernel.tanh($0) }
    }

    @Test(arguments: [false, true]) func extremeValuesAreExact(_ portable: Bool) {
        let f = Self.scalarKernel(portable: portable)
        #expect(f(0) == 0 && f(0).sign == .plus)
        #expect(f(-0.0) == 0 && f(-0.0).sign == .minus)
        for x in [Double.leastNonzeroMagnitude, 1e-310, Double.leastNormalMagnitude, 1e-300, 1e-20, 1e-9] {
            #expect(f(x) == x && f(-x) == -x, "tanh(\(x))")
        }
        for x in [19.1, 20, 22, 40, 710, 1e300, Double.greatestFiniteMagnitude, .infinity] {
            #expect(f(x) == 1 && f(-x) == -1, "tanh(\(x))")
        }
        #expect(f(.nan).isNaN && f(-.nan).isNaN)
        #expect(f(19) == Foundation.tanh(19))
    }

    /// The block kernels (7 rows: the AVX2 body and its 3-row tail; 2 inputs, 2 readouts) against plain loops.
    @Test(arguments: [true, false]) func blockKernelsMatchElementwiseLoops(_ portable: Bool) {
        let (rows, cols, k, ny) = (7, 5, 2, 2)
        let forward = portable ? rnndyn_tanh_forward_portable : rnndyn_tanh_forward
        let backward = portable ? rnndyn_tanh_backward_fused_portable : rnndyn_tanh_backward_fused
        let scalar = Self.scalarKernel(portable: portable)
        func wave(_ count: Int, _ f: Double, _ a: Double) -> [Double] { (0..<count).map { a * Foundation.sin(Double($0) * f + 0.3) } }
        let z = wave(rows * cols, 1.7, 3), bias = wave(rows, 0.9, 0.3), w = wave(rows * k, 2.3, 0.5), x = wave(k * cols, 0.7, 1)
        var out = [Double](repeating: 0, count: rows * cols)
        let largest = forward(z, bias, w, k, x, &out, rows, cols)
        var pre = z, want = 0.0
        for j in 0..<cols {
            for i in 0..<rows {
                pre[i + j * rows] += bias[i] + (0..<k).reduce(0) { $0 + w[i + $1 * rows] * x[$1 + j * k] }
                want = max(want, abs(pre[i + j * rows]))
                #expect(abs(out[i + j * rows] - scalar(pre[i + j * rows])) <= 1e-15)
            }
        }
        #expect(abs(largest - want) <= 1e-15)

        let v = wave(rows * ny, 1.1, 0.4), r = wave(ny * cols, 0.5, 0.2), d0 = wave(rows * cols, 0.3, 1)
        for accumulate in [0, 1] {
            var d = d0, sums = [Double](repeating: 1, count: rows)
            var gIn = [Double](repeating: 0.5, count: rows * k), gOut = [Double](repeating: -0.5, count: rows * ny)
            backward(&d, Int32(accumulate), out, rows, cols, v, r, ny, &sums, &gIn, x, k, &gOut)
            for i in 0..<rows {
                var (s, gi, go) = (1.0, [0.5, 0.5], [-0.5, -0.5])
                for j in 0..<cols {
                    let e = Double(accumulate) * d0[i + j * rows] + (0..<ny).reduce(0) { $0 + v[i + $1 * rows] * r[$1 + j * ny] }
                    let h = out[i + j * rows], expected = e * (1 - h * h)
                    #expect(abs(d[i + j * rows] - expected) <= 1e-15)
                    s += expected
                    for l in 0..<k { gi[l] += expected * x[l + j * k] }
                    for l in 0..<ny { go[l] += h * r[l + j * ny] }
                }
                #expect(abs(sums[i] - s) <= 1e-14)
                for l in 0..<k { #expect(abs(gIn[i + l * rows] - gi[l]) <= 1e-14) }
                for l in 0..<ny { #expect(abs(gOut[i + l * rows] - go[l]) <= 1e-14) }
            }
        }

        var withNaN = z
        withNaN[rows * cols - 1] = .nan  // in the tail: must still surface
        let nanLargest = forward(withNaN, nil, nil, 0, nil, &out, rows, cols)
        #expect(nanLargest.isNaN && out[rows * cols - 1].isNaN && !out[0].isNaN)
    }

    /// Input and readout wider than `TanhRNN.fusedWidthLimit` take the whole-sequence GEMM route: its gradients against
    /// finite differences (the fused route is covered by `TanhRNNTests`), in both output modes, with noise and h_0.
    @Test(arguments: [(OutputMode.autoregressive, false), (.final, true)])
    func wideRouteGradientsMatchFiniteDifferences(mode: OutputMode, noisy: Bool) {
        let (nx, ny) = (TanhRNN.fusedWidthLimit + 2, TanhRNN.fusedWidthLimit + 1)
        let s = RandomStreams(seed: 14).child("tanh-wide-route-\(mode.rawValue)-\(noisy)")
        var net = TanhRNN.pytorchDefault(inputs: nx, hidden: 4, outputs: ny, learnedInitialState: true, outputMode: mode,
                                         noise: TanhRNNTests.noise(noisy, s), streams: s.child("init"))
        var g = s.stream("h0")
        net.h0 = g.gaussianMatrix(rows: 4, cols: 1, std: 0.5)
        let batch = NaiveRecurrentNets.batch(nx: nx, ny: ny, T: 4, P: 3, mode: mode, streams: s)
        TanhRNNTests.checkGradients(net, batch) { m, b, w, draw in m.lossAndGradient(b, workspace: &w, drawingNoise: draw) }
    }
}
