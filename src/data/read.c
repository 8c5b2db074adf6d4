/*
 * read.c -- reading datasets from LIBSVM/SVMlight and CSV text, exactly.
 *
 * Both readers collect the nonzero entries as (row, column, rational)
 * triplets while they scan, then check the dense size against the limit
 * and build the dataset.  Every refusal names FILE:LINE:COL.
 */
#include "config.h"
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "mpbias-impl.h"

typedef struct
{
    slong row;
    slong col;
    fmpq_t v;
} triplet;

typedef struct
{
    const char *name;          /* for messages */
    const char *buf;
    size_t len;
    size_t pos;
    long lineno;
    /* collected data */
    triplet *t;
    slong nt, alloct;
    int *y;
    long *lines;
    slong n, allocn;
    slong d;
    long dline, dcol;          /* where the largest index (or widest row) was seen */
    slong label_col;           /* CSV: the label's field (0-based) */
    int label_named;           /* CSV: the header or the options chose it */
    mpbias_err_struct *err;
} reader;

static void
reader_free(reader *r)
{
    slong i;
    for (i = 0; i < r->nt; i++)
        fmpq_clear(r->t[i].v);
    free(r->t);
    free(r->y);
    free(r->lines);
}

/* Next line (without its end-of-line characters); 0 at end of input. */
static int
next_line(reader *r, const char **line, size_t *llen)
{
    size_t s, e;
    if (r->pos >= r->len)
        return 0;
    s = r->pos;
    e = s;
    while (e < r->len && r->buf[e] != '\n')
        e++;
    r->pos = (e < r->len) ? e + 1 : e;
    r->lineno++;
    if (e > s && r->buf[e - 1] == '\r')
        e--;
    *line = r->buf + s;
    *llen = e - s;
    return 1;
}

static int
is_blank(int c)
{
    return c == ' ' || c == '\t';
}

/* A line with nothing but blanks, or whose first non-blank is '#'. */
static int
skippable(const char *line, size_t len)
{
    size_t i = 0;
    while (i < len && is_blank(line[i]))
        i++;
    return i == len || line[i] == '#';
}

static mpbias_status
add_sample(reader *r, int label)
{
    if (r->n == r->allocn)
    {
        slong na = r->allocn ? 2 * r->allocn : 64;
        int *y = realloc(r->y, (size_t) na * sizeof(int));
        long *l;
        if (y == NULL)
            goto nomem;
        r->y = y;
        l = realloc(r->lines, (size_t) na * sizeof(long));
        if (l == NULL)
            goto nomem;
        r->lines = l;
        r->allocn = na;
    }
    r->y[r->n] = label;
    r->lines[r->n] = r->lineno;
    r->n++;
    return MPBIAS_OK;
nomem:
    return _mpbias_err_set(r->err, MPBIAS_ERR_NOMEM, r->name, r->lineno, 0, "out of memory");
}

/* Store value q (moved out of q) at column col of the current sample. */
static mpbias_status
add_entry(reader *r, slong col, fmpq_t q)
{
    if (r->nt == r->alloct)
    {
        slong na = r->alloct ? 2 * r->alloct : 256;
        triplet *t;
        if (!_mpbias_size_ok(na, 1, sizeof(triplet), 0)
            || (t = realloc(r->t, (size_t) na * sizeof(triplet))) == NULL)
            return _mpbias_err_set(r->err, MPBIAS_ERR_NOMEM, r->name, r->lineno, 0, "out of memory");
        r->t = t;
        r->alloct = na;
    }
    r->t[r->nt].row = r->n - 1;
    r->t[r->nt].col = col;
    fmpq_init(r->t[r->nt].v);
    fmpq_swap(r->t[r->nt].v, q);
    r->nt++;
    return MPBIAS_OK;
}

/* Parse a number at line position col0 (0-based) of length len; on
   failure re-anchor the parser's message at FILE:LINE:COL. */
static mpbias_status
parse_value(reader *r, fmpq_t q, const char *s, size_t len, size_t col0,
            const char *what)
{
    mpbias_err_t e;
    mpbias_status st;
    mpbias_err_clear(e);
    st = mpbias_decimal_parse(q, s, len, e);
    if (st != MPBIAS_OK)
        return _mpbias_err_set(r->err, st, r->name, r->lineno, (long) col0 + e->col,
                               "%s%s", what, e->msg);
    return MPBIAS_OK;
}

static mpbias_status
parse_label(reader *r, int *label, const char *s, size_t len, size_t col0)
{
    fmpq_t q;
    mpbias_err_t e;
    int ok;
    fmpq_init(q);
    mpbias_err_clear(e);
    ok = (mpbias_decimal_parse(q, s, len, e) == MPBIAS_OK)
         && fmpz_is_one(fmpq_denref(q)) && fmpz_is_pm1(fmpq_numref(q));
    *label = ok ? fmpz_sgn(fmpq_numref(q)) : 0;
    fmpq_clear(q);
    if (!ok)
        return _mpbias_err_set(r->err, MPBIAS_ERR_DATA, r->name, r->lineno, (long) col0 + 1,
                               "label '%.*s' is not +1 or -1", (int) (len > 64 ? 64 : len), s);
    return MPBIAS_OK;
}

/* ---- LIBSVM / SVMlight ------------------------------------------------ */

static mpbias_status
parse_libsvm_line(reader *r, const char *line, size_t len)
{
    size_t i = 0, s;
    int label;
    slong prev = 0;
    mpbias_status st;
    fmpq_t q;

    /* a trailing comment ends the line */
    for (s = 0; s < len; s++)
        if (line[s] == '#')
        {
            len = s;
            break;
        }
    while (i < len && is_blank(line[i]))
        i++;
    s = i;
    while (i < len && !is_blank(line[i]))
        i++;
    if ((st = parse_label(r, &label, line + s, i - s, s)) != MPBIAS_OK)
        return st;
    if ((st = add_sample(r, label)) != MPBIAS_OK)
        return st;

    fmpq_init(q);
    for (;;)
    {
        size_t c, k;
        slong idx = 0;
        while (i < len && is_blank(line[i]))
            i++;
        if (i >= len)
            break;
        s = i;
        while (i < len && !is_blank(line[i]))
            i++;
        for (c = s; c < i && line[c] != ':'; c++)
            ;
        if (c == i)
        {
            st = _mpbias_err_set(r->err, MPBIAS_ERR_PARSE, r->name, r->lineno, (long) s + 1,
                                 "'%.*s' is not an index:value pair", (int) (i - s > 64 ? 64 : i - s),
                                 line + s);
            break;
        }
        if (c == s)
        {
            st = _mpbias_err_set(r->err, MPBIAS_ERR_PARSE, r->name, r->lineno, (long) s + 1,
                                 "missing feature index before ':'");
            break;
        }
        for (k = s; k < c; k++)
        {
            if (line[k] < '0' || line[k] > '9')
            {
                st = _mpbias_err_set(r->err, MPBIAS_ERR_PARSE, r->name, r->lineno, (long) k + 1,
                                     "feature index '%.*s' is not a positive integer",
                                     (int) (c - s > 64 ? 64 : c - s), line + s);
                goto done;
            }
            if (idx > (WORD_MAX - 9) / 10)
            {
                st = _mpbias_err_set(r->err, MPBIAS_ERR_NOMEM, r->name, r->lineno, (long) s + 1,
                                     "feature index '%.*s' is too large: the dimension would be "
                                     "beyond what memory allows", (int) (c - s > 64 ? 64 : c - s),
                                     line + s);
                goto done;
            }
            idx = 10 * idx + (line[k] - '0');
        }
        if (idx == 0)
        {
            st = _mpbias_err_set(r->err, MPBIAS_ERR_PARSE, r->name, r->lineno, (long) s + 1,
                                 "feature index 0: LIBSVM indices start at 1");
            break;
        }
        if (idx == prev)
        {
            st = _mpbias_err_set(r->err, MPBIAS_ERR_PARSE, r->name, r->lineno, (long) s + 1,
                                 "feature index %ld is repeated", (long) idx);
            break;
        }
        if (idx < prev)
        {
            st = _mpbias_err_set(r->err, MPBIAS_ERR_PARSE, r->name, r->lineno, (long) s + 1,
                                 "feature index %ld comes after %ld: indices must be strictly increasing",
                                 (long) idx, (long) prev);
            break;
        }
        prev = idx;
        if ((st = parse_value(r, q, line + c + 1, i - c - 1, c + 1, "")) != MPBIAS_OK)
            break;
        if (idx > r->d)
        {
            r->d = idx;
            r->dline = r->lineno;
            r->dcol = (long) s + 1;
        }
        if (!fmpq_is_zero(q) && (st = add_entry(r, idx - 1, q)) != MPBIAS_OK)
            break;
    }
done:
    fmpq_clear(q);
    return st;
}

/* ---- CSV ------------------------------------------------------------ */

/* Split off the next comma-separated field starting at *i; returns its
   trimmed bounds [*fs, *fe) and advances *i past the comma.  Returns 0
   when the line is exhausted. */
static int
next_field(const char *line, size_t len, size_t *i, size_t *fs, size_t *fe, int *more)
{
    size_t s = *i, e;
    if (*i > len)
        return 0;
    e = s;
    while (e < len && line[e] != ',')
        e++;
    *more = (e < len);
    *i = e + 1;
    while (s < e && is_blank(line[s]))
        s++;
    while (e > s && is_blank(line[e - 1]))
        e--;
    if (e - s >= 2 && line[s] == '"' && line[e - 1] == '"')
        s++, e--;
    *fs = s;
    *fe = e;
    return 1;
}

static slong
count_fields(const char *line, size_t len)
{
    slong c = 1;
    size_t i;
    for (i = 0; i < len; i++)
        c += (line[i] == ',');
    return c;
}

static mpbias_status
parse_csv_line(reader *r, const char *line, size_t len, slong nfields, long fline)
{
    size_t i = 0, fs, fe;
    int more, label;
    slong col = 0, k, got = count_fields(line, len);
    mpbias_status st = MPBIAS_OK;
    fmpq_t q;

    if (got != nfields)
        return _mpbias_err_set(r->err, MPBIAS_ERR_PARSE, r->name, r->lineno, 1,
                               "ragged row: %ld fields where line %ld has %ld",
                               (long) got, fline, (long) nfields);
    /* the label first (a sample starts with it), wherever it stands */
    for (k = 0; k <= r->label_col; k++)
        next_field(line, len, &i, &fs, &fe, &more);
    if ((st = parse_label(r, &label, line + fs, fe - fs, fs)) != MPBIAS_OK)
    {
        if (!r->label_named)
            _mpbias_err_set(r->err, MPBIAS_ERR_DATA, r->name, r->lineno, (long) fs + 1,
                            "label '%.*s' is not +1 or -1 (the first column is read as the "
                            "label: name the label column y, label, target or class in a header "
                            "row, or pass --label-column NAME|INDEX; labels 0/1 must be mapped to "
                            "-1/+1)", (int) (fe - fs > 64 ? 64 : fe - fs), line + fs);
        return st;
    }
    if ((st = add_sample(r, label)) != MPBIAS_OK)
        return st;
    fmpq_init(q);
    i = 0;
    for (k = 0, more = 1; more && next_field(line, len, &i, &fs, &fe, &more); k++)
    {
        if (k == r->label_col)
            continue;
        if ((st = parse_value(r, q, line + fs, fe - fs, fs, "")) != MPBIAS_OK)
            break;
        if (!fmpq_is_zero(q) && (st = add_entry(r, col, q)) != MPBIAS_OK)
            break;
        col++;
    }
    fmpq_clear(q);
    return st;
}

static int
field_is(const char *f, size_t n, const char *name)
{
    size_t k;
    for (k = 0; k < n; k++)
        if (name[k] == '\0' || tolower((unsigned char) f[k]) != tolower((unsigned char) name[k]))
            return 0;
    return name[n] == '\0';
}

/* The label column of a CSV file from its header row (NULL: none) and the
   option; sets r->label_col and r->label_named. */
static mpbias_status
csv_label_column(reader *r, const char *hdr, size_t hlen, slong nfields, const char *opt)
{
    static const char *const names[] = { "y", "label", "target", "class", NULL };
    size_t i = 0, fs, fe;
    int more = 1, j;
    slong k, found = -1;
    r->label_col = 0;
    r->label_named = 0;
    if (opt != NULL && opt[0] != '\0')
    {
        char *end;
        long v = strtol(opt, &end, 10);
        if (*end == '\0' && opt[0] >= '0' && opt[0] <= '9')
        {
            if (v < 1 || v > nfields)
                return _mpbias_err_set(r->err, MPBIAS_ERR_ARG, r->name, 0, 0,
                                       "label column %s: the rows have %ld columns", opt,
                                       (long) nfields);
            r->label_col = v - 1;
            r->label_named = 1;
            return MPBIAS_OK;
        }
        if (hdr == NULL)
            return _mpbias_err_set(r->err, MPBIAS_ERR_ARG, r->name, 0, 0,
                                   "label column '%s': the file has no header row to name it "
                                   "(give its 1-based index)", opt);
        for (k = 0; more && next_field(hdr, hlen, &i, &fs, &fe, &more); k++)
            if (field_is(hdr + fs, fe - fs, opt))
            {
                r->label_col = k;
                r->label_named = 1;
                return MPBIAS_OK;
            }
        return _mpbias_err_set(r->err, MPBIAS_ERR_ARG, r->name, 0, 0,
                               "label column '%s': no such column in the header row", opt);
    }
    if (hdr == NULL)
        return MPBIAS_OK;
    for (k = 0; more && next_field(hdr, hlen, &i, &fs, &fe, &more); k++)
        for (j = 0; names[j] != NULL; j++)
            if (field_is(hdr + fs, fe - fs, names[j]))
            {
                if (found >= 0)
                    return _mpbias_err_set(r->err, MPBIAS_ERR_DATA, r->name, r->lineno,
                                           (long) fs + 1,
                                           "the header names two label columns (%ld and %ld): "
                                           "pass --label-column NAME|INDEX", (long) found + 1,
                                           (long) k + 1);
                found = k;
            }
    if (found >= 0)
    {
        r->label_col = found;
        r->label_named = 1;
    }
    return MPBIAS_OK;
}

static mpbias_format
guess_format(const char *name, const char *buf, size_t len)
{
    const char *dot = name ? strrchr(name, '.') : NULL;
    size_t i, s = 0;
    if (dot != NULL)
    {
        if (strcmp(dot, ".csv") == 0 || strcmp(dot, ".CSV") == 0)
            return MPBIAS_FORMAT_CSV;
        if (strcmp(dot, ".svm") == 0 || strcmp(dot, ".libsvm") == 0
            || strcmp(dot, ".svmlight") == 0)
            return MPBIAS_FORMAT_LIBSVM;
    }
    /* first content line: ':' means LIBSVM, ',' means CSV */
    while (s < len)
    {
        size_t e = s;
        while (e < len && buf[e] != '\n')
            e++;
        /* a CRLF line end is not content: "\r\n" is a blank line */
        if (e > s && buf[e - 1] == '\r')
            e--;
        if (!skippable(buf + s, e - s))
        {
            for (i = s; i < e; i++)
                if (buf[i] == ':')
                    return MPBIAS_FORMAT_LIBSVM;
            for (i = s; i < e; i++)
                if (buf[i] == ',')
                    return MPBIAS_FORMAT_CSV;
            return MPBIAS_FORMAT_LIBSVM;
        }
        while (e < len && buf[e] != '\n')
            e++;
        s = e + 1;
    }
    return MPBIAS_FORMAT_LIBSVM;
}

mpbias_status
mpbias_data_read_buffer(mpbias_data_t data, const char *buf, size_t len,
                        const char *name, const mpbias_read_opts *opts,
                        mpbias_err_t err)
{
    reader r;
    mpbias_read_opts defaults;
    mpbias_format fmt;
    mpbias_status st = MPBIAS_OK;
    const char *line;
    size_t llen;
    slong nfields = -1, k;
    long fline = 0, header_line = 0;

    if (opts == NULL)
    {
        mpbias_read_opts_init(&defaults);
        opts = &defaults;
    }
    if (name == NULL)
        name = "<input>";
    memset(&r, 0, sizeof r);
    r.name = name;
    r.buf = buf;
    r.len = len;
    r.err = err;
    fmt = (opts->format == MPBIAS_FORMAT_AUTO) ? guess_format(name, buf, len) : opts->format;
    if (fmt == MPBIAS_FORMAT_LIBSVM && opts->label_column != NULL)
        return _mpbias_err_set(err, MPBIAS_ERR_ARG, name, 0, 0,
                               "a label column is chosen only in CSV files (LIBSVM labels come "
                               "first)");

    while (st == MPBIAS_OK && next_line(&r, &line, &llen))
    {
        if (skippable(line, llen))
            continue;
        if (fmt == MPBIAS_FORMAT_LIBSVM)
            st = parse_libsvm_line(&r, line, llen);
        else
        {
            if (nfields < 0)
            {
                size_t i = 0, fs, fe;
                int more;
                fmpq_t q;
                mpbias_err_t e;
                nfields = count_fields(line, llen);
                fline = r.lineno;
                if (nfields < 2)
                {
                    st = _mpbias_err_set(err, MPBIAS_ERR_PARSE, name, r.lineno, 1,
                                         "CSV row has no features: expected label,x1,...,xd");
                    break;
                }
                /* a header row: no field of the first row is a number */
                fmpq_init(q);
                header_line = r.lineno;
                more = 1;
                while (more && next_field(line, llen, &i, &fs, &fe, &more))
                {
                    mpbias_err_clear(e);
                    if (mpbias_decimal_parse(q, line + fs, fe - fs, e) == MPBIAS_OK)
                        header_line = 0;
                }
                fmpq_clear(q);
                st = csv_label_column(&r, header_line ? line : NULL, llen, nfields,
                                      opts->label_column);
                if (st != MPBIAS_OK || header_line)
                    continue;
            }
            st = parse_csv_line(&r, line, llen, nfields, fline);
        }
    }

    if (st == MPBIAS_OK && r.n == 0)
        st = _mpbias_err_set(err, MPBIAS_ERR_DATA, name, 0, 0, "%s",
                             header_line ? "no samples after the header row"
                             : r.lineno == 0 ? "empty file: no samples"
                             : "no samples: the file has only comments and blank lines");
    if (st == MPBIAS_OK && fmt == MPBIAS_FORMAT_CSV)
        r.d = nfields - 1;
    if (st == MPBIAS_OK && r.d == 0)
        st = _mpbias_err_set(err, MPBIAS_ERR_DATA, name, r.lines[0], 0,
                             "no features: every sample is zero");
    if (st == MPBIAS_OK && !_mpbias_size_ok(r.n, r.d, sizeof(fmpq), opts->max_bytes))
        st = _mpbias_err_set(err, MPBIAS_ERR_NOMEM, name,
                             fmt == MPBIAS_FORMAT_LIBSVM ? r.dline : fline,
                             fmt == MPBIAS_FORMAT_LIBSVM ? r.dcol : 0,
                             "%ld samples x %ld features is beyond what memory allows "
                             "(dense storage limit %zu bytes)", (long) r.n, (long) r.d,
                             opts->max_bytes ? opts->max_bytes : (size_t) SIZE_MAX);
    if (st == MPBIAS_OK)
        st = _mpbias_data_alloc(data, r.n, r.d, opts->max_bytes, name, err);
    if (st == MPBIAS_OK)
    {
        memcpy(data->y, r.y, (size_t) r.n * sizeof(int));
        for (k = 0; k < r.nt; k++)
        {
            fmpq *z = mpbias_data_z(data, r.t[k].row, r.t[k].col);
            fmpq_swap(z, r.t[k].v);
            if (data->y[r.t[k].row] < 0)
                fmpq_neg(z, z);
        }
        st = _mpbias_data_validate_at(data, r.lines, err);
        if (st != MPBIAS_OK)
            mpbias_data_clear(data);
    }
    reader_free(&r);
    return st;
}

mpbias_status
mpbias_data_read_file(mpbias_data_t data, const char *path,
                      const mpbias_read_opts *opts, mpbias_err_t err)
{
    FILE *f;
    char *buf = NULL;
    size_t len = 0, cap = 0;
    mpbias_status st;

    f = fopen(path, "rb");
    if (f == NULL)
        return _mpbias_err_set(err, MPBIAS_ERR_IO, path, 0, 0, "cannot open: %s", strerror(errno));
    for (;;)
    {
        size_t got;
        if (len == cap)
        {
            size_t nc = cap ? 2 * cap : 65536;
            char *nb = (nc > cap) ? realloc(buf, nc) : NULL;
            if (nb == NULL)
            {
                free(buf);
                fclose(f);
                return _mpbias_err_set(err, MPBIAS_ERR_NOMEM, path, 0, 0,
                                       "out of memory reading the file");
            }
            buf = nb;
            cap = nc;
        }
        got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0)
            break;
    }
    if (ferror(f))
    {
        int e = errno;
        free(buf);
        fclose(f);
        return _mpbias_err_set(err, MPBIAS_ERR_IO, path, 0, 0, "cannot read: %s", strerror(e));
    }
    fclose(f);
    st = mpbias_data_read_buffer(data, buf, len, path, opts, err);
    free(buf);
    return st;
}

void
mpbias_read_opts_init(mpbias_read_opts *opts)
{
    opts->format = MPBIAS_FORMAT_AUTO;
    opts->max_bytes = 0;
    opts->label_column = NULL;
}
