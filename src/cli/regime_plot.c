/*
 * regime_plot.c -- the pictures of `mpbias regime --plot FILE` (the
 * distances to the three predictors) and `--plot-wbar FILE` (the
 * coordinates of w/margin beside the rich limit), drawn by gnuplot.
 */
#include "config.h"
#include <stdio.h>
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

/* Draw the coordinates of wbar (the first 10) against log10(1/eps), with
   the rich limit's values as dashed lines in the same colours. */
static int
plot_wbar(const char *file, const mpbias_flow_rows *c, const mpbias_regime_ref_t ref, slong d,
          const char *title)
{
    FILE *g;
    slong j, i, nc = d < 10 ? d : 10;
    if ((g = cli_gnuplot_open(file, title)) == NULL)
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
        make_title(title, sizeof title, o, ": the coordinates of w/margin");
        if ((r = plot_wbar(wbarfile, &o->rt->rows, o->rt->ref, o->data->d, title)) != EXIT_OK)
            return r;
    }
    return EXIT_OK;
}
