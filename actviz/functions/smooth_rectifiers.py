"""Smooth rectifiers: ≈ 0 on the left, ≈ x on the right, smooth in between.

softplus and its shift, the Gaussian and sigmoid-weighted units (GELU, SiLU,
swish, mish, tanhexp, ELiSH) and the algebraic and piecewise-quadratic ones.
"""
from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from .core import Array, Constraint, Interval, Parameter, Spec, positive
from .kernels import (EXP_SUBNORMAL, elementwise, log1p_exp, logistic, sech2, times_exp, times_sigmoid,
                      two_minus_square)
from .sigmoid_like import sigmoid, sigmoid_grad, sigmoid_grad2, sparse_sigmoid_grad


def softplus(x: Array, beta: float, threshold: float) -> Array:
    r"""log(1 + e^{βx})/β = max(x, 0) + log1p(e^{−β|x|})/β.

    The stable form never overflows and keeps e^{βx}/β for βx ≪ 0, formed
    by :func:`times_exp` where e^{βx} is subnormal (a small β lifts it
    back).  With a finite `threshold`, PyTorch's shortcut f = x for
    βx > threshold is reproduced exactly (it is off by default: it is a
    speed trick that costs up to 2e−9 relative error at the switch).
    """
    z = -beta * np.abs(x)
    tail = np.where(z < EXP_SUBNORMAL, times_exp(1.0 / beta, z), np.log1p(np.exp(z)) / beta)
    return np.where(beta * x > threshold, x, np.maximum(x, 0.0) + tail)


def softplus_grad(x: Array, beta: float, threshold: float) -> Array:
    """σ(βx), or 1 where PyTorch's threshold shortcut applies."""
    return np.where(beta * x > threshold, 1.0, logistic(beta * x))


def softplus_grad2(x: Array, beta: float, threshold: float) -> Array:
    """β·σ'(βx); 0 where PyTorch's threshold shortcut makes f linear (at
    βx = threshold f' is σ, so f'' is β·σ' there)."""
    return np.where(beta * x > threshold, 0.0, beta * sigmoid_grad(beta * x))


SOFTPLUS = Spec(
    name="softplus",
    summary="Smooth ReLU, log(1 + e^{βx})/β",
    f=softplus, df=softplus_grad, d2f=softplus_grad2,
    latex=r"$f(x)=\frac{1}{\beta}\log(1+e^{\beta x})$",
    dlatex=r"$f'(x)=\sigma(\beta x)$",
    text="f(x) = log(1 + exp(beta·x)) / beta if beta·x <= threshold, else x",
    dtext="f'(x) = sigmoid(beta·x) if beta·x <= threshold, else 1",
    params=(positive("beta", 1.0, "sharpness"),
            Parameter("threshold", math.inf, "PyTorch's shortcut f = x for beta·x > threshold (inf: exact)",
                      lambda v: True, "a number")),
    # A finite threshold drops f from softplus to x at x = threshold/beta:
    # values down to threshold/beta, and f no longer monotonic.
    output_range=lambda p: Interval(min(0.0, p["threshold"] / p["beta"]), math.inf),
    limits=lambda p: (-math.inf if p["threshold"] == -math.inf else 0.0, math.inf),
    dlimits=lambda p: (1.0 if p["threshold"] == -math.inf else 0.0, 1.0),
    monotonic=lambda p: p["threshold"] == math.inf,
    continuity=lambda p: "C∞" if p["threshold"] == math.inf else "discontinuous",
    torch="torch.nn.Softplus(beta={beta}, threshold={threshold})",
    reference="Dugas et al. 2001",
)


_LOG2 = math.log(2.0)


def shifted_softplus(x: Array) -> Array:
    r"""softplus(x) − log 2 = log1p((eˣ − 1)/2) for x ≤ 1.

    The shift cancels near 0; log((1 + eˣ)/2) = log1p(expm1(x)/2) does not.
    """
    small = x <= 1.0
    near = np.log1p(0.5 * np.expm1(np.where(small, x, 0.0)))
    return np.where(small, near, log1p_exp(x) - _LOG2)


SHIFTED_SOFTPLUS = Spec(
    name="shifted_softplus",
    summary="softplus(x) − log 2, zero at the origin",
    f=shifted_softplus, df=sigmoid, d2f=sigmoid_grad,
    latex=r"$f(x)=\log(1+e^{x})-\log 2$",
    dlatex=r"$f'(x)=\sigma(x)$",
    text="f(x) = log(1 + exp(x)) - log(2)",
    dtext="f'(x) = sigmoid(x)",
    output_range=Interval(-_LOG2, math.inf),
    limits=(-_LOG2, math.inf),
    dlimits=(0.0, 1.0),
    reference="Schütt et al. 2017 (SchNet)",
)


_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_GELU_CUBIC = 0.044715


def _normal_pdf(x: Array) -> Array:
    r"""φ(x) = e^{−x²/2}/√(2π) on |x| capped at 40 (φ(40) underflows), so x²
    cannot overflow.

    x² is split as Cephes' expx2 does: with m = |x| rounded to a multiple of
    1/128 and f = |x| − m, x²/2 = m²/2 + (m + f/2)·f, where m²/2 is exact (m
    has at most 13 bits) and the small remainder carries its rounding at a
    size of 0.3·2⁻⁵³.  e^{−x²/2} = e^{−m²/2}·e^{−(m + f/2)f} is then good to
    about an ulp, where e^{−0.5·fl(x²)} keeps the rounding of x² magnified
    x²/2 times (20 ulps at x = 6, 800 at x = 40)."""
    a = np.minimum(np.abs(x), 40.0)
    m = np.floor(128.0 * a + 0.5) / 128.0
    f = a - m
    return _INV_SQRT_2PI * np.exp(-0.5 * m * m) * np.exp(-(m + 0.5 * f) * f)


# (2k − 1)!! (−1)^k, the coefficients of Φ's asymptotic series in 1/x².
_MILLS_SERIES = [(-1) ** k * math.prod(range(1, 2 * k, 2)) for k in range(9)]


def _normal_cdf(x: Array) -> Array:
    r"""Φ(x) = erfc(−x/√2)/2, except for x < −37.

    erfc is the standard library's, element by element, for arrays of fewer
    than `SCIPY_MIN_SIZE` elements, and scipy's ndtr (the same formula) for
    larger ones: importing scipy.special costs 0.25–0.4 s, more than all of
    `actviz info gelu` otherwise needs, while the Python loop costs
    0.2–0.35 µs an element.  Both are accurate to 2 ulps·(1 + κ), κ ≈ x²
    in the left tail (the rounding of x/√2 is magnified there), so the same
    x may differ in the last bits between a small and a large array.

    For x < −37 erfc underflows to 0 while Φ(x) is still a subnormal
    (Φ(−38) ≈ 2.9e−316), so Φ(x) = φ(x)/|x|·S(x) is used, with the
    asymptotic series S of :func:`_mills_series`.
    """
    far = x < _NORMAL_FAR
    xf = np.where(far, x, _NORMAL_FAR)
    return np.where(far, _normal_pdf(xf) / -xf * _mills_series(xf), _erfc_cdf(x, far))


# Arrays this large take Φ from scipy.special; `actviz info gelu` evaluates
# arrays of up to 11,199 points, and 2¹⁶ elements loop in about 20 ms.
SCIPY_MIN_SIZE = 2 ** 16
_SQRT_HALF = math.sqrt(0.5)
# From here on erfc(−x/√2) rounds to 2 (from x = 8.3), so Φ(x) to 1.
_CDF_ONE = 9.0


def _erfc_cdf(x: Array, unused: npt.NDArray[np.bool_]) -> Array:
    """erfc(−x/√2)/2, as scipy's ndtr forms it (x·√½, then erfc).  The
    standard library's loop skips the elements where the result is `unused`
    and those where it is 1 (x ≥ 9): most of an array spanning many scales."""
    if x.size >= SCIPY_MIN_SIZE:
        from scipy.special import ndtr
        return ndtr(x)
    cdf = np.ones_like(x)
    needed = ~unused & (x < _CDF_ONE)
    cdf[needed] = 0.5 * elementwise(math.erfc, x[needed] * -_SQRT_HALF)
    return cdf


def erfc(z: np.ndarray) -> np.ndarray:
    """erfc(z): the standard library's, element by element, below
    `SCIPY_MIN_SIZE` elements, scipy's above (see :func:`_normal_cdf`)."""
    if z.size >= SCIPY_MIN_SIZE:
        from scipy.special import erfc as scipy_erfc
        return scipy_erfc(z)
    return elementwise(math.erfc, z)


_NORMAL_FAR = -37.0


def _mills_series(x: Array) -> Array:
    r"""S(x) = Σₖ (−1)ᵏ(2k − 1)!!/x^{2k}, so that Φ(x) = φ(x)/|x|·S(x) for
    x ≪ 0; nine terms reach full precision for x ≤ −37 (`_NORMAL_FAR`)."""
    inv2 = 1.0 / (x * x)
    series = np.zeros_like(x)
    for c in reversed(_MILLS_SERIES):
        series = series * inv2 + c
    return series


def _normal_tail(x: Array) -> tuple[Array, Array]:
    """x clipped to [−40, −37], where the far-left forms of GELU apply (every
    product with φ(x) underflows left of −40), and S(x) there."""
    xf = np.clip(x, -40.0, _NORMAL_FAR)
    return xf, _mills_series(xf)


def _gelu_tanh_arg(x: Array) -> Array:
    """2u for the tanh form, u = √(2/π)(x + 0.044715x³); |x| is capped at 1e4
    so x³ cannot overflow (σ(2u) is already 0 or 1 long before that)."""
    xc = np.clip(x, -1e4, 1e4)
    return 2.0 * _SQRT_2_OVER_PI * (xc + _GELU_CUBIC * xc ** 3)


def _gelu_tanh_arg_slope(x: Array) -> Array:
    """(2u)' = 2√(2/π)(1 + 3·0.044715x²), with |x| capped as in
    :func:`_gelu_tanh_arg`."""
    xc = np.clip(x, -1e4, 1e4)
    return 2.0 * _SQRT_2_OVER_PI * (1.0 + 3.0 * _GELU_CUBIC * xc * xc)


def gelu(x: Array, approximate: str) -> Array:
    r"""x·Φ(x), Φ the standard normal CDF; or the tanh form.

    Exact form: Φ is computed through erfc for x < 0 (see
    :func:`_normal_cdf`), so the left tail keeps full relative precision;
    the textbook x·(1 + erf(x/√2))/2 cancels to 0 for x < −6.  For x < −37,
    x·Φ(x) = −φ(x)·S(x): the 1/|x| inside Φ cancels against x, and the
    product is formed by :func:`times_exp`, because Φ underflows
    (x < −38.5) before x·Φ(x) does (x < −38.6).

    Tanh form: ½x(1 + tanh u) is rewritten as x·σ(2u), since 1 + tanh(u)
    = 2σ(2u) cancels for u ≪ 0.
    """
    if approximate == "tanh":
        return times_sigmoid(x, _gelu_tanh_arg(x))
    xf, series = _normal_tail(x)
    tail = times_exp(-_INV_SQRT_2PI * series, -0.5 * xf * xf)
    return np.where(x < _NORMAL_FAR, tail, x * _normal_cdf(x))


def gelu_grad(x: Array, approximate: str) -> Array:
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
        near = logistic(v) + xc * dv * (logistic(v) * logistic(-v))
        return np.where(v < EXP_SUBNORMAL, times_exp(1.0 + xc * dv, v), near)
    xf, series = _normal_tail(x)
    tail = times_exp(_INV_SQRT_2PI * (xf - series / xf), -0.5 * xf * xf)
    return np.where(x < _NORMAL_FAR, tail, _normal_cdf(x) + x * _normal_pdf(x))


def gelu_grad2(x: Array, approximate: str) -> Array:
    r"""Exact: φ(x)·(2 − x²).  Tanh form, v = 2u:
    σ'(v)·B, B = 2v' + x·v'' − x·v'²·tanh(v/2).

    Exact form: 2 − x² is formed by :func:`two_minus_square`, so the root
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
    return _normal_pdf(x) * two_minus_square(np.clip(x, -40.0, 40.0))


# f's minimum in each form, where f'(x) = 0 (x ≈ −0.75).
_GELU_MINIMUM = {"none": -0.1699712074799037, "tanh": -0.1700407505712541}

GELU = Spec(
    name="gelu",
    summary="Gaussian error linear unit, x·Φ(x)",
    f=gelu, df=gelu_grad, d2f=gelu_grad2,
    latex=r"$f(x)=x\,\Phi(x)$",
    dlatex=r"$f'(x)=\Phi(x)+x\,\varphi(x)$",
    text="f(x) = x·Phi(x) = x·(1 + erf(x/sqrt(2)))/2   [tanh form: x·sigmoid(2·sqrt(2/pi)(x + 0.044715x^3))]",
    dtext="f'(x) = Phi(x) + x·phi(x)   [tanh form: s + 2x·s(1 - s)·sqrt(2/pi)(1 + 0.134145x^2), "
          "s = sigmoid(2·sqrt(2/pi)(x + 0.044715x^3))]",
    params=(Parameter("approximate", "none", "'none' for x·Φ(x), 'tanh' for the tanh approximation",
                      choices=("none", "tanh")),),
    presets={"jax": {"approximate": "tanh"}},
    output_range=lambda p: Interval(_GELU_MINIMUM[p["approximate"]], math.inf, lo_closed=True),
    limits=(0.0, math.inf),
    dlimits=(0.0, 1.0),
    monotonic=False,
    torch="torch.nn.GELU(approximate='{approximate}')",
    reference="Hendrycks & Gimpel 2016",
)


# silu's minimum −W(1/e), W Lambert's: silu'(x) = 0 where x = −1 − eˣ, that
# is at x = −1 − W(1/e), where silu(x) = −eˣ = −W(1/e).
_SILU_MINIMUM = -0.2784645427610738


def silu(x: Array) -> Array:
    """x·σ(x) (SiLU, also called swish)."""
    return times_sigmoid(x, x)


def silu_grad(x: Array) -> Array:
    r"""σ(x)·(1 + x·σ(−x)); σ(−x) instead of 1 − σ(x) keeps the right tail."""
    return times_sigmoid(1.0 + x * logistic(-x), x)


def silu_grad2(x: Array) -> Array:
    r"""2σ'(x) + x·σ''(x) = σ'(x)·(2 − x·tanh(x/2)).

    σ'' = −σ'·tanh(x/2) (see :func:`sigmoid_grad2`); σ'(x) = σ(x)σ(−x)
    underflows to exactly 0 before x·tanh(x/2) can overflow.
    """
    return sigmoid_grad(x) * (2.0 - x * np.tanh(0.5 * x))


SILU = Spec(
    name="silu", aliases=("swish",),
    summary="Sigmoid-weighted linear unit x·σ(x), a.k.a. swish",
    f=silu, df=silu_grad, d2f=silu_grad2,
    latex=r"$f(x)=x\,\sigma(x)$",
    dlatex=r"$f'(x)=\sigma(x)\,(1+x\,\sigma(-x))$",
    text="f(x) = x·sigmoid(x)",
    dtext="f'(x) = sigmoid(x)·(1 + x·sigmoid(-x))",
    output_range=Interval(_SILU_MINIMUM, math.inf, lo_closed=True),
    limits=(0.0, math.inf),
    dlimits=(0.0, 1.0),
    monotonic=False,
    torch="torch.nn.SiLU()",
    reference="Elfwing et al. 2018; Ramachandran et al. 2017",
)


def swish_beta(x: Array, beta: float) -> Array:
    """x·σ(βx) (Ramachandran et al.'s Swish-β; β = 1 is SiLU)."""
    return times_sigmoid(x, beta * x)


def swish_beta_grad(x: Array, beta: float) -> Array:
    """σ(βx)·(1 + βx·σ(−βx)); βx is capped at ±1e4, where the value is
    already exactly 1 or 0, so an overflowed βx cannot form inf·0."""
    bx = np.clip(beta * x, -1e4, 1e4)
    return times_sigmoid(1.0 + bx * logistic(-bx), bx)


def swish_beta_grad2(x: Array, beta: float) -> Array:
    """β·silu''(βx), with βx capped at ±1e4 as in f' (silu'' is already 0
    there)."""
    return beta * silu_grad2(np.clip(beta * x, -1e4, 1e4))


SWISH_BETA = Spec(
    name="swish_beta",
    summary="Swish with a slope β inside the sigmoid",
    f=swish_beta, df=swish_beta_grad, d2f=swish_beta_grad2,
    latex=r"$f(x)=x\,\sigma(\beta x)$",
    dlatex=r"$f'(x)=\sigma(\beta x)\,(1+\beta x\,\sigma(-\beta x))$",
    text="f(x) = x·sigmoid(beta·x)",
    dtext="f'(x) = sigmoid(beta·x)·(1 + beta·x·sigmoid(-beta·x))",
    params=(positive("beta", 1.0, "slope inside the sigmoid"),),
    output_range=lambda p: Interval(_SILU_MINIMUM / p["beta"], math.inf, lo_closed=True),
    limits=(0.0, math.inf),
    dlimits=(0.0, 1.0),
    monotonic=False,
    reference="Ramachandran et al. 2017",
)


def quick_gelu(x: Array) -> Array:
    """x·σ(1.702x), the GELU approximation used by CLIP."""
    return swish_beta(x, 1.702)


def quick_gelu_grad(x: Array) -> Array:
    return swish_beta_grad(x, 1.702)


def quick_gelu_grad2(x: Array) -> Array:
    return swish_beta_grad2(x, 1.702)


QUICK_GELU = Spec(
    name="quick_gelu",
    summary="GELU approximation x·σ(1.702x) (CLIP)",
    f=quick_gelu, df=quick_gelu_grad, d2f=quick_gelu_grad2,
    latex=r"$f(x)=x\,\sigma(1.702\,x)$",
    dlatex=r"$f'(x)=\sigma(1.702x)\,(1+1.702x\,\sigma(-1.702x))$",
    text="f(x) = x·sigmoid(1.702·x)",
    dtext="f'(x) = s(1 + 1.702·x·(1 - s)), s = sigmoid(1.702·x)",
    output_range=Interval(_SILU_MINIMUM / 1.702, math.inf, lo_closed=True),
    limits=(0.0, math.inf),
    dlimits=(0.0, 1.0),
    monotonic=False,
    reference="Radford et al. 2021",
)


def _x_tanh_softplus(x: Array, y: Array) -> Array:
    """x·tanh(softplus(y)), with the stable softplus; x·e^y (to the last bit)
    by :func:`times_exp` where e^y is subnormal.  Mish is y = x, Mila
    y = x + β."""
    return np.where(y < EXP_SUBNORMAL, times_exp(x, y), x * np.tanh(log1p_exp(y)))


def _x_tanh_softplus_grad(x: Array, y: Array) -> Array:
    """tanh(sp) + x·sech²(sp)·σ(y), sp = softplus(y), sech²(sp) by
    :func:`_sech2_softplus`; (1 + x)·e^y where e^y is subnormal."""
    near = np.tanh(log1p_exp(y)) + x * _sech2_softplus(y) * logistic(y)
    return np.where(y < EXP_SUBNORMAL, times_exp(1.0 + x, y), near)


def _sech2_softplus(x: Array) -> Array:
    r"""sech²(softplus(x)) = (2/(w + 1/w))², w = 1 + eˣ.

    sech² of the rounded softplus(x) magnifies its rounding error by
    2·softplus(x) (4× at x = 2, growing with x); w + 1/w passes the rounding
    of w on unmagnified.  x is capped at 400, beyond which the value
    underflows, so eˣ cannot overflow.
    """
    w = 1.0 + np.exp(np.minimum(x, 400.0))
    return (2.0 / (w + 1.0 / w)) ** 2


def _x_tanh_softplus_grad2(x: Array, y: Array) -> Array:
    r"""sech²(sp)·σ(y)·(2 + x·(σ(−y) − 2·tanh(sp)·σ(y))), sp = softplus(y).

    From sp' = σ(y), tanh(sp)' = sech²(sp)·σ(y), σ' = σ(y)σ(−y); sech²(sp)
    comes from :func:`_sech2_softplus`.  The bracket uses x capped at ±1e4,
    where its factor sech²(sp)·σ(y) is already 0, so 2x cannot overflow.
    """
    s = logistic(y)
    xc = np.clip(x, -1e4, 1e4)
    return _sech2_softplus(y) * s * (2.0 + xc * (logistic(-y) - 2.0 * np.tanh(log1p_exp(y)) * s))


def mish(x: Array) -> Array:
    """x·tanh(softplus(x))."""
    return _x_tanh_softplus(x, x)


def mish_grad(x: Array) -> Array:
    return _x_tanh_softplus_grad(x, x)


def mish_grad2(x: Array) -> Array:
    return _x_tanh_softplus_grad2(x, x)


MISH = Spec(
    name="mish",
    summary="Self-regularised x·tanh(softplus(x))",
    f=mish, df=mish_grad, d2f=mish_grad2,
    latex=r"$f(x)=x\,\tanh(\mathrm{softplus}(x))$",
    dlatex=r"$f'(x)=\tanh(s)+x\,\mathrm{sech}^2(s)\,\sigma(x)$, $s=\mathrm{softplus}(x)$",
    text="f(x) = x·tanh(log(1 + exp(x)))",
    dtext="f'(x) = tanh(s) + x·sech(s)^2·sigmoid(x), s = softplus(x)",
    output_range=Interval(-0.3088434130172505, math.inf, lo_closed=True),
    limits=(0.0, math.inf),
    dlimits=(0.0, 1.0),
    monotonic=False,
    torch="torch.nn.Mish()",
    reference="Misra 2019",
)


def _smish_shape(s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r"""(2 + s, D), D = 2 + 2s + s², so that tanh(log(1 + s)) = s·(2 + s)/D.

    With w = 1 + s, tanh(log w) = (w² − 1)/(w² + 1) = s(2 + s)/(2 + 2s + s²):
    a quotient of sums of positive terms, where tanh(log1p(s)) would pass
    on the rounding of the logarithm and, for small s, compute s through
    two functions that each round it.
    """
    return 2.0 + s, 2.0 + s * (2.0 + s)


def smish(x: np.ndarray) -> np.ndarray:
    r"""x·tanh(log(1 + σ(x))) = x·σ(x)·(2 + s)/D, s = σ(x) (see
    :func:`_smish_shape`), formed by :func:`times_sigmoid`, which keeps
    x·eˣ where σ(x) is subnormal."""
    plus, d = _smish_shape(logistic(x))
    return times_sigmoid(x * (plus / d), x)


def smish_grad(x: np.ndarray) -> np.ndarray:
    r"""T(s) + x·T'(s)·σ(x)σ(−x), T(s) = s(2 + s)/D, T'(s) = 4(1 + s)/D².

    For x ≥ 0 that is σ(x)·((2 + s)/D + x·4(1 + s)σ(−x)/D²), whose factor of
    x is at most 1.  For x < 0 the two terms cancel near x = −2.5, where f′
    is least (f″ ≈ 0, κ ≈ 0), and their roundings would add up to 5 ulps.
    In e = eˣ, T = e(2 + 3e)/Q, Q = 2 + 6e + 5e², and
    f′ = e·((4 + 4x) + (18 + 12x)e + (28 + 8x)e² + 15e³)/Q²: one polynomial
    whose coefficients are exact but for one rounding each.  x is capped at
    −1e300 there (the product is 0 long before) so that 4x cannot overflow,
    and the factor e by :func:`times_exp` where it is subnormal.
    """
    s, sm = logistic(x), logistic(-x)
    plus, d = _smish_shape(s)
    right = logistic(x) * (plus / d + x * (4.0 * (1.0 + s) * sm / (d * d)))
    xl = np.clip(x, -1e300, 0.0)
    e = np.exp(xl)
    q = 2.0 + e * (6.0 + 5.0 * e)
    bracket = (((15.0 * e + (28.0 + 8.0 * xl)) * e + (18.0 + 12.0 * xl)) * e + (4.0 + 4.0 * xl)) / (q * q)
    left = np.where(x < EXP_SUBNORMAL, times_exp(bracket, xl), e * bracket)
    return np.where(x < 0, left, right)


def smish_grad2(x: np.ndarray) -> np.ndarray:
    r"""σ'·(2T' + x·(T''·σ' + T'·(1 − 2s))), σ' = σ(x)σ(−x),
    T'' = −4(2 + 6s + 3s²)/D³.

    1 − 2s is −tanh(x/2) (see :func:`sigmoid_grad2`); the bracket's factor
    of x is at most 1 in magnitude, so it cannot overflow, and eˣ(2 + x)
    where σ(x) is subnormal.
    """
    s, sm = logistic(x), logistic(-x)
    _, d = _smish_shape(s)
    slope = 4.0 * (1.0 + s) / (d * d)
    curve = -4.0 * (2.0 + s * (6.0 + 3.0 * s)) / (d * d * d)
    return times_sigmoid(sm * (2.0 * slope + x * (curve * s * sm - slope * np.tanh(0.5 * x))), x)


SMISH = Spec(
    name="smish",
    summary="x·tanh(log(1 + σ(x))), mish with σ in place of eˣ",
    f=smish, df=smish_grad, d2f=smish_grad2,
    latex=r"$f(x)=x\,\tanh(\log(1+\sigma(x)))$",
    dlatex=r"$f'(x)=T+x\,\frac{4(1+s)}{(2+2s+s^2)^2}\,s(1-s)$, $s=\sigma(x)$, $T=\frac{s(2+s)}{2+2s+s^2}$",
    text="f(x) = x·tanh(log(1 + sigmoid(x)))",
    dtext="f'(x) = T + x·4(1 + s)/(2 + 2s + s^2)^2·s(1 - s), s = sigmoid(x), T = s(2 + s)/(2 + 2s + s^2)",
    output_range=Interval(-0.24999366366012948, math.inf, lo_closed=True),
    limits=(0.0, math.inf),
    dlimits=(0.0, 0.6),  # tanh(log 2) = 3/5
    monotonic=False,
    reference="Wang et al. 2022 (Smish)",
)


def logish(x: np.ndarray) -> np.ndarray:
    r"""x·log(1 + σ(x)) = x·log1p(σ(x)); x·eˣ by :func:`times_exp` where σ(x)
    is subnormal (log1p(s) = s there)."""
    return np.where(x < EXP_SUBNORMAL, times_exp(x, np.minimum(x, 0.0)), x * np.log1p(logistic(x)))


# Left of this logish's f′ is its series in e = eˣ (2e < 0.28), to 36 terms.
_LOGISH_SERIES_BELOW = -2.0
_LOGISH_SERIES_TERMS = 36


def logish_grad(x: np.ndarray) -> np.ndarray:
    r"""log(1 + s) + x·s·σ(−x)/(1 + s), s = σ(x); (1 + x)·eˣ where s is
    subnormal.  σ(−x) rather than 1 − s keeps the right tail.

    Near x = −2.5, where f′ is least (−0.09, so f″ ≈ 0 and κ ≈ 0), the two
    terms (0.08 and −0.16) cancel, and their roundings would add up to
    5 ulps.  With e = eˣ, log(1 + s) = log1p(2e) − log1p(e) and
    s·σ(−x)/(1 + s) = e/((1 + e)(1 + 2e)) have the series
    Σ (−1)^{k+1}(2ᵏ − 1)eᵏ/k and Σ (−1)^{k+1}(2ᵏ − 1)eᵏ, so
    f′ = Σ (−1)^{k+1}(2ᵏ − 1)(1/k + x)·eᵏ: one sum whose terms, for x < −2,
    alternate and shrink by 2e < 0.28, and whose coefficients 1/k + x are
    all negative, so nothing cancels.
    """
    s, sm = logistic(x), logistic(-x)
    near = np.log1p(s) + x * (s * sm / (1.0 + s))
    series_side = (x < _LOGISH_SERIES_BELOW) & (x >= EXP_SUBNORMAL)
    xs = np.where(series_side, x, _LOGISH_SERIES_BELOW)
    e = np.exp(xs)
    series = np.zeros_like(xs)
    for k in range(_LOGISH_SERIES_TERMS, 0, -1):
        series = (series + (-1) ** (k + 1) * (2.0 ** k - 1.0) * (1.0 / k + xs)) * e
    near = np.where(series_side, series, near)
    return np.where(x < EXP_SUBNORMAL, times_exp(1.0 + x, np.minimum(x, 0.0)), near)


def logish_grad2(x: np.ndarray) -> np.ndarray:
    r"""(s·σ(−x)/(1 + s))·(2 + x·(1 − 2s − s²)/(1 + s)), s = σ(x).

    From (s'/(1 + s))' = (s''(1 + s) − s'²)/(1 + s)², s' = sσ(−x),
    s'' = s'(1 − 2s); 1 − 2s = −tanh(x/2).  That serves x ≥ 0.  For x < 0,
    where the bracket's terms cancel (by 2.5× at x = −3.6), in e = eˣ:
    f'' = e·((2 + x) + 6e + (4 − 2x)e²)/P², P = (1 + e)(1 + 2e), one
    polynomial with exact coefficients but for one rounding each; x is capped
    at −1e300 there so that 2x cannot overflow, and the factor e is applied
    by :func:`times_exp` where it is subnormal.
    """
    s, sm = logistic(x), logistic(-x)
    right = (s * sm / (1.0 + s)) * (2.0 + x * ((-np.tanh(0.5 * x) - s * s) / (1.0 + s)))
    xl = np.clip(x, -1e300, 0.0)
    e = np.exp(xl)
    p = (1.0 + e) * (1.0 + 2.0 * e)
    bracket = ((2.0 + xl) + e * (6.0 + (4.0 - 2.0 * xl) * e)) / (p * p)
    left = np.where(x < EXP_SUBNORMAL, times_exp(bracket, xl), e * bracket)
    return np.where(x < 0, left, right)


LOGISH = Spec(
    name="logish",
    summary="x·log(1 + σ(x))",
    f=logish, df=logish_grad, d2f=logish_grad2,
    latex=r"$f(x)=x\,\log(1+\sigma(x))$",
    dlatex=r"$f'(x)=\log(1+\sigma(x))+\frac{x\,\sigma(x)\,\sigma(-x)}{1+\sigma(x)}$",
    text="f(x) = x·log(1 + sigmoid(x))",
    dtext="f'(x) = log(1 + sigmoid(x)) + x·sigmoid(x)·sigmoid(-x)/(1 + sigmoid(x))",
    output_range=Interval(-0.25276881678944035, math.inf, lo_closed=True),
    limits=(0.0, math.inf),
    dlimits=(0.0, math.log(2.0)),
    monotonic=False,
    reference="Zhu et al. 2021 (Logish)",
)


# Left of this eˣ < 5e−18 is lost beside 1 and against |x|: CoLU's f, f′
# and f″ are all −e^{x + eˣ} = −eˣ to double precision.
_COLU_FAR = -40.0


def _colu_parts(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""x clamped to [`_COLU_FAR`, 40], u = eˣ and q = e^{−(x + eˣ)} (0
    beyond 40; at most e⁴⁰, so that no power of x·q below overflows)."""
    xc = np.clip(x, _COLU_FAR, 40.0)
    u = np.exp(xc)
    return xc, u, np.exp(-(xc + u))


def _colu_far(x: np.ndarray, near: np.ndarray) -> np.ndarray:
    r"""`near` right of `_COLU_FAR`, −eˣ left of it, by :func:`times_exp`
    where eˣ is subnormal.

    With E = e^{x + eˣ}, f = x·E/(E − x), f′ = E·(E − x²(1 + eˣ))/(E − x)²
    and f″ share the factor E, and the rest is −1 + O(E/|x|) there.
    """
    far = x < _COLU_FAR
    xf = np.minimum(x, _COLU_FAR)
    tail = np.where(xf < EXP_SUBNORMAL, times_exp(-1.0, xf), -np.exp(np.maximum(xf, EXP_SUBNORMAL)))
    return np.where(far, tail, near)


def colu(x: np.ndarray) -> np.ndarray:
    r"""x/(1 − x·q), q = e^{−(x + eˣ)} (collapsing linear unit).

    1 − x·q never cancels: for x ≥ 0, x·q ≤ 0.06, and for x < 0 it is a sum
    of positive terms.
    """
    xc, _, q = _colu_parts(x)
    return _colu_far(x, x / (1.0 - xc * q))


def colu_grad(x: np.ndarray) -> np.ndarray:
    r"""(1 − x²(1 + eˣ)·q)/(1 − x·q)², q = e^{−(x + eˣ)}; the numerator is
    at least 0.9 for x ≥ 0 and a sum of terms of one sign for x < 0 up to
    f's minimum, where f′ changes sign."""
    xc, u, q = _colu_parts(x)
    return _colu_far(x, (1.0 - xc * xc * (1.0 + u) * q) / (1.0 - xc * q) ** 2)


def colu_grad2(x: np.ndarray) -> np.ndarray:
    r"""(N'·D − 2N·D')/D³ with f' = N/D², N = 1 − x²(1 + u)q, D = 1 − xq,
    u = eˣ, q = e^{−(x + eˣ)}: N' = −x(2(1 + u) + xu − x(1 + u)²)q,
    D' = −(1 − x(1 + u))q.

    Near x = −1.5, where f'' is least (f‴ ≈ 0, κ ≈ 0), N'·D and 2N·D'
    cancel by 2×, and up to 5.4 ulps remain (measured; f'' serves the
    analysis only, which locates nothing there).
    """
    xc, u, q = _colu_parts(x)
    n = 1.0 - xc * xc * (1.0 + u) * q
    d = 1.0 - xc * q
    dn = -xc * (2.0 * (1.0 + u) + xc * u - xc * (1.0 + u) ** 2) * q
    dd = -(1.0 - xc * (1.0 + u)) * q
    return _colu_far(x, (dn * d - 2.0 * n * dd) / d ** 3)


COLU = Spec(
    name="colu",
    summary="Collapsing linear unit x/(1 − x·e^{−(x + eˣ)})",
    f=colu, df=colu_grad, d2f=colu_grad2,
    latex=r"$f(x)=\dfrac{x}{1-x\,e^{-(x+e^{x})}}$",
    dlatex=r"$f'(x)=\dfrac{1-x^2(1+e^{x})\,e^{-(x+e^{x})}}{(1-x\,e^{-(x+e^{x})})^2}$",
    text="f(x) = x / (1 - x·exp(-(x + exp(x))))",
    dtext="f'(x) = (1 - x^2·(1 + exp(x))·exp(-(x + exp(x)))) / (1 - x·exp(-(x + exp(x))))^2",
    output_range=Interval(-0.37715856839612916, math.inf, lo_closed=True),
    limits=(0.0, math.inf),
    dlimits=(0.0, 1.0),
    monotonic=False,
    reference="Vagerwal 2021 (CoLU)",
)


def tanhexp(x: Array) -> Array:
    """x·tanh(eˣ); eˣ is capped at e⁴⁰, where tanh is already 1, and x·eˣ is
    formed by :func:`times_exp` where eˣ is subnormal."""
    return np.where(x < EXP_SUBNORMAL, times_exp(x, x), x * np.tanh(np.exp(np.minimum(x, 40.0))))


def tanhexp_grad(x: Array) -> Array:
    """tanh(eˣ) + x·eˣ·sech²(eˣ), which is (1 + x)·eˣ where eˣ is subnormal."""
    e = np.exp(np.minimum(x, 40.0))
    return np.where(x < EXP_SUBNORMAL, times_exp(1.0 + x, x), np.tanh(e) + x * (e * sech2(e)))


def tanhexp_grad2(x: Array) -> Array:
    r"""eˣ·sech²(eˣ)·(2 + x − 2x·eˣ·tanh(eˣ)).

    From (sech² e)' = −2·tanh(e)·sech²(e)·e, e = eˣ.  eˣ is capped at e⁴⁰ as
    in f, and so is x in the bracket: eˣ·sech²(eˣ) is 0 long before.  x·eˣ is
    formed first: it cannot overflow, while 2x can.
    """
    xc = np.minimum(x, 40.0)
    e = np.exp(xc)
    return (e * sech2(e)) * (2.0 + xc - 2.0 * (xc * e) * np.tanh(e))


TANHEXP = Spec(
    name="tanhexp", aliases=("tanh_exp",),
    summary="x·tanh(eˣ)",
    f=tanhexp, df=tanhexp_grad, d2f=tanhexp_grad2,
    latex=r"$f(x)=x\,\tanh(e^{x})$",
    dlatex=r"$f'(x)=\tanh(e^{x})+x\,e^{x}\,\mathrm{sech}^2(e^{x})$",
    text="f(x) = x·tanh(exp(x))",
    dtext="f'(x) = tanh(exp(x)) + x·exp(x)·sech(exp(x))^2",
    output_range=Interval(-0.3532857778482113, math.inf, lo_closed=True),
    limits=(0.0, math.inf),
    dlimits=(0.0, 1.0),
    monotonic=False,
    reference="Liu & Di 2020",
)


def elish(x: Array) -> Array:
    """x·σ(x) for x ≥ 0, (eˣ − 1)·σ(x) for x < 0."""
    return np.where(x >= 0, x, np.expm1(np.minimum(x, 0.0))) * logistic(x)


def elish_grad(x: Array) -> Array:
    """σ(x)(1 + xσ(−x)) for x ≥ 0; eˣσ(x) + (eˣ − 1)σ(x)σ(−x) for x < 0."""
    xn = np.minimum(x, 0.0)
    s, sm = logistic(x), logistic(-x)
    left = np.exp(xn) * s + np.expm1(xn) * s * sm
    return np.where(x >= 0, s * (1.0 + x * sm), left)


def elish_grad2(x: Array) -> Array:
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


ELISH = Spec(
    name="elish",
    summary="Exponential linear sigmoid squashing",
    f=elish, df=elish_grad, d2f=elish_grad2,
    latex=r"$f(x)=x\,\sigma(x)$ if $x\geq0$, else $(e^{x}-1)\,\sigma(x)$",
    dlatex=r"$f'(x)=\sigma(x)(1+x\sigma(-x))$ if $x\geq0$, else $e^{x}\sigma(x)+(e^{x}-1)\sigma(x)\sigma(-x)$",
    text="f(x) = x·sigmoid(x) if x >= 0 else (exp(x) - 1)·sigmoid(x)",
    dtext="f'(x) = s(1 + x(1 - s)) if x >= 0 else exp(x)·s + (exp(x) - 1)·s(1 - s), s = sigmoid(x)",
    # (eˣ − 1)σ(x) = (u² − u)/(1 + u), u = eˣ, is least at u = √2 − 1: 2√2 − 3.
    output_range=Interval(-0.1715728752538099, math.inf, lo_closed=True),
    limits=(0.0, math.inf),
    dlimits=(0.0, 1.0),
    smooth_breaks=(0.0,),
    monotonic=False, continuity="C1",
    reference="Basirat & Roth 2018",
)


def squareplus(x: Array, b: float) -> Array:
    r"""(x + √(x² + b))/2.

    With h = hypot(x, √b) (no overflow of x²): for x ≥ 0 this is x/2 + h/2;
    for x < 0 the sum cancels, so it is rationalised to
    (b/2)/(h − x) = (b/h)/2/(1 − x/h), whose factors stay in range (b/2
    first would flush a subnormal b).
    """
    h = np.hypot(x, math.sqrt(b))
    left = 0.5 * (b / h) / (1.0 - np.minimum(x, 0.0) / h)
    return np.where(x >= 0, 0.5 * x + 0.5 * h, left)


def squareplus_grad(x: Array, b: float) -> Array:
    r"""(1 + x/h)/2 = f(x)/h: the same cancellation-free f divided by h.  For
    x < 0 that is r²/2/(1 − x/h) with r = √b/h ≤ 1, formed directly: f itself
    may be a subnormal that has lost its bits (b = 5e−324, x = −1e−5) where
    f/h is a normal number."""
    h = np.hypot(x, math.sqrt(b))
    r = math.sqrt(b) / h
    left = 0.5 * (r * r) / (1.0 - np.minimum(x, 0.0) / h)
    return np.where(x >= 0, squareplus(x, b) / h, left)


def squareplus_grad2(x: Array, b: float) -> Array:
    r"""b/(2h³), h = √(x² + b), formed as s²/(2h) with s = √b/h ≤ 1.

    h³ overflows for |x| > 5.6e102, where b/(2h³) is still representable;
    s·s/h rounds into the subnormal range only at its last step.
    """
    h = np.hypot(x, math.sqrt(b))
    s = math.sqrt(b) / h
    return 0.5 * s * s / h


SQUAREPLUS = Spec(
    name="squareplus",
    summary="Algebraic smooth ReLU (x + √(x² + b))/2",
    f=squareplus, df=squareplus_grad, d2f=squareplus_grad2,
    latex=r"$f(x)=\frac{1}{2}\left(x+\sqrt{x^2+b}\right)$",
    dlatex=r"$f'(x)=\frac{1}{2}\left(1+\frac{x}{\sqrt{x^2+b}}\right)$",
    text="f(x) = (x + sqrt(x^2 + b)) / 2",
    dtext="f'(x) = (1 + x / sqrt(x^2 + b)) / 2",
    params=(positive("b", 4.0, "curvature at 0"),),
    output_range=Interval(0.0, math.inf),
    limits=(0.0, math.inf),
    dlimits=(0.0, 1.0),
    reference="Barron 2021",
)


def sparse_plus(x: Array) -> Array:
    """0 for x ≤ −1, (x + 1)²/4 for −1 < x < 1, x for x ≥ 1."""
    return np.where(x <= -1.0, 0.0, np.where(x >= 1.0, x, (x + 1.0) ** 2 / 4.0))


def sparse_plus_grad(x: Array) -> Array:
    """0, (x + 1)/2, 1: continuous, so sparse_plus is C¹."""
    return np.clip((x + 1.0) / 2.0, 0.0, 1.0)


SPARSE_PLUS = Spec(
    name="sparse_plus",
    summary="Piecewise-quadratic smooth ReLU",
    f=sparse_plus, df=sparse_plus_grad, d2f=sparse_sigmoid_grad,
    latex=r"$f(x)=0,\ \frac{(x+1)^2}{4},\ x$ on $x\leq-1,\ |x|<1,\ x\geq1$",
    dlatex=r"$f'(x)=\mathrm{clip}((x+1)/2,\,0,\,1)$",
    text="f(x) = 0 if x <= -1, (x + 1)^2/4 if -1 < x < 1, x if x >= 1",
    dtext="f'(x) = clip((x + 1)/2, 0, 1)",
    output_range=Interval(0.0, math.inf, lo_closed=True),
    limits=(0.0, math.inf),
    dlimits=(0.0, 1.0),
    smooth_breaks=(-1.0, 1.0),
    continuity="C1",
    xlim=(-3.0, 3.0),
)


def lisht(x: Array) -> Array:
    """x·tanh(x) (linearly scaled hyperbolic tangent): tanh saturates at ±1,
    so the product cannot overflow."""
    return x * np.tanh(x)


def lisht_grad(x: Array) -> Array:
    """tanh(x) + x·sech²(x); sech² from :func:`sech2`, which is 0 long before
    x·sech²(x) could overflow."""
    return np.tanh(x) + x * sech2(x)


def lisht_grad2(x: Array) -> Array:
    """2·sech²(x)·(1 − x·tanh(x))."""
    return 2.0 * sech2(x) * (1.0 - x * np.tanh(x))


LISHT = Spec(
    name="lisht",
    summary="Linearly scaled hyperbolic tangent x·tanh(x), even",
    f=lisht, df=lisht_grad, d2f=lisht_grad2,
    latex=r"$f(x)=x\,\tanh x$",
    dlatex=r"$f'(x)=\tanh x+x\,\mathrm{sech}^2x$",
    text="f(x) = x·tanh(x)",
    dtext="f'(x) = tanh(x) + x·sech(x)^2",
    output_range=Interval(0.0, math.inf, lo_closed=True),
    limits=(math.inf, math.inf),
    dlimits=(-1.0, 1.0),
    monotonic=False, symmetry="even",
    reference="Roy et al. 2019 (LiSHT)",
)


# Left of this softplus(x) = eˣ to double precision: √softplus is e^{x/2},
# and its derivatives e^{x/2}/2 and e^{x/2}/4.
_SOFTPLUS_IS_EXP = -37.0


def sqrtsoftplus(x: Array) -> Array:
    r"""√softplus(x) = √log(1 + eˣ); e^{x/2} where softplus(x) = eˣ, so that
    the square root of a subnormal (which has lost bits) is never taken."""
    far = x < _SOFTPLUS_IS_EXP
    return np.where(far, np.exp(0.5 * np.minimum(x, 0.0)), np.sqrt(log1p_exp(np.where(far, 0.0, x))))


def sqrtsoftplus_grad(x: Array) -> Array:
    """σ(x)/(2√softplus(x)); e^{x/2}/2 far left, where both factors would
    underflow into 0/0."""
    far = x < _SOFTPLUS_IS_EXP
    xn = np.where(far, 0.0, x)
    return np.where(far, 0.5 * np.exp(0.5 * np.minimum(x, 0.0)), 0.5 * logistic(xn) / np.sqrt(log1p_exp(xn)))


# log1p(t) = 2·atanh(u), u = t/(2 + t) ≤ 0.46 for t = eˣ ≤ e^{0.5}: the odd
# powers u^{2k+1}/(2k + 1) for k ≥ 1, 30 of them to full precision.
_ATANH_TERMS = 30


def sqrtsoftplus_grad2(x: Array) -> Array:
    r"""f'' = (2σ'(x)·s − σ(x)²)/(4s^{3/2}), s = softplus(x); e^{x/2}/4 far left.

    With t = eˣ the numerator is σ(x)·g/(1 + t), g = 2·log1p(t) − t, whose
    two terms cancel (by a factor 2 as t → 0, by 3.6 at t = 1).  With
    u = t/(2 + t) and log1p(t) = 2(u + A), A = Σ_{k≥1} u^{2k+1}/(2k + 1),
    g = t(2 − t)/(2 + t) + 4A: two positive terms, 2 − t exact (Sterbenz)
    for 1 ≤ t ≤ 2.  That form serves x ≤ 1/2; to the right, past the root
    of f'' at x ≈ 0.92, σ'/(2r) − (σ/s)·(σ/r)/4 (r = √s, no overflow).
    """
    far = x < _SOFTPLUS_IS_EXP
    left = x <= 0.5
    xl = np.where(far | ~left, 0.0, x)
    t = np.exp(xl)
    u = t / (2.0 + t)
    u2 = u * u
    series = np.zeros_like(u)
    for k in range(_ATANH_TERMS, 0, -1):
        series = series * u2 + 1.0 / (2 * k + 1)
    tail = series * u2 * u
    s_left = 2.0 * (u + tail)
    g = t * (2.0 - t) / (2.0 + t) + 4.0 * tail
    near_left = (t / (1.0 + t)) * g / (1.0 + t) / (4.0 * s_left * np.sqrt(s_left))
    xr = np.where(left, 1.0, x)
    s = log1p_exp(xr)
    r = np.sqrt(s)
    sig = logistic(xr)
    right = 0.5 * sigmoid_grad(xr) / r - 0.25 * (sig / s) * (sig / r)
    return np.where(far, 0.25 * np.exp(0.5 * np.minimum(x, 0.0)), np.where(left, near_left, right))


SQRTSOFTPLUS = Spec(
    name="sqrtsoftplus", aliases=("sqrt_softplus",),
    summary="√softplus(x), DeepSeek-V4's router score",
    f=sqrtsoftplus, df=sqrtsoftplus_grad, d2f=sqrtsoftplus_grad2,
    latex=r"$f(x)=\sqrt{\log(1+e^{x})}$",
    dlatex=r"$f'(x)=\dfrac{\sigma(x)}{2\sqrt{\log(1+e^{x})}}$",
    text="f(x) = sqrt(log(1 + exp(x)))",
    dtext="f'(x) = sigmoid(x) / (2·sqrt(log(1 + exp(x))))",
    output_range=Interval(0.0, math.inf),
    limits=(0.0, math.inf),
    dlimits=(0.0, 0.0),
    reference="transformers' SqrtSoftplusActivation (DeepSeek-V4 MoE router scores)",
)


def eswish(x: Array, beta: float) -> Array:
    r"""β·x·σ(x) (E-swish).  Where σ(x) = eˣ is subnormal, β·x·eˣ is formed
    as x·e^{x + log β} by :func:`times_exp`: β·(x·σ(x)) would round a
    subnormal before β (up to 1.8e308) magnified its error, and β·x may
    overflow where the product does not.  Elsewhere (βx)·σ(x), which keeps
    a subnormal x; (β·σ(x))·x where βx overflows.  The rounding of log β adds at most
    |log β|·ε to the exponent, within the condition number |x| there."""
    far = x < EXP_SUBNORMAL
    near = np.where(far, 0.0, x)
    bx = beta * near  # (βx)·σ(x), unless βx overflows: then (β·σ(x))·x
    near = np.where(np.isfinite(bx), np.where(np.isfinite(bx), bx, 0.0) * logistic(near), (beta * logistic(near)) * near)
    return np.where(far, times_exp(x, np.minimum(x, 0.0) + math.log(beta)), near)


def eswish_grad(x: Array, beta: float) -> Array:
    """β·silu'(x) = β·σ(x)·(1 + x·σ(−x)); (1 + x)·e^{x + log β} where eˣ is
    subnormal, as in f."""
    far = x < EXP_SUBNORMAL
    return np.where(far, times_exp(1.0 + x, np.minimum(x, 0.0) + math.log(beta)),
                    beta * silu_grad(np.where(far, 0.0, x)))


def eswish_grad2(x: Array, beta: float) -> Array:
    """β·silu''(x)."""
    return beta * silu_grad2(x)


ESWISH = Spec(
    name="eswish", aliases=("e_swish",),
    summary="E-swish β·x·σ(x)",
    f=eswish, df=eswish_grad, d2f=eswish_grad2,
    latex=r"$f(x)=\beta\,x\,\sigma(x)$",
    dlatex=r"$f'(x)=\beta\,\sigma(x)\,(1+x\,\sigma(-x))$",
    text="f(x) = beta·x·sigmoid(x)",
    dtext="f'(x) = beta·sigmoid(x)·(1 + x·sigmoid(-x))",
    # β up to 1e300: at 1.8e308 the values next to the overflow threshold
    # round to inf (β·x·σ(x) cannot be formed to half an ulp there).
    params=(Parameter("beta", 1.375, "scale β (the paper finds 1 ≤ β ≤ 2 best)",
                      lambda v: 0 < v <= 1e300, "a number in (0, 1e300]"),),
    output_range=lambda p: Interval(p["beta"] * _SILU_MINIMUM, math.inf, lo_closed=True),
    limits=(0.0, math.inf),
    dlimits=lambda p: (0.0, p["beta"]),
    monotonic=False,
    reference="Alcaide 2018 (E-swish)",
)


_MILA_BETA = -0.25


def mila(x: Array) -> Array:
    r"""x·tanh(softplus(x + β)), β = −0.25: mish with its softplus shifted."""
    return _x_tanh_softplus(x, x + _MILA_BETA)


def mila_grad(x: Array) -> Array:
    return _x_tanh_softplus_grad(x, x + _MILA_BETA)


def mila_grad2(x: Array) -> Array:
    return _x_tanh_softplus_grad2(x, x + _MILA_BETA)


MILA = Spec(
    name="mila",
    summary="Mish with a shift inside, x·tanh(softplus(x − 0.25))",
    f=mila, df=mila_grad, d2f=mila_grad2,
    latex=r"$f(x)=x\,\tanh(\mathrm{softplus}(x+\beta))$, $\beta=-0.25$",
    dlatex=r"$f'(x)=\tanh(s)+x\,\mathrm{sech}^2(s)\,\sigma(x+\beta)$, $s=\mathrm{softplus}(x+\beta)$",
    text="f(x) = x·tanh(log(1 + exp(x - 0.25)))",
    dtext="f'(x) = tanh(s) + x·sech(s)^2·sigmoid(x - 0.25), s = softplus(x - 0.25)",
    output_range=Interval(-0.2494532861688073, math.inf, lo_closed=True),
    limits=(0.0, math.inf),
    dlimits=(0.0, 1.0),
    monotonic=False,
    reference="Misra, Mila (github.com/digantamisra98/Mila), β = −0.25 as there",
)


_ARIA2_ALPHA, _ARIA2_BETA = 1.5, 2.0


def _aria2_power(x: Array) -> Array:
    r"""σ(βx)^α = e^{−α·softplus(−βx)}, the exponent ≤ 0 (the power itself
    would round σ first, and overflow nothing but lose the left tail)."""
    return -_ARIA2_ALPHA * log1p_exp(-_ARIA2_BETA * x)


def aria2(x: Array) -> Array:
    r"""x·σ(βx)^α (ARiA2, α = 1.5, β = 2) = x·e^{−α·softplus(−βx)}, formed by
    :func:`times_exp`, which keeps it where the exponential is subnormal."""
    return times_exp(x, _aria2_power(x))


def aria2_grad(x: Array) -> Array:
    """σ(βx)^α·(1 + αβx·σ(−βx)); βx is capped at ±1e4, where σ(βx)^α is
    already 0 or 1 and βx·σ(−βx) already 0 or βx, so that the factor cannot
    become ±inf beside a zero power (inf·0)."""
    bx = np.clip(_ARIA2_BETA * x, -1e4, 1e4)
    return times_exp(1.0 + _ARIA2_ALPHA * (bx * logistic(-bx)), _aria2_power(x))


def aria2_grad2(x: Array) -> Array:
    """αβ·σ(βx)^α·σ(−βx)·(2 + αβx·σ(−βx) − βx·σ(βx)); βx is capped at
    ±1e4 in the bracket, where the factor σ(βx)^α·σ(−βx) is already 0."""
    bx = np.clip(_ARIA2_BETA * x, -1e4, 1e4)
    sm = logistic(-bx)
    bracket = 2.0 + _ARIA2_ALPHA * bx * sm - bx * logistic(bx)
    return times_exp(_ARIA2_ALPHA * _ARIA2_BETA * sm * bracket, _aria2_power(x))


ARIA2 = Spec(
    name="aria2",
    summary="ARiA2, x·σ(βx)^α with α = 1.5, β = 2",
    f=aria2, df=aria2_grad, d2f=aria2_grad2,
    latex=r"$f(x)=x\,(1+e^{-\beta x})^{-\alpha}$, $\alpha=1.5,\ \beta=2$",
    dlatex=r"$f'(x)=\sigma(\beta x)^{\alpha}\,(1+\alpha\beta x\,\sigma(-\beta x))$",
    text="f(x) = x·(1 + exp(-2x))^(-1.5)",
    dtext="f'(x) = sigmoid(2x)^1.5·(1 + 3x·sigmoid(-2x))",
    output_range=Interval(-0.06997764131970143, math.inf, lo_closed=True),
    limits=(0.0, math.inf),
    dlimits=(0.0, 1.0),
    monotonic=False,
    xlim=(-4.0, 4.0),
    reference="Patwardhan et al. 2018 (ARiA; ARiA2 with their α = 1.5, β = 2)",
)


# silu'(x) is least at x ≈ −2.3994, where silu''(x) = 0.
_SILU_GRAD_MINIMUM = -0.09983932012886691


def acon_c(x: Array, p1: float, p2: float, beta: float) -> Array:
    r"""(p₁ − p₂)·x·σ(β(p₁ − p₂)x) + p₂·x (ACON-C): a smooth maximum of the
    lines p₁x and p₂x.  The first term is formed by :func:`times_sigmoid`."""
    d = p1 - p2
    return times_sigmoid(d * x, beta * d * x) + p2 * x


def acon_c_grad(x: Array, p1: float, p2: float, beta: float) -> Array:
    """(p₁ − p₂)·σ(u)·(1 + u·σ(−u)) + p₂, u = β(p₁ − p₂)x: (p₁ − p₂)·silu'(u) + p₂."""
    d = p1 - p2
    u = np.clip(beta * d * x, -1e4, 1e4)
    return times_sigmoid(d * (1.0 + u * logistic(-u)), u) + p2


def acon_c_grad2(x: Array, p1: float, p2: float, beta: float) -> Array:
    """β(p₁ − p₂)²·silu''(u), u = β(p₁ − p₂)x."""
    d = p1 - p2
    return (beta * d) * d * silu_grad2(np.clip(beta * d * x, -1e4, 1e4))


ACON_C = Spec(
    name="acon_c",
    summary="ACON-C: smooth maximum of p₁x and p₂x",
    f=acon_c, df=acon_c_grad, d2f=acon_c_grad2,
    latex=r"$f(x)=(p_1-p_2)\,x\,\sigma(\beta(p_1-p_2)x)+p_2x$",
    dlatex=r"$f'(x)=(p_1-p_2)\,\sigma(u)(1+u\,\sigma(-u))+p_2$, $u=\beta(p_1-p_2)x$",
    text="f(x) = (p1 - p2)·x·sigmoid(beta·(p1 - p2)·x) + p2·x",
    dtext="f'(x) = (p1 - p2)·sigmoid(u)·(1 + u·sigmoid(-u)) + p2, u = beta·(p1 - p2)·x",
    params=(Parameter("p1", 1.0, "slope on the right", lambda v: 0 < v <= 1e100, "a number in (0, 1e100]"),
            Parameter("p2", 0.25, "slope on the left", lambda v: 0 <= v <= 1e100, "a number in [0, 1e100]"),
            Parameter("beta", 1.0, "sharpness of the switch", lambda v: 0 < v <= 1e100, "a number in (0, 1e100]")),
    constraints=(Constraint(lambda p: p["p2"] < p["p1"], "p2 ({p2:g}) must be below p1 ({p1:g})"),),
    # With p₂ = 0 it is swish-β scaled: least value silu's minimum/β.
    output_range=lambda p: (Interval(-math.inf, math.inf) if p["p2"] > 0
                            else Interval(_SILU_MINIMUM / p["beta"], math.inf, lo_closed=True)),
    limits=lambda p: (-math.inf if p["p2"] > 0 else 0.0, math.inf),
    dlimits=lambda p: (p["p2"], p["p1"]),
    monotonic=lambda p: p["p2"] + (p["p1"] - p["p2"]) * _SILU_GRAD_MINIMUM >= 0,
    reference="Ma et al. 2021 (ACON; p₁, p₂, β learned per channel, these defaults illustrative)",
)
