/*
 * fuzz_decimal.c -- fuzz the exact number parsers: mpbias_decimal_parse
 * (every value of a dataset, every decimal option) and mpbias_sci_parse
 * (losses and times with exponents of any size).
 *
 * The input is the literal itself.  Properties checked beyond "no crash,
 * no sanitizer report, no leak":
 *  - a refusal comes with a message and a column within the literal;
 *  - an accepted value prints (mpbias_fmpq_get_str_exact) as an exact
 *    decimal that parses back to the same value;
 *  - mpbias_sci_parse accepts every positive value mpbias_decimal_parse
 *    accepts, as the same number mant * 10^exp10;
 *  - mpbias_sci_log10_d of an accepted value agrees with mpbias_sci_log
 *    (divided by log 10) wherever a double holds the logarithm.
 */
#include "config.h"
#include <math.h>
#include <string.h>
#include "mpbias.h"
#include "fuzz.h"

const char fuzz_target_name[] = "decimal";

/* Literals longer than this are cut: the parsers are linear, and longer
   inputs only slow the fuzzer down. */
#define MAX_LEN 4096

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *) data;
    fmpq_t q, r;
    mpbias_err_t err;
    mpbias_status st;

    if (size > MAX_LEN)
        size = MAX_LEN;
    fmpq_init(q);
    fmpq_init(r);

    /* the decimal parser, on a buffer that is not NUL-terminated */
    mpbias_err_clear(err);
    st = mpbias_decimal_parse(q, s, size, err);
    if (st != MPBIAS_OK)
    {
        if (err->status != st || err->msg[0] == '\0')
            fuzz_fail("decimal_parse refused without a message (status %d)", (int) st);
        if (err->col < 1 || (size_t) err->col > size + 1)
            fuzz_fail("decimal_parse: column %ld outside the literal (length %zu)", err->col,
                      size);
        if (!fmpq_is_zero(q))
            fuzz_fail("decimal_parse refused but left a nonzero value");
    }
    else
    {
        char *out = mpbias_fmpq_get_str_exact(q);
        if (out == NULL)
            fuzz_fail("fmpq_get_str_exact returned NULL");
        if (strchr(out, '/') != NULL)
            fuzz_fail("a parsed decimal printed as a fraction: %.100s", out);
        mpbias_err_clear(err);
        if (mpbias_decimal_parse(r, out, strlen(out), err) != MPBIAS_OK)
            fuzz_fail("'%.100s' (printed form) does not parse back: %s", out, err->msg);
        if (!fmpq_equal(q, r))
            fuzz_fail("'%.100s' parses back to a different value", out);
        flint_free(out);
    }

    /* the scientific parser takes a C string */
    if (memchr(s, '\0', size) == NULL)
    {
        char *c = malloc(size + 1);
        mpbias_sci_t x;
        memcpy(c, s, size);
        c[size] = '\0';
        mpbias_sci_init(x);
        mpbias_err_clear(err);
        if (mpbias_sci_parse(x, c, err) == MPBIAS_OK)
        {
            mpfr_t l;
            double l10, ref;
            if (fmpq_sgn(x->mant) <= 0)
                fuzz_fail("sci_parse accepted a nonpositive mantissa");
            /* log10 in double agrees with the MPFR log wherever a double
               holds it */
            l10 = mpbias_sci_log10_d(x);
            mpfr_init2(l, 64);
            mpbias_sci_log(l, x, MPFR_RNDN);
            mpfr_div_d(l, l, 2.302585092994045684, MPFR_RNDN);
            ref = mpfr_get_d(l, MPFR_RNDN);
            mpfr_clear(l);
            if (isfinite(ref) && fabs(ref) < 1e300
                && !(fabs(l10 - ref) <= 1e-9 * (fabs(ref) > 1.0 ? fabs(ref) : 1.0)))
                fuzz_fail("sci_log10_d('%.100s') = %g, but log10 is %.17g", c, l10, ref);
            /* the same value as the decimal parser's (its exponents are
               bounded, so 10^|exp10| is affordable) */
            if (st == MPBIAS_OK)
            {
                fmpz_t p;
                if (fmpz_bits(x->exp10) > 21)
                    fuzz_fail("sci_parse: exponent beyond what the decimal parser accepted");
                fmpz_init(p);
                fmpz_set_ui(p, 10);
                fmpz_pow_ui(p, p, fmpz_get_si(x->exp10) < 0 ? (ulong) -fmpz_get_si(x->exp10)
                                                           : (ulong) fmpz_get_si(x->exp10));
                if (fmpz_sgn(x->exp10) >= 0)
                    fmpq_mul_fmpz(r, x->mant, p);
                else
                    fmpq_div_fmpz(r, x->mant, p);
                if (!fmpq_equal(q, r))
                    fuzz_fail("sci_parse and decimal_parse disagree on '%.100s'", c);
                fmpz_clear(p);
            }
        }
        else
        {
            if (err->msg[0] == '\0')
                fuzz_fail("sci_parse refused without a message");
            if (st == MPBIAS_OK && fmpq_sgn(q) > 0)
                fuzz_fail("sci_parse refused '%.100s', a positive decimal: %s", c, err->msg);
        }
        mpbias_sci_clear(x);
        free(c);
    }
    fmpq_clear(q);
    fmpq_clear(r);
    return 0;
}
