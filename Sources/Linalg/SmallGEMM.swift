/// A register-blocked column-major GEMM for tiny operands (row count a multiple of 4, at most 16), where
/// OpenBLAS's packing, buffer locking and zeroing cost more than the arithmetic — e.g. a 4×4 recurrent matrix
/// times a 4×64 state block. Results agree with BLAS to rounding; the path is deterministic.
@usableFromInline enum SmallGEMM {
    /// True when `gemm` below handles the shape (and is faster than OpenBLAS for it).
    @inlinable static func handles(m: Int, n: Int, k: Int) -> Bool {
        m & 3 == 0 && m <= 16 && k <= 16 * 1024 && m * n * k <= 65_536 && (k <= 16 || n <= 16)
    }

    /// `C ← α op(A) op(B) + β C`; `op(A)` is copied to a stack buffer when transposed.
    @inlinable static func gemm(
        _ ta: Transpose, _ tb: Transpose, m: Int, n: Int, k: Int,
        alpha: Double, a: UnsafePointer<Double>, lda: Int,
        b: UnsafePointer<Double>, ldb: Int,
        beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        if ta == .none {
            kernel(tb, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
            return
        }
        withUnsafeTemporaryAllocation(of: Double.self, capacity: m * k) { buf in
            let t = buf.baseAddress!
            for l in 0..<k { for i in 0..<m { t[i + l * m] = a[l + i * lda] } }
            kernel(tb, m: m, n: n, k: k, alpha: alpha, a: UnsafePointer(t), lda: m, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        }
    }

    @inlinable static func load(_ p: UnsafePointer<Double>) -> SIMD4<Double> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Double>.self)
    }

    @inlinable static func store(_ v: SIMD4<Double>, _ p: UnsafeMutablePointer<Double>, alpha: Double, beta: Double) {
        var out = alpha * v
        if beta != 0 { out += beta * load(UnsafePointer(p)) }
        UnsafeMutableRawPointer(p).storeBytes(of: out, as: SIMD4<Double>.self)
    }

    /// Four columns of C at a time, four rows per SIMD register: four independent accumulator chains.
    @inlinable static func kernel(
        _ tb: Transpose, m: Int, n: Int, k: Int, alpha: Double, a: UnsafePointer<Double>, lda: Int,
        b: UnsafePointer<Double>, ldb: Int, beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        let (bl, bj) = tb == .none ? (1, ldb) : (ldb, 1)
        var j0 = 0
        while j0 + 4 <= n {
            let b0 = b + j0 * bj, b1 = b0 + bj, b2 = b1 + bj, b3 = b2 + bj
            var i0 = 0
            while i0 < m {
                var c0 = SIMD4<Double>(), c1 = c0, c2 = c0, c3 = c0
                var ap = a + i0
                var off = 0
                for _ in 0..<k {
                    let av = load(ap)
                    c0 += av * b0[off]; c1 += av * b1[off]; c2 += av * b2[off]; c3 += av * b3[off]
                    ap += lda
                    off += bl
                }
                let cp = c + i0 + j0 * ldc
                store(c0, cp, alpha: alpha, beta: beta); store(c1, cp + ldc, alpha: alpha, beta: beta)
                store(c2, cp + 2 * ldc, alpha: alpha, beta: beta); store(c3, cp + 3 * ldc, alpha: alpha, beta: beta)
                i0 += 4
            }
            j0 += 4
        }
        while j0 < n {
            let bp = b + j0 * bj
            var i0 = 0
            while i0 < m {
                var acc = SIMD4<Double>(), acc2 = acc
                var ap = a + i0
                var off = 0
                var l = 0
                while l + 1 < k {
                    acc += load(ap) * bp[off]
                    acc2 += load(ap + lda) * bp[off + bl]
                    ap += 2 * lda; off += 2 * bl; l += 2
                }
                if l < k { acc += load(ap) * bp[off] }
                store(acc + acc2, c + i0 + j0 * ldc, alpha: alpha, beta: beta)
                i0 += 4
            }
            j0 += 1
        }
    }
}
