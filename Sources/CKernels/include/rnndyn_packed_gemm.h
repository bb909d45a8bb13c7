#ifndef RNNDYN_PACKED_GEMM_H
#define RNNDYN_PACKED_GEMM_H

/* A GEMM whose left operand is packed once and reused: the recurrent products of BPTT multiply the same W_h (or
 * W_hᵀ) by a new block of states at every time step, and a general BLAS call re-packs W_h each time.
 *
 * Packed layout: op(A) (m × k) as ceil(m/8) panels of 8 rows; panel p holds, for l = 0…k−1, the 8 entries
 * op(A)[8p … 8p+7, l] contiguously (rows past m are zero). Each entry of C is one FMA chain over l = 0…k−1 from
 * zero, then added to C's old value when accumulating; deterministic for a given CPU path. AVX2+FMA micro-kernel
 * (8 × 6 tiles in registers, B read in place) when the CPU has them, portable C otherwise. */

/// Doubles needed for the packed form of an m × k operand.
long rnndyn_packed_size(long m, long k);

/// Packs scale·op(A) (m × k; trans = 0: A is m × k, trans = 1: A is k × m; column-major, leading dimension lda).
void rnndyn_pack(int trans, long m, long k, double scale, const double *a, long lda, double *packed);

/// C (m × n, leading dimension ldc) = (accumulate ? C : 0) + op(A)·B, op(A) packed by `rnndyn_pack`, B k × n
/// (leading dimension ldb). C must not overlap B.
void rnndyn_packed_gemm(long m, long n, long k, const double *packed, const double *b, long ldb, int accumulate,
                        double *c, long ldc);

/// The portable path alone (for testing it on machines that would pick AVX2).
void rnndyn_packed_gemm_portable(long m, long n, long k, const double *packed, const double *b, long ldb,
                                 int accumulate, double *c, long ldc);

/// C (m × n) = (accumulate ? C : 0) + A·Bᵀ for A m × k (leading dimension lda) and B n × k (leading dimension ldb),
/// both read in place — one step's term δ_{t+1} h_tᵀ of a recurrent weight gradient. Each entry is an FMA chain over
/// blocks of 256 inner indices, the blocks' sums added in order (AVX2 tiles for the first m − m mod 8 rows).
void rnndyn_gemm_abt(long m, long n, long k, const double *a, long lda, const double *b, long ldb, int accumulate,
                     double *c, long ldc);

/// The portable path alone.
void rnndyn_gemm_abt_portable(long m, long n, long k, const double *a, long lda, const double *b, long ldb,
                              int accumulate, double *c, long ldc);

#endif
