"""mpbias from Python: the reference trajectories of deep diagonal linear
classifiers, their limits, the regime they are in, and the check of other
implementations.

A pure-Python wrapper around the ``mpbias`` program (no compiled
extension): every function runs the command-line tool and returns its
result as an object with named columns (``mpbias.Table``): ``.columns``,
``t["margin"]`` (float64), ``.to_numpy()``, ``.to_records()``,
``.to_pandas()`` (with pandas), and the exact values the tool printed as
``.text``, ``.fractions(name)`` (fractions.Fraction) and
``.mpmath(name)`` (with mpmath), since a float64 cannot hold the digits the
tool certifies.

    flow, gd        trajectories (mpbias.Trajectory)
    regime          the trajectory side by side with its limits (Table)
    threshold       the loss at which w/margin comes within a distance of a
                    limit and stays (mpbias.Threshold)
    sweep           a grid of datasets, depths and scales (mpbias.Sweep)
    limits          the exact l2 and l1 max-margin predictors (mpbias.Limits)
    check           the verdict on a trajectory computed elsewhere
                    (mpbias.CheckReport)

The program is found through the environment variable ``MPBIAS`` (a path),
then where ``make install`` put it (recorded in ``mpbias/_config.py``), then
on ``PATH``: see ``program()``.

Data are given as ``example="transition"`` (a built-in dataset), as
``data="file.csv"`` (LIBSVM or CSV), or as arrays ``X`` (N x d, finite) and
``y`` (labels +1/-1; other labels through ``labels=``, e.g. ``labels={0: -1,
1: 1}`` or ``labels={"spam": 1, "ham": -1}``).  Arrays are written to a
temporary CSV with ``repr`` of each float, which the tool reads exactly;
errors name the arrays, not that file.

Runs of flow, regime and sweep take ``progress=``: a callable receiving
``mpbias.Progress`` records, ``"tqdm"`` (a tqdm bar), or True (tqdm when
installed, else the program's own line).

    >>> import mpbias
    >>> tr = mpbias.flow(example="transition", until_loss="1e-100", digits=20)
    >>> tr.wbar[-1]                 # float64 view of the certified digits
    >>> tr.text["wbar"][-1]         # the digits themselves
    >>> r = mpbias.regime(X, y, alpha=0.1, until_loss="1e-50", digits=8)
    >>> r["d_rich"], r["regime"]
    >>> verdict = mpbias.check(candidate={"step": steps, "w": W},
    ...                        example="transition", step=0.01)
    >>> verdict["agree"], verdict["diagnoses"]
"""

import csv
import json
import numbers
import os
import shutil
import tempfile
import warnings

import numpy as np

from ._results import Table, _TableView, to_float, to_fraction
from ._progress import Progress, log10_of, make_callback
from ._progress import run as _run_program

__version__ = "0.1.0"

__all__ = ["flow", "gd", "regime", "threshold", "sweep", "limits", "check", "program",
           "MpbiasError", "Trajectory", "Table", "Threshold", "Sweep", "Limits",
           "CheckReport", "Progress"]

try:  # written by `make install`
    from ._config import BINDIR as _BINDIR
except ImportError:  # pragma: no cover - running from the source tree or a pip install
    _BINDIR = None


class MpbiasError(RuntimeError):
    """The tool refused or failed; ``message`` is its explanation and
    ``status`` its exit status (1 failure, 2 usage error)."""

    def __init__(self, message, status):
        super().__init__(message)
        self.message = message
        self.status = status


def program():
    """Path of the mpbias program in use: $MPBIAS, else the bindir recorded
    by `make install` (mpbias/_config.py) when the program is there, else
    the first mpbias on PATH."""
    p = os.environ.get("MPBIAS")
    if p:
        return p
    if _BINDIR:
        cand = os.path.join(_BINDIR, "mpbias")
        if os.access(cand, os.X_OK):
            return cand
    p = shutil.which("mpbias")
    if p is None:
        raise MpbiasError("the mpbias program was not found: set the environment variable "
                          "MPBIAS to its path, or put it on PATH (it is built by "
                          "./bootstrap.sh and installed by make install)", 1)
    return p


def _num(x):
    """A number as the tool's decimal syntax (exact for floats and ints)."""
    if isinstance(x, str):
        return x
    if isinstance(x, (bool, np.bool_)):
        raise TypeError("a number was expected, not %r" % (x,))
    if isinstance(x, (int, np.integer)):
        return str(int(x))
    return repr(float(x))


# ---------------------------------------------------------------------------
# labels and data

def _labels(y, labels, name="y"):
    """y as an int array of +1/-1, validated; `labels` maps other values."""
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError("%s must be one-dimensional (one label per row of X), not of shape %s"
                         % (name, y.shape))
    if labels is not None:
        if not isinstance(labels, dict):
            try:
                neg, pos = labels
            except (TypeError, ValueError):
                raise ValueError("labels must be a dict {value: +1 or -1} or a pair "
                                 "(negative, positive), not %r" % (labels,))
            labels = {neg: -1, pos: 1}
        for k, v in labels.items():
            if v not in (1, -1) or isinstance(v, (bool, np.bool_)):
                raise ValueError("labels maps %r to %r: each value must go to +1 or -1"
                                 % (k, v))
        out = np.empty(len(y), dtype=np.int64)
        for i, v in enumerate(y.tolist()):
            try:
                out[i] = labels[v]
            except (KeyError, TypeError):
                raise ValueError("%s[%d] = %r is not a key of labels (%s)" % (
                    name, i, v, ", ".join(repr(k) for k in labels)))
        return out
    vals = y.tolist()
    bad = [i for i, v in enumerate(vals)
           if isinstance(v, bool) or not isinstance(v, numbers.Real) or v not in (1, -1)]
    if not bad:
        return np.array([int(v) for v in vals], dtype=np.int64)
    i = bad[0]
    distinct = []
    for v in vals:
        if v not in distinct:
            distinct.append(v)
            if len(distinct) > 5:
                break
    msg = "%s[%d] = %r: labels must be +1 or -1" % (name, i, vals[i])
    if len(distinct) == 2:
        a, b = sorted(distinct, key=repr) if not all(
            isinstance(v, numbers.Real) for v in distinct) else sorted(distinct)
        msg += ("; %s has the two values %r and %r: say which is positive, e.g. "
                "labels={%r: -1, %r: 1} (or labels=(%r, %r): negative, positive)"
                % (name, a, b, a, b, a, b))
    elif len(distinct) > 2 or len(set(vals)) > 2:
        msg += "; %s has more than two distinct values (a binary classifier needs two)" % name
    else:
        msg += "; give labels={value: +1 or -1, ...} to map other values"
    raise ValueError(msg)


def _matrix(X, name="X"):
    try:
        X = np.asarray(X, dtype=float)
    except (TypeError, ValueError) as e:
        raise ValueError("%s must be a numeric N x d array (%s)" % (name, e))
    if X.ndim != 2:
        raise ValueError("%s must be N x d (two-dimensional), not of shape %s" % (name, X.shape))
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError("%s is empty (shape %s)" % (name, X.shape))
    bad = np.argwhere(~np.isfinite(X))
    if len(bad):
        i, j = bad[0]
        raise ValueError("%s[%d, %d] = %r: the features must be finite" % (name, i, j, X[i, j]))
    return X


class _Data:
    """Command-line arguments for the data, with a temporary file for arrays.
    ``names`` maps the temporary file to the caller's arguments, for error
    messages."""

    def __init__(self, X=None, y=None, data=None, example=None, labels=None, many=False):
        self.tmpdir = None
        self.args = []
        self.names = {}
        if many:
            Xs = [] if X is None else (list(X) if isinstance(X, (list, tuple)) else [X])
            ys = [] if y is None else (list(y) if isinstance(y, (list, tuple))
                                       and isinstance(X, (list, tuple)) else [y])
            files = [] if data is None else ([data] if isinstance(data, (str, os.PathLike))
                                             else list(data))
            exs = [] if example is None else ([example] if isinstance(example, str)
                                              else list(example))
            if len(Xs) != len(ys):
                raise ValueError("give one y per X (%d X, %d y)" % (len(Xs), len(ys)))
            if not (Xs or files or exs):
                raise ValueError("give X (with y), data=FILE(S) or example=NAME(S)")
            for k, (Xk, yk) in enumerate(zip(Xs, ys)):
                suffix = "[%d]" % k if len(Xs) > 1 else ""
                self._arrays(Xk, yk, labels, "X" + suffix, "y" + suffix)
            for f in files:
                self.args += ["--data", os.fspath(f)]
            for e in exs:
                self.args += ["--example", e]
            return
        given = [X is not None, data is not None, example is not None]
        if sum(given) != 1:
            raise ValueError("give exactly one of X (with y), data=FILE, example=NAME")
        if y is not None and X is None:
            raise ValueError("y goes with X")
        if example is not None:
            self.args = ["--example", example]
        elif data is not None:
            self.args = ["--data", os.fspath(data)]
        else:
            if y is None:
                raise ValueError("X needs its labels y")
            self._arrays(X, y, labels, "X", "y")

    def _arrays(self, X, y, labels, xname, yname):
        X = _matrix(X, xname)
        if y is None:
            raise ValueError("%s needs its labels %s" % (xname, yname))
        y = _labels(y, labels, yname)
        if len(y) != X.shape[0]:
            raise ValueError("%s has %d labels for the %d rows of %s"
                             % (yname, len(y), X.shape[0], xname))
        if self.tmpdir is None:
            self.tmpdir = tempfile.mkdtemp(prefix="mpbias-")
        path = os.path.join(self.tmpdir, "data%d.csv" % len(self.names))
        with open(path, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["y"] + ["x%d" % (i + 1) for i in range(X.shape[1])])
            for xi, yi in zip(X, y):
                w.writerow([str(int(yi))] + [_num(v) for v in xi])
        self.names[path] = "the arrays %s, %s" % (xname, yname)
        self.args += ["--data", path]

    def close(self):
        if self.tmpdir is not None:
            shutil.rmtree(self.tmpdir, ignore_errors=True)
            self.tmpdir = None


def _model_args(depth, alpha, loss, mean, shape_a=None, shape_b=None):
    a = ["--depth", str(int(depth)), "--alpha", _num(alpha)]
    if loss is not None:
        a += ["--loss", loss]
    if mean:
        a.append("--loss-mean")
    if (shape_a is None) != (shape_b is None):
        raise ValueError("give shape_a and shape_b together")
    if shape_a is not None:
        a += ["--shape-a", ",".join(_num(v) for v in shape_a),
              "--shape-b", ",".join(_num(v) for v in shape_b)]
    return a


def _rename(text, names):
    """The tool's message with temporary paths replaced by what they hold."""
    for path, what in names.items():
        text = text.replace("'%s'" % path, what).replace(path, what)
    return text


def _run(args, ok=(0,), data=None, progress=None, target=None, desc="mpbias"):
    """Run the program; (stdout, stderr log); MpbiasError on another exit
    status (with the data's temporary paths renamed)."""
    names = data.names if data is not None else {}
    cb, close = make_callback(progress, desc)
    try:
        rc, out, err = _run_program([program()] + args, cb,
                                    log10_of(target) if target is not None else None)
    finally:
        if close is not None:
            close()
    err = _rename(err, names)
    if rc not in ok:
        msg = err.strip() or "mpbias exited with status %d" % rc
        raise MpbiasError(msg, rc)
    for line in err.splitlines():
        if "warning" in line:
            warnings.warn(line, RuntimeWarning, stacklevel=3)
    return out, err


# ---------------------------------------------------------------------------
# flow and gd

class Trajectory(Table):
    """Rows of a flow or gd run, a Table with the columns kind, (step), log10_t,
    log10_loss, margin, mu, err_est, wbar_1..wbar_d, nu_1..nu_N.  Also as
    attributes (float64 arrays, one entry per row): log10_t, log10_loss,
    margin, mu, err_est; wbar (rows x d) and nu (rows x N); kind (list of
    str); step (gd only); text: the exact decimal strings ("wbar" and "nu":
    one list per row); stats: the run's statistics; doc: the JSON document;
    log: the program's summary on standard error."""

    _SCALARS = ("log10_t", "log10_loss", "margin", "mu", "err_est")

    def __init__(self, doc, log=""):
        rows = doc["rows"]
        self.doc = doc
        d = len(rows[0]["wbar"]) if rows else doc.get("data", {}).get("d", 0)
        n = len(rows[0]["nu"]) if rows else doc.get("data", {}).get("n", 0)
        has_step = bool(rows) and "step" in rows[0]
        cols = ["kind"] + (["step"] if has_step else []) + list(self._SCALARS)
        cols += ["wbar_%d" % (i + 1) for i in range(d)] + ["nu_%d" % (i + 1) for i in range(n)]
        table = []
        for r in rows:
            row = [r["kind"]] + ([r["step"]] if has_step else [])
            row += [r[k] for k in self._SCALARS] + list(r["wbar"]) + list(r["nu"])
            table.append(row)
        kinds = {"kind": "str", "step": "int"}
        kinds.update({c: "float" for c in cols if c not in kinds})
        Table.__init__(self, cols, table, kinds, log)
        self.kind = [r["kind"] for r in rows]
        for key in self._SCALARS:
            setattr(self, key, self.column(key))
        for key in ("wbar", "nu"):
            self.text[key] = [r[key] for r in rows]
            setattr(self, key, np.array([[to_float(v) for v in r[key]] for r in rows]))
        if has_step:
            self.step = self.column("step")
        self.stats = doc.get("stats", {})
        self.complete = doc.get("complete", True)

    def __repr__(self):
        return "<mpbias.Trajectory: %d rows, last log10(loss) %s>" % (
            len(self), self.text["log10_loss"][-1] if len(self) else "-")


def flow(X=None, y=None, *, data=None, example=None, labels=None, depth=2, alpha=1, loss="exp",
         mean=False, shape_a=None, shape_b=None, until_loss=None, until_margin=None,
         until_time=None, at_loss=(), at_time=(), per_decade=1, digits=16, prec=None,
         progress=None):
    """Gradient flow from initialization to a loss, margin or time (default
    loss 1e-100), certified to `digits`; `prec` the working precision in
    bits (default automatic).  Losses and times are decimal strings or
    numbers ("1e-1000000" is fine as a string).  A Trajectory."""
    d = _Data(X, y, data, example, labels)
    try:
        a = ["flow"] + d.args + _model_args(depth, alpha, loss, mean, shape_a, shape_b)
        for opt, v in (("--until-loss", until_loss), ("--until-margin", until_margin),
                       ("--until-time", until_time)):
            if v is not None:
                a += [opt, _num(v)]
        for v in at_loss:
            a += ["--at-loss", _num(v)]
        for v in at_time:
            a += ["--at-time", _num(v)]
        a += ["--per-decade", str(int(per_decade)), "--digits", str(int(digits)),
              "--format", "json"]
        if prec is not None:
            a += ["--prec", str(int(prec))]
        target = until_loss if until_loss is not None else (
            "1e-100" if until_margin is None and until_time is None else None)
        out, log = _run(a, data=d, progress=progress, target=target, desc="flow")
        return Trajectory(json.loads(out), log)
    finally:
        d.close()


def _steps_args(step, schedule, normalized, tmpdir):
    if (step is None) == (schedule is None):
        raise ValueError("give step=ETA or schedule=[...] (one of the two)")
    if step is not None:
        a = ["--step", _num(step)]
    else:
        path = os.path.join(tmpdir, "schedule.txt")
        with open(path, "w") as f:
            f.write("\n".join(_num(v) for v in schedule) + "\n")
        a = ["--schedule", "@" + path]
    if normalized:
        a.append("--normalized")
    return a


def gd(X=None, y=None, *, data=None, example=None, labels=None, depth=2, alpha=1, loss="exp",
       mean=False, shape_a=None, shape_b=None, step=None, schedule=None, normalized=False,
       steps=1000, until_loss=None, every=None, digits=16, prec=None):
    """Reference gradient descent in MPFR with a constant step or a
    schedule (step k uses schedule[k], the last from there on); with
    normalized=True step k is eta_k / L.  A Trajectory (with a 'step'
    column)."""
    d = _Data(X, y, data, example, labels)
    tmp = tempfile.mkdtemp(prefix="mpbias-")
    try:
        a = ["gd"] + d.args + _model_args(depth, alpha, loss, mean, shape_a, shape_b)
        a += _steps_args(step, schedule, normalized, tmp)
        a += ["--steps", str(int(steps)), "--digits", str(int(digits)), "--format", "json"]
        if until_loss is not None:
            a += ["--until-loss", _num(until_loss)]
        if every is not None:
            a += ["--every", str(int(every))]
        if prec is not None:
            a += ["--prec", str(int(prec))]
        out, log = _run(a, data=d)
        return Trajectory(json.loads(out), log)
    finally:
        d.close()
        shutil.rmtree(tmp, ignore_errors=True)


# ---------------------------------------------------------------------------
# regime, threshold, sweep

def _csv_table(text, kinds=None, log="", cls=Table):
    rows = list(csv.reader(text.splitlines()))
    if not rows:
        raise MpbiasError("the program printed no table", 1)
    return cls(rows[0], rows[1:], kinds, log)


_REGIME_KINDS = {"regime": "str", "nearest": "str"}


def regime(X=None, y=None, *, data=None, example=None, labels=None, depth=2, alpha=1,
           until_loss=None, per_decade=None, digits=None, prec=None, extrapolate_from=None,
           support_tol=None, plot=None, plot_wbar=None, progress=None):
    """`mpbias regime`: gradient flow (certified to `digits`, default 12,
    at `prec` bits, default automatic) at the losses log10(1/eps) = 1, 2, 5,
    10, ... up to `until_loss` (default 1e-1000), side by side with its
    limits.  A Table with the columns of `mpbias regime --format csv`:
    log10_loss, log10_t, margin, log10_muD, kappa, rho; l2_, rich_ and qmu_
    sup, l2 and angle (the distances of w/margin to the l2 predictor, the
    rich limit and the intermediate predictor); floor, stationarity,
    slackness, rate, rate_predicted, extrap_err; regime and nearest (text);
    d_target (the distance to the rich limit, or l2 at depth 1) and wbar_1 ..
    wbar_d (w/margin itself).  A distance below its resolution (the floor) reads as nan in the float
    views and keeps its text.  `plot`, `plot_wbar`: also draw the figures
    of --plot and --plot-wbar into these files (needs gnuplot)."""
    d = _Data(X, y, data, example, labels)
    try:
        a = ["regime"] + d.args + ["--depth", str(int(depth)), "--alpha", _num(alpha)]
        if until_loss is not None:
            a += ["--until-loss", _num(until_loss)]
        if per_decade is not None:
            a += ["--per-decade", str(int(per_decade))]
        if digits is not None:
            a += ["--digits", str(int(digits))]
        if prec is not None:
            a += ["--prec", str(int(prec))]
        if extrapolate_from is not None:
            a += ["--extrapolate-from", _num(extrapolate_from)]
        if support_tol is not None:
            a += ["--support-tol", _num(support_tol)]
        if plot is not None:
            a += ["--plot", os.fspath(plot)]
        if plot_wbar is not None:
            a += ["--plot-wbar", os.fspath(plot_wbar)]
        a += ["--format", "csv"]
        out, log = _run(a, data=d, progress=progress,
                        target=until_loss if until_loss is not None else "1e-1000",
                        desc="regime")
        return _csv_table(out, _REGIME_KINDS, log)
    finally:
        d.close()


class Threshold(dict):
    """The result of threshold(): the JSON document of `mpbias threshold
    --format json` (a dict), its members also as attributes, and as a
    one-row Table (``.table``, ``.columns``, ``.to_numpy()``,
    ``.to_records()``, ``.to_pandas()``, ``.fractions(name)``,
    ``.mpmath(name)``).  ``reached``: whether w/margin comes within the
    distance by the horizon; then ``log10_loss`` (rounded towards smaller
    losses) and ``log10_t``; ``log10_loss_beyond``: a loss not yet within
    it; ``distance_at_horizon``.  float(t.log10_loss) is the number; the
    member is the printed text."""

    def __init__(self, doc, log=""):
        dict.__init__(self, doc)
        self.log = log
        cols, vals = [], []
        for k, v in doc.items():
            if isinstance(v, (dict, list)) or k in ("mpbias", "command"):
                continue
            cols.append(k)
            vals.append(v)
        kinds = {k: "float" for k in cols}
        kinds.update({k: "bool" for k, v in zip(cols, vals) if isinstance(v, bool)})
        kinds.update({k: "str" for k, v in zip(cols, vals)
                      if isinstance(v, str) and to_fraction(v) is None})
        kinds.update({k: "int" for k in ("depth", "flow_runs") if k in cols})
        self.table = Table(cols, [vals], kinds)

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name)

    columns = _TableView.columns
    to_numpy = _TableView.to_numpy
    to_records = _TableView.to_records
    to_pandas = _TableView.to_pandas
    fractions = _TableView.fractions
    mpmath = _TableView.mpmath


def threshold(X=None, y=None, *, data=None, example=None, labels=None, target="l1",
              within=None, norm=None, depth=2, alpha=1, until_loss=None, digits=None):
    """`mpbias threshold`: the training loss at which w/margin comes within
    `within` of the limit `target` ('l2', 'l1', 'rich' or 'qmu'; `norm`
    'inf' or '2') and stays, up to the horizon `until_loss` (default
    1e-1000000), with log10(1/eps) to `digits` significant digits (default
    6).  A Threshold; not reaching it by the horizon is a result
    (reached=False, the distance there), not an error."""
    if within is None:
        raise ValueError("give within=DELTA (the distance)")
    d = _Data(X, y, data, example, labels)
    try:
        a = ["threshold"] + d.args + ["--target", target, "--within", _num(within),
                                      "--depth", str(int(depth)), "--alpha", _num(alpha)]
        if norm is not None:
            a += ["--norm", str(norm)]
        if until_loss is not None:
            a += ["--until-loss", _num(until_loss)]
        if digits is not None:
            a += ["--digits", str(int(digits))]
        a += ["--format", "json"]
        out, log = _run(a, ok=(0, 1), data=d)
        try:
            doc = json.loads(out)
        except ValueError:
            raise MpbiasError(log.strip() or "mpbias threshold failed", 1)
        return Threshold(doc, log)
    finally:
        d.close()


class Sweep(Table):
    """The result of sweep(): results.csv as a Table (dataset, name, depth,
    alpha, log10_loss, log10_t, margin, log10_muD, kappa, d_l2, d_rich,
    d_qmu, floor, stationarity, slackness, regime, nearest, d_target (the
    distance to the rich target), wbar_1 .. wbar_d); ``run``: the
    options (run.json); ``thresholds``: thresholds.csv as a Table (dataset,
    depth, alpha, within, reached, log10_loss) when threshold_within was
    given, else None; ``out``: the output directory when kept."""


_SWEEP_KINDS = {"dataset": "int", "name": "str", "depth": "int", "alpha": "float",
                "regime": "str", "nearest": "str"}


def sweep(X=None, y=None, *, data=None, example=None, labels=None, depths=(2,), alphas=None,
          alpha_range=None, until_loss=None, per_decade=None, digits=None, qmu=False,
          threshold_within=None, jobs=None, out=None, plot=False, progress=None):
    """`mpbias sweep`: gradient flow for every dataset, depth and scale of a
    grid, sampled at log10(1/eps) = 1, 2, 5, ... up to `until_loss`
    (default 1e-1000), certified to `digits` (default 10).  Datasets: X and y
    (or lists of them), data (a file or a list), example (a name or a list),
    numbered in that order.  `alphas`: a list of scales, or `alpha_range`
    (a0, a1, n).  `jobs`: worker processes (default: the processors).  `out`:
    a directory to keep (and to continue an interrupted sweep from); default
    a temporary one.  `plot`: also draw the phase diagrams into `out`
    (needs gnuplot).  A Sweep."""
    d = _Data(X, y, data, example, labels, many=True)
    tmp = None
    try:
        if out is None:
            tmp = tempfile.mkdtemp(prefix="mpbias-sweep-")
            outdir = os.path.join(tmp, "out")
        else:
            outdir = os.fspath(out)
        a = ["sweep"] + d.args + ["--depths", ",".join(str(int(v)) for v in depths)]
        if alphas is not None and alpha_range is not None:
            raise ValueError("give alphas or alpha_range, not both")
        if alphas is not None:
            a += ["--alphas", ",".join(_num(v) for v in alphas)]
        if alpha_range is not None:
            a0, a1, n = alpha_range
            a += ["--alpha-range", "%s:%s:%d" % (_num(a0), _num(a1), int(n))]
        if until_loss is not None:
            a += ["--until-loss", _num(until_loss)]
        if per_decade is not None:
            a += ["--per-decade", str(int(per_decade))]
        if digits is not None:
            a += ["--digits", str(int(digits))]
        if qmu:
            a.append("--qmu")
        if plot:
            if out is None:
                raise ValueError("plot=True draws into the output directory: give out=DIR")
            a.append("--plot")
        if threshold_within is not None:
            a += ["--threshold-within", _num(threshold_within)]
        if jobs is not None:
            a += ["--jobs", str(int(jobs))]
        a += ["--out", outdir]
        _, log = _run(a, data=d, progress=progress, desc="sweep")
        with open(os.path.join(outdir, "results.csv"), newline="") as f:
            res = _csv_table(f.read(), _SWEEP_KINDS, log, Sweep)
        with open(os.path.join(outdir, "run.json")) as f:
            res.run = json.load(f)
        res.thresholds = None
        tpath = os.path.join(outdir, "thresholds.csv")
        if threshold_within is not None and os.path.exists(tpath):
            with open(tpath, newline="") as f:
                res.thresholds = _csv_table(f.read(), {"dataset": "int", "depth": "int",
                                                       "alpha": "float", "within": "float",
                                                       "log10_loss": "float"})
        res.out = None if tmp is not None else outdir
        return res
    finally:
        d.close()
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


# ---------------------------------------------------------------------------
# limits and check

class Limits(dict):
    """The result of limits(): the JSON document of `mpbias limits --format
    json` (a dict: doc["l1"]["w"] are the exact rationals as "p/q"
    strings), and its predictors as a Table with one row per coordinate and
    one column per predictor ('l2', 'l1', and 'qmu', 'l1_weighted', 'kkt'
    when computed): ``.columns``, ``.to_numpy()`` (d x k floats),
    ``.to_records()``, ``.to_pandas()``, ``.fractions(name)`` (the exact
    rationals), ``.mpmath(name)``; ``.w(name)``: a predictor as a float64
    vector; ``.margin(name)``: its margin as a Fraction (decimal)."""

    def __init__(self, doc):
        dict.__init__(self, doc)
        names = [k for k, v in doc.items() if isinstance(v, dict) and isinstance(v.get("w"), list)]
        dim = max([len(doc[k]["w"]) for k in names] + [0])
        names = [k for k in names if len(doc[k]["w"]) == dim]
        rows = [[doc[k]["w"][i] for k in names] for i in range(dim)]
        self.table = Table(names, rows, {k: "float" for k in names})

    def w(self, name):
        return self.table.column(name)

    def margin(self, name):
        return to_fraction(self[name].get("margin"))

    columns = _TableView.columns
    to_numpy = _TableView.to_numpy
    to_records = _TableView.to_records
    to_pandas = _TableView.to_pandas
    fractions = _TableView.fractions
    mpmath = _TableView.mpmath


def limits(X=None, y=None, *, data=None, example=None, labels=None, depth=None, mu=None,
           alpha=None, at_margin=None, at_loss=None, shape_a=None, shape_b=None, kkt=None,
           support_tol=None, digits=None, extra=()):
    """`mpbias limits`: the exact l2 and l1 max-margin predictors (exact
    rationals, certified), and with `mu` (or `alpha` and `at_margin` or
    `at_loss`) the intermediate predictor at that scale to `digits`
    significant digits, with `kkt` (depth >= 3) the KKT point polished from
    a candidate.  `extra` passes more options of `mpbias limits`.  A Limits
    (a dict, as before, with the column interface)."""
    d = _Data(X, y, data, example, labels)
    try:
        a = ["limits"] + d.args
        if depth is not None:
            a += ["--depth", str(int(depth))]
        for opt, v in (("--mu", mu), ("--alpha", alpha), ("--at-margin", at_margin),
                       ("--at-loss", at_loss), ("--support-tol", support_tol)):
            if v is not None:
                a += [opt, _num(v)]
        if (shape_a is None) != (shape_b is None):
            raise ValueError("give shape_a and shape_b together")
        if shape_a is not None:
            a += ["--shape-a", ",".join(_num(v) for v in shape_a),
                  "--shape-b", ",".join(_num(v) for v in shape_b)]
        if kkt is not None:
            a += ["--kkt", ",".join(_num(v) for v in kkt)]
        if digits is not None:
            a += ["--digits", str(int(digits))]
        out, _ = _run(a + list(extra) + ["--format", "json"], data=d)
        return Limits(json.loads(out))
    finally:
        d.close()


class CheckReport(dict):
    """The result of check(): the JSON report (a dict, as before: 'agree',
    'first_bad_row', 'worst', 'verdict', 'diagnoses', 'rows', ...) and its
    rows as a Table (``.table``: row, line, step or t, reached, digits_w,
    digits_loss, digits_margin, ...; ``.columns``, ``.to_numpy()``,
    ``.to_records()``, ``.to_pandas()``)."""

    def __init__(self, doc, log=""):
        dict.__init__(self, doc)
        self.log = log
        rows = doc.get("rows", [])
        cols = []
        for r in rows:
            for k in r:
                if k not in cols:
                    cols.append(k)
        kinds = {k: "float" for k in cols}
        kinds.update({k: "int" for k in ("row", "line", "step") if k in cols})
        kinds.update({k: "bool" for k in ("reached",) if k in cols})
        self.table = Table(cols, [[r.get(k) for k in cols] for r in rows], kinds)

    columns = _TableView.columns
    to_numpy = _TableView.to_numpy
    to_records = _TableView.to_records
    to_pandas = _TableView.to_pandas
    fractions = _TableView.fractions
    mpmath = _TableView.mpmath


def _write_candidate(cand, path):
    """A candidate given as a dict of arrays: 'step' or 't', and 'w' (rows x
    d) or 'up' and 'um'; optionally 'loss', 'log_loss', 'log10_loss',
    'margin' (one value per row)."""
    if isinstance(cand, (str, os.PathLike)):
        return os.fspath(cand), {}
    axis = "step" if "step" in cand else "t"
    if axis not in cand:
        raise ValueError("the candidate needs 'step' (gradient descent) or 't' (flow times)")
    x = np.asarray(cand[axis])
    cols, names = [x], [axis]
    for key in ("w", "up", "um"):
        if key in cand:
            M = np.atleast_2d(np.asarray(cand[key], dtype=float))
            if M.shape[0] != len(x):
                raise ValueError("candidate['%s'] must have one row per %s" % (key, axis))
            for i in range(M.shape[1]):
                cols.append(M[:, i])
                names.append("%s_%d" % (key, i + 1))
    for key in ("loss", "log_loss", "log10_loss", "margin"):
        if key in cand:
            cols.append(np.asarray(cand[key], dtype=float))
            names.append(key)
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(names)
        for r in range(len(x)):
            row = [str(int(x[r])) if axis == "step" else _num(x[r])]
            row += [_num(c[r]) for c in cols[1:]]
            w.writerow(row)
    return path, {path: "the candidate (the dict given)"}


def check(candidate, X=None, y=None, *, data=None, example=None, labels=None, depth=2, alpha=1,
          loss="exp", mean=False, shape_a=None, shape_b=None, step=None, schedule=None,
          normalized=False, min_digits=6, digits=20, explain=True, prec=None, max_prec=None):
    """Judge a trajectory computed elsewhere: `candidate` is a CSV file
    (doc/checking.md) or a dict of arrays ('step' or 't'; 'w' or 'up' and
    'um'; optional loss and margin).  A 'step' candidate needs its step
    sizes (step=, schedule=, normalized=).  The reference starts at `prec`
    bits (default automatic) and, for gradient descent, its precision is
    doubled until it certifies `digits`, up to `max_prec` bits (default
    the program's, 32768; beyond it is an error).  Returns a CheckReport:
    the JSON report as a dict, 'agree', 'first_bad_row', 'worst',
    'verdict', 'diagnoses' (list of {'code', 'message'}; the codes are those
    of doc/checking.md, among them 'underflow' and 'unstable') and 'rows'
    (digits per row; for gradient descent also 'f64_digits' and
    'step_sharpness'), with the rows also as a Table."""
    d = _Data(X, y, data, example, labels)
    tmp = tempfile.mkdtemp(prefix="mpbias-")
    try:
        path, cnames = _write_candidate(candidate, os.path.join(tmp, "candidate.csv"))
        d.names.update(cnames)
        a = ["check"] + d.args + _model_args(depth, alpha, loss, mean, shape_a, shape_b)
        a += ["--candidate", path]
        if step is not None or schedule is not None:
            a += _steps_args(step, schedule, normalized, tmp)
        elif normalized:
            raise ValueError("normalized=True goes with step= or schedule=")
        a += ["--min-digits", _num(min_digits), "--digits", str(int(digits)), "--format", "json"]
        if not explain:
            a.append("--no-explain")
        if prec is not None:
            a += ["--prec", str(int(prec))]
        if max_prec is not None:
            a += ["--max-prec", str(int(max_prec))]
        out, log = _run(a, ok=(0, 3), data=d)
        doc = json.loads(out)
        if isinstance(doc.get("candidate"), str):
            doc["candidate"] = _rename(doc["candidate"], d.names)
        return CheckReport(doc, log)
    finally:
        d.close()
        shutil.rmtree(tmp, ignore_errors=True)
