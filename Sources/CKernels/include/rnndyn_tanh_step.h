#ifndef RNNDYN_TANH_STEP_H
#define RNNDYN_TANH_STEP_H

/* One time step of a tanh RNN's forward and backward pass, with the recurrent product from a packed W_h or W_hᵀ
 * (rnndyn_packed_gemm.h) finished tile by tile in registers: no pass over the step's block after the product.
 * Blocks are column-major `rows × cols` with leading dimension `rows` (hprev: ldh); `packed` holds a rows × k operand.
 * Each result equals, bit for bit, rnndyn_packed_gemm followed by the block kernel of rnndyn_tanh.h named below on
 * the AVX2 path (the AVX-512 path, chosen when the CPU has AVX-512F/DQ, runs the same operations per lane). */

/// out = tanh((accumulate ? out : 0) + A·hprev + bias + W_x x) column by column (rnndyn_packed_gemm, then
/// rnndyn_tanh_forward); bias NULL none, nx = 0 or wx/x NULL no input term. Returns max |pre-activation| (NaN if any).
/// out must not overlap hprev.
double rnndyn_tanh_step_forward(const double *packed, long rows, long cols, long k, const double *hprev, long ldh,
                                int accumulate, const double *bias, const double *wx, long nx, const double *x,
                                double *out);

/// d = (accumulate ? d : 0) + A·dnext, then rnndyn_tanh_backward_fused(d, 1, h, rows, cols, wyT, r, ny, rowsum,
/// grad_in, x, nx, grad_out_t) (accumulators NULL to skip). d must not overlap dnext.
void rnndyn_tanh_step_backward(const double *packed, long rows, long cols, long k, const double *dnext,
                               int accumulate, double *d, const double *h, const double *wyT, const double *r, long ny,
                               double *rowsum, double *grad_in, const double *x, long nx, double *grad_out_t);

/// The AVX2+FMA paths (portable where the CPU lacks AVX2), for testing them on machines that pick AVX-512; the
/// AVX-512 path runs the same operations lane for lane and agrees with them bit for bit.
double rnndyn_tanh_step_forward_avx2(const double *packed, long rows, long cols, long k, const double *hprev, long ldh,
                                     int accumulate, const double *bias, const double *wx, long nx, const double *x,
                                     double *out);
void rnndyn_tanh_step_backward_avx2(const double *packed, long rows, long cols, long k, const double *dnext,
                                    int accumulate, double *d, const double *h, const double *wyT, const double *r,
                                    long ny, double *rowsum, double *grad_in, const double *x, long nx,
                                    double *grad_out_t);

/// The CPU path in use: 1 portable, 2 AVX2+FMA, 3 AVX-512F/DQ (checked once).
int rnndyn_tanh_step_path(void);

/// The portable paths (for testing them on machines that would pick AVX2).
double rnndyn_tanh_step_forward_portable(const double *packed, long rows, long cols, long k, const double *hprev,
                                         long ldh, int accumulate, const double *bias, const double *wx, long nx,
                                         const double *x, double *out);
void rnndyn_tanh_step_backward_portable(const double *packed, long rows, long cols, long k, const double *dnext,
                                        int accumulate, double *d, const double *h, const double *wyT,
                                        const double *r, long ny, double *rowsum, double *grad_in, const double *x,
                                        long nx, double *grad_out_t);

#endif
