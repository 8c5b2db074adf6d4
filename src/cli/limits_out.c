/*
 * limits_out.c -- the report of `mpbias limits`: the l2 and l1 max-margin
 * predictors, the weighted l1 (shapes), the intermediate predictor and
 * the polished KKT point, as text (exact rationals, long ones rounded) or
 * JSON (always exact).
 */
#include "config.h"
#include <stdlib.h>
#include "cli.h"

/* JSON: the exact rational as a string */
static void
put_q(FILE *f, const fmpq_t q)
{
    fputc('"', f);
    cli_put_q(f, q, 0, 0);
    fputc('"', f);
}

static void
put_qvec(FILE *f, const fmpq *v, slong len)
{
    slong i;
    fputs("[", f);
    for (i = 0; i < len; i++)
    {
        if (i > 0)
            fputs(", ", f);
        put_q(f, v + i);
    }
    fputs("]", f);
}

/* Text: "  LABEL      = (...)" with '=' for exact rationals and '~' when
   they are shown rounded (qmode, see cli.h); returns 1 when rounded. */
static int
put_text_qvec(const char *label, const fmpq *v, slong len, int vec, int qmode, long digits)
{
    slong i;
    int rd = cli_q_rounded(v, len, qmode);
    printf("  %-11s%c %s", label, rd ? '~' : '=', vec ? "(" : "");
    for (i = 0; i < len; i++)
    {
        if (i > 0)
            fputs(", ", stdout);
        cli_put_q(stdout, v + i, rd, digits);
    }
    printf("%s\n", vec ? ")" : "");
    return rd;
}

/* Text: one rational, after '~' when it is shown rounded; returns 1 then */
static int
put_text_q(const fmpq_t q, int qmode, long digits)
{
    int rd = cli_q_rounded(q, 1, qmode);
    printf("%s", rd ? "~" : "");
    cli_put_q(stdout, q, rd, digits);
    return rd;
}

/* the intermediate predictor's coordinates, each correctly rounded or as
   a ball, separated by ", " and each between two `quote`s */
static void
put_qmu_coords(const mpbias_qmu_struct *qm, long digits, const char *quote)
{
    slong i;
    for (i = 0; i < qm->d; i++)
    {
        char *cs = mpbias_qmu_coord_str(qm, i, (int) digits);
        if (cs == NULL)
            cs = mpbias_qmu_coord_ball_str(qm, i, (int) digits);
        printf("%s%s%s%s", i ? ", " : "", quote, cs, quote);
        flint_free(cs);
    }
}

/* the l1 block (plain or weighted) as JSON members after "w" */
static void
put_l1_json(const mpbias_l1mm_t l1, const char *margin)
{
    slong i, k;
    printf("{\"w\": ");
    put_qvec(stdout, l1->w, l1->d);
    printf(", \"%s\": ", l1->weighted ? "norm" : "norm1");
    put_q(stdout, l1->norm1);
    printf(", \"margin\": \"%s\", \"certified\": %s, \"unique\": %s, \"free\": [", margin,
           l1->certified ? "true" : "false", l1->unique ? "true" : "false");
    for (i = 0, k = 0; i < l1->d; i++)
        if (!fmpq_equal(l1->wmin + i, l1->wmax + i))
            printf("%s%ld", k++ ? ", " : "", (long) i + 1);
    printf("], \"wmin\": ");
    put_qvec(stdout, l1->wmin, l1->d);
    printf(", \"wmax\": ");
    put_qvec(stdout, l1->wmax, l1->d);
}

static int
put_l1_text(const mpbias_l1mm_t l1, const char *margin, long digits, int qmode)
{
    slong i, k;
    int rd = put_text_qvec("w", l1->w, l1->d, 1, qmode, digits);
    rd |= put_text_qvec(l1->weighted ? "norm" : "||w||_1", l1->norm1, 1, 0, qmode, digits);
    printf("  margin     = %s  (1/%s, %ld digits, correctly rounded)\n", margin,
           l1->weighted ? "norm" : "||w||_1", digits);
    printf("  support    = coordinates");
    for (i = 0, k = 0; i < l1->d; i++)
        if (!fmpq_is_zero(l1->w + i))
            printf("%s %ld", k++ ? "," : "", (long) i + 1);
    if (k == 0)
        printf(" (none)");
    printf("\n  unique     = %s\n", l1->unique ? "yes" : "no");
    if (!l1->unique)
    {
        printf("  the optimal face (every optimum): coordinates that vary over it, with "
               "their ranges:\n");
        for (i = 0; i < l1->d; i++)
            if (!fmpq_equal(l1->wmin + i, l1->wmax + i))
            {
                int r2 = cli_q_rounded(l1->wmin + i, 1, qmode)
                         || cli_q_rounded(l1->wmax + i, 1, qmode);
                printf("    w_%ld in %s[", (long) i + 1, r2 ? "~" : "");
                cli_put_q(stdout, l1->wmin + i, r2, digits);
                printf(", ");
                cli_put_q(stdout, l1->wmax + i, r2, digits);
                printf("]\n");
                rd |= r2;
            }
        printf("  (w above is the vertex where the exact simplex ends; the other\n"
               "  coordinates are the same at every optimum)\n");
    }
    return rd;
}

/* the polished KKT point as JSON members */
static void
put_kkt_json(const mpbias_lpkkt_struct *kk, long depth, long digits)
{
    slong i;
    printf(",\n  \"kkt\": {\"depth\": %ld, \"kind\": \"%s\", \"w\": [", depth,
           kk->kind == MPBIAS_KKT_L1 ? "l1" : kk->kind == MPBIAS_KKT_VERTEX ? "vertex"
                                                                           : "interior");
    for (i = 0; i < kk->d; i++)
        mpfr_printf("%s\"%.*Re\"", i ? ", " : "", (int) digits - 1, kk->w[i]);
    printf("], \"lambda\": [");
    for (i = 0; i < kk->n; i++)
        mpfr_printf("%s\"%.*Re\"", i ? ", " : "", (int) digits - 1, kk->lambda[i]);
    mpfr_printf("], \"nsupport\": %ld, \"nactive\": %ld, \"support_tol\": %g, "
                "\"residual\": \"%.3Re\", \"distance\": \"%.3Re\"}",
                (long) kk->nsupport, (long) kk->nactive, kk->tau, kk->residual,
                kk->distance);
}

/* the polished KKT point as text */
static void
put_kkt_text(const mpbias_lpkkt_struct *kk, long depth, long digits)
{
    slong i;
    printf("\nl_(2/%ld) KKT point  min sum |w_i|^(2/%ld) s.t. z_n . w >= 1, polished from the "
           "candidate\n", depth, depth);
    printf("  w          = (");
    for (i = 0; i < kk->d; i++)
        mpfr_printf("%s%.*Re", i ? ", " : "", (int) digits - 1, kk->w[i]);
    mpfr_printf(")\n  residual   = %.3Re  (max-norm of the KKT system; multipliers >= 0, "
                "constraints checked)\n", kk->residual);
    printf("  support    = %ld coordinates, %ld active constraints (threshold %g)\n",
           (long) kk->nsupport, (long) kk->nactive, kk->tau);
    mpfr_printf("  distance   = %.3Re  (max |w_i - c_i| / max |c_i| from the candidate c\n"
                "               scaled to margin 1: a large value means Newton went to\n"
                "               another KKT point; try another --support-tol)\n", kk->distance);
    printf("  kind       = %s\n",
           kk->kind == MPBIAS_KKT_L1 ? "the l1 max-margin solution"
           : kk->kind == MPBIAS_KKT_VERTEX ? "a vertex (determined by its active constraints), not the l1 solution"
                                           : "an interior KKT point (not determined by its active constraints)");
}

void
cli_limits_json(const cli_limits_out *o)
{
    const mpbias_data_struct *data = o->data;
    long depth = o->depth, digits = o->digits;
    printf("{\n  \"mpbias\": \"%s\",\n  \"command\": \"limits\",\n", PACKAGE_VERSION);
    printf("  \"data\": {\"name\": \"");
    cli_put_json_string(stdout, data->name);
    printf("\", \"n\": %ld, \"d\": %ld},\n", (long) data->n, (long) data->d);
    printf("  \"l2\": {\"w\": ");
    put_qvec(stdout, o->l2->w, o->l2->d);
    printf(", \"norm2_squared\": ");
    put_q(stdout, o->l2->norm2);
    printf(", \"margin\": \"%s\", \"nsupport\": %ld, \"certified\": %s},\n", o->m2,
           (long) o->l2->nsupport, o->l2->certified ? "true" : "false");
    printf("  \"l1\": ");
    put_l1_json(o->l1, o->m1);
    printf("}");
    if (o->l1w_on)
    {
        printf(",\n  \"l1_weighted\": ");
        put_l1_json(o->l1w, o->m1w);
        printf(", \"weights_plus\": ");
        put_qvec(stdout, o->cp, data->d);
        printf(", \"weights_minus\": ");
        put_qvec(stdout, o->cm, data->d);
        printf("}");
    }
    if (o->have_scale)
    {
        printf(",\n  \"qmu\": {\"depth\": %ld, ", depth);
        if (o->have_loss)
            printf("\"log_inv_eps_bits\": %ld, ", o->loss_bits);
        if (o->shaped)
        {
            printf("\"shape\": true, \"margin\": ");
            put_q(stdout, o->margin);
        }
        else
        {
            printf("\"mu_pow_D\": ");
            put_q(stdout, o->muD);
        }
        printf(", \"w\": [");
        put_qmu_coords(o->qm, digits, "\"");
        mpfr_printf("], \"radius\": \"%.3Re\", \"certified\": true}", o->qm->radius);
    }
    if (o->kkt_list != NULL)
        put_kkt_json(o->kk, depth, digits);
    printf("\n}\n");
}

void
cli_limits_text(const cli_limits_out *o)
{
    const mpbias_data_struct *data = o->data;
    long depth = o->depth, digits = o->digits;
    int qmode = o->qmode, rounded = 0;
    printf("dataset: %s (N = %ld, d = %ld)\n\n", data->name, (long) data->n, (long) data->d);
    printf("l2 max margin  argmin ||w||_2 s.t. z_n . w >= 1  (exact; KKT certificate %s)\n",
           o->l2->certified ? "verified" : "NOT verified");
    rounded |= put_text_qvec("w", o->l2->w, o->l2->d, 1, qmode, digits);
    rounded |= put_text_qvec("||w||_2^2", o->l2->norm2, 1, 0, qmode, digits);
    printf("  margin     = %s  (1/||w||_2, %ld digits, correctly rounded)\n", o->m2, digits);
    printf("  support    = %ld of %ld samples with z_n . w = 1\n\n", (long) o->l2->nsupport,
           (long) data->n);
    printf("l1 max margin  argmin ||w||_1 s.t. z_n . w >= 1  (exact; duality certificate "
           "%s)\n", o->l1->certified ? "verified" : "NOT verified");
    rounded |= put_l1_text(o->l1, o->m1, digits, qmode);
    if (o->l1w_on)
    {
        printf("\nweighted l1    argmin sum_i cp_i max(w_i, 0) + cm_i max(-w_i, 0) s.t. "
               "z_n . w >= 1,\n               cp = a^(2-D), cm = b^(2-D) (the rich limit of "
               "the shaped depth-%ld\n               predictor; exact; duality certificate "
               "%s)\n", depth, o->l1w->certified ? "verified" : "NOT verified");
        rounded |= put_text_qvec("cp", o->cp, data->d, 1, qmode, digits);
        rounded |= put_text_qvec("cm", o->cm, data->d, 1, qmode, digits);
        rounded |= put_l1_text(o->l1w, o->m1w, digits, qmode);
    }
    if (o->have_scale && o->shaped)
    {
        printf("\nintermediate   argmin Q(w) s.t. z_n . w >= 1, depth %ld, with the shape: "
               "per coordinate\n               mu_+^%ld = a^%ld / G, mu_-^%ld = b^%ld / G, G = ",
               depth, depth, depth, depth, depth);
        if (o->have_loss)
            printf("log(1/eps) rounded to %ld bits: ", o->loss_bits);
        rounded |= put_text_q(o->margin, qmode, digits);
    }
    else if (o->have_scale)
    {
        printf("\nintermediate   argmin Q_mu(w) s.t. z_n . w >= 1, depth %ld, mu^%ld = ", depth,
               depth);
        if (o->have_loss)
            printf("alpha^%ld / log(1/eps), log(1/eps) rounded to %ld bits: ", depth, o->loss_bits);
        rounded |= put_text_q(o->muD, qmode, digits);
    }
    if (o->have_scale)
    {
        printf("\n  w          = (");
        put_qmu_coords(o->qm, digits, "");
        mpfr_printf(")\n  error      <= %.3Re  (rigorous l2 distance of the internal point to the\n"
                    "               exact predictor; each coordinate: the exact one correctly\n"
                    "               rounded, or a ball [m +/- r] containing it)\n",
                    o->qm->radius);
        printf("  support    = %ld of %ld samples active\n", (long) o->qm->nsupport,
               (long) data->n);
    }
    if (o->kkt_list != NULL)
        put_kkt_text(o->kk, depth, digits);
    if (rounded)
        printf("\n'~': a rational too long to read, shown correctly rounded to %ld digits "
               "(--exact\nprints it exactly; the JSON output always does).\n", digits);
}
