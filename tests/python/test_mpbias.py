"""Tests of the Python package (python/mpbias): results against exact
values the tool does not compute through the same path (the one-sample
closed forms, the exact limits, a float64 loop written here), and each
function against the program's own output for the same request."""

import csv
import io
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
from fractions import Fraction

import numpy as np

import mpbias

X = np.array([[2.0, 1.0, 0.5, 0.0], [-2.0, 0.5, -1.0, -1.0]])
Y = np.array([1, -1])


class TestFlow(unittest.TestCase):
    def test_one_sample_margin(self):
        # one sample twice (z = (1, 2, -1/2) with label +1, and -z with
        # label -1): the loss fixes the margin, gamma = log(2/eps)
        tr = mpbias.flow(np.array([[1.0, 2.0, -0.5], [-1.0, -2.0, 0.5]]), np.array([1, -1]),
                         until_loss="1e-50", digits=20)
        self.assertEqual(tr.kind[-1], "stop")
        self.assertAlmostEqual(tr.margin[-1], 50 * math.log(10) + math.log(2), places=10)
        # log(2e50) = 115.82240182…: the text carries the certified digits
        self.assertTrue(tr.text["margin"][-1].startswith("1.158224018"), tr.text["margin"][-1])
        # wbar is feasible with equality: z . wbar = 1
        self.assertAlmostEqual(float(np.dot([1.0, 2.0, -0.5], tr.wbar[-1])), 1.0, places=14)
        self.assertEqual(tr.wbar.shape, (len(tr), 3))

    def test_arrays_and_example_agree(self):
        a = mpbias.flow(X, Y, until_loss=1e-5, digits=14)
        b = mpbias.flow(example="transition", until_loss="1e-5", digits=14)
        self.assertEqual(a.text["wbar"], b.text["wbar"])

    def test_at_time(self):
        tr = mpbias.flow(example="transition", until_loss="1e-3", at_time=[0.5, 2], per_decade=0)
        self.assertEqual(tr.kind, ["at-time", "at-time", "stop"])
        np.testing.assert_allclose(10 ** tr.log10_t[:2], [0.5, 2], rtol=1e-14)

    def test_error(self):
        with self.assertRaises(mpbias.MpbiasError) as cm:
            mpbias.flow(example="transition", until_loss="2")
        self.assertIn("not below the initial loss", cm.exception.message)
        with self.assertRaises(ValueError):
            mpbias.flow(X, Y, example="transition")


class TestLimits(unittest.TestCase):
    def test_exact(self):
        doc = mpbias.limits(example="transition")
        self.assertEqual(doc["l1"]["w"], ["1/2", "0", "0", "0"])
        self.assertEqual(doc["l2"]["w"], ["112/269", "26/269", "38/269", "20/269"])
        self.assertTrue(doc["l2"]["certified"] and doc["l1"]["certified"])


class TestGdAndCheck(unittest.TestCase):
    def double_gd(self, eta, steps, mean=False):
        up = np.ones(4)
        um = np.ones(4)
        Z = Y[:, None] * X
        W = []
        for _ in range(steps + 1):
            W.append(up ** 2 - um ** 2)
            g = np.exp(-(Z @ W[-1]))
            if mean:
                g = g / 2
            r = Z.T @ g
            up, um = up + eta * 2 * up * r, um - eta * 2 * um * r
        return np.array(W)

    def test_gd_matches_float64(self):
        W = self.double_gd(0.01, 20)
        g = mpbias.gd(example="transition", step=0.01, steps=20, every=5, digits=18)
        self.assertEqual(list(g.step), [0, 5, 10, 15, 20])
        w_ref = g.wbar[-1] * g.margin[-1]
        np.testing.assert_allclose(W[-1], w_ref, rtol=1e-13)

    def test_check_verdicts(self):
        steps = np.arange(0, 301, 30)
        W = self.double_gd(0.01, 300)[steps]
        rep = mpbias.check({"step": steps, "w": W}, example="transition", step=0.01)
        self.assertTrue(rep["agree"], rep["verdict"])
        self.assertGreaterEqual(rep["worst"]["w"], 12)
        Wm = self.double_gd(0.01, 300, mean=True)[steps]
        rep = mpbias.check({"step": steps, "w": Wm}, X, Y, step=0.01)
        self.assertFalse(rep["agree"])
        self.assertIn("mean-sum", [d["code"] for d in rep["diagnoses"]])

    def test_check_unstable(self):
        # normalized GD past the edge of stability (doc/checking.md 4.2), a
        # log-sum-exp loop in Python floats: 'unstable', not 'underflow';
        # the reference's precision is raised, and refused past max_prec
        z = [(2.0, 1.0, 0.5, 0.0), (2.0, -0.5, 1.0, 1.0)]
        up, um = [1.0] * 4, [1.0] * 4
        rows = ["step,w_1,w_2,w_3,w_4"]
        for k in range(301):
            w = [up[i] ** 2 - um[i] ** 2 for i in range(4)]
            m = [sum(zn[i] * w[i] for i in range(4)) for zn in z]
            e = [math.exp(-(x - min(m))) for x in m]
            p = [x / sum(e) for x in e]
            if k % 50 == 0:
                rows.append("%d,%s" % (k, ",".join(repr(v) for v in w)))
            r = [z[0][i] * p[0] + z[1][i] * p[1] for i in range(4)]
            up = [up[i] + 0.01 * 2 * up[i] * r[i] for i in range(4)]
            um = [um[i] - 0.01 * 2 * um[i] * r[i] for i in range(4)]
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "c.csv")
            with open(path, "w") as f:
                f.write("\n".join(rows) + "\n")
            rep = mpbias.check(path, example="transition", step=0.01, normalized=True,
                               min_digits=10)
            codes = [d["code"] for d in rep["diagnoses"]]
            self.assertFalse(rep["agree"])
            self.assertIn("unstable", codes)
            self.assertNotIn("underflow", codes)
            self.assertGreaterEqual(rep["reference_prec"], 392)
            with self.assertRaises(mpbias.MpbiasError) as cm:
                mpbias.check(path, example="transition", step=0.01, normalized=True,
                             max_prec=300)
            self.assertIn("--max-prec", str(cm.exception))

    def test_schedule_file(self):
        g1 = mpbias.gd(example="transition", schedule=[0.01, 0.02, 0.03], steps=3, every=1)
        g2 = mpbias.gd(example="transition", step=0.01, steps=1, every=1)
        self.assertEqual(g1.text["margin"][1], g2.text["margin"][1])


def cli(*args, ok=(0,)):
    """The program's standard output for args (as the package would run it)."""
    p = subprocess.run([mpbias.program()] + list(args), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True)
    if p.returncode not in ok:
        raise AssertionError("mpbias %s: status %d: %s" % (" ".join(args), p.returncode, p.stderr))
    return p.stdout


def has(module):
    try:
        __import__(module)
        return True
    except ImportError:
        return False


class TestRegime(unittest.TestCase):
    def test_same_as_cli(self):
        r = mpbias.regime(X, Y, until_loss="1e-20", digits=8, per_decade=1)
        out = cli("regime", "--example", "transition", "--until-loss", "1e-20", "--digits", "8",
                  "--per-decade", "1", "--format", "csv", "-q")
        rows = list(csv.reader(io.StringIO(out)))
        self.assertEqual(r.columns, rows[0])
        self.assertEqual(len(r), 3)
        for i, c in enumerate(r.columns):
            self.assertEqual(r.text[c], [row[i] for row in rows[1:]], c)
        np.testing.assert_array_equal(r["log10_loss"], [-1.0, -10.0, -20.0])
        self.assertEqual(r["regime"], [row[r.columns.index("regime")] for row in rows[1:]])
        self.assertIn("rich_sup", r.numeric_columns())
        self.assertNotIn("regime", r.numeric_columns())
        self.assertEqual(r.to_numpy().shape, (3, len(r.columns) - 2))
        rec = r.to_records()
        self.assertEqual(list(rec.dtype.names), r.columns)
        self.assertEqual(list(rec.nearest), r["nearest"])
        np.testing.assert_array_equal(rec.margin, r["margin"])

    @unittest.skipUnless(shutil.which("gnuplot") or os.environ.get("MPBIAS_GNUPLOT"),
                         "no gnuplot")
    def test_plot(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "r.svg")
            r = mpbias.regime(example="transition", until_loss="1e-5", digits=6, per_decade=1,
                              plot=path)
            with open(path) as f:
                self.assertIn("<svg", f.read())
        self.assertEqual(len(r), 2)

    def test_margin_matches_flow(self):
        # the margins regime prints (4 digits) are those of flow at the same losses
        r = mpbias.regime(example="transition", until_loss="1e-10", digits=8, per_decade=1,
                          alpha=0.5, prec=128)
        tr = mpbias.flow(example="transition", alpha=0.5, until_loss="1e-10", per_decade=1,
                         digits=8)
        m = {round(a): b for a, b in zip(tr.log10_loss, tr.margin)}
        for l10, g in zip(r["log10_loss"], r["margin"]):
            self.assertAlmostEqual(g / m[round(l10)], 1.0, places=3)


class TestThreshold(unittest.TestCase):
    def test_same_as_cli_and_within(self):
        t = mpbias.threshold(example="transition", target="l1", within=0.05, until_loss="1e-40",
                             digits=3)
        doc = json.loads(cli("threshold", "--example", "transition", "--target", "l1",
                             "--within", "0.05", "--until-loss", "1e-40", "--digits", "3",
                             "--format", "json", "-q"))
        self.assertEqual(dict(t), doc)
        self.assertTrue(t.reached)
        self.assertEqual(t.fractions("log10_loss"), [Fraction(t.log10_loss)])
        self.assertEqual(t.table.column("flow_runs").tolist(), [doc["flow_runs"]])
        # independently: at that loss w/margin is within 0.05 of the l1 predictor (1/2, 0, 0, 0)
        l10 = float(t.log10_loss)
        e = math.floor(l10)
        tr = mpbias.flow(example="transition", until_loss="%.12fe%d" % (10 ** (l10 - e), e),
                         per_decade=0, digits=10)
        dist = np.max(np.abs(tr.wbar[-1] - [0.5, 0, 0, 0]))
        self.assertLessEqual(dist, 0.05 + 1e-9)
        self.assertGreater(dist, 0.04)

    def test_not_reached_is_a_result(self):
        t = mpbias.threshold(example="transition", target="l2", within=0.01, until_loss="1e-20",
                             digits=3)
        self.assertFalse(t.reached)
        self.assertGreater(float(t.distance_at_horizon), 0.01)
        with self.assertRaises(mpbias.MpbiasError):
            mpbias.threshold(example="transition", target="l7", within=0.01)


class TestSweep(unittest.TestCase):
    def test_same_as_cli_and_regime(self):
        s = mpbias.sweep(example="transition", alphas=[0.5, 2], until_loss="1e-10", digits=8,
                         per_decade=1, jobs=1, threshold_within=0.1)
        with tempfile.TemporaryDirectory() as tmp:
            cli("sweep", "--example", "transition", "--alphas", "0.5,2", "--until-loss", "1e-10",
                "--digits", "8", "--per-decade", "1", "--jobs", "1", "--threshold-within", "0.1",
                "--out", os.path.join(tmp, "o"), "-q")
            with open(os.path.join(tmp, "o", "results.csv")) as f:
                rows = list(csv.reader(f))
            with open(os.path.join(tmp, "o", "thresholds.csv")) as f:
                trows = list(csv.reader(f))
        self.assertEqual(s.columns, rows[0])
        self.assertEqual([[s.text[c][i] for c in s.columns] for i in range(len(s))], rows[1:])
        self.assertEqual(s.thresholds.columns, trows[0])
        self.assertEqual(s.thresholds["reached"].tolist(), [r[4] == "true" for r in trows[1:]])
        self.assertEqual(s["depth"].dtype, np.int64)
        self.assertEqual(s.run["alphas"], ["0.5", "2"])
        self.assertIsNone(s.out)
        # each grid point is the regime analysis at that alpha
        for a in (0.5, 2):
            r = mpbias.regime(example="transition", alpha=a, until_loss="1e-10", digits=8,
                              per_decade=1)
            sel = s["alpha"] == a
            np.testing.assert_allclose(s["d_rich"][sel], r["rich_sup"], rtol=2e-3)
            self.assertEqual([x for x, k in zip(s["regime"], sel) if k], r["regime"])

    def test_arrays_name_and_files(self):
        with tempfile.TemporaryDirectory() as tmp:
            s = mpbias.sweep([X, X], [Y, -Y], example="transition", alphas=[1],
                             until_loss="1e-2", per_decade=1, digits=6, jobs=1,
                             out=os.path.join(tmp, "keep"))
            self.assertTrue(os.path.exists(os.path.join(tmp, "keep", "results.csv")))
        self.assertEqual(sorted(set(s["dataset"].tolist())), [1, 2, 3])
        a, b, c = (s["margin"][s["dataset"] == k] for k in (1, 2, 3))
        np.testing.assert_array_equal(a, c)      # X, Y is the transition example
        # -y turns every z_n = y_n x_n into -z_n: the flow from the symmetric
        # initialization is mirrored (w -> -w), with the same margins
        np.testing.assert_array_equal(a, b)


class TestResults(unittest.TestCase):
    def test_limits_columns_and_fractions(self):
        L = mpbias.limits(X, Y)
        self.assertEqual(L.columns, ["l2", "l1"])
        q = L.fractions("l2")
        self.assertEqual(q, [Fraction(112, 269), Fraction(26, 269), Fraction(38, 269),
                             Fraction(20, 269)])
        # exact oracle: z_n . w_l2 = 1 for both samples (both constraints active)
        for xn, yn in zip(X, Y):
            self.assertEqual(sum(Fraction(v) * yn * w for v, w in zip(xn, q)), 1)
        np.testing.assert_array_equal(L.to_numpy()[:, 0], [float(v) for v in q])
        np.testing.assert_array_equal(L.w("l1"), [0.5, 0, 0, 0])
        self.assertEqual(L.margin("l1"), Fraction(L["l1"]["margin"]))
        rec = L.to_records()
        self.assertEqual(rec.l1[0], 0.5)

    def test_limits_qmu_digits(self):
        L = mpbias.limits(example="transition", mu="0.5", digits=30)
        self.assertIn("qmu", L.columns)
        self.assertEqual(len(L["qmu"]["w"][0].replace("-", "").replace(".", "")
                             .split("e")[0].lstrip("0")), 30)

    @unittest.skipUnless(has("mpmath"), "mpmath is not installed")
    def test_mpmath(self):
        import mpmath
        L = mpbias.limits(example="transition")
        with mpmath.workdps(50):
            v = L.mpmath("l2", dps=50)[0]
            self.assertEqual(mpmath.nstr(v, 40), mpmath.nstr(mpmath.mpf(112) / 269, 40))
        tr = mpbias.flow(example="transition", until_loss="1e-5", digits=30)
        m = tr.mpmath("margin")[-1]       # all 30 printed digits, not a float's 17
        with mpmath.workdps(60):
            exact = mpmath.mpf(tr.text["margin"][-1])
            self.assertLess(abs(m - exact), 1e-33 * exact)
            self.assertGreater(abs(mpmath.mpf(tr.margin[-1]) - exact), 1e-30 * exact)

    def test_pandas(self):
        r = mpbias.regime(example="transition", until_loss="1e-5", digits=6, per_decade=1)
        if has("pandas"):
            df = r.to_pandas()
            self.assertEqual(list(df.columns), r.columns)
            np.testing.assert_array_equal(df["kappa"].to_numpy(), r["kappa"])
            self.assertEqual(list(df["regime"]), r["regime"])
        saved = sys.modules.get("pandas")
        sys.modules["pandas"] = None      # import pandas fails
        try:
            with self.assertRaises(ImportError) as cm:
                r.to_pandas()
            self.assertIn("pip install pandas", str(cm.exception))
        finally:
            if saved is None:
                del sys.modules["pandas"]
            else:
                sys.modules["pandas"] = saved

    def test_trajectory_columns(self):
        tr = mpbias.flow(example="transition", until_loss="1e-3", digits=10)
        self.assertEqual(tr.columns[:6], ["kind", "log10_t", "log10_loss", "margin", "mu",
                                          "err_est"])
        np.testing.assert_array_equal(tr.to_numpy(["wbar_1", "wbar_2", "wbar_3", "wbar_4"]),
                                      tr.wbar)
        np.testing.assert_array_equal(tr["nu_2"], tr.nu[:, 1])
        self.assertEqual(tr.fractions("margin")[-1], Fraction(tr.text["margin"][-1]))
        with self.assertRaises(ValueError):
            tr.to_numpy(["kind"])
        with self.assertRaises(KeyError):
            tr["nope"]

    def test_check_prec(self):
        steps = np.arange(0, 21, 10)
        W = TestGdAndCheck.double_gd(None, 0.01, 20)[steps]
        rep = mpbias.check({"step": steps, "w": W}, example="transition", step=0.01, digits=12,
                           prec=256)
        self.assertTrue(rep["agree"])
        self.assertEqual(rep["reference_prec"], 256)
        self.assertEqual(rep.table.column("step").tolist(), [0, 10, 20])
        self.assertEqual(rep.to_records().digits_w.tolist(), [r["digits_w"] for r in rep["rows"]])
        self.assertNotIn("mpbias-", rep["candidate"])


class TestLabels(unittest.TestCase):
    def test_fractional_labels_refused(self):
        with self.assertRaises(ValueError) as cm:
            mpbias.flow(X, 0.9 * Y, until_loss="1e-3")
        self.assertIn("y[0] = 0.9", str(cm.exception))
        self.assertIn("+1 or -1", str(cm.exception))

    def test_zero_one_labels(self):
        y01 = (Y + 1) // 2
        with self.assertRaises(ValueError) as cm:
            mpbias.limits(X, y01)
        self.assertIn("labels={0: -1, 1: 1}", str(cm.exception))
        a = mpbias.limits(X, y01, labels={0: -1, 1: 1})
        b = mpbias.limits(X, y01, labels=(0, 1))
        self.assertEqual(a["l2"]["w"], ["112/269", "26/269", "38/269", "20/269"])
        self.assertEqual(b["l2"]["w"], a["l2"]["w"])

    def test_class_names(self):
        names = np.array(["spam", "ham"])
        with self.assertRaises(ValueError) as cm:
            mpbias.limits(X, names)
        self.assertIn("labels=", str(cm.exception))
        L = mpbias.limits(X, names, labels={"spam": 1, "ham": -1})
        self.assertEqual(L["l1"]["w"], ["1/2", "0", "0", "0"])
        with self.assertRaises(ValueError) as cm:
            mpbias.limits(X, names, labels={"spam": 1, "eggs": -1})
        self.assertIn("y[1] = 'ham'", str(cm.exception))
        with self.assertRaises(ValueError):
            mpbias.limits(X, names, labels={"spam": 1, "ham": 0})

    def test_other_bad_input(self):
        for bad in (np.array([1, 2]), np.array([1.0, float("nan")]), np.array([True, False]),
                    np.array([1, -1, 1])):
            with self.assertRaises(ValueError):
                mpbias.limits(X, bad)
        Xn = X.copy()
        Xn[1, 2] = float("inf")
        with self.assertRaises(ValueError) as cm:
            mpbias.limits(Xn, Y)
        self.assertIn("X[1, 2]", str(cm.exception))
        with self.assertRaises(ValueError):
            mpbias.limits(X[0], Y)
        self.assertEqual(mpbias.limits(X, Y.astype(float))["l1"]["w"], ["1/2", "0", "0", "0"])

    def test_error_names_the_arrays(self):
        Xs = np.array([[1.0, 2.0], [1.0, 2.0], [0.5, 1.0]])
        with self.assertRaises(mpbias.MpbiasError) as cm:
            mpbias.limits(Xs, np.array([1, -1, 1]))
        self.assertIn("the arrays X, y", cm.exception.message)
        self.assertIn("not linearly separable", cm.exception.message)
        self.assertNotIn(tempfile.gettempdir(), cm.exception.message)


class TestProgress(unittest.TestCase):
    def test_parse(self):
        # the lines as src/cli/opts.c and cmd_sweep.c print them
        p = mpbias._progress.parse("\x1b[Kmpbias: log10(loss) = -47.699913     steps 48 "
                                   "(31.5/s)  ~7 s left (estimate)   ", -1e6)
        self.assertEqual((p.log10_loss, p.steps, p.seconds_left), (-47.699913, 48, 7.0))
        self.assertAlmostEqual(p.fraction, math.log(47.699913) / math.log(1e6))
        # flow's line, with its checking run (the fraction: the mean of the two runs')
        p = mpbias._progress.parse("\x1b[Kmpbias: log10(loss) = -1000        steps 62, "
                                   "checking run -10 steps 44  ~3 s left (estimate)   ", -1e6)
        self.assertEqual((p.log10_loss, p.steps, p.seconds_left), (-1000.0, 62, 3.0))
        self.assertAlmostEqual(p.fraction, 0.5 * (math.log(1000) + math.log(10)) / math.log(1e6))
        p = mpbias._progress.parse("mpbias: log10(loss) = -0.5         steps 3, checking run "
                                   "nan steps 0", -1e6)
        self.assertEqual((p.log10_loss, p.steps, p.fraction, p.seconds_left), (-0.5, 3, 0.0, None))
        p = mpbias._progress.parse("mpbias: sweep: 3 of 12 points done, 9 left, ~20 s left "
                                   "(estimate)   ")
        self.assertEqual((p.points_done, p.points_total, p.fraction, p.seconds_left),
                         (3, 12, 0.25, 20.0))
        self.assertIsNone(mpbias._progress.parse("mpbias: 4 rows; exponential loss"))

    def test_callback(self):
        got = []
        t0 = time.monotonic()
        tr = mpbias.flow(example="transition", until_loss="1e-1000000000", digits=30,
                         per_decade=0, progress=got.append)
        wall = time.monotonic() - t0
        self.assertEqual(tr.kind, ["stop"])
        # the terminal changes nothing but standard error
        a = mpbias.flow(example="transition", until_loss="1e-30", digits=20, progress=[].append)
        b = mpbias.flow(example="transition", until_loss="1e-30", digits=20)
        self.assertEqual(a.text, b.text)
        self.assertIn("digits certified", tr.log)
        self.assertNotIn("log10(loss) =", tr.log)
        # the program reports after its first second, twice a second
        if wall > 2.0:
            self.assertGreater(len(got), 0)
        for a, b in zip(got, got[1:]):
            self.assertLessEqual(b.log10_loss, a.log10_loss)
        for p in got:
            self.assertTrue(0 <= p.fraction <= 1 and p.log10_loss >= -1e9, p)
        with self.assertRaises(ValueError):
            mpbias.flow(example="transition", until_loss="1e-3", progress="yes")

    def test_sweep_points(self):
        # with worker processes the sweep reports each finished point, at once
        got = []
        s = mpbias.sweep(example="transition", alphas=[1, 2, 3], until_loss="1e-5", digits=6,
                         per_decade=1, jobs=2, progress=got.append)
        self.assertEqual([(p.points_done, p.points_total) for p in got], [(1, 3), (2, 3), (3, 3)])
        self.assertEqual([p.fraction for p in got], [1 / 3, 2 / 3, 1.0])
        self.assertIn("3 points (3 computed now", s.log)
        self.assertNotIn("points done", s.log)

    @unittest.skipUnless(has("tqdm"), "tqdm is not installed")
    def test_tqdm(self):
        err = io.StringIO()
        saved = sys.stderr
        sys.stderr = err
        try:
            tr = mpbias.flow(example="transition", until_loss="1e-3", progress="tqdm")
        finally:
            sys.stderr = saved
        self.assertEqual(tr.kind[-1], "stop")


class TestPipInstall(unittest.TestCase):
    """`pip install ./python` into a fresh virtual environment, offline."""

    def test_venv(self):
        src = os.path.join(os.environ.get("MPBIAS_SRCDIR", "."), "python")
        if not os.path.exists(os.path.join(src, "pyproject.toml")):
            self.skipTest("no python/pyproject.toml under MPBIAS_SRCDIR=%s" % src)
        with tempfile.TemporaryDirectory() as tmp:
            env_dir = os.path.join(tmp, "venv")
            # the system's NumPy and setuptools: the machine may have no network
            p = subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", env_dir],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            if p.returncode != 0 and os.environ.get("MPBIAS_REQUIRE_PYTHON") == "1":
                self.fail("python3 -m venv failed (CI installs python3-venv): " + p.stdout[-300:])
            if p.returncode != 0:
                self.skipTest("python3 -m venv does not work here (Debian: apt-get install "
                              "python3-venv): " + p.stdout[-300:])
            # a copy: pip writes build/ and *.egg-info next to the sources
            pkg = os.path.join(tmp, "python")
            shutil.copytree(src, pkg, ignore=shutil.ignore_patterns(
                "_config.py", "__pycache__", "build", "*.egg-info"))
            for d, _, files in os.walk(pkg):     # writable (make distcheck's are not)
                for x in [d] + [os.path.join(d, f) for f in files]:
                    os.chmod(x, os.stat(x).st_mode | 0o200)
            py = os.path.join(env_dir, "bin", "python")
            p = subprocess.run([py, "-m", "pip", "install", "--no-index", "--no-build-isolation",
                                "--disable-pip-version-check", "-q", pkg],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            self.assertEqual(p.returncode, 0, p.stdout)
            env = {k: v for k, v in os.environ.items() if k not in ("MPBIAS", "PYTHONPATH")}
            env["PATH"] = os.path.dirname(os.path.abspath(mpbias.program())) + os.pathsep + \
                env.get("PATH", "")
            code = ("import mpbias, os; print(os.path.dirname(mpbias.__file__)); "
                    "print(mpbias.program()); "
                    "print(mpbias.limits(example='transition')['l1']['w'])")
            p = subprocess.run([py, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env=env, cwd=tmp)
            self.assertEqual(p.returncode, 0, p.stderr)
            where, prog, w = p.stdout.splitlines()
            self.assertTrue(where.startswith(env_dir), where)     # the installed copy
            self.assertEqual(os.path.realpath(prog), os.path.realpath(mpbias.program()))
            self.assertEqual(w, "['1/2', '0', '0', '0']")
            env["MPBIAS"] = os.path.join(tmp, "nowhere")
            p = subprocess.run([py, "-c", "import mpbias; print(mpbias.program())"],
                               stdout=subprocess.PIPE, text=True, env=env, cwd=tmp)
            self.assertEqual(p.stdout.strip(), env["MPBIAS"])

    def test_config_bindir(self):
        # the bindir `make install` records, used when MPBIAS is not set
        saved_env, saved_bindir = os.environ.pop("MPBIAS", None), mpbias._BINDIR
        try:
            with tempfile.TemporaryDirectory() as tmp:
                exe = os.path.join(tmp, "mpbias")
                with open(exe, "w") as f:
                    f.write("#!/bin/sh\n")
                os.chmod(exe, 0o755)
                mpbias._BINDIR = tmp
                self.assertEqual(mpbias.program(), exe)
        finally:
            mpbias._BINDIR = saved_bindir
            if saved_env is not None:
                os.environ["MPBIAS"] = saved_env


if __name__ == "__main__":
    unittest.main()
