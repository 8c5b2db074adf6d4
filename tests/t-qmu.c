/*
 * t-qmu.c -- the intermediate predictor argmin Q_mu(w) s.t. Z w >= 1
 * (src/limits/qmu.c): against the one-sample closed form (depth 2),
 * against the trajectory of gradient flow (an independent computation:
 * for one sample the flow's wbar at margin G is the predictor at
 * mu^D = 1/G, math.md section 7; depths 2, 3 and 4, with and without an
 * initialization shape), hand-solved tilted cases, its KKT conditions,
 * and its two limits (l2 for large mu, l1 for small mu).
 */
#include "config.h"
#include <math.h>
#include <string.h>
#include "mpbias-impl.h"
#include "testutil.h"

static void
load(mpbias_data_t d, const char *text)
{
    tu_data_from_text(d, text, NULL, MPBIAS_FORMAT_AUTO);
}

static void
qmu_ok(mpbias_qmu_t r, const mpbias_data_t d, const char *mu2, int digits)
{
    mpbias_err_t err;
    fmpq_t m;
    fmpq_init(m);
    tu_fmpq_set(m, mu2);
    mpbias_err_clear(err);
    ck_assert_msg(mpbias_qmu_compute(r, d, 2, m, digits, err) == MPBIAS_OK, "mu^2 = %s: %s", mu2,
                  err->msg);
    fmpq_clear(m);
}

/* One sample z: w_i = 2 mu^2 sinh(l z_i) for the scalar l with z . w = 1.
   Checked from the result alone: l from the largest coordinate, then the
   other coordinates and z . w = 1 to within the bound. */
START_TEST(test_one_sample_closed_form)
{
    static const char *const mus[] = { "1", "1/1000", "1000", "1/7" };
    static const double z[] = { 1.0, 2.0, -0.5 };
    mpbias_data_t d;
    mpbias_qmu_t r;
    size_t c;
    slong i;
    mpbias_data_init(d);
    mpbias_qmu_init(r);
    load(d, "+1 1:1 2:2 3:-0.5\n-1 1:-1 2:-2 3:0.5\n");
    for (c = 0; c < sizeof mus / sizeof mus[0]; c++)
    {
        arb_t mu2, l, t, s;
        slong prec = 300;
        qmu_ok(r, d, mus[c], 40);
        ck_assert(mpfr_cmp_d(r->radius, 1e-40) < 0);
        arb_init(mu2);
        arb_init(l);
        arb_init(t);
        arb_init(s);
        {
            fmpq_t m;
            fmpq_init(m);
            tu_fmpq_set(m, mus[c]);
            arb_set_fmpq(mu2, m, prec);
            fmpq_clear(m);
        }
        /* l = asinh(w_2 / (2 mu^2)) / 2 */
        arb_set_interval_mpfr(t, r->w[1], r->w[1], prec);
        arb_div(t, t, mu2, prec);
        arb_mul_2exp_si(t, t, -1);
        arb_asinh(l, t, prec);
        arb_mul_2exp_si(l, l, -1);
        arb_zero(s);
        for (i = 0; i < 3; i++)
        {
            double diff;
            arb_set_d(t, z[i]);
            arb_mul(t, t, l, prec);
            arb_sinh(t, t, prec);
            arb_mul(t, t, mu2, prec);
            arb_mul_2exp_si(t, t, 1);
            diff = fabs(arf_get_d(arb_midref(t), ARF_RND_NEAR) - mpfr_get_d(r->w[i], MPFR_RNDN));
            ck_assert_msg(diff < 1e-15, "mu^2 = %s: w_%ld off the closed form by %g", mus[c],
                          (long) i + 1, diff);
            arb_set_d(t, z[i]);
            arb_set_interval_mpfr(l, r->w[i], r->w[i], prec);   /* reuse: z_i w_i */
            arb_addmul(s, t, l, prec);
            /* restore l */
            arb_set_interval_mpfr(t, r->w[1], r->w[1], prec);
            arb_div(t, t, mu2, prec);
            arb_mul_2exp_si(t, t, -1);
            arb_asinh(l, t, prec);
            arb_mul_2exp_si(l, l, -1);
        }
        /* the single constraint is active: z . w = 1 (w is feasible) */
        arb_sub_ui(s, s, 1, prec);
        ck_assert_msg(arf_cmpabs_2exp_si(arb_midref(s), -120) < 0, "mu^2 = %s: z . w != 1", mus[c]);
        arb_clear(mu2);
        arb_clear(l);
        arb_clear(t);
        arb_clear(s);
    }
    mpbias_qmu_clear(r);
    mpbias_data_clear(d);
}
END_TEST

typedef struct
{
    mpfr_t wbar[3];
    int got;
} stop_rec;

static int
stop_cb(const mpbias_flow_row *row, void *ctx)
{
    stop_rec *s = ctx;
    slong i;
    if (row->kind != MPBIAS_ROW_STOP)
        return 0;
    for (i = 0; i < row->d; i++)
        mpfr_set(s->wbar[i], row->wbar[i], MPFR_RNDN);
    s->got = 1;
    return 0;
}

/* One sample, alpha = 1: the flow's wbar at margin G is the predictor at
   mu^D = alpha^D / G, whatever G, for D = 2 (loop index 0), 3 and 4. */
START_TEST(test_flow_identity)
{
    static const char *const G[] = { "3", "25", "1000" };
    const int D = 2 + _i;
    mpbias_data_t d;
    mpbias_qmu_t r;
    mpbias_model_t m;
    mpbias_flow_opts o;
    mpbias_err_t err;
    stop_rec s;
    size_t c;
    slong i;
    mpbias_data_init(d);
    mpbias_qmu_init(r);
    /* one sample, twice (both labels are needed in a file) */
    load(d, "+1 1:1 2:2 3:-0.5\n-1 1:-1 2:-2 3:0.5\n");
    for (i = 0; i < 3; i++)
        mpfr_init2(s.wbar[i], 200);
    for (c = 0; c < sizeof G / sizeof G[0]; c++)
    {
        char mu2[32];
        mpbias_model_init(m);
        m->depth = D;
        mpbias_flow_opts_init(&o);
        o.digits = 20;
        o.per_decade = 0;
        o.until_margin_set = 1;
        tu_fmpq_set(o.until_margin, G[c]);
        s.got = 0;
        mpbias_err_clear(err);
        ck_assert_msg(mpbias_flow_run(d, m, &o, stop_cb, NULL, &s, NULL, err) == MPBIAS_OK, "%s",
                      err->msg);
        ck_assert(s.got);
        snprintf(mu2, sizeof mu2, "1/%s", G[c]);
        {
            fmpq_t mq;
            fmpq_init(mq);
            tu_fmpq_set(mq, mu2);
            mpbias_err_clear(err);
            ck_assert_msg(mpbias_qmu_compute(r, d, D, mq, 30, err) == MPBIAS_OK, "D = %d: %s", D,
                          err->msg);
            fmpq_clear(mq);
        }
        for (i = 0; i < 3; i++)
        {
            mpfr_t t;
            mpfr_init2(t, 200);
            mpfr_sub(t, s.wbar[i], r->w[i], MPFR_RNDN);
            mpfr_abs(t, t, MPFR_RNDN);
            ck_assert_msg(mpfr_cmp_ui_2exp(t, 1, -60) < 0,
                          "D = %d, G = %s: flow and predictor differ at %ld", D, G[c], (long) i + 1);
            mpfr_clear(t);
        }
        mpbias_flow_opts_clear(&o);
        mpbias_model_clear(m);
    }
    for (i = 0; i < 3; i++)
        mpfr_clear(s.wbar[i]);
    mpbias_qmu_clear(r);
    mpbias_data_clear(d);
}
END_TEST

/* The same identity with an initialization shape u_+(0) = a, u_-(0) = b:
   the flow's wbar at margin G is the shaped predictor with scales
   a_i^D / G and b_i^D / G (the tilted potential; doc/limits.md).  The
   margins G are beyond the starting margin z . (a^D - b^D). */
START_TEST(test_flow_identity_shape)
{
    static const char *const G[] = { "50", "200", "2000" };
    static const char *const A[] = { "1", "2", "1/2" }, *const B[] = { "3/2", "1/2", "1" };
    const int D = 2 + _i;
    mpbias_data_t d;
    mpbias_qmu_t r;
    mpbias_model_t m;
    mpbias_flow_opts o;
    mpbias_err_t err;
    stop_rec s;
    size_t c;
    slong i;
    fmpq *a = _fmpq_vec_init(3), *b = _fmpq_vec_init(3), *P = _fmpq_vec_init(3),
         *M = _fmpq_vec_init(3);
    fmpq_t g;
    fmpq_init(g);
    mpbias_data_init(d);
    mpbias_qmu_init(r);
    load(d, "+1 1:1 2:2 3:-0.5\n-1 1:-1 2:-2 3:0.5\n");
    for (i = 0; i < 3; i++)
    {
        mpfr_init2(s.wbar[i], 200);
        tu_fmpq_set(a + i, A[i]);
        tu_fmpq_set(b + i, B[i]);
    }
    for (c = 0; c < sizeof G / sizeof G[0]; c++)
    {
        mpbias_model_init(m);
        m->depth = D;
        mpbias_err_clear(err);
        ck_assert(mpbias_model_set_shape(m, a, b, 3, err) == MPBIAS_OK);
        mpbias_flow_opts_init(&o);
        o.digits = 20;
        o.per_decade = 0;
        o.until_margin_set = 1;
        tu_fmpq_set(o.until_margin, G[c]);
        s.got = 0;
        ck_assert_msg(mpbias_flow_run(d, m, &o, stop_cb, NULL, &s, NULL, err) == MPBIAS_OK, "%s",
                      err->msg);
        ck_assert(s.got);
        tu_fmpq_set(g, G[c]);
        for (i = 0; i < 3; i++)
        {
            fmpq_pow_si(P + i, a + i, D);
            fmpq_div(P + i, P + i, g);
            fmpq_pow_si(M + i, b + i, D);
            fmpq_div(M + i, M + i, g);
        }
        ck_assert_msg(mpbias_qmu_compute_shape(r, d, D, P, M, 30, err) == MPBIAS_OK, "D = %d: %s",
                      D, err->msg);
        for (i = 0; i < 3; i++)
        {
            mpfr_t t;
            mpfr_init2(t, 200);
            mpfr_sub(t, s.wbar[i], r->w[i], MPFR_RNDN);
            mpfr_abs(t, t, MPFR_RNDN);
            ck_assert_msg(mpfr_cmp_ui_2exp(t, 1, -60) < 0,
                          "D = %d, G = %s: flow and shaped predictor differ at %ld", D, G[c],
                          (long) i + 1);
            mpfr_clear(t);
        }
        mpbias_flow_opts_clear(&o);
        mpbias_model_clear(m);
    }
    for (i = 0; i < 3; i++)
        mpfr_clear(s.wbar[i]);
    _fmpq_vec_clear(a, 3);
    _fmpq_vec_clear(b, 3);
    _fmpq_vec_clear(P, 3);
    _fmpq_vec_clear(M, 3);
    fmpq_clear(g);
    mpbias_qmu_clear(r);
    mpbias_data_clear(d);
}
END_TEST

/* d = 1, one sample z = 1: minimize Q(w) subject to w >= 1, where Q's
   unconstrained minimizer is c'(0) = P - M (depth 2 and D >= 3 alike).
   P = 4, M = 1: the constraint is inactive and w* = 3 (lambda = 0);
   P = 1/4, M = 1: w* = 1 on the constraint. */
START_TEST(test_tilted_hand)
{
    static const struct
    {
        const char *P, *M;
        int w, nsupport;
    } C[] = { { "4", "1", 3, 0 }, { "1/4", "1", 1, 1 }, { "1", "1/9", 1, 1 } };
    const int D = 2 + _i;
    mpbias_data_t d;
    mpbias_qmu_t r;
    mpbias_err_t err;
    fmpq_t P, M;
    size_t c;
    fmpq_init(P);
    fmpq_init(M);
    mpbias_data_init(d);
    mpbias_qmu_init(r);
    load(d, "+1 1:1\n-1 1:-1\n");
    for (c = 0; c < sizeof C / sizeof C[0]; c++)
    {
        mpfr_t t;
        tu_fmpq_set(P, C[c].P);
        tu_fmpq_set(M, C[c].M);
        mpbias_err_clear(err);
        ck_assert_msg(mpbias_qmu_compute_shape(r, d, D, P, M, 40, err) == MPBIAS_OK, "%s",
                      err->msg);
        mpfr_init2(t, 64);
        mpfr_sub_ui(t, r->w[0], (unsigned long) C[c].w, MPFR_RNDN);
        mpfr_abs(t, t, MPFR_RNDU);
        ck_assert(mpfr_cmp(t, r->radius) <= 0 || mpfr_cmp_ui_2exp(t, 1, -130) < 0);
        ck_assert(mpfr_cmp_ui_2exp(r->radius, 1, -130) < 0);
        ck_assert_int_eq(r->nsupport, C[c].nsupport);
        mpfr_clear(t);
    }
    fmpq_clear(P);
    fmpq_clear(M);
    mpbias_qmu_clear(r);
    mpbias_data_clear(d);
}
END_TEST

/* The rich limit with a shape, depth 3: a = (1/2, 1), b = (1, 1) on the
   one sample z = (1, 1) (whose plain l1 optimum is the whole segment):
   as the scales shrink the shaped predictor approaches the weighted l1
   optimum with cp = a^(2-D) = (2, 1), cm = (1, 1), i.e. (0, 1), computed
   independently by the exact LP. */
START_TEST(test_shape_rich_limit)
{
    static const char *const A[] = { "1/2", "1" };
    mpbias_data_t d;
    mpbias_qmu_t r;
    mpbias_l1mm_t l1;
    mpbias_err_t err;
    fmpq *P = _fmpq_vec_init(2), *M = _fmpq_vec_init(2), *cp = _fmpq_vec_init(2),
         *cm = _fmpq_vec_init(2);
    fmpq_t g;
    slong i;
    fmpq_init(g);
    mpbias_data_init(d);
    mpbias_qmu_init(r);
    mpbias_l1mm_init(l1);
    load(d, "+1 1:1 2:1\n-1 1:-1 2:-1\n");
    fmpz_set_ui(fmpq_numref(g), 10);
    fmpz_pow_ui(fmpq_numref(g), fmpq_numref(g), 12);   /* gamma = 10^12 */
    for (i = 0; i < 2; i++)
    {
        tu_fmpq_set(cp + i, A[i]);
        fmpq_pow_si(P + i, cp + i, 3);
        fmpq_div(P + i, P + i, g);
        fmpq_inv(M + i, g);
        fmpq_inv(cp + i, cp + i);
        fmpq_one(cm + i);
    }
    mpbias_err_clear(err);
    ck_assert_msg(mpbias_qmu_compute_shape(r, d, 3, P, M, 20, err) == MPBIAS_OK, "%s", err->msg);
    ck_assert(mpbias_l1mm_compute_weighted(l1, d, cp, cm, err) == MPBIAS_OK);
    ck_assert(l1->unique && tu_fmpq_is(l1->w + 1, "1"));
    for (i = 0; i < 2; i++)
    {
        mpfr_t t;
        mpfr_init2(t, 64);
        fmpq_get_mpfr(t, l1->w + i, MPFR_RNDN);
        mpfr_sub(t, t, r->w[i], MPFR_RNDN);
        ck_assert_msg(mpfr_cmpabs_ui(t, 1) < 0 && mpfr_get_d(t, MPFR_RNDN) < 1e-3
                      && mpfr_get_d(t, MPFR_RNDN) > -1e-3,
                      "coordinate %ld is %g from the weighted l1 optimum", (long) i + 1,
                      mpfr_get_d(t, MPFR_RNDN));
        mpfr_clear(t);
    }
    _fmpq_vec_clear(P, 2);
    _fmpq_vec_clear(M, 2);
    _fmpq_vec_clear(cp, 2);
    _fmpq_vec_clear(cm, 2);
    fmpq_clear(g);
    mpbias_l1mm_clear(l1);
    mpbias_qmu_clear(r);
    mpbias_data_clear(d);
}
END_TEST

/* The two limits on the transition example: mu^2 = 10^8 is within 10^-7
   of the l2 predictor (112, 26, 38, 20)/269; mu^2 = 10^-12 within 10^-5
   of the l1 predictor (1/2, 0, 0, 0). */
START_TEST(test_limits)
{
    static const double l2[] = { 112.0 / 269, 26.0 / 269, 38.0 / 269, 20.0 / 269 },
                        l1[] = { 0.5, 0.0, 0.0, 0.0 };
    mpbias_data_t d;
    mpbias_qmu_t r;
    mpbias_err_t err;
    slong i;
    mpbias_data_init(d);
    mpbias_qmu_init(r);
    mpbias_err_clear(err);
    ck_assert_int_eq(mpbias_example_load(d, "transition", err), MPBIAS_OK);
    qmu_ok(r, d, "100000000", 20);
    for (i = 0; i < 4; i++)
        ck_assert_msg(fabs(mpfr_get_d(r->w[i], MPFR_RNDN) - l2[i]) < 1e-7, "l2 limit at %ld",
                      (long) i);
    qmu_ok(r, d, "1/1000000000000", 20);
    for (i = 0; i < 4; i++)
        ck_assert_msg(fabs(mpfr_get_d(r->w[i], MPFR_RNDN) - l1[i]) < 1e-5, "l1 limit at %ld",
                      (long) i);
    mpbias_qmu_clear(r);
    mpbias_data_clear(d);
}
END_TEST

/* KKT on random data: with the returned multipliers, Z w >= 1 exactly in
   MPFR terms, lambda >= 0, complementary slackness and
   asinh(w / (2 mu^2)) = Z^T lambda to within 1e-25. */
START_TEST(test_random_kkt)
{
    unsigned long long st = 99;
    int it;
    mpbias_data_t d;
    mpbias_qmu_t r;
    mpbias_data_init(d);
    mpbias_qmu_init(r);
    for (it = 0; it < 40; it++)
    {
        char buf[2048], mu2[32];
        size_t len = 0;
        long n = tu_rand_range(&st, 2, 7), dim = tu_rand_range(&st, 1, 5), k, j;
        mpfr_t t, s, mu;
        for (k = 0; k < n; k++)
        {
            /* label +1 rows and one -1 row; every row has a positive first entry,
               so w = e_1 / min separates */
            len += (size_t) snprintf(buf + len, sizeof buf - len, "%s 1:%ld", k == 0 ? "-1" : "+1",
                                     k == 0 ? -tu_rand_range(&st, 1, 3) : tu_rand_range(&st, 1, 3));
            for (j = 1; j < dim; j++)
                len += (size_t) snprintf(buf + len, sizeof buf - len, " %ld:%ld", j + 1,
                                         tu_rand_range(&st, -3, 3));
            len += (size_t) snprintf(buf + len, sizeof buf - len, "\n");
        }
        load(d, buf);
        snprintf(mu2, sizeof mu2, "%ld/%ld", tu_rand_range(&st, 1, 9), tu_rand_range(&st, 1, 99));
        qmu_ok(r, d, mu2, 25);
        mpfr_inits2(512, t, s, mu, (mpfr_ptr) 0);
        {
            fmpq_t m;
            fmpq_init(m);
            tu_fmpq_set(m, mu2);
            fmpq_get_mpfr(mu, m, MPFR_RNDN);
            fmpq_clear(m);
        }
        for (k = 0; k < d->n; k++)
        {
            mpfr_set_zero(s, 1);
            for (j = 0; j < d->d; j++)
            {
                fmpq_get_mpfr(t, mpbias_data_z(d, k, j), MPFR_RNDN);
                mpfr_mul(t, t, r->w[j], MPFR_RNDN);
                mpfr_add(s, s, t, MPFR_RNDN);
            }
            /* s - 1 against 2^-200 (the test's own rounding) and 1e-25 */
            mpfr_sub_ui(s, s, 1, MPFR_RNDN);
            ck_assert_msg(mpfr_cmp_si_2exp(s, -1, -200) >= 0, "%s: z_%ld . w < 1", buf, (long) k);
            ck_assert_msg(mpfr_cmp_d(r->lambda[k], -1e-60) >= 0, "lambda < 0");
            if (mpfr_cmp_d(r->lambda[k], 1e-20) > 0)
                ck_assert_msg(mpfr_cmp_d(s, 1e-25) <= 0, "%s: slackness at %ld", buf, (long) k);
        }
        for (j = 0; j < d->d; j++)
        {
            mpfr_div(t, r->w[j], mu, MPFR_RNDN);
            mpfr_div_2ui(t, t, 1, MPFR_RNDN);
            mpfr_asinh(s, t, MPFR_RNDN);
            for (k = 0; k < d->n; k++)
            {
                fmpq_get_mpfr(t, mpbias_data_z(d, k, j), MPFR_RNDN);
                mpfr_mul(t, t, r->lambda[k], MPFR_RNDN);
                mpfr_sub(s, s, t, MPFR_RNDN);
            }
            mpfr_abs(s, s, MPFR_RNDN);
            ck_assert_msg(mpfr_cmp_ui_2exp(s, 1, -80) <= 0, "%s: stationarity at %ld", buf, (long) j);
        }
        mpfr_clears(t, s, mu, (mpfr_ptr) 0);
    }
    mpbias_qmu_clear(r);
    mpbias_data_clear(d);
}
END_TEST

/* Duplicate samples change nothing (the same constraint set): the
   predictor on the data with every sample twice equals the one on the
   data once, at depths 2 and 3 (the dual Hessian on duplicates would be
   singular if both entered the active set). */
START_TEST(test_duplicates)
{
    static const char *const once = "+1 1:1 2:2 3:-0.5\n-1 1:-1 2:0.5 3:-1\n";
    static const char *const twice =
        "+1 1:1 2:2 3:-0.5\n+1 1:1 2:2 3:-0.5\n-1 1:-1 2:0.5 3:-1\n-1 1:-1 2:0.5 3:-1\n";
    mpbias_data_t d1, d2;
    mpbias_qmu_t r1, r2;
    mpbias_err_t err;
    fmpq_t m;
    int D;
    slong i;
    mpbias_data_init(d1);
    mpbias_data_init(d2);
    mpbias_qmu_init(r1);
    mpbias_qmu_init(r2);
    fmpq_init(m);
    load(d1, once);
    load(d2, twice);
    for (D = 2; D <= 3; D++)
    {
        fmpq_set_si(m, 1, 4);
        mpbias_err_clear(err);
        ck_assert_msg(mpbias_qmu_compute(r1, d1, D, m, 25, err) == MPBIAS_OK, "%s", err->msg);
        ck_assert_msg(mpbias_qmu_compute(r2, d2, D, m, 25, err) == MPBIAS_OK, "%s", err->msg);
        for (i = 0; i < 3; i++)
        {
            mpfr_t t;
            mpfr_init2(t, 64);
            mpfr_sub(t, r1->w[i], r2->w[i], MPFR_RNDN);
            mpfr_abs(t, t, MPFR_RNDU);
            mpfr_sub(t, t, r1->radius, MPFR_RNDU);
            mpfr_sub(t, t, r2->radius, MPFR_RNDU);
            ck_assert_msg(mpfr_sgn(t) <= 0, "D = %d: coordinate %ld differs", D, (long) i + 1);
            mpfr_clear(t);
        }
        ck_assert(mpfr_cmp_ui_2exp(r2->radius, 1, -80) < 0);
    }
    fmpq_clear(m);
    mpbias_qmu_clear(r1);
    mpbias_qmu_clear(r2);
    mpbias_data_clear(d1);
    mpbias_data_clear(d2);
}
END_TEST

/* The one-sample oracle, computed independently of qmu.c: for one sample
   z (here given twice, as the mirrored pair (x, +1), (-x, -1)), the
   predictor is w_i = g(l z_i) with g = grad Q*, the scalar l > 0 fixed by
   z . w = 1 (math.md sections 5 and 7):
     depth 2:  g(v) = 2 mu^2 sinh(v);
     depth D:  g(v) = mu^D ((1 - y)^(-D/(D-2)) - (1 + y)^(-D/(D-2))),
               y = mu^(D-2) v, |y| < 1.
   f(l) = z . w(l) - 1 is increasing; solved by bisection on l in MPFR at
   `prec` bits (independent of qmu.c's Newton and its Arb certificate),
   l bracketed in (0, 1/(mu^(D-2) max |z_i|)) for D >= 3 and doubled
   until f > 0 for depth 2.  mu^(D-2) is formed from mu^D = 10^-e. */
static void
oracle_g(mpfr_t out, const mpfr_t v, int D, const mpfr_t muD, const mpfr_t muDm2, mpfr_t t)
{
    if (D == 2)
    {
        mpfr_sinh(out, v, MPFR_RNDN);
        mpfr_mul(out, out, muD, MPFR_RNDN);
        mpfr_mul_2ui(out, out, 1, MPFR_RNDN);
        return;
    }
    mpfr_mul(t, v, muDm2, MPFR_RNDN);            /* y */
    mpfr_ui_sub(out, 1, t, MPFR_RNDN);           /* 1 - y */
    mpfr_add_ui(t, t, 1, MPFR_RNDN);             /* 1 + y */
    mpfr_rootn_ui(out, out, (unsigned long) (D - 2), MPFR_RNDN);
    mpfr_pow_si(out, out, -D, MPFR_RNDN);
    mpfr_rootn_ui(t, t, (unsigned long) (D - 2), MPFR_RNDN);
    mpfr_pow_si(t, t, -D, MPFR_RNDN);
    mpfr_sub(out, out, t, MPFR_RNDN);
    mpfr_mul(out, out, muD, MPFR_RNDN);
}

static void
oracle_one_sample(mpfr_t *w, const double *z, slong d, int D, long e10, mpfr_prec_t prec)
{
    mpfr_t muD, muDm2, lo, hi, mid, f, t, u;
    slong i, it;
    mpfr_inits2(prec, muD, muDm2, lo, hi, mid, f, t, u, (mpfr_ptr) 0);
    mpfr_set_ui(muD, 10, MPFR_RNDN);
    mpfr_pow_si(muD, muD, -e10, MPFR_RNDN);
    mpfr_rootn_ui(muDm2, muD, (unsigned long) D, MPFR_RNDN);
    mpfr_pow_ui(muDm2, muDm2, (unsigned long) (D - 2), MPFR_RNDN);
    mpfr_set_zero(lo, 1);
    if (D == 2)
    {
        mpfr_set_ui(hi, 1, MPFR_RNDN);
        for (;;)
        {
            mpfr_set_si(f, -1, MPFR_RNDN);
            for (i = 0; i < d; i++)
            {
                mpfr_mul_d(t, hi, z[i], MPFR_RNDN);
                oracle_g(u, t, D, muD, muDm2, mid);
                mpfr_mul_d(u, u, z[i], MPFR_RNDN);
                mpfr_add(f, f, u, MPFR_RNDN);
            }
            if (mpfr_sgn(f) > 0)
                break;
            mpfr_mul_2ui(hi, hi, 1, MPFR_RNDN);
        }
    }
    else
    {
        double zmax = 0;
        for (i = 0; i < d; i++)
            zmax = fmax(zmax, fabs(z[i]));
        mpfr_mul_d(hi, muDm2, zmax, MPFR_RNDN);
        mpfr_ui_div(hi, 1, hi, MPFR_RNDN);
    }
    for (it = 0; it < prec + 64; it++)
    {
        mpfr_add(mid, lo, hi, MPFR_RNDN);
        mpfr_div_2ui(mid, mid, 1, MPFR_RNDN);
        if (mpfr_equal_p(mid, lo) || mpfr_equal_p(mid, hi))
            break;
        mpfr_set_si(f, -1, MPFR_RNDN);
        for (i = 0; i < d; i++)
        {
            mpfr_mul_d(t, mid, z[i], MPFR_RNDN);
            oracle_g(u, t, D, muD, muDm2, w[i]);
            mpfr_mul_d(u, u, z[i], MPFR_RNDN);
            mpfr_add(f, f, u, MPFR_RNDN);
        }
        if (!mpfr_number_p(f) || mpfr_sgn(f) > 0)
            mpfr_set(hi, mid, MPFR_RNDN);
        else
            mpfr_set(lo, mid, MPFR_RNDN);
    }
    for (i = 0; i < d; i++)
    {
        mpfr_mul_d(t, lo, z[i], MPFR_RNDN);
        oracle_g(w[i], t, D, muD, muDm2, u);
    }
    mpfr_clears(muD, muDm2, lo, hi, mid, f, t, u, (mpfr_ptr) 0);
}

/* Componentwise: every printed coordinate equals the oracle correctly
   rounded to K digits, and each bound werr_i and the l2 radius hold,
   from mu^D = 1 down to 1e-300, depths 2, 3 and 4: the coordinates off
   the l1 support fall hundreds of orders of magnitude below the l2
   radius, and must still be right (issue: "|w_2| <= 7.57e-48" was
   printed for w_2 = -8.7e-21).  A coordinate with z_i = 0 is exactly 0. */
START_TEST(test_componentwise_one_sample)
{
    static const long e10[] = { 0, 5, 15, 30, 60, 100, 200, 300 };
    static const double z[] = { 1.5, -0.5, 0.25, 1.0, 0.0 };
    const int D = 2 + _i;
    const int K = 25;
    const slong d = 5;
    mpbias_data_t data;
    mpbias_qmu_t r;
    mpbias_err_t err;
    mpfr_t *w = _mpbias_mpfr_vec_init(d, 4000);
    mpfr_t t, l2;
    fmpq_t m;
    size_t c;
    slong i;
    mpbias_data_init(data);
    mpbias_qmu_init(r);
    fmpq_init(m);
    mpfr_inits2(4000, t, l2, (mpfr_ptr) 0);
    load(data, "y,x1,x2,x3,x4,x5\n1,1.5,-0.5,0.25,1.0,0\n-1,-1.5,0.5,-0.25,-1.0,0\n");
    for (c = 0; c < sizeof e10 / sizeof e10[0]; c++)
    {
        fmpz_set_ui(fmpq_denref(m), 10);
        fmpz_pow_ui(fmpq_denref(m), fmpq_denref(m), (ulong) e10[c]);
        fmpz_one(fmpq_numref(m));
        mpbias_err_clear(err);
        ck_assert_msg(mpbias_qmu_compute(r, data, D, m, K, err) == MPBIAS_OK,
                      "D = %d, mu^D = 1e-%ld: %s", D, e10[c], err->msg);
        oracle_one_sample(w, z, d, D, e10[c], 4000);
        mpfr_set_zero(l2, 1);
        for (i = 0; i < d; i++)
        {
            char *got = mpbias_qmu_coord_str(r, i, K), *want;
            ck_assert_msg(got != NULL, "D = %d, mu^D = 1e-%ld: coordinate %ld undetermined", D,
                          e10[c], (long) i + 1);
            if (i == 4)
                want = NULL;
            else
                want = _mpbias_mpfr_get_str_sci(w[i], K);
            ck_assert_msg(strcmp(got, want ? want : "0") == 0,
                          "D = %d, mu^D = 1e-%ld, w_%ld: printed %s, exact %s", D, e10[c],
                          (long) i + 1, got, want ? want : "0");
            /* the bounds themselves */
            mpfr_sub(t, r->w[i], w[i], MPFR_RNDN);
            mpfr_abs(t, t, MPFR_RNDN);
            ck_assert_msg(mpfr_cmp(t, r->werr[i]) <= 0, "D = %d, mu^D = 1e-%ld: werr_%ld fails", D,
                          e10[c], (long) i + 1);
            mpfr_sqr(t, t, MPFR_RNDN);
            mpfr_add(l2, l2, t, MPFR_RNDN);
            flint_free(got);
            flint_free(want);
        }
        mpfr_sqrt(l2, l2, MPFR_RNDN);
        ck_assert_msg(mpfr_cmp(l2, r->radius) <= 0, "D = %d, mu^D = 1e-%ld: radius fails", D,
                      e10[c]);
        ck_assert(mpfr_zero_p(r->w[4]) && mpfr_zero_p(r->werr[4]));
    }
    mpfr_clears(t, l2, (mpfr_ptr) 0);
    _mpbias_mpfr_vec_clear(w, d);
    fmpq_clear(m);
    mpbias_qmu_clear(r);
    mpbias_data_clear(data);
}
END_TEST

START_TEST(test_errors)
{
    mpbias_data_t d;
    mpbias_qmu_t r;
    mpbias_err_t err;
    fmpq_t m;
    mpbias_data_init(d);
    mpbias_qmu_init(r);
    fmpq_init(m);
    fmpq_one(m);
    load(d, "+1 1:1\n-1 1:-2\n");
    mpbias_err_clear(err);
    ck_assert_int_eq(mpbias_qmu_compute(r, d, 1, m, 10, err), MPBIAS_ERR_ARG);
    ck_assert_ptr_nonnull(strstr(err->msg, "depth >= 2"));
    fmpq_zero(m);
    ck_assert_int_eq(mpbias_qmu_compute(r, d, 2, m, 10, err), MPBIAS_ERR_ARG);
    fmpq_one(m);
    load(d, "+1 1:1\n-1 1:1\n");
    ck_assert_int_eq(mpbias_qmu_compute(r, d, 2, m, 10, err), MPBIAS_ERR_NOT_SEPARABLE);
    fmpq_clear(m);
    mpbias_qmu_clear(r);
    mpbias_data_clear(d);
}
END_TEST

static Suite *
qmu_suite(void)
{
    Suite *s = suite_create("qmu");
    TCase *tc = tcase_create("qmu");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_one_sample_closed_form);
    tcase_add_loop_test(tc, test_flow_identity, 0, 3);
    tcase_add_loop_test(tc, test_flow_identity_shape, 0, 3);
    tcase_add_loop_test(tc, test_tilted_hand, 0, 2);
    tcase_add_test(tc, test_shape_rich_limit);
    tcase_add_test(tc, test_limits);
    tcase_add_test(tc, test_random_kkt);
    tcase_add_test(tc, test_duplicates);
    tcase_add_loop_test(tc, test_componentwise_one_sample, 0, 3);
    tcase_add_test(tc, test_errors);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return tu_main(qmu_suite());
}
