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
