import CKernels

/// A register-blocked column-major GEMM (C, AVX2+FMA with a portable fallback) for tiny operands (row count a multiple of 4, at most 16), where
/// OpenBLAS's packing, buffer locking and zeroing cost more than the arithmetic — e.g. a 4×4 recurrent matrix
/// times a 4×64 state block. Results agree with BLAS to rounding; the path is deterministic and allocation-free.
public enum SmallGEMM {
    /// True when `gemm` below handles the shape (and is faster than OpenBLAS for it).
    @inlinable public static func handles(m: Int, n: Int, k: Int) -> Bool {
        m & 3 == 0 && m <= 16 && (m * n * k <= 16_384 || (m * n * k <= 65_536 && (k <= 16 || n <= 16)))
    }

    /// Whether the AVX2+FMA kernel is in use on this CPU.
    public static var usesAVX2: Bool { rnndyn_small_dgemm_uses_avx2() != 0 }

    /// `C ← α op(A) op(B) + β C` (C kernel: AVX2+FMA when available, chosen once at run time).
    @inlinable public static func gemm(
        _ ta: Transpose, _ tb: Transpose, m: Int, n: Int, k: Int,
        alpha: Double, a: UnsafePointer<Double>, lda: Int,
        b: UnsafePointer<Double>, ldb: Int,
        beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        rnndyn_small_dgemm(ta == .none ? 0 : 1, tb == .none ? 0 : 1, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
    }
}
