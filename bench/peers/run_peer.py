#!/usr/bin/python3
"""bench/peers/run_peer.py -- one peer of bench/peers.sh on one problem.

    /usr/bin/python3 run_peer.py PEER --data FILE.csv --limit SECONDS [--dps K]
                                 [--eta ETA] TARGET...

PEER is one of
  odefun       mpmath.odefun (Taylor method) on the reduced flow in the
               variable M = -log L (smoothed margin), at --dps digits
  scipy        scipy.integrate.solve_ivp (--method, default Radau) on the
               reduced flow in mpbias's variable x = log(1 + M - M0), float64
  scipy-tau    solve_ivp on the reduced flow in tau = log(1 + t), float64
               (the textbook reparametrization; g = exp(-m) formed directly)
  gd           plain float64 NumPy gradient descent on (u_+, u_-), step --eta
  gd-norm      the same with the loss-normalized step eta / L (computed with
               log-sum-exp, so nothing underflows)

TARGET is log10(1/eps) as a decimal (10, 19, 100, 1e30, ...).  The problem
is the one of `mpbias flow`: depth 2, alpha = 1, summed exponential loss,
u_+(0) = u_-(0) = 1, on the dataset FILE (CSV with a header row y,x1..xd, as
written by `mpbias gen --format csv`).

Output: one JSON object per line on standard output, flushed as soon as it
is known:
  {"peer", "target", "time", "maxrss_kb", "wbar": [strings], ...}   reached
  {"peer", "fail": REASON, "time", "reached": log10(1/L) so far}   stopped
  {"peer", "done": true, "time"}                                  finished
`time` is wall time in seconds since the start of the integration (imports
and reading the data excluded), maxrss_kb the peak resident size of this
process so far (ru_maxrss), i.e. including the Python interpreter.

The reduced flow (math.md section 3, doc/flow.md section 2): nu in R^N,
s = Z^T nu, w = 2 alpha^2 sinh(4 s), m = Z w, p = softmax(-m),
K = Z diag(w') Z^T, Phi = p^T K p, and dnu/dM = p / Phi.  wbar = w / min(m).
"""
import argparse
import json
import math
import resource
import sys
import time


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def maxrss():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def read_z(path):
    """Z (rows z_n = y_n x_n) as lists of decimal strings."""
    rows = []
    with open(path) as fh:
        header = fh.readline()
        assert header.lower().startswith("y"), header
        for line in fh:
            line = line.strip()
            if not line:
                continue
            f = line.split(",")
            y = f[0].strip()
            neg = y.startswith("-")
            z = []
            for v in f[1:]:
                v = v.strip().lstrip("+")
                if neg:
                    v = v[1:] if v.startswith("-") else "-" + v
                z.append(v)
            rows.append(z)
    return rows


class Targets:
    """Targets as log10(1/eps), in increasing order, with their names."""

    def __init__(self, names):
        self.names = list(names)
        self.vals = [float(n) for n in names]
        order = sorted(range(len(names)), key=lambda i: self.vals[i])
        self.names = [self.names[i] for i in order]
        self.vals = [self.vals[i] for i in order]


# ---------------------------------------------------------------------------
# (a) mpmath odefun
def run_odefun(Zs, targets, limit, dps, degree):
    import mpmath
    mp = mpmath.mp
    mp.dps = dps
    Z = [[mpmath.mpf(v) for v in row] for row in Zs]
    N, d = len(Z), len(Z[0])

    def state(nu):
        s = [mpmath.fsum(Z[k][i] * nu[k] for k in range(N)) for i in range(d)]
        w = [2 * mpmath.sinh(4 * si) for si in s]
        w1 = [8 * mpmath.cosh(4 * si) for si in s]
        m = [mpmath.fsum(Z[k][i] * w[i] for i in range(d)) for k in range(N)]
        return s, w, w1, m

    def F(M, nu):
        s, w, w1, m = state(nu)
        mmin = min(m)
        e = [mpmath.exp(mmin - mk) for mk in m]
        se = mpmath.fsum(e)
        p = [ek / se for ek in e]
        r = [mpmath.fsum(Z[k][i] * p[k] for k in range(N)) for i in range(d)]
        Phi = mpmath.fsum(w1[i] * r[i] ** 2 for i in range(d))
        return [pk / Phi for pk in p]

    def logL(nu):
        _, _, _, m = state(nu)
        mmin = min(m)
        return -mmin + mpmath.log(mpmath.fsum(mpmath.exp(mmin - mk) for mk in m))

    nu0 = [mpmath.mpf(0)] * N
    M0 = -logL(nu0)
    t0 = time.time()
    sol = mpmath.odefun(F, M0, nu0, degree=degree)
    ln10 = mpmath.log(10)
    Mcur = M0
    for name, val in zip(targets.names, targets.vals):
        Mt = mpmath.mpf(name) * ln10
        # advance in unit pieces of M so that the time limit can be checked
        while Mcur < Mt:
            Mnext = min(Mt, Mcur + 4)
            sol(Mnext)
            Mcur = Mnext
            if Mcur < Mt and time.time() - t0 > limit:
                emit({"peer": "odefun", "fail": "time limit (%g s)" % limit,
                      "time": time.time() - t0, "reached": float(Mcur / ln10),
                      "maxrss_kb": maxrss()})
                return
        nu = sol(Mt)
        _, w, _, m = state(nu)
        g = min(m)
        emit({"peer": "odefun", "target": name, "time": time.time() - t0,
              "maxrss_kb": maxrss(),
              "wbar": [mpmath.nstr(wi / g, dps + 5, strip_zeros=False) for wi in w],
              "log10_loss": float(logL(nu) / ln10)})
    emit({"peer": "odefun", "done": True, "time": time.time() - t0})


# ---------------------------------------------------------------------------
# float64 reduced flow for SciPy
def f64_problem(Zs):
    import numpy as np
    Z = np.array([[float(v) for v in row] for row in Zs])

    def ev(nu):
        s = Z.T @ nu
        w = 2.0 * np.sinh(4.0 * s)
        w1 = 8.0 * np.cosh(4.0 * s)
        m = Z @ w
        return s, w, w1, m

    def logL(nu):
        m = ev(nu)[3]
        mmin = m.min()
        return -mmin + math.log(np.exp(mmin - m).sum())

    def pPhi(nu):
        _, w, w1, m = ev(nu)
        e = np.exp(m.min() - m)
        p = e / e.sum()
        r = Z.T @ p
        return p, float(w1 @ (r * r)), w, m

    return Z, ev, logL, pPhi


def run_scipy(Zs, targets, limit, method, rtol, stall):
    """The reduced flow in mpbias's variables: x = log(1 + M - M0),
    dnu/dx = E p / Phi, E = e^x (stiff: rate ~E).  Each target is one
    solve_ivp call from the previous one, at rtol (atol = rtol / 100); a
    call that needs more than `stall` right-hand sides has stalled (the
    rounding noise of the right-hand side, amplified by the stiffness E,
    exceeds the tolerance) and is redone from the same start with the
    tolerance 1000 times looser, down to 1e-4: digits are traded for reach,
    and the tolerance used is reported."""
    import numpy as np
    from scipy.integrate import solve_ivp
    Z, ev, logL, pPhi = f64_problem(Zs)
    N = Z.shape[0]
    nu = np.zeros(N)
    M0 = -logL(nu)
    ln10 = math.log(10.0)
    peer = "scipy-" + method
    t0 = time.time()
    nfev = 0
    seg = 0
    xmax = 0.0

    class Stalled(Exception):
        pass

    def rhs(x, nu):
        nonlocal nfev, seg, xmax
        nfev += 1
        seg += 1
        if time.time() - t0 > limit:
            raise TimeoutError
        if seg > stall:
            raise Stalled
        xmax = max(xmax, x)
        p, Phi, _, _ = pPhi(nu)
        return math.exp(x) * p / Phi

    def reached():
        return (M0 + math.expm1(xmax)) / ln10

    x = 0.0
    for name, val in zip(targets.names, targets.vals):
        Mt = val * ln10
        xt = math.log1p(Mt - M0)
        if not math.isfinite(xt):
            emit({"peer": peer, "fail": "log(1/eps) = %s overflows float64" % name,
                  "time": time.time() - t0, "reached": reached(), "maxrss_kb": maxrss()})
            return
        r = rtol
        while True:
            seg = 0
            try:
                with np.errstate(over="raise", invalid="raise"):
                    sol = solve_ivp(rhs, (x, xt), nu, method=method, rtol=r, atol=r * 1e-2)
                break
            except Stalled:
                if r * 1e3 > 1e-4:
                    emit({"peer": peer, "fail": "stalled: more than %d right-hand sides for one "
                          "target even at rtol %g (rounding noise of the right-hand side, times "
                          "the stiffness e^x, exceeds the tolerance)" % (stall, r),
                          "time": time.time() - t0, "reached": reached(), "maxrss_kb": maxrss()})
                    return
                r *= 1e3
            except TimeoutError:
                emit({"peer": peer, "fail": "time limit (%g s)" % limit, "time": time.time() - t0,
                      "reached": reached(), "rtol": r, "maxrss_kb": maxrss()})
                return
            except FloatingPointError as e:
                emit({"peer": peer, "fail": "floating-point error: %s" % e,
                      "time": time.time() - t0, "reached": reached(), "maxrss_kb": maxrss()})
                return
        if sol.status != 0:
            emit({"peer": peer, "fail": sol.message, "time": time.time() - t0,
                  "reached": reached(), "maxrss_kb": maxrss()})
            return
        x, nu = xt, sol.y[:, -1]
        _, w, _, m = ev(nu)
        emit({"peer": peer, "target": name, "time": time.time() - t0, "maxrss_kb": maxrss(),
              "wbar": [repr(v) for v in w / m.min()], "log10_loss": logL(nu) / ln10,
              "nfev": nfev, "rtol": r})
    emit({"peer": peer, "done": True, "time": time.time() - t0})


def run_scipy_tau(Zs, targets, limit, method, rtol):
    """tau = log(1 + t): dnu/dtau = (1 + t) g = (1 + t) exp(-m).  Forms g
    and t as the textbook formulation does; stops at the target loss by an
    event on log L."""
    import numpy as np
    from scipy.integrate import solve_ivp
    Z, ev, logL, pPhi = f64_problem(Zs)
    N = Z.shape[0]
    ln10 = math.log(10.0)
    t0 = time.time()

    def rhs(tau, nu):
        if time.time() - t0 > limit:
            raise TimeoutError
        m = ev(nu)[3]
        return math.exp(tau) * np.exp(-m)

    tau, nu = 0.0, np.zeros(N)
    for name, val in zip(targets.names, targets.vals):
        def ev_loss(tau, nu, val=val):
            m = ev(nu)[3]
            return float(np.exp(-m).sum()) - 10.0 ** (-val)
        ev_loss.terminal = True
        ev_loss.direction = -1
        try:
            with np.errstate(over="raise", invalid="raise"):
                if 10.0 ** (-val) == 0.0:
                    raise FloatingPointError("eps = 1e-%s is below float64's range (there "
                                             "exp(-margin) underflows and e^tau = 1 + t "
                                             "overflows)" % name)
                sol = solve_ivp(rhs, (tau, 1e6), nu, method=method, rtol=rtol,
                                atol=rtol * 1e-2, events=ev_loss)
        except TimeoutError:
            emit({"peer": "scipy-tau-" + method, "fail": "time limit (%g s)" % limit,
                  "time": time.time() - t0, "reached": -logL(nu) / ln10, "maxrss_kb": maxrss()})
            return
        except FloatingPointError as e:
            emit({"peer": "scipy-tau-" + method, "fail": "floating-point error: %s" % e,
                  "time": time.time() - t0, "reached": -logL(nu) / ln10, "maxrss_kb": maxrss()})
            return
        if sol.status != 1:
            emit({"peer": "scipy-tau-" + method, "fail": "no event: " + sol.message,
                  "time": time.time() - t0, "reached": -logL(sol.y[:, -1]) / ln10,
                  "maxrss_kb": maxrss()})
            return
        tau, nu = float(sol.t_events[0][0]), sol.y_events[0][0]
        _, w, _, m = ev(nu)
        emit({"peer": "scipy-tau-" + method, "target": name, "time": time.time() - t0,
              "maxrss_kb": maxrss(), "wbar": [repr(v) for v in w / m.min()],
              "log10_loss": logL(nu) / ln10})
    emit({"peer": "scipy-tau-" + method, "done": True, "time": time.time() - t0})


# ---------------------------------------------------------------------------
# (c) gradient descent on (u_+, u_-), float64 NumPy
def run_gd(Zs, targets, limit, eta, normalized):
    import numpy as np
    peer = "gd-norm" if normalized else "gd"
    Z = np.array([[float(v) for v in row] for row in Zs])
    ZT = Z.T.copy()
    d = Z.shape[1]
    up = np.ones(d)
    um = np.ones(d)
    ln10 = math.log(10.0)

    def steps(up, um, n):
        for _ in range(n):
            m = Z @ (up * up - um * um)
            if normalized:
                e = np.exp(m.min() - m)
                g = e / e.sum()             # = exp(-m) / L: the step is eta / L
            else:
                g = np.exp(-m)
            r = ZT @ g
            up = up + (2.0 * eta) * up * r
            um = um - (2.0 * eta) * um * r
        return up, um

    def observe(up, um):
        w = up * up - um * um
        m = Z @ w
        mmin = m.min()
        return -mmin + math.log(np.exp(mmin - m).sum()), w / mmin, mmin, m

    t0 = time.time()
    k, ti, nt, chunk = 0, 0, len(targets.vals), 2000
    lL = observe(up, um)[0]
    with np.errstate(all="ignore"):
        while ti < nt:
            up1, um1 = steps(up, um, chunk)
            lL1, _, mmin, m = observe(up1, um1)
            if not np.all(np.isfinite(m)):
                emit({"peer": peer, "fail": "non-finite margins after about %d steps" % k,
                      "time": time.time() - t0, "reached": -lL / ln10, "maxrss_kb": maxrss()})
                return
            if not normalized and float(np.exp(-m).max()) == 0.0:
                emit({"peer": peer, "fail": "exp(-margin) underflows float64 (margin %.0f): "
                      "gradient 0" % mmin, "time": time.time() - t0, "reached": -lL / ln10,
                      "maxrss_kb": maxrss()})
                return
            if -lL1 / ln10 >= targets.vals[ti]:
                # a target lies in this chunk: redo it one step at a time and
                # interpolate wbar linearly in log L between the iterates
                # around each target crossed
                prev = observe(up, um)
                for _ in range(chunk):
                    up, um = steps(up, um, 1)
                    k += 1
                    cur = observe(up, um)
                    while ti < nt and -cur[0] / ln10 >= targets.vals[ti]:
                        lt = -targets.vals[ti] * ln10
                        th = (lt - prev[0]) / (cur[0] - prev[0])
                        wb = prev[1] + th * (cur[1] - prev[1])
                        emit({"peer": peer, "target": targets.names[ti],
                              "time": time.time() - t0, "maxrss_kb": maxrss(),
                              "wbar": [repr(float(v)) for v in wb], "steps": k})
                        ti += 1
                    prev = cur
                lL = prev[0]
            else:
                up, um, lL = up1, um1, lL1
                k += chunk
            if ti < nt and time.time() - t0 > limit:
                emit({"peer": peer, "fail": "time limit (%g s)" % limit,
                      "time": time.time() - t0, "reached": -lL / ln10, "steps": k,
                      "maxrss_kb": maxrss()})
                return
    emit({"peer": peer, "done": True, "time": time.time() - t0, "steps": k})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("peer", choices=["odefun", "scipy", "scipy-tau", "gd", "gd-norm"])
    ap.add_argument("--stall", type=int, default=100000)
    ap.add_argument("targets", nargs="+")
    ap.add_argument("--data", required=True)
    ap.add_argument("--limit", type=float, default=600)
    ap.add_argument("--dps", type=int, default=30)
    ap.add_argument("--degree", type=int, default=None)
    ap.add_argument("--method", default="Radau")
    ap.add_argument("--rtol", type=float, default=1e-13)
    ap.add_argument("--eta", type=float, default=1e-2)
    a = ap.parse_args()
    Zs = read_z(a.data)
    T = Targets(a.targets)
    if a.peer == "odefun":
        run_odefun(Zs, T, a.limit, a.dps, a.degree)
    elif a.peer == "scipy":
        run_scipy(Zs, T, a.limit, a.method, a.rtol, a.stall)
    elif a.peer == "scipy-tau":
        run_scipy_tau(Zs, T, a.limit, a.method, a.rtol)
    else:
        run_gd(Zs, T, a.limit, a.eta, a.peer == "gd-norm")


if __name__ == "__main__":
    main()
