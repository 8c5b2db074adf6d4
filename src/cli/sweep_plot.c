/*
 * sweep_plot.c -- the pictures of `mpbias sweep --plot`, drawn by gnuplot
 * from DIR/results.csv (and DIR/thresholds.csv): per dataset and depth a
 * phase diagram, a filled heat map of the distance in column d_target over
 * (log10(1/eps), alpha) on log axes with the boundaries and a mark where
 * the distance is not defined, and the distances per alpha, coloured by
 * alpha on a colour bar; each as PNG, SVG and PDF (gnuplot's cairo
 * terminals), in a perceptually uniform colour map (viridis).
 */
#include "config.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

/* viridis, sampled at 9 points */
#define VIRIDIS "set palette defined (0 '#440154', 1 '#472d7b', 2 '#3b528b', 3 '#2c728e', " \
                "4 '#21918c', 5 '#28ae80', 6 '#5ec962', 7 '#addc30', 8 '#fde725')\n"

/* the CSV fields of a line (quoted fields with "" inside), into f[0..n) */
static int
csv_split(char *line, char **f, int n)
{
    int k = 0;
    char *p = line, *w;
    while (k < n)
    {
        if (*p == '"')
        {
            int closed;
            for (f[k] = w = ++p; *p && !(*p == '"' && p[1] != '"'); p++)
                *w++ = *p == '"' ? *++p : *p;
            closed = *p == '"';
            *w = '\0';
            p += closed;
        }
        else
            f[k] = p;
        k++;
        p += strcspn(p, ",\n");
        if (*p != ',')
        {
            *p = '\0';
            break;
        }
        *p++ = '\0';
    }
    return k;
}

/* one sample of the diagram */
typedef struct
{
    slong ia;                   /* the alpha's rank (by value)  */
    double x, d;                /* log10(1/eps), the distance   */
} cell;

/* the samples of dataset ids and depth D, in results.csv's order */
static cell *
read_cells(const char *res, slong ids, long D, const char *const *alphas, const slong *rank,
           slong na, slong *n)
{
    FILE *f = fopen(res, "r");
    char line[65536], *fl[24];
    cell *c = NULL;
    slong k, alloc = 0;
    *n = 0;
    if (f == NULL)
        return NULL;
    if (fgets(line, sizeof line, f) == NULL)
        line[0] = '\0';
    while (fgets(line, sizeof line, f) != NULL)
        if (csv_split(line, fl, 24) >= 18 && atol(fl[0]) == ids + 1 && atol(fl[2]) == D)
        {
            for (k = 0; k < na && strcmp(alphas[k], fl[3]) != 0; k++)
                ;
            if (k == na)
                continue;
            if (*n == alloc)
            {
                alloc = 2 * alloc + 64;
                c = realloc(c, (size_t) alloc * sizeof *c);
            }
            c[*n].ia = rank[k];
            c[*n].x = -strtod(fl[4], NULL);
            c[*n].d = strcmp(fl[17], "nan") == 0 ? NAN : strtod(fl[17], NULL);
            (*n)++;
        }
    fclose(f);
    return c;
}

/* the heat map's cells ($H: x y xlo xhi ylo yhi log10 d) and the samples
   without a distance ($N: x y); returns how many of those */
static slong
put_cells(FILE *g, const cell *c, slong n, const double *av, slong na)
{
    slong j, nn = 0;
    fputs("$H << EOD\n", g);
    for (j = 0; j < n; j++)
    {
        slong k = c[j].ia;
        double y = av[k], ylo, yhi, xlo, xhi;
        int prev = j > 0 && c[j - 1].ia == k, next = j + 1 < n && c[j + 1].ia == k;
        ylo = k > 0 ? sqrt(av[k - 1] * y) : y * (na > 1 ? sqrt(y / av[1]) : 0.8);
        yhi = k + 1 < na ? sqrt(av[k + 1] * y) : y * (na > 1 ? sqrt(y / av[k - 1]) : 1.25);
        xlo = prev ? sqrt(c[j - 1].x * c[j].x) : (next ? c[j].x * sqrt(c[j].x / c[j + 1].x) : 0.8);
        xhi = next ? sqrt(c[j + 1].x * c[j].x) : (prev ? c[j].x * sqrt(c[j].x / c[j - 1].x) : 1.25);
        if (isfinite(c[j].d) && c[j].d > 0)
            fprintf(g, "%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g\n", c[j].x, y, xlo, xhi, ylo, yhi,
                    log10(c[j].d));
        else
            nn++;
    }
    fputs("EOD\n$N << EOD\n", g);
    for (j = 0; j < n; j++)
        if (!(isfinite(c[j].d) && c[j].d > 0))
            fprintf(g, "%.9g,%.9g\n", c[j].x, av[c[j].ia]);
    fputs("EOD\n", g);
    return nn;
}

/* the boundaries, one block: gamma = alpha^D (log(1/eps) about alpha^D),
   and for alpha < 1 the plateau's rho = 1 (gamma = alpha^-D) */
static void
put_boundaries(FILE *g, long D, double amin, double amax)
{
    slong k;
    fputs("$B << EOD\n", g);
    for (k = 0; k <= 200; k++)
    {
        double a = exp(log(amin) + (log(amax) - log(amin)) * (double) k / 200.0);
        fprintf(g, "%.9g,%.9g\n", pow(a, (double) D) / log(10.0), a);
    }
    fputs("\n", g);
    for (k = 0; k <= 200 && amin < 1.0; k++)
    {
        double a = exp(log(amin) + (log(fmin(amax, 1.0)) - log(amin)) * (double) k / 200.0);
        fprintf(g, "%.9g,%.9g\n", pow(a, -(double) D) / log(10.0), a);
    }
    fputs("EOD\n", g);
}

typedef struct
{
    const char *dir, *res, *name, *lim, *what;   /* what: "limit" or "target" */
    const char *desc;           /* the titles' word on the rich target, or "" */
    const char *loss;           /* "" (the exponential loss, summed), or its name */
    slong ids;
    long D;
    double amin, amax, ymax, delta;
    slong ncells, nnan;
} plot_args;

static const char *const TERM[3] = { "pngcairo size 900,600 font ',11'",
                                     "svg size 900,600 dynamic font 'sans,11'",
                                     "pdfcairo size 7.5in,5in font ',10'" };
static const char *const EXT[3] = { "png", "svg", "pdf" };

/* the phase diagram, in terminal t */
static void
put_phase(FILE *g, const plot_args *p, int t)
{
    double xe;
    fprintf(g, "set terminal %s\nset output '%s/phase-%ld-D%ld.%s'\n", TERM[t], p->dir,
            (long) p->ids + 1, p->D, EXT[t]);
    fputs("set title '", g);
    cli_put_gnuplot_string(g, p->name);
    fprintf(g, ", depth %ld%s: distance to the %s %s%s' noenhanced\n", p->D, p->loss, p->lim,
            p->what, p->desc);
    fprintf(g, "set ylabel 'initialization scale alpha'\nset format y '%%g'\nset colorbox\n"
            "set cblabel 'log10 sup-norm distance of w/margin to the %s %s' noenhanced\n"
            "set key below horizontal samplen 2\nset autoscale cb\n", p->lim, p->what);
    fprintf(g, "set yrange [%.9g:%.9g]\n", p->amin / 1.6, p->amax * 1.6);
    /* the curves named where they end, or leave the picture on the right
       (x = ymax): kernel above-left, rich below-right; each name on the
       side of its line that the line leaves free */
    xe = fmin(pow(p->amax, (double) p->D) / log(10.0), p->ymax);
    fprintf(g, "unset label\nset label 1 'gamma = alpha^%ld' at %.9g,%.9g right offset -0.5,0.8 "
            "front noenhanced\n", p->D, xe, pow(xe * log(10.0), 1.0 / (double) p->D));
    xe = fmin(pow(p->amin, -(double) p->D) / log(10.0), p->ymax);
    if (p->amin < 1.0)
        fprintf(g, "set label 2 'plateau: rho = 1' at %.9g,%.9g right offset -2,-0.7 front "
                "noenhanced\n", xe, pow(xe * log(10.0), -1.0 / (double) p->D));
    if (p->ncells > p->nnan)
        fputs("plot $H using 1:2:3:4:5:6:7 with boxxyerror fs solid 1.0 noborder palette "
              "notitle, ", g);
    else
        fputs("plot ", g);
    fputs("$B using 1:2 with lines lw 2 lc rgb 'black' title ", g);
    fprintf(g, "'boundaries: gamma = alpha^%ld and rho = 1' noenhanced", p->D);
    if (p->delta > 0.0)
        fprintf(g, ", '%s/thresholds.csv' using ($1 == %ld && $2 == %ld && strcol(5) eq 'true' "
                "? -$6 : 1/0):3 skip 1 with linespoints lw 2 dt 2 pt 7 ps 1.2 lc rgb 'white' "
                "title 'threshold: within %g of the %s %s from here on' noenhanced",
                p->dir, (long) p->ids + 1, p->D, p->delta, p->lim, p->what);
    if (p->nnan > 0)
        fputs(", $N using 1:2 with points pt 2 ps 1.5 lw 2 lc rgb 'red' title "
              "'no distance defined (nan; see the warnings)'", g);
    fputs("\n", g);
}

/* the distances per alpha, coloured by log10 alpha, in terminal t; the
   alphas without any distance (has[k] = 0) are named in a label instead */
static void
put_distances(FILE *g, const plot_args *p, const char *const *alphas, slong na, const int *has,
              int t)
{
    slong k, nplot = 0;
    fprintf(g, "unset label\nset terminal %s\nset output '%s/distances-%ld-D%ld.%s'\n", TERM[t],
            p->dir,
            (long) p->ids + 1, p->D, EXT[t]);
    fputs("set title '", g);
    cli_put_gnuplot_string(g, p->name);
    fprintf(g, ", depth %ld%s: the trajectories approach the %s %s%s' noenhanced\n", p->D,
            p->loss, p->lim, p->what, p->desc);
    fprintf(g, "set ylabel 'sup-norm distance of w/margin to the %s %s' noenhanced\n"
            "set format y '10^{%%L}'\nset logscale y\nset autoscale y\nset colorbox\n"
            "set cblabel 'log10 alpha'\nset cbrange [%.9g:%.9g]\n"
            "set key inside bottom left samplen 2\n",
            p->lim, p->what, log10(p->amin), p->amax > p->amin ? log10(p->amax) : log10(p->amin) + 1);
    for (k = 0; k < na; k++)
        if (!has[k])
            fprintf(g, "set label %ld 'alpha = %s: no distance defined (nan; see the warnings)' "
                    "at graph 0.98, graph %.3f right front textcolor rgb 'red' noenhanced\n",
                    (long) k + 1, alphas[k], 0.95 - 0.05 * (double) (nplot++));
    nplot = 0;
    for (k = 0; k < na; k++)
    {
        double a = atof(alphas[k]);
        int ends = a == p->amin || a == p->amax;
        if (!has[k])
            continue;
        fprintf(g, "%s'%s' using ($1 == %ld && $3 == %ld && strcol(4) eq '%s' ? -$5 : 1/0):18 "
                "skip 1 with linespoints lw 2 pt 7 ps 0.6 lc palette cb %.9g ", nplot++ ? ", " : "plot ",
                p->res, (long) p->ids + 1, p->D, alphas[k], log10(a));
        if (ends)
            fprintf(g, "title 'alpha = %s' noenhanced", alphas[k]);
        else
            fputs("notitle", g);
    }
    if (nplot == 0)
        fputs("set yrange [1e-3:1]\nplot 1e-9 notitle", g);
    fputs("\nset autoscale y\n", g);
}

/* what the rich target of dataset ids and depth index j is, for the
   titles ("" for other targets) */
static const char *
rich_desc(const mpbias_sweep_struct *sw, slong ids, slong j, long D)
{
    const mpbias_sweep_rich *t = mpbias_sweep_rich_target(sw, ids, j);
    if (!sw->target_set || sw->target != MPBIAS_TARGET_RICH || D == 1)
        return "";
    if (D == 2)
        return t != NULL && t->kind == MPBIAS_RICH_L1_FACE ? ", the l1 optimal face"
                                                            : ", the l1 predictor";
    if (t == NULL || !t->defined)
        return ", none";
    return t->l1 == 1 ? ", the l1 predictor" : t->l1 == 2 ? ", the weighted l1 predictor"
                                                          : ", a KKT point (targets.json)";
}

/* both pictures of dataset ids and depth index j, in the three formats */
static int
plot_one(const cli_sweep *c, slong ids, slong j, const double *av, const slong *rank,
         double ymax)
{
    const mpbias_sweep_struct *sw = c->sw;
    long D = sw->depths[j];
    plot_args p;
    size_t len = strlen(c->dir) + 64;
    char *res = malloc(len);
    cell *cells;
    slong n, k, i;
    FILE *g;
    int t, *has = calloc((size_t) sw->nalphas, sizeof(int));
    if (res == NULL || has == NULL)
    {
        free(res);
        free(has);
        return EXIT_FAIL;
    }
    snprintf(res, len, "%s/results.csv", c->dir);
    cells = read_cells(res, ids, D, sw->alphas, rank, sw->nalphas, &n);
    p.dir = c->dir;
    p.res = res;
    p.name = sw->data[ids].name;
    p.lim = cli_sweep_target_name(sw, D);
    p.what = sw->target_set ? "target" : "limit";
    p.desc = rich_desc(sw, ids, j, D);
    p.loss = sw->loss == MPBIAS_LOSS_LOGISTIC ? (sw->mean ? ", logistic loss (mean)" : ", logistic loss")
             : sw->mean ? ", exponential loss (mean)" : "";
    p.ids = ids;
    p.D = D;
    p.amin = av[0];
    p.amax = av[sw->nalphas - 1];
    p.ymax = ymax;
    p.delta = sw->threshold_within;
    g = cli_gnuplot_pipe();
    if (g == NULL)
    {
        free(cells);
        free(res);
        free(has);
        return EXIT_FAIL;
    }
    for (k = 0; k < n; k++)
        for (i = 0; i < sw->nalphas; i++)
            has[i] |= rank[i] == cells[k].ia && isfinite(cells[k].d);
    fputs("set datafile separator ','\n" VIRIDIS, g);
    p.ncells = n;
    p.nnan = put_cells(g, cells, n, av, sw->nalphas);
    put_boundaries(g, D, p.amin, p.amax);
    fprintf(g, "set logscale xy\nset format x '10^{%%L}'\nset grid front\n"
            "set xlabel 'log10(1/eps)  (training loss eps)'\nset xrange [0.7:%.9g]\n",
            1.4 * ymax);
    for (t = 0; t < 3; t++)
    {
        fputs("unset logscale y\nset logscale y\n", g);
        put_phase(g, &p, t);
        put_distances(g, &p, sw->alphas, sw->nalphas, has, t);
    }
    free(cells);
    free(res);
    free(has);
    return cli_gnuplot_close(g);
}

int
cli_sweep_plot(const cli_sweep *c, double target)
{
    const mpbias_sweep_struct *sw = c->sw;
    double *av = malloc((size_t) sw->nalphas * sizeof(double));
    slong *rank = malloc((size_t) sw->nalphas * sizeof(slong));
    slong i, j;
    int r = EXIT_OK;
    if (av == NULL || rank == NULL)
        r = EXIT_FAIL;
    /* the alphas by value, and each one's rank */
    for (i = 0; r == EXIT_OK && i < sw->nalphas; i++)
    {
        double v = atof(sw->alphas[i]);
        rank[i] = 0;
        for (j = 0; j < sw->nalphas; j++)
            rank[i] += atof(sw->alphas[j]) < v || (atof(sw->alphas[j]) == v && j < i);
        av[rank[i]] = v;
    }
    for (i = 0; i < sw->ndata && r == EXIT_OK; i++)
        for (j = 0; j < sw->ndepths && r == EXIT_OK; j++)
            r = plot_one(c, i, j, av, rank, target);
    free(av);
    free(rank);
    return r;
}
