/*
 * t-direct.c -- the direct flow in (u_+, u_-) (src/flow/direct.c) against
 * the reduced flow in nu (mpbias_flow_run): two formulations and two
 * integrators (explicit GBS extrapolation in tau = log(1 + t) versus the
 * implicit SEULEX-type method in log(1 + M - M0)) that share no code
 * beyond the dataset and the model.  At the losses 1e-5, 1e-10, 1e-20
 * and 1e-30, log10_t, the margin, mu and wbar (normwise) must agree to 15
 * significant digits (math.md section 7: "same flow computed through u in
 * R^2d versus through nu in R^N").
 *
 * The grid.  The full product (3 datasets x D = 1, 2, 3 x both losses x
 * alpha in {0.1, 1, 3} x sum and mean = 108 cases) takes about 4 minutes
 * of CPU, almost all of it in the reduced runs (the logistic loss costs
 * them 3-4 times the exponential).  By default the file runs a covering
 * subset: an L9 orthogonal array over (dataset, D, alpha, loss/mean), so
 * that every pair of levels of any two factors occurs, plus the
 * (logistic, mean) case the array leaves out, plus two initialization
 * shapes at D = 2: about 26 s of CPU in all (measured, -O2).  Set
 * MPBIAS_TEST_FULL=1 to run the whole product (it passes: largest
 * difference 5.9e-20 at this file's settings, 1.1e-23 with 20 reduced
 * digits and tol 1e-26), and
 * MPBIAS_TEST_VERBOSE=1 to print each case's difference and timings.
 * The reduced flow runs with 16 digits and verify off (its error is then
 * below 1e-19; 20 digits would double the time): the comparison with an
 * independent method is the check.  Largest difference seen in the
 * default set: 5e-20, from the reduced side.
 */
#include "testutil.h"
#include <math.h>
#include <time.h>

#define NLOSS 4
static const char *const loss_str[NLOSS] = { "1e-5", "1e-10", "1e-20", "1e-30" };

#define AGREE 1e-15             /* 15 significant digits */
#define DIRECT_PREC 128
#define DIRECT_TOL "1e-24"
#define REDUCED_DIGITS 16

static const char *const datasets[3] = {
    "transition", "orthogonal", "sparse-teacher:n=4,d=6,k=2,seed=3"
};
static const char *const alphas[3] = { "0.1", "1", "3" };

typedef struct
{
    int ds, depth, loss, alpha, mean;
} dcase;

/* L9 orthogonal array over (dataset, depth, alpha, c4) with
   c4 = 0: (exp, sum), 1: (logistic, sum), 2: (exp, mean); then the
   (logistic, mean) case. */
static const dcase cover_cases[] = {
    { 0, 1, MPBIAS_LOSS_EXP, 0, 0 },
    { 0, 2, MPBIAS_LOSS_LOGISTIC, 1, 0 },
    { 0, 3, MPBIAS_LOSS_EXP, 2, 1 },
    { 1, 1, MPBIAS_LOSS_EXP, 1, 1 },
    { 1, 2, MPBIAS_LOSS_EXP, 2, 0 },
    { 1, 3, MPBIAS_LOSS_LOGISTIC, 0, 0 },
    { 2, 1, MPBIAS_LOSS_LOGISTIC, 2, 0 },
    { 2, 2, MPBIAS_LOSS_EXP, 0, 1 },
    { 2, 3, MPBIAS_LOSS_EXP, 1, 0 },
    { 1, 2, MPBIAS_LOSS_LOGISTIC, 1, 1 },
};
#define NCOVER ((int) (sizeof cover_cases / sizeof cover_cases[0]))
#define NFULL 108

static int
full_grid(void)
{
    const char *e = getenv("MPBIAS_TEST_FULL");
    return e != NULL && e[0] != '\0' && strcmp(e, "0") != 0;
}

static dcase
full_case(int i)
{
    dcase c;
    c.mean = i % 2;
    i /= 2;
    c.alpha = i % 3;
    i /= 3;
    c.loss = i % 2 ? MPBIAS_LOSS_LOGISTIC : MPBIAS_LOSS_EXP;
    i /= 2;
    c.depth = i % 3 + 1;
    i /= 3;
    c.ds = i;
    return c;
}

/* ---- helpers ----------------------------------------------------------- */

static double
cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double) ts.tv_sec + 1e-9 * (double) ts.tv_nsec;
}

/* x with 25 significant digits, in one of 8 rotating static buffers */
static const char *
fmt(const mpfr_t x)
{
    static char buf[8][64];
    static int k = 0;
    k = (k + 1) % 8;
    mpfr_snprintf(buf[k], sizeof buf[k], "%.25Rg", x);
    return buf[k];
}

static void
losses_init(mpbias_sci_struct *ls, const char *const *strs, int n)
{
    mpbias_err_t err;
    int i;
    for (i = 0; i < n; i++)
    {
        mpbias_sci_init(ls + i);
        mpbias_err_clear(err);
        ck_assert_msg(mpbias_sci_parse(ls + i, strs[i], err) == MPBIAS_OK, "%s", err->msg);
    }
}

static void
losses_clear(mpbias_sci_struct *ls, int n)
{
    int i;
    for (i = 0; i < n; i++)
        mpbias_sci_clear(ls + i);
}

static void
rows_init(mpbias_flow_row *rows, int nrows, const mpbias_data_t data, mpfr_prec_t prec)
{
    int i;
    for (i = 0; i < nrows; i++)
        mpbias_flow_row_init(rows + i, data->n, data->d, prec);
}

static void
rows_clear(mpbias_flow_row *rows, int nrows)
{
    int i;
    for (i = 0; i < nrows; i++)
        mpbias_flow_row_clear(rows + i);
}

static void
set_alpha(mpbias_model_t model, const char *s)
{
    mpbias_err_t err;
    mpbias_err_clear(err);
    ck_assert_msg(mpbias_decimal_parse(model->alpha, s, strlen(s), err) == MPBIAS_OK, "%s", err->msg);
}

static void
load(mpbias_data_t data, const char *name)
{
    mpbias_err_t err;
    mpbias_err_clear(err);
    ck_assert_msg(mpbias_example_load(data, name, err) == MPBIAS_OK, "%s: %s", name, err->msg);
}

/* the reduced flow's rows, copied as they stream out */
typedef struct
{
    int count;
    mpbias_flow_row *rows;
    int nrows;
} collect_t;

static int
collect_row(const mpbias_flow_row *row, void *ctx)
{
    collect_t *c = ctx;
    mpbias_flow_row *r;
    slong i;
    ck_assert_int_lt(c->count, c->nrows);
    r = c->rows + c->count++;
    r->kind = row->kind;
    r->index = row->index;
    mpfr_set(r->log10_t, row->log10_t, MPFR_RNDN);
    mpfr_set(r->log10_loss, row->log10_loss, MPFR_RNDN);
    mpfr_set(r->margin, row->margin, MPFR_RNDN);
    mpfr_set(r->mu, row->mu, MPFR_RNDN);
    mpfr_set(r->err_est, row->err_est, MPFR_RNDN);
    ck_assert_int_eq(row->d, r->d);
    for (i = 0; i < row->d; i++)
        mpfr_set(r->wbar[i], row->wbar[i], MPFR_RNDN);
    return 0;
}

/* The reduced flow to ls[n-1] with rows at ls[0..n-2]. */
static void
reduced_rows(const mpbias_data_t data, const mpbias_model_t model, const mpbias_sci_struct *ls,
             int n, mpbias_flow_row *rows)
{
    mpbias_flow_opts o;
    mpbias_err_t err;
    mpbias_status st;
    collect_t c;
    mpbias_flow_opts_init(&o);
    o.digits = REDUCED_DIGITS;
    o.verify = 0;
    o.per_decade = 0;
    o.until_loss_set = 1;
    mpbias_sci_set(o.until_loss, ls + n - 1);
    o.n_at_loss = n - 1;
    o.at_loss = (mpbias_sci_struct *) ls;
    c.count = 0;
    c.rows = rows;
    c.nrows = n;
    mpbias_err_clear(err);
    st = mpbias_flow_run(data, model, &o, collect_row, NULL, &c, NULL, err);
    mpbias_flow_opts_clear(&o);
    ck_assert_msg(st == MPBIAS_OK, "reduced flow failed: %s", err->msg);
    ck_assert_int_eq(c.count, n);
}

static void
direct_rows(const mpbias_data_t data, const mpbias_model_t model, const mpbias_sci_struct *ls,
            int n, mpbias_flow_row *rows)
{
    mpbias_err_t err;
    mpbias_status st;
    mpfr_t tol;
    mpfr_init2(tol, 64);
    mpfr_set_str(tol, DIRECT_TOL, 10, MPFR_RNDN);
    mpbias_err_clear(err);
    st = mpbias_flow_direct_at_losses(data, model, n, ls, DIRECT_PREC, tol, rows, err);
    mpfr_clear(tol);
    ck_assert_msg(st == MPBIAS_OK, "direct flow failed: %s", err->msg);
}

/* |a - b| / |den| as a double */
static double
rel_diff(const mpfr_t a, const mpfr_t b, const mpfr_t den)
{
    mpfr_t t;
    double r;
    mpfr_init2(t, 64);
    mpfr_sub(t, a, b, MPFR_RNDN);
    mpfr_div(t, t, den, MPFR_RNDN);
    r = fabs(mpfr_get_d(t, MPFR_RNDN));
    mpfr_clear(t);
    return r;
}

/* Assert agreement of a direct row (a) with a reduced row (b); returns
   the largest relative difference. */
static double
assert_rows_agree(const char *label, const char *loss, const mpbias_flow_row *a,
                  const mpbias_flow_row *b, int has_mu)
{
    double e, worst = 0;
    slong i, imax = 0;
    mpfr_t den;
    mpfr_init2(den, 64);

#define CHECK_FIELD(field, name) do { \
        e = rel_diff(a->field, b->field, b->field); \
        if (!(e <= AGREE)) \
            ck_abort_msg("%s, loss %s: %s differs by %.3g (relative): direct %s, reduced %s", \
                         label, loss, name, e, fmt(a->field), fmt(b->field)); \
        if (e > worst) worst = e; \
    } while (0)

    CHECK_FIELD(log10_t, "log10_t");
    CHECK_FIELD(margin, "margin");
    if (has_mu)
        CHECK_FIELD(mu, "mu");
    /* wbar normwise: relative to max_i |wbar_i| */
    mpfr_set_zero(den, 1);
    for (i = 0; i < b->d; i++)
        if (mpfr_cmpabs(b->wbar[i], den) > 0)
            mpfr_abs(den, b->wbar[i], MPFR_RNDN);
    for (i = 0; i < b->d; i++)
    {
        double ei = rel_diff(a->wbar[i], b->wbar[i], den);
        if (!(ei <= e) || i == 0)
        {
            e = ei;
            imax = i;
        }
    }
    if (!(e <= AGREE))
        ck_abort_msg("%s, loss %s: wbar_%ld differs by %.3g (relative to max |wbar|): direct %s, "
                     "reduced %s", label, loss, (long) imax + 1, e, fmt(a->wbar[imax]),
                     fmt(b->wbar[imax]));
    if (e > worst)
        worst = e;
    mpfr_clear(den);
    return worst;
#undef CHECK_FIELD
}

/* The fields the direct flow defines without the reduced one. */
static void
assert_direct_row_form(const mpbias_flow_row *a, slong index, const mpbias_sci_struct *loss,
                       int has_mu)
{
    mpfr_t l10;
    slong i;
    ck_assert_int_eq(a->kind, MPBIAS_ROW_AT_LOSS);
    ck_assert_int_eq(a->index, index);
    ck_assert(mpfr_nan_p(a->err_est));
    for (i = 0; i < a->n; i++)
        ck_assert(mpfr_nan_p(a->nu[i]));
    ck_assert(has_mu ? mpfr_number_p(a->mu) : mpfr_nan_p(a->mu));
    /* the target is hit: log10_loss = log10(eps) to working precision */
    mpfr_init2(l10, 128);
    mpbias_sci_log(l10, loss, MPFR_RNDN);
    {
        mpfr_t ln10;
        mpfr_init2(ln10, 128);
        mpfr_set_ui(ln10, 10, MPFR_RNDN);
        mpfr_log(ln10, ln10, MPFR_RNDN);
        mpfr_div(l10, l10, ln10, MPFR_RNDN);
        mpfr_clear(ln10);
    }
    ck_assert_msg(rel_diff(a->log10_loss, l10, l10) < 1e-30, "log10_loss %s, target %s",
                  fmt(a->log10_loss), fmt(l10));
    mpfr_clear(l10);
}

/* Direct versus reduced at the four losses for one dataset and model. */
static void
compare_flows(const mpbias_data_t data, const mpbias_model_t model, const char *label)
{
    mpbias_sci_struct ls[NLOSS];
    mpbias_flow_row a[NLOSS], b[NLOSS];
    int i, has_mu = model->shape_a == NULL;
    double worst = 0, e, t0, t1, t2;

    losses_init(ls, loss_str, NLOSS);
    rows_init(a, NLOSS, data, DIRECT_PREC);
    rows_init(b, NLOSS, data, DIRECT_PREC);
    t0 = cpu_seconds();
    reduced_rows(data, model, ls, NLOSS, b);
    t1 = cpu_seconds();
    direct_rows(data, model, ls, NLOSS, a);
    t2 = cpu_seconds();
    for (i = 0; i < NLOSS; i++)
    {
        assert_direct_row_form(a + i, i, ls + i, has_mu);
        ck_assert_int_eq(b[i].kind, i < NLOSS - 1 ? MPBIAS_ROW_AT_LOSS : MPBIAS_ROW_STOP);
        e = assert_rows_agree(label, loss_str[i], a + i, b + i, has_mu);
        if (e > worst)
            worst = e;
    }
    if (getenv("MPBIAS_TEST_VERBOSE") != NULL)
        fprintf(stderr, "%s: largest relative difference %.3g (cpu: reduced %.2f s, direct %.2f s)\n",
                label, worst, t1 - t0, t2 - t1);
    rows_clear(a, NLOSS);
    rows_clear(b, NLOSS);
    losses_clear(ls, NLOSS);
}

static void
run_case(dcase c)
{
    mpbias_data_t data;
    mpbias_model_t model;
    char label[256];
    mpbias_data_init(data);
    mpbias_model_init(model);
    load(data, datasets[c.ds]);
    model->depth = c.depth;
    model->loss = (mpbias_loss) c.loss;
    model->mean = c.mean;
    set_alpha(model, alphas[c.alpha]);
    snprintf(label, sizeof label, "%s, D = %d, %s loss, alpha = %s, %s", datasets[c.ds], c.depth,
             c.loss == MPBIAS_LOSS_EXP ? "exp" : "logistic", alphas[c.alpha], c.mean ? "mean" : "sum");
    compare_flows(data, model, label);
    mpbias_model_clear(model);
    mpbias_data_clear(data);
}

/* ---- tests -------------------------------------------------------------- */

START_TEST(test_agree)
{
    if (full_grid())
        run_case(full_case(_i));
    else if (_i < NCOVER)
        run_case(cover_cases[_i]);
}
END_TEST

/* An unequal initialization shape, D = 2 (exponential loss: the
   logistic one costs the reduced flow several times more; the loss and
   the initialization enter the system in separate places). */
START_TEST(test_shape)
{
    mpbias_data_t data;
    mpbias_model_t model;
    mpbias_err_t err;
    fmpq *sa, *sb;
    slong j, d;
    char label[400];
    mpbias_data_init(data);
    mpbias_model_init(model);
    load(data, _i == 0 ? "transition" : "sparse-teacher:n=4,d=6,k=2,seed=3");
    d = data->d;
    sa = _fmpq_vec_init(d);
    sb = _fmpq_vec_init(d);
    for (j = 0; j < d; j++)
    {
        fmpq_set_si(sa + j, 1 + j, 2);          /* 1/2, 1, 3/2, ...   */
        fmpq_set_si(sb + j, 3, 1 + 2 * j);      /* 3, 1, 3/5, 3/7, ... */
    }
    mpbias_err_clear(err);
    ck_assert_msg(mpbias_model_set_shape(model, sa, sb, d, err) == MPBIAS_OK, "%s", err->msg);
    model->depth = 2;
    model->loss = MPBIAS_LOSS_EXP;
    model->mean = _i;
    snprintf(label, sizeof label, "shape, %.100s, D = 2, exp loss, %s", data->name,
             _i ? "mean" : "sum");
    compare_flows(data, model, label);
    _fmpq_vec_clear(sa, d);
    _fmpq_vec_clear(sb, d);
    mpbias_model_clear(model);
    mpbias_data_clear(data);
}
END_TEST

/* Two samples with the same z (labels absorbed), exponential loss: the
   loss fixes the margin exactly, L = 2 exp(-gamma), gamma = log(2/eps)
   (the one-sample oracle of math.md section 7; the readers want both
   classes), and z . wbar = 1. */
START_TEST(test_one_sample_margin)
{
    static const char *const strs[3] = { "0.5", "1e-7", "3e-40" };
    mpbias_data_t data;
    mpbias_model_t model;
    mpbias_sci_struct ls[3];
    mpbias_flow_row a[3];
    mpbias_err_t err;
    mpfr_t tol, g, l2;
    int i;
    mpbias_data_init(data);
    mpbias_model_init(model);
    tu_data_from_text(data, "+1 1:1 2:2 3:-0.5\n-1 1:-1 2:-2 3:0.5\n", "one", MPBIAS_FORMAT_LIBSVM);
    model->depth = 2 + _i;
    set_alpha(model, "0.5");
    losses_init(ls, strs, 3);
    rows_init(a, 3, data, 160);
    mpfr_init2(tol, 64);
    mpfr_init2(g, 160);
    mpfr_init2(l2, 160);
    mpfr_set_str(tol, "1e-30", 10, MPFR_RNDN);
    mpbias_err_clear(err);
    ck_assert_msg(mpbias_flow_direct_at_losses(data, model, 3, ls, 160, tol, a, err) == MPBIAS_OK,
                  "%s", err->msg);
    for (i = 0; i < 3; i++)
    {
        slong j;
        mpfr_t z;
        mpbias_sci_log(g, ls + i, MPFR_RNDN);
        mpfr_neg(g, g, MPFR_RNDN);
        mpfr_set_ui(l2, 2, MPFR_RNDN);
        mpfr_log(l2, l2, MPFR_RNDN);
        mpfr_add(g, g, l2, MPFR_RNDN);
        ck_assert_msg(rel_diff(a[i].margin, g, g) < 1e-40, "margin %s, log(2/eps) %s",
                      fmt(a[i].margin), fmt(g));
        /* z . wbar = 1 */
        mpfr_init2(z, 160);
        mpfr_set_zero(z, 1);
        for (j = 0; j < data->d; j++)
        {
            mpfr_t t;
            mpfr_init2(t, 160);
            fmpq_get_mpfr(t, mpbias_data_z(data, 0, j), MPFR_RNDN);
            mpfr_mul(t, t, a[i].wbar[j], MPFR_RNDN);
            mpfr_add(z, z, t, MPFR_RNDN);
            mpfr_clear(t);
        }
        mpfr_sub_ui(z, z, 1, MPFR_RNDN);
        ck_assert_msg(fabs(mpfr_get_d(z, MPFR_RNDN)) < 1e-40, "z . wbar - 1 = %s", fmt(z));
        mpfr_clear(z);
    }
    mpfr_clear(tol);
    mpfr_clear(g);
    mpfr_clear(l2);
    rows_clear(a, 3);
    losses_clear(ls, 3);
    mpbias_model_clear(model);
    mpbias_data_clear(data);
}
END_TEST

/* Mean loss eps and summed loss N eps are the same point of the same
   path, at times N t_sum and t_sum. */
START_TEST(test_mean_vs_sum)
{
    static const char *const mean_strs[2] = { "1e-3", "2.5e-12" };
    static const char *const sum_strs[2] = { "4e-3", "1e-11" };     /* N = 4 */
    mpbias_data_t data;
    mpbias_model_t model;
    mpbias_sci_struct lm[2], lsum[2];
    mpbias_flow_row a[2], b[2];
    mpbias_err_t err;
    mpfr_t tol, l4;
    int i;
    slong j;
    mpbias_data_init(data);
    mpbias_model_init(model);
    load(data, "sparse-teacher:n=4,d=6,k=2,seed=3");
    ck_assert_int_eq(data->n, 4);
    model->depth = 3;
    model->loss = MPBIAS_LOSS_LOGISTIC;
    set_alpha(model, "0.7");
    losses_init(lm, mean_strs, 2);
    losses_init(lsum, sum_strs, 2);
    rows_init(a, 2, data, 128);
    rows_init(b, 2, data, 128);
    mpfr_init2(tol, 64);
    mpfr_init2(l4, 128);
    mpfr_set_str(tol, "1e-24", 10, MPFR_RNDN);
    mpbias_err_clear(err);
    model->mean = 1;
    ck_assert_msg(mpbias_flow_direct_at_losses(data, model, 2, lm, 128, tol, a, err) == MPBIAS_OK,
                  "%s", err->msg);
    model->mean = 0;
    ck_assert_msg(mpbias_flow_direct_at_losses(data, model, 2, lsum, 128, tol, b, err) == MPBIAS_OK,
                  "%s", err->msg);
    mpfr_set_ui(l4, 4, MPFR_RNDN);
    mpfr_log10(l4, l4, MPFR_RNDN);
    for (i = 0; i < 2; i++)
    {
        mpfr_add(b[i].log10_t, b[i].log10_t, l4, MPFR_RNDN);   /* t_mean = 4 t_sum */
        ck_assert_msg(rel_diff(a[i].log10_t, b[i].log10_t, b[i].log10_t) < 1e-18,
                      "log10 t_mean %s, log10 (4 t_sum) %s", fmt(a[i].log10_t), fmt(b[i].log10_t));
        mpfr_sub(b[i].log10_loss, b[i].log10_loss, l4, MPFR_RNDN);
        ck_assert_msg(rel_diff(a[i].log10_loss, b[i].log10_loss, b[i].log10_loss) < 1e-30,
                      "log10 mean loss %s, log10 (sum loss / 4) %s", fmt(a[i].log10_loss),
                      fmt(b[i].log10_loss));
        ck_assert(rel_diff(a[i].margin, b[i].margin, b[i].margin) < 1e-18);
        for (j = 0; j < data->d; j++)
            ck_assert(rel_diff(a[i].wbar[j], b[i].wbar[j], b[i].margin) < 1e-18);
    }
    mpfr_clear(tol);
    mpfr_clear(l4);
    rows_clear(a, 2);
    rows_clear(b, 2);
    losses_clear(lm, 2);
    losses_clear(lsum, 2);
    mpbias_model_clear(model);
    mpbias_data_clear(data);
}
END_TEST

/* Refusals: non-separable data, bad models, targets and tolerances. */
START_TEST(test_refused)
{
    static const char *const ok_strs[2] = { "1e-3", "1e-4" };
    static const char *const up_strs[2] = { "1e-4", "1e-3" };
    static const char *const high_strs[1] = { "2" };             /* L(0) = N = 2 */
    mpbias_data_t data, bad;
    mpbias_model_t model;
    mpbias_sci_struct ok[2], up[2], high[1];
    mpbias_flow_row a[2], wrong[1], abad[2];
    mpbias_err_t err;
    mpfr_t tol;
    fmpq *sa;

    mpbias_data_init(data);
    mpbias_data_init(bad);
    mpbias_model_init(model);
    load(data, "transition");
    tu_data_from_text(bad, "+1 1:1 2:1\n-1 1:1 2:1\n", "clash", MPBIAS_FORMAT_LIBSVM);
    losses_init(ok, ok_strs, 2);
    losses_init(up, up_strs, 2);
    losses_init(high, high_strs, 1);
    rows_init(a, 2, data, 64);
    rows_init(abad, 2, bad, 64);
    mpbias_flow_row_init(wrong, data->n, data->d + 1, 64);
    mpfr_init2(tol, 64);
    mpfr_set_str(tol, "1e-10", 10, MPFR_RNDN);

    /* fresh rows are NaN */
    ck_assert(mpfr_nan_p(a[0].log10_t) && mpfr_nan_p(a[0].wbar[0]) && mpfr_nan_p(a[0].nu[0]));

    mpbias_err_clear(err);
    ck_assert_int_eq(mpbias_flow_direct_at_losses(bad, model, 2, ok, 64, tol, abad, err),
                     MPBIAS_ERR_NOT_SEPARABLE);
    ck_assert_ptr_nonnull(strstr(err->msg, "not linearly separable"));

    mpbias_err_clear(err);
    ck_assert_int_eq(mpbias_flow_direct_at_losses(data, model, 2, up, 64, tol, a, err), MPBIAS_ERR_ARG);
    ck_assert_ptr_nonnull(strstr(err->msg, "decreasing"));

    mpbias_err_clear(err);
    ck_assert_int_eq(mpbias_flow_direct_at_losses(data, model, 1, high, 64, tol, a, err), MPBIAS_ERR_ARG);
    ck_assert_ptr_nonnull(strstr(err->msg, "initial loss"));

    mpbias_err_clear(err);
    ck_assert_int_eq(mpbias_flow_direct_at_losses(data, model, 1, ok, 64, tol, wrong, err), MPBIAS_ERR_ARG);
    ck_assert_int_eq(mpbias_flow_direct_at_losses(data, model, 0, ok, 64, tol, a, err), MPBIAS_ERR_ARG);

    mpfr_set_ui(tol, 1, MPFR_RNDN);
    ck_assert_int_eq(mpbias_flow_direct_at_losses(data, model, 2, ok, 64, tol, a, err), MPBIAS_ERR_ARG);
    mpfr_set_zero(tol, 1);
    ck_assert_int_eq(mpbias_flow_direct_at_losses(data, model, 2, ok, 64, tol, a, err), MPBIAS_ERR_ARG);
    mpfr_set_str(tol, "1e-30", 10, MPFR_RNDN);     /* beyond 64 bits */
    ck_assert_int_eq(mpbias_flow_direct_at_losses(data, model, 2, ok, 64, tol, a, err), MPBIAS_ERR_ARG);
    mpfr_set_str(tol, "1e-10", 10, MPFR_RNDN);

    model->depth = 0;
    ck_assert_int_eq(mpbias_flow_direct_at_losses(data, model, 2, ok, 64, tol, a, err), MPBIAS_ERR_ARG);
    model->depth = 2;
    fmpq_zero(model->alpha);
    ck_assert_int_eq(mpbias_flow_direct_at_losses(data, model, 2, ok, 64, tol, a, err), MPBIAS_ERR_ARG);
    fmpq_one(model->alpha);
    sa = _fmpq_vec_init(3);
    fmpq_one(sa);
    fmpq_one(sa + 1);
    fmpq_one(sa + 2);
    ck_assert_int_eq(mpbias_model_set_shape(model, sa, sa, 3, err), MPBIAS_OK);   /* d = 3 != 4 */
    ck_assert_int_eq(mpbias_flow_direct_at_losses(data, model, 2, ok, 64, tol, a, err), MPBIAS_ERR_ARG);
    _fmpq_vec_clear(sa, 3);

    mpfr_clear(tol);
    rows_clear(a, 2);
    rows_clear(abad, 2);
    mpbias_flow_row_clear(wrong);
    losses_clear(ok, 2);
    losses_clear(up, 2);
    losses_clear(high, 1);
    mpbias_model_clear(model);
    mpbias_data_clear(data);
    mpbias_data_clear(bad);
}
END_TEST

static Suite *
direct_suite(void)
{
    Suite *s = suite_create("direct");
    TCase *tc;

    tc = tcase_create("agree");
    tcase_set_timeout(tc, 1200);
    tcase_add_loop_test(tc, test_agree, 0, full_grid() ? NFULL : NCOVER);
    tcase_add_loop_test(tc, test_shape, 0, 2);
    suite_add_tcase(s, tc);

    tc = tcase_create("oracles");
    tcase_set_timeout(tc, 300);
    tcase_add_loop_test(tc, test_one_sample_margin, 0, 2);
    tcase_add_test(tc, test_mean_vs_sum);
    suite_add_tcase(s, tc);

    tc = tcase_create("refused");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_refused);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return tu_main(direct_suite());
}
