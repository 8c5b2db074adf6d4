/*
 * threshold.c -- the training loss at which a trajectory comes within
 * delta of a limit and stays there (doc/asymptotics.md section 6).
 *
 * Variable: y = log10(1/eps), searched in x = log10(y) (the distances vary
 * smoothly in log log(1/eps)).  One flow run with checkpoints at
 * y = 1, 2, 5, 10, ... up to the horizon gives the distances d_j; the
 * threshold lies between the last checkpoint beyond delta and the next
 * (after which every checkpoint is within delta: "stays" is checked at the
 * checkpoints up to the horizon, not between them).  That bracket is then
 * narrowed by the Anderson-Bjorck variant of regula falsi on
 * g(x) = log(d / delta),
 * each evaluation a flow run to one loss, until the bracket in y is below
 * half a unit of the K-th digit, or until |d - delta| falls below the
 * distance's own resolution (then the bracket is what can be said).
 */
#include "config.h"
#include <math.h>
#include <stdlib.h>
#include "mpbias-impl.h"

void
mpbias_threshold_init(mpbias_threshold_t r)
{
    r->reached = 0;
    r->at_first = 0;
    r->resolution_limited = 0;
    r->runs = 0;
    r->rich_kind = MPBIAS_RICH_NONE;
    mpfr_inits2(64, r->log10_loss, r->log10_loss_lo, r->log10_t, r->horizon, r->dist_horizon,
                r->dist_at, (mpfr_ptr) 0);
    mpfr_set_nan(r->log10_loss);
    mpfr_set_nan(r->log10_loss_lo);
    mpfr_set_nan(r->log10_t);
    mpfr_set_nan(r->horizon);
    mpfr_set_nan(r->dist_horizon);
    mpfr_set_nan(r->dist_at);
}

void
mpbias_threshold_clear(mpbias_threshold_t r)
{
    mpfr_clears(r->log10_loss, r->log10_loss_lo, r->log10_t, r->horizon, r->dist_horizon,
                r->dist_at, (mpfr_ptr) 0);
}

typedef struct
{
    const mpbias_data_struct *data;
    const mpbias_model_struct *model;
    mpbias_regime_ref_struct *ref;
    mpbias_target target;
    int norm2;
    int digits;          /* the flow runs' digits                       */
    int digits_asked;    /* the threshold's digits (the bracket's width) */
    mpfr_prec_t prec;
} search_t;

/* the distance of one row to the target, and its floor */
static mpbias_status
row_distance(mpfr_t d, mpfr_t floor, const search_t *S, const mpbias_flow_row *row,
             mpbias_err_t err)
{
    mpbias_regime_row a;
    const mpbias_dist *x;
    mpbias_status st;
    mpbias_regime_row_init(&a);
    st = mpbias_regime_eval(&a, S->ref, S->data, row, S->target == MPBIAS_TARGET_QMU ? 10 : 0,
                            err);
    x = S->target == MPBIAS_TARGET_L2 ? &a.to_l2 : S->target == MPBIAS_TARGET_QMU ? &a.to_qmu
                                                                                 : &a.to_rich;
    if (st == MPBIAS_OK && !x->available)
        st = _mpbias_err_set(err, MPBIAS_ERR_NUMERIC, NULL, 0, 0, "threshold: no distance to the "
                             "target at log10(eps) = %g", mpfr_get_d(row->log10_loss, MPFR_RNDN));
    if (st == MPBIAS_OK)
    {
        mpfr_set(d, S->norm2 ? x->l2 : x->sup, MPFR_RNDN);
        mpfr_set(floor, x->floor, MPFR_RNDU);
    }
    mpbias_regime_row_clear(&a);
    return st;
}

/* the options of the search's flow runs: S->digits, no rows per decade,
   to a loss (set by the caller) */
static void
search_opts(mpbias_flow_opts *o, const search_t *S)
{
    mpbias_flow_opts_init(o);
    o->digits = S->digits;
    o->per_decade = 0;
    o->until_loss_set = 1;
}

/* one flow run with the options o, its rows in *rows (at least one) */
static mpbias_status
search_run(mpbias_flow_rows *rows, const search_t *S, const mpbias_flow_opts *o,
           mpbias_err_t err)
{
    mpbias_status st;
    st = mpbias_flow_run(S->data, S->model, o, mpbias_flow_rows_collect, NULL, rows, NULL, err);
    if (st == MPBIAS_OK && rows->n < 1)
        st = _mpbias_err_set(err, MPBIAS_ERR_NUMERIC, NULL, 0, 0, "threshold: the flow gave no row");
    return st;
}

/* one flow run to eps = 10^(-y): its row (copied into *out) */
static mpbias_status
run_to(mpbias_flow_rows *out, const search_t *S, const mpfr_t y, mpbias_err_t err)
{
    mpbias_flow_opts o;
    mpbias_status st;
    search_opts(&o, S);
    mpbias_sci_set_pow10_neg(o.until_loss, y);
    mpbias_flow_rows_clear(out);
    st = search_run(out, S, &o, err);
    mpbias_flow_opts_clear(&o);
    return st;
}

/* the target's rich point: l1 at any depth, a given point (depth >= 3),
   or the KKT point the horizon's wbar polishes to (depth >= 3, rich) */
static mpbias_status
set_target(mpbias_regime_ref_t ref, const mpbias_data_t data, const mpbias_model_t model,
           mpbias_target target, const mpfr_t *given, const mpbias_flow_rows *grid,
           mpbias_err_t err)
{
    if (target == MPBIAS_TARGET_L1)
        return mpbias_regime_ref_set_l1(ref, data, err);
    if (given != NULL)
        return mpbias_regime_ref_set_kkt(ref, given, err);
    if (model->depth >= 3 && target == MPBIAS_TARGET_RICH)
        return mpbias_regime_ref_polish_kkt(ref, data,
                                            (const mpfr_t *) grid->rows[grid->n - 1].wbar, 0.0,
                                            NULL, err);
    return MPBIAS_OK;
}

static mpbias_status threshold_search(mpbias_threshold_t r, const mpbias_data_t data,
                                      const mpbias_model_t model, mpbias_target target,
                                      const mpfr_t *given, double delta, int norm2,
                                      const mpbias_sci_t horizon, int digits, mpbias_err_t err);

mpbias_status
mpbias_threshold_find(mpbias_threshold_t r, const mpbias_data_t data, const mpbias_model_t model,
                      mpbias_target target, double delta, int norm2, const mpbias_sci_t horizon,
                      int digits, mpbias_err_t err)
{
    return threshold_search(r, data, model, target, NULL, delta, norm2, horizon, digits, err);
}

mpbias_status
mpbias_threshold_find_to(mpbias_threshold_t r, const mpbias_data_t data,
                         const mpbias_model_t model, const mpfr_t *w, double delta, int norm2,
                         const mpbias_sci_t horizon, int digits, mpbias_err_t err)
{
    if (w == NULL || model->depth < 3)
        return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0,
                               "threshold: a given rich target is for depth 3 or more");
    return threshold_search(r, data, model, MPBIAS_TARGET_RICH, w, delta, norm2, horizon, digits,
                            err);
}

/* the arguments, and y = log10(1/eps) at the horizon (in *hy) */
static mpbias_status
search_check(double *hy, const mpbias_model_struct *model, mpbias_target target, double delta,
             const mpbias_sci_t horizon, int digits, mpbias_err_t err)
{
    if (!(delta > 0.0) || !isfinite(delta))
        return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0, "threshold: delta must be positive");
    if (digits < 1 || digits > 15)
        return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0,
                               "threshold: digits must be in 1..15");
    if (model->depth < 2 && target != MPBIAS_TARGET_L2)
        return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0,
                               "threshold: depth 1 has only the l2 limit");
    *hy = -mpbias_sci_log10_d(horizon);
    if (!(*hy >= 1.0))
        return _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0,
                               "threshold: the horizon must be a loss of at most 0.1");
    return MPBIAS_OK;
}

/* the grid run: y = m 10^k (m = 1, 2, 5) up to the horizon, its rows in
   *grid; r->runs is 1 once the run was made (0: no memory for the grid) */
static mpbias_status
grid_run(mpbias_flow_rows *grid, mpbias_threshold_t r, const search_t *S,
         const mpbias_sci_t horizon, double hy, mpbias_err_t err)
{
    mpbias_flow_opts o;
    mpbias_status st;
    search_opts(&o, S);
    mpbias_sci_set(o.until_loss, horizon);
    if (!mpbias_flow_opts_loss_grid(&o, 3, hy, 0))
    {
        mpbias_flow_opts_loss_grid_free(&o);
        mpbias_flow_opts_clear(&o);
        return _mpbias_err_set(err, MPBIAS_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    st = search_run(grid, S, &o, err);
    r->runs = 1;
    mpbias_flow_opts_loss_grid_free(&o);
    mpbias_flow_opts_clear(&o);
    return st;
}

/* the bracket from the grid (jstar - 1 beyond delta, jstar within):
   y_lo, y_hi and g = log(d / delta) at them, with lnd = log(delta); the
   threshold's log10 t and distance are those of y_hi until it moves */
static void
bracket_set(mpfr_t ylo, mpfr_t yhi, mpfr_t glo, mpfr_t ghi, mpfr_t lnd, mpbias_threshold_t r,
            const mpbias_flow_rows *grid, mpfr_t *dist, slong jstar, double delta)
{
    mpfr_t t;
    mpfr_init2(t, mpfr_get_prec(lnd));
    mpfr_neg(ylo, grid->rows[jstar - 1].log10_loss, MPFR_RNDN);
    mpfr_neg(yhi, grid->rows[jstar].log10_loss, MPFR_RNDN);
    mpfr_set_d(t, delta, MPFR_RNDN);
    mpfr_log(lnd, t, MPFR_RNDN);
    mpfr_log(glo, dist[jstar - 1], MPFR_RNDN);
    mpfr_sub(glo, glo, lnd, MPFR_RNDN);
    mpfr_log(ghi, dist[jstar], MPFR_RNDN);
    mpfr_sub(ghi, ghi, lnd, MPFR_RNDN);
    mpfr_set(r->log10_t, grid->rows[jstar].log10_t, MPFR_RNDN);
    mpfr_set(r->dist_at, dist[jstar], MPFR_RNDN);
    mpfr_clear(t);
}

/* whether the bracket is narrow enough: y_hi - y_lo <= y_hi 10^-digits / 2
   (t, x: scratch) */
static int
bracket_done(const mpfr_t ylo, const mpfr_t yhi, int digits, mpfr_t t, mpfr_t x)
{
    mpfr_sub(t, yhi, ylo, MPFR_RNDN);
    mpfr_set_ui(x, 10, MPFR_RNDN);
    mpfr_pow_si(x, x, -digits, MPFR_RNDN);
    mpfr_mul(x, x, yhi, MPFR_RNDN);
    mpfr_div_2ui(x, x, 1, MPFR_RNDN);
    return mpfr_cmp(t, x) <= 0;
}

/* the regula falsi point x = xb - gb (xb - xa) / (gb - ga), kept 1/1024 of
   the bracket [log10 y_lo, log10 y_hi] away from its ends (so that a point
   at the root's side still shrinks the bracket); its midpoint when x is not
   a number (t, g, lo_x, hi_x: scratch) */
static void
falsi_point(mpfr_t x, const mpfr_t xa, const mpfr_t ga, const mpfr_t xb, const mpfr_t gb,
            const mpfr_t ylo, const mpfr_t yhi, mpfr_t t, mpfr_t g, mpfr_t lo_x, mpfr_t hi_x)
{
    mpfr_sub(t, xb, xa, MPFR_RNDN);
    mpfr_sub(g, gb, ga, MPFR_RNDN);
    mpfr_div(t, t, g, MPFR_RNDN);
    mpfr_mul(t, t, gb, MPFR_RNDN);
    mpfr_sub(x, xb, t, MPFR_RNDN);
    mpfr_log10(lo_x, ylo, MPFR_RNDN);
    mpfr_log10(hi_x, yhi, MPFR_RNDN);
    mpfr_sub(t, hi_x, lo_x, MPFR_RNDN);
    mpfr_div_2ui(t, t, 10, MPFR_RNDN);
    mpfr_add(lo_x, lo_x, t, MPFR_RNDN);
    mpfr_sub(hi_x, hi_x, t, MPFR_RNDN);
    if (!mpfr_number_p(x))
    {
        mpfr_add(x, lo_x, hi_x, MPFR_RNDN);
        mpfr_div_2ui(x, x, 1, MPFR_RNDN);
    }
    else if (mpfr_cmp(x, lo_x) < 0)
        mpfr_set(x, lo_x, MPFR_RNDN);
    else if (mpfr_cmp(x, hi_x) > 0)
        mpfr_set(x, hi_x, MPFR_RNDN);
}

/* the Anderson-Bjorck step's bookkeeping after the new point (x, g): when
   it falls on the latest's side, the retained end (xa, ga) stays with ga
   scaled by m = 1 - g/gb (1/2 when that is not positive), otherwise the
   latest becomes the retained end; the new point becomes the latest */
static void
falsi_update(mpfr_t xa, mpfr_t ga, mpfr_t xb, mpfr_t gb, const mpfr_t x, const mpfr_t g, mpfr_t m)
{
    if (mpfr_sgn(g) == mpfr_sgn(gb))
    {
        /* a retained: scale ga */
        mpfr_div(m, g, gb, MPFR_RNDN);
        mpfr_ui_sub(m, 1, m, MPFR_RNDN);
        if (mpfr_sgn(m) <= 0)
            mpfr_set_d(m, 0.5, MPFR_RNDN);
        mpfr_mul(ga, ga, m, MPFR_RNDN);
    }
    else
    {
        mpfr_set(xa, xb, MPFR_RNDN);
        mpfr_set(ga, gb, MPFR_RNDN);
    }
    mpfr_set(xb, x, MPFR_RNDN);
    mpfr_set(gb, g, MPFR_RNDN);
}

/* Anderson-Bjorck regula falsi in x = log10 y on the bracket [ylo, yhi]
   (g = glo, ghi at its ends, lnd = log(delta)), one flow run a step, until
   it is narrow enough or |d - delta| is below the distance's resolution;
   (xa, ga) is the retained end, (xb, gb) the latest */
static mpbias_status
bracket_narrow(mpfr_t ylo, mpfr_t yhi, mpbias_threshold_t r, mpbias_flow_rows *one,
               const search_t *S, const mpfr_t glo, const mpfr_t ghi, const mpfr_t lnd,
               double delta, mpbias_err_t err)
{
    mpfr_t xa, xb, ga, gb, m, lo_x, hi_x, x, y, g, d, fl, t;
    mpbias_status st = MPBIAS_OK;
    slong k;
    mpfr_inits2(S->prec, xa, xb, ga, gb, m, lo_x, hi_x, x, y, g, d, fl, t, (mpfr_ptr) 0);
    mpfr_log10(xa, ylo, MPFR_RNDN);
    mpfr_set(ga, glo, MPFR_RNDN);
    mpfr_log10(xb, yhi, MPFR_RNDN);
    mpfr_set(gb, ghi, MPFR_RNDN);
    for (k = 0; k < 100; k++)
    {
        if (bracket_done(ylo, yhi, S->digits_asked, t, x))
            break;
        falsi_point(x, xa, ga, xb, gb, ylo, yhi, t, g, lo_x, hi_x);
        mpfr_ui_pow(y, 10, x, MPFR_RNDN);
        st = run_to(one, S, y, err);
        r->runs++;
        if (st == MPBIAS_OK)
            st = row_distance(d, fl, S, one->rows + one->n - 1, err);
        if (st != MPBIAS_OK)
            break;
        mpfr_neg(y, one->rows[one->n - 1].log10_loss, MPFR_RNDN);
        mpfr_log10(x, y, MPFR_RNDN);   /* where the run actually ended */
        /* the sign of d - delta is unknown within the distance's floor */
        mpfr_set_d(t, delta, MPFR_RNDN);
        mpfr_sub(t, d, t, MPFR_RNDN);
        if (mpfr_cmpabs(t, fl) <= 0)
        {
            r->resolution_limited = 1;
            break;
        }
        mpfr_log(g, d, MPFR_RNDN);
        mpfr_sub(g, g, lnd, MPFR_RNDN);
        if (mpfr_sgn(g) > 0)
            mpfr_set(ylo, y, MPFR_RNDN);
        else
        {
            mpfr_set(yhi, y, MPFR_RNDN);
            mpfr_set(r->log10_t, one->rows[one->n - 1].log10_t, MPFR_RNDN);
            mpfr_set(r->dist_at, d, MPFR_RNDN);
        }
        falsi_update(xa, ga, xb, gb, x, g, m);
    }
    mpfr_clears(xa, xb, ga, gb, m, lo_x, hi_x, x, y, g, d, fl, t, (mpfr_ptr) 0);
    if (st == MPBIAS_OK && k == 100)
        st = _mpbias_err_set(err, MPBIAS_ERR_NUMERIC, NULL, 0, 0,
                             "threshold: the bracket did not narrow to %d digits in 100 runs",
                             S->digits_asked);
    return st;
}

static mpbias_status
threshold_search(mpbias_threshold_t r, const mpbias_data_t data, const mpbias_model_t model,
                 mpbias_target target, const mpfr_t *given, double delta, int norm2,
                 const mpbias_sci_t horizon, int digits, mpbias_err_t err)
{
    mpbias_regime_ref_t ref;
    mpbias_flow_rows grid, one;
    search_t S;
    mpbias_status st;
    mpfr_prec_t prec;
    mpfr_t *dist = NULL, ylo, yhi, glo, ghi, fl, lnd;
    slong j, jstar;
    double hy = 0.0;

    if ((st = search_check(&hy, model, target, delta, horizon, digits, err)) != MPBIAS_OK)
        return st;
    prec = (mpfr_prec_t) (3.33 * digits) + 64 + (mpfr_prec_t) log2(hy + 2.0);
    mpbias_flow_rows_init(&grid);
    mpbias_flow_rows_init(&one);
    mpbias_threshold_clear(r);
    mpbias_threshold_init(r);
    mpfr_set_prec(r->log10_loss, prec);
    mpfr_set_prec(r->log10_loss_lo, prec);
    mpfr_set_prec(r->log10_t, prec);
    mpfr_set_prec(r->horizon, prec);
    mpbias_regime_ref_init(ref);
    st = mpbias_regime_ref_setup_shaped(ref, data, model, prec + 64, err);
    if (st != MPBIAS_OK)
    {
        mpbias_regime_ref_clear(ref);
        return st;
    }
    mpfr_inits2(prec, ylo, yhi, glo, ghi, fl, lnd, (mpfr_ptr) 0);
    S.data = data;
    S.model = model;
    S.ref = ref;
    S.target = target;
    S.norm2 = norm2;
    S.digits = digits + 8 > 16 ? digits + 8 : 16;
    S.digits_asked = digits;
    S.prec = prec;
    st = grid_run(&grid, r, &S, horizon, hy, err);
    if (r->runs == 0)
        goto done;
    if (st == MPBIAS_OK)
        st = set_target(ref, data, model, target, given, &grid, err);
    if (st == MPBIAS_OK && target != MPBIAS_TARGET_L2 && target != MPBIAS_TARGET_QMU
        && ref->rich_kind == MPBIAS_RICH_NONE)
        st = _mpbias_err_set(err, MPBIAS_ERR_ARG, NULL, 0, 0, "threshold: no rich limit");
    r->rich_kind = ref->rich_kind;
    if (st != MPBIAS_OK)
        goto done;
    dist = _mpbias_mpfr_vec_init(grid.n, prec);
    for (j = 0; j < grid.n && st == MPBIAS_OK; j++)
        st = row_distance(dist[j], fl, &S, grid.rows + j, err);
    if (st != MPBIAS_OK)
        goto done;
    mpfr_set(r->horizon, grid.rows[grid.n - 1].log10_loss, MPFR_RNDN);
    mpfr_set(r->dist_horizon, dist[grid.n - 1], MPFR_RNDN);
    /* j*: the first checkpoint from which every later one is within delta */
    for (jstar = grid.n; jstar > 0 && mpfr_cmp_d(dist[jstar - 1], delta) <= 0; jstar--)
        ;
    if (jstar == grid.n)
    {
        r->reached = 0;   /* not within delta at the horizon */
        goto done;
    }
    r->reached = 1;
    if (jstar == 0)
    {
        r->at_first = 1;
        mpfr_set(r->log10_loss, grid.rows[0].log10_loss, MPFR_RNDN);
        mpfr_set(r->log10_t, grid.rows[0].log10_t, MPFR_RNDN);
        mpfr_set(r->dist_at, dist[0], MPFR_RNDN);
        goto done;
    }
    bracket_set(ylo, yhi, glo, ghi, lnd, r, &grid, dist, jstar, delta);
    st = bracket_narrow(ylo, yhi, r, &one, &S, glo, ghi, lnd, delta, err);
    if (st != MPBIAS_OK)
        goto done;
    mpfr_neg(r->log10_loss, yhi, MPFR_RNDN);
    mpfr_neg(r->log10_loss_lo, ylo, MPFR_RNDN);
done:
    if (dist != NULL)
        _mpbias_mpfr_vec_clear(dist, grid.n);
    mpbias_flow_rows_clear(&grid);
    mpbias_flow_rows_clear(&one);
    mpfr_clears(ylo, yhi, glo, ghi, fl, lnd, (mpfr_ptr) 0);
    mpbias_regime_ref_clear(ref);
    return st;
}
