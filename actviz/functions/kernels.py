"""Stable building blocks the kernels of several families share.

Every kernel takes a finite float64 array.  Each block here replaces a
textbook formula that loses bits (or overflows, or underflows early) in
double precision; its docstring says where and why.
"""
from __future__ import annotations

import math
from typing import Callable

import numpy as np

from .core import Array


def logistic(x: Array) -> Array:
    r"""σ(x) = 1/(1 + e^{−x}) for x ≥ 0 and eˣ/(1 + eˣ) for x < 0.

    e^{−|x|} never overflows, and the left tail keeps its subnormal values
    (σ(−740) ≈ 4.2e−322), which scipy's expit flushes to 0 below x ≈ −709.
    """
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0, e) / (1.0 + e)


def sech2(x: Array) -> Array:
    r"""sech²(x) = 4·σ(2x)·σ(−2x).

    The textbook 1 − tanh²(x) is 0 once tanh(x) rounds to ±1 (|x| > 19.1)
    although sech²(x) ≈ 4e^{−2|x|} is a normal number up to |x| ≈ 354, and
    1/cosh²(x) overflows at |x| > 710.  The product of two logistic values
    has neither problem.
    """
    return 4.0 * logistic(2.0 * x) * logistic(-2.0 * x)


SQRT2_HI = math.sqrt(2.0)


SQRT2_LO = -9.667293313452913e-17  # √2 − SQRT2_HI, so √2 = SQRT2_HI + SQRT2_LO to 32 digits


def two_minus_square(y: Array) -> Array:
    r"""2 − y², correct to a few ulps even next to its roots y = ±√2.

    Computed as (√2 − |y|)(√2 + |y|) with √2 carried as a double plus its
    rounding error: next to |y| = √2 the difference SQRT2_HI − |y| is exact
    (Sterbenz) and adding SQRT2_LO gives √2 − |y| to one rounding, whereas
    2 − y·y keeps only the rounding error of y·y there.  The sign is thereby
    right at every double, so bisection on it finds the correctly rounded
    root: GELU'' and the Gaussian's f'' vanish where 2 − y² does.
    """
    a = np.abs(y)
    return ((SQRT2_HI - a) + SQRT2_LO) * (SQRT2_HI + a)


_SPLIT = 2.0 ** 27 + 1.0  # Veltkamp's splitter for 53-bit doubles


def elementwise(function: Callable[[float], float], z: Array) -> Array:
    """A function of the math module at each element of z: for small arrays,
    where importing scipy.special would cost more than the loop."""
    flat = z.ravel().tolist()
    return np.fromiter(map(function, flat), np.float64, len(flat)).reshape(z.shape)


def two_sum(a: Array | float, b: Array | float) -> tuple[Array | float, Array | float]:
    """(s, e) with s = fl(a + b) and s + e = a + b exactly (Knuth's TwoSum)."""
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


def two_prod(a: Array | float, b: Array | float) -> tuple[Array | float, Array | float]:
    """(p, e) with p = fl(a·b) and p + e = a·b exactly (Dekker's product,
    with Veltkamp's splitting; exact for |a|, |b| below 1e300 and products
    clear of the subnormal range)."""
    p = a * b
    ah, bh = _SPLIT * a, _SPLIT * b
    ah, bh = ah - (ah - a), bh - (bh - b)
    al, bl = a - ah, b - bh
    return p, ((ah * bh - p) + ah * bl + al * bh) + al * bl


def log1p_exp(x: Array) -> Array:
    r"""log(1 + eˣ) = max(x, 0) + log1p(e^{−|x|}).

    The naive form overflows for x > 709 and returns 0 for x < −37 where
    the true value is eˣ.
    """
    return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))


# Below this eᶻ is subnormal (e^{−708.4} = 2⁻¹⁰²²): see :func:`times_exp`.
EXP_SUBNORMAL = -708.0


def times_exp(a: Array | float, z: Array) -> Array:
    r"""a·eᶻ for z ≤ 0, formed as a·q·q·q·q with q = e^{z/4}.

    Below z ≈ −708 eᶻ is subnormal and below −745.1 it rounds to 0, so
    a·exp(z) has lost some or all of its bits before the product, although
    a·eᶻ is representable down to z ≈ −1454 when a is large (x·σ(x) at
    x = −745.2 is −1.7e−321, not −0).  z/4 is exact, e^{z/4} is a normal
    number down to z ≈ −2833, and each partial product lies between a·eᶻ
    and a, so nothing underflows or overflows before the last rounding.
    """
    q = np.exp(0.25 * z)
    return a * q * q * q * q


def times_sigmoid(a: Array | float, z: Array) -> Array:
    """a·σ(z); where eᶻ is subnormal, 1 + eᶻ rounds to 1 and a·σ(z) = a·eᶻ is
    formed by :func:`times_exp` (of z ≤ 0, so that the branch not taken
    cannot overflow into inf·0)."""
    return np.where(z < EXP_SUBNORMAL, times_exp(a, np.minimum(z, 0.0)), a * logistic(z))


def heaviside(x: Array, right: bool) -> Array:
    """1.0 where x lies right of 0 (x > 0, or x ≥ 0 when `right`), else 0.0."""
    return (x >= 0 if right else x > 0).astype(np.float64)


def zero_grad(x: Array, **_: float | str) -> Array:
    """0 everywhere it exists: f' of a step, f'' of a piecewise-linear function.

    At a jump of the function differentiated there is no derivative; 0 is
    used, and the Dirac mass is not represented.
    """
    return np.zeros_like(x)
