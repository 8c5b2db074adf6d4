/*
 * t-regime.c -- the regime analysis of src/asym/regime.c against exact
 * facts: for one sample the intermediate predictor is exact at every loss
 * (distance at the working precision, slackness 0); the stationarity
 * residual sits at the working precision and detects a perturbed row;
 * depth 1 follows Soudry's expansion (gamma times the distance to l2
 * converges); large alpha is kernel and near l2, alpha = 1 at 1e-1000 is
 * rich and nearer l1, small alpha starts on the plateau; the threshold
 * loss for one sample against a scalar equation in mu solved without the
 * flow.
 */
#include "config.h"
#include <math.h>
#include "mpbias-impl.h"
#include "testutil.h"

typedef mpbias_flow_rows rows_t;

static void
rows_clear(rows_t *c)
{
    mpbias_flow_rows_clear(c);
}

/* the flow at losses 10^-e for the given exponents */
static void
run(rows_t *c, const mpbias_data_t d, int depth, const char *alpha, const char *const *exps,
    int digits)
{
    mpbias_model_t m;
    mpbias_flow_opts o;
    mpbias_err_t err;
    slong k, nk = 0;
    while (exps[nk] != NULL)
        nk++;
    mpbias_model_init(m);
    m->depth = depth;
    tu_fmpq_set(m->alpha, alpha);
    mpbias_flow_opts_init(&o);
    o.digits = digits;
    o.per_decade = 0;
    o.n_at_loss = nk;
    o.at_loss = flint_malloc((size_t) nk * sizeof(mpbias_sci_struct));
    for (k = 0; k < nk; k++)
    {
        char buf[64];
        mpbias_sci_init(o.at_loss + k);
        snprintf(buf, sizeof buf, "1e-%s", exps[k]);
        ck_assert(mpbias_sci_parse(o.at_loss + k, buf, NULL) == MPBIAS_OK);
    }
    o.until_loss_set = 1;
    {
        char buf[64];
        snprintf(buf, sizeof buf, "1e-%s", exps[nk - 1]);
        ck_assert(mpbias_sci_parse(o.until_loss, buf, NULL) == MPBIAS_OK);
    }
    mpbias_flow_rows_init(c);
    mpbias_err_clear(err);
    ck_assert_msg(mpbias_flow_run(d, m, &o, mpbias_flow_rows_collect, NULL, c, NULL, err)
                  == MPBIAS_OK, "%s", err->msg);
    ck_assert_int_eq(c->n, (int) nk);
    for (k = 0; k < nk; k++)
        mpbias_sci_clear(o.at_loss + k);
    flint_free(o.at_loss);
    o.at_loss = NULL;
    o.n_at_loss = 0;
    mpbias_flow_opts_clear(&o);
    mpbias_model_clear(m);
}

static void
setup(mpbias_regime_ref_t ref, const mpbias_data_t d, int depth, const char *alpha)
{
    mpbias_model_t m;
    mpbias_err_t err;
    mpbias_model_init(m);
    m->depth = depth;
    tu_fmpq_set(m->alpha, alpha);
    mpbias_err_clear(err);
    ck_assert_msg(mpbias_regime_ref_setup(ref, d, m, 256, err) == MPBIAS_OK, "%s", err->msg);
    mpbias_model_clear(m);
}

static void
eval(mpbias_regime_row *a, const mpbias_regime_ref_t ref, const mpbias_data_t d,
     const mpbias_flow_row *row, int qmu_digits)
{
    mpbias_err_t err;
    mpbias_err_clear(err);
    ck_assert_msg(mpbias_regime_eval(a, ref, d, row, qmu_digits, err) == MPBIAS_OK, "%s",
                  err->msg);
}

/* One sample z = (1, 2, -1/2): wbar is the intermediate predictor at every
   loss (math.md section 7), so its distance is at the level of the
   trajectory's own error; the single constraint is active (slackness 0 to
   working precision); the stationarity residual is at the working
   precision.  Depths 2 and 3. */
START_TEST(test_one_sample_exact)
{
    static const char *const exps[] = { "1", "10", "100", "1000", NULL };
    const int D = 2 + _i;
    mpbias_data_t d;
    mpbias_regime_ref_t ref;
    rows_t c;
    int j;
    mpbias_data_init(d);
    mpbias_regime_ref_init(ref);
    tu_data_from_text(d, "+1 1:1 2:2 3:-0.5\n-1 1:-1 2:-2 3:0.5\n", NULL, MPBIAS_FORMAT_AUTO);
    run(&c, d, D, "1", exps, 20);
    setup(ref, d, D, "1");
    for (j = 0; j < c.n; j++)
    {
        mpbias_regime_row a;
        mpbias_regime_row_init(&a);
        eval(&a, ref, d, c.rows + j, 25);
        ck_assert(a.to_qmu.available);
        ck_assert_msg(mpfr_cmp_d(a.to_qmu.sup, 1e-18) < 0, "D = %d, row %d: d(qmu) = %g", D, j,
                      mpfr_get_d(a.to_qmu.sup, MPFR_RNDN));
        ck_assert(mpfr_cmp_d(a.to_qmu.floor, 1e-18) < 0);
        mpfr_abs(a.slackness, a.slackness, MPFR_RNDN);
        ck_assert(mpfr_cmp_ui_2exp(a.slackness, 1, -100) < 0);
        ck_assert(mpfr_cmp_ui_2exp(a.stationarity, 1, -100) < 0);
        /* the l2 predictor is a different point: resolved, far above the floor */
        ck_assert(mpfr_cmp_d(a.to_l2.sup, 1e-3) > 0);
        mpbias_regime_row_clear(&a);
    }
    rows_clear(&c);
    mpbias_regime_ref_clear(ref);
    mpbias_data_clear(d);
}
END_TEST

/* The pipeline (mpbias_regime_traj_compute, what `regime` and `sweep`
   run): on one sample every analysed row is at the intermediate predictor
   (math.md section 7), the single constraint is active; depth 3 polishes
   the rich target to the l1 solution (0, 1/2, 0), which is a KKT point;
   the rates are those of mpbias_regime_compare on consecutive rows, and an
   anchor gives the extrapolation from the anchor row only. */
START_TEST(test_pipeline)
{
    const int D = 2 + _i;
    mpbias_data_t d;
    mpbias_model_t m;
    mpbias_flow_opts o;
    mpbias_regime_traj_t rt;
    mpbias_sci_t anchor;
    mpbias_err_t err;
    mpfr_t p, e;
    slong j;
    mpbias_data_init(d);
    mpbias_model_init(m);
    mpbias_flow_opts_init(&o);
    mpbias_regime_traj_init(rt);
    mpbias_sci_init(anchor);
    mpfr_inits2(64, p, e, (mpfr_ptr) 0);
    tu_data_from_text(d, "+1 1:1 2:2 3:-0.5\n-1 1:-1 2:-2 3:0.5\n", NULL, MPBIAS_FORMAT_AUTO);
    m->depth = D;
    ck_assert(mpbias_flow_opts_loss_grid(&o, 1, 100.0, 0));
    o.digits = 20;
    o.per_decade = 0;
    o.until_loss_set = 1;
    ck_assert(mpbias_sci_parse(o.until_loss, "1e-100", NULL) == MPBIAS_OK);
    ck_assert(mpbias_sci_parse(anchor, "1.1e-10", NULL) == MPBIAS_OK);
    mpbias_err_clear(err);
    ck_assert_msg(mpbias_regime_traj_compute(rt, d, m, &o, 20, 0.0, 1, anchor, NULL, NULL, err)
                  == MPBIAS_OK, "%s", err->msg);
    ck_assert_int_eq(rt->rows.n, 3);   /* 0.1, 1e-10, 1e-100 */
    ck_assert_int_eq(rt->anchor_row, 1);
    for (j = 0; j < rt->rows.n; j++)
    {
        ck_assert(rt->an[j].to_qmu.available);
        ck_assert_msg(mpfr_cmp_d(rt->an[j].to_qmu.sup, 1e-15) < 0, "D = %d, row %ld", D, (long) j);
        mpfr_abs(e, rt->an[j].slackness, MPFR_RNDN);
        ck_assert(mpfr_cmp_ui_2exp(e, 1, -100) < 0);
    }
    if (D == 3)
    {
        ck_assert(rt->kkt_found && rt->kkt_kind == MPBIAS_KKT_L1);
        ck_assert(rt->ref->rich_kind == MPBIAS_RICH_KKT);
        ck_assert(mpfr_cmp_d(rt->ref->rich_lo[1], 0.5) == 0 && mpfr_zero_p(rt->ref->rich_lo[0]));
    }
    ck_assert(mpfr_nan_p(rt->rate[0]) && mpfr_nan_p(rt->extrap[0]) && mpfr_nan_p(rt->extrap[1]));
    mpbias_regime_compare(p, e, rt->ref, rt->rows.rows + 1, rt->an + 1, rt->rows.rows + 2,
                          rt->an + 2);
    ck_assert(mpfr_equal_p(p, rt->rate[2]) && mpfr_equal_p(e, rt->extrap[2]));
    mpfr_clears(p, e, (mpfr_ptr) 0);
    mpbias_sci_clear(anchor);
    mpbias_regime_traj_clear(rt);
    mpbias_flow_opts_loss_grid_free(&o);
    mpbias_flow_opts_clear(&o);
    mpbias_model_clear(m);
    mpbias_data_clear(d);
}
END_TEST

/* The stationarity check can fail: a row whose wbar is moved by 1e-12
   (nu unchanged) is caught. */
START_TEST(test_stationarity_detects)
{
    static const char *const exps[] = { "10", NULL };
    mpbias_data_t d;
    mpbias_regime_ref_t ref;
    mpbias_regime_row a;
    rows_t c;
    mpbias_data_init(d);
    mpbias_regime_ref_init(ref);
    ck_assert(mpbias_example_load(d, "transition", NULL) == MPBIAS_OK);
    run(&c, d, 2, "1", exps, 16);
    setup(ref, d, 2, "1");
    mpbias_regime_row_init(&a);
    eval(&a, ref, d, c.rows, 0);
    ck_assert(mpfr_cmp_ui_2exp(a.stationarity, 1, -100) < 0);
    ck_assert(!a.to_qmu.available);
    mpfr_add_d(c.rows[0].wbar[2], c.rows[0].wbar[2], 1e-12, MPFR_RNDN);
    eval(&a, ref, d, c.rows, 0);
    ck_assert(mpfr_cmp_d(a.stationarity, 1e-13) > 0);
    mpbias_regime_row_clear(&a);
    rows_clear(&c);
    mpbias_regime_ref_clear(ref);
    mpbias_data_clear(d);
}
END_TEST

/* Depth 1: w(t) = w_l2 log t + rho(t) with rho bounded and convergent
   (Soudry et al.), so gamma ||wbar - w_l2|| tends to a constant: on the
   transition example it changes by less than 1% between log10(1/eps) =
   100 and 1000, while the distance itself falls tenfold; the regime is
   kernel and l2 the nearest limit. */
START_TEST(test_linear_soudry)
{
    static const char *const exps[] = { "100", "1000", NULL };
    mpbias_data_t d;
    mpbias_regime_ref_t ref;
    mpbias_regime_row a, b;
    rows_t c;
    mpfr_t x, y;
    mpbias_data_init(d);
    mpbias_regime_ref_init(ref);
    ck_assert(mpbias_example_load(d, "transition", NULL) == MPBIAS_OK);
    run(&c, d, 1, "1", exps, 16);
    setup(ref, d, 1, "1");
    ck_assert_int_eq(ref->rich_kind, MPBIAS_RICH_NONE);
    mpbias_regime_row_init(&a);
    mpbias_regime_row_init(&b);
    eval(&a, ref, d, c.rows, 10);
    eval(&b, ref, d, c.rows + 1, 10);
    ck_assert(!a.to_qmu.available && !a.to_rich.available);
    ck_assert_int_eq(a.regime, MPBIAS_REGIME_KERNEL);
    ck_assert_int_eq(b.nearest, 0);
    mpfr_inits2(64, x, y, (mpfr_ptr) 0);
    mpfr_mul(x, a.to_l2.l2, a.gamma, MPFR_RNDN);
    mpfr_mul(y, b.to_l2.l2, b.gamma, MPFR_RNDN);
    mpfr_div(x, x, y, MPFR_RNDN);
    ck_assert_msg(fabs(mpfr_get_d(x, MPFR_RNDN) - 1.0) < 0.01, "ratio %g", mpfr_get_d(x, MPFR_RNDN));
    mpfr_div(x, a.to_l2.l2, b.to_l2.l2, MPFR_RNDN);
    ck_assert(mpfr_cmp_d(x, 9.0) > 0);
    mpfr_clears(x, y, (mpfr_ptr) 0);
    mpbias_regime_row_clear(&a);
    mpbias_regime_row_clear(&b);
    rows_clear(&c);
    mpbias_regime_ref_clear(ref);
    mpbias_data_clear(d);
}
END_TEST

/* The regimes on the transition example, depth 2: alpha = 1000 at
   eps = 10^-2 and 10^-1000 is kernel (kappa <= 0.1) with l2 the nearest,
   and at 10^-1000 within 10^-3 of l2 (at 10^-2 it is 0.03 away: the linear
   model's own slow O(1/gamma) convergence, not the nonlinearity); alpha = 1 at 10^-1000 is rich and nearer l1
   (unique, (1/2, 0, 0, 0)) than l2; alpha = 0.01 at 10^-1 is on the
   plateau (rho < 1). */
START_TEST(test_regimes)
{
    static const char *const e1[] = { "2", "1000", NULL }, *const e2[] = { "1000", NULL },
                             *const e3[] = { "1", NULL };
    mpbias_data_t d;
    mpbias_regime_ref_t ref;
    mpbias_regime_row a;
    rows_t c;
    int j;
    mpbias_data_init(d);
    mpbias_regime_ref_init(ref);
    mpbias_regime_row_init(&a);
    ck_assert(mpbias_example_load(d, "transition", NULL) == MPBIAS_OK);

    run(&c, d, 2, "1000", e1, 12);
    setup(ref, d, 2, "1000");
    ck_assert_int_eq(ref->rich_kind, MPBIAS_RICH_L1);
    for (j = 0; j < c.n; j++)
    {
        eval(&a, ref, d, c.rows + j, 10);
        ck_assert_int_eq(a.regime, MPBIAS_REGIME_KERNEL);
        ck_assert(mpfr_cmp_d(a.kappa, 0.1) <= 0);
        ck_assert_msg(j == 0 || mpfr_cmp_d(a.to_l2.sup, 1e-3) < 0, "d(l2) = %g",
                      mpfr_get_d(a.to_l2.sup, MPFR_RNDN));
        ck_assert_int_eq(a.nearest, 0);
        ck_assert(mpfr_nan_p(a.rho));
    }
    rows_clear(&c);

    run(&c, d, 2, "1", e2, 12);
    setup(ref, d, 2, "1");
    eval(&a, ref, d, c.rows, 10);
    ck_assert_int_eq(a.regime, MPBIAS_REGIME_RICH);
    ck_assert(mpfr_cmp_ui(a.kappa, 10) >= 0);
    ck_assert_int_eq(a.nearest, 1);
    ck_assert(mpfr_cmp(a.to_rich.sup, a.to_l2.sup) < 0);
    /* the intermediate predictor explains wbar better than either limit */
    ck_assert(mpfr_cmp(a.to_qmu.sup, a.to_rich.sup) < 0);
    rows_clear(&c);

    run(&c, d, 2, "1/100", e3, 12);
    setup(ref, d, 2, "1/100");
    eval(&a, ref, d, c.rows, 10);
    ck_assert_int_eq(a.regime, MPBIAS_REGIME_PLATEAU);
    ck_assert(mpfr_cmp_ui(a.rho, 1) < 0);
    rows_clear(&c);

    mpbias_regime_row_clear(&a);
    mpbias_regime_ref_clear(ref);
    mpbias_data_clear(d);
}
END_TEST

/* A non-unique l1 optimum: the distance is to the face's bounding box;
   shapes are refused. */
START_TEST(test_face_and_errors)
{
    mpbias_data_t d;
    mpbias_regime_ref_t ref;
    mpbias_model_t m;
    mpbias_err_t err;
    fmpq *a = _fmpq_vec_init(2), *b = _fmpq_vec_init(2);
    mpbias_data_init(d);
    mpbias_regime_ref_init(ref);
    tu_data_from_text(d, "+1 1:1 2:1\n-1 1:-1 2:-1\n", NULL, MPBIAS_FORMAT_AUTO);
    setup(ref, d, 2, "1");
    ck_assert_int_eq(ref->rich_kind, MPBIAS_RICH_L1_FACE);
    ck_assert(mpfr_cmp_ui(ref->rich_lo[0], 0) == 0 && mpfr_cmp_ui(ref->rich_hi[0], 1) == 0);
    mpbias_model_init(m);
    fmpq_one(a);
    fmpq_one(a + 1);
    fmpq_one(b);
    fmpq_one(b + 1);
    ck_assert(mpbias_model_set_shape(m, a, b, 2, err) == MPBIAS_OK);
    ck_assert_int_eq(mpbias_regime_ref_setup(ref, d, m, 128, err), MPBIAS_ERR_ARG);
    ck_assert_ptr_nonnull(strstr(err->msg, "initialization shape"));
    mpbias_model_clear(m);
    _fmpq_vec_clear(a, 2);
    _fmpq_vec_clear(b, 2);
    mpbias_regime_ref_clear(ref);
    mpbias_data_clear(d);
}
END_TEST

/* The expansions against trajectories (doc/asymptotics.md section 7):
   the observed rate p in d ~ C gamma^-p between log10(1/eps) = 10^4 and
   10^5 approaches the predicted one: depth 1, p = 1 exactly (Soudry: the
   extrapolation from 10^3 to 10^4 is right to 1e-10); depth 2 on the
   transition example, p = 11/16 (the l1 max slack; observed 0.678 there,
   rising); one sample, p = 1/2; depth 3, p = 1 (observed 0.98). */
START_TEST(test_expansion_rates)
{
    static const char *const exps[] = { "1000", "10000", "100000", NULL };
    static const struct
    {
        int depth, one;
        double p, tol;
    } C[] = { { 1, 0, 1.0, 1e-6 }, { 2, 0, 0.6875, 0.015 }, { 2, 1, 0.5, 0.02 }, { 3, 0, 1.0, 0.03 } };
    mpbias_data_t d;
    mpbias_regime_ref_t ref;
    mpbias_regime_row a[3];
    rows_t c;
    mpfr_t p, e;
    size_t k;
    int j;
    mpbias_data_init(d);
    mpbias_regime_ref_init(ref);
    mpfr_inits2(64, p, e, (mpfr_ptr) 0);
    for (k = 0; k < sizeof C / sizeof C[0]; k++)
    {
        if (C[k].one)
            tu_data_from_text(d, "+1 1:1 2:2 3:-0.5\n-1 1:-1 2:-2 3:0.5\n", NULL,
                              MPBIAS_FORMAT_AUTO);
        else
            ck_assert(mpbias_example_load(d, "transition", NULL) == MPBIAS_OK);
        run(&c, d, C[k].depth, "1", exps, 16);
        setup(ref, d, C[k].depth, "1");
        if (C[k].depth >= 3)
        {
            mpbias_lpkkt_t kk;
            mpbias_err_t err;
            mpbias_lpkkt_init(kk);
            ck_assert(mpbias_lpkkt_compute_auto(kk, d, C[k].depth, (const mpfr_t *) c.rows[2].wbar,
                                                256, err) == MPBIAS_OK);
            ck_assert(mpbias_regime_ref_set_kkt(ref, (const mpfr_t *) kk->w, err) == MPBIAS_OK);
            mpbias_lpkkt_clear(kk);
        }
        ck_assert_msg(fabs(mpfr_get_d(ref->rate, MPFR_RNDN) - C[k].p) < 1e-15,
                      "case %d: predicted rate %g", (int) k, mpfr_get_d(ref->rate, MPFR_RNDN));
        for (j = 0; j < 3; j++)
        {
            mpbias_regime_row_init(a + j);
            eval(a + j, ref, d, c.rows + j, 0);
        }
        mpbias_regime_compare(p, e, ref, c.rows + 1, a + 1, c.rows + 2, a + 2);
        ck_assert_msg(fabs(mpfr_get_d(p, MPFR_RNDN) - C[k].p) < C[k].tol,
                      "case %d: observed rate %.6g, predicted %g", (int) k,
                      mpfr_get_d(p, MPFR_RNDN), C[k].p);
        if (C[k].depth == 1)
        {
            mpbias_regime_compare(p, e, ref, c.rows, a, c.rows + 1, a + 1);
            ck_assert_msg(mpfr_cmp_d(e, 1e-10) < 0, "extrapolation error %g",
                          mpfr_get_d(e, MPFR_RNDN));
        }
        for (j = 0; j < 3; j++)
            mpbias_regime_row_clear(a + j);
        rows_clear(&c);
    }
    mpfr_clears(p, e, (mpfr_ptr) 0);
    mpbias_regime_ref_clear(ref);
    mpbias_data_clear(d);
}
END_TEST

/* Depth 1, Soudry's rho: on the transition example both samples are
   support vectors, so the limit is fixed by 2 exp(-z_n . rho) = a_n and
   rho in span(z_1, z_2): rho = Z^T (Z Z^T)^-1 log(2/a), a = (36, 20)/269,
   computed here in double precision; rho(t) at 1e-1000 matches it to
   1e-10 and the support residual is below 1e-15. */
START_TEST(test_linear_rho)
{
    static const char *const exps[] = { "1000", NULL };
    static const double z[2][4] = { { 2, 1, 0.5, 0 }, { 2, -0.5, 1, 1 } };
    mpbias_data_t d;
    mpbias_regime_ref_t ref;
    mpbias_err_t err;
    rows_t c;
    mpfr_t *rho, res;
    double g11 = 5.25, g12 = 4, g22 = 6.25, r1 = log(2 * 269.0 / 36), r2 = log(2 * 269.0 / 20),
           det, c1, c2;
    int i;
    mpbias_data_init(d);
    mpbias_regime_ref_init(ref);
    ck_assert(mpbias_example_load(d, "transition", NULL) == MPBIAS_OK);
    run(&c, d, 1, "1", exps, 20);
    setup(ref, d, 1, "1");
    rho = _mpbias_mpfr_vec_init(4, 256);
    mpfr_init2(res, 64);
    ck_assert(mpbias_regime_rho(rho, res, ref, d, c.rows, err) == MPBIAS_OK);
    ck_assert_msg(mpfr_cmp_d(res, 1e-15) < 0, "residual %g", mpfr_get_d(res, MPFR_RNDN));
    det = g11 * g22 - g12 * g12;
    c1 = (g22 * r1 - g12 * r2) / det;
    c2 = (g11 * r2 - g12 * r1) / det;
    for (i = 0; i < 4; i++)
    {
        double want = c1 * z[0][i] + c2 * z[1][i];
        ck_assert_msg(fabs(mpfr_get_d(rho[i], MPFR_RNDN) - want) < 1e-10, "rho_%d = %.15g, want %.15g",
                      i + 1, mpfr_get_d(rho[i], MPFR_RNDN), want);
    }
    /* not for depth 2 */
    setup(ref, d, 2, "1");
    ck_assert_int_eq(mpbias_regime_rho(rho, res, ref, d, c.rows, err), MPBIAS_ERR_ARG);
    _mpbias_mpfr_vec_clear(rho, 4);
    mpfr_clear(res);
    rows_clear(&c);
    mpbias_regime_ref_clear(ref);
    mpbias_data_clear(d);
}
END_TEST

/* sup-norm distance of the intermediate predictor at mu^2 = m2 (one sample
   z = (1, 2, -1/2)) to the l1 predictor (0, 1/2, 0) */
static double
qmu_dist_l1(const mpbias_data_t d, const mpfr_t m2)
{
    mpbias_qmu_t q;
    mpbias_err_t err;
    fmpq_t m;
    mpz_t z;
    mpfr_exp_t e;
    double r = 0.0, t;
    mpbias_qmu_init(q);
    fmpq_init(m);
    mpz_init(z);
    e = mpfr_get_z_2exp(z, m2);
    fmpz_set_mpz(fmpq_numref(m), z);
    if (e >= 0)
        fmpq_mul_2exp(m, m, (ulong) e);
    else
        fmpq_div_2exp(m, m, (ulong) -e);
    mpbias_err_clear(err);
    ck_assert_msg(mpbias_qmu_compute(q, d, 2, m, 20, err) == MPBIAS_OK, "%s", err->msg);
    t = fabs(mpfr_get_d(q->w[0], MPFR_RNDN));
    r = t > r ? t : r;
    t = fabs(mpfr_get_d(q->w[1], MPFR_RNDN) - 0.5);
    r = t > r ? t : r;
    t = fabs(mpfr_get_d(q->w[2], MPFR_RNDN));
    r = t > r ? t : r;
    mpz_clear(z);
    fmpq_clear(m);
    mpbias_qmu_clear(q);
    return r;
}

/* "at most one unit of the last digit past the threshold": with y* the
   independent threshold in log10(1/eps) and K digits, the answer y
   (unless resolution-limited) satisfies y* <= y <= y* + 10^(floor(log10
   y*) - K + 1), and the bracket's other end lies below y*. */
static void
check_threshold_unit(const mpbias_threshold_t th, double want, int digits)
{
    double y = -mpfr_get_d(th->log10_loss, MPFR_RNDN);
    double ylo = -mpfr_get_d(th->log10_loss_lo, MPFR_RNDN);
    double unit = pow(10.0, floor(log10(want)) - digits + 1);
    ck_assert(th->reached && !th->at_first && !th->resolution_limited);
    ck_assert_msg(y >= want * (1 - 1e-12) && y - want <= unit + want * 1e-12,
                  "%d digits: threshold at log10(1/eps) = %.17g, independently %.17g "
                  "(one unit: %g)", digits, y, want, unit);
    ck_assert_msg(ylo <= want * (1 + 1e-12), "%d digits: the beyond-delta end %.17g is past "
                  "the threshold %.17g", digits, ylo, want);
}

/* The threshold for one sample against an independent computation: wbar
   at loss eps is the intermediate predictor at mu^2 = 1/gamma, gamma =
   log(2/eps) (the sample appears twice), so the loss at which wbar comes
   within 0.02 of l1 solves the scalar equation d(mu) = 0.02, found here
   by bisection in log mu^2 with the intermediate predictor alone (no
   flow).  Also: the qmu target is met at the first checkpoint (distance
   0), and alpha = 1000 never gets within 1e-3 of l2 by 10^(-10^6). */
START_TEST(test_threshold_one_sample)
{
    mpbias_data_t d;
    mpbias_model_t m;
    mpbias_threshold_t th;
    mpbias_sci_t hz;
    mpbias_err_t err;
    mpfr_t lo, hi, mid, y, t;
    int it;
    double want;
    mpbias_data_init(d);
    mpbias_model_init(m);
    mpbias_threshold_init(th);
    mpbias_sci_init(hz);
    tu_data_from_text(d, "+1 1:1 2:2 3:-0.5\n-1 1:-1 2:-2 3:0.5\n", NULL, MPBIAS_FORMAT_AUTO);
    /* the independent answer: d decreases as mu^2 does */
    mpfr_inits2(128, lo, hi, mid, y, t, (mpfr_ptr) 0);
    mpfr_set_d(lo, 1e-8, MPFR_RNDN);   /* d(lo) < 0.02 */
    mpfr_set_d(hi, 1.0, MPFR_RNDN);    /* d(hi) > 0.02 */
    ck_assert(qmu_dist_l1(d, lo) < 0.02 && qmu_dist_l1(d, hi) > 0.02);
    for (it = 0; it < 60; it++)
    {
        mpfr_mul(mid, lo, hi, MPFR_RNDN);
        mpfr_sqrt(mid, mid, MPFR_RNDN);
        if (qmu_dist_l1(d, mid) > 0.02)
            mpfr_set(hi, mid, MPFR_RNDN);
        else
            mpfr_set(lo, mid, MPFR_RNDN);
    }
    /* log10(1/eps) = (1/mu^2 - log 2) / log 10 */
    mpfr_ui_div(y, 1, lo, MPFR_RNDN);
    mpfr_const_log2(t, MPFR_RNDN);
    mpfr_sub(y, y, t, MPFR_RNDN);
    mpfr_set_ui(t, 10, MPFR_RNDN);
    mpfr_log(t, t, MPFR_RNDN);
    mpfr_div(y, y, t, MPFR_RNDN);
    want = mpfr_get_d(y, MPFR_RNDN);

    ck_assert(mpbias_sci_parse(hz, "1e-100000", NULL) == MPBIAS_OK);
    mpbias_err_clear(err);
    ck_assert_msg(mpbias_threshold_find(th, d, m, MPBIAS_TARGET_RICH, 0.02, 0, hz, 8, err)
                  == MPBIAS_OK, "%s", err->msg);
    ck_assert(th->reached && !th->at_first);
    ck_assert_msg(fabs(-mpfr_get_d(th->log10_loss, MPFR_RNDN) - want) < 1e-6 * want,
                  "threshold at log10(1/eps) = %.12g, independently %.12g",
                  -mpfr_get_d(th->log10_loss, MPFR_RNDN), want);
    /* the stated bound: log10(1/eps) of the answer is past the threshold by
       at most one unit of its 8th significant digit (want is good to about
       1e-15 relative; 1e-12 allows for it) */
    check_threshold_unit(th, want, 8);
    /* the bracket's other end is beyond delta, on the other side */
    ck_assert(mpfr_cmp(th->log10_loss_lo, th->log10_loss) > 0);
    ck_assert(mpfr_cmp_d(th->dist_at, 0.02) <= 0);
    ck_assert(want > 100.0);   /* a threshold well beyond 1e-100 */

    /* the same bound at 2 digits (a coarse bracket, few runs) */
    ck_assert(mpbias_threshold_find(th, d, m, MPBIAS_TARGET_RICH, 0.02, 0, hz, 2, err)
              == MPBIAS_OK);
    check_threshold_unit(th, want, 2);

    /* qmu: exact for one sample, so within at once */
    ck_assert(mpbias_threshold_find(th, d, m, MPBIAS_TARGET_QMU, 1e-10, 0, hz, 6, err)
              == MPBIAS_OK);
    ck_assert(th->reached && th->at_first);

    /* not reached: the transition example, alpha = 1000, l2 within 1e-3 */
    ck_assert(mpbias_example_load(d, "transition", NULL) == MPBIAS_OK);
    tu_fmpq_set(m->alpha, "1000");
    ck_assert(mpbias_sci_parse(hz, "1e-1000000", NULL) == MPBIAS_OK);
    ck_assert(mpbias_threshold_find(th, d, m, MPBIAS_TARGET_L2, 1e-3, 0, hz, 6, err)
              == MPBIAS_OK);
    ck_assert(!th->reached);
    ck_assert(mpfr_cmp_d(th->dist_horizon, 1e-3) > 0);
    /* bad arguments */
    ck_assert_int_eq(mpbias_threshold_find(th, d, m, MPBIAS_TARGET_L2, -1.0, 0, hz, 6, err),
                     MPBIAS_ERR_ARG);
    /* digits in 1..15, a horizon of at most 0.1 (mpbias.h, mpbias.1) */
    ck_assert_int_eq(mpbias_threshold_find(th, d, m, MPBIAS_TARGET_L2, 0.1, 0, hz, 16, err),
                     MPBIAS_ERR_ARG);
    ck_assert_int_eq(mpbias_threshold_find(th, d, m, MPBIAS_TARGET_L2, 0.1, 0, hz, 0, err),
                     MPBIAS_ERR_ARG);
    ck_assert(mpbias_sci_parse(hz, "0.11", NULL) == MPBIAS_OK);
    ck_assert_int_eq(mpbias_threshold_find(th, d, m, MPBIAS_TARGET_L2, 0.1, 0, hz, 6, err),
                     MPBIAS_ERR_ARG);
    ck_assert_ptr_nonnull(strstr(err->msg, "at most 0.1"));
    ck_assert(mpbias_sci_parse(hz, "0.1", NULL) == MPBIAS_OK);   /* 0.1 itself is allowed */
    ck_assert_int_eq(mpbias_threshold_find(th, d, m, MPBIAS_TARGET_L2, 1.0, 0, hz, 6, err),
                     MPBIAS_OK);
    ck_assert(mpbias_sci_parse(hz, "1e-1000000", NULL) == MPBIAS_OK);
    m->depth = 1;
    ck_assert_int_eq(mpbias_threshold_find(th, d, m, MPBIAS_TARGET_RICH, 0.1, 0, hz, 6, err),
                     MPBIAS_ERR_ARG);
    mpfr_clears(lo, hi, mid, y, t, (mpfr_ptr) 0);
    mpbias_sci_clear(hz);
    mpbias_threshold_clear(th);
    mpbias_model_clear(m);
    mpbias_data_clear(d);
}
END_TEST

static Suite *
regime_suite(void)
{
    Suite *s = suite_create("regime");
    TCase *tc = tcase_create("regime");
    tcase_set_timeout(tc, 300);
    tcase_add_loop_test(tc, test_one_sample_exact, 0, 2);
    tcase_add_test(tc, test_stationarity_detects);
    tcase_add_test(tc, test_linear_soudry);
    tcase_add_test(tc, test_regimes);
    tcase_add_test(tc, test_face_and_errors);
    tcase_add_test(tc, test_threshold_one_sample);
    tcase_add_test(tc, test_expansion_rates);
    tcase_add_test(tc, test_linear_rho);
    tcase_add_loop_test(tc, test_pipeline, 0, 2);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return tu_main(regime_suite());
}
