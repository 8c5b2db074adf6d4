/*
 * example.c -- built-in datasets and the sparse-teacher Gaussian generator.
 *
 * The generator is deterministic on every platform: integers come from
 * xoshiro256** (rng.c), Gaussians from the Box-Muller transform evaluated
 * with correctly rounded MPFR operations at 128 bits, then rounded to a
 * fixed number of decimal places, so the dataset is a set of exact
 * decimals and the labels y = sign(w* . x) are decided exactly.
 */
#include "config.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include "mpbias-impl.h"

typedef struct
{
    const char *name;
    const char *descr;
    slong n, d;
    const int *y;
    const char *const *x;   /* n*d decimal strings (features, not z) */
} fixed_example;

/* Kernel-to-rich: the l2 max-margin predictor is dense, the l1 one is
   (1/2, 0, 0, 0) with every other coordinate's dual slack at least 1/2,
   so the transition happens at moderate losses and shows clearly. */
static const int transition_y[] = { +1, -1 };
static const char *const transition_x[] = {
    "2", "1", "0.5", "0",
    "-2", "0.5", "-1", "-1"
};

/* Orthogonal samples with disjoint supports: the flow decouples into
   two one-sample problems (an exact oracle, doc/math.md section 7). */
static const int orthogonal_y[] = { +1, -1 };
static const char *const orthogonal_x[] = {
    "1", "2", "0", "0",
    "0", "0", "-1", "0.5"
};

static const fixed_example fixed[] = {
    { "transition", "2 samples in R^4 whose l2 and l1 max-margin predictors differ "
      "clearly (dense vs sparse): the kernel-to-rich transition", 2, 4, transition_y, transition_x },
    { "orthogonal", "2 samples in R^4 with disjoint supports: the flow decouples into "
      "two one-sample problems", 2, 4, orthogonal_y, orthogonal_x },
};

#define NFIXED ((int) (sizeof fixed / sizeof fixed[0]))

int
mpbias_example_list(int i, const char **name, const char **descr)
{
    if (i < 0 || i > NFIXED)
        return 0;
    if (i == NFIXED)
    {
        *name = "sparse-teacher";
        *descr = "Gaussian samples labelled by a sparse +-1 teacher (generator; parameters "
                 "as sparse-teacher:n=8,d=20,k=2,seed=1,digits=4)";
        return 1;
    }
    *name = fixed[i].name;
    *descr = fixed[i].descr;
    return 1;
}

void
mpbias_gen_params_init(mpbias_gen_params *p)
{
    p->n = 8;
    p->d = 20;
    p->k = 2;
    p->seed = 1;
    p->digits = 4;
    p->min_margin = 0.0;
}

static mpbias_status
check_params(const mpbias_gen_params *p, mpbias_err_t err)
{
    if (p->n < 2)
        return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0, "generator: n must be at least 2 (got %ld)", (long) p->n);
    if (p->d < 1)
        return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0, "generator: d must be at least 1 (got %ld)", (long) p->d);
    if (p->k < 1 || p->k > p->d)
        return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0, "generator: k must be in 1..d (got k=%ld, d=%ld)", (long) p->k, (long) p->d);
    if (p->digits < 0 || p->digits > 30)
        return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0, "generator: digits must be in 0..30 (got %d)", p->digits);
    if (!(p->min_margin >= 0.0) || !isfinite(p->min_margin))
        return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0, "generator: min-margin must be a finite number >= 0");
    if (p->min_margin > 0.5 * sqrt((double) p->k))
        return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0,
                               "generator: min-margin %g is too large for k=%ld (at most sqrt(k)/2 = %g, "
                               "or too many samples would be rejected)", p->min_margin, (long) p->k,
                               0.5 * sqrt((double) p->k));
    return MPBIAS_OK;
}

/* Teacher support and signs: k distinct coordinates (partial
   Fisher-Yates), signs +-1.  Consumes the first draws of the stream. */
static mpbias_status
draw_teacher(fmpq *wstar, _mpbias_rng_t *rng, const mpbias_gen_params *p, mpbias_err_t err)
{
    slong *perm = malloc((size_t) p->d * sizeof(slong)), i;
    if (perm == NULL)
        return _mpbias_err_set(err, MPBIAS_ERR_NOMEM, NULL, 0, 0, "out of memory");
    for (i = 0; i < p->d; i++)
    {
        perm[i] = i;
        fmpq_zero(wstar + i);
    }
    for (i = 0; i < p->k; i++)
    {
        slong j = i + (slong) _mpbias_rng_below(rng, (ulong) (p->d - i)), tmp;
        tmp = perm[i];
        perm[i] = perm[j];
        perm[j] = tmp;
        fmpq_set_si(wstar + perm[i], (_mpbias_rng_next(rng) >> 63) ? -1 : 1, 1);
    }
    free(perm);
    return MPBIAS_OK;
}

mpbias_status
mpbias_gen_teacher(fmpq *wstar, const mpbias_gen_params *p, mpbias_err_t err)
{
    _mpbias_rng_t rng;
    mpbias_status st = check_params(p, err);
    if (st != MPBIAS_OK)
        return st;
    _mpbias_rng_seed(&rng, p->seed);
    return draw_teacher(wstar, &rng, p, err);
}

/* One standard Gaussian rounded to `digits` decimal places, as the
   integer round(g * 10^digits).  Every MPFR operation is correctly
   rounded, so the result is the same on every platform. */
static void
gaussian_scaled(fmpz_t out, _mpbias_rng_t *rng, int digits, mpfr_t u1, mpfr_t u2,
                mpfr_t t, mpz_t k)
{
    /* u = (k + 1/2) / 2^64 in (0, 1), exact at 128 bits */
    mpz_set_ui(k, _mpbias_rng_next(rng));
    mpfr_set_z(u1, k, MPFR_RNDN);
    mpz_set_ui(k, _mpbias_rng_next(rng));
    mpfr_set_z(u2, k, MPFR_RNDN);
    mpfr_add_d(u1, u1, 0.5, MPFR_RNDN);
    mpfr_div_2ui(u1, u1, 64, MPFR_RNDN);
    mpfr_add_d(u2, u2, 0.5, MPFR_RNDN);
    mpfr_div_2ui(u2, u2, 64, MPFR_RNDN);
    /* sqrt(-2 log u1) * cos(2 pi u2) */
    mpfr_log(u1, u1, MPFR_RNDN);
    mpfr_mul_si(u1, u1, -2, MPFR_RNDN);
    mpfr_sqrt(u1, u1, MPFR_RNDN);
    mpfr_const_pi(t, MPFR_RNDN);
    mpfr_mul(u2, u2, t, MPFR_RNDN);
    mpfr_mul_2ui(u2, u2, 1, MPFR_RNDN);
    mpfr_cos(u2, u2, MPFR_RNDN);
    mpfr_mul(u1, u1, u2, MPFR_RNDN);
    mpfr_ui_pow_ui(t, 10, (unsigned long) digits, MPFR_RNDN);
    mpfr_mul(u1, u1, t, MPFR_RNDN);
    mpfr_get_z(k, u1, MPFR_RNDN);
    fmpz_set_mpz(out, k);
}

mpbias_status
mpbias_gen_sparse_teacher(mpbias_data_t data, const mpbias_gen_params *p,
                          mpbias_err_t err)
{
    _mpbias_rng_t rng;
    fmpq *wstar;
    fmpz *row;
    fmpz_t dot, scale, thr;
    mpfr_t u1, u2, t;
    mpz_t k;
    slong i, j, npos = 0, tries;
    char name[64];
    mpbias_status st = check_params(p, err);

    if (st != MPBIAS_OK)
        return st;
    snprintf(name, sizeof name, "sparse-teacher(n=%ld,d=%ld,k=%ld,seed=%lu)",
             (long) p->n, (long) p->d, (long) p->k, (unsigned long) p->seed);
    if ((st = _mpbias_data_alloc(data, p->n, p->d, 0, name, err)) != MPBIAS_OK)
        return st;
    wstar = _mpbias_fmpq_vec_alloc(p->d);
    row = _fmpz_vec_init(p->d);
    if (wstar == NULL)
    {
        _fmpz_vec_clear(row, p->d);
        mpbias_data_clear(data);
        return _mpbias_err_set(err, MPBIAS_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    _mpbias_rng_seed(&rng, p->seed);
    draw_teacher(wstar, &rng, p, err);
    fmpz_init(dot);
    fmpz_init(scale);
    fmpz_init(thr);
    mpfr_init2(u1, 128);
    mpfr_init2(u2, 128);
    mpfr_init2(t, 128);
    mpz_init(k);
    fmpz_ui_pow_ui(scale, 10, (ulong) p->digits);
    /* |w* . x| >= min_margin  <=>  |w* . X| >= ceil(min_margin 10^digits)
       for X = 10^digits x integer. */
    mpfr_set_d(t, p->min_margin, MPFR_RNDU);
    mpfr_ui_pow_ui(u2, 10, (unsigned long) p->digits, MPFR_RNDU);
    mpfr_mul(t, t, u2, MPFR_RNDU);
    mpfr_get_z(k, t, MPFR_RNDU);
    fmpz_set_mpz(thr, k);
    if (fmpz_is_zero(thr))
        fmpz_one(thr);                 /* a zero margin is never accepted */

    for (i = 0; i < p->n && st == MPBIAS_OK; i++)
    {
        for (tries = 0;; tries++)
        {
            int y;
            if (tries == 10000)
            {
                st = _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0,
                                     "generator: no acceptable sample in 10000 draws "
                                     "(min-margin too large for these parameters?)");
                break;
            }
            fmpz_zero(dot);
            for (j = 0; j < p->d; j++)
            {
                gaussian_scaled(row + j, &rng, p->digits, u1, u2, t, k);
                if (!fmpq_is_zero(wstar + j))
                    fmpz_addmul(dot, row + j, fmpq_numref(wstar + j));
            }
            if (fmpz_cmpabs(dot, thr) < 0)
                continue;
            y = fmpz_sgn(dot);
            /* the last sample must not leave the data with one class */
            if (i == p->n - 1 && (npos == 0 || npos == p->n - 1) && (y > 0) == (npos > 0))
                continue;
            data->y[i] = y;
            npos += (y > 0);
            for (j = 0; j < p->d; j++)
            {
                fmpz_mul_si(row + j, row + j, y);
                fmpq_set_fmpz_frac(mpbias_data_z(data, i, j), row + j, scale);
            }
            break;
        }
    }
    if (st == MPBIAS_OK)
        st = mpbias_data_validate(data, err);
    if (st != MPBIAS_OK)
        mpbias_data_clear(data);
    _mpbias_fmpq_vec_free(wstar, p->d);
    _fmpz_vec_clear(row, p->d);
    fmpz_clear(dot);
    fmpz_clear(scale);
    fmpz_clear(thr);
    mpfr_clear(u1);
    mpfr_clear(u2);
    mpfr_clear(t);
    mpz_clear(k);
    return st;
}

/* Parse "key=value,key=value" generator parameters. */
static mpbias_status
parse_gen_params(mpbias_gen_params *p, const char *spec, const char *full, mpbias_err_t err)
{
    const char *s = spec;
    while (*s)
    {
        const char *eq = strchr(s, '='), *end = strchr(s, ',');
        char key[16], *stop;
        size_t klen;
        if (end == NULL)
            end = s + strlen(s);
        if (eq == NULL || eq > end || eq == s || (size_t) (eq - s) >= sizeof key)
            return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0,
                                   "example '%s': expected key=value parameters "
                                   "(keys n, d, k, seed, digits, min-margin)", full);
        klen = (size_t) (eq - s);
        memcpy(key, s, klen);
        key[klen] = '\0';
        if (strcmp(key, "min-margin") == 0)
        {
            p->min_margin = strtod(eq + 1, &stop);
        }
        else
        {
            unsigned long long v;
            errno = 0;
            v = strtoull(eq + 1, &stop, 10);
            if (eq[1] < '0' || eq[1] > '9' || errno != 0 || v > (unsigned long long) WORD_MAX)
                stop = (char *) eq + 1;     /* digits only, in range */
            if (strcmp(key, "n") == 0) p->n = (slong) v;
            else if (strcmp(key, "d") == 0) p->d = (slong) v;
            else if (strcmp(key, "k") == 0) p->k = (slong) v;
            else if (strcmp(key, "seed") == 0) p->seed = (ulong) v;
            else if (strcmp(key, "digits") == 0)
            {
                if (stop == end && v > 30)   /* not through int: 4294967296 must not become 0 */
                    return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0,
                                           "generator: digits must be in 0..30 (got %llu)", v);
                p->digits = (int) v;
            }
            else
                return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0,
                                       "example '%s': unknown parameter '%s' "
                                       "(keys n, d, k, seed, digits, min-margin)", full, key);
        }
        /* stop == eq + 1: nothing converted ("seed=" must not mean seed 0) */
        if (stop != end || stop == eq + 1)
            return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0,
                                   "example '%s': bad value for '%s'", full, key);
        s = (*end == ',') ? end + 1 : end;
    }
    return MPBIAS_OK;
}

mpbias_status
mpbias_example_load(mpbias_data_t data, const char *name, mpbias_err_t err)
{
    int i;
    slong k;
    mpbias_status st;

    for (i = 0; i < NFIXED; i++)
        if (strcmp(name, fixed[i].name) == 0)
        {
            const fixed_example *e = fixed + i;
            if ((st = _mpbias_data_alloc(data, e->n, e->d, 0, e->name, err)) != MPBIAS_OK)
                return st;
            for (k = 0; k < e->n * e->d; k++)
            {
                mpbias_decimal_parse(data->z + k, e->x[k], strlen(e->x[k]), NULL);
                if (e->y[k / e->d] < 0)
                    fmpq_neg(data->z + k, data->z + k);
            }
            memcpy(data->y, e->y, (size_t) e->n * sizeof(int));
            return mpbias_data_validate(data, err);
        }
    if (strncmp(name, "sparse-teacher", 14) == 0 && (name[14] == '\0' || name[14] == ':'))
    {
        mpbias_gen_params p;
        mpbias_gen_params_init(&p);
        if (name[14] == ':' && (st = parse_gen_params(&p, name + 15, name, err)) != MPBIAS_OK)
            return st;
        return mpbias_gen_sparse_teacher(data, &p, err);
    }
    return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0,
                           "unknown example '%s' (see 'mpbias info --list-examples')", name);
}
