/*
 * sweep_out.c -- the files of `mpbias sweep` (layout in cmd_sweep.c):
 * run.json, each point's part files points/P.csv and points/P.thr (written
 * under a temporary name and renamed, so that present means complete),
 * and their merge into results.csv and thresholds.csv.
 */
#include "config.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#include "cli.h"

char *
cli_sweep_path(const char *dir, slong p, const char *ext)
{
    size_t len = strlen(dir) + strlen(ext) + 64;
    char *s = malloc(len);
    if (s != NULL)
        snprintf(s, len, strcmp(ext, "tmp") == 0 ? "%s/points/.%06ld.%s" : "%s/points/%06ld.%s",
                 dir, (long) p, ext);
    return s;
}

int
cli_sweep_merge(const char *dir, slong npts, const char *ext, const char *name,
                const char *header)
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
        char *fin = cli_sweep_path(dir, p, ext), buf[8192];
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

/* a distance of results.csv: its sup norm, nan when not computed */
static void
put_dist(FILE *f, const mpbias_dist *x)
{
    cli_put_csv_num_if(f, x->available, x->sup, 7);
}

const char *
cli_sweep_target_name(const mpbias_sweep_struct *sw, long depth)
{
    static const char *const names[] = { "l2", "rich", "qmu", "l1" };
    if ((depth == 1 && (!sw->target_set || sw->target == MPBIAS_TARGET_RICH))
        || (sw->target_set && sw->target == MPBIAS_TARGET_L2))
        return "l2";
    return sw->target_set ? names[sw->target] : "rich";
}

/* the rows of a point, as in results.csv: the columns of the header, then
   d_target and wbar_1..wbar_d (empty fields up to the largest d) */
static void
put_rows(FILE *f, const mpbias_sweep_point_struct *pt, const mpbias_sweep_struct *sw)
{
    const mpbias_regime_traj_struct *rt = pt->traj;
    slong j, i, dmax = cli_sweep_dmax(sw);
    int digits = sw->digits;
    for (j = 0; j < rt->rows.n; j++)
    {
        const mpbias_regime_row *a = rt->an + j;
        const mpbias_flow_row *row = rt->rows.rows + j;
        fprintf(f, "%ld,\"", (long) pt->ids + 1);
        for (i = 0; pt->data->name[i] != '\0'; i++)
            fputs(pt->data->name[i] == '"' ? "\"\"" : (char[]) { pt->data->name[i], '\0' }, f);
        fprintf(f, "\",%ld,%s", pt->depth, pt->alpha);
        mpfr_fprintf(f, ",%.*Re", digits - 1, row->log10_loss);
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
        fprintf(f, ",%s,%s", mpbias_regime_name(a->regime),
                cli_regime_nearest_name(a->nearest, rt->ref));
        put_dist(f, mpbias_regime_traj_target_dist(rt, j));
        for (i = 0; i < dmax; i++)
            if (i < row->d)
                cli_put_csv_num(f, row->wbar[i], digits);
            else
                fputc(',', f);
        fputc('\n', f);
    }
}

slong
cli_sweep_dmax(const mpbias_sweep_struct *sw)
{
    slong i, d = 0;
    for (i = 0; i < sw->ndata; i++)
        d = sw->data[i].d > d ? sw->data[i].d : d;
    return d;
}

char *
cli_sweep_header(const mpbias_sweep_struct *sw)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    slong i;
    if (f == NULL)
        return NULL;
    fputs("dataset,name,depth,alpha,log10_loss,log10_t,margin,log10_muD,kappa,d_l2,d_rich,d_qmu,"
          "floor,stationarity,slackness,regime,nearest,d_target", f);
    for (i = 0; i < cli_sweep_dmax(sw); i++)
        fprintf(f, ",wbar_%ld", (long) i + 1);
    fputc('\n', f);
    fclose(f);
    return buf;
}

/* a point's warning: the distance to its target is not defined */
static void
warn_target(const cli_sweep *c, const mpbias_sweep_point_struct *pt)
{
    const mpbias_sweep_struct *sw = c->sw;
    const mpbias_regime_traj_struct *rt = pt->traj;
    const mpbias_sweep_rich *t = mpbias_sweep_rich_target(sw, pt->ids, pt->idepth);
    slong j, nnan = 0;
    for (j = 0; j < rt->rows.n; j++)
        nnan += !mpbias_regime_traj_target_dist(rt, j)->available;
    if (nnan > 0)
        cli_error("warning: %s, depth %ld, alpha %s: the distance to the %s target is not "
                  "defined (%s): d_target is nan at %ld of %ld samples", pt->data->name,
                  pt->depth, pt->alpha, cli_sweep_target_name(sw, pt->depth),
                  sw->target == MPBIAS_TARGET_QMU
                      ? (sw->shape_a != NULL ? "no intermediate predictor with a shape"
                                             : "no intermediate predictor at depth 1")
                  : t != NULL && !t->defined ? t->err->msg : "no rich limit",
                  (long) nnan, (long) rt->rows.n);
}

/* points/P.thr: the point's line of thresholds.csv (via tmp) */
static int
write_threshold(const cli_sweep *c, const mpbias_sweep_point_struct *pt, const char *tmp)
{
    const mpbias_threshold_struct *th = pt->th;
    char *thr = cli_sweep_path(c->dir, pt->index, "thr");
    FILE *f = thr != NULL ? fopen(tmp, "w") : NULL;
    int ok = f != NULL;
    if (f != NULL)
    {
        fprintf(f, "%ld,%ld,%s,%s,%s,", (long) pt->ids + 1, pt->depth, pt->alpha, c->delta_s,
                pt->threshold_undefined ? "undefined"
                : th->reached ? (th->at_first ? "at_first" : "true") : "false");
        if (th->reached && !pt->threshold_undefined)
            mpfr_fprintf(f, "%.3RDe\n", th->log10_loss);
        else
            fputs("nan\n", f);
        ok = fclose(f) == 0 && rename(tmp, thr) == 0;
    }
    free(thr);
    if (!ok)
        cli_error("%s, depth %ld, alpha %s: threshold: cannot write", pt->data->name, pt->depth,
                  pt->alpha);
    return ok ? EXIT_OK : EXIT_FAIL;
}

int
cli_sweep_store(const cli_sweep *c, const mpbias_sweep_point_struct *pt, mpbias_status st,
                const mpbias_err_t err)
{
    char *tmp = cli_sweep_path(c->dir, pt->index, "tmp"),
         *fin = cli_sweep_path(c->dir, pt->index, "csv");
    FILE *f;
    int r = EXIT_FAIL;
    if (pt->traj_done)
        warn_target(c, pt);
    if (pt->threshold_undefined)
        cli_error("warning: %s, depth %ld, alpha %s: no threshold (%s): thresholds.csv says "
                  "undefined", pt->data->name, pt->depth, pt->alpha, pt->threshold_why->msg);
    if (st != MPBIAS_OK)
        cli_error("%s", err->msg);
    else if (tmp == NULL || fin == NULL)
        cli_error("out of memory");
    /* the threshold first: the rows' file marks the point complete */
    else if (c->delta_s != NULL && write_threshold(c, pt, tmp) != EXIT_OK)
        ;
    else if ((f = fopen(tmp, "w")) == NULL)
        cli_error("%s: cannot write: %s", tmp, strerror(errno));
    else
    {
        put_rows(f, pt, c->sw);
        if (fflush(f) != 0 || fsync(fileno(f)) != 0)
        {
            fclose(f);
            cli_error("%s: write error: %s", tmp, strerror(errno));
        }
        else if (fclose(f) != 0)
            cli_error("%s: write error: %s", tmp, strerror(errno));
        else if (rename(tmp, fin) != 0)
            cli_error("%s: cannot rename: %s", tmp, strerror(errno));
        else
            r = EXIT_OK;
    }
    free(tmp);
    free(fin);
    return r;
}

char *
cli_sweep_describe(const cli_sweep *c, const char *const *files, const char *const *examples,
                   const char *until_s)
{
    const mpbias_sweep_struct *sw = c->sw;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    slong i;
    if (f == NULL)
        return NULL;
    fprintf(f, "{\n  \"mpbias\": \"%s\",\n  \"command\": \"sweep\",\n  \"datasets\": [",
            PACKAGE_VERSION);
    for (i = 0; i < sw->ndata; i++)
    {
        fprintf(f, "%s{\"%s\": \"", i ? ", " : "", files[i] ? "file" : "example");
        cli_put_json_string(f, files[i] ? files[i] : examples[i]);
        fputs("\"}", f);
    }
    fputs("],\n  \"depths\": [", f);
    for (i = 0; i < sw->ndepths; i++)
        fprintf(f, "%s%ld", i ? ", " : "", sw->depths[i]);
    fputs("],\n  \"alphas\": [", f);
    for (i = 0; i < sw->nalphas; i++)
        fprintf(f, "%s\"%s\"", i ? ", " : "", sw->alphas[i]);
    fprintf(f, "],\n  \"loss\": \"%s\", \"until_loss\": \"%s\", \"per_decade\": %ld,\n",
            sw->loss == MPBIAS_LOSS_EXP ? "exp" : "logistic", until_s, sw->per_decade);
    if (sw->mean)
        fputs("  \"loss_mean\": true,\n", f);
    if (sw->target_set)
        fprintf(f, "  \"target\": \"%s\",\n", cli_sweep_target_name(sw, 2));
    for (i = 0; i < 2 && sw->shape_a != NULL; i++)
    {
        slong k;
        fprintf(f, "  \"shape_%c\": [", i ? 'b' : 'a');
        for (k = 0; k < sw->shape_d; k++)
        {
            char *q = mpbias_fmpq_get_str_exact((i ? sw->shape_b : sw->shape_a) + k);
            fprintf(f, "%s\"%s\"", k ? ", " : "", q != NULL ? q : "?");
            flint_free(q);
        }
        fputs("],\n", f);
    }
    fprintf(f, "  \"digits\": %d, \"qmu\": %s", sw->digits, sw->qmu ? "true" : "false");
    if (c->delta_s != NULL)
        fprintf(f, ", \"threshold_within\": \"%s\"", c->delta_s);
    fputs("\n}\n", f);
    fclose(f);
    return buf;
}

int
cli_sweep_prepare_dir(const char *dir, const char *desc)
{
    size_t n, len;
    char *path, *tmp;
    FILE *f;
    int r = EXIT_OK;
    if (dir == NULL || desc == NULL)
    {
        cli_error("sweep: no output directory");
        return EXIT_FAIL;
    }
    n = strlen(dir) + 32;
    path = malloc(n);
    tmp = malloc(n);
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

/* one rich target of targets.json */
static void
put_target(FILE *f, const cli_sweep *c, slong ids, slong j)
{
    const mpbias_sweep_struct *sw = c->sw;
    const mpbias_sweep_rich *t = mpbias_sweep_rich_target(sw, ids, j);
    long D = sw->depths[j];
    slong i;
    static const char *const kkt[] = { "none", "the l1 solution", "a vertex, not the l1 solution",
                                       "an interior KKT point" };
    fprintf(f, "%s    {\"dataset\": %ld, \"name\": \"", ids + j ? ",\n" : "", (long) ids + 1);
    cli_put_json_string(f, sw->data[ids].name);
    fprintf(f, "\", \"depth\": %ld, \"defined\": %s, \"kind\": \"%s\"", D,
            t->defined ? "true" : "false",
            D == 1 ? "l2" : t->kind == MPBIAS_RICH_L1 || t->l1 == 1 ? "l1"
            : t->kind == MPBIAS_RICH_L1_FACE ? "l1-face" : t->l1 == 2 ? "weighted-l1" : "kkt");
    if (D >= 3)
    {
        fprintf(f, ", \"from_alpha\": \"%s\"", sw->alphas[t->ialpha]);
        if (!t->defined)
        {
            fputs(", \"reason\": \"", f);
            cli_put_json_string(f, t->err->msg);
            fputs("\"", f);
        }
        else
        {
            fprintf(f, ", \"kkt\": \"%s\", \"support_tol\": %g, \"w\": [",
                    kkt[t->kkt_kind], t->kkt_tau);
            for (i = 0; i < t->d; i++)
                mpfr_fprintf(f, "%s\"%.*Re\"", i ? ", " : "", sw->digits - 1, t->w[i]);
            fputs("]", f);
        }
    }
    fputs("}", f);
}

int
cli_sweep_write_targets(const cli_sweep *c)
{
    const mpbias_sweep_struct *sw = c->sw;
    size_t n = strlen(c->dir) + 32;
    char *path = malloc(n), *tmp = malloc(n);
    FILE *f = NULL;
    slong ids, j;
    int r = EXIT_OK;
    if (sw->rich == NULL)
        goto done;
    for (ids = 0; ids < sw->ndata; ids++)
        for (j = 0; j < sw->ndepths; j++)
        {
            const mpbias_sweep_rich *t = mpbias_sweep_rich_target(sw, ids, j);
            if (!t->defined)
                cli_error("warning: %s, depth %ld: no rich target: the trajectory of the smallest "
                          "alpha (%s) polishes to no l_(2/%ld) KKT point (%s); the rich distances "
                          "at this depth are nan", sw->data[ids].name, sw->depths[j],
                          sw->alphas[t->ialpha], sw->depths[j], t->err->msg);
        }
    if (path == NULL || tmp == NULL)
        r = EXIT_FAIL;
    else
    {
        snprintf(path, n, "%s/targets.json", c->dir);
        snprintf(tmp, n, "%s/.targets.json.tmp", c->dir);
        if ((f = fopen(tmp, "w")) == NULL)
            r = EXIT_FAIL;
    }
    if (f != NULL)
    {
        fputs("{\n  \"target\": \"rich\",\n  \"targets\": [\n", f);
        for (ids = 0; ids < sw->ndata; ids++)
            for (j = 0; j < sw->ndepths; j++)
                put_target(f, c, ids, j);
        fputs("\n  ]\n}\n", f);
        if (fclose(f) != 0 || rename(tmp, path) != 0)
            r = EXIT_FAIL;
    }
    if (r != EXIT_OK)
        cli_error("%s/targets.json: cannot write: %s", c->dir, strerror(errno));
done:
    free(path);
    free(tmp);
    return r;
}
