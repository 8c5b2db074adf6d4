/*
 * kron.c -- the Radau iteration matrix, block-diagonalized (Hairer and
 * Wanner, Solving ODEs II, IV.8; the structure of RADAU5 and RADAUP).
 *
 * The simplified Newton matrix of the s-stage Radau IIA method with one
 * Jacobian J is
 *     W = I - h A x J.
 * With A = T Lambda T^-1 (the eigendecomposition of A, computed once per
 * method and precision: it depends on nothing else),
 *     W^-1 = (T x I) blockdiag((I - h lambda_k J)^-1) (T^-1 x I).
 * A is real, so its eigenvalues are one real one (s odd) and s/2 pairs
 * lambda, conj(lambda) with conjugate eigenvectors; T is built so that
 * the columns of a pair are exact conjugates, then for a real right-hand
 * side the block of conj(lambda) gives the conjugate of the block of
 * lambda and is not solved: a solve costs one real-eigenvalue and
 * floor(s/2) complex n x n solves (stored and solved in complex
 * arithmetic, the real one included), and two s x s transforms.
 *
 * Everything is in double precision: the result is only the Newton
 * iteration's preconditioner, the residual being computed in MPFR (the
 * caller scales right-hand sides by a power of two).  The factorization
 * is refused (status 1) when an entry of h lambda_k J exceeds 2^30, where
 * the condition number would spoil double precision, and always when the
 * eigenvectors T of A are too ill-conditioned (cond(T) > 2^46: from about
 * s = 26 on, tests/t-radau.c), where the round trip through T and T^-1 in
 * double precision would spoil the solve.  Nothing is allocated after init.
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

static double complex
acb_get_dc(const acb_t z)
{
    return arf_get_d(arb_midref(acb_realref(z)), ARF_RND_NEAR)
           + I * arf_get_d(arb_midref(acb_imagref(z)), ARF_RND_NEAR);
}

/* The eigendecomposition of A (s x s, row-major): representatives (the
   real eigenvalue, and of each pair the one with positive imaginary
   part) into lam, wt (1 or 2), the columns of T and the rows of T^-1.
   Returns 0, or 1 when A is not diagonalizable to double accuracy in
   that form (then the caller does without). */
static int
kron_decompose(_mpbias_kron_t K, const mpfr_t *A)
{
    slong s = K->s, prec = 128, i, j, k, m = 0, np = 0, nn = 0;
    int ok;
    acb_mat_t M, Rm, Tf, Tfi;
    acb_ptr E;
    mag_t tol;
    slong *rep = flint_malloc((size_t) s * sizeof(slong));
    int *kind = flint_malloc((size_t) s * sizeof(int));

    acb_mat_init(M, s, s);
    acb_mat_init(Rm, s, s);
    acb_mat_init(Tf, s, s);
    acb_mat_init(Tfi, s, s);
    E = _acb_vec_init(s);
    mag_init(tol);
    for (i = 0; i < s; i++)
        for (j = 0; j < s; j++)
        {
            acb_zero(acb_mat_entry(M, i, j));
            arf_set_mpfr(arb_midref(acb_realref(acb_mat_entry(M, i, j))), A[i * s + j]);
        }
    mag_set_ui_2exp_si(tol, 1, -prec + 20);
    ok = acb_mat_approx_eig_qr(E, NULL, Rm, M, tol, 0, prec);
    /* classify: real (|Im| tiny), upper (Im > 0), lower */
    for (k = 0; k < s && ok; k++)
    {
        double complex l = acb_get_dc(E + k);
        if (fabs(cimag(l)) <= 1e-10 * cabs(l))
            kind[k] = 0;
        else if (cimag(l) > 0)
            kind[k] = 1, np++;
        else
            kind[k] = -1, nn++;
        if (kind[k] >= 0)
            rep[m++] = k;
    }
    if (ok && np != nn)
        ok = 0;
    if (ok)
    {
        /* Tf: the representatives' columns (a real eigenvector made real:
           scaled by its largest entry), then the conjugates of the upper
           ones' columns */
        slong c2 = m;
        for (j = 0; j < m; j++)
        {
            k = rep[j];
            if (kind[k] == 0)
            {
                acb_t piv;
                slong ip = 0;
                acb_init(piv);
                for (i = 1; i < s; i++)
                    if (cabs(acb_get_dc(acb_mat_entry(Rm, i, k)))
                        > cabs(acb_get_dc(acb_mat_entry(Rm, ip, k))))
                        ip = i;
                acb_set(piv, acb_mat_entry(Rm, ip, k));
                for (i = 0; i < s; i++)
                {
                    acb_div(acb_mat_entry(Tf, i, j), acb_mat_entry(Rm, i, k), piv, prec);
                    arb_zero(acb_imagref(acb_mat_entry(Tf, i, j)));
                    mag_zero(arb_radref(acb_realref(acb_mat_entry(Tf, i, j))));
                }
                acb_clear(piv);
            }
            else
            {
                for (i = 0; i < s; i++)
                {
                    acb_set(acb_mat_entry(Tf, i, j), acb_mat_entry(Rm, i, k));
                    acb_conj(acb_mat_entry(Tf, i, c2), acb_mat_entry(Rm, i, k));
                }
                c2++;
            }
        }
        ok = acb_mat_approx_inv(Tfi, Tf, prec);
    }
    if (ok)
    {
        K->m = m;
        for (j = 0; j < m; j++)
        {
            k = rep[j];
            KLAM[j] = acb_get_dc(E + k);
            if (kind[k] == 0)
                KLAM[j] = creal(KLAM[j]);
            K->wt[j] = kind[k] == 0 ? 1.0 : 2.0;
            for (i = 0; i < s; i++)
            {
                KT[i * m + j] = acb_get_dc(acb_mat_entry(Tf, i, j));
                KTI[j * s + i] = acb_get_dc(acb_mat_entry(Tfi, j, i));
                if (!isfinite(cabs(KT[i * m + j])) || !isfinite(cabs(KTI[j * s + i])))
                    ok = 0;
            }
            if (!(creal(KLAM[j]) > 0.0) || !isfinite(cabs(KLAM[j])))
                ok = 0;
        }
    }
    if (ok)
    {
        /* the solve's round trip through T and T^-1 in double precision has
           a relative error of about cond(T) 2^-53, and cond(T) grows like
           2^(1.9 s) for Radau IIA (2^44 at s = 24, 2^67 at s = 36, where the
           solve was off by 10^3): refuse beyond 2^46, where the
           preconditioner would stop contracting (tests/t-radau.c) */
        double tn = 0.0, tin = 0.0;
        for (i = 0; i < s; i++)
        {
            double t = 0.0;
            for (j = 0; j < m; j++)
                t += K->wt[j] * cabs(KT[i * m + j]);
            tn = t > tn ? t : tn;
        }
        for (j = 0; j < m; j++)
        {
            double t = 0.0;
            for (i = 0; i < s; i++)
                t += cabs(KTI[j * s + i]);
            tin = t > tin ? t : tin;
        }
        if (!(tn * tin <= 0x1p46))
            ok = 0;
    }
    acb_mat_clear(M);
    acb_mat_clear(Rm);
    acb_mat_clear(Tf);
    acb_mat_clear(Tfi);
    _acb_vec_clear(E, s);
    mag_clear(tol);
    flint_free(rep);
    flint_free(kind);
    return !ok;
}

int
_mpbias_kron_init(_mpbias_kron_t K, slong s, slong n, const mpfr_t *A)
{
    K->s = s;
    K->n = n;
    K->m = s;
    K->T = flint_malloc((size_t) (s * s) * sizeof(double complex));
    K->Ti = flint_malloc((size_t) (s * s) * sizeof(double complex));
    K->lam = flint_malloc((size_t) s * sizeof(double complex));
    K->wt = flint_malloc((size_t) s * sizeof(double));
    K->LU = flint_malloc((size_t) (s * n * n) * sizeof(double complex));
    K->perm = flint_malloc((size_t) (s * n) * sizeof(slong));
    K->H = flint_malloc((size_t) (s * n) * sizeof(double complex));
    K->ok = (kron_decompose(K, A) == 0);
    return !K->ok;
}

void
_mpbias_kron_clear(_mpbias_kron_t K)
{
    flint_free(K->T);
    flint_free(K->Ti);
    flint_free(K->lam);
    flint_free(K->wt);
    flint_free(K->LU);
    flint_free(K->perm);
    flint_free(K->H);
}

static int
clu_factor(double complex *A, slong *perm, slong n)
{
    slong i, j, k, p;
    for (k = 0; k < n; k++)
    {
        double best = cabs(A[k * n + k]);
        p = k;
        for (i = k + 1; i < n; i++)
        {
            double a = cabs(A[i * n + k]);
            if (a > best)
                p = i, best = a;
        }
        perm[k] = p;
        if (!(best > 0.0) || !isfinite(best))
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

int
_mpbias_kron_factor(_mpbias_kron_t K, double h, const double *J)
{
    slong m = K->m, n = K->n, i, k, l;
    double jmax = 0.0;

    if (!K->ok)
        return 1;
    for (i = 0; i < n * n; i++)
    {
        if (!isfinite(J[i]))
            return 1;
        if (fabs(J[i]) > jmax)
            jmax = fabs(J[i]);
    }
    /* blocks I - h lambda_k J */
    for (k = 0; k < m; k++)
    {
        double complex hl = h * KLAM[k];
        double complex *B = KLU + k * n * n;
        if (cabs(hl) * jmax > 0x1p30 || !isfinite(cabs(hl)))
            return 1;
        if (k == 0 || cabs(hl) * jmax > K->hjmax)
            K->hjmax = cabs(hl) * jmax;
        for (i = 0; i < n; i++)
            for (l = 0; l < n; l++)
                B[i * n + l] = (i == l ? 1.0 : 0.0) - hl * J[i * n + l];
        if (clu_factor(B, K->perm + k * n, n))
            return 1;
    }
    return 0;
}

void
_mpbias_kron_solve(double *g, _mpbias_kron_t K)
{
    slong s = K->s, m = K->m, n = K->n, i, j, k, l;
    /* H_k = (T^-1 x I) g, representatives only */
    for (k = 0; k < m; k++)
        for (l = 0; l < n; l++)
        {
            double complex acc = 0.0;
            for (j = 0; j < s; j++)
                acc += KTI[k * s + j] * g[j * n + l];
            KH[k * n + l] = acc;
        }
    for (k = 0; k < m; k++)
        clu_solve(KH + k * n, KLU + k * n * n, K->perm + k * n, n);
    /* g = (T x I) H = sum over representatives of wt_k Re(T_k H_k) (a pair
       is the representative plus its conjugate) */
    for (i = 0; i < s; i++)
        for (l = 0; l < n; l++)
        {
            double acc = 0.0;
            for (k = 0; k < m; k++)
                acc += K->wt[k] * creal(KT[i * m + k] * KH[k * n + l]);
            g[i * n + l] = acc;
        }
}
