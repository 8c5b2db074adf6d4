/*
 * cmd_threshold.c -- `mpbias threshold`: the training loss at which the
 * trajectory comes within DELTA of a limit and stays there.
 */
#include "config.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

static const char *const TARGETS[] = { "l2", "l1", "rich", "qmu", NULL };
static const char *const NORMS[] = { "inf", "2", NULL };
static const char *const FORMATS[] = { "text", "json", NULL };

/* the result, as JSON or text */
static void
threshold_print(const mpbias_threshold_struct *th, const mpbias_data_struct *data,
                mpbias_target target, int json, long depth, double delta, int norm2, int digits)
{
    const char *tname;
    tname = target == MPBIAS_TARGET_L2 ? "l2"
            : target == MPBIAS_TARGET_QMU ? "qmu"
            : th->rich_kind == MPBIAS_RICH_KKT ? "kkt"
            : th->rich_kind == MPBIAS_RICH_L1_FACE ? "l1-face" : "l1";
    if (json)
    {
        printf("{\n  \"mpbias\": \"%s\",\n  \"command\": \"threshold\",\n  \"data\": {\"name\": \"",
               PACKAGE_VERSION);
        cli_put_json_string(stdout, data->name);
        printf("\", \"n\": %ld, \"d\": %ld},\n", (long) data->n, (long) data->d);
        printf("  \"depth\": %ld, \"target\": \"%s\", \"within\": %.17g, \"norm\": \"%s\",\n",
               depth, tname, delta, norm2 ? "2" : "inf");
        printf("  \"reached\": %s, \"at_first_checkpoint\": %s, \"resolution_limited\": %s,\n",
               th->reached ? "true" : "false", th->at_first ? "true" : "false",
               th->resolution_limited ? "true" : "false");
        if (th->reached)
        {
            mpfr_printf("  \"log10_loss\": \"%.*RDe\", ", digits - 1, th->log10_loss);
            if (mpfr_nan_p(th->log10_loss_lo))
                printf("\"log10_loss_beyond\": null, ");
            else
                mpfr_printf("\"log10_loss_beyond\": \"%.*RUe\", ", digits + 1,
                            th->log10_loss_lo);
            mpfr_printf("\"log10_t\": \"%.*Re\", \"distance\": \"%.3Re\",\n", digits - 1,
                        th->log10_t, th->dist_at);
        }
        mpfr_printf("  \"log10_horizon\": \"%.6Re\", \"distance_at_horizon\": \"%.3Re\", "
                    "\"flow_runs\": %ld\n}\n", th->horizon, th->dist_horizon, (long) th->runs);
    }
    else
    {
        const char *nm = norm2 ? "l2 norm" : "sup norm";
        if (!th->reached)
            mpfr_printf("not reached: at the horizon log10(eps) = %.6Rg wbar is %.3Re from %s "
                        "(%s), more than %g\n", th->horizon, th->dist_horizon, tname, nm, delta);
        else if (th->at_first)
            mpfr_printf("within %g of %s (%s) already at the first checkpoint, log10(eps) = %.*Rg "
                        "(distance %.3Re), and at every checkpoint to the horizon log10(eps) = "
                        "%.6Rg\n", delta, tname, nm, digits, th->log10_loss, th->dist_at,
                        th->horizon);
        else
        {
            mpfr_printf("threshold: wbar comes within %g of %s (%s) at log10(eps) = %.*RDg\n",
                        delta, tname, nm, digits, th->log10_loss);
            mpfr_printf("           (beyond %g at log10(eps) = %.*RUg; distance %.3Re at the "
                        "threshold)\n", delta, digits + 2, th->log10_loss_lo, th->dist_at);
            mpfr_printf("           log10(t) = %.*Rg there\n", digits, th->log10_t);
            mpfr_printf("           and stays within at every checkpoint (log10(1/eps) = 1, 2, 5, "
                        "10, ...) up to the\n           horizon log10(eps) = %.6Rg (distance "
                        "%.3Re there)\n", th->horizon, th->dist_horizon);
            if (th->resolution_limited)
                printf("           (the bracket stopped where the distance's own resolution "
                       "cannot tell the side of %g:\n            the digits above are those of "
                       "the bracket's ends)\n", delta);
        }
    }
}

/* the combinations of options: EXIT_OK, or EXIT_USAGE after reporting */
static int
threshold_validate(const char *target_s, mpbias_target target, const cli_shape_opts *sopt,
                   int have_delta, long depth)
{
    int r;
    if (target_s == NULL)
        return cli_usage_error("threshold", "--target is required (l2, l1, rich or qmu)");
    if ((r = cli_shape_check("threshold", sopt)) != EXIT_OK)
        return r;
    if (target == MPBIAS_TARGET_QMU && cli_shape_given(sopt))
        return cli_usage_error("threshold", "--target qmu needs a scalar alpha (no intermediate "
                               "predictor with a shape)");
    if (!have_delta)
        return cli_usage_error("threshold", "--within DELTA is required");
    if (strcmp(target_s, "l1") == 0 && depth != 2)
        return cli_usage_error("threshold", "--target l1 is the rich limit of depth 2; for depth "
                               "%ld use --target rich%s", depth,
                               depth >= 3 ? " (an l_(2/D) KKT point)" : " or l2");
    if (depth < 2 && target != MPBIAS_TARGET_L2)
        return cli_usage_error("threshold", "depth 1 has only the l2 limit (--target l2)");
    return EXIT_OK;
}

int
cmd_threshold(int argc, char **argv)
{
    cli_data_opts dopt = { NULL, NULL, MPBIAS_FORMAT_AUTO, NULL };
    const char *target_s = NULL;
    static const mpbias_target tv[] = { MPBIAS_TARGET_L2, MPBIAS_TARGET_RICH,
                                        MPBIAS_TARGET_RICH, MPBIAS_TARGET_QMU };
    mpbias_target target = MPBIAS_TARGET_RICH;
    double delta = 0.0;
    long depth = 2, digits = 6;
    int r, norm2 = 0, json = 0, quiet = 0, have_delta = 0, ti = -1;
    fmpq_t alpha;
    mpbias_sci_t horizon;
    mpbias_data_t data;
    mpbias_model_t model;
    mpbias_threshold_t th;
    mpbias_err_t err;
    cli_progress prog;
    cli_shape_opts sopt = { NULL, NULL, NULL };
    mpbias_loss loss = MPBIAS_LOSS_EXP;
    int mean = 0;
    const cli_arg args[] = {
        { CLI_ROW(CLI_ARG_SECTION, "Options", 0, NULL, NULL) },
        CLI_ARGS_DATA(dopt),
        { CLI_ROW(CLI_ARG_CHOICE, "target", 0, "T", &ti), .choices = TARGETS,
          .help = "l2 (the l2 max-margin predictor), l1 (depth 2: the l1\n"
                  "max-margin predictor, or its optimal face's bounding box\n"
                  "when not unique), rich (l1 for depth 2; for depth 3 and\n"
                  "more the l_(2/D) KKT point the horizon's wbar polishes\n"
                  "to), or qmu (the intermediate predictor at the current\n"
                  "mu^D = alpha^D / margin)" },
        { CLI_ROW(CLI_ARG_POSITIVE, "within", 0, "DELTA", &delta), .given = &have_delta,
          .help = "the distance (a positive number)" },
        { CLI_ROW(CLI_ARG_CHOICE, "norm", 0, "N", &norm2), .choices = NORMS,
          .help = "inf (default: the sup norm) or 2" },
        CLI_ARGS_DEPTH_ALPHA(depth, alpha, CLI_DEPTH_TEXT),
        CLI_ARGS_SCALED_SHAPE(sopt),
        CLI_ARGS_LOSS(loss, mean),
        { CLI_ROW(CLI_ARG_SCI, "until-loss", 0, "EPS", horizon),
          .help = "the horizon (default 1e-1000000; any decimal literal, at\n"
                  "most 0.1), in the loss's convention" },
        { CLI_ROW(CLI_ARG_LONG, "digits", 0, "K", &digits), .lo = 1, .hi = 15,
          .help = "significant digits of log10(1/eps) at the threshold\n"
                  "(1..15, default 6; log10(eps) is rounded towards\n"
                  "smaller losses, where wbar is within DELTA)" },
        { CLI_ROW(CLI_ARG_CHOICE, "format", 0, "FMT", &json), .choices = FORMATS,
          .help = "text (default) or json" },
        CLI_ARG_QUIET(quiet, "no summary on standard error"),
        CLI_ARGS_HELP,
        CLI_ARGS_END
    };
    const cli_command cmd = {
        "threshold", "(--data FILE | --example NAME) --target T --within DELTA\n       [OPTIONS]",
        "Find the training loss eps at which the normalized predictor wbar = w / margin\n"
        "of gradient flow comes within DELTA of a limit and stays there, and print\n"
        "log10(eps) and log10(t) there (the loss itself may be far below any decimal\n"
        "literal).  A flow run with checkpoints at log10(1/eps) = 1, 2, 5, 10, ... up to\n"
        "the horizon finds the last checkpoint beyond DELTA (\"stays\" is checked at\n"
        "those checkpoints, up to the horizon, not between them); regula falsi in\n"
        "log log(1/eps), one flow run per step, then narrows it to K digits.\n",
        args,
        "Exit status 0 when the threshold is found, 1 when the trajectory is not within\n"
        "DELTA at the horizon (the distance there is printed) or on an error.\n"
    };

    fmpq_init(alpha);
    fmpq_one(alpha);
    mpbias_sci_init(horizon);
    mpbias_sci_parse(horizon, "1e-1000000", NULL);
    r = cli_args_parse(&cmd, argc, argv);
    if (ti >= 0)
    {
        target_s = TARGETS[ti];
        target = tv[ti];
    }
    if (r == EXIT_OK)
        r = threshold_validate(target_s, target, &sopt, have_delta, depth);
    if (r != EXIT_OK)
    {
        fmpq_clear(alpha);
        mpbias_sci_clear(horizon);
        return r == CLI_HELP_SHOWN ? EXIT_OK : r;
    }
    mpbias_data_init(data);
    mpbias_model_init(model);
    mpbias_threshold_init(th);
    if ((r = cli_load_data("threshold", &dopt, data)) != EXIT_OK)
        goto done;
    model->depth = (int) depth;
    model->loss = loss;
    model->mean = mean;
    fmpq_set(model->alpha, alpha);
    if ((r = cli_model_scaled_shape("threshold", &sopt, data, model)) != EXIT_OK)
        goto done;
    cli_progress_start(&prog, quiet, horizon);
    mpbias_err_clear(err);
    if (mpbias_threshold_find(th, data, model, target, delta, norm2, horizon, (int) digits, err)
        != MPBIAS_OK)
    {
        r = cli_lib_error(err);
        goto done;
    }
    threshold_print(th, data, target, (int) json, depth, delta, norm2, (int) digits);
    if (!quiet)
        fprintf(stderr, "%s: %ld flow runs, %.2f s\n", PROG, (long) th->runs,
                cli_progress_elapsed(&prog));
    r = th->reached ? EXIT_OK : EXIT_FAIL;
done:
    mpbias_threshold_clear(th);
    mpbias_model_clear(model);
    mpbias_data_clear(data);
    fmpq_clear(alpha);
    mpbias_sci_clear(horizon);
    return r;
}
