import CKernels
import Foundation
import Testing
@testable import Linalg

/// The fused tanh RNN step kernels (`rnndyn_tanh_step.h`) against the product followed by the block kernels they
/// replace, and the in-place A·Bᵀ kernel against BLAS.
@Suite struct TanhStepKernelTests {
    static func wave(_ count: Int, _ f: Double, _ a: Double) -> [Double] {
        (0..<count).map { a * Foundation.sin(Double($0) * f + 0.3) }
    }

    /// Ragged shapes (rows not a multiple of 8, columns not of 6), with and without a prefilled block, bias and input:
    /// the AVX2 step kernel equals `rnndyn_packed_gemm` + `rnndyn_tanh_forward` bit for bit, the portable one is that
    /// composition by construction and agrees to rounding.
    @Test(arguments: [(13, 7, 13, 3), (16, 12, 16, 0), (128, 64, 128, 3), (5, 1, 9, 2)])
    func forwardStepEqualsProductThenTanh(rows: Int, cols: Int, k: Int, nx: Int) {
        let a = Matrix(rows: rows, cols: k, columnMajor: Self.wave(rows * k, 1.3, 2 / Double(k).squareRoot()))
        var packed = PackedOperand(rows: rows, inner: k)
        packed.pack(a)
        let hprev = Self.wave(k * cols, 0.7, 0.9), prefill = Self.wave(rows * cols, 2.1, 0.4)
        let bias = Self.wave(rows, 0.9, 0.3), wx = Self.wave(rows * max(nx, 1), 2.3, 0.5), x = Self.wave(max(nx, 1) * cols, 0.4, 1)
        for accumulate in [0, 1] {
            for withBias in [false, true] {
                var want = accumulate == 1 ? prefill : [Double](repeating: 0, count: rows * cols)
                var fused = want, portable = want, avx2 = want
                want.withUnsafeMutableBufferPointer { w in
                    packed.multiply(hprev, ldb: k, columns: cols, accumulate: accumulate == 1, into: w.baseAddress!, ldc: rows)
                }
                let wantLargest = rnndyn_tanh_forward(want, withBias ? bias : nil, nx > 0 ? wx : nil, nx, nx > 0 ? x : nil,
                                                      &want, rows, cols)
                let (largest, portableLargest, avx2Largest) = packed.withUnsafePanels { pk in
                    (rnndyn_tanh_step_forward(pk, rows, cols, k, hprev, k, Int32(accumulate), withBias ? bias : nil,
                                              nx > 0 ? wx : nil, nx, nx > 0 ? x : nil, &fused),
                     rnndyn_tanh_step_forward_portable(pk, rows, cols, k, hprev, k, Int32(accumulate), withBias ? bias : nil,
                                                       nx > 0 ? wx : nil, nx, nx > 0 ? x : nil, &portable),
                     rnndyn_tanh_step_forward_avx2(pk, rows, cols, k, hprev, k, Int32(accumulate), withBias ? bias : nil,
                                                   nx > 0 ? wx : nil, nx, nx > 0 ? x : nil, &avx2))
                }
                // The dispatched path (AVX-512 on CPUs that have it) and the AVX2 path both equal the composition.
                #expect(fused == want, "rows \(rows) cols \(cols) accumulate \(accumulate) bias \(withBias)")
                #expect(largest == wantLargest)
                if rnndyn_tanh_uses_avx2() != 0 { #expect(avx2 == want && avx2Largest == wantLargest) }
                let gap = zip(portable, want).map { abs($0 - $1) }.max() ?? 0
                #expect(gap <= 1e-14 && abs(portableLargest - wantLargest) <= 1e-14 * max(1, wantLargest))
            }
        }
    }

    @Test func pathIsReported() {
        #expect((1...3).contains(rnndyn_tanh_step_path()))
        if rnndyn_tanh_uses_avx2() == 0 { #expect(rnndyn_tanh_step_path() == 1) }
    }

    @Test func forwardStepReportsNaN() {
        let (rows, cols, k) = (9, 4, 9)
        var packed = PackedOperand(rows: rows, inner: k)
        packed.pack(Matrix(rows: rows, cols: k, columnMajor: Self.wave(rows * k, 1.1, 0.3)))
        var hprev = Self.wave(k * cols, 0.7, 0.9)
        hprev[k * cols - 1] = .nan  // last column: every row of it turns NaN, the tail row included
        for kernel in [rnndyn_tanh_step_forward, rnndyn_tanh_step_forward_avx2, rnndyn_tanh_step_forward_portable] {
            var out = [Double](repeating: 0, count: rows * cols)
            let largest = packed.withUnsafePanels { kernel($0, rows, cols, k, hprev, k, 0, nil, nil, 0, nil, &out) }
            #expect(largest.isNaN && out[rows * cols - 1].isNaN && !out[0].isNaN)
        }
    }

    /// The backward step equals `rnndyn_packed_gemm` + `rnndyn_tanh_backward_fused` bit for bit (AVX2 path), with every
    /// accumulator on and off.
    @Test(arguments: [(13, 7, 3, 2), (128, 64, 3, 3), (8, 6, 0, 0), (21, 11, 1, 4)])
    func backwardStepEqualsProductThenFusedBackward(rows: Int, cols: Int, nx: Int, ny: Int) {
        let k = rows
        let a = Matrix(rows: rows, cols: k, columnMajor: Self.wave(rows * k, 0.8, 1 / Double(k).squareRoot()))
        var packed = PackedOperand(rows: rows, inner: k)
        packed.pack(a, .transpose)
        let dnext = Self.wave(k * cols, 0.6, 0.7), d0 = Self.wave(rows * cols, 1.9, 0.2)
        let h = Self.wave(rows * cols, 0.45, 0.95), wyT = Self.wave(rows * max(ny, 1), 1.2, 0.4)
        let r = Self.wave(max(ny, 1) * cols, 0.35, 0.05), x = Self.wave(max(nx, 1) * cols, 0.55, 1)
        for accumulate in [0, 1] {
            for accumulators in [false, true] {
                func run(_ fused: Bool, _ portable: Bool, avx2: Bool = false) -> [[Double]] {
                    var d = accumulate == 1 ? d0 : [Double](repeating: 0, count: rows * cols)
                    var sums = [Double](repeating: 0.25, count: rows)
                    var gIn = [Double](repeating: 0.5, count: rows * max(nx, 1)), gOut = [Double](repeating: -0.5, count: rows * max(ny, 1))
                    let wyTp = ny > 0 ? wyT : nil, rp = ny > 0 ? r : nil, xp = nx > 0 ? x : nil
                    sums.withUnsafeMutableBufferPointer { sp in
                    gIn.withUnsafeMutableBufferPointer { gip in
                    gOut.withUnsafeMutableBufferPointer { gop in
                    d.withUnsafeMutableBufferPointer { dp in
                        let s = accumulators ? sp.baseAddress : nil, gi = accumulators && nx > 0 ? gip.baseAddress : nil
                        let go = accumulators && ny > 0 ? gop.baseAddress : nil
                        packed.withUnsafePanels { pk in
                            if fused {
                                (portable ? rnndyn_tanh_step_backward_portable : avx2 ? rnndyn_tanh_step_backward_avx2 : rnndyn_tanh_step_backward)(
                                    pk, rows, cols, k, dnext, Int32(accumulate), dp.baseAddress, h, wyTp, rp, ny, s, gi, xp, nx, go)
                            } else {
                                packed.multiply(dnext, ldb: k, columns: cols, accumulate: accumulate == 1, into: dp.baseAddress!, ldc: rows)
                                rnndyn_tanh_backward_fused(dp.baseAddress, 1, h, rows, cols, wyTp, rp, ny, s, gi, xp, nx, go)
                            }
                        }
                    }}}}
                    return [d, sums, gIn, gOut]
                }
                let want = run(false, false), fused = run(true, false), portable = run(true, true)
                #expect(fused == want, "rows \(rows) cols \(cols) accumulate \(accumulate) accumulators \(accumulators)")
                if rnndyn_tanh_uses_avx2() != 0 { #expect(run(true, false, avx2: true) == want) }
                for (p, w) in zip(portable, want) {
                    #expect(zip(p, w).allSatisfy { abs($0 - $1) <= 1e-13 })
                }
            }
        }
    }

    /// `rnndyn_gemm_abt` (both paths) against BLAS's A·Bᵀ: ragged rows (the portable tail), several inner blocks.
    @Test(arguments: [(128, 128, 64), (13, 7, 600), (16, 6, 1), (24, 130, 257), (3, 5, 0)])
    func abtMatchesBLAS(m: Int, n: Int, k: Int) {
        var rng = RandomStreams(seed: UInt64(m * 7919 + n * 31 + k)).stream("abt")
        let a = rng.gaussianMatrix(rows: m + 1, cols: max(k, 1)), b = rng.gaussianMatrix(rows: n + 2, cols: max(k, 1))
        let c0 = rng.gaussianMatrix(rows: m, cols: n)
        for accumulate in [false, true] {
            var want = c0
            if k > 0 {
                want.storage.withUnsafeMutableBufferPointer { c in
                    BLAS.gemm(.none, .transpose, m: m, n: n, k: k, alpha: 1, a: a.storage, lda: m + 1, b: b.storage, ldb: n + 2,
                              beta: accumulate ? 1 : 0, c: c.baseAddress!, ldc: m)
                }
            } else if !accumulate {
                want = Matrix(rows: m, cols: n)
            }
            for portable in [false, true] {
                var c = c0
                (portable ? rnndyn_gemm_abt_portable : rnndyn_gemm_abt)(m, n, k, a.storage, m + 1, b.storage, n + 2,
                                                                         accumulate ? 1 : 0, &c.storage, m)
                #expect(c.relativeDistance(to: want) <= 1e-13 || (want.maxAbs == 0 && c.maxAbs == 0),
                        "m \(m) n \(n) k \(k) accumulate \(accumulate) portable \(portable)")
            }
        }
    }
}
