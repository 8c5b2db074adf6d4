/*
 * qmu.c -- the intermediate predictor: argmin Q^D_mu(w) subject to Z w >= 1,
 * for any depth D >= 2, with or without an initialization shape, to any
 * number of digits, with a rigorous error bound.
 *
 * Q_mu(w) = mu^2 sum_i q(w_i / mu^2), q(z) = 2 - sqrt(4 + z^2) + z asinh(z/2)
 * for depth 2 (doc/math.md section 5), and Q^D_mu with q_D for D >= 3.  Every
 * coordinate carries two scales, P = mu_+^D and M = mu_-^D (equal without
 * a shape); the conjugate Q*(v) = sum_i c_i(v_i) is given at qc_eval
 * (depth 2: P (e^v - 1) + M (e^-v - 1), the tilted potential; D >= 3: the
 * two halves of mu^2 q_D*(mu^(D-2) v), on the bounded domain
 * -1/mu_-^(D-2) < v < 1/mu_+^(D-2), kept by the line search).  The dual
 * problem is
 *
 *     maximize g(lambda) = 1^T lambda - Q*(Z^T lambda)  over lambda >= 0,
 *
 * smooth and concave, with w = grad Q*(Z^T lambda).  It is solved by an
 * active-set method: on an active set A (lambda = 0 off A), Newton's
 * method with a backtracking line search maximizes g over lambda_A
 * (Hessian -Z_A diag(c''(v)) Z_A^T); then the most negative multiplier
 * leaves A, or the most violated constraint joins it.
 *
 * The error bound is computed in Arb from the final lambda, whatever the
 * solver did: with lambda clipped to >= 0, w = grad Q*(Z^T lambda) is
 * scaled to a feasible point p (Z p >= 1); the duality gap
 * G = Q(p) - g(lambda) bounds Q(p) - Q(w*) (Q(p) = sum_i v_i p_i - c_i(v_i)
 * at v_i = c_i'^-1(p_i), enclosed); optimality of w* over the feasible set
 * and strong convexity of Q along [p, w*] (Q_i'' = 1 / c_i''(v), bounded
 * over a box that Fenchel-Young and Q(w*) <= Q(p) give, see qarb_sigma)
 * give ||p - w*||_2 <= sqrt(2 G / sigma).  The reported coordinates are
 * p's, each as a ball of that radius.
 */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "mpbias-impl.h"

void
mpbias_qmu_init(mpbias_qmu_t r)
{
    r->d = r->n = 0;
    r->w = r->werr = r->lambda = NULL;
    mpfr_init2(r->radius, 64);
    mpfr_set_inf(r->radius, 1);
    r->nsupport = 0;
    r->prec = 0;
}

void
mpbias_qmu_clear(mpbias_qmu_t r)
{
    _mpbias_mpfr_vec_clear(r->w, r->d);   /* each a no-op on NULL */
    _mpbias_mpfr_vec_clear(r->werr, r->d);
    _mpbias_mpfr_vec_clear(r->lambda, r->n);
    r->w = r->werr = r->lambda = NULL;
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

/* The conjugate Q*(v) = sum_i c_i(v_i) and its derivatives.  Coordinate
   i has two scales, P = mu_+^D and M = mu_-^D (P = M = mu^D without an
   initialization shape; with u_+(0) = a, u_-(0) = b at margin gamma,
   P = a^D / gamma and M = b^D / gamma):
   depth 2, s2 = 2 sqrt(P M), tilt = (1/2) log(P / M):
             c = s2 (cosh(v + tilt) - cosh(tilt)) = 2 s2 sinh(v/2) sinh(v/2 + tilt),
             c' = s2 sinh(v + tilt) (= P e^v - M e^-v), c'' = s2 cosh(v + tilt);
   depth D >= 3, beta_+ = P^(1/D), beta_- = M^(1/D), e = D/(D-2),
             y+ = beta_+^(D-2) v < 1, y- = beta_-^(D-2) v > -1,
             ra = (1 - y+)^(-1/(D-2)), rb = (1 + y-)^(-1/(D-2)):
             c = ((D-2)/2) (beta_+^2 (ra^2 - 1) + beta_-^2 (rb^2 - 1)),
             c' = P ra^D - M rb^D,
             c'' = e (P beta_+^(D-2) ra^(2D-2) + M beta_-^(D-2) rb^(2D-2)).
   With P = M these are 2 mu^2 (cosh v - 1) and mu^2 q_D*(mu^(D-2) v) of
   doc/math.md section 5.  The parameters are stored once when every
   coordinate has the same (np = 1), else per coordinate (np = d). */
typedef struct
{
    int D;
    slong np;
    mpfr_t *s2, *tilt;            /* depth 2 */
    int *equal;                   /* per j: P = M (no tilt) */
    mpfr_t *pD, *pm, *p2;         /* depth >= 3: P, beta_+^(D-2), beta_+^2 */
    mpfr_t *mD, *mm, *m2;         /* M, beta_-^(D-2), beta_-^2 */
    mpfr_t y, a, b, ra, rb, t;
} qconj;

#define QJ(Q, i) ((Q)->np == 1 ? 0 : (i))

/* depth >= 3 (qconj and qarb alike): the six vectors pD, pm, p2, mD, mm,
   m2 are consecutive views of one block of 6 np entries at pD */
#define QVIEWS(Q, np)                                                           \
    ((Q)->pm = (Q)->pD + (np), (Q)->p2 = (Q)->pm + (np), (Q)->mD = (Q)->p2 + (np), \
     (Q)->mm = (Q)->mD + (np), (Q)->m2 = (Q)->mm + (np))

/* the one block of either depth: s2 and tilt (depth 2) or the six */
#define QBLOCK(Q) ((Q)->D == 2 ? (Q)->s2 : (Q)->pD)
#define QBLOCK_LEN(Q) (((Q)->D == 2 ? 2 : 6) * (Q)->np)

/* per j: whether P_j = M_j (no tilt), flint_malloc'd */
static int *
equal_scales(const fmpq *P, const fmpq *M, slong np)
{
    slong j;
    int *eq = flint_malloc((size_t) np * sizeof(int));
    for (j = 0; j < np; j++)
        eq[j] = fmpq_equal(P + j, M + j);
    return eq;
}

/* x = s^D (exact s^D given), xm = s^(D-2), x2 = s^2 */
static void
beta_powers(mpfr_t xD, mpfr_t xm, mpfr_t x2, const fmpq_t sD, int D, mpfr_t tmp)
{
    fmpq_get_mpfr(xD, sD, MPFR_RNDN);
    mpfr_set_prec(tmp, mpfr_get_prec(xD) + 32);
    fmpq_get_mpfr(tmp, sD, MPFR_RNDN);
    mpfr_rootn_ui(tmp, tmp, (unsigned long) D, MPFR_RNDN);
    mpfr_pow_ui(xm, tmp, (unsigned long) (D - 2), MPFR_RNDN);
    mpfr_sqr(x2, tmp, MPFR_RNDN);
}

static void
qc_init(qconj *Q, int D, const fmpq *P, const fmpq *M, slong np, mpfr_prec_t wp)
{
    slong j;
    fmpq_t q;
    Q->D = D;
    Q->np = np;
    Q->s2 = Q->tilt = Q->pD = Q->pm = Q->p2 = Q->mD = Q->mm = Q->m2 = NULL;
    Q->equal = equal_scales(P, M, np);
    mpfr_inits2(wp, Q->y, Q->a, Q->b, Q->ra, Q->rb, Q->t, (mpfr_ptr) 0);
    fmpq_init(q);
    if (D == 2)
    {
        Q->s2 = _mpbias_mpfr_vec_init(2 * np, wp);   /* one block: s2, tilt */
        Q->tilt = Q->s2 + np;
        for (j = 0; j < np; j++)
        {
            fmpq_mul(q, P + j, M + j);
            fmpq_get_mpfr(Q->a, q, MPFR_RNDN);
            mpfr_sqrt(Q->a, Q->a, MPFR_RNDN);
            mpfr_mul_2ui(Q->s2[j], Q->a, 1, MPFR_RNDN);
            if (fmpq_equal(P + j, M + j))
                mpfr_set_zero(Q->tilt[j], 1);
            else
            {
                fmpq_div(q, P + j, M + j);
                fmpq_get_mpfr(Q->a, q, MPFR_RNDN);
                mpfr_log(Q->a, Q->a, MPFR_RNDN);
                mpfr_div_2ui(Q->tilt[j], Q->a, 1, MPFR_RNDN);
            }
        }
    }
    else
    {
        Q->pD = _mpbias_mpfr_vec_init(6 * np, wp);   /* one block of six */
        QVIEWS(Q, np);
        for (j = 0; j < np; j++)
        {
            beta_powers(Q->pD[j], Q->pm[j], Q->p2[j], P + j, D, Q->t);
            beta_powers(Q->mD[j], Q->mm[j], Q->m2[j], M + j, D, Q->t);
        }
        mpfr_set_prec(Q->t, wp);
    }
    fmpq_clear(q);
}

static void
qc_clear(qconj *Q)
{
    flint_free(Q->equal);
    _mpbias_mpfr_vec_clear(QBLOCK(Q), QBLOCK_LEN(Q));
    mpfr_clears(Q->y, Q->a, Q->b, Q->ra, Q->rb, Q->t, (mpfr_ptr) 0);
}

/* any of c_i, c_i', c_i'' at v (NULL: not wanted); nonzero outside the
   domain */
static int
qc_eval(qconj *Q, slong i, mpfr_ptr c, mpfr_ptr c1, mpfr_ptr c2, const mpfr_t v)
{
    int D = Q->D;
    slong j = QJ(Q, i);
    if (D == 2)
    {
        if (c != NULL)
        {
            mpfr_div_2ui(Q->a, v, 1, MPFR_RNDN);
            mpfr_sinh(Q->b, Q->a, MPFR_RNDN);
            mpfr_add(Q->a, Q->a, Q->tilt[j], MPFR_RNDN);
            mpfr_sinh(Q->a, Q->a, MPFR_RNDN);
            mpfr_mul(c, Q->a, Q->b, MPFR_RNDN);
            mpfr_mul(c, c, Q->s2[j], MPFR_RNDN);
            mpfr_mul_2ui(c, c, 1, MPFR_RNDN);
        }
        mpfr_add(Q->y, v, Q->tilt[j], MPFR_RNDN);
        if (c1 != NULL)
        {
            mpfr_sinh(c1, Q->y, MPFR_RNDN);
            mpfr_mul(c1, c1, Q->s2[j], MPFR_RNDN);
        }
        if (c2 != NULL)
        {
            mpfr_cosh(c2, Q->y, MPFR_RNDN);
            mpfr_mul(c2, c2, Q->s2[j], MPFR_RNDN);
        }
        return !(c == NULL || mpfr_number_p(c)) || !(c1 == NULL || mpfr_number_p(c1));
    }
    /* a = 1 - y+, b = 1 + y- */
    mpfr_mul(Q->a, v, Q->pm[j], MPFR_RNDN);
    mpfr_ui_sub(Q->a, 1, Q->a, MPFR_RNDN);
    mpfr_mul(Q->b, v, Q->mm[j], MPFR_RNDN);
    mpfr_add_ui(Q->b, Q->b, 1, MPFR_RNDN);
    if (!(mpfr_sgn(Q->a) > 0 && mpfr_sgn(Q->b) > 0) || !mpfr_number_p(Q->a)
        || !mpfr_number_p(Q->b))
        return 1;
    mpfr_rootn_ui(Q->ra, Q->a, (unsigned long) (D - 2), MPFR_RNDN);
    mpfr_ui_div(Q->ra, 1, Q->ra, MPFR_RNDN);
    mpfr_rootn_ui(Q->rb, Q->b, (unsigned long) (D - 2), MPFR_RNDN);
    mpfr_ui_div(Q->rb, 1, Q->rb, MPFR_RNDN);
    if (c != NULL)
    {
        mpfr_sqr(c, Q->ra, MPFR_RNDN);
        mpfr_sub_ui(c, c, 1, MPFR_RNDN);
        mpfr_mul(c, c, Q->p2[j], MPFR_RNDN);
        mpfr_sqr(Q->t, Q->rb, MPFR_RNDN);
        mpfr_sub_ui(Q->t, Q->t, 1, MPFR_RNDN);
        mpfr_fma(c, Q->t, Q->m2[j], c, MPFR_RNDN);
        mpfr_mul_ui(c, c, (unsigned long) (D - 2), MPFR_RNDN);
        mpfr_div_2ui(c, c, 1, MPFR_RNDN);
    }
    if (c1 != NULL && Q->equal[j])
    {
        /* as qarb_eval: P (1 + y)^-e expm1(2 e atanh y), no cancellation */
        mpfr_mul(c1, v, Q->pm[j], MPFR_RNDN);
        mpfr_atanh(c1, c1, MPFR_RNDN);
        mpfr_mul_ui(c1, c1, (unsigned long) (2 * D), MPFR_RNDN);
        mpfr_div_ui(c1, c1, (unsigned long) (D - 2), MPFR_RNDN);
        mpfr_expm1(c1, c1, MPFR_RNDN);
        mpfr_pow_ui(Q->t, Q->rb, (unsigned long) D, MPFR_RNDN);
        mpfr_mul(c1, c1, Q->t, MPFR_RNDN);
        mpfr_mul(c1, c1, Q->pD[j], MPFR_RNDN);
    }
    else if (c1 != NULL)
    {
        mpfr_pow_ui(c1, Q->ra, (unsigned long) D, MPFR_RNDN);
        mpfr_mul(c1, c1, Q->pD[j], MPFR_RNDN);
        mpfr_pow_ui(Q->t, Q->rb, (unsigned long) D, MPFR_RNDN);
        mpfr_mul(Q->t, Q->t, Q->mD[j], MPFR_RNDN);
        mpfr_sub(c1, c1, Q->t, MPFR_RNDN);
    }
    if (c2 != NULL)
    {
        mpfr_pow_ui(c2, Q->ra, (unsigned long) (2 * D - 2), MPFR_RNDN);
        mpfr_mul(c2, c2, Q->pD[j], MPFR_RNDN);
        mpfr_mul(c2, c2, Q->pm[j], MPFR_RNDN);
        mpfr_pow_ui(Q->t, Q->rb, (unsigned long) (2 * D - 2), MPFR_RNDN);
        mpfr_mul(Q->t, Q->t, Q->mD[j], MPFR_RNDN);
        mpfr_fma(c2, Q->t, Q->mm[j], c2, MPFR_RNDN);
        mpfr_mul_ui(c2, c2, (unsigned long) D, MPFR_RNDN);
        mpfr_div_ui(c2, c2, (unsigned long) (D - 2), MPFR_RNDN);
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
        if (qc_eval(Q, i, t, NULL, NULL, v[i]))
        {
            mpfr_set_nan(out);
            return;
        }
        mpfr_sub(out, out, t, MPFR_RNDN);
    }
    for (k = 0; k < n; k++)
        mpfr_add(out, out, lam[k], MPFR_RNDN);
}

/* The same conjugate in Arb (qarb_eval mirrors qc_eval). */
typedef struct
{
    int D;
    slong np;
    int *equal;                   /* per j: P = M (untilted; c'(0) = 0 exactly) */
    arb_ptr s2, tilt;
    arb_ptr pD, pm, p2, mD, mm, m2;
} qarb;

static void
arb_beta_powers(arb_t xD, arb_t xm, arb_t x2, const fmpq_t sD, int D, slong prec)
{
    arb_t s;
    arb_init(s);
    arb_set_fmpq(xD, sD, prec);
    arb_root_ui(s, xD, (ulong) D, prec);
    arb_pow_ui(xm, s, (ulong) (D - 2), prec);
    arb_sqr(x2, s, prec);
    arb_clear(s);
}

static void
qarb_init(qarb *Q, int D, const fmpq *P, const fmpq *M, slong np, slong prec)
{
    slong j;
    Q->D = D;
    Q->np = np;
    Q->s2 = Q->tilt = Q->pD = Q->pm = Q->p2 = Q->mD = Q->mm = Q->m2 = NULL;
    Q->equal = equal_scales(P, M, np);
    if (D == 2)
    {
        fmpq_t q;
        fmpq_init(q);
        Q->s2 = _arb_vec_init(2 * np);   /* one block: s2, tilt */
        Q->tilt = Q->s2 + np;
        for (j = 0; j < np; j++)
        {
            fmpq_mul(q, P + j, M + j);
            arb_set_fmpq(Q->s2 + j, q, prec);
            arb_sqrt(Q->s2 + j, Q->s2 + j, prec);
            arb_mul_2exp_si(Q->s2 + j, Q->s2 + j, 1);
            if (!fmpq_equal(P + j, M + j))
            {
                fmpq_div(q, P + j, M + j);
                arb_set_fmpq(Q->tilt + j, q, prec);
                arb_log(Q->tilt + j, Q->tilt + j, prec);
                arb_mul_2exp_si(Q->tilt + j, Q->tilt + j, -1);
            }
        }
        fmpq_clear(q);
    }
    else
    {
        Q->pD = _arb_vec_init(6 * np);   /* one block of six */
        QVIEWS(Q, np);
        for (j = 0; j < np; j++)
        {
            arb_beta_powers(Q->pD + j, Q->pm + j, Q->p2 + j, P + j, D, prec);
            arb_beta_powers(Q->mD + j, Q->mm + j, Q->m2 + j, M + j, D, prec);
        }
    }
}

static void
qarb_clear(qarb *Q)
{
    flint_free(Q->equal);
    _arb_vec_clear(QBLOCK(Q), QBLOCK_LEN(Q));
}

/* any of c_i, c_i', c_i'' at the ball v (NULL: not wanted); returns 0
   unless v lies certainly inside the domain */
static int
qarb_eval(arb_t c, arb_t c1, arb_t c2, const arb_t v, const qarb *Q, slong i, slong prec)
{
    int D = Q->D, ok = 1;
    slong j = QJ(Q, i);
    arb_t a, b, ra, rb, t;
    arb_init(a);
    arb_init(b);
    arb_init(ra);
    arb_init(rb);
    arb_init(t);
    if (D == 2)
    {
        if (c != NULL)
        {
            arb_mul_2exp_si(a, v, -1);
            arb_sinh(b, a, prec);
            arb_add(a, a, Q->tilt + j, prec);
            arb_sinh(a, a, prec);
            arb_mul(c, a, b, prec);
            arb_mul(c, c, Q->s2 + j, prec);
            arb_mul_2exp_si(c, c, 1);
        }
        arb_add(t, v, Q->tilt + j, prec);
        if (c1 != NULL)
        {
            arb_sinh(c1, t, prec);
            arb_mul(c1, c1, Q->s2 + j, prec);
        }
        if (c2 != NULL)
        {
            arb_cosh(c2, t, prec);
            arb_mul(c2, c2, Q->s2 + j, prec);
        }
        ok = arb_is_finite(t);
    }
    else
    {
        arb_mul(a, v, Q->pm + j, prec);
        arb_sub_ui(a, a, 1, prec);
        arb_neg(a, a);                       /* 1 - y+ */
        arb_mul(b, v, Q->mm + j, prec);
        arb_add_ui(b, b, 1, prec);           /* 1 + y- */
        ok = arb_is_positive(a) && arb_is_positive(b);
        if (ok)
        {
            arb_root_ui(ra, a, (ulong) (D - 2), prec);
            arb_inv(ra, ra, prec);
            arb_root_ui(rb, b, (ulong) (D - 2), prec);
            arb_inv(rb, rb, prec);
            if (c != NULL)
            {
                arb_sqr(a, ra, prec);
                arb_sub_ui(a, a, 1, prec);
                arb_mul(a, a, Q->p2 + j, prec);
                arb_sqr(b, rb, prec);
                arb_sub_ui(b, b, 1, prec);
                arb_addmul(a, b, Q->m2 + j, prec);
                arb_mul_ui(a, a, (ulong) (D - 2), prec);
                arb_mul_2exp_si(c, a, -1);
            }
            if (c1 != NULL && Q->equal[j])
            {
                /* P ((1 - y)^-e - (1 + y)^-e) = P (1 + y)^-e expm1(2 e atanh y),
                   e = D/(D-2), y = beta^(D-2) v: no cancellation for small
                   y, exactly 0 at v = 0 */
                arb_mul(a, v, Q->pm + j, prec);
                arb_atanh(a, a, prec);
                arb_mul_ui(a, a, (ulong) (2 * D), prec);
                arb_div_ui(a, a, (ulong) (D - 2), prec);
                arb_expm1(a, a, prec);
                arb_pow_ui(b, rb, (ulong) D, prec);
                arb_mul(c1, a, b, prec);
                arb_mul(c1, c1, Q->pD + j, prec);
            }
            else if (c1 != NULL)
            {
                arb_pow_ui(a, ra, (ulong) D, prec);
                arb_mul(a, a, Q->pD + j, prec);
                arb_pow_ui(b, rb, (ulong) D, prec);
                arb_mul(b, b, Q->mD + j, prec);
                arb_sub(c1, a, b, prec);
            }
            if (c2 != NULL)
            {
                arb_pow_ui(a, ra, (ulong) (2 * D - 2), prec);
                arb_mul(a, a, Q->pD + j, prec);
                arb_mul(a, a, Q->pm + j, prec);
                arb_pow_ui(b, rb, (ulong) (2 * D - 2), prec);
                arb_mul(b, b, Q->mD + j, prec);
                arb_addmul(a, b, Q->mm + j, prec);
                arb_mul_ui(a, a, (ulong) D, prec);
                arb_div_ui(c2, a, (ulong) (D - 2), prec);
            }
        }
    }
    arb_clear(a);
    arb_clear(b);
    arb_clear(ra);
    arb_clear(rb);
    arb_clear(t);
    return ok;
}

/* A ball containing the v with c_i'(v) = z (c_i' is increasing): depth
   2 in closed form, v = asinh(z / s2) - tilt; depth D >= 3 by Newton's
   method safeguarded by bisection in the midpoints, the enclosure then
   verified by the signs of c_i' - z at its ends.  Returns 0 on failure. */
static int
conj_inverse(arb_t out, const arb_t z, const qarb *Q, slong i, slong prec)
{
    slong j = QJ(Q, i), it, k;
    arb_t x, f, df, lo, hi, t;
    arf_t blo, bhi, del;
    int ok = 0;
    if (Q->D == 2)
    {
        arb_div(out, z, Q->s2 + j, prec);
        arb_asinh(out, out, prec);
        arb_sub(out, out, Q->tilt + j, prec);
        return arb_is_finite(out);
    }
    arb_init(x);
    arb_init(f);
    arb_init(df);
    arb_init(lo);
    arb_init(hi);
    arb_init(t);
    arf_init(blo);
    arf_init(bhi);
    arf_init(del);
    /* the bracket: [0, 1 / beta_+^(D-2)) when z >= c'(0), else
       (-1 / beta_-^(D-2), 0] (midpoints of the domain's ends) */
    arb_zero(x);
    qarb_eval(NULL, f, NULL, x, Q, i, prec);
    if (arf_cmp(arb_midref(f), arb_midref(z)) <= 0)
    {
        arf_zero(blo);
        arb_inv(t, Q->pm + j, prec);
        arf_set(bhi, arb_midref(t));
    }
    else
    {
        arb_inv(t, Q->mm + j, prec);
        arf_neg(blo, arb_midref(t));
        arf_zero(bhi);
    }
    arf_add(arb_midref(x), blo, bhi, prec, ARF_RND_NEAR);
    arf_mul_2exp_si(arb_midref(x), arb_midref(x), -1);
    for (it = 0; it < 4 * prec + 200; it++)
    {
        int in = qarb_eval(NULL, f, df, x, Q, i, prec);
        arf_t nx;
        if (in)
        {
            arb_sub_arf(f, f, arb_midref(z), prec);
            if (arf_sgn(arb_midref(f)) < 0)
                arf_set(blo, arb_midref(x));
            else
                arf_set(bhi, arb_midref(x));
        }
        else if (arf_sgn(arb_midref(x)) > 0)
            arf_set(bhi, arb_midref(x));   /* at the domain's end: beyond */
        else
            arf_set(blo, arb_midref(x));
        arf_init(nx);
        if (in && !arf_is_zero(arb_midref(df)))
        {
            arf_div(nx, arb_midref(f), arb_midref(df), prec, ARF_RND_NEAR);
            if (arf_is_zero(nx) || arf_cmpabs_2exp_si(nx, -prec + 8) < 0)
            {
                arf_clear(nx);
                break;
            }
            arf_sub(nx, arb_midref(x), nx, prec, ARF_RND_NEAR);
        }
        if (!in || arf_is_zero(arb_midref(df)) || arf_cmp(nx, blo) <= 0
            || arf_cmp(nx, bhi) >= 0)
        {
            arf_add(nx, blo, bhi, prec, ARF_RND_NEAR);
            arf_mul_2exp_si(nx, nx, -1);
            if (arf_equal(nx, blo) || arf_equal(nx, bhi))
            {
                arf_clear(nx);
                break;
            }
        }
        arf_swap(arb_midref(x), nx);
        mag_zero(arb_radref(x));
        arf_clear(nx);
    }
    /* verify [x - del, x + del], del relative to |x| when |x| > 1 (v
       grows like 1/mu^(D-2): an absolute del would be below x's ulp) */
    if (!arf_is_zero(arb_midref(x)) && arf_cmpabs_2exp_si(arb_midref(x), 0) > 0)
        arf_set_ui_2exp_si(del, 1, ARF_EXP(arb_midref(x)) - prec + 24);
    else
        arf_set_ui_2exp_si(del, 1, -prec + 24);
    for (k = 0; k < 6 && !ok; k++)
    {
        arb_set_arf(lo, arb_midref(x));
        arb_sub_arf(lo, lo, del, prec);
        arb_set_arf(hi, arb_midref(x));
        arb_add_arf(hi, hi, del, prec);
        mag_zero(arb_radref(lo));
        mag_zero(arb_radref(hi));
        if (qarb_eval(NULL, t, NULL, lo, Q, i, prec))
        {
            arb_sub(t, t, z, prec);
            if (arb_is_negative(t) && qarb_eval(NULL, t, NULL, hi, Q, i, prec))
            {
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
    arb_clear(x);
    arb_clear(f);
    arb_clear(df);
    arb_clear(lo);
    arb_clear(hi);
    arb_clear(t);
    arf_clear(blo);
    arf_clear(bhi);
    arf_clear(del);
    return ok;
}

/* One term of Q_mu(p): Q_i(p) = v p - c_i(v) at v = c_i'^-1(p) (enclosed
   by conj_inverse); 0 when the enclosure fails. */
static int
qarb_primal(arb_t out, const arb_t p, const qarb *Q, slong i, slong prec)
{
    arb_t v, c;
    int ok;
    arb_init(v);
    arb_init(c);
    ok = conj_inverse(v, p, Q, i, prec) && qarb_eval(c, NULL, NULL, v, Q, i, prec);
    if (ok)
    {
        arb_mul(out, v, p, prec);
        arb_sub(out, out, c, prec);
    }
    arb_clear(v);
    arb_clear(c);
    return ok;
}

/* sig, a lower bound on Q_i'' over |w| <= R, where R is first raised to
   the bound on |w*_i| that Q(w*) <= Q(p) = Qp gives.  The bound: Q_j >= 0
   for every j (c_j(0) = 0), and Fenchel-Young, Q_i(w) >= y w - c_i(y),
   with y = Y+ for w > 0 and y = -Y- for w < 0 (Y = 1 for depth 2;
   Y+ = 1 / (2 beta_+^(D-2)), Y- = 1 / (2 beta_-^(D-2)) for D >= 3, inside
   the domain), so |w*_i| <= max((Qp + c_i(Y+)) / Y+, (Qp + c_i(-Y-)) / Y-).
   Then Q_i'' = 1 / c_i''(c_i'^-1(w)), and c_i'' is convex, so its maximum
   over the interval is at one of the ends, enclosed from outside by
   c_i'^-1(-R) and c_i'^-1(R).  Returns 0 on failure. */
static int
qarb_sigma(arb_t sig, arb_t R, const arb_t Qp, const qarb *Q, slong i, slong prec)
{
    slong j = QJ(Q, i), s;
    arb_t y, c, t, v, h;
    arf_t sup;
    int ok = 1;
    arb_init(y);
    arb_init(c);
    arb_init(t);
    arb_init(v);
    arb_init(h);
    arf_init(sup);
    for (s = 0; s < 2 && ok; s++)
    {
        if (Q->D == 2)
            arb_one(y);
        else
        {
            arb_inv(y, s == 0 ? Q->pm + j : Q->mm + j, prec);
            arb_mul_2exp_si(y, y, -1);
        }
        if (s == 1)
            arb_neg(y, y);
        ok = qarb_eval(c, NULL, NULL, y, Q, i, prec);
        arb_add(t, Qp, c, prec);
        arb_div(t, t, y, prec);
        arb_abs(t, t);
        arb_max(R, R, t, prec);
    }
    arb_get_ubound_arf(sup, R, prec);
    ok = ok && arf_is_finite(sup);
    arb_zero(sig);
    for (s = 0; s < 2 && ok; s++)
    {
        /* the end c_i'^-1(+-R), widened outward to a point */
        arb_set_arf(t, sup);
        if (s == 1)
            arb_neg(t, t);
        ok = conj_inverse(v, t, Q, i, prec);
        if (ok)
        {
            if (s == 0)
                arb_get_ubound_arf(arb_midref(v), v, prec);
            else
                arb_get_lbound_arf(arb_midref(v), v, prec);
            mag_zero(arb_radref(v));
            ok = qarb_eval(NULL, NULL, h, v, Q, i, prec);
        }
        if (ok)
            arb_max(sig, sig, h, prec);
    }
    if (ok)
    {
        arb_inv(sig, sig, prec);
        ok = arb_is_positive(sig);
    }
    arb_clear(y);
    arb_clear(c);
    arb_clear(t);
    arb_clear(v);
    arb_clear(h);
    arf_clear(sup);
    return ok;
}

/* sigma only enters the radius through a square root, so a few correct
   bits suffice: try at 128 bits (still rigorous), at the full precision
   only when that fails (an end of the box too close to the domain's). */
static int
qarb_sigma_fast(arb_t sig, arb_t R, const arb_t Qp, const qarb *Q, slong i, slong prec)
{
    if (prec > 128)
    {
        arb_t R0;
        int ok;
        arb_init(R0);
        arb_set(R0, R);
        ok = qarb_sigma(sig, R0, Qp, Q, i, 128);
        arb_clear(R0);
        if (ok)
            return 1;
    }
    return qarb_sigma(sig, R, Qp, Q, i, prec);
}

/* An enclosure of c_i'^-1 over the ball z (c_i' is increasing): the
   union of the enclosures at z's two ends.  Returns 0 on failure. */
static int
conj_inverse_ball(arb_t out, const arb_t z, const qarb *Q, slong i, slong prec)
{
    arb_t e, lo;
    int ok;
    if (arb_is_exact(z))
        return conj_inverse(out, z, Q, i, prec);
    arb_init(e);
    arb_init(lo);
    arb_get_lbound_arf(arb_midref(e), z, prec);
    mag_zero(arb_radref(e));
    ok = conj_inverse(lo, e, Q, i, prec);
    arb_get_ubound_arf(arb_midref(e), z, prec);
    mag_zero(arb_radref(e));
    ok = ok && conj_inverse(out, e, Q, i, prec);
    if (ok)
        arb_union(out, out, lo, prec);
    arb_clear(e);
    arb_clear(lo);
    return ok;
}

/* c_i' over the ball v, by its two ends (c_i' is increasing); 0 when v
   is not certainly inside the domain. */
static int
conj_grad_ball(arb_t out, const arb_t v, const qarb *Q, slong i, slong prec)
{
    arb_t e, lo;
    int ok;
    if (arb_is_exact(v))
        return qarb_eval(NULL, out, NULL, v, Q, i, prec);
    arb_init(e);
    arb_init(lo);
    arb_get_lbound_arf(arb_midref(e), v, prec);
    mag_zero(arb_radref(e));
    ok = qarb_eval(NULL, lo, NULL, e, Q, i, prec);
    arb_get_ubound_arf(arb_midref(e), v, prec);
    mag_zero(arb_radref(e));
    ok = ok && qarb_eval(NULL, out, NULL, e, Q, i, prec);
    if (ok)
        arb_union(out, out, lo, prec);
    arb_clear(e);
    arb_clear(lo);
    return ok;
}

/* Does the ball x determine `digits` correctly rounded digits (or is it
   an exact zero)? */
static int
ball_determined(const arb_t x, int digits)
{
    char *s;
    if (arb_is_zero(x))
        return 1;
    s = _mpbias_arb_get_str_rounded(x, digits);
    if (s == NULL)
        return 0;
    flint_free(s);
    return 1;
}

typedef struct
{
    const mag_struct *m;
    slong i;
} qmu_col;

static int
qmu_col_cmp(const void *a, const void *b)
{
    const qmu_col *x = a, *y = b;
    int c = mag_cmp(x->m, y->m);
    return c != 0 ? c : (x->i > y->i) - (x->i < y->i);
}

/* Componentwise enclosures of the exact predictor w*, given the point p
   (exact entries) and rho >= ||p - w*||_2 (math in doc/limits.md,
   "componentwise bounds").  KKT at w*: v* = grad Q(w*) = Z_A^T lambda*
   with lambda* >= 0 supported on the constraints that can be active,
   A = {k : z_k . p - rho ||z_k||_2 <= 1} (the others are certainly
   slack at w*).  Every v*_i lies in I_i = c_i'^-1([p_i - rho, p_i + rho]),
   tight where |p_i| >> rho.  Columns of Z_A are linearly dependent: with
   C a basis of the column space of Z_A chosen greedily by increasing
   width of I_i (the pivot columns of the exact reduced row echelon form
   of Z_A, columns in that order), every column is z_A,i =
   sum_k R[k, i] z_A,C_k exactly, hence v*_i = sum_k R[k, i] v*_C_k, an
   enclosure as tight as the best-determined coordinates even for a
   coordinate far below rho.  Then w*_i = c_i'(v*_i), intersected with
   p_i +- rho.  Sets enc[i] for every i; returns 0 on failure (enc then
   holds at least p_i +- rho). */
static int
certify_componentwise(arb_ptr enc, const mpbias_data_t data, const qarb *Q, arb_srcptr p,
                      const arb_t rho, slong prec)
{
    slong n = data->n, d = data->d, i, k, c, na = 0, rank;
    slong *A = flint_malloc((size_t) n * sizeof(slong));
    slong *piv = NULL;
    arb_ptr I = _arb_vec_init(d);
    qmu_col *col = flint_malloc((size_t) d * sizeof(qmu_col));
    arb_t t, u, z;
    fmpq_mat_t M, R;
    int ok = 1;
    arb_init(t);
    arb_init(u);
    arb_init(z);
    for (i = 0; i < d; i++)
    {
        arb_set(enc + i, p + i);
        arb_add_error(enc + i, rho);
    }
    /* A: the constraints that can be active at w* */
    for (k = 0; k < n; k++)
    {
        arb_zero(t);
        arb_zero(u);
        for (i = 0; i < d; i++)
            if (!fmpq_is_zero(mpbias_data_z(data, k, i)))
            {
                arb_set_fmpq(z, mpbias_data_z(data, k, i), prec);
                arb_addmul(t, z, p + i, prec);
                arb_addmul(u, z, z, prec);
            }
        arb_sqrt(u, u, prec);
        arb_mul(u, u, rho, prec);
        arb_sub(t, t, u, prec);
        arb_sub_ui(t, t, 1, prec);
        if (!arb_is_positive(t))
            A[na++] = k;
    }
    /* I_i, and the columns ordered by the width of I_i */
    for (i = 0; i < d && ok; i++)
    {
        ok = conj_inverse_ball(I + i, enc + i, Q, i, prec);
        col[i].m = arb_radref(I + i);
        col[i].i = i;
    }
    if (!ok || na == 0)
    {
        ok = ok && na > 0;
        goto done;
    }
    qsort(col, (size_t) d, sizeof(qmu_col), qmu_col_cmp);
    fmpq_mat_init(M, na, d);
    fmpq_mat_init(R, na, d);
    for (k = 0; k < na; k++)
        for (c = 0; c < d; c++)
            fmpq_set(fmpq_mat_entry(M, k, c), mpbias_data_z(data, A[k], col[c].i));
    rank = fmpq_mat_rref(R, M);
    piv = flint_malloc((size_t) (rank + 1) * sizeof(slong));
    for (k = 0, c = 0; k < rank; k++)
    {
        while (fmpq_is_zero(fmpq_mat_entry(R, k, c)))
            c++;
        piv[k] = c;   /* a column of the ordered matrix */
    }
    /* v*_i = sum_k R[k, c] v*_(pivot k), for column c holding coordinate i */
    for (c = 0; c < d; c++)
    {
        i = col[c].i;
        arb_zero(t);
        for (k = 0; k < rank; k++)
            if (!fmpq_is_zero(fmpq_mat_entry(R, k, c)))
            {
                arb_set_fmpq(z, fmpq_mat_entry(R, k, c), prec);
                arb_addmul(t, z, I + col[piv[k]].i, prec);
            }
        /* both enclose v*_i: keep the narrower (an intersection could be
           empty only through an error, which the union would hide) */
        if (mag_cmp(arb_radref(t), arb_radref(I + i)) < 0)
            arb_set(I + i, t);
        /* (when I_i reaches beyond the domain, D >= 3, p_i +- rho stays) */
        if (conj_grad_ball(u, I + i, Q, i, prec))
        {
            if (arb_overlaps(u, enc + i))
                arb_intersection(enc + i, enc + i, u, prec);
            else
                ok = 0;   /* cannot happen for a correct rho: refuse */
        }
    }
    flint_free(piv);
    fmpq_mat_clear(M);
    fmpq_mat_clear(R);
done:
    flint_free(A);
    flint_free(col);
    _arb_vec_clear(I, d);
    arb_clear(t);
    arb_clear(u);
    arb_clear(z);
    return ok;
}

/* The dual point: v = Z^T lambda+ (lambda+ = max(lambda, 0) exactly),
   gl = g(lambda+) = sum lambda+ - sum_i c_i(v_i) and w = c'(v), each w_i
   then its midpoint (exact).  Returns 0 when some v_i is not certainly
   inside the domain. */
static int
dual_point(arb_ptr v, arb_ptr w, arb_t gl, const mpbias_data_t data, const mpfr_t *lam,
           const qarb *Q, slong prec)
{
    slong n = data->n, d = data->d, i, k;
    int ok = 1;
    arb_t t, z;
    arb_init(t);
    arb_init(z);
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
        ok = qarb_eval(t, w + i, NULL, v + i, Q, i, prec);
        arb_sub(gl, gl, t, prec);
        mag_zero(arb_radref(w + i));   /* the point is the midpoint (exact) */
    }
    arb_clear(t);
    arb_clear(z);
    return ok;
}

/* w scaled to the feasible point p = s w (in place, exact products), with
   m = min_n z_n . w (a ball) and s = max(1, 1/m) rounded up; Qp = Q(p)
   and R = |p|_inf.  Returns 0 when m is not certainly positive or a term
   of Q(p) cannot be enclosed. */
static int
feasible_point(arb_ptr w, arb_t Qp, arb_t R, const mpbias_data_t data, const qarb *Q, slong prec)
{
    slong n = data->n, d = data->d, i, k;
    int ok;
    arb_t t, m, s, z;
    arf_t sup;
    arb_init(t);
    arb_init(m);
    arb_init(s);
    arb_init(z);
    arf_init(sup);
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
    ok = arb_is_positive(m);
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
            ok = qarb_primal(t, w + i, Q, i, prec);
            arb_add(Qp, Qp, t, prec);
            arb_abs(t, w + i);
            arb_max(R, R, t, prec);
        }
    }
    arb_clear(t);
    arb_clear(m);
    arb_clear(s);
    arb_clear(z);
    arf_clear(sup);
    return ok;
}

/* sig, the strong convexity of Q over the box around p = w that Q(w*) <=
   Q(p) = Qp gives (qarb_sigma): one bound for every coordinate when the
   scales are shared (np = 1, from R = |p|_inf), else the least of the
   coordinates' (R overwritten).  Returns 0 on failure. */
static int
strong_convexity(arb_t sig, arb_t R, const arb_t Qp, arb_srcptr w, const qarb *Q, slong d,
                 slong prec)
{
    slong i;
    int ok = 1;
    arb_t t;
    if (Q->np == 1)
        return qarb_sigma_fast(sig, R, Qp, Q, 0, prec);
    arb_init(t);
    for (i = 0; i < d && ok; i++)
    {
        arb_abs(R, w + i);
        ok = qarb_sigma_fast(t, R, Qp, Q, i, prec);
        if (i == 0)
            arb_set(sig, t);
        else
            arb_min(sig, sig, t, prec);
    }
    arb_clear(t);
    return ok;
}

/* sup >= sqrt(2 G / sigma), G (the duality gap) bounded above and at
   least 0.  Returns 0 when the bound is not finite. */
static int
radius_bound(arf_t sup, const arb_t G, const arb_t sig, slong prec)
{
    arb_t t;
    arb_init(t);
    arb_get_ubound_arf(sup, G, prec);
    if (arf_sgn(sup) < 0)
        arf_zero(sup);
    arb_set_arf(t, sup);
    arb_mul_2exp_si(t, t, 1);
    arb_div(t, t, sig, prec);
    arb_sqrt(t, t, prec);
    arb_get_ubound_arf(sup, t, prec);
    arb_clear(t);
    return arf_is_finite(sup);
}

/* Into r: the point p (the midpoints of w, exactly), werr_i >= |p_i -
   w*_i| (the farther end of the enclosure enc_i of w*_i from p_i) and
   radius = sup. */
static void
store_point(mpbias_qmu_t r, arb_srcptr w, arb_srcptr enc, const arf_t sup, slong d, slong prec)
{
    slong i;
    arf_t lo, hi;
    arf_get_mpfr(r->radius, sup, MPFR_RNDU);
    for (i = 0; i < d; i++)
    {
        arf_init(lo);
        arf_init(hi);
        arb_get_lbound_arf(lo, enc + i, prec);
        arb_get_ubound_arf(hi, enc + i, prec);
        arf_sub(lo, arb_midref(w + i), lo, 53, ARF_RND_UP);
        arf_sub(hi, hi, arb_midref(w + i), 53, ARF_RND_UP);
        if (arf_cmp(hi, lo) > 0)
            arf_swap(lo, hi);
        if (arf_sgn(lo) < 0)
            arf_zero(lo);
        /* p exactly: the point the bounds are about, feasible */
        mpfr_set_prec(r->w[i], FLINT_MAX(arf_bits(arb_midref(w + i)), MPFR_PREC_MIN));
        arf_get_mpfr(r->w[i], arb_midref(w + i), MPFR_RNDN);
        arf_get_mpfr(r->werr[i], lo, MPFR_RNDU);
        arf_clear(lo);
        arf_clear(hi);
    }
}

/* The componentwise enclosures of w*, given p = w and rho = sup >=
   ||p - w*||_2: p_i +- rho where that determines the digits asked for,
   else through the KKT structure (certify_componentwise); stored in r
   when they hold.  Returns 0 on failure. */
static int
enclose_coords(mpbias_qmu_t r, const mpbias_data_t data, const qarb *Q, arb_srcptr w,
               const arf_t sup, int digits, slong prec)
{
    slong d = data->d, i;
    arb_ptr enc = _arb_vec_init(d);
    int all = 1, ok = 1;
    arb_t t;
    arb_init(t);
    arb_set_arf(t, sup);
    for (i = 0; i < d; i++)
    {
        arb_set(enc + i, w + i);
        arb_add_error(enc + i, t);
        all = all && ball_determined(enc + i, digits);
    }
    if (!all)
        ok = certify_componentwise(enc, data, Q, w, t, prec);
    if (ok)
        store_point(r, w, enc, sup, d, prec);
    _arb_vec_clear(enc, d);
    arb_clear(t);
    return ok;
}

/* The rigorous part, from lambda alone (whatever the solver did): with
   lambda+ = max(lambda, 0) exactly, w = grad Q*(Z^T lambda+) scaled to a
   feasible point p (Z p >= 1, the scale rounded up), the duality gap
   G = Q(p) - g(lambda+) and the strong convexity sigma give
   ||p - w*||_2 <= sqrt(2 G / sigma).  Sets r->w = p and r->radius;
   returns 1 on success. */
static int
certify(mpbias_qmu_t r, const mpbias_data_t data, int D, const fmpq *P, const fmpq *M, slong np,
        const mpfr_t *lam, slong prec, int digits)
{
    slong d = data->d;
    int ok;
    arb_ptr v = _arb_vec_init(d), w = _arb_vec_init(d);
    arb_t G, Qp, gl, R, sig;
    arf_t sup;
    qarb Q;
    qarb_init(&Q, D, P, M, np, prec);
    arb_init(G);
    arb_init(Qp);
    arb_init(gl);
    arb_init(R);
    arb_init(sig);
    arf_init(sup);
    ok = dual_point(v, w, gl, data, lam, &Q, prec);
    ok = ok && feasible_point(w, Qp, R, data, &Q, prec);
    if (ok)
    {
        /* G = Q(p) - g(lambda+), >= 0 up to rounding */
        arb_sub(G, Qp, gl, prec);
        ok = strong_convexity(sig, R, Qp, w, &Q, d, prec);
    }
    ok = ok && radius_bound(sup, G, sig, prec);
    ok = ok && enclose_coords(r, data, &Q, w, sup, digits, prec);
    _arb_vec_clear(v, d);
    _arb_vec_clear(w, d);
    qarb_clear(&Q);
    arb_clear(G);
    arb_clear(Qp);
    arb_clear(gl);
    arb_clear(R);
    arb_clear(sig);
    arf_clear(sup);
    return ok;
}

/* The dual solver's workspace at the working precision wp of one attempt:
   Z, the multipliers lam, the conjugate Q, and the Newton iteration's
   vectors (na <= n entries of them used on an active set of na).  The
   vectors are consecutive views of one block of QMU_WS_LEN(n, d) entries
   at Z. */
typedef struct
{
    slong n, d;
    mpfr_prec_t wp;
    mpfr_t *Z;                    /* n x d                                      */
    mpfr_t *lam;                  /* n                                          */
    mpfr_t *v, *wv, *hv;          /* d: Z^T lambda, c'(v), c''(v) (and scratch) */
    mpfr_t *grad, *dl, *lt;       /* n: gradient, Newton step, trial lambda     */
    mpfr_t *H;                    /* n x n: Hessian, then its LU factors        */
    slong *perm, *idx;            /* n: LU pivots, the active set's indices     */
    qconj Q;
} qmu_ws;

#define QMU_WS_LEN(n, d) ((n) * (d) + 4 * (n) + 3 * (d) + (n) * (n))

static void
qmu_ws_init(qmu_ws *ws, const mpbias_data_t data, int depth, const fmpq *P, const fmpq *M,
            slong np, mpfr_prec_t wp)
{
    slong n = data->n, d = data->d;
    ws->n = n;
    ws->d = d;
    ws->wp = wp;
    ws->Z = _mpbias_mpfr_vec_init(QMU_WS_LEN(n, d), wp);
    ws->lam = ws->Z + n * d;
    ws->grad = ws->lam + n;
    ws->dl = ws->grad + n;
    ws->lt = ws->dl + n;
    ws->v = ws->lt + n;
    ws->wv = ws->v + d;
    ws->hv = ws->wv + d;
    ws->H = ws->hv + d;
    ws->perm = flint_malloc((size_t) n * sizeof(slong));
    ws->idx = flint_malloc((size_t) n * sizeof(slong));
    mpbias_data_get_z_mpfr(ws->Z, data, MPFR_RNDN);
    qc_init(&ws->Q, depth, P, M, np, wp);
}

static void
qmu_ws_clear(qmu_ws *ws)
{
    qc_clear(&ws->Q);
    _mpbias_mpfr_vec_clear(ws->Z, QMU_WS_LEN(ws->n, ws->d));
    flint_free(ws->perm);
    flint_free(ws->idx);
}

/* A start inside the conjugate's domain (bounded for D >= 3: a change of
   the active set can leave it): the domain contains v = 0 and v is linear
   in lambda, so halving lambda gets there. */
static void
enter_domain(qmu_ws *ws)
{
    slong n = ws->n, d = ws->d, i, k, it;
    mpfr_t t;
    mpfr_init2(t, ws->wp);
    for (it = 0; it < 2 * ws->wp; it++)
    {
        dual_v(ws->v, (const mpfr_t *) ws->Z, (const mpfr_t *) ws->lam, n, d, t);
        for (i = 0; i < d; i++)
            if (qc_eval(&ws->Q, i, NULL, ws->wv[i], NULL, ws->v[i]))
                break;
        if (i == d)
            break;
        for (k = 0; k < n; k++)
            mpfr_div_2ui(ws->lam[k], ws->lam[k], 1, MPFR_RNDN);
    }
    mpfr_clear(t);
}

/* grad_A = 1 - Z_A w (w = c'(v) in wv) on the na active rows, and its
   largest entry in absolute value into gn. */
static void
active_gradient(mpfr_t gn, qmu_ws *ws, slong na)
{
    slong d = ws->d, a, i;
    mpfr_t t;
    mpfr_init2(t, ws->wp);
    mpfr_set_zero(gn, 1);
    for (a = 0; a < na; a++)
    {
        mpfr_set_ui(ws->grad[a], 1, MPFR_RNDN);
        for (i = 0; i < d; i++)
        {
            mpfr_mul(t, ws->wv[i], ws->Z[ws->idx[a] * d + i], MPFR_RNDN);
            mpfr_sub(ws->grad[a], ws->grad[a], t, MPFR_RNDN);
        }
        if (mpfr_cmpabs(ws->grad[a], gn) > 0)
            mpfr_abs(gn, ws->grad[a], MPFR_RNDN);
    }
    mpfr_clear(t);
}

/* H = Z_A diag(c''(v)) Z_A^T (c'' in hv), symmetric: row a from c''(v)
   z_a (into wv, free until the next iteration), zero entries of the data
   skipped. */
static void
active_hessian(qmu_ws *ws, slong na)
{
    slong d = ws->d, a, b, i;
    mpfr_t *wv = ws->wv, *H = ws->H;
    mpfr_t t;
    mpfr_init2(t, ws->wp);
    for (a = 0; a < na; a++)
    {
        const mpfr_t *za = (const mpfr_t *) ws->Z + ws->idx[a] * d;
        for (i = 0; i < d; i++)
            if (!mpfr_zero_p(za[i]))
                mpfr_mul(wv[i], ws->hv[i], za[i], MPFR_RNDN);
        for (b = a; b < na; b++)
        {
            const mpfr_t *zb = (const mpfr_t *) ws->Z + ws->idx[b] * d;
            mpfr_ptr h = H[a * na + b];
            mpfr_set_zero(h, 1);
            for (i = 0; i < d; i++)
                if (!mpfr_zero_p(za[i]) && !mpfr_zero_p(zb[i]))
                {
                    mpfr_mul(t, wv[i], zb[i], MPFR_RNDN);
                    mpfr_add(h, h, t, MPFR_RNDN);
                }
            if (b > a)
                mpfr_set(H[b * na + a], h, MPFR_RNDN);
        }
    }
    mpfr_clear(t);
}

/* D >= 3: the conjugate's domain is bounded (-1/beta_-^(D-2) < v_i <
   1/beta_+^(D-2)); a full step from far away (lambda near 0, where c'' is
   tiny, at small mu) can overshoot it by many orders of magnitude: the
   step length u is capped at 0.9 of the way to its end along the
   direction Z_A^T dl (into hv). */
static void
cap_to_domain(mpfr_t u, qmu_ws *ws, slong na)
{
    slong d = ws->d, a, i;
    mpfr_t *hv = ws->hv;
    qconj *Q = &ws->Q;
    mpfr_t g1;
    mpfr_init2(g1, ws->wp);
    for (i = 0; i < d; i++)
    {
        mpfr_set_zero(hv[i], 1);
        for (a = 0; a < na; a++)
            mpfr_fma(hv[i], ws->Z[ws->idx[a] * d + i], ws->dl[a], hv[i], MPFR_RNDN);
        if (mpfr_zero_p(hv[i]))
            continue;
        if (mpfr_sgn(hv[i]) > 0)
        {
            mpfr_ui_div(g1, 1, Q->pm[QJ(Q, i)], MPFR_RNDN);
            mpfr_sub(g1, g1, ws->v[i], MPFR_RNDN);
        }
        else
        {
            mpfr_ui_div(g1, 1, Q->mm[QJ(Q, i)], MPFR_RNDN);
            mpfr_add(g1, g1, ws->v[i], MPFR_RNDN);
            mpfr_neg(g1, g1, MPFR_RNDN);
        }
        mpfr_div(g1, g1, hv[i], MPFR_RNDN);
        mpfr_mul_d(g1, g1, 0.9, MPFR_RNDN);
        if (mpfr_cmp(g1, u) < 0)
            mpfr_set(u, g1, MPFR_RNDN);
    }
    mpfr_clear(g1);
}

/* Backtracking (Armijo) on g from lambda along dl, from the step length
   u (halved up to 60 times): accepted when g(lambda + u dl) >= g0 + 1e-4
   u slope.  lambda becomes the last point tried either way; returns 0
   when none was accepted (no ascent possible: at the rounding level). */
static int
line_search(qmu_ws *ws, slong na, const mpfr_t g0, const mpfr_t slope, mpfr_t u)
{
    slong n = ws->n, d = ws->d, a, k, ls;
    mpfr_t t, g1;
    mpfr_inits2(ws->wp, t, g1, (mpfr_ptr) 0);
    for (ls = 0; ls < 60; ls++)
    {
        for (k = 0; k < n; k++)
            mpfr_set(ws->lt[k], ws->lam[k], MPFR_RNDN);
        for (a = 0; a < na; a++)
        {
            mpfr_mul(t, ws->dl[a], u, MPFR_RNDN);
            mpfr_add(ws->lt[ws->idx[a]], ws->lam[ws->idx[a]], t, MPFR_RNDN);
        }
        dual_v(ws->v, (const mpfr_t *) ws->Z, (const mpfr_t *) ws->lt, n, d, t);
        dual_value(g1, (const mpfr_t *) ws->lt, (const mpfr_t *) ws->v, &ws->Q, n, d, t);
        /* accept when g1 >= g0 + 1e-4 u slope (or the step is at rounding level) */
        mpfr_mul(t, slope, u, MPFR_RNDN);
        mpfr_mul_d(t, t, 1e-4, MPFR_RNDN);
        mpfr_add(t, t, g0, MPFR_RNDN);
        if (mpfr_number_p(g1) && mpfr_cmp(g1, t) >= 0)
            break;
        mpfr_div_2ui(u, u, 1, MPFR_RNDN);
    }
    for (k = 0; k < n; k++)
        mpfr_swap(ws->lam[k], ws->lt[k]);
    mpfr_clears(t, g1, (mpfr_ptr) 0);
    return ls < 60;
}

/* At the rounding level of an ill-conditioned problem (D >= 3 near the
   domain's end) the gradient stops shrinking above tol: four iterations
   without halving it end the iteration, accepted when below 2^(-wp/2)
   (the certificate judges the result anyway).  gbest and *stall carry
   the state between iterations; returns 1 when stalled. */
static int
stalled(const mpfr_t gn, mpfr_t gbest, slong *stall, mpfr_prec_t wp)
{
    if (mpfr_cmp_ui_2exp(gn, 1, -(long) wp / 2) <= 0)
    {
        if (*stall == 0 || mpfr_cmp_ui_2exp(gn, 1, mpfr_get_exp(gbest) - 2) < 0)
        {
            mpfr_set(gbest, gn, MPFR_RNDN);
            *stall = 1;
        }
        else if (++*stall > 4)
            return 1;
    }
    return 0;
}

/* Newton on the active set: maximize g over lambda_A.  Returns 0 when
   converged, 1 when the Hessian is singular or it did not converge. */
static int
newton_active(qmu_ws *ws, const int *act)
{
    slong n = ws->n, d = ws->d, na = 0, a, i, k, it, stall = 0;
    mpfr_prec_t wp = ws->wp;
    int r = 1;
    mpfr_t t, u, g0, slope, gn, tol, gbest;
    mpfr_inits2(wp, t, u, g0, slope, gn, tol, gbest, (mpfr_ptr) 0);
    for (k = 0; k < n; k++)
        if (act[k])
            ws->idx[na++] = k;
    mpfr_set_ui_2exp(tol, 1, -(long) wp + 16, MPFR_RNDN);
    enter_domain(ws);
    for (it = 0; it < 400; it++)
    {
        dual_v(ws->v, (const mpfr_t *) ws->Z, (const mpfr_t *) ws->lam, n, d, t);
        /* w = c'(v) and c''(v) per coordinate */
        for (i = 0; i < d; i++)
            if (qc_eval(&ws->Q, i, NULL, ws->wv[i], ws->hv[i], ws->v[i]))
                break;
        if (i < d)
        {
            it = 400;   /* outside the domain: failed */
            break;
        }
        active_gradient(gn, ws, na);
        if (mpfr_cmp(gn, tol) <= 0 || stalled(gn, gbest, &stall, wp))
        {
            r = 0;
            break;
        }
        active_hessian(ws, na);
        for (a = 0; a < na; a++)
            mpfr_set(ws->dl[a], ws->grad[a], MPFR_RNDN);
        if (_mpbias_lu_factor(ws->H, ws->perm, na, t))
            break;
        _mpbias_lu_solve(ws->dl, (const mpfr_t *) ws->H, ws->perm, na, t);
        dual_value(g0, (const mpfr_t *) ws->lam, (const mpfr_t *) ws->v, &ws->Q, n, d, t);
        mpfr_set_zero(slope, 1);
        for (a = 0; a < na; a++)
        {
            mpfr_mul(t, ws->grad[a], ws->dl[a], MPFR_RNDN);
            mpfr_add(slope, slope, t, MPFR_RNDN);
        }
        mpfr_set_ui(u, 1, MPFR_RNDN);
        if (ws->Q.D >= 3)
            cap_to_domain(u, ws, na);
        /* near the optimum (Newton decrement below 2^-20) the full step is
           taken: the change of g, of the size of the decrement, would
           soon be below g's rounding and the line search blind */
        mpfr_set_ui_2exp(t, 1, -20, MPFR_RNDN);
        if (mpfr_cmpabs(slope, t) < 0 && mpfr_cmp_ui(u, 1) == 0)
        {
            for (a = 0; a < na; a++)
                mpfr_add(ws->lam[ws->idx[a]], ws->lam[ws->idx[a]], ws->dl[a], MPFR_RNDN);
            continue;
        }
        if (!line_search(ws, na, g0, slope, u))
            break;
    }
    if (r != 0 && it < 400)
    {
        /* stopped by the line search: accept if the gradient is small */
        mpfr_mul_2ui(t, tol, 64, MPFR_RNDN);
        r = mpfr_cmp(gn, t) > 0;
    }
    mpfr_clears(t, u, g0, slope, gn, tol, gbest, (mpfr_ptr) 0);
    return r;
}

/* The working precision doubles this many times at most (Ziv's loop with
   a stated limit): from about 6.7 digits + 84 bits (+ guard) to 16 times
   that. */
#define QMU_ATTEMPTS 5

/* Guard bits for D >= 3: the gaps 1 - y+- of the large coordinates are
   about (mu^D / |w_i|)^((D-2)/D), and forming them loses that many bits. */
static slong
guard_bits(int depth, const fmpq *P, const fmpq *M, slong np)
{
    slong j, guard = 0;
    if (depth >= 3)
        for (j = 0; j < np; j++)
        {
            slong g1 = fmpz_bits(fmpq_denref(P + j)) - fmpz_bits(fmpq_numref(P + j));
            slong g2 = fmpz_bits(fmpq_denref(M + j)) - fmpz_bits(fmpq_numref(M + j));
            g1 = FLINT_MAX(g1, g2);
            if (g1 > 0)
                guard = FLINT_MAX(guard, (g1 * (depth - 2)) / depth + 16);
        }
    return guard;
}

/* The start: the l2 multipliers on the l2 support (the active set),
   scaled so that max_i |Z^T lambda|_i = asinh(1 / s2) for depth 2 (the
   size of v when |w_i| ~ 1, s2 = 2 mu^2 the largest scale; about
   lambda_l2 / (2 mu^2) for large mu), and half the narrowest domain's
   half-width for D >= 3. */
static void
start_point(qmu_ws *ws, int *act, const mpbias_l2mm_t l2)
{
    slong n = ws->n, d = ws->d, i, j, k;
    qconj *Q = &ws->Q;
    mpfr_t t, zw, worst;
    mpfr_inits2(ws->wp, t, zw, worst, (mpfr_ptr) 0);
    mpfr_set_zero(worst, 1);
    for (i = 0; i < d; i++)
    {
        fmpq_get_mpfr(t, l2->w + i, MPFR_RNDN);
        if (mpfr_cmpabs(t, worst) > 0)
            mpfr_abs(worst, t, MPFR_RNDN);
    }
    mpfr_set_zero(zw, 1);
    for (j = 0; j < Q->np; j++)
    {
        if (Q->D == 2)
        {
            if (mpfr_cmp(Q->s2[j], zw) > 0)
                mpfr_set(zw, Q->s2[j], MPFR_RNDN);
        }
        else
        {
            if (mpfr_cmp(Q->pm[j], zw) > 0)
                mpfr_set(zw, Q->pm[j], MPFR_RNDN);
            if (mpfr_cmp(Q->mm[j], zw) > 0)
                mpfr_set(zw, Q->mm[j], MPFR_RNDN);
        }
    }
    mpfr_ui_div(t, 1, zw, MPFR_RNDN);
    if (Q->D == 2)
        mpfr_asinh(t, t, MPFR_RNDN);
    else
        mpfr_div_2ui(t, t, 1, MPFR_RNDN);
    mpfr_div(t, t, worst, MPFR_RNDN);
    for (k = 0; k < n; k++)
    {
        act[k] = fmpq_sgn(l2->lambda + k) > 0;
        fmpq_get_mpfr(ws->lam[k], l2->lambda + k, MPFR_RNDN);
        mpfr_mul(ws->lam[k], ws->lam[k], t, MPFR_RNDN);
    }
    mpfr_clears(t, zw, worst, (mpfr_ptr) 0);
}

/* The most violated inactive constraint at lambda (violation 1 - z_k . w
   with w = c'(Z^T lambda), the largest positive one), or -1; its
   violation into worst. */
static slong
most_violated(mpfr_t worst, qmu_ws *ws, const int *act)
{
    slong n = ws->n, d = ws->d, i, k, add = -1;
    mpfr_t t, zw;
    mpfr_inits2(ws->wp, t, zw, (mpfr_ptr) 0);
    dual_v(ws->v, (const mpfr_t *) ws->Z, (const mpfr_t *) ws->lam, n, d, t);
    mpfr_set_zero(worst, 1);
    for (k = 0; k < n; k++)
    {
        if (act[k])
            continue;
        mpfr_set_zero(zw, 1);
        for (i = 0; i < d; i++)
        {
            qc_eval(&ws->Q, i, NULL, t, NULL, ws->v[i]);   /* in the domain: Newton ended there */
            mpfr_mul(t, t, ws->Z[k * d + i], MPFR_RNDN);
            mpfr_add(zw, zw, t, MPFR_RNDN);
        }
        mpfr_ui_sub(zw, 1, zw, MPFR_RNDN);   /* violation 1 - z_k . w */
        if (mpfr_cmp(zw, worst) > 0)
        {
            mpfr_set(worst, zw, MPFR_RNDN);
            add = k;
        }
    }
    mpfr_clears(t, zw, (mpfr_ptr) 0);
    return add;
}

/* The active-set method from (lambda, act): Newton on the active set,
   then the most negative active multiplier leaves, or else the most
   violated constraint (beyond 2^(-wp/2)) joins.  Returns 1 when neither
   happens (the optimum), 0 when Newton fails or the changes do not end. */
static int
active_set(qmu_ws *ws, int *act)
{
    slong n = ws->n, k, outer;
    int ok = 0;
    mpfr_t t, worst;
    mpfr_inits2(ws->wp, t, worst, (mpfr_ptr) 0);
    for (outer = 0; outer < 4 * n + 10; outer++)
    {
        slong drop = -1, add;
        if (newton_active(ws, act) != 0)
            break;
        /* the most negative active multiplier leaves */
        for (k = 0; k < n; k++)
            if (act[k] && mpfr_sgn(ws->lam[k]) < 0
                && (drop < 0 || mpfr_cmp(ws->lam[k], ws->lam[drop]) < 0))
                drop = k;
        if (drop >= 0)
        {
            act[drop] = 0;
            mpfr_set_zero(ws->lam[drop], 1);
            continue;
        }
        /* the most violated inactive constraint joins */
        add = most_violated(worst, ws, act);
        mpfr_set_ui_2exp(t, 1, -(long) ws->wp / 2, MPFR_RNDN);
        if (add >= 0 && mpfr_cmp(worst, t) > 0)
        {
            act[add] = 1;
            continue;
        }
        ok = 1;
        break;
    }
    mpfr_clears(t, worst, (mpfr_ptr) 0);
    return ok;
}

/* Whether the certified r is enough: radius below 2^accuracy max |w_i|
   (accuracy = -log2(10) (digits + 2)), and every coordinate determined to
   `digits` correctly rounded digits; at the last attempt the radius alone
   (the coordinates left undetermined then print as balls). */
static int
certified_enough(const mpbias_qmu_t r, int digits, double accuracy, int last)
{
    slong i;
    int all = 1, ok;
    mpfr_t mx;
    mpfr_init2(mx, 64);
    mpfr_set_zero(mx, 1);
    for (i = 0; i < r->d; i++)
        if (mpfr_cmpabs(r->w[i], mx) > 0)
            mpfr_abs(mx, r->w[i], MPFR_RNDN);
    mpfr_mul_2si(mx, mx, (long) accuracy, MPFR_RNDN);
    for (i = 0; i < r->d && all; i++)
    {
        char *cs = mpbias_qmu_coord_str(r, i, digits);
        all = cs != NULL;
        flint_free(cs);
    }
    ok = mpfr_cmp(r->radius, mx) <= 0 && (all || last);
    mpfr_clear(mx);
    return ok;
}

/* One attempt at working precision wp: the active-set method from the l2
   multipliers, then the certificate.  Returns MPBIAS_OK when r holds a
   result certified enough (with the multipliers and the support), else
   MPBIAS_ERR_NUMERIC. */
static mpbias_status
qmu_attempt(mpbias_qmu_t r, const mpbias_data_t data, int depth, const fmpq *P, const fmpq *M,
            slong np, int digits, const mpbias_l2mm_t l2, int *act, mpfr_prec_t wp,
            double accuracy, int last)
{
    slong n = data->n, k;
    mpbias_status st = MPBIAS_ERR_NUMERIC;
    qmu_ws ws;
    qmu_ws_init(&ws, data, depth, P, M, np, wp);
    start_point(&ws, act, l2);
    if (active_set(&ws, act)
        && certify(r, data, depth, P, M, np, (const mpfr_t *) ws.lam, (slong) wp + 32, digits)
        && certified_enough(r, digits, accuracy, last))
    {
        st = MPBIAS_OK;
        r->lambda = _mpbias_mpfr_vec_init(n, wp);
        r->nsupport = 0;
        for (k = 0; k < n; k++)
        {
            mpfr_set(r->lambda[k], ws.lam[k], MPFR_RNDN);
            r->nsupport += act[k];
        }
        r->prec = wp;
    }
    qmu_ws_clear(&ws);
    return st;
}

/* The solver for scales P (mu_+^D) and M (mu_-^D), np = 1 or d entries,
   all positive (checked by the callers). */
static mpbias_status
qmu_solve(mpbias_qmu_t r, const mpbias_data_t data, int depth, const fmpq *P, const fmpq *M,
          slong np, int digits, mpbias_err_t err)
{
    slong n = data->n, d = data->d, attempt, guard;
    mpbias_status st = MPBIAS_OK;
    mpbias_l2mm_t l2;
    int *act = NULL;
    double accuracy;

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
    r->werr = _mpbias_mpfr_vec_init(d, 64);
    act = calloc((size_t) n, sizeof(int));
    if (act == NULL)
    {
        mpbias_l2mm_clear(l2);
        return _mpbias_err_set(err, MPBIAS_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    accuracy = -3.3219280948873623 * (digits + 2);
    guard = guard_bits(depth, P, M, np);
    for (attempt = 0, st = MPBIAS_ERR_NUMERIC; attempt < QMU_ATTEMPTS && st != MPBIAS_OK; attempt++)
    {
        mpfr_prec_t wp = (mpfr_prec_t) (((2 * digits + 20) * 3.33 + guard) * (1 << attempt)) + 64;
        st = qmu_attempt(r, data, depth, P, M, np, digits, l2, act, wp, accuracy,
                         attempt == QMU_ATTEMPTS - 1);
    }
    free(act);
    mpbias_l2mm_clear(l2);
    if (st != MPBIAS_OK)
        return _mpbias_err_set(err, MPBIAS_ERR_NUMERIC, NULL, 0, 0,
                               "the intermediate predictor could not be certified to %d digits",
                               digits);
    return MPBIAS_OK;
}

static mpbias_status
check_args(int depth, int digits, mpbias_err_t err)
{
    if (depth < 2)
        return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0,
                               "the intermediate predictor needs depth >= 2 (depth %d asked)",
                               depth);
    if (digits < 1 || digits > 1000)
        return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0, "digits must be in 1..1000");
    return MPBIAS_OK;
}

mpbias_status
mpbias_qmu_compute(mpbias_qmu_t r, const mpbias_data_t data, int depth, const fmpq_t mu_pow_D,
                   int digits, mpbias_err_t err)
{
    mpbias_status st = check_args(depth, digits, err);
    if (st != MPBIAS_OK)
        return st;
    if (fmpq_sgn(mu_pow_D) <= 0)
        return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0, "mu must be positive");
    return qmu_solve(r, data, depth, mu_pow_D, mu_pow_D, 1, digits, err);
}

mpbias_status
mpbias_qmu_compute_shape(mpbias_qmu_t r, const mpbias_data_t data, int depth, const fmpq *plus_D,
                         const fmpq *minus_D, int digits, mpbias_err_t err)
{
    slong i, d = data->d, np = 1;
    mpbias_status st = check_args(depth, digits, err);
    if (st != MPBIAS_OK)
        return st;
    for (i = 0; i < d; i++)
    {
        if (fmpq_sgn(plus_D + i) <= 0 || fmpq_sgn(minus_D + i) <= 0)
            return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0,
                                   "the scales of coordinate %ld must be positive", (long) i + 1);
        if (!fmpq_equal(plus_D + i, plus_D) || !fmpq_equal(minus_D + i, plus_D))
            np = d;
    }
    return qmu_solve(r, data, depth, plus_D, minus_D, np, digits, err);
}

static void
coord_ball(arb_t x, const mpbias_qmu_t r, slong i)
{
    arf_t rr;
    arf_init(rr);
    arf_set_mpfr(arb_midref(x), r->w[i]);
    arf_set_mpfr(rr, r->werr[i]);
    arf_get_mag(arb_radref(x), rr);
    arf_clear(rr);
}

char *
mpbias_qmu_coord_str(const mpbias_qmu_t r, slong i, int digits)
{
    arb_t x;
    char *s;
    if (r->w == NULL || r->werr == NULL || i < 0 || i >= r->d || !mpfr_number_p(r->werr[i]))
        return NULL;
    arb_init(x);
    coord_ball(x, r, i);
    if (arb_is_zero(x))
    {
        s = flint_malloc(2);
        s[0] = '0';
        s[1] = '\0';
    }
    else
        s = _mpbias_arb_get_str_rounded(x, digits);
    arb_clear(x);
    return s;
}

char *
mpbias_qmu_coord_ball_str(const mpbias_qmu_t r, slong i, int digits)
{
    arb_t x;
    char *s, *t;
    if (r->w == NULL || r->werr == NULL || i < 0 || i >= r->d || digits < 1)
        return NULL;
    arb_init(x);
    coord_ball(x, r, i);
    t = arb_get_str(x, digits, 0);
    s = flint_malloc(strlen(t) + 1);
    strcpy(s, t);
    flint_free(t);
    arb_clear(x);
    return s;
}
