/*
 * exactlp.c -- linear programs solved by GLPK and certified in FLINT.
 *
 *     minimize c^T x  subject to  a_r . x >= b_r (LO rows) or = b_r (FX rows),
 *                                 x >= 0,
 *
 * with rational data.  GLPK's simplex (then its exact, rational simplex,
 * glp_exact) finds an optimal basis of the problem with the data rounded
 * to doubles; the basis is then the only thing taken from GLPK: the
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

int
_mpbias_exact_lp(fmpq *x, fmpq *y, fmpq_t value, const fmpq *A, const fmpq *b, const int *fx,
                 const fmpq *c, slong m, slong k)
{
    glp_prob *lp;
    glp_smcp sm;
    int *ia = NULL, *ja = NULL, term, ret = MPBIAS_LP_FAILED;
    double *ar = NULL;
    slong i, j, ne = 0, nact = 0, nbas = 0, *act = NULL, *bas = NULL;
    fmpq_mat_t B, rhs, sol;

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

    /* the basis: active rows (nonbasic, at their bound) and basic columns */
    for (i = 0; i < m; i++)
        if (glp_get_row_stat(lp, (int) i + 1) != GLP_BS)
            act[nact++] = i;
    for (j = 0; j < k; j++)
        if (glp_get_col_stat(lp, (int) j + 1) == GLP_BS)
            bas[nbas++] = j;
    if (nact != nbas)
        goto done;

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
            goto done;
    }
    ret = _mpbias_exact_lp_certify(value, x, y, A, b, fx, c, m, k) ? MPBIAS_LP_OPTIMAL
                                                                   : MPBIAS_LP_UNCERTIFIED;
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
    fmpq_init(s);
    fmpq_init(t);
    fmpq_init(pv);
    fmpq_init(dv);
    /* primal: x >= 0, rows at or above (or at) their bound */
    for (j = 0; j < k && ok; j++)
        ok = fmpq_sgn(x + j) >= 0;
    for (i = 0; i < m && ok; i++)
    {
        fmpq_zero(s);
        for (j = 0; j < k; j++)
            fmpq_addmul(s, A + i * k + j, x + j);
        ok = fx[i] ? fmpq_equal(s, b + i) : fmpq_cmp(s, b + i) >= 0;
    }
    /* dual: y >= 0 on LO rows, reduced costs c - A^T y >= 0 */
    for (i = 0; i < m && ok; i++)
        ok = fx[i] || fmpq_sgn(y + i) >= 0;
    for (j = 0; j < k && ok; j++)
    {
        fmpq_set(s, c + j);
        for (i = 0; i < m; i++)
            fmpq_submul(s, A + i * k + j, y + i);
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
    fmpq_clear(s);
    fmpq_clear(t);
    fmpq_clear(pv);
    fmpq_clear(dv);
    return ok;
}
