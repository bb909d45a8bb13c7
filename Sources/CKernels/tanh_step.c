#include "rnndyn_tanh_step.h"
#include "rnndyn_packed_gemm.h"
#include "rnndyn_tanh.h"
#include "packed_tile.h"
#include "tanh_approx.h"

/* ---------- portable path: the product, then the block kernel ---------- */

double rnndyn_tanh_step_forward_portable(const double *packed, long rows, long cols, long k, const double *hprev,
                                         long ldh, int accumulate, const double *bias, const double *wx, long nx,
                                         const double *x, double *out) {
    rnndyn_packed_gemm_portable(rows, cols, k, packed, hprev, ldh, accumulate, out, rows);
    return rnndyn_tanh_forward_portable(out, bias, wx, nx, x, out, rows, cols);
}

void rnndyn_tanh_step_backward_portable(const double *packed, long rows, long cols, long k, const double *dnext,
                                        int accumulate, double *d, const double *h, const double *wyT,
                                        const double *r, long ny, double *rowsum, double *grad_in, const double *x,
                                        long nx, double *grad_out_t) {
    rnndyn_packed_gemm_portable(rows, cols, k, packed, dnext, rows, accumulate, d, rows);
    rnndyn_tanh_backward_fused_portable(d, 1, h, rows, cols, wyT, r, ny, rowsum, grad_in, x, nx, grad_out_t);
}

/* ---------- AVX2 + FMA path: each 8 × nr tile finished in registers ---------- */

/* out[:, j] = tanh((accumulate ? out[:, j] : 0) + acc_j + bias + W_x x_j) for the tile's rows (`rows` ≤ 8 valid, ld
 * `ld`); the same operation order as rnndyn_packed_gemm followed by rnndyn_tanh_forward. */
AVX2 ALWAYS_INLINE void forward_tile(const int nr, long k, const double *ap, const double *hprev, long ldh,
                                     int accumulate, const double *bias, const double *wx, long nx, const double *x,
                                     double *out, long ld, long rows, __m256d *largest, __m256d *nans) {
    __m256d lo[NR], hi[NR];
    tile_product(nr, k, ap, hprev, ldh, lo, hi);
    const __m256d signBit = _mm256_set1_pd(-0.0);
    __m256d blo = _mm256_setzero_pd(), bhi = blo;
    if (bias) load_rows8(bias, rows, &blo, &bhi);
    _Pragma("clang loop unroll(full)") for (int j = 0; j < nr; j++) {
        double *oc = out + j * ld;
        __m256d vlo = lo[j], vhi = hi[j];
        if (accumulate) {
            __m256d clo, chi;
            load_rows8(oc, rows, &clo, &chi);
            vlo = _mm256_add_pd(clo, vlo); vhi = _mm256_add_pd(chi, vhi);
        }
        if (bias) { vlo = _mm256_add_pd(vlo, blo); vhi = _mm256_add_pd(vhi, bhi); }
        for (long l = 0; l < nx; l++) {
            __m256d wlo, whi;
            load_rows8(wx + l * ld, rows, &wlo, &whi);
            const __m256d xs = _mm256_set1_pd(x[j * nx + l]);
            vlo = _mm256_fmadd_pd(wlo, xs, vlo); vhi = _mm256_fmadd_pd(whi, xs, vhi);
        }
        *largest = _mm256_max_pd(*largest, _mm256_max_pd(_mm256_andnot_pd(signBit, vlo), _mm256_andnot_pd(signBit, vhi)));
        *nans = _mm256_or_pd(*nans, _mm256_or_pd(_mm256_cmp_pd(vlo, vlo, _CMP_UNORD_Q), _mm256_cmp_pd(vhi, vhi, _CMP_UNORD_Q)));
        store_rows8(oc, tanh4(vlo), tanh4(vhi), rows);
    }
}

AVX2 static double tanh_step_forward_avx2(const double *packed, long rows, long cols, long k, const double *hprev,
                                          long ldh, int accumulate, const double *bias, const double *wx, long nx,
                                          const double *x, double *out) {
    __m256d largest = _mm256_setzero_pd(), nans = _mm256_setzero_pd();
    if (!wx || !x) nx = 0;
#define FORWARD_TILE(NRV) forward_tile(NRV, k, packed + i0 * k, hprev + j0 * ldh, ldh, accumulate, bias ? bias + i0 : 0, \
                                   nx ? wx + i0 : 0, nx, nx ? x + j0 * nx : 0, out + i0 + j0 * rows, rows, valid, \
                                   &largest, &nans)
    FOR_EACH_TILE(rows, cols,
        DISPATCH_NR(nr, FORWARD_TILE)
    )
#undef FORWARD_TILE
    if (_mm256_movemask_pd(nans)) return NAN;
    double l[4];
    _mm256_storeu_pd(l, largest);
    const double m01 = l[0] > l[1] ? l[0] : l[1], m23 = l[2] > l[3] ? l[2] : l[3];
    return m01 > m23 ? m01 : m23;
}

/* The backward tile: e_j = (accumulate ? d[:, j] : 0) + acc_j + Vᵀ r_j, d_j = e_j ⊙ (1 − h_j²), then the tile's
 * columns added, in column order, to rowsum, grad_in (+= d_j x_jᵀ) and grad_out_t (+= h_j r_jᵀ); the same
 * operation order per entry as rnndyn_packed_gemm followed by rnndyn_tanh_backward_fused. */
AVX2 ALWAYS_INLINE void backward_tile(const int nr, long k, const double *ap, const double *dnext, int accumulate,
                                      double *d, const double *h, const double *wyT, const double *r, long ny,
                                      double *rowsum, double *grad_in, const double *x, long nx, double *grad_out_t,
                                      long ld, long rows) {
    __m256d lo[NR], hi[NR];
    tile_product(nr, k, ap, dnext, ld, lo, hi);
    const __m256d one = _mm256_set1_pd(1.0);
    _Pragma("clang loop unroll(full)") for (int j = 0; j < nr; j++) {
        double *dc = d + j * ld;
        __m256d elo = lo[j], ehi = hi[j];
        if (accumulate) {
            __m256d clo, chi;
            load_rows8(dc, rows, &clo, &chi);
            elo = _mm256_add_pd(clo, elo); ehi = _mm256_add_pd(chi, ehi);
        }
        if (r) for (long l = 0; l < ny; l++) {
            __m256d vlo, vhi;
            load_rows8(wyT + l * ld, rows, &vlo, &vhi);
            const __m256d rs = _mm256_set1_pd(r[j * ny + l]);
            elo = _mm256_fmadd_pd(vlo, rs, elo); ehi = _mm256_fmadd_pd(vhi, rs, ehi);
        }
        __m256d hlo, hhi;
        load_rows8(h + j * ld, rows, &hlo, &hhi);
        lo[j] = _mm256_mul_pd(elo, _mm256_fnmadd_pd(hlo, hlo, one));
        hi[j] = _mm256_mul_pd(ehi, _mm256_fnmadd_pd(hhi, hhi, one));
        store_rows8(dc, lo[j], hi[j], rows);
    }
    if (rowsum) {
        __m256d slo, shi;
        load_rows8(rowsum, rows, &slo, &shi);
        _Pragma("clang loop unroll(full)") for (int j = 0; j < nr; j++) { slo = _mm256_add_pd(slo, lo[j]); shi = _mm256_add_pd(shi, hi[j]); }
        store_rows8(rowsum, slo, shi, rows);
    }
    if (grad_in) for (long l = 0; l < nx; l++) {
        __m256d glo, ghi;
        load_rows8(grad_in + l * ld, rows, &glo, &ghi);
        _Pragma("clang loop unroll(full)") for (int j = 0; j < nr; j++) {
            const __m256d xs = _mm256_set1_pd(x[j * nx + l]);
            glo = _mm256_fmadd_pd(lo[j], xs, glo); ghi = _mm256_fmadd_pd(hi[j], xs, ghi);
        }
        store_rows8(grad_in + l * ld, glo, ghi, rows);
    }
    if (grad_out_t && r) for (long l = 0; l < ny; l++) {
        __m256d glo, ghi;
        load_rows8(grad_out_t + l * ld, rows, &glo, &ghi);
        _Pragma("clang loop unroll(full)") for (int j = 0; j < nr; j++) {
            __m256d hlo, hhi;
            load_rows8(h + j * ld, rows, &hlo, &hhi);
            const __m256d rs = _mm256_set1_pd(r[j * ny + l]);
            glo = _mm256_fmadd_pd(hlo, rs, glo); ghi = _mm256_fmadd_pd(hhi, rs, ghi);
        }
        store_rows8(grad_out_t + l * ld, glo, ghi, rows);
    }
}

AVX2 static void tanh_step_backward_avx2(const double *packed, long rows, long cols, long k, const double *dnext,
                                         int accumulate, double *d, const double *h, const double *wyT,
                                         const double *r, long ny, double *rowsum, double *grad_in, const double *x,
                                         long nx, double *grad_out_t) {
    if (!r) ny = 0;
    if (!grad_in || !x) { grad_in = 0; nx = 0; }
#define BACKWARD_TILE(NRV) backward_tile(NRV, k, packed + i0 * k, dnext + j0 * rows, accumulate, d + i0 + j0 * rows, \
                                     h + i0 + j0 * rows, ny ? wyT + i0 : 0, ny ? r + j0 * ny : 0, ny, \
                                     rowsum ? rowsum + i0 : 0, nx ? grad_in + i0 : 0, nx ? x + j0 * nx : 0, nx, \
                                     grad_out_t && ny ? grad_out_t + i0 : 0, rows, valid)
    FOR_EACH_TILE(rows, cols,
        DISPATCH_NR(nr, BACKWARD_TILE)
    )
#undef BACKWARD_TILE
}

/* ---------- AVX-512 path: the same tiles with one 8-lane register per tile column ---------- */
/* Every lane runs the AVX2 path's operations in the same order (tanh8 = tanh4 lane for lane), so the two paths agree
 * bit for bit; 32 registers keep the epilogues free of spills. Rows past the panel's valid ones are masked. */

AVX512 ALWAYS_INLINE void tile_product8(const int nr, long k, const double *ap, const double *b, long ldb, __m512d *acc) {
    const double *bj[NR];
    _Pragma("clang loop unroll(full)") for (int j = 0; j < nr; j++) { acc[j] = _mm512_setzero_pd(); bj[j] = b + j * ldb; }
    for (long l = 0; l < k; l++) {
        const __m512d a = _mm512_loadu_pd(ap + l * MR);
        _Pragma("clang loop unroll(full)") for (int j = 0; j < nr; j++) acc[j] = _mm512_fmadd_pd(a, _mm512_set1_pd(bj[j][l]), acc[j]);
    }
}

AVX512 ALWAYS_INLINE void forward_tile8(const int nr, long k, const double *ap, const double *hprev, long ldh,
                                        int accumulate, const double *bias, const double *wx, long nx, const double *x,
                                        double *out, long ld, __mmask8 rows, __m512d *largest, __mmask8 *nans) {
    __m512d acc[NR];
    tile_product8(nr, k, ap, hprev, ldh, acc);
    const __m512d bv = bias ? _mm512_maskz_loadu_pd(rows, bias) : _mm512_setzero_pd();
    _Pragma("clang loop unroll(full)") for (int j = 0; j < nr; j++) {
        double *oc = out + j * ld;
        __m512d v = acc[j];
        if (accumulate) v = _mm512_add_pd(_mm512_maskz_loadu_pd(rows, oc), v);
        if (bias) v = _mm512_add_pd(v, bv);
        for (long l = 0; l < nx; l++)
            v = _mm512_fmadd_pd(_mm512_maskz_loadu_pd(rows, wx + l * ld), _mm512_set1_pd(x[j * nx + l]), v);
        *largest = _mm512_max_pd(*largest, _mm512_abs_pd(v));
        *nans |= _mm512_cmp_pd_mask(v, v, _CMP_UNORD_Q);
        _mm512_mask_storeu_pd(oc, rows, tanh8(v));
    }
}

AVX512 static double tanh_step_forward_avx512(const double *packed, long rows, long cols, long k, const double *hprev,
                                              long ldh, int accumulate, const double *bias, const double *wx, long nx,
                                              const double *x, double *out) {
    __m512d largest = _mm512_setzero_pd();
    __mmask8 nans = 0;
    if (!wx || !x) nx = 0;
#define FORWARD_TILE8(NRV) forward_tile8(NRV, k, packed + i0 * k, hprev + j0 * ldh, ldh, accumulate, bias ? bias + i0 : 0, \
                                     nx ? wx + i0 : 0, nx, nx ? x + j0 * nx : 0, out + i0 + j0 * rows, rows, mask, \
                                     &largest, &nans)
    FOR_EACH_TILE(rows, cols,
        const __mmask8 mask = (__mmask8)((1u << valid) - 1);
        DISPATCH_NR(nr, FORWARD_TILE8)
    )
#undef FORWARD_TILE8
    if (nans) return NAN;
    return _mm512_reduce_max_pd(largest);
}

AVX512 ALWAYS_INLINE void backward_tile8(const int nr, long k, const double *ap, const double *dnext, int accumulate,
                                         double *d, const double *h, const double *wyT, const double *r, long ny,
                                         double *rowsum, double *grad_in, const double *x, long nx, double *grad_out_t,
                                         long ld, __mmask8 rows) {
    __m512d acc[NR], hv[NR];
    tile_product8(nr, k, ap, dnext, ld, acc);
    const __m512d one = _mm512_set1_pd(1.0);
    _Pragma("clang loop unroll(full)") for (int j = 0; j < nr; j++) {
        double *dc = d + j * ld;
        __m512d e = acc[j];
        if (accumulate) e = _mm512_add_pd(_mm512_maskz_loadu_pd(rows, dc), e);
        if (r) for (long l = 0; l < ny; l++)
            e = _mm512_fmadd_pd(_mm512_maskz_loadu_pd(rows, wyT + l * ld), _mm512_set1_pd(r[j * ny + l]), e);
        hv[j] = _mm512_maskz_loadu_pd(rows, h + j * ld);
        acc[j] = _mm512_mul_pd(e, _mm512_fnmadd_pd(hv[j], hv[j], one));
        _mm512_mask_storeu_pd(dc, rows, acc[j]);
    }
    if (rowsum) {
        __m512d sum = _mm512_maskz_loadu_pd(rows, rowsum);
        _Pragma("clang loop unroll(full)") for (int j = 0; j < nr; j++) sum = _mm512_add_pd(sum, acc[j]);
        _mm512_mask_storeu_pd(rowsum, rows, sum);
    }
    if (grad_in) for (long l = 0; l < nx; l++) {
        __m512d g = _mm512_maskz_loadu_pd(rows, grad_in + l * ld);
        _Pragma("clang loop unroll(full)") for (int j = 0; j < nr; j++) g = _mm512_fmadd_pd(acc[j], _mm512_set1_pd(x[j * nx + l]), g);
        _mm512_mask_storeu_pd(grad_in + l * ld, rows, g);
    }
    if (grad_out_t && r) for (long l = 0; l < ny; l++) {
        __m512d g = _mm512_maskz_loadu_pd(rows, grad_out_t + l * ld);
        _Pragma("clang loop unroll(full)") for (int j = 0; j < nr; j++) g = _mm512_fmadd_pd(hv[j], _mm512_set1_pd(r[j * ny + l]), g);
        _mm512_mask_storeu_pd(grad_out_t + l * ld, rows, g);
    }
}

AVX512 static void tanh_step_backward_avx512(const double *packed, long rows, long cols, long k, const double *dnext,
                                             int accumulate, double *d, const double *h, const double *wyT,
                                             const double *r, long ny, double *rowsum, double *grad_in, const double *x,
                                             long nx, double *grad_out_t) {
    if (!r) ny = 0;
    if (!grad_in || !x) { grad_in = 0; nx = 0; }
#define BACKWARD_TILE8(NRV) backward_tile8(NRV, k, packed + i0 * k, dnext + j0 * rows, accumulate, d + i0 + j0 * rows, \
                                       h + i0 + j0 * rows, ny ? wyT + i0 : 0, ny ? r + j0 * ny : 0, ny, \
                                       rowsum ? rowsum + i0 : 0, nx ? grad_in + i0 : 0, nx ? x + j0 * nx : 0, nx, \
                                       grad_out_t && ny ? grad_out_t + i0 : 0, rows, mask)
    FOR_EACH_TILE(rows, cols,
        const __mmask8 mask = (__mmask8)((1u << valid) - 1);
        DISPATCH_NR(nr, BACKWARD_TILE8)
    )
#undef BACKWARD_TILE8
}

/* ---------- dispatch ---------- */

static int path_state = 0;  /* 0 unknown, 1 portable, 2 AVX2+FMA, 3 AVX-512F/DQ */

static int step_path(void) {
    int state = __atomic_load_n(&path_state, __ATOMIC_ACQUIRE);
    if (!state) {
        __builtin_cpu_init();
        state = (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq")) ? 3
              : rnndyn_tanh_uses_avx2() ? 2 : 1;
        __atomic_store_n(&path_state, state, __ATOMIC_RELEASE);
    }
    return state;
}

int rnndyn_tanh_step_path(void) { return step_path(); }

double rnndyn_tanh_step_forward_avx2(const double *packed, long rows, long cols, long k, const double *hprev, long ldh,
                                     int accumulate, const double *bias, const double *wx, long nx, const double *x,
                                     double *out) {
    return step_path() >= 2 ? tanh_step_forward_avx2(packed, rows, cols, k, hprev, ldh, accumulate, bias, wx, nx, x, out)
                            : rnndyn_tanh_step_forward_portable(packed, rows, cols, k, hprev, ldh, accumulate, bias, wx, nx, x, out);
}

void rnndyn_tanh_step_backward_avx2(const double *packed, long rows, long cols, long k, const double *dnext,
                                    int accumulate, double *d, const double *h, const double *wyT, const double *r,
                                    long ny, double *rowsum, double *grad_in, const double *x, long nx,
                                    double *grad_out_t) {
    if (step_path() >= 2)
        tanh_step_backward_avx2(packed, rows, cols, k, dnext, accumulate, d, h, wyT, r, ny, rowsum, grad_in, x, nx,
                                grad_out_t);
    else
        rnndyn_tanh_step_backward_portable(packed, rows, cols, k, dnext, accumulate, d, h, wyT, r, ny, rowsum,
                                           grad_in, x, nx, grad_out_t);
}

double rnndyn_tanh_step_forward(const double *packed, long rows, long cols, long k, const double *hprev, long ldh,
                                int accumulate, const double *bias, const double *wx, long nx, const double *x,
                                double *out) {
    if (step_path() == 3)
        return tanh_step_forward_avx512(packed, rows, cols, k, hprev, ldh, accumulate, bias, wx, nx, x, out);
    return rnndyn_tanh_step_forward_avx2(packed, rows, cols, k, hprev, ldh, accumulate, bias, wx, nx, x, out);
}

void rnndyn_tanh_step_backward(const double *packed, long rows, long cols, long k, const double *dnext,
                               int accumulate, double *d, const double *h, const double *wyT, const double *r, long ny,
                               double *rowsum, double *grad_in, const double *x, long nx, double *grad_out_t) {
    if (step_path() == 3)
        tanh_step_backward_avx512(packed, rows, cols, k, dnext, accumulate, d, h, wyT, r, ny, rowsum, grad_in, x, nx,
                                  grad_out_t);
    else
        rnndyn_tanh_step_backward_avx2(packed, rows, cols, k, dnext, accumulate, d, h, wyT, r, ny, rowsum, grad_in, x,
                                       nx, grad_out_t);
}
