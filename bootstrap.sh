#!/usr/bin/env bash
# bootstrap.sh -- set up, configure and build mpbias from a git checkout.
#
#   ./bootstrap.sh [--deps] [--demo] [--prefix DIR] [--sanitize]
#                  [--builddir DIR] [-- CONFIGURE-ARGS...]
#
# Runs `autoreconf -fi`, `configure` and `make -j$(nproc)`.  By default the
# build happens in the source tree, so that `make check` (and `make install`)
# work from the top directory afterwards.  Run with --help for the options.
set -euo pipefail

# ---------------------------------------------------------------------------
# DEMO: the command that --demo runs after the build, from the build
# directory: the gradient-flow trajectory of the built-in "transition"
# example down to a training loss of 1e-1000 (12 certified digits), side by
# side with the limits theory predicts (mpbias regime), and the picture of
# it in regime.png.
DEMO='./mpbias regime --example transition --plot regime.png -q && echo "(plot: regime.png)"'
# ---------------------------------------------------------------------------

# Debian packages needed to build and test mpbias.  On Debian 12 (FLINT 2.9)
# Arb is the separate package libflint-arb-dev; with FLINT 3 Arb is part of
# libflint-dev and libflint-arb-dev does not exist.
DEB_PACKAGES=(build-essential autoconf automake libtool pkg-config
              libgmp-dev libmpfr-dev libflint-dev libglpk-dev check gnuplot-nox
              libopenmpi-dev openmpi-bin python3-numpy python3-venv python3-mpmath)
DEB_ARB_PACKAGE=libflint-arb-dev

prog=${0##*/}

usage() {
    cat <<EOF
Usage: $prog [OPTIONS] [-- CONFIGURE-ARGS...]
Generate the build system (autoreconf -fi), configure and build mpbias.

Options:
  --deps            first install the missing build dependencies with apt-get
                    (Debian/Ubuntu; uses sudo when not run as root):
                    ${DEB_PACKAGES[*]:0:5}
                    ${DEB_PACKAGES[*]:5}
                    and, where it exists (Debian 12), $DEB_ARB_PACKAGE
  --demo            after building, run the demo: $DEMO
  --prefix DIR      installation prefix passed to configure (default /usr/local)
  --sanitize        build with -fsanitize=address,undefined
                    -fno-omit-frame-pointer -g -O1 (for 'make check' under
                    AddressSanitizer and UndefinedBehaviorSanitizer)
  --builddir DIR    configure and build in DIR (created if needed) instead of
                    in the source tree
  -h, --help        show this help and exit

Arguments after '--' are passed to configure unchanged, e.g.
  $prog -- --enable-werror
The environment variables CC, CFLAGS, CPPFLAGS and LDFLAGS are honoured.

After a default (in-tree) build, run 'make check' from the top directory.
EOF
}

die() {
    echo "$prog: error: $*" >&2
    exit 1
}

say() {
    echo "==> $*"
}

# ---- options --------------------------------------------------------------------
opt_deps=0
opt_demo=0
opt_sanitize=0
opt_prefix=
opt_builddir=
configure_extra=()

need_arg() {
    # need_arg OPTION NARGS-REMAINING
    if [ "$2" -lt 2 ]; then
        echo "$prog: option '$1' requires an argument" >&2
        echo "Try '$prog --help' for more information." >&2
        exit 2
    fi
}

while [ $# -gt 0 ]; do
    case $1 in
        --deps) opt_deps=1 ;;
        --demo) opt_demo=1 ;;
        --sanitize) opt_sanitize=1 ;;
        --prefix) need_arg "$1" $#; opt_prefix=$2; shift ;;
        --prefix=*) opt_prefix=${1#*=} ;;
        --builddir) need_arg "$1" $#; opt_builddir=$2; shift ;;
        --builddir=*) opt_builddir=${1#*=} ;;
        -h|--help) usage; exit 0 ;;
        --) shift; configure_extra=("$@"); break ;;
        *) echo "$prog: unknown option '$1'" >&2
           echo "Try '$prog --help' for more information." >&2
           exit 2 ;;
    esac
    shift
done

# The source tree is where this script lives.
srcdir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[ -f "$srcdir/configure.ac" ] || die "configure.ac not found next to $prog (in $srcdir)"

# ---- dependencies ---------------------------------------------------------------
is_installed() {
    dpkg -s "$1" 2>/dev/null | grep -q '^Status: install ok installed'
}

as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        die "need root privileges to run '$*' (not root, and sudo is not available)"
    fi
}

apt_get() {
    as_root env DEBIAN_FRONTEND=noninteractive apt-get -q -o Dpkg::Use-Pty=0 "$@"
}

# Does the package index know the Arb package (Debian 12) at all?
arb_package_known() {
    apt-cache show "$DEB_ARB_PACKAGE" >/dev/null 2>&1
}

install_deps() {
    local p missing=() arb_unknown=0
    if ! command -v dpkg >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
        die "--deps needs a Debian-based system (dpkg and apt-get); install the equivalents of:
       ${DEB_PACKAGES[*]} $DEB_ARB_PACKAGE"
    fi
    say "checking build dependencies"
    for p in "${DEB_PACKAGES[@]}"; do
        is_installed "$p" || missing+=("$p")
    done
    if ! is_installed "$DEB_ARB_PACKAGE"; then
        if arb_package_known; then
            missing+=("$DEB_ARB_PACKAGE")
        elif [ ! -f /usr/include/flint/arb.h ]; then
            # Not installed, not in the (possibly empty or stale) package
            # index, and no FLINT 3 with Arb installed: decide after updating.
            arb_unknown=1
        fi
    fi
    if [ ${#missing[@]} -eq 0 ] && [ $arb_unknown -eq 0 ]; then
        say "all build dependencies are installed"
        return 0
    fi
    if [ ${#missing[@]} -gt 0 ]; then
        say "missing packages: ${missing[*]}"
    fi
    if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null 2>&1; then
        local also=
        [ $arb_unknown -eq 1 ] && also=" $DEB_ARB_PACKAGE (if it exists)"
        die "installing packages needs root: run $prog --deps as root (or install sudo),
       or install these packages yourself: ${missing[*]:-}$also"
    fi
    say "apt-get update"
    apt_get update
    if [ $arb_unknown -eq 1 ]; then
        if arb_package_known; then
            missing+=("$DEB_ARB_PACKAGE")
        else
            say "$DEB_ARB_PACKAGE does not exist here: assuming FLINT 3 (Arb inside libflint-dev)"
        fi
    fi
    if [ ${#missing[@]} -gt 0 ]; then
        say "apt-get install ${missing[*]}"
        apt_get install -y --no-install-recommends "${missing[@]}"
    fi
}

if [ $opt_deps -eq 1 ]; then
    install_deps
fi

for tool in autoreconf make; do
    command -v "$tool" >/dev/null 2>&1 \
        || die "'$tool' not found: install the build dependencies first ($prog --deps)"
done

# ---- where to build -------------------------------------------------------------
if [ -n "$opt_builddir" ]; then
    mkdir -p "$opt_builddir"
    builddir=$(cd "$opt_builddir" && pwd)
else
    builddir=$srcdir
fi
if [ "$builddir" != "$srcdir" ] && [ -f "$srcdir/config.status" ]; then
    die "the source tree $srcdir is already configured for an in-tree build,
       so a build in $builddir is not possible: run 'make distclean' in
       $srcdir first, or build in the source tree (no --builddir)"
fi

# ---- generate the build system --------------------------------------------------
say "autoreconf -fi (in $srcdir)"
(cd "$srcdir" && autoreconf -fi)

# ---- configure ------------------------------------------------------------------
configure_args=()
if [ -n "$opt_prefix" ]; then
    case $opt_prefix in
        /*) ;;
        *) opt_prefix=$PWD/$opt_prefix ;;   # configure wants an absolute prefix
    esac
    configure_args+=("--prefix=$opt_prefix")
fi
if [ $opt_sanitize -eq 1 ]; then
    san='-fsanitize=address,undefined -fno-omit-frame-pointer'
    configure_args+=("CFLAGS=${CFLAGS:+$CFLAGS }$san -g -O1"
                     "LDFLAGS=${LDFLAGS:+$LDFLAGS }-fsanitize=address,undefined")
fi
configure_args+=(${configure_extra[@]+"${configure_extra[@]}"})

say "configure${configure_args[*]:+ ${configure_args[*]}} (in $builddir)"
(cd "$builddir" && "$srcdir/configure" ${configure_args[@]+"${configure_args[@]}"})

# ---- build ----------------------------------------------------------------------
jobs=$(nproc 2>/dev/null || echo 2)
say "make -j$jobs (in $builddir)"
make -C "$builddir" -j"$jobs"

if [ $opt_demo -eq 1 ]; then
    say "demo: $DEMO"
    (cd "$builddir" && eval "$DEMO")
fi

if [ "$builddir" = "$srcdir" ]; then
    where="from the top directory"
else
    where="in $builddir"
fi
say "build finished; run 'make check' $where to run the tests"
