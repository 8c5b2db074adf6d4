/*
 * cmd_gd.c -- `mpbias gd`: reference gradient descent on (u_+, u_-) in
 * MPFR, its iterates printed as the rows of `mpbias flow` with a first
 * column `step', every printed digit checked by a second run.
 */
#include "config.h"
#include <errno.h>
#include <string.h>
#include "cli.h"

/* The options of gd, with their defaults set by cmd_gd. */
typedef struct
{
    cli_flow_model m;
    const char *step_s, *sched_s;
    long steps, every, digits, prec;
    int have_loss;
    int json, quiet;
    const char *out;
} gd_args;

/* argv into a and go (--normalized, --until-loss); EXIT_OK,
   CLI_HELP_SHOWN, or EXIT_USAGE after reporting. */
static int
gd_parse(gd_args *a, mpbias_gd_opts *go, int argc, char **argv)
{
    static const char *const FORMATS[] = { "csv", "json", NULL };
    const cli_arg args[] = {
        CLI_ARGS_FLOW_DATA_MODEL(a->m, "Model (as for flow)"),
        { CLI_ROW(CLI_ARG_SECTION, "Steps", 0, NULL, NULL) },
        { CLI_ROW(CLI_ARG_STRING, "step", 0, "ETA", &a->step_s),
          .help = "a constant step size (a positive decimal)" },
        { CLI_ROW(CLI_ARG_STRING, "schedule", 0, "LIST", &a->sched_s),
          .help = "comma-separated step sizes: step k uses the k-th, the\n"
                  "last one from there on; @FILE reads them from FILE\n"
                  "(separated by commas, blanks or newlines; '#' comments)" },
        { CLI_ROW(CLI_ARG_FLAG, "normalized", 0, NULL, &go->normalized),
          .help = "loss-normalized steps: step k is eta_k / L(u_k), the\n"
                  "normalized GD of Nacson et al. (2019), which reaches\n"
                  "large margins in few steps" },
        { CLI_ROW(CLI_ARG_LONG, "steps", 0, "N", &a->steps), .lo = 0, .hi = 1000000000L,
          .help = "the number of steps (default 1000)" },
        { CLI_ROW(CLI_ARG_SCI, "until-loss", 0, "EPS", go->until_loss), .given = &a->have_loss,
          .help = "... or stop at the first step with loss <= EPS" },
        { CLI_ROW(CLI_ARG_SECTION, "Accuracy", 0, NULL, NULL) },
        { CLI_ROW(CLI_ARG_LONG, "digits", 0, "K", &a->digits), .lo = 1, .hi = 1000,
          .help = "certified digits (default 16)" },
        CLI_ARG_PREC(a->prec, "working precision (default: automatic)"),
        { CLI_ROW(CLI_ARG_SECTION, "Output", 0, NULL, NULL) },
        { CLI_ROW(CLI_ARG_LONG, "every", 0, "K", &a->every), .lo = 1, .hi = 1000000000L,
          .help = "a row every K steps (default: steps 0, 1, 2, 5, 10, ...)" },
        { CLI_ROW(CLI_ARG_CHOICE, "format", 0, "FMT", &a->json), .choices = FORMATS,
          .help = "csv (default) or json" },
        { CLI_ROW(CLI_ARG_STRING, "output", 'o', "FILE", &a->out),
          .help = "write the rows to FILE" },
        CLI_ARG_QUIET(a->quiet, "no summary on standard error"),
        CLI_ARGS_HELP,
        CLI_ARGS_END
    };
    const cli_command cmd = {
        "gd", "(--data FILE | --example NAME) (--step ETA | --schedule LIST)\n       [OPTIONS]",
        "Run gradient descent on (u_+, u_-) for the models of mpbias flow, in MPFR, and\n"
        "print its iterates in the format of mpbias flow with a first column `step':\n"
        "    u_+ <- u_+ + eta_k D u_+^(D-1) r,  u_- <- u_- - eta_k D u_-^(D-1) r,\n"
        "    r = Z^T g, g_n = -l'(margin_n) (over N for the mean loss).\n"
        "log10_t is that of the flow-time equivalent t = sum of the steps taken, nu_n\n"
        "the sum of eta_k g_n.  Every printed digit is checked by a second run at 64\n"
        "more bits (err_est).  Steps after which the loss grew (the catapult phase of\n"
        "large steps) are counted and reported on standard error.\n",
        args, NULL
    };
    int r = cli_args_parse(&cmd, argc, argv);
    go->until_loss_set = a->have_loss != 0;
    if (r == EXIT_OK && (a->step_s == NULL) == (a->sched_s == NULL))
        r = cli_usage_error("gd", "give --step ETA or --schedule LIST (one of the two)");
    if (r == EXIT_OK)
        r = cli_shape_check("gd", &a->m.sopt);
    return r;
}

/* The JSON trailer, the summary on standard error and the exit status
   after the run (st, err). */
static int
gd_finish(const gd_args *a, cli_flow_out *ctx, mpbias_status st, const mpbias_gd_stats *stats,
          const mpbias_err_t err)
{
    if (a->json && ctx->header_done)
        fprintf(ctx->out, "\n  ],\n  \"complete\": %s,\n  \"stats\": {\"prec\": %ld, \"steps\": "
                "%ld, \"loss_increases\": %ld, \"first_increase\": %ld, \"max_err_est\": %.3g}\n}\n",
                st == MPBIAS_OK ? "true" : "false", (long) stats->prec, (long) stats->steps,
                (long) stats->increases, (long) stats->first_increase, stats->max_err_est);
    if (a->out != NULL && fclose(ctx->out) != 0 && st == MPBIAS_OK)
    {
        cli_error("%s: write error: %s", a->out, strerror(errno));
        return EXIT_FAIL;
    }
    if (st != MPBIAS_OK)
        return cli_lib_error(err);
    if (!a->quiet)
    {
        fprintf(stderr, "%s: gd: %ld steps, %ld rows, %ld digits certified (largest estimated "
                "error %.2g), %ld bits", PROG, (long) stats->steps, (long) ctx->rows, a->digits,
                stats->max_err_est, (long) stats->prec);
        if (stats->increases > 0)
            fprintf(stderr, "; the loss grew after %ld steps (first at step %ld, by up to %.3g "
                    "in log10): a catapult phase", (long) stats->increases,
                    (long) stats->first_increase, stats->max_rise);
        fputc('\n', stderr);
    }
    return EXIT_OK;
}

int
cmd_gd(int argc, char **argv)
{
    gd_args a;
    int r;
    mpbias_data_t data;
    mpbias_model_t model;
    mpbias_gd_opts go;
    mpbias_gd_stats stats;
    mpbias_err_t err;
    cli_flow_out ctx;
    mpbias_status st;

    memset(&a, 0, sizeof a);
    cli_flow_model_init(&a.m);
    a.steps = 1000;
    a.digits = 16;
    mpbias_gd_opts_init(&go);
    r = gd_parse(&a, &go, argc, argv);
    if (r != EXIT_OK)
    {
        cli_flow_model_clear(&a.m);
        mpbias_gd_opts_clear(&go);
        return r == CLI_HELP_SHOWN ? EXIT_OK : r;
    }
    r = cli_gd_steps("gd", a.step_s, a.sched_s, &go);
    mpbias_data_init(data);
    mpbias_model_init(model);
    if (r == EXIT_OK)
        r = cli_flow_model_load("gd", &a.m, data, model);
    if (r != EXIT_OK)
        goto done;
    go.digits = (int) a.digits;
    go.prec = (mpfr_prec_t) a.prec;
    go.max_steps = a.steps;
    go.every = a.every;
    memset(&ctx, 0, sizeof ctx);
    ctx.out = a.out ? fopen(a.out, "w") : stdout;
    if (ctx.out == NULL)
    {
        cli_error("%s: cannot open for writing: %s", a.out, strerror(errno));
        r = EXIT_FAIL;
        goto done;
    }
    ctx.json = a.json;
    ctx.digits = (int) a.digits;
    ctx.gd = 1;
    ctx.data = data;
    ctx.model = model;
    cli_progress_start(&ctx.prog, 1, NULL);
    mpbias_err_clear(err);
    st = mpbias_gd_run(data, model, &go, cli_flow_row, &ctx, &stats, err);
    r = gd_finish(&a, &ctx, st, &stats, err);
done:
    cli_gd_steps_free(&go);
    mpbias_gd_opts_clear(&go);
    mpbias_model_clear(model);
    mpbias_data_clear(data);
    cli_flow_model_clear(&a.m);
    return r;
}
