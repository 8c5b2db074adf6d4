/*
 * cmd_gen.c -- `mpbias gen`: write a sparse-teacher Gaussian dataset (or a
 * built-in example) to a file, exactly.
 */
#include "config.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

/* the generator's defaults in the help texts */
#define GEN_HELP(buf, fmt, ...) (snprintf(buf, sizeof buf, fmt, __VA_ARGS__), (const char *) buf)

int
cmd_gen(int argc, char **argv)
{
    static const char *const FORMATS[] = { "libsvm", "svmlight", "csv", NULL };
    mpbias_gen_params p;
    mpbias_format fmt;
    const char *out = NULL, *example = NULL;
    int r, gen_opts = 0, fi = 0;
    long n, d, k, digits;
    unsigned long seed;
    double min_margin;
    char hn[64], hd[64], hk[64], hs[80], hp[64];
    mpbias_data_t data;
    mpbias_err_t err;
    mpbias_status st;
    FILE *f;

    mpbias_gen_params_init(&p);
    n = (long) p.n;
    d = (long) p.d;
    k = (long) p.k;
    seed = (unsigned long) p.seed;
    digits = p.digits;
    min_margin = p.min_margin;
    {
        const cli_arg args[] = {
            { CLI_ROW(CLI_ARG_SECTION, "Options", 0, NULL, NULL) },
            { CLI_ROW(CLI_ARG_LONG, "n", 0, "N", &n), .lo = 2, .hi = 100000000, .given = &gen_opts,
              .help = GEN_HELP(hn, "number of samples (>= 2, default %ld)", n) },
            { CLI_ROW(CLI_ARG_LONG, "d", 0, "D", &d), .lo = 1, .hi = 100000000, .given = &gen_opts,
              .help = GEN_HELP(hd, "number of features (>= 1, default %ld)", d) },
            { CLI_ROW(CLI_ARG_LONG, "k", 0, "K", &k), .lo = 1, .hi = 100000000, .given = &gen_opts,
              .help = GEN_HELP(hk, "teacher sparsity, 1..D (default %ld)", k) },
            { CLI_ROW(CLI_ARG_ULONG, "seed", 0, "S", &seed), .given = &gen_opts,
              .help = GEN_HELP(hs, "random seed, a nonnegative integer (default %lu)", seed) },
            { CLI_ROW(CLI_ARG_LONG, "digits", 0, "P", &digits), .lo = 0, .hi = 30,
              .given = &gen_opts,
              .help = GEN_HELP(hp, "decimal places of each feature, 0..30 (default %ld)", digits) },
            { CLI_ROW(CLI_ARG_NONNEG, "min-margin", 0, "M", &min_margin), .given = &gen_opts,
              .help = "redraw samples with |w* . x| < M (default 0: only\n"
                      "w* . x = 0 is redrawn)" },
            { CLI_ROW(CLI_ARG_STRING, "example", 0, "NAME", &example),
              .help = "write the built-in example NAME instead (see\n"
                      "'mpbias info --list-examples')" },
            { CLI_ROW(CLI_ARG_CHOICE, "format", 0, "FMT", &fi), .choices = FORMATS,
              .help = "libsvm (default) or csv (with a header row y,x1,...,xd)" },
            { CLI_ROW(CLI_ARG_STRING, "out", 'o', "FILE", &out),
              .help = "write to FILE instead of standard output" },
            CLI_ARGS_HELP,
            CLI_ARGS_END
        };
        const cli_command cmd = {
            "gen", "[OPTIONS]",
            "Write a dataset: by default Gaussian samples x ~ N(0, I_d), rounded to a fixed\n"
            "number of decimal places, labelled by a sparse teacher w* (k entries +-1 on a\n"
            "random support): y = sign(w* . x).  The same seed gives the same file on every\n"
            "machine.  Values are written exactly.\n",
            args,
            "LIBSVM output starts with a '#' comment line naming the generator, its\n"
            "parameters and the teacher; mpbias reads such comments, CSV output has none.\n"
        };
        if ((r = cli_args_parse(&cmd, argc, argv)) != EXIT_OK)
            return r == CLI_HELP_SHOWN ? EXIT_OK : r;
    }
    p.n = n;
    p.d = d;
    p.k = k;
    p.seed = seed;
    p.digits = (int) digits;
    p.min_margin = min_margin;
    fmt = fi == 2 ? MPBIAS_FORMAT_CSV : MPBIAS_FORMAT_LIBSVM;
    if (example && gen_opts)
        return cli_usage_error("gen", "--example cannot be combined with generator options "
                               "(use --example 'sparse-teacher:n=...,d=...')");
    if (p.k > p.d)
        return cli_usage_error("gen", "--k (%ld) must not exceed --d (%ld)", (long) p.k, (long) p.d);

    mpbias_data_init(data);
    mpbias_err_clear(err);
    st = example ? mpbias_example_load(data, example, err) : mpbias_gen_sparse_teacher(data, &p, err);
    if (st != MPBIAS_OK)
        return st == MPBIAS_ERR_ARG ? cli_usage_error("gen", "%s", err->msg) : cli_lib_error(err);

    f = out ? fopen(out, "w") : stdout;
    if (f == NULL)
    {
        cli_error("%s: cannot open for writing: %s", out, strerror(errno));
        mpbias_data_clear(data);
        return EXIT_FAIL;
    }
    if (fmt == MPBIAS_FORMAT_LIBSVM)
    {
        fprintf(f, "# %s %s: %s", PROG, PACKAGE_VERSION, data->name);
        if (!example)
        {
            fmpq *w = malloc((size_t) p.d * sizeof(fmpq));
            slong j;
            for (j = 0; j < p.d; j++)
                fmpq_init(w + j);
            mpbias_gen_teacher(w, &p, NULL);
            fprintf(f, " digits=%d min-margin=%g; teacher w*:", p.digits, p.min_margin);
            for (j = 0; j < p.d; j++)
            {
                if (!fmpq_is_zero(w + j))
                    fprintf(f, " %ld:%s", (long) j + 1, fmpq_sgn(w + j) > 0 ? "+1" : "-1");
                fmpq_clear(w + j);
            }
            free(w);
        }
        fputc('\n', f);
    }
    st = mpbias_data_write(f, data, fmt, err);
    mpbias_data_clear(data);
    if (out != NULL && fclose(f) != 0 && st == MPBIAS_OK)
    {
        cli_error("%s: write error: %s", out, strerror(errno));
        return EXIT_FAIL;
    }
    if (st != MPBIAS_OK)
        return cli_lib_error(err);
    return EXIT_OK;
}
