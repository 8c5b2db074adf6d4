/*
 * t-example.c -- built-in examples, the sparse-teacher generator and the
 * exact writer (src/data/example.c, mpbias_data_write).
 */
#include "testutil.h"
#include "mpbias-impl.h"   /* _mpbias_rng_seed: the seeded state */
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

/* "Deterministic in seed on every platform": the generator's output for
   fixed parameters, compared with datasets produced by an independent
   implementation written from doc/README.md alone (tests/gen_golden.py:
   Python, its own splitmix64 and xoshiro256**, Box-Muller in mpmath at 128
   bits).  Each row: the label, then the features times 10^digits.  Cases:
   digits 0, 4, 12 and 30, seeds 0 and 2^64 - 1, k = 1 and k = d, a
   min-margin that rejects draws.  Also splitmix64's published first output
   for seed 0 (0xe220a8397b1dcdaf) through the seeded state. */
typedef struct
{
    slong n, d, k;
    ulong seed;
    int digits;
    double min_margin;
    const char *teacher;
    const char *rows[8];
} golden_case;

static const golden_case golden[] = {
    { 6, 5, 2, UINT64_C(2026), 4, 0.1, "0 0 0 -1 1",
      { "+1 -61 6828 -6249 -1334 1985",
        "+1 3133 -3692 156 -8944 3871",
        "+1 15261 9862 -11857 -8249 4401",
        "-1 2692 8835 -4420 3748 2317",
        "+1 -997 7356 -559 -19144 15026",
        "-1 -31236 -4424 -3472 1615 -8335" } },
    { 3, 2, 1, UINT64_C(7), 30, 0.0, "1 0",
      { "+1 587099580712580486701134697599 94471861064937849309747708122",
        "+1 1875297392159480300400552440963 779201415356578748953723337830",
        "-1 -126007656630734008873698961749 260004755101559945300023584605" } },
    { 4, 3, 3, UINT64_C(0), 0, 0.0, "-1 1 -1",
      { "-1 -1 0 2",
        "+1 -1 0 0",
        "-1 1 -2 -1",
        "+1 0 1 0" } },
    { 3, 4, 1, UINT64_C(18446744073709551615), 12, 0.0, "-1 0 0 0",
      { "+1 -17250642598 -121902880290 156330762478 -728208987489",
        "-1 1586055098694 -1204415884225 301806861320 -46859142677",
        "+1 -1250739877934 -2032109932808 -749443968928 -723504235" } },
    { 8, 20, 2, UINT64_C(1), 4, 0.0, "0 0 0 0 0 0 0 0 1 0 0 0 0 0 0 0 0 -1 0 0",
      { "+1 5266 -16881 -5060 3602 -1816 7811 -22417 22865 -12403 -5825 3187 8401 7518 22057 -10291 827 8732 -13575 22113 -7821",
        "-1 -14183 -11652 -2728 -11629 4443 165 2546 3439 -3622 13528 8939 5365 10035 -13315 -147 9034 15947 -245 6275 28345",
        "+1 5707 -15191 -8376 -15039 5111 2468 -7371 -7786 17933 -1397 -326 -2455 1566 2498 -2587 -2939 1304 2427 5372 -15198",
        "+1 8879 691 8946 7585 -19415 -189 17517 -1337 4555 3984 -7368 2712 -17041 -1979 -3135 1523 2670 -14324 6651 9086",
        "-1 694 2174 2673 2712 -12765 -7542 14939 -1028 8456 -11498 -6524 8656 15099 -8633 -2523 5681 -22410 12021 -8426 -11887",
        "+1 -4584 86 9193 -9616 4499 10042 3091 6752 -3934 -1007 -6276 22087 -13166 8161 -12640 -10047 8406 -4638 3917 13399",
        "-1 3048 11891 2773 17233 -16450 6876 3230 -2698 691 11703 12304 -5779 11725 -3478 -5436 -18445 834 6479 -21851 -2201",
        "-1 11499 10056 -4663 -13458 5677 15677 5719 9141 12848 10693 -1712 581 -8775 9851 1088 11357 1802 13639 -14495 1209" } }
};

START_TEST(test_generator_golden)
{
    size_t c;
    _mpbias_rng_t rng;
    _mpbias_rng_seed(&rng, 0);
    ck_assert(rng.s[0] == UINT64_C(0xe220a8397b1dcdaf));
    for (c = 0; c < sizeof golden / sizeof golden[0]; c++)
    {
        const golden_case *g = golden + c;
        mpbias_gen_params p;
        mpbias_data_t d;
        mpbias_err_t err;
        fmpq *w;
        fmpz_t X, scale;
        fmpq_t z;
        slong i, j;
        char buf[64];
        const char *s;
        mpbias_gen_params_init(&p);
        p.n = g->n;
        p.d = g->d;
        p.k = g->k;
        p.seed = g->seed;
        p.digits = g->digits;
        p.min_margin = g->min_margin;
        mpbias_data_init(d);
        mpbias_err_clear(err);
        ck_assert_msg(mpbias_gen_sparse_teacher(d, &p, err) == MPBIAS_OK, "%s", err->msg);
        ck_assert_int_eq(d->n, g->n);
        ck_assert_int_eq(d->d, g->d);
        w = _fmpq_vec_init(g->d);
        ck_assert_int_eq(mpbias_gen_teacher(w, &p, err), MPBIAS_OK);
        fmpz_init(X);
        fmpz_init(scale);
        fmpq_init(z);
        fmpz_ui_pow_ui(scale, 10, (ulong) g->digits);
        s = g->teacher;
        for (j = 0; j < g->d; j++)
        {
            long v = strtol(s, (char **) &s, 10);
            ck_assert_msg(fmpq_equal_si(w + j, v), "case %zu: teacher entry %ld", c, (long) j);
        }
        for (i = 0; i < g->n; i++)
        {
            int y;
            s = g->rows[i];
            y = (int) strtol(s, (char **) &s, 10);
            ck_assert_msg(d->y[i] == y, "case %zu: label of sample %ld", c, (long) i);
            for (j = 0; j < g->d; j++)
            {
                size_t L;
                while (*s == ' ')
                    s++;
                L = strcspn(s, " ");
                ck_assert(L < sizeof buf);
                memcpy(buf, s, L);
                buf[L] = '\0';
                s += L;
                ck_assert_int_eq(fmpz_set_str(X, buf, 10), 0);
                /* z = y x = y X / 10^digits */
                fmpz_mul_si(X, X, y);
                fmpq_set_fmpz_frac(z, X, scale);
                ck_assert_msg(fmpq_equal(z, mpbias_data_z(d, i, j)),
                              "case %zu (seed %lu, digits %d): z[%ld][%ld] differs from the "
                              "independent implementation", c, (unsigned long) g->seed,
                              g->digits, (long) i, (long) j);
            }
        }
        fmpq_clear(z);
        fmpz_clear(X);
        fmpz_clear(scale);
        _fmpq_vec_clear(w, g->d);
        mpbias_data_clear(d);
    }
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
    tcase_add_test(tc, test_generator_golden);
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
