/*
 * regime_plot.c -- the pictures of `mpbias regime --plot FILE` (the
 * distances to the three predictors) and `--plot-wbar FILE` (the
 * coordinates of w/margin beside the rich limit), drawn by gnuplot.
 */
#include "config.h"
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

/* Draw the distances to the three predictors. */
static int
plot(const char *file, const mpbias_flow_rows *c, const mpbias_regime_row *an,
     const mpbias_regime_ref_t ref, const char *title)
{
    FILE *g;
    slong j;
    int s;
    static const char *const names[3] = { "l2 max margin (kernel limit)", NULL,
                                          "intermediate predictor at the current mu" };
    const char *rich = ref->rich_kind == MPBIAS_RICH_KKT ? "l_(2/D) KKT point (rich limit)"
                       : ref->rich_kind == MPBIAS_RICH_L1_FACE ? "l1 optimal face (rich limit)"
                                                              : "l1 max margin (rich limit)";
    if ((g = cli_gnuplot_open(file, title)) == NULL)
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
    return cli_gnuplot_close(g);
}

/* ---- --coords and --plot-wbar ----------------------------------------- */

static int
cmp_long(const void *a, const void *b)
{
    long x = *(const long *) a, y = *(const long *) b;
    return (x > y) - (x < y);
}

int
cli_coords_parse(const char *cmd, const char *name, const char *value, void *dest)
{
    cli_coords *c = dest;
    const char *p = value;
    slong k, m;
    cli_coords_clear(c);
    if (strcmp(value, "all") == 0)
    {
        c->all = 1;
        return EXIT_OK;
    }
    if (*p == '\0')
        return cli_usage_error(cmd, "invalid value '' for --%s: expected coordinates (from 1) "
                               "such as 1,3,7-9, or all", name);
    while (*p != '\0')
    {
        char *e;
        long lo, hi;
        errno = 0;
        lo = *p >= '0' && *p <= '9' ? strtol(p, &e, 10) : -1;
        hi = lo;
        if (lo >= 1 && errno == 0 && *e == '-' && e[1] >= '0' && e[1] <= '9')
            hi = strtol(e + 1, &e, 10);
        if (lo < 1 || errno != 0 || hi < lo || (*e != ',' && *e != '\0')
            || (*e == ',' && e[1] == '\0'))
        {
            cli_coords_clear(c);
            return cli_usage_error(cmd, "invalid value '%s' for --%s: expected coordinates "
                                   "(from 1) such as 1,3,7-9, or all", value, name);
        }
        if (hi - lo >= 100000 || c->n + (hi - lo + 1) > 100000)
        {
            cli_coords_clear(c);
            return cli_usage_error(cmd, "--%s %s: at most 100000 coordinates (or all)", name,
                                   value);
        }
        {
            long *more = realloc(c->idx, (size_t) (c->n + hi - lo + 1) * sizeof(long));
            if (more == NULL)
            {
                cli_coords_clear(c);
                return cli_usage_error(cmd, "out of memory");
            }
            c->idx = more;
        }
        for (; lo <= hi; lo++)
            c->idx[c->n++] = lo;
        p = *e == ',' ? e + 1 : e;
    }
    qsort(c->idx, (size_t) c->n, sizeof(long), cmp_long);
    for (k = m = 0; k < c->n; k++)
        if (m == 0 || c->idx[k] != c->idx[m - 1])
            c->idx[m++] = c->idx[k];
    c->n = m;
    return EXIT_OK;
}

int
cli_coords_check(const char *cmd, const cli_coords *c, slong d)
{
    if (c->n > 0 && c->idx[c->n - 1] > d)
        return cli_usage_error(cmd, "--coords: coordinate %ld is out of range: the data have "
                               "d = %ld coordinates (1 to %ld)", c->idx[c->n - 1], (long) d,
                               (long) d);
    return EXIT_OK;
}

void
cli_coords_clear(cli_coords *c)
{
    free(c->idx);
    c->idx = NULL;
    c->n = 0;
    c->all = 0;
}

/* the target's point for --plot-wbar (lo and hi: a box, lo = hi for a
   point; NULL when the target has no fixed point: qmu, or none) */
static void
target_point(const mpfr_t **lo, const mpfr_t **hi, const mpbias_regime_traj_struct *rt)
{
    const mpbias_regime_ref_struct *ref = rt->ref;
    *lo = *hi = NULL;
    if (rt->target == MPBIAS_TARGET_L2)
        *lo = *hi = (const mpfr_t *) ref->l2;
    else if (rt->target != MPBIAS_TARGET_QMU && ref->rich_kind != MPBIAS_RICH_NONE)
    {
        *lo = (const mpfr_t *) ref->rich_lo;
        *hi = (const mpfr_t *) ref->rich_hi;
    }
}

/* the default coordinates (0-based, increasing, at most 10; all when
   d <= 10): the support of the rich limit and of the target's point,
   largest first, then the largest others of the last row's wbar */
static slong
default_coords(long *idx, const mpbias_regime_traj_struct *rt, slong d)
{
    const mpbias_regime_ref_struct *ref = rt->ref;
    const mpfr_t *lo, *hi;
    double *score = calloc((size_t) d, sizeof(double));
    slong i, n = 0, want = d < 10 ? d : 10;
    if (score == NULL)
        return 0;
    target_point(&lo, &hi, rt);
    for (i = 0; i < d; i++)
    {
        double s = 0.0, w;
        if (ref->rich_kind != MPBIAS_RICH_NONE)
            s = fmax(fabs(mpfr_get_d(ref->rich_lo[i], MPFR_RNDN)),
                     fabs(mpfr_get_d(ref->rich_hi[i], MPFR_RNDN)));
        if (lo != NULL)
            s = fmax(s, fmax(fabs(mpfr_get_d(lo[i], MPFR_RNDN)),
                             fabs(mpfr_get_d(hi[i], MPFR_RNDN))));
        /* the support first (scores above 1, by size), then the others by
           |wbar| at the last row (mapped into [0, 1)) */
        w = rt->rows.n > 0 ? fabs(mpfr_get_d(rt->rows.rows[rt->rows.n - 1].wbar[i], MPFR_RNDN))
                           : 0.0;
        score[i] = s > 0.0 ? 1.0 + s : w / (1.0 + w);
    }
    for (n = 0; n < want; n++)
    {
        slong best = -1;
        for (i = 0; i < d; i++)
            if (score[i] >= 0.0 && (best < 0 || score[i] > score[best]))
                best = i;
        idx[n] = (long) best;
        score[best] = -1.0;
    }
    qsort(idx, (size_t) n, sizeof(long), cmp_long);
    free(score);
    return n;
}

/* the data of --plot-wbar: per row x, the chosen coordinates of wbar, then
   the target's (two columns each for a box: lo and hi; per row for qmu) */
static void
put_wbar_data(FILE *g, const mpbias_regime_traj_struct *rt, const long *idx, slong n, int box)
{
    const mpfr_t *lo, *hi;
    slong j, k;
    target_point(&lo, &hi, rt);
    fputs("$W << EOD\n", g);
    for (j = 0; j < rt->rows.n; j++)
    {
        const mpbias_regime_row *a = rt->an + j;
        mpfr_fprintf(g, "%.6Re", rt->rows.rows[j].log10_loss);
        for (k = 0; k < n; k++)
            mpfr_fprintf(g, " %.8Re", rt->rows.rows[j].wbar[idx[k]]);
        for (k = 0; k < n; k++)
        {
            if (lo != NULL)
                mpfr_fprintf(g, " %.10Re", lo[idx[k]]);
            else if (rt->target == MPBIAS_TARGET_QMU && a->qmu_w != NULL)
                mpfr_fprintf(g, " %.10Re", a->qmu_w[idx[k]]);
            else
                fputs(" NaN", g);
            if (box)
                mpfr_fprintf(g, " %.10Re", hi[idx[k]]);
        }
        fputs("\n", g);
    }
    fputs("EOD\n", g);
}

/* what the dashed lines of --plot-wbar show */
static const char *
target_desc(const mpbias_regime_traj_struct *rt)
{
    if (rt->target == MPBIAS_TARGET_L2)
        return "the l2 max-margin predictor (the target)";
    if (rt->target == MPBIAS_TARGET_QMU)
        return "the intermediate predictor at each row's mu (the target)";
    return rt->ref->rich_kind == MPBIAS_RICH_KKT ? "the l_(2/D) KKT point (the rich target)"
           : rt->ref->rich_kind == MPBIAS_RICH_L1_FACE
               ? "the range of the l1 optimal face (the target)"
               : "the l1 max-margin predictor (the target)";
}

/* ten colours told apart easily (the categorical palette of matplotlib) */
static const char *const TAB10[10] = { "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                       "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf" };

/* Draw the chosen coordinates of wbar against log10(1/eps) as solid lines,
   with the target's values as dashed lines in the same colours (the cairo
   and SVG terminals draw dashes); up to 10 coordinates named in the key,
   more coloured by their index on a colour bar (viridis). */
static int
plot_wbar(const char *file, const cli_regime_out *o, const long *idx, slong n, const char *title)
{
    const mpbias_regime_traj_struct *rt = o->rt;
    const mpfr_t *lo, *hi;
    int box, have_target, many = n > 10;
    slong k, d = o->data->d;
    FILE *g;
    target_point(&lo, &hi, rt);
    box = lo != NULL && rt->ref->rich_kind == MPBIAS_RICH_L1_FACE && rt->target != MPBIAS_TARGET_L2;
    have_target = lo != NULL || (rt->target == MPBIAS_TARGET_QMU && rt->rows.n > 0
                                 && mpbias_regime_traj_target_dist(rt, rt->rows.n - 1)->available);
    if ((g = cli_gnuplot_open(file, title)) == NULL)
        return EXIT_FAIL;
    fprintf(g, "set ylabel 'coordinates of w/margin%s' noenhanced\n",
            n < d ? " (a selection: --coords)" : "");
    /* the key below the plot; the target's values (0 and the extremes of
       the coordinates) clear of the frame */
    fputs("set key below horizontal samplen 3\nset offsets 0, 0, graph 0.04, graph 0.04\n", g);
    if (many)
        fputs("set colorbox\nset cblabel 'coordinate i'\nset palette defined (0 '#440154', "
              "1 '#3b528b', 2 '#21918c', 3 '#5ec962', 4 '#fde725')\n", g);
    if (many)
        fprintf(g, "set cbrange [%ld:%ld]\n", idx[0] + 1, idx[n - 1] + 1 > idx[0] + 1
                ? idx[n - 1] + 1 : idx[0] + 2);
    /* what the dashed lines are, under the key */
    fprintf(g, "set bmargin %d\nset label 1 '%s: ", many ? 6 : 7,
            have_target ? "solid: w/margin; dashed" : "no target");
    cli_put_gnuplot_string(g, have_target ? target_desc(rt)
                                          : "its distance is not defined (see the warning)");
    fputs("' at screen 0.5, character 2.4 center noenhanced\n", g);
    put_wbar_data(g, rt, idx, n, box);
    fputs("plot ", g);
    for (k = 0; k < n; k++)
    {
        char lc[64];
        if (many)
            snprintf(lc, sizeof lc, "lc palette cb %ld", idx[k] + 1);
        else
            snprintf(lc, sizeof lc, "lc rgb '%s'", TAB10[k]);
        fprintf(g, "%s$W using (-$1):%ld with linespoints lw 2 pt 7 ps 0.5 %s ", k ? ", " : "",
                (long) k + 2, lc);
        if (many)
            fputs("notitle", g);
        else
            fprintf(g, "title 'w_{%ld}'", idx[k] + 1);
        if (have_target)
            fprintf(g, ", $W using (-$1):%ld with lines lw 1.5 dt 2 %s notitle",
                    (long) (n + 2 + (box ? 2 : 1) * k), lc);
        if (have_target && box)
            fprintf(g, ", $W using (-$1):%ld with lines lw 1.5 dt 2 %s notitle",
                    (long) (n + 3 + 2 * k), lc);
    }
    fputs("\n", g);
    return cli_gnuplot_close(g);
}

/* "NAME: depth D, alpha = A" and the suffix */
static void
make_title(char *title, size_t n, const cli_regime_out *o, const char *suffix)
{
    char *as = fmpq_get_str(NULL, 10, o->alpha);
    snprintf(title, n, "%s: depth %ld, alpha = %s%s", o->data->name, o->depth, as, suffix);
    flint_free(as);
}

int
cli_regime_plots(const char *plotfile, const char *wbarfile, const cli_regime_out *o)
{
    int r;
    if (plotfile != NULL)
    {
        char title[512];
        make_title(title, sizeof title, o, "");
        if ((r = plot(plotfile, &o->rt->rows, o->rt->an, o->rt->ref, title)) != EXIT_OK)
            return r;
    }
    if (wbarfile != NULL)
    {
        char title[512];
        slong d = o->data->d, n, i;
        long *idx = malloc((size_t) (d > 0 ? d : 1) * sizeof(long));
        if (idx == NULL)
            return EXIT_FAIL;
        if (o->coords->all)
            for (n = 0; n < d; n++)
                idx[n] = (long) n;
        else if (o->coords->n > 0)
            for (n = i = 0; i < o->coords->n; i++)
                idx[n++] = o->coords->idx[i] - 1;
        else
            n = default_coords(idx, o->rt, d);
        make_title(title, sizeof title, o, ": the coordinates of w/margin");
        r = plot_wbar(wbarfile, o, idx, n, title);
        free(idx);
        if (r != EXIT_OK)
            return r;
    }
    return EXIT_OK;
}
