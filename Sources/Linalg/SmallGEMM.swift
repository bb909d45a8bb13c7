/// A register-blocked column-major GEMM for tiny operands (row count a multiple of 4, at most 16), where
/// OpenBLAS's packing, buffer locking and zeroing cost more than the arithmetic — e.g. a 4×4 recurrent matrix
/// times a 4×64 state block. Results agree with BLAS to rounding; the path is deterministic and allocation-free.
@usableFromInline enum SmallGEMM {
    /// True when `gemm` below handles the shape (and is faster than OpenBLAS for it).
    @inlinable static func handles(m: Int, n: Int, k: Int) -> Bool {
        m & 3 == 0 && m <= 16 && k <= 16 * 1024 && m * n * k <= 65_536 && (k <= 16 || n <= 16)
    }

    /// `C ← α op(A) op(B) + β C`.
    @inlinable static func gemm(
        _ ta: Transpose, _ tb: Transpose, m: Int, n: Int, k: Int,
        alpha: Double, a: UnsafePointer<Double>, lda: Int,
        b: UnsafePointer<Double>, ldb: Int,
        beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        if ta == .none {
            kernel(contiguousA: true, tb, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        } else {
            kernel(contiguousA: false, tb, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        }
    }

    /// Four consecutive rows of op(A) at inner index `l`: contiguous for A, strided for Aᵀ.
    @inlinable static func rows(_ contiguous: Bool, _ a: UnsafePointer<Double>, _ i0: Int, _ l: Int, _ lda: Int) -> SIMD4<Double> {
        if contiguous { return load(a + i0 + l * lda) }
        let p = a + l + i0 * lda
        return SIMD4(p[0], p[lda], p[2 * lda], p[3 * lda])
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
        contiguousA: Bool, _ tb: Transpose, m: Int, n: Int, k: Int, alpha: Double, a: UnsafePointer<Double>, lda: Int,
        b: UnsafePointer<Double>, ldb: Int, beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        let (bl, bj) = tb == .none ? (1, ldb) : (ldb, 1)
        var j0 = 0
        while j0 + 4 <= n {
            let b0 = b + j0 * bj, b1 = b0 + bj, b2 = b1 + bj, b3 = b2 + bj
            var i0 = 0
            while i0 < m {
                var c0 = SIMD4<Double>(), c1 = c0, c2 = c0, c3 = c0
                var off = 0
                for l in 0..<k {
                    let av = rows(contiguousA, a, i0, l, lda)
                    c0 += av * b0[off]; c1 += av * b1[off]; c2 += av * b2[off]; c3 += av * b3[off]
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
                var l = 0
                while l + 1 < k {
                    acc += rows(contiguousA, a, i0, l, lda) * bp[l * bl]
                    acc2 += rows(contiguousA, a, i0, l + 1, lda) * bp[(l + 1) * bl]
                    l += 2
                }
                if l < k { acc += rows(contiguousA, a, i0, l, lda) * bp[l * bl] }
                store(acc + acc2, c + i0 + j0 * ldc, alpha: alpha, beta: beta)
                i0 += 4
            }
            j0 += 1
        }
    }
}
