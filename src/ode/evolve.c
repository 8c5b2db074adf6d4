/*
 * evolve.c -- error control and one adaptive step (GSL's control and
 * evolve layers) around the Radau IIA stepper.  The step size follows
 * the standard controller h_new = h clamp(0.9 err^(-1/(s+1)), 0.2, 4) on
 * the stepper's error norm (its estimate has order s); a step whose
 * Newton iterations fail is retried with half the size.
 */
#include "config.h"
#include <math.h>
#include "mpbias-impl.h"

void
mpbias_ode_control_init(mpbias_ode_control_t c, slong dim, mpfr_prec_t prec)
{
    slong i;
    c->dim = dim;
    mpfr_init2(c->rtol, prec);
    mpfr_set_d(c->rtol, 1e-10, MPFR_RNDN);
    c->atol = _mpbias_mpfr_vec_init(dim, prec);
    c->stiff = flint_malloc((size_t) (dim > 0 ? dim : 1) * sizeof(int));
    for (i = 0; i < dim; i++)
    {
        mpfr_set_d(c->atol[i], 1e-10, MPFR_RNDN);
        c->stiff[i] = 0;
    }
}

void
mpbias_ode_control_clear(mpbias_ode_control_t c)
{
    mpfr_clear(c->rtol);
    _mpbias_mpfr_vec_clear(c->atol, c->dim);
    flint_free(c->stiff);
}

void
mpbias_ode_control_norm(mpfr_t out, const mpbias_ode_control_t c, const mpfr_t *e,
                        const mpfr_t *y, const mpfr_t *ynew, int which)
{
    /* 64-bit scratch on the stack: no allocation in the step loop */
    mp_limb_t sl[(64 + GMP_NUMB_BITS - 1) / GMP_NUMB_BITS];
    mp_limb_t ql[(64 + GMP_NUMB_BITS - 1) / GMP_NUMB_BITS];
    mpfr_t s, q;
    slong i;
    mpfr_custom_init(sl, 64);
    mpfr_custom_init(ql, 64);
    mpfr_custom_init_set(s, MPFR_ZERO_KIND, 0, 64, sl);
    mpfr_custom_init_set(q, MPFR_ZERO_KIND, 0, 64, ql);
    mpfr_set_zero(out, 1);
    for (i = 0; i < c->dim; i++)
    {
        if ((which == MPBIAS_ODE_STIFF && c->stiff[i] != 1)
            || (which == MPBIAS_ODE_NONSTIFF && c->stiff[i] == 1))
            continue;
        if (mpfr_cmpabs(y[i], ynew[i]) > 0)
            mpfr_abs(s, y[i], MPFR_RNDN);
        else
            mpfr_abs(s, ynew[i], MPFR_RNDN);
        mpfr_mul(s, s, c->rtol, MPFR_RNDN);
        mpfr_add(s, s, c->atol[i], MPFR_RNDN);
        mpfr_abs(q, e[i], MPFR_RNDN);
        if (mpfr_zero_p(s))
        {
            /* no tolerance at all for this component: only exactness passes */
            if (!mpfr_zero_p(q))
                mpfr_set_inf(q, 1);
        }
        else
            mpfr_div(q, q, s, MPFR_RNDN);
        if (mpfr_nan_p(q) || mpfr_cmp(q, out) > 0)
            mpfr_set(out, q, MPFR_RNDN);
        if (mpfr_nan_p(out))
            break;
    }
}

void
mpbias_ode_evolve_init(mpbias_ode_evolve_t e, slong dim, mpfr_prec_t prec)
{
    e->dim = dim;
    mpfr_init2(e->h, prec);
    mpfr_set_d(e->h, 1e-3, MPFR_RNDN);
    e->ynew = _mpbias_mpfr_vec_init(dim, prec);
    e->yerr = _mpbias_mpfr_vec_init(dim, prec);
    mpfr_init2(e->x1h, prec);
    mpfr_init2(e->hprop, prec);
    e->steps = e->rejected = 0;
}

void
mpbias_ode_evolve_clear(mpbias_ode_evolve_t e)
{
    mpfr_clear(e->h);
    _mpbias_mpfr_vec_clear(e->ynew, e->dim);
    _mpbias_mpfr_vec_clear(e->yerr, e->dim);
    mpfr_clear(e->x1h);
    mpfr_clear(e->hprop);
}

/* step factor 0.9 err^(-1/k), clamped to [lo, hi] */
static double
step_factor(double err, slong k, double lo, double hi)
{
    double f = (err <= 0.0) ? hi : 0.9 * pow(err, -1.0 / (double) k);
    if (!(f >= lo))
        f = lo;
    if (f > hi)
        f = hi;
    return f;
}

int
mpbias_ode_evolve_apply(mpbias_ode_evolve_t e, mpbias_ode_radau_t R,
                        const mpbias_ode_control_t c, const mpbias_ode_system *sys,
                        mpfr_t x, const mpfr_t x1, mpfr_t *y)
{
    slong i, tries;
    int r, last;

    for (tries = 0; tries < 200; tries++)
    {
        /* do not step past x1; keep the proposal for the step after */
        mpfr_set(e->hprop, e->h, MPFR_RNDN);
        mpfr_add(e->x1h, x, e->h, MPFR_RNDN);
        last = (mpfr_cmp(e->x1h, x1) >= 0);
        if (last)
            mpfr_sub(e->h, x1, x, MPFR_RNDN);
        /* the step must change x */
        mpfr_add(e->x1h, x, e->h, MPFR_RNDN);
        if (mpfr_equal_p(e->x1h, x))
            return MPBIAS_ODE_TINY_STEP;

        R->refine_err = (e->steps == 0 || tries > 0);
        /* a Newton failure with a double-precision matrix is retried in
           MPFR before the step is shrunk */
        r = mpbias_ode_radau_step_retry(R, sys, c, x, (const mpfr_t *) y, e->h, e->ynew,
                                        e->yerr);
        if (r == MPBIAS_ODE_OK && R->err <= 1.0)
        {
            /* accept */
            if (last)
                mpfr_set(x, x1, MPFR_RNDN);
            else
                mpfr_add(x, x, e->h, MPFR_RNDN);
            for (i = 0; i < e->dim; i++)
                mpfr_swap(y[i], e->ynew[i]);
            R->jac_valid = 0;
            e->steps++;
            /* a step shortened to hit x1 says little about the next one */
            if (last && mpfr_cmp(e->h, e->hprop) < 0)
                mpfr_set(e->h, e->hprop, MPFR_RNDN);
            else  /* no growth right after a rejection (Hairer and Wanner) */
                mpfr_mul_d(e->h, e->h, step_factor(R->err, R->s + 1, 0.2, tries > 0 ? 1.0 : 4.0),
                           MPFR_RNDN);
            return MPBIAS_ODE_OK;
        }
        /* reject (the Jacobian at (x, y) stays valid) */
        e->rejected++;
        if (r != MPBIAS_ODE_OK)
            mpfr_mul_d(e->h, e->h, 0.5, MPFR_RNDN);
        else
            mpfr_mul_d(e->h, e->h, step_factor(R->err, R->s + 1, 0.1, 0.7), MPFR_RNDN);
    }
    return MPBIAS_ODE_TINY_STEP;
}
