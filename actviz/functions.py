r"""The registry of activation functions: one entry per function.

Each entry (a :class:`Spec`) holds the function ``f``, its analytic
derivatives ``df`` and ``d2f``, the parameters with their defaults (PyTorch's,
where PyTorch has the function), the formulas in mathtext and in plain text, the
PyTorch equivalent, and the facts a plot or a table needs: output range,
limits at ±∞, kinks and jumps, monotonicity, continuity class, symmetry and a
default plotting range.  Everything else in actviz is derived from this table.

The kernels below take a finite float64 array.  :class:`Activation` wraps them
with what every function shares: conversion to float64, NaN in gives NaN out,
±inf gives the declared limit.

Accuracy is the point of the module.  Every formula is arranged so that
evaluating it in double precision loses no more than a few ulps beyond the
condition number of the function itself; where the arrangement differs from
the textbook one, the docstring says why.  Kinks take PyTorch's one-sided
derivative (``relu'(0) = 0``, ``hardtanh'(±1) = 0``, ``elu'(0) = α``), and
jumps take PyTorch's side (``hardshrink(±λ) = 0``).  Where f' jumps, f'' takes
the side f' takes (``elu''(0) = α``).
"""
from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import numpy as np

__all__ = [
    "Activation", "Parameter", "Spec", "Interval", "REGISTRY", "PRESETS",
    "ActvizError", "ALIASES", "family", "format_value", "get", "names", "resolve_name",
]


class ActvizError(ValueError):
    """A user's mistake: an unknown name, a bad parameter, a bad range."""


# ---------------------------------------------------------------------------
# Shared stable building blocks
# ---------------------------------------------------------------------------

def _sigmoid(x):
    r"""σ(x) = 1/(1 + e^{−x}) for x ≥ 0 and eˣ/(1 + eˣ) for x < 0.

    e^{−|x|} never overflows, and the left tail keeps its subnormal values
    (σ(−740) ≈ 4.2e−322), which scipy's expit flushes to 0 below x ≈ −709.
    """
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0, e) / (1.0 + e)


def _sech2(x):
    r"""sech²(x) = 4·σ(2x)·σ(−2x).

    The textbook 1 − tanh²(x) is 0 once tanh(x) rounds to ±1 (|x| > 19.1)
    although sech²(x) ≈ 4e^{−2|x|} is a normal number up to |x| ≈ 354, and
    1/cosh²(x) overflows at |x| > 710.  The product of two logistic values
    has neither problem.
    """
    return 4.0 * _sigmoid(2.0 * x) * _sigmoid(-2.0 * x)


_SQRT2_HI = math.sqrt(2.0)
_SQRT2_LO = -9.667293313452913e-17  # √2 − _SQRT2_HI, so √2 = _SQRT2_HI + _SQRT2_LO to 32 digits


def _two_minus_square(y):
    r"""2 − y², correct to a few ulps even next to its roots y = ±√2.

    Computed as (√2 − |y|)(√2 + |y|) with √2 carried as a double plus its
    rounding error: next to |y| = √2 the difference _SQRT2_HI − |y| is exact
    (Sterbenz) and adding _SQRT2_LO gives √2 − |y| to one rounding, whereas
    2 − y·y keeps only the rounding error of y·y there.  The sign is thereby
    right at every double, so bisection on it finds the correctly rounded
    root: GELU'' and the Gaussian's f'' vanish where 2 − y² does.
    """
    a = np.abs(y)
    return ((_SQRT2_HI - a) + _SQRT2_LO) * (_SQRT2_HI + a)


def _softplus(x):
    r"""log(1 + eˣ) = max(x, 0) + log1p(e^{−|x|}).

    The naive form overflows for x > 709 and returns 0 for x < −37 where
    the true value is eˣ.
    """
    return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))


# Below this eᶻ is subnormal (e^{−708.4} = 2⁻¹⁰²²): see :func:`_times_exp`.
_EXP_SUBNORMAL = -708.0


def _times_exp(a, z):
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


def _times_sigmoid(a, z):
    """a·σ(z); where eᶻ is subnormal, 1 + eᶻ rounds to 1 and a·σ(z) = a·eᶻ is
    formed by :func:`_times_exp`."""
    return np.where(z < _EXP_SUBNORMAL, _times_exp(a, z), a * _sigmoid(z))


def _relu(x):
    return np.maximum(x, 0.0)


def _step(x, right: bool):
    """1.0 where x lies right of 0 (x > 0, or x ≥ 0 when `right`), else 0.0."""
    return (x >= 0 if right else x > 0).astype(np.float64)


def _piecewise_slope(x, negative_slope):
    """x for x > 0, negative_slope·x for x ≤ 0."""
    return np.where(x > 0, x, negative_slope * x)


# ---------------------------------------------------------------------------
# Kernels: f and f' of every function, on finite float64 arrays
# ---------------------------------------------------------------------------

def sigmoid(x):
    r"""σ(x) = 1 / (1 + e^{−x})."""
    return _sigmoid(x)


def sigmoid_grad(x):
    r"""σ'(x) = σ(x)·σ(−x).

    The textbook σ(x)(1 − σ(x)) is exactly 0 for x > 37 (σ rounds to 1),
    where the true value e^{−x} is still far above the underflow threshold.
    """
    return _sigmoid(x) * _sigmoid(-x)


def sigmoid_grad2(x):
    r"""σ''(x) = σ'(x)·(1 − 2σ(x)) = −σ(x)σ(−x)·tanh(x/2).

    1 − 2σ(x) = σ(−x) − σ(x) cancels near 0, where σ'' has its root; the
    equal tanh(x/2) keeps full relative precision there.
    """
    return -sigmoid_grad(x) * np.tanh(0.5 * x)


def tanh(x):
    """tanh(x)."""
    return np.tanh(x)


def tanh_grad(x):
    """tanh'(x) = sech²(x); see :func:`_sech2` for why not 1 − tanh²."""
    return _sech2(x)


def tanh_grad2(x):
    """tanh''(x) = −2·tanh(x)·sech²(x), a product with no cancellation."""
    return -2.0 * np.tanh(x) * _sech2(x)


def relu(x):
    """max(0, x)."""
    return _relu(x)


def relu_grad(x):
    """1 for x > 0, else 0 (PyTorch: relu'(0) = 0)."""
    return _step(x, right=False)


def leaky_relu(x, negative_slope):
    """x for x > 0, negative_slope·x otherwise."""
    return _piecewise_slope(x, negative_slope)


def leaky_relu_grad(x, negative_slope):
    """1 for x > 0, negative_slope for x ≤ 0 (PyTorch's value at 0)."""
    return np.where(x > 0, 1.0, negative_slope)


def prelu(x, weight):
    """x for x > 0, weight·x otherwise (one shared learnable weight)."""
    return _piecewise_slope(x, weight)


def prelu_grad(x, weight):
    """1 for x > 0, weight for x ≤ 0."""
    return np.where(x > 0, 1.0, weight)


def rrelu_slope(lower, upper):
    """The mean slope (lower + upper)/2; lower/2 + upper/2 where the sum
    overflows (both near 1.8e308)."""
    mean = (lower + upper) / 2
    return mean if math.isfinite(mean) else lower / 2 + upper / 2


def rrelu(x, lower, upper):
    """Evaluation-mode RReLU: leaky ReLU with the mean slope (lower + upper)/2."""
    return _piecewise_slope(x, rrelu_slope(lower, upper))


def rrelu_grad(x, lower, upper):
    return np.where(x > 0, 1.0, rrelu_slope(lower, upper))


def elu(x, alpha):
    r"""x for x > 0, α·(eˣ − 1) otherwise.

    expm1 keeps eˣ − 1 exact for small |x|; evaluating it on min(x, 0) means
    exp never sees the discarded large positive branch.
    """
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0.0)))


def elu_grad(x, alpha):
    """1 for x > 0, α·eˣ for x ≤ 0 (PyTorch: elu'(0) = α); α·eˣ by
    :func:`_times_exp` where eˣ is subnormal, since a large α lifts it back."""
    xn = np.minimum(x, 0.0)
    left = np.where(xn < _EXP_SUBNORMAL, _times_exp(alpha, xn), alpha * np.exp(xn))
    return np.where(x > 0, 1.0, left)


def elu_grad2(x, alpha):
    """0 for x > 0, α·eˣ for x ≤ 0: at the kink elu'' takes the side elu'
    takes (elu''(0) = α)."""
    return np.where(x > 0, 0.0, elu_grad(x, alpha))


SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def selu(x):
    """λ·elu(x, α) with the self-normalising constants of Klambauer et al.
    (α ≈ 1.6733, λ ≈ 1.0507)."""
    return SELU_SCALE * elu(x, SELU_ALPHA)


def selu_grad(x):
    """λ for x > 0, λ·α·eˣ for x ≤ 0 (PyTorch: selu'(0) = λα ≈ 1.7581)."""
    return SELU_SCALE * elu_grad(x, SELU_ALPHA)


def selu_grad2(x):
    """0 for x > 0, λ·α·eˣ for x ≤ 0 (selu''(0) = λα, the side of selu')."""
    return SELU_SCALE * elu_grad2(x, SELU_ALPHA)


def celu(x, alpha):
    r"""max(0, x) + min(0, α·(e^{x/α} − 1)).

    x/α is clipped at −800 before the division so that a tiny α cannot
    overflow it; e^{−800} − 1 is already −1 in double precision.  Where
    |x/α| < 2⁻⁵³, α(e^{x/α} − 1) = x(1 + x/(2α) + …) rounds to x itself,
    which is returned: for a huge α, x/α would lose its bits as a subnormal
    (or flush to 0) before α multiplied them back.
    """
    t = np.maximum(np.minimum(x, 0.0), -800.0 * alpha) / alpha
    linear = (x > 0) | (t > -(2.0 ** -53))
    return np.where(linear, x, alpha * np.expm1(t))


def celu_grad(x, alpha):
    """1 for x > 0, e^{x/α} for x ≤ 0 (so celu'(0) = 1)."""
    t = np.maximum(np.minimum(x, 0.0), -800.0 * alpha) / alpha
    return np.where(x > 0, 1.0, np.exp(t))


def celu_grad2(x, alpha):
    r"""0 for x > 0, e^{x/α}/α for x ≤ 0 (celu''(0) = 1/α, the side celu'
    takes; celu' is continuous at 0, celu'' jumps).

    celu' is divided by α rather than multiplied by 1/α, which overflows for
    a subnormal α where e^{x/α}/α need not.
    """
    return np.where(x > 0, 0.0, celu_grad(x, alpha)) / alpha


_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_GELU_CUBIC = 0.044715


def _normal_pdf(x):
    """φ(x) = e^{−x²/2}/√(2π) on x clipped to ±40 (φ(40) underflows), so x²
    cannot overflow."""
    xc = np.clip(x, -40.0, 40.0)
    return _INV_SQRT_2PI * np.exp(-0.5 * xc * xc)


# (2k − 1)!! (−1)^k, the coefficients of Φ's asymptotic series in 1/x².
_MILLS_SERIES = [(-1) ** k * math.prod(range(1, 2 * k, 2)) for k in range(9)]


def _normal_cdf(x):
    r"""Φ(x); scipy's ndtr, except for x < −37.

    scipy.special is imported here, on first use, because importing it costs
    about 0.2 s: more than all of `actviz list` needs otherwise.

    There ndtr's erfc underflows to 0 while Φ(x) is still a subnormal
    (Φ(−38) ≈ 2.9e−316), so Φ(x) = φ(x)/|x|·S(x) is used, with the
    asymptotic series S of :func:`_mills_series`.
    """
    from scipy.special import ndtr

    far = x < _NORMAL_FAR
    xf = np.where(far, x, _NORMAL_FAR)
    return np.where(far, _normal_pdf(xf) / -xf * _mills_series(xf), ndtr(x))


_NORMAL_FAR = -37.0


def _mills_series(x):
    r"""S(x) = Σₖ (−1)ᵏ(2k − 1)!!/x^{2k}, so that Φ(x) = φ(x)/|x|·S(x) for
    x ≪ 0; nine terms reach full precision for x ≤ −37 (`_NORMAL_FAR`)."""
    inv2 = 1.0 / (x * x)
    series = np.zeros_like(x)
    for c in reversed(_MILLS_SERIES):
        series = series * inv2 + c
    return series


def _normal_tail(x):
    """x clipped to [−40, −37], where the far-left forms of GELU apply (every
    product with φ(x) underflows left of −40), and S(x) there."""
    xf = np.clip(x, -40.0, _NORMAL_FAR)
    return xf, _mills_series(xf)


def _gelu_tanh_arg(x):
    """2u for the tanh form, u = √(2/π)(x + 0.044715x³); |x| is capped at 1e4
    so x³ cannot overflow (σ(2u) is already 0 or 1 long before that)."""
    xc = np.clip(x, -1e4, 1e4)
    return 2.0 * _SQRT_2_OVER_PI * (xc + _GELU_CUBIC * xc ** 3)


def _gelu_tanh_arg_slope(x):
    """(2u)' = 2√(2/π)(1 + 3·0.044715x²), with |x| capped as in
    :func:`_gelu_tanh_arg`."""
    xc = np.clip(x, -1e4, 1e4)
    return 2.0 * _SQRT_2_OVER_PI * (1.0 + 3.0 * _GELU_CUBIC * xc * xc)


def gelu(x, approximate):
    r"""x·Φ(x), Φ the standard normal CDF; or the tanh form.

    Exact form: Φ is computed through erfc for x < 0 (see
    :func:`_normal_cdf`), so the left tail keeps full relative precision;
    the textbook x·(1 + erf(x/√2))/2 cancels to 0 for x < −6.  For x < −37,
    x·Φ(x) = −φ(x)·S(x): the 1/|x| inside Φ cancels against x, and the
    product is formed by :func:`_times_exp`, because Φ underflows
    (x < −38.5) before x·Φ(x) does (x < −38.6).

    Tanh form: ½x(1 + tanh u) is rewritten as x·σ(2u), since 1 + tanh(u)
    = 2σ(2u) cancels for u ≪ 0.
    """
    if approximate == "tanh":
        return _times_sigmoid(x, _gelu_tanh_arg(x))
    xf, series = _normal_tail(x)
    tail = _times_exp(-_INV_SQRT_2PI * series, -0.5 * xf * xf)
    return np.where(x < _NORMAL_FAR, tail, x * _normal_cdf(x))


def gelu_grad(x, approximate):
    r"""Exact: Φ(x) + x·φ(x) = φ(x)·(x + S(x)/|x|) for x < −37, where −x·φ(x)
    would underflow first (see :func:`gelu`).

    Tanh form: σ(2u) + x·2u'·σ(2u)σ(−2u), that is e^{2u}(1 + x·2u') where
    e^{2u} is subnormal; x is capped with u, where σ(2u)σ(−2u) is already
    0, so that x·2u' cannot overflow into inf·0.
    """
    if approximate == "tanh":
        v = _gelu_tanh_arg(x)
        xc = np.clip(x, -1e4, 1e4)
        dv = _gelu_tanh_arg_slope(x)
        near = _sigmoid(v) + xc * dv * (_sigmoid(v) * _sigmoid(-v))
        return np.where(v < _EXP_SUBNORMAL, _times_exp(1.0 + xc * dv, v), near)
    xf, series = _normal_tail(x)
    tail = _times_exp(_INV_SQRT_2PI * (xf - series / xf), -0.5 * xf * xf)
    return np.where(x < _NORMAL_FAR, tail, _normal_cdf(x) + x * _normal_pdf(x))


def gelu_grad2(x, approximate):
    r"""Exact: φ(x)·(2 − x²).  Tanh form, v = 2u:
    σ'(v)·B, B = 2v' + x·v'' − x·v'²·tanh(v/2).

    Exact form: 2 − x² is formed by :func:`_two_minus_square`, so the root
    at x = ±√2 (where GELU' peaks) is the correctly rounded √2.  x is capped
    at ±40, where φ underflows, so x² cannot overflow.

    Tanh form: σ''(v) = −σ'(v)·tanh(v/2) (see :func:`sigmoid_grad2`).
    σ'(v) = s², s = sech(v/2)/2 = h/(1 + h²), h = e^{−|v|/2}, and σ'(v)·B is
    formed as (s·B)·s: for x in [−21.9, −21.2] σ'(v) alone is subnormal, and
    B ≈ 2·10⁵ would magnify its rounding a hundredfold beyond the condition
    number.  The capped x is used in B, whose factor σ'(v) is 0 beyond the
    cap.  Near |x| = 2, where f''' ≈ 0 (so f'' is well conditioned), up to
    10 ulps remain: σ'(v) magnifies the rounding of v by |v·tanh(v/2)| ≈ 3.7,
    and only v carried in double-double would remove that.
    """
    if approximate == "tanh":
        xc = np.clip(x, -1e4, 1e4)
        v = _gelu_tanh_arg(x)
        dv = _gelu_tanh_arg_slope(x)
        d2v = 12.0 * _SQRT_2_OVER_PI * _GELU_CUBIC * xc
        bracket = 2.0 * dv + xc * d2v - xc * dv * dv * np.tanh(0.5 * v)
        h = np.exp(-0.5 * np.abs(v))
        s = h / (1.0 + h * h)
        return s * bracket * s
    return _normal_pdf(x) * _two_minus_square(np.clip(x, -40.0, 40.0))


def softplus(x, beta, threshold):
    r"""log(1 + e^{βx})/β = max(x, 0) + log1p(e^{−β|x|})/β.

    The stable form never overflows and keeps e^{βx}/β for βx ≪ 0, formed
    by :func:`_times_exp` where e^{βx} is subnormal (a small β lifts it
    back).  With a finite `threshold`, PyTorch's shortcut f = x for
    βx > threshold is reproduced exactly (it is off by default: it is a
    speed trick that costs up to 2e−9 relative error at the switch).
    """
    z = -beta * np.abs(x)
    tail = np.where(z < _EXP_SUBNORMAL, _times_exp(1.0 / beta, z), np.log1p(np.exp(z)) / beta)
    return np.where(beta * x > threshold, x, np.maximum(x, 0.0) + tail)


def softplus_grad(x, beta, threshold):
    """σ(βx), or 1 where PyTorch's threshold shortcut applies."""
    return np.where(beta * x > threshold, 1.0, _sigmoid(beta * x))


def softplus_grad2(x, beta, threshold):
    """β·σ'(βx); 0 where PyTorch's threshold shortcut makes f linear (at
    βx = threshold f' is σ, so f'' is β·σ' there)."""
    return np.where(beta * x > threshold, 0.0, beta * sigmoid_grad(beta * x))


def silu(x):
    """x·σ(x) (SiLU, also called swish)."""
    return _times_sigmoid(x, x)


def silu_grad(x):
    r"""σ(x)·(1 + x·σ(−x)); σ(−x) instead of 1 − σ(x) keeps the right tail."""
    return _times_sigmoid(1.0 + x * _sigmoid(-x), x)


def silu_grad2(x):
    r"""2σ'(x) + x·σ''(x) = σ'(x)·(2 − x·tanh(x/2)).

    σ'' = −σ'·tanh(x/2) (see :func:`sigmoid_grad2`); σ'(x) = σ(x)σ(−x)
    underflows to exactly 0 before x·tanh(x/2) can overflow.
    """
    return sigmoid_grad(x) * (2.0 - x * np.tanh(0.5 * x))


def swish_beta(x, beta):
    """x·σ(βx) (Ramachandran et al.'s Swish-β; β = 1 is SiLU)."""
    return _times_sigmoid(x, beta * x)


def swish_beta_grad(x, beta):
    """σ(βx)·(1 + βx·σ(−βx)); βx is capped at ±1e4, where the value is
    already exactly 1 or 0, so an overflowed βx cannot form inf·0."""
    bx = np.clip(beta * x, -1e4, 1e4)
    return _times_sigmoid(1.0 + bx * _sigmoid(-bx), bx)


def swish_beta_grad2(x, beta):
    """β·silu''(βx), with βx capped at ±1e4 as in f' (silu'' is already 0
    there)."""
    return beta * silu_grad2(np.clip(beta * x, -1e4, 1e4))


def quick_gelu(x):
    """x·σ(1.702x), the GELU approximation used by CLIP."""
    return swish_beta(x, 1.702)


def quick_gelu_grad(x):
    return swish_beta_grad(x, 1.702)


def quick_gelu_grad2(x):
    return swish_beta_grad2(x, 1.702)


def mish(x):
    """x·tanh(softplus(x)), with the stable softplus; x·eˣ (to the last bit)
    by :func:`_times_exp` where eˣ is subnormal."""
    return np.where(x < _EXP_SUBNORMAL, _times_exp(x, x), x * np.tanh(_softplus(x)))


def mish_grad(x):
    """tanh(sp) + x·sech²(sp)·σ(x), sp = softplus(x); (1 + x)·eˣ where eˣ is
    subnormal."""
    sp = _softplus(x)
    near = np.tanh(sp) + x * _sech2(sp) * _sigmoid(x)
    return np.where(x < _EXP_SUBNORMAL, _times_exp(1.0 + x, x), near)


def _sech2_softplus(x):
    r"""sech²(softplus(x)) = (2/(w + 1/w))², w = 1 + eˣ.

    sech² of the rounded softplus(x) magnifies its rounding error by
    2·softplus(x) (4× at x = 2, growing with x); w + 1/w passes the rounding
    of w on unmagnified.  x is capped at 400, beyond which the value
    underflows, so eˣ cannot overflow.
    """
    w = 1.0 + np.exp(np.minimum(x, 400.0))
    return (2.0 / (w + 1.0 / w)) ** 2


def mish_grad2(x):
    r"""sech²(sp)·σ(x)·(2 + x·(σ(−x) − 2·tanh(sp)·σ(x))), sp = softplus(x).

    From sp' = σ(x), tanh(sp)' = sech²(sp)·σ(x), σ' = σ(x)σ(−x); sech²(sp)
    comes from :func:`_sech2_softplus`.  The bracket uses x capped at ±1e4,
    where its factor sech²(sp)·σ(x) is already 0, so 2x cannot overflow.
    """
    s = _sigmoid(x)
    xc = np.clip(x, -1e4, 1e4)
    return _sech2_softplus(x) * s * (2.0 + xc * (_sigmoid(-x) - 2.0 * np.tanh(_softplus(x)) * s))


def softsign(x):
    """x / (1 + |x|)."""
    return x / (1.0 + np.abs(x))


def softsign_grad(x):
    """1/(1 + |x|)², squared after the division so it cannot overflow."""
    return (1.0 / (1.0 + np.abs(x))) ** 2


def softsign_grad2(x):
    r"""−2·sign(x)/(1 + |x|)³, formed as −2·sign(x)·r/u²·(1 − 3e·r).

    u = 1 + |x| rounded, r = 1/u, and e = 1 + |x| − u its rounding error,
    exact by Fast2Sum: the cube would triple the rounding of u (up to 5 ulps
    in all), so (1 + e/u)^{−3} ≈ 1 − 3e·r puts it back (2.5 ulps).  Where u²
    overflows (|x| > 1e154) r/u² is correctly 0, and the result rounds into
    the subnormal range only at its last step.

    softsign' is continuous at 0 but softsign'' jumps there from 2 to −2;
    softsign''(0) = 0, the value that keeps f'' odd (sign(0) = 0).
    """
    a = np.abs(x)
    u = 1.0 + a
    e = np.minimum(a, 1.0) - (u - np.maximum(a, 1.0))
    r = 1.0 / u
    return -2.0 * np.sign(x) * r / (u * u) * (1.0 - 3.0 * e * r)


def logsigmoid(x):
    r"""log σ(x) = −softplus(−x), which with the stable softplus is
    x − log1p(eˣ) for x < 0 and −log1p(e^{−x}) for x ≥ 0: exact in both
    tails, where log(σ(x)) would give −inf below x ≈ −745."""
    return -_softplus(-x)


def logsigmoid_grad(x):
    """σ(−x)."""
    return _sigmoid(-x)


def logsigmoid_grad2(x):
    """−σ(x)σ(−x)."""
    return -sigmoid_grad(x)


def hardtanh(x, min_val, max_val):
    """x clipped to [min_val, max_val]."""
    return np.clip(x, min_val, max_val)


def hardtanh_grad(x, min_val, max_val):
    """1 strictly inside (min_val, max_val), 0 elsewhere, kinks included."""
    return ((x > min_val) & (x < max_val)).astype(np.float64)


def relu6(x):
    """min(max(0, x), 6)."""
    return hardtanh(x, 0.0, 6.0)


def relu6_grad(x):
    """1 on (0, 6), 0 elsewhere (PyTorch: 0 at both kinks)."""
    return hardtanh_grad(x, 0.0, 6.0)


def hardsigmoid(x):
    r"""relu6(x + 3)/6.

    (x + 3)/6 rather than x/6 + 1/2: near x = −3 the sum is exact (Sterbenz)
    while x/6 + 1/2 would cancel.
    """
    return relu6(x + 3.0) / 6.0


def hardsigmoid_grad(x):
    """Exactly 1/6 on (−3, 3), 0 elsewhere."""
    return np.where((x > -3.0) & (x < 3.0), 1.0 / 6.0, 0.0)


def hardswish(x):
    """x·relu6(x + 3)/6, and x itself for x > 3 (where x·6 would overflow
    for x > 3e307)."""
    return np.where(x > 3.0, x, x * relu6(x + 3.0) / 6.0)


def hardswish_grad(x):
    r"""0 for x < −3, (2x + 3)/6 for −3 ≤ x ≤ 3, 1 for x > 3.

    These are PyTorch's sides (−1/2 at −3, 3/2 at 3).  (2x + 3)/6 is exact
    near its root −3/2, where x/3 + 1/2 would cancel.
    """
    inner = (2.0 * x + 3.0) / 6.0
    return np.where(x < -3.0, 0.0, np.where(x <= 3.0, inner, 1.0))


def hardswish_grad2(x):
    """1/3 on [−3, 3], 0 outside: at ±3 the side hardswish' takes (the
    middle piece).  f'' of the outer linear pieces is 0."""
    return np.where((x >= -3.0) & (x <= 3.0), 1.0 / 3.0, 0.0)


_TANHSHRINK_SERIES_LIMIT = 2.0


def tanhshrink(x):
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


def tanhshrink_grad(x):
    """1 − sech²(x) = tanh²(x): no cancellation."""
    return np.tanh(x) ** 2


def tanhshrink_grad2(x):
    """2·tanh(x)·sech²(x) = −tanh''(x)."""
    return -tanh_grad2(x)


def softshrink(x, lambd):
    """x − λ for x > λ, x + λ for x < −λ, 0 between."""
    return np.where(x > lambd, x - lambd, np.where(x < -lambd, x + lambd, 0.0))


def softshrink_grad(x, lambd):
    """1 for |x| > λ, 0 for |x| ≤ λ (PyTorch: 0 at ±λ)."""
    return (np.abs(x) > lambd).astype(np.float64)


def hardshrink(x, lambd):
    """x for |x| > λ, 0 for |x| ≤ λ (the jumps at ±λ take the value 0)."""
    return np.where(np.abs(x) > lambd, x, 0.0)


def hardshrink_grad(x, lambd):
    """1 for |x| > λ, 0 otherwise (f' does not exist at the jumps; 0 there)."""
    return softshrink_grad(x, lambd)


def threshold(x, threshold, value):
    """x for x > threshold, `value` otherwise."""
    return np.where(x > threshold, x, value)


def threshold_grad(x, threshold, value):
    """1 for x > threshold, 0 otherwise."""
    return (x > threshold).astype(np.float64)


def squareplus(x, b):
    r"""(x + √(x² + b))/2.

    With h = hypot(x, √b) (no overflow of x²): for x ≥ 0 this is x/2 + h/2;
    for x < 0 the sum cancels, so it is rationalised to
    (b/2)/(h − x) = (b/h)/2/(1 − x/h), whose factors stay in range (b/2
    first would flush a subnormal b).
    """
    h = np.hypot(x, math.sqrt(b))
    left = 0.5 * (b / h) / (1.0 - np.minimum(x, 0.0) / h)
    return np.where(x >= 0, 0.5 * x + 0.5 * h, left)


def squareplus_grad(x, b):
    r"""(1 + x/h)/2 = f(x)/h: the same cancellation-free f divided by h.  For
    x < 0 that is r²/2/(1 − x/h) with r = √b/h ≤ 1, formed directly: f itself
    may be a subnormal that has lost its bits (b = 5e−324, x = −1e−5) where
    f/h is a normal number."""
    h = np.hypot(x, math.sqrt(b))
    r = math.sqrt(b) / h
    left = 0.5 * (r * r) / (1.0 - np.minimum(x, 0.0) / h)
    return np.where(x >= 0, squareplus(x, b) / h, left)


def squareplus_grad2(x, b):
    r"""b/(2h³), h = √(x² + b), formed as s²/(2h) with s = √b/h ≤ 1.

    h³ overflows for |x| > 5.6e102, where b/(2h³) is still representable;
    s·s/h rounds into the subnormal range only at its last step.
    """
    h = np.hypot(x, math.sqrt(b))
    s = math.sqrt(b) / h
    return 0.5 * s * s / h


def sparse_plus(x):
    """0 for x ≤ −1, (x + 1)²/4 for −1 < x < 1, x for x ≥ 1."""
    return np.where(x <= -1.0, 0.0, np.where(x >= 1.0, x, (x + 1.0) ** 2 / 4.0))


def sparse_plus_grad(x):
    """0, (x + 1)/2, 1: continuous, so sparse_plus is C¹."""
    return np.clip((x + 1.0) / 2.0, 0.0, 1.0)


def sparse_sigmoid(x):
    """clip((x + 1)/2, 0, 1)."""
    return np.clip((x + 1.0) / 2.0, 0.0, 1.0)


def sparse_sigmoid_grad(x):
    """1/2 on (−1, 1), 0 elsewhere (0 at the kinks, as hardtanh)."""
    return np.where((x > -1.0) & (x < 1.0), 0.5, 0.0)


def exponential(x):
    """eˣ (overflows to inf for x > 709.78, where the true value does)."""
    return np.exp(x)


def identity(x):
    """x."""
    return x.copy()


def identity_grad(x):
    return np.ones_like(x)


def step(x):
    """Heaviside step: 1 for x ≥ 0, 0 for x < 0 (the perceptron's rule)."""
    return _step(x, right=True)


def zero_grad(x, **_):
    """0 everywhere it exists: f' of a step, f'' of a piecewise-linear function.

    At a jump of the function differentiated there is no derivative; 0 is
    used, and the Dirac mass is not represented.
    """
    return np.zeros_like(x)


def sign(x):
    """−1, 0 or 1."""
    return np.sign(x)


def arctan(x):
    """arctan(x)."""
    return np.arctan(x)


def arctan_grad(x):
    r"""1/(1 + x²); for |x| > 1 as r²/(1 + r²), r = 1/x, so x² cannot overflow."""
    big = np.abs(x) > 1.0
    r = 1.0 / np.where(big, x, 1.0)
    return np.where(big, r * r / (1.0 + r * r), 1.0 / (1.0 + x * x))


def arctan_grad2(x):
    r"""−2x·f'(x)² with f' = 1/(1 + x²), formed as −2·(x·f')·f'.

    f'² underflows for |x| > 1e77 while x·f'² is still representable;
    multiplying by x first keeps it.
    """
    g = arctan_grad(x)
    return -2.0 * (x * g) * g


_LECUN_A = 1.7159
_LECUN_B = 2.0 / 3.0


def lecun_tanh(x):
    """1.7159·tanh(2x/3), LeCun's scaled tanh (f(±1) ≈ ±1)."""
    return _LECUN_A * np.tanh(_LECUN_B * x)


def lecun_tanh_grad(x):
    r"""1.7159·(2/3)·sech²(2x/3); where sech²(y) = 4e^{−2|y|} is subnormal
    the factor 1.14 is applied by :func:`_times_exp`, before the rounding."""
    z = -2.0 * np.abs(_LECUN_B * x)
    return np.where(z < _EXP_SUBNORMAL, _times_exp(4.0 * _LECUN_A * _LECUN_B, z),
                    (_LECUN_A * _LECUN_B) * _sech2(_LECUN_B * x))


def lecun_tanh_grad2(x):
    """1.7159·(2/3)²·tanh''(2x/3)."""
    return (_LECUN_A * _LECUN_B * _LECUN_B) * tanh_grad2(_LECUN_B * x)


def bent_identity(x):
    r"""x + (√(x² + 1) − 1)/2 = x + x·(x/(h + 1))/2, h = hypot(x, 1).

    √(x² + 1) − 1 cancels for small x; the rationalised x²/(h + 1) does not,
    and is formed as x·(x/(h + 1)) so x² cannot overflow.
    """
    h = np.hypot(x, 1.0)
    return x + 0.5 * x * (x / (h + 1.0))


def bent_identity_grad(x):
    """1 + x/(2√(x² + 1))."""
    return 1.0 + 0.5 * (x / np.hypot(x, 1.0))


def bent_identity_grad2(x):
    """1/(2(x² + 1)^{3/2}): bent_identity(x) = x/2 + squareplus(x, b=1) − 1/2,
    so this is squareplus'' with b = 1."""
    return squareplus_grad2(x, 1.0)


def isru(x, alpha):
    """x/√(1 + αx²) = x / hypot(1, √α·x); where √α·x overflows (α = 1e300,
    x = 1e200), sign(x)/hypot(1/x, √α) ≈ ±1/√α instead."""
    scaled = math.sqrt(alpha) * x
    far = ~np.isfinite(scaled)
    return np.where(far, np.sign(x) / np.hypot(1.0 / np.where(far, x, 1.0), math.sqrt(alpha)),
                    x / np.hypot(1.0, scaled))


def isru_grad(x, alpha):
    """(1 + αx²)^{−3/2}."""
    return (1.0 / np.hypot(1.0, math.sqrt(alpha) * x)) ** 3


def isru_grad2(x, alpha):
    r"""−3αx·(1 + αx²)^{−5/2} = −3αx/(q²·√q), q = 1 + αx².

    αx² is formed as α·x·x: (√α·x)², as in f and f', would add the rounding
    of √α, which the power 5/2 magnifies.  Dividing by q, q and √q in turn
    makes the result round into the subnormal range only at its last step.
    x is capped at ±1e150/√α, beyond which the value is 0, so αx² cannot
    overflow.
    """
    cap = 1e150 / math.sqrt(alpha)
    xc = np.clip(x, -cap, cap)
    q = 1.0 + alpha * xc * xc
    return (-3.0 * xc * alpha) / q / q / np.sqrt(q)  # −3α alone overflows for α near 1.8e308


def isrlu(x, alpha):
    """x for x ≥ 0, ISRU for x < 0."""
    return np.where(x >= 0, x, isru(x, alpha))


def isrlu_grad(x, alpha):
    return np.where(x >= 0, 1.0, isru_grad(x, alpha))


def isrlu_grad2(x, alpha):
    """0 for x ≥ 0, isru'' for x < 0 (both are 0 at 0: isrlu is C²)."""
    return np.where(x >= 0, 0.0, isru_grad2(x, alpha))


def gaussian(x):
    """e^{−x²}; x is clipped to ±40 (e^{−1600} underflows) so x² cannot overflow."""
    xc = np.clip(x, -40.0, 40.0)
    return np.exp(-xc * xc)


def gaussian_grad(x):
    """−2x·e^{−x²}; by :func:`_times_exp` where e^{−x²} is subnormal, since
    the product is not (it underflows at |x| = 27.37, e^{−x²} at 27.30)."""
    xc = np.clip(x, -40.0, 40.0)
    z = -xc * xc
    return np.where(z < _EXP_SUBNORMAL, _times_exp(-2.0 * xc, z), -2.0 * xc * gaussian(x))


def gaussian_grad2(x):
    r"""(4x² − 2)·e^{−x²} = −(2 − (2x)²)·e^{−x²}.

    2 − (2x)² is formed by :func:`_two_minus_square`, so the roots ±1/√2
    (where |f'| peaks) come out correctly rounded.  x is capped at ±40 as in
    f.
    """
    return -_two_minus_square(2.0 * np.clip(x, -40.0, 40.0)) * gaussian(x)


_SINC_SERIES = [(-1) ** n * 2 * n / math.factorial(2 * n + 1) for n in range(1, 12)]


def sinc(x):
    """sin(x)/x, with sinc(0) = 1 (the unnormalised sinc)."""
    nonzero = x != 0
    safe = np.where(nonzero, x, 1.0)
    return np.where(nonzero, np.sin(safe) / safe, 1.0)


def sinc_grad(x):
    r"""(x·cos x − sin x)/x² = cos(x)/x − sin(x)/x².

    The two terms cancel as x → 0 (the difference is ≈ −x/3), so for |x| < 1
    the Taylor series Σₙ (−1)ⁿ·2n·x^{2n−1}/(2n + 1)! is summed instead; 11
    terms reach full precision there.
    """
    small = np.abs(x) < 1.0
    xs = np.where(small, x, 0.0)
    x2 = xs * xs
    acc = np.zeros_like(xs)
    for c in reversed(_SINC_SERIES):
        acc = acc * x2 + c
    xl = np.where(small, 1.0, x)
    large = (np.cos(xl) - np.sin(xl) / xl) / xl
    return np.where(small, acc * xs, large)


_SINC_GRAD2_SERIES = [(-1) ** n * 2 * n * (2 * n - 1) / math.factorial(2 * n + 1) for n in range(1, 12)]


def sinc_grad2(x):
    r"""−sinc(x) − 2·sinc'(x)/x, from (x·sinc x)'' = (sin x)'' = −x·sinc x.

    Near 0 the two terms (≈ −1 and 2/3) cancel by a factor of 3, so for
    |x| < 1 the Taylor series Σₙ (−1)ⁿ·2n(2n − 1)·x^{2n−2}/(2n + 1)! is summed
    instead; 11 terms reach full precision there.
    """
    small = np.abs(x) < 1.0
    xs = np.where(small, x, 0.0)
    x2 = xs * xs
    acc = np.zeros_like(xs)
    for c in reversed(_SINC_GRAD2_SERIES):
        acc = acc * x2 + c
    xl = np.where(small, 1.0, x)
    return np.where(small, acc, -(sinc(xl) + 2.0 * sinc_grad(xl) / xl))


def sinusoid(x):
    """sin(x)."""
    return np.sin(x)


def sinusoid_grad(x):
    """cos(x)."""
    return np.cos(x)


def sinusoid_grad2(x):
    """−sin(x)."""
    return -np.sin(x)


def tanhexp(x):
    """x·tanh(eˣ); eˣ is capped at e⁴⁰, where tanh is already 1, and x·eˣ is
    formed by :func:`_times_exp` where eˣ is subnormal."""
    return np.where(x < _EXP_SUBNORMAL, _times_exp(x, x), x * np.tanh(np.exp(np.minimum(x, 40.0))))


def tanhexp_grad(x):
    """tanh(eˣ) + x·eˣ·sech²(eˣ), which is (1 + x)·eˣ where eˣ is subnormal."""
    e = np.exp(np.minimum(x, 40.0))
    return np.where(x < _EXP_SUBNORMAL, _times_exp(1.0 + x, x), np.tanh(e) + x * (e * _sech2(e)))


def tanhexp_grad2(x):
    r"""eˣ·sech²(eˣ)·(2 + x − 2x·eˣ·tanh(eˣ)).

    From (sech² e)' = −2·tanh(e)·sech²(e)·e, e = eˣ.  eˣ is capped at e⁴⁰ as
    in f, and so is x in the bracket: eˣ·sech²(eˣ) is 0 long before.  x·eˣ is
    formed first: it cannot overflow, while 2x can.
    """
    xc = np.minimum(x, 40.0)
    e = np.exp(xc)
    return (e * _sech2(e)) * (2.0 + xc - 2.0 * (xc * e) * np.tanh(e))


def squared_relu(x):
    """max(0, x)² (Primer)."""
    return _relu(x) ** 2


def squared_relu_grad(x):
    """2·max(0, x)."""
    return 2.0 * _relu(x)


def squared_relu_grad2(x):
    """2 for x > 0, 0 for x ≤ 0 (squared_relu''(0) = 0, like relu'(0); f' is
    continuous there, f'' jumps)."""
    return 2.0 * relu_grad(x)


def elish(x):
    """x·σ(x) for x ≥ 0, (eˣ − 1)·σ(x) for x < 0."""
    return np.where(x >= 0, x, np.expm1(np.minimum(x, 0.0))) * _sigmoid(x)


def elish_grad(x):
    """σ(x)(1 + xσ(−x)) for x ≥ 0; eˣσ(x) + (eˣ − 1)σ(x)σ(−x) for x < 0."""
    xn = np.minimum(x, 0.0)
    s, sm = _sigmoid(x), _sigmoid(-x)
    left = np.exp(xn) * s + np.expm1(xn) * s * sm
    return np.where(x >= 0, s * (1.0 + x * sm), left)


def elish_grad2(x):
    r"""silu''(x) for x ≥ 0; eˣ − 2σ''(x) = u·(u³ + 3u² + 5u − 1)/(1 + u)³,
    u = eˣ, for x < 0.

    For x < 0, (eˣ − 1)·σ(x) = eˣ − 2σ(x) (put both over 1 + e^{−x}), so
    f'' = eˣ − 2σ''(x), with the cancellation-free σ'' of
    :func:`sigmoid_grad2`, on (−1, 0).  Further left the two terms cancel
    near the root of f'' (u ≈ 0.185), up to 5 ulps lost; the rational form,
    whose terms cancel less, is used there.  At 0, where f'' jumps from 1 to
    1/2, it takes the side of x ≥ 0, as f and f' do.
    """
    xn = np.minimum(x, 0.0)
    u = np.exp(xn)
    near = u - 2.0 * sigmoid_grad2(xn)
    far = u * (u * (u * (u + 3.0) + 5.0) - 1.0) / (1.0 + u) ** 3
    return np.where(x >= 0, silu_grad2(x), np.where(xn > -1.0, near, far))


def sqnl(x):
    """Square nonlinearity: x − x|x|/4 on [−2, 2], ±1 outside."""
    xc = np.clip(x, -2.0, 2.0)
    return xc - xc * np.abs(xc) / 4.0


def sqnl_grad(x):
    """1 − |x|/2 on [−2, 2], 0 outside: continuous, so sqnl is C¹."""
    return 1.0 - np.abs(np.clip(x, -2.0, 2.0)) / 2.0


def sqnl_grad2(x):
    """−sign(x)/2 on (−2, 2), 0 outside.

    sqnl' is continuous, but sqnl'' jumps at 0 and ±2; it is 0 at all three:
    at 0 the value that keeps f'' odd (sign(0) = 0), at ±2 the outer side
    (as hardtanh' at its kinks).
    """
    return np.where(np.abs(x) < 2.0, -0.5 * np.sign(x), 0.0)


def _snake_sin_cos(x, a):
    """sin(ax), cos(ax); where ax overflows, the phase is unknowable in double
    precision and 0 is used (f = x is then still right to the last ulp)."""
    ax = a * x
    ax = np.where(np.isfinite(ax), ax, 0.0)
    return np.sin(ax), np.cos(ax)


def snake(x, a):
    r"""x + sin²(ax)/a, formed as x + sin(ax)·(sin(ax)/a) so a tiny `a`
    gives ≈ x + a·x² instead of underflowing sin² to 0."""
    s, _ = _snake_sin_cos(x, a)
    return x + s * (s / a)


def snake_grad(x, a):
    r"""1 + sin(2ax) = (sin(ax) + cos(ax))².

    Near its zeros 1 + sin(2ax) cancels against the rounding of sin ≈ −1;
    the square of a sum loses 10× less there, and 2ax itself cannot overflow.
    """
    s, c = _snake_sin_cos(x, a)
    return (s + c) ** 2


def snake_grad2(x, a):
    r"""2a·cos(2ax) = 2a·(cos ax − sin ax)(cos ax + sin ax), from the same
    sin(ax), cos(ax) as f' (2ax itself may overflow)."""
    s, c = _snake_sin_cos(x, a)
    return 2.0 * (c - s) * (c + s) * a


def bipolar_sigmoid(x):
    r"""2σ(x) − 1 = tanh(x/2); the tanh form does not cancel near 0."""
    return np.tanh(0.5 * x)


def bipolar_sigmoid_grad(x):
    """2σ(x)σ(−x) = sech²(x/2)/2."""
    return 2.0 * sigmoid_grad(x)


def bipolar_sigmoid_grad2(x):
    """2σ''(x) = −2σ(x)σ(−x)·tanh(x/2)."""
    return 2.0 * sigmoid_grad2(x)


_LOG2 = math.log(2.0)


def shifted_softplus(x):
    r"""softplus(x) − log 2 = log1p((eˣ − 1)/2) for x ≤ 1.

    The shift cancels near 0; log((1 + eˣ)/2) = log1p(expm1(x)/2) does not.
    """
    small = x <= 1.0
    near = np.log1p(0.5 * np.expm1(np.where(small, x, 0.0)))
    return np.where(small, near, _softplus(x) - _LOG2)


# ---------------------------------------------------------------------------
# The registry
# ---------------------------------------------------------------------------

# A decimal number as a person types it: no digit separators ('1_0', which
# Python's float reads as 10), no hexadecimal, no digits of other scripts.
_NUMBER = re.compile(r"[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?|inf|infinity|nan)", re.ASCII | re.IGNORECASE)


def parse_number(text: str) -> float:
    """'-800', '1e-300', '.5', 'inf', 'nan' as a float; ValueError for
    anything else, '1_0' and '0x10' included."""
    if not _NUMBER.fullmatch(text.strip()):
        raise ValueError(f"not a number: {text!r}")
    return float(text)


@dataclass(frozen=True)
class Parameter:
    """A named parameter with its default and its domain."""

    name: str
    default: Any
    description: str
    valid: Callable[[Any], bool] = math.isfinite
    domain: str = "a finite number"
    choices: tuple[str, ...] = ()

    def parse(self, value: Any) -> Any:
        """Convert a user's value (a string or a number) and check its domain."""
        if self.choices:
            text = str(value).lower()
            if text not in self.choices:
                raise ActvizError(
                    f"parameter {self.name!r} must be one of {', '.join(self.choices)}; got {value!r}")
            return text
        try:
            number = parse_number(value) if isinstance(value, str) else float(value)
        except (TypeError, ValueError):
            raise ActvizError(f"parameter {self.name!r} must be a number; got {value!r}") from None
        if math.isnan(number) or not self.valid(number):
            raise ActvizError(f"parameter {self.name!r} must be {self.domain}; got {value!r}")
        return number


def _positive(name, default, description):
    return Parameter(name, default, description, lambda v: 0 < v < math.inf, "a finite number > 0")


_ALPHA = _positive("alpha", 1.0, "scale of the negative saturation")
_LAMBD = Parameter("lambd", 0.5, "half-width of the dead zone", lambda v: 0 <= v < math.inf, "a finite number >= 0")


@dataclass(frozen=True)
class Interval:
    """An interval of the real line; open or closed at each end."""

    lo: float
    hi: float
    lo_closed: bool
    hi_closed: bool

    @classmethod
    def parse(cls, text: str) -> "Interval":
        """'(0, 1)', '[-1, inf)' and the like."""
        lo, hi = (float(part) for part in text[1:-1].split(","))
        return cls(lo, hi, text[0] == "[", text[-1] == "]")

    @property
    def bounded(self) -> bool:
        return math.isfinite(self.lo) and math.isfinite(self.hi)

    def __contains__(self, y) -> bool:
        above = y >= self.lo if self.lo_closed else y > self.lo
        below = y <= self.hi if self.hi_closed else y < self.hi
        return bool(above and below)

    def __str__(self) -> str:
        def show(v):
            return "∞" if v == math.inf else "-∞" if v == -math.inf else f"{v:.6g}"
        return f"{'[' if self.lo_closed else '('}{show(self.lo)}, {show(self.hi)}{']' if self.hi_closed else ')'}"


Meta = Any  # a value, or a callable of the parameter mapping that returns it


@dataclass(frozen=True)
class Spec:
    """Everything actviz knows about one activation function."""

    name: str
    f: Callable
    df: Callable
    d2f: Callable = field(kw_only=True)  # f''; no default, so every entry names it
    summary: str
    latex: str
    dlatex: str
    text: str
    dtext: str
    output_range: Meta
    limits: Meta                 # (f(−∞), f(+∞)); NaN where there is no limit
    dlimits: Meta                # (f'(−∞), f'(+∞))
    d2limits: Meta = field(default=None, kw_only=True)  # (f''(−∞), f''(+∞)), if f' is unbounded
    params: tuple[Parameter, ...] = ()
    aliases: tuple[str, ...] = ()
    torch: str | None = None
    kinks: Meta = ()             # f continuous, f' jumps
    jumps: Meta = ()             # f jumps
    smooth_breaks: Meta = ()     # f' continuous, f'' jumps (C¹ pieces)
    monotonic: Meta = True       # non-decreasing
    continuity: Meta = "C∞"
    symmetry: Meta = "none"      # "odd", "even" or "none"
    xlim: Meta = (-5.0, 5.0)
    reference: str = ""


def _rng(lo, hi):
    """The output range as an Interval from a text template."""
    return lambda p: Interval.parse(f"{lo}, {hi}".format(**p))


def _leaky_range(slope):
    if slope > 0:
        return Interval(-math.inf, math.inf, False, False)
    return Interval(0.0, math.inf, True, False)


def _line_limit(slope):
    """The limit of slope·x as x → +∞."""
    return math.copysign(math.inf, slope) if slope else 0.0


def _kink_if(cond, point):
    return (point,) if cond else ()


def _slope_spec(name, kernel, grad, slope, slope_name, summary, *, params, torch, aliases=(),
                reference=""):
    """A ReLU whose negative part is a straight line of slope `slope(p)`."""
    return Spec(
        name, kernel, grad, summary,
        d2f=zero_grad,
        latex=r"$f(x)=\max(0,x)+a\,\min(0,x)$",
        dlatex=r"$f'(x)=1$ if $x>0$, else $a$",
        text=f"f(x) = x if x > 0 else {slope_name}·x",
        dtext=f"f'(x) = 1 if x > 0 else {slope_name}   (f'(0) = {slope_name}, as PyTorch)",
        output_range=lambda p: _leaky_range(slope(p)),
        limits=lambda p: (_line_limit(-slope(p)), math.inf),
        dlimits=lambda p: (slope(p), 1.0),
        params=params, aliases=aliases, torch=torch,
        kinks=lambda p: _kink_if(slope(p) != 1, 0.0),
        monotonic=lambda p: slope(p) >= 0,
        continuity=lambda p: "C∞" if slope(p) == 1 else "C0",
        symmetry=lambda p: "odd" if slope(p) == 1 else "none",
        reference=reference,
    )


_ZERO_ONE = (0.0, 1.0)

_SPECS: list[Spec] = [
    Spec("sigmoid", sigmoid, sigmoid_grad, "Logistic sigmoid, squashes to (0, 1)",
         r"$\sigma(x)=\dfrac{1}{1+e^{-x}}$", r"$\sigma'(x)=\sigma(x)\,\sigma(-x)$",
         "f(x) = 1 / (1 + exp(-x))", "f'(x) = f(x)·f(-x) = f(x)(1 - f(x))",
         _rng("(0", "1)"), _ZERO_ONE, (0.0, 0.0),
         d2f=sigmoid_grad2,
         aliases=("logistic",), torch="torch.nn.Sigmoid()", xlim=(-8.0, 8.0)),
    Spec("tanh", tanh, tanh_grad, "Hyperbolic tangent, zero-centred, squashes to (−1, 1)",
         r"$\tanh(x)=\dfrac{e^{x}-e^{-x}}{e^{x}+e^{-x}}$", r"$\tanh'(x)=1-\tanh^2(x)$",
         "f(x) = (exp(x) - exp(-x)) / (exp(x) + exp(-x))", "f'(x) = 1 - tanh(x)^2 = sech(x)^2",
         _rng("(-1", "1)"), (-1.0, 1.0), (0.0, 0.0),
         d2f=tanh_grad2,
         torch="torch.nn.Tanh()", symmetry="odd"),
    Spec("relu", relu, relu_grad, "Rectified linear unit, max(0, x)",
         r"$f(x)=\max(0,x)$", r"$f'(x)=1$ if $x>0$, else $0$",
         "f(x) = max(0, x)", "f'(x) = 1 if x > 0 else 0   (f'(0) = 0, as PyTorch)",
         _rng("[0", "inf)"), (0.0, math.inf), _ZERO_ONE,
         d2f=zero_grad,
         torch="torch.nn.ReLU()", kinks=(0.0,), continuity="C0",
         reference="Nair & Hinton 2010"),
    _slope_spec("leaky_relu", leaky_relu, leaky_relu_grad, lambda p: p["negative_slope"], "negative_slope",
                "Leaky ReLU, a small slope for x < 0",
                params=(Parameter("negative_slope", 0.01, "slope for x < 0"),),
                torch="torch.nn.LeakyReLU(negative_slope={negative_slope})",
                aliases=("leakyrelu", "leaky"), reference="Maas et al. 2013"),
    _slope_spec("prelu", prelu, prelu_grad, lambda p: p["weight"], "weight",
                "Parametric ReLU, a learnable slope for x < 0",
                params=(Parameter("weight", 0.25, "learnable slope for x < 0 (its initial value)"),),
                torch="torch.nn.PReLU(init={weight})", reference="He et al. 2015"),
    _slope_spec("rrelu", rrelu, rrelu_grad, lambda p: rrelu_slope(p["lower"], p["upper"]), "(lower + upper)/2",
                "Randomised leaky ReLU in evaluation mode (mean slope)",
                params=(Parameter("lower", 1 / 8, "lower bound of the random slope"),
                        Parameter("upper", 1 / 3, "upper bound of the random slope")),
                torch="torch.nn.RReLU(lower={lower}, upper={upper}).eval()",
                reference="Xu et al. 2015"),
    Spec("elu", elu, elu_grad, "Exponential linear unit, smooth negative saturation at −α",
         r"$f(x)=x$ if $x>0$, else $\alpha\,(e^{x}-1)$", r"$f'(x)=1$ if $x>0$, else $\alpha\,e^{x}$",
         "f(x) = x if x > 0 else alpha·(exp(x) - 1)",
         "f'(x) = 1 if x > 0 else alpha·exp(x)   (f'(0) = alpha, as PyTorch)",
         _rng("(-{alpha}", "inf)"), lambda p: (-p["alpha"], math.inf), _ZERO_ONE,
         d2f=elu_grad2,
         params=(_ALPHA,), torch="torch.nn.ELU(alpha={alpha})",
         kinks=lambda p: _kink_if(p["alpha"] != 1, 0.0),
         smooth_breaks=lambda p: _kink_if(p["alpha"] == 1, 0.0),
         continuity=lambda p: "C1" if p["alpha"] == 1 else "C0",
         reference="Clevert et al. 2016"),
    Spec("selu", selu, selu_grad, "Scaled ELU with self-normalising constants λ ≈ 1.0507, α ≈ 1.6733",
         r"$f(x)=\lambda x$ if $x>0$, else $\lambda\alpha(e^{x}-1)$",
         r"$f'(x)=\lambda$ if $x>0$, else $\lambda\alpha e^{x}$",
         "f(x) = scale·x if x > 0 else scale·alpha·(exp(x) - 1)",
         "f'(x) = scale if x > 0 else scale·alpha·exp(x)   (f'(0) = scale·alpha)",
         lambda p: Interval(-SELU_SCALE * SELU_ALPHA, math.inf, False, False),
         (-SELU_SCALE * SELU_ALPHA, math.inf), (0.0, SELU_SCALE),
         d2f=selu_grad2,
         torch="torch.nn.SELU()", kinks=(0.0,), continuity="C0",
         reference="Klambauer et al. 2017"),
    Spec("celu", celu, celu_grad, "Continuously differentiable ELU",
         r"$f(x)=x$ if $x>0$, else $\alpha\,(e^{x/\alpha}-1)$",
         r"$f'(x)=1$ if $x>0$, else $e^{x/\alpha}$",
         "f(x) = max(0, x) + min(0, alpha·(exp(x/alpha) - 1))",
         "f'(x) = 1 if x > 0 else exp(x/alpha)",
         _rng("(-{alpha}", "inf)"), lambda p: (-p["alpha"], math.inf), _ZERO_ONE,
         d2f=celu_grad2,
         params=(_ALPHA,), torch="torch.nn.CELU(alpha={alpha})",
         continuity="C1", smooth_breaks=(0.0,), reference="Barron 2017"),
    Spec("gelu", gelu, gelu_grad, "Gaussian error linear unit, x·Φ(x)",
         r"$f(x)=x\,\Phi(x)$", r"$f'(x)=\Phi(x)+x\,\varphi(x)$",
         "f(x) = x·Phi(x) = x·(1 + erf(x/sqrt(2)))/2   [tanh form: x·sigmoid(2·sqrt(2/pi)(x + 0.044715x^3))]",
         "f'(x) = Phi(x) + x·phi(x)",
         lambda p: Interval(-0.1699712074799037 if p["approximate"] == "none" else -0.1700407505712541,
                            math.inf, True, False),
         (0.0, math.inf), _ZERO_ONE,
         d2f=gelu_grad2,
         params=(Parameter("approximate", "none", "'none' for x·Φ(x), 'tanh' for the tanh approximation",
                           choices=("none", "tanh")),),
         torch="torch.nn.GELU(approximate='{approximate}')", monotonic=False,
         reference="Hendrycks & Gimpel 2016"),
    Spec("softplus", softplus, softplus_grad, "Smooth ReLU, log(1 + e^{βx})/β",
         r"$f(x)=\frac{1}{\beta}\log(1+e^{\beta x})$", r"$f'(x)=\sigma(\beta x)$",
         "f(x) = log(1 + exp(beta·x)) / beta", "f'(x) = sigmoid(beta·x)",
         # A finite threshold drops f from softplus to x at x = threshold/beta:
         # values down to threshold/beta, and f no longer monotonic.
         lambda p: Interval(min(0.0, p["threshold"] / p["beta"]), math.inf, False, False),
         lambda p: (-math.inf if p["threshold"] == -math.inf else 0.0, math.inf),
         lambda p: (1.0 if p["threshold"] == -math.inf else 0.0, 1.0),
         d2f=softplus_grad2,
         params=(_positive("beta", 1.0, "sharpness"),
                 Parameter("threshold", math.inf,
                           "PyTorch's shortcut f = x for beta·x > threshold (inf: exact)",
                           lambda v: True, "a number")),
         torch="torch.nn.Softplus(beta={beta}, threshold={threshold})",
         monotonic=lambda p: p["threshold"] == math.inf,
         continuity=lambda p: "C∞" if p["threshold"] == math.inf else "discontinuous",
         reference="Dugas et al. 2001"),
    Spec("silu", silu, silu_grad, "Sigmoid-weighted linear unit x·σ(x), a.k.a. swish",
         r"$f(x)=x\,\sigma(x)$", r"$f'(x)=\sigma(x)\,(1+x\,\sigma(-x))$",
         "f(x) = x·sigmoid(x)", "f'(x) = sigmoid(x)·(1 + x·sigmoid(-x))",
         _rng("[-0.2784645427610738", "inf)"), (0.0, math.inf), _ZERO_ONE,
         d2f=silu_grad2,
         aliases=("swish",), torch="torch.nn.SiLU()", monotonic=False,
         reference="Elfwing et al. 2018; Ramachandran et al. 2017"),
    Spec("swish_beta", swish_beta, swish_beta_grad, "Swish with a slope β inside the sigmoid",
         r"$f(x)=x\,\sigma(\beta x)$", r"$f'(x)=\sigma(\beta x)\,(1+\beta x\,\sigma(-\beta x))$",
         "f(x) = x·sigmoid(beta·x)", "f'(x) = sigmoid(beta·x)·(1 + beta·x·sigmoid(-beta·x))",
         lambda p: Interval(-0.2784645427610738 / p["beta"], math.inf, True, False),
         (0.0, math.inf), _ZERO_ONE,
         d2f=swish_beta_grad2,
         params=(_positive("beta", 1.0, "slope inside the sigmoid"),),
         monotonic=False, reference="Ramachandran et al. 2017"),
    Spec("quick_gelu", quick_gelu, quick_gelu_grad, "GELU approximation x·σ(1.702x) (CLIP)",
         r"$f(x)=x\,\sigma(1.702\,x)$", r"$f'(x)=\sigma(1.702x)\,(1+1.702x\,\sigma(-1.702x))$",
         "f(x) = x·sigmoid(1.702·x)", "f'(x) = s(1 + 1.702·x·(1 - s)), s = sigmoid(1.702·x)",
         _rng("[-0.1636101896363536", "inf)"), (0.0, math.inf), _ZERO_ONE,
         d2f=quick_gelu_grad2,
         monotonic=False, reference="Radford et al. 2021"),
    Spec("mish", mish, mish_grad, "Self-regularised x·tanh(softplus(x))",
         r"$f(x)=x\,\tanh(\mathrm{softplus}(x))$",
         r"$f'(x)=\tanh(s)+x\,\mathrm{sech}^2(s)\,\sigma(x)$",
         "f(x) = x·tanh(log(1 + exp(x)))", "f'(x) = tanh(s) + x·sech(s)^2·sigmoid(x), s = softplus(x)",
         _rng("[-0.3088434130172505", "inf)"), (0.0, math.inf), _ZERO_ONE,
         d2f=mish_grad2,
         torch="torch.nn.Mish()", monotonic=False, reference="Misra 2019"),
    Spec("softsign", softsign, softsign_grad, "x/(1 + |x|), a slowly saturating tanh",
         r"$f(x)=\dfrac{x}{1+|x|}$", r"$f'(x)=\dfrac{1}{(1+|x|)^2}$",
         "f(x) = x / (1 + |x|)", "f'(x) = 1 / (1 + |x|)^2",
         _rng("(-1", "1)"), (-1.0, 1.0), (0.0, 0.0),
         d2f=softsign_grad2,
         aliases=("soft_sign",), torch="torch.nn.Softsign()", continuity="C1",
         smooth_breaks=(0.0,), symmetry="odd", xlim=(-8.0, 8.0)),
    Spec("logsigmoid", logsigmoid, logsigmoid_grad, "log σ(x) = −softplus(−x)",
         r"$f(x)=\log\sigma(x)$", r"$f'(x)=\sigma(-x)$",
         "f(x) = log(1 / (1 + exp(-x)))", "f'(x) = sigmoid(-x)",
         _rng("(-inf", "0)"), (-math.inf, 0.0), (1.0, 0.0),
         d2f=logsigmoid_grad2,
         aliases=("log_sigmoid",), torch="torch.nn.LogSigmoid()"),
    Spec("hardtanh", hardtanh, hardtanh_grad, "x clipped to [min_val, max_val]",
         r"$f(x)=\min(\max(x,a),b)$", r"$f'(x)=1$ if $a<x<b$, else $0$",
         "f(x) = min(max(x, min_val), max_val)", "f'(x) = 1 if min_val < x < max_val else 0",
         _rng("[{min_val}", "{max_val}]"), lambda p: (p["min_val"], p["max_val"]), (0.0, 0.0),
         d2f=zero_grad,
         params=(Parameter("min_val", -1.0, "lower clip"), Parameter("max_val", 1.0, "upper clip")),
         aliases=("hard_tanh",), torch="torch.nn.Hardtanh(min_val={min_val}, max_val={max_val})",
         kinks=lambda p: (p["min_val"], p["max_val"]), continuity="C0",
         symmetry=lambda p: "odd" if p["min_val"] == -p["max_val"] else "none",
         xlim=lambda p: (p["min_val"] - 2.0, p["max_val"] + 2.0)),
    Spec("relu6", relu6, relu6_grad, "ReLU capped at 6",
         r"$f(x)=\min(\max(0,x),6)$", r"$f'(x)=1$ if $0<x<6$, else $0$",
         "f(x) = min(max(0, x), 6)", "f'(x) = 1 if 0 < x < 6 else 0",
         _rng("[0", "6]"), (0.0, 6.0), (0.0, 0.0),
         d2f=zero_grad,
         torch="torch.nn.ReLU6()", kinks=(0.0, 6.0), continuity="C0", xlim=(-3.0, 9.0)),
    Spec("hardsigmoid", hardsigmoid, hardsigmoid_grad, "Piecewise-linear sigmoid, relu6(x + 3)/6",
         r"$f(x)=\mathrm{relu6}(x+3)/6$", r"$f'(x)=1/6$ if $-3<x<3$, else $0$",
         "f(x) = min(max(0, x + 3), 6) / 6", "f'(x) = 1/6 if -3 < x < 3 else 0",
         _rng("[0", "1]"), _ZERO_ONE, (0.0, 0.0),
         d2f=zero_grad,
         aliases=("hard_sigmoid",), torch="torch.nn.Hardsigmoid()", kinks=(-3.0, 3.0),
         continuity="C0", xlim=(-6.0, 6.0)),
    Spec("hardswish", hardswish, hardswish_grad, "Piecewise-quadratic swish, x·relu6(x + 3)/6",
         r"$f(x)=x\,\mathrm{relu6}(x+3)/6$", r"$f'(x)=(2x+3)/6$ on $[-3,3]$, $0$ left, $1$ right",
         "f(x) = x·min(max(0, x + 3), 6) / 6",
         "f'(x) = 0 if x < -3, (2x + 3)/6 if -3 <= x <= 3, 1 if x > 3",
         _rng("[-0.375", "inf)"), (0.0, math.inf), _ZERO_ONE,
         d2f=hardswish_grad2,
         aliases=("hard_swish", "hard_silu", "hardsilu"), torch="torch.nn.Hardswish()",
         kinks=(-3.0, 3.0), monotonic=False, continuity="C0", xlim=(-6.0, 6.0),
         reference="Howard et al. 2019"),
    Spec("tanhshrink", tanhshrink, tanhshrink_grad, "x − tanh(x)",
         r"$f(x)=x-\tanh(x)$", r"$f'(x)=\tanh^2(x)$",
         "f(x) = x - tanh(x)", "f'(x) = tanh(x)^2",
         _rng("(-inf", "inf)"), (-math.inf, math.inf), (1.0, 1.0),
         d2f=tanhshrink_grad2,
         aliases=("tanh_shrink",), torch="torch.nn.Tanhshrink()", symmetry="odd"),
    Spec("softshrink", softshrink, softshrink_grad, "Soft thresholding by λ",
         r"$f(x)=\mathrm{sign}(x)\,\max(|x|-\lambda,0)$", r"$f'(x)=1$ if $|x|>\lambda$, else $0$",
         "f(x) = x - lambd if x > lambd, x + lambd if x < -lambd, else 0",
         "f'(x) = 1 if |x| > lambd else 0",
         _rng("(-inf", "inf)"), (-math.inf, math.inf), (1.0, 1.0),
         d2f=zero_grad,
         params=(_LAMBD,),
         aliases=("soft_shrink",), torch="torch.nn.Softshrink(lambd={lambd})",
         kinks=lambda p: (-p["lambd"], p["lambd"]) if p["lambd"] > 0 else (0.0,),
         continuity="C0", symmetry="odd", xlim=(-2.0, 2.0)),
    Spec("hardshrink", hardshrink, hardshrink_grad, "Hard thresholding by λ (jumps at ±λ)",
         r"$f(x)=x$ if $|x|>\lambda$, else $0$", r"$f'(x)=1$ if $|x|>\lambda$, else $0$",
         "f(x) = x if |x| > lambd else 0", "f'(x) = 1 if |x| > lambd else 0",
         lambda p: Interval(-math.inf, math.inf, False, False),
         (-math.inf, math.inf), (1.0, 1.0),
         d2f=zero_grad,
         params=(_LAMBD,),
         aliases=("hard_shrink",), torch="torch.nn.Hardshrink(lambd={lambd})",
         jumps=lambda p: (-p["lambd"], p["lambd"]) if p["lambd"] > 0 else (),
         kinks=lambda p: () if p["lambd"] > 0 else (0.0,),
         monotonic=lambda p: p["lambd"] == 0, continuity="discontinuous",
         symmetry="odd", xlim=(-2.0, 2.0)),
    Spec("threshold", threshold, threshold_grad, "x above a threshold, a constant value below",
         r"$f(x)=x$ if $x>\theta$, else $v$", r"$f'(x)=1$ if $x>\theta$, else $0$",
         "f(x) = x if x > threshold else value", "f'(x) = 1 if x > threshold else 0",
         lambda p: Interval(min(p["threshold"], p["value"]), math.inf,
                            p["value"] <= p["threshold"], False),
         lambda p: (p["value"], math.inf), _ZERO_ONE,
         d2f=zero_grad,
         params=(Parameter("threshold", 1.0, "the switch point (PyTorch has no default)"),
                 Parameter("value", 0.0, "the output at and below the switch")),
         torch="torch.nn.Threshold(threshold={threshold}, value={value})",
         jumps=lambda p: (p["threshold"],) if p["value"] != p["threshold"] else (),
         kinks=lambda p: () if p["value"] != p["threshold"] else (p["threshold"],),
         monotonic=lambda p: p["value"] <= p["threshold"],
         continuity=lambda p: "C0" if p["value"] == p["threshold"] else "discontinuous",
         xlim=lambda p: (min(p["threshold"], p["value"]) - 3.0, max(p["threshold"], p["value"]) + 3.0)),
    Spec("squareplus", squareplus, squareplus_grad, "Algebraic smooth ReLU (x + √(x² + b))/2",
         r"$f(x)=\frac{1}{2}\left(x+\sqrt{x^2+b}\right)$",
         r"$f'(x)=\frac{1}{2}\left(1+\frac{x}{\sqrt{x^2+b}}\right)$",
         "f(x) = (x + sqrt(x^2 + b)) / 2", "f'(x) = (1 + x / sqrt(x^2 + b)) / 2",
         _rng("(0", "inf)"), (0.0, math.inf), _ZERO_ONE,
         d2f=squareplus_grad2,
         params=(_positive("b", 4.0, "curvature at 0"),),
         reference="Barron 2021"),
    Spec("sparse_plus", sparse_plus, sparse_plus_grad, "Piecewise-quadratic smooth ReLU",
         r"$f(x)=0,\ \frac{(x+1)^2}{4},\ x$ on $x\leq-1,\ |x|<1,\ x\geq1$",
         r"$f'(x)=\mathrm{clip}((x+1)/2,\,0,\,1)$",
         "f(x) = 0 if x <= -1, (x + 1)^2/4 if -1 < x < 1, x if x >= 1",
         "f'(x) = clip((x + 1)/2, 0, 1)",
         _rng("[0", "inf)"), (0.0, math.inf), _ZERO_ONE,
         d2f=sparse_sigmoid_grad,
         smooth_breaks=(-1.0, 1.0), continuity="C1", xlim=(-3.0, 3.0)),
    Spec("sparse_sigmoid", sparse_sigmoid, sparse_sigmoid_grad, "Piecewise-linear sigmoid on [−1, 1]",
         r"$f(x)=\mathrm{clip}((x+1)/2,\,0,\,1)$", r"$f'(x)=1/2$ if $|x|<1$, else $0$",
         "f(x) = clip((x + 1)/2, 0, 1)", "f'(x) = 1/2 if |x| < 1 else 0",
         _rng("[0", "1]"), _ZERO_ONE, (0.0, 0.0),
         d2f=zero_grad,
         kinks=(-1.0, 1.0), continuity="C0", xlim=(-3.0, 3.0)),
    Spec("exponential", exponential, exponential, "eˣ",
         r"$f(x)=e^{x}$", r"$f'(x)=e^{x}$", "f(x) = exp(x)", "f'(x) = exp(x)",
         _rng("(0", "inf)"), (0.0, math.inf), (0.0, math.inf),
         d2f=exponential, d2limits=(0.0, math.inf),
         aliases=("exp",), xlim=(-4.0, 2.0)),
    Spec("identity", identity, identity_grad, "The identity: no activation at all",
         r"$f(x)=x$", r"$f'(x)=1$", "f(x) = x", "f'(x) = 1",
         _rng("(-inf", "inf)"), (-math.inf, math.inf), (1.0, 1.0),
         d2f=zero_grad,
         aliases=("linear",), torch="torch.nn.Identity()", symmetry="odd"),
    Spec("step", step, zero_grad, "Heaviside step, the perceptron's activation",
         r"$f(x)=1$ if $x\geq0$, else $0$", r"$f'(x)=0$ for $x\neq0$",
         "f(x) = 1 if x >= 0 else 0", "f'(x) = 0 (undefined at 0; 0 there)",
         _rng("[0", "1]"), _ZERO_ONE, (0.0, 0.0),
         d2f=zero_grad,
         aliases=("heaviside", "binary_step"), jumps=(0.0,), continuity="discontinuous"),
    Spec("sign", sign, zero_grad, "Sign function, −1, 0 or 1",
         r"$f(x)=\mathrm{sign}(x)$", r"$f'(x)=0$ for $x\neq0$",
         "f(x) = sign(x)", "f'(x) = 0 (undefined at 0; 0 there)",
         _rng("[-1", "1]"), (-1.0, 1.0), (0.0, 0.0),
         d2f=zero_grad,
         aliases=("signum",), jumps=(0.0,), continuity="discontinuous", symmetry="odd"),
    Spec("arctan", arctan, arctan_grad, "Inverse tangent, squashes to (−π/2, π/2)",
         r"$f(x)=\arctan(x)$", r"$f'(x)=\dfrac{1}{1+x^2}$", "f(x) = arctan(x)", "f'(x) = 1 / (1 + x^2)",
         lambda p: Interval(-math.pi / 2, math.pi / 2, False, False),
         (-math.pi / 2, math.pi / 2), (0.0, 0.0),
         d2f=arctan_grad2,
         aliases=("atan",), symmetry="odd", xlim=(-8.0, 8.0)),
    Spec("lecun_tanh", lecun_tanh, lecun_tanh_grad, "LeCun's scaled tanh, 1.7159·tanh(2x/3)",
         r"$f(x)=1.7159\,\tanh(2x/3)$", r"$f'(x)=1.1439\,\mathrm{sech}^2(2x/3)$",
         "f(x) = 1.7159·tanh(2x/3)", "f'(x) = 1.7159·(2/3)·sech(2x/3)^2",
         lambda p: Interval(-_LECUN_A, _LECUN_A, False, False), (-_LECUN_A, _LECUN_A), (0.0, 0.0),
         d2f=lecun_tanh_grad2,
         symmetry="odd", reference="LeCun et al. 1998, Efficient BackProp"),
    Spec("bent_identity", bent_identity, bent_identity_grad, "x + (√(x² + 1) − 1)/2",
         r"$f(x)=x+\frac{\sqrt{x^2+1}-1}{2}$", r"$f'(x)=1+\frac{x}{2\sqrt{x^2+1}}$",
         "f(x) = x + (sqrt(x^2 + 1) - 1)/2", "f'(x) = 1 + x / (2·sqrt(x^2 + 1))",
         _rng("(-inf", "inf)"), (-math.inf, math.inf), (0.5, 1.5),
         d2f=bent_identity_grad2),
    Spec("isru", isru, isru_grad, "Inverse square root unit x/√(1 + αx²)",
         r"$f(x)=\dfrac{x}{\sqrt{1+\alpha x^2}}$", r"$f'(x)=(1+\alpha x^2)^{-3/2}$",
         "f(x) = x / sqrt(1 + alpha·x^2)", "f'(x) = (1 + alpha·x^2)^(-3/2)",
         lambda p: Interval(-p["alpha"] ** -0.5, p["alpha"] ** -0.5, False, False),
         lambda p: (-p["alpha"] ** -0.5, p["alpha"] ** -0.5), (0.0, 0.0),
         d2f=isru_grad2,
         params=(_positive("alpha", 1.0, "saturation: the range is ±1/√α"),),
         symmetry="odd", reference="Carlile et al. 2017"),
    Spec("isrlu", isrlu, isrlu_grad, "Inverse square root linear unit",
         r"$f(x)=x$ if $x\geq0$, else $x/\sqrt{1+\alpha x^2}$",
         r"$f'(x)=1$ if $x\geq0$, else $(1+\alpha x^2)^{-3/2}$",
         "f(x) = x if x >= 0 else x / sqrt(1 + alpha·x^2)",
         "f'(x) = 1 if x >= 0 else (1 + alpha·x^2)^(-3/2)",
         lambda p: Interval(-p["alpha"] ** -0.5, math.inf, False, False),
         lambda p: (-p["alpha"] ** -0.5, math.inf), _ZERO_ONE,
         d2f=isrlu_grad2,
         params=(_positive("alpha", 1.0, "negative saturation at −1/√α"),),
         smooth_breaks=(0.0,), continuity="C2", reference="Carlile et al. 2017"),
    Spec("gaussian", gaussian, gaussian_grad, "Gaussian bump e^{−x²}",
         r"$f(x)=e^{-x^2}$", r"$f'(x)=-2x\,e^{-x^2}$", "f(x) = exp(-x^2)", "f'(x) = -2x·exp(-x^2)",
         _rng("(0", "1]"), (0.0, 0.0), (0.0, 0.0), monotonic=False, symmetry="even",
         d2f=gaussian_grad2,
         xlim=(-3.0, 3.0)),
    Spec("sinc", sinc, sinc_grad, "sin(x)/x, with sinc(0) = 1",
         r"$f(x)=\dfrac{\sin x}{x}$", r"$f'(x)=\dfrac{x\cos x-\sin x}{x^2}$",
         "f(x) = sin(x)/x, f(0) = 1", "f'(x) = (x·cos(x) - sin(x)) / x^2",
         _rng("[-0.2172336282112217", "1]"), (0.0, 0.0), (0.0, 0.0), monotonic=False,
         d2f=sinc_grad2,
         symmetry="even", xlim=(-12.0, 12.0)),
    Spec("sinusoid", sinusoid, sinusoid_grad, "sin(x), periodic",
         r"$f(x)=\sin x$", r"$f'(x)=\cos x$", "f(x) = sin(x)", "f'(x) = cos(x)",
         _rng("[-1", "1]"), (math.nan, math.nan), (math.nan, math.nan), aliases=("sin", "sine"),
         d2f=sinusoid_grad2,
         monotonic=False, symmetry="odd", xlim=(-2 * math.pi, 2 * math.pi)),
    Spec("tanhexp", tanhexp, tanhexp_grad, "x·tanh(eˣ)",
         r"$f(x)=x\,\tanh(e^{x})$", r"$f'(x)=\tanh(e^{x})+x\,e^{x}\,\mathrm{sech}^2(e^{x})$",
         "f(x) = x·tanh(exp(x))", "f'(x) = tanh(exp(x)) + x·exp(x)·sech(exp(x))^2",
         _rng("[-0.3532857778482113", "inf)"), (0.0, math.inf), _ZERO_ONE,
         d2f=tanhexp_grad2,
         aliases=("tanh_exp",), monotonic=False, reference="Liu & Di 2020"),
    Spec("squared_relu", squared_relu, squared_relu_grad, "max(0, x)²",
         r"$f(x)=\max(0,x)^2$", r"$f'(x)=2\max(0,x)$", "f(x) = max(0, x)^2", "f'(x) = 2·max(0, x)",
         _rng("[0", "inf)"), (0.0, math.inf), (0.0, math.inf),
         d2f=squared_relu_grad2, d2limits=(0.0, 2.0),
         aliases=("relu2", "relu_squared"), smooth_breaks=(0.0,), continuity="C1",
         xlim=(-3.0, 3.0), reference="So et al. 2021 (Primer)"),
    Spec("elish", elish, elish_grad, "Exponential linear sigmoid squashing",
         r"$f(x)=x\,\sigma(x)$ if $x\geq0$, else $(e^{x}-1)\,\sigma(x)$",
         r"$f'(x)=\sigma(x)(1+x\sigma(-x))$ if $x\geq0$, else $e^{x}\sigma(x)+(e^{x}-1)\sigma(x)\sigma(-x)$",
         "f(x) = x·sigmoid(x) if x >= 0 else (exp(x) - 1)·sigmoid(x)",
         "f'(x) = s(1 + x(1 - s)) if x >= 0 else exp(x)·s + (exp(x) - 1)·s(1 - s)",
         _rng("[-0.17157287525381", "inf)"), (0.0, math.inf), _ZERO_ONE,
         d2f=elish_grad2,
         smooth_breaks=(0.0,), monotonic=False, continuity="C1", reference="Basirat & Roth 2018"),
    Spec("sqnl", sqnl, sqnl_grad, "Square nonlinearity, a piecewise-quadratic tanh",
         r"$f(x)=x-x|x|/4$ on $[-2,2]$, $\pm1$ outside",
         r"$f'(x)=1-|x|/2$ on $[-2,2]$, $0$ outside",
         "f(x) = x - x|x|/4 for |x| <= 2, sign(x) outside", "f'(x) = 1 - |x|/2 for |x| <= 2, 0 outside",
         _rng("[-1", "1]"), (-1.0, 1.0), (0.0, 0.0),
         d2f=sqnl_grad2,
         smooth_breaks=(-2.0, 0.0, 2.0), continuity="C1", symmetry="odd", xlim=(-4.0, 4.0),
         reference="Wuraola & Patel 2018"),
    Spec("snake", snake, snake_grad, "x + sin²(ax)/a, periodic inductive bias",
         r"$f(x)=x+\frac{1}{a}\sin^2(ax)$", r"$f'(x)=1+\sin(2ax)$",
         "f(x) = x + sin(a·x)^2 / a", "f'(x) = 1 + sin(2a·x)",
         _rng("(-inf", "inf)"), (-math.inf, math.inf), (math.nan, math.nan),
         d2f=snake_grad2,
         params=(_positive("a", 1.0, "frequency"),),
         xlim=(-6.0, 6.0), reference="Ziyin et al. 2020"),
    Spec("bipolar_sigmoid", bipolar_sigmoid, bipolar_sigmoid_grad, "2σ(x) − 1 = tanh(x/2)",
         r"$f(x)=2\sigma(x)-1=\tanh(x/2)$", r"$f'(x)=2\,\sigma(x)\,\sigma(-x)$",
         "f(x) = 2·sigmoid(x) - 1 = tanh(x/2)", "f'(x) = 2·sigmoid(x)·sigmoid(-x)",
         _rng("(-1", "1)"), (-1.0, 1.0), (0.0, 0.0),
         d2f=bipolar_sigmoid_grad2, symmetry="odd", xlim=(-8.0, 8.0)),
    Spec("shifted_softplus", shifted_softplus, sigmoid, "softplus(x) − log 2, zero at the origin",
         r"$f(x)=\log(1+e^{x})-\log 2$", r"$f'(x)=\sigma(x)$",
         "f(x) = log(1 + exp(x)) - log(2)", "f'(x) = sigmoid(x)",
         lambda p: Interval(-_LOG2, math.inf, False, False), (-_LOG2, math.inf), _ZERO_ONE,
         d2f=sigmoid_grad,
         reference="Schütt et al. 2017 (SchNet)"),
]

REGISTRY: dict[str, Spec] = {spec.name: spec for spec in _SPECS}
ALIASES: dict[str, str] = {alias: spec.name for spec in _SPECS for alias in spec.aliases}

# Each framework's defaults where they differ from PyTorch's (the default preset).
PRESETS: dict[str, dict[str, dict[str, Any]]] = {
    "torch": {},
    "jax": {"gelu": {"approximate": "tanh"}},
    "keras": {"leaky_relu": {"negative_slope": 0.2}},
}


def names() -> list[str]:
    """The canonical names of all registered functions, in registry order."""
    return list(REGISTRY)


def resolve_name(name: str) -> str:
    """The canonical name for `name` or one of its aliases (case and '-' forgiven)."""
    key = name.strip().lower().replace("-", "_")
    if key in REGISTRY:
        return key
    if key in ALIASES:
        return ALIASES[key]
    close = difflib.get_close_matches(key, [*REGISTRY, *ALIASES], n=1, cutoff=0.6)
    hint = f"; did you mean {ALIASES.get(close[0], close[0])!r}?" if close else ""
    raise ActvizError(f"unknown activation {name!r}{hint}")


def _resolve(value, params):
    return value(params) if callable(value) else value


@dataclass(frozen=True)
class Activation:
    """A registered function bound to parameter values.

    ``f``, ``df`` and ``d2f`` accept anything numpy can turn into a float64
    array and return a float64 array of the same shape (a numpy scalar for a
    scalar).  NaN gives NaN and ±inf gives the limit at ±∞.
    """

    spec: Spec
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.spec.name

    def f(self, x):
        """The function's values at x."""
        return self._evaluate(self.spec.f, x, self.limits)

    def df(self, x):
        """The derivative's values at x (PyTorch's one-sided value at a kink)."""
        return self._evaluate(self.spec.df, x, self.dlimits)

    def d2f(self, x):
        """The second derivative's values at x.

        Where f' jumps, f'' takes the one-sided value on the side f' takes
        (relu''(0) = 0, elu''(0) = α); the Dirac mass of the jump itself is
        not represented.  Where only f'' jumps, the value is stated in the
        kernel's docstring.
        """
        return self._evaluate(self.spec.d2f, x, self.d2limits)

    def _evaluate(self, kernel, x, limits):
        x = np.asarray(x, dtype=np.float64)
        finite = np.isfinite(x)
        # Overflow is left silent because it is only reached where the true
        # result itself is beyond the double range (e^710, 2·1e308): the
        # kernels are arranged so no intermediate overflows otherwise.
        with np.errstate(over="ignore"):
            if finite.all():
                out = kernel(x, **self.params)
            else:
                out = kernel(np.where(finite, x, 0.0), **self.params)
                out = np.where(x == -np.inf, limits[0], out)
                out = np.where(x == np.inf, limits[1], out)
                out = np.where(np.isnan(x), np.nan, out)
        return out[()] if out.ndim == 0 else out

    def _meta(self, attribute):
        return _resolve(getattr(self.spec, attribute), self.params)

    output_range = property(lambda self: self._meta("output_range"), doc="The Interval of f's values.")
    limits = property(lambda self: self._meta("limits"), doc="(f(−∞), f(+∞)); NaN where none exists.")
    dlimits = property(lambda self: self._meta("dlimits"), doc="(f'(−∞), f'(+∞)).")

    @property
    def d2limits(self) -> tuple[float, float]:
        """(f''(−∞), f''(+∞)): as declared where f' is unbounded (eˣ, max(0, x)²);
        otherwise 0 where f' has a finite limit and NaN where it has none."""
        if self.spec.d2limits is not None:
            return self._meta("d2limits")
        return tuple(0.0 if math.isfinite(v) else math.nan for v in self.dlimits)

    kinks = property(lambda self: tuple(self._meta("kinks")), doc="Where f is continuous but f' jumps.")
    jumps = property(lambda self: tuple(self._meta("jumps")), doc="Where f itself jumps.")
    smooth_breaks = property(lambda self: tuple(self._meta("smooth_breaks")),
                             doc="Where a C¹ piecewise f has a kink in f'.")
    monotonic = property(lambda self: bool(self._meta("monotonic")), doc="f never decreases.")
    continuity = property(lambda self: self._meta("continuity"), doc="'C0', 'C1', 'C2', 'C∞' or 'discontinuous'.")
    symmetry = property(lambda self: self._meta("symmetry"), doc="'odd', 'even' or 'none'.")
    xlim = property(lambda self: tuple(self._meta("xlim")), doc="A default plotting range.")

    @property
    def bounded(self) -> bool:
        return self.output_range.bounded

    @property
    def zero_centred(self) -> bool:
        """f is odd, so inputs symmetric about 0 give outputs with mean 0."""
        return self.symmetry == "odd"

    @property
    def asymptotes(self) -> tuple[float, ...]:
        """The horizontal asymptotes: the finite limits of f at ±∞."""
        return tuple(sorted({v for v in self.limits if math.isfinite(v)}))

    @property
    def derivative_jumps(self) -> tuple[float, ...]:
        """Where f' jumps: f's kinks and f's own jumps."""
        return tuple(sorted({*self.kinks, *self.jumps}))

    @property
    def torch(self) -> str | None:
        """The PyTorch module that computes the same function, as code."""
        if not self.spec.torch:
            return None
        return self.spec.torch.format(**{k: _python_literal(v) for k, v in self.params.items()})

    @property
    def changed_params(self) -> dict[str, Any]:
        """The parameters that differ from the registry's defaults."""
        return {p.name: self.params[p.name] for p in self.spec.params if self.params[p.name] != p.default}

    @property
    def label(self) -> str:
        """The name, with the non-default parameters: 'leaky_relu(negative_slope=0.2)'."""
        changed = ", ".join(f"{k}={format_value(v)}" for k, v in self.changed_params.items())
        return f"{self.name}({changed})" if changed else self.name


def _python_literal(value):
    """Parameters as Python source: 0.25, inf as float('inf'), strings bare
    (the templates quote them where PyTorch wants a string)."""
    if isinstance(value, float) and math.isinf(value):
        return "float('inf')" if value > 0 else "-float('inf')"
    return value


def format_value(value) -> str:
    """0.2 as '0.2', 'tanh' as 'tanh': how a parameter value is shown."""
    return f"{value:g}" if isinstance(value, float) else str(value)


def get(name: str, preset: str | None = None, **params) -> Activation:
    """The activation `name` (or an alias) bound to `params`.

    Parameters not given take the preset's defaults: ``preset="torch"`` (the
    default), ``"jax"`` or ``"keras"``.  Raises :class:`ActvizError` for an
    unknown name, preset or parameter, or a value outside its domain.
    """
    spec = REGISTRY[resolve_name(name)]
    preset = preset or "torch"
    if preset not in PRESETS:
        raise ActvizError(f"unknown preset {preset!r}; choose from {', '.join(PRESETS)}")
    known = {p.name: p for p in spec.params}
    for key in params:
        if key not in known:
            allowed = ", ".join(known) if known else "none"
            raise ActvizError(f"{spec.name} has no parameter {key!r} (parameters: {allowed})")
    values = {p.name: p.default for p in spec.params}
    values.update(PRESETS[preset].get(spec.name, {}))
    values.update({key: known[key].parse(value) for key, value in params.items()})
    _check_together(spec.name, values)
    return Activation(spec, values)


def family(name: str, values: Mapping[str, Any], preset: str | None = None) -> list[Activation]:
    """One Activation per value of the (single) parameter given as a list:
    ``family("leaky_relu", {"negative_slope": [0.01, 0.1]})``."""
    listed = {k: v for k, v in values.items() if isinstance(v, (list, tuple))}
    fixed = {k: v for k, v in values.items() if k not in listed}
    if not listed:
        return [get(name, preset, **fixed)]
    if len(listed) > 1:
        raise ActvizError("only one parameter can take a list of values")
    (key, options), = listed.items()
    return [get(name, preset, **fixed, **{key: v}) for v in options]


def _check_together(name: str, p: Mapping[str, Any]) -> None:
    """Constraints that involve several parameters at once."""
    if "lower" in p and not p["lower"] <= p["upper"]:
        raise ActvizError(f"{name}: lower ({p['lower']:g}) must not exceed upper ({p['upper']:g})")
    if "min_val" in p and not p["min_val"] < p["max_val"]:
        raise ActvizError(f"{name}: min_val ({p['min_val']:g}) must be below max_val ({p['max_val']:g})")


def describe_params(spec: Spec) -> str:
    """'negative_slope=0.01' style, for listings."""
    return ", ".join(f"{p.name}={format_value(p.default)}" for p in spec.params)

