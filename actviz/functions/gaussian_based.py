"""Functions built on the normal distribution and erf: the probit Φ, the
clipped GELU, the smooth maximum unit.

The stable normal CDF and density they share are GELU's, in
``smooth_rectifiers``.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from .core import Array, Interval, Parameter, Spec, positive
from .kernels import EXP_SUBNORMAL, SQRT2_HI, SQRT2_LO, elementwise, times_exp, two_prod, two_sum
from .smooth_rectifiers import (_GELU_MINIMUM, _INV_SQRT_2PI, _MILLS_SERIES, _NORMAL_FAR, _SQRT_HALF, SCIPY_MIN_SIZE,
                                _mills_series, _normal_cdf, _normal_pdf, erfc, gelu, gelu_grad, gelu_grad2)


def probit(x: Array) -> Array:
    r"""Φ(x), the standard normal CDF (the inverse of the probit link), with
    the left tail kept to the least subnormal (see :func:`_normal_cdf`)."""
    return _normal_cdf(x)


def probit_grad(x: Array) -> Array:
    r"""φ(x) = e^{−x²/2}/√(2π); the factor 1/√(2π) is applied by
    :func:`times_exp` where e^{−x²/2} is subnormal, before the rounding."""
    xc = np.clip(x, -40.0, 40.0)
    z = -0.5 * xc * xc
    return np.where(z < EXP_SUBNORMAL, times_exp(_INV_SQRT_2PI, z), _normal_pdf(x))


def probit_grad2(x: Array) -> Array:
    r"""−x·φ(x), formed by :func:`times_exp` (x·φ(x) is representable where
    φ(x) alone is subnormal); x is capped at ±40, where φ underflows."""
    xc = np.clip(x, -40.0, 40.0)
    return times_exp(-_INV_SQRT_2PI * xc, -0.5 * xc * xc)


PROBIT = Spec(
    name="probit", aliases=("normal_cdf", "phi"),
    summary="Standard normal CDF Φ(x), the inverse probit link",
    f=probit, df=probit_grad, d2f=probit_grad2,
    latex=r"$f(x)=\Phi(x)=\frac{1}{2}\left(1+\mathrm{erf}(x/\sqrt{2})\right)$",
    dlatex=r"$f'(x)=\varphi(x)=e^{-x^2/2}/\sqrt{2\pi}$",
    text="f(x) = Phi(x) = (1 + erf(x/sqrt(2)))/2",
    dtext="f'(x) = phi(x) = exp(-x^2/2)/sqrt(2·pi)",
    output_range=Interval(0.0, 1.0),
    limits=(0.0, 1.0),
    dlimits=(0.0, 0.0),
    xlim=(-4.0, 4.0),
    reference="Bliss 1934 (probit); the CDF of N(0, 1)",
)


_GELU_CAP = 10.0
# f' at the kink takes the side of x ≤ 10, where GELU is below its cap (the
# true crossing, 10 + 7.6e−23, is not a double): GELU'(10) = Φ(10) + 10φ(10)
# = 1 + 7.6e−22, which rounds to 1 (written out: computing it here would
# import scipy with actviz).
_GELU_10_DF_AT_KINK = 1.0


def gelu_10(x: Array) -> Array:
    r"""min(GELU(x), 10) (transformers' ClippedGELUActivation(−10, 10)); the
    lower clip never acts, GELU's least value being −0.17."""
    return np.minimum(gelu(x, "none"), _GELU_CAP)


def gelu_10_grad(x: Array) -> Array:
    """GELU'(x) for x ≤ 10, 0 beyond (torch.clamp's gradient is 0 only
    where the clamp acts)."""
    return np.where(x > _GELU_CAP, 0.0, gelu_grad(x, "none"))


def gelu_10_grad2(x: Array) -> Array:
    """GELU''(x) for x ≤ 10, 0 beyond."""
    return np.where(x > _GELU_CAP, 0.0, gelu_grad2(x, "none"))


GELU_10 = Spec(
    name="gelu_10", aliases=("clipped_gelu",),
    summary="GELU clipped to [−10, 10], for quantisation (transformers' gelu_10)",
    f=gelu_10, df=gelu_10_grad, d2f=gelu_10_grad2,
    latex=r"$f(x)=\min(\max(x\,\Phi(x),-10),10)$",
    dlatex=r"$f'(x)=\Phi(x)+x\,\varphi(x)$ for $x\leq10$, else $0$",
    text="f(x) = clip(x·Phi(x), -10, 10)",
    dtext="f'(x) = Phi(x) + x·phi(x) for x <= 10, 0 beyond",
    output_range=Interval(_GELU_MINIMUM["none"], _GELU_CAP, lo_closed=True, hi_closed=True),
    limits=(0.0, _GELU_CAP),
    dlimits=(0.0, 0.0),
    kinks=(_GELU_CAP,), df_at_kinks={_GELU_CAP: _GELU_10_DF_AT_KINK},
    monotonic=False, continuity="C0",
    xlim=(-4.0, 14.0),
    reference="transformers' ClippedGELUActivation(min=-10, max=10), ACT2FN['gelu_10']",
)


_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
# Below this α, SMU's f' dips below 0 (its least value is 0 at α*).
_SMU_MONOTONIC_ALPHA = 0.11418519963359054
# The least value of t·(1 + erf t)/2, SMU's shape for α = 0 (t = kx).
_SMU_ALPHA0_MINIMUM = -0.1201877934155055


def _smu_parts(x: Array, alpha: float, mu: float) -> tuple[Array, Array]:
    r"""kx (k = μ(1 − α)) and t = −kx capped to [0, 50] for the left side."""
    kx = (mu * (1.0 - alpha)) * x
    return kx, np.clip(-kx, 0.0, 50.0)


def _erf(z: Array) -> Array:
    """erf: the standard library's for arrays under SCIPY_MIN_SIZE elements,
    scipy's (imported on first use) for larger ones, as Φ (see _normal_cdf)."""
    if z.size >= SCIPY_MIN_SIZE:
        from scipy.special import erf
        return erf(z)
    return elementwise(math.erf, z)


# Beyond this erfc(t) nears the subnormals (erfc(26.55) = 2⁻¹⁰²²).
_ERFCX_FAR = 26.0


def _erfcx(t: Array) -> Array:
    r"""erfcx(t) = e^{t²}·erfc(t) for t ≥ 0: scipy's for arrays of
    SCIPY_MIN_SIZE elements or more; for smaller ones erfc(t)·e^{fl(t²)}, and
    for t ≥ 26 the asymptotic series 1/(t√π)·S, S = Σₖ (−1)ᵏ(2k − 1)!!/(2t²)ᵏ
    (nine terms reach full precision there).  The rounding of t² magnifies
    by t² the error of e^{t²}; SMU multiplies by e^{−fl(t²)} from the same
    rounded t² (:func:`times_exp`), which takes it back out."""
    if t.size >= SCIPY_MIN_SIZE:
        from scipy.special import erfcx
        return erfcx(t)
    far = t >= _ERFCX_FAR
    near = np.where(far, 0.0, t)
    tf = np.where(far, t, _ERFCX_FAR)
    inverse_square = 0.5 / (tf * tf)
    series = np.zeros_like(tf)
    for c in reversed(_MILLS_SERIES):
        series = series * inverse_square + c
    return np.where(far, series / (tf * math.sqrt(math.pi)), elementwise(math.erfc, near) * np.exp(near * near))


def smu(x: Array, alpha: float, mu: float) -> Array:
    r"""((1 + α)x + (1 − α)x·erf(kx))/2, k = μ(1 − α): a smooth max(x, αx).

    For kx > −1/2 it is x·(g/2), g = (1 + α) + (1 − α)·erf(kx), halved
    before the product so that x·g cannot overflow.  Further left, where
    erf(kx) → −1 and 1 + erf would cancel, 1 + erf(kx) = erfc(t) = e^{−t²}·erfcx(t), t = −kx,
    so f = αx + x(1 − α)·erfcx(t)/2·e^{−t²}, the last product formed by
    :func:`times_exp`, which keeps it where e^{−t²} is subnormal (α = 0).
    """
    kx, t = _smu_parts(x, alpha, mu)
    right = x * (0.5 * ((1.0 + alpha) + (1.0 - alpha) * _erf(np.maximum(kx, -0.5))))
    left = alpha * x + times_exp(x * ((1.0 - alpha) * 0.5) * _erfcx(t), -t * t)
    return np.where(kx > -0.5, right, left)


def smu_grad(x: Array, alpha: float, mu: float) -> Array:
    r"""g/2 + (1 − α)·kx·e^{−(kx)²}/√π; for kx ≤ −1/2, with erfc as in f,
    α + (1 − α)/2·e^{−t²}·(erfcx(t) + 2kx/√π).  Both use kx, capped, rather
    than x·k·(…), which overflows."""
    kx, t = _smu_parts(x, alpha, mu)
    kc = np.clip(kx, -0.5, 40.0)
    right = 0.5 * ((1.0 + alpha) + (1.0 - alpha) * _erf(kc)) + ((1.0 - alpha) / math.sqrt(math.pi)) * kc * np.exp(-kc * kc)
    left = alpha + times_exp((1.0 - alpha) * 0.5 * (_erfcx(t) - _TWO_OVER_SQRT_PI * t), -t * t)
    return np.where(kx > -0.5, right, left)


def smu_grad2(x: Array, alpha: float, mu: float) -> Array:
    """g'·(1 − (kx)²), g' = (1 − α)·k·(2/√π)·e^{−(kx)²}, from g'' = −2k²x·g'."""
    kx, _ = _smu_parts(x, alpha, mu)
    kc = np.clip(kx, -40.0, 40.0)
    return ((1.0 - alpha) * _TWO_OVER_SQRT_PI) * (mu * (1.0 - alpha)) * np.exp(-kc * kc) * (1.0 - kc * kc)


SMU = Spec(
    name="smu",
    summary="Smooth maximum unit: max(x, αx) smoothed by erf",
    f=smu, df=smu_grad, d2f=smu_grad2,
    latex=r"$f(x)=\frac{(1+\alpha)x+(1-\alpha)\,x\,\mathrm{erf}(\mu(1-\alpha)x)}{2}$",
    dlatex=r"$f'(x)=\frac{g}{2}+\frac{(1-\alpha)\,kx}{\sqrt{\pi}}e^{-k^2x^2}$, $g=(1+\alpha)+(1-\alpha)\mathrm{erf}(kx)$, $k=\mu(1-\alpha)$",
    text="f(x) = ((1 + alpha)·x + (1 - alpha)·x·erf(mu·(1 - alpha)·x)) / 2",
    dtext="f'(x) = g/2 + (1 - alpha)·k·x·exp(-(k·x)^2)/sqrt(pi), g = (1 + alpha) + (1 - alpha)·erf(k·x), k = mu·(1 - alpha)",
    params=(Parameter("alpha", 0.25, "slope for x < 0, as leaky ReLU's", lambda v: 0 <= v < 1, "a number in [0, 1)"),
            positive("mu", 1e6, "smoothness: erf's steepness (learned; the authors start at 1e6)")),
    output_range=lambda p: (Interval(-math.inf, math.inf) if p["alpha"] > 0
                            else Interval(_SMU_ALPHA0_MINIMUM / p["mu"], math.inf, lo_closed=True)),
    limits=lambda p: (-math.inf if p["alpha"] > 0 else 0.0, math.inf),
    dlimits=lambda p: (p["alpha"], 1.0),
    monotonic=lambda p: p["alpha"] >= _SMU_MONOTONIC_ALPHA,
    xlim=(-3.0, 3.0),
    reference="Biswas et al. 2021 (SMU; α = 0.25, μ = 1e6 as in their code)",
)


def _serf_parts(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, Any]:
    r"""softplus(x), σ(x) and σ(−x), all from the one e = e^{−|x|} (so that
    its rounding acts as a perturbation of x, which the condition number
    covers, and not as an error between the terms of f′ that cancel), and
    erf (:func:`_erf`: the standard library's for small arrays)."""
    e = np.exp(-np.abs(x))
    sp = np.maximum(x, 0.0) + np.log1p(e)
    s, sm = np.where(x >= 0, 1.0, e) / (1.0 + e), np.where(x >= 0, e, 1.0) / (1.0 + e)
    return sp, s, sm, _erf


def _serf_far(x: np.ndarray, factor: np.ndarray, near: np.ndarray) -> np.ndarray:
    r"""`near`, or (2/√π)·factor·eˣ by :func:`times_exp` where eˣ is
    subnormal: softplus(x) = σ(x) = eˣ there and erf(t) = 2t/√π.  The
    factors are polynomials in x capped at −1e300 (the product is 0 long
    before), so that (2/√π)·factor cannot overflow into inf·0."""
    return np.where(x < EXP_SUBNORMAL, times_exp(_TWO_OVER_SQRT_PI * factor, np.minimum(x, 0.0)), near)


def _gauss(t: np.ndarray) -> np.ndarray:
    r"""e^{−t²} with t² as a double-double t² = h + l (:func:`two_prod`):
    e^{−h}·(1 − l).  The rounding of t·t would be magnified by t² (3 at
    serf's x = 1.5).  t is capped at 30, where the value is already 0, so
    that t² cannot overflow."""
    tc = np.minimum(t, 30.0)
    h, l = two_prod(tc, tc)
    return np.exp(-h) * (1.0 - l)


def serf(x: np.ndarray) -> np.ndarray:
    r"""x·erf(softplus(x)); (2/√π)·x·eˣ where eˣ is subnormal (see
    :func:`_serf_far`)."""
    sp, _, _, erf = _serf_parts(x)
    return _serf_far(x, np.maximum(x, -1e300), x * erf(sp))


def _serf_grad_series(terms: int) -> tuple[np.ndarray, np.ndarray]:
    r"""The coefficients of √π/2·erf(log1p(e)) and e/(1 + e)·e^{−log1p(e)²}
    as power series in e, to eᵗᵉʳᵐˢ: log1p(e) = Σ (−1)^{k+1}eᵏ/k composed
    into erf's series Σ (−1)ⁿt^{2n+1}/(n!(2n + 1)) and exp's (truncated
    products of series).  Both start 1·e; every coefficient is below 1.5."""
    def times(a: Array, b: Array) -> Array:
        return np.convolve(a, b)[:terms + 1]
    log1p = np.array([0.0] + [(-1) ** (k + 1) / k for k in range(1, terms + 1)])
    square = times(log1p, log1p)
    erf_part, power, n = np.zeros(terms + 1), log1p, 0
    while power.any():
        erf_part += (-1) ** n / (math.factorial(n) * (2 * n + 1)) * power
        power, n = times(power, square), n + 1
    gauss, power, n = np.zeros(terms + 1), np.eye(1, terms + 1)[0], 0
    while power.any():
        gauss += power
        power, n = times(power, -square) / (n + 1), n + 1
    sigmoid = np.array([0.0] + [(-1) ** (k + 1) for k in range(1, terms + 1)])
    return erf_part, times(sigmoid, gauss)


# Left of this serf's f′ is its series in e = eˣ < 0.23, to 40 terms.
_SERF_SERIES_BELOW = -1.5
_SERF_ERF_PART, _SERF_GAUSS_PART = _serf_grad_series(40)


def serf_grad(x: np.ndarray) -> np.ndarray:
    r"""erf(sp) + x·(2/√π)·e^{−sp²}·σ(x), sp = softplus(x);
    (2/√π)(1 + x)·eˣ where eˣ is subnormal (see :func:`_serf_far`); the
    Gaussian by :func:`_gauss`.

    Near x = −2.25, where f′ is least (f″ ≈ 0, κ ≈ 0), the two terms cancel
    by about 2×, and their roundings (erf's, the Gaussian's, σ's) would add
    up to 4.4 ulps.  Left of −1.5 both are power series in e = eˣ (see
    :func:`_serf_grad_series`), so f′ = (2/√π)·Σ (aₖ + x·bₖ)eᵏ: one sum, the
    cancellation done in the exact coefficients aₖ + x·bₖ, with one rounding
    each.
    """
    sp, s, _, erf = _serf_parts(x)
    near = erf(sp) + x * (_TWO_OVER_SQRT_PI * _gauss(sp) * s)
    series_side = (x < _SERF_SERIES_BELOW) & (x >= EXP_SUBNORMAL)
    xs = np.where(series_side, x, _SERF_SERIES_BELOW)
    e = np.exp(xs)
    series = np.zeros_like(xs)
    for a, b in zip(_SERF_ERF_PART[:0:-1], _SERF_GAUSS_PART[:0:-1]):
        series = (series + (a + xs * b)) * e
    near = np.where(series_side, _TWO_OVER_SQRT_PI * series, near)
    return _serf_far(x, 1.0 + np.maximum(x, -1e300), near)


def serf_grad2(x: np.ndarray) -> np.ndarray:
    r"""(2/√π)·e^{−sp²}·σ(x)·(2 + x·(σ(−x) − 2·sp·σ(x))), sp = softplus(x).

    From erf(sp)′ = (2/√π)e^{−sp²}σ(x) and (e^{−sp²})′ = −2·sp·σ(x)·e^{−sp²}.
    x and sp are capped at 30 in the bracket, whose factor (the Gaussian, by
    :func:`_gauss`) is 0 beyond, so nothing overflows; (2/√π)(2 + x)·eˣ where eˣ is
    subnormal (see :func:`_serf_far`).
    """
    sp, s, sm, _ = _serf_parts(x)
    spc, xc = np.minimum(sp, 30.0), np.minimum(x, 30.0)
    near = _TWO_OVER_SQRT_PI * _gauss(sp) * s * (2.0 + xc * (sm - 2.0 * spc * s))
    return _serf_far(x, 2.0 + np.maximum(x, -1e300), near)


SERF = Spec(
    name="serf",
    summary="x·erf(softplus(x)), log-softplus error unit",
    f=serf, df=serf_grad, d2f=serf_grad2,
    latex=r"$f(x)=x\,\mathrm{erf}(\log(1+e^{x}))$",
    dlatex=r"$f'(x)=\mathrm{erf}(s)+\frac{2x}{\sqrt{\pi}}\,e^{-s^2}\,\sigma(x)$, $s=\log(1+e^{x})$",
    text="f(x) = x·erf(log(1 + exp(x)))",
    dtext="f'(x) = erf(s) + 2x·exp(-s^2)·sigmoid(x)/sqrt(pi), s = log(1 + exp(x))",
    output_range=Interval(-0.3484374587596064, math.inf, lo_closed=True),
    limits=(0.0, math.inf),
    dlimits=(0.0, 1.0),
    monotonic=False,
    reference="Nag & Bhattacharyya 2023 (SERF)",
)


_INV_SQRT_PI = 1.0 / math.sqrt(math.pi)
# w = (μ − x)/(σ√2) is clipped to ±45 (z = ∓64), where Φ is 0 or 1 and φ is 0.
_LAPLACE_W_CAP = 45.0
# Right of this w (z < −37) Φ is formed from φ and the Mills series, as in _normal_cdf.
_LAPLACE_W_FAR = -_NORMAL_FAR * _SQRT_HALF


def _laplace_w(x: np.ndarray, mu: float, sigma: float) -> tuple[np.ndarray, np.ndarray]:
    r"""w = (μ − x)/(σ√2) as a double-double w_hi + w_lo, so that
    f = erfc(w)/2.

    Φ's relative condition number in its argument z is |z|·φ(z)/Φ(z) ≈ z²
    in the left tail: 6.3 at x = 0 (z = −2.5), where f's own condition
    number |x|·f′/f is 0.  Each rounding of z (μ − x, the division by σ, the
    product with 1/√2) would add up to 3 ulps there.  Here μ − x is exact
    (TwoSum), σ√2 is carried as a double-double and the quotient is
    corrected by its exact remainder, so w is known to about 2⁻¹⁰⁴.
    Where |w| passes `_LAPLACE_W_CAP` it is clipped and w_lo set to 0.
    """
    s_hi, s_lo = two_prod(sigma, SQRT2_HI)
    s_lo = s_lo + sigma * SQRT2_LO
    d_hi, d_lo = two_sum(mu, -x)
    q = np.clip(d_hi / s_hi, -_LAPLACE_W_CAP, _LAPLACE_W_CAP)
    p_hi, p_lo = two_prod(q, s_hi)
    w_lo = (((d_hi - p_hi) - p_lo) + d_lo - q * s_lo) / s_hi
    return q, np.where(np.abs(q) < _LAPLACE_W_CAP, w_lo, 0.0)


def _laplace_gauss(w_hi: np.ndarray, w_lo: np.ndarray, scale: Any) -> np.ndarray:
    r"""scale·e^{−w²}, w = w_hi + w_lo: w² as a double-double s_hi + s_lo
    (the rounding of w·w, magnified by w² ≈ 3 at x = 0, would cost 1.5
    ulps), e^{−w²} = e^{−s_hi}·(1 − s_lo); by :func:`times_exp` where
    e^{−s_hi} is subnormal."""
    s_hi, s_lo = two_prod(w_hi, w_hi)
    s_lo = s_lo + 2.0 * w_hi * w_lo
    a = scale * (1.0 - s_lo)
    far = -s_hi < EXP_SUBNORMAL
    return np.where(far, times_exp(a, np.minimum(-s_hi, 0.0)), a * np.exp(np.where(far, 0.0, -s_hi)))


def laplace(x: np.ndarray, mu: float, sigma: float) -> np.ndarray:
    r"""Φ((x − μ)/σ) = erfc(w)/2, w = (μ − x)/(σ√2) (see :func:`_laplace_w`).

    erfc is taken at w_hi and corrected to first order:
    erfc(w_hi + w_lo) = erfc(w_hi) − (2/√π)e^{−w_hi²}·w_lo.  Where
    z = −√2·w < −37 erfc underflows while Φ is still a subnormal, and
    Φ(z) = φ(z)/|z|·S(z) = e^{−w²}/(2w√π)·S(z), with the Mills series S of
    :func:`_mills_series`.
    """
    w_hi, w_lo = _laplace_w(x, mu, sigma)
    far = w_hi > _LAPLACE_W_FAR
    wn = np.where(far, _LAPLACE_W_FAR, w_hi)
    near = 0.5 * erfc(wn) - w_lo * (_INV_SQRT_PI * np.exp(-wn * wn))
    wf = np.where(far, w_hi, _LAPLACE_W_FAR)
    tail = _laplace_gauss(wf, w_lo, _INV_SQRT_PI * 0.5 / wf * _mills_series(-SQRT2_HI * wf))
    return np.where(far, tail, near)


def laplace_grad(x: np.ndarray, mu: float, sigma: float) -> np.ndarray:
    r"""φ(z)/σ = e^{−w²}/(σ√(2π)) (see :func:`_laplace_gauss`)."""
    w_hi, w_lo = _laplace_w(x, mu, sigma)
    return _laplace_gauss(w_hi, w_lo, _INV_SQRT_2PI / sigma)


def laplace_grad2(x: np.ndarray, mu: float, sigma: float) -> np.ndarray:
    r"""−z·φ(z)/σ² = f′·√2·w/σ; w = w_hi + w_lo, so the root at x = μ is
    exact."""
    w_hi, w_lo = _laplace_w(x, mu, sigma)
    return _laplace_gauss(w_hi, w_lo, _INV_SQRT_2PI / sigma * (SQRT2_HI * (w_hi + w_lo) / sigma))


# MEGA's μ = √½ and σ = 1/(2√π), as transformers rounds them.
_LAPLACE_MU, _LAPLACE_SIGMA = 0.707107, 0.282095

LAPLACE = Spec(
    name="laplace",
    summary="Φ((x − μ)/σ), MEGA's Laplace attention function",
    f=laplace, df=laplace_grad, d2f=laplace_grad2,
    latex=r"$f(x)=\frac{1}{2}\left(1+\mathrm{erf}\left(\frac{x-\mu}{\sigma\sqrt{2}}\right)\right)$",
    dlatex=r"$f'(x)=\frac{1}{\sigma\sqrt{2\pi}}\,e^{-(x-\mu)^2/(2\sigma^2)}$",
    text="f(x) = (1 + erf((x - mu)/(sigma·sqrt(2))))/2",
    dtext="f'(x) = exp(-(x - mu)^2/(2·sigma^2))/(sigma·sqrt(2·pi))",
    params=(Parameter("mu", _LAPLACE_MU, "centre: f(mu) = 1/2", lambda v: abs(v) <= 1e100,
                      "a number in [-1e100, 1e100]"),
            Parameter("sigma", _LAPLACE_SIGMA, "width: the standard deviation of the normal CDF",
                      lambda v: 1e-100 <= v <= 1e100, "a number in [1e-100, 1e100]")),
    output_range=Interval(0.0, 1.0),
    limits=(0.0, 1.0),
    dlimits=(0.0, 0.0),
    xlim=lambda p: (p["mu"] - 6.0 * p["sigma"], p["mu"] + 6.0 * p["sigma"]),
    reference="transformers' LaplaceActivation (ACT2FN['laplace']); Ma et al. 2022 (MEGA): μ = √½, σ = 1/(2√π)",
)
