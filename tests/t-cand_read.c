/*
 * t-cand_read.c -- the candidate reader's values are correctly rounded
 * (mpbias_cand_read_buffer, include/mpbias.h: "values are rounded to prec
 * bits, correctly rounded").
 *
 * Oracle: the same literal parsed exactly into a rational by
 * mpbias_decimal_parse and rounded once with mpfr_set_q (to nearest), and
 * for the ties the exact binary value worked out by hand.  Hard cases in
 * MPFR's habit: exact ties between two prec-bit numbers (2^53 + 1,
 * 1 + 2^-53, 2^128 + 1), values a 10^-60 nudge off a tie, long runs of 9s,
 * exponents far outside double's range (1e-400, 1e+1000000), many
 * digits.  Then the documented use: a normal double written with 17
 * significant digits reads back, at 53 bits, as that very double.
 */
#include "testutil.h"
#include <float.h>
#include <math.h>

/* Read one value as column w_1 of a one-row candidate at prec bits. */
static void
read_value(mpfr_t out, const char *v, mpfr_prec_t prec)
{
    mpbias_cand_t c;
    mpbias_err_t err;
    char *text = tu_sprintf("t,w_1\n0,%s\n", v);
    mpbias_cand_init(c);
    mpbias_err_clear(err);
    ck_assert_msg(mpbias_cand_read_buffer(c, text, strlen(text), 1, prec, NULL, err) == MPBIAS_OK,
                  "%s: %s", v, err->msg);
    ck_assert_int_eq(c->n, 1);
    ck_assert(c->has_w);
    mpfr_set_prec(out, mpfr_get_prec(c->w[0]));
    mpfr_set(out, c->w[0], MPFR_RNDN);
    mpbias_cand_clear(c);
    free(text);
}

/* The literal's exact value rounded once to prec bits. */
static void
exact_rounded(mpfr_t out, const char *v, mpfr_prec_t prec)
{
    fmpq_t q;
    mpq_t m;
    fmpq_init(q);
    mpq_init(m);
    ck_assert_int_eq(mpbias_decimal_parse(q, v, strlen(v), NULL), MPBIAS_OK);
    fmpq_get_mpq(m, q);
    mpfr_set_prec(out, prec);
    mpfr_set_q(out, m, MPFR_RNDN);
    mpq_clear(m);
    fmpq_clear(q);
}

static void
check_value(const char *v, mpfr_prec_t prec)
{
    mpfr_t got, want;
    mpfr_inits2(prec, got, want, (mpfr_ptr) 0);
    read_value(got, v, prec);
    exact_rounded(want, v, prec);
    ck_assert_int_eq(mpfr_get_prec(got), prec);
    ck_assert_msg(mpfr_equal_p(got, want), "'%s' at %ld bits is not correctly rounded",
                  v, (long) prec);
    mpfr_clears(got, want, (mpfr_ptr) 0);
}

/* The value v read at prec bits equals m 2^e. */
static void
check_is(const char *v, mpfr_prec_t prec, const char *m, long e)
{
    mpfr_t got, want;
    mpz_t z;
    mpfr_inits2(prec, got, want, (mpfr_ptr) 0);
    mpz_init_set_str(z, m, 10);
    read_value(got, v, prec);
    ck_assert_int_eq(mpfr_set_z_2exp(want, z, e, MPFR_RNDN), 0);   /* exact */
    ck_assert_msg(mpfr_equal_p(got, want), "'%s' at %ld bits", v, (long) prec);
    mpz_clear(z);
    mpfr_clears(got, want, (mpfr_ptr) 0);
}

START_TEST(test_ties_and_nudges)
{
    static const char *const values[] = {
        "9007199254740993", "9007199254740995", "-9007199254740993",
        "9007199254740993.000000000000000000000000000000000000000000000000000000001",
        "9007199254740992.999999999999999999999999999999999999999999999999999999999",
        "1.00000000000000011102230246251565404236316680908203125",
        "1.000000000000000111022302462515654042363166809082031250000000000000000000001",
        "340282366920938463463374607431768211457", "340282366920938463463374607431768211459",
        "0.1", "0.10000000000000001", "0.1000000000000000055511151231257827021181583404541015625",
        "0.99999999999999999999999999999999999999999999999999999999999999999999999999999999",
        "1e-400", "-2.5e-1000000", "1e+1000000", "4.9406564584124654e-324",
        "1.7976931348623157e308", "123456789012345678901234567890.123456789012345678901234567890",
        "0", "-0.0"
    };
    static const mpfr_prec_t precs[] = { 2, 24, 53, 64, 128, 200 };
    size_t i, j;
    for (i = 0; i < sizeof values / sizeof values[0]; i++)
        for (j = 0; j < sizeof precs / sizeof precs[0]; j++)
            check_value(values[i], precs[j]);
    /* the ties, decided by hand: to even */
    check_is("9007199254740993", 53, "9007199254740992", 0);
    check_is("9007199254740995", 53, "9007199254740996", 0);
    check_is("9007199254740993.000000000000000000000000000000000000000000000000000000001", 53,
             "9007199254740994", 0);
    check_is("1.00000000000000011102230246251565404236316680908203125", 53, "1", 0);
    check_is("1.000000000000000111022302462515654042363166809082031250000000000000000000001", 53,
             "4503599627370497", -52);
    check_is("340282366920938463463374607431768211457", 128, "1", 128);
    check_is("340282366920938463463374607431768211459", 128,
             "170141183460469231731687303715884105730", 1);
    check_is("0.99999999999999999999999999999999999999999999999999999999999999999999999999999999",
             200, "1", 0);
}
END_TEST

/* A normal double written with 17 significant digits (what repr and
   "%.17g" give) reads back at 53 bits as itself: doubles from a fixed
   pseudo-random stream over the whole normal range, and the extremes. */
START_TEST(test_double_round_trip)
{
    unsigned long long st = 20261202;
    mpfr_t got;
    int k;
    mpfr_init2(got, 53);
    for (k = 0; k < 3000; k++)
    {
        double x;
        char buf[64];
        if (k == 0)
            x = DBL_MIN;
        else if (k == 1)
            x = DBL_MAX;
        else if (k == 2)
            x = 0.1;
        else if (k == 3)
            x = nextafter(1.0, 2.0);
        else
        {
            double m = (double) (tu_rand(&st) >> 11) / 9007199254740992.0;   /* [0, 1) */
            int e = (int) tu_rand_range(&st, -1021, 1024);
            x = ldexp(0.5 + m / 2, e);
            if (tu_rand(&st) & 1)
                x = -x;
        }
        snprintf(buf, sizeof buf, "%.17g", x);
        read_value(got, buf, 53);
        ck_assert_msg(mpfr_cmp_d(got, x) == 0, "%s read at 53 bits is not the double %a", buf, x);
    }
    mpfr_clear(got);
}
END_TEST

static Suite *
cand_read_suite(void)
{
    Suite *s = suite_create("cand_read");
    TCase *tc = tcase_create("rounding");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_ties_and_nudges);
    tcase_add_test(tc, test_double_round_trip);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return tu_main(cand_read_suite());
}
