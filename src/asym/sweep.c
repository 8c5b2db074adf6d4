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

/* the rich targets (mpbias_sweep_prepare) */
static void
rich_free(mpbias_sweep_t sw)
{
    slong k;
    if (sw->rich == NULL)
        return;
    for (k = 0; k < sw->ndata * sw->ndepths; k++)
        if (sw->rich[k].w != NULL)
            _mpbias_mpfr_vec_clear(sw->rich[k].w, sw->rich[k].d);
    free(sw->rich);
    sw->rich = NULL;
}

const mpbias_sweep_rich *
mpbias_sweep_rich_target(const mpbias_sweep_t sw, slong ids, slong idepth)
{
    if (sw->rich == NULL || ids < 0 || ids >= sw->ndata || idepth < 0 || idepth >= sw->ndepths)
        return NULL;
    return sw->rich + ids * sw->ndepths + idepth;
}

/* the model of a grid point: depth, alpha (times the shape, if any), loss */
static mpbias_status
point_model(mpbias_model_t model, const mpbias_sweep_t sw, long depth, slong ialpha,
            mpbias_err_t err)
{
    mpbias_status st = MPBIAS_OK;
    model->depth = (int) depth;
    model->loss = sw->loss;
    model->mean = sw->mean;
    fmpq_set(model->alpha, sw->alpha_q + ialpha);
    if (sw->shape_a != NULL)
    {
        slong i, d = sw->shape_d;
        fmpq *a = _fmpq_vec_init(d), *b = _fmpq_vec_init(d);
        for (i = 0; i < d; i++)
        {
            fmpq_mul(a + i, sw->shape_a + i, model->alpha);
            fmpq_mul(b + i, sw->shape_b + i, model->alpha);
        }
        st = mpbias_model_set_shape(model, a, b, d, err);
        _fmpq_vec_clear(a, d);
        _fmpq_vec_clear(b, d);
    }
    return st;
}

/* the smallest alpha's index */
static slong
smallest_alpha(const mpbias_sweep_t sw)
{
    slong i, k = 0;
    for (i = 1; i < sw->nalphas; i++)
        if (fmpq_cmp(sw->alpha_q + i, sw->alpha_q + k) < 0)
            k = i;
    return k;
}

/* depth >= 3: is the KKT point t->w the (unique) l1 max-margin predictor,
   or with a shape the weighted one (weights a^(2-D), b^(2-D): the shape's
   rich limit, doc/limits.md section 5), to within 2^(-prec/2)?  Then t->l1
   says which, and t->w becomes that predictor (rounded from the exact
   rationals) */
static void
rich_l1(mpbias_sweep_rich *t, const mpbias_sweep_t sw, const mpbias_data_struct *data, long D,
        mpbias_kkt_kind kind, mpfr_prec_t prec)
{
    mpbias_l1mm_t l1;
    mpbias_err_t e;
    fmpq *cp = NULL, *cm = NULL;
    slong i, d = data->d;
    int same = 0;
    mpfr_t x;
    if (sw->shape_a == NULL && kind != MPBIAS_KKT_L1)
        return;
    mpbias_l1mm_init(l1);
    mpfr_init2(x, prec);
    if (sw->shape_a != NULL)
    {
        cp = _fmpq_vec_init(d);
        cm = _fmpq_vec_init(d);
        for (i = 0; i < d; i++)
        {
            fmpq_pow_si(cp + i, sw->shape_a + i, 2 - D);
            fmpq_pow_si(cm + i, sw->shape_b + i, 2 - D);
        }
    }
    if (mpbias_l1mm_compute_weighted(l1, data, cp, cm, e) == MPBIAS_OK && l1->separable
        && l1->unique)
    {
        same = 1;
        for (i = 0; i < d && same; i++)
        {
            fmpq_get_mpfr(x, l1->w + i, MPFR_RNDN);
            mpfr_sub(x, x, t->w[i], MPFR_RNDN);
            same = mpfr_zero_p(x) || mpfr_get_exp(x) < -(mpfr_exp_t) (prec / 2);
        }
    }
    if (same)
    {
        t->l1 = sw->shape_a != NULL ? 2 : 1;
        for (i = 0; i < d; i++)
            fmpq_get_mpfr(t->w[i], l1->w + i, MPFR_RNDN);
    }
    if (cp != NULL)
    {
        _fmpq_vec_clear(cp, d);
        _fmpq_vec_clear(cm, d);
    }
    mpfr_clear(x);
    mpbias_l1mm_clear(l1);
}

/* depth >= 3: the KKT point the smallest alpha's trajectory polishes to */
static mpbias_status
rich_kkt(mpbias_sweep_rich *t, const mpbias_sweep_t sw, const mpbias_data_struct *data,
         long depth, mpbias_err_t err)
{
    mpbias_model_t model;
    mpbias_flow_rows rows;
    mpbias_lpkkt_t kk;
    mpbias_status st;
    slong i;
    mpfr_prec_t prec = 64 + (mpfr_prec_t) (sw->fo.digits * 3.33) + 64;
    t->ialpha = smallest_alpha(sw);
    mpbias_model_init(model);
    mpbias_flow_rows_init(&rows);
    mpbias_lpkkt_init(kk);
    st = point_model(model, sw, depth, t->ialpha, err);
    if (st == MPBIAS_OK)
        st = mpbias_flow_run(data, model, &sw->fo, mpbias_flow_rows_collect, NULL, &rows, NULL,
                             err);
    if (st == MPBIAS_OK && rows.n < 1)
        st = _mpbias_err_set(err, MPBIAS_ERR_NUMERIC, NULL, 0, 0, "the flow gave no row");
    if (st != MPBIAS_OK)
        _mpbias_err_set(err, st, NULL, 0, 0, "%s, depth %ld, alpha %s (the rich target): %s",
                        data->name, depth, sw->alphas[t->ialpha], err->msg);
    else if (mpbias_lpkkt_compute_auto(kk, data, (int) depth,
                                      (const mpfr_t *) rows.rows[rows.n - 1].wbar, prec, t->err)
             == MPBIAS_OK)
    {
        t->defined = 1;
        t->kind = MPBIAS_RICH_KKT;
        t->kkt_kind = kk->kind;
        t->kkt_tau = kk->tau;
        t->w = _mpbias_mpfr_vec_init(data->d, prec);
        for (i = 0; i < data->d; i++)
            mpfr_set(t->w[i], kk->w[i], MPFR_RNDN);
        rich_l1(t, sw, data, depth, kk->kind, prec);
    }
    mpbias_lpkkt_clear(kk);
    mpbias_flow_rows_clear(&rows);
    mpbias_model_clear(model);
    return st;
}

/* the rich target of every dataset and depth (target RICH) */
static mpbias_status
rich_prepare(mpbias_sweep_t sw, mpbias_err_t err)
{
    slong ids, j;
    mpbias_status st = MPBIAS_OK;
    sw->rich = calloc((size_t) (sw->ndata * sw->ndepths), sizeof(mpbias_sweep_rich));
    if (sw->rich == NULL)
        return _mpbias_err_set(err, MPBIAS_ERR_NOMEM, NULL, 0, 0, "out of memory");
    for (ids = 0; ids < sw->ndata && st == MPBIAS_OK; ids++)
        for (j = 0; j < sw->ndepths && st == MPBIAS_OK; j++)
        {
            mpbias_sweep_rich *t = sw->rich + ids * sw->ndepths + j;
            long D = sw->depths[j];
            mpbias_err_clear(t->err);
            t->d = sw->data[ids].d;
            t->ialpha = -1;
            if (D == 1)
                t->defined = 1;     /* the l2 predictor */
            else if (D == 2)
            {
                mpbias_l1mm_t l1;
                mpbias_l1mm_init(l1);
                st = mpbias_l1mm_compute(l1, sw->data + ids, err);
                t->defined = st == MPBIAS_OK;
                t->kind = l1->unique ? MPBIAS_RICH_L1 : MPBIAS_RICH_L1_FACE;
                mpbias_l1mm_clear(l1);
            }
            else
                st = rich_kkt(t, sw, sw->data + ids, D, err);
        }
    return st;
}

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
    rich_free(sw);
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
    if ((sw->loss != MPBIAS_LOSS_EXP && sw->loss != MPBIAS_LOSS_LOGISTIC)
        || (sw->target_set && (sw->target < MPBIAS_TARGET_L2 || sw->target > MPBIAS_TARGET_L1)))
        return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0, "sweep: no such loss or target");
    for (i = 0; i < sw->ndata && sw->shape_a != NULL; i++)
        if (sw->data[i].d != sw->shape_d || sw->shape_b == NULL)
            return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0,
                                   "sweep: the shape has %ld coordinates but %s has d = %ld",
                                   (long) sw->shape_d, sw->data[i].name, (long) sw->data[i].d);
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
    rich_free(sw);
    if (sw->target_set && sw->target == MPBIAS_TARGET_RICH)
        return rich_prepare(sw, err);
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
    mpbias_err_clear(pt->threshold_why);
    mpbias_regime_traj_init(pt->traj);
    mpbias_threshold_init(pt->th);
}

void
mpbias_sweep_point_clear(mpbias_sweep_point_t pt)
{
    mpbias_regime_traj_clear(pt->traj);
    mpbias_threshold_clear(pt->th);
}

/* the pipeline's options for a point: its target (the pipeline computes
   the l1 or intermediate predictor it needs), which rich point, which qmu */
static void
point_opts(mpbias_regime_traj_opts *o, const mpbias_sweep_t sw, const mpbias_sweep_point_t pt)
{
    const mpbias_sweep_rich *t = mpbias_sweep_rich_target(sw, pt->ids, pt->idepth);
    memset(o, 0, sizeof *o);
    o->qmu_digits = sw->qmu && pt->depth >= 2 && sw->shape_a == NULL ? 8 : 0;
    o->target_set = sw->target_set;
    o->target = sw->target;
    o->rich_from = MPBIAS_RICH_FROM_OWN;
    if (t != NULL && pt->depth >= 3)
    {
        o->rich_from = t->defined ? MPBIAS_RICH_FROM_GIVEN : MPBIAS_RICH_FROM_NONE;
        o->rich_w = (const mpfr_t *) t->w;
    }
}

/* whether the point's threshold is defined: 1, or 0 with the reason in
   pt->threshold_why (the target has no distance for this point) */
static int
threshold_defined(mpbias_sweep_point_t pt, const mpbias_sweep_t sw)
{
    const mpbias_sweep_rich *t = mpbias_sweep_rich_target(sw, pt->ids, pt->idepth);
    mpbias_target target = pt->traj->target;
    const char *why = NULL;
    if (pt->depth == 1 && target != MPBIAS_TARGET_L2)
        why = "depth 1 has only the l2 limit";
    else if (target == MPBIAS_TARGET_QMU && sw->shape_a != NULL)
        why = "no intermediate predictor with a shape";
    else if (target == MPBIAS_TARGET_RICH && t != NULL && pt->depth >= 3 && !t->defined)
        why = t->err->msg;
    else if (target == MPBIAS_TARGET_RICH && t == NULL && pt->depth >= 3 && !pt->traj->kkt_found)
        why = pt->traj->kkt_err->msg;
    if (why != NULL)
        _mpbias_err_set(pt->threshold_why, MPBIAS_ERR_ARG, NULL, 0, 0, "%s", why);
    return why == NULL;
}

/* the point's threshold: to the point's target (the sweep's rich point
   when given) */
static mpbias_status
point_threshold(mpbias_sweep_point_t pt, const mpbias_sweep_t sw, const mpbias_model_t model,
                mpbias_err_t err)
{
    const mpbias_sweep_rich *t = mpbias_sweep_rich_target(sw, pt->ids, pt->idepth);
    mpbias_target target = pt->traj->target;
    if (target == MPBIAS_TARGET_RICH && t != NULL && pt->depth >= 3)
        return mpbias_threshold_find_to(pt->th, pt->data, model, (const mpfr_t *) t->w,
                                        sw->threshold_within, 0, sw->until_loss, 4, err);
    return mpbias_threshold_find(pt->th, pt->data, model, target, sw->threshold_within, 0,
                                 sw->until_loss, 4, err);
}

mpbias_status
mpbias_sweep_point_compute(mpbias_sweep_point_t pt, const mpbias_sweep_t sw, slong p,
                           mpbias_err_t err)
{
    mpbias_model_t model;
    mpbias_regime_traj_opts o;
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
    mpbias_err_clear(e);
    point_opts(&o, sw, pt);
    /* without a given target, depth >= 3 without a KKT point near the last
       sample has no rich distances (the trajectory's kkt_found says so) */
    st = point_model(model, sw, pt->depth, pt->ialpha, e);
    if (st == MPBIAS_OK)
        st = mpbias_regime_traj_run(pt->traj, pt->data, model, &sw->fo, &o, e);
    if (st != MPBIAS_OK)
        _mpbias_err_set(err, st, NULL, 0, 0, "%s, depth %ld, alpha %s: %s", pt->data->name,
                        pt->depth, pt->alpha, e->msg);
    else
    {
        pt->traj_done = 1;
        if (sw->threshold_within > 0.0 && !threshold_defined(pt, sw))
            pt->threshold_undefined = 1;
        else if (sw->threshold_within > 0.0)
        {
            st = point_threshold(pt, sw, model, e);
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
