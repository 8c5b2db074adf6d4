/*
 * fmt.c -- printing certified decimal digits.
 *
 * A number is printed to K significant digits only when the enclosure in
 * hand determines them: both endpoints of the Arb ball, each rounded to K
 * digits, must give the same string.  Then that string is the correctly
 * rounded K-digit value of every number in the ball.  An exact decimal
 * tie is never determined so, whatever the precision: a value known to be
 * rational is rounded exactly instead (mpbias_fmpq_get_str_rounded).
 */
#include "config.h"
#include <stdio.h>
#include <string.h>
#include "mpbias-impl.h"

/* K-digit scientific string (printf %.{K-1}e style) of m, rounded to
   nearest; returns flint_malloc'd string. */
static char *
mpfr_sci(const mpfr_t m, int digits)
{
    mpfr_exp_t e;
    char *s, *out;
    size_t L;
    int neg;
    if (mpfr_zero_p(m))
    {
        out = flint_malloc((size_t) digits + 16);
        strcpy(out, "0");
        if (digits > 1)
        {
            strcat(out, ".");
            memset(out + 2, '0', (size_t) digits - 1);
            out[digits + 1] = '\0';
        }
        strcat(out, "e+00");
        return out;
    }
    s = mpfr_get_str(NULL, &e, 10, (size_t) digits, m, MPFR_RNDN);
    neg = (s[0] == '-');
    L = strlen(s + neg);
    out = flint_malloc(L + 48);
    {
        char *o = out;
        if (neg)
            *o++ = '-';
        *o++ = s[neg];
        if (L > 1)
        {
            *o++ = '.';
            memcpy(o, s + neg + 1, L - 1);
            o += L - 1;
        }
        sprintf(o, "e%s%02ld", (long) e - 1 < 0 ? "-" : "+",
                (long) (e - 1 < 0 ? -(e - 1) : e - 1));
    }
    mpfr_free_str(s);
    return out;
}

char *
_mpbias_arb_get_str_rounded(const arb_t x, int digits)
{
    arf_t lo, hi;
    mpfr_t a, b;
    char *sa, *sb;
    slong p = arb_rel_accuracy_bits(x);

    if (!arb_is_finite(x) || digits < 1)
        return NULL;
    if (arb_is_exact(x))
        p = arf_bits(arb_midref(x));
    if (p < 2)
        p = 2;
    arf_init(lo);
    arf_init(hi);
    arb_get_lbound_arf(lo, x, p + 64);
    arb_get_ubound_arf(hi, x, p + 64);
    mpfr_init2(a, p + 64);
    mpfr_init2(b, p + 64);
    arf_get_mpfr(a, lo, MPFR_RNDD);
    arf_get_mpfr(b, hi, MPFR_RNDU);
    sa = mpfr_sci(a, digits);
    sb = mpfr_sci(b, digits);
    mpfr_clear(a);
    mpfr_clear(b);
    arf_clear(lo);
    arf_clear(hi);
    if (strcmp(sa, sb) != 0)
    {
        flint_free(sa);
        flint_free(sb);
        return NULL;
    }
    flint_free(sb);
    return sa;
}

char *
mpbias_fmpq_get_str_rounded(const fmpq_t x, int digits)
{
    fmpz_t p, q, N, r, t;
    slong e, s;
    char *ds, *out, *o;
    size_t L;

    if (digits < 1)
        return NULL;
    if (fmpq_is_zero(x))
    {
        mpfr_t z;
        mpfr_init2(z, 2);
        mpfr_set_zero(z, 1);
        out = mpfr_sci(z, digits);
        mpfr_clear(z);
        return out;
    }
    fmpz_init(p);
    fmpz_init(q);
    fmpz_init(N);
    fmpz_init(r);
    fmpz_init(t);
    fmpz_abs(p, fmpq_numref(x));
    fmpz_set(q, fmpq_denref(x));
    /* e = floor(log10(p/q)): start from the digit counts (off by at most
       one), then make 10^e <= p/q < 10^(e+1) hold exactly */
    e = (slong) fmpz_sizeinbase(p, 10) - (slong) fmpz_sizeinbase(q, 10);
    for (;;)
    {
        /* t = 10^|e|; compare p with q 10^e */
        fmpz_ui_pow_ui(t, 10, (ulong) (e < 0 ? -e : e));
        if (e >= 0)
        {
            fmpz_mul(t, t, q);
            if (fmpz_cmp(p, t) < 0) { e--; continue; }
            fmpz_mul_ui(t, t, 10);
            if (fmpz_cmp(p, t) >= 0) { e++; continue; }
        }
        else
        {
            fmpz_mul(r, p, t);
            if (fmpz_cmp(r, q) < 0) { e--; continue; }
            fmpz_mul_ui(t, q, 10);
            if (fmpz_cmp(r, t) >= 0) { e++; continue; }
        }
        break;
    }
    /* N = round(p/q 10^s), s = digits - 1 - e, so 10^(K-1) <= N <= 10^K */
    s = (slong) digits - 1 - e;
    fmpz_ui_pow_ui(t, 10, (ulong) (s < 0 ? -s : s));
    if (s >= 0)
        fmpz_mul(p, p, t);
    else
        fmpz_mul(q, q, t);
    fmpz_fdiv_qr(N, r, p, q);
    fmpz_mul_2exp(r, r, 1);
    {
        int c = fmpz_cmp(r, q);
        if (c > 0 || (c == 0 && fmpz_is_odd(N)))
            fmpz_add_ui(N, N, 1);
    }
    fmpz_ui_pow_ui(t, 10, (ulong) digits);
    if (fmpz_equal(N, t))
    {
        fmpz_divexact_ui(N, N, 10);
        e++;
    }
    ds = fmpz_get_str(NULL, 10, N);
    L = strlen(ds);
    out = flint_malloc(L + 48);
    o = out;
    if (fmpq_sgn(x) < 0)
        *o++ = '-';
    *o++ = ds[0];
    if (L > 1)
    {
        *o++ = '.';
        memcpy(o, ds + 1, L - 1);
        o += L - 1;
    }
    sprintf(o, "e%s%02ld", e < 0 ? "-" : "+", (long) (e < 0 ? -e : e));
    flint_free(ds);
    fmpz_clear(p);
    fmpz_clear(q);
    fmpz_clear(N);
    fmpz_clear(r);
    fmpz_clear(t);
    return out;
}

char *
_mpbias_mpfr_get_str_sci(const mpfr_t x, int digits)
{
    return mpfr_sci(x, digits);
}
