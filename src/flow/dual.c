/*
 * dual.c -- the reduced ("dual") flow: gradient flow of a depth-D diagonal
 * network written as an ODE for nu in R^N (math.md section 3), with the
 * smoothed margin M = -log L as independent variable.
 *
 * With s = Z^T nu, w = w(s) in closed form and m = Z w, the loss
 * L = sum_n l(m_n), p = g / L (g_n = -l'(m_n)), K = Z diag(w'(s)) Z^T and
 * Phi = p^T K p, gradient flow gives
 *     dnu/dM = p / Phi,    dt/dM = e^M / Phi.
 * The independent variable is x = log(1 + M - M0) (M0 = M at t = 0), so
 * that the late flow, where nu changes like log M, is smooth in x and
 * steps grow with M.  The time is carried by r = log(1 + t) - c(x), with
 * the exact function c(x) = softplus(M - Lam), Lam = log Phi at t = 0:
 * late (M >> Lam) r = log(1 + t) - M + Lam, an O(log M) quantity; early
 * (M << Lam: large initialization scales, tiny times) c(x) is about
 * e^(M - Lam), of the size of t itself, so that log(1 + t) = r + c is
 * never a cancellation of O(1) terms.  In that variable (xi below, with
 * the plateau scale Msc: xi = log(1 + (M - M0) / Msc))
 *     dnu/dxi = E p / Phi,   dr/dxi = E (e^(M - c - r) / Phi - sigma(M - Lam)),
 * E = Msc e^xi, M = M0 + Msc expm1(xi), with M - c = Lam - softplus(Lam - M)
 * formed without cancellation.  Since 2026-12-03 xi is a state component
 * too, y = (nu - nuref, r, xi - xiref), and the independent variable x is
 * a Sundman transform, dxi/dx = theta = Phi / den (set_theta), so that
 * plateaus after the first, where M stands still, are resolved (doc/flow.md,
 * "Several plateaus").  The system is stiff (fast relaxation of the support
 * margins, and of r), so it is integrated with an implicit stepper and
 * this file's exact Jacobian (autonomous in x: df/dx = 0).
 *
 * Nothing here forms exp(-m) or t: p comes from log-sum-exp, l and g of
 * the logistic loss from stable softplus forms.  The workspace holds all
 * scratch; evaluations allocate nothing.
 *
 * Cost (issue 16).  An evaluation is O(N d) products with Z and d
 * closed forms w(s); the Jacobian adds K = Z diag(w') Z^T, O(N^2 d).
 * When Z has an integer form (decimal data: integers below 2^62 over a
 * common denominator) the products with Z are exact fixed-point sums of
 * mpn_addmul_1 (the vector cut to prec + 96 bits below its largest
 * entry), rounded once; otherwise arb_approx_dot on Arb copies of Z.
 * Depth 2's sinh and cosh, deeper networks' log1p and expm1 come from
 * Arb (faithful).  The stepper's
 * preconditioner takes the Jacobian in double (_mpbias_dual_jac_d: K /
 * Phi in double flops); the MPFR Jacobian remains for its error estimate
 * and MPFR fallback.  ws->fast = 0 selects the plain loops of
 * mpfr_mul/mpfr_add and MPFR's functions (the tests' reference).
 */
#include "config.h"
#include <stdlib.h>
#include "mpbias-impl.h"

#define NEWV(len) _mpbias_mpfr_vec_init((len), prec)

int
_mpbias_dual_init(_mpbias_dual_t ws, const mpbias_data_t data, const mpbias_model_t model,
                  mpfr_prec_t prec)
{
    slong n = data->n, d = data->d, i;
    mpfr_t t;
    ws->n = n;
    ws->d = d;
    ws->D = model->depth;
    ws->loss = model->loss;
    ws->prec = prec;
    ws->Z = NEWV(n * d);
    mpbias_data_get_z_mpfr(ws->Z, data, MPFR_RNDN);
    ws->c0 = NEWV(d);
    ws->c1 = NEWV(d);
    ws->s = NEWV(d);
    ws->w = NEWV(d);
    ws->w1 = NEWV(d);
    ws->w2 = NEWV(d);
    ws->v = NEWV(d);
    ws->r = NEWV(d);
    ws->m = NEWV(n);
    ws->lg = NEWV(n);
    ws->p = NEWV(n);
    ws->c = NEWV(n);
    ws->Kp = NEWV(n);
    ws->u = NEWV(n);
    ws->gphi = NEWV(n);
    ws->K = NEWV(n * n);
    ws->nu = NEWV(n);
    ws->P = NEWV(d);
    ws->Q = NEWV(d);
    ws->PQ = NEWV(d);
    mpfr_init2(ws->Phi, prec);
    mpfr_init2(ws->logL, prec);
    mpfr_init2(ws->M0, prec);
    mpfr_init2(ws->E, prec);
    mpfr_init2(ws->eq, prec);
    mpfr_init2(ws->t1, prec);
    mpfr_init2(ws->t2, prec);
    mpfr_init2(ws->t3, prec);
    mpfr_init2(ws->Lam, prec);
    mpfr_init2(ws->g1, prec);
    mpfr_init2(ws->sig, prec);
    mpfr_init2(ws->Msc, prec);
    mpfr_set_ui(ws->Msc, 1, MPFR_RNDN);
    mpfr_init2(ws->xiref, prec);
    mpfr_init2(ws->xi, prec);
    mpfr_init2(ws->theta, prec);
    mpfr_init2(ws->sgm, prec);
    mpfr_init2(ws->pref, prec);
    mpfr_init2(ws->den, prec);
    mpfr_init2(ws->sE, prec);
    mpfr_init2(ws->omsE, prec);
    ws->pa = NEWV(d);
    for (i = 0; i < d; i++)
    {
        slong a;
        mpfr_set_zero(ws->pa[i], 1);
        for (a = 0; a < n; a++)
            if (mpfr_cmpabs(ws->Z[a * d + i], ws->pa[i]) > 0)
                mpfr_abs(ws->pa[i], ws->Z[a * d + i], MPFR_RNDN);
        mpfr_sqr(ws->pa[i], ws->pa[i], MPFR_RNDN);          /* max_a Z_ai^2 */
    }
    ws->kq = NEWV(d);
    ws->ke = NEWV(d);
    ws->gth = NEWV(n);
    ws->zq = NEWV(n);
    mpfr_set_zero(ws->xiref, 1);
    mpfr_set_zero(ws->xi, 1);
    mpfr_set_ui(ws->theta, 1, MPFR_RNDN);
    mpfr_set_zero(ws->Lam, 1);
    mpfr_set_zero(ws->M0, 1);
    mpfr_init2(t, prec);

    /* Per-coordinate constants of w(s):
       D = 1: c0 = a - b;  D = 2: c0 = 2ab, c1 = log(a/b);
       D >= 3: c0 = a^(2-D), c1 = b^(2-D). */
    for (i = 0; i < d; i++)
    {
        const fmpq *a = model->shape_a ? model->shape_a + i : model->alpha;
        const fmpq *b = model->shape_b ? model->shape_b + i : model->alpha;
        if (ws->D == 1)
        {
            fmpq_t q;
            fmpq_init(q);
            fmpq_sub(q, a, b);
            fmpq_get_mpfr(ws->c0[i], q, MPFR_RNDN);
            fmpq_clear(q);
        }
        else if (ws->D == 2)
        {
            fmpq_t q;
            fmpq_init(q);
            fmpq_mul(q, a, b);
            fmpq_mul_2exp(q, q, 1);
            fmpq_get_mpfr(ws->c0[i], q, MPFR_RNDN);
            fmpq_div(q, a, b);
            fmpq_get_mpfr(t, q, MPFR_RNDN);
            mpfr_log(ws->c1[i], t, MPFR_RNDN);
            fmpq_clear(q);
        }
        else
        {
            fmpq_get_mpfr(t, a, MPFR_RNDN);
            mpfr_pow_si(ws->c0[i], t, 2 - ws->D, MPFR_RNDN);
            fmpq_get_mpfr(t, b, MPFR_RNDN);
            mpfr_pow_si(ws->c1[i], t, 2 - ws->D, MPFR_RNDN);
        }
    }
    mpfr_clear(t);
    /* the bits the gaps cancel: about log2 max(c0_i, c1_i) (the gaps end
       near alpha^(D-2) gamma^(-(D-2)/D) relative to c0; the driver's
       guard bits cover the gamma part) */
    ws->hiprec = prec;
    if (ws->D >= 3)
    {
        mpfr_exp_t e = 0;
        for (i = 0; i < d; i++)
        {
            if (mpfr_get_exp(ws->c0[i]) > e)
                e = mpfr_get_exp(ws->c0[i]);
            if (mpfr_get_exp(ws->c1[i]) > e)
                e = mpfr_get_exp(ws->c1[i]);
        }
        if (e > 0)
            ws->hiprec = prec + (mpfr_prec_t) e + 32;
    }
    ws->nuref = _mpbias_mpfr_vec_init(n, ws->hiprec);
    ws->nuhi = _mpbias_mpfr_vec_init(n, ws->hiprec);
    ws->Zhi = _mpbias_mpfr_vec_init(n * d, ws->hiprec);
    ws->c0hi = _mpbias_mpfr_vec_init(d, ws->hiprec);
    ws->c1hi = _mpbias_mpfr_vec_init(d, ws->hiprec);
    mpfr_init2(ws->shi, ws->hiprec);
    mpfr_init2(ws->thi, ws->hiprec);
    for (i = 0; i < n; i++)
        mpfr_set_zero(ws->nuref[i], 1);
    mpbias_data_get_z_mpfr(ws->Zhi, data, MPFR_RNDN);
    /* the Arb copies of Z for the fast dot products (exact) */
    ws->fast = 1;
    ws->Za = _arb_vec_init(n * d);
    ws->ZTa = _arb_vec_init(n * d);
    ws->ZThia = _arb_vec_init(ws->D >= 3 ? n * d : 1);
    ws->Zwa = _arb_vec_init(n * d);
    ws->Ka = _arb_vec_init(n * n);
    ws->xa = _arb_vec_init(n > d ? n : d);
    ws->ya = _arb_vec_init(n > d ? n : d);
    arb_init(ws->acc);
    arb_init(ws->ea);
    arb_init(ws->eb);
    arb_init(ws->ec);
    ws->Zd = flint_malloc((size_t) (n * d) * sizeof(double));
    ws->Zwd = flint_malloc((size_t) (n * d) * sizeof(double));
    ws->Kd = flint_malloc((size_t) (n * n) * sizeof(double));
    ws->vd = flint_malloc((size_t) (8 * (n > d ? n : d)) * sizeof(double));
    /* integer form of Z: a common denominator and numerators below 2^62 */
    {
        fmpz_t den, q;
        slong k, len = n > d ? n : d;
        fmpz_init(den);
        fmpz_init(q);
        fmpz_one(den);
        for (k = 0; k < n * d; k++)
            fmpz_lcm(den, den, fmpq_denref(data->z + k));
        ws->zint = fmpz_abs_fits_ui(den) && fmpz_bits(den) <= 62;
        ws->Zi = flint_malloc((size_t) (n * d) * sizeof(slong));
        ws->ZTi = flint_malloc((size_t) (n * d) * sizeof(slong));
        for (k = 0; k < n * d && ws->zint; k++)
        {
            fmpz_divexact(q, den, fmpq_denref(data->z + k));
            fmpz_mul(q, q, fmpq_numref(data->z + k));
            if (fmpz_bits(q) > 62)
                ws->zint = 0;
            else
            {
                ws->Zi[k] = fmpz_get_si(q);
                ws->ZTi[(k % d) * n + k / d] = ws->Zi[k];
            }
        }
        ws->zden = ws->zint ? fmpz_get_ui(den) : 1;
        ws->xlen = (ws->hiprec + 96 + FLINT_BITS - 1) / FLINT_BITS;
        ws->xl = flint_malloc((size_t) (len * ws->xlen) * sizeof(mp_limb_t));
        ws->acc2 = flint_malloc((size_t) (2 * (ws->xlen + 4)) * sizeof(mp_limb_t));
        ws->xs = flint_malloc((size_t) len * sizeof(int));
        mpz_init(ws->zt);
        mpfr_init2(ws->zsum, (ws->xlen + 4) * FLINT_BITS);
        ws->ylen = (prec + 96 + FLINT_BITS - 1) / FLINT_BITS;
        ws->Yl = ws->zint ? flint_malloc((size_t) (n * d * (ws->ylen + 1)) * sizeof(mp_limb_t)) : NULL;
        ws->Ys = ws->zint ? flint_malloc((size_t) (n * d) * sizeof(int)) : NULL;
        mpfr_init2(ws->zden2, 2 * FLINT_BITS);
        mpfr_set_ui(ws->zden2, ws->zden, MPFR_RNDN);
        mpfr_sqr(ws->zden2, ws->zden2, MPFR_RNDN);          /* exact */
        ws->shv = _mpbias_mpfr_vec_init(d, ws->hiprec);
        fmpz_clear(den);
        fmpz_clear(q);
    }
    {
        slong k;
        for (k = 0; k < n * d; k++)
            ws->Zd[k] = mpfr_get_d(ws->Z[k], MPFR_RNDN);
        for (k = 0; k < n; k++)
            for (i = 0; i < d; i++)
            {
                arf_set_mpfr(arb_midref(ws->Za + k * d + i), ws->Z[k * d + i]);
                arf_set_mpfr(arb_midref(ws->ZTa + i * n + k), ws->Z[k * d + i]);
                if (ws->D >= 3)
                    arf_set_mpfr(arb_midref(ws->ZThia + i * n + k), ws->Zhi[k * d + i]);
            }
    }
    if (ws->D >= 3)
        for (i = 0; i < d; i++)
        {
            const fmpq *a = model->shape_a ? model->shape_a + i : model->alpha;
            const fmpq *b = model->shape_b ? model->shape_b + i : model->alpha;
            fmpq_get_mpfr(ws->thi, a, MPFR_RNDN);
            mpfr_pow_si(ws->c0hi[i], ws->thi, 2 - ws->D, MPFR_RNDN);
            fmpq_get_mpfr(ws->thi, b, MPFR_RNDN);
            mpfr_pow_si(ws->c1hi[i], ws->thi, 2 - ws->D, MPFR_RNDN);
        }
    return 0;
}

void
_mpbias_dual_clear(_mpbias_dual_t ws)
{
    slong n = ws->n, d = ws->d;
    _mpbias_mpfr_vec_clear(ws->Z, n * d);
    _mpbias_mpfr_vec_clear(ws->c0, d);
    _mpbias_mpfr_vec_clear(ws->c1, d);
    _mpbias_mpfr_vec_clear(ws->s, d);
    _mpbias_mpfr_vec_clear(ws->w, d);
    _mpbias_mpfr_vec_clear(ws->w1, d);
    _mpbias_mpfr_vec_clear(ws->w2, d);
    _mpbias_mpfr_vec_clear(ws->v, d);
    _mpbias_mpfr_vec_clear(ws->r, d);
    _mpbias_mpfr_vec_clear(ws->m, n);
    _mpbias_mpfr_vec_clear(ws->lg, n);
    _mpbias_mpfr_vec_clear(ws->p, n);
    _mpbias_mpfr_vec_clear(ws->c, n);
    _mpbias_mpfr_vec_clear(ws->Kp, n);
    _mpbias_mpfr_vec_clear(ws->u, n);
    _mpbias_mpfr_vec_clear(ws->gphi, n);
    _mpbias_mpfr_vec_clear(ws->K, n * n);
    _mpbias_mpfr_vec_clear(ws->nuref, n);
    _mpbias_mpfr_vec_clear(ws->nu, n);
    _mpbias_mpfr_vec_clear(ws->nuhi, n);
    _mpbias_mpfr_vec_clear(ws->Zhi, n * d);
    _mpbias_mpfr_vec_clear(ws->c0hi, d);
    _mpbias_mpfr_vec_clear(ws->c1hi, d);
    _mpbias_mpfr_vec_clear(ws->P, d);
    _mpbias_mpfr_vec_clear(ws->Q, d);
    _mpbias_mpfr_vec_clear(ws->PQ, d);
    mpfr_clear(ws->shi);
    mpfr_clear(ws->thi);
    _arb_vec_clear(ws->Za, n * d);
    _arb_vec_clear(ws->ZTa, n * d);
    _arb_vec_clear(ws->ZThia, ws->D >= 3 ? n * d : 1);
    _arb_vec_clear(ws->Zwa, n * d);
    _arb_vec_clear(ws->Ka, n * n);
    _arb_vec_clear(ws->xa, n > d ? n : d);
    _arb_vec_clear(ws->ya, n > d ? n : d);
    arb_clear(ws->acc);
    arb_clear(ws->ea);
    arb_clear(ws->eb);
    arb_clear(ws->ec);
    flint_free(ws->Zd);
    flint_free(ws->Zwd);
    flint_free(ws->Kd);
    flint_free(ws->vd);
    flint_free(ws->Zi);
    flint_free(ws->ZTi);
    flint_free(ws->xl);
    flint_free(ws->acc2);
    flint_free(ws->xs);
    mpz_clear(ws->zt);
    mpfr_clear(ws->zsum);
    mpfr_clear(ws->zden2);
    flint_free(ws->Yl);
    flint_free(ws->Ys);
    _mpbias_mpfr_vec_clear(ws->shv, d);
    mpfr_clear(ws->Phi);
    mpfr_clear(ws->logL);
    mpfr_clear(ws->M0);
    mpfr_clear(ws->E);
    mpfr_clear(ws->eq);
    mpfr_clear(ws->t1);
    mpfr_clear(ws->t2);
    mpfr_clear(ws->t3);
    mpfr_clear(ws->Lam);
    mpfr_clear(ws->g1);
    mpfr_clear(ws->sig);
    mpfr_clear(ws->Msc);
    mpfr_clear(ws->xiref);
    mpfr_clear(ws->xi);
    mpfr_clear(ws->theta);
    mpfr_clear(ws->sgm);
    mpfr_clear(ws->pref);
    mpfr_clear(ws->den);
    mpfr_clear(ws->sE);
    mpfr_clear(ws->omsE);
    _mpbias_mpfr_vec_clear(ws->pa, ws->d);
    _mpbias_mpfr_vec_clear(ws->kq, ws->d);
    _mpbias_mpfr_vec_clear(ws->ke, ws->d);
    _mpbias_mpfr_vec_clear(ws->gth, ws->n);
    _mpbias_mpfr_vec_clear(ws->zq, ws->n);
}

/* out = log1p(in) (fn = 0) or expm1(in) (fn = 1): by Arb with 16 guard
   bits, the midpoint rounded to out's precision (faithful), when
   ws->fast; by MPFR otherwise or when Arb's result is not finite. */
static void
fast_fn(_mpbias_dual_struct *ws, mpfr_t out, const mpfr_t in, int fn)
{
    if (ws->fast && mpfr_number_p(in))
    {
        arb_ptr ea = ws->ea, eb = ws->eb;
        arf_set_mpfr(arb_midref(ea), in);
        mag_zero(arb_radref(ea));
        if (fn == 0)
            arb_log1p(eb, ea, mpfr_get_prec(out) + 16);
        else
            arb_expm1(eb, ea, mpfr_get_prec(out) + 16);
        if (arb_is_finite(eb))
        {
            arf_get_mpfr(out, arb_midref(eb), MPFR_RNDN);
            return;
        }
    }
    if (fn == 0)
        mpfr_log1p(out, in, MPFR_RNDN);
    else
        mpfr_expm1(out, in, MPFR_RNDN);
}

/* w_i, w'_i (and w''_i if `second`) from s_i (D >= 3: from the gaps P_i,
   Q_i).  Returns MPBIAS_ODE_DOMAIN when s leaves the domain of the closed
   form (D >= 3: P = a^(2-D) - D(D-2)s or Q = b^(2-D) + D(D-2)s not
   positive: the flow would have blown up). */
int
_mpbias_dual_weights(_mpbias_dual_t ws, int second)
{
    slong i;
    int D = ws->D;
    mpfr_ptr t1 = ws->t1, t2 = ws->t2, t3 = ws->t3;
    for (i = 0; i < ws->d; i++)
    {
        if (D == 1)
        {
            mpfr_mul_2ui(ws->w[i], ws->s[i], 1, MPFR_RNDN);
            mpfr_add(ws->w[i], ws->w[i], ws->c0[i], MPFR_RNDN);
            mpfr_set_ui(ws->w1[i], 2, MPFR_RNDN);
            if (second)
                mpfr_set_zero(ws->w2[i], 1);
        }
        else if (D == 2)
        {
            /* w = 2ab sinh(4s + log(a/b)), w' = 8ab cosh(.), w'' = 16 w */
            mpfr_mul_2ui(t1, ws->s[i], 2, MPFR_RNDN);
            mpfr_add(t1, t1, ws->c1[i], MPFR_RNDN);
            if (ws->fast && mpfr_number_p(t1))
            {
                /* Arb's sinh and cosh (about 3 times faster than MPFR's
                   at these precisions), 16 guard bits, the midpoints
                   rounded: faithful to prec */
                arb_ptr ea = ws->ea;
                arf_set_mpfr(arb_midref(ea), t1);
                mag_zero(arb_radref(ea));
                arb_sinh_cosh(ws->eb, ws->ec, ea, ws->prec + 16);
                arf_get_mpfr(t2, arb_midref(ws->eb), MPFR_RNDN);
                arf_get_mpfr(t3, arb_midref(ws->ec), MPFR_RNDN);
            }
            else
                mpfr_sinh_cosh(t2, t3, t1, MPFR_RNDN);
            mpfr_mul(ws->w[i], t2, ws->c0[i], MPFR_RNDN);
            mpfr_mul(ws->w1[i], t3, ws->c0[i], MPFR_RNDN);
            mpfr_mul_2ui(ws->w1[i], ws->w1[i], 2, MPFR_RNDN);
            if (second)
                mpfr_mul_2ui(ws->w2[i], ws->w[i], 4, MPFR_RNDN);
        }
        else
        {
            /* P = a^(2-D) - D(D-2)s, Q = b^(2-D) + D(D-2)s, e = D/(D-2):
               w = P^-e - Q^-e, w' = D^2 (P^-(e+1) + Q^-(e+1)),
               w'' = 2 D^3 (D-1) (P^-(e+2) - Q^-(e+2)).  The differences
               cancel while s is small against P (the start of a plateau):
               with lr = log(P/Q) = log1p((P - Q)/Q) (P - Q formed at
               hiprec), w = -P^-e expm1(e lr), w'' = -2 D^3 (D-1) P^-(e+2)
               expm1((e+2) lr), and Q^-(e+1) = P^-(e+1) (P/Q)^e (P/Q).
               P^-e = (P^(1/(D-2)))^-D. */
            unsigned long uD = (unsigned long) D, uD2 = (unsigned long) (D - 2);
            if (mpfr_sgn(ws->P[i]) <= 0 || mpfr_sgn(ws->Q[i]) <= 0)
                return MPBIAS_ODE_DOMAIN;
            mpfr_div(t3, ws->PQ[i], ws->Q[i], MPFR_RNDN);      /* (P - Q)/Q */
            fast_fn(ws, t1, t3, 0);                            /* lr */
            if (second)
            {
                mpfr_mul_ui(ws->w2[i], t1, 3 * uD - 4, MPFR_RNDN);
                mpfr_div_ui(ws->w2[i], ws->w2[i], uD2, MPFR_RNDN);
                fast_fn(ws, ws->w2[i], ws->w2[i], 1);         /* (P/Q)^(e+2) - 1 */
            }
            mpfr_mul_ui(t2, t1, uD, MPFR_RNDN);
            mpfr_div_ui(t2, t2, uD2, MPFR_RNDN);
            fast_fn(ws, t2, t2, 1);                            /* q = (P/Q)^e - 1 */
            mpfr_rootn_ui(t1, ws->P[i], uD2, MPFR_RNDN);
            mpfr_pow_si(t1, t1, -D, MPFR_RNDN);                /* P^-e */
            mpfr_mul(ws->w[i], t1, t2, MPFR_RNDN);
            mpfr_neg(ws->w[i], ws->w[i], MPFR_RNDN);
            mpfr_div(t1, t1, ws->P[i], MPFR_RNDN);             /* P^-(e+1) */
            mpfr_add_ui(t2, t2, 1, MPFR_RNDN);
            mpfr_add_ui(t3, t3, 1, MPFR_RNDN);
            mpfr_mul(t2, t2, t3, MPFR_RNDN);                   /* (P/Q)^(e+1) */
            mpfr_add_ui(t2, t2, 1, MPFR_RNDN);
            mpfr_mul(ws->w1[i], t1, t2, MPFR_RNDN);
            mpfr_mul_ui(ws->w1[i], ws->w1[i], uD * uD, MPFR_RNDN);
            if (second)
            {
                mpfr_div(t1, t1, ws->P[i], MPFR_RNDN);         /* P^-(e+2) */
                mpfr_mul(ws->w2[i], ws->w2[i], t1, MPFR_RNDN);
                mpfr_mul_si(ws->w2[i], ws->w2[i],
                            -2L * (long) D * (long) D * (long) D * (long) (D - 1), MPFR_RNDN);
            }
        }
    }
    return MPBIAS_ODE_OK;
}

/* The margin scale of the initial plateau: while nu is small, M - M0
   grows like Phi(0) |nu| (dnu/dM = p / Phi, p about 1/N), and w stops
   being linear in s once |s_i| reaches S, the scale of the closed form
   (1/4 for D = 2: sinh(4s); about c0 / (2 D^2) for D >= 3, where w'
   grows like (c0 - D(D-2)s)^(-(2D-2)/(D-2))).  Msc = N Phi(0) S / zmax,
   rounded down to a power of 2 and capped at 1: x = log(1 + (M - M0) /
   Msc) then makes the plateau of small initialization scales, where nu
   grows like log(M) (D = 2) or approaches its blow-up point like
   M^(-(D-2)/D) (D >= 3), smooth in x, while large scales keep Msc = 1. */
void
_mpbias_dual_origin(_mpbias_dual_t ws)
{
    slong i, k;
    mpfr_ptr S = ws->t1, zmax = ws->t2;
    mpfr_neg(ws->M0, ws->logL, MPFR_RNDN);
    mpfr_log(ws->Lam, ws->Phi, MPFR_RNDN);
    mpfr_set_ui(ws->Msc, 1, MPFR_RNDN);
    if (ws->D == 1)
        return;
    if (ws->D == 2)
        mpfr_set_ui_2exp(S, 1, -2, MPFR_RNDN);
    else
    {
        mpfr_set_inf(S, 1);
        for (i = 0; i < ws->d; i++)
        {
            if (mpfr_cmp(ws->c0[i], S) < 0)
                mpfr_set(S, ws->c0[i], MPFR_RNDN);
            if (mpfr_cmp(ws->c1[i], S) < 0)
                mpfr_set(S, ws->c1[i], MPFR_RNDN);
        }
        mpfr_div_ui(S, S, 2UL * (unsigned long) ws->D * (unsigned long) ws->D, MPFR_RNDN);
    }
    mpfr_set_zero(zmax, 1);
    for (k = 0; k < ws->n * ws->d; k++)
        if (mpfr_cmpabs(ws->Z[k], zmax) > 0)
            mpfr_abs(zmax, ws->Z[k], MPFR_RNDN);
    mpfr_mul(S, S, ws->Phi, MPFR_RNDN);
    mpfr_mul_si(S, S, (long) ws->n, MPFR_RNDN);
    mpfr_div(S, S, zmax, MPFR_RNDN);
    if (mpfr_number_p(S) && mpfr_sgn(S) > 0 && mpfr_cmp_ui(S, 1) < 0)
        mpfr_set_ui_2exp(ws->Msc, 1, mpfr_get_exp(S) - 1, MPFR_RNDN);
}

void
_mpbias_dual_fold(_mpbias_dual_t ws, mpfr_t *y, mpfr_t *shift)
{
    slong k;
    for (k = 0; k < ws->n; k++)
    {
        if (shift != NULL)
            mpfr_sub(shift[k], shift[k], y[k], MPFR_RNDN);
        mpfr_add(ws->nuref[k], ws->nuref[k], y[k], MPFR_RNDN);
        mpfr_set_zero(y[k], 1);
    }
    /* xi likewise (its tolerance is absolute: traj_update_tol) */
    if (shift != NULL)
        mpfr_sub(shift[ws->n + 1], shift[ws->n + 1], y[ws->n + 1], MPFR_RNDN);
    mpfr_add(ws->xiref, ws->xiref, y[ws->n + 1], MPFR_RNDN);
    mpfr_set_zero(y[ws->n + 1], 1);
}

void
_mpbias_softplus(mpfr_t out, const mpfr_t z, mpfr_t tmp)
{
    mpfr_abs(tmp, z, MPFR_RNDN);
    mpfr_neg(tmp, tmp, MPFR_RNDN);
    mpfr_exp(tmp, tmp, MPFR_RNDN);
    mpfr_log1p(tmp, tmp, MPFR_RNDN);
    if (mpfr_sgn(z) > 0)
        mpfr_add(out, z, tmp, MPFR_RNDN);
    else
        mpfr_set(out, tmp, MPFR_RNDN);
}

/* x (len entries) into the Arb vector out, exactly (the radii stay 0);
   0 if an entry is not finite (then the reference loops are used). */
static int
to_arb(arb_ptr out, const mpfr_t *x, slong len)
{
    slong k;
    for (k = 0; k < len; k++)
    {
        if (!mpfr_number_p(x[k]))
            return 0;
        arf_set_mpfr(arb_midref(out + k), x[k]);
    }
    return 1;
}

/* out = sum_k A[k astep] x_k (len terms), by arb_approx_dot at out's
   precision (one rounding of an accurate sum, instead of the 2 len
   roundings of a loop of mpfr_mul and mpfr_add). */
static void
adot(mpfr_t out, arb_t acc, arb_srcptr A, slong astep, arb_srcptr x, slong len)
{
    arb_approx_dot(acc, NULL, 0, A, astep, x, 1, len, mpfr_get_prec(out));
    arf_get_mpfr(out, arb_midref(acc), MPFR_RNDN);
}

/* The integer form of Z (ws->zint): out[r] = sum_k A[r len + k] x_k /
   zden for r < rows, A = Zi or ZTi.  x is cut to fixed point with its
   largest entry's exponent and prec + 96 bits below it (prec: out's
   precision; the truncation moves each sum by at most 2^-(prec + 96)
   max |x| sum |A| / zden), the sum of the products is exact (mpn
   limbs), and it is rounded once.  Returns 0 (nothing written) when x
   has a non-finite entry. */
static int
zdot(mpfr_t *out, _mpbias_dual_struct *ws, const slong *A, slong rows, slong len, const mpfr_t *x)
{
    slong k, r, L, q;
    mpfr_exp_t emax = MPFR_EMIN_MIN, lsb;
    mp_limb_t *pos = ws->acc2, *neg, *res;
    mpz_t zr;
    int any = 0, sg;
    for (k = 0; k < len; k++)
    {
        if (!mpfr_number_p(x[k]))
            return 0;
        if (!mpfr_zero_p(x[k]))
        {
            if (!any || mpfr_get_exp(x[k]) > emax)
                emax = mpfr_get_exp(x[k]);
            any = 1;
        }
    }
    if (!any)
    {
        for (r = 0; r < rows; r++)
            mpfr_set_zero(out[r], 1);
        return 1;
    }
    L = (mpfr_get_prec(out[0]) + 96 + FLINT_BITS - 1) / FLINT_BITS;
    if (L > ws->xlen)
        return 0;
    lsb = emax - L * FLINT_BITS;
    for (k = 0; k < len; k++)
    {
        mp_limb_t *xk = ws->xl + k * L;
        ws->xs[k] = 0;
        if (mpfr_zero_p(x[k]))
            continue;
        {
            mpfr_exp_t e = mpfr_get_z_2exp(ws->zt, x[k]);   /* x = zt 2^e */
            if (e >= lsb)
                mpz_mul_2exp(ws->zt, ws->zt, (mp_bitcnt_t) (e - lsb));
            else
                mpz_tdiv_q_2exp(ws->zt, ws->zt, (mp_bitcnt_t) (lsb - e));
        }
        ws->xs[k] = mpz_sgn(ws->zt);
        q = (slong) mpz_size(ws->zt);
        for (r = 0; r < q; r++)
            xk[r] = mpz_getlimbn(ws->zt, r);
        for (; r < L; r++)
            xk[r] = 0;
    }
    neg = pos + L + 2;
    for (r = 0; r < rows; r++)
    {
        const slong *a = A + r * len;
        for (k = 0; k < 2 * (L + 2); k++)
            pos[k] = 0;
        for (k = 0; k < len; k++)
        {
            slong z = a[k];
            mp_limb_t cy, *acc;
            if (z == 0 || ws->xs[k] == 0)
                continue;
            acc = ((z > 0) == (ws->xs[k] > 0)) ? pos : neg;
            cy = mpn_addmul_1(acc, ws->xl + k * L, L, (mp_limb_t) (z > 0 ? z : -z));
            mpn_add_1(acc + L, acc + L, 2, cy);
        }
        if (mpn_cmp(pos, neg, L + 2) >= 0)
        {
            mpn_sub_n(pos, pos, neg, L + 2);
            res = pos;
            sg = 1;
        }
        else
        {
            mpn_sub_n(neg, neg, pos, L + 2);
            res = neg;
            sg = -1;
        }
        q = L + 2;
        while (q > 0 && res[q - 1] == 0)
            q--;
        mpz_roinit_n(zr, res, sg * q);
        mpfr_set_z_2exp(ws->zsum, zr, lsb, MPFR_RNDN);      /* exact */
        if (ws->zden == 1)
            mpfr_set(out[r], ws->zsum, MPFR_RNDN);
        else
            mpfr_div_ui(out[r], ws->zsum, ws->zden, MPFR_RNDN);
    }
    return 1;
}

/* The integer form of Z: K = Z diag(w') Z^T = Zi diag(w') Zi^T / zden^2
   into K (and its Arb copy Ka), with w' cut to fixed point with its
   largest entry's exponent and prec + 96 bits below it (each K_ab moves
   by at most 2^-(prec + 96) max w' sum_i |Z_ai Z_bi|), the sums exact
   (mpn limbs: Y = Zi diag(w') once, then K_ab = sum_i Zi_bi Y_ai),
   each rounded once.  Returns 0 (nothing written) when w' has a
   non-finite entry. */
static int
zgram(_mpbias_dual_struct *ws)
{
    slong n = ws->n, d = ws->d, L = ws->ylen, a, b, i, k, q;
    mpfr_exp_t emax = MPFR_EMIN_MIN, lsb;
    mp_limb_t *pos = ws->acc2, *neg = ws->acc2 + L + 3, *res;
    mpz_t zr;
    int any = 0, sg;
    for (i = 0; i < d; i++)
    {
        if (!mpfr_number_p(ws->w1[i]))
            return 0;
        if (!mpfr_zero_p(ws->w1[i]))
        {
            if (!any || mpfr_get_exp(ws->w1[i]) > emax)
                emax = mpfr_get_exp(ws->w1[i]);
            any = 1;
        }
    }
    if (L + 3 > ws->xlen + 4 || L > ws->xlen)
        return 0;
    lsb = emax - L * FLINT_BITS;
    for (i = 0; i < d; i++)
    {
        mp_limb_t *xi = ws->xl + i * L;
        ws->xs[i] = 0;
        if (mpfr_zero_p(ws->w1[i]))
            continue;
        {
            mpfr_exp_t e = mpfr_get_z_2exp(ws->zt, ws->w1[i]);
            if (e >= lsb)
                mpz_mul_2exp(ws->zt, ws->zt, (mp_bitcnt_t) (e - lsb));
            else
                mpz_tdiv_q_2exp(ws->zt, ws->zt, (mp_bitcnt_t) (lsb - e));
        }
        ws->xs[i] = mpz_sgn(ws->zt);
        q = (slong) mpz_size(ws->zt);
        for (k = 0; k < q; k++)
            xi[k] = mpz_getlimbn(ws->zt, k);
        for (; k < L; k++)
            xi[k] = 0;
    }
    for (a = 0; a < n; a++)
        for (i = 0; i < d; i++)
        {
            slong z = ws->Zi[a * d + i];
            mp_limb_t *y = ws->Yl + (a * d + i) * (L + 1);
            if (z == 0 || ws->xs[i] == 0 || !any)
            {
                ws->Ys[a * d + i] = 0;
                continue;
            }
            ws->Ys[a * d + i] = (z > 0) ? ws->xs[i] : -ws->xs[i];
            y[L] = mpn_mul_1(y, ws->xl + i * L, L, (mp_limb_t) (z > 0 ? z : -z));
        }
    for (a = 0; a < n; a++)
        for (b = 0; b <= a; b++)
        {
            const slong *zb = ws->Zi + b * d;
            const int *ys = ws->Ys + a * d;
            for (k = 0; k < 2 * (L + 3); k++)
                pos[k] = 0;
            for (i = 0; i < d; i++)
            {
                slong z = zb[i];
                mp_limb_t cy, *acc;
                if (z == 0 || ys[i] == 0)
                    continue;
                acc = ((z > 0) == (ys[i] > 0)) ? pos : neg;
                cy = mpn_addmul_1(acc, ws->Yl + (a * d + i) * (L + 1), L + 1,
                                  (mp_limb_t) (z > 0 ? z : -z));
                mpn_add_1(acc + L + 1, acc + L + 1, 2, cy);
            }
            if (mpn_cmp(pos, neg, L + 3) >= 0)
            {
                mpn_sub_n(pos, pos, neg, L + 3);
                res = pos;
                sg = 1;
            }
            else
            {
                mpn_sub_n(neg, neg, pos, L + 3);
                res = neg;
                sg = -1;
            }
            q = L + 3;
            while (q > 0 && res[q - 1] == 0)
                q--;
            mpz_roinit_n(zr, res, sg * q);
            mpfr_set_z_2exp(ws->zsum, zr, lsb, MPFR_RNDN);      /* exact */
            mpfr_div(ws->K[a * n + b], ws->zsum, ws->zden2, MPFR_RNDN);
            mpfr_set(ws->K[b * n + a], ws->K[a * n + b], MPFR_RNDN);
            arf_set_mpfr(arb_midref(ws->Ka + a * n + b), ws->K[a * n + b]);
            arf_set_mpfr(arb_midref(ws->Ka + b * n + a), ws->K[a * n + b]);
        }
    return 1;
}

/* From y: nu = nuref + y, s, w, w', (w''), margins m, log L, p and c (see
   the header comment; c_n = 1 - g_n for the logistic loss, 1 for the
   exponential). */
int
_mpbias_dual_eval(_mpbias_dual_t ws, const mpfr_t *y, int second)
{
    slong n = ws->n, d = ws->d, i, k;
    mpfr_ptr t1 = ws->t1, t2 = ws->t2, t3 = ws->t3;
    mpfr_t *nu = ws->nu;
    int r, fastv, zv;

    for (k = 0; k < n; k++)
        mpfr_add(nu[k], ws->nuref[k], y[k], MPFR_RNDN);
    if (ws->D >= 3)
    {
        /* the gaps at hiprec, then rounded: no cancellation at prec */
        unsigned long DD = (unsigned long) ws->D * (unsigned long) (ws->D - 2);
        for (k = 0; k < n; k++)
            mpfr_add(ws->nuhi[k], ws->nuref[k], y[k], MPFR_RNDN);
        zv = ws->fast && ws->zint && zdot(ws->shv, ws, ws->ZTi, d, n, (const mpfr_t *) ws->nuhi);
        fastv = !zv && ws->fast && to_arb(ws->xa, (const mpfr_t *) ws->nuhi, n);
        for (i = 0; i < d; i++)
        {
            if (zv)
                mpfr_set(ws->shi, ws->shv[i], MPFR_RNDN);
            else if (fastv)
                adot(ws->shi, ws->acc, ws->ZThia + i * n, 1, ws->xa, n);
            else
            {
                mpfr_set_zero(ws->shi, 1);
                for (k = 0; k < n; k++)
                    if (!mpfr_zero_p(ws->Zhi[k * d + i]))
                    {
                        mpfr_mul(ws->thi, ws->Zhi[k * d + i], ws->nuhi[k], MPFR_RNDN);
                        mpfr_add(ws->shi, ws->shi, ws->thi, MPFR_RNDN);
                    }
            }
            mpfr_mul_ui(ws->shi, ws->shi, DD, MPFR_RNDN);
            mpfr_sub(ws->P[i], ws->c0hi[i], ws->shi, MPFR_RNDN);
            mpfr_add(ws->Q[i], ws->c1hi[i], ws->shi, MPFR_RNDN);
            mpfr_sub(ws->thi, ws->c0hi[i], ws->c1hi[i], MPFR_RNDN);
            mpfr_mul_2ui(ws->shi, ws->shi, 1, MPFR_RNDN);
            mpfr_sub(ws->PQ[i], ws->thi, ws->shi, MPFR_RNDN);   /* P - Q */
        }
    }
    zv = ws->fast && ws->zint && zdot(ws->s, ws, ws->ZTi, d, n, (const mpfr_t *) nu);
    fastv = !zv && ws->fast && to_arb(ws->xa, (const mpfr_t *) nu, n);
    for (i = 0; i < d && !zv; i++)
    {
        if (fastv)
        {
            adot(ws->s[i], ws->acc, ws->ZTa + i * n, 1, ws->xa, n);
            continue;
        }
        mpfr_set_zero(ws->s[i], 1);
        for (k = 0; k < n; k++)
            if (!mpfr_zero_p(ws->Z[k * d + i]))
            {
                mpfr_mul(t1, ws->Z[k * d + i], nu[k], MPFR_RNDN);
                mpfr_add(ws->s[i], ws->s[i], t1, MPFR_RNDN);
            }
    }
    if ((r = _mpbias_dual_weights(ws, second)) != MPBIAS_ODE_OK)
        return r;
    zv = ws->fast && ws->zint && zdot(ws->m, ws, ws->Zi, n, d, (const mpfr_t *) ws->w);
    fastv = !zv && ws->fast && to_arb(ws->xa, (const mpfr_t *) ws->w, d);
    for (k = 0; k < n; k++)
    {
        if (zv)
            ;
        else if (fastv)
            adot(ws->m[k], ws->acc, ws->Za + k * d, 1, ws->xa, d);
        else
        {
            mpfr_set_zero(ws->m[k], 1);
            for (i = 0; i < d; i++)
                if (!mpfr_zero_p(ws->Z[k * d + i]))
                {
                    mpfr_mul(t1, ws->Z[k * d + i], ws->w[i], MPFR_RNDN);
                    mpfr_add(ws->m[k], ws->m[k], t1, MPFR_RNDN);
                }
        }
        if (!mpfr_number_p(ws->m[k]))
            return MPBIAS_ODE_DOMAIN;
    }
    /* log l_n into lg (temporarily), then log L by log-sum-exp */
    for (k = 0; k < n; k++)
    {
        if (ws->loss == MPBIAS_LOSS_EXP)
            mpfr_neg(ws->lg[k], ws->m[k], MPFR_RNDN);
        else
        {
            /* log softplus(-m); for m beyond (prec + 8) ln 2 it equals
               -m - e^-m/2 + ..., i.e. -m to working precision */
            if (mpfr_cmp_d(ws->m[k], 0.7 * (double) (ws->prec + 8)) > 0)
                mpfr_neg(ws->lg[k], ws->m[k], MPFR_RNDN);
            else
            {
                mpfr_neg(t2, ws->m[k], MPFR_RNDN);
                _mpbias_softplus(t1, t2, t3);
                mpfr_log(ws->lg[k], t1, MPFR_RNDN);
            }
        }
    }
    mpfr_set(t1, ws->lg[0], MPFR_RNDN);
    for (k = 1; k < n; k++)
        if (mpfr_cmp(ws->lg[k], t1) > 0)
            mpfr_set(t1, ws->lg[k], MPFR_RNDN);
    mpfr_set_zero(t2, 1);
    for (k = 0; k < n; k++)
    {
        mpfr_sub(t3, ws->lg[k], t1, MPFR_RNDN);
        mpfr_exp(t3, t3, MPFR_RNDN);
        mpfr_add(t2, t2, t3, MPFR_RNDN);
        if (ws->fast && ws->loss == MPBIAS_LOSS_EXP)
            mpfr_set(ws->p[k], t3, MPFR_RNDN);      /* l_n / max l */
    }
    if (ws->fast && ws->loss == MPBIAS_LOSS_EXP)
    {
        /* exponential loss: g = l, so p_n = (l_n / max l) / sum: one
           exponential per sample instead of two (and no rounding error
           of log L amplified by its size) */
        for (k = 0; k < n; k++)
        {
            mpfr_div(ws->p[k], ws->p[k], t2, MPFR_RNDN);
            mpfr_neg(ws->lg[k], ws->m[k], MPFR_RNDN);
            mpfr_set_ui(ws->c[k], 1, MPFR_RNDN);
        }
    }
    mpfr_log(t2, t2, MPFR_RNDN);
    mpfr_add(ws->logL, t1, t2, MPFR_RNDN);
    /* log g_n, p_n = exp(log g_n - log L), c_n */
    for (k = 0; k < n && !(ws->fast && ws->loss == MPBIAS_LOSS_EXP); k++)
    {
        if (ws->loss == MPBIAS_LOSS_EXP)
        {
            mpfr_neg(ws->lg[k], ws->m[k], MPFR_RNDN);
            mpfr_set_ui(ws->c[k], 1, MPFR_RNDN);
        }
        else
        {
            _mpbias_softplus(t1, ws->m[k], t3);
            mpfr_neg(ws->lg[k], t1, MPFR_RNDN);
            /* c = 1 - g = sigma(m) = exp(-softplus(-m)) */
            mpfr_neg(t2, ws->m[k], MPFR_RNDN);
            _mpbias_softplus(t1, t2, t3);
            mpfr_neg(t1, t1, MPFR_RNDN);
            mpfr_exp(ws->c[k], t1, MPFR_RNDN);
        }
        mpfr_sub(t1, ws->lg[k], ws->logL, MPFR_RNDN);
        mpfr_exp(ws->p[k], t1, MPFR_RNDN);
    }
    /* v = Z^T p, Phi = sum w'_i v_i^2 */
    mpfr_set_zero(ws->Phi, 1);
    zv = ws->fast && ws->zint && zdot(ws->v, ws, ws->ZTi, d, n, (const mpfr_t *) ws->p);
    fastv = !zv && ws->fast && to_arb(ws->xa, (const mpfr_t *) ws->p, n);
    for (i = 0; i < d; i++)
    {
        if (zv)
            ;
        else if (fastv)
            adot(ws->v[i], ws->acc, ws->ZTa + i * n, 1, ws->xa, n);
        else
        {
            mpfr_set_zero(ws->v[i], 1);
            for (k = 0; k < n; k++)
                if (!mpfr_zero_p(ws->Z[k * d + i]))
                {
                    mpfr_mul(t1, ws->Z[k * d + i], ws->p[k], MPFR_RNDN);
                    mpfr_add(ws->v[i], ws->v[i], t1, MPFR_RNDN);
                }
        }
        mpfr_sqr(t1, ws->v[i], MPFR_RNDN);
        mpfr_mul(t1, t1, ws->w1[i], MPFR_RNDN);
        mpfr_add(ws->Phi, ws->Phi, t1, MPFR_RNDN);
    }
    if (mpfr_sgn(ws->Phi) <= 0 || !mpfr_number_p(ws->Phi))
        return MPBIAS_ODE_DOMAIN;
    return MPBIAS_ODE_OK;
}

/* The time variable's split.  With Dm = M - M0 = Msc expm1(x) and
   u = e^(M0 - Lam) expm1(Dm), c(x) = log(1 + u): log(1 + t) exactly for
   a constant Phi = e^Lam (t = integral e^M / Phi dM), so that r = log(1 +
   t) - c(x) stays O(1) where t grows from 0 through 1: at large scales
   (Lam >> 0) c is about t itself, and on the plateau of small scales
   (Lam << 0) log(1 + t) grows from 0 to -Lam while M - M0 is still far
   below Msc.  Late (M - Lam >> 1) c = M - Lam + o(1), and r = log(1 + t)
   - M + Lam is the O(log M) quantity of the late flow.  Into lu: log u;
   into lm: log(-expm1(-Dm)) (= log(expm1(Dm)) - Dm, <= 0); into M: M.
   t1, t2 scratch (distinct from the outputs). */
static void
split_logs(mpfr_t lu, mpfr_t lm, mpfr_t M, const _mpbias_dual_struct *ws, const mpfr_t x,
           mpfr_t t1, mpfr_t t2)
{
    mpfr_expm1(t1, x, MPFR_RNDN);
    mpfr_mul(t1, t1, ws->Msc, MPFR_RNDN);                 /* Dm */
    mpfr_add(M, t1, ws->M0, MPFR_RNDN);
    mpfr_neg(t2, t1, MPFR_RNDN);
    mpfr_expm1(t2, t2, MPFR_RNDN);
    mpfr_neg(t2, t2, MPFR_RNDN);
    mpfr_log(lm, t2, MPFR_RNDN);                          /* log(1 - e^-Dm) */
    if (mpfr_cmp_ui(t1, 1) < 0)
    {
        mpfr_expm1(t2, t1, MPFR_RNDN);
        mpfr_log(lu, t2, MPFR_RNDN);                      /* log expm1(Dm) */
    }
    else
        mpfr_add(lu, t1, lm, MPFR_RNDN);
    mpfr_add(lu, lu, ws->M0, MPFR_RNDN);
    mpfr_sub(lu, lu, ws->Lam, MPFR_RNDN);
}

/* E = dM/dx = Msc e^x, g1 = M - c(x) and sig = c'(x) / E = e^(g1 - Lam),
   without cancellation: for log u > 0, M - c = Lam - lm - log1p(e^-lu).
   Uses t1, t2, t3 and eq. */
static void
set_E(_mpbias_dual_t ws, const mpfr_t x)
{
    mpfr_ptr lu = ws->t3, lm = ws->eq, M = ws->g1;
    mpfr_exp(ws->E, x, MPFR_RNDN);
    mpfr_mul(ws->E, ws->E, ws->Msc, MPFR_RNDN);
    split_logs(lu, lm, M, ws, x, ws->t1, ws->t2);
    if (mpfr_sgn(lu) > 0)
    {
        mpfr_neg(ws->t1, lu, MPFR_RNDN);
        mpfr_exp(ws->t1, ws->t1, MPFR_RNDN);
        mpfr_log1p(ws->t1, ws->t1, MPFR_RNDN);
        mpfr_add(ws->t1, ws->t1, lm, MPFR_RNDN);
        mpfr_sub(ws->g1, ws->Lam, ws->t1, MPFR_RNDN);
    }
    else
    {
        _mpbias_softplus(ws->t1, lu, ws->t2);
        mpfr_sub(ws->g1, M, ws->t1, MPFR_RNDN);
    }
    mpfr_sub(ws->sig, ws->g1, ws->Lam, MPFR_RNDN);
    mpfr_exp(ws->sig, ws->sig, MPFR_RNDN);
}

void
_mpbias_dual_c_of_x(mpfr_t c, const _mpbias_dual_t ws, const mpfr_t x)
{
    mpfr_t lu, lm, M, t1, t2;
    mpfr_inits2(mpfr_get_prec(c) > ws->prec ? mpfr_get_prec(c) : ws->prec, lu, lm, M, t1, t2,
                (mpfr_ptr) 0);
    split_logs(lu, lm, M, ws, x, t1, t2);
    _mpbias_softplus(c, lu, t1);
    mpfr_clears(lu, lm, M, t1, t2, (mpfr_ptr) 0);
}

/* f_r = E (e^(g1 - r) / Phi - sig) = -pre expm1(r + log Phi - Lam) with
   pre = E e^(g1 - r) / Phi (sig = e^(g1 - Lam), e^Lam = Phi(0)): the
   difference of the first form is of two numbers of size pre, which near
   t = 0 is about dt/dx (up to alpha^-(D-2) on the plateaus of small
   scales), so its rounding noise needed as many extra bits; here it is
   exactly 0 at t = 0 (Phi and r as at the start) and pre is O(1) once
   t >> 1.  When |r + log Phi - Lam| >= 1 the two terms differ by a factor
   e at least: the first form then (no overflow of e^(r + log Phi - Lam)
   on a wild Newton iterate).  Needs set_E's sig; into out (not tmp); y_r
   is r. */
static void
fr_value(mpfr_t out, _mpbias_dual_t ws, const mpfr_t pre, const mpfr_t y_r, mpfr_t tmp)
{
    mpfr_log(tmp, ws->Phi, MPFR_RNDN);
    mpfr_sub(tmp, tmp, ws->Lam, MPFR_RNDN);
    mpfr_add(tmp, tmp, y_r, MPFR_RNDN);
    if (mpfr_cmpabs_ui(tmp, 1) < 0)
    {
        mpfr_expm1(tmp, tmp, MPFR_RNDN);
        mpfr_mul(out, pre, tmp, MPFR_RNDN);
        mpfr_neg(out, out, MPFR_RNDN);
        return;
    }
    mpfr_mul(tmp, ws->E, ws->sig, MPFR_RNDN);
    mpfr_sub(out, pre, tmp, MPFR_RNDN);
}

/* The Sundman factor theta = dxi/dx, after the evaluation and set_E.
   The rate at which xi grows per unit of integrated loss (tau, d tau =
   L dt) is Phi / E; the rate at which the sensitivities log w'_i change
   is (w''_i / w'_i) v_i.  With sigma = |k v|_2, k_i = w''_i / w'_i
   (D = 2: 16 w_i / w'_i = 4 tanh(4 s_i + log(a_i/b_i)); D >= 3 its bound
   D (2D - 2) (1/P_i + 1/Q_i), no second derivative needed; D = 1: 0),
   x advances at the rate Phi / E + sigma, so that theta = Phi / (Phi +
   sigma E).  Where xi alone resolves the flow theta is O(1); on a plateau
   entered after the first (samples or coordinates leaving their plateaus
   at different times), M stands still while the gaps P_i close by tens
   of orders of magnitude, theta is tiny there and x follows log P_i.
   Any positive smooth theta gives the same trajectory (xi, nu, r); it
   sets only where the steps go.  Uses t1, t2. */
/* k_i of set_theta into k, and dk_i/ds_i into dk if not NULL (D >= 2;
   D = 2: dk/ds = 16 - k^2; D >= 3: D (2D - 2) D (D - 2) (1/P^2 - 1/Q^2)).
   Uses t3. */
static void
theta_k(_mpbias_dual_struct *ws, mpfr_t k, mpfr_t dk, slong i)
{
    unsigned long C = (unsigned long) ws->D * (unsigned long) (2 * ws->D - 2);
    if (ws->D == 2)
    {
        mpfr_div(k, ws->w[i], ws->w1[i], MPFR_RNDN);
        mpfr_mul_2ui(k, k, 4, MPFR_RNDN);
        if (dk != NULL)
        {
            mpfr_sqr(dk, k, MPFR_RNDN);
            mpfr_ui_sub(dk, 16, dk, MPFR_RNDN);
        }
            return;
    }
    mpfr_ui_div(k, 1, ws->P[i], MPFR_RNDN);
    mpfr_ui_div(ws->t3, 1, ws->Q[i], MPFR_RNDN);
    if (dk != NULL)
    {
        mpfr_sqr(dk, ws->t3, MPFR_RNDN);
        mpfr_fms(dk, k, k, dk, MPFR_RNDN);                 /* 1/P^2 - 1/Q^2 */
        mpfr_mul_ui(dk, dk, C * (unsigned long) ws->D * (unsigned long) (ws->D - 2), MPFR_RNDN);
    }
    mpfr_add(k, k, ws->t3, MPFR_RNDN);                     /* 1/P + 1/Q */
    mpfr_mul_ui(k, k, C, MPFR_RNDN);
}

static void
set_theta(_mpbias_dual_struct *ws)
{
    slong i;
    mpfr_ptr sg = ws->t1, t = ws->t2;
    if (ws->D == 1)
    {
        mpfr_set_ui(ws->theta, 1, MPFR_RNDN);
        mpfr_set_zero(ws->sgm, 1);
        mpfr_set_zero(ws->sE, 1);
        mpfr_set_ui(ws->omsE, 1, MPFR_RNDN);
        mpfr_set_zero(ws->pref, 1);
        mpfr_set(ws->den, ws->Phi, MPFR_RNDN);
        return;
    }
    mpfr_set_zero(sg, 1);
    for (i = 0; i < ws->d; i++)
    {
        theta_k(ws, t, NULL, i);
        mpfr_mul(t, t, ws->v[i], MPFR_RNDN);
        mpfr_sqr(t, t, MPFR_RNDN);
        mpfr_add(sg, sg, t, MPFR_RNDN);
    }
    mpfr_sqrt(sg, sg, MPFR_RNDN);
    /* Pref = sum_i w'_i max_a Z_ai^2 (pa, set at init): the scale of Phi =
       sum_i w'_i v_i^2 without its cancellation (|v_i| <= max_a |Z_ai| as
       sum p <= 1, so Pref >= Phi); near a saddle Phi falls by tens of
       orders of magnitude while Pref does not.  O(d): a weighted sum over
       the samples here was half of the run on N = 50, d = 200 */
    mpfr_set_zero(ws->eq, 1);
    for (i = 0; i < ws->d; i++)
    {
        mpfr_mul(t, ws->pa[i], ws->w1[i], MPFR_RNDN);
        mpfr_add(ws->eq, ws->eq, t, MPFR_RNDN);
    }
    mpfr_set(ws->pref, ws->eq, MPFR_RNDN);
    mpfr_set(ws->sgm, sg, MPFR_RNDN);
    mpfr_mul(sg, sg, ws->E, MPFR_RNDN);
    mpfr_add(t, sg, ws->Phi, MPFR_RNDN);
    mpfr_add(t, t, ws->pref, MPFR_RNDN);
    mpfr_set(ws->den, t, MPFR_RNDN);
    mpfr_div(ws->sE, sg, t, MPFR_RNDN);
    mpfr_add(ws->omsE, ws->Phi, ws->pref, MPFR_RNDN);
    mpfr_div(ws->omsE, ws->omsE, t, MPFR_RNDN);            /* 1 - sE, without cancellation */
    mpfr_div(ws->theta, ws->Phi, t, MPFR_RNDN);
}

/* xi = xiref + y[n + 1], E, g1, sig and theta at y (after the evaluation) */
static void
set_xi(_mpbias_dual_struct *ws, const mpfr_t *y)
{
    mpfr_add(ws->xi, ws->xiref, y[ws->n + 1], MPFR_RNDN);
    set_E(ws, ws->xi);
    set_theta(ws);
}

/* en_i = k_i k'_i v_i^2 / sigma^2 into ke and qn_i = k_i^2 v_i / sigma^2
   into kq (sigma > 0), for den_grad and _mpbias_dual_jac_d.  Uses t1,
   t2, t3. */
static void
theta_kv(_mpbias_dual_struct *ws)
{
    slong i;
    mpfr_ptr t1 = ws->t1, t2 = ws->t2;
    for (i = 0; i < ws->d; i++)
    {
        theta_k(ws, t1, t2, i);
        mpfr_div(t1, t1, ws->sgm, MPFR_RNDN);                /* k / sigma */
        mpfr_div(t2, t2, ws->sgm, MPFR_RNDN);                /* k' / sigma */
        mpfr_mul(ws->ke[i], t1, t2, MPFR_RNDN);
        mpfr_mul(ws->ke[i], ws->ke[i], ws->v[i], MPFR_RNDN);
        mpfr_mul(ws->ke[i], ws->ke[i], ws->v[i], MPFR_RNDN);
        mpfr_sqr(ws->kq[i], t1, MPFR_RNDN);
        mpfr_mul(ws->kq[i], ws->kq[i], ws->v[i], MPFR_RNDN);
    }
}

/* grad den - grad Phi (in nu) into gth, for _mpbias_dual_jac, after K, Kp:
   den = Phi + Pref + E sigma (set_theta), so that this is grad Pref +
   E sigma grad(sigma) / sigma, where, with en, qn of
   theta_kv (dp/dnu = -S K, dv = Z^T dp), grad(sigma) / sigma = Z en -
   [K (p c (Z qn)) - Kp (p . Z qn)].  Uses t1, t2, t3, eq. */
static void
den_grad(_mpbias_dual_struct *ws)
{
    slong n = ws->n, d = ws->d, i, a, b;
    mpfr_ptr t1 = ws->t1, t2 = ws->t2, acc = ws->eq;
    if (ws->D == 1)
    {
        for (a = 0; a < n; a++)
            mpfr_set_zero(ws->gth[a], 1);                  /* den = Phi */
        return;
    }
    /* gth = E sigma grad(sigma)/sigma (sigma > 0) */
    for (a = 0; a < n; a++)
        mpfr_set_zero(ws->gth[a], 1);
    if (!mpfr_zero_p(ws->sgm))
    {
        theta_kv(ws);
        mpfr_set_zero(acc, 1);
        for (a = 0; a < n; a++)
        {
            mpfr_set_zero(ws->zq[a], 1);
            for (i = 0; i < d; i++)
                if (!mpfr_zero_p(ws->Z[a * d + i]))
                {
                    mpfr_mul(t1, ws->Z[a * d + i], ws->ke[i], MPFR_RNDN);
                    mpfr_add(ws->gth[a], ws->gth[a], t1, MPFR_RNDN);
                    mpfr_mul(t1, ws->Z[a * d + i], ws->kq[i], MPFR_RNDN);
                    mpfr_add(ws->zq[a], ws->zq[a], t1, MPFR_RNDN);
                }
            mpfr_mul(ws->zq[a], ws->zq[a], ws->p[a], MPFR_RNDN);
            mpfr_add(acc, acc, ws->zq[a], MPFR_RNDN);           /* p . Z qn */
            mpfr_mul(ws->zq[a], ws->zq[a], ws->c[a], MPFR_RNDN);
        }
        for (b = 0; b < n; b++)
        {
            mpfr_mul(t2, ws->Kp[b], acc, MPFR_RNDN);
            for (a = 0; a < n; a++)
            {
                mpfr_mul(t1, ws->K[a * n + b], ws->zq[a], MPFR_RNDN);
                mpfr_sub(t2, t2, t1, MPFR_RNDN);
            }
            mpfr_add(ws->gth[b], ws->gth[b], t2, MPFR_RNDN);     /* grad sigma / sigma */
            mpfr_mul(ws->gth[b], ws->gth[b], ws->sE, MPFR_RNDN);
            mpfr_mul(ws->gth[b], ws->gth[b], ws->den, MPFR_RNDN);
        }
    }
    /* + grad Pref = Z (w'' pa) (pa constant: set_theta) */
    for (b = 0; b < n; b++)
    {
        mpfr_set_zero(t2, 1);
        for (i = 0; i < d; i++)
            if (!mpfr_zero_p(ws->Z[b * d + i]))
            {
                mpfr_mul(t1, ws->Z[b * d + i], ws->w2[i], MPFR_RNDN);
                mpfr_mul(t1, t1, ws->pa[i], MPFR_RNDN);
                mpfr_add(t2, t2, t1, MPFR_RNDN);
            }
        mpfr_add(ws->gth[b], ws->gth[b], t2, MPFR_RNDN);
    }
}

int
_mpbias_dual_rhs(mpfr_t *f, const mpfr_t x, const mpfr_t *y, void *params)
{
    _mpbias_dual_struct *ws = params;
    slong n = ws->n, k;
    int r = _mpbias_dual_eval(ws, y, ws->D >= 2);
    (void) x;
    if (r != MPBIAS_ODE_OK)
        return r;
    set_xi(ws, y);
    mpfr_div(ws->t1, ws->E, ws->Phi, MPFR_RNDN);          /* E / Phi */
    /* f_r = E (e^(g1 - r) / Phi - sig), without cancellation (fr_value) */
    mpfr_sub(ws->t2, ws->g1, y[n], MPFR_RNDN);
    mpfr_exp(ws->t2, ws->t2, MPFR_RNDN);
    mpfr_mul(ws->t2, ws->t2, ws->t1, MPFR_RNDN);
    fr_value(f[n], ws, ws->t2, y[n], ws->t3);
    mpfr_mul(f[n], f[n], ws->theta, MPFR_RNDN);
    mpfr_mul(ws->t1, ws->t1, ws->theta, MPFR_RNDN);
    for (k = 0; k < n; k++)
        mpfr_mul(f[k], ws->p[k], ws->t1, MPFR_RNDN);
    mpfr_set(f[n + 1], ws->theta, MPFR_RNDN);
    return MPBIAS_ODE_OK;
}

int
_mpbias_dual_jac(mpfr_t *J, mpfr_t *dfdx, const mpfr_t x, const mpfr_t *y, void *params)
{
    _mpbias_dual_struct *ws = params;
    slong n = ws->n, d = ws->d, dim = n + 2, a, b, i;
    mpfr_ptr t1 = ws->t1, t2 = ws->t2, t3 = ws->t3;
    int fastv, r = _mpbias_dual_eval(ws, y, 1);
    (void) x;
    if (r != MPBIAS_ODE_OK)
        return r;
    set_xi(ws, y);
    /* K = Z diag(w') Z^T (symmetric) */
    fastv = ws->fast && to_arb(ws->ya, (const mpfr_t *) ws->w1, d)
            && to_arb(ws->xa, (const mpfr_t *) ws->p, n);
    if (fastv && ws->zint && zgram(ws))
    {
        for (a = 0; a < n; a++)
            adot(ws->Kp[a], ws->acc, ws->Ka + a * n, 1, ws->xa, n);
    }
    else if (fastv)
    {
        /* Zw = Z diag(w') (rounded to prec), K_ab = Zw_a . Z_b */
        for (a = 0; a < n; a++)
            for (i = 0; i < d; i++)
                arf_mul(arb_midref(ws->Zwa + a * d + i), arb_midref(ws->Za + a * d + i),
                        arb_midref(ws->ya + i), ws->prec, ARF_RND_NEAR);
        for (a = 0; a < n; a++)
            for (b = 0; b <= a; b++)
            {
                adot(ws->K[a * n + b], ws->acc, ws->Zwa + a * d, 1, ws->Za + b * d, d);
                mpfr_set(ws->K[b * n + a], ws->K[a * n + b], MPFR_RNDN);
                arf_set_mpfr(arb_midref(ws->Ka + a * n + b), ws->K[a * n + b]);
                arf_set_mpfr(arb_midref(ws->Ka + b * n + a), ws->K[a * n + b]);
            }
        for (a = 0; a < n; a++)
            adot(ws->Kp[a], ws->acc, ws->Ka + a * n, 1, ws->xa, n);
    }
    for (a = 0; a < n && !fastv; a++)
        for (b = 0; b <= a; b++)
        {
            mpfr_set_zero(ws->K[a * n + b], 1);
            for (i = 0; i < d; i++)
                if (!mpfr_zero_p(ws->Z[a * d + i]) && !mpfr_zero_p(ws->Z[b * d + i]))
                {
                    mpfr_mul(t1, ws->Z[a * d + i], ws->Z[b * d + i], MPFR_RNDN);
                    mpfr_mul(t1, t1, ws->w1[i], MPFR_RNDN);
                    mpfr_add(ws->K[a * n + b], ws->K[a * n + b], t1, MPFR_RNDN);
                }
            mpfr_set(ws->K[b * n + a], ws->K[a * n + b], MPFR_RNDN);
        }
    /* Kp = K p; u = S Kp with S = diag(p c) - p p^T: u_a = p_a (c_a Kp_a - Phi) */
    for (a = 0; a < n && !fastv; a++)
    {
        mpfr_set_zero(ws->Kp[a], 1);
        for (b = 0; b < n; b++)
        {
            mpfr_mul(t1, ws->K[a * n + b], ws->p[b], MPFR_RNDN);
            mpfr_add(ws->Kp[a], ws->Kp[a], t1, MPFR_RNDN);
        }
    }
    for (a = 0; a < n; a++)
    {
        mpfr_mul(t1, ws->c[a], ws->Kp[a], MPFR_RNDN);
        mpfr_sub(t1, t1, ws->Phi, MPFR_RNDN);
        mpfr_mul(ws->u[a], t1, ws->p[a], MPFR_RNDN);
    }
    /* grad Phi = -2 K u + Z (w'' v^2);  r_i = w''_i v_i^2 */
    for (i = 0; i < d; i++)
    {
        mpfr_sqr(ws->r[i], ws->v[i], MPFR_RNDN);
        mpfr_mul(ws->r[i], ws->r[i], ws->w2[i], MPFR_RNDN);
    }
    fastv = fastv && to_arb(ws->xa, (const mpfr_t *) ws->u, n)
            && to_arb(ws->ya, (const mpfr_t *) ws->r, d);
    for (a = 0; a < n; a++)
    {
        if (fastv)
        {
            adot(ws->gphi[a], ws->acc, ws->Ka + a * n, 1, ws->xa, n);
            mpfr_mul_si(ws->gphi[a], ws->gphi[a], -2, MPFR_RNDN);
            adot(t1, ws->acc, ws->Za + a * d, 1, ws->ya, d);
            mpfr_add(ws->gphi[a], ws->gphi[a], t1, MPFR_RNDN);
            continue;
        }
        mpfr_set_zero(ws->gphi[a], 1);
        for (b = 0; b < n; b++)
        {
            mpfr_mul(t1, ws->K[a * n + b], ws->u[b], MPFR_RNDN);
            mpfr_add(ws->gphi[a], ws->gphi[a], t1, MPFR_RNDN);
        }
        mpfr_mul_si(ws->gphi[a], ws->gphi[a], -2, MPFR_RNDN);
        for (i = 0; i < d; i++)
            if (!mpfr_zero_p(ws->Z[a * d + i]))
            {
                mpfr_mul(t1, ws->Z[a * d + i], ws->r[i], MPFR_RNDN);
                mpfr_add(ws->gphi[a], ws->gphi[a], t1, MPFR_RNDN);
            }
    }
    /* The rhs is f_nu = E p / den, f_r = -A expm1(B) with A = E e^(g1 - r)
       / den, B = r + log Phi - Lam, f_xi = theta = Phi / den (den = Phi
       + Pref + E sigma, set_theta): differentiated in that form, so that
       nothing cancels however small theta is (theta times the Jacobian of
       the rhs in xi, plus F grad(theta)^T, would cancel to theta relative).
       With grad den = gphi + gq (gq: den_grad), (S K)_ab = p_a (c_a K_ab
       - Kp_b) and dp/dnu = -S K:
         J_ab = (E / den) (-(S K)_ab - p_a (gphi_b + gq_b) / den),
         J_rb = -f_r gq_b / den - (f_r + E sig) gphi_b / den,  J_rr = -A,
         J_xi,b = ((1 - theta) gphi_b - theta gq_b) / den,
       where f_r + E sig = theta E e^(g1 - r) / Phi + (1 - theta) E sig
       is a sum of positive terms (the first form's two terms cancel
       where f_r is small against E sig);
       and the xi column (E = Msc e^xi, d den/dxi = E sigma, dg1/dxi =
       E (1 - sig)): f_nu (1 - sE), f_r (1 - sE + E (1 - sig)), -theta sE
       (sE = E sigma / den). */
    den_grad(ws);
    mpfr_div(t3, ws->E, ws->den, MPFR_RNDN);               /* E / den */
    for (a = 0; a < n; a++)
        for (b = 0; b < n; b++)
        {
            mpfr_mul(t1, ws->c[a], ws->K[a * n + b], MPFR_RNDN);
            mpfr_sub(t1, t1, ws->Kp[b], MPFR_RNDN);         /* (SK)_ab / p_a */
            mpfr_add(t2, ws->gth[b], ws->gphi[b], MPFR_RNDN);
            mpfr_div(t2, t2, ws->den, MPFR_RNDN);
            mpfr_add(t1, t1, t2, MPFR_RNDN);
            mpfr_mul(t1, t1, ws->p[a], MPFR_RNDN);
            mpfr_mul(t1, t1, t3, MPFR_RNDN);
            mpfr_neg(J[a * dim + b], t1, MPFR_RNDN);
        }
    /* the r row: A into t2, f_r into ws->eq */
    mpfr_sub(t2, ws->g1, y[n], MPFR_RNDN);
    mpfr_exp(t2, t2, MPFR_RNDN);
    mpfr_mul(t1, t2, ws->E, MPFR_RNDN);
    mpfr_div(t1, t1, ws->Phi, MPFR_RNDN);                   /* E e^(g1 - r) / Phi */
    fr_value(ws->eq, ws, t1, y[n], ws->r[0]);
    mpfr_mul(ws->eq, ws->eq, ws->theta, MPFR_RNDN);         /* f_r, as in the rhs */
    /* f_r + E sig = theta E e^(g1 - r) / Phi + (1 - theta) E sig into kq[0] (scratch) */
    mpfr_mul(ws->kq[0], t1, ws->theta, MPFR_RNDN);
    mpfr_ui_sub(ws->ke[0], 1, ws->theta, MPFR_RNDN);
    mpfr_mul(ws->ke[0], ws->ke[0], ws->E, MPFR_RNDN);
    mpfr_mul(ws->ke[0], ws->ke[0], ws->sig, MPFR_RNDN);
    mpfr_add(ws->kq[0], ws->kq[0], ws->ke[0], MPFR_RNDN);
    mpfr_mul(t2, t2, t3, MPFR_RNDN);                        /* A = E e^(g1 - r) / den */
    for (b = 0; b < n; b++)
    {
        mpfr_mul(t1, ws->eq, ws->gth[b], MPFR_RNDN);
        mpfr_fma(t1, ws->kq[0], ws->gphi[b], t1, MPFR_RNDN);
        mpfr_div(t1, t1, ws->den, MPFR_RNDN);
        mpfr_neg(J[n * dim + b], t1, MPFR_RNDN);
        mpfr_set_zero(J[b * dim + n], 1);
    }
    mpfr_neg(J[n * dim + n], t2, MPFR_RNDN);
    /* the xi row */
    mpfr_ui_sub(t3, 1, ws->theta, MPFR_RNDN);
    for (b = 0; b < n; b++)
    {
        mpfr_mul(t1, ws->theta, ws->gth[b], MPFR_RNDN);
        mpfr_fms(t1, t3, ws->gphi[b], t1, MPFR_RNDN);
        mpfr_div(J[(n + 1) * dim + b], t1, ws->den, MPFR_RNDN);
    }
    mpfr_div(t3, ws->E, ws->den, MPFR_RNDN);               /* E / den again */
    mpfr_set_zero(J[(n + 1) * dim + n], 1);
    mpfr_mul(t1, ws->sE, ws->theta, MPFR_RNDN);
    mpfr_neg(J[(n + 1) * dim + n + 1], t1, MPFR_RNDN);
    /* the xi column */
    mpfr_mul(t1, ws->omsE, t3, MPFR_RNDN);                  /* (1 - sE) E / den */
    for (a = 0; a < n; a++)
        mpfr_mul(J[a * dim + n + 1], ws->p[a], t1, MPFR_RNDN);
    mpfr_ui_sub(t1, 1, ws->sig, MPFR_RNDN);
    mpfr_mul(t1, t1, ws->E, MPFR_RNDN);
    mpfr_add(t1, t1, ws->omsE, MPFR_RNDN);
    mpfr_mul(J[n * dim + n + 1], ws->eq, t1, MPFR_RNDN);
    for (a = 0; a < dim; a++)
        mpfr_set_zero(dfdx[a], 1);
    return MPBIAS_ODE_OK;
}

/* The Jacobian of _mpbias_dual_jac in double, for the stepper's
   preconditioner.  With Kt = K / Phi (formed from Z and w' / Phi in
   double), Ktp = Kt p (p^T Kt p = 1), ut = u / Phi = p (c Ktp - 1) and
   gt = grad Phi / Phi^2 = -2 Kt ut + Z (w'' v^2 / Phi^2):
   J_ab = -E p_a (c_a Kt_ab - Ktp_b + gt_b), J_nb = -E e^(g1 - r) gt_b,
   J_bn = 0, J_nn = -E e^(g1 - r) / Phi.  The O(N d) evaluation and the
   per-coordinate scalings are in MPFR (no overflow there); an entry out
   of double's range comes out non-finite (the stepper then falls back). */
int
_mpbias_dual_jac_d(double *J, const mpfr_t x, const mpfr_t *y, void *params)
{
    _mpbias_dual_struct *ws = params;
    slong n = ws->n, d = ws->d, dim = n + 2, a, b, i;
    slong len = n > d ? n : d;
    double *wd = ws->vd, *rd = ws->vd + len, *pd = ws->vd + 2 * len, *cd = ws->vd + 3 * len;
    double *Ktp = ws->vd, *ut = ws->vd + len;    /* reuse wd, rd once they are consumed */
    double Ed, eqE, Jnn, acc, th, Jxi_r, Frd, sEd, omsEd, Phid;
    double *gtd = ws->vd + 7 * len;             /* grad den / den */
    mpfr_ptr t1 = ws->t1, t2 = ws->t2;
    int r = _mpbias_dual_eval(ws, y, 1);
    (void) x;
    if (r != MPBIAS_ODE_OK)
        return r;
    set_xi(ws, y);
    th = mpfr_get_d(ws->theta, MPFR_RNDN);
    for (i = 0; i < d; i++)
    {
        mpfr_div(t1, ws->w1[i], ws->Phi, MPFR_RNDN);
        wd[i] = mpfr_get_d(t1, MPFR_RNDN);
        mpfr_div(t1, ws->v[i], ws->Phi, MPFR_RNDN);
        mpfr_sqr(t1, t1, MPFR_RNDN);
        mpfr_mul(t1, t1, ws->w2[i], MPFR_RNDN);
        rd[i] = mpfr_get_d(t1, MPFR_RNDN);
    }
    for (a = 0; a < n; a++)
    {
        pd[a] = mpfr_get_d(ws->p[a], MPFR_RNDN);
        cd[a] = mpfr_get_d(ws->c[a], MPFR_RNDN);
    }
    Ed = mpfr_get_d(ws->E, MPFR_RNDN);
    mpfr_sub(ws->eq, ws->g1, y[n], MPFR_RNDN);
    mpfr_exp(ws->eq, ws->eq, MPFR_RNDN);
    mpfr_mul(t2, ws->eq, ws->E, MPFR_RNDN);
    eqE = mpfr_get_d(t2, MPFR_RNDN);
    mpfr_div(t2, t2, ws->Phi, MPFR_RNDN);
    Jnn = -mpfr_get_d(t2, MPFR_RNDN);
    /* the xi column of r (as in _mpbias_dual_jac): theta F_r (1 - sE + E (1 - sig)) */
    fr_value(t1, ws, t2, y[n], ws->t3);
    mpfr_mul(t1, t1, ws->theta, MPFR_RNDN);
    Frd = mpfr_get_d(t1, MPFR_RNDN);                        /* theta F_r */
    mpfr_ui_sub(ws->t3, 1, ws->sig, MPFR_RNDN);
    mpfr_mul(ws->t3, ws->t3, ws->E, MPFR_RNDN);
    mpfr_add(ws->t3, ws->t3, ws->omsE, MPFR_RNDN);
    mpfr_mul(t1, t1, ws->t3, MPFR_RNDN);
    Jxi_r = mpfr_get_d(t1, MPFR_RNDN);
    /* Kt = (Z diag(w' / Phi)) Z^T, symmetric */
    for (a = 0; a < n; a++)
    {
        const double *za = ws->Zd + a * d;
        double *zw = ws->Zwd + a * d;
        for (i = 0; i < d; i++)
            zw[i] = za[i] * wd[i];
    }
    /* the Z (w'' v^2 / Phi^2) part of gt, into J's last row (scratch) */
    for (a = 0; a < n; a++)
    {
        const double *za = ws->Zd + a * d;
        acc = 0.0;
        for (i = 0; i < d; i++)
            acc += za[i] * rd[i];
        J[n * dim + a] = acc;
    }
    for (a = 0; a < n; a++)
        for (b = 0; b <= a; b++)
        {
            const double *zw = ws->Zwd + a * d, *zb = ws->Zd + b * d;
            acc = 0.0;
            for (i = 0; i < d; i++)
                acc += zw[i] * zb[i];
            ws->Kd[a * n + b] = ws->Kd[b * n + a] = acc;
        }
    for (a = 0; a < n; a++)
    {
        acc = 0.0;
        for (b = 0; b < n; b++)
            acc += ws->Kd[a * n + b] * pd[b];
        Ktp[a] = acc;
    }
    for (a = 0; a < n; a++)
        ut[a] = pd[a] * (cd[a] * Ktp[a] - 1.0);
    for (a = 0; a < n; a++)
    {
        acc = 0.0;
        for (b = 0; b < n; b++)
            acc += ws->Kd[a * n + b] * ut[b];
        J[n * dim + a] += -2.0 * acc;                      /* gt_a */
    }
    /* grad theta / theta (theta_grad's formula), with K = Phi Kt and
       grad Phi / Phi = Phi gt: (1 - theta) (Phi (gt + X) - Z en), X = Kt (p
       c Z qn) - Ktp (p . Z qn) */
    for (a = 0; a < n; a++)
        gtd[a] = 0.0;
    if (ws->D >= 2)
    {
        /* grad(Pref) / den = Z (w'' pa) / den (den_grad) */
        double *wa = ws->vd + 4 * len;
        for (i = 0; i < d; i++)
        {
            mpfr_mul(t1, ws->w2[i], ws->pa[i], MPFR_RNDN);
            mpfr_div(t1, t1, ws->den, MPFR_RNDN);
            wa[i] = mpfr_get_d(t1, MPFR_RNDN);
        }
        for (b = 0; b < n; b++)
        {
            const double *zb = ws->Zd + b * d;
            acc = 0.0;
            for (i = 0; i < d; i++)
                acc += zb[i] * wa[i];
            gtd[b] = acc;
        }
    }
    if (ws->D >= 2 && !mpfr_zero_p(ws->sgm))
    {
        double *en = ws->vd + 4 * len, *qn = ws->vd + 5 * len, *zq = ws->vd + 6 * len;
        double pz = 0.0, Phid = mpfr_get_d(ws->Phi, MPFR_RNDN), sEd = mpfr_get_d(ws->sE, MPFR_RNDN);
        theta_kv(ws);
        for (i = 0; i < d; i++)
        {
            en[i] = mpfr_get_d(ws->ke[i], MPFR_RNDN);
            qn[i] = mpfr_get_d(ws->kq[i], MPFR_RNDN);
        }
        for (a = 0; a < n; a++)
        {
            const double *za = ws->Zd + a * d;
            double se = 0.0, sq = 0.0;
            for (i = 0; i < d; i++)
            {
                se += za[i] * en[i];
                sq += za[i] * qn[i];
            }
            gtd[a] += sEd * se;
            pz += pd[a] * sq;
            zq[a] = pd[a] * cd[a] * sq;
        }
        for (b = 0; b < n; b++)
        {
            acc = -Ktp[b] * pz;
            for (a = 0; a < n; a++)
                acc += ws->Kd[a * n + b] * zq[a];
            gtd[b] -= sEd * Phid * acc;
        }
    }
    /* the entries (_mpbias_dual_jac's forms, no cancellation): with gq /
       den in gtd, E / den = E theta / Phi, gphi / den = theta Phi gt */
    mpfr_div(t1, ws->E, ws->Phi, MPFR_RNDN);
    mpfr_mul(t1, t1, ws->theta, MPFR_RNDN);
    sEd = mpfr_get_d(ws->sE, MPFR_RNDN);
    omsEd = mpfr_get_d(ws->omsE, MPFR_RNDN);
    Phid = mpfr_get_d(ws->Phi, MPFR_RNDN);
    for (a = 0; a < n; a++)
    {
        double fa;
        mpfr_mul(t2, t1, ws->p[a], MPFR_RNDN);
        fa = mpfr_get_d(t2, MPFR_RNDN);                    /* f_a, the rhs */
        J[a * dim + n + 1] = fa * omsEd;
        for (b = 0; b < n; b++)
            J[a * dim + b] = -th * Ed * pd[a] * (cd[a] * ws->Kd[a * n + b] - Ktp[b])
                             - fa * (gtd[b] + th * Phid * J[n * dim + b]);
        J[a * dim + n] = 0.0;
    }
    /* (f_r + E sig) theta Phi = theta^2 E e^(g1 - r) + (1 - theta) E sig theta Phi */
    mpfr_mul(t1, ws->eq, ws->E, MPFR_RNDN);
    mpfr_mul(t1, t1, ws->theta, MPFR_RNDN);
    mpfr_mul(t1, t1, ws->theta, MPFR_RNDN);
    mpfr_ui_sub(t2, 1, ws->theta, MPFR_RNDN);
    mpfr_mul(t2, t2, ws->E, MPFR_RNDN);
    mpfr_mul(t2, t2, ws->sig, MPFR_RNDN);
    mpfr_mul(t2, t2, ws->theta, MPFR_RNDN);
    mpfr_mul(t2, t2, ws->Phi, MPFR_RNDN);
    mpfr_add(t1, t1, t2, MPFR_RNDN);
    eqE = mpfr_get_d(t1, MPFR_RNDN);
    for (b = 0; b < n; b++)
    {
        double gtb = J[n * dim + b];
        J[n * dim + b] = -Frd * gtd[b] - eqE * gtb;
        J[(n + 1) * dim + b] = th * ((1.0 - th) * Phid * gtb - gtd[b]);
    }
    J[n * dim + n] = th * Jnn;
    J[n * dim + n + 1] = Jxi_r;
    J[(n + 1) * dim + n] = 0.0;
    J[(n + 1) * dim + n + 1] = -th * sEd;
    return MPBIAS_ODE_OK;
}
