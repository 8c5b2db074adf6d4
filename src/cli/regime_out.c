/*
 * regime_out.c -- the table of `mpbias regime`: CSV, or text with its
 * header (the limits, the criterion, the expansion), the rows, and for
 * depth 2 and more the leading correction, for depth 1 Soudry's
 * expansion.
 */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "cli.h"

/* n mpfr numbers of prec bits, NaN (NULL when out of memory) */
static mpfr_t *
cli_mpfr_vec_prec(slong n, mpfr_prec_t prec)
{
    mpfr_t *v = malloc((size_t) (n > 0 ? n : 1) * sizeof(mpfr_t));
    slong i;
    if (v != NULL)
        for (i = 0; i < n; i++)
            mpfr_init2(v[i], prec);
    return v;
}

static void
cli_mpfr_vec_free(mpfr_t *v, slong n)
{
    slong i;
    if (v == NULL)
        return;
    for (i = 0; i < n; i++)
        mpfr_clear(v[i]);
    free(v);
}

/* a distance for the text table: "1.23e-05", "<4.1e-21" below the floor,
   "-" when not available */
static void
put_dist(FILE *f, const mpbias_dist *x, int width)
{
    char buf[64];
    if (!x->available || mpfr_nan_p(x->sup))
        snprintf(buf, sizeof buf, "-");
    else if (mpfr_cmp(x->sup, x->floor) <= 0)
        mpfr_snprintf(buf, sizeof buf, "<%.1Re", x->floor);
    else
        mpfr_snprintf(buf, sizeof buf, "%.2Re", x->sup);
    fprintf(f, " %*s", width, buf);
}

/* a distance's CSV fields: sup, l2, angle (nan when not computed) */
static void
put_csv_dist(FILE *f, const mpbias_dist *x)
{
    cli_put_csv_num_if(f, x->available, x->sup, 4);
    cli_put_csv_num_if(f, x->available, x->l2, 4);
    cli_put_csv_num_if(f, x->available, x->angle, 4);
}

void
cli_regime_csv(FILE *f, const cli_regime_out *o)
{
    const mpbias_regime_traj_struct *rt = o->rt;
    const mpbias_regime_ref_struct *ref = rt->ref;
    const mpbias_flow_rows *rows = &rt->rows;
    const mpbias_regime_row *an = rt->an;
    mpfr_t *p_obs = rt->rate, *p_ext = rt->extrap;
    long digits = o->digits;
    slong j, i;
    fputs("log10_loss,log10_t,margin,log10_muD,kappa,rho,l2_sup,l2_l2,l2_angle,rich_sup,"
          "rich_l2,rich_angle,qmu_sup,qmu_l2,qmu_angle,floor,stationarity,slackness,rate,"
          "rate_predicted,extrap_err,regime,nearest,d_target", f);
    for (j = 0; j < o->data->d; j++)
        fprintf(f, ",wbar_%ld", (long) j + 1);
    fputc('\n', f);
    for (j = 0; j < rows->n; j++)
    {
        const mpbias_regime_row *a = an + j;
        mpfr_fprintf(f, "%.*Re", (int) digits - 1, rows->rows[j].log10_loss);
        cli_put_csv_num(f, rows->rows[j].log10_t, 4);
        cli_put_csv_num(f, a->gamma, 4);
        cli_put_csv_num(f, a->log10_muD, 4);
        cli_put_csv_num(f, a->kappa, 4);
        cli_put_csv_num(f, a->rho, 4);
        put_csv_dist(f, &a->to_l2);
        put_csv_dist(f, &a->to_rich);
        put_csv_dist(f, &a->to_qmu);
        cli_put_csv_num(f, a->to_l2.floor, 4);
        cli_put_csv_num(f, a->stationarity, 4);
        cli_put_csv_num(f, a->slackness, 4);
        cli_put_csv_num(f, p_obs[j], 4);
        cli_put_csv_num(f, ref->rate, 4);
        cli_put_csv_num(f, p_ext[j], 4);
        fprintf(f, ",%s,%s", mpbias_regime_name(a->regime),
                cli_regime_nearest_name(a->nearest, ref));
        {
            const mpbias_dist *x = mpbias_regime_traj_target_dist(rt, j);
            cli_put_csv_num_if(f, x->available, x->sup, 4);
        }
        for (i = 0; i < rows->rows[j].d; i++)
            cli_put_csv_num(f, rows->rows[j].wbar[i], (int) digits);
        fputc('\n', f);
    }
}

/* the header: the dataset, the limits, the criterion, the expansion */
static void
put_text_header(FILE *f, const cli_regime_out *o)
{
    const mpbias_regime_ref_struct *ref = o->rt->ref;
    const mpbias_flow_rows *rows = &o->rt->rows;
    slong ja = o->rt->anchor_row;
    char *as = fmpq_get_str(NULL, 10, o->alpha);
    fprintf(f, "regime: %s (N = %ld, d = %ld), depth %ld, alpha = %s%s, %s loss "
            "(%s); trajectory certified to %ld digits\n", o->data->name, (long) o->data->n,
            (long) o->data->d, o->depth, as,
            o->model->shape_a != NULL ? " times the initialization shape (scale variables: "
                                        "alpha = the geometric mean of sqrt(a_i b_i))" : "",
            o->model->loss == MPBIAS_LOSS_EXP ? "exponential" : "logistic",
            o->model->mean ? "mean" : "summed", o->digits);
    flint_free(as);
    fprintf(f, "limits: l2 = the l2 max-margin predictor; rich = %s; qmu = the intermediate "
            "predictor\n        argmin Q_mu s.t. z_n . w >= 1 at the row's mu^D = alpha^D / "
            "gamma\n",
            ref->rich_kind == MPBIAS_RICH_L1 ? "the l1 max-margin predictor"
            : ref->rich_kind == MPBIAS_RICH_L1_FACE
                ? "the l1 optimal face (not unique; distance to its bounding box, a lower bound)"
                                                : o->kkt_desc);
    if (strcmp(o->target, "l2") == 0 || strcmp(o->target, "qmu") == 0)
        fprintf(f, "target: %s (--target; the column d(%s), d_target of the CSV)\n", o->target,
                o->target);
    fprintf(f, "regime criterion: kappa = max|wbar| / mu^D (kernel <= 0.1 < intermediate < 10 "
            "<= rich);\n        plateau when alpha < 1 and rho = log(gamma) / (D log(1/alpha)) "
            "< 1\n");
    if (mpfr_number_p(ref->rate))
    {
        mpfr_fprintf(f, "expansion: d(%s) ~ C gamma^-p at fixed alpha, predicted p = %.6Rg (%s);"
                     "\n        rate: p observed between consecutive rows; extrap: error of "
                     "wbar predicted from the\n        %s row with the predicted p, "
                     "relative to d(%s)\n", ref->asym_rich ? "rich" : "l2", ref->rate,
                     o->depth == 1 ? "Soudry et al.: w = w_l2 log t + rho(t), rho bounded"
                     : o->depth == 2 ? "the l1 dual slack: max over optimal duals of the least "
                                    "1 - |(Z^T lambda)_i| off the support"
                                  : "corrections linear in mu^D",
                     ja >= 0 ? "anchor (--extrapolate-from)" : "previous",
                     ref->asym_rich ? "rich" : "l2");
        if (ja >= 0)
        {
            mpfr_t x;
            mpfr_init2(x, 64);
            mpfr_neg(x, rows->rows[ja].log10_loss, MPFR_RNDN);
            mpfr_fprintf(f, "        anchor: the checkpoint at log10(1/eps) = %.6Rg; every "
                         "later row is predicted from it alone\n", x);
            mpfr_clear(x);
        }
    }
    else
        fprintf(f, "expansion: no predicted rate here (%s); rate: p observed in d(rich) ~ "
                "C gamma^-p\n", o->depth == 2 ? "the l1 optimum is not unique" : "no target");
}

/* the rows */
static void
put_text_rows(FILE *f, const cli_regime_out *o)
{
    const mpbias_regime_ref_struct *ref = o->rt->ref;
    const mpbias_flow_rows *rows = &o->rt->rows;
    const mpbias_regime_row *an = o->rt->an;
    mpfr_t *p_obs = o->rt->rate, *p_ext = o->rt->extrap;
    slong j;
    fprintf(f, "\n%13s %11s %11s %9s %9s %9s %9s %9s %9s %7s %8s %9s  %-12s %s\n",
            "log10(1/eps)", "margin", "log10 mu^D", "kappa", "d(l2)", "d(rich)", "d(qmu)",
            "station.", "slackness", "rate", "extrap", "rho", "regime", "nearest");
    for (j = 0; j < rows->n; j++)
    {
        const mpbias_regime_row *a = an + j;
        mpfr_t x;
        mpfr_init2(x, 64);
        mpfr_neg(x, rows->rows[j].log10_loss, MPFR_RNDN);
        mpfr_fprintf(f, "%13.6Rg %11.5Rg", x, a->gamma);
        if (mpfr_nan_p(a->log10_muD))
            fprintf(f, " %11s %9s", "-", "-");
        else
            mpfr_fprintf(f, " %11.4Rf %9.2Re", a->log10_muD, a->kappa);
        put_dist(f, &a->to_l2, 9);
        put_dist(f, &a->to_rich, 9);
        put_dist(f, &a->to_qmu, 9);
        mpfr_fprintf(f, " %9.1Re %9.2Re", a->stationarity, a->slackness);
        if (mpfr_nan_p(p_obs[j]))
            fprintf(f, " %7s", "-");
        else
            mpfr_fprintf(f, " %7.4Rf", p_obs[j]);
        if (mpfr_nan_p(p_ext[j]))
            fprintf(f, " %8s", "-");
        else
            mpfr_fprintf(f, " %8.1Re", p_ext[j]);
        if (mpfr_nan_p(a->rho))
            fprintf(f, " %9s", "-");
        else
            mpfr_fprintf(f, " %9.3Rf", a->rho);
        fprintf(f, "  %-12s %s\n", mpbias_regime_name(a->regime),
                cli_regime_nearest_name(a->nearest, ref));
        mpfr_clear(x);
    }
}

/* depth >= 2: the leading coefficient of the expansion */
static void
put_text_leading(FILE *f, const cli_regime_out *o)
{
    const mpbias_data_struct *data = o->data;
    const mpbias_regime_ref_struct *ref = o->rt->ref;
    const mpbias_flow_rows *rows = &o->rt->rows;
    long depth = o->depth;
    slong i;
    if (depth >= 2 && rows->n >= 2 && mpfr_number_p(ref->rate)
        && ref->rich_kind != MPBIAS_RICH_L1_FACE && ref->rich_lo != NULL)
    {
        /* the leading coefficient c = (wbar - w*) gamma^p at the last two rows */
        slong jj;
        mpfr_t g, t;
        mpfr_inits2(64, g, t, (mpfr_ptr) 0);
        fprintf(f, "\nleading correction wbar = w* + c gamma^-p + ..., w* the rich limit; c at "
                "the last two checkpoints:\n");
        for (jj = rows->n - 2; jj < rows->n; jj++)
        {
            mpfr_t x;
            mpfr_init2(x, 64);
            mpfr_neg(x, rows->rows[jj].log10_loss, MPFR_RNDN);
            mpfr_pow(g, rows->rows[jj].margin, ref->rate, MPFR_RNDN);
            mpfr_fprintf(f, "  log10(1/eps) = %-10.6Rg c = (", x);
            for (i = 0; i < data->d; i++)
            {
                mpfr_sub(t, rows->rows[jj].wbar[i], ref->rich_lo[i], MPFR_RNDN);
                mpfr_mul(t, t, g, MPFR_RNDN);
                mpfr_fprintf(f, "%s%.4Rg", i ? ", " : "", t);
            }
            fprintf(f, ")\n");
            mpfr_clear(x);
        }
        mpfr_clears(g, t, (mpfr_ptr) 0);
    }
}

/* depth 1: Soudry's expansion at the last checkpoint */
static void
put_text_soudry(FILE *f, const cli_regime_out *o)
{
    const mpbias_data_struct *data = o->data;
    const mpbias_regime_ref_struct *ref = o->rt->ref;
    const mpbias_flow_rows *rows = &o->rt->rows;
    long depth = o->depth;
    mpbias_err_t err;
    slong i;
    if (depth == 1 && rows->n > 0)
    {
        /* Soudry's expansion: rho(t) = w - w_l2 log t at the last checkpoint */
        mpfr_t *rho = cli_mpfr_vec_prec(data->d, mpfr_get_prec(rows->rows[0].wbar[0]) + 32);
        mpfr_t res;
        mpfr_init2(res, 64);
        mpbias_err_clear(err);
        if (rho != NULL
            && mpbias_regime_rho(rho, res, ref, data, rows->rows + rows->n - 1, err) == MPBIAS_OK)
        {
            fprintf(f, "\nSoudry's expansion w(t) = w_l2 log t + rho(t) at the last checkpoint:"
                    "\n  rho = (");
            for (i = 0; i < data->d; i++)
                mpfr_fprintf(f, "%s%.6Rg", i ? ", " : "", rho[i]);
            mpfr_t fl;
            mpfr_init2(fl, 64);
            /* resolution: the row's relative error times the margin */
            if (mpfr_number_p(rows->rows[rows->n - 1].err_est))
                mpfr_mul(fl, rows->rows[rows->n - 1].err_est, rows->rows[rows->n - 1].margin, MPFR_RNDU);
            else
                mpfr_set_zero(fl, 1);
            mpfr_fprintf(f, ")\n  support conditions 2 exp(-z_n . rho) = a_n (a: the l2 "
                         "multipliers), tending to 0: residual ");
            if (mpfr_cmp(res, fl) <= 0)
                mpfr_fprintf(f, "<%.1Re (the resolution)\n", fl);
            else
                mpfr_fprintf(f, "%.2Re\n", res);
            mpfr_clear(fl);
        }
        cli_mpfr_vec_free(rho, data->d);
        mpfr_clear(res);
    }
}

void
cli_regime_text(FILE *f, const cli_regime_out *o)
{
    put_text_header(f, o);
    put_text_rows(f, o);
    put_text_leading(f, o);
    put_text_soudry(f, o);
    fprintf(f, "\nd(.): sup-norm distance of wbar = w/margin; '<x': below the resolution x "
            "(the trajectory's\nerror, plus the intermediate predictor's bound). station.: "
            "max|w(Z^T nu)/gamma - wbar| / max|wbar|;\nslackness: max_n (nu_n / max nu) "
            "(z_n . wbar - 1), 0 exactly at a limit's KKT point.\n");
}
