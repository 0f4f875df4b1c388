"""Sigmoid-like functions: S-shaped, squashing, most of them bounded.

The logistic sigmoid and its relatives (log σ, 2σ − 1, tanh and its scaled,
algebraic and piecewise imitations).
"""
from __future__ import annotations

import math
from typing import Mapping

import numpy as np

from .core import Array, Constraint, Interval, Parameter, Spec, positive
from .kernels import EXP_SUBNORMAL, log1p_exp, logistic, sech2, times_exp, zero_grad


def sigmoid(x: Array) -> Array:
    r"""σ(x) = 1 / (1 + e^{−x})."""
    return logistic(x)


def sigmoid_grad(x: Array) -> Array:
    r"""σ'(x) = σ(x)·σ(−x).

    The textbook σ(x)(1 − σ(x)) is exactly 0 for x > 37 (σ rounds to 1),
    where the true value e^{−x} is still far above the underflow threshold.
    """
    return logistic(x) * logistic(-x)


def sigmoid_grad2(x: Array) -> Array:
    r"""σ''(x) = σ'(x)·(1 − 2σ(x)) = −σ(x)σ(−x)·tanh(x/2).

    1 − 2σ(x) = σ(−x) − σ(x) cancels near 0, where σ'' has its root; the
    equal tanh(x/2) keeps full relative precision there.
    """
    return -sigmoid_grad(x) * np.tanh(0.5 * x)


SIGMOID = Spec(
    name="sigmoid", aliases=("logistic",),
    summary="Logistic sigmoid, squashes to (0, 1)",
    f=sigmoid, df=sigmoid_grad, d2f=sigmoid_grad2,
    latex=r"$\sigma(x)=\dfrac{1}{1+e^{-x}}$",
    dlatex=r"$\sigma'(x)=\sigma(x)\,\sigma(-x)$",
    text="f(x) = 1 / (1 + exp(-x))",
    dtext="f'(x) = f(x)·f(-x) = f(x)(1 - f(x))",
    output_range=Interval(0.0, 1.0),
    limits=(0.0, 1.0),
    dlimits=(0.0, 0.0),
    xlim=(-8.0, 8.0),
    torch="torch.nn.Sigmoid()",
)


def logsigmoid(x: Array) -> Array:
    r"""log σ(x) = −softplus(−x), which with the stable softplus is
    x − log1p(eˣ) for x < 0 and −log1p(e^{−x}) for x ≥ 0: exact in both
    tails, where log(σ(x)) would give −inf below x ≈ −745."""
    return -log1p_exp(-x)


def logsigmoid_grad(x: Array) -> Array:
    """σ(−x)."""
    return logistic(-x)


def logsigmoid_grad2(x: Array) -> Array:
    """−σ(x)σ(−x)."""
    return -sigmoid_grad(x)


LOGSIGMOID = Spec(
    name="logsigmoid", aliases=("log_sigmoid",),
    summary="log σ(x) = −softplus(−x)",
    f=logsigmoid, df=logsigmoid_grad, d2f=logsigmoid_grad2,
    latex=r"$f(x)=\log\sigma(x)$",
    dlatex=r"$f'(x)=\sigma(-x)$",
    text="f(x) = log(1 / (1 + exp(-x)))",
    dtext="f'(x) = sigmoid(-x)",
    output_range=Interval(-math.inf, 0.0),
    limits=(-math.inf, 0.0),
    dlimits=(1.0, 0.0),
    torch="torch.nn.LogSigmoid()",
)


def bipolar_sigmoid(x: Array) -> Array:
    r"""2σ(x) − 1 = tanh(x/2); the tanh form does not cancel near 0."""
    return np.tanh(0.5 * x)


def bipolar_sigmoid_grad(x: Array) -> Array:
    """2σ(x)σ(−x) = sech²(x/2)/2."""
    return 2.0 * sigmoid_grad(x)


def bipolar_sigmoid_grad2(x: Array) -> Array:
    """2σ''(x) = −2σ(x)σ(−x)·tanh(x/2)."""
    return 2.0 * sigmoid_grad2(x)


BIPOLAR_SIGMOID = Spec(
    name="bipolar_sigmoid",
    summary="2σ(x) − 1 = tanh(x/2)",
    f=bipolar_sigmoid, df=bipolar_sigmoid_grad, d2f=bipolar_sigmoid_grad2,
    latex=r"$f(x)=2\sigma(x)-1=\tanh(x/2)$",
    dlatex=r"$f'(x)=2\,\sigma(x)\,\sigma(-x)$",
    text="f(x) = 2·sigmoid(x) - 1 = tanh(x/2)",
    dtext="f'(x) = 2·sigmoid(x)·sigmoid(-x)",
    output_range=Interval(-1.0, 1.0),
    limits=(-1.0, 1.0),
    dlimits=(0.0, 0.0),
    symmetry="odd",
    xlim=(-8.0, 8.0),
)


def tanh(x: Array) -> Array:
    """tanh(x)."""
    return np.tanh(x)


def tanh_grad(x: Array) -> Array:
    """tanh'(x) = sech²(x); see :func:`sech2` for why not 1 − tanh²."""
    return sech2(x)


def tanh_grad2(x: Array) -> Array:
    """tanh''(x) = −2·tanh(x)·sech²(x), a product with no cancellation."""
    return -2.0 * np.tanh(x) * sech2(x)


TANH = Spec(
    name="tanh",
    summary="Hyperbolic tangent, zero-centred, squashes to (−1, 1)",
    f=tanh, df=tanh_grad, d2f=tanh_grad2,
    latex=r"$\tanh(x)=\dfrac{e^{x}-e^{-x}}{e^{x}+e^{-x}}$",
    dlatex=r"$\tanh'(x)=1-\tanh^2(x)$",
    text="f(x) = (exp(x) - exp(-x)) / (exp(x) + exp(-x))",
    dtext="f'(x) = 1 - tanh(x)^2 = sech(x)^2",
    output_range=Interval(-1.0, 1.0),
    limits=(-1.0, 1.0),
    dlimits=(0.0, 0.0),
    symmetry="odd",
    torch="torch.nn.Tanh()",
)


def _soboleva_side(t: np.ndarray, a: float, b: float, c: float, d: float, order: int) -> np.ndarray:
    r"""The order-th derivative of (e^{at} − e^{−beta_t})/(e^{ct} + e^{−dt}) at t ≥ 0.

    Divided through by e^{ct}: f = e^{αt}·N/D, α = a − c, N = 1 − u,
    u = e^{−(a+b)t}, D = 1 + R, R = e^{−(c+d)t}.  N = −expm1(−(a + b)t)
    keeps the numerator's difference exact near t = 0 (where f ≈ (a + b)t/2),
    u and R are at most 1, and the magnitude is in the one factor e^{αt},
    formed by :func:`times_exp` where it is subnormal, and as
    (coef·e^{αt/2})·e^{αt/2} past αt = 700, where e^{αt} alone may overflow
    while coef·e^{αt} (coef < 1) does not.  With
    M = αND + βuD + γRN (β = a + b, γ = c + d), f′ = e^{αt}·M/D², with M
    collected as N·(α(1 − R) + (α + a + d)R) + βuD, 1 − R = −expm1(−(c + d)t):
    a sum whose terms cancel only where f′ itself nearly does, with N and
    1 − R kept whole, which are all of f′ where a + b or c + d is tiny; and
    f″ = e^{αt}·(αMD + M′D + 2γRM)/D³, M′ = −β(b + c)uD − γ(a + d)RN.  Near
    t = 0, where N = 0 and u = R = 1, the terms of that sum cancel (by 5× at
    the defaults); collected by u and by N it is
    α²ND² + βuD·((a − b)D − 2(c − d) − 2d(1 − R)) + γRN·((2a − 3c − d)D + 2γR),
    1 − R = −expm1(−(c + d)t), whose middle bracket is (a − b − c + d)·2 at 0.
    The products βt, γt are formed as at + beta_t, ct + dt, so that they
    overflow to inf and never to inf·0.
    """
    alpha, beta, gamma = a - c, a + b, c + d
    beta_t, gamma_t = a * t + b * t, c * t + d * t
    u, r = np.exp(-beta_t), np.exp(-gamma_t)
    n, dd, rm = -np.expm1(-beta_t), 1.0 + r, -np.expm1(-gamma_t)
    if order == 0:
        coef = n / dd
    elif order == 1:
        coef = (n * (alpha * rm + (alpha + (a + d)) * r) + beta * u * dd) / (dd * dd)
    else:
        inner = (a - b) * dd - 2.0 * (c - d) - 2.0 * d * rm
        coef = (alpha * alpha * n * dd * dd + beta * u * dd * inner
                + gamma * r * n * ((2.0 * a - 3.0 * c - d) * dd + 2.0 * gamma * r)) / (dd * dd * dd)
    e = alpha * t
    far, big = e < EXP_SUBNORMAL, e > 700.0
    half = np.exp(0.5 * np.where(big, e, 0.0))
    near = np.where(big, coef * half * half, coef * np.exp(np.where(far | big, 0.0, e)))
    return np.where(far, times_exp(coef, np.minimum(e, 0.0)), near)


def _soboleva(x: np.ndarray, a: float, b: float, c: float, d: float, order: int) -> np.ndarray:
    """f, f′ or f″ from :func:`_soboleva_side`: for x < 0 by the mirror
    f(x; a, b, c, d) = −f(−x; b, a, d, c), each side where its exponentials
    are at most 1."""
    t = np.abs(x)
    right = _soboleva_side(t, a, b, c, d, order)
    left = _soboleva_side(t, b, a, d, c, order)
    return np.where(x >= 0, right, left if order == 1 else -left)


def soboleva_tanh(x: np.ndarray, a: float, b: float, c: float, d: float) -> np.ndarray:
    r"""(e^{ax} − e^{−bx})/(e^{cx} + e^{−dx}) (see :func:`_soboleva_side`)."""
    return _soboleva(x, a, b, c, d, 0)


def soboleva_tanh_grad(x: np.ndarray, a: float, b: float, c: float, d: float) -> np.ndarray:
    r"""(ae^{ax} + be^{−bx})/(e^{cx} + e^{−dx}) − f·(ce^{cx} − de^{−dx})/(e^{cx} + e^{−dx})."""
    return _soboleva(x, a, b, c, d, 1)


def soboleva_tanh_grad2(x: np.ndarray, a: float, b: float, c: float, d: float) -> np.ndarray:
    """f″, collected so that it does not cancel near 0 (see :func:`_soboleva_side`)."""
    return _soboleva(x, a, b, c, d, 2)


def _soboleva_peak(a: float, b: float, c: float, d: float) -> float:
    """The greatest value on x > 0 where a < c (f rises from 0 and falls back
    to 0): f at the root of f′, bisected on the doubles."""
    def g(t: float) -> float:
        return float(_soboleva_side(np.array(t), a, b, c, d, 1))
    hi = 1.0
    while g(hi) > 0:
        hi *= 2.0
    lo = 0.0
    while True:
        mid = 0.5 * (lo + hi)
        if mid in (lo, hi):
            break
        lo, hi = (mid, hi) if g(mid) > 0 else (lo, mid)
    return max(float(_soboleva_side(np.array(t), a, b, c, d, 0)) for t in (lo, hi))


def _soboleva_range(p: Mapping[str, float]) -> Interval:
    """Each side: unbounded where the numerator's exponent is the larger
    (a > c, b > d), approaching ±1 where they are equal, and an interior
    extremum where the denominator's is larger."""
    a, b, c, d = p["a"], p["b"], p["c"], p["d"]
    hi = math.inf if a > c else 1.0 if a == c else _soboleva_peak(a, b, c, d)
    lo = -math.inf if b > d else -1.0 if b == d else -_soboleva_peak(b, a, d, c)
    return Interval(lo, hi, lo_closed=b < d, hi_closed=a < c)


def _soboleva_limit(numerator: float, denominator: float, sign: float) -> float:
    return sign * math.inf if numerator > denominator else sign if numerator == denominator else 0.0


SOBOLEVA_TANH = Spec(
    name="soboleva_tanh", aliases=("smht", "modified_tanh"),
    summary="Soboleva's modified tanh (e^{ax} − e^{−bx})/(e^{cx} + e^{−dx})",
    f=soboleva_tanh, df=soboleva_tanh_grad, d2f=soboleva_tanh_grad2,
    latex=r"$f(x)=\dfrac{e^{ax}-e^{-bx}}{e^{cx}+e^{-dx}}$",
    dlatex=r"$f'(x)=\dfrac{ae^{ax}+be^{-bx}}{e^{cx}+e^{-dx}}-f(x)\,\dfrac{ce^{cx}-de^{-dx}}{e^{cx}+e^{-dx}}$",
    text="f(x) = (exp(a·x) - exp(-b·x)) / (exp(c·x) + exp(-d·x))",
    dtext="f'(x) = (a·exp(a·x) + b·exp(-b·x))/(exp(c·x) + exp(-d·x)) - f(x)·(c·exp(c·x) - d·exp(-d·x))/(exp(c·x) + exp(-d·x))",
    # Soboleva fixes no values; a = c, b < d keep the right side tanh's and
    # let the left one dip and return to 0 (a = b = c = d = 1 is tanh).
    params=tuple(Parameter(name, default, description, lambda v: 0 < v <= 1e100, "a number in (0, 1e100]")
                 for name, default, description in (("a", 1.0, "growth of the numerator on the right"),
                                                    ("b", 0.5, "growth of the numerator on the left"),
                                                    ("c", 1.0, "growth of the denominator on the right"),
                                                    ("d", 1.0, "growth of the denominator on the left"))),
    output_range=_soboleva_range,
    limits=lambda p: (_soboleva_limit(p["b"], p["d"], -1.0), _soboleva_limit(p["a"], p["c"], 1.0)),
    dlimits=lambda p: (math.inf if p["b"] > p["d"] else 0.0, math.inf if p["a"] > p["c"] else 0.0),
    d2limits=lambda p: (-math.inf if p["b"] > p["d"] else 0.0, math.inf if p["a"] > p["c"] else 0.0),
    monotonic=lambda p: p["a"] >= p["c"] and p["b"] >= p["d"],
    symmetry=lambda p: "odd" if p["a"] == p["b"] and p["c"] == p["d"] else "none",
    xlim=(-8.0, 5.0),
    reference="Soboleva & Beskorovainyi 2008 (modified hyperbolic tangent); a, b, c, d illustrative",
)


_LECUN_A = 1.7159
_LECUN_B = 2.0 / 3.0


def lecun_tanh(x: Array) -> Array:
    """1.7159·tanh(2x/3), LeCun's scaled tanh (f(±1) ≈ ±1)."""
    return _LECUN_A * np.tanh(_LECUN_B * x)


def lecun_tanh_grad(x: Array) -> Array:
    r"""1.7159·(2/3)·sech²(2x/3); where sech²(y) = 4e^{−2|y|} is subnormal
    the factor 1.14 is applied by :func:`times_exp`, before the rounding."""
    z = -2.0 * np.abs(_LECUN_B * x)
    return np.where(z < EXP_SUBNORMAL, times_exp(4.0 * _LECUN_A * _LECUN_B, z),
                    (_LECUN_A * _LECUN_B) * sech2(_LECUN_B * x))


def lecun_tanh_grad2(x: Array) -> Array:
    """1.7159·(2/3)²·tanh''(2x/3)."""
    return (_LECUN_A * _LECUN_B * _LECUN_B) * tanh_grad2(_LECUN_B * x)


LECUN_TANH = Spec(
    name="lecun_tanh",
    summary="LeCun's scaled tanh, 1.7159·tanh(2x/3)",
    f=lecun_tanh, df=lecun_tanh_grad, d2f=lecun_tanh_grad2,
    latex=r"$f(x)=1.7159\,\tanh(2x/3)$",
    dlatex=r"$f'(x)=1.7159\cdot\frac{2}{3}\,\mathrm{sech}^2(2x/3)$",
    text="f(x) = 1.7159·tanh(2x/3)",
    dtext="f'(x) = 1.7159·(2/3)·sech(2x/3)^2",
    output_range=Interval(-_LECUN_A, _LECUN_A),
    limits=(-_LECUN_A, _LECUN_A),
    dlimits=(0.0, 0.0),
    symmetry="odd",
    reference="LeCun et al. 1998, Efficient BackProp",
)


def softsign(x: Array) -> Array:
    """x / (1 + |x|)."""
    return x / (1.0 + np.abs(x))


def softsign_grad(x: Array) -> Array:
    """1/(1 + |x|)², squared after the division so it cannot overflow."""
    return (1.0 / (1.0 + np.abs(x))) ** 2


def softsign_grad2(x: Array) -> Array:
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


SOFTSIGN = Spec(
    name="softsign", aliases=("soft_sign",),
    summary="x/(1 + |x|), a slowly saturating tanh",
    f=softsign, df=softsign_grad, d2f=softsign_grad2,
    latex=r"$f(x)=\dfrac{x}{1+|x|}$",
    dlatex=r"$f'(x)=\dfrac{1}{(1+|x|)^2}$",
    text="f(x) = x / (1 + |x|)",
    dtext="f'(x) = 1 / (1 + |x|)^2",
    output_range=Interval(-1.0, 1.0),
    limits=(-1.0, 1.0),
    dlimits=(0.0, 0.0),
    smooth_breaks=(0.0,),
    continuity="C1", symmetry="odd",
    xlim=(-8.0, 8.0),
    torch="torch.nn.Softsign()",
)


def arctan(x: Array) -> Array:
    """arctan(x)."""
    return np.arctan(x)


def arctan_grad(x: Array) -> Array:
    r"""1/(1 + x²); for |x| > 1 as r²/(1 + r²), r = 1/x, so x² cannot overflow."""
    big = np.abs(x) > 1.0
    r = 1.0 / np.where(big, x, 1.0)
    return np.where(big, r * r / (1.0 + r * r), 1.0 / (1.0 + x * x))


def arctan_grad2(x: Array) -> Array:
    r"""−2x·f'(x)² with f' = 1/(1 + x²), formed as −2·(x·f')·f'.

    f'² underflows for |x| > 1e77 while x·f'² is still representable;
    multiplying by x first keeps it.
    """
    g = arctan_grad(x)
    return -2.0 * (x * g) * g


ARCTAN = Spec(
    name="arctan", aliases=("atan",),
    summary="Inverse tangent, squashes to (−π/2, π/2)",
    f=arctan, df=arctan_grad, d2f=arctan_grad2,
    latex=r"$f(x)=\arctan(x)$",
    dlatex=r"$f'(x)=\dfrac{1}{1+x^2}$",
    text="f(x) = arctan(x)",
    dtext="f'(x) = 1 / (1 + x^2)",
    output_range=Interval(-math.pi / 2, math.pi / 2),
    limits=(-math.pi / 2, math.pi / 2),
    dlimits=(0.0, 0.0),
    symmetry="odd",
    xlim=(-8.0, 8.0),
)


def isru(x: Array, alpha: float) -> Array:
    """x/√(1 + αx²) = x / hypot(1, √α·x); where √α·x overflows (α = 1e300,
    x = 1e200), sign(x)/hypot(1/x, √α) ≈ ±1/√α instead."""
    scaled = math.sqrt(alpha) * x
    far = ~np.isfinite(scaled)
    return np.where(far, np.sign(x) / np.hypot(1.0 / np.where(far, x, 1.0), math.sqrt(alpha)),
                    x / np.hypot(1.0, scaled))


def isru_grad(x: Array, alpha: float) -> Array:
    """(1 + αx²)^{−3/2}."""
    return (1.0 / np.hypot(1.0, math.sqrt(alpha) * x)) ** 3


def isru_grad2(x: Array, alpha: float) -> Array:
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


ISRU = Spec(
    name="isru",
    summary="Inverse square root unit x/√(1 + αx²)",
    f=isru, df=isru_grad, d2f=isru_grad2,
    latex=r"$f(x)=\dfrac{x}{\sqrt{1+\alpha x^2}}$",
    dlatex=r"$f'(x)=(1+\alpha x^2)^{-3/2}$",
    text="f(x) = x / sqrt(1 + alpha·x^2)",
    dtext="f'(x) = (1 + alpha·x^2)^(-3/2)",
    params=(positive("alpha", 1.0, "saturation: the range is ±1/√α"),),
    output_range=lambda p: Interval(-p["alpha"] ** -0.5, p["alpha"] ** -0.5),
    limits=lambda p: (-p["alpha"] ** -0.5, p["alpha"] ** -0.5),
    dlimits=(0.0, 0.0),
    symmetry="odd",
    reference="Carlile et al. 2017",
)


def hardtanh(x: Array, min_val: float, max_val: float) -> Array:
    """x clipped to [min_val, max_val]."""
    return np.clip(x, min_val, max_val)


def hardtanh_grad(x: Array, min_val: float, max_val: float) -> Array:
    """1 strictly inside (min_val, max_val), 0 elsewhere, kinks included."""
    return ((x > min_val) & (x < max_val)).astype(np.float64)


HARDTANH = Spec(
    name="hardtanh", aliases=("hard_tanh",),
    summary="x clipped to [min_val, max_val]",
    f=hardtanh, df=hardtanh_grad, d2f=zero_grad,
    latex=r"$f(x)=\min(\max(x,a),b)$",
    dlatex=r"$f'(x)=1$ if $a<x<b$, else $0$",
    text="f(x) = min(max(x, min_val), max_val)",
    dtext="f'(x) = 1 if min_val < x < max_val else 0",
    params=(Parameter("min_val", -1.0, "lower clip"), Parameter("max_val", 1.0, "upper clip")),
    constraints=(Constraint(lambda p: p["min_val"] < p["max_val"],
                            "min_val ({min_val:g}) must be below max_val ({max_val:g})"),),
    output_range=lambda p: Interval(p["min_val"], p["max_val"], lo_closed=True, hi_closed=True),
    limits=lambda p: (p["min_val"], p["max_val"]),
    dlimits=(0.0, 0.0),
    kinks=lambda p: (p["min_val"], p["max_val"]),
    df_at_kinks=lambda p: {p["min_val"]: 0.0, p["max_val"]: 0.0},
    continuity="C0", symmetry=lambda p: "odd" if p["min_val"] == -p["max_val"] else "none",
    xlim=lambda p: (p["min_val"] - 2.0, p["max_val"] + 2.0),
    torch="torch.nn.Hardtanh(min_val={min_val}, max_val={max_val})",
)


def hardsigmoid(x: Array, half_width: float) -> Array:
    r"""clip((x + w)/(2w), 0, 1), w = `half_width`: 0 left of −w, 1 right of w.

    PyTorch's (and Keras 3's) relu6(x + 3)/6 is w = 3; Keras 2's
    hard_sigmoid, clip(0.2x + 0.5, 0, 1), is w = 2.5, with its kinks at
    x = ±2.5 (TensorFlow's own docs once put them elsewhere: tensorflow
    issue 65381).  (x + w)/(2w) rather than x/(2w) + 1/2: near x = −w the
    sum is exact (Sterbenz) while x/(2w) + 1/2 would cancel.  It is formed
    as ((x + w)/w)/2, which rounds the same, since 2w overflows for w near
    1.8e308; where x + w itself overflows, x/w + 1 (far from −w) is used.
    """
    total = x + half_width
    ratio = np.where(np.isfinite(total), total / half_width, x / half_width + 1.0)
    return hardtanh(ratio * 0.5, 0.0, 1.0)


def hardsigmoid_grad(x: Array, half_width: float) -> Array:
    """1/(2w) on (−w, w), 0 elsewhere (0 at the kinks, as PyTorch); 0.5/w,
    since 2w may overflow."""
    return np.where((x > -half_width) & (x < half_width), 0.5 / half_width, 0.0)


def _hardsigmoid_grad2(x: Array, half_width: float) -> Array:
    return zero_grad(x)


HARDSIGMOID = Spec(
    name="hardsigmoid", aliases=("hard_sigmoid",),
    summary="Piecewise-linear sigmoid, relu6(x + 3)/6",
    f=hardsigmoid, df=hardsigmoid_grad, d2f=_hardsigmoid_grad2,
    latex=r"$f(x)=\mathrm{clip}\left(\frac{x+w}{2w},\,0,\,1\right)$",
    dlatex=r"$f'(x)=\frac{1}{2w}$ if $-w<x<w$, else $0$",
    text="f(x) = min(max(0, x + w), 2w) / (2w), w = half_width (3: relu6(x + 3)/6)",
    dtext="f'(x) = 1/(2w) if -w < x < w else 0",
    params=(positive("half_width", 3.0, "f rises from 0 to 1 over [-half_width, half_width]"),),
    presets={"keras2": {"half_width": 2.5}},
    output_range=Interval(0.0, 1.0, lo_closed=True, hi_closed=True),
    limits=(0.0, 1.0),
    dlimits=(0.0, 0.0),
    kinks=lambda p: (-p["half_width"], p["half_width"]),
    df_at_kinks=lambda p: {-p["half_width"]: 0.0, p["half_width"]: 0.0},
    continuity="C0",
    xlim=lambda p: (-2.0 * p["half_width"], 2.0 * p["half_width"]),
    torch=lambda p: "torch.nn.Hardsigmoid()" if p["half_width"] == 3.0 else None,
    reference="PyTorch, Keras 3: w = 3; Keras 2: w = 2.5 (0.2x + 0.5)",
)


def sparse_sigmoid(x: Array) -> Array:
    """clip((x + 1)/2, 0, 1)."""
    return np.clip((x + 1.0) / 2.0, 0.0, 1.0)


def sparse_sigmoid_grad(x: Array) -> Array:
    """1/2 on (−1, 1), 0 elsewhere (0 at the kinks, as hardtanh)."""
    return np.where((x > -1.0) & (x < 1.0), 0.5, 0.0)


SPARSE_SIGMOID = Spec(
    name="sparse_sigmoid",
    summary="Piecewise-linear sigmoid on [−1, 1]",
    f=sparse_sigmoid, df=sparse_sigmoid_grad, d2f=zero_grad,
    latex=r"$f(x)=\mathrm{clip}((x+1)/2,\,0,\,1)$",
    dlatex=r"$f'(x)=1/2$ if $|x|<1$, else $0$",
    text="f(x) = clip((x + 1)/2, 0, 1)",
    dtext="f'(x) = 1/2 if |x| < 1 else 0",
    output_range=Interval(0.0, 1.0, lo_closed=True, hi_closed=True),
    limits=(0.0, 1.0),
    dlimits=(0.0, 0.0),
    kinks=(-1.0, 1.0), df_at_kinks={-1.0: 0.0, 1.0: 0.0},
    continuity="C0",
    xlim=(-3.0, 3.0),
)


def sqnl(x: Array) -> Array:
    """Square nonlinearity: x − x|x|/4 on [−2, 2], ±1 outside."""
    xc = np.clip(x, -2.0, 2.0)
    return xc - xc * np.abs(xc) / 4.0


def sqnl_grad(x: Array) -> Array:
    """1 − |x|/2 on [−2, 2], 0 outside: continuous, so sqnl is C¹."""
    return 1.0 - np.abs(np.clip(x, -2.0, 2.0)) / 2.0


def sqnl_grad2(x: Array) -> Array:
    """−sign(x)/2 on (−2, 2), 0 outside.

    sqnl' is continuous, but sqnl'' jumps at 0 and ±2; it is 0 at all three:
    at 0 the value that keeps f'' odd (sign(0) = 0), at ±2 the outer side
    (as hardtanh' at its kinks).
    """
    return np.where(np.abs(x) < 2.0, -0.5 * np.sign(x), 0.0)


SQNL = Spec(
    name="sqnl",
    summary="Square nonlinearity, a piecewise-quadratic tanh",
    f=sqnl, df=sqnl_grad, d2f=sqnl_grad2,
    latex=r"$f(x)=x-x|x|/4$ on $[-2,2]$, $\pm1$ outside",
    dlatex=r"$f'(x)=1-|x|/2$ on $[-2,2]$, $0$ outside",
    text="f(x) = x - x|x|/4 for |x| <= 2, sign(x) outside",
    dtext="f'(x) = 1 - |x|/2 for |x| <= 2, 0 outside",
    output_range=Interval(-1.0, 1.0, lo_closed=True, hi_closed=True),
    limits=(-1.0, 1.0),
    dlimits=(0.0, 0.0),
    smooth_breaks=(-2.0, 0.0, 2.0),
    continuity="C1", symmetry="odd",
    xlim=(-4.0, 4.0),
    reference="Wuraola & Patel 2018",
)


def cloglog(x: Array) -> Array:
    r"""1 − exp(−eˣ) = −expm1(−eˣ), the inverse of the complementary log-log
    link; expm1 keeps it ≈ eˣ for x ≪ 0, where 1 − exp(·) cancels.  eˣ is
    capped at e⁴⁰, where f is already 1."""
    return -np.expm1(-np.exp(np.minimum(x, 40.0)))


def cloglog_grad(x: Array) -> Array:
    """eˣ·exp(−eˣ) = exp(x − eˣ) (x capped at 40, where this is 0)."""
    xc = np.minimum(x, 40.0)
    return np.exp(xc - np.exp(xc))


def cloglog_grad2(x: Array) -> Array:
    r"""f'·(1 − eˣ) = −expm1(x)·exp(x − eˣ); formed by :func:`times_exp`,
    since exp(x − eˣ) is subnormal for x > 6.57, where the product is not."""
    xc = np.minimum(x, 40.0)
    return times_exp(-np.expm1(xc), xc - np.exp(xc))


CLOGLOG = Spec(
    name="cloglog",
    summary="Inverse complementary log-log, 1 − exp(−eˣ): an asymmetric sigmoid",
    f=cloglog, df=cloglog_grad, d2f=cloglog_grad2,
    latex=r"$f(x)=1-\exp(-e^{x})$",
    dlatex=r"$f'(x)=\exp(x-e^{x})$",
    text="f(x) = 1 - exp(-exp(x))",
    dtext="f'(x) = exp(x - exp(x))",
    output_range=Interval(0.0, 1.0),
    limits=(0.0, 1.0),
    dlimits=(0.0, 0.0),
    xlim=(-6.0, 4.0),
    reference="the inverse of the cloglog link of generalised linear models (e.g. Gomes et al. 2021)",
)


def _soft_clipping_left(x: Array, alpha: float) -> Array:
    r"""f(x) for x ≤ 1/2: log1p(w)/α, w = (1 − e^{−α})·e^{αx}/(1 + e^{α(x−1)}).

    The quotient inside log((1 + e^{αx})/(1 + e^{α(x−1)})) is 1 + w, and
    log1p(w) keeps what the logarithm of a ratio near 1 (small α) would
    lose.  For x ≥ 0, w = (1 − e^{−α})/(e^{−αx} + e^{−α}), so nothing
    overflows; where αx > 700 that too fails (α = 1e300) and
    x + (log1p(e^{−αx}) − log1p(e^{−α(1−x)}))/α is used, both terms tiny.
    Where w is below 2⁻⁵⁴, log1p(w)/α = w/α = ((1 − e^{−α})/α)·r, r = w/(1 −
    e^{−α}), is formed without w (a subnormal α would flush w to 0), and
    by :func:`times_exp` where e^{αx} is subnormal.
    """
    c = -np.expm1(-alpha)
    z = alpha * x
    xp = np.maximum(x, 0.0)
    zn = np.minimum(z, 0.0)
    ratio = np.where(x < 0, np.exp(zn) / (1.0 + np.exp(zn - alpha)),
                     1.0 / (np.exp(-np.minimum(alpha * xp, 700.0)) + np.exp(-alpha)))
    w = c * ratio
    far_right = x + (np.log1p(np.exp(-np.minimum(alpha * xp, 1e300))) - np.log1p(np.exp(-alpha * (1.0 - xp)))) / alpha
    linear = np.where(z < EXP_SUBNORMAL, times_exp(c / alpha, zn), (c / alpha) * ratio)
    return np.where(z > 700.0, far_right, np.where(w < 2.0 ** -54, linear, np.log1p(w) / alpha))


def soft_clipping(x: Array, alpha: float) -> Array:
    r"""(1/α)·log((1 + e^{αx})/(1 + e^{α(x−1)})): a smooth clip to [0, 1].

    f(x) + f(1 − x) = 1, so for x > 1/2 it is 1 − f(1 − x): each side is
    computed where f is at most 1/2, by :func:`_soft_clipping_left`.
    """
    right = x > 0.5
    return np.where(right, 1.0 - _soft_clipping_left(np.where(right, 1.0 - x, 0.0), alpha),
                    _soft_clipping_left(np.where(right, 0.0, x), alpha))


def soft_clipping_grad(x: Array, alpha: float) -> Array:
    r"""σ(αx) − σ(α(x − 1)) = (1 − e^{−α})·σ(αx)·σ(α(1 − x)).

    The difference of two sigmoids cancels wherever both are near 0 or 1;
    the product (from σ(a) − σ(b) = σ(a)σ(−b)(1 − e^{b−a})) does not.
    """
    return (-np.expm1(-alpha) * logistic(alpha * x)) * logistic(alpha * (1.0 - x))


def soft_clipping_grad2(x: Array, alpha: float) -> Array:
    r"""α(1 − e^{−α})·σ(αx)σ(−αx)·σ(α(1 − x))²·(1 − e^{α(2x−1)}) for
    x ≤ 1/2, and −f''(1 − x) for x > 1/2 (f is point-symmetric about
    (1/2, 1/2)), so that the last factor is −expm1 of a non-positive number.

    From f'' = α(1 − e^{−α})·σ(αx)σ(α(1−x))·(σ(−αx) − σ(α(x − 1))) and the
    same product form of a difference of sigmoids as in f'.
    """
    def left(t: Array) -> Array:
        z = alpha * t
        tail = logistic(alpha * (1.0 - t))
        return (-np.expm1(-alpha) * alpha) * (logistic(z) * logistic(-z)) * tail * tail * -np.expm1(
            alpha * (2.0 * t - 1.0))
    right = x > 0.5
    return np.where(right, -left(np.where(right, 1.0 - x, 0.0)), left(np.where(right, 0.0, x)))


SOFT_CLIPPING = Spec(
    name="soft_clipping", aliases=("softclip",),
    summary="Soft clipping to [0, 1], (1/α)·log((1 + e^{αx})/(1 + e^{α(x−1)}))",
    f=soft_clipping, df=soft_clipping_grad, d2f=soft_clipping_grad2,
    latex=r"$f(x)=\frac{1}{\alpha}\log\frac{1+e^{\alpha x}}{1+e^{\alpha(x-1)}}$",
    dlatex=r"$f'(x)=\sigma(\alpha x)-\sigma(\alpha(x-1))$",
    text="f(x) = log((1 + exp(alpha·x)) / (1 + exp(alpha·(x - 1)))) / alpha",
    dtext="f'(x) = sigmoid(alpha·x) - sigmoid(alpha·(x - 1))",
    # α = 10 so that the figure shows the clip (implementations default to 1,
    # which draws a plain sigmoid-like curve; the paper leaves α to the user).
    params=(positive("alpha", 10.0, "sharpness: large alpha approaches clip(x, 0, 1)"),),
    output_range=Interval(0.0, 1.0),
    limits=(0.0, 1.0),
    dlimits=(0.0, 0.0),
    xlim=(-1.5, 2.5),
    reference="Klimek & Perelstein 2020",
)
