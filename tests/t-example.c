/*
 * t-example.c -- built-in examples, the sparse-teacher generator and the
 * exact writer (src/data/example.c, mpbias_data_write).
 */
#include "testutil.h"
#include <math.h>

/* ------------------------------------------------------------------ */
/* the example list and the fixed examples                             */
/* ------------------------------------------------------------------ */

START_TEST(test_list_all_load)
{
    static const char *const expected[] = { "transition", "orthogonal", "sparse-teacher" };
    const char *name, *descr;
    int i;
    for (i = 0; mpbias_example_list(i, &name, &descr); i++)
    {
        mpbias_data_t d;
        mpbias_err_t err;
        ck_assert_int_lt(i, 3);
        ck_assert_str_eq(name, expected[i]);
        ck_assert_ptr_nonnull(descr);
        ck_assert_int_gt((int) strlen(descr), 10);
        mpbias_data_init(d);
        mpbias_err_clear(err);
        ck_assert_msg(mpbias_example_load(d, name, err) == MPBIAS_OK, "%s: %s", name, err->msg);
        ck_assert_int_eq(mpbias_data_validate(d, err), MPBIAS_OK);
        ck_assert_int_ge(d->n, 2);
        ck_assert_int_ge(d->d, 1);
        mpbias_data_clear(d);
    }
    ck_assert_int_eq(i, 3);
    ck_assert_int_eq(mpbias_example_list(-1, &name, &descr), 0);
    ck_assert_int_eq(mpbias_example_list(3, &name, &descr), 0);
    ck_assert_int_eq(mpbias_example_list(1000, &name, &descr), 0);
}
END_TEST

START_TEST(test_transition_entries)
{
    /* x1 = (2, 1, 0.5, 0), y1 = +1; x2 = (-2, 0.5, -1, -1), y2 = -1 */
    static const int y[] = { 1, -1 };
    static const char *const z[] = {
        "2", "1", "1/2", "0",
        "2", "-1/2", "1", "1",
    };
    mpbias_data_t d;
    mpbias_data_init(d);
    ck_assert_int_eq(mpbias_example_load(d, "transition", NULL), MPBIAS_OK);
    tu_assert_data(d, 2, 4, y, z);
    ck_assert_str_eq(d->name, "transition");
    ck_assert_int_eq(mpbias_data_nnz(d), 7);
    mpbias_data_clear(d);
}
END_TEST

START_TEST(test_orthogonal_entries)
{
    /* x1 = (1, 2, 0, 0), y1 = +1; x2 = (0, 0, -1, 0.5), y2 = -1 */
    static const int y[] = { 1, -1 };
    static const char *const z[] = {
        "1", "2", "0", "0",
        "0", "0", "1", "-1/2",
    };
    mpbias_data_t d;
    mpbias_data_init(d);
    ck_assert_int_eq(mpbias_example_load(d, "orthogonal", NULL), MPBIAS_OK);
    tu_assert_data(d, 2, 4, y, z);
    mpbias_data_clear(d);
}
END_TEST

START_TEST(test_unknown_example)
{
    static const char *const names[] = { "nope", "", "Transition", "sparse-teacherx",
                                         "transition:n=3" };
    size_t i;
    for (i = 0; i < sizeof names / sizeof names[0]; i++)
    {
        mpbias_data_t d;
        mpbias_err_t err;
        char *msg = tu_sprintf("unknown example '%s' (see 'mpbias info --list-examples')", names[i]);
        mpbias_data_init(d);
        ck_assert_int_eq(mpbias_example_load(d, names[i], err), MPBIAS_ERR_ARG);
        ck_assert_str_eq(err->msg, msg);
        ck_assert_int_eq(d->n, 0);
        free(msg);
    }
}
END_TEST

/* ------------------------------------------------------------------ */
/* the sparse-teacher generator                                        */
/* ------------------------------------------------------------------ */

/* Check everything the generator promises for p, independently:
   teacher with exactly k entries +-1, labels y = sign(w* . x) with
   x = y z, |w* . x| >= min_margin (and > 0), features with at most
   `digits` decimal places, both classes. */
static void
check_generated(const mpbias_gen_params *p)
{
    mpbias_data_t d;
    mpbias_err_t err;
    fmpq *w;
    fmpq_t dot, x, mm;
    fmpz_t scale;
    mpq_t mq;
    slong i, j, nz = 0, npos = 0;

    mpbias_data_init(d);
    mpbias_err_clear(err);
    ck_assert_msg(mpbias_gen_sparse_teacher(d, p, err) == MPBIAS_OK, "%s", err->msg);
    ck_assert_int_eq(d->n, p->n);
    ck_assert_int_eq(d->d, p->d);
    w = _fmpq_vec_init(p->d);
    ck_assert_int_eq(mpbias_gen_teacher(w, p, err), MPBIAS_OK);
    for (j = 0; j < p->d; j++)
        if (!fmpq_is_zero(w + j))
        {
            nz++;
            ck_assert(fmpq_is_one(w + j) || (fmpz_equal_si(fmpq_numref(w + j), -1)
                                              && fmpz_is_one(fmpq_denref(w + j))));
        }
    ck_assert_int_eq(nz, p->k);

    fmpq_init(dot);
    fmpq_init(x);
    fmpq_init(mm);
    fmpz_init(scale);
    mpq_init(mq);
    mpq_set_d(mq, p->min_margin);          /* the double, exactly */
    fmpq_set_mpq(mm, mq);
    fmpz_set_ui(scale, 10);
    fmpz_pow_ui(scale, scale, (ulong) p->digits);
    for (i = 0; i < p->n; i++)
    {
        ck_assert(d->y[i] == 1 || d->y[i] == -1);
        npos += d->y[i] > 0;
        fmpq_zero(dot);
        for (j = 0; j < p->d; j++)
        {
            /* x = y z has at most `digits` decimal places */
            fmpq_mul_si(x, mpbias_data_z(d, i, j), d->y[i]);
            ck_assert(fmpz_divisible(scale, fmpq_denref(x)));
            fmpq_addmul(dot, w + j, x);
        }
        /* y = sign(w* . x), w* . x != 0, |w* . x| >= min_margin */
        ck_assert_msg(fmpq_sgn(dot) == d->y[i], "sample %ld: sign(w*.x) = %d, label %d", (long) i,
                      fmpq_sgn(dot), d->y[i]);
        fmpq_abs(dot, dot);
        ck_assert(fmpq_cmp(dot, mm) >= 0);
    }
    ck_assert(npos > 0 && npos < p->n);

    _fmpq_vec_clear(w, p->d);
    fmpq_clear(dot);
    fmpq_clear(x);
    fmpq_clear(mm);
    fmpz_clear(scale);
    mpq_clear(mq);
    mpbias_data_clear(d);
}

START_TEST(test_generator_properties)
{
    mpbias_gen_params p;
    ulong seed;
    mpbias_gen_params_init(&p);
    ck_assert_int_eq(p.n, 8);
    ck_assert_int_eq(p.d, 20);
    ck_assert_int_eq(p.k, 2);
    ck_assert_uint_eq(p.seed, 1);
    ck_assert_int_eq(p.digits, 4);
    ck_assert(p.min_margin == 0.0);
    check_generated(&p);
    for (seed = 0; seed < 12; seed++)
    {
        p.seed = seed;
        p.n = 2 + (slong) seed;
        p.d = 1 + (slong) (seed % 7);
        p.k = 1 + (slong) (seed % (ulong) p.d);
        p.digits = (int) (seed % 5);
        check_generated(&p);
    }
    /* k = d, many digits, a single feature */
    mpbias_gen_params_init(&p);
    p.k = p.d;
    p.digits = 30;
    check_generated(&p);
    p.d = 1;
    p.k = 1;
    p.n = 30;
    p.digits = 0;
    check_generated(&p);
}
END_TEST

START_TEST(test_generator_min_margin)
{
    mpbias_gen_params p;
    mpbias_gen_params_init(&p);
    p.n = 25;
    p.d = 10;
    p.k = 3;
    p.min_margin = 0.5;
    check_generated(&p);
    p.min_margin = 0.3;          /* not a binary fraction: compared exactly */
    p.digits = 1;
    check_generated(&p);
    p.min_margin = 0.5 * 1.7320508;   /* just below sqrt(3)/2 */
    p.digits = 6;
    check_generated(&p);
}
END_TEST

START_TEST(test_generator_deterministic)
{
    mpbias_gen_params p;
    mpbias_data_t a, b, c;
    mpbias_err_t err;
    mpbias_gen_params_init(&p);
    p.n = 12;
    p.d = 9;
    p.k = 3;
    p.seed = 77;
    mpbias_data_init(a);
    mpbias_data_init(b);
    mpbias_data_init(c);
    ck_assert_int_eq(mpbias_gen_sparse_teacher(a, &p, err), MPBIAS_OK);
    ck_assert_int_eq(mpbias_gen_sparse_teacher(b, &p, err), MPBIAS_OK);
    tu_assert_data_equal(a, b);
    /* the same through the example loader */
    ck_assert_int_eq(mpbias_example_load(c, "sparse-teacher:n=12,d=9,k=3,seed=77", err), MPBIAS_OK);
    tu_assert_data_equal(a, c);
    mpbias_data_clear(c);
    /* another seed gives other data */
    p.seed = 78;
    ck_assert_int_eq(mpbias_gen_sparse_teacher(b, &p, err), MPBIAS_OK);
    ck_assert(!tu_data_equal(a, b));
    /* the default parameters */
    mpbias_gen_params_init(&p);
    ck_assert_int_eq(mpbias_gen_sparse_teacher(a, &p, err), MPBIAS_OK);
    ck_assert_int_eq(mpbias_example_load(c, "sparse-teacher", err), MPBIAS_OK);
    tu_assert_data_equal(a, c);
    mpbias_data_clear(c);
    ck_assert_int_eq(mpbias_example_load(c, "sparse-teacher:", err), MPBIAS_OK);
    tu_assert_data_equal(a, c);
    /* every key, min-margin too */
    p.n = 5;
    p.d = 4;
    p.k = 2;
    p.seed = 3;
    p.digits = 2;
    p.min_margin = 0.25;
    ck_assert_int_eq(mpbias_gen_sparse_teacher(a, &p, err), MPBIAS_OK);
    ck_assert_int_eq(mpbias_example_load(c, "sparse-teacher:n=5,d=4,k=2,seed=3,digits=2,"
                                         "min-margin=0.25", err), MPBIAS_OK);
    tu_assert_data_equal(a, c);
    /* the teacher is a function of the parameters too */
    {
        fmpq *w1 = _fmpq_vec_init(4), *w2 = _fmpq_vec_init(4);
        ck_assert_int_eq(mpbias_gen_teacher(w1, &p, NULL), MPBIAS_OK);
        ck_assert_int_eq(mpbias_gen_teacher(w2, &p, NULL), MPBIAS_OK);
        slong j;
        for (j = 0; j < 4; j++)
            ck_assert(fmpq_equal(w1 + j, w2 + j));
        _fmpq_vec_clear(w1, 4);
        _fmpq_vec_clear(w2, 4);
    }
    mpbias_data_clear(a);
    mpbias_data_clear(b);
    mpbias_data_clear(c);
}
END_TEST

START_TEST(test_generator_bad_params)
{
    static const struct { slong n, d, k; int digits; double mm; const char *msg; } c[] = {
        { 1, 20, 2, 4, 0, "generator: n must be at least 2 (got 1)" },
        { 0, 20, 2, 4, 0, "generator: n must be at least 2 (got 0)" },
        { 8, 0, 1, 4, 0, "generator: d must be at least 1 (got 0)" },
        { 8, 3, 4, 4, 0, "generator: k must be in 1..d (got k=4, d=3)" },
        { 8, 3, 0, 4, 0, "generator: k must be in 1..d (got k=0, d=3)" },
        { 8, 3, -1, 4, 0, "generator: k must be in 1..d (got k=-1, d=3)" },
        { 8, 20, 2, 31, 0, "generator: digits must be in 0..30 (got 31)" },
        { 8, 20, 2, -1, 0, "generator: digits must be in 0..30 (got -1)" },
        { 8, 20, 2, 4, -0.5, "generator: min-margin must be a finite number >= 0" },
        { 8, 20, 4, 4, 1.5, "generator: min-margin 1.5 is too large for k=4 (at most sqrt(k)/2 = 1, "
          "or too many samples would be rejected)" },
    };
    size_t i;
    for (i = 0; i < sizeof c / sizeof c[0]; i++)
    {
        mpbias_gen_params p;
        mpbias_data_t d;
        mpbias_err_t err;
        fmpq *w = _fmpq_vec_init(30);
        mpbias_gen_params_init(&p);
        p.n = c[i].n;
        p.d = c[i].d;
        p.k = c[i].k;
        p.digits = c[i].digits;
        p.min_margin = c[i].mm;
        mpbias_data_init(d);
        mpbias_err_clear(err);
        ck_assert_int_eq(mpbias_gen_sparse_teacher(d, &p, err), MPBIAS_ERR_ARG);
        ck_assert_str_eq(err->msg, c[i].msg);
        ck_assert_int_eq(d->n, 0);
        ck_assert_int_eq(mpbias_gen_teacher(w, &p, err), MPBIAS_ERR_ARG);
        ck_assert_str_eq(err->msg, c[i].msg);
        _fmpq_vec_clear(w, 30);
    }
    {
        mpbias_gen_params p;
        mpbias_data_t d;
        mpbias_err_t err;
        mpbias_gen_params_init(&p);
        mpbias_data_init(d);
        p.min_margin = NAN;
        ck_assert_int_eq(mpbias_gen_sparse_teacher(d, &p, err), MPBIAS_ERR_ARG);
        ck_assert_str_eq(err->msg, "generator: min-margin must be a finite number >= 0");
        p.min_margin = INFINITY;
        ck_assert_int_eq(mpbias_gen_sparse_teacher(d, &p, err), MPBIAS_ERR_ARG);
        ck_assert_str_eq(err->msg, "generator: min-margin must be a finite number >= 0");
    }
}
END_TEST

START_TEST(test_example_bad_specs)
{
    static const struct { const char *name, *msg; } c[] = {
        { "sparse-teacher:foo=1", "example 'sparse-teacher:foo=1': unknown parameter 'foo' "
          "(keys n, d, k, seed, digits, min-margin)" },
        { "sparse-teacher:n=abc", "example 'sparse-teacher:n=abc': bad value for 'n'" },
        { "sparse-teacher:n=5x", "example 'sparse-teacher:n=5x': bad value for 'n'" },
        { "sparse-teacher:n=-3", "example 'sparse-teacher:n=-3': bad value for 'n'" },
        { "sparse-teacher:seed=", "example 'sparse-teacher:seed=': bad value for 'seed'" },
        { "sparse-teacher:n=99999999999999999999999",
          "example 'sparse-teacher:n=99999999999999999999999': bad value for 'n'" },
        { "sparse-teacher:min-margin=x", "example 'sparse-teacher:min-margin=x': bad value for "
          "'min-margin'" },
        { "sparse-teacher:n", "example 'sparse-teacher:n': expected key=value parameters "
          "(keys n, d, k, seed, digits, min-margin)" },
        { "sparse-teacher:=3", "example 'sparse-teacher:=3': expected key=value parameters "
          "(keys n, d, k, seed, digits, min-margin)" },
        { "sparse-teacher:n,d=3", "example 'sparse-teacher:n,d=3': expected key=value parameters "
          "(keys n, d, k, seed, digits, min-margin)" },
        { "sparse-teacher:n=1", "generator: n must be at least 2 (got 1)" },
        { "sparse-teacher:k=0", "generator: k must be in 1..d (got k=0, d=20)" },
        { "sparse-teacher:k=5,d=3", "generator: k must be in 1..d (got k=5, d=3)" },
        { "sparse-teacher:digits=31", "generator: digits must be in 0..30 (got 31)" },
        { "sparse-teacher:digits=4000000000", "generator: digits must be in 0..30 (got 4000000000)" },
        { "sparse-teacher:digits=4294967296", "generator: digits must be in 0..30 (got 4294967296)" },
        { "sparse-teacher:n=", "example 'sparse-teacher:n=': bad value for 'n'" },
        { "sparse-teacher:min-margin=", "example 'sparse-teacher:min-margin=': bad value for "
          "'min-margin'" },
        { "sparse-teacher:n=5,seed=,d=3", "example 'sparse-teacher:n=5,seed=,d=3': bad value for "
          "'seed'" },
        { "sparse-teacher:min-margin=nan", "generator: min-margin must be a finite number >= 0" },
    };
    size_t i;
    for (i = 0; i < sizeof c / sizeof c[0]; i++)
    {
        mpbias_data_t d;
        mpbias_err_t err;
        mpbias_data_init(d);
        mpbias_err_clear(err);
        ck_assert_msg(mpbias_example_load(d, c[i].name, err) == MPBIAS_ERR_ARG, "%s accepted",
                      c[i].name);
        ck_assert_str_eq(err->msg, c[i].msg);
        ck_assert_int_eq(d->n, 0);
    }
}
END_TEST

/* ------------------------------------------------------------------ */
/* writing and reading back                                            */
/* ------------------------------------------------------------------ */

static void
round_trip(const mpbias_data_t a, const char *dir)
{
    static const struct { mpbias_format f; const char *file; } fmts[] = {
        { MPBIAS_FORMAT_LIBSVM, "rt.svm" }, { MPBIAS_FORMAT_CSV, "rt.csv" },
        { MPBIAS_FORMAT_LIBSVM, "rt-libsvm.txt" }, { MPBIAS_FORMAT_CSV, "rt-csv.txt" },
    };
    size_t i;
    for (i = 0; i < sizeof fmts / sizeof fmts[0]; i++)
    {
        char *path = tu_sprintf("%s/%s", dir, fmts[i].file);
        FILE *f = fopen(path, "w");
        mpbias_data_t b;
        mpbias_err_t err;
        mpbias_read_opts o;
        ck_assert_ptr_nonnull(f);
        mpbias_err_clear(err);
        ck_assert_msg(mpbias_data_write(f, a, fmts[i].f, err) == MPBIAS_OK, "%s", err->msg);
        ck_assert_int_eq(fclose(f), 0);
        mpbias_data_init(b);
        /* automatic format (by extension, or by content for .txt) */
        ck_assert_msg(mpbias_data_read_file(b, path, NULL, err) == MPBIAS_OK, "%s", err->msg);
        tu_assert_data_equal(a, b);
        mpbias_data_clear(b);
        /* forced format */
        mpbias_read_opts_init(&o);
        o.format = fmts[i].f;
        ck_assert_msg(mpbias_data_read_file(b, path, &o, err) == MPBIAS_OK, "%s", err->msg);
        tu_assert_data_equal(a, b);
        mpbias_data_clear(b);
        ck_assert_int_eq(unlink(path), 0);
        free(path);
    }
}

START_TEST(test_write_exact_text)
{
    /* the transition example, written by hand from x = y z */
    static const char csv[] = "y,x1,x2,x3,x4\n+1,2,1,0.5,0\n-1,-2,0.5,-1,-1\n";
    static const char svm[] = "+1 1:2 2:1 3:0.5\n-1 1:-2 2:0.5 3:-1 4:-1\n";
    char *dir = tu_mkdtemp(), *path = tu_sprintf("%s/out.txt", dir), *got;
    mpbias_data_t d;
    FILE *f;
    mpbias_data_init(d);
    ck_assert_int_eq(mpbias_example_load(d, "transition", NULL), MPBIAS_OK);

    f = fopen(path, "w");
    ck_assert_int_eq(mpbias_data_write(f, d, MPBIAS_FORMAT_CSV, NULL), MPBIAS_OK);
    fclose(f);
    got = tu_read_file(path, NULL);
    ck_assert_str_eq(got, csv);
    free(got);

    f = fopen(path, "w");
    ck_assert_int_eq(mpbias_data_write(f, d, MPBIAS_FORMAT_LIBSVM, NULL), MPBIAS_OK);
    fclose(f);
    got = tu_read_file(path, NULL);
    ck_assert_str_eq(got, svm);
    free(got);

    unlink(path);
    free(path);
    tu_rm_rf(dir);
    mpbias_data_clear(d);
}
END_TEST

START_TEST(test_write_read_round_trip)
{
    char *dir = tu_mkdtemp();
    mpbias_data_t d;
    mpbias_gen_params p;
    mpbias_err_t err;
    ulong seed;
    mpbias_data_init(d);

    ck_assert_int_eq(mpbias_example_load(d, "transition", NULL), MPBIAS_OK);
    round_trip(d, dir);
    ck_assert_int_eq(mpbias_example_load(d, "orthogonal", NULL), MPBIAS_OK);
    round_trip(d, dir);
    mpbias_gen_params_init(&p);
    for (seed = 1; seed <= 4; seed++)
    {
        p.seed = seed;
        p.digits = (int) (seed == 4 ? 30 : seed - 1);     /* 0, 1, 2 (many zeros) and 30 */
        ck_assert_int_eq(mpbias_gen_sparse_teacher(d, &p, err), MPBIAS_OK);
        round_trip(d, dir);
    }
    /* a last feature that is zero in every sample keeps d through LIBSVM */
    tu_data_from_text(d, "1,1,0\n-1,2,0\n", "lastzero.csv", MPBIAS_FORMAT_AUTO);
    ck_assert_int_eq(d->d, 2);
    round_trip(d, dir);
    tu_data_from_text(d, "1,0,0,1,0,0\n-1,0,0,2,0,0\n1,0,0,0.5,0,0\n", "z.csv", MPBIAS_FORMAT_AUTO);
    round_trip(d, dir);
    /* values needing many digits, tiny and huge */
    tu_data_from_text(d, "1 1:1e-400 3:123456789012345678901234567890.125\n"
                      "-1 2:-0.0000001 3:1e25\n", "big.svm", MPBIAS_FORMAT_AUTO);
    round_trip(d, dir);
    mpbias_data_clear(d);
    tu_rm_rf(dir);
}
END_TEST

START_TEST(test_write_refused)
{
    char *dir = tu_mkdtemp(), *path = tu_sprintf("%s/w.txt", dir);
    mpbias_data_t d;
    mpbias_err_t err;
    FILE *f = fopen(path, "w");
    mpbias_data_init(d);
    tu_data_from_text(d, "1 1:1 2:2\n-1 1:1\n", "w.svm", MPBIAS_FORMAT_AUTO);
    fmpq_set_si(mpbias_data_z(d, 1, 1), 1, 3);         /* x = -1/3: no finite decimal */
    ck_assert_int_eq(mpbias_data_write(f, d, MPBIAS_FORMAT_LIBSVM, err), MPBIAS_ERR_ARG);
    ck_assert_str_eq(err->msg, "feature 2 of sample 2 is -1/3, which has no finite decimal "
                     "expansion and cannot be written exactly");
    ck_assert_int_eq(mpbias_data_write(f, d, MPBIAS_FORMAT_CSV, err), MPBIAS_ERR_ARG);
    ck_assert_str_eq(err->msg, "feature 2 of sample 2 is -1/3, which has no finite decimal "
                     "expansion and cannot be written exactly");
    ck_assert_int_eq(mpbias_data_write(f, d, MPBIAS_FORMAT_AUTO, err), MPBIAS_ERR_ARG);
    ck_assert_str_eq(err->msg, "unknown output format");
    fclose(f);
    unlink(path);
    free(path);
    tu_rm_rf(dir);
    mpbias_data_clear(d);
}
END_TEST

static Suite *
example_suite(void)
{
    Suite *s = suite_create("example");
    TCase *tc;

    tc = tcase_create("builtin");
    tcase_add_test(tc, test_list_all_load);
    tcase_add_test(tc, test_transition_entries);
    tcase_add_test(tc, test_orthogonal_entries);
    tcase_add_test(tc, test_unknown_example);
    suite_add_tcase(s, tc);

    tc = tcase_create("generator");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_generator_properties);
    tcase_add_test(tc, test_generator_min_margin);
    tcase_add_test(tc, test_generator_deterministic);
    tcase_add_test(tc, test_generator_bad_params);
    tcase_add_test(tc, test_example_bad_specs);
    suite_add_tcase(s, tc);

    tc = tcase_create("write");
    tu_tcase_tmpdir(tc);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_write_exact_text);
    tcase_add_test(tc, test_write_read_round_trip);
    tcase_add_test(tc, test_write_refused);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return tu_main(example_suite());
}
