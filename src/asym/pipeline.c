/*
 * pipeline.c -- the regime pipeline: limits, trajectory, rich target,
 * analysed rows and rates for one (data, model), as `mpbias regime` and
 * every point of `mpbias sweep` compute them (doc/asymptotics.md).
 */
#include "config.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "mpbias-impl.h"

void
mpbias_regime_traj_init(mpbias_regime_traj_t r)
{
    mpbias_regime_ref_init(r->ref);
    mpbias_flow_rows_init(&r->rows);
    r->an = NULL;
    r->rate = NULL;
    r->extrap = NULL;
    r->anchor_row = -1;
    memset(&r->stats, 0, sizeof r->stats);
    r->target = MPBIAS_TARGET_RICH;
    r->kkt_found = 0;
    r->kkt_kind = MPBIAS_KKT_L1;
    r->kkt_tau = 0.0;
    mpbias_err_clear(r->kkt_err);
}

void
mpbias_regime_traj_clear(mpbias_regime_traj_t r)
{
    slong j, n = r->rows.n;
    if (r->an != NULL)
        for (j = 0; j < n; j++)
            mpbias_regime_row_clear(r->an + j);
    free(r->an);
    if (r->rate != NULL)
        _mpbias_mpfr_vec_clear(r->rate, n);
    if (r->extrap != NULL)
        _mpbias_mpfr_vec_clear(r->extrap, n);
    mpbias_flow_rows_clear(&r->rows);
    mpbias_regime_ref_clear(r->ref);
}

/* mpbias_flow_run has one context for its two callbacks */
typedef struct
{
    mpbias_flow_rows *rows;
    mpbias_flow_progress_fn progress_fn;
    void *ctx;
} traj_ctx;

static int
traj_row(const mpbias_flow_row *row, void *ctx)
{
    return mpbias_flow_rows_collect(row, ((traj_ctx *) ctx)->rows);
}

static int
traj_progress(const mpbias_flow_stats *st, void *ctx)
{
    traj_ctx *c = ctx;
    return c->progress_fn != NULL ? c->progress_fn(st, c->ctx) : 0;
}

mpbias_status
mpbias_regime_traj_compute(mpbias_regime_traj_t r, const mpbias_data_t data,
                           const mpbias_model_t model, const mpbias_flow_opts *fo,
                           int qmu_digits, double support_tol, int rates,
                           const mpbias_sci_struct *anchor, mpbias_flow_progress_fn progress_fn,
                           void *ctx, mpbias_err_t err)
{
    mpbias_regime_traj_opts o;
    memset(&o, 0, sizeof o);
    o.qmu_digits = qmu_digits;
    o.support_tol = support_tol;
    o.rates = rates;
    o.anchor = anchor;
    o.rich_from = MPBIAS_RICH_FROM_OWN;
    o.progress_fn = progress_fn;
    o.ctx = ctx;
    return mpbias_regime_traj_run(r, data, model, fo, &o, err);
}

const mpbias_dist *
mpbias_regime_traj_target_dist(const mpbias_regime_traj_t r, slong j)
{
    const mpbias_regime_row *a;
    if (r->an == NULL || j < 0 || j >= r->rows.n)
        return NULL;
    a = r->an + j;
    return r->target == MPBIAS_TARGET_L2 ? &a->to_l2
           : r->target == MPBIAS_TARGET_QMU ? &a->to_qmu : &a->to_rich;
}

/* the target the distances are read for: o's (RICH when not set), l2 for
   depth 1's rich limit */
static mpbias_target
traj_target(const mpbias_regime_traj_opts *o, int D)
{
    mpbias_target t = o->target_set ? o->target : MPBIAS_TARGET_RICH;
    return D == 1 && t == MPBIAS_TARGET_RICH ? MPBIAS_TARGET_L2 : t;
}

/* the rich target for depth >= 3 (or at every depth, l1) as o says */
static mpbias_status
traj_rich(mpbias_regime_traj_t r, const mpbias_data_t data, int D,
          const mpbias_regime_traj_opts *o, mpbias_err_t err)
{
    slong n = r->rows.n;
    if (o->rich_from == MPBIAS_RICH_FROM_L1 || r->target == MPBIAS_TARGET_L1)
        return mpbias_regime_ref_set_l1(r->ref, data, err);
    if (D < 3 || n == 0 || o->rich_from == MPBIAS_RICH_FROM_NONE)
        return MPBIAS_OK;
    if (o->rich_from == MPBIAS_RICH_FROM_GIVEN)
    {
        if (o->rich_w == NULL)
            return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0,
                                   "regime: the given rich target is missing");
        return mpbias_regime_ref_set_kkt(r->ref, o->rich_w, err);
    }
    /* the KKT point the late direction polishes to (none: no rich column) */
    {
        mpbias_lpkkt_t kk;
        mpbias_lpkkt_init(kk);
        mpbias_err_clear(r->kkt_err);
        if (mpbias_regime_ref_polish_kkt(r->ref, data, (const mpfr_t *) r->rows.rows[n - 1].wbar,
                                         o->support_tol, kk, r->kkt_err) == MPBIAS_OK)
        {
            r->kkt_found = 1;
            r->kkt_kind = kk->kind;
            r->kkt_tau = kk->tau;
        }
        mpbias_lpkkt_clear(kk);
    }
    return MPBIAS_OK;
}

mpbias_status
mpbias_regime_traj_run(mpbias_regime_traj_t r, const mpbias_data_t data,
                       const mpbias_model_t model, const mpbias_flow_opts *fo,
                       const mpbias_regime_traj_opts *o, mpbias_err_t err)
{
    mpbias_status st;
    slong j, n;
    int D = model->depth, qmu_digits = o->qmu_digits, rates = o->rates;
    const mpbias_sci_struct *anchor = o->anchor;
    traj_ctx tc;

    mpbias_regime_traj_clear(r);
    mpbias_regime_traj_init(r);
    if (o->target_set && (o->target < MPBIAS_TARGET_L2 || o->target > MPBIAS_TARGET_L1))
        return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0, "regime: no such target");
    r->target = traj_target(o, D);
    if (r->target == MPBIAS_TARGET_QMU && qmu_digits <= 0)
        qmu_digits = 8;
    st = mpbias_regime_ref_setup_shaped(r->ref, data, model,
                                 64 + (mpfr_prec_t) (fo->digits * 3.33) + 64, err);
    if (st != MPBIAS_OK)
        return st;
    tc.rows = &r->rows;
    tc.progress_fn = o->progress_fn;
    tc.ctx = o->ctx;
    st = mpbias_flow_run(data, model, fo, traj_row, o->progress_fn != NULL ? traj_progress : NULL,
                         &tc, &r->stats, err);
    if (st != MPBIAS_OK)
        return st;
    n = r->rows.n;
    if ((st = traj_rich(r, data, D, o, err)) != MPBIAS_OK)
        return st;
    r->an = malloc((size_t) (n > 0 ? n : 1) * sizeof(mpbias_regime_row));
    r->rate = _mpbias_mpfr_vec_init(n, 64);
    r->extrap = _mpbias_mpfr_vec_init(n, 64);
    if (r->an == NULL || (n > 0 && (r->rate == NULL || r->extrap == NULL)))
    {
        free(r->an);
        r->an = NULL;
        return _mpbias_err_set(err, MPBIAS_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    for (j = 0; j < n; j++)
    {
        mpbias_regime_row_init(r->an + j);
        mpfr_set_nan(r->rate[j]);
        mpfr_set_nan(r->extrap[j]);
    }
    for (j = 0; j < n; j++)
        if ((st = mpbias_regime_eval(r->an + j, r->ref, data, r->rows.rows + j, qmu_digits, err))
            != MPBIAS_OK)
            return st;
    if (!rates)
        return MPBIAS_OK;
    if (anchor != NULL)
    {
        /* the anchor row: the row nearest log10(EPS0) */
        double a = mpbias_sci_log10_d(anchor), best = INFINITY;
        for (j = 0; j < n; j++)
        {
            double dd = fabs(mpfr_get_d(r->rows.rows[j].log10_loss, MPFR_RNDN) - a);
            if (dd < best)
            {
                best = dd;
                r->anchor_row = j;
            }
        }
    }
    for (j = 1; j < n; j++)
    {
        slong ja = r->anchor_row;
        mpbias_regime_compare(r->rate[j], r->extrap[j], r->ref, r->rows.rows + j - 1,
                              r->an + j - 1, r->rows.rows + j, r->an + j);
        if (ja >= 0)
        {
            mpfr_t tmp;
            mpfr_init2(tmp, 64);
            if (j > ja)
                mpbias_regime_compare(tmp, r->extrap[j], r->ref, r->rows.rows + ja, r->an + ja,
                                      r->rows.rows + j, r->an + j);
            else
                mpfr_set_nan(r->extrap[j]);
            mpfr_clear(tmp);
        }
    }
    return MPBIAS_OK;
}
