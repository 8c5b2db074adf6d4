/*
 * t-sci.c -- numbers mant * 10^exp10 (src/util/sci.c): the correctly
 * rounded logarithm mpbias_sci_log, mpbias_sci_log10_d and
 * mpbias_sci_set_pow10_neg.
 *
 * Expected values are never the code's own output:
 *  - tests/data/sci-log.txt holds hard cases (values next to 1 written
 *    with long mantissas, exactly 1 written several ways, exponents of 31
 *    digits, 2 to 1000 bits, all rounding modes, near-ties) whose results
 *    and ternary values were computed by tests/data/gen-sci-log.py with
 *    Python's decimal and fractions modules (no MPFR, no Arb);
 *  - random cases (seeded) are checked against MPFR alone: log(A) - log(B)
 *    of the exact integers A/B = x at a precision raised until
 *    mpfr_can_round decides the rounding (and the ternary value).
 */
#include "testutil.h"
#include <math.h>

static mpfr_rnd_t
rnd_of(char c)
{
    switch (c)
    {
    case 'N': return MPFR_RNDN;
    case 'Z': return MPFR_RNDZ;
    case 'U': return MPFR_RNDU;
    case 'D': return MPFR_RNDD;
    case 'A': return MPFR_RNDA;
    default: ck_abort_msg("bad rounding mode %c", c);
    }
    return MPFR_RNDN;
}

static int
sgn(int t)
{
    return (t > 0) - (t < 0);
}

/* a value in hexadecimal, for messages (k selects one of two buffers) */
static const char *
hx(const mpfr_t v, int k)
{
    static char buf[2][1024];
    mpfr_snprintf(buf[k], sizeof buf[k], "%Ra", v);
    return buf[k];
}

static void
sci_of(mpbias_sci_t x, const char *s)
{
    mpbias_err_t err;
    mpbias_err_clear(err);
    ck_assert_msg(mpbias_sci_parse(x, s, err) == MPBIAS_OK, "'%.60s' refused: %s", s, err->msg);
}

/* ------------------------------------------------------------------ */
/* The data file                                                       */
/* ------------------------------------------------------------------ */

START_TEST(test_log_data_file)
{
    const char *src = getenv("MPBIAS_SRCDIR");
    char *path = tu_sprintf("%s/tests/data/sci-log.txt", src ? src : ".");
    FILE *f = fopen(path, "r");
    char line[4096], lit[2048], mode[4], exp[1024];
    long n = 0, nzero = 0, nmode[5] = { 0 }, prec;
    int tern;
    mpbias_sci_t x;
    mpfr_t out, e;

    ck_assert_msg(f != NULL, "cannot open %s", path);
    mpbias_sci_init(x);
    mpfr_init(out);
    mpfr_init(e);
    while (fgets(line, sizeof line, f) != NULL)
    {
        int t, inex;
        if (line[0] == '#' || line[0] == '\n')
            continue;
        ck_assert_msg(strchr(line, '\n') != NULL, "line too long in %s", path);
        ck_assert_msg(sscanf(line, "%2047s %3s %ld %1023s %d", lit, mode, &prec, exp, &tern) == 5,
                      "bad line %s", line);
        sci_of(x, lit);
        mpfr_set_prec(out, prec);
        mpfr_set_prec(e, prec);
        inex = mpfr_set_str(e, exp, 0, MPFR_RNDN);
        ck_assert_msg(inex == 0, "expected value %s not exact at %ld bits", exp, prec);
        mpfr_set_nan(out);
        t = mpbias_sci_log(out, x, rnd_of(mode[0]));
        ck_assert_msg(mpfr_equal_p(out, e) && mpfr_signbit(out) == mpfr_signbit(e),
                      "log(%.80s) rnd %s prec %ld: got %s, expected %s", lit, mode, prec,
                      hx(out, 0), exp);
        ck_assert_msg(sgn(t) == tern, "log(%.80s) rnd %s prec %ld: ternary %d, expected %d", lit,
                      mode, prec, t, tern);
        nzero += mpfr_zero_p(e) != 0;
        nmode[strchr("NZUDA", mode[0]) - "NZUDA"]++;
        n++;
    }
    fclose(f);
    /* the file was read whole: every mode, the exact-1 rows and the rest */
    ck_assert_int_ge(n, 750);
    ck_assert_int_ge(nzero, 150);
    for (n = 0; n < 5; n++)
        ck_assert_int_ge(nmode[n], 150);
    mpfr_clear(out);
    mpfr_clear(e);
    mpbias_sci_clear(x);
    free(path);
}
END_TEST

/* the stated exact cases directly (without the file): log 1 = +0 in every
   mode, with ternary 0 */
START_TEST(test_log_one)
{
    static const char *const one[] = { "1", "10e-1", "0.001e3", "1.0", "100000e-5",
                                       "0.0000000000000000000000000000000000000001e40" };
    static const mpfr_rnd_t r[] = { MPFR_RNDN, MPFR_RNDZ, MPFR_RNDU, MPFR_RNDD, MPFR_RNDA };
    mpbias_sci_t x;
    mpfr_t out;
    size_t i, k;
    mpbias_sci_init(x);
    mpfr_init2(out, 2);
    for (i = 0; i < sizeof one / sizeof one[0]; i++)
        for (k = 0; k < 5; k++)
        {
            sci_of(x, one[i]);
            mpfr_set_si(out, -1, MPFR_RNDN);
            ck_assert_int_eq(mpbias_sci_log(out, x, r[k]), 0);
            ck_assert_msg(mpfr_zero_p(out) && !mpfr_signbit(out), "log(%s) is not +0", one[i]);
            ck_assert(mpbias_sci_log10_d(x) == 0.0);
        }
    mpfr_clear(out);
    mpbias_sci_clear(x);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Random cases against MPFR alone                                     */
/* ------------------------------------------------------------------ */

/* log(x) for x = mant 10^e into out (precision prec, direction rnd) with
   its ternary value, from MPFR's log of exact integers: with x = A / B
   (small |e|) log A - log B, otherwise log(num) - log(den) + e log 10;
   the working precision grows until mpfr_can_round decides (the trick of
   MPFR's manual, prec + 1 bits for RNDN, gives the ternary value too).
   x must not be 1. */
static int
ref_log(mpfr_t out, const mpbias_sci_t x, mpfr_rnd_t rnd)
{
    mpfr_prec_t prec = mpfr_get_prec(out), H = 2 * prec + 64;
    int small = fmpz_bits(x->exp10) < 20, inex;
    mpz_t A, B, t;
    mpfr_t a, b, d, c;
    mpz_init(A);
    mpz_init(B);
    mpz_init(t);
    fmpz_get_mpz(A, fmpq_numref(x->mant));
    fmpz_get_mpz(B, fmpq_denref(x->mant));
    if (small)
    {
        long e = fmpz_get_si(x->exp10);
        mpz_ui_pow_ui(t, 10, (unsigned long) labs(e));
        if (e >= 0)
            mpz_mul(A, A, t);
        else
            mpz_mul(B, B, t);
    }
    mpfr_inits2(64, a, b, d, c, (mpfr_ptr) 0);
    for (;;)
    {
        mpfr_exp_t emax, err;
        mpfr_set_prec(a, (mpfr_prec_t) mpz_sizeinbase(A, 2) + 2);
        mpfr_set_z(a, A, MPFR_RNDN);   /* exact */
        mpfr_set_prec(b, (mpfr_prec_t) mpz_sizeinbase(B, 2) + 2);
        mpfr_set_z(b, B, MPFR_RNDN);   /* exact */
        mpfr_set_prec(d, H);
        mpfr_set_prec(c, H);
        mpfr_log(c, a, MPFR_RNDN);
        mpfr_log(d, b, MPFR_RNDN);
        emax = mpfr_zero_p(c) ? mpfr_get_exp(d) : mpfr_zero_p(d) ? mpfr_get_exp(c)
               : (mpfr_get_exp(c) > mpfr_get_exp(d) ? mpfr_get_exp(c) : mpfr_get_exp(d));
        mpfr_sub(d, c, d, MPFR_RNDN);
        if (!small)
        {
            mpfr_prec_t He = H + (mpfr_prec_t) fmpz_bits(x->exp10);
            mpz_t z;
            mpfr_set_prec(a, He);
            mpfr_set_ui(a, 10, MPFR_RNDN);
            mpfr_log(a, a, MPFR_RNDN);
            mpz_init(z);
            fmpz_get_mpz(z, x->exp10);
            mpfr_mul_z(a, a, z, MPFR_RNDN);
            mpz_clear(z);
            if (mpfr_get_exp(a) > emax)
                emax = mpfr_get_exp(a);
            mpfr_add(d, d, a, MPFR_RNDN);
            emax += 1;   /* one more rounding error of the same size */
        }
        /* |error| <= 3/2 ulp at exponent emax (two logs and the
           subtraction, each at most half an ulp there), 2^(emax - H + 1) */
        err = mpfr_get_exp(d) - (emax - H + 1);
        if (!mpfr_zero_p(d) && err > 0
            && mpfr_can_round(d, err, MPFR_RNDN, MPFR_RNDZ, prec + (rnd == MPFR_RNDN)))
            break;
        H *= 2;
    }
    inex = mpfr_set(out, d, rnd);
    mpfr_clears(a, b, d, c, (mpfr_ptr) 0);
    mpz_clear(A);
    mpz_clear(B);
    mpz_clear(t);
    return inex;
}

/* A random literal: random digits with a decimal point, or a value next
   to 1 (1 then zeros then digits, or nines then digits) with an exponent
   that undoes its shift, or a huge exponent. */
static char *
random_literal(unsigned long long *st)
{
    char buf[400];
    size_t k = 0;
    long kind = tu_rand_range(st, 0, 3), nd, i, shift;
    if (kind == 0)
    {
        nd = tu_rand_range(st, 1, 60);
        buf[k++] = (char) ('1' + tu_rand_range(st, 0, 8));
        for (i = 1; i < nd; i++)
            buf[k++] = (char) ('0' + tu_rand_range(st, 0, 9));
        k += (size_t) sprintf(buf + k, "e%ld", tu_rand_range(st, -90, 90));
    }
    else if (kind == 1 || kind == 2)
    {
        /* 1 + d 10^-z (kind 1) or 1 - d 10^-z (kind 2), written as an
           integer of z + 1 + digits digits times 10^-(shift) */
        long z = tu_rand_range(st, 1, 80), nr = tu_rand_range(st, 1, 20);
        shift = z + nr;
        if (kind == 1)
        {
            buf[k++] = '1';
            for (i = 1; i < z; i++)
                buf[k++] = '0';
        }
        else
            for (i = 0; i < z; i++)
                buf[k++] = '9';
        for (i = 0; i < nr; i++)
            buf[k++] = (char) ('0' + tu_rand_range(st, 0, 9));
        /* the integer N of len digits is x 10^S; with a decimal point
           after its first p digits the exponent is len - p - S */
        {
            long len = (long) k, p = tu_rand_range(st, 1, len), S = shift - (kind == 1 ? 1 : 0);
            if (p < len)
            {
                memmove(buf + p + 1, buf + p, (size_t) (len - p));
                buf[p] = '.';
                k++;
            }
            k += (size_t) sprintf(buf + k, "e%ld", len - p - S);
        }
    }
    else
    {
        nd = tu_rand_range(st, 1, 30);
        buf[k++] = '0';
        buf[k++] = '.';
        for (i = 0; i < nd; i++)
            buf[k++] = (char) ('1' + tu_rand_range(st, 0, 8));
        k += (size_t) sprintf(buf + k, "e%s%llu%llu", tu_rand(st) % 2 ? "-" : "",
                              tu_rand(st) % 1000000000ULL + 1, tu_rand(st) % 1000000000000ULL);
    }
    buf[k] = '\0';
    return tu_sprintf("%s", buf);
}

START_TEST(test_log_random)
{
    static const mpfr_rnd_t r[] = { MPFR_RNDN, MPFR_RNDZ, MPFR_RNDU, MPFR_RNDD, MPFR_RNDA };
    unsigned long long st = 20261202ULL;
    long i, near1 = 0;
    mpbias_sci_t x;
    mpfr_t out, ref, l10, q;
    mpbias_sci_init(x);
    mpfr_inits2(64, out, ref, l10, q, (mpfr_ptr) 0);
    for (i = 0; i < 2000; i++)
    {
        char *s = random_literal(&st);
        mpfr_rnd_t rnd = r[tu_rand_range(&st, 0, 4)];
        mpfr_prec_t prec = (mpfr_prec_t) (i % 7 == 0 ? 2 : tu_rand_range(&st, 2, 400));
        int t, tr;
        sci_of(x, s);
        mpfr_set_prec(out, prec);
        mpfr_set_prec(ref, prec);
        t = mpbias_sci_log(out, x, rnd);
        {
            fmpq_t one;
            int is1;
            fmpq_init(one);
            fmpq_set(one, x->mant);
            is1 = fmpz_bits(x->exp10) < 20;
            if (is1)
            {
                fmpz_t p;
                fmpz_init(p);
                fmpz_set_ui(p, 10);
                fmpz_pow_ui(p, p, (ulong) labs(fmpz_get_si(x->exp10)));
                if (fmpz_sgn(x->exp10) >= 0)
                    fmpz_mul(fmpq_numref(one), fmpq_numref(one), p);
                else
                    fmpz_mul(fmpq_denref(one), fmpq_denref(one), p);
                fmpq_canonicalise(one);
                is1 = fmpq_is_one(one);
                fmpz_clear(p);
            }
            fmpq_clear(one);
            if (is1)
            {
                ck_assert(mpfr_zero_p(out) && t == 0);
                free(s);
                continue;
            }
        }
        tr = ref_log(ref, x, rnd);
        ck_assert_msg(mpfr_equal_p(out, ref) && sgn(t) == sgn(tr) && tr != 0,
                      "log(%s) prec %ld rnd %s: %s (ternary %d), MPFR alone %s (%d)", s,
                      (long) prec, mpfr_print_rnd_mode(rnd),
                      hx(out, 0), t, hx(ref, 1), tr);
        near1 += mpfr_get_exp(ref) < -60;
        /* log10_d within one ulp of log10 x (where the double is normal) */
        if (i % 5 == 0)
        {
            double d = mpbias_sci_log10_d(x);
            mpfr_set_prec(ref, 200);
            ref_log(ref, x, MPFR_RNDN);
            mpfr_set_prec(l10, 200);
            mpfr_set_ui(l10, 10, MPFR_RNDN);
            mpfr_log(l10, l10, MPFR_RNDN);
            mpfr_div(ref, ref, l10, MPFR_RNDN);
            mpfr_set_prec(q, 200);
            mpfr_set_d(q, d, MPFR_RNDN);
            mpfr_sub(q, q, ref, MPFR_RNDN);
            mpfr_abs(q, q, MPFR_RNDN);
            if (fabs(d) >= 2.3e-308)
            {
                ck_assert_msg(mpfr_cmp_d(q, ldexp(1.0, ilogb(d) - 52)) <= 0,
                              "log10_d(%s) = %.17g, more than one ulp from %s", s, d,
                              hx(ref, 0));
            }
        }
        free(s);
    }
    /* the generator did produce cancellation cases */
    ck_assert_int_ge(near1, 200);
    mpfr_clears(out, ref, l10, q, (mpfr_ptr) 0);
    mpbias_sci_clear(x);
}
END_TEST

/* Huge exponents stay cheap: 10^(10^30) and 10^(-10^3000) at 1000 bits,
   a thousand times (a regression to 10^|e| would never finish). */
START_TEST(test_log_huge_cheap)
{
    mpbias_sci_t x;
    mpfr_t out, ref;
    char *s;
    long i;
    mpbias_sci_init(x);
    mpfr_inits2(1000, out, ref, (mpfr_ptr) 0);
    s = malloc(3100);
    ck_assert_ptr_nonnull(s);
    strcpy(s, "1.5e-1");
    for (i = 0; i < 3000; i++)
        strcat(s, "0");
    sci_of(x, s);
    for (i = 0; i < 1000; i++)
        mpbias_sci_log(out, x, MPFR_RNDN);
    ref_log(ref, x, MPFR_RNDN);
    ck_assert(mpfr_equal_p(out, ref));
    sci_of(x, "1e1000000000000000000000000000000");
    for (i = 0; i < 1000; i++)
        mpbias_sci_log(out, x, MPFR_RNDD);
    ref_log(ref, x, MPFR_RNDD);
    ck_assert(mpfr_equal_p(out, ref));
    free(s);
    mpfr_clears(out, ref, (mpfr_ptr) 0);
    mpbias_sci_clear(x);
}
END_TEST

/* ------------------------------------------------------------------ */
/* set_pow10_neg                                                       */
/* ------------------------------------------------------------------ */

/* x = 10^(-y): exponent exactly -floor(y); mantissa a dyadic rational
   with at most prec(y) + 16 bits equal to 10^(-frac(y)) rounded to
   nearest at that precision (from MPFR's exp10 at 4 times the precision,
   decided with mpfr_can_round). */
START_TEST(test_pow10_neg)
{
    static const struct
    {
        const char *y;
        mpfr_prec_t prec;
        const char *floor;
    } c[] = {
        { "2.5", 53, "2" }, { "0.3", 20, "0" }, { "7", 64, "7" }, { "1e40", 200, "10000000000000000000000000000000000000000" },
        { "-1.5", 30, "-2" }, { "123.456", 20, "123" }, { "0.75", 2, "0" }, { "0.1", 1000, "0" },
        { "1e-30", 64, "0" },
    };
    size_t k;
    mpbias_sci_t x;
    mpfr_t y, fr, v, m;
    fmpz_t f;
    mpbias_sci_init(x);
    fmpz_init(f);
    mpfr_inits2(64, y, fr, v, m, (mpfr_ptr) 0);
    for (k = 0; k < sizeof c / sizeof c[0]; k++)
    {
        mpfr_prec_t P = c[k].prec + 16, H = 4 * P + 64;
        mpfr_set_prec(y, c[k].prec);
        mpfr_set_str(y, c[k].y, 10, MPFR_RNDN);
        mpbias_sci_set_pow10_neg(x, y);
        fmpz_set_str(f, c[k].floor, 10);
        fmpz_neg(f, f);
        ck_assert_msg(fmpz_equal(x->exp10, f), "10^-(%s): exponent", c[k].y);
        /* the mantissa is dyadic with at most P significant bits */
        ck_assert((slong) fmpz_val2(fmpq_denref(x->mant)) + 1 == (slong) fmpz_bits(fmpq_denref(x->mant)));
        {
            fmpz_t n;
            fmpz_init(n);
            fmpz_set(n, fmpq_numref(x->mant));
            while (fmpz_is_even(n))
                fmpz_fdiv_q_2exp(n, n, 1);
            ck_assert((mpfr_prec_t) fmpz_bits(n) <= P);
            fmpz_clear(n);
        }
        for (;;)
        {
            mpfr_set_prec(fr, H);
            mpfr_set_prec(v, H);
            mpfr_frac(fr, y, MPFR_RNDN);   /* exact */
            if (mpfr_sgn(fr) < 0)
                mpfr_add_ui(fr, fr, 1, MPFR_RNDN);
            mpfr_neg(fr, fr, MPFR_RNDN);
            mpfr_exp10(v, fr, MPFR_RNDN);
            if (mpfr_integer_p(fr) || mpfr_can_round(v, H - 1, MPFR_RNDN, MPFR_RNDZ, P + 1))
                break;
            H *= 2;
        }
        mpfr_set_prec(m, P);
        mpfr_set(m, v, MPFR_RNDN);
        {
            mpfr_t g;
            mpfr_init2(g, P + 64);
            fmpq_get_mpfr(g, x->mant, MPFR_RNDN);   /* exact: dyadic, <= P bits */
            ck_assert_msg(mpfr_equal_p(g, m), "10^-(%s) at %ld bits: mantissa not 10^-frac rounded to nearest",
                          c[k].y, (long) c[k].prec);
            mpfr_clear(g);
        }
    }
    mpfr_clears(y, fr, v, m, (mpfr_ptr) 0);
    fmpz_clear(f);
    mpbias_sci_clear(x);
}
END_TEST

static Suite *
sci_suite(void)
{
    Suite *s = suite_create("sci");
    TCase *tc;

    tc = tcase_create("log");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_log_data_file);
    tcase_add_test(tc, test_log_one);
    tcase_add_test(tc, test_log_random);
    tcase_add_test(tc, test_log_huge_cheap);
    suite_add_tcase(s, tc);

    tc = tcase_create("pow10");
    tcase_add_test(tc, test_pow10_neg);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return tu_main(sci_suite());
}
