#!/usr/bin/env bash
# examples/phase-diagram.sh -- the phase diagram of the built-in
# "transition" example, depth 2: 13 scales alpha from 0.01 to 100, each
# trajectory sampled at log10(1/eps) = 1, 3, 10, 30, ..., 10000, coloured by
# the distance of w/margin to the rich (l1) limit, with the boundary
# gamma = alpha^2 between the kernel and the rich regimes, and the loss at
# which each trajectory comes within 0.01 of the l1 predictor (mpbias
# threshold).
#
#     examples/phase-diagram.sh [MPBIAS] [OUTDIR]
#
# MPBIAS: the mpbias program (default ./mpbias: run from the build
# directory); OUTDIR (default phase-diagram): results.csv, thresholds.csv,
# run.json, phase-1-D2.png and distances-1-D2.png (needs gnuplot).  Rerunning the same command after an
# interruption continues where it stopped.  doc/sweep.md shows the picture.
set -euo pipefail
bin=${1:-./mpbias}
out=${2:-phase-diagram}
"$bin" sweep --example transition --depths 2 --alpha-range 0.01:100:13 \
    --until-loss 1e-10000 --per-decade 2 --threshold-within 0.01 --plot --out "$out"
echo "phase-diagram: $out/results.csv and $out/phase-1-D2.png" >&2
