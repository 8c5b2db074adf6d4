/*
 * cmd_flow.c -- `mpbias flow`: a gradient-flow trajectory with certified
 * digits, streamed as CSV or JSON rows.
 */
#include "config.h"
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"

/* SIGINT, SIGTERM: the run stops at the next step, after the latest
   state is saved with --checkpoint */
static void
on_signal(int sig)
{
    cli_flow_signal = sig;
}

/* the library's progress callback: the progress line, and a stop after a
   signal */
static int
progress(const mpbias_flow_stats *st, void *ctx)
{
    cli_flow_progress(ctx, st);
    return cli_flow_signal != 0;
}

static int
interrupt_check(void *ctx)
{
    (void) ctx;
    return cli_flow_signal != 0;
}

/* The values of a repeatable option, as given (parsed after the dataset). */
typedef struct
{
    const char **v;
    slong n;
} str_list;

/* A CLI_ARG_CALL row: append the value to the str_list dest. */
static int
add_value(const char *cmd, const char *name, const char *value, void *dest)
{
    str_list *l = dest;
    const char **v = realloc(l->v, (size_t) (l->n + 1) * sizeof *v);
    (void) name;
    if (v == NULL)
    {
        cli_error("%s: out of memory", cmd);
        return EXIT_FAIL;
    }
    v[l->n++] = value;
    l->v = v;
    return EXIT_OK;
}

/* The options of flow, with their defaults set by cmd_flow (the stop
   conditions go into the flow options directly). */
typedef struct
{
    cli_flow_model m;
    int have_loss, have_margin, have_time;
    long digits, prec, max_prec, start_prec;
    long per_decade;
    str_list at_loss, at_time;
    int json, quiet;
    const char *out;
    const char *ck_path;
    double ck_every;
    int resume;
} flow_args;

/* argv into a and fo (the stop conditions); EXIT_OK, CLI_HELP_SHOWN, or
   EXIT_USAGE after reporting. */
static int
flow_parse(flow_args *a, mpbias_flow_opts *fo, int argc, char **argv)
{
    static const char *const FORMATS[] = { "csv", "json", NULL };
    const cli_arg args[] = {
        CLI_ARGS_FLOW_DATA_MODEL(a->m, "Model"),
        { CLI_ROW(CLI_ARG_SECTION, "Stop (the first reached; default --until-loss 1e-100)", 0,
                  NULL, NULL) },
        { CLI_ROW(CLI_ARG_SCI, "until-loss", 0, "EPS", fo->until_loss), .given = &a->have_loss,
          .help = "training loss EPS, any decimal literal (1e-1000000 or\n"
                  "1e-1000000000000000000000000000000 are fine)" },
        { CLI_ROW(CLI_ARG_DECIMAL, "until-margin", 0, "G", fo->until_margin),
          .given = &a->have_margin, .help = "minimum margin G (= log(1/eps) within log N)" },
        { CLI_ROW(CLI_ARG_SCI, "until-time", 0, "T", fo->until_time), .given = &a->have_time,
          .help = "gradient-flow time T (decimal literal, any exponent)" },
        { CLI_ROW(CLI_ARG_SECTION, "Accuracy", 0, NULL, NULL) },
        { CLI_ROW(CLI_ARG_LONG, "digits", 0, "K", &a->digits), .lo = 1, .hi = 200,
          .help = "correct significant digits wanted (1..200, default 16)" },
        CLI_ARG_PREC(a->prec, "working precision, exactly: no raising (default:\n"
                              "automatic, from K and the margins reached, raised by\n"
                              "half and the row redone when a row cannot be certified)"),
        { CLI_ROW(CLI_ARG_LONG, "max-prec", 0, "BITS", &a->max_prec), .lo = 64, .hi = 1L << 24,
          .help = "refuse rather than raise the reported run's precision\n"
                  "beyond BITS (default 32768)" },
        /* hidden (no help): the automatic precision's start, for the tests */
        { CLI_ROW(CLI_ARG_LONG, "start-prec", 0, "BITS", &a->start_prec), .lo = 16,
          .hi = 1000000 },
        { CLI_ROW(CLI_ARG_SECTION, "Output", 0, NULL, NULL) },
        { CLI_ROW(CLI_ARG_LONG, "per-decade", 0, "K", &a->per_decade), .lo = 0, .hi = 1000,
          .help = "checkpoints per decade of the loss (default 1, 0: none);\n"
                  "beyond log10(1/eps) = 100, per decade of log10(1/eps)" },
        { CLI_ROW(CLI_ARG_CALL, "at-loss", 0, "EPS", &a->at_loss), .call = add_value,
          .help = "an extra checkpoint at loss EPS (repeatable)" },
        { CLI_ROW(CLI_ARG_CALL, "at-time", 0, "T", &a->at_time), .call = add_value,
          .help = "an extra checkpoint at time T > 0 (repeatable; times\n"
                  "after the stop are not reached)" },
        { CLI_ROW(CLI_ARG_CHOICE, "format", 0, "FMT", &a->json), .choices = FORMATS,
          .help = "csv (default) or json" },
        { CLI_ROW(CLI_ARG_STRING, "out", 'o', "FILE", &a->out),
          .help = "write to FILE instead of standard output" },
        CLI_ARG_QUIET(a->quiet, CLI_QUIET_PROGRESS_TEXT),
        CLI_ARGS_HELP,
        { CLI_ROW(CLI_ARG_SECTION, "Long runs", 0, NULL, NULL) },
        { CLI_ROW(CLI_ARG_STRING, "checkpoint", 0, "FILE", &a->ck_path),
          .help = "save the state at row boundaries to FILE (atomically;\n"
                  "needs --out)" },
        { CLI_ROW(CLI_ARG_NONNEG, "checkpoint-every", 0, "S", &a->ck_every),
          .help = "at most every S seconds (default 60; 0: every row)" },
        { CLI_ROW(CLI_ARG_FLAG, "resume", 0, NULL, &a->resume),
          .help = "continue from --checkpoint FILE with the same options:\n"
                  "the output becomes that of an uninterrupted run" },
        CLI_ARGS_END
    };
    const cli_command cmd = {
        "flow", "(--data FILE | --example NAME) [OPTIONS]",
        "Follow gradient flow of a depth-D diagonal linear network w = u_+^D - u_-^D from\n"
        "u_+(0) = u_-(0) = alpha (or a given shape) to a target training loss, margin or\n"
        "time, and print the trajectory at checkpoints.  Every printed digit is certified\n"
        "by a second, more accurate run (column err_est: the estimated relative error).\n",
        args,
        "SIGINT and SIGTERM stop the run within a step (exit status 1); with --checkpoint\n"
        "the state after the latest row is saved first.\n\n"
        "CSV columns: log10_t, log10_loss, margin, wbar_1..wbar_d (w / margin), mu\n"
        "(alpha margin^(-1/D); nan with a shape), nu_1..nu_N (integrated loss\n"
        "derivatives), err_est, kind (checkpoint, at-loss, at-time or stop).\n"
        "Numbers are in C-locale scientific notation with K significant digits; the\n"
        "last row is the stopping point.  wbar is certified normwise (relative to max |wbar_i|).\n"
    };
    int r = cli_args_parse(&cmd, argc, argv);
    fo->until_loss_set = a->have_loss != 0;
    fo->until_margin_set = a->have_margin != 0;
    fo->until_time_set = a->have_time != 0;
    if (r == EXIT_OK)
        r = cli_shape_check("flow", &a->m.sopt);
    return r;
}

/* The rest of the flow options from a, after the dataset is loaded (the
   values of --at-loss and --at-time are parsed here); EXIT_OK or
   EXIT_USAGE (reported). */
static int
flow_set_opts(const flow_args *a, mpbias_flow_opts *fo, cli_flow_out *ctx)
{
    if (!fo->until_loss_set && !fo->until_margin_set && !fo->until_time_set)
    {
        mpbias_sci_parse(fo->until_loss, "1e-100", NULL);
        fo->until_loss_set = 1;
    }
    fo->digits = (int) a->digits;
    fo->prec = (mpfr_prec_t) a->prec;
    fo->max_prec = (mpfr_prec_t) a->max_prec;
    fo->start_prec = (mpfr_prec_t) a->start_prec;
    fo->raise_fn = cli_flow_raise;
    fo->raise_ctx = ctx;
    fo->interrupt_fn = interrupt_check;
    fo->interrupt_ctx = NULL;
    fo->per_decade = (int) a->per_decade;
    if (a->at_loss.n > 0)
    {
        fo->at_loss = cli_parse_sci_list("flow", "at-loss", a->at_loss.v, a->at_loss.n);
        if (fo->at_loss == NULL)
            return EXIT_USAGE;
        fo->n_at_loss = a->at_loss.n;
    }
    if (a->at_time.n > 0)
    {
        fo->at_time = cli_parse_sci_list("flow", "at-time", a->at_time.v, a->at_time.n);
        if (fo->at_time == NULL)
            return EXIT_USAGE;
        fo->n_at_time = a->at_time.n;
    }
    return EXIT_OK;
}

/* Open the output into ctx->out: FILE or standard output, or with
   --resume the output of the interrupted run cut back to its length at
   the checkpoint (read into *ck_buf; fo->resume is the library's state in
   it).  EXIT_OK, or EXIT_USAGE or EXIT_FAIL (reported). */
static int
flow_open_out(const flow_args *a, mpbias_flow_opts *fo, cli_flow_out *ctx, char **ck_buf)
{
    long off;
    int r;
    if ((a->ck_path != NULL || a->resume) && a->out == NULL)
        return cli_usage_error("flow", "--checkpoint and --resume need --out FILE (the output is "
                               "continued on --resume)");
    if (a->resume && a->ck_path == NULL)
        return cli_usage_error("flow", "--resume needs --checkpoint FILE");
    if (!a->resume)
    {
        ctx->out = a->out ? fopen(a->out, "w") : stdout;
        if (ctx->out != NULL)
            return EXIT_OK;
        cli_error("%s: cannot open for writing: %s", a->out, strerror(errno));
        return EXIT_FAIL;
    }
    if ((r = cli_ckpt_read(a->ck_path, ck_buf, &fo->resume, &fo->resume_len, &off, &ctx->rows,
                           &ctx->header_done)) != EXIT_OK)
        return r;
    ctx->out = fopen(a->out, "r+b");
    if (ctx->out == NULL)
    {
        cli_error("%s: cannot open the output to continue it: %s", a->out, strerror(errno));
        return EXIT_FAIL;
    }
    if (fseek(ctx->out, 0, SEEK_END) != 0 || ftell(ctx->out) < off
        || ftruncate(fileno(ctx->out), (off_t) off) != 0 || fseek(ctx->out, off, SEEK_SET) != 0)
    {
        cli_error("%s: the output is shorter than at the checkpoint (it was changed): "
                  "cannot continue it", a->out);
        fclose(ctx->out);
        return EXIT_FAIL;
    }
    return EXIT_OK;
}

/* After SIGINT or SIGTERM stopped the run: without --checkpoint the rows
   written are kept (JSON closed as incomplete); with it the latest state
   is saved and the output left as it is, for --resume.  EXIT_FAIL. */
static int
flow_interrupted(const flow_args *a, cli_flow_out *ctx, cli_ckpt *ck,
                 const mpbias_flow_stats *stats)
{
    int sig = cli_flow_signal;
    if (a->ck_path == NULL)
    {
        if (a->json && ctx->header_done)
            fprintf(ctx->out, "\n  ],\n  \"complete\": false\n}\n");
        if (a->out != NULL)
            fclose(ctx->out);
        else
            fflush(ctx->out);
        cli_error("interrupted by signal %d after %ld rows (near log10(loss) = %.6g); nothing "
                  "saved (--checkpoint FILE saves the state)", sig, (long) ctx->rows,
                  stats->log10_loss);
        return EXIT_FAIL;
    }
    if (ck->pending)
        cli_ckpt_write(ck);
    fclose(ctx->out);
    if (ck->blob != NULL && !ck->pending)
        cli_error("interrupted by signal %d: the state after row %ld is in %s; continue "
                  "with the same options and --resume", sig, (long) ck->rows, a->ck_path);
    else
        cli_error("interrupted by signal %d before the first checkpoint: nothing saved%s", sig,
                  a->resume ? " beyond the checkpoint resumed from" : "");
    return EXIT_FAIL;
}

/* The end of the output, the summary on standard error and the exit
   status after the run (st, stats, err). */
static int
flow_finish(const flow_args *a, cli_flow_out *ctx, cli_ckpt *ck, mpbias_status st,
            const mpbias_flow_stats *stats, const mpbias_err_t err)
{
    if (cli_flow_signal != 0 && st != MPBIAS_OK)
        return flow_interrupted(a, ctx, ck, stats);
    if (a->json && ctx->header_done)
        fprintf(ctx->out, "\n  ],\n  \"complete\": %s,\n  \"stats\": {\"prec\": %ld, \"stages\": "
                "%ld, \"steps\": %ld, \"rejected\": %ld, \"rhs_evaluations\": %ld, \"jacobians\": "
                "%ld, \"check_steps\": %ld, \"max_err_est\": %.3g}\n}\n",
                st == MPBIAS_OK ? "true" : "false", (long) stats->prec, (long) stats->stages,
                (long) stats->steps, (long) stats->rejected, (long) stats->nfev,
                (long) stats->njev, (long) stats->steps_check, stats->max_err_est);
    if (a->out != NULL && fclose(ctx->out) != 0 && st == MPBIAS_OK)
    {
        cli_error("%s: write error: %s", a->out, strerror(errno));
        return EXIT_FAIL;
    }
    if (st != MPBIAS_OK && ctx->write_failed)
    {
        cli_error("%s: write error", a->out ? a->out : "standard output");
        return EXIT_FAIL;
    }
    if (st != MPBIAS_OK)
        return st == MPBIAS_ERR_ARG ? cli_usage_error("flow", "%s", err->msg) : cli_lib_error(err);
    if (!a->quiet)
        fprintf(stderr, "%s: %ld rows; %s loss, %s; %d digits certified (largest estimated "
                "error %.2g); %ld bits, %ld stages, %ld steps, %ld right-hand sides, %.2f s\n",
                PROG, (long) ctx->rows, a->m.loss == MPBIAS_LOSS_EXP ? "exponential" : "logistic",
                a->m.mean ? "mean over samples" : "summed over samples", (int) a->digits,
                stats->max_err_est, (long) stats->prec, (long) stats->stages, (long) stats->steps,
                (long) stats->nfev, cli_progress_elapsed(&ctx->prog));
    return EXIT_OK;
}

int
cmd_flow(int argc, char **argv)
{
    flow_args a;
    cli_ckpt ck;
    char *ck_buf = NULL;
    struct sigaction sa_new, sa_int, sa_term;
    mpbias_data_t data;
    mpbias_model_t model;
    mpbias_flow_opts fo;
    mpbias_flow_stats stats;
    mpbias_err_t err;
    mpbias_status st;
    cli_flow_out ctx;
    int r;

    memset(&a, 0, sizeof a);
    cli_flow_model_init(&a.m);
    a.digits = 16;
    a.per_decade = 1;
    a.ck_every = 60;
    memset(&ck, 0, sizeof ck);
    mpbias_flow_opts_init(&fo);
    mpbias_data_init(data);
    mpbias_model_init(model);
    if ((r = flow_parse(&a, &fo, argc, argv)) != EXIT_OK)
        goto done;
    if ((r = cli_flow_model_load("flow", &a.m, data, model)) != EXIT_OK
        || (r = flow_set_opts(&a, &fo, &ctx)) != EXIT_OK)
        goto done;
    memset(&ctx, 0, sizeof ctx);
    if ((r = flow_open_out(&a, &fo, &ctx, &ck_buf)) != EXIT_OK)
        goto done;
    ctx.json = a.json;
    ctx.digits = (int) a.digits;
    ctx.data = data;
    ctx.model = model;
    cli_progress_start(&ctx.prog, a.quiet, fo.until_loss_set ? fo.until_loss : NULL);
    if (a.ck_path != NULL)
    {
        ck.path = a.ck_path;
        ck.every = a.ck_every;
        ck.fc = &ctx;
        fo.checkpoint_fn = cli_ckpt_state;
        fo.checkpoint_ctx = &ck;
    }
    /* SIGINT, SIGTERM: the library stops at the next step (interrupt_check) */
    cli_flow_signal = 0;
    memset(&sa_new, 0, sizeof sa_new);
    sa_new.sa_handler = on_signal;
    sigemptyset(&sa_new.sa_mask);
    sigaction(SIGINT, &sa_new, &sa_int);
    sigaction(SIGTERM, &sa_new, &sa_term);
    mpbias_err_clear(err);
    st = mpbias_flow_run(data, model, &fo, cli_flow_row, progress, &ctx, &stats, err);
    cli_progress_erase(&ctx.prog);
    sigaction(SIGINT, &sa_int, NULL);
    sigaction(SIGTERM, &sa_term, NULL);
    r = flow_finish(&a, &ctx, &ck, st, &stats, err);
done:
    cli_sci_list_free(fo.at_loss, fo.n_at_loss);
    cli_sci_list_free(fo.at_time, fo.n_at_time);
    free(ck.blob);
    free(ck_buf);
    free(a.at_loss.v);
    free(a.at_time.v);
    mpbias_flow_opts_clear(&fo);
    mpbias_model_clear(model);
    mpbias_data_clear(data);
    cli_flow_model_clear(&a.m);
    return r == CLI_HELP_SHOWN ? EXIT_OK : r;
}
