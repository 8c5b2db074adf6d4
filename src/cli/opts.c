/*
 * opts.c -- option helpers shared by the mpbias commands: messages,
 * strict number parsing, and loading a dataset from --data/--example.
 */
#include "config.h"
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"

void
cli_error(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", PROG);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int
cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", PROG);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry '%s%s%s --help' for more information.\n", PROG,
            cmd ? " " : "", cmd ? cmd : "");
    return EXIT_USAGE;
}

/* Optimal string alignment distance (Levenshtein plus adjacent
   transpositions) between a and b, capped: returns cap + 1 as soon as the
   distance is known to exceed cap.  Strings longer than 63 characters are
   never close to an option name. */
static int
edit_distance(const char *a, const char *b, int cap)
{
    int la = (int) strlen(a), lb = (int) strlen(b), i, j;
    int d[64][64];
    if (la > 63 || lb > 63 || abs(la - lb) > cap)
        return cap + 1;
    for (i = 0; i <= la; i++)
        d[i][0] = i;
    for (j = 0; j <= lb; j++)
        d[0][j] = j;
    for (i = 1; i <= la; i++)
        for (j = 1; j <= lb; j++)
        {
            int v = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1 < v)
                v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v)
                v = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]
                && d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
        }
    return d[la][lb] > cap ? cap + 1 : d[la][lb];
}

const char *
cli_suggest(const char *word, const char *const *cands, int ncands)
{
    int i, best = -1, bestd, cap, len = (int) strlen(word);
    /* a typo: about one edit per three characters, at most three */
    cap = len / 3;
    if (cap < 1)
        cap = 1;
    if (cap > 3)
        cap = 3;
    bestd = cap + 1;
    for (i = 0; i < ncands; i++)
    {
        int dd = edit_distance(word, cands[i], cap);
        if (dd < bestd)
        {
            bestd = dd;
            best = i;
        }
    }
    return best >= 0 ? cands[best] : NULL;
}

int
cli_getopt_error(const char *cmd, int c, char **argv, const struct option *longopts)
{
    const char *arg = argv[optind - 1], *names[128], *hit;
    char word[128];
    int n = 0, nprefix = 0;
    size_t len;
    if (c == ':')
        return cli_usage_error(cmd, "option '%s' requires an argument", arg);
    /* optopt is the offending character of a short option (which may sit
       inside a group such as -xy, so argv[optind - 1] is not necessarily
       it); 0 for an unknown long option. */
    if (optopt != 0)
        return cli_usage_error(cmd, "unknown option '-%c'", optopt);
    if (strncmp(arg, "--", 2) != 0 || longopts == NULL)
        return cli_usage_error(cmd, "unknown option '%s'", arg);
    /* the name without dashes and without '=VALUE' */
    len = strcspn(arg + 2, "=");
    if (len >= sizeof word)
        len = sizeof word - 1;
    memcpy(word, arg + 2, len);
    word[len] = '\0';
    for (n = 0; longopts[n].name != NULL && n < 128; n++)
    {
        names[n] = longopts[n].name;
        if (len > 0 && strncmp(names[n], word, len) == 0)
            nprefix++;
    }
    if (nprefix > 1)
    {
        /* an abbreviation of several options (getopt_long refuses it) */
        char list[512];
        size_t used = 0;
        int i;
        list[0] = '\0';
        for (i = 0; i < n && used + 1 < sizeof list; i++)
            if (strncmp(names[i], word, len) == 0)
            {
                int w = snprintf(list + used, sizeof list - used, "%s--%s",
                                 used ? ", " : "", names[i]);
                if (w < 0)
                    break;
                used += (size_t) w;
            }
        return cli_usage_error(cmd, "option '%s' is ambiguous (%s)", arg, list);
    }
    hit = cli_suggest(word, names, n);
    if (hit != NULL)
        return cli_usage_error(cmd, "unknown option '%s'; did you mean '--%s'?", arg, hit);
    return cli_usage_error(cmd, "unknown option '%s'", arg);
}

int
cli_q_rounded(const fmpq *v, slong len, int mode)
{
    slong i;
    if (mode != CLI_Q_AUTO)
        return mode == CLI_Q_DECIMAL;
    for (i = 0; i < len; i++)
    {
        /* fmpz_sizeinbase may exceed the digit count by one */
        size_t n = fmpz_sizeinbase(fmpq_numref(v + i), 10) + 1;
        if (!fmpz_is_one(fmpq_denref(v + i)))
            n += fmpz_sizeinbase(fmpq_denref(v + i), 10) + 1;
        if (n > CLI_Q_SHORT)
            return 1;
    }
    return 0;
}

int
cli_qmode(const char *cmd, int exact, int decimal, int *mode)
{
    *mode = exact ? CLI_Q_EXACT : decimal ? CLI_Q_DECIMAL : CLI_Q_AUTO;
    if (exact && decimal)
        return cli_usage_error(cmd, "give either --exact or --decimal, not both");
    return EXIT_OK;
}

void
cli_put_q(FILE *f, const fmpq_t q, int rounded, long digits)
{
    char *s = rounded ? mpbias_fmpq_get_str_rounded(q, (int) digits) : fmpq_get_str(NULL, 10, q);
    fputs(s, f);
    flint_free(s);
}

int
cli_lib_error(const mpbias_err_t err)
{
    cli_error("%s", err->msg[0] ? err->msg : mpbias_status_string(err->status));
    return EXIT_FAIL;
}

int
cli_parse_slong(const char *cmd, const char *opt, const char *s, long min, long max, long *out)
{
    char *end;
    long v;
    errno = 0;
    v = strtol(s, &end, 10);
    if (*s == '\0' || *end != '\0' || errno != 0 || v < min || v > max)
    {
        cli_usage_error(cmd, "invalid value '%s' for --%s: expected an integer in [%ld, %ld]",
                        s, opt, min, max);
        return 0;
    }
    *out = v;
    return 1;
}

int
cli_parse_ulong(const char *cmd, const char *opt, const char *s, unsigned long *out)
{
    char *end;
    unsigned long v;
    errno = 0;
    v = strtoul(s, &end, 10);
    if (*s < '0' || *s > '9' || *end != '\0' || errno != 0)
    {
        cli_usage_error(cmd, "invalid value '%s' for --%s: expected a nonnegative integer", s, opt);
        return 0;
    }
    *out = v;
    return 1;
}

int
cli_parse_double(const char *cmd, const char *opt, const char *s, double min, double *out)
{
    char *end;
    double v;
    errno = 0;
    v = strtod(s, &end);
    if (*s == '\0' || *end != '\0' || errno != 0 || !isfinite(v) || v < min)
    {
        cli_usage_error(cmd, "invalid value '%s' for --%s: expected a finite number >= %g",
                        s, opt, min);
        return 0;
    }
    *out = v;
    return 1;
}

/* Half the physical memory: datasets whose dense storage would need more
   are refused up front rather than dying in the allocator. */
static size_t
memory_budget(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), psize = sysconf(_SC_PAGESIZE);
    if (pages <= 0 || psize <= 0)
        return 0;
    return (size_t) pages / 2 * (size_t) psize;
}

int
cli_load_data(const char *cmd, const cli_data_opts *o, mpbias_data_t data)
{
    mpbias_err_t err;
    mpbias_status st;
    mpbias_err_clear(err);
    if ((o->file == NULL) == (o->example == NULL))
        return cli_usage_error(cmd, o->file ? "give either --data or --example, not both"
                                            : "no dataset: give --data FILE or --example NAME");
    if (o->file != NULL)
    {
        mpbias_read_opts ro;
        mpbias_read_opts_init(&ro);
        ro.format = o->format;
        ro.max_bytes = memory_budget();
        ro.label_column = o->label_column;
        st = mpbias_data_read_file(data, o->file, &ro, err);
    }
    else
        st = mpbias_example_load(data, o->example, err);
    if (st != MPBIAS_OK)
        return (st == MPBIAS_ERR_ARG && o->example) ? cli_usage_error(cmd, "%s", err->msg)
                                                    : cli_lib_error(err);
    return EXIT_OK;
}

/* s as the body of a JSON string. */
void
cli_put_json_string(FILE *f, const char *s)
{
    for (; *s; s++)
    {
        unsigned char ch = (unsigned char) *s;
        if (ch == '"' || ch == '\\')
            fprintf(f, "\\%c", ch);
        else if (ch < 0x20)
            fprintf(f, "\\u%04x", ch);
        else
            fputc(ch, f);
    }
}

int
cli_parse_decimal_list(const char *cmd, const char *opt, const char *s, fmpq *v, slong d,
                       int positive)
{
    slong k = 0;
    const char *p = s;
    while (1)
    {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t) (e - p) : strlen(p);
        mpbias_err_t err;
        mpbias_err_clear(err);
        if (k == d)
        {
            cli_usage_error(cmd, "--%s has more than d = %ld values", opt, (long) d);
            return 0;
        }
        if (mpbias_decimal_parse(v + k, p, len, err) != MPBIAS_OK
            || (positive && fmpq_sgn(v + k) <= 0))
        {
            cli_usage_error(cmd, "--%s: value %ld ('%.*s') is not a %s number", opt, (long) k + 1,
                            (int) len, p, positive ? "positive" : "decimal");
            return 0;
        }
        k++;
        if (e == NULL)
            break;
        p = e + 1;
    }
    if (k != d)
    {
        cli_usage_error(cmd, "--%s has %ld values but the data have d = %ld", opt, (long) k,
                        (long) d);
        return 0;
    }
    return 1;
}

/* Step sizes of gradient descent: one constant (--step) or a list
   (--schedule: comma-separated, or @FILE with numbers separated by commas,
   blanks or newlines, '#' to the end of a line a comment). */
int
cli_gd_steps(const char *cmd, const char *step_s, const char *sched_s, mpbias_gd_opts *go)
{
    const char *opt = step_s ? "step" : "schedule", *src = step_s ? step_s : sched_s;
    char *buf = NULL;
    slong cnt = 0, cap = 0;
    const char *p;
    int r = EXIT_OK;
    if (src[0] == '@' && sched_s != NULL)
    {
        FILE *f = fopen(src + 1, "r");
        long len;
        if (f == NULL)
        {
            cli_error("%s: cannot open %s: %s", cmd, src + 1, strerror(errno));
            return EXIT_FAIL;
        }
        if (fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0
            || (buf = malloc((size_t) len + 1)) == NULL
            || fread(buf, 1, (size_t) len, f) != (size_t) len)
        {
            cli_error("%s: cannot read %s", cmd, src + 1);
            fclose(f);
            free(buf);
            return EXIT_FAIL;
        }
        fclose(f);
        buf[len] = '\0';
        src = buf;
    }
    go->eta = NULL;
    go->neta = 0;
    for (p = src; r == EXIT_OK;)
    {
        size_t len;
        mpbias_err_t err;
        /* separators and comments (commas only for an inline list) */
        while (*p == ',' || (buf != NULL && (isspace((unsigned char) *p) || *p == '#')))
        {
            if (*p == '#')
                while (*p && *p != '\n')
                    p++;
            else
                p++;
        }
        if (*p == '\0')
            break;
        len = strcspn(p, buf != NULL ? ", \t\r\n#" : ",");
        if (cnt == cap)
        {
            slong nc = cap ? 2 * cap : 16, k;
            fmpq *t = realloc(go->eta, (size_t) nc * sizeof(fmpq));
            if (t == NULL)
            {
                cli_error("%s: out of memory", cmd);
                r = EXIT_FAIL;
                break;
            }
            for (k = cap; k < nc; k++)
                fmpq_init(t + k);
            go->eta = t;
            cap = nc;
        }
        mpbias_err_clear(err);
        if (mpbias_decimal_parse(go->eta + cnt, p, len, err) != MPBIAS_OK
            || fmpq_sgn(go->eta + cnt) <= 0)
            r = cli_usage_error(cmd, "--%s: value %ld ('%.*s') is not a positive number", opt,
                                (long) cnt + 1, (int) (len > 40 ? 40 : len), p);
        cnt++;
        p += len;
    }
    if (r == EXIT_OK && cnt == 0)
        r = cli_usage_error(cmd, "--%s: no step sizes", opt);
    /* the list owns cap entries; keep exactly cnt */
    while (cap > cnt)
        fmpq_clear(go->eta + --cap);
    go->neta = cnt;
    if (r != EXIT_OK)
        cli_gd_steps_free(go);
    free(buf);
    return r;
}

void
cli_gd_steps_free(mpbias_gd_opts *go)
{
    slong k;
    for (k = 0; k < go->neta; k++)
        fmpq_clear(go->eta + k);
    free(go->eta);
    go->eta = NULL;
    go->neta = 0;
}

/* Read a shape file: d lines "a,b" or "a b" (blank lines and '#' comments
   skipped).  Returns EXIT_OK or EXIT_FAIL (reported). */
static int
read_shape_file(fmpq *a, fmpq *b, slong d, const char *path)
{
    FILE *f = fopen(path, "r");
    char line[4096];
    long lineno = 0;
    slong k = 0;
    if (f == NULL)
    {
        cli_error("%s: cannot open: %s", path, strerror(errno));
        return EXIT_FAIL;
    }
    while (fgets(line, sizeof line, f) != NULL)
    {
        char *p = line, *q;
        size_t la, lb;
        mpbias_err_t err;
        lineno++;
        if (strchr(line, '\n') == NULL && !feof(f))
        {
            cli_error("%s:%ld: line too long", path, lineno);
            fclose(f);
            return EXIT_FAIL;
        }
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '#' || *p == '\n' || *p == '\r' || *p == '\0')
            continue;
        if (k == d)
        {
            cli_error("%s:%ld: more than d = %ld coordinates", path, lineno, (long) d);
            fclose(f);
            return EXIT_FAIL;
        }
        la = strcspn(p, ", \t\r\n");
        q = p + la;
        while (*q == ',' || *q == ' ' || *q == '\t')
            q++;
        lb = strcspn(q, ", \t\r\n");
        mpbias_err_clear(err);
        if (mpbias_decimal_parse(a + k, p, la, err) != MPBIAS_OK || fmpq_sgn(a + k) <= 0
            || mpbias_decimal_parse(b + k, q, lb, err) != MPBIAS_OK || fmpq_sgn(b + k) <= 0
            || (q[lb + strspn(q + lb, " \t\r")] != '\n' && q[lb + strspn(q + lb, " \t\r")] != '\0'))
        {
            cli_error("%s:%ld: expected two positive numbers 'a,b' (u_+(0), u_-(0))", path, lineno);
            fclose(f);
            return EXIT_FAIL;
        }
        k++;
    }
    fclose(f);
    if (k != d)
    {
        cli_error("%s: %ld coordinates but the data have d = %ld", path, (long) k, (long) d);
        return EXIT_FAIL;
    }
    return EXIT_OK;
}

int
cli_shape_given(const cli_shape_opts *o)
{
    return o->a != NULL || o->b != NULL || o->file != NULL;
}

int
cli_shape_check(const char *cmd, const cli_shape_opts *o)
{
    if ((o->a != NULL) != (o->b != NULL))
        return cli_usage_error(cmd, "give both --shape-a and --shape-b, or neither");
    if (o->file != NULL && o->a != NULL)
        return cli_usage_error(cmd, "give --shape FILE or --shape-a/--shape-b, not both");
    return EXIT_OK;
}

int
cli_shape_load(const char *cmd, const cli_shape_opts *o, slong d, fmpq **a, fmpq **b)
{
    *a = _fmpq_vec_init(d);
    *b = _fmpq_vec_init(d);
    if (o->file != NULL)
        return read_shape_file(*a, *b, d, o->file);
    if (!cli_parse_decimal_list(cmd, "shape-a", o->a, *a, d, 1)
        || !cli_parse_decimal_list(cmd, "shape-b", o->b, *b, d, 1))
        return EXIT_USAGE;
    return EXIT_OK;
}

void
cli_shape_free(fmpq *a, fmpq *b, slong d)
{
    if (a != NULL)
        _fmpq_vec_clear(a, d);
    if (b != NULL)
        _fmpq_vec_clear(b, d);
}

void
cli_progress_start(cli_progress *p, int quiet, const mpbias_sci_t until_loss)
{
    p->quiet = quiet;
    p->tty = isatty(2);
    p->printed = 0;
    p->last_print = 0.0;
    clock_gettime(CLOCK_MONOTONIC, &p->start);
    p->target_l10 = NAN;
    if (until_loss != NULL)
        p->target_l10 = -mpbias_sci_log10_d(until_loss);
}

double
cli_progress_elapsed(const cli_progress *p)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double) (now.tv_sec - p->start.tv_sec)
           + 1e-9 * (double) (now.tv_nsec - p->start.tv_nsec);
}

void
cli_progress_flow(cli_progress *p, const mpbias_flow_stats *st)
{
    double t = cli_progress_elapsed(p);
    if (p->quiet || !p->tty || t < 1.0 || t - p->last_print < 0.5)
        return;
    p->last_print = t;
    fprintf(stderr, "\r%s: log10(loss) = %-14.8g steps %ld (%.1f/s)", PROG, st->log10_loss,
            (long) st->steps, (double) st->steps / t);
    /* cost grows like log(log(1/eps)): extrapolate in that variable */
    if (isfinite(p->target_l10) && -st->log10_loss > 1.0 && p->target_l10 > 1.0)
    {
        double a = 0.0 /* log of log10(1/eps) = 1 */, b = log(-st->log10_loss),
               z = log(p->target_l10);
        if (b > a && z > b)
            fprintf(stderr, "  ~%.0f s left (estimate)", t * (z - b) / (b - a));
    }
    fputs("   ", stderr);
    p->printed = 1;
}

void
cli_progress_erase(cli_progress *p)
{
    if (p->printed)
        fputs("\r\033[K", stderr);
    p->printed = 0;
}

int
cli_parse_positive_decimal(const char *cmd, const char *opt, const char *s, fmpq_t q)
{
    mpbias_err_t e;
    mpbias_err_clear(e);
    if (mpbias_decimal_parse(q, s, strlen(s), e) != MPBIAS_OK || fmpq_sgn(q) <= 0)
    {
        cli_usage_error(cmd, "invalid value '%s' for --%s: expected a positive decimal number", s,
                        opt);
        return 0;
    }
    return 1;
}

int
cli_parse_sci(const char *cmd, const char *opt, const char *s, mpbias_sci_t x)
{
    mpbias_err_t e;
    mpbias_err_clear(e);
    if (mpbias_sci_parse(x, s, e) != MPBIAS_OK)
    {
        cli_usage_error(cmd, "invalid value '%s' for --%s: %s", s, opt, e->msg);
        return 0;
    }
    return 1;
}

mpbias_sci_struct *
cli_parse_sci_list(const char *cmd, const char *opt, const char **s, slong n)
{
    slong i;
    mpbias_sci_struct *v;
    if (n <= 0)
        return NULL;
    v = malloc((size_t) n * sizeof(mpbias_sci_struct));
    if (v == NULL)
    {
        cli_error("%s: out of memory", cmd);
        return NULL;
    }
    for (i = 0; i < n; i++)
        mpbias_sci_init(v + i);
    for (i = 0; i < n; i++)
        if (!cli_parse_sci(cmd, opt, s[i], v + i))
        {
            cli_sci_list_free(v, n);
            return NULL;
        }
    return v;
}

void
cli_sci_list_free(mpbias_sci_struct *v, slong n)
{
    slong i;
    if (v == NULL)
        return;
    for (i = 0; i < n; i++)
        mpbias_sci_clear(v + i);
    free(v);
}

int
cli_parse_choice(const char *cmd, const char *opt, const char *s, const char *const *choices)
{
    char list[256];
    size_t len = 0;
    int i, n;
    for (n = 0; choices[n] != NULL; n++)
        if (strcmp(s, choices[n]) == 0)
            return n;
    list[0] = '\0';
    for (i = 0; i < n && len < sizeof list; i++)
        len += (size_t) snprintf(list + len, sizeof list - len, "%s%s",
                                 i == 0 ? "" : i == n - 1 ? " or " : ", ", choices[i]);
    cli_usage_error(cmd, "invalid value '%s' for --%s: expected %s", s, opt, list);
    return -1;
}

int
cli_arg_loss(const char *cmd, const char *name, const char *value, void *dest)
{
    static const char *const LOSSES[] = { "exp", "logistic", NULL };
    mpbias_loss *loss = dest;
    int k = strcmp(value, "exponential") == 0 ? 0 : cli_parse_choice(cmd, name, value, LOSSES);
    if (k < 0)
        return EXIT_USAGE;
    *loss = k == 0 ? MPBIAS_LOSS_EXP : MPBIAS_LOSS_LOGISTIC;
    return EXIT_OK;
}

/* the shape of o, times scale when non-NULL, set on the model */
static int
model_shape(const char *cmd, const cli_shape_opts *o, const mpbias_data_t data,
            const fmpq_t scale, mpbias_model_t model)
{
    fmpq *a = NULL, *b = NULL;
    slong i;
    int r;
    mpbias_err_t err;
    if (!cli_shape_given(o))
        return EXIT_OK;
    r = cli_shape_load(cmd, o, data->d, &a, &b);
    for (i = 0; r == EXIT_OK && scale != NULL && i < data->d; i++)
    {
        fmpq_mul(a + i, a + i, scale);
        fmpq_mul(b + i, b + i, scale);
    }
    if (r == EXIT_OK)
    {
        mpbias_err_clear(err);
        if (mpbias_model_set_shape(model, a, b, data->d, err) != MPBIAS_OK)
            r = cli_lib_error(err);
    }
    cli_shape_free(a, b, data->d);
    return r;
}

int
cli_model_shape(const char *cmd, const cli_shape_opts *o, const mpbias_data_t data,
                mpbias_model_t model)
{
    return model_shape(cmd, o, data, NULL, model);
}

int
cli_model_scaled_shape(const char *cmd, const cli_shape_opts *o, const mpbias_data_t data,
                       mpbias_model_t model)
{
    return model_shape(cmd, o, data, model->alpha, model);
}

void
cli_flow_model_init(cli_flow_model *m)
{
    memset(m, 0, sizeof *m);
    m->dopt.format = MPBIAS_FORMAT_AUTO;
    m->depth = 2;
    fmpq_init(m->alpha);
    fmpq_one(m->alpha);
    m->loss = MPBIAS_LOSS_EXP;
}

void
cli_flow_model_clear(cli_flow_model *m)
{
    fmpq_clear(m->alpha);
}

int
cli_flow_model_load(const char *cmd, const cli_flow_model *m, mpbias_data_t data,
                    mpbias_model_t model)
{
    int r = cli_load_data(cmd, &m->dopt, data);
    if (r != EXIT_OK)
        return r;
    model->depth = (int) m->depth;
    model->loss = m->loss;
    model->mean = m->mean;
    fmpq_set(model->alpha, m->alpha);
    return cli_model_shape(cmd, &m->sopt, data, model);
}

void
cli_put_csv_num(FILE *f, const mpfr_t x, int digits)
{
    if (mpfr_nan_p(x))
        fputs(",nan", f);
    else
        mpfr_fprintf(f, ",%.*Re", digits - 1, x);
}

void
cli_put_csv_num_if(FILE *f, int available, const mpfr_t x, int digits)
{
    if (!available)
        fputs(",nan", f);
    else
        cli_put_csv_num(f, x, digits);
}

const char *
cli_regime_nearest_name(int nearest, const mpbias_regime_ref_struct *ref)
{
    if (nearest == 0)
        return "l2";
    if (nearest == 1)
        return ref->rich_kind == MPBIAS_RICH_KKT ? "kkt" : "l1";
    return "-";
}
