/*
 * driver.c -- run a fuzz harness without libFuzzer: the regression test
 * of `make check` for one harness.
 *
 *   regress-TARGET [-v] [FILE-OR-DIRECTORY...]
 *
 * Without arguments it runs every file of $srcdir/tests/fuzz/corpus/TARGET
 * and $srcdir/tests/fuzz/crashers/TARGET (srcdir from the environment, as
 * `make check` sets it, else "."), in name order, through
 * LLVMFuzzerTestOneInput; with arguments, the files named and the files
 * of the directories named.  It fails when no input was found, and dies
 * (abort, or a sanitizer report in a sanitized build) on the first input
 * that breaks the harness.  The standard output and error of the code
 * under test are discarded unless -v is given; before each input its name
 * goes to standard error, so the last name printed is the culprit.
 * Sanitizer reports still reach the real standard error.
 */
#include "config.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "fuzz.h"

/* The command-line harness is linked with all of mpbias_SOURCES, its
   main() renamed by -Dmain=mpbias_cli_main (tests/fuzz/fuzz.am): this
   file's main stays main. */
#undef main

/* Where sanitizer reports go; present only in sanitized builds. */
extern void __sanitizer_set_report_fd(void *fd) __attribute__((weak));
/* The harness may or may not define it. */
extern int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static int verbose = 0;
static int err_fd = 2;          /* the real standard error */
static long nrun = 0;

static void
say(const char *fmt, const char *a, const char *b)
{
    char buf[4096];
    int n = snprintf(buf, sizeof buf, fmt, a, b);
    if (n > 0)
    {
        ssize_t w = write(err_fd, buf, (size_t) n < sizeof buf ? (size_t) n : sizeof buf - 1);
        (void) w;
    }
}

static int
run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    size_t len = 0, cap = 0, got;
    if (f == NULL)
    {
        say("regress-%s: %s: cannot open\n", fuzz_target_name, path);
        return 1;
    }
    do
    {
        if (len == cap)
        {
            uint8_t *nb;
            cap = cap ? 2 * cap : 4096;
            if ((nb = realloc(buf, cap)) == NULL)
            {
                free(buf);
                fclose(f);
                say("regress-%s: %s: out of memory\n", fuzz_target_name, path);
                return 1;
            }
            buf = nb;
        }
        got = fread(buf + len, 1, cap - len, f);
        len += got;
    } while (got > 0);
    fclose(f);
    /* an exact-size copy, so that AddressSanitizer sees reads beyond it */
    {
        uint8_t *exact = malloc(len ? len : 1);
        if (exact == NULL)
        {
            free(buf);
            return 1;
        }
        memcpy(exact, buf, len);
        free(buf);
        say("regress-%s: %s\n", fuzz_target_name, path);
        fflush(stdout);
        LLVMFuzzerTestOneInput(exact, len);
        fflush(stdout);
        fflush(stderr);
        free(exact);
    }
    nrun++;
    return 0;
}

static int
cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

/* Every regular file of dir (not recursively), in name order; a missing
   directory is no error when `optional`. */
static int
run_dir(const char *dir, int optional)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **names = NULL;
    size_t n = 0, i;
    int r = 0;
    if (d == NULL)
    {
        if (optional && errno == ENOENT)
            return 0;
        say("regress-%s: %s: cannot open the directory\n", fuzz_target_name, dir);
        return 1;
    }
    while ((e = readdir(d)) != NULL)
    {
        char **nn;
        if (e->d_name[0] == '.' || strcmp(e->d_name, "README") == 0)
            continue;
        if ((nn = realloc(names, (n + 1) * sizeof(char *))) == NULL)
            break;
        names = nn;
        names[n] = malloc(strlen(dir) + strlen(e->d_name) + 2);
        if (names[n] == NULL)
            break;
        sprintf(names[n], "%s/%s", dir, e->d_name);
        n++;
    }
    closedir(d);
    qsort(names, n, sizeof(char *), cmp_names);
    for (i = 0; i < n; i++)
    {
        struct stat st;
        if (stat(names[i], &st) == 0 && S_ISREG(st.st_mode))
            r |= run_file(names[i]);
        free(names[i]);
    }
    free(names);
    return r;
}

static int
run_path(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
    {
        say("regress-%s: %s: no such file or directory\n", fuzz_target_name, path);
        return 1;
    }
    return S_ISDIR(st.st_mode) ? run_dir(path, 0) : run_file(path);
}

int
main(int argc, char **argv)
{
    int i, r = 0, first = 1;
    if (argc > 1 && strcmp(argv[1], "-v") == 0)
    {
        verbose = 1;
        first = 2;
    }
    if (!verbose)
    {
        /* keep the real standard error for our messages and for the
           sanitizers, send the code's output to /dev/null */
        int null = open("/dev/null", O_WRONLY);
        err_fd = dup(2);
        if (null < 0 || err_fd < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0)
        {
            perror("regress: redirecting the output");
            return 1;
        }
        close(null);
        if (__sanitizer_set_report_fd != NULL)
            __sanitizer_set_report_fd((void *) (intptr_t) err_fd);
    }
    if (LLVMFuzzerInitialize != NULL)
        LLVMFuzzerInitialize(&argc, &argv);
    if (argc > first)
        for (i = first; i < argc; i++)
            r |= run_path(argv[i]);
    else
    {
        const char *srcdir = getenv("srcdir");
        char dir[4096];
        if (srcdir == NULL || srcdir[0] == '\0')
            srcdir = ".";
        snprintf(dir, sizeof dir, "%s/tests/fuzz/corpus/%s", srcdir, fuzz_target_name);
        r |= run_dir(dir, 0);
        snprintf(dir, sizeof dir, "%s/tests/fuzz/crashers/%s", srcdir, fuzz_target_name);
        r |= run_dir(dir, 1);
    }
    if (r == 0 && nrun == 0)
    {
        say("regress-%s: no input files found%s\n", fuzz_target_name, "");
        r = 1;
    }
    if (r == 0)
    {
        char num[32];
        snprintf(num, sizeof num, "%ld", nrun);
        say("regress-%s: %s inputs run, no failure\n", fuzz_target_name, num);
    }
    return r;
}
