"""Rectifiers: the identity on the right, something simpler on the left.

ReLU and its piecewise-linear variants, the exponential units (ELU, SELU,
CELU) and ISRLU, and the capped and squared ReLUs.
"""
from __future__ import annotations

import math
import sys
from fractions import Fraction
from typing import Any, Callable, Mapping

import numpy as np
import numpy.typing as npt

from .core import Array, Constraint, Interval, Parameter, Spec, positive
from .kernels import EXP_SUBNORMAL, heaviside, times_exp, zero_grad
from .sigmoid_like import hardtanh, hardtanh_grad, isru, isru_grad, isru_grad2


def relu(x: Array) -> Array:
    """max(0, x)."""
    return np.maximum(x, 0.0)


def relu_grad(x: Array) -> Array:
    """1 for x > 0, else 0 (PyTorch: relu'(0) = 0)."""
    return heaviside(x, right=False)


RELU = Spec(
    name="relu",
    summary="Rectified linear unit, max(0, x)",
    f=relu, df=relu_grad, d2f=zero_grad,
    latex=r"$f(x)=\max(0,x)$",
    dlatex=r"$f'(x)=1$ if $x>0$, else $0$",
    text="f(x) = max(0, x)",
    dtext="f'(x) = 1 if x > 0 else 0   (f'(0) = 0, as PyTorch)",
    output_range=Interval(0.0, math.inf, lo_closed=True),
    limits=(0.0, math.inf),
    dlimits=(0.0, 1.0),
    kinks=(0.0,), df_at_kinks={0.0: 0.0},
    continuity="C0",
    torch="torch.nn.ReLU()",
    reference="Nair & Hinton 2010",
)


def _piecewise_slope(x: Array, negative_slope: float) -> Array:
    """x for x > 0, negative_slope·x for x ≤ 0."""
    return np.where(x > 0, x, negative_slope * x)


def _leaky_range(slope: float) -> Interval:
    if slope > 0:
        return Interval(-math.inf, math.inf)
    return Interval(0.0, math.inf, lo_closed=True)


def _line_limit(slope: float) -> float:
    """The limit of slope·x as x → +∞."""
    return math.copysign(math.inf, slope) if slope else 0.0


def _kink_if(cond: bool, point: float) -> tuple[float, ...]:
    return (point,) if cond else ()


def _slope_spec(*, name: str, summary: str, f: Callable[..., Array], df: Callable[..., Array],
                slope: Callable[[Mapping[str, Any]], float], slope_name: str, params: tuple[Parameter, ...],
                torch: str, aliases: tuple[str, ...] = (), constraints: tuple[Constraint, ...] = (),
                presets: Mapping[str, Mapping[str, Any]] | None = None, reference: str = "",
                training_slopes: Any = None) -> Spec:
    """A ReLU whose negative part is a straight line of slope `slope(p)`."""
    return Spec(
        name=name, summary=summary, f=f, df=df, d2f=zero_grad,
        latex=r"$f(x)=\max(0,x)+a\,\min(0,x)$",
        dlatex=r"$f'(x)=1$ if $x>0$, else $a$",
        text=f"f(x) = x if x > 0 else {slope_name}·x",
        dtext=f"f'(x) = 1 if x > 0 else {slope_name}   (f'(0) = {slope_name}, as PyTorch)",
        output_range=lambda p: _leaky_range(slope(p)),
        limits=lambda p: (_line_limit(-slope(p)), math.inf),
        dlimits=lambda p: (slope(p), 1.0),
        params=params, constraints=constraints, presets=presets or {}, aliases=aliases, torch=torch,
        kinks=lambda p: _kink_if(slope(p) != 1, 0.0),
        df_at_kinks=lambda p: {0.0: slope(p)},
        monotonic=lambda p: slope(p) >= 0,
        continuity=lambda p: "C∞" if slope(p) == 1 else "C0",
        symmetry=lambda p: "odd" if slope(p) == 1 else "none",
        training_slopes=training_slopes,
        reference=reference,
    )


def leaky_relu(x: Array, negative_slope: float) -> Array:
    """x for x > 0, negative_slope·x otherwise."""
    return _piecewise_slope(x, negative_slope)


def leaky_relu_grad(x: Array, negative_slope: float) -> Array:
    """1 for x > 0, negative_slope for x ≤ 0 (PyTorch's value at 0)."""
    return np.where(x > 0, 1.0, negative_slope)


LEAKY_RELU = _slope_spec(
    name="leaky_relu", aliases=("leakyrelu", "leaky"),
    summary="Leaky ReLU, a small slope for x < 0",
    f=leaky_relu, df=leaky_relu_grad, slope=lambda p: p["negative_slope"], slope_name="negative_slope",
    params=(Parameter("negative_slope", 0.01, "slope for x < 0"),),
    presets={"keras": {"negative_slope": 0.2}},
    torch="torch.nn.LeakyReLU(negative_slope={negative_slope})",
    reference="Maas et al. 2013",
)


def prelu(x: Array, weight: float) -> Array:
    """x for x > 0, weight·x otherwise (one shared learnable weight)."""
    return _piecewise_slope(x, weight)


def prelu_grad(x: Array, weight: float) -> Array:
    """1 for x > 0, weight for x ≤ 0."""
    return np.where(x > 0, 1.0, weight)


PRELU = _slope_spec(
    name="prelu",
    summary="Parametric ReLU, a learnable slope for x < 0",
    f=prelu, df=prelu_grad, slope=lambda p: p["weight"], slope_name="weight",
    params=(Parameter("weight", 0.25, "learnable slope for x < 0 (its initial value)"),),
    torch="torch.nn.PReLU(init={weight})",
    reference="He et al. 2015",
)


def rrelu_slope(lower: float, upper: float) -> float:
    """The mean slope (lower + upper)/2; lower/2 + upper/2 where the sum
    overflows (both near 1.8e308)."""
    mean = (lower + upper) / 2
    return mean if math.isfinite(mean) else lower / 2 + upper / 2


def rrelu(x: Array, lower: float, upper: float) -> Array:
    """Evaluation-mode RReLU: leaky ReLU with the mean slope (lower + upper)/2."""
    return _piecewise_slope(x, rrelu_slope(lower, upper))


def rrelu_grad(x: Array, lower: float, upper: float) -> Array:
    return np.where(x > 0, 1.0, rrelu_slope(lower, upper))


RRELU = _slope_spec(
    name="rrelu",
    summary="Randomised leaky ReLU in evaluation mode (mean slope)",
    f=rrelu, df=rrelu_grad, slope=lambda p: rrelu_slope(p["lower"], p["upper"]), slope_name="(lower + upper)/2",
    params=(Parameter("lower", 1 / 8, "lower bound of the random slope"),
            Parameter("upper", 1 / 3, "upper bound of the random slope")),
    constraints=(Constraint(lambda p: p["lower"] <= p["upper"],
                            "lower ({lower:g}) must not exceed upper ({upper:g})"),),
    torch="torch.nn.RReLU(lower={lower}, upper={upper}).eval()",
    training_slopes=lambda p: (p["lower"], p["upper"]),
    reference="Xu et al. 2015",
)


_ALPHA = positive("alpha", 1.0, "scale of the negative saturation")


def elu(x: Array, alpha: float) -> Array:
    r"""x for x > 0, α·(eˣ − 1) otherwise.

    expm1 keeps eˣ − 1 exact for small |x|; evaluating it on min(x, 0) means
    exp never sees the discarded large positive branch.
    """
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0.0)))


def elu_grad(x: Array, alpha: float) -> Array:
    """1 for x > 0, α·eˣ for x ≤ 0 (PyTorch: elu'(0) = α); α·eˣ by
    :func:`times_exp` where eˣ is subnormal, since a large α lifts it back."""
    xn = np.minimum(x, 0.0)
    left = np.where(xn < EXP_SUBNORMAL, times_exp(alpha, xn), alpha * np.exp(xn))
    return np.where(x > 0, 1.0, left)


def elu_grad2(x: Array, alpha: float) -> Array:
    """0 for x > 0, α·eˣ for x ≤ 0: at the kink elu'' takes the side elu'
    takes (elu''(0) = α)."""
    return np.where(x > 0, 0.0, elu_grad(x, alpha))


ELU = Spec(
    name="elu",
    summary="Exponential linear unit, smooth negative saturation at −α",
    f=elu, df=elu_grad, d2f=elu_grad2,
    latex=r"$f(x)=x$ if $x>0$, else $\alpha\,(e^{x}-1)$",
    dlatex=r"$f'(x)=1$ if $x>0$, else $\alpha\,e^{x}$",
    text="f(x) = x if x > 0 else alpha·(exp(x) - 1)",
    dtext="f'(x) = 1 if x > 0 else alpha·exp(x)   (f'(0) = alpha, as PyTorch)",
    params=(_ALPHA,),
    output_range=lambda p: Interval(-p["alpha"], math.inf),
    limits=lambda p: (-p["alpha"], math.inf),
    dlimits=(0.0, 1.0),
    kinks=lambda p: _kink_if(p["alpha"] != 1, 0.0), df_at_kinks=lambda p: {0.0: p["alpha"]},
    smooth_breaks=lambda p: _kink_if(p["alpha"] == 1, 0.0),
    continuity=lambda p: "C1" if p["alpha"] == 1 else "C0",
    torch="torch.nn.ELU(alpha={alpha})",
    reference="Clevert et al. 2016",
)


SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def selu(x: Array) -> Array:
    """λ·elu(x, α) with the self-normalising constants of Klambauer et al.
    (α ≈ 1.6733, λ ≈ 1.0507)."""
    return SELU_SCALE * elu(x, SELU_ALPHA)


def selu_grad(x: Array) -> Array:
    """λ for x > 0, λ·α·eˣ for x ≤ 0 (PyTorch: selu'(0) = λα ≈ 1.7581)."""
    return SELU_SCALE * elu_grad(x, SELU_ALPHA)


def selu_grad2(x: Array) -> Array:
    """0 for x > 0, λ·α·eˣ for x ≤ 0 (selu''(0) = λα, the side of selu')."""
    return SELU_SCALE * elu_grad2(x, SELU_ALPHA)


SELU = Spec(
    name="selu",
    summary="Scaled ELU with self-normalising constants λ ≈ 1.0507, α ≈ 1.6733",
    f=selu, df=selu_grad, d2f=selu_grad2,
    latex=r"$f(x)=\lambda x$ if $x>0$, else $\lambda\alpha(e^{x}-1)$",
    dlatex=r"$f'(x)=\lambda$ if $x>0$, else $\lambda\alpha e^{x}$",
    text="f(x) = scale·x if x > 0 else scale·alpha·(exp(x) - 1)",
    dtext="f'(x) = scale if x > 0 else scale·alpha·exp(x)   (f'(0) = scale·alpha)",
    output_range=Interval(-SELU_SCALE * SELU_ALPHA, math.inf),
    limits=(-SELU_SCALE * SELU_ALPHA, math.inf),
    dlimits=(0.0, SELU_SCALE),
    kinks=(0.0,), df_at_kinks={0.0: SELU_SCALE * SELU_ALPHA},
    continuity="C0",
    torch="torch.nn.SELU()",
    reference="Klambauer et al. 2017",
)


def celu(x: Array, alpha: float) -> Array:
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


def celu_grad(x: Array, alpha: float) -> Array:
    """1 for x > 0, e^{x/α} for x ≤ 0 (so celu'(0) = 1)."""
    t = np.maximum(np.minimum(x, 0.0), -800.0 * alpha) / alpha
    return np.where(x > 0, 1.0, np.exp(t))


def celu_grad2(x: Array, alpha: float) -> Array:
    r"""0 for x > 0, e^{x/α}/α for x ≤ 0 (celu''(0) = 1/α, the side celu'
    takes; celu' is continuous at 0, celu'' jumps).

    celu' is divided by α rather than multiplied by 1/α, which overflows for
    a subnormal α where e^{x/α}/α need not.
    """
    return np.where(x > 0, 0.0, celu_grad(x, alpha)) / alpha


CELU = Spec(
    name="celu",
    summary="Continuously differentiable ELU",
    f=celu, df=celu_grad, d2f=celu_grad2,
    latex=r"$f(x)=x$ if $x>0$, else $\alpha\,(e^{x/\alpha}-1)$",
    dlatex=r"$f'(x)=1$ if $x>0$, else $e^{x/\alpha}$",
    text="f(x) = max(0, x) + min(0, alpha·(exp(x/alpha) - 1))",
    dtext="f'(x) = 1 if x > 0 else exp(x/alpha)",
    params=(_ALPHA,),
    output_range=lambda p: Interval(-p["alpha"], math.inf),
    limits=lambda p: (-p["alpha"], math.inf),
    dlimits=(0.0, 1.0),
    smooth_breaks=(0.0,), df_at_kinks={0.0: 1.0},
    continuity="C1",
    torch="torch.nn.CELU(alpha={alpha})",
    reference="Barron 2017",
)


def isrlu(x: Array, alpha: float) -> Array:
    """x for x ≥ 0, ISRU for x < 0."""
    return np.where(x >= 0, x, isru(x, alpha))


def isrlu_grad(x: Array, alpha: float) -> Array:
    return np.where(x >= 0, 1.0, isru_grad(x, alpha))


def isrlu_grad2(x: Array, alpha: float) -> Array:
    """0 for x ≥ 0, isru'' for x < 0 (both are 0 at 0: isrlu is C²)."""
    return np.where(x >= 0, 0.0, isru_grad2(x, alpha))


ISRLU = Spec(
    name="isrlu",
    summary="Inverse square root linear unit",
    f=isrlu, df=isrlu_grad, d2f=isrlu_grad2,
    latex=r"$f(x)=x$ if $x\geq0$, else $x/\sqrt{1+\alpha x^2}$",
    dlatex=r"$f'(x)=1$ if $x\geq0$, else $(1+\alpha x^2)^{-3/2}$",
    text="f(x) = x if x >= 0 else x / sqrt(1 + alpha·x^2)",
    dtext="f'(x) = 1 if x >= 0 else (1 + alpha·x^2)^(-3/2)",
    params=(positive("alpha", 1.0, "negative saturation at −1/√α"),),
    output_range=lambda p: Interval(-p["alpha"] ** -0.5, math.inf),
    limits=lambda p: (-p["alpha"] ** -0.5, math.inf),
    dlimits=(0.0, 1.0),
    smooth_breaks=(0.0,),
    continuity="C2",
    reference="Carlile et al. 2017",
)


def relu6(x: Array) -> Array:
    """min(max(0, x), 6)."""
    return hardtanh(x, 0.0, 6.0)


def relu6_grad(x: Array) -> Array:
    """1 on (0, 6), 0 elsewhere (PyTorch: 0 at both kinks)."""
    return hardtanh_grad(x, 0.0, 6.0)


RELU6 = Spec(
    name="relu6",
    summary="ReLU capped at 6",
    f=relu6, df=relu6_grad, d2f=zero_grad,
    latex=r"$f(x)=\min(\max(0,x),6)$",
    dlatex=r"$f'(x)=1$ if $0<x<6$, else $0$",
    text="f(x) = min(max(0, x), 6)",
    dtext="f'(x) = 1 if 0 < x < 6 else 0",
    output_range=Interval(0.0, 6.0, lo_closed=True, hi_closed=True),
    limits=(0.0, 6.0),
    dlimits=(0.0, 0.0),
    kinks=(0.0, 6.0), df_at_kinks={0.0: 0.0, 6.0: 0.0},
    continuity="C0",
    xlim=(-3.0, 9.0),
    torch="torch.nn.ReLU6()",
)


def hardswish(x: Array) -> Array:
    """x·relu6(x + 3)/6, and x itself for x > 3 (where x·6 would overflow
    for x > 3e307)."""
    return np.where(x > 3.0, x, x * relu6(x + 3.0) / 6.0)


def hardswish_grad(x: Array) -> Array:
    r"""0 for x < −3, (2x + 3)/6 for −3 ≤ x ≤ 3, 1 for x > 3.

    These are PyTorch's sides (−1/2 at −3, 3/2 at 3).  (2x + 3)/6 is exact
    near its root −3/2, where x/3 + 1/2 would cancel.
    """
    inner = (2.0 * x + 3.0) / 6.0
    return np.where(x < -3.0, 0.0, np.where(x <= 3.0, inner, 1.0))


def hardswish_grad2(x: Array) -> Array:
    """1/3 on [−3, 3], 0 outside: at ±3 the side hardswish' takes (the
    middle piece).  f'' of the outer linear pieces is 0."""
    return np.where((x >= -3.0) & (x <= 3.0), 1.0 / 3.0, 0.0)


HARDSWISH = Spec(
    name="hardswish", aliases=("hard_swish", "hard_silu", "hardsilu"),
    summary="Piecewise-quadratic swish, x·relu6(x + 3)/6",
    f=hardswish, df=hardswish_grad, d2f=hardswish_grad2,
    latex=r"$f(x)=x\,\mathrm{relu6}(x+3)/6$",
    dlatex=r"$f'(x)=(2x+3)/6$ on $[-3,3]$, $0$ left, $1$ right",
    text="f(x) = x·min(max(0, x + 3), 6) / 6",
    dtext="f'(x) = 0 if x < -3, (2x + 3)/6 if -3 <= x <= 3, 1 if x > 3",
    output_range=Interval(-0.375, math.inf, lo_closed=True),
    limits=(0.0, math.inf),
    dlimits=(0.0, 1.0),
    kinks=(-3.0, 3.0), df_at_kinks={-3.0: -0.5, 3.0: 1.5},
    monotonic=False, continuity="C0",
    xlim=(-6.0, 6.0),
    torch="torch.nn.Hardswish()",
    reference="Howard et al. 2019",
)


def squared_relu(x: Array) -> Array:
    """max(0, x)² (Primer)."""
    return relu(x) ** 2


def squared_relu_grad(x: Array) -> Array:
    """2·max(0, x)."""
    return 2.0 * relu(x)


def squared_relu_grad2(x: Array) -> Array:
    """2 for x > 0, 0 for x ≤ 0 (squared_relu''(0) = 0, like relu'(0); f' is
    continuous there, f'' jumps)."""
    return 2.0 * relu_grad(x)


SQUARED_RELU = Spec(
    name="squared_relu", aliases=("relu2", "relu_squared"),
    summary="max(0, x)²",
    f=squared_relu, df=squared_relu_grad, d2f=squared_relu_grad2,
    latex=r"$f(x)=\max(0,x)^2$",
    dlatex=r"$f'(x)=2\max(0,x)$",
    text="f(x) = max(0, x)^2",
    dtext="f'(x) = 2·max(0, x)",
    output_range=Interval(0.0, math.inf, lo_closed=True),
    limits=(0.0, math.inf),
    dlimits=(0.0, math.inf),
    d2limits=(0.0, 2.0),
    smooth_breaks=(0.0,),
    continuity="C1",
    xlim=(-3.0, 3.0),
    reference="So et al. 2021 (Primer)",
)


def abs_(x: Array) -> Array:
    """|x| (absolute-value rectification)."""
    return np.abs(x)


def abs_grad(x: Array) -> Array:
    """sign(x): −1, 1, and 0 at the kink (PyTorch's abs backward, sgn(0) = 0)."""
    return np.sign(x)


ABS = Spec(
    name="abs", aliases=("absolute",),
    summary="Absolute value |x|",
    f=abs_, df=abs_grad, d2f=zero_grad,
    latex=r"$f(x)=|x|$",
    dlatex=r"$f'(x)=\mathrm{sign}(x)$",
    text="f(x) = |x|",
    dtext="f'(x) = sign(x)   (f'(0) = 0, as PyTorch)",
    output_range=Interval(0.0, math.inf, lo_closed=True),
    limits=(math.inf, math.inf),
    dlimits=(-1.0, 1.0),
    kinks=(0.0,), df_at_kinks={0.0: 0.0},
    monotonic=False, continuity="C0", symmetry="even",
    reference="Jarrett et al. 2009 (absolute value rectification)",
)


def brelu(x: Array, unit: str) -> Array:
    r"""Bipolar ReLU: max(0, x) on even units, −max(0, −x) = min(0, x) on odd.

    Eidnes & Nøkland apply ReLU to every other unit of a layer and its
    point reflection to the rest, so that the layer's mean output stays
    near 0; `unit` picks which of the two this function is.
    """
    return np.maximum(x, 0.0) if unit == "even" else np.minimum(x, 0.0)


def brelu_grad(x: Array, unit: str) -> Array:
    """1 on the open side, 0 elsewhere: relu'(0) = 0 on both kinds of unit."""
    return heaviside(x, right=False) if unit == "even" else heaviside(-x, right=False)


def _brelu_grad2(x: Array, unit: str) -> Array:
    return zero_grad(x)


BRELU = Spec(
    name="brelu", aliases=("bipolar_relu",),
    summary="Bipolar ReLU: max(0, x) on even units, min(0, x) on odd ones",
    f=brelu, df=brelu_grad, d2f=_brelu_grad2,
    latex=r"$f(x)=\max(0,x)$ (even units), $-\max(0,-x)$ (odd units)",
    dlatex=r"$f'(x)=1$ if $x>0$ (even), $x<0$ (odd), else $0$",
    text="f(x) = max(0, x) on even units, -max(0, -x) = min(0, x) on odd units",
    dtext="f'(x) = 1 if x > 0 (even units) or x < 0 (odd units), else 0   (f'(0) = 0)",
    params=(Parameter("unit", "even", "which units: 'even' (ReLU) or 'odd' (its reflection)",
                      choices=("even", "odd")),),
    output_range=lambda p: (Interval(0.0, math.inf, lo_closed=True) if p["unit"] == "even"
                            else Interval(-math.inf, 0.0, hi_closed=True)),
    limits=lambda p: (0.0, math.inf) if p["unit"] == "even" else (-math.inf, 0.0),
    dlimits=lambda p: (0.0, 1.0) if p["unit"] == "even" else (1.0, 0.0),
    kinks=(0.0,), df_at_kinks={0.0: 0.0},
    continuity="C0",
    reference="Eidnes & Nøkland 2018",
)


def star_relu(x: Array, scale: float, bias: float) -> Array:
    r"""s·max(0, x)² + b (MetaFormer's StarReLU).

    s·x² is formed as (x·x)·s, and as (s·x)·x where x² overflows
    (|x| > 1e154): x·x would be inf where s·x² is not (s = 0.8944), and
    s·x first would round a subnormal s·x (s = 5e−324) before x magnified
    its error.
    """
    r = np.maximum(x, 0.0)
    square = np.where(r < 1e154, (r * r) * scale, (scale * r) * r)
    return square + bias


def star_relu_grad(x: Array, scale: float, bias: float) -> Array:
    """2s·max(0, x), formed as 2·(max(0, x)·s): 2s or 2x alone may overflow
    where the product does not, and doubling is exact."""
    return 2.0 * (np.maximum(x, 0.0) * scale)


def star_relu_grad2(x: Array, scale: float, bias: float) -> Array:
    """2s for x > 0, 0 for x ≤ 0 (f' is continuous at 0, f'' jumps; f''(0) =
    0, like squared_relu''(0))."""
    return np.where(x > 0, 2.0 * scale, 0.0)


STAR_RELU = Spec(
    name="star_relu", aliases=("starrelu",),
    summary="Scaled and shifted squared ReLU, s·max(0, x)² + b (MetaFormer)",
    f=star_relu, df=star_relu_grad, d2f=star_relu_grad2,
    latex=r"$f(x)=s\,\max(0,x)^2+b$",
    dlatex=r"$f'(x)=2s\,\max(0,x)$",
    text="f(x) = scale·max(0, x)^2 + bias",
    dtext="f'(x) = 2·scale·max(0, x)",
    params=(positive("scale", 0.8944, "s, MetaFormer's 1/sqrt(1.25)"),
            Parameter("bias", -0.4472, "b, MetaFormer's -sqrt(0.2)")),
    output_range=lambda p: Interval(p["bias"], math.inf, lo_closed=True),
    limits=lambda p: (p["bias"], math.inf),
    dlimits=(0.0, math.inf),
    d2limits=lambda p: (0.0, 2.0 * p["scale"]),
    smooth_breaks=(0.0,),
    continuity="C1",
    xlim=(-3.0, 3.0),
    reference="Yu et al. 2022 (MetaFormer Baselines); s and b as in its models",
)


def srelu(x: Array, t_left: float, a_left: float, t_right: float, a_right: float) -> Array:
    r"""S-shaped ReLU: t_r + a_r(x − t_r) for x ≥ t_r, x between, t_l +
    a_l(x − t_l) for x ≤ t_l.

    x − t is exact beside each kink (Sterbenz), so the outer pieces start
    from their kink without cancellation.
    """
    right = t_right + a_right * (x - t_right)
    left = t_left + a_left * (x - t_left)
    return np.where(x >= t_right, right, np.where(x <= t_left, left, x))


def srelu_grad(x: Array, t_left: float, a_left: float, t_right: float, a_right: float) -> Array:
    """a_r for x ≥ t_r, 1 between, a_l for x ≤ t_l: at each kink the outer
    piece's slope, as the paper's ≥ and ≤ assign them."""
    return np.where(x >= t_right, a_right, np.where(x <= t_left, a_left, 1.0))


def _srelu_grad2(x: Array, t_left: float, a_left: float, t_right: float, a_right: float) -> Array:
    return zero_grad(x)


def _srelu_kinks(p: Mapping[str, Any]) -> tuple[float, ...]:
    return (*_kink_if(p["a_left"] != 1, p["t_left"]), *_kink_if(p["a_right"] != 1, p["t_right"]))


_SLOPE: dict[str, Any] = dict(valid=lambda v: 0 <= v < math.inf, domain="a finite number >= 0")

SRELU = Spec(
    name="srelu",
    summary="S-shaped ReLU: three lines, slopes a_l, 1, a_r, kinks at t_l, t_r",
    f=srelu, df=srelu_grad, d2f=_srelu_grad2,
    latex=r"$f(x)=t_l+a_l(x-t_l)$, $x$, $t_r+a_r(x-t_r)$ on $x\leq t_l$, between, $x\geq t_r$",
    dlatex=r"$f'(x)=a_l$, $1$, $a_r$ on $x\leq t_l$, $t_l<x<t_r$, $x\geq t_r$",
    text="f(x) = t_l + a_l(x - t_l) if x <= t_l, x if t_l < x < t_r, t_r + a_r(x - t_r) if x >= t_r",
    dtext="f'(x) = a_l if x <= t_l, 1 if t_l < x < t_r, a_r if x >= t_r",
    params=(Parameter("t_left", -1.0, "left kink t_l"),
            Parameter("a_left", 0.1, "slope left of t_l", **_SLOPE),
            Parameter("t_right", 1.0, "right kink t_r"),
            Parameter("a_right", 0.1, "slope right of t_r", **_SLOPE)),
    constraints=(Constraint(lambda p: p["t_left"] < p["t_right"],
                            "t_left ({t_left:g}) must be below t_right ({t_right:g})"),),
    output_range=lambda p: Interval(-math.inf if p["a_left"] else p["t_left"],
                                    math.inf if p["a_right"] else p["t_right"],
                                    lo_closed=not p["a_left"], hi_closed=not p["a_right"]),
    limits=lambda p: (-math.inf if p["a_left"] else p["t_left"], math.inf if p["a_right"] else p["t_right"]),
    dlimits=lambda p: (p["a_left"], p["a_right"]),
    kinks=_srelu_kinks,
    df_at_kinks=lambda p: {p["t_left"]: p["a_left"], p["t_right"]: p["a_right"]},
    continuity=lambda p: "C0" if _srelu_kinks(p) else "C∞",
    symmetry=lambda p: "odd" if p["t_left"] == -p["t_right"] and p["a_left"] == p["a_right"] else "none",
    xlim=lambda p: (p["t_left"] - 2.0, p["t_right"] + 2.0),
    reference="Jin et al. 2016 (paper: all four learned per channel; these defaults draw the S)",
)


def _line(x: Array, w: float, b: float) -> Array:
    r"""w·x + b in two roundings; where w·x (or the sum) overflows, as
    2·((w/2)·x + b/2), which halving makes exact and finite wherever w·x + b
    itself is (w = 2, b = −1.8e308 at x = 1.3e308: w·x alone is beyond the
    double range, the sum is not).

    Where w·x and b cancel, the rounding of w·x costs up to ½ ulp(w·x), that
    is (1 + κ)/2 ulps of the result with κ = |w·x/(w·x + b)|, the piece's
    own condition number: no fused multiply-add is needed for the accuracy
    the registry promises.
    """
    direct = w * x + b
    return np.where(np.isfinite(direct), direct, 2.0 * ((0.5 * w) * x + 0.5 * b))


def _crossing(w1: float, b1: float, w2: float, b2: float) -> float:
    """Where the pieces cross, x* = (b2 − b1)/(w1 − w2) (w1 ≠ w2), correctly
    rounded: in rational arithmetic, so that every double but x* itself lies
    on the same side of x* as of the true crossing.  ±inf where the pieces
    cross beyond the double range."""
    exact = (Fraction(b2) - Fraction(b1)) / (Fraction(w1) - Fraction(w2))
    try:
        return float(exact)
    except OverflowError:
        return math.inf if exact > 0 else -math.inf


def _first_active(x: Array, w1: float, b1: float, w2: float, b2: float) -> npt.NDArray[np.bool_]:
    """Where w1·x + b1 ≥ w2·x + b2 in exact arithmetic: right of the crossing
    when w1 > w2, left of it when w1 < w2, everywhere or nowhere when the
    pieces are parallel.  At the double x* nearest the crossing, by the sign
    of the exact difference there."""
    if w1 == w2:
        return np.full(x.shape, b1 >= b2)
    crossing = _crossing(w1, b1, w2, b2)
    beyond = (x > crossing) == (w1 > w2)
    if not math.isfinite(crossing):
        return beyond
    at_crossing = (Fraction(w1) - Fraction(w2)) * Fraction(crossing) + Fraction(b1) - Fraction(b2) >= 0
    return np.where(x == crossing, at_crossing, beyond)


def _outer_pieces(w1: float, b1: float, w2: float, b2: float) -> tuple[float, float, float, float]:
    """(w, b) of the piece f follows towards −∞ (the smaller slope) and of
    the one towards +∞ (the larger): w_left, b_left, w_right, b_right.
    Parallel pieces: the upper line on both sides."""
    if w1 == w2:
        upper = max(b1, b2)
        return w1, upper, w1, upper
    (wl, bl), (wr, br) = sorted([(w1, b1), (w2, b2)])
    return wl, bl, wr, br


def _maxout_range(w1: float, b1: float, w2: float, b2: float) -> Interval:
    """f's values: convex and piecewise linear, f is bounded below exactly
    where no outer piece falls away to −∞.  With a falling left piece and a
    rising right one its least value is at the crossing,
    (w1·b2 − w2·b1)/(w1 − w2), a weighted mean of b1 and b2 (so finite),
    correctly rounded; with a flat outer piece it is that piece's b."""
    wl, bl, wr, br = _outer_pieces(w1, b1, w2, b2)
    if wl < 0 < wr:
        least = float((Fraction(w1) * Fraction(b2) - Fraction(w2) * Fraction(b1)) / (Fraction(w1) - Fraction(w2)))
        return Interval(least, math.inf, lo_closed=True)
    if wl == 0 or wr == 0:
        return Interval(bl if wl == 0 else br, math.inf, lo_closed=True)
    return Interval(-math.inf, math.inf)


def maxout(x: Array, w1: float, b1: float, w2: float, b2: float) -> Array:
    r"""max(w1·x + b1, w2·x + b2), the two-piece maxout unit of one input.

    Goodfellow et al.'s unit is the max of k learned pieces, a convex
    piecewise-linear function; two draw their Fig. 1's ReLU (the defaults)
    and |x| (w2 = −1).  More pieces are a formula of one's own, whose kinks
    are located numerically: ``actviz plot --expr "max(x, -x, 0.5*x + 1)"``.

    Which piece is active is decided exactly (:func:`_first_active`), not by
    comparing the rounded pieces: beside the crossing a steep inactive
    piece's rounding error, up to ½ ulp(w·x), can lift it above a flat
    active piece by far more than f's condition number (0 there) allows.
    Where the active piece is the steeper of the two (the larger |w|), the
    larger rounded piece is taken: the other's error is then within the
    active piece's condition number, and f stays non-decreasing across the
    crossing when both slopes are ≥ 0.  The result is never below f's least
    value, which a rounding next to the crossing would otherwise undercut.
    """
    first = _first_active(x, w1, b1, w2, b2)
    p1, p2 = _line(x, w1, b1), _line(x, w2, b2)
    active_is_steeper = np.where(first, abs(w1) >= abs(w2), abs(w2) >= abs(w1))
    value = np.where(active_is_steeper, np.maximum(p1, p2), np.where(first, p1, p2))
    return np.maximum(value, _maxout_range(w1, b1, w2, b2).lo)


def maxout_slope_at_crossing(w1: float, w2: float) -> float:
    """(w1 + w2)/2, as PyTorch forms it: ``torch.maximum`` gives each of two
    equal arguments half the gradient (tools/autograd/derivatives.yaml:
    ``self: at::where(self == other, grad / 2, grad).masked_fill_(self <
    other, 0)``, and likewise ``other``), and the chain rule multiplies each
    half by its piece's slope."""
    return w1 / 2 + w2 / 2


def maxout_grad(x: Array, w1: float, b1: float, w2: float, b2: float) -> Array:
    """The active piece's slope, and (w1 + w2)/2 at the crossing x*, as
    PyTorch gives wherever its two pieces are equal (at x* = 0 with b1 = b2,
    Goodfellow's ReLU and |x|; where the crossing is no double, PyTorch's
    rounded pieces are rarely equal at x*, and it gives one slope or the
    other there)."""
    slopes = np.where(_first_active(x, w1, b1, w2, b2), w1, w2)
    if w1 == w2:
        return slopes
    return np.where(x == _crossing(w1, b1, w2, b2), maxout_slope_at_crossing(w1, w2), slopes)


def _maxout_grad2(x: Array, w1: float, b1: float, w2: float, b2: float) -> Array:
    return zero_grad(x)


def _maxout_kinks(p: Mapping[str, Any]) -> tuple[float, ...]:
    """The crossing, where the slopes differ and it is a double."""
    if p["w1"] == p["w2"]:
        return ()
    crossing = _crossing(p["w1"], p["b1"], p["w2"], p["b2"])
    return _kink_if(math.isfinite(crossing), crossing)


def _maxout_symmetry(p: Mapping[str, Any]) -> str:
    """Odd: one line through 0; even: mirror-image pieces (|x| + b)."""
    if p["w1"] == p["w2"]:
        return "odd" if max(p["b1"], p["b2"]) == 0 else "none"
    return "even" if p["w1"] == -p["w2"] and p["b1"] == p["b2"] else "none"


def _maxout_xlim(p: Mapping[str, Any]) -> tuple[float, float]:
    """Centred on the kink, wide enough to show 0 too."""
    kinks = _maxout_kinks(p)
    if not kinks:
        return (-5.0, 5.0)
    half = max(5.0, abs(kinks[0]))
    return (max(kinks[0] - half, -sys.float_info.max), min(kinks[0] + half, sys.float_info.max))


def _end(w: float, b: float, direction: float) -> float:
    """The limit of w·x + b as x → direction·∞."""
    return math.copysign(math.inf, w * direction) if w else b


def _maxout_limits(p: Mapping[str, Any]) -> tuple[float, float]:
    wl, bl, wr, br = _outer_pieces(p["w1"], p["b1"], p["w2"], p["b2"])
    return _end(wl, bl, -1.0), _end(wr, br, 1.0)


def _maxout_dlimits(p: Mapping[str, Any]) -> tuple[float, float]:
    wl, _, wr, _ = _outer_pieces(p["w1"], p["b1"], p["w2"], p["b2"])
    return wl, wr


MAXOUT = Spec(
    name="maxout",
    summary="Maxout of two learned pieces, max(w₁x + b₁, w₂x + b₂) (ReLU by default)",
    f=maxout, df=maxout_grad, d2f=_maxout_grad2,
    latex=r"$f(x)=\max(w_1x+b_1,\,w_2x+b_2)$",
    dlatex=r"$f'(x)=w_1$ if $d>0$, $w_2$ if $d<0$, else $(w_1+w_2)/2$, $d=(w_1-w_2)x+b_1-b_2$",
    text="f(x) = max(w1·x + b1, w2·x + b2)",
    dtext="f'(x) = w1 if w1·x + b1 > w2·x + b2, w2 if w1·x + b1 < w2·x + b2, else (w1 + w2)/2   (as PyTorch)",
    params=(Parameter("w1", 1.0, "slope of the first piece"),
            Parameter("b1", 0.0, "intercept of the first piece"),
            Parameter("w2", 0.0, "slope of the second piece"),
            Parameter("b2", 0.0, "intercept of the second piece")),
    constraints=(Constraint(lambda p: p["w1"] != 0 or p["w2"] != 0,
                            "w1 and w2 must not both be 0: f would be the constant max(b1, b2)"),),
    output_range=lambda p: _maxout_range(p["w1"], p["b1"], p["w2"], p["b2"]),
    limits=_maxout_limits,
    dlimits=_maxout_dlimits,
    kinks=_maxout_kinks,
    df_at_kinks=lambda p: {k: maxout_slope_at_crossing(p["w1"], p["w2"]) for k in _maxout_kinks(p)},
    monotonic=lambda p: (True if min(p["w1"], p["w2"]) >= 0 else "decreasing" if max(p["w1"], p["w2"]) <= 0
                         else False),
    continuity=lambda p: "C∞" if p["w1"] == p["w2"] else "C0",
    symmetry=_maxout_symmetry,
    xlim=_maxout_xlim,
    pieces=lambda p: ((p["w1"], p["b1"]), (p["w2"], p["b2"])),
    torch="torch.maximum({w1} * x + {b1}, {w2} * x + {b2})",
    reference="Goodfellow et al. 2013 (Maxout Networks, Fig. 1: ReLU and |x| as two-piece maxouts)",
)


# xIELU's effective constants at transformers' initialisation (alpha_p_init,
# alpha_n_init = 0.8, beta = 0.5): α_p = softplus(p) = 0.8, α_n = β + softplus(n) = 0.8.
_XIELU_ALPHA_P, _XIELU_ALPHA_N, _XIELU_BETA = 0.8, 0.8, 0.5
# eˣ − 1 − x = Σ_{k≥2} xᵏ/k!, 20 terms to full precision on [−1, 0].
_EXPM1_MINUS_X_SERIES = [1.0 / math.factorial(k) for k in range(2, 22)]


def _expm1_minus_x(x: Array) -> Array:
    r"""eˣ − 1 − x for x ≤ 0: its Taylor series on [−1, 0], where expm1(x) − x
    cancels (to x²/2 as x → 0); expm1(x) − x beyond, where −x dominates."""
    near = np.maximum(x, -1.0)
    acc = np.zeros_like(near)
    for c in reversed(_EXPM1_MINUS_X_SERIES):
        acc = acc * near + c
    return np.where(x >= -1.0, acc * near * near, np.expm1(np.minimum(x, 0.0)) - x)


def xielu(x: Array) -> Array:
    r"""α_p·x² + β·x for x > 0, α_n·(eˣ − 1 − x) + β·x for x ≤ 0 (xIELU).

    The right side is x·(α_p·x + β), which overflows only where the value
    does.  On the left, eˣ − 1 − x comes from :func:`_expm1_minus_x`;
    transformers evaluates expm1(min(x, ε)) with ε = −1e−6 to dodge that
    cancellation, which changes f by up to 4e−13 near 0: this is the
    paper's function itself.
    """
    right = x * (_XIELU_ALPHA_P * np.maximum(x, 0.0) + _XIELU_BETA)
    left = _XIELU_ALPHA_N * _expm1_minus_x(np.minimum(x, 0.0)) + _XIELU_BETA * x
    return np.where(x > 0, right, left)


def xielu_grad(x: Array) -> Array:
    """2α_p·x + β for x > 0, α_n·(eˣ − 1) + β for x ≤ 0: both β at 0, so
    xIELU is C¹."""
    return np.where(x > 0, 2.0 * _XIELU_ALPHA_P * np.maximum(x, 0.0) + _XIELU_BETA,
                    _XIELU_ALPHA_N * np.expm1(np.minimum(x, 0.0)) + _XIELU_BETA)


def xielu_grad2(x: Array) -> Array:
    """2α_p for x > 0, α_n·eˣ for x ≤ 0: f'' jumps at 0 from α_n to 2α_p and
    takes the left side there (xielu''(0) = α_n)."""
    return np.where(x > 0, 2.0 * _XIELU_ALPHA_P, _XIELU_ALPHA_N * np.exp(np.minimum(x, 0.0)))


XIELU = Spec(
    name="xielu",
    summary="Expanded integral of ELU: α_p x² + βx right, α_n(eˣ − 1 − x) + βx left",
    f=xielu, df=xielu_grad, d2f=xielu_grad2,
    latex=r"$f(x)=\alpha_p x^2+\beta x$ if $x>0$, else $\alpha_n(e^{x}-1-x)+\beta x$",
    dlatex=r"$f'(x)=2\alpha_p x+\beta$ if $x>0$, else $\alpha_n(e^{x}-1)+\beta$",
    text="f(x) = 0.8x^2 + 0.5x if x > 0 else 0.8(exp(x) - 1 - x) + 0.5x",
    dtext="f'(x) = 1.6x + 0.5 if x > 0 else 0.8(exp(x) - 1) + 0.5",
    # The least value, where α_n(eˣ − 1) + β = 0: x = log(1 − β/α_n), f = −β − (α_n − β)·x.
    output_range=Interval(-_XIELU_BETA - (_XIELU_ALPHA_N - _XIELU_BETA) * math.log(1.0 - _XIELU_BETA / _XIELU_ALPHA_N),
                          math.inf, lo_closed=True),
    limits=(math.inf, math.inf),
    dlimits=(_XIELU_BETA - _XIELU_ALPHA_N, math.inf),
    d2limits=(0.0, 2.0 * _XIELU_ALPHA_P),
    smooth_breaks=(0.0,),
    monotonic=False, continuity="C1",
    xlim=(-6.0, 2.0),
    reference="Huang & Schlag 2025 (xIELU); α_p = α_n = 0.8, β = 0.5: transformers' XIELUActivation at initialisation",
)
