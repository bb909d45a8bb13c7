#ifndef RNNDYN_TANH_APPROX_H
#define RNNDYN_TANH_APPROX_H
/* The tanh approximation shared by the block kernels (tanh_kernels.c) and the fused step kernels (tanh_step.c);
 * internal to CKernels. See rnndyn_tanh.h for the formulas and accuracy. */
#include <immintrin.h>
#include <math.h>

/* Cephes tanh on |x| < 0.625: tanh x = x + x·s·P(s)/Q(s), s = x² (Q monic). */
#define TP0 -9.64399179425052238628E-1
#define TP1 -9.92877231001918586564E1
#define TP2 -1.61468768441708447952E3
#define TQ0 1.12811678491632931402E2
#define TQ1 2.23548839060100448583E3
#define TQ2 4.84406305325125486048E3
/* Cephes exp on |r| ≤ ln2/2: e^r = (Q(r²) + r·P(r²)) / (Q(r²) − r·P(r²)). */
#define EP0 1.26177193074810590878E-4
#define EP1 3.02994407707441961300E-2
#define EP2 9.99999999999999999910E-1
#define EQ0 3.00198505138664455042E-6
#define EQ1 2.52448340349684104192E-3
#define EQ2 2.27265548208155028766E-1
#define EQ3 2.00000000000000000009E0
#define LOG2E 1.4426950408889634073599
/* ln 2 = LN2_HI + LN2_LO with LN2_HI short enough that n·LN2_HI is exact for the n used here (n ≤ 58). */
#define LN2_HI 6.93145751953125E-1
#define LN2_LO 1.42860682030941723212E-6
#define SMALL_LIMIT 0.625
#define TWICE_ABS_CAP 40.0
/* 2^52 + 1023: adding it to an integral n in [0, 58] leaves n + 1023 in the low mantissa bits. */
#define EXPONENT_MAGIC 4503599627371519.0

static inline double tanh_scalar(double x) {
    if (isnan(x)) return x;
    const double ax = fabs(x);
    double num, den, base, mult;
    if (ax < SMALL_LIMIT) {
        const double s = ax * ax;
        num = s * ((TP0 * s + TP1) * s + TP2);
        den = ((s + TQ0) * s + TQ1) * s + TQ2;
        base = ax; mult = ax;
    } else {
        const double y = ax + ax < TWICE_ABS_CAP ? ax + ax : TWICE_ABS_CAP;
        const double n = nearbyint(y * LOG2E);
        double r = y - n * LN2_HI;
        r = r - n * LN2_LO;
        const double rr = r * r;
        const double p = r * ((EP0 * rr + EP1) * rr + EP2);
        const double q = ((EQ0 * rr + EQ1) * rr + EQ2) * rr + EQ3;
        const double a = q + p, b = q - p;
        num = b; den = ldexp(1.0, (int)n) * a + b;
        base = 1; mult = -2;
    }
    return copysign(base + mult * (num / den), x);
}

#define AVX2 __attribute__((target("avx2,fma")))

AVX2 static inline __m256d tanh4(__m256d x) {
    const __m256d signBit = _mm256_set1_pd(-0.0);
    const __m256d ax = _mm256_andnot_pd(signBit, x);
    /* |x| < 0.625 */
    const __m256d s = _mm256_mul_pd(ax, ax);
    const __m256d ps = _mm256_mul_pd(s, _mm256_fmadd_pd(_mm256_fmadd_pd(_mm256_set1_pd(TP0), s, _mm256_set1_pd(TP1)), s,
                                                        _mm256_set1_pd(TP2)));
    const __m256d qs = _mm256_fmadd_pd(_mm256_fmadd_pd(_mm256_add_pd(s, _mm256_set1_pd(TQ0)), s, _mm256_set1_pd(TQ1)), s,
                                       _mm256_set1_pd(TQ2));
    /* |x| ≥ 0.625; min(cap, y) returns y when y is NaN */
    const __m256d y = _mm256_min_pd(_mm256_set1_pd(TWICE_ABS_CAP), _mm256_add_pd(ax, ax));
    const __m256d n = _mm256_round_pd(_mm256_mul_pd(y, _mm256_set1_pd(LOG2E)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256d r = _mm256_fnmadd_pd(n, _mm256_set1_pd(LN2_HI), y);
    r = _mm256_fnmadd_pd(n, _mm256_set1_pd(LN2_LO), r);
    const __m256d rr = _mm256_mul_pd(r, r);
    const __m256d p = _mm256_mul_pd(r, _mm256_fmadd_pd(_mm256_fmadd_pd(_mm256_set1_pd(EP0), rr, _mm256_set1_pd(EP1)), rr,
                                                       _mm256_set1_pd(EP2)));
    const __m256d q = _mm256_fmadd_pd(_mm256_fmadd_pd(_mm256_fmadd_pd(_mm256_set1_pd(EQ0), rr, _mm256_set1_pd(EQ1)), rr,
                                                      _mm256_set1_pd(EQ2)), rr, _mm256_set1_pd(EQ3));
    const __m256d a = _mm256_add_pd(q, p), b = _mm256_sub_pd(q, p);
    const __m256d scale = _mm256_castsi256_pd(
        _mm256_slli_epi64(_mm256_castpd_si256(_mm256_add_pd(n, _mm256_set1_pd(EXPONENT_MAGIC))), 52));
    const __m256d small = _mm256_cmp_pd(ax, _mm256_set1_pd(SMALL_LIMIT), _CMP_LT_OQ);
    const __m256d num = _mm256_blendv_pd(b, ps, small);
    const __m256d den = _mm256_blendv_pd(_mm256_fmadd_pd(scale, a, b), qs, small);
    const __m256d base = _mm256_blendv_pd(_mm256_set1_pd(1.0), ax, small);
    const __m256d mult = _mm256_blendv_pd(_mm256_set1_pd(-2.0), ax, small);
    const __m256d t = _mm256_fmadd_pd(mult, _mm256_div_pd(num, den), base);
    return _mm256_or_pd(t, _mm256_and_pd(signBit, x));
}

/* The same operations lane for lane on 8 doubles (AVX-512F/DQ), so tanh8 equals tanh4 bit for bit. */
#define AVX512 __attribute__((target("avx512f,avx512dq")))

AVX512 static inline __m512d tanh8(__m512d x) {
    const __m512d signBit = _mm512_set1_pd(-0.0);
    const __m512d ax = _mm512_andnot_pd(signBit, x);
    const __m512d s = _mm512_mul_pd(ax, ax);
    const __m512d ps = _mm512_mul_pd(s, _mm512_fmadd_pd(_mm512_fmadd_pd(_mm512_set1_pd(TP0), s, _mm512_set1_pd(TP1)), s,
                                                        _mm512_set1_pd(TP2)));
    const __m512d qs = _mm512_fmadd_pd(_mm512_fmadd_pd(_mm512_add_pd(s, _mm512_set1_pd(TQ0)), s, _mm512_set1_pd(TQ1)), s,
                                       _mm512_set1_pd(TQ2));
    const __m512d y = _mm512_min_pd(_mm512_set1_pd(TWICE_ABS_CAP), _mm512_add_pd(ax, ax));
    const __m512d n = _mm512_roundscale_pd(_mm512_mul_pd(y, _mm512_set1_pd(LOG2E)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512d r = _mm512_fnmadd_pd(n, _mm512_set1_pd(LN2_HI), y);
    r = _mm512_fnmadd_pd(n, _mm512_set1_pd(LN2_LO), r);
    const __m512d rr = _mm512_mul_pd(r, r);
    const __m512d p = _mm512_mul_pd(r, _mm512_fmadd_pd(_mm512_fmadd_pd(_mm512_set1_pd(EP0), rr, _mm512_set1_pd(EP1)), rr,
                                                       _mm512_set1_pd(EP2)));
    const __m512d q = _mm512_fmadd_pd(_mm512_fmadd_pd(_mm512_fmadd_pd(_mm512_set1_pd(EQ0), rr, _mm512_set1_pd(EQ1)), rr,
                                                      _mm512_set1_pd(EQ2)), rr, _mm512_set1_pd(EQ3));
    const __m512d a = _mm512_add_pd(q, p), b = _mm512_sub_pd(q, p);
    const __m512d scale = _mm512_castsi512_pd(
        _mm512_slli_epi64(_mm512_castpd_si512(_mm512_add_pd(n, _mm512_set1_pd(EXPONENT_MAGIC))), 52));
    const __mmask8 small = _mm512_cmp_pd_mask(ax, _mm512_set1_pd(SMALL_LIMIT), _CMP_LT_OQ);
    const __m512d num = _mm512_mask_blend_pd(small, b, ps);
    const __m512d den = _mm512_mask_blend_pd(small, _mm512_fmadd_pd(scale, a, b), qs);
    const __m512d base = _mm512_mask_blend_pd(small, _mm512_set1_pd(1.0), ax);
    const __m512d mult = _mm512_mask_blend_pd(small, _mm512_set1_pd(-2.0), ax);
    const __m512d t = _mm512_fmadd_pd(mult, _mm512_div_pd(num, den), base);
    return _mm512_or_pd(t, _mm512_and_pd(signBit, x));
}

#endif
