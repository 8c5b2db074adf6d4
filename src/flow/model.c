/*
 * model.c -- the model description (depth, loss, scale or shape) and the
 * checks that make it usable with a dataset.
 */
#include "config.h"
#include <math.h>
#include <string.h>
#include "mpbias-impl.h"

mpbias_status
_mpbias_err_target_not_below_start(mpbias_err_t err, const mpfr_t logL0, const mpbias_model_t m,
                                   slong n)
{
    mpfr_t L;
    char buf[64];
    int zero = (m->shape_a == NULL);   /* u_+(0) = u_-(0) = alpha: w(0) = 0 */
    mpfr_init2(L, 64);
    mpfr_exp(L, logL0, MPFR_RNDN);
    if (m->mean)
        mpfr_div_si(L, L, (long) n, MPFR_RNDN);
    mpfr_snprintf(buf, sizeof buf, "%.6Rg", L);
    mpfr_clear(L);
    return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0,
                           "the target loss is not below the initial loss L(0) = %s (the %s %s "
                           "loss at t = 0%s%s)", buf, m->mean ? "mean" : "summed",
                           m->loss == MPBIAS_LOSS_LOGISTIC ? "logistic" : "exponential",
                           zero ? ", where every margin is 0 and every sample contributes " : "",
                           !zero ? "" : m->loss == MPBIAS_LOSS_LOGISTIC ? "log 2" : "1");
}

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
