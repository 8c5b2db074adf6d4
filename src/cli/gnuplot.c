/*
 * gnuplot.c -- what the pictures of `mpbias regime --plot` and `mpbias
 * sweep --plot` share: gnuplot's program, started on a pipe, and its
 * quoting.
 */
#include "config.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "cli.h"

void
cli_put_gnuplot_string(FILE *g, const char *s)
{
    for (; *s; s++)
        fprintf(g, *s == '\'' ? "''" : "%c", *s);
}

const char *
cli_gnuplot_program(void)
{
    const char *g = getenv("MPBIAS_GNUPLOT");
    return g != NULL && *g != '\0' ? g : "gnuplot";
}

int
cli_find_program(const char *prog)
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

FILE *
cli_gnuplot_pipe(void)
{
    const char *q = cli_gnuplot_program();
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
        cli_error("--plot: cannot run gnuplot: %s", strerror(errno));
    return g;
}

FILE *
cli_gnuplot_open(const char *file, const char *title)
{
    const char *ext = strrchr(file, '.');
    FILE *g = cli_gnuplot_pipe();
    if (g == NULL)
        return NULL;
    /* the cairo terminals (and SVG) draw dashed lines; gnuplot's plain png
       terminal draws them solid */
    if (ext != NULL && strcmp(ext, ".png") == 0)
        fprintf(g, "set terminal pngcairo size 960,600 font ',11'\n");
    else if (ext != NULL && strcmp(ext, ".pdf") == 0)
        fprintf(g, "set terminal pdfcairo size 8in,5in font ',10'\n");
    else
        fprintf(g, "set terminal svg size 960,600 dynamic\n");
    fputs("set output '", g);
    cli_put_gnuplot_string(g, file);
    fputs("'\nset title '", g);
    cli_put_gnuplot_string(g, title);
    fputs("' noenhanced\nset grid\nset xlabel 'log10(1/eps)  (training loss eps)'\n"
          "set logscale x\nset format x '10^{%L}'\n", g);
    return g;
}

int
cli_gnuplot_close(FILE *g)
{
    int rc = pclose(g);
    if (rc != 0)
    {
        cli_error("--plot: gnuplot failed (exit status %d)", rc == -1 ? -1 : WEXITSTATUS(rc));
        return EXIT_FAIL;
    }
    return EXIT_OK;
}
