/*
 * rhs_cost.c -- the cost of one right-hand side (and of one Jacobian) of
 * mpbias's reduced flow, for bench/peers.sh.
 *
 *     rhs_cost DATA PREC SECONDS [NU_1 ... NU_N]
 *
 * Reads the dataset DATA, sets up the reduced flow's workspace
 * (src/flow/dual.c) at PREC bits, and times _mpbias_dual_rhs (the
 * right-hand side f(x, y), y = (nu, q)) and _mpbias_dual_jac (its exact
 * Jacobian) at the state nu given on the command line (0 if omitted; q = 0,
 * x = 1: the cost does not depend on them), each repeated for about
 * SECONDS.  Prints one line:
 *
 *     prec=P n=N d=D rhs_s=T1 jac_s=T2 rhs_reps=R1 jac_reps=R2
 *
 * with T1, T2 the wall time of one evaluation in seconds.  Built by
 * bench/peers.sh against a build tree (internal header, not installed).
 */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "mpbias-impl.h"

static double
now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + 1e-9 * (double) ts.tv_nsec;
}

int
main(int argc, char **argv)
{
    mpbias_data_t data;
    mpbias_model_t model;
    mpbias_err_t err;
    mpbias_read_opts opts;
    _mpbias_dual_t ws;
    mpfr_prec_t prec;
    double budget, t0, t_rhs, t_jac;
    long reps_rhs = 0, reps_jac = 0;
    slong n, i;
    mpfr_t x, *y, *f, *J, *dfdx;

    if (argc < 4)
    {
        fprintf(stderr, "usage: rhs_cost DATA PREC SECONDS [NU_1 ... NU_N]\n");
        return 2;
    }
    prec = (mpfr_prec_t) atol(argv[2]);
    budget = atof(argv[3]);
    mpbias_data_init(data);
    mpbias_err_clear(err);
    mpbias_read_opts_init(&opts);
    if (mpbias_data_read_file(data, argv[1], &opts, err) != MPBIAS_OK)
    {
        fprintf(stderr, "rhs_cost: %s\n", err->msg);
        return 1;
    }
    n = data->n;
    if (argc > 4 && argc != 4 + n)
    {
        fprintf(stderr, "rhs_cost: %ld values of nu given, %ld samples\n",
                (long) (argc - 4), (long) n);
        return 1;
    }
    mpbias_model_init(model);
    _mpbias_dual_init(ws, data, model, prec);
    mpfr_init2(x, prec);
    mpfr_set_ui(x, 1, MPFR_RNDN);
    y = _mpbias_mpfr_vec_init(n + 1, prec);
    f = _mpbias_mpfr_vec_init(n + 1, prec);
    dfdx = _mpbias_mpfr_vec_init(n + 1, prec);
    J = _mpbias_mpfr_vec_init((n + 1) * (n + 1), prec);
    for (i = 0; i < n; i++)
        mpfr_set_str(y[i], argc > 4 ? argv[4 + i] : "0", 10, MPFR_RNDN);
    mpfr_set_zero(y[n], 1);
    /* M0 is set by the flow's driver before the first step; the
       right-hand side does not use it */

    t0 = now();
    do
    {
        if (_mpbias_dual_rhs(f, x, (const mpfr_t *) y, ws) != MPBIAS_ODE_OK)
        {
            fprintf(stderr, "rhs_cost: the right-hand side failed at this state\n");
            return 1;
        }
        reps_rhs++;
    } while (now() - t0 < budget);
    t_rhs = (now() - t0) / (double) reps_rhs;

    t0 = now();
    do
    {
        if (_mpbias_dual_jac(J, dfdx, x, (const mpfr_t *) y, ws) != MPBIAS_ODE_OK)
        {
            fprintf(stderr, "rhs_cost: the Jacobian failed at this state\n");
            return 1;
        }
        reps_jac++;
    } while (now() - t0 < budget);
    t_jac = (now() - t0) / (double) reps_jac;

    printf("prec=%ld n=%ld d=%ld rhs_s=%.6g jac_s=%.6g rhs_reps=%ld jac_reps=%ld\n",
           (long) prec, (long) n, (long) data->d, t_rhs, t_jac, reps_rhs, reps_jac);

    _mpbias_mpfr_vec_clear(y, n + 1);
    _mpbias_mpfr_vec_clear(f, n + 1);
    _mpbias_mpfr_vec_clear(dfdx, n + 1);
    _mpbias_mpfr_vec_clear(J, (n + 1) * (n + 1));
    mpfr_clear(x);
    _mpbias_dual_clear(ws);
    mpbias_model_clear(model);
    mpbias_data_clear(data);
    flint_cleanup();
    return 0;
}
