/*
 * t-cli.c -- the mpbias program ($MPBIAS_BIN): help and version, usage
 * errors (exit 2), data errors (exit 1, "mpbias: FILE:LINE:COL: ..."),
 * `info` results and `gen` output.
 */
#include "testutil.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>

/* Run and check the exit status; the caller frees r. */
#define RUN_EXPECT(r, want_, ...) do { \
        tu_run((r), __VA_ARGS__, NULL); \
        ck_assert_msg((r)->status == (want_), "exit status %d, expected %d\nstdout:\n%s\nstderr:\n%s", \
                      (r)->status, (want_), (r)->out, (r)->err); \
    } while (0)

/* A usage error: exit 2, nothing on stdout, stderr exactly
   "mpbias: MSG\nTry 'mpbias[ CMD] --help' for more information.\n". */
static void
expect_usage(const char *cmd, const char *msg, const char *const *args)
{
    tu_run_t r;
    char *want = tu_sprintf("mpbias: %s\nTry 'mpbias%s%s --help' for more information.\n", msg,
                            cmd ? " " : "", cmd ? cmd : "");
    tu_runv(&r, args);
    ck_assert_msg(r.status == 2, "%s: exit %d, expected 2\nstderr: %s", args[0] ? args[0] : "",
                  r.status, r.err);
    ck_assert_msg(strcmp(r.err, want) == 0, "stderr\n  '%s'\nexpected\n  '%s'", r.err, want);
    ck_assert_str_eq(r.out, "");
    free(want);
    tu_run_free(&r);
}

#define USAGE(cmd, msg, ...) do { \
        static const char *const args_[] = { __VA_ARGS__, NULL }; \
        expect_usage((cmd), (msg), args_); \
    } while (0)

/* ------------------------------------------------------------------ */
/* help and version                                                    */
/* ------------------------------------------------------------------ */

/* The option names of --help's option lines ("  --name ..." or
   "  -x, --name ..."), in one string "\nNAME1\nNAME2\n...\n"; their count
   in *n. */
static char *
help_option_names(const char *help, size_t *n)
{
    char *names = tu_sprintf("%s", "\n");
    const char *line;
    *n = 0;
    for (line = help; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
    {
        const char *p = line, *q;
        char *longer;
        if (strncmp(p, "  -", 3) != 0)
            continue;
        p += 2;
        if (p[1] != '-')
            p += 4;   /* "-x, " */
        if (strncmp(p, "--", 2) != 0)
            continue;
        p += 2;
        for (q = p; (*q >= 'a' && *q <= 'z') || (*q >= '0' && *q <= '9') || *q == '-'; q++)
            ;
        longer = tu_sprintf("%s%.*s\n", names, (int) (q - p), p);
        free(names);
        names = longer;
        (*n)++;
    }
    return names;
}

/* The man page's item tags of a section [sec, end): the lines after .TP,
   each ending with '\n', in one string. */
static char *
man_item_tags(const char *sec, const char *end)
{
    char *tags = tu_sprintf("%s", "");
    const char *p;
    for (p = sec; p < end && (p = strstr(p, "\n.TP\n")) != NULL && p < end; p += 4)
    {
        const char *t = p + 5, *nl = strchr(t, '\n');
        char *longer = tu_sprintf("%s%.*s\n", tags, (int) (nl ? nl - t : (long) strlen(t)), t);
        free(tags);
        tags = longer;
    }
    return tags;
}

/* The options of every command's --help and the items of the man page's
   section "Options of mpbias CMD" are the same: each option --help lists
   is an item's tag there (as \-\-name, not as the prefix of a longer
   name), and each \-\-name in the tags is an option --help lists (hidden
   options are in neither). */
START_TEST(test_man_page_options)
{
    static const char *const cmds[] = { "info", "gen", "limits", "regime", "threshold",
                                        "sweep", "flow", "gd", "check", "extrapolate" };
    const char *src = getenv("MPBIAS_SRCDIR");
    char *path, *man;
    size_t i, len, nopts = 0;
    ck_assert_msg(src != NULL, "MPBIAS_SRCDIR is not set");
    path = tu_sprintf("%s/doc/mpbias.1", src);
    man = tu_read_file(path, &len);
    ck_assert_msg(man != NULL, "cannot read %s", path);
    for (i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
    {
        tu_run_t r;
        char *head = tu_sprintf(".SS \"Options of mpbias %s\"", cmds[i]);
        char *sec = strstr(man, head), *end, *names, *tags, *name, *q;
        size_t n;
        ck_assert_msg(sec != NULL, "the man page has no section %s", head);
        end = sec + strlen(head);
        while (*end && !(end[0] == '\n' && end[1] == '.' && end[2] == 'S'
                         && (end[3] == 'S' || end[3] == 'H')))
            end++;
        RUN_EXPECT(&r, 0, cmds[i], "--help");
        names = help_option_names(r.out, &n);
        tags = man_item_tags(sec, end);
        nopts += n;
        /* --help -> man: each option is in an item's tag */
        for (name = names + 1; *name; name = strchr(name, '\n') + 1)
        {
            char want[160];
            size_t k = (size_t) snprintf(want, sizeof want, "\\-\\-");
            int found = 0;
            for (q = name; *q != '\n' && k + 3 < sizeof want; q++)
            {
                if (*q == '-')
                    want[k++] = '\\';
                want[k++] = *q;
            }
            want[k] = '\0';
            for (q = tags; (q = strstr(q, want)) != NULL; q += k)
            {
                char nx = q[k];
                if (!((nx >= 'a' && nx <= 'z') || (nx >= '0' && nx <= '9')
                      || (nx == '\\' && q[k + 1] == '-')))
                {
                    found = 1;
                    break;
                }
            }
            ck_assert_msg(found, "mpbias %s --help lists %s, no item of the man page's section "
                          "does", cmds[i], want);
        }
        /* man -> --help: each \-\-name of the tags is an option of --help */
        for (q = tags; (q = strstr(q, "\\-\\-")) != NULL;)
        {
            char want[160];
            size_t k = 0;
            want[k++] = '\n';
            q += 4;
            while (k + 2 < sizeof want && ((*q >= 'a' && *q <= 'z') || (*q >= '0' && *q <= '9')
                                          || (q[0] == '\\' && q[1] == '-')))
            {
                if (*q == '\\')
                    q++;
                want[k++] = *q++;
            }
            want[k++] = '\n';
            want[k] = '\0';
            ck_assert_msg(strstr(names, want) != NULL, "the man page's section of mpbias %s has "
                          "an item --%.*s, --help does not list it", cmds[i], (int) k - 2,
                          want + 1);
        }
        free(names);
        free(tags);
        tu_run_free(&r);
        free(head);
    }
    ck_assert_int_gt((long) nopts, 100);
    free(man);
    free(path);
}
END_TEST

START_TEST(test_help_version)
{
    tu_run_t r;
    static const char *const top[] = { "info", "gen", "--help", "-h", "--version", "-V",
                                       "Usage: mpbias COMMAND" };
    size_t i;
    const char *opt;

    RUN_EXPECT(&r, 0, "--help");
    for (i = 0; i < sizeof top / sizeof top[0]; i++)
        ck_assert_msg(strstr(r.out, top[i]) != NULL, "--help does not mention %s", top[i]);
    ck_assert_str_eq(r.err, "");
    {
        char *first = tu_sprintf("%s", r.out);
        tu_run_free(&r);
        RUN_EXPECT(&r, 0, "-h");
        ck_assert_str_eq(r.out, first);
        free(first);
    }
    tu_run_free(&r);

    RUN_EXPECT(&r, 0, "--version");
    ck_assert(tu_starts_with(r.out, "mpbias 0.1.0\n"));
    ck_assert_ptr_nonnull(strstr(r.out, "mpbias " MPBIAS_VERSION_STRING));
    ck_assert_ptr_nonnull(strstr(r.out, "GMP "));
    ck_assert_ptr_nonnull(strstr(r.out, "MPFR "));
    ck_assert_ptr_nonnull(strstr(r.out, "FLINT "));
    ck_assert_str_eq(r.err, "");
    tu_run_free(&r);
    RUN_EXPECT(&r, 0, "-V");
    ck_assert(tu_starts_with(r.out, "mpbias 0.1.0\n"));
    tu_run_free(&r);

    /* every long option of `info` is documented in its help */
    {
        static const char *const info_opts[] = { "--data FILE", "--example NAME", "--data-format FMT",
                                                 "--digits K", "--list-examples", "--help",
                                                 "-h," };
        RUN_EXPECT(&r, 0, "info", "--help");
        ck_assert(tu_starts_with(r.out, "Usage: mpbias info "));
        for (i = 0; i < sizeof info_opts / sizeof info_opts[0]; i++)
        {
            opt = info_opts[i];
            ck_assert_msg(strstr(r.out, opt) != NULL, "info --help does not document %s", opt);
        }
        ck_assert_str_eq(r.err, "");
        tu_run_free(&r);
        RUN_EXPECT(&r, 0, "info", "-h");
        ck_assert(tu_starts_with(r.out, "Usage: mpbias info "));
        tu_run_free(&r);
    }
    /* and of `gen` */
    {
        static const char *const gen_opts[] = { "--n N", "--d D", "--k K", "--seed S",
                                                "--digits P", "--min-margin M", "--example NAME",
                                                "--format FMT", "--out FILE", "-o,", "--help",
                                                "-h," };
        RUN_EXPECT(&r, 0, "gen", "--help");
        ck_assert(tu_starts_with(r.out, "Usage: mpbias gen "));
        for (i = 0; i < sizeof gen_opts / sizeof gen_opts[0]; i++)
        {
            opt = gen_opts[i];
            ck_assert_msg(strstr(r.out, opt) != NULL, "gen --help does not document %s", opt);
        }
        /* the defaults it shows are the library's */
        ck_assert_ptr_nonnull(strstr(r.out, "default 8)"));
        ck_assert_ptr_nonnull(strstr(r.out, "default 20)"));
        ck_assert_str_eq(r.err, "");
        tu_run_free(&r);
    }
    /* --help wins over the other options */
    RUN_EXPECT(&r, 0, "info", "--example", "transition", "--help");
    ck_assert(tu_starts_with(r.out, "Usage: mpbias info "));
    tu_run_free(&r);
}
END_TEST

/* ------------------------------------------------------------------ */
/* usage errors: exit 2                                                */
/* ------------------------------------------------------------------ */

START_TEST(test_usage_errors)
{
    {
        static const char *const none[] = { NULL };
        expect_usage(NULL, "missing command", none);
    }
    USAGE(NULL, "unknown command 'frob'", "frob");
    USAGE(NULL, "unknown command 'Info'; did you mean 'info'?", "Info");
    /* did you mean: typos of commands and long options (insertions,
       deletions, substitutions, transpositions), none for words far from
       every name, and the abbreviations getopt_long finds ambiguous */
    USAGE(NULL, "unknown command 'limts'; did you mean 'limits'?", "limts");
    USAGE(NULL, "unknown command 'regmie'; did you mean 'regime'?", "regmie");
    USAGE(NULL, "unknown command 'sweeps'; did you mean 'sweep'?", "sweeps");
    USAGE(NULL, "unknown command 'plot'", "plot");
    USAGE("flow", "unknown option '--exmaple'; did you mean '--example'?", "flow", "--exmaple",
          "transition");
    USAGE("flow", "unknown option '--untill-loss=1e-3'; did you mean '--until-loss'?", "flow",
          "--example", "transition", "--untill-loss=1e-3");
    USAGE("regime", "unknown option '--alpah'; did you mean '--alpha'?", "regime", "--alpah",
          "1");
    USAGE("limits", "unknown option '--dpeth'; did you mean '--depth'?", "limits", "--dpeth",
          "3");
    USAGE("gd", "unknown option '--stpes'; did you mean '--steps'?", "gd", "--stpes", "10");
    USAGE("gd", "unknown option '--normalised'; did you mean '--normalized'?", "gd",
          "--normalised");
    /* a hidden option (flow's --start-prec) is not suggested */
    USAGE("flow", "unknown option '--strat-prec'", "flow", "--strat-prec", "80");
    USAGE("flow", "option '--d' is ambiguous (--data, --data-format, --depth, --digits)",
          "flow", "--d", "3");
    USAGE("info", "unknown option '--frobnicate'", "info", "--frobnicate");
    USAGE(NULL, "unknown option '--frob'", "--frob");
    USAGE(NULL, "unknown option '-x'", "-x");

    USAGE("info", "unknown option '--frob'", "info", "--frob");
    USAGE("info", "unknown option '-x'", "info", "-x");
    USAGE("info", "unknown option '-x'", "info", "--example", "transition", "-xy");
    USAGE("info", "option '--data' requires an argument", "info", "--data");
    USAGE("info", "option '--example' requires an argument", "info", "--example");
    USAGE("info", "option '--digits' requires an argument", "info", "--example", "transition",
          "--digits");
    USAGE("info", "invalid value 'abc' for --digits: expected an integer in [1, 1000]",
          "info", "--example", "transition", "--digits", "abc");
    USAGE("info", "invalid value '0' for --digits: expected an integer in [1, 1000]",
          "info", "--example", "transition", "--digits=0");
    USAGE("info", "invalid value '1001' for --digits: expected an integer in [1, 1000]",
          "info", "--example", "transition", "--digits", "1001");
    USAGE("info", "invalid value '5x' for --digits: expected an integer in [1, 1000]",
          "info", "--example", "transition", "--digits", "5x");
    USAGE("info", "invalid value '99999999999999999999' for --digits: expected an integer in "
          "[1, 1000]", "info", "--example", "transition", "--digits", "99999999999999999999");
    USAGE("info", "invalid value 'xml' for --data-format: expected auto, libsvm or csv",
          "info", "--example", "transition", "--data-format", "xml");
    USAGE("info", "no dataset: give --data FILE or --example NAME", "info");
    USAGE("info", "give either --data or --example, not both",
          "info", "--data", "x.svm", "--example", "transition");
    USAGE("info", "unexpected argument 'stray'", "info", "--example", "transition", "stray");
    USAGE("info", "unknown example 'nope' (see 'mpbias info --list-examples')",
          "info", "--example", "nope");
    USAGE("info", "example 'sparse-teacher:n=abc': bad value for 'n'",
          "info", "--example", "sparse-teacher:n=abc");
    USAGE("info", "generator: k must be in 1..d (got k=5, d=3)",
          "info", "--example", "sparse-teacher:d=3,k=5");

    USAGE("gen", "unknown option '--frob'", "gen", "--frob");
    USAGE("gen", "unknown option '-q'", "gen", "-q");
    USAGE("gen", "option '--n' requires an argument", "gen", "--n");
    USAGE("gen", "option '-o' requires an argument", "gen", "-o");
    USAGE("gen", "invalid value '1' for --n: expected an integer in [2, 100000000]", "gen", "--n", "1");
    USAGE("gen", "invalid value 'abc' for --n: expected an integer in [2, 100000000]",
          "gen", "--n", "abc");
    USAGE("gen", "invalid value '0' for --d: expected an integer in [1, 100000000]", "gen", "--d", "0");
    USAGE("gen", "invalid value '0' for --k: expected an integer in [1, 100000000]", "gen", "--k", "0");
    USAGE("gen", "invalid value '-1' for --seed: expected a nonnegative integer",
          "gen", "--seed", "-1");
    USAGE("gen", "invalid value '1.5' for --seed: expected a nonnegative integer",
          "gen", "--seed", "1.5");
    USAGE("gen", "invalid value '31' for --digits: expected an integer in [0, 30]",
          "gen", "--digits", "31");
    USAGE("gen", "invalid value 'nan' for --min-margin: expected a finite number >= 0",
          "gen", "--min-margin", "nan");
    USAGE("gen", "invalid value '-1' for --min-margin: expected a finite number >= 0",
          "gen", "--min-margin", "-1");
    USAGE("gen", "invalid value 'xml' for --format: expected libsvm, svmlight or csv", "gen",
          "--format", "xml");
    USAGE("gen", "--k (7) must not exceed --d (3)", "gen", "--k", "7", "--d", "3");
    USAGE("gen", "--example cannot be combined with generator options (use --example "
          "'sparse-teacher:n=...,d=...')", "gen", "--example", "transition", "--n", "5");
    USAGE("gen", "unknown example 'nope' (see 'mpbias info --list-examples')",
          "gen", "--example", "nope");
    USAGE("gen", "unexpected argument 'extra'", "gen", "extra");
    USAGE("gen", "generator: min-margin 5 is too large for k=1 (at most sqrt(k)/2 = 0.5, or too "
          "many samples would be rejected)", "gen", "--k", "1", "--min-margin", "5");
}
END_TEST

/* ------------------------------------------------------------------ */
/* info                                                                */
/* ------------------------------------------------------------------ */

START_TEST(test_info_examples)
{
    tu_run_t r;
    RUN_EXPECT(&r, 0, "info", "--example", "transition");
    ck_assert_str_eq(r.err, "");
    ck_assert_ptr_nonnull(strstr(r.out, "dataset:          transition\n"));
    ck_assert_ptr_nonnull(strstr(r.out, "samples (N):      2 (label +1: 1, label -1: 1)\n"));
    ck_assert_ptr_nonnull(strstr(r.out, "features (d):     4\n"));
    ck_assert_ptr_nonnull(strstr(r.out, "nonzero entries:  7 of 8 (12.5% zero)\n"));
    ck_assert_ptr_nonnull(strstr(r.out, "separable:        yes"));
    ck_assert_ptr_nonnull(strstr(r.out, "l2 max margin:    2.1917051417951796582e+00"));
    ck_assert_ptr_nonnull(strstr(r.out, "56/269"));
    ck_assert_ptr_nonnull(strstr(r.out, "||w_l2||_2^2:     56/269  (exact)\n"));
    ck_assert_ptr_nonnull(strstr(r.out, "support vectors:  2 of 2 samples\n"));
    tu_run_free(&r);

    /* sqrt(269/56) = 2.1917051417951796581799...: 5 and 30 digits */
    RUN_EXPECT(&r, 0, "info", "--example", "transition", "--digits", "5");
    ck_assert_ptr_nonnull(strstr(r.out, "l2 max margin:    2.1917e+00  (= 1/||w_l2||_2, 5 "));
    tu_run_free(&r);
    RUN_EXPECT(&r, 0, "info", "--example=orthogonal", "--digits=3");
    ck_assert_ptr_nonnull(strstr(r.out, "l2 max margin:    1.00e+00 "));
    ck_assert_ptr_nonnull(strstr(r.out, "||w_l2||_2^2:     1  (exact)\n"));
    tu_run_free(&r);
    /* a long rational: rounded by default (marked '~'), exactly with
       --exact; the rounding checked against the exact rational read back
       and rounded by MPFR from 600 bits (a tie within 2^-600 would be
       needed to make that double rounding differ) */
    {
        char *p, *q, *want;
        fmpq_t x;
        mpfr_t m;
        RUN_EXPECT(&r, 0, "info", "--example", "sparse-teacher:n=20,d=30,seed=1", "--exact");
        p = strstr(r.out, "||w_l2||_2^2:     ");
        ck_assert_ptr_nonnull(p);
        p += strlen("||w_l2||_2^2:     ");
        q = strstr(p, "  (exact)\n");
        ck_assert_ptr_nonnull(q);
        *q = '\0';
        ck_assert_msg(strlen(p) > 40 && strchr(p, '/') != NULL, "not a long rational: %s", p);
        fmpq_init(x);
        ck_assert_int_eq(fmpq_set_str(x, p, 10), 0);
        mpfr_init2(m, 600);
        fmpq_get_mpfr(m, x, MPFR_RNDN);
        ck_assert_int_gt(mpfr_asprintf(&q, "%.19Re", m), 0);
        want = tu_sprintf("||w_l2||_2^2:     ~%s  (a rational, correctly rounded to 20 digits; "
                          "--exact prints it)\n", q);
        mpfr_free_str(q);
        tu_run_free(&r);
        RUN_EXPECT(&r, 0, "info", "--example", "sparse-teacher:n=20,d=30,seed=1");
        ck_assert_msg(strstr(r.out, want) != NULL, "%s\nwithout\n%s", r.out, want);
        tu_run_free(&r);
        free(want);
        fmpq_clear(x);
        mpfr_clear(m);
    }
    USAGE("info", "give either --exact or --decimal, not both", "info", "--example",
          "transition", "--decimal", "--exact");
    RUN_EXPECT(&r, 0, "info", "--example", "sparse-teacher:n=6,d=5,k=2,seed=4");
    ck_assert_ptr_nonnull(strstr(r.out, "samples (N):      6 "));
    ck_assert_ptr_nonnull(strstr(r.out, "features (d):     5\n"));
    ck_assert_ptr_nonnull(strstr(r.out, "separable:        yes"));
    tu_run_free(&r);
}
END_TEST

START_TEST(test_info_list_examples)
{
    tu_run_t r;
    const char *name, *descr;
    int i, lines = 0;
    const char *p;
    RUN_EXPECT(&r, 0, "info", "--list-examples");
    ck_assert_str_eq(r.err, "");
    for (i = 0; mpbias_example_list(i, &name, &descr); i++)
    {
        char *line = tu_sprintf("%-16s %s\n", name, descr);
        ck_assert_msg(strstr(r.out, line) != NULL, "--list-examples misses %s", name);
        free(line);
    }
    for (p = r.out; *p; p++)
        lines += (*p == '\n');
    ck_assert_int_eq(lines, i);
    ck_assert(tu_starts_with(r.out, "transition "));
    tu_run_free(&r);
}
END_TEST

START_TEST(test_info_data_file)
{
    char *dir = tu_mkdtemp();
    char *svm = tu_write_file(dir, "ok.svm", "# two samples\n+1 1:2 2:1 3:0.5\n-1 1:-2 2:0.5 3:-1 4:-1\n");
    char *csv = tu_write_file(dir, "ok.txt", "y,a,b,c,d\r\n1,2,1,0.5,0\r\n-1,-2,0.5,-1,-1\r\n");
    char *want;
    tu_run_t r;

    RUN_EXPECT(&r, 0, "info", "--data", svm);
    want = tu_sprintf("dataset:          %s\n", svm);
    ck_assert_ptr_nonnull(strstr(r.out, want));
    free(want);
    ck_assert_ptr_nonnull(strstr(r.out, "||w_l2||_2^2:     56/269  (exact)\n"));
    ck_assert_ptr_nonnull(strstr(r.out, "l2 max margin:    2.1917051417951796582e+00"));
    ck_assert_str_eq(r.err, "");
    tu_run_free(&r);

    /* CSV with CRLF, by content and forced */
    RUN_EXPECT(&r, 0, "info", "--data", csv);
    ck_assert_ptr_nonnull(strstr(r.out, "||w_l2||_2^2:     56/269  (exact)\n"));
    tu_run_free(&r);
    RUN_EXPECT(&r, 0, "info", "--data-format", "csv", "--data", csv);
    ck_assert_ptr_nonnull(strstr(r.out, "||w_l2||_2^2:     56/269  (exact)\n"));
    tu_run_free(&r);
    /* forced to the wrong format: a clear error */
    RUN_EXPECT(&r, 1, "info", "--data-format", "libsvm", "--data", csv);
    want = tu_sprintf("mpbias: %s:1:1: label 'y,a,b,c,d' is not +1 or -1\n", csv);
    ck_assert_str_eq(r.err, want);
    free(want);
    tu_run_free(&r);

    unlink(svm);
    unlink(csv);
    free(svm);
    free(csv);
    tu_rm_rf(dir);
}
END_TEST

/* The label column of a CSV file: a label-last file with a y header gives
   the same info as the label-first file (its first column holds +-1, so it
   was misread before); --label-column picks one; two label names are
   refused. */
START_TEST(test_info_label_column)
{
    tu_run_t r;
    char *dir = tu_mkdtemp(), *first, *last, *both, *noname, *want;
    first = tu_write_file(dir, "first.csv", "y,x1,x2,x3,x4\n+1,1,1,0.5,0\n-1,1,0.5,-1,-1\n");
    last = tu_write_file(dir, "last.csv", "x1,x2,x3,x4,y\n1,1,0.5,0,+1\n1,0.5,-1,-1,-1\n");
    both = tu_write_file(dir, "both.csv", "y,x1,x2,label\n1,1,1,1\n-1,1,2,-1\n");
    noname = tu_write_file(dir, "noname.csv", "a,b,c,d,e\n1,1,0.5,0,+1\n1,0.5,-1,-1,-1\n");
    RUN_EXPECT(&r, 0, "info", "--data", first);
    want = tu_sprintf("%s", strstr(r.out, "samples"));
    tu_run_free(&r);
    RUN_EXPECT(&r, 0, "info", "--data", last);
    ck_assert_str_eq(strstr(r.out, "samples"), want);
    tu_run_free(&r);
    RUN_EXPECT(&r, 0, "info", "--data", noname, "--label-column", "e");
    ck_assert_str_eq(strstr(r.out, "samples"), want);
    tu_run_free(&r);
    RUN_EXPECT(&r, 0, "info", "--data", noname, "--label-column", "5");
    ck_assert_str_eq(strstr(r.out, "samples"), want);
    tu_run_free(&r);
    free(want);
    RUN_EXPECT(&r, 1, "info", "--data", both);
    want = tu_sprintf("mpbias: %s:1:9: the header names two label columns (1 and 4): pass "
                      "--label-column NAME|INDEX\n", both);
    ck_assert_str_eq(r.err, want);
    free(want);
    tu_run_free(&r);
    RUN_EXPECT(&r, 1, "info", "--data", noname, "--label-column", "f");
    want = tu_sprintf("mpbias: %s: label column 'f': no such column in the header row\n", noname);
    ck_assert_str_eq(r.err, want);
    free(want);
    tu_run_free(&r);
    free(first);
    free(last);
    free(both);
    free(noname);
    tu_rm_rf(dir);
}
END_TEST

/* bad input files: exit 1, stderr "mpbias: PATH<rest>\n" */
typedef struct
{
    const char *name;
    const char *text;
    const char *rest;       /* the message after the path */
} bad_file;

static const bad_file bad_files[] = {
    { "empty.svm", "", ": empty file: no samples" },
    { "comments.svm", "# nothing\n# here\n", ": no samples: the file has only comments and blank lines" },
    { "header.csv", "y,x1,x2\n", ": no samples after the header row" },
    { "ragged.csv", "1,2,3\n-1,4\n", ":2:1: ragged row: 2 fields where line 1 has 3" },
    { "nonnum.csv", "1,2\n-1,abc\n", ":2:4: 'abc' is not a number" },
    { "nonnum.svm", "+1 1:2\n-1 1:1..5\n", ":2:8: '1..5' is not a number" },
    { "label0.svm", "0 1:1\n", ":1:1: label '0' is not +1 or -1" },
    { "label2.csv", "1,1\n2,2\n", ":2:1: label '2' is not +1 or -1" TU_CSV_ADVICE },
    { "labelyes.svm", "+1 1:1\nyes 1:1\n", ":2:1: label 'yes' is not +1 or -1" },
    { "nan.svm", "+1 1:NaN\n-1 1:1\n", ":1:6: NaN is not allowed as a value" },
    { "inf.csv", "1,1\n-1,-inf\n", ":2:4: infinity is not allowed as a value" },
    { "zero.svm", "+1 1:1\n-1 1:0\n", ":2: sample 2 is zero (all features are 0): no linear "
      "classifier can give it a positive margin" },
    { "index0.svm", "+1 0:1\n", ":1:4: feature index 0: LIBSVM indices start at 1" },
    { "repeat.svm", "+1 1:1 1:2\n", ":1:8: feature index 1 is repeated" },
    { "order.svm", "+1 2:1 1:2\n", ":1:8: feature index 1 comes after 2: indices must be strictly "
      "increasing" },
    { "nocolon.svm", "+1 3\n", ":1:4: '3' is not an index:value pair" },
    { "badindex.svm", "+1 1.5:1\n", ":1:5: feature index '1.5' is not a positive integer" },
    { "oneclass.svm", "+1 1:1\n+1 1:2\n", ": all 2 samples have label +1: both classes (+1 and -1) "
      "are needed" },
    { "overflow.svm", "+1 99999999999999999999999:1\n-1 1:1\n", ":1:4: feature index "
      "'99999999999999999999999' is too large: the dimension would be beyond what memory allows" },
    { "onecol.csv", "1\n-1\n", ":1:1: CSV row has no features: expected label,x1,...,xd" },
    { "exponent.svm", "+1 1:1e-2000000\n", ":1:8: exponent of '1e-2000000' is beyond the supported "
      "range (|exponent| <= 1000000)" },
};

START_TEST(test_info_bad_files)
{
    char *dir = tu_mkdtemp();
    size_t i;
    tu_run_t r;
    char *path, *want;

    for (i = 0; i < sizeof bad_files / sizeof bad_files[0]; i++)
    {
        path = tu_write_file(dir, bad_files[i].name, bad_files[i].text);
        tu_run(&r, "info", "--data", path, NULL);
        want = tu_sprintf("mpbias: %s%s\n", path, bad_files[i].rest);
        ck_assert_msg(r.status == 1, "%s: exit %d, expected 1\n%s", bad_files[i].name, r.status,
                      r.err);
        ck_assert_msg(strcmp(r.err, want) == 0, "stderr\n  '%s'\nexpected\n  '%s'", r.err, want);
        ck_assert_str_eq(r.out, "");
        tu_run_free(&r);
        free(want);
        unlink(path);
        free(path);
    }

    /* nonexistent file, directory */
    path = tu_sprintf("%s/missing.svm", dir);
    RUN_EXPECT(&r, 1, "info", "--data", path);
    want = tu_sprintf("mpbias: %s: cannot open: %s\n", path, strerror(ENOENT));
    ck_assert_str_eq(r.err, want);
    ck_assert_str_eq(r.out, "");
    tu_run_free(&r);
    free(want);
    free(path);
    RUN_EXPECT(&r, 1, "info", "--data", dir);
    want = tu_sprintf("mpbias: %s: cannot read: %s\n", dir, strerror(EISDIR));
    path = tu_sprintf("mpbias: %s: cannot open: %s\n", dir, strerror(EISDIR));   /* non-Linux */
    ck_assert_msg(strcmp(r.err, want) == 0 || strcmp(r.err, path) == 0, "stderr: %s", r.err);
    tu_run_free(&r);
    free(want);
    free(path);

    /* a dimension beyond the memory budget (half the physical memory) */
    path = tu_write_file(dir, "huge.svm", "+1 1:1\n-1 900000000000000:1\n");
    RUN_EXPECT(&r, 1, "info", "--data", path);
    want = tu_sprintf("mpbias: %s:2:4: 2 samples x 900000000000000 features is beyond what memory "
                      "allows (dense storage limit ", path);
    ck_assert_msg(tu_starts_with(r.err, want), "stderr: %s", r.err);
    ck_assert_ptr_nonnull(strstr(r.err, " bytes)\n"));
    ck_assert_str_eq(r.out, "");
    tu_run_free(&r);
    free(want);
    unlink(path);
    free(path);

    tu_rm_rf(dir);
}
END_TEST

START_TEST(test_info_not_separable)
{
    char *dir = tu_mkdtemp();
    char *path = tu_write_file(dir, "ns.svm", "+1 1:1\n-1 1:1\n+1 2:1\n");
    char *want = tu_sprintf("mpbias: %s: the data are not linearly separable (decided exactly): "
                            "gradient flow never drives the loss to zero\n", path);
    tu_run_t r;
    RUN_EXPECT(&r, 1, "info", "--data", path);
    ck_assert_str_eq(r.err, want);
    ck_assert_ptr_nonnull(strstr(r.err, "not linearly separable"));
    ck_assert_ptr_nonnull(strstr(r.out, "separable:        no"));
    ck_assert_ptr_null(strstr(r.out, "l2 max margin"));
    tu_run_free(&r);
    free(want);
    unlink(path);
    free(path);
    tu_rm_rf(dir);
}
END_TEST

/* ------------------------------------------------------------------ */
/* flow                                                                */
/* ------------------------------------------------------------------ */

/* Whether s ends with suffix. */
static int
tu_ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* Count the lines of s. */
static int
count_lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += (*s == '\n');
    return n;
}

START_TEST(test_flow_help_and_usage)
{
    static const char *const flow_opts[] = {
        "--data FILE", "--example NAME", "--data-format FMT", "--depth D", "--alpha A",
        "--shape-a LIST", "--shape-b LIST", "--shape FILE", "--loss L", "--loss-mean",
        "--until-loss EPS", "--until-margin G", "--until-time T", "--digits K", "--prec BITS",
        "--per-decade K", "--at-loss EPS", "--format FMT", "--out FILE", "-o,", "--quiet", "-q,",
        "--help", "-h,", "--label-column COL", "--max-prec BITS", "--at-time T",
        "--checkpoint FILE", "--checkpoint-every S", "--resume"
    };
    size_t i;
    tu_run_t r;
    RUN_EXPECT(&r, 0, "flow", "--help");
    ck_assert(tu_starts_with(r.out, "Usage: mpbias flow "));
    for (i = 0; i < sizeof flow_opts / sizeof flow_opts[0]; i++)
        ck_assert_msg(strstr(r.out, flow_opts[i]) != NULL, "flow --help does not document %s",
                      flow_opts[i]);
    /* --start-prec is hidden (test_flow_raise uses it) */
    ck_assert_ptr_null(strstr(r.out, "start-prec"));
    tu_run_free(&r);
    RUN_EXPECT(&r, 0, "--help");
    ck_assert_ptr_nonnull(strstr(r.out, "  flow "));
    tu_run_free(&r);

    USAGE("flow", "invalid value 'hinge' for --loss: expected exp or logistic",
          "flow", "--example", "transition", "--loss", "hinge");
    USAGE("flow", "invalid value '0' for --depth: expected an integer in [1, 1000]",
          "flow", "--example", "transition", "--depth", "0");
    USAGE("flow", "invalid value '-1' for --alpha: expected a positive decimal number",
          "flow", "--example", "transition", "--alpha", "-1");
    USAGE("flow", "invalid value 'xml' for --format: expected csv or json",
          "flow", "--example", "transition", "--format", "xml");
    USAGE("flow", "give both --shape-a and --shape-b, or neither",
          "flow", "--example", "transition", "--shape-a", "1,1,1,1");
    USAGE("flow", "--shape-a has 3 values but the data have d = 4",
          "flow", "--example", "transition", "--shape-a", "1,1,1", "--shape-b", "1,1,1,1");
    /* the refusal says what the initial loss is: N = 2 (exp), 1 (mean),
       N log 2 = 1.38629 (logistic), and with a shape its value: u_+(0) =
       (2, 1, 1, 1), u_-(0) = 1 give w(0) = (3, 0, 0, 0) at depth 2, margins
       z_n . w(0) = 6 for both samples (z_1 = (2, 1, 0.5, 0), z_2 = (2, -0.5,
       1, 1)), L(0) = 2 exp(-6) = 0.00495750... */
    USAGE("flow", "the target loss is not below the initial loss L(0) = 2 (the summed "
          "exponential loss at t = 0, where every margin is 0 and every sample contributes 1)",
          "flow", "--example", "transition", "--until-loss", "3", "-q");
    USAGE("flow", "the target loss is not below the initial loss L(0) = 1 (the mean "
          "exponential loss at t = 0, where every margin is 0 and every sample contributes 1)",
          "flow", "--example", "transition", "--until-loss", "1", "--loss-mean", "-q");
    USAGE("flow", "the target loss is not below the initial loss L(0) = 1.38629 (the summed "
          "logistic loss at t = 0, where every margin is 0 and every sample contributes log 2)",
          "flow", "--example", "transition", "--until-loss", "2", "--loss", "logistic", "-q");
    USAGE("flow", "the target loss is not below the initial loss L(0) = 0.0049575 (the summed "
          "exponential loss at t = 0)", "flow", "--example", "transition", "--until-loss", "0.005",
          "--shape-a", "2,1,1,1", "--shape-b", "1,1,1,1", "-q");
    USAGE("flow", "no dataset: give --data FILE or --example NAME", "flow");
    USAGE("flow", "unknown option '--bogus'", "flow", "--example", "transition", "--bogus");
    {
        /* the parser's message is part of the usage error */
        tu_run_t r2;
        RUN_EXPECT(&r2, 2, "flow", "--example", "transition", "--until-loss", "nan");
        ck_assert_ptr_nonnull(strstr(r2.err, "invalid value 'nan' for --until-loss"));
        ck_assert_ptr_nonnull(strstr(r2.err, "NaN is not allowed"));
        tu_run_free(&r2);
    }
}
END_TEST

START_TEST(test_flow_csv_json)
{
    tu_run_t r, r2;
    const char *last;
    int lines;
    /* CSV: header, one row per decade 1..1e-5 (loss starts at 2), last row the stop */
    RUN_EXPECT(&r, 0, "flow", "--example", "transition", "--until-loss", "1e-5", "--digits", "8",
               "-q");
    ck_assert(tu_starts_with(r.out, "log10_t,log10_loss,margin,wbar_1,wbar_2,wbar_3,wbar_4,mu,"
                                    "nu_1,nu_2,err_est,kind\n"));
    lines = count_lines(r.out);
    ck_assert_int_eq(lines, 1 + 6);
    last = r.out + strlen(r.out) - 1;
    while (last > r.out && last[-1] != '\n')
        last--;
    ck_assert_ptr_nonnull(strstr(last, ",-5.0000000e+00,"));
    ck_assert(tu_ends_with(last, ",stop\n"));
    /* the first checkpoint is the loss 1: log10_loss is accurate to
       10^-8 absolute, so it prints as zero, not as rounding noise */
    {
        const char *row1 = strchr(r.out, '\n') + 1;
        const char *c1 = strchr(row1, ',') + 1;
        ck_assert_msg(strncmp(c1, "0.0000000e+00,", 14) == 0, "first row: %.60s", row1);
    }
    ck_assert_str_eq(r.err, "");
    /* same input, same bytes */
    RUN_EXPECT(&r2, 0, "flow", "--example", "transition", "--until-loss", "1e-5", "--digits", "8",
               "-q");
    ck_assert_str_eq(r.out, r2.out);
    tu_run_free(&r2);
    tu_run_free(&r);
    /* the summary on stderr names the loss convention */
    RUN_EXPECT(&r, 0, "flow", "--example", "transition", "--until-loss", "1e-3", "--digits", "6",
               "--loss-mean", "--per-decade", "0");
    ck_assert_ptr_nonnull(strstr(r.err, "mean over samples"));
    ck_assert_int_eq(count_lines(r.out), 2);
    tu_run_free(&r);
    /* JSON */
    RUN_EXPECT(&r, 0, "flow", "--example", "orthogonal", "--until-margin", "20", "--digits", "6",
               "--format", "json", "--per-decade", "0", "--at-loss", "1e-2", "-q");
    ck_assert(tu_starts_with(r.out, "{\n  \"mpbias\": \"0.1.0\",\n  \"command\": \"flow\","));
    ck_assert_ptr_nonnull(strstr(r.out, "\"kind\": \"at-loss\""));
    ck_assert_ptr_nonnull(strstr(r.out, "\"kind\": \"stop\""));
    ck_assert_ptr_nonnull(strstr(r.out, "\"margin\": \"2.00000e+01\""));
    ck_assert_ptr_nonnull(strstr(r.out, "\"complete\": true"));
    ck_assert(tu_ends_with(r.out, "}\n"));
    tu_run_free(&r);
}
END_TEST

/* A target loss just below the initial one (issue 15): the data are
   one sample twice (z = 1, as +1 at x = 1 and -1 at x = -1: a file needs
   both labels), so with the mean loss L = exp(-m) and, for D = 1,
   w = 2 s, dm/dt = 2 e^-m: the closed forms m = log(1/eps),
   t = (1/eps - 1) / 2, nu_n = m / 4, wbar = 1, mu = 1/m.  The expected
   row was printed from them with Python's decimal at 60 digits
   (format(x, '.24e')); log10_loss = -4.3e-29 is below the column's
   absolute accuracy 10^-25 and prints as zero. */
START_TEST(test_flow_until_loss_near_start)
{
    char *dir = tu_mkdtemp();
    char *two = tu_write_file(dir, "two.svm", "+1 1:1\n-1 1:-1\n");
    tu_run_t r;
    const char *row;
    RUN_EXPECT(&r, 0, "flow", "--data", two, "--depth", "1", "--loss-mean", "--until-loss",
               "0.9999999999999999999999999999", "--digits", "25", "--per-decade", "0", "-q");
    row = strchr(r.out, '\n');
    ck_assert_ptr_nonnull(row);
    row++;
    ck_assert_msg(tu_starts_with(row, "-2.830102999566398119521374e+01,0.000000000000000000000000e+00,"
                                      "1.000000000000000000000000e-28,1.000000000000000000000000e+00,"
                                      "1.000000000000000000000000e+28,2.500000000000000000000000e-29,"
                                      "2.500000000000000000000000e-29,"),
                  "row: %s", row);
    ck_assert(tu_ends_with(row, ",stop\n"));
    ck_assert_int_eq(count_lines(r.out), 2);
    tu_run_free(&r);
    unlink(two);
    free(two);
    tu_rm_rf(dir);
}
END_TEST

START_TEST(test_flow_data_errors)
{
    char *dir = tu_mkdtemp();
    char *ns = tu_write_file(dir, "ns.svm", "+1 1:1\n-1 1:1\n+1 2:1\n");
    char *bad = tu_write_file(dir, "bad.svm", "+1 1:1\n2 1:-1\n");
    char *shape = tu_write_file(dir, "shape.txt", "1,2\n1 1\n# comment\n0.5,0.5\n1,1\n");
    char *shape_bad = tu_write_file(dir, "shape_bad.txt", "1,2\n1,-1\n1,1\n1,1\n");
    char *want;
    tu_run_t r;
    RUN_EXPECT(&r, 1, "flow", "--data", ns, "-q");
    want = tu_sprintf("mpbias: %s: the data are not linearly separable (decided exactly): "
                      "gradient flow never drives the loss to zero\n", ns);
    ck_assert_str_eq(r.err, want);
    free(want);
    tu_run_free(&r);
    RUN_EXPECT(&r, 1, "flow", "--data", bad, "-q");
    want = tu_sprintf("mpbias: %s:2:1: label '2' is not +1 or -1\n", bad);
    ck_assert_str_eq(r.err, want);
    free(want);
    tu_run_free(&r);
    /* a shape file is read; a bad one is refused with its line */
    RUN_EXPECT(&r, 0, "flow", "--example", "transition", "--shape", shape, "--until-loss", "1e-2",
               "--digits", "6", "-q");
    ck_assert(tu_ends_with(r.out, ",stop\n"));
    ck_assert_ptr_nonnull(strstr(r.out, ",nan,"));   /* mu is undefined with a shape */
    tu_run_free(&r);
    RUN_EXPECT(&r, 1, "flow", "--example", "transition", "--shape", shape_bad, "-q");
    want = tu_sprintf("mpbias: %s:2: expected two positive numbers 'a,b' (u_+(0), u_-(0))\n",
                      shape_bad);
    ck_assert_str_eq(r.err, want);
    free(want);
    tu_run_free(&r);
    unlink(ns);
    unlink(bad);
    unlink(shape);
    unlink(shape_bad);
    free(ns);
    free(bad);
    free(shape);
    free(shape_bad);
    tu_rm_rf(dir);
}
END_TEST

/* ------------------------------------------------------------------ */
/* gen                                                                 */
/* ------------------------------------------------------------------ */

START_TEST(test_gen_then_info)
{
    char *dir = tu_mkdtemp();
    char *f1 = tu_sprintf("%s/g1.svm", dir), *f2 = tu_sprintf("%s/g2.svm", dir);
    char *f3 = tu_sprintf("%s/g3.svm", dir), *fc = tu_sprintf("%s/g.csv", dir);
    char *a, *b, *c, *cs;
    size_t la, lb, lc;
    tu_run_t r;
    mpbias_data_t lib, got;
    mpbias_gen_params p;
    mpbias_err_t err;

    RUN_EXPECT(&r, 0, "gen", "--n", "5", "--d", "6", "--k", "2", "--seed", "3", "--out", f1);
    ck_assert_str_eq(r.out, "");
    ck_assert_str_eq(r.err, "");
    tu_run_free(&r);
    RUN_EXPECT(&r, 0, "info", "--data", f1);
    ck_assert_ptr_nonnull(strstr(r.out, "samples (N):      5 "));
    ck_assert_ptr_nonnull(strstr(r.out, "features (d):     6\n"));
    ck_assert_ptr_nonnull(strstr(r.out, "separable:        yes"));
    ck_assert_str_eq(r.err, "");
    tu_run_free(&r);

    /* the file holds exactly the library's dataset for these parameters */
    mpbias_data_init(lib);
    mpbias_data_init(got);
    mpbias_gen_params_init(&p);
    p.n = 5;
    p.d = 6;
    p.k = 2;
    p.seed = 3;
    ck_assert_int_eq(mpbias_gen_sparse_teacher(lib, &p, err), MPBIAS_OK);
    ck_assert_msg(mpbias_data_read_file(got, f1, NULL, err) == MPBIAS_OK, "%s", err->msg);
    tu_assert_data_equal(lib, got);
    mpbias_data_clear(got);

    /* its first line is a comment naming generator, parameters, teacher */
    a = tu_read_file(f1, &la);
    ck_assert(tu_starts_with(a, "# mpbias 0.1.0: sparse-teacher(n=5,d=6,k=2,seed=3) digits=4 "
                                "min-margin=0; teacher w*:"));

    /* same seed: byte-identical output (file and stdout, short options) */
    RUN_EXPECT(&r, 0, "gen", "--seed", "3", "--k", "2", "--d", "6", "--n", "5", "-o", f2);
    tu_run_free(&r);
    b = tu_read_file(f2, &lb);
    ck_assert_uint_eq(la, lb);
    ck_assert(memcmp(a, b, la) == 0);
    RUN_EXPECT(&r, 0, "gen", "--n", "5", "--d", "6", "--k", "2", "--seed", "3");
    ck_assert_uint_eq(r.outlen, la);
    ck_assert(memcmp(r.out, a, la) == 0);
    tu_run_free(&r);

    /* another seed: other data */
    RUN_EXPECT(&r, 0, "gen", "--n", "5", "--d", "6", "--k", "2", "--seed", "4", "--out", f3);
    tu_run_free(&r);
    c = tu_read_file(f3, &lc);
    ck_assert(la != lc || memcmp(a, c, la) != 0);

    /* CSV: header row, same data */
    RUN_EXPECT(&r, 0, "gen", "--n", "5", "--d", "6", "--k", "2", "--seed", "3", "--format", "csv",
               "--out", fc);
    tu_run_free(&r);
    cs = tu_read_file(fc, NULL);
    ck_assert(tu_starts_with(cs, "y,x1,x2,x3,x4,x5,x6\n"));
    ck_assert_msg(mpbias_data_read_file(got, fc, NULL, err) == MPBIAS_OK, "%s", err->msg);
    tu_assert_data_equal(lib, got);
    mpbias_data_clear(got);
    RUN_EXPECT(&r, 0, "info", "--data", fc);
    ck_assert_ptr_nonnull(strstr(r.out, "features (d):     6\n"));
    tu_run_free(&r);

    /* digits 0: many zero features, d must survive the LIBSVM file */
    RUN_EXPECT(&r, 0, "gen", "--n", "3", "--d", "12", "--k", "1", "--digits", "0", "--seed", "2",
               "--out", f3);
    tu_run_free(&r);
    RUN_EXPECT(&r, 0, "info", "--data", f3);
    ck_assert_ptr_nonnull(strstr(r.out, "features (d):     12\n"));
    tu_run_free(&r);

    mpbias_data_clear(lib);
    free(a);
    free(b);
    free(c);
    free(cs);
    unlink(f1);
    unlink(f2);
    unlink(f3);
    unlink(fc);
    free(f1);
    free(f2);
    free(f3);
    free(fc);
    tu_rm_rf(dir);
}
END_TEST

START_TEST(test_gen_examples_and_errors)
{
    tu_run_t r;
    char *dir = tu_mkdtemp(), *bad = tu_sprintf("%s/no/such/dir/out.svm", dir), *want;

    /* the transition example, exactly (x = y z written by hand) */
    RUN_EXPECT(&r, 0, "gen", "--example", "transition", "--format", "csv");
    ck_assert_str_eq(r.out, "y,x1,x2,x3,x4\n+1,2,1,0.5,0\n-1,-2,0.5,-1,-1\n");
    ck_assert_str_eq(r.err, "");
    tu_run_free(&r);
    RUN_EXPECT(&r, 0, "gen", "--example", "transition");
    ck_assert_str_eq(r.out, "# mpbias 0.1.0: transition\n+1 1:2 2:1 3:0.5\n-1 1:-2 2:0.5 3:-1 4:-1\n");
    tu_run_free(&r);
    RUN_EXPECT(&r, 0, "gen", "--example", "orthogonal", "--format", "svmlight");
    ck_assert_str_eq(r.out, "# mpbias 0.1.0: orthogonal\n+1 1:1 2:2\n-1 3:-1 4:0.5\n");
    tu_run_free(&r);

    /* an output file that cannot be created */
    RUN_EXPECT(&r, 1, "gen", "--out", bad);
    want = tu_sprintf("mpbias: %s: cannot open for writing: %s\n", bad, strerror(ENOENT));
    ck_assert_str_eq(r.err, want);
    tu_run_free(&r);
    free(want);

    /* exit 2 for k > d */
    RUN_EXPECT(&r, 2, "gen", "--k", "7", "--d", "3");
    ck_assert(tu_starts_with(r.err, "mpbias: "));
    ck_assert_ptr_nonnull(strstr(r.err, "Try 'mpbias gen --help' for more information.\n"));
    ck_assert_str_eq(r.out, "");
    tu_run_free(&r);

    free(bad);
    tu_rm_rf(dir);
}
END_TEST

/* ------------------------------------------------------------------ */
/* limits                                                              */
/* ------------------------------------------------------------------ */

START_TEST(test_limits)
{
    static const char *const lim_opts[] = {
        "--data FILE", "--example NAME", "--data-format FMT", "--digits K", "--format FMT",
        "--json", "--depth D", "--mu M", "--alpha A", "--at-margin G", "--at-loss EPS",
        "--kkt LIST", "--support-tol TAU", "--shape-a LIST", "--shape-b LIST", "--shape FILE",
        "--exact", "--decimal", "--help", "-h,"
    };
    char *dir = tu_mkdtemp();
    char *seg = tu_write_file(dir, "seg.svm", "+1 1:1 2:1\n-1 1:-1 2:-1\n");
    char *shape = tu_write_file(dir, "shape.txt", "1,1\n0.5 1\n1,1\n1,1\n");
    char *ns = tu_write_file(dir, "ns.svm", "+1 1:1\n-1 1:1\n");
    char *want;
    size_t i;
    tu_run_t r;
    RUN_EXPECT(&r, 0, "limits", "--help");
    ck_assert(tu_starts_with(r.out, "Usage: mpbias limits "));
    for (i = 0; i < sizeof lim_opts / sizeof lim_opts[0]; i++)
        ck_assert_msg(strstr(r.out, lim_opts[i]) != NULL, "limits --help does not document %s",
                      lim_opts[i]);
    tu_run_free(&r);
    RUN_EXPECT(&r, 0, "--help");
    ck_assert_ptr_nonnull(strstr(r.out, "  limits "));
    tu_run_free(&r);
    USAGE("limits", "invalid value 'xml' for --format: expected text or json",
          "limits", "--example", "transition", "--format", "xml");
    USAGE("limits", "invalid value '0' for --digits: expected an integer in [1, 1000]",
          "limits", "--example", "transition", "--digits", "0");
    /* the transition example: exact vectors (l1: (1/2, 0, 0, 0), unique) */
    RUN_EXPECT(&r, 0, "limits", "--example", "transition", "--json");
    ck_assert_ptr_nonnull(strstr(r.out, "\"l2\": {\"w\": [\"112/269\", \"26/269\", \"38/269\", \"20/269\"]"));
    ck_assert_ptr_nonnull(strstr(r.out, "\"l1\": {\"w\": [\"1/2\", \"0\", \"0\", \"0\"]"));
    ck_assert_ptr_nonnull(strstr(r.out, "\"margin\": \"2.0000000000000000000e+00\", \"certified\": true, \"unique\": true"));
    ck_assert_str_eq(r.err, "");
    tu_run_free(&r);
    /* readable rationals: short ones exactly by default, --decimal rounds
       them (56/269 = 0.20817843866171003717472..., 112/269 =
       0.41635687732342007434944..., by long division), --exact keeps them */
    RUN_EXPECT(&r, 0, "limits", "--example", "transition");
    ck_assert_ptr_nonnull(strstr(r.out, "  w          = (112/269, 26/269, 38/269, 20/269)\n"));
    ck_assert_ptr_null(strstr(r.out, "'~'"));
    tu_run_free(&r);
    RUN_EXPECT(&r, 0, "limits", "--example", "transition", "--decimal", "--digits", "12");
    ck_assert_ptr_nonnull(strstr(r.out, "  w          ~ (4.16356877323e-01, 9.66542750929e-02, "));
    ck_assert_ptr_nonnull(strstr(r.out, "  ||w||_2^2  ~ 2.08178438662e-01\n"));
    ck_assert_ptr_nonnull(strstr(r.out, "  w          ~ (5.00000000000e-01, 0.00000000000e+00, "));
    ck_assert_ptr_nonnull(strstr(r.out, "shown correctly rounded to 12 digits"));
    tu_run_free(&r);
    USAGE("limits", "give either --exact or --decimal, not both", "limits", "--example",
          "transition", "--exact", "--decimal");
    /* a non-unique l1 optimum: the face w >= 0, w_1 + w_2 = 1 */
    RUN_EXPECT(&r, 0, "limits", "--data", seg, "--format", "json");
    ck_assert_ptr_nonnull(strstr(r.out, "\"unique\": false, \"free\": [1, 2], \"wmin\": [\"0\", \"0\"], \"wmax\": [\"1\", \"1\"]"));
    tu_run_free(&r);
    RUN_EXPECT(&r, 0, "limits", "--data", seg, "--digits", "5");
    ck_assert_ptr_nonnull(strstr(r.out, "unique     = no"));
    ck_assert_ptr_nonnull(strstr(r.out, "w_1 in [0, 1]"));
    ck_assert_ptr_nonnull(strstr(r.out, "margin     = 1.4142e+00"));
    tu_run_free(&r);
    /* the intermediate predictor: mu^2 = 1^2 / 25, 20 correctly rounded digits
       and a rigorous bound; the same through --mu 0.2 */
    RUN_EXPECT(&r, 0, "limits", "--example", "transition", "--alpha", "1", "--at-margin", "25",
               "--json");
    ck_assert_ptr_nonnull(strstr(r.out, "\"qmu\": {\"depth\": 2, \"mu_pow_D\": \"1/25\", \"w\": [\"4.5728463747165300623e-01\""));
    ck_assert_ptr_nonnull(strstr(r.out, "\"certified\": true}\n}\n"));
    {
        char *first = tu_sprintf("%s", strstr(r.out, "\"qmu\""));
        tu_run_free(&r);
        RUN_EXPECT(&r, 0, "limits", "--example", "transition", "--mu", "0.2", "--json");
        ck_assert_str_eq(strstr(r.out, "\"qmu\""), first);
        free(first);
    }
    tu_run_free(&r);
    USAGE("limits", "--alpha goes with --at-margin or --at-loss", "limits", "--example",
          "transition", "--alpha", "1");
    USAGE("limits", "give --mu, or --alpha with --at-margin or --at-loss, not both", "limits",
          "--example", "transition", "--mu", "1", "--alpha", "1", "--at-margin", "2");
    USAGE("limits", "give --at-margin or --at-loss, not both", "limits", "--example", "transition",
          "--alpha", "1", "--at-margin", "2", "--at-loss", "1e-10");
    USAGE("limits", "--at-loss needs a loss below 1 (log(1/eps) > 0)", "limits", "--example",
          "transition", "--alpha", "1", "--at-loss", "2");
    /* --at-loss: gamma = log(1/eps) rounded to 8K + 144 bits, stated */
    RUN_EXPECT(&r, 0, "limits", "--example", "transition", "--alpha", "1", "--at-loss", "1e-100",
               "--digits", "10", "--json");
    ck_assert_ptr_nonnull(strstr(r.out, "\"qmu\": {\"depth\": 2, \"log_inv_eps_bits\": 224, "));
    ck_assert_ptr_nonnull(strstr(r.out, "\"w\": [\"4.888481587e-01\""));
    tu_run_free(&r);
    USAGE("limits", "the intermediate predictor needs --depth 2 or more",
          "limits", "--example", "transition", "--mu", "1", "--depth", "1");
    /* depth 3: mu^3 = 1/1000 */
    RUN_EXPECT(&r, 0, "limits", "--example", "transition", "--mu", "0.1", "--depth", "3",
               "--json", "--digits", "15");
    ck_assert_ptr_nonnull(strstr(r.out, "\"qmu\": {\"depth\": 3, \"mu_pow_D\": \"1/1000\", \"w\": [\"4.98676630334011e-01\""));
    tu_run_free(&r);
    USAGE("limits", "invalid value '-1' for --mu: expected a positive decimal number", "limits",
          "--example", "transition", "--mu", "-1");
    /* --kkt: a D = 3 direction near (1/2, 0, 0, 0) polishes onto the l1 solution */
    RUN_EXPECT(&r, 0, "limits", "--example", "transition", "--depth", "3", "--kkt",
               "0.4994,0.0000005,0.0000012,0.0000005", "--json", "--digits", "6");
    ck_assert_ptr_nonnull(strstr(r.out, "\"kkt\": {\"depth\": 3, \"kind\": \"l1\", \"w\": [\"5.00000e-01\", \"0.00000e+00\""));
    tu_run_free(&r);
    USAGE("limits", "--kkt needs --depth 3 or more (l_(2/D) KKT points)", "limits", "--example",
          "transition", "--kkt", "1,2,3,4");
    USAGE("limits", "--kkt has 2 values but the data have d = 4", "limits", "--example",
          "transition", "--depth", "3", "--kkt", "1,2");
    USAGE("limits", "invalid value '0' for --support-tol: expected a number in (0, 1)", "limits",
          "--example", "transition", "--depth", "3", "--kkt", "1,0,0,0", "--support-tol", "0");
    /* a shape: depth 3 adds the weighted l1 (cp = a^-1, cm = b^-1) and the
       shaped predictor at the margin; a shape file gives the same */
    RUN_EXPECT(&r, 0, "limits", "--example", "transition", "--depth", "3", "--shape-a",
               "1,0.5,1,1", "--shape-b", "1,1,1,1", "--at-margin", "1000", "--json", "--digits", "8");
    ck_assert_ptr_nonnull(strstr(r.out, "\"l1_weighted\": {\"w\": [\"1/2\", \"0\", \"0\", \"0\"], \"norm\": \"1/2\""));
    ck_assert_ptr_nonnull(strstr(r.out, "\"weights_plus\": [\"1\", \"2\", \"1\", \"1\"], \"weights_minus\": [\"1\", \"1\", \"1\", \"1\"]}"));
    ck_assert_ptr_nonnull(strstr(r.out, "\"qmu\": {\"depth\": 3, \"shape\": true, \"margin\": \"1000\", \"w\": [\"4.9965196e-01\", \"-7.5112513e-05\", \"1.5423767e-03\", \"0\"]"));
    {
        char *first = tu_sprintf("%s", r.out);
        tu_run_free(&r);
        RUN_EXPECT(&r, 0, "limits", "--example", "transition", "--depth", "3", "--shape", shape,
                   "--at-margin", "1000", "--json", "--digits", "8");
        ck_assert_str_eq(r.out, first);
        free(first);
    }
    tu_run_free(&r);
    USAGE("limits", "with a shape the scales are a^D/G and b^D/G: give --at-margin or --at-loss, "
          "not --mu or --alpha", "limits", "--example", "transition", "--shape-a", "1,1,1,1", "--shape-b", "1,1,1,1",
          "--mu", "1");
    USAGE("limits", "a shape changes the limits only for --depth 2 or more", "limits", "--example",
          "transition", "--shape-a", "1,1,1,1", "--shape-b", "1,1,1,1", "--depth", "1",
          "--at-margin", "3");
    USAGE("limits", "with --depth 2 a shape needs --at-margin or --at-loss (its rich limit is the "
          "plain l1)", "limits", "--example", "transition", "--shape-a", "1,1,1,1", "--shape-b",
          "1,1,1,1");
    USAGE("limits", "give both --shape-a and --shape-b, or neither", "limits", "--example",
          "transition", "--shape-a", "1,1,1,1", "--at-margin", "3");
    /* not separable: exit 1 with the reason */
    RUN_EXPECT(&r, 1, "limits", "--data", ns);
    want = tu_sprintf("mpbias: %s: the data are not linearly separable (decided exactly): "
                      "there is no max-margin predictor\n", ns);
    ck_assert_str_eq(r.err, want);
    ck_assert_str_eq(r.out, "");
    free(want);
    tu_run_free(&r);
    unlink(seg);
    unlink(ns);
    unlink(shape);
    free(seg);
    free(ns);
    free(shape);
    tu_rm_rf(dir);
}
END_TEST

/* ------------------------------------------------------------------ */
/* regime                                                              */
/* ------------------------------------------------------------------ */

static int
have_gnuplot(void)
{
    return system("command -v gnuplot >/dev/null 2>&1") == 0;
}


START_TEST(test_regime)
{
    static const char *const reg_opts[] = {
        "--data FILE", "--example NAME", "--data-format FMT", "--depth D", "--alpha A",
        "--until-loss EPS", "--per-decade P", "--digits K", "--prec BITS", "--support-tol TAU",
        "--format FMT", "--plot FILE", "--plot-wbar FILE", "--output FILE", "--quiet", "--extrapolate-from EPS0",
        "--target T", "--coords LIST", "--help", "-h,"
    };
    char *dir = tu_mkdtemp();
    char *png = tu_sprintf("%s/r.png", dir), *svg = tu_sprintf("%s/r.svg", dir),
         *csvf = tu_sprintf("%s/r.csv", dir);
    size_t i, len;
    tu_run_t r;
    char *text;
    RUN_EXPECT(&r, 0, "regime", "--help");
    ck_assert(tu_starts_with(r.out, "Usage: mpbias regime "));
    for (i = 0; i < sizeof reg_opts / sizeof reg_opts[0]; i++)
        ck_assert_msg(strstr(r.out, reg_opts[i]) != NULL, "regime --help does not document %s",
                      reg_opts[i]);
    tu_run_free(&r);
    RUN_EXPECT(&r, 0, "--help");
    ck_assert_ptr_nonnull(strstr(r.out, "  regime "));
    tu_run_free(&r);
    /* the table: header, one row per checkpoint 1, 2, 5, 10, 20, 50, 100 */
    RUN_EXPECT(&r, 0, "regime", "--example", "transition", "--until-loss", "1e-100", "-q");
    ck_assert(tu_starts_with(r.out, "regime: transition (N = 2, d = 4), depth 2, alpha = 1,"));
    ck_assert_ptr_nonnull(strstr(r.out, "rich = the l1 max-margin predictor"));
    ck_assert_ptr_nonnull(strstr(r.out, "\n          100      230.64     -2.3629  1.13e+02  1.20e-01  2.12e-02  1.44e-03"));
    ck_assert_ptr_nonnull(strstr(r.out, "  rich         l1\n"));
    ck_assert_ptr_nonnull(strstr(r.out, "\nleading correction wbar = w* + c gamma^-p + ..., w* the "
                                        "rich limit; c at the last two checkpoints:\n"));
    /* the expansion: the predicted rate 11/16 and the observed ones */
    ck_assert_ptr_nonnull(strstr(r.out, "expansion: d(rich) ~ C gamma^-p at fixed alpha, predicted "
                                        "p = 0.6875 (the l1 dual slack"));
    ck_assert_str_eq(r.err, "");
    tu_run_free(&r);
    /* CSV to a file: a header and 3 rows (1, 10, 100) of 23 columns, d_target
       and the 4 coordinates of wbar */
    RUN_EXPECT(&r, 0, "regime", "--example", "transition", "--until-loss", "1e-100",
               "--per-decade", "1", "--format", "csv", "-o", csvf, "-q");
    ck_assert_str_eq(r.out, "");
    tu_run_free(&r);
    text = tu_read_file(csvf, &len);
    {
        int lines = 0, commas = 0;
        const char *p;
        for (p = text; *p; p++)
        {
            lines += *p == '\n';
            commas += *p == ',';
        }
        ck_assert_int_eq(lines, 4);
        ck_assert_int_eq(commas, 4 * 27);
        ck_assert(tu_starts_with(text, "log10_loss,log10_t,margin,log10_muD,kappa,rho,l2_sup,"));
    }
    free(text);
    /* large initialization scales: alpha = 1e30 at 12 digits and alpha =
       1e20 at 6 digits were refused (the checking run gave NaN at 1e20, which
       once passed the certificate: -34.38 was printed for log10 t, the true
       value being -40.6); log(1 + t) no longer cancels, and both work */
    RUN_EXPECT(&r, 0, "regime", "--example", "transition", "--alpha", "1e30", "--until-loss",
               "1e-10", "-q");
    tu_run_free(&r);
    RUN_EXPECT(&r, 0, "regime", "--example", "transition", "--alpha", "1e20", "--digits", "6",
               "--until-loss", "1e-10", "-q");
    tu_run_free(&r);
    /* tiny times: alpha = 1e11 gave log10 t off by 8e-12 in both runs at 16
       digits (certified), then was refused; now exact: the time scales like
       alpha^-2 (the correction is O(alpha^-4) relative), so alpha = 1e7 and
       1e11 give -15.89128284941396 and -23.89128284941396 */
    RUN_EXPECT(&r, 0, "flow", "--example", "transition", "--alpha", "1e11", "--until-loss",
               "1e-1", "-q");
    ck_assert_ptr_nonnull(strstr(r.out, "\n-2.389128284941396e+01,0.000000000000000e+00,"));
    tu_run_free(&r);
    RUN_EXPECT(&r, 0, "flow", "--example", "transition", "--alpha", "1e7", "--until-loss",
               "1e-1", "-q");
    ck_assert_ptr_nonnull(strstr(r.out, "\n-1.589128284941396e+01,0.000000000000000e+00,"));
    tu_run_free(&r);
    /* a time far below the initial time scale (alpha^-2 here) was refused
       while c(x) = softplus(M - Lam) cancelled against log(1 + t); with
       c(x) exact for a constant Phi it is certified and lands on the time
       (the row's value against the one-sample oracle: t-flow) */
    RUN_EXPECT(&r, 0, "flow", "--example", "transition", "--alpha", "1e30", "--at-time", "1e-200",
               "--until-loss", "1e-1", "-q");
    ck_assert_ptr_nonnull(strstr(r.out, "\n-2.000000000000000e+02,3.010299956639812e-01,"));
    tu_run_free(&r);
    /* --prec is passed to the trajectory (the table does not change) */
    RUN_EXPECT(&r, 0, "regime", "--example", "transition", "--until-loss", "1e-100", "--prec",
               "300", "-q");
    ck_assert_ptr_nonnull(strstr(r.out, "\n          100      230.64     -2.3629  1.13e+02  1.20e-01  2.12e-02  1.44e-03"));
    tu_run_free(&r);
    /* extrapolation from an anchor: rows after it predicted from it alone */
    RUN_EXPECT(&r, 0, "regime", "--example", "transition", "--until-loss", "1e-10000",
               "--per-decade", "1", "--extrapolate-from", "1e-100", "-q");
    ck_assert_ptr_nonnull(strstr(r.out, "anchor: the checkpoint at log10(1/eps) = 100; every later "
                                        "row is predicted from it alone\n"));
    ck_assert_ptr_nonnull(strstr(r.out, "\n          100      230.64     -2.3629  1.13e+02  1.20e-01  2.12e-02  1.44e-03   "));
    tu_run_free(&r);
    USAGE("regime", "--extrapolate-from must be a loss between the first checkpoint (0.1) and "
          "--until-loss", "regime", "--example", "transition", "--extrapolate-from", "1e-2000");
    /* depth 3: the rich target is a KKT point, here the l1 solution */
    RUN_EXPECT(&r, 0, "regime", "--example", "transition", "--depth", "3", "--per-decade", "1",
               "-q");
    ck_assert_ptr_nonnull(strstr(r.out, "rich = the l_(2/3) KKT point polished from the last "
                                        "checkpoint (the l1 solution;"));
    tu_run_free(&r);
    /* the plot (PNG and SVG) when gnuplot is there; a clear refusal when not */
    if (have_gnuplot())
    {
        RUN_EXPECT(&r, 0, "regime", "--example", "transition", "--until-loss", "1e-100", "--plot",
                   png, "-q");
        tu_run_free(&r);
        text = tu_read_file(png, &len);
        ck_assert(len > 1000 && memcmp(text, "\x89PNG\r\n\x1a\n", 8) == 0);
        free(text);
        RUN_EXPECT(&r, 0, "regime", "--example", "transition", "--until-loss", "1e-100", "--plot",
                   svg, "-q");
        tu_run_free(&r);
        text = tu_read_file(svg, &len);
        ck_assert_ptr_nonnull(strstr(text, "<svg"));
        /* three series, named in the key */
        ck_assert_ptr_nonnull(strstr(text, "l2 max margin (kernel limit)"));
        ck_assert_ptr_nonnull(strstr(text, "l1 max margin (rich limit)"));
        ck_assert_ptr_nonnull(strstr(text, "intermediate predictor at the current mu"));
        free(text);
    }
    /* without gnuplot on the PATH: refused before the run */
    {
        setenv("MPBIAS_GNUPLOT", "/nonexistent/gnuplot", 1);
        RUN_EXPECT(&r, 1, "regime", "--example", "transition", "--plot", png);
        unsetenv("MPBIAS_GNUPLOT");
        ck_assert_str_eq(r.err, "mpbias: --plot needs gnuplot, which is not installed (Debian "
                                "package gnuplot-nox)\n");
        ck_assert_str_eq(r.out, "");
        tu_run_free(&r);
    }
    USAGE("regime", "--plot r.gif: the file name must end in .png, .svg or .pdf", "regime",
          "--example", "transition", "--plot", "r.gif");
    USAGE("regime", "invalid value '21' for --per-decade: expected an integer in [1, 20]", "regime",
          "--example", "transition", "--per-decade", "21");
    USAGE("regime", "--until-loss must be at most 0.1 (the first checkpoint is eps = 0.1)",
          "regime", "--example", "transition", "--until-loss", "0.5");
    USAGE("regime", "invalid value 'x' for --format: expected text or csv", "regime", "--example",
          "transition", "--format", "x");
    unlink(png);
    unlink(svg);
    unlink(csvf);
    free(png);
    free(svg);
    free(csvf);
    tu_rm_rf(dir);
}
END_TEST

START_TEST(test_threshold)
{
    static const char *const th_opts[] = {
        "--data FILE", "--example NAME", "--data-format FMT", "--target T", "--within DELTA",
        "--norm N", "--depth D", "--alpha A", "--until-loss EPS", "--digits K", "--format FMT",
        "--quiet", "--help", "-h,"
    };
    size_t i;
    tu_run_t r;
    RUN_EXPECT(&r, 0, "threshold", "--help");
    ck_assert(tu_starts_with(r.out, "Usage: mpbias threshold "));
    for (i = 0; i < sizeof th_opts / sizeof th_opts[0]; i++)
        ck_assert_msg(strstr(r.out, th_opts[i]) != NULL, "threshold --help does not document %s",
                      th_opts[i]);
    tu_run_free(&r);
    /* the transition example: l1 within 0.01 past 1e-300 */
    RUN_EXPECT(&r, 0, "threshold", "--example", "transition", "--target", "l1", "--within",
               "0.01", "-q");
    ck_assert(tu_starts_with(r.out, "threshold: wbar comes within 0.01 of l1 (sup norm) at "
                                    "log10(eps) = -316.587\n"));
    tu_run_free(&r);
    RUN_EXPECT(&r, 0, "threshold", "--example", "transition", "--target", "l1", "--within",
               "0.01", "--format", "json", "-q");
    ck_assert_ptr_nonnull(strstr(r.out, "\"reached\": true, \"at_first_checkpoint\": false"));
    ck_assert_ptr_nonnull(strstr(r.out, "\"log10_loss\": \"-3.16587e+02\""));
    tu_run_free(&r);
    /* not reached: exit 1, the distance at the horizon said */
    RUN_EXPECT(&r, 1, "threshold", "--example", "transition", "--alpha", "1000", "--target", "l2",
               "--within", "0.001", "-q");
    ck_assert(tu_starts_with(r.out, "not reached: at the horizon log10(eps) = -1e+06 wbar is "));
    tu_run_free(&r);
    USAGE("threshold", "--target is required (l2, l1, rich or qmu)", "threshold", "--example",
          "transition", "--within", "0.1");
    USAGE("threshold", "--within DELTA is required", "threshold", "--example", "transition",
          "--target", "l1");
    USAGE("threshold", "invalid value 'x' for --target: expected l2, l1, rich or qmu", "threshold",
          "--example", "transition", "--target", "x", "--within", "0.1");
    USAGE("threshold", "--target l1 is the rich limit of depth 2; for depth 3 use --target rich "
          "(an l_(2/D) KKT point)", "threshold", "--example", "transition", "--depth", "3",
          "--target", "l1", "--within", "0.1");
    USAGE("threshold", "depth 1 has only the l2 limit (--target l2)", "threshold", "--example",
          "transition", "--depth", "1", "--target", "rich", "--within", "0.1");
    USAGE("threshold", "invalid value '0' for --within: expected a positive number", "threshold",
          "--example", "transition", "--target", "l1", "--within", "0");
}
END_TEST

/* ------------------------------------------------------------------ */
/* sweep                                                               */
/* ------------------------------------------------------------------ */

/* check -o FILE that cannot be opened: the message and exit status 1 (it
   used to crash, closing a null stream on the way out). */
START_TEST(test_check_output_unwritable)
{
    char *dir = tu_mkdtemp(), *cand, *bad;
    tu_run_t r;
    cand = tu_write_file(dir, "cand.csv", "step,w_1,w_2,w_3,w_4\n0,0,0,0,0\n1,0.32,0.04,0.12,0.08\n");
    bad = tu_sprintf("%s/none/report.txt", dir);
    RUN_EXPECT(&r, 1, "check", "--example", "transition", "--candidate", cand, "--step", "0.01",
               "-o", bad);
    ck_assert_str_eq(r.out, "");
    ck_assert_ptr_nonnull(strstr(r.err, ": cannot open for writing: "));
    tu_run_free(&r);
    free(cand);
    free(bad);
    tu_rm_rf(dir);
}
END_TEST

START_TEST(test_sweep)
{
    static const char *const sw_opts[] = {
        "--data FILE", "--example NAME", "--data-format FMT", "--depths LIST", "--alphas LIST",
        "--alpha-range A0:A1:N", "--until-loss EPS", "--per-decade P", "--digits K", "--qmu",
        "--jobs J", "--out DIR", "--plot", "--threshold-within DELTA", "--quiet", "--help", "-h,"
    };
    char *dir = tu_mkdtemp();
    char *d1 = tu_sprintf("%s/one", dir), *d2 = tu_sprintf("%s/two", dir),
         *d3 = tu_sprintf("%s/killed", dir), *f1 = tu_sprintf("%s/one/results.csv", dir),
         *f2 = tu_sprintf("%s/two/results.csv", dir), *f3 = tu_sprintf("%s/killed/results.csv", dir),
         *part = tu_sprintf("%s/two/points/000002.csv", dir);
    char *a, *b;
    size_t i, la, lb;
    tu_run_t r;
    RUN_EXPECT(&r, 0, "sweep", "--help");
    ck_assert(tu_starts_with(r.out, "Usage: mpbias sweep "));
    for (i = 0; i < sizeof sw_opts / sizeof sw_opts[0]; i++)
        ck_assert_msg(strstr(r.out, sw_opts[i]) != NULL, "sweep --help does not document %s",
                      sw_opts[i]);
    tu_run_free(&r);
    /* serial and 2 workers: byte-identical; 2 depths x 3 alphas, losses 1, 2, 5, ..., 100 */
    RUN_EXPECT(&r, 0, "sweep", "--example", "transition", "--depths", "2,3", "--alphas",
               "0.5,1,2", "--until-loss", "1e-100", "--jobs", "1", "--out", d1, "-q");
    tu_run_free(&r);
    RUN_EXPECT(&r, 0, "sweep", "--example", "transition", "--depths", "2,3", "--alphas",
               "0.5,1,2", "--until-loss", "1e-100", "--jobs", "2", "--out", d2, "-q");
    tu_run_free(&r);
    a = tu_read_file(f1, &la);
    b = tu_read_file(f2, &lb);
    ck_assert(la == lb && memcmp(a, b, la) == 0);
    {
        int lines = 0;
        const char *p;
        for (p = a; *p; p++)
            lines += *p == '\n';
        ck_assert_int_eq(lines, 1 + 2 * 3 * 7);
    }
    ck_assert(tu_starts_with(a, "dataset,name,depth,alpha,log10_loss,log10_t,margin,"));
    ck_assert_ptr_nonnull(strstr(a, "\n1,\"transition\",2,1,-1.000000000e+02,"));
    free(b);
    /* the pictures, from the finished points: PNG and SVG, with their series
       (phase: boundary and samples; distances: one curve per alpha) */
    if (have_gnuplot())
    {
        static const char *const pics[] = { "phase-1-D2", "phase-1-D3", "distances-1-D2",
                                            "distances-1-D3" };
        size_t k;
        RUN_EXPECT(&r, 0, "sweep", "--example", "transition", "--depths", "2,3", "--alphas",
                   "0.5,1,2", "--until-loss", "1e-100", "--jobs", "1", "--out", d1, "--plot");
        ck_assert_ptr_nonnull(strstr(r.err, "6 points (0 computed now, 6 from an earlier run)"));
        tu_run_free(&r);
        for (k = 0; k < sizeof pics / sizeof pics[0]; k++)
        {
            char *png = tu_sprintf("%s/%s.png", d1, pics[k]), *svg = tu_sprintf("%s/%s.svg", d1, pics[k]);
            char *t = tu_read_file(png, &lb);
            ck_assert(lb > 1000 && memcmp(t, "\x89PNG\r\n\x1a\n", 8) == 0);
            free(t);
            t = tu_read_file(svg, &lb);
            ck_assert_ptr_nonnull(strstr(t, "<svg"));
            ck_assert_ptr_nonnull(strstr(t, "id=\"gnuplot_plot_2\""));
            if (k < 2)
                ck_assert_ptr_null(strstr(t, "id=\"gnuplot_plot_3\""));
            else
            {
                ck_assert_ptr_nonnull(strstr(t, "id=\"gnuplot_plot_3\""));
                ck_assert_ptr_null(strstr(t, "id=\"gnuplot_plot_4\""));
                ck_assert_ptr_nonnull(strstr(t, "alpha = 0.5"));
            }
            free(t);
            free(png);
            free(svg);
        }
    }
    /* depth 1 has no rich limit: its pictures use the l2 limit */
    if (have_gnuplot())
    {
        char *d6 = tu_sprintf("%s/d1", dir), *svg = tu_sprintf("%s/d1/phase-1-D1.svg", dir), *t;
        RUN_EXPECT(&r, 0, "sweep", "--example", "transition", "--depths", "1", "--alphas", "1",
                   "--until-loss", "1e-20", "--out", d6, "--plot", "-q");
        ck_assert_str_eq(r.err, "");
        tu_run_free(&r);
        t = tu_read_file(svg, &lb);
        ck_assert_ptr_nonnull(strstr(t, "distance to the l2 target"));
        free(t);
        free(svg);
        free(d6);
    }
    /* a lost point is recomputed; the rest are taken as they are */
    ck_assert_int_eq(unlink(part), 0);
    RUN_EXPECT(&r, 0, "sweep", "--example", "transition", "--depths", "2,3", "--alphas",
               "0.5,1,2", "--until-loss", "1e-100", "--out", d2);
    ck_assert_ptr_nonnull(strstr(r.err, "6 points (1 computed now, 5 from an earlier run)"));
    tu_run_free(&r);
    b = tu_read_file(f2, &lb);
    ck_assert(la == lb && memcmp(a, b, la) == 0);
    free(b);
    /* killed (SIGKILL to the sweep and its workers) at random moments,
       then resumed: the same file */
    {
        unsigned long long rng = (unsigned long long) getpid() * 2654435761ULL + 777;
        int k;
        for (k = 0; k < 5; k++)
        {
            long ms = tu_rand_range(&rng, 50, 1200);
            pid_t pid = fork();
            ck_assert(pid >= 0);
            if (pid == 0)
            {
                setpgid(0, 0);
                execl(tu_bin(), tu_bin(), "sweep", "--example", "transition", "--depths", "2,3",
                      "--alphas", "0.5,1,2", "--until-loss", "1e-100", "--jobs", "2", "--out", d3,
                      "-q", (char *) NULL);
                _exit(127);
            }
            setpgid(pid, pid);
            usleep((useconds_t) ms * 1000);
            kill(-pid, SIGKILL);
            waitpid(pid, NULL, 0);
        }
    }
    RUN_EXPECT(&r, 0, "sweep", "--example", "transition", "--depths", "2,3", "--alphas",
               "0.5,1,2", "--until-loss", "1e-100", "--out", d3, "-q");
    tu_run_free(&r);
    b = tu_read_file(f3, &lb);
    ck_assert(la == lb && memcmp(a, b, la) == 0);
    free(b);
    /* under MPI (when mpbias-mpi was built): mpirun -np 2, the same bytes */
    {
        const char *mb = getenv("MPBIAS_MPI_BIN"), *mr = getenv("MPBIAS_MPIRUN");
        if (mb != NULL && *mb != '\0' && mr != NULL && *mr != '\0')
        {
            char *d4 = tu_sprintf("%s/mpi", dir), *f4 = tu_sprintf("%s/mpi/results.csv", dir);
            int status = -1;
            pid_t pid = fork();
            ck_assert(pid >= 0);
            if (pid == 0)
            {
                int fd = open("/dev/null", O_WRONLY);
                if (fd >= 0)
                {
                    dup2(fd, 1);
                    dup2(fd, 2);
                }
                execl(mr, mr, "--allow-run-as-root", "--oversubscribe", "-np", "2", mb, "sweep",
                      "--example", "transition", "--depths", "2,3", "--alphas", "0.5,1,2",
                      "--until-loss", "1e-100", "--out", d4, "-q", (char *) NULL);
                _exit(127);
            }
            waitpid(pid, &status, 0);
            ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                          "mpirun -np 2 mpbias-mpi sweep failed (status %d)", status);
            b = tu_read_file(f4, &lb);
            ck_assert(la == lb && memcmp(a, b, la) == 0);
            free(b);
            free(d4);
            free(f4);
        }
    }
    /* thresholds per grid point: the same number as mpbias threshold */
    {
        char *d5 = tu_sprintf("%s/thr", dir), *f5 = tu_sprintf("%s/thr/thresholds.csv", dir);
        RUN_EXPECT(&r, 0, "sweep", "--example", "transition", "--alphas", "1", "--until-loss",
                   "1e-100", "--threshold-within", "0.05", "--out", d5, "-q");
        tu_run_free(&r);
        b = tu_read_file(f5, &lb);
        ck_assert_str_eq(b, "dataset,depth,alpha,within,reached,log10_loss\n"
                            "1,2,1,0.05,true,-2.454e+01\n");
        free(b);
        RUN_EXPECT(&r, 0, "threshold", "--example", "transition", "--alpha", "1", "--target", "l1",
                   "--within", "0.05", "--digits", "4", "--until-loss", "1e-100", "-q");
        ck_assert(tu_starts_with(r.out, "threshold: wbar comes within 0.05 of l1 (sup norm) at "
                                        "log10(eps) = -24.54\n"));
        tu_run_free(&r);
        free(d5);
        free(f5);
    }
    /* another request into the same directory is refused */
    RUN_EXPECT(&r, 1, "sweep", "--example", "transition", "--alphas", "0.5", "--until-loss",
               "1e-100", "--out", d1, "-q");
    ck_assert_ptr_nonnull(strstr(r.err, "its run.json differs from this command's"));
    tu_run_free(&r);
    free(a);
    USAGE("sweep", "--out DIR is required", "sweep", "--example", "transition");
    USAGE("sweep", "no dataset: give --data FILE or --example NAME", "sweep", "--out", "unused");
    USAGE("sweep", "give --alphas or --alpha-range, not both", "sweep", "--example", "transition",
          "--alphas", "1", "--alpha-range", "1:2:2", "--out", "unused");
    USAGE("sweep", "invalid value '1:0.5:3' for --alpha-range: expected A0:A1:N with 0 < A0 <= A1 "
          "and 1 <= N <= 10000", "sweep", "--example", "transition", "--alpha-range", "1:0.5:3",
          "--out", "unused");
    free(d1);
    free(d2);
    free(d3);
    free(f1);
    free(f2);
    free(f3);
    free(part);
    tu_rm_rf(dir);
}
END_TEST

/* ------------------------------------------------------------------ */
/* gd                                                                  */
/* ------------------------------------------------------------------ */

START_TEST(test_gd)
{
    static const char *const gd_opts[] = {
        "--data FILE", "--example NAME", "--data-format FMT", "--depth D", "--alpha A",
        "--shape-a LIST", "--shape FILE", "--loss L", "--loss-mean", "--step ETA",
        "--schedule LIST", "--steps N", "--until-loss EPS", "--every K", "--digits K",
        "--prec BITS", "--format FMT", "--output FILE", "--quiet", "--help", "-h,",
        "--label-column COL", "--shape-b LIST", "--normalized", "-o,", "-q,"
    };
    size_t i;
    tu_run_t r;
    RUN_EXPECT(&r, 0, "gd", "--help");
    ck_assert(tu_starts_with(r.out, "Usage: mpbias gd "));
    for (i = 0; i < sizeof gd_opts / sizeof gd_opts[0]; i++)
        ck_assert_msg(strstr(r.out, gd_opts[i]) != NULL, "gd --help does not document %s",
                      gd_opts[i]);
    tu_run_free(&r);
    /* the flow's columns with a step first; rows at steps 0, 1, 2, 5, 10 */
    RUN_EXPECT(&r, 0, "gd", "--example", "transition", "--step", "0.1", "--steps", "10",
               "--digits", "12", "-q");
    ck_assert(tu_starts_with(r.out, "step,log10_t,log10_loss,margin,wbar_1,wbar_2,wbar_3,wbar_4,"
                                    "mu,nu_1,nu_2,err_est,kind\n0,-inf,3.01029995664e-01,"));
    ck_assert_ptr_nonnull(strstr(r.out, "\n10,0.00000000000e+00,-3.07278841065e+00,"
                                        "7.44671060883e+00,"));
    ck_assert_ptr_nonnull(strstr(r.out, ",stop\n"));
    tu_run_free(&r);
    /* a schedule: the first step 10 (the loss falls to 1e-321), then 0.1 */
    RUN_EXPECT(&r, 0, "gd", "--example", "transition", "--schedule", "10,0.1", "--steps", "2",
               "--every", "1", "--digits", "12", "--format", "json", "-q");
    ck_assert_ptr_nonnull(strstr(r.out, "\"command\": \"gd\""));
    ck_assert_ptr_nonnull(strstr(r.out, "\"step\": 1, \"log10_t\": \"1.00000000000e+00\", "
                                        "\"log10_loss\": \"-3.21377916608e+02\""));
    ck_assert_ptr_nonnull(strstr(r.out, "\"complete\": true"));
    tu_run_free(&r);
    /* the catapult is reported */
    {
        char *dir = tu_mkdtemp(), *f = tu_write_file(dir, "c.svm", "+1 1:1\n+1 1:1\n-1 1:1\n");
        RUN_EXPECT(&r, 0, "gd", "--data", f, "--depth", "1", "--step", "0.36", "--steps", "10",
                   "--digits", "10");
        ck_assert_ptr_nonnull(strstr(r.err, "the loss grew after 10 steps (first at step 1"));
        tu_run_free(&r);
        unlink(f);
        free(f);
        tu_rm_rf(dir);
    }
    USAGE("gd", "give --step ETA or --schedule LIST (one of the two)", "gd", "--example",
          "transition");
    USAGE("gd", "invalid value 'x' for --loss: expected exp or logistic", "gd", "--example",
          "transition", "--step", "1", "--loss", "x");
}
END_TEST


/* SIGINT to a long run whose rows are far apart (no row before the stop):
   honoured at the next step of either run, within 3 s of the signal, exit
   status 1 and a message; with --checkpoint too (nothing saved yet). */
static double
mono_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + 1e-9 * (double) ts.tv_nsec;
}

START_TEST(test_flow_sigint_between_rows)
{
    char *dir = tu_mkdtemp();
    char *out = tu_sprintf("%s/out.csv", dir), *ck = tu_sprintf("%s/ck", dir),
         *errf = tu_sprintf("%s/err", dir);
    int k;
    for (k = 0; k < 2; k++)
    {
        pid_t pid = fork();
        int status = 0, fd;
        double t0, waited;
        size_t len;
        char *e;
        ck_assert(pid >= 0);
        if (pid == 0)
        {
            fd = open(errf, O_WRONLY | O_CREAT | O_TRUNC, 0644);
            if (fd >= 0)
                dup2(fd, 2);
            if (k == 0)
                execl(tu_bin(), tu_bin(), "flow", "--example", "transition", "--until-loss",
                      "1e-100000000", "--digits", "60", "--per-decade", "0", "-q", "-o", out,
                      (char *) NULL);
            else
                execl(tu_bin(), tu_bin(), "flow", "--example", "transition", "--until-loss",
                      "1e-100000000", "--digits", "60", "--per-decade", "0", "-q", "-o", out,
                      "--checkpoint", ck, (char *) NULL);
            _exit(127);
        }
        usleep(1000000);
        kill(pid, SIGINT);
        t0 = mono_now();
        while (waitpid(pid, &status, WNOHANG) == 0 && mono_now() - t0 < 30.0)
            usleep(10000);
        waited = mono_now() - t0;
        if (waited >= 30.0)
        {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
        }
        ck_assert_msg(waited < 3.0, "run %d: exit %.2f s after SIGINT", k, waited);
        ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 1, "run %d: status %d", k, status);
        e = tu_read_file(errf, &len);
        ck_assert_msg(strstr(e, "interrupted by signal 2") != NULL, "run %d: %s", k, e);
        free(e);
    }
    free(out);
    free(ck);
    free(errf);
    free(dir);
}
END_TEST

/* A run started below the precision it needs (the hidden --start-prec)
   raises it, says so in one line ("row R (log10(loss) = L) not certified
   at 95 bits ...: precision raised to 160 bits, redone from row R - 1",
   or "row R (near log10(loss) = L) not resolved at 95 bits" when the
   integrator failed before the row, as Newton's iteration does there:
   which row needs it depends on the engine's steps, so R and L are read
   from the message), and prints the digits of the run at the automatic
   precision; --prec is exact (no raise: refused), and --max-prec below
   the raise refuses naming the limit and the same loss L. */
START_TEST(test_flow_raise)
{
    tu_run_t r, a;
    const char *m;
    int row = -1, from = -1;
    double l10 = 1.0;
    char want[128];
    RUN_EXPECT(&a, 0, "flow", "--example", "transition", "--depth", "3", "--alpha", "1e-30",
               "--until-loss", "1e-40", "-q");
    RUN_EXPECT(&r, 0, "flow", "--example", "transition", "--depth", "3", "--alpha", "1e-30",
               "--until-loss", "1e-40", "-q", "--start-prec", "63");
    m = strstr(r.err, "mpbias: row ");
    ck_assert_msg(m != NULL
                  && (sscanf(m, "mpbias: row %d (log10(loss) = %lf) not certified at 95 bits", &row, &l10) == 2
                      || (sscanf(m, "mpbias: row %d (near log10(loss) = %lf) not resolved at 95 bits", &row,
                                 &l10) == 2 && strstr(m, "not resolved at 95 bits") != NULL)),
                  "%s", r.err);
    m = strstr(r.err, "precision raised to 160 bits, redone from row ");
    ck_assert_msg(m != NULL && sscanf(m, "precision raised to 160 bits, redone from row %d", &from) == 1
                  && from == row - 1 && row >= 1 && l10 < 0.0, "%s", r.err);
    {
        /* the same rows, but for err_est (the last two fields) */
        char *p = a.out, *q = r.out;
        int rows = 0;
        while (*p && *q)
        {
            char *pe = strchr(p, '\n'), *qe = strchr(q, '\n'), *pc, *qc;
            ck_assert(pe != NULL && qe != NULL);
            *pe = *qe = '\0';
            pc = strrchr(p, ',');
            qc = strrchr(q, ',');
            ck_assert(pc != NULL && qc != NULL);
            *pc = *qc = '\0';
            pc = strrchr(p, ',');
            qc = strrchr(q, ',');
            ck_assert(pc != NULL && qc != NULL);
            *pc = *qc = '\0';
            ck_assert_msg(strcmp(p, q) == 0, "row %d: %s vs %s", rows, q, p);
            p = pe + 1;
            q = qe + 1;
            rows++;
        }
        ck_assert(*p == '\0' && *q == '\0' && rows == 42);
    }
    tu_run_free(&r);
    tu_run_free(&a);
    tu_run(&r, "flow", "--example", "transition", "--depth", "3", "--alpha", "1e-30",
           "--until-loss", "1e-40", "-q", "--start-prec", "63", "--max-prec", "150", NULL);
    ck_assert_int_eq(r.status, 1);
    snprintf(want, sizeof want, "cannot certify 16 digits at log10(loss) = %.10g", l10);
    ck_assert_msg(strstr(r.err, want) != NULL && strstr(r.err, "limit max_prec = 150 bits") != NULL,
                  "%s (want: %s)", r.err, want);
    tu_run_free(&r);
}
END_TEST

/* flow --checkpoint: killed with SIGKILL at random moments (six times),
   each time resumed, then to the end: the output is byte-identical to an
   uninterrupted run; SIGTERM saves the state and stops with a message;
   the refusals (no --out, no checkpoint, a damaged one, other options). */
static pid_t
spawn_flow(const char *out, const char *ck, int resume, const char *errfile)
{
    pid_t pid = fork();
    ck_assert(pid >= 0);
    if (pid == 0)
    {
        int fd = open(errfile, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0)
            dup2(fd, 2);
        if (resume)
            execl(tu_bin(), tu_bin(), "flow", "--example", "transition", "--until-loss", "1e-3000",
                  "--digits", "20", "--per-decade", "2", "-q", "-o", out, "--checkpoint", ck,
                  "--checkpoint-every", "0", "--resume", (char *) NULL);
        else
            execl(tu_bin(), tu_bin(), "flow", "--example", "transition", "--until-loss", "1e-3000",
                  "--digits", "20", "--per-decade", "2", "-q", "-o", out, "--checkpoint", ck,
                  "--checkpoint-every", "0", (char *) NULL);
        _exit(127);
    }
    return pid;
}

START_TEST(test_flow_checkpoint)
{
    char *dir = tu_mkdtemp();
    char *full = tu_sprintf("%s/full.csv", dir), *out = tu_sprintf("%s/out.csv", dir);
    char *ck = tu_sprintf("%s/ck", dir), *errf = tu_sprintf("%s/err", dir);
    char delays[256] = "";
    unsigned long long rng = (unsigned long long) getpid() * 2654435761ULL + 12345;
    tu_run_t r;
    size_t la, lb;
    char *a, *b;
    int k, status;
    struct stat sb;

    RUN_EXPECT(&r, 0, "flow", "--example", "transition", "--until-loss", "1e-3000", "--digits",
               "20", "--per-decade", "2", "-q", "-o", full);
    tu_run_free(&r);
    a = tu_read_file(full, &la);
    for (k = 0; k < 6; k++)
    {
        long ms = tu_rand_range(&rng, 20, 900);
        pid_t pid = spawn_flow(out, ck, stat(ck, &sb) == 0, errf);
        snprintf(delays + strlen(delays), sizeof delays - strlen(delays), " %ld", ms);
        usleep((useconds_t) ms * 1000);
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
    }
    {
        pid_t pid = spawn_flow(out, ck, stat(ck, &sb) == 0, errf);
        waitpid(pid, &status, 0);
        ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "final resume failed (%d)",
                      status);
    }
    b = tu_read_file(out, &lb);
    ck_assert_msg(la == lb && memcmp(a, b, la) == 0,
                  "resumed output differs (%zu vs %zu bytes; kills after%s ms)", lb, la, delays);
    free(b);

    /* SIGTERM once a checkpoint exists: saved, exit 1, the message */
    unlink(ck);
    unlink(out);
    {
        pid_t pid = spawn_flow(out, ck, 0, errf);
        int waited = 0;
        char *e;
        while (stat(ck, &sb) != 0 && waited < 20000)
        {
            usleep(5000);
            waited += 5;
        }
        kill(pid, SIGTERM);
        waitpid(pid, &status, 0);
        e = tu_read_file(errf, &lb);
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
            ;   /* finished before the signal arrived: nothing to check */
        else
        {
            ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 1, "status %d", status);
            ck_assert_msg(strstr(e, "interrupted by signal 15: the state after row") != NULL, "%s", e);
            pid = spawn_flow(out, ck, 1, errf);
            waitpid(pid, &status, 0);
            ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        }
        free(e);
        b = tu_read_file(out, &lb);
        ck_assert(la == lb && memcmp(a, b, la) == 0);
        free(b);
    }

    /* refusals */
    tu_run(&r, "flow", "--example", "transition", "--checkpoint", ck, NULL);
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "need --out FILE"));
    tu_run_free(&r);
    {
        char *none = tu_sprintf("%s/none", dir);
        RUN_EXPECT(&r, 1, "flow", "--example", "transition", "-o", out, "--checkpoint", none,
                   "--resume");
        ck_assert_ptr_nonnull(strstr(r.err, "cannot open the checkpoint"));
        tu_run_free(&r);
        free(none);
    }
    /* a checkpoint from another run (other digits) */
    tu_run(&r, "flow", "--example", "transition", "--until-loss", "1e-3000", "--digits", "21",
           "--per-decade", "2", "-q", "-o", out, "--checkpoint", ck, "--resume", NULL);
    ck_assert(r.status != 0);
    ck_assert_msg(strstr(r.err, "belongs to another run") != NULL, "%s", r.err);
    tu_run_free(&r);
    /* damaged: one digit changed */
    {
        char *t = tu_read_file(ck, &lb), *p = strstr(t, "\ny ");
        ck_assert_ptr_nonnull(p);
        p[4] = p[4] == '1' ? '2' : '1';
        free(tu_write_file_len(dir, "ck", t, lb));
        free(t);
        RUN_EXPECT(&r, 1, "flow", "--example", "transition", "--until-loss", "1e-3000", "--digits",
                   "20", "--per-decade", "2", "-q", "-o", out, "--checkpoint", ck, "--resume");
        ck_assert_msg(strstr(r.err, "damaged or truncated") != NULL, "%s", r.err);
        tu_run_free(&r);
    }
    free(a);
    free(full);
    free(out);
    free(ck);
    free(errf);
    tu_rm_rf(dir);
}
END_TEST



/* field k (0-based) of a CSV line, as a double (commas inside a quoted
   field, such as a dataset's name, do not count) */
static double
csv_num(const char *line, int k)
{
    const char *p = line;
    int quoted = 0;
    for (; k > 0 && *p != '\0' && *p != '\n'; p++)
        if (*p == '"')
            quoted = !quoted;
        else if (*p == ',' && !quoted)
            k--;
    ck_assert_int_eq(k, 0);
    return strtod(p, NULL);
}

/* the line of a CSV text whose field k (as text) starts with `key` after
   the line start prefix `pre`; NULL when none */
static const char *
csv_line_at(const char *text, const char *pre, int k, double key)
{
    const char *l;
    for (l = text; l != NULL && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
        if (tu_starts_with(l, pre) && fabs(csv_num(l, k) - key) < 1e-9)
            return l;
    return NULL;
}

/* the d rationals "p/q" (or "p") of the array after `key` in a JSON text,
   as doubles */
static void
json_qvec(const char *js, const char *key, double *out, int d)
{
    const char *p = strstr(js, key);
    int i;
    ck_assert_msg(p != NULL, "no %s in %s", key, js);
    p += strlen(key);
    for (i = 0; i < d; i++)
    {
        char *e;
        p = strchr(p, '"');
        ck_assert_ptr_nonnull(p);
        out[i] = strtod(p + 1, &e);
        if (*e == '/')
            out[i] /= strtod(e + 1, &e);
        p = strchr(e, '"') + 1;
    }
}

/* the sup distance of a CSV line's wbar (fields k0 .. k0 + d - 1) to p */
static double
sup_dist(const char *line, int k0, const double *p, int d)
{
    double m = 0.0;
    int i;
    for (i = 0; i < d; i++)
        m = fmax(m, fabs(csv_num(line, k0 + i) - p[i]));
    return m;
}

/* regime --target l2|l1|rich|qmu: d_target (CSV field 23) against the sup
   distance of the printed wbar (fields 24..27) to the l2 and l1 predictors
   that `mpbias limits` prints, at depths 1, 2, 3; rich at depth 1 is l2;
   qmu is its own column; at depth 1 qmu has no distance: nan in every row,
   a warning, exit 0. */
START_TEST(test_regime_target)
{
    static const char *const targets[] = { "l2", "l1", "rich", NULL };
    double l2[4], l1[4];
    tu_run_t r;
    int D, t, rows = 0;
    RUN_EXPECT(&r, 0, "limits", "--example", "transition", "--format", "json");
    json_qvec(r.out, "\"l2\": {\"w\": [", l2, 4);
    json_qvec(r.out, "\"l1\": {\"w\": [", l1, 4);
    ck_assert(fabs(l2[0] - 112.0 / 269) < 1e-15 && l1[0] == 0.5 && l1[1] == 0.0);
    tu_run_free(&r);
    for (D = 1; D <= 3; D++)
        for (t = 0; targets[t] != NULL; t++)
        {
            char ds[4];
            const char *l;
            snprintf(ds, sizeof ds, "%d", D);
            RUN_EXPECT(&r, 0, "regime", "--example", "transition", "--depth", ds, "--target",
                       targets[t], "--until-loss", "1e-100", "--per-decade", "1", "--format",
                       "csv", "-q");
            ck_assert_str_eq(r.err, "");
            ck_assert(tu_starts_with(strstr(r.out, "nearest,"), "nearest,d_target,wbar_1,wbar_2,"
                                                                "wbar_3,wbar_4\n"));
            for (l = strchr(r.out, '\n') + 1; *l; l = strchr(l, '\n') + 1)
            {
                /* l2 for l2, and for rich at depth 1; l1 for l1, and for rich at
                   depth 2 and, on this example, at depth 3 (its KKT point is the
                   l1 solution) */
                const double *p = t == 0 || (t == 2 && D == 1) ? l2 : l1;
                double want = sup_dist(l, 24, p, 4), got = csv_num(l, 23);
                ck_assert_msg(fabs(got - want) <= 1e-3 * want, "depth %d, --target %s: d_target "
                              "%g, from wbar %g\n%s", D, targets[t], got, want, l);
                ck_assert(got == csv_num(l, p == l2 ? 6 : 9));
                rows++;
            }
            tu_run_free(&r);
        }
    ck_assert_int_eq(rows, 9 * 3);
    /* qmu: the column d(qmu) at depth 2; none at depth 1 */
    RUN_EXPECT(&r, 0, "regime", "--example", "transition", "--target", "qmu", "--until-loss",
               "1e-10", "--per-decade", "1", "--format", "csv", "-q");
    {
        const char *l = strchr(r.out, '\n') + 1;
        ck_assert(isfinite(csv_num(l, 23)) && csv_num(l, 23) == csv_num(l, 12));
    }
    tu_run_free(&r);
    RUN_EXPECT(&r, 0, "regime", "--example", "transition", "--depth", "1", "--target", "qmu",
               "--until-loss", "1e-10", "--per-decade", "1", "--format", "csv", "-q");
    ck_assert_str_eq(r.err, "mpbias: warning: the distance to the qmu target is not defined (no "
                            "intermediate predictor at depth 1): d_target is nan at 2 of 2 "
                            "checkpoints\n");
    ck_assert(isnan(csv_num(strchr(r.out, '\n') + 1, 23)));
    tu_run_free(&r);
    /* the text names a target that is not the rich column */
    RUN_EXPECT(&r, 0, "regime", "--example", "transition", "--target", "l2", "--until-loss",
               "1e-10", "-q");
    ck_assert_ptr_nonnull(strstr(r.out, "\ntarget: l2 (--target; the column d(l2), d_target of "
                                        "the CSV)\n"));
    tu_run_free(&r);
    USAGE("regime", "invalid value 'l3' for --target: expected rich, l1, l2 or qmu", "regime",
          "--example", "transition", "--target", "l3");
}
END_TEST

/* the group of an SVG's curve titled `title` (from its <g id=...> to the
   next one), malloc'd; NULL when there is none */
static char *
svg_group(const char *svg, const char *title)
{
    char *want = tu_sprintf("<title>%s</title>", title), *g;
    const char *p = strstr(svg, want), *start, *end;
    free(want);
    if (p == NULL)
        return NULL;
    start = p;
    end = strstr(p, "<g id=\"gnuplot_plot_");
    end = end != NULL ? end : p + strlen(p);
    g = tu_sprintf("%.*s", (int) (end - start), start);
    return g;
}

/* regime --plot-wbar and --coords: the coordinates drawn (titled w_{i},
   subscripts as one piece), each as a solid line followed by the target's
   dashed one (SVG's stroke-dasharray); the default selection holds the l1
   support; all; the errors (exit 2, never a crash); PNG and PDF */
START_TEST(test_regime_plot_wbar)
{
    static const char *const ex = "sparse-teacher:n=10,d=12,k=2,seed=1";
    char *dir = tu_mkdtemp(), *svg = tu_sprintf("%s/w.svg", dir), *text, *g, *name;
    double l1[12];
    size_t len;
    tu_run_t r;
    int i, n;
    if (!have_gnuplot())
    {
        tu_rm_rf(dir);
        free(svg);
        return;
    }
    RUN_EXPECT(&r, 0, "limits", "--example", ex, "--format", "json");
    json_qvec(r.out, "\"l1\": {\"w\": [", l1, 12);
    tu_run_free(&r);
    /* --coords 10,2-3: three curves, and the target's three dashed lines */
    RUN_EXPECT(&r, 0, "regime", "--example", ex, "--until-loss", "1e-10", "--per-decade", "1",
               "--plot-wbar", svg, "--coords", "10,2-3", "-q");
    tu_run_free(&r);
    text = tu_read_file(svg, &len);
    ck_assert_ptr_nonnull(strstr(text, "</svg>"));
    ck_assert_ptr_nonnull(strstr(text, "solid: w/margin; dashed: the l1 max-margin predictor (the "
                                       "target)"));
    for (i = 0; i < 3; i++)
    {
        static const char *const t[3] = { "w2", "w3", "w10" };
        char *dash, *id = tu_sprintf("gnuplot_plot_%d", 2 * i + 2);
        g = svg_group(text, t[i]);
        ck_assert_msg(g != NULL, "no curve %s", t[i]);
        ck_assert_msg(strstr(g, "stroke-dasharray") == NULL, "%s is not solid", t[i]);
        free(g);
        dash = svg_group(text, id);
        ck_assert_msg(dash != NULL && strstr(dash, "stroke-dasharray") != NULL,
                      "the target of %s is not dashed", t[i]);
        free(dash);
        free(id);
    }
    g = svg_group(text, "w10");
    ck_assert_msg(strstr(g, ">10</tspan>") != NULL, "w_{10}: the subscript is not 10: %s", g);
    free(g);
    ck_assert_ptr_null(strstr(text, "<title>w1</title>"));
    ck_assert_ptr_null(strstr(text, "gnuplot_plot_7\""));
    free(text);
    /* the default: 10 of the 12, the l1 support among them */
    RUN_EXPECT(&r, 0, "regime", "--example", ex, "--until-loss", "1e-10", "--per-decade", "1",
               "--plot-wbar", svg, "-q");
    tu_run_free(&r);
    text = tu_read_file(svg, &len);
    for (i = n = 0; i < 12; i++)
    {
        name = tu_sprintf("<title>w%d</title>", i + 1);
        n += strstr(text, name) != NULL;
        ck_assert_msg(l1[i] == 0.0 || strstr(text, name) != NULL, "w_%d of the l1 support is "
                      "not drawn", i + 1);
        free(name);
    }
    ck_assert_int_eq(n, 10);
    free(text);
    /* all: 12 curves, coloured by the index on a colour bar */
    RUN_EXPECT(&r, 0, "regime", "--example", ex, "--until-loss", "1e-10", "--per-decade", "1",
               "--plot-wbar", svg, "--coords", "all", "--target", "l2", "-q");
    tu_run_free(&r);
    text = tu_read_file(svg, &len);
    ck_assert_ptr_nonnull(strstr(text, "coordinate i"));
    ck_assert_ptr_nonnull(strstr(text, "dashed: the l2 max-margin predictor (the target)"));
    ck_assert_ptr_nonnull(strstr(text, "gnuplot_plot_24\""));
    ck_assert_ptr_null(strstr(text, "gnuplot_plot_25\""));
    free(text);
    /* PNG and PDF (the cairo terminals, which draw dashes) */
    for (i = 0; i < 2; i++)
    {
        char *f = tu_sprintf("%s/w.%s", dir, i ? "pdf" : "png");
        RUN_EXPECT(&r, 0, "regime", "--example", "transition", "--until-loss", "1e-10",
                   "--plot-wbar", f, "--target", "qmu", "-q");
        tu_run_free(&r);
        text = tu_read_file(f, &len);
        ck_assert(len > 1000 && memcmp(text, i ? "%PDF-" : "\x89PNG\r\n\x1a\n", i ? 5 : 8) == 0);
        free(text);
        free(f);
    }
    /* the errors: before any run, exit 2 */
    {
        const char *const args[] = { "regime", "--example", ex, "--plot-wbar", svg, "--coords",
                                     "1,13", NULL };
        expect_usage("regime", "--coords: coordinate 13 is out of range: the data have d = 12 "
                     "coordinates (1 to 12)", args);
    }
    USAGE("regime", "--coords chooses the coordinates of --plot-wbar: give --plot-wbar FILE too",
          "regime", "--example", "transition", "--coords", "1");
    {
        static const char *const bad[] = { "0", "x", "", "1,,2", "1,", "3-1", "-2", "1-",
                                           "99999999999999999999", "2.5" };
        size_t k;
        for (k = 0; k < sizeof bad / sizeof bad[0]; k++)
        {
            char *msg = tu_sprintf("invalid value '%s' for --coords: expected coordinates (from "
                                   "1) such as 1,3,7-9, or all", bad[k]);
            const char *const args[] = { "regime", "--example", "transition", "--plot-wbar",
                                         "w.svg", "--coords", bad[k], NULL };
            expect_usage("regime", msg, args);
            free(msg);
        }
    }
    USAGE("regime", "--coords 1-200000: at most 100000 coordinates (or all)", "regime",
          "--example", "transition", "--plot-wbar", "w.svg", "--coords", "1-200000");
    free(svg);
    tu_rm_rf(dir);
}
END_TEST

/* Depth 3 with the default target, rich: one l_(2/3) KKT point for the
   dataset and depth, the one the smallest alpha's trajectory polishes to
   (targets.json), so that alpha 3, whose own last sample polishes to no
   KKT point (it used to be nan with a warning), has a distance at every
   sample, equal to the sup distance of its printed wbar to the printed
   point.  With alpha 3 alone there is no target: nan, a warning per point
   and one for the depth, the threshold "undefined", the samples marked in
   the phase diagram, exit 0. */
START_TEST(test_sweep_nan_warning)
{
    static const char *const ex = "sparse-teacher:n=6,d=8,k=2,seed=2";
    tu_run_t r;
    char *dir = tu_mkdtemp(), *out = tu_sprintf("%s/sw", dir), *csv, *f, *want;
    const char *l;
    double w[8];
    size_t len;
    int rows = 0;
    RUN_EXPECT(&r, 0, "sweep", "--example", ex, "--depths", "3", "--alphas", "3,1", "--until-loss",
               "1e-10", "--jobs", "1", "--out", out, "-q");
    ck_assert_str_eq(r.err, "");
    tu_run_free(&r);
    f = tu_sprintf("%s/run.json", out);
    csv = tu_read_file(f, &len);
    ck_assert_ptr_nonnull(strstr(csv, "\"target\": \"rich\""));
    free(csv);
    free(f);
    f = tu_sprintf("%s/targets.json", out);
    csv = tu_read_file(f, &len);
    ck_assert_ptr_nonnull(strstr(csv, "\"depth\": 3, \"defined\": true, \"kind\": \"kkt\", "
                                      "\"from_alpha\": \"1\""));
    json_qvec(csv, "\"w\": [", w, 8);
    free(csv);
    free(f);
    f = tu_sprintf("%s/results.csv", out);
    csv = tu_read_file(f, &len);
    for (l = strchr(csv, '\n') + 1; *l; l = strchr(l, '\n') + 1)
    {
        double d = csv_num(l, 17), want_d = sup_dist(l, 18, w, 8);
        ck_assert_msg(isfinite(d) && fabs(d - want_d) <= 1e-6 * want_d + 1e-9, "%.60s: %g vs %g",
                      l, d, want_d);
        ck_assert(d == csv_num(l, 10));
        rows++;
    }
    ck_assert_int_eq(rows, 2 * 4);
    free(csv);
    free(f);
    free(out);
    /* no target at all */
    out = tu_sprintf("%s/none", dir);
    RUN_EXPECT(&r, 0, "sweep", "--example", ex, "--depths", "3", "--alphas", "3", "--until-loss",
               "1e-10", "--threshold-within", "0.1", "--jobs", "1", "--out", out, "-q");
    want = tu_sprintf("mpbias: warning: sparse-teacher(n=6,d=8,k=2,seed=2), depth 3: no rich "
                      "target: the trajectory of the smallest alpha (3) polishes to no l_(2/3) KKT "
                      "point (");
    ck_assert_msg(tu_starts_with(r.err, want), "stderr: %s", r.err);
    free(want);
    ck_assert_ptr_nonnull(strstr(r.err, "\nmpbias: warning: sparse-teacher(n=6,d=8,k=2,seed=2), "
                                        "depth 3, alpha 3: the distance to the rich target is not "
                                        "defined ("));
    ck_assert_ptr_nonnull(strstr(r.err, "): d_target is nan at 4 of 4 samples\n"));
    ck_assert_ptr_nonnull(strstr(r.err, "alpha 3: no threshold ("));
    tu_run_free(&r);
    f = tu_sprintf("%s/results.csv", out);
    csv = tu_read_file(f, &len);
    for (l = strchr(csv, '\n') + 1; *l; l = strchr(l, '\n') + 1)
        ck_assert(isnan(csv_num(l, 17)) && isfinite(csv_num(l, 18)));
    free(csv);
    free(f);
    f = tu_sprintf("%s/thresholds.csv", out);
    csv = tu_read_file(f, &len);
    ck_assert_str_eq(csv, "dataset,depth,alpha,within,reached,log10_loss\n"
                          "1,3,3,0.1,undefined,nan\n");
    free(csv);
    free(f);
    if (have_gnuplot())
    {
        RUN_EXPECT(&r, 0, "sweep", "--example", ex, "--depths", "3", "--alphas", "3",
                   "--until-loss", "1e-10", "--threshold-within", "0.1", "--jobs", "1", "--out",
                   out, "--plot", "-q");
        tu_run_free(&r);
        f = tu_sprintf("%s/phase-1-D3.svg", out);
        csv = tu_read_file(f, &len);
        ck_assert_ptr_nonnull(strstr(csv, "no distance defined (nan; see the warnings)"));
        free(csv);
        free(f);
        f = tu_sprintf("%s/distances-1-D3.svg", out);
        csv = tu_read_file(f, &len);
        ck_assert_ptr_nonnull(strstr(csv, "alpha = 3: no distance defined"));
        free(csv);
        free(f);
    }
    free(out);
    tu_rm_rf(dir);
}
END_TEST

/* sweep --target l1 at depths 2 and 3, alphas 0.1 .. 10: a distance in
   every row (the margin is positive there), equal to the sup distance of
   the row's own wbar to the l1 predictor (1/2, 0, 0, 0) of transition;
   and --target qmu at depth 1, where no intermediate predictor exists:
   nan, a warning naming the point, exit 0. */
START_TEST(test_sweep_targets)
{
    tu_run_t r;
    char *dir = tu_mkdtemp(), *out = tu_sprintf("%s/l1", dir), *f = tu_sprintf("%s/results.csv", out);
    char *csv;
    const char *l;
    size_t len;
    int rows = 0;
    RUN_EXPECT(&r, 0, "sweep", "--example", "transition", "--depths", "2,3", "--alpha-range",
               "0.1:10:5", "--until-loss", "1e-20", "--target", "l1", "--out", out, "-q");
    ck_assert_str_eq(r.err, "");
    tu_run_free(&r);
    csv = tu_read_file(f, &len);
    ck_assert(tu_starts_with(csv, "dataset,name,depth,alpha,log10_loss,log10_t,margin,log10_muD,"
                                  "kappa,d_l2,d_rich,d_qmu,floor,stationarity,slackness,regime,"
                                  "nearest,d_target,wbar_1,wbar_2,wbar_3,wbar_4\n"));
    for (l = strchr(csv, '\n') + 1; *l; l = strchr(l, '\n') + 1)
    {
        double m = csv_num(l, 6), d = csv_num(l, 17), want = fabs(csv_num(l, 18) - 0.5);
        int i;
        for (i = 1; i < 4; i++)
            want = fabs(csv_num(l, 18 + i)) > want ? fabs(csv_num(l, 18 + i)) : want;
        ck_assert(m > 0.0);
        ck_assert_msg(isfinite(d) && fabs(d - want) <= 1e-6 * want + 1e-12, "%.60s: %g vs %g", l,
                      d, want);
        ck_assert(d == csv_num(l, 10));
        rows++;
    }
    ck_assert_int_eq(rows, 2 * 5 * 5);
    free(csv);
    free(out);
    free(f);
    out = tu_sprintf("%s/qmu", dir);
    f = tu_sprintf("%s/results.csv", out);
    RUN_EXPECT(&r, 0, "sweep", "--example", "transition", "--depths", "1,2", "--alphas", "1",
               "--until-loss", "1e-5", "--target", "qmu", "--out", out, "-q");
    ck_assert_str_eq(r.err, "mpbias: warning: transition, depth 1, alpha 1: the distance to the "
                            "qmu target is not defined (no intermediate predictor at depth 1): "
                            "d_target is nan at 3 of 3 samples\n");
    tu_run_free(&r);
    csv = tu_read_file(f, &len);
    l = csv_line_at(csv, "1,\"transition\",1,1,", 4, -5.0);
    ck_assert_ptr_nonnull(l);
    ck_assert(isnan(csv_num(l, 17)));
    l = csv_line_at(csv, "1,\"transition\",2,1,", 4, -5.0);
    ck_assert_ptr_nonnull(l);
    ck_assert(isfinite(csv_num(l, 17)) && csv_num(l, 17) == csv_num(l, 11));
    free(csv);
    /* the pictures (from the finished points): valid PNG, SVG and PDF; the
       samples without a distance marked in the phase diagram, only there */
    if (have_gnuplot())
    {
        static const char *const ext[] = { "png", "svg", "pdf" };
        int D, k;
        RUN_EXPECT(&r, 0, "sweep", "--example", "transition", "--depths", "1,2", "--alphas", "1",
                   "--until-loss", "1e-5", "--target", "qmu", "--out", out, "--plot", "-q");
        tu_run_free(&r);
        for (D = 1; D <= 2; D++)
            for (k = 0; k < 3; k++)
            {
                char *pic = tu_sprintf("%s/phase-1-D%d.%s", out, D, ext[k]);
                char *t = tu_read_file(pic, &len);
                ck_assert_msg(t != NULL && len > 1000, "%s", pic);
                if (k == 0)
                    ck_assert(memcmp(t, "\x89PNG\r\n\x1a\n", 8) == 0);
                else if (k == 1)
                {
                    ck_assert(tu_starts_with(t, "<?xml") && strstr(t, "<svg") != NULL
                              && strstr(t, "</svg>") != NULL);
                    ck_assert_int_eq(strstr(t, "no distance defined") != NULL, D == 1);
                    ck_assert_ptr_nonnull(strstr(t, "distance to the qmu target"));
                }
                else
                    ck_assert(memcmp(t, "%PDF-", 5) == 0 && strstr(t + len - 8, "%%EOF") != NULL);
                free(t);
                free(pic);
            }
    }
    free(out);
    free(f);
    /* the rich target at depth 3 says what it is: the l1 predictor (the
       transition example, alpha 0.5), with a shape the weighted l1 one when
       the smallest alpha reaches it (a = (0.3, 1, 0.5, 1): weights 10/3, 1,
       2, 1; its optimum (1/2, 0, 0, 0) as `mpbias limits` prints it), else
       a KKT point (a = (0.3, 1, 1, 1): the weighted optimum is
       (0, 2/5, 6/5, 0), the trajectory reaches the vertex (0, 0, 2, 0)) */
    {
        static const char *const shapes[3] = { NULL, "0.3,1,0.5,1", "0.3,1,1,1" };
        static const char *const kinds[3] = { "\"kind\": \"l1\", \"from_alpha\": \"0.5\"",
                                              "\"kind\": \"weighted-l1\", \"from_alpha\": \"0.1\"",
                                              "\"kind\": \"kkt\", \"from_alpha\": \"0.1\"" };
        static const double want[3][4] = { { 0.5, 0, 0, 0 }, { 0.5, 0, 0, 0 }, { 0, 0, 2, 0 } };
        int k, i;
        for (k = 0; k < 3; k++)
        {
            char *o = tu_sprintf("%s/rich%d", dir, k), *js = tu_sprintf("%s/targets.json", o);
            double w[4], lw[4];
            const char *args[20] = { "sweep", "--example", "transition", "--depths", "3",
                                     "--alphas", k ? "0.1" : "0.5,1", "--until-loss", "1e-100",
                                     "--out", o, "-q" };
            if (shapes[k] != NULL)
            {
                args[12] = "--shape-a";
                args[13] = shapes[k];
                args[14] = "--shape-b";
                args[15] = "1,1,1,1";
            }
            tu_runv(&r, args);
            ck_assert_msg(r.status == 0, "%s", r.err);
            tu_run_free(&r);
            csv = tu_read_file(js, &len);
            ck_assert_msg(strstr(csv, kinds[k]) != NULL, "%s", csv);
            json_qvec(csv, "\"w\": [", w, 4);
            for (i = 0; i < 4; i++)
                ck_assert(fabs(w[i] - want[k][i]) < 1e-9);
            free(csv);
            if (k > 0)
            {
                RUN_EXPECT(&r, 0, "limits", "--example", "transition", "--depth", "3",
                           "--shape-a", shapes[k], "--shape-b", "1,1,1,1", "--format", "json");
                json_qvec(r.out, "\"l1_weighted\": {\"w\": [", lw, 4);
                for (i = 0; i < 4 && k == 1; i++)
                    ck_assert(fabs(lw[i] - w[i]) < 1e-9);
                if (k == 2)
                    ck_assert(lw[0] == 0.0 && fabs(lw[1] - 0.4) < 1e-15
                              && fabs(lw[2] - 1.2) < 1e-15 && lw[3] == 0.0);
                tu_run_free(&r);
            }
            free(js);
            free(o);
        }
    }
    tu_rm_rf(dir);
}
END_TEST

/* The logistic loss, the mean loss and a shape in regime and sweep: the
   same trajectory as `mpbias flow` with those options (the shape scaled by
   alpha = 2 here is flow's shape 2a, 2b): the margins, and wbar in
   results.csv, at log10(eps) = -1, -2, -5, -10. */
START_TEST(test_loss_and_shape_vs_flow)
{
    static const double losses[] = { -1, -2, -5, -10 };
    tu_run_t r, fl;
    char *dir = tu_mkdtemp(), *out = tu_sprintf("%s/sw", dir), *f = tu_sprintf("%s/results.csv", out);
    char *csv;
    size_t len, k;
    int D;
    for (D = 2; D <= 3; D++)
    {
        char ds[8];
        snprintf(ds, sizeof ds, "%d", D);
        RUN_EXPECT(&fl, 0, "flow", "--example", "transition", "--depth", ds, "--loss", "logistic",
                   "--loss-mean", "--shape-a", "2,4,1,2", "--shape-b", "2,1,2,6", "--until-loss",
                   "1e-10", "--digits", "12", "-q");
        RUN_EXPECT(&r, 0, "regime", "--example", "transition", "--depth", ds, "--alpha", "2",
                   "--loss", "logistic", "--loss-mean", "--shape-a", "1,2,0.5,1", "--shape-b",
                   "1,0.5,1,3", "--until-loss", "1e-10", "--digits", "12", "--format", "csv", "-q");
        for (k = 0; k < 4; k++)
        {
            const char *a = csv_line_at(r.out, "", 0, losses[k]),
                       *b = csv_line_at(fl.out, "", 1, losses[k]);
            ck_assert_ptr_nonnull(a);
            ck_assert_ptr_nonnull(b);
            ck_assert_msg(fabs(csv_num(a, 2) / csv_num(b, 2) - 1) < 1e-3, "D %d margin %g vs %g",
                          D, csv_num(a, 2), csv_num(b, 2));
        }
        tu_run_free(&r);
        if (D == 3)
        {
            RUN_EXPECT(&r, 0, "sweep", "--example", "transition", "--depths", "2,3", "--alphas",
                       "2", "--loss", "logistic", "--loss-mean", "--shape-a", "1,2,0.5,1",
                       "--shape-b", "1,0.5,1,3", "--until-loss", "1e-10", "--out", out, "-q");
            tu_run_free(&r);
            csv = tu_read_file(f, &len);
            for (k = 0; k < 4; k++)
            {
                const char *a = csv_line_at(csv, "1,\"transition\",3,2,", 4, losses[k]),
                           *b = csv_line_at(fl.out, "", 1, losses[k]);
                int i;
                ck_assert_ptr_nonnull(a);
                for (i = 0; i < 4; i++)
                    ck_assert_msg(fabs(csv_num(a, 18 + i) - csv_num(b, 3 + i))
                                  <= 1e-8 * fabs(csv_num(b, 3 + i)) + 1e-12, "wbar_%d", i + 1);
                ck_assert(fabs(csv_num(a, 6) / csv_num(b, 2) - 1) < 1e-6);
            }
            free(csv);
        }
        tu_run_free(&fl);
    }
    csv = tu_sprintf("%s/run.json", out);
    {
        char *js = tu_read_file(csv, &len);
        ck_assert_ptr_nonnull(strstr(js, "\"loss\": \"logistic\""));
        ck_assert_ptr_nonnull(strstr(js, "\"loss_mean\": true"));
        ck_assert_ptr_nonnull(strstr(js, "\"shape_b\": [\"1\", \"0.5\", \"1\", \"3\"]"));
        free(js);
    }
    free(csv);
    free(out);
    free(f);
    tu_rm_rf(dir);
}
END_TEST

static Suite *
cli_suite(void)
{
    Suite *s = suite_create("cli");
    TCase *tc;

    tc = tcase_create("help");
    tcase_add_test(tc, test_man_page_options);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_help_version);
    suite_add_tcase(s, tc);

    tc = tcase_create("usage");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_usage_errors);
    suite_add_tcase(s, tc);

    tc = tcase_create("info");
    tu_tcase_tmpdir(tc);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_info_examples);
    tcase_add_test(tc, test_info_list_examples);
    tcase_add_test(tc, test_info_data_file);
    tcase_add_test(tc, test_info_label_column);
    tcase_add_test(tc, test_info_bad_files);
    tcase_add_test(tc, test_info_not_separable);
    suite_add_tcase(s, tc);

    tc = tcase_create("flow");
    tu_tcase_tmpdir(tc);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_flow_help_and_usage);
    tcase_add_test(tc, test_flow_csv_json);
    tcase_add_test(tc, test_flow_until_loss_near_start);
    tcase_add_test(tc, test_flow_data_errors);
    suite_add_tcase(s, tc);

    tc = tcase_create("limits");
    tu_tcase_tmpdir(tc);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_limits);
    suite_add_tcase(s, tc);

    tc = tcase_create("regime");
    tu_tcase_tmpdir(tc);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_regime);
    tcase_add_test(tc, test_regime_target);
    tcase_add_test(tc, test_regime_plot_wbar);
    tcase_add_test(tc, test_threshold);
    tcase_add_test(tc, test_gd);
    tcase_add_test(tc, test_check_output_unwritable);
    suite_add_tcase(s, tc);

    tc = tcase_create("sweep");
    tu_tcase_tmpdir(tc);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_sweep);
    tcase_add_test(tc, test_sweep_nan_warning);
    tcase_add_test(tc, test_sweep_targets);
    tcase_add_test(tc, test_loss_and_shape_vs_flow);
    suite_add_tcase(s, tc);

    tc = tcase_create("checkpoint");
    tu_tcase_tmpdir(tc);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_flow_checkpoint);
    tcase_add_test(tc, test_flow_sigint_between_rows);
    tcase_add_test(tc, test_flow_raise);
    suite_add_tcase(s, tc);

    tc = tcase_create("gen");
    tu_tcase_tmpdir(tc);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_gen_then_info);
    tcase_add_test(tc, test_gen_examples_and_errors);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return tu_main(cli_suite());
}
