/*
 * qmu.c -- the intermediate predictor: argmin Q^D_mu(w) subject to Z w >= 1,
 * for any depth D >= 2, to any number of digits, with a rigorous error
 * bound.  Described below for depth 2; depth D >= 3 differs in the
 * conjugate (see qc_eval: a bounded domain |mu^(D-2) v| < 1, kept by the
 *  line search) and in the bound (qarb_primal, qarb_sigma: q_D has no closed form,
 * so Q(p) = sum y z - q*(y) with y = h_D^-1(z) enclosed by verified
 * signs; q_D(z) >= |z|/2 - q*(1/2) bounds |w*|; the Hessian bound uses
 * h_D' at the enclosure's upper end).
 *
 * Q_mu(w) = mu^2 sum_i q(w_i / mu^2), q(z) = 2 - sqrt(4 + z^2) + z asinh(z/2)
 * (math.md section 5).  Its conjugate is Q*(v) = 2 mu^2 sum_i (cosh v_i - 1),
 * so the dual problem is
 *
 *     maximize g(lambda) = 1^T lambda - Q*(Z^T lambda)  over lambda >= 0,
 *
 * smooth and concave, with w = grad Q*(Z^T lambda) = 2 mu^2 sinh(Z^T lambda).
 * It is solved by an active-set method: on an active set A (lambda = 0 off
 * A), Newton's method with a backtracking line search maximizes g over
 * lambda_A (Hessian -Z_A diag(2 mu^2 cosh v) Z_A^T); then the most
 * negative multiplier leaves A, or the most violated constraint joins it.
 *
 * The error bound is computed in Arb from the final lambda, whatever the
 * solver did: with lambda clipped to >= 0, w = grad Q*(Z^T lambda) is
 * scaled to a feasible point p (Z p >= 1); the duality gap
 * G = Q_mu(p) - g(lambda) bounds Q_mu(p) - Q_mu(w*); optimality of w*
 * over the feasible set and strong convexity of Q_mu
 * (q'' = 1/sqrt(4 + z^2), so Hessian >= 1/sqrt(4 mu^4 + R^2) where
 * |w_i| <= R on the segment [p, w*]; q(z) >= |z| - 2 bounds |w*_i| by
 * Q_mu(p) + 2 mu^2) give ||p - w*||_2 <= sqrt(2 G / sigma).  The
 * reported coordinates are p's, each as a ball of that radius.
 */
#include "config.h"
#include <stdlib.h>
#include "mpbias-impl.h"

void
mpbias_qmu_init(mpbias_qmu_t r)
{
    r->d = 0;
    r->n = 0;
    r->w = NULL;
    r->lambda = NULL;
    mpfr_init2(r->radius, 64);
    mpfr_set_inf(r->radius, 1);
    r->nsupport = 0;
    r->prec = 0;
}

void
mpbias_qmu_clear(mpbias_qmu_t r)
{
    if (r->w != NULL)
        _mpbias_mpfr_vec_clear(r->w, r->d);
    if (r->lambda != NULL)
        _mpbias_mpfr_vec_clear(r->lambda, r->n);
    r->w = NULL;
    r->lambda = NULL;
    mpfr_clear(r->radius);
}

/* v = Z_A^T lambda (lambda zero off the active set, given by act) */
static void
dual_v(mpfr_t *v, const mpfr_t *Z, const mpfr_t *lam, slong n, slong d, mpfr_t t)
{
    slong i, k;
    for (i = 0; i < d; i++)
    {
        mpfr_set_zero(v[i], 1);
        for (k = 0; k < n; k++)
            if (!mpfr_zero_p(lam[k]))
            {
                mpfr_mul(t, Z[k * d + i], lam[k], MPFR_RNDN);
                mpfr_add(v[i], v[i], t, MPFR_RNDN);
            }
    }
}

/* The conjugate Q*(v) = sum_i c(v_i) of Q_mu and its derivatives:
   depth 2:  c = 2 mu^2 (cosh v - 1), c' = 2 mu^2 sinh v, c'' = 2 mu^2 cosh v;
   depth D >= 3, y = mu^(D-2) v, |y| < 1, e = D/(D-2):
             c = mu^2 ((D-2)/2) ((1-y)^(-2/(D-2)) + (1+y)^(-2/(D-2)) - 2),
             c' = mu^D h(y), h(y) = (1-y)^-e - (1+y)^-e,
             c'' = mu^(2D-2) e ((1-y)^(-e-1) + (1+y)^(-e-1)). */
typedef struct
{
    int D;
    mpfr_t muD, mum, mu2;   /* mu^D, mu^(D-2), mu^2 */
    mpfr_t y, a, b, ra, rb;
} qconj;

static void
qc_init(qconj *Q, int D, const fmpq_t mu_pow_D, mpfr_prec_t wp)
{
    Q->D = D;
    mpfr_inits2(wp, Q->muD, Q->mum, Q->mu2, Q->y, Q->a, Q->b, Q->ra, Q->rb, (mpfr_ptr) 0);
    fmpq_get_mpfr(Q->muD, mu_pow_D, MPFR_RNDN);
    if (D == 2)
    {
        mpfr_set_ui(Q->mum, 1, MPFR_RNDN);
        mpfr_set(Q->mu2, Q->muD, MPFR_RNDN);
    }
    else
    {
        /* mu = (mu^D)^(1/D) */
        mpfr_rootn_ui(Q->a, Q->muD, (unsigned long) D, MPFR_RNDN);
        mpfr_pow_ui(Q->mum, Q->a, (unsigned long) (D - 2), MPFR_RNDN);
        mpfr_sqr(Q->mu2, Q->a, MPFR_RNDN);
    }
}

static void
qc_clear(qconj *Q)
{
    mpfr_clears(Q->muD, Q->mum, Q->mu2, Q->y, Q->a, Q->b, Q->ra, Q->rb, (mpfr_ptr) 0);
}

/* any of c, c', c'' at v (NULL: not wanted); nonzero outside the domain */
static int
qc_eval(qconj *Q, mpfr_ptr c, mpfr_ptr c1, mpfr_ptr c2, const mpfr_t v)
{
    int D = Q->D;
    if (D == 2)
    {
        if (c != NULL || c2 != NULL)
            mpfr_cosh(Q->a, v, MPFR_RNDN);
        if (c != NULL)
        {
            mpfr_sub_ui(c, Q->a, 1, MPFR_RNDN);
            mpfr_mul(c, c, Q->mu2, MPFR_RNDN);
            mpfr_mul_2ui(c, c, 1, MPFR_RNDN);
        }
        if (c1 != NULL)
        {
            mpfr_sinh(c1, v, MPFR_RNDN);
            mpfr_mul(c1, c1, Q->mu2, MPFR_RNDN);
            mpfr_mul_2ui(c1, c1, 1, MPFR_RNDN);
        }
        if (c2 != NULL)
        {
            mpfr_mul(c2, Q->a, Q->mu2, MPFR_RNDN);
            mpfr_mul_2ui(c2, c2, 1, MPFR_RNDN);
        }
        return !(c == NULL || mpfr_number_p(c)) || !(c1 == NULL || mpfr_number_p(c1));
    }
    mpfr_mul(Q->y, v, Q->mum, MPFR_RNDN);
    if (mpfr_cmpabs_ui(Q->y, 1) >= 0 || !mpfr_number_p(Q->y))
        return 1;
    /* ra = (1-y)^(-1/(D-2)), rb = (1+y)^(-1/(D-2)) */
    mpfr_ui_sub(Q->a, 1, Q->y, MPFR_RNDN);
    mpfr_add_ui(Q->b, Q->y, 1, MPFR_RNDN);
    mpfr_rootn_ui(Q->ra, Q->a, (unsigned long) (D - 2), MPFR_RNDN);
    mpfr_ui_div(Q->ra, 1, Q->ra, MPFR_RNDN);
    mpfr_rootn_ui(Q->rb, Q->b, (unsigned long) (D - 2), MPFR_RNDN);
    mpfr_ui_div(Q->rb, 1, Q->rb, MPFR_RNDN);
    if (c != NULL)
    {
        /* mu^2 ((D-2)/2) (ra^2 + rb^2 - 2) */
        mpfr_sqr(c, Q->ra, MPFR_RNDN);
        mpfr_fma(c, Q->rb, Q->rb, c, MPFR_RNDN);
        mpfr_sub_ui(c, c, 2, MPFR_RNDN);
        mpfr_mul_ui(c, c, (unsigned long) (D - 2), MPFR_RNDN);
        mpfr_div_2ui(c, c, 1, MPFR_RNDN);
        mpfr_mul(c, c, Q->mu2, MPFR_RNDN);
    }
    if (c1 != NULL)
    {
        /* mu^D (ra^D - rb^D) */
        mpfr_pow_ui(c1, Q->ra, (unsigned long) D, MPFR_RNDN);
        mpfr_pow_ui(Q->y, Q->rb, (unsigned long) D, MPFR_RNDN);
        mpfr_sub(c1, c1, Q->y, MPFR_RNDN);
        mpfr_mul(c1, c1, Q->muD, MPFR_RNDN);
    }
    if (c2 != NULL)
    {
        /* mu^(2D-2) (D/(D-2)) (ra^(2D-2) + rb^(2D-2)) */
        mpfr_pow_ui(c2, Q->ra, (unsigned long) (2 * D - 2), MPFR_RNDN);
        mpfr_pow_ui(Q->y, Q->rb, (unsigned long) (2 * D - 2), MPFR_RNDN);
        mpfr_add(c2, c2, Q->y, MPFR_RNDN);
        mpfr_mul_ui(c2, c2, (unsigned long) D, MPFR_RNDN);
        mpfr_div_ui(c2, c2, (unsigned long) (D - 2), MPFR_RNDN);
        mpfr_mul(c2, c2, Q->muD, MPFR_RNDN);
        mpfr_mul(c2, c2, Q->mum, MPFR_RNDN);
    }
    return 0;
}

/* g(lambda) = sum lambda - sum_i c(v_i); NaN outside the domain */
static void
dual_value(mpfr_t out, const mpfr_t *lam, const mpfr_t *v, qconj *Q, slong n, slong d, mpfr_t t)
{
    slong i, k;
    mpfr_set_zero(out, 1);
    for (i = 0; i < d; i++)
    {
        if (qc_eval(Q, t, NULL, NULL, v[i]))
        {
            mpfr_set_nan(out);
            return;
        }
        mpfr_sub(out, out, t, MPFR_RNDN);
    }
    for (k = 0; k < n; k++)
        mpfr_add(out, out, lam[k], MPFR_RNDN);
}

/* Depth D >= 3, in Arb: h(y) = (1-y)^-e - (1+y)^-e, e = D/(D-2), and
   q*(y) = ((D-2)/2) ((1-y)^(-2/(D-2)) + (1+y)^(-2/(D-2)) - 2), |y| < 1. */
static void
arb_h(arb_t out, arb_t dh, const arb_t y, int D, slong prec)
{
    arb_t a, b;
    arb_init(a);
    arb_init(b);
    arb_sub_ui(a, y, 1, prec);
    arb_neg(a, a);                                  /* 1 - y */
    arb_add_ui(b, y, 1, prec);                      /* 1 + y */
    arb_root_ui(a, a, (ulong) (D - 2), prec);
    arb_inv(a, a, prec);                            /* (1-y)^(-1/(D-2)) */
    arb_root_ui(b, b, (ulong) (D - 2), prec);
    arb_inv(b, b, prec);
    if (out != NULL)
    {
        arb_t p, q;
        arb_init(p);
        arb_init(q);
        arb_pow_ui(p, a, (ulong) D, prec);
        arb_pow_ui(q, b, (ulong) D, prec);
        arb_sub(out, p, q, prec);
        arb_clear(p);
        arb_clear(q);
    }
    if (dh != NULL)
    {
        arb_t p, q;
        arb_init(p);
        arb_init(q);
        arb_pow_ui(p, a, (ulong) (2 * D - 2), prec);
        arb_pow_ui(q, b, (ulong) (2 * D - 2), prec);
        arb_add(dh, p, q, prec);
        arb_mul_ui(dh, dh, (ulong) D, prec);
        arb_div_ui(dh, dh, (ulong) (D - 2), prec);
        arb_clear(p);
        arb_clear(q);
    }
    arb_clear(a);
    arb_clear(b);
}

static void
arb_qstar(arb_t out, const arb_t y, int D, slong prec)
{
    arb_t a, b;
    arb_init(a);
    arb_init(b);
    arb_sub_ui(a, y, 1, prec);
    arb_neg(a, a);
    arb_add_ui(b, y, 1, prec);
    arb_root_ui(a, a, (ulong) (D - 2), prec);
    arb_inv(a, a, prec);
    arb_root_ui(b, b, (ulong) (D - 2), prec);
    arb_inv(b, b, prec);
    arb_sqr(a, a, prec);
    arb_addmul(a, b, b, prec);
    arb_sub_ui(a, a, 2, prec);
    arb_mul_ui(a, a, (ulong) (D - 2), prec);
    arb_mul_2exp_si(out, a, -1);
    arb_clear(a);
    arb_clear(b);
}

/* A ball containing the y in (-1, 1) with h(y) = z (z a ball): Newton in
   the midpoint, then the enclosure verified by the signs of h - z at its
   ends (h is increasing).  Returns 0 on failure. */
static int
h_inverse(arb_t out, const arb_t z, int D, slong prec)
{
    arb_t y, hy, dh, lo, hi, t;
    arf_t az, del;
    int ok = 0, neg, k, it;
    if (arb_is_zero(z))
    {
        arb_zero(out);
        return 1;
    }
    arb_init(y);
    arb_init(hy);
    arb_init(dh);
    arb_init(lo);
    arb_init(hi);
    arb_init(t);
    arf_init(az);
    arf_init(del);
    /* solve for |z| (h is odd) on [0, 1) */
    arf_abs(az, arb_midref(z));
    neg = arf_sgn(arb_midref(z)) < 0;
    /* bisection on [0, 1) to about 2^-60, then Newton to full precision */
    {
        arf_t ylo, yhi;
        arb_t ym;
        arf_init(ylo);
        arf_init(yhi);
        arb_init(ym);
        arf_zero(ylo);
        arf_one(yhi);
        for (it = 0; it < 60; it++)
        {
            arf_add(arb_midref(ym), ylo, yhi, prec, ARF_RND_NEAR);
            arf_mul_2exp_si(arb_midref(ym), arb_midref(ym), -1);
            mag_zero(arb_radref(ym));
            arb_h(hy, NULL, ym, D, prec);
            if (arf_cmp(arb_midref(hy), az) < 0)
                arf_set(ylo, arb_midref(ym));
            else
                arf_set(yhi, arb_midref(ym));
        }
        arf_add(arb_midref(y), ylo, yhi, prec, ARF_RND_NEAR);
        arf_mul_2exp_si(arb_midref(y), arb_midref(y), -1);
        mag_zero(arb_radref(y));
        for (it = 0; it < 64; it++)
        {
            arb_h(hy, dh, y, D, prec);
            arb_sub_arf(t, hy, az, prec);
            arb_div(t, t, dh, prec);
            arf_sub(arb_midref(y), arb_midref(y), arb_midref(t), prec, ARF_RND_NEAR);
            mag_zero(arb_radref(y));
            if (arf_cmp(arb_midref(y), ylo) <= 0 || arf_cmp(arb_midref(y), yhi) >= 0)
                break;   /* left the bisection bracket: not converging */
            if (arf_is_zero(arb_midref(t))
                || arf_cmpabs_2exp_si(arb_midref(t), -prec + 8) < 0)
                break;
        }
        arf_clear(ylo);
        arf_clear(yhi);
        arb_clear(ym);
    }
    if (neg)
        arb_neg(y, y);
    /* verify [y - del, y + del] */
    arf_set_ui_2exp_si(del, 1, -prec + 24);
    for (k = 0; k < 6 && !ok; k++)
    {
        arb_set_arf(lo, arb_midref(y));
        arb_sub_arf(lo, lo, del, prec);
        arb_set_arf(hi, arb_midref(y));
        arb_add_arf(hi, hi, del, prec);
        mag_zero(arb_radref(lo));
        mag_zero(arb_radref(hi));
        if (arf_cmpabs_ui(arb_midref(lo), 1) < 0 && arf_cmpabs_ui(arb_midref(hi), 1) < 0)
        {
            arb_h(t, NULL, lo, D, prec);
            arb_sub(t, t, z, prec);
            if (arb_is_negative(t))
            {
                arb_h(t, NULL, hi, D, prec);
                arb_sub(t, t, z, prec);
                if (arb_is_positive(t))
                {
                    arb_union(out, lo, hi, prec);
                    ok = 1;
                }
            }
        }
        arf_mul_2exp_si(del, del, 16);
    }
    arb_clear(y);
    arb_clear(hy);
    arb_clear(dh);
    arb_clear(lo);
    arb_clear(hi);
    arb_clear(t);
    arf_clear(az);
    arf_clear(del);
    return ok;
}

/* The depth's constants in Arb: mu^D, mu^(D-2), mu^2. */
typedef struct
{
    int D;
    arb_t muD, mum, mu2;
} qarb;

static void
qarb_init(qarb *Q, int D, const fmpq_t mu_pow_D, slong prec)
{
    Q->D = D;
    arb_init(Q->muD);
    arb_init(Q->mum);
    arb_init(Q->mu2);
    arb_set_fmpq(Q->muD, mu_pow_D, prec);
    if (D == 2)
    {
        arb_one(Q->mum);
        arb_set(Q->mu2, Q->muD);
    }
    else
    {
        arb_t mu;
        arb_init(mu);
        arb_root_ui(mu, Q->muD, (ulong) D, prec);
        arb_pow_ui(Q->mum, mu, (ulong) (D - 2), prec);
        arb_sqr(Q->mu2, mu, prec);
        arb_clear(mu);
    }
}

static void
qarb_clear(qarb *Q)
{
    arb_clear(Q->muD);
    arb_clear(Q->mum);
    arb_clear(Q->mu2);
}

/* The conjugate's term c(v) and its derivative g = c'(v) (the primal
   coordinate), as in qc_eval; 0 when v is not inside the domain. */
static int
qarb_conj(arb_t c, arb_t g, const arb_t v, const qarb *Q, slong prec)
{
    if (Q->D == 2)
    {
        /* c = 2 mu^2 (cosh v - 1), g = 2 mu^2 sinh v */
        arb_cosh(c, v, prec);
        arb_sub_ui(c, c, 1, prec);
        arb_mul(c, c, Q->mu2, prec);
        arb_mul_2exp_si(c, c, 1);
        arb_sinh(g, v, prec);
        arb_mul(g, g, Q->mu2, prec);
        arb_mul_2exp_si(g, g, 1);
    }
    else
    {
        /* y = mu^(D-2) v in (-1, 1); c = mu^2 q*(y), g = mu^D h(y) */
        arb_t y, t;
        int ok;
        arb_init(y);
        arb_init(t);
        arb_mul(y, v, Q->mum, prec);
        arb_abs(t, y);
        arb_sub_ui(t, t, 1, prec);
        ok = arb_is_negative(t);
        if (ok)
        {
            arb_qstar(c, y, Q->D, prec);
            arb_mul(c, c, Q->mu2, prec);
            arb_h(g, NULL, y, Q->D, prec);
            arb_mul(g, g, Q->muD, prec);
        }
        arb_clear(y);
        arb_clear(t);
        return ok;
    }
    return 1;
}

/* One term of Q_mu(p): mu^2 q(p / mu^2) (depth 2, closed form), or
   mu^2 (y z - q*(y)) with z = p / mu^D and y = h^-1(z) enclosed (depth
   D >= 3); 0 when the enclosure fails. */
static int
qarb_primal(arb_t out, const arb_t p, const qarb *Q, slong prec)
{
    arb_t z, t, y;
    int ok = 1;
    arb_init(z);
    arb_init(t);
    arb_init(y);
    if (Q->D == 2)
    {
        /* q(z) = 2 - sqrt(4 + z^2) + z asinh(z/2) */
        arb_div(z, p, Q->mu2, prec);
        arb_sqr(out, z, prec);
        arb_add_ui(out, out, 4, prec);
        arb_sqrt(out, out, prec);
        arb_sub_ui(out, out, 2, prec);
        arb_neg(out, out);
        arb_mul_2exp_si(t, z, -1);
        arb_asinh(t, t, prec);
        arb_addmul(out, z, t, prec);
    }
    else
    {
        arb_div(z, p, Q->muD, prec);
        ok = h_inverse(y, z, Q->D, prec);
        if (ok)
        {
            arb_qstar(out, y, Q->D, prec);
            arb_neg(out, out);
            arb_addmul(out, y, z, prec);
        }
    }
    arb_mul(out, out, Q->mu2, prec);
    arb_clear(z);
    arb_clear(t);
    arb_clear(y);
    return ok;
}

/* sigma, a lower bound on the Hessian of Q_mu over |w_i| <= R, after R
   is raised to the bound on |w*_i| that Q_mu(w*) <= Q(p) gives:
   depth 2: q(z) >= |z| - 2, so |w*_i| <= Q(p) + 2 mu^2, and
            sigma = 1/sqrt(4 mu^4 + R^2) (q'' = 1/sqrt(4 + z^2));
   depth D >= 3: q_D(z) >= |z|/2 - q*(1/2), so
            |w*_i| <= 2 mu^D (Q(p)/mu^2 + q*(1/2)), and
            sigma = 1 / (mu^(2D-2) h'(y)) at the upper end y of the
            enclosure of h^-1(R / mu^D).  Returns 0 on failure. */
static int
qarb_sigma(arb_t sig, arb_t R, const arb_t Qp, const qarb *Q, slong prec)
{
    arb_t t, s, y;
    arf_t sup;
    int ok = 1;
    arb_init(t);
    arb_init(s);
    arb_init(y);
    arf_init(sup);
    if (Q->D == 2)
    {
        arb_mul_2exp_si(t, Q->mu2, 1);
        arb_add(t, t, Qp, prec);
        arb_max(R, R, t, prec);
        arb_sqr(t, Q->mu2, prec);
        arb_mul_2exp_si(t, t, 2);
        arb_addmul(t, R, R, prec);
        arb_rsqrt(sig, t, prec);
    }
    else
    {
        arb_set_d(y, 0.5);
        arb_qstar(t, y, Q->D, prec);
        arb_div(s, Qp, Q->mu2, prec);
        arb_add(t, t, s, prec);
        arb_mul(t, t, Q->muD, prec);
        arb_mul_2exp_si(t, t, 1);
        arb_max(R, R, t, prec);
        arb_div(t, R, Q->muD, prec);
        arb_get_ubound_arf(sup, t, prec);
        arb_set_arf(t, sup);
        ok = h_inverse(y, t, Q->D, prec);
        if (ok)
        {
            arb_get_ubound_arf(sup, y, prec);
            arb_set_arf(y, sup);
            ok = arf_cmpabs_ui(sup, 1) < 0;
        }
        if (ok)
        {
            /* mu^(2D-2) = (mu^(D-2))^2 mu^2 */
            arb_h(NULL, t, y, Q->D, prec);
            arb_sqr(s, Q->mum, prec);
            arb_mul(s, s, Q->mu2, prec);
            arb_mul(t, t, s, prec);
            arb_inv(sig, t, prec);
        }
    }
    arb_clear(t);
    arb_clear(s);
    arb_clear(y);
    arf_clear(sup);
    return ok;
}

/* The rigorous part, from lambda alone (whatever the solver did): with
   lambda+ = max(lambda, 0) exactly, w = grad Q*(Z^T lambda+) scaled to a
   feasible point p (Z p >= 1, the scale rounded up), the duality gap
   G = Q(p) - g(lambda+) and the strong convexity sigma give
   ||p - w*||_2 <= sqrt(2 G / sigma).  Sets r->w = p and r->radius;
   returns 1 on success. */
static int
certify(mpbias_qmu_t r, const mpbias_data_t data, int D, const fmpq_t mu_pow_D, const mpfr_t *lam,
        slong prec)
{
    slong n = data->n, d = data->d, i, k;
    int ok = 1;
    arb_ptr v = _arb_vec_init(d), w = _arb_vec_init(d);
    arb_t t, m, s, G, Qp, gl, R, sig, z;
    arf_t sup;
    qarb Q;
    qarb_init(&Q, D, mu_pow_D, prec);
    arb_init(t);
    arb_init(m);
    arb_init(s);
    arb_init(G);
    arb_init(Qp);
    arb_init(gl);
    arb_init(R);
    arb_init(sig);
    arb_init(z);
    arf_init(sup);
    /* v = Z^T lambda+, g(lambda+) = sum lambda+ - sum_i c(v_i), w = c'(v) */
    for (k = 0; k < n; k++)
    {
        if (mpfr_sgn(lam[k]) <= 0)
            continue;
        arf_set_mpfr(arb_midref(t), lam[k]);
        mag_zero(arb_radref(t));
        arb_add(gl, gl, t, prec);
        for (i = 0; i < d; i++)
            if (!fmpq_is_zero(mpbias_data_z(data, k, i)))
            {
                arb_set_fmpq(z, mpbias_data_z(data, k, i), prec);
                arb_addmul(v + i, z, t, prec);
            }
    }
    for (i = 0; i < d && ok; i++)
    {
        ok = qarb_conj(t, w + i, v + i, &Q, prec);
        arb_sub(gl, gl, t, prec);
        mag_zero(arb_radref(w + i));   /* the point is the midpoint (exact) */
    }
    /* m = min_n z_n . w (a ball); p = s w with s = max(1, 1/m) rounded up */
    for (k = 0; k < n && ok; k++)
    {
        arb_zero(t);
        for (i = 0; i < d; i++)
            if (!fmpq_is_zero(mpbias_data_z(data, k, i)))
            {
                arb_set_fmpq(z, mpbias_data_z(data, k, i), prec);
                arb_addmul(t, z, w + i, prec);
            }
        if (k == 0)
            arb_set(m, t);
        else
            arb_min(m, m, t, prec);
    }
    if (ok && !arb_is_positive(m))
        ok = 0;
    if (ok)
    {
        arb_inv(s, m, prec);
        arb_get_ubound_arf(sup, s, prec);
        if (arf_cmp_si(sup, 1) < 0)
            arf_one(sup);
        for (i = 0; i < d; i++)
        {
            /* exact products */
            arf_mul(arb_midref(w + i), arb_midref(w + i), sup, ARF_PREC_EXACT, ARF_RND_DOWN);
            mag_zero(arb_radref(w + i));
        }
        /* Q(p) and R = |p|_inf */
        for (i = 0; i < d && ok; i++)
        {
            ok = qarb_primal(t, w + i, &Q, prec);
            arb_add(Qp, Qp, t, prec);
            arb_abs(t, w + i);
            arb_max(R, R, t, prec);
        }
    }
    if (ok)
    {
        /* G = Q(p) - g(lambda+), >= 0 up to rounding */
        arb_sub(G, Qp, gl, prec);
        ok = qarb_sigma(sig, R, Qp, &Q, prec);
    }
    if (ok)
    {
        /* radius = sqrt(2 G / sigma), G bounded above */
        arb_get_ubound_arf(sup, G, prec);
        if (arf_sgn(sup) < 0)
            arf_zero(sup);
        arb_set_arf(t, sup);
        arb_mul_2exp_si(t, t, 1);
        arb_div(t, t, sig, prec);
        arb_sqrt(t, t, prec);
        arb_get_ubound_arf(sup, t, prec);
        ok = arf_is_finite(sup);
    }
    if (ok)
    {
        arf_get_mpfr(r->radius, sup, MPFR_RNDU);
        for (i = 0; i < d; i++)
        {
            mpfr_set_prec(r->w[i], prec);
            arf_get_mpfr(r->w[i], arb_midref(w + i), MPFR_RNDN);
        }
    }
    _arb_vec_clear(v, d);
    _arb_vec_clear(w, d);
    qarb_clear(&Q);
    arb_clear(t);
    arb_clear(m);
    arb_clear(s);
    arb_clear(G);
    arb_clear(Qp);
    arb_clear(gl);
    arb_clear(R);
    arb_clear(sig);
    arb_clear(z);
    arf_clear(sup);
    return ok;
}

/* Newton on the active set: maximize g over lambda_A.  Returns 0 when
   converged, 1 when the Hessian is singular or it did not converge. */
static int
newton_active(mpfr_t *lam, const int *act, const mpfr_t *Z, qconj *Q, slong n, slong d,
              mpfr_prec_t wp, mpfr_t *v, mpfr_t *wv, mpfr_t *hv, mpfr_t *grad, mpfr_t *H,
              mpfr_t *dl, mpfr_t *lt, slong *perm, slong *idx)
{
    slong na = 0, a, b, i, k, it, ls;
    int r = 1;
    mpfr_t t, u, g0, g1, slope, gn, tol;
    mpfr_inits2(wp, t, u, g0, g1, slope, gn, tol, (mpfr_ptr) 0);
    for (k = 0; k < n; k++)
        if (act[k])
            idx[na++] = k;
    mpfr_set_ui_2exp(tol, 1, -(long) wp + 16, MPFR_RNDN);
    for (it = 0; it < 400; it++)
    {
        dual_v(v, Z, (const mpfr_t *) lam, n, d, t);
        /* w = c'(v) and c''(v) per coordinate */
        for (i = 0; i < d; i++)
            if (qc_eval(Q, NULL, wv[i], hv[i], v[i]))
                goto fail;
        /* grad_A = 1 - Z_A w, H = Z_A diag(c''(v)) Z_A^T */
        mpfr_set_zero(gn, 1);
        for (a = 0; a < na; a++)
        {
            mpfr_set_ui(grad[a], 1, MPFR_RNDN);
            for (i = 0; i < d; i++)
            {
                mpfr_mul(t, wv[i], Z[idx[a] * d + i], MPFR_RNDN);
                mpfr_sub(grad[a], grad[a], t, MPFR_RNDN);
            }
            if (mpfr_cmpabs(grad[a], gn) > 0)
                mpfr_abs(gn, grad[a], MPFR_RNDN);
        }
        if (mpfr_cmp(gn, tol) <= 0)
        {
            r = 0;
            break;
        }
        for (a = 0; a < na; a++)
            for (b = 0; b < na; b++)
            {
                mpfr_ptr h = H[a * na + b];
                mpfr_set_zero(h, 1);
                for (i = 0; i < d; i++)
                {
                    mpfr_mul(t, hv[i], Z[idx[a] * d + i], MPFR_RNDN);
                    mpfr_mul(t, t, Z[idx[b] * d + i], MPFR_RNDN);
                    mpfr_add(h, h, t, MPFR_RNDN);
                }
            }
        for (a = 0; a < na; a++)
            mpfr_set(dl[a], grad[a], MPFR_RNDN);
        if (_mpbias_lu_factor(H, perm, na, t))
            break;
        _mpbias_lu_solve(dl, (const mpfr_t *) H, perm, na, t);
        /* backtracking (Armijo) on g */
        dual_value(g0, (const mpfr_t *) lam, (const mpfr_t *) v, Q, n, d, t);
        mpfr_set_zero(slope, 1);
        for (a = 0; a < na; a++)
        {
            mpfr_mul(t, grad[a], dl[a], MPFR_RNDN);
            mpfr_add(slope, slope, t, MPFR_RNDN);
        }
        mpfr_set_ui(u, 1, MPFR_RNDN);
        /* near the optimum (Newton decrement below 2^-20) the full step is
           taken: the change of g, of the size of the decrement, would
           soon be below g's rounding and the line search blind */
        mpfr_set_ui_2exp(t, 1, -20, MPFR_RNDN);
        if (mpfr_cmpabs(slope, t) < 0)
        {
            for (a = 0; a < na; a++)
                mpfr_add(lam[idx[a]], lam[idx[a]], dl[a], MPFR_RNDN);
            continue;
        }
        for (ls = 0; ls < 60; ls++)
        {
            for (k = 0; k < n; k++)
                mpfr_set(lt[k], lam[k], MPFR_RNDN);
            for (a = 0; a < na; a++)
            {
                mpfr_mul(t, dl[a], u, MPFR_RNDN);
                mpfr_add(lt[idx[a]], lam[idx[a]], t, MPFR_RNDN);
            }
            dual_v(v, Z, (const mpfr_t *) lt, n, d, t);
            dual_value(g1, (const mpfr_t *) lt, (const mpfr_t *) v, Q, n, d, t);
            /* accept when g1 >= g0 + 1e-4 u slope (or the step is at rounding level) */
            mpfr_mul(t, slope, u, MPFR_RNDN);
            mpfr_mul_d(t, t, 1e-4, MPFR_RNDN);
            mpfr_add(t, t, g0, MPFR_RNDN);
            if (mpfr_number_p(g1) && mpfr_cmp(g1, t) >= 0)
                break;
            mpfr_div_2ui(u, u, 1, MPFR_RNDN);
        }
        for (k = 0; k < n; k++)
            mpfr_swap(lam[k], lt[k]);
        if (ls == 60)
            break;   /* no ascent possible: at the rounding level */
    }
    if (0)
    {
fail:
        r = 1;
        it = 400;
    }
    if (r != 0 && it < 400)
    {
        /* stopped by the line search: accept if the gradient is small */
        mpfr_mul_2ui(t, tol, 64, MPFR_RNDN);
        r = mpfr_cmp(gn, t) > 0;
    }
    mpfr_clears(t, u, g0, g1, slope, gn, tol, (mpfr_ptr) 0);
    return r;
}

mpbias_status
mpbias_qmu_compute(mpbias_qmu_t r, const mpbias_data_t data, int depth, const fmpq_t mu_pow_D,
                   int digits, mpbias_err_t err)
{
    slong n = data->n, d = data->d, k, i, outer, attempt;
    mpbias_status st = MPBIAS_OK;
    mpbias_l2mm_t l2;
    int *act = NULL;
    double accuracy;

    if (depth < 2)
        return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0,
                               "the intermediate predictor needs depth >= 2 (depth %d asked)",
                               depth);
    if (fmpq_sgn(mu_pow_D) <= 0)
        return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0, "mu must be positive");
    if (digits < 1 || digits > 1000)
        return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0, "digits must be in 1..1000");
    mpbias_qmu_clear(r);
    mpbias_qmu_init(r);
    mpbias_l2mm_init(l2);
    if ((st = mpbias_l2mm_compute(l2, data, err)) != MPBIAS_OK)
    {
        mpbias_l2mm_clear(l2);
        return st;
    }
    if (!l2->separable)
    {
        mpbias_l2mm_clear(l2);
        return _mpbias_err_set(err, MPBIAS_ERR_NOT_SEPARABLE, data->name[0] ? data->name : NULL,
                               0, 0, "the data are not linearly separable (decided exactly)");
    }
    r->n = n;
    r->d = d;
    r->w = _mpbias_mpfr_vec_init(d, 64);
    act = calloc((size_t) n, sizeof(int));
    if (act == NULL)
    {
        mpbias_l2mm_clear(l2);
        return _mpbias_err_set(err, MPBIAS_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    accuracy = -3.3219280948873623 * (digits + 2);
    for (attempt = 0, st = MPBIAS_ERR_NUMERIC; attempt < 4 && st != MPBIAS_OK; attempt++)
    {
        mpfr_prec_t wp = (mpfr_prec_t) ((2 * digits + 20) * 3.33 * (1 << attempt)) + 64;
        mpfr_t *Z = _mpbias_mpfr_vec_init(n * d, wp), *lam = _mpbias_mpfr_vec_init(n, wp),
               *v = _mpbias_mpfr_vec_init(d, wp), *grad = _mpbias_mpfr_vec_init(n, wp),
               *H = _mpbias_mpfr_vec_init(n * n, wp), *dl = _mpbias_mpfr_vec_init(n, wp),
               *lt = _mpbias_mpfr_vec_init(n, wp), *wv = _mpbias_mpfr_vec_init(d, wp),
               *hv = _mpbias_mpfr_vec_init(d, wp);
        qconj Q;
        slong *perm = flint_malloc((size_t) n * sizeof(slong)), *idx = flint_malloc((size_t) n * sizeof(slong));
        mpfr_t mu2, t, zw, worst;
        int ok = 0;
        mpfr_inits2(wp, mu2, t, zw, worst, (mpfr_ptr) 0);
        mpbias_data_get_z_mpfr(Z, data, MPFR_RNDN);
        qc_init(&Q, depth, mu_pow_D, wp);
        mpfr_set(mu2, Q.mu2, MPFR_RNDN);
        /* start: the l2 multipliers on the l2 support, scaled so that
           max_i |Z^T lambda|_i = asinh(1 / (2 mu^2)) (the size of v when
           |w_i| ~ 1; about lambda_l2 / (2 mu^2) for large mu) */
        mpfr_set_zero(worst, 1);
        for (i = 0; i < d; i++)
        {
            fmpq_get_mpfr(t, l2->w + i, MPFR_RNDN);
            if (mpfr_cmpabs(t, worst) > 0)
                mpfr_abs(worst, t, MPFR_RNDN);
        }
        if (depth == 2)
        {
            mpfr_ui_div(t, 1, mu2, MPFR_RNDN);
            mpfr_div_2ui(t, t, 1, MPFR_RNDN);
            mpfr_asinh(t, t, MPFR_RNDN);
        }
        else
        {
            /* inside the domain: max |mu^(D-2) v| = 1/2 */
            mpfr_ui_div(t, 1, Q.mum, MPFR_RNDN);
            mpfr_div_2ui(t, t, 1, MPFR_RNDN);
        }
        mpfr_div(t, t, worst, MPFR_RNDN);
        for (k = 0; k < n; k++)
        {
            act[k] = fmpq_sgn(l2->lambda + k) > 0;
            fmpq_get_mpfr(lam[k], l2->lambda + k, MPFR_RNDN);
            mpfr_mul(lam[k], lam[k], t, MPFR_RNDN);
        }
        for (outer = 0; outer < 4 * n + 10; outer++)
        {
            slong drop = -1, add = -1;
            if (newton_active(lam, act, (const mpfr_t *) Z, &Q, n, d, wp, v, wv, hv, grad, H, dl,
                              lt, perm, idx) != 0)
                break;
            /* the most negative active multiplier leaves */
            for (k = 0; k < n; k++)
                if (act[k] && mpfr_sgn(lam[k]) < 0 && (drop < 0 || mpfr_cmp(lam[k], lam[drop]) < 0))
                    drop = k;
            if (drop >= 0)
            {
                act[drop] = 0;
                mpfr_set_zero(lam[drop], 1);
                continue;
            }
            /* the most violated inactive constraint joins */
            dual_v(v, (const mpfr_t *) Z, (const mpfr_t *) lam, n, d, t);
            mpfr_set_zero(worst, 1);
            for (k = 0; k < n; k++)
            {
                if (act[k])
                    continue;
                mpfr_set_zero(zw, 1);
                for (i = 0; i < d; i++)
                {
                    qc_eval(&Q, NULL, t, NULL, v[i]);   /* in the domain: Newton ended there */
                    mpfr_mul(t, t, Z[k * d + i], MPFR_RNDN);
                    mpfr_add(zw, zw, t, MPFR_RNDN);
                }
                mpfr_ui_sub(zw, 1, zw, MPFR_RNDN);   /* violation 1 - z_k . w */
                if (mpfr_cmp(zw, worst) > 0)
                {
                    mpfr_set(worst, zw, MPFR_RNDN);
                    add = k;
                }
            }
            mpfr_set_ui_2exp(t, 1, -(long) wp / 2, MPFR_RNDN);
            if (add >= 0 && mpfr_cmp(worst, t) > 0)
            {
                act[add] = 1;
                continue;
            }
            ok = 1;
            break;
        }
        if (ok && certify(r, data, depth, mu_pow_D, (const mpfr_t *) lam, (slong) wp + 32))
        {
            /* enough: radius below 10^-(digits+2) max |w_i| */
            mpfr_t mx;
            mpfr_init2(mx, 64);
            mpfr_set_zero(mx, 1);
            for (i = 0; i < d; i++)
                if (mpfr_cmpabs(r->w[i], mx) > 0)
                    mpfr_abs(mx, r->w[i], MPFR_RNDN);
            mpfr_mul_2si(mx, mx, (long) accuracy, MPFR_RNDN);
            if (mpfr_cmp(r->radius, mx) <= 0)
                st = MPBIAS_OK;
            mpfr_clear(mx);
            if (st == MPBIAS_OK)
            {
                r->lambda = _mpbias_mpfr_vec_init(n, wp);
                r->nsupport = 0;
                for (k = 0; k < n; k++)
                {
                    mpfr_set(r->lambda[k], lam[k], MPFR_RNDN);
                    r->nsupport += act[k];
                }
                r->prec = wp;
            }
        }
        mpfr_clears(mu2, t, zw, worst, (mpfr_ptr) 0);
        qc_clear(&Q);
        _mpbias_mpfr_vec_clear(wv, d);
        _mpbias_mpfr_vec_clear(hv, d);
        _mpbias_mpfr_vec_clear(Z, n * d);
        _mpbias_mpfr_vec_clear(lam, n);
        _mpbias_mpfr_vec_clear(v, d);
        _mpbias_mpfr_vec_clear(grad, n);
        _mpbias_mpfr_vec_clear(H, n * n);
        _mpbias_mpfr_vec_clear(dl, n);
        _mpbias_mpfr_vec_clear(lt, n);
        flint_free(perm);
        flint_free(idx);
    }
    free(act);
    mpbias_l2mm_clear(l2);
    if (st != MPBIAS_OK)
        return _mpbias_err_set(err, MPBIAS_ERR_NUMERIC, NULL, 0, 0,
                               "the intermediate predictor could not be certified to %d digits",
                               digits);
    return MPBIAS_OK;
}

char *
mpbias_qmu_coord_str(const mpbias_qmu_t r, slong i, int digits)
{
    arb_t x;
    arf_t rr;
    char *s;
    if (r->w == NULL || i < 0 || i >= r->d || !mpfr_number_p(r->radius))
        return NULL;
    arb_init(x);
    arf_init(rr);
    arf_set_mpfr(arb_midref(x), r->w[i]);
    arf_set_mpfr(rr, r->radius);
    arf_get_mag(arb_radref(x), rr);
    s = _mpbias_arb_get_str_rounded(x, digits);
    arf_clear(rr);
    arb_clear(x);
    return s;
}
