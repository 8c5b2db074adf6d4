/*
 * kron_mp.c -- the Radau iteration matrix I - h A x J block-diagonalized
 * as in kron.c, in MPFR: for the steps where double precision cannot
 * hold it (h |lambda| |J| beyond 2^30, or a Jacobian entry beyond
 * double's range: the late phase of a run to a huge margin, the plateau
 * of a small initialization), instead of the full (s n) x (s n) MPFR
 * factorization.
 *
 * With A = T Lambda T^-1 (kron.c's _mpbias_kron_eig, computed once at
 * prec + 2 s + 64 bits, since cond(T) grows like 2^(1.9 s), then rounded
 * to prec bits), W^-1 = (T x I) blockdiag((I - h lambda_k J)^-1)
 * (T^-1 x I): one real and floor(s/2) complex n x n factorizations
 * (complex arithmetic on pairs of MPFR numbers, partial pivoting), about
 * (s/2 + 1) 4 n^3 / 3 products instead of (s n)^3 / 3 (s = 24, n = 4:
 * 1.1e3 against 3e5).  The solve is as accurate as a dense LU at the
 * same precision up to the factor cond(T), which the extra bits cover.
 * Nothing is allocated after init.
 */
#include "config.h"
#include <math.h>
#include "mpbias-impl.h"

int
_mpbias_kron_mp_init(_mpbias_kron_mp_t K, slong s, slong n, const mpfr_t *A, mpfr_prec_t prec)
{
    slong i, j, m = 0, wp = prec + 2 * s + 64;
    acb_mat_t Tf, Tfi;
    acb_ptr E;
    K->s = s;
    K->n = n;
    K->prec = prec;
    K->wt = flint_malloc((size_t) s * sizeof(double));
    acb_mat_init(Tf, s, s);
    acb_mat_init(Tfi, s, s);
    E = _acb_vec_init(s);
    K->ok = (_mpbias_kron_eig(Tf, Tfi, E, K->wt, &m, A, s, wp) == 0);
    if (!K->ok)
        m = 0;
    K->m = m;
    K->Tr = _mpbias_mpfr_vec_init(s * m, prec);
    K->Ti = _mpbias_mpfr_vec_init(s * m, prec);
    K->Ur = _mpbias_mpfr_vec_init(m * s, prec);
    K->Ui = _mpbias_mpfr_vec_init(m * s, prec);
    K->lr = _mpbias_mpfr_vec_init(m, prec);
    K->li = _mpbias_mpfr_vec_init(m, prec);
    K->Br = _mpbias_mpfr_vec_init(m * n * n, prec);
    K->Bi = _mpbias_mpfr_vec_init(m * n * n, prec);
    K->Hr = _mpbias_mpfr_vec_init(m * n, prec);
    K->Hi = _mpbias_mpfr_vec_init(m * n, prec);
    K->perm = flint_malloc((size_t) (m * n + 1) * sizeof(slong));
    mpfr_inits2(prec, K->a, K->b, K->c, K->d, (mpfr_ptr) 0);
    for (j = 0; j < m && K->ok; j++)
    {
        arf_get_mpfr(K->lr[j], arb_midref(acb_realref(E + j)), MPFR_RNDN);
        arf_get_mpfr(K->li[j], arb_midref(acb_imagref(E + j)), MPFR_RNDN);
        if (mpfr_sgn(K->lr[j]) <= 0 || !mpfr_number_p(K->lr[j]) || !mpfr_number_p(K->li[j]))
            K->ok = 0;
        for (i = 0; i < s; i++)
        {
            arf_get_mpfr(K->Tr[i * m + j], arb_midref(acb_realref(acb_mat_entry(Tf, i, j))), MPFR_RNDN);
            arf_get_mpfr(K->Ti[i * m + j], arb_midref(acb_imagref(acb_mat_entry(Tf, i, j))), MPFR_RNDN);
            arf_get_mpfr(K->Ur[j * s + i], arb_midref(acb_realref(acb_mat_entry(Tfi, j, i))), MPFR_RNDN);
            arf_get_mpfr(K->Ui[j * s + i], arb_midref(acb_imagref(acb_mat_entry(Tfi, j, i))), MPFR_RNDN);
            if (!mpfr_number_p(K->Tr[i * m + j]) || !mpfr_number_p(K->Ti[i * m + j])
                || !mpfr_number_p(K->Ur[j * s + i]) || !mpfr_number_p(K->Ui[j * s + i]))
                K->ok = 0;
        }
    }
    acb_mat_clear(Tf);
    acb_mat_clear(Tfi);
    _acb_vec_clear(E, s);
    return !K->ok;
}

void
_mpbias_kron_mp_clear(_mpbias_kron_mp_t K)
{
    slong s = K->s, m = K->m, n = K->n;
    _mpbias_mpfr_vec_clear(K->Tr, s * m);
    _mpbias_mpfr_vec_clear(K->Ti, s * m);
    _mpbias_mpfr_vec_clear(K->Ur, m * s);
    _mpbias_mpfr_vec_clear(K->Ui, m * s);
    _mpbias_mpfr_vec_clear(K->lr, m);
    _mpbias_mpfr_vec_clear(K->li, m);
    _mpbias_mpfr_vec_clear(K->Br, m * n * n);
    _mpbias_mpfr_vec_clear(K->Bi, m * n * n);
    _mpbias_mpfr_vec_clear(K->Hr, m * n);
    _mpbias_mpfr_vec_clear(K->Hi, m * n);
    flint_free(K->perm);
    flint_free(K->wt);
    mpfr_clears(K->a, K->b, K->c, K->d, (mpfr_ptr) 0);
}

/* max(|re|, |im|) of a against b's: the pivot order (exact, no overflow) */
static int
cmax_greater(const mpfr_t ar, const mpfr_t ai, const mpfr_t br, const mpfr_t bi)
{
    mpfr_srcptr a = mpfr_cmpabs(ar, ai) >= 0 ? ar : ai;
    mpfr_srcptr b = mpfr_cmpabs(br, bi) >= 0 ? br : bi;
    return mpfr_cmpabs(a, b) > 0;
}

/* LU with partial pivoting of the complex n x n matrix (Br, Bi) in place;
   the multipliers below the diagonal, the reciprocals of the pivots on it
   (so that the solve only multiplies) */
static int
clu_factor_mp(_mpbias_kron_mp_t K, mpfr_t *Br, mpfr_t *Bi, slong *perm)
{
    slong n = K->n, i, j, k, p;
    mpfr_ptr a = K->a, b = K->b, c = K->c, d = K->d;
    for (k = 0; k < n; k++)
    {
        p = k;
        for (i = k + 1; i < n; i++)
            if (cmax_greater(Br[i * n + k], Bi[i * n + k], Br[p * n + k], Bi[p * n + k]))
                p = i;
        perm[k] = p;
        if (mpfr_zero_p(Br[p * n + k]) && mpfr_zero_p(Bi[p * n + k]))
            return 1;
        if (!mpfr_number_p(Br[p * n + k]) || !mpfr_number_p(Bi[p * n + k]))
            return 1;
        if (p != k)
            for (j = 0; j < n; j++)
            {
                mpfr_swap(Br[k * n + j], Br[p * n + j]);
                mpfr_swap(Bi[k * n + j], Bi[p * n + j]);
            }
        /* the pivot's reciprocal (c - d i) / (c^2 + d^2), in place */
        mpfr_fmma(a, Br[k * n + k], Br[k * n + k], Bi[k * n + k], Bi[k * n + k], MPFR_RNDN);
        if (!mpfr_regular_p(a))
            return 1;
        mpfr_div(Br[k * n + k], Br[k * n + k], a, MPFR_RNDN);
        mpfr_div(Bi[k * n + k], Bi[k * n + k], a, MPFR_RNDN);
        mpfr_neg(Bi[k * n + k], Bi[k * n + k], MPFR_RNDN);
        for (i = k + 1; i < n; i++)
        {
            mpfr_ptr lr = Br[i * n + k], li = Bi[i * n + k];
            if (mpfr_zero_p(lr) && mpfr_zero_p(li))
                continue;
            /* l = B_ik / B_kk */
            mpfr_fmms(c, lr, Br[k * n + k], li, Bi[k * n + k], MPFR_RNDN);
            mpfr_fmma(d, lr, Bi[k * n + k], li, Br[k * n + k], MPFR_RNDN);
            mpfr_swap(lr, c);
            mpfr_swap(li, d);
            for (j = k + 1; j < n; j++)
            {
                /* B_ij -= l B_kj */
                mpfr_fmms(a, lr, Br[k * n + j], li, Bi[k * n + j], MPFR_RNDN);
                mpfr_fmma(b, lr, Bi[k * n + j], li, Br[k * n + j], MPFR_RNDN);
                mpfr_sub(Br[i * n + j], Br[i * n + j], a, MPFR_RNDN);
                mpfr_sub(Bi[i * n + j], Bi[i * n + j], b, MPFR_RNDN);
            }
        }
    }
    return 0;
}

int
_mpbias_kron_mp_factor(_mpbias_kron_mp_t K, const mpfr_t h, const mpfr_t *J)
{
    slong m = K->m, n = K->n, nn = n * n, k, e;
    if (!K->ok)
        return 1;
    for (k = 0; k < m; k++)
    {
        mpfr_t *Br = K->Br + k * nn, *Bi = K->Bi + k * nn;
        /* B = I - h lambda_k J */
        mpfr_mul(K->c, h, K->lr[k], MPFR_RNDN);
        mpfr_mul(K->d, h, K->li[k], MPFR_RNDN);
        for (e = 0; e < nn; e++)
        {
            if (!mpfr_number_p(J[e]))
                return 1;
            mpfr_mul(Br[e], K->c, J[e], MPFR_RNDN);
            mpfr_neg(Br[e], Br[e], MPFR_RNDN);
            mpfr_mul(Bi[e], K->d, J[e], MPFR_RNDN);
            mpfr_neg(Bi[e], Bi[e], MPFR_RNDN);
            if (e % (n + 1) == 0)
                mpfr_add_ui(Br[e], Br[e], 1, MPFR_RNDN);
        }
        if (clu_factor_mp(K, Br, Bi, K->perm + k * n))
            return 1;
    }
    return 0;
}

/* solve one factored block for (hr, hi) in place */
static void
clu_solve_mp(_mpbias_kron_mp_t K, mpfr_t *hr, mpfr_t *hi, const mpfr_t *Br, const mpfr_t *Bi,
             const slong *perm)
{
    slong n = K->n, i, j;
    mpfr_ptr a = K->a, b = K->b;
    for (i = 0; i < n; i++)
        if (perm[i] != i)
        {
            mpfr_swap(hr[i], hr[perm[i]]);
            mpfr_swap(hi[i], hi[perm[i]]);
        }
    for (i = 1; i < n; i++)
        for (j = 0; j < i; j++)
        {
            mpfr_fmms(a, Br[i * n + j], hr[j], Bi[i * n + j], hi[j], MPFR_RNDN);
            mpfr_fmma(b, Br[i * n + j], hi[j], Bi[i * n + j], hr[j], MPFR_RNDN);
            mpfr_sub(hr[i], hr[i], a, MPFR_RNDN);
            mpfr_sub(hi[i], hi[i], b, MPFR_RNDN);
        }
    for (i = n - 1; i >= 0; i--)
    {
        for (j = i + 1; j < n; j++)
        {
            mpfr_fmms(a, Br[i * n + j], hr[j], Bi[i * n + j], hi[j], MPFR_RNDN);
            mpfr_fmma(b, Br[i * n + j], hi[j], Bi[i * n + j], hr[j], MPFR_RNDN);
            mpfr_sub(hr[i], hr[i], a, MPFR_RNDN);
            mpfr_sub(hi[i], hi[i], b, MPFR_RNDN);
        }
        /* times the pivot's reciprocal */
        mpfr_fmms(a, Br[i * n + i], hr[i], Bi[i * n + i], hi[i], MPFR_RNDN);
        mpfr_fmma(b, Br[i * n + i], hi[i], Bi[i * n + i], hr[i], MPFR_RNDN);
        mpfr_swap(hr[i], a);
        mpfr_swap(hi[i], b);
    }
}

void
_mpbias_kron_mp_solve(mpfr_t *g, _mpbias_kron_mp_t K)
{
    slong s = K->s, m = K->m, n = K->n, i, j, k, l;
    mpfr_ptr a = K->a;
    /* H_k = (T^-1 x I) g, representatives only */
    for (k = 0; k < m; k++)
        for (l = 0; l < n; l++)
        {
            mpfr_ptr hr = K->Hr[k * n + l], hi = K->Hi[k * n + l];
            mpfr_set_zero(hr, 1);
            mpfr_set_zero(hi, 1);
            for (j = 0; j < s; j++)
            {
                mpfr_mul(a, K->Ur[k * s + j], g[j * n + l], MPFR_RNDN);
                mpfr_add(hr, hr, a, MPFR_RNDN);
                mpfr_mul(a, K->Ui[k * s + j], g[j * n + l], MPFR_RNDN);
                mpfr_add(hi, hi, a, MPFR_RNDN);
            }
        }
    for (k = 0; k < m; k++)
        clu_solve_mp(K, K->Hr + k * n, K->Hi + k * n, (const mpfr_t *) (K->Br + k * n * n),
                     (const mpfr_t *) (K->Bi + k * n * n), K->perm + k * n);
    /* g = sum over representatives of wt_k Re(T_k H_k) */
    for (i = 0; i < s; i++)
        for (l = 0; l < n; l++)
        {
            mpfr_ptr gi = g[i * n + l];
            mpfr_set_zero(gi, 1);
            for (k = 0; k < m; k++)
            {
                mpfr_fmms(a, K->Tr[i * m + k], K->Hr[k * n + l], K->Ti[i * m + k], K->Hi[k * n + l],
                          MPFR_RNDN);
                if (K->wt[k] != 1.0)
                    mpfr_mul_2ui(a, a, 1, MPFR_RNDN);
                mpfr_add(gi, gi, a, MPFR_RNDN);
            }
        }
}
