"""Running the program, with its progress line turned into callbacks.

The program prints its progress line on standard error only when that is
a terminal (and only after the first second, twice a second).  To see it,
a run with a progress callback gets a pseudo-terminal as standard error
(POSIX); its output is split at carriage returns and newlines, progress
lines are parsed into Progress records, and everything else is kept as the
run's log.
"""

import collections
import math
import os
import re
import subprocess
import sys
import threading

__all__ = ["Progress", "run"]

Progress = collections.namedtuple(
    "Progress", "fraction log10_loss steps points_done points_total seconds_left line")
Progress.__doc__ = """One progress report of the program.

fraction: estimated fraction done in [0, 1] (flow and regime: log log(1/eps)
  over its target's, the program's own measure of the cost; sweep: points
  done over points), or None when unknown;
log10_loss: flow and regime: log10 of the loss reached (else None);
steps: flow and regime: integration steps so far (else None);
points_done, points_total: sweep (else None);
seconds_left: the program's estimate, or None;
line: the line as the program printed it."""

# flow: "log10(loss) = L steps S, checking run L2 steps S2  ~T s left";
# regime: "log10(loss) = L steps S (R/s)  ~T s left"
_FLOW = re.compile(r"log10\(loss\) = (\S+)\s+steps (\d+)"
                   r"(?: \(([0-9.]+)/s\)|, checking run (\S+) steps (\d+))?"
                   r"(?:\s+~([0-9.]+) s left)?")
_SWEEP = re.compile(r"sweep: (\d+) of (\d+) points done, (\d+) left(?:, ~([0-9.]+) s left)?")
_ERASE = re.compile(r"\x1b\[K")


def log10_of(s):
    """log10 of a positive decimal literal given as a string (approximate,
    any exponent): '1e-1000000' -> -1000000."""
    m, _, e = str(s).lower().partition("e")
    try:
        return math.log10(float(m)) + (int(e) if e else 0)
    except (ValueError, OverflowError):
        return float("nan")


def _frac(l10, target_log10):
    """The program's measure of the cost done: log log(1/eps) over the
    target's (0 before log10(1/eps) = 1 and for nan, at most 1)."""
    if not -l10 > 1:
        return 0.0
    return min(1.0, math.log(-l10) / math.log(-target_log10))


def parse(line, target_log10=None):
    """A Progress for a progress line of the program, or None."""
    m = _FLOW.search(line)
    if m:
        l10 = float(m.group(1))
        frac = None
        if target_log10 is not None and target_log10 < -1:
            frac = _frac(l10, target_log10)
            if m.group(4) is not None:  # flow: the checking run costs as much again
                frac = 0.5 * (frac + _frac(float(m.group(4)), target_log10))
        left = float(m.group(6)) if m.group(6) else None
        return Progress(frac, l10, int(m.group(2)), None, None, left, line.strip())
    m = _SWEEP.search(line)
    if m:
        done, total = int(m.group(1)), int(m.group(2))
        left = float(m.group(4)) if m.group(4) else None
        return Progress(done / total if total else None, None, None, done, total, left,
                        line.strip())
    return None


class _Tqdm:
    """A progress callback drawing a tqdm bar (fraction done, scaled to 1000)."""

    def __init__(self, desc):
        try:
            from tqdm.auto import tqdm
        except ImportError:
            raise ImportError("progress='tqdm' needs tqdm: pip install tqdm (Debian: apt-get "
                              "install python3-tqdm); progress=True prints the program's line "
                              "without it")
        self.bar = tqdm(total=1000, desc=desc, unit="")
        self.n = 0

    def __call__(self, p):
        if p.fraction is not None:
            n = int(round(1000 * p.fraction))
            if n > self.n:
                self.bar.update(n - self.n)
                self.n = n
        post = {}
        if p.log10_loss is not None:
            post["log10_loss"] = "%.6g" % p.log10_loss
        if p.points_total is not None:
            post["points"] = "%d/%d" % (p.points_done, p.points_total)
        if post:
            self.bar.set_postfix(post, refresh=True)

    def close(self):
        self.bar.close()


class _Print:
    """progress=True without tqdm: the program's own line on sys.stderr."""

    def __init__(self):
        self.width = 0

    def __call__(self, p):
        sys.stderr.write("\r" + p.line.ljust(self.width))
        sys.stderr.flush()
        self.width = len(p.line)

    def close(self):
        if self.width:
            sys.stderr.write("\r" + " " * self.width + "\r")
            sys.stderr.flush()


def make_callback(progress, desc):
    """(callback, closer) for progress=None/False, True, 'tqdm' or a callable."""
    if progress is None or progress is False:
        return None, None
    if progress == "tqdm":
        t = _Tqdm(desc)
        return t, t.close
    if progress is True:
        try:
            t = _Tqdm(desc)
        except ImportError:
            t = _Print()
        return t, t.close
    if callable(progress):
        return progress, None
    raise ValueError("progress must be None, True, 'tqdm' or a callable taking a "
                     "mpbias.Progress, not %r" % (progress,))


def run(cmd, callback=None, target_log10=None):
    """Run cmd; return (returncode, stdout, stderr log).  With a callback,
    standard error is a pseudo-terminal and each progress line is passed to
    callback(Progress) as it comes; the log leaves progress lines out."""
    if callback is None:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           stdin=subprocess.DEVNULL, text=True)
        return p.returncode, p.stdout, p.stderr
    import tty
    master, slave = os.openpty()
    try:
        tty.setraw(slave)  # no "\n" -> "\r\n" translation
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=slave,
                                stdin=subprocess.DEVNULL)
    except BaseException:
        os.close(master)
        os.close(slave)
        raise
    os.close(slave)
    log = []
    failure = []

    def handle(seg):
        seg = _ERASE.sub("", seg)
        if not seg.strip():
            return
        pr = parse(seg, target_log10)
        if pr is None:
            log.append(seg.rstrip() + "\n")
            return
        try:
            callback(pr)
        except BaseException as e:  # re-raised in the caller's thread
            if not failure:
                failure.append(e)

    def reader():
        buf = b""
        while True:
            try:
                b = os.read(master, 4096)
            except OSError:  # EIO: every writer has closed the terminal
                break
            if not b:
                break
            buf += b
            parts = re.split(rb"[\r\n]", buf)
            buf = parts.pop()
            for part in parts:
                handle(part.decode("utf-8", "replace"))
        if buf:
            handle(buf.decode("utf-8", "replace"))

    th = threading.Thread(target=reader, daemon=True)
    th.start()
    try:
        out = proc.stdout.read().decode("utf-8", "replace")
        rc = proc.wait()
        th.join()
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    finally:
        proc.stdout.close()
        os.close(master)
    if failure:
        raise failure[0]
    return rc, out, "".join(log)
