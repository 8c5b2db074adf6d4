/*
 * t-sweep.c -- the library's sweep (src/asym/sweep.c): the grid order,
 * the scheduler's callbacks, and every point against an independent
 * computation.
 *
 * Oracle: each point of mpbias_sweep_run equals, value for value,
 * mpbias_regime_traj_compute run by hand on the same dataset, depth and
 * alpha with the loss grid built here (and the threshold equals
 * mpbias_threshold_find); the scheduler computes exactly the points todo
 * asks for, in grid order, and stops where it is told to.
 */
#include "testutil.h"

/* what the scheduler handed over */
typedef struct
{
    const mpbias_data_struct *data;
    slong nseen, seen[16];
    slong skip_from, stop_at;       /* todo: skip p >= skip_from, stop at p */
    int mismatches, checked, thresholds;
    double delta;
    const mpbias_sci_struct *until;
    int digits, qmu;
    slong last_computed, last_skipped;
} sweep_ctx;

static int
todo(slong p, void *ctx)
{
    sweep_ctx *c = ctx;
    if (p == c->stop_at)
        return -1;
    return p < c->skip_from;
}

/* the same point by hand: its trajectory and analysis, and threshold */
static void
check_point(sweep_ctx *c, const mpbias_sweep_point_struct *pt)
{
    mpbias_model_t model;
    mpbias_flow_opts fo;
    mpbias_regime_traj_t rt;
    mpbias_err_t err;
    slong j;
    mpbias_model_init(model);
    mpbias_flow_opts_init(&fo);
    mpbias_regime_traj_init(rt);
    model->depth = (int) pt->depth;
    ck_assert(mpbias_decimal_parse(model->alpha, pt->alpha, strlen(pt->alpha), NULL) == MPBIAS_OK);
    ck_assert(mpbias_flow_opts_loss_grid(&fo, 3, -mpbias_sci_log10_d(c->until), 0));
    fo.digits = c->digits;
    fo.per_decade = 0;
    fo.until_loss_set = 1;
    mpbias_sci_set(fo.until_loss, c->until);
    mpbias_err_clear(err);
    ck_assert_int_eq(mpbias_regime_traj_compute(rt, pt->data, model, &fo,
                                                c->qmu && pt->depth >= 2 ? 8 : 0, 0.0, 0, NULL,
                                                NULL, NULL, err), MPBIAS_OK);
    ck_assert_int_eq(rt->rows.n, pt->traj->rows.n);
    ck_assert_int_eq(rt->kkt_found, pt->traj->kkt_found);
    for (j = 0; j < rt->rows.n; j++)
    {
        const mpbias_regime_row *a = rt->an + j, *b = pt->traj->an + j;
        slong i;
        c->mismatches += !mpfr_equal_p(rt->rows.rows[j].log10_loss,
                                       pt->traj->rows.rows[j].log10_loss);
        c->mismatches += !mpfr_equal_p(rt->rows.rows[j].margin, pt->traj->rows.rows[j].margin);
        for (i = 0; i < pt->data->d; i++)
            c->mismatches += !mpfr_equal_p(rt->rows.rows[j].wbar[i],
                                           pt->traj->rows.rows[j].wbar[i]);
        c->mismatches += a->regime != b->regime || a->nearest != b->nearest;
        c->mismatches += a->to_rich.available != b->to_rich.available
                         || a->to_qmu.available != b->to_qmu.available;
        c->mismatches += !mpfr_equal_p(a->to_l2.sup, b->to_l2.sup);
        c->mismatches += a->to_rich.available && !mpfr_equal_p(a->to_rich.sup, b->to_rich.sup);
        c->mismatches += a->to_qmu.available && !mpfr_equal_p(a->to_qmu.sup, b->to_qmu.sup);
        c->mismatches += !(mpfr_equal_p(a->kappa, b->kappa)
                           || (mpfr_nan_p(a->kappa) && mpfr_nan_p(b->kappa)));
    }
    if (c->delta > 0.0)
    {
        mpbias_threshold_t th;
        mpbias_threshold_init(th);
        ck_assert(pt->threshold_done);
        ck_assert_int_eq(mpbias_threshold_find(th, pt->data, model, MPBIAS_TARGET_RICH, c->delta,
                                               0, c->until, 4, err), MPBIAS_OK);
        ck_assert_int_eq(th->reached, pt->th->reached);
        ck_assert(mpfr_equal_p(th->log10_loss, pt->th->log10_loss));
        c->thresholds++;
        mpbias_threshold_clear(th);
    }
    else
        ck_assert(!pt->threshold_done);
    c->checked++;
    mpbias_regime_traj_clear(rt);
    mpbias_flow_opts_loss_grid_free(&fo);
    mpbias_flow_opts_clear(&fo);
    mpbias_model_clear(model);
}

static int
point(const mpbias_sweep_point_struct *pt, mpbias_status st, const mpbias_err_t err, void *ctx)
{
    sweep_ctx *c = ctx;
    ck_assert_msg(st == MPBIAS_OK, "point %ld: %s", (long) pt->index, err->msg);
    ck_assert(pt->traj_done);
    ck_assert_int_lt(c->nseen, 16);
    c->seen[c->nseen++] = pt->index;
    check_point(c, pt);
    return 0;
}

/* the context of a run of sw: skip the points from skip_from, stop at
   stop_at (-1: never) */
static void
ctx_reset(sweep_ctx *c, const mpbias_sweep_t sw, slong skip_from, slong stop_at, double delta)
{
    memset(c, 0, sizeof *c);
    c->skip_from = skip_from;
    c->stop_at = stop_at;
    c->until = sw->until_loss;
    c->digits = sw->digits;
    c->qmu = sw->qmu;
    c->delta = delta;
}

/* a sweep of the datasets, depths and alphas (the arrays are the caller's) */
static void
sweep_setup(mpbias_sweep_t sw, const mpbias_data_struct *data, slong ndata, const long *depths,
            slong ndepths, const char *const *alphas, slong nalphas, const char *until)
{
    mpbias_sweep_init(sw);
    sw->data = data;
    sw->ndata = ndata;
    sw->depths = depths;
    sw->ndepths = ndepths;
    sw->alphas = alphas;
    sw->nalphas = nalphas;
    ck_assert(mpbias_sci_parse(sw->until_loss, until, NULL) == MPBIAS_OK);
}

static void
progress(slong computed, slong skipped, slong npoints, void *ctx)
{
    sweep_ctx *c = ctx;
    ck_assert_int_eq(npoints, 2 * 2 * 2);
    ck_assert(computed + skipped >= c->last_computed + c->last_skipped + 1);
    c->last_computed = computed;
    c->last_skipped = skipped;
}

/* two datasets x depths 2, 3 x alphas 0.5, 2: every point as by hand */
START_TEST(test_sweep_points)
{
    static const long depths[] = { 2, 3 };
    static const char *const alphas[] = { "0.5", "2" };
    mpbias_data_struct data[2];
    mpbias_sweep_t sw;
    mpbias_err_t err;
    sweep_ctx c;
    mpbias_sweep_callbacks cb = { todo, point, progress, &c };
    slong computed = -1, skipped = -1, p;
    mpbias_data_init(data);
    mpbias_data_init(data + 1);
    ck_assert(mpbias_example_load(data, "transition", NULL) == MPBIAS_OK);
    ck_assert(mpbias_example_load(data + 1, "orthogonal", NULL) == MPBIAS_OK);
    sweep_setup(sw, data, 2, depths, 2, alphas, 2, "1e-30");
    sw->digits = 8;
    sw->qmu = 1;
    mpbias_err_clear(err);
    ck_assert_int_eq(mpbias_sweep_prepare(sw, err), MPBIAS_OK);
    ck_assert_int_eq(sw->npoints, 8);
    /* grid order: dataset, depth, alpha (alpha fastest) */
    for (p = 0; p < 8; p++)
    {
        slong ids, id, ia;
        mpbias_sweep_point_index(&ids, &id, &ia, sw, p);
        ck_assert_int_eq(ids * 4 + id * 2 + ia, p);
    }
    ctx_reset(&c, sw, 8, -1, 0.0);
    ck_assert_int_eq(mpbias_sweep_run(sw, &cb, &computed, &skipped, err), MPBIAS_OK);
    ck_assert_int_eq(computed, 8);
    ck_assert_int_eq(skipped, 0);
    ck_assert_int_eq(c.checked, 8);
    ck_assert_int_eq(c.mismatches, 0);
    for (p = 0; p < 8; p++)
        ck_assert_int_eq(c.seen[p], p);
    /* the points todo skips, and a stop */
    ctx_reset(&c, sw, 2, 5, 0.0);
    ck_assert_int_eq(mpbias_sweep_run(sw, &cb, &computed, &skipped, err), MPBIAS_OK);
    ck_assert_int_eq(computed, 2);
    ck_assert_int_eq(skipped, 3);
    ck_assert_int_eq(c.nseen, 2);
    ck_assert_int_eq(c.mismatches, 0);
    mpbias_sweep_clear(sw);
    mpbias_data_clear(data);
    mpbias_data_clear(data + 1);
}
END_TEST

/* the threshold of each point, and a failing point's message */
START_TEST(test_sweep_threshold_and_failure)
{
    static const long depths[] = { 2 }, depth1[] = { 1 };
    static const char *const alphas[] = { "1" };
    mpbias_data_t data;
    mpbias_sweep_t sw;
    mpbias_sweep_point_t pt;
    mpbias_err_t err;
    sweep_ctx c;
    mpbias_sweep_callbacks cb = { NULL, point, NULL, &c };
    mpbias_data_init(data);
    ck_assert(mpbias_example_load(data, "transition", NULL) == MPBIAS_OK);
    sweep_setup(sw, data, 1, depths, 1, alphas, 1, "1e-100");
    sw->threshold_within = 0.05;
    mpbias_err_clear(err);
    ck_assert_int_eq(mpbias_sweep_prepare(sw, err), MPBIAS_OK);
    ctx_reset(&c, sw, 1, -1, 0.05);
    ck_assert_int_eq(mpbias_sweep_run(sw, &cb, NULL, NULL, err), MPBIAS_OK);
    ck_assert_int_eq(c.thresholds, 1);
    ck_assert_int_eq(c.mismatches, 0);
    /* depth 1: the rich target is the l2 predictor, and there the threshold
       is the one mpbias_threshold_find gives for l2 */
    sw->depths = depth1;
    ck_assert_int_eq(mpbias_sweep_prepare(sw, err), MPBIAS_OK);
    mpbias_sweep_point_init(pt);
    ck_assert_int_eq(mpbias_sweep_point_compute(pt, sw, 0, err), MPBIAS_OK);
    ck_assert(pt->threshold_done && !pt->threshold_undefined);
    ck_assert_int_eq(pt->traj->target, MPBIAS_TARGET_L2);
    {
        mpbias_threshold_t th;
        mpbias_model_t m;
        mpbias_model_init(m);
        m->depth = 1;
        mpbias_threshold_init(th);
        ck_assert_int_eq(mpbias_threshold_find(th, data, m, MPBIAS_TARGET_L2, 0.05, 0,
                                               sw->until_loss, 4, err), MPBIAS_OK);
        ck_assert(th->reached == pt->th->reached && th->at_first == pt->th->at_first);
        ck_assert(mpfr_equal_p(th->log10_loss, pt->th->log10_loss)
                  || (mpfr_nan_p(th->log10_loss) && mpfr_nan_p(pt->th->log10_loss)));
        mpbias_threshold_clear(th);
        mpbias_model_clear(m);
    }
    /* ... but a target without a distance there (qmu at depth 1) has no
       threshold: not computed, not an error, and why */
    sw->target_set = 1;
    sw->target = MPBIAS_TARGET_QMU;
    ck_assert_int_eq(mpbias_sweep_prepare(sw, err), MPBIAS_OK);
    ck_assert_int_eq(mpbias_sweep_point_compute(pt, sw, 0, err), MPBIAS_OK);
    ck_assert(pt->traj_done && !pt->threshold_done && pt->threshold_undefined);
    ck_assert_str_eq(pt->threshold_why->msg, "depth 1 has only the l2 limit");
    sw->target_set = 0;
    /* a threshold that fails (an infinite distance): the point is named */
    sw->threshold_within = INFINITY;
    ck_assert_int_eq(mpbias_sweep_prepare(sw, err), MPBIAS_OK);
    ck_assert_int_ne(mpbias_sweep_point_compute(pt, sw, 0, err), MPBIAS_OK);
    ck_assert(pt->traj_done);
    ck_assert(!pt->threshold_done);
    ck_assert_msg(tu_starts_with(err->msg, "transition, depth 1, alpha 1: threshold: "), "%s",
                  err->msg);
    ck_assert_int_eq(mpbias_sweep_point_compute(pt, sw, 1, err), MPBIAS_ERR_ARG);
    mpbias_sweep_point_clear(pt);
    /* the scheduler stops at the failed point and returns its message */
    ck_assert_int_ne(mpbias_sweep_run(sw, NULL, NULL, NULL, err), MPBIAS_OK);
    ck_assert(tu_starts_with(err->msg, "transition, depth 1, alpha 1: threshold: "));
    /* bad grids are refused */
    sw->nalphas = 0;
    ck_assert_int_eq(mpbias_sweep_prepare(sw, err), MPBIAS_ERR_ARG);
    sw->nalphas = 1;
    ck_assert(mpbias_sci_parse(sw->until_loss, "0.5", NULL) == MPBIAS_OK);
    ck_assert_int_eq(mpbias_sweep_prepare(sw, err), MPBIAS_ERR_ARG);
    mpbias_sweep_clear(sw);
    mpbias_data_clear(data);
}
END_TEST


/* max_i |x_i - w_i| (d entries), in the test's own arithmetic */
static double
sup_dist(const mpfr_t *x, const mpfr_t *w, slong d)
{
    slong i;
    double m = 0.0;
    mpfr_t t;
    mpfr_init2(t, 256);
    for (i = 0; i < d; i++)
    {
        mpfr_sub(t, x[i], w[i], MPFR_RNDN);
        if (fabs(mpfr_get_d(t, MPFR_RNDN)) > m)
            m = fabs(mpfr_get_d(t, MPFR_RNDN));
    }
    mpfr_clear(t);
    return m;
}

/* what the points of a target sweep are checked against */
typedef struct
{
    const mpfr_t *w;            /* the fixed target every point is measured to */
    slong d, points, rows;
    double worst;               /* the largest relative disagreement           */
} target_ctx;

static int
target_point(const mpbias_sweep_point_struct *pt, mpbias_status st, const mpbias_err_t err,
             void *ctx)
{
    target_ctx *c = ctx;
    slong j;
    ck_assert_msg(st == MPBIAS_OK, "point %ld: %s", (long) pt->index, err->msg);
    for (j = 0; j < pt->traj->rows.n; j++)
    {
        const mpbias_regime_row *a = pt->traj->an + j;
        double want = sup_dist((const mpfr_t *) pt->traj->rows.rows[j].wbar, c->w, c->d),
               got = mpfr_get_d(a->to_rich.sup, MPFR_RNDN);
        ck_assert(a->to_rich.available);
        if (fabs(got - want) / want > c->worst)
            c->worst = fabs(got - want) / want;
        c->rows++;
    }
    c->points++;
    return 0;
}

/* --target rich at depth 3: one KKT point per dataset and depth, the one
   the smallest alpha's trajectory polishes to (here the middle entry of
   the list), equal to what the pipeline polishes from that trajectory by
   hand; every point, the large alphas included, is measured to it: no
   unavailable distance, each one the sup distance to that fixed point. */
START_TEST(test_sweep_target_rich)
{
    static const long depths[] = { 3 };
    static const char *const alphas[] = { "3", "1", "2" };
    mpbias_data_t data;
    mpbias_sweep_t sw;
    mpbias_err_t err;
    mpbias_model_t model;
    mpbias_regime_traj_t rt;
    const mpbias_sweep_rich *t;
    target_ctx c = { NULL, 0, 0, 0, 0.0 };
    mpbias_sweep_callbacks cb = { NULL, target_point, NULL, &c };
    mpbias_data_init(data);
    ck_assert(mpbias_example_load(data, "sparse-teacher:n=6,d=8,k=2,seed=2", NULL) == MPBIAS_OK);
    sweep_setup(sw, data, 1, depths, 1, alphas, 3, "1e-10");
    sw->target_set = 1;
    sw->target = MPBIAS_TARGET_RICH;
    mpbias_err_clear(err);
    ck_assert_int_eq(mpbias_sweep_prepare(sw, err), MPBIAS_OK);
    t = mpbias_sweep_rich_target(sw, 0, 0);
    ck_assert_ptr_nonnull(t);
    ck_assert(t->defined);
    ck_assert_int_eq(t->ialpha, 1);
    ck_assert_int_eq(t->kind, MPBIAS_RICH_KKT);
    ck_assert_ptr_null(mpbias_sweep_rich_target(sw, 1, 0));
    /* by hand: alpha 1's own pipeline polishes its last row to the same point */
    mpbias_model_init(model);
    mpbias_regime_traj_init(rt);
    model->depth = 3;
    ck_assert_int_eq(mpbias_regime_traj_compute(rt, data, model, &sw->fo, 0, 0.0, 0, NULL, NULL,
                                                NULL, err), MPBIAS_OK);
    ck_assert(rt->kkt_found);
    ck_assert(sup_dist((const mpfr_t *) rt->ref->rich_lo, (const mpfr_t *) t->w, data->d) < 1e-25);
    c.w = (const mpfr_t *) t->w;
    c.d = data->d;
    ck_assert_int_eq(mpbias_sweep_run(sw, &cb, NULL, NULL, err), MPBIAS_OK);
    ck_assert_int_eq(c.points, 3);
    ck_assert_int_eq(c.rows, 3 * 4);
    ck_assert_msg(c.worst < 1e-12, "worst relative disagreement %g", c.worst);
    mpbias_regime_traj_clear(rt);
    mpbias_model_clear(model);
    mpbias_sweep_clear(sw);
    mpbias_data_clear(data);
}
END_TEST

/* --target l1 at depth 3: the distance to the l1 max-margin predictor of
   the transition example, (1/2, 0, 0, 0) exactly (doc/paper-story.md). */
START_TEST(test_sweep_target_l1)
{
    static const long depths[] = { 3 };
    static const char *const alphas[] = { "0.5", "4" };
    mpbias_data_t data;
    mpbias_sweep_t sw;
    mpbias_err_t err;
    mpfr_t l1[4];
    target_ctx c = { NULL, 4, 0, 0, 0.0 };
    mpbias_sweep_callbacks cb = { NULL, target_point, NULL, &c };
    slong i;
    for (i = 0; i < 4; i++)
        mpfr_init2(l1[i], 64);
    mpfr_set_d(l1[0], 0.5, MPFR_RNDN);
    mpfr_set_zero(l1[1], 1);
    mpfr_set_zero(l1[2], 1);
    mpfr_set_zero(l1[3], 1);
    mpbias_data_init(data);
    ck_assert(mpbias_example_load(data, "transition", NULL) == MPBIAS_OK);
    sweep_setup(sw, data, 1, depths, 1, alphas, 2, "1e-20");
    sw->target_set = 1;
    sw->target = MPBIAS_TARGET_L1;
    mpbias_err_clear(err);
    ck_assert_int_eq(mpbias_sweep_prepare(sw, err), MPBIAS_OK);
    ck_assert_ptr_null(sw->rich);
    c.w = (const mpfr_t *) l1;
    ck_assert_int_eq(mpbias_sweep_run(sw, &cb, NULL, NULL, err), MPBIAS_OK);
    ck_assert_int_eq(c.points, 2);
    ck_assert_msg(c.worst < 1e-12, "worst relative disagreement %g", c.worst);
    for (i = 0; i < 4; i++)
        mpfr_clear(l1[i]);
    mpbias_sweep_clear(sw);
    mpbias_data_clear(data);
}
END_TEST

/* the logistic loss, the mean loss and a shape: each point's rows are
   those of mpbias_flow_run on the model built here (u_+(0) = alpha a,
   u_-(0) = alpha b, logistic, mean), value for value */
typedef struct
{
    const mpbias_data_struct *data;
    const mpbias_sweep_struct *sw;
    const fmpq *a, *b;
    slong points;
} flow_ctx;

static int
flow_point(const mpbias_sweep_point_struct *pt, mpbias_status st, const mpbias_err_t err,
           void *ctx)
{
    flow_ctx *c = ctx;
    mpbias_model_t model;
    mpbias_flow_rows rows;
    mpbias_err_t e;
    fmpq *a = _fmpq_vec_init(c->data->d), *b = _fmpq_vec_init(c->data->d);
    slong i, j;
    ck_assert_msg(st == MPBIAS_OK, "point %ld: %s", (long) pt->index, err->msg);
    mpbias_model_init(model);
    model->depth = (int) pt->depth;
    model->loss = MPBIAS_LOSS_LOGISTIC;
    model->mean = 1;
    for (i = 0; i < c->data->d; i++)
    {
        fmpq_set(a + i, c->a + i);
        fmpq_set(b + i, c->b + i);
        fmpq_mul(a + i, a + i, c->sw->alpha_q + pt->ialpha);
        fmpq_mul(b + i, b + i, c->sw->alpha_q + pt->ialpha);
    }
    ck_assert(mpbias_model_set_shape(model, a, b, c->data->d, e) == MPBIAS_OK);
    mpbias_flow_rows_init(&rows);
    ck_assert_int_eq(mpbias_flow_run(c->data, model, &c->sw->fo, mpbias_flow_rows_collect, NULL,
                                     &rows, NULL, e), MPBIAS_OK);
    ck_assert_int_eq(rows.n, pt->traj->rows.n);
    for (j = 0; j < rows.n; j++)
    {
        const mpbias_flow_row *x = rows.rows + j, *y = pt->traj->rows.rows + j;
        const mpbias_regime_row *an = pt->traj->an + j;
        ck_assert(mpfr_equal_p(x->log10_loss, y->log10_loss));
        ck_assert(mpfr_equal_p(x->margin, y->margin));
        for (i = 0; i < c->data->d; i++)
            ck_assert(mpfr_equal_p(x->wbar[i], y->wbar[i]));
        /* the analysis is of this shaped trajectory: its stationarity
           (the closed forms with the shape) sits at the working precision,
           the scale variables are numbers, and there is no qmu */
        ck_assert_msg(mpfr_cmp_d(an->stationarity, 1e-15) < 0, "stationarity %g",
                      mpfr_get_d(an->stationarity, MPFR_RNDN));
        ck_assert(mpfr_number_p(an->kappa) && mpfr_number_p(an->log10_muD));
        ck_assert(!an->to_qmu.available && an->to_l2.available);
        ck_assert(pt->depth != 2 || an->to_rich.available);
    }
    c->points++;
    mpbias_flow_rows_clear(&rows);
    mpbias_model_clear(model);
    _fmpq_vec_clear(a, c->data->d);
    _fmpq_vec_clear(b, c->data->d);
    return 0;
}

START_TEST(test_sweep_loss_and_shape)
{
    static const long depths[] = { 2, 3 };
    static const char *const alphas[] = { "0.5", "2" };
    static const char *const as[] = { "1", "2", "0.5", "1" }, *const bs[] = { "1", "0.5", "1", "3" };
    mpbias_data_t data;
    mpbias_sweep_t sw;
    mpbias_err_t err;
    fmpq *a = _fmpq_vec_init(4), *b = _fmpq_vec_init(4);
    flow_ctx c;
    mpbias_sweep_callbacks cb = { NULL, flow_point, NULL, &c };
    slong i;
    for (i = 0; i < 4; i++)
    {
        ck_assert(mpbias_decimal_parse(a + i, as[i], strlen(as[i]), NULL) == MPBIAS_OK);
        ck_assert(mpbias_decimal_parse(b + i, bs[i], strlen(bs[i]), NULL) == MPBIAS_OK);
    }
    mpbias_data_init(data);
    ck_assert(mpbias_example_load(data, "transition", NULL) == MPBIAS_OK);
    sweep_setup(sw, data, 1, depths, 2, alphas, 2, "1e-10");
    sw->loss = MPBIAS_LOSS_LOGISTIC;
    sw->mean = 1;
    sw->qmu = 1;
    sw->shape_a = a;
    sw->shape_b = b;
    sw->shape_d = 4;
    mpbias_err_clear(err);
    ck_assert_int_eq(mpbias_sweep_prepare(sw, err), MPBIAS_OK);
    c.data = data;
    c.sw = sw;
    c.a = a;
    c.b = b;
    c.points = 0;
    ck_assert_int_eq(mpbias_sweep_run(sw, &cb, NULL, NULL, err), MPBIAS_OK);
    ck_assert_int_eq(c.points, 4);
    /* a shape of the wrong length is refused */
    sw->shape_d = 3;
    ck_assert_int_eq(mpbias_sweep_prepare(sw, err), MPBIAS_ERR_ARG);
    ck_assert_ptr_nonnull(strstr(err->msg, "the shape has 3 coordinates"));
    mpbias_sweep_clear(sw);
    mpbias_data_clear(data);
    _fmpq_vec_clear(a, 4);
    _fmpq_vec_clear(b, 4);
}
END_TEST

static Suite *
sweep_suite(void)
{
    Suite *s = suite_create("sweep");
    TCase *tc = tcase_create("sweep");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_sweep_points);
    tcase_add_test(tc, test_sweep_threshold_and_failure);
    tcase_add_test(tc, test_sweep_target_rich);
    tcase_add_test(tc, test_sweep_target_l1);
    tcase_add_test(tc, test_sweep_loss_and_shape);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return tu_main(sweep_suite());
}
