#!/usr/bin/env bash
# bench/flow.sh -- the trajectory engine's benchmark (issue: trajectories to
# astronomically small losses).  Run on demand from a built tree:
#
#     bench/flow.sh [BUILD_DIR] [DIGITS] [TIMEOUT_S]
#
# For the built-in `transition` example (D = 2 and D = 3) it runs
# `mpbias flow --until-loss EPS` for EPS = 1e-10, 1e-100, 1e-1000, 1e-10000,
# 10^(-10^6) and 10^(-10^30), then the larger problem (sparse-teacher data,
# N = 100, d = 1000, 128 bits) to 1e-100, and records wall time, peak memory
# (GNU time), steps, right-hand-side evaluations and the largest estimated
# error, as Markdown tables in doc/benchmarks-flow.md, followed by the
# goals of the trajectory issue and whether this run met them.  Each case
# gets TIMEOUT_S seconds (default 600; the larger problem 4 times that); a
# case that does not finish is reported as such.  Times are those of a
# shared machine: compare ratios within one run of this script.
#
# Engine cases (rows and the linear algebra of the integrator, issue 16):
# sparse-teacher N = 20, d = 30 to 1e-100 with the default rows and with
# --per-decade 0, the transition example to margin 1e30 at 30 digits with
# and without rows, sparse-teacher N = 50, d = 200 and N = 100, d = 1000
# to 1e-100 (the right-hand side and Jacobian at realistic sizes), and
# generic 4 x 6 data (bench/data/g46.csv) to margin 1e30 and to loss
# 1e-100, and small initialization scales (transition at depths 2, 3, 4
# from alpha = 1e-10, 1e-30, 1e-100; two trajectories with several
# plateaus).  They
# report user CPU seconds (less sensitive to the load of a shared machine
# than wall time) and, when BASELINE=DIR names another built tree (e.g. a
# checkout of an earlier commit), the same cases run with that tree's
# binary and the ratios this/baseline (BASELINE_NAME: how to call it).  ENGINE_ONLY=1 runs only these and
# replaces their section of doc/benchmarks-flow.md, keeping the rest.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here}
digits=${2:-30}
limit=${3:-600}
bin=$build/mpbias
out=$here/doc/benchmarks-flow.md
[ -x "$bin" ] || { echo "bench/flow.sh: no mpbias binary in $build (build first)" >&2; exit 1; }
command -v /usr/bin/time >/dev/null || { echo "bench/flow.sh: GNU time (/usr/bin/time, Debian package 'time') is needed" >&2; exit 1; }

losses=(1e-10 1e-100 1e-1000 1e-10000 1e-1000000 1e-1000000000000000000000000000000)
names=("1e-10" "1e-100" "1e-1000" "1e-10000" "10^(-10^6)" "10^(-10^30)")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# engine_case LABEL TIMEOUT BIN ARGS...: user seconds, steps and rhs of one
# run of BIN flow ARGS into $tmp/eng_LABEL ("user steps rhs status")
engine_case() {
  local label=$1 lim=$2 b=$3; shift 3
  local rc user summary steps rhs
  set +e
  /usr/bin/time -f '%U %e' -o "$tmp/etime" timeout "$lim" "$b" flow "$@" > "$tmp/eout" 2> "$tmp/eerr"
  rc=$?
  set -e
  read -r user _ < <(tail -1 "$tmp/etime")
  summary=$(tr '\r' '\n' < "$tmp/eerr" | grep -E '^mpbias: [0-9]+ rows' || true)
  if [ "$rc" -eq 0 ] && [ -n "$summary" ]; then
    steps=$(sed -E 's/.*, ([0-9]+) steps.*/\1/' <<<"$summary")
    rhs=$(sed -E 's/.* ([0-9]+) right-hand sides.*/\1/' <<<"$summary")
    echo "$user $steps $rhs ok" > "$tmp/eng_$label"
  elif [ "$rc" -eq 124 ]; then
    echo "- - - timeout" > "$tmp/eng_$label"
  else
    echo "- - - failed" > "$tmp/eng_$label"
  fi
  echo "engine $label: $(cat "$tmp/eng_$label")" >&2
}

engine_section() {
  local labels=(st20_rows st20_norows tr_rows tr_norows st50_rows st100_rows g46_margin g46_loss)
  local descr=("N=20, d=30, 1e-100, default rows" "N=20, d=30, 1e-100, --per-decade 0"
    "transition, margin 1e30, 30 digits, default rows" "transition, margin 1e30, 30 digits, --per-decade 0"
    "N=50, d=200, 1e-100, default rows" "N=100, d=1000, 1e-100, default rows"
    "g46 (4 x 6 generic), margin 1e30, default rows" "g46 (4 x 6 generic), 1e-100, default rows")
  local args=("--example sparse-teacher:n=20,d=30,k=2,seed=1 --until-loss 1e-100"
    "--example sparse-teacher:n=20,d=30,k=2,seed=1 --until-loss 1e-100 --per-decade 0"
    "--example transition --until-margin 1e30 --digits 30"
    "--example transition --until-margin 1e30 --digits 30 --per-decade 0"
    "--example sparse-teacher:n=50,d=200,seed=1 --until-loss 1e-100"
    "--example sparse-teacher:n=100,d=1000,seed=1 --until-loss 1e-100"
    "--data $here/bench/data/g46.csv --until-margin 1e30"
    "--data $here/bench/data/g46.csv --until-loss 1e-100")
  # small initialization scales (the rich regime): transition at depths
  # 2, 3, 4 from alpha = 1e-10, 1e-30, 1e-100 to 1e-100 at 30 digits (goal:
  # each within 10 s), and two trajectories with several plateaus
  local D e
  for D in 2 3 4; do
    for e in 10 30 100; do
      labels+=("sa_${D}_$e")
      descr+=("transition, D=$D, alpha=1e-$e, 1e-100, 30 digits, default rows")
      args+=("--example transition --depth $D --alpha 1e-$e --until-loss 1e-100 --digits 30")
    done
  done
  labels+=(mp_orth mp_st20)
  descr+=("several plateaus: orthogonal, D=3, alpha=1e-30, 1e-100, 30 digits"
    "several plateaus: N=20, d=30, D=3, alpha=1e-10, 1e-100")
  args+=("--example orthogonal --depth 3 --alpha 1e-30 --until-loss 1e-100 --digits 30"
    "--example sparse-teacher:n=20,d=30,k=2,seed=1 --depth 3 --alpha 1e-10 --until-loss 1e-100")
  local i v bb
  local lim
  for i in "${!labels[@]}"; do
    lim=$((4 * limit))
    case ${labels[$i]} in mp_*) lim=$limit ;; esac
    # shellcheck disable=SC2086
    engine_case "${labels[$i]}" "$lim" "$bin" ${args[$i]} -o "$tmp/engine.csv"
    if [ -n "${BASELINE:-}" ]; then
      bb=$BASELINE/mpbias
      # shellcheck disable=SC2086
      engine_case "base_${labels[$i]}" "$lim" "$bb" ${args[$i]} -o "$tmp/engine.csv"
    fi
  done
  {
    echo
    echo "## Engine cases (issue 16: rows, Newton linear algebra)"
    echo
    echo "Generated on $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(uname -m);"
    echo "commit $(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo unknown)${BASELINE:+, baseline ${BASELINE_NAME:-$(git -C "$BASELINE" rev-parse --short HEAD 2>/dev/null || echo "$BASELINE")}}."
    echo "User CPU seconds of \`mpbias flow ARGS\` (both runs); steps and right-hand sides of the reported run."
    echo
    if [ -n "${BASELINE:-}" ]; then
      echo "| case | user s | steps | rhs | baseline user s | baseline steps | baseline rhs | this/baseline |"
      echo "|------|-------:|------:|----:|----------------:|---------------:|-------------:|--------------:|"
    else
      echo "| case | user s | steps | rhs |"
      echo "|------|-------:|------:|----:|"
    fi
    for i in "${!labels[@]}"; do
      read -r u st rh stat < "$tmp/eng_${labels[$i]}"
      # a case that did not finish says so (and its limit) in the time column
      if [ "$stat" != ok ]; then
        case ${labels[$i]} in mp_*) u="$stat (${limit} s)" ;; *) u="$stat ($((4 * limit)) s)" ;; esac
      fi
      if [ -n "${BASELINE:-}" ]; then
        read -r bu bst brh bstat < "$tmp/eng_base_${labels[$i]}"
        r=$(awk -v a="$u" -v b="$bu" 'BEGIN { if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.2f", a / b }')
        echo "| ${descr[$i]} | $u | $st | $rh | $bu | $bst | $brh | $r |"
      else
        echo "| ${descr[$i]} | $u | $st | $rh |"
      fi
    done
    echo
    rows=$(cut -d' ' -f1 "$tmp/eng_st20_rows"); norows=$(cut -d' ' -f1 "$tmp/eng_st20_norows")
    r=$(awk -v a="$rows" -v b="$norows" 'BEGIN { if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.2f", a / b }')
    echo "- N = 20, d = 30: default rows cost ${r}x the time without rows (goal: at most 1.3x):" \
      "$(awk -v r="$r" 'BEGIN { print (r != "-" && r <= 1.3 ? "met" : "not met") }'); ${rows} s user" \
      "(goal: at most 2 s): $(awk -v w="$rows" 'BEGIN { print (w != "-" && w <= 2 ? "met" : "not met") }')."
    rows=$(cut -d' ' -f1 "$tmp/eng_tr_rows"); norows=$(cut -d' ' -f1 "$tmp/eng_tr_norows")
    r=$(awk -v a="$rows" -v b="$norows" 'BEGIN { if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.2f", a / b }')
    echo "- transition to margin 1e30: default rows cost ${r}x the time without rows."
    rows=$(cut -d' ' -f1 "$tmp/eng_g46_margin"); norows=$(cut -d' ' -f1 "$tmp/eng_g46_loss")
    r=$(awk -v a="$rows" -v b="$norows" 'BEGIN { if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.2f", a / b }')
    echo "- g46 to margin 1e30 costs ${r}x its time to 1e-100 (goal: at most 3x):" \
      "$(awk -v r="$r" 'BEGIN { print (r != "-" && r <= 3 ? "met" : "not met") }')."
    local worst=0 l
    for D in 2 3 4; do
      for e in 10 30 100; do
        l=$(cut -d' ' -f1 "$tmp/eng_sa_${D}_$e")
        worst=$(awk -v a="$l" -v w="$worst" 'BEGIN { if (a == "-" || w == "-") print "-"; else print (a > w ? a : w) }')
      done
    done
    echo "- Small scales, transition, D = 2, 3, 4 from alpha = 1e-10, 1e-30, 1e-100 to 1e-100 at 30 digits:" \
      "at most ${worst} s user (goal: each within 10 s):" \
      "$(awk -v w="$worst" 'BEGIN { print (w != "-" && w <= 10 ? "met" : "not met") }')."
    big=$(cut -d' ' -f1 "$tmp/eng_st100_rows")
    echo "- N = 100, d = 1000 to 1e-100 at 16 digits: ${big} s user (goal: at most 60 s):" \
      "$(awk -v w="$big" 'BEGIN { print (w != "-" && w <= 60 ? "met" : "not met") }')."
    # the cost per right-hand side of the reported run (both runs' time) against N d
    line="- Scaling: user milliseconds per reported right-hand side"
    for l in st20_rows st50_rows st100_rows; do
      read -r u st rh stat < "$tmp/eng_$l"
      line="$line, $(case $l in st20*) echo "N d = 600";; st50*) echo "N d = 10^4";; *) echo "N d = 10^5";; esac):"
      line="$line $(awk -v a="$u" -v b="$rh" 'BEGIN { if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.2f", 1000 * a / b }')"
    done
    echo "$line (N d grows 16.7x, then 10x)."
  } > "$tmp/engine_md"
}

if [ -n "${ENGINE_ONLY:-}" ]; then
  engine_section
  if [ -f "$out" ]; then
    sed '/^## Engine cases/,$d' "$out" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' > "$tmp/keep"
  else
    : > "$tmp/keep"
  fi
  cat "$tmp/keep" "$tmp/engine_md" > "$out"
  echo "wrote $out (engine cases)" >&2
  exit 0
fi

{
  echo "# Trajectory engine benchmark"
  echo
  echo "Generated by \`bench/flow.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores,"
  echo "$("$bin" --version | head -1); $("$bin" --version | tail -1)."
  echo "Command: \`mpbias flow --example transition --depth D --until-loss EPS --digits $digits --per-decade 0 -q\`"
  echo "(two runs in lockstep: the reported one and the checking one; counts are the reported run's)."
  echo "The machine is shared: compare rows of one table, not absolute seconds across tables."
  echo
  echo "| case | wall s | peak MiB | steps | rhs evals | max est. error | status |"
  echo "|------|-------:|---------:|------:|----------:|---------------:|--------|"
} > "$tmp/table"

# run_case LABEL TIMEOUT ARGS...: one row of a table into $tmp/table;
# wall time into $tmp/wall_LABEL
run_case() {
  local label=$1 lim=$2; shift 2
  local rc wall kb summary steps rhs est status
  set +e
  /usr/bin/time -f '%e %M' -o "$tmp/time" timeout "$lim" "$bin" flow "$@" --per-decade 0 \
    > "$tmp/out" 2> "$tmp/err"
  rc=$?
  set -e
  read -r wall kb < <(tail -1 "$tmp/time")
  summary=$(grep -E '^mpbias: [0-9]+ rows' "$tmp/err" || true)
  if [ "$rc" -eq 0 ] && [ -n "$summary" ]; then
    steps=$(sed -E 's/.*, ([0-9]+) steps.*/\1/' <<<"$summary")
    rhs=$(sed -E 's/.* ([0-9]+) right-hand sides.*/\1/' <<<"$summary")
    est=$(sed -E 's/.*largest estimated error ([^)]*)\).*/\1/' <<<"$summary")
    status=ok
    echo "$wall" > "$tmp/wall_$label"
    case $label in D=*) echo $((kb / 1024)) >> "$tmp/mem_transition" ;; esac
  else
    steps=-; rhs=-; est=-
    if [ "$rc" -eq 124 ]; then status="not reached in ${lim} s"; else status="failed (exit $rc)"; fi
  fi
  printf '| %s | %s | %d | %s | %s | %s | %s |\n' "$label" "$wall" $((kb / 1024)) \
    "$steps" "$rhs" "$est" "$status" >> "$tmp/table"
  echo "$label: $status, ${wall}s" >&2
}

for D in 2 3; do
  for i in "${!losses[@]}"; do
    run_case "D=$D, eps=${names[$i]}" "$limit" --example transition --depth "$D" \
      --until-loss "${losses[$i]}" --digits "$digits"
  done
done

{
  echo
  echo "Larger problem: \`mpbias flow --example sparse-teacher:n=100,d=1000,seed=1 --until-loss 1e-100 --prec 128\`"
  echo "(16 digits, the default; 128 bits for the checking run, 160 for the reported one)."
  echo
  echo "| case | wall s | peak MiB | steps | rhs evals | max est. error | status |"
  echo "|------|-------:|---------:|------:|----------:|---------------:|--------|"
} >> "$tmp/table"
run_case "N=100, d=1000, eps=1e-100" $((4 * limit)) --example "sparse-teacher:n=100,d=1000,seed=1" \
  --until-loss 1e-100 --prec 128

# the goals of the trajectory issue, judged on this run
wall_of() { cat "$tmp/wall_$1" 2>/dev/null || echo -; }
{
  echo
  echo "Goals (trajectory issue), judged on this run:"
  echo
  for D in 2 3; do
    w100=$(wall_of "D=$D, eps=1e-100")
    w6=$(wall_of "D=$D, eps=10^(-10^6)")
    w30=$(wall_of "D=$D, eps=10^(-10^30)")
    if [ "$w100" != - ] && [ "$w6" != - ]; then
      r6=$(awk -v a="$w6" -v b="$w100" 'BEGIN { printf "%.2f", a / b }')
      verdict=$(awk -v r="$r6" 'BEGIN { print (r <= 3 ? "met" : "not met") }')
      echo "- D = $D: 10^(-10^6) costs ${r6}x the time of 1e-100 (goal: at most 3x): $verdict."
    else
      echo "- D = $D: 10^(-10^6) versus 1e-100: not measured (a case did not finish)."
    fi
    if [ "$w100" != - ] && [ "$w30" != - ]; then
      r30=$(awk -v a="$w30" -v b="$w100" 'BEGIN { printf "%.2f", a / b }')
      echo "- D = $D: 10^(-10^30) costs ${r30}x the time of 1e-100; log(log(1/eps)) grows 12.9x"
      echo "  (goal: cost no faster than linear in log(log(1/eps))): $(awk -v r="$r30" 'BEGIN { print (r <= 12.9 ? "met" : "not met") }')."
    fi
    if [ "$w100" != - ]; then
      echo "- D = $D: 1e-100 at $digits digits in ${w100} s, both runs (goal: well under a second):" \
        "$(awk -v w="$w100" 'BEGIN { print (w < 1 ? "met" : "not met") }')."
    fi
  done
  if [ -s "$tmp/mem_transition" ]; then
    echo "- Memory: peak resident size $(sort -n "$tmp/mem_transition" | head -1) to" \
      "$(sort -n "$tmp/mem_transition" | tail -1) MiB over the finished transition cases," \
      "whatever the target loss (goal: bounded by the problem size, not the trajectory length)."
  fi
} >> "$tmp/table"
engine_section
cat "$tmp/engine_md" >> "$tmp/table"
cp "$tmp/table" "$out"
echo "wrote $out" >&2
