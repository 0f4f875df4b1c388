"""What can be said about an activation without drawing it: pure numpy.

The words a figure or a table uses are defined here, once:

* a **dead** region is a whole piece of a piecewise function on which f' is
  identically 0 (ReLU's x < 0), taken from the registry's breakpoints, never
  from values that happen to underflow;
* a **saturated** region is a tail reaching ±∞ on which |f'| < threshold
  throughout while f tends to a finite limit there (both tails of sigmoid,
  the left tail of ELU); Leaky ReLU, whose f → −∞, has none;
* a **stationary point** is where a continuous f' crosses 0 (GELU's
  minimum); it is a point, never a region.

Also the maximum of |f'|, curves sampled for plotting with real breaks at
jumps, and the summary behind ``actviz info``.  Everything is computed from
the bound :class:`~actviz.functions.Activation`'s ``f`` and ``df``, so a
figure or a table can never disagree with the numbers.
"""
from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from typing import Any, Callable, TypeVar, cast

import numpy as np
import numpy.typing as npt

from .functions import Activation, ActvizError, Gated, format_value
from .functions.core import Array
from .functions.gated import CONVENTION

DEFAULT_THRESHOLD = 0.05
KINDS = ("saturated", "dead")


@dataclass(frozen=True)
class Region:
    """An x-interval, ends possibly ±∞, of kind ``saturated`` or ``dead``."""

    lo: float
    hi: float
    kind: str

    @property
    def dead(self) -> bool:
        return self.kind == "dead"

    def __str__(self) -> str:
        return f"({format_number(self.lo)}, {format_number(self.hi)}) {self.kind}"


@dataclass(frozen=True)
class Stationary:
    """A point where a continuous f' crosses 0: a minimum or maximum of f."""

    x: float
    y: float
    kind: str


@dataclass(frozen=True)
class Discontinuity:
    """A jump of a curve at x: the limits from each side and the value taken."""

    x: float
    left: float
    right: float
    value: float


@dataclass(frozen=True)
class Curve:
    """Samples of f or f' ready to draw: NaN separates the pieces at jumps."""

    x: np.ndarray
    y: np.ndarray
    jumps: tuple[Discontinuity, ...]


@dataclass(frozen=True)
class Peak:
    """The maximum of |f'|: its value, where it is reached, and whether that
    is a single interior point (sigmoid'(0) = 1/4) rather than a plateau or
    a limit (relu' = 1 on all of x > 0)."""

    value: float
    x: float
    isolated: bool


def format_number(value: float, digits: int = 10) -> str:
    """∞, -∞, or `digits` significant digits: how text output shows a number."""
    if value == math.inf:
        return "∞"
    if value == -math.inf:
        return "-∞"
    return f"{value:.{digits}g}"


_SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def figure_number(value: float, digits: int = 3) -> str:
    """`digits` significant digits, a power of ten as ×10⁻⁷, a true minus
    sign; an exact zero (of either sign) as 0.

    A value that `digits` digits write exactly is written short (0.25, 1.5);
    a rounded one keeps its trailing zeros (σ′ = 0.2498 as 0.250), so that
    no rounded number passes for an exact one.
    """
    if value == 0:
        return "0"
    text = f"{value:.{digits}g}"
    if float(text) != value:
        text = f"{value:#.{digits}g}".replace(".e", "e").rstrip(".")
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}×10{str(int(exponent)).translate(_SUPERSCRIPTS)}"
    return text.replace("-", "−")


def monotonicity(act: Activation) -> bool | str:
    """True where f never decreases, "decreasing" where it never increases
    (softmin's two-class form, maxout of falling pieces), False otherwise."""
    return act.monotonic or ("decreasing" if act.decreasing else False)


def right_hand_side(formula: str) -> str:
    """A formula without its "f(x) = " or "f'(x) = ": what a column headed
    f(x) or f'(x) shows."""
    return re.sub(r"^f'?\(x\) = ", "", formula)


# ---------------------------------------------------------------------------
# What is found once per function within a run
# ---------------------------------------------------------------------------

class _Bound:
    """An Activation as a cache key: its registry entry (by identity, held
    here so that the identity cannot be reused) and its parameter values."""

    __slots__ = ("act", "key")

    def __init__(self, act: Activation):
        self.act = act
        self.key = (id(act.spec), tuple(act.params.items()))

    def __hash__(self) -> int:
        return hash(self.key)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Bound) and self.key == other.key


_Analysis = TypeVar("_Analysis", bound=Callable[..., Any])


def _remembered(most: int = 1024) -> Callable[[_Analysis], _Analysis]:
    """`compute(act, ...)`, found once per function, parameter values and
    arguments within a run (the `most` recent ones), since a figure asks for
    a function's regions three times and the gallery draws a function in
    several figures.  The answers are immutable (a list is handed out as a
    fresh copy, arrays are read-only)."""
    def remember(compute: _Analysis) -> _Analysis:
        @functools.lru_cache(maxsize=most)
        def known(bound: _Bound, args: tuple[Any, ...], kwargs: tuple[tuple[str, Any], ...]) -> Any:
            return compute(bound.act, *args, **dict(kwargs))

        @functools.wraps(compute)
        def answer(act: Activation, *args: Any, **kwargs: Any) -> Any:
            found = known(_Bound(act), args, tuple(kwargs.items()))
            return list(found) if isinstance(found, list) else found
        return cast(_Analysis, answer)
    return remember


# ---------------------------------------------------------------------------
# Root finding on doubles
# ---------------------------------------------------------------------------

_SIGN = np.int64(-2 ** 63)


def _ordered(x: npt.ArrayLike) -> npt.NDArray[np.int64]:
    """Doubles as int64 keys in the same order, neighbours one apart (±0 both 0)."""
    bits = np.asarray(x, dtype=np.float64).view(np.int64)
    return np.where(bits < 0, -(bits & ~_SIGN), bits)


def _from_ordered(k: npt.NDArray[np.int64]) -> np.ndarray:
    return np.where(k < 0, (-k) | _SIGN, k).view(np.float64)


# Points classified at once by each step of :func:`_bisect`, plus one.
_SECTIONS = 64


def _bisect(inside: Callable[[np.ndarray], Any], left: float, right: float) -> tuple[float, float]:
    """Shrink the bracket [left, right], whose ends `inside` classifies
    differently, to two neighbouring doubles.

    Each step classifies 63 points spread evenly over the count of doubles
    between the ends, not over the distance, in one call of `inside` (a
    kernel costs about as much on 63 points as on one), and keeps the first
    section whose ends are classified differently: at most 11 steps for any
    bracket, from 1e-320 to 1e308 alike, and the pair bisection would find
    wherever the class changes once in the bracket."""
    a, b = (int(k) for k in _ordered([left, right]))  # Python ints: b − a cannot overflow
    side = bool(inside(_from_ordered(np.array([a])))[0])
    while b - a > 1:
        keys = sorted({a + (b - a) * k // _SECTIONS for k in range(1, _SECTIONS)} - {a, b})
        changed = np.flatnonzero(inside(_from_ordered(np.array(keys))) != side)
        if changed.size:
            a, b = (keys[changed[0] - 1] if changed[0] else a), keys[changed[0]]
        else:
            a = keys[-1]
    return float(_from_ordered(np.array([a]))[0]), float(_from_ordered(np.array([b]))[0])


def _root(g: Callable[[npt.ArrayLike], Any], target: float, a: float, b: float) -> float:
    """The correctly rounded root of g(x) = target in [a, b], where g - target
    changes sign: bisect to neighbouring doubles, keep the nearer one."""
    lo, hi = _bisect(lambda t: g(t) < target, a, b)
    return lo if abs(g(lo) - target) <= abs(g(hi) - target) else hi


# ---------------------------------------------------------------------------
# Dead and saturated regions, stationary points
# ---------------------------------------------------------------------------

def breakpoints(act: Activation) -> tuple[float, ...]:
    """Every point where the piecewise definition changes."""
    return tuple(sorted({*act.kinks, *act.jumps, *act.smooth_breaks}))


def domain_ends(act: Activation) -> list[tuple[float, float, float]]:
    """(x, f's limit, f′'s limit) at each finite end of f's domain."""
    return [(end, act.limits[side], act.dlimits[side])
            for side, end in enumerate((act.domain.lo, act.domain.hi)) if math.isfinite(end)]


def poles(act: Activation) -> tuple[float, ...]:
    """The finite ends of f's domain where f or f′ grows without bound
    (soft exponential's x → 1/α − α for α < 0, where f → −∞ like a log)."""
    return tuple(end for end, f, df in domain_ends(act) if math.isinf(f) or math.isinf(df))


def _sorted_distinct(x: np.ndarray) -> np.ndarray:
    """What np.unique returns for a float array, without the import of
    numpy.ma that np.unique triggers on first use (a tenth of a second, which
    `plot --term` would pay on every start)."""
    x = np.sort(x)
    return x[np.concatenate([[True], x[1:] != x[:-1]])] if x.size else x


def _reach(start: float, num: int) -> np.ndarray:
    """`num` distances from `start` growing geometrically to the largest double."""
    return np.append(np.geomspace(start, 1e308, num - 1), np.finfo(float).max)


def _probe(a: float, b: float) -> np.ndarray:
    """Points strictly inside (a, b), ends possibly ±∞, at every scale: the
    neighbours of each finite end, a spread across a bounded interval, and
    1e-300 … 1e308 away from a finite end towards an infinite one."""
    with np.errstate(over="ignore", invalid="ignore"):  # near ±1.8e308
        reach = _reach(1e-300, 400)
        if math.isinf(a) and math.isinf(b):
            x: Array = np.concatenate([-reach, [0.0], reach])
        elif math.isinf(a) or math.isinf(b):
            end, direction = (b, -1.0) if math.isinf(a) else (a, 1.0)
            x = np.concatenate([[np.nextafter(end, direction * math.inf)], end + direction * reach])
        else:
            t = np.concatenate([np.geomspace(1e-15, 1e-2, 14), np.linspace(0.02, 0.98, 49)])
            x = np.concatenate([[np.nextafter(a, b), np.nextafter(b, a)], a * (1 - t) + b * t, b * (1 - t) + a * t])
        return x[np.isfinite(x) & (x > a) & (x < b)]


@_remembered()
def dead_regions(act: Activation) -> list[Region]:
    """The pieces of a piecewise function on which f' is identically 0,
    neighbouring pieces merged (all of the line for `step`).

    Only whole pieces between declared breakpoints qualify, so a derivative
    that merely underflows (GELU's below x ≈ -38.6) is never called dead."""
    edges = [-math.inf, *breakpoints(act), math.inf]
    merged: list[list[float]] = []
    for a, b in zip(edges[:-1], edges[1:]):
        x = _probe(a, b)
        if x.size and not np.any(act.df(x)):
            if merged and merged[-1][1] == a:
                merged[-1][1] = b
            else:
                merged.append([a, b])
    return [Region(a, b, "dead") for a, b in merged]


def _line_grid(act: Activation) -> np.ndarray:
    """All of the double line: dense over the function's own scale and
    around its breakpoints, geometric out to ±1.8e308."""
    lo, hi = act.xlim
    scale = min(16.0 * max(abs(lo), abs(hi), 1.0), 1e300)
    far = _reach(scale, 1600)
    parts = [-far, np.linspace(-scale, scale, 8001), far]
    with np.errstate(over="ignore"):  # breakpoints near ±1.8e308
        for b in breakpoints(act):
            offsets = max(1.0, abs(b)) * np.geomspace(1e-12, 1.0, 25)
            parts.append(np.concatenate([b - offsets, [b], b + offsets]))
    x = np.concatenate(parts)
    return _sorted_distinct(x[np.isfinite(x)])


@_remembered(most=16)
def _line_slopes(act: Activation) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_line_grid` and |f'| on it, read-only: the saturated regions
    and the peak of |f'| both start from them."""
    x = _line_grid(act)
    slopes = np.abs(act.df(x))
    x.flags.writeable = slopes.flags.writeable = False
    return x, slopes


@_remembered()
def saturated_regions(act: Activation, threshold: float = DEFAULT_THRESHOLD) -> list[Region]:
    """The tails where f levels off: |f'| < threshold from the edge out to
    ±∞ at an end where f has a finite limit.  A tail that is dead (ReLU6's
    x > 6) is left to :func:`dead_regions`, with what remains of it between
    the dead piece and the edge (squared ReLU's 0 < x < 0.025), which does
    not reach ±∞.

    Each edge is the correctly rounded root of |f'(x)| = threshold, found
    wherever it lies (softsign's, for a threshold of 1e-4, is at |x| = 99)."""
    left_finite, right_finite = (math.isfinite(v) for v in act.limits)
    if not (left_finite or right_finite):
        return []
    x, slopes = _line_slopes(act)
    steep = np.flatnonzero(slopes >= threshold)

    def slope(t: npt.ArrayLike) -> Any:
        return np.abs(act.df(t))
    tails = []
    if not steep.size:
        # Flat throughout: saturated where f levels off at both ends; where it
        # levels off at one only (max(0.01x, 0) rises for ever), no tail ends.
        tails += [(-math.inf, math.inf)] if left_finite and right_finite else []
    else:
        first, last = steep[0], steep[-1]
        if left_finite and first > 0:
            tails.append((-math.inf, _root(slope, threshold, x[first - 1], x[first])))
        if right_finite and last < len(x) - 1:
            tails.append((_root(slope, threshold, x[last], x[last + 1]), math.inf))
    return [Region(lo, hi, "saturated") for lo, hi in _subtract(tails, dead_regions(act))
            if math.isinf(lo) or math.isinf(hi)]


def _subtract(intervals: list[tuple[float, float]], regions: list[Region]) -> list[tuple[float, float]]:
    """The (lo, hi) `intervals` less every region."""
    for region in regions:
        pieces = []
        for lo, hi in intervals:
            if lo < min(hi, region.lo):
                pieces.append((lo, min(hi, region.lo)))
            if max(lo, region.hi) < hi:
                pieces.append((max(lo, region.hi), hi))
        intervals = pieces
    return intervals


def regions(act: Activation, threshold: float = DEFAULT_THRESHOLD) -> list[Region]:
    """Every dead and saturated region of `act` on the real line, in order."""
    return sorted([*dead_regions(act), *saturated_regions(act, threshold)], key=lambda r: r.lo)


def clip(found: list[Region], lo: float, hi: float) -> list[Region]:
    """The parts of `found` inside [lo, hi]."""
    return [Region(max(r.lo, lo), min(r.hi, hi), r.kind) for r in found if r.lo < hi and r.hi > lo]


@_remembered()
def stationary_points(act: Activation, lo: float, hi: float, *, num: int = 4001) -> list[Stationary]:
    """The minima and maxima of f in [lo, hi] where a continuous f' changes
    sign, each x the correctly rounded root of f'.

    A sign change across a kink (|x| at 0) is a corner, not a stationary
    point, no point of a dead region is one, and nothing outside f's domain
    (where f' is NaN) is one."""
    x, d = _grid_slopes(act, lo, hi, num)
    defined = ~np.isnan(d)
    corners = np.array(act.derivative_jumps)
    dead = dead_regions(act)
    found = []
    nonzero = np.flatnonzero(d != 0)
    turns = np.sign(d[nonzero[:-1]]) != np.sign(d[nonzero[1:]])
    for i, j in zip(nonzero[:-1][turns], nonzero[1:][turns]):
        if np.any((corners >= x[i]) & (corners <= x[j])) or not defined[i:j + 1].all():
            continue
        if j == i + 1:
            root = _root(act.df, 0.0, x[i], x[j]) if d[i] < 0 else _root(lambda t: -act.df(t), 0.0, x[i], x[j])
        elif j == i + 2:
            root = float(x[i + 1])  # f' is exactly 0 on the grid
        else:
            continue                # a run of zeros: a flat piece, not a point
        if any(r.lo <= root <= r.hi for r in dead):
            continue
        found.append(Stationary(root, float(act.f(root)), "minimum" if d[i] < 0 else "maximum"))
    return found


# ---------------------------------------------------------------------------
# The peak of |f'|
# ---------------------------------------------------------------------------

@_remembered()
def max_abs_derivative(act: Activation, lo: float | None = None, hi: float | None = None, *,
                       num: int = 4001) -> Peak:
    """The largest |f'| on [lo, hi] (by default on the whole line); when it
    is an isolated interior maximum, reached at the correctly rounded root of
    f'' (GELU's at exactly √2), where |f'| stops growing: f''·f' changes sign.
    Searching f' alone could locate it only to √ε, f' being flat there."""
    low, high = act.dlimits
    if math.isinf(low) or math.isinf(high):
        # |f'| grows without bound (eˣ, x²): the supremum is a limit, not a point.
        return Peak(math.inf, math.inf if math.isinf(high) else -math.inf, False)
    periodic = math.isnan(low) or math.isnan(high)
    whole_line = lo is None or hi is None
    if periodic and whole_line:
        lo, hi = act.xlim  # f' oscillates for ever (sine, snake): one period or so tells all
    if lo is None or hi is None:
        x, g = _line_slopes(act)
    else:
        x, g = _grid_slopes(act, lo, hi, num)
        g = np.abs(g)
    g = np.where(np.isnan(g), -np.inf, g)  # a formula of one's own can give ∞·0 far out: no value of |f'|
    i = int(np.argmax(g))
    if periodic and whole_line:
        # ... unless its swings grow without bound (x·cos x): then far out they dwarf those near 0.
        far = _line_slopes(act)[1]
        if np.nanmax(far) > 2.0 * g[i]:
            return Peak(math.inf, math.inf, False)
    isolated = (0 < i < len(x) - 1 and g[i - 1] < g[i] and g[i + 1] < g[i]
                and x[i] not in act.derivative_jumps and not periodic)
    if not isolated:
        return Peak(float(g[i]), float(x[i]), False)
    a, b = float(x[i - 1]), float(x[i + 1])
    lo_side, hi_side = _bisect(lambda t: act.d2f(t) * act.df(t) > 0, a, b)
    # f'' underflows near a root at 0 (σ''(x) ≈ −x/8): 0 itself, when in the bracket, wins ties.
    candidates = [lo_side, hi_side, *([0.0] if a < 0 < b else [])]
    best = min(candidates, key=lambda t: (abs(act.d2f(t)), abs(t)))
    return Peak(float(abs(act.df(best))), best, True)


def marked_peak(act: Activation, lo: float, hi: float) -> tuple[float, float] | None:
    """(x, f′(x)) at the isolated peak of |f′| on [lo, hi] that a figure
    marks, None where there is none; of a pair ±x where f′ is odd (lisht),
    the one where f′ > 0, which reads as a maximum."""
    peak = max_abs_derivative(act, lo, hi)
    if not peak.isolated or not math.isfinite(peak.value):
        return None
    x, y = peak.x, float(act.df(peak.x))
    if y < 0 and lo <= -x <= hi and float(act.df(-x)) == -y:
        x, y = -x, -y
    return x, y


# ---------------------------------------------------------------------------
# Curves to draw
# ---------------------------------------------------------------------------

def _grid(act: Activation, lo: float, hi: float, num: int) -> np.ndarray:
    """An even grid on [lo, hi], thickened geometrically on both sides of
    every breakpoint so that corners are drawn sharp and located exactly.
    Written as lo·(1 − t) + hi·t, it holds for [-1e308, 1e308] too."""
    t = np.linspace(0.0, 1.0, num)
    x = [lo * (1 - t) + hi * t]
    offsets = (0.5 * hi - 0.5 * lo) * np.geomspace(2e-9, 2e-2, 24)
    for b in breakpoints(act):
        if lo <= b <= hi:
            x.append(np.clip(np.concatenate([b - offsets, [b], b + offsets]), lo, hi))
    return _sorted_distinct(np.concatenate(x))


@_remembered(most=16)
def _grid_slopes(act: Activation, lo: float, hi: float, num: int) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_grid` and f' on it, read-only: the stationary points and the
    peak of |f'| in a view both start from them."""
    x = _grid(act, lo, hi, num)
    slopes = act.df(x)
    x.flags.writeable = slopes.flags.writeable = False
    return x, slopes


def curve(act: Activation, lo: float, hi: float, *, derivative: bool = False,
          num: int = 1201) -> Curve:
    """f (or f') sampled on [lo, hi], split into pieces at its jumps.

    Each piece ends at the last double before the jump, so the drawn line
    reaches the one-sided limit; NaN between pieces keeps the renderer from
    drawing a false vertical segment.
    """
    g = act.df if derivative else act.f
    cuts = [c for c in (act.derivative_jumps if derivative else act.jumps) if lo < c < hi]
    x = _grid(act, lo, hi, num)
    pieces_x, jumps = [], []
    edges = [lo, *cuts, hi]
    for a, b in zip(edges[:-1], edges[1:]):
        inner = x[(x > a) & (x < b)]
        start = a if a == lo else np.nextafter(a, np.inf)
        stop = b if b == hi else np.nextafter(b, -np.inf)
        pieces_x.append(np.concatenate([[start], inner, [stop]]))
    for c in cuts:
        left, right, value = g([np.nextafter(c, -np.inf), np.nextafter(c, np.inf), c])
        if not (left == right == value):
            jumps.append(Discontinuity(c, float(left), float(right), float(value)))
    if not jumps:
        pieces_x = [_sorted_distinct(np.concatenate(pieces_x))]
    xs: list[npt.ArrayLike] = []
    ys: list[npt.ArrayLike] = []
    for px in pieces_x:
        xs += [px, [np.nan]]
        ys += [g(px), [np.nan]]
    return Curve(np.concatenate(xs[:-1]), np.concatenate(ys[:-1]), tuple(jumps))


def common_xlim(acts: list[Activation]) -> tuple[float, float]:
    """The x-range of a figure of `acts`: the overlap of the functions' own
    ranges, widened to show every breakpoint (a union would let the widest,
    sigmoid's ±8, flatten the rest), with room beside the outermost
    breakpoints to see what changes there: 1, or a quarter of the distance
    between them."""
    lo, hi = max(a.xlim[0] for a in acts), min(a.xlim[1] for a in acts)
    points = [p for a in acts for p in breakpoints(a) if math.isfinite(p) and abs(p) < 1e6]
    if points:
        room = max(1.0, 0.25 * (max(points) - min(points)))
        lo, hi = min(lo, min(points) - room), max(hi, max(points) + room)
    if not lo < hi:
        lo, hi = min(a.xlim[0] for a in acts), max(a.xlim[1] for a in acts)
    if not math.isfinite(hi - lo):
        raise ActvizError(f"the x-range {lo:g} to {hi:g} of {curve_labels(acts)[0]} is wider than a figure can "
                          f"span; give --xlim")
    return lo, hi


# A drawn value beyond this is drawn at it: off any view whose limits were
# given, and out of reach of the automatic one (its margins would overflow).
DRAWABLE = 1e306


def _finite_range(values: npt.ArrayLike) -> tuple[float, float]:
    ys = np.asarray(values, dtype=float)
    ys = ys[np.isfinite(ys)]
    return (float(ys.min()), float(ys.max())) if ys.size else (0.0, 1.0)


def framed_asymptotes(acts: list[Activation], values: np.ndarray) -> list[float]:
    """The horizontal asymptotes (other than 0) that the drawn `values`
    approach: within one span of them.  CELU's −α = −10³⁰⁰ is not, on −5…5,
    and would flatten the curve to a line."""
    bottom, top = _finite_range(values)
    span = top - bottom or 1.0
    return sorted({y for a in acts for y in a.asymptotes if y != 0 and bottom - span <= y <= top + span})


def padded_ylim(values: np.ndarray, levels: list[float]) -> tuple[float, float]:
    """The y-range of a figure: every finite drawn value and asymptote
    `levels` in view, from 0 when all are well above it, with room above
    for labels (14 % of the span) and below (10 %).  The caller leaves out
    the values beside a pole, where the curve runs out of the frame."""
    bottom, top = _finite_range(values)
    for level in levels:
        bottom, top = min(bottom, level), max(top, level)
    if bottom > 0 and bottom < 0.25 * top:
        bottom = 0.0
    if max(-bottom, top) >= DRAWABLE:
        raise ActvizError(f"the values drawn go beyond ±{DRAWABLE:g}, more than a figure can frame; give --ylim")
    span = top - bottom or 1.0
    return bottom - 0.1 * span, top + 0.14 * span


def curve_labels(acts: list[Activation]) -> list[str]:
    """Each function's label; for a family of one function, just the values
    that vary ('negative_slope=0.1'), since the title names the function."""
    if len(acts) > 1 and len({a.name for a in acts}) == 1:
        varying = [k for k in acts[0].params if len({a.params[k] for a in acts}) > 1]
        return [", ".join(f"{k}={format_value(a.params[k])}" for k in varying) for a in acts]
    return [a.label for a in acts]


def title_for(acts: list[Activation], derivative_only: bool = False) -> str:
    """'gelu', 'sigmoid, tanh', the name of a family, or a count; primed
    ('relu′') when only the derivative is drawn."""
    prime = "′" if derivative_only else ""
    names = list(dict.fromkeys(a.name if len({b.name for b in acts}) == 1 else a.label for a in acts))
    if len(names) > 6:
        return f"{len(names)} activation functions" + (" (f′)" if prime else "")
    return ", ".join(n + prime for n in names)


# ---------------------------------------------------------------------------
# actviz info
# ---------------------------------------------------------------------------

def summary(act: Activation, threshold: float = DEFAULT_THRESHOLD) -> dict[str, Any]:
    """The facts `actviz info` prints, as plain Python values (JSON-ready).

    Stationary points are listed within the function's own plotting range
    (sinc and sine have infinitely many)."""
    lo, hi = act.xlim
    peak = max_abs_derivative(act)
    spec = act.spec
    return {
        "name": act.name,
        "aliases": list(spec.aliases),
        "summary": spec.summary,
        "parameters": dict(act.params),
        "formula": spec.text,
        "derivative": spec.dtext,
        "latex": spec.latex,
        "derivative_latex": spec.dlatex,
        "domain": str(act.domain),
        "domain_ends": [{"x": end, "f(x)": f, "df(x)": df} for end, f, df in domain_ends(act)],
        "range": str(act.output_range),
        "bounded": act.bounded,
        "f(0)": float(act.f(0.0)),
        "f'(0)": float(act.df(0.0)),
        "max|f'|": peak.value,
        "max|f'| at": peak.x if peak.isolated else None,
        "kinks": list(act.kinks),
        "jumps": list(act.jumps),
        "asymptotes": list(act.asymptotes),
        "limits": {"-inf": act.limits[0], "+inf": act.limits[1]},
        "saturation_threshold": threshold,
        "saturation": [{"from": r.lo, "to": r.hi, "kind": r.kind} for r in regions(act, threshold)],
        "stationary_points": [{"x": s.x, "f(x)": s.y, "kind": s.kind} for s in stationary_points(act, lo, hi)],
        "stationary_search": [lo, hi],
        "monotonic": monotonicity(act),
        "continuity": act.continuity,
        "symmetry": act.symmetry,
        "zero_centred": act.zero_centred,
        "torch": act.torch,
        "reference": spec.reference or None,
        "caveats": list(spec.caveats),
    }


@dataclass(frozen=True)
class GatePlace:
    """Where a gate's g′ is 0: the open interval (lo, hi) of b, or the
    point b = lo when lo == hi, and why it is 0 there (for a point)."""

    lo: float
    hi: float
    why: str = ""

    @property
    def point(self) -> bool:
        return self.lo == self.hi

    def inside(self) -> float:
        """A value of b in the place (g′ = 0 throughout, so g is constant on it)."""
        if self.point or math.isfinite(self.lo) and math.isfinite(self.hi):
            return (self.lo + self.hi) / 2
        return self.hi - 1.0 if math.isfinite(self.hi) else self.lo + 1.0 if math.isfinite(self.lo) else 0.0

    def __str__(self) -> str:
        """'b in (-∞, 0)', 'b = -1.278464543 (the minimum of silu)': as `actviz info` lists it."""
        if self.point:
            return f"b = {format_number(self.lo)} ({self.why})"
        return f"b in ({format_number(self.lo)}, {format_number(self.hi)})"


def gate_flat(gate: Activation) -> list[GatePlace]:
    """Where g′(b) = 0, so ∂f/∂b = a·g′(b) is 0 for every a: the gate's
    dead regions, its kinks where PyTorch's one-sided g′ is 0, and its
    stationary points (within the gate's plotting range, as `actviz info`
    lists them)."""
    return ([GatePlace(r.lo, r.hi) for r in dead_regions(gate)]
            + [GatePlace(k, k, "PyTorch's one-sided g′ there") for k, slope in gate.df_at_kinks.items() if slope == 0]
            + [GatePlace(s.x, s.x, f"the {s.kind} of {gate.name}") for s in stationary_points(gate, *gate.xlim)])


def gate_dead(gate: Activation) -> list[GatePlace]:
    """Where g(b) = 0 and g′(b) = 0: both ∂f/∂a = g(b) and ∂f/∂b = a·g′(b)
    are 0 for every a, and no gradient reaches either input (ReGLU for b ≤ 0)."""
    return [place for place in gate_flat(gate) if gate.f(place.inside()) == 0]


def gated_summary(gated: Gated) -> dict[str, Any]:
    """The facts `actviz info` prints for a gated function f(a, b) = a·g(b),
    as plain Python values (JSON-ready); those about g′ come from the gate's
    own analysis.

    ∂f/∂b = a·g′(b) is 0 where a = 0 and where g′(b) = 0 (:func:`gate_flat`)."""
    gate, spec = gated.gate, gated.spec
    flat = [str(place) for place in gate_flat(gate)]
    return {
        "name": gated.name,
        "summary": spec.summary,
        "inputs": ["a", "b"],
        "convention": f"f(a, b) = a·g(b): {CONVENTION}",
        "formula": spec.text,
        "df_da": spec.dtext_a,
        "df_db": spec.dtext_b,
        "latex": spec.latex,
        "df_da_latex": spec.dlatex_a,
        "df_db_latex": spec.dlatex_b,
        "gate": gate.name,
        "gate_formula": gate.spec.text,
        "f = 0 where": ["a = 0", *([spec.gate_zeros] if spec.gate_zeros else [])],
        "df_db = 0 where": ["a = 0", *flat],
        "df_da range": str(gate.output_range),
        "g(0)": float(gate.f(0.0)),
        "g'(0)": float(gate.df(0.0)),
        "continuity": gate.continuity,
        "torch": spec.torch,
        "reference": spec.reference,
    }
