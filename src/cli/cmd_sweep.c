/*
 * cmd_sweep.c -- `mpbias sweep`: trajectories over a grid of datasets,
 * depths and initialization scales, each sampled at a grid of losses and
 * analysed as `mpbias regime` does, written as one tidy CSV.
 *
 * Layout of the output directory:
 *   run.json        what was asked (version, options, precision); a rerun
 *                   must ask the same, or it is refused
 *   points/P.csv    the rows of grid point P (dataset, depth, alpha), each
 *                   written to a temporary name and renamed: present means
 *                   complete
 *   results.csv     all points in grid order (written at the end, the same
 *                   way)
 * The grid and the computation of its points are the library's sweep
 * (mpbias_sweep_*, src/asym/sweep.c); this file reads the options, loads
 * the datasets and drives the rest: sweep_workers.c runs the points
 * (--jobs worker processes, default the number of processors, or MPI
 * ranks), sweep_out.c writes and merges the files, sweep_plot.c draws.
 * The result is byte-identical whatever the number of workers, and a
 * killed sweep rerun with the same command computes only the missing points.
 */
#include "config.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#ifdef MPBIAS_MPI
# include <mpi.h>
#endif

/* The MPI rank and size (0 and 1 without MPI). */
static int
mpi_rank(void)
{
#ifdef MPBIAS_MPI
    int r;
    MPI_Comm_rank(MPI_COMM_WORLD, &r);
    return r;
#else
    return 0;
#endif
}

/* r from rank 0 to every rank (r itself without MPI) */
static int
mpi_share(int r)
{
#ifdef MPBIAS_MPI
    MPI_Bcast(&r, 1, MPI_INT, 0, MPI_COMM_WORLD);
#endif
    return r;
}

/* The options of sweep, with their defaults. */
typedef struct
{
    cli_sweep_grid g;
    cli_shape_opts sopt;
    mpbias_format fmt;
    const char *label_column;
    const char *alpha_list, *alpha_range_s, *until_s, *dir;
    mpbias_sci_struct *until;
    long per_decade, digits, jobs;
    int qmu, plot, quiet, target, mean;
    mpbias_loss loss;
    fmpq *sa, *sb;              /* the shape, read (sd entries) */
    slong sd;
    double delta;
    const char *delta_s;
    char **alphas;              /* the alphas as given, or as generated */
    slong na;
} sweep_args;

static const char *const TARGETS[] = { "l2", "rich", "qmu", "l1", NULL };

/* argv into a; EXIT_OK, CLI_HELP_SHOWN, or EXIT_USAGE after reporting */
static int
sweep_parse(sweep_args *a, int argc, char **argv)
{
    const cli_arg args[] = {
        { CLI_ROW(CLI_ARG_SECTION, "Options", 0, NULL, NULL) },
        { CLI_ROW(CLI_ARG_CALL, "data", 0, "FILE", &a->g), .call = cli_sweep_add_dataset,
          .help = "a dataset file (repeatable)" },
        { CLI_ROW(CLI_ARG_CALL, "example", 0, "NAME", &a->g), .call = cli_sweep_add_dataset,
          .help = "a built-in example, e.g. transition or\n"
                  "sparse-teacher:n=20,d=50,k=3,seed=1 (repeatable)" },
        { CLI_ROW(CLI_ARG_DATA_FORMAT, "data-format", 0, "FMT", &a->fmt),
          .help = "auto (default), libsvm or csv, for the files" },
        { CLI_ROW(CLI_ARG_STRING, "label-column", 0, "COL", &a->label_column),
          .help = CLI_LABEL_COLUMN_TEXT },
        { CLI_ROW(CLI_ARG_CALL, "depths", 0, "LIST", &a->g), .call = cli_sweep_set_depths,
          .help = "comma-separated depths (default 2)" },
        { CLI_ROW(CLI_ARG_STRING, "alphas", 0, "LIST", &a->alpha_list),
          .help = "comma-separated scales alpha (decimals), or" },
        { CLI_ROW(CLI_ARG_STRING, "alpha-range", 0, "A0:A1:N", &a->alpha_range_s),
          .help = "N scales log-spaced from A0 to A1 (each rounded to 6\n"
                  "significant digits; default 0.1:10:5)" },
        { CLI_ROW(CLI_ARG_SCI, "until-loss", 0, "EPS", a->until), .text = &a->until_s,
          .help = "the last loss (default 1e-1000)" },
        { CLI_ROW(CLI_ARG_LONG, "per-decade", 0, "P", &a->per_decade), .lo = 1, .hi = 20,
          .help = "losses per decade of log10(1/eps), as for regime: 1, 2,\n"
                  "3 (default) or 4 to 20 (log-spaced)" },
        { CLI_ROW(CLI_ARG_LONG, "digits", 0, "K", &a->digits), .lo = 1, .hi = 1000,
          .help = "certified digits of the trajectories (default 10)" },
        { CLI_ROW(CLI_ARG_FLAG, "qmu", 0, NULL, &a->qmu),
          .help = "also the distance to the intermediate predictor (slower)" },
        { CLI_ROW(CLI_ARG_CHOICE, "target", 0, "T", &a->target), .choices = TARGETS,
          .help = "the distance in column d_target and the pictures: rich\n"
                  "(default: l2 for depth 1, l1 for depth 2; for depth 3+\n"
                  "one KKT point per dataset and depth, the one the smallest\n"
                  "alpha's trajectory reaches, in DIR/targets.json), l2,\n"
                  "l1 (at every depth) or qmu (the intermediate predictor)" },
        CLI_ARGS_LOSS(a->loss, a->mean),
        CLI_ARGS_SCALED_SHAPE(a->sopt),
        { CLI_ROW(CLI_ARG_LONG, "jobs", 0, "J", &a->jobs), .lo = 1, .hi = 1024,
          .help = "worker processes (default: the number of processors)" },
        { CLI_ROW(CLI_ARG_STRING, "out", 0, "DIR", &a->dir),
          .help = "output directory (created; required)" },
        { CLI_ROW(CLI_ARG_FLAG, "plot", 0, NULL, &a->plot),
          .help = "also draw, per dataset I and depth D, DIR/phase-I-DD:\n"
                  "alpha against log10(1/eps), coloured by the distance to\n"
                  "the target, with the boundaries gamma = alpha^D and\n"
                  "rho = 1, and DIR/distances-I-DD: that distance against\n"
                  "log10(1/eps), one curve per alpha; each .png, .svg and\n"
                  ".pdf (needs gnuplot)" },
        { CLI_ROW(CLI_ARG_POSITIVE, "threshold-within", 0, "DELTA", &a->delta), .text = &a->delta_s,
          .help = "also find, per grid point, the loss at which w/margin\n"
                  "comes within DELTA of the target and stays (mpbias\n"
                  "threshold, to 4 digits, horizon --until-loss): in\n"
                  "DIR/thresholds.csv, and drawn on the phase diagram" },
        CLI_ARG_QUIET(a->quiet, CLI_QUIET_PROGRESS_TEXT),
        CLI_ARGS_HELP,
        CLI_ARGS_END
    };
    const cli_command cmd = {
        "sweep", "(--data FILE | --example NAME)... --out DIR [OPTIONS]",
        "Run gradient flow for every dataset, depth and initialization scale of a grid,\n"
           "sample each trajectory at losses with log10(1/eps) = 1, 2, 5, 10, ... up to the\n"
           "target, analyse every sample as `mpbias regime` does, and write one tidy CSV\n"
           "row per (dataset, depth, alpha, eps).  Grid points run in parallel worker\n"
           "processes; results do not depend on their number; an interrupted sweep rerun\n"
           "with the same command continues where it stopped.\n",
        args,
        "results.csv columns: dataset (index, 1-based), name, depth, alpha, log10_loss,\n"
           "log10_t, margin, log10_muD, kappa, d_l2, d_rich, d_qmu (sup norms; nan when\n"
           "not computed), floor (their resolution), stationarity, slackness, regime,\n"
           "nearest, d_target (the distance to --target's predictor), wbar_1 .. wbar_d\n"
           "(w/margin); see mpbias regime --help.  run.json records the options.  Where\n"
           "a distance to the target is not defined, d_target is nan, a warning names\n"
           "the point, and the phase diagram marks the sample with a red cross.\n"
    };
    return cli_args_parse(&cmd, argc, argv);
}

/* the combinations of options, the alphas, the loss and gnuplot; EXIT_OK,
   or EXIT_USAGE / EXIT_FAIL after reporting; *target: log10(1/eps) */
static int
sweep_validate(sweep_args *a, double *target)
{
    int r = EXIT_OK;
    if (a->g.nds == 0)
        r = cli_usage_error("sweep", "no dataset: give --data FILE or --example NAME");
    if (r == EXIT_OK && a->dir == NULL)
        r = cli_usage_error("sweep", "--out DIR is required");
    if (r == EXIT_OK && a->alpha_list != NULL && a->alpha_range_s != NULL)
        r = cli_usage_error("sweep", "give --alphas or --alpha-range, not both");
    if (r == EXIT_OK)
        r = cli_shape_check("sweep", &a->sopt);
    if (r == EXIT_OK && a->alpha_list != NULL)
        r = cli_sweep_alpha_list(&a->alphas, &a->na, a->alpha_list);
    else if (r == EXIT_OK
             && !cli_sweep_alpha_range(&a->alphas, &a->na,
                                       a->alpha_range_s ? a->alpha_range_s : "0.1:10:5"))
        r = cli_usage_error("sweep", "invalid value '%s' for --alpha-range: expected A0:A1:N "
                            "with 0 < A0 <= A1 and 1 <= N <= 10000", a->alpha_range_s);
    if (r == EXIT_OK && a->until_s == NULL)
        r = EXIT_USAGE;
    if (r == EXIT_OK)
    {
        if (strcmp(a->until_s, "1e-1000") == 0)
            mpbias_sci_parse(a->until, a->until_s, NULL);
        *target = -mpbias_sci_log10_d(a->until);
        if (!(*target >= 1.0))
            r = cli_usage_error("sweep", "--until-loss must be at most 0.1 (the first loss is "
                                "eps = 0.1)");
    }
    if (r == EXIT_OK && a->plot
        && system("command -v \"${MPBIAS_GNUPLOT:-gnuplot}\" >/dev/null 2>&1") != 0)
    {
        cli_error("--plot needs gnuplot, which is not installed (Debian package gnuplot-nox)");
        r = EXIT_FAIL;
    }
    return r;
}

/* The datasets, loaded once (the workers inherit them; under MPI every
   rank loads them, the others after rank 0 succeeded, so that errors are
   reported once).  EXIT_OK, or an error code (reported). */
static int
load_datasets(const sweep_args *a, mpbias_data_struct *data)
{
    slong i;
    int r = EXIT_OK;
    if (mpi_rank() == 0)
        for (i = 0; i < a->g.nds && r == EXIT_OK; i++)
        {
            cli_data_opts o = { a->g.files[i], a->g.examples[i], a->fmt, a->label_column };
            r = cli_load_data("sweep", &o, data + i);
        }
    if ((r = mpi_share(r)) == EXIT_OK && mpi_rank() != 0)
        for (i = 0; i < a->g.nds && r == EXIT_OK; i++)
        {
            cli_data_opts o = { a->g.files[i], a->g.examples[i], a->fmt, a->label_column };
            r = cli_load_data("sweep", &o, data + i);
        }
    return r;
}

/* The output directory and its description (a rerun must match it; rank
   0 only), the points, their merge in grid order into results.csv and
   thresholds.csv, and the pictures. */
static int
sweep_run(const cli_sweep *c, const sweep_args *a, double target)
{
    char *desc = cli_sweep_describe(c, a->g.files, a->g.examples, a->until_s);
    int r = EXIT_OK;
    if (desc == NULL)
    {
        cli_error("out of memory");
        r = EXIT_FAIL;
    }
    else if (mpi_rank() == 0)
    {
        r = cli_sweep_prepare_dir(c->dir, desc);
        if (r == EXIT_OK)
            r = cli_sweep_write_targets(c);
    }
    free(desc);
    if ((r = mpi_share(r)) != EXIT_OK)
        return r;
    if ((r = cli_sweep_workers(c)) != EXIT_OK)
        return r == CLI_SWEEP_NOT_MINE ? EXIT_OK : r;   /* rank 0 merges */
    desc = cli_sweep_header(c->sw);
    r = desc != NULL ? cli_sweep_merge(c->dir, c->sw->npoints, "csv", "results.csv", desc)
                     : EXIT_FAIL;
    free(desc);
    if (r == EXIT_OK && c->delta_s != NULL)
        r = cli_sweep_merge(c->dir, c->sw->npoints, "thr", "thresholds.csv",
                            "dataset,depth,alpha,within,reached,log10_loss\n");
    if (r == EXIT_OK && a->plot)
        r = cli_sweep_plot(c, target);
    return r;
}

int
cmd_sweep(int argc, char **argv)
{
    sweep_args a;
    mpbias_sweep_t sw;
    mpbias_data_struct *data = NULL;
    mpbias_err_t err;
    cli_sweep c;
    double target = 0.0;
    slong i;
    int r;

    memset(&a, 0, sizeof a);
    a.target = MPBIAS_TARGET_RICH;
    a.loss = MPBIAS_LOSS_EXP;
    a.g.depths[0] = 2;
    a.fmt = MPBIAS_FORMAT_AUTO;
    a.until_s = "1e-1000";
    a.per_decade = 3;
    a.digits = 10;
    mpbias_sweep_init(sw);
    a.until = sw->until_loss;
    r = sweep_parse(&a, argc, argv);
    if (a.g.nd == 0)
        a.g.nd = 1;
    if (r == EXIT_OK)
        r = sweep_validate(&a, &target);
    if (r == EXIT_OK)
    {
        data = calloc((size_t) a.g.nds, sizeof(mpbias_data_struct));
        for (i = 0; i < a.g.nds; i++)
            mpbias_data_init(data + i);
        r = load_datasets(&a, data);
    }
    if (r == EXIT_OK && cli_shape_given(&a.sopt))
    {
        a.sd = data[0].d;
        r = cli_shape_load("sweep", &a.sopt, a.sd, &a.sa, &a.sb);
    }
    if (r == EXIT_OK)
    {
        sw->data = data;
        sw->ndata = a.g.nds;
        sw->depths = a.g.depths;
        sw->ndepths = a.g.nd;
        sw->alphas = (const char *const *) a.alphas;
        sw->nalphas = a.na;
        sw->per_decade = a.per_decade;
        sw->digits = (int) a.digits;
        sw->qmu = a.qmu;
        sw->threshold_within = a.delta;
        sw->target_set = 1;
        sw->target = (mpbias_target) a.target;
        sw->loss = a.loss;
        sw->mean = a.mean;
        sw->shape_a = a.sa;
        sw->shape_b = a.sb;
        sw->shape_d = a.sa != NULL ? data[0].d : 0;
        mpbias_err_clear(err);
        if (mpbias_sweep_prepare(sw, err) != MPBIAS_OK)
            r = cli_lib_error(err);
    }
    if (r == EXIT_OK)
    {
        if (a.jobs <= 0)
        {
            long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
            a.jobs = ncpu > 0 ? ncpu : 1;
        }
        c.dir = a.dir;
        c.delta_s = a.delta_s;
        c.sw = sw;
        c.jobs = a.jobs;
        c.quiet = a.quiet;
        r = sweep_run(&c, &a, target);
    }
    if (data != NULL)
    {
        for (i = 0; i < a.g.nds; i++)
            mpbias_data_clear(data + i);
        free(data);
    }
    for (i = 0; i < a.na; i++)
        free(a.alphas[i]);
    free(a.alphas);
    cli_shape_free(a.sa, a.sb, a.sd);
    mpbias_sweep_clear(sw);
    return r == CLI_HELP_SHOWN ? EXIT_OK : r;
}
