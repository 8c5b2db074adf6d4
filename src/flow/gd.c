/*
 * gd.c -- reference gradient descent in MPFR, for the same models and
 * losses as the flow: with step sizes eta_k,
 *
 *     u_+ <- u_+ + eta_k D u_+^(D-1) r,   u_- <- u_- - eta_k D u_-^(D-1) r,
 *     r = Z^T g,  g_n = -l'(m_n) (divided by N for the mean loss),
 *
 * from u_+(0) = a, u_-(0) = b (alpha, or the model's shape).  The rows are
 * those of the flow (mpbias_flow_row, index = the step): log10_t is the
 * flow-time equivalent t = sum of the steps taken, nu_n = sum_k eta_k g_n
 * (the flow's integrated loss derivatives).  Two runs at precisions p and
 * p + 64 go in lockstep; every row's relative difference is its err_est and
 * must be below 10^-K, so that the printed digits are those of exact
 * gradient descent (rounding errors grow along the iteration, fast for
 * large steps: the check sees it).  A step at which the loss increases is
 * counted (the catapult phase of large steps).
 */
#include "config.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "mpbias-impl.h"

void
mpbias_gd_opts_init(mpbias_gd_opts *o)
{
    o->digits = 16;
    o->prec = 0;
    o->max_steps = 1000;
    o->until_loss_set = 0;
    mpbias_sci_init(o->until_loss);
    o->neta = 0;
    o->eta = NULL;
    o->every = 0;
    o->normalized = 0;
    o->n_at_step = 0;
    o->at_step = NULL;
}

void
mpbias_gd_opts_clear(mpbias_gd_opts *o)
{
    mpbias_sci_clear(o->until_loss);
}

typedef struct
{
    slong n, d;
    int D;
    int normalized;        /* g holds g_n / L (the normalized step's weights) */
    mpfr_t *up, *um, *w, *m, *g, *r, *nu;
    mpfr_t t, logL, tmp, tmp2, eta;
} gd_state;

static void
gd_init(gd_state *S, const mpbias_data_t data, const mpbias_model_t model, mpfr_prec_t prec)
{
    slong i;
    S->n = data->n;
    S->d = data->d;
    S->D = model->depth;
    S->normalized = 0;
    S->up = _mpbias_mpfr_vec_init(S->d, prec);
    S->um = _mpbias_mpfr_vec_init(S->d, prec);
    S->w = _mpbias_mpfr_vec_init(S->d, prec);
    S->r = _mpbias_mpfr_vec_init(S->d, prec);
    S->m = _mpbias_mpfr_vec_init(S->n, prec);
    S->g = _mpbias_mpfr_vec_init(S->n, prec);
    S->nu = _mpbias_mpfr_vec_init(S->n, prec);
    mpfr_inits2(prec, S->t, S->logL, S->tmp, S->tmp2, S->eta, (mpfr_ptr) 0);
    for (i = 0; i < S->d; i++)
    {
        fmpq_get_mpfr(S->up[i], model->shape_a != NULL ? model->shape_a + i : model->alpha,
                      MPFR_RNDN);
        fmpq_get_mpfr(S->um[i], model->shape_b != NULL ? model->shape_b + i : model->alpha,
                      MPFR_RNDN);
    }
    for (i = 0; i < S->n; i++)
        mpfr_set_zero(S->nu[i], 1);
    mpfr_set_zero(S->t, 1);
}

static void
gd_clear(gd_state *S)
{
    _mpbias_mpfr_vec_clear(S->up, S->d);
    _mpbias_mpfr_vec_clear(S->um, S->d);
    _mpbias_mpfr_vec_clear(S->w, S->d);
    _mpbias_mpfr_vec_clear(S->r, S->d);
    _mpbias_mpfr_vec_clear(S->m, S->n);
    _mpbias_mpfr_vec_clear(S->g, S->n);
    _mpbias_mpfr_vec_clear(S->nu, S->n);
    mpfr_clears(S->t, S->logL, S->tmp, S->tmp2, S->eta, (mpfr_ptr) 0);
}

/* w, margins, g (= -l'(m), over N for the mean loss) and log L at the
   current u; the loss by log-sum-exp so that it never underflows */
static void
gd_eval(gd_state *S, const mpfr_t *Z, const mpbias_model_t model)
{
    slong i, k;
    mpfr_t mx;
    for (i = 0; i < S->d; i++)
    {
        mpfr_pow_ui(S->tmp, S->up[i], (unsigned long) S->D, MPFR_RNDN);
        mpfr_pow_ui(S->tmp2, S->um[i], (unsigned long) S->D, MPFR_RNDN);
        mpfr_sub(S->w[i], S->tmp, S->tmp2, MPFR_RNDN);
    }
    mpfr_init2(mx, mpfr_get_prec(S->t));
    for (k = 0; k < S->n; k++)
    {
        mpfr_set_zero(S->m[k], 1);
        for (i = 0; i < S->d; i++)
            if (!mpfr_zero_p(Z[k * S->d + i]))
                mpfr_fma(S->m[k], Z[k * S->d + i], S->w[i], S->m[k], MPFR_RNDN);
    }
    /* per-sample log losses log l_n into g (for now): exp: -m; logistic:
       log log1p(e^-m) (-m when e^-m underflows) */
    for (k = 0; k < S->n; k++)
    {
        mpfr_neg(S->g[k], S->m[k], MPFR_RNDN);
        if (model->loss == MPBIAS_LOSS_LOGISTIC)
        {
            mpfr_exp(S->tmp, S->g[k], MPFR_RNDN);
            mpfr_log1p(S->tmp, S->tmp, MPFR_RNDN);
            mpfr_log(S->tmp, S->tmp, MPFR_RNDN);
            if (mpfr_number_p(S->tmp))
                mpfr_set(S->g[k], S->tmp, MPFR_RNDN);
        }
    }
    /* log L = max + log sum exp(l_n - max) */
    mpfr_set(mx, S->g[0], MPFR_RNDN);
    for (k = 1; k < S->n; k++)
        if (mpfr_cmp(S->g[k], mx) > 0)
            mpfr_set(mx, S->g[k], MPFR_RNDN);
    mpfr_set_zero(S->logL, 1);
    for (k = 0; k < S->n; k++)
    {
        mpfr_sub(S->tmp, S->g[k], mx, MPFR_RNDN);
        mpfr_exp(S->tmp, S->tmp, MPFR_RNDN);
        mpfr_add(S->logL, S->logL, S->tmp, MPFR_RNDN);
    }
    mpfr_log(S->logL, S->logL, MPFR_RNDN);
    mpfr_add(S->logL, S->logL, mx, MPFR_RNDN);
    if (model->mean)
    {
        mpfr_set_si(S->tmp, (long) S->n, MPFR_RNDN);
        mpfr_log(S->tmp, S->tmp, MPFR_RNDN);
        mpfr_sub(S->logL, S->logL, S->tmp, MPFR_RNDN);
    }
    /* normalized: g_n / L = exp(log g_n - log L), never forming L or g_n,
       which leave MPFR's exponent range once margins pass about 7e8
       (log g_n = -m_n, or -log1p(e^m_n); minus log N for the mean loss,
       like log L) */
    for (k = 0; k < S->n && S->normalized; k++)
    {
        if (model->loss == MPBIAS_LOSS_EXP)
            mpfr_neg(S->g[k], S->m[k], MPFR_RNDN);
        else
        {
            mpfr_abs(S->tmp, S->m[k], MPFR_RNDN);
            mpfr_neg(S->tmp, S->tmp, MPFR_RNDN);
            mpfr_exp(S->tmp, S->tmp, MPFR_RNDN);
            mpfr_log1p(S->tmp, S->tmp, MPFR_RNDN);
            if (mpfr_sgn(S->m[k]) > 0)
                mpfr_add(S->tmp, S->tmp, S->m[k], MPFR_RNDN);
            mpfr_neg(S->g[k], S->tmp, MPFR_RNDN);
        }
        if (model->mean)
        {
            mpfr_set_si(S->tmp, (long) S->n, MPFR_RNDN);
            mpfr_log(S->tmp, S->tmp, MPFR_RNDN);
            mpfr_sub(S->g[k], S->g[k], S->tmp, MPFR_RNDN);
        }
        mpfr_sub(S->g[k], S->g[k], S->logL, MPFR_RNDN);
        mpfr_exp(S->g[k], S->g[k], MPFR_RNDN);
    }
    /* g_n = -l'(m_n): e^-m, or 1 / (1 + e^m) */
    for (k = 0; k < S->n && !S->normalized; k++)
    {
        if (model->loss == MPBIAS_LOSS_EXP)
        {
            mpfr_neg(S->g[k], S->m[k], MPFR_RNDN);
            mpfr_exp(S->g[k], S->g[k], MPFR_RNDN);
        }
        else
        {
            mpfr_exp(S->tmp, S->m[k], MPFR_RNDN);
            mpfr_add_ui(S->tmp, S->tmp, 1, MPFR_RNDN);
            mpfr_ui_div(S->g[k], 1, S->tmp, MPFR_RNDN);
        }
        if (model->mean)
            mpfr_div_si(S->g[k], S->g[k], (long) S->n, MPFR_RNDN);
    }
    mpfr_clear(mx);
}

/* one step of size eta, or eta / L when normalized (S evaluated at the
   current u; then g is g / L already) */
static void
gd_step(gd_state *S, const mpfr_t *Z, const fmpq_t eta)
{
    slong i, k;
    fmpq_get_mpfr(S->eta, eta, MPFR_RNDN);
    for (i = 0; i < S->d; i++)
    {
        mpfr_set_zero(S->r[i], 1);
        for (k = 0; k < S->n; k++)
            if (!mpfr_zero_p(Z[k * S->d + i]))
                mpfr_fma(S->r[i], Z[k * S->d + i], S->g[k], S->r[i], MPFR_RNDN);
        mpfr_mul(S->r[i], S->r[i], S->eta, MPFR_RNDN);
        mpfr_mul_ui(S->r[i], S->r[i], (unsigned long) S->D, MPFR_RNDN);
        /* u_+ += eta D u_+^(D-1) r, u_- -= eta D u_-^(D-1) r */
        mpfr_pow_ui(S->tmp, S->up[i], (unsigned long) (S->D - 1), MPFR_RNDN);
        mpfr_fma(S->up[i], S->tmp, S->r[i], S->up[i], MPFR_RNDN);
        mpfr_pow_ui(S->tmp, S->um[i], (unsigned long) (S->D - 1), MPFR_RNDN);
        mpfr_neg(S->tmp, S->tmp, MPFR_RNDN);
        mpfr_fma(S->um[i], S->tmp, S->r[i], S->um[i], MPFR_RNDN);
    }
    for (k = 0; k < S->n; k++)
        mpfr_fma(S->nu[k], S->eta, S->g[k], S->nu[k], MPFR_RNDN);
    if (S->normalized)
    {
        /* the flow-time equivalent eta / L (+inf once L leaves the range) */
        mpfr_neg(S->tmp, S->logL, MPFR_RNDN);
        mpfr_exp(S->tmp, S->tmp, MPFR_RNDN);
        mpfr_mul(S->tmp, S->tmp, S->eta, MPFR_RNDN);
        mpfr_add(S->t, S->t, S->tmp, MPFR_RNDN);
    }
    else
        mpfr_add(S->t, S->t, S->eta, MPFR_RNDN);
}

/* the row of the current (evaluated) state */
static void
gd_row(gd_state *S, mpbias_flow_row *row, const mpbias_model_t model, slong step,
       mpbias_row_kind kind)
{
    slong i, k;
    mpfr_t ln10, gam;
    mpfr_inits2(mpfr_get_prec(S->t), ln10, gam, (mpfr_ptr) 0);
    mpfr_set_ui(ln10, 10, MPFR_RNDN);
    mpfr_log(ln10, ln10, MPFR_RNDN);
    row->kind = kind;
    row->index = step;
    /* t (mean loss: the mean-loss time is N t_sum, as for the flow, where
       the sum is of the mean-loss steps: t itself) */
    mpfr_log10(row->log10_t, S->t, MPFR_RNDN);
    mpfr_div(row->log10_loss, S->logL, ln10, MPFR_RNDN);
    mpfr_set(gam, S->m[0], MPFR_RNDN);
    for (k = 1; k < S->n; k++)
        if (mpfr_cmp(S->m[k], gam) < 0)
            mpfr_set(gam, S->m[k], MPFR_RNDN);
    mpfr_set(row->margin, gam, MPFR_RNDN);
    for (i = 0; i < S->d; i++)
    {
        mpfr_set(row->w[i], S->w[i], MPFR_RNDN);
        if (mpfr_sgn(gam) > 0)
            mpfr_div(row->wbar[i], S->w[i], gam, MPFR_RNDN);
        else
            mpfr_set_nan(row->wbar[i]);
    }
    if (model->shape_a == NULL && mpfr_sgn(gam) > 0)
    {
        /* mu = alpha margin^(-1/D) */
        fmpq_get_mpfr(row->mu, model->alpha, MPFR_RNDN);
        mpfr_rootn_ui(ln10, gam, (unsigned long) model->depth, MPFR_RNDN);
        mpfr_div(row->mu, row->mu, ln10, MPFR_RNDN);
    }
    else
        mpfr_set_nan(row->mu);
    for (k = 0; k < S->n; k++)
        mpfr_set(row->nu[k], S->nu[k], MPFR_RNDN);
    mpfr_clears(ln10, gam, (mpfr_ptr) 0);
}

/* relative difference of two rows, as the flow's estimate */
static void
gd_compare(mpbias_flow_row *b, const mpbias_flow_row *a)
{
    mpfr_t den, t;
    slong i;
    mpfr_inits2(64, den, t, (mpfr_ptr) 0);
    mpfr_set_zero(b->err_est, 1);
#define GD_UPD(x, y, dn)                                                       \
    do                                                                         \
    {                                                                          \
        mpfr_sub(t, x, y, MPFR_RNDN);                                          \
        mpfr_abs(t, t, MPFR_RNDN);                                             \
        mpfr_div(t, t, dn, MPFR_RNDN);                                         \
        if (mpfr_nan_p(t) || mpfr_cmp(t, b->err_est) > 0)                      \
            mpfr_set(b->err_est, t, MPFR_RNDN);                                \
    } while (0)
    mpfr_abs(den, b->log10_loss, MPFR_RNDN);
    if (mpfr_cmp_ui(den, 1) < 0)
        mpfr_set_ui(den, 1, MPFR_RNDN);
    GD_UPD(a->log10_loss, b->log10_loss, den);
    mpfr_abs(den, b->margin, MPFR_RNDN);
    if (mpfr_sgn(den) > 0)
        GD_UPD(a->margin, b->margin, den);
    mpfr_set_zero(den, 1);
    for (i = 0; i < b->d; i++)
        if (mpfr_number_p(b->wbar[i]) && mpfr_cmpabs(b->wbar[i], den) > 0)
            mpfr_abs(den, b->wbar[i], MPFR_RNDN);
    for (i = 0; i < b->d && mpfr_sgn(den) > 0; i++)
        if (mpfr_number_p(b->wbar[i]) || mpfr_number_p(a->wbar[i]))
            GD_UPD(a->wbar[i], b->wbar[i], den);
    mpfr_set_zero(den, 1);
    for (i = 0; i < b->d; i++)
        if (mpfr_cmpabs(b->w[i], den) > 0)
            mpfr_abs(den, b->w[i], MPFR_RNDN);
    for (i = 0; i < b->d && mpfr_sgn(den) > 0; i++)
        GD_UPD(a->w[i], b->w[i], den);
    mpfr_set_zero(den, 1);
    for (i = 0; i < b->n; i++)
        if (mpfr_cmpabs(b->nu[i], den) > 0)
            mpfr_abs(den, b->nu[i], MPFR_RNDN);
    for (i = 0; i < b->n && mpfr_sgn(den) > 0; i++)
        GD_UPD(a->nu[i], b->nu[i], den);
#undef GD_UPD
    mpfr_clears(den, t, (mpfr_ptr) 0);
}

/* row at step k? every > 0: multiples of it; else 0, 1, 2, 5, 10, 20, ... */
static int
gd_scheduled(slong k, slong every)
{
    slong p = 1;
    if (every > 0)
        return k % every == 0;
    if (k == 0)
        return 1;
    while (p <= k / 10)
        p *= 10;
    return k == p || k == 2 * p || k == 5 * p;
}

mpbias_status
mpbias_gd_run(const mpbias_data_t data, const mpbias_model_t model, const mpbias_gd_opts *o,
              mpbias_flow_row_fn row_fn, void *ctx, mpbias_gd_stats *stats, mpbias_err_t err)
{
    return _mpbias_gd_run_probe(data, model, o, row_fn, ctx, NULL, NULL, stats, err);
}

mpbias_status
_mpbias_gd_run_probe(const mpbias_data_t data, const mpbias_model_t model,
                     const mpbias_gd_opts *o, mpbias_flow_row_fn row_fn, void *ctx,
                     _mpbias_gd_probe_fn probe, void *pctx, mpbias_gd_stats *stats,
                     mpbias_err_t err)
{
    slong n = data->n, d = data->d, k;
    mpbias_status st;
    mpfr_prec_t prec;
    gd_state A, B;
    mpfr_t *ZA, *ZB, target, cp, prevL;
    mpbias_flow_row ra, rb;
    mpbias_gd_stats s;
    int stop = 0;
    slong ats = 0;

    if ((st = mpbias_model_check(model, data, err)) != MPBIAS_OK)
        return st;
    if (o->neta < 1 || o->eta == NULL)
        return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0, "gd: no step size given");
    for (k = 0; k < o->neta; k++)
        if (fmpq_sgn(o->eta + k) <= 0)
            return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0,
                                   "gd: step sizes must be positive (step size %ld)", (long) k + 1);
    if (o->digits < 1 || o->digits > 1000 || o->max_steps < 0)
        return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0, "gd: invalid digits or steps");
    prec = o->prec > 0 ? o->prec : (mpfr_prec_t) ((o->digits + 20) * 3.3219280948873623) + 64;
    memset(&s, 0, sizeof s);
    s.first_increase = -1;
    s.prec = prec + 64;
    gd_init(&A, data, model, prec);
    gd_init(&B, data, model, prec + 64);
    A.normalized = B.normalized = o->normalized;
    ZA = _mpbias_mpfr_vec_init(n * d, prec);
    ZB = _mpbias_mpfr_vec_init(n * d, prec + 64);
    mpbias_data_get_z_mpfr(ZA, data, MPFR_RNDN);
    mpbias_data_get_z_mpfr(ZB, data, MPFR_RNDN);
    mpbias_flow_row_init(&ra, n, d, prec);
    mpbias_flow_row_init(&rb, n, d, prec + 64);
    mpfr_inits2(prec + 64, target, cp, prevL, (mpfr_ptr) 0);
    if (o->until_loss_set)
    {
        mpbias_sci_log(target, o->until_loss, MPFR_RNDN);
        mpfr_set_ui(cp, 10, MPFR_RNDN);
        mpfr_log(cp, cp, MPFR_RNDN);
        mpfr_div(target, target, cp, MPFR_RNDN);   /* log10 of the target */
    }
    mpfr_set_si(cp, -o->digits, MPFR_RNDN);
    mpfr_exp10(cp, cp, MPFR_RNDN);
    st = MPBIAS_OK;
    for (k = 0;; k++)
    {
        gd_eval(&A, (const mpfr_t *) ZA, model);
        gd_eval(&B, (const mpfr_t *) ZB, model);
        if (!mpfr_number_p(B.logL))
        {
            st = _mpbias_err_set(err, MPBIAS_ERR_NUMERIC, NULL, 0, 0,
                                 "gd: the loss is not a number at step %ld (the iteration "
                                 "diverged: a smaller step size?)", (long) k);
            break;
        }
        /* the catapult: the loss rising */
        if (k > 0 && mpfr_cmp(B.logL, prevL) > 0)
        {
            double rise;
            s.increases++;
            if (s.first_increase < 0)
                s.first_increase = k;
            mpfr_sub(prevL, B.logL, prevL, MPFR_RNDN);
            rise = mpfr_get_d(prevL, MPFR_RNDN) / log(10.0);
            if (rise > s.max_rise)
                s.max_rise = rise;
        }
        mpfr_set(prevL, B.logL, MPFR_RNDN);
        if (probe != NULL)
            probe(k, o->eta + (k < o->neta ? k : o->neta - 1), (const mpfr_t *) B.up,
                  (const mpfr_t *) B.um, (const mpfr_t *) B.m, B.logL, pctx);
        if (k == o->max_steps)
            stop = 1;
        if (o->until_loss_set)
        {
            mpfr_set_ui(A.tmp, 10, MPFR_RNDN);
            mpfr_log(A.tmp, A.tmp, MPFR_RNDN);
            mpfr_div(B.tmp, B.logL, A.tmp, MPFR_RNDN);
            if (mpfr_cmp(B.tmp, target) <= 0)
                stop = 1;
        }
        while (ats < o->n_at_step && o->at_step[ats] < k)
            ats++;
        if (stop || (o->n_at_step > 0 ? ats < o->n_at_step && o->at_step[ats] == k
                                      : gd_scheduled(k, o->every)))
        {
            gd_row(&A, &ra, model, k, stop ? MPBIAS_ROW_STOP : MPBIAS_ROW_CHECKPOINT);
            gd_row(&B, &rb, model, k, stop ? MPBIAS_ROW_STOP : MPBIAS_ROW_CHECKPOINT);
            if (k == 0)
                mpfr_set_inf(rb.log10_t, -1);
            gd_compare(&rb, &ra);
            if (mpfr_get_d(rb.err_est, MPFR_RNDU) > s.max_err_est)
                s.max_err_est = mpfr_get_d(rb.err_est, MPFR_RNDU);
            if (!mpfr_lessequal_p(rb.err_est, cp))
            {
                st = _mpbias_err_set(err, MPBIAS_ERR_NUMERIC, NULL, 0, 0,
                                     "gd: cannot certify %d digits at step %ld: estimated relative "
                                     "error %.2g (rounding errors grow along the iteration); ask "
                                     "for fewer --digits or more --prec", o->digits, (long) k,
                                     mpfr_get_d(rb.err_est, MPFR_RNDU));
                break;
            }
            if (row_fn != NULL && row_fn(&rb, ctx) != 0)
            {
                st = _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0, "interrupted");
                break;
            }
        }
        if (stop)
            break;
        gd_step(&A, (const mpfr_t *) ZA, o->eta + (k < o->neta ? k : o->neta - 1));
        gd_step(&B, (const mpfr_t *) ZB, o->eta + (k < o->neta ? k : o->neta - 1));
        s.steps = k + 1;
    }
    if (stats != NULL)
        *stats = s;
    mpfr_clears(target, cp, prevL, (mpfr_ptr) 0);
    mpbias_flow_row_clear(&ra);
    mpbias_flow_row_clear(&rb);
    _mpbias_mpfr_vec_clear(ZA, n * d);
    _mpbias_mpfr_vec_clear(ZB, n * d);
    gd_clear(&A);
    gd_clear(&B);
    return st;
}
