/*
 * cmd_limits.c -- `mpbias limits`: the limit predictors of a dataset,
 * exact and certified: the l2 max-margin classifier (kernel limit), the
 * l1 max-margin classifier (rich limit for D = 2) with its optimal face,
 * and, given a scale, the intermediate predictor with a rigorous bound.
 */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "cli.h"

int
cmd_limits(int argc, char **argv)
{
    cli_data_opts dopt = { NULL, NULL, MPBIAS_FORMAT_AUTO, NULL };
    cli_shape_opts sopt = { NULL, NULL, NULL };
    fmpq *sa = NULL, *sb = NULL, *cp = NULL, *cm = NULL, *P = NULL, *M = NULL;
    int shaped, have_scale, l1w_on;
    long digits = 20;
    int qmode = CLI_Q_AUTO;
    int r, json = 0, have_mu = 0, have_alpha = 0, have_margin = 0, have_loss = 0;
    long loss_bits = 0;
    const char *kkt_list = NULL;
    double support_tol = 0.0;   /* automatic */
    mpbias_lpkkt_t kk;
    mpfr_t *cand = NULL;
    mpbias_sci_t eps;
    long depth = 2;
    fmpq_t mu, alpha, margin, muD;
    mpbias_qmu_t qm;
    mpbias_data_t data;
    mpbias_l2mm_t l2;
    mpbias_l1mm_t l1, l1w;
    mpbias_err_t err;
    char *m2 = NULL, *m1 = NULL, *m1w = NULL;
    slong i;
    static const char *const FORMATS[] = { "text", "json", NULL };
    int exact = 0, decimal = 0;
    const cli_arg args[] = {
        { CLI_ROW(CLI_ARG_SECTION, "Options", 0, NULL, NULL) },
        CLI_ARGS_DATA(dopt),
        { CLI_ROW(CLI_ARG_LONG, "depth", 0, "D", &depth), .lo = 1, .hi = 1000,
          .help = "depth of the network (default 2; the intermediate\n"
                  "predictor needs D >= 2)" },
        { CLI_ROW(CLI_ARG_DECIMAL, "mu", 0, "M", mu), .given = &have_mu,
          .help = "also the intermediate predictor argmin Q^D_mu(w) s.t.\n"
                  "z_n . w >= 1 at the scale mu = M (a positive decimal)" },
        { CLI_ROW(CLI_ARG_DECIMAL, "alpha", 0, "A", alpha), .given = &have_alpha,
          .help = "... or at mu^D = A^D / G, the scale gradient flow from\n"
                  "alpha = A has when its margin is G (both decimals)" },
        { CLI_ROW(CLI_ARG_DECIMAL, "at-margin", 0, "G", margin), .given = &have_margin,
          .help = "the margin G of --alpha" },
        { CLI_ROW(CLI_ARG_SCI, "at-loss", 0, "EPS", eps), .given = &have_loss,
          .help = "... or with G = log(1/EPS) (the margin of one sample at\n"
                  "loss EPS; with N samples the margin is within log N of\n"
                  "it); log(1/EPS) is rounded to 8K + 144 bits" },
        CLI_ARGS_SHAPE(sopt,
          "... or both from a file of d lines 'a,b'.  With a shape,\n"
          "--at-margin G or --at-loss EPS gives the shaped\n"
          "intermediate predictor (per-coordinate scales a^D/G and\n"
          "b^D/G; for D = 2 the tilted potential), and D >= 3 adds\n"
          "the weighted l1 max margin with weights a^(2-D) on\n"
          "positive and b^(2-D) on negative parts (its rich limit)"),
        { CLI_ROW(CLI_ARG_STRING, "kkt", 0, "LIST", &kkt_list),
          .help = "with --depth D >= 3: polish the candidate w (d comma-\n"
                  "separated decimals, e.g. a trajectory's wbar) to a KKT\n"
                  "point of min sum |w_i|^(2/D) s.t. z_n . w >= 1, check it\n"
                  "and classify it (the l1 solution, another vertex, or an\n"
                  "interior KKT point)" },
        { CLI_ROW(CLI_ARG_UNIT, "support-tol", 0, "TAU", &support_tol),
          .help = "support of the candidate: |w_i| > TAU max |w|, and its\n"
                  "active constraints z_n . w <= 1 + TAU (default:\n"
                  "automatic, the KKT point nearest the candidate over TAU\n"
                  "in 1e-4..0.3)" },
        { CLI_ROW(CLI_ARG_LONG, "digits", 0, "K", &digits), .lo = 1, .hi = 1000,
          .help = "significant digits of the decimal margins and of the\n"
                  "intermediate predictor (1..1000, default 20; correctly\n"
                  "rounded)" },
        { CLI_ROW(CLI_ARG_CHOICE, "format", 0, "FMT", &json), .choices = FORMATS,
          .help = "text (default) or json" },
        { CLI_ROW(CLI_ARG_FLAG, "json", 0, NULL, &json),
          .help = "the same as --format json" },
        { CLI_ROW(CLI_ARG_FLAG, "exact", 0, NULL, &exact),
          .help = "show every rational exactly (default: exactly when it has\n"
                  "at most 40 characters, else rounded, marked '~')" },
        { CLI_ROW(CLI_ARG_FLAG, "decimal", 0, NULL, &decimal),
          .help = "show every rational correctly rounded to --digits digits" },
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


    fmpq_init(mu);
    fmpq_init(alpha);
    fmpq_init(margin);
    fmpq_init(muD);
    mpbias_sci_init(eps);
    r = cli_args_parse(&cmd, argc, argv);
    if (r == EXIT_OK && exact && decimal)
        r = cli_usage_error("limits", "give either --exact or --decimal, not both");
    qmode = exact ? CLI_Q_EXACT : decimal ? CLI_Q_DECIMAL : CLI_Q_AUTO;
    if (r == EXIT_OK && have_mu && (have_alpha || have_margin || have_loss))
        r = cli_usage_error("limits", "give --mu, or --alpha with --at-margin or --at-loss, not both");
    if (r == EXIT_OK && have_margin && have_loss)
        r = cli_usage_error("limits", "give --at-margin or --at-loss, not both");
    shaped = cli_shape_given(&sopt);
    if (r == EXIT_OK)
        r = cli_shape_check("limits", &sopt);
    if (r == EXIT_OK && shaped && (have_mu || have_alpha))
        r = cli_usage_error("limits", "with a shape the scales are a^D/G and b^D/G: give "
                            "--at-margin or --at-loss, not --mu or --alpha");
    if (r == EXIT_OK && shaped && depth < 2)
        r = cli_usage_error("limits", "a shape changes the limits only for --depth 2 or more");
    if (r == EXIT_OK && shaped && depth == 2 && !(have_margin || have_loss))
        r = cli_usage_error("limits", "with --depth 2 a shape needs --at-margin or --at-loss "
                            "(its rich limit is the plain l1)");
    if (r == EXIT_OK && !shaped && have_alpha != (have_margin || have_loss))
        r = cli_usage_error("limits", "--alpha goes with --at-margin or --at-loss");
    have_scale = have_mu || have_alpha || (shaped && (have_margin || have_loss));
    l1w_on = shaped && depth >= 3;
    if (r == EXIT_OK && (have_mu || have_alpha) && depth < 2)
        r = cli_usage_error("limits", "the intermediate predictor needs --depth 2 or more");
    if (r == EXIT_OK && kkt_list != NULL && depth < 3)
        r = cli_usage_error("limits", "--kkt needs --depth 3 or more (l_(2/D) KKT points)");
    if (r == EXIT_OK && (have_mu || have_alpha))
    {
        /* M^D (or A^D) is computed exactly: refuse sizes beyond 2^28 bits
           (--mu 1e-900000 --depth 1000 would be 3e9 bits, minutes and
           gigabytes) */
        const fmpq *b = have_mu ? mu : alpha;
        double bits = (double) (fmpz_bits(fmpq_numref(b)) + fmpz_bits(fmpq_denref(b))) * depth;
        if (bits > 268435456.0)
            r = cli_usage_error("limits", "--%s with --depth %ld: %s^D, computed exactly, would "
                                "have about %.2g bits (at most 2^28 = 268435456)",
                                have_mu ? "mu" : "alpha", depth, have_mu ? "M" : "A", bits);
    }
    if (r != EXIT_OK)
    {
        fmpq_clear(mu);
        fmpq_clear(alpha);
        fmpq_clear(margin);
        fmpq_clear(muD);
        mpbias_sci_clear(eps);
        return r == CLI_HELP_SHOWN ? EXIT_OK : r;
    }
    if (have_loss)
    {
        /* gamma = log(1/eps), rounded to loss_bits bits (exactly that value
           is used, and printed) */
        mpfr_t g;
        mpz_t m;
        mpfr_exp_t e;
        loss_bits = (long) (2 * digits + 20) * 4 + 64;
        mpfr_init2(g, (mpfr_prec_t) loss_bits);
        mpz_init(m);
        mpbias_sci_log(g, eps, MPFR_RNDN);
        mpfr_neg(g, g, MPFR_RNDN);
        if (mpfr_sgn(g) <= 0)
        {
            mpfr_clear(g);
            mpz_clear(m);
            fmpq_clear(mu);
            fmpq_clear(alpha);
            fmpq_clear(margin);
            fmpq_clear(muD);
            mpbias_sci_clear(eps);
            return cli_usage_error("limits", "--at-loss needs a loss below 1 (log(1/eps) > 0)");
        }
        e = mpfr_get_z_2exp(m, g);
        fmpz_set_mpz(fmpq_numref(margin), m);
        fmpz_one(fmpq_denref(margin));
        if (e >= 0)
            fmpq_mul_2exp(margin, margin, (ulong) e);
        else
            fmpq_div_2exp(margin, margin, (ulong) -e);
        mpfr_clear(g);
        mpz_clear(m);
    }
    /* mu^D exactly: M^D, or A^D / G */
    if (have_mu)
        fmpq_pow_si(muD, mu, depth);
    else if (have_alpha)
    {
        fmpq_pow_si(muD, alpha, depth);
        fmpq_div(muD, muD, margin);
    }

    mpbias_data_init(data);
    mpbias_l2mm_init(l2);
    mpbias_l1mm_init(l1);
    mpbias_l1mm_init(l1w);
    mpbias_qmu_init(qm);
    mpbias_lpkkt_init(kk);
    if ((r = cli_load_data("limits", &dopt, data)) != EXIT_OK)
        goto cleanup;
    if (shaped)
    {
        /* the weights a^(2-D), b^(2-D) and the scales a^D / G, b^D / G */
        if ((r = cli_shape_load("limits", &sopt, data->d, &sa, &sb)) != EXIT_OK)
            goto cleanup;
        cp = _fmpq_vec_init(data->d);
        cm = _fmpq_vec_init(data->d);
        P = _fmpq_vec_init(data->d);
        M = _fmpq_vec_init(data->d);
        for (i = 0; i < data->d; i++)
        {
            fmpq_pow_si(cp + i, sa + i, 2 - depth);
            fmpq_pow_si(cm + i, sb + i, 2 - depth);
            if (have_scale)
            {
                fmpq_pow_si(P + i, sa + i, depth);
                fmpq_div(P + i, P + i, margin);
                fmpq_pow_si(M + i, sb + i, depth);
                fmpq_div(M + i, M + i, margin);
            }
        }
    }
    if (kkt_list != NULL)
    {
        /* d comma-separated decimals (any sign), read exactly, rounded to 600 bits */
        fmpq *q = _fmpq_vec_init(data->d);
        slong k2;
        if (!cli_parse_decimal_list("limits", "kkt", kkt_list, q, data->d, 0))
            r = EXIT_USAGE;
        cand = malloc((size_t) data->d * sizeof(mpfr_t));
        for (k2 = 0; k2 < data->d; k2++)
        {
            mpfr_init2(cand[k2], 600);
            fmpq_get_mpfr(cand[k2], q + k2, MPFR_RNDN);
        }
        _fmpq_vec_clear(q, data->d);
        if (r != EXIT_OK)
            goto cleanup;
    }
    mpbias_err_clear(err);
    if (mpbias_l2mm_compute(l2, data, err) != MPBIAS_OK)
        r = cli_lib_error(err);
    else if (!l2->separable)
    {
        cli_error("%s: the data are not linearly separable (decided exactly): there is no "
                  "max-margin predictor", data->name);
        r = EXIT_FAIL;
    }
    else if (mpbias_l1mm_compute(l1, data, err) != MPBIAS_OK)
        r = cli_lib_error(err);
    else
    {
        m2 = mpbias_l2mm_margin_str(l2, (int) digits);
        m1 = mpbias_l1mm_margin_str(l1, (int) digits);
        if (m2 == NULL || m1 == NULL)
        {
            cli_error("could not certify %ld digits of the margins", digits);
            r = EXIT_FAIL;
        }
        else if (have_scale && !shaped
                 && mpbias_qmu_compute(qm, data, (int) depth, muD, (int) digits, err) != MPBIAS_OK)
            r = cli_lib_error(err);
        else if (have_scale && shaped
                 && mpbias_qmu_compute_shape(qm, data, (int) depth, P, M, (int) digits, err)
                        != MPBIAS_OK)
            r = cli_lib_error(err);
        else if (l1w_on && mpbias_l1mm_compute_weighted(l1w, data, cp, cm, err) != MPBIAS_OK)
            r = cli_lib_error(err);
        else if (l1w_on && (m1w = mpbias_l1mm_margin_str(l1w, (int) digits)) == NULL)
        {
            cli_error("could not certify %ld digits of the weighted l1 margin", digits);
            r = EXIT_FAIL;
        }
        else if (kkt_list != NULL
                 && (support_tol > 0.0
                         ? mpbias_lpkkt_polish(kk, data, (int) depth, (const mpfr_t *) cand,
                                               support_tol, (mpfr_prec_t) (digits * 3.33 * 2 + 128),
                                               err)
                         : mpbias_lpkkt_polish_auto(kk, data, (int) depth, (const mpfr_t *) cand,
                                                    (mpfr_prec_t) (digits * 3.33 * 2 + 128), err))
                        != MPBIAS_OK)
            r = cli_lib_error(err);
    }
    if (r == EXIT_OK)
    {
        cli_limits_out o = { data, l2, l1, l1w, qm, kk, m2, m1, m1w, kkt_list, cp, cm, margin,
                             muD, depth, digits, loss_bits, have_scale, have_loss, shaped,
                             l1w_on, qmode };
        if (json)
            cli_limits_json(&o);
        else
            cli_limits_text(&o);
    }
cleanup:
    if (cand != NULL)
    {
        for (i = 0; i < data->d; i++)
            mpfr_clear(cand[i]);
        free(cand);
    }
    mpbias_lpkkt_clear(kk);
    flint_free(m2);
    flint_free(m1);
    mpbias_qmu_clear(qm);
    mpbias_l1mm_clear(l1);
    mpbias_l1mm_clear(l1w);
    flint_free(m1w);
    cli_shape_free(sa, sb, data->d);
    cli_shape_free(cp, cm, data->d);
    cli_shape_free(P, M, data->d);
    mpbias_l2mm_clear(l2);
    mpbias_data_clear(data);
    fmpq_clear(mu);
    fmpq_clear(alpha);
    fmpq_clear(margin);
    fmpq_clear(muD);
    mpbias_sci_clear(eps);
    return r;
}
