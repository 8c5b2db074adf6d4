/*
 * t-expand.c -- the asymptotic expansion of the far trajectory
 * (doc/asymptotics.md section 8): the derived coefficients against the
 * flow at three losses (depth 2: the closed forms of the transition
 * example; depth 3: the gamma^(-1/3) approach of the multipliers), and
 * mpbias_expand_predict against mpbias_flow_run at the predicted loss:
 * err_pred must cover the actual error, which must be below 1% of the
 * distance to the rich limit.
 */
#include "testutil.h"
#include <math.h>

/* the flow of an example at the given losses (literals, increasing
   log10(1/eps)), one row each, the last one the stop */
static void
run_flow(mpbias_flow_rows *c, const mpbias_data_t d, int depth, int digits,
         const char *const *loss)
{
    mpbias_model_t m;
    mpbias_flow_opts o;
    mpbias_err_t err;
    slong k, nk = 0;
    while (loss[nk] != NULL)
        nk++;
    mpbias_model_init(m);
    m->depth = depth;
    mpbias_flow_opts_init(&o);
    o.digits = digits;
    o.per_decade = 0;
    o.n_at_loss = nk;
    o.at_loss = flint_malloc((size_t) nk * sizeof(mpbias_sci_struct));
    for (k = 0; k < nk; k++)
    {
        mpbias_sci_init(o.at_loss + k);
        ck_assert(mpbias_sci_parse(o.at_loss + k, loss[k], NULL) == MPBIAS_OK);
    }
    o.until_loss_set = 1;
    ck_assert(mpbias_sci_parse(o.until_loss, loss[nk - 1], NULL) == MPBIAS_OK);
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

static double
rd(const mpfr_t x)
{
    return mpfr_get_d(x, MPFR_RNDN);
}

/* Depth 2, transition, alpha 1 (doc/asymptotics.md section 8.2): with
   L = log gamma, the l1 dual selected is lambda0 = (3/8, 1/8) L, the
   offsets fixed by w_1 = 1/2 and the balance w_3 + 2 w_4 = 3 w_2 give
   4 nu_1 - 3L/8 -> -(3/8) log 2 - (log 3)/2, 4 nu_2 - L/8 ->
   -(1/8) log 2 + (log 3)/2, wbar_2 ~ C gamma^(-11/16), wbar_3 ~ 3 C
   gamma^(-11/16), C = 2^(-5/16) 3^(-3/4), wbar_4 ~ 2^(-1/8) 3^(1/2)
   gamma^(-7/8), margin - log(1/eps) -> log(4/3), all with relative
   corrections of order gamma^(-3/16) (the slack gap of coordinate 4) and
   gamma^(-5/16) (the tracking term): checked at three losses, the
   deviation at most 8 gamma^(-3/16) and shrinking. */
START_TEST(test_depth2_coefficients)
{
    static const char *const loss[] = { "1e-100000", "1e-10000000000",
                                        "1e-1000000000000000000000000000000", NULL };
    mpbias_data_t d;
    mpbias_flow_rows c;
    slong j, k;
    double prev[6] = { INFINITY, INFINITY, INFINITY, INFINITY, INFINITY, INFINITY };
    const double l2 = log(2.0), l3 = log(3.0), C = exp(-5.0 / 16 * l2 - 0.75 * l3);
    mpbias_data_init(d);
    ck_assert(mpbias_example_load(d, "transition", NULL) == MPBIAS_OK);
    run_flow(&c, d, 2, 16, loss);
    for (j = 0; j < c.n; j++)
    {
        const mpbias_flow_row *r = c.rows + j;
        double g = rd(r->margin), L = log(g), tol = 8.0 * pow(g, -3.0 / 16), dev[6];
        mpfr_t off;
        dev[0] = fabs(rd(r->wbar[1]) * pow(g, 11.0 / 16) / C - 1);
        dev[1] = fabs(rd(r->wbar[2]) * pow(g, 11.0 / 16) / (3 * C) - 1);
        dev[2] = fabs(rd(r->wbar[3]) * pow(g, 7.0 / 8) / (exp(-l2 / 8) * sqrt(3.0)) - 1);
        dev[3] = fabs(4 * rd(r->nu[0]) - 3 * L / 8 - (-3 * l2 / 8 - l3 / 2));
        dev[4] = fabs(4 * rd(r->nu[1]) - L / 8 - (-l2 / 8 + l3 / 2));
        /* margin - log(1/eps), where the margin's 16 digits resolve it */
        mpfr_init2(off, 256);
        mpfr_set_ui(off, 10, MPFR_RNDN);
        mpfr_log(off, off, MPFR_RNDN);
        mpfr_mul(off, off, r->log10_loss, MPFR_RNDN);
        mpfr_add(off, off, r->margin, MPFR_RNDN);
        dev[5] = g < 1e12 ? fabs(rd(off) - log(4.0 / 3)) : 0.0;
        mpfr_clear(off);
        for (k = 0; k < 6; k++)
        {
            ck_assert_msg(dev[k] <= tol, "loss %s: derived quantity %ld off by %g > %g", loss[j],
                          (long) k, dev[k], tol);
            ck_assert_msg(k == 5 || dev[k] < prev[k], "loss %s: quantity %ld does not converge "
                          "(%g after %g)", loss[j], (long) k, dev[k], prev[k]);
            prev[k] = dev[k];
        }
    }
    mpbias_flow_rows_clear(&c);
    mpbias_data_clear(d);
}
END_TEST

/* Depth 3, transition (doc/asymptotics.md section 8.3): the multipliers
   converge, nu_inf - nu ~ K gamma^(-(D-2)/D) = K gamma^(-1/3), and so do
   gamma wbar_i off the support: at losses 1e-1000, 1e-10^6, 1e-10^9
   (gamma ratios 1000) successive differences shrink by 1000^(-1/3) = 0.1
   (within 25%). */
START_TEST(test_depth3_coefficients)
{
    static const char *const loss[] = { "1e-1000", "1e-1000000", "1e-1000000000", NULL };
    mpbias_data_t d;
    mpbias_flow_rows c;
    slong i;
    mpbias_data_init(d);
    ck_assert(mpbias_example_load(d, "transition", NULL) == MPBIAS_OK);
    run_flow(&c, d, 3, 16, loss);
    for (i = 0; i < 5; i++)
    {
        double v[3], q;
        slong j;
        for (j = 0; j < 3; j++)
            v[j] = i < 2 ? rd(c.rows[j].nu[i])
                         : rd(c.rows[j].wbar[i - 1]) * rd(c.rows[j].margin);
        q = (v[2] - v[1]) / (v[1] - v[0]);
        ck_assert_msg(q > 0.075 && q < 0.125, "quantity %ld: ratio %g, predicted %g", (long) i,
                      q, pow(1000.0, -1.0 / 3));
    }
    mpbias_flow_rows_clear(&c);
    mpbias_data_clear(d);
}
END_TEST

static mpfr_t *
vec_new(slong n)
{
    slong i;
    mpfr_t *v = flint_malloc((size_t) n * sizeof(mpfr_t));
    for (i = 0; i < n; i++)
        mpfr_init2(v[i], 256);
    return v;
}

static void
vec_free(mpfr_t *v, slong n)
{
    slong i;
    for (i = 0; i < n; i++)
        mpfr_clear(v[i]);
    flint_free(v);
}

/* the rich limit of the rows' trajectory: depth 2 the l1 predictor
   (unique on these data), depth 3 the KKT point the last row polishes to */
static void
rich_limit(mpfr_t *w, const mpbias_data_t d, int depth, const mpbias_flow_row *last)
{
    slong i;
    mpbias_err_t err;
    if (depth == 2)
    {
        mpbias_l1mm_t l1;
        mpbias_l1mm_init(l1);
        ck_assert(mpbias_l1mm_compute(l1, d, err) == MPBIAS_OK);
        ck_assert(l1->unique);
        for (i = 0; i < d->d; i++)
            fmpq_get_mpfr(w[i], l1->wmin + i, MPFR_RNDN);
        mpbias_l1mm_clear(l1);
    }
    else
    {
        mpbias_lpkkt_t k;
        mpbias_lpkkt_init(k);
        ck_assert_msg(mpbias_lpkkt_compute_auto(k, d, depth, (const mpfr_t *) last->wbar, 256, err)
                      == MPBIAS_OK, "%s", err->msg);
        for (i = 0; i < d->d; i++)
            mpfr_set(w[i], k->w[i], MPFR_RNDN);
        mpbias_lpkkt_clear(k);
    }
}

/* One case: the expansion fitted on the flow up to EPS0 (rows at the
   grid, 16 digits) predicts the flow's rows at the losses `to` (computed
   to `digits` digits: enough to resolve 1% of the distance there): err_pred
   covers the actual error (relative: wbar normwise, margin), and the
   actual error is below 1% of the distance to the rich limit. */
static void
check_case(const char *example, int depth, const char *eps0, const char *const *grid,
           const char *const *to, int digits)
{
    mpbias_data_t d;
    mpbias_model_t m;
    mpbias_flow_rows ca, cb;
    mpbias_expand_t ex;
    mpbias_err_t err;
    slong j, i, n;
    mpfr_t *rich;
    const char *la[8];
    mpbias_data_init(d);
    ck_assert(mpbias_example_load(d, example, NULL) == MPBIAS_OK);
    for (n = 0; grid[n] != NULL; n++)
        la[n] = grid[n];
    la[n++] = eps0;
    la[n] = NULL;
    run_flow(&ca, d, depth, 16, la);
    run_flow(&cb, d, depth, digits, to);
    mpbias_model_init(m);
    m->depth = depth;
    mpbias_expand_init(ex);
    ck_assert_msg(mpbias_expand_compute(ex, d, m, &ca, err) == MPBIAS_OK, "%s", err->msg);
    rich = vec_new(d->d);
    rich_limit(rich, d, depth, cb.rows + cb.n - 1);
    for (j = 0; j < cb.n; j++)
    {
        const mpbias_flow_row *r = cb.rows + j;
        mpbias_expand_row p;
        mpbias_sci_t e1;
        double act = 0, wmax = 0, drich = 0, ep;
        mpbias_sci_init(e1);
        ck_assert(mpbias_sci_parse(e1, to[j], NULL) == MPBIAS_OK);
        mpbias_expand_row_init(&p, d->n, d->d, 256);
        ck_assert_msg(mpbias_expand_predict(&p, ex, e1, err) == MPBIAS_OK, "%s", err->msg);
        for (i = 0; i < d->d; i++)
        {
            mpfr_t t;
            mpfr_init2(t, 256);
            mpfr_sub(t, p.wbar[i], r->wbar[i], MPFR_RNDN);
            act = fmax(act, fabs(rd(t)));
            mpfr_sub(t, r->wbar[i], rich[i], MPFR_RNDN);
            drich = fmax(drich, fabs(rd(t)));
            wmax = fmax(wmax, fabs(rd(r->wbar[i])));
            mpfr_clear(t);
        }
        act /= wmax;
        drich /= wmax;
        {
            mpfr_t t;
            mpfr_init2(t, 256);
            mpfr_sub(t, p.margin, r->margin, MPFR_RNDN);
            mpfr_div(t, t, r->margin, MPFR_RNDN);
            act = fmax(act, fabs(rd(t)));
            mpfr_clear(t);
        }
        ep = mpfr_get_d(p.err_pred, MPFR_RNDU);
        /* the flow's own error is the floor of what can be compared */
        ck_assert_msg(act <= ep + 4 * rd(r->err_est), "%s depth %d from %s to %s: actual error %g "
                      "above err_pred %g", example, depth, eps0, to[j], act, ep);
        ck_assert_msg(act <= 0.01 * drich, "%s depth %d from %s to %s: actual error %g above 1%% "
                      "of the distance %g to the rich limit", example, depth, eps0, to[j], act,
                      drich);
        mpbias_expand_row_clear(&p);
        mpbias_sci_clear(e1);
    }
    vec_free(rich, d->d);
    mpbias_expand_clear(ex);
    mpbias_flow_rows_clear(&ca);
    mpbias_flow_rows_clear(&cb);
    mpbias_model_clear(m);
    mpbias_data_clear(d);
}

#define SPARSE "sparse-teacher:n=5,d=8,k=2,seed=1"

/* from 1e-100 to 1e-1000 and 1e-10000, four cases of seconds */
START_TEST(test_cover_short)
{
    static const char *const grid[] = { "1e-10", "1e-33", NULL };
    static const char *const to[] = { "1e-1000", "1e-10000", NULL };
    static const char *const ex[] = { "transition", SPARSE };
    check_case(ex[_i / 2], 2 + _i % 2, "1e-100", grid, to, 16);
}
END_TEST

/* from 1e-1000 to 10^(-10^6) and 10^(-10^30): the done-when of issue 18
   on transition (the distance to the rich limit there is 3e-21 relative
   to max |wbar| at depth 2, 3e-30 at depth 3: the flow to 36 digits) */
START_TEST(test_cover_far)
{
    static const char *const grid[] = { "1e-10", "1e-33", "1e-100",
                                        "1e-333", NULL };
    static const char *const to[] = { "1e-1000000", "1e-1000000000000000000000000000000", NULL };
    check_case("transition", 2 + _i, "1e-1000", grid, to, 36);
}
END_TEST

static Suite *
expand_suite(void)
{
    Suite *s = suite_create("expand");
    TCase *tc = tcase_create("expand");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, test_depth2_coefficients);
    tcase_add_test(tc, test_depth3_coefficients);
    tcase_add_loop_test(tc, test_cover_short, 0, 4);
    tcase_add_loop_test(tc, test_cover_far, 0, 2);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return tu_main(expand_suite());
}
