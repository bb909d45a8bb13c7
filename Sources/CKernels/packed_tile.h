#ifndef RNNDYN_PACKED_TILE_H
#define RNNDYN_PACKED_TILE_H
/* The register tile of the packed GEMM (rnndyn_packed_gemm.h), shared by the plain product (packed_gemm.c) and the
 * tanh RNN step kernels that finish each tile in registers (tanh_step.c); internal to CKernels. */
#include <immintrin.h>

#define MR 8
#define NR 6
#define AVX2 __attribute__((target("avx2,fma")))
#define ALWAYS_INLINE __attribute__((always_inline)) static inline

/* lo[j], hi[j] = rows 0…3 and 4…7 of panel · B[:, j], j < nr (nr a compile-time constant 1…6 at each call site, so
 * the 2·nr accumulators stay in registers); one FMA chain over l = 0…k−1 per entry. */
AVX2 ALWAYS_INLINE void tile_product(const int nr, long k, const double *ap, const double *b, long ldb, __m256d *lo,
                                     __m256d *hi) {
    const double *bj[NR];
    _Pragma("clang loop unroll(full)") for (int j = 0; j < nr; j++) { lo[j] = _mm256_setzero_pd(); hi[j] = _mm256_setzero_pd(); bj[j] = b + j * ldb; }
    for (long l = 0; l < k; l++) {
        const __m256d a0 = _mm256_loadu_pd(ap + l * MR), a1 = _mm256_loadu_pd(ap + l * MR + 4);
        _Pragma("clang loop unroll(full)") for (int j = 0; j < nr; j++) {
            const __m256d bv = _mm256_broadcast_sd(bj[j] + l);
            lo[j] = _mm256_fmadd_pd(a0, bv, lo[j]);
            hi[j] = _mm256_fmadd_pd(a1, bv, hi[j]);
        }
    }
}

/* The first `rows` (≤ 8) entries of p as two vectors, zero-padded. */
AVX2 ALWAYS_INLINE void load_rows8(const double *p, long rows, __m256d *lo, __m256d *hi) {
    if (rows == MR) { *lo = _mm256_loadu_pd(p); *hi = _mm256_loadu_pd(p + 4); return; }
    double lanes[MR] = {0, 0, 0, 0, 0, 0, 0, 0};
    for (long r = 0; r < rows; r++) lanes[r] = p[r];
    *lo = _mm256_loadu_pd(lanes); *hi = _mm256_loadu_pd(lanes + 4);
}

/* Stores the first `rows` (≤ 8) lanes of (lo, hi) to p. */
AVX2 ALWAYS_INLINE void store_rows8(double *p, __m256d lo, __m256d hi, long rows) {
    if (rows == MR) { _mm256_storeu_pd(p, lo); _mm256_storeu_pd(p + 4, hi); return; }
    double lanes[MR];
    _mm256_storeu_pd(lanes, lo); _mm256_storeu_pd(lanes + 4, hi);
    for (long r = 0; r < rows; r++) p[r] = lanes[r];
}

/* Runs the statements after the arguments for every 8 × nr tile of a rows × cols result: column blocks of NR
 * outermost, then the 8-row panels, with j0, nr, i0 and valid (the panel's rows, ≤ 8) in scope. */
#define FOR_EACH_TILE(rows, cols, ...) \
    for (long j0 = 0; j0 < (cols); j0 += NR) { \
        const int nr = (cols) - j0 < NR ? (int)((cols) - j0) : NR; \
        for (long i0 = 0; i0 < (rows); i0 += MR) { \
            const long valid = (rows) - i0 < MR ? (rows) - i0 : MR; \
            __VA_ARGS__ \
        } \
    }

/* Calls TILE(NRV) with the compile-time column count NRV = nr (1…6). */
#define DISPATCH_NR(nr, TILE) \
    switch (nr) { case 6: TILE(6); break; case 5: TILE(5); break; case 4: TILE(4); break; \
                  case 3: TILE(3); break; case 2: TILE(2); break; default: TILE(1); break; }

#endif
