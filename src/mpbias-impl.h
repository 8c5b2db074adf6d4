/*
 * mpbias-impl.h -- internal declarations shared by the library's modules.
 * Not installed.  Every source file of the library includes config.h and
 * then this header.
 */
#ifndef MPBIAS_IMPL_H
#define MPBIAS_IMPL_H

#include <stdarg.h>
#include <stdint.h>
#include "mpbias.h"

#ifdef MPBIAS_FLINT3
# include <flint/arb.h>
# include <flint/acb.h>
# include <flint/acb_calc.h>
# include <flint/arb_mat.h>
# include <flint/arb_fmpz_poly.h>
#else
# include <arb.h>
# include <acb.h>
# include <acb_calc.h>
# include <arb_mat.h>
# include <arb_fmpz_poly.h>
#endif
#include <flint/fmpq_mat.h>
#include <flint/fmpq_vec.h>

#if defined(__GNUC__)
# define MPBIAS_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
# define MPBIAS_PRINTF(a, b)
#endif

/* Fill err (if non-NULL) and return status.  When `where` is non-NULL the
   message is prefixed "WHERE:LINE:COL: " (LINE and COL omitted when 0). */
mpbias_status _mpbias_err_set(mpbias_err_t err, mpbias_status status,
                              const char *where, long line, long col,
                              const char *fmt, ...) MPBIAS_PRINTF(6, 7);

/* The refusal (MPBIAS_ERR_ARG) of a loss target at or above the initial
   loss, saying what that loss is: logL0 the log of the summed loss at
   t = 0, n the number of samples. */
mpbias_status _mpbias_err_target_not_below_start(mpbias_err_t err, const mpfr_t logL0,
                                                 const mpbias_model_t m, slong n);

/* Same, with a va_list. */
mpbias_status _mpbias_err_vset(mpbias_err_t err, mpbias_status status,
                               const char *where, long line, long col,
                               const char *fmt, va_list ap);

/* Overflow-checked n*m*size <= limit (limit 0: SIZE_MAX).  Returns 1 if
   the product fits. */
int _mpbias_size_ok(slong n, slong m, size_t size, size_t limit);

/* Deterministic pseudo-random generator (xoshiro256**, seeded through
   splitmix64): identical streams on every platform. */
typedef struct { ulong s[4]; } _mpbias_rng_t;
void _mpbias_rng_seed(_mpbias_rng_t *r, ulong seed);
ulong _mpbias_rng_next(_mpbias_rng_t *r);
/* Uniform integer in [0, m), m >= 1, without modulo bias. */
ulong _mpbias_rng_below(_mpbias_rng_t *r, ulong m);

/* 1 if u (data->n entries) is a Farkas certificate that the data are
   not strictly separable: u >= 0, 1^T u = 1 and Z^T u = 0, exactly. */
int _mpbias_farkas_check(const fmpq *u, const mpbias_data_t data);

/* fmpq vectors allocated with malloc (NULL on failure, unlike
   _fmpq_vec_init which aborts), each entry initialised. */
fmpq *_mpbias_fmpq_vec_alloc(slong len);
void _mpbias_fmpq_vec_free(fmpq *v, slong len);

/* Allocate an n x d dataset (entries 0), checking n*d*sizeof(fmpq)
   against max_bytes (0: no limit); `where` becomes data->name. */
mpbias_status _mpbias_data_alloc(mpbias_data_t data, slong n, slong d,
                                 size_t max_bytes, const char *where,
                                 mpbias_err_t err);

/* out = Z x (transpose 0; x has d entries, out n) or Z^T x (transpose 1;
   x has n, out d), exactly, over common denominators. */
void _mpbias_data_mul(fmpq *out, const mpbias_data_t data, const fmpq *x, int transpose);
/* The same for a rational matrix A (m x k, row-major). */
void _mpbias_fmpq_matvec(fmpq *out, const fmpq *A, slong m, slong k, const fmpq *x, int transpose);

/* mpbias_data_validate, naming the source line of sample i as lines[i]
   (lines may be NULL). */
mpbias_status _mpbias_data_validate_at(const mpbias_data_t data,
                                       const long *lines, mpbias_err_t err);

/* The K-digit scientific string ("1.2345e-07", C locale) of the value
   in ball x, or NULL when the ball does not determine K correctly rounded
   digits (flint_free the result). */
char *_mpbias_arb_get_str_rounded(const arb_t x, int digits);

/* The K-digit scientific string of x rounded to nearest (no claim about
   the digits beyond what x itself is). */
char *_mpbias_mpfr_get_str_sci(const mpfr_t x, int digits);

/* Dense linear algebra in MPFR (src/ode/linalg.c).  A is n x n row-major,
   overwritten by its LU factors; returns nonzero if a pivot is zero. */
int _mpbias_lu_factor(mpfr_t *A, slong *perm, slong n, mpfr_t tmp);
void _mpbias_lu_solve(mpfr_t *b, const mpfr_t *LU, const slong *perm, slong n, mpfr_t tmp);

/* Approximate LU for Newton iteration matrices: fill M (n x n,
   row-major), factor; the factorization is in double precision when
   every entry is below 2^30 in size (for the iteration matrices I - h J
   this bounds the condition number, whose product with 2^-53 is the
   Newton contraction the double factorization costs) and force_mpfr is
   0, else in MPFR at M's precision.  Solving scales the right-hand side by a
   power of two so that its size does not matter.  A Newton iteration
   converges to the same answer either way; the double version is only a
   slightly worse preconditioner (relative error cond(M) 2^-53). */
typedef struct _mpbias_alu_struct
{
    slong n;
    int in_double;
    mpfr_t *M;
    double *Md, *bd;
    slong *perm;
    mpfr_t tmp;
} _mpbias_alu_struct;
typedef _mpbias_alu_struct _mpbias_alu_t[1];
void _mpbias_alu_init(_mpbias_alu_t L, slong n, mpfr_prec_t prec);
void _mpbias_alu_clear(_mpbias_alu_t L);
int _mpbias_alu_factor(_mpbias_alu_t L, int force_mpfr);
void _mpbias_alu_solve(mpfr_t *b, _mpbias_alu_t L);

/* The Radau iteration matrix I - h A x J, block-diagonalized through the
   eigendecomposition of A (computed once, at init: one real and
   floor(s/2) complex n x n blocks; src/ode/kron.c); double precision, a
   Newton preconditioner.  init returns nonzero (and factor then always
   refuses) when the decomposition fails; factor returns nonzero when it
   cannot be used (stiffness beyond 2^30, singular block); solve works in
   place on s x n real right-hand sides (double).  Nothing is allocated after init. */
typedef struct _mpbias_kron_struct
{
    slong s, n, m;                  /* m blocks                          */
    void *T, *Ti, *lam, *LU, *H;    /* double complex arrays             */
    double *wt;                     /* 1 (real eigenvalue), 2 (a pair)   */
    slong *perm;
    double hjmax;                   /* max_k |h lambda_k| max|J|, last factor */
    int ok;
} _mpbias_kron_struct;
typedef _mpbias_kron_struct _mpbias_kron_t[1];
int _mpbias_kron_init(_mpbias_kron_t K, slong s, slong n, const mpfr_t *A);
void _mpbias_kron_clear(_mpbias_kron_t K);
int _mpbias_kron_factor(_mpbias_kron_t K, double h, const double *J);
void _mpbias_kron_solve(double *g, _mpbias_kron_t K);

/* ------------------------------------------------------------------ */
/* ODE layer (src/ode): system / stepper / error control / evolve one  */
/* step (shaped like GSL's odeiv2; all storage set up once per         */
/* workspace).  Internal: the flow driver's engine, not the public API. */
/* ------------------------------------------------------------------ */

/* Status of the ODE layer's functions (0 = success). */
enum
{
    MPBIAS_ODE_OK = 0,
    MPBIAS_ODE_DOMAIN = 1,     /* f or its Jacobian undefined at y: the step is rejected */
    MPBIAS_ODE_UNSTABLE = 2,   /* stepper's stability test failed: the step is rejected  */
    MPBIAS_ODE_SINGULAR = 3,   /* I - H J singular: the step is rejected                 */
    MPBIAS_ODE_TINY_STEP = 4,  /* step size underflowed below the resolution of x        */
    MPBIAS_ODE_MAX_STEPS = 5,  /* step budget exhausted                                  */
    MPBIAS_ODE_NOISE = 6,      /* the error estimate is rounding noise (flow driver)     */
    MPBIAS_ODE_PRECISION = 7   /* steps held by the precision: a copy with more bits
                                  takes a step 4 times as large (flow driver)           */
};

/* The system y' = f(x, y), y in R^dim, at the precision of the mpfr_t
   it is given.  f writes f(x, y); jac writes the Jacobian df/dy
   (row-major dim x dim) and df/dx.  Both return MPBIAS_ODE_OK or
   MPBIAS_ODE_DOMAIN. */
typedef int (*mpbias_ode_rhs_fn)(mpfr_t *f, const mpfr_t x, const mpfr_t *y, void *params);
typedef int (*mpbias_ode_jac_fn)(mpfr_t *J, mpfr_t *dfdx, const mpfr_t x, const mpfr_t *y,
                                 void *params);
/* Optional: when f(x, y) = sigma(x) F(y), `scale` writes sigma(x) > 0
   (NULL: no such structure).  Informative: the stepper no longer needs it
   (its Newton matrix uses the Jacobian at the middle of the step). */
typedef int (*mpbias_ode_scale_fn)(mpfr_t sigma, const mpfr_t x, void *params);
/* Optional: the Jacobian df/dy in double (row-major dim x dim), for the
   stepper's double preconditioner only (it replaces jac, rounded to
   double, at the sample points inside a step; the Newton iteration's
   residuals and the error estimate stay in MPFR).  Accurate to a modest
   relative error normwise; a non-finite entry makes the stepper fall
   back to its MPFR Newton matrix.  NULL: jac is used.  Returns
   MPBIAS_ODE_OK or MPBIAS_ODE_DOMAIN. */
typedef int (*mpbias_ode_jac_d_fn)(double *J, const mpfr_t x, const mpfr_t *y, void *params);
typedef struct
{
    slong dim;
    mpbias_ode_rhs_fn f;
    mpbias_ode_jac_fn jac;
    mpbias_ode_scale_fn scale;
    void *params;
    mpbias_ode_jac_d_fn jac_d;   /* optional (NULL) */
} mpbias_ode_system;

/* Error control: a step is accepted when
   max_i |e_i| / (atol_i + rtol max(|y_i|, |y_new_i|)) <= 1.
   stiff[i] (default 0) marks a component whose error the stepper's
   estimate measures as it is (a stiff component forced by the slow
   ones, where Radau IIA's order drops to the stage order): no
   tolerance transformation is applied to it.  MPBIAS_ODE_STIFF_GUESS
   marks one that is stiff for the starting guesses only (low-degree
   extrapolation, no Euler predictor) and whose error is measured as a
   non-stiff component's. */
#define MPBIAS_ODE_STIFF_GUESS 2
typedef struct
{
    slong dim;
    mpfr_t rtol;
    mpfr_t *atol;
    int *stiff;
} mpbias_ode_control_struct;
typedef mpbias_ode_control_struct mpbias_ode_control_t[1];

void mpbias_ode_control_init(mpbias_ode_control_t c, slong dim, mpfr_prec_t prec);
void mpbias_ode_control_clear(mpbias_ode_control_t c);
/* The scaled error norm of e for a step from y to ynew, into `out`,
   over the components selected by `which`: MPBIAS_ODE_ALL, or only the
   stiff (MPBIAS_ODE_STIFF) or non-stiff (MPBIAS_ODE_NONSTIFF) ones. */
enum { MPBIAS_ODE_ALL = 0, MPBIAS_ODE_NONSTIFF = 1, MPBIAS_ODE_STIFF = 2 };
void mpbias_ode_control_norm(mpfr_t out, const mpbias_ode_control_t c, const mpfr_t *e,
                             const mpfr_t *y, const mpfr_t *ynew, int which);

/* Stepper: the s-stage Radau IIA collocation method (order 2s - 1,
   stage order s, L-stable and stiffly accurate; Hairer and Wanner,
   Solving ODEs II, IV.5 and IV.8), for any s >= 1, with coefficients
   computed at the working precision (nodes certified by Arb).  The stage
   equations are solved by simplified Newton iterations on
   I - h A x J(middle of the step), block-diagonalized through the
   eigendecomposition of A, computed once (one real and floor(s/2) complex
   dim x dim factorizations in double precision per step; the residual in
   MPFR; the full (s dim) x (s dim) matrix in MPFR only as a fallback);
   the starting guess extrapolates the previous step's collocation
   polynomial.  The error estimate is the embedded order-s formula of
   Hairer and Wanner (1999), filtered through (I - h gamma0 J)^-1; it
   overestimates the order-(2s-1) error, so for the components not marked
   stiff the control measures it against the looser 0.1 tol^((2s+1)/(3s))
   (RADAU5 uses 0.1 tol^((s+1)/(2s)), not tight enough on the flow,
   measured; stiff components take tol itself), while the Newton
   iterations converge to tol.
   Allocates nothing per step. */
typedef struct
{
    slong dim, s;
    mpfr_prec_t prec;
    mpfr_t *c, *A, *e, *lw;  /* nodes, A (s x s), error weights, Lagrange weights */
    slong nsub[2], *sub[2];  /* nodes of the low-degree guess polynomials
                                (non-stiff, stiff components)                */
    mpfr_t *lws[2];          /* and their weights                               */
    mpfr_t gamma0;
    double kappa;            /* Newton tolerance, in the control's norm        */
    mpfr_t *J, *Jk, *fx, *f0, *Z, *F, *G, *y1, *v, *Js;  /* J at (x, y), sampled, per stage */
    slong jmid;              /* the stage nearest the middle of the step       */
    slong nj, *jn;           /* Jacobians sampled per step: at (x, y) (-1) or at
                                the starting value of stage jn[k]              */
    double *jw, *Jq, *Jsd, *hAd, *gd, *dd, *rd, *qd;  /* preconditioner (double) */
    struct _mpbias_alu_struct *W, *E1;   /* iteration matrices (internal) */
    struct _mpbias_kron_struct *kron;    /* W block-diagonalized (large dim)  */
    int use_kron;
    int force_mpfr;          /* factor W in MPFR even when double would do     */
    int have_prev;           /* the last converged step's polynomial is kept   */
    int hold_prev;           /* set: steps do not replace it (re-steps from the
                                start of an accepted step, to locate events)  */
    mpfr_t xp, hp;
    mpfr_t *yp, *Zp;
    mpfr_t t, u, w, nrm, nrm0, errn;
    double err;              /* last step: error norm against the transformed
                                tolerance (acceptable iff <= 1)              */
    slong newton_its;        /* last step's Newton iterations                 */
    int jac_valid;           /* J, f0 hold the values at the last (x, y)       */
    int refine_err;          /* refine the next estimate (after a rejection)  */
    slong nfev, njev, nlu, nnewton;   /* counters                            */
} mpbias_ode_radau_struct;
typedef mpbias_ode_radau_struct mpbias_ode_radau_t[1];

/* s stages at precision prec.  Returns 0, or nonzero if the coefficients
   could not be computed to prec bits (then clear it anyway). */
int mpbias_ode_radau_init(mpbias_ode_radau_t R, slong dim, slong s, mpfr_prec_t prec);
void mpbias_ode_radau_clear(mpbias_ode_radau_t R);

/* One step of size h from (x, y) into yout (yerr: the filtered
   estimate).  Returns MPBIAS_ODE_OK with R->err set (the step is
   acceptable iff R->err <= 1), or a failure status (MPBIAS_ODE_UNSTABLE
   when the Newton iterations do not converge).  The Jacobian is
   evaluated at (x, y) unless R->jac_valid is set; the caller clears it
   whenever x or y change (evolve does). */
int mpbias_ode_radau_step(mpbias_ode_radau_t R, const mpbias_ode_system *sys,
                          const mpbias_ode_control_t c, const mpfr_t x, const mpfr_t *y,
                          const mpfr_t h, mpfr_t *yout, mpfr_t *yerr);

/* mpbias_ode_radau_step, and when Newton failed (MPBIAS_ODE_UNSTABLE, or
   MPBIAS_ODE_DOMAIN after an iteration) with a double-precision matrix,
   the same step again with the full Newton matrix in MPFR (R->force_mpfr
   for that call): what evolve does before shrinking a step. */
int mpbias_ode_radau_step_retry(mpbias_ode_radau_t R, const mpbias_ode_system *sys,
                                const mpbias_ode_control_t c, const mpfr_t x, const mpfr_t *y,
                                const mpfr_t h, mpfr_t *yout, mpfr_t *yerr);

/* Dense output: y(x) from the collocation polynomial of the last
   converged step (error of order h^(s+1): a locator, not a result).
   Returns MPBIAS_ODE_DOMAIN if there is no such step. */
int mpbias_ode_radau_dense(mpbias_ode_radau_t R, const mpfr_t x, mpfr_t *yout);
/* An estimate of dense output's error at x: the difference between the
   collocation polynomial and the one through the same values without the
   first node (one degree lower: an overestimate), into eout. */
int mpbias_ode_radau_dense_err(mpbias_ode_radau_t R, const mpfr_t x, mpfr_t *eout);

/* Evolve: one accepted adaptive step from x towards x1 (never past it),
   with the controller h_new = h clamp(0.9 err^(-1/(s+1)), 0.2, 4).  On
   success x and y are advanced and h holds the size proposed for the
   next step. */
typedef struct
{
    slong dim;
    mpfr_t h;                /* proposed step                                   */
    mpfr_t *ynew, *yerr;
    mpfr_t x1h, hprop;
    slong steps, rejected;
} mpbias_ode_evolve_struct;
typedef mpbias_ode_evolve_struct mpbias_ode_evolve_t[1];

void mpbias_ode_evolve_init(mpbias_ode_evolve_t e, slong dim, mpfr_prec_t prec);
void mpbias_ode_evolve_clear(mpbias_ode_evolve_t e);
int mpbias_ode_evolve_apply(mpbias_ode_evolve_t e, mpbias_ode_radau_t R,
                            const mpbias_ode_control_t c, const mpbias_ode_system *sys,
                            mpfr_t x, const mpfr_t x1, mpfr_t *y);

/* Exact linear programs (src/limits/exactlp.c): minimize c^T x subject to
   a_r . x >= b_r (fx[r] = 0) or = b_r (fx[r] = 1), x >= 0, with A m x k
   row-major.  GLPK finds a basis; x, y (the row multipliers) and the
   optimal value are then solved and certified exactly.  Returns one of: */
enum
{
    MPBIAS_LP_OPTIMAL = 0,      /* x, y, value set and certified            */
    MPBIAS_LP_INFEASIBLE = 1,
    MPBIAS_LP_UNBOUNDED = 2,
    MPBIAS_LP_UNCERTIFIED = 3,  /* GLPK's basis fails the exact certificate */
    MPBIAS_LP_FAILED = 4,       /* GLPK failed                              */
    MPBIAS_LP_NOMEM = 5
};
int _mpbias_exact_lp(fmpq *x, fmpq *y, fmpq_t value, const fmpq *A, const fmpq *b, const int *fx,
                     const fmpq *c, slong m, slong k);
/* The exact optimality certificate of (x, y) for that program: returns 1
   and sets value (if non-NULL) to c^T x = b^T y when it holds. */
int _mpbias_exact_lp_certify(fmpq_t value, const fmpq *x, const fmpq *y, const fmpq *A,
                             const fmpq *b, const int *fx, const fmpq *c, slong m, slong k);

/* Arrays of mpfr_t (at least one entry is always allocated). */
mpfr_t *_mpbias_mpfr_vec_init(slong len, mpfr_prec_t prec);
void _mpbias_mpfr_vec_clear(mpfr_t *v, slong len);

/* The reduced flow's workspace (src/flow/dual.c): state y = (nu - nuref,
   r, xi - xiref) (nu and xi measured from reference points that the
   driver moves to the state at every step: _mpbias_dual_fold), with xi =
   log(1 + (M - M0) / Msc) (Msc the margin scale of the initial plateau)
   and r = log(1 + t) - c(xi), c(xi) = softplus(M0 + Msc expm1(xi) - Lam),
   Lam = log Phi at t = 0; the independent variable x is a Sundman
   transform (dxi/dx = theta = Phi / den, den = Phi + Pref + E sigma,
   set_theta), so that plateaus after the first (M standing still) are
   resolved; the system is autonomous in x.  doc/flow.md section 2. */
typedef struct
{
    slong n, d;
    int D;
    mpbias_loss loss;
    mpfr_prec_t prec;
    mpfr_t *Z;                 /* n x d */
    mpfr_t *c0, *c1;           /* per-coordinate constants of w(s) */
    mpfr_t *s, *w, *w1, *w2, *v, *r;     /* d */
    mpfr_t *m, *lg, *p, *c, *Kp, *u, *gphi;  /* n */
    mpfr_t *K;                 /* n x n */
    mpfr_t *nuref, *nu;        /* n: the reference point (at hiprec), and nu at the last evaluation */
    /* D >= 3: the gaps P = c0 - D(D-2)s and Q = c1 + D(D-2)s are formed at
       hiprec = prec + the bits they cancel (log2 max(c0, c1) + 32), from
       nuref + y, Z and c0, c1 at hiprec, then rounded to prec */
    mpfr_prec_t hiprec;
    mpfr_t *P, *Q, *PQ;        /* d, at prec (PQ = P - Q) */
    mpfr_t *Zhi, *c0hi, *c1hi, *nuhi;   /* n x d, d, d, n at hiprec */
    mpfr_t shi, thi;
    mpfr_t Phi, logL, M0, E, eq, t1, t2, t3;
    mpfr_t Msc;                /* plateau scale of M (a power of 2 <= 1; set by _mpbias_dual_origin) */
    mpfr_t xiref, xi;          /* xi = xiref + y[n + 1] (xiref moved by _mpbias_dual_fold) */
    mpfr_t theta, sgm;         /* dxi/dx and sigma at the last evaluation of rhs or jac */
    mpfr_t pref, den, sE, omsE;  /* set_theta: Pref, den = Phi + Pref + E sigma, E sigma / den, 1 - sE */
    mpfr_t *pa;                /* d: max_a Z_ai^2 (set_theta: Pref = sum_i w'_i pa_i) */
    mpfr_t *kq, *ke, *gth, *zq;  /* d, d, n, n: scratch of grad theta (jac) */
    mpfr_t Lam;                /* log Phi at t = 0 (set by the caller) */
    mpfr_t g1, sig;            /* at the last x: M - c(x) and c'(x) / E */
    /* Fast evaluation (dual.c): Z, Z^T (and at hiprec for D >= 3) as
       exact Arb copies for arb_approx_dot; Zw = Z diag(w'), Ka = K, and
       scratch vectors.  fast = 0 selects the reference loops of
       mpfr_mul/mpfr_add (for tests); the fast path also falls back to
       them when a vector has a non-finite entry. */
    int fast;
    arb_ptr Za, ZTa, ZThia, Zwa, Ka;   /* n x d, d x n, d x n (hiprec), n x d, n x n */
    arb_ptr xa, ya;                    /* max(n, d) scratch */
    double *Zd, *Zwd, *Kd, *vd;        /* Z and Z diag(w'/Phi) (n x d), K / Phi (n x n), 4 max(n, d) scratch */
    /* Z = Zi / zden with integers |Zi| < 2^62 (decimal data): the
       products with Z as exact fixed-point sums (mpn_addmul_1), one
       rounding per result; zint = 0 when Z has no such form */
    int zint;
    ulong zden;
    slong *Zi, *ZTi;                   /* n x d, d x n */
    mp_limb_t *xl, *acc2;              /* max(n, d) x xlen limbs; 2 (xlen + 2) */
    int *xs;                           /* max(n, d) signs */
    slong xlen;
    mpz_t zt;
    mpfr_t zsum;                       /* (xlen + 2) 64 bits */
    mpfr_t *shv;                       /* d at hiprec: Z^T nu for the gaps (D >= 3) */
    mp_limb_t *Yl;                     /* n x d x (ylen + 1) limbs: Zi diag(w') in fixed point */
    int *Ys;                           /* n x d signs */
    slong ylen;
    mpfr_t zden2;                      /* zden^2 */
    arb_t acc, ea, eb, ec;             /* scratch of the fast transcendental functions */
} _mpbias_dual_struct;
typedef _mpbias_dual_struct _mpbias_dual_t[1];

int _mpbias_dual_init(_mpbias_dual_t ws, const mpbias_data_t data, const mpbias_model_t model,
                      mpfr_prec_t prec);
void _mpbias_dual_clear(_mpbias_dual_t ws);
int _mpbias_dual_weights(_mpbias_dual_t ws, int second);
/* Evaluate at nu = nuref + y (y: the n entries of the state's nu part). */
int _mpbias_dual_eval(_mpbias_dual_t ws, const mpfr_t *y, int second);
/* At the evaluation of nu = 0 (t = 0): set M0, Lam and Msc. */
void _mpbias_dual_origin(_mpbias_dual_t ws);
/* Move the reference point to the state: nuref += y, y = 0 (n entries);
   shift (n entries, may be NULL) is decreased by the old y, so that
   values kept relative to the old reference (a stepper's last step)
   follow. */
void _mpbias_dual_fold(_mpbias_dual_t ws, mpfr_t *y, mpfr_t *shift);
/* softplus(z) = log(1 + e^z), stably (no overflow, no cancellation), into
   out (out != z; tmp distinct from both); also the direct formulation's */
void _mpbias_softplus(mpfr_t out, const mpfr_t z, mpfr_t tmp);
/* The Illinois/regula falsi point of [hlo, hhi] with values glo, ghi of
   opposite signs (the flow's events: glo < 0 <= ghi; the direct
   formulation's loss: glo > 0 >= ghi):
   h = hlo - glo (hhi - hlo) / (ghi - glo), the midpoint when that is not
   strictly inside (rounding); g is scratch.  src/flow/run.c, used by the
   event location of both formulations. */
void _mpbias_secant_point(mpfr_t h, const mpfr_t hlo, const mpfr_t hhi, const mpfr_t glo,
                          const mpfr_t ghi, mpfr_t g);
/* The Illinois bracket update with the value g at h: on the reached side
   (reached nonzero) hhi, ghi = h, g, else hlo, glo; the value kept at the
   other end is halved when the same side is replaced twice in a row
   (side: the last side replaced, 1 reached, -1 not, 0 at first). */
void _mpbias_illinois_update(const mpfr_t h, const mpfr_t g, int reached, mpfr_t hlo, mpfr_t hhi,
                             mpfr_t glo, mpfr_t ghi, int *side);
int _mpbias_dual_rhs(mpfr_t *f, const mpfr_t x, const mpfr_t *y, void *params);
int _mpbias_dual_jac(mpfr_t *J, mpfr_t *dfdx, const mpfr_t x, const mpfr_t *y, void *params);
/* The Jacobian in double (the stepper's preconditioner): K / Phi formed
   in double from Z and w' / Phi, O(N^2 d) flops instead of MPFR
   multiplications; the O(N d) evaluation stays in MPFR. */
int _mpbias_dual_jac_d(double *J, const mpfr_t x, const mpfr_t *y, void *params);
/* The time variable's split: c(xi) = log(1 + t) - r into c, for the
   workspace's M0 and Lam (x: the value of xi). */
void _mpbias_dual_c_of_x(mpfr_t c, const _mpbias_dual_t ws, const mpfr_t x);


/* gd.c: mpbias_gd_run with a probe, called at every step k (from 0 to
   the last) with the state of the more precise of the two runs, after
   its evaluation and before the step: u_+, u_- (d), the margins m (n),
   log L (model's convention) and the step size eta_k of the step about
   to be taken (before normalization).  For src/check's stability
   analysis. */
typedef void (*_mpbias_gd_probe_fn)(slong k, const fmpq *eta, const mpfr_t *up, const mpfr_t *um,
                                    const mpfr_t *m, const mpfr_t logL, void *ctx);
mpbias_status _mpbias_gd_run_probe(const mpbias_data_t data, const mpbias_model_t model,
                                   const mpbias_gd_opts *o, mpbias_flow_row_fn row_fn, void *ctx,
                                   _mpbias_gd_probe_fn probe, void *pctx, mpbias_gd_stats *stats,
                                   mpbias_err_t err);

#endif
