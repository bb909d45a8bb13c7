#ifndef RNNDYN_POPULATION_H
#define RNNDYN_POPULATION_H

/* Fused population loss and gradient of a small linear RNN (N_h, N_x, N_y ≤ 8, any T) from its sufficient
 * statistics, in one call without allocation:
 *   L = E0 − Σ_k ⟨C_k, M_k⟩ + ½ ⟨M, M A⟩,   M_k = W_y W_h^k W_x,   M = [M_0 … M_{T−1}],
 * or, without moments (whitened inputs), A = diag(w_k I).
 *
 * Padded layouts (pad(n) = 4 for n ≤ 4, 8 for n ≤ 8; X = pad(N_x), Y = pad(N_y); padding entries are 0):
 *   targets: Y × (T·X), column-major; entry (i, k·X + c) holds C_k(i, c).
 *   moments: (T·X) × (T·X), row-major (row r is contiguous: element c + r·T·X); entry (k·X + i, k'·X + i')
 *            holds A(k·N_x + i, k'·N_x + i').
 * Weights and gradients are unpadded column-major (leading dimensions N_h, N_h, N_y). */

/// Inputs, outputs and scratch of one fused population evaluation.
typedef struct {
    long nh, nx, ny, T;
    /// W_x (N_h × N_x), W_h (N_h × N_h), W_y (N_y × N_h), unpadded column-major.
    const double *wx, *wh, *wy;
    /// Padded C_k (see above).
    const double *targets;
    /// Padded input moments A, or NULL for whitened inputs (then lag_weights w_k are used).
    const double *moments;
    /// w_k, k = 0…T−1 (read only when moments is NULL).
    const double *lag_weights;
    /// The loss's constant: with moments E0, the loss of the zero network; without, the residual energy
    /// E0 − ½ Σ_k ‖C_k‖²/w_k (the loss is then that plus ½ Σ_k ‖F_k‖²/w_k, a sum of squares).
    double target_energy;
    /// Outputs ∂L/∂W_x, ∂L/∂W_h, ∂L/∂W_y, unpadded column-major.
    double *grad_wx, *grad_wh, *grad_wy;
    /// rnndyn_population_scratch_count(nh, nx, ny, T) doubles, any contents.
    double *scratch;
} rnndyn_population_problem;

/// 1 when the fused kernel handles these sizes (N_h, N_x, N_y in 1…8, T ≥ 1).
int rnndyn_population_supported(long nh, long nx, long ny, long T);

/// The padded size of a dimension n in 1…8: 4 or 8.
long rnndyn_population_padded(long n);

/// Number of doubles of scratch a problem of these sizes needs.
long rnndyn_population_scratch_count(long nh, long nx, long ny, long T);

/// Writes the gradients and returns the loss. AVX2+FMA when the CPU has them (checked once), portable C
/// otherwise; deterministic for a given CPU path.
double rnndyn_population_loss_gradient(const rnndyn_population_problem *problem);

/// The portable path alone (for testing it on machines that would pick AVX2).
double rnndyn_population_loss_gradient_portable(const rnndyn_population_problem *problem);

/// 1 when rnndyn_population_loss_gradient runs the AVX2+FMA path.
int rnndyn_population_uses_avx2(void);

#endif
