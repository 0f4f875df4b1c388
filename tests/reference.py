"""Textbook definitions in mpmath: the truth the float64 kernels are held to.

At 60 significant digits the naive formulas are exact enough for any double,
so each reference is written the way a textbook writes the function, with
the same piecewise sides as the kernel (x > 0 vs x ≥ 0).  Double-valued
constants (1.702, 0.044715, SELU's α and λ) enter as the doubles the kernels
use, so that what is compared is the evaluation, not the constant.
"""
import mpmath as mp

from actviz.functions import SELU_ALPHA, SELU_SCALE

mp.mp.dps = 60
_ZERO, _ONE = mp.mpf(0), mp.mpf(1)
# e^z below z = −10⁶ (≈ 10^−434295) is 0 next to every number a test
# compares, and mpmath takes a tenth of a second per call to compute it at
# hundreds of digits (σ(βx) with β = 1e300): the references use 0 there.
_FAR = -10 ** 6


def _exp_or_0(z):
    return mp.exp(z) if z > _FAR else _ZERO


def _sigmoid(x):
    return 1 / (1 + _exp_or_0(-x)) if x >= 0 else _exp_or_0(x) / (1 + _exp_or_0(x))


def _softplus(x):
    return max(x, _ZERO) + mp.log1p(_exp_or_0(-abs(x)))


def _leaky(slope):
    return lambda x: x if x > 0 else slope * x


def _elu(x, alpha):
    return x if x > 0 else alpha * mp.expm1(x)


def _ncdf(x):
    """Φ(x); past |x| = 1e8 (where mpmath's erfc gives up) by its asymptotic
    series, whose next term is below 1e−62 relative there."""
    if abs(x) < 1e8:
        return mp.ncdf(x)
    z = abs(x)
    tail = mp.npdf(z) / z * (1 - 1 / z**2 + 3 / z**4 - 15 / z**6)
    return tail if x < 0 else 1 - tail


def _gelu(x, approximate):
    if approximate == "tanh":
        u = mp.sqrt(2 / mp.pi) * (x + mp.mpf(0.044715) * x ** 3)
        return x * (1 + mp.tanh(u)) / 2
    return x * _ncdf(x)


def _clip(x, lo, hi):
    return min(max(x, mp.mpf(lo)), mp.mpf(hi))


def _sqrt_half(x, alpha):
    return x / mp.sqrt(1 + alpha * x * x)


REFERENCE = {
    "sigmoid": lambda x: _sigmoid(x),
    "tanh": lambda x: mp.tanh(x),
    "relu": lambda x: max(x, _ZERO),
    "leaky_relu": lambda x, negative_slope: _leaky(negative_slope)(x),
    "prelu": lambda x, weight: _leaky(weight)(x),
    "rrelu": lambda x, lower, upper: _leaky((mp.mpf(lower) + upper) / 2)(x),
    "elu": _elu,
    "selu": lambda x: mp.mpf(SELU_SCALE) * _elu(x, mp.mpf(SELU_ALPHA)),
    "celu": lambda x, alpha: x if x > 0 else alpha * (mp.expm1(x / alpha) if x / alpha > _FAR else -1),
    "gelu": _gelu,
    "softplus": lambda x, beta, threshold: x if beta * x > threshold else _softplus(beta * x) / beta,
    "silu": lambda x: x * _sigmoid(x),
    "swish_beta": lambda x, beta: x * _sigmoid(beta * x),
    "quick_gelu": lambda x: x * _sigmoid(mp.mpf(1.702) * x),
    "mish": lambda x: x * mp.tanh(_softplus(x)),
    "softsign": lambda x: x / (1 + abs(x)),
    "logsigmoid": lambda x: -_softplus(-x),
    "hardtanh": lambda x, min_val, max_val: _clip(x, min_val, max_val),
    "relu6": lambda x: _clip(x, 0, 6),
    "hardsigmoid": lambda x, half_width: _clip((x + half_width) / (2 * half_width), 0, 1),
    "hardswish": lambda x: x * _clip(x + 3, 0, 6) / 6,
    "tanhshrink": lambda x: x - mp.tanh(x),
    "softshrink": lambda x, lambd: x - lambd if x > lambd else x + lambd if x < -lambd else _ZERO,
    "hardshrink": lambda x, lambd: x if abs(x) > lambd else _ZERO,
    "threshold": lambda x, threshold, value: x if x > threshold else mp.mpf(value),
    "squareplus": lambda x, b: (x + mp.sqrt(x * x + b)) / 2,
    "sparse_plus": lambda x: _ZERO if x <= -1 else x if x >= 1 else (x + 1) ** 2 / 4,
    "sparse_sigmoid": lambda x: _clip((x + 1) / 2, 0, 1),
    "exponential": lambda x: mp.exp(x),
    "identity": lambda x: x,
    "step": lambda x: _ONE if x >= 0 else _ZERO,
    "sign": lambda x: mp.sign(x),
    "arctan": lambda x: mp.atan(x),
    "lecun_tanh": lambda x: mp.mpf(1.7159) * mp.tanh(mp.mpf(2.0 / 3.0) * x),
    "bent_identity": lambda x: x + (mp.sqrt(x * x + 1) - 1) / 2,
    "isru": _sqrt_half,
    "isrlu": lambda x, alpha: x if x >= 0 else _sqrt_half(x, alpha),
    "gaussian": lambda x: mp.exp(-x * x),
    "sinc": lambda x: mp.sin(x) / x if x else _ONE,
    "sinusoid": lambda x: mp.sin(x),
    "tanhexp": lambda x: x * mp.tanh(mp.exp(x)) if x < 1000 else x,
    "squared_relu": lambda x: max(x, _ZERO) ** 2,
    "elish": lambda x: (x if x >= 0 else mp.expm1(x)) * _sigmoid(x),
    "sqnl": lambda x: mp.sign(x) if abs(x) > 2 else x - x * abs(x) / 4,
    "snake": lambda x, a: x + mp.sin(a * x) ** 2 / a,
    "bipolar_sigmoid": lambda x: 2 * _sigmoid(x) - 1,
    "shifted_softplus": lambda x: _softplus(x) - mp.log(2),
    "abs": lambda x: abs(x),
    "brelu": lambda x, unit: max(x, _ZERO) if unit == "even" else min(x, _ZERO),
    "star_relu": lambda x, scale, bias: scale * max(x, _ZERO) ** 2 + bias,
    "srelu": lambda x, t_left, a_left, t_right, a_right: (
        t_right + a_right * (x - t_right) if x >= t_right else t_left + a_left * (x - t_left) if x <= t_left else x),
    "maxout": lambda x, w1, b1, w2, b2: max(w1 * x + b1, w2 * x + b2),
    "cos": lambda x: mp.cos(x),
    "gcu": lambda x: x * mp.cos(x),
    "sinlu": lambda x: (x + mp.sin(x)) * _sigmoid(x),
    "lisht": lambda x: x * mp.tanh(x),
    "sqrtsoftplus": lambda x: mp.sqrt(_softplus(x)),
    "eswish": lambda x, beta: beta * x * _sigmoid(x),
    "mila": lambda x: x * mp.tanh(_softplus(x + mp.mpf(-0.25))),
    "aria2": lambda x: x * _sigmoid(2 * x) ** mp.mpf(1.5),
    "acon_c": lambda x, p1, p2, beta: (p1 - p2) * x * _sigmoid(beta * (p1 - p2) * x) + p2 * x,
    "cloglog": lambda x: 1 - _exp_or_0(-mp.exp(x)) if x < 1000 else _ONE,
    "soft_clipping": lambda x, alpha: (_softplus(alpha * x) - _softplus(alpha * (x - 1))) / alpha,
    "multiquadratic": lambda x, a: mp.sqrt(x * x + a * a),
    "inverse_multiquadratic": lambda x, a: 1 / mp.sqrt(x * x + a * a),
    "probit": lambda x: _ncdf(x),
    "xielu": lambda x: (mp.mpf(0.8) * x * x + mp.mpf(0.5) * x if x > 0
                        else mp.mpf(0.8) * (mp.expm1(x) - x) + mp.mpf(0.5) * x),
    "gelu_10": lambda x: min(x * _ncdf(x), mp.mpf(10)),
    "smish": lambda x: x * mp.tanh(mp.log1p(_sigmoid(x))),
    "logish": lambda x: x * mp.log1p(_sigmoid(x)),
    "colu": lambda x: x / (1 - x * _exp_or_0(-(x + mp.exp(x)))) if x < 1000 else x,
    "serf": lambda x: x * mp.erf(_softplus(x)),
    "laplace": lambda x, mu, sigma: _ncdf((x - mu) / sigma),
    "soboleva_tanh": lambda x, a, b, c, d: (
        (_exp_or_0(a * x) - _exp_or_0(-b * x)) / (_exp_or_0(c * x) + _exp_or_0(-d * x))),
    "soft_exponential": lambda x, alpha: (-mp.log1p(-alpha * (x + alpha)) / alpha if alpha < 0 else x if alpha == 0
                                          else mp.expm1(alpha * x) / alpha + alpha),
    "smu": lambda x, alpha, mu: ((1 + alpha) * x + (1 - alpha) * x * mp.erf(mu * (1 - alpha) * x)) / 2,
}


# The length over which a function changes shape, where a parameter sets
# it away from 0: snake's phase turns once every π/a.
FEATURE_SCALE = {"snake": lambda p: 1 / p["a"], "smu": lambda p: 1 / (p["mu"] * (1 - p["alpha"]))}
# A constant that dominates f and not its derivatives (star_relu's bias, the
# multiquadric's a, up to 1.8e308): the difference quotients need as many more digits.
OFFSET = {"star_relu": lambda p: p["bias"], "multiquadratic": lambda p: p["a"]}


def reference(act):
    """The mpmath reference of a bound Activation, as a function of one mpf
    (with its feature `scale`, for :func:`derivative`).

    It works at 700 digits: x − tanh(x) at x = 1e−300 cancels 600 of them.
    """
    fn = REFERENCE[act.name]
    params = {k: (v if isinstance(v, str) else mp.mpf(v)) for k, v in act.params.items()}

    def evaluate(x):
        with mp.workdps(max(mp.mp.dps, 700)):
            return fn(mp.mpf(x), **params)
    evaluate.scale = FEATURE_SCALE.get(act.name, lambda p: _ONE)(params)
    evaluate.offset_digits = max(0, int(mp.log10(abs(OFFSET.get(act.name, lambda p: _ONE)(params)) + 1)))
    return evaluate


def step(x, scale=_ONE):
    """The step of :func:`derivative` at x: 2⁻⁹⁰·min(|x|, scale), so that tiny
    x is differentiated on its own scale and no step crosses a kink at 0;
    at 0 itself 2⁻¹²⁰⁰, below the step of the least subnormal, so that a
    parameter's scale (isru's 1/√α = 7e−155 for α = 1.8e308) is resolved."""
    x = mp.mpf(x)
    return min(abs(x), scale) * mp.mpf(2) ** -90 if x else mp.mpf(2) ** -1200


def derivative(fn, x, order=1):
    """mpmath's numerical derivative of a reference, with the step :func:`step`.

    f(x ± h) must differ in the working precision even where the derivative
    is as small as the least subnormal relative to f (σ near 1, e^{−354}
    apart): 420 digits, plus, for each order, as many as h is below
    max(|x|, 1).  (``mp.diff`` would multiply its whole working precision by
    order + 1, which makes the third derivative cost four times the first.)
    """
    x = mp.mpf(x)
    h = step(x, getattr(fn, "scale", _ONE))
    extra = max(0, int(mp.log10(max(abs(x), 1) / h)))
    with mp.workdps(420 + order * extra + getattr(fn, "offset_digits", 0)):
        values = [fn(x + k * h) for k in range(-order, order + 1, 2)]
        value = +(mp.difference(values, order) / (2 * h) ** order)
    # At x = 0 the step is absolute, and an exact zero of the derivative
    # shows up as the difference quotient's O(h²) ≈ 1e−722.
    return mp.mpf(0) if x == 0 and abs(value) < 1e-600 else value
