r"""Gated functions: functions of two inputs, f(a, b) = a·g(b).

A gated linear unit multiplies one half of its input by a function (the
gate g) of the other half.  The convention is PyTorch's
``torch.nn.functional.glu``: the input is split into halves along a
dimension, a is the first half and b the second, and

.. math:: f(a, b) = a \otimes g(b).

(GLU itself has g = σ; Shazeer's variants change g: ReLU, GELU, SiLU or the
identity.)  Drawn as one curve with a = b, SwiGLU would be just b·silu(b);
it is a function of two inputs, and actviz treats it as one.

Each entry (a :class:`GatedSpec`) names its gate by its registry name, so
the numbers come from the registry's exact elementwise kernels:

* f(a, b) = a·g(b),
* ∂f/∂a = g(b),
* ∂f/∂b = a·g′(b),

each one product (or none) on a value the elementwise kernel computes within
4 ulps × (1 + κ_g).  The relative condition number of the product a·v is
1 + κ_v, so the accuracy carries over: within 4 ulps × (1 + κ) of the true
value, κ = 1 + |b·g′(b)/g(b)| for f and 1 + |b·g″(b)/g′(b)| for ∂f/∂b.  One
limit: where g(b) (or g′(b)) is below the normal double range (σ(b) for
b < −708) it has only a subnormal's absolute accuracy, which a large |a|
magnifies in the product.

Inputs broadcast against each other as numpy arrays do.  ±∞ for b gives the
gate's limit; the products are IEEE products, so ±∞·0 is NaN (as in numpy
and PyTorch), and NaN in either input gives NaN.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
import numpy.typing as npt

from .core import Activation, ActvizError, Array

CONVENTION = "a is the first half of the input, b the second (PyTorch's F.glu)"
SHAZEER = "Shazeer 2020, GLU Variants Improve Transformer"


@dataclass(frozen=True, kw_only=True)
class GatedSpec:
    """One gated function: its gate (a registry name), where the gate is 0
    (so f = 0 there for every a), its formulas in mathtext and plain text
    (f, ∂f/∂a, ∂f/∂b), the PyTorch code that computes it, a default plotting
    range for a and b, and its paper."""

    name: str
    summary: str
    gate: str
    gate_zeros: str | None  # where g(b) = 0 ("b ≤ 0"); None: nowhere
    latex: str
    dlatex_a: str
    dlatex_b: str
    text: str
    dtext_a: str
    dtext_b: str
    torch: str
    alim: tuple[float, float] = (-3.0, 3.0)
    blim: tuple[float, float] = (-4.0, 4.0)
    reference: str = SHAZEER


GLU = GatedSpec(
    name="glu", summary="GLU: a gated by the sigmoid of b", gate="sigmoid", gate_zeros=None,
    latex=r"$f(a,b)=a\,\sigma(b)$",
    dlatex_a=r"$\partial f/\partial a=\sigma(b)$",
    dlatex_b=r"$\partial f/\partial b=a\,\sigma(b)\,\sigma(-b)$",
    text="f(a, b) = a·sigmoid(b)",
    dtext_a="∂f/∂a = sigmoid(b)",
    dtext_b="∂f/∂b = a·sigmoid(b)·sigmoid(-b)",
    torch="torch.nn.functional.glu(torch.cat([a, b], dim=-1), dim=-1)",
    blim=(-6.0, 6.0),
    reference="Dauphin et al. 2017, Language Modeling with Gated Convolutional Networks",
)

REGLU = GatedSpec(
    name="reglu", summary="ReGLU: a gated by the ReLU of b", gate="relu", gate_zeros="b ≤ 0",
    latex=r"$f(a,b)=a\,\max(0,b)$",
    dlatex_a=r"$\partial f/\partial a=\max(0,b)$",
    dlatex_b=r"$\partial f/\partial b=a$ if $b>0$, else $0$",
    text="f(a, b) = a·max(0, b)",
    dtext_a="∂f/∂a = max(0, b)",
    dtext_b="∂f/∂b = a if b > 0 else 0   (0 at b = 0, as PyTorch)",
    torch="a * torch.nn.functional.relu(b)",
)

GEGLU = GatedSpec(
    name="geglu", summary="GEGLU: a gated by the GELU of b", gate="gelu", gate_zeros="b = 0",
    latex=r"$f(a,b)=a\,b\,\Phi(b)$",
    dlatex_a=r"$\partial f/\partial a=b\,\Phi(b)$",
    dlatex_b=r"$\partial f/\partial b=a\,(\Phi(b)+b\,\varphi(b))$",
    text="f(a, b) = a·gelu(b) = a·b·Phi(b)",
    dtext_a="∂f/∂a = gelu(b) = b·Phi(b)",
    dtext_b="∂f/∂b = a·gelu'(b) = a·(Phi(b) + b·phi(b))",
    torch="a * torch.nn.functional.gelu(b)",
)

SWIGLU = GatedSpec(
    name="swiglu", summary="SwiGLU: a gated by the SiLU (swish) of b", gate="silu", gate_zeros="b = 0",
    latex=r"$f(a,b)=a\,b\,\sigma(b)$",
    dlatex_a=r"$\partial f/\partial a=b\,\sigma(b)$",
    dlatex_b=r"$\partial f/\partial b=a\,\sigma(b)\,(1+b\,\sigma(-b))$",
    text="f(a, b) = a·silu(b) = a·b·sigmoid(b)",
    dtext_a="∂f/∂a = silu(b) = b·sigmoid(b)",
    dtext_b="∂f/∂b = a·silu'(b) = a·sigmoid(b)·(1 + b·sigmoid(-b))",
    torch="a * torch.nn.functional.silu(b)",
)

BILINEAR = GatedSpec(
    name="bilinear", summary="Bilinear: a times b, the GLU with no gate", gate="identity", gate_zeros="b = 0",
    latex=r"$f(a,b)=a\,b$",
    dlatex_a=r"$\partial f/\partial a=b$",
    dlatex_b=r"$\partial f/\partial b=a$",
    text="f(a, b) = a·b",
    dtext_a="∂f/∂a = b",
    dtext_b="∂f/∂b = a",
    torch="a * b",
)

GATED: dict[str, GatedSpec] = {spec.name: spec for spec in (GLU, REGLU, GEGLU, SWIGLU, BILINEAR)}


def _pair(a: npt.ArrayLike, b: npt.ArrayLike) -> Sequence[Array]:
    """a and b as float64 arrays of one broadcast shape."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    try:
        return np.broadcast_arrays(a, b)
    except ValueError:
        raise ActvizError(f"a and b must have shapes that broadcast together; got {a.shape} and {b.shape}") from None


def _times(a: Array, v: Array) -> Any:
    """The IEEE product a·v: overflow is only reached where the true product
    is beyond the double range, and ±∞·0 is NaN by design (see the module)."""
    with np.errstate(over="ignore", invalid="ignore"):
        out = a * v
    return out[()] if out.ndim == 0 else out


@dataclass(frozen=True)
class Gated:
    """A gated function bound to its gate (an :class:`Activation`, with the
    preset's parameters: jax's GELU is the tanh form).

    ``f``, ``df_da`` and ``df_db`` take a and b (anything numpy turns into
    float64 arrays that broadcast together) and return a float64 array of
    the broadcast shape (a numpy scalar for scalars).
    """

    spec: GatedSpec
    gate: Activation

    @property
    def name(self) -> str:
        return self.spec.name

    label = name

    @property
    def params(self) -> dict[str, Any]:
        """A gated function has no parameters of its own."""
        return {}

    def f(self, a: npt.ArrayLike, b: npt.ArrayLike) -> Any:
        """f(a, b) = a·g(b)."""
        a, b = _pair(a, b)
        return _times(a, self.gate.f(b))

    def df_da(self, a: npt.ArrayLike, b: npt.ArrayLike) -> Any:
        """∂f/∂a = g(b) (NaN where a is NaN)."""
        a, b = _pair(a, b)
        return _times(np.where(np.isnan(a), np.nan, 1.0), self.gate.f(b))

    def df_db(self, a: npt.ArrayLike, b: npt.ArrayLike) -> Any:
        """∂f/∂b = a·g′(b), with the gate's one-sided g′ at its kinks (ReLU′(0) = 0)."""
        a, b = _pair(a, b)
        return _times(a, self.gate.df(b))
