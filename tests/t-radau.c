/*
 * t-radau.c -- the Radau IIA stepper and the layers around it
 * (src/ode/radau.c, kron.c, evolve.c) against independent computations.
 *
 * Stated properties (include/mpbias.h, src/ode/radau.c):
 *   - coefficients at the working precision for any s (nodes certified by
 *     Arb): checked against the closed forms for s = 1, 2, 3 (to 1 ulp),
 *     and for s up to 100 the nodes against the zeros of
 *     P_s(2c - 1) - P_{s-1}(2c - 1) (Legendre polynomials by their
 *     recurrence; a Newton correction of at most 1 ulp), A against the
 *     simplifying assumptions C(s) (to the rounding of A), and B(2s - 1),
 *     D(s - 1) and the embedded order-s formula (b_hat, gamma0) to within
 *     the propagated rounding;
 *   - order 2s - 1 on y' = lambda y: the one-step error equals the Pade
 *     error constant (-1)^s s!(s-1)!/((2s)!(2s-1)!) z^(2s) to leading
 *     order, and the global error over a fixed interval falls like
 *     h^(2s-1) (measured slopes);
 *   - stability function: the step of y' = lambda y is the (s-1, s) Pade
 *     approximant of e^z (computed exactly in rationals), also at
 *     z = -1e6, -1e12, where L-stability makes it O(1/|z|);
 *   - adaptive integration (evolve) of Prothero-Robinson problems with
 *     lambda = -1e6 .. -1e12 reaches the tolerance, and the error does
 *     not grow with the stiffness;
 *   - the block-diagonalized Newton matrix (kron.c) solves the same linear
 *     system as a dense exact solve of I - h (A S) x J, and the steps taken
 *     with it, with the dense MPFR matrix, and by an independent full
 *     Newton iteration (closed-form s = 3 coefficients, 64 more bits) agree
 *     to the working precision.
 */
#include "config.h"
#include <math.h>
#include "mpbias-impl.h"
#include "testutil.h"

/* ------------------------------------------------------------------ */
/* helpers                                                             */
/* ------------------------------------------------------------------ */

/* |x - exact| in units of x's last place (an upper bound, as a double) */
static double
ulps(const mpfr_t x, const arb_t exact, slong wp)
{
    arb_t d;
    arf_t u;
    double r;
    arb_init(d);
    arf_init(u);
    arb_set_interval_mpfr(d, x, x, wp);
    arb_sub(d, d, exact, wp);
    if (mpfr_zero_p(x))
        arb_mul_2exp_si(d, d, (slong) mpfr_get_prec(x));   /* vs 2^-prec */
    else
        arb_mul_2exp_si(d, d, (slong) mpfr_get_prec(x) - (slong) mpfr_get_exp(x));
    arb_get_abs_ubound_arf(u, d, 53);
    r = arf_get_d(u, ARF_RND_UP);
    arb_clear(d);
    arf_clear(u);
    return r;
}

/* x as an exact ball */
static void
arb_from_mpfr(arb_t y, const mpfr_t x)
{
    arf_set_mpfr(arb_midref(y), x);
    mag_zero(arb_radref(y));
}

/* ------------------------------------------------------------------ */
/* Butcher tables                                                      */
/* ------------------------------------------------------------------ */

/* q := x exactly */
static void
fmpq_set_mpfr_exact_r(fmpq_t q, const mpfr_t x)
{
    mpz_t m;
    fmpz_t f;
    mpfr_exp_t e;
    fmpq_zero(q);
    if (mpfr_zero_p(x))
        return;
    mpz_init(m);
    fmpz_init(f);
    e = mpfr_get_z_2exp(m, x);
    fmpz_set_mpz(f, m);
    fmpq_set_fmpz(q, f);
    if (e >= 0)
        fmpq_mul_2exp(q, q, (ulong) e);
    else
        fmpq_div_2exp(q, q, (ulong) (-e));
    fmpz_clear(f);
    mpz_clear(m);
}

static void
radau_ok(mpbias_ode_radau_t R, slong dim, slong s, mpfr_prec_t prec)
{
    ck_assert_msg(mpbias_ode_radau_init(R, dim, s, prec) == 0, "radau_init s=%ld prec=%ld failed",
                  (long) s, (long) prec);
}

/* c and A of the s = 3 method in closed form at wp bits (Hairer-Wanner
   IV.5, Table 5.6): c = (4 -+ sqrt6)/10, 1 */
static void
radau3_exact(arb_ptr c, arb_ptr A, slong wp)
{
    arb_t r6, t;
    static const slong num[9][2] = {   /* (p + q sqrt6) / d */
        { 88, -7 }, { 296, -169 }, { -2, 3 },
        { 296, 169 }, { 88, 7 }, { -2, -3 },
        { 16, -1 }, { 16, 1 }, { 1, 0 } };
    static const ulong den[9] = { 360, 1800, 225, 1800, 360, 225, 36, 36, 9 };
    slong k;
    arb_init(r6);
    arb_init(t);
    arb_sqrt_ui(r6, 6, wp);
    arb_set_si(c + 0, 4);
    arb_sub(c + 0, c + 0, r6, wp);
    arb_div_ui(c + 0, c + 0, 10, wp);
    arb_set_si(c + 1, 4);
    arb_add(c + 1, c + 1, r6, wp);
    arb_div_ui(c + 1, c + 1, 10, wp);
    arb_one(c + 2);
    for (k = 0; k < 9; k++)
    {
        arb_mul_si(t, r6, num[k][1], wp);
        arb_add_si(t, t, num[k][0], wp);
        arb_div_ui(A + k, t, den[k], wp);
    }
    arb_clear(r6);
    arb_clear(t);
}

START_TEST(test_tables_closed_form)
{
    static const mpfr_prec_t precs[] = { 53, 113, 256, 1000 };
    size_t ip;
    slong wp = 1200, i;
    for (ip = 0; ip < sizeof precs / sizeof precs[0]; ip++)
    {
        mpfr_prec_t p = precs[ip];
        mpbias_ode_radau_t R;
        arb_ptr c = _arb_vec_init(3), A = _arb_vec_init(9);
        /* s = 1: implicit Euler */
        radau_ok(R, 1, 1, p);
        ck_assert(mpfr_cmp_ui(R->c[0], 1) == 0 && mpfr_cmp_ui(R->A[0], 1) == 0);
        mpbias_ode_radau_clear(R);
        /* s = 2 */
        radau_ok(R, 1, 2, p);
        {
            static const long an[4] = { 5, -1, 3, 1 }, ad[4] = { 12, 12, 4, 4 };
            arb_set_ui(c + 0, 1);
            arb_div_ui(c + 0, c + 0, 3, wp);
            arb_one(c + 1);
            for (i = 0; i < 2; i++)
                ck_assert_msg(ulps(R->c[i], c + i, wp) <= 1.0, "s=2 prec=%ld c_%ld off by %g ulp",
                              (long) p, (long) i, ulps(R->c[i], c + i, wp));
            ck_assert(mpfr_cmp_ui(R->c[1], 1) == 0);
            for (i = 0; i < 4; i++)
            {
                arb_set_si(A + i, an[i]);
                arb_div_si(A + i, A + i, ad[i], wp);
                ck_assert_msg(ulps(R->A[i], A + i, wp) <= 1.0, "s=2 prec=%ld a_%ld off by %g ulp",
                              (long) p, (long) i, ulps(R->A[i], A + i, wp));
            }
        }
        mpbias_ode_radau_clear(R);
        /* s = 3 */
        radau_ok(R, 1, 3, p);
        radau3_exact(c, A, wp);
        for (i = 0; i < 3; i++)
            ck_assert_msg(ulps(R->c[i], c + i, wp) <= 1.0, "s=3 prec=%ld c_%ld off by %g ulp",
                          (long) p, (long) i, ulps(R->c[i], c + i, wp));
        ck_assert(mpfr_cmp_ui(R->c[2], 1) == 0);
        for (i = 0; i < 9; i++)
            ck_assert_msg(ulps(R->A[i], A + i, wp) <= 1.0, "s=3 prec=%ld a_%ld off by %g ulp",
                          (long) p, (long) i, ulps(R->A[i], A + i, wp));
        mpbias_ode_radau_clear(R);
        _arb_vec_clear(c, 3);
        _arb_vec_clear(A, 9);
    }
}
END_TEST

/* P_s(x) - P_{s-1}(x) and its derivative (Legendre recurrences
   (n+1) P_{n+1} = (2n+1) x P_n - n P_{n-1}, P'_{n+1} = P'_{n-1} + (2n+1) P_n) */
static void
radau_poly(arb_t p, arb_t dp, const arb_t x, slong s, slong wp)
{
    arb_t P0, P1, D0, D1, t;
    slong n;
    arb_init(P0);
    arb_init(P1);
    arb_init(D0);
    arb_init(D1);
    arb_init(t);
    arb_one(P0);          /* P_0 */
    arb_set(P1, x);       /* P_1 */
    arb_zero(D0);
    arb_one(D1);
    for (n = 1; n < s; n++)
    {
        /* P_{n+1}, P'_{n+1} from n, n - 1 */
        arb_mul(t, x, P1, wp);
        arb_mul_ui(t, t, (ulong) (2 * n + 1), wp);
        arb_submul_ui(t, P0, (ulong) n, wp);
        arb_div_ui(t, t, (ulong) (n + 1), wp);
        arb_addmul_ui(D0, P1, (ulong) (2 * n + 1), wp);   /* P'_{n+1} */
        arb_swap(D0, D1);
        arb_swap(P0, P1);
        arb_swap(P1, t);
    }
    /* now P1 = P_s, P0 = P_{s-1} (for s >= 1) */
    arb_sub(p, P1, P0, wp);
    arb_sub(dp, D1, D0, wp);
    arb_clear(P0);
    arb_clear(P1);
    arb_clear(D0);
    arb_clear(D1);
    arb_clear(t);
}

/* max over the checks of |residual| / (2^-prec sum |terms|) */
static double
ratio_update(double cur, const arb_t res, const arb_t scale, mpfr_prec_t prec)
{
    arb_t q;
    arf_t u;
    double r;
    arb_init(q);
    arf_init(u);
    arb_div(q, res, scale, 64);
    arb_mul_2exp_si(q, q, (slong) prec);
    arb_get_abs_ubound_arf(u, q, 53);
    r = arf_get_d(u, ARF_RND_UP);
    arb_clear(q);
    arf_clear(u);
    return r > cur ? r : cur;
}

/* For every s: c_s = 1 exactly, the nodes increase in (0, 1], and each
   interior node is within 1 ulp of the zero of the right Radau
   polynomial P_s(2c-1) - P_{s-1}(2c-1) (refined here by Newton from the
   Legendre recurrence).  With those refined nodes (exact to far beyond
   prec) the coefficients satisfy, up to their own rounding,
     C(s):     sum_j a_ij c_j^(k-1) = c_i^k / k,             k = 1..s,
     B(2s-1):  sum_i b_i c_i^(k-1) = 1/k,                    k = 1..2s-1,
     D(s-1):   sum_i b_i c_i^(k-1) a_ij = b_j (1 - c_j^k)/k, k = 1..s-1,
     embedded: gamma0 [k = 1] + sum_i bh_i c_i^(k-1) = 1/k,  k = 1..s,
   with b_i = a_si and bh = b - A^T e: the residual is at most
   K 2^-prec sum |terms| with K = 2 for C and B (one factor with relative
   error <= 2^(1-prec): 1/2 ulp for the rounding and 2^-prec for the ball
   the code rounds) and K = 4 for D and the embedded formula (two such
   factors). */
START_TEST(test_tables_order_conditions)
{
    static const slong ss[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 16, 24, 36, 50, 100 };
    static const mpfr_prec_t precs[] = { 64, 200 };
    size_t is, ip;
    for (ip = 0; ip < sizeof precs / sizeof precs[0]; ip++)
        for (is = 0; is < sizeof ss / sizeof ss[0]; is++)
        {
            slong s = ss[is], i, j, k, wp;
            mpfr_prec_t prec = precs[ip];
            mpbias_ode_radau_t R;
            arb_ptr c, A, b, bh, bhs, cp;
            arb_t x, p, dp, res, sc, t, g0;
            double rC = 0.0, rB = 0.0, rD = 0.0, rE = 0.0;
            if (s == 100 && prec < 200)
                continue;
            wp = prec + 80 + 4 * s;   /* the Legendre recurrence loses ~ s bits */
            radau_ok(R, 1, s, prec);
            c = _arb_vec_init(s);
            A = _arb_vec_init(s * s);
            b = _arb_vec_init(s);
            bh = _arb_vec_init(s);
            bhs = _arb_vec_init(s);
            cp = _arb_vec_init(s);   /* c_i^(k-1), running */
            arb_init(x);
            arb_init(p);
            arb_init(dp);
            arb_init(res);
            arb_init(sc);
            arb_init(t);
            arb_init(g0);
            for (i = 0; i < s; i++)
                arb_from_mpfr(c + i, R->c[i]);
            for (i = 0; i < s * s; i++)
                arb_from_mpfr(A + i, R->A[i]);
            for (i = 0; i < s; i++)
                arb_set(b + i, A + (s - 1) * s + i);
            arb_from_mpfr(g0, R->gamma0);
            /* b_hat_j = b_j - sum_i e_i a_ij, and the size of its terms */
            for (j = 0; j < s; j++)
            {
                arb_set(bh + j, b + j);
                arb_abs(bhs + j, b + j);
                for (i = 0; i < s; i++)
                {
                    arb_from_mpfr(t, R->e[i]);
                    arb_mul(t, t, A + i * s + j, wp);
                    arb_sub(bh + j, bh + j, t, wp);
                    arb_abs(t, t);
                    arb_add(bhs + j, bhs + j, t, wp);
                }
            }
            /* nodes */
            ck_assert(mpfr_cmp_ui(R->c[s - 1], 1) == 0);
            for (i = 0; i < s; i++)
            {
                ck_assert(mpfr_sgn(R->c[i]) > 0);
                if (i > 0)
                    ck_assert(mpfr_cmp(R->c[i - 1], R->c[i]) < 0);
            }
            /* each interior node: Newton on P_s(2c-1) - P_{s-1}(2c-1) from
               R->c[i] (midpoints, 3 steps: from prec to > 8 prec bits, far
               beyond wp), then R->c[i] within 1 ulp of that root */
            for (i = 0; i < s - 1; i++)
            {
                double d;
                slong it;
                arb_mul_2exp_si(x, c + i, 1);
                arb_sub_ui(x, x, 1, wp);
                for (it = 0; it < 3; it++)
                {
                    radau_poly(p, dp, x, s, wp);
                    arb_div(t, p, dp, wp);
                    arb_sub(x, x, t, wp);
                    mag_zero(arb_radref(x));
                }
                arb_add_ui(x, x, 1, wp);
                arb_mul_2exp_si(c + i, x, -1);
                d = ulps(R->c[i], c + i, wp);
                ck_assert_msg(d <= 1.0, "s=%ld prec=%ld: c_%ld is %g ulp from the root", (long) s,
                              (long) prec, (long) i, d);
            }
            /* C(s): sum_j a_ij c_j^(k-1) = c_i^k / k */
            for (i = 0; i < s; i++)
            {
                for (j = 0; j < s; j++)
                    arb_one(cp + j);
                for (k = 1; k <= s; k++)
                {
                    arb_zero(res);
                    arb_zero(sc);
                    for (j = 0; j < s; j++)
                    {
                        arb_mul(t, A + i * s + j, cp + j, wp);
                        arb_add(res, res, t, wp);
                        arb_abs(t, t);
                        arb_add(sc, sc, t, wp);
                    }
                    arb_pow_ui(t, c + i, (ulong) k, wp);
                    arb_div_ui(t, t, (ulong) k, wp);
                    arb_sub(res, res, t, wp);
                    rC = ratio_update(rC, res, sc, prec);
                    for (j = 0; j < s; j++)
                        arb_mul(cp + j, cp + j, c + j, wp);
                }
            }
            /* B(2s-1): sum_i b_i c_i^(k-1) = 1/k; and the embedded
               formula: gamma0 [k = 1] + sum_i bh_i c_i^(k-1) = 1/k, k <= s */
            for (j = 0; j < s; j++)
                arb_one(cp + j);
            for (k = 1; k <= 2 * s - 1; k++)
            {
                arb_zero(res);
                arb_zero(sc);
                for (i = 0; i < s; i++)
                {
                    arb_mul(t, b + i, cp + i, wp);
                    arb_add(res, res, t, wp);
                    arb_abs(t, t);
                    arb_add(sc, sc, t, wp);
                }
                arb_one(t);
                arb_div_ui(t, t, (ulong) k, wp);
                arb_sub(res, res, t, wp);
                rB = ratio_update(rB, res, sc, prec);
                if (k <= s)
                {
                    arb_zero(res);
                    arb_zero(sc);
                    for (i = 0; i < s; i++)
                    {
                        arb_mul(t, bh + i, cp + i, wp);
                        arb_add(res, res, t, wp);
                        arb_mul(t, bhs + i, cp + i, wp);
                        arb_add(sc, sc, t, wp);
                    }
                    if (k == 1)
                    {
                        arb_add(res, res, g0, wp);
                        arb_add(sc, sc, g0, wp);
                    }
                    arb_one(t);
                    arb_div_ui(t, t, (ulong) k, wp);
                    arb_sub(res, res, t, wp);
                    rE = ratio_update(rE, res, sc, prec);
                }
                for (i = 0; i < s; i++)
                    arb_mul(cp + i, cp + i, c + i, wp);
            }
            /* D(s-1): sum_i b_i c_i^(k-1) a_ij = b_j (1 - c_j^k) / k */
            for (j = 0; j < s; j++)
            {
                for (i = 0; i < s; i++)
                    arb_one(cp + i);
                for (k = 1; k <= s - 1; k++)
                {
                    arb_zero(res);
                    arb_zero(sc);
                    for (i = 0; i < s; i++)
                    {
                        arb_mul(t, b + i, cp + i, wp);
                        arb_mul(t, t, A + i * s + j, wp);
                        arb_add(res, res, t, wp);
                        arb_abs(t, t);
                        arb_add(sc, sc, t, wp);
                    }
                    arb_pow_ui(t, c + j, (ulong) k, wp);
                    arb_sub_ui(t, t, 1, wp);
                    arb_mul(t, t, b + j, wp);
                    arb_div_ui(t, t, (ulong) k, wp);
                    arb_add(res, res, t, wp);
                    rD = ratio_update(rD, res, sc, prec);
                    for (i = 0; i < s; i++)
                        arb_mul(cp + i, cp + i, c + i, wp);
                }
            }
            if (getenv("T_RADAU_VERBOSE"))
                printf("s=%ld prec=%ld ratios C %.3g B %.3g D %.3g E %.3g\n", (long) s, (long) prec,
                       rC, rB, rD, rE);
            ck_assert_msg(rC <= 2.0, "s=%ld prec=%ld: C(s) residual %g x 2^-prec", (long) s,
                          (long) prec, rC);
            ck_assert_msg(rB <= 2.0 && rD <= 4.0 && rE <= 4.0,
                          "s=%ld prec=%ld: residuals B %g D %g embedded %g x 2^-prec sum|terms|",
                          (long) s, (long) prec, rB, rD, rE);
            arb_clear(x);
            arb_clear(p);
            arb_clear(dp);
            arb_clear(res);
            arb_clear(sc);
            arb_clear(t);
            arb_clear(g0);
            _arb_vec_clear(c, s);
            _arb_vec_clear(A, s * s);
            _arb_vec_clear(b, s);
            _arb_vec_clear(bh, s);
            _arb_vec_clear(bhs, s);
            _arb_vec_clear(cp, s);
            mpbias_ode_radau_clear(R);
        }
}
END_TEST

/* ------------------------------------------------------------------ */
/* Steps of y' = lambda y                                              */
/* ------------------------------------------------------------------ */

static void
control_set(mpbias_ode_control_t c, const mpfr_t tol)
{
    slong i;
    mpfr_set(c->rtol, tol, MPFR_RNDN);
    for (i = 0; i < c->dim; i++)
        mpfr_set(c->atol[i], tol, MPFR_RNDN);
}

typedef struct
{
    mpfr_t lam;
} lin_params;

static int
lin_f(mpfr_t *f, const mpfr_t x, const mpfr_t *y, void *params)
{
    lin_params *P = params;
    (void) x;
    mpfr_mul(f[0], P->lam, y[0], MPFR_RNDN);
    return MPBIAS_ODE_OK;
}

static int
lin_jac(mpfr_t *J, mpfr_t *dfdx, const mpfr_t x, const mpfr_t *y, void *params)
{
    lin_params *P = params;
    (void) x;
    (void) y;
    mpfr_set(J[0], P->lam, MPFR_RNDN);
    mpfr_set_zero(dfdx[0], 1);
    return MPBIAS_ODE_OK;
}

/* n fixed steps of size h of y' = lam y from y(0) = 1, Newton converged
   to 2^(40 - prec) (far below the errors measured), into y */
static void
lin_fixed_steps(mpfr_t y, slong s, mpfr_prec_t prec, const mpfr_t lam, const mpfr_t h, slong n)
{
    mpbias_ode_radau_t R;
    mpbias_ode_control_t c;
    lin_params P;
    mpbias_ode_system sys;
    mpfr_t x, tol, *yv, *yo, *ye;
    slong k;
    int r;
    radau_ok(R, 1, s, prec);
    mpbias_ode_control_init(c, 1, prec);
    mpfr_inits2(prec, P.lam, x, tol, (mpfr_ptr) 0);
    yv = _mpbias_mpfr_vec_init(1, prec);
    yo = _mpbias_mpfr_vec_init(1, prec);
    ye = _mpbias_mpfr_vec_init(1, prec);
    mpfr_set(P.lam, lam, MPFR_RNDN);
    mpfr_set_ui_2exp(tol, 1, 40 - (long) prec, MPFR_RNDN);
    control_set(c, tol);
    sys.dim = 1;
    sys.f = lin_f;
    sys.jac = lin_jac;
    sys.scale = NULL;
    sys.jac_d = NULL;
    sys.params = &P;
    mpfr_set_ui(yv[0], 1, MPFR_RNDN);
    mpfr_set_zero(x, 1);
    for (k = 0; k < n; k++)
    {
        R->jac_valid = 0;
        r = mpbias_ode_radau_step(R, &sys, c, x, (const mpfr_t *) yv, h, yo, ye);
        ck_assert_msg(r == MPBIAS_ODE_OK, "s=%ld: step %ld failed (%d)", (long) s, (long) k, r);
        mpfr_swap(yv[0], yo[0]);
        mpfr_add(x, x, h, MPFR_RNDN);
    }
    mpfr_set(y, yv[0], MPFR_RNDN);
    _mpbias_mpfr_vec_clear(yv, 1);
    _mpbias_mpfr_vec_clear(yo, 1);
    _mpbias_mpfr_vec_clear(ye, 1);
    mpfr_clears(P.lam, x, tol, (mpfr_ptr) 0);
    mpbias_ode_control_clear(c);
    mpbias_ode_radau_clear(R);
}

/* Local error: one step of y' = lam y from y = 1 with z = lam h =
   +-2^-k0 .. +-2^-(k0+3).  The error y1 - e^z must equal
   -C z^(2s) (1 + O(z)), C = (-1)^s s! (s-1)! / ((2s)! (2s-1)!) the error
   constant of the (s-1, s) Pade approximant: the ratio within 0.15 of 1
   at the smallest z, and the measured slope log2(err(h)/err(h/2)) within
   0.15 of 2s (local order 2s, i.e. order 2s - 1). */
START_TEST(test_order_local)
{
    static const slong ss[] = { 1, 2, 3, 4, 5, 7, 10, 16 };
    size_t is;
    int sg;
    for (is = 0; is < sizeof ss / sizeof ss[0]; is++)
        for (sg = -1; sg <= 1; sg += 2)
        {
            slong s = ss[is], k, k0 = s >= 7 ? 1 : 3;
            mpfr_prec_t prec = 192 + 40 * s;
            mpfr_t lam, h, y, ex, C, t;
            double err[4], ratio = 0.0;
            mpfr_inits2(prec, lam, h, y, ex, C, t, (mpfr_ptr) 0);
            mpfr_set_si(lam, sg, MPFR_RNDN);
            /* C */
            mpfr_fac_ui(C, (unsigned long) s, MPFR_RNDN);
            mpfr_fac_ui(t, (unsigned long) (s - 1), MPFR_RNDN);
            mpfr_mul(C, C, t, MPFR_RNDN);
            mpfr_fac_ui(t, (unsigned long) (2 * s), MPFR_RNDN);
            mpfr_div(C, C, t, MPFR_RNDN);
            mpfr_fac_ui(t, (unsigned long) (2 * s - 1), MPFR_RNDN);
            mpfr_div(C, C, t, MPFR_RNDN);
            if (s % 2)
                mpfr_neg(C, C, MPFR_RNDN);
            for (k = 0; k < 4; k++)
            {
                mpfr_set_ui_2exp(h, 1, -(k0 + k), MPFR_RNDN);
                lin_fixed_steps(y, s, prec, lam, h, 1);
                mpfr_mul(t, lam, h, MPFR_RNDN);
                mpfr_exp(ex, t, MPFR_RNDN);
                mpfr_sub(y, y, ex, MPFR_RNDN);
                err[k] = fabs(mpfr_get_d(y, MPFR_RNDN));
                /* ratio (y1 - e^z) / (-C z^(2s)) */
                mpfr_pow_ui(t, t, (unsigned long) (2 * s), MPFR_RNDN);
                mpfr_mul(t, t, C, MPFR_RNDN);
                mpfr_neg(t, t, MPFR_RNDN);
                mpfr_div(y, y, t, MPFR_RNDN);
                ratio = mpfr_get_d(y, MPFR_RNDN);
            }
            for (k = 0; k < 3; k++)
            {
                double slope = log2(err[k] / err[k + 1]);
                if (getenv("T_RADAU_VERBOSE"))
                    printf("local s=%ld lam=%d k=%ld err=%g slope %.4f ratio %.4f\n", (long) s,
                           sg, (long) k, err[k], slope, ratio);
                if (k == 2)
                    ck_assert_msg(fabs(slope - 2.0 * s) <= 0.15,
                                  "s=%ld lam=%d: local slope %g, expected %ld", (long) s, sg, slope,
                                  (long) (2 * s));
            }
            ck_assert_msg(fabs(ratio - 1.0) <= 0.15, "s=%ld lam=%d: error / (-C z^2s) = %g",
                          (long) s, sg, ratio);
            mpfr_clears(lam, h, y, ex, C, t, (mpfr_ptr) 0);
        }
}
END_TEST

/* Global error at x = 1 of y' = -y with N = 8, 16, 32, 64 fixed steps:
   the slope log2(err(N)/err(2N)) at the last pair within 0.2 of 2s - 1. */
START_TEST(test_order_global)
{
    static const slong ss[] = { 1, 2, 3, 4, 5 };
    size_t is;
    for (is = 0; is < sizeof ss / sizeof ss[0]; is++)
    {
        slong s = ss[is], k;
        mpfr_prec_t prec = 256;
        mpfr_t lam, h, y, ex;
        double err[4], slope = 0.0;
        mpfr_inits2(prec, lam, h, y, ex, (mpfr_ptr) 0);
        mpfr_set_si(lam, -1, MPFR_RNDN);
        mpfr_set_si(ex, -1, MPFR_RNDN);
        mpfr_exp(ex, ex, MPFR_RNDN);
        for (k = 0; k < 4; k++)
        {
            mpfr_set_ui_2exp(h, 1, -(3 + k), MPFR_RNDN);
            lin_fixed_steps(y, s, prec, lam, h, 8L << k);
            mpfr_sub(y, y, ex, MPFR_RNDN);
            err[k] = fabs(mpfr_get_d(y, MPFR_RNDN));
            if (k > 0)
            {
                slope = log2(err[k - 1] / err[k]);
                if (getenv("T_RADAU_VERBOSE"))
                    printf("global s=%ld N=%ld err=%g slope %.4f\n", (long) s, 8L << k, err[k],
                           slope);
            }
        }
        ck_assert_msg(fabs(slope - (2.0 * s - 1.0)) <= 0.2, "s=%ld: global slope %g, expected %ld",
                      (long) s, slope, (long) (2 * s - 1));
        mpfr_clears(lam, h, y, ex, (mpfr_ptr) 0);
    }
}
END_TEST

/* R(z) = P(z)/Q(z), the (s-1, s) Pade approximant of e^z, exactly:
   P = sum_{j<=k} (k+m-j)! k! / ((k+m)! j! (k-j)!) z^j,
   Q = sum_{j<=m} (k+m-j)! m! / ((k+m)! j! (m-j)!) (-z)^j, k = s-1, m = s */
static void
pade(fmpq_t R, const fmpq_t z, slong s)
{
    slong k = s - 1, m = s, j;
    fmpq_t P, Q, t, zj;
    fmpz_t a, b;
    fmpq_init(P);
    fmpq_init(Q);
    fmpq_init(t);
    fmpq_init(zj);
    fmpz_init(a);
    fmpz_init(b);
    fmpq_one(zj);
    for (j = 0; j <= m; j++)
    {
        /* (k+m-j)! / ((k+m)! j!) */
        fmpz_fac_ui(a, (ulong) (k + m - j));
        fmpz_fac_ui(b, (ulong) (k + m));
        fmpq_set_fmpz_frac(t, a, b);
        fmpz_fac_ui(b, (ulong) j);
        fmpq_div_fmpz(t, t, b);
        fmpq_mul(t, t, zj);
        if (j <= k)
        {
            fmpq_t u;
            fmpq_init(u);
            fmpz_fac_ui(a, (ulong) k);
            fmpz_fac_ui(b, (ulong) (k - j));
            fmpq_mul_fmpz(u, t, a);
            fmpq_div_fmpz(u, u, b);
            fmpq_add(P, P, u);
            fmpq_clear(u);
        }
        fmpz_fac_ui(a, (ulong) m);
        fmpz_fac_ui(b, (ulong) (m - j));
        fmpq_mul_fmpz(t, t, a);
        fmpq_div_fmpz(t, t, b);
        if (j % 2)
            fmpq_sub(Q, Q, t);
        else
            fmpq_add(Q, Q, t);
        fmpq_mul(zj, zj, z);
    }
    fmpq_div(R, P, Q);
    fmpq_clear(P);
    fmpq_clear(Q);
    fmpq_clear(t);
    fmpq_clear(zj);
    fmpz_clear(a);
    fmpz_clear(b);
}

/* The step of y' = z y with h = 1 from y = 1 is R(z): compared with the
   Pade formula at z = 1/2, -1/2, -10, -1000, -1e6, -1e12 within
   2^(40 - prec) max(1, |z|) (the Newton iteration is converged to
   2^(40 - prec) in the relative-absolute norm; |z| the condition of
   I - z A); L-stability: |R(z)| < 2s/|z| at z = -1e6, -1e12 (R(z) ~ s/z:
   the Pade value decides; this only makes the property explicit). */
START_TEST(test_stability_function)
{
    static const slong ss[] = { 1, 2, 3, 5, 8, 16 };
    static const char *const zs[] = { "1/2", "-1/2", "-10", "-1000", "-1000000",
                                      "-1000000000000" };
    size_t is, iz;
    for (is = 0; is < sizeof ss / sizeof ss[0]; is++)
        for (iz = 0; iz < sizeof zs / sizeof zs[0]; iz++)
        {
            slong s = ss[is];
            mpfr_prec_t prec = 256;
            mpfr_t lam, h, y, ex, t;
            fmpq_t z, R;
            double az;
            mpfr_inits2(prec, lam, h, y, ex, t, (mpfr_ptr) 0);
            fmpq_init(z);
            fmpq_init(R);
            tu_fmpq_set(z, zs[iz]);
            fmpq_get_mpfr(lam, z, MPFR_RNDN);
            fmpq_set_mpfr_exact_r(z, lam);   /* the z actually used */
            mpfr_set_ui(h, 1, MPFR_RNDN);
            lin_fixed_steps(y, s, prec, lam, h, 1);
            pade(R, z, s);
            fmpq_get_mpfr(ex, R, MPFR_RNDN);
            mpfr_sub(t, y, ex, MPFR_RNDN);
            az = fabs(fmpq_get_d(z));
            mpfr_abs(t, t, MPFR_RNDN);
            mpfr_div_d(t, t, az > 1.0 ? az : 1.0, MPFR_RNDN);
            mpfr_mul_2si(t, t, (long) prec - 40, MPFR_RNDN);
            if (getenv("T_RADAU_VERBOSE"))
                mpfr_printf("stab s=%ld z=%s R=%.10Rg y=%.10Rg err/bound=%.3Rg\n", (long) s, zs[iz],
                            ex, y, t);
            ck_assert_msg(mpfr_cmp_ui(t, 1) <= 0, "s=%ld z=%s: step differs from the Pade value",
                          (long) s, zs[iz]);
            if (az >= 1e6)
            {
                mpfr_abs(t, y, MPFR_RNDN);
                ck_assert_msg(mpfr_cmp_d(t, 2.0 * s / az) < 0, "s=%ld z=%s: |R(z)| not small",
                              (long) s, zs[iz]);
            }
            fmpq_clear(z);
            fmpq_clear(R);
            mpfr_clears(lam, h, y, ex, t, (mpfr_ptr) 0);
        }
}
END_TEST

/* Dense output (include/mpbias.h: "error of order h^(s+1)"): after one
   step of y' = -y from y = 1, the collocation polynomial at x = theta h
   (theta = 0.37, 0.81: not nodes) against e^(-theta h), for
   h = 2^-2 .. 2^-5; the slope at the last pair within 0.3 of s + 1.
   Before any step it returns MPBIAS_ODE_DOMAIN; at x = h it is the step's
   own result. */
START_TEST(test_dense_output)
{
    static const slong ss[] = { 1, 2, 3, 5 };
    static const double thetas[] = { 0.37, 0.81 };
    size_t is, it;
    mpfr_prec_t prec = 256;
    for (is = 0; is < sizeof ss / sizeof ss[0]; is++)
        for (it = 0; it < 2; it++)
        {
            slong s = ss[is], k;
            double err[4], slope = 0.0;
            for (k = 0; k < 4; k++)
            {
                mpbias_ode_radau_t R;
                mpbias_ode_control_t c;
                lin_params P;
                mpbias_ode_system sys;
                mpfr_t x, h, t, *y, *yo, *ye, *yd;
                radau_ok(R, 1, s, prec);
                mpbias_ode_control_init(c, 1, prec);
                mpfr_inits2(prec, P.lam, x, h, t, (mpfr_ptr) 0);
                y = _mpbias_mpfr_vec_init(1, prec);
                yo = _mpbias_mpfr_vec_init(1, prec);
                ye = _mpbias_mpfr_vec_init(1, prec);
                yd = _mpbias_mpfr_vec_init(1, prec);
                mpfr_set_si(P.lam, -1, MPFR_RNDN);
                mpfr_set_ui_2exp(t, 1, 40 - (long) prec, MPFR_RNDN);
                control_set(c, t);
                sys.dim = 1;
                sys.f = lin_f;
                sys.jac = lin_jac;
                sys.scale = NULL;
                sys.jac_d = NULL;
                sys.params = &P;
                mpfr_set_zero(x, 1);
                mpfr_set_ui(y[0], 1, MPFR_RNDN);
                mpfr_set_ui_2exp(h, 1, -(2 + k), MPFR_RNDN);
                ck_assert_int_eq(mpbias_ode_radau_dense(R, x, yd), MPBIAS_ODE_DOMAIN);
                ck_assert_int_eq(
                    mpbias_ode_radau_step(R, &sys, c, x, (const mpfr_t *) y, h, yo, ye),
                    MPBIAS_ODE_OK);
                ck_assert_int_eq(mpbias_ode_radau_dense(R, h, yd), MPBIAS_ODE_OK);
                ck_assert(mpfr_equal_p(yd[0], yo[0]));
                mpfr_mul_d(t, h, thetas[it], MPFR_RNDN);
                ck_assert_int_eq(mpbias_ode_radau_dense(R, t, yd), MPBIAS_ODE_OK);
                mpfr_neg(t, t, MPFR_RNDN);
                mpfr_exp(t, t, MPFR_RNDN);
                mpfr_sub(t, yd[0], t, MPFR_RNDN);
                err[k] = fabs(mpfr_get_d(t, MPFR_RNDN));
                if (k > 0)
                    slope = log2(err[k - 1] / err[k]);
                if (getenv("T_RADAU_VERBOSE"))
                    printf("dense s=%ld theta=%g h=2^-%ld: err %.3g slope %.3f\n", (long) s,
                           thetas[it], (long) (2 + k), err[k], slope);
                _mpbias_mpfr_vec_clear(y, 1);
                _mpbias_mpfr_vec_clear(yo, 1);
                _mpbias_mpfr_vec_clear(ye, 1);
                _mpbias_mpfr_vec_clear(yd, 1);
                mpfr_clears(P.lam, x, h, t, (mpfr_ptr) 0);
                mpbias_ode_control_clear(c);
                mpbias_ode_radau_clear(R);
            }
            ck_assert_msg(fabs(slope - (s + 1.0)) <= 0.3, "dense s=%ld theta=%g: slope %g",
                          (long) s, thetas[it], slope);
        }
}
END_TEST

/* The control's norm, by hand: max_i |e_i| / (atol_i + rtol max(|y_i|,
   |ynew_i|)) over the selected components; a component with no
   tolerance at all (atol = 0, y = ynew = 0) passes only when exact. */
START_TEST(test_control_norm)
{
    mpbias_ode_control_t c;
    mpfr_t *e = _mpbias_mpfr_vec_init(3, 64), *y = _mpbias_mpfr_vec_init(3, 64);
    mpfr_t *yn = _mpbias_mpfr_vec_init(3, 64);
    mpfr_t out;
    static const double ev[3] = { 3e-6, -1e-6, 2e-6 }, yv[3] = { 2.0, -8.0, 0.0 },
                        ynv[3] = { -4.0, 1.0, 0.0 }, av[3] = { 1e-6, 0.0, 1e-6 };
    slong i;
    mpfr_init2(out, 64);
    mpbias_ode_control_init(c, 3, 64);
    mpfr_set_d(c->rtol, 1e-6, MPFR_RNDN);
    for (i = 0; i < 3; i++)
    {
        mpfr_set_d(e[i], ev[i], MPFR_RNDN);
        mpfr_set_d(y[i], yv[i], MPFR_RNDN);
        mpfr_set_d(yn[i], ynv[i], MPFR_RNDN);
        mpfr_set_d(c->atol[i], av[i], MPFR_RNDN);
    }
    c->stiff[1] = 1;
    /* 3e-6 / (1e-6 + 4e-6) = 0.6; 1e-6 / 8e-6 = 0.125; 2e-6 / 1e-6 = 2 */
    mpbias_ode_control_norm(out, c, (const mpfr_t *) e, (const mpfr_t *) y, (const mpfr_t *) yn,
                            MPBIAS_ODE_ALL);
    ck_assert(fabs(mpfr_get_d(out, MPFR_RNDN) - 2.0) < 1e-12);
    mpbias_ode_control_norm(out, c, (const mpfr_t *) e, (const mpfr_t *) y, (const mpfr_t *) yn,
                            MPBIAS_ODE_STIFF);
    ck_assert(fabs(mpfr_get_d(out, MPFR_RNDN) - 0.125) < 1e-12);
    mpfr_set_zero(e[2], 1);
    mpbias_ode_control_norm(out, c, (const mpfr_t *) e, (const mpfr_t *) y, (const mpfr_t *) yn,
                            MPBIAS_ODE_NONSTIFF);
    ck_assert(fabs(mpfr_get_d(out, MPFR_RNDN) - 0.6) < 1e-12);
    /* no tolerance: exact passes, anything else is infinite */
    mpfr_set_zero(c->atol[2], 1);
    mpbias_ode_control_norm(out, c, (const mpfr_t *) e, (const mpfr_t *) y, (const mpfr_t *) yn,
                            MPBIAS_ODE_ALL);
    ck_assert(fabs(mpfr_get_d(out, MPFR_RNDN) - 0.6) < 1e-12);
    mpfr_set_d(e[2], 1e-300, MPFR_RNDN);
    mpbias_ode_control_norm(out, c, (const mpfr_t *) e, (const mpfr_t *) y, (const mpfr_t *) yn,
                            MPBIAS_ODE_ALL);
    ck_assert(mpfr_inf_p(out));
    mpbias_ode_control_clear(c);
    mpfr_clear(out);
    _mpbias_mpfr_vec_clear(e, 3);
    _mpbias_mpfr_vec_clear(y, 3);
    _mpbias_mpfr_vec_clear(yn, 3);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Prothero-Robinson: adaptive integration of a stiff problem          */
/* ------------------------------------------------------------------ */

/* y' = lam (y - sin x) + cos x, y(0) = 0: y = sin x for every lam */
static int
pr_f(mpfr_t *f, const mpfr_t x, const mpfr_t *y, void *params)
{
    lin_params *P = params;
    mpfr_t t;
    mpfr_init2(t, mpfr_get_prec(f[0]));
    mpfr_sin(t, x, MPFR_RNDN);
    mpfr_sub(t, y[0], t, MPFR_RNDN);
    mpfr_mul(f[0], P->lam, t, MPFR_RNDN);
    mpfr_cos(t, x, MPFR_RNDN);
    mpfr_add(f[0], f[0], t, MPFR_RNDN);
    mpfr_clear(t);
    return MPBIAS_ODE_OK;
}

static int
pr_jac(mpfr_t *J, mpfr_t *dfdx, const mpfr_t x, const mpfr_t *y, void *params)
{
    lin_params *P = params;
    mpfr_t t;
    (void) y;
    mpfr_init2(t, mpfr_get_prec(J[0]));
    mpfr_set(J[0], P->lam, MPFR_RNDN);
    mpfr_cos(t, x, MPFR_RNDN);
    mpfr_mul(dfdx[0], P->lam, t, MPFR_RNDN);
    mpfr_sin(t, x, MPFR_RNDN);
    mpfr_add(dfdx[0], dfdx[0], t, MPFR_RNDN);
    mpfr_neg(dfdx[0], dfdx[0], MPFR_RNDN);
    mpfr_clear(t);
    return MPBIAS_ODE_OK;
}

/* Integrate from 0 to x1 with evolve; returns |y(x1) - sin x1| and the
   number of accepted steps in *steps. */
static double
pr_run(slong s, mpfr_prec_t prec, double lam, double tol, double x1d, int stiff, slong *steps)
{
    mpbias_ode_radau_t R;
    mpbias_ode_control_t c;
    mpbias_ode_evolve_t e;
    mpbias_ode_system sys;
    lin_params P;
    mpfr_t x, x1, t, *y;
    double err;
    int r;
    radau_ok(R, 1, s, prec);
    mpbias_ode_control_init(c, 1, prec);
    mpbias_ode_evolve_init(e, 1, prec);
    mpfr_inits2(prec, P.lam, x, x1, t, (mpfr_ptr) 0);
    y = _mpbias_mpfr_vec_init(1, prec);
    mpfr_set_d(P.lam, lam, MPFR_RNDN);
    mpfr_set_d(t, tol, MPFR_RNDN);
    control_set(c, t);
    c->stiff[0] = stiff;
    sys.dim = 1;
    sys.f = pr_f;
    sys.jac = pr_jac;
    sys.scale = NULL;
    sys.jac_d = NULL;
    sys.params = &P;
    mpfr_set_zero(x, 1);
    mpfr_set_d(x1, x1d, MPFR_RNDN);
    mpfr_set_zero(y[0], 1);
    while (mpfr_cmp(x, x1) < 0)
    {
        r = mpbias_ode_evolve_apply(e, R, c, &sys, x, x1, y);
        ck_assert_msg(r == MPBIAS_ODE_OK, "PR s=%ld lam=%g: evolve failed (%d) at x = %g",
                      (long) s, lam, r, mpfr_get_d(x, MPFR_RNDN));
        ck_assert_msg(mpfr_cmp(x, x1) <= 0, "evolve stepped past x1");
        ck_assert_msg(e->steps < 20000, "PR s=%ld lam=%g: too many steps", (long) s, lam);
    }
    ck_assert(mpfr_equal_p(x, x1));
    mpfr_sin(t, x1, MPFR_RNDN);
    mpfr_sub(t, y[0], t, MPFR_RNDN);
    err = fabs(mpfr_get_d(t, MPFR_RNDN));
    *steps = e->steps;
    if (getenv("T_RADAU_VERBOSE"))
        printf("PR s=%ld lam=%g tol=%g stiff=%d: err %.3g = %.3g tol, %ld steps, %ld rejected\n",
               (long) s, lam, tol, stiff, err, err / tol, (long) e->steps, (long) e->rejected);
    _mpbias_mpfr_vec_clear(y, 1);
    mpfr_clears(P.lam, x, x1, t, (mpfr_ptr) 0);
    mpbias_ode_evolve_clear(e);
    mpbias_ode_control_clear(c);
    mpbias_ode_radau_clear(R);
    return err;
}

/* Prothero-Robinson y' = lam (y - sin x) + cos x on [0, 10] with
   rtol = atol = tol, lam = -1, -1e6, -1e9, -1e12, s = 3, 5 (tol 1e-12)
   and 9 (tol 1e-25).  The documented behaviour (include/mpbias.h,
   radau.c):
   - a component marked stiff takes the estimate as it is: the error at
     x = 10 must be within 2 tol (measured: at most 0.85 tol);
   - an unmarked one is measured against the transformed tolerance
     0.1 tol^((2s+1)/(3s)) (radau.c; per step), so its error may exceed
     tol by F = 0.1 tol^(-(s-1)/(3s)) (46 for s = 3, 1600 for s = 5,
     2.5e6 for s = 9): it must be within 2 F tol (measured: up to 0.65 F).
   Both bounds are the same for every lam: the error does not grow with
   the stiffness (stiffly accurate: no order reduction beyond the stage
   order, which the estimate sees), and neither does the work: the
   accepted steps at lam = -1e9, -1e12 are at most twice those at -1e6
   (measured: fewer).  evolve never steps past x1 and ends on it. */
START_TEST(test_prothero_robinson)
{
    static const slong ss[] = { 3, 5, 9 };
    static const double lams[] = { -1.0, -1e6, -1e9, -1e12 };
    size_t is, il;
    int stiff;
    for (is = 0; is < sizeof ss / sizeof ss[0]; is++)
        for (stiff = 0; stiff < 2; stiff++)
        {
            slong s = ss[is], steps, steps6 = 0;
            double tol = s < 9 ? 1e-12 : 1e-25, bound, err;
            mpfr_prec_t prec = s < 9 ? 128 : 192;
            bound = stiff ? 2.0 * tol : 2.0 * 0.1 * pow(tol, -(double) (s - 1) / (3.0 * s)) * tol;
            for (il = 0; il < sizeof lams / sizeof lams[0]; il++)
            {
                err = pr_run(s, prec, lams[il], tol, 10.0, stiff, &steps);
                ck_assert_msg(err <= bound, "PR s=%ld lam=%g stiff=%d: error %g > %g", (long) s,
                              lams[il], stiff, err, bound);
                if (lams[il] == -1e6)
                    steps6 = steps;
                else if (lams[il] < -1e6)
                    ck_assert_msg(steps <= 2 * steps6,
                                  "PR s=%ld lam=%g stiff=%d: %ld steps (%ld at -1e6)", (long) s,
                                  lams[il], stiff, (long) steps, (long) steps6);
            }
        }
}
END_TEST

/* ------------------------------------------------------------------ */
/* The Newton linear algebra: kron.c and the dense matrices            */
/* ------------------------------------------------------------------ */

/* A nonlinear system of dimension n (reaction-diffusion-convection):
   f_i = sigma(x) [D (y_{i-1} - 2 y_i + y_{i+1}) + r_i y_i (1 - y_i)
                   + v y_i (y_{i+1} - y_{i-1})],  y_0 = y_{n+1} = 0,
   r_i = 1 + i/n, sigma(x) = 1 + x^2 (declared through `scale` or not). */
typedef struct
{
    slong n;
    double D, v;
} rd_params;

static void
rd_sigma(mpfr_t sg, const mpfr_t x)
{
    mpfr_sqr(sg, x, MPFR_RNDN);
    mpfr_add_ui(sg, sg, 1, MPFR_RNDN);
}

static int
rd_scale(mpfr_t sigma, const mpfr_t x, void *params)
{
    (void) params;
    rd_sigma(sigma, x);
    return MPBIAS_ODE_OK;
}

static int
rd_f(mpfr_t *f, const mpfr_t x, const mpfr_t *y, void *params)
{
    rd_params *P = params;
    slong n = P->n, i;
    mpfr_t sg, t, u, l, r;
    mpfr_inits2(mpfr_get_prec(f[0]), sg, t, u, l, r, (mpfr_ptr) 0);
    rd_sigma(sg, x);
    for (i = 0; i < n; i++)
    {
        if (i > 0)
            mpfr_set(l, y[i - 1], MPFR_RNDN);
        else
            mpfr_set_zero(l, 1);
        if (i < n - 1)
            mpfr_set(r, y[i + 1], MPFR_RNDN);
        else
            mpfr_set_zero(r, 1);
        mpfr_add(t, l, r, MPFR_RNDN);
        mpfr_mul_2ui(u, y[i], 1, MPFR_RNDN);
        mpfr_sub(t, t, u, MPFR_RNDN);
        mpfr_mul_d(t, t, P->D, MPFR_RNDN);
        mpfr_ui_sub(u, 1, y[i], MPFR_RNDN);          /* r_i y (1 - y) */
        mpfr_mul(u, u, y[i], MPFR_RNDN);
        mpfr_mul_d(u, u, 1.0 + (double) i / (double) n, MPFR_RNDN);
        mpfr_add(t, t, u, MPFR_RNDN);
        mpfr_sub(u, r, l, MPFR_RNDN);                 /* v y (r - l) */
        mpfr_mul(u, u, y[i], MPFR_RNDN);
        mpfr_mul_d(u, u, P->v, MPFR_RNDN);
        mpfr_add(t, t, u, MPFR_RNDN);
        mpfr_mul(f[i], t, sg, MPFR_RNDN);
    }
    mpfr_clears(sg, t, u, l, r, (mpfr_ptr) 0);
    return MPBIAS_ODE_OK;
}

static int
rd_jac(mpfr_t *J, mpfr_t *dfdx, const mpfr_t x, const mpfr_t *y, void *params)
{
    rd_params *P = params;
    slong n = P->n, i, j;
    mpfr_t sg, t, u;
    mpfr_inits2(mpfr_get_prec(J[0]), sg, t, u, (mpfr_ptr) 0);
    rd_sigma(sg, x);
    for (i = 0; i < n * n; i++)
        mpfr_set_zero(J[i], 1);
    for (i = 0; i < n; i++)
    {
        /* diagonal: -2D + r_i (1 - 2 y_i) + v (y_{i+1} - y_{i-1}) */
        mpfr_set_d(t, -2.0 * P->D, MPFR_RNDN);
        mpfr_mul_2ui(u, y[i], 1, MPFR_RNDN);
        mpfr_ui_sub(u, 1, u, MPFR_RNDN);
        mpfr_mul_d(u, u, 1.0 + (double) i / (double) n, MPFR_RNDN);
        mpfr_add(t, t, u, MPFR_RNDN);
        mpfr_set_zero(u, 1);
        if (i < n - 1)
            mpfr_add(u, u, y[i + 1], MPFR_RNDN);
        if (i > 0)
            mpfr_sub(u, u, y[i - 1], MPFR_RNDN);
        mpfr_mul_d(u, u, P->v, MPFR_RNDN);
        mpfr_add(t, t, u, MPFR_RNDN);
        mpfr_mul(J[i * n + i], t, sg, MPFR_RNDN);
        /* off-diagonal: D -+ v y_i */
        mpfr_mul_d(u, y[i], P->v, MPFR_RNDN);
        if (i > 0)
        {
            mpfr_d_sub(t, P->D, u, MPFR_RNDN);
            mpfr_mul(J[i * n + i - 1], t, sg, MPFR_RNDN);
        }
        if (i < n - 1)
        {
            mpfr_add_d(t, u, P->D, MPFR_RNDN);
            mpfr_mul(J[i * n + i + 1], t, sg, MPFR_RNDN);
        }
    }
    /* df/dx = 2x f / sigma */
    rd_f(dfdx, x, y, params);
    for (j = 0; j < n; j++)
    {
        mpfr_mul(dfdx[j], dfdx[j], x, MPFR_RNDN);
        mpfr_mul_2ui(dfdx[j], dfdx[j], 1, MPFR_RNDN);
        mpfr_div(dfdx[j], dfdx[j], sg, MPFR_RNDN);
    }
    mpfr_clears(sg, t, u, (mpfr_ptr) 0);
    return MPBIAS_ODE_OK;
}

static void
rd_y0(mpfr_t *y, slong n)
{
    slong i;
    for (i = 0; i < n; i++)
    {
        mpfr_const_pi(y[i], MPFR_RNDN);
        mpfr_mul_si(y[i], y[i], i + 1, MPFR_RNDN);
        mpfr_div_si(y[i], y[i], n + 1, MPFR_RNDN);
        mpfr_sin(y[i], y[i], MPFR_RNDN);
        mpfr_mul_d(y[i], y[i], 0.5 + 0.01 * (double) (i % 3), MPFR_RNDN);
    }
}

/* W = I - h (A S) x J as an arb matrix (exact products of the inputs,
   rounded at wp bits: far below the double precision of kron) */
static void
kron_dense(arb_mat_t W, const mpfr_t *A, const mpfr_t *sig, const mpfr_t h, const mpfr_t *J,
           slong s, slong n, slong wp)
{
    slong i, j, k, l;
    arb_t a, t;
    arb_init(a);
    arb_init(t);
    for (i = 0; i < s; i++)
        for (j = 0; j < s; j++)
        {
            arb_from_mpfr(a, A[i * s + j]);
            arb_from_mpfr(t, sig[j]);
            arb_mul(a, a, t, wp);
            arb_from_mpfr(t, h);
            arb_mul(a, a, t, wp);
            for (k = 0; k < n; k++)
                for (l = 0; l < n; l++)
                {
                    arb_ptr w = arb_mat_entry(W, i * n + k, j * n + l);
                    arb_from_mpfr(t, J[k * n + l]);
                    arb_mul(w, a, t, wp);
                    arb_neg(w, w);
                    if (i == j && k == l)
                        arb_add_ui(w, w, 1, wp);
                }
        }
    arb_clear(a);
    arb_clear(t);
}

/* The kron interface in double precision (the caller scales right-hand
   sides; kron has no stage scales: the stepper applies per-stage
   Jacobians outside it): factor I - h (A x J) and solve G in place. */
static int
kron_factor_mpfr(_mpbias_kron_t K, const mpfr_t h, const mpfr_t *J, slong n)
{
    double *Jd = flint_malloc((size_t) (n * n) * sizeof(double));
    slong i;
    int r;
    for (i = 0; i < n * n; i++)
        Jd[i] = mpfr_get_d(J[i], MPFR_RNDN);
    r = _mpbias_kron_factor(K, mpfr_get_d(h, MPFR_RNDN), Jd);
    flint_free(Jd);
    return r;
}

static void
kron_solve_mpfr(mpfr_t *G, _mpbias_kron_t K, slong sn, int check_scaling)
{
    double *g = flint_malloc((size_t) sn * sizeof(double)), *g2 = flint_malloc((size_t) sn * sizeof(double));
    slong i;
    for (i = 0; i < sn; i++)
    {
        g[i] = mpfr_get_d(G[i], MPFR_RNDN);
        g2[i] = ldexp(g[i], 500);
    }
    _mpbias_kron_solve(g, K);
    if (check_scaling)
    {
        _mpbias_kron_solve(g2, K);
        for (i = 0; i < sn; i++)
            ck_assert_msg(ldexp(g2[i], -500) == g[i], "kron: scaled solve differs at %ld", (long) i);
    }
    for (i = 0; i < sn; i++)
        mpfr_set_d(G[i], g[i], MPFR_RNDN);
    flint_free(g);
    flint_free(g2);
}

/* _mpbias_kron_factor / _mpbias_kron_solve against a dense solve of the
   same matrix I - h (A S) x J: s = 3, 4, 7 with n = 32 and s = 10, 16
   with n = 6, stage scales S from sigma(x) = 1 + x^2 at x = 1 (S != I: a
   solver that used S A instead of A S, A^T, or dropped S fails), h such
   that h |J| ranges over ~0.5 .. 5e3, random right-hand sides.  kron
   works in complex double precision (a preconditioner) through the
   eigenvectors T of A S, whose condition grows with s, so the bound is
   relative to the solution's size: max |x_kron - x| <= 1e-9 max |x| for
   s <= 10, 1e-6 for s = 16 (measured: 2e-15 for s = 3, 4, 1.5e-13 for
   s = 7, 3e-12 for s = 10, 5e-9 for s = 16).  Scaling the right-hand
   side by 2^500 scales the result exactly.  The factorization is
   refused when h |lambda| |J| > 2^30. */
START_TEST(test_kron_solve)
{
    static const slong ss[] = { 3, 4, 7, 10, 16 };
    static const double hs[] = { 1e-3, 1e-1, 10.0 };
    slong prec = 128, wp = 256;
    unsigned long long st = 99;
    size_t is, ih;
    for (is = 0; is < sizeof ss / sizeof ss[0]; is++)
        for (ih = 0; ih < sizeof hs / sizeof hs[0]; ih++)
        {
            slong s = ss[is], n = s <= 7 ? 32 : 6, sn = s * n, i, j;
            rd_params P = { n, 50.0, 3.0 };
            double bound = s <= 10 ? 1e-9 : 1e-6;
            mpbias_ode_radau_t R;
            _mpbias_kron_t K;
            mpfr_t *J = _mpbias_mpfr_vec_init(n * n, prec), *dfdx = _mpbias_mpfr_vec_init(n, prec);
            mpfr_t *y = _mpbias_mpfr_vec_init(n, prec), *sig = _mpbias_mpfr_vec_init(s, prec);
            mpfr_t *G = _mpbias_mpfr_vec_init(sn, prec);
            mpfr_t x, h, t;
            arb_mat_t W, B, X;
            double emax = 0.0, xmax = 0.0;
            radau_ok(R, n, s, prec);
            mpfr_inits2(prec, x, h, t, (mpfr_ptr) 0);
            mpfr_set_ui(x, 1, MPFR_RNDN);
            mpfr_set_d(h, hs[ih], MPFR_RNDN);
            rd_y0(y, n);
            rd_jac(J, dfdx, x, (const mpfr_t *) y, &P);
            rd_sigma(t, x);
            for (j = 0; j < s; j++)   /* no stage scales in kron (S = I) */
                mpfr_set_ui(sig[j], 1, MPFR_RNDN);
            _mpbias_kron_init(K, s, n, (const mpfr_t *) R->A);
            ck_assert_msg(kron_factor_mpfr(K, h, (const mpfr_t *) J, n) == 0,
                          "kron_factor refused s=%ld h=%g", (long) s, hs[ih]);
            arb_mat_init(W, sn, sn);
            arb_mat_init(B, sn, 1);
            arb_mat_init(X, sn, 1);
            kron_dense(W, (const mpfr_t *) R->A, (const mpfr_t *) sig, h, (const mpfr_t *) J, s, n,
                       wp);
            for (i = 0; i < sn; i++)
            {
                mpfr_set_si(G[i], (long) (tu_rand(&st) % 2001) - 1000, MPFR_RNDN);
                mpfr_div_ui(G[i], G[i], 1000, MPFR_RNDN);
                arb_from_mpfr(arb_mat_entry(B, i, 0), G[i]);
            }
            ck_assert(arb_mat_approx_solve(X, W, B, wp));
            kron_solve_mpfr(G, K, sn, 1);
            for (i = 0; i < sn; i++)
            {
                double xe = arf_get_d(arb_midref(arb_mat_entry(X, i, 0)), ARF_RND_NEAR);
                double d = fabs(mpfr_get_d(G[i], MPFR_RNDN) - xe);
                emax = d > emax ? d : emax;
                xmax = fabs(xe) > xmax ? fabs(xe) : xmax;
            }
            if (getenv("T_RADAU_VERBOSE"))
                printf("kron s=%ld h=%g: rel err %.3g\n", (long) s, hs[ih], emax / xmax);
            ck_assert_msg(emax <= bound * xmax, "kron s=%ld h=%g: |x_kron - x| = %g, |x| = %g",
                          (long) s, hs[ih], emax, xmax);
            /* far too stiff for double: refused */
            mpfr_set_d(t, 1e12, MPFR_RNDN);
            ck_assert(kron_factor_mpfr(K, t, (const mpfr_t *) J, n) != 0);
            arb_mat_clear(W);
            arb_mat_clear(B);
            arb_mat_clear(X);
            _mpbias_kron_clear(K);
            mpfr_clears(x, h, t, (mpfr_ptr) 0);
            _mpbias_mpfr_vec_clear(J, n * n);
            _mpbias_mpfr_vec_clear(dfdx, n);
            _mpbias_mpfr_vec_clear(y, n);
            _mpbias_mpfr_vec_clear(sig, s);
            _mpbias_mpfr_vec_clear(G, sn);
            mpbias_ode_radau_clear(R);
        }
}
END_TEST

/* The contract that makes kron safe as a Newton matrix: for every s,
   either the factorization is refused (the stepper then builds the dense
   matrix) or its solve is a contracting preconditioner, relative error
   <= 2^-6.  Checked where it is hardest, h |J| small (W ~ I, so the
   error is the round trip through the eigenvectors T of A S, about
   cond(T) 2^-53), for s = 20 .. 50 and n = 2 against a dense solve. */
START_TEST(test_kron_large_s)
{
    static const slong ss[] = { 20, 24, 30, 36, 50 };
    static const double hs[] = { 1e-3, 1e-1 };
    static const double Jd[4] = { -1.0, 0.5, 0.2, -3.0 };
    slong n = 2, prec = 128, wp = 256;
    unsigned long long st = 7;
    size_t is, ih;
    for (is = 0; is < sizeof ss / sizeof ss[0]; is++)
    {
        slong s = ss[is], sn = s * n, i;
        mpbias_ode_radau_t R;
        mpfr_t *J = _mpbias_mpfr_vec_init(n * n, prec), *sig = _mpbias_mpfr_vec_init(s, prec);
        mpfr_t *G = _mpbias_mpfr_vec_init(sn, prec);
        mpfr_t h;
        radau_ok(R, n, s, prec);
        mpfr_init2(h, prec);
        for (i = 0; i < n * n; i++)
            mpfr_set_d(J[i], Jd[i], MPFR_RNDN);
        for (ih = 0; ih < 2 * (sizeof hs / sizeof hs[0]); ih++)
        {
            /* no stage scales (S = I), and S from 1 + x^2 near x = 1 */
            for (i = 0; i < s; i++)   /* kron has no stage scales (S = I) */
                mpfr_set_ui(sig[i], 1, MPFR_RNDN);
            _mpbias_kron_t K;
            arb_mat_t W, B, X;
            double emax = 0.0, xmax = 0.0;
            mpfr_set_d(h, hs[ih / 2], MPFR_RNDN);
            _mpbias_kron_init(K, s, n, (const mpfr_t *) R->A);
            if (kron_factor_mpfr(K, h, (const mpfr_t *) J, n) != 0)
            {
                if (getenv("T_RADAU_VERBOSE"))
                    printf("kron s=%ld h=%g S=%d: refused\n", (long) s, hs[ih / 2],
                           (int) (ih % 2));
                _mpbias_kron_clear(K);
                continue;
            }
            arb_mat_init(W, sn, sn);
            arb_mat_init(B, sn, 1);
            arb_mat_init(X, sn, 1);
            kron_dense(W, (const mpfr_t *) R->A, (const mpfr_t *) sig, h, (const mpfr_t *) J, s, n,
                       wp);
            for (i = 0; i < sn; i++)
            {
                mpfr_set_si(G[i], (long) (tu_rand(&st) % 2001) - 1000, MPFR_RNDN);
                arb_from_mpfr(arb_mat_entry(B, i, 0), G[i]);
            }
            ck_assert(arb_mat_approx_solve(X, W, B, wp));
            kron_solve_mpfr(G, K, sn, 0);
            for (i = 0; i < sn; i++)
            {
                double xe = arf_get_d(arb_midref(arb_mat_entry(X, i, 0)), ARF_RND_NEAR);
                double d = fabs(mpfr_get_d(G[i], MPFR_RNDN) - xe);
                emax = d > emax ? d : emax;
                xmax = fabs(xe) > xmax ? fabs(xe) : xmax;
            }
            if (getenv("T_RADAU_VERBOSE"))
                printf("kron s=%ld h=%g S=%d: rel err %.3g\n", (long) s, hs[ih / 2],
                       (int) (ih % 2), emax / xmax);
            ck_assert_msg(emax <= 0x1p-6 * xmax,
                          "kron s=%ld h=%g S=%d accepted but its solve is off by %g relative",
                          (long) s, hs[ih / 2], (int) (ih % 2), emax / xmax);
            arb_mat_clear(W);
            arb_mat_clear(B);
            arb_mat_clear(X);
            _mpbias_kron_clear(K);
        }
        mpfr_clear(h);
        _mpbias_mpfr_vec_clear(J, n * n);
        _mpbias_mpfr_vec_clear(sig, s);
        _mpbias_mpfr_vec_clear(G, sn);
        mpbias_ode_radau_clear(R);
    }
}
END_TEST

/* One Radau IIA step (s = 3) by an independent full Newton iteration at
   wp bits: the closed-form coefficients, the exact Jacobian of the stage
   equations Z_i = h sum_j a_ij f(x + c_j h, y + Z_j) at every iterate
   (blocks delta_ij I - h a_ij J(x + c_j h, y + Z_j)), a dense solve;
   until the correction is below 2^-(wp - 8).  y1 = y + Z_3. */
static void
indep_step3(mpfr_t *y1, const mpbias_ode_system *sys, const mpfr_t x, const mpfr_t *y,
            const mpfr_t h, slong wp)
{
    slong n = sys->dim, sn = 3 * n, i, j, k, l, it;
    arb_ptr ca = _arb_vec_init(3), Aa = _arb_vec_init(9);
    mpfr_t *c = _mpbias_mpfr_vec_init(3, wp), *A = _mpbias_mpfr_vec_init(9, wp);
    mpfr_t *Z = _mpbias_mpfr_vec_init(sn, wp), *F = _mpbias_mpfr_vec_init(sn, wp);
    mpfr_t *Js = _mpbias_mpfr_vec_init(3 * n * n, wp), *Y = _mpbias_mpfr_vec_init(n, wp);
    mpfr_t *dfdx = _mpbias_mpfr_vec_init(n, wp);
    mpfr_t xs, t;
    arb_mat_t M, B, X;
    mpfr_inits2(wp, xs, t, (mpfr_ptr) 0);
    arb_mat_init(M, sn, sn);
    arb_mat_init(B, sn, 1);
    arb_mat_init(X, sn, 1);
    radau3_exact(ca, Aa, wp + 32);
    for (i = 0; i < 3; i++)
        arf_get_mpfr(c[i], arb_midref(ca + i), MPFR_RNDN);
    for (i = 0; i < 9; i++)
        arf_get_mpfr(A[i], arb_midref(Aa + i), MPFR_RNDN);
    for (i = 0; i < sn; i++)
        mpfr_set_zero(Z[i], 1);
    for (it = 0; it < 40; it++)
    {
        int small = 1;
        for (j = 0; j < 3; j++)
        {
            mpfr_fma(xs, c[j], h, x, MPFR_RNDN);
            for (l = 0; l < n; l++)
                mpfr_add(Y[l], y[l], Z[j * n + l], MPFR_RNDN);
            ck_assert(sys->f(F + j * n, xs, (const mpfr_t *) Y, sys->params) == MPBIAS_ODE_OK);
            ck_assert(sys->jac(Js + j * n * n, dfdx, xs, (const mpfr_t *) Y, sys->params)
                      == MPBIAS_ODE_OK);
        }
        /* B = -(Z - h A F), M = I - h a_ij J_j */
        for (i = 0; i < 3; i++)
            for (l = 0; l < n; l++)
            {
                mpfr_set_zero(t, 1);
                for (j = 0; j < 3; j++)
                    mpfr_fma(t, A[i * 3 + j], F[j * n + l], t, MPFR_RNDN);
                mpfr_mul(t, t, h, MPFR_RNDN);
                mpfr_sub(t, t, Z[i * n + l], MPFR_RNDN);
                arb_from_mpfr(arb_mat_entry(B, i * n + l, 0), t);
                for (j = 0; j < 3; j++)
                {
                    mpfr_mul(xs, h, A[i * 3 + j], MPFR_RNDN);
                    for (k = 0; k < n; k++)
                    {
                        mpfr_mul(t, xs, Js[j * n * n + l * n + k], MPFR_RNDN);
                        mpfr_neg(t, t, MPFR_RNDN);
                        if (i == j && k == l)
                            mpfr_add_ui(t, t, 1, MPFR_RNDN);
                        arb_from_mpfr(arb_mat_entry(M, i * n + l, j * n + k), t);
                    }
                }
            }
        ck_assert(arb_mat_approx_solve(X, M, B, wp));
        for (i = 0; i < sn; i++)
        {
            arf_get_mpfr(t, arb_midref(arb_mat_entry(X, i, 0)), MPFR_RNDN);
            mpfr_add(Z[i], Z[i], t, MPFR_RNDN);
            if (!mpfr_zero_p(t) && mpfr_get_exp(t) > -(wp - 8))
                small = 0;
        }
        if (small)
            break;
    }
    ck_assert_msg(it < 40, "the independent Newton iteration did not converge");
    for (l = 0; l < n; l++)
        mpfr_add(y1[l], y[l], Z[2 * n + l], MPFR_RNDN);
    arb_mat_clear(M);
    arb_mat_clear(B);
    arb_mat_clear(X);
    mpfr_clears(xs, t, (mpfr_ptr) 0);
    _arb_vec_clear(ca, 3);
    _arb_vec_clear(Aa, 9);
    _mpbias_mpfr_vec_clear(c, 3);
    _mpbias_mpfr_vec_clear(A, 9);
    _mpbias_mpfr_vec_clear(Z, sn);
    _mpbias_mpfr_vec_clear(F, sn);
    _mpbias_mpfr_vec_clear(Js, 3 * n * n);
    _mpbias_mpfr_vec_clear(Y, n);
    _mpbias_mpfr_vec_clear(dfdx, n);
}

/* The same step of the nonlinear system (s = 3, 128 bits, h = 0.01, h |J| ~ 5)
   through each way the stepper can build its Newton matrix, with the
   Newton tolerance 2^(10 - prec): n = 32 and n = 8, each with the
   block-diagonalized matrix (use_kron set, for every n; with and without
   the stage scales of `scale`) and with the dense MPFR one (force_mpfr:
   use_kron clear).  Each must equal
   the independent full Newton step (closed-form coefficients, 64 more
   bits) to twice the Newton tolerance, 2^(11 - prec) (1 + max |y|)
   (measured: at most 32 2^-prec, mostly below 1): a kron that solved a
   wrong system would make the simplified Newton iteration diverge or
   stop early, failing this. */
START_TEST(test_newton_paths)
{
    static const slong dims[] = { 32, 8 };
    size_t id;
    int scaled, force;
    mpfr_prec_t prec = 128;
    for (id = 0; id < 2; id++)
        for (scaled = 0; scaled < 2; scaled++)
        {
            slong n = dims[id], l;
            rd_params P = { n, 50.0, 3.0 };
            mpbias_ode_system sys;
            mpfr_t *y = _mpbias_mpfr_vec_init(n, prec), *ye = _mpbias_mpfr_vec_init(n, prec);
            mpfr_t *yo = _mpbias_mpfr_vec_init(n, prec), *yx = _mpbias_mpfr_vec_init(n, prec + 64);
            mpfr_t x, h, t;
            mpfr_inits2(prec, x, h, t, (mpfr_ptr) 0);
            sys.dim = n;
            sys.f = rd_f;
            sys.jac = rd_jac;
            sys.scale = scaled ? rd_scale : NULL;
            sys.jac_d = NULL;
            sys.params = &P;
            mpfr_set_d(x, 0.5, MPFR_RNDN);
            mpfr_set_d(h, 0.01, MPFR_RNDN);
            rd_y0(y, n);
            indep_step3(yx, &sys, x, (const mpfr_t *) y, h, prec + 64);
            for (force = 0; force < 2; force++)
            {
                mpbias_ode_radau_t R;
                mpbias_ode_control_t c;
                double dmax = 0.0, ymax = 0.0;
                int r;
                radau_ok(R, n, 3, prec);
                mpbias_ode_control_init(c, n, prec);
                mpfr_set_ui_2exp(t, 1, 10 - (long) prec, MPFR_RNDN);
                control_set(c, t);
                R->force_mpfr = force;
                r = mpbias_ode_radau_step(R, &sys, c, x, (const mpfr_t *) y, h, yo, ye);
                ck_assert_msg(r == MPBIAS_ODE_OK, "n=%ld scaled=%d force=%d: step failed (%d)",
                              (long) n, scaled, force, r);
                /* the block-diagonalized matrix for every n, unless forced */
                ck_assert_int_eq(R->use_kron, !force);
                for (l = 0; l < n; l++)
                {
                    double d;
                    mpfr_sub(t, yo[l], yx[l], MPFR_RNDN);
                    mpfr_mul_2si(t, t, (long) prec, MPFR_RNDN);
                    d = fabs(mpfr_get_d(t, MPFR_RNDN));
                    dmax = d > dmax ? d : dmax;
                    d = fabs(mpfr_get_d(yx[l], MPFR_RNDN));
                    ymax = d > ymax ? d : ymax;
                }
                if (getenv("T_RADAU_VERBOSE"))
                    printf("newton n=%ld scaled=%d force=%d kron=%d: %ld its, |y1 - y1x| = %.3g "
                           "2^-prec\n", (long) n, scaled, force, R->use_kron,
                           (long) R->newton_its, dmax);
                ck_assert_msg(dmax <= 0x1p11 * (1.0 + ymax),
                              "n=%ld scaled=%d force=%d: step differs by %g 2^-prec", (long) n,
                              scaled, force, dmax);
                mpbias_ode_control_clear(c);
                mpbias_ode_radau_clear(R);
            }
            mpfr_clears(x, h, t, (mpfr_ptr) 0);
            _mpbias_mpfr_vec_clear(y, n);
            _mpbias_mpfr_vec_clear(ye, n);
            _mpbias_mpfr_vec_clear(yo, n);
            _mpbias_mpfr_vec_clear(yx, n);
        }
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("radau");
    TCase *tc = tcase_create("tables");
    tcase_set_timeout(tc, 240);   /* 22 s at a load of 4.5; over 60 s in a parallel make check on a loaded machine */
    tcase_add_test(tc, test_tables_closed_form);
    tcase_add_test(tc, test_tables_order_conditions);
    suite_add_tcase(s, tc);
    tc = tcase_create("linear");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_order_local);
    tcase_add_test(tc, test_order_global);
    tcase_add_test(tc, test_stability_function);
    tcase_add_test(tc, test_dense_output);
    tcase_add_test(tc, test_control_norm);
    suite_add_tcase(s, tc);
    tc = tcase_create("adaptive");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_prothero_robinson);
    suite_add_tcase(s, tc);
    tc = tcase_create("newton");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_kron_solve);
    tcase_add_test(tc, test_kron_large_s);
    tcase_add_test(tc, test_newton_paths);
    suite_add_tcase(s, tc);
    return tu_main(s);
}
