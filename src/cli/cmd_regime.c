/*
 * cmd_regime.c -- `mpbias regime`: a trajectory side by side with the
 * limits theory predicts, over decades of log(1/eps): scale variables,
 * distances to the l2, rich and intermediate predictors, the KKT residuals
 * and the regime with its criterion; optionally a plot (gnuplot).  The
 * pipeline is the library's (mpbias_regime_traj_compute); the table is
 * regime_out.c's, the pictures regime_plot.c's.
 */
#include "config.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

static int
progress(const mpbias_flow_stats *st, void *ctx)
{
    cli_progress_flow((cli_progress *) ctx, st);
    return 0;
}

/* --target's values (the index is regime_args.target) and their targets */
static const char *const TARGET_NAMES[] = { "rich", "l1", "l2", "qmu", NULL };
static const mpbias_target TARGET_OF[] = { MPBIAS_TARGET_RICH, MPBIAS_TARGET_L1,
                                           MPBIAS_TARGET_L2, MPBIAS_TARGET_QMU };

/* The options of regime, with their defaults. */
typedef struct
{
    cli_data_opts dopt;
    long depth, per_decade, digits, prec;
    double support_tol;         /* 0: automatic */
    int csv, quiet, have_anchor, target, mean;
    mpbias_loss loss;
    cli_shape_opts sopt;
    const char *plotfile, *wbarfile, *out;
    cli_coords coords;          /* --plot-wbar's coordinates */
    fmpq_t alpha;
    mpbias_sci_t until, anchor;
} regime_args;

/* argv into a; EXIT_OK, CLI_HELP_SHOWN, or EXIT_USAGE after reporting */
static int
regime_parse(regime_args *a, int argc, char **argv)
{
    static const char *const FORMATS[] = { "text", "csv", NULL };
    const cli_arg args[] = {
        { CLI_ROW(CLI_ARG_SECTION, "Options", 0, NULL, NULL) },
        CLI_ARGS_DATA(a->dopt),
        CLI_ARGS_DEPTH_ALPHA(a->depth, a->alpha, CLI_DEPTH_TEXT),
        CLI_ARGS_SCALED_SHAPE(a->sopt),
        CLI_ARGS_LOSS(a->loss, a->mean),
        { CLI_ROW(CLI_ARG_CHOICE, "target", 0, "T", &a->target), .choices = TARGET_NAMES,
          .help = "the distance that matters (column d_target of the CSV,\n"
                  "the dashed lines of --plot-wbar), as in mpbias sweep:\n"
                  "rich (default: l2 for depth 1, l1 for depth 2, for depth\n"
                  "3+ the KKT point polished from the last checkpoint), l1\n"
                  "(the l1 max-margin predictor at every depth; it is then\n"
                  "the rich column too), l2, or qmu (the intermediate\n"
                  "predictor at each checkpoint's mu)" },
        { CLI_ROW(CLI_ARG_SCI, "until-loss", 0, "EPS", a->until),
          .help = "the last loss (default 1e-1000; any decimal literal such\n"
                  "as 1e-1000000), in the loss's convention" },
        { CLI_ROW(CLI_ARG_SCI, "extrapolate-from", 0, "EPS0", a->anchor), .given = &a->have_anchor,
          .help = "predict wbar at every later checkpoint from the one\n"
                  "at EPS0 alone (added to the checkpoints), with the\n"
                  "expansion d ~ C gamma^-p, and print the error (column\n"
                  "extrap; default: each row from the previous one)" },
        { CLI_ROW(CLI_ARG_LONG, "per-decade", 0, "P", &a->per_decade), .lo = 1, .hi = 20,
          .help = "checkpoints per decade of log10(1/eps): 1 (1, 10, 100,\n"
                  "...), 2 (1, 3, 10, 30, ...), 3 (default: 1, 2, 5, 10,\n"
                  "...), or 4 to 20 (log-spaced: 10^(k/P))" },
        { CLI_ROW(CLI_ARG_LONG, "digits", 0, "K", &a->digits), .lo = 1, .hi = 1000,
          .help = "certified digits of the trajectory (default 12); the\n"
                  "distances are printed with 3 digits" },
        CLI_ARG_PREC(a->prec, "working precision of the trajectory (default: automatic;\n"
                              "raise it when a checkpoint cannot be certified)"),
        { CLI_ROW(CLI_ARG_UNIT, "support-tol", 0, "TAU", &a->support_tol),
          .help = "depth >= 3: the support threshold of the KKT point\n"
                  "polished from the last checkpoint (default: automatic,\n"
                  "the KKT point nearest the checkpoint over TAU in 1e-4\n"
                  ".. 0.3)" },
        { CLI_ROW(CLI_ARG_CHOICE, "format", 0, "FMT", &a->csv), .choices = FORMATS,
          .help = "text (default) or csv" },
        { CLI_ROW(CLI_ARG_STRING, "plot", 0, "FILE", &a->plotfile),
          .help = "also draw the distances against log10(1/eps) on log\n"
                  "axes into FILE (.png, .svg or .pdf; needs gnuplot)" },
        { CLI_ROW(CLI_ARG_STRING, "plot-wbar", 0, "FILE", &a->wbarfile),
          .help = "also draw coordinates of w/margin against log10(1/eps)\n"
                  "(solid), with the target's values (dashed) in the same\n"
                  "colours, into FILE (.png, .svg or .pdf)" },
        { CLI_ROW(CLI_ARG_CALL, "coords", 0, "LIST", &a->coords), .call = cli_coords_parse,
          .help = "the coordinates --plot-wbar draws: e.g. 1,3,7-9, or all\n"
                  "(default: the support of the rich limit and of the\n"
                  "target, then the largest others at the last checkpoint,\n"
                  "10 in all; all when d <= 10)" },
        { CLI_ROW(CLI_ARG_STRING, "output", 'o', "FILE", &a->out),
          .help = "write the table to FILE instead of standard output" },
        CLI_ARG_QUIET(a->quiet, CLI_QUIET_PROGRESS_TEXT),
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
        "extrap_err, regime, nearest (the nearer of l2 and rich, sup norm), d_target\n"
        "(the sup distance to --target's predictor), wbar_1 .. wbar_d (w/margin, to\n"
        "--digits digits).  Where the distance to the target is not defined (no KKT\n"
        "point, no intermediate predictor), d_target is nan and a warning says why.\n"
    };
    return cli_args_parse(&cmd, argc, argv);
}

/* the loss, the anchor and the plots' files and program; EXIT_OK, or
   EXIT_USAGE / EXIT_FAIL after reporting */
static int
regime_validate(const regime_args *a, double target)
{
    int r = cli_shape_check("regime", &a->sopt), i;
    if (r == EXIT_OK && !(target >= 1.0))
        r = cli_usage_error("regime", "--until-loss must be at most 0.1 (the first checkpoint "
                            "is eps = 0.1)");
    if (r == EXIT_OK && a->have_anchor)
    {
        double x = -mpbias_sci_log10_d(a->anchor);
        if (!(x >= 1.0 && x < target))
            r = cli_usage_error("regime", "--extrapolate-from must be a loss between the first "
                                "checkpoint (0.1) and --until-loss");
    }
    for (i = 0; i < 2 && r == EXIT_OK; i++)
    {
        const char *pf = i == 0 ? a->plotfile : a->wbarfile, *ext = pf ? strrchr(pf, '.') : NULL;
        if (pf != NULL && (ext == NULL || (strcmp(ext, ".png") != 0 && strcmp(ext, ".svg") != 0
                                           && strcmp(ext, ".pdf") != 0)))
            r = cli_usage_error("regime", "--%s %s: the file name must end in .png, .svg or .pdf",
                                i == 0 ? "plot" : "plot-wbar", pf);
    }
    if (r == EXIT_OK && (a->coords.n > 0 || a->coords.all) && a->wbarfile == NULL)
        r = cli_usage_error("regime", "--coords chooses the coordinates of --plot-wbar: give "
                            "--plot-wbar FILE too");
    if (r == EXIT_OK && (a->plotfile != NULL || a->wbarfile != NULL)
        && !cli_find_program(cli_gnuplot_program()))
    {
        cli_error("--plot needs gnuplot, which is not installed (Debian package gnuplot-nox)");
        r = EXIT_FAIL;
    }
    return r;
}

/* the flow's options: the checkpoints, the extrapolation's anchor (unless
   it is a checkpoint already), the stop; 0 when out of memory */
static int
regime_flow_opts(mpbias_flow_opts *fo, const regime_args *a, double target)
{
    slong i;
    int dup = 0;
    if (!mpbias_flow_opts_loss_grid(fo, a->per_decade, target, 1))
        return 0;
    if (a->have_anchor)
    {
        for (i = 0; i < fo->n_at_loss && !dup; i++)
            dup = fmpq_equal(fo->at_loss[i].mant, a->anchor->mant)
                  && fmpz_equal(fo->at_loss[i].exp10, a->anchor->exp10);
        if (!dup)
        {
            mpbias_sci_init(fo->at_loss + fo->n_at_loss);
            mpbias_sci_set(fo->at_loss + fo->n_at_loss, a->anchor);
            fo->n_at_loss++;
        }
    }
    fo->digits = (int) a->digits;
    fo->prec = (mpfr_prec_t) a->prec;
    fo->per_decade = 0;
    fo->until_loss_set = 1;
    mpbias_sci_set(fo->until_loss, a->until);
    return 1;
}

/* depth >= 3: the rich target in words, or the message that there is
   none */
static void
kkt_describe(char *desc, size_t n, const regime_args *a, const mpbias_regime_traj_struct *rt)
{
    if (a->depth < 3 || rt->rows.n == 0)
        return;
    if (a->target == 1)
    {
        snprintf(desc, n, "the l1 max-margin predictor%s",
                 rt->ref->rich_kind == MPBIAS_RICH_L1_FACE ? " (its optimal face: not unique)" : "");
        return;
    }
    if (rt->kkt_found)
        snprintf(desc, n, "the l_(2/%ld) KKT point polished from the last "
                 "checkpoint (%s; support threshold %g)", a->depth,
                 rt->kkt_kind == MPBIAS_KKT_L1 ? "the l1 solution"
                 : rt->kkt_kind == MPBIAS_KKT_VERTEX ? "a vertex, not the l1 solution"
                                                     : "an interior KKT point", rt->kkt_tau);
    else if (!a->quiet && rt->target != MPBIAS_TARGET_RICH)
        fprintf(stderr, "%s: no l_(2/%ld) KKT point near the last checkpoint (%s): no rich "
                "limit column\n", PROG, a->depth, rt->kkt_err->msg);
}

/* the warning (also with --quiet) when the distance to the target is not
   defined at some checkpoints */
static void
warn_target(const regime_args *a, const mpbias_regime_traj_struct *rt, const char *name)
{
    slong j, nnan = 0;
    for (j = 0; j < rt->rows.n; j++)
        nnan += !mpbias_regime_traj_target_dist(rt, j)->available;
    if (nnan > 0)
        cli_error("warning: the distance to the %s target is not defined (%s): d_target is nan "
                  "at %ld of %ld checkpoints", name,
                  rt->target == MPBIAS_TARGET_QMU
                      ? (a->depth < 2 ? "no intermediate predictor at depth 1"
                                      : "no intermediate predictor with a shape")
                  : a->depth >= 3 && !rt->kkt_found ? rt->kkt_err->msg : "no rich limit",
                  (long) nnan, (long) rt->rows.n);
}

/* the table (to --output or standard output) and the pictures */
static int
regime_print(const regime_args *a, const cli_regime_out *o)
{
    FILE *f = stdout;
    if (a->out != NULL && (f = fopen(a->out, "w")) == NULL)
    {
        cli_error("%s: cannot open for writing: %s", a->out, strerror(errno));
        return EXIT_FAIL;
    }
    if (a->csv)
        cli_regime_csv(f, o);
    else
        cli_regime_text(f, o);
    if (a->out != NULL && fclose(f) != 0)
    {
        cli_error("%s: write error: %s", a->out, strerror(errno));
        return EXIT_FAIL;
    }
    return cli_regime_plots(a->plotfile, a->wbarfile, o);
}

int
cmd_regime(int argc, char **argv)
{
    regime_args a;
    mpbias_data_t data;
    mpbias_model_t model;
    mpbias_flow_opts fo;
    mpbias_regime_traj_t rt;
    mpbias_err_t err;
    cli_progress prog;
    char kkt_desc[256] = "none";
    double target;
    int r;

    memset(&a, 0, sizeof a);
    a.dopt.format = MPBIAS_FORMAT_AUTO;
    a.depth = 2;
    a.per_decade = 3;
    a.digits = 12;
    fmpq_init(a.alpha);
    fmpq_one(a.alpha);
    mpbias_sci_init(a.until);
    mpbias_sci_init(a.anchor);
    mpbias_sci_parse(a.until, "1e-1000", NULL);
    r = regime_parse(&a, argc, argv);
    target = -mpbias_sci_log10_d(a.until);
    if (r == EXIT_OK)
        r = regime_validate(&a, target);
    if (r != EXIT_OK)
    {
        fmpq_clear(a.alpha);
        mpbias_sci_clear(a.until);
        mpbias_sci_clear(a.anchor);
        cli_coords_clear(&a.coords);
        return r == CLI_HELP_SHOWN ? EXIT_OK : r;
    }

    mpbias_data_init(data);
    mpbias_model_init(model);
    mpbias_flow_opts_init(&fo);
    mpbias_regime_traj_init(rt);
    if ((r = cli_load_data("regime", &a.dopt, data)) != EXIT_OK
        || (r = cli_coords_check("regime", &a.coords, data->d)) != EXIT_OK)
        goto done;
    model->depth = (int) a.depth;
    model->loss = a.loss;
    model->mean = a.mean;
    fmpq_set(model->alpha, a.alpha);
    if ((r = cli_model_scaled_shape("regime", &a.sopt, data, model)) != EXIT_OK)
        goto done;
    if (!regime_flow_opts(&fo, &a, target))
    {
        cli_error("out of memory");
        r = EXIT_FAIL;
        goto done;
    }
    mpbias_err_clear(err);
    cli_progress_start(&prog, a.quiet, a.until);
    {
        mpbias_regime_traj_opts o = {
            .qmu_digits = a.depth >= 2 && model->shape_a == NULL ? 10 : 0,
            .support_tol = a.support_tol, .rates = 1, .anchor = a.have_anchor ? a.anchor : NULL,
            .rich_from = MPBIAS_RICH_FROM_OWN, .progress_fn = progress, .ctx = &prog,
            .target_set = 1, .target = TARGET_OF[a.target] };
        r = mpbias_regime_traj_run(rt, data, model, &fo, &o, err) != MPBIAS_OK;
    }
    cli_progress_erase(&prog);
    if (r)
    {
        r = cli_lib_error(err);
        goto done;
    }
    kkt_describe(kkt_desc, sizeof kkt_desc, &a, rt);
    warn_target(&a, rt, TARGET_NAMES[a.target]);
    {
        cli_regime_out o = { data, rt, a.depth, a.digits, a.alpha, kkt_desc, model,
                             TARGET_NAMES[a.target], &a.coords };
        if ((r = regime_print(&a, &o)) != EXIT_OK)
            goto done;
    }
    if (!a.quiet)
        fprintf(stderr, "%s: %ld checkpoints to log10(1/eps) = %.6g; %ld bits, %ld steps, %.2f s\n",
                PROG, (long) rt->rows.n, target, (long) rt->stats.prec, (long) rt->stats.steps,
                cli_progress_elapsed(&prog));
done:
    mpbias_regime_traj_clear(rt);
    mpbias_flow_opts_loss_grid_free(&fo);
    mpbias_flow_opts_clear(&fo);
    mpbias_model_clear(model);
    mpbias_data_clear(data);
    fmpq_clear(a.alpha);
    mpbias_sci_clear(a.until);
    mpbias_sci_clear(a.anchor);
    cli_coords_clear(&a.coords);
    return r;
}
