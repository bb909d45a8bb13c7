#include "rnndyn_kernels.h"
#include <immintrin.h>

/* op(A)(i, l) and op(B)(l, j) through element strides. */
#define A_AT(i, l) a[(i) * ai + (l) * al]
#define B_AT(l, j) b[(l) * bl + (j) * bj]

static void small_dgemm_portable(int ta, int tb, long m, long n, long k, double alpha, const double *a, long lda,
                                 const double *b, long ldb, double beta, double *c, long ldc) {
    const long ai = ta ? lda : 1, al = ta ? 1 : lda;
    const long bl = tb ? ldb : 1, bj = tb ? 1 : ldb;
    for (long j = 0; j < n; j++) {
        for (long i0 = 0; i0 < m; i0 += 4) {
            double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            for (long l = 0; l < k; l++) {
                const double bv = B_AT(l, j);
                s0 += A_AT(i0, l) * bv; s1 += A_AT(i0 + 1, l) * bv;
                s2 += A_AT(i0 + 2, l) * bv; s3 += A_AT(i0 + 3, l) * bv;
            }
            double *cp = c + i0 + j * ldc;
            if (beta == 0) { cp[0] = alpha * s0; cp[1] = alpha * s1; cp[2] = alpha * s2; cp[3] = alpha * s3; }
            else {
                cp[0] = alpha * s0 + beta * cp[0]; cp[1] = alpha * s1 + beta * cp[1];
                cp[2] = alpha * s2 + beta * cp[2]; cp[3] = alpha * s3 + beta * cp[3];
            }
        }
    }
}

__attribute__((target("avx2,fma")))
static inline __m256d load_rows(int contiguous, const double *a, long i0, long l, long lda) {
    if (contiguous) return _mm256_loadu_pd(a + i0 + l * lda);
    const double *p = a + l + i0 * lda;
    return _mm256_set_pd(p[3 * lda], p[2 * lda], p[lda], p[0]);
}

__attribute__((target("avx2,fma")))
static inline void store4(double *p, __m256d v, double alpha, double beta) {
    __m256d out = _mm256_mul_pd(_mm256_set1_pd(alpha), v);
    if (beta != 0) out = _mm256_fmadd_pd(_mm256_set1_pd(beta), _mm256_loadu_pd(p), out);
    _mm256_storeu_pd(p, out);
}

__attribute__((target("avx2,fma")))
__attribute__((always_inline)) static inline void small_dgemm_avx2_body(int contiguous_arg, int ta, int tb, long m, long n, long k, double alpha, const double *a, long lda,
                             const double *b, long ldb, double beta, double *c, long ldc) {
    const int contiguous = contiguous_arg;
    (void)ta;
    const long bl = tb ? ldb : 1, bj = tb ? 1 : ldb;
    long j0 = 0;
    for (; j0 + 4 <= n; j0 += 4) {
        const double *b0 = b + j0 * bj, *b1 = b0 + bj, *b2 = b1 + bj, *b3 = b2 + bj;
        for (long i0 = 0; i0 < m; i0 += 4) {
            __m256d c0 = _mm256_setzero_pd(), c1 = c0, c2 = c0, c3 = c0;
            __m256d d0 = c0, d1 = c0, d2 = c0, d3 = c0;   /* second chain: hides FMA latency for long k */
            long l = 0, off = 0;
            for (; l + 2 <= k; l += 2, off += 2 * bl) {
                const __m256d av = load_rows(contiguous, a, i0, l, lda);
                const __m256d aw = load_rows(contiguous, a, i0, l + 1, lda);
                c0 = _mm256_fmadd_pd(av, _mm256_broadcast_sd(b0 + off), c0);
                c1 = _mm256_fmadd_pd(av, _mm256_broadcast_sd(b1 + off), c1);
                c2 = _mm256_fmadd_pd(av, _mm256_broadcast_sd(b2 + off), c2);
                c3 = _mm256_fmadd_pd(av, _mm256_broadcast_sd(b3 + off), c3);
                d0 = _mm256_fmadd_pd(aw, _mm256_broadcast_sd(b0 + off + bl), d0);
                d1 = _mm256_fmadd_pd(aw, _mm256_broadcast_sd(b1 + off + bl), d1);
                d2 = _mm256_fmadd_pd(aw, _mm256_broadcast_sd(b2 + off + bl), d2);
                d3 = _mm256_fmadd_pd(aw, _mm256_broadcast_sd(b3 + off + bl), d3);
            }
            if (l < k) {
                const __m256d av = load_rows(contiguous, a, i0, l, lda);
                c0 = _mm256_fmadd_pd(av, _mm256_broadcast_sd(b0 + off), c0);
                c1 = _mm256_fmadd_pd(av, _mm256_broadcast_sd(b1 + off), c1);
                c2 = _mm256_fmadd_pd(av, _mm256_broadcast_sd(b2 + off), c2);
                c3 = _mm256_fmadd_pd(av, _mm256_broadcast_sd(b3 + off), c3);
            }
            c0 = _mm256_add_pd(c0, d0); c1 = _mm256_add_pd(c1, d1);
            c2 = _mm256_add_pd(c2, d2); c3 = _mm256_add_pd(c3, d3);
            double *cp = c + i0 + j0 * ldc;
            store4(cp, c0, alpha, beta); store4(cp + ldc, c1, alpha, beta);
            store4(cp + 2 * ldc, c2, alpha, beta); store4(cp + 3 * ldc, c3, alpha, beta);
        }
    }
    for (; j0 < n; j0++) {
        const double *bp = b + j0 * bj;
        for (long i0 = 0; i0 < m; i0 += 4) {
            __m256d acc0 = _mm256_setzero_pd(), acc1 = acc0, acc2 = acc0, acc3 = acc0;
            long l = 0;
            for (; l + 4 <= k; l += 4) {
                acc0 = _mm256_fmadd_pd(load_rows(contiguous, a, i0, l, lda), _mm256_broadcast_sd(bp + l * bl), acc0);
                acc1 = _mm256_fmadd_pd(load_rows(contiguous, a, i0, l + 1, lda), _mm256_broadcast_sd(bp + (l + 1) * bl), acc1);
                acc2 = _mm256_fmadd_pd(load_rows(contiguous, a, i0, l + 2, lda), _mm256_broadcast_sd(bp + (l + 2) * bl), acc2);
                acc3 = _mm256_fmadd_pd(load_rows(contiguous, a, i0, l + 3, lda), _mm256_broadcast_sd(bp + (l + 3) * bl), acc3);
            }
            for (; l < k; l++)
                acc0 = _mm256_fmadd_pd(load_rows(contiguous, a, i0, l, lda), _mm256_broadcast_sd(bp + l * bl), acc0);
            store4(c + i0 + j0 * ldc, _mm256_add_pd(_mm256_add_pd(acc0, acc1), _mm256_add_pd(acc2, acc3)), alpha, beta);
        }
    }
}

/* m = 4, k <= 8: the k columns of op(A) stay in registers; each column of C is k broadcast-FMAs. */
__attribute__((target("avx2,fma")))
static void small_dgemm_avx2_m4(int ta, int tb, long n, long k, double alpha, const double *a, long lda,
                                const double *b, long ldb, double beta, double *c, long ldc) {
    __m256d col[8];
    for (long l = 0; l < k; l++) col[l] = load_rows(!ta, a, 0, l, lda);
    const long bl = tb ? ldb : 1, bj = tb ? 1 : ldb;
    for (long j = 0; j < n; j++) {
        const double *bp = b + j * bj;
        __m256d acc = _mm256_mul_pd(col[0], _mm256_broadcast_sd(bp));
        __m256d acc2 = k > 1 ? _mm256_mul_pd(col[1], _mm256_broadcast_sd(bp + bl)) : _mm256_setzero_pd();
        for (long l = 2; l + 1 < k; l += 2) {
            acc = _mm256_fmadd_pd(col[l], _mm256_broadcast_sd(bp + l * bl), acc);
            acc2 = _mm256_fmadd_pd(col[l + 1], _mm256_broadcast_sd(bp + (l + 1) * bl), acc2);
        }
        if (k > 2 && (k & 1)) acc = _mm256_fmadd_pd(col[k - 1], _mm256_broadcast_sd(bp + (k - 1) * bl), acc);
        store4(c + j * ldc, _mm256_add_pd(acc, acc2), alpha, beta);
    }
}

__attribute__((target("avx2,fma")))
static void small_dgemm_avx2(int ta, int tb, long m, long n, long k, double alpha, const double *a, long lda,
                             const double *b, long ldb, double beta, double *c, long ldc) {
    if (m == 4 && k >= 1 && k <= 8) { small_dgemm_avx2_m4(ta, tb, n, k, alpha, a, lda, b, ldb, beta, c, ldc); return; }
    /* Two specialised copies, so the contiguity test leaves the inner loops. */
    if (ta) small_dgemm_avx2_body(0, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    else small_dgemm_avx2_body(1, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

typedef void (*dgemm_fn)(int, int, long, long, long, double, const double *, long, const double *, long, double,
                         double *, long);

static dgemm_fn chosen = 0;

static dgemm_fn choose(void) {
    __builtin_cpu_init();
    return (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) ? small_dgemm_avx2 : small_dgemm_portable;
}

void rnndyn_small_dgemm(int trans_a, int trans_b, long m, long n, long k, double alpha, const double *a, long lda,
                        const double *b, long ldb, double beta, double *c, long ldc) {
    dgemm_fn f = __atomic_load_n(&chosen, __ATOMIC_ACQUIRE);
    if (!f) { f = choose(); __atomic_store_n(&chosen, f, __ATOMIC_RELEASE); }
    f(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void rnndyn_small_dgemm_portable(int trans_a, int trans_b, long m, long n, long k, double alpha, const double *a,
                                 long lda, const double *b, long ldb, double beta, double *c, long ldc) {
    small_dgemm_portable(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

int rnndyn_small_dgemm_uses_avx2(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
