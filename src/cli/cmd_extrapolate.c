/*
 * cmd_extrapolate.c -- `mpbias extrapolate`: follow the flow to EPS0, fit
 * the asymptotic expansion there (library: mpbias_expand_*), and print its
 * estimate of the row `flow` would print at EPS1 with err_pred, the
 * estimated error (doc/asymptotics.md section 8).
 */
#include "config.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

static int
progress(const mpbias_flow_stats *st, void *ctx)
{
    cli_progress_flow((cli_progress *) ctx, st);
    return 0;
}

/* The options of extrapolate, with their defaults. */
typedef struct
{
    cli_data_opts dopt;
    long depth, digits, prec;
    int fmt, quiet, mean, have_from, n_to;
    fmpq_t alpha;
    mpbias_sci_t from;
    const char *to_s[16];
    mpbias_sci_struct *to;
} xargs;

static int
add_to(const char *cmd, const char *name, const char *value, void *dest)
{
    xargs *a = dest;
    (void) name;
    if (a->n_to >= 16)
        return cli_usage_error(cmd, "--to-loss: at most 16 losses");
    a->to_s[a->n_to++] = value;
    return EXIT_OK;
}

static int
x_parse(xargs *a, int argc, char **argv)
{
    static const char *const FORMATS[] = { "text", "csv", "json", NULL };
    const cli_arg args[] = {
        { CLI_ROW(CLI_ARG_SECTION, "Options", 0, NULL, NULL) },
        CLI_ARGS_DATA(a->dopt),
        CLI_ARGS_DEPTH_ALPHA(a->depth, a->alpha, CLI_DEPTH_TEXT),
        CLI_ARG_LOSS_MEAN(a->mean, CLI_LOSS_MEAN_TEXT),
        { CLI_ROW(CLI_ARG_SCI, "from-loss", 0, "EPS0", a->from), .given = &a->have_from,
          .help = "follow the flow to this loss and fit the expansion there\n"
                  "(required; at most 1e-10, e.g. 1e-1000)" },
        { CLI_ROW(CLI_ARG_CALL, "to-loss", 0, "EPS1", a), .call = add_to,
          .help = "the loss to predict at, at most EPS0, any decimal literal\n"
                  "(1e-1000000000000000000000000000000 is fine); required,\n"
                  "repeatable (up to 16 rows)" },
        { CLI_ROW(CLI_ARG_LONG, "digits", 0, "K", &a->digits), .lo = 1, .hi = 200,
          .help = "certified digits of the trajectory to EPS0 (default 16);\n"
                  "the estimate is printed with at most K digits, fewer\n"
                  "when err_pred says they are not significant" },
        CLI_ARG_PREC(a->prec, "working precision of the trajectory (default: automatic)"),
        { CLI_ROW(CLI_ARG_CHOICE, "format", 0, "FMT", &a->fmt), .choices = FORMATS,
          .help = "text (default), csv or json" },
        CLI_ARG_QUIET(a->quiet, CLI_QUIET_PROGRESS_TEXT),
        CLI_ARGS_HELP,
        CLI_ARGS_END
    };
    const cli_command cmd = {
        "extrapolate", "(--data FILE | --example NAME) --from-loss EPS0 --to-loss EPS1\n"
        "       [OPTIONS]",
        "Follow gradient flow (as mpbias flow does, every digit certified) to the loss\n"
        "EPS0, fit the asymptotic expansion of the trajectory there, and print its\n"
        "ESTIMATE of the row mpbias flow would print at the smaller loss EPS1\n"
        "(log10_loss, margin, wbar_1..wbar_d) with err_pred, the estimated relative\n"
        "error (normwise in wbar, as flow's err_est; it covers the margin too).  The\n"
        "expansion is the flow's slow manifold: the support samples' margins equal the\n"
        "margin plus offsets fixed by the multipliers' growth, the other samples'\n"
        "multipliers frozen (doc/asymptotics.md section 8).  The overlap, the expansion\n"
        "anchored at earlier rows (log10(1/eps) = y0/100, y0/30, y0/10, y0/3 of\n"
        "y0 = log10(1/EPS0), from 10 on) predicting later ones, is measured against the\n"
        "trajectory and calibrates err_pred.\n",
        args,
        "CSV columns: log10_loss, margin, wbar_1..wbar_d, err_pred, kind (estimate).\n"
        "The exponential loss with a scalar alpha only.  Exit status 0, 1 on an error\n"
        "(for instance a trajectory not yet asymptotic at EPS0), 2 on a usage error.\n"
    };
    return cli_args_parse(&cmd, argc, argv);
}

/* the losses: EPS0 at most 1e-10, every EPS1 at most EPS0; EXIT_OK or
   EXIT_USAGE after reporting */
static int
x_validate(xargs *a)
{
    int i;
    double y0 = -mpbias_sci_log10_d(a->from);
    if (!a->have_from)
        return cli_usage_error("extrapolate", "--from-loss EPS0 is required");
    if (a->n_to == 0)
        return cli_usage_error("extrapolate", "--to-loss EPS1 is required");
    if (!(y0 >= 10.0))
        return cli_usage_error("extrapolate", "--from-loss must be at most 1e-10 (the expansion "
                               "is asymptotic)");
    a->to = cli_parse_sci_list("extrapolate", "to-loss", a->to_s, a->n_to);
    if (a->to == NULL)
        return EXIT_USAGE;
    for (i = 0; i < a->n_to; i++)
        if (!(-mpbias_sci_log10_d(a->to + i) >= y0))
            return cli_usage_error("extrapolate", "--to-loss %s is above --from-loss: the "
                                   "expansion predicts smaller losses", a->to_s[i]);
    return EXIT_OK;
}

/* the flow's options: rows at y0/100, y0/30, y0/10, y0/3 (from 10 on) and
   the stop at EPS0; 0 when out of memory */
static int
x_flow_opts(mpbias_flow_opts *fo, const xargs *a)
{
    static const double div[] = { 100.0, 30.0, 10.0, 3.0 };
    double y0 = -mpbias_sci_log10_d(a->from);
    int i;
    mpfr_t y;
    fo->at_loss = malloc(4 * sizeof(mpbias_sci_struct));
    if (fo->at_loss == NULL)
        return 0;
    mpfr_init2(y, 64);
    fo->n_at_loss = 0;
    for (i = 0; i < 4; i++)
        if (y0 / div[i] >= 10.0)
        {
            mpfr_set_d(y, y0 / div[i], MPFR_RNDN);
            mpbias_sci_init(fo->at_loss + fo->n_at_loss);
            mpbias_sci_set_pow10_neg(fo->at_loss + fo->n_at_loss, y);
            fo->n_at_loss++;
        }
    mpfr_clear(y);
    fo->digits = (int) a->digits;
    fo->prec = (mpfr_prec_t) a->prec;
    fo->per_decade = 0;
    fo->until_loss_set = 1;
    mpbias_sci_set(fo->until_loss, a->from);
    return 1;
}

/* significant digits to print: at most K, and no more than err_pred allows
   (two beyond its decade, so that the rounding, at most 5 10^-k relative,
   stays below half of err_pred), at least 3 */
static int
x_digits(const xargs *a, const mpbias_expand_row *p)
{
    double e = mpfr_get_d(p->err_pred, MPFR_RNDU);
    int k = (int) a->digits;
    if (e > 0.0 && isfinite(e))
    {
        int q = (int) floor(-log10(e)) + 2;
        if (q < k)
            k = q;
    }
    return k < 3 ? 3 : k;
}

/* one predicted row as CSV: log10_loss, margin, wbar, err_pred, kind */
static void
x_csv_row(FILE *f, const xargs *a, const mpbias_expand_row *p)
{
    int k = x_digits(a, p);
    slong i;
    mpfr_fprintf(f, "%.*Re", k - 1, p->log10_loss);
    cli_put_csv_num(f, p->margin, k);
    for (i = 0; i < p->d; i++)
        cli_put_csv_num(f, p->wbar[i], k);
    mpfr_fprintf(f, ",%.2Re,estimate\n", p->err_pred);
}

static void
x_csv_header(FILE *f, slong d)
{
    slong i;
    fputs("log10_loss,margin", f);
    for (i = 1; i <= d; i++)
        fprintf(f, ",wbar_%ld", (long) i);
    fputs(",err_pred,kind\n", f);
}

/* the fit's description: support, frozen samples, overlap, calibration */
static void
x_text_fit(FILE *f, const xargs *a, const mpbias_data_struct *data,
           const mpbias_expand_struct *ex, const mpbias_flow_rows *rows)
{
    slong k;
    fprintf(f, "mpbias extrapolate: ESTIMATES from the asymptotic expansion (the flow's slow "
            "manifold,\ndoc/asymptotics.md section 8), not computed trajectories\n");
    fprintf(f, "data: %s (n = %ld, d = %ld); depth %ld, alpha ", data->name, (long) data->n,
            (long) data->d, a->depth);
    fmpq_fprint(f, a->alpha);
    fprintf(f, ", exponential loss (%s)\n", a->mean ? "mean" : "summed");
    mpfr_fprintf(f, "trajectory: %ld rows to log10(eps) = %.6Rg, %ld certified digits\n",
                 (long) rows->n, ex->anchor.log10_loss, a->digits);
    fprintf(f, "support (multipliers growing):");
    for (k = 0; k < ex->n; k++)
        if (ex->support[k])
            fprintf(f, " %ld", (long) k + 1);
    fprintf(f, "; frozen:");
    for (k = 0; k < ex->n; k++)
        if (!ex->support[k])
            fprintf(f, " %ld", (long) k + 1);
    if (ex->nsup == ex->n)
        fprintf(f, " none");
    fprintf(f, "\noverlap (the expansion anchored at one row predicting a later one):\n");
    fprintf(f, "  %-16s %-16s %-12s %-12s %-12s\n", "from log10(eps)", "to log10(eps)",
            "actual err", "estimate", "rows' err");
    for (k = 0; k < ex->noverlap; k++)
        fprintf(f, "  %-16.6g %-16.6g %-12.3e %-12.3e %-12.3e\n", ex->overlap[k].log10_from,
                ex->overlap[k].log10_to, ex->overlap[k].actual, ex->overlap[k].est,
                ex->overlap[k].floor);
    fprintf(f, "nowcast (the expansion at EPS0 against the row there): %.3e\n", ex->nowcast);
    fprintf(f, "calibration factor (max of actual/estimate where above the rows' error, at "
            "least 1): %.3g\n", ex->calib);
}

static void
x_text_row(FILE *f, const xargs *a, const mpbias_expand_row *p)
{
    int k = x_digits(a, p);
    slong i;
    mpfr_fprintf(f, "\nestimate at log10(eps) = %.*Rg:\n", (int) a->digits, p->log10_loss);
    mpfr_fprintf(f, "  margin    %.*Re\n", k - 1, p->margin);
    for (i = 0; i < p->d; i++)
        mpfr_fprintf(f, "  wbar_%-4ld %.*Re\n", (long) i + 1, k - 1, p->wbar[i]);
    mpfr_fprintf(f, "  err_pred  %.2Re (estimated relative error: 2 x calibration x (omitted "
                 "terms %.2Re + transient %.2Re) + input %.2Re)\n", p->err_pred, p->est_omitted,
                 p->transient, p->err_input);
}

static void
x_json(FILE *f, const xargs *a, const mpbias_data_struct *data, const mpbias_expand_struct *ex,
       const mpbias_expand_row *p, int np)
{
    slong k, i;
    fprintf(f, "{\n  \"mpbias\": \"%s\",\n  \"command\": \"extrapolate\",\n  \"estimate\": true,"
            "\n  \"data\": {\"name\": \"", PACKAGE_VERSION);
    cli_put_json_string(f, data->name);
    fprintf(f, "\", \"n\": %ld, \"d\": %ld},\n  \"depth\": %ld, \"alpha\": \"", (long) data->n,
            (long) data->d, a->depth);
    fmpq_fprint(f, a->alpha);
    mpfr_fprintf(f, "\", \"loss_mean\": %s,\n  \"from_log10_loss\": \"%.*Re\",\n  \"support\": [",
                 a->mean ? "true" : "false", (int) a->digits - 1, ex->anchor.log10_loss);
    for (k = 0, i = 0; k < ex->n; k++)
        if (ex->support[k])
            fprintf(f, "%s%ld", i++ ? ", " : "", (long) k + 1);
    fprintf(f, "],\n  \"calibration\": %.6g,\n  \"overlap\": [", ex->calib);
    for (k = 0; k < ex->noverlap; k++)
        fprintf(f, "%s\n    {\"from_log10_loss\": %.17g, \"to_log10_loss\": %.17g, \"actual\": "
                "%.3e, \"estimate\": %.3e, \"rows_err\": %.3e}", k ? "," : "",
                ex->overlap[k].log10_from, ex->overlap[k].log10_to, ex->overlap[k].actual,
                ex->overlap[k].est, ex->overlap[k].floor);
    fprintf(f, "\n  ],\n  \"rows\": [");
    for (k = 0; k < np; k++)
    {
        int dg = x_digits(a, p + k);
        mpfr_fprintf(f, "%s\n    {\"log10_loss\": \"%.*Re\", \"margin\": \"%.*Re\", \"wbar\": [",
                     k ? "," : "", dg - 1, p[k].log10_loss, dg - 1, p[k].margin);
        for (i = 0; i < p[k].d; i++)
            mpfr_fprintf(f, "%s\"%.*Re\"", i ? ", " : "", dg - 1, p[k].wbar[i]);
        mpfr_fprintf(f, "], \"err_pred\": \"%.2Re\", \"kind\": \"estimate\"}", p[k].err_pred);
    }
    fprintf(f, "\n  ]\n}\n");
}

/* the flow to EPS0, the fit and the predictions; EXIT_OK or EXIT_FAIL
   (reported) */
static int
x_run(const xargs *a, const mpbias_data_t data, const mpbias_model_t model)
{
    mpbias_flow_opts fo;
    mpbias_flow_rows rows;
    mpbias_flow_stats stats;
    mpbias_expand_t ex;
    mpbias_expand_row *p = NULL;
    mpbias_err_t err;
    cli_progress prog;
    int r = EXIT_OK, i, np = 0;
    mpbias_flow_opts_init(&fo);
    mpbias_flow_rows_init(&rows);
    mpbias_expand_init(ex);
    mpbias_err_clear(err);
    if (!x_flow_opts(&fo, a))
    {
        cli_error("out of memory");
        r = EXIT_FAIL;
        goto done;
    }
    cli_progress_start(&prog, a->quiet, a->from);
    if (mpbias_flow_run(data, model, &fo, mpbias_flow_rows_collect, progress, &rows, &stats,
                        err) != MPBIAS_OK
        || mpbias_expand_compute(ex, data, model, &rows, err) != MPBIAS_OK)
    {
        cli_progress_erase(&prog);
        r = cli_lib_error(err);
        goto done;
    }
    p = malloc((size_t) a->n_to * sizeof *p);
    for (i = 0; p != NULL && i < a->n_to; i++, np++)
    {
        mpbias_expand_row_init(p + i, data->n, data->d, ex->prec);
        if (mpbias_expand_predict(p + i, ex, a->to + i, err) != MPBIAS_OK)
        {
            np++;
            cli_progress_erase(&prog);
            r = cli_lib_error(err);
            goto done;
        }
    }
    cli_progress_erase(&prog);
    if (a->fmt == 2)
        x_json(stdout, a, data, ex, p, np);
    else
    {
        if (a->fmt == 0)
            x_text_fit(stdout, a, data, ex, &rows);
        else
            x_csv_header(stdout, data->d);
        for (i = 0; i < np; i++)
            (a->fmt == 0 ? x_text_row : x_csv_row)(stdout, a, p + i);
    }
    if (!a->quiet)
        fprintf(stderr, "%s: trajectory to log10(eps) = %.6g (%ld rows), %d estimates, %.2f s\n",
                PROG, mpbias_sci_log10_d(a->from), (long) rows.n, np,
                cli_progress_elapsed(&prog));
done:
    for (i = 0; i < np; i++)
        mpbias_expand_row_clear(p + i);
    free(p);
    mpbias_expand_clear(ex);
    mpbias_flow_rows_clear(&rows);
    mpbias_flow_opts_loss_grid_free(&fo);
    mpbias_flow_opts_clear(&fo);
    return r;
}

int
cmd_extrapolate(int argc, char **argv)
{
    xargs a;
    mpbias_data_t data;
    mpbias_model_t model;
    int r;
    memset(&a, 0, sizeof a);
    a.dopt.format = MPBIAS_FORMAT_AUTO;
    a.depth = 2;
    a.digits = 16;
    fmpq_init(a.alpha);
    fmpq_one(a.alpha);
    mpbias_sci_init(a.from);
    r = x_parse(&a, argc, argv);
    if (r == EXIT_OK)
        r = x_validate(&a);
    if (r == EXIT_OK)
    {
        mpbias_data_init(data);
        mpbias_model_init(model);
        if ((r = cli_load_data("extrapolate", &a.dopt, data)) == EXIT_OK)
        {
            model->depth = (int) a.depth;
            model->mean = a.mean;
            fmpq_set(model->alpha, a.alpha);
            r = x_run(&a, data, model);
        }
        mpbias_model_clear(model);
        mpbias_data_clear(data);
    }
    if (a.to != NULL)
        cli_sci_list_free(a.to, a.n_to);
    fmpq_clear(a.alpha);
    mpbias_sci_clear(a.from);
    return r == CLI_HELP_SHOWN ? EXIT_OK : r;
}
