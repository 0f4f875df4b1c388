"""Dead units and sparsity: f(x) for x ~ N(0, 1), its mean (sigmoid's 0.5),
its exact zeros (ReLU's 50 %) and where f′ = 0.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import click
import numpy as np

from ..command import (MAX_POINTS, SEED, ActivationName, Integer, activations, draw, output_options, param_option,
                       preset_option)
from ..functions import Activation, get
from ..look import SIZES, Look
from .lesson import Lesson

DEFAULTS = ("sigmoid", "tanh", "relu", "gelu")


# ---------------------------------------------------------------------------
# The experiment (pure numpy, seeded)
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Sparsity:
    """Outputs of f on standard-normal inputs."""

    act: Activation
    outputs: np.ndarray
    mean: float
    zero_share: float          # f(x) == 0 exactly
    dead_share: float          # f'(x) == 0 exactly


def sparsity(act: Activation, *, samples: int = 200_000, seed: int = 0) -> Sparsity:
    """Mean, exact zeros and zero gradients of f(x) for x ~ N(0, 1)."""
    x = np.random.default_rng(seed).standard_normal(samples)
    y = act.f(x)
    return Sparsity(act, y, float(y.mean()), float(np.mean(y == 0)), float(np.mean(act.df(x) == 0)))


# ---------------------------------------------------------------------------
# The figure
# ---------------------------------------------------------------------------

ZH = {
    "{name}\nmean {mean:+.3f}\nf(x) = 0 for {zeros:.1%}\nf′ = 0 for {dead:.1%}":
        "{name}\n均值 {mean:+.3f}\nf(x) = 0 占 {zeros:.1%}\nf′ = 0 占 {dead:.1%}",
    "Outputs for x ~ N(0, 1): mean, sparsity and dead gradients": "x ~ N(0, 1) 时的输出：均值、稀疏性与死梯度",
    "density": "概率密度",
    "density of f(x) ≠ 0": "f(x) ≠ 0 的概率密度",
    "mean": "均值",
    "P(f(x) = 0), right axis": "P(f(x) = 0)，右侧坐标轴",
}


def figure(results, size=SIZES["16:9"], title=None, look: Look = Look()):
    """f(x) for x ~ N(0, 1): the density of its non-zero values (left axis)
    and, where f(x) = 0 exactly with positive probability, that probability
    as a spike on an axis of its own (right, 0–100 %): a point mass has no
    density, and drawn on the density's axis its height would mean nothing.
    The bars' area is the probability of the non-zero values they cover (all
    but the 0.1 % at each far end), so bars and spike add up to 99.8 %."""
    import matplotlib as mpl
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.ticker import MaxNLocator, PercentFormatter
    from .. import plotting
    say = look.words(ZH)
    with plotting.styled(look):
        wide = size[0] >= 1.5 * size[1]
        cols = min(len(results), 4 if wide else 2 if len(results) <= 4 else 3)
        rows = math.ceil(len(results) / cols)
        fig, axes = plotting.new_figure(size, rows * cols, rows=rows)
        ink, paper = mpl.rcParams["text.color"], mpl.rcParams["axes.facecolor"]
        bar_style = {"alpha": 0.45}
        mean_style = {"color": ink, "lw": 1.2, "ls": (0, (4, 2))}
        spike_style = {"color": ink, "lw": 2.5}
        for i, (ax, result, props) in enumerate(zip(axes, results, plotting.cycle(len(results)))):
            colour = props.get("color")
            name = result.act.name
            y = result.outputs
            nonzero = y[y != 0]
            lo, hi = np.percentile(y, [0.1, 99.9])
            lo, hi = min(lo, 0.0), max(hi, 0.0)
            bins = np.linspace(lo, hi + 1e-12, 60)
            weights = np.full(len(nonzero), 1.0 / (len(y) * (bins[1] - bins[0])))
            ax.hist(nonzero, bins=bins, weights=weights, color=colour, **bar_style,
                    gid=plotting.gid(name, "density"))
            ax.hist(nonzero, bins=bins, weights=weights, histtype="step", color=colour, lw=1.0)
            ax.axvline(result.mean, **mean_style, gid=plotting.gid(name, "mean"))
            left, right = lo - 0.04 * (hi - lo), hi + 0.04 * (hi - lo)
            ax.set_xlim(left, right)
            ax.set_title(say("{name}\nmean {mean:+.3f}\nf(x) = 0 for {zeros:.1%}\nf′ = 0 for {dead:.1%}",
                             name=result.act.label, mean=result.mean, zeros=result.zero_share,
                             dead=result.dead_share),
                         fontsize="small")
            ax.set_yticks([])
            ax.xaxis.set_major_locator(MaxNLocator(4, steps=[1, 2, 5, 10]))
            ax.tick_params(labelsize="small")
            if i % cols == 0:
                ax.set_ylabel(say("density"), fontsize="small")
            if result.zero_share:
                mass = ax.twinx()
                mass.vlines(0, 0, result.zero_share, **spike_style, zorder=4, gid=plotting.gid(name, "zeros"))
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
        labels = [say("density of f(x) ≠ 0"), say("mean")]
        if any(r.zero_share for r in results):
            handles.append(Line2D([], [], **spike_style, marker="o", mec=paper))
            labels.append(say("P(f(x) = 0), right axis"))
        plotting.legend_below(fig, handles, labels)
        plotting.suptitle(fig, title or say("Outputs for x ~ N(0, 1): mean, sparsity and dead gradients"))
    return fig


# ---------------------------------------------------------------------------
# The command
# ---------------------------------------------------------------------------

@click.command("sparsity")
@click.argument("names", nargs=-1, type=ActivationName())
@param_option
@preset_option
@click.option("--samples", type=Integer(100, MAX_POINTS), default=200_000, show_default=True)
@click.option("--seed", type=SEED, default=0, show_default=True)
@output_options
def sparsity_cmd(names, params, preset, samples, seed, **output):
    """Dead units and sparsity: f(x) for x ~ N(0, 1), its mean and its zeros.

    \b
    Example:
      actviz sparsity sigmoid tanh relu gelu
    """
    results = [sparsity(a, samples=samples, seed=seed) for a in activations(names or DEFAULTS, params, preset)]
    draw(lambda size, title, look: figure(results, size, title, look), "sparsity", **output)


LESSON = Lesson(sparsity_cmd, "teach-sparsity", lambda look: figure([sparsity(get(n)) for n in DEFAULTS], look=look))
