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

int
cmd_check(int argc, char **argv)
{
    static const char *const LOSSES[] = { "exp", "logistic", NULL };
    static const char *const FORMATS[] = { "text", "csv", "json", NULL };
    cli_data_opts dopt = { NULL, NULL, MPBIAS_FORMAT_AUTO, NULL };
    cli_shape_opts sopt = { NULL, NULL, NULL };
    const char *step_s = NULL, *sched_s = NULL, *out = NULL, *cand_path = NULL;
    long depth = 2, digits = 20, prec = 0, max_prec = 0;
    double md = 6.0;
    int r, fmt = 0, quiet = 0, lossk = 0, mean = 0, noexplain = 0, normalized = 0;
    mpbias_data_t data;
    mpbias_model_t model;
    mpbias_gd_opts go;
    mpbias_check_opts co;
    mpbias_check_result res;
    mpbias_cand_t cand;
    mpbias_err_t err;
    fmpq_t alpha;
    FILE *f = stdout;

    const cli_arg args[] = {
        { CLI_ROW(CLI_ARG_SECTION, "Candidate (CSV with a header row; doc/checking.md)", 0, NULL,
                  NULL),
          .help = "  step or t            the gradient-descent step (0, 1, ...) or the flow time\n"
                  "  w_1..w_d             the predictor, or up_1..up_d and um_1..um_d (u_+, u_-)\n"
                  "  loss, log_loss or log10_loss, margin   optional; other columns are ignored" },
        { CLI_ROW(CLI_ARG_SECTION, "Data and model", 0, NULL, NULL) },
        CLI_ARGS_DATA(dopt),
        { CLI_ROW(CLI_ARG_LONG, "depth", 0, "D", &depth), .lo = 1, .hi = 1000,
          .help = "the depth the candidate claims (default 2)" },
        { CLI_ROW(CLI_ARG_DECIMAL, "alpha", 0, "A", alpha),
          .help = "its initialization scale alpha > 0 (default 1)" },
        CLI_ARGS_SHAPE(sopt, "... or both from a file of d lines 'a,b'"),
        { CLI_ROW(CLI_ARG_CHOICE, "loss", 0, "L", &lossk), .choices = LOSSES,
          .help = "exp (default) or logistic" },
        { CLI_ROW(CLI_ARG_FLAG, "loss-mean", 0, NULL, &mean),
          .help = "the mean loss L/N instead of the summed loss" },
        { CLI_ROW(CLI_ARG_SECTION, "The check", 0, NULL, NULL) },
        { CLI_ROW(CLI_ARG_STRING, "candidate", 0, "FILE", &cand_path),
          .help = "the trajectory to judge (required)" },
        { CLI_ROW(CLI_ARG_STRING, "step", 0, "ETA", &step_s),
          .help = "the candidate's constant step size (a `step' column;\n"
                  "as for mpbias gd)" },
        { CLI_ROW(CLI_ARG_STRING, "schedule", 0, "LIST|@FILE", &sched_s),
          .help = "... or its step sizes, comma-separated (as for gd)" },
        { CLI_ROW(CLI_ARG_FLAG, "normalized", 0, NULL, &normalized),
          .help = "the steps are normalized by the loss (as for gd)" },
        { CLI_ROW(CLI_ARG_NONNEG, "min-digits", 0, "P", &md),
          .help = "agreement threshold in digits (default 6)" },
        { CLI_ROW(CLI_ARG_LONG, "digits", 0, "K", &digits), .lo = 2, .hi = 1000,
          .help = "digits of the reference (2..1000, default 20)" },
        { CLI_ROW(CLI_ARG_LONG, "prec", 0, "BITS", &prec), .lo = 16, .hi = 1000000,
          .help = "working precision of the reference (default: automatic)" },
        { CLI_ROW(CLI_ARG_LONG, "max-prec", 0, "BITS", &max_prec), .lo = 16, .hi = 1L << 24,
          .help = "gradient descent: the reference's precision is doubled\n"
                  "until it certifies --digits at every row, up to BITS\n"
                  "(default " CLI_STR(MPBIAS_CHECK_MAX_PREC) "); beyond, it is an error" },
        { CLI_ROW(CLI_ARG_FLAG, "no-explain", 0, NULL, &noexplain),
          .help = "do not compute other references to explain a\n"
                  "disagreement" },
        { CLI_ROW(CLI_ARG_SECTION, "Output", 0, NULL, NULL) },
        { CLI_ROW(CLI_ARG_CHOICE, "format", 0, "FMT", &fmt), .choices = FORMATS,
          .help = "text (default), csv or json" },
        { CLI_ROW(CLI_ARG_STRING, "output", 'o', "FILE", &out),
          .help = "write the report to FILE" },
        { CLI_ROW(CLI_ARG_FLAG, "quiet", 'q', NULL, &quiet),
          .help = "no summary on standard error (csv)" },
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

    fmpq_init(alpha);
    fmpq_one(alpha);
    mpbias_gd_opts_init(&go);
    mpbias_check_opts_init(&co);
    mpbias_check_result_init(&res);
    mpbias_cand_init(cand);
    mpbias_data_init(data);
    mpbias_model_init(model);
    r = cli_args_parse(&cmd, argc, argv);
    if (r == EXIT_OK && cand_path == NULL)
        r = cli_usage_error("check", "give the trajectory to judge: --candidate FILE");
    if (r == EXIT_OK && step_s != NULL && sched_s != NULL)
        r = cli_usage_error("check", "give --step or --schedule, not both");
    if (r == EXIT_OK && normalized && step_s == NULL && sched_s == NULL)
        r = cli_usage_error("check", "--normalized goes with --step or --schedule");
    if (r == EXIT_OK)
        r = cli_shape_check("check", &sopt);
    if (r == EXIT_OK && (step_s != NULL || sched_s != NULL))
        r = cli_gd_steps("check", step_s, sched_s, &go);
    go.normalized = normalized;
    if (r == EXIT_OK)
        r = cli_load_data("check", &dopt, data);
    if (r != EXIT_OK)
        goto done;
    model->depth = (int) depth;
    model->loss = lossk ? MPBIAS_LOSS_LOGISTIC : MPBIAS_LOSS_EXP;
    model->mean = mean;
    fmpq_set(model->alpha, alpha);
    if ((r = cli_model_shape("check", &sopt, data, model)) != EXIT_OK)
        goto done;
    mpbias_err_clear(err);
    if (mpbias_cand_read_file(cand, cand_path, data->d,
                              (mpfr_prec_t) ((digits + 20) * 3.3219280948873623) + 64, err) != MPBIAS_OK)
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
    co.digits = (int) digits;
    co.prec = (mpfr_prec_t) prec;
    co.max_prec = (mpfr_prec_t) max_prec;
    co.min_digits = md;
    co.gd = &go;
    co.explain = !noexplain;
    if (out != NULL && (f = fopen(out, "w")) == NULL)
    {
        cli_error("%s: cannot open for writing: %s", out, strerror(errno));
        r = EXIT_FAIL;
        goto done;
    }
    if (fmt == 0 && !quiet)
        fprintf(stderr, "%s: check: computing the reference (%s, %ld digits) at %ld rows...\n",
                PROG, cand->axis == MPBIAS_CAND_STEP ? "gradient descent" : "gradient flow",
                digits, (long) cand->n);
    mpbias_err_clear(err);
    if (mpbias_check_run(&res, data, model, cand, &co, err) != MPBIAS_OK)
    {
        r = cli_lib_error(err);
        goto done;
    }
    cli_check_report(f, fmt, &res, cand, cand_path, digits, md);
    if (fmt == 1 && !quiet)
        cli_check_summary(&res, cand, md);
    if (out != NULL && fclose(f) != 0)
    {
        f = stdout;
        cli_error("%s: write error: %s", out, strerror(errno));
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
    fmpq_clear(alpha);
    return r == CLI_HELP_SHOWN ? EXIT_OK : r;
}
