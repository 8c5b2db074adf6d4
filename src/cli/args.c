/*
 * args.c -- the table-driven option layer of the mpbias commands: one
 * row per option (name, kind, destination, range, help), from which both
 * the parser (getopt_long underneath) and the --help text are made, so an
 * option is defined in exactly one place.
 */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "cli.h"

/* help layout: options from column 2, their text from column 23 */
#define HELP_COL 23

static int
takes_argument(cli_arg_kind k)
{
    return k != CLI_ARG_FLAG && k != CLI_ARG_HELP && k != CLI_ARG_SECTION;
}

static void
put_help_text(FILE *f, const char *text, size_t col)
{
    const char *p = text;
    int first = 1;
    while (*p)
    {
        size_t len = strcspn(p, "\n");
        if (!first || col > HELP_COL - 2)
        {
            if (first)
                fputc('\n', f);
            col = 0;
        }
        fprintf(f, "%*s%.*s\n", (int) (HELP_COL - col), "", (int) len, p);
        first = 0;
        p += len;
        if (*p == '\n')
            p++;
    }
    if (first)
        fputc('\n', f);
}

void
cli_args_help(FILE *f, const cli_command *cmd)
{
    const cli_arg *a;
    fprintf(f, "Usage: %s %s %s\n%s", PROG, cmd->name, cmd->usage, cmd->description);
    for (a = cmd->args; a->kind != CLI_ARG_END; a++)
    {
        char left[128], sh[5] = "";
        if (a->kind == CLI_ARG_SECTION)
        {
            fprintf(f, "\n%s:\n", a->name);
            if (a->help != NULL)
                fprintf(f, "%s\n", a->help);
            continue;
        }
        if (a->help == NULL)
            continue;   /* a hidden option */
        if (a->shortopt)
            snprintf(sh, sizeof sh, "-%c, ", a->shortopt);
        snprintf(left, sizeof left, "  %s--%s%s%s", sh, a->name, a->meta ? " " : "",
                 a->meta ? a->meta : "");
        fputs(left, f);
        put_help_text(f, a->help, strlen(left));
    }
    if (cmd->epilog != NULL)
        fprintf(f, "\n%s", cmd->epilog);
}

/* the value of one option into its destination; EXIT_OK or EXIT_USAGE
   (reported) */
static int
store(const cli_command *cmd, const cli_arg *a, const char *v)
{
    switch (a->kind)
    {
        case CLI_ARG_FLAG:
            *(int *) a->dest = 1;
            return EXIT_OK;
        case CLI_ARG_LONG:
            return cli_parse_slong(cmd->name, a->name, v, a->lo, a->hi, (long *) a->dest)
                       ? EXIT_OK : EXIT_USAGE;
        case CLI_ARG_ULONG:
            return cli_parse_ulong(cmd->name, a->name, v, (unsigned long *) a->dest)
                       ? EXIT_OK : EXIT_USAGE;
        case CLI_ARG_POSITIVE:
        {
            double *x = a->dest;
            if (!cli_parse_double(cmd->name, a->name, v, 0.0, x))
                return EXIT_USAGE;
            if (!(*x > 0.0))
                return cli_usage_error(cmd->name, "invalid value '%s' for --%s: expected a "
                                       "positive number", v, a->name);
            return EXIT_OK;
        }
        case CLI_ARG_UNIT:
        {
            double *x = a->dest;
            if (!cli_parse_double(cmd->name, a->name, v, 0.0, x))
                return EXIT_USAGE;
            if (!(*x > 0.0 && *x < 1.0))
                return cli_usage_error(cmd->name, "invalid value '%s' for --%s: expected a "
                                       "number in (0, 1)", v, a->name);
            return EXIT_OK;
        }
        case CLI_ARG_NONNEG:
            return cli_parse_double(cmd->name, a->name, v, 0.0, (double *) a->dest)
                       ? EXIT_OK : EXIT_USAGE;
        case CLI_ARG_DECIMAL:
            return cli_parse_positive_decimal(cmd->name, a->name, v, (fmpq *) a->dest)
                       ? EXIT_OK : EXIT_USAGE;
        case CLI_ARG_SCI:
            return cli_parse_sci(cmd->name, a->name, v, (mpbias_sci_struct *) a->dest)
                       ? EXIT_OK : EXIT_USAGE;
        case CLI_ARG_CHOICE:
        {
            int k = cli_parse_choice(cmd->name, a->name, v, a->choices);
            if (k < 0)
                return EXIT_USAGE;
            *(int *) a->dest = k;
            return EXIT_OK;
        }
        case CLI_ARG_STRING:
            *(const char **) a->dest = v;
            return EXIT_OK;
        case CLI_ARG_DATA_FORMAT:
        {
            static const char *const fmts[] = { "auto", "libsvm", "svmlight", "csv", NULL };
            static const mpbias_format fv[] = { MPBIAS_FORMAT_AUTO, MPBIAS_FORMAT_LIBSVM,
                                                MPBIAS_FORMAT_LIBSVM, MPBIAS_FORMAT_CSV };
            int k;
            for (k = 0; fmts[k] != NULL; k++)
                if (strcmp(v, fmts[k]) == 0)
                {
                    *(mpbias_format *) a->dest = fv[k];
                    return EXIT_OK;
                }
            return cli_usage_error(cmd->name, "invalid value '%s' for --%s: expected auto, "
                                   "libsvm or csv", v, a->name);
        }
        case CLI_ARG_CALL:
            return a->call(cmd->name, a->name, v, a->dest);
        default:
            return EXIT_OK;
    }
}

int
cli_args_parse(const cli_command *cmd, int argc, char **argv)
{
    const cli_arg *a;
    struct option *lo, *shown;
    char shorts[64];
    size_t ns = 0;
    int n = 0, nshown = 0, i, c, r = EXIT_OK;

    for (a = cmd->args; a->kind != CLI_ARG_END; a++)
        n++;
    /* lo: every option, for getopt_long; shown: those --help lists, the
       candidates of "did you mean" */
    lo = malloc((size_t) (2 * n + 2) * sizeof *lo);
    if (lo == NULL)
    {
        cli_error("out of memory");
        return EXIT_FAIL;
    }
    shown = lo + n + 1;
    shorts[ns++] = ':';
    for (i = 0, n = 0; cmd->args[i].kind != CLI_ARG_END; i++)
    {
        a = cmd->args + i;
        if (a->kind == CLI_ARG_SECTION)
            continue;
        lo[n].name = a->name;
        lo[n].has_arg = takes_argument(a->kind) ? required_argument : no_argument;
        lo[n].flag = NULL;
        lo[n].val = 0x10000 + i;
        if (a->help != NULL)
            shown[nshown++] = lo[n];
        n++;
        if (a->shortopt && ns + 3 < sizeof shorts)
        {
            shorts[ns++] = (char) a->shortopt;
            if (takes_argument(a->kind))
                shorts[ns++] = ':';
        }
    }
    lo[n].name = NULL;
    lo[n].has_arg = 0;
    lo[n].flag = NULL;
    lo[n].val = 0;
    shown[nshown] = lo[n];
    shorts[ns] = '\0';

    opterr = 0;
    optind = 1;
    while (r == EXIT_OK && (c = getopt_long(argc, argv, shorts, lo, NULL)) != -1)
    {
        a = NULL;
        if (c >= 0x10000)
            a = cmd->args + (c - 0x10000);
        else if (c != '?' && c != ':')
            for (i = 0; cmd->args[i].kind != CLI_ARG_END; i++)
                if (cmd->args[i].shortopt == c && cmd->args[i].kind != CLI_ARG_SECTION)
                    a = cmd->args + i;
        if (a == NULL)
        {
            r = cli_getopt_error(cmd->name, c, argv, shown);
            break;
        }
        if (a->kind == CLI_ARG_HELP)
        {
            cli_args_help(stdout, cmd);
            r = CLI_HELP_SHOWN;
            break;
        }
        r = store(cmd, a, optarg);
        if (r == EXIT_OK && a->given != NULL)
            (*a->given)++;
        if (r == EXIT_OK && a->text != NULL)
            *a->text = optarg;
    }
    if (r == EXIT_OK && optind < argc)
        r = cli_usage_error(cmd->name, "unexpected argument '%s'", argv[optind]);
    free(lo);
    return r;
}
