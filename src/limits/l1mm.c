/*
 * l1mm.c -- the l1 max-margin classifier, exactly, with its optimal face.
 *
 * w_l1 = argmin ||w||_1 subject to Z w >= 1 is the linear program
 *
 *     minimize 1^T (p + q)  subject to  Z (p - q) >= 1,  p, q >= 0,
 *
 * whose dual is  maximize 1^T lambda  subject to  |Z^T lambda| <= 1
 * (componentwise), lambda >= 0.  It is solved by src/limits/exactlp.c
 * (GLPK finds the basis, FLINT solves and certifies it exactly); the
 * certificate is re-checked here in the problem's own terms: Z w >= 1,
 * lambda >= 0, |Z^T lambda|_inf <= 1 and ||w||_1 = 1^T lambda.
 *
 * The weighted version (the rich limit of a depth D >= 3 network with an
 * initialization shape u_+(0) = a, u_-(0) = b: weights cp = a^(2-D) on
 * the positive parts and cm = b^(2-D) on the negative parts) minimizes
 * cp^T p + cm^T q; its dual constraint is -cm <= Z^T lambda <= cp, and
 * "|g_i| = 1" below reads "g_i = cp_i or g_i = -cm_i".
 *
 * The optimum need not be unique.  With g = Z^T lambda, complementary
 * slackness (which every optimal w satisfies with this lambda, and which
 * makes any feasible w optimal) describes the optimal face exactly:
 *
 *     F = { w : w_i = 0 where |g_i| < 1,  g_i w_i >= 0 where |g_i| = 1,
 *               z_n . w = 1 where lambda_n > 0,  Z w >= 1 }.
 *
 * F is a single point when Z restricted to those rows and to the
 * coordinates with |g_i| = 1 has full column rank; otherwise the range of
 * each such coordinate over F is computed by two more exact LPs, and
 * the coordinates whose range is not a point are reported as free.
 */
#include "config.h"
#include <stdlib.h>
#include "mpbias-impl.h"

void
mpbias_l1mm_init(mpbias_l1mm_t r)
{
    r->separable = 0;
    r->n = r->d = 0;
    r->w = r->lambda = r->wmin = r->wmax = NULL;
    fmpq_init(r->norm1);
    r->certified = 0;
    r->unique = 0;
    r->nfree = 0;
    r->weighted = 0;
}

void
mpbias_l1mm_clear(mpbias_l1mm_t r)
{
    _mpbias_fmpq_vec_free(r->w, r->d);
    _mpbias_fmpq_vec_free(r->wmin, r->d);
    _mpbias_fmpq_vec_free(r->wmax, r->d);
    _mpbias_fmpq_vec_free(r->lambda, r->n);
    fmpq_clear(r->norm1);
    r->w = r->lambda = r->wmin = r->wmax = NULL;
}

/* the weight of coordinate i on its positive (sign > 0) or negative part */
static const fmpq *
weight(const fmpq *cp, const fmpq *cm, slong i, int sign, const fmpq_t one)
{
    const fmpq *c = sign > 0 ? cp : cm;
    return c == NULL ? one : c + i;
}

int
mpbias_l1mm_certify(fmpq_t norm1, const fmpq *w, const fmpq *lambda, const fmpq *cp,
                    const fmpq *cm, const mpbias_data_t data)
{
    slong n = data->n, d = data->d, k, i;
    int ok = 1;
    fmpq_t s, p, q, one;
    fmpq *zw = _fmpq_vec_init(n), *zl = _fmpq_vec_init(d);
    fmpq_init(s);
    fmpq_init(p);
    fmpq_init(q);
    fmpq_init(one);
    fmpq_one(one);
    /* Z w >= 1 */
    _mpbias_data_mul(zw, data, w, 0);
    for (k = 0; k < n && ok; k++)
        ok = fmpq_cmp_ui(zw + k, 1) >= 0;
    /* lambda >= 0, sum lambda */
    for (k = 0; k < n && ok; k++)
    {
        ok = fmpq_sgn(lambda + k) >= 0;
        fmpq_add(q, q, lambda + k);
    }
    /* -cm <= Z^T lambda <= cp, the weighted norm of w */
    if (ok)
        _mpbias_data_mul(zl, data, lambda, 1);
    for (i = 0; i < d && ok; i++)
    {
        ok = fmpq_cmp(zl + i, weight(cp, cm, i, 1, one)) <= 0;
        fmpq_neg(s, zl + i);
        ok = ok && fmpq_cmp(s, weight(cp, cm, i, -1, one)) <= 0;
        fmpq_abs(s, w + i);
        fmpq_mul(s, s, weight(cp, cm, i, fmpq_sgn(w + i), one));
        fmpq_add(p, p, s);
    }
    ok = ok && fmpq_equal(p, q);
    if (ok && norm1 != NULL)
        fmpq_set(norm1, p);
    _fmpq_vec_clear(zw, n);
    _fmpq_vec_clear(zl, d);
    fmpq_clear(s);
    fmpq_clear(p);
    fmpq_clear(q);
    fmpq_clear(one);
    return ok;
}

static mpbias_status
lp_failure(mpbias_err_t err, int lp)
{
    if (lp == MPBIAS_LP_NOMEM)
        return _mpbias_err_set(err, MPBIAS_ERR_NOMEM, NULL, 0, 0, "out of memory");
    return _mpbias_err_set(err, MPBIAS_ERR_NUMERIC, NULL, 0, 0,
                           "l1 max margin: %s",
                           lp == MPBIAS_LP_UNCERTIFIED
                               ? "the basis GLPK found does not pass the exact optimality "
                                 "certificate (data too close to degenerate for its double "
                                 "rounding)"
                               : "the LP solver failed");
}

/* Range of coordinate i over the optimal face: min (sign = 1) or max
   (sign = -1) of w_i.  The face in variables v_j = sg_j w_j >= 0 over the
   coordinates S (sg_j = g_j = +-1). */
static int
face_extreme(fmpq_t out, const mpbias_data_t data, const slong *S, const int *sg, slong ns,
             const fmpq *lambda, slong i_in_S, int sign)
{
    slong n = data->n, k, j;
    int r;
    fmpq *A = _mpbias_fmpq_vec_alloc(n * ns), *b = _mpbias_fmpq_vec_alloc(n),
         *c = _mpbias_fmpq_vec_alloc(ns), *x = _mpbias_fmpq_vec_alloc(ns),
         *y = _mpbias_fmpq_vec_alloc(n);
    int *fx = malloc((size_t) n * sizeof(int));
    fmpq_t val;
    fmpq_init(val);
    if (A == NULL || b == NULL || c == NULL || x == NULL || y == NULL || fx == NULL)
        r = MPBIAS_LP_NOMEM;
    else
    {
        for (k = 0; k < n; k++)
        {
            for (j = 0; j < ns; j++)
            {
                fmpq_set(A + k * ns + j, mpbias_data_z(data, k, S[j]));
                if (sg[j] < 0)
                    fmpq_neg(A + k * ns + j, A + k * ns + j);
            }
            fmpq_one(b + k);
            fx[k] = fmpq_sgn(lambda + k) > 0;
        }
        /* minimize sign * w_i = sign * sg_i * v_i */
        fmpq_set_si(c + i_in_S, (slong) sign * sg[i_in_S], 1);
        r = _mpbias_exact_lp(x, y, val, A, b, fx, c, n, ns);
        if (r == MPBIAS_LP_OPTIMAL)
        {
            fmpq_set_si(out, (slong) sg[i_in_S], 1);
            fmpq_mul(out, out, x + i_in_S);
        }
    }
    fmpq_clear(val);
    _mpbias_fmpq_vec_free(A, n * ns);
    _mpbias_fmpq_vec_free(b, n);
    _mpbias_fmpq_vec_free(c, ns);
    _mpbias_fmpq_vec_free(x, ns);
    _mpbias_fmpq_vec_free(y, n);
    free(fx);
    return r;
}

mpbias_status
mpbias_l1mm_compute(mpbias_l1mm_t r, const mpbias_data_t data, mpbias_err_t err)
{
    return mpbias_l1mm_compute_weighted(r, data, NULL, NULL, err);
}

/* The weights of the weighted version, when given: both vectors or
   neither, every entry positive. */
static mpbias_status
check_weights(const fmpq *cp, const fmpq *cm, slong d, mpbias_err_t err)
{
    slong i;
    if ((cp == NULL) != (cm == NULL))
        return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0,
                               "l1 max margin: give both weight vectors or neither");
    for (i = 0; cp != NULL && i < d; i++)
        if (fmpq_sgn(cp + i) <= 0 || fmpq_sgn(cm + i) <= 0)
            return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0,
                                   "l1 max margin: the weights of coordinate %ld must be "
                                   "positive", (long) i + 1);
    return MPBIAS_OK;
}

/* The LP in the form _mpbias_exact_lp solves: columns p_1..p_d,
   q_1..q_d, rows z_k . (p - q) >= 1, costs the weights (cp, cm) of p and
   q.  A is n x 2d, b has n entries, c 2d. */
static void
primal_lp(fmpq *A, fmpq *b, fmpq *c, const mpbias_data_t data, const fmpq *cp, const fmpq *cm)
{
    slong n = data->n, d = data->d, k, i;
    fmpq_t one;
    fmpq_init(one);
    fmpq_one(one);
    for (k = 0; k < n; k++)
    {
        for (i = 0; i < d; i++)
        {
            fmpq_set(A + k * 2 * d + i, mpbias_data_z(data, k, i));
            fmpq_neg(A + k * 2 * d + d + i, mpbias_data_z(data, k, i));
        }
        fmpq_one(b + k);
    }
    for (i = 0; i < d; i++)
    {
        fmpq_set(c + i, weight(cp, cm, i, 1, one));
        fmpq_set(c + d + i, weight(cp, cm, i, -1, one));
    }
    fmpq_clear(one);
}

/* No certified optimum (status lp): decide separability exactly (the LP
   is infeasible iff the data are not separable) before blaming the
   solver. */
static mpbias_status
unsolved(mpbias_l1mm_t r, const mpbias_data_t data, int lp, mpbias_err_t err)
{
    mpbias_status st;
    mpbias_l2mm_t l2;
    mpbias_l2mm_init(l2);
    st = mpbias_l2mm_compute(l2, data, err);
    r->separable = l2->separable;
    mpbias_l2mm_clear(l2);
    if (st == MPBIAS_OK && r->separable)
        st = lp_failure(err, lp);
    return st;
}

/* The coordinates where the dual constraint is tight, S = {i : |g_i| = 1}
   with g = Z^T lambda (into g, d entries), and their signs sg; wmin and
   wmax start at w.  Returns |S|. */
static slong
tight_coordinates(slong *S, int *sg, fmpq *g, mpbias_l1mm_t r, const mpbias_data_t data,
                  const fmpq *cp, const fmpq *cm)
{
    slong d = data->d, i, ns = 0;
    fmpq_t gi, one;
    fmpq_init(gi);
    fmpq_init(one);
    fmpq_one(one);
    _mpbias_data_mul(g, data, r->lambda, 1);
    for (i = 0; i < d; i++)
    {
        fmpq_set(gi, g + i);
        fmpq_set(r->wmin + i, r->w + i);
        fmpq_set(r->wmax + i, r->w + i);
        if (fmpq_equal(gi, weight(cp, cm, i, 1, one)))
        {
            sg[ns] = 1;
            S[ns++] = i;
        }
        else
        {
            fmpq_neg(gi, gi);
            if (fmpq_equal(gi, weight(cp, cm, i, -1, one)))
            {
                sg[ns] = -1;
                S[ns++] = i;
            }
        }
    }
    fmpq_clear(gi);
    fmpq_clear(one);
    return ns;
}

/* Whether the equalities determine the face's coordinates S: Z restricted
   to the rows with lambda_k > 0 and to the columns S has rank |S|. */
static int
face_is_point(const mpbias_l1mm_t r, const mpbias_data_t data, const slong *S, slong ns)
{
    slong n = data->n, k, i, np = 0, row = 0, rank;
    fmpq_mat_t M;
    for (k = 0; k < n; k++)
        np += fmpq_sgn(r->lambda + k) > 0;
    fmpq_mat_init(M, np > 0 ? np : 1, ns);
    for (k = 0; k < n; k++)
        if (fmpq_sgn(r->lambda + k) > 0)
        {
            for (i = 0; i < ns; i++)
                fmpq_set(fmpq_mat_entry(M, row, i), mpbias_data_z(data, k, S[i]));
            row++;
        }
    if (np > 0)
    {
        /* (fmpq_mat_rank is not in FLINT 2.9: rank of the row echelon form) */
        fmpq_mat_t E;
        fmpq_mat_init(E, np, ns);
        rank = fmpq_mat_rref(E, M);
        fmpq_mat_clear(E);
    }
    else
        rank = 0;
    fmpq_mat_clear(M);
    return rank >= ns;
}

/* The range of each coordinate of S over the optimal face, exactly (two
   LPs each), into wmin and wmax; a coordinate whose range is not a point
   is free. */
static mpbias_status
face_ranges(mpbias_l1mm_t r, const mpbias_data_t data, const slong *S, const int *sg, slong ns,
            mpbias_err_t err)
{
    slong i;
    int lp;
    for (i = 0; i < ns; i++)
    {
        lp = face_extreme(r->wmin + S[i], data, S, sg, ns, r->lambda, i, 1);
        if (lp == MPBIAS_LP_OPTIMAL)
            lp = face_extreme(r->wmax + S[i], data, S, sg, ns, r->lambda, i, -1);
        if (lp != MPBIAS_LP_OPTIMAL)
            return lp_failure(err, lp);
        if (!fmpq_equal(r->wmin + S[i], r->wmax + S[i]))
        {
            r->unique = 0;
            r->nfree++;
        }
    }
    return MPBIAS_OK;
}

mpbias_status
mpbias_l1mm_compute_weighted(mpbias_l1mm_t r, const mpbias_data_t data, const fmpq *cp,
                             const fmpq *cm, mpbias_err_t err)
{
    slong n = data->n, d = data->d, i, ns;
    mpbias_status st = check_weights(cp, cm, d, err);
    int lp;
    fmpq *A = NULL, *b = NULL, *c = NULL, *x = NULL;
    int *fx = NULL, *sg = NULL;
    slong *S = NULL;

    if (st != MPBIAS_OK)
        return st;
    mpbias_l1mm_clear(r);
    mpbias_l1mm_init(r);
    r->weighted = cp != NULL;
    r->n = n;
    r->d = d;
    if (!_mpbias_size_ok(n, 2 * d, sizeof(fmpq), 0))
        return _mpbias_err_set(err, MPBIAS_ERR_NOMEM, NULL, 0, 0, "l1 max margin: problem too large");
    r->w = _mpbias_fmpq_vec_alloc(d);
    r->wmin = _mpbias_fmpq_vec_alloc(d);
    r->wmax = _mpbias_fmpq_vec_alloc(d);
    r->lambda = _mpbias_fmpq_vec_alloc(n);
    A = _mpbias_fmpq_vec_alloc(n * 2 * d);
    b = _mpbias_fmpq_vec_alloc(n);
    c = _mpbias_fmpq_vec_alloc(2 * d);
    x = _mpbias_fmpq_vec_alloc(2 * d);
    fx = calloc((size_t) n, sizeof(int));
    sg = malloc((size_t) d * sizeof(int));
    S = malloc((size_t) d * sizeof(slong));
    if (r->w == NULL || r->wmin == NULL || r->wmax == NULL || r->lambda == NULL || A == NULL
        || b == NULL || c == NULL || x == NULL || fx == NULL || sg == NULL || S == NULL)
    {
        st = _mpbias_err_set(err, MPBIAS_ERR_NOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    primal_lp(A, b, c, data, cp, cm);
    lp = _mpbias_exact_lp(x, r->lambda, r->norm1, A, b, fx, c, n, 2 * d);
    if (lp != MPBIAS_LP_OPTIMAL)
    {
        st = unsolved(r, data, lp, err);
        goto done;
    }
    /* a certified feasible w (Z w >= 1) proves separability */
    r->separable = 1;
    for (i = 0; i < d; i++)
        fmpq_sub(r->w + i, x + i, x + d + i);
    /* the certificate in the problem's own terms */
    if (!mpbias_l1mm_certify(r->norm1, r->w, r->lambda, cp, cm, data))
    {
        st = _mpbias_err_set(err, MPBIAS_ERR_NUMERIC, NULL, 0, 0,
                             "l1 max margin: the exact certificate failed (a bug)");
        goto done;
    }
    r->certified = 1;
    /* the optimal face: S = {i : |g_i| = 1}, equality rows lambda_n > 0
       (g = Z^T lambda into x[0..d)) */
    ns = tight_coordinates(S, sg, x, r, data, cp, cm);
    r->unique = 1;
    if (ns > 0 && !face_is_point(r, data, S, ns))
        st = face_ranges(r, data, S, sg, ns, err);
done:
    _mpbias_fmpq_vec_free(A, n * 2 * d);
    _mpbias_fmpq_vec_free(b, n);
    _mpbias_fmpq_vec_free(c, 2 * d);
    _mpbias_fmpq_vec_free(x, 2 * d);
    free(fx);
    free(sg);
    free(S);
    if (st != MPBIAS_OK || !r->separable)
        r->certified = 0;
    return st;
}

mpbias_status
mpbias_l1mm_max_slack(fmpq_t slack, const mpbias_l1mm_t r, const mpbias_data_t data,
                      mpbias_err_t err)
{
    slong n = data->n, d = data->d, i, k, m, row, nk = n + 1, noff = 0;
    fmpq *A, *b, *c, *x, *y;
    int *fx, lp;
    fmpq_t val;
    mpbias_status st = MPBIAS_OK;
    if (!r->separable || !r->certified || r->weighted || r->d != d || r->n != n)
        return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0,
                               "max slack: needs a certified, unweighted l1 result of these data");
    for (i = 0; i < d; i++)
        noff += fmpq_is_zero(r->wmin + i) && fmpq_is_zero(r->wmax + i);
    if (noff == 0)
        return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0,
                               "max slack: every coordinate is nonzero somewhere on the optimal "
                               "face (no off-support coordinate)");
    /* variables (lambda_1..lambda_n, s); rows: sum lambda = norm1, and for
       every coordinate -g_i - [off] s >= -1, g_i - [off] s >= -1 */
    m = 1 + 2 * d;
    A = _mpbias_fmpq_vec_alloc(m * nk);
    b = _mpbias_fmpq_vec_alloc(m);
    c = _mpbias_fmpq_vec_alloc(nk);
    x = _mpbias_fmpq_vec_alloc(nk);
    y = _mpbias_fmpq_vec_alloc(m);
    fx = calloc((size_t) m, sizeof(int));
    fmpq_init(val);
    if (A == NULL || b == NULL || c == NULL || x == NULL || y == NULL || fx == NULL)
    {
        st = _mpbias_err_set(err, MPBIAS_ERR_NOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    for (k = 0; k < n; k++)
        fmpq_one(A + k);
    fmpq_set(b, r->norm1);
    fx[0] = 1;
    for (i = 0, row = 1; i < d; i++, row += 2)
    {
        int off = fmpq_is_zero(r->wmin + i) && fmpq_is_zero(r->wmax + i);
        for (k = 0; k < n; k++)
        {
            fmpq_neg(A + row * nk + k, mpbias_data_z(data, k, i));
            fmpq_set(A + (row + 1) * nk + k, mpbias_data_z(data, k, i));
        }
        if (off)
        {
            fmpq_set_si(A + row * nk + n, -1, 1);
            fmpq_set_si(A + (row + 1) * nk + n, -1, 1);
        }
        fmpq_set_si(b + row, -1, 1);
        fmpq_set_si(b + row + 1, -1, 1);
    }
    fmpq_set_si(c + n, -1, 1);
    lp = _mpbias_exact_lp(x, y, val, A, b, fx, c, m, nk);
    if (lp == MPBIAS_LP_NOMEM)
        st = _mpbias_err_set(err, MPBIAS_ERR_NOMEM, NULL, 0, 0, "out of memory");
    else if (lp != MPBIAS_LP_OPTIMAL)
        st = _mpbias_err_set(err, MPBIAS_ERR_NUMERIC, NULL, 0, 0,
                             "max slack: the LP could not be solved and certified");
    else
        fmpq_set(slack, x + n);
done:
    _mpbias_fmpq_vec_free(A, m * nk);
    _mpbias_fmpq_vec_free(b, m);
    _mpbias_fmpq_vec_free(c, nk);
    _mpbias_fmpq_vec_free(x, nk);
    _mpbias_fmpq_vec_free(y, m);
    free(fx);
    fmpq_clear(val);
    return st;
}

char *
mpbias_l1mm_margin_str(const mpbias_l1mm_t r, int digits)
{
    fmpq_t m;
    char *s;
    if (!r->separable || !r->certified || fmpq_sgn(r->norm1) <= 0)
        return NULL;
    /* the margin is rational: round it exactly (ties included) */
    fmpq_init(m);
    fmpz_set(fmpq_numref(m), fmpq_denref(r->norm1));   /* 1/norm1, norm1 > 0 */
    fmpz_set(fmpq_denref(m), fmpq_numref(r->norm1));
    s = mpbias_fmpq_get_str_rounded(m, digits);
    fmpq_clear(m);
    return s;
}
