/*
 * lie.c -- the stepper: linearly implicit Euler with extrapolation.
 *
 * For y' = f(x, y) with J = df/dy(x0, y0) and fx = df/dx(x0, y0), the
 * linearly implicit Euler method with n substeps of size H = h/n is
 *     (I - H J) D_i = H f(x0 + iH, y_i) + H^2 fx,   y_{i+1} = y_i + D_i,
 * which is the exact autonomization of the non-autonomous problem.  Its
 * global error has an expansion in powers of H, so Aitken-Neville
 * extrapolation over n_1 < ... < n_k gives T_kk of order k, and
 * T_kk - T_k,k-1 estimates the error of the order k-1 value: the error
 * control is conservative for T_kk, which is what is returned.
 *
 * A stability test in the spirit of Deuflhard's rejects the step when the
 * second substep's increment differs from the first by more than the
 * first's size (the linearization is not trustworthy at this H).
 */
#include "config.h"
#include "mpbias-impl.h"

/* The step-number sequence 1, 2, 3, 4, 6, 8, 12, 16, 24, ... of SEULEX
   (Hairer and Wanner): n_j = 2 n_(j-2) from j = 4 on.  Its geometric
   growth makes the finest substeps resolve the stiff components, which
   keeps the extrapolated values accurate on stiff forced problems
   (Prothero-Robinson type), where the harmonic sequence saturates at a
   large error floor.  j is 1-based. */
slong
_mpbias_lie_seq(slong j)
{
    if (j <= 3)
        return j;
    return (j % 2 == 0) ? (slong) 4 << ((j - 4) / 2) : (slong) 6 << ((j - 5) / 2);
}

void
mpbias_ode_lie_init(mpbias_ode_lie_t s, slong dim, slong kmax, mpfr_prec_t prec)
{
    s->dim = dim;
    s->kmax = kmax;
    s->prec = prec;
    s->J = _mpbias_mpfr_vec_init(dim * dim, prec);
    s->W = _mpbias_mpfr_vec_init(dim * dim, prec);
    s->W1 = _mpbias_mpfr_vec_init(dim * dim, prec);
    s->perm1 = flint_malloc((size_t) dim * sizeof(slong));
    s->fx = _mpbias_mpfr_vec_init(dim, prec);
    s->f0 = _mpbias_mpfr_vec_init(dim, prec);
    s->f = _mpbias_mpfr_vec_init(dim, prec);
    s->rhs = _mpbias_mpfr_vec_init(dim, prec);
    s->ycur = _mpbias_mpfr_vec_init(dim, prec);
    s->delta0 = _mpbias_mpfr_vec_init(dim, prec);
    s->rowA = _mpbias_mpfr_vec_init(dim * kmax, prec);
    s->rowB = _mpbias_mpfr_vec_init(dim * kmax, prec);
    s->perm = flint_malloc((size_t) dim * sizeof(slong));
    mpfr_init2(s->H, prec);
    mpfr_init2(s->H2, prec);
    mpfr_init2(s->t, prec);
    mpfr_init2(s->u, prec);
    mpfr_init2(s->errn, 64);
    s->errj = flint_malloc((size_t) (kmax + 1) * sizeof(double));
    s->k_used = 0;
    s->jac_valid = 0;
    s->nfev = s->njev = s->nlu = 0;
}

void
mpbias_ode_lie_clear(mpbias_ode_lie_t s)
{
    _mpbias_mpfr_vec_clear(s->J, s->dim * s->dim);
    _mpbias_mpfr_vec_clear(s->W, s->dim * s->dim);
    _mpbias_mpfr_vec_clear(s->W1, s->dim * s->dim);
    flint_free(s->perm1);
    _mpbias_mpfr_vec_clear(s->fx, s->dim);
    _mpbias_mpfr_vec_clear(s->f0, s->dim);
    _mpbias_mpfr_vec_clear(s->f, s->dim);
    _mpbias_mpfr_vec_clear(s->rhs, s->dim);
    _mpbias_mpfr_vec_clear(s->ycur, s->dim);
    _mpbias_mpfr_vec_clear(s->delta0, s->dim);
    _mpbias_mpfr_vec_clear(s->rowA, s->dim * s->kmax);
    _mpbias_mpfr_vec_clear(s->rowB, s->dim * s->kmax);
    flint_free(s->perm);
    mpfr_clear(s->H);
    mpfr_clear(s->H2);
    mpfr_clear(s->t);
    mpfr_clear(s->u);
    mpfr_clear(s->errn);
    flint_free(s->errj);
}

/* max_i |v_i| into out */
static void
vec_maxabs(mpfr_t out, const mpfr_t *v, slong n)
{
    slong i;
    mpfr_set_zero(out, 1);
    for (i = 0; i < n; i++)
        if (mpfr_cmpabs(v[i], out) > 0)
            mpfr_abs(out, v[i], MPFR_RNDU);
}

int
mpbias_ode_lie_step(mpbias_ode_lie_t s, const mpbias_ode_system *sys, const mpbias_ode_control_t c,
                    const mpfr_t x, const mpfr_t *y, const mpfr_t h, slong kmin, slong kmax,
                    mpfr_t *yout, mpfr_t *yerr)
{
    slong n = s->dim, j, i, l, a;
    mpfr_t *prev = s->rowA, *cur = s->rowB, *tmpp;
    int r;

    if (kmax < 2)
        kmax = 2;
    if (kmax > s->kmax)
        kmax = s->kmax;
    s->k_used = 0;
    if (!s->jac_valid)
    {
        r = sys->jac(s->J, s->fx, x, y, sys->params);
        s->njev++;
        if (r != MPBIAS_ODE_OK)
            return r;
        r = sys->f(s->f0, x, y, sys->params);
        s->nfev++;
        if (r != MPBIAS_ODE_OK)
            return r;
        s->jac_valid = 1;
    }

    for (j = 1; j <= kmax; j++)
    {
        /* W = I - H J, H = h / n_j */
        slong nj = _mpbias_lie_seq(j);
        mpfr_div_ui(s->H, h, (unsigned long) nj, MPFR_RNDN);
        mpfr_sqr(s->H2, s->H, MPFR_RNDN);
        for (i = 0; i < n * n; i++)
            mpfr_mul(s->W[i], s->J[i], s->H, MPFR_RNDN), mpfr_neg(s->W[i], s->W[i], MPFR_RNDN);
        for (i = 0; i < n; i++)
            mpfr_add_ui(s->W[i * n + i], s->W[i * n + i], 1, MPFR_RNDN);
        s->nlu++;
        if (_mpbias_lu_factor(s->W, s->perm, n, s->t))
            return MPBIAS_ODE_SINGULAR;
        if (j == 1)
        {
            for (i = 0; i < n * n; i++)
                mpfr_set(s->W1[i], s->W[i], MPFR_RNDN);
            for (i = 0; i < n; i++)
                s->perm1[i] = s->perm[i];
        }
        for (i = 0; i < n; i++)
            mpfr_set(s->ycur[i], y[i], MPFR_RNDN);
        for (a = 0; a < nj; a++)
        {
            const mpfr_t *fa = (const mpfr_t *) s->f0;
            if (a > 0)
            {
                mpfr_mul_ui(s->t, s->H, (unsigned long) a, MPFR_RNDN);
                mpfr_add(s->t, s->t, x, MPFR_RNDN);
                r = sys->f(s->f, s->t, (const mpfr_t *) s->ycur, sys->params);
                s->nfev++;
                if (r != MPBIAS_ODE_OK)
                    return r;
                fa = (const mpfr_t *) s->f;
            }
            for (i = 0; i < n; i++)
            {
                mpfr_mul(s->rhs[i], fa[i], s->H, MPFR_RNDN);
                mpfr_mul(s->t, s->fx[i], s->H2, MPFR_RNDN);
                mpfr_add(s->rhs[i], s->rhs[i], s->t, MPFR_RNDN);
            }
            _mpbias_lu_solve(s->rhs, (const mpfr_t *) s->W, s->perm, n, s->t);
            if (a == 0)
            {
                vec_maxabs(s->u, (const mpfr_t *) s->rhs, n);
                for (i = 0; i < n; i++)
                    mpfr_set(s->delta0[i], s->rhs[i], MPFR_RNDN);
            }
            else if (a == 1)
            {
                /* stability test: ||D_1 - D_0|| <= ||D_0||; a larger change
                   of the increment means the linearization is off */
                for (i = 0; i < n; i++)
                    mpfr_sub(s->delta0[i], s->rhs[i], s->delta0[i], MPFR_RNDN);
                vec_maxabs(s->t, (const mpfr_t *) s->delta0, n);
                if (mpfr_cmp(s->t, s->u) > 0)
                    return MPBIAS_ODE_UNSTABLE;
            }
            for (i = 0; i < n; i++)
                mpfr_add(s->ycur[i], s->ycur[i], s->rhs[i], MPFR_RNDN);
        }
        /* new extrapolation row: cur[0] = T_j1, cur[l] = T_j,l+1 */
        for (i = 0; i < n; i++)
            mpfr_set(cur[i], s->ycur[i], MPFR_RNDN);
        for (l = 1; l < j; l++)
        {
            /* T_j,l+1 = T_j,l + (T_j,l - T_j-1,l) / (n_j / n_j-l - 1) */
            slong nl = _mpbias_lie_seq(j - l);
            for (i = 0; i < n; i++)
            {
                mpfr_sub(s->t, cur[(l - 1) * n + i], prev[(l - 1) * n + i], MPFR_RNDN);
                mpfr_mul_ui(s->t, s->t, (unsigned long) nl, MPFR_RNDN);
                mpfr_div_ui(s->t, s->t, (unsigned long) (nj - nl), MPFR_RNDN);
                mpfr_add(cur[l * n + i], cur[(l - 1) * n + i], s->t, MPFR_RNDN);
            }
        }
        tmpp = prev;
        prev = cur;
        cur = tmpp;
        if (j >= 2)
        {
            /* estimate of column j: T_jj - T_j,j-1, filtered through
               (I - h J)^-1 (Shampine) so that stiff components, which the
               method damps, do not dominate it */
            for (i = 0; i < n; i++)
            {
                mpfr_set(yout[i], prev[(j - 1) * n + i], MPFR_RNDN);
                mpfr_sub(yerr[i], prev[(j - 1) * n + i], prev[(j - 2) * n + i], MPFR_RNDN);
            }
            _mpbias_lu_solve(yerr, (const mpfr_t *) s->W1, s->perm1, n, s->t);
            mpbias_ode_control_norm(s->errn, c, (const mpfr_t *) yerr, y, (const mpfr_t *) yout);
            s->errj[j] = mpfr_get_d(s->errn, MPFR_RNDU);
            if (mpfr_nan_p(s->errn))
                return MPBIAS_ODE_DOMAIN;
            s->k_used = j;
            /* converged: stop building the table (from column kmin on) */
            if (j >= kmin && s->errj[j] <= 1.0)
                break;
        }
    }
    return MPBIAS_ODE_OK;
}
