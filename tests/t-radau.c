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

int
main(void)
{
    Suite *s = suite_create("radau");
    TCase *tc = tcase_create("tables");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_tables_closed_form);
    tcase_add_test(tc, test_tables_order_conditions);
    suite_add_tcase(s, tc);
    return tu_main(s);
}
