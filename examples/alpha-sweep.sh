#!/usr/bin/env bash
# examples/alpha-sweep.sh -- the paper's story on one dataset: how the
# initialization scale alpha decides the training loss at which the rich
# (l1) limit is reached.  For the built-in "transition" example, depth 2, and
# alpha from 0.01 to 100, it finds with `mpbias threshold` the loss at which
# w/margin comes within DELTA = 0.05 and 0.01 (sup norm) of the l1 max-margin
# predictor and stays there, and draws the regime plots of three scales.
#
#     examples/alpha-sweep.sh [MPBIAS] [OUTDIR]
#
# MPBIAS: the mpbias program (default ./mpbias, i.e. run from the build
# directory); OUTDIR (default alpha-sweep): where thresholds.csv,
# thresholds.png and regime-alpha-*.png go.  Needs gnuplot for the figures.
# doc/paper-story.md shows and explains what it produces.
set -euo pipefail
bin=${1:-./mpbias}
out=${2:-alpha-sweep}
alphas="0.01 0.03 0.1 0.3 1 3 10 30 100"
deltas="0.05 0.01"
horizon=1e-100000000
mkdir -p "$out"

csv=$out/thresholds.csv
echo "alpha,delta,reached,at_first_checkpoint,log10_loss,log10_t" > "$csv"
for a in $alphas; do
    for delta in $deltas; do
        set +e
        json=$("$bin" threshold --example transition --alpha "$a" --target l1 --within "$delta" \
                  --until-loss "$horizon" --digits 6 --format json -q)
        rc=$?
        set -e
        if [ "$rc" -gt 1 ] || [ -z "$json" ]; then
            echo "alpha-sweep: mpbias threshold failed for alpha = $a" >&2
            exit 1
        fi
        field() { printf '%s\n' "$json" | tr ',' '\n' | sed -n "s/^ *\"$1\": *\"\{0,1\}\([^\"]*\)\"\{0,1\} *}\{0,1\}$/\1/p" | head -n 1; }
        reached=$(field reached)
        first=$(field at_first_checkpoint)
        l10=$(field log10_loss)
        l10t=$(field log10_t)
        [ "$reached" = true ] || { l10=nan; l10t=nan; }
        echo "$a,$delta,$reached,$first,$l10,$l10t" >> "$csv"
        echo "alpha = $a, delta = $delta: reached $reached, log10(eps) = $l10" >&2
    done
done

if ! command -v "${MPBIAS_GNUPLOT:-gnuplot}" >/dev/null 2>&1; then
    echo "alpha-sweep: gnuplot not found: $csv written, no figures" >&2
    exit 0
fi
# thresholds against alpha, with the alpha^2 law of the rich transition
# (gamma ~ alpha^2 / mu*^2 at a fixed mu*)
"${MPBIAS_GNUPLOT:-gnuplot}" <<EOF
set terminal png size 900,600
set output '$out/thresholds.png'
set datafile separator ','
set logscale xy
set format y '10^{%L}'
set xlabel 'initialization scale alpha'
set ylabel 'log10(1/eps) at which w/margin is within delta of the l1 predictor'
set title 'transition example, depth 2: the loss at which the rich limit is reached' noenhanced
set key top left box opaque
set grid
plot '$csv' using (\$2 == 0.05 && strcol(3) eq "true" && strcol(4) eq "false" ? \$1 : 1/0):(-\$5) with points pt 7 ps 1.5 title 'delta = 0.05', \
     '$csv' using (\$2 == 0.01 && strcol(3) eq "true" && strcol(4) eq "false" ? \$1 : 1/0):(-\$5) with points pt 5 ps 1.5 title 'delta = 0.01', \
     [1:100] 22.76 * x**2 with lines dt 2 lc rgb 'gray40' title 'slope 2 (loss exponent ~ alpha^2)' noenhanced
EOF
for a in 0.1 1 10; do
    "$bin" regime --example transition --alpha "$a" --until-loss 1e-100000 --per-decade 2 \
        --plot "$out/regime-alpha-$a.png" -q > "$out/regime-alpha-$a.txt"
done
echo "alpha-sweep: wrote $csv, $out/thresholds.png, $out/regime-alpha-{0.1,1,10}.png" >&2
