/*
 * cmd_limits.c -- `mpbias limits`: the limit predictors of a dataset,
 * exact and certified: the l2 max-margin classifier (kernel limit), the
 * l1 max-margin classifier (rich limit for D = 2) with its optimal face,
 * and, given a scale, the intermediate predictor with a rigorous bound.
 * The options (the table in cmd_limits), their combinations (check), the
 * scale (set_scale), the computation (compute); the report is
 * limits_out.c's.
 */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "cli.h"

/* what the options ask for */
typedef struct
{
    cli_data_opts dopt;
    cli_shape_opts sopt;
    long depth, digits;
    long loss_bits;                /* --at-loss: the bits of G = log(1/eps) */
    int json, exact, decimal, qmode;
    int have_mu, have_alpha, have_margin, have_loss;
    int shaped, have_scale, l1w_on;
    const char *kkt_list;
    double support_tol;            /* 0: automatic */
    fmpq_t mu, alpha, margin, muD; /* margin: G; muD: mu^D exactly */
    mpbias_sci_t eps;
} limits_req;

/* what is computed from them */
typedef struct
{
    mpbias_data_t data;
    mpbias_l2mm_t l2;
    mpbias_l1mm_t l1, l1w;
    mpbias_qmu_t qm;
    mpbias_lpkkt_t kk;
    fmpq *sa, *sb;                 /* the shape a, b                       */
    fmpq *cp, *cm;                 /* the weights a^(2-D), b^(2-D)         */
    fmpq *P, *M;                   /* the scales a^D / G, b^D / G          */
    mpfr_t *cand;                  /* --kkt LIST                           */
    char *m2, *m1, *m1w;           /* the margins as decimals              */
} limits_res;

static void
limits_init(limits_req *q, limits_res *s)
{
    memset(q, 0, sizeof *q);
    q->dopt.format = MPBIAS_FORMAT_AUTO;
    q->depth = 2;
    q->digits = 20;
    fmpq_init(q->mu);
    fmpq_init(q->alpha);
    fmpq_init(q->margin);
    fmpq_init(q->muD);
    mpbias_sci_init(q->eps);
    memset(s, 0, sizeof *s);
    mpbias_data_init(s->data);
    mpbias_l2mm_init(s->l2);
    mpbias_l1mm_init(s->l1);
    mpbias_l1mm_init(s->l1w);
    mpbias_qmu_init(s->qm);
    mpbias_lpkkt_init(s->kk);
}

static void
limits_clear(limits_req *q, limits_res *s)
{
    slong i;
    if (s->cand != NULL)
    {
        for (i = 0; i < s->data->d; i++)
            mpfr_clear(s->cand[i]);
        free(s->cand);
    }
    mpbias_lpkkt_clear(s->kk);
    flint_free(s->m2);
    flint_free(s->m1);
    mpbias_qmu_clear(s->qm);
    mpbias_l1mm_clear(s->l1);
    mpbias_l1mm_clear(s->l1w);
    flint_free(s->m1w);
    cli_shape_free(s->sa, s->sb, s->data->d);
    cli_shape_free(s->cp, s->cm, s->data->d);
    cli_shape_free(s->P, s->M, s->data->d);
    mpbias_l2mm_clear(s->l2);
    mpbias_data_clear(s->data);
    fmpq_clear(q->mu);
    fmpq_clear(q->alpha);
    fmpq_clear(q->margin);
    fmpq_clear(q->muD);
    mpbias_sci_clear(q->eps);
}

/* The combinations of the options (r: the parser's return); sets shaped,
   have_scale, l1w_on and qmode.  EXIT_OK, or the error (reported). */
static int
check(limits_req *q, int r)
{
    int scale_opt = q->have_mu || q->have_alpha, at = q->have_margin || q->have_loss;
    if (r == EXIT_OK)
        r = cli_qmode("limits", q->exact, q->decimal, &q->qmode);
    if (r == EXIT_OK && q->have_mu && (q->have_alpha || at))
        r = cli_usage_error("limits", "give --mu, or --alpha with --at-margin or --at-loss, not both");
    if (r == EXIT_OK && q->have_margin && q->have_loss)
        r = cli_usage_error("limits", "give --at-margin or --at-loss, not both");
    q->shaped = cli_shape_given(&q->sopt);
    if (r == EXIT_OK)
        r = cli_shape_check("limits", &q->sopt);
    if (r == EXIT_OK && q->shaped && scale_opt)
        r = cli_usage_error("limits", "with a shape the scales are a^D/G and b^D/G: give "
                            "--at-margin or --at-loss, not --mu or --alpha");
    if (r == EXIT_OK && q->shaped && q->depth < 2)
        r = cli_usage_error("limits", "a shape changes the limits only for --depth 2 or more");
    if (r == EXIT_OK && q->shaped && q->depth == 2 && !at)
        r = cli_usage_error("limits", "with --depth 2 a shape needs --at-margin or --at-loss "
                            "(its rich limit is the plain l1)");
    if (r == EXIT_OK && !q->shaped && q->have_alpha != at)
        r = cli_usage_error("limits", "--alpha goes with --at-margin or --at-loss");
    q->have_scale = scale_opt || (q->shaped && at);
    q->l1w_on = q->shaped && q->depth >= 3;
    if (r == EXIT_OK && scale_opt && q->depth < 2)
        r = cli_usage_error("limits", "the intermediate predictor needs --depth 2 or more");
    if (r == EXIT_OK && q->kkt_list != NULL && q->depth < 3)
        r = cli_usage_error("limits", "--kkt needs --depth 3 or more (l_(2/D) KKT points)");
    if (r == EXIT_OK && scale_opt)
    {
        /* M^D (or A^D) is computed exactly: refuse sizes beyond 2^28 bits
           (--mu 1e-900000 --depth 1000 would be 3e9 bits, minutes and
           gigabytes) */
        const fmpq *b = q->have_mu ? q->mu : q->alpha;
        double bits = (double) (fmpz_bits(fmpq_numref(b)) + fmpz_bits(fmpq_denref(b))) * q->depth;
        if (bits > 268435456.0)
            r = cli_usage_error("limits", "--%s with --depth %ld: %s^D, computed exactly, would "
                                "have about %.2g bits (at most 2^28 = 268435456)",
                                q->have_mu ? "mu" : "alpha", q->depth, q->have_mu ? "M" : "A",
                                bits);
    }
    return r;
}

/* G from --at-loss (log(1/eps) rounded to loss_bits bits: exactly that
   value is used, and printed) and mu^D exactly: M^D, or A^D / G.
   EXIT_OK, or EXIT_USAGE (reported). */
static int
set_scale(limits_req *q)
{
    if (q->have_loss)
    {
        mpfr_t g;
        mpz_t m;
        mpfr_exp_t e;
        int ok;
        q->loss_bits = (long) (2 * q->digits + 20) * 4 + 64;
        mpfr_init2(g, (mpfr_prec_t) q->loss_bits);
        mpz_init(m);
        mpbias_sci_log(g, q->eps, MPFR_RNDN);
        mpfr_neg(g, g, MPFR_RNDN);
        if ((ok = mpfr_sgn(g) > 0))
        {
            e = mpfr_get_z_2exp(m, g);
            fmpz_set_mpz(fmpq_numref(q->margin), m);
            fmpz_one(fmpq_denref(q->margin));
            if (e >= 0)
                fmpq_mul_2exp(q->margin, q->margin, (ulong) e);
            else
                fmpq_div_2exp(q->margin, q->margin, (ulong) -e);
        }
        mpfr_clear(g);
        mpz_clear(m);
        if (!ok)
            return cli_usage_error("limits", "--at-loss needs a loss below 1 (log(1/eps) > 0)");
    }
    if (q->have_mu)
        fmpq_pow_si(q->muD, q->mu, q->depth);
    else if (q->have_alpha)
    {
        fmpq_pow_si(q->muD, q->alpha, q->depth);
        fmpq_div(q->muD, q->muD, q->margin);
    }
    return EXIT_OK;
}

/* With a shape: the weights a^(2-D), b^(2-D) and the scales a^D / G,
   b^D / G.  EXIT_OK, or the error (reported). */
static int
load_shape(const limits_req *q, limits_res *s)
{
    slong i, d = s->data->d;
    long D = q->depth;
    int r;
    if ((r = cli_shape_load("limits", &q->sopt, d, &s->sa, &s->sb)) != EXIT_OK)
        return r;
    s->cp = _fmpq_vec_init(d);
    s->cm = _fmpq_vec_init(d);
    s->P = _fmpq_vec_init(d);
    s->M = _fmpq_vec_init(d);
    for (i = 0; i < d; i++)
    {
        fmpq_pow_si(s->cp + i, s->sa + i, 2 - D);
        fmpq_pow_si(s->cm + i, s->sb + i, 2 - D);
        if (q->have_scale)
        {
            fmpq_pow_si(s->P + i, s->sa + i, D);
            fmpq_div(s->P + i, s->P + i, q->margin);
            fmpq_pow_si(s->M + i, s->sb + i, D);
            fmpq_div(s->M + i, s->M + i, q->margin);
        }
    }
    return EXIT_OK;
}

/* --kkt LIST: d comma-separated decimals (any sign), read exactly, rounded
   to 600 bits.  EXIT_OK, or EXIT_USAGE (reported). */
static int
read_candidate(const limits_req *q, limits_res *s)
{
    slong i, d = s->data->d;
    fmpq *v = _fmpq_vec_init(d);
    int r = EXIT_OK;
    if (!cli_parse_decimal_list("limits", "kkt", q->kkt_list, v, d, 0))
        r = EXIT_USAGE;
    s->cand = malloc((size_t) d * sizeof(mpfr_t));
    for (i = 0; i < d; i++)
    {
        mpfr_init2(s->cand[i], 600);
        fmpq_get_mpfr(s->cand[i], v + i, MPFR_RNDN);
    }
    _fmpq_vec_clear(v, d);
    return r;
}

/* The predictors, each as asked.  EXIT_OK, or EXIT_FAIL (reported). */
static int
compute(const limits_req *q, limits_res *s)
{
    const mpbias_data_struct *data = s->data;
    int D = (int) q->depth, K = (int) q->digits;
    mpfr_prec_t kprec = (mpfr_prec_t) (q->digits * 3.33 * 2 + 128);
    mpbias_err_t err;
    mpbias_err_clear(err);
    if (mpbias_l2mm_compute(s->l2, data, err) != MPBIAS_OK)
        return cli_lib_error(err);
    if (!s->l2->separable)
    {
        cli_error("%s: the data are not linearly separable (decided exactly): there is no "
                  "max-margin predictor", data->name);
        return EXIT_FAIL;
    }
    if (mpbias_l1mm_compute(s->l1, data, err) != MPBIAS_OK)
        return cli_lib_error(err);
    s->m2 = mpbias_l2mm_margin_str(s->l2, K);
    s->m1 = mpbias_l1mm_margin_str(s->l1, K);
    if (s->m2 == NULL || s->m1 == NULL)
    {
        cli_error("could not certify %ld digits of the margins", q->digits);
        return EXIT_FAIL;
    }
    if (q->have_scale && !q->shaped
        && mpbias_qmu_compute(s->qm, data, D, q->muD, K, err) != MPBIAS_OK)
        return cli_lib_error(err);
    if (q->have_scale && q->shaped
        && mpbias_qmu_compute_shape(s->qm, data, D, s->P, s->M, K, err) != MPBIAS_OK)
        return cli_lib_error(err);
    if (q->l1w_on && mpbias_l1mm_compute_weighted(s->l1w, data, s->cp, s->cm, err) != MPBIAS_OK)
        return cli_lib_error(err);
    if (q->l1w_on && (s->m1w = mpbias_l1mm_margin_str(s->l1w, K)) == NULL)
    {
        cli_error("could not certify %ld digits of the weighted l1 margin", q->digits);
        return EXIT_FAIL;
    }
    if (q->kkt_list != NULL
        && (q->support_tol > 0.0
                ? mpbias_lpkkt_compute(s->kk, data, D, (const mpfr_t *) s->cand, q->support_tol,
                                       kprec, err)
                : mpbias_lpkkt_compute_auto(s->kk, data, D, (const mpfr_t *) s->cand, kprec, err))
               != MPBIAS_OK)
        return cli_lib_error(err);
    return EXIT_OK;
}

int
cmd_limits(int argc, char **argv)
{
    limits_req q;
    limits_res s;
    int r;
    static const char *const FORMATS[] = { "text", "json", NULL };
    const cli_arg args[] = {
        { CLI_ROW(CLI_ARG_SECTION, "Options", 0, NULL, NULL) },
        CLI_ARGS_DATA(q.dopt),
        { CLI_ROW(CLI_ARG_LONG, "depth", 0, "D", &q.depth), .lo = 1, .hi = 1000,
          .help = "depth of the network (default 2; the intermediate\n"
                  "predictor needs D >= 2)" },
        { CLI_ROW(CLI_ARG_DECIMAL, "mu", 0, "M", q.mu), .given = &q.have_mu,
          .help = "also the intermediate predictor argmin Q^D_mu(w) s.t.\n"
                  "z_n . w >= 1 at the scale mu = M (a positive decimal)" },
        { CLI_ROW(CLI_ARG_DECIMAL, "alpha", 0, "A", q.alpha), .given = &q.have_alpha,
          .help = "... or at mu^D = A^D / G, the scale gradient flow from\n"
                  "alpha = A has when its margin is G (both decimals)" },
        { CLI_ROW(CLI_ARG_DECIMAL, "at-margin", 0, "G", q.margin), .given = &q.have_margin,
          .help = "the margin G of --alpha" },
        { CLI_ROW(CLI_ARG_SCI, "at-loss", 0, "EPS", q.eps), .given = &q.have_loss,
          .help = "... or with G = log(1/EPS) (the margin of one sample at\n"
                  "loss EPS; with N samples the margin is within log N of\n"
                  "it); log(1/EPS) is rounded to 8K + 144 bits" },
        CLI_ARGS_SHAPE(q.sopt,
          "... or both from a file of d lines 'a,b'.  With a shape,\n"
          "--at-margin G or --at-loss EPS gives the shaped\n"
          "intermediate predictor (per-coordinate scales a^D/G and\n"
          "b^D/G; for D = 2 the tilted potential), and D >= 3 adds\n"
          "the weighted l1 max margin with weights a^(2-D) on\n"
          "positive and b^(2-D) on negative parts (its rich limit)"),
        { CLI_ROW(CLI_ARG_STRING, "kkt", 0, "LIST", &q.kkt_list),
          .help = "with --depth D >= 3: polish the candidate w (d comma-\n"
                  "separated decimals, e.g. a trajectory's wbar) to a KKT\n"
                  "point of min sum |w_i|^(2/D) s.t. z_n . w >= 1, check it\n"
                  "and classify it (the l1 solution, another vertex, or an\n"
                  "interior KKT point)" },
        { CLI_ROW(CLI_ARG_UNIT, "support-tol", 0, "TAU", &q.support_tol),
          .help = "support of the candidate: |w_i| > TAU max |w|, and its\n"
                  "active constraints z_n . w <= 1 + TAU (default:\n"
                  "automatic, the KKT point nearest the candidate over TAU\n"
                  "in 1e-4..0.3)" },
        { CLI_ROW(CLI_ARG_LONG, "digits", 0, "K", &q.digits), .lo = 1, .hi = 1000,
          .help = "significant digits of the decimal margins and of the\n"
                  "intermediate predictor (1..1000, default 20; correctly\n"
                  "rounded)" },
        { CLI_ROW(CLI_ARG_CHOICE, "format", 0, "FMT", &q.json), .choices = FORMATS,
          .help = "text (default) or json" },
        { CLI_ROW(CLI_ARG_FLAG, "json", 0, NULL, &q.json),
          .help = "the same as --format json" },
        CLI_ARGS_QMODE(q.exact, q.decimal),
        CLI_ARGS_HELP,
        CLI_ARGS_END
    };
    const cli_command cmd = {
        "limits", "(--data FILE | --example NAME) [OPTIONS]",
        "Compute the limit predictors theory compares gradient flow with, exactly over\n"
           "the rationals, each with a verified certificate:\n"
           "  l2  argmin ||w||_2 subject to z_n . w >= 1 (the kernel limit, and D = 1):\n"
           "      exact KKT conditions;\n"
           "  l1  argmin ||w||_1 subject to z_n . w >= 1 (the rich limit for D = 2):\n"
           "      exact LP duality (GLPK finds the basis, FLINT certifies it), and the\n"
           "      whole optimal face when the optimum is not unique.\n",
        args,
        "Text output: for each predictor w (exact rationals, long ones rounded unless\n"
           "--exact), its margin, norm and\n"
           "support, and the certificate's status.  JSON output: an object with keys \"l2\"\n"
           "and \"l1\", each holding \"w\" (exact rationals as strings \"p/q\" or integers),\n"
           "\"margin\" (decimal string) and \"certified\"; \"l1\" also \"unique\", \"free\"\n"
           "(coordinates that vary over the optimal face, 1-based) and \"wmin\"/\"wmax\"\n"
           "(their ranges over it).  When the l1 optimum is not unique, \"w\" is the\n"
           "vertex where the exact simplex ends (deterministic for given data).\n"
           "With a shape and D >= 3, \"l1_weighted\" holds the same members (\"norm\" for\n"
           "\"norm1\") plus \"weights_plus\" and \"weights_minus\".\n"
           "With a scale, \"qmu\" holds \"mu_pow_D\" (exact; with a shape instead \"shape\":\n"
           "true and \"margin\", the exact G), \"w\" (the exact predictor's coordinates as\n"
           "decimal strings correctly rounded to K digits; a coordinate whose rigorous\n"
           "bound does not determine K digits, which is rare, as a ball \"[m +/- r]\" that\n"
           "contains it), \"radius\" (a rigorous bound on the l2 distance from the exact\n"
           "predictor to the internal point the bounds are about; the printed digits are\n"
           "correct roundings of the exact predictor, within half a unit of their last\n"
           "place) and \"certified\".\n"
           "Non-separable data are reported and make the command exit with status 1.\n"
    };

    limits_init(&q, &s);
    r = check(&q, cli_args_parse(&cmd, argc, argv));
    if (r == EXIT_OK)
        r = set_scale(&q);
    if (r == EXIT_OK)
        r = cli_load_data("limits", &q.dopt, s.data);
    if (r == EXIT_OK && q.shaped)
        r = load_shape(&q, &s);
    if (r == EXIT_OK && q.kkt_list != NULL)
        r = read_candidate(&q, &s);
    if (r == EXIT_OK)
        r = compute(&q, &s);
    if (r == EXIT_OK)
    {
        cli_limits_out o = { s.data, s.l2, s.l1, s.l1w, s.qm, s.kk, s.m2, s.m1, s.m1w, q.kkt_list,
                             s.cp, s.cm, q.margin, q.muD, q.depth, q.digits, q.loss_bits,
                             q.have_scale, q.have_loss, q.shaped, q.l1w_on, q.qmode };
        if (q.json)
            cli_limits_json(&o);
        else
            cli_limits_text(&o);
    }
    limits_clear(&q, &s);
    return r == CLI_HELP_SHOWN ? EXIT_OK : r;
}
