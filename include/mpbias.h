/*
 * mpbias.h -- the public interface of libmpbias.
 *
 * libmpbias follows gradient-flow trajectories of deep diagonal linear
 * classifiers in multiprecision and compares them with the limits theory
 * predicts.  This is the only public header.
 *
 * Conventions (see doc/ and the man page mpbias(1)):
 *  - Value types are one-element struct arrays with _init / _clear pairs,
 *    as in FLINT and MPFR.
 *  - Every function that can fail returns an mpbias_status and, when the
 *    caller passes a non-NULL mpbias_err_t, fills it with a message.  The
 *    library never prints, never exits and keeps no global state.
 *  - Precision is always an explicit argument.
 */
#ifndef MPBIAS_H
#define MPBIAS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <gmp.h>
#include <mpfr.h>
#include <flint/flint.h>
#include <flint/fmpz.h>
#include <flint/fmpq.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MPBIAS_VERSION_STRING "0.1.0"

/* ------------------------------------------------------------------ */
/* Status codes and error reports                                      */
/* ------------------------------------------------------------------ */

typedef enum
{
    MPBIAS_OK = 0,
    MPBIAS_ERR_IO,            /* file cannot be opened or read            */
    MPBIAS_ERR_PARSE,         /* malformed text                           */
    MPBIAS_ERR_DATA,          /* well-formed but unusable data            */
    MPBIAS_ERR_NOT_SEPARABLE, /* data not linearly separable              */
    MPBIAS_ERR_NOMEM,         /* out of memory or beyond the size limit   */
    MPBIAS_ERR_ARG,           /* invalid argument from the caller         */
    MPBIAS_ERR_NUMERIC        /* a numerical method failed its own check  */
} mpbias_status;

#define MPBIAS_ERR_MSG_LEN 512

/* An error report.  `msg` holds a full human-readable message; when the
   error concerns a place in a file, `file`, `line` and `col` say where
   (1-based; 0 when not applicable) and `msg` already starts with
   "FILE:LINE:COL: ". */
typedef struct
{
    mpbias_status status;
    long line;
    long col;
    char msg[MPBIAS_ERR_MSG_LEN];
} mpbias_err_struct;
typedef mpbias_err_struct mpbias_err_t[1];

/* Reset an error report to MPBIAS_OK with an empty message. */
void mpbias_err_clear(mpbias_err_t err);

/* A short fixed description of a status code ("parse error", ...). */
const char *mpbias_status_string(mpbias_status status);

/* ------------------------------------------------------------------ */
/* Exact decimal numbers                                               */
/* ------------------------------------------------------------------ */

/* Largest |decimal exponent| accepted by the decimal parser.  A value
   such as 1e-400 is fine; 1e-99999999 is refused with a clear message
   rather than silently changed. */
#define MPBIAS_DECIMAL_MAX_EXP 1000000

/* Parse the decimal literal s[0..len) exactly into the rational q.
   Accepted: optional sign, digits with an optional point, optional
   exponent (e or E, optional sign, digits).  "-0" is 0.  NaN and
   infinities are refused with a message saying so.  On failure q is 0,
   err->col is the 1-based offset within s of the offending character
   and err->msg explains (without a file position). */
mpbias_status mpbias_decimal_parse(fmpq_t q, const char *s, size_t len,
                                   mpbias_err_t err);

/* Write q as a decimal string if its denominator is of the form
   2^a 5^b (then exact), otherwise as "p/q".  Returns a string allocated
   with flint_malloc, to be freed with flint_free; NULL on failure. */
char *mpbias_fmpq_get_str_exact(const fmpq_t q);

/* The K-digit scientific string ("1.2345e-07", C locale) of q, correctly
   rounded (to nearest, ties to even), decided exactly in integer
   arithmetic.  flint_free the result; NULL when digits < 1. */
char *mpbias_fmpq_get_str_rounded(const fmpq_t q, int digits);

/* ------------------------------------------------------------------ */
/* Datasets                                                            */
/* ------------------------------------------------------------------ */

typedef enum
{
    MPBIAS_FORMAT_AUTO = 0,   /* by file name, then by content            */
    MPBIAS_FORMAT_LIBSVM,     /* "+1 3:0.25 7:-1.5" (SVMlight)            */
    MPBIAS_FORMAT_CSV         /* "label,x1,...,xd", optional header row    */
} mpbias_format;

/* A binary classification dataset with exact rational features.
   z is the n x d matrix (row-major) of label-absorbed samples
   z_i = y_i x_i; y holds the labels (+1 or -1).  x_i = y_i z_i. */
typedef struct
{
    slong n;
    slong d;
    fmpq *z;
    int *y;
    char name[256];          /* file name or example name, for messages */
} mpbias_data_struct;
typedef mpbias_data_struct mpbias_data_t[1];

void mpbias_data_init(mpbias_data_t data);
void mpbias_data_clear(mpbias_data_t data);

/* Entry (i, j) of Z, 0-based. */
#define mpbias_data_z(data, i, j) ((data)->z + (i) * (data)->d + (j))

/* Reader options.  max_bytes bounds the dense storage
   n * d * sizeof(fmpq) (0: no limit beyond size_t), so that a reader
   cannot exhaust memory.  label_column (CSV only) names the label column:
   a header name, or a 1-based index written in decimal; NULL for the
   automatic choice: the header's column named y, label, target or class
   (case-insensitive) wherever it stands, else (no header, or a header that
   names none) the first column. */
typedef struct
{
    mpbias_format format;
    size_t max_bytes;
    const char *label_column;
} mpbias_read_opts;

/* Default options: automatic format, max_bytes = 0, label_column NULL. */
void mpbias_read_opts_init(mpbias_read_opts *opts);

/* Read a dataset from a file.  Every value is parsed exactly.  Refused,
   with err naming FILE:LINE:COL: unreadable or empty files, ragged or
   non-numeric rows, labels other than +1/-1 (for a CSV file whose header
   names no label column, with the advice to name one), a header naming
   two label columns, a label_column that names no column, NaN or infinities, zero
   samples, out-of-order or repeated LIBSVM indices, a single class,
   dimensions beyond opts->max_bytes.  Linear separability is a separate
   question: mpbias_l2mm_compute. */
mpbias_status mpbias_data_read_file(mpbias_data_t data, const char *path,
                                    const mpbias_read_opts *opts,
                                    mpbias_err_t err);

/* The same from a memory buffer; `name` is used in messages. */
mpbias_status mpbias_data_read_buffer(mpbias_data_t data, const char *buf,
                                      size_t len, const char *name,
                                      const mpbias_read_opts *opts,
                                      mpbias_err_t err);

/* Check the invariants every dataset must satisfy (both classes present,
   no zero sample, labels +-1, n, d >= 1).  The readers and generators
   call it; it is public for callers that build a dataset by hand. */
mpbias_status mpbias_data_validate(const mpbias_data_t data,
                                   mpbias_err_t err);

/* Z rounded correctly (mode rnd) into an n*d array of mpfr_t already
   initialised by the caller at the precision wanted.  Returns 0 if every
   entry was exact, otherwise the ternary value of the last inexact one. */
int mpbias_data_get_z_mpfr(mpfr_t *out, const mpbias_data_t data,
                           mpfr_rnd_t rnd);

/* Number of nonzero entries of Z. */
slong mpbias_data_nnz(const mpbias_data_t data);

/* Write the dataset (x = y z) exactly, in LIBSVM or CSV format
   (CSV with a header row y,x1,...,xd).  Values print as exact decimals
   when possible, otherwise as p/q (which the readers do not accept, so
   datasets with such values cannot be written: MPBIAS_ERR_ARG). */
mpbias_status mpbias_data_write(FILE *out, const mpbias_data_t data,
                                mpbias_format format, mpbias_err_t err);

/* ------------------------------------------------------------------ */
/* Built-in examples and the sparse-teacher generator                  */
/* ------------------------------------------------------------------ */

/* Parameters of the sparse-teacher Gaussian generator: x ~ N(0, I_d)
   rounded to `digits` decimal places, teacher w* with k entries +-1 on a
   random support, y = sign(w* . x); samples with |w* . x| < min_margin
   are redrawn.  Deterministic in `seed` on every platform (xoshiro256**
   and correctly rounded MPFR). */
typedef struct
{
    slong n;
    slong d;
    slong k;
    ulong seed;
    int digits;
    double min_margin;
} mpbias_gen_params;

void mpbias_gen_params_init(mpbias_gen_params *p);  /* n=8 d=20 k=2 seed=1 digits=4 min_margin=0 */

mpbias_status mpbias_gen_sparse_teacher(mpbias_data_t data,
                                        const mpbias_gen_params *p,
                                        mpbias_err_t err);

/* The teacher of the generator for these parameters (d entries). */
mpbias_status mpbias_gen_teacher(fmpq *wstar, const mpbias_gen_params *p,
                                 mpbias_err_t err);

/* Load a built-in example by name.  Names: see mpbias_example_list.
   "sparse-teacher" accepts parameters, e.g.
   "sparse-teacher:n=20,d=100,k=3,seed=7,digits=4". */
mpbias_status mpbias_example_load(mpbias_data_t data, const char *name,
                                  mpbias_err_t err);

/* The i-th built-in example (name and one-line description); returns 0
   past the end. */
int mpbias_example_list(int i, const char **name, const char **descr);

/* ------------------------------------------------------------------ */
/* Limits: the l2 max-margin classifier (exact)                        */
/* ------------------------------------------------------------------ */

/* w_l2 = argmin ||w||_2 subject to Z w >= 1, computed exactly over the
   rationals as a least-distance program solved by the Lawson-Hanson
   active-set NNLS method in exact arithmetic (finite termination), and
   certified: lambda >= 0, w = Z^T lambda, Z w >= 1 and
   lambda_n (z_n . w - 1) = 0 are verified exactly.  The same computation
   decides linear separability exactly (the LDP is infeasible iff the
   data are not separable). */
typedef struct
{
    int separable;        /* 1 if some w has Z w > 0                     */
    slong n;
    slong d;
    fmpq *w;              /* d entries: the l2 max-margin predictor       */
    fmpq *lambda;         /* n entries: KKT multipliers                   */
    fmpq_t norm2;         /* ||w||_2^2 = sum(lambda); margin = 1/sqrt     */
    slong nsupport;       /* number of samples with z_n . w = 1           */
    int certified;        /* the exact KKT certificate was verified       */
    slong iterations;     /* outer NNLS iterations                        */
} mpbias_l2mm_struct;
typedef mpbias_l2mm_struct mpbias_l2mm_t[1];

void mpbias_l2mm_init(mpbias_l2mm_t r);
void mpbias_l2mm_clear(mpbias_l2mm_t r);

/* Returns MPBIAS_OK both for separable data (r->separable = 1, w set and
   certified) and for non-separable data (r->separable = 0).  Any other
   status is a failure (memory, or a certificate that did not verify,
   which would be a bug: MPBIAS_ERR_NUMERIC). */
mpbias_status mpbias_l2mm_compute(mpbias_l2mm_t r, const mpbias_data_t data,
                                  mpbias_err_t err);

/* The geometric l2 margin 1/||w_l2||_2 (the largest min_n z_n . w over
   unit vectors w), correctly rounded to `digits` significant decimal
   digits (to nearest, ties to even: a rational margin is rounded exactly,
   an irrational one from an enclosure tight enough to decide), as a string
   such as "1.2e+00" allocated with flint_malloc; NULL when digits < 1. */
char *mpbias_l2mm_margin_str(const mpbias_l2mm_t r, int digits);

/* ------------------------------------------------------------------ */
/* Limits: the l1 max-margin classifier (exact), and its optimal face  */
/* ------------------------------------------------------------------ */

/* w_l1 = argmin ||w||_1 subject to Z w >= 1 (the rich limit for D = 2),
   a linear program: GLPK's exact simplex finds an optimal basis, the
   vertex and its dual multipliers are then solved exactly over the
   rationals with the true data and certified (mpbias_l1mm_certify).  The
   optimum may be a whole face: it is described exactly through
   complementary slackness with the certified multipliers, and for every
   coordinate its range over the face is given (wmin, wmax; equal to w
   when unique). */
typedef struct
{
    int separable;        /* 1 if some w has Z w > 0 (decided exactly)    */
    slong n;
    slong d;
    fmpq *w;              /* d entries: the vertex the exact simplex ends
                             at (deterministic for given data)            */
    fmpq *lambda;         /* n entries: dual multipliers                  */
    fmpq_t norm1;         /* ||w||_1 = sum(lambda); l1 margin 1/norm1     */
    int certified;        /* the exact certificate was verified           */
    int unique;           /* 1: the optimal face is the single point w    */
    slong nfree;          /* coordinates that vary over the face          */
    fmpq *wmin, *wmax;    /* d entries: range of each coordinate over it  */
    int weighted;         /* computed by mpbias_l1mm_compute_weighted     */
} mpbias_l1mm_struct;
typedef mpbias_l1mm_struct mpbias_l1mm_t[1];

void mpbias_l1mm_init(mpbias_l1mm_t r);
void mpbias_l1mm_clear(mpbias_l1mm_t r);

/* Returns MPBIAS_OK for separable data (r->separable = 1, w certified,
   the face described) and for non-separable data (r->separable = 0);
   otherwise MPBIAS_ERR_NOMEM or MPBIAS_ERR_NUMERIC (the solver failed,
   or its basis did not pass the exact certificate: nothing is reported
   then). */
mpbias_status mpbias_l1mm_compute(mpbias_l1mm_t r, const mpbias_data_t data, mpbias_err_t err);

/* The weighted l1 max margin: minimize sum_i cp_i max(w_i, 0) +
   cm_i max(-w_i, 0) subject to Z w >= 1 (cp, cm: d positive entries
   each; both NULL is mpbias_l1mm_compute).  With an initialization shape
   u_+(0) = a, u_-(0) = b, cp = a^(2-D) and cm = b^(2-D) give the rich
   limit of the depth-D >= 3 predictor (doc/limits.md).  norm1 is then
   the weighted norm, and r->weighted is set. */
mpbias_status mpbias_l1mm_compute_weighted(mpbias_l1mm_t r, const mpbias_data_t data,
                                           const fmpq *cp, const fmpq *cm, mpbias_err_t err);

/* The exact optimality certificate of a candidate pair: returns 1 iff
   Z w >= 1, lambda >= 0, -cm <= Z^T lambda <= cp and
   sum_i cp_i max(w_i, 0) + cm_i max(-w_i, 0) = sum(lambda) (weak duality
   makes w optimal), and then sets norm1 (if non-NULL) to that norm.
   cp = cm = NULL: all weights 1 (|Z^T lambda|_inf <= 1, ||w||_1). */
int mpbias_l1mm_certify(fmpq_t norm1, const fmpq *w, const fmpq *lambda, const fmpq *cp,
                        const fmpq *cm, const mpbias_data_t data);

/* The largest minimal dual slack: max over dual-optimal lambda (lambda >= 0,
   |Z^T lambda| <= 1, sum lambda = ||w_l1||_1) of min (1 - |(Z^T lambda)_i|)
   over the off-support coordinates i (zero on the whole optimal face), an
   exact LP certified like the l1 problem.  For depth 2 at a fixed alpha the
   distance of the trajectory's wbar to the l1 predictor decays like
   gamma^(-slack) (doc/asymptotics.md section 7).  MPBIAS_ERR_ARG when r is
   not a certified unweighted result or there is no off-support coordinate. */
mpbias_status mpbias_l1mm_max_slack(fmpq_t slack, const mpbias_l1mm_t r,
                                    const mpbias_data_t data, mpbias_err_t err);

/* The l1 margin 1/||w_l1||_1 (the largest min_n z_n . w over w with
   ||w||_1 = 1), correctly rounded to `digits` significant digits (to
   nearest, ties to even, decided exactly: the margin is rational), as a
   string allocated with flint_malloc; NULL if not available or digits < 1. */
char *mpbias_l1mm_margin_str(const mpbias_l1mm_t r, int digits);

/* ------------------------------------------------------------------ */
/* Limits: the intermediate predictor (depth >= 2), with an error bound */
/* ------------------------------------------------------------------ */

/* argmin Q^D_mu(w) subject to Z w >= 1 (doc/math.md section 5): for depth 2
   Q_mu(w) = mu^2 sum_i q(w_i / mu^2), q(z) = 2 - sqrt(4 + z^2) + z asinh(z/2);
   for depth D >= 3 Q^D_mu(w) = mu^2 sum_i q_D(w_i / mu^D), q_D' = h_D^-1:
   the predictor gradient flow follows at the scale mu^D = alpha^D / margin.
   Solved through its smooth dual (active-set Newton in MPFR), then bounded
   rigorously in Arb from the duality gap of a feasible point and the
   strong convexity of Q_mu: the exact solution lies within `radius`
   (l2 norm) of the point w (the stored values themselves, exact).  Each
   coordinate also has its own bound werr[i], which the KKT structure
   makes relative to |w_i| even for coordinates far below the radius
   (doc/limits.md, "Componentwise bounds").  depth must be >= 2. */
typedef struct
{
    slong n;
    slong d;
    mpfr_t *w;            /* d entries: a feasible point (Z w >= 1), held
                             exactly (each at the precision it needs)     */
    mpfr_t *werr;         /* d entries: |w_i - w_exact,i| <= werr[i]       */
    mpfr_t radius;        /* ||w - w_exact||_2 <= radius (rigorous)        */
    mpfr_t *lambda;       /* n dual multipliers (approximate)              */
    slong nsupport;       /* active constraints (lambda_n > 0)             */
    mpfr_prec_t prec;     /* working precision used                        */
} mpbias_qmu_struct;
typedef mpbias_qmu_struct mpbias_qmu_t[1];

void mpbias_qmu_init(mpbias_qmu_t r);
void mpbias_qmu_clear(mpbias_qmu_t r);

/* mu_pow_D is mu^D (mu^2 for depth 2), exact.  The working precision
   doubles (at most 4 times) until the radius is below
   10^-(digits+2) max_i |w_i| and every coordinate's bound determines its
   `digits` correctly rounded digits (mpbias_qmu_coord_str); at the last
   precision the radius condition alone suffices, the coordinates left
   undetermined then being balls (mpbias_qmu_coord_ball_str).
   MPBIAS_ERR_NOT_SEPARABLE, MPBIAS_ERR_ARG or MPBIAS_ERR_NUMERIC
   otherwise. */
mpbias_status mpbias_qmu_compute(mpbias_qmu_t r, const mpbias_data_t data, int depth,
                                 const fmpq_t mu_pow_D, int digits, mpbias_err_t err);

/* With an initialization shape u_+(0) = a, u_-(0) = b (per coordinate),
   the flow follows the tilted potential (doc/limits.md): coordinate i
   has two scales, plus_D[i] = a_i^D / gamma and minus_D[i] = b_i^D / gamma
   at margin gamma (exact, positive; d entries each).  For depth 2 its
   conjugate term is plus e^v + minus e^-v (up to a constant), for D >= 3
   the two halves of q_D* with mu_+ and mu_- (the general form of
   doc/math.md section 5; equal scales give mpbias_qmu_compute). */
mpbias_status mpbias_qmu_compute_shape(mpbias_qmu_t r, const mpbias_data_t data, int depth,
                                       const fmpq *plus_D, const fmpq *minus_D, int digits,
                                       mpbias_err_t err);

/* Coordinate i of the exact predictor correctly rounded to `digits`
   significant digits (a flint_malloc'ed string; "0" for an exact zero),
   or NULL when its bound werr[i] does not determine them. */
char *mpbias_qmu_coord_str(const mpbias_qmu_t r, slong i, int digits);
/* Coordinate i as a ball "[m +/- r]" (Arb's notation: the exact value
   lies in it; m has at most `digits` digits), flint_malloc'ed; for the
   coordinates mpbias_qmu_coord_str does not determine. */
char *mpbias_qmu_coord_ball_str(const mpbias_qmu_t r, slong i, int digits);

/* ------------------------------------------------------------------ */
/* Limits: KKT points of the l_(2/D) max-margin problem (depth >= 3)   */
/* ------------------------------------------------------------------ */

/* minimize sum_i |w_i|^(2/D) subject to Z w >= 1 is nonconvex; gradient
   flow reaches one of its KKT points.  mpbias_lpkkt_compute takes a
   candidate c (d entries, e.g. a trajectory's late wbar), scales it to
   margin 1, takes its support S (|c_i| > tau max |c|) and active set A
   (z_n . c <= 1 + tau), solves the KKT system on S by Newton's method to
   the precision prec, and accepts the point if the multipliers are >= 0
   and the other constraints hold; it then classifies it. */
typedef enum
{
    MPBIAS_KKT_NONE = 0,        /* not a KKT point (or not found)              */
    MPBIAS_KKT_L1 = 1,          /* the (unique) l1 max-margin solution         */
    MPBIAS_KKT_VERTEX = 2,      /* another vertex: |S| = |A|                   */
    MPBIAS_KKT_INTERIOR = 3     /* |S| > |A|: not determined by its constraints */
} mpbias_kkt_kind;

typedef struct
{
    slong n;
    slong d;
    mpfr_t *w;            /* d entries: the polished KKT point (0 off S)   */
    mpfr_t *lambda;       /* n entries: multipliers (0 off A)              */
    slong nsupport, nactive;
    mpbias_kkt_kind kind;
    mpfr_t residual;      /* max-norm residual of the KKT system           */
    mpfr_t distance;      /* max_i |w_i - c_i| / max_i |c_i|, c the candidate
                             scaled to margin 1: how far Newton moved       */
    double tau;           /* the support threshold used                    */
} mpbias_lpkkt_struct;
typedef mpbias_lpkkt_struct mpbias_lpkkt_t[1];

void mpbias_lpkkt_init(mpbias_lpkkt_t r);
void mpbias_lpkkt_clear(mpbias_lpkkt_t r);
/* MPBIAS_OK with r set, or MPBIAS_ERR_ARG (depth < 3, tau outside (0, 1),
   a candidate that does not separate the data) or MPBIAS_ERR_NUMERIC
   (Newton did not converge, or the point is not a KKT point: the message
   says which condition fails). */
mpbias_status mpbias_lpkkt_compute(mpbias_lpkkt_t r, const mpbias_data_t data, int depth,
                                   const mpfr_t *cand, double tau, mpfr_prec_t prec,
                                   mpbias_err_t err);
/* The same with the support threshold chosen automatically: tau in
   {1e-4, 1e-3, 1e-2, 3e-2, 0.1, 0.3}, keeping the accepted KKT point
   nearest the candidate (smallest distance; r->tau says which). */
mpbias_status mpbias_lpkkt_compute_auto(mpbias_lpkkt_t r, const mpbias_data_t data, int depth,
                                        const mpfr_t *cand, mpfr_prec_t prec, mpbias_err_t err);

/* ------------------------------------------------------------------ */
/* Numbers beyond decimal literals                                     */
/* ------------------------------------------------------------------ */

/* A positive number mant * 10^exp10 with mant rational and exp10 an
   integer of any size: losses such as 10^(-10^30) that no decimal
   expansion could hold. */
typedef struct
{
    fmpq_t mant;
    fmpz_t exp10;
} mpbias_sci_struct;
typedef mpbias_sci_struct mpbias_sci_t[1];

void mpbias_sci_init(mpbias_sci_t x);
void mpbias_sci_clear(mpbias_sci_t x);
void mpbias_sci_set(mpbias_sci_t x, const mpbias_sci_t y);
/* Parse a decimal literal (as mpbias_decimal_parse) whose exponent may
   have any number of digits; the value must be positive. */
mpbias_status mpbias_sci_parse(mpbias_sci_t x, const char *s, mpbias_err_t err);
/* log(x) into out, correctly rounded at out's precision in direction rnd
   (all MPFR modes), returning MPFR's ternary value (the sign of
   out - log(x)).  x = 1 exactly (1, 10e-1, 0.001e3, ...) gives +0 with
   ternary 0; every other x has an irrational logarithm, so the ternary is
   then nonzero.  Near 1 it is log1p of the exact x - 1 (no cancellation);
   an exponent of b bits far from the mantissa's size costs about b more
   bits of working precision (10^(10^30) is cheap).  A nonpositive
   mantissa (never produced by mpbias_sci_parse) gives NaN. */
int mpbias_sci_log(mpfr_t out, const mpbias_sci_t x, mpfr_rnd_t rnd);
/* x = 10^(-y) for finite y of any size: the mantissa is 10^(-frac(y))
   rounded to nearest at y's precision plus 16 bits (a dyadic rational;
   relative error at most 2^-(prec(y) + 16)), the exponent is exactly
   -floor(y).  Exact when y is an integer. */
void mpbias_sci_set_pow10_neg(mpbias_sci_t x, const mpfr_t y);
/* log10(x) as a double within one ulp where that is a normal double
   (log(x) correctly rounded to 64 bits, divided by log(10) at 64 bits,
   rounded to nearest); 0 for x = 1 and where |log10 x| is below the
   double range, +-inf above it.  For schedules and messages. */
double mpbias_sci_log10_d(const mpbias_sci_t x);

/* ------------------------------------------------------------------ */
/* Models                                                              */
/* ------------------------------------------------------------------ */

typedef enum
{
    MPBIAS_LOSS_EXP = 0,       /* l(m) = exp(-m), the paper's          */
    MPBIAS_LOSS_LOGISTIC = 1   /* l(m) = log(1 + exp(-m))              */
} mpbias_loss;

/* A depth-D diagonal linear network w = u_+^D - u_-^D with u_+(0) = a,
   u_-(0) = b: a = b = alpha everywhere (scalar scale), or per-coordinate
   shape arrays (all entries > 0).  The loss is summed over samples unless
   `mean` (then the same path, time scaled by N). */
typedef struct
{
    int depth;
    mpbias_loss loss;
    int mean;
    fmpq_t alpha;
    slong d;                 /* length of shape_a, shape_b (0 if scalar) */
    fmpq *shape_a;
    fmpq *shape_b;
} mpbias_model_struct;
typedef mpbias_model_struct mpbias_model_t[1];

/* Defaults: depth 2, exponential loss, summed, alpha = 1, no shape. */
void mpbias_model_init(mpbias_model_t m);
void mpbias_model_clear(mpbias_model_t m);
/* Per-coordinate initialization (copies; entries must be > 0). */
mpbias_status mpbias_model_set_shape(mpbias_model_t m, const fmpq *a, const fmpq *b, slong d,
                                     mpbias_err_t err);
/* Check the model against the data (depth >= 1, alpha > 0, shape length
   d and positive). */
mpbias_status mpbias_model_check(const mpbias_model_t m, const mpbias_data_t data,
                                 mpbias_err_t err);

/* ------------------------------------------------------------------ */
/* Trajectories: the driver                                            */
/* ------------------------------------------------------------------ */

typedef enum
{
    MPBIAS_ROW_CHECKPOINT = 0,  /* a point of the per-decade schedule     */
    MPBIAS_ROW_AT_LOSS = 1,     /* an explicitly requested loss           */
    MPBIAS_ROW_STOP = 2,        /* the stopping point (always the last)   */
    MPBIAS_ROW_AT_TIME = 3      /* an explicitly requested time           */
} mpbias_row_kind;

/* A 64-bit checksum (FNV-1a) of n bytes: for checkpoint files. */
uint64_t mpbias_checksum(const char *p, size_t n);

/* A checkpoint of mpbias_flow_run: the complete state of both runs at a
   row boundary, as text (format version, a fingerprint of the data, model
   and options, and a checksum; doc/reliability.md).  Called after each
   row except the last; a nonzero return stops the run ("interrupted"). */
typedef int (*mpbias_flow_checkpoint_fn)(const char *state, size_t len, void *ctx);

typedef struct
{
    int digits;                 /* K: correct significant digits wanted (1..1000) */
    mpfr_prec_t prec;           /* working precision in bits, exactly (no raising);
                                   0 (default): automatic, raised as needed      */
    mpfr_prec_t start_prec;     /* automatic precision only: start the raising
                                   loop at this precision of the checking run
                                   instead of the automatic estimate (0)        */
    mpfr_prec_t max_prec;       /* automatic precision only: a row that cannot be
                                   certified is redone from the last row at a
                                   higher precision (the checking run's times
                                   1.5, the reported run's 32 bits more) while
                                   the reported run's stays <= max_prec bits;
                                   beyond, MPBIAS_ERR_NUMERIC naming the limit.
                                   0: 32768                                      */
    void (*raise_fn)(slong row, double log10_loss, mpfr_prec_t old_prec, mpfr_prec_t new_prec,
                     double err_est, void *ctx);
                                /* called at each raise (may be NULL): the next
                                   row's index and loss, the reported run's old
                                   and new precision, the estimate that failed */
    void *raise_ctx;
    int (*interrupt_fn)(void *ctx);
                                /* checked after every step of either run (may
                                   be NULL): nonzero stops the run with
                                   MPBIAS_ERR_ARG ("interrupted") */
    void *interrupt_ctx;
    int until_loss_set;         /* stop conditions: any combination, the first    */
    mpbias_sci_t until_loss;    /*   reached stops the run (losses in the model's  */
    int until_margin_set;       /*   convention: summed, or mean if model->mean)   */
    fmpq_t until_margin;
    int until_time_set;
    mpbias_sci_t until_time;
    int per_decade;             /* checkpoints per decade of the loss (0: none);
                                   beyond log10(1/eps) = 100, per decade of
                                   log10(1/eps) instead                          */
    slong n_at_loss;            /* extra checkpoints at these losses              */
    mpbias_sci_struct *at_loss;
    slong n_at_time;            /* extra checkpoints at these times (model's
                                   convention, positive), in any order; those
                                   not before the stop are not reached           */
    mpbias_sci_struct *at_time;
    int verify;                 /* 1 (default): a second, more accurate run gives
                                   the error estimate and the printed values      */
    slong max_steps;            /* per run (default 10^7)                          */
    slong stages;               /* Radau IIA stages; 0 (default): automatic        */
    mpbias_flow_checkpoint_fn checkpoint_fn;   /* NULL: no checkpoints          */
    void *checkpoint_ctx;
    const char *resume;         /* a state from checkpoint_fn (same data, model
                                   and options, else MPBIAS_ERR_ARG): the run
                                   continues from it, with the rows after it
                                   identical to those of an uninterrupted run  */
    size_t resume_len;
} mpbias_flow_opts;

void mpbias_flow_opts_init(mpbias_flow_opts *o);
void mpbias_flow_opts_clear(mpbias_flow_opts *o);
/* Checkpoints log10(1/eps) = 1, ... up to target into o->at_loss (replacing
   what is there): per decade 1 (1, 10, ...), 2 (1, 3, 10, ...), 3 (1, 2, 5,
   10, ...), or P >= 4 log-spaced values 10^(k/P) (rounded to 64 bits); room
   for `extra` more entries is left.  Returns 0 when out of memory.  Free
   the list with mpbias_flow_opts_loss_grid_free. */
int mpbias_flow_opts_loss_grid(mpbias_flow_opts *o, long per_decade, double target, slong extra);
void mpbias_flow_opts_loss_grid_free(mpbias_flow_opts *o);

/* One output row.  Losses and times follow the model's convention
   (summed, or mean: then log10_loss is of the mean loss and t is the
   mean-loss time N t_sum).  wbar = w / margin, mu = alpha margin^(-1/D)
   (NaN with an initialization shape).  err_est is the estimated relative
   error of the row (componentwise for log10_t, log10_loss and margin,
   relative to max(|value|, 1) for the two logarithms; normwise, relative
   to max_i |wbar_i| and max_n |nu_n|, for wbar and nu), from comparing
   two runs of different accuracy; NaN when verify is off. */
typedef struct
{
    mpbias_row_kind kind;
    slong index;
    mpfr_t log10_t, log10_loss, margin, mu, err_est;
    slong d;
    mpfr_t *wbar;
    mpfr_t *w;                  /* the predictor w itself (certified normwise,
                                   relative to max_i |w_i|)                    */
    slong n;
    mpfr_t *nu;
} mpbias_flow_row;

typedef struct
{
    mpfr_prec_t prec;           /* working precision of the reported run        */
    slong stages;               /* Radau IIA stages (order 2 stages - 1)         */
    slong steps, rejected, nfev, njev, nlu, nnewton;   /* of the reported run   */
    slong steps_check;          /* steps of the checking run                     */
    double log10_loss;          /* current, for progress reports                 */
    double log10_loss_check;    /* the checking run's, for progress reports      */
    int checking;               /* in progress reports: 1 while the checking run
                                   advances (the reported run goes first to each
                                   row, the checking run follows)               */
    slong raises;               /* automatic precision raises (opts max_prec)    */
    double max_err_est;         /* largest err_est of the rows                   */
} mpbias_flow_stats;

typedef int (*mpbias_flow_row_fn)(const mpbias_flow_row *row, void *ctx);
typedef int (*mpbias_flow_progress_fn)(const mpbias_flow_stats *stats, void *ctx);

/* Follow gradient flow from initialization until a stop condition, calling
   row_fn at each checkpoint and at the stop (rows stream out: memory does
   not grow with the trajectory).  Each row is certified: its err_est must
   be below 10^-K, otherwise the run stops with MPBIAS_ERR_NUMERIC and a
   message saying what accuracy was reached (with automatic precision, only
   once raising the precision, opts max_prec, has hit its limit).
   progress_fn (may be NULL) is called after each step of either run; a
   nonzero return from it, from the row callback or from opts
   interrupt_fn stops the run with MPBIAS_ERR_ARG ("interrupted").  Data
   must be separable. */
mpbias_status mpbias_flow_run(const mpbias_data_t data, const mpbias_model_t model,
                              const mpbias_flow_opts *opts, mpbias_flow_row_fn row_fn,
                              mpbias_flow_progress_fn progress_fn, void *ctx,
                              mpbias_flow_stats *stats, mpbias_err_t err);

/* ------------------------------------------------------------------ */
/* Gradient descent: the reference for discrete training               */
/* ------------------------------------------------------------------ */

/* Gradient descent on (u_+, u_-) for the flow's models and losses:
   u_+ <- u_+ + eta_k D u_+^(D-1) r, u_- <- u_- - eta_k D u_-^(D-1) r,
   r = Z^T g, g_n = -l'(m_n) (over N for the mean loss). */
typedef struct
{
    int digits;                 /* certified digits of every row (1..1000)       */
    mpfr_prec_t prec;           /* working precision; 0: automatic              */
    slong max_steps;            /* stop after this many steps (default 1000)    */
    int until_loss_set;         /* ... or at the first step with loss <= this   */
    mpbias_sci_t until_loss;
    slong neta;                 /* step sizes: step k (from 0) uses             */
    fmpq *eta;                  /*   eta[min(k, neta - 1)]                      */
    slong every;                /* a row every `every` steps; 0: at steps 0, 1,
                                   2, 5, 10, 20, 50, ...                         */
    int normalized;             /* step k is eta_k / L(u_k) (loss-normalized GD,
                                   L in the model's convention)                  */
    slong n_at_step;            /* if > 0: rows exactly at these steps (sorted,
                                   nondecreasing; repeats give one row) and at
                                   the stop, instead of `every`                  */
    const slong *at_step;
} mpbias_gd_opts;

void mpbias_gd_opts_init(mpbias_gd_opts *o);
void mpbias_gd_opts_clear(mpbias_gd_opts *o);

typedef struct
{
    slong steps;                /* steps taken                                   */
    slong increases;            /* steps after which the loss was larger: the
                                   catapult phase of large steps                 */
    slong first_increase;       /* the first such step (-1: none)                */
    double max_rise;            /* the largest rise of log10(loss) in one step   */
    double max_err_est;
    mpfr_prec_t prec;           /* precision of the reported run                 */
} mpbias_gd_stats;

/* Rows as mpbias_flow_run's (index = the step; log10_t of the sum of the
   steps taken, -inf at step 0; nu_n = sum_k eta_k g_n), at the steps of
   the schedule and at the stop; each certified to `digits` by a second
   run at 64 more bits (MPBIAS_ERR_NUMERIC when the two disagree, as
   rounding errors grow along the iteration, or when the iteration
   diverges). */
mpbias_status mpbias_gd_run(const mpbias_data_t data, const mpbias_model_t model,
                            const mpbias_gd_opts *o, mpbias_flow_row_fn row_fn, void *ctx,
                            mpbias_gd_stats *stats, mpbias_err_t err);

/* ------------------------------------------------------------------ */
/* Asymptotics: where a trajectory stands relative to the limits       */
/* ------------------------------------------------------------------ */

/* The regime of a checkpoint, by the criterion of doc/asymptotics.md:
   kappa = max_i |wbar_i| / mu^D (mu^D = alpha^D / gamma) is the size of
   the potential's argument: kernel for kappa <= 0.1, rich for
   kappa >= 10, intermediate between; plateau (small initialization)
   when alpha < 1 and rho = log(gamma) / (D log(1/alpha)) < 1.  Depth 1
   (the linear model) is kernel. */
typedef enum
{
    MPBIAS_REGIME_KERNEL = 0,
    MPBIAS_REGIME_INTERMEDIATE = 1,
    MPBIAS_REGIME_RICH = 2,
    MPBIAS_REGIME_PLATEAU = 3
} mpbias_regime;

const char *mpbias_regime_name(mpbias_regime r);

/* The rich limit a trajectory is compared with. */
typedef enum
{
    MPBIAS_RICH_NONE = 0,       /* none (depth 1; depth >= 3 until set)        */
    MPBIAS_RICH_L1 = 1,         /* the unique l1 max-margin predictor (D = 2)  */
    MPBIAS_RICH_L1_FACE = 2,    /* the l1 optimal face (not unique): distances
                                   to its bounding box, a lower bound          */
    MPBIAS_RICH_KKT = 3         /* an l_(2/D) KKT point set by the caller      */
} mpbias_rich_kind;

/* The limits, computed once per dataset and model (scalar alpha). */
typedef struct
{
    int depth;
    slong n, d;
    fmpq_t alpha;
    mpfr_prec_t prec;
    mpfr_t *l2;                 /* d entries                                  */
    mpfr_t *l2_lambda;          /* n entries: its KKT multipliers a_n         */
    mpbias_rich_kind rich_kind;
    mpfr_t *rich_lo, *rich_hi;  /* the rich target's box (a point: lo = hi)   */
    int asym_rich;              /* the expansion's target: 1 rich, 0 l2 (D = 1) */
    mpfr_t *shape_a, *shape_b;  /* an initialization shape: d entries each (NULL
                                   for a scalar alpha); the scale variables then
                                   use the geometric mean of sqrt(a_i b_i) as
                                   alpha, and there is no intermediate predictor */
    mpfr_t rate;                /* predicted p in d ~ C gamma^-p at fixed alpha
                                   (doc/asymptotics.md section 7): 1 for D = 1
                                   and D >= 3, the l1 max slack for D = 2 (unique
                                   l1); NaN when not derived                   */
} mpbias_regime_ref_struct;
typedef mpbias_regime_ref_struct mpbias_regime_ref_t[1];

void mpbias_regime_ref_init(mpbias_regime_ref_t ref);
void mpbias_regime_ref_clear(mpbias_regime_ref_t ref);
/* The exact l2 predictor and, for depth 2, the l1 predictor or face,
   rounded to prec bits.  MPBIAS_ERR_ARG for a shaped model. */
mpbias_status mpbias_regime_ref_setup(mpbias_regime_ref_t ref, const mpbias_data_t data,
                                      const mpbias_model_t model, mpfr_prec_t prec,
                                      mpbias_err_t err);
/* The same, also for a shaped model (its shape kept in ref). */
mpbias_status mpbias_regime_ref_setup_shaped(mpbias_regime_ref_t ref, const mpbias_data_t data,
                                             const mpbias_model_t model, mpfr_prec_t prec,
                                             mpbias_err_t err);
/* The rich target set to the l1 max-margin predictor (its optimal face's
   bounding box when not unique), at any depth (what depth 2 has from
   mpbias_regime_ref_setup). */
mpbias_status mpbias_regime_ref_set_l1(mpbias_regime_ref_t ref, const mpbias_data_t data,
                                       mpbias_err_t err);
/* For depth >= 3: the rich target, an l_(2/D) KKT point (d entries, such
   as mpbias_lpkkt_compute's result). */
mpbias_status mpbias_regime_ref_set_kkt(mpbias_regime_ref_t ref, const mpfr_t *w,
                                        mpbias_err_t err);

/* For depth >= 3: the rich target from a late direction cand (d entries,
   e.g. the last checkpoint's wbar): the l_(2/D) KKT point it polishes to at
   ref->prec (support threshold tau, or chosen automatically when tau <= 0),
   set as with mpbias_regime_ref_set_kkt.  The polished point is left in kk
   when kk is non-NULL (initialized by the caller). */
mpbias_status mpbias_regime_ref_polish_kkt(mpbias_regime_ref_t ref, const mpbias_data_t data,
                                           const mpfr_t *cand, double tau, mpbias_lpkkt_t kk,
                                           mpbias_err_t err);

/* Distances of wbar to a predictor (64-bit values): sup and l2 norms of
   the difference and the angle (radians).  Below `floor` (the row's own
   error plus the predictor's error bound) they are not resolved. */
typedef struct
{
    int available;
    mpfr_t sup, l2, angle, floor;
} mpbias_dist;

/* One checkpoint, analysed (64-bit values). */
typedef struct
{
    mpfr_t gamma;               /* margin                                     */
    mpfr_t log_inv_eps;         /* log(1/eps), natural log of the loss row's  */
    mpfr_t log10_muD;           /* log10(alpha^D / gamma); NaN for depth 1    */
    mpfr_t kappa;               /* max |wbar| / mu^D                           */
    mpfr_t rho;                 /* log(gamma) / (D log(1/alpha)); NaN, alpha >= 1 */
    mpbias_dist to_l2, to_rich, to_qmu;   /* qmu: at the row's own mu         */
    mpfr_t stationarity;        /* max_i |w(Z^T nu)_i / gamma - wbar_i| / max |wbar|:
                                   the identity of doc/math.md section 5     */
    mpfr_t slackness;           /* max_n (nu_n / max nu) (z_n . wbar - 1)      */
    mpbias_regime regime;
    int nearest;                /* 0: l2, 1: the rich limit (sup norm); -1     */
    mpfr_t *qmu_w;              /* to_qmu available: the intermediate predictor
                                   itself (qmu_d entries, 64 bits); else NULL  */
    slong qmu_d;
} mpbias_regime_row;

void mpbias_regime_row_init(mpbias_regime_row *r);
void mpbias_regime_row_clear(mpbias_regime_row *r);

/* The expansion between two analysed checkpoints (prev before cur): the
   observed rate p_obs = log(d_prev / d_cur) / log(gamma_cur / gamma_prev)
   of the sup distance to the expansion's target, and the relative error of
   extrapolating wbar from prev to cur with the predicted rate,
   |w* + (wbar_prev - w*) (gamma_prev / gamma_cur)^p - wbar_cur| / d_cur
   (NaN when the rate is not derived or the distances are not resolved). */
void mpbias_regime_compare(mpfr_t p_obs, mpfr_t extrap_err, const mpbias_regime_ref_t ref,
                           const mpbias_flow_row *prev, const mpbias_regime_row *aprev,
                           const mpbias_flow_row *cur, const mpbias_regime_row *acur);

/* Depth 1 (Soudry et al.): w(t) = w_l2 log t + rho(t), and for the
   support samples (a_n > 0) the limit satisfies 2 exp(-z_n . rho) = a_n
   (gradient flow on the summed loss, w = u_+ - u_-).  Sets rho (d entries,
   at the row's precision) = margin wbar - w_l2 ln t and resid =
   max over a_n > 0 of |2 exp(-z_n . rho) / a_n - 1|, which tends to 0;
   its accuracy is about err_est times the margin. */
mpbias_status mpbias_regime_rho(mpfr_t *rho, mpfr_t resid, const mpbias_regime_ref_t ref,
                                const mpbias_data_t data, const mpbias_flow_row *row,
                                mpbias_err_t err);

/* Analyse a flow row (from mpbias_flow_run with this data and model, the
   exponential loss's log(1/eps) being read from the row).  qmu_digits > 0
   also solves the intermediate predictor at the row's scale to that many
   digits (0: skip it). */
mpbias_status mpbias_regime_eval(mpbias_regime_row *out, const mpbias_regime_ref_t ref,
                                 const mpbias_data_t data, const mpbias_flow_row *row,
                                 int qmu_digits, mpbias_err_t err);

/* The training loss at which wbar comes within delta of a target and stays
   there (doc/asymptotics.md section 6).  One flow run with checkpoints at
   log10(1/eps) = 1, 2, 5, 10, ... up to the horizon finds the last
   checkpoint beyond delta (every later one is within: "stays" is checked
   at those checkpoints, up to the horizon); regula falsi (Illinois) in
   log10 log10(1/eps), one flow run per step, then narrows the bracket to
   `digits` significant digits of log10(1/eps), unless |d - delta| falls
   below the distance's resolution first (resolution_limited: the bracket
   is the answer).  Scalar alpha, exponential loss (summed). */
typedef enum
{
    MPBIAS_TARGET_L2 = 0,       /* the l2 max-margin predictor                   */
    MPBIAS_TARGET_RICH = 1,     /* l1 (depth 2; its face's box if not unique), or
                                   the l_(2/D) KKT point the horizon's wbar
                                   polishes to (depth >= 3)                       */
    MPBIAS_TARGET_QMU = 2,      /* the intermediate predictor at the current mu   */
    MPBIAS_TARGET_L1 = 3        /* the l1 max-margin predictor (its face's box if
                                   not unique), at every depth                    */
} mpbias_target;

typedef struct
{
    int reached;                /* within delta at the horizon (and from the
                                   threshold on, at the checkpoints)             */
    int at_first;               /* within already at the first checkpoint (0.1)  */
    int resolution_limited;     /* stopped by the distance's resolution          */
    slong runs;                 /* flow runs used                                */
    mpbias_rich_kind rich_kind;
    mpfr_t log10_loss;          /* a loss within delta, at most one unit of the
                                   last digit past the threshold (unless
                                   resolution_limited)                            */
    mpfr_t log10_loss_lo;       /* a loss still beyond delta (the bracket's other
                                   end; NaN when at_first)                        */
    mpfr_t log10_t;             /* log10 of the time at log10_loss                */
    mpfr_t dist_at;             /* the distance there                             */
    mpfr_t horizon;             /* log10 of the horizon's loss                    */
    mpfr_t dist_horizon;        /* the distance at the horizon                    */
} mpbias_threshold_struct;
typedef mpbias_threshold_struct mpbias_threshold_t[1];

void mpbias_threshold_init(mpbias_threshold_t r);
void mpbias_threshold_clear(mpbias_threshold_t r);
/* norm2 = 0: sup norm, 1: l2 norm.  digits in 1..15. */
mpbias_status mpbias_threshold_find(mpbias_threshold_t r, const mpbias_data_t data,
                                    const mpbias_model_t model, mpbias_target target, double delta,
                                    int norm2, const mpbias_sci_t horizon, int digits,
                                    mpbias_err_t err);
/* The same for the rich target given as a point w (d entries, such as
   the sweep's rich target of mpbias_sweep_prepare): the distance to w
   instead of the l1 predictor or the horizon's own KKT point. */
mpbias_status mpbias_threshold_find_to(mpbias_threshold_t r, const mpbias_data_t data,
                                       const mpbias_model_t model, const mpfr_t *w, double delta,
                                       int norm2, const mpbias_sci_t horizon, int digits,
                                       mpbias_err_t err);

/* ------------------------------------------------------------------ */
/* The direct flow: an independent check in (u_+, u_-)                 */
/* ------------------------------------------------------------------ */

/* Initialize a row for n samples and d coordinates, every mpfr_t at
   precision prec (values NaN); clear it with mpbias_flow_row_clear. */
void mpbias_flow_row_init(mpbias_flow_row *row, slong n, slong d, mpfr_prec_t prec);
void mpbias_flow_row_clear(mpbias_flow_row *row);
/* Copy src into dst (initialized with the same n and d; values rounded to
   dst's precision): rows passed to a callback live only during the call. */
void mpbias_flow_row_set(mpbias_flow_row *dst, const mpbias_flow_row *src);

/* The trajectory in memory: pass mpbias_flow_rows_collect as the row
   callback of mpbias_flow_run with a list as its context.  A stop row that
   repeats the last checkpoint (the last requested loss is also the stop)
   is not added again.  The callback returns nonzero (stopping the run)
   when out of memory. */
typedef struct
{
    mpbias_flow_row *rows;
    slong n, alloc;
} mpbias_flow_rows;

void mpbias_flow_rows_init(mpbias_flow_rows *l);
void mpbias_flow_rows_clear(mpbias_flow_rows *l);
int mpbias_flow_rows_collect(const mpbias_flow_row *row, void *list);

/* The regime pipeline: what `mpbias regime` and `mpbias sweep` compute for
   one trajectory.  mpbias_regime_traj_compute sets up the limits (ref, at
   64 + 3.33 fo->digits + 64 bits), runs the flow with the options fo
   (rows collected in `rows`), for depth >= 3 sets the rich target to the
   l_(2/D) KKT point the last row polishes to (support threshold
   support_tol, automatic when <= 0; when none is found the rich column is
   unavailable and kkt_err says why), analyses every row
   (mpbias_regime_eval with qmu_digits), and with rates = 1 compares
   consecutive rows (mpbias_regime_compare), or, when anchor is non-NULL,
   every row after the row nearest that loss with that row (rate[j] stays
   the consecutive one).  progress_fn and ctx are passed to mpbias_flow_run.
   Its target is the rich limit (l2 for depth 1); mpbias_regime_traj_run
   chooses another (l2, l1, qmu) and where the rich point comes from, and
   mpbias_regime_traj_target_dist reads each row's distance to it: the
   one definition of `regime --target` and of sweep's d_target.  The model
   may have a shape (mpbias_regime_ref_setup_shaped; then no qmu). */
typedef struct
{
    mpbias_regime_ref_t ref;
    mpbias_flow_rows rows;
    mpbias_regime_row *an;      /* rows.n analysed rows                        */
    mpfr_t *rate, *extrap;      /* rows.n each (64 bits; NaN where undefined)  */
    slong anchor_row;           /* the anchor row, or -1                       */
    mpbias_flow_stats stats;
    mpbias_target target;       /* the distance that matters (opts->target, or
                                   RICH; L2 for depth 1's RICH): see
                                   mpbias_regime_traj_target_dist              */
    int kkt_found;              /* depth >= 3: a KKT point is the rich target  */
    mpbias_kkt_kind kkt_kind;
    double kkt_tau;
    mpbias_err_t kkt_err;       /* depth >= 3 without one: the reason          */
} mpbias_regime_traj_struct;
typedef mpbias_regime_traj_struct mpbias_regime_traj_t[1];

void mpbias_regime_traj_init(mpbias_regime_traj_t r);
void mpbias_regime_traj_clear(mpbias_regime_traj_t r);
mpbias_status mpbias_regime_traj_compute(mpbias_regime_traj_t r, const mpbias_data_t data,
                                         const mpbias_model_t model, const mpbias_flow_opts *fo,
                                         int qmu_digits, double support_tol, int rates,
                                         const mpbias_sci_struct *anchor,
                                         mpbias_flow_progress_fn progress_fn, void *ctx,
                                         mpbias_err_t err);

/* Which rich target the pipeline compares with. */
typedef enum
{
    MPBIAS_RICH_FROM_OWN = 0,   /* l1 for depth 2; depth >= 3: the KKT point this
                                   trajectory's last row polishes to (as above)   */
    MPBIAS_RICH_FROM_L1 = 1,    /* the l1 predictor (or its face), at every depth */
    MPBIAS_RICH_FROM_GIVEN = 2, /* depth >= 3: the point rich_w; depth 2: l1      */
    MPBIAS_RICH_FROM_NONE = 3   /* depth >= 3: none (the rich column unavailable);
                                   depth 2: l1                                    */
} mpbias_rich_from;

/* mpbias_regime_traj_compute with its arguments in a struct, and the
   choice of the rich target. */
typedef struct
{
    int qmu_digits;
    double support_tol;
    int rates;
    const mpbias_sci_struct *anchor;
    mpbias_rich_from rich_from;
    const mpfr_t *rich_w;       /* MPBIAS_RICH_FROM_GIVEN: d entries            */
    mpbias_flow_progress_fn progress_fn;
    void *ctx;
    int target_set;             /* 0: the target is the limit (RICH; l2 for
                                   depth 1); 1: `target` below                  */
    mpbias_target target;       /* L2, RICH (the rich column as rich_from says),
                                   L1 (the rich column is then the l1 predictor
                                   at every depth, whatever rich_from says), or
                                   QMU (computed at 8 digits when qmu_digits
                                   is 0; none at depth 1 or with a shape)       */
} mpbias_regime_traj_opts;

mpbias_status mpbias_regime_traj_run(mpbias_regime_traj_t r, const mpbias_data_t data,
                                     const mpbias_model_t model, const mpbias_flow_opts *fo,
                                     const mpbias_regime_traj_opts *o, mpbias_err_t err);
/* Row j's distance to the pipeline's target r->target: an->to_l2 (L2),
   to_rich (RICH, L1), to_qmu (QMU); its `available` is 0 where the target
   is not defined (no KKT point, no intermediate predictor).  NULL when j
   is not a row. */
const mpbias_dist *mpbias_regime_traj_target_dist(const mpbias_regime_traj_t r, slong j);

/* ------------------------------------------------------------------ */
/* The far trajectory from its expansion (doc/asymptotics.md section 8) */
/* ------------------------------------------------------------------ */

/* One overlap measurement: the expansion anchored at the trajectory's row
   at log10(eps) = log10_from predicts its row at log10_to; actual is the
   error against that row (relative: the larger of max_i |dwbar_i| /
   max_i |wbar_i| and |dmargin| / margin), est the uncalibrated estimate
   (omitted terms plus input), floor the two rows' own err_est. */
typedef struct
{
    double log10_from, log10_to;
    double actual, est, floor;
} mpbias_expand_overlap;

/* The expansion fitted on a trajectory: the support samples A (whose
   multipliers keep growing), the others' multipliers frozen at the anchor
   (the trajectory's last row, at EPS0), and the overlap pairs with the
   calibration factor they give (at least 1: how far the actual error of a
   pair exceeded its estimate). */
typedef struct
{
    int depth, mean;
    slong n, d;
    fmpq_t alpha;
    mpfr_prec_t prec;           /* the anchor's precision                   */
    mpfr_t *zq;                 /* Z, n x d                                 */
    int have_anchor;
    mpbias_flow_row anchor;
    mpfr_t lam0;                /* log(1/eps) of the summed loss at EPS0    */
    mpfr_t *delta0;             /* n: m_n - margin at the anchor            */
    int *support;               /* n: 1 for the samples of A                */
    slong *support_list;
    slong nsup;
    double nowcast;             /* the solution at EPS0 against the anchor row
                                   (relative, as err_pred)                     */
    mpbias_expand_overlap *overlap;
    slong noverlap;
    double calib;
} mpbias_expand_struct;
typedef mpbias_expand_struct mpbias_expand_t[1];

/* A predicted row: log10_loss (the model's convention), margin, wbar (d),
   nu (n), and err_pred, the estimated relative error (normwise as flow's
   err_est; it also bounds the margin's relative error): 2 calib
   (est_omitted + transient) + err_input + 2^-(prec - 32), with est_omitted
   the last change of the drift rounds, transient the bound nowcast EPS0'/EPS1'
   (EPS' = log(1/EPS)) on the trajectory's remaining distance to the slow
   solution, and err_input twice the effect of the anchor's error and of
   the frozen multipliers' remaining growth. */
typedef struct
{
    mpfr_t log10_loss, margin;
    mpfr_t err_pred, est_omitted, transient, err_input;   /* 64 bits */
    slong d, n;
    mpfr_t *wbar, *nu;
} mpbias_expand_row;

void mpbias_expand_init(mpbias_expand_t ex);
void mpbias_expand_clear(mpbias_expand_t ex);
void mpbias_expand_row_init(mpbias_expand_row *r, slong n, slong d, mpfr_prec_t prec);
void mpbias_expand_row_clear(mpbias_expand_row *r);
/* Fit the expansion on the rows of a trajectory of (data, model) (the
   exponential loss, summed or mean, scalar alpha; rows in increasing
   log10(1/eps), the last one the anchor EPS0), and measure the overlap on
   up to four rows (the anchor and earlier ones at most a third of the
   previous log10(1/eps) each, down to 10 and to 1/1000 of the anchor's).
   MPBIAS_ERR_NUMERIC when the anchor is not asymptotic yet (no support
   set whose reduced system is solvable there). */
mpbias_status mpbias_expand_compute(mpbias_expand_t ex, const mpbias_data_t data,
                                    const mpbias_model_t model, const mpbias_flow_rows *rows,
                                    mpbias_err_t err);
/* The row at the loss eps1 (at most EPS0; any exponent) from the fitted
   expansion, at the anchor's precision plus guard bits. */
mpbias_status mpbias_expand_predict(mpbias_expand_row *out, const mpbias_expand_t ex,
                                    const mpbias_sci_t eps1, mpbias_err_t err);

/* The sweep: the regime pipeline over a grid of datasets, depths and
   initialization scales, what `mpbias sweep` computes (doc/sweep.md).
   The grid points are numbered 0, 1, ... in the fixed order dataset,
   depth, alpha (alpha varying fastest).  Each point is an independent
   mpbias_regime_traj_compute: the exponential loss summed, scalar alpha,
   the flow sampled at the losses of mpbias_flow_opts_loss_grid(per_decade,
   log10(1/until_loss)) and stopped at until_loss, distances to the
   intermediate predictor (at 8 digits) when qmu is set and D >= 2, no
   rates; and, when threshold_within > 0, mpbias_threshold_find for the
   rich limit within that distance (sup norm, 4 digits, horizon
   until_loss).  A point depends only on its inputs, so any subset of the
   points may be computed in any order, by any process.

   Usage: mpbias_sweep_init; set the grid and the options (the arrays are
   the caller's and must outlive the sweep); mpbias_sweep_prepare; then
   mpbias_sweep_run, or mpbias_sweep_point_compute for single points (as
   worker processes do); mpbias_sweep_clear. */
typedef struct
{
    const mpbias_data_struct *data;  /* ndata datasets                          */
    slong ndata;
    const long *depths;              /* ndepths depths >= 1                     */
    slong ndepths;
    const char *const *alphas;       /* nalphas positive decimal literals       */
    slong nalphas;
    mpbias_sci_t until_loss;         /* the last loss, at most 0.1 (1e-1000)    */
    long per_decade;                 /* losses per decade, 1..20 (default 3)    */
    int digits;                      /* certified digits (default 10)           */
    int qmu;                         /* also the distance to the intermediate   */
    double threshold_within;         /* > 0: also the threshold (default 0)     */
    int target_set;                  /* 0 (default): the rich target of each
                                        point is its own (l1 for depth 2, the KKT
                                        point its last row polishes to for depth
                                        >= 3); 1: `target` below                 */
    mpbias_target target;            /* the distance that matters: L2, L1, QMU, or
                                        RICH (l1 for depth 2, l2 for depth 1; for
                                        depth >= 3 the KKT point of the smallest
                                        alpha's trajectory, one per dataset and
                                        depth, set by mpbias_sweep_prepare)      */
    mpbias_loss loss;                /* the model's loss (default exponential)  */
    int mean;                        /*   summed (0, default) or mean            */
    const fmpq *shape_a, *shape_b;   /* NULL, or an initialization shape of
                                        shape_d entries (> 0): point alpha starts
                                        at u_+ = alpha a, u_- = alpha b          */
    slong shape_d;
    /* set by mpbias_sweep_prepare */
    slong npoints;
    mpbias_flow_opts fo;             /* the flow options every point uses       */
    fmpq *alpha_q;                   /* the alphas, exactly                     */
    struct mpbias_sweep_rich_s *rich;  /* ndata x ndepths (dataset-major): the
                                        rich targets, when target_set and target
                                        is RICH; NULL otherwise                  */
} mpbias_sweep_struct;
typedef mpbias_sweep_struct mpbias_sweep_t[1];

/* The rich target of one dataset and depth (target RICH). */
typedef struct mpbias_sweep_rich_s
{
    int defined;                /* a target exists (else the rich distances of
                                   this dataset and depth are unavailable)      */
    mpbias_rich_kind kind;      /* L1 or L1_FACE (depth 2), KKT (depth >= 3),
                                   NONE (depth 1: the l2 predictor instead)      */
    mpbias_kkt_kind kkt_kind;   /* KKT: which KKT point                          */
    int l1;                     /* KKT: 1 when the point is the l1 max-margin
                                   predictor, 2 the weighted l1 one of the shape
                                   (weights a^(2-D), b^(2-D)); w is then that
                                   predictor itself (exact, rounded); else 0     */
    double kkt_tau;             /* KKT: the support threshold used               */
    slong ialpha;               /* KKT: the alpha whose trajectory gave it       */
    slong d;
    mpfr_t *w;                  /* KKT: d entries (NULL otherwise)               */
    mpbias_err_t err;           /* depth >= 3 without one: why                   */
} mpbias_sweep_rich;

/* The rich target of dataset ids and depth index idepth (NULL when the
   sweep has none: target_set is 0 or target is not RICH). */
const mpbias_sweep_rich *mpbias_sweep_rich_target(const mpbias_sweep_t sw, slong ids,
                                                  slong idepth);

void mpbias_sweep_init(mpbias_sweep_t sw);
void mpbias_sweep_clear(mpbias_sweep_t sw);
/* Check the grid and the options and set up what every point shares;
   with target_set and target RICH, also the rich target of every dataset
   and depth >= 3: the trajectory of the smallest alpha, run as its grid
   point is, and the l_(2/D) KKT point its last row polishes to (automatic
   support threshold); when it polishes to none, that target is not
   defined (err says why) and the rich distances there are unavailable.
   MPBIAS_ERR_ARG for an empty grid, a bad depth, alpha, loss, shape or
   per_decade; MPBIAS_ERR_NOMEM; a trajectory's failure. */
mpbias_status mpbias_sweep_prepare(mpbias_sweep_t sw, mpbias_err_t err);
/* The dataset, depth and alpha indices of point p. */
void mpbias_sweep_point_index(slong *ids, slong *idepth, slong *ialpha, const mpbias_sweep_t sw,
                              slong p);

/* One computed grid point. */
typedef struct
{
    slong index;                     /* p                                       */
    slong ids, idepth, ialpha;       /* its place in the grid                   */
    const mpbias_data_struct *data;
    long depth;
    const char *alpha;               /* as given                                */
    int traj_done;                   /* the trajectory and its analysis are set */
    mpbias_regime_traj_t traj;
    int threshold_done;              /* threshold_within > 0: th is set         */
    mpbias_threshold_t th;
    int threshold_undefined;         /* threshold_within > 0 but the target has
                                        no distance for this point (no rich
                                        target, no intermediate predictor, a
                                        target other than l2 at depth 1): not
                                        computed, and not an error; why: in   */
    mpbias_err_t threshold_why;
} mpbias_sweep_point_struct;
typedef mpbias_sweep_point_struct mpbias_sweep_point_t[1];

void mpbias_sweep_point_init(mpbias_sweep_point_t pt);
void mpbias_sweep_point_clear(mpbias_sweep_point_t pt);
/* Compute point p (0 <= p < npoints) of a prepared sweep into pt (its
   earlier contents are replaced).  On failure the message starts with
   "NAME, depth D, alpha A: " (and "threshold: " when the threshold
   failed; the trajectory is then set, traj_done). */
mpbias_status mpbias_sweep_point_compute(mpbias_sweep_point_t pt, const mpbias_sweep_t sw,
                                         slong p, mpbias_err_t err);

/* The scheduler's callbacks (each may be NULL).  todo(p): 1 to compute
   point p here, 0 to skip it (done earlier, or by another process), -1 to
   stop before it.  point: after each computed point, failed ones included
   (status and err are the point's); nonzero stops.  progress: after each
   point, with the counts so far. */
typedef struct
{
    int (*todo)(slong p, void *ctx);
    int (*point)(const mpbias_sweep_point_struct *pt, mpbias_status status,
                 const mpbias_err_t err, void *ctx);
    void (*progress)(slong computed, slong skipped, slong npoints, void *ctx);
    void *ctx;
} mpbias_sweep_callbacks;

/* Compute the points of a prepared sweep in grid order, one at a time,
   as todo says, handing each to the point callback.  Stops at the first
   point that fails (after its callback), and when a callback says so.
   Returns MPBIAS_OK (also when stopped by a callback), or the failed
   point's status with its message.  *computed and *skipped (may be NULL)
   count the points. */
mpbias_status mpbias_sweep_run(const mpbias_sweep_t sw, const mpbias_sweep_callbacks *cb,
                               slong *computed, slong *skipped, mpbias_err_t err);

/* Gradient flow integrated directly on the parameters (u_+, u_-) in
   R^(2d) (doc/math.md section 2):
       du_+/dt = D u_+^(D-1) r,  du_-/dt = -D u_-^(D-1) r,  r = Z^T g,
   g_n = -l'(m_n), m = Z w, w = u_+^D - u_-^D, u_+(0) = a, u_-(0) = b
   (alpha, or the model's shape).  It uses neither the closed forms nor
   the nu reduction nor the integrator of mpbias_flow_run: it is the
   second, independent formulation that the reduced flow is checked
   against (doc/math.md section 7), and the route for models without closed
   forms.

   For each target losses[i] (positive, in non-increasing order, the
   first below the initial loss; summed loss, or the mean loss if
   model->mean, whose time is then t_mean = N t_sum) it fills rows[i]:
   kind MPBIAS_ROW_AT_LOSS, index i, log10_t, log10_loss, margin, wbar
   (d entries, w / margin), mu (alpha margin^(-1/D); NaN with a shape),
   nu (all NaN: this formulation has no nu) and err_est (NaN: no error
   estimate is claimed).  The rows are initialized by the caller, with
   d wbar entries (mpbias_flow_row_init(row, N, d, prec) does it); values
   are rounded to the rows' own precision.

   Method: independent variable tau = log(1 + t); the right-hand side is
   formed from (1 + t) g_n = exp(tau - m_n) (logistic loss:
   exp(tau - softplus(m_n))), never from t or exp(-m) alone.  Explicit
   Gragg-Bulirsch-Stoer extrapolation of the modified midpoint rule
   (substeps 2, 4, 6, ..., even-power extrapolation, up to 40 columns)
   with ODEX's order and step-size control; the local error estimate of
   each step is kept below `tol` for coordinate i relative to
   max(|u_+i|, |u_-i|).  Each target is hit by an Illinois root-finder
   on the size of the step that crossed log L = log(eps).  Works at prec
   plus log2(1 + log(1/eps_min) + log N) + D max(0, log2 max(a, b)) + 16
   guard bits; tol must be in (2^(8 - prec), 1).  The global error is
   typically a few times tol (not certified: compare with
   mpbias_flow_run, or rerun with a smaller tol).

   Cost: the flow in tau is mildly stiff (relaxation rate O(1) per unit
   of tau), so steps are of order 1 in tau: about log(1/eps) / 1.5
   steps of a few hundred evaluations of O(N d) operations each (about
   0.1-1 s to 1e-30 for small N and d at tol = 1e-24).  Meant for
   moderate losses (down to about 1e-40, though 1e-300 works): the cost
   grows like log(1/eps), while mpbias_flow_run's steps grow with the
   margin.
   All storage is allocated once per call.  Returns
   MPBIAS_ERR_NOT_SEPARABLE for non-separable data (decided exactly),
   MPBIAS_ERR_ARG for bad models, targets, rows or tolerances, and
   MPBIAS_ERR_NUMERIC when the integrator fails (budget 10^6 steps). */
mpbias_status mpbias_flow_direct_at_losses(const mpbias_data_t data, const mpbias_model_t model,
                                           slong nloss, const mpbias_sci_struct *losses,
                                           mpfr_prec_t prec, const mpfr_t tol,
                                           mpbias_flow_row *rows, mpbias_err_t err);

/* ------------------------------------------------------------------ */
/* Checking other implementations                                      */
/* ------------------------------------------------------------------ */

/* A trajectory computed elsewhere (doc/checking.md): CSV with a header
   row naming the columns; '#' lines and blank lines are skipped.
   Columns: exactly one of `step` (gradient descent: integers >= 0) and
   `t` (gradient-flow time >= 0, in the model's convention); the
   predictor as w_1..w_d, or as up_1..up_d and um_1..um_d (u_+, u_-;
   w = up^D - um^D), or both; optionally the loss as `loss`, `log_loss`
   (natural log) or `log10_loss`, and `margin`.  Other columns are
   ignored.  Rows in nondecreasing step or time order.  Values are
   decimal literals (any exponent: 1e-400 is fine), or nan, inf, -inf
   (a candidate's NaN is data, judged wrong, not an error). */
typedef enum
{
    MPBIAS_CAND_STEP = 0,
    MPBIAS_CAND_TIME = 1
} mpbias_cand_axis;

typedef enum
{
    MPBIAS_CAND_LOSS_NONE = 0,
    MPBIAS_CAND_LOSS_VALUE,     /* `loss`       */
    MPBIAS_CAND_LOSS_LOG,       /* `log_loss`   */
    MPBIAS_CAND_LOSS_LOG10      /* `log10_loss` */
} mpbias_cand_loss;

typedef struct
{
    slong n, d;                 /* rows, dimension                              */
    mpbias_cand_axis axis;
    slong *step;                /* n steps (axis STEP)                          */
    fmpq *time;                 /* n times, exact (axis TIME)                   */
    int has_w, has_u, has_margin;
    mpbias_cand_loss loss_kind;
    mpfr_t *w, *up, *um;        /* n x d each, row-major (NULL when absent)     */
    mpfr_t *log_loss;           /* n: natural log of the loss (-inf for 0)      */
    mpfr_t *margin;             /* n                                            */
    slong *line;                /* n: line of each row in the file              */
    slong alloc;                /* rows allocated (internal)                    */
    mpfr_prec_t prec;
    char name[256];
} mpbias_cand_struct;
typedef mpbias_cand_struct mpbias_cand_t[1];

void mpbias_cand_init(mpbias_cand_t c);
void mpbias_cand_clear(mpbias_cand_t c);
/* Read a candidate for data of dimension d; values are rounded to prec
   bits (correctly rounded, to nearest with ties to even: at prec = 53 a
   normal double written with 17 significant digits reads back as that
   double; tests/t-cand_read).  Times are exact rationals.  Errors name
   FILE:LINE:COL (name: file name, or "candidate"). */
mpbias_status mpbias_cand_read_buffer(mpbias_cand_t c, const char *buf, size_t len, slong d,
                                      mpfr_prec_t prec, const char *name, mpbias_err_t err);
mpbias_status mpbias_cand_read_file(mpbias_cand_t c, const char *path, slong d, mpfr_prec_t prec,
                                    mpbias_err_t err);

/* What went wrong, when something did (each with a sentence in
   mpbias_check_result.diag_msg). */
typedef enum
{
    MPBIAS_DIAG_NAN = 0,        /* the candidate's values are not numbers        */
    MPBIAS_DIAG_UNDERFLOW,      /* exp(-margin) underflowed in double: zeros,
                                   subnormals, NaN or a frozen w past margin 700 */
    MPBIAS_DIAG_LOSS_UNDERFLOW, /* the loss underflows: no log-sum-exp (or log1p) */
    MPBIAS_DIAG_LOSS_FORMULA,   /* the loss is not the loss of the candidate's w  */
    MPBIAS_DIAG_CANCELLATION,   /* digits lost in u_+^D - u_-^D                   */
    MPBIAS_DIAG_MEAN_SUM,       /* mean and summed loss confused (time x N)       */
    MPBIAS_DIAG_SIGN,           /* the first step goes the opposite way          */
    MPBIAS_DIAG_FACTOR,         /* the first step is c times the reference's     */
    MPBIAS_DIAG_NO_MOVE,        /* the candidate does not move                   */
    MPBIAS_DIAG_DIRECTION,      /* the first step points elsewhere               */
    MPBIAS_DIAG_STEP_TOO_LARGE, /* the candidate is GD, too coarse for the flow  */
    MPBIAS_DIAG_NOT_REACHED,    /* the reference could not reach some rows       */
    MPBIAS_DIAG_UNSTABLE,       /* the iteration itself amplifies rounding errors
                                   (step x sharpness > 2): measured             */
    MPBIAS_DIAG_COUNT
} mpbias_diag;

const char *mpbias_diag_name(mpbias_diag d);

typedef struct
{
    int digits;                 /* digits of the reference (default 20)         */
    mpfr_prec_t prec;           /* its working precision (0: automatic)          */
    double min_digits;          /* agreement threshold (default 6)               */
    const mpbias_gd_opts *gd;   /* step candidates: the step sizes (and
                                   `normalized`); its row options are ignored   */
    int explain;                /* test other explanations when the candidate
                                   disagrees (default 1)                         */
    mpfr_prec_t max_prec;       /* gradient-descent reference: its precision is
                                   doubled until it certifies `digits` at every
                                   row, up to this many bits (0: the default
                                   MPBIAS_CHECK_MAX_PREC)                        */
} mpbias_check_opts;

#define MPBIAS_CHECK_MAX_PREC 32768

void mpbias_check_opts_init(mpbias_check_opts *o);

/* Per candidate row: correct significant digits (normwise for w,
   relative for the loss and the margin; capped at the reference's
   digits; 0 when wrong in the first digit or not a number; NaN when the
   candidate has no such column, or the row was not reached).  Digits
   are measured, not certified: they are -log10 of a relative difference
   with a reference certified to `digits`. */
typedef struct
{
    slong line;                 /* in the candidate file                        */
    int reached;                /* the reference has this row                    */
    double digits_w, digits_loss, digits_margin;
    int margin_from_w;          /* no margin column: the margin of the
                                   candidate's w, computed exactly              */
    double ref_margin;          /* the reference's margin (double)               */
    double ref_log10_loss;
    double ref_log10_t;         /* the reference's time (GD: sum of the steps)  */
    /* gradient-descent reference only (NaN otherwise): */
    double f64_digits;          /* the digits a float64 run of the exact
                                   iteration keeps here, from the reference's
                                   two runs (their difference scaled from the
                                   reference's precision to 53 bits: a linear
                                   estimate), in 0..16                          */
    /* ... and, when the candidate disagrees and explain is set (else NaN): */
    double step_sharpness;      /* max of eta_k lambda_max(H_k) over the steps
                                   since the previous row (H the Hessian in
                                   (u_+, u_-) of the loss, or of log L for the
                                   normalized steps; NaN for d > 16)           */
    double jac_digits;          /* the digits float64 keeps here by the
                                   linearized propagation of its rounding
                                   errors (2^-53 relative in u at every step)
                                   through the iteration's Jacobian, normwise
                                   relative to w, in 0..16                      */
} mpbias_check_row;

/* The stability of the reference iteration (gradient descent), measured
   along the reference for step candidates (doc/checking.md): prec, raised
   and meaningless_from always; the Jacobian's (first_unstable to
   win_to) when the candidate disagrees and explain is set, by a second
   run of the reference with the analysis (else NaN and -1). */
typedef struct
{
    int measured;               /* the fields below are set                      */
    mpfr_prec_t prec;           /* precision of the reference's lower run (bits) */
    int raised;                 /* times the precision was doubled to certify   */
    slong first_unstable;       /* first step with eta lambda_max > 2 (-1: none) */
    double max_step_sharpness;  /* max_k eta_k lambda_max(H_k) up to the first
                                   row below the threshold (NaN: d > 16)        */
    slong max_step;             /* ... at this step                              */
    double sharpness;           /* lambda_max there                              */
    double eta;                 /* eta_k there                                   */
    double growth_rate;         /* the propagated rounding errors' growth factor
                                   per step over the window where digits go     */
    double drift_rate;          /* log10 per step of the growth of the two runs'
                                   difference over the same window              */
    slong win_from, win_to;     /* the window (steps)                            */
    slong meaningless_from;     /* first row whose f64_digits < min_digits (-1) */
} mpbias_check_stability;

typedef struct
{
    slong n;
    mpbias_check_row *rows;
    slong first_bad;            /* first row below min_digits (any quantity);
                                   -1: none                                     */
    double worst_w, worst_loss, worst_margin;   /* minima over the rows          */
    int agree;                  /* every reached row at or above min_digits     */
    slong reached;              /* rows the reference reached                   */
    int ndiag;
    mpbias_diag diag[MPBIAS_DIAG_COUNT];
    char diag_msg[MPBIAS_DIAG_COUNT][2048];
    mpbias_check_stability stab;
} mpbias_check_result;

void mpbias_check_result_init(mpbias_check_result *r);
void mpbias_check_result_clear(mpbias_check_result *r);

/* Compare a candidate with the reference: gradient descent with the same
   steps (axis STEP; opts->gd gives the step sizes), or the flow at the
   same times (axis TIME), for this data and model.  When the candidate
   disagrees and opts->explain is set, other references are computed to
   name the cause (the mean-loss convention, gradient descent with the
   candidate's time spacing) and the double-precision failure patterns
   are looked for (result->diag).  A gradient-descent reference that does
   not certify `digits` is recomputed at twice the precision until it does
   (up to opts->max_prec bits), and its stability is measured
   (result->stab, the rows' f64_digits, step_sharpness, jac_digits).  A
   reference that cannot be certified within that limit is an error
   (MPBIAS_ERR_NUMERIC); rows it does not reach are marked. */
mpbias_status mpbias_check_run(mpbias_check_result *res, const mpbias_data_t data,
                               const mpbias_model_t model, const mpbias_cand_t cand,
                               const mpbias_check_opts *opts, mpbias_err_t err);

#ifdef __cplusplus
}
#endif

#endif /* MPBIAS_H */
