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
 * Grid points run in worker processes (--jobs, default the number of
 * processors): the parent keeps up to J children, one per point, and starts
 * the next when one ends (trajectories differ a lot in cost); with one job
 * the points run in the process itself.  Every point's
 * file depends only on its inputs, so the result is byte-identical whatever
 * the number of workers, and a killed sweep rerun with the same command
 * computes only the missing points.
 */
#include "config.h"
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <fcntl.h>
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

typedef struct
{
    const char *file;
    const char *example;
} dsrc;

typedef struct
{
    slong ids;
    long depth;
    slong ia;
} gpoint;

/* the datasets and depths of the grid, as the option layer fills them */
typedef struct
{
    dsrc ds[64];
    slong nds;
    long depths[64];
    slong nd;
} grid_args;

/* --data FILE / --example NAME, repeatable */
static int
add_dataset(const char *cmd, const char *name, const char *value, void *dest)
{
    grid_args *g = dest;
    if (g->nds == 64)
        return cli_usage_error(cmd, "at most 64 datasets");
    g->ds[g->nds].file = strcmp(name, "data") == 0 ? value : NULL;
    g->ds[g->nds].example = strcmp(name, "example") == 0 ? value : NULL;
    g->nds++;
    return EXIT_OK;
}

/* --depths LIST */
static int
set_depths(const char *cmd, const char *name, const char *value, void *dest)
{
    grid_args *g = dest;
    char *s = strdup(value), *tok, *save = NULL;
    int r = EXIT_OK;
    if (s == NULL)
        return cli_usage_error(cmd, "out of memory");
    g->nd = 0;
    for (tok = strtok_r(s, ",", &save); tok != NULL && r == EXIT_OK;
         tok = strtok_r(NULL, ",", &save))
    {
        if (g->nd == 64)
            r = cli_usage_error(cmd, "at most 64 depths");
        else if (!cli_parse_slong(cmd, name, tok, 1, 1000, g->depths + g->nd))
            r = EXIT_USAGE;
        g->nd++;
    }
    if (r == EXIT_OK && g->nd == 0)
        r = cli_usage_error(cmd, "--depths needs at least one depth");
    free(s);
    return r;
}

/* the alpha strings (exact decimals) */
static int
alpha_range(char ***out, slong *n, const char *spec)
{
    double a0, a1;
    long k;
    slong i;
    char tail;
    if (sscanf(spec, "%lf:%lf:%ld%c", &a0, &a1, &k, &tail) != 3 || !(a0 > 0) || !(a1 >= a0)
        || !isfinite(a1) || k < 1 || k > 10000 || (k == 1 && a1 != a0))
        return 0;
    *out = malloc((size_t) k * sizeof(char *));
    if (*out == NULL)
        return 0;
    for (i = 0; i < k; i++)
    {
        double v = k == 1 ? a0 : exp(log(a0) + (log(a1) - log(a0)) * (double) i / (double) (k - 1));
        (*out)[i] = malloc(32);
        snprintf((*out)[i], 32, "%.6g", v);
    }
    *n = k;
    return 1;
}

#ifdef MPBIAS_MPI
/* the claim of point p (MPI) */
static char *
claim_path(const char *dir, slong p)
{
    size_t len = strlen(dir) + 64;
    char *s = malloc(len);
    if (s != NULL)
        snprintf(s, len, "%s/points/%06ld.claim", dir, (long) p);
    return s;
}
#endif

/* another file of point p: DIR/points/P.EXT */
static char *
part_path_ext(const char *dir, slong p, const char *ext)
{
    size_t len = strlen(dir) + 64;
    char *s = malloc(len);
    if (s != NULL)
        snprintf(s, len, "%s/points/%06ld.%s", dir, (long) p, ext);
    return s;
}

/* the part file of point p */
static char *
part_path(const char *dir, slong p, int tmp)
{
    size_t len = strlen(dir) + 64;
    char *s = malloc(len);
    if (s != NULL)
        snprintf(s, len, tmp ? "%s/points/.%06ld.tmp" : "%s/points/%06ld.csv", dir, (long) p);
    return s;
}

/* Concatenate the part files points/NNNNNN.EXT of the npts grid points, in
   grid order after `header`, into DIR/NAME (written under a temporary name,
   then renamed).  EXIT_OK, or EXIT_FAIL (reported). */
static int
merge_parts(const char *dir, slong npts, const char *ext, const char *name, const char *header)
{
    size_t len = strlen(dir) + strlen(name) + 16;
    char *tmp = malloc(len), *res = malloc(len);
    FILE *out = NULL;
    slong p;
    int r = EXIT_OK;
    if (tmp == NULL || res == NULL)
    {
        cli_error("%s: out of memory", dir);
        r = EXIT_FAIL;
        goto done;
    }
    snprintf(tmp, len, "%s/.%s.tmp", dir, name);
    snprintf(res, len, "%s/%s", dir, name);
    if ((out = fopen(tmp, "w")) == NULL)
    {
        cli_error("%s: cannot write: %s", tmp, strerror(errno));
        r = EXIT_FAIL;
        goto done;
    }
    fputs(header, out);
    for (p = 0; p < npts && r == EXIT_OK; p++)
    {
        char *fin = part_path_ext(dir, p, ext), buf[8192];
        FILE *in = fin ? fopen(fin, "r") : NULL;
        size_t k;
        if (in == NULL)
        {
            cli_error("%s: missing: %s", fin ? fin : dir, strerror(errno));
            r = EXIT_FAIL;
        }
        else
        {
            while ((k = fread(buf, 1, sizeof buf, in)) > 0)
                fwrite(buf, 1, k, out);
            fclose(in);
        }
        free(fin);
    }
    if (fclose(out) != 0 || (r == EXIT_OK && rename(tmp, res) != 0))
    {
        cli_error("%s: write error: %s", res, strerror(errno));
        r = EXIT_FAIL;
    }
done:
    free(tmp);
    free(res);
    return r;
}

static void
put_dist(FILE *f, const mpbias_dist *x)
{
    if (!x->available)
        fputs(",nan", f);
    else
        cli_put_csv_num(f, x->sup, 7);
}

/* One grid point, in a worker: the trajectory, its analysis, the part
   file (temporary name, then renamed).  Returns EXIT_OK or EXIT_FAIL. */
static int
run_point(const char *dir, slong p, const gpoint *g, const mpbias_data_struct *data,
          const char *alpha_s, const mpbias_flow_opts *fo_in, int qmu, const mpbias_sci_t until,
          double delta, const char *delta_s)
{
    mpbias_model_t model;
    mpbias_flow_opts fo;
    mpbias_regime_traj_t rt;
    mpbias_err_t err;
    mpbias_status st;
    char *tmp = part_path(dir, p, 1), *fin = part_path(dir, p, 0);
    FILE *f = NULL;
    slong j, i;
    int r = EXIT_FAIL;

    mpbias_model_init(model);
    mpbias_flow_opts_init(&fo);
    mpbias_regime_traj_init(rt);
    model->depth = (int) g->depth;
    mpbias_err_clear(err);
    if (mpbias_decimal_parse(model->alpha, alpha_s, strlen(alpha_s), err) != MPBIAS_OK)
        goto done;
    fo.digits = fo_in->digits;
    fo.per_decade = 0;
    fo.until_loss_set = 1;
    mpbias_sci_set(fo.until_loss, until);
    fo.n_at_loss = fo_in->n_at_loss;
    fo.at_loss = fo_in->at_loss;   /* shared, read only */
    /* depth >= 3 without a KKT point near the last sample: no rich column (nan) */
    st = mpbias_regime_traj_compute(rt, data, model, &fo, qmu && g->depth >= 2 ? 8 : 0, 0.0, 0,
                                    NULL, NULL, NULL, err);
    if (st != MPBIAS_OK)
    {
        cli_error("%s, depth %ld, alpha %s: %s", data->name, g->depth, alpha_s, err->msg);
        goto done;
    }
    if (g->depth >= 3 && rt->rows.n > 0 && !rt->kkt_found)
        cli_error("warning: %s, depth %ld, alpha %s: no l_(2/%ld) KKT point near the last "
                  "sample (%s): the rich distances of this point are nan", data->name, g->depth,
                  alpha_s, g->depth, rt->kkt_err->msg);
    if (tmp == NULL || fin == NULL)
    {
        cli_error("out of memory");
        goto done;
    }
    /* the threshold (before the rows: their file marks the point complete) */
    if (delta > 0.0)
    {
        mpbias_threshold_t th;
        char *thr = part_path_ext(dir, p, "thr");
        mpbias_threshold_init(th);
        mpbias_err_clear(err);
        st = mpbias_threshold_find(th, data, model, MPBIAS_TARGET_RICH, delta, 0, until, 4, err);
        if (st == MPBIAS_OK && (f = fopen(tmp, "w")) != NULL)
        {
            fprintf(f, "%ld,%ld,%s,%s,%s,", (long) g->ids + 1, g->depth, alpha_s, delta_s,
                    th->reached ? (th->at_first ? "at_first" : "true") : "false");
            if (th->reached)
                mpfr_fprintf(f, "%.3RDe\n", th->log10_loss);
            else
                fputs("nan\n", f);
            if (fclose(f) != 0 || rename(tmp, thr) != 0)
                st = MPBIAS_ERR_IO;
            f = NULL;
        }
        else if (st == MPBIAS_OK)
            st = MPBIAS_ERR_IO;
        mpbias_threshold_clear(th);
        free(thr);
        if (st != MPBIAS_OK)
        {
            cli_error("%s, depth %ld, alpha %s: threshold: %s", data->name, g->depth, alpha_s,
                      st == MPBIAS_ERR_IO ? "cannot write" : err->msg);
            goto done;
        }
    }
    if ((f = fopen(tmp, "w")) == NULL)
    {
        cli_error("%s: cannot write: %s", tmp, strerror(errno));
        goto done;
    }
    for (j = 0; j < rt->rows.n; j++)
    {
        const mpbias_regime_row *a = rt->an + j;
        const mpbias_flow_row *row = rt->rows.rows + j;
        fprintf(f, "%ld,\"", (long) g->ids + 1);
        for (i = 0; data->name[i] != '\0'; i++)
            fputs(data->name[i] == '"' ? "\"\"" : (char[]) { data->name[i], '\0' }, f);
        fprintf(f, "\",%ld,%s", g->depth, alpha_s);
        mpfr_fprintf(f, ",%.*Re", fo.digits - 1, row->log10_loss);
        cli_put_csv_num(f, row->log10_t, 7);
        cli_put_csv_num(f, a->gamma, 7);
        cli_put_csv_num(f, a->log10_muD, 7);
        cli_put_csv_num(f, a->kappa, 7);
        put_dist(f, &a->to_l2);
        put_dist(f, &a->to_rich);
        put_dist(f, &a->to_qmu);
        cli_put_csv_num(f, a->to_l2.floor, 7);
        cli_put_csv_num(f, a->stationarity, 7);
        cli_put_csv_num(f, a->slackness, 7);
        fprintf(f, ",%s,%s\n", mpbias_regime_name(a->regime),
                a->nearest == 0 ? "l2"
                : a->nearest == 1 ? (rt->ref->rich_kind == MPBIAS_RICH_KKT ? "kkt" : "l1")
                                  : "-");
    }
    if (fflush(f) != 0 || fsync(fileno(f)) != 0 || fclose(f) != 0)
    {
        f = NULL;
        cli_error("%s: write error: %s", tmp, strerror(errno));
        goto done;
    }
    f = NULL;
    if (rename(tmp, fin) != 0)
    {
        cli_error("%s: cannot rename: %s", tmp, strerror(errno));
        goto done;
    }
    r = EXIT_OK;
done:
    if (f != NULL)
        fclose(f);
    fo.at_loss = NULL;
    fo.n_at_loss = 0;
    mpbias_flow_opts_clear(&fo);
    mpbias_regime_traj_clear(rt);
    mpbias_model_clear(model);
    free(tmp);
    free(fin);
    return r;
}

/* run.json: the request, byte for byte the same for the same command */
static char *
describe(const dsrc *ds, slong nds, const long *depths, slong nd, char **alphas, slong na,
         const char *until_s, long per_decade, long digits, int qmu, const char *delta_s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    slong i;
    if (f == NULL)
        return NULL;
    fprintf(f, "{\n  \"mpbias\": \"%s\",\n  \"command\": \"sweep\",\n  \"datasets\": [", PACKAGE_VERSION);
    for (i = 0; i < nds; i++)
    {
        fprintf(f, "%s{\"%s\": \"", i ? ", " : "", ds[i].file ? "file" : "example");
        cli_put_json_string(f, ds[i].file ? ds[i].file : ds[i].example);
        fputs("\"}", f);
    }
    fputs("],\n  \"depths\": [", f);
    for (i = 0; i < nd; i++)
        fprintf(f, "%s%ld", i ? ", " : "", depths[i]);
    fputs("],\n  \"alphas\": [", f);
    for (i = 0; i < na; i++)
        fprintf(f, "%s\"%s\"", i ? ", " : "", alphas[i]);
    fprintf(f, "],\n  \"loss\": \"exp\", \"until_loss\": \"%s\", \"per_decade\": %ld,\n", until_s,
            per_decade);
    fprintf(f, "  \"digits\": %ld, \"qmu\": %s", digits, qmu ? "true" : "false");
    if (delta_s != NULL)
        fprintf(f, ", \"threshold_within\": \"%s\"", delta_s);
    fputs("\n}\n", f);
    fclose(f);
    return buf;
}

/* Create DIR and DIR/points and write DIR/run.json, or check that the one
   there is the same request; remove the claims a killed MPI sweep left. */
static int
prepare_dir(const char *dir, const char *desc)
{
    size_t n = strlen(dir) + 32, len;
    char *path = malloc(n), *tmp = malloc(n);
    FILE *f;
    int r = EXIT_OK;
    if (path == NULL || tmp == NULL)
    {
        cli_error("out of memory");
        r = EXIT_FAIL;
        goto done;
    }
    snprintf(path, n, "%s/points", dir);
    if ((mkdir(dir, 0777) != 0 && errno != EEXIST) || (mkdir(path, 0777) != 0 && errno != EEXIST))
    {
        cli_error("%s: cannot create: %s", path, strerror(errno));
        r = EXIT_FAIL;
        goto done;
    }
    snprintf(path, n, "%s/run.json", dir);
    if ((f = fopen(path, "r")) != NULL)
    {
        char *old = malloc(strlen(desc) + 2);
        len = old != NULL ? fread(old, 1, strlen(desc) + 1, f) : 0;
        fclose(f);
        if (old == NULL || len != strlen(desc) || memcmp(old, desc, len) != 0)
        {
            cli_error("%s: another sweep's results are in %s (its run.json differs from this "
                      "command's); use another --out", dir, dir);
            r = EXIT_FAIL;
        }
        free(old);
    }
    else
    {
        snprintf(tmp, n, "%s/.run.json.tmp", dir);
        f = fopen(tmp, "w");
        if (f == NULL || fputs(desc, f) == EOF || fclose(f) != 0 || rename(tmp, path) != 0)
        {
            cli_error("%s: cannot write: %s", path, strerror(errno));
            r = EXIT_FAIL;
        }
    }
done:
    free(path);
    free(tmp);
    return r;
}

#ifndef MPBIAS_MPI
static volatile sig_atomic_t stop_requested = 0;

static void
on_signal(int sig)
{
    (void) sig;
    stop_requested = 1;
}
#endif

/* The pictures of dataset ids, depth D, each as PNG and SVG:
   phase-I-DD: every sample at (log10(1/eps), alpha), coloured by
   log10 d(rich), with the boundary log(1/eps) = alpha^D;
   distances-I-DD: d(rich) against log10(1/eps), one curve per alpha. */
static int
plot_phase(const char *dir, slong ids, long D, const char *name, char **alphas, slong na,
           double amin, double amax, double ymax, double delta)
{
    size_t n = strlen(dir) + 64;
    char cmd[64], *res = malloc(n);
    FILE *g;
    int rc, t;
    slong k;
    const char *gp = getenv("MPBIAS_GNUPLOT");
    static const char *const term[2] = { "png size 900,600", "svg size 900,600 dynamic" };
    static const char *const ext[2] = { "png", "svg" };
    /* the limit: l2 for depth 1 (column d_l2), the rich one otherwise (d_rich) */
    const char *lim = D == 1 ? "l2" : "rich";
    int col = D == 1 ? 10 : 11;
    if (res == NULL)
        return EXIT_FAIL;
    snprintf(res, n, "%s/results.csv", dir);
    snprintf(cmd, sizeof cmd, "%s", gp != NULL && *gp ? "\"$MPBIAS_GNUPLOT\"" : "gnuplot");
    fflush(NULL);
    g = popen(cmd, "w");
    if (g == NULL)
    {
        free(res);
        return EXIT_FAIL;
    }
    fputs("set datafile separator ','\nset logscale xy\nset format x '10^{%L}'\n"
          "set xlabel 'log10(1/eps)  (training loss eps)'\nset grid\n", g);
    /* the sampled losses: log10(1/eps) from 1 to ymax */
    fprintf(g, "set xrange [0.7:%.9g]\n", 1.4 * ymax);
    /* the boundary gamma = alpha^D, i.e. log10(1/eps) = alpha^D / ln 10, over
       the sweep's alphas (inline data) */
    fputs("$B << EOD\n", g);
    for (k = 0; k <= 200; k++)
    {
        double a = exp(log(amin) + (log(amax) - log(amin)) * (double) k / 200.0);
        fprintf(g, "%.9g,%.9g\n", pow(a, (double) D) / log(10.0), a);
    }
    fputs("EOD\n", g);
    for (t = 0; t < 2; t++)
    {
        const char *q;
        /* the phase diagram */
        fprintf(g, "set terminal %s\nset output '%s/phase-%ld-D%ld.%s'\n", term[t], dir,
                (long) ids + 1, D, ext[t]);
        fputs("set title '", g);
        for (q = name; *q; q++)
            fprintf(g, *q == '\'' ? "''" : "%c", *q);
        fprintf(g, ", depth %ld: distance to the %s limit' noenhanced\n", D, lim);
        fprintf(g, "set ylabel 'initialization scale alpha'\nset format y '%%g'\n"
                "set cblabel 'log10 sup-norm distance of w/margin to the %s limit'\n"
                "set palette rgbformulae 33,13,10\nset key below horizontal\n", lim);
        fprintf(g, "set yrange [%.9g:%.9g]\n", amin / 1.5, amax * 1.5);
        fprintf(g, "plot $B using 1:2 with lines lw 2 lc rgb 'black' title 'gamma = alpha^%ld "
                "(kernel above-left of it, rich below-right)' noenhanced, ", D);
        fprintf(g, "'%s' using ($1 == %ld && $3 == %ld ? -$5 : 1/0):4:(log10($%d)) skip 1 "
                "with points pt 5 ps 2.5 palette title 'trajectories (colour: log10 distance)'",
                res, (long) ids + 1, D, col);
        if (delta > 0.0)
            fprintf(g, ", '%s/thresholds.csv' using ($1 == %ld && $2 == %ld && strcol(5) eq 'true' "
                    "? -$6 : 1/0):3 skip 1 with linespoints lw 2 dt 2 pt 7 ps 1.5 lc rgb 'black' title "
                    "'mpbias threshold: within %g of the rich limit from here on' noenhanced",
                    dir, (long) ids + 1, D, delta);
        fputs("\n", g);
        /* the distances, one curve per alpha */
        fprintf(g, "set output '%s/distances-%ld-D%ld.%s'\n", dir, (long) ids + 1, D, ext[t]);
        fputs("set title '", g);
        for (q = name; *q; q++)
            fprintf(g, *q == '\'' ? "''" : "%c", *q);
        fprintf(g, ", depth %ld: the trajectories approach the %s limit' noenhanced\n", D, lim);
        fprintf(g, "set ylabel 'sup-norm distance of w/margin to the %s limit'\n"
                "set format y '10^{%%L}'\nunset colorbox\nset key outside right top vertical\n"
                "set autoscale y\nplot ", lim);
        for (k = 0; k < na; k++)
            fprintf(g, "%s'%s' using ($1 == %ld && $3 == %ld && strcol(4) eq '%s' ? -$5 : 1/0):%d "
                    "skip 1 with linespoints lw 2 title 'alpha = %s' noenhanced", k ? ", " : "",
                    res, (long) ids + 1, D, alphas[k], col, alphas[k]);
        fputs("\nset colorbox\n", g);
    }
    rc = pclose(g);
    free(res);
    return rc == 0 ? EXIT_OK : EXIT_FAIL;
}

int
cmd_sweep(int argc, char **argv)
{
    grid_args g;
    slong na = 0, npts = 0, p, i, j;
    long per_decade = 3, digits = 10, jobs = 0;
    mpbias_format fmt = MPBIAS_FORMAT_AUTO;
    const char *label_column = NULL;
    char **alphas = NULL, *desc = NULL;
    const char *alpha_list = NULL, *alpha_range_s = NULL, *until_s = "1e-1000", *dir = NULL;
    int r, qmu = 0, plot = 0, quiet = 0;
    double delta = 0.0;
    const char *delta_s = NULL;
    mpbias_sci_t until;
    mpbias_data_struct *data = NULL;
    mpbias_flow_opts fo;
    gpoint *pts = NULL;
    cli_progress prog;
    double target;
    const cli_arg args[] = {
        { CLI_ROW(CLI_ARG_SECTION, "Options", 0, NULL, NULL) },
        { CLI_ROW(CLI_ARG_CALL, "data", 0, "FILE", &g), .call = add_dataset,
          .help = "a dataset file (repeatable)" },
        { CLI_ROW(CLI_ARG_CALL, "example", 0, "NAME", &g), .call = add_dataset,
          .help = "a built-in example, e.g. transition or\n"
                  "sparse-teacher:n=20,d=50,k=3,seed=1 (repeatable)" },
        { CLI_ROW(CLI_ARG_DATA_FORMAT, "data-format", 0, "FMT", &fmt),
          .help = "auto (default), libsvm or csv, for the files" },
        { CLI_ROW(CLI_ARG_STRING, "label-column", 0, "COL", &label_column),
          .help = CLI_LABEL_COLUMN_TEXT },
        { CLI_ROW(CLI_ARG_CALL, "depths", 0, "LIST", &g), .call = set_depths,
          .help = "comma-separated depths (default 2)" },
        { CLI_ROW(CLI_ARG_STRING, "alphas", 0, "LIST", &alpha_list),
          .help = "comma-separated scales alpha (decimals), or" },
        { CLI_ROW(CLI_ARG_STRING, "alpha-range", 0, "A0:A1:N", &alpha_range_s),
          .help = "N scales log-spaced from A0 to A1 (each rounded to 6\n"
                  "significant digits; default 0.1:10:5)" },
        { CLI_ROW(CLI_ARG_SCI, "until-loss", 0, "EPS", until), .text = &until_s,
          .help = "the last loss (default 1e-1000)" },
        { CLI_ROW(CLI_ARG_LONG, "per-decade", 0, "P", &per_decade), .lo = 1, .hi = 20,
          .help = "losses per decade of log10(1/eps), as for regime: 1, 2,\n"
                  "3 (default) or 4 to 20 (log-spaced)" },
        { CLI_ROW(CLI_ARG_LONG, "digits", 0, "K", &digits), .lo = 1, .hi = 1000,
          .help = "certified digits of the trajectories (default 10)" },
        { CLI_ROW(CLI_ARG_FLAG, "qmu", 0, NULL, &qmu),
          .help = "also the distance to the intermediate predictor (slower)" },
        { CLI_ROW(CLI_ARG_LONG, "jobs", 0, "J", &jobs), .lo = 1, .hi = 1024,
          .help = "worker processes (default: the number of processors)" },
        { CLI_ROW(CLI_ARG_STRING, "out", 0, "DIR", &dir),
          .help = "output directory (created; required)" },
        { CLI_ROW(CLI_ARG_FLAG, "plot", 0, NULL, &plot),
          .help = "also draw, per dataset I and depth D, DIR/phase-I-DD:\n"
                  "alpha against log10(1/eps), coloured by the distance to\n"
                  "the rich limit, with the boundary gamma = alpha^D, and\n"
                  "DIR/distances-I-DD: that distance against log10(1/eps),\n"
                  "one curve per alpha; each .png and .svg (needs gnuplot)" },
        { CLI_ROW(CLI_ARG_POSITIVE, "threshold-within", 0, "DELTA", &delta), .text = &delta_s,
          .help = "also find, per grid point, the loss at which w/margin\n"
                  "comes within DELTA of the rich limit and stays (mpbias\n"
                  "threshold, to 4 digits, horizon --until-loss): in\n"
                  "DIR/thresholds.csv, and drawn on the phase diagram" },
        { CLI_ROW(CLI_ARG_FLAG, "quiet", 'q', NULL, &quiet),
          .help = "no progress line or summary on standard error" },
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
           "nearest; see mpbias regime --help.  run.json records the options.\n"
    };


    memset(&g, 0, sizeof g);
    g.depths[0] = 2;
    mpbias_sci_init(until);
    mpbias_flow_opts_init(&fo);
    r = cli_args_parse(&cmd, argc, argv);
    if (g.nd == 0)
        g.nd = 1;
    if (r == EXIT_OK && g.nds == 0)
        r = cli_usage_error("sweep", "no dataset: give --data FILE or --example NAME");
    if (r == EXIT_OK && dir == NULL)
        r = cli_usage_error("sweep", "--out DIR is required");
    if (r == EXIT_OK && alpha_list != NULL && alpha_range_s != NULL)
        r = cli_usage_error("sweep", "give --alphas or --alpha-range, not both");
    if (r == EXIT_OK && alpha_list != NULL)
    {
        char *s = strdup(alpha_list), *tok, *save = NULL;
        fmpq_t q;
        fmpq_init(q);
        for (tok = strtok_r(s, ",", &save); tok != NULL && r == EXIT_OK;
             tok = strtok_r(NULL, ",", &save))
        {
            if (!cli_parse_positive_decimal("sweep", "alphas", tok, q))
                r = EXIT_USAGE;
            else
            {
                alphas = realloc(alphas, (size_t) (na + 1) * sizeof(char *));
                alphas[na++] = strdup(tok);
            }
        }
        fmpq_clear(q);
        free(s);
    }
    else if (r == EXIT_OK && !alpha_range(&alphas, &na, alpha_range_s ? alpha_range_s
                                                                       : "0.1:10:5"))
        r = cli_usage_error("sweep", "invalid value '%s' for --alpha-range: expected A0:A1:N "
                            "with 0 < A0 <= A1 and 1 <= N <= 10000", alpha_range_s);
    if (r == EXIT_OK && until_s == NULL)
        r = EXIT_USAGE;
    if (r == EXIT_OK)
    {
        if (strcmp(until_s, "1e-1000") == 0)
            mpbias_sci_parse(until, until_s, NULL);
        target = -mpbias_sci_log10_d(until);
        if (!(target >= 1.0))
            r = cli_usage_error("sweep", "--until-loss must be at most 0.1 (the first loss is "
                                "eps = 0.1)");
    }
    if (r == EXIT_OK && plot && system("command -v \"${MPBIAS_GNUPLOT:-gnuplot}\" >/dev/null 2>&1")
                                    != 0)
    {
        cli_error("--plot needs gnuplot, which is not installed (Debian package gnuplot-nox)");
        r = EXIT_FAIL;
    }
    if (r != EXIT_OK)
        goto done;

    /* the datasets, loaded once (the workers inherit them; under MPI every
       rank loads them, the others after rank 0 succeeded, so that errors
       are reported once) */
    data = calloc((size_t) g.nds, sizeof(mpbias_data_struct));
    for (i = 0; i < g.nds; i++)
        mpbias_data_init(data + i);
    if (mpi_rank() == 0)
        for (i = 0; i < g.nds && r == EXIT_OK; i++)
        {
            cli_data_opts o = { g.ds[i].file, g.ds[i].example, fmt, label_column };
            r = cli_load_data("sweep", &o, data + i);
        }
    if ((r = mpi_share(r)) == EXIT_OK && mpi_rank() != 0)
        for (i = 0; i < g.nds && r == EXIT_OK; i++)
        {
            cli_data_opts o = { g.ds[i].file, g.ds[i].example, fmt, label_column };
            r = cli_load_data("sweep", &o, data + i);
        }
    if (r != EXIT_OK)
        goto done;
    /* the losses */
    if (!mpbias_flow_opts_loss_grid(&fo, per_decade, target, 0))
    {
        cli_error("out of memory");
        r = EXIT_FAIL;
        goto done;
    }
    fo.digits = (int) digits;

    /* the output directory and its description (a rerun must match it);
       rank 0 only */
    desc = describe(g.ds, g.nds, g.depths, g.nd, alphas, na, until_s, per_decade, digits, qmu, delta_s);
    if (desc == NULL)
    {
        cli_error("out of memory");
        r = EXIT_FAIL;
    }
    else if (mpi_rank() == 0)
        r = prepare_dir(dir, desc);
    if ((r = mpi_share(r)) != EXIT_OK)
        goto done;

    /* the grid, in its fixed order: dataset, depth, alpha */
    npts = g.nds * g.nd * na;
    pts = malloc((size_t) npts * sizeof(gpoint));
    for (i = 0, p = 0; i < g.nds; i++)
        for (j = 0; j < g.nd; j++)
        {
            slong k;
            for (k = 0; k < na; k++, p++)
            {
                pts[p].ids = i;
                pts[p].depth = g.depths[j];
                pts[p].ia = k;
            }
        }
    if (jobs <= 0)
    {
        long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
        jobs = ncpu > 0 ? ncpu : 1;
    }

#ifdef MPBIAS_MPI
    /* under MPI: every rank takes the next point no one has claimed (an
       exclusive create of DIR/points/P.claim), so that the ranks balance
       themselves; rank 0 first removes the claims of a killed run */
    {
        int rank = mpi_rank(), failed = 0, any_failed = 0;
        long mine = 0, total = 0, skipped = 0;
        if (rank == 0)
            for (p = 0; p < npts; p++)
            {
                char *cl = claim_path(dir, p);
                if (cl != NULL)
                    unlink(cl);
                free(cl);
            }
        MPI_Barrier(MPI_COMM_WORLD);
        cli_progress_start(&prog, quiet || rank != 0, NULL);
        for (p = 0; p < npts && !failed; p++)
        {
            char *fin = part_path(dir, p, 0), *cl = claim_path(dir, p);
            struct stat stt;
            int fd;
            if (fin == NULL || cl == NULL)
                failed = 1;
            else if (stat(fin, &stt) == 0)
                skipped++;
            else if ((fd = open(cl, O_CREAT | O_EXCL | O_WRONLY, 0666)) >= 0)
            {
                close(fd);
                if (run_point(dir, p, pts + p, data + pts[p].ids, alphas[pts[p].ia], &fo, qmu,
                              until, delta, delta_s) != EXIT_OK)
                    failed = 1;
                else
                    mine++;
            }
            free(fin);
            free(cl);
        }
        MPI_Allreduce(&failed, &any_failed, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
        MPI_Reduce(&mine, &total, 1, MPI_LONG, MPI_SUM, 0, MPI_COMM_WORLD);
        if (rank == 0)
            for (p = 0; p < npts; p++)
            {
                char *cl = claim_path(dir, p);
                if (cl != NULL)
                    unlink(cl);
                free(cl);
            }
        if (any_failed)
        {
            if (rank == 0)
                cli_error("some points failed (see above); the others are kept in %s/points", dir);
            r = EXIT_FAIL;
            goto done;
        }
        if (rank == 0 && !quiet)
        {
            int size;
            MPI_Comm_size(MPI_COMM_WORLD, &size);
            fprintf(stderr, "%s: sweep: %ld points (%ld computed now, %ld from an earlier run), "
                    "%d MPI ranks, %.2f s\n", PROG, (long) npts, total, (long) (npts - total),
                    size, cli_progress_elapsed(&prog));
        }
        (void) skipped;
        if (rank != 0)
            goto done;   /* rank 0 merges */
    }
#else
    /* run the missing points, at most `jobs` at a time */
    {
        slong done_pts = 0;
        pid_t *kids = calloc((size_t) jobs, sizeof(pid_t));
        slong *kidpt = calloc((size_t) jobs, sizeof(slong));
        slong running = 0, next = 0, skipped = 0;
        int failed = 0;
        struct sigaction sa, old_int, old_term;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, &old_int);
        sigaction(SIGTERM, &sa, &old_term);
        cli_progress_start(&prog, quiet, NULL);
        for (;;)
        {
            while (!failed && !stop_requested && running < jobs && next < npts)
            {
                char *fin = part_path(dir, next, 0);
                struct stat stt;
                pid_t pid;
                int have = fin != NULL && stat(fin, &stt) == 0;
                free(fin);
                if (have)
                {
                    next++;
                    done_pts++;
                    skipped++;
                    continue;
                }
                if (jobs == 1)
                {
                    /* one worker: in this process (no fork; the same files) */
                    if (run_point(dir, next, pts + next, data + pts[next].ids,
                                  alphas[pts[next].ia], &fo, qmu, until, delta, delta_s)
                        != EXIT_OK)
                        failed = 1;
                    else
                        done_pts++;
                    next++;
                    continue;
                }
                fflush(NULL);
                pid = fork();
                if (pid < 0)
                {
                    cli_error("fork: %s", strerror(errno));
                    failed = 1;
                    break;
                }
                if (pid == 0)
                {
                    signal(SIGINT, SIG_DFL);
                    signal(SIGTERM, SIG_DFL);
                    _exit(run_point(dir, next, pts + next, data + pts[next].ids,
                                    alphas[pts[next].ia], &fo, qmu, until, delta,
                                    delta_s));
                }
                for (i = 0; i < jobs; i++)
                    if (kids[i] == 0)
                    {
                        kids[i] = pid;
                        kidpt[i] = next;
                        break;
                    }
                running++;
                next++;
            }
            if (running == 0)
                break;
            {
                int status;
                pid_t pid = wait(&status);
                if (pid < 0)
                {
                    if (errno == EINTR)
                        continue;
                    break;
                }
                for (i = 0; i < jobs; i++)
                    if (kids[i] == pid)
                    {
                        kids[i] = 0;
                        running--;
                        if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
                            done_pts++;
                        else
                            failed = 1;
                    }
            }
            if (!quiet && isatty(2))
            {
                double t = cli_progress_elapsed(&prog);
                slong computed = done_pts - skipped, left = npts - done_pts;
                fprintf(stderr, "\r%s: sweep: %ld of %ld points done, %ld left", PROG,
                        (long) done_pts, (long) npts, (long) left);
                if (computed > 0 && left > 0)
                    fprintf(stderr, ", ~%.0f s left (estimate)",
                            t / (double) computed * (double) left / (double) jobs
                                * (double) (jobs < left ? jobs : left));
                fputs("   ", stderr);
                prog.printed = 1;
            }
        }
        cli_progress_erase(&prog);
        sigaction(SIGINT, &old_int, NULL);
        sigaction(SIGTERM, &old_term, NULL);
        free(kids);
        free(kidpt);
        if (stop_requested)
        {
            cli_error("interrupted: %ld of %ld points are done and kept in %s/points; rerun the "
                      "same command to continue", (long) done_pts, (long) npts, dir);
            r = EXIT_FAIL;
            goto done;
        }
        if (failed)
        {
            cli_error("some points failed (see above); the others are kept in %s/points",
                      dir);
            r = EXIT_FAIL;
            goto done;
        }
        if (!quiet)
            fprintf(stderr, "%s: sweep: %ld points (%ld computed now, %ld from an earlier run), "
                    "%ld workers, %.2f s\n", PROG, (long) npts, (long) (npts - skipped),
                    (long) skipped, jobs, cli_progress_elapsed(&prog));
    }

#endif

    /* merge in grid order into results.csv and thresholds.csv */
    r = merge_parts(dir, npts, "csv", "results.csv",
                    "dataset,name,depth,alpha,log10_loss,log10_t,margin,log10_muD,kappa,d_l2,d_rich,"
                    "d_qmu,floor,stationarity,slackness,regime,nearest\n");
    if (r == EXIT_OK && delta > 0.0)
        r = merge_parts(dir, npts, "thr", "thresholds.csv",
                        "dataset,depth,alpha,within,reached,log10_loss\n");
    if (r != EXIT_OK)
        goto done;
    if (plot)
    {
        double amin = INFINITY, amax = 0.0;
        for (i = 0; i < na; i++)
        {
            double v = atof(alphas[i]);
            amin = v < amin ? v : amin;
            amax = v > amax ? v : amax;
        }
        for (i = 0; i < g.nds && r == EXIT_OK; i++)
            for (j = 0; j < g.nd && r == EXIT_OK; j++)
                if (plot_phase(dir, i, g.depths[j], data[i].name, alphas, na, amin, amax, target, delta) != EXIT_OK)
                {
                    cli_error("--plot: gnuplot failed");
                    r = EXIT_FAIL;
                }
    }
done:
    if (data != NULL)
    {
        for (i = 0; i < g.nds; i++)
            mpbias_data_clear(data + i);
        free(data);
    }
    mpbias_flow_opts_loss_grid_free(&fo);
    mpbias_flow_opts_clear(&fo);
    for (i = 0; i < na; i++)
        free(alphas[i]);
    free(alphas);
    free(desc);
    free(pts);
    mpbias_sci_clear(until);
    return r == CLI_HELP_SHOWN ? EXIT_OK : r;
}
