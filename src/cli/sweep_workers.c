/*
 * sweep_workers.c -- where the points of `mpbias sweep` run: in this
 * process (one job, the library's scheduler mpbias_sweep_run), in up to J
 * worker processes, one per point (the parent starts the next when one
 * ends: trajectories differ a lot in cost), or on MPI ranks that claim the
 * points in turn.  Every point's files depend only on its inputs, so the
 * result is the same whatever runs it; a point whose file exists is done.
 */
#include "config.h"
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>
#include "cli.h"
#ifdef MPBIAS_MPI
# include <mpi.h>
#endif

/* 1 if point p's rows are there (a finished point), 0 if not, -1 when out
   of memory */
static int
point_done(const char *dir, slong p)
{
    char *fin = cli_sweep_path(dir, p, "csv");
    struct stat st;
    int have = fin != NULL && stat(fin, &st) == 0;
    if (fin == NULL)
        return -1;
    free(fin);
    return have;
}

#ifdef MPBIAS_MPI

typedef struct
{
    const cli_sweep *c;
    int failed;
} mpi_ctx;

/* a point this rank computes: not finished, and claimed first (an
   exclusive create of DIR/points/P.claim) */
static int
mpi_todo(slong p, void *ctx)
{
    mpi_ctx *m = ctx;
    char *cl = cli_sweep_path(m->c->dir, p, "claim");
    int have = point_done(m->c->dir, p), fd, r = 0;
    if (cl == NULL || have < 0)
    {
        m->failed = 1;
        r = -1;
    }
    else if (have == 0 && (fd = open(cl, O_CREAT | O_EXCL | O_WRONLY, 0666)) >= 0)
    {
        close(fd);
        r = 1;
    }
    free(cl);
    return r;
}

static int
mpi_point(const mpbias_sweep_point_struct *pt, mpbias_status st, const mpbias_err_t err,
          void *ctx)
{
    mpi_ctx *m = ctx;
    return cli_sweep_store(m->c, pt, st, err) != EXIT_OK;
}

/* remove the claims (rank 0: those of a killed run, and at the end) */
static void
mpi_unclaim(const cli_sweep *c)
{
    slong p;
    for (p = 0; p < c->sw->npoints; p++)
    {
        char *cl = cli_sweep_path(c->dir, p, "claim");
        if (cl != NULL)
            unlink(cl);
        free(cl);
    }
}

int
cli_sweep_workers(const cli_sweep *c)
{
    int rank, size, any_failed = 0;
    long mine = 0, total = 0;
    slong computed = 0;
    mpi_ctx m = { c, 0 };
    mpbias_sweep_callbacks cb = { mpi_todo, mpi_point, NULL, &m };
    mpbias_err_t err;
    cli_progress prog;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    if (rank == 0)
        mpi_unclaim(c);
    MPI_Barrier(MPI_COMM_WORLD);
    cli_progress_start(&prog, c->quiet || rank != 0, NULL);
    mpbias_err_clear(err);
    if (mpbias_sweep_run(c->sw, &cb, &computed, NULL, err) != MPBIAS_OK)
        m.failed = 1;
    mine = (long) computed;
    MPI_Allreduce(&m.failed, &any_failed, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    MPI_Reduce(&mine, &total, 1, MPI_LONG, MPI_SUM, 0, MPI_COMM_WORLD);
    if (rank == 0)
        mpi_unclaim(c);
    if (any_failed)
    {
        if (rank == 0)
            cli_error("some points failed (see above); the others are kept in %s/points", c->dir);
        return EXIT_FAIL;
    }
    if (rank == 0 && !c->quiet)
    {
        MPI_Comm_size(MPI_COMM_WORLD, &size);
        fprintf(stderr, "%s: sweep: %ld points (%ld computed now, %ld from an earlier run), "
                "%d MPI ranks, %.2f s\n", PROG, (long) c->sw->npoints, total,
                (long) (c->sw->npoints - total), size, cli_progress_elapsed(&prog));
    }
    return rank == 0 ? EXIT_OK : CLI_SWEEP_NOT_MINE;
}

#else

/* the library's point callback: report and write the point's files;
   stop after a failure */
static int
store_point(const mpbias_sweep_point_struct *pt, mpbias_status st, const mpbias_err_t err,
            void *ctx)
{
    return cli_sweep_store(ctx, pt, st, err) != EXIT_OK;
}

/* one point, computed and stored by a worker process: EXIT_OK or EXIT_FAIL */
static int
run_one(const cli_sweep *c, slong p)
{
    mpbias_sweep_point_t pt;
    mpbias_err_t err;
    mpbias_status st;
    int r;
    mpbias_sweep_point_init(pt);
    mpbias_err_clear(err);
    st = mpbias_sweep_point_compute(pt, c->sw, p, err);
    r = cli_sweep_store(c, pt, st, err);
    mpbias_sweep_point_clear(pt);
    return r;
}

static volatile sig_atomic_t stop_requested = 0;

static void
on_signal(int sig)
{
    (void) sig;
    stop_requested = 1;
}

/* one job: the points in this process, by the library's scheduler */
static int
serial_todo(slong p, void *ctx)
{
    const cli_sweep *c = ctx;
    int have;
    if (stop_requested)
        return -1;
    have = point_done(c->dir, p);
    return have < 0 ? 1 : !have;
}

/* The pool of worker processes: the state of its loop. */
typedef struct
{
    const cli_sweep *c;
    pid_t *kids;
    slong running, next, done, skipped;
    int failed;
} pool;

/* start workers for the next points that are not finished, up to jobs */
static void
pool_fill(pool *w)
{
    const cli_sweep *c = w->c;
    slong i;
    while (!w->failed && !stop_requested && w->running < c->jobs && w->next < c->sw->npoints)
    {
        pid_t pid;
        if (point_done(c->dir, w->next) == 1)
        {
            w->next++;
            w->done++;
            w->skipped++;
            continue;
        }
        fflush(NULL);
        pid = fork();
        if (pid < 0)
        {
            cli_error("fork: %s", strerror(errno));
            w->failed = 1;
            break;
        }
        if (pid == 0)
        {
            signal(SIGINT, SIG_DFL);
            signal(SIGTERM, SIG_DFL);
            _exit(run_one(c, w->next));
        }
        for (i = 0; i < c->jobs; i++)
            if (w->kids[i] == 0)
            {
                w->kids[i] = pid;
                break;
            }
        w->running++;
        w->next++;
    }
}

/* wait for a worker: 1, or -1 when interrupted by a signal, 0 when there
   was none to wait for */
static int
pool_reap(pool *w)
{
    int status;
    slong i;
    pid_t pid = wait(&status);
    if (pid < 0)
        return errno == EINTR ? -1 : 0;
    for (i = 0; i < w->c->jobs; i++)
        if (w->kids[i] == pid)
        {
            w->kids[i] = 0;
            w->running--;
            if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
                w->done++;
            else
                w->failed = 1;
        }
    return 1;
}

/* the progress line (a terminal only), with an estimate of the time left */
static void
pool_progress(const pool *w, cli_progress *prog)
{
    double t = cli_progress_elapsed(prog);
    slong npts = w->c->sw->npoints, jobs = w->c->jobs;
    slong computed = w->done - w->skipped, left = npts - w->done;
    fprintf(stderr, "\r%s: sweep: %ld of %ld points done, %ld left", PROG, (long) w->done,
            (long) npts, (long) left);
    if (computed > 0 && left > 0)
        fprintf(stderr, ", ~%.0f s left (estimate)",
                t / (double) computed * (double) left / (double) jobs
                    * (double) (jobs < left ? jobs : left));
    fputs("   ", stderr);
    prog->printed = 1;
}

int
cli_sweep_workers(const cli_sweep *c)
{
    slong npts = c->sw->npoints;
    pool w = { c, NULL, 0, 0, 0, 0, 0 };
    struct sigaction sa, old_int, old_term;
    cli_progress prog;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    cli_progress_start(&prog, c->quiet, NULL);
    if (c->jobs == 1)
    {
        /* one worker: in this process (no fork; the same files) */
        mpbias_sweep_callbacks cb = { serial_todo, store_point, NULL, (void *) c };
        mpbias_err_t err;
        slong computed = 0;
        mpbias_err_clear(err);
        w.failed = mpbias_sweep_run(c->sw, &cb, &computed, &w.skipped, err) != MPBIAS_OK;
        w.done = computed + w.skipped;
    }
    else if ((w.kids = calloc((size_t) c->jobs, sizeof(pid_t))) == NULL)
    {
        cli_error("out of memory");
        w.failed = 1;
    }
    else
        for (;;)
        {
            int k;
            pool_fill(&w);
            if (w.running == 0 || (k = pool_reap(&w)) == 0)
                break;
            if (k > 0 && !c->quiet && isatty(2))
                pool_progress(&w, &prog);
        }
    cli_progress_erase(&prog);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    free(w.kids);
    if (stop_requested)
    {
        cli_error("interrupted: %ld of %ld points are done and kept in %s/points; rerun the "
                  "same command to continue", (long) w.done, (long) npts, c->dir);
        return EXIT_FAIL;
    }
    if (w.failed)
    {
        cli_error("some points failed (see above); the others are kept in %s/points", c->dir);
        return EXIT_FAIL;
    }
    if (!c->quiet)
        fprintf(stderr, "%s: sweep: %ld points (%ld computed now, %ld from an earlier run), "
                "%ld workers, %.2f s\n", PROG, (long) npts, (long) (npts - w.skipped),
                (long) w.skipped, c->jobs, cli_progress_elapsed(&prog));
    return EXIT_OK;
}

#endif
