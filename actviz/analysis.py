"""What can be said about an activation without drawing it: pure numpy.

Saturation regions, the maximum of |f'|, curves sampled for plotting with
real breaks at jumps, and the summary behind ``actviz info``.  Everything is
computed from the bound :class:`~actviz.functions.Activation`'s ``f`` and
``df``, so a figure or a table can never disagree with the numbers.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .functions import Activation

DEFAULT_THRESHOLD = 0.05
_BISECTIONS = 64


@dataclass(frozen=True)
class Region:
    """An x-interval where |f'| < threshold; `dead` when f' is exactly 0 on it."""

    lo: float
    hi: float
    dead: bool

    @property
    def kind(self) -> str:
        return "dead" if self.dead else "saturated"

    def __str__(self) -> str:
        def show(v):
            return "-∞" if v == -math.inf else "∞" if v == math.inf else f"{v:.6g}"
        return f"({show(self.lo)}, {show(self.hi)}) {self.kind}"


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


def _kind(d, threshold):
    """0 where |f'| ≥ threshold, 1 where it is small, 2 where it is exactly 0."""
    return np.where(d == 0, 2, np.where(np.abs(d) < threshold, 1, 0))


def _refine_edges(classify, left, right):
    """Bisect each bracket [left, right], whose ends classify differently,
    down to the last bit: the edge of a region, not the nearest grid point."""
    a, b = np.array(left, dtype=float), np.array(right, dtype=float)
    side = classify(a)
    for _ in range(_BISECTIONS):
        mid = 0.5 * (a + b)
        same = classify(mid) == side
        a, b = np.where(same, mid, a), np.where(same, b, mid)
    return 0.5 * (a + b)


def saturation_regions(act: Activation, lo: float, hi: float,
                       threshold: float = DEFAULT_THRESHOLD, *, num: int = 4001,
                       to_infinity: bool = False) -> list[Region]:
    """The intervals of [lo, hi] where |f'(x)| < threshold, split into dead
    parts (f' exactly 0) and saturated parts.

    With `to_infinity`, a region touching an end of [lo, hi] is extended to
    ±∞ when the limit of |f'| there is also below the threshold.
    """
    x = _grid(act, lo, hi, num)
    kind = _kind(act.df(x), threshold)
    change = np.flatnonzero(kind[1:] != kind[:-1])
    edges = _refine_edges(lambda t: _kind(act.df(t), threshold), x[change], x[change + 1])
    snap = 1e-8 * (hi - lo)
    for b in breakpoints(act):
        edges[np.abs(edges - b) <= snap] = b
    bounds = [x[0], *edges.tolist(), x[-1]]
    kinds = [kind[0], *kind[change + 1].tolist()]
    regions = []
    for a, b, k in zip(bounds[:-1], bounds[1:], kinds):
        if not k or b - a <= snap:  # a lone zero of f' (hardswish at −3/2) is no dead region
            continue
        if regions and regions[-1][1] >= a - snap and regions[-1][2] == (k == 2):
            regions[-1][1] = b
        else:
            regions.append([a, b, k == 2])
    if to_infinity and regions:
        low, high = act.dlimits
        if regions[0][0] == x[0] and abs(low) < threshold:
            regions[0][0] = -math.inf
        if regions[-1][1] == x[-1] and abs(high) < threshold:
            regions[-1][1] = math.inf
    return [Region(a, b, dead) for a, b, dead in regions]


@dataclass(frozen=True)
class Peak:
    """The maximum of |f'|: its value, where it is reached, and whether that
    is a single interior point (sigmoid'(0) = 1/4) rather than a plateau or
    a limit (relu' = 1 on all of x > 0)."""

    value: float
    x: float
    isolated: bool


def max_abs_derivative(act: Activation, lo: float, hi: float, *, num: int = 4001) -> Peak:
    """The largest |f'| on [lo, hi], refined by golden-section search when
    it is an isolated interior maximum."""
    low, high = act.dlimits
    if math.isinf(low) or math.isinf(high):
        # |f'| grows without bound (eˣ, x²): the supremum is a limit, not a point.
        return Peak(math.inf, math.inf if math.isinf(high) else -math.inf, False)
    x = _grid(act, lo, hi, num)
    g = np.abs(act.df(x))
    i = int(np.argmax(g))
    isolated = 0 < i < len(x) - 1 and g[i - 1] < g[i] and g[i + 1] < g[i] and x[i] not in act.derivative_jumps
    if not isolated:
        return Peak(float(g[i]), float(x[i]), False)
    a, b = x[i - 1], x[i + 1]
    ratio = (math.sqrt(5) - 1) / 2
    for _ in range(100):
        c, e = b - ratio * (b - a), a + ratio * (b - a)
        if abs(act.df(c)) >= abs(act.df(e)):
            b = e
        else:
            a = c
    xm = 0.5 * (a + b)
    best = max((xm, x[i]), key=lambda t: abs(act.df(t)))
    # Golden section locates a peak to about √ε; one that close to 0 is, for
    # the symmetric bumps (σ', tanh'), exactly at 0 when f'(0) is as high.
    if abs(best) < 1e-7 * max(1.0, hi - lo):
        best = 0.0 if abs(act.df(0.0)) >= abs(act.df(best)) else best
    return Peak(float(abs(act.df(best))), float(best), True)


def breakpoints(act: Activation) -> tuple[float, ...]:
    """Every point where the piecewise definition changes."""
    return tuple(sorted({*act.kinks, *act.jumps, *act.smooth_breaks}))


def _grid(act: Activation, lo: float, hi: float, num: int) -> np.ndarray:
    """An even grid on [lo, hi], thickened geometrically on both sides of
    every breakpoint so that corners are drawn sharp and located exactly."""
    x = [np.linspace(lo, hi, num)]
    scale = hi - lo
    offsets = scale * np.geomspace(1e-9, 1e-2, 24)
    for b in breakpoints(act):
        if lo <= b <= hi:
            x.append(np.clip(np.concatenate([b - offsets, [b], b + offsets]), lo, hi))
    return np.unique(np.concatenate(x))


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
        pieces_x = [np.unique(np.concatenate(pieces_x))]
    xs, ys = [], []
    for px in pieces_x:
        xs += [px, [np.nan]]
        ys += [g(px), [np.nan]]
    return Curve(np.concatenate(xs[:-1]), np.concatenate(ys[:-1]), tuple(jumps))


def summary(act: Activation, threshold: float = DEFAULT_THRESHOLD) -> dict:
    """The facts `actviz info` prints, as plain Python values (JSON-ready)."""
    lo, hi = act.xlim
    if not any(math.isnan(v) for v in act.dlimits):
        wide = max(50.0, 10 * max(abs(lo), abs(hi)))
        lo, hi = -wide, wide
    peak = max_abs_derivative(act, lo, hi, num=20001)
    regions = saturation_regions(act, lo, hi, threshold, num=20001, to_infinity=True)
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
        "saturation": [{"from": r.lo, "to": r.hi, "kind": r.kind} for r in regions],
        "monotonic": act.monotonic,
        "continuity": act.continuity,
        "symmetry": act.symmetry,
        "zero_centred": act.zero_centred,
        "torch": act.torch,
        "reference": spec.reference or None,
    }
