"""A vector function of three logits drawn over the simplex: a ternary plot
(matplotlib.tri; object API only, no pyplot, no click).

Softmax and its relatives do not change when a constant is added to every
logit, so three logits have two degrees of freedom, and the logit vectors
z = s·(b₁, b₂, b₃) with b on the probability simplex (b_i ≥ 0, Σ b_i = 1)
and s a fixed scale reach every direction of them: at a corner one logit
is s and the others 0, at the centre all are equal.  Each point of the
triangle is coloured by the first output f₁(z) (p₁, or log p₁), and with
the Jacobian by its spectral norm ‖J‖₂, the largest factor by which the
map stretches a small change of the logits.  Where a sparse map (sparsemax,
entmax15) gives an output exactly 0 the triangle is hatched, bounded by
the exact line where that output's margin x_i − τ changes sign.
"""
from __future__ import annotations

import math
from typing import Sequence

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator
from matplotlib.tri import Triangulation, UniformTriRefiner

from .functions import Vector, format_value
from .look import Look
from .plotting import legend_below, styled, suptitle, wrap_titles

SCALE = 4.0           # the logits' scale s: the corners are z = (4, 0, 0), …
SUBDIVISIONS = 6      # 4⁶ = 4096 triangles, 2145 points
HEIGHT = math.sqrt(3.0) / 2.0
CORNERS = np.array([[0.0, 0.0], [1.0, 0.0], [0.5, HEIGHT]])  # classes 1, 2, 3
LEVELS = 11

ZH = {
    "{name} of three logits z = {scale:g}·b, b on the simplex (adding a constant to z changes nothing)":
        "三个 logit 的 {name}：z = {scale:g}·b，b 在单纯形上（z 加上同一常数，结果不变）",
    "T = {temperature}": "T = {temperature}",
    "‖J‖₂, the largest gain": "‖J‖₂，最大增益",
    "an output exactly 0": "某一输出恰为 0",
    "For two classes, softmax is the sigmoid of (z₁ − z₂)/T": "两类时，softmax 即 (z₁ − z₂)/T 的 sigmoid",
    "For two classes, log_softmax is the log-sigmoid of (z₁ − z₂)/T":
        "两类时，log_softmax 即 (z₁ − z₂)/T 的 log-sigmoid",
    "For two classes, softmin is the sigmoid of (z₂ − z₁)/T": "两类时，softmin 即 (z₂ − z₁)/T 的 sigmoid",
    "For two classes, sparsemax is a hard sigmoid of (z₁ − z₂)/T": "两类时，sparsemax 即 (z₁ − z₂)/T 的硬 sigmoid",
    "For two classes, entmax15 is 1/2 + u√(8 − u²)/8\non |u| ≤ 2, u = (z₁ − z₂)/T":
        "两类时，entmax15 在 |u| ≤ 2 上为 1/2 + u√(8 − u²)/8，u = (z₁ − z₂)/T",
}


def mesh(subdivisions: int = SUBDIVISIONS) -> tuple[Triangulation, np.ndarray]:
    """The triangle refined `subdivisions` times, and each point's
    barycentric coordinates b (rows summing to 1, every entry ≥ 0)."""
    triangle = Triangulation(CORNERS[:, 0], CORNERS[:, 1], [[0, 1, 2]])
    fine = UniformTriRefiner(triangle).refine_triangulation(subdiv=subdivisions)
    b3 = np.clip(fine.y / HEIGHT, 0.0, 1.0)
    b2 = np.clip(fine.x - b3 / 2.0, 0.0, 1.0)
    return fine, np.stack([np.clip(1.0 - b2 - b3, 0.0, 1.0), b2, b3], axis=-1)


def _first_output_name(act: Vector) -> str:
    return "log p₁" if act.name == "log_softmax" else "p₁"


def figure(acts: Sequence[Vector], *, jacobian: bool = False, size=(8.0, 4.5), title: str | None = None,
           look: Look = Look()) -> Figure:
    """One ternary panel per function of `acts` (a family: one per
    temperature), coloured by f₁, and one coloured by ‖J‖₂ when `jacobian`:
    side by side for one function, in a second row for a family."""
    with styled(look):
        return _figure(acts, jacobian, size, title, look)


def _figure(acts, jacobian, size, title, look):
    say = look.words(ZH)
    cmap = "Greys" if look.theme == "print" else "viridis"
    tri, b = mesh()
    z = SCALE * b
    count = 2 if jacobian else 1
    fig = Figure(figsize=size, layout="constrained")
    grid = fig.subplots(count, len(acts), squeeze=False) if len(acts) > 1 else fig.subplots(1, count, squeeze=False).T
    values = [act.f(z)[:, 0] for act in acts]
    gains = [np.linalg.norm(act.jacobian(z), ord=2, axis=(-2, -1)) for act in acts] if jacobian else []
    scales = [(values, _first_output_name(acts[0]))] + ([(gains, say("‖J‖₂, the largest gain"))] if jacobian else [])
    sparse = False
    for row, (fields, what) in enumerate(scales):
        lo, hi = min(float(v.min()) for v in fields), max(float(v.max()) for v in fields)
        hi = hi if hi > lo else lo + 1.0
        # The outer levels a hair beyond the values: tricontourf leaves a flat
        # region lying exactly on its last level unfilled (sparsemax's p₁ = 1).
        levels = np.linspace(lo, hi, LEVELS) + np.r_[-1e-9, np.zeros(LEVELS - 2), 1e-9] * (hi - lo)
        for ax, act, field in zip(grid[row], acts, fields):
            filled = ax.tricontourf(tri, field, levels=levels, cmap=cmap)
            sparse |= _hatch_zeros(ax, tri, act, z, look)
            _frame(ax)
            if len(acts) == 1:
                ax.set_title(what, fontsize="medium")
            elif row == 0:
                ax.set_title(say("T = {temperature}", temperature=format_value(act.params["temperature"])),
                             fontsize="medium")
        fig.colorbar(filled, ax=list(grid[row]), shrink=0.9, label=what, ticks=MaxNLocator(6))
    if sparse:
        legend_below(fig, [Patch(facecolor="none", edgecolor=_ink(look), hatch="//")], [say("an output exactly 0")])
    suptitle(fig, title if title is not None else
             say("{name} of three logits z = {scale:g}·b, b on the simplex (adding a constant to z changes nothing)",
                 name=acts[0].name, scale=SCALE))
    wrap_titles(fig, grid.ravel())
    return fig


def _hatch_zeros(ax, tri, act, z, look) -> bool:
    """Hatch where an output is exactly 0, bounded by the zero line of its
    margin (exact, not the staircase of the mesh); whether any is."""
    margin = act.margin(z)
    if margin is None or not (margin < 0).any():
        return False
    colour = _ink(look)
    for i in range(3):
        if (margin[:, i] < 0).any():
            zeros = ax.tricontourf(tri, margin[:, i], levels=[float(margin[:, i].min()) - 1.0, 0.0],
                                   colors="none", hatches=["//"])
            zeros.set_hatchcolor(colour)
            ax.tricontour(tri, margin[:, i], levels=[0.0], colors=colour, linewidths=1.0)
    return True


def _ink(look) -> str:
    """The hatching's grey: dark on a light background, light on the dark theme's."""
    return "0.85" if look.theme == "dark" else "0.25"


def _frame(ax):
    """The triangle's outline and its corners' logits, inside the axes."""
    ax.fill(*CORNERS.T, facecolor="none", edgecolor="0.3", linewidth=1.0)
    s = f"{SCALE:g}"
    labels = (f"({s}, 0, 0)", f"(0, {s}, 0)", f"(0, 0, {s})")
    places = ((0.0, -0.05, "top"), (1.0, -0.05, "top"), (0.5, HEIGHT + 0.04, "bottom"))
    for label, (x, y, va) in zip(labels, places):
        ax.text(x, y, label, ha="center", va=va, fontsize="small")
    # Margins in data units, so that they shrink and grow with the labels' room in the equal-aspect box.
    ax.set_xlim(-0.35, 1.35)
    ax.set_ylim(-0.25, HEIGHT + 0.25)
    ax.set_aspect("equal")
    ax.set_axis_off()
