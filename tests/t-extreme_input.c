/*
 * t-extreme_input.c -- extreme but valid datasets (issue 8): d = 1, N = 1,
 * a sparse LIBSVM file with d = 100000, values such as 1e-300 and 1e300,
 * duplicate samples.  Each must load (exactly) or be refused with a clear
 * message naming the file, by the library and by `mpbias info`, which
 * goes on to decide separability and the l2 max margin; never a crash.
 * (Hostile input, as opposed to extreme input, is the fuzzers' job:
 * tests/fuzz/, doc/reliability.md.)
 */
#include "testutil.h"

/* Read text with the library: the status, with the message in err. */
static mpbias_status
read_text(mpbias_data_t d, const char *text, const char *name, mpbias_err_t err)
{
    mpbias_read_opts o;
    mpbias_read_opts_init(&o);
    mpbias_err_clear(err);
    return mpbias_data_read_buffer(d, text, strlen(text), name, &o, err);
}

/* `mpbias info --data DIR/NAME` on text; r holds the run (caller frees). */
static void
info_on(tu_run_t *r, const char *dir, const char *name, const char *text)
{
    char *path = tu_write_file(dir, name, text);
    tu_run(r, "info", "--data", path, NULL);
    free(path);
}

/* A clean refusal: exit 1 and a "mpbias: " message on stderr containing
   `what`. */
static void
assert_refused(const tu_run_t *r, const char *what)
{
    ck_assert_msg(r->status == 1, "exit status %d, expected 1\nstderr: %s", r->status, r->err);
    ck_assert_msg(tu_starts_with(r->err, "mpbias: "), "stderr: %s", r->err);
    ck_assert_msg(strstr(r->err, what) != NULL, "stderr does not say '%s': %s", what, r->err);
}

static void
assert_ok(const tu_run_t *r)
{
    ck_assert_msg(r->status == 0, "exit status %d, expected 0\nstdout: %s\nstderr: %s", r->status,
                  r->out, r->err);
}

/* The line starting with `key` is present and the same in both outputs. */
static void
same_line(const char *out1, const char *out2, const char *key)
{
    const char *a = strstr(out1, key), *b = strstr(out2, key);
    size_t la, lb;
    ck_assert_msg(a != NULL && b != NULL, "no line '%s' in\n%s\nor\n%s", key, out1, out2);
    la = strcspn(a, "\n");
    lb = strcspn(b, "\n");
    ck_assert_msg(la == lb && memcmp(a, b, la) == 0, "'%.*s' differs from '%.*s'", (int) la, a,
                  (int) lb, b);
}

/* ------------------------------------------------------------------ */

START_TEST(test_d1)
{
    mpbias_data_t d;
    mpbias_err_t err;
    tu_run_t r;
    char *dir = tu_mkdtemp();
    static const int y[] = { 1, -1, 1 };
    static const char *const z[] = { "3", "2", "1/10" };

    mpbias_data_init(d);
    ck_assert_int_eq(read_text(d, "+1 1:3\n-1 1:-2\n+1 1:0.1\n", "d1.svm", err), MPBIAS_OK);
    tu_assert_data(d, 3, 1, y, z);
    ck_assert_int_eq(read_text(d, "y,x\n1,3\n-1,-2\n1,0.1\n", "d1.csv", err), MPBIAS_OK);
    tu_assert_data(d, 3, 1, y, z);
    mpbias_data_clear(d);

    /* separable in dimension 1: margin 1/||w||, w = 10 */
    info_on(&r, dir, "d1.svm", "+1 1:3\n-1 1:-2\n+1 1:0.1\n");
    assert_ok(&r);
    ck_assert_msg(strstr(r.out, "features (d):     1\n") != NULL, "%s", r.out);
    ck_assert_msg(strstr(r.out, "||w_l2||_2^2:     100  (exact)") != NULL, "%s", r.out);
    tu_run_free(&r);
    /* not separable in dimension 1 */
    info_on(&r, dir, "d1-ns.csv", "1,1\n-1,1\n");
    assert_refused(&r, "not linearly separable");
    tu_run_free(&r);
    free(dir);
}
END_TEST

START_TEST(test_n1)
{
    mpbias_data_t d;
    mpbias_err_t err;
    tu_run_t r;
    char *dir = tu_mkdtemp();

    /* one sample has one class: refused, naming the file and the reason */
    mpbias_data_init(d);
    ck_assert_int_eq(read_text(d, "+1 1:1 2:5\n", "n1.svm", err), MPBIAS_ERR_DATA);
    ck_assert_msg(tu_starts_with(err->msg, "n1.svm: ") && strstr(err->msg, "both classes"),
                  "%s", err->msg);
    ck_assert_int_eq(d->n, 0);
    ck_assert_int_eq(read_text(d, "y,x1\n-1,7\n", "n1.csv", err), MPBIAS_ERR_DATA);
    ck_assert_msg(strstr(err->msg, "both classes") != NULL, "%s", err->msg);
    /* N = 1 with d = 1 */
    ck_assert_int_eq(read_text(d, "-1 1:1e-300\n", "n1d1.svm", err), MPBIAS_ERR_DATA);
    mpbias_data_clear(d);

    info_on(&r, dir, "n1.svm", "+1 1:1 2:5\n");
    assert_refused(&r, "both classes");
    ck_assert_str_eq(r.out, "");
    tu_run_free(&r);
    info_on(&r, dir, "n1.csv", "y,x1\n-1,7\n");
    assert_refused(&r, "n1.csv: ");
    tu_run_free(&r);
    free(dir);
}
END_TEST

/* A sparse file in dimension 100000: 24 samples with 3 entries each at
   scattered indices (the first reaching 100000), read exactly; `mpbias
   info` decides it separable and finds the l2 max margin. */
START_TEST(test_sparse_d100000)
{
    mpbias_data_t d;
    mpbias_err_t err;
    tu_run_t r;
    char *dir = tu_mkdtemp(), *text = NULL;
    size_t len = 0, cap = 0;
    unsigned long long seed = 8;
    slong i, k, idx[24][3];
    long val[24][3];

    for (i = 0; i < 24; i++)
    {
        char line[128];
        int n;
        idx[i][0] = tu_rand_range(&seed, 1, 33000);
        idx[i][1] = tu_rand_range(&seed, 33001, 66000);
        idx[i][2] = i == 0 ? 100000 : tu_rand_range(&seed, 66001, 99999);
        for (k = 0; k < 3; k++)
            val[i][k] = tu_rand_range(&seed, -9, 9) * 2 + 1;   /* odd: never 0 */
        n = snprintf(line, sizeof line, "%s %ld:%ld %ld:%ld %ld:%lde-3\n", i % 2 ? "-1" : "+1",
                     (long) idx[i][0], val[i][0], (long) idx[i][1], val[i][1], (long) idx[i][2],
                     val[i][2]);
        tu_append(&text, &len, &cap, line, (size_t) n);
    }
    mpbias_data_init(d);
    ck_assert_int_eq(read_text(d, text, "sparse.svm", err), MPBIAS_OK);
    ck_assert_int_eq(d->n, 24);
    ck_assert_int_eq(d->d, 100000);
    ck_assert_int_eq(mpbias_data_nnz(d), 72);
    for (i = 0; i < 24; i++)
        for (k = 0; k < 3; k++)
        {
            fmpq_t q;
            fmpq_init(q);
            fmpq_set_si(q, (i % 2 ? -1 : 1) * val[i][k], k == 2 ? 1000 : 1);
            ck_assert(fmpq_equal(mpbias_data_z(d, i, idx[i][k] - 1), q));
            fmpq_clear(q);
        }
    mpbias_data_clear(d);

    info_on(&r, dir, "sparse.svm", text);
    assert_ok(&r);
    ck_assert_msg(strstr(r.out, "features (d):     100000\n") != NULL, "%s", r.out);
    ck_assert_msg(strstr(r.out, "separable:        yes") != NULL, "%s", r.out);
    tu_run_free(&r);

    /* a dimension no memory holds is refused up front, at the index */
    info_on(&r, dir, "huge.svm", "+1 1:1\n-1 2:1 1000000000000000:1\n");
    assert_refused(&r, "huge.svm:2:8: ");
    ck_assert_msg(strstr(r.err, "beyond what memory allows") != NULL, "%s", r.err);
    tu_run_free(&r);
    free(text);
    free(dir);
}
END_TEST

START_TEST(test_tiny_huge_values)
{
    mpbias_data_t d;
    mpbias_err_t err;
    tu_run_t r;
    char *dir = tu_mkdtemp(), *tiny = tu_sprintf("1/1%0300d", 0), *huge = tu_sprintf("1%0300d", 0);
    const int y[] = { 1, -1 };
    const char *z[] = { tiny, huge, huge, tiny };
    mpfr_t m[4];
    int k;

    mpbias_data_init(d);
    ck_assert_int_eq(read_text(d, "+1 1:1e-300 2:1e300\n-1 1:-1e+300 2:-0.1e-299\n", "t.svm", err),
                     MPBIAS_OK);
    tu_assert_data(d, 2, 2, y, z);
    /* in MPFR: the nearest doubles, nothing flushed to 0 or infinity */
    for (k = 0; k < 4; k++)
        mpfr_init2(m[k], 53);
    mpbias_data_get_z_mpfr(m, d, MPFR_RNDN);
    ck_assert(mpfr_get_d(m[0], MPFR_RNDN) == 1e-300 && mpfr_get_d(m[1], MPFR_RNDN) == 1e300);
    ck_assert(mpfr_get_d(m[2], MPFR_RNDN) == 1e300 && mpfr_get_d(m[3], MPFR_RNDN) == 1e-300);
    for (k = 0; k < 4; k++)
        mpfr_clear(m[k]);
    /* and far beyond double range, exactly */
    ck_assert_int_eq(read_text(d, "1,1e-100000,0\n-1,0,-1e100000\n", "t.csv", err), MPBIAS_OK);
    ck_assert_int_eq(fmpz_bits(fmpq_denref(mpbias_data_z(d, 0, 0))), 332193);
    mpbias_data_clear(d);

    /* the l2 max margin of samples (1e-300, 1e300) and (1e300, 1e-300):
       (1e300 + 1e-300) / sqrt(2), to 20 digits */
    info_on(&r, dir, "t.svm", "+1 1:1e-300 2:1e300\n-1 1:-1e300 2:-1e-300\n");
    assert_ok(&r);
    ck_assert_msg(strstr(r.out, "l2 max margin:    7.0710678118654752440e+299") != NULL, "%s",
                  r.out);
    tu_run_free(&r);
    info_on(&r, dir, "big.csv", "1,1e1000000\n-1,-1e-1000000\n");
    assert_ok(&r);
    ck_assert_msg(strstr(r.out, "l2 max margin:    1.0000000000000000000e-1000000") != NULL, "%s",
                  r.out);
    tu_run_free(&r);
    /* beyond the parser's exponent range: refused at the value */
    info_on(&r, dir, "over.svm", "+1 1:1\n-1 1:1e-1000001\n");
    assert_refused(&r, "over.svm:2:8: ");
    ck_assert_msg(strstr(r.err, "beyond the supported range") != NULL, "%s", r.err);
    tu_run_free(&r);
    free(tiny);
    free(huge);
    free(dir);
}
END_TEST

START_TEST(test_duplicates)
{
    mpbias_data_t d, u;
    mpbias_err_t err;
    tu_run_t r, ru;
    char *dir = tu_mkdtemp();
    const char *uniq = "+1 1:1 2:2\n-1 1:-1 2:0.5\n+1 1:3 2:-1\n";
    const char *dups = "+1 1:1 2:2\n+1 1:1 2:2\n-1 1:-1 2:0.5\n+1 1:3 2:-1\n"
                       "-1 1:-1 2:0.5\n+1 1:1 2:2\n-1 1:-1.0 2:5e-1\n";

    /* kept as they are, in order */
    mpbias_data_init(d);
    mpbias_data_init(u);
    ck_assert_int_eq(read_text(d, dups, "dup.svm", err), MPBIAS_OK);
    ck_assert_int_eq(read_text(u, uniq, "uniq.svm", err), MPBIAS_OK);
    ck_assert_int_eq(d->n, 7);
    ck_assert(fmpq_equal(mpbias_data_z(d, 0, 1), mpbias_data_z(d, 5, 1)));
    ck_assert(fmpq_equal(mpbias_data_z(d, 2, 0), mpbias_data_z(d, 6, 0)));
    mpbias_data_clear(d);
    mpbias_data_clear(u);

    /* the same margin and norm as without the duplicates */
    info_on(&r, dir, "dup.svm", dups);
    info_on(&ru, dir, "uniq.svm", uniq);
    assert_ok(&r);
    assert_ok(&ru);
    same_line(r.out, ru.out, "separable:");
    same_line(r.out, ru.out, "l2 max margin:");
    same_line(r.out, ru.out, "||w_l2||_2^2:");
    tu_run_free(&r);
    tu_run_free(&ru);

    /* a duplicate with the other label: exactly not separable */
    info_on(&r, dir, "clash.csv", "1,1,2\n-1,-1,0.5\n-1,1,2\n");
    assert_refused(&r, "not linearly separable");
    tu_run_free(&r);
    free(dir);
}
END_TEST

static Suite *
suite(void)
{
    Suite *s = suite_create("extreme_input");
    TCase *tc = tcase_create("core");
    tu_tcase_tmpdir(tc);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_d1);
    tcase_add_test(tc, test_n1);
    tcase_add_test(tc, test_sparse_d100000);
    tcase_add_test(tc, test_tiny_huge_values);
    tcase_add_test(tc, test_duplicates);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return tu_main(suite());
}
