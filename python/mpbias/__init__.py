"""mpbias from Python: the reference trajectories of deep diagonal linear
classifiers, their limits, and the check of other implementations.

A thin, pure-Python wrapper around the ``mpbias`` program (no compiled
extension): every function runs the command-line tool with ``--format json``
and returns its result with NumPy arrays.  Numbers come back as float64
arrays for convenience *and* as the exact decimal strings the tool printed
(``.text``), since a float64 cannot hold the digits the tool certifies.

The program is found through the environment variable ``MPBIAS`` (a path),
then next to this package's installation (``bindir`` recorded by ``make
install``), then on ``PATH``.

Data are given either as ``example="transition"`` (a built-in dataset), as
``data="file.csv"`` (LIBSVM or CSV), or as arrays ``X`` (N x d) and ``y``
(labels +1/-1): arrays are written to a temporary CSV with ``repr`` of each
float, which the tool reads exactly.

    >>> import mpbias
    >>> tr = mpbias.flow(example="transition", until_loss="1e-100", digits=20)
    >>> tr.wbar[-1]                 # float64 view of the certified digits
    >>> tr.text["wbar"][-1]         # the digits themselves
    >>> verdict = mpbias.check(candidate={"step": steps, "w": W},
    ...                        example="transition", step=0.01)
    >>> verdict["agree"], verdict["diagnoses"]
"""

import csv
import json
import os
import shutil
import subprocess
import tempfile

import numpy as np

__all__ = ["flow", "gd", "limits", "check", "MpbiasError", "Trajectory", "program"]

try:  # written by `make install`
    from ._config import BINDIR as _BINDIR
except ImportError:  # pragma: no cover - running from the source tree
    _BINDIR = None


class MpbiasError(RuntimeError):
    """The tool refused or failed; ``message`` is its explanation and
    ``status`` its exit status (1 failure, 2 usage error)."""

    def __init__(self, message, status):
        super().__init__(message)
        self.message = message
        self.status = status


def program():
    """Path of the mpbias program in use."""
    p = os.environ.get("MPBIAS")
    if p:
        return p
    if _BINDIR:
        cand = os.path.join(_BINDIR, "mpbias")
        if os.access(cand, os.X_OK):
            return cand
    p = shutil.which("mpbias")
    if p is None:
        raise MpbiasError("the mpbias program was not found: set MPBIAS to its path, "
                          "or put it on PATH", 1)
    return p


def _num(x):
    """A number as the tool's decimal syntax (exact for floats and ints)."""
    if isinstance(x, str):
        return x
    if isinstance(x, (int, np.integer)):
        return str(int(x))
    return repr(float(x))


class _Data:
    """Command-line arguments for the data, with a temporary file for arrays."""

    def __init__(self, X=None, y=None, data=None, example=None):
        given = [X is not None, data is not None, example is not None]
        if sum(given) != 1:
            raise ValueError("give exactly one of X (with y), data=FILE, example=NAME")
        self.tmpdir = None
        if example is not None:
            self.args = ["--example", example]
        elif data is not None:
            self.args = ["--data", os.fspath(data)]
        else:
            X = np.asarray(X, dtype=float)
            y = np.asarray(y)
            if X.ndim != 2 or y.shape != (X.shape[0],):
                raise ValueError("X must be N x d and y of length N")
            self.tmpdir = tempfile.mkdtemp(prefix="mpbias-")
            path = os.path.join(self.tmpdir, "data.csv")
            with open(path, "w", newline="") as f:
                w = csv.writer(f)
                w.writerow(["y"] + ["x%d" % (i + 1) for i in range(X.shape[1])])
                for xi, yi in zip(X, y):
                    w.writerow([_num(int(yi))] + [_num(v) for v in xi])
            self.args = ["--data", path]

    def close(self):
        if self.tmpdir is not None:
            shutil.rmtree(self.tmpdir, ignore_errors=True)
            self.tmpdir = None


def _model_args(depth, alpha, loss, mean, shape_a=None, shape_b=None):
    a = ["--depth", str(int(depth)), "--alpha", _num(alpha), "--loss", loss]
    if mean:
        a.append("--loss-mean")
    if (shape_a is None) != (shape_b is None):
        raise ValueError("give shape_a and shape_b together")
    if shape_a is not None:
        a += ["--shape-a", ",".join(_num(v) for v in shape_a),
              "--shape-b", ",".join(_num(v) for v in shape_b)]
    return a


def _run(args, ok=(0,)):
    cmd = [program()] + args
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode not in ok:
        msg = p.stderr.strip() or "mpbias exited with status %d" % p.returncode
        raise MpbiasError(msg, p.returncode)
    return p


def _f(v):
    """A JSON number string (or null: not defined, e.g. wbar at margin 0)."""
    return float("nan") if v is None else float(v)


class Trajectory:
    """Rows of a flow or gd run.  Attributes (float64 arrays, one entry per
    row): log10_t, log10_loss, margin, mu, err_est; wbar (rows x d) and
    nu (rows x N); kind (list of str); step (gd only); text: the same as
    the exact decimal strings; stats: the run's statistics; complete: False
    when the run stopped early (then an MpbiasError was raised instead,
    unless the rows were asked for anyway)."""

    def __init__(self, doc):
        rows = doc["rows"]
        self.doc = doc
        self.kind = [r["kind"] for r in rows]
        self.text = {}
        for key in ("log10_t", "log10_loss", "margin", "mu", "err_est"):
            self.text[key] = [r[key] for r in rows]
            setattr(self, key, np.array([_f(v) for v in self.text[key]]))
        for key in ("wbar", "nu"):
            self.text[key] = [r[key] for r in rows]
            setattr(self, key, np.array([[_f(v) for v in r[key]] for r in rows]))
        if rows and "step" in rows[0]:
            self.step = np.array([int(r["step"]) for r in rows])
        self.stats = doc.get("stats", {})
        self.complete = doc.get("complete", True)

    def __len__(self):
        return len(self.kind)

    def __repr__(self):
        return "<mpbias.Trajectory: %d rows, last log10(loss) %s>" % (
            len(self), self.text["log10_loss"][-1] if len(self) else "-")


def flow(X=None, y=None, *, data=None, example=None, depth=2, alpha=1, loss="exp", mean=False,
         shape_a=None, shape_b=None, until_loss=None, until_margin=None, until_time=None,
         at_loss=(), at_time=(), per_decade=1, digits=16, prec=None):
    """Gradient flow from initialization to a loss, margin or time (default
    loss 1e-100), certified to `digits`.  Losses and times are decimal
    strings or numbers ("1e-1000000" is fine as a string)."""
    d = _Data(X, y, data, example)
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
              "--format", "json", "-q"]
        if prec is not None:
            a += ["--prec", str(int(prec))]
        return Trajectory(json.loads(_run(a).stdout))
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


def gd(X=None, y=None, *, data=None, example=None, depth=2, alpha=1, loss="exp", mean=False,
       shape_a=None, shape_b=None, step=None, schedule=None, normalized=False, steps=1000,
       until_loss=None, every=None, digits=16, prec=None):
    """Reference gradient descent in MPFR with a constant step or a
    schedule (step k uses schedule[k], the last from there on); with
    normalized=True step k is eta_k / L."""
    d = _Data(X, y, data, example)
    tmp = tempfile.mkdtemp(prefix="mpbias-")
    try:
        a = ["gd"] + d.args + _model_args(depth, alpha, loss, mean, shape_a, shape_b)
        a += _steps_args(step, schedule, normalized, tmp)
        a += ["--steps", str(int(steps)), "--digits", str(int(digits)), "--format", "json", "-q"]
        if until_loss is not None:
            a += ["--until-loss", _num(until_loss)]
        if every is not None:
            a += ["--every", str(int(every))]
        if prec is not None:
            a += ["--prec", str(int(prec))]
        return Trajectory(json.loads(_run(a).stdout))
    finally:
        d.close()
        shutil.rmtree(tmp, ignore_errors=True)


def limits(X=None, y=None, *, data=None, example=None, extra=()):
    """The exact l2 and l1 max-margin predictors (rationals as strings,
    certified), as the tool's JSON document; `extra` passes more options
    of `mpbias limits` (e.g. ["--mu", "0.5"])."""
    d = _Data(X, y, data, example)
    try:
        return json.loads(_run(["limits"] + d.args + list(extra) + ["--format", "json"]).stdout)
    finally:
        d.close()


def _write_candidate(cand, path):
    """A candidate given as a dict of arrays: 'step' or 't', and 'w' (rows x
    d) or 'up' and 'um'; optionally 'loss', 'log_loss', 'log10_loss',
    'margin' (one value per row)."""
    if isinstance(cand, (str, os.PathLike)):
        return os.fspath(cand)
    axis = "step" if "step" in cand else "t"
    if axis not in cand:
        raise ValueError("the candidate needs 'step' (gradient descent) or 't' (flow times)")
    x = np.asarray(cand[axis])
    cols, names = [x], [axis]
    for key in ("w", "up", "um"):
        if key in cand:
            M = np.atleast_2d(np.asarray(cand[key], dtype=float))
            if M.shape[0] != len(x):
                raise ValueError("'%s' must have one row per %s" % (key, axis))
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
    return path


def check(candidate, X=None, y=None, *, data=None, example=None, depth=2, alpha=1, loss="exp",
          mean=False, shape_a=None, shape_b=None, step=None, schedule=None, normalized=False,
          min_digits=6, digits=20, explain=True, max_prec=None):
    """Judge a trajectory computed elsewhere: `candidate` is a CSV file
    (doc/checking.md) or a dict of arrays ('step' or 't'; 'w' or 'up' and
    'um'; optional loss and margin).  A 'step' candidate needs its step
    sizes (step=, schedule=, normalized=); its reference's precision is
    doubled until it certifies `digits`, up to max_prec bits (None: the
    program's default).  Returns the JSON report as a dict: 'agree',
    'first_bad_row', 'worst', 'verdict', 'diagnoses' (list of {'code',
    'message'}; the codes are those of doc/checking.md, among them
    'underflow' and 'unstable') and 'rows' (digits per row; for gradient
    descent also 'f64_digits' and 'step_sharpness')."""
    d = _Data(X, y, data, example)
    tmp = tempfile.mkdtemp(prefix="mpbias-")
    try:
        path = _write_candidate(candidate, os.path.join(tmp, "candidate.csv"))
        a = ["check"] + d.args + _model_args(depth, alpha, loss, mean, shape_a, shape_b)
        a += ["--candidate", path]
        if step is not None or schedule is not None:
            a += _steps_args(step, schedule, normalized, tmp)
        elif normalized:
            raise ValueError("normalized=True goes with step= or schedule=")
        a += ["--min-digits", _num(min_digits), "--digits", str(int(digits)), "--format", "json",
              "-q"]
        if not explain:
            a.append("--no-explain")
        if max_prec is not None:
            a += ["--max-prec", str(int(max_prec))]
        return json.loads(_run(a, ok=(0, 3)).stdout)
    finally:
        d.close()
        shutil.rmtree(tmp, ignore_errors=True)
