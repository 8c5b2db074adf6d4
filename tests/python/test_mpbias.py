"""Tests of the Python package (python/mpbias): results against exact
values the tool does not compute through the same path (the one-sample
closed forms, the exact limits, a float64 loop written here)."""

import math
import os
import tempfile
import unittest

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


if __name__ == "__main__":
    unittest.main()
