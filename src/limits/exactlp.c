/*
 * exactlp.c -- linear programs solved by GLPK and certified in FLINT.
 *
 *     minimize c^T x  subject to  a_r . x >= b_r (LO rows) or = b_r (FX rows),
 *                                 x >= 0,
 *
 * with rational data.  GLPK's simplex finds an optimal basis of the problem
 * with the data rounded to doubles; when that basis fails the exact
 * certificate (data that differ only beyond double precision), rounds of
 * iterative refinement with GLPK as the floating-point oracle look for a
 * better one (refine_round), and GLPK's exact simplex glp_exact (exact,
 * but on the rounded data) comes last.  The basis is then the only thing
 * taken from GLPK: the
 * primal x (basic columns from the active rows) and the dual y (from the
 * basic columns) are solved exactly over the rationals with the true data,
 * and optimality is certified exactly: primal feasibility, y_r >= 0 on LO
 * rows, nonnegative reduced costs c - A^T y, and c^T x = b^T y.  A basis
 * that is optimal only for the rounded data (possible in near-degenerate
 * problems) fails the certificate and is reported as such, never used.
 *
 * GLPK's terminal output is switched off for the call and restored.
 */
#include "config.h"
#include <limits.h>
#include <stdlib.h>
#include <glpk.h>
#include "mpbias-impl.h"

/* x, y and the value from GLPK's current basis, solved and certified
   exactly: MPBIAS_LP_OPTIMAL, or MPBIAS_LP_UNCERTIFIED (then *solved says
   whether x and y hold the basic solution). */
static int
from_basis(fmpq *x, fmpq *y, fmpq_t value, glp_prob *lp, const fmpq *A, const fmpq *b,
           const int *fx, const fmpq *c, slong m, slong k, slong *act, slong *bas, int *solved)
{
    slong i, j, nact = 0, nbas = 0;
    fmpq_mat_t B, rhs, sol;
    *solved = 0;
    /* the basis: active rows (nonbasic, at their bound) and basic columns */
    for (i = 0; i < m; i++)
        if (glp_get_row_stat(lp, (int) i + 1) != GLP_BS)
            act[nact++] = i;
    for (j = 0; j < k; j++)
        if (glp_get_col_stat(lp, (int) j + 1) == GLP_BS)
            bas[nbas++] = j;
    if (nact != nbas)
        return MPBIAS_LP_UNCERTIFIED;

    for (j = 0; j < k; j++)
        fmpq_zero(x + j);
    for (i = 0; i < m; i++)
        fmpq_zero(y + i);
    if (nact > 0)
    {
        int ok;
        fmpq_mat_init(B, nact, nact);
        fmpq_mat_init(rhs, nact, 1);
        fmpq_mat_init(sol, nact, 1);
        /* B x_B = b_act */
        for (i = 0; i < nact; i++)
        {
            for (j = 0; j < nact; j++)
                fmpq_set(fmpq_mat_entry(B, i, j), A + act[i] * k + bas[j]);
            fmpq_set(fmpq_mat_entry(rhs, i, 0), b + act[i]);
        }
        ok = fmpq_mat_solve(sol, B, rhs);
        if (ok)
            for (j = 0; j < nact; j++)
                fmpq_set(x + bas[j], fmpq_mat_entry(sol, j, 0));
        /* B^T y_act = c_B */
        if (ok)
        {
            fmpq_mat_t Bt;
            fmpq_mat_init(Bt, nact, nact);
            fmpq_mat_transpose(Bt, B);
            for (j = 0; j < nact; j++)
                fmpq_set(fmpq_mat_entry(rhs, j, 0), c + bas[j]);
            ok = fmpq_mat_solve(sol, Bt, rhs);
            if (ok)
                for (i = 0; i < nact; i++)
                    fmpq_set(y + act[i], fmpq_mat_entry(sol, i, 0));
            fmpq_mat_clear(Bt);
        }
        fmpq_mat_clear(B);
        fmpq_mat_clear(rhs);
        fmpq_mat_clear(sol);
        if (!ok)
            return MPBIAS_LP_UNCERTIFIED;
    }
    *solved = 1;
    return _mpbias_exact_lp_certify(value, x, y, A, b, fx, c, m, k) ? MPBIAS_LP_OPTIMAL
                                                                     : MPBIAS_LP_UNCERTIFIED;
}

static double
clip(double v, double cap)
{
    return v > cap ? cap : v < -cap ? -cap : v;
}

/* Load the m x k matrix A (rounded to doubles) into lp, and when scol is
   non-NULL a -1 in column scol[r] of every row r with scol[r] >= 0 (slack
   columns).  Returns nonzero when out of memory. */
static int
load_matrix(glp_prob *lp, const fmpq *A, slong m, slong k, const slong *scol)
{
    slong i, j, ne = 0, cap = m * k + m + 1;
    int *ia = malloc((size_t) cap * sizeof(int)), *ja = malloc((size_t) cap * sizeof(int));
    double *ar = malloc((size_t) cap * sizeof(double));
    int ret = 1;
    if (ia != NULL && ja != NULL && ar != NULL)
    {
        for (i = 0; i < m; i++)
        {
            for (j = 0; j < k; j++)
                if (!fmpq_is_zero(A + i * k + j))
                {
                    ne++;
                    ia[ne] = (int) i + 1;
                    ja[ne] = (int) j + 1;
                    ar[ne] = fmpq_get_d(A + i * k + j);
                }
            if (scol != NULL && scol[i] >= 0)
            {
                ne++;
                ia[ne] = (int) i + 1;
                ja[ne] = (int) scol[i] + 1;
                ar[ne] = -1.0;
            }
        }
        glp_load_matrix(lp, (int) ne, ia, ja, ar);
        ret = 0;
    }
    free(ia);
    free(ja);
    free(ar);
    return ret;
}

/* One round of iterative refinement (Gleixner, Steffy and Wolter,
   "Iterative refinement for linear programming", INFORMS J. Computing
   28, 2016), GLPK being the floating-point oracle.  With the exact basic
   solution (x, y) of a basis that failed the certificate, the correction
   problem, in equality form with a slack column s_r >= 0 for every LO row
   (a_r . x - s_r = b_r), is
       minimize  dD (c - A^T y)^T xh + dD y^T sh
       subject to  A xh - sh = dP (b - A x + s),  xh >= -dP x,  sh >= -dP s,
   with dP and dD the inverses of the largest primal and dual
   violations: violations far below double precision (data that differ
   only beyond it) become of order 1 and visible to GLPK's pivoting.  The
   other scaled values are clipped: GLPK scales its objective by the
   largest cost, and huge costs of columns that should stay out would hide
   the violations again, while huge shifted bounds only need to stay
   inactive.  GLPK solves it from the current basis (slack s_r basic where
   row r is), and the basis it ends at is copied back to lp, to be
   certified exactly like any other: refinement can only find a
   certifiable basis or fail.  Returns 0 if GLPK reached an optimum. */
static int
refine_round(glp_prob *lp, glp_smcp *sm, const fmpq *x, const fmpq *y, const fmpq *A,
             const fmpq *b, const int *fx, const fmpq *c, slong m, slong k)
{
    slong i, j, ns = 0, *scol = malloc((size_t) m * sizeof(slong));
    fmpq *ax = _fmpq_vec_init(m), *aty = _fmpq_vec_init(k), *rd = _fmpq_vec_init(k);
    fmpq_t vp, vd, t, sp, sd;
    int ret = 1;
    glp_prob *cp = glp_create_prob();
    fmpq_init(vp);
    fmpq_init(vd);
    fmpq_init(t);
    fmpq_init(sp);
    fmpq_init(sd);
    if (scol == NULL)
        goto done;
    _mpbias_fmpq_matvec(ax, A, m, k, x, 0);
    _mpbias_fmpq_matvec(aty, A, m, k, y, 1);
    /* the largest primal violation (x < 0, slacks a_r . x - b_r < 0,
       equalities off) and dual violation (negative reduced costs, negative
       multipliers of LO rows) */
    for (i = 0; i < m; i++)
    {
        fmpq_sub(t, b + i, ax + i);
        if (fx[i])
            fmpq_abs(t, t);
        if (fmpq_cmp(t, vp) > 0)
            fmpq_set(vp, t);
        if (!fx[i])
        {
            fmpq_neg(t, y + i);
            if (fmpq_cmp(t, vd) > 0)
                fmpq_set(vd, t);
        }
    }
    for (j = 0; j < k; j++)
    {
        fmpq_neg(t, x + j);
        if (fmpq_cmp(t, vp) > 0)
            fmpq_set(vp, t);
        fmpq_sub(rd + j, c + j, aty + j);
        fmpq_neg(t, rd + j);
        if (fmpq_cmp(t, vd) > 0)
            fmpq_set(vd, t);
    }
    if (fmpq_is_zero(vp))
        fmpq_one(sp);
    else
        fmpq_inv(sp, vp);
    if (fmpq_is_zero(vd))
        fmpq_one(sd);
    else
        fmpq_inv(sd, vd);
    for (i = 0; i < m; i++)
        scol[i] = fx[i] ? -1 : k + ns++;
    glp_set_obj_dir(cp, GLP_MIN);
    glp_add_rows(cp, (int) m);
    glp_add_cols(cp, (int) (k + ns));
    /* rows: a_r . xh - sh_r = dP (b_r - a_r . x + s_r), which is 0 for LO
       rows (s_r = a_r . x - b_r) and dP (b_r - a_r . x) for equalities */
    for (i = 0; i < m; i++)
    {
        double bd = 0.0;
        if (fx[i])
        {
            fmpq_sub(t, b + i, ax + i);
            fmpq_mul(t, t, sp);
            bd = clip(fmpq_get_d(t), 1e6);
        }
        glp_set_row_bnds(cp, (int) i + 1, GLP_FX, bd, bd);
        glp_set_row_stat(cp, (int) i + 1, GLP_NS);
    }
    for (j = 0; j < k; j++)
    {
        fmpq_mul(t, x + j, sp);
        fmpq_neg(t, t);
        glp_set_col_bnds(cp, (int) j + 1, GLP_LO, clip(fmpq_get_d(t), 1e6), 0.0);
        fmpq_mul(t, rd + j, sd);
        glp_set_obj_coef(cp, (int) j + 1, clip(fmpq_get_d(t), 1e3));
        glp_set_col_stat(cp, (int) j + 1, glp_get_col_stat(lp, (int) j + 1) == GLP_BS ? GLP_BS
                                                                                      : GLP_NL);
    }
    for (i = 0; i < m; i++)
        if (scol[i] >= 0)
        {
            int col = (int) scol[i] + 1;
            fmpq_sub(t, ax + i, b + i);   /* s_r */
            fmpq_mul(t, t, sp);
            fmpq_neg(t, t);
            glp_set_col_bnds(cp, col, GLP_LO, clip(fmpq_get_d(t), 1e6), 0.0);
            fmpq_mul(t, y + i, sd);
            glp_set_obj_coef(cp, col, clip(fmpq_get_d(t), 1e3));
            glp_set_col_stat(cp, col, glp_get_row_stat(lp, (int) i + 1) == GLP_BS ? GLP_BS
                                                                                 : GLP_NL);
        }
    /* the matrix [A, -I on the LO rows] */
    if (load_matrix(cp, A, m, k, scol))
        goto done;
    if (glp_simplex(cp, sm) == GLP_EBADB)
    {
        glp_adv_basis(cp, 0);
        glp_simplex(cp, sm);
    }
    if (glp_get_status(cp) != GLP_OPT)
        goto done;
    /* the basis back to lp: columns as they are, row r basic iff its
       slack is (equality rows stay nonbasic) */
    for (j = 0; j < k; j++)
        glp_set_col_stat(lp, (int) j + 1, glp_get_col_stat(cp, (int) j + 1) == GLP_BS ? GLP_BS
                                                                                     : GLP_NL);
    for (i = 0; i < m; i++)
        glp_set_row_stat(lp, (int) i + 1,
                         scol[i] >= 0 && glp_get_col_stat(cp, (int) scol[i] + 1) == GLP_BS
                             ? GLP_BS
                             : fx[i] ? GLP_NS : GLP_NL);
    ret = 0;
done:
    glp_delete_prob(cp);
    free(scol);
    _fmpq_vec_clear(ax, m);
    _fmpq_vec_clear(aty, k);
    _fmpq_vec_clear(rd, k);
    fmpq_clear(vp);
    fmpq_clear(vd);
    fmpq_clear(t);
    fmpq_clear(sp);
    fmpq_clear(sd);
    return ret;
}

/* the bounds and costs, rounded to doubles */
static void
load_bounds(glp_prob *lp, const fmpq *b, const int *fx, const fmpq *c, slong m, slong k)
{
    slong i, j;
    for (i = 0; i < m; i++)
    {
        double bd = fmpq_get_d(b + i);
        glp_set_row_bnds(lp, (int) i + 1, fx[i] ? GLP_FX : GLP_LO, bd, bd);
    }
    for (j = 0; j < k; j++)
    {
        glp_set_col_bnds(lp, (int) j + 1, GLP_LO, 0.0, 0.0);
        glp_set_obj_coef(lp, (int) j + 1, fmpq_get_d(c + j));
    }
}

int
_mpbias_exact_lp(fmpq *x, fmpq *y, fmpq_t value, const fmpq *A, const fmpq *b, const int *fx,
                 const fmpq *c, slong m, slong k)
{
    glp_prob *lp;
    glp_smcp sm;
    int term, ret = MPBIAS_LP_FAILED;
    slong *act = NULL, *bas = NULL;

    if (m < 1 || k < 1 || m > INT_MAX / 2 || k > INT_MAX / 2 || m * k > INT_MAX - 1)
        return MPBIAS_LP_FAILED;
    term = glp_term_out(GLP_OFF);
    lp = glp_create_prob();
    glp_set_obj_dir(lp, GLP_MIN);
    glp_add_rows(lp, (int) m);
    glp_add_cols(lp, (int) k);
    load_bounds(lp, b, fx, c, m, k);
    act = malloc((size_t) m * sizeof(slong));
    bas = malloc((size_t) k * sizeof(slong));
    if (act == NULL || bas == NULL)
    {
        ret = MPBIAS_LP_NOMEM;
        goto done;
    }
    if (load_matrix(lp, A, m, k, NULL))
    {
        ret = MPBIAS_LP_NOMEM;
        goto done;
    }
    glp_init_smcp(&sm);
    sm.msg_lev = GLP_MSG_OFF;
    sm.presolve = GLP_OFF;
    glp_adv_basis(lp, 0);
    if (glp_simplex(lp, &sm) != 0 && glp_get_status(lp) == GLP_UNDEF)
        glp_adv_basis(lp, 0);
    /* the floating-point basis first: usually optimal for the exact data
       too, which the exact certificate decides; when it is not, rounds
       of iterative refinement from it, and GLPK's exact simplex last */
    if (glp_get_status(lp) == GLP_OPT)
    {
        int solved, round;
        ret = from_basis(x, y, value, lp, A, b, fx, c, m, k, act, bas, &solved);
        for (round = 0; round < 8 && ret != MPBIAS_LP_OPTIMAL && solved; round++)
        {
            if (refine_round(lp, &sm, x, y, A, b, fx, c, m, k))
                break;
            ret = from_basis(x, y, value, lp, A, b, fx, c, m, k, act, bas, &solved);
        }
        if (ret != MPBIAS_LP_OPTIMAL && round > 0)
        {
            /* a fresh optimal basis of the rounded problem for glp_exact */
            glp_adv_basis(lp, 0);
            glp_simplex(lp, &sm);
        }
    }
    if (ret == MPBIAS_LP_OPTIMAL)
        goto done;
    ret = MPBIAS_LP_FAILED;
    if (glp_exact(lp, &sm) != 0)
        goto done;
    switch (glp_get_status(lp))
    {
        case GLP_OPT:
            break;
        case GLP_NOFEAS:
            ret = MPBIAS_LP_INFEASIBLE;
            goto done;
        case GLP_UNBND:
            ret = MPBIAS_LP_UNBOUNDED;
            goto done;
        default:
            goto done;
    }
    {
        int solved;
        ret = from_basis(x, y, value, lp, A, b, fx, c, m, k, act, bas, &solved);
    }
done:
    glp_delete_prob(lp);
    glp_term_out(term);
    free(act);
    free(bas);
    return ret;
}

int
_mpbias_exact_lp_certify(fmpq_t value, const fmpq *x, const fmpq *y, const fmpq *A,
                         const fmpq *b, const int *fx, const fmpq *c, slong m, slong k)
{
    slong i, j;
    int ok = 1;
    fmpq_t s, pv, dv;
    fmpq *ax = _fmpq_vec_init(m), *aty = _fmpq_vec_init(k);
    fmpq_init(s);
    fmpq_init(pv);
    fmpq_init(dv);
    /* primal: x >= 0, rows at or above (or at) their bound */
    for (j = 0; j < k && ok; j++)
        ok = fmpq_sgn(x + j) >= 0;
    if (ok)
        _mpbias_fmpq_matvec(ax, A, m, k, x, 0);
    for (i = 0; i < m && ok; i++)
        ok = fx[i] ? fmpq_equal(ax + i, b + i) : fmpq_cmp(ax + i, b + i) >= 0;
    /* dual: y >= 0 on LO rows, reduced costs c - A^T y >= 0 */
    for (i = 0; i < m && ok; i++)
        ok = fx[i] || fmpq_sgn(y + i) >= 0;
    if (ok)
        _mpbias_fmpq_matvec(aty, A, m, k, y, 1);
    for (j = 0; j < k && ok; j++)
    {
        fmpq_sub(s, c + j, aty + j);
        ok = fmpq_sgn(s) >= 0;
    }
    /* equal objectives */
    if (ok)
    {
        for (j = 0; j < k; j++)
            fmpq_addmul(pv, c + j, x + j);
        for (i = 0; i < m; i++)
            fmpq_addmul(dv, b + i, y + i);
        ok = fmpq_equal(pv, dv);
        if (ok && value != NULL)
            fmpq_set(value, pv);
    }
    _fmpq_vec_clear(ax, m);
    _fmpq_vec_clear(aty, k);
    fmpq_clear(s);
    fmpq_clear(pv);
    fmpq_clear(dv);
    return ok;
}
