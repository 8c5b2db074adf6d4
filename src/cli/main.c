/*
 * main.c -- `mpbias COMMAND [OPTIONS]`: dispatch to a command, --help and
 * --version.
 */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include <gmp.h>
#include <mpfr.h>
#include <flint/flint.h>
#include "cli.h"

static const struct
{
    const char *name;
    int (*run)(int, char **);
    const char *summary;
} commands[] = {
    { "info", cmd_info, "summarize a dataset: size, classes, sparsity, exact separability, l2 max margin" },
    { "gen", cmd_gen, "write a generated (sparse-teacher) or built-in dataset to a file" },
    { "limits", cmd_limits, "the exact l2 and l1 max-margin predictors, certified, and the l1 optimal face" },
    { "regime", cmd_regime, "a trajectory beside its limits: distances, KKT residuals, regime, plot" },
    { "threshold", cmd_threshold, "the training loss at which the trajectory comes within DELTA of a limit" },
    { "extrapolate", cmd_extrapolate, "estimate the row flow would print at a far loss from the expansion fitted up to EPS0" },
    { "sweep", cmd_sweep, "trajectories over a grid of scales, depths and datasets, in parallel, resumable" },
    { "flow", cmd_flow, "follow gradient flow to a training loss, margin or time, with certified digits" },
    { "gd", cmd_gd, "reference gradient descent in MPFR (constant step or schedule), certified digits" },
    { "check", cmd_check, "judge a trajectory computed elsewhere (NumPy, PyTorch, ...) and say what went wrong" },
};

#define NCOMMANDS ((int) (sizeof commands / sizeof commands[0]))

static void
print_help(void)
{
    int i;
    printf("Usage: %s COMMAND [OPTIONS]\n"
           "Follow gradient-flow trajectories of deep diagonal linear classifiers in\n"
           "multiprecision and compare them with their predicted limits.\n\n"
           "Commands:\n", PROG);
    for (i = 0; i < NCOMMANDS; i++)
        printf("  %-8s %s\n", commands[i].name, commands[i].summary);
    printf("\nOptions:\n"
           "  -h, --help     show this help and exit\n"
           "  -V, --version  show the version and the libraries in use, and exit\n\n"
           "Run '%s COMMAND --help' for the options of a command; see mpbias(1).\n"
           "Exit status: 0 success, 1 failure (bad data, numerical failure), 2 usage error,\n"
           "3 (check) the candidate disagrees.\n",
           PROG);
}

static void
print_version(void)
{
    printf("%s %s\n", PROG, PACKAGE_VERSION);
    printf("GMP %s, MPFR %s, FLINT %s", gmp_version, mpfr_get_version(), FLINT_VERSION);
#ifdef MPBIAS_FLINT3
    printf(" (with Arb)\n");
#else
    printf(" with a separate Arb library\n");
#endif
}

int
main(int argc, char **argv)
{
    int i;
    if (argc < 2)
    {
        cli_usage_error(NULL, "missing command");
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)
    {
        print_help();
        return EXIT_OK;
    }
    if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0)
    {
        print_version();
        return EXIT_OK;
    }
    for (i = 0; i < NCOMMANDS; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
        {
            int r = commands[i].run(argc - 1, argv + 1);
            flint_cleanup();
            mpfr_free_cache();
            if (fflush(stdout) != 0 || ferror(stdout))
            {
                cli_error("error writing standard output");
                return EXIT_FAIL;
            }
            return r;
        }
    if (argv[1][0] == '-')
        return cli_usage_error(NULL, "unknown option '%s'", argv[1]);
    {
        const char *names[NCOMMANDS], *hit;
        for (i = 0; i < NCOMMANDS; i++)
            names[i] = commands[i].name;
        hit = cli_suggest(argv[1], names, NCOMMANDS);
        if (hit != NULL)
            return cli_usage_error(NULL, "unknown command '%s'; did you mean '%s'?", argv[1], hit);
    }
    return cli_usage_error(NULL, "unknown command '%s'", argv[1]);
}
