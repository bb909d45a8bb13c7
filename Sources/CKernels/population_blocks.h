/* population_blocks.h — register-blocked building blocks of population_step.c: 4-double vectors (clang vector
 * extensions, so one source serves the AVX2+FMA and the baseline build), padding, in-register transposes and the
 * small products the fused population kernel is made of. Every function is always_inline: the sizes it is given
 * are compile-time constants at each call site. */
#ifndef RNNDYN_POPULATION_BLOCKS_H
#define RNNDYN_POPULATION_BLOCKS_H

#include <string.h>

typedef double v4 __attribute__((vector_size(32)));
/* The same vector at any 8-byte-aligned address, aliasing plain doubles. */
typedef double v4_unaligned __attribute__((vector_size(32), aligned(8), may_alias));

#define INLINE static inline __attribute__((always_inline))
/* Macros, not functions: a v4 argument or result of a baseline-target function would change the ABI. */
#define load4(p) (*(const v4_unaligned *)(p))
#define store4(p, v) (*(v4_unaligned *)(p) = (v))
#define hsum(v) (((v)[0] + (v)[1]) + ((v)[2] + (v)[3]))

/* `a` (rows × cols, leading dimension rows) zero-padded to R × C in `out`; `a` itself when no padding is needed. */
INLINE const double *padded_copy(const double *a, long rows, long cols, int R, int C, double *out) {
    if (rows == R && cols == C) return a;
    memset(out, 0, sizeof(double) * (size_t)(R * C));
    for (long j = 0; j < cols; j++)
        for (long i = 0; i < rows; i++) out[i + j * R] = a[i + j * rows];
    return out;
}

/* The leading rows × cols block of padded `p` (R × C, R = 4V) into `out` (leading dimension rows). */
INLINE void unpad(const int V, const int C, const double *p, long rows, long cols, double *out) {
    if (rows == 4 * V) {
        for (int j = 0; j < C; j++)
            if (j < cols)
                for (int v = 0; v < V; v++) store4(out + j * rows + 4 * v, load4(p + (j * V + v) * 4));
        return;
    }
    for (long j = 0; j < cols; j++)
        for (long i = 0; i < rows; i++) out[i + j * rows] = p[i + j * 4 * V];
}

/* The K padded columns of `a` (V vectors each) into registers. */
INLINE void load_columns(const int V, const int K, const double *a, v4 *cols) {
    for (int l = 0; l < K; l++)
        for (int v = 0; v < V; v++) cols[l * V + v] = load4(a + (l * V + v) * 4);
}

/* out[q] = (in[0][q], in[1][q], in[2][q], in[3][q]): a 4 × 4 block transposed in registers. */
INLINE void transpose4(const v4 *in, v4 *out) {
    const v4 t0 = __builtin_shufflevector(in[0], in[1], 0, 4, 2, 6), t1 = __builtin_shufflevector(in[0], in[1], 1, 5, 3, 7);
    const v4 t2 = __builtin_shufflevector(in[2], in[3], 0, 4, 2, 6), t3 = __builtin_shufflevector(in[2], in[3], 1, 5, 3, 7);
    out[0] = __builtin_shufflevector(t0, t2, 0, 1, 4, 5);
    out[1] = __builtin_shufflevector(t1, t3, 0, 1, 4, 5);
    out[2] = __builtin_shufflevector(t0, t2, 2, 3, 6, 7);
    out[3] = __builtin_shufflevector(t1, t3, 2, 3, 6, 7);
}

/* Columns of Bᵀ from the K columns of B (V vectors each) held in registers: Bᵀ has K/4 vectors per column. */
INLINE void transpose_columns(const int V, const int K, const v4 *cols, v4 *tcols) {
    const int VK = K / 4;
    for (int v = 0; v < V; v++)
        for (int w = 0; w < VK; w++) {
            v4 in[4], out[4];
            for (int q = 0; q < 4; q++) in[q] = cols[(4 * w + q) * V + v];
            transpose4(in, out);
            for (int q = 0; q < 4; q++) tcols[(4 * v + q) * VK + w] = out[q];
        }
}

/* c = Σ_{l<K} cols_l b[l]: one padded column of a product with K-column left factor held in registers (K a multiple
 * of 4), summed in two interleaved chains to shorten the dependency chain of the recursions. */
INLINE void combine(const int V, const int K, const v4 *cols, const double *b, v4 *c) {
    v4 odd[2];
    for (int v = 0; v < V; v++) { c[v] = cols[v] * b[0]; odd[v] = cols[V + v] * b[1]; }
    for (int l = 2; l < K; l += 2)
        for (int v = 0; v < V; v++) { c[v] += cols[l * V + v] * b[l]; odd[v] += cols[(l + 1) * V + v] * b[l + 1]; }
    for (int v = 0; v < V; v++) c[v] += odd[v];
}

/* out(:, j) = Σ_{l<n} a(:, l) b(j, l) for j < NB: the product a bᵀ with a's columns V vectors (leading dimension
 * 4V) and b of leading dimension NB. Two interleaved chains over l when few accumulators would be latency-bound. */
INLINE void times_transpose(const int V, const int NB, long n, const double *a, const double *b, double *out) {
    const int S = NB * V <= 8 ? 2 : 1;
    v4 acc[2][8][2];
    for (int s = 0; s < S; s++)
        for (int j = 0; j < NB; j++)
            for (int v = 0; v < V; v++) acc[s][j][v] = (v4){0, 0, 0, 0};
    long l = 0;
    for (; l + S <= n; l += S)
        for (int s = 0; s < S; s++) {
            const double *bl = b + (l + s) * NB;
            for (int v = 0; v < V; v++) {
                const v4 av = load4(a + ((l + s) * V + v) * 4);
                for (int j = 0; j < NB; j++) acc[s][j][v] += av * bl[j];
            }
        }
    for (; l < n; l++)
        for (int v = 0; v < V; v++) {
            const v4 av = load4(a + (l * V + v) * 4);
            for (int j = 0; j < NB; j++) acc[0][j][v] += av * b[l * NB + j];
        }
    for (int j = 0; j < NB; j++)
        for (int v = 0; v < V; v++) store4(out + (j * V + v) * 4, S == 2 ? acc[0][j][v] + acc[1][j][v] : acc[0][j][v]);
}

/* Rows 4g…4g+3 of F(:, j…j+4W−1) = (M A − C)(:, j…) with the loss terms ⟨M, ½ M A − C⟩ added to *loss_acc.
 * Accumulates rows of M A (broadcast M(i, l) times row l of A, contiguous in the row-major `arow`) and transposes
 * each 4 × 4 block back to columns in registers. */
INLINE void moment_block(const int VY, const int W, int g, long TX, long j, const double *M, const double *arow,
                         const double *C, double *F, v4 *loss_acc) {
    const int Y = 4 * VY;
    v4 acc[4][3];
    for (int r = 0; r < 4; r++)
        for (int w = 0; w < W; w++) acc[r][w] = (v4){0, 0, 0, 0};
#pragma clang loop unroll(disable)   /* unrolling spills the 12 accumulators */
    for (long l = 0; l < TX; l++) {
        const double *m = M + l * Y + 4 * g;
        v4 a[3];
        for (int w = 0; w < W; w++) a[w] = load4(arow + l * TX + j + 4 * w);
        for (int r = 0; r < 4; r++) {
            const double mv = m[r];
            for (int w = 0; w < W; w++) acc[r][w] += mv * a[w];
        }
    }
    for (int w = 0; w < W; w++) {
        v4 in[4], out[4];
        for (int r = 0; r < 4; r++) in[r] = acc[r][w];
        transpose4(in, out);
        for (int q = 0; q < 4; q++) {
            const long off = (j + 4 * w + q) * Y + 4 * g;
            const v4 cv = load4(C + off);
            store4(F + off, out[q] - cv);
            *loss_acc += load4(M + off) * (0.5 * out[q] - cv);
        }
    }
}

/* F = M A − C and the loss terms, in blocks of up to 12 columns. */
INLINE void moment_residuals(const int VY, long TX, const double *M, const double *arow, const double *C, double *F,
                             v4 *loss_acc) {
    for (int g = 0; g < VY; g++) {
        long j = 0;
        for (; j + 12 <= TX; j += 12) moment_block(VY, 3, g, TX, j, M, arow, C, F, loss_acc);
        if (TX - j == 8) moment_block(VY, 2, g, TX, j, M, arow, C, F, loss_acc);
        else if (TX - j == 4) moment_block(VY, 1, g, TX, j, M, arow, C, F, loss_acc);
    }
}

#endif
