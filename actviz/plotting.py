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
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import matplotlib as mpl
import numpy as np
from matplotlib import style as mplstyle
from matplotlib.figure import Figure

from . import analysis, output
from .functions import Activation, ActvizError, format_value, get
from .teaching import format_cell

STYLES = Path(__file__).with_name("styles")
THEMES = tuple(sorted(p.stem for p in STYLES.glob("*.mplstyle")))
# Saturated regions grey, dead ones red and hatched, so a greyscale print
# still tells them apart.
SHADE = {"saturated": ("#9AA5B1", 0.22, None), "dead": ("#C0504D", 0.16, "/")}
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
        token = _LANGUAGE.set(lang)
        try:
            yield
        finally:
            _LANGUAGE.reset(token)
            font_log.setLevel(quiet)


# Figure texts in Chinese, keyed by their English templates (`--lang zh`).
LANGUAGES = ("en", "zh")
_ZH = {
    "saturated (|f′| < {threshold:g})": "饱和区 (|f′| < {threshold:g})",
    "dead (f′ = 0)": "死区 (f′ = 0)",
    "max f′ = {value} at x = {x}": "导数最大值 f′ = {value}（x = {x}）",
    "x < 0, magnified ×{factor:.0f}": "x < 0 放大 {factor:.0f} 倍",
    "f(x)": "函数 f(x)",
    "f′(x)": "导数 f′(x)",
    "f (solid)": "函数 f（实线）",
    "f′ (dashed)": "导数 f′（虚线）",
    "layer (1 = nearest the input)": "层（1 = 最靠近输入）",
    "gradient norm ‖∂L/∂z‖": "梯度范数 ‖∂L/∂z‖",
    "{init} initialisation, width {width}": "{init} 初始化，宽度 {width}",
    ", weights ×{scale:g}": "，权重 ×{scale:g}",
    "max|f′|ⁿ: all that f′ can pass on through n layers": "max|f′|ⁿ：导数经过 n 层最多能传递的比例",
    "Gradient through depth: each layer multiplies by f′": "梯度随深度消失：每一层都乘以 f′",
    "optimum w*": "最优点 w*",
    "start": "起点",
    "a = {name}(u): {share:.0%} of steps\nmove w₁ and w₂ the same way":
        "a = {name}(u)：{share:.0%} 的更新\n让 w₁ 与 w₂ 同向移动",
    "Zero-centring: all-positive inputs force a zig-zag": "非零中心：输入全为正时梯度下降呈锯齿形",
    "{share:.1%}\nexactly 0": "{share:.1%}\n恰好为 0",
    "{name}\nmean {mean:+.3f}\nf′ = 0 for {dead:.1%}": "{name}\n均值 {mean:+.3f}\nf′ = 0 占 {dead:.1%}",
    "Outputs for x ~ N(0, 1): mean, sparsity and dead gradients": "x ~ N(0, 1) 时的输出：均值、稀疏性与死梯度",
    "identity: a straight line": "恒等函数：一条直线",
    "input x": "输入 x",
    "network output": "网络输出",
    "The same {layers}-layer network without and with an activation": "同一个 {layers} 层网络：无激活函数与有激活函数",
    "Properties of activation functions": "激活函数的性质",
}
_LANGUAGE: ContextVar[str] = ContextVar("actviz_language", default="en")
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
    """The first n (colour, line style) pairs of the active theme."""
    props = list(mpl.rcParams["axes.prop_cycle"])
    return [props[i % len(props)] for i in range(n)]


def plot(ax, *functions, derivative: bool = False, function: bool = True, shade: bool = True,
         threshold: float = analysis.DEFAULT_THRESHOLD, xlim: Sequence[float] | None = None,
         ylim: Sequence[float] | None = None, formula: bool = False, annotate: bool = True,
         zoom: bool = True, origin_axes: bool = True, first_colour: int = 0) -> list:
    """Draw each function (and/or its derivative) on `ax`; return the artists.

    `functions` are names or :class:`Activation` objects.  f is solid, f'
    dashed in the same colour (the theme's colours from `first_colour` on).
    With a single function, the regions where
    |f'| < threshold are shaded, the peak of f' is marked, and a small slope
    that the y-range would flatten (leaky ReLU's 0.01) gets an inset zoom.
    """
    acts = [_as_activation(f) for f in functions]
    if not acts:
        raise ActvizError("nothing to plot: give at least one function")
    lo, hi = xlim if xlim is not None else _common_xlim(acts)
    artists = []
    styles = _cycle(first_colour + len(acts))[first_colour:]
    for act, props, name in zip(acts, styles, _labels(acts)):
        color = props.get("color")
        linestyle = props.get("linestyle", "-")
        label = name + (f"   {act.spec.latex}" if formula else "")
        if function:
            artists += _draw_curve(ax, act, lo, hi, False, color, linestyle, label)
            artists += _mark_kinks(ax, act, lo, hi, color)
        if derivative:
            dlabel = name + "′" + (f"   {act.spec.dlatex}" if formula else "")
            artists += _draw_curve(ax, act, lo, hi, True, color, DERIVATIVE_DASHES, dlabel, lw_scale=0.85)
            if annotate and len(acts) == 1:
                artists += _mark_peak(ax, act, lo, hi, color)
    single = len(acts) == 1
    if shade and single:
        artists += _shade(ax, acts[0], lo, hi, threshold)
    if function and annotate:
        artists += _asymptotes(ax, acts)
    ax.set_xlim(lo, hi)
    ax.set_ylim(*(ylim if ylim is not None else _auto_ylim(ax)))
    if origin_axes:
        _axes_through_origin(ax)
    if zoom and single and function and ylim is None:
        artists += _inset_small_slope(ax, acts[0], lo, hi, styles[0], derivative)
    return artists


def _labels(acts):
    """Each function's label; for a family of one function, just the values
    that vary ('negative_slope=0.1'), since the title names the function."""
    if len(acts) > 1 and len({a.name for a in acts}) == 1:
        varying = [k for k in acts[0].params if len({a.params[k] for a in acts}) > 1]
        return [", ".join(f"{k}={format_value(a.params[k])}" for k in varying) for a in acts]
    return [a.label for a in acts]


def title_for(acts) -> str:
    """'gelu', 'sigmoid, tanh', the name of a family, or a count."""
    names = list(dict.fromkeys(a.name if len({b.name for b in acts}) == 1 else a.label for a in acts))
    return ", ".join(names) if len(names) <= 6 else f"{len(names)} activation functions"


def _common_xlim(acts):
    """The overlap of the functions' own ranges, widened to show every
    breakpoint: a union would let the widest (sigmoid's ±8) flatten the rest."""
    lo, hi = max(a.xlim[0] for a in acts), min(a.xlim[1] for a in acts)
    points = [p for a in acts for p in analysis.breakpoints(a)]
    if points:
        lo, hi = min(lo, min(points) - 1.0), max(hi, max(points) + 1.0)
    if not lo < hi:
        lo, hi = min(a.xlim[0] for a in acts), max(a.xlim[1] for a in acts)
    return lo, hi


def _draw_curve(ax, act, lo, hi, derivative, color, linestyle, label, lw_scale=1.0):
    c = analysis.curve(act, lo, hi, derivative=derivative)
    lw = mpl.rcParams["lines.linewidth"] * lw_scale
    (line,) = ax.plot(c.x, c.y, color=color, linestyle=linestyle, linewidth=lw, label=label,
                      gid=f"{act.label}-{'df' if derivative else 'f'}")
    artists = [line]
    background = ax.get_facecolor()
    for jump in c.jumps:
        for y in {jump.left, jump.right} - {jump.value}:
            artists += ax.plot([jump.x], [y], "o", ms=7, mfc=background, mec=color, mew=1.8, zorder=4)
        artists += ax.plot([jump.x], [jump.value], "o", ms=7, color=color, zorder=5)
    return artists


def _mark_kinks(ax, act, lo, hi, color):
    ks = [k for k in act.kinks if lo < k < hi]
    if not ks:
        return []
    return ax.plot(ks, act.f(np.array(ks)), "o", ms=5, color=color, zorder=4, gid=f"{act.name}-kinks")


def _mark_peak(ax, act, lo, hi, color):
    peak = analysis.max_abs_derivative(act, lo, hi)
    if not peak.isolated or not math.isfinite(peak.value):
        return []
    y = float(act.df(peak.x))
    marker = ax.plot([peak.x], [y], "D", ms=6, color=color, zorder=5)
    right_half = peak.x > (lo + hi) / 2
    text = ax.annotate(_t("max f′ = {value} at x = {x}", value=_short(y), x=_short(peak.x)), (peak.x, y),
                       xytext=(-10 if right_half else 10, 6), textcoords="offset points",
                       ha="right" if right_half else "left", fontsize="small", color=color)
    return [*marker, text]


def _short(v: float) -> str:
    return f"{v:.4g}" if abs(v) > 1e-12 else "0"


def _shade(ax, act, lo, hi, threshold):
    artists, labelled = [], set()
    for region in analysis.saturation_regions(act, lo, hi, threshold):
        colour, alpha, hatch = SHADE[region.kind]
        text = _t("dead (f′ = 0)") if region.dead else _t("saturated (|f′| < {threshold:g})", threshold=threshold)
        label = text if region.kind not in labelled else None
        labelled.add(region.kind)
        artists.append(ax.axvspan(max(region.lo, lo), min(region.hi, hi), facecolor=mpl.colors.to_rgba(colour, alpha),
                                  edgecolor=mpl.colors.to_rgba(colour, 0.35), hatch=hatch, lw=0, label=label,
                                  zorder=0, gid=f"shade-{region.kind}"))
    return artists


def _asymptotes(ax, acts):
    levels = sorted({y for a in acts for y in a.asymptotes if y != 0})
    return [ax.axhline(y, color="0.5", lw=0.9, ls=(0, (3, 3)), zorder=1, gid="asymptote") for y in levels]


def _auto_ylim(ax):
    ys = [line.get_ydata() for line in ax.get_lines() if (line.get_gid() or "").endswith(("-f", "-df"))]
    ys = np.concatenate([np.asarray(y, dtype=float) for y in ys]) if ys else np.array([0.0, 1.0])
    ys = ys[np.isfinite(ys)]
    bottom, top = float(ys.min()), float(ys.max())
    for line in ax.get_lines():
        if line.get_gid() == "asymptote":
            level = float(np.asarray(line.get_ydata())[0])
            bottom, top = min(bottom, level), max(top, level)
    if bottom > 0 and bottom < 0.25 * top:
        bottom = 0.0
    span = top - bottom or 1.0
    return bottom - 0.08 * span, top + 0.12 * span


def _axes_through_origin(ax):
    """Axis lines through the origin, as a textbook draws them, while the
    tick labels stay on the frame where no curve can run through them."""
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    colour = mpl.rcParams["axes.edgecolor"]
    if y0 < 0 < y1:
        ax.axhline(0, color=colour, lw=0.9, zorder=1.5, gid="x-axis")
    if x0 < 0 < x1:
        ax.axvline(0, color=colour, lw=0.9, zorder=1.5, gid="y-axis")


def _inset_small_slope(ax, act, lo, hi, props, derivative):
    """An inset magnifying x < 0 when f there is non-zero but would be
    drawn flat: PyTorch's own LeakyReLU(0.01) image looks like ReLU."""
    if not lo < 0 < hi or 0.0 not in act.kinks:
        return []
    y0, y1 = ax.get_ylim()
    left = act.f(np.linspace(lo, 0, 201))
    extent = float(np.max(np.abs(left)))
    if extent == 0 or extent > 0.04 * (y1 - y0):
        return []
    inset = ax.inset_axes([0.07, 0.2, 0.34, 0.34])
    xs = np.linspace(lo, 0, 201)
    inset.plot(xs, left, color=props.get("color"), lw=1.8)
    if derivative:
        inset.plot(xs, act.df(xs), color=props.get("color"), lw=1.4, ls=DERIVATIVE_DASHES)
    inset.set_xlim(lo, 0)
    inset.set_title(_t("x < 0, magnified ×{factor:.0f}", factor=(y1 - y0) / (2 * extent)), fontsize="x-small")
    inset.tick_params(labelsize="x-small")
    inset.grid(True)
    return [inset]


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
    layout: str = "overlay"        # overlay, side or grid
    shade: bool = True
    threshold: float = analysis.DEFAULT_THRESHOLD
    formula: bool = False
    xlim: tuple[float, float] | None = None
    ylim: tuple[float, float] | None = None
    size: tuple[float, float] = SIZES["16:9"]
    title: str | None = None


def figure(acts: Sequence[Activation], options: FigureOptions = FigureOptions()) -> Figure:
    """A Figure of `acts` laid out as the options say (call inside :func:`theme`)."""
    o = options
    draw_f = not o.derivative_only
    draw_df = o.derivative or o.derivative_only
    if o.layout == "grid" and len(acts) > 1:
        cols = math.ceil(math.sqrt(len(acts)))
        rows = math.ceil(len(acts) / cols)
        fig = Figure(figsize=(o.size[0], o.size[0] * rows / cols * 0.62), layout="constrained")
        axes = fig.subplots(rows, cols, squeeze=False).ravel()
        for i, (ax, act) in enumerate(zip(axes, acts)):
            plot(ax, act, function=draw_f, derivative=draw_df, shade=o.shade, threshold=o.threshold,
                 xlim=o.xlim, ylim=o.ylim, formula=o.formula, annotate=False, zoom=False,
                 origin_axes=False, first_colour=i)
            ax.set_title(act.label, fontsize="medium")
            ax.tick_params(labelsize="small")
        for ax in axes[len(acts):]:
            ax.set_visible(False)
        _figure_legend(fig, axes[:len(acts)], generic=True)
    elif o.layout == "side" and draw_f and draw_df:
        fig = Figure(figsize=o.size, layout="constrained")
        left, right = fig.subplots(1, 2)
        plot(left, *acts, shade=o.shade, threshold=o.threshold, xlim=o.xlim, ylim=o.ylim,
             formula=o.formula)
        plot(right, *acts, function=False, derivative=True, shade=o.shade, threshold=o.threshold,
             xlim=o.xlim, formula=o.formula)
        left.set_title(_t("f(x)"), fontsize="medium")
        right.set_title(_t("f′(x)"), fontsize="medium")
        _figure_legend(fig, (left, right))
    else:
        fig = Figure(figsize=o.size, layout="constrained")
        ax = fig.add_subplot()
        plot(ax, *acts, function=draw_f, derivative=draw_df, shade=o.shade, threshold=o.threshold,
             xlim=o.xlim, ylim=o.ylim, formula=o.formula)
        _figure_legend(fig, (ax,))
    fig.suptitle(o.title if o.title is not None else title_for(acts))
    return fig


def _figure_legend(fig, axes, generic=False):
    """One legend below the axes, where it can hide no curve and no tick.

    Several functions get one entry each and a single key saying that
    dashed means f′; `generic` (the grid, whose panels are titled) keeps
    only that key and the shading.
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
        curves = {_t("f (solid)"): Line2D([], [], color="0.45")} if has_f else {}
        if has_df:
            curves[_t("f′ (dashed)")] = dashed
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

def _new_figure(size, panels=1):
    fig = Figure(figsize=size, layout="constrained")
    return fig, fig.subplots(1, panels, squeeze=False).ravel()


def depth_figure(profiles, size=SIZES["16:9"], title=None) -> Figure:
    """Gradient norm at each layer, log scale: median line, min–max band,
    and the thin line max|f'|ⁿ that f' alone can contribute over n layers."""
    fig, (ax,) = _new_figure(size)
    for profile, props in zip(profiles, _cycle(len(profiles))):
        colour = props.get("color")
        layers = np.arange(1, profile.norms.shape[1] + 1)
        median = profile.median
        ax.fill_between(layers, profile.norms.min(axis=0), profile.norms.max(axis=0), color=colour,
                        alpha=0.18, lw=0)
        ax.plot(layers, median, color=colour, label=f"{profile.act.label}  (max|f′| = {profile.max_slope:.3g})",
                marker="o", ms=3.5, gid=f"{profile.act.name}-depth")
        if profile.max_slope < 1:
            bound = median[-1] * profile.max_slope ** (layers[-1] - layers)
            ax.plot(layers, bound, color=colour, lw=1.0, ls=(0, (2, 2)), gid=f"{profile.act.name}-bound")
    ax.set_yscale("log")
    first = profiles[0]
    setting = _t("{init} initialisation, width {width}", init=first.init, width=first.width)
    if first.weight_scale != 1:
        setting += _t(", weights ×{scale:g}", scale=first.weight_scale)
    ax.set_xlabel(_t("layer (1 = nearest the input)") + "   ·   " + setting)
    ax.set_ylabel(_t("gradient norm ‖∂L/∂z‖"))
    ax.invert_xaxis()
    handles, labels = ax.get_legend_handles_labels()
    if any(p.max_slope < 1 for p in profiles):
        from matplotlib.lines import Line2D
        handles.append(Line2D([], [], color="0.45", lw=1.0, ls=(0, (2, 2))))
        labels.append(_t("max|f′|ⁿ: all that f′ can pass on through n layers"))
    fig.legend(handles, labels, loc="outside lower center", ncols=2, frameon=False)
    fig.suptitle(title or _t("Gradient through depth: each layer multiplies by f′"))
    return fig


def zigzag_figure(results, size=SIZES["16:9"], title=None) -> Figure:
    """The SGD path on the loss contours, one panel per activation."""
    fig, axes = _new_figure(size, len(results))
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
        ax.plot(*centre, "*", color="0.15", ms=14, label=_t("optimum w*"))
        ax.plot(*path[0], "s", color="0.15", ms=7, label=_t("start"))
        ax.set_aspect("equal")
        ax.set_xlim(centre[0] - span, centre[0] + span)
        ax.set_ylim(centre[1] - span, centre[1] + span)
        ax.set_xlabel("w₁")
        ax.set_ylabel("w₂")
        ax.set_title(_t("a = {name}(u): {share:.0%} of steps\nmove w₁ and w₂ the same way",
                        name=result.act.label, share=result.same_sign_share), fontsize="small")
    _figure_legend(fig, axes[:1])
    fig.suptitle(title or _t("Zero-centring: all-positive inputs force a zig-zag"))
    return fig


def sparsity_figure(results, size=SIZES["16:9"], title=None) -> Figure:
    """Histogram of f(x), x ~ N(0, 1), with the mean and the exact zeros."""
    cols = min(len(results), 4)
    rows = math.ceil(len(results) / cols)
    fig = Figure(figsize=size, layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    for ax, result, props in zip(axes, results, _cycle(len(results))):
        colour = props.get("color")
        y = result.outputs
        nonzero = y[y != 0]
        lo, hi = np.percentile(y, [0.1, 99.9])
        lo, hi = min(lo, 0.0), max(hi, 0.0)
        bins = np.linspace(lo, hi + 1e-12, 60)
        weights = np.full(len(nonzero), 1.0 / (len(y) * (bins[1] - bins[0])))
        ax.hist(nonzero, bins=bins, weights=weights, color=colour, alpha=0.75)
        if result.zero_share:
            top = ax.get_ylim()[1]
            ax.vlines(0, 0, top * 0.75, color=colour, lw=4, gid=f"{result.act.name}-zeros")
            ax.annotate(_t("{share:.1%}\nexactly 0", share=result.zero_share), (0, top * 0.75), xytext=(6, 0),
                        textcoords="offset points", va="top", fontsize="small", color=colour)
        ax.axvline(result.mean, color="0.2", lw=1.2, ls=(0, (4, 2)))
        ax.set_title(_t("{name}\nmean {mean:+.3f}\nf′ = 0 for {dead:.1%}", name=result.act.label,
                        mean=result.mean, dead=result.dead_share),
                     fontsize="small")
        ax.set_yticks([])
    for ax in axes[len(results):]:
        ax.set_visible(False)
    fig.suptitle(title or _t("Outputs for x ~ N(0, 1): mean, sparsity and dead gradients"))
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
    _figure_legend(fig, (ax,))
    fig.suptitle(title or _t("The same {layers}-layer network without and with an activation", layers=layers))
    return fig


def compare_figure(rows, size=SIZES["16:9"], title=None) -> Figure:
    """The property matrix as a table figure."""
    fig, (ax,) = _new_figure(size)
    ax.axis("off")
    columns = list(rows[0])
    cells = [[format_cell(row[c]) for c in columns] for row in rows]
    headers = [c if c != "cost" else "cost ×\n(this machine)" for c in columns]
    table = ax.table(cellText=cells, colLabels=headers, loc="center", cellLoc="center")
    table.auto_set_font_size(False)
    table.set_fontsize(mpl.rcParams["font.size"] * 0.85)
    table.auto_set_column_width(list(range(len(columns))))
    table.scale(1.1, 2.0)
    fig.suptitle(title or _t("Properties of activation functions"))
    return fig

