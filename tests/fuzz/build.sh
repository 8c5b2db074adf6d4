#!/usr/bin/env bash
# tests/fuzz/build.sh -- build the libFuzzer harnesses of mpbias.
#
#   tests/fuzz/build.sh [BUILDDIR]
#
# Configures the library in BUILDDIR (default: _build/fuzz at the top of
# the source tree) with clang, AddressSanitizer, UndefinedBehaviorSanitizer
# (every finding fatal) and libFuzzer's coverage instrumentation
# (-fsanitize=fuzzer-no-link), builds the static libmpbias.a, and links
# each harness tests/fuzz/fuzz_TARGET.c with -fsanitize=fuzzer into
# BUILDDIR/fuzz_TARGET (the command-line harnesses with the sources of
# src/cli/).  Run them with tests/fuzz/run.sh.
#
# Needs clang with libFuzzer (Debian: apt-get install clang libclang-rt-dev).
# The environment variables CC (default clang) and FUZZ_CFLAGS (extra
# compiler flags) are honoured.  When the source tree has been configured
# in place (an in-tree build), configure refuses to build elsewhere: the
# sources are then first copied (the files git knows) to BUILDDIR/src.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${1:-$top/_build/fuzz}
CC=${CC:-clang}
jobs=$(nproc 2>/dev/null || echo 2)

die() { echo "build.sh: error: $*" >&2; exit 1; }

command -v "$CC" >/dev/null 2>&1 || die "$CC not found (Debian: apt-get install clang libclang-rt-dev)"
tmpc=$(mktemp -d)
trap 'rm -rf "$tmpc"' EXIT
printf '%s\n' '#include <stdint.h>' '#include <stddef.h>' \
    'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void) d; (void) n; return 0; }' \
    > "$tmpc/t.c"
"$CC" -fsanitize=fuzzer,address "$tmpc/t.c" -o "$tmpc/t" 2>/dev/null \
    || die "$CC cannot link with -fsanitize=fuzzer (Debian: apt-get install libclang-rt-dev)"

mkdir -p "$build"
build=$(cd "$build" && pwd)
src=$top
if [ -f "$top/config.status" ]; then
    # configured in place: build from a pristine copy of the sources
    command -v git >/dev/null 2>&1 && git -C "$top" rev-parse --is-inside-work-tree >/dev/null 2>&1 \
        || die "$top is configured in place and is not a git work tree: run 'make distclean' there first"
    src=$build/src
    rm -rf "$src"
    mkdir -p "$src"
    (cd "$top" && git -c safe.directory='*' ls-files -z --cached --others --exclude-standard \
        | while IFS= read -r -d '' f; do if [ -e "$f" ]; then printf '%s\0' "$f"; fi; done \
        | tar --null -T - -cf -) | tar -xf - -C "$src"
fi
if [ ! -x "$src/configure" ]; then
    echo "==> autoreconf -fi in $src"
    (cd "$src" && autoreconf -fi >/dev/null)
fi

san="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
cflags="-g -O1 -fno-omit-frame-pointer $san ${FUZZ_CFLAGS:-}"
lib=$build/lib
mkdir -p "$lib"
if [ ! -f "$lib/config.status" ] || [ "$src/configure" -nt "$lib/config.status" ]; then
    echo "==> configuring the library in $lib (CC=$CC)"
    (cd "$lib" && "$src/configure" -q CC="$CC" CFLAGS="$cflags -fsanitize=fuzzer-no-link" \
        --disable-shared --without-mpi)
fi
echo "==> building libmpbias.a"
make -s -C "$lib" -j"$jobs" libmpbias.la
libs=$(sed -n 's/^LIBS = //p' "$lib/Makefile")

# the command-line sources but for main()
cli_all=()
for f in "$src"/src/cli/*.c; do
    case ${f##*/} in
        main.c | main_mpi.c) ;;
        *) cli_all+=("$f") ;;
    esac
done
for h in "$src"/tests/fuzz/fuzz_*.c; do
    t=$(basename "$h" .c)
    case $t in
        fuzz_cli_argv) extra=("${cli_all[@]}") ;;
        fuzz_cli_*) extra=("$src/src/cli/opts.c") ;;
        *) extra=() ;;
    esac
    echo "==> $build/$t"
    # shellcheck disable=SC2086
    "$CC" $cflags -fsanitize=fuzzer -Wall -Wextra -I"$lib" -I"$src/include" -I"$src/src" \
        -I"$src/src/cli" -I"$src/tests/fuzz" "$h" "${extra[@]}" "$lib/.libs/libmpbias.a" \
        $libs -o "$build/$t"
done
echo "build.sh: harnesses in $build: $(cd "$build" && ls fuzz_* | tr '\n' ' ')"
