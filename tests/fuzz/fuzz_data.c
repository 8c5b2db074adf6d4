/*
 * fuzz_data.c -- fuzz the dataset readers (mpbias_data_read_buffer: LIBSVM
 * and CSV, and the format guess between them).
 *
 * Input: one control byte, then the file contents.  The low two bits of
 * the control byte pick the format (automatic, LIBSVM, CSV, automatic),
 * the next two the file name the reader sees ("input", "input.svm",
 * "input.csv", none), which steers the automatic guess.  The dense size
 * is limited to 16 MB, as the command-line tool limits it to half the
 * memory.
 *
 * Properties checked beyond "no crash, no sanitizer report, no leak":
 *  - a refusal comes with a status and a message;
 *  - an accepted dataset satisfies mpbias_data_validate, and its entries
 *    round correctly to MPFR;
 *  - it writes (mpbias_data_write) in both formats, and each written form
 *    reads back as the same dataset (n, d, labels, every entry exactly).
 */
#include "config.h"
#include <string.h>
#include "mpbias.h"
#include "fuzz.h"

const char fuzz_target_name[] = "data";

#define MAX_BYTES ((size_t) 16 << 20)

static int
same_data(const mpbias_data_t a, const mpbias_data_t b)
{
    slong i;
    if (a->n != b->n || a->d != b->d)
        return 0;
    for (i = 0; i < a->n; i++)
        if (a->y[i] != b->y[i])
            return 0;
    for (i = 0; i < a->n * a->d; i++)
        if (!fmpq_equal(a->z + i, b->z + i))
            return 0;
    return 1;
}

static void
round_trip(const mpbias_data_t data, mpbias_format fmt, const mpbias_read_opts *ro)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    mpbias_err_t err;
    mpbias_data_t back;
    mpbias_read_opts o = *ro;
    const char *fname = fmt == MPBIAS_FORMAT_CSV ? "csv" : "libsvm";
    if (f == NULL)
        return;
    mpbias_err_clear(err);
    if (mpbias_data_write(f, data, fmt, err) != MPBIAS_OK)
        fuzz_fail("a dataset that was read cannot be written as %s: %s", fname, err->msg);
    if (fclose(f) != 0)
        fuzz_fail("open_memstream failed");
    mpbias_data_init(back);
    o.format = fmt;
    mpbias_err_clear(err);
    if (mpbias_data_read_buffer(back, buf, len, "written", &o, err) != MPBIAS_OK)
        fuzz_fail("the %s form of a dataset does not read back: %s", fname, err->msg);
    if (!same_data(data, back))
        fuzz_fail("the %s form of a dataset reads back as a different dataset", fname);
    mpbias_data_clear(back);
    free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const names[] = { "input", "input.svm", "input.csv", NULL };
    static const mpbias_format fmts[] = { MPBIAS_FORMAT_AUTO, MPBIAS_FORMAT_LIBSVM,
                                          MPBIAS_FORMAT_CSV, MPBIAS_FORMAT_AUTO };
    mpbias_read_opts ro;
    mpbias_data_t ds;
    mpbias_err_t err;
    mpbias_status st;
    const char *buf;
    char *copy;
    size_t len;

    if (size < 1)
        return 0;
    mpbias_read_opts_init(&ro);
    ro.format = fmts[data[0] & 3];
    ro.max_bytes = MAX_BYTES;
    len = size - 1;
    /* an exact-size copy: reads beyond the buffer are reported */
    copy = malloc(len ? len : 1);
    memcpy(copy, data + 1, len);
    buf = copy;

    mpbias_data_init(ds);
    mpbias_err_clear(err);
    st = mpbias_data_read_buffer(ds, buf, len, names[(data[0] >> 2) & 3], &ro, err);
    if (st != MPBIAS_OK)
    {
        if (err->status != st || err->msg[0] == '\0')
            fuzz_fail("a refusal without a message (status %d)", (int) st);
        if (ds->n != 0 || ds->z != NULL)
            fuzz_fail("a refusal left a dataset behind");
    }
    else
    {
        mpfr_t *z;
        slong k, nd = ds->n * ds->d;
        mpbias_err_clear(err);
        if (mpbias_data_validate(ds, err) != MPBIAS_OK)
            fuzz_fail("an accepted dataset fails validation: %s", err->msg);
        if (mpbias_data_nnz(ds) < ds->n)
            fuzz_fail("fewer nonzero entries than samples");
        z = malloc((size_t) nd * sizeof(mpfr_t));
        for (k = 0; k < nd; k++)
            mpfr_init2(z[k], 53);
        (void) mpbias_data_get_z_mpfr(z, ds, MPFR_RNDN);
        for (k = 0; k < nd; k++)
        {
            if (!mpfr_number_p(z[k]) && !mpfr_inf_p(z[k]))
                fuzz_fail("entry %ld rounds to NaN", (long) k);
            mpfr_clear(z[k]);
        }
        free(z);
        round_trip(ds, MPBIAS_FORMAT_LIBSVM, &ro);
        round_trip(ds, MPBIAS_FORMAT_CSV, &ro);
    }
    mpbias_data_clear(ds);
    free(copy);
    return 0;
}
