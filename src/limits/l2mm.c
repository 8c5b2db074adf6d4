/*
 * l2mm.c -- the l2 max-margin classifier, exactly, and exact separability.
 *
 * w_l2 = argmin ||w||_2 subject to Z w >= 1 is a least-distance program
 * (LDP).  Lawson and Hanson (Solving Least Squares Problems, ch. 23) reduce
 * it to the nonnegative least-squares problem
 *
 *     minimize ||E u - f||_2 over u >= 0,   E = [Z^T; 1^T], f = e_{d+1},
 *
 * whose solution u gives, with sigma = 1^T u = ||E u||^2 <= 1:
 *   sigma = 1:  E u = f, i.e. Z^T u = 0 with u >= 0, u != 0: a Farkas
 *               certificate that no w has Z w > 0 (not separable);
 *   sigma < 1:  lambda = u / (1 - sigma) are KKT multipliers and
 *               w = Z^T lambda is the LDP solution.
 *
 * The NNLS is solved by the Lawson-Hanson active-set method in exact
 * rational arithmetic, where it terminates finitely and its passive
 * columns stay linearly independent, so every subproblem is nonsingular.
 * Only the Gram matrix E^T E = Z Z^T + 1 1^T is needed; it is formed once
 * in integers (Z scaled by the lcm L of its denominators).
 *
 * The result is then certified independently of how it was found:
 * separable: lambda >= 0, Z w >= 1, lambda_n (z_n . w - 1) = 0 (the KKT
 * conditions, sufficient for this convex problem); not separable:
 * u >= 0, 1^T u = 1, Z^T u = 0.  Cost: one N x N x d integer product, and
 * at most a few N passive-set solves of size <= N.
 */
#include "config.h"
#include <math.h>
#include <stdlib.h>
#include "mpbias-impl.h"

void
mpbias_l2mm_init(mpbias_l2mm_t r)
{
    r->separable = r->certified = 0;
    r->n = r->d = r->nsupport = r->iterations = 0;
    r->w = r->lambda = NULL;
    fmpq_init(r->norm2);
}

void
mpbias_l2mm_clear(mpbias_l2mm_t r)
{
    _mpbias_fmpq_vec_free(r->w, r->d);
    _mpbias_fmpq_vec_free(r->lambda, r->n);
    fmpq_clear(r->norm2);
    r->w = r->lambda = NULL;
}

/* A = L Z as integers (n x d), L = lcm of the denominators of Z. */
static void
scaled_integer_matrix(fmpz_mat_t A, fmpz_t L, const mpbias_data_t data)
{
    slong i, j;
    fmpz_t t;
    fmpz_init(t);
    fmpz_one(L);
    for (i = 0; i < data->n * data->d; i++)
        fmpz_lcm(L, L, fmpq_denref(data->z + i));
    for (i = 0; i < data->n; i++)
        for (j = 0; j < data->d; j++)
        {
            const fmpq *z = mpbias_data_z(data, i, j);
            fmpz_divexact(t, L, fmpq_denref(z));
            fmpz_mul(fmpz_mat_entry(A, i, j), fmpq_numref(z), t);
        }
    fmpz_clear(t);
}

/* w_j = c - (K u)_j for all j (the NNLS dual vector, scaled by L^2). */
static void
dual_vector(fmpq *w, const fmpz_mat_t K, const fmpz_t c, const fmpq *u,
            const int *passive, slong n)
{
    slong j, k;
    fmpq_t t;
    fmpq_init(t);
    for (j = 0; j < n; j++)
    {
        fmpz_set(fmpq_numref(w + j), c);
        fmpz_one(fmpq_denref(w + j));
        for (k = 0; k < n; k++)
            if (passive[k])
            {
                fmpq_mul_fmpz(t, u + k, fmpz_mat_entry(K, j, k));
                fmpq_sub(w + j, w + j, t);
            }
    }
    fmpq_clear(t);
}

/* Solve K_PP s_P = c 1 on the passive set; s is zero off P.  Returns 0 if
   the subsystem is singular (impossible in exact Lawson-Hanson). */
static int
passive_solve(fmpq *s, const fmpz_mat_t K, const fmpz_t c, const int *passive,
              slong n)
{
    slong k = 0, i, j, a, b;
    int ok;
    fmpz_mat_t KP, B;
    fmpq_mat_t X;
    for (i = 0; i < n; i++)
        k += passive[i];
    for (i = 0; i < n; i++)
        fmpq_zero(s + i);
    if (k == 0)
        return 1;
    fmpz_mat_init(KP, k, k);
    fmpz_mat_init(B, k, 1);
    fmpq_mat_init(X, k, 1);
    for (i = 0, a = 0; i < n; i++)
    {
        if (!passive[i])
            continue;
        for (j = 0, b = 0; j < n; j++)
            if (passive[j])
                fmpz_set(fmpz_mat_entry(KP, a, b++), fmpz_mat_entry(K, i, j));
        fmpz_set(fmpz_mat_entry(B, a, 0), c);
        a++;
    }
    ok = fmpq_mat_solve_fmpz_mat(X, KP, B);
    for (i = 0, a = 0; ok && i < n; i++)
        if (passive[i])
            fmpq_set(s + i, fmpq_mat_entry(X, a++, 0));
    fmpz_mat_clear(KP);
    fmpz_mat_clear(B);
    fmpq_mat_clear(X);
    return ok;
}

/* Solve Kd_PP s = 1 (P = idx, np entries; Kd n x n) into sv by Gaussian
   elimination with partial pivoting in double precision (M: room for
   np x np).  Returns 0 when a pivot is 0. */
static int
passive_solve_d(double *sv, double *M, const double *Kd, const slong *idx, slong np, slong n)
{
    slong i, j, k;
    for (i = 0; i < np; i++)
    {
        for (j = 0; j < np; j++)
            M[i * np + j] = Kd[idx[i] * n + idx[j]];
        sv[i] = 1.0;
    }
    for (k = 0; k < np; k++)
    {
        slong p = k;
        for (i = k + 1; i < np; i++)
            if (fabs(M[i * np + k]) > fabs(M[p * np + k]))
                p = i;
        if (M[p * np + k] == 0.0)
            return 0;
        if (p != k)
        {
            double t;
            for (j = 0; j < np; j++)
            {
                t = M[k * np + j];
                M[k * np + j] = M[p * np + j];
                M[p * np + j] = t;
            }
            t = sv[k];
            sv[k] = sv[p];
            sv[p] = t;
        }
        for (i = k + 1; i < np; i++)
        {
            double l = M[i * np + k] / M[k * np + k];
            for (j = k; j < np; j++)
                M[i * np + j] -= l * M[k * np + j];
            sv[i] -= l * sv[k];
        }
    }
    for (k = np - 1; k >= 0; k--)
    {
        for (j = k + 1; j < np; j++)
            sv[k] -= M[k * np + j] * sv[j];
        sv[k] /= M[k * np + k];
    }
    return 1;
}

/* The Lawson-Hanson iteration in double precision on Kd = K / c (rhs 1):
   a guess of the final passive set, to warm-start the exact iteration
   (which then usually has nothing left to do).  passive is set; returns 0
   if the floating-point iteration gave up (then passive is cleared). */
static int
guess_passive(int *passive, const fmpz_mat_t K, const fmpz_t c, slong n)
{
    double *Kd = malloc((size_t) (n * n) * sizeof(double)), *M = malloc((size_t) (n * n) * sizeof(double)),
           *u = calloc((size_t) n, sizeof(double)), *sv = malloc((size_t) n * sizeof(double)),
           *w = malloc((size_t) n * sizeof(double));
    slong *idx = malloc((size_t) n * sizeof(slong));
    slong i, j, k, it, outer, np;
    int ok = 0;
    fmpq_t q;
    fmpq_init(q);
    for (i = 0; i < n; i++)
        passive[i] = 0;
    if (Kd == NULL || M == NULL || u == NULL || sv == NULL || w == NULL || idx == NULL)
        goto done;
    for (i = 0; i < n * n; i++)
    {
        fmpq_set_fmpz_frac(q, K->entries + i, c);
        Kd[i] = fmpq_get_d(q);
    }
    for (outer = 0; outer < 3 * n + 10; outer++)
    {
        slong jmax = -1;
        double best = 1e-12;
        for (j = 0; j < n; j++)
        {
            w[j] = 1.0;
            for (k = 0; k < n; k++)
                w[j] -= Kd[j * n + k] * u[k];
            if (!passive[j] && w[j] > best)
            {
                best = w[j];
                jmax = j;
            }
        }
        if (jmax < 0)
        {
            ok = 1;
            break;
        }
        passive[jmax] = 1;
        for (it = 0; it < 3 * n + 10; it++)
        {
            int allpos = 1;
            double alpha = 2.0;
            for (i = 0, np = 0; i < n; i++)
                if (passive[i])
                    idx[np++] = i;
            if (!passive_solve_d(sv, M, Kd, idx, np, n))
                goto done;
            for (i = 0; i < np; i++)
                if (sv[i] <= 0.0)
                {
                    double a = u[idx[i]] / (u[idx[i]] - sv[i]);
                    allpos = 0;
                    if (a < alpha)
                        alpha = a;
                }
            if (allpos)
            {
                for (i = 0; i < n; i++)
                    u[i] = 0.0;
                for (i = 0; i < np; i++)
                    u[idx[i]] = sv[i];
                break;
            }
            {
                double *full = w;   /* reuse as scratch: s on all coordinates */
                for (i = 0; i < n; i++)
                    full[i] = 0.0;
                for (i = 0; i < np; i++)
                    full[idx[i]] = sv[i];
                for (i = 0; i < n; i++)
                {
                    u[i] += alpha * (full[i] - u[i]);
                    if (passive[i] && u[i] <= 1e-300)
                    {
                        passive[i] = 0;
                        u[i] = 0.0;
                    }
                }
            }
        }
    }
done:
    if (!ok)
        for (i = 0; i < n; i++)
            passive[i] = 0;
    fmpq_clear(q);
    free(Kd);
    free(M);
    free(u);
    free(sv);
    free(w);
    free(idx);
    return ok;
}

/* K = A A^T + L^2 1 1^T = L^2 E^T E and c = L^2 (so that E^T f = 1
   becomes c 1), with A = L Z in integers. */
static void
gram_matrix(fmpz_mat_t K, fmpz_t c, const mpbias_data_t data)
{
    slong n = data->n, d = data->d, i, j;
    fmpz_mat_t A, At;
    fmpz_t L;
    fmpz_mat_init(A, n, d);
    fmpz_init(L);
    scaled_integer_matrix(A, L, data);
    fmpz_mat_init(At, d, n);
    fmpz_mat_transpose(At, A);
    fmpz_mat_mul(K, A, At);
    fmpz_mat_clear(At);
    fmpz_mul(c, L, L);
    for (i = 0; i < n; i++)
        for (j = 0; j < n; j++)
            fmpz_add(fmpz_mat_entry(K, i, j), fmpz_mat_entry(K, i, j), c);
    fmpz_mat_clear(A);
    fmpz_clear(L);
}

/* The starting state (u, passive) of the exact iteration: the passive set
   of the same iteration in double precision, solved exactly; used only if
   the exact solution on it is positive (a valid state of the exact
   iteration, which then checks optimality itself and goes on if needed),
   else the empty passive set and u = 0.  s is scratch. */
static void
warm_start(fmpq *u, int *passive, fmpq *s, const fmpz_mat_t K, const fmpz_t c, slong n)
{
    slong i;
    if (n > 8 && guess_passive(passive, K, c, n))
    {
        int good = passive_solve(s, K, c, passive, n);
        for (i = 0; good && i < n; i++)
            if (passive[i] && fmpq_sgn(s + i) <= 0)
                good = 0;
        if (good)
            for (i = 0; i < n; i++)
                fmpq_set(u + i, s + i);
        else
            for (i = 0; i < n; i++)
            {
                passive[i] = 0;
                fmpq_zero(u + i);
            }
    }
    else
        for (i = 0; i < n; i++)
            passive[i] = 0;
}

/* The step from u towards the passive solution s until the first passive
   entry of u reaches 0 (some passive s_i is <= 0); the entries that reach
   it leave the passive set.  Returns 0 when the step is degenerate (a
   passive u_i = s_i <= 0: impossible in exact Lawson-Hanson). */
static int
step_towards(fmpq *u, int *passive, const fmpq *s, slong n)
{
    slong i;
    int first = 1, ok = 1;
    fmpq_t t, alpha;
    fmpq_init(t);
    fmpq_init(alpha);
    for (i = 0; i < n && ok; i++)
        if (passive[i] && fmpq_sgn(s + i) <= 0)
        {
            fmpq_sub(t, u + i, s + i);
            if (fmpq_is_zero(t))
            {
                ok = 0;
                break;
            }
            fmpq_div(t, u + i, t);
            if (first || fmpq_cmp(t, alpha) < 0)
                fmpq_set(alpha, t);
            first = 0;
        }
    for (i = 0; i < n && ok; i++)
    {
        fmpq_sub(t, s + i, u + i);
        fmpq_mul(t, t, alpha);
        fmpq_add(u + i, u + i, t);
        if (passive[i] && fmpq_sgn(u + i) <= 0)
        {
            passive[i] = 0;
            fmpq_zero(u + i);
        }
    }
    fmpq_clear(t);
    fmpq_clear(alpha);
    return ok;
}

/* Lawson-Hanson's inner loop, after a coordinate joined the passive set:
   solve on the passive set (into s) and step towards the solution until
   it is positive on it; it is then u.  *iter counts the solves, up to
   maxiter. */
static mpbias_status
nnls_inner(fmpq *u, int *passive, fmpq *s, const fmpz_mat_t K, const fmpz_t c, slong n,
           slong *iter, slong maxiter, mpbias_err_t err)
{
    slong i;
    for (;;)
    {
        int allpos = 1;
        if (++*iter > maxiter)
            return _mpbias_err_set(err, MPBIAS_ERR_NUMERIC, NULL, 0, 0,
                                   "l2 max margin: active-set method did not terminate "
                                   "(this is a bug)");
        if (!passive_solve(s, K, c, passive, n))
            return _mpbias_err_set(err, MPBIAS_ERR_NUMERIC, NULL, 0, 0,
                                   "l2 max margin: singular passive subsystem (this is a bug)");
        for (i = 0; i < n; i++)
            if (passive[i] && fmpq_sgn(s + i) <= 0)
                allpos = 0;
        if (allpos)
        {
            for (i = 0; i < n; i++)
                fmpq_set(u + i, s + i);
            return MPBIAS_OK;
        }
        if (!step_towards(u, passive, s, n))
            return _mpbias_err_set(err, MPBIAS_ERR_NUMERIC, NULL, 0, 0,
                                   "l2 max margin: degenerate active-set step (this is a bug)");
    }
}

/* Lawson-Hanson NNLS from (u, passive): the coordinate with the largest
   positive dual entry joins the passive set, until there is none.  Finite
   in exact arithmetic; the bound on the solves only guards against a bug
   turning into an endless loop.  s and w are scratch (n entries). */
static mpbias_status
nnls(fmpq *u, int *passive, fmpq *s, fmpq *w, const fmpz_mat_t K, const fmpz_t c, slong n,
     slong *iter, mpbias_err_t err)
{
    slong j, maxiter = 30 * n + 100;
    mpbias_status st = MPBIAS_OK;
    fmpq_t best;
    fmpq_init(best);
    *iter = 0;
    while (st == MPBIAS_OK)
    {
        slong jmax = -1;
        dual_vector(w, K, c, u, passive, n);
        for (j = 0; j < n; j++)
            if (!passive[j] && fmpq_sgn(w + j) > 0 && (jmax < 0 || fmpq_cmp(w + j, best) > 0))
            {
                jmax = j;
                fmpq_set(best, w + j);
            }
        if (jmax < 0)
            break;
        passive[jmax] = 1;
        st = nnls_inner(u, passive, s, K, c, n, iter, maxiter, err);
    }
    fmpq_clear(best);
    return st;
}

int
_mpbias_farkas_check(const fmpq *u, const mpbias_data_t data)
{
    slong n = data->n, d = data->d, i, j;
    int ok = 1;
    fmpq_t t;
    fmpq_init(t);
    for (i = 0; i < n && ok; i++)
    {
        ok = fmpq_sgn(u + i) >= 0;
        fmpq_add(t, t, u + i);
    }
    ok = ok && fmpq_is_one(t);
    for (j = 0; j < d && ok; j++)
    {
        fmpq_zero(t);
        for (i = 0; i < n; i++)
            fmpq_addmul(t, u + i, mpbias_data_z(data, i, j));
        ok = fmpq_is_zero(t);
    }
    fmpq_clear(t);
    return ok;
}

/* Not separable (1^T u = 1): lambda = u, certified by the Farkas
   conditions u >= 0, 1^T u = 1, Z^T u = 0, each checked here (the
   method's guarantees are not relied on). */
static mpbias_status
certify_farkas(mpbias_l2mm_t r, const fmpq *u, const mpbias_data_t data, mpbias_err_t err)
{
    slong i;
    mpbias_status st = MPBIAS_OK;
    r->separable = 0;
    for (i = 0; i < data->n; i++)
        fmpq_set(r->lambda + i, u + i);
    if (!_mpbias_farkas_check(u, data))
        st = _mpbias_err_set(err, MPBIAS_ERR_NUMERIC, NULL, 0, 0,
                             "separability: Farkas certificate failed (this is a bug)");
    r->certified = (st == MPBIAS_OK);
    return st;
}

/* Separable (sigma = 1^T u < 1): lambda = u / (1 - sigma), w = Z^T
   lambda, certified by the KKT conditions lambda >= 0, Z w >= 1 and
   complementary slackness; ||w||^2 = 1^T lambda.  Zw is scratch (n). */
static mpbias_status
certify_kkt(mpbias_l2mm_t r, const fmpq *u, const fmpq_t sigma, fmpq *Zw,
            const mpbias_data_t data, mpbias_err_t err)
{
    slong n = data->n, i;
    mpbias_status st = MPBIAS_OK;
    fmpq_t t, sum;
    fmpq_init(t);
    fmpq_init(sum);
    r->separable = 1;
    fmpq_one(t);
    fmpq_sub(t, t, sigma);
    for (i = 0; i < n; i++)
        fmpq_div(r->lambda + i, u + i, t);
    _mpbias_data_mul(r->w, data, r->lambda, 1);
    r->nsupport = 0;
    _mpbias_data_mul(Zw, data, r->w, 0);
    for (i = 0; i < n && st == MPBIAS_OK; i++)
    {
        fmpq_one(t);
        if (fmpq_sgn(r->lambda + i) < 0 || fmpq_cmp(Zw + i, t) < 0
            || (fmpq_sgn(r->lambda + i) > 0 && !fmpq_equal(Zw + i, t)))
            st = _mpbias_err_set(err, MPBIAS_ERR_NUMERIC, NULL, 0, 0,
                                 "l2 max margin: KKT certificate failed at sample %ld (this is a bug)",
                                 (long) i + 1);
        r->nsupport += fmpq_equal(Zw + i, t);
        fmpq_add(sum, sum, r->lambda + i);
    }
    fmpq_set(r->norm2, sum);
    r->certified = (st == MPBIAS_OK);
    fmpq_clear(t);
    fmpq_clear(sum);
    return st;
}

mpbias_status
mpbias_l2mm_compute(mpbias_l2mm_t r, const mpbias_data_t data, mpbias_err_t err)
{
    slong n = data->n, d = data->d, i, iter;
    fmpz_mat_t K;
    fmpz_t c;
    fmpq *u, *s, *w, *Zw;
    fmpq_t sigma;
    int *passive;
    mpbias_status st;

    mpbias_l2mm_clear(r);
    mpbias_l2mm_init(r);
    if (n < 1 || d < 1)
        return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0, "empty dataset");
    r->n = n;
    r->d = d;
    r->w = _mpbias_fmpq_vec_alloc(d);
    r->lambda = _mpbias_fmpq_vec_alloc(n);
    u = _mpbias_fmpq_vec_alloc(n);
    s = _mpbias_fmpq_vec_alloc(n);
    w = _mpbias_fmpq_vec_alloc(n);
    Zw = _mpbias_fmpq_vec_alloc(n);
    passive = calloc((size_t) n, sizeof(int));
    if (!r->w || !r->lambda || !u || !s || !w || !Zw || !passive)
        st = _mpbias_err_set(err, MPBIAS_ERR_NOMEM, NULL, 0, 0, "out of memory");
    else
    {
        fmpz_mat_init(K, n, n);
        fmpz_init(c);
        fmpq_init(sigma);
        gram_matrix(K, c, data);
        warm_start(u, passive, s, K, c, n);
        st = nnls(u, passive, s, w, K, c, n, &iter, err);
        if (st == MPBIAS_OK)
        {
            r->iterations = iter;
            for (i = 0; i < n; i++)
                fmpq_add(sigma, sigma, u + i);
            /* sigma = 1: not separable; else the l2 max margin */
            if (fmpq_is_one(sigma))
                st = certify_farkas(r, u, data, err);
            else
                st = certify_kkt(r, u, sigma, Zw, data, err);
        }
        fmpz_mat_clear(K);
        fmpz_clear(c);
        fmpq_clear(sigma);
    }
    _mpbias_fmpq_vec_free(u, n);
    _mpbias_fmpq_vec_free(s, n);
    _mpbias_fmpq_vec_free(w, n);
    _mpbias_fmpq_vec_free(Zw, n);
    free(passive);
    return st;
}

char *
mpbias_l2mm_margin_str(const mpbias_l2mm_t r, int digits)
{
    arb_t x;
    slong prec;
    char *s = NULL;
    if (!r->separable || fmpq_sgn(r->norm2) <= 0 || digits < 1)
        return NULL;
    /* a rational margin (norm2's numerator and denominator both squares)
       may be a decimal tie, which no enclosure decides: round it exactly */
    if (fmpz_is_square(fmpq_numref(r->norm2)) && fmpz_is_square(fmpq_denref(r->norm2)))
    {
        fmpq_t m;
        fmpq_init(m);
        fmpz_sqrt(fmpq_numref(m), fmpq_denref(r->norm2));
        fmpz_sqrt(fmpq_denref(m), fmpq_numref(r->norm2));
        s = mpbias_fmpq_get_str_rounded(m, digits);
        fmpq_clear(m);
        return s;
    }
    /* otherwise the margin is irrational, so neither a K-digit decimal nor
       a tie: a tight enough enclosure determines its digits */
    arb_init(x);
    for (prec = 4 * digits + 64; s == NULL && prec < (1L << 20); prec *= 2)
    {
        arb_set_fmpq(x, r->norm2, prec);
        arb_rsqrt(x, x, prec);
        s = _mpbias_arb_get_str_rounded(x, digits);
    }
    arb_clear(x);
    return s;
}
