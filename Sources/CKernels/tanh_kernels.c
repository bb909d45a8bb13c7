#include "rnndyn_tanh.h"
#include <immintrin.h>
#include <math.h>
#include "tanh_approx.h"

/* ---------- portable path ---------- */

double rnndyn_tanh_portable(double x) { return tanh_scalar(x); }

double rnndyn_tanh_forward_portable(const double *z, const double *bias, const double *w, long k, const double *x,
                                    double *out, long rows, long cols) {
    double largest = 0;
    int sawNaN = 0;
    for (long j = 0; j < cols; j++) {
        const double *xj = x + j * k;
        for (long i = 0; i < rows; i++) {
            double v = z ? z[i + j * rows] : 0;
            if (bias) v += bias[i];
            for (long l = 0; l < k; l++) v += w[i + l * rows] * xj[l];
            if (isnan(v)) sawNaN = 1;
            else if (fabs(v) > largest) largest = fabs(v);
            out[i + j * rows] = tanh_scalar(v);
        }
    }
    return sawNaN ? NAN : largest;
}

double rnndyn_tanh_columns_portable(const double *z, const double *bias, double *out, long rows, long cols) {
    return rnndyn_tanh_forward_portable(z, bias, 0, 0, 0, out, rows, cols);
}

void rnndyn_tanh_backward_fused_portable(double *d, int accumulate, const double *h, long rows, long cols,
                                         const double *wyT, const double *r, long ny, double *rowsum,
                                         double *grad_in, const double *x, long nx, double *grad_out_t) {
    for (long j = 0; j < cols; j++) {
        double *dc = d + j * rows;
        const double *hc = h + j * rows, *rj = r ? r + j * ny : 0, *xj = x ? x + j * nx : 0;
        for (long i = 0; i < rows; i++) {
            double e = accumulate ? dc[i] : 0;
            if (rj) for (long l = 0; l < ny; l++) e += wyT[i + l * rows] * rj[l];
            const double dv = e * (1 - hc[i] * hc[i]);
            dc[i] = dv;
            if (rowsum) rowsum[i] += dv;
            if (grad_in) for (long l = 0; l < nx; l++) grad_in[i + l * rows] += dv * xj[l];
            if (grad_out_t && rj) for (long l = 0; l < ny; l++) grad_out_t[i + l * rows] += hc[i] * rj[l];
        }
    }
}

void rnndyn_tanh_backward_portable(double *d, const double *h, long rows, long cols, double *rowsum) {
    rnndyn_tanh_backward_fused_portable(d, 1, h, rows, cols, 0, 0, 0, rowsum, 0, 0, 0, 0);
}

/* ---------- AVX2 + FMA path ---------- */


AVX2 static double tanh_avx2(double x) {
    double lanes[4] = {x, 0, 0, 0};
    _mm256_storeu_pd(lanes, tanh4(_mm256_loadu_pd(lanes)));
    return lanes[0];
}

/* The pre-activation of rows i…i+3 of column j (the scalar tail builds the same sums lane by lane). */
AVX2 static inline __m256d preactivation4(const double *zc, const double *bias, const double *w, long k, const double *xj,
                                          long i, long rows) {
    __m256d v = zc ? _mm256_loadu_pd(zc + i) : _mm256_setzero_pd();
    if (bias) v = _mm256_add_pd(v, _mm256_loadu_pd(bias + i));
    for (long l = 0; l < k; l++) v = _mm256_fmadd_pd(_mm256_loadu_pd(w + i + l * rows), _mm256_set1_pd(xj[l]), v);
    return v;
}

AVX2 static double tanh_forward_avx2(const double *z, const double *bias, const double *w, long k, const double *x,
                                     double *out, long rows, long cols) {
    const __m256d signBit = _mm256_set1_pd(-0.0);
    __m256d largest = _mm256_setzero_pd(), nans = _mm256_setzero_pd();
    for (long j = 0; j < cols; j++) {
        const double *zc = z ? z + j * rows : 0, *xj = x + j * k;
        double *oc = out + j * rows;
        long i = 0;
        for (; i + 4 <= rows; i += 4) {
            const __m256d v = preactivation4(zc, bias, w, k, xj, i, rows);
            largest = _mm256_max_pd(largest, _mm256_andnot_pd(signBit, v));
            nans = _mm256_or_pd(nans, _mm256_cmp_pd(v, v, _CMP_UNORD_Q));
            _mm256_storeu_pd(oc + i, tanh4(v));
        }
        if (i < rows) {  /* the last rows % 4 entries through the same lanes (zero-padded) */
            double lanes[4] = {0, 0, 0, 0};
            const long rest = rows - i;
            for (long m = 0; m < rest; m++) {
                double v = zc ? zc[i + m] : 0;
                if (bias) v += bias[i + m];
                for (long l = 0; l < k; l++) v = fma(w[i + m + l * rows], xj[l], v);
                lanes[m] = v;
            }
            const __m256d v = _mm256_loadu_pd(lanes);
            largest = _mm256_max_pd(largest, _mm256_andnot_pd(signBit, v));
            nans = _mm256_or_pd(nans, _mm256_cmp_pd(v, v, _CMP_UNORD_Q));
            _mm256_storeu_pd(lanes, tanh4(v));
            for (long m = 0; m < rest; m++) oc[i + m] = lanes[m];
        }
    }
    if (_mm256_movemask_pd(nans)) return NAN;
    double l[4];
    _mm256_storeu_pd(l, largest);
    const double m01 = l[0] > l[1] ? l[0] : l[1], m23 = l[2] > l[3] ? l[2] : l[3];
    return m01 > m23 ? m01 : m23;
}

AVX2 static void tanh_backward_fused_avx2(double *d, int accumulate, const double *h, long rows, long cols,
                                          const double *wyT, const double *r, long ny, double *rowsum,
                                          double *grad_in, const double *x, long nx, double *grad_out_t) {
    const __m256d one = _mm256_set1_pd(1.0);
    for (long j = 0; j < cols; j++) {
        double *dc = d + j * rows;
        const double *hc = h + j * rows, *rj = r ? r + j * ny : 0, *xj = x ? x + j * nx : 0;
        long i = 0;
        for (; i + 4 <= rows; i += 4) {
            __m256d e = accumulate ? _mm256_loadu_pd(dc + i) : _mm256_setzero_pd();
            if (rj) for (long l = 0; l < ny; l++) e = _mm256_fmadd_pd(_mm256_loadu_pd(wyT + i + l * rows), _mm256_set1_pd(rj[l]), e);
            const __m256d hv = _mm256_loadu_pd(hc + i);
            const __m256d dv = _mm256_mul_pd(e, _mm256_fnmadd_pd(hv, hv, one));
            _mm256_storeu_pd(dc + i, dv);
            if (rowsum) _mm256_storeu_pd(rowsum + i, _mm256_add_pd(_mm256_loadu_pd(rowsum + i), dv));
            if (grad_in) for (long l = 0; l < nx; l++) {
                double *g = grad_in + i + l * rows;
                _mm256_storeu_pd(g, _mm256_fmadd_pd(dv, _mm256_set1_pd(xj[l]), _mm256_loadu_pd(g)));
            }
            if (grad_out_t && rj) for (long l = 0; l < ny; l++) {
                double *g = grad_out_t + i + l * rows;
                _mm256_storeu_pd(g, _mm256_fmadd_pd(hv, _mm256_set1_pd(rj[l]), _mm256_loadu_pd(g)));
            }
        }
        for (; i < rows; i++) {
            double e = accumulate ? dc[i] : 0;
            if (rj) for (long l = 0; l < ny; l++) e = fma(wyT[i + l * rows], rj[l], e);
            const double dv = e * fma(-hc[i], hc[i], 1.0);
            dc[i] = dv;
            if (rowsum) rowsum[i] += dv;
            if (grad_in) for (long l = 0; l < nx; l++) grad_in[i + l * rows] = fma(dv, xj[l], grad_in[i + l * rows]);
            if (grad_out_t && rj) for (long l = 0; l < ny; l++) grad_out_t[i + l * rows] = fma(hc[i], rj[l], grad_out_t[i + l * rows]);
        }
    }
}

/* ---------- dispatch ---------- */

static int avx2_state = 0;  /* 0 unknown, 1 portable, 2 AVX2+FMA */

int rnndyn_tanh_uses_avx2(void) {
    int state = __atomic_load_n(&avx2_state, __ATOMIC_ACQUIRE);
    if (!state) {
        __builtin_cpu_init();
        state = (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) ? 2 : 1;
        __atomic_store_n(&avx2_state, state, __ATOMIC_RELEASE);
    }
    return state == 2;
}

double rnndyn_tanh(double x) { return rnndyn_tanh_uses_avx2() ? tanh_avx2(x) : tanh_scalar(x); }

double rnndyn_tanh_forward(const double *z, const double *bias, const double *w, long k, const double *x, double *out,
                           long rows, long cols) {
    return rnndyn_tanh_uses_avx2() ? tanh_forward_avx2(z, bias, w, k, x, out, rows, cols)
                                   : rnndyn_tanh_forward_portable(z, bias, w, k, x, out, rows, cols);
}

double rnndyn_tanh_columns(const double *z, const double *bias, double *out, long rows, long cols) {
    return rnndyn_tanh_forward(z, bias, 0, 0, 0, out, rows, cols);
}

void rnndyn_tanh_backward_fused(double *d, int accumulate, const double *h, long rows, long cols,
                                const double *wyT, const double *r, long ny, double *rowsum,
                                double *grad_in, const double *x, long nx, double *grad_out_t) {
    if (rnndyn_tanh_uses_avx2())
        tanh_backward_fused_avx2(d, accumulate, h, rows, cols, wyT, r, ny, rowsum, grad_in, x, nx, grad_out_t);
    else
        rnndyn_tanh_backward_fused_portable(d, accumulate, h, rows, cols, wyT, r, ny, rowsum, grad_in, x, nx, grad_out_t);
}

void rnndyn_tanh_backward(double *d, const double *h, long rows, long cols, double *rowsum) {
    rnndyn_tanh_backward_fused(d, 1, h, rows, cols, 0, 0, 0, rowsum, 0, 0, 0, 0);
}
