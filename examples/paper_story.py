# %% [markdown]
# # Initialization scale versus training accuracy, from Python
#
# The story of doc/paper-story.md (Moroshko et al., NeurIPS 2020) in a few
# cells: on separable data, depth-2 diagonal linear networks trained by
# gradient flow end near the l1 (rich) max-margin predictor when the
# initialization scale alpha is small, and near the l2 (kernel) one while
# alpha is large -- until the training loss is so small that
# log(1/eps) >> alpha^2: the limit depends on alpha *and* on the training
# accuracy.  Run it as a script or cell by cell (# %% cells, Jupyter or VS
# Code); it needs NumPy and the mpbias program (MPBIAS=./mpbias from the
# build directory, PYTHONPATH=python when not pip-installed); matplotlib
# is optional.  --assert checks the story's claims; --quick uses a shorter
# horizon.

# %%
import argparse
import sys

import numpy as np

import mpbias

ap = argparse.ArgumentParser(description=__doc__)
ap.add_argument("--assert", dest="check", action="store_true", help="assert the claims")
ap.add_argument("--quick", action="store_true", help="a shorter horizon (1e-30)")
args, _ = ap.parse_known_args()   # (Jupyter passes its own arguments)

# The built-in "transition" example: two samples in R^4 whose l1 and l2
# max-margin predictors differ (the l1 one is sparse).
L = mpbias.limits(example="transition")
w_l1, w_l2 = L.w("l1"), L.w("l2")
print("l1 max-margin predictor:", L["l1"]["w"], " l2:", L["l2"]["w"])
print("exact:", L.fractions("l2"))

# %% [markdown]
# ## Small alpha -> rich (l1-like), large alpha -> kernel (l2-like)
#
# `regime` follows gradient flow (every printed digit certified) and gives
# the sup-norm distance of w/margin to both limits at losses
# eps = 10^-1, 10^-2, 10^-5, ...

# %%
horizon = "1e-30" if args.quick else "1e-100"
runs = {}
for alpha in (0.1, 1, 10):
    r = mpbias.regime(example="transition", alpha=alpha, until_loss=horizon, digits=8,
                      per_decade=1)
    runs[alpha] = r
    print("alpha = %-4g  log10(1/eps) = %-4g d(l1) = %.3g  d(l2) = %.3g  regime %s" % (
        alpha, -r["log10_loss"][-1], r["rich_sup"][-1], r["l2_sup"][-1], r["regime"][-1]))

if args.check:
    small, large = runs[0.1], runs[10]
    # small initialization: nearer the l1 predictor at every loss
    assert np.all(small["rich_sup"] < small["l2_sup"])
    # large initialization: nearer the l2 predictor at every loss up to the horizon
    assert np.all(large["l2_sup"] < large["rich_sup"])
    assert small["regime"][-1] in ("rich", "plateau") and large["regime"][-1] in ("kernel", "intermediate")

# %% [markdown]
# ## The training accuracy decides: the loss at which alpha reaches l1
#
# `threshold` finds the training loss eps at which w/margin comes within
# 0.05 of the l1 predictor and stays; for alpha >= 1, log(1/eps) grows like
# alpha^2 (the paper's mu^2 = alpha^2 / log(1/eps)).

# %%
alphas = [1, 2, 4]
th = [mpbias.threshold(example="transition", alpha=a, target="l1", within=0.05,
                       until_loss="1e-1000", digits=4) for a in alphas]
l10 = np.array([-float(t.log10_loss) for t in th])
for a, v in zip(alphas, l10):
    print("alpha = %g: within 0.05 of l1 from log10(1/eps) = %.4g" % (a, v))
ratios = l10[1:] / l10[:-1]
print("ratios for alpha x 2:", ratios, "(alpha^2 scaling: 4)")
if args.check:
    assert all(t.reached for t in th)
    assert np.all(np.diff(l10) > 0)
    # the ratio tends to 4 as alpha grows (alpha^2 scaling)
    assert 2.5 < ratios[-1] < 5, ratios

# %% [markdown]
# ## The same alpha, more training: from kernel to rich
#
# At alpha = 10 the predictor stays near l2 for log10(1/eps) < 100 and only
# approaches l1 much later; its distance to l1 at two accuracies:

# %%
far = mpbias.regime(example="transition", alpha=10, until_loss="1e-10000", digits=8,
                    per_decade=1)
print("alpha = 10:", ", ".join("log10(1/eps) = %g: d(l1) = %.3g, d(l2) = %.3g" % (-a, b, c)
                               for a, b, c in zip(far["log10_loss"], far["rich_sup"],
                                                  far["l2_sup"])))
if args.check:
    assert far["nearest"][0] == "l2" and far["nearest"][-1] == "l1", far["nearest"]

# %% (optional) the picture
try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    plt = None
    print("(matplotlib is not installed: no figure)", file=sys.stderr)
if plt is not None:
    fig, ax = plt.subplots(figsize=(6, 4))
    for alpha, r in runs.items():
        ax.loglog(-r["log10_loss"], r["rich_sup"], "-o", label="alpha = %g, d(l1)" % alpha)
        ax.loglog(-r["log10_loss"], r["l2_sup"], "--", label="alpha = %g, d(l2)" % alpha)
    ax.set_xlabel("log10(1/eps)")
    ax.set_ylabel("sup distance of w/margin")
    ax.legend(fontsize=7)
    fig.savefig("paper_story.png", dpi=100)
    print("(figure: paper_story.png)")
