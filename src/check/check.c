/*
 * check.c -- judging a trajectory computed elsewhere against the reference
 * (gradient descent with the same steps, or the flow at the same times),
 * and naming the cause when the two disagree (doc/checking.md).
 *
 * Digits are measured: -log10 of the relative difference with a reference
 * certified to K digits, capped at K.  Causes are established by
 * computing the other references that a cause predicts (the other loss
 * convention; gradient descent with the candidate's time spacing) or by
 * the numerical signature of a double-precision failure at the row where
 * agreement is lost (the size of the margin there, a zero loss, the
 * magnitude of u_+^D against w).
 */
#include "config.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "mpbias-impl.h"

static const char *const diag_names[MPBIAS_DIAG_COUNT] = {
    "nan", "underflow", "loss-underflow", "loss-formula", "cancellation", "mean-sum",
    "sign", "factor", "no-move", "direction", "step-too-large", "not-reached", "unstable"
};

const char *
mpbias_diag_name(mpbias_diag d)
{
    return (int) d >= 0 && d < MPBIAS_DIAG_COUNT ? diag_names[d] : "?";
}

void
mpbias_check_opts_init(mpbias_check_opts *o)
{
    o->digits = 20;
    o->prec = 0;
    o->min_digits = 6.0;
    o->gd = NULL;
    o->explain = 1;
    o->max_prec = 0;
}

void
mpbias_check_result_init(mpbias_check_result *r)
{
    memset(r, 0, sizeof *r);
    r->first_bad = -1;
}

void
mpbias_check_result_clear(mpbias_check_result *r)
{
    free(r->rows);
    mpbias_check_result_init(r);
}

static void
add_diag(mpbias_check_result *r, mpbias_diag d, const char *fmt, ...) MPBIAS_PRINTF(3, 4);

static void
add_diag(mpbias_check_result *r, mpbias_diag d, const char *fmt, ...)
{
    va_list ap;
    int i;
    for (i = 0; i < r->ndiag; i++)
        if (r->diag[i] == d)
            return;
    if (r->ndiag >= MPBIAS_DIAG_COUNT)
        return;
    r->diag[r->ndiag] = d;
    va_start(ap, fmt);
    vsnprintf(r->diag_msg[r->ndiag], sizeof r->diag_msg[0], fmt, ap);
    va_end(ap);
    r->ndiag++;
}

static int
has_diag(const mpbias_check_result *r, mpbias_diag d)
{
    int i;
    for (i = 0; i < r->ndiag; i++)
        if (r->diag[i] == d)
            return 1;
    return 0;
}

/* ---- reference rows at the candidate's rows -------------------------- */

typedef struct stab_ctx stab_ctx;

typedef struct
{
    slong n;
    mpbias_flow_row *rows;
    int *have;
    double *lerr;          /* log10 of each row's err_est (gd rows; else NaN) */
    const mpbias_cand_struct *cand;
    slong next;            /* next candidate row to fill */
    mpfr_prec_t prec;      /* gd: precision of the lower of the two runs */
    int raised;            /* gd: times the precision was doubled */
    stab_ctx *stab;        /* gd: the stability analysis along the run, or NULL */
} refset;

static int
refset_init(refset *R, const mpbias_cand_struct *cand)
{
    slong j;
    R->n = cand->n;
    R->rows = calloc((size_t) cand->n, sizeof(mpbias_flow_row));
    R->have = calloc((size_t) cand->n, sizeof(int));
    R->lerr = malloc((size_t) cand->n * sizeof(double));
    R->cand = cand;
    R->next = 0;
    R->prec = 0;
    R->raised = 0;
    R->stab = NULL;
    if (R->lerr != NULL)
        for (j = 0; j < cand->n; j++)
            R->lerr[j] = NAN;
    return R->rows != NULL && R->have != NULL && R->lerr != NULL;
}

static void
refset_clear(refset *R)
{
    slong j;
    for (j = 0; j < R->n; j++)
        if (R->have != NULL && R->have[j])
            mpbias_flow_row_clear(R->rows + j);
    free(R->rows);
    free(R->have);
    free(R->lerr);
}

/* forget the rows (a new run fills them again) */
static void
refset_reset(refset *R)
{
    slong j;
    for (j = 0; j < R->n; j++)
    {
        if (R->have[j])
            mpbias_flow_row_clear(R->rows + j);
        R->have[j] = 0;
        R->lerr[j] = NAN;
    }
    R->next = 0;
}

static void
refset_put(refset *R, slong j, const mpbias_flow_row *row)
{
    if (!R->have[j])
        mpbias_flow_row_init(R->rows + j, row->n, row->d, mpfr_get_prec(row->w[0]));
    mpbias_flow_row_set(R->rows + j, row);
    R->have[j] = 1;
}

/* gd rows: index = step; fill every candidate row with that step */
static int
gd_collect(const mpbias_flow_row *row, void *ctx)
{
    refset *R = ctx;
    const slong *st = R->cand->step;
    while (R->next < R->n && st[R->next] < row->index)
        R->next++;
    while (R->next < R->n && st[R->next] == row->index)
    {
        R->lerr[R->next] = mpfr_zero_p(row->err_est) ? -HUGE_VAL
                           : log10(mpfr_get_d(row->err_est, MPFR_RNDN));
        refset_put(R, R->next++, row);
    }
    return 0;
}

/* flow rows: the positive times in order (at-time rows, then the stop) */
static int
flow_collect(const mpbias_flow_row *row, void *ctx)
{
    refset *R = ctx;
    while (R->next < R->n && fmpq_sgn(R->cand->time + R->next) == 0)
        R->next++;
    if (R->next < R->n)
        refset_put(R, R->next++, row);
    return 0;
}

/* min_n z_n . w, and log of the loss of margins Z w (model's convention) */
static void margin_loss_of(mpfr_t gam, mpfr_t logL, const mpfr_t *Z, const mpfr_t *w,
                           const mpbias_data_t data, const mpbias_model_t model);

/* the exact initial state as a row (t = 0, step 0) */
static void
initial_row(mpbias_flow_row *row, const mpbias_data_t data, const mpbias_model_t model,
            mpfr_prec_t prec)
{
    slong i, k, n = data->n, d = data->d;
    mpfr_t a, b, logL;
    mpfr_t *Z = _mpbias_mpfr_vec_init(n * d, prec);
    mpbias_flow_row_init(row, n, d, prec);
    mpfr_inits2(prec, a, b, logL, (mpfr_ptr) 0);
    row->kind = MPBIAS_ROW_AT_TIME;
    row->index = 0;
    for (i = 0; i < d; i++)
    {
        fmpq_get_mpfr(a, model->shape_a ? model->shape_a + i : model->alpha, MPFR_RNDN);
        fmpq_get_mpfr(b, model->shape_b ? model->shape_b + i : model->alpha, MPFR_RNDN);
        mpfr_pow_ui(a, a, (unsigned long) model->depth, MPFR_RNDN);
        mpfr_pow_ui(b, b, (unsigned long) model->depth, MPFR_RNDN);
        mpfr_sub(row->w[i], a, b, MPFR_RNDN);
    }
    mpbias_data_get_z_mpfr(Z, data, MPFR_RNDN);
    margin_loss_of(row->margin, logL, (const mpfr_t *) Z, (const mpfr_t *) row->w, data, model);
    mpfr_set_ui(a, 10, MPFR_RNDN);
    mpfr_log(a, a, MPFR_RNDN);
    mpfr_div(row->log10_loss, logL, a, MPFR_RNDN);
    mpfr_set_inf(row->log10_t, -1);
    for (i = 0; i < d; i++)
        if (mpfr_sgn(row->margin) > 0)
            mpfr_div(row->wbar[i], row->w[i], row->margin, MPFR_RNDN);
        else
            mpfr_set_nan(row->wbar[i]);
    mpfr_set_nan(row->mu);
    mpfr_set_zero(row->err_est, 1);
    for (k = 0; k < n; k++)
        mpfr_set_zero(row->nu[k], 1);
    mpfr_clears(a, b, logL, (mpfr_ptr) 0);
    _mpbias_mpfr_vec_clear(Z, n * d);
}

/* ---- the stability of the reference iteration ------------------------ */

/* Gradient descent is x <- x - eta_k grad F(x) in x = (u_+, u_-), with F
   the loss (model's convention) or, for the normalized steps, log L (the
   step eta_k / L on L is the step eta_k on log L).  Its Jacobian is
   I - eta_k H_k, H_k the Hessian of F: perturbations along an eigenvector
   of H_k with eta_k lambda > 2 change sign and grow by |1 - eta_k lambda|
   per step.  Along the reference (the probe gives the MPFR state of every
   step; the analysis is in double), at every step: lambda_max(H_k)
   (Jacobi on the 2d x 2d matrix, d <= 16), and a perturbation carried
   from step 0 through I - eta_k H_k, its size taken normwise relative to
   w as the digits of w are. */
#define STAB_MAX_D 16

struct stab_ctx
{
    slong n, d;
    int D, logistic, mean, normalized;
    double *Z;                  /* n x d */
    double *up, *um, *q, *h;    /* d, d, n (l'(m) scaled), n (l''(m) scaled) */
    double *gz, *a, *b;         /* d (Z^T q), d, n: scratch */
    double *v, *hv, *ev, *H;    /* the perturbation (2d), H v (2d), a unit vector
                                   (2d), H (2d x 2d) */
    double vscale;              /* log10 of the rescalings of v */
    unsigned long long seed;    /* of the injected perturbations */
    int ok;                     /* the state fits in double */
    const slong *steps;         /* the candidate's rows */
    slong nrows, next;
    double *row_sharp, *row_growth;     /* per row: max eta lambda since the last
                                           row, log10 of the propagated error */
    double *row_lam, *row_kmax;         /* lambda and the step of that max */
    double cur_sharp, cur_lam;          /* max eta lambda since the last row */
    slong cur_k;
    slong first_unstable;
    mpfr_t t, u;                /* 64-bit scratch */
};

static int
stab_init(stab_ctx *S, const mpbias_data_t data, const mpbias_model_t model,
          const mpbias_cand_struct *c, int normalized)
{
    slong n = data->n, d = data->d, i;
    mpfr_t *Z = _mpbias_mpfr_vec_init(n * d, 64);
    memset(S, 0, sizeof *S);
    S->n = n;
    S->d = d;
    S->D = model->depth;
    S->logistic = model->loss == MPBIAS_LOSS_LOGISTIC;
    S->mean = model->mean;
    S->normalized = normalized;
    S->Z = malloc((size_t) (n * d) * sizeof(double));
    S->up = malloc((size_t) (10 * d + 3 * n) * sizeof(double));
    S->H = d <= STAB_MAX_D ? malloc((size_t) (4 * d * d) * sizeof(double)) : NULL;
    S->row_sharp = malloc((size_t) (4 * c->n) * sizeof(double));
    mpfr_inits2(64, S->t, S->u, (mpfr_ptr) 0);
    if (S->Z == NULL || S->up == NULL || S->row_sharp == NULL || (d <= STAB_MAX_D && S->H == NULL))
    {
        _mpbias_mpfr_vec_clear(Z, n * d);
        return 0;
    }
    S->um = S->up + d;
    S->gz = S->um + d;
    S->a = S->gz + d;
    S->v = S->a + d;
    S->hv = S->v + 2 * d;
    S->ev = S->hv + 2 * d;
    S->q = S->ev + 2 * d;
    S->h = S->q + n;
    S->b = S->h + n;
    S->row_growth = S->row_sharp + c->n;
    S->row_lam = S->row_growth + c->n;
    S->row_kmax = S->row_lam + c->n;
    S->steps = c->step;
    S->nrows = c->n;
    mpbias_data_get_z_mpfr(Z, data, MPFR_RNDN);
    for (i = 0; i < n * d; i++)
        S->Z[i] = mpfr_get_d(Z[i], MPFR_RNDN);
    _mpbias_mpfr_vec_clear(Z, n * d);
    return 1;
}

static void
stab_reset(stab_ctx *S)
{
    slong j;
    S->ok = 1;
    S->next = 0;
    S->vscale = 0;
    S->seed = 0x9e3779b97f4a7c15ULL;
    S->cur_sharp = NAN;
    S->first_unstable = -1;
    for (j = 0; j < S->nrows; j++)
        S->row_sharp[j] = S->row_growth[j] = S->row_lam[j] = S->row_kmax[j] = NAN;
    S->cur_k = -1;
    S->cur_lam = NAN;
    for (j = 0; j < 2 * S->d; j++)
        S->v[j] = 0;
}

static void
stab_clear(stab_ctx *S)
{
    free(S->Z);
    free(S->up);
    free(S->H);
    free(S->row_sharp);
    mpfr_clears(S->t, S->u, (mpfr_ptr) 0);
}

/* out = H v (H the Hessian of F at the current state) */
static void
stab_hv(stab_ctx *S, const double *v, double *out)
{
    slong i, k, n = S->n, d = S->d;
    int D = S->D;
    double qb = 0;
    for (i = 0; i < d; i++)      /* a = J_w v */
        S->a[i] = D * pow(S->up[i], D - 1) * v[i] - D * pow(S->um[i], D - 1) * v[d + i];
    for (k = 0; k < n; k++)
    {
        double t = 0;
        for (i = 0; i < d; i++)
            t += S->Z[k * d + i] * S->a[i];
        S->b[k] = t;
        qb += S->q[k] * t;
    }
    for (k = 0; k < n; k++)      /* Hessian of Phi(m): diag(h) (- q q^T) */
        S->b[k] = S->h[k] * S->b[k] - (S->normalized ? S->q[k] * qb : 0);
    for (i = 0; i < d; i++)
    {
        double e = 0;
        for (k = 0; k < n; k++)
            e += S->Z[k * d + i] * S->b[k];
        out[i] = D * pow(S->up[i], D - 1) * e;
        out[d + i] = -D * pow(S->um[i], D - 1) * e;
        if (D >= 2)
        {
            out[i] += S->gz[i] * D * (D - 1) * pow(S->up[i], D - 2) * v[i];
            out[d + i] -= S->gz[i] * D * (D - 1) * pow(S->um[i], D - 2) * v[d + i];
        }
    }
}

/* the largest eigenvalue of the symmetric m x m matrix A (destroyed):
   cyclic Jacobi */
static double
sym_max_eig(double *A, slong m)
{
    slong p, q, k;
    int sweep;
    double mx;
    for (sweep = 0; sweep < 60; sweep++)
    {
        double off = 0, dg = 0;
        for (p = 0; p < m; p++)
            for (q = 0; q < m; q++)
                if (p != q)
                    off += A[p * m + q] * A[p * m + q];
                else
                    dg += A[p * m + p] * A[p * m + p];
        if (!(off > 1e-30 * dg))
            break;
        for (p = 0; p < m; p++)
            for (q = p + 1; q < m; q++)
            {
                double apq = A[p * m + q], th, t, cs, sn;
                if (apq == 0)
                    continue;
                th = (A[q * m + q] - A[p * m + p]) / (2 * apq);
                t = (th >= 0 ? 1.0 : -1.0) / (fabs(th) + sqrt(th * th + 1));
                cs = 1 / sqrt(t * t + 1);
                sn = t * cs;
                for (k = 0; k < m; k++)
                {
                    double x = A[k * m + p], y = A[k * m + q];
                    A[k * m + p] = cs * x - sn * y;
                    A[k * m + q] = sn * x + cs * y;
                }
                for (k = 0; k < m; k++)
                {
                    double x = A[p * m + k], y = A[q * m + k];
                    A[p * m + k] = cs * x - sn * y;
                    A[q * m + k] = sn * x + cs * y;
                }
            }
    }
    mx = A[0];
    for (p = 1; p < m; p++)
        if (A[p * m + p] > mx)
            mx = A[p * m + p];
    return mx;
}

/* q_n = l'(m_n), h_n = l''(m_n) (over L for log L, over N for the mean
   loss), from their logarithms, and gz = Z^T q */
static void
stab_loss_weights(stab_ctx *S, const mpfr_t *m, const mpfr_t logL)
{
    slong i, j, n = S->n, d = S->d;
    for (j = 0; j < n; j++)
    {
        if (S->logistic)
        {
            /* a = log1p(e^-|m|): log(-l') = -(max(m, 0) + a), log l'' = -(|m| + 2 a) */
            mpfr_abs(S->u, m[j], MPFR_RNDN);
            mpfr_neg(S->u, S->u, MPFR_RNDN);
            mpfr_exp(S->u, S->u, MPFR_RNDN);
            mpfr_log1p(S->u, S->u, MPFR_RNDN);
            if (mpfr_sgn(m[j]) > 0)
                mpfr_add(S->t, S->u, m[j], MPFR_RNDN);
            else
                mpfr_set(S->t, S->u, MPFR_RNDN);
            mpfr_neg(S->t, S->t, MPFR_RNDN);
            mpfr_mul_2ui(S->u, S->u, 1, MPFR_RNDN);
            if (mpfr_sgn(m[j]) > 0)
                mpfr_add(S->u, S->u, m[j], MPFR_RNDN);
            else
                mpfr_sub(S->u, S->u, m[j], MPFR_RNDN);
            mpfr_neg(S->u, S->u, MPFR_RNDN);
        }
        else
        {
            mpfr_neg(S->t, m[j], MPFR_RNDN);
            mpfr_set(S->u, S->t, MPFR_RNDN);
        }
        if (S->normalized)
        {
            mpfr_sub(S->t, S->t, logL, MPFR_RNDN);
            mpfr_sub(S->u, S->u, logL, MPFR_RNDN);
        }
        if (S->mean)
        {
            double ln = log((double) n);
            mpfr_sub_d(S->t, S->t, ln, MPFR_RNDN);
            mpfr_sub_d(S->u, S->u, ln, MPFR_RNDN);
        }
        mpfr_exp(S->t, S->t, MPFR_RNDN);
        mpfr_exp(S->u, S->u, MPFR_RNDN);
        S->q[j] = -mpfr_get_d(S->t, MPFR_RNDN);
        S->h[j] = mpfr_get_d(S->u, MPFR_RNDN);
    }
    for (i = 0; i < d; i++)
    {
        double g = 0;
        for (j = 0; j < n; j++)
            g += S->Z[j * d + i] * S->q[j];
        S->gz[i] = g;
    }
}

/* The sharpness of step k, eta lambda_max(H) (H formed column by column
   from stab_hv, symmetrized): the first step beyond 2, and the largest
   since the last row (cur_sharp, cur_lam, cur_k). */
static void
stab_sharpness(stab_ctx *S, slong k, double eta)
{
    slong mm = 2 * S->d, r, cc;
    double lam, sh;
    for (cc = 0; cc < mm; cc++)
    {
        for (r = 0; r < mm; r++)
            S->ev[r] = r == cc;
        stab_hv(S, S->ev, S->hv);
        for (r = 0; r < mm; r++)
            S->H[r * mm + cc] = S->hv[r];
    }
    for (r = 0; r < mm; r++)
        for (cc = r + 1; cc < mm; cc++)
            S->H[r * mm + cc] = S->H[cc * mm + r] = 0.5 * (S->H[r * mm + cc] + S->H[cc * mm + r]);
    lam = sym_max_eig(S->H, mm);
    sh = eta * lam;
    if (isfinite(sh) && sh > 2 && S->first_unstable < 0)
        S->first_unstable = k;
    if (isnan(S->cur_sharp) || sh > S->cur_sharp)
    {
        S->cur_sharp = sh;
        S->cur_lam = sh / eta;
        S->cur_k = k;
    }
}

/* The rounding errors' propagation: at every step a perturbation of
   relative size 2^-53 in each component of u (signs and sizes from a
   fixed sequence) joins the one carried from the steps before (v).
   Returns the growth: log10 of the perturbation of w relative to w (NaN
   when either is 0). */
static double
stab_perturb(stab_ctx *S)
{
    slong i, d = S->d;
    double wmax = 0, amax = 0;
    for (i = 0; i < 2 * d; i++)
    {
        double x = i < d ? S->up[i] : S->um[i - d];
        S->seed = S->seed * 6364136223846793005ULL + 1442695040888963407ULL;
        S->v[i] += x * ldexp((double) (S->seed >> 11) / 9007199254740992.0 - 0.5, -52)
                   * pow(10.0, -S->vscale);
    }
    for (i = 0; i < d; i++)
    {
        double w = pow(S->up[i], S->D) - pow(S->um[i], S->D);
        double a = S->D * pow(S->up[i], S->D - 1) * S->v[i] - S->D * pow(S->um[i], S->D - 1) * S->v[d + i];
        wmax = fabs(w) > wmax ? fabs(w) : wmax;
        amax = fabs(a) > amax ? fabs(a) : amax;
    }
    if (wmax > 0 && amax > 0)
        return log10(amax) + S->vscale - log10(wmax);
    return NAN;
}

/* The candidate's rows at step k take the sharpness since the last row
   and the growth. */
static void
stab_rows(stab_ctx *S, slong k, double growth)
{
    while (S->next < S->nrows && S->steps[S->next] < k)
        S->next++;
    while (S->next < S->nrows && S->steps[S->next] == k)
    {
        S->row_sharp[S->next] = S->cur_sharp;
        S->row_lam[S->next] = S->cur_lam;
        S->row_kmax[S->next] = (double) S->cur_k;
        S->row_growth[S->next++] = growth;
        S->cur_sharp = S->cur_lam = NAN;
        S->cur_k = -1;
    }
}

/* v <- (I - eta H) v, rescaled */
static void
stab_propagate(stab_ctx *S, double eta)
{
    slong i, d = S->d;
    double amax = 0;
    stab_hv(S, S->v, S->hv);
    for (i = 0; i < 2 * d; i++)
    {
        S->v[i] -= eta * S->hv[i];
        amax = fabs(S->v[i]) > amax ? fabs(S->v[i]) : amax;
    }
    if (!isfinite(amax))
        S->ok = 0;
    else if (amax > 1e100)
    {
        for (i = 0; i < 2 * d; i++)
            S->v[i] /= amax;
        S->vscale += log10(amax);
    }
}

static void
stab_probe(slong k, const fmpq *etaq, const mpfr_t *up, const mpfr_t *um, const mpfr_t *m,
           const mpfr_t logL, void *ctx)
{
    stab_ctx *S = ctx;
    slong i, d = S->d;
    double eta = fmpq_get_d(etaq);
    if (!S->ok)
        return;
    for (i = 0; i < d; i++)
    {
        S->up[i] = mpfr_get_d(up[i], MPFR_RNDN);
        S->um[i] = mpfr_get_d(um[i], MPFR_RNDN);
        if (!(fabs(S->up[i]) < 1e100 && fabs(S->um[i]) < 1e100))
        {
            S->ok = 0;   /* beyond double: the analysis stops here */
            return;
        }
    }
    stab_loss_weights(S, m, logL);
    if (S->H != NULL)
        stab_sharpness(S, k, eta);
    stab_rows(S, k, stab_perturb(S));
    stab_propagate(S, eta);
}

/* Reference rows for the candidate: gd (axis STEP, steps `go`) or flow. */
/* Gradient descent is certified by two runs at p and p + 64 bits: when
   rounding errors grow along the iteration faster than 64 bits absorb, the
   run fails at the first row it cannot certify.  Then it is redone at 2p,
   4p, ... (Ziv's strategy) up to max_prec bits (0: MPBIAS_CHECK_MAX_PREC);
   a failure that is not one of certification (a diverging loss) stops. */
static mpbias_status
reference(refset *R, const mpbias_data_t data, const mpbias_model_t model,
          const mpbias_cand_struct *cand, const mpbias_gd_opts *gdo, int digits, mpfr_prec_t prec,
          mpfr_prec_t max_prec, mpbias_err_t err)
{
    mpbias_status st = MPBIAS_OK;
    slong j, npos = 0;
    mpfr_prec_t rprec = (mpfr_prec_t) ((digits + 20) * 3.3219280948873623) + 64;
    R->next = 0;
    R->cand = cand;
    if (cand->axis == MPBIAS_CAND_STEP)
    {
        mpbias_gd_opts go = *gdo;
        mpbias_gd_stats gs;
        mpfr_prec_t p0, p = prec > 0 ? prec : rprec;
        go.digits = digits;
        go.max_steps = cand->step[cand->n - 1];
        go.until_loss_set = 0;
        go.n_at_step = cand->n;
        go.at_step = cand->step;
        if (max_prec <= 0)
            max_prec = MPBIAS_CHECK_MAX_PREC;
        if (max_prec < p)
            max_prec = p;
        p0 = p;
        R->raised = 0;
        for (;;)
        {
            refset_reset(R);
            if (R->stab != NULL)
                stab_reset(R->stab);
            go.prec = p;
            R->prec = p;
            memset(&gs, 0, sizeof gs);
            st = _mpbias_gd_run_probe(data, model, &go, gd_collect, R,
                                      R->stab != NULL ? stab_probe : NULL, R->stab, &gs, err);
            /* a certification failure: the row's error estimate too large */
            if (st != MPBIAS_ERR_NUMERIC || !(gs.max_err_est > pow(10.0, -digits)))
                return st;
            if (2 * p > max_prec)
            {
                char raised[96] = "";
                if (R->raised > 0)
                    snprintf(raised, sizeof raised, ", raised %d times from %ld bits", R->raised,
                             (long) p0);
                return _mpbias_err_set(err, st, NULL, 0, 0,
                                       "gd: cannot certify %d digits at step %ld at %ld bits%s "
                                       "(estimated relative error %.2g: rounding errors grow along "
                                       "the iteration), and twice that would pass the limit of "
                                       "%ld bits (--max-prec)", digits, (long) gs.steps, (long) p,
                                       raised, gs.max_err_est, (long) max_prec);
            }
            p *= 2;
            R->raised++;
        }
    }
    for (j = 0; j < cand->n; j++)
    {
        if (fmpq_sgn(cand->time + j) == 0)
        {
            mpbias_flow_row row;
            initial_row(&row, data, model, rprec);
            refset_put(R, j, &row);
            mpbias_flow_row_clear(&row);
        }
        else
            npos++;
    }
    if (npos > 0)
    {
        mpbias_flow_opts fo;
        mpbias_flow_stats fs;
        slong k = 0;
        mpbias_flow_opts_init(&fo);
        fo.digits = digits;
        fo.prec = prec;
        fo.per_decade = 0;
        fo.until_time_set = 1;
        fmpq_set(fo.until_time->mant, cand->time + cand->n - 1);
        fmpz_zero(fo.until_time->exp10);
        fo.at_time = malloc((size_t) npos * sizeof(mpbias_sci_struct));
        if (fo.at_time == NULL)
        {
            mpbias_flow_opts_clear(&fo);
            return _mpbias_err_set(err, MPBIAS_ERR_NOMEM, NULL, 0, 0, "out of memory");
        }
        for (j = 0; j < cand->n; j++)
            if (fmpq_sgn(cand->time + j) > 0)
            {
                mpbias_sci_init(fo.at_time + k);
                fmpq_set(fo.at_time[k].mant, cand->time + j);
                k++;
            }
        fo.n_at_time = npos;
        st = mpbias_flow_run(data, model, &fo, flow_collect, NULL, R, &fs, err);
        for (k = 0; k < npos; k++)
            mpbias_sci_clear(fo.at_time + k);
        free(fo.at_time);
        mpbias_flow_opts_clear(&fo);
        /* repeated final times: the stop row is one row */
        for (j = 1; j < cand->n; j++)
            if (!R->have[j] && R->have[j - 1] && fmpq_equal(cand->time + j, cand->time + j - 1))
                refset_put(R, j, R->rows + j - 1);
    }
    return st;
}

/* ---- measuring ------------------------------------------------------- */

static double
digits_of(const mpfr_t rel, int K)
{
    double r;
    if (mpfr_nan_p(rel))
        return 0.0;
    if (mpfr_zero_p(rel))
        return (double) K;
    r = -log10(mpfr_get_d(rel, MPFR_RNDN));
    if (!(r > 0))
        return 0.0;
    if (mpfr_get_exp(rel) < -4000)
        return (double) K;
    return r > K ? (double) K : r;
}

/* w of candidate row j into w (from u when there is no w column) */
static void
cand_w(mpfr_t *w, const mpbias_cand_struct *c, slong j, int D)
{
    slong i;
    mpfr_t a;
    if (c->has_w)
    {
        for (i = 0; i < c->d; i++)
            mpfr_set(w[i], c->w[j * c->d + i], MPFR_RNDN);
        return;
    }
    mpfr_init2(a, mpfr_get_prec(w[0]));
    for (i = 0; i < c->d; i++)
    {
        mpfr_pow_ui(w[i], c->up[j * c->d + i], (unsigned long) D, MPFR_RNDN);
        mpfr_pow_ui(a, c->um[j * c->d + i], (unsigned long) D, MPFR_RNDN);
        mpfr_sub(w[i], w[i], a, MPFR_RNDN);
    }
    mpfr_clear(a);
}

/* normwise relative difference max|a - b| / max|b| (den: scale when b = 0) */
static void
rel_vec(mpfr_t out, const mpfr_t *a, const mpfr_t *b, slong d, double scale0)
{
    slong i;
    mpfr_t t, den;
    mpfr_inits2(mpfr_get_prec(out), t, den, (mpfr_ptr) 0);
    mpfr_set_zero(out, 1);
    mpfr_set_zero(den, 1);
    for (i = 0; i < d; i++)
    {
        mpfr_sub(t, a[i], b[i], MPFR_RNDN);
        mpfr_abs(t, t, MPFR_RNDN);
        if (mpfr_nan_p(t))
        {
            mpfr_set_nan(out);
            break;
        }
        if (mpfr_cmp(t, out) > 0)
            mpfr_set(out, t, MPFR_RNDN);
        if (mpfr_cmpabs(b[i], den) > 0)
            mpfr_abs(den, b[i], MPFR_RNDN);
    }
    if (mpfr_zero_p(den))
        mpfr_set_d(den, scale0, MPFR_RNDN);
    mpfr_div(out, out, den, MPFR_RNDN);
    mpfr_clears(t, den, (mpfr_ptr) 0);
}

static void
margin_loss_of(mpfr_t gam, mpfr_t logL, const mpfr_t *Z, const mpfr_t *w, const mpbias_data_t data,
               const mpbias_model_t model)
{
    slong i, k, n = data->n, d = data->d;
    mpfr_prec_t p = mpfr_get_prec(gam);
    mpfr_t m, a, mx, s;
    mpfr_inits2(p, m, a, mx, s, (mpfr_ptr) 0);
    mpfr_set_inf(gam, 1);
    mpfr_set_inf(mx, -1);
    mpfr_set_zero(s, 1);
    for (k = 0; k < n; k++)
    {
        mpfr_set_zero(m, 1);
        for (i = 0; i < d; i++)
            mpfr_fma(m, Z[k * d + i], w[i], m, MPFR_RNDN);
        if (mpfr_nan_p(m))
        {
            mpfr_set_nan(gam);
            mpfr_set_nan(logL);
            mpfr_clears(m, a, mx, s, (mpfr_ptr) 0);
            return;
        }
        if (mpfr_cmp(m, gam) < 0)
            mpfr_set(gam, m, MPFR_RNDN);
        mpfr_neg(a, m, MPFR_RNDN);
        if (model->loss == MPBIAS_LOSS_LOGISTIC)
        {
            mpfr_exp(m, a, MPFR_RNDN);
            mpfr_log1p(m, m, MPFR_RNDN);
            mpfr_log(a, m, MPFR_RNDN);
        }
        if (mpfr_cmp(a, mx) > 0)
        {
            mpfr_sub(m, mx, a, MPFR_RNDN);
            mpfr_exp(m, m, MPFR_RNDN);
            mpfr_mul(s, s, m, MPFR_RNDN);
            mpfr_set(mx, a, MPFR_RNDN);
        }
        mpfr_sub(m, a, mx, MPFR_RNDN);
        mpfr_exp(m, m, MPFR_RNDN);
        mpfr_add(s, s, m, MPFR_RNDN);
    }
    mpfr_log(logL, s, MPFR_RNDN);
    mpfr_add(logL, logL, mx, MPFR_RNDN);
    if (model->mean)
    {
        mpfr_set_si(a, (long) n, MPFR_RNDN);
        mpfr_log(a, a, MPFR_RNDN);
        mpfr_sub(logL, logL, a, MPFR_RNDN);
    }
    mpfr_clears(m, a, mx, s, (mpfr_ptr) 0);
}

/* |expm1(a - b)|: the relative difference of two losses from their logs */
static void
rel_loss(mpfr_t out, const mpfr_t la, const mpfr_t lb)
{
    if (mpfr_inf_p(la) && mpfr_sgn(la) < 0)
    {
        mpfr_set_ui(out, 1, MPFR_RNDN);   /* a zero loss: no digit right */
        return;
    }
    mpfr_sub(out, la, lb, MPFR_RNDN);
    mpfr_expm1(out, out, MPFR_RNDN);
    mpfr_abs(out, out, MPFR_RNDN);
}

/* the scale max_i (|u_+|^D + |u_-|^D) that w = u_+^D - u_-^D cancels
   from: the candidate's u, or the flow's conservation law for this w
   (D = 1: u_+ + u_- = a + b; D = 2: u_+ u_- = a b; D >= 3:
   u_+^(2-D) + u_-^(2-D) = a^(2-D) + b^(2-D)), in double */
static double
cancel_scale(const mpbias_cand_struct *c, slong j, const mpfr_t *wref, const mpbias_model_t model)
{
    slong i;
    int D = model->depth;
    double S = 0;
    for (i = 0; i < c->d; i++)
    {
        double s;
        if (c->has_u)
            s = pow(fabs(mpfr_get_d(c->up[j * c->d + i], MPFR_RNDN)), D)
                + pow(fabs(mpfr_get_d(c->um[j * c->d + i], MPFR_RNDN)), D);
        else
        {
            double a = fmpq_get_d(model->shape_a ? model->shape_a + i : model->alpha);
            double b = fmpq_get_d(model->shape_b ? model->shape_b + i : model->alpha);
            double w = mpfr_get_d(wref[i], MPFR_RNDN);
            if (D == 1)
                s = fabs((a + b + w) / 2) + fabs((a + b - w) / 2);
            else if (D == 2)
                s = sqrt(w * w + 4 * a * a * b * b);
            else
            {
                /* x = u_+^D in [max(w, 0), ...]: x^e + (x - w)^e = cc, e = (2-D)/D */
                double e = (2.0 - D) / D, cc = pow(a, 2.0 - D) + pow(b, 2.0 - D);
                double lo = w > 0 ? w : 0, hi = lo + 1;
                int it;
                while (pow(hi, e) + pow(hi - w, e) > cc && hi < 1e300)
                    hi *= 2;
                for (it = 0; it < 200; it++)
                {
                    double mid = 0.5 * (lo + hi);
                    if (pow(mid, e) + pow(mid - w, e) > cc)
                        lo = mid;
                    else
                        hi = mid;
                }
                s = hi + (hi - w);
            }
        }
        if (s > S)
            S = s;
    }
    return S;
}

/* Measure the candidate against reference rows R into res (rows, worst,
   first_bad, agree). */
static void
measure(mpbias_check_result *res, const refset *R, const mpbias_cand_struct *c,
        const mpbias_data_t data, const mpbias_model_t model, const mpfr_t *Z, int K,
        double min_digits, mpfr_prec_t prec)
{
    slong j, d = c->d;
    mpfr_t *w = _mpbias_mpfr_vec_init(d, prec);
    mpfr_t rel, gam, logL, lref;
    double scale0 = 1.0;
    if (model->shape_a == NULL)
        scale0 = pow(fmpq_get_d(model->alpha), model->depth);
    if (!(scale0 > 0) || !isfinite(scale0))
        scale0 = 1.0;
    mpfr_inits2(prec, rel, gam, logL, lref, (mpfr_ptr) 0);
    res->n = c->n;
    res->first_bad = -1;
    res->worst_w = res->worst_loss = res->worst_margin = K;
    res->reached = 0;
    for (j = 0; j < c->n; j++)
    {
        mpbias_check_row *o = res->rows + j;
        const mpbias_flow_row *r = R->rows + j;
        int bad = 0;
        o->line = c->line[j];
        o->reached = R->have[j];
        o->digits_w = o->digits_loss = o->digits_margin = NAN;
        o->margin_from_w = !c->has_margin;
        o->f64_digits = o->step_sharpness = o->jac_digits = NAN;
        if (!o->reached)
        {
            o->ref_margin = o->ref_log10_loss = o->ref_log10_t = NAN;
            continue;
        }
        if (R->prec > 0 && !isnan(R->lerr[j]))
        {
            /* the two runs differ by about c 2^-p A (A the amplification of
               rounding errors); float64 by c 2^-53 A */
            double f = -(R->lerr[j] + (double) (R->prec - 53) * 0.30102999566398120);
            o->f64_digits = f > 16 ? 16 : f < 0 ? 0 : f;
        }

        res->reached++;
        o->ref_margin = mpfr_get_d(r->margin, MPFR_RNDN);
        o->ref_log10_loss = mpfr_get_d(r->log10_loss, MPFR_RNDN);
        o->ref_log10_t = mpfr_get_d(r->log10_t, MPFR_RNDN);
        cand_w(w, c, j, model->depth);
        rel_vec(rel, (const mpfr_t *) w, (const mpfr_t *) r->w, d, scale0);
        o->digits_w = digits_of(rel, K);
        margin_loss_of(gam, logL, Z, (const mpfr_t *) w, data, model);
        if (c->has_margin)
            mpfr_set(gam, c->margin[j], MPFR_RNDN);
        mpfr_sub(rel, gam, r->margin, MPFR_RNDN);
        mpfr_abs(rel, rel, MPFR_RNDN);
        if (!mpfr_zero_p(r->margin))
            mpfr_div(rel, rel, r->margin, MPFR_RNDN);
        mpfr_abs(rel, rel, MPFR_RNDN);
        o->digits_margin = digits_of(rel, K);
        if (c->loss_kind != MPBIAS_CAND_LOSS_NONE)
        {
            mpfr_set_ui(lref, 10, MPFR_RNDN);
            mpfr_log(lref, lref, MPFR_RNDN);
            mpfr_mul(lref, lref, r->log10_loss, MPFR_RNDN);
            rel_loss(rel, c->log_loss[j], lref);
            o->digits_loss = digits_of(rel, K);
        }
        if (o->digits_w < res->worst_w)
            res->worst_w = o->digits_w;
        if (o->digits_margin < res->worst_margin)
            res->worst_margin = o->digits_margin;
        if (!isnan(o->digits_loss) && o->digits_loss < res->worst_loss)
            res->worst_loss = o->digits_loss;
        bad = o->digits_w < min_digits || o->digits_margin < min_digits
              || (!isnan(o->digits_loss) && o->digits_loss < min_digits);
        if (bad && res->first_bad < 0)
            res->first_bad = j;
    }
    res->agree = res->first_bad < 0 && res->reached == c->n;
    mpfr_clears(rel, gam, logL, lref, (mpfr_ptr) 0);
    _mpbias_mpfr_vec_clear(w, d);
}

/* the first row with a value that is not a number (w, u or the loss), or -1 */
static slong
first_nan_row(const mpbias_cand_struct *c)
{
    slong j, i;
    for (j = 0; j < c->n; j++)
    {
        for (i = 0; i < c->d; i++)
        {
            if (c->has_w && !mpfr_number_p(c->w[j * c->d + i]))
                return j;
            if (c->has_u && (!mpfr_number_p(c->up[j * c->d + i]) || !mpfr_number_p(c->um[j * c->d + i])))
                return j;
        }
        if (c->loss_kind != MPBIAS_CAND_LOSS_NONE && mpfr_nan_p(c->log_loss[j]))
            return j;
    }
    return -1;
}

static void
where_str(char *buf, size_t len, const mpbias_cand_struct *c, slong j)
{
    if (c->axis == MPBIAS_CAND_STEP)
        snprintf(buf, len, "row %ld (line %ld, step %ld)", (long) j + 1, (long) c->line[j],
                 (long) c->step[j]);
    else
        snprintf(buf, len, "row %ld (line %ld, t = %.6g)", (long) j + 1, (long) c->line[j],
                 fmpq_get_d(c->time + j));
}

/* Run a variant reference and measure: 1 when it could be computed. */
static int
variant(mpbias_check_result *out, const mpbias_data_t data, const mpbias_model_t model,
        const mpbias_cand_struct *c, const mpbias_gd_opts *gdo, const mpbias_check_opts *o,
        const mpfr_t *Z, mpfr_prec_t prec)
{
    refset R;
    mpbias_err_t e;
    int ok;
    if (!refset_init(&R, c))
    {
        refset_clear(&R);
        return 0;
    }
    mpbias_err_clear(e);
    ok = reference(&R, data, model, c, gdo, o->digits, o->prec, o->max_prec, e) == MPBIAS_OK;
    if (ok)
    {
        mpbias_check_result_init(out);
        out->rows = calloc((size_t) c->n, sizeof(mpbias_check_row));
        ok = out->rows != NULL;
        if (ok)
            measure(out, &R, c, data, model, Z, o->digits, o->min_digits, prec);
    }
    refset_clear(&R);
    return ok;
}

/* q = x exactly (x finite) */
static void
fmpq_from_double(fmpq_t q, double x)
{
    int e;
    double m = frexp(x, &e);
    fmpz_set_d(fmpq_numref(q), ldexp(m, 53));
    fmpz_one(fmpq_denref(q));
    e -= 53;
    if (e >= 0)
        fmpz_mul_2exp(fmpq_numref(q), fmpq_numref(q), (ulong) e);
    else
        fmpz_mul_2exp(fmpq_denref(q), fmpq_denref(q), (ulong) -e);
    fmpq_canonicalise(q);
}

/* GD rows at the candidate's times with step h (0 when a time is not a
   multiple of h within 1e-9, or is more than 2e6 steps away: gradient
   descent that long is not run to explain a candidate).  R must be
   initialized. */
static int
gd_at_times(refset *R, const mpbias_data_t data, const mpbias_model_t model,
            const mpbias_cand_struct *c, const fmpq_t h, const mpbias_check_opts *o)
{
    mpbias_cand_struct cs = *c;
    mpbias_gd_opts go;
    slong *steps, j;
    double hd = fmpq_get_d(h);
    int ok = 1;
    fmpq_t eta;
    mpbias_err_t e;
    steps = malloc((size_t) c->n * sizeof(slong));
    if (steps == NULL || !(hd > 0))
    {
        free(steps);
        return 0;
    }
    for (j = 0; j < c->n && ok; j++)
    {
        double k = fmpq_get_d(c->time + j) / hd;
        ok = k <= 2e6 && fabs(k - floor(k + 0.5)) <= 1e-9 * (k > 1 ? k : 1);
        steps[j] = (slong) floor(k + 0.5);
    }
    if (ok)
    {
        fmpq_init(eta);
        fmpq_set(eta, h);
        mpbias_gd_opts_init(&go);
        go.neta = 1;
        go.eta = eta;
        cs.axis = MPBIAS_CAND_STEP;
        cs.step = steps;
        mpbias_err_clear(e);
        ok = reference(R, data, model, &cs, &go, o->digits, o->prec, o->max_prec, e) == MPBIAS_OK;
        mpbias_gd_opts_clear(&go);
        fmpq_clear(eta);
    }
    free(steps);
    return ok;
}

/* The least-squares fit of w_c - w_flow = eta C over the rows where both
   references have the candidate's (positive) time, C = (w_gd - w_flow) / h0
   from gradient descent G with the small step h0: num = <delta, C>,
   den = |C|^2, dd = |delta|^2 (delta = w_c - w_flow). */
static void
step_fit(double *num, double *den, double *dd, const refset *F, const refset *G,
         const mpbias_cand_struct *c, const mpbias_model_t model, const fmpq_t h0,
         mpfr_prec_t prec)
{
    slong j, i, d = c->d;
    mpfr_t *w = _mpbias_mpfr_vec_init(d, prec);
    for (j = 0; j < c->n; j++)
    {
        if (!F->have[j] || !G->have[j] || fmpq_sgn(c->time + j) == 0)
            continue;
        cand_w(w, c, j, model->depth);
        for (i = 0; i < d; i++)
        {
            double delta = mpfr_get_d(w[i], MPFR_RNDN) - mpfr_get_d(F->rows[j].w[i], MPFR_RNDN);
            double C;
            mpfr_sub(w[i], G->rows[j].w[i], F->rows[j].w[i], MPFR_RNDN);
            C = mpfr_get_d(w[i], MPFR_RNDN) / fmpq_get_d(h0);
            *num += delta * C;
            *den += C * C;
            *dd += delta * delta;
        }
    }
    _mpbias_mpfr_vec_clear(w, d);
}

/* The fitted step eta rounded to one and to two significant digits, as
   decimals: gradient descent with each, measured against the candidate;
   the step that agrees best into hbest.  Returns its worst digits of w
   (-1 when neither could be run). */
static double
best_decimal_step(fmpq_t hbest, double eta, const mpbias_data_t data, const mpbias_model_t model,
                  const mpbias_cand_struct *c, const mpbias_check_opts *o, const mpfr_t *Z,
                  mpfr_prec_t prec)
{
    mpbias_check_result ar;
    double e10 = pow(10.0, floor(log10(eta))), bestw = -1;
    fmpq_t hs;
    int k;
    fmpq_init(hs);
    for (k = 0; k < 2; k++)
    {
        /* eta rounded to k + 1 significant digits, as a decimal */
        double q = k == 0 ? 1 : 10;
        double m = floor(eta / e10 * q + 0.5);
        refset H;
        if (e10 / q >= 1)
            fmpq_set_si(hs, (slong) (m * (e10 / q)), 1);
        else
        {
            fmpz_set_d(fmpq_numref(hs), m);
            fmpz_set_d(fmpq_denref(hs), floor(q / e10 + 0.5));
            fmpq_canonicalise(hs);
        }
        if (fmpq_sgn(hs) <= 0)
            continue;
        if (!refset_init(&H, c))
            continue;
        if (gd_at_times(&H, data, model, c, hs, o))
        {
            mpbias_check_result_init(&ar);
            ar.rows = calloc((size_t) c->n, sizeof(mpbias_check_row));
            if (ar.rows != NULL)
            {
                measure(&ar, &H, c, data, model, Z, o->digits, o->min_digits, prec);
                if (ar.worst_w > bestw)
                {
                    bestw = ar.worst_w;
                    fmpq_set(hbest, hs);
                }
            }
            mpbias_check_result_clear(&ar);
        }
        refset_clear(&H);
    }
    fmpq_clear(hs);
    return bestw;
}

/* A time candidate that disagrees with the flow: is it gradient descent?
   The GD-flow gap is first order in the step, w_gd(t) - w_flow(t) ~ h C(t):
   C from GD with a small step h0, the candidate's step by least squares
   on w_c - w_flow = eta C, then confirmed by GD with eta rounded to one
   or two significant digits. */
static void
explain_gd(mpbias_check_result *res, const refset *F, const mpbias_data_t data,
           const mpbias_model_t model, const mpbias_cand_struct *c, const mpbias_check_opts *o,
           const mpfr_t *Z, mpfr_prec_t prec)
{
    slong j, npos = 0;
    double tmin = 0, num = 0, den = 0, dd = 0, eta, resid;
    fmpq_t h0;
    refset G;
    for (j = 0; j < c->n; j++)
        if (fmpq_sgn(c->time + j) > 0)
        {
            double t = fmpq_get_d(c->time + j);
            if (npos++ == 0 || t < tmin)
                tmin = t;
        }
    if (npos == 0 || !refset_init(&G, c))
        return;
    /* h0 = tmin / 256, as an exact binary fraction */
    fmpq_init(h0);
    fmpq_from_double(h0, tmin / 256);
    if (!gd_at_times(&G, data, model, c, h0, o))
    {
        /* the times are not multiples of tmin / 256: try 1e-4 tmin's
           power of ten */
        double p = pow(10.0, floor(log10(tmin)) - 3);
        fmpq_set_si(h0, 1, 1);
        if (p < 1)
            fmpz_set_d(fmpq_denref(h0), floor(1 / p + 0.5));
        else
            fmpz_set_d(fmpq_numref(h0), floor(p + 0.5));
        fmpq_canonicalise(h0);
        refset_clear(&G);
        refset_init(&G, c);
        if (!gd_at_times(&G, data, model, c, h0, o))
        {
            refset_clear(&G);
            fmpq_clear(h0);
            return;
        }
    }
    step_fit(&num, &den, &dd, F, &G, c, model, h0, prec);
    refset_clear(&G);
    fmpq_clear(h0);
    if (!(den > 0 && dd > 0 && isfinite(num)))
        return;
    eta = num / den;
    /* |delta - eta C|^2 / |delta|^2 */
    resid = sqrt(fmax(0.0, 1 - num * num / (den * dd)));
    if (eta > 0 && resid < 0.3)
    {
        fmpq_t hbest;
        double bestw;
        fmpq_init(hbest);
        bestw = best_decimal_step(hbest, eta, data, model, c, o, Z, prec);
        if (bestw >= res->worst_w + 1)
        {
            double need = pow(10.0, o->min_digits - res->worst_w);
            add_diag(res, MPBIAS_DIAG_STEP_TOO_LARGE,
                     "The candidate is gradient descent with step %.6g (it agrees with that "
                     "to %.1f digits, with the flow to %.1f): a step too large for the flow "
                     "approximation at this accuracy.  The gap is first order in the step: "
                     "about %.2g (%.3g times smaller) would give %g digits.",
                     fmpq_get_d(hbest), bestw, res->worst_w, fmpq_get_d(hbest) / need, need,
                     o->min_digits);
        }
        else
            add_diag(res, MPBIAS_DIAG_STEP_TOO_LARGE,
                     "The candidate's distance to the flow is first order in a step of about "
                     "%.3g (fit residual %.2g): it looks like gradient descent (or an Euler "
                     "method) with that step, too large for the flow approximation at this "
                     "accuracy.", eta, resid);
        fmpq_clear(hbest);
    }
}

/* Evidence that exp(-m) underflowed in the candidate (float64: subnormal
   past margin 708, zero past 745), at the first row from the first bad one
   on where the reference's margin exceeds 700 and the candidate shows what
   the reference does not: a NaN or infinite value (0 / 0 once every weight
   is 0), a zero or subnormal w_i (u_i) or loss, or a w frozen (equal to
   the previous row's) while the reference's moved by more than 10^-md.
   Returns the row, or -1; *what says which. */
static slong
underflow_evidence(const mpbias_cand_struct *c, const refset *R, const mpbias_check_result *res,
                   int D, double md, mpfr_prec_t prec, const char **what)
{
    slong j, i, d = c->d;
    mpfr_t *w = _mpbias_mpfr_vec_init(d, prec), *w1 = _mpbias_mpfr_vec_init(d, prec), rel;
    slong found = -1;
    mpfr_init2(rel, prec);
    for (j = res->first_bad >= 0 ? res->first_bad : c->n; j < c->n && found < 0; j++)
    {
        if (!R->have[j] || !(res->rows[j].ref_margin > 700))
            continue;
        for (i = 0; i < d && found < 0; i++)
        {
            mpfr_srcptr x[3];
            int nx = 0, q;
            if (c->has_w)
                x[nx++] = c->w[j * d + i];
            if (c->has_u)
            {
                x[nx++] = c->up[j * d + i];
                x[nx++] = c->um[j * d + i];
            }
            for (q = 0; q < nx && found < 0; q++)
            {
                if (!mpfr_number_p(x[q]))
                {
                    found = j;
                    *what = "NaN or infinite values (0 / 0 once every exp(-m_n) is 0)";
                }
                else if ((mpfr_zero_p(x[q]) || mpfr_get_exp(x[q]) <= -1022)
                         && !mpfr_zero_p(R->rows[j].w[i]))
                {
                    found = j;
                    *what = mpfr_zero_p(x[q]) ? "zeros" : "subnormal values";
                }
            }
        }
        if (found < 0 && c->loss_kind == MPBIAS_CAND_LOSS_VALUE && mpfr_number_p(c->log_loss[j])
            && mpfr_cmp_si(c->log_loss[j], -708) < 0)
        {
            found = j;
            *what = "a subnormal loss (below 2.2e-308)";
        }
        if (found < 0 && c->loss_kind != MPBIAS_CAND_LOSS_NONE && mpfr_inf_p(c->log_loss[j])
            && mpfr_sgn(c->log_loss[j]) < 0)
        {
            found = j;
            *what = "a zero loss";
        }
        if (found < 0 && j > 0 && R->have[j - 1] && c->step != NULL && c->axis == MPBIAS_CAND_STEP
            && c->step[j] > c->step[j - 1])
        {
            int same = 1;
            cand_w(w, c, j, D);
            cand_w(w1, c, j - 1, D);
            for (i = 0; i < d && same; i++)
                same = mpfr_equal_p(w[i], w1[i]);
            if (same)
            {
                rel_vec(rel, (const mpfr_t *) R->rows[j - 1].w, (const mpfr_t *) R->rows[j].w, d, 1.0);
                if (mpfr_cmp_d(rel, pow(10.0, -md)) > 0)
                {
                    found = j;
                    *what = "a w that stopped moving (a zero gradient: every exp(-m_n) is 0)";
                }
            }
        }
    }
    mpfr_clear(rel);
    _mpbias_mpfr_vec_clear(w, d);
    _mpbias_mpfr_vec_clear(w1, d);
    return found;
}

/* The iteration itself amplifies rounding errors: established by two
   independent measurements along the reference that each predict the
   digits float64 keeps at the first bad row (below the threshold, give or
   take the constant of the rounding errors): the difference of the
   reference's two runs scaled to 53 bits (f64_digits), and the rounding
   errors propagated through the iteration's Jacobian (jac_digits); the
   rates over the window where the digits go, and step x sharpness (the
   mechanism when above 2), are reported. */
static void
explain_unstable(mpbias_check_result *res, const refset *R, const stab_ctx *S,
                 const mpbias_cand_struct *c, double md, int normalized)
{
    slong jb = res->first_bad, j, j0 = -1, jm, jlast;
    const mpbias_check_row *b = res->rows + jb;
    mpbias_check_stability *st = &res->stab;
    double dsteps;
    char sharp[400], fix[96] = "", wb[128], wm[128];
    if (jb < 1 || !b->reached || !(b->f64_digits < md + 1) || !(b->jac_digits < md + 2))
        return;
    /* the window: from the last row before jb where float64 keeps 14.5
       digits by both measures */
    for (j = jb - 1; j >= 0 && j0 < 0; j--)
        if (res->rows[j].reached && res->rows[j].f64_digits >= 14.5 && res->rows[j].jac_digits >= 14.5
            && isfinite(R->lerr[j]) && c->step[j] < c->step[jb])
            j0 = j;
    if (j0 < 0)
        return;
    dsteps = (double) (c->step[jb] - c->step[j0]);
    st->win_from = c->step[j0];
    st->win_to = c->step[jb];
    st->drift_rate = (R->lerr[jb] - R->lerr[j0]) / dsteps;
    st->growth_rate = pow(10.0, (S->row_growth[jb] - S->row_growth[j0]) / dsteps);
    jm = st->meaningless_from >= 0 ? st->meaningless_from : jb;
    jlast = jm > 0 ? jm - 1 : 0;
    if (isnan(st->max_step_sharpness))
        snprintf(sharp, sizeof sharp, "the sharpness is not computed (d > %d, or u beyond the "
                 "range of a double)", STAB_MAX_D);
    else if (st->first_unstable >= 0 && st->first_unstable <= c->step[jb])
        snprintf(sharp, sizeof sharp,
                 "step x sharpness is above 2 from step %ld and reaches %.3g at step %ld "
                 "(eta %.3g, lambda_max %.4g of the Hessian of %s in (u_+, u_-): the "
                 "iteration's Jacobian I - eta H has the eigenvalue %.3g < -1)",
                 (long) st->first_unstable, st->max_step_sharpness, (long) st->max_step, st->eta,
                 st->sharpness, normalized ? "log L" : "L", 1 - st->max_step_sharpness);
    else
        snprintf(sharp, sizeof sharp,
                 "step x sharpness stays below 2 up to there (at most %.3g, at step %ld): the "
                 "growth is transient, not an eigenvalue of the Jacobian past -1",
                 st->max_step_sharpness, (long) st->max_step);
    if (isfinite(st->sharpness) && st->sharpness > 0)
        snprintf(fix, sizeof fix, " = %.3g at step %ld", 2 / st->sharpness, (long) st->max_step);
    where_str(wb, sizeof wb, c, jb);
    where_str(wm, sizeof wm, c, jm);
    add_diag(res, MPBIAS_DIAG_UNSTABLE,
             "The iteration itself amplifies rounding errors, as measured along the reference: "
             "its runs at %ld and %ld bits drift apart by %.2g digits per step from step %ld to "
             "%ld, so that float64's rounding errors, amplified alike, leave about %.1f digits of "
             "the exact iteration at %s (a linear estimate; the candidate has %.1f); carried "
             "through the iteration's Jacobian they grow by a factor %.3g per step there (%.1f "
             "digits left); %s.  Any finite-precision implementation leaves the exact iteration "
             "there, so the comparison is meaningless from %s on: compare up to step %ld, or "
             "take a smaller step (below 2 / lambda_max%s, to stay stable).", (long) st->prec,
             (long) st->prec + 64, st->drift_rate, (long) st->win_from, (long) st->win_to,
             b->f64_digits, wb, b->digits_w, st->growth_rate, b->jac_digits, sharp, wm,
             (long) c->step[jlast], fix);
}

/* float64 underflow: the candidate shows at some row what exp(-margin)
   past 708 (subnormal) or 745 (zero) does, and the reference does not */
static void
explain_underflow(mpbias_check_result *res, const refset *R, const mpbias_cand_struct *c,
                  const mpbias_model_t model, double md, mpfr_prec_t prec)
{
    char where[128];
    const char *what = NULL;
    slong ju = underflow_evidence(c, R, res, model->depth, md, prec, &what);
    if (ju >= 0)
    {
        where_str(where, sizeof where, c, ju);
        add_diag(res, MPBIAS_DIAG_UNDERFLOW,
                 "At %s, where the margin is %.6g, the candidate shows %s, which the "
                 "reference does not: in float64, exp(-margin) is subnormal beyond 708 "
                 "and zero beyond 745, so the per-sample weights exp(-m_n) and the loss "
                 "underflow and training silently stops (or divides 0 by 0).  Compute "
                 "exp(-(m_n - min_k m_k)) and carry the loss as its logarithm "
                 "(log-sum-exp).", where, res->rows[ju].ref_margin, what);
    }
}

/* The loss column: 0 where the loss underflowed, or the loss of another
   formula than the one checked (mean vs sum, no log-sum-exp) */
static void
explain_loss(mpbias_check_result *res, const refset *R, const mpbias_cand_struct *c,
             const mpbias_data_t data, const mpbias_model_t model, const mpbias_check_opts *o,
             const mpfr_t *Z, mpfr_prec_t prec)
{
    slong j, n = data->n, d = data->d;
    double md = o->min_digits;
    char where[128];
    if (c->loss_kind != MPBIAS_CAND_LOSS_NONE)
    {
        for (j = 0; j < c->n; j++)
            if (R->have[j] && mpfr_inf_p(c->log_loss[j]) && mpfr_sgn(c->log_loss[j]) < 0)
                break;
        if (j < c->n)
        {
            where_str(where, sizeof where, c, j);
            if (model->loss == MPBIAS_LOSS_LOGISTIC && res->rows[j].ref_log10_loss > -300)
                add_diag(res, MPBIAS_DIAG_LOSS_UNDERFLOW,
                         "The candidate's loss is 0 at %s, where the loss is 10^%.6g: "
                         "log(1 + exp(-m)) rounds to 0 in float64 once exp(-m) < 1.1e-16 "
                         "(margins past 36.7).  Use log1p(exp(-m)), and carry the loss as "
                         "its logarithm (log-sum-exp).", where, res->rows[j].ref_log10_loss);
            else
                add_diag(res, MPBIAS_DIAG_LOSS_UNDERFLOW,
                         "The candidate's loss is 0 at %s, where the loss is 10^%.6g: the "
                         "loss was formed as sum exp(-m_n), which underflows in float64 "
                         "(below 4.9e-324, margins past 745).  Carry log L = -min m + "
                         "log sum exp(-(m_n - min m)) instead (log-sum-exp).", where,
                         res->rows[j].ref_log10_loss);
        }
        else
        {
            /* the loss column against the loss of the candidate's own w */
            mpfr_t *w = _mpbias_mpfr_vec_init(d, prec), gam, logL, rel;
            double worst = o->digits, shift = 0;
            slong jw = -1;
            mpfr_inits2(prec, gam, logL, rel, (mpfr_ptr) 0);
            for (j = 0; j < c->n; j++)
            {
                double dg;
                /* rows where float64 can hold the loss to md + 1 digits: its
                   log L has an absolute error of at least margin x 2^-53 */
                if (!R->have[j] || res->rows[j].digits_w < md
                    || !(fabs(res->rows[j].ref_margin) * 2.2e-16 < pow(10.0, -md - 1)))
                    continue;
                cand_w(w, c, j, model->depth);
                margin_loss_of(gam, logL, (const mpfr_t *) Z, (const mpfr_t *) w, data, model);
                rel_loss(rel, c->log_loss[j], logL);
                dg = digits_of(rel, o->digits);
                if (dg < worst)
                {
                    worst = dg;
                    jw = j;
                    mpfr_sub(rel, c->log_loss[j], logL, MPFR_RNDN);
                    shift = mpfr_get_d(rel, MPFR_RNDN);
                }
            }
            if (jw >= 0 && worst < md && n > 1 && fabs(fabs(shift) - log((double) n)) < 1e-6)
            {
                where_str(where, sizeof where, c, jw);
                add_diag(res, MPBIAS_DIAG_LOSS_FORMULA,
                         "The candidate's w is right but its loss column is the %s loss of "
                         "that w, not the %s loss checked (a factor N = %ld, at %s and "
                         "elsewhere).", shift < 0 ? "mean" : "summed", model->mean ? "mean" : "summed",
                         (long) n, where);
            }
            else if (jw >= 0 && worst < md)
            {
                where_str(where, sizeof where, c, jw);
                add_diag(res, MPBIAS_DIAG_LOSS_FORMULA,
                         "The candidate's w is right but its loss column is not the %s "
                         "%s loss of that w (%.1f digits at %s): the loss is computed with "
                         "another formula or convention (mean vs sum, or without "
                         "log-sum-exp).", model->mean ? "mean" : "summed",
                         model->loss == MPBIAS_LOSS_EXP ? "exponential" : "logistic", worst, where);
            }
            mpfr_clears(gam, logL, rel, (mpfr_ptr) 0);
            _mpbias_mpfr_vec_clear(w, d);
        }
    }
}

/* cancellation: the digits of w lost at the worst row match the
   size of u_+^D against w */
static void
explain_cancellation(mpbias_check_result *res, const refset *R, const mpbias_cand_struct *c,
                     const mpbias_model_t model, int digits)
{
    slong j, i, d = c->d;
    char where[128];
    slong jw = -1;
    double worst = digits;
    for (j = 0; j < c->n; j++)
        if (R->have[j] && res->rows[j].digits_w < worst)
        {
            worst = res->rows[j].digits_w;
            jw = j;
        }
    if (jw >= 0 && worst < 14.5)
    {
        double wmax = 0, S, lost;
        for (i = 0; i < d; i++)
            if (fabs(mpfr_get_d(R->rows[jw].w[i], MPFR_RNDN)) > wmax)
                wmax = fabs(mpfr_get_d(R->rows[jw].w[i], MPFR_RNDN));
        S = cancel_scale(c, jw, (const mpfr_t *) R->rows[jw].w, model);
        lost = wmax > 0 ? log10(S / wmax) : 0;
        if (lost >= 2 && worst >= 16 - lost - 2.5 && worst <= 16 - lost + 1.5)
        {
            where_str(where, sizeof where, c, jw);
            add_diag(res, MPBIAS_DIAG_CANCELLATION,
                     "w = u_+^D - u_-^D cancels: at %s u_+^D and u_-^D are about 10^%.1f "
                     "times max |w_i|, so float64 keeps about %.1f digits of w (the "
                     "candidate has %.1f).  Compute w from the closed form of the flow "
                     "(2 alpha^2 sinh(4 s) for D = 2, s = Z^T nu) or accumulate w itself.",
                     where, lost, 16 - lost, worst);
        }
}
}

/* The other convention: the candidate follows the mean loss when the
   summed one is checked, or the other way round */
static void
explain_mean_sum(mpbias_check_result *res, const mpbias_data_t data, const mpbias_model_t model,
                 const mpbias_cand_struct *c, const mpbias_check_opts *o, const mpfr_t *Z,
                 mpfr_prec_t prec)
{
    slong n = data->n;
    if (!(c->axis == MPBIAS_CAND_STEP && o->gd->normalized))
    {
        mpbias_model_t alt;
        mpbias_check_result ar;
        mpbias_model_init(alt);
        alt->depth = model->depth;
        alt->loss = model->loss;
        alt->mean = !model->mean;
        fmpq_set(alt->alpha, model->alpha);
        if (model->shape_a != NULL)
            mpbias_model_set_shape(alt, model->shape_a, model->shape_b, model->d, NULL);
        mpbias_check_result_init(&ar);
        if (n > 1 && variant(&ar, data, alt, c, o->gd, o, (const mpfr_t *) Z, prec)
            && ar.worst_w >= res->worst_w + 2)
            add_diag(res, MPBIAS_DIAG_MEAN_SUM,
                     "The candidate follows the %s loss (w to %.1f digits), not the %s loss "
                     "checked (%.1f digits): its %s is off by the factor N = %ld.  Use the "
                     "summed loss (the paper's eps) or check with --loss-mean.",
                     alt->mean ? "mean" : "summed", ar.worst_w, model->mean ? "mean" : "summed",
                     res->worst_w, c->axis == MPBIAS_CAND_STEP ? "step size" : "time", (long) n);
        mpbias_check_result_clear(&ar);
        mpbias_model_clear(alt);
    }
}

/* The first row that moves, against the reference's: no move, a sign
   error, a constant factor, or another direction (jn: the first row of
   NaN, or -1) */
static void
explain_first_step(mpbias_check_result *res, const refset *R, const mpbias_cand_struct *c,
                   const mpbias_data_t data, const mpbias_model_t model, double md, slong jn,
                   mpfr_prec_t prec)
{
    slong j, i, d = data->d;
    char where[128];
    if (!has_diag(res, MPBIAS_DIAG_MEAN_SUM) && !has_diag(res, MPBIAS_DIAG_STEP_TOO_LARGE)
        && !has_diag(res, MPBIAS_DIAG_UNDERFLOW) && !has_diag(res, MPBIAS_DIAG_CANCELLATION)
        && !has_diag(res, MPBIAS_DIAG_UNSTABLE))
    {
        mpbias_flow_row w0;
        slong j1 = -1;
        for (j = 0; j < c->n; j++)
            if (R->have[j] && (c->axis == MPBIAS_CAND_STEP ? c->step[j] > 0 : fmpq_sgn(c->time + j) > 0))
            {
                j1 = j;
                break;
            }
        if (j1 >= 0 && res->rows[j1].digits_w < md && jn != j1)
        {
            mpfr_t *w = _mpbias_mpfr_vec_init(d, prec), dc2, dr2, x, t, rr;
            double cf, resid;
            initial_row(&w0, data, model, prec);
            mpfr_inits2(prec, dc2, dr2, x, t, rr, (mpfr_ptr) 0);
            cand_w(w, c, j1, model->depth);
            mpfr_set_zero(dc2, 1);
            mpfr_set_zero(dr2, 1);
            mpfr_set_zero(x, 1);
            for (i = 0; i < d; i++)
            {
                mpfr_sub(w[i], w[i], w0.w[i], MPFR_RNDN);          /* dc */
                mpfr_sub(t, R->rows[j1].w[i], w0.w[i], MPFR_RNDN);  /* dr */
                mpfr_fma(x, w[i], t, x, MPFR_RNDN);
                mpfr_fma(dr2, t, t, dr2, MPFR_RNDN);
                mpfr_fma(dc2, w[i], w[i], dc2, MPFR_RNDN);
            }
            /* c = <dc, dr> / <dr, dr>; residual |dc - c dr| / |dr| */
            mpfr_div(x, x, dr2, MPFR_RNDN);
            cf = mpfr_get_d(x, MPFR_RNDN);
            mpfr_set_zero(rr, 1);
            for (i = 0; i < d; i++)
            {
                mpfr_sub(t, R->rows[j1].w[i], w0.w[i], MPFR_RNDN);
                mpfr_mul(t, t, x, MPFR_RNDN);
                mpfr_sub(t, w[i], t, MPFR_RNDN);
                mpfr_fma(rr, t, t, rr, MPFR_RNDN);
            }
            mpfr_div(rr, rr, dr2, MPFR_RNDN);
            mpfr_sqrt(rr, rr, MPFR_RNDN);
            resid = mpfr_get_d(rr, MPFR_RNDN);
            mpfr_div(dc2, dc2, dr2, MPFR_RNDN);
            where_str(where, sizeof where, c, j1);
            if (mpfr_zero_p(dr2))
                ;
            else if (mpfr_cmp_d(dc2, 1e-6) < 0)
                add_diag(res, MPBIAS_DIAG_NO_MOVE,
                         "The candidate's w does not move: at %s its change from the "
                         "initialization is below 1e-3 of the reference's (a zero gradient: "
                         "u_+ and u_- updated alike, or the data or the step size are not "
                         "what was used).", where);
            else if (c->axis == MPBIAS_CAND_TIME)
            {
                /* w(t) - w(0) is linear in the flow's speed only for small
                   t: only the opposite direction is a clear signature */
                if (cf < -0.5 && resid <= 0.3 * fabs(cf))
                    add_diag(res, MPBIAS_DIAG_SIGN,
                             "The candidate moves the opposite way from the start (its change "
                             "at %s is about %.3g times the flow's): a sign error (gradient "
                             "ascent, a sign in the loss derivative, or labels of the wrong "
                             "sign).", where, cf);
            }
            else if (resid <= 0.05 * fabs(cf) && fabs(cf + 1) <= 0.05)
                add_diag(res, MPBIAS_DIAG_SIGN,
                         "From the first step the candidate moves the opposite way (its "
                         "change at %s is %.4g times the reference's): a sign error (gradient "
                         "ascent, a sign in the loss derivative, or labels of the wrong "
                         "sign).", where, cf);
            else if (resid <= 0.05 * fabs(cf))
                add_diag(res, MPBIAS_DIAG_FACTOR,
                         "From the first step the candidate's change is %.6g times the "
                         "reference's (at %s): a constant factor in the gradient or the "
                         "step (the depth D, a 2, N for mean vs sum, the step size).",
                         cf, where);
            else
                add_diag(res, MPBIAS_DIAG_DIRECTION,
                         "From the first step the candidate's change points elsewhere than "
                         "the reference's (at %s; relative residual %.3g after the best "
                         "factor %.4g): a wrong gradient (a sign in one of the u_+, u_- "
                         "updates, a wrong loss derivative) or another model, data or "
                         "initialization.", where, resid, cf);
            mpfr_clears(dc2, dr2, x, t, rr, (mpfr_ptr) 0);
            _mpbias_mpfr_vec_clear(w, d);
            mpbias_flow_row_clear(&w0);
        }
    }
}

/* The stability probe's rows into the result: the Jacobian's digits, the
   step x sharpness and its largest value up to the first bad row */
static void
stab_merge(mpbias_check_result *res, const stab_ctx *stab, const mpbias_cand_struct *c)
{
    slong j;
    slong jlim = res->first_bad >= 0 ? res->first_bad : c->n - 1;
    res->stab.first_unstable = stab->first_unstable;
    for (j = 0; j < c->n; j++)
    {
        double g = stab->row_growth[j];
        res->rows[j].step_sharpness = stab->row_sharp[j];
        res->rows[j].jac_digits = isnan(g) ? NAN : -g > 16 ? 16 : -g < 0 ? 0 : -g;
    }
    /* the largest step x sharpness up to the first row below the threshold */
    for (j = 0; j <= jlim; j++)
        if (isfinite(stab->row_sharp[j])
            && (isnan(res->stab.max_step_sharpness) || stab->row_sharp[j] > res->stab.max_step_sharpness))
        {
            res->stab.max_step_sharpness = stab->row_sharp[j];
            res->stab.sharpness = stab->row_lam[j];
            res->stab.eta = stab->row_sharp[j] / stab->row_lam[j];
            res->stab.max_step = (slong) stab->row_kmax[j];
        }
}

/* ---- the check -------------------------------------------------------- */

/* The Jacobian along the reference R: its run again, at the precision
   that certified it, with the probe S.  Returns 1 when that run
   succeeded. */
static int
stab_run(stab_ctx *S, const refset *R, const mpbias_data_t data, const mpbias_model_t model,
         const mpbias_cand_struct *c, const mpbias_check_opts *o)
{
    int done = 0;
    refset R2;
    mpbias_err_t e2;
    mpbias_err_clear(e2);
    if (refset_init(&R2, c))
    {
        R2.stab = S;
        done = reference(&R2, data, model, c, o->gd, o->digits, R->prec, R->prec, e2) == MPBIAS_OK;
    }
    refset_clear(&R2);
    return done;
}

/* The diagnoses of a candidate that disagrees with the reference R (stab:
   the stability measured along it, NULL when it was not). */
static void
explain(mpbias_check_result *res, const refset *R, const stab_ctx *stab, const mpbias_data_t data,
        const mpbias_model_t model, const mpbias_cand_struct *c, const mpbias_check_opts *o,
        const mpfr_t *Z, mpfr_prec_t prec)
{
    slong jb = res->first_bad >= 0 ? res->first_bad : 0;
    slong jn = first_nan_row(c);
    double md = o->min_digits;
    char where[128];

    /* 1. double-precision signatures at the row where agreement is lost */
    if (jn >= 0)
    {
        where_str(where, sizeof where, c, jn);
        add_diag(res, MPBIAS_DIAG_NAN,
                 "The candidate's values are NaN or infinite from %s on (reference margin "
                 "there %.6g).", where, res->rows[jn].ref_margin);
    }
    explain_underflow(res, R, c, model, md, prec);
    if (stab != NULL && res->first_bad >= 0 && !has_diag(res, MPBIAS_DIAG_UNDERFLOW)
        && (jn < 0 || jn > jb))
        explain_unstable(res, R, stab, c, md, o->gd->normalized);
    explain_loss(res, R, c, data, model, o, Z, prec);
    explain_cancellation(res, R, c, model, o->digits);
    /* 2. other references */
    explain_mean_sum(res, data, model, c, o, Z, prec);
    if (c->axis == MPBIAS_CAND_TIME && !has_diag(res, MPBIAS_DIAG_MEAN_SUM))
        explain_gd(res, R, data, model, c, o, Z, prec);
    /* 3. the first step against the reference's */
    explain_first_step(res, R, c, data, model, md, jn, prec);
}

mpbias_status
mpbias_check_run(mpbias_check_result *res, const mpbias_data_t data, const mpbias_model_t model,
                 const mpbias_cand_t cand, const mpbias_check_opts *o, mpbias_err_t err)
{
    const mpbias_cand_struct *c = cand;
    mpbias_status st;
    refset R;
    stab_ctx stab;
    int have_stab = 0, stab_done = 0;
    mpfr_t *Z = NULL;
    mpfr_prec_t prec;
    slong n = data->n, d = data->d, j;
    char where[128];
    double md = o->min_digits;

    mpbias_check_result_clear(res);
    if ((st = mpbias_model_check(model, data, err)) != MPBIAS_OK)
        return st;
    if (c->n < 1 || c->d != d)
        return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0,
                               "check: the candidate has %ld columns per vector, the data d = %ld",
                               (long) c->d, (long) d);
    if (o->digits < 2 || o->digits > 1000 || !(o->min_digits >= 0))
        return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0,
                               "check: digits must be in 2..1000 and the threshold >= 0");
    if (c->axis == MPBIAS_CAND_STEP && (o->gd == NULL || o->gd->neta < 1))
        return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0,
                               "check: a candidate with a 'step' column is gradient descent: "
                               "give its step sizes");
    prec = (mpfr_prec_t) ((o->digits + 20) * 3.3219280948873623) + 64;
    res->rows = calloc((size_t) c->n, sizeof(mpbias_check_row));
    if (res->rows == NULL)
        return _mpbias_err_set(err, MPBIAS_ERR_NOMEM, NULL, 0, 0, "out of memory");
    if (!refset_init(&R, c))
    {
        refset_clear(&R);
        mpbias_check_result_clear(res);
        return _mpbias_err_set(err, MPBIAS_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    if (c->axis == MPBIAS_CAND_STEP)
    {
        /* stab_init leaves stab ready for stab_clear, also when it fails */
        if (!stab_init(&stab, data, model, c, o->gd->normalized))
        {
            stab_clear(&stab);
            refset_clear(&R);
            mpbias_check_result_clear(res);
            return _mpbias_err_set(err, MPBIAS_ERR_NOMEM, NULL, 0, 0, "out of memory");
        }
        have_stab = 1;
    }
    st = reference(&R, data, model, c, o->gd, o->digits, o->prec, o->max_prec, err);
    if (st != MPBIAS_OK)
    {
        char msg[MPBIAS_ERR_MSG_LEN];
        snprintf(msg, sizeof msg, "%s", err != NULL ? err->msg : "");
        if (have_stab)
            stab_clear(&stab);
        refset_clear(&R);
        mpbias_check_result_clear(res);
        return _mpbias_err_set(err, st, NULL, 0, 0, "check: the reference could not be computed: %s",
                               msg);
    }
    res->stab.growth_rate = res->stab.drift_rate = NAN;
    res->stab.max_step_sharpness = res->stab.sharpness = res->stab.eta = NAN;
    res->stab.first_unstable = res->stab.max_step = -1;
    res->stab.win_from = res->stab.win_to = res->stab.meaningless_from = -1;
    Z = _mpbias_mpfr_vec_init(n * d, prec);
    mpbias_data_get_z_mpfr(Z, data, MPFR_RNDN);
    measure(res, &R, c, data, model, (const mpfr_t *) Z, o->digits, md, prec);
    if (have_stab)
    {
        res->stab.measured = 1;
        res->stab.prec = R.prec;
        res->stab.raised = R.raised;
        for (j = 0; j < c->n && res->stab.meaningless_from < 0; j++)
            if (res->rows[j].f64_digits < md)
                res->stab.meaningless_from = j;
    }
    if (have_stab && o->explain && !res->agree)
        stab_done = stab_run(&stab, &R, data, model, c, o);
    if (stab_done)
        stab_merge(res, &stab, c);

    if (res->reached < c->n)
    {
        for (j = 0; j < c->n && R.have[j]; j++)
            ;
        where_str(where, sizeof where, c, j);
        add_diag(res, MPBIAS_DIAG_NOT_REACHED,
                 "The reference has no row for %ld of the candidate's rows, from %s on.",
                 (long) (c->n - res->reached), where);
    }

    if (o->explain && !res->agree)
        explain(res, &R, stab_done ? &stab : NULL, data, model, c, o, (const mpfr_t *) Z, prec);
    _mpbias_mpfr_vec_clear(Z, n * d);
    if (have_stab)
        stab_clear(&stab);
    refset_clear(&R);
    return MPBIAS_OK;
}

