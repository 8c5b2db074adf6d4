/*
 * main_mpi.c -- `mpirun -np N mpbias-mpi sweep [OPTIONS]`: the sweep of
 * `mpbias sweep` with its grid points distributed over MPI ranks (built
 * when configure finds MPI).  Only the sweep runs under MPI; every other
 * command is `mpbias`'s.
 */
#include "config.h"
#include <stdio.h>
#include <string.h>
#include <mpi.h>
#include "cli.h"

int
main(int argc, char **argv)
{
    int r, rank;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    if (argc >= 2 && strcmp(argv[1], "sweep") == 0)
        r = cmd_sweep(argc - 1, argv + 1);
    else
    {
        if (rank == 0)
            fprintf(stderr, "Usage: mpirun -np N %s-mpi sweep [OPTIONS]\n"
                    "%s-mpi runs `%s sweep` (see `%s sweep --help`) with its grid points\n"
                    "distributed over the MPI ranks; the other commands are %s's.\n", PROG,
                    PROG, PROG, PROG, PROG);
        r = EXIT_USAGE;
    }
    MPI_Finalize();
    return r;
}
