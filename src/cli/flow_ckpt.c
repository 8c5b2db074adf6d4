/*
 * flow_ckpt.c -- the checkpoints of `mpbias flow`: the library's state at
 * row boundaries, written atomically (temporary file, fsync, rename) at
 * most every `every` seconds with the length of the output written so
 * far; SIGINT and SIGTERM stop the run at the next step and write the
 * latest state.
 */
#include "config.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"

volatile sig_atomic_t cli_flow_signal = 0;

#define CLI_CK_MAGIC "mpbias-cli-flow 1"

int
cli_ckpt_write(cli_ckpt *k)
{
    char *tmp = malloc(strlen(k->path) + 8);
    FILE *f;
    int ok;
    if (tmp == NULL)
        return 0;
    sprintf(tmp, "%s.tmp", k->path);
    f = fopen(tmp, "wb");
    ok = f != NULL && fwrite(k->blob, 1, k->len, f) == k->len && fflush(f) == 0
         && fsync(fileno(f)) == 0;
    if (f != NULL && fclose(f) != 0)
        ok = 0;
    ok = ok && rename(tmp, k->path) == 0;
    if (!ok)
    {
        cli_error("%s: cannot write the checkpoint: %s", k->path, strerror(errno));
        remove(tmp);
    }
    free(tmp);
    if (ok)
        k->pending = 0;
    return ok;
}

int
cli_ckpt_state(const char *state, size_t len, void *ctx)
{
    cli_ckpt *k = ctx;
    cli_flow_out *c = k->fc;
    long off;
    char head[128];
    int hl;
    uint64_t sum;
    char *b;
    if (fflush(c->out) != 0 || (off = ftell(c->out)) < 0)
    {
        cli_error("%s: cannot flush the output", k->path);
        return 1;
    }
    hl = snprintf(head, sizeof head, "%s\noutput %ld rows %ld header %d\n", CLI_CK_MAGIC, off,
                  (long) c->rows, c->header_done);
    b = realloc(k->blob, (size_t) hl + len + 40);
    if (b == NULL)
        return 1;
    k->blob = b;
    memcpy(b, head, (size_t) hl);
    memcpy(b + hl, state, len);
    sum = mpbias_checksum(b, (size_t) hl + len);
    k->len = (size_t) hl + len;
    k->len += (size_t) sprintf(b + k->len, "cli-checksum %016llx\n", (unsigned long long) sum);
    k->pending = 1;
    k->rows = c->rows;
    if (k->every <= 0 || cli_progress_elapsed(&c->prog) - k->last >= k->every || cli_flow_signal)
    {
        if (!cli_ckpt_write(k))
            return 1;
        k->last = cli_progress_elapsed(&c->prog);
    }
    return cli_flow_signal != 0;
}

/* Read a CLI checkpoint: the library's state into *state (pointing into
   *buf), the output length and the row count.  EXIT_OK or EXIT_FAIL
   (reported). */
int
cli_ckpt_read(const char *path, char **buf, const char **state, size_t *slen, long *off,
              slong *rows, int *header)
{
    FILE *f = fopen(path, "rb");
    long len, r, h;
    char *p, *last, *end;
    unsigned long long sum;
    *buf = NULL;
    if (f == NULL)
    {
        cli_error("%s: cannot open the checkpoint: %s", path, strerror(errno));
        return EXIT_FAIL;
    }
    if (fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0
        || len > (1L << 30) || (*buf = malloc((size_t) len + 1)) == NULL
        || fread(*buf, 1, (size_t) len, f) != (size_t) len)
    {
        fclose(f);
        cli_error("%s: cannot read the checkpoint", path);
        return EXIT_FAIL;
    }
    fclose(f);
    p = *buf;
    p[len] = '\0';
    end = p + len;
    /* the last line: cli-checksum over everything before it */
    if (len < 2 || end[-1] != '\n')
        goto bad;
    for (last = end - 1; last > p && last[-1] != '\n'; last--)
        ;
    if (sscanf(last, "cli-checksum %16llx", &sum) != 1
        || mpbias_checksum(p, (size_t) (last - p)) != (uint64_t) sum)
        goto bad;
    if (strncmp(p, CLI_CK_MAGIC "\n", strlen(CLI_CK_MAGIC) + 1) != 0)
        goto bad;
    p += strlen(CLI_CK_MAGIC) + 1;
    {
        int n = 0;
        if (sscanf(p, "output %ld rows %ld header %ld%n", off, &r, &h, &n) != 3 || p[n] != '\n'
            || *off < 0 || r < 0 || (h != 0 && h != 1))
            goto bad;
        p += n + 1;
    }
    *rows = r;
    *header = (int) h;
    *state = p;
    *slen = (size_t) (last - p);
    return EXIT_OK;
bad:
    cli_error("%s: not a complete mpbias flow checkpoint (damaged or truncated)", path);
    free(*buf);
    *buf = NULL;
    return EXIT_FAIL;
}
