"""The kernel's generator: xoshiro256** (Blackman and Vigna, "Scrambled Linear Pseudorandom
Number Generators", ACM TOMS 47(4), 2021), its state four ``uint64`` words in an array that the
caller owns and passes down.

numba's ``np.random`` costs about 22 ns a uniform on this project's machine (its Mersenne
Twister sits behind a per-thread lookup); this generator costs about 2 ns, and a crisis draws
some 350 uniforms. Each block of runs seeds its own state from ``SeedSequence`` (256 bits,
``kernel.engine.block_seeds``), so results still depend on the seed and the run index only.

The standard normal is the ziggurat of Marsaglia and Tsang ("The Ziggurat Method for Generating
Random Variables", J. Stat. Software 5(8), 2000; the 256-layer tables numpy's ``Generator``
uses): one uniform almost always, and exact: a draw outside a layer's rectangle is accepted or
rejected against the density, and the tail beyond ``R`` is sampled exactly. One 53-bit word
gives the layer (8 bits), the sign (1 bit) and the abscissa (44 bits).

Signatures (njit; ``st`` is a ``uint64[4]`` state)::

    words(seq) -> uint64[4]      # Python: a state's start from a SeedSequence
    seed(st, words)              # start st from those words
    random(st) -> float          # uniform on [0, 1)
    standard_normal(st) -> float
    exponential(st, scale) -> float
    gumbel(st) -> float          # standard Gumbel (maximum)
    logistic(st) -> float        # standard logistic
    randint(st, n) -> int        # uniform on 0 .. n-1
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
from numba import njit

State = npt.NDArray[np.uint64]

WORDS = 4
"""``uint64`` words of state."""

_LAYERS = 256
_R = 3.6541528853610088
"""Where the tail begins (256 layers)."""
_V = 0.00492867323399
"""The area of each layer."""
_BITS = 44
"""Random bits of the abscissa."""


def _tables() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(k, w, f)``: the rectangle test bounds (integers), widths and densities per layer."""
    m = float(2**_BITS)
    k = np.zeros(_LAYERS, dtype=np.int64)
    w = np.zeros(_LAYERS)
    f = np.zeros(_LAYERS)
    dn = tn = _R
    q = _V / math.exp(-0.5 * dn * dn)
    k[0] = int((dn / q) * m)
    k[1] = 0
    w[0] = q / m
    w[_LAYERS - 1] = dn / m
    f[0] = 1.0
    f[_LAYERS - 1] = math.exp(-0.5 * dn * dn)
    for i in range(_LAYERS - 2, 0, -1):
        dn = math.sqrt(-2.0 * math.log(_V / dn + math.exp(-0.5 * dn * dn)))
        k[i + 1] = int((dn / tn) * m)
        tn = dn
        f[i] = math.exp(-0.5 * dn * dn)
        w[i] = dn / m
    return k, w, f


_K, _W, _F = _tables()
_UNIT = 1.0 / float(2**53)


@njit(cache=True, inline="always")
def _rotl(x: np.uint64, k: int) -> np.uint64:
    return (x << np.uint64(k)) | (x >> np.uint64(64 - k))


@njit(cache=True, inline="always")
def _next(st: State) -> np.uint64:
    """The next 64-bit word (xoshiro256**)."""
    s0, s1, s2, s3 = st[0], st[1], st[2], st[3]
    result = _rotl(s1 * np.uint64(5), 7) * np.uint64(9)
    t = s1 << np.uint64(17)
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    st[0], st[1], st[2], st[3] = s0, s1, s2, _rotl(s3, 45)
    return result


def words(seq: np.random.SeedSequence) -> State:
    """The four words a generator starts from, drawn from ``seq`` (``seed``)."""
    return np.asarray(seq.generate_state(WORDS, np.uint64), dtype=np.uint64)


@njit(cache=True)
def seed(st: State, words: State) -> None:
    """Start ``st`` from ``words`` (not all zero: xoshiro's one fixed point)."""
    if words[0] == 0 and words[1] == 0 and words[2] == 0 and words[3] == 0:
        raise ValueError("xoshiro256** cannot start from an all-zero state")
    for j in range(WORDS):
        st[j] = words[j]


@njit(cache=True, inline="always")
def _bits53(st: State) -> int:
    return int(_next(st) >> np.uint64(11))


@njit(cache=True, inline="always")
def random(st: State) -> float:
    """A uniform on [0, 1) with 53 random bits."""
    return _bits53(st) * _UNIT


@njit(cache=True)
def standard_normal(st: State) -> float:
    """One draw of N(0, 1) (the ziggurat)."""
    k, w, f = _K, _W, _F
    while True:
        bits = _bits53(st)
        layer = bits & 0xFF
        negative = (bits >> 8) & 1
        a = bits >> 9
        x = float(a * w[layer])
        if negative:
            x = -x
        if a < k[layer]:
            return x
        if layer == 0:
            while True:
                xx = -math.log1p(-random(st)) / _R
                yy = -math.log1p(-random(st))
                if yy + yy > xx * xx:
                    return -(_R + xx) if negative else _R + xx
        elif (f[layer - 1] - f[layer]) * random(st) + f[layer] < math.exp(-0.5 * x * x):
            return x


@njit(cache=True, inline="always")
def exponential(st: State, scale: float) -> float:
    """Exponential with mean ``scale`` (inversion)."""
    return -math.log1p(-random(st)) * scale


@njit(cache=True)
def gumbel(st: State) -> float:
    """Standard Gumbel of the maximum: ``-log(-log(U))``, ``U`` on (0, 1)."""
    u = random(st)
    while u == 0.0:
        u = random(st)
    return -math.log(-math.log(u))


@njit(cache=True)
def logistic(st: State) -> float:
    """Standard logistic: ``log(U / (1 - U))``, ``U`` on (0, 1)."""
    u = random(st)
    while u == 0.0:
        u = random(st)
    return math.log(u / (1.0 - u))


@njit(cache=True, inline="always")
def randint(st: State, n: int) -> int:
    """Uniform on ``0 .. n-1``."""
    return min(int(random(st) * n), n - 1)
