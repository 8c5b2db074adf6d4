/*
 * fuzz_cli_argv.c -- fuzz the option layer of the mpbias commands: each
 * command's getopt_long loop and the checks that follow it, in process,
 * with a fuzzed argv.
 *
 * Input: one byte choosing the command (info, gen, flow, limits, regime,
 * threshold, sweep, gd: the byte modulo 8), then the arguments separated
 * by newlines (at most 64 of them).
 *
 * The numerics never run: the harness puts arguments first that make the
 * command stop right after its option checks, at the point where it
 * would load the dataset --
 *   info, flow, limits, regime, threshold, gd:
 *       --data /nonexistent/... --example transition   ("not both")
 *   gen:   --example transition --seed 1   (example with generator options)
 *   sweep: --data /nonexistent/...          (the file cannot be read)
 * No option can unset these, so whatever the fuzzed arguments say, the
 * command ends with a usage error, a data error, or after --help or
 * --list-examples.  What runs after the dataset is loaded (the shape and
 * --kkt lists, --at-loss values) is fuzzed by fuzz_cli_values.c.
 *
 * Limitations: getopt_long keeps its state in globals (optind, optopt,
 * glibc's position inside a group of short options); the commands set
 * optind = 1, and the harness also resets getopt fully (optind = 0 and one
 * call) before every run, so that nothing of one input reaches the next.
 * sweep --plot runs `command -v gnuplot` through system() (a fork per
 * such input).
 *
 * Property checked beyond "no crash, no sanitizer report, no leak": the
 * exit status is 0, 1 or 2.
 */
#include "config.h"
#include <getopt.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "fuzz.h"

const char fuzz_target_name[] = "cli_argv";

#define MAX_ARGS 64
#define MAX_LEN 4096
#define MISSING_FILE "/nonexistent/mpbias-fuzz/none.svm"

typedef struct
{
    const char *name;
    int (*run)(int, char **);
    const char *pre[5];
} command;

static const command commands[8] = {
    { "info", cmd_info, { "--data", MISSING_FILE, "--example", "transition", NULL } },
    { "gen", cmd_gen, { "--example", "transition", "--seed", "1", NULL } },
    { "flow", cmd_flow, { "--data", MISSING_FILE, "--example", "transition", NULL } },
    { "limits", cmd_limits, { "--data", MISSING_FILE, "--example", "transition", NULL } },
    { "regime", cmd_regime, { "--data", MISSING_FILE, "--example", "transition", NULL } },
    { "threshold", cmd_threshold, { "--data", MISSING_FILE, "--example", "transition", NULL } },
    { "sweep", cmd_sweep, { "--data", MISSING_FILE, NULL } },
    { "gd", cmd_gd, { "--data", MISSING_FILE, "--example", "transition", NULL } },
};

/* Forget what getopt_long remembers from the previous argv: optind = 0
   makes glibc initialize itself afresh. */
static void
reset_getopt(void)
{
    static char arg0[] = "reset";
    static char *argv[] = { arg0, NULL };
    optind = 0;
    opterr = 0;
    while (getopt(1, argv, "") != -1)
        ;
    optind = 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const command *cmd;
    char *buf, *argv[1 + 4 + MAX_ARGS + 1];
    int argc = 0, r, k;
    size_t i, start;

    if (size < 1)
        return 0;
    cmd = &commands[data[0] % 8];
    data++;
    size--;
    if (size > MAX_LEN)
        size = MAX_LEN;
    buf = malloc(size + 1);
    memcpy(buf, data, size);
    buf[size] = '\0';

    argv[argc++] = (char *) cmd->name;
    for (k = 0; cmd->pre[k] != NULL; k++)
        argv[argc++] = (char *) cmd->pre[k];
    /* the arguments: newline-separated; an empty input gives none */
    for (i = 0, start = 0; size > 0 && i <= size && argc < 1 + 4 + MAX_ARGS; i++)
        if (i == size || buf[i] == '\n')
        {
            buf[i] = '\0';
            argv[argc++] = buf + start;
            start = i + 1;
        }
    argv[argc] = NULL;

    reset_getopt();
    r = cmd->run(argc, argv);
    fflush(stdout);
    if (r != EXIT_OK && r != EXIT_FAIL && r != EXIT_USAGE)
        fuzz_fail("%s returned %d", cmd->name, r);
    flint_cleanup();
    mpfr_free_cache();
    free(buf);
    return 0;
}
