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
    /* depth 1 has no rich limit: the threshold fails, with the point named */
    sw->depths = depth1;
    ck_assert_int_eq(mpbias_sweep_prepare(sw, err), MPBIAS_OK);
    mpbias_sweep_point_init(pt);
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

static Suite *
sweep_suite(void)
{
    Suite *s = suite_create("sweep");
    TCase *tc = tcase_create("sweep");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_sweep_points);
    tcase_add_test(tc, test_sweep_threshold_and_failure);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return tu_main(sweep_suite());
}
