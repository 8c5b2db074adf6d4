/*
 * t-check.c -- judging other implementations (src/check): the candidate
 * reader, and the verdicts and diagnoses on trajectories produced here by
 * plain double-precision code (the kind of loop people write in NumPy),
 * right ones and deliberately broken ones.  The double loops are written
 * independently of the library (no MPFR).
 */
#include "config.h"
#include <math.h>
#include "mpbias-impl.h"
#include "testutil.h"

/* ------------------------------------------------------------------ */
/* Double-precision gradient descent (the candidate), written as CSV     */
/* ------------------------------------------------------------------ */

typedef struct
{
    int D;
    double alpha, eta;
    long steps, every;     /* rows at steps 0, every, 2 every, ... and the last */
    int mean;              /* the candidate uses the mean loss                */
    int ascent;            /* the sign error: gradient ascent                 */
    int normalized;        /* step eta / L                                    */
    int lse;               /* softmax weights by log-sum-exp (else exp(-m))   */
    int logistic;
    int naive_logistic_loss;  /* report sum log(1 + exp(-m)) without log1p    */
    int time_axis;         /* write t = k eta instead of the step              */
    int loss_col;          /* 0: none, 1: loss, 2: log_loss                    */
    int guard;             /* naive normalized: no step when L == 0 (no NaN)  */
    const double *Z;       /* n = 2 rows of d (NULL: the transition example)  */
    int d;
} gdspec;

static void
gdspec_init(gdspec *g)
{
    memset(g, 0, sizeof *g);
    g->D = 2;
    g->alpha = 1.0;
    g->eta = 0.01;
    g->steps = 100;
    g->every = 10;
    g->Z = NULL;
    g->d = 4;
}

/* The transition example: z_1 = (2, 1, 0.5, 0), z_2 = (2, -0.5, 1, 1). */
static const double Zt[2][4] = { { 2, 1, 0.5, 0 }, { 2, -0.5, 1, 1 } };

static char *
double_gd(const gdspec *g)
{
    double up[4], um[4], w[4], m[2], p[2], r[4], L, logL;
    const double *Z = g->Z != NULL ? g->Z : &Zt[0][0];
    int d = g->Z != NULL ? g->d : 4;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    long k;
    int i, n;
    ck_assert_ptr_nonnull(f);
    ck_assert(d >= 1 && d <= 4);
    for (i = 0; i < d; i++)
        up[i] = um[i] = g->alpha;
    fprintf(f, "%s", g->time_axis ? "t" : "step");
    for (i = 0; i < d; i++)
        fprintf(f, ",w_%d", i + 1);
    fprintf(f, "%s\n", g->loss_col == 1 ? ",loss" : g->loss_col == 2 ? ",log_loss" : "");
    for (k = 0; k <= g->steps; k++)
    {
        double mn;
        for (i = 0; i < d; i++)
            w[i] = pow(up[i], g->D) - pow(um[i], g->D);
        for (n = 0; n < 2; n++)
        {
            m[n] = 0;
            for (i = 0; i < d; i++)
                m[n] += Z[n * d + i] * w[i];
        }
        mn = m[0] < m[1] ? m[0] : m[1];
        if (g->logistic)
        {
            L = log1p(exp(-m[0])) + log1p(exp(-m[1]));
            logL = log(L);
            for (n = 0; n < 2; n++)
                p[n] = 1 / (1 + exp(m[n]));
        }
        else if (g->lse)
        {
            double s = exp(-(m[0] - mn)) + exp(-(m[1] - mn));
            logL = -mn + log(s);
            L = exp(logL);
            for (n = 0; n < 2; n++)
                p[n] = exp(-m[n]);   /* g_n; the normalized step uses p / L below */
        }
        else
        {
            for (n = 0; n < 2; n++)
                p[n] = exp(-m[n]);
            L = p[0] + p[1];
            logL = log(L);
        }
        if (g->mean)
        {
            for (n = 0; n < 2; n++)
                p[n] /= 2;
            L /= 2;
            logL -= log(2.0);
        }
        if (k % g->every == 0 || k == g->steps)
        {
            if (g->time_axis)
                fprintf(f, "%.17g", (double) k * g->eta);
            else
                fprintf(f, "%ld", k);
            for (i = 0; i < d; i++)
                fprintf(f, ",%.17g", w[i]);
            if (g->loss_col == 1)
                fprintf(f, ",%.17g", g->naive_logistic_loss ? log(1 + exp(-m[0])) + log(1 + exp(-m[1])) : L);
            else if (g->loss_col == 2)
                fprintf(f, ",%.17g", logL);
            fputc('\n', f);
        }
        /* the step: normalized by L, the weights by log-sum-exp when asked */
        for (n = 0; n < 2; n++)
        {
            if (g->normalized && g->lse && !g->logistic)
                p[n] = exp(-(m[n] - mn)) / (exp(-(m[0] - mn)) + exp(-(m[1] - mn)));
            else if (g->normalized && g->guard && L == 0)
                p[n] = 0;   /* "avoid 0 / 0": training silently stops */
            else if (g->normalized)
                p[n] = p[n] / L;
        }
        for (i = 0; i < d; i++)
        {
            double s = g->ascent ? -1 : 1;
            r[i] = Z[0 * d + i] * p[0] + Z[1 * d + i] * p[1];
            up[i] += s * g->eta * g->D * pow(up[i], g->D - 1) * r[i];
            um[i] -= s * g->eta * g->D * pow(um[i], g->D - 1) * r[i];
        }
    }
    fclose(f);
    return buf;
}

/* Check candidate text `csv` against the data `dtext` (CSV; NULL: the
   transition example) with depth D, alpha, loss; steps eta (NULL for a
   time candidate); the reference's precision limit max_prec (0: the
   default).  Returns the status (the message in msg, when not NULL). */
static mpbias_status
run_check_on(mpbias_check_result *res, const char *csv, const char *dtext, int D, const char *alpha,
             int logistic, int normalized, const char *eta, double min_digits, mpfr_prec_t max_prec,
             char *msg)
{
    mpbias_data_t data;
    mpbias_model_t model;
    mpbias_cand_t cand;
    mpbias_check_opts co;
    mpbias_gd_opts go;
    mpbias_err_t err;
    mpbias_status st;
    slong d;
    mpbias_data_init(data);
    if (dtext == NULL)
        ck_assert(mpbias_example_load(data, "transition", NULL) == MPBIAS_OK);
    else
        ck_assert_msg(mpbias_data_read_buffer(data, dtext, strlen(dtext), "data", NULL, err)
                      == MPBIAS_OK, "%s", err->msg);
    d = data->d;
    mpbias_model_init(model);
    model->depth = D;
    model->loss = logistic ? MPBIAS_LOSS_LOGISTIC : MPBIAS_LOSS_EXP;
    tu_fmpq_set(model->alpha, alpha);
    mpbias_cand_init(cand);
    mpbias_err_clear(err);
    ck_assert_msg(mpbias_cand_read_buffer(cand, csv, strlen(csv), d, 200, "cand", err) == MPBIAS_OK,
                  "%s", err->msg);
    mpbias_gd_opts_init(&go);
    if (eta != NULL)
    {
        go.neta = 1;
        go.eta = _fmpq_vec_init(1);
        tu_fmpq_set(go.eta, eta);
        go.normalized = normalized;
    }
    mpbias_check_opts_init(&co);
    co.gd = &go;
    co.min_digits = min_digits;
    co.digits = 20;
    co.max_prec = max_prec;
    mpbias_check_result_init(res);
    mpbias_err_clear(err);
    st = mpbias_check_run(res, data, model, cand, &co, err);
    if (msg != NULL)
        snprintf(msg, MPBIAS_ERR_MSG_LEN, "%s", err->msg);
    if (go.eta != NULL)
        _fmpq_vec_clear(go.eta, 1);
    mpbias_gd_opts_clear(&go);
    mpbias_cand_clear(cand);
    mpbias_model_clear(model);
    mpbias_data_clear(data);
    return st;
}

/* the same, on the transition example, and it must succeed */
static void
run_check(mpbias_check_result *res, const char *csv, int D, const char *alpha, int logistic,
          int normalized, const char *eta, double min_digits)
{
    char msg[MPBIAS_ERR_MSG_LEN];
    ck_assert_msg(run_check_on(res, csv, NULL, D, alpha, logistic, normalized, eta, min_digits, 0, msg)
                  == MPBIAS_OK, "%s", msg);
}

static int
diag_index(const mpbias_check_result *r, mpbias_diag d)
{
    int i;
    for (i = 0; i < r->ndiag; i++)
        if (r->diag[i] == d)
            return i;
    return -1;
}

static void
dump(const mpbias_check_result *r)
{
    int i;
    fprintf(stderr, "agree %d first_bad %ld worst w %.2f loss %.2f margin %.2f\n", r->agree,
            (long) r->first_bad, r->worst_w, r->worst_loss, r->worst_margin);
    for (i = 0; i < r->ndiag; i++)
        fprintf(stderr, "  [%s] %s\n", mpbias_diag_name(r->diag[i]), r->diag_msg[i]);
}

/* ------------------------------------------------------------------ */
/* The reader                                                          */
/* ------------------------------------------------------------------ */

static const struct
{
    const char *text;
    mpbias_status st;
    const char *msg;   /* a piece of the message */
} reader_cases[] = {
    { "", MPBIAS_ERR_DATA, "no header" },
    { "# only a comment\n", MPBIAS_ERR_DATA, "no header" },
    { "w_1,w_2,w_3,w_4\n1,2,3,4\n", MPBIAS_ERR_DATA, "no column 'step'" },
    { "step,t,w_1,w_2,w_3,w_4\n", MPBIAS_ERR_DATA, "not several" },
    { "step,w_1,w_2,w_3\n0,1,2,3\n", MPBIAS_ERR_DATA, "found 3 w" },
    { "step,w_1,w_2,w_3,w_4,w_5\n", MPBIAS_ERR_DATA, "d = 4" },
    { "step,w_1,w_2,w_2,w_4\n", MPBIAS_ERR_DATA, "appears twice" },
    { "step,w_1,w_2,w_3,w_4,up_1,up_2,up_3,up_4\n", MPBIAS_ERR_DATA, "um_1" },
    { "step,w_1,w_2,w_3,w_4\n0,1,2,3\n", MPBIAS_ERR_PARSE, "4 fields, the header has 5" },
    { "step,w_1,w_2,w_3,w_4\n0,1,2,3,4,5\n", MPBIAS_ERR_PARSE, "more fields" },
    { "step,w_1,w_2,w_3,w_4\n0.5,1,2,3,4\n", MPBIAS_ERR_PARSE, "not a step" },
    { "step,w_1,w_2,w_3,w_4\n-1,1,2,3,4\n", MPBIAS_ERR_PARSE, "not a step" },
    { "t,w_1,w_2,w_3,w_4\nnan,1,2,3,4\n", MPBIAS_ERR_PARSE, "not a time" },
    { "step,w_1,w_2,w_3,w_4\n0,1,2,x,4\n", MPBIAS_ERR_PARSE, "field 4 ('x')" },
    { "step,w_1,w_2,w_3,w_4\n2,1,2,3,4\n1,1,2,3,4\n", MPBIAS_ERR_DATA, "nondecreasing" },
    { "step,w_1,w_2,w_3,w_4,loss\n0,1,2,3,4,-1\n", MPBIAS_ERR_DATA, "negative loss" },
    { "step,w_1,w_2,w_3,w_4,loss,log_loss\n", MPBIAS_ERR_DATA, "one loss column" },
    { "step,w_1,w_2,w_3,w_4\n", MPBIAS_ERR_DATA, "no rows" },
};

START_TEST(test_reader_errors)
{
    mpbias_cand_t c;
    mpbias_err_t err;
    const char *t = reader_cases[_i].text;
    mpbias_cand_init(c);
    mpbias_err_clear(err);
    ck_assert_int_eq(mpbias_cand_read_buffer(c, t, strlen(t), 4, 128, "c.csv", err), reader_cases[_i].st);
    ck_assert_msg(strstr(err->msg, reader_cases[_i].msg) != NULL, "case %d: '%s' lacks '%s'", _i,
                  err->msg, reader_cases[_i].msg);
    ck_assert_ptr_nonnull(strstr(err->msg, "c.csv"));
    ck_assert_int_eq(c->n, 0);
    mpbias_cand_clear(c);
}
END_TEST

/* What a valid file gives: quoted names (the first and the last of the
   header too: the line's blanks were trimmed with one pair of quotes, so
   "step",...,"margin" lost the outer quotes of the line and was refused),
   blanks, CRLF, comments, extra columns, nan and a 400-digit exponent, a
   decimal step, u columns. */
START_TEST(test_reader_values)
{
    static const char text[] =
        "# written by a script\r\n"
        "\"step\", extra , w_4,w_3,w_2,w_1,up_1,up_2,up_3,up_4,um_1,um_2,um_3,um_4,log10_loss,\"margin\" \r\n"
        "0, x, 0, 0, 0, 0, 1,1,1,1, 1,1,1,1, 0.30103, 0\r\n"
        "\r\n"
        "1.0e1,y,4,3,2,1e-400, 2,1,1,1, 1,1,1,1, -1e3, nan\r\n";
    mpbias_cand_t c;
    mpbias_err_t err;
    mpfr_t x;
    mpbias_cand_init(c);
    mpbias_err_clear(err);
    ck_assert_msg(mpbias_cand_read_buffer(c, text, strlen(text), 4, 128, NULL, err) == MPBIAS_OK, "%s",
                  err->msg);
    ck_assert_int_eq(c->n, 2);
    ck_assert_int_eq(c->axis, MPBIAS_CAND_STEP);
    ck_assert(c->has_w && c->has_u && c->has_margin);
    ck_assert_int_eq(c->loss_kind, MPBIAS_CAND_LOSS_LOG10);
    ck_assert_int_eq(c->step[1], 10);
    ck_assert_int_eq(c->line[0], 3);
    ck_assert_int_eq(c->line[1], 5);
    ck_assert(mpfr_cmp_ui(c->w[1 * 4 + 3], 4) == 0);   /* w_4 of row 2 */
    ck_assert(mpfr_cmp_ui(c->w[1 * 4 + 1], 2) == 0);
    mpfr_init2(x, 128);
    mpfr_set_str(x, "1e-400", 10, MPFR_RNDN);
    ck_assert(mpfr_equal_p(x, c->w[1 * 4 + 0]));
    ck_assert(mpfr_nan_p(c->margin[1]));
    ck_assert(mpfr_cmp_ui(c->up[1 * 4 + 0], 2) == 0);
    /* log10_loss -1e3 -> log_loss -1000 ln 10 */
    mpfr_set_ui(x, 10, MPFR_RNDN);
    mpfr_log(x, x, MPFR_RNDN);
    mpfr_mul_si(x, x, -1000, MPFR_RNDN);
    ck_assert(mpfr_equal_p(x, c->log_loss[1]));
    mpfr_clear(x);
    mpbias_cand_clear(c);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Verdicts                                                            */
/* ------------------------------------------------------------------ */

/* Plain float64 GD (depth 2, step 0.01, 1000 steps) is right, and every
   row is judged so; a single perturbed value is found in its row. */
START_TEST(test_double_gd_right)
{
    gdspec g;
    mpbias_check_result r;
    char *csv, *p;
    gdspec_init(&g);
    g.steps = 1000;
    g.every = 50;
    g.loss_col = 1;
    csv = double_gd(&g);
    run_check(&r, csv, 2, "1", 0, 0, "1/100", 6);
    if (!r.agree || r.worst_w < 12 || r.ndiag != 0)
        dump(&r);
    ck_assert(r.agree);
    ck_assert_int_eq(r.n, 21);
    ck_assert(r.worst_w >= 12 && r.worst_margin >= 12 && r.worst_loss >= 12);
    ck_assert_int_eq(r.ndiag, 0);
    mpbias_check_result_clear(&r);
    /* row 12 (step 550): w_2 changed in its 9th significant digit */
    p = strstr(csv, "\n550,");
    ck_assert_ptr_nonnull(p);
    p = strchr(p + 5, ',') + 1;   /* w_2 */
    {
        char *end;
        double v = strtod(p, &end), v2 = v * (1 + 3e-9);
        char tmp[64], *rest = strdup(end), *out;
        snprintf(tmp, sizeof tmp, "%.17g", v2);
        *p = '\0';
        out = tu_sprintf("%s%s%s", csv, tmp, rest);
        free(rest);
        run_check(&r, out, 2, "1", 0, 0, "1/100", 10);
        free(out);
    }
    ck_assert(!r.agree);
    ck_assert_int_eq(r.first_bad, 11);
    ck_assert_msg(r.rows[11].digits_w > 8 && r.rows[11].digits_w < 9.5, "%g", r.rows[11].digits_w);
    ck_assert(r.rows[10].digits_w >= 12 && r.rows[12].digits_w >= 12);
    mpbias_check_result_clear(&r);
    free(csv);
}
END_TEST

/* Normalized GD, depth 1, step 1: float64 with exp(-m) is right while the
   margin is below 700 and wrong (NaN: 0 / 0) once exp(-m) underflows past
   745, with that diagnosis; the same loop with log-sum-exp is right to
   margin 5700. */
START_TEST(test_underflow)
{
    gdspec g;
    mpbias_check_result r;
    char *csv;
    slong j, below = 0, above = 0;
    int i;
    gdspec_init(&g);
    g.D = 1;
    g.eta = 1;
    g.normalized = 1;
    g.steps = 600;
    g.every = 8;
    g.loss_col = 2;
    csv = double_gd(&g);
    run_check(&r, csv, 1, "1", 0, 1, "1", 6);
    free(csv);
    ck_assert(!r.agree);
    for (j = 0; j < r.n; j++)
    {
        if (r.rows[j].ref_margin < 700)
        {
            ck_assert_msg(r.rows[j].digits_w >= 12, "row %ld margin %g: %g digits", (long) j,
                          r.rows[j].ref_margin, r.rows[j].digits_w);
            below++;
        }
        else if (r.rows[j].ref_margin > 760)
        {
            ck_assert_msg(r.rows[j].digits_w == 0, "row %ld margin %g: %g digits", (long) j,
                          r.rows[j].ref_margin, r.rows[j].digits_w);
            above++;
        }
    }
    ck_assert(below >= 5 && above >= 40);
    ck_assert(r.rows[r.first_bad].ref_margin > 700);
    if (diag_index(&r, MPBIAS_DIAG_UNDERFLOW) < 0)
        dump(&r);
    ck_assert(diag_index(&r, MPBIAS_DIAG_UNDERFLOW) >= 0);
    ck_assert(diag_index(&r, MPBIAS_DIAG_NAN) >= 0);
    ck_assert(diag_index(&r, MPBIAS_DIAG_SIGN) < 0 && diag_index(&r, MPBIAS_DIAG_MEAN_SUM) < 0);
    /* the iteration is stable: float64 of the exact iteration keeps its
       digits by both measures, and no such diagnosis */
    ck_assert(diag_index(&r, MPBIAS_DIAG_UNSTABLE) < 0);
    ck_assert(r.stab.measured && r.stab.raised == 0 && r.stab.first_unstable < 0);
    ck_assert_msg(r.rows[r.first_bad].f64_digits >= 13 && r.rows[r.first_bad].jac_digits >= 13,
                  "%g %g", r.rows[r.first_bad].f64_digits, r.rows[r.first_bad].jac_digits);
    ck_assert(r.stab.max_step_sharpness > 0 && r.stab.max_step_sharpness < 2);
    mpbias_check_result_clear(&r);

    /* the same loop guarded against 0 / 0 (no step when L = 0): no NaN,
       w stops moving past margin 745, and that is the evidence */
    g.guard = 1;
    g.loss_col = 0;   /* (its loss column would be 0: other evidence) */
    csv = double_gd(&g);
    run_check(&r, csv, 1, "1", 0, 1, "1", 6);
    free(csv);
    i = diag_index(&r, MPBIAS_DIAG_UNDERFLOW);
    if (i < 0)
        dump(&r);
    ck_assert(!r.agree && i >= 0);
    ck_assert_msg(strstr(r.diag_msg[i], "stopped moving") != NULL, "%s", r.diag_msg[i]);
    ck_assert(diag_index(&r, MPBIAS_DIAG_NAN) < 0 && diag_index(&r, MPBIAS_DIAG_UNSTABLE) < 0);
    ck_assert(r.rows[r.first_bad].ref_margin > 745);
    mpbias_check_result_clear(&r);
    g.guard = 0;
    g.loss_col = 2;

    g.lse = 1;
    csv = double_gd(&g);
    run_check(&r, csv, 1, "1", 0, 1, "1", 6);
    free(csv);
    if (!r.agree)
        dump(&r);
    ck_assert(r.agree);
    ck_assert(r.rows[r.n - 1].ref_margin > 5000);
    ck_assert(r.worst_w >= 12 && r.worst_margin >= 12);
    /* log L = -5764 is held to 16 digits: L itself to about 12 */
    ck_assert(r.worst_loss >= 10.5);
    mpbias_check_result_clear(&r);
}
END_TEST

/* The mean loss where the summed one is claimed: gradient descent (the
   step is off by N = 2) and a flow candidate (the time is). */
START_TEST(test_mean_sum)
{
    gdspec g;
    mpbias_check_result r;
    char *csv;
    gdspec_init(&g);
    g.mean = 1;
    g.steps = 300;
    g.every = 30;
    g.loss_col = 1;
    csv = double_gd(&g);
    run_check(&r, csv, 2, "1", 0, 0, "1/100", 6);
    free(csv);
    if (diag_index(&r, MPBIAS_DIAG_MEAN_SUM) < 0)
        dump(&r);
    ck_assert(!r.agree);
    ck_assert(diag_index(&r, MPBIAS_DIAG_MEAN_SUM) >= 0);
    ck_assert(strstr(r.diag_msg[diag_index(&r, MPBIAS_DIAG_MEAN_SUM)], "mean loss") != NULL);
    ck_assert(diag_index(&r, MPBIAS_DIAG_LOSS_FORMULA) >= 0);
    ck_assert(diag_index(&r, MPBIAS_DIAG_SIGN) < 0);
    mpbias_check_result_clear(&r);
    /* as a flow: tiny steps, t = k eta */
    g.eta = 1e-4;
    g.steps = 20000;
    g.every = 2000;
    g.time_axis = 1;
    g.loss_col = 0;
    csv = double_gd(&g);
    run_check(&r, csv, 2, "1", 0, 0, NULL, 6);
    free(csv);
    if (diag_index(&r, MPBIAS_DIAG_MEAN_SUM) < 0)
        dump(&r);
    ck_assert(!r.agree && r.worst_w < 2);
    ck_assert(diag_index(&r, MPBIAS_DIAG_MEAN_SUM) >= 0);
    mpbias_check_result_clear(&r);
}
END_TEST

/* Gradient ascent (a sign error): caught at the first step. */
START_TEST(test_sign)
{
    gdspec g;
    mpbias_check_result r;
    char *csv;
    gdspec_init(&g);
    g.ascent = 1;
    g.steps = 5;
    g.every = 1;
    g.eta = 0.001;
    csv = double_gd(&g);
    run_check(&r, csv, 2, "1", 0, 0, "1/1000", 6);
    free(csv);
    if (diag_index(&r, MPBIAS_DIAG_SIGN) < 0)
        dump(&r);
    ck_assert(!r.agree);
    ck_assert_int_eq(r.first_bad, 1);
    ck_assert(diag_index(&r, MPBIAS_DIAG_SIGN) >= 0);
    ck_assert(diag_index(&r, MPBIAS_DIAG_MEAN_SUM) < 0);
    mpbias_check_result_clear(&r);
}
END_TEST

/* GD with step 0.001 offered as the flow (t = k eta): judged against the
   flow it has about 3 digits, and the cause is named with the step; with
   twice the step it loses log10(2) digits (the gap is first order). */
START_TEST(test_step_too_large)
{
    gdspec g;
    mpbias_check_result r;
    char *csv;
    double w1;
    int i;
    gdspec_init(&g);
    g.eta = 0.001;
    g.steps = 2000;
    g.every = 200;
    g.time_axis = 1;
    csv = double_gd(&g);
    run_check(&r, csv, 2, "1", 0, 0, NULL, 6);
    free(csv);
    i = diag_index(&r, MPBIAS_DIAG_STEP_TOO_LARGE);
    if (i < 0)
        dump(&r);
    ck_assert(!r.agree);
    ck_assert(i >= 0);
    ck_assert_msg(strstr(r.diag_msg[i], "step 0.001 ") != NULL, "%s", r.diag_msg[i]);
    w1 = r.worst_w;
    mpbias_check_result_clear(&r);
    g.eta = 0.002;
    g.steps = 1000;
    g.every = 100;
    csv = double_gd(&g);
    run_check(&r, csv, 2, "1", 0, 0, NULL, 6);
    free(csv);
    ck_assert_msg(fabs((w1 - r.worst_w) - log10(2.0)) < 0.03, "digits %g and %g", w1, r.worst_w);
    ck_assert(diag_index(&r, MPBIAS_DIAG_STEP_TOO_LARGE) >= 0);
    mpbias_check_result_clear(&r);
}
END_TEST

/* alpha = 100: w = u_+^2 - u_-^2 with u ~ 100 loses about 4 digits in
   float64, named at a 12-digit threshold. */
START_TEST(test_cancellation)
{
    gdspec g;
    mpbias_check_result r;
    char *csv;
    gdspec_init(&g);
    g.alpha = 100;
    g.eta = 1e-7;
    g.steps = 3000;
    g.every = 300;
    csv = double_gd(&g);
    run_check(&r, csv, 2, "100", 0, 0, "1/10000000", 12);
    free(csv);
    if (diag_index(&r, MPBIAS_DIAG_CANCELLATION) < 0)
        dump(&r);
    ck_assert(!r.agree && r.worst_w > 9 && r.worst_w < 12);
    ck_assert(diag_index(&r, MPBIAS_DIAG_CANCELLATION) >= 0);
    mpbias_check_result_clear(&r);
}
END_TEST

/* Logistic loss, normalized GD, depth 1: the loss column written as
   log(1 + exp(-m)) is 0 past margin 37 while w is right. */
START_TEST(test_logistic_loss_underflow)
{
    gdspec g;
    mpbias_check_result r;
    char *csv;
    int i;
    gdspec_init(&g);
    g.D = 1;
    g.eta = 0.5;
    g.normalized = 1;
    g.logistic = 1;
    g.naive_logistic_loss = 1;
    g.loss_col = 1;
    g.steps = 40;
    g.every = 4;
    csv = double_gd(&g);
    run_check(&r, csv, 1, "1", 1, 1, "1/2", 6);
    free(csv);
    i = diag_index(&r, MPBIAS_DIAG_LOSS_UNDERFLOW);
    if (i < 0)
        dump(&r);
    ck_assert(!r.agree);
    ck_assert(r.worst_w >= 12);
    ck_assert(i >= 0 && strstr(r.diag_msg[i], "log1p") != NULL);
    mpbias_check_result_clear(&r);
}
END_TEST

/* Normalized GD past the edge of stability (depth 2, exponential loss,
   z_1 = (1, 0.25), z_2 = (0.5, 2), step 0.01): both samples stay support
   vectors, the sharpness of log L grows with |u|^2, and step x sharpness
   passes 2 at step 153; from there the exact iteration amplifies
   perturbations about 3 times per step.  A correct float64 loop with
   log-sum-exp loses its digits there (at margins 390 to 760, where the
   old diagnosis named underflow from the margin alone).  The oracles
   (Jacobian of the iteration by finite differences in 60-digit decimal
   arithmetic, written independently in Python): its eigenvalue
   1 - eta lambda_max is -0.8631132151 at step 150, -4.0509689772 at step
   180, -0.99159 at 152 and -1.05909 at 153; the geometric mean of
   |1 - eta lambda_max| over steps 160..189 is 3.15. */
static const char unstable_data[] = "y,x1,x2\n1,1,0.25\n-1,-0.5,-2\n";
static const double unstable_z[] = { 1, 0.25, 0.5, 2 };

START_TEST(test_unstable)
{
    gdspec g;
    mpbias_check_result r;
    char *csv, msg[MPBIAS_ERR_MSG_LEN];
    slong j, jb;
    int i;
    gdspec_init(&g);
    g.Z = unstable_z;
    g.d = 2;
    g.eta = 0.01;
    g.normalized = 1;
    g.lse = 1;
    g.steps = 260;
    g.every = 10;
    csv = double_gd(&g);
    ck_assert_msg(run_check_on(&r, csv, unstable_data, 2, "1", 0, 1, "1/100", 6, 0, msg) == MPBIAS_OK,
                  "%s", msg);
    free(csv);
    i = diag_index(&r, MPBIAS_DIAG_UNSTABLE);
    if (i < 0 || diag_index(&r, MPBIAS_DIAG_UNDERFLOW) >= 0)
        dump(&r);
    ck_assert(!r.agree);
    jb = r.first_bad;
    /* float64 is right until the instability, wrong from step 190 */
    ck_assert_int_eq(jb, 19);
    for (j = 0; j <= 16; j++)
        ck_assert_msg(r.rows[j].digits_w >= 13, "row %ld: %g", (long) j, r.rows[j].digits_w);
    ck_assert(r.rows[jb].ref_margin > 700);   /* where margin alone said underflow */
    ck_assert(i >= 0);
    ck_assert(diag_index(&r, MPBIAS_DIAG_UNDERFLOW) < 0 && diag_index(&r, MPBIAS_DIAG_NAN) < 0);
    ck_assert(diag_index(&r, MPBIAS_DIAG_DIRECTION) < 0 && diag_index(&r, MPBIAS_DIAG_FACTOR) < 0);
    /* step x sharpness against the finite-difference Jacobian */
    ck_assert(r.stab.measured);
    ck_assert_msg(fabs(r.rows[15].step_sharpness - 1.8631132151) < 1e-6, "%.10g",
                  r.rows[15].step_sharpness);
    ck_assert_msg(fabs(r.rows[18].step_sharpness - 5.0509689772) < 1e-6, "%.10g",
                  r.rows[18].step_sharpness);
    ck_assert_int_eq(r.stab.first_unstable, 153);
    ck_assert(r.stab.max_step_sharpness > 5 && r.stab.max_step_sharpness < 10);
    ck_assert(fabs(r.stab.eta - 0.01) < 1e-12);
    ck_assert(fabs(r.stab.eta * r.stab.sharpness - r.stab.max_step_sharpness) < 1e-9);
    /* the growth per step, by the Jacobian and by the two precisions */
    ck_assert_msg(r.stab.growth_rate > 2.6 && r.stab.growth_rate < 3.6, "%g", r.stab.growth_rate);
    ck_assert_msg(pow(10, r.stab.drift_rate) > 2.6 && pow(10, r.stab.drift_rate) < 3.6, "%g",
                  r.stab.drift_rate);
    ck_assert(r.stab.win_from >= 150 && r.stab.win_from <= 170 && r.stab.win_to == 190);
    /* both predict float64's loss of digits: right before, gone at 190 */
    ck_assert(isnan(r.rows[0].jac_digits));   /* w = 0 at step 0 */
    for (j = 1; j <= 15; j++)
        ck_assert_msg(r.rows[j].f64_digits >= 14 && r.rows[j].jac_digits >= 14, "row %ld: %g %g",
                      (long) j, r.rows[j].f64_digits, r.rows[j].jac_digits);
    ck_assert(r.rows[jb].f64_digits < 3 && r.rows[jb].jac_digits < 3);
    ck_assert(r.rows[18].f64_digits > 4 && r.rows[18].f64_digits < 10);
    ck_assert_int_eq(r.stab.meaningless_from, 19);
    ck_assert_msg(strstr(r.diag_msg[i], "meaningless from row 20") != NULL
                  && strstr(r.diag_msg[i], "compare up to step 180") != NULL
                  && strstr(r.diag_msg[i], "smaller step") != NULL
                  && strstr(r.diag_msg[i], "above 2 from step 153") != NULL, "%s", r.diag_msg[i]);
    mpbias_check_result_clear(&r);

    /* half the step: float64 right throughout (by the reference's
       measure too), no diagnosis */
    g.eta = 0.005;
    g.steps = 300;
    g.every = 20;
    csv = double_gd(&g);
    ck_assert_msg(run_check_on(&r, csv, unstable_data, 2, "1", 0, 1, "1/200", 6, 0, msg) == MPBIAS_OK,
                  "%s", msg);
    free(csv);
    if (!r.agree)
        dump(&r);
    ck_assert(r.agree && r.ndiag == 0 && r.worst_w >= 13);
    /* (the Jacobian is computed to explain a disagreement only) */
    ck_assert(r.stab.measured && isnan(r.stab.max_step_sharpness) && isnan(r.rows[5].jac_digits));
    for (j = 0; j < r.n; j++)
        ck_assert_msg(r.rows[j].f64_digits >= 12, "row %ld: %g", (long) j, r.rows[j].f64_digits);
    mpbias_check_result_clear(&r);
}
END_TEST

/* The transition example, normalized GD with step 0.01, a log-sum-exp
   float64 loop with its log_loss: unstable past step 209.  The reference
   at its default precision (196 bits) cannot certify 20 digits at step
   300; the precision is doubled until it does, and the diagnosis is the
   instability, not underflow (the loss is log L, carried right) nor the
   loss formula.  With the limit at 300 bits it is an error that says so. */
START_TEST(test_unstable_prec)
{
    gdspec g;
    mpbias_check_result r;
    char *csv, msg[MPBIAS_ERR_MSG_LEN];
    int i;
    gdspec_init(&g);
    g.eta = 0.01;
    g.normalized = 1;
    g.lse = 1;
    g.steps = 300;
    g.every = 50;
    g.loss_col = 2;
    csv = double_gd(&g);
    ck_assert_msg(run_check_on(&r, csv, NULL, 2, "1", 0, 1, "1/100", 6, 0, msg) == MPBIAS_OK, "%s",
                  msg);
    i = diag_index(&r, MPBIAS_DIAG_UNSTABLE);
    if (i < 0)
        dump(&r);
    ck_assert(r.stab.raised >= 1 && r.stab.prec >= 392);
    ck_assert_int_eq(r.reached, r.n);
    ck_assert(!r.agree && i >= 0);
    ck_assert(diag_index(&r, MPBIAS_DIAG_UNDERFLOW) < 0 && diag_index(&r, MPBIAS_DIAG_LOSS_FORMULA) < 0
              && diag_index(&r, MPBIAS_DIAG_LOSS_UNDERFLOW) < 0);
    ck_assert(r.rows[r.first_bad].ref_margin > 700);
    ck_assert(r.stab.first_unstable > 150 && r.stab.first_unstable <= 250);
    mpbias_check_result_clear(&r);
    /* the limit */
    ck_assert_int_eq(run_check_on(&r, csv, NULL, 2, "1", 0, 1, "1/100", 6, 300, msg),
                     MPBIAS_ERR_NUMERIC);
    ck_assert_msg(strstr(msg, "--max-prec") != NULL && strstr(msg, "300 bits") != NULL, "%s", msg);
    mpbias_check_result_clear(&r);
    free(csv);
}
END_TEST

static Suite *
check_suite(void)
{
    Suite *s = suite_create("check");
    TCase *tc = tcase_create("reader");
    tcase_add_loop_test(tc, test_reader_errors, 0, (int) (sizeof reader_cases / sizeof reader_cases[0]));
    tcase_add_test(tc, test_reader_values);
    suite_add_tcase(s, tc);
    tc = tcase_create("verdicts");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_double_gd_right);
    tcase_add_test(tc, test_underflow);
    tcase_add_test(tc, test_mean_sum);
    tcase_add_test(tc, test_sign);
    tcase_add_test(tc, test_step_too_large);
    tcase_add_test(tc, test_cancellation);
    tcase_add_test(tc, test_logistic_loss_underflow);
    tcase_add_test(tc, test_unstable);
    tcase_add_test(tc, test_unstable_prec);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return tu_main(check_suite());
}
