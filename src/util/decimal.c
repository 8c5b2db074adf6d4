/*
 * decimal.c -- exact conversion between decimal text and rationals.
 *
 * Parsing is exact: the literal [sign] digits [. digits] [e [sign] digits]
 * is read as M * 10^(E - F) with M the digit string as an integer and F
 * the number of fractional digits; no rounding happens anywhere.  Writing
 * is exact too, for rationals whose denominator divides a power of ten.
 */
#include "config.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "mpbias-impl.h"

static int
word_is(const char *s, size_t len, const char *w)
{
    size_t k = strlen(w);
    return len == k && strncasecmp(s, w, k) == 0;
}

mpbias_status
mpbias_decimal_parse(fmpq_t q, const char *s, size_t len, mpbias_err_t err)
{
    size_t i = 0, nint = 0, nfrac = 0, start_digits, j;
    int neg = 0, eneg = 0;
    long ex = 0;
    char *digits;
    fmpz_t m, p;

    fmpq_zero(q);
    if (len == 0)
        return _mpbias_err_set(err, MPBIAS_ERR_PARSE, NULL, 0, 1, "empty field where a number was expected");

    if (s[0] == '+' || s[0] == '-')
    {
        neg = (s[0] == '-');
        i = 1;
    }
    if (word_is(s + i, len - i, "nan") || word_is(s + i, len - i, "nan(ind)")
        || word_is(s + i, len - i, "nan(snan)"))
        return _mpbias_err_set(err, MPBIAS_ERR_PARSE, NULL, 0, 1, "NaN is not allowed as a value");
    if (word_is(s + i, len - i, "inf") || word_is(s + i, len - i, "infinity"))
        return _mpbias_err_set(err, MPBIAS_ERR_PARSE, NULL, 0, 1, "infinity is not allowed as a value");

    start_digits = i;
    while (i < len && isdigit((unsigned char) s[i]))
        i++, nint++;
    if (i < len && s[i] == '.')
    {
        i++;
        while (i < len && isdigit((unsigned char) s[i]))
            i++, nfrac++;
    }
    if (nint + nfrac == 0)
        return _mpbias_err_set(err, MPBIAS_ERR_PARSE, NULL, 0, (long) (i < len ? i + 1 : 1),
                               "'%.*s' is not a number", (int) (len > 64 ? 64 : len), s);
    if (i < len && (s[i] == 'e' || s[i] == 'E'))
    {
        size_t e0 = ++i;
        if (i < len && (s[i] == '+' || s[i] == '-'))
        {
            eneg = (s[i] == '-');
            i++;
        }
        if (i >= len || !isdigit((unsigned char) s[i]))
            return _mpbias_err_set(err, MPBIAS_ERR_PARSE, NULL, 0, (long) (i + 1),
                                   "'%.*s' is not a number (exponent without digits)",
                                   (int) (len > 64 ? 64 : len), s);
        while (i < len && isdigit((unsigned char) s[i]))
        {
            if (ex > (MPBIAS_DECIMAL_MAX_EXP + 10) / 10 * 10)
                break;
            ex = 10 * ex + (s[i] - '0');
            i++;
        }
        if ((i < len && isdigit((unsigned char) s[i])) || ex > MPBIAS_DECIMAL_MAX_EXP)
            return _mpbias_err_set(err, MPBIAS_ERR_PARSE, NULL, 0, (long) (e0 + 1),
                                   "exponent of '%.*s' is beyond the supported range (|exponent| <= %d)",
                                   (int) (len > 64 ? 64 : len), s, MPBIAS_DECIMAL_MAX_EXP);
    }
    if (i < len)
        return _mpbias_err_set(err, MPBIAS_ERR_PARSE, NULL, 0, (long) (i + 1),
                               "'%.*s' is not a number", (int) (len > 64 ? 64 : len), s);
    if (nfrac > (size_t) MPBIAS_DECIMAL_MAX_EXP)
        return _mpbias_err_set(err, MPBIAS_ERR_PARSE, NULL, 0, 1,
                               "'%.64s...' has more than %d fractional digits", s,
                               MPBIAS_DECIMAL_MAX_EXP);

    digits = malloc(nint + nfrac + 1);
    if (digits == NULL)
        return _mpbias_err_set(err, MPBIAS_ERR_NOMEM, NULL, 0, 1, "out of memory parsing a number");
    for (j = start_digits, i = 0; i < nint + nfrac; j++)
        if (s[j] != '.')
            digits[i++] = s[j];
    digits[i] = '\0';

    fmpz_init(m);
    fmpz_init(p);
    fmpz_set_str(m, digits, 10);
    free(digits);
    if (neg)
        fmpz_neg(m, m);
    if (eneg)
        ex = -ex;
    ex -= (long) nfrac;
    if (ex >= 0)
    {
        fmpz_ui_pow_ui(p, 10, (ulong) ex);
        fmpz_mul(fmpq_numref(q), m, p);
        fmpz_one(fmpq_denref(q));
    }
    else
    {
        fmpz_ui_pow_ui(p, 10, (ulong) (-ex));
        fmpq_set_fmpz_frac(q, m, p);
    }
    fmpz_clear(m);
    fmpz_clear(p);
    return MPBIAS_OK;
}

/* Remove factors f from x, returning how many.  fmpz_remove divides by
   repeated squares of f, so this is quasi-linear even for exponents near
   MPBIAS_DECIMAL_MAX_EXP (dividing by f one factor at a time took minutes
   for 1e-1000000). */
static ulong
strip_factor(fmpz_t x, ulong f)
{
    fmpz_t F;
    slong k;
    if (fmpz_is_zero(x))
        return 0;
    fmpz_init_set_ui(F, f);
    k = fmpz_remove(x, x, F);
    fmpz_clear(F);
    return (ulong) k;
}

char *
mpbias_fmpq_get_str_exact(const fmpq_t q)
{
    fmpz_t den, n;
    ulong a, b, k, L;
    slong E, sci, shift;
    char *s, *out;
    int neg, plain, intexp;

    fmpz_init(den);
    fmpz_init(n);
    fmpz_set(den, fmpq_denref(q));
    a = strip_factor(den, 2);
    b = strip_factor(den, 5);
    if (!fmpz_is_one(den))
    {
        fmpz_clear(den);
        fmpz_clear(n);
        return fmpq_get_str(NULL, 10, q);
    }
    /* q = n * 10^E with n an integer not divisible by 10 (unless 0). */
    k = (a > b) ? a : b;
    fmpz_ui_pow_ui(den, 10, k);
    fmpz_mul(n, fmpq_numref(q), den);
    fmpz_divexact(n, n, fmpq_denref(q));
    E = -(slong) k;
    if (fmpz_is_zero(n))
    {
        fmpz_clear(den);
        fmpz_clear(n);
        out = flint_malloc(2);
        strcpy(out, "0");
        return out;
    }
    E += (slong) strip_factor(n, 10);
    neg = fmpz_sgn(n) < 0;
    fmpz_abs(n, n);
    s = fmpz_get_str(NULL, 10, n);
    L = strlen(s);
    sci = E + (slong) L - 1;
    /* Plain notation for moderate exponents, scientific otherwise -- unless
       the scientific form would not parse back (exponent or fractional
       digits beyond MPBIAS_DECIMAL_MAX_EXP: 12e1000000 is accepted, its
       scientific form 1.2e1000001 is not).  Then, for |E| <= MAX, the
       integer n with exponent E ("12e1000000"); for MAX < |E| <= 2 MAX
       (reachable by the parser as 10e1000000 or 0.1e-1000000) digits
       with the exponent +-MAX.  Every value the parser produces thus
       prints in a form it reads back. */
    plain = (sci >= -7 && sci < 21);
    intexp = 0;
    shift = 0;
    if (!plain && (sci > MPBIAS_DECIMAL_MAX_EXP || sci < -MPBIAS_DECIMAL_MAX_EXP
                   || (slong) L - 1 > MPBIAS_DECIMAL_MAX_EXP)
        && E >= -2 * (slong) MPBIAS_DECIMAL_MAX_EXP && E <= 2 * (slong) MPBIAS_DECIMAL_MAX_EXP)
    {
        if (E > MPBIAS_DECIMAL_MAX_EXP)
            shift = MPBIAS_DECIMAL_MAX_EXP;
        else if (E < -MPBIAS_DECIMAL_MAX_EXP)
            shift = -MPBIAS_DECIMAL_MAX_EXP;
        else
            intexp = 1;
        plain = !intexp;
        E -= shift;
    }
    out = flint_malloc(L + (size_t) (E < 0 ? -E : E) + 64);
    {
        char *o = out;
        if (neg)
            *o++ = '-';
        if (plain)
        {
            if (E >= 0)
            {
                memcpy(o, s, L);
                o += L;
                for (slong z = 0; z < E; z++)
                    *o++ = '0';
            }
            else if ((slong) L + E > 0)
            {
                memcpy(o, s, (size_t) ((slong) L + E));
                o += (slong) L + E;
                *o++ = '.';
                memcpy(o, s + (slong) L + E, (size_t) (-E));
                o += -E;
            }
            else
            {
                *o++ = '0';
                *o++ = '.';
                for (slong z = 0; z < -((slong) L + E); z++)
                    *o++ = '0';
                memcpy(o, s, L);
                o += L;
            }
            *o = '\0';
            if (shift)
                sprintf(o, "e%ld", (long) shift);
        }
        else if (intexp)
        {
            memcpy(o, s, L);
            sprintf(o + L, "e%ld", (long) E);
        }
        else
        {
            *o++ = s[0];
            if (L > 1)
            {
                *o++ = '.';
                memcpy(o, s + 1, L - 1);
                o += L - 1;
            }
            sprintf(o, "e%ld", (long) sci);
        }
    }
    flint_free(s);
    fmpz_clear(den);
    fmpz_clear(n);
    return out;
}
