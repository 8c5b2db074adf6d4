/*
 * kron.c -- the Radau iteration matrix of a large system, block-diagonalized.
 *
 * The simplified Newton matrix of the s-stage Radau method with one
 * Jacobian J and stage scales S = diag(sigma_j) is
 *     W = I - h (A S) x J.
 * With A S = T Lambda T^-1 (complex eigendecomposition, s x s),
 *     W^-1 = (T x I) blockdiag((I - h lambda_k J)^-1) (T^-1 x I),
 * so a solve costs s complex n x n solves and two s x s transforms instead
 * of one (s n) x (s n) factorization: O(s n^3) instead of O(s^3 n^3) per
 * step (Hairer and Wanner, Solving ODEs II, IV.8, where the pairing of
 * conjugate eigenvalues halves this again; not done here).
 *
 * Everything is in complex double precision: the result is only the
 * Newton iteration's preconditioner, the residual being computed in MPFR.
 * Right-hand sides are scaled by a power of two, so their size does not
 * matter; the factorization is refused (status 1) when an entry of
 * h lambda_k J exceeds 2^30, where the condition number would spoil
 * double precision, when the eigenvectors T are too ill-conditioned
 * (cond(T) > 2^46: s >= 26), or when the eigendecomposition fails.
 */
#include "config.h"
#include <complex.h>
#include <math.h>
#include "mpbias-impl.h"

#define KT ((double complex *) K->T)
#define KTI ((double complex *) K->Ti)
#define KLAM ((double complex *) K->lam)
#define KLU ((double complex *) K->LU)
#define KH ((double complex *) K->H)

void
_mpbias_kron_init(_mpbias_kron_t K, slong s, slong n)
{
    K->s = s;
    K->n = n;
    K->T = flint_malloc((size_t) (s * s) * sizeof(double complex));
    K->Ti = flint_malloc((size_t) (s * s) * sizeof(double complex));
    K->lam = flint_malloc((size_t) s * sizeof(double complex));
    K->LU = flint_malloc((size_t) (s * n * n) * sizeof(double complex));
    K->perm = flint_malloc((size_t) (s * n) * sizeof(slong));
    K->H = flint_malloc((size_t) (s * n) * sizeof(double complex));
    K->g = flint_malloc((size_t) (s * n) * sizeof(double));
    K->Jd = flint_malloc((size_t) (n * n) * sizeof(double));
}

void
_mpbias_kron_clear(_mpbias_kron_t K)
{
    flint_free(K->T);
    flint_free(K->Ti);
    flint_free(K->lam);
    flint_free(K->LU);
    flint_free(K->perm);
    flint_free(K->H);
    flint_free(K->g);
    flint_free(K->Jd);
}

static int
clu_factor(double complex *A, slong *perm, slong n)
{
    slong i, j, k, p;
    for (k = 0; k < n; k++)
    {
        p = k;
        for (i = k + 1; i < n; i++)
            if (cabs(A[i * n + k]) > cabs(A[p * n + k]))
                p = i;
        perm[k] = p;
        if (!(cabs(A[p * n + k]) > 0.0) || !isfinite(cabs(A[p * n + k])))
            return 1;
        if (p != k)
            for (j = 0; j < n; j++)
            {
                double complex t = A[k * n + j];
                A[k * n + j] = A[p * n + j];
                A[p * n + j] = t;
            }
        for (i = k + 1; i < n; i++)
        {
            double complex l;
            if (A[i * n + k] == 0.0)
                continue;
            l = A[i * n + k] /= A[k * n + k];
            for (j = k + 1; j < n; j++)
                A[i * n + j] -= l * A[k * n + j];
        }
    }
    return 0;
}

static void
clu_solve(double complex *b, const double complex *LU, const slong *perm, slong n)
{
    slong i, j;
    for (i = 0; i < n; i++)
        if (perm[i] != i)
        {
            double complex t = b[i];
            b[i] = b[perm[i]];
            b[perm[i]] = t;
        }
    for (i = 1; i < n; i++)
        for (j = 0; j < i; j++)
            b[i] -= LU[i * n + j] * b[j];
    for (i = n - 1; i >= 0; i--)
    {
        for (j = i + 1; j < n; j++)
            b[i] -= LU[i * n + j] * b[j];
        b[i] /= LU[i * n + i];
    }
}

static double complex
acb_get_dc(const acb_t z)
{
    return arf_get_d(arb_midref(acb_realref(z)), ARF_RND_NEAR)
           + I * arf_get_d(arb_midref(acb_imagref(z)), ARF_RND_NEAR);
}

int
_mpbias_kron_factor(_mpbias_kron_t K, const mpfr_t *A, const mpfr_t *sig, const mpfr_t h,
                    const mpfr_t *J)
{
    slong s = K->s, n = K->n, i, j, k, l, prec = 128;
    int ok;
    double hd = mpfr_get_d(h, MPFR_RNDN), jmax = 0.0;
    acb_mat_t M, Rm, Ri;
    acb_ptr E;
    mag_t tol;

    for (i = 0; i < n * n; i++)
    {
        K->Jd[i] = mpfr_get_d(J[i], MPFR_RNDN);
        if (!isfinite(K->Jd[i]))
            return 1;
        if (fabs(K->Jd[i]) > jmax)
            jmax = fabs(K->Jd[i]);
    }
    /* M = A S */
    acb_mat_init(M, s, s);
    acb_mat_init(Rm, s, s);
    acb_mat_init(Ri, s, s);
    E = _acb_vec_init(s);
    mag_init(tol);
    for (i = 0; i < s; i++)
        for (j = 0; j < s; j++)
        {
            arf_t a, b;
            arf_init(a);
            arf_init(b);
            arf_set_mpfr(a, A[i * s + j]);
            arf_set_mpfr(b, sig[j]);
            arf_mul(a, a, b, prec, ARF_RND_NEAR);
            acb_zero(acb_mat_entry(M, i, j));
            arf_set(arb_midref(acb_realref(acb_mat_entry(M, i, j))), a);
            arf_clear(a);
            arf_clear(b);
        }
    mag_set_ui_2exp_si(tol, 1, -prec + 20);
    ok = acb_mat_approx_eig_qr(E, NULL, Rm, M, tol, 0, prec) && acb_mat_approx_inv(Ri, Rm, prec);
    if (ok)
        for (i = 0; i < s; i++)
        {
            KLAM[i] = acb_get_dc(E + i);
            for (j = 0; j < s; j++)
            {
                KT[i * s + j] = acb_get_dc(acb_mat_entry(Rm, i, j));
                KTI[i * s + j] = acb_get_dc(acb_mat_entry(Ri, i, j));
            }
        }
    acb_mat_clear(M);
    acb_mat_clear(Rm);
    acb_mat_clear(Ri);
    _acb_vec_clear(E, s);
    mag_clear(tol);
    if (!ok)
        return 1;
    /* the solve's round trip through T and T^-1 in double precision has
       a relative error of about cond(T) 2^-53, and cond(T) grows like
       2^(1.9 s) for Radau IIA (2^44 at s = 24, 2^67 at s = 36, where the
       solve was off by 10^3 and every step's Newton iteration failed
       before the retry with the dense matrix): refuse beyond 2^46, where
       the preconditioner would stop contracting (tests/t-radau.c) */
    {
        double tn = 0.0, tin = 0.0;
        for (i = 0; i < s; i++)
        {
            double a = 0.0, b = 0.0;
            for (j = 0; j < s; j++)
            {
                a += cabs(KT[i * s + j]);
                b += cabs(KTI[i * s + j]);
            }
            tn = a > tn ? a : tn;
            tin = b > tin ? b : tin;
        }
        if (!(tn * tin <= 0x1p46))
            return 1;
    }
    /* blocks I - h lambda_k J */
    for (k = 0; k < s; k++)
    {
        double complex hl = hd * KLAM[k];
        double complex *B = KLU + k * n * n;
        if (cabs(hl) * jmax > 0x1p30 || !isfinite(cabs(hl)))
            return 1;
        for (i = 0; i < n; i++)
            for (l = 0; l < n; l++)
                B[i * n + l] = (i == l ? 1.0 : 0.0) - hl * K->Jd[i * n + l];
        if (clu_factor(B, K->perm + k * n, n))
            return 1;
    }
    return 0;
}

void
_mpbias_kron_solve(mpfr_t *G, _mpbias_kron_t K)
{
    slong s = K->s, n = K->n, i, j, k, l;
    mpfr_exp_t emax = MPFR_EMIN_MIN;
    for (i = 0; i < s * n; i++)
        if (mpfr_regular_p(G[i]) && mpfr_get_exp(G[i]) > emax)
            emax = mpfr_get_exp(G[i]);
    if (emax == MPFR_EMIN_MIN)
        return;   /* G = 0 */
    for (i = 0; i < s * n; i++)
    {
        long e;
        double m = mpfr_get_d_2exp(&e, G[i], MPFR_RNDN);
        mpfr_exp_t sh = (mpfr_exp_t) e - emax;
        K->g[i] = ldexp(m, (int) (sh < -2000 ? -2000 : sh));
    }
    /* H = (T^-1 x I) g */
    for (k = 0; k < s; k++)
        for (l = 0; l < n; l++)
        {
            double complex acc = 0.0;
            for (j = 0; j < s; j++)
                acc += KTI[k * s + j] * K->g[j * n + l];
            KH[k * n + l] = acc;
        }
    for (k = 0; k < s; k++)
        clu_solve(KH + k * n, KLU + k * n * n, K->perm + k * n, n);
    /* G = Re((T x I) H), scaled back */
    for (i = 0; i < s; i++)
        for (l = 0; l < n; l++)
        {
            double complex acc = 0.0;
            for (k = 0; k < s; k++)
                acc += KT[i * s + k] * KH[k * n + l];
            mpfr_set_d(G[i * n + l], creal(acc), MPFR_RNDN);
            mpfr_mul_2si(G[i * n + l], G[i * n + l], (long) emax, MPFR_RNDN);
        }
}
