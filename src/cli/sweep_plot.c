/*
 * sweep_plot.c -- the pictures of `mpbias sweep --plot`, drawn by gnuplot
 * from DIR/results.csv (and DIR/thresholds.csv): per dataset and depth a
 * phase diagram and the distances to the limit, each as PNG and SVG.
 */
#include "config.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

/* The pictures of dataset ids, depth D, each as PNG and SVG:
   phase-I-DD: every sample at (log10(1/eps), alpha), coloured by
   log10 d(rich), with the boundary log(1/eps) = alpha^D;
   distances-I-DD: d(rich) against log10(1/eps), one curve per alpha. */
static int
plot_phase(const char *dir, slong ids, long D, const char *name, const char *const *alphas,
           slong na, double amin, double amax, double ymax, double delta)
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
        /* the phase diagram */
        fprintf(g, "set terminal %s\nset output '%s/phase-%ld-D%ld.%s'\n", term[t], dir,
                (long) ids + 1, D, ext[t]);
        fputs("set title '", g);
        cli_put_gnuplot_string(g, name);
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
        cli_put_gnuplot_string(g, name);
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
cli_sweep_plot(const cli_sweep *c, double target)
{
    const mpbias_sweep_struct *sw = c->sw;
    double amin = INFINITY, amax = 0.0;
    slong i, j;
    int r = EXIT_OK;
    for (i = 0; i < sw->nalphas; i++)
    {
        double v = atof(sw->alphas[i]);
        amin = v < amin ? v : amin;
        amax = v > amax ? v : amax;
    }
    for (i = 0; i < sw->ndata && r == EXIT_OK; i++)
        for (j = 0; j < sw->ndepths && r == EXIT_OK; j++)
            if (plot_phase(c->dir, i, sw->depths[j], sw->data[i].name, sw->alphas, sw->nalphas,
                           amin, amax, target, sw->threshold_within) != EXIT_OK)
            {
                cli_error("--plot: gnuplot failed");
                r = EXIT_FAIL;
            }
    return r;
}
