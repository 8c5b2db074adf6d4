/*
 * t-gd.c -- reference gradient descent (src/flow/gd.c): against a plain
 * double-precision implementation written here (same update, independent
 * code), its first-order approach to the flow as the step shrinks, the
 * catapult count, and the refusals (too little precision, divergence).
 */
#include "config.h"
#include <math.h>
#include "mpbias-impl.h"
#include "testutil.h"

typedef struct
{
    mpfr_t wbar[4], margin, log10_loss;
    slong step;
    int got;
} last_t;

static int
keep_last(const mpbias_flow_row *r, void *ctx)
{
    last_t *l = ctx;
    slong i;
    for (i = 0; i < r->d && i < 4; i++)
        mpfr_set(l->wbar[i], r->wbar[i], MPFR_RNDN);
    mpfr_set(l->margin, r->margin, MPFR_RNDN);
    mpfr_set(l->log10_loss, r->log10_loss, MPFR_RNDN);
    l->step = r->index;
    l->got = 1;
    return 0;
}

static void
last_init(last_t *l)
{
    int i;
    for (i = 0; i < 4; i++)
        mpfr_init2(l->wbar[i], 256);
    mpfr_inits2(256, l->margin, l->log10_loss, (mpfr_ptr) 0);
    l->got = 0;
}

static void
last_clear(last_t *l)
{
    int i;
    for (i = 0; i < 4; i++)
        mpfr_clear(l->wbar[i]);
    mpfr_clears(l->margin, l->log10_loss, (mpfr_ptr) 0);
}

static mpbias_status
gd(last_t *l, const mpbias_data_t d, int depth, const char *eta, slong steps, int digits,
   mpfr_prec_t prec, mpbias_gd_stats *st, mpbias_err_t err)
{
    mpbias_model_t m;
    mpbias_gd_opts o;
    mpbias_status s;
    mpbias_model_init(m);
    m->depth = depth;
    mpbias_gd_opts_init(&o);
    o.neta = 1;
    o.eta = _fmpq_vec_init(1);
    tu_fmpq_set(o.eta, eta);
    o.max_steps = steps;
    o.every = steps > 0 ? steps : 1;
    o.digits = digits;
    o.prec = prec;
    mpbias_err_clear(err);
    s = mpbias_gd_run(d, m, &o, keep_last, l, st, err);
    _fmpq_vec_clear(o.eta, 1);
    mpbias_gd_opts_clear(&o);
    mpbias_model_clear(m);
    return s;
}

/* The transition example, depth 2, alpha = 1, step 1/64, 50 steps: a
   double-precision loop of the same update (written here) agrees to 1e-12. */
START_TEST(test_against_double)
{
    static const double Z[2][4] = { { 2, 1, 0.5, 0 }, { 2, -0.5, 1, 1 } };
    double up[4] = { 1, 1, 1, 1 }, um[4] = { 1, 1, 1, 1 }, w[4], m[2], g[2], eta = 1.0 / 64;
    mpbias_data_t d;
    mpbias_err_t err;
    last_t l;
    int k, i, n;
    mpbias_data_init(d);
    last_init(&l);
    ck_assert(mpbias_example_load(d, "transition", NULL) == MPBIAS_OK);
    ck_assert_msg(gd(&l, d, 2, "1/64", 50, 20, 0, NULL, err) == MPBIAS_OK, "%s", err->msg);
    ck_assert(l.got && l.step == 50);
    for (k = 0; k < 50; k++)
    {
        for (i = 0; i < 4; i++)
            w[i] = up[i] * up[i] - um[i] * um[i];
        for (n = 0; n < 2; n++)
        {
            m[n] = 0;
            for (i = 0; i < 4; i++)
                m[n] += Z[n][i] * w[i];
            g[n] = exp(-m[n]);
        }
        for (i = 0; i < 4; i++)
        {
            double r = Z[0][i] * g[0] + Z[1][i] * g[1];
            up[i] += eta * 2 * up[i] * r;
            um[i] -= eta * 2 * um[i] * r;
        }
    }
    for (i = 0; i < 4; i++)
        w[i] = up[i] * up[i] - um[i] * um[i];
    for (n = 0; n < 2; n++)
    {
        m[n] = 0;
        for (i = 0; i < 4; i++)
            m[n] += Z[n][i] * w[i];
    }
    {
        double gam = m[0] < m[1] ? m[0] : m[1];
        ck_assert(fabs(mpfr_get_d(l.margin, MPFR_RNDN) - gam) < 1e-12 * gam);
        for (i = 0; i < 4; i++)
            ck_assert_msg(fabs(mpfr_get_d(l.wbar[i], MPFR_RNDN) - w[i] / gam) < 1e-12,
                          "wbar_%d = %.17g, double loop %.17g", i + 1,
                          mpfr_get_d(l.wbar[i], MPFR_RNDN), w[i] / gam);
    }
    last_clear(&l);
    mpbias_data_clear(d);
}
END_TEST

/* As the step shrinks at a fixed time T = 1, gradient descent approaches
   the flow at first order: halving the step halves the error of wbar. */
START_TEST(test_first_order)
{
    mpbias_data_t d;
    mpbias_model_t m;
    mpbias_flow_opts o;
    mpbias_err_t err;
    mpbias_flow_rows rows;
    last_t a, b;
    double ea = 0, eb = 0;
    int i;
    mpbias_data_init(d);
    last_init(&a);
    last_init(&b);
    ck_assert(mpbias_example_load(d, "transition", NULL) == MPBIAS_OK);
    /* the flow at t = 1 */
    mpbias_model_init(m);
    mpbias_flow_opts_init(&o);
    o.digits = 20;
    o.per_decade = 0;
    o.until_time_set = 1;
    ck_assert(mpbias_sci_parse(o.until_time, "1", NULL) == MPBIAS_OK);
    mpbias_flow_rows_init(&rows);
    ck_assert_msg(mpbias_flow_run(d, m, &o, mpbias_flow_rows_collect, NULL, &rows, NULL, err)
                  == MPBIAS_OK, "%s", err->msg);
    ck_assert(gd(&a, d, 2, "1/400", 400, 20, 0, NULL, err) == MPBIAS_OK);
    ck_assert(gd(&b, d, 2, "1/800", 800, 20, 0, NULL, err) == MPBIAS_OK);
    for (i = 0; i < 4; i++)
    {
        double f = mpfr_get_d(rows.rows[rows.n - 1].wbar[i], MPFR_RNDN);
        ea = fmax(ea, fabs(mpfr_get_d(a.wbar[i], MPFR_RNDN) - f));
        eb = fmax(eb, fabs(mpfr_get_d(b.wbar[i], MPFR_RNDN) - f));
    }
    ck_assert_msg(ea > 1e-6 && fabs(ea / eb - 2.0) < 0.1, "errors %g and %g, ratio %g", ea, eb,
                  ea / eb);
    mpbias_flow_rows_clear(&rows);
    mpbias_flow_opts_clear(&o);
    mpbias_model_clear(m);
    last_clear(&a);
    last_clear(&b);
    mpbias_data_clear(d);
}
END_TEST

/* The loss grows at every one of the first 10 steps of size 0.36 on
   z = (1, 1, -1), depth 1 (beyond the stability limit of this minimum);
   a larger step diverges and is refused; too little precision is refused. */
START_TEST(test_catapult_and_refusals)
{
    mpbias_data_t d;
    mpbias_err_t err;
    mpbias_gd_stats st;
    last_t l;
    mpbias_data_init(d);
    last_init(&l);
    tu_data_from_text(d, "+1 1:1\n+1 1:1\n-1 1:1\n", NULL, MPBIAS_FORMAT_AUTO);
    ck_assert_msg(gd(&l, d, 1, "9/25", 10, 10, 0, &st, err) == MPBIAS_OK, "%s", err->msg);
    ck_assert_int_eq(st.steps, 10);
    ck_assert_int_eq(st.increases, 10);
    ck_assert_int_eq(st.first_increase, 1);
    ck_assert(st.max_rise > 0.1);
    ck_assert_int_eq(gd(&l, d, 1, "1", 30, 10, 0, &st, err), MPBIAS_ERR_NUMERIC);
    ck_assert_ptr_nonnull(strstr(err->msg, "diverged"));
    /* small steps: no increase */
    ck_assert(gd(&l, d, 1, "1/10", 30, 10, 0, &st, err) == MPBIAS_OK);
    ck_assert_int_eq(st.increases, 0);
    /* 24 bits cannot give 16 digits */
    ck_assert(mpbias_example_load(d, "transition", NULL) == MPBIAS_OK);
    ck_assert_int_eq(gd(&l, d, 2, "1/10", 100, 16, 24, &st, err), MPBIAS_ERR_NUMERIC);
    ck_assert_ptr_nonnull(strstr(err->msg, "cannot certify 16 digits"));
    last_clear(&l);
    mpbias_data_clear(d);
}
END_TEST

static Suite *
gd_suite(void)
{
    Suite *s = suite_create("gd");
    TCase *tc = tcase_create("gd");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_against_double);
    tcase_add_test(tc, test_first_order);
    tcase_add_test(tc, test_catapult_and_refusals);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return tu_main(gd_suite());
}
