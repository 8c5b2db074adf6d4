/*
 * cmd_check.c -- mpbias check: judge a trajectory computed elsewhere.
 */
#include "config.h"
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

/* checked, and the candidate disagrees */
#define EXIT_DISAGREE 3

/* what the options ask for */
typedef struct
{
    cli_data_opts dopt;
    cli_shape_opts sopt;
    const char *step_s, *sched_s, *out, *cand_path;
    long depth, digits, prec, max_prec;
    double md;                     /* --min-digits */
    int fmt, quiet, lossk, mean, noexplain, normalized;
    fmpq_t alpha;
} check_req;

/* The check itself: the steps, the data and the model, the candidate,
   the reference and the report.  The exit status (reported). */
static int
judge(const check_req *q)
{
    mpbias_data_t data;
    mpbias_model_t model;
    mpbias_gd_opts go;
    mpbias_check_opts co;
    mpbias_check_result res;
    mpbias_cand_t cand;
    mpbias_err_t err;
    FILE *f = stdout;
    int r = EXIT_OK;

    mpbias_gd_opts_init(&go);
    mpbias_check_opts_init(&co);
    mpbias_check_result_init(&res);
    mpbias_cand_init(cand);
    mpbias_data_init(data);
    mpbias_model_init(model);
    if (q->step_s != NULL || q->sched_s != NULL)
        r = cli_gd_steps("check", q->step_s, q->sched_s, &go);
    go.normalized = q->normalized;
    if (r == EXIT_OK)
        r = cli_load_data("check", &q->dopt, data);
    if (r != EXIT_OK)
        goto done;
    model->depth = (int) q->depth;
    model->loss = q->lossk ? MPBIAS_LOSS_LOGISTIC : MPBIAS_LOSS_EXP;
    model->mean = q->mean;
    fmpq_set(model->alpha, q->alpha);
    if ((r = cli_model_shape("check", &q->sopt, data, model)) != EXIT_OK)
        goto done;
    mpbias_err_clear(err);
    if (mpbias_cand_read_file(cand, q->cand_path, data->d,
                              (mpfr_prec_t) ((q->digits + 20) * 3.3219280948873623) + 64, err)
        != MPBIAS_OK)
    {
        r = cli_lib_error(err);
        goto done;
    }
    if (cand->axis == MPBIAS_CAND_STEP && go.neta == 0)
    {
        r = cli_usage_error("check", "the candidate has a 'step' column (gradient descent): give "
                            "its step sizes with --step ETA or --schedule LIST");
        goto done;
    }
    if (cand->axis == MPBIAS_CAND_TIME && go.neta > 0)
    {
        r = cli_usage_error("check", "the candidate has a 't' column (gradient flow): --step, "
                            "--schedule and --normalized are for a 'step' column");
        goto done;
    }
    co.digits = (int) q->digits;
    co.prec = (mpfr_prec_t) q->prec;
    co.max_prec = (mpfr_prec_t) q->max_prec;
    co.min_digits = q->md;
    co.gd = &go;
    co.explain = !q->noexplain;
    if (q->out != NULL && (f = fopen(q->out, "w")) == NULL)
    {
        cli_error("%s: cannot open for writing: %s", q->out, strerror(errno));
        r = EXIT_FAIL;
        goto done;
    }
    if (q->fmt == 0 && !q->quiet)
        fprintf(stderr, "%s: check: computing the reference (%s, %ld digits) at %ld rows...\n",
                PROG, cand->axis == MPBIAS_CAND_STEP ? "gradient descent" : "gradient flow",
                q->digits, (long) cand->n);
    mpbias_err_clear(err);
    if (mpbias_check_run(&res, data, model, cand, &co, err) != MPBIAS_OK)
    {
        r = cli_lib_error(err);
        goto done;
    }
    cli_check_report(f, q->fmt, &res, cand, q->cand_path, q->digits, q->md);
    if (q->fmt == 1 && !q->quiet)
        cli_check_summary(&res, cand, q->md);
    if (q->out != NULL && fclose(f) != 0)
    {
        f = stdout;
        cli_error("%s: write error: %s", q->out, strerror(errno));
        r = EXIT_FAIL;
        goto done;
    }
    f = stdout;
    r = res.agree ? EXIT_OK : EXIT_DISAGREE;
done:
    if (f != stdout && f != NULL)
        fclose(f);
    mpbias_check_result_clear(&res);
    mpbias_cand_clear(cand);
    cli_gd_steps_free(&go);
    mpbias_gd_opts_clear(&go);
    mpbias_model_clear(model);
    mpbias_data_clear(data);
    return r;
}

int
cmd_check(int argc, char **argv)
{
    static const char *const LOSSES[] = { "exp", "logistic", NULL };
    static const char *const FORMATS[] = { "text", "csv", "json", NULL };
    check_req q = { .dopt = { NULL, NULL, MPBIAS_FORMAT_AUTO, NULL }, .depth = 2, .digits = 20,
                    .md = 6.0 };
    int r;

    const cli_arg args[] = {
        { CLI_ROW(CLI_ARG_SECTION, "Candidate (CSV with a header row; doc/checking.md)", 0, NULL,
                  NULL),
          .help = "  step or t            the gradient-descent step (0, 1, ...) or the flow time\n"
                  "  w_1..w_d             the predictor, or up_1..up_d and um_1..um_d (u_+, u_-)\n"
                  "  loss, log_loss or log10_loss, margin   optional; other columns are ignored" },
        { CLI_ROW(CLI_ARG_SECTION, "Data and model", 0, NULL, NULL) },
        CLI_ARGS_DATA(q.dopt),
        { CLI_ROW(CLI_ARG_LONG, "depth", 0, "D", &q.depth), .lo = 1, .hi = 1000,
          .help = "the depth the candidate claims (default 2)" },
        { CLI_ROW(CLI_ARG_DECIMAL, "alpha", 0, "A", q.alpha),
          .help = "its initialization scale alpha > 0 (default 1)" },
        CLI_ARGS_SHAPE(q.sopt, "... or both from a file of d lines 'a,b'"),
        { CLI_ROW(CLI_ARG_CHOICE, "loss", 0, "L", &q.lossk), .choices = LOSSES,
          .help = "exp (default) or logistic" },
        { CLI_ROW(CLI_ARG_FLAG, "loss-mean", 0, NULL, &q.mean),
          .help = "the mean loss L/N instead of the summed loss" },
        { CLI_ROW(CLI_ARG_SECTION, "The check", 0, NULL, NULL) },
        { CLI_ROW(CLI_ARG_STRING, "candidate", 0, "FILE", &q.cand_path),
          .help = "the trajectory to judge (required)" },
        { CLI_ROW(CLI_ARG_STRING, "step", 0, "ETA", &q.step_s),
          .help = "the candidate's constant step size (a `step' column;\n"
                  "as for mpbias gd)" },
        { CLI_ROW(CLI_ARG_STRING, "schedule", 0, "LIST|@FILE", &q.sched_s),
          .help = "... or its step sizes, comma-separated (as for gd)" },
        { CLI_ROW(CLI_ARG_FLAG, "normalized", 0, NULL, &q.normalized),
          .help = "the steps are normalized by the loss (as for gd)" },
        { CLI_ROW(CLI_ARG_NONNEG, "min-digits", 0, "P", &q.md),
          .help = "agreement threshold in digits (default 6)" },
        { CLI_ROW(CLI_ARG_LONG, "digits", 0, "K", &q.digits), .lo = 2, .hi = 1000,
          .help = "digits of the reference (2..1000, default 20)" },
        CLI_ARG_PREC(q.prec, "working precision of the reference (default: automatic)"),
        { CLI_ROW(CLI_ARG_LONG, "max-prec", 0, "BITS", &q.max_prec), .lo = 16, .hi = 1L << 24,
          .help = "gradient descent: the reference's precision is doubled\n"
                  "until it certifies --digits at every row, up to BITS\n"
                  "(default " CLI_STR(MPBIAS_CHECK_MAX_PREC) "); beyond, it is an error" },
        { CLI_ROW(CLI_ARG_FLAG, "no-explain", 0, NULL, &q.noexplain),
          .help = "do not compute other references to explain a\n"
                  "disagreement" },
        { CLI_ROW(CLI_ARG_SECTION, "Output", 0, NULL, NULL) },
        { CLI_ROW(CLI_ARG_CHOICE, "format", 0, "FMT", &q.fmt), .choices = FORMATS,
          .help = "text (default), csv or json" },
        { CLI_ROW(CLI_ARG_STRING, "output", 'o', "FILE", &q.out),
          .help = "write the report to FILE" },
        CLI_ARG_QUIET(q.quiet, "no summary on standard error (csv)"),
        CLI_ARGS_HELP,
        CLI_ARGS_END
    };
    const cli_command cmd = {
        "check", "(--data FILE | --example NAME) --candidate FILE [OPTIONS]",
        "Judge a trajectory computed elsewhere (PyTorch, NumPy, JAX, ...) against the\n"
        "reference: gradient descent in MPFR with the same steps (a `step' column), or\n"
        "gradient flow at the same times (a `t' column).  Per row: correct significant\n"
        "digits of the candidate's w (normwise), loss and margin; the first row below\n"
        "the threshold; a verdict; and, when it disagrees, the cause in a sentence\n"
        "(float64 underflow past margin 745, a loss without log-sum-exp or log1p,\n"
        "cancellation in u_+^D - u_-^D, mean vs summed loss, a sign error, a step too\n"
        "large for the flow, an iteration that amplifies rounding errors past step x\n"
        "sharpness = 2), each established by computing the reference the cause\n"
        "predicts, by measuring it along the reference, or by its numerical signature\n"
        "in the candidate's values.\n",
        args,
        "Exit status: 0 the candidate agrees, 3 it disagrees, 1 failure, 2 usage error.\n"
    };

    fmpq_init(q.alpha);
    fmpq_one(q.alpha);
    r = cli_args_parse(&cmd, argc, argv);
    if (r == EXIT_OK && q.cand_path == NULL)
        r = cli_usage_error("check", "give the trajectory to judge: --candidate FILE");
    if (r == EXIT_OK && q.step_s != NULL && q.sched_s != NULL)
        r = cli_usage_error("check", "give --step or --schedule, not both");
    if (r == EXIT_OK && q.normalized && q.step_s == NULL && q.sched_s == NULL)
        r = cli_usage_error("check", "--normalized goes with --step or --schedule");
    if (r == EXIT_OK)
        r = cli_shape_check("check", &q.sopt);
    if (r == EXIT_OK)
        r = judge(&q);
    fmpq_clear(q.alpha);
    return r == CLI_HELP_SHOWN ? EXIT_OK : r;
}
