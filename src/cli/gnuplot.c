/*
 * gnuplot.c -- what the pictures of `mpbias regime --plot` and `mpbias
 * sweep --plot` share: gnuplot's program, started on a pipe, and its
 * quoting.
 */
#include "config.h"
#include "cli.h"

void
cli_put_gnuplot_string(FILE *g, const char *s)
{
    for (; *s; s++)
        fprintf(g, *s == '\'' ? "''" : "%c", *s);
}
