/*
 * cli.h -- the command-line front end: shared helpers of the mpbias
 * commands.  The front end is the only place that prints or exits.
 */
#ifndef MPBIAS_CLI_H
#define MPBIAS_CLI_H

#include <stdio.h>
#include <getopt.h>
#include <signal.h>
#include <time.h>
#include "mpbias.h"

#define PROG "mpbias"

/* Exit statuses. */
enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

/* Print "mpbias: <message>" on stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A usage error of command `cmd`: message plus a hint to --help. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The usage error for getopt_long's ':' (missing argument) or '?'
   (unknown option) return c, with "did you mean" when an option of
   longopts (may be NULL) is a likely typo of an unknown long option;
   returns EXIT_USAGE. */
int cli_getopt_error(const char *cmd, int c, char **argv, const struct option *longopts);
/* The candidate closest to word by edit distance when it is a likely
   typo (at most one edit per three characters, at most three), else NULL. */
const char *cli_suggest(const char *word, const char *const *cands, int ncands);
/* Report a library error and return EXIT_FAIL. */
int cli_lib_error(const mpbias_err_t err);

/* Strict number parsing for option values; on failure print a usage
   error naming the option and return 0. */
int cli_parse_slong(const char *cmd, const char *opt, const char *s, long min, long max, long *out);
int cli_parse_ulong(const char *cmd, const char *opt, const char *s, unsigned long *out);
int cli_parse_double(const char *cmd, const char *opt, const char *s, double min, double *out);

/* A positive decimal, read exactly into q; on failure the usage error
   "invalid value 'S' for --OPT: expected a positive decimal number". */
int cli_parse_positive_decimal(const char *cmd, const char *opt, const char *s, fmpq_t q);
/* A loss or time literal with an exponent of any size (mpbias_sci_parse);
   on failure "invalid value 'S' for --OPT: <why>". */
int cli_parse_sci(const char *cmd, const char *opt, const char *s, mpbias_sci_t x);
/* n (> 0) literals parsed into a new list (NULL after a usage error has
   been printed); free with cli_sci_list_free. */
mpbias_sci_struct *cli_parse_sci_list(const char *cmd, const char *opt, const char **s, slong n);
void cli_sci_list_free(mpbias_sci_struct *v, slong n);
/* go->eta, go->neta from --step ETA or --schedule LIST|@FILE (exactly one
   of step_s, sched_s non-NULL); EXIT_OK, or an error code (reported).
   Free with cli_gd_steps_free. */
int cli_gd_steps(const char *cmd, const char *step_s, const char *sched_s, mpbias_gd_opts *go);
void cli_gd_steps_free(mpbias_gd_opts *go);
/* One of the NULL-terminated choices: its index, or -1 after the usage
   error "invalid value 'S' for --OPT: expected A, B or C". */
int cli_parse_choice(const char *cmd, const char *opt, const char *s, const char *const *choices);

/* --loss as a CLI_ARG_CALL row: exp (or exponential) or logistic into
   the mpbias_loss *dest; EXIT_OK, or EXIT_USAGE after the error
   "invalid value 'S' for --loss: expected exp or logistic". */
int cli_arg_loss(const char *cmd, const char *name, const char *value, void *dest);

/* Parse d comma-separated decimals (exactly, into v; all > 0 if
   `positive`); on failure print a usage error naming --opt and return 0. */
int cli_parse_decimal_list(const char *cmd, const char *opt, const char *s, fmpq *v, slong d,
                           int positive);

/* How text output shows exact rationals: exactly when they are short
   (CLI_Q_AUTO: at most CLI_Q_SHORT characters), always exactly (--exact)
   or always as correctly rounded K-digit decimals (--decimal).  JSON
   output is always exact. */
enum { CLI_Q_AUTO, CLI_Q_EXACT, CLI_Q_DECIMAL };
#define CLI_Q_SHORT 40
/* 1 when text output in `mode` shows the len rationals v rounded (all of
   them: a vector is shown one way). */
int cli_q_rounded(const fmpq *v, slong len, int mode);
/* q exactly ("p/q" or an integer), or correctly rounded to `digits`
   significant digits when `rounded`. */
void cli_put_q(FILE *f, const fmpq_t q, int rounded, long digits);
/* --exact and --decimal as rows (exact, decimal: ints set to 1 when
   given), and the mode they select into *mode: EXIT_OK, or EXIT_USAGE
   (reported) when both were given. */
#define CLI_ARGS_QMODE(exact, decimal) \
    { CLI_ROW(CLI_ARG_FLAG, "exact", 0, NULL, &(exact)), \
      .help = "show every rational exactly (default: exactly when it has\n" \
              "at most 40 characters, else rounded, marked '~')" }, \
    { CLI_ROW(CLI_ARG_FLAG, "decimal", 0, NULL, &(decimal)), \
      .help = "show every rational correctly rounded to --digits digits" }
int cli_qmode(const char *cmd, int exact, int decimal, int *mode);
/* The option layer (args.c): a command is a table of options, one row
   each, from which the parser and the --help text are both made. */
typedef enum
{
    CLI_ARG_END = 0,      /* the end of the table                          */
    CLI_ARG_SECTION,      /* a heading of --help (name: its title; help:   */
                          /* lines printed as they are, or NULL)           */
    CLI_ARG_FLAG,         /* int *dest set to 1                            */
    CLI_ARG_LONG,         /* long *dest, an integer in [lo, hi]            */
    CLI_ARG_ULONG,        /* unsigned long *dest, a nonnegative integer    */
    CLI_ARG_POSITIVE,     /* double *dest, a finite number > 0             */
    CLI_ARG_UNIT,         /* double *dest, a number in (0, 1)              */
    CLI_ARG_NONNEG,       /* double *dest, a finite number >= 0            */
    CLI_ARG_DECIMAL,      /* fmpq *dest, a positive decimal read exactly   */
    CLI_ARG_SCI,          /* mpbias_sci_struct *dest, any exponent         */
    CLI_ARG_CHOICE,       /* int *dest, the index of the value in choices  */
    CLI_ARG_STRING,       /* const char **dest, the value itself           */
    CLI_ARG_DATA_FORMAT,  /* mpbias_format *dest: auto, libsvm or csv      */
    CLI_ARG_CALL,         /* call(cmd, name, value, dest): EXIT_OK, or     */
                          /* EXIT_USAGE after reporting                    */
    CLI_ARG_HELP          /* print --help and stop                         */
} cli_arg_kind;

typedef struct
{
    cli_arg_kind kind;
    const char *name;           /* the long name, without dashes             */
    int shortopt;               /* a one-letter alias, or 0                  */
    const char *meta;           /* the value's name in --help, or NULL       */
    void *dest;
    const char *help;           /* lines separated by '\n', not indented;    */
                                /* NULL: a hidden option, parsed but neither */
                                /* in --help nor suggested for a misspelling */
    long lo, hi;                /* CLI_ARG_LONG: the range                   */
    const char *const *choices; /* CLI_ARG_CHOICE: NULL-terminated           */
    int *given;                 /* counted when the option is given, or NULL */
    int (*call)(const char *cmd, const char *name, const char *value, void *dest);
    const char **text;          /* also the value's text, or NULL            */
} cli_arg;

typedef struct
{
    const char *name;           /* the command                               */
    const char *usage;          /* after "Usage: mpbias NAME "               */
    const char *description;    /* paragraphs after the usage line           */
    const cli_arg *args;        /* ends with a CLI_ARG_END row               */
    const char *epilog;         /* after the options, or NULL                */
} cli_command;

/* cli_args_parse's return when --help was shown (the command then exits 0) */
#define CLI_HELP_SHOWN (-1)

/* Parse argv into the table's destinations (left alone for options not
   given: they hold the defaults).  Returns EXIT_OK, CLI_HELP_SHOWN, or
   EXIT_USAGE / EXIT_FAIL after reporting. */
int cli_args_parse(const cli_command *cmd, int argc, char **argv);
/* The --help text made from the table. */
void cli_args_help(FILE *f, const cli_command *cmd);

/* A macro's value as a string literal (for defaults in help texts). */
#define CLI_STR(x) CLI_STR_(x)
#define CLI_STR_(x) #x

/* The leading members of a row; the others by name (.help, .lo, ...). */
#define CLI_ROW(kind_, name_, short_, meta_, dest_) \
    .kind = (kind_), .name = (name_), .shortopt = (short_), .meta = (meta_), .dest = (dest_)

/* The dataset options as rows (o: a cli_data_opts). */
#define CLI_ARGS_DATA(o) \
    { CLI_ROW(CLI_ARG_STRING, "data", 0, "FILE", &(o).file), \
      .help = "LIBSVM/SVMlight or CSV file (labels +1/-1)" }, \
    { CLI_ROW(CLI_ARG_STRING, "example", 0, "NAME", &(o).example), \
      .help = "built-in example (mpbias info --list-examples)" }, \
    { CLI_ROW(CLI_ARG_DATA_FORMAT, "data-format", 0, "FMT", &(o).format), \
      .help = "auto (default), libsvm or csv" }, \
    { CLI_ROW(CLI_ARG_STRING, "label-column", 0, "COL", &(o).label_column), \
      .help = CLI_LABEL_COLUMN_TEXT }

/* The shape options as rows (o: a cli_shape_opts; a_help, b_help,
   file_help: the help of --shape-a, --shape-b and --shape FILE). */
#define CLI_ARGS_SHAPE_ROWS(o, a_help, b_help, file_help) \
    { CLI_ROW(CLI_ARG_STRING, "shape-a", 0, "LIST", &(o).a), .help = (a_help) }, \
    { CLI_ROW(CLI_ARG_STRING, "shape-b", 0, "LIST", &(o).b), .help = (b_help) }, \
    { CLI_ROW(CLI_ARG_STRING, "shape", 0, "FILE", &(o).file), .help = (file_help) }
/* The same with the help of regime, threshold, sweep, limits and check
   (file_help says what the shape does in the command). */
#define CLI_ARGS_SHAPE(o, file_help) \
    CLI_ARGS_SHAPE_ROWS(o, "an initialization shape: per-coordinate u_+(0) = a_i (d\n" \
                           "comma-separated positive decimals)", \
                        "... and u_-(0) = b_i (both or neither)", file_help)
/* --depth D (1..1000) and --alpha A as rows (depth: a long, alpha: an
   fmpq_t; depth_help: the help of --depth). */
#define CLI_ARGS_DEPTH_ALPHA(depth, alpha, depth_help) \
    { CLI_ROW(CLI_ARG_LONG, "depth", 0, "D", &(depth)), .lo = 1, .hi = 1000, \
      .help = (depth_help) }, \
    { CLI_ROW(CLI_ARG_DECIMAL, "alpha", 0, "A", (alpha)), \
      .help = "initialization scale alpha > 0 (default 1)" }
/* --loss-mean (an int; mean_help: its help) as a row, and --loss L (an
   mpbias_loss) before it as rows. */
#define CLI_ARG_LOSS_MEAN(mean, mean_help) \
    { CLI_ROW(CLI_ARG_FLAG, "loss-mean", 0, NULL, &(mean)), .help = (mean_help) }
#define CLI_ARGS_LOSS_ROWS(loss, mean, mean_help) \
    { CLI_ROW(CLI_ARG_CALL, "loss", 0, "L", &(loss)), .call = cli_arg_loss, \
      .help = "exp (default, the paper's) or logistic" }, \
    CLI_ARG_LOSS_MEAN(mean, mean_help)
/* The help of --loss-mean in regime, threshold, sweep and extrapolate. */
#define CLI_LOSS_MEAN_TEXT \
    "the mean loss L/N instead of the summed loss (the losses\n" \
    "given and printed are then mean losses)"
/* The model options of flow and gd as rows (depth: a long, alpha: an
   fmpq_t, loss: an mpbias_loss, mean: an int, shape: a cli_shape_opts). */
#define CLI_ARGS_FLOW_MODEL(depth, alpha, loss, mean, shape) \
    CLI_ARGS_DEPTH_ALPHA(depth, alpha, "depth D >= 1 (default 2; 1 is the linear model)"), \
    CLI_ARGS_SHAPE_ROWS(shape, "per-coordinate u_+(0): d comma-separated positive numbers", \
                        "per-coordinate u_-(0) (both or neither of the two)", \
                        "per-coordinate u_+(0), u_-(0): d lines 'a,b' (or 'a b')"), \
    CLI_ARGS_LOSS_ROWS(loss, mean, "use the mean loss L/N instead of the summed loss (same\n" \
                                   "path, time N times longer); losses are then mean losses")
/* The help of --depth in regime, threshold and extrapolate. */
#define CLI_DEPTH_TEXT "depth D >= 1 (default 2)"
/* --quiet as a row (dest: an int; help: what it silences). */
#define CLI_ARG_QUIET(dest, help_) \
    { CLI_ROW(CLI_ARG_FLAG, "quiet", 'q', NULL, &(dest)), .help = (help_) }
/* The help of --quiet in the commands with a progress line. */
#define CLI_QUIET_PROGRESS_TEXT "no progress line or summary on standard error"
/* --prec BITS (16..1000000) as a row (dest: a long). */
#define CLI_ARG_PREC(dest, help_) \
    { CLI_ROW(CLI_ARG_LONG, "prec", 0, "BITS", &(dest)), .lo = 16, .hi = 1000000, \
      .help = (help_) }
#define CLI_ARGS_HELP \
    { CLI_ROW(CLI_ARG_HELP, "help", 'h', NULL, NULL), .help = "show this help and exit" }
#define CLI_ARGS_END { CLI_ROW(CLI_ARG_END, NULL, 0, NULL, NULL) }

/* The help text of --label-column. */
#define CLI_LABEL_COLUMN_TEXT \
    "CSV files: the label column, a header name or a 1-based\n" \
    "index (default: the column the header names y, label,\n" \
    "target or class, else the first)"

/* Where a command's dataset comes from. */
typedef struct
{
    const char *file;
    const char *example;
    mpbias_format format;
    const char *label_column;   /* --label-column (CSV), NULL: automatic */
} cli_data_opts;

/* Load the dataset: exactly one of --data / --example must be given.
   Returns EXIT_OK, EXIT_FAIL (reported) or EXIT_USAGE (reported). */
int cli_load_data(const char *cmd, const cli_data_opts *o, mpbias_data_t data);

/* An initialization shape u_+(0) = a, u_-(0) = b: --shape-a LIST with
   --shape-b LIST, or --shape FILE (d lines "a,b"). */
typedef struct
{
    const char *a;
    const char *b;
    const char *file;
} cli_shape_opts;

/* 1 if any shape option was given. */
int cli_shape_given(const cli_shape_opts *o);
/* The combination: EXIT_OK, or EXIT_USAGE (reported). */
int cli_shape_check(const char *cmd, const cli_shape_opts *o);
/* Read the shape into new vectors *a, *b of d entries (all > 0; free
   with cli_shape_free even on failure).  Returns EXIT_OK, EXIT_USAGE or
   EXIT_FAIL (reported). */
int cli_shape_load(const char *cmd, const cli_shape_opts *o, slong d, fmpq **a, fmpq **b);
void cli_shape_free(fmpq *a, fmpq *b, slong d);

/* When a shape was given, read it and set it on the model (d = data's).
   Returns EXIT_OK, EXIT_USAGE or EXIT_FAIL (reported). */
int cli_model_shape(const char *cmd, const cli_shape_opts *o, const mpbias_data_t data,
                    mpbias_model_t model);

/* The same for regime and threshold: the shape scaled by model->alpha
   (u_+(0) = alpha a_i, u_-(0) = alpha b_i; alpha 1 gives flow's shape). */
int cli_model_scaled_shape(const char *cmd, const cli_shape_opts *o, const mpbias_data_t data,
                           mpbias_model_t model);
/* The loss options of regime, threshold and sweep as rows (loss: an
   mpbias_loss, mean: an int). */
#define CLI_ARGS_LOSS(loss, mean) CLI_ARGS_LOSS_ROWS(loss, mean, CLI_LOSS_MEAN_TEXT)
/* The shape options of regime, threshold and sweep as rows. */
#define CLI_ARGS_SCALED_SHAPE(o) \
    CLI_ARGS_SHAPE(o, "the shape as d lines 'a,b' (or 'a b'); scaled by alpha:\n" \
                      "u_+(0) = alpha a_i, u_-(0) = alpha b_i")

/* The data and model options of flow and gd (rows CLI_ARGS_FLOW_DATA_MODEL(m,
   model_title): the sections "Data" and model_title, CLI_ARGS_DATA(m.dopt)
   and CLI_ARGS_FLOW_MODEL(m.depth, m.alpha, m.loss, m.mean, m.sopt)):
   init sets the defaults (depth 2, alpha 1, the exponential loss summed
   over samples, format auto); load reads the data and sets the model
   from them, shape included.  load returns EXIT_OK, EXIT_USAGE or
   EXIT_FAIL (reported). */
typedef struct
{
    cli_data_opts dopt;
    cli_shape_opts sopt;
    long depth;
    fmpq_t alpha;
    mpbias_loss loss;
    int mean;
} cli_flow_model;

#define CLI_ARGS_FLOW_DATA_MODEL(m, model_title) \
    { CLI_ROW(CLI_ARG_SECTION, "Data", 0, NULL, NULL) }, \
    CLI_ARGS_DATA((m).dopt), \
    { CLI_ROW(CLI_ARG_SECTION, (model_title), 0, NULL, NULL) }, \
    CLI_ARGS_FLOW_MODEL((m).depth, (m).alpha, (m).loss, (m).mean, (m).sopt)

void cli_flow_model_init(cli_flow_model *m);
void cli_flow_model_clear(cli_flow_model *m);
int cli_flow_model_load(const char *cmd, const cli_flow_model *m, mpbias_data_t data,
                        mpbias_model_t model);

/* ",x" with `digits` significant digits (",nan" for NaN): a CSV field;
   the same, but ",nan" when not `available` (a distance not computed). */
void cli_put_csv_num(FILE *f, const mpfr_t x, int digits);
void cli_put_csv_num_if(FILE *f, int available, const mpfr_t x, int digits);
/* The nearer limit of a regime row (mpbias_regime_row's nearest) as the
   tables of regime and sweep name it: l2, l1 or kkt (the rich limit), or
   - for neither. */
const char *cli_regime_nearest_name(int nearest, const mpbias_regime_ref_struct *ref);

/* s as the body of a JSON string (quotes, backslashes and control
   characters escaped). */
void cli_put_json_string(FILE *f, const char *s);

/* The progress line of long flow runs on standard error (only on a
   terminal, after 1 s, twice a second), with a time-left estimate when the
   loss target is known (until_loss may be NULL). */
typedef struct
{
    struct timespec start;
    double last_print;
    double target_l10;       /* log10(1/eps) of the loss target, or NaN */
    int printed;             /* a progress line is showing              */
    int tty;
    int quiet;
} cli_progress;

void cli_progress_start(cli_progress *p, int quiet, const mpbias_sci_t until_loss);
void cli_progress_flow(cli_progress *p, const mpbias_flow_stats *st);
/* Erase the line (before other output reaches the terminal). */
void cli_progress_erase(cli_progress *p);
double cli_progress_elapsed(const cli_progress *p);

/* The output of flow and gd (flow_out.c): the rows of a trajectory as
   CSV or JSON, the header or the JSON preamble with the first row (so that
   a run refused before any row prints nothing). */
typedef struct
{
    FILE *out;
    int json;
    int digits;
    slong rows;
    cli_progress prog;
    double t_rep, t_chk, t_last;   /* time in the reported and checking runs */
    int gd;                  /* gradient descent: a step column */
    int header_done;
    int write_failed;
    const mpbias_data_struct *data;
    const mpbias_model_struct *model;
} cli_flow_out;

/* The row callback of mpbias_flow_run and mpbias_gd_run (ctx: a
   cli_flow_out); nonzero (stop) after a write error. */
int cli_flow_row(const mpbias_flow_row *r, void *ctx);

/* flow's lines on standard error (flow_out.c): the progress line, with
   the time each run has taken (c->t_rep, c->t_chk) and an estimate of the
   time left; and, as mpbias_flow_opts' raise_fn (ctx: a cli_flow_out),
   the line saying that a row was redone at a higher precision. */
void cli_flow_progress(cli_flow_out *c, const mpbias_flow_stats *st);
void cli_flow_raise(slong row, double log10_loss, mpfr_prec_t old_prec, mpfr_prec_t new_prec,
                    double err_est, void *ctx);

/* The checkpoints of flow (flow_ckpt.c): the library's state at row
   boundaries, written atomically at most every `every` seconds with the
   length of the output written so far.  cli_flow_signal is set by the
   handler of SIGINT and SIGTERM: the run stops at the next step and the
   latest state is written. */
extern volatile sig_atomic_t cli_flow_signal;

typedef struct
{
    const char *path;
    double every, last;
    char *blob;              /* the latest state, with the CLI's header */
    size_t len;
    int pending;             /* not yet written */
    slong rows;
    cli_flow_out *fc;
} cli_ckpt;

/* Write the latest state; 1, or 0 after reporting. */
int cli_ckpt_write(cli_ckpt *k);
/* The checkpoint callback of mpbias_flow_run (ctx: a cli_ckpt). */
int cli_ckpt_state(const char *state, size_t len, void *ctx);
/* Read a CLI checkpoint: the library's state into *state (pointing into
   *buf, freed by the caller), the output length and the row count.
   EXIT_OK or EXIT_FAIL (reported). */
int cli_ckpt_read(const char *path, char **buf, const char **state, size_t *slen, long *off,
                  slong *rows, int *header);

/* The report of limits (limits_out.c) on standard output, as JSON or
   text: what cmd_limits computed (l1w, m1w, cp, cm with a shape and
   D >= 3; qm with a scale; kk with --kkt LIST). */
typedef struct
{
    const mpbias_data_struct *data;
    const mpbias_l2mm_struct *l2;
    const mpbias_l1mm_struct *l1, *l1w;
    const mpbias_qmu_struct *qm;
    const mpbias_lpkkt_struct *kk;
    const char *m2, *m1, *m1w;  /* the margins, correctly rounded          */
    const char *kkt_list;       /* --kkt, or NULL                          */
    const fmpq *cp, *cm;        /* the weights of the weighted l1          */
    const fmpq *margin, *muD;   /* G; mu^D                                 */
    long depth, digits, loss_bits;
    int have_scale, have_loss, shaped, l1w_on;
    int qmode;                  /* CLI_Q_AUTO, CLI_Q_EXACT or CLI_Q_DECIMAL */
} cli_limits_out;

void cli_limits_json(const cli_limits_out *o);
void cli_limits_text(const cli_limits_out *o);

/* The report of check (check_out.c): the rows, the verdict (threshold
   md digits) and the diagnoses as text (fmt 0), CSV (1) or JSON (2); and
   the verdict and diagnoses on standard error (the summary of CSV output). */
void cli_check_report(FILE *f, int fmt, const mpbias_check_result *res,
                      const mpbias_cand_struct *cand, const char *cand_path, long digits,
                      double md);
void cli_check_summary(const mpbias_check_result *res, const mpbias_cand_struct *cand, double md);

/* sweep (cmd_sweep.c): the run that the workers, the files and the
   pictures share. */
typedef struct
{
    const char *dir;                 /* --out DIR                              */
    const char *delta_s;             /* --threshold-within as given, or NULL   */
    const mpbias_sweep_struct *sw;   /* the library's sweep, prepared          */
    long jobs;
    int quiet;
} cli_sweep;

/* The grid options (sweep_args.c): the datasets and depths as the option
   layer fills them (--data/--example and --depths: rows of kind
   CLI_ARG_CALL with cli_sweep_add_dataset and cli_sweep_set_depths); the
   alphas of --alpha-range A0:A1:N (each rounded to 6 digits; 0 when the
   spec is invalid or out of memory) and of --alphas LIST (appended to
   *alphas; EXIT_OK or EXIT_USAGE after reporting). */
typedef struct
{
    const char *files[64], *examples[64];
    slong nds;
    long depths[64];
    slong nd;
} cli_sweep_grid;

int cli_sweep_add_dataset(const char *cmd, const char *name, const char *value, void *dest);
int cli_sweep_set_depths(const char *cmd, const char *name, const char *value, void *dest);
int cli_sweep_alpha_range(char ***out, slong *n, const char *spec);
int cli_sweep_alpha_list(char ***alphas, slong *na, const char *list);

/* The name of the distance results.csv's d_target holds at depth `depth`
   (the pipeline's mpbias_regime_traj_target_dist: l2 for depth 1's rich,
   else the sweep's --target); the largest d of the datasets; the header
   of results.csv (malloc'd); DIR/targets.json, the rich targets (target
   RICH; EXIT_OK or EXIT_FAIL reported). */
const char *cli_sweep_target_name(const mpbias_sweep_struct *sw, long depth);
slong cli_sweep_dmax(const mpbias_sweep_struct *sw);
char *cli_sweep_header(const mpbias_sweep_struct *sw);
int cli_sweep_write_targets(const cli_sweep *c);

/* cli_sweep_workers' return on the MPI ranks other than 0, which leave
   the merge to rank 0 */
#define CLI_SWEEP_NOT_MINE (-2)

/* The files (sweep_out.c): DIR/points/P.EXT (".P.tmp" for ext "tmp"),
   malloc'd or NULL; the part files of the npts points in grid order
   after `header` into DIR/NAME; run.json's text (the request); DIR with
   DIR/points and run.json, or the check that the run.json there is the
   same request.  Each returns EXIT_OK or EXIT_FAIL (reported). */
char *cli_sweep_path(const char *dir, slong p, const char *ext);
int cli_sweep_merge(const char *dir, slong npts, const char *ext, const char *name,
                    const char *header);
char *cli_sweep_describe(const cli_sweep *c, const char *const *files,
                         const char *const *examples, const char *until_s);
int cli_sweep_prepare_dir(const char *dir, const char *desc);
/* A computed point (status st, message err): its warning or error on
   standard error, else its files points/P.thr (with a threshold) and
   points/P.csv, each written under a temporary name and renamed. */
int cli_sweep_store(const cli_sweep *c, const mpbias_sweep_point_struct *pt, mpbias_status st,
                    const mpbias_err_t err);
/* gnuplot (gnuplot.c): s inside a single-quoted string; the program
   ($MPBIAS_GNUPLOT, or gnuplot on the PATH); 1 if prog (a path, or a name
   looked up in $PATH) is executable; gnuplot writing FILE (PNG, SVG or
   PDF by the extension, checked before), titled, with log10(1/eps) on a log x
   axis (NULL, reported, when it cannot be started); its end (EXIT_OK, or
   EXIT_FAIL reported). */
void cli_put_gnuplot_string(FILE *g, const char *s);
const char *cli_gnuplot_program(void);
int cli_find_program(const char *prog);
FILE *cli_gnuplot_open(const char *file, const char *title);
/* gnuplot on a pipe, nothing sent yet (NULL, reported, when it cannot be
   started) */
FILE *cli_gnuplot_pipe(void);
int cli_gnuplot_close(FILE *g);

/* regime --coords LIST (regime_plot.c): coordinates "1,3,7-9" or "all",
   read by a CLI_ARG_CALL row into a cli_coords (1-based, increasing,
   without repeats; n = 0 and all = 0: not given); checked against d once
   the data are loaded (EXIT_OK, or EXIT_USAGE after the error). */
typedef struct
{
    long *idx;
    slong n;
    int all;
} cli_coords;

int cli_coords_parse(const char *cmd, const char *name, const char *value, void *dest);
int cli_coords_check(const char *cmd, const cli_coords *c, slong d);
void cli_coords_clear(cli_coords *c);

/* The output of regime (regime_out.c, regime_plot.c): the table as CSV or
   text, and the pictures (--plot FILE, --plot-wbar FILE; either NULL). */
typedef struct
{
    const mpbias_data_struct *data;
    const mpbias_regime_traj_struct *rt;
    long depth, digits;
    const fmpq *alpha;
    const char *kkt_desc;       /* depth >= 3: the rich target, in words */
    const mpbias_model_struct *model;   /* its loss and shape */
    const char *target;         /* the target's name: rich, l1, l2 or qmu */
    const cli_coords *coords;   /* --plot-wbar's coordinates (n = 0: default) */
} cli_regime_out;

void cli_regime_csv(FILE *f, const cli_regime_out *o);
void cli_regime_text(FILE *f, const cli_regime_out *o);
int cli_regime_plots(const char *plotfile, const char *wbarfile, const cli_regime_out *o);

/* --plot (sweep_plot.c): the pictures of every dataset and depth from
   DIR/results.csv; target: log10(1/eps) of the last loss. */
int cli_sweep_plot(const cli_sweep *c, double target);
/* Run the points that are not done (sweep_workers.c) and say so on
   standard error: EXIT_OK, EXIT_FAIL (reported) or CLI_SWEEP_NOT_MINE. */
int cli_sweep_workers(const cli_sweep *c);

/* The commands. */
int cmd_info(int argc, char **argv);
int cmd_gen(int argc, char **argv);
int cmd_flow(int argc, char **argv);
int cmd_limits(int argc, char **argv);
int cmd_regime(int argc, char **argv);
int cmd_threshold(int argc, char **argv);
int cmd_extrapolate(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_gd(int argc, char **argv);
int cmd_check(int argc, char **argv);

#endif
