/*
 * t-l2mm.c -- the exact l2 max-margin classifier and exact separability
 * (src/limits/l2mm.c), against hand-computed oracles and an independent
 * check of the KKT conditions / Farkas certificates, and the certified
 * decimal margin against MPFR.
 */
#include "testutil.h"
#include "mpbias-impl.h"   /* _mpbias_farkas_check */

/* ------------------------------------------------------------------ */
/* independent checks                                                  */
/* ------------------------------------------------------------------ */

/* For separable data: lambda >= 0, w = Z^T lambda, Z w >= 1,
   lambda_i (z_i . w - 1) = 0, norm2 = ||w||^2 = sum lambda, nsupport =
   #{i : z_i . w = 1}.  These KKT conditions are sufficient for the
   convex program min ||w||^2 s.t. Z w >= 1, so w is THE l2 max-margin
   predictor. */
static void
check_kkt(const mpbias_l2mm_t r, const mpbias_data_t data)
{
    slong i, j, ns = 0;
    fmpq_t t, s, ww;
    fmpq_init(t);
    fmpq_init(s);
    fmpq_init(ww);
    ck_assert_int_eq(r->separable, 1);
    ck_assert_int_eq(r->certified, 1);
    ck_assert_int_eq(r->n, data->n);
    ck_assert_int_eq(r->d, data->d);
    for (j = 0; j < data->d; j++)
    {
        fmpq_zero(t);
        for (i = 0; i < data->n; i++)
            fmpq_addmul(t, r->lambda + i, mpbias_data_z(data, i, j));
        ck_assert_msg(fmpq_equal(t, r->w + j), "w != Z^T lambda at %ld", (long) j);
        fmpq_addmul(ww, r->w + j, r->w + j);
    }
    for (i = 0; i < data->n; i++)
    {
        ck_assert_msg(fmpq_sgn(r->lambda + i) >= 0, "lambda_%ld < 0", (long) i);
        fmpq_zero(t);
        for (j = 0; j < data->d; j++)
            fmpq_addmul(t, mpbias_data_z(data, i, j), r->w + j);
        ck_assert_msg(fmpq_cmp_si(t, 1) >= 0, "z_%ld . w < 1", (long) i);
        if (fmpq_sgn(r->lambda + i) > 0)
            ck_assert_msg(fmpq_is_one(t), "complementary slackness fails at %ld", (long) i);
        ns += fmpq_is_one(t);
        fmpq_add(s, s, r->lambda + i);
    }
    ck_assert(fmpq_equal(ww, r->norm2));
    ck_assert(fmpq_equal(s, r->norm2));
    ck_assert_int_eq(r->nsupport, ns);
    fmpq_clear(t);
    fmpq_clear(s);
    fmpq_clear(ww);
}

/* For non-separable data: u = lambda >= 0, sum u = 1, Z^T u = 0 -- then
   no w has Z w > 0 (u^T Z w = 0 would be a positive combination of
   positive numbers). */
static void
check_farkas(const mpbias_l2mm_t r, const mpbias_data_t data)
{
    slong i, j;
    fmpq_t t;
    fmpq_init(t);
    ck_assert_int_eq(r->separable, 0);
    ck_assert_int_eq(r->certified, 1);
    for (i = 0; i < data->n; i++)
    {
        ck_assert(fmpq_sgn(r->lambda + i) >= 0);
        fmpq_add(t, t, r->lambda + i);
    }
    ck_assert(fmpq_is_one(t));
    for (j = 0; j < data->d; j++)
    {
        fmpq_zero(t);
        for (i = 0; i < data->n; i++)
            fmpq_addmul(t, r->lambda + i, mpbias_data_z(data, i, j));
        ck_assert_msg(fmpq_is_zero(t), "Z^T u != 0 at %ld", (long) j);
    }
    fmpq_clear(t);
}

/* The margin 1/sqrt(norm2) to `digits` significant digits, computed with
   MPFR at a much higher precision and printed by MPFR's printf. */
static char *
mpfr_margin(const fmpq_t norm2, int digits)
{
    mpfr_t x;
    mpq_t q;
    char *s = NULL, *out;
    mpfr_init2(x, 10 * digits + 512);
    mpq_init(q);
    fmpq_get_mpq(q, norm2);
    mpfr_set_q(x, q, MPFR_RNDN);
    mpfr_rec_sqrt(x, x, MPFR_RNDN);
    ck_assert_int_ge(mpfr_asprintf(&s, "%.*Re", digits - 1, x), 0);
    out = tu_sprintf("%s", s);
    mpfr_free_str(s);
    mpq_clear(q);
    mpfr_clear(x);
    return out;
}

static void
check_margin_str(const mpbias_l2mm_t r, int digits)
{
    char *got = mpbias_l2mm_margin_str(r, digits), *exp = mpfr_margin(r->norm2, digits);
    ck_assert_msg(got != NULL, "no margin string for %d digits", digits);
    ck_assert_msg(strcmp(got, exp) == 0, "margin to %d digits: '%s', MPFR says '%s'", digits, got,
                  exp);
    flint_free(got);
    free(exp);
}

/* Compute the l2 max margin of the dataset given as text. */
static void
compute(mpbias_l2mm_t r, mpbias_data_t d, const char *text)
{
    mpbias_err_t err;
    tu_data_from_text(d, text, NULL, MPBIAS_FORMAT_AUTO);
    mpbias_err_clear(err);
    ck_assert_msg(mpbias_l2mm_compute(r, d, err) == MPBIAS_OK, "%s", err->msg);
}

static void
assert_vec(const fmpq *v, slong len, const char *const *e)
{
    slong i;
    for (i = 0; i < len; i++)
        if (!tu_fmpq_is(v + i, e[i]))
        {
            char *g = fmpq_get_str(NULL, 10, v + i);
            ck_abort_msg("entry %ld is %s, expected %s", (long) i, g, e[i]);
        }
}

/* ------------------------------------------------------------------ */
/* hand-computed oracles                                               */
/* ------------------------------------------------------------------ */

START_TEST(test_transition)
{
    /* z1 = (2, 1, 1/2, 0), z2 = (2, -1/2, 1, 1):
       Z Z^T = [[21/4, 4], [4, 25/4]], det = 269/16,
       lambda = (Z Z^T)^-1 1 = (36/269, 20/269) > 0 (both support vectors),
       w = Z^T lambda = (112, 26, 38, 20)/269, ||w||^2 = sum lambda = 56/269. */
    static const char *const w[] = { "112/269", "26/269", "38/269", "20/269" };
    static const char *const lam[] = { "36/269", "20/269" };
    mpbias_data_t d;
    mpbias_l2mm_t r;
    mpbias_data_init(d);
    mpbias_l2mm_init(r);
    ck_assert_int_eq(mpbias_example_load(d, "transition", NULL), MPBIAS_OK);
    ck_assert_int_eq(mpbias_l2mm_compute(r, d, NULL), MPBIAS_OK);
    ck_assert_int_eq(r->separable, 1);
    ck_assert_int_eq(r->certified, 1);
    tu_assert_fmpq(r->norm2, "56/269");
    assert_vec(r->w, 4, w);
    assert_vec(r->lambda, 2, lam);
    ck_assert_int_eq(r->nsupport, 2);
    check_kkt(r, d);
    /* sqrt(269/56) = 2.19170514179517965818... */
    {
        char *m = mpbias_l2mm_margin_str(r, 20);
        ck_assert_str_eq(m, "2.1917051417951796582e+00");
        flint_free(m);
    }
    check_margin_str(r, 1);
    check_margin_str(r, 20);
    check_margin_str(r, 300);
    mpbias_l2mm_clear(r);
    mpbias_data_clear(d);
}
END_TEST

START_TEST(test_orthogonal)
{
    /* z1 = (1, 2, 0, 0), z2 = (0, 0, 1, -1/2): decoupled,
       lambda_i = 1/||z_i||^2 = (1/5, 4/5), w = (1/5, 2/5, 4/5, -2/5),
       ||w||^2 = 1: margin exactly 1. */
    static const char *const w[] = { "1/5", "2/5", "4/5", "-2/5" };
    static const char *const lam[] = { "1/5", "4/5" };
    mpbias_data_t d;
    mpbias_l2mm_t r;
    char *m;
    mpbias_data_init(d);
    mpbias_l2mm_init(r);
    ck_assert_int_eq(mpbias_example_load(d, "orthogonal", NULL), MPBIAS_OK);
    ck_assert_int_eq(mpbias_l2mm_compute(r, d, NULL), MPBIAS_OK);
    tu_assert_fmpq(r->norm2, "1");
    assert_vec(r->w, 4, w);
    assert_vec(r->lambda, 2, lam);
    ck_assert_int_eq(r->nsupport, 2);
    check_kkt(r, d);
    m = mpbias_l2mm_margin_str(r, 20);
    ck_assert_str_eq(m, "1.0000000000000000000e+00");
    flint_free(m);
    m = mpbias_l2mm_margin_str(r, 1);
    ck_assert_str_eq(m, "1e+00");
    flint_free(m);
    mpbias_l2mm_clear(r);
    mpbias_data_clear(d);
}
END_TEST

START_TEST(test_inactive_constraint)
{
    /* z1 = (1, 0), z2 = (3, 3): with z1 alone w = z1/||z1||^2 = (1, 0),
       and z2 . w = 3 > 1, so the second constraint is inactive:
       w = (1, 0), lambda = (1, 0), ||w||^2 = 1, one support vector. */
    static const char *const w[] = { "1", "0" };
    static const char *const lam[] = { "1", "0" };
    mpbias_data_t d;
    mpbias_l2mm_t r;
    mpbias_data_init(d);
    mpbias_l2mm_init(r);
    compute(r, d, "+1 1:1\n-1 1:-3 2:-3\n");
    tu_assert_fmpq(r->norm2, "1");
    assert_vec(r->w, 2, w);
    assert_vec(r->lambda, 2, lam);
    ck_assert_int_eq(r->nsupport, 1);
    check_kkt(r, d);
    /* the same with the inactive sample first and a rational scale:
       z1 = (3/2, 3/2), z2 = (1/2, 0): w = (2, 0), ||w||^2 = 4 */
    compute(r, d, "-1 1:-1.5 2:-1.5\n+1 1:0.5\n");
    {
        static const char *const w2[] = { "2", "0" };
        static const char *const l2[] = { "0", "4" };
        tu_assert_fmpq(r->norm2, "4");
        assert_vec(r->w, 2, w2);
        assert_vec(r->lambda, 2, l2);
        ck_assert_int_eq(r->nsupport, 1);
    }
    check_kkt(r, d);
    check_margin_str(r, 5);
    mpbias_l2mm_clear(r);
    mpbias_data_clear(d);
}
END_TEST

START_TEST(test_more_samples_than_dims)
{
    /* z = (1,0), (0,1), (1,1), (2,1): the constraints w1 >= 1, w2 >= 1
       give w = (1, 1), ||w||^2 = 2; z3 . w = 2, z4 . w = 3 are inactive;
       lambda = (1, 1, 0, 0) (unique: z1, z2 independent). */
    static const char *const w[] = { "1", "1" };
    static const char *const lam[] = { "1", "1", "0", "0" };
    mpbias_data_t d;
    mpbias_l2mm_t r;
    mpbias_data_init(d);
    mpbias_l2mm_init(r);
    compute(r, d, "+1 1:1\n-1 2:-1\n+1 1:1 2:1\n-1 1:-2 2:-1\n");
    tu_assert_fmpq(r->norm2, "2");
    assert_vec(r->w, 2, w);
    assert_vec(r->lambda, 4, lam);
    ck_assert_int_eq(r->nsupport, 2);
    check_kkt(r, d);
    check_margin_str(r, 30);           /* 1/sqrt(2) */
    mpbias_l2mm_clear(r);
    mpbias_data_clear(d);
}
END_TEST

START_TEST(test_degenerate)
{
    mpbias_data_t d;
    mpbias_l2mm_t r;
    static const char *const w1[] = { "1" };
    static const char *const w2[] = { "1", "1" };
    mpbias_data_init(d);
    mpbias_l2mm_init(r);

    /* the same sample three times (d = 1, z = 1, 1, 1): w = 1, and lambda
       is not unique (any lambda >= 0 with sum 1); all three are support
       vectors */
    compute(r, d, "+1 1:1\n-1 1:-1\n+1 1:1\n");
    tu_assert_fmpq(r->norm2, "1");
    assert_vec(r->w, 1, w1);
    ck_assert_int_eq(r->nsupport, 3);
    check_kkt(r, d);

    /* duplicates in 2-D, with a label flip that gives the same z */
    compute(r, d, "+1 1:1 2:0\n+1 1:1\n-1 1:-1\n-1 2:-1\n+1 2:1\n");
    tu_assert_fmpq(r->norm2, "2");
    assert_vec(r->w, 2, w2);
    ck_assert_int_eq(r->nsupport, 5);
    check_kkt(r, d);

    /* z3 = (z1 + z2)/2 lies on the face: w = (1, 1), z3 . w = 1, three
       support vectors, lambda not unique (lambda1 + lambda3/2 = 1, ...) */
    compute(r, d, "+1 1:1\n+1 2:1\n-1 1:-0.5 2:-0.5\n");
    tu_assert_fmpq(r->norm2, "2");
    assert_vec(r->w, 2, w2);
    ck_assert_int_eq(r->nsupport, 3);
    check_kkt(r, d);

    /* one dimension, many samples: w = 1/min z = 8, margin 1/8 exactly */
    compute(r, d, "+1 1:0.125\n-1 1:-0.125\n+1 1:7\n-1 1:-0.5\n");
    tu_assert_fmpq(r->norm2, "64");
    {
        static const char *const w8[] = { "8" };
        char *m;
        assert_vec(r->w, 1, w8);
        check_kkt(r, d);
        m = mpbias_l2mm_margin_str(r, 3);
        ck_assert_str_eq(m, "1.25e-01");
        flint_free(m);
        m = mpbias_l2mm_margin_str(r, 2);    /* an exact tie: to even */
        ck_assert_str_eq(m, "1.2e-01");
        flint_free(m);
        check_margin_str(r, 2);
        check_margin_str(r, 40);
    }
    mpbias_l2mm_clear(r);
    mpbias_data_clear(d);
}
END_TEST

START_TEST(test_not_separable)
{
    static const char *const u1[] = { "1/2", "1/2" };
    static const char *const u2[] = { "1/3", "1/3", "1/3" };
    static const char *const u3[] = { "1/2", "0", "1/2", "0" };
    static const char *const u4[] = { "1/2", "1/2", "0" };
    mpbias_data_t d;
    mpbias_l2mm_t r;
    mpbias_data_init(d);
    mpbias_l2mm_init(r);

    /* z1 = (1, 0), z2 = (-1, 0): opposite, u = (1/2, 1/2) */
    compute(r, d, "+1 1:1 2:0\n-1 1:1\n");
    ck_assert_int_eq(r->separable, 0);
    assert_vec(r->lambda, 2, u1);
    check_farkas(r, d);
    ck_assert_ptr_null(mpbias_l2mm_margin_str(r, 10));

    /* z = (1,0), (0,1), (-1,-1): 0 is their centroid, u = (1/3, 1/3, 1/3) */
    compute(r, d, "+1 1:1\n+1 2:1\n-1 1:1 2:1\n");
    ck_assert_int_eq(r->separable, 0);
    assert_vec(r->lambda, 3, u2);
    check_farkas(r, d);

    /* z = (1,0), (0,1), (-1,0), (0,5): only z1, z3 conflict, u unique */
    compute(r, d, "+1 1:1\n+1 2:1\n-1 1:1\n-1 2:-5\n");
    ck_assert_int_eq(r->separable, 0);
    assert_vec(r->lambda, 4, u3);
    check_farkas(r, d);

    /* weakly but not strictly separable: w = (0, 1) gives Z w >= 0 only */
    compute(r, d, "+1 1:1\n-1 1:1\n+1 2:1\n");
    ck_assert_int_eq(r->separable, 0);
    assert_vec(r->lambda, 3, u4);
    check_farkas(r, d);

    mpbias_l2mm_clear(r);
    mpbias_data_clear(d);
}
END_TEST

/* The library's own certificate check (_mpbias_farkas_check, which
   certify_farkas relies on) on hard cases: vectors that satisfy Z^T u = 0
   and 1^T u = 1 but are not certificates because an entry is negative
   (before, only Z^T u = 0 was checked, so these "proved" separable data
   not separable), vectors with 1^T u != 1 (u = 0 among them), a vector
   off by one ulp-like rational in Z^T u, and the genuine certificates. */
START_TEST(test_farkas_check_hard)
{
    mpbias_data_t d;
    fmpq *u = _mpbias_fmpq_vec_alloc(3);
    mpbias_data_init(d);

    /* z1 = (1, 0), z2 = (2, 0): separable by w = (1, 0); u = (2, -1) has
       Z^T u = 0 and 1^T u = 1 but a negative entry */
    tu_data_from_text(d, "+1 1:1\n-1 1:-2\n", NULL, MPBIAS_FORMAT_AUTO);
    fmpq_set_si(u + 0, 2, 1);
    fmpq_set_si(u + 1, -1, 1);
    ck_assert_int_eq(_mpbias_farkas_check(u, d), 0);
    fmpq_zero(u + 0);
    fmpq_zero(u + 1);
    ck_assert_int_eq(_mpbias_farkas_check(u, d), 0);          /* u = 0 */

    /* z1 = (1, 0), z2 = (-1, 0): not separable; u = (1/2, 1/2) is the
       certificate; (1, 1) sums to 2; (1/2 + 1/10^30, 1/2 - 1/10^30) has
       Z^T u = 2/10^30, not 0 */
    tu_data_from_text(d, "+1 1:1\n-1 1:1\n", NULL, MPBIAS_FORMAT_AUTO);
    fmpq_set_si(u + 0, 1, 2);
    fmpq_set_si(u + 1, 1, 2);
    ck_assert_int_eq(_mpbias_farkas_check(u, d), 1);
    fmpq_set_si(u + 0, 1, 1);
    fmpq_set_si(u + 1, 1, 1);
    ck_assert_int_eq(_mpbias_farkas_check(u, d), 0);
    {
        fmpq_t e;
        fmpq_init(e);
        fmpz_set_ui(fmpq_denref(e), 10);
        fmpz_pow_ui(fmpq_denref(e), fmpq_denref(e), 30);
        fmpz_one(fmpq_numref(e));
        fmpq_set_si(u + 0, 1, 2);
        fmpq_set_si(u + 1, 1, 2);
        fmpq_add(u + 0, u + 0, e);
        fmpq_sub(u + 1, u + 1, e);
        ck_assert_int_eq(_mpbias_farkas_check(u, d), 0);
        fmpq_clear(e);
    }

    /* three samples, (1, 0), (0, 1), (-1, -1): (1/3, 1/3, 1/3) certifies;
       (2/3, 2/3, -1/3) meets 1^T u = 1 but not Z^T u = 0 nor u >= 0 */
    tu_data_from_text(d, "+1 1:1\n+1 2:1\n-1 1:1 2:1\n", NULL, MPBIAS_FORMAT_AUTO);
    fmpq_set_si(u + 0, 1, 3);
    fmpq_set_si(u + 1, 1, 3);
    fmpq_set_si(u + 2, 1, 3);
    ck_assert_int_eq(_mpbias_farkas_check(u, d), 1);
    fmpq_set_si(u + 0, 2, 3);
    fmpq_set_si(u + 1, 2, 3);
    fmpq_set_si(u + 2, -1, 3);
    ck_assert_int_eq(_mpbias_farkas_check(u, d), 0);

    _mpbias_fmpq_vec_free(u, 3);
    mpbias_data_clear(d);
}
END_TEST

START_TEST(test_reuse_and_empty)
{
    mpbias_data_t d, e;
    mpbias_l2mm_t r;
    mpbias_err_t err;
    mpbias_data_init(d);
    mpbias_data_init(e);
    mpbias_l2mm_init(r);
    /* a result can be reused for data of other sizes */
    ck_assert_int_eq(mpbias_example_load(d, "transition", NULL), MPBIAS_OK);
    ck_assert_int_eq(mpbias_l2mm_compute(r, d, NULL), MPBIAS_OK);
    compute(r, d, "+1 1:1\n-1 1:1\n+1 2:1\n");
    ck_assert_int_eq(r->n, 3);
    ck_assert_int_eq(r->d, 2);
    ck_assert_int_eq(mpbias_example_load(d, "orthogonal", NULL), MPBIAS_OK);
    ck_assert_int_eq(mpbias_l2mm_compute(r, d, NULL), MPBIAS_OK);
    tu_assert_fmpq(r->norm2, "1");
    /* an empty dataset is an argument error */
    mpbias_err_clear(err);
    ck_assert_int_eq(mpbias_l2mm_compute(r, e, err), MPBIAS_ERR_ARG);
    ck_assert_str_eq(err->msg, "empty dataset");
    ck_assert_int_eq(r->separable, 0);
    ck_assert_ptr_null(mpbias_l2mm_margin_str(r, 5));
    mpbias_l2mm_clear(r);
    mpbias_data_clear(d);
}
END_TEST

/* ------------------------------------------------------------------ */
/* random data                                                         */
/* ------------------------------------------------------------------ */

/* A random dataset as LIBSVM text: n in [2, 8], d in [1, 5], entries
   small integers or quarters, both classes, no zero sample. */
static char *
random_text(unsigned long long *st)
{
    long n = tu_rand_range(st, 2, 8), d = tu_rand_range(st, 1, 5), i, j;
    int dense = (int) tu_rand_range(st, 0, 2);
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    ck_assert_ptr_nonnull(buf);
    buf[0] = '\0';
    for (i = 0; i < n; i++)
    {
        int any = 0;
        int label = (i == 0) ? 1 : (i == 1) ? -1 : (tu_rand(st) & 1) ? 1 : -1;
        len += (size_t) snprintf(buf + len, cap - len, "%+d", label);
        for (j = 1; j <= d; j++)
        {
            long v = tu_rand_range(st, -3, 3);
            if (!dense && tu_rand_range(st, 0, 2) == 0)
                v = 0;
            if (j == d && !any && v == 0)
                v = 1;
            if (v == 0)
                continue;
            any = 1;
            if (tu_rand_range(st, 0, 3) == 0)
                len += (size_t) snprintf(buf + len, cap - len, " %ld:%ld.25", j, v);
            else
                len += (size_t) snprintf(buf + len, cap - len, " %ld:%ld", j, v);
        }
        len += (size_t) snprintf(buf + len, cap - len, "\n");
        ck_assert_uint_lt(len, cap - 200);
    }
    return buf;
}

START_TEST(test_random_kkt)
{
    unsigned long long st = 12345;
    int it, nsep = 0, nnon = 0;
    mpbias_data_t d;
    mpbias_l2mm_t r;
    mpbias_data_init(d);
    mpbias_l2mm_init(r);
    for (it = 0; it < 400; it++)
    {
        char *text = random_text(&st);
        mpbias_err_t err;
        mpbias_read_opts o;
        mpbias_read_opts_init(&o);
        o.format = MPBIAS_FORMAT_LIBSVM;
        mpbias_err_clear(err);
        ck_assert_msg(mpbias_data_read_buffer(d, text, strlen(text), "random", &o, err)
                      == MPBIAS_OK, "%s\n%s", text, err->msg);
        ck_assert_msg(mpbias_l2mm_compute(r, d, err) == MPBIAS_OK, "%s\n%s", text, err->msg);
        if (r->separable)
        {
            nsep++;
            check_kkt(r, d);
            if (it % 4 == 0)
                check_margin_str(r, 1 + it % 37);
        }
        else
        {
            nnon++;
            check_farkas(r, d);
        }
        free(text);
    }
    /* both outcomes were exercised */
    ck_assert_int_ge(nsep, 40);
    ck_assert_int_ge(nnon, 40);
    mpbias_l2mm_clear(r);
    mpbias_data_clear(d);
}
END_TEST

START_TEST(test_random_separable_by_construction)
{
    /* sparse-teacher data are separable by w* (y = sign(w* . x)), so the
       l2 solution exists and ||w_l2||^2 <= ||w*||^2 / min_i (z_i . w*)^2
       (w* scaled to margin 1 is feasible). */
    mpbias_gen_params p;
    mpbias_data_t d;
    mpbias_l2mm_t r;
    ulong seed;
    mpbias_data_init(d);
    mpbias_l2mm_init(r);
    mpbias_gen_params_init(&p);
    for (seed = 1; seed <= 10; seed++)
    {
        fmpq *ws = _fmpq_vec_init(8);
        fmpq_t m, t, bound;
        slong i, j;
        p.seed = seed;
        p.n = 4 + (slong) seed;
        p.d = 8;
        p.k = 1 + (slong) (seed % 3);
        p.digits = 2;
        ck_assert_int_eq(mpbias_gen_sparse_teacher(d, &p, NULL), MPBIAS_OK);
        ck_assert_int_eq(mpbias_gen_teacher(ws, &p, NULL), MPBIAS_OK);
        ck_assert_int_eq(mpbias_l2mm_compute(r, d, NULL), MPBIAS_OK);
        check_kkt(r, d);
        fmpq_init(m);
        fmpq_init(t);
        fmpq_init(bound);
        for (i = 0; i < d->n; i++)
        {
            fmpq_zero(t);
            for (j = 0; j < d->d; j++)
                fmpq_addmul(t, mpbias_data_z(d, i, j), ws + j);
            ck_assert(fmpq_sgn(t) > 0);
            if (i == 0 || fmpq_cmp(t, m) < 0)
                fmpq_set(m, t);
        }
        fmpq_set_si(bound, p.k, 1);
        fmpq_div(bound, bound, m);
        fmpq_div(bound, bound, m);
        ck_assert(fmpq_cmp(r->norm2, bound) <= 0);
        check_margin_str(r, 25);
        fmpq_clear(m);
        fmpq_clear(t);
        fmpq_clear(bound);
        _fmpq_vec_clear(ws, 8);
    }
    mpbias_l2mm_clear(r);
    mpbias_data_clear(d);
}
END_TEST

START_TEST(test_margin_str_digits)
{
    mpbias_data_t d;
    mpbias_l2mm_t r;
    int k;
    mpbias_data_init(d);
    mpbias_l2mm_init(r);
    ck_assert_int_eq(mpbias_example_load(d, "transition", NULL), MPBIAS_OK);
    ck_assert_int_eq(mpbias_l2mm_compute(r, d, NULL), MPBIAS_OK);
    for (k = 1; k <= 60; k++)
        check_margin_str(r, k);
    check_margin_str(r, 1000);
    ck_assert_ptr_null(mpbias_l2mm_margin_str(r, 0));
    ck_assert_ptr_null(mpbias_l2mm_margin_str(r, -3));
    /* large and small margins: exponents of three digits */
    compute(r, d, "+1 1:1e150\n-1 1:-3e150\n");
    check_margin_str(r, 17);
    compute(r, d, "+1 1:1e-150 2:7e-151\n-1 2:-3e-150\n");
    check_margin_str(r, 17);
    mpbias_l2mm_clear(r);
    mpbias_data_clear(d);
}
END_TEST

/* Hard cases for "correctly rounded" (mpbias_l2mm_margin_str): one sample
   z given as a mirrored pair (x, +1), (-x, -1), whose l2 margin is exactly
   ||z||_2.  The data are chosen so that ||z||_2 is a known decimal: exact
   ties at K digits (ties go to even), runs of 9s and 0s after the K-th
   digit (carries into the exponent), huge and tiny exponents, 1 and 201
   digits.  The expected strings are worked out by hand from the exact
   value; MPFR on a binary approximation could not decide the ties.  Then
   irrational margins just off a tie, against MPFR at high precision. */
static void
check_margin_case(mpbias_l2mm_t r, mpbias_data_t d, const char *z, int digits,
                  const char *expect)
{
    char *text, *neg, *got;
    const char *p;
    size_t k = 0;
    /* the mirrored sample: -x is x with every value's sign flipped */
    neg = malloc(2 * strlen(z) + 1);
    for (p = z; *p != '\0'; p++)
    {
        neg[k++] = *p;
        if (*p == ':')
        {
            if (p[1] == '-')
                p++;
            else
                neg[k++] = '-';
        }
    }
    neg[k] = '\0';
    text = tu_sprintf("+1 %s\n-1 %s\n", z, neg);
    compute(r, d, text);
    got = mpbias_l2mm_margin_str(r, digits);
    ck_assert_msg(got != NULL && strcmp(got, expect) == 0,
                  "l2 margin of z = %s to %d digits: '%s', expected '%s'", z, digits,
                  got ? got : "(null)", expect);
    flint_free(got);
    free(text);
    free(neg);
}

START_TEST(test_margin_str_ties)
{
    mpbias_data_t d;
    mpbias_l2mm_t r;
    char *z, *e;
    int k;
    mpbias_data_init(d);
    mpbias_l2mm_init(r);
    /* ||(0.75, 1)|| = 1.25: a tie at 2 digits, to even */
    check_margin_case(r, d, "1:0.75 2:1", 1, "1e+00");
    check_margin_case(r, d, "1:0.75 2:1", 2, "1.2e+00");
    check_margin_case(r, d, "1:0.75 2:1", 3, "1.25e+00");
    check_margin_case(r, d, "1:0.75 2:1", 6, "1.25000e+00");
    check_margin_case(r, d, "1:-1.35", 2, "1.4e+00");        /* tie, up to even */
    check_margin_case(r, d, "1:0.9 2:-1.2", 1, "2e+00");     /* 1.5 -> 2 */
    check_margin_case(r, d, "1:2.5", 1, "2e+00");            /* 2.5 -> 2 */
    check_margin_case(r, d, "1:9.5", 1, "1e+01");            /* carry into the exponent */
    check_margin_case(r, d, "1:9.5", 2, "9.5e+00");
    check_margin_case(r, d, "1:3 2:4", 1, "5e+00");          /* exact, not a tie */
    check_margin_case(r, d, "1:3 2:4", 30, "5.00000000000000000000000000000e+00");
    /* runs of 9s and 0s after the K-th digit */
    check_margin_case(r, d, "1:0.99999999999999999995", 20, "9.9999999999999999995e-01");
    check_margin_case(r, d, "1:0.99999999999999999995", 19, "1.000000000000000000e+00"); /* tie */
    check_margin_case(r, d, "1:0.99999999999999999995", 21, "9.99999999999999999950e-01");
    check_margin_case(r, d, "1:1.00000000000000000005", 20, "1.0000000000000000000e+00");
    check_margin_case(r, d, "1:1.00000000000000000015", 20, "1.0000000000000000002e+00");
    check_margin_case(r, d, "1:1.00000000000000000005", 21, "1.00000000000000000005e+00");
    /* huge and tiny exponents */
    check_margin_case(r, d, "1:1.25e300", 2, "1.2e+300");
    check_margin_case(r, d, "1:7.5e-301 2:1e-300", 2, "1.2e-300");
    check_margin_case(r, d, "1:-9.85e-300", 2, "9.8e-300");   /* tie, down to even */
    check_margin_case(r, d, "1:9.95e-300", 2, "1.0e-299");    /* tie, up, carry */
    check_margin_case(r, d, "1:9.95e299", 2, "1.0e+300");
    /* a tie at 200 digits: 1 + 5e-200 */
    z = malloc(256);
    e = malloc(256);
    strcpy(z, "1:1.");
    for (k = 0; k < 199; k++)
        strcat(z, "0");
    strcat(z, "5");
    strcpy(e, "1.");
    for (k = 0; k < 199; k++)
        strcat(e, "0");
    strcat(e, "e+00");
    check_margin_case(r, d, z, 200, e);
    e[201] = '5';
    strcpy(e + 202, "e+00");
    check_margin_case(r, d, z, 201, e);
    free(z);
    free(e);
    /* irrational margins just off a tie: sqrt(1.5625 + 1e-40) is above
       1.25 by 4e-41, sqrt(1.5625 - 2.4e-19 + ...) below it */
    compute(r, d, "+1 1:1.25 2:1e-20\n-1 1:-1.25 2:-1e-20\n");
    for (k = 1; k <= 45; k++)
        check_margin_str(r, k);
    check_margin_case(r, d, "1:1.25 2:1e-20", 2, "1.3e+00");
    check_margin_case(r, d, "1:1.25 2:1e-20", 40, "1.250000000000000000000000000000000000000e+00");
    check_margin_case(r, d, "1:1.25 2:1e-20", 41, "1.2500000000000000000000000000000000000000e+00");
    check_margin_case(r, d, "1:1.25 2:1e-20", 42, "1.25000000000000000000000000000000000000004e+00");
    compute(r, d, "+1 1:1.2499999999999999999 2:1e-10\n-1 1:-1.2499999999999999999 2:-1e-10\n");
    for (k = 1; k <= 45; k++)
        check_margin_str(r, k);
    check_margin_case(r, d, "1:1.2499999999999999999 2:1e-10", 2, "1.2e+00");
    mpbias_l2mm_clear(r);
    mpbias_data_clear(d);
}
END_TEST

/* Larger sparse-teacher data (n > 8): the exact iteration is warm-started
   from the double-precision passive set; the certificate is checked
   independently as everywhere else. */
START_TEST(test_warm_start_larger)
{
    static const char *const ex[] = { "sparse-teacher:n=40,d=60,seed=3",
                                       "sparse-teacher:n=60,d=30,k=3,seed=5",
                                       "sparse-teacher:n=25,d=200,seed=7" };
    size_t e;
    for (e = 0; e < sizeof ex / sizeof ex[0]; e++)
    {
        mpbias_data_t d;
        mpbias_l2mm_t r;
        mpbias_err_t err;
        mpbias_data_init(d);
        mpbias_l2mm_init(r);
        mpbias_err_clear(err);
        ck_assert_msg(mpbias_example_load(d, ex[e], err) == MPBIAS_OK, "%s", err->msg);
        ck_assert_msg(mpbias_l2mm_compute(r, d, err) == MPBIAS_OK, "%s: %s", ex[e], err->msg);
        check_kkt(r, d);
        mpbias_l2mm_clear(r);
        mpbias_data_clear(d);
    }
}
END_TEST

static Suite *
l2mm_suite(void)
{
    Suite *s = suite_create("l2mm");
    TCase *tc;

    tc = tcase_create("oracles");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_transition);
    tcase_add_test(tc, test_orthogonal);
    tcase_add_test(tc, test_inactive_constraint);
    tcase_add_test(tc, test_more_samples_than_dims);
    tcase_add_test(tc, test_degenerate);
    tcase_add_test(tc, test_reuse_and_empty);
    suite_add_tcase(s, tc);

    tc = tcase_create("not_separable");
    tcase_add_test(tc, test_not_separable);
    tcase_add_test(tc, test_farkas_check_hard);
    suite_add_tcase(s, tc);

    tc = tcase_create("random");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_random_kkt);
    tcase_add_test(tc, test_random_separable_by_construction);
    tcase_add_test(tc, test_warm_start_larger);
    suite_add_tcase(s, tc);

    tc = tcase_create("margin_str");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_margin_str_digits);
    tcase_add_test(tc, test_margin_str_ties);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return tu_main(l2mm_suite());
}
