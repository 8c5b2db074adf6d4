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
    mpbias_status st;
    slong j, n;
    int D = model->depth;
    traj_ctx tc;

    mpbias_regime_traj_clear(r);
    mpbias_regime_traj_init(r);
    st = mpbias_regime_ref_setup(r->ref, data, model,
                                 64 + (mpfr_prec_t) (fo->digits * 3.33) + 64, err);
    if (st != MPBIAS_OK)
        return st;
    tc.rows = &r->rows;
    tc.progress_fn = progress_fn;
    tc.ctx = ctx;
    st = mpbias_flow_run(data, model, fo, traj_row, progress_fn != NULL ? traj_progress : NULL,
                         &tc, &r->stats, err);
    if (st != MPBIAS_OK)
        return st;
    n = r->rows.n;
    /* depth >= 3: the rich target is the KKT point the late direction
       polishes to (none: no rich column) */
    if (D >= 3 && n > 0)
    {
        mpbias_lpkkt_t kk;
        mpbias_lpkkt_init(kk);
        mpbias_err_clear(r->kkt_err);
        if (mpbias_regime_ref_polish_kkt(r->ref, data, (const mpfr_t *) r->rows.rows[n - 1].wbar,
                                         support_tol, kk, r->kkt_err) == MPBIAS_OK)
        {
            r->kkt_found = 1;
            r->kkt_kind = kk->kind;
            r->kkt_tau = kk->tau;
        }
        mpbias_lpkkt_clear(kk);
    }
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
