/*
 * cmd_gen.c -- `mpbias gen`: write a sparse-teacher Gaussian dataset (or a
 * built-in example) to a file, exactly.
 */
#include "config.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

static void
help(void)
{
    mpbias_gen_params p;
    mpbias_gen_params_init(&p);
    printf("Usage: %s gen [OPTIONS]\n"
           "Write a dataset: by default Gaussian samples x ~ N(0, I_d), rounded to a fixed\n"
           "number of decimal places, labelled by a sparse teacher w* (k entries +-1 on a\n"
           "random support): y = sign(w* . x).  The same seed gives the same file on every\n"
           "machine.  Values are written exactly.\n\n"
           "Options:\n"
           "  --n N              number of samples (>= 2, default %ld)\n"
           "  --d D              number of features (>= 1, default %ld)\n"
           "  --k K              teacher sparsity, 1..D (default %ld)\n"
           "  --seed S           random seed, a nonnegative integer (default %lu)\n"
           "  --digits P         decimal places of each feature, 0..30 (default %d)\n"
           "  --min-margin M     redraw samples with |w* . x| < M (default 0: only\n"
           "                     w* . x = 0 is redrawn)\n"
           "  --example NAME     write the built-in example NAME instead (see\n"
           "                     'mpbias info --list-examples')\n"
           "  --format FMT       libsvm (default) or csv (with a header row y,x1,...,xd)\n"
           "  -o, --out FILE     write to FILE instead of standard output\n"
           "  -h, --help         show this help and exit\n\n"
           "LIBSVM output starts with a '#' comment line naming the generator, its\n"
           "parameters and the teacher; mpbias reads such comments, CSV output has none.\n",
           PROG, (long) p.n, (long) p.d, (long) p.k, (unsigned long) p.seed, p.digits);
}

int
cmd_gen(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "n", required_argument, NULL, 'n' },
        { "d", required_argument, NULL, 'd' },
        { "k", required_argument, NULL, 'k' },
        { "seed", required_argument, NULL, 's' },
        { "digits", required_argument, NULL, 'p' },
        { "min-margin", required_argument, NULL, 'm' },
        { "example", required_argument, NULL, 'E' },
        { "format", required_argument, NULL, 'F' },
        { "out", required_argument, NULL, 'o' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    mpbias_gen_params p;
    mpbias_format fmt = MPBIAS_FORMAT_LIBSVM;
    const char *out = NULL, *example = NULL;
    int c, gen_opts = 0;
    long v;
    unsigned long seed;
    mpbias_data_t data;
    mpbias_err_t err;
    mpbias_status st;
    FILE *f;

    mpbias_gen_params_init(&p);
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":o:h", longopts, NULL)) != -1)
    {
        switch (c)
        {
            case 'n':
                if (!cli_parse_slong("gen", "n", optarg, 2, 100000000, &v))
                    return EXIT_USAGE;
                p.n = v;
                gen_opts = 1;
                break;
            case 'd':
                if (!cli_parse_slong("gen", "d", optarg, 1, 100000000, &v))
                    return EXIT_USAGE;
                p.d = v;
                gen_opts = 1;
                break;
            case 'k':
                if (!cli_parse_slong("gen", "k", optarg, 1, 100000000, &v))
                    return EXIT_USAGE;
                p.k = v;
                gen_opts = 1;
                break;
            case 's':
                if (!cli_parse_ulong("gen", "seed", optarg, &seed))
                    return EXIT_USAGE;
                p.seed = seed;
                gen_opts = 1;
                break;
            case 'p':
                if (!cli_parse_slong("gen", "digits", optarg, 0, 30, &v))
                    return EXIT_USAGE;
                p.digits = (int) v;
                gen_opts = 1;
                break;
            case 'm':
                if (!cli_parse_double("gen", "min-margin", optarg, 0.0, &p.min_margin))
                    return EXIT_USAGE;
                gen_opts = 1;
                break;
            case 'E':
                example = optarg;
                break;
            case 'F':
                if (strcmp(optarg, "libsvm") == 0 || strcmp(optarg, "svmlight") == 0)
                    fmt = MPBIAS_FORMAT_LIBSVM;
                else if (strcmp(optarg, "csv") == 0)
                    fmt = MPBIAS_FORMAT_CSV;
                else
                    return cli_usage_error("gen", "invalid value '%s' for --format: expected libsvm or csv", optarg);
                break;
            case 'o':
                out = optarg;
                break;
            case 'h':
                help();
                return EXIT_OK;
            default:
                return cli_getopt_error("gen", c, argv, longopts);
        }
    }
    if (optind < argc)
        return cli_usage_error("gen", "unexpected argument '%s'", argv[optind]);
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
