/*
 * run.c -- the trajectory driver: from initialization to a stop condition,
 * through a schedule of checkpoints, with certified digits.
 *
 * Two trajectories advance in lockstep, checkpoint by checkpoint: a
 * checking run with tolerance 10^-(K+4) and s - 1 Radau stages, and the
 * reported run with tolerance 10^-(K+8), s stages and 32 more bits.  At
 * every row the difference between them estimates the error of the
 * checking run, an upper estimate for the reported values (rows from the
 * reported run); a row whose estimate exceeds 10^-K is not emitted:
 * with automatic precision both runs are redone from the last row at a
 * higher precision (below), else the run stops with an error saying how
 * many digits were reached.  The
 * two runs differ in method, tolerance and precision, so that an error
 * one of them makes is not repeated by the other.
 *
 * Loss checkpoints are hit exactly: the independent variable is a
 * function of the smoothed margin log(1/L), so a loss target is a value
 * of x and the last step is shortened to land on it.  Margin and time
 * targets are events: the crossing is located on the accepted step's
 * collocation polynomial, then bracketed and refined (Illinois) with
 * re-steps from the step's start, each an exact Radau step.
 *
 * Working precision (automatic): (K + 12) log2(10) bits plus guard bits
 * log2(1 + margin reached) + D |log2 alpha| + 32, since log t - m_n and
 * the D >= 3 gaps 1 - c s_i are differences of numbers of size the
 * margin (math.md section 4).  That is where the precision starts (Ziv's
 * strategy, as in MPFR): a row that cannot be certified, or a step size
 * below the precision's resolution, raises the checking run's precision
 * by half (run_raise) and redoes from the last row, up to opts max_prec
 * bits of the reported run.  opts prec fixes the precision (no raising).
 */
#include "config.h"
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mpbias-impl.h"

/* Tolerances 10^-(K + TOL_CHECK) of the checking run and 10^-(K +
   TOL_REPORTED) of the reported run. */
#define TOL_CHECK 4
#define TOL_REPORTED 8

void
mpbias_flow_opts_init(mpbias_flow_opts *o)
{
    memset(o, 0, sizeof *o);
    o->digits = 20;
    o->prec = 0;
    mpbias_sci_init(o->until_loss);
    fmpq_init(o->until_margin);
    mpbias_sci_init(o->until_time);
    o->per_decade = 1;
    o->n_at_loss = 0;
    o->at_loss = NULL;
    o->n_at_time = 0;
    o->at_time = NULL;
    o->verify = 1;
    o->max_steps = 10000000;
    o->stages = 0;
}

void
mpbias_flow_opts_clear(mpbias_flow_opts *o)
{
    mpbias_sci_clear(o->until_loss);
    fmpq_clear(o->until_margin);
    mpbias_sci_clear(o->until_time);
}

/* ---- one trajectory --------------------------------------------------- */

/* the number of event slots (events below) */
#define NEV 4

typedef struct
{
    _mpbias_dual_t ws;
    mpbias_ode_system sys;
    mpbias_ode_radau_t rad;
    mpbias_ode_evolve_t ev;
    mpbias_ode_control_t ctrl;
    slong n, d, dim, max_steps;
    mpfr_prec_t prec;
    int mean;
    mpfr_t x, xa, tol, ln10, logN, ell, ell_floor, gam, t1, t2;
    mpfr_t xi;                  /* scratch: xi of a state                        */
    mpfr_t row_xi;              /* the xi of the row being located (traj_advance) */
    double xi_floor;            /* xi's absolute tolerance is tol max(min(1, xi), xi_floor) */
    mpfr_t *y, *ya, *yb, *yerr;
    mpfr_t xr;                  /* the row's state: (x, y) when the run landed   */
    mpfr_t *yr;                 /* on it, else from the last step's polynomial   */
    int row_dense;              /*   (row_dense set)                             */
    mpfr_t row_tol;             /* dense rows only when their estimated relative
                                   error is below this (else an exact re-step)  */
    /* the events located in the current step (a cache: located again
       from the state alone, they come out the same) */
    int evc_valid, evc_hit, evc_kind[NEV];
    slong evc_steps;
    mpfr_t evc_h, evc_target[NEV];
    /* the rounding-noise probe (traj_noise): accepted steps in a row, since
       the last probe or the start of traj_advance, whose error estimate was
       in [NOISE_ERR_MIN, 1] and whose sizes stayed within a factor 4 */
    slong calm;
    double calm_hmin, calm_hmax;
    /* the precision probe (traj_noise): accepted steps in a row whose
       error estimate was below NOISE_ERR_MIN while the sizes stayed within
       a factor 4 (steps held by failed attempts, not by the error), and
       the rejections counted when the first of them was taken */
    slong crawl, crawl_rej;
    double crawl_hmin, crawl_hmax;
    /* what traj_init was given (the probe builds a copy at more bits) */
    const mpbias_data_struct *data;
    const mpbias_model_struct *model;
    long tol_digits;
    slong stages, near;
} traj;

/* A stalled step size with an error estimate that a step a quarter the
   size does not shrink is rounding noise: NOISE_CALM steps of that kind
   in a row trigger one probe step of h/4 from the last step's start. */
#define NOISE_CALM 48
#define NOISE_ERR_MIN 1e-3
/* ... and only while the steps crawl: h <= 2^-10 max(1, |x|), a thousand
   steps or more per unit of x, where runs take steps of 0.1 to 10 (a run
   whose noise only makes its steps smaller still certifies its rows, or
   raises there) */
#define NOISE_STALL 0x1p-10

/* event kinds: margin, time (ell = log(1 + t)), xi (a loss) */
enum { EV_NONE = 0, EV_MARGIN = 1, EV_TIME = 2, EV_XI = 3 };

/* After _mpbias_dual_eval at the current state: margin (min m). */
static void
traj_margin(traj *T)
{
    slong k;
    mpfr_set(T->gam, T->ws->m[0], MPFR_RNDN);
    for (k = 1; k < T->n; k++)
        if (mpfr_cmp(T->ws->m[k], T->gam) < 0)
            mpfr_set(T->gam, T->ws->m[k], MPFR_RNDN);
}

/* xi = xiref + y[n + 1] of the state y */
static void
traj_xi(traj *T, mpfr_t xi, const mpfr_t *y)
{
    mpfr_add(xi, T->ws->xiref, y[T->n + 1], MPFR_RNDN);
}

/* ell = log(1 + t) = r + c(xi) for the state y, c(xi) = softplus(M0 +
   Msc expm1(xi) - Lam) (dual.c): about e^(M - Lam) while t is tiny, so
   that ell is not a cancellation of O(1) terms then */
static void
traj_ell(traj *T, const mpfr_t *y)
{
    traj_xi(T, T->xi, y);
    _mpbias_dual_c_of_x(T->ell, T->ws, T->xi);
    mpfr_add(T->ell, T->ell, y[T->n], MPFR_RNDN);
}

/* Scale the tolerance by the sensitivity of w to s (math: |dw| = w' |ds|,
   and w, wbar are wanted normwise): with kappa = max_i w'_i / max_i |w_i|,
   the relative tolerance of nu's change over a step is tol / max(1, kappa)
   and its absolute tolerance tol / kappa, capped at tol max(1, max |nu|)
   (nu's own digits).  kappa < 1 is the plateau of small initialization
   scales at depth >= 3: w' / w is about D^2 / P there, P the gap to the
   blow-up point (dual.c), and nu is near c0 / (D(D-2)); an absolute
   tolerance of tol itself would ask for the gaps to (D-2) |log2 alpha|
   bits beyond the digits wanted (measured at D = 4, alpha = 1e-100: 24
   Newton iterations per step and 886 bits of working precision needed,
   against 5 and 222 bits with this rule, the rows unchanged).  While w is
   tiny, as at large alpha, this makes the tolerance relative to nu
   itself; at w = 0 the value set at the start is kept.  For r, relative
   to log(1 + t).  Needs an evaluation at the current y. */
static void
traj_update_tol(traj *T)
{
    slong i;
    /* 64-bit scratch on the stack: no allocation per step */
    mp_limb_t l1[(64 + GMP_NUMB_BITS - 1) / GMP_NUMB_BITS], l2[(64 + GMP_NUMB_BITS - 1) / GMP_NUMB_BITS];
    mp_limb_t l3[(64 + GMP_NUMB_BITS - 1) / GMP_NUMB_BITS];
    mpfr_t wmax, w1max, numax;
    mpfr_custom_init(l1, 64);
    mpfr_custom_init(l2, 64);
    mpfr_custom_init(l3, 64);
    mpfr_custom_init_set(wmax, MPFR_ZERO_KIND, 0, 64, l1);
    mpfr_custom_init_set(w1max, MPFR_ZERO_KIND, 0, 64, l2);
    mpfr_custom_init_set(numax, MPFR_ZERO_KIND, 0, 64, l3);
    mpfr_set_zero(wmax, 1);
    mpfr_set_zero(w1max, 1);
    mpfr_set_ui(numax, 1, MPFR_RNDN);
    for (i = 0; i < T->d; i++)
    {
        if (mpfr_cmpabs(T->ws->w[i], wmax) > 0)
            mpfr_abs(wmax, T->ws->w[i], MPFR_RNDN);
        if (mpfr_cmpabs(T->ws->w1[i], w1max) > 0)
            mpfr_abs(w1max, T->ws->w1[i], MPFR_RNDN);
    }
    for (i = 0; i < T->n; i++)
        if (mpfr_cmpabs(T->ws->nu[i], numax) > 0)
            mpfr_abs(numax, T->ws->nu[i], MPFR_RNDN);
    if (!mpfr_zero_p(wmax))
    {
        mpfr_set(T->ctrl->rtol, T->tol, MPFR_RNDN);
        if (mpfr_cmp(w1max, wmax) > 0)
        {
            mpfr_div(w1max, w1max, wmax, MPFR_RNDN);
            mpfr_div(T->ctrl->rtol, T->tol, w1max, MPFR_RNDN);
            mpfr_set(wmax, T->ctrl->rtol, MPFR_RNDN);          /* tol / kappa */
        }
        else
        {
            /* kappa <= 1 (w1max = 0: nu does not matter to w; its digits) */
            mpfr_mul(numax, numax, T->tol, MPFR_RNDN);
            if (mpfr_zero_p(w1max))
                mpfr_set(wmax, numax, MPFR_RNDN);
            else
            {
                mpfr_div(wmax, wmax, w1max, MPFR_RNDN);
                mpfr_mul(wmax, wmax, T->tol, MPFR_RNDN);
                if (mpfr_cmp(wmax, numax) > 0)
                    mpfr_set(wmax, numax, MPFR_RNDN);
            }
        }
        for (i = 0; i < T->n; i++)
            mpfr_set(T->ctrl->atol[i], wmax, MPFR_RNDN);
    }
    /* r carries log(1 + t): its error matters relative to ell = log(1 + t)
       (relative digits of log t, or of t itself while t < 1), but never
       below tol ell_floor in absolute terms (ell = 0 at t = 0) */
    traj_ell(T, (const mpfr_t *) T->y);
    /* WIP: r's error measured as a non-stiff component's while log(1 + t) >= 1 */
    T->ctrl->stiff[T->n] = mpfr_cmp_ui(T->ell, 1) >= 0 ? MPBIAS_ODE_STIFF_GUESS : 1;
    if (mpfr_cmp(T->ell, T->ell_floor) > 0)
        mpfr_mul(T->ctrl->atol[T->n], T->tol, T->ell, MPFR_RNDN);
    else
        mpfr_mul(T->ctrl->atol[T->n], T->tol, T->ell_floor, MPFR_RNDN);
    /* xi carries M = M0 + Msc expm1(xi): relative digits of M - M0 while
       xi < 1, of M (dM / M = dxi) after; absolute, as xi is kept from the
       last fold (traj_fold) */
    if (mpfr_cmp_ui(T->xi, 1) >= 0)
        mpfr_set(T->ctrl->atol[T->n + 1], T->tol, MPFR_RNDN);
    else if (mpfr_cmp_d(T->xi, T->xi_floor) > 0)
        mpfr_mul(T->ctrl->atol[T->n + 1], T->tol, T->xi, MPFR_RNDN);
    else
        mpfr_mul_d(T->ctrl->atol[T->n + 1], T->tol, T->xi_floor, MPFR_RNDN);
}

static int
traj_init(traj *T, const mpbias_data_t data, const mpbias_model_t model, mpfr_prec_t prec,
          long tol_digits, slong stages, slong max_steps, slong near)
{
    slong i, n = data->n;
    int r, rc;
    T->n = n;
    T->d = data->d;
    T->dim = n + 2;
    T->prec = prec;
    T->mean = model->mean;
    T->max_steps = max_steps;
    T->data = data;
    T->model = model;
    T->tol_digits = tol_digits;
    T->stages = stages;
    T->near = near;
    T->crawl = T->crawl_rej = 0;
    T->crawl_hmin = T->crawl_hmax = 0.0;
    _mpbias_dual_init(T->ws, data, model, prec);
    T->sys.dim = T->dim;
    T->sys.f = _mpbias_dual_rhs;
    T->sys.jac = _mpbias_dual_jac;
    T->sys.scale = NULL;
    T->sys.jac_d = _mpbias_dual_jac_d;
    T->sys.params = T->ws;
    rc = mpbias_ode_radau_init(T->rad, T->dim, stages, prec);
    mpbias_ode_evolve_init(T->ev, T->dim, prec);
    mpbias_ode_control_init(T->ctrl, T->dim, prec);
    /* q = log(1 + t) - M relaxes fast to -log Phi, a slowly varying
       forcing: a stiff component whose error Radau IIA only bounds to
       its stage order */
    T->ctrl->stiff[n] = 1;
    mpfr_init2(T->x, prec);
    mpfr_init2(T->xa, prec);
    mpfr_init2(T->tol, prec);
    mpfr_init2(T->ln10, prec);
    mpfr_init2(T->logN, prec);
    mpfr_init2(T->ell, prec);
    mpfr_init2(T->ell_floor, prec);
    mpfr_init2(T->gam, prec);
    mpfr_init2(T->t1, prec);
    mpfr_init2(T->t2, prec);
    mpfr_init2(T->xr, prec);
    mpfr_init2(T->xi, prec);
    mpfr_init2(T->row_xi, prec);
    mpfr_set_inf(T->row_xi, 1);
    T->xi_floor = ldexp(1.0, -(int) (10 + near));
    mpfr_init2(T->row_tol, 64);
    T->evc_valid = 0;
    mpfr_init2(T->evc_h, prec);
    for (i = 0; i < NEV; i++)
        mpfr_init2(T->evc_target[i], prec + 32);
    mpfr_set_zero(T->row_tol, 1);
    T->yr = _mpbias_mpfr_vec_init(T->dim, prec);
    T->row_dense = 0;
    T->y = _mpbias_mpfr_vec_init(T->dim, prec);
    T->ya = _mpbias_mpfr_vec_init(T->dim, prec);
    T->yb = _mpbias_mpfr_vec_init(T->dim, prec);
    T->yerr = _mpbias_mpfr_vec_init(T->dim, prec);

    mpfr_set_ui(T->ln10, 10, MPFR_RNDN);
    mpfr_log(T->ln10, T->ln10, MPFR_RNDN);
    mpfr_set_si(T->logN, (long) n, MPFR_RNDN);
    mpfr_log(T->logN, T->logN, MPFR_RNDN);
    mpfr_ui_pow_ui(T->tol, 10, (unsigned long) tol_digits, MPFR_RNDN);
    mpfr_ui_div(T->tol, 1, T->tol, MPFR_RNDN);

    if (rc != 0)
        return MPBIAS_ODE_SINGULAR;
    /* initial state: nu = 0, x = 0, r = log(1 + 0) - c(0) = 0, with M0 =
       M(0), Lam = log Phi(0) and the plateau scale Msc (dual.c) */
    for (i = 0; i < T->dim; i++)
        mpfr_set_zero(T->y[i], 1);
    mpfr_set_zero(T->x, 1);
    r = _mpbias_dual_eval(T->ws, (const mpfr_t *) T->y, 0);
    if (r != MPBIAS_ODE_OK)
        return r;
    _mpbias_dual_origin(T->ws);
    _mpbias_dual_c_of_x(T->y[n], T->ws, T->x);
    mpfr_neg(T->y[n], T->y[n], MPFR_RNDN);
    /* the absolute floor of r's tolerance, relative to ell after a step
       of 2^-10 in x (c(2^-10): about the time then, at most 2^-10), or of
       2^-(10 + near) when a target lies that close to the start
       (near_start_bits) */
    mpfr_set_ui_2exp(T->t2, 1, (mpfr_exp_t) -(10 + near), MPFR_RNDN);
    _mpbias_dual_c_of_x(T->ell_floor, T->ws, T->t2);
    if (mpfr_cmp(T->ell_floor, T->t2) > 0)
        mpfr_set(T->ell_floor, T->t2, MPFR_RNDN);
    traj_margin(T);
    r = _mpbias_dual_rhs(T->yerr, T->x, (const mpfr_t *) T->y, T->ws);
    if (r != MPBIAS_ODE_OK)
        return r;
    /* the tolerance of nu before the first step, when w may be 0: kappa
       from w after an Euler step of 2^-(10 + near) in x (see traj_update_tol) */
    mpfr_set(T->ctrl->rtol, T->tol, MPFR_RNDN);
    for (i = 0; i < n; i++)
        mpfr_mul_2si(T->ya[i], T->yerr[i], -(long) (10 + near), MPFR_RNDN);
    r = _mpbias_dual_eval(T->ws, (const mpfr_t *) T->ya, 0);
    if (r == MPBIAS_ODE_OK)
        traj_update_tol(T);
    r = _mpbias_dual_eval(T->ws, (const mpfr_t *) T->y, 0);
    if (r != MPBIAS_ODE_OK)
        return r;
    traj_update_tol(T);
    /* first step: 1% of the scale on which the state changes (nu grows
       linearly in x for x << 1, whatever its size, by the choice of Msc:
       only r and x itself set the scale) */
    mpfr_set_ui(T->t1, 1, MPFR_RNDN);
    for (i = n; i < T->dim; i++)
        if (mpfr_cmpabs(T->yerr[i], T->t1) > 0)
            mpfr_abs(T->t1, T->yerr[i], MPFR_RNDN);
    mpfr_ui_div(T->ev->h, 1, T->t1, MPFR_RNDN);
    mpfr_div_ui(T->ev->h, T->ev->h, 100, MPFR_RNDN);
    mpfr_set(T->xa, T->x, MPFR_RNDN);
    for (i = 0; i < T->dim; i++)
        mpfr_set(T->ya[i], T->y[i], MPFR_RNDN);
    return MPBIAS_ODE_OK;
}

static void
traj_clear(traj *T)
{
    slong i;
    _mpbias_dual_clear(T->ws);
    mpbias_ode_radau_clear(T->rad);
    mpbias_ode_evolve_clear(T->ev);
    mpbias_ode_control_clear(T->ctrl);
    mpfr_clear(T->x);
    mpfr_clear(T->xa);
    mpfr_clear(T->tol);
    mpfr_clear(T->ln10);
    mpfr_clear(T->logN);
    mpfr_clear(T->ell);
    mpfr_clear(T->ell_floor);
    mpfr_clear(T->gam);
    mpfr_clear(T->t1);
    mpfr_clear(T->t2);
    mpfr_clear(T->xr);
    mpfr_clear(T->xi);
    mpfr_clear(T->row_xi);
    mpfr_clear(T->row_tol);
    mpfr_clear(T->evc_h);
    for (i = 0; i < NEV; i++)
        mpfr_clear(T->evc_target[i]);
    _mpbias_mpfr_vec_clear(T->yr, T->dim);
    _mpbias_mpfr_vec_clear(T->y, T->dim);
    _mpbias_mpfr_vec_clear(T->ya, T->dim);
    _mpbias_mpfr_vec_clear(T->yb, T->dim);
    _mpbias_mpfr_vec_clear(T->yerr, T->dim);
}

/* x for a target M = log(1/L_sum): x = log1p((M - M0) / Msc). */
static void
traj_x_of_M(traj *T, mpfr_t x, const mpfr_t M)
{
    mpfr_sub(x, M, T->ws->M0, MPFR_RNDN);
    mpfr_div(x, x, T->ws->Msc, MPFR_RNDN);
    mpfr_log1p(x, x, MPFR_RNDN);
}

/* Move the reference point nuref of the state to nu (the state's nu part
   becomes 0), and the stepper's last step with it (its polynomial is kept
   relative to its start yp).  The state carries nu - nuref, so that the
   error control's relative tolerance applies to the change of nu since
   the last fold, not to nu itself: on the plateau of small initialization
   scales nu is huge (D >= 3: near the blow-up point c0 / (D(D-2) z_i)) and
   the predictor depends on the tiny gaps between nu and that point, so a
   tolerance relative to nu would allow errors larger than the gaps (the
   absolute tolerance, tol / kappa from traj_update_tol, is at the scale
   of the gaps). */
static void
traj_fold(traj *T)
{
    slong k;
    /* the last step's start too: rows inside that step are re-stepped from it */
    for (k = 0; k < T->n; k++)
        mpfr_sub(T->ya[k], T->ya[k], T->y[k], MPFR_RNDN);
    mpfr_sub(T->ya[T->n + 1], T->ya[T->n + 1], T->y[T->n + 1], MPFR_RNDN);
    _mpbias_dual_fold(T->ws, T->y, T->rad->have_prev ? T->rad->yp : NULL);
}

/* Value of the event function at the state y (evaluated last, except
   for EV_XI): margin - target, ell - target or xi - target. */
static void
traj_event_value(traj *T, mpfr_t out, int ev, const mpfr_t *y, const mpfr_t target)
{
    if (ev == EV_MARGIN)
    {
        traj_margin(T);
        mpfr_sub(out, T->gam, target, MPFR_RNDN);
    }
    else if (ev == EV_TIME)
    {
        traj_ell(T, y);
        mpfr_sub(out, T->ell, target, MPFR_RNDN);
    }
    else
    {
        traj_xi(T, out, y);
        mpfr_sub(out, out, target, MPFR_RNDN);
    }
}

/* Events: 0 the target margin, 1 the target time (both stop the run),
   2 the next explicitly requested time (a row, then the run goes on),
   3 the stop's loss (set by traj_advance; the run lands on it); NEV. */
typedef struct
{
    int kind[NEV];              /* events in force */
    mpfr_t target[NEV];         /* their targets (margin, ell, ell) */
} events;

/* An exact re-step of size h from the start (xa, ya) of the last step
   into yout, the integrator's state and polynomial left alone; with the
   full MPFR Newton matrix if the double one fails (as evolve does). */
static int
traj_restep(traj *T, const mpfr_t h, mpfr_t *yout)
{
    int r;
    T->rad->jac_valid = 0;
    T->rad->hold_prev = 1;
    r = mpbias_ode_radau_step_retry(T->rad, &T->sys, T->ctrl, T->xa, (const mpfr_t *) T->ya, h, yout,
                                    T->yerr);
    T->rad->hold_prev = 0;
    T->rad->jac_valid = 0;
    return r;
}

/* Event value g(h) at x = xa + h: from a re-step of size h from
   (xa, ya) (exact) or from the accepted step's collocation polynomial
   (a locator).  Leaves the state in T->y, evaluated. */
static int
traj_g_at(traj *T, mpfr_t g, int kind, const mpfr_t target, const mpfr_t h, int exact)
{
    int r;
    mpfr_add(T->t1, T->xa, h, MPFR_RNDN);
    if (exact)
    {
        if ((r = traj_restep(T, h, T->y)) != MPBIAS_ODE_OK)
            return r;
    }
    else
        mpbias_ode_radau_dense(T->rad, T->t1, T->y);
    if (kind != EV_XI && (r = _mpbias_dual_eval(T->ws, (const mpfr_t *) T->y, 0)) != MPBIAS_ODE_OK)
        return r;
    traj_event_value(T, g, kind, (const mpfr_t *) T->y, target);
    return MPBIAS_ODE_OK;
}

void
_mpbias_secant_point(mpfr_t h, const mpfr_t hlo, const mpfr_t hhi, const mpfr_t glo,
                     const mpfr_t ghi, mpfr_t g)
{
    mpfr_sub(h, hhi, hlo, MPFR_RNDN);
    mpfr_sub(g, ghi, glo, MPFR_RNDN);
    mpfr_div(h, h, g, MPFR_RNDN);
    mpfr_mul(h, h, glo, MPFR_RNDN);
    mpfr_sub(h, hlo, h, MPFR_RNDN);
    if (!(mpfr_cmp(h, hlo) > 0 && mpfr_cmp(h, hhi) < 0))
    {
        mpfr_add(h, hlo, hhi, MPFR_RNDN);
        mpfr_div_2ui(h, h, 1, MPFR_RNDN);
    }
}

void
_mpbias_illinois_update(const mpfr_t h, const mpfr_t g, int reached, mpfr_t hlo, mpfr_t hhi,
                        mpfr_t glo, mpfr_t ghi, int *side)
{
    if (reached)
    {
        mpfr_set(hhi, h, MPFR_RNDN);
        mpfr_set(ghi, g, MPFR_RNDN);
        if (*side == 1)
            mpfr_div_2ui(glo, glo, 1, MPFR_RNDN);
        *side = 1;
    }
    else
    {
        mpfr_set(hlo, h, MPFR_RNDN);
        mpfr_set(glo, g, MPFR_RNDN);
        if (*side == -1)
            mpfr_div_2ui(ghi, ghi, 1, MPFR_RNDN);
        *side = -1;
    }
}

/* Illinois iteration on [hlo, hhi] with g(hlo) = gl < 0 <= gh = g(hhi),
   until the bracket is below 2^(8 - prec) hhi, or (gtol not NULL) a
   value on the reached side is below gtol; hhi is then the answer (the
   reached side). */
static int
traj_illinois(traj *T, int kind, const mpfr_t target, mpfr_t hlo, mpfr_t hhi, mpfr_t gl,
              mpfr_t gh, int exact, const mpfr_t gtol)
{
    int it, side = 0, r;
    mpfr_t h, g, w;
    mpfr_inits2(T->prec, h, g, w, (mpfr_ptr) 0);
    r = MPBIAS_ODE_OK;
    for (it = 0; it < 400; it++)
    {
        mpfr_sub(w, hhi, hlo, MPFR_RNDN);
        mpfr_mul_2si(h, hhi, -(long) T->prec + 8, MPFR_RNDN);
        if (mpfr_cmp(w, h) <= 0 || (gtol != NULL && mpfr_cmp(gh, gtol) <= 0))
            break;
        _mpbias_secant_point(h, hlo, hhi, gl, gh, g);
        if ((r = traj_g_at(T, g, kind, target, h, exact)) != MPBIAS_ODE_OK)
            break;
        _mpbias_illinois_update(h, g, mpfr_sgn(g) >= 0, hlo, hhi, gl, gh, &side);
    }
    mpfr_clears(h, g, w, (mpfr_ptr) 0);
    return r;
}

/* The step from (xa, ya) of size hfull crossed the event (g(0) = ga < 0
   <= gb = g(hfull)): find the crossing hout (on the reached side, to
   the working precision).  The accepted step's collocation polynomial
   locates it cheaply; re-steps from (xa, ya) then bracket it tightly and
   refine it with exact values (not with poly_only: the crossing of the
   polynomial, to gtol when not NULL).  Leaves T->y moved. */
static int
traj_locate(traj *T, int kind, const mpfr_t target, const mpfr_t hfull, const mpfr_t ga,
            const mpfr_t gb, mpfr_t hout, int poly_only, const mpfr_t gtol)
{
    int r, k;
    mpfr_t hlo, hhi, gl, gh, h1, g1, del;
    mpfr_inits2(T->prec, hlo, hhi, gl, gh, h1, g1, del, (mpfr_ptr) 0);
    /* 1. on the polynomial */
    mpfr_set_zero(hlo, 1);
    mpfr_set(hhi, hfull, MPFR_RNDN);
    mpfr_set(gl, ga, MPFR_RNDN);
    mpfr_set(gh, gb, MPFR_RNDN);
    T->rad->hold_prev = 1;
    r = traj_illinois(T, kind, target, hlo, hhi, gl, gh, 0, poly_only ? gtol : NULL);
    mpfr_set(h1, hhi, MPFR_RNDN);
    if (poly_only)
    {
        T->rad->hold_prev = 0;
        mpfr_set(hout, h1, MPFR_RNDN);
        mpfr_clears(hlo, hhi, gl, gh, h1, g1, del, (mpfr_ptr) 0);
        return r;
    }
    /* 2. exact value there, then a bracket [h1 - del, h1] or [h1, h1 + del]
       widened until it holds (at worst the whole step) */
    if (r == MPBIAS_ODE_OK)
        r = traj_g_at(T, g1, kind, target, h1, 1);
    mpfr_mul_2si(del, hfull, -40, MPFR_RNDN);
    for (k = 0; r == MPBIAS_ODE_OK; k++)
    {
        int whole = (k >= 3);
        if (mpfr_sgn(g1) >= 0)
        {
            mpfr_set(hhi, h1, MPFR_RNDN);
            mpfr_set(gh, g1, MPFR_RNDN);
            mpfr_sub(hlo, h1, del, MPFR_RNDN);
            if (whole || mpfr_sgn(hlo) <= 0)
            {
                mpfr_set_zero(hlo, 1);
                mpfr_set(gl, ga, MPFR_RNDN);
                break;
            }
            if ((r = traj_g_at(T, gl, kind, target, hlo, 1)) != MPBIAS_ODE_OK || mpfr_sgn(gl) < 0)
                break;
        }
        else
        {
            mpfr_set(hlo, h1, MPFR_RNDN);
            mpfr_set(gl, g1, MPFR_RNDN);
            mpfr_add(hhi, h1, del, MPFR_RNDN);
            if (whole || mpfr_cmp(hhi, hfull) >= 0)
            {
                mpfr_set(hhi, hfull, MPFR_RNDN);
                mpfr_set(gh, gb, MPFR_RNDN);
                break;
            }
            if ((r = traj_g_at(T, gh, kind, target, hhi, 1)) != MPBIAS_ODE_OK || mpfr_sgn(gh) >= 0)
                break;
        }
        mpfr_mul_2si(del, del, 13, MPFR_RNDN);
    }
    /* 3. exact Illinois in the bracket */
    if (r == MPBIAS_ODE_OK)
        r = traj_illinois(T, kind, target, hlo, hhi, gl, gh, 1, NULL);
    T->rad->hold_prev = 0;
    mpfr_set(hout, hhi, MPFR_RNDN);
    mpfr_clears(hlo, hhi, gl, gh, h1, g1, del, (mpfr_ptr) 0);
    return r;
}

static void
vec_set(mpfr_t *dst, const mpfr_t *src, slong len)
{
    slong i;
    for (i = 0; i < len; i++)
        mpfr_set(dst[i], src[i], MPFR_RNDN);
}

/* How close to a target xt (> 0) xi is placed: 2^-10 tol min(1, xt),
   as traj_update_tol's tolerance of xi (relative below 1, absolute above:
   dM / M = dxi), which xi itself is not known better than */
static void
xi_tol(traj *T, mpfr_t lim, const mpfr_t xt)
{
    mpfr_abs(lim, xt, MPFR_RNDN);
    if (mpfr_cmp_ui(lim, 1) > 0)
        mpfr_set_ui(lim, 1, MPFR_RNDN);
    mpfr_mul(lim, lim, T->tol, MPFR_RNDN);
    mpfr_mul_2si(lim, lim, -10, MPFR_RNDN);
}

/* The state at xi = xt by exact re-steps from the start (xa, ya) of the
   last step, which covers it: from h (a crossing on the step's
   polynomial), Newton's iteration on h (dxi/dx = theta, from the
   re-step's end) until xi is at xt to xi_tol (a few iterations, the
   polynomial's crossing being close already).  Into h
   and yout (not T->y's storage: that is the step's end, kept). */
static int
traj_xi_exact(traj *T, const mpfr_t xt, mpfr_t h, mpfr_t *yout)
{
    int r = MPBIAS_ODE_OK, it;
    mpfr_t g, hn, lim;
    mpfr_inits2(T->prec, g, hn, lim, (mpfr_ptr) 0);
    xi_tol(T, lim, xt);
    for (it = 0; it < 8; it++)
    {
        if ((r = traj_restep(T, h, yout)) != MPBIAS_ODE_OK)
            break;
        traj_event_value(T, g, EV_XI, (const mpfr_t *) yout, xt);
        if (mpfr_cmpabs(g, lim) <= 0)
            break;
        mpfr_add(hn, T->xa, h, MPFR_RNDN);
        if ((r = _mpbias_dual_rhs(T->yerr, hn, (const mpfr_t *) yout, T->ws)) != MPBIAS_ODE_OK)
            break;
        mpfr_div(g, g, T->yerr[T->n + 1], MPFR_RNDN);
        mpfr_sub(hn, h, g, MPFR_RNDN);
        mpfr_sub(g, T->x, T->xa, MPFR_RNDN);
        if (!(mpfr_sgn(hn) > 0 && mpfr_cmp(hn, g) <= 0))
            break;   /* out of the step: keep the last re-step */
        mpfr_set(h, hn, MPFR_RNDN);
    }
    mpfr_clears(g, hn, lim, (mpfr_ptr) 0);
    return r;
}

/* The row's state (xr, yr) by exact re-steps (traj_xi_exact) from the
   crossing xr on the step's polynomial. */
static int
traj_row_exact(traj *T)
{
    int r;
    mpfr_t h;
    T->row_dense = 0;
    if (mpfr_equal_p(T->xr, T->x) || mpfr_equal_p(T->xr, T->xa))
        return MPBIAS_ODE_OK;   /* landed there, or the step's start: exact already */
    mpfr_init2(h, T->prec);
    mpfr_sub(h, T->xr, T->xa, MPFR_RNDN);
    r = traj_xi_exact(T, T->row_xi, h, T->yr);
    mpfr_add(T->xr, T->xa, h, MPFR_RNDN);
    mpfr_clear(h);
    return r;
}

/* The crossing of xi = xt in the last step [xa, x] (which covers it:
   xi(y) >= xt) on the step's polynomial, into h (from xa); 0 when the
   step's start is on it already.  T->y is kept. */
static int
traj_row_h(traj *T, const mpfr_t xt, mpfr_t h)
{
    int r;
    mpfr_t ga, gb, gtol;
    mpfr_inits2(T->prec, ga, gb, gtol, (mpfr_ptr) 0);
    traj_event_value(T, ga, EV_XI, (const mpfr_t *) T->ya, xt);
    traj_event_value(T, gb, EV_XI, (const mpfr_t *) T->y, xt);
    mpfr_sub(h, T->x, T->xa, MPFR_RNDN);
    r = MPBIAS_ODE_OK;
    if (mpfr_sgn(ga) >= 0)
        mpfr_set_zero(h, 1);
    else if (mpfr_sgn(gb) > 0)
    {
        xi_tol(T, gtol, xt);
        traj_event_value(T, ga, EV_XI, (const mpfr_t *) T->ya, xt);
        vec_set(T->yb, (const mpfr_t *) T->y, T->dim);
        r = traj_locate(T, EV_XI, xt, h, ga, gb, h, 1, gtol);
        vec_set(T->y, (const mpfr_t *) T->yb, T->dim);
    }
    mpfr_clears(ga, gb, gtol, (mpfr_ptr) 0);
    return r;
}

/* The row at xi = xt in the last step (which covers it): on the step's
   polynomial when the run's own estimate of its error there is below
   row_tol (relative to the control's scales), else by exact re-steps
   (traj_row_exact). */
static int
traj_row_at(traj *T, const mpfr_t xt)
{
    int r;
    mpfr_t h;
    mpfr_init2(h, T->prec);
    mpfr_set(T->row_xi, xt, MPFR_RNDN);
    r = traj_row_h(T, xt, h);
    mpfr_add(T->xr, T->xa, h, MPFR_RNDN);
    T->row_dense = 0;
    if (r != MPBIAS_ODE_OK)
        ;
    else if (mpfr_zero_p(h))
        vec_set(T->yr, (const mpfr_t *) T->ya, T->dim);
    else if (mpfr_equal_p(T->xr, T->x))
        vec_set(T->yr, (const mpfr_t *) T->y, T->dim);
    else
    {
        T->row_dense = 1;
        mpbias_ode_radau_dense(T->rad, T->xr, T->yr);
        mpbias_ode_radau_dense_err(T->rad, T->xr, T->yerr);
        mpbias_ode_control_norm(h, T->ctrl, (const mpfr_t *) T->yerr, (const mpfr_t *) T->yr,
                                (const mpfr_t *) T->yr, MPBIAS_ODE_ALL);
        mpfr_mul(h, h, T->tol, MPFR_RNDN);
        if (!mpfr_lessequal_p(h, T->row_tol)
            || _mpbias_dual_eval(T->ws, (const mpfr_t *) T->yr, 0) != MPBIAS_ODE_OK)
            r = traj_row_exact(T);
    }
    mpfr_clear(h);
    return r;
}

static int traj_init(traj *T, const mpbias_data_t data, const mpbias_model_t model, mpfr_prec_t prec,
                     long tol_digits, slong stages, slong max_steps, slong near);
static void traj_clear(traj *T);
static void traj_boundary(traj *T);

/* The precision probe: the step of size h from the start (xa, ya) of the
   last step, taken by a copy of the run at PROBE_BITS(prec) bits (same
   method, stages and tolerance; fresh starting guesses, as after a
   restart).  1 if it succeeds with an error estimate <= 1 and ends in
   the closed form's domain: more bits would let the run take steps of
   that size. */
#define PROBE_BITS(p) ((p) + ((p) / 2 > 64 ? (p) / 2 : 64))
static int
traj_probe_more_bits(traj *T, const mpfr_t h)
{
    traj P;
    slong k;
    int r, ok = 0;
    mpfr_t hp;
    r = traj_init(&P, T->data, T->model, PROBE_BITS(T->prec), T->tol_digits, T->stages, T->max_steps,
                  T->near);
    if (r == MPBIAS_ODE_OK)
    {
        /* the same reference points and state (exact: more bits) */
        for (k = 0; k < T->n; k++)
            mpfr_set(P.ws->nuref[k], T->ws->nuref[k], MPFR_RNDN);
        mpfr_set(P.ws->xiref, T->ws->xiref, MPFR_RNDN);
        mpfr_set(P.x, T->xa, MPFR_RNDN);
        vec_set(P.y, (const mpfr_t *) T->ya, T->dim);
        P.rad->have_prev = 0;
        traj_boundary(&P);
        mpfr_set(P.xa, P.x, MPFR_RNDN);
        vec_set(P.ya, (const mpfr_t *) P.y, P.dim);
        mpfr_init2(hp, P.prec);
        mpfr_set(hp, h, MPFR_RNDN);
        r = traj_restep(&P, hp, P.ev->ynew);
        ok = r == MPBIAS_ODE_OK && P.rad->err <= 1.0
             && _mpbias_dual_eval(P.ws, (const mpfr_t *) P.ev->ynew, 0) == MPBIAS_ODE_OK;
        mpfr_clear(hp);
    }
    traj_clear(&P);
    return ok;
}

/* After an accepted step from (xa, ya) to x: is the step size held by
   the working precision rather than by the truncation error or the
   flow?  Two kinds of evidence, each measured, not a threshold alone;
   both look only at steps that crawl (NOISE_STALL) with sizes within a
   factor 4 of each other for NOISE_CALM accepted steps in a row.
   - Rounding noise in the error estimate.  The controller keeps err
     about 0.07; when the estimate is noise (the precision too low for
     the tolerance, as when a run starts below the precision it needs),
     err wanders in [1e-3, 1] whatever h, h stalls, and the run crawls
     (measured: transition, D = 3, alpha = 1e-30, started at 88 bits: h
     about 2e-6 to 1e-5 for x from 0.003 to 0.02 over 4000 steps).  The
     last step is redone (not kept) with a quarter of its size; a
     truncation error falls by 4^(s+1) at least, noise does not fall by
     16.  Returns 1.
   - Steps held by failed attempts (Newton diverging or leaving the
     domain at 2h and 4h) while err < 1e-3 (measured: the same case's
     checking run started at 40 bits: Newton's corrections NaN at every
     h from 0.01 down to 1e-17 at x = 0, then steps of 7e-18 with err
     1e-13, without end).  The step of 4h is taken by a copy of the run
     at more bits (traj_probe_more_bits); if it succeeds, the precision
     held the steps.  Returns 2.
   The probe steps' Jacobians are dropped and the stepper's polynomial
   kept. */
static int
traj_noise(traj *T)
{
    double err = T->rad->err, h, xs;
    int r, stalled;
    mpfr_sub(T->t2, T->x, T->xa, MPFR_RNDN);
    h = mpfr_get_d(T->t2, MPFR_RNDN);
    xs = fabs(mpfr_get_d(T->x, MPFR_RNDN));
    stalled = h > 0.0 && h <= NOISE_STALL * fmax(1.0, xs);
    /* held by failed attempts */
    if (!stalled || !(err < NOISE_ERR_MIN))
        T->crawl = 0;
    else
    {
        if (T->crawl == 0 || h < T->crawl_hmin)
            T->crawl_hmin = h;
        if (T->crawl == 0 || h > T->crawl_hmax)
            T->crawl_hmax = h;
        if (T->crawl == 0)
            T->crawl_rej = T->ev->rejected;
        T->crawl++;
        if (T->crawl_hmax > 4.0 * T->crawl_hmin)
        {
            T->crawl = 1;
            T->crawl_hmin = T->crawl_hmax = h;
            T->crawl_rej = T->ev->rejected;
        }
        else if (T->crawl >= NOISE_CALM)
        {
            /* err < 1e-3 proposes growth by 4 at every step: only
               rejections hold the sizes; seen in a quarter of them at least */
            int held = T->ev->rejected - T->crawl_rej >= NOISE_CALM / 4;
            T->crawl = 0;
            if (held)
            {
                mpfr_mul_2si(T->t2, T->t2, 2, MPFR_RNDN);
                if (traj_probe_more_bits(T, T->t2))
                    return 2;
            }
        }
    }
    /* rounding noise */
    mpfr_sub(T->t2, T->x, T->xa, MPFR_RNDN);
    if (!(err >= NOISE_ERR_MIN && err <= 1.0) || !stalled)
    {
        T->calm = 0;
        return 0;
    }
    if (T->calm == 0 || h < T->calm_hmin)
        T->calm_hmin = h;
    if (T->calm == 0 || h > T->calm_hmax)
        T->calm_hmax = h;
    T->calm++;
    if (T->calm_hmax > 4.0 * T->calm_hmin)
    {
        T->calm = 1;
        T->calm_hmin = T->calm_hmax = h;
        return 0;
    }
    if (T->calm < NOISE_CALM)
        return 0;
    T->calm = 0;
    mpfr_mul_2si(T->t2, T->t2, -2, MPFR_RNDN);
    T->rad->hold_prev = 1;
    T->rad->jac_valid = 0;
    r = mpbias_ode_radau_step(T->rad, &T->sys, T->ctrl, T->xa, (const mpfr_t *) T->ya, T->t2,
                              T->ev->ynew, T->ev->yerr);
    T->rad->hold_prev = 0;
    T->rad->jac_valid = 0;
    return r == MPBIAS_ODE_OK && T->rad->err > err / 16.0;
}

/* The events of the current step [xa, x] (hfull = x - xa): reached when
   the event function becomes >= 0 (none before the first step).  hit: the
   earliest one's index + 1 (0: none), hbest its offset from xa; cached
   per step (the same state gives the same crossings).  ga, gb, he:
   scratch.  Returns MPBIAS_ODE_OK or a failure code. */
static int
traj_step_events(traj *T, events *E, const mpfr_t hfull, int *hit, mpfr_t hbest, mpfr_t ga, mpfr_t gb,
                 mpfr_t he)
{
    int e, r;
    *hit = 0;
    if (T->evc_valid && T->evc_steps == T->ev->steps)
    {
        for (e = 0; e < NEV; e++)
            if (E->kind[e] != T->evc_kind[e]
                || (E->kind[e] != EV_NONE && !mpfr_equal_p(E->target[e], T->evc_target[e])))
                T->evc_valid = 0;
    }
    else
        T->evc_valid = 0;
    if (T->evc_valid)
    {
        *hit = T->evc_hit;
        mpfr_set(hbest, T->evc_h, MPFR_RNDN);
    }
    else if (mpfr_sgn(hfull) > 0)
    {
        vec_set(T->yb, (const mpfr_t *) T->y, T->dim);
        for (e = 0; e < NEV; e++)
        {
            if (E->kind[e] == EV_NONE)
                continue;
            if (E->kind[e] != EV_XI)
                _mpbias_dual_eval(T->ws, (const mpfr_t *) T->y, 0);
            traj_event_value(T, gb, E->kind[e], (const mpfr_t *) T->y, E->target[e]);
            if (mpfr_sgn(gb) < 0)
                continue;
            if (E->kind[e] != EV_XI)
                _mpbias_dual_eval(T->ws, (const mpfr_t *) T->ya, 0);
            traj_event_value(T, ga, E->kind[e], (const mpfr_t *) T->ya, E->target[e]);
            if (mpfr_sgn(ga) >= 0)
                mpfr_set_zero(he, 1);   /* reached already at the start */
            else if (E->kind[e] == EV_XI)
            {
                /* on the polynomial; exact when landing (traj_xi_exact) */
                if ((r = traj_row_h(T, E->target[e], he)) != MPBIAS_ODE_OK)
                    return r;
            }
            else if ((r = traj_locate(T, E->kind[e], E->target[e], hfull, ga, gb, he, 0, NULL)) != MPBIAS_ODE_OK)
                return r;
            if (*hit == 0 || mpfr_cmp(he, hbest) < 0)
            {
                mpfr_set(hbest, he, MPFR_RNDN);
                *hit = e + 1;
            }
            /* the locator moved y: restore the step's end for the next event */
            vec_set(T->y, (const mpfr_t *) T->yb, T->dim);
        }
        _mpbias_dual_eval(T->ws, (const mpfr_t *) T->y, 0);
        traj_margin(T);
        T->evc_valid = 1;
        T->evc_steps = T->ev->steps;
        T->evc_hit = *hit;
        if (*hit)
            mpfr_set(T->evc_h, hbest, MPFR_RNDN);
        for (e = 0; e < NEV; e++)
        {
            T->evc_kind[e] = E->kind[e];
            if (E->kind[e] != EV_NONE)
                mpfr_set(T->evc_target[e], E->target[e], MPFR_RNDN);
        }
    }
    return MPBIAS_ODE_OK;
}

/* The progress report after an accepted step: the run's loss (the stop's
   for a step past it: the run lands on the stop), steps; prog's return. */
static int
traj_progress(traj *T, const mpfr_t Mstop, mpbias_flow_progress_fn prog, void *ctx,
              mpbias_flow_stats *stats, int checking)
{
    double l = mpfr_get_d(T->ws->logL, MPFR_RNDN) / log(10.0);
    if (!mpfr_inf_p(Mstop) && l < -mpfr_get_d(Mstop, MPFR_RNDN) / log(10.0))
        l = -mpfr_get_d(Mstop, MPFR_RNDN) / log(10.0);
    if (T->mean)
        l -= log10((double) T->n);
    stats->checking = checking;
    if (checking)
    {
        stats->log10_loss_check = l;
        stats->steps_check = T->ev->steps;
    }
    else
    {
        stats->log10_loss = l;
        stats->steps = T->ev->steps;
        stats->rejected = T->ev->rejected;
    }
    return prog(stats, ctx);
}

/* The end xend of the next step's range: not far past the stop xs, at
   most twice the x that the last step's slope dxi/dx puts it at (the run
   lands on the stop by its event; an unbounded last step would overshoot
   it by orders of magnitude of the loss); +inf without a stop or a last
   step.  T->xi is the current xi; s1, s2: scratch. */
static void
traj_step_bound(traj *T, mpfr_t xend, const mpfr_t xs, mpfr_t s1, mpfr_t s2)
{
    mpfr_set_inf(xend, 1);
    if (!mpfr_inf_p(xs) && mpfr_cmp(T->x, T->xa) > 0)
    {
        traj_xi(T, s1, (const mpfr_t *) T->ya);
        mpfr_sub(s1, T->xi, s1, MPFR_RNDN);
        mpfr_sub(s2, T->x, T->xa, MPFR_RNDN);
        mpfr_div(s1, s1, s2, MPFR_RNDN);               /* dxi/dx */
        mpfr_sub(s2, xs, T->xi, MPFR_RNDN);
        if (mpfr_sgn(s1) > 0 && mpfr_number_p(s1))
        {
            mpfr_div(s2, s2, s1, MPFR_RNDN);
            mpfr_mul_2ui(s2, s2, 1, MPFR_RNDN);
            mpfr_add(xend, T->x, s2, MPFR_RNDN);
        }
    }
}

/* Advance until the last step covers xi = xt (the xi of the loss M = Mt),
   then set the row's state there, or until one of the events is reached
   (the run lands on it; returns the event index + 1, or 0 when xt was
   reached; negative: ODE failure code negated).  Steps are never
   shortened to a row: the integrator lands only on the stop (the loss
   Mstop, event 3, then a row that returns 0) and on events; the row at xt
   comes from the last step's collocation polynomial (row_dense) when the
   run's own estimate of its error is below row_tol, else from exact
   re-steps from the step's start (traj_row_at), so that rows cost no
   steps and do not change the run.  When a step crosses two events, the
   earlier one counts; an event beyond the row in the step that covers
   the row is found again (the events of the current step are checked at
   every call) once the rows before it are out. */
static int
traj_advance(traj *T, const mpfr_t Mt, const mpfr_t Mstop, events *E,
             mpbias_flow_progress_fn prog, void *ctx, mpbias_flow_stats *stats, int checking,
             const mpbias_flow_opts *o, int *interrupted)
{
    int r, hit, landed = 0, stop_row;
    mpfr_t ga, gb, hfull, he, hbest, xt, xs, xend;

    mpfr_inits2(T->prec, ga, gb, hfull, he, hbest, xt, xs, xend, (mpfr_ptr) 0);
    T->calm = 0;
    T->crawl = 0;
    /* the xi of the target and of the stop, in this run's own precision and M0 */
    if (mpfr_inf_p(Mt))
        mpfr_set_inf(xt, 1);
    else
        traj_x_of_M(T, xt, Mt);
    if (mpfr_inf_p(Mstop))
        mpfr_set_inf(xs, 1);
    else
        traj_x_of_M(T, xs, Mstop);
    if (mpfr_cmp(xs, xt) < 0)
        mpfr_set(xt, xs, MPFR_RNDN);
    stop_row = !mpfr_inf_p(xs) && mpfr_equal_p(xs, xt);
    E->kind[3] = mpfr_inf_p(xs) ? EV_NONE : EV_XI;
    mpfr_set(E->target[3], xs, MPFR_RNDN);
    mpfr_set(T->row_xi, xt, MPFR_RNDN);
    r = 0;
    for (;;)
    {
        /* events of the current step [xa, x]: reached when the event
           function becomes >= 0 (none before the first step) */
        mpfr_sub(hfull, T->x, T->xa, MPFR_RNDN);
        if ((r = traj_step_events(T, E, hfull, &hit, hbest, ga, gb, he)) != MPBIAS_ODE_OK)
        {
            r = -r;
            goto done;
        }
        traj_xi(T, T->xi, (const mpfr_t *) T->y);
        if (hit && !(hit == 4 && stop_row) && mpfr_cmp(T->xi, xt) >= 0)
        {
            /* an event beyond the row in the step that covers the row: the
               row first (the event is found again at the next call) */
            if ((r = traj_row_h(T, xt, he)) != MPBIAS_ODE_OK)
            {
                r = -r;
                goto done;
            }
            if (mpfr_cmp(hbest, he) > 0)
                hit = 0;
        }
        if (hit)
        {
            /* land on the earliest crossing (reached side) */
            if (mpfr_zero_p(hbest))
            {
                mpfr_set(T->x, T->xa, MPFR_RNDN);
                vec_set(T->y, (const mpfr_t *) T->ya, T->dim);
            }
            else
            {
                T->rad->hold_prev = 1;
                if (E->kind[hit - 1] == EV_XI)
                {
                    r = traj_xi_exact(T, E->target[hit - 1], hbest, T->yb);
                    vec_set(T->y, (const mpfr_t *) T->yb, T->dim);
                }
                else
                    r = traj_g_at(T, ga, E->kind[hit - 1], E->target[hit - 1], hbest, 1);
                T->rad->hold_prev = 0;
                if (r != MPBIAS_ODE_OK)
                {
                    r = -r;
                    goto done;
                }
                mpfr_add(T->x, T->xa, hbest, MPFR_RNDN);
            }
            T->rad->jac_valid = 0;
            T->evc_valid = 0;
            _mpbias_dual_eval(T->ws, (const mpfr_t *) T->y, 0);
            traj_margin(T);
            landed = 1;
            r = hit == 4 ? 0 : hit;   /* the stop: the row at the target */
            goto done;
        }
        if (mpfr_cmp(T->xi, xt) >= 0)
            break;
        if (T->ev->steps >= T->max_steps)
        {
            r = -MPBIAS_ODE_MAX_STEPS;
            break;
        }
        /* nu and xi from the step's start: the controller's relative
           tolerance then applies to their change, not to them (see
           traj_fold) */
        /* not far past the stop (traj_step_bound) */
        traj_step_bound(T, xend, xs, he, hbest);
        traj_fold(T);
        mpfr_set(T->xa, T->x, MPFR_RNDN);
        vec_set(T->ya, (const mpfr_t *) T->y, T->dim);
        r = mpbias_ode_evolve_apply(T->ev, T->rad, T->ctrl, &T->sys, T->x, xend, T->y);
        if (r != MPBIAS_ODE_OK)
        {
            r = -r;
            break;
        }
        if ((r = traj_noise(T)) != 0)
        {
            r = r == 1 ? -MPBIAS_ODE_NOISE : -MPBIAS_ODE_PRECISION;
            break;
        }
        if ((r = _mpbias_dual_eval(T->ws, (const mpfr_t *) T->y, 0)) != MPBIAS_ODE_OK)
        {
            /* an accepted step that ends outside the closed form's domain:
               the flow's doing, or the precision's (the same step at more
               bits ends inside) */
            mpfr_sub(T->t2, T->x, T->xa, MPFR_RNDN);
            r = traj_probe_more_bits(T, T->t2) ? -MPBIAS_ODE_PRECISION : -r;
            break;
        }
        traj_margin(T);
        traj_update_tol(T);
        if (prog != NULL && stats != NULL && traj_progress(T, Mstop, prog, ctx, stats, checking) != 0)
        {
            *interrupted = 1;
            r = 0;
            break;
        }
        if (o != NULL && o->interrupt_fn != NULL && o->interrupt_fn(o->interrupt_ctx) != 0)
        {
            *interrupted = 1;
            r = 0;
            break;
        }
    }
    /* the row: where the run is, or on the last step's polynomial */
    if (r == 0 && !*interrupted && (r = traj_row_at(T, xt)) != MPBIAS_ODE_OK)
        r = -r;
done:
    if (landed)
    {
        /* an event: the row is where the run landed */
        mpfr_set(T->xr, T->x, MPFR_RNDN);
        T->row_dense = 0;
        vec_set(T->yr, (const mpfr_t *) T->y, T->dim);
    }
    mpfr_clears(ga, gb, hfull, he, hbest, xt, xs, xend, (mpfr_ptr) 0);
    return r;
}

/* Fill a row from the trajectory's row state (xr, yr). */
static int
traj_row(traj *T, mpbias_flow_row *row, const mpbias_model_t model)
{
    slong i;
    int r;
    mpfr_ptr t1 = T->t1;
    if ((r = _mpbias_dual_eval(T->ws, (const mpfr_t *) T->yr, 0)) != MPBIAS_ODE_OK)
        return r;
    traj_margin(T);
    mpfr_set(row->margin, T->gam, MPFR_RNDN);
    /* log10 loss */
    mpfr_set(t1, T->ws->logL, MPFR_RNDN);
    if (T->mean)
        mpfr_sub(t1, t1, T->logN, MPFR_RNDN);
    mpfr_div(row->log10_loss, t1, T->ln10, MPFR_RNDN);
    /* log t = ell + log(1 - e^-ell) */
    traj_ell(T, (const mpfr_t *) T->yr);
    mpfr_neg(t1, T->ell, MPFR_RNDN);
    mpfr_expm1(t1, t1, MPFR_RNDN);
    mpfr_neg(t1, t1, MPFR_RNDN);
    mpfr_log(t1, t1, MPFR_RNDN);
    mpfr_add(t1, t1, T->ell, MPFR_RNDN);
    if (T->mean)
        mpfr_add(t1, t1, T->logN, MPFR_RNDN);
    mpfr_div(row->log10_t, t1, T->ln10, MPFR_RNDN);
    /* wbar, mu */
    for (i = 0; i < T->d; i++)
    {
        mpfr_set(row->w[i], T->ws->w[i], MPFR_RNDN);
        if (mpfr_sgn(T->gam) > 0)
            mpfr_div(row->wbar[i], T->ws->w[i], T->gam, MPFR_RNDN);
        else
            mpfr_set_nan(row->wbar[i]);
    }
    if (model->shape_a == NULL && mpfr_sgn(T->gam) > 0)
    {
        fmpq_get_mpfr(t1, model->alpha, MPFR_RNDN);
        mpfr_rootn_ui(row->mu, T->gam, (unsigned long) model->depth, MPFR_RNDN);
        mpfr_div(row->mu, t1, row->mu, MPFR_RNDN);
    }
    else
        mpfr_set_nan(row->mu);
    for (i = 0; i < T->n; i++)
        mpfr_set(row->nu[i], T->ws->nu[i], MPFR_RNDN);
    return MPBIAS_ODE_OK;
}

/* err = max(err, |a - b| / den) */
static void
err_update(mpfr_t err, const mpfr_t a, const mpfr_t b, const mpfr_t den, mpfr_t tmp)
{
    if ((mpfr_nan_p(a) && mpfr_nan_p(b)) || (mpfr_inf_p(a) && mpfr_equal_p(a, b)))
        return;
    mpfr_sub(tmp, a, b, MPFR_RNDN);
    mpfr_abs(tmp, tmp, MPFR_RNDN);
    mpfr_div(tmp, tmp, den, MPFR_RNDN);
    if (mpfr_nan_p(tmp) || mpfr_cmp(tmp, err) > 0)
        mpfr_set(err, tmp, MPFR_RNDN);
}

/* The error estimate of row b (accurate) from row a (checking run). */
static void
row_compare(mpbias_flow_row *b, const mpbias_flow_row *a)
{
    mpfr_t den, tmp;
    slong i;
    mpfr_init2(den, 64);
    mpfr_init2(tmp, 64);
    mpfr_set_zero(b->err_est, 1);
    mpfr_abs(den, b->log10_t, MPFR_RNDN);
    if (mpfr_cmp_ui(den, 1) < 0)
        mpfr_set_ui(den, 1, MPFR_RNDN);
    err_update(b->err_est, a->log10_t, b->log10_t, den, tmp);
    /* t > 0 at every row: a log(1 + t) that is not positive (a time far
       below the initial time scale, not resolved at the working precision)
       gives -inf or NaN, which must not pass as agreement */
    if (!mpfr_number_p(a->log10_t) || !mpfr_number_p(b->log10_t))
    {
        mpfr_set_nan(b->err_est);
        mpfr_clear(den);
        mpfr_clear(tmp);
        return;
    }
    mpfr_abs(den, b->log10_loss, MPFR_RNDN);
    if (mpfr_cmp_ui(den, 1) < 0)
        mpfr_set_ui(den, 1, MPFR_RNDN);
    err_update(b->err_est, a->log10_loss, b->log10_loss, den, tmp);
    mpfr_abs(den, b->margin, MPFR_RNDN);
    err_update(b->err_est, a->margin, b->margin, den, tmp);
    mpfr_set_zero(den, 1);
    for (i = 0; i < b->d; i++)
        if (mpfr_cmpabs(b->wbar[i], den) > 0)
            mpfr_abs(den, b->wbar[i], MPFR_RNDN);
    for (i = 0; i < b->d; i++)
        err_update(b->err_est, a->wbar[i], b->wbar[i], den, tmp);
    mpfr_set_zero(den, 1);
    for (i = 0; i < b->d; i++)
        if (mpfr_cmpabs(b->w[i], den) > 0)
            mpfr_abs(den, b->w[i], MPFR_RNDN);
    if (!mpfr_zero_p(den))
        for (i = 0; i < b->d; i++)
            err_update(b->err_est, a->w[i], b->w[i], den, tmp);
    /* nu normwise too */
    mpfr_set_zero(den, 1);
    for (i = 0; i < b->n; i++)
        if (mpfr_cmpabs(b->nu[i], den) > 0)
            mpfr_abs(den, b->nu[i], MPFR_RNDN);
    for (i = 0; i < b->n; i++)
        err_update(b->err_est, a->nu[i], b->nu[i], den, tmp);
    mpfr_clear(den);
    mpfr_clear(tmp);
}

/* ---- the schedule of checkpoints, in L10 = log10(1/eps) (model's
   convention): j/K up to 100, then 100 * 10^(i/K). */
static void
sched_value(mpfr_t out, slong idx, int K)
{
    if (idx <= 100L * K)
    {
        mpfr_set_si(out, (long) idx, MPFR_RNDN);
        mpfr_div_ui(out, out, (unsigned long) K, MPFR_RNDN);
    }
    else
    {
        slong i = idx - 100L * K;
        mpfr_set_si(out, (long) i, MPFR_RNDN);
        mpfr_div_ui(out, out, (unsigned long) K, MPFR_RNDN);
        mpfr_add_ui(out, out, 2, MPFR_RNDN);
        mpfr_exp10(out, out, MPFR_RNDN);
    }
}

/* Whether two log10(1/eps) targets agree to the working precision. */
static int
l10_near(const mpfr_t a, const mpfr_t b, mpfr_prec_t prec)
{
    mpfr_t d, m;
    int r;
    if (mpfr_inf_p(a) || mpfr_inf_p(b))
        return mpfr_equal_p(a, b);
    mpfr_init2(d, 64);
    mpfr_init2(m, 64);
    mpfr_sub(d, a, b, MPFR_RNDN);
    mpfr_abs(d, d, MPFR_RNDN);
    if (mpfr_cmpabs(a, b) > 0)
        mpfr_abs(m, a, MPFR_RNDN);
    else
        mpfr_abs(m, b, MPFR_RNDN);
    if (mpfr_cmp_ui(m, 1) < 0)
        mpfr_set_ui(m, 1, MPFR_RNDN);
    mpfr_mul_2si(m, m, -(long) prec + 16, MPFR_RNDN);
    r = mpfr_cmp(d, m) <= 0;
    mpfr_clear(d);
    mpfr_clear(m);
    return r;
}

static int
cmp_sci_log(const void *a, const void *b)
{
    const mpfr_t *x = a, *y = b;
    return mpfr_cmp(*x, *y);
}

/* Stages of the Radau IIA method for K digits: the order 2s - 1 (and
   the stage order s, which bounds the stiff component q) grow with the
   digits so that steps stay long.  6 + 0.6 K was the fastest choice on
   the built-in examples at K = 16, 30 and 50 (doc/benchmarks-flow.md). */
static slong
default_stages(slong K)
{
    slong s = 6 + (3 * K + 2) / 5;
    return s > 100 ? 100 : s;
}
/* guard bits from the largest margin the run can reach */
static slong
guard_bits(const mpbias_flow_opts *o, const mpbias_model_t model, slong n)
{
    double gmax = 1.0, la;
    if (o->until_loss_set)
    {
        /* margin <= log(1/eps) + log N */
        double e = fmpz_get_d(o->until_loss->exp10);
        double m = fmpq_get_d(o->until_loss->mant);
        double g = -(e * log(10.0) + log(m)) + log((double) n) + 1.0;
        if (g > gmax)
            gmax = g;
    }
    if (o->until_margin_set)
    {
        double g = fmpq_get_d(o->until_margin);
        if (g > gmax)
            gmax = g;
    }
    if (o->until_time_set)
    {
        double g = (fmpz_get_d(o->until_time->exp10) + 1.0) * log(10.0);
        if (g > gmax)
            gmax = g;
    }
    if (!isfinite(gmax))
        gmax = 1e300;
    la = model->shape_a ? 0.0 : log2(fmpq_get_d(model->alpha));
    if (!isfinite(la))
        la = la > 0 ? 4096 : -4096;
    if (la >= 0)
        return (slong) (log2(1.0 + gmax) + model->depth * la + 32.0);
    /* alpha < 1: the gaps 1 - c s_i of D >= 3, about alpha^(D-2)
       gamma^(-(D-2)/D) (math.md section 3), are formed at a higher
       precision from the state (dual.c), and the tolerance of nu is at
       their scale (traj_update_tol); dr/dx has no cancellation at t = 0
       (dual.c fr_value).  log(1 + t) - c(x) is a difference of numbers of
       size |log Phi(0)| <= 2D |log alpha| + O(1); w of D = 2 is sinh(4 s)
       with s up to about |log alpha| */
    return (slong) (log2(1.0 + gmax) + log2(1.0 - 2.0 * model->depth * la) + 32.0);
}

/* Extra bits for loss targets eps just below the initial loss L0 (exp: N,
   logistic: N log 2; mean loss: divided by N): the time there is about
   g = log(L0 / eps), and log(1 + t) = r + c(x) is a difference of O(1)
   terms of the state, so about log2(1/g) bits cancel.  g comes from
   mpbias_sci_log (correctly rounded) of eps / N: relative accuracy for
   the exponential loss; the logistic loss's log(log 2) is a rounded
   constant, so there the bits are capped by the precision used. */
static slong
near_start_bits(const mpbias_flow_opts *o, const mpbias_model_t model, slong n)
{
    mpfr_prec_t P = (mpfr_prec_t) (8 * (o->digits + 12) + 64);
    slong best = 0, i, cnt = o->n_at_loss + (o->until_loss_set != 0);
    mpbias_sci_t q;
    mpfr_t g, l;
    mpbias_sci_init(q);
    mpfr_inits2(P, g, l, (mpfr_ptr) 0);
    for (i = 0; i < cnt; i++)
    {
        const mpbias_sci_struct *eps = i < o->n_at_loss ? o->at_loss + i : o->until_loss;
        slong b;
        /* q = eps / N for the summed loss: g = -log q (- log log 2) */
        mpbias_sci_set(q, eps);
        if (!model->mean)
            fmpz_mul_si(fmpq_denref(q->mant), fmpq_denref(q->mant), n);
        fmpq_canonicalise(q->mant);
        mpbias_sci_log(g, q, MPFR_RNDN);
        mpfr_neg(g, g, MPFR_RNDN);
        if (model->loss == MPBIAS_LOSS_LOGISTIC)
        {
            mpfr_const_log2(l, MPFR_RNDN);
            mpfr_log(l, l, MPFR_RNDN);
            mpfr_add(g, g, l, MPFR_RNDN);
        }
        if (mpfr_sgn(g) <= 0)
            continue;   /* not below the start: refused later */
        b = mpfr_get_exp(g) < 0 ? (slong) -mpfr_get_exp(g) + 1 : 0;
        if (b > best)
            best = b;
    }
    if (model->loss == MPBIAS_LOSS_LOGISTIC && best > P - 16)
        best = P - 16;
    if (best > 1L << 20)
        best = 1L << 20;   /* beyond: the run reports what it cannot certify */
    mpfr_clears(g, l, (mpfr_ptr) 0);
    mpbias_sci_clear(q);
    return best;
}

/* ---- checkpoints -------------------------------------------------------

   At a row boundary the driver forgets what is not part of the state
   (the Jacobian, the refined-estimate flag) and recomputes the error
   control's weights from the state: the run from there depends only on
   (x, y, h) of both runs, the last step's start (xa, ya) and collocation
   polynomial (rows inside that step and the next step's starting guess
   come from it), and the driver's counters.  That state, written exactly
   (MPFR values in hexadecimal), is the checkpoint, so that a resumed run
   computes the same bits as an uninterrupted one, whenever checkpoints
   are written.  Format version 4 (3 had no xi: x was xi; 2 no working precision wprec, 1 no
   xa, ya, polynomial). */

static void
traj_boundary(traj *T)
{
    T->rad->jac_valid = 0;
    T->rad->refine_err = 0;
    /* the events of the current step are found again, in the folded
       frame, as a resumed run finds them: a crossing cached from before
       the fold started the landing's Newton iteration from a point that
       differed in its last bits (measured: the stop row after a resume
       from the row before it, in the same step, differed in the last bit
       of log10 t) */
    T->evc_valid = 0;
    traj_fold(T);
    _mpbias_dual_eval(T->ws, (const mpfr_t *) T->y, 0);
    traj_margin(T);
    traj_update_tol(T);
}

#define CK_MAGIC "mpbias-flow-checkpoint"
#define CK_VERSION 4

typedef struct
{
    char *p;
    size_t len, cap;
    int oom;
} sbuf;

static void
sb_printf(sbuf *b, const char *fmt, ...) MPBIAS_PRINTF(2, 3);

static void
sb_printf(sbuf *b, const char *fmt, ...)
{
    va_list ap;
    int n;
    if (b->oom)
        return;
    va_start(ap, fmt);
    n = vsnprintf(b->p != NULL ? b->p + b->len : NULL, b->p != NULL ? b->cap - b->len : 0, fmt, ap);
    va_end(ap);
    if (n < 0)
    {
        b->oom = 1;
        return;
    }
    if (b->p == NULL || b->len + (size_t) n + 1 > b->cap)
    {
        size_t nc = b->cap ? b->cap : 1024;
        char *t;
        while (nc < b->len + (size_t) n + 1)
            nc *= 2;
        if ((t = realloc(b->p, nc)) == NULL)
        {
            b->oom = 1;
            return;
        }
        b->p = t;
        b->cap = nc;
        va_start(ap, fmt);
        vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
    }
    b->len += (size_t) n;
}

/* exact text of x: nan, inf, -inf, 0, -0, or [-]HEX@E = 0.HEX * 16^E */
static void
sb_mpfr(sbuf *b, const char *key, const mpfr_t x)
{
    if (mpfr_nan_p(x))
        sb_printf(b, "%s nan\n", key);
    else if (mpfr_inf_p(x))
        sb_printf(b, "%s %sinf\n", key, mpfr_sgn(x) < 0 ? "-" : "");
    else if (mpfr_zero_p(x))
        sb_printf(b, "%s %s0\n", key, mpfr_signbit(x) ? "-" : "");
    else
    {
        mpfr_exp_t e;
        char *str = mpfr_get_str(NULL, &e, 16, 0, x, MPFR_RNDN);
        if (str == NULL)
        {
            b->oom = 1;
            return;
        }
        sb_printf(b, "%s %s@%ld\n", key, str, (long) e);
        mpfr_free_str(str);
    }
}

static void
sb_fmpq(sbuf *b, const fmpq_t q)
{
    char *str = fmpq_get_str(NULL, 10, q);
    if (str == NULL)
    {
        b->oom = 1;
        return;
    }
    sb_printf(b, " %s", str);
    flint_free(str);
}

static void
sb_sci(sbuf *b, const mpbias_sci_struct *x)
{
    char *str;
    sb_fmpq(b, x->mant);
    str = fmpz_get_str(NULL, 10, x->exp10);
    if (str == NULL)
    {
        b->oom = 1;
        return;
    }
    sb_printf(b, "e%s", str);
    flint_free(str);
}

uint64_t
mpbias_checksum(const char *p, size_t n)
{
    uint64_t h = UINT64_C(14695981039346656037);
    size_t i;
    for (i = 0; i < n; i++)
    {
        h ^= (unsigned char) p[i];
        h *= UINT64_C(1099511628211);
    }
    return h;
}

/* A fingerprint of everything that determines the run. */
static uint64_t
run_fingerprint(const mpbias_data_t data, const mpbias_model_t model, const mpbias_flow_opts *o,
                int *oom)
{
    sbuf b = { NULL, 0, 0, 0 };
    slong i;
    uint64_t h;
    sb_printf(&b, "%s %s n %ld d %ld z", CK_MAGIC, MPBIAS_VERSION_STRING, (long) data->n,
              (long) data->d);
    for (i = 0; i < data->n * data->d; i++)
        sb_fmpq(&b, data->z + i);
    sb_printf(&b, "\ndepth %d loss %d mean %d alpha", model->depth, (int) model->loss, model->mean);
    sb_fmpq(&b, model->alpha);
    sb_printf(&b, "\nshape %ld", (long) (model->shape_a != NULL ? model->d : 0));
    for (i = 0; model->shape_a != NULL && i < model->d; i++)
    {
        sb_fmpq(&b, model->shape_a + i);
        sb_fmpq(&b, model->shape_b + i);
    }
    sb_printf(&b, "\ndigits %d prec %ld per_decade %d verify %d max_steps %ld stages %ld",
              o->digits, (long) o->prec, o->per_decade, o->verify, (long) o->max_steps,
              (long) o->stages);
    sb_printf(&b, "\nstart_prec %ld max_prec %ld", (long) o->start_prec, (long) o->max_prec);
    sb_printf(&b, "\nuntil_loss %d", o->until_loss_set);
    if (o->until_loss_set)
        sb_sci(&b, o->until_loss);
    sb_printf(&b, "\nuntil_margin %d", o->until_margin_set);
    if (o->until_margin_set)
        sb_fmpq(&b, o->until_margin);
    sb_printf(&b, "\nuntil_time %d", o->until_time_set);
    if (o->until_time_set)
        sb_sci(&b, o->until_time);
    sb_printf(&b, "\nat_loss %ld", (long) o->n_at_loss);
    for (i = 0; i < o->n_at_loss; i++)
        sb_sci(&b, o->at_loss + i);
    sb_printf(&b, "\nat_time %ld", (long) o->n_at_time);
    for (i = 0; i < o->n_at_time; i++)
        sb_sci(&b, o->at_time + i);
    *oom = b.oom;
    h = b.oom ? 0 : mpbias_checksum(b.p, b.len);
    free(b.p);
    return h;
}

/* The reference point of state component i (nu_i or xi), NULL for r */
static mpfr_ptr
traj_ref(traj *T, slong i)
{
    return i < T->n ? T->ws->nuref[i] : i == T->n + 1 ? T->ws->xiref : NULL;
}

static void
ck_put_traj(sbuf *b, const char *name, traj *T)
{
    slong i;
    sb_printf(b, "traj %s\nprec %ld\n", name, (long) T->prec);
    sb_mpfr(b, "x", T->x);
    sb_mpfr(b, "h", T->ev->h);
    sb_printf(b, "counters %ld %ld %ld %ld %ld %ld\n", (long) T->ev->steps, (long) T->ev->rejected,
              (long) T->rad->nfev, (long) T->rad->njev, (long) T->rad->nlu, (long) T->rad->nnewton);
    sb_printf(b, "dim %ld\n", (long) T->dim);
    /* nu and xi themselves (at a row boundary the state's nu and xi parts
       are 0 and nu, xi are the reference points: exact), r */
    for (i = 0; i < T->dim; i++)
    {
        mpfr_ptr ref = traj_ref(T, i);
        if (ref != NULL)
        {
            mpfr_add(T->ws->thi, ref, T->y[i], MPFR_RNDN);
            sb_mpfr(b, "y", T->ws->thi);
        }
        else
            sb_mpfr(b, "y", T->y[i]);
    }
    /* the last step's start and its collocation polynomial (rows and the
       next step's starting guess come from it) */
    sb_mpfr(b, "xa", T->xa);
    for (i = 0; i < T->dim; i++)
        sb_mpfr(b, "ya", T->ya[i]);
    sb_printf(b, "poly %d %ld\n", T->rad->have_prev, (long) T->rad->s);
    if (T->rad->have_prev)
    {
        sb_mpfr(b, "xp", T->rad->xp);
        sb_mpfr(b, "hp", T->rad->hp);
        for (i = 0; i < T->dim; i++)
            sb_mpfr(b, "yp", T->rad->yp[i]);
        for (i = 0; i < T->rad->s * T->dim; i++)
            sb_mpfr(b, "Zp", T->rad->Zp[i]);
    }
}

/* ---- reading a checkpoint: strict, line by line ---- */

typedef struct
{
    const char *p, *end;
    long line;
    char key[32];
    const char *val;
    size_t vlen;
} ckin;

/* next line, which must start with `key` (then val is the rest) */
static int
ck_next(ckin *c, const char *key)
{
    const char *le, *sp;
    size_t kl = strlen(key);
    if (c->p >= c->end)
        return 0;
    le = memchr(c->p, '\n', (size_t) (c->end - c->p));
    if (le == NULL)
        return 0;
    c->line++;
    sp = memchr(c->p, ' ', (size_t) (le - c->p));
    if (sp == NULL)
        sp = le;
    if ((size_t) (sp - c->p) != kl || memcmp(c->p, key, kl) != 0)
        return 0;
    c->val = sp < le ? sp + 1 : le;
    c->vlen = (size_t) (le - c->val);
    c->p = le + 1;
    return 1;
}

static int
ck_long(ckin *c, const char *key, long *v)
{
    char buf[32], *e;
    if (!ck_next(c, key) || c->vlen == 0 || c->vlen >= sizeof buf)
        return 0;
    memcpy(buf, c->val, c->vlen);
    buf[c->vlen] = '\0';
    *v = strtol(buf, &e, 10);
    return *e == '\0';
}

static int
ck_mpfr(ckin *c, const char *key, mpfr_t x)
{
    char *buf, *at;
    int ok;
    if (!ck_next(c, key) || c->vlen == 0 || c->vlen > 1000000)
        return 0;
    if ((buf = malloc(c->vlen + 4)) == NULL)
        return 0;
    memcpy(buf, c->val, c->vlen);
    buf[c->vlen] = '\0';
    ok = 1;
    if (strcmp(buf, "nan") == 0)
        mpfr_set_nan(x);
    else if (strcmp(buf, "inf") == 0 || strcmp(buf, "-inf") == 0)
        mpfr_set_inf(x, buf[0] == '-' ? -1 : 1);
    else if (strcmp(buf, "0") == 0 || strcmp(buf, "-0") == 0)
        mpfr_set_zero(x, buf[0] == '-' ? -1 : 1);
    else if ((at = strchr(buf, '@')) == NULL)
        ok = 0;
    else
    {
        /* [-]HEX@E means 0.HEX * 16^E: as MPFR reads it, [-]0.HEX@E */
        char *t = malloc(c->vlen + 8), *e;
        const char *digits = buf[0] == '-' ? buf + 1 : buf;
        size_t i;
        if (t == NULL)
        {
            free(buf);
            return 0;
        }
        for (i = 0; digits + i < at; i++)
            if (!strchr("0123456789abcdefABCDEF", digits[i]))
                ok = 0;
        if (ok && digits < at)
        {
            /* MPFR reads [-]0.HEX@E (E in decimal, a power of 16) exactly */
            snprintf(t, c->vlen + 8, "%s0.%s", buf[0] == '-' ? "-" : "", digits);
            strtol(at + 1, &e, 10);
            ok = *e == '\0' && e > at + 1 && mpfr_set_str(x, t, 16, MPFR_RNDN) == 0;
        }
        else
            ok = 0;
        free(t);
    }
    free(buf);
    return ok;
}

/* any_prec: a state written at a precision up to T's (exact there) */
static int
ck_get_traj(ckin *c, const char *name, traj *T, int any_prec)
{
    long v, cnt[6], i;
    if (!ck_next(c, "traj") || c->vlen != strlen(name) || memcmp(c->val, name, c->vlen) != 0)
        return 0;
    if (!ck_long(c, "prec", &v) || (any_prec ? v < 2 || v > (long) T->prec : v != (long) T->prec))
        return 0;
    if (!ck_mpfr(c, "x", T->x) || !ck_mpfr(c, "h", T->ev->h))
        return 0;
    if (!ck_next(c, "counters"))
        return 0;
    {
        char buf[256];
        if (c->vlen >= sizeof buf)
            return 0;
        memcpy(buf, c->val, c->vlen);
        buf[c->vlen] = '\0';
        if (sscanf(buf, "%ld %ld %ld %ld %ld %ld", cnt, cnt + 1, cnt + 2, cnt + 3, cnt + 4, cnt + 5) != 6)
            return 0;
        for (i = 0; i < 6; i++)
            if (cnt[i] < 0)
                return 0;
    }
    T->ev->steps = cnt[0];
    T->ev->rejected = cnt[1];
    T->rad->nfev = cnt[2];
    T->rad->njev = cnt[3];
    T->rad->nlu = cnt[4];
    T->rad->nnewton = cnt[5];
    if (!ck_long(c, "dim", &v) || v != (long) T->dim)
        return 0;
    /* nu and xi into the reference points (at their precision), r into
       the state */
    for (i = 0; i < T->dim; i++)
    {
        mpfr_ptr v = traj_ref(T, i) != NULL ? traj_ref(T, i) : T->y[i];
        if (!ck_mpfr(c, "y", v) || !mpfr_number_p(v))
            return 0;
        if (traj_ref(T, i) != NULL)
            mpfr_set_zero(T->y[i], 1);
    }
    if (!ck_mpfr(c, "xa", T->xa) || !mpfr_number_p(T->xa))
        return 0;
    for (i = 0; i < T->dim; i++)
        if (!ck_mpfr(c, "ya", T->ya[i]) || !mpfr_number_p(T->ya[i]))
            return 0;
    {
        char buf[64];
        long hp, ns;
        if (!ck_next(c, "poly") || c->vlen >= sizeof buf)
            return 0;
        memcpy(buf, c->val, c->vlen);
        buf[c->vlen] = '\0';
        if (sscanf(buf, "%ld %ld", &hp, &ns) != 2 || (hp != 0 && hp != 1) || ns != (long) T->rad->s)
            return 0;
        T->rad->have_prev = (int) hp;
    }
    if (T->rad->have_prev)
    {
        if (!ck_mpfr(c, "xp", T->rad->xp) || !ck_mpfr(c, "hp", T->rad->hp)
            || !mpfr_number_p(T->rad->xp) || !mpfr_number_p(T->rad->hp) || mpfr_zero_p(T->rad->hp))
            return 0;
        for (i = 0; i < T->dim; i++)
            if (!ck_mpfr(c, "yp", T->rad->yp[i]) || !mpfr_number_p(T->rad->yp[i]))
                return 0;
        for (i = 0; i < T->rad->s * T->dim; i++)
            if (!ck_mpfr(c, "Zp", T->rad->Zp[i]) || !mpfr_number_p(T->rad->Zp[i]))
                return 0;
    }
    return mpfr_number_p(T->x) && mpfr_number_p(T->ev->h) && mpfr_sgn(T->ev->h) > 0;
}

/* ---- the working precision: both runs at the checking run's precision
   wprec (the reported run's is wprec + 32) */
typedef struct
{
    const mpbias_data_struct *data;
    const mpbias_model_struct *model;
    traj *B, *A;
    mpbias_flow_row *rowB, *rowA;
    int haveA, can_raise, live;
    slong K, stages, max_steps, near;
    mpfr_prec_t wprec, maxp;
} runprec;

/* (Re)build both runs at their initial state with precision p. */
static int
run_set_prec(runprec *R, mpfr_prec_t p)
{
    int r, rA;
    if (R->live)
    {
        traj_clear(R->B);
        if (R->haveA)
            traj_clear(R->A);
        mpbias_flow_row_clear(R->rowB);
        mpbias_flow_row_clear(R->rowA);
    }
    R->live = 1;
    R->wprec = p;
    r = traj_init(R->B, R->data, R->model, p + 32, R->K + TOL_REPORTED, R->stages, R->max_steps,
                  R->near);
    if (R->haveA)
    {
        rA = traj_init(R->A, R->data, R->model, p, R->K + TOL_CHECK, R->stages > 1 ? R->stages - 1 : 2,
                       R->max_steps, R->near);
        if (r == MPBIAS_ODE_OK)
            r = rA;
    }
    /* dense rows: the reported run's when estimated below 10^-(K+2); the
       checking run's when estimated below 10^-K, the error a row may
       have.  The checking run's row serves only to estimate the error,
       |B - A|, which then includes its interpolation error (an upper
       estimate still); a row where that exceeds 10^-K is taken again from
       the checking run's exact re-steps (mpbias_flow_run).  Measured: at
       10^-(K+2), 89 of the 100 rows of sparse-teacher N = 20, d = 30 to
       1e-100 were exact re-steps of the checking run, 40% of the run. */
    mpfr_set_si(R->B->row_tol, -(long) R->K - 2, MPFR_RNDN);
    mpfr_exp10(R->B->row_tol, R->B->row_tol, MPFR_RNDN);
    if (R->haveA)
    {
        mpfr_set_si(R->A->row_tol, -(long) R->K, MPFR_RNDN);
        mpfr_exp10(R->A->row_tol, R->A->row_tol, MPFR_RNDN);
    }
    mpbias_flow_row_init(R->rowB, R->data->n, R->data->d, p + 32);
    mpbias_flow_row_init(R->rowA, R->data->n, R->data->d, p);
    return r;
}

/* Both runs' state at a row boundary, as a checkpoint writes it. */
static void
run_snapshot(sbuf *b, runprec *R)
{
    b->len = 0;
    b->oom = 0;
    ck_put_traj(b, "B", R->B);
    if (R->haveA)
        ck_put_traj(b, "A", R->A);
}

/* Raise the working precision to p and restart both runs from the state
   in snapshot (empty: from initialization).  The state past the last row
   and the last step's collocation polynomial (the rows inside that step
   come from it) are of the old precision: each run restarts from the
   start (xa, ya) of its last step, which is not past the last row, so
   that the next row comes from new steps at the new precision. */
static int
run_raise(runprec *R, mpfr_prec_t p, const sbuf *snap)
{
    ckin c;
    int r = run_set_prec(R, p), k;
    if (r != MPBIAS_ODE_OK || snap->len == 0)
        return r;
    c.p = snap->p;
    c.end = snap->p + snap->len;
    c.line = 0;
    if (!ck_get_traj(&c, "B", R->B, 1) || (R->haveA && !ck_get_traj(&c, "A", R->A, 1)))
        return MPBIAS_ODE_SINGULAR;   /* cannot happen: our own text */
    for (k = 0; k < 1 + R->haveA; k++)
    {
        traj *T = k == 0 ? R->B : R->A;
        slong i;
        /* (ya is relative to the reference point nuref, as y) */
        mpfr_set(T->x, T->xa, MPFR_RNDN);
        for (i = 0; i < T->dim; i++)
            mpfr_set(T->y[i], T->ya[i], MPFR_RNDN);
        T->rad->have_prev = 0;
        traj_boundary(T);
    }
    return MPBIAS_ODE_OK;
}

/* ell = log(1 + T_sum) of a time T (T_sum = T / N for the mean loss:
   logN given), as an event target; cp, M scratch. */
static void
ell_of_time(mpfr_t out, const mpbias_sci_t T, const mpfr_t logN, mpfr_prec_t prec, mpfr_t cp, mpfr_t M)
{
    mpbias_sci_log(cp, T, MPFR_RNDN);
    if (logN != NULL)
        mpfr_sub(cp, cp, logN, MPFR_RNDN);
    /* log(1 + e^cp) */
    mpfr_exp(M, cp, MPFR_RNDN);
    if (mpfr_inf_p(M) || mpfr_cmp_si(cp, (long) prec) > 0)
        mpfr_set(out, cp, MPFR_RNDN);
    else
        mpfr_log1p(out, M, MPFR_RNDN);
}

/* Restore a checkpoint (checked: magic, version, checksum, fingerprint,
   every field). */
static mpbias_status
ck_resume(const mpbias_flow_opts *o, uint64_t fp, runprec *R, slong *idx, slong *ati,
          slong *att, slong *rowi, mpfr_t L10start, mpbias_flow_stats *stats, mpbias_err_t err)
{
    ckin c;
    long v[4], verify, wp;
    traj *B = R->B, *A = R->haveA ? R->A : NULL;
    const char *last;
    char buf[128];
    int i;
    uint64_t sum;
    size_t len = o->resume_len;
    const char *ls;
    /* the checksum line is the last: over everything before it */
    if (len < 2 || o->resume[len - 1] != '\n')
        return _mpbias_err_set(err, MPBIAS_ERR_PARSE, "checkpoint", 0, 0,
                               "truncated (no final newline): not a complete checkpoint");
    for (ls = o->resume + len - 1; ls > o->resume && ls[-1] != '\n'; ls--)
        ;
    last = ls;
    if ((size_t) (o->resume + len - last) >= sizeof buf)
        return _mpbias_err_set(err, MPBIAS_ERR_PARSE, "checkpoint", 0, 0, "no checksum line");
    memcpy(buf, last, (size_t) (o->resume + len - last));
    buf[o->resume + len - last - 1] = '\0';
    {
        unsigned long long x;
        char tail;
        if (sscanf(buf, "checksum %16llx%c", &x, &tail) != 1)
            return _mpbias_err_set(err, MPBIAS_ERR_PARSE, "checkpoint", 0, 0,
                                   "no checksum line: not a complete checkpoint");
        sum = (uint64_t) x;
    }
    if (mpbias_checksum(o->resume, (size_t) (last - o->resume)) != sum)
        return _mpbias_err_set(err, MPBIAS_ERR_PARSE, "checkpoint", 0, 0,
                               "checksum mismatch: the checkpoint is damaged");
    c.p = o->resume;
    c.end = last;
    c.line = 0;
    if (!ck_next(&c, CK_MAGIC) || c.vlen != 1 || c.val[0] != '0' + CK_VERSION)
        return _mpbias_err_set(err, MPBIAS_ERR_PARSE, "checkpoint", 1, 0,
                               "not a flow checkpoint of format version %d", CK_VERSION);
    if (!ck_next(&c, "version") || c.vlen != strlen(MPBIAS_VERSION_STRING)
        || memcmp(c.val, MPBIAS_VERSION_STRING, c.vlen) != 0)
        return _mpbias_err_set(err, MPBIAS_ERR_ARG, "checkpoint", c.line, 0,
                               "written by another version of mpbias (this is %s)",
                               MPBIAS_VERSION_STRING);
    if (!ck_next(&c, "fingerprint") || c.vlen != 16)
        return _mpbias_err_set(err, MPBIAS_ERR_PARSE, "checkpoint", c.line, 0, "no fingerprint");
    memcpy(buf, c.val, 16);
    buf[16] = '\0';
    if (strtoull(buf, NULL, 16) != (unsigned long long) fp)
        return _mpbias_err_set(err, MPBIAS_ERR_ARG, "checkpoint", c.line, 0,
                               "it belongs to another run: the data, model or options differ "
                               "(resume with exactly the options of the interrupted run)");
    if (!ck_long(&c, "rows", v) || !ck_long(&c, "idx", v + 1) || !ck_long(&c, "ati", v + 2)
        || !ck_long(&c, "att", v + 3))
        return _mpbias_err_set(err, MPBIAS_ERR_PARSE, "checkpoint", c.line, 0, "malformed counters");
    for (i = 0; i < 4; i++)
        if (v[i] < 0)
            return _mpbias_err_set(err, MPBIAS_ERR_PARSE, "checkpoint", c.line, 0, "negative counter");
    if (v[2] > o->n_at_loss || v[3] > o->n_at_time)
        return _mpbias_err_set(err, MPBIAS_ERR_PARSE, "checkpoint", c.line, 0, "counter out of range");
    if (!ck_mpfr(&c, "L10start", L10start) || !mpfr_number_p(L10start))
        return _mpbias_err_set(err, MPBIAS_ERR_PARSE, "checkpoint", c.line, 0, "malformed L10start");
    if (!ck_next(&c, "max_err_est") || c.vlen >= 64)
        return _mpbias_err_set(err, MPBIAS_ERR_PARSE, "checkpoint", c.line, 0, "malformed max_err_est");
    memcpy(buf, c.val, c.vlen);
    buf[c.vlen] = '\0';
    stats->max_err_est = strtod(buf, NULL);
    if (!ck_long(&c, "verify", &verify) || verify != (A != NULL))
        return _mpbias_err_set(err, MPBIAS_ERR_PARSE, "checkpoint", c.line, 0, "malformed verify");
    if (!ck_long(&c, "wprec", &wp) || wp < 2
        || (wp != (long) R->wprec && (!R->can_raise || wp < (long) R->wprec || wp + 32 > (long) R->maxp)))
        return _mpbias_err_set(err, MPBIAS_ERR_PARSE, "checkpoint", c.line, 0,
                               "malformed working precision");
    /* the run had raised its precision: continue at that precision */
    if (wp != (long) R->wprec && run_set_prec(R, (mpfr_prec_t) wp) != MPBIAS_ODE_OK)
        return _mpbias_err_set(err, MPBIAS_ERR_NUMERIC, NULL, 0, 0,
                               "the flow is undefined at initialization (check alpha and the shape)");
    if (!ck_get_traj(&c, "B", B, 0) || (A != NULL && !ck_get_traj(&c, "A", A, 0)))
        return _mpbias_err_set(err, MPBIAS_ERR_PARSE, "checkpoint", c.line, 0,
                               "malformed trajectory state");
    if (c.p != c.end)
        return _mpbias_err_set(err, MPBIAS_ERR_PARSE, "checkpoint", c.line + 1, 0, "unexpected line");
    *rowi = v[0];
    *idx = v[1];
    *ati = v[2];
    *att = v[3];
    traj_boundary(B);
    if (A != NULL)
        traj_boundary(A);
    return MPBIAS_OK;
}

/* ---- the driver: mpbias_flow_run ------------------------------------- */

/* Everything one call of mpbias_flow_run holds: the two runs at their
   working precision (R), the targets in L10 = log10(1/L) (the schedule
   index idx, the explicit losses atv[ati..], the explicit times attv[att..]
   as values of ell, the stop L10stop, the last row's L10start), the
   events, the rows, the snapshot a raise redoes from and the statistics. */
typedef struct
{
    const mpbias_data_struct *data;
    const mpbias_model_struct *model;
    const mpbias_flow_opts *o;
    mpbias_flow_row_fn row_fn;
    mpbias_flow_progress_fn progress_fn;
    void *ctx;
    mpbias_flow_stats stats;
    mpfr_prec_t prec;
    slong stages, K, idx, nat, ati, rowi, nat_t, att, near;
    uint64_t fp;
    traj A, B;
    int haveA, interrupted;
    mpbias_flow_row rowA, rowB;
    events EA, EB;
    mpfr_t L10, L10start, L10stop, cp, M, Mstop, limit, *atv, *attv;
    runprec R;
    sbuf snap;
    double raise_err, raise_l10;
    /* the last raise: its row and the estimate that asked for it (NaN:
       a failure), and its precision before (flow_raise) */
    slong last_raise_row;
    double last_raise_err;
    mpfr_prec_t last_raise_from;
    mpbias_row_kind kind;
} flowrun;

/* what a part of the driver's loop leaves to do next */
enum { FLOW_ON = 0, FLOW_RAISE = 1, FLOW_END = 2 };

/* The options and the data before anything is allocated: MPBIAS_OK or the
   error (the data must be separable, decided exactly). */
static mpbias_status
flow_check_args(const mpbias_data_t data, const mpbias_model_t model, const mpbias_flow_opts *o,
                mpbias_err_t err)
{
    mpbias_status st;
    int sep;
    if ((st = mpbias_model_check(model, data, err)) != MPBIAS_OK)
        return st;
    if (o->digits < 1 || o->digits > 1000)
        return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0, "digits must be in 1..1000");
    if (!o->until_loss_set && !o->until_margin_set && !o->until_time_set)
        return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0,
                               "no stop condition: give a target loss, margin or time");
    if (o->until_margin_set && fmpq_sgn(o->until_margin) <= 0)
        return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0, "the target margin must be positive");
    if (o->per_decade < 0 || o->per_decade > 1000)
        return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0, "checkpoints per decade must be in 0..1000");
    {
        mpbias_l2mm_t l2;
        mpbias_l2mm_init(l2);
        st = mpbias_l2mm_compute(l2, data, err);
        sep = l2->separable;
        mpbias_l2mm_clear(l2);
        if (st != MPBIAS_OK)
            return st;
        if (!sep)
            return _mpbias_err_set(err, MPBIAS_ERR_NOT_SEPARABLE, data->name[0] ? data->name : NULL, 0, 0,
                                   "the data are not linearly separable (decided exactly): "
                                   "gradient flow never drives the loss to zero");
    }
    if (o->prec < 0 || o->start_prec < 0 || o->max_prec < 0)
        return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0, "negative precision");
    return MPBIAS_OK;
}

/* Both runs built at their starting precision and every variable of F
   initialized (flow_clear frees them, also after a failure here).
   Returns 0, or 1 when the flow is undefined at initialization. */
static int
flow_init(flowrun *F)
{
    const mpbias_flow_opts *o = F->o;
    runprec *R = &F->R;
    slong i;
    int r;
    /* a loss target within 2^-near of the start (in log(1/L)) */
    F->near = near_start_bits(o, F->model, F->data->n);
    /* prec: of the targets and the schedule (the same whatever precision
       the runs start at or are raised to) */
    F->prec = o->prec > 0 ? o->prec
                          : (mpfr_prec_t) ((F->K + 12) * 3.3219280948873623 + guard_bits(o, F->model, F->data->n)
                                           + F->near);
    /* Radau IIA stages (order 2s - 1) */
    F->stages = o->stages > 0 ? o->stages : default_stages(F->K);
    F->stats.stages = F->stages;

    /* the runs' precision: exactly o->prec, or automatic (from
       start_prec or the estimate above), raised as rows need it up to
       maxp bits of the reported run */
    R->data = F->data;
    R->model = F->model;
    R->B = &F->B;
    R->A = &F->A;
    R->rowB = &F->rowB;
    R->rowA = &F->rowA;
    R->haveA = F->haveA;
    R->can_raise = o->prec == 0 && F->haveA;
    R->K = F->K;
    R->stages = F->stages;
    R->max_steps = o->max_steps;
    R->near = F->near;
    R->maxp = o->max_prec > 0 ? o->max_prec : 32768;
    r = run_set_prec(R, o->prec > 0 ? o->prec : o->start_prec > 0 ? o->start_prec : F->prec);
    F->stats.prec = R->wprec + 32;
    mpfr_inits2(F->prec + 32, F->L10, F->L10start, F->L10stop, F->cp, F->M, F->Mstop, F->limit, (mpfr_ptr) 0);
    for (i = 0; i < NEV; i++)
    {
        mpfr_init2(F->EA.target[i], F->prec + 32);
        mpfr_init2(F->EB.target[i], F->prec + 32);
    }
    return r != MPBIAS_ODE_OK;
}

static void
flow_clear(flowrun *F)
{
    slong i;
    traj_clear(&F->B);
    if (F->haveA)
        traj_clear(&F->A);
    mpbias_flow_row_clear(&F->rowA);
    mpbias_flow_row_clear(&F->rowB);
    free(F->snap.p);
    if (F->atv != NULL)
        _mpbias_mpfr_vec_clear(F->atv, F->nat);
    mpfr_clears(F->L10, F->L10start, F->L10stop, F->cp, F->M, F->Mstop, F->limit, (mpfr_ptr) 0);
    if (F->attv != NULL)
        _mpbias_mpfr_vec_clear(F->attv, F->nat_t);
    for (i = 0; i < NEV; i++)
    {
        mpfr_clear(F->EA.target[i]);
        mpfr_clear(F->EB.target[i]);
    }
}

/* The targets: L10 at the start and at the stop, the explicit losses and
   times sorted, the events; the fingerprint, and the state of a resumed
   run.  MPBIAS_OK or the error. */
static mpbias_status
flow_targets(flowrun *F, mpbias_err_t err)
{
    const mpbias_flow_opts *o = F->o;
    const mpbias_model_struct *model = F->model;
    slong i;
    /* L10 at the start and at the stop (model's convention), with ln 10
       (in M) at the targets' precision, not the run's, which may start
       lower (start_prec): the stop must coincide with a schedule value
       to l10_near's tolerance (measured: from 40 bits the stop at 1e-40
       came out as a second row beside the checkpoint row at -40) */
    mpfr_log_ui(F->M, 10, MPFR_RNDN);
    mpfr_div(F->L10start, F->B.ws->M0, F->M, MPFR_RNDN);
    if (model->mean)
    {
        mpfr_div(F->cp, F->B.logN, F->M, MPFR_RNDN);
        mpfr_add(F->L10start, F->L10start, F->cp, MPFR_RNDN);
    }
    mpfr_set_inf(F->L10stop, 1);
    if (o->until_loss_set)
    {
        mpbias_sci_log(F->L10stop, o->until_loss, MPFR_RNDN);
        mpfr_neg(F->L10stop, F->L10stop, MPFR_RNDN);
        mpfr_div(F->L10stop, F->L10stop, F->M, MPFR_RNDN);
        if (mpfr_cmp(F->L10stop, F->L10start) <= 0)
        {
            mpfr_neg(F->cp, F->B.ws->M0, MPFR_RNDN);   /* log of the summed loss at t = 0 */
            return _mpbias_err_target_not_below_start(err, F->cp, model, F->data->n);
        }
    }
    /* explicit checkpoints, sorted */
    if (F->nat > 0)
    {
        F->atv = _mpbias_mpfr_vec_init(F->nat, F->prec + 32);
        for (i = 0; i < F->nat; i++)
        {
            mpbias_sci_log(F->atv[i], o->at_loss + i, MPFR_RNDN);
            mpfr_neg(F->atv[i], F->atv[i], MPFR_RNDN);
            mpfr_div(F->atv[i], F->atv[i], F->B.ln10, MPFR_RNDN);
        }
        qsort(F->atv, (size_t) F->nat, sizeof(mpfr_t), cmp_sci_log);
    }
    /* events */
    for (i = 0; i < NEV; i++)
        F->EA.kind[i] = F->EB.kind[i] = EV_NONE;
    if (o->until_margin_set)
    {
        F->EA.kind[0] = F->EB.kind[0] = EV_MARGIN;
        fmpq_get_mpfr(F->EB.target[0], o->until_margin, MPFR_RNDN);
        mpfr_set(F->EA.target[0], F->EB.target[0], MPFR_RNDN);
    }
    if (o->until_time_set)
    {
        F->EA.kind[1] = F->EB.kind[1] = EV_TIME;
        ell_of_time(F->EB.target[1], o->until_time, model->mean ? F->B.logN : NULL, F->prec, F->cp, F->M);
        mpfr_set(F->EA.target[1], F->EB.target[1], MPFR_RNDN);
    }
    /* explicit times, sorted, as values of ell */
    if (F->nat_t > 0)
    {
        F->attv = _mpbias_mpfr_vec_init(F->nat_t, F->prec + 32);
        for (i = 0; i < F->nat_t; i++)
            ell_of_time(F->attv[i], o->at_time + i, model->mean ? F->B.logN : NULL, F->prec, F->cp, F->M);
        qsort(F->attv, (size_t) F->nat_t, sizeof(mpfr_t), cmp_sci_log);
    }
    return MPBIAS_OK;
}

/* The fingerprint of a run that writes or resumes checkpoints, and the
   state of a resumed one.  MPBIAS_OK or the error. */
static mpbias_status
flow_resume(flowrun *F, mpbias_err_t err)
{
    const mpbias_flow_opts *o = F->o;
    mpbias_status st;
    if (o->checkpoint_fn != NULL || o->resume != NULL)
    {
        int oom = 0;
        F->fp = run_fingerprint(F->data, F->model, o, &oom);
        if (oom)
            return _mpbias_err_set(err, MPBIAS_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    if (o->resume != NULL)
    {
        if ((st = ck_resume(o, F->fp, &F->R, &F->idx, &F->ati, &F->att, &F->rowi, F->L10start, &F->stats,
                            err)) != MPBIAS_OK)
            return st;
        F->stats.prec = F->R.wprec + 32;
        /* a raise redoes from here */
        if (F->R.can_raise)
            run_snapshot(&F->snap, &F->R);
    }
    return MPBIAS_OK;
}

/* The next target in L10 (F->L10, F->kind, its M, the next explicit time
   as an event, the stop's Mstop): schedule, explicit, stop.  Targets that
   agree to the working precision are one target (an explicit loss is
   stored rounded, a checkpoint exactly): the stop wins over an explicit
   loss, which wins over a checkpoint. */
static void
flow_next_target(flowrun *F)
{
    const mpbias_flow_opts *o = F->o;
    mpfr_prec_t prec = F->prec;
    F->kind = MPBIAS_ROW_STOP;
    mpfr_set(F->L10, F->L10stop, MPFR_RNDN);
    if (o->per_decade > 0)
    {
        for (;;)
        {
            sched_value(F->cp, F->idx, o->per_decade);
            if (mpfr_cmp(F->cp, F->L10start) > 0 && !l10_near(F->cp, F->L10start, prec))
                break;
            F->idx++;
        }
        if (mpfr_cmp(F->cp, F->L10) < 0 && !l10_near(F->cp, F->L10, prec))
        {
            mpfr_set(F->L10, F->cp, MPFR_RNDN);
            F->kind = MPBIAS_ROW_CHECKPOINT;
        }
    }
    while (F->ati < F->nat
           && (mpfr_cmp(F->atv[F->ati], F->L10start) <= 0 || l10_near(F->atv[F->ati], F->L10start, prec)))
        F->ati++;
    if (F->ati < F->nat && (mpfr_cmp(F->atv[F->ati], F->L10) < 0 || l10_near(F->atv[F->ati], F->L10, prec)))
    {
        if (F->kind != MPBIAS_ROW_STOP || !l10_near(F->atv[F->ati], F->L10, prec))
        {
            F->kind = MPBIAS_ROW_AT_LOSS;
            mpfr_set(F->L10, F->atv[F->ati], MPFR_RNDN);
        }
    }
    /* target M_sum = L10 ln 10 (- log N for the mean loss) */
    mpfr_mul(F->M, F->L10, F->B.ln10, MPFR_RNDN);
    if (F->model->mean)
        mpfr_sub(F->M, F->M, F->B.logN, MPFR_RNDN);
    /* the next explicit time: an event that makes a row */
    F->EA.kind[2] = F->EB.kind[2] = F->att < F->nat_t ? EV_TIME : EV_NONE;
    if (F->att < F->nat_t)
    {
        mpfr_set(F->EB.target[2], F->attv[F->att], MPFR_RNDN);
        mpfr_set(F->EA.target[2], F->attv[F->att], MPFR_RNDN);
    }
    /* the stop target (the runs land on it) */
    mpfr_mul(F->Mstop, F->L10stop, F->B.ln10, MPFR_RNDN);
    if (F->model->mean)
        mpfr_sub(F->Mstop, F->Mstop, F->B.logN, MPFR_RNDN);
}

/* Why the integrator failed (an MPBIAS_ODE_ code), for the message. */
static const char *
flow_failure_reason(int code)
{
    return code == MPBIAS_ODE_MAX_STEPS ? "step budget exhausted"
           : code == MPBIAS_ODE_TINY_STEP ? "step size too small for the working precision"
           : code == MPBIAS_ODE_NOISE ? "the error estimate is the working precision's "
             "rounding noise (a step a quarter the size had about the same)"
           : code == MPBIAS_ODE_PRECISION ? "the working precision holds the steps "
             "(a step 4 times as large failed, and succeeds with more bits)"
           : code == MPBIAS_ODE_DOMAIN ? "a step left the domain of the flow's "
             "closed form at the working precision (the exact flow stays in it: "
             "more bits, or automatic precision, may go through)"
           : code == MPBIAS_ODE_SINGULAR ? "the Newton matrix is singular at the "
             "working precision (more bits, or automatic precision, may go through)"
           : "Newton's iteration diverged at the working precision (more bits, "
             "or automatic precision, may go through)";
}

/* A failure that more bits may cure: raise from the last row when the
   precision is automatic (FLOW_RAISE), else the error (FLOW_END). */
static int
flow_failed(flowrun *F, int code, const char *what, mpbias_status *st, mpbias_err_t err)
{
    /* the exact flow is smooth and never leaves its closed form's domain
       (the loss decreases, no gap P, Q reaches 0 in finite time): a step
       that leaves it, a Newton matrix singular or an iteration diverging
       at every step size are the precision's doing, as a step size below
       the resolution is */
    if (code != MPBIAS_ODE_MAX_STEPS && F->R.can_raise)
    {
        F->raise_err = NAN;
        F->raise_l10 = F->stats.log10_loss;
        return FLOW_RAISE;
    }
    *st = _mpbias_err_set(err, MPBIAS_ERR_NUMERIC, NULL, 0, 0, "%s near log10(loss) = %.6g: %s", what,
                          F->stats.log10_loss, flow_failure_reason(code));
    return FLOW_END;
}

/* Both runs to the next target (the checking run to the event the
   reported run stopped at, if any). */
static int
flow_advance(flowrun *F, mpbias_status *st, mpbias_err_t err)
{
    int rA = 0, rB;
    rB = traj_advance(&F->B, F->M, F->Mstop, &F->EB, F->progress_fn, F->ctx, &F->stats, 0, F->o,
                      &F->interrupted);
    if (!F->interrupted && F->haveA && rB >= 0)
    {
        /* after an event, the checking run must reach the same event */
        if (rB > 0)
            mpfr_set_inf(F->limit, 1);
        else
            mpfr_set(F->limit, F->M, MPFR_RNDN);
        rA = traj_advance(&F->A, F->limit, F->Mstop, &F->EA, F->progress_fn, F->ctx, &F->stats, 1, F->o,
                          &F->interrupted);
        if (rA == 0 && rB > 0)
            rA = -MPBIAS_ODE_MAX_STEPS;
        if (rB > 0 && rA > 0 && rA != rB)
        {
            *st = _mpbias_err_set(err, MPBIAS_ERR_NUMERIC, NULL, 0, 0,
                                  "the two runs disagree on which of two nearly simultaneous "
                                  "targets (margin, time) comes first near log10(loss) = %.6g",
                                  F->stats.log10_loss);
            return FLOW_END;
        }
    }
    if (F->interrupted)
    {
        *st = _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0, "interrupted");
        return FLOW_END;
    }
    if (rB < 0 || (F->haveA && rA < 0))
        return flow_failed(F, rB < 0 ? -rB : -rA, "the integrator failed", st, err);
    if (rB == 3)  /* an explicit time: a row, then on */
        F->kind = MPBIAS_ROW_AT_TIME;
    else if (rB > 0)   /* an event stopped the run */
        F->kind = MPBIAS_ROW_STOP;
    return FLOW_ON;
}

/* The row (rowB, its error estimate from the checking run's rowA), and
   whether it is certified: FLOW_ON, FLOW_RAISE or FLOW_END.  cp is
   10^-K after. */
static int
flow_row(flowrun *F, mpbias_status *st, mpbias_err_t err)
{
    int r;
    mpfr_ptr cp = F->cp;
    /* rows: from the steps' polynomials when each run's own estimate of
       their error is below its row_tol (run_set_prec; traj_advance),
       else from exact re-steps */
    mpfr_set_si(cp, -F->K, MPFR_RNDN);
    mpfr_exp10(cp, cp, MPFR_RNDN);
    r = traj_row(&F->B, &F->rowB, F->model);
    if (F->haveA)
    {
        if (r == MPBIAS_ODE_OK)
            r = traj_row(&F->A, &F->rowA, F->model);
        if (r == MPBIAS_ODE_OK)
            row_compare(&F->rowB, &F->rowA);
        /* the checking run's row from its polynomial disagrees: its
           exact value (the reported run's values never depend on the
           checking run) */
        if (r == MPBIAS_ODE_OK && F->A.row_dense && !mpfr_lessequal_p(F->rowB.err_est, cp))
        {
            if ((r = traj_row_exact(&F->A)) == MPBIAS_ODE_OK
                && (r = traj_row(&F->A, &F->rowA, F->model)) == MPBIAS_ODE_OK)
                row_compare(&F->rowB, &F->rowA);
        }
    }
    if (r != MPBIAS_ODE_OK)
        return flow_failed(F, r, "a re-step to a row failed", st, err);
    F->rowB.kind = F->kind;
    F->rowB.index = F->rowi;
    if (!F->haveA)
    {
        mpfr_set_nan(F->rowB.err_est);
        return FLOW_ON;
    }
    /* (a row redone at a higher precision counts with its new estimate) */
    if (mpfr_get_d(F->rowB.err_est, MPFR_RNDU) > F->stats.max_err_est
        && (!F->R.can_raise || mpfr_lessequal_p(F->rowB.err_est, cp)))
        F->stats.max_err_est = mpfr_get_d(F->rowB.err_est, MPFR_RNDU);
    if (mpfr_lessequal_p(F->rowB.err_est, cp))   /* NaN fails */
        return FLOW_ON;
    {
        double e = mpfr_get_d(F->rowB.err_est, MPFR_RNDU);
        if (F->R.can_raise)
        {
            F->raise_err = e;
            F->raise_l10 = mpfr_get_d(F->rowB.log10_loss, MPFR_RNDN);
            return FLOW_RAISE;
        }
        if (mpfr_nan_p(F->rowB.err_est))
            *st = _mpbias_err_set(err, MPBIAS_ERR_NUMERIC, NULL, 0, 0,
                                  "cannot certify %ld digits at log10(loss) = %.10g: the "
                                  "values there are not numbers (NaN, or an infinite log10 t: "
                                  "a time not resolved at the working precision); nothing is "
                                  "reported from this point on", (long) F->K,
                                  mpfr_get_d(F->rowB.log10_loss, MPFR_RNDN));
        else
            *st = _mpbias_err_set(err, MPBIAS_ERR_NUMERIC, NULL, 0, 0,
                                  "cannot certify %ld digits at log10(loss) = %.10g: estimated "
                                  "relative error %.2g (about %d digits); ask for fewer --digits "
                                  "or more --prec", (long) F->K, mpfr_get_d(F->rowB.log10_loss, MPFR_RNDN),
                                  e, e > 0 && e < 1 ? (int) floor(-log10(e)) : 0);
        return FLOW_END;
    }
}

/* The checkpoint of a row boundary, handed to o->checkpoint_fn: 0, or 1
   (st set) when it fails or asks to stop. */
static int
flow_checkpoint(flowrun *F, mpbias_status *st, mpbias_err_t err)
{
    const mpbias_flow_opts *o = F->o;
    sbuf b = { NULL, 0, 0, 0 };
    int rc;
    sb_printf(&b, "%s %d\nversion %s\nfingerprint %016llx\nrows %ld\nidx %ld\nati %ld\n"
              "att %ld\n", CK_MAGIC, CK_VERSION, MPBIAS_VERSION_STRING, (unsigned long long) F->fp,
              (long) F->rowi, (long) F->idx, (long) F->ati, (long) F->att);
    sb_mpfr(&b, "L10start", F->L10start);
    sb_printf(&b, "max_err_est %a\nverify %d\nwprec %ld\n", F->stats.max_err_est, F->haveA,
              (long) F->R.wprec);
    ck_put_traj(&b, "B", &F->B);
    if (F->haveA)
        ck_put_traj(&b, "A", &F->A);
    if (!b.oom)
        sb_printf(&b, "checksum %016llx\n", (unsigned long long) mpbias_checksum(b.p, b.len));
    if (b.oom)
    {
        free(b.p);
        *st = _mpbias_err_set(err, MPBIAS_ERR_NOMEM, NULL, 0, 0, "out of memory writing a checkpoint");
        return 1;
    }
    rc = o->checkpoint_fn(b.p, b.len, o->checkpoint_ctx);
    free(b.p);
    if (rc != 0)
    {
        *st = _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0, "interrupted");
        return 1;
    }
    return 0;
}

/* The certified row out (row_fn), then past its target: the row
   boundary, the snapshot a raise redoes from, the checkpoint.  FLOW_ON,
   or FLOW_END after the stop row or an error (st). */
static int
flow_emit(flowrun *F, mpbias_status *st, mpbias_err_t err)
{
    F->rowi++;
    if (F->row_fn != NULL && F->row_fn(&F->rowB, F->ctx) != 0)
    {
        *st = _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0, "interrupted");
        return FLOW_END;
    }
    if (F->kind == MPBIAS_ROW_STOP)
        return FLOW_END;
    if (F->kind == MPBIAS_ROW_AT_TIME)
        F->att++;   /* the loss target is still ahead; equal times give one row each */
    else
        mpfr_set(F->L10start, F->L10, MPFR_RNDN);   /* move past this target */
    /* a row boundary: the state is (x, y, h) and the counters */
    traj_boundary(&F->B);
    if (F->haveA)
        traj_boundary(&F->A);
    if (F->R.can_raise)
    {
        run_snapshot(&F->snap, &F->R);
        if (F->snap.oom)
        {
            *st = _mpbias_err_set(err, MPBIAS_ERR_NOMEM, NULL, 0, 0, "out of memory");
            return FLOW_END;
        }
    }
    if (F->o->checkpoint_fn != NULL && flow_checkpoint(F, st, err))
        return FLOW_END;
    return FLOW_ON;
}

/* Ziv's strategy: the row could not be certified at this precision (or
   the integrator failed there, or the error estimate was rounding noise,
   traj_noise): raise it by half and redo from the last row, whose state
   both runs know.  FLOW_ON, or FLOW_END (st) at the limit max_prec. */
static int
flow_raise(flowrun *F, mpbias_status *st, mpbias_err_t err)
{
    runprec *R = &F->R;
    const mpbias_flow_opts *o = F->o;
    mpfr_prec_t np = R->wprec + (R->wprec / 2 > 64 ? R->wprec / 2 : 64);
    np = (np + 63) / 64 * 64;
    /* the same row's estimate again, not halved by the last raise: more
       bits did not change it, so the precision is not what limits it
       (measured: sparse-teacher N = 20 at 45 digits stayed at 1.4e-44
       from 259 to 10400 bits, the raises running on toward max_prec) */
    if (!isnan(F->raise_err) && F->last_raise_row == F->rowi && !isnan(F->last_raise_err)
        && F->raise_err >= 0.5 * F->last_raise_err)
    {
        *st = _mpbias_err_set(err, MPBIAS_ERR_NUMERIC, NULL, 0, 0,
                              "cannot certify %ld digits at log10(loss) = %.10g: the estimated relative "
                              "error stayed at %.2g from %ld to %ld bits (about %d digits), so more "
                              "precision does not help there; ask for fewer --digits",
                              (long) F->K, F->raise_l10, F->raise_err, (long) F->last_raise_from + 32,
                              (long) R->wprec + 32,
                              F->raise_err > 0 && F->raise_err < 1 ? (int) floor(-log10(F->raise_err)) : 0);
        return FLOW_END;
    }
    F->last_raise_row = F->rowi;
    F->last_raise_err = F->raise_err;
    F->last_raise_from = R->wprec;
    if (np + 32 > R->maxp)
    {
        if (isnan(F->raise_err))
            *st = _mpbias_err_set(err, MPBIAS_ERR_NUMERIC, NULL, 0, 0,
                                  "cannot certify %ld digits at log10(loss) = %.10g: the "
                                  "values there are not numbers, the step size fell below "
                                  "the resolution, the error estimate was rounding noise "
                                  "or a step left the closed form's domain "
                                  "even at %ld bits, and %ld bits would exceed "
                                  "the limit max_prec = %ld bits (--max-prec); nothing is "
                                  "reported from this point on", (long) F->K, F->raise_l10,
                                  (long) R->wprec + 32, (long) np + 32, (long) R->maxp);
        else
            *st = _mpbias_err_set(err, MPBIAS_ERR_NUMERIC, NULL, 0, 0,
                                  "cannot certify %ld digits at log10(loss) = %.10g: estimated "
                                  "relative error %.2g (about %d digits) at %ld bits, and "
                                  "%ld bits would exceed the limit max_prec = %ld bits "
                                  "(raise --max-prec or ask for fewer --digits)", (long) F->K,
                                  F->raise_l10, F->raise_err,
                                  F->raise_err > 0 && F->raise_err < 1 ? (int) floor(-log10(F->raise_err)) : 0,
                                  (long) R->wprec + 32, (long) np + 32, (long) R->maxp);
        return FLOW_END;
    }
    if (o->raise_fn != NULL)
        o->raise_fn(F->rowi, F->raise_l10, R->wprec + 32, np + 32, F->raise_err, o->raise_ctx);
    F->stats.raises++;
    if (run_raise(R, np, &F->snap) != MPBIAS_ODE_OK)
    {
        *st = _mpbias_err_set(err, MPBIAS_ERR_NUMERIC, NULL, 0, 0,
                              "the flow is undefined at initialization (check alpha and the shape)");
        return FLOW_END;
    }
    F->stats.prec = R->wprec + 32;
    return FLOW_ON;
}

mpbias_status
mpbias_flow_run(const mpbias_data_t data, const mpbias_model_t model,
                const mpbias_flow_opts *o, mpbias_flow_row_fn row_fn,
                mpbias_flow_progress_fn progress_fn, void *ctx,
                mpbias_flow_stats *stats_out, mpbias_err_t err)
{
    mpbias_status st;
    flowrun F;
    int act;

    if ((st = flow_check_args(data, model, o, err)) != MPBIAS_OK)
        return st;
    memset(&F, 0, sizeof F);
    F.data = data;
    F.model = model;
    F.o = o;
    F.row_fn = row_fn;
    F.progress_fn = progress_fn;
    F.ctx = ctx;
    F.K = o->digits;
    F.nat = o->n_at_loss;
    F.nat_t = o->n_at_time;
    F.haveA = o->verify;
    F.last_raise_row = -1;
    if (flow_init(&F))
        st = _mpbias_err_set(err, MPBIAS_ERR_NUMERIC, NULL, 0, 0,
                             "the flow is undefined at initialization (check alpha and the shape)");
    else if (F.R.can_raise && F.R.wprec + 32 > F.R.maxp)
        st = _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0,
                             "the working precision needed to start, %ld bits, exceeds the limit "
                             "max_prec = %ld bits (--max-prec)", (long) F.R.wprec + 32, (long) F.R.maxp);
    else if ((st = flow_targets(&F, err)) == MPBIAS_OK && (st = flow_resume(&F, err)) == MPBIAS_OK)
    {
        for (act = FLOW_ON; act != FLOW_END;)
        {
            flow_next_target(&F);
            if ((act = flow_advance(&F, &st, err)) == FLOW_ON
                && (act = flow_row(&F, &st, err)) == FLOW_ON)
                act = flow_emit(&F, &st, err);
            if (act == FLOW_RAISE)
                act = flow_raise(&F, &st, err);
        }
    }

    F.stats.steps = F.B.ev->steps;
    F.stats.rejected = F.B.ev->rejected;
    F.stats.nfev = F.B.rad->nfev;
    F.stats.njev = F.B.rad->njev;
    F.stats.nlu = F.B.rad->nlu;
    F.stats.nnewton = F.B.rad->nnewton;
    F.stats.steps_check = F.haveA ? F.A.ev->steps : 0;
    F.stats.checking = 0;
    if (stats_out != NULL)
        *stats_out = F.stats;
    flow_clear(&F);
    return st;
}
