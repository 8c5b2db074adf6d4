#!/usr/bin/env python3
"""Train a depth-2 diagonal linear network in float64 the way papers do,
and let mpbias judge the trajectory.

    w = u_+^2 - u_-^2, u_+(0) = u_-(0) = alpha = 1, exponential loss summed
    over the samples of the built-in `transition` example (doc/checking.md).

To reach the small training losses that implicit-bias statements are about,
gradient descent is run with loss-normalized steps, eta / L (Nacson et al.,
2019): the margin grows geometrically and the loss passes 1e-300 within a
few thousand steps.  Two float64 implementations of the same update:

  naive   weights exp(-m_n) and L = sum_n exp(-m_n), as written in a paper;
  stable  weights and L by log-sum-exp (m_n - min m inside the exponential).

Each writes its trajectory to a CSV file (step, w_1..w_d, log_loss) and
mpbias checks it against gradient descent computed in MPFR with the same
steps.  With --assert the expected verdicts are checked (the naive loop
right until the margin nears 708 and wrong from there, diagnosed as
underflow; the stable loop right throughout) and the exit status says so.

Usage: numpy_gd.py [--steps N] [--eta ETA] [--outdir DIR] [--assert]
Needs NumPy and the mpbias Python package (python/ in the source tree, or
installed by `make install`), and the mpbias program (MPBIAS=path, or on
PATH).
"""

import argparse
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "python"))
import mpbias  # noqa: E402

# an in-tree build: the program next to examples/
if "MPBIAS" not in os.environ and os.access(os.path.join(HERE, "..", "mpbias"), os.X_OK):
    os.environ["MPBIAS"] = os.path.join(HERE, "..", "mpbias")

# The `transition` example (examples/transition.csv): z_n = y_n x_n.
X = np.array([[2.0, 1.0, 0.5, 0.0], [-2.0, 0.5, -1.0, -1.0]])
Y = np.array([1.0, -1.0])
Z = Y[:, None] * X


def train(eta, steps, every, stable):
    """Normalized GD in float64; rows at steps 0, every, 2 every, ..."""
    up = np.ones(4)
    um = np.ones(4)
    rows = []
    with np.errstate(all="ignore"):   # the naive loop overflows on purpose
        for k in range(steps + 1):
            w = up ** 2 - um ** 2
            m = Z @ w
            if stable:
                mn = m.min()
                e = np.exp(-(m - mn))
                p = e / e.sum()                 # g_n / L
                log_loss = -mn + np.log(e.sum())
            else:
                g = np.exp(-m)
                loss = g.sum()
                p = g / loss
                log_loss = np.log(loss)
            if k % every == 0 or k == steps:
                rows.append((k, w.copy(), log_loss))
            r = Z.T @ p
            up = up + eta * 2 * up * r
            um = um - eta * 2 * um * r
    return rows


def write(rows, path):
    with open(path, "w") as f:
        f.write("step,w_1,w_2,w_3,w_4,log_loss\n")
        for k, w, ll in rows:
            f.write("%d,%s,%r\n" % (k, ",".join(repr(float(v)) for v in w), float(ll)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--steps", type=int, default=8000)
    ap.add_argument("--eta", type=float, default=1e-4)
    ap.add_argument("--every", type=int, default=250)
    ap.add_argument("--outdir", default=".")
    ap.add_argument("--assert", dest="check", action="store_true",
                    help="check the expected verdicts; exit 1 if they do not hold")
    a = ap.parse_args()
    ok = True
    for name, stable in (("naive", False), ("stable", True)):
        rows = train(a.eta, a.steps, a.every, stable)
        path = os.path.join(a.outdir, "candidate-%s.csv" % name)
        write(rows, path)
        rep = mpbias.check(path, example="transition", step=a.eta, normalized=True)
        print("== float64, %s: %s" % (name, path))
        print("   mpbias check --example transition --candidate %s --step %r --normalized"
              % (path, a.eta))
        print("   " + rep["verdict"])
        for d in rep["diagnoses"]:
            print("   diagnosis [%s]: %s" % (d["code"], d["message"]))
        last = rep["rows"][-1]
        print("   last row: step %d, margin %.6g, log10(loss) %.6g"
              % (last["step"], last["ref_margin"], last["ref_log10_loss"]))
        if a.check:
            if stable:
                good = rep["agree"] and rep["worst"]["w"] >= 10 and last["ref_margin"] > 1000
            else:
                codes = [d["code"] for d in rep["diagnoses"]]
                bad = rep["rows"][rep["first_bad_row"] - 1] if rep["first_bad_row"] else None
                right_before = all(r["digits_w"] >= 10 for r in rep["rows"]
                                   if r["ref_margin"] < 700)
                good = (not rep["agree"] and "underflow" in codes and bad is not None
                        and bad["ref_margin"] > 700 and right_before)
            print("   expected verdict: %s" % ("yes" if good else "NO"))
            ok = ok and good
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
