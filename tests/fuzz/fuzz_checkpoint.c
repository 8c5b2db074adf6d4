/*
 * fuzz_checkpoint.c -- fuzz the reader of flow checkpoints
 * (mpbias_flow_opts.resume).
 *
 * A checkpoint is protected by a checksum and a fingerprint of the run, so
 * random bytes never reach the parser behind them.  The harness therefore
 * takes a valid checkpoint of a small run (made once) and applies the
 * input to it as edits: bytes 0-1 cut its length, then triples (offset
 * high, offset low, byte) overwrite bytes; unless bit 0 of byte 0 is set
 * the checksum line is then recomputed, so that the edited text reaches
 * every line of the parser.  Properties beyond "no crash, no sanitizer
 * report, no leak": every refusal has a message; an accepted state runs
 * (the step budget is small) and ends with OK or a refusal with a message.
 */
#include "config.h"
#include <stdio.h>
#include <string.h>
#include "mpbias.h"
#include "fuzz.h"

const char fuzz_target_name[] = "checkpoint";

static char *valid;
static size_t valid_len;

static int
keep_first(const char *state, size_t len, void *ctx)
{
    (void) ctx;
    if (valid == NULL)
    {
        valid = malloc(len);
        if (valid == NULL)
            abort();
        memcpy(valid, state, len);
        valid_len = len;
    }
    return 0;
}

static void
setup(mpbias_data_t data, mpbias_model_t model, mpbias_flow_opts *o)
{
    mpbias_data_init(data);
    if (mpbias_example_load(data, "transition", NULL) != MPBIAS_OK)
        abort();
    mpbias_model_init(model);
    mpbias_flow_opts_init(o);
    o->digits = 6;
    o->per_decade = 1;
    o->max_steps = 300;
    o->until_loss_set = 1;
    if (mpbias_sci_parse(o->until_loss, "1e-4", NULL) != MPBIAS_OK)
        abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mpbias_data_t d;
    mpbias_model_t m;
    mpbias_flow_opts o;
    mpbias_err_t err;
    mpbias_status st;
    char *buf, *last;
    size_t len, i;

    setup(d, m, &o);
    if (valid == NULL)
    {
        o.checkpoint_fn = keep_first;
        if (mpbias_flow_run(d, m, &o, NULL, NULL, NULL, NULL, NULL) != MPBIAS_OK || valid == NULL)
            fuzz_fail("the reference run failed");
        o.checkpoint_fn = NULL;
    }
    buf = malloc(valid_len + 64);
    if (buf == NULL)
        abort();
    memcpy(buf, valid, valid_len);
    len = valid_len;
    /* drop the checksum line, edit, cut */
    for (last = buf + len - 1; last > buf && last[-1] != '\n'; last--)
        ;
    len = (size_t) (last - buf);
    for (i = 2; i + 2 < size; i += 3)
    {
        size_t at = ((size_t) data[i] << 8 | data[i + 1]) % (len ? len : 1);
        buf[at] = (char) data[i + 2];
    }
    if (size >= 2)
        len = len - (len * data[1]) / 2048;   /* at most an eighth cut */
    if (size < 1 || !(data[0] & 1))
        len += (size_t) sprintf(buf + len, "checksum %016llx\n",
                                (unsigned long long) mpbias_checksum(buf, len));
    o.resume = buf;
    o.resume_len = len;
    mpbias_err_clear(err);
    st = mpbias_flow_run(d, m, &o, NULL, NULL, NULL, NULL, err);
    if (st != MPBIAS_OK && (err->status != st || err->msg[0] == '\0'))
        fuzz_fail("refused without a message (status %d)", (int) st);
    free(buf);
    mpbias_flow_opts_clear(&o);
    mpbias_model_clear(m);
    mpbias_data_clear(d);
    return 0;
}
