"""A cheaper exact NTK for the final-readout linear RNN: the NumPy reference of rnndyn's route (issue 4 notes).

rnndyn's `LinearRNNTangentKernel` forms the feature Grams G_kl (k <= l) and contracts them with the readout Grams
C_kl: ~222 MFLOP at (N_h, N_x, N_y, T, P) = (64, 8, 8, 20, 64). This script computes the same kernel exactly
(up to rounding) in ~143 MFLOP with two changes:

1. Full symmetry. With G_lk = G_klᵀ and C_lk = C_klᵀ,
   Θ[(p,i),(q,j)] = Σ_k G_kk C_kk + 2 Σ_{k<l} (Gˢ_kl ⊗ Cˢ_kl + Gᵃ_kl ⊗ Cᵃ_kl)
   (s/a: symmetric/antisymmetric parts); the first two terms are symmetric in p↔q and i↔j, the last antisymmetric
   in both, so only the unique entries are contracted: (2080 × 210)·(210 × 36) and (2016 × 190)·(190 × 28),
   26 M multiply-adds instead of 55 M.
2. Krylov basis for the hidden space. Block Arnoldi on (W_h, W_x) gives an orthogonal Q in which h_k has only
   8(k−1) nonzero coordinates (W_h becomes block upper Hessenberg), so the Gram of pair (k ≤ l) needs d_k =
   N_x·min(k, 9) multiply-adds per entry instead of 72: 39 M instead of 59 M. Grams are invariant under Q.

rnndyn implements both (`SymmetricPairContraction`, `KrylovStateBasis` in Sources/Analysis/NTK). Even at the
~43 GFLOP/s single-thread dgemm peak, 143 MFLOP takes 3.3 ms: 4.0–4.6× the jitted JAX closed form (13–15 ms), short of
the issue's 5×. NumPy's fancy-index gathers make this script itself slower than rnndyn.

Run: bench/.venv/bin/python bench/research/ntk_symmetric_krylov.py  (prints errors against the closed form and an
explicit Jacobian Gram, and the multiply-add count per stage).
"""
import numpy as np
rng = np.random.default_rng(0)
Nh, Nx, Ny, T, P = 64, 8, 8, 20, 64

Wh = rng.standard_normal((Nh, Nh)) / np.sqrt(Nh)
Wx = rng.standard_normal((Nh, Nx)) / np.sqrt(Nx)
Wy = rng.standard_normal((Ny, Nh)) / np.sqrt(Nh)
X = rng.standard_normal((P, T, Nx))

# ---------------- forward (plain) ----------------
H = np.zeros((P, T + 1, Nh))           # H[:,k-1] = h_k, k=1..T+1
for k in range(T):
    H[:, k + 1] = H[:, k] @ Wh.T + X[:, k] @ Wx.T
L = [Wy]
for u in range(1, T):
    L.append(L[-1] @ Wh)
L = np.array(L)                        # L[u] = Wy Wh^u

# ---------------- reference: explicit Jacobian Gram ----------------
def reference():
    # J[(p,i), params]  params = Wy(8x64) , Wh(64x64), Wx(64x8)
    Jy = np.einsum('ij,pb->pijb', np.eye(Ny), H[:, T])  # d y_i / d Wy[j,b]
    R = L[::-1]                         # R[k-1] = L_{T-k}
    Jh = np.einsum('kib,pka->piba', R, H[:, :T])
    Jx = np.einsum('kib,pka->piba', R, X)
    J = np.concatenate([Jy.reshape(P * Ny, -1), Jh.reshape(P * Ny, -1), Jx.reshape(P * Ny, -1)], 1)
    return J @ J.T

def closed_form():
    Phi = np.concatenate([H[:, :T], X], 2)          # (P,T,72)
    R = L[::-1]
    G = np.einsum('pka,qla->klpq', Phi, Phi)
    C = np.einsum('kib,ljb->klij', R, R)
    Th = np.einsum('klpq,klij->piqj', G, C)
    Th += np.einsum('pa,qa->pq', H[:, T], H[:, T])[:, None, :, None] * np.eye(Ny)[None, :, None, :]
    return Th.reshape(P * Ny, P * Ny)

# ---------------- new algorithm ----------------
def new_alg(count=None):
    fl = {}
    # block Arnoldi (CGS2) on (Wh, Wx): orthonormal Q with nested Krylov flag
    Qb = []
    Q0, _ = np.linalg.qr(Wx)
    Qb.append(Q0)
    for j in range(Nh // Nx - 1):
        Z = Wh @ Qb[-1]
        Qc = np.concatenate(Qb, 1)
        for _ in range(2):
            Z = Z - Qc @ (Qc.T @ Z)
        Qj, _ = np.linalg.qr(Z)
        Qb.append(Qj)
    Q = np.concatenate(Qb, 1)                        # 64x64 orthogonal
    Wt = Q.T @ Wh @ Q                                # block upper Hessenberg (8x8 blocks)
    Vt = Q.T @ Wx                                    # only first 8 rows nonzero
    # enforce exact structure (entries are O(eps))
    for bi in range(8):
        for bj in range(8):
            if bi > bj + 1:
                Wt[8*bi:8*bi+8, 8*bj:8*bj+8] = 0.0
    Vt[8:] = 0.0
    fl['arnoldi+W~'] = 8 * (64*64*8 + 2*2*64*64*8) + 2 * 64**3
    # forward pass in Krylov coordinates, exploiting support s_k = 8(k-1)
    Ht = np.zeros((P, T + 1, Nh))
    f = 0
    for k in range(T):      # computes h_{k+2} from h_{k+1} (0-based index k)
        s = min(8 * k, 64)               # support of h~_{k+1}
        so = min(8 * (k + 1), 64)
        Ht[:, k + 1, :so] = Ht[:, k, :s] @ Wt[:so, :s].T + X[:, k] @ Vt[:so].T
        # nnz of block-Hessenberg part used
        nnz = sum(min(8 * (c + 2), so) * 8 for c in range(s // 8))
        f += P * (nnz + 8 * 8)
    fl['forward'] = f
    # features phi~_k = [x_k ; h~_k(:8(k-1))], support d_k = 8*min(k,9)
    Phi = np.concatenate([X, Ht[:, :T]], 2)          # (P,T,72) x first then Krylov coords
    d = [8 * min(k, 9) for k in range(1, T + 1)]
    # readouts
    Lr = [Wy]
    for u in range(1, T):
        Lr.append(Lr[-1] @ Wh)
    R = np.array(Lr)[::-1]                           # R[k-1] = L_{T-k}
    fl['L'] = (T - 1) * 8 * 64 * 64
    # ---- Gram stage: G_kl for k<=l, using support min(d_k,d_l)=d_k
    G = np.empty((T, T, P, P))
    f = 0
    for k in range(T):
        dk = d[k]
        A = Phi[:, k, :dk]                           # (P,dk)
        B = Phi[:, k:, :dk].transpose(1, 0, 2).reshape(-1, dk)        # ((T-k)P, dk)
        Gk = (A @ B.T).reshape(P, T - k, P).transpose(1, 0, 2)
        G[k, k:] = Gk
        f += (T - k - 1) * P * P * dk + P * (P + 1) // 2 * dk   # diag block symmetric
    fl['gram'] = f
    # ---- readout Grams
    C = np.einsum('kib,ljb->klij', R, R)
    fl['C'] = T * (T + 1) // 2 * 64 * 64
    # ---- sym / antisym contraction
    iu_p = np.triu_indices(P)          # p<=q
    iu_p1 = np.triu_indices(P, 1)      # p<q
    iu_y = np.triu_indices(Ny)
    iu_y1 = np.triu_indices(Ny, 1)
    pairs_le = [(k, l) for k in range(T) for l in range(k, T)]
    pairs_lt = [(k, l) for k in range(T) for l in range(k + 1, T)]
    Gs = np.empty((len(iu_p[0]), len(pairs_le)))
    Cs = np.empty((len(pairs_le), len(iu_y[0])))
    for n, (k, l) in enumerate(pairs_le):
        g = G[k, l]
        c = C[k, l]
        if k == l:
            Gs[:, n] = g[iu_p]; Cs[n] = c[iu_y]
        else:
            Gs[:, n] = (g + g.T)[iu_p]; Cs[n] = 0.5 * (c + c.T)[iu_y]
    Ga = np.empty((len(iu_p1[0]), len(pairs_lt)))
    Ca = np.empty((len(pairs_lt), len(iu_y1[0])))
    for n, (k, l) in enumerate(pairs_lt):
        g = G[k, l]; c = C[k, l]
        Ga[:, n] = (g - g.T)[iu_p1]; Ca[n] = 0.5 * (c - c.T)[iu_y1]
    Tss = Gs @ Cs                                    # (2080, 36)
    Taa = Ga @ Ca                                    # (2016, 28)
    fl['contract_ss'] = Gs.shape[0] * Gs.shape[1] * Cs.shape[1]
    fl['contract_aa'] = Ga.shape[0] * Ga.shape[1] * Ca.shape[1]
    # W_y part (only i=j, symmetric in p,q)
    hT = Ht[:, T]
    gy = (hT @ hT.T)[iu_p]
    fl['Wy'] = P * (P + 1) // 2 * 64
    diag_cols = [n for n, (i, j) in enumerate(zip(*iu_y)) if i == j]
    Tss[:, diag_cols] += gy[:, None]
    # ---- assemble 512x512
    Sfull = np.zeros((P, P, Ny, Ny))
    Sp = np.zeros((P, P, len(iu_y[0])))
    Sp[iu_p] = Tss; Sp[iu_p[1], iu_p[0]] = Tss
    Sfull[:, :, iu_y[0], iu_y[1]] = Sp; Sfull[:, :, iu_y[1], iu_y[0]] = Sp
    Ap = np.zeros((P, P, len(iu_y1[0])))
    Ap[iu_p1] = Taa; Ap[iu_p1[1], iu_p1[0]] = -Taa
    Afull = np.zeros((P, P, Ny, Ny))
    Afull[:, :, iu_y1[0], iu_y1[1]] = Ap; Afull[:, :, iu_y1[1], iu_y1[0]] = -Ap
    Th = (Sfull + Afull).transpose(0, 2, 1, 3).reshape(P * Ny, P * Ny)
    return Th, fl

if __name__ == '__main__':
    Tref = reference()
    Tcf = closed_form()
    Tnew, fl = new_alg()
    rel = lambda A, B: np.linalg.norm(A - B) / np.linalg.norm(B)
    print('closed form vs Jacobian Gram :', rel(Tcf, Tref))
    print('new vs closed form           :', rel(Tnew, Tcf), ' max-abs rel', np.abs(Tnew - Tcf).max() / np.abs(Tcf).max())
    tot = 0
    for k, v in fl.items():
        print(f'{k:14s} {v/1e6:8.2f} M MAC'); tot += v
    print(f'total          {tot/1e6:8.2f} M MAC = {2*tot/1e6:.1f} MFLOP')
    # baseline counts for comparison
    base_gram = (T * T * P * P // 2 + T * P * P // 2) * 72 // 1
    print('baseline core: gram', 1280 * 1281 // 2 * 72 / 1e6, 'contract', 4096 * 210 * 64 / 1e6)
