#!/usr/bin/env bash
# bench/peers.sh -- mpbias against its peers (issue 9).  Run on demand from
# a built tree:
#
#     bench/peers.sh [--quick] [--limit S] [--large-loss EPS] [--no-large] [BUILD_DIR]
#
# The problem: gradient flow on the built-in `transition` example, depth 2,
# alpha 1, summed exponential loss, to the losses eps = 1e-10, 1e-19,
# 1e-100, 1e-1000, ..., 10^(-10^30).  Solved by
#   (a) mpmath.odefun (Taylor method) at 30 digits, reduced flow in M = -log L;
#   (b) SciPy solve_ivp, float64: the reduced flow in mpbias's variable
#       x = log(1 + M - M0) with LSODA, Radau and DOP853 (rtol 1e-13, looser
#       only when a target cannot be reached at 1e-13), and the textbook
#       reparametrization tau = log(1 + t) with LSODA;
#   (c) float64 NumPy gradient descent on (u_+, u_-): constant step 0.01,
#       and the loss-normalized step 0.001 / L;
#   (d) mpbias flow at 16 and 30 digits (one run per target).
# Every peer gets S seconds (default 600; --quick: 60) and runs to the
# targets in order; the targets it has not reached by then are "not
# reached".  wbar is judged against `mpbias flow --digits 50`.  Then the
# per-step cost on the larger problem (sparse teacher, N = 100, d = 1000)
# against the cost of one right-hand side (bench/peers/rhs_cost.c, built
# here against BUILD_DIR), to the loss EPS (default 1e-100; --quick 1e-10).
#
# Raw results are left in BUILD_DIR/peers-results.  Writes
# doc/benchmarks-peers.md (the table printed at the end; the explanations
# of bench/peers/notes.md are appended) and doc/figures/peers-time.png,
# peers-digits.png, peers-digits-cw.png.  Python:
# /usr/bin/python3 with numpy, scipy, mpmath (Debian python3-numpy,
# python3-scipy, python3-mpmath); GNU time; gnuplot.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
limit=600
large_loss=
large=1
quick=0
build=
while [ $# -gt 0 ]; do
  case $1 in
    --quick) quick=1; limit=60 ;;
    --limit) limit=$2; shift ;;
    --large-loss) large_loss=$2; shift ;;
    --no-large) large=0 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "bench/peers.sh: unknown option $1" >&2; exit 2 ;;
    *) build=$1 ;;
  esac
  shift
done
build=${build:-$here}
build=$(cd "$build" && pwd)
[ -n "$large_loss" ] || { if [ $quick = 1 ]; then large_loss=1e-10; else large_loss=1e-100; fi; }
bin=$build/mpbias
py=/usr/bin/python3
[ -x "$bin" ] || { echo "bench/peers.sh: no mpbias binary in $build (build first)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench/peers.sh: GNU time (/usr/bin/time, Debian package 'time') is needed" >&2; exit 1; }
$py -c 'import numpy, scipy, mpmath' || { echo "bench/peers.sh: $py needs numpy, scipy and mpmath" >&2; exit 1; }
command -v gnuplot >/dev/null || { echo "bench/peers.sh: gnuplot is needed for the plots" >&2; exit 1; }

# raw results (kept, so that bench/peers/report.py can be rerun on them)
tmp=$build/peers-results
rm -rf "$tmp"
mkdir -p "$tmp"
say() { echo "peers: $*" >&2; }

# targets: log10(1/eps) as given to the Python peers, and as mpbias loss literals
targets=(10 19 100 1000 10000 1e6 1e8 1e10 1e12 1e15 1e20 1e30)
loss_of() {   # 1e6 -> 1e-1000000
  local v=$1
  case $v in
    1e*) printf '1e-1%0*d\n' "${v#1e}" 0 ;;
    *) printf '1e-%s\n' "$v" ;;
  esac
}

{
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "limit_s: $limit"
  echo "quick: $quick"
  echo "nproc: $(nproc)"
  echo "cpu: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
  echo "os: $(. /etc/os-release && echo "$PRETTY_NAME")"
  echo "kernel: $(uname -r)"
  echo "mpbias: $("$bin" --version | head -1); $("$bin" --version | tail -1)"
  echo "python: $($py -c 'import sys; print(sys.version.split()[0])')"
  echo "numpy: $($py -c 'import numpy; print(numpy.__version__)')"
  echo "scipy: $($py -c 'import scipy; print(scipy.__version__)')"
  echo "mpmath: $($py -c 'import mpmath; print(mpmath.__version__)')"
  echo "gmpy2: $($py -c 'import mpmath.libmp; print(mpmath.libmp.BACKEND)')"
  echo "loadavg_start: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$tmp/machine"

"$bin" gen --example transition --format csv -o "$tmp/transition.csv"

# --- the reference: mpbias at 50 digits, every target in one run
say "reference (mpbias flow --digits 50)"
at=()
for v in "${targets[@]}"; do at+=(--at-loss "$(loss_of "$v")"); done
"$bin" flow --example transition --digits 50 --per-decade 0 "${at[@]}" \
  --until-loss "$(loss_of "${targets[-1]}")" --format json -q -o "$tmp/ref.json"

# --- (d) mpbias, one run per target and number of digits
for K in 16 30; do
  for v in "${targets[@]}"; do
    say "mpbias K=$K eps=$(loss_of "$v")"
    set +e
    /usr/bin/time -f '%e %M' -o "$tmp/time" timeout "$limit" "$bin" flow --example transition \
      --digits "$K" --per-decade 0 --until-loss "$(loss_of "$v")" --format json -q \
      -o "$tmp/mpbias-$K-$v.json"
    rc=$?
    set -e
    echo "$v $rc $(tail -1 "$tmp/time")" >> "$tmp/mpbias-$K.times"
  done
done

# --- (a)-(c) the peers, each a single process through the targets in order
run_peer() {   # NAME ARGS...
  local name=$1; shift
  say "$name (limit ${limit} s)"
  set +e
  /usr/bin/time -f '%e %M' -o "$tmp/$name.time" timeout $((${limit%.*} + 120)) \
    $py "$here/bench/peers/run_peer.py" "$@" --data "$tmp/transition.csv" --limit "$limit" \
    "${targets[@]}" > "$tmp/$name.jsonl" 2> "$tmp/$name.err"
  echo $? > "$tmp/$name.rc"
  set -e
}
run_peer scipy-LSODA scipy --method LSODA --rtol 1e-13
run_peer scipy-Radau scipy --method Radau --rtol 1e-13
run_peer scipy-DOP853 scipy --method DOP853 --rtol 1e-13
run_peer scipy-tau-LSODA scipy-tau --method LSODA --rtol 1e-13
run_peer gd gd --eta 0.01
run_peer gd-norm gd-norm --eta 0.001
run_peer odefun odefun --dps 30 --degree 30

# --- the larger problem: time per step against one right-hand side
if [ $large = 1 ]; then
  say "larger problem: N = 100, d = 1000, to $large_loss"
  "$bin" gen --n 100 --d 1000 --seed 1 -o "$tmp/st.svm"
  LIBS=$(sed -n 's/^LIBS = //p' "$build/Makefile")
  CC=$(sed -n 's/^CC = //p' "$build/Makefile")
  # shellcheck disable=SC2086
  ${CC:-cc} -O2 -std=c11 -I"$build" -I"$here/include" -I"$here/src" "$here/bench/peers/rhs_cost.c" \
    -o "$tmp/rhs_cost" -L"$build/.libs" -lmpbias -Wl,-rpath,"$build/.libs" $LIBS
  set +e
  /usr/bin/time -f '%e %M' -o "$tmp/large.time" timeout $((4 * ${limit%.*})) "$bin" flow \
    --data "$tmp/st.svm" --until-loss "$large_loss" --prec 128 --per-decade 0 \
    --format json -q -o "$tmp/large.json"
  echo $? > "$tmp/large.rc"
  set -e
  nu=$($py - "$tmp/large.json" <<'EOF' || true
import json, sys
d = json.load(open(sys.argv[1]))
print(" ".join(d["rows"][-1]["nu"]))
EOF
)
  # the checking run works at 128 bits, the reported one at 160
  for p in 128 160; do
    # shellcheck disable=SC2086
    "$tmp/rhs_cost" "$tmp/st.svm" "$p" 3 $nu > "$tmp/rhs-$p.txt"
  done
  echo "large_loss: $large_loss" >> "$tmp/machine"
fi
echo "loadavg_end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$tmp/machine"

# --- the table, the plots
mkdir -p "$here/doc/figures"
$py "$here/bench/peers/report.py" "$tmp" "$here/doc" "${targets[@]}"
say "wrote $here/doc/benchmarks-peers.md"
