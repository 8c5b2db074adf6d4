/*
 * expand.c -- the far trajectory from its slow manifold (doc/asymptotics.md
 * section 8): beyond a loss EPS0 reached by the flow, wbar and the margin
 * at any smaller loss EPS1 from the reduced algebraic system
 *
 *     Z_A w(Z^T nu) = gamma 1 + delta_A,   delta_n = log(max_k u_k / u_n),
 *     u = J^-1 (1 + delta_A'),  J = Z_A diag(w'(s)) Z_A^T,  s = Z^T nu,
 *     gamma = log(1/eps) + log sum_n exp(-(m_n - gamma)),
 *
 * in the multipliers nu_A of the support samples A (those whose nu keeps
 * growing), the other multipliers frozen at their values at EPS0, w(s) the
 * closed forms of math.md section 3.  This is exact along the flow except
 * for the frozen multipliers (their remaining growth is bounded) and for
 * delta_A' = d delta_A / d gamma, estimated by a difference in gamma; the
 * correction's size is the error estimate of the omitted terms, calibrated
 * on the trajectory's own checkpoints (the overlap).
 */
#include "config.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "mpbias-impl.h"

/* the solver's workspace */
typedef struct
{
    slong n, d, na;
    int D;
    mpfr_prec_t prec;
    const slong *A;             /* na support samples                     */
    mpfr_t *zq;                 /* n x d                                  */
    mpfr_t alpha, alphaD, c, e; /* alpha, alpha^D; D >= 3: D(D-2) alpha^(D-2), D/(D-2) */
    mpfr_t *s, *w, *wp;         /* d                                      */
    mpfr_t *m;                  /* n margins                              */
    mpfr_t *J, *LU;             /* na x na                                */
    slong *perm;
    mpfr_t *u, *r, *dnu, *nu_try;
    mpfr_t t, t2, tmp;
} xws;

static void
xws_init(xws *x, const mpbias_expand_struct *ex, mpfr_prec_t prec)
{
    slong na = ex->nsup, n = ex->n, d = ex->d, i, k;
    x->n = n;
    x->d = d;
    x->na = na;
    x->D = ex->depth;
    x->prec = prec;
    x->A = ex->support_list;
    x->zq = _mpbias_mpfr_vec_init(n * d, prec);
    for (i = 0; i < n * d; i++)
        mpfr_set(x->zq[i], ex->zq[i], MPFR_RNDN);
    mpfr_inits2(prec, x->alpha, x->alphaD, x->c, x->e, x->t, x->t2, x->tmp, (mpfr_ptr) 0);
    fmpq_get_mpfr(x->alpha, ex->alpha, MPFR_RNDN);
    mpfr_pow_ui(x->alphaD, x->alpha, (unsigned long) x->D, MPFR_RNDN);
    if (x->D >= 3)
    {
        mpfr_pow_ui(x->c, x->alpha, (unsigned long) (x->D - 2), MPFR_RNDN);
        mpfr_mul_ui(x->c, x->c, (unsigned long) (x->D * (x->D - 2)), MPFR_RNDN);
        mpfr_set_ui(x->e, (unsigned long) x->D, MPFR_RNDN);
        mpfr_div_ui(x->e, x->e, (unsigned long) (x->D - 2), MPFR_RNDN);
    }
    x->s = _mpbias_mpfr_vec_init(d, prec);
    x->w = _mpbias_mpfr_vec_init(d, prec);
    x->wp = _mpbias_mpfr_vec_init(d, prec);
    x->m = _mpbias_mpfr_vec_init(n, prec);
    x->J = _mpbias_mpfr_vec_init(na * na, prec);
    x->LU = _mpbias_mpfr_vec_init(na * na, prec);
    x->perm = malloc((size_t) (na > 0 ? na : 1) * sizeof(slong));
    x->u = _mpbias_mpfr_vec_init(na, prec);
    x->r = _mpbias_mpfr_vec_init(na, prec);
    x->dnu = _mpbias_mpfr_vec_init(na, prec);
    x->nu_try = _mpbias_mpfr_vec_init(n, prec);
    for (k = 0; k < na; k++)
        x->perm[k] = k;
}

static void
xws_clear(xws *x)
{
    _mpbias_mpfr_vec_clear(x->zq, x->n * x->d);
    mpfr_clears(x->alpha, x->alphaD, x->c, x->e, x->t, x->t2, x->tmp, (mpfr_ptr) 0);
    _mpbias_mpfr_vec_clear(x->s, x->d);
    _mpbias_mpfr_vec_clear(x->w, x->d);
    _mpbias_mpfr_vec_clear(x->wp, x->d);
    _mpbias_mpfr_vec_clear(x->m, x->n);
    _mpbias_mpfr_vec_clear(x->J, x->na * x->na);
    _mpbias_mpfr_vec_clear(x->LU, x->na * x->na);
    free(x->perm);
    _mpbias_mpfr_vec_clear(x->u, x->na);
    _mpbias_mpfr_vec_clear(x->r, x->na);
    _mpbias_mpfr_vec_clear(x->dnu, x->na);
    _mpbias_mpfr_vec_clear(x->nu_try, x->n);
}

/* w_i = w(s_i) and w'(s_i) (math.md section 3, scalar alpha): D = 1: 2 s, 2;
   D = 2: 2 alpha^2 sinh(4 s), 8 alpha^2 cosh(4 s); D >= 3: with y = c s,
   alpha^D ((1-y)^-e - (1+y)^-e), alpha^D c e ((1-y)^(-e-1) + (1+y)^(-e-1)).
   0 outside the domain |y| < 1. */
static int
w_deriv(xws *x, slong i)
{
    if (x->D == 1)
    {
        mpfr_mul_2ui(x->w[i], x->s[i], 1, MPFR_RNDN);
        mpfr_set_ui(x->wp[i], 2, MPFR_RNDN);
        return 1;
    }
    if (x->D == 2)
    {
        mpfr_mul_2ui(x->t, x->s[i], 2, MPFR_RNDN);
        mpfr_sinh_cosh(x->w[i], x->wp[i], x->t, MPFR_RNDN);
        mpfr_mul(x->t, x->alpha, x->alpha, MPFR_RNDN);
        mpfr_mul(x->w[i], x->w[i], x->t, MPFR_RNDN);
        mpfr_mul_2ui(x->w[i], x->w[i], 1, MPFR_RNDN);
        mpfr_mul(x->wp[i], x->wp[i], x->t, MPFR_RNDN);
        mpfr_mul_2ui(x->wp[i], x->wp[i], 3, MPFR_RNDN);
        return 1;
    }
    mpfr_mul(x->tmp, x->c, x->s[i], MPFR_RNDN);
    mpfr_ui_sub(x->t, 1, x->tmp, MPFR_RNDN);
    mpfr_add_ui(x->t2, x->tmp, 1, MPFR_RNDN);
    if (mpfr_sgn(x->t) <= 0 || mpfr_sgn(x->t2) <= 0)
        return 0;
    /* t = (1-y)^-e, t2 = (1+y)^-e; w' uses t/(1-y), t2/(1+y) */
    mpfr_neg(x->tmp, x->e, MPFR_RNDN);
    mpfr_pow(x->w[i], x->t, x->tmp, MPFR_RNDN);
    mpfr_pow(x->wp[i], x->t2, x->tmp, MPFR_RNDN);
    mpfr_div(x->t, x->w[i], x->t, MPFR_RNDN);
    mpfr_div(x->t2, x->wp[i], x->t2, MPFR_RNDN);
    mpfr_sub(x->w[i], x->w[i], x->wp[i], MPFR_RNDN);
    mpfr_mul(x->w[i], x->w[i], x->alphaD, MPFR_RNDN);
    mpfr_add(x->wp[i], x->t, x->t2, MPFR_RNDN);
    mpfr_mul(x->wp[i], x->wp[i], x->alphaD, MPFR_RNDN);
    mpfr_mul(x->wp[i], x->wp[i], x->c, MPFR_RNDN);
    mpfr_mul(x->wp[i], x->wp[i], x->e, MPFR_RNDN);
    return 1;
}

/* s = Z^T nu, w, w', the margins m = Z w and J = Z_A diag(w') Z_A^T;
   0 outside the domain */
static int
xws_eval(xws *x, mpfr_t *const nu)
{
    slong i, k, j, n = x->n, d = x->d, na = x->na;
    for (i = 0; i < d; i++)
    {
        mpfr_set_zero(x->s[i], 1);
        for (k = 0; k < n; k++)
            if (!mpfr_zero_p(x->zq[k * d + i]))
                mpfr_fma(x->s[i], x->zq[k * d + i], nu[k], x->s[i], MPFR_RNDN);
        if (!w_deriv(x, i))
            return 0;
    }
    for (k = 0; k < n; k++)
    {
        mpfr_set_zero(x->m[k], 1);
        for (i = 0; i < d; i++)
            if (!mpfr_zero_p(x->zq[k * d + i]))
                mpfr_fma(x->m[k], x->zq[k * d + i], x->w[i], x->m[k], MPFR_RNDN);
    }
    for (k = 0; k < na; k++)
        for (j = 0; j < na; j++)
        {
            mpfr_ptr Jkj = x->J[k * na + j];
            mpfr_set_zero(Jkj, 1);
            for (i = 0; i < d; i++)
            {
                if (mpfr_zero_p(x->zq[x->A[k] * d + i]) || mpfr_zero_p(x->zq[x->A[j] * d + i]))
                    continue;
                mpfr_mul(x->t, x->zq[x->A[k] * d + i], x->zq[x->A[j] * d + i], MPFR_RNDN);
                mpfr_fma(Jkj, x->t, x->wp[i], Jkj, MPFR_RNDN);
            }
        }
    return 1;
}

/* factor J into LU; 0 if singular */
static int
xws_factor(xws *x)
{
    slong i;
    for (i = 0; i < x->na * x->na; i++)
        mpfr_set(x->LU[i], x->J[i], MPFR_RNDN);
    return _mpbias_lu_factor(x->LU, x->perm, x->na, x->tmp) == 0;
}

/* From the current evaluation: u = J^-1 (1 + dp), delta_A (na), and gamma
   from log(1/eps) = lam (the non-support samples through their margins
   relative to the current gamma).  0 when some u_k <= 0 (*bad = k). */
static int
xws_delta(xws *x, mpfr_t *delta, mpfr_t gamma, const mpfr_t lam, mpfr_t *const dp, slong *bad)
{
    slong k, na = x->na, n = x->n;
    mpfr_t umax, sum;
    int ok = 1;
    mpfr_inits2(x->prec, umax, sum, (mpfr_ptr) 0);
    for (k = 0; k < na; k++)
    {
        mpfr_set_ui(x->u[k], 1, MPFR_RNDN);
        if (dp != NULL)
            mpfr_add(x->u[k], x->u[k], dp[k], MPFR_RNDN);
    }
    _mpbias_lu_solve(x->u, (const mpfr_t *) x->LU, x->perm, na, x->tmp);
    mpfr_set_zero(umax, 1);
    for (k = 0; k < na; k++)
    {
        if (mpfr_sgn(x->u[k]) <= 0 || !mpfr_number_p(x->u[k]))
        {
            *bad = k;
            ok = 0;
            break;
        }
        if (mpfr_cmp(x->u[k], umax) > 0)
            mpfr_set(umax, x->u[k], MPFR_RNDN);
    }
    if (ok)
    {
        /* gamma_old: the smallest m_A - delta_A would need delta; use the
           support margins' minimum as the current gamma */
        mpfr_set_zero(sum, 1);
        for (k = 0; k < na; k++)
        {
            mpfr_div(delta[k], umax, x->u[k], MPFR_RNDN);
            mpfr_log(delta[k], delta[k], MPFR_RNDN);
            mpfr_neg(x->t, delta[k], MPFR_RNDN);
            mpfr_exp(x->t, x->t, MPFR_RNDN);
            mpfr_add(sum, sum, x->t, MPFR_RNDN);
        }
        mpfr_set(x->t2, x->m[x->A[0]], MPFR_RNDN);
        mpfr_sub(x->t2, x->t2, delta[0], MPFR_RNDN);
        for (k = 0; k < n; k++)
        {
            slong j;
            int sup = 0;
            for (j = 0; j < na; j++)
                sup |= x->A[j] == k;
            if (sup)
                continue;
            mpfr_sub(x->t, x->m[k], x->t2, MPFR_RNDN);
            mpfr_neg(x->t, x->t, MPFR_RNDN);
            mpfr_exp(x->t, x->t, MPFR_RNDN);
            mpfr_add(sum, sum, x->t, MPFR_RNDN);
        }
        mpfr_log(sum, sum, MPFR_RNDN);
        mpfr_add(gamma, lam, sum, MPFR_RNDN);
    }
    mpfr_clears(umax, sum, (mpfr_ptr) 0);
    return ok;
}

/* The residual at nu: evaluate, factor J, delta and gamma, and
   R_k = m_A[k] - gamma - delta_k into R (na), res = max_k |R_k| / gamma;
   0 outside the domain, with a singular J or with some u_k <= 0 */
static int
xws_resid(xws *x, mpfr_t *R, mpfr_t res, mpfr_t *const nu, mpfr_t *delta, mpfr_t gamma,
          const mpfr_t lam, mpfr_t *const dp, slong *bad)
{
    slong k;
    if (!xws_eval(x, nu) || !xws_factor(x) || !xws_delta(x, delta, gamma, lam, dp, bad))
        return 0;
    mpfr_set_zero(res, 1);
    for (k = 0; k < x->na; k++)
    {
        mpfr_sub(R[k], x->m[x->A[k]], gamma, MPFR_RNDN);
        mpfr_sub(R[k], R[k], delta[k], MPFR_RNDN);
        mpfr_div(x->t, R[k], gamma, MPFR_RNDN);
        mpfr_abs(x->t, x->t, MPFR_RNDN);
        if (mpfr_cmp(x->t, res) > 0)
            mpfr_set(res, x->t, MPFR_RNDN);
    }
    return 1;
}

/* the Jacobian of the residual in nu_A by differences of step
   2^-(prec/2) (1 + |nu_j|), into JR (na x na, column j), factored into
   JR itself; 0 on failure.  Leaves x evaluated elsewhere: the caller
   re-evaluates. */
static int
xws_jac(xws *x, mpfr_t *JR, slong *perm, mpfr_t *const nu, mpfr_t *const R0, const mpfr_t lam,
        mpfr_t *const dp)
{
    slong j, k, na = x->na, bad;
    mpfr_t h, res, g;
    mpfr_t *Rj = _mpbias_mpfr_vec_init(na, x->prec), *dl = _mpbias_mpfr_vec_init(na, x->prec);
    int ok = 1;
    mpfr_inits2(x->prec, h, res, g, (mpfr_ptr) 0);
    for (j = 0; j < na && ok; j++)
    {
        for (k = 0; k < x->n; k++)
            mpfr_set(x->nu_try[k], nu[k], MPFR_RNDN);
        mpfr_abs(h, nu[x->A[j]], MPFR_RNDN);
        mpfr_add_ui(h, h, 1, MPFR_RNDN);
        mpfr_mul_2si(h, h, -(long) (x->prec / 2), MPFR_RNDN);
        mpfr_add(x->nu_try[x->A[j]], nu[x->A[j]], h, MPFR_RNDN);
        if (!xws_resid(x, Rj, res, x->nu_try, dl, g, lam, dp, &bad))
        {
            mpfr_neg(h, h, MPFR_RNDN);
            mpfr_add(x->nu_try[x->A[j]], nu[x->A[j]], h, MPFR_RNDN);
            ok = xws_resid(x, Rj, res, x->nu_try, dl, g, lam, dp, &bad);
        }
        for (k = 0; k < na && ok; k++)
        {
            mpfr_sub(JR[k * na + j], Rj[k], R0[k], MPFR_RNDN);
            mpfr_div(JR[k * na + j], JR[k * na + j], h, MPFR_RNDN);
        }
    }
    if (ok)
        ok = _mpbias_lu_factor(JR, perm, na, x->tmp) == 0;
    mpfr_clears(h, res, g, (mpfr_ptr) 0);
    _mpbias_mpfr_vec_clear(Rj, na);
    _mpbias_mpfr_vec_clear(dl, na);
    return ok;
}

/* Solve the reduced system at log(1/eps) = lam from the starting point nu
   (n entries; only the support entries move): Newton on nu_A for
   m_A = gamma + delta_A with gamma and delta_A functions of nu (their
   derivatives by differences), damped (halving) when a step leaves the
   domain or does not reduce the residual.  On success nu, gamma and delta
   (na) hold the solution and x is evaluated there; returns 1, 0 on failure
   (*bad = the support index whose u_k <= 0, or -1). */
static int
xws_solve(xws *x, mpfr_t *nu, mpfr_t gamma, mpfr_t *delta, const mpfr_t lam, mpfr_t *const dp,
          slong *bad)
{
    slong it, k, h, na = x->na;
    mpfr_t res, res2, tol, lt, stall;
    mpfr_t *JR = _mpbias_mpfr_vec_init(na * na, x->prec), *R2 = _mpbias_mpfr_vec_init(na, x->prec);
    slong *perm = malloc((size_t) (na > 0 ? na : 1) * sizeof(slong));
    int ok = 0;
    *bad = -1;
    mpfr_inits2(x->prec, res, res2, tol, lt, stall, (mpfr_ptr) 0);
    mpfr_set_ui_2exp(tol, 1, -(mpfr_exp_t) x->prec + 24, MPFR_RNDN);
    mpfr_set_ui_2exp(stall, 1, -(mpfr_exp_t) x->prec / 2, MPFR_RNDN);
    if (perm == NULL || !xws_resid(x, x->r, res, nu, delta, gamma, lam, dp, bad))
        goto done;
    for (it = 0; it < 100; it++)
    {
        if (mpfr_cmp(res, tol) <= 0)
        {
            ok = 1;
            break;
        }
        if (!xws_jac(x, JR, perm, nu, x->r, lam, dp))
            goto done;
        for (k = 0; k < na; k++)
            mpfr_neg(x->dnu[k], x->r[k], MPFR_RNDN);
        _mpbias_lu_solve(x->dnu, (const mpfr_t *) JR, perm, na, x->tmp);
        mpfr_set_ui(lt, 1, MPFR_RNDN);
        for (h = 0; h < 60; h++, mpfr_div_2ui(lt, lt, 1, MPFR_RNDN))
        {
            for (k = 0; k < x->n; k++)
                mpfr_set(x->nu_try[k], nu[k], MPFR_RNDN);
            for (k = 0; k < na; k++)
                mpfr_fma(x->nu_try[x->A[k]], lt, x->dnu[k], nu[x->A[k]], MPFR_RNDN);
            if (xws_resid(x, R2, res2, x->nu_try, delta, gamma, lam, dp, bad)
                && mpfr_cmp(res2, res) < 0)
                break;
        }
        *bad = -1;
        /* no progress at a residual below 2^-(prec/2): the rounding
           floor (depth >= 3 loses log2(1/(1 - c s)) bits in w), converged */
        if (h == 60)
        {
            ok = mpfr_cmp(res, stall) <= 0
                 && xws_resid(x, x->r, res, nu, delta, gamma, lam, dp, bad);
            break;
        }
        for (k = 0; k < na; k++)
        {
            mpfr_set(nu[x->A[k]], x->nu_try[x->A[k]], MPFR_RNDN);
            mpfr_set(x->r[k], R2[k], MPFR_RNDN);
        }
        /* little progress (less than a factor 4) below 2^-(prec/2): the
           same rounding floor, converged */
        mpfr_div_2ui(res, res, 2, MPFR_RNDN);
        if (mpfr_cmp(res2, stall) <= 0 && mpfr_cmp(res2, res) > 0)
            ok = 1;
        mpfr_set(res, res2, MPFR_RNDN);
        if (ok)
            break;
    }
done:
    mpfr_clears(res, res2, tol, lt, stall, (mpfr_ptr) 0);
    _mpbias_mpfr_vec_clear(JR, na * na);
    _mpbias_mpfr_vec_clear(R2, na);
    free(perm);
    return ok;
}

/* ---- the fit: support set and frozen multipliers at one row ---------- */

/* log(1/eps) of the summed loss at a row (the row's loss is the mean loss
   when the model's is) */
static void
row_lam(mpfr_t lam, const mpbias_expand_struct *ex, const mpbias_flow_row *row)
{
    mpfr_t t;
    mpfr_init2(t, mpfr_get_prec(lam));
    mpfr_set_ui(t, 10, MPFR_RNDN);
    mpfr_log(t, t, MPFR_RNDN);
    mpfr_mul(lam, t, row->log10_loss, MPFR_RNDN);
    mpfr_neg(lam, lam, MPFR_RNDN);
    if (ex->mean)
    {
        mpfr_set_si(t, (long) ex->n, MPFR_RNDN);
        mpfr_log(t, t, MPFR_RNDN);
        mpfr_sub(lam, lam, t, MPFR_RNDN);
    }
    mpfr_clear(t);
}

/* the working precision of a solve at log(1/eps) = lam: the anchor's
   precision, 64 guard bits and twice log2(lam) (the depth >= 3 support
   coordinates sit at 1 - c s of order lam^(-(D-2)/D)) */
static mpfr_prec_t
work_prec(const mpbias_expand_struct *ex, const mpfr_t lam)
{
    double l = mpfr_get_d(lam, MPFR_RNDU);
    return ex->prec + 64 + (mpfr_prec_t) (2.0 * log2(l > 2.0 ? l : 2.0));
}

static void
anchor_release(mpbias_expand_struct *ex)
{
    if (ex->have_anchor)
    {
        mpbias_flow_row_clear(&ex->anchor);
        _mpbias_mpfr_vec_clear(ex->delta0, ex->n);
        mpfr_clear(ex->lam0);
    }
    ex->have_anchor = 0;
    free(ex->support);
    free(ex->support_list);
    ex->support = NULL;
    ex->support_list = NULL;
    ex->nsup = 0;
}

static void
support_list_set(mpbias_expand_struct *ex)
{
    slong k;
    ex->nsup = 0;
    for (k = 0; k < ex->n; k++)
        if (ex->support[k])
            ex->support_list[ex->nsup++] = k;
}

/* The gap beyond which a sample counts as off the support at the anchor:
   its multiplier is frozen, its remaining growth bounded by
   exp(-gap) times the support's (the error estimate includes it). */
#define EXPAND_GAP 50.0

static void row_diff(mpfr_t out, mpfr_t *const wa, const mpfr_t ga, mpfr_t *const wb,
                     const mpfr_t gb, slong d, mpfr_t t);
static mpbias_status predict_core(const mpbias_expand_struct *ex, const mpfr_t lam1, mpfr_t *wbar,
                                  mpfr_t gamma, mpfr_t *nu, mpfr_t est, mpfr_t err_in,
                                  slong *bad, mpbias_err_t err);

/* Anchor ex at row: delta0_n = m_n - gamma there, the support A = the
   samples with delta0_n < EXPAND_GAP, then a solve at the row's own loss;
   a support sample whose u_k <= 0 there (its multiplier is not growing
   with the others) leaves A and the solve is repeated. */
static mpbias_status
anchor_set(mpbias_expand_struct *ex, const mpbias_flow_row *row, mpbias_err_t err)
{
    slong k, i, n = ex->n, d = ex->d, bad;
    mpfr_prec_t p = ex->prec;
    mpbias_status st = MPBIAS_OK;
    mpfr_t t;
    anchor_release(ex);
    mpbias_flow_row_init(&ex->anchor, n, d, p);
    mpbias_flow_row_set(&ex->anchor, row);
    ex->delta0 = _mpbias_mpfr_vec_init(n, p);
    mpfr_init2(ex->lam0, p);
    ex->have_anchor = 1;
    row_lam(ex->lam0, ex, row);
    ex->support = calloc((size_t) n, sizeof(int));
    ex->support_list = malloc((size_t) n * sizeof(slong));
    if (ex->support == NULL || ex->support_list == NULL)
        return _mpbias_err_set(err, MPBIAS_ERR_NOMEM, NULL, 0, 0, "out of memory");
    mpfr_init2(t, p);
    for (k = 0; k < n; k++)
    {
        mpfr_set_zero(ex->delta0[k], 1);
        for (i = 0; i < d; i++)
            mpfr_fma(ex->delta0[k], ex->zq[k * d + i], row->wbar[i], ex->delta0[k], MPFR_RNDN);
        mpfr_sub_ui(t, ex->delta0[k], 1, MPFR_RNDN);
        mpfr_mul(ex->delta0[k], t, row->margin, MPFR_RNDN);
        ex->support[k] = mpfr_cmp_d(ex->delta0[k], EXPAND_GAP) < 0;
    }
    mpfr_clear(t);
    support_list_set(ex);
    while (ex->nsup > 0)
    {
        mpfr_t *w = _mpbias_mpfr_vec_init(d, p), *nu = _mpbias_mpfr_vec_init(n, p);
        mpfr_t g, e1, e2;
        mpfr_inits2(p, g, e1, e2, (mpfr_ptr) 0);
        st = predict_core(ex, ex->lam0, w, g, nu, e1, e2, &bad, err);
        if (st == MPBIAS_OK)
        {
            /* the nowcast: the slow solution against the row itself */
            mpfr_t tt;
            mpfr_init2(tt, p);
            mpfr_set(e2, row->margin, MPFR_RNDN);
            row_diff(e1, row->wbar, e2, w, g, d, tt);
            ex->nowcast = mpfr_get_d(e1, MPFR_RNDU);
            mpfr_clear(tt);
        }
        mpfr_clears(g, e1, e2, (mpfr_ptr) 0);
        _mpbias_mpfr_vec_clear(w, d);
        _mpbias_mpfr_vec_clear(nu, n);
        if (st == MPBIAS_OK || bad < 0)
            break;
        ex->support[ex->support_list[bad]] = 0;
        support_list_set(ex);
    }
    if (ex->nsup == 0)
        return _mpbias_err_set(err, MPBIAS_ERR_NUMERIC, NULL, 0, 0,
                               "expand: no support samples whose multipliers grow together at "
                               "log10(eps) = %.6g (the trajectory is not yet asymptotic there)",
                               mpfr_get_d(row->log10_loss, MPFR_RNDN));
    return st;
}

/* ---- the path from the anchor to a loss ------------------------------ */

/* The variable in which the support multipliers are nearly linear along
   the path: log(1/eps) for D = 1 (nu grows like the margin), its log for
   D = 2 (nu grows like log gamma), and log(1/eps)^(-(D-2)/D) for D >= 3
   (nu tends to its limit like gamma^(-(D-2)/D), math.md section 3). */
static void
path_var(mpfr_t tau, const mpfr_t lam, int D)
{
    if (D == 1)
        mpfr_set(tau, lam, MPFR_RNDN);
    else if (D == 2)
        mpfr_log(tau, lam, MPFR_RNDN);
    else
    {
        mpfr_t e;
        mpfr_init2(e, mpfr_get_prec(tau));
        mpfr_set_si(e, -(D - 2), MPFR_RNDN);
        mpfr_div_si(e, e, D, MPFR_RNDN);
        mpfr_pow(tau, lam, e, MPFR_RNDN);
        mpfr_clear(e);
    }
}

/* Continue the solution from the anchor (nu = the anchor's multipliers)
   to log(1/eps) = lam1 in steps of at most a factor 8 in log(1/eps),
   each started from the linear extrapolation, in path_var, of the two
   previous solutions; a failed step is retried at half its length (in
   log log(1/eps)), at most 60 times in all. */
static int
solve_path(xws *x, const mpbias_expand_struct *ex, mpfr_t *nu, mpfr_t gamma, mpfr_t *delta,
           const mpfr_t lam1, slong *bad)
{
    slong k, na = x->na, fails = 0;
    mpfr_t la, lb, lc, f, fmax, lamc, ta, tc;
    mpfr_t *slope = _mpbias_mpfr_vec_init(na, x->prec);
    mpfr_t *nsave = _mpbias_mpfr_vec_init(x->n, x->prec);
    int ok = 1, have_slope = 0;
    mpfr_inits2(x->prec, la, lb, lc, f, fmax, lamc, ta, tc, (mpfr_ptr) 0);
    for (k = 0; k < x->n; k++)
        mpfr_set(nu[k], ex->anchor.nu[k], MPFR_RNDN);
    /* log log(1/eps): la the current, lb the target, lc the next */
    mpfr_log(la, ex->lam0, MPFR_RNDN);
    mpfr_log(lb, lam1, MPFR_RNDN);
    path_var(ta, ex->lam0, x->D);
    if (!xws_solve(x, nu, gamma, delta, ex->lam0, NULL, bad))
        ok = 0;
    mpfr_set_ui(fmax, 8, MPFR_RNDN);
    mpfr_log(fmax, fmax, MPFR_RNDN);
    mpfr_set(f, fmax, MPFR_RNDN);
    while (ok && mpfr_cmp(la, lb) < 0)
    {
        mpfr_add(lc, la, f, MPFR_RNDN);
        if (mpfr_cmp(lc, lb) >= 0)
            mpfr_set(lamc, lam1, MPFR_RNDN);
        else
            mpfr_exp(lamc, lc, MPFR_RNDN);
        if (mpfr_cmp(lc, lb) > 0)
            mpfr_set(lc, lb, MPFR_RNDN);
        path_var(tc, lamc, x->D);
        for (k = 0; k < x->n; k++)
            mpfr_set(nsave[k], nu[k], MPFR_RNDN);
        mpfr_sub(x->t2, tc, ta, MPFR_RNDN);
        for (k = 0; k < na && have_slope; k++)
            mpfr_fma(nu[x->A[k]], slope[k], x->t2, nu[x->A[k]], MPFR_RNDN);
        ok = xws_solve(x, nu, gamma, delta, lamc, NULL, bad);
        if (!ok && fails < 60 && *bad < 0)
        {
            fails++;
            ok = 1;
            for (k = 0; k < x->n; k++)
                mpfr_set(nu[k], nsave[k], MPFR_RNDN);
            mpfr_div_2ui(f, f, 1, MPFR_RNDN);
            continue;
        }
        if (!ok)
            break;
        /* the slope in the path variable */
        mpfr_sub(x->t2, tc, ta, MPFR_RNDN);
        for (k = 0; k < na; k++)
        {
            mpfr_sub(slope[k], nu[x->A[k]], nsave[x->A[k]], MPFR_RNDN);
            mpfr_div(slope[k], slope[k], x->t2, MPFR_RNDN);
        }
        have_slope = 1;
        mpfr_set(la, lc, MPFR_RNDN);
        mpfr_set(ta, tc, MPFR_RNDN);
        mpfr_mul_2ui(f, f, 1, MPFR_RNDN);
        if (mpfr_cmp(f, fmax) > 0)
            mpfr_set(f, fmax, MPFR_RNDN);
    }
    mpfr_clears(la, lb, lc, f, fmax, lamc, ta, tc, (mpfr_ptr) 0);
    _mpbias_mpfr_vec_clear(slope, na);
    _mpbias_mpfr_vec_clear(nsave, x->n);
    return ok;
}

/* ---- prediction ------------------------------------------------------ */

/* max_i |a_i - b_i| / max_i |a_i| */
static void
vec_reldiff(mpfr_t out, mpfr_t *const a, mpfr_t *const b, slong d, mpfr_t t)
{
    slong i;
    mpfr_t amax;
    mpfr_init2(amax, mpfr_get_prec(t));
    mpfr_set_zero(out, 1);
    mpfr_set_zero(amax, 1);
    for (i = 0; i < d; i++)
    {
        mpfr_sub(t, a[i], b[i], MPFR_RNDN);
        if (mpfr_cmpabs(t, out) > 0)
            mpfr_abs(out, t, MPFR_RNDN);
        if (mpfr_cmpabs(a[i], amax) > 0)
            mpfr_abs(amax, a[i], MPFR_RNDN);
    }
    if (mpfr_sgn(amax) > 0)
        mpfr_div(out, out, amax, MPFR_RNDU);
    mpfr_clear(amax);
}

/* the larger of the normwise wbar difference and the margins' relative one */
static void
row_diff(mpfr_t out, mpfr_t *const wa, const mpfr_t ga, mpfr_t *const wb, const mpfr_t gb,
         slong d, mpfr_t t)
{
    mpfr_t u;
    mpfr_init2(u, mpfr_get_prec(t));
    vec_reldiff(out, wa, wb, d, t);
    mpfr_sub(u, ga, gb, MPFR_RNDN);
    mpfr_div(u, u, ga, MPFR_RNDN);
    mpfr_abs(u, u, MPFR_RNDU);
    if (mpfr_cmp(u, out) > 0)
        mpfr_set(out, u, MPFR_RNDU);
    mpfr_clear(u);
}

/* the multipliers' perturbation for the input error: the anchor's own
   error (err_est, at least 2^-prec, times max nu) and the bound on the
   growth left to a frozen multiplier, exp(-delta0_n) times the growth of
   the support's (dnu_n/dt = exp(-m_n) <= exp(-(m_n - gamma)) sum_A dnu_k/dt,
   and m_n - gamma grows past the anchor); 0 if every entry is 0 */
static int
input_perturbation(mpfr_t *dv, const mpbias_expand_struct *ex, mpfr_t *const nu, mpfr_t t)
{
    slong k, n = ex->n;
    double rel = mpfr_number_p(ex->anchor.err_est) ? mpfr_get_d(ex->anchor.err_est, MPFR_RNDU)
                                                  : 0.0;
    mpfr_t numax, grow;
    int any = 0;
    mpfr_inits2(mpfr_get_prec(t), numax, grow, (mpfr_ptr) 0);
    if (rel < ldexp(1.0, -(int) ex->prec))
        rel = ldexp(1.0, -(int) ex->prec);
    mpfr_set_zero(numax, 1);
    mpfr_set_zero(grow, 1);
    for (k = 0; k < n; k++)
    {
        if (mpfr_cmpabs(ex->anchor.nu[k], numax) > 0)
            mpfr_abs(numax, ex->anchor.nu[k], MPFR_RNDN);
        if (ex->support[k])
        {
            mpfr_sub(t, nu[k], ex->anchor.nu[k], MPFR_RNDN);
            mpfr_add(grow, grow, t, MPFR_RNDU);
        }
    }
    for (k = 0; k < n; k++)
    {
        mpfr_set_zero(dv[k], 1);
        if (ex->support[k])
            continue;
        mpfr_neg(t, ex->delta0[k], MPFR_RNDN);
        mpfr_exp(t, t, MPFR_RNDU);
        mpfr_mul(dv[k], t, grow, MPFR_RNDU);
        mpfr_mul_d(t, numax, rel, MPFR_RNDU);
        mpfr_add(dv[k], dv[k], t, MPFR_RNDU);
        any |= mpfr_sgn(dv[k]) > 0;
    }
    mpfr_clears(numax, grow, (mpfr_ptr) 0);
    return any;
}

#define DRIFT_ROUNDS 4

/* keep (dir 0) or restore (dir 1) a round: nu, dp and wbar, gamma */
static void
round_keep(xws *x, int dir, mpfr_t *nu, mpfr_t *dp, mpfr_t *wbar, mpfr_t gamma, mpfr_t *knu,
           mpfr_t *kdp, mpfr_t *kw, mpfr_t kg)
{
    slong k;
    mpfr_t *src[3], *dst[3];
    slong len[3] = { x->n, x->na, x->d };
    src[0] = dir ? knu : nu;
    dst[0] = dir ? nu : knu;
    src[1] = dir ? kdp : dp;
    dst[1] = dir ? dp : kdp;
    src[2] = dir ? kw : wbar;
    dst[2] = dir ? wbar : kw;
    for (k = 0; k < 3; k++)
    {
        slong i;
        for (i = 0; i < len[k]; i++)
            mpfr_set(dst[k][i], src[k][i], MPFR_RNDN);
    }
    if (dir)
        mpfr_set(gamma, kg, MPFR_RNDN);
    else
        mpfr_set(kg, gamma, MPFR_RNDN);
}

/* the next drift from the solutions at lam1 (delta, gamma) and lam2 */
static int
drift_next(xws *x, mpfr_t *dp, mpfr_t *nu, mpfr_t *nu2, mpfr_t *delta, mpfr_t *delta2,
           const mpfr_t gamma, const mpfr_t lam2, int round, slong *bad)
{
    slong k;
    mpfr_t g2;
    mpfr_init2(g2, x->prec);
    for (k = 0; k < x->n; k++)
        mpfr_set(nu2[k], nu[k], MPFR_RNDN);
    if (!xws_solve(x, nu2, g2, delta2, lam2, round ? dp : NULL, bad))
    {
        mpfr_clear(g2);
        return 0;
    }
    mpfr_sub(g2, g2, gamma, MPFR_RNDN);
    for (k = 0; k < x->na; k++)
    {
        mpfr_sub(dp[k], delta2[k], delta[k], MPFR_RNDN);
        mpfr_div(dp[k], dp[k], g2, MPFR_RNDN);
    }
    mpfr_clear(g2);
    return 1;
}

/* The rounds of the drift correction.  delta_A' = d delta_A / d gamma
   enters u = J^-1 (1 + delta_A') and J is ill-conditioned (its support
   part grows like gamma, or gamma^(1 + (D-2)/D), its off-support part not),
   so a small drift still moves the offsets: round r solves at lam1 and at
   lam2 = lam1 (1 + 2^-20) with the drift of round r - 1 (none in round 0)
   and takes the next drift from their difference.  The rounds stop when
   a change no longer shrinks (depth >= 3: they do not contract beyond the
   first) or a solve fails; the previous round is then kept.  est = the
   larger of the kept round's change and the next one's (relative, wbar
   normwise or margin).  nu (in: a solution at lam1 without drift), gamma,
   dp and wbar (d) hold the kept round; wprev and nu2 are workspace. */
static int
drift_rounds(xws *x, mpfr_t *nu, mpfr_t *nu2, mpfr_t gamma, mpfr_t *delta, mpfr_t *delta2,
             mpfr_t *dp, const mpfr_t lam1, const mpfr_t lam2, mpfr_t *wbar, mpfr_t *wprev,
             mpfr_t est, slong *bad)
{
    slong i;
    int round, ok = 1, kept = 0;
    mpfr_t gprev, tiny, e;
    mpfr_t *knu = _mpbias_mpfr_vec_init(x->n, x->prec), *kdp = _mpbias_mpfr_vec_init(x->na,
                                                                                       x->prec);
    mpfr_inits2(x->prec, gprev, tiny, e, (mpfr_ptr) 0);
    mpfr_set_ui_2exp(tiny, 1, -(mpfr_exp_t) x->prec + 40, MPFR_RNDN);
    mpfr_set_inf(est, 1);
    for (round = 0; round <= DRIFT_ROUNDS; round++)
    {
        if (!xws_solve(x, nu, gamma, delta, lam1, round ? dp : NULL, bad))
        {
            ok = round > 1;       /* round 1 is the first correction: needed */
            break;
        }
        for (i = 0; i < x->d; i++)
            mpfr_div(wbar[i], x->w[i], gamma, MPFR_RNDN);
        if (round > 0)
        {
            row_diff(e, wbar, gamma, wprev, gprev, x->d, x->t);
            if (round > 1 && mpfr_cmp(e, est) >= 0)
            {
                mpfr_set(est, e, MPFR_RNDU);   /* not contracting: keep the previous */
                break;
            }
            mpfr_set(est, e, MPFR_RNDU);
        }
        round_keep(x, 0, nu, dp, wbar, gamma, knu, kdp, wprev, gprev);
        kept = 1;
        if (round == DRIFT_ROUNDS || (round > 0 && mpfr_cmp(est, tiny) <= 0))
            break;
        if (!drift_next(x, dp, nu, nu2, delta, delta2, gamma, lam2, round, bad))
        {
            ok = round > 0;
            break;
        }
    }
    if (ok && kept)
        round_keep(x, 1, nu, dp, wbar, gamma, knu, kdp, wprev, gprev);
    if (!mpfr_number_p(est))
        ok = 0;
    mpfr_clears(gprev, tiny, e, (mpfr_ptr) 0);
    _mpbias_mpfr_vec_clear(knu, x->n);
    _mpbias_mpfr_vec_clear(kdp, x->na);
    return ok;
}

/* The prediction at log(1/eps) = lam1 (summed loss) from the anchor:
   wbar (d), gamma, nu (n), est (the size of the delta' correction: the
   omitted terms' estimate) and err_in (twice the change under the input
   perturbation), both relative, normwise (the larger of wbar's and the
   margin's).  *bad as in xws_solve. */
static mpbias_status
predict_core(const mpbias_expand_struct *ex, const mpfr_t lam1, mpfr_t *wbar_out,
             mpfr_t gamma_out, mpfr_t *nu_out, mpfr_t est, mpfr_t err_in, slong *bad,
             mpbias_err_t err)
{
    mpfr_prec_t P = work_prec(ex, lam1);
    slong k, i, na = ex->nsup, n = ex->n, d = ex->d;
    xws x;
    mpfr_t *delta, *delta2, *dp, *nu2, *wa, *dv, *nu, *wbar;
    mpfr_t ga, g2, lam2, gamma;
    mpbias_status st = MPBIAS_OK;
    xws_init(&x, ex, P);
    nu = _mpbias_mpfr_vec_init(n, P);
    wbar = _mpbias_mpfr_vec_init(d, P);
    delta = _mpbias_mpfr_vec_init(na, P);
    delta2 = _mpbias_mpfr_vec_init(na, P);
    dp = _mpbias_mpfr_vec_init(na, P);
    nu2 = _mpbias_mpfr_vec_init(n, P);
    wa = _mpbias_mpfr_vec_init(d, P);
    dv = _mpbias_mpfr_vec_init(n, P);
    mpfr_inits2(P, ga, g2, lam2, gamma, (mpfr_ptr) 0);
    if (!solve_path(&x, ex, nu2, ga, delta, lam1, bad))
    {
        st = _mpbias_err_set(err, MPBIAS_ERR_NUMERIC, NULL, 0, 0,
                             "expand: the reduced system lost its solution on the way to "
                             "log(1/eps) = %.6g (support of %ld samples)",
                             mpfr_get_d(lam1, MPFR_RNDN), (long) na);
        goto done;
    }
    for (k = 0; k < n; k++)
        mpfr_set(nu[k], nu2[k], MPFR_RNDN);
    mpfr_mul_2si(lam2, lam1, -20, MPFR_RNDN);
    mpfr_add(lam2, lam2, lam1, MPFR_RNDN);
    if (!drift_rounds(&x, nu, nu2, gamma, delta, delta2, dp, lam1, lam2, wbar, wa, est, bad))
        goto fail;
    /* the input perturbation */
    mpfr_set_zero(err_in, 1);
    if (input_perturbation(dv, ex, nu, x.t))
    {
        for (k = 0; k < n; k++)
            mpfr_add(nu2[k], nu[k], dv[k], MPFR_RNDN);
        if (!xws_solve(&x, nu2, g2, delta2, lam1, dp, bad))
            goto fail;
        for (i = 0; i < d; i++)
            mpfr_div(wa[i], x.w[i], g2, MPFR_RNDN);
        row_diff(err_in, wbar, gamma, wa, g2, d, x.t);
        mpfr_mul_2ui(err_in, err_in, 1, MPFR_RNDU);
    }
    for (i = 0; i < d; i++)
        mpfr_set(wbar_out[i], wbar[i], MPFR_RNDN);
    for (k = 0; k < n; k++)
        mpfr_set(nu_out[k], nu[k], MPFR_RNDN);
    mpfr_set(gamma_out, gamma, MPFR_RNDN);
    goto done;
fail:
    st = _mpbias_err_set(err, MPBIAS_ERR_NUMERIC, NULL, 0, 0,
                         "expand: the reduced system has no solution near log(1/eps) = %.6g",
                         mpfr_get_d(lam1, MPFR_RNDN));
done:
    mpfr_clears(ga, g2, lam2, gamma, (mpfr_ptr) 0);
    _mpbias_mpfr_vec_clear(nu, n);
    _mpbias_mpfr_vec_clear(wbar, d);
    _mpbias_mpfr_vec_clear(delta, na);
    _mpbias_mpfr_vec_clear(delta2, na);
    _mpbias_mpfr_vec_clear(dp, na);
    _mpbias_mpfr_vec_clear(nu2, n);
    _mpbias_mpfr_vec_clear(wa, d);
    _mpbias_mpfr_vec_clear(dv, n);
    xws_clear(&x);
    return st;
}

/* ---- the public interface -------------------------------------------- */

void
mpbias_expand_init(mpbias_expand_t ex)
{
    memset(ex, 0, sizeof *ex);
    fmpq_init(ex->alpha);
    ex->calib = 1.0;
}

void
mpbias_expand_clear(mpbias_expand_t ex)
{
    anchor_release(ex);
    if (ex->zq != NULL)
        _mpbias_mpfr_vec_clear(ex->zq, ex->n * ex->d);
    ex->zq = NULL;
    free(ex->overlap);
    ex->overlap = NULL;
    ex->noverlap = 0;
    fmpq_clear(ex->alpha);
}

void
mpbias_expand_row_init(mpbias_expand_row *r, slong n, slong d, mpfr_prec_t prec)
{
    r->n = n;
    r->d = d;
    mpfr_inits2(prec, r->log10_loss, r->margin, (mpfr_ptr) 0);
    mpfr_inits2(64, r->err_pred, r->est_omitted, r->transient, r->err_input, (mpfr_ptr) 0);
    r->wbar = _mpbias_mpfr_vec_init(d, prec);
    r->nu = _mpbias_mpfr_vec_init(n, prec);
}

void
mpbias_expand_row_clear(mpbias_expand_row *r)
{
    mpfr_clears(r->log10_loss, r->margin, r->err_pred, r->est_omitted, r->transient,
                r->err_input, (mpfr_ptr) 0);
    _mpbias_mpfr_vec_clear(r->wbar, r->d);
    _mpbias_mpfr_vec_clear(r->nu, r->n);
}

/* The rows the overlap uses: from the anchor back, each at most a third
   of the previous one's log10(1/eps), at least 10 and at least
   1/1000 of the anchor's; at most 4 with the anchor (indices, ascending). */
static slong
overlap_rows(slong *idx, const mpbias_flow_rows *rows)
{
    slong j, m = 0, last = rows->n - 1;
    double y0 = -mpfr_get_d(rows->rows[last].log10_loss, MPFR_RNDN), ylast = y0;
    slong tmp[4];
    tmp[m++] = last;
    for (j = last - 1; j >= 0 && m < 4; j--)
    {
        double y = -mpfr_get_d(rows->rows[j].log10_loss, MPFR_RNDN);
        if (y < 10.0 || y < y0 / 1000.0)
            break;
        if (y <= ylast / 3.0)
        {
            tmp[m++] = j;
            ylast = y;
        }
    }
    for (j = 0; j < m; j++)
        idx[j] = tmp[m - 1 - j];
    return m;
}

/* The transient's bound at log(1/eps) = lam: the trajectory approaches
   the slow solution only like exp(-c gamma^q) along the weak directions of
   J (q = 5/16 on transition, depth 2), so at the anchor it may still be
   off it by the nowcast error; the offsets' deviation does not grow and
   moves wbar and the margin by its size over gamma: nowcast lam0 / lam. */
static double
transient(const mpbias_expand_struct *ex, const mpfr_t lam)
{
    return ex->nowcast * mpfr_get_d(ex->lam0, MPFR_RNDU) / mpfr_get_d(lam, MPFR_RNDD);
}

/* one overlap pair: the expansion anchored at row a predicts row b */
static mpbias_status
overlap_pair(mpbias_expand_overlap *o, const mpbias_expand_struct *ex,
             const mpbias_flow_row *ra, const mpbias_flow_row *rb, mpbias_err_t err)
{
    mpbias_expand_t tmp;
    mpbias_status st;
    mpfr_prec_t p = ex->prec;
    slong bad;
    mpfr_t *w = _mpbias_mpfr_vec_init(ex->d, p), *nu = _mpbias_mpfr_vec_init(ex->n, p);
    mpfr_t g, e1, e2, lam, t, a;
    mpfr_inits2(p, g, e1, e2, lam, t, a, (mpfr_ptr) 0);
    mpbias_expand_init(tmp);
    *tmp = *ex;
    tmp->have_anchor = 0;
    tmp->support = NULL;
    tmp->support_list = NULL;
    tmp->overlap = NULL;
    tmp->noverlap = 0;
    st = anchor_set(tmp, ra, err);
    row_lam(lam, ex, rb);
    if (st == MPBIAS_OK)
        st = predict_core(tmp, lam, w, g, nu, e1, e2, &bad, err);
    if (st == MPBIAS_OK)
    {
        o->log10_from = mpfr_get_d(ra->log10_loss, MPFR_RNDN);
        o->log10_to = mpfr_get_d(rb->log10_loss, MPFR_RNDN);
        mpfr_set(a, rb->margin, MPFR_RNDN);
        o->est = mpfr_get_d(e1, MPFR_RNDU) + mpfr_get_d(e2, MPFR_RNDU)
                 + transient(tmp, lam);
        row_diff(t, rb->wbar, a, w, g, ex->d, e1);
        o->actual = mpfr_get_d(t, MPFR_RNDU);
        o->floor = (mpfr_number_p(ra->err_est) ? mpfr_get_d(ra->err_est, MPFR_RNDU) : 0.0)
                   + (mpfr_number_p(rb->err_est) ? mpfr_get_d(rb->err_est, MPFR_RNDU) : 0.0);
    }
    anchor_release(tmp);
    mpfr_clears(g, e1, e2, lam, t, a, (mpfr_ptr) 0);
    _mpbias_mpfr_vec_clear(w, ex->d);
    _mpbias_mpfr_vec_clear(nu, ex->n);
    return st;
}

mpbias_status
mpbias_expand_compute(mpbias_expand_t ex, const mpbias_data_t data, const mpbias_model_t model,
                      const mpbias_flow_rows *rows, mpbias_err_t err)
{
    slong idx[4], m, a, b;
    mpbias_status st;
    if (rows->n < 1)
        return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0, "expand: no trajectory rows");
    if (model->shape_a != NULL || model->loss != MPBIAS_LOSS_EXP)
        return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0,
                               "expand: the expansion is for the exponential loss with a scalar "
                               "initialization scale alpha");
    if (rows->rows[0].n != data->n || rows->rows[0].d != data->d)
        return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0,
                               "expand: the rows do not match the data");
    mpbias_expand_clear(ex);
    mpbias_expand_init(ex);
    ex->depth = model->depth;
    ex->mean = model->mean;
    ex->n = data->n;
    ex->d = data->d;
    fmpq_set(ex->alpha, model->alpha);
    ex->prec = mpfr_get_prec(rows->rows[rows->n - 1].wbar[0]);
    ex->zq = _mpbias_mpfr_vec_init(ex->n * ex->d, ex->prec);
    mpbias_data_get_z_mpfr(ex->zq, data, MPFR_RNDN);
    if ((st = anchor_set(ex, rows->rows + rows->n - 1, err)) != MPBIAS_OK)
        return st;
    /* the overlap: every pair of the chosen rows */
    m = overlap_rows(idx, rows);
    ex->overlap = calloc((size_t) (m * (m - 1) / 2 + 1), sizeof(mpbias_expand_overlap));
    if (ex->overlap == NULL)
        return _mpbias_err_set(err, MPBIAS_ERR_NOMEM, NULL, 0, 0, "out of memory");
    ex->calib = 1.0;
    for (a = 0; a < m; a++)
        for (b = a + 1; b < m; b++)
        {
            mpbias_expand_overlap *o = ex->overlap + ex->noverlap;
            if (overlap_pair(o, ex, rows->rows + idx[a], rows->rows + idx[b], err) != MPBIAS_OK)
                continue;       /* an early anchor may not be asymptotic yet */
            ex->noverlap++;
            /* the calibration: how far the actual error exceeded the
               estimate, where the actual error is above the rows' own */
            if (o->actual > 4.0 * o->floor && o->est > 0.0 && o->actual / o->est > ex->calib)
                ex->calib = o->actual / o->est;
        }
    mpbias_err_clear(err);
    return MPBIAS_OK;
}

mpbias_status
mpbias_expand_predict(mpbias_expand_row *out, const mpbias_expand_t ex, const mpbias_sci_t eps1,
                      mpbias_err_t err)
{
    mpfr_t lam, g, est, ein, t;
    mpfr_t *w, *nu;
    mpfr_prec_t P;
    slong bad, i;
    mpbias_status st;
    if (!ex->have_anchor || out->d != ex->d || out->n != ex->n)
        return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0,
                               "expand: no fitted expansion, or the row does not match it");
    mpfr_init2(lam, ex->prec + 64);
    mpbias_sci_log(lam, eps1, MPFR_RNDN);
    mpfr_neg(lam, lam, MPFR_RNDN);
    if (ex->mean)
    {
        mpfr_init2(t, ex->prec + 64);
        mpfr_set_si(t, (long) ex->n, MPFR_RNDN);
        mpfr_log(t, t, MPFR_RNDN);
        mpfr_sub(lam, lam, t, MPFR_RNDN);
        mpfr_clear(t);
    }
    if (mpfr_cmp(lam, ex->lam0) < 0)
    {
        mpfr_clear(lam);
        return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0,
                               "expand: the loss to predict at must not be above the last "
                               "trajectory loss");
    }
    P = work_prec(ex, lam);
    mpfr_set_prec(lam, P);
    mpbias_sci_log(lam, eps1, MPFR_RNDN);
    mpfr_neg(lam, lam, MPFR_RNDN);
    if (ex->mean)
    {
        mpfr_init2(t, P);
        mpfr_set_si(t, (long) ex->n, MPFR_RNDN);
        mpfr_log(t, t, MPFR_RNDN);
        mpfr_sub(lam, lam, t, MPFR_RNDN);
        mpfr_clear(t);
    }
    w = _mpbias_mpfr_vec_init(ex->d, P);
    nu = _mpbias_mpfr_vec_init(ex->n, P);
    mpfr_inits2(P, g, est, ein, t, (mpfr_ptr) 0);
    st = predict_core(ex, lam, w, g, nu, est, ein, &bad, err);
    if (st == MPBIAS_OK)
    {
        mpfr_set_d(out->transient, transient(ex, lam), MPFR_RNDU);
        /* log10(eps1) in the model's convention */
        mpbias_sci_log(t, eps1, MPFR_RNDN);
        mpfr_set_ui(lam, 10, MPFR_RNDN);
        mpfr_log(lam, lam, MPFR_RNDN);
        mpfr_div(out->log10_loss, t, lam, MPFR_RNDN);
        mpfr_set(out->margin, g, MPFR_RNDN);
        for (i = 0; i < ex->d; i++)
            mpfr_set(out->wbar[i], w[i], MPFR_RNDN);
        for (i = 0; i < ex->n; i++)
            mpfr_set(out->nu[i], nu[i], MPFR_RNDN);
        mpfr_set(out->est_omitted, est, MPFR_RNDU);
        mpfr_set(out->err_input, ein, MPFR_RNDU);
        /* err_pred: the calibrated omitted terms, the input's effect and
           the solve's own rounding (2^-(prec - 32)) */
        mpfr_add(out->err_pred, est, out->transient, MPFR_RNDU);
        mpfr_mul_d(out->err_pred, out->err_pred, 2.0 * ex->calib, MPFR_RNDU);
        mpfr_add(out->err_pred, out->err_pred, ein, MPFR_RNDU);
        mpfr_set_ui_2exp(t, 1, -(mpfr_exp_t) ex->prec + 32, MPFR_RNDU);
        mpfr_add(out->err_pred, out->err_pred, t, MPFR_RNDU);
    }
    mpfr_clears(lam, g, est, ein, t, (mpfr_ptr) 0);
    _mpbias_mpfr_vec_clear(w, ex->d);
    _mpbias_mpfr_vec_clear(nu, ex->n);
    return st;
}
