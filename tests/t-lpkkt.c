/*
 * t-lpkkt.c -- KKT points of the l_(2/D) max-margin problem
 * (src/limits/lpkkt.c): a vertex that is the l1 solution, an interior
 * stationary point, a trajectory's late direction polished, and errors.
 * Every accepted point is re-checked here: stationarity on its support,
 * nonnegative multipliers, feasibility and complementary slackness.
 */
#include "config.h"
#include <math.h>
#include "mpbias-impl.h"
#include "testutil.h"

static void
check_kkt_point(const mpbias_lpkkt_t r, const mpbias_data_t data, int D)
{
    slong i, k;
    mpfr_t s, t, p;
    mpfr_inits2(400, s, t, p, (mpfr_ptr) 0);
    mpfr_set_ui(p, 2, MPFR_RNDN);
    mpfr_div_ui(p, p, (unsigned long) D, MPFR_RNDN);
    for (k = 0; k < data->n; k++)
    {
        ck_assert_msg(mpfr_sgn(r->lambda[k]) >= 0, "lambda_%ld < 0", (long) k);
        mpfr_set_si(s, -1, MPFR_RNDN);
        for (i = 0; i < data->d; i++)
        {
            fmpq_get_mpfr(t, mpbias_data_z(data, k, i), MPFR_RNDN);
            mpfr_mul(t, t, r->w[i], MPFR_RNDN);
            mpfr_add(s, s, t, MPFR_RNDN);
        }
        ck_assert_msg(mpfr_cmp_d(s, -1e-40) >= 0, "z_%ld . w < 1", (long) k);
        if (mpfr_sgn(r->lambda[k]) > 0)
            ck_assert_msg(mpfr_cmp_d(s, 1e-40) <= 0, "slackness at %ld", (long) k);
    }
    for (i = 0; i < data->d; i++)
    {
        if (mpfr_zero_p(r->w[i]))
            continue;
        /* p |w|^(p-1) sign(w) - (Z^T lambda)_i = 0 */
        mpfr_abs(s, r->w[i], MPFR_RNDN);
        mpfr_sub_ui(t, p, 1, MPFR_RNDN);
        mpfr_pow(s, s, t, MPFR_RNDN);
        mpfr_mul(s, s, p, MPFR_RNDN);
        if (mpfr_sgn(r->w[i]) < 0)
            mpfr_neg(s, s, MPFR_RNDN);
        for (k = 0; k < data->n; k++)
        {
            fmpq_get_mpfr(t, mpbias_data_z(data, k, i), MPFR_RNDN);
            mpfr_mul(t, t, r->lambda[k], MPFR_RNDN);
            mpfr_sub(s, s, t, MPFR_RNDN);
        }
        ck_assert_msg(fabs(mpfr_get_d(s, MPFR_RNDN)) < 1e-40, "stationarity at %ld: residual %g", (long) i, mpfr_get_d(s, MPFR_RNDN));
    }
    mpfr_clears(s, t, p, (mpfr_ptr) 0);
}

static void
set_cand(mpfr_t *c, const double *v, slong d)
{
    slong i;
    for (i = 0; i < d; i++)
        mpfr_set_d(c[i], v[i], MPFR_RNDN);
}

/* one sample z = (1, 2, -1/2), D = 3 */
START_TEST(test_one_sample)
{
    static const double near_l1[] = { 0.01, 0.49, -0.001 }, spread[] = { 0.3, 0.4, -0.2 };
    mpbias_data_t d;
    mpbias_lpkkt_t r;
    mpbias_err_t err;
    mpfr_t c[3];
    slong i;
    mpbias_data_init(d);
    mpbias_lpkkt_init(r);
    for (i = 0; i < 3; i++)
        mpfr_init2(c[i], 200);
    tu_data_from_text(d, "+1 1:1 2:2 3:-0.5\n-1 1:-1 2:-2 3:0.5\n", NULL, MPBIAS_FORMAT_AUTO);
    /* near the vertex (0, 1/2, 0): polished onto it, which is the l1 solution */
    set_cand(c, near_l1, 3);
    mpbias_err_clear(err);
    ck_assert_msg(mpbias_lpkkt_compute(r, d, 3, (const mpfr_t *) c, 0.1, 300, err) == MPBIAS_OK,
                  "%s", err->msg);
    ck_assert_int_eq(r->kind, MPBIAS_KKT_L1);
    ck_assert_int_eq(r->nsupport, 1);
    ck_assert(mpfr_cmp_d(r->w[1], 0.5) == 0 && mpfr_zero_p(r->w[0]) && mpfr_zero_p(r->w[2]));
    check_kkt_point(r, d, 3);
    /* all coordinates kept: the interior stationary point on z . w = 1 */
    set_cand(c, spread, 3);
    ck_assert_msg(mpbias_lpkkt_compute(r, d, 3, (const mpfr_t *) c, 1e-3, 300, err) == MPBIAS_OK,
                  "%s", err->msg);
    ck_assert_int_eq(r->kind, MPBIAS_KKT_INTERIOR);
    ck_assert_int_eq(r->nsupport, 3);
    check_kkt_point(r, d, 3);
    for (i = 0; i < 3; i++)
        mpfr_clear(c[i]);
    mpbias_lpkkt_clear(r);
    mpbias_data_clear(d);
}
END_TEST

typedef struct
{
    mpfr_t w[4];
} stop4;

static int
stop_cb(const mpbias_flow_row *row, void *ctx)
{
    stop4 *s = ctx;
    slong i;
    if (row->kind == MPBIAS_ROW_STOP)
        for (i = 0; i < 4; i++)
            mpfr_set(s->w[i], row->wbar[i], MPFR_RNDN);
    return 0;
}

/* the D = 3 trajectory on the transition example, late (loss 10^-1000):
   its direction polishes to a KKT point */
START_TEST(test_trajectory_direction)
{
    mpbias_data_t d;
    mpbias_model_t m;
    mpbias_flow_opts o;
    mpbias_lpkkt_t r;
    mpbias_err_t err;
    stop4 s;
    slong i;
    mpbias_data_init(d);
    mpbias_lpkkt_init(r);
    mpbias_err_clear(err);
    ck_assert_int_eq(mpbias_example_load(d, "transition", err), MPBIAS_OK);
    for (i = 0; i < 4; i++)
        mpfr_init2(s.w[i], 200);
    mpbias_model_init(m);
    m->depth = 3;
    mpbias_flow_opts_init(&o);
    o.digits = 16;
    o.per_decade = 0;
    o.until_loss_set = 1;
    ck_assert_int_eq(mpbias_sci_parse(o.until_loss, "1e-1000", err), MPBIAS_OK);
    ck_assert_msg(mpbias_flow_run(d, m, &o, stop_cb, NULL, &s, NULL, err) == MPBIAS_OK, "%s",
                  err->msg);
    ck_assert_msg(mpbias_lpkkt_compute(r, d, 3, (const mpfr_t *) s.w, 1e-2, 300, err) == MPBIAS_OK,
                  "%s", err->msg);
    /* it is the l1 solution (1/2, 0, 0, 0), within 1% of the direction */
    ck_assert_int_eq(r->kind, MPBIAS_KKT_L1);
    ck_assert(mpfr_cmp_d(r->distance, 1e-2) < 0);
    check_kkt_point(r, d, 3);
    for (i = 0; i < 4; i++)
        mpfr_clear(s.w[i]);
    mpbias_flow_opts_clear(&o);
    mpbias_model_clear(m);
    mpbias_lpkkt_clear(r);
    mpbias_data_clear(d);
}
END_TEST

START_TEST(test_errors)
{
    static const double bad[] = { -1.0, 0.0, 0.0 }, ok[] = { 0.0, 0.5, 0.0 };
    mpbias_data_t d;
    mpbias_lpkkt_t r;
    mpbias_err_t err;
    mpfr_t c[3];
    slong i;
    mpbias_data_init(d);
    mpbias_lpkkt_init(r);
    for (i = 0; i < 3; i++)
        mpfr_init2(c[i], 100);
    tu_data_from_text(d, "+1 1:1 2:2 3:-0.5\n-1 1:-1 2:-2 3:0.5\n", NULL, MPBIAS_FORMAT_AUTO);
    set_cand(c, ok, 3);
    mpbias_err_clear(err);
    ck_assert_int_eq(mpbias_lpkkt_compute(r, d, 2, (const mpfr_t *) c, 0.1, 200, err), MPBIAS_ERR_ARG);
    ck_assert_int_eq(mpbias_lpkkt_compute(r, d, 3, (const mpfr_t *) c, 0.0, 200, err), MPBIAS_ERR_ARG);
    set_cand(c, bad, 3);
    ck_assert_int_eq(mpbias_lpkkt_compute(r, d, 3, (const mpfr_t *) c, 0.1, 200, err), MPBIAS_ERR_ARG);
    ck_assert_int_eq(r->kind, MPBIAS_KKT_NONE);
    for (i = 0; i < 3; i++)
        mpfr_clear(c[i]);
    mpbias_lpkkt_clear(r);
    mpbias_data_clear(d);
}
END_TEST

static Suite *
lpkkt_suite(void)
{
    Suite *s = suite_create("lpkkt");
    TCase *tc = tcase_create("lpkkt");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_one_sample);
    tcase_add_test(tc, test_trajectory_direction);
    tcase_add_test(tc, test_errors);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return tu_main(lpkkt_suite());
}
