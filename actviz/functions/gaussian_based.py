"""Functions built on the normal distribution and erf: the probit Φ, the
clipped GELU, the smooth maximum unit.

The stable normal CDF and density they share are GELU's, in
``smooth_rectifiers``.
"""
from __future__ import annotations

import math

import numpy as np

from .core import Interval, Parameter, Spec, positive
from .kernels import EXP_SUBNORMAL, times_exp
from .smooth_rectifiers import (_GELU_MINIMUM, _INV_SQRT_2PI, _MILLS_SERIES, SCIPY_MIN_SIZE, _normal_cdf,
                                _normal_pdf, gelu, gelu_grad, gelu_grad2)


def probit(x):
    r"""Φ(x), the standard normal CDF (the inverse of the probit link), with
    the left tail kept to the least subnormal (see :func:`_normal_cdf`)."""
    return _normal_cdf(x)


def probit_grad(x):
    r"""φ(x) = e^{−x²/2}/√(2π); the factor 1/√(2π) is applied by
    :func:`times_exp` where e^{−x²/2} is subnormal, before the rounding."""
    xc = np.clip(x, -40.0, 40.0)
    z = -0.5 * xc * xc
    return np.where(z < EXP_SUBNORMAL, times_exp(_INV_SQRT_2PI, z), _normal_pdf(x))


def probit_grad2(x):
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


def gelu_10(x):
    r"""min(GELU(x), 10) (transformers' ClippedGELUActivation(−10, 10)); the
    lower clip never acts, GELU's least value being −0.17."""
    return np.minimum(gelu(x, "none"), _GELU_CAP)


def gelu_10_grad(x):
    """GELU'(x) for x ≤ 10, 0 beyond (torch.clamp's gradient is 0 only
    where the clamp acts)."""
    return np.where(x > _GELU_CAP, 0.0, gelu_grad(x, "none"))


def gelu_10_grad2(x):
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


def _smu_parts(x, alpha, mu):
    r"""kx (k = μ(1 − α)) and t = −kx capped to [0, 50] for the left side."""
    kx = (mu * (1.0 - alpha)) * x
    return kx, np.clip(-kx, 0.0, 50.0)


def _elementwise(function, z):
    """A function of the math module at each element of z."""
    flat = z.ravel().tolist()
    return np.fromiter(map(function, flat), np.float64, len(flat)).reshape(z.shape)


def _erf(z):
    """erf: the standard library's for arrays under SCIPY_MIN_SIZE elements,
    scipy's (imported on first use) for larger ones, as Φ (see _normal_cdf)."""
    if z.size >= SCIPY_MIN_SIZE:
        from scipy.special import erf
        return erf(z)
    return _elementwise(math.erf, z)


# Beyond this erfc(t) nears the subnormals (erfc(26.55) = 2⁻¹⁰²²).
_ERFCX_FAR = 26.0


def _erfcx(t):
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
    return np.where(far, series / (tf * math.sqrt(math.pi)), _elementwise(math.erfc, near) * np.exp(near * near))


def smu(x, alpha, mu):
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


def smu_grad(x, alpha, mu):
    r"""g/2 + (1 − α)·kx·e^{−(kx)²}/√π; for kx ≤ −1/2, with erfc as in f,
    α + (1 − α)/2·e^{−t²}·(erfcx(t) + 2kx/√π).  Both use kx, capped, rather
    than x·k·(…), which overflows."""
    kx, t = _smu_parts(x, alpha, mu)
    kc = np.clip(kx, -0.5, 40.0)
    right = 0.5 * ((1.0 + alpha) + (1.0 - alpha) * _erf(kc)) + ((1.0 - alpha) / math.sqrt(math.pi)) * kc * np.exp(-kc * kc)
    left = alpha + times_exp((1.0 - alpha) * 0.5 * (_erfcx(t) - _TWO_OVER_SQRT_PI * t), -t * t)
    return np.where(kx > -0.5, right, left)


def smu_grad2(x, alpha, mu):
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
