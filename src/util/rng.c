/*
 * rng.c -- a small deterministic pseudo-random generator (xoshiro256**,
 * Blackman and Vigna, seeded with splitmix64).  Used by the dataset
 * generator so that a seed names the same dataset on every platform and
 * with every GMP version.  State lives in the caller's _mpbias_rng_t.
 */
#include "config.h"
#include <stdint.h>
#include "mpbias-impl.h"

static uint64_t
splitmix64(uint64_t *x)
{
    uint64_t z = (*x += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static uint64_t
rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

void
_mpbias_rng_seed(_mpbias_rng_t *r, ulong seed)
{
    uint64_t x = (uint64_t) seed;
    int i;
    for (i = 0; i < 4; i++)
        r->s[i] = (ulong) splitmix64(&x);
}

ulong
_mpbias_rng_next(_mpbias_rng_t *r)
{
    uint64_t s0 = r->s[0], s1 = r->s[1], s2 = r->s[2], s3 = r->s[3];
    uint64_t result = rotl(s1 * 5, 7) * 9;
    uint64_t t = s1 << 17;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 45);
    r->s[0] = s0; r->s[1] = s1; r->s[2] = s2; r->s[3] = s3;
    return (ulong) result;
}

ulong
_mpbias_rng_below(_mpbias_rng_t *r, ulong m)
{
    /* Rejection sampling: draw until the value lies below the largest
       multiple of m, so every residue is equally likely. */
    uint64_t lim = UINT64_MAX - (UINT64_MAX % (uint64_t) m);
    uint64_t v;
    do
        v = (uint64_t) _mpbias_rng_next(r);
    while (v >= lim);
    return (ulong) (v % (uint64_t) m);
}
