/*
 * candidate.c -- reading a trajectory computed elsewhere (a candidate to
 * check against the reference; doc/checking.md).
 *
 * A CSV file with a header row naming the columns.  The parser is strict
 * about what it uses (every needed value must be a full decimal literal,
 * nan or inf; rows must have as many fields as the header) and ignores
 * columns it does not know, so that a script can write extra columns.
 */
#include "config.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "mpbias-impl.h"

void
mpbias_cand_init(mpbias_cand_t c)
{
    memset(c, 0, sizeof *c);
}

static void
vec_free(mpfr_t **v, slong len)
{
    if (*v != NULL)
        _mpbias_mpfr_vec_clear(*v, len);
    *v = NULL;
}

void
mpbias_cand_clear(mpbias_cand_t c)
{
    slong nd = c->alloc * c->d;
    vec_free(&c->w, nd);
    vec_free(&c->up, nd);
    vec_free(&c->um, nd);
    vec_free(&c->log_loss, c->alloc);
    vec_free(&c->margin, c->alloc);
    if (c->time != NULL)
        _fmpq_vec_clear(c->time, c->alloc);
    free(c->step);
    free(c->line);
    mpbias_cand_init(c);
}

/* column roles */
enum { COL_IGNORE = 0, COL_STEP, COL_TIME, COL_W, COL_UP, COL_UM, COL_LOSS, COL_LOGLOSS,
       COL_LOG10LOSS, COL_MARGIN };

typedef struct
{
    int role;
    slong index;   /* 0-based coordinate for w, up, um */
} col_t;

/* [s, e) trimmed of blanks and one pair of double quotes */
static void
trim(const char **s, const char **e)
{
    while (*s < *e && isspace((unsigned char) **s))
        (*s)++;
    while (*e > *s && isspace((unsigned char) (*e)[-1]))
        (*e)--;
    if (*e - *s >= 2 && **s == '"' && (*e)[-1] == '"')
    {
        (*s)++;
        (*e)--;
    }
}

static int
name_is(const char *s, const char *e, const char *name)
{
    size_t n = strlen(name);
    return (size_t) (e - s) == n && memcmp(s, name, n) == 0;
}

/* "w_12" -> 12 (prefix without the underscore given); 0 if not of the form */
static slong
name_index(const char *s, const char *e, const char *prefix)
{
    size_t n = strlen(prefix);
    slong v = 0;
    const char *p;
    if ((size_t) (e - s) <= n + 1 || memcmp(s, prefix, n) != 0 || s[n] != '_')
        return 0;
    for (p = s + n + 1; p < e; p++)
    {
        if (!isdigit((unsigned char) *p) || v > 100000000)
            return 0;
        v = 10 * v + (*p - '0');
    }
    return v;
}

/* A value into x (rounded to x's precision): decimal literal, nan, inf. */
static int
parse_value(mpfr_t x, const char *s, const char *e)
{
    char buf[128], *end, *tmp = NULL;
    const char *src;
    size_t len = (size_t) (e - s);
    int ok;
    if (len == 0)
        return 0;
    if (len < sizeof buf)
    {
        memcpy(buf, s, len);
        buf[len] = '\0';
        src = buf;
    }
    else
    {
        if ((tmp = malloc(len + 1)) == NULL)
            return 0;
        memcpy(tmp, s, len);
        tmp[len] = '\0';
        src = tmp;
    }
    mpfr_strtofr(x, src, &end, 10, MPFR_RNDN);
    ok = end == src + len && end != src;
    free(tmp);
    return ok;
}

mpbias_status
mpbias_cand_read_buffer(mpbias_cand_t c, const char *buf, size_t len, slong d, mpfr_prec_t prec,
                        const char *name, mpbias_err_t err)
{
    const char *p = buf, *end = buf + len;
    const char *where = name != NULL ? name : "candidate";
    col_t *cols = NULL;
    slong ncol = 0, maxrows = 1, line = 0, i, nw = 0, nup = 0, num = 0;
    slong have_axis = -1;
    int *seen_w = NULL, *seen_up = NULL, *seen_um = NULL;
    mpbias_status st = MPBIAS_OK;
    mpfr_t v;
    fmpq_t q;
    mpbias_err_t e2;

    mpbias_cand_clear(c);
    snprintf(c->name, sizeof c->name, "%s", where);
    if (d < 1 || prec < 2)
        return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0, "candidate: invalid d or precision");
    for (i = 0; i < (slong) len; i++)
        maxrows += buf[i] == '\n';
    if (memchr(buf, '\0', len) != NULL)
        return _mpbias_err_set(err, MPBIAS_ERR_PARSE, where, 0, 0, "the file contains a NUL byte "
                               "(not a text CSV file)");
    mpfr_init2(v, prec);
    fmpq_init(q);
    seen_w = calloc((size_t) d, sizeof(int));
    seen_up = calloc((size_t) d, sizeof(int));
    seen_um = calloc((size_t) d, sizeof(int));
    if (seen_w == NULL || seen_up == NULL || seen_um == NULL)
    {
        st = _mpbias_err_set(err, MPBIAS_ERR_NOMEM, where, 0, 0, "out of memory");
        goto done;
    }
    c->d = d;
    c->prec = prec;
    while (p < end)
    {
        const char *le = memchr(p, '\n', (size_t) (end - p)), *s, *fe, *ls = p;
        slong f;
        if (le == NULL)
            le = end;
        line++;
        s = p;
        fe = le;
        trim(&s, &fe);
        p = le < end ? le + 1 : end;
        if (s == fe || *s == '#')
            continue;
        if (cols == NULL)
        {
            /* the header */
            const char *q0 = s;
            ncol = 1;
            for (; q0 < fe; q0++)
                ncol += *q0 == ',';
            cols = calloc((size_t) ncol, sizeof(col_t));
            if (cols == NULL)
            {
                st = _mpbias_err_set(err, MPBIAS_ERR_NOMEM, where, line, 0, "out of memory");
                goto done;
            }
            for (f = 0, q0 = s; f < ncol; f++)
            {
                const char *a = q0, *b = q0;
                slong idx;
                while (b < fe && *b != ',')
                    b++;
                q0 = b + 1;
                trim(&a, &b);
                if (name_is(a, b, "step"))
                    cols[f].role = COL_STEP;
                else if (name_is(a, b, "t") || name_is(a, b, "time"))
                    cols[f].role = COL_TIME;
                else if (name_is(a, b, "loss"))
                    cols[f].role = COL_LOSS;
                else if (name_is(a, b, "log_loss"))
                    cols[f].role = COL_LOGLOSS;
                else if (name_is(a, b, "log10_loss"))
                    cols[f].role = COL_LOG10LOSS;
                else if (name_is(a, b, "margin"))
                    cols[f].role = COL_MARGIN;
                else if ((idx = name_index(a, b, "w")) > 0 || (idx = name_index(a, b, "up")) > 0
                         || (idx = name_index(a, b, "um")) > 0)
                {
                    int role = a[0] == 'w' ? COL_W : a[1] == 'p' ? COL_UP : COL_UM;
                    int *seen = role == COL_W ? seen_w : role == COL_UP ? seen_up : seen_um;
                    if (idx > d)
                    {
                        st = _mpbias_err_set(err, MPBIAS_ERR_DATA, where, line, 0,
                                             "column '%.*s' but the data have d = %ld", (int) (b - a),
                                             a, (long) d);
                        goto done;
                    }
                    if (seen[idx - 1]++)
                    {
                        st = _mpbias_err_set(err, MPBIAS_ERR_DATA, where, line, 0,
                                             "column '%.*s' appears twice", (int) (b - a), a);
                        goto done;
                    }
                    cols[f].role = role;
                    cols[f].index = idx - 1;
                    nw += role == COL_W;
                    nup += role == COL_UP;
                    num += role == COL_UM;
                }
                else
                    cols[f].role = COL_IGNORE;
                if (cols[f].role == COL_STEP || cols[f].role == COL_TIME)
                {
                    if (have_axis >= 0)
                    {
                        st = _mpbias_err_set(err, MPBIAS_ERR_DATA, where, line, 0,
                                             "give one column 'step' (gradient descent) or one "
                                             "column 't' (gradient flow), not several");
                        goto done;
                    }
                    have_axis = cols[f].role;
                }
                if (cols[f].role >= COL_LOSS && cols[f].role <= COL_LOG10LOSS)
                {
                    if (c->loss_kind != MPBIAS_CAND_LOSS_NONE)
                    {
                        st = _mpbias_err_set(err, MPBIAS_ERR_DATA, where, line, 0,
                                             "give one loss column (loss, log_loss or log10_loss)");
                        goto done;
                    }
                    c->loss_kind = cols[f].role == COL_LOSS      ? MPBIAS_CAND_LOSS_VALUE
                                   : cols[f].role == COL_LOGLOSS ? MPBIAS_CAND_LOSS_LOG
                                                                 : MPBIAS_CAND_LOSS_LOG10;
                }
                if (cols[f].role == COL_MARGIN)
                {
                    if (c->has_margin)
                    {
                        st = _mpbias_err_set(err, MPBIAS_ERR_DATA, where, line, 0,
                                             "column 'margin' appears twice");
                        goto done;
                    }
                    c->has_margin = 1;
                }
            }
            if (have_axis < 0)
            {
                st = _mpbias_err_set(err, MPBIAS_ERR_DATA, where, line, 0,
                                     "the header has no column 'step' (gradient descent) or 't' "
                                     "(gradient flow time)");
                goto done;
            }
            if ((nw != 0 && nw != d) || (nup != 0 && nup != d) || (num != 0 && num != d)
                || (nup == 0) != (num == 0) || (nw == 0 && nup == 0))
            {
                st = _mpbias_err_set(err, MPBIAS_ERR_DATA, where, line, 0,
                                     "the header must name w_1..w_%ld, or up_1..up_%ld and "
                                     "um_1..um_%ld (or all three); found %ld w, %ld up, %ld um "
                                     "columns", (long) d, (long) d, (long) d, (long) nw, (long) nup,
                                     (long) num);
                goto done;
            }
            c->axis = have_axis == COL_STEP ? MPBIAS_CAND_STEP : MPBIAS_CAND_TIME;
            c->has_w = nw > 0;
            c->has_u = nup > 0;
            /* storage for up to maxrows rows */
            c->line = malloc((size_t) maxrows * sizeof(slong));
            if (c->axis == MPBIAS_CAND_STEP)
                c->step = malloc((size_t) maxrows * sizeof(slong));
            if (c->line == NULL || (c->axis == MPBIAS_CAND_STEP && c->step == NULL)
                || (double) maxrows * (double) d * (1 + 2 * c->has_u) > 1e8)
            {
                st = _mpbias_err_set(err, MPBIAS_ERR_NOMEM, where, 0, 0,
                                     "the candidate is too large (%ld lines, d = %ld)",
                                     (long) maxrows, (long) d);
                goto done;
            }
            if (c->axis == MPBIAS_CAND_TIME)
                c->time = _fmpq_vec_init(maxrows);
            c->alloc = maxrows;
            c->w = _mpbias_mpfr_vec_init(maxrows * d, prec);
            if (c->has_u)
            {
                c->up = _mpbias_mpfr_vec_init(maxrows * d, prec);
                c->um = _mpbias_mpfr_vec_init(maxrows * d, prec);
            }
            c->log_loss = _mpbias_mpfr_vec_init(maxrows, prec);
            c->margin = _mpbias_mpfr_vec_init(maxrows, prec);
            for (i = 0; i < maxrows * d; i++)
                mpfr_set_nan(c->w[i]);
            c->n = 0;
            continue;
        }
        /* a data row */
        {
            const char *q0 = s;
            slong row = c->n;
            for (f = 0; f < ncol; f++)
            {
                const char *a = q0, *b = q0;
                mpfr_t *dst = NULL;
                if (a > fe)
                {
                    st = _mpbias_err_set(err, MPBIAS_ERR_PARSE, where, line, 0,
                                         "%ld fields, the header has %ld", (long) f, (long) ncol);
                    goto done;
                }
                while (b < fe && *b != ',')
                    b++;
                q0 = b + 1;
                trim(&a, &b);
                switch (cols[f].role)
                {
                    case COL_IGNORE:
                        continue;
                    case COL_STEP:
                    case COL_TIME:
                        mpbias_err_clear(e2);
                        if (mpbias_decimal_parse(q, a, (size_t) (b - a), e2) != MPBIAS_OK
                            || fmpq_sgn(q) < 0
                            || (cols[f].role == COL_STEP
                                && (!fmpz_is_one(fmpq_denref(q)) || fmpz_cmp_si(fmpq_numref(q), WORD_MAX / 4) > 0)))
                        {
                            st = _mpbias_err_set(err, MPBIAS_ERR_PARSE, where, line, (long) (a - ls) + 1,
                                                 "'%.*s' is not a %s", (int) (b - a > 40 ? 40 : b - a), a,
                                                 cols[f].role == COL_STEP ? "step (an integer >= 0)"
                                                                          : "time (a number >= 0)");
                            goto done;
                        }
                        if (cols[f].role == COL_STEP)
                            c->step[row] = fmpz_get_si(fmpq_numref(q));
                        else
                            fmpq_set(c->time + row, q);
                        continue;
                    case COL_W:
                        dst = c->w + row * d + cols[f].index;
                        break;
                    case COL_UP:
                        dst = c->up + row * d + cols[f].index;
                        break;
                    case COL_UM:
                        dst = c->um + row * d + cols[f].index;
                        break;
                    case COL_MARGIN:
                        dst = c->margin + row;
                        break;
                    default:
                        dst = c->log_loss + row;
                        break;
                }
                if (!parse_value(v, a, b))
                {
                    st = _mpbias_err_set(err, MPBIAS_ERR_PARSE, where, line, (long) (a - ls) + 1,
                                         "field %ld ('%.*s') is not a number (decimal, nan or inf)",
                                         (long) f + 1, (int) (b - a > 40 ? 40 : b - a), a);
                    goto done;
                }
                if (cols[f].role == COL_LOSS)
                {
                    if (mpfr_sgn(v) < 0)
                    {
                        st = _mpbias_err_set(err, MPBIAS_ERR_DATA, where, line, 0,
                                             "a negative loss ('%.*s')", (int) (b - a > 40 ? 40 : b - a), a);
                        goto done;
                    }
                    mpfr_log(*dst, v, MPFR_RNDN);   /* log 0 = -inf, log nan = nan */
                }
                else if (cols[f].role == COL_LOG10LOSS)
                {
                    mpfr_t l10;
                    mpfr_init2(l10, prec);
                    mpfr_set_ui(l10, 10, MPFR_RNDN);
                    mpfr_log(l10, l10, MPFR_RNDN);
                    mpfr_mul(*dst, v, l10, MPFR_RNDN);
                    mpfr_clear(l10);
                }
                else
                    mpfr_set(*dst, v, MPFR_RNDN);
            }
            if (q0 <= fe)
            {
                st = _mpbias_err_set(err, MPBIAS_ERR_PARSE, where, line, 0,
                                     "more fields than the header's %ld", (long) ncol);
                goto done;
            }
            if (row > 0 && (c->axis == MPBIAS_CAND_STEP ? c->step[row] < c->step[row - 1]
                                                        : fmpq_cmp(c->time + row, c->time + row - 1) < 0))
            {
                st = _mpbias_err_set(err, MPBIAS_ERR_DATA, where, line, 0,
                                     "rows must be in nondecreasing %s order",
                                     c->axis == MPBIAS_CAND_STEP ? "step" : "time");
                goto done;
            }
            c->line[row] = line;
            c->n++;
        }
    }
    if (cols == NULL)
        st = _mpbias_err_set(err, MPBIAS_ERR_DATA, where, 0, 0, "empty candidate (no header row)");
    else if (c->n == 0)
        st = _mpbias_err_set(err, MPBIAS_ERR_DATA, where, 0, 0, "the candidate has no rows");
done:
    free(cols);
    free(seen_w);
    free(seen_up);
    free(seen_um);
    mpfr_clear(v);
    fmpq_clear(q);
    if (st != MPBIAS_OK)
        mpbias_cand_clear(c);
    return st;
}

mpbias_status
mpbias_cand_read_file(mpbias_cand_t c, const char *path, slong d, mpfr_prec_t prec, mpbias_err_t err)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long len;
    mpbias_status st;
    if (f == NULL)
        return _mpbias_err_set(err, MPBIAS_ERR_IO, path, 0, 0, "cannot open the candidate file");
    if (fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0)
    {
        fclose(f);
        return _mpbias_err_set(err, MPBIAS_ERR_IO, path, 0, 0, "cannot read the candidate file");
    }
    if ((buf = malloc((size_t) len + 1)) == NULL)
    {
        fclose(f);
        return _mpbias_err_set(err, MPBIAS_ERR_NOMEM, path, 0, 0, "out of memory");
    }
    if (fread(buf, 1, (size_t) len, f) != (size_t) len)
    {
        free(buf);
        fclose(f);
        return _mpbias_err_set(err, MPBIAS_ERR_IO, path, 0, 0, "cannot read the candidate file");
    }
    fclose(f);
    st = mpbias_cand_read_buffer(c, buf, (size_t) len, d, prec, path, err);
    free(buf);
    return st;
}
