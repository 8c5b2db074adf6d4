/*
 * opts.c -- option helpers shared by the mpbias commands: messages,
 * strict number parsing, and loading a dataset from --data/--example.
 */
#include "config.h"
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"

void
cli_error(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", PROG);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int
cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", PROG);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry '%s%s%s --help' for more information.\n", PROG,
            cmd ? " " : "", cmd ? cmd : "");
    return EXIT_USAGE;
}

int
cli_getopt_error(const char *cmd, int c, char **argv)
{
    if (c == ':')
        return cli_usage_error(cmd, "option '%s' requires an argument", argv[optind - 1]);
    /* optopt is the offending character of a short option (which may sit
       inside a group such as -xy, so argv[optind - 1] is not necessarily
       it); 0 for an unknown long option. */
    if (optopt != 0)
        return cli_usage_error(cmd, "unknown option '-%c'", optopt);
    return cli_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
}

int
cli_lib_error(const mpbias_err_t err)
{
    cli_error("%s", err->msg[0] ? err->msg : mpbias_status_string(err->status));
    return EXIT_FAIL;
}

int
cli_parse_slong(const char *cmd, const char *opt, const char *s, long min, long max, long *out)
{
    char *end;
    long v;
    errno = 0;
    v = strtol(s, &end, 10);
    if (*s == '\0' || *end != '\0' || errno != 0 || v < min || v > max)
    {
        cli_usage_error(cmd, "invalid value '%s' for --%s: expected an integer in [%ld, %ld]",
                        s, opt, min, max);
        return 0;
    }
    *out = v;
    return 1;
}

int
cli_parse_ulong(const char *cmd, const char *opt, const char *s, unsigned long *out)
{
    char *end;
    unsigned long v;
    errno = 0;
    v = strtoul(s, &end, 10);
    if (*s < '0' || *s > '9' || *end != '\0' || errno != 0)
    {
        cli_usage_error(cmd, "invalid value '%s' for --%s: expected a nonnegative integer", s, opt);
        return 0;
    }
    *out = v;
    return 1;
}

int
cli_parse_double(const char *cmd, const char *opt, const char *s, double min, double *out)
{
    char *end;
    double v;
    errno = 0;
    v = strtod(s, &end);
    if (*s == '\0' || *end != '\0' || errno != 0 || !isfinite(v) || v < min)
    {
        cli_usage_error(cmd, "invalid value '%s' for --%s: expected a finite number >= %g",
                        s, opt, min);
        return 0;
    }
    *out = v;
    return 1;
}

int
cli_data_opt(const char *cmd, cli_data_opts *o, int c, const char *arg)
{
    switch (c)
    {
        case 'D':
            o->file = arg;
            return 1;
        case 'E':
            o->example = arg;
            return 1;
        case 'F':
            if (strcmp(arg, "auto") == 0)
                o->format = MPBIAS_FORMAT_AUTO;
            else if (strcmp(arg, "libsvm") == 0 || strcmp(arg, "svmlight") == 0)
                o->format = MPBIAS_FORMAT_LIBSVM;
            else if (strcmp(arg, "csv") == 0)
                o->format = MPBIAS_FORMAT_CSV;
            else
            {
                cli_usage_error(cmd, "invalid value '%s' for --data-format: expected auto, libsvm or csv", arg);
                return -1;
            }
            return 1;
    }
    return 0;
}

/* Half the physical memory: datasets whose dense storage would need more
   are refused up front rather than dying in the allocator. */
static size_t
memory_budget(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), psize = sysconf(_SC_PAGESIZE);
    if (pages <= 0 || psize <= 0)
        return 0;
    return (size_t) pages / 2 * (size_t) psize;
}

int
cli_load_data(const char *cmd, const cli_data_opts *o, mpbias_data_t data)
{
    mpbias_err_t err;
    mpbias_status st;
    mpbias_err_clear(err);
    if ((o->file == NULL) == (o->example == NULL))
        return cli_usage_error(cmd, o->file ? "give either --data or --example, not both"
                                            : "no dataset: give --data FILE or --example NAME");
    if (o->file != NULL)
    {
        mpbias_read_opts ro;
        mpbias_read_opts_init(&ro);
        ro.format = o->format;
        ro.max_bytes = memory_budget();
        st = mpbias_data_read_file(data, o->file, &ro, err);
    }
    else
        st = mpbias_example_load(data, o->example, err);
    if (st != MPBIAS_OK)
        return (st == MPBIAS_ERR_ARG && o->example) ? cli_usage_error(cmd, "%s", err->msg)
                                                    : cli_lib_error(err);
    return EXIT_OK;
}

/* s as the body of a JSON string. */
void
cli_put_json_string(FILE *f, const char *s)
{
    for (; *s; s++)
    {
        unsigned char ch = (unsigned char) *s;
        if (ch == '"' || ch == '\\')
            fprintf(f, "\\%c", ch);
        else if (ch < 0x20)
            fprintf(f, "\\u%04x", ch);
        else
            fputc(ch, f);
    }
}

int
cli_parse_decimal_list(const char *cmd, const char *opt, const char *s, fmpq *v, slong d,
                       int positive)
{
    slong k = 0;
    const char *p = s;
    while (1)
    {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t) (e - p) : strlen(p);
        mpbias_err_t err;
        mpbias_err_clear(err);
        if (k == d)
        {
            cli_usage_error(cmd, "--%s has more than d = %ld values", opt, (long) d);
            return 0;
        }
        if (mpbias_decimal_parse(v + k, p, len, err) != MPBIAS_OK
            || (positive && fmpq_sgn(v + k) <= 0))
        {
            cli_usage_error(cmd, "--%s: value %ld ('%.*s') is not a %s number", opt, (long) k + 1,
                            (int) len, p, positive ? "positive" : "decimal");
            return 0;
        }
        k++;
        if (e == NULL)
            break;
        p = e + 1;
    }
    if (k != d)
    {
        cli_usage_error(cmd, "--%s has %ld values but the data have d = %ld", opt, (long) k,
                        (long) d);
        return 0;
    }
    return 1;
}
