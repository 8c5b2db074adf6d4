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

/* [s, e) trimmed of blanks */
static void
trim_blanks(const char **s, const char **e)
{
    while (*s < *e && isspace((unsigned char) **s))
        (*s)++;
    while (*e > *s && isspace((unsigned char) (*e)[-1]))
        (*e)--;
}

/* A field [s, e) trimmed of blanks and one pair of double quotes */
static void
trim(const char **s, const char **e)
{
    trim_blanks(s, e);
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

/* The reader's state while it goes through the buffer: the candidate it
   fills, where messages point (name, line), the header's columns and what
   the header declared so far. */
typedef struct
{
    mpbias_cand_struct *c;
    slong d;
    mpfr_prec_t prec;
    const char *where;
    mpbias_err_struct *err;
    slong line;                     /* the line being read (1-based)           */
    col_t *cols;                    /* the header's columns (NULL before it)   */
    slong ncol;
    slong nw, nup, num;             /* w_i, up_i, um_i columns in the header   */
    int *seen_w, *seen_up, *seen_um;   /* per coordinate: its column was seen
                                          (views of one block at seen_w) */
    slong have_axis;                /* COL_STEP or COL_TIME once seen, else -1  */
} cand_reader;

/* The role of the column named [a, b), and for w_i, up_i, um_i the
   coordinate i (1-based) in *idx. */
static int
column_role(const char *a, const char *b, slong *idx)
{
    if (name_is(a, b, "step"))
        return COL_STEP;
    if (name_is(a, b, "t") || name_is(a, b, "time"))
        return COL_TIME;
    if (name_is(a, b, "loss"))
        return COL_LOSS;
    if (name_is(a, b, "log_loss"))
        return COL_LOGLOSS;
    if (name_is(a, b, "log10_loss"))
        return COL_LOG10LOSS;
    if (name_is(a, b, "margin"))
        return COL_MARGIN;
    if ((*idx = name_index(a, b, "w")) > 0 || (*idx = name_index(a, b, "up")) > 0
        || (*idx = name_index(a, b, "um")) > 0)
        return a[0] == 'w' ? COL_W : a[1] == 'p' ? COL_UP : COL_UM;
    return COL_IGNORE;
}

/* A coordinate column (w_i, up_i or um_i, i = idx) into col: i within d,
   and each at most once. */
static mpbias_status
header_coordinate(cand_reader *rd, col_t *col, int role, slong idx, const char *a, const char *b)
{
    int *seen = role == COL_W ? rd->seen_w : role == COL_UP ? rd->seen_up : rd->seen_um;
    if (idx > rd->d)
        return _mpbias_err_set(rd->err, MPBIAS_ERR_DATA, rd->where, rd->line, 0,
                               "column '%.*s' but the data have d = %ld", (int) (b - a), a,
                               (long) rd->d);
    if (seen[idx - 1]++)
        return _mpbias_err_set(rd->err, MPBIAS_ERR_DATA, rd->where, rd->line, 0,
                               "column '%.*s' appears twice", (int) (b - a), a);
    col->role = role;
    col->index = idx - 1;
    rd->nw += role == COL_W;
    rd->nup += role == COL_UP;
    rd->num += role == COL_UM;
    return MPBIAS_OK;
}

/* The header's column [a, b) into col, and what it declares: one axis
   (step or t), at most one loss column, at most one margin column. */
static mpbias_status
header_column(cand_reader *rd, col_t *col, const char *a, const char *b)
{
    mpbias_cand_struct *c = rd->c;
    slong idx = 0;
    int role = column_role(a, b, &idx);
    mpbias_status st;
    if (role == COL_W || role == COL_UP || role == COL_UM)
    {
        if ((st = header_coordinate(rd, col, role, idx, a, b)) != MPBIAS_OK)
            return st;
    }
    else
        col->role = role;
    if (col->role == COL_STEP || col->role == COL_TIME)
    {
        if (rd->have_axis >= 0)
            return _mpbias_err_set(rd->err, MPBIAS_ERR_DATA, rd->where, rd->line, 0,
                                   "give one column 'step' (gradient descent) or one "
                                   "column 't' (gradient flow), not several");
        rd->have_axis = col->role;
    }
    if (col->role >= COL_LOSS && col->role <= COL_LOG10LOSS)
    {
        if (c->loss_kind != MPBIAS_CAND_LOSS_NONE)
            return _mpbias_err_set(rd->err, MPBIAS_ERR_DATA, rd->where, rd->line, 0,
                                   "give one loss column (loss, log_loss or log10_loss)");
        c->loss_kind = col->role == COL_LOSS      ? MPBIAS_CAND_LOSS_VALUE
                       : col->role == COL_LOGLOSS ? MPBIAS_CAND_LOSS_LOG
                                                  : MPBIAS_CAND_LOSS_LOG10;
    }
    if (col->role == COL_MARGIN)
    {
        if (c->has_margin)
            return _mpbias_err_set(rd->err, MPBIAS_ERR_DATA, rd->where, rd->line, 0,
                                   "column 'margin' appears twice");
        c->has_margin = 1;
    }
    return MPBIAS_OK;
}

/* The header row [s, fe): the column map, then the checks that need all
   columns (an axis; d columns of w, or of both up and um). */
static mpbias_status
read_header(cand_reader *rd, const char *s, const char *fe)
{
    mpbias_cand_struct *c = rd->c;
    slong d = rd->d, f;
    const char *q0 = s;
    mpbias_status st;
    rd->ncol = 1;
    for (; q0 < fe; q0++)
        rd->ncol += *q0 == ',';
    rd->cols = calloc((size_t) rd->ncol, sizeof(col_t));
    if (rd->cols == NULL)
        return _mpbias_err_set(rd->err, MPBIAS_ERR_NOMEM, rd->where, rd->line, 0, "out of memory");
    for (f = 0, q0 = s; f < rd->ncol; f++)
    {
        const char *a = q0, *b = q0;
        while (b < fe && *b != ',')
            b++;
        q0 = b + 1;
        trim(&a, &b);
        if ((st = header_column(rd, rd->cols + f, a, b)) != MPBIAS_OK)
            return st;
    }
    if (rd->have_axis < 0)
        return _mpbias_err_set(rd->err, MPBIAS_ERR_DATA, rd->where, rd->line, 0,
                               "the header has no column 'step' (gradient descent) or 't' "
                               "(gradient flow time)");
    if ((rd->nw != 0 && rd->nw != d) || (rd->nup != 0 && rd->nup != d)
        || (rd->num != 0 && rd->num != d) || (rd->nup == 0) != (rd->num == 0)
        || (rd->nw == 0 && rd->nup == 0))
        return _mpbias_err_set(rd->err, MPBIAS_ERR_DATA, rd->where, rd->line, 0,
                               "the header must name w_1..w_%ld, or up_1..up_%ld and "
                               "um_1..um_%ld (or all three); found %ld w, %ld up, %ld um "
                               "columns", (long) d, (long) d, (long) d, (long) rd->nw,
                               (long) rd->nup, (long) rd->num);
    c->axis = rd->have_axis == COL_STEP ? MPBIAS_CAND_STEP : MPBIAS_CAND_TIME;
    c->has_w = rd->nw > 0;
    c->has_u = rd->nup > 0;
    return MPBIAS_OK;
}

/* Storage for up to maxrows rows (w set to NaN: absent until read). */
static mpbias_status
alloc_rows(cand_reader *rd, slong maxrows)
{
    mpbias_cand_struct *c = rd->c;
    slong d = rd->d, i;
    c->line = malloc((size_t) maxrows * sizeof(slong));
    if (c->axis == MPBIAS_CAND_STEP)
        c->step = malloc((size_t) maxrows * sizeof(slong));
    if (c->line == NULL || (c->axis == MPBIAS_CAND_STEP && c->step == NULL)
        || (double) maxrows * (double) d * (1 + 2 * c->has_u) > 1e8)
        return _mpbias_err_set(rd->err, MPBIAS_ERR_NOMEM, rd->where, 0, 0,
                               "the candidate is too large (%ld lines, d = %ld)", (long) maxrows,
                               (long) d);
    if (c->axis == MPBIAS_CAND_TIME)
        c->time = _fmpq_vec_init(maxrows);
    c->alloc = maxrows;
    c->w = _mpbias_mpfr_vec_init(maxrows * d, rd->prec);
    if (c->has_u)
    {
        c->up = _mpbias_mpfr_vec_init(maxrows * d, rd->prec);
        c->um = _mpbias_mpfr_vec_init(maxrows * d, rd->prec);
    }
    c->log_loss = _mpbias_mpfr_vec_init(maxrows, rd->prec);
    c->margin = _mpbias_mpfr_vec_init(maxrows, rd->prec);
    for (i = 0; i < maxrows * d; i++)
        mpfr_set_nan(c->w[i]);
    c->n = 0;
    return MPBIAS_OK;
}

/* The step or time [a, b) of row `row` (role COL_STEP or COL_TIME): an
   integer >= 0, or an exact decimal >= 0. */
static mpbias_status
read_axis(cand_reader *rd, int role, slong row, const char *a, const char *b, const char *ls)
{
    mpbias_cand_struct *c = rd->c;
    mpbias_status st = MPBIAS_OK;
    mpbias_err_t e2;
    fmpq_t q;
    fmpq_init(q);
    mpbias_err_clear(e2);
    if (mpbias_decimal_parse(q, a, (size_t) (b - a), e2) != MPBIAS_OK || fmpq_sgn(q) < 0
        || (role == COL_STEP
            && (!fmpz_is_one(fmpq_denref(q)) || fmpz_cmp_si(fmpq_numref(q), WORD_MAX / 4) > 0)))
        st = _mpbias_err_set(rd->err, MPBIAS_ERR_PARSE, rd->where, rd->line, (long) (a - ls) + 1,
                             "'%.*s' is not a %s", (int) (b - a > 40 ? 40 : b - a), a,
                             role == COL_STEP ? "step (an integer >= 0)" : "time (a number >= 0)");
    else if (role == COL_STEP)
        c->step[row] = fmpz_get_si(fmpq_numref(q));
    else
        fmpq_set(c->time + row, q);
    fmpq_clear(q);
    return st;
}

/* The number [a, b) of field f into dst, rounded to the candidate's
   precision (ls: the start of its line); a loss (role COL_LOSS, >= 0) or
   a log10 loss (COL_LOG10LOSS) as its natural logarithm. */
static mpbias_status
read_number(cand_reader *rd, mpfr_ptr dst, int role, slong f, const char *a, const char *b,
            const char *ls)
{
    mpbias_status st = MPBIAS_OK;
    mpfr_t v;
    mpfr_init2(v, rd->prec);
    if (!parse_value(v, a, b))
        st = _mpbias_err_set(rd->err, MPBIAS_ERR_PARSE, rd->where, rd->line, (long) (a - ls) + 1,
                             "field %ld ('%.*s') is not a number (decimal, nan or inf)",
                             (long) f + 1, (int) (b - a > 40 ? 40 : b - a), a);
    else if (role == COL_LOSS && mpfr_sgn(v) < 0)
        st = _mpbias_err_set(rd->err, MPBIAS_ERR_DATA, rd->where, rd->line, 0,
                             "a negative loss ('%.*s')", (int) (b - a > 40 ? 40 : b - a), a);
    else if (role == COL_LOSS)
        mpfr_log(dst, v, MPFR_RNDN);   /* log 0 = -inf, log nan = nan */
    else if (role == COL_LOG10LOSS)
    {
        mpfr_t l10;
        mpfr_init2(l10, rd->prec);
        mpfr_set_ui(l10, 10, MPFR_RNDN);
        mpfr_log(l10, l10, MPFR_RNDN);
        mpfr_mul(dst, v, l10, MPFR_RNDN);
        mpfr_clear(l10);
    }
    else
        mpfr_set(dst, v, MPFR_RNDN);
    mpfr_clear(v);
    return st;
}

/* Field f, [a, b), of row `row` (ls: the start of its line): stored
   where its column's role says. */
static mpbias_status
read_field(cand_reader *rd, slong f, slong row, const char *a, const char *b, const char *ls)
{
    mpbias_cand_struct *c = rd->c;
    const col_t *col = rd->cols + f;
    slong d = rd->d;
    mpfr_t *dst;
    switch (col->role)
    {
        case COL_IGNORE:
            return MPBIAS_OK;
        case COL_STEP:
        case COL_TIME:
            return read_axis(rd, col->role, row, a, b, ls);
        case COL_W:
            dst = c->w + row * d + col->index;
            break;
        case COL_UP:
            dst = c->up + row * d + col->index;
            break;
        case COL_UM:
            dst = c->um + row * d + col->index;
            break;
        case COL_MARGIN:
            dst = c->margin + row;
            break;
        default:
            dst = c->log_loss + row;
            break;
    }
    return read_number(rd, *dst, col->role, f, a, b, ls);
}

/* A data row [s, fe) (ls: the start of its line): as many fields as the
   header has columns, and the axis nondecreasing. */
static mpbias_status
read_row(cand_reader *rd, const char *s, const char *fe, const char *ls)
{
    mpbias_cand_struct *c = rd->c;
    const char *q0 = s;
    slong row = c->n, f;
    mpbias_status st;
    for (f = 0; f < rd->ncol; f++)
    {
        const char *a = q0, *b = q0;
        if (a > fe)
            return _mpbias_err_set(rd->err, MPBIAS_ERR_PARSE, rd->where, rd->line, 0,
                                   "%ld fields, the header has %ld", (long) f, (long) rd->ncol);
        while (b < fe && *b != ',')
            b++;
        q0 = b + 1;
        trim(&a, &b);
        if ((st = read_field(rd, f, row, a, b, ls)) != MPBIAS_OK)
            return st;
    }
    if (q0 <= fe)
        return _mpbias_err_set(rd->err, MPBIAS_ERR_PARSE, rd->where, rd->line, 0,
                               "more fields than the header's %ld", (long) rd->ncol);
    if (row > 0 && (c->axis == MPBIAS_CAND_STEP ? c->step[row] < c->step[row - 1]
                                                : fmpq_cmp(c->time + row, c->time + row - 1) < 0))
        return _mpbias_err_set(rd->err, MPBIAS_ERR_DATA, rd->where, rd->line, 0,
                               "rows must be in nondecreasing %s order",
                               c->axis == MPBIAS_CAND_STEP ? "step" : "time");
    c->line[row] = rd->line;
    c->n++;
    return MPBIAS_OK;
}

/* Every line of [buf, end): blank lines and '#' comments skipped, the
   first other line the header, the rest data rows (maxrows bounds them). */
static mpbias_status
read_lines(cand_reader *rd, const char *buf, const char *end, slong maxrows)
{
    const char *p = buf;
    mpbias_status st = MPBIAS_OK;
    while (p < end && st == MPBIAS_OK)
    {
        const char *le = memchr(p, '\n', (size_t) (end - p)), *s, *fe, *ls = p;
        if (le == NULL)
            le = end;
        rd->line++;
        s = p;
        fe = le;
        trim_blanks(&s, &fe);   /* a line: its fields' quotes are theirs */
        p = le < end ? le + 1 : end;
        if (s == fe || *s == '#')
            continue;
        if (rd->cols == NULL)
        {
            st = read_header(rd, s, fe);
            if (st == MPBIAS_OK)
                st = alloc_rows(rd, maxrows);
        }
        else
            st = read_row(rd, s, fe, ls);
    }
    if (st != MPBIAS_OK)
        return st;
    if (rd->cols == NULL)
        return _mpbias_err_set(rd->err, MPBIAS_ERR_DATA, rd->where, 0, 0,
                               "empty candidate (no header row)");
    if (rd->c->n == 0)
        return _mpbias_err_set(rd->err, MPBIAS_ERR_DATA, rd->where, 0, 0,
                               "the candidate has no rows");
    return MPBIAS_OK;
}

/* The reader of a candidate c of dimension d at precision prec; returns
   0 when out of memory (then clear it anyway). */
static int
reader_init(cand_reader *rd, mpbias_cand_struct *c, slong d, mpfr_prec_t prec, const char *where,
            mpbias_err_struct *err)
{
    memset(rd, 0, sizeof *rd);
    rd->c = c;
    rd->d = d;
    rd->prec = prec;
    rd->where = where;
    rd->err = err;
    rd->have_axis = -1;
    rd->seen_w = calloc((size_t) (3 * d), sizeof(int));   /* one block: w, up, um */
    if (rd->seen_w == NULL)
        return 0;
    rd->seen_up = rd->seen_w + d;
    rd->seen_um = rd->seen_up + d;
    return 1;
}

static void
reader_clear(cand_reader *rd)
{
    free(rd->seen_w);
    free(rd->cols);
}

mpbias_status
mpbias_cand_read_buffer(mpbias_cand_t c, const char *buf, size_t len, slong d, mpfr_prec_t prec,
                        const char *name, mpbias_err_t err)
{
    const char *where = name != NULL ? name : "candidate";
    slong maxrows = 1, i;
    mpbias_status st;
    cand_reader rd;

    mpbias_cand_clear(c);
    snprintf(c->name, sizeof c->name, "%s", where);
    if (d < 1 || prec < 2)
        return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0, "candidate: invalid d or precision");
    for (i = 0; i < (slong) len; i++)
        maxrows += buf[i] == '\n';
    if (memchr(buf, '\0', len) != NULL)
        return _mpbias_err_set(err, MPBIAS_ERR_PARSE, where, 0, 0, "the file contains a NUL byte "
                               "(not a text CSV file)");
    if (!reader_init(&rd, c, d, prec, where, err))
        st = _mpbias_err_set(err, MPBIAS_ERR_NOMEM, where, 0, 0, "out of memory");
    else
    {
        c->d = d;
        c->prec = prec;
        st = read_lines(&rd, buf, buf + len, maxrows);
    }
    reader_clear(&rd);
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
