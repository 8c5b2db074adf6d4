/*
 * fuzz_cli_values.c -- fuzz the option-value parsers the mpbias commands
 * share (src/cli/opts.c): integers, doubles, exact decimals, losses with
 * huge exponents, choices, comma-separated decimal lists (--shape-a,
 * --kkt, --schedule) and initialization-shape files (--shape FILE).
 *
 * Input: a byte choosing the parser (modulo 8), a parameter byte P, then
 * the text:
 *   0 cli_parse_slong, range [-1000, 1000] or [1, 100000000] (P odd)
 *   1 cli_parse_ulong          2 cli_parse_double (minimum 0)
 *   3 cli_parse_positive_decimal                 4 cli_parse_sci
 *   5 cli_parse_choice among csv, json; cli_put_json_string of the text
 *   6 cli_parse_decimal_list, d = 1 + P % 16 values, all positive if P >= 128
 *   7 the shape, d = 1 + P % 16: if P >= 128 the text is a shape file
 *     (written to a temporary file), else two lists --shape-a, --shape-b
 *     separated by the first newline
 *
 * Properties beyond "no crash, no sanitizer report, no leak": accepted
 * integers are within their range, and accepted lists and shapes have
 * the sign they must have.
 */
#include "config.h"
#include <math.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "fuzz.h"

const char fuzz_target_name[] = "cli_values";

#define MAX_LEN 4096

static char shape_path[4096];
static int shape_fd = -1;

static void
remove_shape_file(void)
{
    if (shape_fd >= 0)
    {
        close(shape_fd);
        unlink(shape_path);
        shape_fd = -1;
    }
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *tmp = getenv("TMPDIR");
    (void) argc;
    (void) argv;
    snprintf(shape_path, sizeof shape_path, "%s/mpbias-fuzz-shape-XXXXXX",
             tmp && tmp[0] ? tmp : "/tmp");
    shape_fd = mkstemp(shape_path);
    if (shape_fd < 0)
    {
        perror("fuzz_cli_values: mkstemp");
        abort();
    }
    atexit(remove_shape_file);
    return 0;
}

static void
check_positive(const fmpq *v, slong d, const char *what)
{
    slong k;
    for (k = 0; k < d; k++)
        if (fmpq_sgn(v + k) <= 0)
            fuzz_fail("%s accepted a value that is not positive", what);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int mode, p;
    char *s;
    size_t len;

    if (size < 2)
        return 0;
    mode = data[0] % 8;
    p = data[1];
    len = size - 2 > MAX_LEN ? MAX_LEN : size - 2;
    s = malloc(len + 1);
    memcpy(s, data + 2, len);
    s[len] = '\0';

    switch (mode)
    {
        case 0:
        {
            long v, lo = (p & 1) ? 1 : -1000, hi = (p & 1) ? 100000000 : 1000;
            if (cli_parse_slong("fuzz", "n", s, lo, hi, &v) && (v < lo || v > hi))
                fuzz_fail("cli_parse_slong accepted %ld outside [%ld, %ld]", v, lo, hi);
            break;
        }
        case 1:
        {
            unsigned long v;
            (void) cli_parse_ulong("fuzz", "seed", s, &v);
            break;
        }
        case 2:
        {
            double v;
            if (cli_parse_double("fuzz", "x", s, 0.0, &v) && !(v >= 0.0 && isfinite(v)))
                fuzz_fail("cli_parse_double accepted %g", v);
            break;
        }
        case 3:
        {
            fmpq_t q;
            fmpq_init(q);
            if (cli_parse_positive_decimal("fuzz", "alpha", s, q))
                check_positive(q, 1, "cli_parse_positive_decimal");
            fmpq_clear(q);
            break;
        }
        case 4:
        {
            mpbias_sci_t x;
            mpbias_sci_init(x);
            if (cli_parse_sci("fuzz", "until-loss", s, x) && fmpq_sgn(x->mant) <= 0)
                fuzz_fail("cli_parse_sci accepted a value that is not positive");
            mpbias_sci_clear(x);
            break;
        }
        case 5:
        {
            static const char *const choices[] = { "csv", "json", NULL };
            int k = cli_parse_choice("fuzz", "format", s, choices);
            if (k < -1 || k > 1)
                fuzz_fail("cli_parse_choice returned %d", k);
            cli_put_json_string(stdout, s);
            break;
        }
        case 6:
        {
            slong d = 1 + p % 16;
            int positive = p >= 128;
            fmpq *v = _fmpq_vec_init(d);
            if (cli_parse_decimal_list("fuzz", "kkt", s, v, d, positive) && positive)
                check_positive(v, d, "cli_parse_decimal_list");
            _fmpq_vec_clear(v, d);
            break;
        }
        case 7:
        {
            slong d = 1 + p % 16;
            cli_shape_opts o = { NULL, NULL, NULL };
            fmpq *a = NULL, *b = NULL;
            if (p >= 128)
            {
                if (ftruncate(shape_fd, 0) != 0 || pwrite(shape_fd, s, len, 0) != (ssize_t) len)
                {
                    perror("fuzz_cli_values: writing the shape file");
                    abort();
                }
                o.file = shape_path;
            }
            else
            {
                char *nl = strchr(s, '\n');
                o.a = s;
                o.b = "";
                if (nl != NULL)
                {
                    *nl = '\0';
                    o.b = nl + 1;
                }
            }
            if (cli_shape_check("fuzz", &o) != EXIT_OK)
                fuzz_fail("cli_shape_check refused a valid combination");
            if (cli_shape_load("fuzz", &o, d, &a, &b) == EXIT_OK)
            {
                check_positive(a, d, "cli_shape_load (a)");
                check_positive(b, d, "cli_shape_load (b)");
            }
            cli_shape_free(a, b, d);
            break;
        }
    }
    fflush(stdout);
    free(s);
    return 0;
}
