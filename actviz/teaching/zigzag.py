"""Why zero-centred outputs matter: SGD on two weights fed by all-positive
activations (sigmoid's) moves both weights the same way at every step, so
its path to an optimum that needs one up and one down zig-zags.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import click
import numpy as np

from ..command import (SEED, ActivationName, Integer, Number, activations, draw, output_options, param_option,
                       preset_option)
from ..functions import Activation, get
from ..look import SIZES, Look
from .lesson import Lesson

DEFAULTS = ("sigmoid", "tanh")


# ---------------------------------------------------------------------------
# The experiment (pure numpy, seeded)
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class ZigZag:
    """SGD on a linear unit y = w·a fed by activations a = f(u)."""

    act: Activation
    path: np.ndarray           # (steps + 1, 2) weights
    optimum: np.ndarray        # (2,)
    hessian: np.ndarray        # E[a aᵀ], the quadratic loss's curvature
    same_sign_share: float     # share of updates whose two components share a sign


def zigzag(act: Activation, *, optimum=(1.0, -1.0), steps: int = 80, lr: float = 0.5,
           seed: int = 0) -> ZigZag:
    r"""The path of per-sample gradient steps towards `optimum`.

    With L = ½(w·a − t)², ∂L/∂wᵢ = (w·a − t)·aᵢ.  If every aᵢ > 0 (sigmoid
    outputs) both components have the sign of (w·a − t): each step moves
    both weights up or both down, and reaching w* = (1, −1) takes a zig-zag.
    """
    rng = np.random.default_rng(seed)
    target = np.asarray(optimum, dtype=float)
    a = act.f(rng.standard_normal((steps, 2)))
    w = np.zeros(2)
    path = [w.copy()]
    same = 0
    for sample in a:
        grad = (w @ sample - target @ sample) * sample
        same += bool(grad[0] * grad[1] > 0)
        w = w - lr * grad
        path.append(w.copy())
    big = act.f(np.random.default_rng(seed + 1).standard_normal((20000, 2)))
    return ZigZag(act, np.array(path), target, big.T @ big / len(big), same / steps)


# ---------------------------------------------------------------------------
# The figure
# ---------------------------------------------------------------------------

ZH = {
    "optimum w*": "最优点 w*",
    "start": "起点",
    "a = {name}(u)\n{share:.0%} of steps move w₁ and w₂ the same way":
        "a = {name}(u)\n{share:.0%} 的更新 让 w₁ 与 w₂ 同向移动",
    "Zero-centring: all-positive inputs force a zig-zag": "非零中心：输入全为正时梯度下降呈锯齿形",
}
SPAN = 1.8  # the panels show the optimum ± this in each weight


def figure(results, size=SIZES["16:9"], title=None, look: Look = Look()):
    """The SGD path on the loss contours, one square panel per activation,
    in as many columns as make the panels largest."""
    import matplotlib as mpl
    from .. import plotting
    say = look.words(ZH)
    with plotting.styled(look):
        columns = max(range(1, len(results) + 1),
                      key=lambda c: (min(size[0] / c, size[1] / math.ceil(len(results) / c)), c))
        rows = math.ceil(len(results) / columns)
        fig, axes = plotting.new_figure(size, rows * columns, rows=rows)
        for ax in axes[len(results):]:
            ax.set_visible(False)
        ink = mpl.rcParams["text.color"]
        for ax, result, props in zip(axes, results, plotting.cycle(len(results))):
            colour = props.get("color")
            centre = result.optimum
            g1, g2 = np.meshgrid(np.linspace(centre[0] - SPAN, centre[0] + SPAN, 200),
                                 np.linspace(centre[1] - SPAN, centre[1] + SPAN, 200))
            d = np.stack([g1 - centre[0], g2 - centre[1]], axis=-1)
            loss = 0.5 * np.einsum("...i,ij,...j->...", d, result.hessian, d)
            ax.contour(g1, g2, loss, levels=12, colors="0.75", linewidths=0.8)
            path = result.path
            ax.plot(path[:, 0], path[:, 1], "-o", color=colour, ms=3, lw=1.6,
                    gid=plotting.gid(result.act.name, "path"))
            ax.plot(*centre, "*", color=ink, ms=14, label=say("optimum w*"))
            ax.plot(*path[0], "s", color=ink, ms=7, label=say("start"))
            ax.set_aspect("equal")
            ax.set_xlim(centre[0] - SPAN, centre[0] + SPAN)
            ax.set_ylim(centre[1] - SPAN, centre[1] + SPAN)
            ax.set_xlabel("w₁")
            ax.set_ylabel("w₂")
            ax.set_title(say("a = {name}(u)\n{share:.0%} of steps move w₁ and w₂ the same way",
                             name=result.act.label, share=result.same_sign_share), fontsize="small")
        plotting.legend_below(fig, *axes[0].get_legend_handles_labels())
        plotting.suptitle(fig, title or say("Zero-centring: all-positive inputs force a zig-zag"))
        plotting.wrap_titles(fig, axes[:len(results)])
    return fig


# ---------------------------------------------------------------------------
# The command
# ---------------------------------------------------------------------------

@click.command("zigzag")
@click.argument("names", nargs=-1, type=ActivationName())
@param_option
@preset_option
@click.option("--steps", type=Integer(1, 10000), default=80, show_default=True)
@click.option("--lr", type=Number(finite=True, low=1e-6, high=10), default=0.5, show_default=True, help="Learning rate.")
@click.option("--seed", type=SEED, default=0, show_default=True)
@output_options
def zigzag_cmd(names, params, preset, steps, lr, seed, **output):
    """Why zero-centred outputs matter: SGD paths fed by sigmoid vs tanh.

    \b
    Examples:
      actviz zigzag sigmoid tanh -o zigzag.svg
      actviz zigzag softplus elu -p alpha=0.5        # softplus > 0 zig-zags, elu does not
    """
    results = [zigzag(a, steps=steps, lr=lr, seed=seed) for a in activations(names or DEFAULTS, params, preset)]
    draw(lambda size, title, look: figure(results, size, title, look), "zigzag", **output)


LESSON = Lesson(zigzag_cmd, "teach-zigzag", lambda look: figure([zigzag(get(n)) for n in DEFAULTS], look=look))
