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

void
cli_limits_json(const cli_limits_out *o)
{
    const mpbias_data_struct *data = o->data;
    const mpbias_l2mm_struct *l2 = o->l2;
    const mpbias_l1mm_struct *l1 = o->l1, *l1w = o->l1w;
    const mpbias_qmu_struct *qm = o->qm;
    const mpbias_lpkkt_struct *kk = o->kk;
    const char *m2 = o->m2, *m1 = o->m1, *m1w = o->m1w, *kkt_list = o->kkt_list;
    const fmpq *cp = o->cp, *cm = o->cm, *margin = o->margin, *muD = o->muD;
    long depth = o->depth, digits = o->digits, loss_bits = o->loss_bits;
    int have_scale = o->have_scale, have_loss = o->have_loss, shaped = o->shaped;
    int l1w_on = o->l1w_on;
    slong i;
    printf("{\n  \"mpbias\": \"%s\",\n  \"command\": \"limits\",\n", PACKAGE_VERSION);
    printf("  \"data\": {\"name\": \"");
    cli_put_json_string(stdout, data->name);
    printf("\", \"n\": %ld, \"d\": %ld},\n", (long) data->n, (long) data->d);
    printf("  \"l2\": {\"w\": ");
    put_qvec(stdout, l2->w, l2->d);
    printf(", \"norm2_squared\": ");
    put_q(stdout, l2->norm2);
    printf(", \"margin\": \"%s\", \"nsupport\": %ld, \"certified\": %s},\n", m2,
           (long) l2->nsupport, l2->certified ? "true" : "false");
    printf("  \"l1\": ");
    put_l1_json(l1, m1);
    printf("}");
    if (l1w_on)
    {
        printf(",\n  \"l1_weighted\": ");
        put_l1_json(l1w, m1w);
        printf(", \"weights_plus\": ");
        put_qvec(stdout, cp, data->d);
        printf(", \"weights_minus\": ");
        put_qvec(stdout, cm, data->d);
        printf("}");
    }
    if (have_scale)
    {
        printf(",\n  \"qmu\": {\"depth\": %ld, ", depth);
        if (have_loss)
            printf("\"log_inv_eps_bits\": %ld, ", loss_bits);
        if (shaped)
        {
            printf("\"shape\": true, \"margin\": ");
            put_q(stdout, margin);
        }
        else
        {
            printf("\"mu_pow_D\": ");
            put_q(stdout, muD);
        }
        printf(", \"w\": [");
        for (i = 0; i < qm->d; i++)
        {
            char *cs = mpbias_qmu_coord_str(qm, i, (int) digits);
            if (cs == NULL)
                cs = mpbias_qmu_coord_ball_str(qm, i, (int) digits);
            printf("%s\"%s\"", i ? ", " : "", cs);
            flint_free(cs);
        }
        mpfr_printf("], \"radius\": \"%.3Re\", \"certified\": true}", qm->radius);
    }
    if (kkt_list != NULL)
    {
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
    printf("\n}\n");
}

void
cli_limits_text(const cli_limits_out *o)
{
    const mpbias_data_struct *data = o->data;
    const mpbias_l2mm_struct *l2 = o->l2;
    const mpbias_l1mm_struct *l1 = o->l1, *l1w = o->l1w;
    const mpbias_qmu_struct *qm = o->qm;
    const mpbias_lpkkt_struct *kk = o->kk;
    const char *m2 = o->m2, *m1 = o->m1, *m1w = o->m1w, *kkt_list = o->kkt_list;
    const fmpq *cp = o->cp, *cm = o->cm, *margin = o->margin, *muD = o->muD;
    long depth = o->depth, digits = o->digits, loss_bits = o->loss_bits;
    int have_scale = o->have_scale, have_loss = o->have_loss, shaped = o->shaped;
    int l1w_on = o->l1w_on;
    slong i;
    int qmode = o->qmode, rounded = 0, rd;
    printf("dataset: %s (N = %ld, d = %ld)\n\n", data->name, (long) data->n, (long) data->d);
    printf("l2 max margin  argmin ||w||_2 s.t. z_n . w >= 1  (exact; KKT certificate %s)\n",
           l2->certified ? "verified" : "NOT verified");
    rounded |= put_text_qvec("w", l2->w, l2->d, 1, qmode, digits);
    rounded |= put_text_qvec("||w||_2^2", l2->norm2, 1, 0, qmode, digits);
    printf("  margin     = %s  (1/||w||_2, %ld digits, correctly rounded)\n", m2, digits);
    printf("  support    = %ld of %ld samples with z_n . w = 1\n\n", (long) l2->nsupport,
           (long) data->n);
    printf("l1 max margin  argmin ||w||_1 s.t. z_n . w >= 1  (exact; duality certificate "
           "%s)\n", l1->certified ? "verified" : "NOT verified");
    rounded |= put_l1_text(l1, m1, digits, qmode);
    if (l1w_on)
    {
        printf("\nweighted l1    argmin sum_i cp_i max(w_i, 0) + cm_i max(-w_i, 0) s.t. "
               "z_n . w >= 1,\n               cp = a^(2-D), cm = b^(2-D) (the rich limit of "
               "the shaped depth-%ld\n               predictor; exact; duality certificate "
               "%s)\n", depth, l1w->certified ? "verified" : "NOT verified");
        rounded |= put_text_qvec("cp", cp, data->d, 1, qmode, digits);
        rounded |= put_text_qvec("cm", cm, data->d, 1, qmode, digits);
        rounded |= put_l1_text(l1w, m1w, digits, qmode);
    }
    if (have_scale && shaped)
    {
        printf("\nintermediate   argmin Q(w) s.t. z_n . w >= 1, depth %ld, with the shape: "
               "per coordinate\n               mu_+^%ld = a^%ld / G, mu_-^%ld = b^%ld / G, G = ",
               depth, depth, depth, depth, depth);
        if (have_loss)
            printf("log(1/eps) rounded to %ld bits: ", loss_bits);
        rd = cli_q_rounded(margin, 1, qmode);
        printf("%s", rd ? "~" : "");
        cli_put_q(stdout, margin, rd, digits);
        rounded |= rd;
    }
    else if (have_scale)
    {
        printf("\nintermediate   argmin Q_mu(w) s.t. z_n . w >= 1, depth %ld, mu^%ld = ", depth,
               depth);
        if (have_loss)
            printf("alpha^%ld / log(1/eps), log(1/eps) rounded to %ld bits: ", depth, loss_bits);
        rd = cli_q_rounded(muD, 1, qmode);
        printf("%s", rd ? "~" : "");
        cli_put_q(stdout, muD, rd, digits);
        rounded |= rd;
    }
    if (have_scale)
    {
        printf("\n  w          = (");
        for (i = 0; i < qm->d; i++)
        {
            char *cs = mpbias_qmu_coord_str(qm, i, (int) digits);
            if (cs == NULL)
                cs = mpbias_qmu_coord_ball_str(qm, i, (int) digits);
            printf("%s%s", i ? ", " : "", cs);
            flint_free(cs);
        }
        mpfr_printf(")\n  error      <= %.3Re  (rigorous l2 distance of the internal point to the\n"
                    "               exact predictor; each coordinate: the exact one correctly\n"
                    "               rounded, or a ball [m +/- r] containing it)\n",
                    qm->radius);
        printf("  support    = %ld of %ld samples active\n", (long) qm->nsupport,
               (long) data->n);
    }
    if (kkt_list != NULL)
    {
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
    if (rounded)
        printf("\n'~': a rational too long to read, shown correctly rounded to %ld digits "
               "(--exact\nprints it exactly; the JSON output always does).\n", digits);
}
