"""What an entry of the registry is made of, and a function bound to its
parameter values.

:class:`Spec` is one entry: the kernels, the formulas and every fact a plot
or a table needs, each given once, by keyword.  A fact that depends on the
parameters is given as a function of their values (``lambda p:
Interval(-p["alpha"], math.inf)``); :class:`Activation` binds an entry to
values and answers with the facts for those values.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Container, Mapping, Sequence, cast, overload

import numpy as np
import numpy.typing as npt


# What a kernel takes (finite values only) and returns.
Array = npt.NDArray[np.float64]


class ActvizError(ValueError):
    """A user's mistake: an unknown name, a bad parameter, a bad range."""


# A decimal number as a person types it: no digit separators ('1_0', which
# Python's float reads as 10), no hexadecimal, no digits of other scripts.
_NUMBER = re.compile(r"[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?|inf|infinity|nan)", re.ASCII | re.IGNORECASE)


def parse_number(text: str) -> float:
    """'-800', '1e-300', '.5', 'inf', 'nan' as a float; ValueError for
    anything else, '1_0' and '0x10' included."""
    if not _NUMBER.fullmatch(text.strip()):
        raise ValueError(f"not a number: {text!r}")
    return float(text)


@dataclass(frozen=True)
class Parameter:
    """A named parameter with its default and its domain."""

    name: str
    default: Any
    description: str
    valid: Callable[[Any], bool] = math.isfinite
    domain: str = "a finite number"
    choices: tuple[str, ...] = ()

    def parse(self, value: Any) -> Any:
        """Convert a user's value (a string or a number) and check its domain."""
        if self.choices:
            text = str(value).lower()
            if text not in self.choices:
                raise ActvizError(
                    f"parameter {self.name!r} must be one of {', '.join(self.choices)}; got {value!r}")
            return text
        try:
            number = parse_number(value) if isinstance(value, str) else float(value)
        except (TypeError, ValueError):
            raise ActvizError(f"parameter {self.name!r} must be a number; got {value!r}") from None
        if math.isnan(number) or not self.valid(number):
            raise ActvizError(f"parameter {self.name!r} must be {self.domain}; got {value!r}")
        return number


def positive(name: str, default: float, description: str) -> Parameter:
    """A parameter that must be a finite number > 0."""
    return Parameter(name, default, description, lambda v: 0 < v < math.inf, "a finite number > 0")


@dataclass(frozen=True)
class Constraint:
    """A condition on several parameters at once, with the sentence that
    says what is wrong, a template over the parameter values."""

    holds: Callable[[Mapping[str, Any]], bool]
    message: str  # "lower ({lower:g}) must not exceed upper ({upper:g})"


@dataclass(frozen=True)
class Interval:
    """An interval of the real line; open at an end unless that end is closed."""

    lo: float
    hi: float
    lo_closed: bool = False
    hi_closed: bool = False

    @property
    def bounded(self) -> bool:
        return math.isfinite(self.lo) and math.isfinite(self.hi)

    def __contains__(self, y: float) -> bool:
        above = y >= self.lo if self.lo_closed else y > self.lo
        below = y <= self.hi if self.hi_closed else y < self.hi
        return bool(above and below)

    def __str__(self) -> str:
        def show(v: float) -> str:
            return "∞" if v == math.inf else "-∞" if v == -math.inf else f"{v:.6g}"
        return f"{'[' if self.lo_closed else '('}{show(self.lo)}, {show(self.hi)}{']' if self.hi_closed else ')'}"


# The most elements a kernel is given at once (see Activation._evaluate): twice
# smooth_rectifiers.SCIPY_MIN_SIZE at least.
PIECE = 2 ** 20

Fact = Any  # a value, or a function of the parameter values that returns it


@dataclass(frozen=True, kw_only=True)
class Spec:
    """Everything actviz knows about one activation function, by keyword.

    `latex` and `dlatex` are the formulas in mathtext, `text` and `dtext`
    the same in plain text ("f(x) = ...", "f'(x) = ...") for terminals and
    tables.
    """

    name: str
    aliases: tuple[str, ...] = ()
    summary: str
    f: Callable[..., Array]
    df: Callable[..., Array]
    d2f: Callable[..., Array]
    latex: str
    dlatex: str
    text: str
    dtext: str
    params: tuple[Parameter, ...] = ()
    constraints: tuple[Constraint, ...] = ()
    presets: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # framework -> its defaults
    domain: Fact = Interval(-math.inf, math.inf)  # the Interval where f is defined; NaN outside
    output_range: Fact           # the Interval of f's values, its finite ends attained or approached
    limits: Fact                 # (f(−∞), f(+∞)), at a finite end of the domain f's limit there; NaN: none
    dlimits: Fact                # (f'(−∞), f'(+∞)), likewise
    d2limits: Fact = None        # (f''(−∞), f''(+∞)), where f' is unbounded
    kinks: Fact = ()             # f continuous, f' jumps
    jumps: Fact = ()             # f jumps
    smooth_breaks: Fact = ()     # f' continuous, f'' jumps (C¹ pieces)
    df_at_kinks: Fact = field(default_factory=dict)  # {x: f'(x)} at every kink and jump: PyTorch's side
    monotonic: Fact = True       # non-decreasing; "decreasing" for one that never increases
    continuity: Fact = "C∞"
    symmetry: Fact = "none"      # "odd", "even" or "none"
    xlim: Fact = (-5.0, 5.0)     # a default plotting range
    torch: Fact = None           # the PyTorch module, a template over the parameters (None: none exists)
    training_slopes: Fact = None  # (lo, hi): in training, f(x) = a·x for x < 0 with a ~ U[lo, hi] (RReLU)
    pieces: Fact = ()            # ((w, b), ...): f is the max of the lines w·x + b (maxout)
    reference: str = ""
    # What a reader must know of a function actviz did not write (a formula or
    # callable of the user's, a third party's entry): the first is the short
    # note every figure of it carries, and `info` prints them all.
    caveats: tuple[str, ...] = ()


def _resolve(value: Fact, params: Mapping[str, Any]) -> Any:
    return value(params) if callable(value) else value


@dataclass(frozen=True)
class Activation:
    """A registered function bound to parameter values.

    ``f``, ``df`` and ``d2f`` accept anything numpy can turn into a float64
    array and return a float64 array of the same shape (a numpy scalar for a
    scalar).  NaN gives NaN and ±inf gives the limit at ±∞; outside the
    domain (±inf included, where the domain ends before it) the values are NaN.
    """

    spec: Spec
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.spec.name

    @overload
    def f(self, x: float) -> np.float64: ...
    @overload
    def f(self, x: npt.NDArray[Any] | Sequence[float]) -> Array: ...
    @overload
    def f(self, x: npt.ArrayLike) -> Any: ...

    def f(self, x: npt.ArrayLike) -> Any:
        """The function's values at x."""
        return self._evaluate(self.spec.f, x, self.limits)

    @overload
    def df(self, x: float) -> np.float64: ...
    @overload
    def df(self, x: npt.NDArray[Any] | Sequence[float]) -> Array: ...
    @overload
    def df(self, x: npt.ArrayLike) -> Any: ...

    def df(self, x: npt.ArrayLike) -> Any:
        """The derivative's values at x (PyTorch's one-sided value at a kink)."""
        return self._evaluate(self.spec.df, x, self.dlimits)

    @overload
    def d2f(self, x: float) -> np.float64: ...
    @overload
    def d2f(self, x: npt.NDArray[Any] | Sequence[float]) -> Array: ...
    @overload
    def d2f(self, x: npt.ArrayLike) -> Any: ...

    def d2f(self, x: npt.ArrayLike) -> Any:
        """The second derivative's values at x.

        Where f' jumps, f'' takes the one-sided value on the side f' takes
        (relu''(0) = 0, elu''(0) = α); the Dirac mass of the jump itself is
        not represented.  Where only f'' jumps, the value is stated in the
        kernel's docstring.
        """
        return self._evaluate(self.spec.d2f, x, self.d2limits)

    def _evaluate(self, kernel: Callable[..., Array], x: npt.ArrayLike, limits: tuple[float, float]) -> Any:
        x = np.asarray(x, dtype=np.float64)
        if x.size <= PIECE:
            return self._evaluate_piece(kernel, x, limits)
        # In equal pieces of PIECE elements at most, so that a kernel's temporaries (ten or so
        # arrays the size of its input) take tens of megabytes, whatever the size of x; every
        # piece holds PIECE/2 elements or more, so Φ comes from scipy for each as for the whole.
        out = np.empty(x.shape)
        flat_x, flat_out = x.reshape(-1), out.reshape(-1)
        bounds = np.linspace(0, x.size, -(-x.size // PIECE) + 1).astype(np.int64)
        for start, stop in zip(bounds[:-1], bounds[1:]):
            flat_out[start:stop] = self._evaluate_piece(kernel, flat_x[start:stop], limits)
        return out

    def _evaluate_piece(self, kernel: Callable[..., Array], x: Array, limits: tuple[float, float]) -> Any:
        finite = np.isfinite(x)
        # Overflow is left silent because it is only reached where the true
        # result itself is beyond the double range (e^710, 2·1e308): the
        # kernels are arranged so no intermediate overflows otherwise.
        with np.errstate(over="ignore"):
            if finite.all():
                out = kernel(x, **self.params)
            else:
                out = kernel(np.where(finite, x, 0.0), **self.params)
                domain = self.domain
                out = np.where(x == -np.inf, limits[0] if domain.lo == -math.inf else math.nan, out)
                out = np.where(x == np.inf, limits[1] if domain.hi == math.inf else math.nan, out)
                out = np.where(np.isnan(x), np.nan, out)
        return out[()] if out.ndim == 0 else out

    def _meta(self, attribute: str) -> Any:
        return _resolve(getattr(self.spec, attribute), self.params)

    @property
    def domain(self) -> Interval:
        """The Interval where f is defined; NaN outside."""
        return self._meta("domain")

    @property
    def output_range(self) -> Interval:
        """The Interval of f's values."""
        return self._meta("output_range")

    @property
    def limits(self) -> tuple[float, float]:
        """(f(−∞), f(+∞)); NaN where none exists."""
        return self._meta("limits")

    @property
    def dlimits(self) -> tuple[float, float]:
        """(f'(−∞), f'(+∞))."""
        return self._meta("dlimits")

    @property
    def d2limits(self) -> tuple[float, float]:
        """(f''(−∞), f''(+∞)): as declared where f' is unbounded (eˣ, max(0, x)²);
        otherwise 0 where f' has a finite limit and NaN where it has none."""
        if self.spec.d2limits is not None:
            return self._meta("d2limits")
        return cast("tuple[float, float]", tuple(0.0 if math.isfinite(v) else math.nan for v in self.dlimits))

    pieces = property(lambda self: tuple(self._meta("pieces")),
                      doc="(w, b) of each line w·x + b that f is the max of (maxout); () otherwise.")
    training_slopes = property(lambda self: self._meta("training_slopes"),
                               doc="(lo, hi) of the random slope on x < 0 in training (RReLU); None otherwise.")
    kinks = property(lambda self: tuple(self._meta("kinks")), doc="Where f is continuous but f' jumps.")
    jumps = property(lambda self: tuple(self._meta("jumps")), doc="Where f itself jumps.")
    smooth_breaks = property(lambda self: tuple(self._meta("smooth_breaks")),
                             doc="Where a C¹ piecewise f has a kink in f'.")
    df_at_kinks = property(lambda self: dict(self._meta("df_at_kinks")),
                           doc="f' at every kink and jump, the one-sided value PyTorch takes.")
    monotonic = property(lambda self: self._meta("monotonic") not in (False, "decreasing"), doc="f never decreases.")
    decreasing = property(lambda self: self._meta("monotonic") == "decreasing", doc="f never increases.")

    @property
    def continuity(self) -> str:
        """'C0', 'C1', 'C2', 'C∞' or 'discontinuous'."""
        return self._meta("continuity")

    @property
    def symmetry(self) -> str:
        """'odd', 'even' or 'none'."""
        return self._meta("symmetry")

    xlim = property(lambda self: tuple(self._meta("xlim")), doc="A default plotting range.")

    @property
    def bounded(self) -> bool:
        return self.output_range.bounded

    @property
    def zero_centred(self) -> bool:
        """f is odd, so inputs symmetric about 0 give outputs with mean 0."""
        return self.symmetry == "odd"

    @property
    def asymptotes(self) -> tuple[float, ...]:
        """The horizontal asymptotes: the finite limits of f at ±∞."""
        return tuple(sorted({v for v in self.limits if math.isfinite(v)}))

    @property
    def derivative_jumps(self) -> tuple[float, ...]:
        """Where f' jumps: f's kinks and f's own jumps."""
        return tuple(sorted({*self.kinks, *self.jumps}))

    @property
    def torch(self) -> str | None:
        """The PyTorch module that computes the same function, as code."""
        template: str | None = self._meta("torch")
        if not template:
            return None
        return template.format(**{k: _python_literal(v) for k, v in self.params.items()})

    @property
    def changed_params(self) -> dict[str, Any]:
        """The parameters that differ from the registry's defaults."""
        return changed_params(self.spec.params, self.params)

    @property
    def label(self) -> str:
        """The name, with the non-default parameters: 'leaky_relu(negative_slope=0.2)'."""
        return labelled(self.name, self.changed_params)

    def _repr_mimebundle_(self, include: Container[str] | None = None,
                          exclude: Container[str] | None = None) -> dict[str, str | bytes]:
        """What Jupyter shows for ``actviz.get("gelu")``: the figure ``actviz
        plot gelu -d`` draws, as SVG (its text as outlines, so that it looks
        the same whatever fonts the reader has), or as PNG where the caller
        wants no SVG (`include` and `exclude` as IPython passes them).

        One format, drawn only when asked: IPython computes every format an
        object offers each time it is displayed (the notebook then shows the
        richest, SVG before PNG), so ``_repr_svg_`` and ``_repr_png_`` side
        by side would draw every figure twice.
        """
        wanted = [mime for mime in ("image/svg+xml", "image/png")
                  if (not include or mime in include) and mime not in (exclude or ())]
        if not wanted:
            return {}
        from ..look import Look
        from ..plotting import FigureOptions, figure, render
        look = Look()
        fig = figure([self], FigureOptions(derivative=True), look)
        if wanted[0] == "image/png":
            return {"image/png": render(fig, "png", look=look)}
        return {"image/svg+xml": render(fig, "svg", svg_text="path", look=look).decode("utf-8")}


def _python_literal(value: Any) -> Any:
    """Parameters as Python source: 0.25, inf as float('inf'), strings bare
    (the templates quote them where PyTorch wants a string)."""
    if isinstance(value, float) and math.isinf(value):
        return "float('inf')" if value > 0 else "-float('inf')"
    return value


def changed_params(declared: tuple[Parameter, ...], values: Mapping[str, Any]) -> dict[str, Any]:
    """The values that differ from their parameters' defaults."""
    return {p.name: values[p.name] for p in declared if values[p.name] != p.default}


def labelled(name: str, changed: Mapping[str, Any]) -> str:
    """'leaky_relu(negative_slope=0.2)': a name with its changed parameters."""
    text = ", ".join(f"{k}={format_value(v)}" for k, v in changed.items())
    return f"{name}({text})" if text else name


def format_value(value: Any) -> str:
    """0.2 as '0.2', 'tanh' as 'tanh': how a parameter value is shown."""
    return f"{value:g}" if isinstance(value, float) else str(value)


def describe_params(spec: Spec) -> str:
    """'negative_slope=0.01' style, for listings."""
    return ", ".join(f"{p.name}={format_value(p.default)}" for p in spec.params)
