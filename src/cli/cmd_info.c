/*
 * cmd_info.c -- `mpbias info`: a summary of a dataset, with its exact
 * linear separability and l2 max margin.
 */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "cli.h"

static void
list_examples(void)
{
    const char *name, *descr;
    int i;
    for (i = 0; mpbias_example_list(i, &name, &descr); i++)
        printf("%-16s %s\n", name, descr);
}

int
cmd_info(int argc, char **argv)
{
    cli_data_opts dopt = { NULL, NULL, MPBIAS_FORMAT_AUTO, NULL };
    long digits = 20;
    int r, list = 0, exact = 0, decimal = 0, qmode, rd;
    mpbias_data_t data;
    mpbias_l2mm_t l2;
    mpbias_err_t err;
    slong i, npos = 0, nnz;
    char *ms;
    const cli_arg args[] = {
        { CLI_ROW(CLI_ARG_SECTION, "Options", 0, NULL, NULL) },
        CLI_ARGS_DATA(dopt),
        { CLI_ROW(CLI_ARG_LONG, "digits", 0, "K", &digits), .lo = 1, .hi = 1000,
          .help = "significant digits of the margin (1..1000, default 20)" },
        CLI_ARGS_QMODE(exact, decimal),
        { CLI_ROW(CLI_ARG_FLAG, "list-examples", 0, NULL, &list),
          .help = "list the built-in examples and exit" },
        CLI_ARGS_HELP,
        CLI_ARGS_END
    };
    const cli_command cmd = {
        "info", "(--data FILE | --example NAME) [OPTIONS]\n       mpbias info --list-examples",
        "Summarize a dataset: samples, features, label counts, sparsity, whether it is\n"
        "linearly separable (decided exactly over the rationals) and, if so, the l2\n"
        "max-margin value 1/||w_l2||_2 with ||w_l2||_2^2 as an exact rational (rounded,\n"
        "marked '~', when it is too long to read; --exact prints it anyway).\n",
        args,
        "Non-separable data are reported and make the command exit with status 1:\n"
        "gradient flow then never drives the loss to zero.\n"
    };

    if ((r = cli_args_parse(&cmd, argc, argv)) != EXIT_OK)
        return r == CLI_HELP_SHOWN ? EXIT_OK : r;
    if (list)
    {
        list_examples();
        return EXIT_OK;
    }
    if ((r = cli_qmode("info", exact, decimal, &qmode)) != EXIT_OK)
        return r;

    mpbias_data_init(data);
    if ((r = cli_load_data("info", &dopt, data)) != EXIT_OK)
        return r;
    for (i = 0; i < data->n; i++)
        npos += (data->y[i] > 0);
    nnz = mpbias_data_nnz(data);
    printf("dataset:          %s\n", data->name);
    printf("samples (N):      %ld (label +1: %ld, label -1: %ld)\n", (long) data->n,
           (long) npos, (long) (data->n - npos));
    printf("features (d):     %ld\n", (long) data->d);
    printf("nonzero entries:  %ld of %ld (%.1f%% zero)\n", (long) nnz,
           (long) (data->n * data->d), 100.0 * (1.0 - (double) nnz / (double) (data->n * data->d)));

    mpbias_l2mm_init(l2);
    mpbias_err_clear(err);
    if (mpbias_l2mm_compute(l2, data, err) != MPBIAS_OK)
    {
        r = cli_lib_error(err);
    }
    else if (!l2->separable)
    {
        printf("separable:        no (decided exactly: nonnegative sample weights summing to 1\n"
               "                  with sum_n u_n z_n = 0 were found and verified)\n");
        cli_error("%s: the data are not linearly separable (decided exactly): gradient flow "
                  "never drives the loss to zero", data->name);
        r = EXIT_FAIL;
    }
    else
    {
        ms = mpbias_l2mm_margin_str(l2, (int) digits);

        printf("separable:        yes (decided exactly; the l2 max-margin solution below is\n"
               "                  certified by exact KKT conditions)\n");
        printf("l2 max margin:    %s  (= 1/||w_l2||_2, %ld significant digits, correctly rounded)\n",
               ms ? ms : "(could not be certified)", digits);
        rd = cli_q_rounded(l2->norm2, 1, qmode);
        printf("||w_l2||_2^2:     %s", rd ? "~" : "");
        cli_put_q(stdout, l2->norm2, rd, digits);
        if (rd)
            printf("  (a rational, correctly rounded to %ld digits; --exact prints it)\n", digits);
        else
            printf("  (exact)\n");
        printf("support vectors:  %ld of %ld samples\n", (long) l2->nsupport, (long) data->n);
        if (ms == NULL)
        {
            cli_error("could not certify %ld digits of the l2 margin", digits);
            r = EXIT_FAIL;
        }
        else
            r = EXIT_OK;
        flint_free(ms);
    }
    mpbias_l2mm_clear(l2);
    mpbias_data_clear(data);
    return r;
}
