"""Gated functions f(a, b) = a·g(b) drawn as what they are, functions of
two inputs: filled contour maps over (a, b).  matplotlib only, no click, no
pyplot.

:func:`draw_map` draws f, ∂f/∂a or ∂f/∂b on an Axes you own, with labelled
contours and the zero contour drawn bold; :func:`draw_gate` draws the gate
g(b) with b upright, to sit beside a map and share its b axis;
:func:`figure` builds the whole figure of ``actviz plot swiglu [-d] [--gate]``
in a :class:`~actviz.look.Look`, written with :func:`actviz.plotting.render`.
"""
from __future__ import annotations

from dataclasses import dataclass

import matplotlib as mpl
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.path import Path
from matplotlib.ticker import MaxNLocator

from . import analysis
from .functions import ActvizError, Gated
from .functions.gated import CONVENTION
from .look import SIZES, Look
from .plotting import _short, cycle, gid, grown, legend_below, styled, suptitle

# A diverging map, white at 0, so that f's sign reads at a glance; the print
# theme's grey ramp (darker is higher) keeps the order on a photocopy, and
# the labelled contours keep the values.
COLOUR_MAPS = {"light": "RdBu_r", "dark": "RdBu_r", "print": "Greys"}
QUANTITIES = ("f", "df_da", "df_db")
SAMPLES = 301  # per axis: odd, so that a range symmetric about 0 samples a = 0 and b = 0 exactly

ZH = {
    "{name}: {formula}; {convention}": "{name}：{formula}；a 为输入的前一半，b 为后一半（PyTorch 的 F.glu）",
    "the gate\ng = {gate}": "门函数\ng = {gate}",
    "b (the gate's input)": "b（门函数的输入）",
    "hatched: exactly 0 for every a": "阴影线：对任意 a 恰为 0",
}


@dataclass(frozen=True)
class SurfaceOptions:
    """What the command line can ask of a gated function's figure: the
    partial derivatives too, the gate beside the maps, the ranges of a and
    b (default: the entry's), the size and the title."""

    derivative: bool = False
    gate: bool = False
    alim: tuple[float, float] | None = None
    blim: tuple[float, float] | None = None
    size: tuple[float, float] = SIZES["16:9"]
    title: str | None = None


def bands(gated: Gated, quantity: str, blim) -> list[tuple[float, float]]:
    """The b-intervals on which f, ∂f/∂a or ∂f/∂b is continuous: ∂f/∂b =
    a·g′(b) jumps where g′ does (ReGLU's b = 0), and a map must not draw
    contours along the jump, where the function takes no value between its
    sides.  Each band stops one double short of a jump, so that it shows
    the one-sided limit."""
    breaks = gated.gate.derivative_jumps if quantity == "df_db" else gated.gate.jumps
    edges = [blim[0], *(x for x in breaks if blim[0] < x < blim[1]), blim[1]]
    return [(lo if i == 0 else float(np.nextafter(lo, np.inf)), hi if i == len(edges) - 2 else
             float(np.nextafter(hi, -np.inf))) for i, (lo, hi) in enumerate(zip(edges, edges[1:]))]


def values(gated: Gated, quantity: str, alim, blim, num: int = SAMPLES) -> list[tuple]:
    """[(a, b, z)] on a grid over each band of b (see :func:`bands`), about
    num × num points in all: z = f, ∂f/∂a or ∂f/∂b at (a, b)."""
    evaluate = {"f": gated.f, "df_da": gated.df_da, "df_db": gated.df_db}[quantity]
    grids = []
    for lo, hi in bands(gated, quantity, blim):
        rows = max(3, round(num * (hi - lo) / (blim[1] - blim[0])) | 1)
        a, b = np.meshgrid(np.linspace(*alim, num), np.linspace(lo, hi, rows))
        grids.append((a, b, evaluate(a, b)))
    return grids


def levels(z: np.ndarray) -> np.ndarray:
    """Contour levels symmetric about 0 and including it, so that one colour
    means one value on every panel's scale: white is 0, and ± are mirror images."""
    extent = float(np.nanmax(np.abs(z))) if np.isfinite(z).any() else 0.0
    if not 0 < extent < np.inf:
        return np.array([-1.0, 0.0, 1.0])
    return MaxNLocator(nbins=10, symmetric=True, steps=[1, 2, 2.5, 5, 10]).tick_values(-extent, extent)


def draw_map(ax, gated: Gated, quantity: str = "f", *, alim=None, blim=None, look: Look = Look()):
    """A filled contour map of f (or ∂f/∂a, ∂f/∂b) over a (across) and b
    (up), with its contours labelled, the zero contour bold and the regions
    where it is exactly 0 for every a (ReGLU's b < 0) hatched; returns
    (filled contour sets, contour line sets), one of each per band of b
    (see :func:`bands`).  The ranges default to the entry's."""
    if quantity not in QUANTITIES:
        raise ActvizError(f"unknown quantity {quantity!r}; choose from {', '.join(QUANTITIES)}")
    alim, blim = alim or gated.spec.alim, blim or gated.spec.blim
    grids = values(gated, quantity, alim, blim)
    steps = levels(np.concatenate([z.ravel() for _, _, z in grids]))
    ink = mpl.rcParams["text.color"]
    widths = [1.8 if level == 0 else 0.6 for level in steps]
    ax.set_xlim(*alim)
    ax.set_ylim(*blim)
    filled, lines = [], []
    dead_regions = analysis.dead_regions(gated.gate)
    for a, b, z in grids:
        filled.append(ax.contourf(a, b, z, levels=steps, cmap=COLOUR_MAPS[look.theme]))
        filled[-1].set_gid(gid(gated.name, f"{quantity}-map"))
        if np.ptp(z) > 0:
            lines.append(ax.contour(a, b, z, levels=steps, colors=ink, linewidths=widths))
            lines[-1].set_gid(gid(gated.name, f"{quantity}-contours"))
            _label_contours(ax, lines[-1])
        # Rows on which it is 0 for every a because the gate is dead there (ReLU's b < 0), not
        # because g(b) or g′(b) has underflowed (σ′(b) for b > 745).
        dead = np.zeros(b.shape[0], dtype=bool)
        for region in dead_regions:
            dead |= (region.lo <= b[:, 0]) & (b[:, 0] <= region.hi)
        zero = (z == 0).all(axis=1) & dead
        if zero.mean() > 0.01:
            ax.contourf(a, b, zero[:, None] & (a == a), levels=[0.5, 1.5], colors="none",
                        hatches=["//"]).set_gid("zero-region")
    ax.grid(False)
    return filled, lines


def _label_contours(ax, lines):
    """Label every other contour but the zero contour (bold, and marked on the
    colour bar) once, at the point of its longest piece that lies deepest
    inside its band of the axes, so that no label is cut by the frame or
    sits on a jump."""
    to_axes = ax.transData + ax.transAxes.inverted()
    (x0, y0), (x1, y1) = to_axes.transform(lines.get_datalim(ax.transData).get_points())
    places = []
    for level, path in zip(lines.levels, lines.get_paths()):
        starts = np.flatnonzero(path.codes == Path.MOVETO) if path.codes is not None else [0]
        pieces = [piece for piece in np.split(path.vertices, starts[1:]) if len(piece) > 1]
        if level not in lines.levels[::2] or level == 0 or not pieces:
            continue
        piece = max(pieces, key=len)
        inside = to_axes.transform(piece)
        depth = np.minimum(np.minimum(inside[:, 0] - x0, x1 - inside[:, 0]), np.minimum(inside[:, 1] - y0, y1 - inside[:, 1]))
        centred = depth - 1e-3 * np.abs(inside - 0.5).sum(axis=1)  # of equally deep points, the most central
        if depth.max() > 0.06:
            places.append(tuple(piece[int(np.argmax(centred))]))
    if places:
        labels = ax.clabel(lines, fmt=lambda v: _short(v).replace("-", "−"), fontsize="x-small", inline=True,
                           inline_spacing=3, manual=places)
        for label in labels:
            label.set_rotation(0)  # upright, so that a minus sign never lies along its contour


def draw_gate(ax, gated: Gated, *, blim=None, colour=None):
    """The gate's curve g(b), with b upright (to share a map's b axis) and
    the line g = 0; returns the curve."""
    blim = blim or gated.spec.blim
    c = analysis.curve(gated.gate, *blim)
    (line,) = ax.plot(c.y, c.x, color=colour or cycle(1)[0]["color"], marker="none", gid=gid(gated.gate.name, "gate"))
    ax.axvline(0.0, color=mpl.rcParams["axes.edgecolor"], lw=0.8, zorder=1, gid="g-zero")
    ax.set_xmargin(0.15)  # a tick label at g = 0 (σ's lower end) clear of the b axis's labels
    ax.xaxis.set_major_locator(MaxNLocator(nbins=3))
    ax.set_ylim(*blim)
    return line


def figure(gated: Gated, options: SurfaceOptions = SurfaceOptions(), look: Look = Look()) -> Figure:
    """The map of f, with -d the maps of ∂f/∂a and ∂f/∂b, and with `gate`
    the gate's curve on the left, sharing the b axis; each map has its colour
    bar, and the title states the function and the convention."""
    with styled(look):
        return _figure(gated, options, look)


def _figure(gated, o, look):
    say = look.words(ZH)
    spec = gated.spec
    alim, blim = o.alim or spec.alim, o.blim or spec.blim
    quantities = QUANTITIES if o.derivative else QUANTITIES[:1]
    ratios = [0.55] * o.gate + [1.0] * len(quantities)
    em = mpl.rcParams["font.size"] / 72
    size = grown(o.size, (sum(ratios) * 17 * em, 17 * em))
    fig = Figure(figsize=size, layout="constrained")
    axes = list(fig.subplots(1, len(ratios), sharey=True, width_ratios=ratios, squeeze=False)[0])
    titles = {"f": r"$f(a,b)=a\,g(b)$", "df_da": r"$\partial f/\partial a=g(b)$",
              "df_db": r"$\partial f/\partial b=a\,g'(b)$"}
    if o.gate:
        gate_ax = axes.pop(0)
        draw_gate(gate_ax, gated, blim=blim)
        gate_ax.set_gid("gate")
        gate_ax.set_title(say("the gate\ng = {gate}", gate=gated.gate.name), fontsize="medium")
        gate_ax.set_xlabel("$g(b)$")
        gate_ax.set_ylabel(say("b (the gate's input)"))
    for ax, quantity in zip(axes, quantities):
        filled, lines = draw_map(ax, gated, quantity, alim=alim, blim=blim, look=look)
        ax.set_gid(quantity)
        ax.set_title(titles[quantity], fontsize="medium")
        ax.set_xlabel("a")
        bar = fig.colorbar(filled[0], ax=ax, fraction=0.08, pad=0.02)
        if lines:  # none where the panel is constant (∂f/∂a = σ(b) = 1 for b ≥ 37)
            bar.add_lines(lines[0])
        bar.ax.tick_params(labelsize="small")
        ax.tick_params(labelsize="small")
    if not o.gate:
        axes[0].set_ylabel(say("b (the gate's input)"))
    if any(c.get_gid() == "zero-region" for ax in axes for c in ax.collections):
        legend_below(fig, [Patch(facecolor="none", edgecolor=mpl.rcParams["text.color"], hatch="//")],
                     [say("hatched: exactly 0 for every a")])
    for ax in fig.axes:
        ax.yaxis.set_major_formatter("{x:g}")
    suptitle(fig, o.title if o.title is not None else
             say("{name}: {formula}; {convention}", name=spec.name, formula=spec.text, convention=CONVENTION))
    return fig
