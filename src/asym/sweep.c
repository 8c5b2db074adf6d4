/*
 * sweep.c -- the sweep: the regime pipeline (pipeline.c) over a grid of
 * datasets, depths and initialization scales, point by point in grid
 * order (doc/sweep.md).  Where the points run (this process, worker
 * processes, MPI ranks) and where their results go is the caller's: the
 * scheduler asks a callback which points to compute and hands each result
 * to another.
 */
#include "config.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "mpbias-impl.h"

void
mpbias_sweep_init(mpbias_sweep_t sw)
{
    memset(sw, 0, sizeof *sw);
    mpbias_sci_init(sw->until_loss);
    mpbias_sci_parse(sw->until_loss, "1e-1000", NULL);
    sw->per_decade = 3;
    sw->digits = 10;
    mpbias_flow_opts_init(&sw->fo);
}

void
mpbias_sweep_clear(mpbias_sweep_t sw)
{
    if (sw->alpha_q != NULL)
        _fmpq_vec_clear(sw->alpha_q, sw->nalphas);
    sw->alpha_q = NULL;
    mpbias_flow_opts_loss_grid_free(&sw->fo);
    mpbias_flow_opts_clear(&sw->fo);
    mpbias_sci_clear(sw->until_loss);
}

mpbias_status
mpbias_sweep_prepare(mpbias_sweep_t sw, mpbias_err_t err)
{
    double target = -mpbias_sci_log10_d(sw->until_loss);
    slong i;
    if (sw->ndata < 1 || sw->ndepths < 1 || sw->nalphas < 1 || sw->data == NULL
        || sw->depths == NULL || sw->alphas == NULL)
        return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0, "sweep: an empty grid");
    for (i = 0; i < sw->ndepths; i++)
        if (sw->depths[i] < 1 || sw->depths[i] > 1000)
            return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0,
                                   "sweep: depth %ld is not in 1..1000", sw->depths[i]);
    if (sw->per_decade < 1 || sw->per_decade > 20)
        return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0,
                               "sweep: per_decade %ld is not in 1..20", sw->per_decade);
    if (sw->digits < 1 || sw->digits > 1000)
        return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0,
                               "sweep: digits %d is not in 1..1000", sw->digits);
    if (!(target >= 1.0))
        return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0,
                               "sweep: the last loss must be at most 0.1");
    if (sw->alpha_q != NULL)
        _fmpq_vec_clear(sw->alpha_q, sw->nalphas);
    sw->alpha_q = _fmpq_vec_init(sw->nalphas);
    for (i = 0; i < sw->nalphas; i++)
    {
        mpbias_err_t e;
        mpbias_err_clear(e);
        if (mpbias_decimal_parse(sw->alpha_q + i, sw->alphas[i], strlen(sw->alphas[i]), e)
                != MPBIAS_OK || fmpq_sgn(sw->alpha_q + i) <= 0)
            return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0,
                                   "sweep: alpha '%s' is not a positive decimal", sw->alphas[i]);
    }
    /* the losses every point is sampled at, and its stop */
    mpbias_flow_opts_loss_grid_free(&sw->fo);
    if (!mpbias_flow_opts_loss_grid(&sw->fo, sw->per_decade, target, 0))
        return _mpbias_err_set(err, MPBIAS_ERR_NOMEM, NULL, 0, 0, "out of memory");
    sw->fo.digits = sw->digits;
    sw->fo.per_decade = 0;
    sw->fo.until_loss_set = 1;
    mpbias_sci_set(sw->fo.until_loss, sw->until_loss);
    sw->npoints = sw->ndata * sw->ndepths * sw->nalphas;
    return MPBIAS_OK;
}

void
mpbias_sweep_point_index(slong *ids, slong *idepth, slong *ialpha, const mpbias_sweep_t sw,
                         slong p)
{
    *ialpha = p % sw->nalphas;
    *idepth = (p / sw->nalphas) % sw->ndepths;
    *ids = p / (sw->nalphas * sw->ndepths);
}

void
mpbias_sweep_point_init(mpbias_sweep_point_t pt)
{
    memset(pt, 0, sizeof *pt);
    pt->index = -1;
    mpbias_regime_traj_init(pt->traj);
    mpbias_threshold_init(pt->th);
}

void
mpbias_sweep_point_clear(mpbias_sweep_point_t pt)
{
    mpbias_regime_traj_clear(pt->traj);
    mpbias_threshold_clear(pt->th);
}

mpbias_status
mpbias_sweep_point_compute(mpbias_sweep_point_t pt, const mpbias_sweep_t sw, slong p,
                           mpbias_err_t err)
{
    mpbias_model_t model;
    mpbias_err_t e;
    mpbias_status st;
    if (sw->alpha_q == NULL || p < 0 || p >= sw->npoints)
        return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0,
                               "sweep: no point %ld in the prepared grid", (long) p);
    mpbias_sweep_point_clear(pt);
    mpbias_sweep_point_init(pt);
    pt->index = p;
    mpbias_sweep_point_index(&pt->ids, &pt->idepth, &pt->ialpha, sw, p);
    pt->data = sw->data + pt->ids;
    pt->depth = sw->depths[pt->idepth];
    pt->alpha = sw->alphas[pt->ialpha];
    mpbias_model_init(model);
    model->depth = (int) pt->depth;
    fmpq_set(model->alpha, sw->alpha_q + pt->ialpha);
    mpbias_err_clear(e);
    /* depth >= 3 without a KKT point near the last sample: no rich
       distances (the trajectory's kkt_found says so) */
    st = mpbias_regime_traj_compute(pt->traj, pt->data, model, &sw->fo,
                                    sw->qmu && pt->depth >= 2 ? 8 : 0, 0.0, 0, NULL, NULL, NULL,
                                    e);
    if (st != MPBIAS_OK)
        _mpbias_err_set(err, st, NULL, 0, 0, "%s, depth %ld, alpha %s: %s", pt->data->name,
                        pt->depth, pt->alpha, e->msg);
    else
    {
        pt->traj_done = 1;
        if (sw->threshold_within > 0.0)
        {
            st = mpbias_threshold_find(pt->th, pt->data, model, MPBIAS_TARGET_RICH,
                                       sw->threshold_within, 0, sw->until_loss, 4, e);
            if (st != MPBIAS_OK)
                _mpbias_err_set(err, st, NULL, 0, 0, "%s, depth %ld, alpha %s: threshold: %s",
                                pt->data->name, pt->depth, pt->alpha, e->msg);
            else
                pt->threshold_done = 1;
        }
    }
    mpbias_model_clear(model);
    return st;
}

mpbias_status
mpbias_sweep_run(const mpbias_sweep_t sw, const mpbias_sweep_callbacks *cb, slong *computed,
                 slong *skipped, mpbias_err_t err)
{
    mpbias_sweep_point_t pt;
    mpbias_err_t e;
    mpbias_status st = MPBIAS_OK;
    slong p, ncomp = 0, nskip = 0;
    int stop = 0;
    if (sw->alpha_q == NULL)
        return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0,
                               "sweep: mpbias_sweep_prepare was not called");
    mpbias_sweep_point_init(pt);
    for (p = 0; p < sw->npoints && !stop; p++)
    {
        int todo = cb != NULL && cb->todo != NULL ? cb->todo(p, cb->ctx) : 1;
        if (todo < 0)
            break;
        if (todo == 0)
            nskip++;
        else
        {
            mpbias_err_clear(e);
            st = mpbias_sweep_point_compute(pt, sw, p, e);
            if (cb != NULL && cb->point != NULL && cb->point(pt, st, e, cb->ctx) != 0)
                stop = 1;
            if (st != MPBIAS_OK)
            {
                _mpbias_err_set(err, st, NULL, 0, 0, "%s", e->msg);
                break;
            }
            ncomp++;
        }
        if (cb != NULL && cb->progress != NULL)
            cb->progress(ncomp, nskip, sw->npoints, cb->ctx);
    }
    mpbias_sweep_point_clear(pt);
    if (computed != NULL)
        *computed = ncomp;
    if (skipped != NULL)
        *skipped = nskip;
    return st;
}
