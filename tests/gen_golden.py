#!/usr/bin/env python3
# tests/gen_golden.py -- the golden datasets of t-example.c
# (test_generator_golden), from an implementation of the generator written
# from its description in doc/README.md alone: splitmix64 and xoshiro256**
# (Blackman and Vigna), Box-Muller at 128 bits in mpmath, rounding with
# ties to even.  Run: python3 tests/gen_golden.py (needs mpmath).
import mpmath, sys
from fractions import Fraction
from math import ceil
M = (1 << 64) - 1
def splitmix(x):
    x = (x + 0x9E3779B97F4A7C15) & M
    z = x
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
    return x, z ^ (z >> 31)
def rotl(x, k): return ((x << k) | (x >> (64 - k))) & M
class Rng:
    def __init__(s, seed):
        x = seed; s.s = []
        for _ in range(4):
            x, z = splitmix(x); s.s.append(z)
    def next(s):
        s0, s1, s2, s3 = s.s
        r = (rotl((s1 * 5) & M, 7) * 9) & M
        t = (s1 << 17) & M
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl(s3, 45)
        s.s = [s0, s1, s2, s3]
        return r
    def below(s, m):
        lim = M - (M % m)
        while True:
            v = s.next()
            if v < lim: return v % m
def gauss_scaled(r, digits):
    mpmath.mp.prec = 128
    k1 = r.next(); k2 = r.next()
    u1 = mpmath.mpf(2 * k1 + 1) / mpmath.mpf(2) ** 65
    u2 = mpmath.mpf(2 * k2 + 1) / mpmath.mpf(2) ** 65
    g = mpmath.sqrt(-2 * mpmath.log(u1)) * mpmath.cos(2 * mpmath.pi * u2)
    p = g * mpmath.mpf(10) ** digits
    sign, man, ex, bc = p._mpf_
    v = (-1) ** sign * Fraction(man) * Fraction(2) ** ex if man else Fraction(0)
    n = round(v)                                  # Python: ties to even
    return n
def gen(n, d, k, seed, digits, mm):
    r = Rng(seed)
    perm = list(range(d)); w = [0] * d
    for i in range(k):
        j = i + r.below(d - i)
        perm[i], perm[j] = perm[j], perm[i]
        w[perm[i]] = -1 if (r.next() >> 63) else 1
    thr = max(1, ceil(Fraction(mm) * 10 ** digits))
    out = []; npos = 0
    for i in range(n):
        while True:
            X = [gauss_scaled(r, digits) for _ in range(d)]
            dot = sum(a * b for a, b in zip(w, X))
            if abs(dot) < thr: continue
            y = 1 if dot > 0 else -1
            if i == n - 1 and (npos == 0 or npos == n - 1) and (y > 0) == (npos > 0): continue
            npos += y > 0
            out.append((y, X)); break
    return w, out
cases = [(6, 5, 2, 2026, 4, 0.1), (3, 2, 1, 7, 30, 0.0), (4, 3, 3, 0, 0, 0.0), (3, 4, 1, M, 12, 0.0), (8, 20, 2, 1, 4, 0.0)]
for (n, d, k, seed, digits, mm) in cases:
    w, out = gen(n, d, k, seed, digits, mm)
    print("/* n=%d d=%d k=%d seed=%d digits=%d min_margin=%r */" % (n, d, k, seed, digits, mm))
    print('"' + " ".join(str(x) for x in w) + '",')
    for y, X in out:
        print('"%+d %s"' % (y, " ".join(str(x) for x in X)))
    print()
