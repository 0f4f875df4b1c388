"""Without an activation a deep network is a straight line: one random
network evaluated with f = identity and with f.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import click
import numpy as np

from ..command import SEED, ActivationName, Integer, bind, draw, output_options, param_option, preset_option
from ..functions import Activation, ActvizError, get
from ..look import SIZES, Look
from .lesson import Lesson

DEFAULT = "relu"
LAYERS = 4


# ---------------------------------------------------------------------------
# The experiment (pure numpy, seeded)
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Collapse:
    """One random 1-D → 1-D network evaluated with and without activation."""

    x: np.ndarray
    linear: np.ndarray
    nonlinear: np.ndarray


def collapse(act: Activation, *, layers: int = LAYERS, width: int = 8, seed: int = 0,
             xlim=(-3.0, 3.0), num: int = 801) -> Collapse:
    r"""y = W_L f(… f(W_1 x + b_1) …) + b_L, once with f = identity.

    With the identity the composition is W_L⋯W_1·x + const: a straight line
    at any depth.  Biases are drawn so kinks land inside the plotted range.
    """
    if not 1 <= layers <= 50 or not 1 <= width <= 512:
        raise ActvizError("layers must lie in 1–50 and width in 1–512")
    rng = np.random.default_rng(seed)
    sizes = [1] + [width] * layers + [1]
    params = [(rng.standard_normal((m, n)) * math.sqrt(2.0 / m), rng.uniform(-1, 1, n))
              for m, n in zip(sizes[:-1], sizes[1:])]
    x = np.linspace(*xlim, num)

    def forward(f):
        h = x[:, None]
        for i, (w, b) in enumerate(params):
            h = h @ w + b
            if i < len(params) - 1:
                h = f(h)
        return h[:, 0]

    with np.errstate(over="ignore", invalid="ignore"):
        deep = forward(act.f)
    if not np.isfinite(deep).all():
        raise ActvizError(f"with {act.label}, the output of {layers} layers overflows a double somewhere on "
                          f"x ∈ [{xlim[0]:g}, {xlim[1]:g}]; try fewer --layers")
    return Collapse(x, forward(lambda h: h), deep)


# ---------------------------------------------------------------------------
# The figure
# ---------------------------------------------------------------------------

ZH = {
    "identity: a straight line": "恒等函数：一条直线",
    "input x": "输入 x",
    "network output": "网络输出",
    "The same {layers}-layer network without and with an activation": "同一个 {layers} 层网络：无激活函数与有激活函数",
}


def figure(act, result, layers, size=SIZES["16:9"], title=None, look: Look = Look()):
    """The same random network with f = identity (a line) and with f."""
    from .. import plotting
    say = look.words(ZH)
    with plotting.styled(look):
        fig, (ax,) = plotting.new_figure(size)
        (colour,) = [p.get("color") for p in plotting.cycle(1)]
        ax.plot(result.x, result.linear, color="0.45", lw=2, ls=(0, (5, 3)), label=say("identity: a straight line"),
                gid=plotting.gid("identity", "net"))
        ax.plot(result.x, result.nonlinear, color=colour, label=act.label, gid=plotting.gid(act.name, "net"))
        ax.set_xlabel(say("input x"))
        ax.set_ylabel(say("network output"))
        plotting.legend_below(fig, *ax.get_legend_handles_labels())
        plotting.suptitle(fig, title or say("The same {layers}-layer network without and with an activation",
                                            layers=layers))
    return fig


# ---------------------------------------------------------------------------
# The command
# ---------------------------------------------------------------------------

@click.command("collapse")
@click.argument("name", type=ActivationName(), default=DEFAULT)
@param_option
@preset_option
@click.option("--layers", type=Integer(1, 50), default=LAYERS, show_default=True)
@click.option("--width", type=Integer(1, 512), default=8, show_default=True)
@click.option("--seed", type=SEED, default=0, show_default=True)
@output_options
def collapse_cmd(name, params, preset, layers, width, seed, **output):
    """Without an activation a deep network is a straight line.

    \b
    Example:
      actviz collapse tanh --layers 6
    """
    act = bind(name, params, preset)
    result = collapse(act, layers=layers, width=width, seed=seed)
    draw(lambda size, title, look: figure(act, result, layers, size, title, look), "collapse", **output)


LESSON = Lesson(collapse_cmd, "teach-collapse",
                lambda look: figure(get(DEFAULT), collapse(get(DEFAULT)), LAYERS, look=look))
