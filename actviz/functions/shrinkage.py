"""Shrinkage and thresholding: small inputs pulled to 0 or to a constant."""
from __future__ import annotations

import math

import numpy as np

from .core import Array, Interval, Parameter, Spec
from .kernels import zero_grad
from .sigmoid_like import tanh_grad2


_TANHSHRINK_SERIES_LIMIT = 2.0


def tanhshrink(x: Array) -> Array:
    r"""x − tanh(x).

    For |x| < 2 the difference cancels (every bit is lost as x → 0), so it is
    computed from Lambert's continued fraction tanh x = x/(1 + x²/D),
    D = 3 + x²/(5 + x²/(7 + …)), which gives x − tanh x = x³/(D + x²): a sum
    of positive terms, 10 levels deep for full precision on |x| < 2.
    """
    small = np.abs(x) < _TANHSHRINK_SERIES_LIMIT
    xs = np.where(small, x, 0.0)
    x2 = xs * xs
    d = np.full_like(xs, 23.0)
    for k in range(10, 0, -1):
        d = (2 * k + 1) + x2 / d
    return np.where(small, xs * x2 / (d + x2), x - np.tanh(x))


def tanhshrink_grad(x: Array) -> Array:
    """1 − sech²(x) = tanh²(x): no cancellation."""
    return np.tanh(x) ** 2


def tanhshrink_grad2(x: Array) -> Array:
    """2·tanh(x)·sech²(x) = −tanh''(x)."""
    return -tanh_grad2(x)


TANHSHRINK = Spec(
    name="tanhshrink", aliases=("tanh_shrink",),
    summary="x − tanh(x)",
    f=tanhshrink, df=tanhshrink_grad, d2f=tanhshrink_grad2,
    latex=r"$f(x)=x-\tanh(x)$",
    dlatex=r"$f'(x)=\tanh^2(x)$",
    text="f(x) = x - tanh(x)",
    dtext="f'(x) = tanh(x)^2",
    output_range=Interval(-math.inf, math.inf),
    limits=(-math.inf, math.inf),
    dlimits=(1.0, 1.0),
    symmetry="odd",
    torch="torch.nn.Tanhshrink()",
)


_LAMBD = Parameter("lambd", 0.5, "half-width of the dead zone", lambda v: 0 <= v < math.inf, "a finite number >= 0")


def softshrink(x: Array, lambd: float) -> Array:
    """x − λ for x > λ, x + λ for x < −λ, 0 between."""
    return np.where(x > lambd, x - lambd, np.where(x < -lambd, x + lambd, 0.0))


def softshrink_grad(x: Array, lambd: float) -> Array:
    """1 for |x| > λ, 0 for |x| ≤ λ (PyTorch: 0 at ±λ)."""
    return (np.abs(x) > lambd).astype(np.float64)


SOFTSHRINK = Spec(
    name="softshrink", aliases=("soft_shrink",),
    summary="Soft thresholding by λ",
    f=softshrink, df=softshrink_grad, d2f=zero_grad,
    latex=r"$f(x)=\mathrm{sign}(x)\,\max(|x|-\lambda,0)$",
    dlatex=r"$f'(x)=1$ if $|x|>\lambda$, else $0$",
    text="f(x) = x - lambd if x > lambd, x + lambd if x < -lambd, else 0",
    dtext="f'(x) = 1 if |x| > lambd else 0",
    params=(_LAMBD,),
    output_range=Interval(-math.inf, math.inf),
    limits=(-math.inf, math.inf),
    dlimits=(1.0, 1.0),
    kinks=lambda p: (-p["lambd"], p["lambd"]) if p["lambd"] > 0 else (0.0,),
    df_at_kinks=lambda p: {-p["lambd"]: 0.0, p["lambd"]: 0.0},
    continuity="C0", symmetry="odd",
    xlim=(-2.0, 2.0),
    torch="torch.nn.Softshrink(lambd={lambd})",
)


def hardshrink(x: Array, lambd: float) -> Array:
    """x for |x| > λ, 0 for |x| ≤ λ (the jumps at ±λ take the value 0)."""
    return np.where(np.abs(x) > lambd, x, 0.0)


def hardshrink_grad(x: Array, lambd: float) -> Array:
    """1 for |x| > λ, 0 otherwise (f' does not exist at the jumps; 0 there)."""
    return softshrink_grad(x, lambd)


HARDSHRINK = Spec(
    name="hardshrink", aliases=("hard_shrink",),
    summary="Hard thresholding by λ (jumps at ±λ)",
    f=hardshrink, df=hardshrink_grad, d2f=zero_grad,
    latex=r"$f(x)=x$ if $|x|>\lambda$, else $0$",
    dlatex=r"$f'(x)=1$ if $|x|>\lambda$, else $0$",
    text="f(x) = x if |x| > lambd else 0",
    dtext="f'(x) = 1 if |x| > lambd else 0",
    params=(_LAMBD,),
    output_range=Interval(-math.inf, math.inf),
    limits=(-math.inf, math.inf),
    dlimits=(1.0, 1.0),
    kinks=lambda p: () if p["lambd"] > 0 else (0.0,),
    jumps=lambda p: (-p["lambd"], p["lambd"]) if p["lambd"] > 0 else (),
    df_at_kinks=lambda p: {-p["lambd"]: 0.0, p["lambd"]: 0.0},
    monotonic=lambda p: p["lambd"] == 0, continuity="discontinuous", symmetry="odd",
    xlim=(-2.0, 2.0),
    torch="torch.nn.Hardshrink(lambd={lambd})",
)


def threshold(x: Array, threshold: float, value: float) -> Array:
    """x for x > threshold, `value` otherwise."""
    return np.where(x > threshold, x, value)


def threshold_grad(x: Array, threshold: float, value: float) -> Array:
    """1 for x > threshold, 0 otherwise."""
    return (x > threshold).astype(np.float64)


THRESHOLD = Spec(
    name="threshold",
    summary="x above a threshold, a constant value below",
    f=threshold, df=threshold_grad, d2f=zero_grad,
    latex=r"$f(x)=x$ if $x>\theta$, else $v$",
    dlatex=r"$f'(x)=1$ if $x>\theta$, else $0$",
    text="f(x) = x if x > threshold else value",
    dtext="f'(x) = 1 if x > threshold else 0",
    params=(Parameter("threshold", 1.0, "the switch point (PyTorch has no default)"),
            Parameter("value", 0.0, "the output at and below the switch")),
    output_range=lambda p: Interval(min(p["threshold"], p["value"]), math.inf,
                                    lo_closed=p["value"] <= p["threshold"]),
    limits=lambda p: (p["value"], math.inf),
    dlimits=(0.0, 1.0),
    kinks=lambda p: () if p["value"] != p["threshold"] else (p["threshold"],),
    jumps=lambda p: (p["threshold"],) if p["value"] != p["threshold"] else (),
    df_at_kinks=lambda p: {p["threshold"]: 0.0},
    monotonic=lambda p: p["value"] <= p["threshold"],
    continuity=lambda p: "C0" if p["value"] == p["threshold"] else "discontinuous",
    xlim=lambda p: (min(p["threshold"], p["value"]) - 3.0, max(p["threshold"], p["value"]) + 3.0),
    torch="torch.nn.Threshold(threshold={threshold}, value={value})",
)
