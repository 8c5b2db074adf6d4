/*
 * exactlp.c -- linear programs solved by GLPK and certified in FLINT.
 *
 *     minimize c^T x  subject to  a_r . x >= b_r (LO rows) or = b_r (FX rows),
 *                                 x >= 0,
 *
 * with rational data.  GLPK's simplex finds an optimal basis of the problem
 * with the data rounded to doubles (and, when that basis fails the exact
 * certificate, its exact rational simplex glp_exact continues from it);
 * the basis is then the only thing taken from GLPK: the
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
   exactly: MPBIAS_LP_OPTIMAL, or MPBIAS_LP_UNCERTIFIED. */
static int
from_basis(fmpq *x, fmpq *y, fmpq_t value, glp_prob *lp, const fmpq *A, const fmpq *b,
           const int *fx, const fmpq *c, slong m, slong k, slong *act, slong *bas)
{
    slong i, j, nact = 0, nbas = 0;
    fmpq_mat_t B, rhs, sol;
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
    return _mpbias_exact_lp_certify(value, x, y, A, b, fx, c, m, k) ? MPBIAS_LP_OPTIMAL
                                                                     : MPBIAS_LP_UNCERTIFIED;
}

int
_mpbias_exact_lp(fmpq *x, fmpq *y, fmpq_t value, const fmpq *A, const fmpq *b, const int *fx,
                 const fmpq *c, slong m, slong k)
{
    glp_prob *lp;
    glp_smcp sm;
    int *ia = NULL, *ja = NULL, term, ret = MPBIAS_LP_FAILED;
    double *ar = NULL;
    slong i, j, ne = 0, *act = NULL, *bas = NULL;

    if (m < 1 || k < 1 || m > INT_MAX / 2 || k > INT_MAX / 2 || m * k > INT_MAX - 1)
        return MPBIAS_LP_FAILED;
    term = glp_term_out(GLP_OFF);
    lp = glp_create_prob();
    glp_set_obj_dir(lp, GLP_MIN);
    glp_add_rows(lp, (int) m);
    glp_add_cols(lp, (int) k);
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
    ia = malloc((size_t) (m * k + 1) * sizeof(int));
    ja = malloc((size_t) (m * k + 1) * sizeof(int));
    ar = malloc((size_t) (m * k + 1) * sizeof(double));
    act = malloc((size_t) m * sizeof(slong));
    bas = malloc((size_t) k * sizeof(slong));
    if (ia == NULL || ja == NULL || ar == NULL || act == NULL || bas == NULL)
    {
        ret = MPBIAS_LP_NOMEM;
        goto done;
    }
    for (i = 0; i < m; i++)
        for (j = 0; j < k; j++)
            if (!fmpq_is_zero(A + i * k + j))
            {
                ne++;
                ia[ne] = (int) i + 1;
                ja[ne] = (int) j + 1;
                ar[ne] = fmpq_get_d(A + i * k + j);
            }
    glp_load_matrix(lp, (int) ne, ia, ja, ar);
    glp_init_smcp(&sm);
    sm.msg_lev = GLP_MSG_OFF;
    sm.presolve = GLP_OFF;
    glp_adv_basis(lp, 0);
    if (glp_simplex(lp, &sm) != 0 && glp_get_status(lp) == GLP_UNDEF)
        glp_adv_basis(lp, 0);
    /* the floating-point basis first: usually optimal for the exact data
       too, which the exact certificate decides; GLPK's exact simplex only
       when it is not */
    if (glp_get_status(lp) == GLP_OPT)
        ret = from_basis(x, y, value, lp, A, b, fx, c, m, k, act, bas);
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
    ret = from_basis(x, y, value, lp, A, b, fx, c, m, k, act, bas);
done:
    glp_delete_prob(lp);
    glp_term_out(term);
    free(ia);
    free(ja);
    free(ar);
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
    fmpq_t s, t, pv, dv;
    fmpq *ax = _fmpq_vec_init(m), *aty = _fmpq_vec_init(k);
    fmpq_init(s);
    fmpq_init(t);
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
    fmpq_clear(t);
    fmpq_clear(pv);
    fmpq_clear(dv);
    return ok;
}
