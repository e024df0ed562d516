"""A fast standard normal for compiled code, drawn from numba's ``np.random`` stream.

numba's ``np.random.standard_normal`` costs several uniforms, a logarithm and a square root
per draw; the ziggurat of Marsaglia and Tsang ("The Ziggurat Method for Generating Random
Variables", J. Stat. Software 5(8), 2000; the 256-layer tables numpy's ``Generator`` uses) costs
one uniform almost always and stays exact: a draw outside a layer's rectangle is accepted or
rejected against the density, and the tail beyond ``R`` is sampled exactly. The one uniform
(``np.random.random``, 53 random bits) gives the layer (8 bits), the sign (1 bit) and the
abscissa (44 bits), so the stream is still the one ``np.random.seed`` sets.

Signature (njit)::

    standard_normal() -> float
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

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
_TWO53 = float(2**53)


@njit(cache=True)
def standard_normal() -> float:
    """One draw of N(0, 1)."""
    k, w, f = _K, _W, _F
    while True:
        bits = np.int64(np.random.random() * _TWO53)
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
                xx = -math.log1p(-np.random.random()) / _R
                yy = -math.log1p(-np.random.random())
                if yy + yy > xx * xx:
                    return -(_R + xx) if negative else _R + xx
        elif (f[layer - 1] - f[layer]) * np.random.random() + f[layer] < math.exp(-0.5 * x * x):
            return x
