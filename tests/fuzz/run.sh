#!/usr/bin/env bash
# tests/fuzz/run.sh -- run each libFuzzer harness for a while.
#
#   tests/fuzz/run.sh [-b BUILDDIR] [-j JOBS] [-m] SECONDS [TARGET...]
#
# Runs BUILDDIR/fuzz_TARGET (built by tests/fuzz/build.sh; default BUILDDIR
# _build/fuzz) for SECONDS seconds each, every TARGET in turn (default:
# all of decimal, data, cli_argv, cli_values), starting from the corpus
# tests/fuzz/corpus/TARGET.  New interesting inputs go to a scratch corpus
# BUILDDIR/found/TARGET, crashes, timeouts, leaks and out-of-memory inputs
# to BUILDDIR/artifacts/.  With -m the new inputs are then merged
# (libFuzzer -merge=1: only those that add coverage) into the corpus of the
# source tree, to be reviewed and committed.  -j JOBS runs JOBS fuzzing
# processes per target (libFuzzer -fork).
#
# Exit status: 0 if no harness found a problem, 1 otherwise (the
# artifacts are listed; reproduce one with BUILDDIR/fuzz_TARGET FILE, and
# see doc/reliability.md for turning it into a regression test).
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
build=$top/_build/fuzz
merge=0
jobs=0
usage() { sed -n '3,4p' "$0" | sed 's/^# *//' >&2; exit 2; }
while getopts "b:j:m" o; do
    case $o in
        b) build=$OPTARG ;;
        j) jobs=$OPTARG ;;
        m) merge=1 ;;
        *) usage ;;
    esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || usage
secs=$1
shift
case $secs in ''|*[!0-9]*) usage ;; esac
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(decimal data cli_argv cli_values)

# Report a leak as a failure, stop on the first UBSan finding.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

failed=()
for t in "${targets[@]}"; do
    bin=$build/fuzz_$t
    [ -x "$bin" ] || { echo "run.sh: $bin not found: run tests/fuzz/build.sh first" >&2; exit 2; }
    found=$build/found/$t
    art=$build/artifacts
    mkdir -p "$found" "$art"
    dict=()
    case $t in
        cli_argv) dict=(-dict="$here/cli_argv.dict") ;;
        decimal|data) dict=(-dict="$here/data.dict") ;;
    esac
    par=()
    [ "$jobs" -gt 0 ] && par=(-fork="$jobs" -ignore_crashes=0)
    echo "==> fuzz_$t for ${secs}s"
    # -close_fd_mask=3: the commands' own output goes nowhere (libFuzzer's
    # reports and the sanitizers' still show)
    "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
        -close_fd_mask=3 -print_final_stats=1 -artifact_prefix="$art/${t}-" \
        "${dict[@]}" "${par[@]}" "$found" "$here/corpus/$t" 2>&1 \
        | grep -v '^#[0-9]*.*\(NEW\|REDUCE\|pulse\)' 
    rc=${PIPESTATUS[0]}
    if [ "$rc" -ne 0 ]; then
        echo "run.sh: fuzz_$t FAILED (exit status $rc)" >&2
        failed+=("$t")
        continue
    fi
    if [ $merge -eq 1 ]; then
        echo "==> merging the new inputs of fuzz_$t into tests/fuzz/corpus/$t"
        "$bin" -merge=1 -close_fd_mask=3 -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
            "$here/corpus/$t" "$found" 2>&1 | tail -n 1
    fi
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "run.sh: failures in: ${failed[*]}; artifacts:" >&2
    ls -l "$build/artifacts" >&2
    exit 1
fi
echo "run.sh: no failures (${secs}s per harness: ${targets[*]})"
