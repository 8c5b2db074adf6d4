/*
 * regime.c -- where a trajectory stands relative to the limits theory
 * predicts (math.md sections 5 and 6): at a checkpoint of the flow, the
 * scale variables, the distances of wbar to the l2 predictor, to the rich
 * limit (the l1 predictor for depth 2, its optimal face when it is not
 * unique, or an l_(2/D) KKT point for depth D >= 3) and to the
 * intermediate predictor at the checkpoint's own scale, the KKT residuals
 * of the identity of math.md section 5, and the regime with its criterion.
 *
 * Criteria (doc/asymptotics.md): with mu^D = alpha^D / gamma, the potential
 * Q_mu is evaluated at z = w / mu^D; kappa = max_i |wbar_i| / mu^D says
 * where on q the predictor sits: q is quadratic for |z| << 1 (kernel) and
 * |z| log |z|-like, l1-like, for |z| >> 1 (rich).  Labels: kernel for
 * kappa <= 0.1, rich for kappa >= 10, intermediate between; and, before
 * those, the small-initialization plateau when alpha < 1 and
 * rho = log(gamma) / (D log(1/alpha)) < 1: the multipliers nu loaded
 * during the initial plateau (about log(1/alpha^D) each) still outweigh
 * what the margin has added since.  Depth 1 is the linear model: kernel.
 */
#include "config.h"
#include <math.h>
#include <stdlib.h>
#include "mpbias-impl.h"

static const char *const regime_names[] = { "kernel", "intermediate", "rich", "plateau" };

const char *
mpbias_regime_name(mpbias_regime r)
{
    return (int) r >= 0 && (int) r < 4 ? regime_names[r] : "unknown";
}

/* ---- the reference (limits computed once) ------------------------------ */

void
mpbias_regime_ref_init(mpbias_regime_ref_t ref)
{
    ref->depth = 0;
    ref->n = ref->d = 0;
    ref->l2 = ref->rich_lo = ref->rich_hi = ref->l2_lambda = NULL;
    ref->rich_kind = MPBIAS_RICH_NONE;
    ref->prec = 0;
    ref->asym_rich = 0;
    ref->shape_a = ref->shape_b = NULL;
    fmpq_init(ref->alpha);
    mpfr_init2(ref->rate, 64);
    mpfr_set_nan(ref->rate);
}

void
mpbias_regime_ref_clear(mpbias_regime_ref_t ref)
{
    if (ref->l2 != NULL)
        _mpbias_mpfr_vec_clear(ref->l2, ref->d);
    if (ref->rich_lo != NULL)
        _mpbias_mpfr_vec_clear(ref->rich_lo, ref->d);
    if (ref->rich_hi != NULL)
        _mpbias_mpfr_vec_clear(ref->rich_hi, ref->d);
    if (ref->l2_lambda != NULL)
        _mpbias_mpfr_vec_clear(ref->l2_lambda, ref->n);
    ref->l2 = ref->rich_lo = ref->rich_hi = ref->l2_lambda = NULL;
    if (ref->shape_a != NULL)
    {
        _mpbias_mpfr_vec_clear(ref->shape_a, ref->d);
        _mpbias_mpfr_vec_clear(ref->shape_b, ref->d);
    }
    ref->shape_a = ref->shape_b = NULL;
    fmpq_clear(ref->alpha);
    mpfr_clear(ref->rate);
}

mpbias_status
mpbias_regime_ref_setup(mpbias_regime_ref_t ref, const mpbias_data_t data,
                        const mpbias_model_t model, mpfr_prec_t prec, mpbias_err_t err)
{
    if (model->shape_a != NULL)
        return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0,
                               "the regime analysis is for a scalar initialization scale alpha "
                               "(not an initialization shape; see mpbias_regime_ref_setup_shaped)");
    return mpbias_regime_ref_setup_shaped(ref, data, model, prec, err);
}

mpbias_status
mpbias_regime_ref_setup_shaped(mpbias_regime_ref_t ref, const mpbias_data_t data,
                               const mpbias_model_t model, mpfr_prec_t prec, mpbias_err_t err)
{
    mpbias_l2mm_t l2;
    mpbias_status st;
    slong i, d = data->d;
    if ((st = mpbias_model_check(model, data, err)) != MPBIAS_OK)
        return st;
    mpbias_regime_ref_clear(ref);
    mpbias_regime_ref_init(ref);
    ref->depth = model->depth;
    ref->n = data->n;
    ref->d = d;
    ref->prec = prec;
    fmpq_set(ref->alpha, model->alpha);
    if (model->shape_a != NULL)
    {
        ref->shape_a = _mpbias_mpfr_vec_init(d, prec);
        ref->shape_b = _mpbias_mpfr_vec_init(d, prec);
        for (i = 0; i < d; i++)
        {
            fmpq_get_mpfr(ref->shape_a[i], model->shape_a + i, MPFR_RNDN);
            fmpq_get_mpfr(ref->shape_b[i], model->shape_b + i, MPFR_RNDN);
        }
    }
    mpbias_l2mm_init(l2);
    st = mpbias_l2mm_compute(l2, data, err);
    if (st == MPBIAS_OK && !l2->separable)
        st = _mpbias_err_set(err, MPBIAS_ERR_NOT_SEPARABLE, data->name[0] ? data->name : NULL, 0,
                             0, "the data are not linearly separable (decided exactly)");
    if (st == MPBIAS_OK)
    {
        ref->l2 = _mpbias_mpfr_vec_init(d, prec);
        for (i = 0; i < d; i++)
            fmpq_get_mpfr(ref->l2[i], l2->w + i, MPFR_RNDN);
        ref->l2_lambda = _mpbias_mpfr_vec_init(data->n, prec);
        for (i = 0; i < data->n; i++)
            fmpq_get_mpfr(ref->l2_lambda[i], l2->lambda + i, MPFR_RNDN);
    }
    /* the l1 predictor (or its face) is the rich limit for depth 2 */
    if (st == MPBIAS_OK && model->depth == 2)
        st = mpbias_regime_ref_set_l1(ref, data, err);
    if (st == MPBIAS_OK && model->depth == 1)
        mpfr_set_ui(ref->rate, 1, MPFR_RNDN);
    mpbias_l2mm_clear(l2);
    return st;
}

mpbias_status
mpbias_regime_ref_set_l1(mpbias_regime_ref_t ref, const mpbias_data_t data, mpbias_err_t err)
{
    mpbias_l1mm_t l1;
    mpbias_status st;
    slong i, d = ref->d;
    if (ref->l2 == NULL || data->d != d)
        return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0,
                               "regime: the reference is not set up for these data");
    mpbias_l1mm_init(l1);
    st = mpbias_l1mm_compute(l1, data, err);
    if (st == MPBIAS_OK)
    {
        if (ref->rich_lo == NULL)
        {
            ref->rich_lo = _mpbias_mpfr_vec_init(d, ref->prec);
            ref->rich_hi = _mpbias_mpfr_vec_init(d, ref->prec);
        }
        for (i = 0; i < d; i++)
        {
            fmpq_get_mpfr(ref->rich_lo[i], l1->wmin + i, MPFR_RNDN);
            fmpq_get_mpfr(ref->rich_hi[i], l1->wmax + i, MPFR_RNDN);
        }
        ref->rich_kind = l1->unique ? MPBIAS_RICH_L1 : MPBIAS_RICH_L1_FACE;
        ref->asym_rich = 1;
        mpfr_set_nan(ref->rate);
        /* the rate of approach (depth 2): the l1 max slack (unique l1 only) */
        if (l1->unique && ref->depth == 2)
        {
            fmpq_t sl;
            mpbias_err_t e;
            fmpq_init(sl);
            if (mpbias_l1mm_max_slack(sl, l1, data, e) == MPBIAS_OK)
                fmpq_get_mpfr(ref->rate, sl, MPFR_RNDN);
            fmpq_clear(sl);
        }
    }
    mpbias_l1mm_clear(l1);
    return st;
}

mpbias_status
mpbias_regime_ref_set_kkt(mpbias_regime_ref_t ref, const mpfr_t *w, mpbias_err_t err)
{
    slong i;
    if (ref->l2 == NULL || ref->depth < 3)
        return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0,
                               "a KKT point is the rich target for depth 3 or more only");
    if (ref->rich_lo == NULL)
    {
        ref->rich_lo = _mpbias_mpfr_vec_init(ref->d, ref->prec);
        ref->rich_hi = _mpbias_mpfr_vec_init(ref->d, ref->prec);
    }
    for (i = 0; i < ref->d; i++)
    {
        mpfr_set(ref->rich_lo[i], w[i], MPFR_RNDN);
        mpfr_set(ref->rich_hi[i], w[i], MPFR_RNDN);
    }
    ref->rich_kind = MPBIAS_RICH_KKT;
    ref->asym_rich = 1;
    mpfr_set_ui(ref->rate, 1, MPFR_RNDN);
    return MPBIAS_OK;
}

mpbias_status
mpbias_regime_ref_polish_kkt(mpbias_regime_ref_t ref, const mpbias_data_t data,
                             const mpfr_t *cand, double tau, mpbias_lpkkt_t kk, mpbias_err_t err)
{
    mpbias_lpkkt_t own;
    mpbias_lpkkt_struct *k = kk != NULL ? kk : own;
    mpbias_status st;
    if (kk == NULL)
        mpbias_lpkkt_init(own);
    st = tau > 0.0 ? mpbias_lpkkt_compute(k, data, ref->depth, cand, tau, ref->prec, err)
                   : mpbias_lpkkt_compute_auto(k, data, ref->depth, cand, ref->prec, err);
    if (st == MPBIAS_OK)
        st = mpbias_regime_ref_set_kkt(ref, (const mpfr_t *) k->w, err);
    if (kk == NULL)
        mpbias_lpkkt_clear(own);
    return st;
}

/* ---- one checkpoint ------------------------------------------------- */

static void
dist_init(mpbias_dist *x)
{
    x->available = 0;
    mpfr_inits2(64, x->sup, x->l2, x->angle, x->floor, (mpfr_ptr) 0);
    mpfr_set_nan(x->sup);
    mpfr_set_nan(x->l2);
    mpfr_set_nan(x->angle);
    mpfr_set_nan(x->floor);
}

static void
dist_clear(mpbias_dist *x)
{
    mpfr_clears(x->sup, x->l2, x->angle, x->floor, (mpfr_ptr) 0);
}

void
mpbias_regime_row_init(mpbias_regime_row *r)
{
    mpfr_inits2(64, r->gamma, r->log_inv_eps, r->log10_muD, r->kappa, r->rho, r->stationarity,
                r->slackness, (mpfr_ptr) 0);
    dist_init(&r->to_l2);
    dist_init(&r->to_rich);
    dist_init(&r->to_qmu);
    r->regime = MPBIAS_REGIME_KERNEL;
    r->nearest = -1;
    r->qmu_w = NULL;
    r->qmu_d = 0;
}

void
mpbias_regime_row_clear(mpbias_regime_row *r)
{
    mpfr_clears(r->gamma, r->log_inv_eps, r->log10_muD, r->kappa, r->rho, r->stationarity,
                r->slackness, (mpfr_ptr) 0);
    dist_clear(&r->to_l2);
    dist_clear(&r->to_rich);
    dist_clear(&r->to_qmu);
    if (r->qmu_w != NULL)
        _mpbias_mpfr_vec_clear(r->qmu_w, r->qmu_d);
    r->qmu_w = NULL;
    r->qmu_d = 0;
}

/* p = the point of [lo, hi] nearest x */
static void
box_point(mpfr_t p, const mpfr_t x, const mpfr_t lo, const mpfr_t hi)
{
    if (mpfr_cmp(x, lo) < 0)
        mpfr_set(p, lo, MPFR_RNDN);
    else if (mpfr_cmp(x, hi) > 0)
        mpfr_set(p, hi, MPFR_RNDN);
    else
        mpfr_set(p, x, MPFR_RNDN);
}

/* Distances of x (d entries) to the box [lo, hi] (a point when lo = hi):
   p = the projection of x on the box; sup and l2 norms of x - p, and the
   angle between x and p, 2 atan(|x/|x| - p/|p|| / |x/|x| + p/|p||)
   (accurate for small angles).  floor: the distances' own uncertainty. */
static void
box_distance(mpbias_dist *out, const mpfr_t *x, const mpfr_t *lo, const mpfr_t *hi, slong d,
             const mpfr_t floor, mpfr_prec_t prec)
{
    slong i;
    mpfr_t p, t, s2, nx, np, a, b;
    mpfr_inits2(prec, p, t, s2, nx, np, a, b, (mpfr_ptr) 0);
    mpfr_set_zero(out->sup, 1);
    mpfr_set_zero(s2, 1);
    mpfr_set_zero(nx, 1);
    mpfr_set_zero(np, 1);
    for (i = 0; i < d; i++)
    {
        box_point(p, x[i], lo[i], hi[i]);
        mpfr_sub(t, x[i], p, MPFR_RNDN);
        mpfr_abs(t, t, MPFR_RNDN);
        if (mpfr_cmp(t, out->sup) > 0)
            mpfr_set(out->sup, t, MPFR_RNDN);
        mpfr_fma(s2, t, t, s2, MPFR_RNDN);
        mpfr_fma(nx, x[i], x[i], nx, MPFR_RNDN);
        mpfr_fma(np, p, p, np, MPFR_RNDN);
    }
    mpfr_sqrt(out->l2, s2, MPFR_RNDN);
    mpfr_sqrt(nx, nx, MPFR_RNDN);
    mpfr_sqrt(np, np, MPFR_RNDN);
    /* angle */
    mpfr_set_zero(a, 1);
    mpfr_set_zero(b, 1);
    if (mpfr_sgn(nx) > 0 && mpfr_sgn(np) > 0)
    {
        for (i = 0; i < d; i++)
        {
            mpfr_t u, v;
            mpfr_inits2(prec, u, v, (mpfr_ptr) 0);
            box_point(p, x[i], lo[i], hi[i]);
            mpfr_div(u, x[i], nx, MPFR_RNDN);
            mpfr_div(v, p, np, MPFR_RNDN);
            mpfr_sub(t, u, v, MPFR_RNDN);
            mpfr_fma(a, t, t, a, MPFR_RNDN);
            mpfr_add(t, u, v, MPFR_RNDN);
            mpfr_fma(b, t, t, b, MPFR_RNDN);
            mpfr_clears(u, v, (mpfr_ptr) 0);
        }
        mpfr_sqrt(a, a, MPFR_RNDN);
        mpfr_sqrt(b, b, MPFR_RNDN);
        mpfr_atan2(t, a, b, MPFR_RNDN);
        mpfr_mul_2ui(out->angle, t, 1, MPFR_RNDN);
    }
    else
        mpfr_set_nan(out->angle);
    mpfr_set(out->floor, floor, MPFR_RNDU);
    out->available = 1;
    mpfr_clears(p, t, s2, nx, np, a, b, (mpfr_ptr) 0);
}

/* w(s) / gamma from the closed forms of math.md section 3, coordinate by
   coordinate, for the initialization u_+(0) = a, u_-(0) = b, or for a
   scalar alpha = a when b is NULL (b = a): D = 1: a - b + 2 s; D = 2:
   2 a b sinh(4 s + log(a/b)); D >= 3: u_+^D - u_-^D with
   u_+ = (a^(2-D) - D(D-2) s)^(-1/(D-2)), u_- = (b^(2-D) + D(D-2) s)^(-1/(D-2)).
   For a scalar alpha and D >= 3 the bases are scaled by alpha^(D-2),
   1 -+ z with z = D(D-2) alpha^(D-2) s, and alpha^D multiplies the
   difference (the same value, rounded otherwise: the stationarity residual
   these feed is printed at the rounding level, so each keeps its order of
   operations).  Returns 0 past the pole (a base not positive). */
static int
w_of_s(mpfr_t out, const mpfr_t s, int D, const mpfr_t a, const mpfr_t b, const mpfr_t gamma,
       mpfr_prec_t prec)
{
    mpfr_t t, u, e;
    mpfr_srcptr bb = b != NULL ? b : a;
    int ok = 1;
    mpfr_inits2(prec, t, u, e, (mpfr_ptr) 0);
    if (D == 1)
    {
        mpfr_sub(t, a, bb, MPFR_RNDN);
        mpfr_mul_2ui(u, s, 1, MPFR_RNDN);
        mpfr_add(out, t, u, MPFR_RNDN);
    }
    else if (D == 2)
    {
        mpfr_div(t, a, bb, MPFR_RNDN);
        mpfr_log(t, t, MPFR_RNDN);
        mpfr_mul_2ui(u, s, 2, MPFR_RNDN);
        mpfr_add(t, t, u, MPFR_RNDN);
        mpfr_sinh(t, t, MPFR_RNDN);
        mpfr_mul(u, a, bb, MPFR_RNDN);
        mpfr_mul(out, t, u, MPFR_RNDN);
        mpfr_mul_2ui(out, out, 1, MPFR_RNDN);
    }
    else
    {
        if (b == NULL)
        {
            mpfr_pow_ui(e, a, (unsigned long) (D - 2), MPFR_RNDN);
            mpfr_mul_ui(e, e, (unsigned long) (D * (D - 2)), MPFR_RNDN);
            mpfr_mul(e, e, s, MPFR_RNDN);
            mpfr_ui_sub(t, 1, e, MPFR_RNDN);
            mpfr_add_ui(u, e, 1, MPFR_RNDN);
        }
        else
        {
            mpfr_mul_ui(e, s, (unsigned long) (D * (D - 2)), MPFR_RNDN);
            mpfr_pow_si(t, a, 2 - D, MPFR_RNDN);
            mpfr_sub(t, t, e, MPFR_RNDN);
            mpfr_pow_si(u, b, 2 - D, MPFR_RNDN);
            mpfr_add(u, u, e, MPFR_RNDN);
        }
        if (mpfr_sgn(t) <= 0 || mpfr_sgn(u) <= 0)
            ok = 0;
        else
        {
            /* u_+^D = t^(-D/(D-2)) */
            mpfr_set_si(e, -D, MPFR_RNDN);
            mpfr_div_si(e, e, D - 2, MPFR_RNDN);
            mpfr_pow(t, t, e, MPFR_RNDN);
            mpfr_pow(u, u, e, MPFR_RNDN);
            mpfr_sub(out, t, u, MPFR_RNDN);
            if (b == NULL)
            {
                mpfr_pow_ui(e, a, (unsigned long) D, MPFR_RNDN);
                mpfr_mul(out, out, e, MPFR_RNDN);
            }
        }
    }
    if (ok)
        mpfr_div(out, out, gamma, MPFR_RNDN);
    mpfr_clears(t, u, e, (mpfr_ptr) 0);
    return ok;
}

/* the scale alpha: a scalar alpha, or with a shape the geometric mean of
   sqrt(a_i b_i) */
static void
ref_alpha(mpfr_t alpha, const mpbias_regime_ref_t ref)
{
    slong i;
    mpfr_t t;
    if (ref->shape_a == NULL)
    {
        fmpq_get_mpfr(alpha, ref->alpha, MPFR_RNDN);
        return;
    }
    mpfr_init2(t, mpfr_get_prec(alpha));
    mpfr_set_zero(alpha, 1);
    for (i = 0; i < ref->d; i++)
    {
        mpfr_mul(t, ref->shape_a[i], ref->shape_b[i], MPFR_RNDN);
        mpfr_log(t, t, MPFR_RNDN);
        mpfr_add(alpha, alpha, t, MPFR_RNDN);
    }
    mpfr_div_si(alpha, alpha, 2 * ref->d, MPFR_RNDN);
    mpfr_exp(alpha, alpha, MPFR_RNDN);
    mpfr_clear(t);
}

/* the intermediate predictor at the row's own scale mu^D = alpha^D / gamma
   (gamma read exactly from its binary value), to qmu_digits digits: the
   distance to it (its floor: the row's plus the predictor's radius) and
   the point itself, in out */
static mpbias_status
row_qmu(mpbias_regime_row *out, const mpbias_regime_ref_t ref, const mpbias_data_t data,
        const mpbias_flow_row *row, int qmu_digits, const mpfr_t floor, mpbias_err_t err)
{
    slong i, d = ref->d;
    mpfr_prec_t prec = mpfr_get_prec(row->wbar[0]) + 32;
    mpbias_qmu_t q;
    mpbias_status st;
    mpz_t m;
    mpfr_exp_t e;
    mpfr_t t;
    fmpq_t g, muD;
    mpz_init(m);
    fmpq_init(g);
    fmpq_init(muD);
    mpfr_init2(t, prec);
    e = mpfr_get_z_2exp(m, row->margin);
    fmpz_set_mpz(fmpq_numref(g), m);
    fmpz_one(fmpq_denref(g));
    if (e >= 0)
        fmpq_mul_2exp(g, g, (ulong) e);
    else
        fmpq_div_2exp(g, g, (ulong) -e);
    fmpq_pow_si(muD, ref->alpha, ref->depth);
    fmpq_div(muD, muD, g);
    mpbias_qmu_init(q);
    st = mpbias_qmu_compute(q, data, ref->depth, muD, qmu_digits, err);
    if (st == MPBIAS_OK)
    {
        mpfr_add(t, floor, q->radius, MPFR_RNDU);
        box_distance(&out->to_qmu, (const mpfr_t *) row->wbar, (const mpfr_t *) q->w,
                     (const mpfr_t *) q->w, d, t, prec);
        if (out->qmu_w != NULL)
            _mpbias_mpfr_vec_clear(out->qmu_w, out->qmu_d);
        out->qmu_w = _mpbias_mpfr_vec_init(d, 64);
        out->qmu_d = d;
        for (i = 0; i < d; i++)
            mpfr_set(out->qmu_w[i], q->w[i], MPFR_RNDN);
    }
    mpbias_qmu_clear(q);
    mpz_clear(m);
    fmpq_clear(g);
    fmpq_clear(muD);
    mpfr_clear(t);
    return st;
}

mpbias_status
mpbias_regime_eval(mpbias_regime_row *out, const mpbias_regime_ref_t ref,
                   const mpbias_data_t data, const mpbias_flow_row *row, int qmu_digits,
                   mpbias_err_t err)
{
    slong n = ref->n, d = ref->d, i, k;
    int D = ref->depth;
    mpfr_prec_t prec = mpfr_get_prec(row->wbar[0]) + 32;
    mpfr_t alpha, t, u, wmax, numax, floor;
    mpfr_t *s = NULL, *zq = NULL;
    mpbias_status st = MPBIAS_OK;

    if (ref->l2 == NULL || row->d != d || row->n != n)
        return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0,
                               "regime: the reference does not match the row");
    mpfr_inits2(prec, alpha, t, u, wmax, numax, floor, (mpfr_ptr) 0);
    ref_alpha(alpha, ref);

    /* scale variables: gamma, log(1/eps) = -log(10) log10_loss, mu^D */
    mpfr_set(out->gamma, row->margin, MPFR_RNDN);
    mpfr_set_ui(t, 10, MPFR_RNDN);
    mpfr_log(t, t, MPFR_RNDN);
    mpfr_mul(t, t, row->log10_loss, MPFR_RNDN);
    mpfr_neg(out->log_inv_eps, t, MPFR_RNDN);
    mpfr_set_zero(wmax, 1);
    for (i = 0; i < d; i++)
        if (mpfr_cmpabs(row->wbar[i], wmax) > 0)
            mpfr_abs(wmax, row->wbar[i], MPFR_RNDN);
    if (D >= 2)
    {
        /* log10(mu^D) = D log10(alpha) - log10(gamma); kappa = max |wbar| / mu^D */
        mpfr_log10(t, alpha, MPFR_RNDN);
        mpfr_mul_si(t, t, D, MPFR_RNDN);
        mpfr_log10(u, row->margin, MPFR_RNDN);
        mpfr_sub(out->log10_muD, t, u, MPFR_RNDN);
        mpfr_ui_pow(t, 10, out->log10_muD, MPFR_RNDN);
        mpfr_div(out->kappa, wmax, t, MPFR_RNDN);
    }
    else
    {
        mpfr_set_nan(out->log10_muD);
        mpfr_set_zero(out->kappa, 1);
    }
    /* rho = log(gamma) / (D log(1/alpha)) for alpha < 1 */
    if (mpfr_cmp_ui(alpha, 1) < 0)
    {
        mpfr_log(t, row->margin, MPFR_RNDN);
        mpfr_log(u, alpha, MPFR_RNDN);
        mpfr_mul_si(u, u, -D, MPFR_RNDN);
        mpfr_div(out->rho, t, u, MPFR_RNDN);
    }
    else
        mpfr_set_nan(out->rho);
    if (D >= 2 && mpfr_number_p(out->rho) && mpfr_cmp_ui(out->rho, 1) < 0)
        out->regime = MPBIAS_REGIME_PLATEAU;
    else if (D == 1 || mpfr_cmp_d(out->kappa, 0.1) <= 0)
        out->regime = MPBIAS_REGIME_KERNEL;
    else if (mpfr_cmp_ui(out->kappa, 10) >= 0)
        out->regime = MPBIAS_REGIME_RICH;
    else
        out->regime = MPBIAS_REGIME_INTERMEDIATE;

    /* the distances' floor: the row's error, err_est max |wbar| (0 when
       the row carries no estimate) */
    if (mpfr_number_p(row->err_est))
        mpfr_mul(floor, row->err_est, wmax, MPFR_RNDU);
    else
        mpfr_set_zero(floor, 1);
    box_distance(&out->to_l2, (const mpfr_t *) row->wbar, (const mpfr_t *) ref->l2,
                 (const mpfr_t *) ref->l2, d, floor, prec);
    if (ref->rich_kind != MPBIAS_RICH_NONE)
        box_distance(&out->to_rich, (const mpfr_t *) row->wbar, (const mpfr_t *) ref->rich_lo,
                     (const mpfr_t *) ref->rich_hi, d, floor, prec);
    else
        out->to_rich.available = 0;

    /* the intermediate predictor at the row's own scale */
    out->to_qmu.available = 0;
    if (D >= 2 && qmu_digits > 0 && ref->shape_a == NULL)
        st = row_qmu(out, ref, data, row, qmu_digits, floor, err);

    /* KKT residuals of the identity: stationarity, wbar = w(Z^T nu) / gamma
       (relative to max |wbar|), and complementary slackness,
       max_n (nu_n / max nu) (z_n . wbar - 1) */
    if (st == MPBIAS_OK)
    {
        s = _mpbias_mpfr_vec_init(d, prec);
        zq = _mpbias_mpfr_vec_init(n * d, prec);
        mpbias_data_get_z_mpfr(zq, data, MPFR_RNDN);
        mpfr_set_zero(out->stationarity, 1);
        for (i = 0; i < d; i++)
        {
            mpfr_set_zero(s[i], 1);
            for (k = 0; k < n; k++)
            {
                mpfr_mul(t, zq[k * d + i], row->nu[k], MPFR_RNDN);
                mpfr_add(s[i], s[i], t, MPFR_RNDN);
            }
            if (!w_of_s(t, s[i], D, ref->shape_a != NULL ? ref->shape_a[i] : alpha,
                        ref->shape_b != NULL ? ref->shape_b[i] : NULL, row->margin, prec))
            {
                mpfr_set_inf(out->stationarity, 1);
                break;
            }
            mpfr_sub(t, t, row->wbar[i], MPFR_RNDN);
            mpfr_abs(t, t, MPFR_RNDN);
            if (mpfr_cmp(t, out->stationarity) > 0)
                mpfr_set(out->stationarity, t, MPFR_RNDN);
        }
        if (mpfr_sgn(wmax) > 0)
            mpfr_div(out->stationarity, out->stationarity, wmax, MPFR_RNDN);
        mpfr_set_zero(numax, 1);
        for (k = 0; k < n; k++)
            if (mpfr_cmp(row->nu[k], numax) > 0)
                mpfr_set(numax, row->nu[k], MPFR_RNDN);
        mpfr_set_zero(out->slackness, 1);
        for (k = 0; k < n && mpfr_sgn(numax) > 0; k++)
        {
            mpfr_set_zero(u, 1);
            for (i = 0; i < d; i++)
                mpfr_fma(u, zq[k * d + i], row->wbar[i], u, MPFR_RNDN);
            mpfr_sub_ui(u, u, 1, MPFR_RNDN);
            mpfr_mul(u, u, row->nu[k], MPFR_RNDN);
            mpfr_div(u, u, numax, MPFR_RNDN);
            if (mpfr_cmp(u, out->slackness) > 0)
                mpfr_set(out->slackness, u, MPFR_RNDN);
        }
        _mpbias_mpfr_vec_clear(s, d);
        _mpbias_mpfr_vec_clear(zq, n * d);
    }

    /* the nearest limit (sup norm): l2 or the rich one */
    out->nearest = -1;
    {
        const mpbias_dist *c[2] = { &out->to_l2, &out->to_rich };
        for (i = 0; i < 2; i++)
            if (c[i]->available
                && (out->nearest < 0 || mpfr_cmp(c[i]->sup, c[out->nearest]->sup) < 0))
                out->nearest = (int) i;
    }
    mpfr_clears(alpha, t, u, wmax, numax, floor, (mpfr_ptr) 0);
    return st;
}

void
mpbias_regime_compare(mpfr_t p_obs, mpfr_t extrap_err, const mpbias_regime_ref_t ref,
                      const mpbias_flow_row *prev, const mpbias_regime_row *aprev,
                      const mpbias_flow_row *cur, const mpbias_regime_row *acur)
{
    const mpbias_dist *dp = ref->asym_rich ? &aprev->to_rich : &aprev->to_l2;
    const mpbias_dist *dc = ref->asym_rich ? &acur->to_rich : &acur->to_l2;
    mpfr_t *w = ref->asym_rich ? ref->rich_lo : ref->l2;
    mpfr_prec_t prec = 64 + mpfr_get_prec(cur->wbar[0]);
    mpfr_t a, b, f, e, t;
    slong i;
    mpfr_set_nan(p_obs);
    mpfr_set_nan(extrap_err);
    if (!dp->available || !dc->available || w == NULL
        || mpfr_cmp(dp->sup, dp->floor) <= 0 || mpfr_cmp(dc->sup, dc->floor) <= 0
        || mpfr_cmp(acur->gamma, aprev->gamma) <= 0)
        return;
    mpfr_inits2(prec, a, b, f, e, t, (mpfr_ptr) 0);
    /* p_obs = log(d_prev / d_cur) / log(gamma_cur / gamma_prev) */
    mpfr_div(a, dp->sup, dc->sup, MPFR_RNDN);
    mpfr_log(a, a, MPFR_RNDN);
    mpfr_div(b, acur->gamma, aprev->gamma, MPFR_RNDN);
    mpfr_log(b, b, MPFR_RNDN);
    mpfr_div(p_obs, a, b, MPFR_RNDN);
    /* extrapolation with the predicted rate (a single point target only) */
    if (mpfr_number_p(ref->rate) && ref->rich_kind != MPBIAS_RICH_L1_FACE)
    {
        /* f = (gamma_prev / gamma_cur)^p */
        mpfr_div(f, aprev->gamma, acur->gamma, MPFR_RNDN);
        mpfr_pow(f, f, ref->rate, MPFR_RNDN);
        mpfr_set_zero(e, 1);
        for (i = 0; i < ref->d; i++)
        {
            mpfr_sub(t, prev->wbar[i], w[i], MPFR_RNDN);
            mpfr_mul(t, t, f, MPFR_RNDN);
            mpfr_add(t, t, w[i], MPFR_RNDN);
            mpfr_sub(t, t, cur->wbar[i], MPFR_RNDN);
            mpfr_abs(t, t, MPFR_RNDN);
            if (mpfr_cmp(t, e) > 0)
                mpfr_set(e, t, MPFR_RNDN);
        }
        mpfr_div(extrap_err, e, dc->sup, MPFR_RNDN);
    }
    mpfr_clears(a, b, f, e, t, (mpfr_ptr) 0);
}

mpbias_status
mpbias_regime_rho(mpfr_t *rho, mpfr_t resid, const mpbias_regime_ref_t ref,
                  const mpbias_data_t data, const mpbias_flow_row *row, mpbias_err_t err)
{
    slong n = ref->n, d = ref->d, i, k;
    mpfr_prec_t prec = mpfr_get_prec(row->wbar[0]) + 32;
    mpfr_t lt, t, u;
    if (ref->depth != 1 || ref->l2 == NULL || row->d != d || row->n != n)
        return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0,
                               "rho: the expansion w_l2 log t + rho is for depth 1");
    mpfr_inits2(prec, lt, t, u, (mpfr_ptr) 0);
    /* ln t = ln(10) log10_t */
    mpfr_set_ui(lt, 10, MPFR_RNDN);
    mpfr_log(lt, lt, MPFR_RNDN);
    mpfr_mul(lt, lt, row->log10_t, MPFR_RNDN);
    for (i = 0; i < d; i++)
    {
        mpfr_mul(t, row->margin, row->wbar[i], MPFR_RNDN);
        mpfr_mul(u, ref->l2[i], lt, MPFR_RNDN);
        mpfr_sub(rho[i], t, u, MPFR_RNDN);
    }
    mpfr_set_zero(resid, 1);
    for (k = 0; k < n; k++)
    {
        if (mpfr_sgn(ref->l2_lambda[k]) <= 0)
            continue;
        mpfr_set_zero(t, 1);
        for (i = 0; i < d; i++)
            if (!fmpq_is_zero(mpbias_data_z(data, k, i)))
            {
                fmpq_get_mpfr(u, mpbias_data_z(data, k, i), MPFR_RNDN);
                mpfr_fma(t, u, rho[i], t, MPFR_RNDN);
            }
        mpfr_neg(t, t, MPFR_RNDN);
        mpfr_exp(t, t, MPFR_RNDN);
        mpfr_mul_2ui(t, t, 1, MPFR_RNDN);
        mpfr_div(t, t, ref->l2_lambda[k], MPFR_RNDN);
        mpfr_sub_ui(t, t, 1, MPFR_RNDN);
        mpfr_abs(t, t, MPFR_RNDN);
        if (mpfr_cmp(t, resid) > 0)
            mpfr_set(resid, t, MPFR_RNDN);
    }
    mpfr_clears(lt, t, u, (mpfr_ptr) 0);
    return MPBIAS_OK;
}
