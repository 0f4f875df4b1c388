r"""The registry of activation functions: one entry per function.

Each entry (a :class:`Spec`) holds the function ``f``, its analytic
derivatives ``df`` and ``d2f``, the parameters with their defaults (PyTorch's,
where PyTorch has the function) and the constraints between them, other
frameworks' defaults, the formulas in mathtext and in plain text, the
PyTorch equivalent, and the facts a plot or a table needs: output range,
limits at ±∞, kinks and jumps and f' there, monotonicity, continuity class,
symmetry and a default plotting range.  Everything else in actviz is derived
from this table.

An entry sits in its family's module, beside its kernels: one block per
function, f, f', f'' and the entry, read top to bottom.  Every :class:`Spec`
a family module binds to a name is registered; adding a function is adding
one block (and its mpmath reference to ``tests/reference.py``).

The kernels take a finite float64 array.  :class:`Activation` wraps them
with what every function shares: conversion to float64, NaN in gives NaN out,
±inf gives the declared limit.

Accuracy is the point of the package.  Every formula is arranged so that
evaluating it in double precision loses no more than a few ulps beyond the
condition number of the function itself; where the arrangement differs from
the textbook one, the docstring says why.  Kinks take PyTorch's one-sided
derivative (``relu'(0) = 0``, ``hardtanh'(±1) = 0``, ``elu'(0) = α``), and
jumps take PyTorch's side (``hardshrink(±λ) = 0``).  Where f' jumps, f'' takes
the side f' takes (``elu''(0) = α``).
"""
from __future__ import annotations

from typing import Any, Mapping, cast

from . import classics, gaussian_based, periodic, rectifiers, shrinkage, sigmoid_like, smooth_rectifiers
from .core import (Activation, ActvizError, Constraint, Interval, Parameter, Spec, describe_params, format_value,
                   parse_number)
from .gated import GATED, Gated, GatedSpec
from .rectifiers import SELU_ALPHA, SELU_SCALE
from .vector import VECTOR, Vector, VectorSpec

__all__ = [
    "Activation", "Parameter", "Spec", "Interval", "REGISTRY", "PRESETS", "GATED", "Gated", "GatedSpec",
    "ActvizError", "ALIASES", "VECTOR", "Vector", "family", "format_value", "get", "names", "resolve_name",
]

FAMILIES = (sigmoid_like, rectifiers, smooth_rectifiers, shrinkage, classics, periodic, gaussian_based)

# The order of `actviz list`, the gallery and every table: the order the
# functions were added in, which scripts and the committed gallery follow.
# A function not named here (a new one) comes after these, in family order.
LISTING_ORDER = (
    "sigmoid", "tanh", "relu", "leaky_relu", "prelu", "rrelu", "elu", "selu", "celu", "gelu", "softplus",
    "silu", "swish_beta", "quick_gelu", "mish", "softsign", "logsigmoid", "hardtanh", "relu6", "hardsigmoid",
    "hardswish", "tanhshrink", "softshrink", "hardshrink", "threshold", "squareplus", "sparse_plus",
    "sparse_sigmoid", "exponential", "identity", "step", "sign", "arctan", "lecun_tanh", "bent_identity",
    "isru", "isrlu", "gaussian", "sinc", "sinusoid", "tanhexp", "squared_relu", "elish", "sqnl", "snake",
    "bipolar_sigmoid", "shifted_softplus",
)


def _entries() -> list[Spec]:
    """Every Spec the family modules bind to a name, in listing order."""
    found = [value for module in FAMILIES for value in vars(module).values() if isinstance(value, Spec)]
    last = len(LISTING_ORDER)
    return sorted(found, key=lambda spec: LISTING_ORDER.index(spec.name) if spec.name in LISTING_ORDER else last)


REGISTRY: dict[str, Spec] = {spec.name: spec for spec in _entries()}
ALIASES: dict[str, str] = {alias: spec.name for spec in REGISTRY.values() for alias in spec.aliases}

# The frameworks whose defaults an entry may declare; PyTorch's are the entries' own.
# Keras 2 is apart from Keras 3 where their defaults differ (hard_sigmoid).
FRAMEWORKS = ("torch", "jax", "keras", "keras2")
PRESETS: dict[str, dict[str, dict[str, Any]]] = {
    framework: {spec.name: dict(spec.presets[framework]) for spec in REGISTRY.values() if framework in spec.presets}
    for framework in FRAMEWORKS
}


def names() -> list[str]:
    """The canonical names of all registered functions, in registry order."""
    return list(REGISTRY)


# Functions from outside the registry, by the name a command was given them
# ('mypkg.acts:my_act', a third party's entry point), once loaded
# (:func:`actviz.expr.load`).
EXTERNAL: dict[str, Spec] = {}


def spec_of(name: str) -> Spec | VectorSpec:
    """The entry of a canonical name, a vector function's and a loaded
    external function's included."""
    if name in EXTERNAL:
        return EXTERNAL[name]
    key = resolve_name(name)
    return VECTOR.get(key) or REGISTRY[key]


def resolve_name(name: str) -> str:
    """The canonical name for `name` or one of its aliases (case and '-'
    forgiven): an elementwise function's, a gated function's (GATED) or a
    vector function's (VECTOR)."""
    key = name.strip().lower().replace("-", "_")
    if key in REGISTRY or key in GATED or key in VECTOR:
        return key
    if key in ALIASES:
        return ALIASES[key]
    import difflib  # here, not at the top: a millisecond of every start-up, for a hint

    close = difflib.get_close_matches(key, [*REGISTRY, *ALIASES, *GATED, *VECTOR], n=1, cutoff=0.6)
    hint = f"; did you mean {ALIASES.get(close[0], close[0])!r}?" if close else ""
    raise ActvizError(f"unknown activation {name!r}{hint}")


def get(name: str, preset: str | None = None, **params: Any) -> Activation | Gated | Vector:
    """The activation `name` (or an alias) bound to `params`: an
    :class:`Activation`; a :class:`Gated` for a gated function, a function
    of two inputs (``get("swiglu")``), which takes no parameters and whose
    gate is PyTorch's; or a :class:`Vector` for a vector function
    (``get("softmax", temperature=2)``).

    Parameters not given take the preset's defaults: ``preset="torch"`` (the
    default), ``"jax"`` or ``"keras"`` (the vector functions' defaults are
    the same in all).  Raises :class:`ActvizError` for an unknown name,
    preset or parameter, a value outside its domain, or values that break
    one of the entry's constraints (rrelu's lower <= upper).
    """
    canonical = name if name in EXTERNAL else resolve_name(name)
    preset = preset or "torch"
    if preset not in PRESETS:
        raise ActvizError(f"unknown preset {preset!r}; choose from {', '.join(PRESETS)}")
    if canonical in GATED:
        if params or preset != "torch":
            raise ActvizError(f"{canonical} takes no parameters and no preset "
                              f"(its gate is PyTorch's {GATED[canonical].gate})")
        return Gated(GATED[canonical], cast(Activation, get(GATED[canonical].gate)))  # a gate is elementwise
    spec: Spec | VectorSpec = EXTERNAL.get(canonical) or VECTOR.get(canonical) or REGISTRY[canonical]
    known = {p.name: p for p in spec.params}
    for key in params:
        if key not in known:
            allowed = ", ".join(known) if known else "none"
            raise ActvizError(f"{spec.name} has no parameter {key!r} (parameters: {allowed})")
    values = {p.name: p.default for p in spec.params}
    values.update(PRESETS[preset].get(spec.name, {}))
    values.update({key: known[key].parse(value) for key, value in params.items()})
    if isinstance(spec, VectorSpec):
        return Vector(spec, values)
    for constraint in spec.constraints:
        if not constraint.holds(values):
            raise ActvizError(f"{spec.name}: {constraint.message.format(**values)}")
    return Activation(spec, values)


def family(name: str, values: Mapping[str, Any], preset: str | None = None) -> list[Activation | Gated | Vector]:
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
