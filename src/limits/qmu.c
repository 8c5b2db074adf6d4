/*
 * qmu.c -- the intermediate predictor: argmin Q_mu(w) subject to Z w >= 1,
 * for depth 2, to any number of digits, with a rigorous error bound.
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

/* g(lambda) = sum lambda - 2 mu^2 sum (cosh v - 1) */
static void
dual_value(mpfr_t out, const mpfr_t *lam, const mpfr_t *v, const mpfr_t mu2, slong n, slong d,
           mpfr_t t)
{
    slong i, k;
    mpfr_set_zero(out, 1);
    for (i = 0; i < d; i++)
    {
        mpfr_cosh(t, v[i], MPFR_RNDN);
        mpfr_sub_ui(t, t, 1, MPFR_RNDN);
        mpfr_add(out, out, t, MPFR_RNDN);
    }
    mpfr_mul(out, out, mu2, MPFR_RNDN);
    mpfr_mul_2ui(out, out, 1, MPFR_RNDN);
    mpfr_neg(out, out, MPFR_RNDN);
    for (k = 0; k < n; k++)
        mpfr_add(out, out, lam[k], MPFR_RNDN);
}

/* The rigorous part: from lambda (any), the feasible point p and the
   bound.  Returns 1 on success. */
static int
certify(mpbias_qmu_t r, const mpbias_data_t data, const fmpq_t mu2q, const mpfr_t *lam, slong prec)
{
    slong n = data->n, d = data->d, i, k;
    int ok = 1;
    arb_ptr v = _arb_vec_init(d), w = _arb_vec_init(d);
    arb_t mu2, t, m, s, G, Qp, gl, R, sig, z;
    arf_t sup;
    arb_init(mu2);
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
    arb_set_fmpq(mu2, mu2q, prec);
    /* v = Z^T lambda+ with lambda+ = max(lambda, 0) exactly; g(lambda+) */
    arb_zero(gl);
    for (i = 0; i < d; i++)
        arb_zero(v + i);
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
    for (i = 0; i < d; i++)
    {
        /* g -= 2 mu^2 (cosh v - 1); w = 2 mu^2 sinh v */
        arb_cosh(t, v + i, prec);
        arb_sub_ui(t, t, 1, prec);
        arb_mul(t, t, mu2, prec);
        arb_mul_2exp_si(t, t, 1);
        arb_sub(gl, gl, t, prec);
        arb_sinh(w + i, v + i, prec);
        arb_mul(w + i, w + i, mu2, prec);
        arb_mul_2exp_si(w + i, w + i, 1);
        /* the point is the midpoint (exact) */
        mag_zero(arb_radref(w + i));
    }
    /* m = min_n z_n . w (a ball); scale s = max(1, 1/m) rounded up */
    for (k = 0; k < n; k++)
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
    if (!arb_is_positive(m))
        ok = 0;
    if (ok)
    {
        arb_inv(s, m, prec);
        arb_get_ubound_arf(sup, s, prec);
        if (arf_cmp_si(sup, 1) < 0)
            arf_one(sup);
        /* p = s w: exact products at enough precision */
        for (i = 0; i < d; i++)
        {
            arf_mul(arb_midref(w + i), arb_midref(w + i), sup, ARF_PREC_EXACT, ARF_RND_DOWN);
            mag_zero(arb_radref(w + i));
        }
        /* Q(p) = mu^2 sum q(p_i / mu^2), q(z) = 2 - sqrt(4 + z^2) + z asinh(z/2) */
        arb_zero(Qp);
        arb_zero(R);
        for (i = 0; i < d; i++)
        {
            arb_div(z, w + i, mu2, prec);
            arb_sqr(t, z, prec);
            arb_add_ui(t, t, 4, prec);
            arb_sqrt(t, t, prec);
            arb_sub_ui(t, t, 2, prec);
            arb_neg(t, t);
            arb_mul_2exp_si(s, z, -1);
            arb_asinh(s, s, prec);
            arb_addmul(t, z, s, prec);
            arb_add(Qp, Qp, t, prec);
            arb_abs(t, w + i);
            arb_max(R, R, t, prec);
        }
        arb_mul(Qp, Qp, mu2, prec);
        /* G = Q(p) - g(lambda+), >= 0 up to rounding */
        arb_sub(G, Qp, gl, prec);
        /* R = max(|p|_inf, Q(p) + 2 mu^2); sigma = 1/sqrt(4 mu^4 + R^2) */
        arb_mul_2exp_si(t, mu2, 1);
        arb_add(t, t, Qp, prec);
        arb_max(R, R, t, prec);
        arb_sqr(t, mu2, prec);
        arb_mul_2exp_si(t, t, 2);
        arb_addmul(t, R, R, prec);
        arb_rsqrt(sig, t, prec);
        /* radius = sqrt(2 G / sigma), G bounded above */
        arb_get_ubound_arf(sup, G, prec);
        if (arf_sgn(sup) < 0)
            arf_zero(sup);
        arb_set_arf(t, sup);
        arb_mul_2exp_si(t, t, 1);
        arb_div(t, t, sig, prec);
        arb_sqrt(t, t, prec);
        arb_get_ubound_arf(sup, t, prec);
        if (!arf_is_finite(sup))
            ok = 0;
        else
        {
            arf_get_mpfr(r->radius, sup, MPFR_RNDU);
            for (i = 0; i < d; i++)
            {
                mpfr_set_prec(r->w[i], prec);
                arf_get_mpfr(r->w[i], arb_midref(w + i), MPFR_RNDN);   /* exact or nearly */
            }
        }
    }
    _arb_vec_clear(v, d);
    _arb_vec_clear(w, d);
    arb_clear(mu2);
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
newton_active(mpfr_t *lam, const int *act, const mpfr_t *Z, const mpfr_t mu2, slong n, slong d,
              mpfr_prec_t wp, mpfr_t *v, mpfr_t *grad, mpfr_t *H, mpfr_t *dl, mpfr_t *lt,
              slong *perm, slong *idx)
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
        /* grad_A = 1 - Z_A w, H = Z_A diag(2 mu^2 cosh v) Z_A^T */
        mpfr_set_zero(gn, 1);
        for (a = 0; a < na; a++)
        {
            mpfr_set_ui(grad[a], 1, MPFR_RNDN);
            for (i = 0; i < d; i++)
            {
                mpfr_sinh(t, v[i], MPFR_RNDN);
                mpfr_mul(t, t, Z[idx[a] * d + i], MPFR_RNDN);
                mpfr_mul(t, t, mu2, MPFR_RNDN);
                mpfr_mul_2ui(t, t, 1, MPFR_RNDN);
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
                    mpfr_cosh(t, v[i], MPFR_RNDN);
                    mpfr_mul(t, t, Z[idx[a] * d + i], MPFR_RNDN);
                    mpfr_mul(t, t, Z[idx[b] * d + i], MPFR_RNDN);
                    mpfr_add(h, h, t, MPFR_RNDN);
                }
                mpfr_mul(h, h, mu2, MPFR_RNDN);
                mpfr_mul_2ui(h, h, 1, MPFR_RNDN);
            }
        for (a = 0; a < na; a++)
            mpfr_set(dl[a], grad[a], MPFR_RNDN);
        if (_mpbias_lu_factor(H, perm, na, t))
            break;
        _mpbias_lu_solve(dl, (const mpfr_t *) H, perm, na, t);
        /* backtracking (Armijo) on g */
        dual_value(g0, (const mpfr_t *) lam, (const mpfr_t *) v, mu2, n, d, t);
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
            dual_value(g1, (const mpfr_t *) lt, (const mpfr_t *) v, mu2, n, d, t);
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

    if (depth != 2)
        return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0,
                               "the intermediate predictor is implemented for depth 2 only "
                               "(depth %d asked)", depth);
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
               *lt = _mpbias_mpfr_vec_init(n, wp);
        slong *perm = flint_malloc((size_t) n * sizeof(slong)), *idx = flint_malloc((size_t) n * sizeof(slong));
        mpfr_t mu2, t, zw, worst;
        int ok = 0;
        mpfr_inits2(wp, mu2, t, zw, worst, (mpfr_ptr) 0);
        mpbias_data_get_z_mpfr(Z, data, MPFR_RNDN);
        fmpq_get_mpfr(mu2, mu_pow_D, MPFR_RNDN);
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
        mpfr_ui_div(t, 1, mu2, MPFR_RNDN);
        mpfr_div_2ui(t, t, 1, MPFR_RNDN);
        mpfr_asinh(t, t, MPFR_RNDN);
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
            if (newton_active(lam, act, (const mpfr_t *) Z, mu2, n, d, wp, v, grad, H, dl, lt,
                              perm, idx) != 0)
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
                    mpfr_sinh(t, v[i], MPFR_RNDN);
                    mpfr_mul(t, t, Z[k * d + i], MPFR_RNDN);
                    mpfr_add(zw, zw, t, MPFR_RNDN);
                }
                mpfr_mul(zw, zw, mu2, MPFR_RNDN);
                mpfr_mul_2ui(zw, zw, 1, MPFR_RNDN);
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
        if (ok && certify(r, data, mu_pow_D, (const mpfr_t *) lam, (slong) wp + 32))
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
