/*
 * sci.c -- positive numbers mant * 10^exp10 (mant rational, exp10 an
 * integer of any size): parsing, a correctly rounded logarithm, powers of
 * ten and a double-precision log10 for schedules.
 *
 * The logarithm follows MPFR's method: an Arb ball for log(x) at a working
 * precision that grows (Ziv's loop) until the ball rounds to one value in
 * the requested direction.  log(x) is transcendental for every rational
 * x != 1 (Lindemann), so the ball never straddles a rounding boundary
 * forever; x = 1 (log 0, exact) is decided before the loop, exactly.
 */
#include "config.h"
#include <math.h>
#include <string.h>
#include "mpbias-impl.h"

void
mpbias_sci_init(mpbias_sci_t x)
{
    fmpq_init(x->mant);
    fmpq_one(x->mant);
    fmpz_init(x->exp10);
}

void
mpbias_sci_clear(mpbias_sci_t x)
{
    fmpq_clear(x->mant);
    fmpz_clear(x->exp10);
}

void
mpbias_sci_set(mpbias_sci_t x, const mpbias_sci_t y)
{
    fmpq_set(x->mant, y->mant);
    fmpz_set(x->exp10, y->exp10);
}

mpbias_status
mpbias_sci_parse(mpbias_sci_t x, const char *s, mpbias_err_t err)
{
    size_t len = strlen(s), e = 0;
    mpbias_status st;
    /* split at the exponent marker; the mantissa goes through the exact
       decimal parser, the exponent is an integer of any length */
    while (e < len && s[e] != 'e' && s[e] != 'E')
        e++;
    st = mpbias_decimal_parse(x->mant, s, e, err);
    if (st != MPBIAS_OK)
        return st;
    fmpz_zero(x->exp10);
    if (e < len)
    {
        size_t i = e + 1;
        int neg = 0;
        if (i < len && (s[i] == '+' || s[i] == '-'))
            neg = (s[i++] == '-');
        if (i == len)
            return _mpbias_err_set(err, MPBIAS_ERR_PARSE, NULL, 0, (long) i + 1,
                                   "'%s' is not a number (exponent without digits)", s);
        for (; i < len; i++)
        {
            if (s[i] < '0' || s[i] > '9')
                return _mpbias_err_set(err, MPBIAS_ERR_PARSE, NULL, 0, (long) i + 1,
                                       "'%s' is not a number", s);
            fmpz_mul_ui(x->exp10, x->exp10, 10);
            fmpz_add_ui(x->exp10, x->exp10, (ulong) (s[i] - '0'));
        }
        if (neg)
            fmpz_neg(x->exp10, x->exp10);
    }
    if (fmpq_sgn(x->mant) <= 0)
        return _mpbias_err_set(err, MPBIAS_ERR_PARSE, NULL, 0, 1, "'%s' is not a positive number", s);
    return MPBIAS_OK;
}

/* x as one exact rational r when |exp10| <= bits(num) + bits(den) + 4 (then
   10^|exp10| costs no more than the mantissa's own size); 0 otherwise.
   In the other case x != 1, and x is far from 1: with p/q the mantissa
   (bp, bq bits) and e = exp10, e > bp + bq + 4 gives
   x >= 10^e / q > 2^e / 2^bq >= 2^(bp + 5), and e < -(bp + bq + 4) gives
   x < 2^bp / 10^|e| < 2^-(bq + 4): |log x| > |e| (log 10 - log 2) > |e|,
   so log(mant) + e log(10) loses no more than two bits to cancellation. */
static int
sci_exact(fmpq_t r, const mpbias_sci_t x)
{
    ulong lim = fmpz_bits(fmpq_numref(x->mant)) + fmpz_bits(fmpq_denref(x->mant)) + 4;
    slong e;
    fmpz_t p;
    if (fmpz_bits(x->exp10) > FLINT_BITS - 2)
        return 0;
    e = fmpz_get_si(x->exp10);
    if ((ulong) (e < 0 ? -e : e) > lim)
        return 0;
    fmpz_init(p);
    fmpz_set_ui(p, 10);
    fmpz_pow_ui(p, p, (ulong) (e < 0 ? -e : e));
    fmpq_set(r, x->mant);
    if (e >= 0)
        fmpz_mul(fmpq_numref(r), fmpq_numref(r), p);
    else
        fmpz_mul(fmpq_denref(r), fmpq_denref(r), p);
    fmpq_canonicalise(r);
    fmpz_clear(p);
    return 1;
}

int
mpbias_sci_log(mpfr_t out, const mpbias_sci_t x, mpfr_rnd_t rnd)
{
    mpfr_prec_t prec = mpfr_get_prec(out);
    slong wp = (slong) prec + 32;
    int exact, ternary;
    fmpq_t r;
    arb_t b, c;

    if (fmpq_sgn(x->mant) <= 0)
    {
        mpfr_set_nan(out);
        return 0;
    }
    fmpq_init(r);
    exact = sci_exact(r, x);
    if (exact && fmpq_is_one(r))
    {
        fmpq_clear(r);
        mpfr_set_zero(out, 1);
        return 0;
    }
    /* near 1, log1p of the exact r - 1: no cancellation at all */
    if (exact)
    {
        fmpq_t h;
        int near;
        fmpq_init(h);
        fmpq_set_si(h, 1, 2);
        near = fmpq_cmp(r, h) >= 0;
        fmpq_set_si(h, 2, 1);
        near = near && fmpq_cmp(r, h) <= 0;
        if (near)
            fmpq_sub_si(r, r, 1);
        fmpq_clear(h);
        exact = near ? 2 : 1;
    }
    arb_init(b);
    arb_init(c);
    for (;;)
    {
        if (exact == 2)
        {
            arb_set_fmpq(b, r, wp);
            arb_log1p(b, b, wp);
        }
        else if (exact == 1)
        {
            arb_set_fmpq(b, r, wp);
            arb_log(b, b, wp);
        }
        else
        {
            slong wpe = wp + (slong) fmpz_bits(x->exp10);
            arb_set_fmpq(b, x->mant, wp);
            arb_log(b, b, wp);
            arb_const_log10(c, wpe);
            arb_mul_fmpz(c, c, x->exp10, wpe);
            arb_add(b, b, c, wp);
        }
        if (arb_can_round_mpfr(b, prec, rnd))
            break;
        wp += wp / 2;
    }
    ternary = arf_get_mpfr(out, arb_midref(b), rnd);
    arb_clear(b);
    arb_clear(c);
    fmpq_clear(r);
    return ternary;
}

/* 10^(-y): 10^(-frac(y)) rounded to nearest at y's precision plus 16 bits
   (frac(y) = y - floor(y) is exact at y's precision), times 10^(-floor(y)) */
void
mpbias_sci_set_pow10_neg(mpbias_sci_t s, const mpfr_t y)
{
    mpfr_t f, t;
    mpz_t m;
    mpfr_exp_t e;
    mpfr_inits2(mpfr_get_prec(y) + 16, f, t, (mpfr_ptr) 0);
    mpz_init(m);
    mpfr_floor(t, y);
    mpfr_get_z(m, t, MPFR_RNDN);
    fmpz_set_mpz(s->exp10, m);
    fmpz_neg(s->exp10, s->exp10);
    mpfr_sub(f, y, t, MPFR_RNDN);
    mpfr_neg(f, f, MPFR_RNDN);
    mpfr_exp10(f, f, MPFR_RNDN);
    e = mpfr_get_z_2exp(m, f);
    {
        fmpq_t q;
        fmpq_init(q);
        fmpz_set_mpz(fmpq_numref(q), m);
        if (e >= 0)
            fmpq_mul_2exp(q, q, (ulong) e);
        else
            fmpq_div_2exp(q, q, (ulong) -e);
        fmpq_swap(s->mant, q);
        fmpq_clear(q);
    }
    mpz_clear(m);
    mpfr_clears(f, t, (mpfr_ptr) 0);
}

/* log(x) at 64 bits (correctly rounded), divided by log(10) rounded to 64
   bits: relative error below 3 * 2^-64 before the rounding to double. */
double
mpbias_sci_log10_d(const mpbias_sci_t x)
{
    mpfr_t l, t;
    double d;
    mpfr_inits2(64, l, t, (mpfr_ptr) 0);
    mpbias_sci_log(l, x, MPFR_RNDN);
    mpfr_set_ui(t, 10, MPFR_RNDN);
    mpfr_log(t, t, MPFR_RNDN);
    mpfr_div(l, l, t, MPFR_RNDN);
    d = mpfr_get_d(l, MPFR_RNDN);
    mpfr_clears(l, t, (mpfr_ptr) 0);
    return d;
}
