/*
 * t-data_read.c -- the LIBSVM and CSV readers (src/data/read.c): exact
 * values, labels absorbed into z = y x, format detection, and every
 * refusal with its status, FILE:LINE:COL and message.
 */
#include "testutil.h"

/* ------------------------------------------------------------------ */
/* accepted input                                                      */
/* ------------------------------------------------------------------ */

START_TEST(test_libsvm_basic)
{
    static const int y[] = { 1, -1 };
    static const char *const z[] = {
        "0", "0", "1/4", "0", "0", "0", "-3/2",
        "-2", "0", "-1/10", "0", "0", "0", "0",
    };
    mpbias_data_t d;
    mpbias_data_init(d);
    tu_data_from_text(d, "+1 3:0.25 7:-1.5\n-1 1:2 3:1e-1\n", "basic.svm", MPBIAS_FORMAT_AUTO);
    tu_assert_data(d, 2, 7, y, z);
    ck_assert_str_eq(d->name, "basic.svm");
    ck_assert_int_eq(mpbias_data_nnz(d), 4);
    ck_assert_int_eq(mpbias_data_validate(d, NULL), MPBIAS_OK);
    mpbias_data_clear(d);
    ck_assert_int_eq(d->n, 0);
    ck_assert_ptr_null(d->z);
}
END_TEST

START_TEST(test_libsvm_comments_crlf_blank)
{
    static const int y[] = { 1, -1 };
    static const char *const z[] = { "1", "0", "0", "-1/2" };
    static const char text[] =
        "# a comment line\r\n"
        "\r\n"
        "+1 1:1 # trailing comment, with a comma: and a colon\r\n"
        "   \t \r\n"
        "  # indented comment\r\n"
        "-1 2:0.5\r\n"
        "# end\r\n";
    mpbias_data_t d;
    mpbias_data_init(d);
    tu_data_from_text(d, text, "c.svm", MPBIAS_FORMAT_AUTO);
    tu_assert_data(d, 2, 2, y, z);
    mpbias_data_clear(d);
    /* the same without a final newline, with tabs between fields */
    tu_data_from_text(d, "+1\t1:1\n-1\t2:0.5", "c.svm", MPBIAS_FORMAT_AUTO);
    tu_assert_data(d, 2, 2, y, z);
    mpbias_data_clear(d);
}
END_TEST

START_TEST(test_libsvm_labels)
{
    static const int y[] = { 1, 1, -1, 1, -1, 1 };
    static const char *const z[] = {
        "1", "0",
        "2", "0",
        "-3", "0",
        "0", "4",
        "-5", "1/2",
        "6", "0",
    };
    mpbias_data_t d;
    mpbias_data_init(d);
    tu_data_from_text(d, "+1 1:1\n1 1:2\n-1 1:3\n1.0 2:4\n-1.00 1:5 2:-0.5\n+1e0 1:6\n", "l.svm",
                      MPBIAS_FORMAT_AUTO);
    tu_assert_data(d, 6, 2, y, z);
    mpbias_data_clear(d);
}
END_TEST

START_TEST(test_libsvm_explicit_zero_sets_d)
{
    static const int y[] = { 1, -1 };
    static const char *const z[] = { "1", "0", "0", "0", "0", "-1", "0", "0" };
    mpbias_data_t d;
    mpbias_data_init(d);
    tu_data_from_text(d, "+1 1:1 4:0\n-1 2:1\n", "z.svm", MPBIAS_FORMAT_AUTO);
    tu_assert_data(d, 2, 4, y, z);
    ck_assert_int_eq(mpbias_data_nnz(d), 2);
    mpbias_data_clear(d);
}
END_TEST

START_TEST(test_libsvm_exact_values)
{
    /* values far outside double range or precision stay exact */
    static const int y[] = { 1, -1 };
    char *big = tu_sprintf("1/1%0400d", 0);
    const char *z[] = { "1/10", "123456789012345678901234567890", big, "-3/10" };
    mpbias_data_t d;
    mpbias_data_init(d);
    tu_data_from_text(d, "+1 1:0.1 2:123456789012345678901234567890\n-1 1:-1e-400 2:0.3\n", "x.svm",
                      MPBIAS_FORMAT_AUTO);
    tu_assert_data(d, 2, 2, y, z);
    mpbias_data_clear(d);
    free(big);
}
END_TEST

START_TEST(test_csv_no_header)
{
    static const int y[] = { 1, -1 };
    static const char *const z[] = { "1/2", "-2", "-3", "0" };
    mpbias_data_t d;
    mpbias_data_init(d);
    tu_data_from_text(d, "1,0.5,-2\n-1,3,0\n", "a.csv", MPBIAS_FORMAT_AUTO);
    tu_assert_data(d, 2, 2, y, z);
    mpbias_data_clear(d);
}
END_TEST

START_TEST(test_csv_header)
{
    static const int y[] = { 1, -1 };
    static const char *const z[] = { "1", "2", "-3", "-4" };
    mpbias_data_t d;
    mpbias_data_init(d);
    tu_data_from_text(d, "y,x1,x2\n+1,1,2\n-1,3,4\n", "h.csv", MPBIAS_FORMAT_AUTO);
    tu_assert_data(d, 2, 2, y, z);
    mpbias_data_clear(d);
    /* quoted header fields */
    tu_data_from_text(d, "\"y\",\"x1\",\"x2\"\n+1,1,2\n-1,3,4\n", "q.csv", MPBIAS_FORMAT_AUTO);
    tu_assert_data(d, 2, 2, y, z);
    mpbias_data_clear(d);
}
END_TEST

static mpbias_status
read_with_label(mpbias_data_t d, const char *text, const char *name, const char *label_column,
                mpbias_err_t err)
{
    mpbias_read_opts o;
    mpbias_read_opts_init(&o);
    o.label_column = label_column;
    mpbias_err_clear(err);
    return mpbias_data_read_buffer(d, text, strlen(text), name, &o, err);
}

/* The label column: named by the header wherever it stands (a label-last
   file whose first column holds +-1 was silently misread before), chosen
   by --label-column (name or index), refused when ambiguous or when a
   first column that is not a label is read as one. */
START_TEST(test_csv_label_column)
{
    static const int y[] = { 1, -1 };
    static const char *const z[] = { "1", "2", "-1", "-4" };
    static const char *const z3[] = { "1", "2", "-1", "-3" };
    mpbias_data_t d;
    mpbias_err_t err;
    mpbias_data_init(d);
    /* label first, the reference */
    tu_data_from_text(d, "y,x1,x2\n+1,1,2\n-1,1,4\n", "a.csv", MPBIAS_FORMAT_AUTO);
    tu_assert_data(d, 2, 2, y, z);
    mpbias_data_clear(d);
    /* label last, first column +-1: the header decides */
    tu_data_from_text(d, "x1,x2,y\n1,2,+1\n1,4,-1\n", "b.csv", MPBIAS_FORMAT_AUTO);
    tu_assert_data(d, 2, 2, y, z);
    mpbias_data_clear(d);
    /* other names, any case, quoted, in the middle */
    tu_data_from_text(d, "x1,\"Label\",x2\n1,+1,2\n1,-1,4\n", "c.csv", MPBIAS_FORMAT_AUTO);
    tu_assert_data(d, 2, 2, y, z);
    mpbias_data_clear(d);
    tu_data_from_text(d, "x1,x2,TARGET\n1,2,1\n1,4,-1\n", "c.csv", MPBIAS_FORMAT_AUTO);
    tu_assert_data(d, 2, 2, y, z);
    mpbias_data_clear(d);
    /* by option: a name, an index, an index without a header */
    ck_assert(read_with_label(d, "a,b,c\n1,2,1\n1,4,-1\n", "d.csv", "c", err) == MPBIAS_OK);
    tu_assert_data(d, 2, 2, y, z);
    mpbias_data_clear(d);
    ck_assert(read_with_label(d, "a,b,c\n1,2,1\n1,4,-1\n", "d.csv", "3", err) == MPBIAS_OK);
    tu_assert_data(d, 2, 2, y, z);
    mpbias_data_clear(d);
    ck_assert(read_with_label(d, "1,1,2\n1,-1,3\n", "d.csv", "2", err) == MPBIAS_OK);
    tu_assert_data(d, 2, 2, y, z3);
    mpbias_data_clear(d);
    /* the option overrides the header's name */
    ck_assert(read_with_label(d, "y,x1,x2\n5,2,1\n7,4,-1\n", "d.csv", "x2", err) == MPBIAS_OK);
    mpbias_data_clear(d);
    /* refusals */
    ck_assert_int_eq(read_with_label(d, "y,x1,label\n1,2,1\n-1,3,-1\n", "e.csv", NULL, err),
                     MPBIAS_ERR_DATA);
    ck_assert_str_eq(err->msg, "e.csv:1:6: the header names two label columns (1 and 3): pass "
                               "--label-column NAME|INDEX");
    ck_assert_int_eq(read_with_label(d, "a,b,c\n0.5,1,1\n1,2,-1\n", "f.csv", NULL, err),
                     MPBIAS_ERR_DATA);
    ck_assert_msg(strstr(err->msg, "f.csv:2:1: label '0.5' is not +1 or -1 (the first column is "
                                   "read as the label: name the label column") == err->msg,
                  "%s", err->msg);
    ck_assert_int_eq(read_with_label(d, "x,y\n1,0\n2,1\n", "g.csv", NULL, err), MPBIAS_ERR_DATA);
    ck_assert_str_eq(err->msg, "g.csv:2:3: label '0' is not +1 or -1");
    ck_assert_int_eq(read_with_label(d, "a,b\n1,2\n-1,3\n", "h.csv", "z", err), MPBIAS_ERR_ARG);
    ck_assert_str_eq(err->msg, "h.csv: label column 'z': no such column in the header row");
    ck_assert_int_eq(read_with_label(d, "1,2\n-1,3\n", "h.csv", "b", err), MPBIAS_ERR_ARG);
    ck_assert_int_eq(read_with_label(d, "1,2\n-1,3\n", "h.csv", "3", err), MPBIAS_ERR_ARG);
    ck_assert_str_eq(err->msg, "h.csv: label column 3: the rows have 2 columns");
    ck_assert_int_eq(read_with_label(d, "+1 1:2\n-1 1:3\n", "h.svm", "1", err), MPBIAS_ERR_ARG);
    mpbias_data_clear(d);
}
END_TEST

START_TEST(test_csv_spaces_crlf_comments)
{
    static const int y[] = { 1, -1, 1 };
    static const char *const z[] = { "1/2", "2", "-10", "1/4", "0", "1/1000" };
    static const char text[] =
        "# a CSV file\r\n"
        "\r\n"
        " y , a , b \r\n"
        " 1 , 0.5 ,  2 \r\n"
        "\t-1 ,\t1e1 , -0.25\t\r\n"
        "\r\n"
        "+1,0,1e-3\r\n";
    mpbias_data_t d;
    mpbias_data_init(d);
    tu_data_from_text(d, text, "s.csv", MPBIAS_FORMAT_AUTO);
    tu_assert_data(d, 3, 2, y, z);
    mpbias_data_clear(d);
}
END_TEST

/* ------------------------------------------------------------------ */
/* format detection                                                     */
/* ------------------------------------------------------------------ */

START_TEST(test_format_guess_and_force)
{
    static const int y[] = { 1, -1 };
    static const char *const z1[] = { "2", "-3" };            /* 2 x 1 */
    static const char *const z2[] = { "2", "0", "0", "-3" };  /* 2 x 2 */
    static const char *const z3[] = { "2", "3", "-4", "-5" }; /* 2 x 2 */
    mpbias_read_opts o;
    mpbias_err_t err;
    mpbias_data_t d;
    mpbias_data_init(d);

    /* by extension */
    tu_data_from_text(d, "1,2\n-1,3\n", "a.csv", MPBIAS_FORMAT_AUTO);
    tu_assert_data(d, 2, 1, y, z1);
    mpbias_data_clear(d);
    tu_data_from_text(d, "1,2\n-1,3\n", "A.CSV", MPBIAS_FORMAT_AUTO);
    tu_assert_data(d, 2, 1, y, z1);
    mpbias_data_clear(d);
    tu_data_from_text(d, "1 1:2\n-1 2:3\n", "a.svm", MPBIAS_FORMAT_AUTO);
    tu_assert_data(d, 2, 2, y, z2);
    mpbias_data_clear(d);
    tu_data_from_text(d, "1 1:2\n-1 2:3\n", "a.libsvm", MPBIAS_FORMAT_AUTO);
    tu_assert_data(d, 2, 2, y, z2);
    mpbias_data_clear(d);

    /* by content: ':' means LIBSVM, ',' means CSV (comments skipped) */
    tu_data_from_text(d, "# x, y\n1,2\n-1,3\n", "data.txt", MPBIAS_FORMAT_AUTO);
    tu_assert_data(d, 2, 1, y, z1);
    mpbias_data_clear(d);
    tu_data_from_text(d, "# x, y\n1 1:2\n-1 2:3\n", NULL, MPBIAS_FORMAT_AUTO);
    tu_assert_data(d, 2, 2, y, z2);
    ck_assert_str_eq(d->name, "<input>");
    mpbias_data_clear(d);
    tu_data_from_text(d, "y,a,b\n1,2,3\n-1,4,5\n", "noext", MPBIAS_FORMAT_AUTO);
    tu_assert_data(d, 2, 2, y, z3);
    mpbias_data_clear(d);
    /* CRLF blank and comment lines before the first row do not hide a CSV */
    tu_data_from_text(d, "\r\n# c\r\n \r\n1,2,3\r\n-1,4,5\r\n", "data.txt", MPBIAS_FORMAT_AUTO);
    tu_assert_data(d, 2, 2, y, z3);
    mpbias_data_clear(d);

    /* forced, against the extension */
    tu_data_from_text(d, "1 1:2\n-1 2:3\n", "a.csv", MPBIAS_FORMAT_LIBSVM);
    tu_assert_data(d, 2, 2, y, z2);
    mpbias_data_clear(d);
    tu_data_from_text(d, "1,2\n-1,3\n", "a.svm", MPBIAS_FORMAT_CSV);
    tu_assert_data(d, 2, 1, y, z1);
    mpbias_data_clear(d);

    /* forced to the wrong format: refused, not misread */
    mpbias_read_opts_init(&o);
    ck_assert_int_eq(o.format, MPBIAS_FORMAT_AUTO);
    ck_assert_uint_eq(o.max_bytes, 0);
    o.format = MPBIAS_FORMAT_CSV;
    mpbias_err_clear(err);
    ck_assert_int_eq(mpbias_data_read_buffer(d, "1 1:2\n-1 2:3\n", 13, "w.svm", &o, err),
                     MPBIAS_ERR_PARSE);
    ck_assert_str_eq(err->msg, "w.svm:1:1: CSV row has no features: expected label,x1,...,xd");
    o.format = MPBIAS_FORMAT_LIBSVM;
    ck_assert_int_eq(mpbias_data_read_buffer(d, "1,2\n-1,3\n", 9, "w.csv", &o, err),
                     MPBIAS_ERR_DATA);
    ck_assert_str_eq(err->msg, "w.csv:1:1: label '1,2' is not +1 or -1");
    ck_assert_int_eq(d->n, 0);
}
END_TEST

START_TEST(test_read_file)
{
    static const int y[] = { 1, -1 };
    static const char *const z1[] = { "1/2", "-2", "-3", "0" };
    static const char *const z2[] = { "0", "1/4", "-1", "0" };
    char *dir = tu_mkdtemp();
    char *p1 = tu_write_file(dir, "d.csv", "y,x1,x2\n1,0.5,-2\n-1,3,0\n");
    char *p2 = tu_write_file(dir, "d.dat", "# LIBSVM\n+1 2:0.25\n-1 1:1\n");
    char *p3 = tu_write_file(dir, "d.svm", "1,0.5,-2\n-1,3,0\n");
    mpbias_read_opts o;
    mpbias_err_t err;
    mpbias_data_t d;

    mpbias_data_init(d);
    mpbias_err_clear(err);
    ck_assert_int_eq(mpbias_data_read_file(d, p1, NULL, err), MPBIAS_OK);
    tu_assert_data(d, 2, 2, y, z1);
    ck_assert_str_eq(d->name, p1);
    mpbias_data_clear(d);
    ck_assert_int_eq(mpbias_data_read_file(d, p2, NULL, err), MPBIAS_OK);
    tu_assert_data(d, 2, 2, y, z2);
    mpbias_data_clear(d);
    /* a CSV file named .svm: read as LIBSVM unless forced */
    ck_assert_int_eq(mpbias_data_read_file(d, p3, NULL, err), MPBIAS_ERR_DATA);
    mpbias_read_opts_init(&o);
    o.format = MPBIAS_FORMAT_CSV;
    ck_assert_int_eq(mpbias_data_read_file(d, p3, &o, err), MPBIAS_OK);
    tu_assert_data(d, 2, 2, y, z1);
    mpbias_data_clear(d);

    free(p1);
    free(p2);
    free(p3);
    tu_rm_rf(dir);
}
END_TEST

/* ------------------------------------------------------------------ */
/* refusals                                                            */
/* ------------------------------------------------------------------ */

typedef struct
{
    const char *name;       /* buffer name (its extension picks the format) */
    const char *text;
    size_t max_bytes;
    mpbias_status status;
    long line, col;
    const char *msg;        /* the full message */
} bad_case;

static const bad_case bad_cases[] = {
    { "e.svm", "", 0, MPBIAS_ERR_DATA, 0, 0, "e.svm: empty file: no samples" },
    { "e.csv", "", 0, MPBIAS_ERR_DATA, 0, 0, "e.csv: empty file: no samples" },
    { "c.svm", "# only\n\n  # comments\r\n", 0, MPBIAS_ERR_DATA, 0, 0,
      "c.svm: no samples: the file has only comments and blank lines" },
    { "h.csv", "y,x1,x2\n", 0, MPBIAS_ERR_DATA, 0, 0, "h.csv: no samples after the header row" },
    { "h.csv", "# c\ny,x1,x2\n\n", 0, MPBIAS_ERR_DATA, 0, 0,
      "h.csv: no samples after the header row" },
    { "r.csv", "1,2,3\n-1,4\n", 0, MPBIAS_ERR_PARSE, 2, 1,
      "r.csv:2:1: ragged row: 2 fields where line 1 has 3" },
    { "r.csv", "y,a\n1,2\n\n-1,4,5\n", 0, MPBIAS_ERR_PARSE, 4, 1,
      "r.csv:4:1: ragged row: 3 fields where line 1 has 2" },
    { "n.csv", "1,2\n-1,abc\n", 0, MPBIAS_ERR_PARSE, 2, 4, "n.csv:2:4: 'abc' is not a number" },
    { "n.csv", "1,2\n-1, 1.5.2 \n", 0, MPBIAS_ERR_PARSE, 2, 8,
      "n.csv:2:8: '1.5.2' is not a number" },
    { "n.csv", "1,,2\n", 0, MPBIAS_ERR_PARSE, 1, 3,
      "n.csv:1:3: empty field where a number was expected" },
    { "n.svm", "1 1:2\n-1 1:x\n", 0, MPBIAS_ERR_PARSE, 2, 6, "n.svm:2:6: 'x' is not a number" },
    { "n.svm", "1 1:2\n-1 1:0x1F\n", 0, MPBIAS_ERR_PARSE, 2, 7,
      "n.svm:2:7: '0x1F' is not a number" },
    { "n.svm", "1 3:\n", 0, MPBIAS_ERR_PARSE, 1, 5,
      "n.svm:1:5: empty field where a number was expected" },
    { "n.svm", "1 1:1e9999999\n", 0, MPBIAS_ERR_PARSE, 1, 7,
      "n.svm:1:7: exponent of '1e9999999' is beyond the supported range (|exponent| <= 1000000)" },
    { "l.svm", "0 1:1\n", 0, MPBIAS_ERR_DATA, 1, 1, "l.svm:1:1: label '0' is not +1 or -1" },
    { "l.svm", "1 1:1\n2 1:1\n", 0, MPBIAS_ERR_DATA, 2, 1, "l.svm:2:1: label '2' is not +1 or -1" },
    { "l.svm", "1 1:1\n  yes 1:1\n", 0, MPBIAS_ERR_DATA, 2, 3,
      "l.svm:2:3: label 'yes' is not +1 or -1" },
    { "l.svm", "0.5 1:1\n", 0, MPBIAS_ERR_DATA, 1, 1, "l.svm:1:1: label '0.5' is not +1 or -1" },
    { "l.svm", "-2 1:1\n", 0, MPBIAS_ERR_DATA, 1, 1, "l.svm:1:1: label '-2' is not +1 or -1" },
    { "l.svm", "nan 1:1\n", 0, MPBIAS_ERR_DATA, 1, 1, "l.svm:1:1: label 'nan' is not +1 or -1" },
    { "l.csv", "1,1\n yes ,2\n", 0, MPBIAS_ERR_DATA, 2, 2, "l.csv:2:2: label 'yes' is not +1 or -1" TU_CSV_ADVICE },
    { "l.csv", "1,1\n0,2\n", 0, MPBIAS_ERR_DATA, 2, 1, "l.csv:2:1: label '0' is not +1 or -1" TU_CSV_ADVICE },
    { "l.csv", "1,1\n2,2\n", 0, MPBIAS_ERR_DATA, 2, 1, "l.csv:2:1: label '2' is not +1 or -1" TU_CSV_ADVICE },
    { "v.svm", "1 1:nan\n-1 1:1\n", 0, MPBIAS_ERR_PARSE, 1, 5,
      "v.svm:1:5: NaN is not allowed as a value" },
    { "v.svm", "1 1:1\n-1 1:1 2:-inf\n", 0, MPBIAS_ERR_PARSE, 2, 10,
      "v.svm:2:10: infinity is not allowed as a value" },
    { "v.csv", "1,NaN\n-1,1\n", 0, MPBIAS_ERR_PARSE, 1, 3,
      "v.csv:1:3: NaN is not allowed as a value" },
    { "v.csv", "1,1\n-1, inf\n", 0, MPBIAS_ERR_PARSE, 2, 5,
      "v.csv:2:5: infinity is not allowed as a value" },
    { "v.csv", "1,1\n-1,Infinity\n", 0, MPBIAS_ERR_PARSE, 2, 4,
      "v.csv:2:4: infinity is not allowed as a value" },
    { "z.svm", "1 1:1\n-1 1:0 2:0\n", 0, MPBIAS_ERR_DATA, 2, 0,
      "z.svm:2: sample 2 is zero (all features are 0): no linear classifier can give it a "
      "positive margin" },
    { "z.svm", "# c\n1 1:1\n\n-1\n", 0, MPBIAS_ERR_DATA, 4, 0,
      "z.svm:4: sample 2 is zero (all features are 0): no linear classifier can give it a "
      "positive margin" },
    { "z.csv", "y,a,b\n1,1,2\n-1,0,-0.0\n", 0, MPBIAS_ERR_DATA, 3, 0,
      "z.csv:3: sample 2 is zero (all features are 0): no linear classifier can give it a "
      "positive margin" },
    { "z.svm", "1\n-1\n", 0, MPBIAS_ERR_DATA, 1, 0, "z.svm:1: no features: every sample is zero" },
    { "i.svm", "1 0:1\n", 0, MPBIAS_ERR_PARSE, 1, 3,
      "i.svm:1:3: feature index 0: LIBSVM indices start at 1" },
    { "i.svm", "1 2:1 2:3\n", 0, MPBIAS_ERR_PARSE, 1, 7, "i.svm:1:7: feature index 2 is repeated" },
    { "i.svm", "1 3:1 2:1\n", 0, MPBIAS_ERR_PARSE, 1, 7,
      "i.svm:1:7: feature index 2 comes after 3: indices must be strictly increasing" },
    { "i.svm", "1 3\n", 0, MPBIAS_ERR_PARSE, 1, 3, "i.svm:1:3: '3' is not an index:value pair" },
    { "i.svm", "1 1:1 3 4:1\n", 0, MPBIAS_ERR_PARSE, 1, 7,
      "i.svm:1:7: '3' is not an index:value pair" },
    { "i.svm", "1 1.5:2\n", 0, MPBIAS_ERR_PARSE, 1, 4,
      "i.svm:1:4: feature index '1.5' is not a positive integer" },
    { "i.svm", "1 -1:2\n", 0, MPBIAS_ERR_PARSE, 1, 3,
      "i.svm:1:3: feature index '-1' is not a positive integer" },
    { "i.svm", "1 qid:2 1:1\n", 0, MPBIAS_ERR_PARSE, 1, 3,
      "i.svm:1:3: feature index 'qid' is not a positive integer" },
    { "i.svm", "1 :2\n", 0, MPBIAS_ERR_PARSE, 1, 3, "i.svm:1:3: missing feature index before ':'" },
    { "s.svm", "1 1:1\n+1 2:1\n", 0, MPBIAS_ERR_DATA, 0, 0,
      "s.svm: all 2 samples have label +1: both classes (+1 and -1) are needed" },
    { "s.csv", "-1,1\n-1,2\n-1,3\n", 0, MPBIAS_ERR_DATA, 0, 0,
      "s.csv: all 3 samples have label -1: both classes (+1 and -1) are needed" },
    { "m.svm", "1 1:1\n-1 1000:1\n", 100, MPBIAS_ERR_NOMEM, 2, 4,
      "m.svm:2:4: 2 samples x 1000 features is beyond what memory allows "
      "(dense storage limit 100 bytes)" },
    { "m.csv", "1,1,2,3\n-1,1,2,3\n", 64, MPBIAS_ERR_NOMEM, 1, 0,
      "m.csv:1: 2 samples x 3 features is beyond what memory allows "
      "(dense storage limit 64 bytes)" },
    { "m.svm", "1 99999999999999999999999:1\n-1 1:1\n", 0, MPBIAS_ERR_NOMEM, 1, 3,
      "m.svm:1:3: feature index '99999999999999999999999' is too large: the dimension would be "
      "beyond what memory allows" },
    { "m.svm", "1 1:1\n-1 9000000000000000000:1\n", 0, MPBIAS_ERR_NOMEM, 2, 4,
      "m.svm:2:4: 2 samples x 9000000000000000000 features is beyond what memory allows "
      "(dense storage limit 18446744073709551615 bytes)" },
    { "o.csv", "1\n-1\n", 0, MPBIAS_ERR_PARSE, 1, 1,
      "o.csv:1:1: CSV row has no features: expected label,x1,...,xd" },
    { "o.csv", "y\n1\n-1\n", 0, MPBIAS_ERR_PARSE, 1, 1,
      "o.csv:1:1: CSV row has no features: expected label,x1,...,xd" },
};

static void
check_bad(const bad_case *c, int i)
{
    mpbias_read_opts o;
    mpbias_err_t err;
    mpbias_data_t d;
    mpbias_status st;
    mpbias_read_opts_init(&o);
    o.max_bytes = c->max_bytes;
    mpbias_data_init(d);
    mpbias_err_clear(err);
    st = mpbias_data_read_buffer(d, c->text, strlen(c->text), c->name, &o, err);
    ck_assert_msg(st == c->status, "case %d (%s): status %d (%s), expected %d", i, c->name,
                  (int) st, err->msg, (int) c->status);
    ck_assert_int_eq(err->status, c->status);
    ck_assert_msg(err->line == c->line && err->col == c->col,
                  "case %d (%s): at %ld:%ld, expected %ld:%ld (%s)", i, c->name, err->line,
                  err->col, c->line, c->col, err->msg);
    ck_assert_msg(strcmp(err->msg, c->msg) == 0, "case %d: message\n  '%s'\nexpected\n  '%s'", i,
                  err->msg, c->msg);
    /* a refused read leaves no dataset behind */
    ck_assert_int_eq(d->n, 0);
    ck_assert_ptr_null(d->z);
    ck_assert_ptr_null(d->y);
    /* and the error report is optional */
    ck_assert_int_eq(mpbias_data_read_buffer(d, c->text, strlen(c->text), c->name, &o, NULL),
                     c->status);
    mpbias_data_clear(d);
}

START_TEST(test_bad_buffer)
{
    check_bad(&bad_cases[_i], _i);
}
END_TEST

START_TEST(test_bad_file_contents)
{
    /* the same refusals through a file name the path */
    char *dir = tu_mkdtemp();
    size_t i;
    for (i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++)
    {
        const bad_case *c = &bad_cases[i];
        char *path = tu_write_file(dir, c->name, c->text), *msg;
        mpbias_read_opts o;
        mpbias_err_t err;
        mpbias_data_t d;
        mpbias_read_opts_init(&o);
        o.max_bytes = c->max_bytes;
        mpbias_data_init(d);
        mpbias_err_clear(err);
        ck_assert_int_eq(mpbias_data_read_file(d, path, &o, err), c->status);
        ck_assert_int_eq(err->line, c->line);
        ck_assert_int_eq(err->col, c->col);
        msg = tu_sprintf("%s%s", path, c->msg + strlen(c->name));
        ck_assert_str_eq(err->msg, msg);
        free(msg);
        ck_assert_int_eq(d->n, 0);
        ck_assert_int_eq(unlink(path), 0);
        free(path);
    }
    tu_rm_rf(dir);
}
END_TEST

START_TEST(test_unreadable_files)
{
    char *dir = tu_mkdtemp(), *missing, *sub, *msg, *alt;
    mpbias_err_t err;
    mpbias_data_t d;
    mpbias_data_init(d);

    missing = tu_sprintf("%s/no-such-file.svm", dir);
    mpbias_err_clear(err);
    ck_assert_int_eq(mpbias_data_read_file(d, missing, NULL, err), MPBIAS_ERR_IO);
    msg = tu_sprintf("%s: cannot open: %s", missing, strerror(ENOENT));
    ck_assert_str_eq(err->msg, msg);
    ck_assert_int_eq(err->line, 0);
    ck_assert_int_eq(err->col, 0);
    free(msg);

    sub = tu_sprintf("%s/adir.svm", dir);
    ck_assert_int_eq(mkdir(sub, 0700), 0);
    mpbias_err_clear(err);
    ck_assert_int_eq(mpbias_data_read_file(d, sub, NULL, err), MPBIAS_ERR_IO);
    /* Linux opens a directory and fails reading it; elsewhere fopen fails */
    msg = tu_sprintf("%s: cannot read: %s", sub, strerror(EISDIR));
    alt = tu_sprintf("%s: cannot open: %s", sub, strerror(EISDIR));
    ck_assert_msg(strcmp(err->msg, msg) == 0 || strcmp(err->msg, alt) == 0, "message: %s", err->msg);
    ck_assert_int_eq(err->line, 0);
    free(msg);
    free(alt);
    ck_assert_int_eq(d->n, 0);

    free(missing);
    free(sub);
    tu_rm_rf(dir);
}
END_TEST

START_TEST(test_refused_read_keeps_nothing_stale)
{
    /* reading into a dataset that already holds data: a success replaces
       it, the arrays of the old one are released (checked by valgrind/ASan) */
    static const int y[] = { 1, -1 };
    static const char *const z[] = { "1", "-2" };
    mpbias_data_t d;
    mpbias_data_init(d);
    tu_data_from_text(d, "1 1:5 2:6 3:7\n-1 1:1\n", "a.svm", MPBIAS_FORMAT_AUTO);
    tu_data_from_text(d, "1,1\n-1,2\n", "b.csv", MPBIAS_FORMAT_AUTO);
    tu_assert_data(d, 2, 1, y, z);
    ck_assert_str_eq(d->name, "b.csv");
    mpbias_data_clear(d);
}
END_TEST

START_TEST(test_validate_by_hand)
{
    mpbias_data_t d;
    mpbias_err_t err;
    mpbias_data_init(d);
    ck_assert_int_eq(mpbias_data_validate(d, err), MPBIAS_ERR_DATA);
    ck_assert_str_eq(err->msg, "dataset needs at least one sample and one feature");
    tu_data_from_text(d, "1 1:1\n-1 1:1\n", "v.svm", MPBIAS_FORMAT_AUTO);
    d->y[1] = 0;
    ck_assert_int_eq(mpbias_data_validate(d, err), MPBIAS_ERR_DATA);
    ck_assert_str_eq(err->msg, "v.svm: label of sample 2 is not +1 or -1");
    d->y[1] = 1;
    ck_assert_int_eq(mpbias_data_validate(d, err), MPBIAS_ERR_DATA);
    ck_assert_str_eq(err->msg, "v.svm: all 2 samples have label +1: both classes (+1 and -1) are needed");
    d->y[1] = -1;
    fmpq_zero(mpbias_data_z(d, 0, 0));
    ck_assert_int_eq(mpbias_data_validate(d, err), MPBIAS_ERR_DATA);
    ck_assert_str_eq(err->msg, "v.svm: sample 1 is zero (all features are 0): no linear classifier "
                     "can give it a positive margin");
    mpbias_data_clear(d);
}
END_TEST

START_TEST(test_status_strings)
{
    ck_assert_str_eq(mpbias_status_string(MPBIAS_OK), "success");
    ck_assert_str_eq(mpbias_status_string(MPBIAS_ERR_PARSE), "parse error");
    ck_assert_str_eq(mpbias_status_string(MPBIAS_ERR_NOMEM), "out of memory or beyond size limit");
    ck_assert_str_eq(mpbias_status_string((mpbias_status) 99), "unknown status");
}
END_TEST

static Suite *
read_suite(void)
{
    Suite *s = suite_create("data_read");
    TCase *tc;

    tc = tcase_create("libsvm");
    tcase_add_test(tc, test_libsvm_basic);
    tcase_add_test(tc, test_libsvm_comments_crlf_blank);
    tcase_add_test(tc, test_libsvm_labels);
    tcase_add_test(tc, test_libsvm_explicit_zero_sets_d);
    tcase_add_test(tc, test_libsvm_exact_values);
    suite_add_tcase(s, tc);

    tc = tcase_create("csv");
    tcase_add_test(tc, test_csv_no_header);
    tcase_add_test(tc, test_csv_header);
    tcase_add_test(tc, test_csv_label_column);
    tcase_add_test(tc, test_csv_spaces_crlf_comments);
    suite_add_tcase(s, tc);

    tc = tcase_create("format");
    tu_tcase_tmpdir(tc);
    tcase_add_test(tc, test_format_guess_and_force);
    tcase_add_test(tc, test_read_file);
    suite_add_tcase(s, tc);

    tc = tcase_create("refused");
    tu_tcase_tmpdir(tc);
    tcase_set_timeout(tc, 30);
    tcase_add_loop_test(tc, test_bad_buffer, 0, (int) (sizeof bad_cases / sizeof bad_cases[0]));
    tcase_add_test(tc, test_bad_file_contents);
    tcase_add_test(tc, test_unreadable_files);
    suite_add_tcase(s, tc);

    tc = tcase_create("dataset");
    tcase_add_test(tc, test_refused_read_keeps_nothing_stale);
    tcase_add_test(tc, test_validate_by_hand);
    tcase_add_test(tc, test_status_strings);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return tu_main(read_suite());
}
