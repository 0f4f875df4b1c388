"""Figures of activation functions: matplotlib only, no click, no pyplot.

:func:`plot` draws on an Axes you own (a notebook's) and returns the artists;
:func:`figure` builds a whole Figure for the command line and the gallery,
and :func:`save` writes it atomically with reproducible bytes.  A figure's
look (theme, language, font scale) is a :class:`~actviz.look.Look` passed
in; :func:`styled` applies it to the rcParams.  Also the machinery the
teaching figures (:mod:`actviz.teaching`) share: panels, wrapped titles,
legends below the axes.
"""
from __future__ import annotations

import functools
import importlib
import io
import logging
import math
import os
import re
import warnings
import weakref
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import matplotlib as mpl
import numpy as np
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox
from matplotlib.patches import FancyArrowPatch
from matplotlib.path import Path as Polyline
from matplotlib.text import Annotation, Text

from . import analysis, output
from .analysis import figure_number, format_number
from .functions import Activation, ActvizError, get
from .look import LANGUAGES, SIZES, THEMES, Look, parse_size  # noqa: F401 (re-exported)

DERIVATIVE_DASHES = (0, (5, 2.5))
# No timestamps or tool versions in the files: the same figure, the same bytes.
_METADATA = {"svg": {"Date": None, "Creator": None},
             "pdf": {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None},
             "png": {"Software": None}}
FONT_SIZES = ("font.size", "axes.titlesize", "axes.labelsize", "legend.fontsize", "xtick.labelsize",
              "ytick.labelsize")


@contextmanager
def styled(look: Look):
    """matplotlib's rcParams as `look` asks, for the block: the theme's style
    sheets, every font scaled by `look.font_scale`, and for Chinese a CJK
    font after DejaVu."""
    sheets = {key: value for sheet in look.style_sheets for key, value in _style_sheet(sheet).items()}
    with mpl.rc_context(sheets), (_cjk_font() if look.lang == "zh" else nullcontext()) as cjk:
        if look.font_scale != 1.0:
            for key in FONT_SIZES:
                value = mpl.rcParams[key]
                if isinstance(value, (int, float)):
                    mpl.rcParams[key] = value * look.font_scale
        font_log = logging.getLogger("matplotlib.font_manager")
        quiet = font_log.level
        if cjk:
            cjk_name, truetype = cjk
            # DejaVu first, for Latin letters and math; Chinese glyphs fall back to the CJK font.
            mpl.rcParams["font.family"] = ["DejaVu Sans", cjk_name]
            if not truetype:
                # matplotlib embeds a font as TrueType (Type 42) only when its outlines are
                # TrueType; OpenType-CFF outlines (Noto Sans CJK's) would make a PDF that
                # viewers cannot draw (matplotlib issue 20870), so such a PDF gets Type 3 fonts.
                mpl.rcParams["pdf.fonttype"] = 3
            font_log.setLevel(logging.ERROR)  # CJK fonts' "Medium" weight is no news to a user
        try:
            yield
        finally:
            font_log.setLevel(quiet)


@functools.cache
def _style_sheet(path: Path) -> dict:
    """The settings a style sheet states, read once: what matplotlib.style
    applies, without importing matplotlib.style, which reads every style
    sheet matplotlib ships (a tenth of the start of `actviz plot`'s own work)."""
    return dict(mpl.rc_params_from_file(path, use_default_template=False))


@contextmanager
def theme(name: str = "light", font_scale: float = 1.0, lang: str = "en"):
    """The rcParams of a shipped theme (light, dark, print), scaled for the
    room, with a CJK font for `lang` 'zh'; yields the :class:`Look` to pass
    to the figures drawn inside."""
    look = Look(name, lang, font_scale)
    with styled(look):
        yield look


# Figure texts in Chinese, keyed by their English templates (`--lang zh`).
ZH = {
    "saturated: f → constant, |f′| < {threshold:g}": "饱和区：f → 常数，|f′| < {threshold:g}",
    "dead: f′ = 0": "死区：f′ = 0",
    "training: f = a·x, a ~ U[{lower}, {upper}], for x < 0": "训练时：x < 0 处 f = a·x，a ~ U[{lower}, {upper}]",
    "the pieces w·x + b, f their max": "各段直线 w·x + b，f 取其最大值",
    "max f′ = {value}\nat x = {x}": "导数最大值 f′ = {value}\n（x = {x}）",
    "min f′ = {value}\nat x = {x}": "导数最小值 f′ = {value}\n（x = {x}）",
    "minimum\n({x}, {y})": "极小值\n({x}, {y})",
    "maximum\n({x}, {y})": "极大值\n({x}, {y})",
    "x < 0, magnified ×{factor}": "x < 0 放大 {factor} 倍",
    "f(x)": "函数 f(x)",
    "f′(x)": "导数 f′(x)",
    "f (solid)": "函数 f（实线）",
    "f′ (dashed)": "导数 f′（虚线）",
}
# The package of `pip install 'actviz[zh]'`, whose FONT_PATH is a collection holding Noto Sans CJK SC.
CJK_FONT_PACKAGE = "noto_cjk_sans_otc"
CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei",
             "WenQuanYi Micro Hei", "Microsoft YaHei", "SimHei", "PingFang SC", "Heiti SC")


@contextmanager
def _cjk_font():
    """(name, has TrueType outlines) of a font that writes Chinese, known to
    matplotlib's font manager inside the block and forgotten after it.

    The font `pip install 'actviz[zh]'` brings (Noto Sans CJK SC, from the
    package CJK_FONT_PACKAGE) comes first, so that every machine draws the
    same glyphs; then an installed system font; else a clear error."""
    from matplotlib import font_manager
    manager = font_manager.fontManager
    known_before = list(manager.ttflist)
    try:
        name = _register_cjk_font(font_manager)
        found = font_manager.findfont(font_manager.FontProperties(family=name), fallback_to_default=False)
        yield name, _has_truetype_outlines(found)
    finally:
        manager.ttflist[:] = known_before
        manager._findfont_cached.cache_clear()  # as FontManager.addfont does: no lookup remembers a removed font


def _register_cjk_font(font_manager) -> str:
    manager = font_manager.fontManager
    try:
        packaged = importlib.import_module(CJK_FONT_PACKAGE).FONT_PATH
    except ImportError:
        pass
    else:
        manager.addfont(os.fspath(packaged))
        return "Noto Sans CJK SC"
    known = {f.name for f in manager.ttflist}
    if not any(name in known for name in CJK_FONTS):
        # Fonts installed after matplotlib built its cache are not in it yet.
        for path in font_manager.findSystemFonts():
            if any(key in Path(path).name.lower() for key in ("cjk", "wqy", "sourcehan", "simhei", "yahei")):
                manager.addfont(path)
        known = {f.name for f in manager.ttflist}
    for name in CJK_FONTS:
        if name in known:
            return name
    raise ActvizError("--lang zh needs a font with Chinese characters: run `pip install 'actviz[zh]'` "
                      "(or install a system font, e.g. `apt install fonts-noto-cjk`)")


def _has_truetype_outlines(path) -> bool:
    """Whether a font file (or one face of a collection) has TrueType (glyf) outlines, not CFF."""
    from fontTools.ttLib import TTFont
    with TTFont(os.fspath(path), fontNumber=getattr(path, "face_index", 0), lazy=True) as font:
        return "glyf" in font


# Each artist is named by its gid (which is also its element's id in an SVG)
# "<owner>-<kind>": "relu-f" and "relu-df" for the curves of f and f′ (and
# "jump-open-df", "jump-value-f" for the markers of their jumps),
# "shade-dead" and "shade-saturated" for the regions.
VALUE_KINDS = ("f", "df")


def gid(owner: str, kind: str) -> str:
    return f"{owner}-{kind}"


def gid_parts(artist) -> tuple[str, str]:
    """(owner, kind) of an artist's gid: ('relu', 'df'), ('shade', 'dead')."""
    owner, _, kind = (artist.get_gid() or "").rpartition("-")
    return owner, kind


def _draws_values(artist) -> bool:
    """Whether the artist shows values of f or f′ (a curve, or a marker on one)."""
    return gid_parts(artist)[1] in VALUE_KINDS


def _as_activation(item) -> Activation:
    return item if isinstance(item, Activation) else get(item)


def cycle(n):
    """The first n style dicts (colour, and marker in the print theme) of the active theme."""
    props = list(mpl.rcParams["axes.prop_cycle"])
    return [props[i % len(props)] for i in range(n)]


def plot(ax, *functions, derivative: bool = False, function: bool = True, shade: bool = True,
         threshold: float = analysis.DEFAULT_THRESHOLD, xlim: Sequence[float] | None = None,
         ylim: Sequence[float] | None = None, formula: bool = False, annotate: bool = True,
         zoom: bool = True, origin_axes: bool = True, first_colour: int = 0, look: Look = Look()) -> list:
    """Draw each function (and/or its derivative) on `ax`; return the artists.

    `functions` are names or :class:`Activation` objects.  f is solid and f'
    dashed: in the same colour when several functions share the axes, in
    the next colour when one function is drawn (so that f' = f = 0, ReLU's
    x < 0, stays visible).  f' drawn alone is solid.  With a single
    function, its dead and saturated regions are shaded, its stationary
    points and the peak of f' are marked and labelled where the label
    hides nothing, and a side that the y-range would flatten (leaky ReLU's
    slope of 0.01, GELU's dip) is magnified in an inset.  `look` gives
    the texts' language and the shading's colours; the rest of the look is
    the Axes' own (see :func:`styled`).
    """
    acts = [_as_activation(f) for f in functions]
    if not acts:
        raise ActvizError("nothing to plot: give at least one function")
    lo, hi = xlim if xlim is not None else analysis.common_xlim(acts)
    ax.set_autoscale_on(False)  # both limits are set below; autoscaling values of ±1e306 would overflow
    single = len(acts) == 1
    styles = cycle(first_colour + len(acts) + 1)[first_colour:]
    say = look.words(ZH)
    artists = []
    for i, (act, name) in enumerate(zip(acts, analysis.curve_labels(acts))):
        style = styles[i]
        dstyle = styles[i + 1] if single and function else style
        if function:
            label = name + (f"   {act.spec.latex}" if formula else "")
            artists += _draw_curve(ax, act, lo, hi, False, style, "-", label)
            artists += _mark_kinks(ax, act, lo, hi, style["color"])
        if derivative:
            dlabel = name + "′" + (f"   {act.spec.dlatex}" if formula else "")
            dashes = DERIVATIVE_DASHES if function else "-"
            artists += _draw_curve(ax, act, lo, hi, True, dstyle, dashes, dlabel, lw_scale=0.85 if function else 1)
    if shade and single:
        artists += _shade(ax, acts[0], lo, hi, threshold, look)
    if function and single and annotate:
        artists += _training_band(ax, acts[0], lo, hi, styles[0]["color"], say)
        artists += _pieces(ax, acts[0], lo, hi, styles[0]["color"], say)
    if function and annotate:
        artists += _asymptotes(ax, acts)
    ax.set_xlim(lo, hi)
    ax.set_ylim(*(ylim if ylim is not None else _auto_ylim(ax, [p for a in acts for p in analysis.poles(a)])))
    if origin_axes:
        _axes_through_origin(ax)
    if annotate and single:
        if function:
            artists += _mark_stationary(ax, acts[0], lo, hi, styles[0]["color"], say)
        if derivative:
            artists += _mark_peak(ax, acts[0], lo, hi, (styles[1] if function else styles[0])["color"], say)
    if zoom and function and ylim is None:
        artists += _inset_flattened_side(ax, acts, lo, hi, styles, derivative, say)
    return artists


def _draw_curve(ax, act, lo, hi, derivative, style, linestyle, label, lw_scale=1.0):
    """One curve, broken at its jumps: a filled marker on the value taken,
    open ones on the one-sided limits.  Circles for f, squares for f', so
    that f''s markers can never be read as a hole or a point of f: they
    lie beneath f's, and f''s open squares are see-through, so f's own
    corner shows inside."""
    c = analysis.curve(act, lo, hi, derivative=derivative)
    kind = "df" if derivative else "f"
    color = style["color"]
    marker = style.get("marker")
    lw = mpl.rcParams["lines.linewidth"] * lw_scale
    y = np.where(np.isfinite(c.y), np.clip(c.y, -analysis.DRAWABLE, analysis.DRAWABLE), c.y)
    (line,) = ax.plot(c.x, y, color=color, linestyle=linestyle, linewidth=lw, label=label,
                      gid=gid(act.label, kind),
                      **({"marker": marker, "markevery": 0.1, "ms": 6} if marker else {}))
    artists = [line]
    shape, size, hole, z = ("s", 6.5, "none", 3.5) if derivative else ("o", 7, ax.get_facecolor(), 4.5)
    for jump in c.jumps:
        for y in {jump.left, jump.right} - {jump.value}:
            artists += ax.plot([jump.x], [y], shape, ms=size, mfc=hole, mec=color, mew=1.8, zorder=z,
                               gid=gid("jump-open", kind))
        artists += ax.plot([jump.x], [jump.value], shape, ms=size, color=color, zorder=z, gid=gid("jump-value", kind))
    return artists


def _mark_kinks(ax, act, lo, hi, color):
    ks = [k for k in act.kinks if lo < k < hi]
    if not ks:
        return []
    return ax.plot(ks, act.f(np.array(ks)), "o", ms=5, color=color, zorder=4, gid="kinks")


def _pieces(ax, act, lo, hi, color, say):
    """The lines w·x + b whose max f is (maxout), dotted across the whole
    range: where each rises above the others is where f follows it."""
    x = np.array([lo, hi])
    lines = []
    for i, (w, b) in enumerate(act.pieces):
        with np.errstate(over="ignore"):  # a line beyond the doubles is drawn at the edge of what can be
            y = np.clip(w * x + b, -analysis.DRAWABLE, analysis.DRAWABLE)
        lines += ax.plot(x, y, color=color, lw=1.2, ls=":", alpha=0.8, zorder=1.5, gid="guide-pieces",
                         label=say("the pieces w·x + b, f their max") if i == 0 else None)
    return lines


def _training_band(ax, act, lo, hi, color, say):
    """RReLU as training sees it: for x < 0 each call draws a slope
    a ~ U[lower, upper], so f lies in the band between lower·x and upper·x;
    the curve drawn is evaluation's mean slope."""
    if act.training_slopes is None or lo >= 0:
        return []
    low, high = act.training_slopes
    x = np.linspace(lo, min(hi, 0.0), 200)
    text = say("training: f = a·x, a ~ U[{lower}, {upper}], for x < 0", lower=_short(low), upper=_short(high))
    return [ax.fill_between(x, low * x, high * x, color=color, alpha=0.2, lw=0, zorder=1, gid=gid("shade", "training"),
                            label=text)]


def _mark_stationary(ax, act, lo, hi, color, say):
    """Each minimum and maximum of f in view, as a point with its (x, f(x))."""
    artists = []
    for point in analysis.stationary_points(act, lo, hi):
        if not lo < point.x < hi:
            continue
        artists += ax.plot([point.x], [point.y], "D", ms=6, color=color, zorder=5, gid=gid("stationary", point.kind))
        text = say(f"{point.kind}\n({{x}}, {{y}})", x=_short(point.x), y=_short(point.y))
        artists.append(_label(ax, text, (point.x, point.y), color, priority=abs(point.y)))
    return artists


def _mark_peak(ax, act, lo, hi, color, say):
    peak = analysis.marked_peak(act, lo, hi)
    if peak is None:
        return []
    x, y = peak
    marker = ax.plot([x], [y], "D", ms=6, color=color, zorder=5, gid="peak-df")
    # The peak of |f′|: where f′ is negative there, it is f′'s least value (softmin's −0.25).
    template = "max f′ = {value}\nat x = {x}" if y > 0 else "min f′ = {value}\nat x = {x}"
    text = say(template, value=_short(y), x=_short(x))
    return [*marker, _label(ax, text, (x, y), color, priority=math.inf)]


def _short(v: float) -> str:
    """4 significant digits, and 0 for what is 0 but for rounding, with a
    true minus sign, as on the axes."""
    return format_number(v if abs(v) > 1e-12 else 0.0, 4).replace("-", "−")


class PlacedLabel(Annotation):
    """A label for a point that, each time it is drawn, takes the best of a
    few positions around the point: inside the axes, clear of every other
    label and marker, crossing as few curves as it can.  A label that had
    to move further than its neighbourhood is tied to its point by a thin
    leader line, so that it cannot be read as another point's; a label
    that finds no clear place is left out (its point keeps its marker).

    Labels are placed in order of `priority` (highest first), at draw time,
    after the layout engine has placed the axes, so the choice holds for
    every size, layout and file format."""

    OFFSETS = [(8, 8), (-8, 8), (8, -8), (-8, -8), (0, 12), (0, -12), (14, 26), (-14, 26), (14, -26),
               (-14, -26), (0, -30), (26, 46), (-26, 46), (26, -46), (-26, -46), (0, -50),
               (40, 72), (-40, 72), (40, -72), (-40, -72), (0, -80)]
    NEIGHBOURHOOD = 30  # points: an offset whose larger coordinate exceeds this gets a leader
    CLASH = 1000  # the cost of leaving the axes, covering a label or a marker, or a leader through a label

    def __init__(self, *args, priority: float = 0.0, **kwargs):
        super().__init__(*args, **kwargs)
        self.priority = priority
        self.shown = True

    def draw(self, renderer):
        if self.get_visible() and self.axes is not None:
            labels = [t for t in self.axes.texts if isinstance(t, PlacedLabel) and t.get_visible()]
            if labels[0] is self:  # the first of them drawn places them all
                _settle(sorted(labels, key=lambda label: -label.priority), renderer)
            if not self.shown:
                return
        super().draw(renderer)

    def _choose(self, laid_out, scene, others):
        """Take the best place given the scene and the other labels' boxes;
        `laid_out` is this label's box at OFFSETS[0], which every other
        offset only moves."""
        self._lead(False)
        costs = {offset: self._cost(self._moved(laid_out, offset), offset, scene, others)
                 for offset in self.OFFSETS}
        best = min(costs, key=costs.get)
        self._take(best, costs[best] < self.CLASH)

    def _take(self, offset, shown):
        self.shown = shown
        self._place(offset)
        self._lead(max(map(abs, offset)) > self.NEIGHBOURHOOD)

    def _moved(self, box, offset):
        """`box`, the label's extent at OFFSETS[0] (aligned left and bottom),
        as it lies at `offset`: moved by the offset, in points, and by its
        width or height where the alignment changes."""
        (x, y), (dx, dy) = self.OFFSETS[0], offset
        scale = self.get_figure(root=True).dpi / 72
        shift_x = (dx - x) * scale - (box.width if dx < 0 else box.width / 2 if dx == 0 else 0.0)
        shift_y = (dy - y) * scale - (box.height if dy < 0 else 0.0)
        return box.translated(shift_x, shift_y).padded(2)

    def _lead(self, on):
        self._arrow_relpos = (0.5, 0.5)  # the leader leaves the label's centre
        self.arrowprops = {"arrowstyle": "-", "color": self.get_color(), "lw": 0.8, "shrinkB": 5} if on else None
        self.arrow_patch = FancyArrowPatch((0, 0), (1, 1), **self.arrowprops) if on else None

    def _place(self, offset):
        dx, dy = offset
        self.set_position(offset)
        self.set_horizontalalignment("left" if dx > 0 else "right" if dx < 0 else "center")
        self.set_verticalalignment("bottom" if dy >= 0 else "top")

    def _cost(self, box, offset, scene, others):
        cost = self.CLASH * (not scene.frame.contains(box.x0, box.y0) or not scene.frame.contains(box.x1, box.y1))
        cost += 100 * sum(path.intersects_bbox(box, filled=False) for path in scene.curves)
        cost += self.CLASH * sum(bool(box.count_contains(path.vertices)) for path in scene.markers)
        cost += self.CLASH * sum(box.overlaps(other) for other in others)
        if max(map(abs, offset)) > self.NEIGHBOURHOOD:
            cost += self._leader_cost(box, scene, others)
        return cost + 0.01 * (abs(offset[0]) + abs(offset[1]))

    def _leader_cost(self, box, scene, others):
        """What the leader from the label's centre to (just short of) its
        point would cross: a curve it may, a label never."""
        point = np.array(self.axes.transData.transform(self.xy))
        centre = np.array([(box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2])
        towards = centre - point
        end = point + towards * min(1.0, scene.leader_gap / max(np.hypot(*towards), 1e-9))
        leader = Polyline([centre, end])
        return (30 * sum(leader.intersects_path(curve, filled=False) for curve in scene.curves)
                + self.CLASH * sum(leader.intersects_bbox(other, filled=False) for other in others))


@dataclass(frozen=True)
class _Scene:
    """What the labels of one axes are placed among, in pixels, found once
    per draw: the axes' frame, the curves' and the markers' paths, and the
    boxes of the texts and insets that are not placed labels."""

    frame: Bbox
    curves: list
    markers: list
    fixed: list
    leader_gap: float  # how far short of its point a leader stops

    @classmethod
    def of(cls, ax, renderer):
        curves, markers = [], []
        for line in ax.get_lines():
            if not line.get_visible() or line.get_gid() in ("x-axis", "y-axis"):
                continue
            path = line.get_transform().transform_path(line.get_path())
            (markers if line.get_linestyle() in ("None", "", " ") else curves).append(path)
        fixed = [_text_box(t, renderer) for t in ax.texts if t.get_visible() and not isinstance(t, PlacedLabel)]
        fixed += [_inset_box(inset, renderer) for inset in ax.child_axes]
        return cls(ax.get_window_extent(renderer), curves, markers, fixed, renderer.points_to_pixels(8))

    def signature(self):
        """Everything a label's cost depends on, as values that compare."""
        def paths(found):
            return [(path.vertices.tobytes(), None if path.codes is None else path.codes.tobytes()) for path in found]
        return (self.frame.bounds, paths(self.curves), paths(self.markers), [box.bounds for box in self.fixed],
                self.leader_gap)


# The places last found for the labels of each axes, with what they were
# found among: savefig draws twice at the same geometry (to lay out, then to
# render), and the second draw takes the places the first one found.
_SETTLED = weakref.WeakKeyDictionary()


def _settle(labels, renderer, rounds=4):
    """The labels of one axes, highest priority first, each taking its best
    place beside those already placed; then again, each given all the
    others, until nothing changes.  Every draw starts afresh, so a second
    draw gives the same places (found again only if what they are placed
    among changed)."""
    ax = labels[0].axes
    scene = _Scene.of(ax, renderer)
    laid_out = {}
    for label in labels:
        label._lead(False)
        label._place(label.OFFSETS[0])
        laid_out[label] = _text_box(label, renderer)  # laid out once; every offset tried moves it
        label.shown = False
    among = (scene.signature(), ax.get_figure(root=True).dpi,
             [(id(label), label.get_text(), laid_out[label].bounds, tuple(ax.transData.transform(label.xy)))
              for label in labels])
    known = _SETTLED.get(ax)
    if known is None or known[0] != among:
        for _ in range(rounds):
            before = [(label.get_position(), label.shown) for label in labels]
            for label in labels:
                others = scene.fixed + [other._moved(laid_out[other], other.get_position())
                                        for other in labels if other is not label and other.shown]
                label._choose(laid_out[label], scene, others)
            if [(label.get_position(), label.shown) for label in labels] == before:
                break
        known = _SETTLED[ax] = (among, [(label.get_position(), label.shown) for label in labels])
    for label, (offset, shown) in zip(labels, known[1]):
        label._take(offset, shown)


# Each inset's box with its tick labels and title, by the geometry it was
# found for: every label of the axes, in both of savefig's draws, asks for it.
_INSET_BOXES = weakref.WeakKeyDictionary()


def _inset_box(inset, renderer):
    geometry = (id(renderer), renderer.width, renderer.height, inset.get_position().bounds, inset.viewLim.bounds)
    known = _INSET_BOXES.get(inset)
    if known is None or known[0] != geometry:
        known = _INSET_BOXES[inset] = (geometry, inset.get_tightbbox(renderer))
    return known[1]


def _text_box(text, renderer):
    """The box of a text's characters, without an annotation's leader line."""
    if isinstance(text, Annotation):
        text.update_positions(renderer)
    return Text.get_window_extent(text, renderer)


def _label(ax, text, xy, color, priority=0.0):
    label = PlacedLabel(text, xy, xytext=(8, 8), textcoords="offset points", fontsize="small", color=color,
                        priority=priority,
                        zorder=6, bbox={"boxstyle": "round,pad=0.15", "fc": ax.get_facecolor(), "ec": "none",
                                        "alpha": 0.85})
    label.set_in_layout(False)
    ax._add_text(label)
    return label


def _shade(ax, act, lo, hi, threshold, look):
    """The dead and saturated regions in view, as the analysis defines them."""
    artists, labelled = [], set()
    for region in analysis.clip(analysis.regions(act, threshold), lo, hi):
        colour, alpha, hatch = look.shade[region.kind]
        say = look.words(ZH)
        text = (say("dead: f′ = 0") if region.dead
                else say("saturated: f → constant, |f′| < {threshold:g}", threshold=threshold))
        label = text if region.kind not in labelled else None
        labelled.add(region.kind)
        artists.append(ax.axvspan(region.lo, region.hi, facecolor=mpl.colors.to_rgba(colour, alpha),
                                  edgecolor=mpl.colors.to_rgba(colour, 0.45), hatch=hatch, lw=0, label=label,
                                  zorder=0, gid=gid("shade", region.kind)))
    return artists


def _asymptotes(ax, acts):
    levels = analysis.framed_asymptotes(acts, _drawn_values(ax))
    return [ax.axhline(y, color="0.5", lw=0.9, ls=(0, (3, 3)), zorder=1, gid="asymptote") for y in levels]


def _drawn_values(ax, poles=()):
    """The y-values of every curve and marker on `ax`; with `poles`, none
    of those within POLE_SHARE of the x-range of a pole."""
    lines = [line for line in ax.get_lines() if _draws_values(line)]
    if not lines:
        return np.array([])
    x = np.concatenate([np.asarray(line.get_xdata(), dtype=float) for line in lines])
    y = np.concatenate([np.asarray(line.get_ydata(), dtype=float) for line in lines])
    reach = POLE_SHARE * abs(np.subtract(*ax.get_xlim()))
    beside = np.zeros(x.shape, dtype=bool)
    for pole in poles:
        beside |= np.abs(x - pole) < reach
    return y[~beside]


# Beside a pole the curve runs out of the frame: the y-range frames the
# rest, from this share of the x-range away from it.
POLE_SHARE = 0.04


def _auto_ylim(ax, poles=()):
    """Every drawn value and asymptote in view (:func:`analysis.padded_ylim`)."""
    levels = [float(np.asarray(line.get_ydata())[0]) for line in ax.get_lines() if line.get_gid() == "asymptote"]
    return analysis.padded_ylim(_drawn_values(ax, poles), levels)


def _axes_through_origin(ax):
    """Axis lines through the origin, as a textbook draws them, while the
    tick labels stay on the frame where no curve can run through them."""
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    colour = mpl.rcParams["axes.edgecolor"]
    if y0 < 0 < y1:
        ax.axhline(0, color=colour, lw=0.9, zorder=1.5, gid="x-axis")
    if x0 < 0 < x1:
        ax.axvline(0, color=colour, lw=0.9, zorder=1.5, gid="y-axis")


INSET_SHARE = 0.06  # a side spanning less of the height than this is drawn magnified
INSET_SIZE = (0.32, 0.32)  # of the axes; placed clear of the frame's tick labels
INSET_MIN_AXES = 2.6       # inches: in a smaller panel an inset's texts would collide


def _size_inches(ax):
    """The axes' width and height in inches, as the figure lays it out."""
    box = ax.get_position()
    width, height = ax.figure.get_size_inches()
    return box.width * width, box.height * height


def _inset_flattened_side(ax, acts, lo, hi, styles, derivative, say):
    """An inset magnifying x < 0 when f there is not 0 but spans so little
    of the height that it looks flat: PyTorch's own LeakyReLU(0.01) image
    looks like ReLU, and GELU's dip below 0 is a sliver.  It goes in a
    corner of the axes that no curve passes through, or nowhere."""
    if not lo < 0 < hi or min(_size_inches(ax)) < INSET_MIN_AXES:
        return []
    y0, y1 = ax.get_ylim()
    xs = np.linspace(lo, 0.0, 301)
    sides = [np.asarray(a.f(xs), dtype=float) for a in acts]
    spans = [np.ptp(side[np.isfinite(side)]) if np.isfinite(side).any() else 0.0 for side in sides]
    flattest = int(np.argmin(spans))
    if spans[flattest] == 0 or spans[flattest] > INSET_SHARE * (y1 - y0):
        return []
    low, high = float(np.nanmin(sides[flattest])), float(np.nanmax(sides[flattest]))
    margin = 0.25 * spans[flattest]
    if ax.yaxis.get_major_locator().nonsingular(low - margin, high + margin) != (low - margin, high + margin):
        return []  # values below 1e-287: no axis can frame them (leaky ReLU's slope of 1e-300)
    corner = _free_corner(ax, INSET_SIZE)
    if corner is None:
        return []
    inset = ax.inset_axes([*corner, *INSET_SIZE])
    inset.set_gid("inset")
    inset.set_in_layout(False)  # it lies inside its axes: nothing of it can push a margin or reach the figure's edge
    for i, act in enumerate(acts):
        inset.plot(*_broken(act, lo, False), color=styles[i]["color"], lw=1.8)
        if derivative:
            dstyle = styles[i + 1] if len(acts) == 1 else styles[i]
            inset.plot(*_broken(act, lo, True), color=dstyle["color"], lw=1.4, ls=DERIVATIVE_DASHES)
    inset.set_xlim(lo, 0)
    inset.set_ylim(low - margin, high + margin)
    inset.axhline(0, color=mpl.rcParams["axes.edgecolor"], lw=0.7)
    factor = (y1 - y0) / (high - low + 2 * margin)
    shown = f"{factor:.2g}" if factor < 100 else f"{factor:.0f}" if factor < 1e5 else figure_number(factor, 2)
    inset.set_title(say("x < 0, magnified ×{factor}", factor=shown),
                    fontsize="x-small")
    inset.tick_params(labelsize="x-small")
    inset.yaxis.get_offset_text().set_fontsize("x-small")  # a scale (1e−10) the size of the ticks
    inset.grid(True)
    return [inset]


def _broken(act, lo, derivative):
    """x and f (or f′) on [lo, 0], broken at its jumps as the main curve is
    (hardswish′ jumps at −3: no vertical line joins the two sides)."""
    c = analysis.curve(act, lo, 0.0, derivative=derivative)
    return c.x, c.y


def _free_corner(ax, size):
    """The lower-left corner, in axes coordinates, of the first of the four
    corners (upper left first) where a box of `size` meets no curve."""
    w, h = size
    to_axes = ax.transData + ax.transAxes.inverted()
    points = np.concatenate([to_axes.transform(np.column_stack([line.get_xdata(), line.get_ydata()]))
                             for line in ax.get_lines() if _draws_values(line)])
    points = points[np.all(np.isfinite(points), axis=1)]
    for x, y in ((0.18, 0.52), (0.18, 0.12), (0.64, 0.52), (0.64, 0.12)):
        inside = (points[:, 0] > x - 0.02) & (points[:, 0] < x + w + 0.02) & \
                 (points[:, 1] > y - 0.05) & (points[:, 1] < y + h + 0.1)
        if not inside.any():
            return x, y
    return None


# ---------------------------------------------------------------------------
# Whole figures (the command line and the gallery)
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class FigureOptions:
    """What the command line can ask of a figure."""

    derivative: bool = False
    derivative_only: bool = False
    layout: str = "auto"           # auto, overlay, side or grid
    shade: bool = True
    threshold: float = analysis.DEFAULT_THRESHOLD
    formula: bool = False
    xlim: tuple[float, float] | None = None
    ylim: tuple[float, float] | None = None
    dylim: tuple[float, float] | None = None  # the f′ panel's y-range with layout side
    own_xlim: bool = False         # grid panels each on their function's own x-range
    size: tuple[float, float] = SIZES["16:9"]  # a grid grows past it to give each panel GRID_PANEL
    title: str | None = None


def figure(acts: Sequence[Activation], options: FigureOptions = FigureOptions(), look: Look = Look()) -> Figure:
    """A Figure of `acts` laid out as the options say, in `look`."""
    with styled(look):
        return _figure(acts, options, look)


def _figure(acts, o, look):
    draw_f = not o.derivative_only
    draw_df = o.derivative or o.derivative_only
    if o.layout == "side" and not (draw_f and draw_df):
        raise ActvizError("--layout side puts f and f′ side by side: it needs -d, and not --derivative-only")
    layout = o.layout
    if layout == "auto":
        # A family's f′ levels (leaky ReLU's 0.01, 0.1, 0.3) need a panel of their own to be told apart.
        family = len(acts) > 1 and len({a.name for a in acts}) == 1
        layout = "side" if family and draw_f and draw_df else "overlay"
    say = look.words(ZH)
    if layout == "grid" and len(acts) > 1:
        cols = math.ceil(math.sqrt(len(acts)))
        rows = math.ceil(len(acts) / cols)
        fig = Figure(figsize=_grid_size(o.size, rows, cols), layout="constrained")
        axes = fig.subplots(rows, cols, squeeze=False).ravel()
        xlim = o.xlim or (None if o.own_xlim else analysis.common_xlim(acts))
        for ax, act in zip(axes, acts):
            plot(ax, act, function=draw_f, derivative=draw_df, shade=o.shade, threshold=o.threshold,
                 xlim=xlim, ylim=o.ylim, formula=o.formula, annotate=False, origin_axes=False, look=look)
            ax.set_title(act.label + ("′" if o.derivative_only else ""), fontsize="medium")
            ax.tick_params(labelsize="small")
            ax.xaxis.set_major_formatter("{x:g}")
            ax.yaxis.set_major_formatter("{x:g}")
        for ax in axes[len(acts):]:
            ax.set_visible(False)
        _figure_legend(fig, axes[:len(acts)], say, generic=True)
    elif layout == "side":
        fig = Figure(figsize=o.size, layout="constrained")
        left, right = fig.subplots(1, 2)
        plot(left, *acts, shade=o.shade, threshold=o.threshold, xlim=o.xlim, ylim=o.ylim,
             formula=o.formula, look=look)
        plot(right, *acts, function=False, derivative=True, shade=o.shade, threshold=o.threshold,
             xlim=o.xlim, ylim=o.dylim, formula=o.formula, look=look)
        left.set_title(say("f(x)"), fontsize="medium")
        right.set_title(say("f′(x)"), fontsize="medium")
        _figure_legend(fig, (left, right), say, side=True)
    else:
        fig = Figure(figsize=o.size, layout="constrained")
        ax = fig.add_subplot()
        plot(ax, *acts, function=draw_f, derivative=draw_df, shade=o.shade, threshold=o.threshold,
             xlim=o.xlim, ylim=o.ylim, formula=o.formula, look=look)
        _figure_legend(fig, (ax,), say)
    fig.suptitle(o.title if o.title is not None else analysis.title_for(acts, o.derivative_only))
    return fig


# The least room a grid panel needs, in multiples of the font size: its
# title, tick labels and a curve one can read (2.2 × 1.6 in at 13 pt), and
# the room the figure's title and legend take from the whole.
GRID_PANEL = (12.0, 9.0)
GRID_FRAME = 5.0


def _grid_size(size, rows, cols):
    """`size`, grown so that `rows` × `cols` panels each get GRID_PANEL."""
    em = mpl.rcParams["font.size"] / 72
    return grown(size, (cols * GRID_PANEL[0] * em, rows * GRID_PANEL[1] * em + GRID_FRAME * em))


def grown(size, needed):
    """`size`, grown where it is below `needed` to the next quarter inch, a
    whole number of pixels at every usual dpi (40, 72, 100, 200, 300)."""
    return tuple(have if have >= need else math.ceil(need * 4) / 4 for have, need in zip(size, needed))


def _figure_legend(fig, axes, say, generic=False, side=False):
    """One legend below the axes, where it can hide no curve and no tick.

    Several functions get one entry each and a single key saying that
    dashed means f′; `generic` (the grid, whose panels are titled) keeps
    only the f/f′ key and the shading; `side` (f and f′ in panels titled
    so) lists each function once.
    """
    from matplotlib.lines import Line2D
    entries = {}
    for ax in axes:
        for handle, label in zip(*ax.get_legend_handles_labels()):
            entries.setdefault(label, handle)
    parts = {label: gid_parts(handle) for label, handle in entries.items()}
    shading = {k: h for k, h in entries.items() if parts[k][0] in ("shade", "guide")}  # keys, not functions
    curves = {k: h for k, h in entries.items() if k not in shading}
    functions = {parts[k][0] for k in curves}
    has_f = any(parts[k][1] == "f" for k in curves)
    has_df = any(parts[k][1] == "df" for k in curves)
    dashed = Line2D([], [], color="0.45", ls=DERIVATIVE_DASHES)
    if generic:
        curves = {}
        if has_f and has_df:
            f_style, df_style = cycle(2)
            curves = {say("f (solid)"): Line2D([], [], color=f_style["color"]),
                      say("f′ (dashed)"): Line2D([], [], color=df_style["color"], ls=DERIVATIVE_DASHES)}
    elif side:
        curves = {k: h for k, h in curves.items() if parts[k][1] != "df"}
    elif len(functions) > 1 and has_f and has_df:
        curves = {k: h for k, h in curves.items() if parts[k][1] != "df"}
        curves[say("f′ (dashed)")] = dashed
    handles = curves | shading
    if handles:
        # As many columns as fit the figure's width at the legend's font size.
        width_chars = fig.get_figwidth() * 72 / (0.62 * mpl.rcParams["font.size"] * _legend_scale())
        per_entry = max(len(label) for label in handles) + 6
        columns = max(1, min(len(handles), int(width_chars // per_entry)))
        fig.legend(handles.values(), handles.keys(), loc="outside lower center",
                   ncols=columns, frameon=False)


def _legend_scale():
    from matplotlib.font_manager import font_scalings
    size = mpl.rcParams["legend.fontsize"]
    return font_scalings.get(size, 1.0) if isinstance(size, str) else size / mpl.rcParams["font.size"]


def render(fig: Figure, fmt: str, *, dpi: float | None = None, transparent: bool = False,
           svg_text: str = "text", max_pixels: int = output.MAX_PIXELS, look: Look | None = None) -> bytes:
    """The bytes of `fig` as a .png, .svg or .pdf file, made in memory, in
    the `look` it was built in (its resolution, file settings and fonts; by
    default the current rcParams).

    A raster figure beyond `max_pixels` is refused before any is drawn.
    Success is silent: the one library message that reaches stderr on a good
    run is dropped (fontTools' "'created' timestamp seems very low", about
    DejaVu fonts whose header dates predate 1970, logged as matplotlib
    subsets them into a PDF).
    """
    if fmt not in output.FORMATS:
        raise ActvizError(f"unknown figure format {fmt!r}; choose from {', '.join(output.FORMATS)}")
    with styled(look) if look else nullcontext():
        return _render(fig, fmt, dpi, transparent, svg_text, max_pixels)


def _render(fig, fmt, dpi, transparent, svg_text, max_pixels):
    if fmt == "png":
        scale = dpi or (fig.dpi if mpl.rcParams["savefig.dpi"] == "figure" else mpl.rcParams["savefig.dpi"])
        width, height = (round(inches * scale) for inches in fig.get_size_inches())
        if width * height > max_pixels:
            raise ActvizError(f"a {width}×{height} px figure ({width * height:,} pixels) is over the budget of "
                              f"{max_pixels:,}: lower --dpi or --size, or raise the budget with "
                              f"--max-pixels {width * height}")
    buffer = io.BytesIO()
    with mpl.rc_context({"svg.fonttype": "path" if svg_text == "path" else "none"}), _quiet_font_dates(), \
            warnings.catch_warnings():
        for message in _UNFAITHFUL:
            warnings.filterwarnings("error", message, UserWarning)
        try:
            fig.savefig(buffer, format=fmt, dpi=dpi, transparent=transparent, metadata=_METADATA[fmt])
            cut = _cut_off(fig, drawn_by_agg=fmt == "png")
        except UserWarning as warning:
            raise ActvizError(_unfaithful_reason(fig, str(warning))) from None
    if cut:
        raise ActvizError(_no_room(fig))
    return buffer.getvalue()


# The figures whose texts were found inside their edges at this size.
_FITTING: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _cut_off(fig: Figure, drawn_by_agg: bool) -> bool:
    """Whether a text runs past the figure's edge (a figure too small for
    its fonts: the layout engine shrinks the axes to nothing before it
    gives up), measured with Agg's text metrics at the figure's dpi: on the
    layout Agg just drew, or for an SVG or a PDF (whose renderer lays out at
    72 dpi, which Agg's metrics at another dpi would misjudge) on Agg's
    layout of it without drawing, unless a PNG of it at this size fitted."""
    size = tuple(fig.get_size_inches())
    if not drawn_by_agg:
        if _FITTING.get(fig) == size:
            return False
        fig.draw_without_rendering()
    tight = fig.get_tightbbox()
    width, height = size
    slack = 1 / fig.dpi
    cut = tight.x0 < -slack or tight.y0 < -slack or tight.x1 > width + slack or tight.y1 > height + slack
    if not cut:
        _FITTING[fig] = size
    return cut


# Two library warnings mean the file would not show what was asked: the
# layout engine gave up (the texts leave no room for the axes), or a font
# lacks a character (it would print as an empty box).  Both are errors.
_UNFAITHFUL = ("constrained_layout not applied", r"Glyph \d+ .* missing from font")


def _unfaithful_reason(fig: Figure, warning: str) -> str:
    glyph = re.match(r"Glyph (\d+) ", warning)
    if glyph:
        char = chr(int(glyph[1]))
        hint = " (for Chinese, use --lang zh with a CJK font)" if "\u2e80" <= char <= "\u9fff" else ""
        return f"no font here can draw '{char}' (U+{ord(char):04X}); leave it out of the figure's text{hint}"
    return _no_room(fig)


def _no_room(fig: Figure) -> str:
    width, height = fig.get_size_inches()
    return (f"at {width:g}×{height:g} in the texts leave no room for the axes; "
            f"give a larger --size or a smaller --font-scale")


@contextmanager
def _quiet_font_dates():
    def keep(record: logging.LogRecord) -> bool:
        return not record.getMessage().endswith("timestamp seems very low; regarding as unix timestamp")
    font_header_log = logging.getLogger("fontTools.ttLib.tables._h_e_a_d")
    font_header_log.addFilter(keep)
    try:
        yield
    finally:
        font_header_log.removeFilter(keep)


def save(fig: Figure, path: str | os.PathLike, *, dpi: float | None = None, transparent: bool = False,
         svg_text: str = "text", max_pixels: int = output.MAX_PIXELS, look: Look | None = None) -> Path:
    """Write `fig` to `path` (format from the suffix) atomically.

    The figure is rendered in memory and written by :func:`output.write_atomic`,
    so an error or a signal never leaves a truncated file, a temporary file,
    or a damaged old one.
    """
    path, fmt = output.target(path)
    output.write_atomic(path, render(fig, fmt, dpi=dpi, transparent=transparent, svg_text=svg_text,
                                     max_pixels=max_pixels, look=look))
    return path


# ---------------------------------------------------------------------------
# What whole figures share (the teaching figures too)
# ---------------------------------------------------------------------------

def new_figure(size, panels=1, rows=1):
    """A figure of `panels` axes in `rows` rows, with room between the title and the panels' own titles."""
    fig = Figure(figsize=size, layout="constrained")
    fig.get_layout_engine().set(h_pad=0.08)
    return fig, fig.subplots(rows, math.ceil(panels / rows), squeeze=False).ravel()


def text_width(text: str, fontsize) -> float:
    """The width in points of the widest line of `text` in the theme's font."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import text_to_path
    prop = FontProperties(size=fontsize)
    return max(text_to_path.get_text_width_height_descent(line, prop, ismath=False)[0] for line in text.split("\n"))


def points(fontsize) -> float:
    """A font size in points, also one given as a word ('large')."""
    from matplotlib.font_manager import FontProperties
    return FontProperties(size=fontsize).get_size_in_points()


def wrap(text: str, width: float, fontsize, *, most_lines: int | None = None) -> str:
    """`text` broken at spaces (not at no-break spaces), after hyphens and
    before a function's arguments into lines at most `width` points wide (a
    word wider than that gets a line of its own); wider, if need be, to keep
    to `most_lines`."""
    lines = []
    for paragraph in text.split("\n"):
        line = ""
        for token in re.findall(r"(?:\S|\xa0)+?(?:-|(?<=\w)(?=\()|[^\S\xa0]+|$)", paragraph):
            if line and text_width((line + token).rstrip(), fontsize) > width:
                lines.append(line.rstrip())
                line = token
            else:
                line += token
        lines.append(line.rstrip())
    if most_lines and len(lines) > most_lines:
        return wrap(text, 1.1 * width, fontsize, most_lines=most_lines)
    return "\n".join(lines)


def suptitle(fig, text):
    """The figure's title, wrapped to the figure's width."""
    size = mpl.rcParams["figure.titlesize"]
    return fig.suptitle(wrap(text, 0.94 * fig.get_figwidth() * 72, size))


def legend_below(fig, handles, labels):
    """One legend below the axes, in as many columns as the figure's width holds."""
    fontsize = mpl.rcParams["legend.fontsize"]
    em = text_width("M", fontsize)
    widths = [text_width(label, fontsize) + 3.5 * em for label in labels]
    for columns in range(len(labels), 0, -1):
        rows = math.ceil(len(labels) / columns)
        needed = sum(max(widths[i:i + rows]) for i in range(0, len(labels), rows))
        if needed <= 0.96 * fig.get_figwidth() * 72:
            break
    return fig.legend(handles, labels, loc="outside lower center", ncols=columns, frameon=False)


def wrap_titles(fig, axes):
    """Wrap each panel's title to the width its axes has once laid out
    (a square panel is narrower than its slot, so its title would spill over)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", _UNFAITHFUL[0], UserWarning)  # render() reports it
        fig.draw_without_rendering()
    for ax in axes:
        title = ax.title
        width = ax.get_window_extent().width * 72 / fig.dpi
        title.set_text(wrap(title.get_text(), width, title.get_fontsize()))
