/*
 * cmd_flow.c -- `mpbias flow`: a gradient-flow trajectory with certified
 * digits, streamed as CSV or JSON rows.
 */
#include "config.h"
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"

static void
help(void)
{
    printf("Usage: %s flow (--data FILE | --example NAME) [OPTIONS]\n"
           "Follow gradient flow of a depth-D diagonal linear network w = u_+^D - u_-^D from\n"
           "u_+(0) = u_-(0) = alpha (or a given shape) to a target training loss, margin or\n"
           "time, and print the trajectory at checkpoints.  Every printed digit is certified\n"
           "by a second, more accurate run (column err_est: the estimated relative error).\n\n"
           "Data:\n"
           "  --data FILE          LIBSVM/SVMlight or CSV file (labels +1/-1)\n"
           "  --example NAME       built-in example (mpbias info --list-examples)\n"
           "  --data-format FMT    auto (default), libsvm or csv\n"
           CLI_LABEL_COLUMN_HELP
           "Model:\n"
           "  --depth D            depth D >= 1 (default 2; 1 is the linear model)\n"
           "  --alpha A            initialization scale alpha > 0 (default 1)\n"
           "  --shape-a LIST       per-coordinate u_+(0): d comma-separated positive numbers\n"
           "  --shape-b LIST       per-coordinate u_-(0) (both or neither of the two)\n"
           "  --shape FILE         per-coordinate u_+(0), u_-(0): d lines 'a,b' (or 'a b')\n"
           "  --loss L             exp (default, the paper's) or logistic\n"
           "  --loss-mean          use the mean loss L/N instead of the summed loss (same\n"
           "                       path, time N times longer); losses are then mean losses\n"
           "Stop (the first reached; default --until-loss 1e-100):\n"
           "  --until-loss EPS     training loss EPS, any decimal literal (1e-1000000 or\n"
           "                       1e-1000000000000000000000000000000 are fine)\n"
           "  --until-margin G     minimum margin G (= log(1/eps) within log N)\n"
           "  --until-time T       gradient-flow time T (decimal literal, any exponent)\n"
           "Accuracy:\n"
           "  --digits K           correct significant digits wanted (1..200, default 16)\n"
           "  --prec BITS          working precision, exactly: no raising (default:\n"
           "                       automatic, from K and the margins reached, raised by\n"
           "                       half and the row redone when a row cannot be certified)\n"
           "  --max-prec BITS      refuse rather than raise the reported run's precision\n"
           "                       beyond BITS (default 32768)\n"
           "Output:\n"
           "  --per-decade K       checkpoints per decade of the loss (default 1, 0: none);\n"
           "                       beyond log10(1/eps) = 100, per decade of log10(1/eps)\n"
           "  --at-loss EPS        an extra checkpoint at loss EPS (repeatable)\n"
           "  --at-time T          an extra checkpoint at time T > 0 (repeatable; times\n"
           "                       after the stop are not reached)\n"
           "  --format FMT         csv (default) or json\n"
           "  -o, --out FILE       write to FILE instead of standard output\n"
           "  -q, --quiet          no progress line or summary on standard error\n"
           "  -h, --help           show this help and exit\n"
           "Long runs:\n"
           "  --checkpoint FILE    save the state at row boundaries to FILE (atomically;\n"
           "                       needs --out)\n"
           "  --checkpoint-every S at most every S seconds (default 60; 0: every row)\n"
           "  --resume             continue from --checkpoint FILE with the same options:\n"
           "                       the output becomes that of an uninterrupted run\n"
           "SIGINT and SIGTERM stop the run within a step (exit status 1); with --checkpoint\n"
           "the state after the latest row is saved first.\n\n"
           "CSV columns: log10_t, log10_loss, margin, wbar_1..wbar_d (w / margin), mu\n"
           "(alpha margin^(-1/D); nan with a shape), nu_1..nu_N (integrated loss\n"
           "derivatives), err_est, kind (checkpoint, at-loss, at-time or stop).\n"
           "Numbers are in C-locale scientific notation with K significant digits; the\n"
           "last row is the stopping point.  wbar is certified normwise (relative to max |wbar_i|).\n",
           PROG);
}

/* SIGINT, SIGTERM: the run stops at the next step, after the latest
   state is saved with --checkpoint */
static void
on_signal(int sig)
{
    cli_flow_signal = sig;
}

/* The progress line (a terminal only, after 1 s, twice a second): both
   runs' loss and steps from the first step on, and a time-left estimate
   when the loss target is known.  A run's cost grows like
   log(log10(1/eps)); each run's remaining time is extrapolated in that
   variable from the time it has taken so far, the checking run's (before
   it has reached log10(1/eps) = 1) as the reported run's. */
static double
flow_frac(double l10, double z)
{
    return l10 < -1.0 ? log(-l10) / z : 0.0;
}

static void
flow_progress(cli_flow_out *c, const mpbias_flow_stats *st)
{
    cli_progress *p = &c->prog;
    double t = cli_progress_elapsed(p);
    if (st->checking)
        c->t_chk += t - c->t_last;
    else
        c->t_rep += t - c->t_last;
    c->t_last = t;
    if (p->quiet || !p->tty || t < 1.0 || t - p->last_print < 0.5)
        return;
    p->last_print = t;
    fprintf(stderr, "\r%s: log10(loss) = %-12.8g steps %ld, checking run %.6g steps %ld", PROG,
            st->log10_loss, (long) st->steps, st->checking || st->steps_check > 0
                                                   ? st->log10_loss_check : NAN,
            (long) st->steps_check);
    if (isfinite(p->target_l10) && p->target_l10 > 1.0)
    {
        double z = log(p->target_l10), fb = flow_frac(st->log10_loss, z),
               fa = flow_frac(st->log10_loss_check, z);
        if (fb > 0.0 && fb <= 1.0 && fa <= 1.0)
        {
            double rb = c->t_rep * (1.0 - fb) / fb,
                   ra = fa > 0.0 ? c->t_chk * (1.0 - fa) / fa : c->t_rep + rb - c->t_chk;
            if (ra < 0.0)
                ra = 0.0;
            fprintf(stderr, "  ~%.0f s left (estimate)", rb + ra);
        }
    }
    fputs("   ", stderr);
    p->printed = 1;
}

static int
progress(const mpbias_flow_stats *st, void *ctx)
{
    flow_progress(ctx, st);
    return cli_flow_signal != 0;
}

static int
interrupt_check(void *ctx)
{
    (void) ctx;
    return cli_flow_signal != 0;
}

/* A raise of the working precision: one line on standard error (also with
   --quiet: it explains the cost). */
static void
on_raise(slong row, double log10_loss, mpfr_prec_t old_prec, mpfr_prec_t new_prec, double err_est,
         void *ctx)
{
    cli_flow_out *c = ctx;
    cli_progress_erase(&c->prog);
    char from[64];
    if (row > 0)
        snprintf(from, sizeof from, "row %ld", (long) row);
    else
        snprintf(from, sizeof from, "the start");
    if (isnan(err_est))
        fprintf(stderr, "%s: row %ld (near log10(loss) = %.10g) not resolved at %ld bits: "
                "precision raised to %ld bits, redone from %s\n", PROG, (long) row + 1, log10_loss,
                (long) old_prec, (long) new_prec, from);
    else
        fprintf(stderr, "%s: row %ld (log10(loss) = %.10g) not certified at %ld bits (estimated "
                "error %.2g): precision raised to %ld bits, redone from %s\n", PROG, (long) row + 1,
                log10_loss, (long) old_prec, err_est, (long) new_prec, from);
}

int
cmd_flow(int argc, char **argv)
{
    static const struct option longopts[] = {
        CLI_DATA_LONGOPTS,
        { "depth", required_argument, NULL, 'D' + 256 },
        { "alpha", required_argument, NULL, 'a' },
        CLI_SHAPE_LONGOPTS,
        { "loss", required_argument, NULL, 'l' },
        { "loss-mean", no_argument, NULL, 'm' },
        { "until-loss", required_argument, NULL, 'L' },
        { "until-margin", required_argument, NULL, 'G' },
        { "until-time", required_argument, NULL, 'T' },
        { "digits", required_argument, NULL, 'k' },
        { "prec", required_argument, NULL, 'p' },
        { "max-prec", required_argument, NULL, 'P' + 256 },
        { "start-prec", required_argument, NULL, 'S' + 256 },   /* hidden: tests */
        { "per-decade", required_argument, NULL, 'c' },
        { "at-loss", required_argument, NULL, 'e' },
        { "at-time", required_argument, NULL, 'e' + 256 },
        { "checkpoint", required_argument, NULL, 'K' + 256 },
        { "checkpoint-every", required_argument, NULL, 'E' + 256 },
        { "resume", no_argument, NULL, 'R' + 256 },
        { "format", required_argument, NULL, 'f' },
        { "out", required_argument, NULL, 'o' },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    cli_data_opts dopt = { NULL, NULL, MPBIAS_FORMAT_AUTO, NULL };
    cli_shape_opts sopt = { NULL, NULL, NULL };
    const char *out = NULL;
    const char **at = NULL, **att = NULL, *ck_path = NULL;
    long v, digits = 16, prec = 0, per_decade = 1, max_prec = 0, start_prec = 0;
    int c, r, json = 0, quiet = 0, depth = 2, mean = 0, resume = 0;
    double ck_every = 60;
    cli_ckpt ck;
    char *ck_buf = NULL;
    struct sigaction sa_new, sa_int, sa_term;
    slong nat = 0, natt = 0;
    mpbias_loss loss = MPBIAS_LOSS_EXP;
    mpbias_data_t data;
    mpbias_model_t model;
    mpbias_flow_opts fo;
    mpbias_flow_stats stats;
    mpbias_err_t err;
    mpbias_status st;
    cli_flow_out ctx;
    fmpq_t alpha;

    fmpq_init(alpha);
    fmpq_one(alpha);
    memset(&ck, 0, sizeof ck);
    mpbias_flow_opts_init(&fo);
    at = malloc((size_t) argc * sizeof(char *));
    att = malloc((size_t) argc * sizeof(char *));
    r = EXIT_OK;
    opterr = 0;
    optind = 1;
    while (r == EXIT_OK && (c = getopt_long(argc, argv, ":o:qh", longopts, NULL)) != -1)
    {
        int d = cli_data_opt("flow", &dopt, c, optarg);
        if (d < 0)
            r = EXIT_USAGE;
        if (d != 0 || cli_shape_opt(&sopt, c, optarg))
            continue;
        switch (c)
        {
            case 'D' + 256:
                if (!cli_parse_slong("flow", "depth", optarg, 1, 1000, &v))
                    r = EXIT_USAGE;
                depth = (int) v;
                break;
            case 'a':
                if (!cli_parse_positive_decimal("flow", "alpha", optarg, alpha))
                    r = EXIT_USAGE;
                break;
            case 'l':
                if (strcmp(optarg, "exp") == 0 || strcmp(optarg, "exponential") == 0)
                    loss = MPBIAS_LOSS_EXP;
                else if (strcmp(optarg, "logistic") == 0)
                    loss = MPBIAS_LOSS_LOGISTIC;
                else
                    r = cli_usage_error("flow", "invalid value '%s' for --loss: expected exp or logistic", optarg);
                break;
            case 'm':
                mean = 1;
                break;
            case 'L':
                if (!cli_parse_sci("flow", "until-loss", optarg, fo.until_loss))
                    r = EXIT_USAGE;
                fo.until_loss_set = 1;
                break;
            case 'G':
                if (!cli_parse_positive_decimal("flow", "until-margin", optarg, fo.until_margin))
                    r = EXIT_USAGE;
                fo.until_margin_set = 1;
                break;
            case 'T':
                if (!cli_parse_sci("flow", "until-time", optarg, fo.until_time))
                    r = EXIT_USAGE;
                fo.until_time_set = 1;
                break;
            case 'k':
                if (!cli_parse_slong("flow", "digits", optarg, 1, 200, &digits))
                    r = EXIT_USAGE;
                break;
            case 'p':
                if (!cli_parse_slong("flow", "prec", optarg, 16, 1000000, &prec))
                    r = EXIT_USAGE;
                break;
            case 'P' + 256:
                if (!cli_parse_slong("flow", "max-prec", optarg, 64, 1L << 24, &max_prec))
                    r = EXIT_USAGE;
                break;
            case 'S' + 256:
                if (!cli_parse_slong("flow", "start-prec", optarg, 16, 1000000, &start_prec))
                    r = EXIT_USAGE;
                break;
            case 'c':
                if (!cli_parse_slong("flow", "per-decade", optarg, 0, 1000, &per_decade))
                    r = EXIT_USAGE;
                break;
            case 'e':
                at[nat++] = optarg;
                break;
            case 'e' + 256:
                att[natt++] = optarg;
                break;
            case 'K' + 256:
                ck_path = optarg;
                break;
            case 'E' + 256:
                if (!cli_parse_double("flow", "checkpoint-every", optarg, 0, &ck_every))
                    r = EXIT_USAGE;
                break;
            case 'R' + 256:
                resume = 1;
                break;
            case 'f':
            {
                static const char *const fmts[] = { "csv", "json", NULL };
                if ((json = cli_parse_choice("flow", "format", optarg, fmts)) < 0)
                    r = EXIT_USAGE;
                break;
            }
            case 'o':
                out = optarg;
                break;
            case 'q':
                quiet = 1;
                break;
            case 'h':
                help();
                free(at);
                free(att);
                fmpq_clear(alpha);
                mpbias_flow_opts_clear(&fo);
                return EXIT_OK;
            default:
                r = cli_getopt_error("flow", c, argv, longopts);
        }
    }
    if (r == EXIT_OK && optind < argc)
        r = cli_usage_error("flow", "unexpected argument '%s'", argv[optind]);
    if (r == EXIT_OK)
        r = cli_shape_check("flow", &sopt);
    if (r != EXIT_OK)
    {
        free(at);
        free(att);
        fmpq_clear(alpha);
        mpbias_flow_opts_clear(&fo);
        return r;
    }

    mpbias_data_init(data);
    mpbias_model_init(model);
    if ((r = cli_load_data("flow", &dopt, data)) != EXIT_OK)
        goto done;
    model->depth = depth;
    model->loss = loss;
    model->mean = mean;
    fmpq_set(model->alpha, alpha);
    if ((r = cli_model_shape("flow", &sopt, data, model)) != EXIT_OK)
        goto done;
    if (!fo.until_loss_set && !fo.until_margin_set && !fo.until_time_set)
    {
        mpbias_sci_parse(fo.until_loss, "1e-100", NULL);
        fo.until_loss_set = 1;
    }
    fo.digits = (int) digits;
    fo.prec = (mpfr_prec_t) prec;
    fo.max_prec = (mpfr_prec_t) max_prec;
    fo.start_prec = (mpfr_prec_t) start_prec;
    fo.raise_fn = on_raise;
    fo.raise_ctx = &ctx;
    fo.interrupt_fn = interrupt_check;
    fo.interrupt_ctx = NULL;
    fo.per_decade = (int) per_decade;
    if (nat > 0)
    {
        if ((fo.at_loss = cli_parse_sci_list("flow", "at-loss", at, nat)) == NULL)
        {
            r = EXIT_USAGE;
            goto done;
        }
        fo.n_at_loss = nat;
    }
    if (natt > 0)
    {
        if ((fo.at_time = cli_parse_sci_list("flow", "at-time", att, natt)) == NULL)
        {
            r = EXIT_USAGE;
            goto done;
        }
        fo.n_at_time = natt;
    }

    memset(&ctx, 0, sizeof ctx);
    if ((ck_path != NULL || resume) && out == NULL)
    {
        r = cli_usage_error("flow", "--checkpoint and --resume need --out FILE (the output is "
                            "continued on --resume)");
        goto done;
    }
    if (resume && ck_path == NULL)
    {
        r = cli_usage_error("flow", "--resume needs --checkpoint FILE");
        goto done;
    }
    if (resume)
    {
        long off;
        slong rows;
        int header;
        if ((r = cli_ckpt_read(ck_path, &ck_buf, &fo.resume, &fo.resume_len, &off, &rows, &header))
            != EXIT_OK)
            goto done;
        ctx.out = fopen(out, "r+b");
        if (ctx.out == NULL)
        {
            cli_error("%s: cannot open the output to continue it: %s", out, strerror(errno));
            r = EXIT_FAIL;
            goto done;
        }
        if (fseek(ctx.out, 0, SEEK_END) != 0 || ftell(ctx.out) < off
            || ftruncate(fileno(ctx.out), (off_t) off) != 0 || fseek(ctx.out, off, SEEK_SET) != 0)
        {
            cli_error("%s: the output is shorter than at the checkpoint (it was changed): "
                      "cannot continue it", out);
            fclose(ctx.out);
            r = EXIT_FAIL;
            goto done;
        }
        ctx.rows = rows;
        ctx.header_done = header;
    }
    else
        ctx.out = out ? fopen(out, "w") : stdout;
    if (ctx.out == NULL)
    {
        cli_error("%s: cannot open for writing: %s", out, strerror(errno));
        r = EXIT_FAIL;
        goto done;
    }
    ctx.json = json;
    ctx.digits = (int) digits;
    cli_progress_start(&ctx.prog, quiet, fo.until_loss_set ? fo.until_loss : NULL);
    if (ck_path != NULL)
    {
        ck.path = ck_path;
        ck.every = ck_every;
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

    ctx.data = data;
    ctx.model = model;
    mpbias_err_clear(err);
    st = mpbias_flow_run(data, model, &fo, cli_flow_row, progress, &ctx, &stats, err);
    cli_progress_erase(&ctx.prog);
    sigaction(SIGINT, &sa_int, NULL);
    sigaction(SIGTERM, &sa_term, NULL);
    if (ck_path == NULL && cli_flow_signal != 0 && st != MPBIAS_OK)
    {
        /* stopped by a signal, no checkpoint: the rows written are kept */
        if (json && ctx.header_done)
            fprintf(ctx.out, "\n  ],\n  \"complete\": false\n}\n");
        if (out != NULL)
            fclose(ctx.out);
        else
            fflush(ctx.out);
        cli_error("interrupted by signal %d after %ld rows (near log10(loss) = %.6g); nothing "
                  "saved (--checkpoint FILE saves the state)", (int) cli_flow_signal, (long) ctx.rows,
                  stats.log10_loss);
        r = EXIT_FAIL;
        goto done;
    }
    if (ck_path != NULL && cli_flow_signal != 0 && st != MPBIAS_OK)
    {
        /* stopped by a signal: save the latest state, keep the output as is */
        int sig = cli_flow_signal;
        if (ck.pending)
            cli_ckpt_write(&ck);
        fclose(ctx.out);
        if (ck.blob != NULL && !ck.pending)
            cli_error("interrupted by signal %d: the state after row %ld is in %s; continue "
                      "with the same options and --resume", sig, (long) ck.rows, ck_path);
        else
            cli_error("interrupted by signal %d before the first checkpoint: nothing saved%s", sig,
                      resume ? " beyond the checkpoint resumed from" : "");
        r = EXIT_FAIL;
        goto done;
    }
    if (json && ctx.header_done)
        fprintf(ctx.out, "\n  ],\n  \"complete\": %s,\n  \"stats\": {\"prec\": %ld, \"stages\": %ld, "
                "\"steps\": %ld, \"rejected\": %ld, \"rhs_evaluations\": %ld, \"jacobians\": %ld, "
                "\"check_steps\": %ld, \"max_err_est\": %.3g}\n}\n",
                st == MPBIAS_OK ? "true" : "false", (long) stats.prec, (long) stats.stages,
                (long) stats.steps, (long) stats.rejected, (long) stats.nfev, (long) stats.njev,
                (long) stats.steps_check, stats.max_err_est);
    if (out != NULL && fclose(ctx.out) != 0 && st == MPBIAS_OK)
    {
        cli_error("%s: write error: %s", out, strerror(errno));
        r = EXIT_FAIL;
        goto done;
    }
    if (st != MPBIAS_OK && ctx.write_failed)
    {
        cli_error("%s: write error", out ? out : "standard output");
        r = EXIT_FAIL;
        goto done;
    }
    if (st != MPBIAS_OK)
    {
        r = (st == MPBIAS_ERR_ARG) ? cli_usage_error("flow", "%s", err->msg) : cli_lib_error(err);
        goto done;
    }
    if (!quiet)
        fprintf(stderr, "%s: %ld rows; %s loss, %s; %d digits certified (largest estimated "
                "error %.2g); %ld bits, %ld stages, %ld steps, %ld right-hand sides, %.2f s\n",
                PROG, (long) ctx.rows, loss == MPBIAS_LOSS_EXP ? "exponential" : "logistic",
                mean ? "mean over samples" : "summed over samples", (int) digits, stats.max_err_est,
                (long) stats.prec, (long) stats.stages, (long) stats.steps, (long) stats.nfev,
                cli_progress_elapsed(&ctx.prog));
    r = EXIT_OK;
done:
    cli_sci_list_free(fo.at_loss, fo.n_at_loss);
    cli_sci_list_free(fo.at_time, fo.n_at_time);
    free(ck.blob);
    free(ck_buf);
    mpbias_flow_opts_clear(&fo);
    mpbias_model_clear(model);
    mpbias_data_clear(data);
    fmpq_clear(alpha);
    free(at);
    free(att);
    return r;
}
