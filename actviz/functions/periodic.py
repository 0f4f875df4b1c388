"""Oscillating functions: the cosine, and units that let a wave ride on a
line (growing cosine unit, sinusoidal linear unit).

sin and snake, older members of the same family, are in ``classics``.
"""
from __future__ import annotations

import math

import numpy as np

from .core import Array, Interval, Spec
from .kernels import logistic, times_sigmoid


def cos(x: Array) -> Array:
    """cos(x)."""
    return np.cos(x)


def cos_grad(x: Array) -> Array:
    """−sin(x)."""
    return -np.sin(x)


def cos_grad2(x: Array) -> Array:
    """−cos(x)."""
    return -np.cos(x)


COS = Spec(
    name="cos", aliases=("cosine",),
    summary="cos(x), periodic and even",
    f=cos, df=cos_grad, d2f=cos_grad2,
    latex=r"$f(x)=\cos x$",
    dlatex=r"$f'(x)=-\sin x$",
    text="f(x) = cos(x)",
    dtext="f'(x) = -sin(x)",
    output_range=Interval(-1.0, 1.0, lo_closed=True, hi_closed=True),
    limits=(math.nan, math.nan),
    dlimits=(math.nan, math.nan),
    monotonic=False, symmetry="even",
    xlim=(-2 * math.pi, 2 * math.pi),
    reference="e.g. Parascandolo et al. 2016 (periodic units)",
)


def gcu(x: Array) -> Array:
    """x·cos(x): |cos x| ≤ 1, so the product cannot overflow."""
    return x * np.cos(x)


def gcu_grad(x: Array) -> Array:
    """cos(x) − x·sin(x)."""
    return np.cos(x) - x * np.sin(x)


def gcu_grad2(x: Array) -> Array:
    """−2·sin(x) − x·cos(x); neither term can overflow."""
    return -2.0 * np.sin(x) - x * np.cos(x)


GCU = Spec(
    name="gcu", aliases=("growing_cosine_unit",),
    summary="Growing cosine unit x·cos(x): oscillates with growing amplitude",
    f=gcu, df=gcu_grad, d2f=gcu_grad2,
    latex=r"$f(x)=x\cos x$",
    dlatex=r"$f'(x)=\cos x-x\sin x$",
    text="f(x) = x·cos(x)",
    dtext="f'(x) = cos(x) - x·sin(x)",
    # No limit at ±∞, but values of every size: the range is the whole line.
    output_range=Interval(-math.inf, math.inf),
    limits=(math.nan, math.nan),
    dlimits=(math.nan, math.nan),
    monotonic=False, symmetry="odd",
    xlim=(-3 * math.pi, 3 * math.pi),
    reference="Noel et al. 2021",
)


# Left of this σ(x)·(anything finite) is below the least subnormal.
_SIGMOID_NEGLIGIBLE = -1500.0


def _sinlu_parts(x: Array) -> tuple[Array, Array, Array]:
    """g = x + sin(x), g' = 1 + cos(x), g'' = −sin(x), each set to 0 where
    σ(x) makes every product with it 0."""
    s, c = np.sin(x), np.cos(x)
    negligible = x < _SIGMOID_NEGLIGIBLE
    return (np.where(negligible, 0.0, x + s), np.where(negligible, 0.0, 1.0 + c),
            np.where(negligible, 0.0, -s))


def sinlu(x: Array) -> Array:
    r"""(x + sin x)·σ(x), the product formed by :func:`times_sigmoid`, which
    keeps it where σ(x) is subnormal."""
    g, _, _ = _sinlu_parts(x)
    return times_sigmoid(g, x)


def sinlu_grad(x: Array) -> Array:
    r"""g'σ + gσ' = σ(x)·(g' + g·σ(−x)), g = x + sin x; σ(−x) rather than
    1 − σ(x) keeps the right tail, as in silu'."""
    g, dg, _ = _sinlu_parts(x)
    return times_sigmoid(dg + g * logistic(-x), x)


def sinlu_grad2(x: Array) -> Array:
    r"""g''σ + 2g'σ' + gσ'' = σ(x)·(g'' + σ(−x)·(2g' − g·tanh(x/2))).

    From σ' = σ(x)σ(−x) and σ'' = −σ'·tanh(x/2) (see sigmoid_grad2).
    """
    g, dg, d2g = _sinlu_parts(x)
    return times_sigmoid(d2g + logistic(-x) * (2.0 * dg - g * np.tanh(0.5 * x)), x)


_SINLU_MINIMUM = -0.4973705541899910

SINLU = Spec(
    name="sinlu",
    summary="Sinusoidal linear unit (x + sin x)·σ(x)",
    f=sinlu, df=sinlu_grad, d2f=sinlu_grad2,
    latex=r"$f(x)=(x+\sin x)\,\sigma(x)$",
    dlatex=r"$f'(x)=\sigma(x)\left(1+\cos x+(x+\sin x)\,\sigma(-x)\right)$",
    text="f(x) = (x + sin(x))·sigmoid(x)",
    dtext="f'(x) = sigmoid(x)·(1 + cos(x) + (x + sin(x))·sigmoid(-x))",
    # The least value, where f' = 0 (x ≈ −1.0829); to the right x + sin x ≥ x − 1
    # keeps f above it, and to the left σ(x) shrinks it.
    output_range=Interval(_SINLU_MINIMUM, math.inf, lo_closed=True),
    limits=(0.0, math.inf),
    dlimits=(0.0, math.nan),
    monotonic=False,
    xlim=(-8.0, 8.0),
    reference="Paul et al. 2022 (SinLU, (x + a·sin bx)·σ(x); a = b = 1, their initial values)",
)
