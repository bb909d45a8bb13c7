/* population_step.c — fused population loss and gradient of a small linear RNN (see rnndyn_population.h).
 *
 * One body, specialised at compile time for the padded sizes (H, X, Y) ∈ {4, 8}³ and compiled twice: for
 * AVX2+FMA and for the baseline target. A padded column of height 4V is V vectors of 4 doubles; padding rows
 * and columns hold zeros, so they contribute nothing. With G_k = ∂L/∂M_k (F below) the steps are
 *   P_k = W_h^k W_x (forward Horner),  M_k = W_y P_k,  F = M A − C (or w_k M_k − C_k),
 *   ∂L/∂W_y = Σ_k F_k P_kᵀ,
 *   U_{T−1} = W_yᵀ F_{T−1},  U_k = W_yᵀ F_k + W_hᵀ U_{k+1}   (backward Horner),
 *   ∂L/∂W_x = U_0,  ∂L/∂W_h = Σ_{k=0}^{T−2} U_{k+1} P_kᵀ,
 * the last because Σ_k Σ_{r+s=k−1} (W_hᵀ)^r W_yᵀ F_k P_sᵀ = Σ_s U_{s+1} P_sᵀ. Cost O(T·N³ + N_y·(T·N_x)²). */
#include "rnndyn_population.h"
#include "population_blocks.h"

long rnndyn_population_padded(long n) { return n <= 4 ? 4 : 8; }

int rnndyn_population_supported(long nh, long nx, long ny, long T) {
    return nh >= 1 && nh <= 8 && nx >= 1 && nx <= 8 && ny >= 1 && ny <= 8 && T >= 1;
}

long rnndyn_population_scratch_count(long nh, long nx, long ny, long T) {
    const long H = rnndyn_population_padded(nh), X = rnndyn_population_padded(nx), Y = rnndyn_population_padded(ny);
    const long TX = T * X;
    /* padded W_x, W_h, W_y; P, M, F, U; padded ∂L/∂W_h, ∂L/∂W_y */
    return H * X + H * H + Y * H + 2 * H * TX + 2 * Y * TX + H * H + Y * H;
}

INLINE double population_body(const int H, const int X, const int Y, const rnndyn_population_problem *pr) {
    const int VH = H / 4, VY = Y / 4;
    const long nh = pr->nh, nx = pr->nx, ny = pr->ny, T = pr->T, TX = T * X;
    double *s = pr->scratch;
    double *wx_pad = s; s += H * X;
    double *wh_pad = s; s += H * H;
    double *wy_pad = s; s += Y * H;
    double *P = s; s += H * TX;
    double *M = s; s += Y * TX;
    double *F = s; s += Y * TX;
    double *U = s; s += H * TX;
    double *gh = s; s += H * H;
    double *gy = s;
    const double *wx = padded_copy(pr->wx, nh, nx, H, X, wx_pad);
    const double *wh = padded_copy(pr->wh, nh, nh, H, H, wh_pad);
    const double *wy = padded_copy(pr->wy, ny, nh, Y, H, wy_pad);
    v4 cols[16], back[16], col[2];

    /* P_0 = W_x, P_k = W_h P_{k−1}. */
    for (int c = 0; c < X; c++)
        for (int v = 0; v < VH; v++) store4(P + c * H + 4 * v, load4(wx + c * H + 4 * v));
    load_columns(VH, H, wh, cols);
    for (long k = 1; k < T; k++)
        for (int c = 0; c < X; c++) {
            const long at = (k * X + c) * H;
            combine(VH, H, cols, P + at - X * H, col);
            for (int v = 0; v < VH; v++) store4(P + at + 4 * v, col[v]);
        }
    transpose_columns(VH, H, cols, back);   /* W_hᵀ, for the backward recursion */

    /* M_k = W_y P_k; F and the loss. */
    v4 loss_acc = {0, 0, 0, 0};
    load_columns(VY, H, wy, cols);
    if (pr->moments) {
        for (long c = 0; c < TX; c++) {
            combine(VY, H, cols, P + c * H, col);
            for (int v = 0; v < VY; v++) store4(M + c * Y + 4 * v, col[v]);
        }
        moment_residuals(VY, TX, M, pr->moments, pr->targets, F, &loss_acc);
    } else {
        for (long k = 0; k < T; k++) {
            const double w = pr->lag_weights[k], half_inverse = 0.5 / w;
            for (int c = 0; c < X; c++) {
                const long at = k * X + c;
                combine(VY, H, cols, P + at * H, col);
                for (int v = 0; v < VY; v++) {
                    const v4 cv = load4(pr->targets + at * Y + 4 * v);
                    /* ½ w m² − c m = ½ (w m − c)²/w − ½ c²/w: the square, free of cancellation near a perfect
                       fit; the constant −½ c²/w is in target_energy (the residual energy). */
                    const v4 f = w * col[v] - cv;
                    store4(F + at * Y + 4 * v, f);
                    loss_acc += half_inverse * f * f;
                }
            }
        }
    }
    v4 wy_t[16];
    transpose_columns(VY, H, cols, wy_t);

    /* ∂L/∂W_y = F Pᵀ. */
    times_transpose(VY, H, TX, F, P, gy);

    /* U_{T−1} = W_yᵀ F_{T−1}, U_k = W_yᵀ F_k + W_hᵀ U_{k+1}. */
    for (int c = 0; c < X; c++) {
        const long at = (T - 1) * X + c;
        combine(VH, Y, wy_t, F + at * Y, col);
        for (int v = 0; v < VH; v++) store4(U + at * H + 4 * v, col[v]);
    }
    for (long k = T - 2; k >= 0; k--)
        for (int c = 0; c < X; c++) {
            const long at = k * X + c;
            v4 carried[2];
            combine(VH, Y, wy_t, F + at * Y, col);
            combine(VH, H, back, U + (at + X) * H, carried);
            for (int v = 0; v < VH; v++) store4(U + at * H + 4 * v, col[v] + carried[v]);
        }

    /* ∂L/∂W_x = U_0, ∂L/∂W_h = Σ_{k<T−1} U_{k+1} P_kᵀ. */
    times_transpose(VH, H, TX - X, U + X * H, P, gh);
    unpad(VH, X, U, nh, nx, pr->grad_wx);
    unpad(VH, H, gh, nh, nh, pr->grad_wh);
    unpad(VY, H, gy, ny, nh, pr->grad_wy);
    return pr->target_energy + hsum(loss_acc);
}

typedef double (*population_fn)(const rnndyn_population_problem *);

/* Table index of the padded sizes: bit 2 for H = 8, bit 1 for X = 8, bit 0 for Y = 8. */
static int variant_index(const rnndyn_population_problem *p) {
    return (p->nh > 4) * 4 + (p->nx > 4) * 2 + (p->ny > 4);
}

#define VARIANTS(PREFIX, ATTR)                                                                                   \
    ATTR static double PREFIX##_444(const rnndyn_population_problem *p) { return population_body(4, 4, 4, p); } \
    ATTR static double PREFIX##_448(const rnndyn_population_problem *p) { return population_body(4, 4, 8, p); } \
    ATTR static double PREFIX##_484(const rnndyn_population_problem *p) { return population_body(4, 8, 4, p); } \
    ATTR static double PREFIX##_488(const rnndyn_population_problem *p) { return population_body(4, 8, 8, p); } \
    ATTR static double PREFIX##_844(const rnndyn_population_problem *p) { return population_body(8, 4, 4, p); } \
    ATTR static double PREFIX##_848(const rnndyn_population_problem *p) { return population_body(8, 4, 8, p); } \
    ATTR static double PREFIX##_884(const rnndyn_population_problem *p) { return population_body(8, 8, 4, p); } \
    ATTR static double PREFIX##_888(const rnndyn_population_problem *p) { return population_body(8, 8, 8, p); } \
    static const population_fn PREFIX##_table[8] = {PREFIX##_444, PREFIX##_448, PREFIX##_484, PREFIX##_488,    \
                                                    PREFIX##_844, PREFIX##_848, PREFIX##_884, PREFIX##_888};

VARIANTS(portable, )

#if defined(__x86_64__) || defined(__i386__)
VARIANTS(avx2, __attribute__((target("avx2,fma"))))

int rnndyn_population_uses_avx2(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
#else
int rnndyn_population_uses_avx2(void) { return 0; }
#endif

static const population_fn *chosen_table = 0;

double rnndyn_population_loss_gradient(const rnndyn_population_problem *problem) {
    const population_fn *table = __atomic_load_n(&chosen_table, __ATOMIC_ACQUIRE);
    if (!table) {
#if defined(__x86_64__) || defined(__i386__)
        table = rnndyn_population_uses_avx2() ? avx2_table : portable_table;
#else
        table = portable_table;
#endif
        __atomic_store_n(&chosen_table, table, __ATOMIC_RELEASE);
    }
    return table[variant_index(problem)](problem);
}

double rnndyn_population_loss_gradient_portable(const rnndyn_population_problem *problem) {
    return portable_table[variant_index(problem)](problem);
}
