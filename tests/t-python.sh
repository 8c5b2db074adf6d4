#!/bin/sh
# t-python.sh -- the pure-Python package (python/mpbias, including a pip
# install into a fresh virtual environment) and the NumPy examples
# (examples/numpy_gd.py and examples/paper_story.py, with their claims
# asserted), run with a
# python3 that has NumPy (Debian's /usr/bin/python3 with python3-numpy
# first).  Skipped (77) when there is none, unless MPBIAS_REQUIRE_PYTHON=1
# (CI), then it fails.
srcdir=${MPBIAS_SRCDIR:-${srcdir:-.}}
py=
for p in ${MPBIAS_PYTHON:-} /usr/bin/python3 python3; do
    if "$p" -c 'import numpy' >/dev/null 2>&1; then
        py=$p
        break
    fi
done
if [ -z "$py" ]; then
    echo "no python3 with NumPy (Debian: apt-get install python3-numpy)"
    if [ "${MPBIAS_REQUIRE_PYTHON:-0}" = 1 ]; then exit 1; fi
    exit 77
fi
echo "python: $py ($("$py" -c 'import sys, numpy; print(sys.version.split()[0], "numpy", numpy.__version__)'))"
MPBIAS=${MPBIAS_BIN:-mpbias}
export MPBIAS
PYTHONPATH=$srcdir/python${PYTHONPATH:+:$PYTHONPATH}
export PYTHONPATH
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
"$py" -m unittest discover -s "$srcdir/tests/python" -v || exit 1
"$py" "$srcdir/examples/numpy_gd.py" --assert --outdir "$tmp" || exit 1
"$py" "$srcdir/examples/paper_story.py" --assert --quick || exit 1
