/*
 * model.c -- the model description (depth, loss, scale or shape) and the
 * checks that make it usable with a dataset.
 */
#include "config.h"
#include <math.h>
#include <string.h>
#include "mpbias-impl.h"

void
mpbias_model_init(mpbias_model_t m)
{
    m->depth = 2;
    m->loss = MPBIAS_LOSS_EXP;
    m->mean = 0;
    fmpq_init(m->alpha);
    fmpq_one(m->alpha);
    m->d = 0;
    m->shape_a = NULL;
    m->shape_b = NULL;
}

void
mpbias_model_clear(mpbias_model_t m)
{
    fmpq_clear(m->alpha);
    _mpbias_fmpq_vec_free(m->shape_a, m->d);
    _mpbias_fmpq_vec_free(m->shape_b, m->d);
    m->shape_a = m->shape_b = NULL;
    m->d = 0;
}

mpbias_status
mpbias_model_set_shape(mpbias_model_t m, const fmpq *a, const fmpq *b, slong d, mpbias_err_t err)
{
    slong i;
    for (i = 0; i < d; i++)
        if (fmpq_sgn(a + i) <= 0 || fmpq_sgn(b + i) <= 0)
            return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0,
                                   "initialization shape: u_+(0) and u_-(0) must be positive "
                                   "(coordinate %ld is not)", (long) i + 1);
    _mpbias_fmpq_vec_free(m->shape_a, m->d);
    _mpbias_fmpq_vec_free(m->shape_b, m->d);
    m->shape_a = _mpbias_fmpq_vec_alloc(d);
    m->shape_b = _mpbias_fmpq_vec_alloc(d);
    m->d = d;
    if (m->shape_a == NULL || m->shape_b == NULL)
        return _mpbias_err_set(err, MPBIAS_ERR_NOMEM, NULL, 0, 0, "out of memory");
    for (i = 0; i < d; i++)
    {
        fmpq_set(m->shape_a + i, a + i);
        fmpq_set(m->shape_b + i, b + i);
    }
    return MPBIAS_OK;
}

mpbias_status
mpbias_model_check(const mpbias_model_t m, const mpbias_data_t data, mpbias_err_t err)
{
    if (m->depth < 1 || m->depth > 1000)
        return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0, "depth must be in 1..1000 (got %d)", m->depth);
    if (m->loss != MPBIAS_LOSS_EXP && m->loss != MPBIAS_LOSS_LOGISTIC)
        return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0, "unknown loss");
    if (m->shape_a == NULL && fmpq_sgn(m->alpha) <= 0)
        return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0, "alpha must be positive");
    if (m->shape_a != NULL && m->d != data->d)
        return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0,
                               "initialization shape has %ld coordinates but the data have d = %ld",
                               (long) m->d, (long) data->d);
    return MPBIAS_OK;
}

/* ---- numbers mant * 10^exp10 -------------------------------------------- */

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

void
mpbias_sci_log(mpfr_t out, const mpbias_sci_t x)
{
    mpfr_prec_t p = mpfr_get_prec(out) + 16 + (mpfr_prec_t) fmpz_bits(x->exp10);
    mpfr_t a, b;
    mpfr_init2(a, p);
    mpfr_init2(b, p);
    fmpq_get_mpfr(a, x->mant, MPFR_RNDN);
    mpfr_log(a, a, MPFR_RNDN);
    mpfr_set_ui(b, 10, MPFR_RNDN);
    mpfr_log(b, b, MPFR_RNDN);
    {
        mpz_t z;
        mpz_init(z);
        fmpz_get_mpz(z, x->exp10);
        mpfr_mul_z(b, b, z, MPFR_RNDN);
        mpz_clear(z);
    }
    mpfr_add(out, a, b, MPFR_RNDN);
    mpfr_clear(a);
    mpfr_clear(b);
}

/* 10^(-y): 10^(-frac(y)) rounded to a binary rational of y's precision plus
   16 bits, times 10^(-floor(y)) */
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

int
mpbias_flow_opts_loss_grid(mpbias_flow_opts *fo, long per_decade, double target, slong extra)
{
    static const int mult[3][3] = { { 1, 0, 0 }, { 1, 3, 0 }, { 1, 2, 5 } };
    slong j, i, cap = 64;
    fmpz_t e;
    mpfr_t y;
    fo->n_at_loss = 0;
    fo->at_loss = malloc((size_t) (cap + extra) * sizeof(mpbias_sci_struct));
    if (fo->at_loss == NULL)
        return 0;
    fmpz_init(e);
    mpfr_init2(y, 64);
    for (j = 0; j < 64; j++)   /* up to 10^63 decades */
        for (i = 0; i < per_decade; i++)
        {
            mpbias_sci_struct *t;
            double v;
            if (per_decade <= 3)
            {
                /* m 10^j exactly, m in {1}, {1, 3} or {1, 2, 5} */
                fmpz_set_ui(e, 10);
                fmpz_pow_ui(e, e, (ulong) j);
                fmpz_mul_ui(e, e, (ulong) mult[per_decade - 1][i]);
                v = fmpz_get_d(e);
            }
            else
            {
                /* 10^((j P + i) / P), rounded to 64 bits */
                mpfr_set_si(y, (long) (j * per_decade + i), MPFR_RNDN);
                mpfr_div_si(y, y, per_decade, MPFR_RNDN);
                mpfr_exp10(y, y, MPFR_RNDN);
                v = mpfr_get_d(y, MPFR_RNDN);
            }
            if (v > target * (1 + 1e-12))
                continue;
            if (fo->n_at_loss == cap)
            {
                cap *= 2;
                t = realloc(fo->at_loss, (size_t) (cap + extra) * sizeof(mpbias_sci_struct));
                if (t == NULL)
                {
                    fmpz_clear(e);
                    mpfr_clear(y);
                    return 0;
                }
                fo->at_loss = t;
            }
            t = fo->at_loss + fo->n_at_loss++;
            mpbias_sci_init(t);
            if (per_decade <= 3)
            {
                fmpq_one(t->mant);
                fmpz_neg(t->exp10, e);
            }
            else
                mpbias_sci_set_pow10_neg(t, y);
        }
    fmpz_clear(e);
    mpfr_clear(y);
    return 1;
}

void
mpbias_flow_opts_loss_grid_free(mpbias_flow_opts *fo)
{
    slong i;
    for (i = 0; i < fo->n_at_loss; i++)
        mpbias_sci_clear(fo->at_loss + i);
    free(fo->at_loss);
    fo->at_loss = NULL;
    fo->n_at_loss = 0;
}

double
mpbias_sci_log10_d(const mpbias_sci_t x)
{
    double m = fmpq_get_d(x->mant);
    /* a mantissa beyond double range (0.000...1e500 is 1e99) through the
       logarithms of its numerator and denominator */
    if (!(m >= 1e-300 && m <= 1e300))
        return fmpz_get_d(x->exp10)
               + (fmpz_dlog(fmpq_numref(x->mant)) - fmpz_dlog(fmpq_denref(x->mant))) / log(10.0);
    return fmpz_get_d(x->exp10) + log10(m);
}
