/*
 * t-sweep_alpha.c -- `mpbias sweep --alpha-range A0:A1:N` uses each scale
 * rounded to 6 significant digits, and that exact decimal (doc/sweep.md:
 * "as rounded by --alpha-range to 6 digits: that exact decimal is used").
 *
 * Oracle: the same sweep given the 6-digit decimals with --alphas must
 * give the same file, byte for byte; one more digit (1.414214 instead of
 * 1.41421) must change it (so the comparison can fail).  Hard cases: the
 * log-spaced points 10 and 0.1 that exp(log(..)) lands next to, not on
 * (10.000000000000002 and the like print as "10").
 */
#include "testutil.h"

static char *
sweep_file(const char *dir, const char *sub, const char *opt, const char *val)
{
    tu_run_t r;
    char *out = tu_sprintf("%s/%s", dir, sub), *path, *text;
    size_t len;
    tu_run(&r, "sweep", "--example", "transition", "--depths", "2", opt, val, "--until-loss",
           "1e-2", "--out", out, "-q", NULL);
    ck_assert_msg(r.status == 0, "sweep %s %s: status %d: %s", opt, val, r.status, r.err);
    tu_run_free(&r);
    path = tu_sprintf("%s/results.csv", out);
    text = tu_read_file(path, &len);
    ck_assert_ptr_nonnull(text);
    free(path);
    free(out);
    return text;
}

/* the alpha column (4th) of every data row, comma-separated */
static char *
alpha_column(const char *csv)
{
    char *out = malloc(strlen(csv) + 1), *o = out;
    const char *p = strchr(csv, '\n');
    *o = '\0';
    while (p != NULL && p[1] != '\0')
    {
        const char *f = p + 1;
        int k;
        for (k = 0; k < 3; k++)
            f = strchr(f, ',') + 1;
        if (o != out)
            *o++ = ' ';
        while (*f != ',')
            *o++ = *f++;
        *o = '\0';
        p = strchr(p + 1, '\n');
    }
    return out;
}

START_TEST(test_alpha_range_exact_decimals)
{
    static const struct
    {
        const char *range, *alphas, *column;
    } cases[] = {
        { "1:2:3", "1,1.41421,2", "1 1 1.41421 1.41421 2 2" },
        { "0.01:1:3", "0.01,0.1,1", "0.01 0.01 0.1 0.1 1 1" },
        { "1:100:3", "1,10,100", "1 1 10 10 100 100" },
    };
    char *dir = tu_mkdtemp();
    size_t c;
    for (c = 0; c < sizeof cases / sizeof cases[0]; c++)
    {
        char *sa = tu_sprintf("a%zu", c), *sb = tu_sprintf("b%zu", c);
        char *a = sweep_file(dir, sa, "--alpha-range", cases[c].range);
        char *b = sweep_file(dir, sb, "--alphas", cases[c].alphas);
        char *col = alpha_column(a);
        ck_assert_msg(strcmp(col, cases[c].column) == 0, "--alpha-range %s: alphas '%s', expected '%s'",
                      cases[c].range, col, cases[c].column);
        ck_assert_msg(strcmp(a, b) == 0, "--alpha-range %s and --alphas %s differ", cases[c].range,
                      cases[c].alphas);
        free(col);
        free(a);
        free(b);
        free(sa);
        free(sb);
    }
    {
        /* the comparison sees a seventh digit */
        char *a = sweep_file(dir, "c", "--alpha-range", "1:2:3");
        char *b = sweep_file(dir, "d", "--alphas", "1,1.414214,2");
        ck_assert(strcmp(a, b) != 0);
        free(a);
        free(b);
    }
    tu_rm_rf(dir);
}
END_TEST

static Suite *
sweep_alpha_suite(void)
{
    Suite *s = suite_create("sweep_alpha");
    TCase *tc = tcase_create("alpha_range");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_alpha_range_exact_decimals);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return tu_main(sweep_alpha_suite());
}
