"""Figures of activation functions: matplotlib only, no click, no pyplot.

:func:`plot` draws on an Axes you own (a notebook's) and returns the artists;
:func:`figure` builds a whole Figure for the command line and the gallery,
and :func:`save` writes it atomically with reproducible bytes.
"""
from __future__ import annotations

import io
import logging
import math
import os
import re
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import matplotlib as mpl
import numpy as np
from matplotlib import style as mplstyle
from matplotlib.figure import Figure
from matplotlib.text import Annotation

from . import analysis, output
from .functions import Activation, ActvizError, format_value, get
from .teaching import COST_HEADER, format_cell

STYLES = Path(__file__).with_name("styles")
THEMES = tuple(sorted(p.stem for p in STYLES.glob("*.mplstyle")))
# (colour, opacity, hatch) of each kind of region: saturated grey, dead red
# and hatched, so that a greyscale print still tells them apart; the print
# theme makes both grey and tells them apart by the hatch alone.
SHADE = {"saturated": ("#9AA5B1", 0.22, None), "dead": ("#C0504D", 0.16, "//")}
PRINT_SHADE = {"saturated": ("0.6", 0.22, None), "dead": ("0.35", 0.14, "//")}
DERIVATIVE_DASHES = (0, (5, 2.5))
# No timestamps or tool versions in the files: the same figure, the same bytes.
_METADATA = {"svg": {"Date": None, "Creator": None},
             "pdf": {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None},
             "png": {"Software": None}}


@contextmanager
def theme(name: str = "light", font_scale: float = 1.0, lang: str = "en"):
    """The rcParams of a shipped theme (light, dark, print), scaled for the
    room, with the figure texts in `lang` ('en' or 'zh')."""
    if name not in THEMES:
        raise ActvizError(f"unknown theme {name!r}; choose from {', '.join(THEMES)}")
    if lang not in LANGUAGES:
        raise ActvizError(f"unknown language {lang!r}; choose from {', '.join(LANGUAGES)}")
    with mplstyle.context(STYLES / f"{name}.mplstyle"):
        if font_scale != 1.0:
            for key in ("font.size", "axes.titlesize", "axes.labelsize", "legend.fontsize",
                        "xtick.labelsize", "ytick.labelsize"):
                value = mpl.rcParams[key]
                if isinstance(value, (int, float)):
                    mpl.rcParams[key] = value * font_scale
        font_log = logging.getLogger("matplotlib.font_manager")
        quiet = font_log.level
        if lang == "zh":
            # DejaVu first, for Latin letters and math; Chinese glyphs fall back to the CJK font.
            mpl.rcParams["font.family"] = ["DejaVu Sans", _cjk_font()]
            font_log.setLevel(logging.ERROR)  # CJK fonts' "Medium" weight is no news to a user
        token, shade_token = _LANGUAGE.set(lang), _SHADE.set(PRINT_SHADE if name == "print" else SHADE)
        try:
            yield
        finally:
            _LANGUAGE.reset(token)
            _SHADE.reset(shade_token)
            font_log.setLevel(quiet)


# Figure texts in Chinese, keyed by their English templates (`--lang zh`).
LANGUAGES = ("en", "zh")
_ZH = {
    "saturated: f → constant, |f′| < {threshold:g}": "饱和区：f → 常数，|f′| < {threshold:g}",
    "dead: f′ = 0": "死区：f′ = 0",
    "max f′ = {value}\nat x = {x}": "导数最大值 f′ = {value}\n（x = {x}）",
    "minimum\n({x}, {y})": "极小值\n({x}, {y})",
    "maximum\n({x}, {y})": "极大值\n({x}, {y})",
    "x < 0, magnified ×{factor}": "x < 0 放大 {factor} 倍",
    "f(x)": "函数 f(x)",
    "f′(x)": "导数 f′(x)",
    "f (solid)": "函数 f（实线）",
    "f′ (dashed)": "导数 f′（虚线）",
    "layer (1 = nearest the input)": "层（1 = 最靠近输入）",
    "gradient norm ‖∂L/∂z‖": "梯度范数 ‖∂L/∂z‖",
    ", weights ×{scale:g}": "，权重 ×{scale:g}",
    "Gradient through depth: each layer multiplies by f′": "梯度随深度消失：每一层都乘以 f′",
    "{name}  (max|f′| = {slope})": "{name}（max|f′| = {slope}）",
    "He initialisation": "He 初始化",
    "Xavier initialisation": "Xavier 初始化",
    "{init}, width {width}": "{init}，宽度 {width}",
    ": the weights multiply the gradient by ≈{gain} per layer": "：权重每层把梯度乘以 ≈{gain}",
    "bound: max|f′| × the weights' factor, layer by layer": "上界：逐层累乘 max|f′| × 权重的倍数",
    "optimum w*": "最优点 w*",
    "start": "起点",
    "a = {name}(u)\n{share:.0%} of steps move w₁ and w₂ the same way":
        "a = {name}(u)\n{share:.0%} 的更新 让 w₁ 与 w₂ 同向移动",
    "Zero-centring: all-positive inputs force a zig-zag": "非零中心：输入全为正时梯度下降呈锯齿形",
    "{name}\nmean {mean:+.3f}\nf(x) = 0 for {zeros:.1%}\nf′ = 0 for {dead:.1%}":
        "{name}\n均值 {mean:+.3f}\nf(x) = 0 占 {zeros:.1%}\nf′ = 0 占 {dead:.1%}",
    "Outputs for x ~ N(0, 1): mean, sparsity and dead gradients": "x ~ N(0, 1) 时的输出：均值、稀疏性与死梯度",
    "density": "概率密度",
    "density of f(x) ≠ 0": "f(x) ≠ 0 的概率密度",
    "mean": "均值",
    "P(f(x) = 0), right axis": "P(f(x) = 0)，右侧坐标轴",
    "identity: a straight line": "恒等函数：一条直线",
    "input x": "输入 x",
    "network output": "网络输出",
    "The same {layers}-layer network without and with an activation": "同一个 {layers} 层网络：无激活函数与有激活函数",
    "Properties of activation functions": "激活函数的性质",
    "name": "函数",
    "range": "值域",
    "bounded": "有界",
    "monotonic": "单调",
    "smooth": "光滑性",
    "zero-centred": "零中心",
    "saturates": "饱和侧",
    "dead": "死区",
    "cost (× cheapest), measured on this machine": "耗时 (× 最快者)， 本机实测",
    "yes": "是",
    "no": "否",
    "left": "左侧",
    "right": "右侧",
    "left & right": "两侧",
}
_LANGUAGE: ContextVar[str] = ContextVar("actviz_language", default="en")
_SHADE: ContextVar[dict] = ContextVar("actviz_shade", default=SHADE)
CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei",
             "WenQuanYi Micro Hei", "Microsoft YaHei", "SimHei", "PingFang SC", "Heiti SC")


def _t(template: str, **values) -> str:
    """A figure text in the current language."""
    if _LANGUAGE.get() == "zh":
        template = _ZH.get(template, template)
    return template.format(**values)


def _cjk_font() -> str:
    """The first installed font that can write Chinese, or a clear error."""
    from matplotlib import font_manager
    known = {f.name for f in font_manager.fontManager.ttflist}
    if not any(name in known for name in CJK_FONTS):
        # Fonts installed after matplotlib built its cache are not in it yet.
        for path in font_manager.findSystemFonts():
            if any(key in Path(path).name.lower() for key in ("cjk", "wqy", "sourcehan", "simhei", "yahei")):
                font_manager.fontManager.addfont(path)
        known = {f.name for f in font_manager.fontManager.ttflist}
    for name in CJK_FONTS:
        if name in known:
            return name
    raise ActvizError("--lang zh needs a font with Chinese characters: install one, e.g. "
                      "`apt install fonts-noto-cjk` (Debian, Ubuntu) or `dnf install google-noto-sans-cjk-fonts`")


def _as_activation(item) -> Activation:
    return item if isinstance(item, Activation) else get(item)


def _cycle(n):
    """The first n style dicts (colour, and marker in the print theme) of the active theme."""
    props = list(mpl.rcParams["axes.prop_cycle"])
    return [props[i % len(props)] for i in range(n)]


def plot(ax, *functions, derivative: bool = False, function: bool = True, shade: bool = True,
         threshold: float = analysis.DEFAULT_THRESHOLD, xlim: Sequence[float] | None = None,
         ylim: Sequence[float] | None = None, formula: bool = False, annotate: bool = True,
         zoom: bool = True, origin_axes: bool = True, first_colour: int = 0) -> list:
    """Draw each function (and/or its derivative) on `ax`; return the artists.

    `functions` are names or :class:`Activation` objects.  f is solid and f'
    dashed: in the same colour when several functions share the axes, in
    the next colour when one function is drawn (so that f' = f = 0, ReLU's
    x < 0, stays visible).  f' drawn alone is solid.  With a single
    function, its dead and saturated regions are shaded, its stationary
    points and the peak of f' are marked and labelled where the label
    hides nothing, and a side that the y-range would flatten (leaky ReLU's
    slope of 0.01, GELU's dip) is magnified in an inset.
    """
    acts = [_as_activation(f) for f in functions]
    if not acts:
        raise ActvizError("nothing to plot: give at least one function")
    lo, hi = xlim if xlim is not None else _common_xlim(acts)
    single = len(acts) == 1
    styles = _cycle(first_colour + len(acts) + 1)[first_colour:]
    artists = []
    for i, (act, name) in enumerate(zip(acts, _labels(acts))):
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
        artists += _shade(ax, acts[0], lo, hi, threshold)
    if function and annotate:
        artists += _asymptotes(ax, acts)
    ax.set_xlim(lo, hi)
    ax.set_ylim(*(ylim if ylim is not None else _auto_ylim(ax)))
    if origin_axes:
        _axes_through_origin(ax)
    if annotate and single:
        if function:
            artists += _mark_stationary(ax, acts[0], lo, hi, styles[0]["color"])
        if derivative:
            artists += _mark_peak(ax, acts[0], lo, hi, (styles[1] if function else styles[0])["color"])
    if zoom and function and ylim is None:
        artists += _inset_flattened_side(ax, acts, lo, hi, styles, derivative)
    return artists


def _labels(acts):
    """Each function's label; for a family of one function, just the values
    that vary ('negative_slope=0.1'), since the title names the function."""
    if len(acts) > 1 and len({a.name for a in acts}) == 1:
        varying = [k for k in acts[0].params if len({a.params[k] for a in acts}) > 1]
        return [", ".join(f"{k}={format_value(a.params[k])}" for k in varying) for a in acts]
    return [a.label for a in acts]


def title_for(acts, derivative_only: bool = False) -> str:
    """'gelu', 'sigmoid, tanh', the name of a family, or a count; primed
    ('relu′') when only the derivative is drawn."""
    prime = "′" if derivative_only else ""
    names = list(dict.fromkeys(a.name if len({b.name for b in acts}) == 1 else a.label for a in acts))
    if len(names) > 6:
        return f"{len(names)} activation functions" + (" (f′)" if prime else "")
    return ", ".join(n + prime for n in names)


def _common_xlim(acts):
    """The overlap of the functions' own ranges, widened to show every
    breakpoint: a union would let the widest (sigmoid's ±8) flatten the rest."""
    lo, hi = max(a.xlim[0] for a in acts), min(a.xlim[1] for a in acts)
    points = [p for a in acts for p in analysis.breakpoints(a) if math.isfinite(p) and abs(p) < 1e6]
    if points:
        lo, hi = min(lo, min(points) - 1.0), max(hi, max(points) + 1.0)
    if not lo < hi:
        lo, hi = min(a.xlim[0] for a in acts), max(a.xlim[1] for a in acts)
    return lo, hi


def _draw_curve(ax, act, lo, hi, derivative, style, linestyle, label, lw_scale=1.0):
    """One curve, broken at its jumps: a filled marker on the value taken,
    open ones on the one-sided limits.  Circles for f, squares for f', so
    that f''s markers can never be read as a hole or a point of f: they
    lie beneath f's, and f''s open squares are see-through, so f's own
    corner shows inside."""
    c = analysis.curve(act, lo, hi, derivative=derivative)
    color = style["color"]
    marker = style.get("marker")
    lw = mpl.rcParams["lines.linewidth"] * lw_scale
    (line,) = ax.plot(c.x, c.y, color=color, linestyle=linestyle, linewidth=lw, label=label,
                      gid=f"{act.label}-{'df' if derivative else 'f'}",
                      **({"marker": marker, "markevery": 0.1, "ms": 6} if marker else {}))
    artists = [line]
    shape, size, hole, z = ("s", 6.5, "none", 3.5) if derivative else ("o", 7, ax.get_facecolor(), 4.5)
    kind = "df" if derivative else "f"
    for jump in c.jumps:
        for y in {jump.left, jump.right} - {jump.value}:
            artists += ax.plot([jump.x], [y], shape, ms=size, mfc=hole, mec=color, mew=1.8, zorder=z,
                               gid=f"jump-open-{kind}")
        artists += ax.plot([jump.x], [jump.value], shape, ms=size, color=color, zorder=z, gid=f"jump-value-{kind}")
    return artists


def _mark_kinks(ax, act, lo, hi, color):
    ks = [k for k in act.kinks if lo < k < hi]
    if not ks:
        return []
    return ax.plot(ks, act.f(np.array(ks)), "o", ms=5, color=color, zorder=4, gid="kinks")


def _mark_stationary(ax, act, lo, hi, color):
    """Each minimum and maximum of f in view, as a point with its (x, f(x))."""
    artists = []
    for point in analysis.stationary_points(act, lo, hi):
        if not lo < point.x < hi:
            continue
        artists += ax.plot([point.x], [point.y], "D", ms=6, color=color, zorder=5, gid=f"stationary-{point.kind}")
        text = _t(f"{point.kind}\n({{x}}, {{y}})", x=_short(point.x), y=_short(point.y))
        artists.append(_label(ax, text, (point.x, point.y), color))
    return artists


def _mark_peak(ax, act, lo, hi, color):
    peak = analysis.max_abs_derivative(act, lo, hi)
    if not peak.isolated or not math.isfinite(peak.value):
        return []
    y = float(act.df(peak.x))
    marker = ax.plot([peak.x], [y], "D", ms=6, color=color, zorder=5, gid="peak-df")
    text = _t("max f′ = {value}\nat x = {x}", value=_short(y), x=_short(peak.x))
    return [*marker, _label(ax, text, (peak.x, y), color)]


def _short(v: float) -> str:
    return f"{v:.4g}" if abs(v) > 1e-12 else "0"


class PlacedLabel(Annotation):
    """A label for a point that, each time it is drawn, takes the first of a
    few positions around the point where it stays inside the axes and
    crosses no curve, no marker and no other label.

    The choice is made at draw time, after the layout engine has placed
    the axes, so it holds for every size, layout and file format."""

    OFFSETS = [(8, 8), (-8, 8), (8, -8), (-8, -8), (0, 12), (0, -12), (14, 26), (-14, 26), (14, -26),
               (-14, -26), (0, -30), (26, 46), (-26, 46), (26, -46), (-26, -46), (0, -50),
               (40, 72), (-40, 72), (40, -72), (-40, -72), (0, -80)]

    def draw(self, renderer):
        if self.get_visible() and self.axes is not None:
            best = min(self.OFFSETS, key=lambda offset: self._cost(offset, renderer))
            self._place(best)
        super().draw(renderer)

    def _place(self, offset):
        dx, dy = offset
        self.set_position(offset)
        self.set_horizontalalignment("left" if dx > 0 else "right" if dx < 0 else "center")
        self.set_verticalalignment("bottom" if dy >= 0 else "top")

    def _cost(self, offset, renderer):
        self._place(offset)
        box = self.get_window_extent(renderer).padded(2)
        frame = self.axes.get_window_extent(renderer)
        cost = 1000 * (not frame.contains(box.x0, box.y0) or not frame.contains(box.x1, box.y1))
        for line in self.axes.get_lines():
            if not line.get_visible() or line.get_gid() in ("x-axis", "y-axis"):
                continue
            path = line.get_transform().transform_path(line.get_path())
            if line.get_linestyle() in ("None", "", " "):
                cost += 100 * bool(box.count_contains(path.vertices))
            else:
                cost += 100 * path.intersects_bbox(box, filled=False)
        others = [t.get_window_extent(renderer) for t in self.axes.texts if t is not self and t.get_visible()]
        others += [inset.get_tightbbox(renderer) for inset in self.axes.child_axes]
        cost += 100 * sum(box.overlaps(other) for other in others)
        return cost + 0.01 * (abs(offset[0]) + abs(offset[1]))


def _label(ax, text, xy, color):
    label = PlacedLabel(text, xy, xytext=(8, 8), textcoords="offset points", fontsize="small", color=color,
                        zorder=6, bbox={"boxstyle": "round,pad=0.15", "fc": ax.get_facecolor(), "ec": "none",
                                        "alpha": 0.85})
    label.set_in_layout(False)
    ax._add_text(label)
    return label


def _shade(ax, act, lo, hi, threshold):
    """The dead and saturated regions in view, as the analysis defines them."""
    artists, labelled = [], set()
    for region in analysis.clip(analysis.regions(act, threshold), lo, hi):
        colour, alpha, hatch = _SHADE.get()[region.kind]
        text = (_t("dead: f′ = 0") if region.dead
                else _t("saturated: f → constant, |f′| < {threshold:g}", threshold=threshold))
        label = text if region.kind not in labelled else None
        labelled.add(region.kind)
        artists.append(ax.axvspan(region.lo, region.hi, facecolor=mpl.colors.to_rgba(colour, alpha),
                                  edgecolor=mpl.colors.to_rgba(colour, 0.45), hatch=hatch, lw=0, label=label,
                                  zorder=0, gid=f"shade-{region.kind}"))
    return artists


def _asymptotes(ax, acts):
    levels = sorted({y for a in acts for y in a.asymptotes if y != 0})
    return [ax.axhline(y, color="0.5", lw=0.9, ls=(0, (3, 3)), zorder=1, gid="asymptote") for y in levels]


def _auto_ylim(ax):
    """Every drawn value and asymptote in view, with room above for labels."""
    ys = [line.get_ydata() for line in ax.get_lines() if (line.get_gid() or "").endswith(("-f", "-df"))]
    ys = np.concatenate([np.asarray(y, dtype=float) for y in ys]) if ys else np.array([0.0, 1.0])
    ys = ys[np.isfinite(ys)]
    bottom, top = (float(ys.min()), float(ys.max())) if ys.size else (0.0, 1.0)
    for line in ax.get_lines():
        if line.get_gid() == "asymptote":
            level = float(np.asarray(line.get_ydata())[0])
            bottom, top = min(bottom, level), max(top, level)
    if bottom > 0 and bottom < 0.25 * top:
        bottom = 0.0
    span = top - bottom or 1.0
    return bottom - 0.1 * span, top + 0.14 * span


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


def _inset_flattened_side(ax, acts, lo, hi, styles, derivative):
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
    corner = _free_corner(ax, INSET_SIZE)
    if corner is None:
        return []
    inset = ax.inset_axes([*corner, *INSET_SIZE])
    inset.set_gid("inset")
    for i, (act, side) in enumerate(zip(acts, sides)):
        inset.plot(xs, side, color=styles[i]["color"], lw=1.8)
        if derivative:
            dstyle = styles[i + 1] if len(acts) == 1 else styles[i]
            inset.plot(xs, act.df(xs), color=dstyle["color"], lw=1.4, ls=DERIVATIVE_DASHES)
    low, high = float(np.nanmin(sides[flattest])), float(np.nanmax(sides[flattest]))
    margin = 0.25 * spans[flattest]
    inset.set_xlim(lo, 0)
    inset.set_ylim(low - margin, high + margin)
    inset.axhline(0, color=mpl.rcParams["axes.edgecolor"], lw=0.7)
    factor = (y1 - y0) / (high - low + 2 * margin)
    inset.set_title(_t("x < 0, magnified ×{factor}", factor=f"{factor:.2g}" if factor < 100 else f"{factor:.0f}"),
                    fontsize="x-small")
    inset.tick_params(labelsize="x-small")
    inset.grid(True)
    return [inset]


def _free_corner(ax, size):
    """The lower-left corner, in axes coordinates, of the first of the four
    corners (upper left first) where a box of `size` meets no curve."""
    w, h = size
    to_axes = ax.transData + ax.transAxes.inverted()
    points = np.concatenate([to_axes.transform(np.column_stack([line.get_xdata(), line.get_ydata()]))
                             for line in ax.get_lines() if (line.get_gid() or "").endswith(("-f", "-df"))])
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

SIZES = {"16:9": (8.0, 4.5), "4:3": (8.0, 6.0), "1:1": (6.0, 6.0)}


def parse_size(text: str) -> tuple[float, float]:
    """'16:9', '4:3', '1:1' or 'WxH' in inches."""
    if text in SIZES:
        return SIZES[text]
    try:
        w, h = (float(v) for v in text.lower().split("x"))
    except ValueError:
        raise ActvizError(f"size must be 16:9, 4:3, 1:1 or WxH in inches (e.g. 8x4.5); got {text!r}") from None
    if not (0.5 <= w <= 50 and 0.5 <= h <= 50):
        raise ActvizError(f"size {text!r} is out of range: width and height must lie in 0.5–50 inches")
    return w, h


@dataclass
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
    size: tuple[float, float] = SIZES["16:9"]
    title: str | None = None


def figure(acts: Sequence[Activation], options: FigureOptions | None = None) -> Figure:
    """A Figure of `acts` laid out as the options say (call inside :func:`theme`)."""
    o = options or FigureOptions()
    draw_f = not o.derivative_only
    draw_df = o.derivative or o.derivative_only
    if o.layout == "side" and not (draw_f and draw_df):
        raise ActvizError("--layout side puts f and f′ side by side: it needs -d, and not --derivative-only")
    layout = o.layout
    if layout == "auto":
        # A family's f′ levels (leaky ReLU's 0.01, 0.1, 0.3) need a panel of their own to be told apart.
        family = len(acts) > 1 and len({a.name for a in acts}) == 1
        layout = "side" if family and draw_f and draw_df else "overlay"
    fig = Figure(figsize=o.size, layout="constrained")
    if layout == "grid" and len(acts) > 1:
        cols = math.ceil(math.sqrt(len(acts)))
        rows = math.ceil(len(acts) / cols)
        axes = fig.subplots(rows, cols, squeeze=False).ravel()
        xlim = o.xlim or (None if o.own_xlim else _common_xlim(acts))
        for ax, act in zip(axes, acts):
            plot(ax, act, function=draw_f, derivative=draw_df, shade=o.shade, threshold=o.threshold,
                 xlim=xlim, ylim=o.ylim, formula=o.formula, annotate=False, origin_axes=False)
            ax.set_title(act.label + ("′" if o.derivative_only else ""), fontsize="medium")
            ax.tick_params(labelsize="small")
            ax.xaxis.set_major_formatter("{x:g}")
            ax.yaxis.set_major_formatter("{x:g}")
        for ax in axes[len(acts):]:
            ax.set_visible(False)
        _figure_legend(fig, axes[:len(acts)], generic=True)
    elif layout == "side":
        left, right = fig.subplots(1, 2)
        plot(left, *acts, shade=o.shade, threshold=o.threshold, xlim=o.xlim, ylim=o.ylim,
             formula=o.formula)
        plot(right, *acts, function=False, derivative=True, shade=o.shade, threshold=o.threshold,
             xlim=o.xlim, ylim=o.dylim, formula=o.formula)
        left.set_title(_t("f(x)"), fontsize="medium")
        right.set_title(_t("f′(x)"), fontsize="medium")
        _figure_legend(fig, (left, right), side=True)
    else:
        ax = fig.add_subplot()
        plot(ax, *acts, function=draw_f, derivative=draw_df, shade=o.shade, threshold=o.threshold,
             xlim=o.xlim, ylim=o.ylim, formula=o.formula)
        _figure_legend(fig, (ax,))
    fig.suptitle(o.title if o.title is not None else title_for(acts, o.derivative_only))
    return fig


def _figure_legend(fig, axes, generic=False, side=False):
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
    gid = {label: handle.get_gid() or "" for label, handle in entries.items()}
    shading = {k: h for k, h in entries.items() if gid[k].startswith("shade")}
    curves = {k: h for k, h in entries.items() if k not in shading}
    functions = {gid[k].rsplit("-", 1)[0] for k in curves}
    has_f = any(gid[k].endswith("-f") for k in curves)
    has_df = any(gid[k].endswith("-df") for k in curves)
    dashed = Line2D([], [], color="0.45", ls=DERIVATIVE_DASHES)
    if generic:
        curves = {}
        if has_f and has_df:
            f_style, df_style = _cycle(2)
            curves = {_t("f (solid)"): Line2D([], [], color=f_style["color"]),
                      _t("f′ (dashed)"): Line2D([], [], color=df_style["color"], ls=DERIVATIVE_DASHES)}
    elif side:
        curves = {k: h for k, h in curves.items() if not gid[k].endswith("-df")}
    elif len(functions) > 1 and has_f and has_df:
        curves = {k: h for k, h in curves.items() if not gid[k].endswith("-df")}
        curves[_t("f′ (dashed)")] = dashed
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
           svg_text: str = "text", max_pixels: int = output.MAX_PIXELS) -> bytes:
    """The bytes of `fig` as a .png, .svg or .pdf file, made in memory.

    A raster figure beyond `max_pixels` is refused before any is drawn.
    Success is silent: the one library message that reaches stderr on a good
    run is dropped (fontTools' "'created' timestamp seems very low", about
    DejaVu fonts whose header dates predate 1970, logged as matplotlib
    subsets them into a PDF).
    """
    if fmt not in output.FORMATS:
        raise ActvizError(f"unknown figure format {fmt!r}; choose from {', '.join(output.FORMATS)}")
    if fmt == "png":
        scale = dpi or (fig.dpi if mpl.rcParams["savefig.dpi"] == "figure" else mpl.rcParams["savefig.dpi"])
        width, height = (round(inches * scale) for inches in fig.get_size_inches())
        if width * height > max_pixels:
            raise ActvizError(f"a {width}×{height} px figure ({width * height:,} pixels) is over the budget of "
                              f"{max_pixels:,}: lower --dpi or --size, or raise the budget with "
                              f"--max-pixels {width * height}")
    buffer = io.BytesIO()
    with mpl.rc_context({"svg.fonttype": "path" if svg_text == "path" else "none"}), _quiet_font_dates():
        fig.savefig(buffer, format=fmt, dpi=dpi, transparent=transparent, metadata=_METADATA[fmt])
    return buffer.getvalue()


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
         svg_text: str = "text", max_pixels: int = output.MAX_PIXELS) -> Path:
    """Write `fig` to `path` (format from the suffix) atomically.

    The figure is rendered in memory and written by :func:`output.write_atomic`,
    so an error or a signal never leaves a truncated file, a temporary file,
    or a damaged old one.
    """
    path, fmt = output.target(path)
    output.write_atomic(path, render(fig, fmt, dpi=dpi, transparent=transparent, svg_text=svg_text,
                                     max_pixels=max_pixels))
    return path


# ---------------------------------------------------------------------------
# Teaching figures: each draws one result of actviz.teaching
# ---------------------------------------------------------------------------

def _new_figure(size, panels=1, rows=1):
    """A figure of `panels` axes in `rows` rows, with room between the title and the panels' own titles."""
    fig = Figure(figsize=size, layout="constrained")
    fig.get_layout_engine().set(h_pad=0.08)
    return fig, fig.subplots(rows, math.ceil(panels / rows), squeeze=False).ravel()


def _text_width(text: str, fontsize) -> float:
    """The width in points of the widest line of `text` in the theme's font."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import text_to_path
    prop = FontProperties(size=fontsize)
    return max(text_to_path.get_text_width_height_descent(line, prop, ismath=False)[0] for line in text.split("\n"))


def _wrap(text: str, width: float, fontsize, *, most_lines: int | None = None) -> str:
    """`text` broken at spaces, after hyphens and before a function's
    arguments into lines at most `width` points wide (a word wider than that
    gets a line of its own); wider, if need be, to keep to `most_lines`."""
    lines = []
    for paragraph in text.split("\n"):
        line = ""
        for token in re.findall(r"\S+?(?:-|(?<=\w)\(|\s+|$)", paragraph):
            if line and _text_width((line + token).rstrip(), fontsize) > width:
                lines.append(line.rstrip())
                line = token
            else:
                line += token
        lines.append(line.rstrip())
    if most_lines and len(lines) > most_lines:
        return _wrap(text, 1.1 * width, fontsize, most_lines=most_lines)
    return "\n".join(lines)


def _suptitle(fig, text):
    """The figure's title, wrapped to the figure's width."""
    size = mpl.rcParams["figure.titlesize"]
    return fig.suptitle(_wrap(text, 0.94 * fig.get_figwidth() * 72, size))


def _legend_below(fig, handles, labels):
    """One legend below the axes, in as many columns as the figure's width holds."""
    fontsize = mpl.rcParams["legend.fontsize"]
    em = _text_width("M", fontsize)
    widths = [_text_width(label, fontsize) + 3.5 * em for label in labels]
    for columns in range(len(labels), 0, -1):
        rows = math.ceil(len(labels) / columns)
        needed = sum(max(widths[i:i + rows]) for i in range(0, len(labels), rows))
        if needed <= 0.96 * fig.get_figwidth() * 72:
            break
    return fig.legend(handles, labels, loc="outside lower center", ncols=columns, frameon=False)


def depth_figure(profiles, size=SIZES["16:9"], title=None) -> Figure:
    """Gradient norm at each layer, log scale: median line, min–max band,
    and, for functions whose |f'| never exceeds 1, the bound that f' and the
    weights together put on the median (:attr:`DepthProfile.bound`)."""
    fig, (ax,) = _new_figure(size)
    for profile, props in zip(profiles, _cycle(len(profiles))):
        colour = props.get("color")
        layers = np.arange(1, profile.norms.shape[1] + 1)
        ax.fill_between(layers, profile.norms.min(axis=0), profile.norms.max(axis=0), color=colour,
                        alpha=0.18, lw=0)
        ax.plot(layers, profile.median, color=colour, marker="o", ms=3.5, gid=f"{profile.act.name}-depth",
                label=_t("{name}  (max|f′| = {slope})", name=profile.act.label, slope=f"{profile.max_slope:.3g}"))
        if profile.max_slope < 1:
            ax.plot(layers, profile.bound, color=colour, lw=1.0, ls=(0, (2, 2)), gid=f"{profile.act.name}-bound")
    ax.set_yscale("log")
    first = profiles[0]
    init = {"he": _t("He initialisation"), "xavier": _t("Xavier initialisation")}[first.init]
    gain = math.exp(np.mean([math.log(p.weight_gain) for p in profiles]))
    setting = _t("{init}, width {width}", init=init, width=first.width)
    if first.weight_scale != 1:
        setting += _t(", weights ×{scale:g}", scale=first.weight_scale)
    if math.isfinite(gain):
        two_digits = np.format_float_positional(gain, precision=2, unique=False, fractional=False, trim="-")
        setting += _t(": the weights multiply the gradient by ≈{gain} per layer", gain=two_digits)
    ax.set_xlabel(_t("layer (1 = nearest the input)") + "\n"
                  + _wrap(setting, 0.9 * 72 * fig.get_figwidth(), mpl.rcParams["axes.labelsize"]))
    ax.set_ylabel(_t("gradient norm ‖∂L/∂z‖"))
    ax.invert_xaxis()
    handles, labels = ax.get_legend_handles_labels()
    if any(p.max_slope < 1 for p in profiles):
        from matplotlib.lines import Line2D
        handles.append(Line2D([], [], color="0.45", lw=1.0, ls=(0, (2, 2))))
        labels.append(_t("bound: max|f′| × the weights' factor, layer by layer"))
    _legend_below(fig, handles, labels)
    _suptitle(fig, title or _t("Gradient through depth: each layer multiplies by f′"))
    return fig


def zigzag_figure(results, size=SIZES["16:9"], title=None) -> Figure:
    """The SGD path on the loss contours, one square panel per activation,
    in as many columns as make the panels largest."""
    columns = max(range(1, len(results) + 1),
                  key=lambda c: (min(size[0] / c, size[1] / math.ceil(len(results) / c)), c))
    rows = math.ceil(len(results) / columns)
    fig, axes = _new_figure(size, rows * columns, rows=rows)
    for ax in axes[len(results):]:
        ax.set_visible(False)
    ink = mpl.rcParams["text.color"]
    for ax, result, props in zip(axes, results, _cycle(len(results))):
        colour = props.get("color")
        centre = result.optimum
        span = 1.8
        g1, g2 = np.meshgrid(np.linspace(centre[0] - span, centre[0] + span, 200),
                             np.linspace(centre[1] - span, centre[1] + span, 200))
        d = np.stack([g1 - centre[0], g2 - centre[1]], axis=-1)
        loss = 0.5 * np.einsum("...i,ij,...j->...", d, result.hessian, d)
        ax.contour(g1, g2, loss, levels=12, colors="0.75", linewidths=0.8)
        path = result.path
        ax.plot(path[:, 0], path[:, 1], "-o", color=colour, ms=3, lw=1.6, gid=f"{result.act.name}-path")
        ax.plot(*centre, "*", color=ink, ms=14, label=_t("optimum w*"))
        ax.plot(*path[0], "s", color=ink, ms=7, label=_t("start"))
        ax.set_aspect("equal")
        ax.set_xlim(centre[0] - span, centre[0] + span)
        ax.set_ylim(centre[1] - span, centre[1] + span)
        ax.set_xlabel("w₁")
        ax.set_ylabel("w₂")
        ax.set_title(_t("a = {name}(u)\n{share:.0%} of steps move w₁ and w₂ the same way",
                        name=result.act.label, share=result.same_sign_share), fontsize="small")
    _legend_below(fig, *axes[0].get_legend_handles_labels())
    _suptitle(fig, title or _t("Zero-centring: all-positive inputs force a zig-zag"))
    _wrap_titles(fig, axes[:len(results)])
    return fig


def _wrap_titles(fig, axes):
    """Wrap each panel's title to the width its axes has once laid out
    (a square panel is narrower than its slot, so its title would spill over)."""
    fig.draw_without_rendering()
    for ax in axes:
        title = ax.title
        width = ax.get_window_extent().width * 72 / fig.dpi
        title.set_text(_wrap(title.get_text(), width, title.get_fontsize()))


def sparsity_figure(results, size=SIZES["16:9"], title=None) -> Figure:
    """f(x) for x ~ N(0, 1): the density of its non-zero values (left axis)
    and, where f(x) = 0 exactly with positive probability, that probability
    as a spike on an axis of its own (right, 0–100 %): a point mass has no
    density, and drawn on the density's axis its height would mean nothing.
    The bars' area is the probability of the non-zero values they cover (all
    but the 0.1 % at each far end), so bars and spike add up to 99.8 %."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.ticker import MaxNLocator, PercentFormatter
    wide = size[0] >= 1.5 * size[1]
    cols = min(len(results), 4 if wide else 2 if len(results) <= 4 else 3)
    rows = math.ceil(len(results) / cols)
    fig, axes = _new_figure(size, rows * cols, rows=rows)
    ink, paper = mpl.rcParams["text.color"], mpl.rcParams["axes.facecolor"]
    bar_style = {"alpha": 0.45}
    mean_style = {"color": ink, "lw": 1.2, "ls": (0, (4, 2))}
    spike_style = {"color": ink, "lw": 2.5}
    for i, (ax, result, props) in enumerate(zip(axes, results, _cycle(len(results)))):
        colour = props.get("color")
        y = result.outputs
        nonzero = y[y != 0]
        lo, hi = np.percentile(y, [0.1, 99.9])
        lo, hi = min(lo, 0.0), max(hi, 0.0)
        bins = np.linspace(lo, hi + 1e-12, 60)
        weights = np.full(len(nonzero), 1.0 / (len(y) * (bins[1] - bins[0])))
        ax.hist(nonzero, bins=bins, weights=weights, color=colour, **bar_style, gid=f"{result.act.name}-density")
        ax.hist(nonzero, bins=bins, weights=weights, histtype="step", color=colour, lw=1.0)
        ax.axvline(result.mean, **mean_style, gid=f"{result.act.name}-mean")
        left, right = lo - 0.04 * (hi - lo), hi + 0.04 * (hi - lo)
        ax.set_xlim(left, right)
        ax.set_title(_t("{name}\nmean {mean:+.3f}\nf(x) = 0 for {zeros:.1%}\nf′ = 0 for {dead:.1%}",
                        name=result.act.label, mean=result.mean, zeros=result.zero_share, dead=result.dead_share),
                     fontsize="small")
        ax.set_yticks([])
        ax.xaxis.set_major_locator(MaxNLocator(4, steps=[1, 2, 5, 10]))
        ax.tick_params(labelsize="small")
        if i % cols == 0:
            ax.set_ylabel(_t("density"), fontsize="small")
        if result.zero_share:
            mass = ax.twinx()
            mass.vlines(0, 0, result.zero_share, **spike_style, zorder=4, gid=f"{result.act.name}-zeros")
            mass.plot([0], [result.zero_share], "o", color=ink, mec=paper, ms=7, zorder=5)
            mass.hlines(result.zero_share, 0, right, color=ink, lw=0.8, ls=(0, (1, 2)),
                        zorder=3)  # leads the eye from the spike to its scale
            mass.set_ylim(0, 1.0)
            mass.set_yticks([0, 0.5, 1])
            mass.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
            mass.tick_params(labelsize="small")
            mass.spines["right"].set_visible(True)
            mass.grid(False)
    for ax in axes[len(results):]:
        ax.set_visible(False)
    handles = [Patch(color="0.5", **bar_style), Line2D([], [], **mean_style)]
    labels = [_t("density of f(x) ≠ 0"), _t("mean")]
    if any(r.zero_share for r in results):
        handles.append(Line2D([], [], **spike_style, marker="o", mec=paper))
        labels.append(_t("P(f(x) = 0), right axis"))
    _legend_below(fig, handles, labels)
    _suptitle(fig, title or _t("Outputs for x ~ N(0, 1): mean, sparsity and dead gradients"))
    return fig


def collapse_figure(act, result, layers, size=SIZES["16:9"], title=None) -> Figure:
    """The same random network with f = identity (a line) and with f."""
    fig, (ax,) = _new_figure(size)
    (colour,) = [p.get("color") for p in _cycle(1)]
    ax.plot(result.x, result.linear, color="0.45", lw=2, ls=(0, (5, 3)), label=_t("identity: a straight line"),
            gid="identity-net")
    ax.plot(result.x, result.nonlinear, color=colour, label=f"{act.label}", gid=f"{act.name}-net")
    ax.set_xlabel(_t("input x"))
    ax.set_ylabel(_t("network output"))
    _legend_below(fig, *ax.get_legend_handles_labels())
    _suptitle(fig, title or _t("The same {layers}-layer network without and with an activation", layers=layers))
    return fig


# The table's font shrinks to fit the figure, but not below this share of the
# theme's: smaller would not be read from the back of a lecture room.
TABLE_FONT_FLOOR = 0.7
_TABLE_PAD = 0.45  # ems either side of a cell's text
_TABLE_HEADERS = {"max|f'|": "max|f′|", "f'(0)": "f′(0)", "cost": COST_HEADER}


def compare_figure(rows, size=SIZES["16:9"], title=None) -> Figure:
    """The property matrix as a table sized to its content and to `size`.

    One function per row, or one per column when that allows a font 15 %
    larger or more (a few functions on a narrow figure).  Each column is as
    wide as its widest cell (see :func:`_table_layout` for the labels).  The
    font is the theme's, shrunk to fit `size` but never below
    TABLE_FONT_FLOOR of it: a table that does not fit even then makes the
    figure larger than `size` (the caller compares ``fig.get_size_inches()``).
    The rows below the header stretch, up to 1.8 times their height, to take
    up spare height.
    """
    base = mpl.rcParams["font.size"]
    columns = list(rows[0])
    cells = [[_t(_TABLE_HEADERS.get(c, c)) for c in columns]]
    cells += [[_word(format_cell(row[c])) for c in columns] for row in rows]
    margin = 0.8 * base
    fig_w, fig_h = (72 * v for v in size)
    title = _wrap(title or _t("Properties of activation functions"), fig_w - 2 * margin,
                  mpl.rcParams["figure.titlesize"])
    top = margin + (title.count("\n") + 1) * 1.3 * _points(mpl.rcParams["figure.titlesize"]) + margin

    def fit(layout):
        return min(1.0, (fig_w - 2 * margin) / sum(layout[1]), (fig_h - top - margin) / sum(layout[2]))

    by_row, by_column = _table_layout(cells, base), _table_layout([list(c) for c in zip(*cells)], base)
    cells, widths, heights = by_column if fit(by_column) > 1.15 * fit(by_row) else by_row
    scale = fit((cells, widths, heights))
    if scale < TABLE_FONT_FLOOR:
        scale = TABLE_FONT_FLOOR
        fig_w = max(fig_w, scale * sum(widths) + 2 * margin)
        fig_h = max(fig_h, top + scale * sum(heights) + margin)
    spare = fig_h - top - margin - scale * sum(heights)
    stretch = min(1.8, 1 + spare / (scale * sum(heights[1:])))
    widths = [scale * w for w in widths]
    heights = [scale * heights[0]] + [scale * stretch * h for h in heights[1:]]

    fig = Figure(figsize=(fig_w / 72, fig_h / 72))
    fig.suptitle(title, y=1 - margin / fig_h, va="top")
    edges_x = (fig_w - sum(widths)) / 2 + np.concatenate([[0], np.cumsum(widths)])
    edges_y = top + (fig_h - top - margin - sum(heights)) / 2 + np.concatenate([[0], np.cumsum(heights)])

    def at(x, y):
        return x / fig_w, 1 - y / fig_h

    ink, rule = mpl.rcParams["text.color"], mpl.rcParams["axes.edgecolor"]
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle
    for r in range(2, len(heights), 2):  # every other row shaded, to guide the eye along it
        fig.add_artist(Rectangle(at(edges_x[0], edges_y[r + 1]), sum(widths) / fig_w, heights[r] / fig_h,
                                 transform=fig.transFigure, facecolor=mpl.colors.to_rgba(ink, 0.07), lw=0,
                                 zorder=0, gid="table-band"))
    for y, lw in ((edges_y[0], 1.4), (edges_y[1], 0.9), (edges_y[-1], 1.4)):
        fig.add_artist(Line2D(*zip(at(edges_x[0], y), at(edges_x[-1], y)), color=rule, lw=lw, gid="table-rule"))
    pad = scale * _TABLE_PAD * base
    for r, row in enumerate(cells):
        for c, text in enumerate(row):
            x, ha = (edges_x[c] + pad, "left") if c == 0 else ((edges_x[c] + edges_x[c + 1]) / 2, "center")
            fig.text(*at(x, (edges_y[r] + edges_y[r + 1]) / 2), text, ha=ha, va="center", ma=ha,
                     fontsize=scale * base, color=ink, gid=f"cell-{r}-{c}")
    return fig


def _table_layout(cells, fontsize):
    """The cells with the row and column labels wrapped, and the column
    widths and row heights in points.

    A label in the first column wraps to the typical width of that column
    (its median), one in the header row to the widest cell below it; both in
    three lines at most.  The other cells are never broken.
    """
    labels = [row[0] for row in cells[1:]]
    typical = float(np.median([_text_width(label, fontsize) for label in labels]))
    cells = [cells[0]] + [[_wrap(row[0], typical, fontsize, most_lines=3), *row[1:]] for row in cells[1:]]
    below = [max(_text_width(row[c], fontsize) for row in cells[1:]) for c in range(len(cells[0]))]
    cells = [[_wrap(h, w, fontsize, most_lines=3) for h, w in zip(cells[0], below)], *cells[1:]]
    pad, line = _TABLE_PAD * fontsize, 1.4 * fontsize
    widths = [max(_text_width(row[c], fontsize) for row in cells) + 2 * pad for c in range(len(cells[0]))]
    heights = [(max(text.count("\n") for text in row) + 1) * line + 1.2 * pad for row in cells]
    return cells, widths, heights


def _word(text: str) -> str:
    """A table word ('yes', 'left') in the current language."""
    return _ZH.get(text, text) if _LANGUAGE.get() == "zh" else text


def _points(fontsize) -> float:
    from matplotlib.font_manager import FontProperties
    return FontProperties(size=fontsize).get_size_in_points()
