/*
 * sweep_args.c -- the grid options of `mpbias sweep` (cmd_sweep.c): the
 * datasets (--data, --example, repeatable), the depths (--depths LIST) and
 * the scales (--alphas LIST, or --alpha-range A0:A1:N).
 */
#include "config.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

int
cli_sweep_add_dataset(const char *cmd, const char *name, const char *value, void *dest)
{
    cli_sweep_grid *g = dest;
    if (g->nds == 64)
        return cli_usage_error(cmd, "at most 64 datasets");
    g->files[g->nds] = strcmp(name, "data") == 0 ? value : NULL;
    g->examples[g->nds] = strcmp(name, "example") == 0 ? value : NULL;
    g->nds++;
    return EXIT_OK;
}

int
cli_sweep_set_depths(const char *cmd, const char *name, const char *value, void *dest)
{
    cli_sweep_grid *g = dest;
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

int
cli_sweep_alpha_range(char ***out, slong *n, const char *spec)
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

int
cli_sweep_alpha_list(char ***alphas, slong *na, const char *list)
{
    char *s = strdup(list), *tok, *save = NULL;
    int r = EXIT_OK;
    fmpq_t q;
    fmpq_init(q);
    for (tok = strtok_r(s, ",", &save); tok != NULL && r == EXIT_OK;
         tok = strtok_r(NULL, ",", &save))
    {
        if (!cli_parse_positive_decimal("sweep", "alphas", tok, q))
            r = EXIT_USAGE;
        else
        {
            *alphas = realloc(*alphas, (size_t) (*na + 1) * sizeof(char *));
            (*alphas)[(*na)++] = strdup(tok);
        }
    }
    fmpq_clear(q);
    free(s);
    return r;
}
