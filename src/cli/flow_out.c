/*
 * flow_out.c -- the output of `mpbias flow` and `mpbias gd`: the rows of
 * a trajectory as CSV or JSON, every number with its certified digits,
 * and flow's lines on standard error (progress, precision raises).
 */
#include "config.h"
#include <math.h>
#include "cli.h"

static void
put_num(FILE *f, const mpfr_t x, int digits, int json)
{
    if (mpfr_nan_p(x))
        fputs(json ? "null" : "nan", f);
    else if (json)
        mpfr_fprintf(f, "\"%.*Re\"", digits - 1, x);
    else
        mpfr_fprintf(f, "%.*Re", digits - 1, x);
}

/* A logarithmic column (log10_t, log10_loss): its accuracy is 10^-K
   relative to max(|x|, 1), so below 1 in magnitude it is printed to the
   absolute accuracy 10^-K (fewer significant digits), and as 0 below
   that: a checkpoint at the loss 1 prints 0, not rounding noise. */
static void
put_log_num(FILE *f, const mpfr_t x, int digits, int json)
{
    int k = digits;
    if (mpfr_number_p(x) && !mpfr_zero_p(x) && mpfr_cmpabs_ui(x, 1) < 0)
    {
        /* significant digits down to 10^-K: K + floor(log10 |x|) + 1 */
        long e10 = (long) floor(log10(fabs(mpfr_get_d(x, MPFR_RNDN))));
        k = digits + (int) e10 + 1;
        if (k > digits)   /* |x| just below 1, rounded to 1 in double */
            k = digits;
        if (k < 1)
        {
            /* below the accuracy: zero, in the column's format */
            if (json)
                fprintf(f, "\"%.*e\"", digits - 1, 0.0);
            else
                fprintf(f, "%.*e", digits - 1, 0.0);
            return;
        }
    }
    put_num(f, x, k, json);
}

static const char *
kind_name(mpbias_row_kind k)
{
    return k == MPBIAS_ROW_STOP      ? "stop"
           : k == MPBIAS_ROW_AT_LOSS ? "at-loss"
           : k == MPBIAS_ROW_AT_TIME ? "at-time"
                                     : "checkpoint";
}


/* The CSV header or the JSON preamble, printed with the first row (so
   that a run refused before any row prints nothing). */
static void
print_header(cli_flow_out *c)
{
    slong i;
    const mpbias_data_struct *data = c->data;
    const mpbias_model_struct *model = c->model;
    c->header_done = 1;
    if (c->json)
    {
        char *as = fmpq_get_str(NULL, 10, model->alpha);
        fprintf(c->out, "{\n  \"mpbias\": \"%s\",\n  \"command\": \"%s\",\n  \"data\": {\"name\": \"",
                PACKAGE_VERSION, c->gd ? "gd" : "flow");
        cli_put_json_string(c->out, data->name);
        fprintf(c->out, "\", "
                "\"n\": %ld, \"d\": %ld},\n  \"model\": {\"depth\": %d, \"alpha\": \"%s\", \"shape\": %s, "
                "\"loss\": \"%s\", \"reduction\": \"%s\"},\n  \"digits\": %d,\n  \"rows\": [",
                (long) data->n, (long) data->d, model->depth, as,
                model->shape_a ? "true" : "false", model->loss == MPBIAS_LOSS_EXP ? "exp" : "logistic",
                model->mean ? "mean" : "sum", c->digits);
        flint_free(as);
    }
    else
    {
        fputs(c->gd ? "step,log10_t,log10_loss,margin" : "log10_t,log10_loss,margin", c->out);
        for (i = 0; i < data->d; i++)
            fprintf(c->out, ",wbar_%ld", (long) i + 1);
        fputs(",mu", c->out);
        for (i = 0; i < data->n; i++)
            fprintf(c->out, ",nu_%ld", (long) i + 1);
        fputs(",err_est,kind\n", c->out);
    }
}

int
cli_flow_row(const mpbias_flow_row *r, void *ctx)
{
    cli_flow_out *c = ctx;
    slong i;
    FILE *f = c->out;
    /* erase the progress line before a row can land on the terminal */
    cli_progress_erase(&c->prog);
    if (!c->header_done)
        print_header(c);
    if (c->json)
    {
        fprintf(f, "%s\n    {\"kind\": \"%s\", ", c->rows ? "," : "", kind_name(r->kind));
        if (c->gd)
            fprintf(f, "\"step\": %ld, ", (long) r->index);
        fputs("\"log10_t\": ", f);
        put_log_num(f, r->log10_t, c->digits, 1);
        fputs(", \"log10_loss\": ", f);
        put_log_num(f, r->log10_loss, c->digits, 1);
        fputs(", \"margin\": ", f);
        put_num(f, r->margin, c->digits, 1);
        fputs(", \"mu\": ", f);
        put_num(f, r->mu, c->digits, 1);
        fputs(", \"wbar\": [", f);
        for (i = 0; i < r->d; i++)
        {
            fputs(i ? ", " : "", f);
            put_num(f, r->wbar[i], c->digits, 1);
        }
        fputs("], \"nu\": [", f);
        for (i = 0; i < r->n; i++)
        {
            fputs(i ? ", " : "", f);
            put_num(f, r->nu[i], c->digits, 1);
        }
        fputs("], \"err_est\": ", f);
        put_num(f, r->err_est, 3, 1);
        fputs("}", f);
    }
    else
    {
        if (c->gd)
            fprintf(f, "%ld,", (long) r->index);
        put_log_num(f, r->log10_t, c->digits, 0);
        fputc(',', f);
        put_log_num(f, r->log10_loss, c->digits, 0);
        fputc(',', f);
        put_num(f, r->margin, c->digits, 0);
        for (i = 0; i < r->d; i++)
        {
            fputc(',', f);
            put_num(f, r->wbar[i], c->digits, 0);
        }
        fputc(',', f);
        put_num(f, r->mu, c->digits, 0);
        for (i = 0; i < r->n; i++)
        {
            fputc(',', f);
            put_num(f, r->nu[i], c->digits, 0);
        }
        fputc(',', f);
        put_num(f, r->err_est, 3, 0);
        fprintf(f, ",%s\n", kind_name(r->kind));
    }
    c->rows++;
    if (ferror(f))
        c->write_failed = 1;
    return c->write_failed;
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

void
cli_flow_progress(cli_flow_out *c, const mpbias_flow_stats *st)
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

/* A raise of the working precision: one line on standard error (also with
   --quiet: it explains the cost). */
void
cli_flow_raise(slong row, double log10_loss, mpfr_prec_t old_prec, mpfr_prec_t new_prec,
               double err_est, void *ctx)
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
