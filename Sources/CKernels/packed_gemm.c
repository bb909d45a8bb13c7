#include "rnndyn_packed_gemm.h"
#include "packed_tile.h"
#include "rnndyn_tanh.h"

long rnndyn_packed_size(long m, long k) { return ((m + MR - 1) / MR) * MR * k; }

void rnndyn_pack(int trans, long m, long k, double scale, const double *a, long lda, double *packed) {
    const long panels = (m + MR - 1) / MR;
    for (long p = 0; p < panels; p++) {
        double *dst = packed + p * MR * k;
        const long rows = m - p * MR < MR ? m - p * MR : MR;
        for (long l = 0; l < k; l++) {
            double *d = dst + l * MR;
            for (long r = 0; r < rows; r++) {
                const long i = p * MR + r;
                d[r] = scale * (trans ? a[l + i * lda] : a[i + l * lda]);  /* exact when scale = 1 */
            }
            for (long r = rows; r < MR; r++) d[r] = 0;
        }
    }
}

/* ---------- portable path ---------- */

static void packed_gemm_portable(long m, long n, long k, const double *packed, const double *b, long ldb,
                                 int accumulate, double *c, long ldc) {
    const long panels = (m + MR - 1) / MR;
    for (long j = 0; j < n; j++) {
        const double *bj = b + j * ldb;
        for (long p = 0; p < panels; p++) {
            const double *ap = packed + p * MR * k;
            double acc[MR] = {0, 0, 0, 0, 0, 0, 0, 0};
            for (long l = 0; l < k; l++) {
                const double bv = bj[l];
                for (int r = 0; r < MR; r++) acc[r] = __builtin_fma(ap[l * MR + r], bv, acc[r]);
            }
            const long rows = m - p * MR < MR ? m - p * MR : MR;
            double *cp = c + p * MR + j * ldc;
            for (long r = 0; r < rows; r++) cp[r] = accumulate ? cp[r] + acc[r] : acc[r];
        }
    }
}

void rnndyn_packed_gemm_portable(long m, long n, long k, const double *packed, const double *b, long ldb,
                                 int accumulate, double *c, long ldc) {
    packed_gemm_portable(m, n, k, packed, b, ldb, accumulate, c, ldc);
}

/* ---------- AVX2 + FMA path ---------- */

AVX2 ALWAYS_INLINE void gemm_tile(const int nr, long k, const double *ap, const double *b, long ldb, int accumulate,
                                  double *c, long ldc, long rows) {
    __m256d lo[NR], hi[NR];
    tile_product(nr, k, ap, b, ldb, lo, hi);
    _Pragma("clang loop unroll(full)") for (int j = 0; j < nr; j++) {
        if (accumulate) {
            __m256d clo, chi;
            load_rows8(c + j * ldc, rows, &clo, &chi);
            lo[j] = _mm256_add_pd(clo, lo[j]);
            hi[j] = _mm256_add_pd(chi, hi[j]);
        }
        store_rows8(c + j * ldc, lo[j], hi[j], rows);
    }
}

AVX2 static void packed_gemm_avx2(long m, long n, long k, const double *packed, const double *b, long ldb,
                                  int accumulate, double *c, long ldc) {
#define GEMM_TILE(NRV) gemm_tile(NRV, k, packed + i0 * k, b + j0 * ldb, ldb, accumulate, c + i0 + j0 * ldc, ldc, valid)
    FOR_EACH_TILE(m, n, DISPATCH_NR(nr, GEMM_TILE))
#undef GEMM_TILE
}

/* C (+)= A·Bᵀ with A read in place: an 8-row panel of a column-major A is already 8 contiguous entries per inner
 * index, and the 6 entries of row l of Bᵀ a tile needs are contiguous too. Blocked over the inner index (KC) and
 * over rows (MC) so a block of A stays in L2 and a tile's strip of B in L1. */
#define KC 256
#define MC 128

AVX2 ALWAYS_INLINE void abt_tile(const int nr, long kc, const double *a, long lda, const double *b, long ldb,
                                 int accumulate, double *c, long ldc) {
    __m256d lo[NR], hi[NR];
    _Pragma("clang loop unroll(full)") for (int j = 0; j < nr; j++) { lo[j] = _mm256_setzero_pd(); hi[j] = _mm256_setzero_pd(); }
    for (long l = 0; l < kc; l++) {
        const double *al = a + l * lda, *bl = b + l * ldb;
        const __m256d a0 = _mm256_loadu_pd(al), a1 = _mm256_loadu_pd(al + 4);
        _Pragma("clang loop unroll(full)") for (int j = 0; j < nr; j++) {
            const __m256d bv = _mm256_broadcast_sd(bl + j);
            lo[j] = _mm256_fmadd_pd(a0, bv, lo[j]);
            hi[j] = _mm256_fmadd_pd(a1, bv, hi[j]);
        }
    }
    _Pragma("clang loop unroll(full)") for (int j = 0; j < nr; j++) {
        double *cp = c + j * ldc;
        if (accumulate) {
            lo[j] = _mm256_add_pd(_mm256_loadu_pd(cp), lo[j]);
            hi[j] = _mm256_add_pd(_mm256_loadu_pd(cp + 4), hi[j]);
        }
        _mm256_storeu_pd(cp, lo[j]);
        _mm256_storeu_pd(cp + 4, hi[j]);
    }
}

static void gemm_abt_portable(long m, long n, long k, const double *a, long lda, const double *b, long ldb,
                              int accumulate, double *c, long ldc);

AVX2 static void gemm_abt_avx2(long m, long n, long k, const double *a, long lda, const double *b, long ldb,
                               int accumulate, double *c, long ldc) {
    const long full = m / MR * MR;  /* rows past the last full panel: the portable loop, same blocking */
    if (full < m) gemm_abt_portable(m - full, n, k, a + full, lda, b, ldb, accumulate, c + full, ldc);
    m = full;
    for (long l0 = 0; l0 < k || l0 == 0; l0 += KC) {
        const long kc = k - l0 < KC ? k - l0 : KC;
        const int acc = accumulate || l0 > 0;
        for (long ic = 0; ic < m; ic += MC) {
            const long mc = m - ic < MC ? m - ic : MC;
            for (long j0 = 0; j0 < n; j0 += NR) {
                const int nr = n - j0 < NR ? (int)(n - j0) : NR;
                for (long i0 = ic; i0 < ic + mc; i0 += MR) {
#define ABT_TILE(NRV) abt_tile(NRV, kc, a + i0 + l0 * lda, lda, b + j0 + l0 * ldb, ldb, acc, c + i0 + j0 * ldc, ldc)
                    DISPATCH_NR(nr, ABT_TILE)
#undef ABT_TILE
                }
            }
        }
        if (k == 0) break;
    }
}

static void gemm_abt_portable(long m, long n, long k, const double *a, long lda, const double *b, long ldb,
                              int accumulate, double *c, long ldc) {
    for (long l0 = 0; l0 < k || l0 == 0; l0 += KC) {
        const long kc = k - l0 < KC ? k - l0 : KC;
        const int acc = accumulate || l0 > 0;
        for (long j = 0; j < n; j++) {
            for (long i = 0; i < m; i++) {
                double s = 0;
                for (long l = l0; l < l0 + kc; l++) s = __builtin_fma(a[i + l * lda], b[j + l * ldb], s);
                c[i + j * ldc] = acc ? c[i + j * ldc] + s : s;
            }
        }
        if (k == 0) break;
    }
}

void rnndyn_gemm_abt_portable(long m, long n, long k, const double *a, long lda, const double *b, long ldb,
                              int accumulate, double *c, long ldc) {
    gemm_abt_portable(m, n, k, a, lda, b, ldb, accumulate, c, ldc);
}

/* ---------- dispatch ---------- */

void rnndyn_packed_gemm(long m, long n, long k, const double *packed, const double *b, long ldb, int accumulate,
                        double *c, long ldc) {
    if (rnndyn_tanh_uses_avx2()) packed_gemm_avx2(m, n, k, packed, b, ldb, accumulate, c, ldc);
    else packed_gemm_portable(m, n, k, packed, b, ldb, accumulate, c, ldc);
}

void rnndyn_gemm_abt(long m, long n, long k, const double *a, long lda, const double *b, long ldb, int accumulate,
                     double *c, long ldc) {
    if (rnndyn_tanh_uses_avx2()) gemm_abt_avx2(m, n, k, a, lda, b, ldb, accumulate, c, ldc);
    else gemm_abt_portable(m, n, k, a, lda, b, ldb, accumulate, c, ldc);
}
