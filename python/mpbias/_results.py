"""Results with named columns (mpbias.Table and the results built on it).

Every value keeps the exact text the program printed (``.text``); the
float64 views, the ``fractions.Fraction`` and the mpmath numbers are made
from that text.  A decimal string is converted to a Fraction exactly (it is
the rational number the digits denote), and so is a "p/q" string of
``mpbias limits``.
"""

import math
from fractions import Fraction

import numpy as np

__all__ = ["Table"]

_MISSING = (None, "", "-", "null")


def to_float(v):
    """A printed value as a float: nan when absent or not a number (e.g.
    '-', null, or an interval '[m +/- r]'); 'p/q' through Fraction."""
    if v in _MISSING:
        return float("nan")
    if isinstance(v, bool):
        return float(v)
    if isinstance(v, (int, float)):
        return float(v)
    s = str(v).strip()
    try:
        return float(s)
    except ValueError:
        pass
    if "/" in s:
        try:
            return float(Fraction(s))
        except (ValueError, ZeroDivisionError):
            pass
    return float("nan")


def to_fraction(v):
    """A printed value as the exact rational it denotes, or None when it is
    absent or not a finite number (nan, '-', an interval)."""
    if v in _MISSING:
        return None
    if isinstance(v, bool):
        return Fraction(int(v))
    if isinstance(v, (int, float)):
        return Fraction(v) if math.isfinite(v) else None
    s = str(v).strip()
    if s.lower() in ("nan", "inf", "-inf", "+inf"):
        return None
    try:
        return Fraction(s)
    except (ValueError, ZeroDivisionError):
        return None


def _mpmath():
    try:
        import mpmath
    except ImportError:
        raise ImportError("mpmath is not installed: pip install mpmath (Debian: apt-get install "
                          "python3-mpmath); .fractions() gives the exact values without it")
    return mpmath


def to_mpmath(values, dps=None):
    """Printed values as mpmath numbers (mpf; None where to_fraction gives
    None).  Decimal strings are read at `dps` significant digits (default:
    enough for every printed digit, and at least mpmath's current dps);
    'p/q' is divided at that precision."""
    mpmath = _mpmath()
    if dps is None:
        n = max([len(str(v)) for v in values if v not in _MISSING] + [0])
        dps = max(mpmath.mp.dps, n + 5)
    out = []
    with mpmath.workdps(dps):
        for v in values:
            q = to_fraction(v)
            if q is None:
                out.append(None)
            elif isinstance(v, str) and "/" not in v:
                out.append(mpmath.mpf(v.strip()))
            else:
                out.append(mpmath.mpf(q.numerator) / q.denominator)
    return out


def _kind(values):
    """'bool', 'float' or 'str' for a column of printed values (integer
    columns are declared by the caller: a column of alphas 1, 2 is float)."""
    present = [v for v in values if v not in _MISSING]
    if present and all(isinstance(v, bool) or str(v) in ("true", "false") for v in present):
        return "bool"
    numeric = True
    for v in present:
        if isinstance(v, (int, float)):
            continue
        s = str(v).strip()
        try:
            float(s)
        except ValueError:
            if not (s.startswith("<") or s.startswith("[") or "/" in s):
                numeric = False
                break
    return "float" if numeric else "str"


class Table:
    """Rows with named columns, as the program printed them.

    ``columns``: the names; ``text[name]``: the printed values (strings, or
    JSON numbers); ``t[name]``: a column as a float64 array (as a list of
    str for text columns such as 'regime'); ``to_numpy()``: the numeric
    columns as a float64 matrix; ``to_records()``: a NumPy record array
    (float, int, bool and str fields); ``to_pandas()``: a DataFrame (needs
    pandas); ``fractions(name)``: exact values as fractions.Fraction;
    ``mpmath(name)``: as mpmath numbers (needs mpmath); ``rows()``: the rows
    as dicts of printed values."""

    def __init__(self, columns, rows, kinds=None, log=""):
        self.columns = list(columns)
        self.text = {}
        for i, c in enumerate(self.columns):
            self.text[c] = [r[i] for r in rows]
        self.kinds = dict(kinds or {})
        for c in self.columns:
            if c not in self.kinds:
                self.kinds[c] = _kind(self.text[c])
        self.log = log

    def __len__(self):
        return len(self.text[self.columns[0]]) if self.columns else 0

    def __contains__(self, name):
        return name in self.columns

    def _check(self, name):
        if name not in self.columns:
            raise KeyError("no column %r; the columns are %s" % (name, ", ".join(self.columns)))

    def column(self, name):
        """The column `name`: float64 array, bool or int64 array, or a list
        of str."""
        self._check(name)
        k, v = self.kinds[name], self.text[name]
        if k == "str":
            return [None if x is None else str(x) for x in v]
        if k == "bool":
            return np.array([x is True or x == "true" for x in v], dtype=bool)
        if k == "int":
            return np.array([int(x) for x in v], dtype=np.int64)
        return np.array([to_float(x) for x in v], dtype=float)

    def __getitem__(self, name):
        return self.column(name)

    def numeric_columns(self):
        return [c for c in self.columns if self.kinds[c] != "str"]

    def to_numpy(self, columns=None):
        """A float64 matrix (rows x columns) of the numeric columns, or of
        `columns` (names of numeric columns)."""
        cols = self.numeric_columns() if columns is None else list(columns)
        for c in cols:
            self._check(c)
            if self.kinds[c] == "str":
                raise ValueError("column %r holds text (%s), not numbers" %
                                 (c, ", ".join(sorted(set(map(str, self.text[c])))[:5])))
        M = np.empty((len(self), len(cols)))
        for j, c in enumerate(cols):
            M[:, j] = [to_float(x) for x in self.text[c]]
        return M

    def to_records(self):
        """A numpy.recarray with one field per column."""
        dtypes, arrays = [], []
        for c in self.columns:
            a = self.column(c)
            if self.kinds[c] == "str":
                a = np.array(["" if x is None else x for x in a], dtype=str)
            dtypes.append((c, a.dtype))
            arrays.append(a)
        out = np.empty(len(self), dtype=dtypes)
        for c, a in zip(self.columns, arrays):
            out[c] = a
        return out.view(np.recarray)

    def to_pandas(self):
        """A pandas.DataFrame with the same columns (float, int, bool, str)."""
        try:
            import pandas as pd
        except ImportError:
            raise ImportError("to_pandas() needs pandas: pip install pandas (Debian: apt-get "
                              "install python3-pandas); to_records() and to_numpy() do not")
        return pd.DataFrame({c: self.column(c) for c in self.columns}, columns=self.columns)

    def fractions(self, name):
        """The column's exact values as fractions.Fraction (None where it
        has no number: nan, '-', an interval)."""
        self._check(name)
        return [to_fraction(x) for x in self.text[name]]

    def mpmath(self, name, dps=None):
        """The column as mpmath numbers (mpf), read at `dps` digits (default:
        all printed digits).  Needs mpmath."""
        self._check(name)
        return to_mpmath(self.text[name], dps)

    def rows(self):
        """The rows as dicts {column: printed value}."""
        return [{c: self.text[c][i] for c in self.columns} for i in range(len(self))]

    def __repr__(self):
        return "<mpbias.%s: %d rows x %d columns (%s)>" % (
            type(self).__name__, len(self), len(self.columns), ", ".join(self.columns[:8])
            + (", ..." if len(self.columns) > 8 else ""))


class _TableView:
    """Delegation of the column interface to ``self.table``."""

    @property
    def columns(self):
        return self.table.columns

    def to_numpy(self, columns=None):
        return self.table.to_numpy(columns)

    def to_records(self):
        return self.table.to_records()

    def to_pandas(self):
        return self.table.to_pandas()

    def fractions(self, name):
        return self.table.fractions(name)

    def mpmath(self, name, dps=None):
        return self.table.mpmath(name, dps)
