#ifndef RNNDYN_KERNELS_H
#define RNNDYN_KERNELS_H

/// Column-major C = alpha * op(A) * op(B) + beta * C for tiny operands (m a multiple of 4).
/// trans_a / trans_b: 0 = as stored, 1 = transposed. Uses AVX2+FMA when the CPU has them (checked once at
/// run time), portable C otherwise. Deterministic for a given CPU path.
void rnndyn_small_dgemm(int trans_a, int trans_b, long m, long n, long k, double alpha,
                        const double *a, long lda, const double *b, long ldb,
                        double beta, double *c, long ldc);

/// The portable path alone (for testing it on machines that would pick AVX2).
void rnndyn_small_dgemm_portable(int trans_a, int trans_b, long m, long n, long k, double alpha,
                                 const double *a, long lda, const double *b, long ldb,
                                 double beta, double *c, long ldc);

/// 1 when the AVX2+FMA path is in use.
int rnndyn_small_dgemm_uses_avx2(void);

#endif
