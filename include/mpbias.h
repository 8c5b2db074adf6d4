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

/* Limits that keep a reader from exhausting memory.  max_bytes bounds
   the dense storage n * d * sizeof(fmpq) (0: no limit beyond size_t). */
typedef struct
{
    mpbias_format format;
    size_t max_bytes;
} mpbias_read_opts;

/* Default options: automatic format, max_bytes = 0. */
void mpbias_read_opts_init(mpbias_read_opts *opts);

/* Read a dataset from a file.  Every value is parsed exactly.  Refused,
   with err naming FILE:LINE:COL: unreadable or empty files, ragged or
   non-numeric rows, labels other than +1/-1, NaN or infinities, zero
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
   digits, as a string allocated with flint_malloc. */
char *mpbias_l2mm_margin_str(const mpbias_l2mm_t r, int digits);

#ifdef __cplusplus
}
#endif

#endif /* MPBIAS_H */
