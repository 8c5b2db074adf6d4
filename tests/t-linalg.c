/*
 * t-linalg.c -- the dense LU of the implicit stepper (src/ode/linalg.c).
 *
 * Stated bounds: _mpbias_lu_factor/_mpbias_lu_solve are "backward stable
 * like any partially pivoted LU (growth factor times dim times 2^-prec)";
 * _mpbias_alu_* factor in double when every entry lies in
 * [2^-900, 2^30] (relative error cond(M) 2^-53), else in MPFR, and scale
 * the right-hand side by a power of two "so that its size does not
 * matter".
 *
 * The oracle is exact rational arithmetic (FLINT fmpq): the computed
 * factors and solution are converted exactly to rationals, and
 *   - the residual of the permuted system must satisfy Higham's
 *     componentwise backward bound (Accuracy and Stability of Numerical
 *     Algorithms, Thm 9.4): |P(b - A x^)| <= gamma_3n |L^||U^||x^| with
 *     gamma_k = k u / (1 - k u), u = 2^-prec (the stated bound, sharper);
 *   - the forward error must satisfy the bound that follows from it,
 *     |x^ - x| <= gamma_3n |A^-1| P^T |L^||U^||x^|, with A^-1 exact.
 * For the double factorization the same bounds hold with u = 2^-53 plus
 * the rounding of M and b to double (u |M| |x^| + u |b|).
 * Hard cases: matrices that need pivoting (zero and tiny leading pivots),
 * Wilkinson's matrix of growth 2^(n-1), Hilbert matrices up to n = 12
 * (also against the exact Hilbert solution), singular and non-finite
 * matrices, right-hand sides of size 2^(+-10^6).
 */
#include "config.h"
#include <math.h>
#include "mpbias-impl.h"
#include "testutil.h"

/* q := x exactly (x finite) */
static void
fmpq_set_mpfr_exact(fmpq_t q, const mpfr_t x)
{
    mpz_t m;
    fmpz_t f;
    mpfr_exp_t e;
    if (mpfr_zero_p(x))
    {
        fmpq_zero(q);
        return;
    }
    ck_assert(mpfr_number_p(x));
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

/* The exact checks of a computed solution xh of A x = b:
   LU (n x n, row-major rationals) holds the computed factors (unit lower
   L below the diagonal, U on and above), perm the row swaps, u the unit
   roundoff, extra (may be NULL) an extra componentwise backward term
   (added after the gamma factor, already scaled; rows in the permuted
   order).  Asserts the backward and the forward bound. */
static void
check_solution(const fmpq_mat_t A, const fmpq *b, const fmpq *LU, const slong *perm,
               const fmpq *xh, const fmpq_t u, const fmpq *extra, const char *what)
{
    slong n = fmpq_mat_nrows(A), i, j, k;
    fmpq *r = _fmpq_vec_init(n), *v = _fmpq_vec_init(n), *w = _fmpq_vec_init(n);
    fmpq *bnd = _fmpq_vec_init(n);
    fmpq_t g, t, a;
    fmpq_mat_t Ai;
    fmpq_init(g);
    fmpq_init(t);
    fmpq_init(a);
    fmpq_mat_init(Ai, n, n);
    /* gamma_3n */
    fmpq_mul_si(t, u, 3 * n);
    fmpq_one(g);
    fmpq_sub(g, g, t);
    ck_assert(fmpq_sgn(g) > 0);
    fmpq_div(g, t, g);
    /* r = b - A xh, then permuted as the solve permutes b */
    for (i = 0; i < n; i++)
    {
        fmpq_set(r + i, b + i);
        for (j = 0; j < n; j++)
            fmpq_submul(r + i, fmpq_mat_entry(A, i, j), xh + j);
    }
    for (i = 0; i < n; i++)
        if (perm[i] != i)
            fmpq_swap(r + i, r + perm[i]);
    /* v = |U| |xh|, w = |L| v (+ extra) */
    for (i = 0; i < n; i++)
        for (j = i; j < n; j++)
        {
            fmpq_mul(t, LU + i * n + j, xh + j);
            fmpq_abs(t, t);
            fmpq_add(v + i, v + i, t);
        }
    for (i = 0; i < n; i++)
    {
        fmpq_set(w + i, v + i);
        for (j = 0; j < i; j++)
        {
            fmpq_mul(t, LU + i * n + j, v + j);
            fmpq_abs(t, t);
            fmpq_add(w + i, w + i, t);
        }
        fmpq_mul(w + i, w + i, g);
        if (extra != NULL)
            fmpq_add(w + i, w + i, extra + i);
    }
    for (i = 0; i < n; i++)
    {
        fmpq_abs(t, r + i);
        if (fmpq_cmp(t, w + i) > 0)
            ck_abort_msg("%s: backward bound fails in row %ld: |r| = %g > %g", what, (long) i,
                         fmpq_get_d(t), fmpq_get_d(w + i));
    }
    /* forward: |xh - x| <= |A^-1| P^T w */
    for (k = n - 1; k >= 0; k--)
        if (perm[k] != k)
            fmpq_swap(w + k, w + perm[k]);
    ck_assert(fmpq_mat_inv(Ai, A));
    for (i = 0; i < n; i++)
    {
        fmpq_zero(bnd + i);
        fmpq_zero(a);
        for (j = 0; j < n; j++)
        {
            fmpq_mul(t, fmpq_mat_entry(Ai, i, j), w + j);
            fmpq_abs(t, t);
            fmpq_add(bnd + i, bnd + i, t);
            fmpq_addmul(a, fmpq_mat_entry(Ai, i, j), b + j);   /* the exact x_i */
        }
        fmpq_sub(t, xh + i, a);
        fmpq_abs(t, t);
        if (fmpq_cmp(t, bnd + i) > 0)
            ck_abort_msg("%s: forward bound fails at x_%ld: |err| = %g > %g", what, (long) i,
                         fmpq_get_d(t), fmpq_get_d(bnd + i));
    }
    fmpq_mat_clear(Ai);
    fmpq_clear(g);
    fmpq_clear(t);
    fmpq_clear(a);
    _fmpq_vec_clear(r, n);
    _fmpq_vec_clear(v, n);
    _fmpq_vec_clear(w, n);
    _fmpq_vec_clear(bnd, n);
}

/* Factor and solve A x = b (A, b given as mpfr at prec, exactly their
   rational values) with _mpbias_lu_*, and check the bounds; the computed
   x into xout (rationals) if non-NULL. */
static void
lu_check(const mpfr_t *Am, const mpfr_t *bm, slong n, mpfr_prec_t prec, const char *what,
         fmpq *xout)
{
    mpfr_t *M = _mpbias_mpfr_vec_init(n * n, prec), *x = _mpbias_mpfr_vec_init(n, prec);
    slong *perm = flint_malloc((size_t) n * sizeof(slong)), i;
    mpfr_t tmp;
    fmpq_mat_t A;
    fmpq *b = _fmpq_vec_init(n), *LU = _fmpq_vec_init(n * n), *xh = _fmpq_vec_init(n);
    fmpq_t u;
    mpfr_init2(tmp, prec);
    fmpq_init(u);
    fmpq_mat_init(A, n, n);
    for (i = 0; i < n * n; i++)
    {
        mpfr_set(M[i], Am[i], MPFR_RNDN);
        ck_assert(mpfr_equal_p(M[i], Am[i]));   /* the test's inputs fit prec */
        fmpq_set_mpfr_exact(fmpq_mat_entry(A, i / n, i % n), Am[i]);
    }
    for (i = 0; i < n; i++)
    {
        mpfr_set(x[i], bm[i], MPFR_RNDN);
        ck_assert(mpfr_equal_p(x[i], bm[i]));
        fmpq_set_mpfr_exact(b + i, bm[i]);
    }
    ck_assert_msg(_mpbias_lu_factor(M, perm, n, tmp) == 0, "%s: factor failed", what);
    for (i = 0; i < n; i++)
        ck_assert(perm[i] >= i && perm[i] < n);
    _mpbias_lu_solve(x, (const mpfr_t *) M, perm, n, tmp);
    for (i = 0; i < n * n; i++)
        fmpq_set_mpfr_exact(LU + i, M[i]);
    for (i = 0; i < n; i++)
        fmpq_set_mpfr_exact(xh + i, x[i]);
    fmpq_one(u);
    fmpq_div_2exp(u, u, (ulong) prec);
    check_solution(A, b, LU, perm, xh, u, NULL, what);
    if (xout != NULL)
        for (i = 0; i < n; i++)
            fmpq_set(xout + i, xh + i);
    fmpq_mat_clear(A);
    fmpq_clear(u);
    _fmpq_vec_clear(b, n);
    _fmpq_vec_clear(LU, n * n);
    _fmpq_vec_clear(xh, n);
    mpfr_clear(tmp);
    flint_free(perm);
    _mpbias_mpfr_vec_clear(M, n * n);
    _mpbias_mpfr_vec_clear(x, n);
}

/* a random prec-bit number in [-1, 1] (times 2^e with e in [-lo, lo]) */
static void
rand_mpfr(mpfr_t x, unsigned long long *st, long lo)
{
    mpfr_prec_t p = mpfr_get_prec(x), k;
    mpfr_set_zero(x, 1);
    for (k = 0; k < p; k += 32)
    {
        mpfr_mul_2ui(x, x, 32, MPFR_RNDN);
        mpfr_add_ui(x, x, (unsigned long) (tu_rand(st) & 0xffffffffUL), MPFR_RNDN);
    }
    mpfr_mul_2si(x, x, -(long) k, MPFR_RNDN);
    mpfr_prec_round(x, p, MPFR_RNDZ);
    if (tu_rand(st) & 1)
        mpfr_neg(x, x, MPFR_RNDN);
    if (lo > 0)
        mpfr_mul_2si(x, x, tu_rand_range(st, -lo, lo), MPFR_RNDN);
}

START_TEST(test_lu_random)
{
    static const mpfr_prec_t precs[] = { 53, 128, 300 };
    static const slong dims[] = { 1, 2, 3, 5, 8, 13, 20 };
    unsigned long long st = 12345;
    size_t ip, id;
    int rep;
    for (ip = 0; ip < sizeof precs / sizeof precs[0]; ip++)
        for (id = 0; id < sizeof dims / sizeof dims[0]; id++)
            for (rep = 0; rep < 3; rep++)
            {
                slong n = dims[id], i;
                mpfr_prec_t p = precs[ip];
                mpfr_t *A = _mpbias_mpfr_vec_init(n * n, p), *b = _mpbias_mpfr_vec_init(n, p);
                char what[64];
                for (i = 0; i < n * n; i++)   /* rep 2: entries of very different sizes */
                    rand_mpfr(A[i], &st, rep == 2 ? 40 : 0);
                for (i = 0; i < n; i++)
                    rand_mpfr(b[i], &st, rep == 1 ? 20 : 0);
                snprintf(what, sizeof what, "random n=%ld prec=%ld rep=%d", (long) n, (long) p,
                         rep);
                lu_check((const mpfr_t *) A, (const mpfr_t *) b, n, p, what, NULL);
                _mpbias_mpfr_vec_clear(A, n * n);
                _mpbias_mpfr_vec_clear(b, n);
            }
}
END_TEST

/* fill an n x n matrix from doubles (exact) */
static mpfr_t *
mat_from_d(const double *a, slong n, mpfr_prec_t p)
{
    mpfr_t *A = _mpbias_mpfr_vec_init(n * n, p);
    slong i;
    for (i = 0; i < n * n; i++)
        ck_assert_int_eq(mpfr_set_d(A[i], a[i], MPFR_RNDN), 0);
    return A;
}

/* Pivoting is required: zero and tiny leading pivots, where elimination
   without row exchanges fails or loses every digit at 53 bits. */
START_TEST(test_lu_pivoting)
{
    static const double z2[] = { 0, 1, 1, 0 };
    static const double z3[] = { 0, 0, 1, 0, 1, 0, 1, 0, 0 };
    static const double tiny[] = { 1e-30, 1, 1, 1 };
    static const double z4[] = { 0, 2, 0, 1, 0, 0, 3, 1, 5, 0, 0, 0, 0, 7, 2, 1 };
    static const double bb[] = { 1, 2, 3, 4 };
    struct { const double *a; slong n; } cs[] = { { z2, 2 }, { z3, 3 }, { tiny, 2 }, { z4, 4 } };
    size_t k;
    for (k = 0; k < sizeof cs / sizeof cs[0]; k++)
    {
        mpfr_t *A = mat_from_d(cs[k].a, cs[k].n, 53), *b = mat_from_d(bb, 2, 53);
        fmpq *x = _fmpq_vec_init(cs[k].n);
        char what[32];
        snprintf(what, sizeof what, "pivot case %d", (int) k);
        lu_check((const mpfr_t *) A, (const mpfr_t *) b, cs[k].n, 53, what, x);
        if (k == 2)
        {
            /* x = (1, 1 - 2e-30) / (1 - 1e-30), both 1 to 1e-30
               (without the exchange, x_1 came out as 0 at 53 bits) */
            ck_assert(fabs(fmpq_get_d(x + 0) - 1.0) < 1e-15);
            ck_assert(fabs(fmpq_get_d(x + 1) - 1.0) < 1e-15);
        }
        _fmpq_vec_clear(x, cs[k].n);
        _mpbias_mpfr_vec_clear(A, cs[k].n * cs[k].n);
        _mpbias_mpfr_vec_clear(b, 4);
    }
}
END_TEST

/* Wilkinson's matrix (1 on the diagonal and in the last column, -1 below
   the diagonal): partial pivoting exchanges nothing and the last column
   of U doubles at each step, growth 2^(n-1).  The backward bound holds
   with the grown |U| (n = 50 and 60 at 53 bits); for n = 50 every
   intermediate is an integer below 2^53, so the solution of
   A x = A (1, ..., 1) must come out exactly. */
START_TEST(test_lu_growth)
{
    static const slong dims[] = { 50, 60 };
    size_t id;
    for (id = 0; id < 2; id++)
    {
        slong n = dims[id], i, j;
        mpfr_prec_t p = 53;
        mpfr_t *A = _mpbias_mpfr_vec_init(n * n, p), *b = _mpbias_mpfr_vec_init(n, p);
        mpfr_t *M = _mpbias_mpfr_vec_init(n * n, p);
        slong *perm = flint_malloc((size_t) n * sizeof(slong));
        fmpq *x = _fmpq_vec_init(n);
        mpfr_t tmp;
        char what[48];
        mpfr_init2(tmp, p);
        for (i = 0; i < n; i++)
            for (j = 0; j < n; j++)
                mpfr_set_si(A[i * n + j], (j == i || j == n - 1) ? 1 : (j < i ? -1 : 0),
                            MPFR_RNDN);
        for (i = 0; i < n; i++)   /* b = A (1, ..., 1) */
        {
            long sum = 0;
            for (j = 0; j < n; j++)
                sum += mpfr_get_si(A[i * n + j], MPFR_RNDN);
            mpfr_set_si(b[i], sum, MPFR_RNDN);
        }
        snprintf(what, sizeof what, "wilkinson n=%ld", (long) n);
        lu_check((const mpfr_t *) A, (const mpfr_t *) b, n, p, what, x);
        if (n <= 52)
            for (i = 0; i < n; i++)
                ck_assert_msg(fmpq_is_one(x + i), "%s: x_%ld = %g", what, (long) i,
                              fmpq_get_d(x + i));
        /* the growth is really there: U[n-1][n-1] = 2^(n-1), no exchanges */
        for (i = 0; i < n * n; i++)
            mpfr_set(M[i], A[i], MPFR_RNDN);
        ck_assert_int_eq(_mpbias_lu_factor(M, perm, n, tmp), 0);
        for (i = 0; i < n; i++)
            ck_assert_int_eq(perm[i], i);
        ck_assert(mpfr_cmp_ui_2exp(M[n * n - 1], 1, n - 1) == 0);
        mpfr_clear(tmp);
        flint_free(perm);
        _fmpq_vec_clear(x, n);
        _mpbias_mpfr_vec_clear(A, n * n);
        _mpbias_mpfr_vec_clear(M, n * n);
        _mpbias_mpfr_vec_clear(b, n);
    }
}
END_TEST

/* Hilbert matrices H_ij = 1/(i + j + 1), n = 4, 8, 12 (cond_inf up to
   4e16), rounded to prec bits: the bounds against the rounded matrix, and
   the first column of the exact inverse (integers) against the solve of
   H x = e_1 within the normwise bound below. */
START_TEST(test_lu_hilbert)
{
    static const mpfr_prec_t precs[] = { 64, 128, 200 };
    size_t ip;
    slong n;
    for (ip = 0; ip < sizeof precs / sizeof precs[0]; ip++)
        for (n = 4; n <= 12; n += 4)
        {
            mpfr_prec_t p = precs[ip];
            mpfr_t *A = _mpbias_mpfr_vec_init(n * n, p), *b = _mpbias_mpfr_vec_init(n, p);
            fmpq *x = _fmpq_vec_init(n);
            fmpq_mat_t H, Hi;
            fmpq_t t;
            slong i, j;
            double xmax = 0.0, emax = 0.0, cond;
            char what[64];
            fmpq_mat_init(H, n, n);
            fmpq_mat_init(Hi, n, n);
            fmpq_init(t);
            fmpq_mat_hilbert_matrix(H);
            for (i = 0; i < n; i++)
                for (j = 0; j < n; j++)
                    fmpq_get_mpfr(A[i * n + j], fmpq_mat_entry(H, i, j), MPFR_RNDN);
            for (i = 0; i < n; i++)
                mpfr_set_ui(b[i], i == 0, MPFR_RNDN);
            snprintf(what, sizeof what, "hilbert n=%ld prec=%ld", (long) n, (long) p);
            lu_check((const mpfr_t *) A, (const mpfr_t *) b, n, p, what, x);
            ck_assert(fmpq_mat_inv(Hi, H));
            /* against the exact Hilbert solution, normwise: the backward
               error of the solve is ||gamma_3n |L||U| ||_inf <=
               3n u n^2 max|U| <= 3 n^3 u ||H||_inf (|L| <= 1 by the
               pivoting; max|U| <= 1 <= ||H||_inf assumes no growth, as in
               elimination on these positive definite matrices), the
               rounding of H adds u ||H||_inf, so to
               first order ||x^ - x|| <= cond_inf(H) (3n^3 + 1) u ||x||;
               doubled for the second-order terms */
            {
                double nh = 0.0, nhi = 0.0;
                for (i = 0; i < n; i++)
                {
                    double rh = 0.0, rhi = 0.0;
                    for (j = 0; j < n; j++)
                    {
                        rh += fabs(fmpq_get_d(fmpq_mat_entry(H, i, j)));
                        rhi += fabs(fmpq_get_d(fmpq_mat_entry(Hi, i, j)));
                    }
                    nh = rh > nh ? rh : nh;
                    nhi = rhi > nhi ? rhi : nhi;
                }
                cond = nh * nhi;
            }
            for (i = 0; i < n; i++)
            {
                double e;
                fmpq_sub(t, x + i, fmpq_mat_entry(Hi, i, 0));
                e = fabs(fmpq_get_d(t));
                emax = e > emax ? e : emax;
                e = fabs(fmpq_get_d(fmpq_mat_entry(Hi, i, 0)));
                xmax = e > xmax ? e : xmax;
            }
            ck_assert_msg(emax
                              <= 2.0 * cond * (3.0 * n * n * n + 1.0) * ldexp(1.0, -(int) p) * xmax,
                          "%s: |x - H^-1 e1| = %g, cond %g, |x| %g", what, emax, cond, xmax);
            /* and the solve did resolve it: at 200 bits, 30+ digits right */
            if (p == 200)
                ck_assert_msg(emax <= 1e-30 * xmax, "%s: %g", what, emax / xmax);
            fmpq_mat_clear(H);
            fmpq_mat_clear(Hi);
            fmpq_clear(t);
            _fmpq_vec_clear(x, n);
            _mpbias_mpfr_vec_clear(A, n * n);
            _mpbias_mpfr_vec_clear(b, n);
        }
}
END_TEST

/* Singular and non-finite matrices are refused (nonzero return). */
START_TEST(test_lu_singular)
{
    static const double sing[] = { 1, 2, 2, 4 };
    static const double zero[] = { 0, 0, 0, 0 };
    static const double sing3[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };   /* exact in binary */
    mpfr_t *A;
    slong perm[3];
    mpfr_t tmp;
    mpfr_init2(tmp, 64);
    A = mat_from_d(sing, 2, 64);
    ck_assert_int_ne(_mpbias_lu_factor(A, perm, 2, tmp), 0);
    _mpbias_mpfr_vec_clear(A, 4);
    A = mat_from_d(zero, 2, 64);
    ck_assert_int_ne(_mpbias_lu_factor(A, perm, 2, tmp), 0);
    _mpbias_mpfr_vec_clear(A, 4);
    A = mat_from_d(sing3, 3, 64);
    ck_assert_int_ne(_mpbias_lu_factor(A, perm, 3, tmp), 0);
    _mpbias_mpfr_vec_clear(A, 9);
    A = mat_from_d(sing, 2, 64);
    mpfr_set_nan(A[0]);
    ck_assert_int_ne(_mpbias_lu_factor(A, perm, 2, tmp), 0);
    mpfr_set_inf(A[0], 1);
    mpfr_set_ui(A[1], 0, MPFR_RNDN);
    ck_assert_int_ne(_mpbias_lu_factor(A, perm, 2, tmp), 0);
    _mpbias_mpfr_vec_clear(A, 4);
    mpfr_clear(tmp);
}
END_TEST

/* The approximate LU: which path it takes, and the bounds of each.  For
   the double path the computed x^ satisfies (M + dM) x^ = b + db with
   |dM| <= u |M| + gamma_3n |L^||U^| (M rounded to double, then Higham)
   and |db| <= u |b|, u = 2^-53; checked exactly with L^, U^ the double
   factors. */
static void
alu_check(const mpfr_t *Am, const mpfr_t *bm, slong n, mpfr_prec_t prec, int force,
          int want_double, const char *what)
{
    _mpbias_alu_t L;
    mpfr_t *x = _mpbias_mpfr_vec_init(n, prec);
    fmpq_mat_t A;
    fmpq *b = _fmpq_vec_init(n), *LU = _fmpq_vec_init(n * n), *xh = _fmpq_vec_init(n);
    fmpq *extra = _fmpq_vec_init(n);
    fmpq_t u, t;
    slong i, j;
    mpfr_t d;
    mpfr_init2(d, 53);
    fmpq_init(u);
    fmpq_init(t);
    fmpq_mat_init(A, n, n);
    _mpbias_alu_init(L, n, prec);
    for (i = 0; i < n * n; i++)
    {
        mpfr_set(L->M[i], Am[i], MPFR_RNDN);
        fmpq_set_mpfr_exact(fmpq_mat_entry(A, i / n, i % n), Am[i]);
    }
    for (i = 0; i < n; i++)
    {
        mpfr_set(x[i], bm[i], MPFR_RNDN);
        fmpq_set_mpfr_exact(b + i, bm[i]);
    }
    ck_assert_int_eq(_mpbias_alu_factor(L, force), 0);
    ck_assert_msg(L->in_double == want_double, "%s: in_double = %d", what, L->in_double);
    _mpbias_alu_solve(x, L);
    for (i = 0; i < n; i++)
        fmpq_set_mpfr_exact(xh + i, x[i]);
    fmpq_one(u);
    if (L->in_double)
    {
        fmpq_div_2exp(u, u, 53);
        for (i = 0; i < n * n; i++)
        {
            mpfr_set_d(d, L->Md[i], MPFR_RNDN);
            fmpq_set_mpfr_exact(LU + i, d);
        }
        /* extra (permuted rows) = u (|M| |x^| + |b|) */
        for (i = 0; i < n; i++)
        {
            fmpq_abs(extra + i, b + i);
            for (j = 0; j < n; j++)
            {
                fmpq_mul(t, fmpq_mat_entry(A, i, j), xh + j);
                fmpq_abs(t, t);
                fmpq_add(extra + i, extra + i, t);
            }
            fmpq_mul(extra + i, extra + i, u);
        }
        for (i = 0; i < n; i++)
            if (L->perm[i] != i)
                fmpq_swap(extra + i, extra + L->perm[i]);
        check_solution(A, b, LU, L->perm, xh, u, extra, what);
    }
    else
    {
        fmpq_div_2exp(u, u, (ulong) prec);
        for (i = 0; i < n * n; i++)
            fmpq_set_mpfr_exact(LU + i, L->M[i]);
        check_solution(A, b, LU, L->perm, xh, u, NULL, what);
    }
    _mpbias_alu_clear(L);
    fmpq_mat_clear(A);
    fmpq_clear(u);
    fmpq_clear(t);
    mpfr_clear(d);
    _fmpq_vec_clear(b, n);
    _fmpq_vec_clear(LU, n * n);
    _fmpq_vec_clear(xh, n);
    _fmpq_vec_clear(extra, n);
    _mpbias_mpfr_vec_clear(x, n);
}

START_TEST(test_alu_paths)
{
    unsigned long long st = 777;
    slong n = 12, i;
    mpfr_prec_t p = 150;
    mpfr_t *A = _mpbias_mpfr_vec_init(n * n, p), *b = _mpbias_mpfr_vec_init(n, p);
    /* I - h J like: diagonally dominant-ish, moderate entries */
    for (i = 0; i < n * n; i++)
        rand_mpfr(A[i], &st, 0);
    for (i = 0; i < n; i++)
    {
        mpfr_add_ui(A[i * n + i], A[i * n + i], 3, MPFR_RNDN);
        rand_mpfr(b[i], &st, 0);
    }
    alu_check((const mpfr_t *) A, (const mpfr_t *) b, n, p, 0, 1, "alu double");
    alu_check((const mpfr_t *) A, (const mpfr_t *) b, n, p, 1, 0, "alu forced mpfr");
    /* an entry beyond 2^30: MPFR */
    mpfr_set_ui_2exp(A[1], 3, 29, MPFR_RNDN);
    alu_check((const mpfr_t *) A, (const mpfr_t *) b, n, p, 0, 0, "alu large entry");
    /* just below: double */
    mpfr_set_ui_2exp(A[1], 1, 30, MPFR_RNDN);
    alu_check((const mpfr_t *) A, (const mpfr_t *) b, n, p, 0, 1, "alu entry 2^30");
    /* a tiny nonzero entry (below 2^-900): MPFR; an exact zero is fine */
    mpfr_set_ui_2exp(A[1], 1, -1000, MPFR_RNDN);
    alu_check((const mpfr_t *) A, (const mpfr_t *) b, n, p, 0, 0, "alu tiny entry");
    mpfr_set_ui(A[1], 0, MPFR_RNDN);
    alu_check((const mpfr_t *) A, (const mpfr_t *) b, n, p, 0, 1, "alu zero entry");
    /* a pivot-requiring zero leading entry, in double */
    mpfr_set_ui(A[0], 0, MPFR_RNDN);
    alu_check((const mpfr_t *) A, (const mpfr_t *) b, n, p, 0, 1, "alu zero pivot");
    _mpbias_mpfr_vec_clear(A, n * n);
    _mpbias_mpfr_vec_clear(b, n);
}
END_TEST

/* Right-hand sides far outside double's range: the solution scales
   exactly with b (the same bits times the same power of two), in both
   paths, and the double path still meets its bound at 2^(+-10^6). */
START_TEST(test_alu_scaling)
{
    unsigned long long st = 4242;
    slong n = 6, i, k;
    mpfr_prec_t p = 80;
    static const long shifts[] = { 1000000, -1000000, 3000, -3000 };
    mpfr_t *A = _mpbias_mpfr_vec_init(n * n, p), *b = _mpbias_mpfr_vec_init(n, p);
    mpfr_t *x0 = _mpbias_mpfr_vec_init(n, p), *x1 = _mpbias_mpfr_vec_init(n, p);
    int force;
    for (i = 0; i < n * n; i++)
        rand_mpfr(A[i], &st, 0);
    for (i = 0; i < n; i++)
    {
        mpfr_add_ui(A[i * n + i], A[i * n + i], 2, MPFR_RNDN);
        rand_mpfr(b[i], &st, 0);
    }
    for (force = 0; force < 2; force++)
    {
        _mpbias_alu_t L;
        _mpbias_alu_init(L, n, p);
        for (i = 0; i < n * n; i++)
            mpfr_set(L->M[i], A[i], MPFR_RNDN);
        ck_assert_int_eq(_mpbias_alu_factor(L, force), 0);
        for (i = 0; i < n; i++)
            mpfr_set(x0[i], b[i], MPFR_RNDN);
        _mpbias_alu_solve(x0, L);
        for (k = 0; k < (long) (sizeof shifts / sizeof shifts[0]); k++)
        {
            for (i = 0; i < n; i++)
                mpfr_mul_2si(x1[i], b[i], shifts[k], MPFR_RNDN);
            _mpbias_alu_solve(x1, L);
            for (i = 0; i < n; i++)
            {
                mpfr_mul_2si(x1[i], x1[i], -shifts[k], MPFR_RNDN);
                ck_assert_msg(mpfr_equal_p(x1[i], x0[i]), "force %d shift %ld: x_%ld differs",
                              force, shifts[k], (long) i);
            }
        }
        /* b = 0 solves to 0 */
        for (i = 0; i < n; i++)
            mpfr_set_zero(x1[i], 1);
        _mpbias_alu_solve(x1, L);
        for (i = 0; i < n; i++)
            ck_assert(mpfr_zero_p(x1[i]));
        _mpbias_alu_clear(L);
    }
    for (i = 0; i < n; i++)
        mpfr_mul_2si(b[i], b[i], -1000000, MPFR_RNDN);
    alu_check((const mpfr_t *) A, (const mpfr_t *) b, n, p, 0, 1, "alu b ~ 2^-1e6");
    _mpbias_mpfr_vec_clear(A, n * n);
    _mpbias_mpfr_vec_clear(b, n);
    _mpbias_mpfr_vec_clear(x0, n);
    _mpbias_mpfr_vec_clear(x1, n);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("linalg");
    TCase *tc = tcase_create("linalg");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_lu_random);
    tcase_add_test(tc, test_lu_pivoting);
    tcase_add_test(tc, test_lu_growth);
    tcase_add_test(tc, test_lu_hilbert);
    tcase_add_test(tc, test_lu_singular);
    tcase_add_test(tc, test_alu_paths);
    tcase_add_test(tc, test_alu_scaling);
    suite_add_tcase(s, tc);
    return tu_main(s);
}
