/*
 * lpkkt.c -- KKT points of the l_(2/D) max-margin problem for depth D >= 3:
 *
 *     minimize sum_i |w_i|^p  subject to  Z w >= 1,   p = 2/D in (0, 1).
 *
 * Nonconvex: gradient flow at fixed alpha reaches a KKT point of it (Lyu and
 * Li; Gunasekar et al.), and which one depends on alpha and the path.  Given
 * a candidate (such as a trajectory's late wbar), the candidate's support S
 * (|c_i| > tau max |c|) and active set A (z_n . c <= 1 + tau after scaling to
 * margin 1) fix the KKT system on S:
 *
 *     p |w_i|^(p-1) sign(w_i) = (Z_AS^T lambda)_i   (i in S),
 *     Z_AS w_S = 1,                                  w_i = 0 off S,
 *
 * (off the support the subgradient of |w|^p is unbounded, so no condition),
 * solved by Newton's method from the candidate (lambda from least squares).
 * The point is accepted when Newton converges with the signs kept,
 * lambda >= 0 and the other constraints satisfied; it is then classified:
 * the l1 max-margin solution, another vertex (|S| = |A|: determined by
 * its active constraints), or an interior KKT point (|S| > |A|).
 */
#include "config.h"
#include <stdlib.h>
#include "mpbias-impl.h"

void
mpbias_lpkkt_init(mpbias_lpkkt_t r)
{
    r->n = r->d = 0;
    r->w = r->lambda = NULL;
    r->nsupport = r->nactive = 0;
    r->kind = MPBIAS_KKT_NONE;
    r->tau = 0.0;
    mpfr_init2(r->residual, 64);
    mpfr_set_nan(r->residual);
    mpfr_init2(r->distance, 64);
    mpfr_set_nan(r->distance);
}

void
mpbias_lpkkt_clear(mpbias_lpkkt_t r)
{
    _mpbias_mpfr_vec_clear(r->w, r->d);   /* each a no-op on NULL */
    _mpbias_mpfr_vec_clear(r->lambda, r->n);
    r->w = r->lambda = NULL;
    mpfr_clear(r->residual);
    mpfr_clear(r->distance);
}

/* The active rows (those of A, returned: how many), most active first, kept only while linearly independent
   on the support (duplicate samples, or more active constraints than
   support coordinates at a degenerate vertex, would make the
   multipliers non-unique): Gram-Schmidt in the working precision */
static slong
independent_rows(slong *A, const mpfr_t *Z, const mpfr_t *zc, const slong *S, slong ns, slong n,
                 slong d, double tau, mpfr_prec_t prec)
{
    slong i, k, na = 0;
    mpfr_t t, u, cmax;
    mpfr_inits2(prec, t, u, cmax, (mpfr_ptr) 0);
    slong *cand_rows = flint_malloc((size_t) n * sizeof(slong)), nc = 0, a, b;
    mpfr_t *Q = _mpbias_mpfr_vec_init(ns * ns, prec), *q = _mpbias_mpfr_vec_init(ns, prec);
    for (k = 0; k < n; k++)
        if (mpfr_cmp_d(zc[k], 1.0 + tau) <= 0)
            cand_rows[nc++] = k;
    for (a = 1; a < nc; a++)   /* insertion sort by z . c */
        for (b = a; b > 0 && mpfr_cmp(zc[cand_rows[b]], zc[cand_rows[b - 1]]) < 0; b--)
        {
            slong tmp = cand_rows[b];
            cand_rows[b] = cand_rows[b - 1];
            cand_rows[b - 1] = tmp;
        }
    for (a = 0; a < nc && na < ns; a++)
    {
        mpfr_set_zero(cmax, 1);   /* |row| */
        for (i = 0; i < ns; i++)
        {
            mpfr_set(q[i], Z[cand_rows[a] * d + S[i]], MPFR_RNDN);
            mpfr_fma(cmax, q[i], q[i], cmax, MPFR_RNDN);
        }
        for (b = 0; b < na; b++)
        {
            mpfr_set_zero(t, 1);
            for (i = 0; i < ns; i++)
                mpfr_fma(t, Q[b * ns + i], q[i], t, MPFR_RNDN);
            for (i = 0; i < ns; i++)
            {
                mpfr_mul(u, t, Q[b * ns + i], MPFR_RNDN);
                mpfr_sub(q[i], q[i], u, MPFR_RNDN);
            }
        }
        mpfr_set_zero(t, 1);
        for (i = 0; i < ns; i++)
            mpfr_fma(t, q[i], q[i], t, MPFR_RNDN);
        /* independent if the residual keeps more than 2^(-prec/2) of the row */
        mpfr_mul_2si(u, cmax, -(long) prec / 2, MPFR_RNDN);
        if (mpfr_cmp(t, u) > 0)
        {
            mpfr_sqrt(t, t, MPFR_RNDN);
            for (i = 0; i < ns; i++)
                mpfr_div(Q[na * ns + i], q[i], t, MPFR_RNDN);
            A[na++] = cand_rows[a];
        }
    }
    flint_free(cand_rows);
    _mpbias_mpfr_vec_clear(Q, ns * ns);
    _mpbias_mpfr_vec_clear(q, ns);
    mpfr_clears(t, u, cmax, (mpfr_ptr) 0);
    return na;
}

/* the first k with z_k . w < 1 - tol (w supported on S), or -1 */
static slong
violated_row(const mpfr_t *Z, const mpfr_t *w, const slong *S, slong ns, slong n, slong d,
             const mpfr_t tol)
{
    slong i, k, bad = -1;
    mpfr_t t, u;
    mpfr_inits2(mpfr_get_prec(tol), t, u, (mpfr_ptr) 0);
    for (k = 0; k < n && bad < 0; k++)
    {
        mpfr_set_zero(t, 1);
        for (i = 0; i < ns; i++)
        {
            mpfr_mul(u, Z[k * d + S[i]], w[S[i]], MPFR_RNDN);
            mpfr_add(t, t, u, MPFR_RNDN);
        }
        mpfr_sub_ui(t, t, 1, MPFR_RNDN);
        if (mpfr_cmp(t, tol) < 0 && mpfr_cmpabs(t, tol) > 0)
            bad = k;
    }
    mpfr_clears(t, u, (mpfr_ptr) 0);
    return bad;
}

/* max |w_i - c_i| / max |c_i| with c = cand / cscale, into dist (rounded up) */
static void
distance_to(mpfr_t dist, const mpfr_t *w, const mpfr_t *cand, const mpfr_t cscale, slong d)
{
    slong i;
    mpfr_t t, u;
    mpfr_inits2(mpfr_get_prec(cscale), t, u, (mpfr_ptr) 0);
    mpfr_set_zero(dist, 1);
    mpfr_set_zero(u, 1);
    for (i = 0; i < d; i++)
    {
        mpfr_div(t, cand[i], cscale, MPFR_RNDN);
        if (mpfr_cmpabs(t, u) > 0)
            mpfr_abs(u, t, MPFR_RNDN);
        mpfr_sub(t, w[i], t, MPFR_RNDN);
        if (mpfr_cmpabs(t, dist) > 0)
            mpfr_abs(dist, t, MPFR_RNDU);
    }
    mpfr_div(dist, dist, u, MPFR_RNDU);
    mpfr_clears(t, u, (mpfr_ptr) 0);
}

/* 1 when the l1 max-margin optimum is unique and equal to w to within tol */
static int
is_l1_solution(const mpbias_data_t data, const mpfr_t *w, const mpfr_t tol, mpbias_err_t err)
{
    slong i;
    int same = 0;
    mpbias_l1mm_t l1;
    mpfr_t t;
    mpfr_init2(t, mpfr_get_prec(tol));
    mpbias_l1mm_init(l1);
    if (mpbias_l1mm_compute(l1, data, err) == MPBIAS_OK && l1->separable && l1->unique)
    {
        same = 1;
        for (i = 0; i < data->d && same; i++)
        {
            fmpq_get_mpfr(t, l1->w + i, MPFR_RNDN);
            mpfr_sub(t, t, w[i], MPFR_RNDN);
            same = mpfr_cmpabs(t, tol) <= 0;
        }
    }
    mpbias_l1mm_clear(l1);
    mpfr_clear(t);
    return same;
}

/* lambda_A in the least-squares sense from the stationarity equations,
   (Z_AS Z_AS^T) lambda = Z_AS g, g_i = p |w_i|^(p-1) sign(w_i), into F
   (J, perm: room for na x na); nonzero when Z_AS Z_AS^T is singular. */
static int
ls_multipliers(mpfr_t *J, mpfr_t *F, slong *perm, const mpfr_t *Z, const mpfr_t *w, const slong *S,
               slong ns, const slong *A, slong na, slong d, const mpfr_t pexp)
{
    slong i, j, k;
    int singular;
    mpfr_t t, u;
    mpfr_inits2(mpfr_get_prec(pexp), t, u, (mpfr_ptr) 0);
    for (j = 0; j < na; j++)
    {
        for (k = 0; k < na; k++)
        {
            mpfr_ptr e = J[j * na + k];
            mpfr_set_zero(e, 1);
            for (i = 0; i < ns; i++)
            {
                mpfr_mul(t, Z[A[j] * d + S[i]], Z[A[k] * d + S[i]], MPFR_RNDN);
                mpfr_add(e, e, t, MPFR_RNDN);
            }
        }
        mpfr_set_zero(F[j], 1);
        for (i = 0; i < ns; i++)
        {
            mpfr_abs(t, w[S[i]], MPFR_RNDN);
            mpfr_sub_ui(u, pexp, 1, MPFR_RNDN);
            mpfr_pow(t, t, u, MPFR_RNDN);
            mpfr_mul(t, t, pexp, MPFR_RNDN);
            if (mpfr_sgn(w[S[i]]) < 0)
                mpfr_neg(t, t, MPFR_RNDN);
            mpfr_mul(t, t, Z[A[j] * d + S[i]], MPFR_RNDN);
            mpfr_add(F[j], F[j], t, MPFR_RNDN);
        }
    }
    singular = _mpbias_lu_factor(J, perm, na, t);
    if (!singular)
        _mpbias_lu_solve(F, (const mpfr_t *) J, perm, na, t);
    mpfr_clears(t, u, (mpfr_ptr) 0);
    return singular;
}

/* Newton's method on F(w_S, lambda_A) = 0 from (w, lam), at most 200
   steps (J, F, perm: room for m = ns + na unknowns); nrm: the max-norm
   of F at the last point.  1 when it fell to tol. */
static int
kkt_newton(mpfr_t *w, mpfr_t *lam, mpfr_t *J, mpfr_t *F, slong *perm, mpfr_t nrm, const mpfr_t *Z,
           const slong *S, slong ns, const slong *A, slong na, slong d, const mpfr_t pexp,
           const mpfr_t tol)
{
    slong i, j, it, m = ns + na;
    int conv = 0;
    mpfr_t t, u;
    mpfr_inits2(mpfr_get_prec(nrm), t, u, (mpfr_ptr) 0);
    for (it = 0; it < 200 && !conv; it++)
    {
    /* F = [p|w|^(p-1)sgn(w) - Z^T lambda ; Z w - 1], J = [[diag p(p-1)|w|^(p-2), -Z^T], [Z, 0]] */
        for (i = 0; i < m * m; i++)
            mpfr_set_zero(J[i], 1);
        for (i = 0; i < ns; i++)
        {
            mpfr_ptr f = F[i];
            mpfr_abs(t, w[S[i]], MPFR_RNDN);
            if (mpfr_zero_p(t))
                break;
            mpfr_sub_ui(u, pexp, 1, MPFR_RNDN);
            mpfr_pow(f, t, u, MPFR_RNDN);                     /* |w|^(p-1) */
            mpfr_div(u, f, t, MPFR_RNDN);                     /* |w|^(p-2) */
            mpfr_mul(f, f, pexp, MPFR_RNDN);
            if (mpfr_sgn(w[S[i]]) < 0)
                mpfr_neg(f, f, MPFR_RNDN);
            mpfr_sub_ui(t, pexp, 1, MPFR_RNDN);
            mpfr_mul(t, t, pexp, MPFR_RNDN);
            mpfr_mul(J[i * m + i], u, t, MPFR_RNDN);
            for (j = 0; j < na; j++)
            {
                mpfr_mul(t, Z[A[j] * d + S[i]], lam[A[j]], MPFR_RNDN);
                mpfr_sub(f, f, t, MPFR_RNDN);
                mpfr_neg(J[i * m + ns + j], Z[A[j] * d + S[i]], MPFR_RNDN);
            }
        }
        for (j = 0; j < na; j++)
        {
            mpfr_ptr f = F[ns + j];
            mpfr_set_si(f, -1, MPFR_RNDN);
            for (i = 0; i < ns; i++)
            {
                mpfr_mul(t, Z[A[j] * d + S[i]], w[S[i]], MPFR_RNDN);
                mpfr_add(f, f, t, MPFR_RNDN);
                mpfr_set(J[(ns + j) * m + i], Z[A[j] * d + S[i]], MPFR_RNDN);
            }
        }
        mpfr_set_zero(nrm, 1);
        for (i = 0; i < m; i++)
            if (mpfr_cmpabs(F[i], nrm) > 0)
                mpfr_abs(nrm, F[i], MPFR_RNDN);
        if (!mpfr_number_p(nrm))
            break;
        if (mpfr_cmp(nrm, tol) <= 0)
        {
            conv = 1;
            break;
        }
        if (_mpbias_lu_factor(J, perm, m, t))
            break;
        _mpbias_lu_solve(F, (const mpfr_t *) J, perm, m, t);
        for (i = 0; i < ns; i++)
        {
            mpfr_sub(t, w[S[i]], F[i], MPFR_RNDN);
            if (mpfr_sgn(t) != mpfr_sgn(w[S[i]]))
                mpfr_div_2ui(t, w[S[i]], 1, MPFR_RNDN);   /* keep the sign: damp */
            mpfr_set(w[S[i]], t, MPFR_RNDN);
        }
        for (j = 0; j < na; j++)
            mpfr_sub(lam[A[j]], lam[A[j]], F[ns + j], MPFR_RNDN);
    }
    mpfr_clears(t, u, (mpfr_ptr) 0);
    return conv;
}

/* The candidate scaled to margin 1: cscale = min_k z_k . c, w = c /
   cscale and zc_k = z_k . c / cscale.  Returns 0 when cscale <= 0 (the
   candidate does not separate the data). */
static int
scale_candidate(mpfr_t *w, mpfr_t *zc, mpfr_t cscale, const mpfr_t *Z, const mpfr_t *cand, slong n,
                slong d)
{
    slong i, k;
    int ok;
    mpfr_t t, cmax;
    mpfr_inits2(mpfr_get_prec(cscale), t, cmax, (mpfr_ptr) 0);
    mpfr_set_inf(cmax, 1);
    for (k = 0; k < n; k++)
    {
        mpfr_set_zero(zc[k], 1);
        for (i = 0; i < d; i++)
        {
            mpfr_mul(t, Z[k * d + i], cand[i], MPFR_RNDN);
            mpfr_add(zc[k], zc[k], t, MPFR_RNDN);
        }
        if (mpfr_cmp(zc[k], cmax) < 0)
            mpfr_set(cmax, zc[k], MPFR_RNDN);
    }
    ok = mpfr_sgn(cmax) > 0;
    if (ok)
    {
        mpfr_set(cscale, cmax, MPFR_RNDN);
        for (i = 0; i < d; i++)
            mpfr_div(w[i], cand[i], cmax, MPFR_RNDN);
        for (k = 0; k < n; k++)
            mpfr_div(zc[k], zc[k], cmax, MPFR_RNDN);
    }
    mpfr_clears(t, cmax, (mpfr_ptr) 0);
    return ok;
}

/* The support S = {i : |w_i| > tau max |w|} (returned: its size); w is
   set to 0 off it. */
static slong
candidate_support(slong *S, mpfr_t *w, double tau, slong d)
{
    slong i, ns = 0;
    mpfr_t t, cmax;
    mpfr_inits2(mpfr_get_prec(w[0]), t, cmax, (mpfr_ptr) 0);
    mpfr_set_zero(cmax, 1);
    for (i = 0; i < d; i++)
        if (mpfr_cmpabs(w[i], cmax) > 0)
            mpfr_abs(cmax, w[i], MPFR_RNDN);
    for (i = 0; i < d; i++)
    {
        mpfr_abs(t, w[i], MPFR_RNDN);
        mpfr_div(t, t, cmax, MPFR_RNDN);
        if (mpfr_cmp_d(t, tau) > 0)
            S[ns++] = i;
        else
            mpfr_set_zero(w[i], 1);
    }
    mpfr_clears(t, cmax, (mpfr_ptr) 0);
    return ns;
}

/* The acceptance of the point Newton converged to: the multipliers of
   the active constraints >= 0, and no other constraint violated beyond
   tol. */
static mpbias_status
accept_point(const mpfr_t *lam, const slong *A, slong na, const mpfr_t *Z, const mpfr_t *w,
             const slong *S, slong ns, slong n, slong d, const mpfr_t tol, mpbias_err_t err)
{
    slong j, k;
    for (j = 0; j < na; j++)
        if (mpfr_sgn(lam[A[j]]) < 0)
            return _mpbias_err_set(err, MPBIAS_ERR_NUMERIC, NULL, 0, 0,
                                   "not a KKT point: a multiplier of an active constraint is "
                                   "negative (sample %ld)", (long) A[j] + 1);
    if ((k = violated_row(Z, w, S, ns, n, d, tol)) >= 0)
        return _mpbias_err_set(err, MPBIAS_ERR_NUMERIC, NULL, 0, 0,
                               "not a KKT point: constraint %ld violated", (long) k + 1);
    return MPBIAS_OK;
}

mpbias_status
mpbias_lpkkt_compute(mpbias_lpkkt_t r, const mpbias_data_t data, int depth, const mpfr_t *cand,
                     double tau, mpfr_prec_t prec, mpbias_err_t err)
{
    slong n = data->n, d = data->d, i, j, k, ns = 0, na = 0, m;
    mpbias_status st = MPBIAS_OK;
    mpfr_t *Z, *w, *lam, *J, *F, *zc;
    slong *S, *A, *perm;
    mpfr_t cscale, pexp, nrm, tol;
    int conv = 0;

    if (depth < 3)
        return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0,
                               "l_(2/D) KKT points are for depth >= 3 (depth %d asked)", depth);
    if (!(tau > 0.0 && tau < 1.0))
        return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0, "the support threshold must be in (0, 1)");
    mpbias_lpkkt_clear(r);
    mpbias_lpkkt_init(r);
    r->n = n;
    r->d = d;
    r->tau = tau;
    r->w = _mpbias_mpfr_vec_init(d, prec);
    r->lambda = _mpbias_mpfr_vec_init(n, prec);
    Z = _mpbias_mpfr_vec_init(n * d, prec);
    w = _mpbias_mpfr_vec_init(d, prec);
    lam = _mpbias_mpfr_vec_init(n, prec);
    zc = _mpbias_mpfr_vec_init(n, prec);
    S = flint_malloc((size_t) d * sizeof(slong));
    A = flint_malloc((size_t) n * sizeof(slong));
    mpfr_inits2(prec, cscale, pexp, nrm, tol, (mpfr_ptr) 0);
    mpbias_data_get_z_mpfr(Z, data, MPFR_RNDN);
    for (k = 0; k < n; k++)
        mpfr_set_zero(lam[k], 1);   /* zero off the active set */
    mpfr_set_ui(pexp, 2, MPFR_RNDN);
    mpfr_div_ui(pexp, pexp, (unsigned long) depth, MPFR_RNDN);

    if (!scale_candidate(w, zc, cscale, (const mpfr_t *) Z, cand, n, d))
    {
        st = _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0,
                             "the candidate does not separate the data (min z_n . c <= 0)");
        goto done;
    }
    /* support and active set */
    ns = candidate_support(S, w, tau, d);
    na = independent_rows(A, (const mpfr_t *) Z, (const mpfr_t *) zc, S, ns, n, d, tau, prec);
    m = ns + na;
    J = _mpbias_mpfr_vec_init(m * m, prec);
    F = _mpbias_mpfr_vec_init(m, prec);
    perm = flint_malloc((size_t) m * sizeof(slong));
    if (na == 0 || ns == 0)
    {
        st = _mpbias_err_set(err, MPBIAS_ERR_NUMERIC, NULL, 0, 0,
                             "no active constraint or empty support at the candidate");
        goto done2;
    }
    /* lambda_A from the stationarity equations in the least-squares sense */
    if (ls_multipliers(J, F, perm, (const mpfr_t *) Z, (const mpfr_t *) w, S, ns, A, na, d, pexp))
    {
        st = _mpbias_err_set(err, MPBIAS_ERR_NUMERIC, NULL, 0, 0,
                             "the active constraints are linearly dependent on the support");
        goto done2;
    }
    for (j = 0; j < na; j++)
        mpfr_set(lam[A[j]], F[j], MPFR_RNDN);

    /* Newton on (w_S, lambda_A) */
    mpfr_set_ui_2exp(tol, 1, -(long) prec + 24, MPFR_RNDN);
    conv = kkt_newton(w, lam, J, F, perm, nrm, (const mpfr_t *) Z, S, ns, A, na, d, pexp, tol);
    if (!conv)
    {
        st = _mpbias_err_set(err, MPBIAS_ERR_NUMERIC, NULL, 0, 0,
                             "Newton's method on the KKT system did not converge from the candidate");
        goto done2;
    }
    mpfr_set(r->residual, nrm, MPFR_RNDU);
    st = accept_point((const mpfr_t *) lam, A, na, (const mpfr_t *) Z, (const mpfr_t *) w, S, ns, n,
                      d, tol, err);
    if (st != MPBIAS_OK)
        goto done2;
    for (i = 0; i < d; i++)
        mpfr_set(r->w[i], w[i], MPFR_RNDN);
    for (k = 0; k < n; k++)
        mpfr_set(r->lambda[k], lam[k], MPFR_RNDN);
    /* how far from the (scaled) candidate: c_scaled = cand / cscale */
    distance_to(r->distance, (const mpfr_t *) w, cand, cscale, d);
    r->nsupport = ns;
    r->nactive = na;
    r->kind = ns == na ? MPBIAS_KKT_VERTEX : MPBIAS_KKT_INTERIOR;
    /* the l1 solution? (unique l1 optimum equal to w to within 2^(24-prec)) */
    if (r->kind == MPBIAS_KKT_VERTEX && is_l1_solution(data, (const mpfr_t *) w, tol, err))
        r->kind = MPBIAS_KKT_L1;
done2:
    _mpbias_mpfr_vec_clear(J, m * m);
    _mpbias_mpfr_vec_clear(F, m);
    flint_free(perm);
done:
    _mpbias_mpfr_vec_clear(Z, n * d);
    _mpbias_mpfr_vec_clear(w, d);
    _mpbias_mpfr_vec_clear(lam, n);
    _mpbias_mpfr_vec_clear(zc, n);
    flint_free(S);
    flint_free(A);
    mpfr_clears(cscale, pexp, nrm, tol, (mpfr_ptr) 0);
    if (st != MPBIAS_OK)
        r->kind = MPBIAS_KKT_NONE;
    return st;
}

static void
mpbias_lpkkt_swap(mpbias_lpkkt_t a, mpbias_lpkkt_t b)
{
    mpbias_lpkkt_struct t = *a;
    *a = *b;
    *b = t;
}

mpbias_status
mpbias_lpkkt_compute_auto(mpbias_lpkkt_t r, const mpbias_data_t data, int depth,
                          const mpfr_t *cand, mpfr_prec_t prec, mpbias_err_t err)
{
    static const double taus[] = { 1e-4, 1e-3, 1e-2, 3e-2, 1e-1, 3e-1 };
    mpbias_status best = MPBIAS_ERR_NUMERIC, st;
    mpbias_lpkkt_t t;
    mpbias_err_t e;
    size_t k;
    mpbias_err_clear(e);
    for (k = 0; k < sizeof taus / sizeof taus[0]; k++)
    {
        mpbias_lpkkt_init(t);
        st = mpbias_lpkkt_compute(t, data, depth, cand, taus[k], prec, e);
        if (st == MPBIAS_OK && (best != MPBIAS_OK || mpfr_cmp(t->distance, r->distance) < 0))
        {
            mpbias_lpkkt_swap(r, t);
            best = MPBIAS_OK;
        }
        else if (st == MPBIAS_ERR_ARG || st == MPBIAS_ERR_NOMEM)
        {
            mpbias_lpkkt_clear(t);
            return _mpbias_err_set(err, st, NULL, 0, 0, "%s", e->msg);
        }
        mpbias_lpkkt_clear(t);
    }
    if (best != MPBIAS_OK)
        return _mpbias_err_set(err, MPBIAS_ERR_NUMERIC, NULL, 0, 0,
                               "no KKT point near the candidate for any support threshold "
                               "(last: %s)", e->msg);
    return MPBIAS_OK;
}
