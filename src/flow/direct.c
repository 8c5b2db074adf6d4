/*
 * direct.c -- the direct formulation of gradient flow: the 2d parameters
 * (u_+, u_-) of the depth-D diagonal network integrated as they are
 * (math.md section 2), as an independent check of the reduced flow of
 * dual.c and run.c.  Nothing here uses the closed forms of section 3 or
 * the implicit stepper of src/ode: the right-hand side is the gradient
 * itself and the integrator is an explicit one, written here.
 *
 * The system.  With w = u_+^D - u_-^D, m = Z w, g_n = -l'(m_n) and
 * r = Z^T g, gradient flow of the summed loss is
 *     du_+/dt = D u_+^(D-1) r,   du_-/dt = -D u_-^(D-1) r.
 * The independent variable is tau = log(1 + t), so d/dtau = (1 + t) d/dt
 * and the right-hand side needs (1 + t) g_n, formed as exp(tau - m_n)
 * (exponential loss) or exp(tau - softplus(m_n)) (logistic loss,
 * g = 1/(1 + e^m) = exp(-softplus(m))): t and exp(-m) never appear on
 * their own.  Late in the flow the loss is about 1/t up to log factors,
 * so (1 + t) g stays O(1) and the relaxation of the support margins has
 * a rate O(1) per unit tau (mildly stiff): an explicit method takes steps
 * of order 1 in tau, about log(1/eps) steps in all.
 *
 * The integrator.  Gragg-Bulirsch-Stoer extrapolation as in Hairer and
 * Wanner's ODEX (Solving ODEs I, II.9): column j of the table is the
 * modified midpoint rule with n_j = 2j substeps and Gragg's smoothing
 * step, whose error expands in even powers of the substep; the columns
 * are combined by Aitken-Neville extrapolation in h^2.  The error
 * estimate of column j is the max norm of T_jj - T_j,j-1, coordinate i
 * relative to max(|u_+i|, |u_-i|); order (number of columns) and
 * step size are chosen by ODEX's rules (work per unit step, convergence
 * monitor in columns k-1, k, k+1, divergence test), with orders up to
 * 2 * 40.  Arbitrary precision MPFR; all storage is allocated once.
 *
 * Loss targets are hit by an Illinois root-finder on the size of the step
 * that crossed log L = log(eps): each trial is one step with the column
 * count of the accepted step (a smooth function of the step size), from
 * the last accepted state.
 */
#include "config.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "mpbias-impl.h"

#define DIRECT_KM_CAP 40                /* most columns of the table      */
#define DIRECT_MAX_STEPS 1000000        /* accepted + rejected steps      */

/* ---- rows ------------------------------------------------------------ */

void
mpbias_flow_row_init(mpbias_flow_row *row, slong n, slong d, mpfr_prec_t prec)
{
    row->kind = MPBIAS_ROW_AT_LOSS;
    row->index = 0;
    mpfr_inits2(prec, row->log10_t, row->log10_loss, row->margin, row->mu, row->err_est,
                (mpfr_ptr) 0);
    row->d = d;
    row->n = n;
    row->wbar = _mpbias_mpfr_vec_init(d, prec);
    row->w = _mpbias_mpfr_vec_init(d, prec);
    row->nu = _mpbias_mpfr_vec_init(n, prec);
}

void
mpbias_flow_row_set(mpbias_flow_row *dst, const mpbias_flow_row *src)
{
    slong i;
    dst->kind = src->kind;
    dst->index = src->index;
    mpfr_set(dst->log10_t, src->log10_t, MPFR_RNDN);
    mpfr_set(dst->log10_loss, src->log10_loss, MPFR_RNDN);
    mpfr_set(dst->margin, src->margin, MPFR_RNDN);
    mpfr_set(dst->mu, src->mu, MPFR_RNDN);
    mpfr_set(dst->err_est, src->err_est, MPFR_RNDN);
    for (i = 0; i < src->d && i < dst->d; i++)
    {
        mpfr_set(dst->wbar[i], src->wbar[i], MPFR_RNDN);
        mpfr_set(dst->w[i], src->w[i], MPFR_RNDN);
    }
    for (i = 0; i < src->n && i < dst->n; i++)
        mpfr_set(dst->nu[i], src->nu[i], MPFR_RNDN);
}

void
mpbias_flow_rows_init(mpbias_flow_rows *l)
{
    l->rows = NULL;
    l->n = l->alloc = 0;
}

void
mpbias_flow_rows_clear(mpbias_flow_rows *l)
{
    slong j;
    for (j = 0; j < l->n; j++)
        mpbias_flow_row_clear(l->rows + j);
    free(l->rows);
    mpbias_flow_rows_init(l);
}

int
mpbias_flow_rows_collect(const mpbias_flow_row *r, void *list)
{
    mpbias_flow_rows *l = list;
    if (r->kind == MPBIAS_ROW_STOP && l->n > 0
        && mpfr_equal_p(r->log10_loss, l->rows[l->n - 1].log10_loss))
        return 0;
    if (l->n == l->alloc)
    {
        slong na = l->alloc ? 2 * l->alloc : 32;
        mpbias_flow_row *t = realloc(l->rows, (size_t) na * sizeof(mpbias_flow_row));
        if (t == NULL)
            return 1;
        l->rows = t;
        l->alloc = na;
    }
    mpbias_flow_row_init(l->rows + l->n, r->n, r->d, mpfr_get_prec(r->wbar[0]));
    mpbias_flow_row_set(l->rows + l->n, r);
    l->n++;
    return 0;
}

void
mpbias_flow_row_clear(mpbias_flow_row *row)
{
    mpfr_clears(row->log10_t, row->log10_loss, row->margin, row->mu, row->err_est, (mpfr_ptr) 0);
    _mpbias_mpfr_vec_clear(row->wbar, row->d);
    _mpbias_mpfr_vec_clear(row->w, row->d);
    _mpbias_mpfr_vec_clear(row->nu, row->n);
    row->wbar = row->w = row->nu = NULL;
}

/* ---- the system in (u_+, u_-) ------------------------------------------ */

typedef struct
{
    slong n, d, dim;            /* dim = 2d: y = (u_+, u_-)               */
    int D;
    mpbias_loss loss;
    mpfr_prec_t prec;
    mpfr_t *Z;                  /* n x d, row-major                       */
    mpfr_t *w, *r;              /* d                                      */
    mpfr_t *m, *lg;             /* n: margins, log-weights                */
    mpfr_t logL, gam, t1, t2;
    slong nfev;
} dsys;

static void
dsys_init(dsys *S, const mpbias_data_t data, const mpbias_model_t model, mpfr_prec_t prec)
{
    S->n = data->n;
    S->d = data->d;
    S->dim = 2 * data->d;
    S->D = model->depth;
    S->loss = model->loss;
    S->prec = prec;
    S->Z = _mpbias_mpfr_vec_init(S->n * S->d, prec);
    mpbias_data_get_z_mpfr(S->Z, data, MPFR_RNDN);
    S->w = _mpbias_mpfr_vec_init(S->d, prec);
    S->r = _mpbias_mpfr_vec_init(S->d, prec);
    S->m = _mpbias_mpfr_vec_init(S->n, prec);
    S->lg = _mpbias_mpfr_vec_init(S->n, prec);
    mpfr_inits2(prec, S->logL, S->gam, S->t1, S->t2, (mpfr_ptr) 0);
    S->nfev = 0;
}

static void
dsys_clear(dsys *S)
{
    _mpbias_mpfr_vec_clear(S->Z, S->n * S->d);
    _mpbias_mpfr_vec_clear(S->w, S->d);
    _mpbias_mpfr_vec_clear(S->r, S->d);
    _mpbias_mpfr_vec_clear(S->m, S->n);
    _mpbias_mpfr_vec_clear(S->lg, S->n);
    mpfr_clears(S->logL, S->gam, S->t1, S->t2, (mpfr_ptr) 0);
}

/* w = u_+^D - u_-^D and m = Z w; MPBIAS_ODE_DOMAIN if a margin is not finite. */
static int
dsys_margins(dsys *S, const mpfr_t *y)
{
    slong i, k, d = S->d;
    for (i = 0; i < d; i++)
    {
        if (S->D == 1)
            mpfr_sub(S->w[i], y[i], y[d + i], MPFR_RNDN);
        else
        {
            mpfr_pow_ui(S->t1, y[i], (unsigned long) S->D, MPFR_RNDN);
            mpfr_pow_ui(S->t2, y[d + i], (unsigned long) S->D, MPFR_RNDN);
            mpfr_sub(S->w[i], S->t1, S->t2, MPFR_RNDN);
        }
    }
    for (k = 0; k < S->n; k++)
    {
        mpfr_set_zero(S->m[k], 1);
        for (i = 0; i < d; i++)
            if (!mpfr_zero_p(S->Z[k * d + i]))
            {
                mpfr_mul(S->t1, S->Z[k * d + i], S->w[i], MPFR_RNDN);
                mpfr_add(S->m[k], S->m[k], S->t1, MPFR_RNDN);
            }
        if (!mpfr_number_p(S->m[k]))
            return MPBIAS_ODE_DOMAIN;
    }
    return MPBIAS_ODE_OK;
}

/* f = dy/dtau at (tau, y).  lg_n = log g_n = -m_n or -softplus(m_n);
   (1 + t) g_n = exp(tau + lg_n). */
static int
dsys_rhs(dsys *S, mpfr_t *f, const mpfr_t tau, const mpfr_t *y)
{
    slong i, k, d = S->d;
    int r;
    S->nfev++;
    if ((r = dsys_margins(S, y)) != MPBIAS_ODE_OK)
        return r;
    for (k = 0; k < S->n; k++)
    {
        if (S->loss == MPBIAS_LOSS_EXP)
            mpfr_sub(S->lg[k], tau, S->m[k], MPFR_RNDN);
        else
        {
            _mpbias_softplus(S->t1, S->m[k], S->t2);
            mpfr_sub(S->lg[k], tau, S->t1, MPFR_RNDN);
        }
        mpfr_exp(S->lg[k], S->lg[k], MPFR_RNDN);
        if (!mpfr_number_p(S->lg[k]))
            return MPBIAS_ODE_DOMAIN;
    }
    for (i = 0; i < d; i++)
    {
        mpfr_set_zero(S->r[i], 1);
        for (k = 0; k < S->n; k++)
            if (!mpfr_zero_p(S->Z[k * d + i]))
            {
                mpfr_mul(S->t1, S->Z[k * d + i], S->lg[k], MPFR_RNDN);
                mpfr_add(S->r[i], S->r[i], S->t1, MPFR_RNDN);
            }
        if (S->D == 1)
        {
            mpfr_set(f[i], S->r[i], MPFR_RNDN);
            mpfr_neg(f[d + i], S->r[i], MPFR_RNDN);
        }
        else
        {
            mpfr_mul_ui(S->t2, S->r[i], (unsigned long) S->D, MPFR_RNDN);
            mpfr_pow_ui(S->t1, y[i], (unsigned long) (S->D - 1), MPFR_RNDN);
            mpfr_mul(f[i], S->t1, S->t2, MPFR_RNDN);
            mpfr_pow_ui(S->t1, y[d + i], (unsigned long) (S->D - 1), MPFR_RNDN);
            mpfr_mul(f[d + i], S->t1, S->t2, MPFR_RNDN);
            mpfr_neg(f[d + i], f[d + i], MPFR_RNDN);
        }
    }
    return MPBIAS_ODE_OK;
}

/* log L (summed loss) and the margin min_n m_n at y, into S->logL and S->gam. */
static int
dsys_loss(dsys *S, const mpfr_t *y)
{
    slong k;
    int r;
    if ((r = dsys_margins(S, y)) != MPBIAS_ODE_OK)
        return r;
    for (k = 0; k < S->n; k++)
    {
        /* log l_n: -m_n, or log softplus(-m_n); beyond m = 0.7 (prec + 8)
           the logistic l_n equals e^-m to working precision */
        if (S->loss == MPBIAS_LOSS_EXP || mpfr_cmp_d(S->m[k], 0.7 * (double) (S->prec + 8)) > 0)
            mpfr_neg(S->lg[k], S->m[k], MPFR_RNDN);
        else
        {
            mpfr_neg(S->t2, S->m[k], MPFR_RNDN);
            _mpbias_softplus(S->logL, S->t2, S->t1);
            mpfr_log(S->lg[k], S->logL, MPFR_RNDN);
        }
    }
    /* log-sum-exp */
    mpfr_set(S->t1, S->lg[0], MPFR_RNDN);
    mpfr_set(S->gam, S->m[0], MPFR_RNDN);
    for (k = 1; k < S->n; k++)
    {
        if (mpfr_cmp(S->lg[k], S->t1) > 0)
            mpfr_set(S->t1, S->lg[k], MPFR_RNDN);
        if (mpfr_cmp(S->m[k], S->gam) < 0)
            mpfr_set(S->gam, S->m[k], MPFR_RNDN);
    }
    mpfr_set_zero(S->logL, 1);
    for (k = 0; k < S->n; k++)
    {
        mpfr_sub(S->t2, S->lg[k], S->t1, MPFR_RNDN);
        mpfr_exp(S->t2, S->t2, MPFR_RNDN);
        mpfr_add(S->logL, S->logL, S->t2, MPFR_RNDN);
    }
    mpfr_log(S->logL, S->logL, MPFR_RNDN);
    mpfr_add(S->logL, S->logL, S->t1, MPFR_RNDN);
    return mpfr_number_p(S->logL) ? MPBIAS_ODE_OK : MPBIAS_ODE_DOMAIN;
}

/* ---- Gragg-Bulirsch-Stoer extrapolation (ODEX's controller) ------------ */

typedef struct
{
    slong dim, km;
    slong nj[DIRECT_KM_CAP + 2];
    double a[DIRECT_KM_CAP + 2];    /* work of columns 1..j (evaluations)   */
    double hh[DIRECT_KM_CAP + 2];   /* step proposed by column j            */
    double wk[DIRECT_KM_CAP + 2];   /* work per unit step, a[j] / hh[j]     */
    double err, errold;             /* scaled norm of the last column       */
    mpfr_t *tab[DIRECT_KM_CAP + 2]; /* tab[l]: T_{j,l} of the current row   */
    mpfr_t *tn, *za, *zb, *ft, *f0;
    mpfr_t *store;                  /* the vectors above, in one block      */
    mpfr_t h, h2, xm, c, tol, en, es;
    mpfr_prec_t prec;
    int f0_valid;
} gbs;

static void
gbs_init(gbs *G, slong dim, slong km, mpfr_prec_t prec)
{
    slong j, nvec = km + 6;
    G->dim = dim;
    G->km = km;
    G->prec = prec;
    /* column 1 has no error estimate, so no step or work of its own:
       wk[1] = 0 makes the order test "wk[2] < wk[1] fac4" (after an
       acceptance in column 2) false, as in ODEX; it was read
       uninitialized (valgrind) */
    memset(G->hh, 0, sizeof G->hh);
    memset(G->wk, 0, sizeof G->wk);
    G->store = _mpbias_mpfr_vec_init(nvec * dim, prec);
    for (j = 0; j <= km; j++)
        G->tab[j] = G->store + j * dim;
    G->tab[km + 1] = NULL;
    G->tn = G->store + (km + 1) * dim;
    G->za = G->store + (km + 2) * dim;
    G->zb = G->store + (km + 3) * dim;
    G->ft = G->store + (km + 4) * dim;
    G->f0 = G->store + (km + 5) * dim;
    mpfr_inits2(prec, G->h, G->h2, G->xm, G->c, G->tol, (mpfr_ptr) 0);
    mpfr_init2(G->en, 64);
    mpfr_init2(G->es, 64);
    G->nj[0] = 0;
    G->a[0] = 1.0;
    for (j = 1; j <= km + 1; j++)
    {
        G->nj[j] = 2 * j;
        G->a[j] = G->a[j - 1] + (double) G->nj[j];
    }
    G->f0_valid = 0;
}

static void
gbs_clear(gbs *G)
{
    _mpbias_mpfr_vec_clear(G->store, (G->km + 6) * G->dim);
    mpfr_clears(G->h, G->h2, G->xm, G->c, G->tol, (mpfr_ptr) 0);
    mpfr_clear(G->en);
    mpfr_clear(G->es);
}

/* Column j for the step (x, y, H): the modified midpoint rule with n_j
   substeps and Gragg's smoothing, then Aitken-Neville in h^2.  Needs
   G->f0 = f(x, y).  Afterwards tab[j] = T_jj, tab[j-1] = T_j,j-1, and
   for j >= 2 (when `control`) G->err is the scaled error norm,
   G->hh[j], G->wk[j] the step and work it proposes.  Returns 1 on
   divergence (the step must be halved), a negative ODE code on a domain
   error, 0 otherwise. */
static int
gbs_column(gbs *G, dsys *S, const mpfr_t x, const mpfr_t *y, const mpfr_t H, slong j, int control)
{
    slong dim = G->dim, i, mm, l, nj = G->nj[j];
    mpfr_t *za = G->za, *zb = G->zb, *sw;
    int r;

    mpfr_div_ui(G->h, H, (unsigned long) nj, MPFR_RNDN);
    mpfr_mul_2ui(G->h2, G->h, 1, MPFR_RNDN);
    for (i = 0; i < dim; i++)
    {
        mpfr_set(za[i], y[i], MPFR_RNDN);
        mpfr_mul(G->c, G->h, G->f0[i], MPFR_RNDN);
        mpfr_add(zb[i], y[i], G->c, MPFR_RNDN);
    }
    /* za = z_(mm-1), zb = z_mm */
    for (mm = 1; mm < nj; mm++)
    {
        mpfr_mul_ui(G->xm, H, (unsigned long) mm, MPFR_RNDN);
        mpfr_div_ui(G->xm, G->xm, (unsigned long) nj, MPFR_RNDN);
        mpfr_add(G->xm, G->xm, x, MPFR_RNDN);
        if ((r = dsys_rhs(S, G->ft, G->xm, (const mpfr_t *) zb)) != MPBIAS_ODE_OK)
            return -r;
        for (i = 0; i < dim; i++)
        {
            mpfr_mul(G->c, G->h2, G->ft[i], MPFR_RNDN);
            mpfr_add(za[i], za[i], G->c, MPFR_RNDN);
        }
        sw = za;
        za = zb;
        zb = sw;
    }
    /* smoothing: T_j1 = (z_(n-1) + z_n + h f(x + H, z_n)) / 2 */
    mpfr_add(G->xm, x, H, MPFR_RNDN);
    if ((r = dsys_rhs(S, G->ft, G->xm, (const mpfr_t *) zb)) != MPBIAS_ODE_OK)
        return -r;
    for (i = 0; i < dim; i++)
    {
        mpfr_mul(G->c, G->h, G->ft[i], MPFR_RNDN);
        mpfr_add(G->tn[i], za[i], zb[i], MPFR_RNDN);
        mpfr_add(G->tn[i], G->tn[i], G->c, MPFR_RNDN);
        mpfr_div_2ui(G->tn[i], G->tn[i], 1, MPFR_RNDN);
    }
    /* Aitken-Neville: T_(j,l+1) = T_jl + (T_jl - T_(j-1),l) / ((n_j/n_(j-l))^2 - 1) */
    for (l = 1; l < j; l++)
    {
        unsigned long q = (unsigned long) (G->nj[j - l] * G->nj[j - l]);
        unsigned long den = (unsigned long) (nj * nj) - q;
        for (i = 0; i < dim; i++)
        {
            mpfr_sub(G->c, G->tn[i], G->tab[l][i], MPFR_RNDN);
            mpfr_mul_ui(G->c, G->c, q, MPFR_RNDN);
            mpfr_div_ui(G->c, G->c, den, MPFR_RNDN);
            mpfr_swap(G->tab[l][i], G->tn[i]);
            mpfr_add(G->tn[i], G->tab[l][i], G->c, MPFR_RNDN);
        }
    }
    sw = G->tab[j];
    G->tab[j] = G->tn;
    G->tn = sw;
    if (!control || j < 2)
        return 0;

    /* error of T_j,j-1, relative per coordinate i to the scale
       max(|u_+i|, |u_-i|) before and after the step (what the error
       dw_i = D (u_+^(D-1) du_+ - u_-^(D-1) du_-) is measured against;
       for D = 1 one of u_+i, u_-i may cross zero) */
    mpfr_set_zero(G->en, 1);
    for (i = 0; i < dim; i++)
    {
        slong i0 = i < dim / 2 ? i : i - dim / 2, i1 = i0 + dim / 2;
        mpfr_abs(G->es, y[i0], MPFR_RNDN);
        if (mpfr_cmpabs(y[i1], G->es) > 0)
            mpfr_abs(G->es, y[i1], MPFR_RNDN);
        if (mpfr_cmpabs(G->tab[j][i0], G->es) > 0)
            mpfr_abs(G->es, G->tab[j][i0], MPFR_RNDN);
        if (mpfr_cmpabs(G->tab[j][i1], G->es) > 0)
            mpfr_abs(G->es, G->tab[j][i1], MPFR_RNDN);
        mpfr_mul(G->es, G->es, G->tol, MPFR_RNDN);
        if (mpfr_zero_p(G->es))
            mpfr_set(G->es, G->tol, MPFR_RNDN);
        mpfr_sub(G->c, G->tab[j][i], G->tab[j - 1][i], MPFR_RNDN);
        mpfr_abs(G->c, G->c, MPFR_RNDN);
        mpfr_div(G->c, G->c, G->es, MPFR_RNDN);
        if (!mpfr_number_p(G->c))
        {
            mpfr_set_inf(G->en, 1);
            break;
        }
        if (mpfr_cmp(G->c, G->en) > 0)
            mpfr_set(G->en, G->c, MPFR_RNDN);
    }
    G->err = mpfr_get_d(G->en, MPFR_RNDU);
    if (!(G->err < ldexp(1.0, (int) (G->prec < 1000 ? G->prec : 1000))))
        return 1;                           /* err * uround >= 1 */
    if (j > 2 && G->err >= G->errold)
        return 1;                           /* the table diverges */
    G->errold = 4.0 * G->err > 1.0 ? 4.0 * G->err : 1.0;
    {
        /* ODEX: fac1 = 0.02, fac2 = 4, safe1 = 0.65, safe2 = 0.94 */
        double expo = 1.0 / (double) (2 * j - 1);
        double facmin = pow(0.02, expo);
        double fac = pow(G->err / 0.65, expo) / 0.94;
        double Hd = mpfr_get_d(H, MPFR_RNDN);
        if (fac < facmin)
            fac = facmin;
        if (fac > 4.0 / facmin)
            fac = 4.0 / facmin;
        G->hh[j] = Hd / fac;
        G->wk[j] = G->a[j] / G->hh[j];
    }
    return 0;
}

/* The stepping state of one trajectory. */
typedef struct
{
    slong k;                    /* columns of the next basic step (kopt) */
    int first, reject;
    slong steps, rejected;
    mpfr_t x, H;                /* tau and the proposed step            */
    mpfr_t *y;
    mpfr_t g, glo, ghi, hlo, hhi, h, ga, gb;   /* root-finder scratch    */
} gstate;

/* One attempt of a basic step from (T->x, T->y) with size T->H.  Returns
   the column kc (>= 2) whose T_kc,kc is accepted (in G->tab[kc]; T->H and
   T->k then hold the next step's size and columns, T->x and T->y are NOT
   advanced), 0 when rejected (T->H, T->k updated), or a negative ODE code
   on failure. */
static slong
gbs_attempt(gbs *G, dsys *S, gstate *T)
{
    slong j, kc = 0, k = T->k, kopt;
    int r;
    const double fac3 = 0.9, fac4 = 0.9;

    if (!G->f0_valid)
    {
        if ((r = dsys_rhs(S, G->f0, T->x, (const mpfr_t *) T->y)) != MPBIAS_ODE_OK)
            return -r;
        G->f0_valid = 1;
    }
    G->errold = 1e300;
    G->err = 1e300;
#define COLUMN(jj) do { \
        kc = (jj); \
        r = gbs_column(G, S, T->x, (const mpfr_t *) T->y, T->H, kc, 1); \
        if (r != 0) goto diverged; \
    } while (0)
    if (T->first || T->reject)
    {
        for (j = 1; j <= k; j++)
        {
            COLUMN(j);
            if (j > 1 && G->err <= 1.0)
                goto accepted;
        }
        goto hope;
    }
    for (j = 1; j < k; j++)
        COLUMN(j);
    if (k > 2)
    {
        if (G->err <= 1.0)
            goto accepted;
        {
            double q = (double) (G->nj[k + 1] * G->nj[k]) / 4.0;
            if (G->err > q * q)
                goto rejected;
        }
    }
    COLUMN(k);
    if (G->err <= 1.0)
        goto accepted;
hope:
    {
        double q = (double) G->nj[k + 1] / 2.0;
        if (G->err > q * q)
            goto rejected;
    }
    COLUMN(k + 1);
    if (G->err > 1.0)
        goto rejected;
#undef COLUMN

accepted:
    /* order for the next step */
    if (kc == 2)
    {
        kopt = G->km - 1 < 3 ? G->km - 1 : 3;
        if (T->reject)
            kopt = 2;
    }
    else if (kc <= k)
    {
        kopt = kc;
        if (G->wk[kc - 1] < G->wk[kc] * fac3)
            kopt = kc - 1;
        if (G->wk[kc] < G->wk[kc - 1] * fac4)
            kopt = kc + 1 < G->km - 1 ? kc + 1 : G->km - 1;
    }
    else
    {
        kopt = kc - 1;
        if (kc > 3 && G->wk[kc - 2] < G->wk[kc - 1] * fac3)
            kopt = kc - 2;
        if (G->wk[kc] < G->wk[kopt] * fac4)
            kopt = kc < G->km - 1 ? kc : G->km - 1;
    }
    if (T->reject)
    {
        T->k = kopt < kc ? kopt : kc;
        if (G->hh[T->k] < mpfr_get_d(T->H, MPFR_RNDN))
            mpfr_set_d(T->H, G->hh[T->k], MPFR_RNDN);
        T->reject = 0;
    }
    else
    {
        double Hn;
        if (kopt <= kc)
            Hn = G->hh[kopt];
        else if (kc < k && G->wk[kc] < G->wk[kc - 1] * fac4)
            Hn = G->hh[kc] * G->a[kopt + 1] / G->a[kc];
        else
            Hn = G->hh[kc] * G->a[kopt] / G->a[kc];
        mpfr_set_d(T->H, Hn, MPFR_RNDN);
        T->k = kopt;
    }
    T->first = 0;
    T->steps++;
    return kc;

rejected:
    k = k < kc ? k : kc;
    if (k > G->km - 1)
        k = G->km - 1;
    if (k > 2 && G->wk[k - 1] < G->wk[k] * fac3)
        k--;
    T->k = k;
    mpfr_set_d(T->H, G->hh[k], MPFR_RNDN);
    T->reject = 1;
    T->rejected++;
    return 0;

diverged:
    if (r < 0 && r != -MPBIAS_ODE_DOMAIN)
        return r;
    /* divergence or a domain error inside the step: halve it */
    mpfr_div_2ui(T->H, T->H, 1, MPFR_RNDN);
    T->reject = 1;
    T->rejected++;
    return 0;
}

/* A step of size h from (x, y) with exactly kc columns, no control (for
   the root-finder): the result is G->tab[kc].  0 or a negative ODE code. */
static int
gbs_fixed(gbs *G, dsys *S, const mpfr_t x, const mpfr_t *y, const mpfr_t h, slong kc)
{
    slong j;
    int r;
    if (!G->f0_valid)
    {
        if ((r = dsys_rhs(S, G->f0, x, y)) != MPBIAS_ODE_OK)
            return -r;
        G->f0_valid = 1;
    }
    for (j = 1; j <= kc; j++)
        if ((r = gbs_column(G, S, x, y, h, j, 0)) != 0)
            return r < 0 ? r : -MPBIAS_ODE_DOMAIN;
    return 0;
}

/* ---- the driver --------------------------------------------------------- */

static void
vec_set(mpfr_t *a, const mpfr_t *b, slong n)
{
    slong i;
    for (i = 0; i < n; i++)
        mpfr_set(a[i], b[i], MPFR_RNDN);
}

/* Advance (T->x, T->y) until log L = target (S->logL - target crosses 0
   from above).  Returns 0 or a (positive) ODE code on failure. */
static int
direct_advance(gbs *G, dsys *S, gstate *T, const mpfr_t target, mpfr_t *ya, mpfr_t *yb)
{
    slong dim = S->dim, kc;
    int r, it, side = 0;
    mpfr_prec_t prec = S->prec;
    mpfr_ptr g = T->g, glo = T->glo, ghi = T->ghi, hlo = T->hlo, hhi = T->hhi, h = T->h,
        ga = T->ga, gb = T->gb;

    if ((r = dsys_loss(S, (const mpfr_t *) T->y)) != MPBIAS_ODE_OK)
        return r;
    if (mpfr_cmp(S->logL, target) <= 0)
        return 0;                      /* reached already */
    for (;;)
    {
        if (T->steps + T->rejected >= DIRECT_MAX_STEPS)
            return MPBIAS_ODE_MAX_STEPS;
        /* the step must be resolvable in tau */
        mpfr_mul_2si(h, T->x, -(long) prec + 4, MPFR_RNDN);
        mpfr_abs(h, h, MPFR_RNDN);
        if (!mpfr_number_p(T->H) || mpfr_sgn(T->H) <= 0 || mpfr_cmp(T->H, h) <= 0)
            return MPBIAS_ODE_TINY_STEP;
        mpfr_set(hhi, T->H, MPFR_RNDN);            /* the size tried */
        kc = gbs_attempt(G, S, T);
        if (kc < 0)
            return (int) -kc;
        if (kc == 0)
            continue;
        vec_set(yb, (const mpfr_t *) G->tab[kc], dim);
        if ((r = dsys_loss(S, (const mpfr_t *) yb)) != MPBIAS_ODE_OK)
        {
            /* accepted by the error test but out of the domain of the
               loss: treat as rejected */
            mpfr_div_2ui(T->H, hhi, 1, MPFR_RNDN);
            T->reject = 1;
            T->rejected++;
            T->steps--;
            continue;
        }
        mpfr_sub(ghi, S->logL, target, MPFR_RNDN);
        if (mpfr_sgn(ghi) > 0)
        {
            mpfr_add(T->x, T->x, hhi, MPFR_RNDN);
            vec_set(T->y, (const mpfr_t *) yb, dim);
            G->f0_valid = 0;
            continue;
        }
        /* crossed: Illinois on h in (0, hhi], trials from (x, y) with kc columns */
        break;
    }
    dsys_loss(S, (const mpfr_t *) T->y);
    mpfr_sub(glo, S->logL, target, MPFR_RNDN);    /* > 0 */
    mpfr_set_zero(hlo, 1);
    vec_set(ya, (const mpfr_t *) T->y, dim);
    mpfr_set(ga, glo, MPFR_RNDN);                 /* true values, unhalved */
    mpfr_set(gb, ghi, MPFR_RNDN);
    for (it = 0; it < 400 && !mpfr_zero_p(gb); it++)
    {
        _mpbias_secant_point(h, hlo, hhi, glo, ghi, g);
        if (gbs_fixed(G, S, T->x, (const mpfr_t *) T->y, h, kc) != 0
            || dsys_loss(S, (const mpfr_t *) G->tab[kc]) != MPBIAS_ODE_OK)
            return MPBIAS_ODE_DOMAIN;
        mpfr_sub(g, S->logL, target, MPFR_RNDN);
        _mpbias_illinois_update(h, g, mpfr_sgn(g) <= 0, hlo, hhi, glo, ghi, &side);
        /* the true values and states of both ends, unhalved */
        mpfr_set(side == 1 ? gb : ga, g, MPFR_RNDN);
        vec_set(side == 1 ? yb : ya, (const mpfr_t *) G->tab[kc], dim);
        mpfr_sub(g, hhi, hlo, MPFR_RNDN);
        mpfr_mul_2si(h, hhi, -(long) prec + 8, MPFR_RNDN);
        if (mpfr_cmp(g, h) <= 0)
            break;
    }
    /* land on the side nearer the target */
    if (mpfr_cmpabs(ga, gb) < 0)
    {
        mpfr_add(T->x, T->x, hlo, MPFR_RNDN);
        vec_set(T->y, (const mpfr_t *) ya, dim);
    }
    else
    {
        mpfr_add(T->x, T->x, hhi, MPFR_RNDN);
        vec_set(T->y, (const mpfr_t *) yb, dim);
    }
    G->f0_valid = 0;
    return dsys_loss(S, (const mpfr_t *) T->y);
}

mpbias_status
mpbias_flow_direct_at_losses(const mpbias_data_t data, const mpbias_model_t model, slong nloss,
                             const mpbias_sci_struct *losses, mpfr_prec_t prec, const mpfr_t tol,
                             mpbias_flow_row *rows, mpbias_err_t err)
{
    mpbias_status st;
    slong i, n = data->n, d = data->d, kinit, km;
    mpfr_prec_t wprec;
    dsys S;
    gbs G;
    gstate T;
    mpfr_t *ya, *yb, *targets = NULL, ln10, logN, t1, t2;
    double gmax, la, ltol;
    long lexp;
    int r;

    if ((st = mpbias_model_check(model, data, err)) != MPBIAS_OK)
        return st;
    if (nloss < 1 || losses == NULL || rows == NULL)
        return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0, "no target loss given");
    if (prec < 16 || prec > MPFR_PREC_MAX / 2)
        return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0,
                               "the precision must be at least 16 bits (got %ld)", (long) prec);
    if (!mpfr_number_p(tol) || mpfr_sgn(tol) <= 0 || mpfr_cmp_ui(tol, 1) >= 0)
        return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0,
                               "the tolerance must be in (0, 1)");
    ltol = log2(fabs(mpfr_get_d_2exp(&lexp, tol, MPFR_RNDN))) + (double) lexp;
    if (ltol < -(double) prec + 8.0)
        return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0,
                               "the tolerance 2^%.1f is below what %ld bits resolve",
                               ltol, (long) prec);
    for (i = 0; i < nloss; i++)
    {
        if (fmpq_sgn(losses[i].mant) <= 0)
            return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0,
                                   "target loss %ld is not positive", (long) i + 1);
        if (rows[i].d != d || rows[i].wbar == NULL)
            return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0,
                                   "row %ld has %ld wbar entries, the data d = %ld", (long) i + 1,
                                   (long) rows[i].d, (long) d);
    }
    {
        mpbias_l2mm_t l2;
        mpbias_l2mm_init(l2);
        st = mpbias_l2mm_compute(l2, data, err);
        r = l2->separable;
        mpbias_l2mm_clear(l2);
        if (st != MPBIAS_OK)
            return st;
        if (!r)
            return _mpbias_err_set(err, MPBIAS_ERR_NOT_SEPARABLE, data->name[0] ? data->name : NULL,
                                   0, 0, "the data are not linearly separable (decided exactly): "
                                   "gradient flow never drives the loss to zero");
    }

    /* the targets: log L_sum = log eps (+ log N for the mean loss), and
       the guard bits from the largest margin, log(1/eps) + log N */
    mpfr_init2(t1, 64);
    gmax = 1.0;
    for (i = 0; i < nloss; i++)
    {
        double g;
        mpbias_sci_log(t1, losses + i, MPFR_RNDN);
        g = -mpfr_get_d(t1, MPFR_RNDN) + log((double) n) + 1.0;
        if (g > gmax)
            gmax = g;
    }
    mpfr_clear(t1);
    if (!isfinite(gmax))
        gmax = 1e300;
    la = model->shape_a ? 0.0 : log2(fmpq_get_d(model->alpha));
    if (!isfinite(la) || la < 0)
        la = 0;
    if (model->shape_a)
        for (i = 0; i < d; i++)
        {
            double a = log2(fmpq_get_d(model->shape_a + i)), b = log2(fmpq_get_d(model->shape_b + i));
            if (isfinite(a) && a > la)
                la = a;
            if (isfinite(b) && b > la)
                la = b;
        }
    if (la > 4096)
        la = 4096;
    wprec = prec + (mpfr_prec_t) (log2(1.0 + gmax) + model->depth * la + 16.0);

    dsys_init(&S, data, model, wprec);
    /* initial order as ODEX: 0.6 log10(1/tol) + 1.5 columns */
    kinit = (slong) (-ltol * 0.30103 * 0.6 + 1.5);
    if (kinit < 3)
        kinit = 3;
    if (kinit > DIRECT_KM_CAP - 3)
        kinit = DIRECT_KM_CAP - 3;
    km = kinit + 4;
    if (km > DIRECT_KM_CAP)
        km = DIRECT_KM_CAP;
    gbs_init(&G, S.dim, km, wprec);
    mpfr_set(G.tol, tol, MPFR_RNDN);
    T.k = kinit;
    T.first = 1;
    T.reject = 0;
    T.steps = T.rejected = 0;
    mpfr_inits2(wprec, T.x, T.H, ln10, logN, t2, T.g, T.glo, T.ghi, T.hlo, T.hhi, T.h, T.ga, T.gb,
                (mpfr_ptr) 0);
    mpfr_init2(t1, wprec);
    T.y = _mpbias_mpfr_vec_init(S.dim, wprec);
    ya = _mpbias_mpfr_vec_init(S.dim, wprec);
    yb = _mpbias_mpfr_vec_init(S.dim, wprec);
    targets = _mpbias_mpfr_vec_init(nloss, wprec);
    mpfr_set_ui(ln10, 10, MPFR_RNDN);
    mpfr_log(ln10, ln10, MPFR_RNDN);
    mpfr_set_si(logN, (long) n, MPFR_RNDN);
    mpfr_log(logN, logN, MPFR_RNDN);

    /* initial state u_+ = a, u_- = b at tau = 0 */
    mpfr_set_zero(T.x, 1);
    for (i = 0; i < d; i++)
    {
        fmpq_get_mpfr(T.y[i], model->shape_a ? model->shape_a + i : model->alpha, MPFR_RNDN);
        fmpq_get_mpfr(T.y[d + i], model->shape_b ? model->shape_b + i : model->alpha, MPFR_RNDN);
    }
    st = MPBIAS_OK;
    if (dsys_loss(&S, (const mpfr_t *) T.y) != MPBIAS_ODE_OK)
    {
        st = _mpbias_err_set(err, MPBIAS_ERR_NUMERIC, NULL, 0, 0, "the loss is undefined at initialization");
        goto cleanup;
    }
    for (i = 0; i < nloss; i++)
    {
        mpbias_sci_log(targets[i], losses + i, MPFR_RNDN);
        if (model->mean)
            mpfr_add(targets[i], targets[i], logN, MPFR_RNDN);
        if (i == 0 && mpfr_cmp(targets[0], S.logL) >= 0)
        {
            st = _mpbias_err_target_not_below_start(err, S.logL, model, n);
            goto cleanup;
        }
        if (i > 0 && mpfr_cmp(targets[i], targets[i - 1]) > 0)
        {
            st = _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0,
                                 "the target losses must be given in decreasing order "
                                 "(loss %ld is above loss %ld)", (long) i + 1, (long) i);
            goto cleanup;
        }
    }
    /* first step: 1% of the time scale of the fastest relative change */
    if (dsys_rhs(&S, G.f0, T.x, (const mpfr_t *) T.y) != MPBIAS_ODE_OK)
    {
        st = _mpbias_err_set(err, MPBIAS_ERR_NUMERIC, NULL, 0, 0, "the flow is undefined at initialization");
        goto cleanup;
    }
    G.f0_valid = 1;
    mpfr_set_ui(t1, 1, MPFR_RNDN);
    for (i = 0; i < S.dim; i++)
    {
        mpfr_div(t2, G.f0[i], T.y[i], MPFR_RNDN);
        mpfr_abs(t2, t2, MPFR_RNDN);
        if (mpfr_cmp(t2, t1) > 0)
            mpfr_set(t1, t2, MPFR_RNDN);
    }
    mpfr_ui_div(T.H, 1, t1, MPFR_RNDN);
    mpfr_div_ui(T.H, T.H, 100, MPFR_RNDN);

    for (i = 0; i < nloss; i++)
    {
        mpbias_flow_row *row = rows + i;
        slong j;
        r = direct_advance(&G, &S, &T, targets[i], ya, yb);
        if (r != 0)
        {
            mpfr_sub(t1, S.logL, logN, MPFR_RNDN);
            mpfr_div(t1, model->mean ? t1 : S.logL, ln10, MPFR_RNDN);
            st = _mpbias_err_set(err, MPBIAS_ERR_NUMERIC, NULL, 0, 0,
                                 "the direct flow failed near log10(loss) = %.6g: %s",
                                 mpfr_get_d(t1, MPFR_RNDN),
                                 r == MPBIAS_ODE_MAX_STEPS ? "step budget exhausted"
                                 : r == MPBIAS_ODE_TINY_STEP ? "step size too small for the working precision"
                                 : "the flow left the domain of the loss");
            goto cleanup;
        }
        /* S holds the loss and margins at the landed state */
        row->kind = MPBIAS_ROW_AT_LOSS;
        row->index = i;
        mpfr_set(t1, S.logL, MPFR_RNDN);
        if (model->mean)
            mpfr_sub(t1, t1, logN, MPFR_RNDN);
        mpfr_div(row->log10_loss, t1, ln10, MPFR_RNDN);
        /* log t = tau + log(1 - e^-tau) (+ log N for the mean loss) */
        mpfr_neg(t1, T.x, MPFR_RNDN);
        mpfr_expm1(t1, t1, MPFR_RNDN);
        mpfr_neg(t1, t1, MPFR_RNDN);
        mpfr_log(t1, t1, MPFR_RNDN);
        mpfr_add(t1, t1, T.x, MPFR_RNDN);
        if (model->mean)
            mpfr_add(t1, t1, logN, MPFR_RNDN);
        mpfr_div(row->log10_t, t1, ln10, MPFR_RNDN);
        mpfr_set(row->margin, S.gam, MPFR_RNDN);
        for (j = 0; j < d; j++)
        {
            mpfr_set(row->w[j], S.w[j], MPFR_RNDN);
            if (mpfr_sgn(S.gam) > 0)
                mpfr_div(row->wbar[j], S.w[j], S.gam, MPFR_RNDN);
            else
                mpfr_set_nan(row->wbar[j]);
        }
        if (model->shape_a == NULL && mpfr_sgn(S.gam) > 0)
        {
            fmpq_get_mpfr(t1, model->alpha, MPFR_RNDN);
            mpfr_rootn_ui(t2, S.gam, (unsigned long) model->depth, MPFR_RNDN);
            mpfr_div(row->mu, t1, t2, MPFR_RNDN);
        }
        else
            mpfr_set_nan(row->mu);
        if (row->nu != NULL)
            for (j = 0; j < row->n; j++)
                mpfr_set_nan(row->nu[j]);
        mpfr_set_nan(row->err_est);
    }

cleanup:
    dsys_clear(&S);
    gbs_clear(&G);
    mpfr_clears(T.x, T.H, ln10, logN, t2, T.g, T.glo, T.ghi, T.hlo, T.hhi, T.h, T.ga, T.gb,
                (mpfr_ptr) 0);
    mpfr_clear(t1);
    _mpbias_mpfr_vec_clear(T.y, S.dim);
    _mpbias_mpfr_vec_clear(ya, S.dim);
    _mpbias_mpfr_vec_clear(yb, S.dim);
    _mpbias_mpfr_vec_clear(targets, nloss);
    return st;
}
