/*
 * t-decimal.c -- exact decimal parsing and printing (src/util/decimal.c),
 * and correctly rounded conversion of dataset entries to MPFR.
 *
 * Every expected value is an exact rational written by hand (or built
 * from a hand-written digit string), never an earlier output of the code.
 */
#include "testutil.h"

/* ------------------------------------------------------------------ */
/* helpers                                                             */
/* ------------------------------------------------------------------ */

/* Parse a NUL-terminated literal; assert success and q == expected. */
static void
parse_ok(const char *s, const char *expected)
{
    fmpq_t q, e;
    mpbias_err_t err;
    mpbias_status st;
    fmpq_init(q);
    fmpq_init(e);
    fmpq_set_si(q, 12345, 7);        /* must be overwritten */
    mpbias_err_clear(err);
    st = mpbias_decimal_parse(q, s, strlen(s), err);
    ck_assert_msg(st == MPBIAS_OK, "'%s' refused: %s", s, err->msg);
    tu_fmpq_set(e, expected);
    if (!fmpq_equal(q, e))
    {
        char *g = fmpq_get_str(NULL, 10, q);
        ck_abort_msg("'%s' parsed as %s, expected %s", s, g, expected);
    }
    /* the result is canonical: positive denominator, gcd 1 */
    ck_assert(fmpz_sgn(fmpq_denref(q)) > 0);
    {
        fmpz_t g;
        fmpz_init(g);
        fmpz_gcd(g, fmpq_numref(q), fmpq_denref(q));
        ck_assert(fmpz_is_one(g));
        fmpz_clear(g);
    }
    fmpq_clear(q);
    fmpq_clear(e);
}

/* Parse s[0..len); assert refusal with this status, column and message. */
static void
parse_bad_len(const char *s, size_t len, mpbias_status status, long col, const char *msg)
{
    fmpq_t q;
    mpbias_err_t err;
    mpbias_status st;
    fmpq_init(q);
    fmpq_set_si(q, 5, 3);
    mpbias_err_clear(err);
    st = mpbias_decimal_parse(q, s, len, err);
    ck_assert_msg(st == status, "'%.*s': status %d, expected %d (%s)", (int) len, s, (int) st,
                  (int) status, err->msg);
    ck_assert_int_eq(err->status, status);
    ck_assert_msg(err->col == col, "'%.*s': col %ld, expected %ld", (int) len, s, err->col, col);
    ck_assert_int_eq(err->line, 0);
    ck_assert_msg(strcmp(err->msg, msg) == 0, "'%.*s': message\n  '%s'\nexpected\n  '%s'",
                  (int) len, s, err->msg, msg);
    ck_assert_msg(fmpq_is_zero(q), "'%.*s': q is not 0 after a refusal", (int) len, s);
    /* NULL error report is allowed */
    ck_assert_int_eq(mpbias_decimal_parse(q, s, len, NULL), status);
    fmpq_clear(q);
}

static void
parse_bad(const char *s, long col, const char *msg)
{
    parse_bad_len(s, strlen(s), MPBIAS_ERR_PARSE, col, msg);
}

/* "1" followed by k zeros, malloc'd. */
static char *
one_zeros(size_t k)
{
    char *s = malloc(k + 2);
    ck_assert_ptr_nonnull(s);
    s[0] = '1';
    memset(s + 1, '0', k);
    s[k + 1] = '\0';
    return s;
}

/* x = 10^k, from a hand-built digit string. */
static void
pow10_fmpz(fmpz_t x, size_t k)
{
    char *s = one_zeros(k);
    ck_assert_int_eq(fmpz_set_str(x, s, 10), 0);
    free(s);
}

/* ------------------------------------------------------------------ */
/* parsing: accepted literals                                          */
/* ------------------------------------------------------------------ */

START_TEST(test_parse_values)
{
    static const struct { const char *s, *q; } c[] = {
        { "0.1", "1/10" },
        { "-0", "0" },
        { "+0", "0" },
        { "0", "0" },
        { "-0.000", "0" },
        { "123456789012345678901234567890", "123456789012345678901234567890" },
        { "-123456789012345678901234567890.0000000001",
          "-1234567890123456789012345678900000000001/10000000000" },
        { "+1.5E+3", "1500" },
        { ".5", "1/2" },
        { "-.75", "-3/4" },
        { "5.", "5" },
        { "1e0", "1" },
        { "1e-0", "1" },
        { "1E-2", "1/100" },
        { "-2.50", "-5/2" },
        { "007", "7" },
        { "00.0100", "1/100" },
        { "-1.5e-3", "-3/2000" },
        { "2.5e+2", "250" },
        { "12.34e1", "617/5" },
        { "9.99e-1", "999/1000" },
        { "3.14159", "314159/100000" },
        { "1e+21", "1000000000000000000000" },
        { "0.000000000000000000001", "1/1000000000000000000000" },
        { "1e0000000000000000000000001", "10" },     /* leading zeros of the exponent */
        { "0.25", "1/4" },
        { "-1", "-1" },
        { "+1", "1" },
        { "1.0", "1" },
    };
    size_t i;
    for (i = 0; i < sizeof c / sizeof c[0]; i++)
        parse_ok(c[i].s, c[i].q);
}
END_TEST

START_TEST(test_parse_1e_minus_400)
{
    /* 1e-400 is 1/10^400: far below double range, exact here */
    char *den = one_zeros(400), *lit = tu_sprintf("1/%s", den), *nlit = tu_sprintf("-3/%s", den);
    parse_ok("1e-400", lit);
    parse_ok("0.1e-399", lit);
    parse_ok("100e-402", lit);
    parse_ok("-3E-400", nlit);
    free(den);
    free(lit);
    free(nlit);
}
END_TEST

START_TEST(test_parse_uses_len)
{
    fmpq_t q;
    fmpq_init(q);
    /* only s[0..len) is read: no NUL terminator needed */
    ck_assert_int_eq(mpbias_decimal_parse(q, "0.25xyz", 4, NULL), MPBIAS_OK);
    tu_assert_fmpq(q, "1/4");
    ck_assert_int_eq(mpbias_decimal_parse(q, "-1e5", 2, NULL), MPBIAS_OK);
    tu_assert_fmpq(q, "-1");
    fmpq_clear(q);
    parse_bad_len("1e5", 2, MPBIAS_ERR_PARSE, 3, "'1e' is not a number (exponent without digits)");
    parse_bad_len("12", 0, MPBIAS_ERR_PARSE, 1, "empty field where a number was expected");
}
END_TEST

START_TEST(test_parse_exponent_range)
{
    fmpq_t q, e;
    fmpz_t p;
    char *msg, *s;
    size_t k;
    mpbias_err_t err;
    ck_assert_int_eq(MPBIAS_DECIMAL_MAX_EXP, 1000000);
    fmpq_init(q);
    fmpq_init(e);
    fmpz_init(p);
    pow10_fmpz(p, MPBIAS_DECIMAL_MAX_EXP);

    /* the largest exponents are accepted and exact */
    ck_assert_int_eq(mpbias_decimal_parse(q, "1e1000000", 9, NULL), MPBIAS_OK);
    ck_assert(fmpz_equal(fmpq_numref(q), p) && fmpz_is_one(fmpq_denref(q)));
    ck_assert_int_eq(mpbias_decimal_parse(q, "1e-1000000", 10, NULL), MPBIAS_OK);
    ck_assert(fmpz_is_one(fmpq_numref(q)) && fmpz_equal(fmpq_denref(q), p));
    ck_assert_int_eq(mpbias_decimal_parse(q, "-2.5E+1000000", 13, NULL), MPBIAS_OK);
    fmpz_mul_si(fmpq_numref(e), p, -5);
    fmpz_set_ui(fmpq_denref(e), 2);
    fmpq_canonicalise(e);                /* e = -5/2 * 10^1000000 */
    ck_assert(fmpq_equal(q, e));

    /* one beyond is refused with a message giving the range */
    msg = tu_sprintf("exponent of '1e1000001' is beyond the supported range (|exponent| <= %d)",
                     MPBIAS_DECIMAL_MAX_EXP);
    parse_bad("1e1000001", 3, msg);
    free(msg);
    msg = tu_sprintf("exponent of '1e-1000001' is beyond the supported range (|exponent| <= %d)",
                     MPBIAS_DECIMAL_MAX_EXP);
    parse_bad("1e-1000001", 3, msg);
    free(msg);
    /* exponents that overflow any machine integer */
    parse_bad("1E99999999999999999999999999", 3,
              "exponent of '1E99999999999999999999999999' is beyond the supported range "
              "(|exponent| <= 1000000)");
    parse_bad("5e-9223372036854775808", 3,
              "exponent of '5e-9223372036854775808' is beyond the supported range "
              "(|exponent| <= 1000000)");
    mpbias_err_clear(err);
    ck_assert_int_eq(mpbias_decimal_parse(q, "0.1e-99999999", 13, err), MPBIAS_ERR_PARSE);
    ck_assert_ptr_nonnull(strstr(err->msg, "beyond the supported range"));

    /* as many fractional digits as the limit: fine; one more: refused */
    k = MPBIAS_DECIMAL_MAX_EXP;
    s = malloc(k + 3);
    ck_assert_ptr_nonnull(s);
    s[0] = '0';
    s[1] = '.';
    memset(s + 2, '0', k - 1);
    s[k + 1] = '1';
    s[k + 2] = '\0';
    ck_assert_int_eq(mpbias_decimal_parse(q, s, k + 2, NULL), MPBIAS_OK);
    ck_assert(fmpz_is_one(fmpq_numref(q)) && fmpz_equal(fmpq_denref(q), p));
    free(s);
    s = malloc(k + 4);
    ck_assert_ptr_nonnull(s);
    s[0] = '0';
    s[1] = '.';
    memset(s + 2, '0', k);
    s[k + 2] = '1';
    s[k + 3] = '\0';
    msg = tu_sprintf("'0.%.62s...' has more than 1000000 fractional digits", s + 2);
    parse_bad_len(s, k + 3, MPBIAS_ERR_PARSE, 1, msg);
    free(msg);
    free(s);

    fmpz_clear(p);
    fmpq_clear(q);
    fmpq_clear(e);
}
END_TEST

/* ------------------------------------------------------------------ */
/* parsing: refusals                                                   */
/* ------------------------------------------------------------------ */

START_TEST(test_parse_refused)
{
    static const struct { const char *s; long col; const char *msg; } c[] = {
        { "", 1, "empty field where a number was expected" },
        { "abc", 1, "'abc' is not a number" },
        { "1.2.3", 4, "'1.2.3' is not a number" },
        { "1e", 3, "'1e' is not a number (exponent without digits)" },
        { "1e+", 4, "'1e+' is not a number (exponent without digits)" },
        { "1E-", 4, "'1E-' is not a number (exponent without digits)" },
        { "1ex", 3, "'1ex' is not a number (exponent without digits)" },
        { "nan", 1, "NaN is not allowed as a value" },
        { "NaN", 1, "NaN is not allowed as a value" },
        { "-nan", 1, "NaN is not allowed as a value" },
        { "NAN(ind)", 1, "NaN is not allowed as a value" },
        { "-inf", 1, "infinity is not allowed as a value" },
        { "+INF", 1, "infinity is not allowed as a value" },
        { "Infinity", 1, "infinity is not allowed as a value" },
        { "infinite", 1, "'infinite' is not a number" },
        { "0x10", 2, "'0x10' is not a number" },
        { "1,5", 2, "'1,5' is not a number" },
        { " 1", 1, "' 1' is not a number" },
        { "1 ", 2, "'1 ' is not a number" },
        { "-", 1, "'-' is not a number" },
        { "+", 1, "'+' is not a number" },
        { ".", 1, "'.' is not a number" },
        { "-.", 1, "'-.' is not a number" },
        { "+-1", 2, "'+-1' is not a number" },
        { "e5", 1, "'e5' is not a number" },
        { ".e1", 2, "'.e1' is not a number" },
        { "1e5x", 4, "'1e5x' is not a number" },
        { "1e5.5", 4, "'1e5.5' is not a number" },
        { "1_000", 2, "'1_000' is not a number" },
        { "1/3", 2, "'1/3' is not a number" },
        { "\xd9\xa3", 1, "'\xd9\xa3' is not a number" },     /* ARABIC-INDIC DIGIT THREE */
    };
    size_t i;
    for (i = 0; i < sizeof c / sizeof c[0]; i++)
        parse_bad(c[i].s, c[i].col, c[i].msg);
}
END_TEST

START_TEST(test_parse_long_literal_message)
{
    /* the message quotes at most 64 characters of a long literal */
    char s[101], *msg;
    memset(s, '7', 99);
    s[99] = 'x';
    s[100] = '\0';
    msg = tu_sprintf("'%.64s' is not a number", s);
    parse_bad(s, 100, msg);
    free(msg);
}
END_TEST

/* ------------------------------------------------------------------ */
/* exact printing                                                      */
/* ------------------------------------------------------------------ */

/* get_str_exact(q) == expected, and it parses back to q */
static void
str_exact_is(const fmpq_t q, const char *expected)
{
    char *s = mpbias_fmpq_get_str_exact(q);
    fmpq_t b;
    ck_assert_ptr_nonnull(s);
    ck_assert_msg(strcmp(s, expected) == 0, "printed '%s', expected '%s'", s, expected);
    fmpq_init(b);
    if (strchr(s, '/') == NULL)
    {
        mpbias_err_t err;
        ck_assert_msg(mpbias_decimal_parse(b, s, strlen(s), err) == MPBIAS_OK,
                      "'%s' does not parse back: %s", s, err->msg);
    }
    else
        tu_fmpq_set(b, s);
    ck_assert_msg(fmpq_equal(b, q), "'%s' does not parse back to the same rational", s);
    fmpq_clear(b);
    flint_free(s);
}

START_TEST(test_str_exact)
{
    static const struct { const char *q, *s; } c[] = {
        { "1/10", "0.1" },
        { "1/3", "1/3" },
        { "-1/3", "-1/3" },
        { "1/6", "1/6" },
        { "-25/100", "-0.25" },
        { "12300", "12300" },
        { "0", "0" },
        { "-7", "-7" },
        { "10", "10" },
        { "1/8", "0.125" },
        { "3/20", "0.15" },
        { "7/2", "3.5" },
        { "5/4", "1.25" },
        { "1/1024", "0.0009765625" },
        { "123456789/1000", "123456.789" },
        { "100000000000000000000", "100000000000000000000" },   /* 1e20: plain */
        { "1000000000000000000000", "1e21" },                   /* 1e21: scientific */
        { "-1230000000000000000000000000", "-1.23e27" },
        { "1/10000000", "0.0000001" },                           /* 1e-7: plain */
        { "1/100000000", "1e-8" },                               /* 1e-8: scientific */
        { "15/1000000000", "1.5e-8" },
        { "-123456789/100000000000000000", "-1.23456789e-9" },
    };
    size_t i;
    fmpq_t q;
    fmpq_init(q);
    for (i = 0; i < sizeof c / sizeof c[0]; i++)
    {
        tu_fmpq_set(q, c[i].q);
        str_exact_is(q, c[i].s);
    }
    fmpq_clear(q);
}
END_TEST

START_TEST(test_str_exact_big_exponents)
{
    fmpq_t q;
    fmpz_t p;
    fmpq_init(q);
    fmpz_init(p);
    pow10_fmpz(p, 400);
    fmpz_one(fmpq_numref(q));
    fmpz_set(fmpq_denref(q), p);                                 /* 1/10^400 */
    str_exact_is(q, "1e-400");
    fmpz_set_si(fmpq_numref(q), -3);
    fmpz_set(fmpq_denref(q), p);
    str_exact_is(q, "-3e-400");
    fmpz_set(fmpq_numref(q), p);
    fmpz_one(fmpq_denref(q));
    str_exact_is(q, "1e400");
    /* the extremes the parser accepts print (quickly) and parse back */
    pow10_fmpz(p, MPBIAS_DECIMAL_MAX_EXP);
    fmpz_set_si(fmpq_numref(q), 7);
    fmpz_set(fmpq_denref(q), p);
    str_exact_is(q, "7e-1000000");
    fmpz_one(fmpq_numref(q));
    str_exact_is(q, "1e-1000000");
    fmpz_set(fmpq_numref(q), p);
    fmpz_one(fmpq_denref(q));
    str_exact_is(q, "1e1000000");
    /* 12e1000000, 10e1000000 and 0.1e-1000000 parse; their scientific
       forms 1.2e1000001, 1e1000001 and 1e-1000001 would not, so they print
       in forms that do */
    fmpz_mul_ui(fmpq_numref(q), p, 12);
    str_exact_is(q, "12e1000000");
    fmpz_mul_si(fmpq_numref(q), p, -10);
    str_exact_is(q, "-10e1000000");
    fmpz_mul_ui(fmpq_numref(q), p, 1230);
    str_exact_is(q, "1230e1000000");
    fmpz_one(fmpq_numref(q));
    fmpz_mul_ui(fmpq_denref(q), p, 10);
    str_exact_is(q, "0.1e-1000000");
    fmpz_set_si(fmpq_numref(q), -123);
    fmpz_mul_ui(fmpq_denref(q), p, 100);
    str_exact_is(q, "-1.23e-1000000");                     /* in range: scientific */
    fmpz_set_si(fmpq_numref(q), 123);
    fmpz_mul_ui(fmpq_denref(q), p, 1000);
    str_exact_is(q, "0.123e-1000000");
    fmpz_set_si(fmpq_numref(q), 123);
    fmpz_mul_ui(fmpq_denref(q), p, 10);
    str_exact_is(q, "1.23e-999999");
    /* a mantissa of more than MAX + 1 digits: as an integer with exponent */
    {
        char *z = one_zeros(MPBIAS_DECIMAL_MAX_EXP), *lit = tu_sprintf("%s1e5", z);
        free(z);
        fmpz_mul_ui(fmpq_numref(q), p, 10);
        fmpz_add_ui(fmpq_numref(q), fmpq_numref(q), 1);
        fmpz_mul_ui(fmpq_numref(q), fmpq_numref(q), 100000);   /* (10^1000001 + 1) 10^5 */
        fmpz_one(fmpq_denref(q));
        str_exact_is(q, lit);
        free(lit);
    }
    fmpz_clear(p);
    fmpq_clear(q);
}
END_TEST

/* mpbias_fmpq_get_str_rounded: correctly rounded K digits, ties to even,
   carries into the exponent; the expected strings were computed with
   Python's fractions (exact rounding of the rational, half to even). */
START_TEST(test_str_rounded)
{
    static const struct { const char *q; int k; const char *want; } cases[] = {
        { "1/8", 2, "1.2e-01" },
        { "3/8", 2, "3.8e-01" },
        { "1/8", 1, "1e-01" },
        { "5/8", 1, "6e-01" },
        { "-1/8", 2, "-1.2e-01" },
        { "135/1000", 2, "1.4e-01" },
        { "9995/1000", 3, "1.00e+01" },
        { "-9995/1000", 3, "-1.00e+01" },
        { "99999/1", 3, "1.00e+05" },
        { "1/3", 20, "3.3333333333333333333e-01" },
        { "2/3", 1, "7e-01" },
        { "1/7", 30, "1.42857142857142857142857142857e-01" },
        { "25/1", 1, "2e+01" },
        { "35/1", 1, "4e+01" },
        { "1/1", 5, "1.0000e+00" },
        { "-7/2", 1, "-4e+00" },
        { "1/1024", 3, "9.77e-04" },
        { "123456789/1", 4, "1.235e+08" },
        { "1/100000000000000000000000000000000000000000000000001", 5, "1.0000e-50" },
        { "100000000000000000000000000000000000000000000000001/2", 50,
          "5.0000000000000000000000000000000000000000000000000e+49" },
        { "1/6", 1, "2e-01" },
        { "5/1", 1, "5e+00" },
        { "15/1", 1, "2e+01" },
        { "-15/1", 1, "-2e+01" },
        { "1/1000000", 1, "1e-06" },
    };
    size_t i;
    fmpq_t q;
    fmpq_init(q);
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
        char *got;
        ck_assert_int_eq(fmpq_set_str(q, cases[i].q, 10), 0);
        got = mpbias_fmpq_get_str_rounded(q, cases[i].k);
        ck_assert_msg(got != NULL && strcmp(got, cases[i].want) == 0, "%s at %d digits: got %s, "
                      "expected %s", cases[i].q, cases[i].k, got ? got : "NULL", cases[i].want);
        flint_free(got);
    }
    ck_assert_ptr_null(mpbias_fmpq_get_str_rounded(q, 0));
    fmpq_clear(q);
}
END_TEST

START_TEST(test_str_exact_random_round_trip)
{
    unsigned long long st = 20240601ULL;
    fmpq_t q, b;
    fmpz_t t;
    int it;
    fmpq_init(q);
    fmpq_init(b);
    fmpz_init(t);
    for (it = 0; it < 2000; it++)
    {
        char *s;
        long a = tu_rand_range(&st, 0, 70), c = tu_rand_range(&st, 0, 70);
        int three = (it % 5 == 0);
        /* numerator: a random signed integer of 1..4 words */
        fmpz_set_ui(fmpq_numref(q), (ulong) tu_rand(&st));
        for (long w = tu_rand_range(&st, 0, 3); w > 0; w--)
        {
            fmpz_mul_2exp(fmpq_numref(q), fmpq_numref(q), 64);
            fmpz_add_ui(fmpq_numref(q), fmpq_numref(q), (ulong) tu_rand(&st));
        }
        if (tu_rand(&st) & 1)
            fmpz_neg(fmpq_numref(q), fmpq_numref(q));
        if (it % 7 == 0)          /* trailing zeros */
        {
            fmpz_set_ui(t, 10);
            fmpz_pow_ui(t, t, (ulong) tu_rand_range(&st, 1, 40));
            fmpz_mul(fmpq_numref(q), fmpq_numref(q), t);
        }
        /* denominator 2^a 5^c (times 3 sometimes: not a finite decimal) */
        fmpz_one(fmpq_denref(q));
        fmpz_mul_2exp(fmpq_denref(q), fmpq_denref(q), (ulong) a);
        fmpz_set_ui(t, 5);
        fmpz_pow_ui(t, t, (ulong) c);
        fmpz_mul(fmpq_denref(q), fmpq_denref(q), t);
        if (three)
            fmpz_mul_ui(fmpq_denref(q), fmpq_denref(q), 3);
        fmpq_canonicalise(q);
        s = mpbias_fmpq_get_str_exact(q);
        ck_assert_ptr_nonnull(s);
        if (fmpz_divisible_si(fmpq_denref(q), 3))
        {
            ck_assert_msg(strchr(s, '/') != NULL, "%s should be p/q", s);
            tu_fmpq_set(b, s);
        }
        else
        {
            mpbias_err_t err;
            ck_assert_msg(strchr(s, '/') == NULL, "%s should be a decimal", s);
            ck_assert_msg(mpbias_decimal_parse(b, s, strlen(s), err) == MPBIAS_OK, "%s: %s", s,
                          err->msg);
        }
        ck_assert_msg(fmpq_equal(b, q), "round trip of %s failed", s);
        flint_free(s);
    }
    fmpz_clear(t);
    fmpq_clear(q);
    fmpq_clear(b);
}
END_TEST

/* ------------------------------------------------------------------ */
/* rounding into MPFR                                                  */
/* ------------------------------------------------------------------ */

START_TEST(test_fmpq_get_mpfr_tenth)
{
    fmpq_t q;
    mpfr_t a, lo, hi, ref;
    mpz_t one, ten;
    fmpq_init(q);
    tu_fmpq_set(q, "1/10");
    mpfr_inits2(53, a, ref, (mpfr_ptr) 0);
    mpz_init_set_ui(one, 1);
    mpz_init_set_ui(ten, 10);

    /* 53 bits, to nearest: the double 0.1 */
    ck_assert_int_ne(fmpq_get_mpfr(a, q, MPFR_RNDN), 0);
    ck_assert(mpfr_cmp_d(a, 0.1) == 0);

    /* 200 bits: RNDD and RNDU bracket 1/10 tightly */
    mpfr_inits2(200, lo, hi, (mpfr_ptr) 0);
    mpfr_set_prec(ref, 200);
    ck_assert_int_lt(fmpq_get_mpfr(lo, q, MPFR_RNDD), 0);
    ck_assert_int_gt(fmpq_get_mpfr(hi, q, MPFR_RNDU), 0);
    {
        mpq_t e;
        mpq_init(e);
        mpq_set_ui(e, 1, 10);
        ck_assert_int_lt(mpfr_cmp_q(lo, e), 0);
        ck_assert_int_gt(mpfr_cmp_q(hi, e), 0);
        mpq_clear(e);
    }
    mpfr_nextabove(lo);
    ck_assert(mpfr_equal_p(lo, hi));
    mpfr_nextbelow(lo);
    /* the same as dividing the exact integers 1 / 10 */
    {
        mpfr_t n, d;
        mpfr_inits2(200, n, d, (mpfr_ptr) 0);
        mpfr_set_z(n, one, MPFR_RNDN);
        mpfr_set_z(d, ten, MPFR_RNDN);
        mpfr_div(ref, n, d, MPFR_RNDD);
        ck_assert(mpfr_equal_p(ref, lo));
        mpfr_div(ref, n, d, MPFR_RNDU);
        ck_assert(mpfr_equal_p(ref, hi));
        mpfr_clears(n, d, (mpfr_ptr) 0);
    }
    mpz_clear(one);
    mpz_clear(ten);
    mpfr_clears(a, lo, hi, ref, (mpfr_ptr) 0);
    fmpq_clear(q);
}
END_TEST

START_TEST(test_data_get_z_mpfr)
{
    mpbias_data_t data;
    mpfr_t out[4], ref;
    mpq_t e;
    int k, t;

    mpbias_data_init(data);
    /* z = [[1/10, 1/2], [-1/10, 0]] */
    tu_data_from_text(data, "+1 1:0.1 2:0.5\n-1 1:0.1\n", "tenth.svm", MPBIAS_FORMAT_AUTO);
    ck_assert_int_eq(data->n, 2);
    ck_assert_int_eq(data->d, 2);
    mpq_init(e);

    for (k = 0; k < 4; k++)
        mpfr_init2(out[k], 53);
    mpfr_init2(ref, 200);
    t = mpbias_data_get_z_mpfr(out, data, MPFR_RNDN);
    ck_assert_int_ne(t, 0);
    ck_assert(mpfr_cmp_d(out[0], 0.1) == 0);
    ck_assert(mpfr_cmp_d(out[1], 0.5) == 0);
    ck_assert(mpfr_cmp_d(out[2], -0.1) == 0);
    ck_assert(mpfr_zero_p(out[3]));

    for (k = 0; k < 4; k++)
        mpfr_set_prec(out[k], 200);
    /* RNDD: the last inexact entry is -1/10, rounded down: ternary < 0 */
    t = mpbias_data_get_z_mpfr(out, data, MPFR_RNDD);
    ck_assert_int_lt(t, 0);
    mpq_set_ui(e, 1, 10);
    ck_assert_int_lt(mpfr_cmp_q(out[0], e), 0);
    mpfr_set_q(ref, e, MPFR_RNDD);
    ck_assert(mpfr_equal_p(out[0], ref));
    mpq_neg(e, e);
    mpfr_set_q(ref, e, MPFR_RNDD);
    ck_assert(mpfr_equal_p(out[2], ref));
    ck_assert_int_lt(mpfr_cmp_q(out[2], e), 0);
    ck_assert(mpfr_cmp_ui_2exp(out[1], 1, -1) == 0);

    t = mpbias_data_get_z_mpfr(out, data, MPFR_RNDU);
    ck_assert_int_gt(t, 0);
    mpq_set_ui(e, 1, 10);
    ck_assert_int_gt(mpfr_cmp_q(out[0], e), 0);
    mpfr_set_q(ref, e, MPFR_RNDU);
    ck_assert(mpfr_equal_p(out[0], ref));
    mpq_neg(e, e);
    ck_assert_int_gt(mpfr_cmp_q(out[2], e), 0);
    /* lower and upper roundings of 1/10 are neighbours */
    mpfr_set_q(ref, e, MPFR_RNDD);
    mpfr_nextabove(ref);
    ck_assert(mpfr_equal_p(out[2], ref));

    mpbias_data_clear(data);
    /* exact data: ternary 0 */
    tu_data_from_text(data, "1,0.5,-0.25\n-1,3,1e-3\n", "exact.csv", MPBIAS_FORMAT_AUTO);
    ck_assert_int_ne(mpbias_data_get_z_mpfr(out, data, MPFR_RNDN), 0);  /* 1e-3 is inexact */
    mpbias_data_clear(data);
    tu_data_from_text(data, "1,0.5,-0.25\n-1,3,0.125\n", "exact.csv", MPBIAS_FORMAT_AUTO);
    ck_assert_int_eq(mpbias_data_get_z_mpfr(out, data, MPFR_RNDN), 0);
    ck_assert(mpfr_cmp_si(out[2], -3) == 0);
    ck_assert(mpfr_cmp_si_2exp(out[3], -1, -3) == 0);

    for (k = 0; k < 4; k++)
        mpfr_clear(out[k]);
    mpfr_clear(ref);
    mpq_clear(e);
    mpbias_data_clear(data);
}
END_TEST

static Suite *
decimal_suite(void)
{
    Suite *s = suite_create("decimal");
    TCase *tc;

    tc = tcase_create("parse");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_parse_values);
    tcase_add_test(tc, test_parse_1e_minus_400);
    tcase_add_test(tc, test_parse_uses_len);
    tcase_add_test(tc, test_parse_exponent_range);
    suite_add_tcase(s, tc);

    tc = tcase_create("refused");
    tcase_add_test(tc, test_parse_refused);
    tcase_add_test(tc, test_parse_long_literal_message);
    suite_add_tcase(s, tc);

    tc = tcase_create("str_exact");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_str_exact);
    tcase_add_test(tc, test_str_exact_big_exponents);
    tcase_add_test(tc, test_str_exact_random_round_trip);
    tcase_add_test(tc, test_str_rounded);
    suite_add_tcase(s, tc);

    tc = tcase_create("mpfr");
    tcase_add_test(tc, test_fmpq_get_mpfr_tenth);
    tcase_add_test(tc, test_data_get_z_mpfr);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return tu_main(decimal_suite());
}
