"""Figures as pgfplots code, written by actviz from its own exact samples.

:func:`figure` returns the text of a ``.tex`` file that draws what
:func:`actviz.plotting.figure` draws as a PNG (the same x- and y-ranges,
colours, shaded regions, marks, legend and title) as readable pgfplots
code: one ``\\addplot`` per piece of a curve, with a few dozen to a few
hundred coordinates each, and real LaTeX text, so the figure takes the
document's fonts.  No matplotlib: everything comes from the registry and
:mod:`actviz.analysis`.

Each curve is sampled adaptively (:func:`sample`): an interval is halved
until the chord between its ends lies within a fraction of a point of the
curve, measured in the units the figure is printed in, and points that a
straight line through their neighbours already covers are dropped again.
Straight stretches take two coordinates, corners stay sharp (breakpoints
are always samples) and the polyline stays within :data:`TOLERANCE_PT` of
the exact curve.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from . import analysis
from .functions import Activation, ActvizError
from .look import SHADE

STYLES = Path(__file__).with_name("styles")
TOLERANCE_PT = 0.5      # the drawn polyline's farthest distance from the exact curve
PT_PER_INCH = 72.27     # TeX points; a matplotlib point is a big point (bp), 1/72 inch
PREAMBLE = (r"\usepackage{pgfplots}" "\n"
            r"\pgfplotsset{compat=1.18}" "\n"
            r"\usepgfplotslibrary{groupplots}" "\n"
            r"\usetikzlibrary{patterns, backgrounds}" "\n"
            r"\usepackage{amsmath}")
# The room around the axes' frame, in cm, for what pgfplots puts there:
# tick labels left and below, the title above, one row of the legend.
_MARGIN = {"left": 1.3, "right": 0.4, "title": 1.0, "panel_title": 0.6, "ticks": 0.8, "legend_row": 0.55,
           "between": 1.6}
CM = PT_PER_INCH / 2.54


# ---------------------------------------------------------------------------
# Adaptive sampling
# ---------------------------------------------------------------------------

def _distance_to_chord(px, py, ax, ay, bx, by):
    """Distance of points P from the segments AB (arrays, in points)."""
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.clip(np.where(length2 > 0, ((px - ax) * dx + (py - ay) * dy) / length2, 0.0), 0.0, 1.0)
    return np.hypot(px - (ax + t * dx), py - (ay + t * dy))


_PROBES = np.array([0.2, 0.4, 0.5, 0.6, 0.8])  # where a chord is checked against the curve


def _refine(g, x, scale, tolerance, rounds=48):
    """`x` with every interval halved until the chord between its ends
    lies within `tolerance` points of g at five probes inside it, or until
    the interval is 2⁻⁴⁸ of its first width.  An interval with one end
    where g is not finite is halved all the way, to find where the curve
    ends; one with no finite end is left alone."""
    sx, sy = scale
    x = np.asarray(x, dtype=float)
    done = [x]
    left, right = x[:-1], x[1:]
    for _ in range(rounds):
        if not left.size:
            break
        yl, yr = g(left), g(right)
        probes = left[:, None] + (right - left)[:, None] * _PROBES
        yp = g(probes)
        with np.errstate(invalid="ignore", over="ignore"):
            far = _distance_to_chord(sx * probes, sy * yp, sx * left[:, None], sy * yl[:, None],
                                     sx * right[:, None], sy * yr[:, None]).max(axis=1)
        finite_ends = np.isfinite(yl) & np.isfinite(yr)
        split = np.where(finite_ends, ~(far <= tolerance) & np.isfinite(yp).all(axis=1) | ~np.isfinite(far),
                         np.isfinite(yl) | np.isfinite(yr))
        split &= (right - left) > np.spacing(np.maximum(abs(left), abs(right))) * 4
        middle = 0.5 * (left[split] + right[split])
        done.append(middle)
        left, right = np.concatenate([left[split], middle]), np.concatenate([middle, right[split]])
    return np.unique(np.concatenate(done))


def _simplify(px, py, tolerance):
    """The indices of the points to keep so that the polyline through them
    passes within `tolerance` of every point dropped (Douglas–Peucker);
    each run of finite points is simplified on its own."""
    keep = np.zeros(len(px), dtype=bool)
    finite = np.isfinite(px) & np.isfinite(py)
    keep[~finite] = True
    edges = np.flatnonzero(np.diff(np.concatenate([[0], finite.astype(int), [0]])))
    stack = [(a, b - 1) for a, b in zip(edges[::2], edges[1::2])]
    while stack:
        a, b = stack.pop()
        keep[a] = keep[b] = True
        if b - a < 2:
            continue
        inner = slice(a + 1, b)
        d = _distance_to_chord(px[inner], py[inner], px[a], py[a], px[b], py[b])
        worst = int(np.argmax(d))
        if d[worst] > tolerance:
            stack += [(a, a + 1 + worst), (a + 1 + worst, b)]
    return np.flatnonzero(keep)


def sample(g: Callable, lo: float, hi: float, scale: tuple[float, float], *,
           breaks: Sequence[float] = (), tolerance: float = TOLERANCE_PT) -> tuple[np.ndarray, np.ndarray]:
    """Samples (x, g(x)) of a continuous piece of a curve on [lo, hi] whose
    polyline stays within `tolerance` points of the curve, drawn at `scale`
    (points per unit of x and of y); non-finite values are NaN, breaking
    the line.

    Half the tolerance goes to refining a grid of 17 points (and every
    point of `breaks`), half to dropping the points the refined polyline
    does not need: the two errors add up to at most `tolerance`."""
    seeds = np.concatenate([np.linspace(lo, hi, 17), [b for b in breaks if lo < b < hi]])
    x = _refine(g, np.unique(seeds), scale, tolerance / 2)
    y = np.asarray(g(x), dtype=float)
    with np.errstate(invalid="ignore", over="ignore"):
        kept = _simplify(scale[0] * x, scale[1] * y, tolerance / 2)
    x, y = x[kept], y[kept]
    return x, np.where(np.isfinite(y), y, np.nan)


def _clip_band(x, y, lo, hi):
    """The polyline (x, y) cut where it leaves the band lo ≤ y ≤ hi, with a
    NaN wherever it is outside: pgfplots cannot take coordinates far beyond
    its axes, and a point moved onto the band would tilt the visible line."""
    xs, ys = [], []
    for i in range(len(x)):
        inside = lo <= y[i] <= hi
        if i and np.isfinite(y[i - 1]) and np.isfinite(y[i]):
            for level in (lo, hi):
                if (y[i - 1] - level) * (y[i] - level) < 0:
                    t = (level - y[i - 1]) / (y[i] - y[i - 1])
                    xs.append(x[i - 1] + t * (x[i] - x[i - 1]))
                    ys.append(level)
                    if not inside:
                        xs.append(np.nan)
                        ys.append(np.nan)
        if inside:
            xs.append(x[i])
            ys.append(y[i])
        elif not ys or np.isfinite(ys[-1]):
            xs.append(np.nan)
            ys.append(np.nan)
    return np.array(xs), np.array(ys)


# ---------------------------------------------------------------------------
# LaTeX text
# ---------------------------------------------------------------------------

_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "_": r"\_", "^": r"\^{}", "&": r"\&", "%": r"\%",
            "#": r"\#", "$": r"\$", "\\$": r"\$", "~": r"\textasciitilde{}", "′": "$'$", "→": r"$\rightarrow$", "×": r"$\times$", "−": "$-$",
            "≈": r"$\approx$", "≤": r"$\leq$", "≥": r"$\geq$", "±": r"$\pm$", "∞": r"$\infty$", "–": "--",
            "—": "---", "‖": r"$\|$", "\n": r"\\"}


def tex_text(text: str) -> str:
    """`text` as LaTeX: what lies between dollar signs is math, as in the
    PNG's mathtext, and kept; elsewhere LaTeX's special characters are
    escaped and a few symbols written as math.  Any other character beyond
    Latin-1 is refused, since pdflatex would stop at it."""
    out = []
    for i, part in enumerate(re.split(r"(?<!\\)(\$[^$]*(?<!\\)\$)", text)):
        if i % 2:
            out.append(part)
            continue
        for char in re.findall(r"\\\$|.", part, flags=re.S):  # `\$` is a dollar sign, as in mathtext
            if char in _SPECIAL:
                out.append(_SPECIAL[char])
            elif ord(char) < 0x100:
                out.append(char)
            else:
                raise ActvizError(f"cannot write {char!r} (U+{ord(char):04X}) in a .tex figure: pdflatex has "
                                  "no glyph for it; write it in LaTeX between dollar signs")
    return "".join(out)


def _number(value: float, quantum: float) -> str:
    """`value` in as few digits as keep it within `quantum` (a hundred-thousandth
    of the axis span): '1.41421', '-0.17', '3e-07'."""
    if not math.isfinite(value):
        return "nan"
    if value == 0 or abs(value) < quantum / 2:
        return "0"
    digits = max(1, min(17, math.floor(math.log10(abs(value))) - math.floor(math.log10(quantum)) + 1))
    text = f"{value:.{digits}g}"
    return text.replace("e+", "e").replace("e0", "e").replace("e-0", "e-")


def _short(v: float) -> str:
    return f"{v:.4g}" if abs(v) > 1e-12 else "0"


# ---------------------------------------------------------------------------
# The theme, read from the same .mplstyle files as the PNG's
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Theme:
    palette: tuple[str, ...]   # HTML colours of the curves, in order
    paper: str
    ink: str
    edge: str
    grid: str
    linewidth: float           # bp

    @property
    def dark(self) -> bool:
        return self.paper != "FFFFFF"


_SHADE = {kind: (colour.lstrip("#"), alpha) for kind, (colour, alpha, _) in SHADE.items()}  # the PNG's


def _html(value: str) -> str:
    """A matplotlib colour from a style file ('0072B2', '0.88', 'white') in HTML form."""
    value = value.strip().strip("'\"").lstrip("#")
    if re.fullmatch(r"[0-9A-Fa-f]{6}", value):
        return value.upper()
    if value == "white":
        return "FFFFFF"
    grey = round(255 * float(value))
    return f"{grey:02X}" * 3


def theme(name: str) -> Theme:
    """The colours and line width of a shipped theme, read from its style file."""
    path = STYLES / f"{name}.mplstyle"
    if not path.is_file():
        raise ActvizError(f"unknown theme {name!r}")
    rc = {}
    for line in path.read_text().splitlines():
        key, sep, value = line.split("#", 1)[0].partition(":")
        if sep:
            rc[key.strip()] = value.strip()
    cycle = rc["axes.prop_cycle"]
    if "marker" in cycle:
        raise ActvizError(f"--theme {name} tells curves apart by markers, which a .tex figure does not draw yet; "
                          "use --theme light or dark")
    colours = re.search(r"'color',\s*\[([^]]*)\]", cycle)[1]
    palette = tuple(_html(c) for c in re.findall(r"'([^']+)'", colours))
    return Theme(palette, _html(rc.get("axes.facecolor", "white")), _html(rc.get("text.color", "0.1")),
                 _html(rc.get("axes.edgecolor", "0.25")), _html(rc.get("grid.color", "0.88")),
                 float(rc.get("lines.linewidth", "2.4")))


# ---------------------------------------------------------------------------
# What a panel shows
# ---------------------------------------------------------------------------

@dataclass
class _Panel:
    """The axes of one panel: its ranges, frame and the LaTeX drawn in it,
    in layers (fills beneath curves beneath marks beneath labels), each
    command with the overlay (member) it belongs to, or None for all."""

    xlim: tuple[float, float]
    ylim: tuple[float, float]
    size: tuple[float, float]                   # frame width, height in points
    title: str | None = None
    layers: dict[str, list[tuple[int | None, str]]] = field(
        default_factory=lambda: {k: [] for k in ("fill", "rule", "curve", "dmark", "mark", "label")})
    legend: list[tuple[int | None, str, str]] = field(default_factory=list)  # (member, image, entry)
    labels_pt: list[tuple[float, float, float, float]] = field(default_factory=list)

    @property
    def scale(self) -> tuple[float, float]:
        return (self.size[0] / (self.xlim[1] - self.xlim[0]), self.size[1] / (self.ylim[1] - self.ylim[0]))

    def x(self, value: float) -> str:
        return _number(value, 1e-5 * (self.xlim[1] - self.xlim[0]))

    def y(self, value: float) -> str:
        return _number(value, 1e-5 * (self.ylim[1] - self.ylim[0]))

    def point(self, x: float, y: float) -> str:
        return f"({self.x(x)},{self.y(y)})"

    def at(self, x: float, y: float) -> str:
        return f"(axis cs:{self.x(x)},{self.y(y)})"

    def add(self, layer: str, member: int | None, text: str) -> None:
        self.layers[layer].append((member, text))


@dataclass(frozen=True)
class _Drawn:
    """One curve to draw: f or f′ of one function."""

    act: Activation
    derivative: bool
    colour: str
    label: str
    dashed: bool
    width: float
    member: int | None


def _style(d: _Drawn) -> str:
    dash = f", dash pattern=on {_bp(5 * d.width)} off {_bp(2.5 * d.width)}" if d.dashed else ""
    return f"{d.colour}, line width={_bp(d.width)}{dash}"


def _bp(value: float) -> str:
    return f"{value:.3g}bp"


def _curves(acts, function, derivative, formula, thm, members) -> list[_Drawn]:
    """The curves `plotting.plot` draws, in its colours: f solid; f′ dashed
    in the same colour, or in the next when one function is drawn."""
    single = len(acts) == 1
    drawn = []
    for i, (act, name) in enumerate(zip(acts, analysis.curve_labels(acts))):
        colour = f"actviz{i + 1}"
        member = members[i]
        if function:
            label = tex_text(name) + (rf"\quad {act.spec.latex}" if formula else "")
            drawn.append(_Drawn(act, False, colour, label, False, thm.linewidth, member))
        if derivative:
            dcolour = f"actviz{i + 2}" if single and function else colour
            label = tex_text(name) + "$'$" + (rf"\quad {act.spec.dlatex}" if formula else "")
            drawn.append(_Drawn(act, True, dcolour, label, function, thm.linewidth * (0.85 if function else 1),
                                member))
    return drawn


def _panel(acts, *, function, derivative, shade, threshold, xlim, ylim, formula, annotate, size, thm,
           members, title=None) -> _Panel:
    """One panel as `plotting.plot` draws it on its axes."""
    lo, hi = xlim if xlim is not None else analysis.common_xlim(acts)
    drawn = _curves(acts, function, derivative, formula, thm, members)
    exact = [analysis.curve(d.act, lo, hi, derivative=d.derivative) for d in drawn]
    values = np.concatenate([c.y for c in exact] + [[j.left, j.right, j.value] for c in exact for j in c.jumps])
    levels = analysis.framed_asymptotes(acts, values) if function and annotate else []
    if ylim is None:
        ylim = analysis.padded_ylim(values, levels)
    panel = _Panel((lo, hi), tuple(ylim), size, title)
    if shade and len(acts) == 1:
        _shade(panel, acts[0], threshold)
    for level in levels:
        panel.add("rule", None, rf"\draw[asymptote] {panel.at(lo, level)} -- {panel.at(hi, level)};")
    (y0, y1) = panel.ylim
    if y0 < 0 < y1:
        panel.add("rule", None, rf"\draw[origin] {panel.at(lo, 0)} -- {panel.at(hi, 0)};")
    if lo < 0 < hi:
        panel.add("rule", None, rf"\draw[origin] {panel.at(0, y0)} -- {panel.at(0, y1)};")
    for d, c in zip(drawn, exact):
        _draw_curve(panel, d, c)
    if function:
        for d in drawn:
            kinks = [k for k in d.act.kinks if lo < k < hi] if not d.derivative else []
            if kinks:
                points = " ".join(panel.point(k, float(d.act.f(k))) for k in kinks)
                panel.add("mark", d.member, rf"\addplot[kink, {d.colour}] coordinates {{{points}}};")
    if annotate and len(acts) == 1:
        colours = [d.colour for d in drawn]
        if function:
            _mark_stationary(panel, acts[0], colours[0], drawn)
        if derivative:
            _mark_peak(panel, acts[0], colours[-1], drawn)
    return panel


def _shade(panel, act, threshold):
    """The dead and saturated regions in view, as the analysis defines them, each kind in the legend once."""
    (lo, hi), (y0, y1) = panel.xlim, panel.ylim
    kinds = []
    for region in analysis.clip(analysis.regions(act, threshold), lo, hi):
        panel.add("fill", None, rf"\fill[{region.kind}] {panel.at(region.lo, y0)} rectangle {panel.at(region.hi, y1)};")
        if region.kind not in kinds:
            kinds.append(region.kind)
    # \rightarrow, not \to, which stops pgfplots' legend ("Missing control sequence").
    words = {"dead": r"dead: $f' = 0$",
             "saturated": rf"saturated: $f \rightarrow$ constant, $|f'| < {threshold:g}$"}
    for kind in kinds:
        panel.legend.append((None, f"area legend, {kind}, draw=none", words[kind]))


def _draw_curve(panel, d: _Drawn, exact: analysis.Curve):
    """Each piece between jumps as one \\addplot, sampled adaptively; at a
    jump a filled mark on the value taken and open ones on the one-sided
    limits: circles for f (their hole in the paper's colour), squares for
    f′, beneath f's and see-through."""
    g = d.act.df if d.derivative else d.act.f
    breaks = analysis.breakpoints(d.act)
    pieces = np.split(exact.x, np.flatnonzero(np.isnan(exact.x)))
    band = (panel.ylim[0] - 10 * (panel.ylim[1] - panel.ylim[0]), panel.ylim[1] + 10 * (panel.ylim[1] - panel.ylim[0]))
    for piece in pieces:
        piece = piece[np.isfinite(piece)]
        x, y = sample(g, float(piece[0]), float(piece[-1]), panel.scale, breaks=breaks)
        x, y = _clip_band(x, y, *band)
        coordinates = _coordinates(panel, x, y)
        panel.add("curve", d.member, rf"\addplot[{_style(d)}, forget plot] coordinates {{{coordinates}}};")
    panel.legend.append((d.member, _style(d), d.label))
    shape, layer = ("square", "dmark") if d.derivative else ("circle", "mark")
    for jump in exact.jumps:
        for y in {jump.left, jump.right} - {jump.value}:
            panel.add(layer, d.member, rf"\addplot[open {shape}, {d.colour}] coordinates {{{panel.point(jump.x, y)}}};")
        panel.add(layer, d.member, rf"\addplot[{shape}, {d.colour}] coordinates {{{panel.point(jump.x, jump.value)}}};")


def _coordinates(panel, x, y, per_line=6):
    """'(x,y) (x,y) …', a few to a line."""
    points = [f"({panel.x(a)},{panel.y(b)})" for a, b in zip(x, y)]
    lines = [" ".join(points[i:i + per_line]) for i in range(0, len(points), per_line)]
    return "\n    " + "\n    ".join(lines) + "\n"


def _mark_stationary(panel, act, colour, drawn):
    """Each minimum and maximum of f in view, as a diamond with its (x, f(x))."""
    lo, hi = panel.xlim
    for point in analysis.stationary_points(act, lo, hi):
        if lo < point.x < hi:
            panel.add("mark", None, rf"\addplot[stationary, {colour}] coordinates {{{panel.point(point.x, point.y)}}};")
            text = rf"{point.kind}\\$({_short(point.x)}, {_short(point.y)})$"
            _label(panel, text, point.x, point.y, colour, drawn)


def _mark_peak(panel, act, colour, drawn):
    """The isolated maximum of |f′|, as a diamond with its value and place."""
    lo, hi = panel.xlim
    peak = analysis.max_abs_derivative(act, lo, hi)
    if not peak.isolated or not math.isfinite(peak.value):
        return
    y = float(act.df(peak.x))
    panel.add("mark", None, rf"\addplot[stationary, {colour}] coordinates {{{panel.point(peak.x, y)}}};")
    _label(panel, rf"max $f' = {_short(y)}$\\at $x = {_short(peak.x)}$", peak.x, y, colour, drawn)


# Where a label may sit: offsets (points) from its point to the nearest
# corner or edge of its box, nearest first, as the PNG's labels try them.
_OFFSETS = [(8, 8), (-8, 8), (8, -8), (-8, -8), (0, 12), (0, -12), (14, 26), (-14, 26), (14, -26),
            (-14, -26), (0, -30), (26, 46), (-26, 46), (26, -46), (-26, -46), (0, -50),
            (40, 72), (-40, 72), (40, -72), (-40, -72), (0, -80)]


def _label(panel, text, x, y, colour, drawn):
    """A two-line label near a point, at the first offset where its box, as
    estimated from its length in the small font (5 pt a character, 12 pt a
    line), stays inside the frame and meets no curve and no other label."""
    (lo, hi), (y0, _) = panel.xlim, panel.ylim
    sx, sy = panel.scale
    px, py = sx * (x - lo), sy * (y - y0)
    plain = re.sub(r"\\\\", "\n", re.sub(r"[${}]|\\[a-z]+", "", text))
    width = 5.0 * max(len(line) for line in plain.split("\n")) + 6
    height = 12.0 * (plain.count("\n") + 1) + 8
    xs = np.linspace(lo, hi, 801)
    points = np.concatenate([np.column_stack([sx * (xs - lo), sy * ((d.act.df if d.derivative else d.act.f)(xs) - y0)])
                             for d in drawn])

    def box(offset):
        dx, dy = offset
        left = px + dx if dx > 0 else px + dx - width if dx < 0 else px - width / 2
        bottom = py + dy if dy >= 0 else py + dy - height
        return left, bottom, left + width, bottom + height

    def cost(offset):
        a, b, c, e = box(offset)
        outside = a < 0 or b < 0 or c > panel.size[0] or e > panel.size[1]
        hits = np.any((points[:, 0] > a) & (points[:, 0] < c) & (points[:, 1] > b) & (points[:, 1] < e))
        overlaps = sum(a < o[2] and o[0] < c and b < o[3] and o[1] < e for o in panel.labels_pt)
        return 1000 * outside + 100 * hits + 100 * overlaps + 0.01 * (abs(offset[0]) + abs(offset[1]))

    dx, dy = min(_OFFSETS, key=cost)
    panel.labels_pt.append(box((dx, dy)))
    anchor = ("south" if dy >= 0 else "north") + (" west" if dx > 0 else " east" if dx < 0 else "")
    panel.add("label", None, rf"\node[point label, text={colour}, anchor={anchor}, xshift={dx}bp, yshift={dy}bp] "
                             rf"at {panel.at(x, y)} {{{text}}};")


# ---------------------------------------------------------------------------
# The whole figure
# ---------------------------------------------------------------------------

def figure(acts: Sequence[Activation], *, derivative: bool = False, derivative_only: bool = False,
           layout: str = "auto", shade: bool = True, threshold: float = analysis.DEFAULT_THRESHOLD,
           formula: bool = False, xlim: tuple[float, float] | None = None, ylim: tuple[float, float] | None = None,
           size: tuple[float, float] = (8.0, 4.5), title: str | None = None, theme_name: str = "light",
           transparent: bool = False, standalone: bool = False, overlays: bool = False) -> str:
    """The text of a .tex file drawing `acts` as :func:`actviz.plotting.figure`
    does with the same options (`size` in inches, the whole figure).

    Without `standalone` the file is a ``tikzpicture`` to ``\\input`` into a
    document whose preamble has :data:`PREAMBLE`; with it, a ``standalone``
    document that compiles on its own.  `overlays` shows one function per
    Beamer slide (``\\only<k>``), on axes that stay put.  The --grid layout
    is refused, and the PNG's magnifying inset is not drawn.
    """
    acts = list(acts)
    if not acts:
        raise ActvizError("nothing to plot: give at least one function")
    if layout == "grid":
        raise ActvizError("--grid cannot be written as a .tex figure (one panel per function); "
                          "write one .tex per function, or a .png, .svg or .pdf")
    if overlays and len(acts) < 2:
        raise ActvizError("--beamer-overlays shows one function per slide: give several, e.g. a family "
                          "(-p negative_slope=0.01,0.1,0.3)")
    thm = theme(theme_name)
    draw_f, draw_df = not derivative_only, derivative or derivative_only
    if layout == "side" and not (draw_f and draw_df):
        raise ActvizError("--layout side puts f and f′ side by side: it needs -d, and not --derivative-only")
    if layout == "auto":
        family = len(acts) > 1 and len({a.name for a in acts}) == 1
        layout = "side" if family and draw_f and draw_df else "overlay"
    members = list(range(1, len(acts) + 1)) if overlays else [None] * len(acts)
    options = dict(shade=shade, threshold=threshold, formula=formula, thm=thm, members=members)
    rows = _legend_rows(acts, draw_f, draw_df, layout, size)
    if layout == "side":
        width = (size[0] - (_MARGIN["left"] + _MARGIN["between"] + _MARGIN["right"]) / 2.54) / 2
        height = size[1] - (_MARGIN["title"] + _MARGIN["panel_title"] + _MARGIN["ticks"]
                            + rows * _MARGIN["legend_row"]) / 2.54
        frame = _frame(width, height)
        panels = [_panel(acts, function=True, derivative=False, xlim=xlim, ylim=ylim, annotate=True, size=frame,
                         title="$f(x)$", **options),
                  _panel(acts, function=False, derivative=True, xlim=xlim, ylim=None, annotate=True, size=frame,
                         title="$f'(x)$", **options)]
    else:
        width = size[0] - (_MARGIN["left"] + _MARGIN["right"]) / 2.54
        height = size[1] - (_MARGIN["title"] + _MARGIN["ticks"] + rows * _MARGIN["legend_row"]) / 2.54
        panels = [_panel(acts, function=draw_f, derivative=draw_df, xlim=xlim, ylim=ylim, annotate=True,
                         size=_frame(width, height), **options)]
    heading = tex_text(title if title is not None else analysis.title_for(acts, derivative_only))
    legend = _legend(panels, acts, draw_f, draw_df, layout)
    body = _picture(panels, heading, legend, thm, transparent, size)
    return _document(body, acts, layout, standalone, overlays)


def _frame(width_in, height_in):
    """The axes' frame in points, refused when the figure leaves it no room."""
    if width_in < 0.8 or height_in < 0.6:
        raise ActvizError("the figure is too small for its tick labels, title and legend as a .tex figure: "
                          "give a larger --size")
    return width_in * PT_PER_INCH, height_in * PT_PER_INCH


def _legend_rows(acts, draw_f, draw_df, layout, size):
    entries = _legend_texts(acts, draw_f, draw_df, layout) + ["saturated: f -> constant, |f'| < 0.05"]
    columns = _legend_columns(entries, size)
    return math.ceil(len(entries) / columns)


def _legend_texts(acts, draw_f, draw_df, layout):
    names = analysis.curve_labels(acts)
    if layout == "side" or (len(acts) > 1 and draw_f and draw_df):
        return names + ([] if layout == "side" else ["f' (dashed)"])
    return [n + s for n in names for s, drawn in (("", draw_f), ("'", draw_df)) if drawn]


def _legend_columns(texts, size):
    """As many columns as the figure's width holds, at about 5 pt a character."""
    per_entry = 5.0 * max(len(t) for t in texts) + 40
    return max(1, min(len(texts), int(size[0] * PT_PER_INCH // per_entry)))


def _legend(panels, acts, draw_f, draw_df, layout):
    """The legend's (member, image, entry) rows as `plotting._figure_legend`
    chooses them: each function once when several share the axes, with one
    key saying dashed is f′; the shaded regions last."""
    rows = [row for panel in panels for row in panel.legend]
    curves = [r for r in rows if not r[1].startswith("area legend")]
    shading = list(dict.fromkeys(r for r in rows if r[1].startswith("area legend")))
    if layout == "side":
        curves = curves[:len(acts)]
    elif len(acts) > 1 and draw_f and draw_df:
        curves = [r for r in curves if "dash pattern" not in r[1]]
        curves.append((None, "actvizgrey, dash pattern=on 5bp off 2.5bp, line width=2.04bp", "$f'$ (dashed)"))
    return curves + shading


def _picture(panels, heading, legend, thm, transparent, size):
    """The tikzpicture: colours and styles, then the axes."""
    used = sorted({int(n) for panel in panels for layer in panel.layers.values() for _, t in layer
                   for n in re.findall(r"actviz(\d+)", t)} | {int(n) for _, image, _ in legend
                                                          for n in re.findall(r"actviz(\d+)", image)})
    tikz, pgfplots = _styles(thm, transparent)
    lines = [r"\begin{tikzpicture}[", *[f"    {row}," for row in tikz], "]",
             r"\pgfplotsset{", *[f"    {row}," for row in pgfplots], "}",
             "% the colours of actviz's theme (Okabe-Ito in light and dark)"]
    for n in used:
        lines.append(rf"\definecolor{{actviz{n}}}{{HTML}}{{{thm.palette[(n - 1) % len(thm.palette)]}}}")
    for name, value in (("paper", thm.paper), ("ink", thm.ink), ("edge", thm.edge), ("gridline", thm.grid),
                        ("saturated", _SHADE["saturated"][0]), ("dead", _SHADE["dead"][0])):
        lines.append(rf"\definecolor{{actviz{name}}}{{HTML}}{{{value}}}")
    lines.append(r"\definecolor{actvizgrey}{HTML}{737373}")
    columns = _legend_columns([re.sub(r"[${}\\]", "", e) for _, _, e in legend] or ["x"], size)
    common = [f"scale only axis, width={panels[0].size[0] / CM:.2f}cm, height={panels[0].size[1] / CM:.2f}cm",
              "axis lines=left, axis line style={-, actvizedge}, tick style={actvizedge}",
              "grid=major, grid style={actvizgridline, line width=0.8bp}",
              "max space between ticks=50, title style={font=\\large, align=center}",
              "unbounded coords=jump, clip=true"]
    if len(panels) == 1:
        (panel,) = panels
        lines.append(r"\begin{axis}[")
        lines += [f"    {row}," for row in common + _limits(panel) + [f"title={{{heading}}}",
                  f"legend style={{legend columns={columns}, at={{(xticklabel cs:0.5)}}, anchor=north}}"]]
        lines.append("]")
        lines += _contents(panel, legend)
        lines.append(r"\end{axis}")
    else:
        centre = -(_MARGIN["between"] * CM) / (2 * panels[0].size[0])
        lines.append(r"\begin{groupplot}[")
        lines += [f"    {row}," for row in common + [
            f"group style={{group size={len(panels)} by 1, horizontal sep={_MARGIN['between']}cm}}"]]
        lines.append("]")
        for i, panel in enumerate(panels):
            last = i == len(panels) - 1
            extra = [f"title={{{panel.title}}}"]
            if last:
                extra.append(f"legend style={{legend columns={columns}, at={{(xticklabel cs:{centre:.4f})}}, "
                             "anchor=north}")
            lines.append(r"\nextgroupplot[" + ", ".join(_limits(panel) + extra) + "]")
            lines += _contents(panel, legend if last else [])
        lines.append(r"\end{groupplot}")
        lines.append(rf"\node[anchor=south, font=\large, align=center] at (current bounding box.north) {{{heading}}};")
    lines.append(r"\end{tikzpicture}")
    return "\n".join(lines) + "\n"


def _styles(thm, transparent):
    """The picture's named styles: TikZ's for what is filled and ruled, pgfplots' for the marks."""
    lw = thm.linewidth
    tikz = [r"saturated/.style={fill=actvizsaturated, fill opacity=0.22}",
            r"dead/.style={fill=actvizdead, fill opacity=0.16, postaction={pattern=north east lines, "
            r"pattern color=actvizdead, fill opacity=0.45}}",
            r"asymptote/.style={actvizgrey, line width=0.9bp, dash pattern=on 2.7bp off 2.7bp}",
            r"origin/.style={actvizedge, line width=0.9bp}",
            r"point label/.style={font=\small, align=center, fill=actvizpaper, fill opacity=0.85, "
            r"text opacity=1, inner sep=1.5pt}"]
    if thm.dark and not transparent:
        tikz.append(r"background rectangle/.style={fill=actvizpaper}, show background rectangle")
    pgfplots = [r"every axis/.append style={font=\normalsize, text=actvizink}",
                r"legend style={draw=none, fill=none, text=actvizink, font=\small, "
                r"/tikz/every even column/.append style={column sep=1em}}",
                r"legend cell align=left",
                r"kink/.style={only marks, mark=*, mark size=2.5bp, forget plot}",
                r"stationary/.style={only marks, mark=diamond*, mark size=4bp, forget plot}",
                r"circle/.style={only marks, mark=*, mark size=3.5bp, forget plot}",
                r"open circle/.style={only marks, mark=*, mark size=3.5bp, "
                f"mark options={{fill=actvizpaper, line width={lw * 0.75:.3g}bp}}, forget plot}}",
                r"square/.style={only marks, mark=square*, mark size=3.25bp, forget plot}",
                r"open square/.style={only marks, mark=square, mark size=3.25bp, "
                f"mark options={{line width={lw * 0.75:.3g}bp}}, forget plot}}"]
    return tikz, pgfplots


def _limits(panel):
    (x0, x1), (y0, y1) = panel.xlim, panel.ylim
    return [f"xmin={panel.x(x0)}, xmax={panel.x(x1)}, ymin={panel.y(y0)}, ymax={panel.y(y1)}"]


def _only(member, text):
    return text if member is None else rf"\only<{member}>{{{text}}}"


def _contents(panel, legend):
    lines = []
    for layer in panel.layers.values():
        lines += [_only(member, text) for member, text in layer]
    for member, image, entry in legend:
        lines.append(_only(member, rf"\addlegendimage{{{image}}}\addlegendentry{{{entry}}}"))
    return lines


def _document(body, acts, layout, standalone, overlays):
    head = ["% Drawn by actviz from its own samples: " + ", ".join(a.label for a in acts),
            "% pgfplots code; the preamble it needs:"] + ["%   " + line for line in PREAMBLE.split("\n")]
    if overlays:
        head.append(r"% One function per Beamer slide (\only<k>): \input it inside a frame.")
    if not standalone:
        return "\n".join(head) + "\n" + body
    document = [r"\documentclass[" + ("beamer" if overlays else "border=4pt") + "]{standalone}",
                PREAMBLE, r"\begin{document}"]
    if overlays:
        document += [r"\begin{standaloneframe}", body.rstrip("\n"), r"\end{standaloneframe}"]
    else:
        document.append(body.rstrip("\n"))
    document.append(r"\end{document}")
    return "\n".join(head + document) + "\n"
