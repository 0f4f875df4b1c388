"""The classics and the odd ones out: the identity, the step and the sign,
eˣ, and the bumps and waves (Gaussian, sinc, sine, snake).
"""
from __future__ import annotations

import math

import numpy as np

from .core import Array, Interval, Parameter, Spec, positive
from .kernels import EXP_SUBNORMAL, heaviside, times_exp, two_minus_square, zero_grad
from .smooth_rectifiers import squareplus_grad2


def identity(x: Array) -> Array:
    """x."""
    return x.copy()


def identity_grad(x: Array) -> Array:
    return np.ones_like(x)


IDENTITY = Spec(
    name="identity", aliases=("linear",),
    summary="The identity: no activation at all",
    f=identity, df=identity_grad, d2f=zero_grad,
    latex=r"$f(x)=x$",
    dlatex=r"$f'(x)=1$",
    text="f(x) = x",
    dtext="f'(x) = 1",
    output_range=Interval(-math.inf, math.inf),
    limits=(-math.inf, math.inf),
    dlimits=(1.0, 1.0),
    symmetry="odd",
    torch="torch.nn.Identity()",
)


def step(x: Array) -> Array:
    """Heaviside step: 1 for x ≥ 0, 0 for x < 0 (the perceptron's rule)."""
    return heaviside(x, right=True)


STEP = Spec(
    name="step", aliases=("heaviside", "binary_step"),
    summary="Heaviside step, the perceptron's activation",
    f=step, df=zero_grad, d2f=zero_grad,
    latex=r"$f(x)=1$ if $x\geq0$, else $0$",
    dlatex=r"$f'(x)=0$ for $x\neq0$",
    text="f(x) = 1 if x >= 0 else 0",
    dtext="f'(x) = 0 (undefined at 0; 0 there)",
    output_range=Interval(0.0, 1.0, lo_closed=True, hi_closed=True),
    limits=(0.0, 1.0),
    dlimits=(0.0, 0.0),
    jumps=(0.0,), df_at_kinks={0.0: 0.0},
    continuity="discontinuous",
)


def sign(x: Array) -> Array:
    """−1, 0 or 1."""
    return np.sign(x)


SIGN = Spec(
    name="sign", aliases=("signum",),
    summary="Sign function, −1, 0 or 1",
    f=sign, df=zero_grad, d2f=zero_grad,
    latex=r"$f(x)=\mathrm{sign}(x)$",
    dlatex=r"$f'(x)=0$ for $x\neq0$",
    text="f(x) = sign(x)",
    dtext="f'(x) = 0 (undefined at 0; 0 there)",
    output_range=Interval(-1.0, 1.0, lo_closed=True, hi_closed=True),
    limits=(-1.0, 1.0),
    dlimits=(0.0, 0.0),
    jumps=(0.0,), df_at_kinks={0.0: 0.0},
    continuity="discontinuous", symmetry="odd",
)


def exponential(x: Array) -> Array:
    """eˣ (overflows to inf for x > 709.78, where the true value does)."""
    return np.exp(x)


EXPONENTIAL = Spec(
    name="exponential", aliases=("exp",),
    summary="eˣ",
    f=exponential, df=exponential, d2f=exponential,
    latex=r"$f(x)=e^{x}$",
    dlatex=r"$f'(x)=e^{x}$",
    text="f(x) = exp(x)",
    dtext="f'(x) = exp(x)",
    output_range=Interval(0.0, math.inf),
    limits=(0.0, math.inf),
    dlimits=(0.0, math.inf),
    d2limits=(0.0, math.inf),
    xlim=(-4.0, 2.0),
)


# Right of this the logarithmic side takes x − A as x: A(x − A) could overflow.
_SOFT_EXPONENTIAL_FAR = 1e200


def _soft_exponential_left(x: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""For α < 0, with A = −α: log(1 − α(x + α)) = log1p(y), y = A(x − A),
    and f′ = 1/(1 + y); and where f is defined (y > −1, x > A − 1/A).

    x − A is exact next to f's root x = A (Sterbenz).  Outside the domain y
    is replaced by 0, so that log1p never sees −1 or less and nothing warns;
    the kernels put NaN there.  Right of `_SOFT_EXPONENTIAL_FAR`, where
    A(x − A) may overflow, log1p(y) = log A + log x and f′ = (1/A)/x, to
    below the last bit (A ≤ 1e100).
    """
    a = -alpha
    far = x > _SOFT_EXPONENTIAL_FAR
    xf = np.where(far, x, _SOFT_EXPONENTIAL_FAR)
    y = a * (np.where(far, 0.0, x) - a)
    inside = y > -1.0
    y = np.where(inside, y, 0.0)
    log_term = np.where(far, math.log(a) + np.log(xf), np.log1p(y))
    slope = np.where(far, (1.0 / a) / xf, 1.0 / (1.0 + y))
    return log_term, slope, inside | far


def soft_exponential(x: np.ndarray, alpha: float) -> np.ndarray:
    r"""−log(1 − α(x + α))/α for α < 0, x for α = 0, (e^{αx} − 1)/α + α for α > 0.

    α < 0: log1p(y)/A (see :func:`_soft_exponential_left`), NaN left of
    the domain x > α⁻¹ − α.  α > 0: expm1(αx)/α + α, which keeps f ≈ x + α
    for small αx; where αx > 700 e^{αx} may overflow while e^{αx}/α does not
    (α > 1), so e^{αx − log α} is used there (the −1/α + α beside it is
    below its last bit).
    """
    if alpha < 0:
        log_term, _, inside = _soft_exponential_left(x, alpha)
        return np.where(inside, log_term / -alpha, np.nan)
    if alpha == 0:
        return x.copy()
    z = alpha * x
    big = z > 700.0
    return np.where(big, np.exp(np.where(big, z, 0.0) - math.log(alpha)),
                    np.expm1(np.where(big, 0.0, z)) / alpha + alpha)


def soft_exponential_grad(x: np.ndarray, alpha: float) -> np.ndarray:
    r"""1/(1 − α(x + α)) for α < 0 (NaN outside its domain), 1 for α = 0,
    e^{αx} for α > 0."""
    if alpha < 0:
        _, slope, inside = _soft_exponential_left(x, alpha)
        return np.where(inside, slope, np.nan)
    return np.exp(alpha * x)


def soft_exponential_grad2(x: np.ndarray, alpha: float) -> np.ndarray:
    r"""α/(1 − α(x + α))² for α < 0 (NaN outside its domain), 0 for α = 0,
    α·e^{αx} for α > 0, formed as e^{αx + log α} where e^{αx} overflows
    (α < 1)."""
    if alpha < 0:
        _, slope, inside = _soft_exponential_left(x, alpha)
        return np.where(inside, alpha * slope * slope, np.nan)
    if alpha == 0:
        return np.zeros_like(x)
    z = alpha * x
    big = z > 700.0
    return np.where(big, np.exp(np.where(big, z, 0.0) + math.log(alpha)), alpha * np.exp(np.where(big, 0.0, z)))


def _soft_exponential_domain_start(alpha: float) -> float:
    """α⁻¹ − α: where the logarithmic side (α < 0) begins; −∞ otherwise."""
    return 1.0 / alpha - alpha if alpha < 0 else -math.inf


SOFT_EXPONENTIAL = Spec(
    name="soft_exponential",
    summary="Soft exponential: logarithmic (α < 0), linear (α = 0) or exponential (α > 0)",
    f=soft_exponential, df=soft_exponential_grad, d2f=soft_exponential_grad2,
    latex=r"$f(x)=-\frac{\log(1-\alpha(x+\alpha))}{\alpha}$ if $\alpha<0$, $x$ if $\alpha=0$, "
          r"$\frac{e^{\alpha x}-1}{\alpha}+\alpha$ if $\alpha>0$",
    dlatex=r"$f'(x)=\frac{1}{1-\alpha(x+\alpha)}$ if $\alpha<0$, $1$ if $\alpha=0$, $e^{\alpha x}$ if $\alpha>0$",
    text="f(x) = -log(1 - alpha·(x + alpha))/alpha if alpha < 0, x if alpha = 0, (exp(alpha·x) - 1)/alpha + alpha if alpha > 0",
    dtext="f'(x) = 1/(1 - alpha·(x + alpha)) if alpha < 0, 1 if alpha = 0, exp(alpha·x) if alpha > 0",
    # Learned per neuron from α = 0 (the identity) in the paper; 0.5 shows
    # the exponential side, -p alpha=-0.5,0,0.5 all three.  |α| is kept in
    # [1e-100, 1e100], where αx cannot flush to 0 beside x + α.
    params=(Parameter("alpha", 0.5, "< 0 logarithmic, 0 the identity, > 0 exponential",
                      lambda v: v == 0 or 1e-100 <= abs(v) <= 1e100, "0 or a number with 1e-100 <= |alpha| <= 1e100"),),
    domain=lambda p: Interval(_soft_exponential_domain_start(p["alpha"]), math.inf),
    output_range=lambda p: Interval(-1.0 / p["alpha"] + p["alpha"] if p["alpha"] > 0 else -math.inf, math.inf),
    # For α < 0 the left limits are those at the start of the domain, where
    # the logarithm falls to −∞ and f′ = 1/(1 − α(x + α)) rises to ∞.
    limits=lambda p: (-1.0 / p["alpha"] + p["alpha"] if p["alpha"] > 0 else -math.inf, math.inf),
    dlimits=lambda p: (math.inf if p["alpha"] < 0 else 0.0 if p["alpha"] > 0 else 1.0,
                       0.0 if p["alpha"] < 0 else math.inf if p["alpha"] > 0 else 1.0),
    d2limits=lambda p: (-math.inf if p["alpha"] < 0 else 0.0, 0.0 if p["alpha"] <= 0 else math.inf),
    xlim=lambda p: ((_soft_exponential_domain_start(p["alpha"]) + 0.02 / -p["alpha"], 5.0) if p["alpha"] < 0
                    else (-4.0, 3.0)),
    reference="Godfrey & Gashler 2015 (soft exponential)",
)


def bent_identity(x: Array) -> Array:
    r"""x + (√(x² + 1) − 1)/2 = x + x·(x/(h + 1))/2, h = hypot(x, 1).

    √(x² + 1) − 1 cancels for small x; the rationalised x²/(h + 1) does not,
    and is formed as x·(x/(h + 1)) so x² cannot overflow.
    """
    h = np.hypot(x, 1.0)
    return x + 0.5 * x * (x / (h + 1.0))


def bent_identity_grad(x: Array) -> Array:
    """1 + x/(2√(x² + 1))."""
    return 1.0 + 0.5 * (x / np.hypot(x, 1.0))


def bent_identity_grad2(x: Array) -> Array:
    """1/(2(x² + 1)^{3/2}): bent_identity(x) = x/2 + squareplus(x, b=1) − 1/2,
    so this is squareplus'' with b = 1."""
    return squareplus_grad2(x, 1.0)


BENT_IDENTITY = Spec(
    name="bent_identity",
    summary="x + (√(x² + 1) − 1)/2",
    f=bent_identity, df=bent_identity_grad, d2f=bent_identity_grad2,
    latex=r"$f(x)=x+\frac{\sqrt{x^2+1}-1}{2}$",
    dlatex=r"$f'(x)=1+\frac{x}{2\sqrt{x^2+1}}$",
    text="f(x) = x + (sqrt(x^2 + 1) - 1)/2",
    dtext="f'(x) = 1 + x / (2·sqrt(x^2 + 1))",
    output_range=Interval(-math.inf, math.inf),
    limits=(-math.inf, math.inf),
    dlimits=(0.5, 1.5),
)


def gaussian(x: Array) -> Array:
    """e^{−x²}; x is clipped to ±40 (e^{−1600} underflows) so x² cannot overflow."""
    xc = np.clip(x, -40.0, 40.0)
    return np.exp(-xc * xc)


def gaussian_grad(x: Array) -> Array:
    """−2x·e^{−x²}; by :func:`times_exp` where e^{−x²} is subnormal, since
    the product is not (it underflows at |x| = 27.37, e^{−x²} at 27.30)."""
    xc = np.clip(x, -40.0, 40.0)
    z = -xc * xc
    return np.where(z < EXP_SUBNORMAL, times_exp(-2.0 * xc, z), -2.0 * xc * gaussian(x))


def gaussian_grad2(x: Array) -> Array:
    r"""(4x² − 2)·e^{−x²} = −(2 − (2x)²)·e^{−x²}.

    2 − (2x)² is formed by :func:`two_minus_square`, so the roots ±1/√2
    (where |f'| peaks) come out correctly rounded.  x is capped at ±40 as in
    f.
    """
    return -two_minus_square(2.0 * np.clip(x, -40.0, 40.0)) * gaussian(x)


GAUSSIAN = Spec(
    name="gaussian",
    summary="Gaussian bump e^{−x²}",
    f=gaussian, df=gaussian_grad, d2f=gaussian_grad2,
    latex=r"$f(x)=e^{-x^2}$",
    dlatex=r"$f'(x)=-2x\,e^{-x^2}$",
    text="f(x) = exp(-x^2)",
    dtext="f'(x) = -2x·exp(-x^2)",
    output_range=Interval(0.0, 1.0, hi_closed=True),
    limits=(0.0, 0.0),
    dlimits=(0.0, 0.0),
    monotonic=False, symmetry="even",
    xlim=(-3.0, 3.0),
)


_SINC_SERIES = [(-1) ** n * 2 * n / math.factorial(2 * n + 1) for n in range(1, 12)]


def sinc(x: Array) -> Array:
    """sin(x)/x, with sinc(0) = 1 (the unnormalised sinc)."""
    nonzero = x != 0
    safe = np.where(nonzero, x, 1.0)
    return np.where(nonzero, np.sin(safe) / safe, 1.0)


def sinc_grad(x: Array) -> Array:
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


def sinc_grad2(x: Array) -> Array:
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


SINC = Spec(
    name="sinc",
    summary="sin(x)/x, with sinc(0) = 1",
    f=sinc, df=sinc_grad, d2f=sinc_grad2,
    latex=r"$f(x)=\dfrac{\sin x}{x}$",
    dlatex=r"$f'(x)=\dfrac{x\cos x-\sin x}{x^2}$",
    text="f(x) = sin(x)/x, f(0) = 1",
    dtext="f'(x) = (x·cos(x) - sin(x)) / x^2",
    # The least value, at the first root of sinc' beside 0 (x = tan x ≈ ±4.4934).
    output_range=Interval(-0.2172336282112217, 1.0, lo_closed=True, hi_closed=True),
    limits=(0.0, 0.0),
    dlimits=(0.0, 0.0),
    monotonic=False, symmetry="even",
    xlim=(-12.0, 12.0),
)


def sinusoid(x: Array) -> Array:
    """sin(x)."""
    return np.sin(x)


def sinusoid_grad(x: Array) -> Array:
    """cos(x)."""
    return np.cos(x)


def sinusoid_grad2(x: Array) -> Array:
    """−sin(x)."""
    return -np.sin(x)


SINUSOID = Spec(
    name="sinusoid", aliases=("sin", "sine"),
    summary="sin(x), periodic",
    f=sinusoid, df=sinusoid_grad, d2f=sinusoid_grad2,
    latex=r"$f(x)=\sin x$",
    dlatex=r"$f'(x)=\cos x$",
    text="f(x) = sin(x)",
    dtext="f'(x) = cos(x)",
    output_range=Interval(-1.0, 1.0, lo_closed=True, hi_closed=True),
    limits=(math.nan, math.nan),
    dlimits=(math.nan, math.nan),
    monotonic=False, symmetry="odd",
    xlim=(-2 * math.pi, 2 * math.pi),
)


def _snake_sin_cos(x: Array, a: float) -> tuple[Array, Array]:
    """sin(ax), cos(ax); where ax overflows, the phase is unknowable in double
    precision and 0 is used (f = x is then still right to the last ulp)."""
    ax = a * x
    ax = np.where(np.isfinite(ax), ax, 0.0)
    return np.sin(ax), np.cos(ax)


def snake(x: Array, a: float) -> Array:
    r"""x + sin²(ax)/a, formed as x + sin(ax)·(sin(ax)/a) so a tiny `a`
    gives ≈ x + a·x² instead of underflowing sin² to 0."""
    s, _ = _snake_sin_cos(x, a)
    return x + s * (s / a)


def snake_grad(x: Array, a: float) -> Array:
    r"""1 + sin(2ax) = (sin(ax) + cos(ax))².

    Near its zeros 1 + sin(2ax) cancels against the rounding of sin ≈ −1;
    the square of a sum loses 10× less there, and 2ax itself cannot overflow.
    """
    s, c = _snake_sin_cos(x, a)
    return (s + c) ** 2


def snake_grad2(x: Array, a: float) -> Array:
    r"""2a·cos(2ax) = 2a·(cos ax − sin ax)(cos ax + sin ax), from the same
    sin(ax), cos(ax) as f' (2ax itself may overflow)."""
    s, c = _snake_sin_cos(x, a)
    return 2.0 * (c - s) * (c + s) * a


SNAKE = Spec(
    name="snake",
    summary="x + sin²(ax)/a, periodic inductive bias",
    f=snake, df=snake_grad, d2f=snake_grad2,
    latex=r"$f(x)=x+\frac{1}{a}\sin^2(ax)$",
    dlatex=r"$f'(x)=1+\sin(2ax)$",
    text="f(x) = x + sin(a·x)^2 / a",
    dtext="f'(x) = 1 + sin(2a·x)",
    params=(positive("a", 1.0, "frequency"),),
    output_range=Interval(-math.inf, math.inf),
    limits=(-math.inf, math.inf),
    dlimits=(math.nan, math.nan),
    xlim=(-6.0, 6.0),
    reference="Ziyin et al. 2020",
)


def _scaled_hypot(x: Array, a: float) -> tuple[Array, Array]:
    """m = max(|x|, a) and r = hypot(x/m, a/m) ∈ [1, √2], so that
    hypot(x, a) = m·r is never formed where it would overflow."""
    m = np.maximum(np.abs(x), a)
    return m, np.hypot(x / m, a / m)


def multiquadratic(x: Array, a: float) -> Array:
    """√(x² + a²) = hypot(x, a), the multiquadric radial basis function
    (hypot overflows only where the value does)."""
    return np.hypot(x, a)


def multiquadratic_grad(x: Array, a: float) -> Array:
    """x/√(x² + a²), as (x/m)/r with m, r from :func:`_scaled_hypot`."""
    m, r = _scaled_hypot(x, a)
    return (x / m) / r


def multiquadratic_grad2(x: Array, a: float) -> Array:
    """a²/(x² + a²)^{3/2} = ((a/m)/r)²/r/m: the division by m last, so the
    result rounds into the subnormal range only at its last step."""
    m, r = _scaled_hypot(x, a)
    s = (a / m) / r
    return s * s / r / m


MULTIQUADRATIC = Spec(
    name="multiquadratic", aliases=("multiquadric",),
    summary="Multiquadric radial basis function √(x² + a²)",
    f=multiquadratic, df=multiquadratic_grad, d2f=multiquadratic_grad2,
    latex=r"$f(x)=\sqrt{x^2+a^2}$",
    dlatex=r"$f'(x)=\dfrac{x}{\sqrt{x^2+a^2}}$",
    text="f(x) = sqrt(x^2 + a^2)",
    dtext="f'(x) = x / sqrt(x^2 + a^2)",
    params=(positive("a", 1.0, "the value at 0, and the width of the bend"),),
    output_range=lambda p: Interval(p["a"], math.inf, lo_closed=True),
    limits=(math.inf, math.inf),
    dlimits=(-1.0, 1.0),
    monotonic=False, symmetry="even",
    reference="Hardy 1971 (multiquadric); as an activation, e.g. Wikipedia's table",
)


def inverse_multiquadratic(x: Array, a: float) -> Array:
    r"""1/√(x² + a²): ISRU without its x (ISRU(x) = x·f(x) for a = 1/√α, up
    to the factor a).  Formed as (1/m)/r, m and r from :func:`_scaled_hypot`
    (hypot(x, a) overflows for x, a near 1.8e308, where 1/hypot is a
    subnormal); as 1/(m·r) for m < 1, where 1/m may overflow and the result
    not."""
    m, r = _scaled_hypot(x, a)
    return np.where(m >= 1.0, (1.0 / np.maximum(m, 1.0)) / r, 1.0 / (np.minimum(m, 1.0) * r))


def inverse_multiquadratic_grad(x: Array, a: float) -> Array:
    """−x/(x² + a²)^{3/2} = −(x/h)·f·f, h = √(x² + a²), x/h from the scaled
    hypot (|x/h| ≤ 1, so nothing overflows)."""
    m, r = _scaled_hypot(x, a)
    f = inverse_multiquadratic(x, a)
    f = np.where(x == 0, 0.0, f)  # f' = 0 there, even where f itself overflows (a = 5e−324)
    return -((x / m) / r) * f * f


def inverse_multiquadratic_grad2(x: Array, a: float) -> Array:
    r"""(2x² − a²)/(x² + a²)^{5/2} = (2(x/h)² − (a/h)²)·f³, h = √(x² + a²),
    with x/h and a/h from the scaled hypot (≤ 1, no overflow)."""
    m, r = _scaled_hypot(x, a)
    u, v = (x / m) / r, (a / m) / r
    f = inverse_multiquadratic(x, a)
    return (2.0 * u * u - v * v) * f * f * f


INVERSE_MULTIQUADRATIC = Spec(
    name="inverse_multiquadratic", aliases=("inverse_multiquadric", "imq"),
    summary="Inverse multiquadric 1/√(x² + a²), the bump of the inverse square root unit",
    f=inverse_multiquadratic, df=inverse_multiquadratic_grad, d2f=inverse_multiquadratic_grad2,
    latex=r"$f(x)=\dfrac{1}{\sqrt{x^2+a^2}}$",
    dlatex=r"$f'(x)=-\dfrac{x}{(x^2+a^2)^{3/2}}$",
    text="f(x) = 1 / sqrt(x^2 + a^2)",
    dtext="f'(x) = -x / (x^2 + a^2)^(3/2)",
    params=(positive("a", 1.0, "1/a is the peak at 0, a the width"),),
    output_range=lambda p: Interval(0.0, 1.0 / p["a"], hi_closed=True),
    limits=(0.0, 0.0),
    dlimits=(0.0, 0.0),
    monotonic=False, symmetry="even",
    reference="Hardy 1971, Micchelli 1986 (radial basis functions); ISRU: Carlile et al. 2017",
)
