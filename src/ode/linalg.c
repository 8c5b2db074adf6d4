/*
 * linalg.c -- dense LU factorization with partial pivoting in MPFR, for
 * the linear systems (I - H J) D = R of the implicit stepper.
 *
 * Error: backward stable like any partially pivoted LU (growth factor
 * times dim times 2^-prec); the systems here are small (dim = N + 1) and
 * well conditioned for the step sizes the error control accepts, and
 * their residual error enters the step's embedded error estimate.
 */
#include "config.h"
#include <math.h>
#include "mpbias-impl.h"

int
_mpbias_lu_factor(mpfr_t *A, slong *perm, slong n, mpfr_t tmp)
{
    slong i, j, k, p;
    for (k = 0; k < n; k++)
    {
        p = k;
        for (i = k + 1; i < n; i++)
            if (mpfr_cmpabs(A[i * n + k], A[p * n + k]) > 0)
                p = i;
        perm[k] = p;
        if (mpfr_zero_p(A[p * n + k]) || !mpfr_number_p(A[p * n + k]))
            return 1;
        if (p != k)
            for (j = 0; j < n; j++)
                mpfr_swap(A[k * n + j], A[p * n + j]);
        for (i = k + 1; i < n; i++)
        {
            if (mpfr_zero_p(A[i * n + k]))
                continue;
            mpfr_div(A[i * n + k], A[i * n + k], A[k * n + k], MPFR_RNDN);
            for (j = k + 1; j < n; j++)
            {
                mpfr_mul(tmp, A[i * n + k], A[k * n + j], MPFR_RNDN);
                mpfr_sub(A[i * n + j], A[i * n + j], tmp, MPFR_RNDN);
            }
        }
    }
    return 0;
}

void
_mpbias_lu_solve(mpfr_t *b, const mpfr_t *LU, const slong *perm, slong n, mpfr_t tmp)
{
    slong i, j;
    for (i = 0; i < n; i++)
        if (perm[i] != i)
            mpfr_swap(b[i], b[perm[i]]);
    for (i = 1; i < n; i++)
        for (j = 0; j < i; j++)
        {
            mpfr_mul(tmp, LU[i * n + j], b[j], MPFR_RNDN);
            mpfr_sub(b[i], b[i], tmp, MPFR_RNDN);
        }
    for (i = n - 1; i >= 0; i--)
    {
        for (j = i + 1; j < n; j++)
        {
            mpfr_mul(tmp, LU[i * n + j], b[j], MPFR_RNDN);
            mpfr_sub(b[i], b[i], tmp, MPFR_RNDN);
        }
        mpfr_div(b[i], b[i], LU[i * n + i], MPFR_RNDN);
    }
}

mpfr_t *
_mpbias_mpfr_vec_init(slong len, mpfr_prec_t prec)
{
    mpfr_t *v;
    slong i;
    if (len <= 0)
        len = 1;
    v = flint_malloc((size_t) len * sizeof(mpfr_t));
    for (i = 0; i < len; i++)
        mpfr_init2(v[i], prec);
    return v;
}

void
_mpbias_mpfr_vec_clear(mpfr_t *v, slong len)
{
    slong i;
    if (v == NULL)
        return;
    if (len <= 0)
        len = 1;
    for (i = 0; i < len; i++)
        mpfr_clear(v[i]);
    flint_free(v);
}

/* ---- approximate factorizations for Newton iterations ------------------ */

void
_mpbias_alu_init(_mpbias_alu_t L, slong n, mpfr_prec_t prec)
{
    L->n = n;
    L->in_double = 0;
    L->M = _mpbias_mpfr_vec_init(n * n, prec);
    L->Md = flint_malloc((size_t) (n > 0 ? n * n : 1) * sizeof(double));
    L->bd = flint_malloc((size_t) (n > 0 ? n : 1) * sizeof(double));
    L->perm = flint_malloc((size_t) (n > 0 ? n : 1) * sizeof(slong));
    mpfr_init2(L->tmp, prec);
}

void
_mpbias_alu_clear(_mpbias_alu_t L)
{
    _mpbias_mpfr_vec_clear(L->M, L->n * L->n);
    flint_free(L->Md);
    flint_free(L->bd);
    flint_free(L->perm);
    mpfr_clear(L->tmp);
}

static int
lu_factor_d(double *A, slong *perm, slong n)
{
    slong i, j, k, p;
    for (k = 0; k < n; k++)
    {
        p = k;
        for (i = k + 1; i < n; i++)
            if (fabs(A[i * n + k]) > fabs(A[p * n + k]))
                p = i;
        perm[k] = p;
        if (!(A[p * n + k] != 0.0) || !isfinite(A[p * n + k]))
            return 1;
        if (p != k)
            for (j = 0; j < n; j++)
            {
                double t = A[k * n + j];
                A[k * n + j] = A[p * n + j];
                A[p * n + j] = t;
            }
        for (i = k + 1; i < n; i++)
        {
            double l;
            if (A[i * n + k] == 0.0)
                continue;
            l = A[i * n + k] /= A[k * n + k];
            for (j = k + 1; j < n; j++)
                A[i * n + j] -= l * A[k * n + j];
        }
    }
    for (i = 0; i < n * n; i++)
        if (!isfinite(A[i]))
            return 1;
    return 0;
}

int
_mpbias_alu_factor(_mpbias_alu_t L, int force_mpfr)
{
    slong i, n = L->n;
    L->in_double = 0;
    if (!force_mpfr)
    {
        int ok = 1;
        for (i = 0; i < n * n && ok; i++)
        {
            double v = mpfr_get_d(L->M[i], MPFR_RNDN);
            /* entries far from 1 mean a condition number that would
               spoil the double factorization (I - h J with stiff J) */
            if (!isfinite(v) || fabs(v) > 0x1p30 || (v != 0.0 && fabs(v) < 0x1p-900))
                ok = 0;
            L->Md[i] = v;
        }
        if (ok && lu_factor_d(L->Md, L->perm, n) == 0)
        {
            L->in_double = 1;
            return 0;
        }
    }
    return _mpbias_lu_factor(L->M, L->perm, n, L->tmp);
}

void
_mpbias_alu_solve(mpfr_t *b, _mpbias_alu_t L)
{
    slong i, j, n = L->n;
    mpfr_exp_t emax = MPFR_EMIN_MIN;
    double *x = L->bd;
    if (!L->in_double)
    {
        _mpbias_lu_solve(b, (const mpfr_t *) L->M, L->perm, n, L->tmp);
        return;
    }
    /* b = 2^emax (x), |x| <= 1: solve in double, scale back */
    for (i = 0; i < n; i++)
        if (mpfr_regular_p(b[i]) && mpfr_get_exp(b[i]) > emax)
            emax = mpfr_get_exp(b[i]);
    if (emax == MPFR_EMIN_MIN)
        return;   /* b = 0 */
    for (i = 0; i < n; i++)
    {
        long e;
        double m = mpfr_get_d_2exp(&e, b[i], MPFR_RNDN);
        x[i] = ldexp(m, (int) ((mpfr_exp_t) e - emax < -2000 ? -2000 : (mpfr_exp_t) e - emax));
    }
    for (i = 0; i < n; i++)
        if (L->perm[i] != i)
        {
            double t = x[i];
            x[i] = x[L->perm[i]];
            x[L->perm[i]] = t;
        }
    for (i = 1; i < n; i++)
        for (j = 0; j < i; j++)
            x[i] -= L->Md[i * n + j] * x[j];
    for (i = n - 1; i >= 0; i--)
    {
        for (j = i + 1; j < n; j++)
            x[i] -= L->Md[i * n + j] * x[j];
        x[i] /= L->Md[i * n + i];
    }
    for (i = 0; i < n; i++)
    {
        mpfr_set_d(b[i], x[i], MPFR_RNDN);
        mpfr_mul_2si(b[i], b[i], (long) emax, MPFR_RNDN);
    }
}
