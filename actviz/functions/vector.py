r"""Vector functions: softmax and its relatives, maps of a vector of logits z
(the last axis of an array) to a vector of the same length.

One entry (a :class:`VectorSpec`) per function: the map ``f``, its exact
Jacobian, the parameters, the formulas and the facts ``actviz info`` states,
and the function's **two-class form**: for z = (z₁, z₂) the first output
depends on the logit difference d = z₁ − z₂ alone, an ordinary elementwise
function, built here as a :class:`~actviz.functions.core.Spec` from the
registry's own kernels (softmax's is the sigmoid of d/T), so that plotting
it gets all of ``actviz plot``'s machinery.  The entries are not in the
elementwise REGISTRY; they are listed in :data:`VECTOR`.

Every function here is unchanged when a constant is added to every logit,
and every one divides the logits by the temperature T first.  The formulas
are arranged for accuracy: the largest logit is subtracted first (so no
exponential overflows and the largest term is exactly 1), sums that are
1 minus something are formed as the sum of the other terms (Σ_{j≠i} p_j,
never 1 − p_i, which cancels where p_i ≈ 1), and the sparse maps find their
threshold by sorting, exactly (Martins & Astudillo 2016; Peters et al. 2019).

Inputs: −inf is a masked logit (its output is exactly 0, its log −inf); a
vector holding NaN or +inf, or only −inf, gives NaN throughout.

maxout, the max of affine pieces of one input, is elementwise: the registry's
``maxout`` (:mod:`~actviz.functions.rectifiers`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import numpy as np
import numpy.typing as npt

from .core import (Activation, ActvizError, Array, Interval, Parameter, Spec, changed_params, format_value, labelled,
                   positive)
from .sigmoid_like import LOGSIGMOID, SIGMOID, SPARSE_SIGMOID

TEMPERATURE = positive("temperature", 1.0, "divides every logit: T > 1 flattens the output, T < 1 sharpens it")


def _scaled(z: Array, temperature: float) -> Array:
    """(z − max z)/T: the largest entry exactly 0, every other ≤ 0, so that
    no exponential overflows; the subtraction is exact wherever it matters
    (Sterbenz: within a factor 2 of the maximum)."""
    return (z - z.max(axis=-1, keepdims=True)) / temperature


def _others(values: Array) -> Array:
    """Σ_{j≠i} values_j for each i, each a sum of the other terms, never
    the total minus values_i (which cancels where values_i dominates)."""
    n = values.shape[-1]
    return (values[..., None, :] * (1.0 - np.eye(n))).sum(axis=-1)


def _with_diagonal(off_diagonal: Array, diagonal: Array) -> Array:
    out = off_diagonal.copy()
    n = diagonal.shape[-1]
    out[..., np.arange(n), np.arange(n)] = diagonal
    return out


def _exponentials(d: Array) -> tuple[Array, Array]:
    """(e, rest): e = exp(d) with the first largest entry (d = 0) exactly 1,
    and rest = Σ of the other terms, so the normaliser is 1 + rest and its
    log is log1p(rest), exact where rest is tiny."""
    e = np.exp(d)
    others = e.copy()
    np.put_along_axis(others, d.argmax(axis=-1)[..., None], 0.0, axis=-1)
    return e, others.sum(axis=-1, keepdims=True)


# ---------------------------------------------------------------------------
# softmax, log_softmax, softmin
# ---------------------------------------------------------------------------

def softmax(z: Array, temperature: float) -> Array:
    r"""p_i = exp(z_i/T) / Σ_j exp(z_j/T) = e_i / (1 + rest), e = exp((z − max z)/T)."""
    e, rest = _exponentials(_scaled(z, temperature))
    return e / (1.0 + rest)


def softmax_jacobian(z: Array, temperature: float) -> Array:
    r"""∂p_i/∂z_j = (δ_ij p_i − p_i p_j)/T; the diagonal p_i(1 − p_i) as
    p_i·Σ_{j≠i} p_j, which keeps its bits where p_i ≈ 1."""
    p = softmax(z, temperature)
    return _with_diagonal(-p[..., :, None] * p[..., None, :], p * _others(p)) / temperature


def log_softmax(z: Array, temperature: float) -> Array:
    r"""log p_i = d_i − log Σ_j exp(d_j), d = (z − max z)/T, the sum as
    1 + rest and its log as log1p(rest): log p_i of the largest logit keeps
    full relative precision when it is tiny (log(1 + 1e−20) is 1e−20, not 0)."""
    d = _scaled(z, temperature)
    _, rest = _exponentials(d)
    return d - np.log1p(rest)


def log_softmax_jacobian(z: Array, temperature: float) -> Array:
    r"""∂ log p_i/∂z_j = (δ_ij − p_j)/T; the diagonal 1 − p_i as Σ_{j≠i} p_j."""
    p = softmax(z, temperature)
    return _with_diagonal(np.broadcast_to(-p[..., None, :], (*p.shape, p.shape[-1])), _others(p)) / temperature


def softmin(z: Array, temperature: float) -> Array:
    r"""softmax(−z/T): the smallest logit gets the largest share."""
    return softmax(-z, temperature)


def softmin_jacobian(z: Array, temperature: float) -> Array:
    r"""−J_softmax(−z) = −(δ_ij p_i − p_i p_j)/T."""
    return -softmax_jacobian(-z, temperature)


# ---------------------------------------------------------------------------
# sparsemax and 1.5-entmax: thresholds found by sorting
# ---------------------------------------------------------------------------

def _descending(x: Array) -> Array:
    return -np.sort(-x, axis=-1)


def sparsemax_margin(z: Array, temperature: float) -> Array:
    r"""x_i − τ with x = (z − max z)/T and τ the threshold of Σ_i max(x_i − τ, 0) = 1:
    positive exactly where sparsemax is.

    With x sorted descending, the support is the first k entries, k the
    largest with 1 + k·x_(k) > Σ_{j≤k} x_(j), and τ = (Σ_{j≤k} x_(j) − 1)/k
    (Martins & Astudillo 2016, Algorithm 1).
    """
    x = _scaled(z, temperature)
    ordered = _descending(x)
    k = np.arange(1, x.shape[-1] + 1)
    partial = np.cumsum(ordered, axis=-1)
    size = (1.0 + k * ordered > partial).sum(axis=-1, keepdims=True)
    tau = (np.take_along_axis(partial, size - 1, axis=-1) - 1.0) / size
    return x - tau


def sparsemax(z: Array, temperature: float) -> Array:
    r"""p_i = max(x_i − τ, 0): the Euclidean projection of z/T onto the simplex."""
    return np.maximum(sparsemax_margin(z, temperature), 0.0)


def sparsemax_jacobian(z: Array, temperature: float) -> Array:
    r"""(diag(s) − s sᵀ/|S|)/T, s the indicator of the support S (p_i > 0).

    Where an entry is about to leave the support (p_i = 0 exactly, its margin
    0) it counts as outside, the one-sided value PyTorch's sparse entmax
    packages take."""
    s = (sparsemax_margin(z, temperature) > 0).astype(float)
    size = s.sum(axis=-1, keepdims=True)[..., None]
    return (_with_diagonal(np.zeros((*s.shape, s.shape[-1])), s) - s[..., :, None] * s[..., None, :] / size) \
        / temperature


def entmax15_margin(z: Array, temperature: float) -> Array:
    r"""x_i − τ with x = (z − max z)/(2T) and τ the threshold of
    Σ_i max(x_i − τ, 0)² = 1: positive exactly where 1.5-entmax is.

    Exact by sorting (Peters, Niculae & Martins 2019, Algorithm 2): with x
    sorted descending and the first k entries in the support, τ solves
    Σ_{j≤k} (x_(j) − τ)² = 1, τ_k = mean_k − √((1 − ss_k)/k) with ss_k the
    sum of squared deviations from mean_k; the support is the largest k with
    τ_k ≤ x_(k).  ss_k is summed from the deviations, not as
    k·(mean of squares − square of mean), which cancels.
    """
    x = _scaled(z, 2.0 * temperature)
    ordered = _descending(x)
    n = x.shape[-1]
    k = np.arange(1, n + 1)
    mean = np.cumsum(ordered, axis=-1) / k
    upto = k[:, None] >= k[None, :]                                # upto[k-1, j-1]: j ≤ k
    with np.errstate(invalid="ignore"):                            # masked (−inf) logits: inf − inf, outside the support
        deviation = np.where(upto, ordered[..., None, :] - mean[..., :, None], 0.0)
        spread = (deviation * deviation).sum(axis=-1)
        tau = mean - np.sqrt(np.maximum((1.0 - spread) / k, 0.0))
        size = (tau <= ordered).sum(axis=-1, keepdims=True)
    return x - np.take_along_axis(tau, size - 1, axis=-1)


def entmax15(z: Array, temperature: float) -> Array:
    r"""p_i = max(x_i − τ, 0)² with x = z/(2T): 1.5-entmax, between softmax
    (α = 1) and sparsemax (α = 2), sparse but smooth where it is positive."""
    return np.square(np.maximum(entmax15_margin(z, temperature), 0.0))


def entmax15_jacobian(z: Array, temperature: float) -> Array:
    r"""(diag(g) − g gᵀ/Σg)/T with g = √p = max(x − τ, 0) (Peters et al. 2019);
    the diagonal g_i − g_i²/Σg as g_i·Σ_{j≠i} g_j / Σg, which does not cancel."""
    g = np.maximum(entmax15_margin(z, temperature), 0.0)
    total = g.sum(axis=-1, keepdims=True)
    off = -g[..., :, None] * g[..., None, :] / total[..., None]
    return _with_diagonal(off, g * _others(g) / total) / temperature


# ---------------------------------------------------------------------------
# Two classes: p₁ as an elementwise function of d = z₁ − z₂
# ---------------------------------------------------------------------------

def _two_class(base: Spec, *, name: str, summary: str, sign: float, latex: str, dlatex: str, text: str,
               dtext: str) -> Spec:
    """The entry of g(sign·d/T), g the registry's `base`, as a function of
    d = z₁ − z₂: its kernels are base's, its facts base's scaled by T."""
    g = Activation(base)

    def t(p: Mapping[str, Any]) -> float:
        return p["temperature"]

    def ordered(pair: tuple[float, ...]) -> tuple[float, ...]:
        return tuple(pair) if sign > 0 else tuple(reversed(pair))

    return Spec(
        name=name, summary=summary,
        f=lambda x, temperature: g.f(sign * x / temperature),
        df=lambda x, temperature: sign * g.df(sign * x / temperature) / temperature,
        d2f=lambda x, temperature: g.d2f(sign * x / temperature) / temperature ** 2,
        latex=latex, dlatex=dlatex, text=text, dtext=dtext, params=(TEMPERATURE,),
        output_range=base.output_range,
        limits=ordered(base.limits),
        dlimits=lambda p: ordered(tuple(sign * v / t(p) for v in base.dlimits)),
        kinks=lambda p: tuple(sorted(sign * t(p) * k for k in base.kinks)),
        df_at_kinks=lambda p: {sign * t(p) * k: sign * v / t(p) for k, v in base.df_at_kinks.items()},
        monotonic=base.monotonic if sign > 0 else "decreasing" if base.monotonic else False,
        continuity=base.continuity,
        xlim=lambda p: tuple(t(p) * v for v in base.xlim),
    )


def entmax15_pair(x: Array, temperature: float) -> Array:
    r"""p₁ of 1.5-entmax for two classes, u = d/T: ((u + √(8 − u²))/4)² on
    [0, 2], 1 beyond; on [−2, 0) the same square with u + √(8 − u²)
    rationalised to (2 − u)(2 + u) / (2(√(8 − u²) − u)), which does not
    cancel as u → −2 (where p₁ → 0); 0 below −2.  Equal to
    1/2 + u√(8 − u²)/8, the form the figure quotes."""
    u = np.clip(x / temperature, -2.0, 2.0)
    root = np.sqrt(8.0 - u * u)
    with np.errstate(divide="ignore", invalid="ignore"):
        half = np.where(u >= 0, (u + root) / 4.0, (2.0 - u) * (2.0 + u) / (2.0 * (root - u)))
    return np.square(half)


def entmax15_pair_grad(x: Array, temperature: float) -> Array:
    r"""(4 − u²)/(4√(8 − u²))/T on (−2, 2), 0 outside: continuous at ±2, so p₁ is C¹."""
    u = np.clip(x / temperature, -2.0, 2.0)
    return (2.0 - u) * (2.0 + u) / (4.0 * np.sqrt(8.0 - u * u)) / temperature


def entmax15_pair_grad2(x: Array, temperature: float) -> Array:
    r"""u(u² − 12)/(4(8 − u²)^{3/2})/T² on (−2, 2), 0 outside; at ±2, where
    only this jumps, the outer side 0 (as sqnl'')."""
    u = np.clip(x / temperature, -2.0, 2.0)
    inside = np.abs(u) < 2.0
    return np.where(inside, u * (u * u - 12.0) / (4.0 * (8.0 - u * u) ** 1.5), 0.0) / temperature ** 2


ENTMAX15_PAIR = Spec(
    name="entmax15", summary="p₁ of 1.5-entmax for two classes",
    f=entmax15_pair, df=entmax15_pair_grad, d2f=entmax15_pair_grad2,
    latex=r"$p_1=\frac{1}{2}+\frac{u\sqrt{8-u^2}}{8},\ u=\frac{z_1-z_2}{T}\in[-2,2]$",
    dlatex=r"$p_1'=\frac{4-u^2}{4T\sqrt{8-u^2}}$",
    text="p1 = 1/2 + u·sqrt(8 - u²)/8 for |u| <= 2 (0 below, 1 above), u = (z1 - z2)/T",
    dtext="p1' = (4 - u²)/(4T·sqrt(8 - u²)) for |u| < 2, else 0",
    params=(TEMPERATURE,),
    output_range=Interval(0.0, 1.0, lo_closed=True, hi_closed=True),
    limits=(0.0, 1.0),
    dlimits=(0.0, 0.0),
    smooth_breaks=lambda p: (-2.0 * p["temperature"], 2.0 * p["temperature"]),
    continuity="C1",
    xlim=lambda p: (-3.0 * p["temperature"], 3.0 * p["temperature"]),
)


# ---------------------------------------------------------------------------
# The entries
# ---------------------------------------------------------------------------

@dataclass(frozen=True, kw_only=True)
class VectorSpec:
    """Everything actviz knows about one vector function, by keyword.

    `f(z, **params)` and `jacobian(z, **params)` take a float64 array of
    logits along its last axis with no NaN or +inf and at least one finite
    entry per vector; `margin`, where given, is positive exactly where the
    output is (the sparse maps).  `identity` is the two-class form in words,
    as the figure and `info` say it.
    """

    name: str
    summary: str
    f: Callable[..., Array]
    jacobian: Callable[..., Array]
    two_class: Spec
    identity: str
    text: str
    jacobian_text: str
    output_range: str
    params: tuple[Parameter, ...] = (TEMPERATURE,)
    margin: Callable[..., Array] | None = None
    torch: str | None = None
    reference: str = ""


_SOFTMAX_PAIR = _two_class(
    SIGMOID, name="softmax", summary="p₁ of softmax for two classes", sign=1.0,
    latex=r"$p_1=\sigma\left(\frac{z_1-z_2}{T}\right)$", dlatex=r"$p_1'=\sigma(u)\,\sigma(-u)/T$",
    text="p1 = sigmoid((z1 - z2)/T)", dtext="p1' = sigmoid(u)·sigmoid(-u)/T, u = (z1 - z2)/T")

SOFTMAX = VectorSpec(
    name="softmax", summary="exp(z_i/T) / Σ_j exp(z_j/T): a probability vector",
    f=softmax, jacobian=softmax_jacobian, two_class=_SOFTMAX_PAIR,
    identity="For two classes, softmax is the sigmoid of (z₁ − z₂)/T",
    text="p_i = exp(z_i/T) / sum_j exp(z_j/T)",
    jacobian_text="dp_i/dz_j = (p_i·[i = j] - p_i·p_j)/T, i.e. (diag(p) - p pᵀ)/T",
    output_range="every p_i in (0, 1), sum 1",
    torch="torch.nn.Softmax(dim=-1)({logits})",
    reference="Bridle 1990",
)

LOG_SOFTMAX = VectorSpec(
    name="log_softmax", summary="log softmax: z_i/T − log Σ_j exp(z_j/T)",
    f=log_softmax, jacobian=log_softmax_jacobian,
    two_class=_two_class(
        LOGSIGMOID, name="log_softmax", summary="log p₁ of softmax for two classes", sign=1.0,
        latex=r"$\log p_1=\log\sigma\left(\frac{z_1-z_2}{T}\right)$", dlatex=r"$(\log p_1)'=\sigma(-u)/T$",
        text="log p1 = logsigmoid((z1 - z2)/T)", dtext="(log p1)' = sigmoid(-u)/T, u = (z1 - z2)/T"),
    identity="For two classes, log_softmax is the log-sigmoid of (z₁ − z₂)/T",
    text="log p_i = z_i/T - log(sum_j exp(z_j/T))",
    jacobian_text="d(log p_i)/dz_j = ([i = j] - p_j)/T, i.e. (I - 1 pᵀ)/T",
    output_range="every log p_i in (-inf, 0), sum of exp 1",
    torch="torch.nn.LogSoftmax(dim=-1)({logits})",
)

SOFTMIN = VectorSpec(
    name="softmin", summary="softmax(−z/T): the smallest logit gets the largest share",
    f=softmin, jacobian=softmin_jacobian,
    two_class=_two_class(
        SIGMOID, name="softmin", summary="p₁ of softmin for two classes", sign=-1.0,
        latex=r"$p_1=\sigma\left(\frac{z_2-z_1}{T}\right)$", dlatex=r"$p_1'=-\sigma(u)\,\sigma(-u)/T$",
        text="p1 = sigmoid((z2 - z1)/T)", dtext="p1' = -sigmoid(u)·sigmoid(-u)/T, u = (z1 - z2)/T"),
    identity="For two classes, softmin is the sigmoid of (z₂ − z₁)/T",
    text="p_i = exp(-z_i/T) / sum_j exp(-z_j/T)",
    jacobian_text="dp_i/dz_j = -(p_i·[i = j] - p_i·p_j)/T",
    output_range="every p_i in (0, 1), sum 1",
    torch="torch.nn.Softmin(dim=-1)({logits})",
)

SPARSEMAX = VectorSpec(
    name="sparsemax", summary="Euclidean projection of z/T onto the simplex: exact zeros",
    f=sparsemax, jacobian=sparsemax_jacobian, margin=sparsemax_margin,
    two_class=_two_class(
        SPARSE_SIGMOID, name="sparsemax", summary="p₁ of sparsemax for two classes", sign=1.0,
        latex=r"$p_1=\mathrm{clip}\left(\frac{u+1}{2},0,1\right),\ u=\frac{z_1-z_2}{T}$",
        dlatex=r"$p_1'=\frac{1}{2T}$ if $|u|<1$, else $0$",
        text="p1 = clip(((z1 - z2)/T + 1)/2, 0, 1)", dtext="p1' = 1/(2T) if |z1 - z2| < T else 0"),
    identity="For two classes, sparsemax is a hard sigmoid of (z₁ − z₂)/T",
    text="p = argmin over the simplex of |p - z/T|²; p_i = max(z_i/T - tau, 0)",
    jacobian_text="dp_i/dz_j = (s_i·[i = j] - s_i·s_j/|S|)/T, s the support's indicator",
    output_range="every p_i in [0, 1], sum 1; exact zeros",
    reference="Martins & Astudillo 2016",
)

ENTMAX15 = VectorSpec(
    name="entmax15", summary="1.5-entmax: between softmax and sparsemax, exact zeros",
    f=entmax15, jacobian=entmax15_jacobian, margin=entmax15_margin, two_class=ENTMAX15_PAIR,
    identity="For two classes, entmax15 is 1/2 + u√(8 − u²)/8\non |u| ≤ 2, u = (z₁ − z₂)/T",
    text="p_i = max(z_i/(2T) - tau, 0)², tau such that sum_i p_i = 1",
    jacobian_text="dp_i/dz_j = (g_i·[i = j] - g_i·g_j/sum(g))/T, g = sqrt(p)",
    output_range="every p_i in [0, 1], sum 1; exact zeros",
    reference="Peters, Niculae & Martins 2019",
)

VECTOR: dict[str, VectorSpec] = {spec.name: spec for spec in (SOFTMAX, LOG_SOFTMAX, SOFTMIN, SPARSEMAX, ENTMAX15)}


@dataclass(frozen=True)
class Vector:
    """A vector function bound to parameter values.

    ``f(z)`` maps the last axis of z (a float64 array, or anything numpy
    turns into one, of at least one dimension) to a vector of the same
    length; ``jacobian(z)`` has shape (..., n, n), ∂f_i/∂z_j at [..., i, j].
    """

    spec: VectorSpec
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.spec.name

    def f(self, z: npt.ArrayLike) -> Array:
        """The outputs for each vector of logits along the last axis."""
        return self._evaluate(self.spec.f, z, lambda shape: shape)

    def jacobian(self, z: npt.ArrayLike) -> Array:
        """∂f_i/∂z_j for each vector along the last axis: shape (..., n, n)."""
        return self._evaluate(self.spec.jacobian, z, lambda shape: (*shape, shape[-1]))

    def margin(self, z: npt.ArrayLike) -> Array | None:
        """x_i − τ for the sparse maps, positive exactly where f_i is; None for the others."""
        return None if self.spec.margin is None else self._evaluate(self.spec.margin, z, lambda shape: shape)

    def _evaluate(self, kernel: Callable[..., Array], z: npt.ArrayLike,
                  out_shape: Callable[[tuple[int, ...]], tuple[int, ...]]) -> Array:
        z = np.asarray(z, dtype=np.float64)
        if z.ndim == 0 or z.shape[-1] == 0:
            raise ActvizError(f"{self.name} takes a vector of logits (at least one)")
        broken = (np.isnan(z) | (z == np.inf)).any(axis=-1) | (z == -np.inf).all(axis=-1)
        with np.errstate(over="ignore", under="ignore"):
            out = kernel(np.where(broken[..., None], 0.0, z), **self.params)
        nan = broken.reshape(broken.shape + (1,) * (len(out_shape(z.shape)) - broken.ndim))
        return np.where(nan, np.nan, out) + 0.0  # + 0.0: an exact zero prints as 0.0, not −0.0

    @property
    def two_class(self) -> Activation:
        """f₁ for two classes as an elementwise function of d = z₁ − z₂."""
        return Activation(self.spec.two_class, self.params)

    @property
    def changed_params(self) -> dict[str, Any]:
        return changed_params(self.spec.params, self.params)

    @property
    def label(self) -> str:
        """'softmax(temperature=2)'."""
        return labelled(self.name, self.changed_params)

    @property
    def torch(self) -> str | None:
        """The PyTorch code, with the logits divided by T where T ≠ 1."""
        temperature = self.params["temperature"]
        logits = "z" if temperature == 1 else f"z / {format_value(temperature)}"
        return self.spec.torch.format(logits=logits) if self.spec.torch else None

