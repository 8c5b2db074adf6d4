/*
 * testutil.h -- helpers shared by the mpbias unit tests (Check framework):
 * temporary directories and files, running the mpbias program, building
 * datasets from text, exact comparisons and the common main().
 *
 * Every helper is a static function (marked unused so that a test program
 * that does not need one compiles without warnings).
 */
#ifndef MPBIAS_TESTUTIL_H
#define MPBIAS_TESTUTIL_H

#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <check.h>
#include "mpbias.h"

#if defined(__GNUC__)
# define TU_UNUSED __attribute__((unused))
# define TU_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
# define TU_UNUSED
# define TU_PRINTF(a, b)
#endif

/* ------------------------------------------------------------------ */
/* Strings and files                                                   */
/* ------------------------------------------------------------------ */

/* A malloc'd printf result. */
static TU_UNUSED TU_PRINTF(1, 2) char *
tu_sprintf(const char *fmt, ...)
{
    va_list ap;
    int n;
    char *s;
    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    ck_assert_int_ge(n, 0);
    s = malloc((size_t) n + 1);
    ck_assert_ptr_nonnull(s);
    va_start(ap, fmt);
    vsnprintf(s, (size_t) n + 1, fmt, ap);
    va_end(ap);
    return s;
}

/* 1 if s starts with prefix. */
static TU_UNUSED int
tu_starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Remove a file tree (nftw callback). */
static TU_UNUSED int
tu_rm_entry(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
    (void) sb;
    (void) ftw;
    if (type == FTW_DP)
        return rmdir(path) == 0 ? 0 : -1;
    return unlink(path) == 0 ? 0 : -1;
}

/* The per-TCase root of the temporary directories: created by the
   unchecked fixture tu_fixture_setup (in the parent process, before the
   tests of a TCase run) and removed with everything in it by
   tu_fixture_teardown -- also when a test failed half-way and could not
   clean up after itself. */
static char *tu_root = NULL;

static TU_UNUSED void
tu_fixture_setup(void)
{
    const char *base = getenv("MPBIAS_TMPDIR");
    if (base == NULL || base[0] == '\0')
        base = "/tmp";
    tu_root = malloc(strlen(base) + 32);
    if (tu_root == NULL)
        abort();
    sprintf(tu_root, "%s/mpbias-tests-XXXXXX", base);
    if (mkdtemp(tu_root) == NULL)
    {
        fprintf(stderr, "mkdtemp(%s): %s\n", tu_root, strerror(errno));
        abort();
    }
}

static TU_UNUSED void
tu_fixture_teardown(void)
{
    if (tu_root == NULL)
        return;
    if (nftw(tu_root, tu_rm_entry, 16, FTW_DEPTH | FTW_PHYS) != 0)
        fprintf(stderr, "warning: could not remove %s: %s\n", tu_root, strerror(errno));
    free(tu_root);
    tu_root = NULL;
}

/* Add the fixture to a TCase that uses temporary files. */
static TU_UNUSED void
tu_tcase_tmpdir(TCase *tc)
{
    tcase_add_unchecked_fixture(tc, tu_fixture_setup, tu_fixture_teardown);
}

/* A fresh directory (under the TCase root if there is one, otherwise
   under $MPBIAS_TMPDIR or /tmp); malloc'd path. */
static TU_UNUSED char *
tu_mkdtemp(void)
{
    const char *base = tu_root ? tu_root : getenv("MPBIAS_TMPDIR");
    char *t;
    if (base == NULL || base[0] == '\0')
        base = "/tmp";
    t = tu_sprintf("%s/t-XXXXXX", base);
    ck_assert_msg(mkdtemp(t) != NULL, "mkdtemp(%s): %s", t, strerror(errno));
    return t;
}

/* Remove a directory made by tu_mkdtemp with everything in it, then free
   the path. */
static TU_UNUSED void
tu_rm_rf(char *dir)
{
    ck_assert_msg(nftw(dir, tu_rm_entry, 16, FTW_DEPTH | FTW_PHYS) == 0, "cannot remove %s: %s",
                  dir, strerror(errno));
    free(dir);
}

/* Write len bytes to dir/name; returns the malloc'd path. */
static TU_UNUSED char *
tu_write_file_len(const char *dir, const char *name, const char *content, size_t len)
{
    char *p = tu_sprintf("%s/%s", dir, name);
    FILE *f = fopen(p, "wb");
    ck_assert_msg(f != NULL, "cannot create %s: %s", p, strerror(errno));
    ck_assert_uint_eq(fwrite(content, 1, len, f), len);
    ck_assert_int_eq(fclose(f), 0);
    return p;
}

static TU_UNUSED char *
tu_write_file(const char *dir, const char *name, const char *content)
{
    return tu_write_file_len(dir, name, content, strlen(content));
}

/* The whole content of a file, NUL-terminated, malloc'd; *len its size. */
static TU_UNUSED char *
tu_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t n = 0, cap = 0, got;
    ck_assert_msg(f != NULL, "cannot open %s: %s", path, strerror(errno));
    do
    {
        if (cap - n < 4096)
        {
            cap = 2 * cap + 4096;
            buf = realloc(buf, cap + 1);
            ck_assert_ptr_nonnull(buf);
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
    }
    while (got > 0);
    ck_assert(!ferror(f));
    fclose(f);
    buf[n] = '\0';
    if (len != NULL)
        *len = n;
    return buf;
}

/* ------------------------------------------------------------------ */
/* Running the mpbias program                                           */
/* ------------------------------------------------------------------ */

typedef struct
{
    int status;       /* exit status, or 128 + signal number */
    char *out;        /* standard output (NUL-terminated) */
    size_t outlen;
    char *err;        /* standard error (NUL-terminated) */
    size_t errlen;
} tu_run_t;

/* The program under test: $MPBIAS_BIN (set by `make check`). */
static TU_UNUSED const char *
tu_bin(void)
{
    const char *b = getenv("MPBIAS_BIN");
    ck_assert_msg(b != NULL && b[0] != '\0',
                  "MPBIAS_BIN is not set (run the tests through 'make check')");
    ck_assert_msg(access(b, X_OK) == 0, "MPBIAS_BIN=%s is not executable", b);
    return b;
}

static TU_UNUSED void
tu_append(char **buf, size_t *len, size_t *cap, const char *data, size_t n)
{
    if (*len + n + 1 > *cap)
    {
        *cap = 2 * (*len + n + 1) + 1024;
        *buf = realloc(*buf, *cap);
        ck_assert_ptr_nonnull(*buf);
    }
    memcpy(*buf + *len, data, n);
    *len += n;
    (*buf)[*len] = '\0';
}

/* Run `mpbias ARGS...` (a NULL-terminated argv without the program name),
   with standard input from /dev/null, capturing both output streams. */
static TU_UNUSED void
tu_runv(tu_run_t *r, const char *const *args)
{
    const char *bin = tu_bin();
    const char *argv[64];
    int po[2], pe[2], ws, nargs = 0, open_fds;
    size_t cap_o = 0, cap_e = 0;
    pid_t pid;

    argv[nargs++] = bin;
    while (args[nargs - 1] != NULL)
    {
        ck_assert_int_lt(nargs, 63);
        argv[nargs] = args[nargs - 1];
        nargs++;
    }
    argv[nargs] = NULL;

    memset(r, 0, sizeof *r);
    tu_append(&r->out, &r->outlen, &cap_o, "", 0);
    tu_append(&r->err, &r->errlen, &cap_e, "", 0);
    ck_assert_int_eq(pipe(po), 0);
    ck_assert_int_eq(pipe(pe), 0);
    fflush(NULL);
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0)
    {
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0)
            dup2(devnull, 0);
        dup2(po[1], 1);
        dup2(pe[1], 2);
        close(po[0]);
        close(po[1]);
        close(pe[0]);
        close(pe[1]);
        execv(bin, (char *const *) argv);
        _exit(127);
    }
    close(po[1]);
    close(pe[1]);
    open_fds = 2;
    while (open_fds > 0)
    {
        struct pollfd p[2];
        int np = 0, k;
        if (po[0] >= 0)
        {
            p[np].fd = po[0];
            p[np].events = POLLIN;
            np++;
        }
        if (pe[0] >= 0)
        {
            p[np].fd = pe[0];
            p[np].events = POLLIN;
            np++;
        }
        if (poll(p, (nfds_t) np, -1) < 0)
        {
            ck_assert_int_eq(errno, EINTR);
            continue;
        }
        for (k = 0; k < np; k++)
        {
            char buf[4096];
            ssize_t got;
            if (!(p[k].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            got = read(p[k].fd, buf, sizeof buf);
            if (got < 0 && errno == EINTR)
                continue;
            if (got <= 0)
            {
                close(p[k].fd);
                if (p[k].fd == po[0])
                    po[0] = -1;
                else
                    pe[0] = -1;
                open_fds--;
            }
            else if (p[k].fd == po[0])
                tu_append(&r->out, &r->outlen, &cap_o, buf, (size_t) got);
            else
                tu_append(&r->err, &r->errlen, &cap_e, buf, (size_t) got);
        }
    }
    while (waitpid(pid, &ws, 0) < 0)
        ck_assert_int_eq(errno, EINTR);
    if (WIFEXITED(ws))
        r->status = WEXITSTATUS(ws);
    else
        r->status = 128 + (WIFSIGNALED(ws) ? WTERMSIG(ws) : 0);
}

/* Variadic form: tu_run(&r, "info", "--example", "transition", NULL). */
static TU_UNUSED void
tu_run(tu_run_t *r, ...)
{
    const char *args[64];
    int n = 0;
    va_list ap;
    va_start(ap, r);
    do
    {
        ck_assert_int_lt(n, 63);
        args[n] = va_arg(ap, const char *);
    }
    while (args[n++] != NULL);
    va_end(ap);
    tu_runv(r, args);
}

static TU_UNUSED void
tu_run_free(tu_run_t *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

/* ------------------------------------------------------------------ */
/* Datasets and exact values                                           */
/* ------------------------------------------------------------------ */

/* Read a dataset from text; the read must succeed. */
static TU_UNUSED void
tu_data_from_text(mpbias_data_t data, const char *text, const char *name,
                  mpbias_format format)
{
    mpbias_read_opts o;
    mpbias_err_t err;
    mpbias_status st;
    mpbias_read_opts_init(&o);
    o.format = format;
    mpbias_err_clear(err);
    st = mpbias_data_read_buffer(data, text, strlen(text), name, &o, err);
    ck_assert_msg(st == MPBIAS_OK, "reading %s failed (status %d): %s", name ? name : "<input>",
                  (int) st, err->msg);
}

/* What a CSV label error adds when no header names the label column
   (src/data/read.c). */
#define TU_CSV_ADVICE " (the first column is read as the label: name the label column y, " \
    "label, target or class in a header row, or pass --label-column NAME|INDEX; labels 0/1 " \
    "must be mapped to -1/+1)"

/* q := the rational written "p" or "p/q" (canonicalised). */
static TU_UNUSED void
tu_fmpq_set(fmpq_t q, const char *s)
{
    ck_assert_msg(fmpq_set_str(q, s, 10) == 0, "bad rational literal in the test: %s", s);
    fmpq_canonicalise(q);
}

/* 1 if q equals the rational literal s. */
static TU_UNUSED int
tu_fmpq_is(const fmpq_t q, const char *s)
{
    fmpq_t e;
    int eq;
    fmpq_init(e);
    tu_fmpq_set(e, s);
    eq = fmpq_equal(q, e);
    fmpq_clear(e);
    return eq;
}

/* Assert q == the literal s, printing both on failure. */
#define tu_assert_fmpq(q, s) do { \
        if (!tu_fmpq_is((q), (s))) { \
            char *got_ = fmpq_get_str(NULL, 10, (q)); \
            ck_abort_msg("%s is %s, expected %s", #q, got_, (s)); \
        } } while (0)

/* Assert the dataset is n x d with labels y and label-absorbed entries
   z (row-major rational literals). */
static TU_UNUSED void
tu_assert_data(const mpbias_data_t data, slong n, slong d, const int *y,
               const char *const *z)
{
    slong i, j;
    ck_assert_int_eq(data->n, n);
    ck_assert_int_eq(data->d, d);
    for (i = 0; i < n; i++)
    {
        ck_assert_msg(data->y[i] == y[i], "y[%ld] = %d, expected %d", (long) i, data->y[i], y[i]);
        for (j = 0; j < d; j++)
            if (!tu_fmpq_is(mpbias_data_z(data, i, j), z[i * d + j]))
            {
                char *got = fmpq_get_str(NULL, 10, mpbias_data_z(data, i, j));
                ck_abort_msg("z[%ld][%ld] = %s, expected %s", (long) i, (long) j, got,
                             z[i * d + j]);
            }
    }
}

/* Assert two datasets have the same size, labels and entries. */
static TU_UNUSED void
tu_assert_data_equal(const mpbias_data_t a, const mpbias_data_t b)
{
    slong i, k;
    ck_assert_int_eq(a->n, b->n);
    ck_assert_int_eq(a->d, b->d);
    for (i = 0; i < a->n; i++)
        ck_assert_msg(a->y[i] == b->y[i], "labels differ at sample %ld", (long) i + 1);
    for (k = 0; k < a->n * a->d; k++)
        ck_assert_msg(fmpq_equal(a->z + k, b->z + k), "entries differ at sample %ld, feature %ld",
                      (long) (k / a->d) + 1, (long) (k % a->d) + 1);
}

/* 1 if the two datasets are identical. */
static TU_UNUSED int
tu_data_equal(const mpbias_data_t a, const mpbias_data_t b)
{
    slong k;
    if (a->n != b->n || a->d != b->d)
        return 0;
    for (k = 0; k < a->n; k++)
        if (a->y[k] != b->y[k])
            return 0;
    for (k = 0; k < a->n * a->d; k++)
        if (!fmpq_equal(a->z + k, b->z + k))
            return 0;
    return 1;
}

/* A small deterministic generator for the tests' own random cases
   (splitmix64), independent of the library's. */
static TU_UNUSED unsigned long long
tu_rand(unsigned long long *state)
{
    unsigned long long z = (*state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* Uniform in [lo, hi]. */
static TU_UNUSED long
tu_rand_range(unsigned long long *state, long lo, long hi)
{
    return lo + (long) (tu_rand(state) % (unsigned long long) (hi - lo + 1));
}

/* ------------------------------------------------------------------ */
/* main                                                                */
/* ------------------------------------------------------------------ */

static TU_UNUSED int
tu_main(Suite *s)
{
    SRunner *sr = srunner_create(s);
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    flint_cleanup();
    mpfr_free_cache();
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif
