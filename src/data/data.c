/*
 * data.c -- the dataset type: storage, invariants, conversion to MPFR and
 * exact output.  Readers live in read.c, generators in example.c.
 */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "mpbias-impl.h"

void
mpbias_data_init(mpbias_data_t data)
{
    data->n = 0;
    data->d = 0;
    data->z = NULL;
    data->y = NULL;
    data->name[0] = '\0';
}

void
mpbias_data_clear(mpbias_data_t data)
{
    _mpbias_fmpq_vec_free(data->z, data->n * data->d);
    free(data->y);
    mpbias_data_init(data);
}

fmpq *
_mpbias_fmpq_vec_alloc(slong len)
{
    fmpq *v;
    slong i;
    if (len <= 0)
        return NULL;
    if (!_mpbias_size_ok(len, 1, sizeof(fmpq), 0))
        return NULL;
    v = malloc((size_t) len * sizeof(fmpq));
    if (v == NULL)
        return NULL;
    for (i = 0; i < len; i++)
        fmpq_init(v + i);
    return v;
}

void
_mpbias_fmpq_vec_free(fmpq *v, slong len)
{
    slong i;
    if (v == NULL)
        return;
    for (i = 0; i < len; i++)
        fmpq_clear(v + i);
    free(v);
}

mpbias_status
_mpbias_data_alloc(mpbias_data_t data, slong n, slong d, size_t max_bytes,
                   const char *where, mpbias_err_t err)
{
    mpbias_data_clear(data);
    if (n < 1 || d < 1)
        return _mpbias_err_set(err, MPBIAS_ERR_DATA, where, 0, 0,
                               "dataset needs at least one sample and one feature (got %ld x %ld)",
                               (long) n, (long) d);
    if (!_mpbias_size_ok(n, d, sizeof(fmpq), max_bytes))
        return _mpbias_err_set(err, MPBIAS_ERR_NOMEM, where, 0, 0,
                               "%ld samples x %ld features is beyond what memory allows "
                               "(dense storage would exceed %zu bytes)",
                               (long) n, (long) d, max_bytes ? max_bytes : (size_t) SIZE_MAX);
    data->z = _mpbias_fmpq_vec_alloc(n * d);
    data->y = malloc((size_t) n * sizeof(int));
    if (data->z == NULL || data->y == NULL)
    {
        _mpbias_fmpq_vec_free(data->z, n * d);
        free(data->y);
        mpbias_data_init(data);
        return _mpbias_err_set(err, MPBIAS_ERR_NOMEM, where, 0, 0,
                               "out of memory allocating %ld x %ld samples", (long) n, (long) d);
    }
    data->n = n;
    data->d = d;
    if (where != NULL)
    {
        strncpy(data->name, where, sizeof data->name - 1);
        data->name[sizeof data->name - 1] = '\0';
    }
    return MPBIAS_OK;
}

mpbias_status
_mpbias_data_validate_at(const mpbias_data_t data, const long *lines,
                         mpbias_err_t err)
{
    slong i, j, npos = 0;
    const char *where = data->name[0] ? data->name : NULL;

    if (data->n < 1 || data->d < 1)
        return _mpbias_err_set(err, MPBIAS_ERR_DATA, where, 0, 0,
                               "dataset needs at least one sample and one feature");
    for (i = 0; i < data->n; i++)
    {
        int zero = 1;
        if (data->y[i] != 1 && data->y[i] != -1)
            return _mpbias_err_set(err, MPBIAS_ERR_DATA, where, lines ? lines[i] : 0, 0,
                                   "label of sample %ld is not +1 or -1", (long) i + 1);
        npos += (data->y[i] == 1);
        for (j = 0; j < data->d && zero; j++)
            zero = fmpq_is_zero(mpbias_data_z(data, i, j));
        if (zero)
            return _mpbias_err_set(err, MPBIAS_ERR_DATA, where, lines ? lines[i] : 0, 0,
                                   "sample %ld is zero (all features are 0): no linear classifier "
                                   "can give it a positive margin", (long) i + 1);
    }
    if (npos == 0 || npos == data->n)
        return _mpbias_err_set(err, MPBIAS_ERR_DATA, where, 0, 0,
                               "all %ld samples have label %s: both classes (+1 and -1) are needed",
                               (long) data->n, npos ? "+1" : "-1");
    return MPBIAS_OK;
}

mpbias_status
mpbias_data_validate(const mpbias_data_t data, mpbias_err_t err)
{
    return _mpbias_data_validate_at(data, NULL, err);
}

int
mpbias_data_get_z_mpfr(mpfr_t *out, const mpbias_data_t data, mpfr_rnd_t rnd)
{
    slong k;
    int t = 0, r;
    for (k = 0; k < data->n * data->d; k++)
    {
        r = fmpq_get_mpfr(out[k], data->z + k, rnd);
        if (r != 0)
            t = r;
    }
    return t;
}

slong
mpbias_data_nnz(const mpbias_data_t data)
{
    slong k, c = 0;
    for (k = 0; k < data->n * data->d; k++)
        c += !fmpq_is_zero(data->z + k);
    return c;
}

mpbias_status
mpbias_data_write(FILE *out, const mpbias_data_t data, mpbias_format format,
                  mpbias_err_t err)
{
    slong i, j;
    fmpq_t x;
    mpbias_status st = MPBIAS_OK;
    int last_zero = 1;

    if (format != MPBIAS_FORMAT_LIBSVM && format != MPBIAS_FORMAT_CSV)
        return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0, "unknown output format");
    /* LIBSVM leaves zeros out and readers take d from the largest index:
       when the last feature is zero in every sample, write it explicitly
       once (as "d:0" in the first sample) so that d survives the trip. */
    for (i = 0; i < data->n && last_zero && data->d > 0; i++)
        last_zero = fmpq_is_zero(mpbias_data_z(data, i, data->d - 1));
    fmpq_init(x);
    if (format == MPBIAS_FORMAT_CSV)
    {
        fputs("y", out);
        for (j = 0; j < data->d; j++)
            fprintf(out, ",x%ld", (long) j + 1);
        fputc('\n', out);
    }
    for (i = 0; i < data->n && st == MPBIAS_OK; i++)
    {
        fputs(data->y[i] > 0 ? "+1" : "-1", out);
        for (j = 0; j < data->d; j++)
        {
            char *s;
            if (format == MPBIAS_FORMAT_LIBSVM && fmpq_is_zero(mpbias_data_z(data, i, j))
                && !(last_zero && i == 0 && j == data->d - 1))
                continue;
            fmpq_set(x, mpbias_data_z(data, i, j));
            if (data->y[i] < 0)
                fmpq_neg(x, x);
            s = mpbias_fmpq_get_str_exact(x);
            if (strchr(s, '/') != NULL)
                st = _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0,
                                     "feature %ld of sample %ld is %s, which has no finite decimal "
                                     "expansion and cannot be written exactly",
                                     (long) j + 1, (long) i + 1, s);
            else if (format == MPBIAS_FORMAT_CSV)
                fprintf(out, ",%s", s);
            else
                fprintf(out, " %ld:%s", (long) j + 1, s);
            flint_free(s);
            if (st != MPBIAS_OK)
                break;
        }
        fputc('\n', out);
    }
    fmpq_clear(x);
    if (st == MPBIAS_OK && ferror(out))
        st = _mpbias_err_set(err, MPBIAS_ERR_IO, NULL, 0, 0, "write error");
    return st;
}

/* out = Z x or Z^T x exactly: _mpbias_fmpq_matvec on the data. */
void
_mpbias_data_mul(fmpq *out, const mpbias_data_t data, const fmpq *x, int transpose)
{
    _mpbias_fmpq_matvec(out, data->z, data->n, data->d, x, transpose);
}

/* out = A x (transpose = 0: m entries, x has k) or A^T x (transpose = 1:
   k entries, x has m) for A m x k row-major, exactly, with integer
   arithmetic over common denominators (one canonicalization per entry
   instead of one per term). */
void
_mpbias_fmpq_matvec(fmpq *out, const fmpq *A, slong m, slong k, const fmpq *x, int transpose)
{
    slong i, j, lx = transpose ? m : k, lo = transpose ? k : m;
    fmpz_t L, xden, t;
    fmpz *xnum, *acc;
    fmpz_init(L);
    fmpz_init(xden);
    fmpz_init(t);
    fmpz_one(L);
    for (i = 0; i < m * k; i++)
        if (!fmpz_is_one(fmpq_denref(A + i)))
            fmpz_lcm(L, L, fmpq_denref(A + i));
    xnum = _fmpz_vec_init(lx);
    acc = _fmpz_vec_init(lo);
    _fmpq_vec_get_fmpz_vec_fmpz(xnum, xden, x, lx);
    for (i = 0; i < m; i++)
        for (j = 0; j < k; j++)
        {
            const fmpq *a = A + i * k + j;
            if (fmpq_is_zero(a))
                continue;
            /* L a = num * (L / den) */
            fmpz_divexact(t, L, fmpq_denref(a));
            fmpz_mul(t, t, fmpq_numref(a));
            if (transpose)
                fmpz_addmul(acc + j, t, xnum + i);
            else
                fmpz_addmul(acc + i, t, xnum + j);
        }
    fmpz_mul(L, L, xden);
    for (i = 0; i < lo; i++)
    {
        fmpz_set(fmpq_numref(out + i), acc + i);
        fmpz_set(fmpq_denref(out + i), L);
        fmpq_canonicalise(out + i);
    }
    _fmpz_vec_clear(xnum, lx);
    _fmpz_vec_clear(acc, lo);
    fmpz_clear(L);
    fmpz_clear(xden);
    fmpz_clear(t);
}
