/*
 * check_out.c -- the report of `mpbias check`: the per-row digits, the
 * verdict and the diagnoses as text, CSV or JSON, and the summary on
 * standard error.
 */
#include "config.h"
#include <math.h>
#include <stdlib.h>
#include "cli.h"

/* a JSON string value, quoted */
static void
put_json_quoted(FILE *f, const char *s)
{
    fputc('"', f);
    cli_put_json_string(f, s);
    fputc('"', f);
}

static void
put_digits(FILE *f, double x, int json)
{
    if (isnan(x))
        fputs(json ? "null" : "", f);
    else
        fprintf(f, "%.1f", x);
}

static void
put_axis(FILE *f, const mpbias_cand_struct *c, slong j)
{
    if (c->axis == MPBIAS_CAND_STEP)
        fprintf(f, "%ld", (long) c->step[j]);
    else
        fprintf(f, "%.10g", fmpq_get_d(c->time + j));
}

static void
put_verdict(FILE *f, const mpbias_check_result *r, const mpbias_cand_struct *c, double md)
{
    if (r->agree)
        fprintf(f, "AGREES: every row to at least %g digits (worst: w %.1f, margin %.1f", md,
                r->worst_w, r->worst_margin);
    else if (r->first_bad >= 0)
    {
        const mpbias_check_row *b = r->rows + r->first_bad;
        fprintf(f, "DISAGREES from row %ld (line %ld, %s ", (long) r->first_bad + 1, (long) b->line,
                c->axis == MPBIAS_CAND_STEP ? "step" : "t =");
        put_axis(f, c, r->first_bad);
        fprintf(f, "): w %.1f, margin %.1f", b->digits_w, b->digits_margin);
        if (!isnan(b->digits_loss))
            fprintf(f, ", loss %.1f", b->digits_loss);
        fprintf(f, " digits, threshold %g (worst: w %.1f, margin %.1f", md, r->worst_w, r->worst_margin);
    }
    else
        fprintf(f, "INCOMPLETE: the reference reached %ld of %ld rows (worst: w %.1f, margin %.1f",
                (long) r->reached, (long) c->n, r->worst_w, r->worst_margin);
    if (c->loss_kind != MPBIAS_CAND_LOSS_NONE)
        fprintf(f, ", loss %.1f", r->worst_loss);
    fputc(')', f);
}

static void
put_csv(FILE *f, const mpbias_check_result *res, const mpbias_cand_struct *cand)
{
    slong j;
    fprintf(f, "row,line,%s,digits_w,digits_loss,digits_margin,margin_from_w,ref_margin,"
            "ref_log10_loss,ref_log10_t,f64_digits,step_sharpness\n",
            cand->axis == MPBIAS_CAND_STEP ? "step" : "t");
    for (j = 0; j < res->n; j++)
    {
        const mpbias_check_row *o = res->rows + j;
        fprintf(f, "%ld,%ld,", (long) j + 1, (long) o->line);
        put_axis(f, cand, j);
        fputc(',', f);
        put_digits(f, o->digits_w, 0);
        fputc(',', f);
        put_digits(f, o->digits_loss, 0);
        fputc(',', f);
        put_digits(f, o->digits_margin, 0);
        fprintf(f, ",%d,%.10g,%.10g,%.10g,", o->margin_from_w, o->ref_margin, o->ref_log10_loss,
                o->ref_log10_t);
        put_digits(f, o->f64_digits, 0);
        fputc(',', f);
        if (!isnan(o->step_sharpness))
            fprintf(f, "%.4g", o->step_sharpness);
        fputc('\n', f);
    }
}

static void
put_json(FILE *f, const mpbias_check_result *res, const mpbias_cand_struct *cand,
         const char *cand_path, long digits, double md)
{
    slong j;
    int i;
    fprintf(f, "{\n  \"candidate\": ");
    put_json_quoted(f, cand_path);
    fprintf(f, ",\n  \"reference\": \"%s\",\n  \"reference_digits\": %ld,\n  \"min_digits\": %g,\n",
            cand->axis == MPBIAS_CAND_STEP ? "gd" : "flow", digits, md);
    if (res->stab.measured)
        fprintf(f, "  \"reference_prec\": %ld,\n", (long) res->stab.prec);
    fprintf(f, "  \"agree\": %s,\n  \"first_bad_row\": %ld,\n  \"worst\": {\"w\": %.1f, "
            "\"margin\": %.1f, \"loss\": ", res->agree ? "true" : "false",
            res->first_bad >= 0 ? (long) res->first_bad + 1 : 0L, res->worst_w, res->worst_margin);
    put_digits(f, cand->loss_kind != MPBIAS_CAND_LOSS_NONE ? res->worst_loss : NAN, 1);
    fprintf(f, "},\n  \"verdict\": ");
    {
        char *buf = NULL;
        size_t len = 0;
        FILE *m = open_memstream(&buf, &len);
        if (m != NULL)
        {
            put_verdict(m, res, cand, md);
            fclose(m);
            put_json_quoted(f, buf);
            free(buf);
        }
        else
            fputs("null", f);
    }
    fprintf(f, ",\n  \"diagnoses\": [");
    for (i = 0; i < res->ndiag; i++)
    {
        fprintf(f, "%s\n    {\"code\": \"%s\", \"message\": ", i ? "," : "", mpbias_diag_name(res->diag[i]));
        put_json_quoted(f, res->diag_msg[i]);
        fputc('}', f);
    }
    fprintf(f, "%s],\n  \"rows\": [", res->ndiag ? "\n  " : "");
    for (j = 0; j < res->n; j++)
    {
        const mpbias_check_row *o = res->rows + j;
        fprintf(f, "%s\n    {\"row\": %ld, \"line\": %ld, \"%s\": ", j ? "," : "", (long) j + 1,
                (long) o->line, cand->axis == MPBIAS_CAND_STEP ? "step" : "t");
        put_axis(f, cand, j);
        fprintf(f, ", \"reached\": %s, \"digits_w\": ", o->reached ? "true" : "false");
        put_digits(f, o->digits_w, 1);
        fprintf(f, ", \"digits_loss\": ");
        put_digits(f, o->digits_loss, 1);
        fprintf(f, ", \"digits_margin\": ");
        put_digits(f, o->digits_margin, 1);
        if (o->reached)
        {
            fprintf(f, ", \"ref_margin\": %.10g, \"ref_log10_loss\": %.10g", o->ref_margin,
                    o->ref_log10_loss);
            if (cand->axis == MPBIAS_CAND_STEP)
            {
                fprintf(f, ", \"f64_digits\": ");
                put_digits(f, o->f64_digits, 1);
                if (isfinite(o->step_sharpness))
                    fprintf(f, ", \"step_sharpness\": %.4g", o->step_sharpness);
                else
                    fprintf(f, ", \"step_sharpness\": null");
            }
            fprintf(f, "}");
        }
        else
            fprintf(f, "}");
    }
    fprintf(f, "\n  ]\n}\n");
}

static void
put_text(FILE *f, const mpbias_check_result *res, const mpbias_cand_struct *cand,
         const char *cand_path, long digits, double md)
{
    slong j;
    int i;
    fprintf(f, "candidate %s: %ld rows, judged against %s (%ld digits", cand_path, (long) res->n,
            cand->axis == MPBIAS_CAND_STEP ? "gradient descent with the same steps"
                                           : "gradient flow at the same times", digits);
    if (res->stab.measured && res->stab.raised > 0)
        fprintf(f, "; precision raised %d times to %ld bits to certify them", res->stab.raised,
                (long) res->stab.prec);
    fprintf(f, ")\n");
    fprintf(f, "%6s %6s %14s %9s %9s %9s %14s %14s%s\n", "row", "line",
            cand->axis == MPBIAS_CAND_STEP ? "step" : "t", "digits_w", "d_loss", "d_margin",
            "ref_margin", "ref_log10_loss",
            cand->axis == MPBIAS_CAND_STEP ? "       f64  eta*lmax" : "");
    for (j = 0; j < res->n; j++)
    {
        const mpbias_check_row *o = res->rows + j;
        fprintf(f, "%6ld %6ld ", (long) j + 1, (long) o->line);
        if (cand->axis == MPBIAS_CAND_STEP)
            fprintf(f, "%14ld", (long) cand->step[j]);
        else
            fprintf(f, "%14.6g", fmpq_get_d(cand->time + j));
        if (!o->reached)
        {
            fprintf(f, "  (not reached by the reference)\n");
            continue;
        }
        fprintf(f, " %9.1f ", o->digits_w);
        if (isnan(o->digits_loss))
            fprintf(f, "%9s ", "-");
        else
            fprintf(f, "%9.1f ", o->digits_loss);
        fprintf(f, "%8.1f%s %14.6g %14.6g", o->digits_margin, o->margin_from_w ? "*" : " ",
                o->ref_margin, o->ref_log10_loss);
        if (cand->axis == MPBIAS_CAND_STEP)
        {
            fprintf(f, " %9.1f ", o->f64_digits);
            if (isnan(o->step_sharpness))
                fprintf(f, "%9s", "-");
            else
                fprintf(f, "%9.3g", o->step_sharpness);
        }
        fprintf(f, "%s\n", j == res->first_bad ? "  <- first below threshold" : "");
    }
    fprintf(f, "(digits: measured against the reference; * margin of the candidate's w%s)\n",
            cand->axis == MPBIAS_CAND_STEP
            ? "; f64: the digits float64 keeps of the exact iteration, from the reference's "
              "two precisions; eta*lmax: step x sharpness since the previous row" : "");
    put_verdict(f, res, cand, md);
    fputc('\n', f);
    for (i = 0; i < res->ndiag; i++)
        fprintf(f, "diagnosis [%s]: %s\n", mpbias_diag_name(res->diag[i]), res->diag_msg[i]);
}

void
cli_check_report(FILE *f, int fmt, const mpbias_check_result *res, const mpbias_cand_struct *cand,
                 const char *cand_path, long digits, double md)
{
    if (fmt == 1)
        put_csv(f, res, cand);
    else if (fmt == 2)
        put_json(f, res, cand, cand_path, digits, md);
    else
        put_text(f, res, cand, cand_path, digits, md);
}

void
cli_check_summary(const mpbias_check_result *res, const mpbias_cand_struct *cand, double md)
{
    int i;
    fprintf(stderr, "%s: check: ", PROG);
    put_verdict(stderr, res, cand, md);
    fputc('\n', stderr);
    for (i = 0; i < res->ndiag; i++)
        fprintf(stderr, "%s: diagnosis [%s]: %s\n", PROG, mpbias_diag_name(res->diag[i]),
                res->diag_msg[i]);
}
