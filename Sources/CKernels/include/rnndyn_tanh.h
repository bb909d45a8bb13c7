#ifndef RNNDYN_TANH_H
#define RNNDYN_TANH_H

/* A vectorised double-precision tanh and the fused per-step loops of the tanh RNNs' BPTT.
 *
 * tanh(x), |x| < 0.625: x + x·s·P(s)/Q(s), s = x² (Cephes' rational form, degrees 2 and 3);
 *          |x| ≥ 0.625: 1 − 2B/(2ⁿA + B) with e^{2|x|} = 2ⁿ·A/B, n = round(2|x|/ln 2), A/B = Cephes' exp(r) rational
 *          (Q + rP)/(Q − rP) on |r| ≤ ln2/2; 2|x| is capped at 40 (tanh rounds to ±1 from |x| ≈ 19.1 on).
 * Both branches end in one division each lane shares, so a lane costs one vdivpd. NaN stays NaN, ±∞ gives ±1.
 * Accuracy against glibc's tanh: see TanhKernelTests (a few ulp). AVX2+FMA when the CPU has them (checked once),
 * portable C otherwise; each path is deterministic. All loops run over column-major `rows × cols` blocks. */

/// tanh of one value (the same approximation and CPU path as the block kernels).
double rnndyn_tanh(double x);

/// The portable path of `rnndyn_tanh` (for testing it on machines that would pick AVX2).
double rnndyn_tanh_portable(double x);

/// out[i, j] = tanh(z[i, j] + bias[i]) (bias may be NULL; out may equal z); returns max |z + bias| over the block,
/// NaN if any entry is NaN.
double rnndyn_tanh_columns(const double *z, const double *bias, double *out, long rows, long cols);

/// d[i, j] *= 1 − h[i, j]² (h = tanh of the pre-activation), then, when rowsum is not NULL, rowsum[i] += Σ_j d[i, j].
void rnndyn_tanh_backward(double *d, const double *h, long rows, long cols, double *rowsum);

/// The forward step of a tanh RNN with a narrow input, in one pass over the block:
/// out[:, j] = tanh(z[:, j] + bias + W x_j), W `rows × k` (leading dimension rows), x `k × cols` (leading dimension k).
/// z NULL means zeros, bias NULL none, k = 0 no input term; out may equal z. Returns max |pre-activation| (NaN if any).
double rnndyn_tanh_forward(const double *z, const double *bias, const double *w, long k, const double *x, double *out,
                           long rows, long cols);

/// The backward step of a tanh RNN with a narrow readout and input, in one pass over the block:
///   e[:, j] = (accumulate ? d[:, j] : 0) + Vᵀ r_j      (V = `wyT`, `rows × ny`, the readout transposed; skipped when r is NULL)
///   d[:, j] = e[:, j] ⊙ (1 − h[:, j]²)
///   rowsum += d[:, j];  grad_in += d[:, j] x_jᵀ (`rows × nx`);  grad_out_t += h[:, j] r_jᵀ (`rows × ny`)
/// r is `ny × cols`, x `nx × cols`; each accumulator may be NULL (then skipped).
void rnndyn_tanh_backward_fused(double *d, int accumulate, const double *h, long rows, long cols,
                                const double *wyT, const double *r, long ny, double *rowsum,
                                double *grad_in, const double *x, long nx, double *grad_out_t);

/// The portable paths of the block kernels.
double rnndyn_tanh_columns_portable(const double *z, const double *bias, double *out, long rows, long cols);
void rnndyn_tanh_backward_portable(double *d, const double *h, long rows, long cols, double *rowsum);
double rnndyn_tanh_forward_portable(const double *z, const double *bias, const double *w, long k, const double *x,
                                    double *out, long rows, long cols);
void rnndyn_tanh_backward_fused_portable(double *d, int accumulate, const double *h, long rows, long cols,
                                         const double *wyT, const double *r, long ny, double *rowsum,
                                         double *grad_in, const double *x, long nx, double *grad_out_t);

/// 1 when the AVX2+FMA paths are in use.
int rnndyn_tanh_uses_avx2(void);

#endif
