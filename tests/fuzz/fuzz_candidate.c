/*
 * fuzz_candidate.c -- fuzz the reader of trajectories computed elsewhere
 * (mpbias_cand_read_buffer, the input of mpbias check).
 *
 * The first byte chooses the dimension d (1..8), the rest is the CSV.
 * Properties beyond "no crash, no sanitizer report, no leak": a refusal
 * has a message naming the file and leaves no rows; an accepted candidate
 * has rows in nondecreasing step or time order with increasing line
 * numbers, a w or u columns, and its vectors allocated.
 */
#include "config.h"
#include <string.h>
#include "mpbias.h"
#include "fuzz.h"

const char fuzz_target_name[] = "candidate";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mpbias_cand_t c;
    mpbias_err_t err;
    mpbias_status st;
    slong d, j;
    if (size < 1 || size > 1 << 16)
        return 0;
    d = 1 + data[0] % 8;
    mpbias_cand_init(c);
    mpbias_err_clear(err);
    st = mpbias_cand_read_buffer(c, (const char *) data + 1, size - 1, d, 64, "cand.csv", err);
    if (st != MPBIAS_OK)
    {
        if (err->status != st || strstr(err->msg, "cand.csv") == NULL)
            fuzz_fail("refused without a message naming the file: '%s'", err->msg);
        if (c->n != 0)
            fuzz_fail("refused but kept %ld rows", (long) c->n);
    }
    else
    {
        if (c->n < 1 || c->d != d || (!c->has_w && !c->has_u) || c->w == NULL
            || c->log_loss == NULL || c->margin == NULL)
            fuzz_fail("accepted an empty or incomplete candidate");
        for (j = 1; j < c->n; j++)
        {
            if (c->line[j] <= c->line[j - 1])
                fuzz_fail("line numbers not increasing");
            if (c->axis == MPBIAS_CAND_STEP ? c->step[j] < c->step[j - 1]
                                            : fmpq_cmp(c->time + j, c->time + j - 1) < 0)
                fuzz_fail("rows out of order accepted");
        }
        for (j = 0; j < c->n; j++)
            if (c->axis == MPBIAS_CAND_STEP ? c->step[j] < 0 : fmpq_sgn(c->time + j) < 0)
                fuzz_fail("a negative step or time accepted");
    }
    mpbias_cand_clear(c);
    return 0;
}
