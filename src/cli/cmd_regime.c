/*
 * cmd_regime.c -- `mpbias regime`: a trajectory side by side with the
 * limits theory predicts, over decades of log(1/eps): scale variables,
 * distances to the l2, rich and intermediate predictors, the KKT residuals
 * and the regime with its criterion; optionally a plot (gnuplot).
 */
#include "config.h"
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "cli.h"

/* n mpfr numbers of prec bits, NaN (NULL when out of memory) */
static mpfr_t *
cli_mpfr_vec_prec(slong n, mpfr_prec_t prec)
{
    mpfr_t *v = malloc((size_t) (n > 0 ? n : 1) * sizeof(mpfr_t));
    slong i;
    if (v != NULL)
        for (i = 0; i < n; i++)
            mpfr_init2(v[i], prec);
    return v;
}

static void
cli_mpfr_vec_free(mpfr_t *v, slong n)
{
    slong i;
    if (v == NULL)
        return;
    for (i = 0; i < n; i++)
        mpfr_clear(v[i]);
    free(v);
}

static int
progress(const mpbias_flow_stats *st, void *ctx)
{
    cli_progress_flow((cli_progress *) ctx, st);
    return 0;
}

/* a distance for the text table: "1.23e-05", "<4.1e-21" below the floor,
   "-" when not available */
static void
put_dist(FILE *f, const mpbias_dist *x, int width)
{
    char buf[64];
    if (!x->available || mpfr_nan_p(x->sup))
        snprintf(buf, sizeof buf, "-");
    else if (mpfr_cmp(x->sup, x->floor) <= 0)
        mpfr_snprintf(buf, sizeof buf, "<%.1Re", x->floor);
    else
        mpfr_snprintf(buf, sizeof buf, "%.2Re", x->sup);
    fprintf(f, " %*s", width, buf);
}

static void
put_csv_dist(FILE *f, const mpbias_dist *x)
{
    if (!x->available)
        fputs(",nan,nan,nan", f);
    else
    {
        cli_put_csv_num(f, x->sup, 4);
        cli_put_csv_num(f, x->l2, 4);
        cli_put_csv_num(f, x->angle, 4);
    }
}

static const char *
nearest_name(int nearest, const mpbias_regime_ref_t ref)
{
    if (nearest == 0)
        return "l2";
    if (nearest == 1)
        return ref->rich_kind == MPBIAS_RICH_KKT ? "kkt" : "l1";
    return "-";
}

/* The gnuplot program: $MPBIAS_GNUPLOT, or gnuplot on the PATH. */
static const char *
gnuplot_program(void)
{
    const char *g = getenv("MPBIAS_GNUPLOT");
    return g != NULL && *g != '\0' ? g : "gnuplot";
}

/* 1 if prog (a path, or a name looked up in $PATH) is executable */
static int
find_program(const char *prog)
{
    const char *path = getenv("PATH"), *p;
    char buf[4096];
    if (strchr(prog, '/') != NULL)
        return access(prog, X_OK) == 0;
    for (p = path; p != NULL && *p != '\0';)
    {
        const char *e = strchr(p, ':');
        size_t n = e != NULL ? (size_t) (e - p) : strlen(p);
        if (n > 0 && n + strlen(prog) + 2 < sizeof buf)
        {
            memcpy(buf, p, n);
            buf[n] = '/';
            strcpy(buf + n + 1, prog);
            if (access(buf, X_OK) == 0)
                return 1;
        }
        p = e != NULL ? e + 1 : NULL;
    }
    return 0;
}

/* gnuplot writing FILE (PNG or SVG by the extension, checked before),
   titled; NULL (reported) when it cannot be started */
static FILE *
plot_open(const char *file, const char *title)
{
    const char *ext = strrchr(file, '.'), *q = gnuplot_program();
    char cmd[4200];
    size_t k = 0;
    FILE *g;
    /* the program, single-quoted for the shell */
    cmd[k++] = '\'';
    for (; *q != '\0' && k < sizeof cmd - 8; q++)
    {
        if (*q == '\'')
        {
            memcpy(cmd + k, "'\\''", 4);
            k += 4;
        }
        else
            cmd[k++] = *q;
    }
    cmd[k++] = '\'';
    cmd[k] = '\0';
    fflush(NULL);
    g = popen(cmd, "w");
    if (g == NULL)
    {
        cli_error("--plot: cannot run gnuplot: %s", strerror(errno));
        return NULL;
    }
    if (ext != NULL && strcmp(ext, ".png") == 0)
        fprintf(g, "set terminal png size 960,600\n");
    else
        fprintf(g, "set terminal svg size 960,600 dynamic\n");
    fputs("set output '", g);
    for (; *file; file++)
        fprintf(g, *file == '\'' ? "''" : "%c", *file);
    fputs("'\nset title '", g);
    for (; *title; title++)
        fprintf(g, *title == '\'' ? "''" : "%c", *title);
    fputs("' noenhanced\nset grid\nset xlabel 'log10(1/eps)  (training loss eps)'\n"
          "set logscale x\nset format x '10^{%L}'\n", g);
    return g;
}

static int
plot_close(FILE *g)
{
    int rc = pclose(g);
    if (rc != 0)
    {
        cli_error("--plot: gnuplot failed (exit status %d)", rc == -1 ? -1 : WEXITSTATUS(rc));
        return EXIT_FAIL;
    }
    return EXIT_OK;
}

/* Draw the distances to the three predictors. */
static int
plot(const char *file, const mpbias_flow_rows *c, mpbias_regime_row *an, const mpbias_regime_ref_t ref,
     const char *title)
{
    FILE *g;
    slong j;
    int s;
    static const char *const names[3] = { "l2 max margin (kernel limit)", NULL,
                                          "intermediate predictor at the current mu" };
    const char *rich = ref->rich_kind == MPBIAS_RICH_KKT ? "l_(2/D) KKT point (rich limit)"
                       : ref->rich_kind == MPBIAS_RICH_L1_FACE ? "l1 optimal face (rich limit)"
                                                              : "l1 max margin (rich limit)";
    if ((g = plot_open(file, title)) == NULL)
        return EXIT_FAIL;
    fputs("set logscale y\nset format y '10^{%L}'\n"
          "set ylabel 'sup-norm distance of w/margin to the predictor'\n"
          "set key bottom left inside box opaque\n", g);
    for (s = 0; s < 3; s++)
    {
        fprintf(g, "$D%d << EOD\n", s);
        for (j = 0; j < c->n; j++)
        {
            const mpbias_dist *x = s == 0 ? &an[j].to_l2 : s == 1 ? &an[j].to_rich : &an[j].to_qmu;
            if (x->available && mpfr_cmp(x->sup, x->floor) > 0 && mpfr_sgn(x->sup) > 0)
                mpfr_fprintf(g, "%.6Re %.6Re\n", c->rows[j].log10_loss, x->sup);
        }
        fputs("EOD\n", g);
    }
    /* only the series that have points (depth 1 has no rich limit and no
       intermediate predictor) */
    {
        int first = 1;
        fputs("plot ", g);
        for (s = 0; s < 3; s++)
        {
            int any = 0;
            for (j = 0; j < c->n && !any; j++)
            {
                const mpbias_dist *x = s == 0 ? &an[j].to_l2 : s == 1 ? &an[j].to_rich
                                                                      : &an[j].to_qmu;
                any = x->available && mpfr_cmp(x->sup, x->floor) > 0 && mpfr_sgn(x->sup) > 0;
            }
            if (!any)
                continue;
            fprintf(g, "%s$D%d using (-$1):2 with linespoints lw 2 title \"%s\" noenhanced",
                    first ? "" : ", ", s, s == 1 ? rich : names[s]);
            first = 0;
        }
        if (first)
            fputs("NaN notitle", g);
        fputs("\n", g);
    }
    return plot_close(g);
}

/* Draw the coordinates of wbar (the first 10) against log10(1/eps), with
   the rich limit's values as dashed lines in the same colours. */
static int
plot_wbar(const char *file, const mpbias_flow_rows *c, const mpbias_regime_ref_t ref, slong d,
          const char *title)
{
    FILE *g;
    slong j, i, nc = d < 10 ? d : 10;
    if ((g = plot_open(file, title)) == NULL)
        return EXIT_FAIL;
    fprintf(g, "set ylabel 'coordinates of w/margin%s'\nset key outside right top\n",
            d > nc ? " (the first 10)" : "");
    fputs("$W << EOD\n", g);
    for (j = 0; j < c->n; j++)
    {
        mpfr_fprintf(g, "%.6Re", c->rows[j].log10_loss);
        for (i = 0; i < nc; i++)
            mpfr_fprintf(g, " %.8Re", c->rows[j].wbar[i]);
        fputs("\n", g);
    }
    fputs("EOD\nplot ", g);
    for (i = 0; i < nc; i++)
    {
        fprintf(g, "%s$W using (-$1):%ld with linespoints lw 2 lc %ld title 'w_%ld/margin'",
                i ? ", " : "", (long) i + 2, (long) i + 1, (long) i + 1);
        if (ref->rich_lo != NULL && ref->rich_kind != MPBIAS_RICH_L1_FACE)
            mpfr_fprintf(g, ", %.10Re with lines dt 2 lc %ld %s", ref->rich_lo[i], (long) i + 1,
                         i == 0 ? "title 'rich limit (dashed)'" : "notitle");
    }
    fputs("\n", g);
    return plot_close(g);
}

int
cmd_regime(int argc, char **argv)
{
    cli_data_opts dopt = { NULL, NULL, MPBIAS_FORMAT_AUTO, NULL };
    long depth = 2, per_decade = 3, digits = 12, prec = 0;
    double support_tol = 0.0;   /* automatic */
    int r, csv = 0, quiet = 0;
    const char *plotfile = NULL, *wbarfile = NULL, *out = NULL;
    fmpq_t alpha;
    mpbias_sci_t until, anchor;
    int have_anchor = 0;
    slong ja = -1;
    mpbias_data_t data;
    mpbias_model_t model;
    mpbias_flow_opts fo;
    mpbias_regime_traj_t rt;
    mpbias_regime_ref_struct *ref;
    const mpbias_flow_rows *rows;
    mpbias_regime_row *an;
    mpbias_err_t err;
    cli_progress prog;
    FILE *f = stdout;
    char kkt_desc[256] = "none";
    mpfr_t *p_obs, *p_ext;
    slong j, i;
    double target;
    mpbias_status st;
    static const char *const FORMATS[] = { "text", "csv", NULL };
    const cli_arg args[] = {
        { CLI_ROW(CLI_ARG_SECTION, "Options", 0, NULL, NULL) },
        CLI_ARGS_DATA(dopt),
        { CLI_ROW(CLI_ARG_LONG, "depth", 0, "D", &depth), .lo = 1, .hi = 1000,
          .help = "depth D >= 1 (default 2)" },
        { CLI_ROW(CLI_ARG_DECIMAL, "alpha", 0, "A", alpha),
          .help = "initialization scale alpha > 0 (default 1)" },
        { CLI_ROW(CLI_ARG_SCI, "until-loss", 0, "EPS", until),
          .help = "the last loss (default 1e-1000; any decimal literal such\n"
                  "as 1e-1000000); the exponential loss, summed" },
        { CLI_ROW(CLI_ARG_SCI, "extrapolate-from", 0, "EPS0", anchor), .given = &have_anchor,
          .help = "predict wbar at every later checkpoint from the one\n"
                  "at EPS0 alone (added to the checkpoints), with the\n"
                  "expansion d ~ C gamma^-p, and print the error (column\n"
                  "extrap; default: each row from the previous one)" },
        { CLI_ROW(CLI_ARG_LONG, "per-decade", 0, "P", &per_decade), .lo = 1, .hi = 20,
          .help = "checkpoints per decade of log10(1/eps): 1 (1, 10, 100,\n"
                  "...), 2 (1, 3, 10, 30, ...), 3 (default: 1, 2, 5, 10,\n"
                  "...), or 4 to 20 (log-spaced: 10^(k/P))" },
        { CLI_ROW(CLI_ARG_LONG, "digits", 0, "K", &digits), .lo = 1, .hi = 1000,
          .help = "certified digits of the trajectory (default 12); the\n"
                  "distances are printed with 3 digits" },
        { CLI_ROW(CLI_ARG_LONG, "prec", 0, "BITS", &prec), .lo = 16, .hi = 1000000,
          .help = "working precision of the trajectory (default: automatic;\n"
                  "raise it when a checkpoint cannot be certified)" },
        { CLI_ROW(CLI_ARG_UNIT, "support-tol", 0, "TAU", &support_tol),
          .help = "depth >= 3: the support threshold of the KKT point\n"
                  "polished from the last checkpoint (default: automatic,\n"
                  "the KKT point nearest the checkpoint over TAU in 1e-4\n"
                  ".. 0.3)" },
        { CLI_ROW(CLI_ARG_CHOICE, "format", 0, "FMT", &csv), .choices = FORMATS,
          .help = "text (default) or csv" },
        { CLI_ROW(CLI_ARG_STRING, "plot", 0, "FILE", &plotfile),
          .help = "also draw the distances against log10(1/eps) on log\n"
                  "axes into FILE (.png or .svg; needs gnuplot)" },
        { CLI_ROW(CLI_ARG_STRING, "plot-wbar", 0, "FILE", &wbarfile),
          .help = "also draw the coordinates of w/margin (the first 10)\n"
                  "against log10(1/eps), with the rich limit's values" },
        { CLI_ROW(CLI_ARG_STRING, "output", 'o', "FILE", &out),
          .help = "write the table to FILE instead of standard output" },
        { CLI_ROW(CLI_ARG_FLAG, "quiet", 'q', NULL, &quiet),
          .help = "no progress line or summary on standard error" },
        CLI_ARGS_HELP,
        CLI_ARGS_END
    };
    const cli_command cmd = {
        "regime", "(--data FILE | --example NAME) [OPTIONS]",
        "Follow gradient flow (as mpbias flow does, every printed digit certified) and\n"
        "put it side by side with the limits theory predicts, at losses eps with\n"
        "log10(1/eps) = 1, 2, 5, 10, 20, 50, ... up to the target:\n"
        "  - the scale: the margin gamma, mu^D = alpha^D / gamma;\n"
        "  - the distances (sup norm) of the normalized predictor wbar = w / gamma to\n"
        "    the l2 max-margin predictor (the kernel limit), to the rich limit (the l1\n"
        "    max-margin predictor for depth 2, or its optimal face when not unique;\n"
        "    for depth 3 and more the l_(2/D) KKT point polished from the last\n"
        "    checkpoint), and to the intermediate predictor at the checkpoint's own mu;\n"
        "  - the residuals of wbar's optimality conditions (stationarity, which sits at\n"
        "    the working precision, and complementary slackness, which is what must\n"
        "    vanish for a limit to be reached);\n"
        "  - the rate at which the limit is approached, observed and predicted;\n"
        "  - the regime, from kappa = max|wbar| / mu^D, the size of the argument of the\n"
        "    potential: kernel (kappa <= 0.1, the potential is quadratic there),\n"
        "    intermediate, rich (kappa >= 10, l1-like); plateau when alpha < 1 and\n"
        "    rho = log(gamma) / (D log(1/alpha)) < 1 (small-initialization preloading\n"
        "    still dominates).  Depth 1 (the linear model) is kernel.\n",
        args,
        "The plot uses the program in $MPBIAS_GNUPLOT, or gnuplot on the PATH.\n"
        "A distance below the trajectory's own error (err_est max|wbar|, plus the\n"
        "intermediate predictor's rigorous error bound) is printed as '<' that bound.\n"
        "rate: the exponent p in d ~ C gamma^-p observed between consecutive rows for\n"
        "the distance to the limit (l2 for depth 1, rich otherwise); the header gives\n"
        "the predicted p (1 for depth 1 and 3+, the l1 dual slack for depth 2); extrap:\n"
        "the error of predicting wbar from the previous row with the predicted p,\n"
        "relative to that distance.  Depth 2 and more add the leading coefficient\n"
        "c = (wbar - w*) gamma^p at the last two checkpoints (w* the rich limit);\n"
        "depth 1 adds Soudry's rho(t) = w - w_l2 log t at the last checkpoint and the\n"
        "residual of its limit's support conditions 2 exp(-z_n . rho) = a_n (a: the\n"
        "l2 multipliers).\n"
        "CSV columns: log10_loss, log10_t, margin, log10_muD, kappa, rho, then for\n"
        "l2, rich and qmu the sup and l2 distances and the angle (radians), floor (the\n"
        "resolution of the distances), stationarity, slackness, rate, rate_predicted,\n"
        "extrap_err, regime, nearest (the nearer of l2 and rich, sup norm).\n"
    };

    fmpq_init(alpha);
    fmpq_one(alpha);
    mpbias_sci_init(until);
    mpbias_sci_init(anchor);
    mpbias_sci_parse(until, "1e-1000", NULL);
    r = cli_args_parse(&cmd, argc, argv);
    target = -mpbias_sci_log10_d(until);
    if (r == EXIT_OK && !(target >= 1.0))
        r = cli_usage_error("regime", "--until-loss must be at most 0.1 (the first checkpoint "
                            "is eps = 0.1)");
    if (r == EXIT_OK && have_anchor)
    {
        double a = -mpbias_sci_log10_d(anchor);
        if (!(a >= 1.0 && a < target))
            r = cli_usage_error("regime", "--extrapolate-from must be a loss between the first "
                                "checkpoint (0.1) and --until-loss");
    }
    for (i = 0; i < 2 && r == EXIT_OK; i++)
    {
        const char *pf = i == 0 ? plotfile : wbarfile, *ext = pf ? strrchr(pf, '.') : NULL;
        if (pf != NULL && (ext == NULL || (strcmp(ext, ".png") != 0 && strcmp(ext, ".svg") != 0)))
            r = cli_usage_error("regime", "--%s %s: the file name must end in .png or .svg",
                                i == 0 ? "plot" : "plot-wbar", pf);
    }
    if (r == EXIT_OK && (plotfile != NULL || wbarfile != NULL) && !find_program(gnuplot_program()))
    {
        cli_error("--plot needs gnuplot, which is not installed (Debian package gnuplot-nox)");
        r = EXIT_FAIL;
    }
    if (r != EXIT_OK)
    {
        fmpq_clear(alpha);
        mpbias_sci_clear(until);
        mpbias_sci_clear(anchor);
        return r == CLI_HELP_SHOWN ? EXIT_OK : r;
    }

    mpbias_data_init(data);
    mpbias_model_init(model);
    mpbias_flow_opts_init(&fo);
    mpbias_regime_traj_init(rt);
    if ((r = cli_load_data("regime", &dopt, data)) != EXIT_OK)
        goto done;
    model->depth = (int) depth;
    fmpq_set(model->alpha, alpha);

    /* the checkpoints, and room for the extrapolation's anchor */
    if (!mpbias_flow_opts_loss_grid(&fo, per_decade, target, 1))
    {
        cli_error("out of memory");
        r = EXIT_FAIL;
        goto done;
    }
    {
        /* the extrapolation's anchor, unless it is a checkpoint already */
        if (have_anchor)
        {
            int dup = 0;
            for (i = 0; i < fo.n_at_loss && !dup; i++)
                dup = fmpq_equal(fo.at_loss[i].mant, anchor->mant)
                      && fmpz_equal(fo.at_loss[i].exp10, anchor->exp10);
            if (!dup)
            {
                mpbias_sci_init(fo.at_loss + fo.n_at_loss);
                mpbias_sci_set(fo.at_loss + fo.n_at_loss, anchor);
                fo.n_at_loss++;
            }
        }
    }
    fo.digits = (int) digits;
    fo.prec = (mpfr_prec_t) prec;
    fo.per_decade = 0;
    fo.until_loss_set = 1;
    mpbias_sci_set(fo.until_loss, until);

    mpbias_err_clear(err);
    cli_progress_start(&prog, quiet, until);
    st = mpbias_regime_traj_compute(rt, data, model, &fo, depth >= 2 ? 10 : 0, support_tol, 1,
                                    have_anchor ? anchor : NULL, progress, &prog, err);
    cli_progress_erase(&prog);
    if (st != MPBIAS_OK)
    {
        r = cli_lib_error(err);
        goto done;
    }
    if (depth >= 3 && rt->rows.n > 0)
    {
        if (rt->kkt_found)
            snprintf(kkt_desc, sizeof kkt_desc, "the l_(2/%ld) KKT point polished from the last "
                     "checkpoint (%s; support threshold %g)", depth,
                     rt->kkt_kind == MPBIAS_KKT_L1 ? "the l1 solution"
                     : rt->kkt_kind == MPBIAS_KKT_VERTEX ? "a vertex, not the l1 solution"
                                                         : "an interior KKT point", rt->kkt_tau);
        else if (!quiet)
            fprintf(stderr, "%s: no l_(2/%ld) KKT point near the last checkpoint (%s): no rich "
                    "limit column\n", PROG, depth, rt->kkt_err->msg);
    }
    rows = &rt->rows;
    an = rt->an;
    ref = rt->ref;
    p_obs = rt->rate;
    p_ext = rt->extrap;
    ja = rt->anchor_row;

    if (out != NULL && (f = fopen(out, "w")) == NULL)
    {
        cli_error("%s: cannot open for writing: %s", out, strerror(errno));
        r = EXIT_FAIL;
        goto done;
    }
    if (csv)
    {
        fputs("log10_loss,log10_t,margin,log10_muD,kappa,rho,l2_sup,l2_l2,l2_angle,rich_sup,"
              "rich_l2,rich_angle,qmu_sup,qmu_l2,qmu_angle,floor,stationarity,slackness,rate,"
              "rate_predicted,extrap_err,regime,nearest\n", f);
        for (j = 0; j < rows->n; j++)
        {
            mpbias_regime_row *a = an + j;
            mpfr_fprintf(f, "%.*Re", (int) digits - 1, rows->rows[j].log10_loss);
            cli_put_csv_num(f, rows->rows[j].log10_t, 4);
            cli_put_csv_num(f, a->gamma, 4);
            cli_put_csv_num(f, a->log10_muD, 4);
            cli_put_csv_num(f, a->kappa, 4);
            cli_put_csv_num(f, a->rho, 4);
            put_csv_dist(f, &a->to_l2);
            put_csv_dist(f, &a->to_rich);
            put_csv_dist(f, &a->to_qmu);
            cli_put_csv_num(f, a->to_l2.floor, 4);
            cli_put_csv_num(f, a->stationarity, 4);
            cli_put_csv_num(f, a->slackness, 4);
            cli_put_csv_num(f, p_obs[j], 4);
            cli_put_csv_num(f, ref->rate, 4);
            cli_put_csv_num(f, p_ext[j], 4);
            fprintf(f, ",%s,%s\n", mpbias_regime_name(a->regime), nearest_name(a->nearest, ref));
        }
    }
    else
    {
        char *as = fmpq_get_str(NULL, 10, alpha);
        fprintf(f, "regime: %s (N = %ld, d = %ld), depth %ld, alpha = %s, exponential loss "
                "(summed); trajectory certified to %ld digits\n", data->name, (long) data->n,
                (long) data->d, depth, as, digits);
        flint_free(as);
        fprintf(f, "limits: l2 = the l2 max-margin predictor; rich = %s; qmu = the intermediate "
                "predictor\n        argmin Q_mu s.t. z_n . w >= 1 at the row's mu^D = alpha^D / "
                "gamma\n",
                ref->rich_kind == MPBIAS_RICH_L1 ? "the l1 max-margin predictor"
                : ref->rich_kind == MPBIAS_RICH_L1_FACE
                    ? "the l1 optimal face (not unique; distance to its bounding box, a lower bound)"
                                                    : kkt_desc);
        fprintf(f, "regime criterion: kappa = max|wbar| / mu^D (kernel <= 0.1 < intermediate < 10 "
                "<= rich);\n        plateau when alpha < 1 and rho = log(gamma) / (D log(1/alpha)) "
                "< 1\n");
        if (mpfr_number_p(ref->rate))
        {
            mpfr_fprintf(f, "expansion: d(%s) ~ C gamma^-p at fixed alpha, predicted p = %.6Rg (%s);"
                         "\n        rate: p observed between consecutive rows; extrap: error of "
                         "wbar predicted from the\n        %s row with the predicted p, "
                         "relative to d(%s)\n", ref->asym_rich ? "rich" : "l2", ref->rate,
                         depth == 1 ? "Soudry et al.: w = w_l2 log t + rho(t), rho bounded"
                         : depth == 2 ? "the l1 dual slack: max over optimal duals of the least "
                                        "1 - |(Z^T lambda)_i| off the support"
                                      : "corrections linear in mu^D",
                         ja >= 0 ? "anchor (--extrapolate-from)" : "previous",
                         ref->asym_rich ? "rich" : "l2");
            if (ja >= 0)
            {
                mpfr_t x;
                mpfr_init2(x, 64);
                mpfr_neg(x, rows->rows[ja].log10_loss, MPFR_RNDN);
                mpfr_fprintf(f, "        anchor: the checkpoint at log10(1/eps) = %.6Rg; every "
                             "later row is predicted from it alone\n", x);
                mpfr_clear(x);
            }
        }
        else
            fprintf(f, "expansion: no predicted rate here (%s); rate: p observed in d(rich) ~ "
                    "C gamma^-p\n", depth == 2 ? "the l1 optimum is not unique" : "no target");
        fprintf(f, "\n%13s %11s %11s %9s %9s %9s %9s %9s %9s %7s %8s %9s  %-12s %s\n",
                "log10(1/eps)", "margin", "log10 mu^D", "kappa", "d(l2)", "d(rich)", "d(qmu)",
                "station.", "slackness", "rate", "extrap", "rho", "regime", "nearest");
        for (j = 0; j < rows->n; j++)
        {
            mpbias_regime_row *a = an + j;
            mpfr_t x;
            mpfr_init2(x, 64);
            mpfr_neg(x, rows->rows[j].log10_loss, MPFR_RNDN);
            mpfr_fprintf(f, "%13.6Rg %11.5Rg", x, a->gamma);
            if (mpfr_nan_p(a->log10_muD))
                fprintf(f, " %11s %9s", "-", "-");
            else
                mpfr_fprintf(f, " %11.4Rf %9.2Re", a->log10_muD, a->kappa);
            put_dist(f, &a->to_l2, 9);
            put_dist(f, &a->to_rich, 9);
            put_dist(f, &a->to_qmu, 9);
            mpfr_fprintf(f, " %9.1Re %9.2Re", a->stationarity, a->slackness);
            if (mpfr_nan_p(p_obs[j]))
                fprintf(f, " %7s", "-");
            else
                mpfr_fprintf(f, " %7.4Rf", p_obs[j]);
            if (mpfr_nan_p(p_ext[j]))
                fprintf(f, " %8s", "-");
            else
                mpfr_fprintf(f, " %8.1Re", p_ext[j]);
            if (mpfr_nan_p(a->rho))
                fprintf(f, " %9s", "-");
            else
                mpfr_fprintf(f, " %9.3Rf", a->rho);
            fprintf(f, "  %-12s %s\n", mpbias_regime_name(a->regime),
                    nearest_name(a->nearest, ref));
            mpfr_clear(x);
        }
        if (depth >= 2 && rows->n >= 2 && mpfr_number_p(ref->rate)
            && ref->rich_kind != MPBIAS_RICH_L1_FACE && ref->rich_lo != NULL)
        {
            /* the leading coefficient c = (wbar - w*) gamma^p at the last two rows */
            slong jj;
            mpfr_t g, t;
            mpfr_inits2(64, g, t, (mpfr_ptr) 0);
            fprintf(f, "\nleading correction wbar = w* + c gamma^-p + ..., w* the rich limit; c at "
                    "the last two checkpoints:\n");
            for (jj = rows->n - 2; jj < rows->n; jj++)
            {
                mpfr_t x;
                mpfr_init2(x, 64);
                mpfr_neg(x, rows->rows[jj].log10_loss, MPFR_RNDN);
                mpfr_pow(g, rows->rows[jj].margin, ref->rate, MPFR_RNDN);
                mpfr_fprintf(f, "  log10(1/eps) = %-10.6Rg c = (", x);
                for (i = 0; i < data->d; i++)
                {
                    mpfr_sub(t, rows->rows[jj].wbar[i], ref->rich_lo[i], MPFR_RNDN);
                    mpfr_mul(t, t, g, MPFR_RNDN);
                    mpfr_fprintf(f, "%s%.4Rg", i ? ", " : "", t);
                }
                fprintf(f, ")\n");
                mpfr_clear(x);
            }
            mpfr_clears(g, t, (mpfr_ptr) 0);
        }
        if (depth == 1 && rows->n > 0)
        {
            /* Soudry's expansion: rho(t) = w - w_l2 log t at the last checkpoint */
            mpfr_t *rho = cli_mpfr_vec_prec(data->d, mpfr_get_prec(rows->rows[0].wbar[0]) + 32);
            mpfr_t res;
            mpfr_init2(res, 64);
            mpbias_err_clear(err);
            if (rho != NULL
                && mpbias_regime_rho(rho, res, ref, data, rows->rows + rows->n - 1, err) == MPBIAS_OK)
            {
                fprintf(f, "\nSoudry's expansion w(t) = w_l2 log t + rho(t) at the last checkpoint:"
                        "\n  rho = (");
                for (i = 0; i < data->d; i++)
                    mpfr_fprintf(f, "%s%.6Rg", i ? ", " : "", rho[i]);
                mpfr_t fl;
                mpfr_init2(fl, 64);
                /* resolution: the row's relative error times the margin */
                if (mpfr_number_p(rows->rows[rows->n - 1].err_est))
                    mpfr_mul(fl, rows->rows[rows->n - 1].err_est, rows->rows[rows->n - 1].margin, MPFR_RNDU);
                else
                    mpfr_set_zero(fl, 1);
                mpfr_fprintf(f, ")\n  support conditions 2 exp(-z_n . rho) = a_n (a: the l2 "
                             "multipliers), tending to 0: residual ");
                if (mpfr_cmp(res, fl) <= 0)
                    mpfr_fprintf(f, "<%.1Re (the resolution)\n", fl);
                else
                    mpfr_fprintf(f, "%.2Re\n", res);
                mpfr_clear(fl);
            }
            cli_mpfr_vec_free(rho, data->d);
            mpfr_clear(res);
        }
        fprintf(f, "\nd(.): sup-norm distance of wbar = w/margin; '<x': below the resolution x "
                "(the trajectory's\nerror, plus the intermediate predictor's bound). station.: "
                "max|w(Z^T nu)/gamma - wbar| / max|wbar|;\nslackness: max_n (nu_n / max nu) "
                "(z_n . wbar - 1), 0 exactly at a limit's KKT point.\n");
    }
    if (out != NULL && fclose(f) != 0)
    {
        cli_error("%s: write error: %s", out, strerror(errno));
        r = EXIT_FAIL;
        goto done;
    }
    if (plotfile != NULL)
    {
        char title[512];
        char *as = fmpq_get_str(NULL, 10, alpha);
        snprintf(title, sizeof title, "%s: depth %ld, alpha = %s", data->name, depth, as);
        flint_free(as);
        if ((r = plot(plotfile, rows, an, ref, title)) != EXIT_OK)
            goto done;
    }
    if (wbarfile != NULL)
    {
        char title[512];
        char *as = fmpq_get_str(NULL, 10, alpha);
        snprintf(title, sizeof title, "%s: depth %ld, alpha = %s: the coordinates of w/margin",
                 data->name, depth, as);
        flint_free(as);
        if ((r = plot_wbar(wbarfile, rows, ref, data->d, title)) != EXIT_OK)
            goto done;
    }
    if (!quiet)
        fprintf(stderr, "%s: %ld checkpoints to log10(1/eps) = %.6g; %ld bits, %ld steps, %.2f s\n",
                PROG, (long) rows->n, target, (long) rt->stats.prec, (long) rt->stats.steps,
                cli_progress_elapsed(&prog));
    r = EXIT_OK;
done:
    mpbias_regime_traj_clear(rt);
    mpbias_flow_opts_loss_grid_free(&fo);
    mpbias_flow_opts_clear(&fo);
    mpbias_model_clear(model);
    mpbias_data_clear(data);
    fmpq_clear(alpha);
    mpbias_sci_clear(until);
    mpbias_sci_clear(anchor);
    return r;
}
