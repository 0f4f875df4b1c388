"""The vanishing gradient: the gradient norm at each layer of a deep MLP.

Every layer multiplies the gradient by f′ (at most 1/4 for sigmoid) and by
the weights; the figure draws the norms measured and the bound the two
factors put on them.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import click
import numpy as np

from .. import analysis
from ..command import (ActivationName, Integer, Number, activations, draw, fail, output_options, param_option,
                       preset_option)
from ..functions import Activation, ActvizError, get
from ..look import SIZES, Look
from .lesson import Lesson

DEFAULTS = ("sigmoid", "tanh", "relu", "gelu")
INITS = ("he", "xavier")


# ---------------------------------------------------------------------------
# The experiment (pure numpy, seeded)
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class DepthProfile:
    """Gradient norms ‖∂L/∂z_l‖ at each layer l = 1..L, one row per seed."""

    act: Activation
    norms: np.ndarray          # shape (seeds, layers)
    weight_gains: np.ndarray   # (seeds, layers − 1): ‖δ_{l+1}·W_{l+1}ᵀ‖ / ‖δ_{l+1}‖, the weights' share
    max_slope: float           # max |f'|: f' alone scales a gradient by at most this per layer
    init: str
    width: int
    weight_scale: float

    @property
    def median(self):
        return np.median(self.norms, axis=0)

    @property
    def weight_gain(self) -> float:
        """The weights' factor per layer, geometric mean over layers and seeds
        where a gradient passed (NaN for a single layer, or one that vanished
        at the top: no gradient, no factor).  A factor of 0 is left out too:
        Wᵀ is invertible almost surely, so it maps a non-zero gradient to 0
        only when the product underflows."""
        gains = self.weight_gains[np.isfinite(self.weight_gains) & (self.weight_gains > 0)]
        return float(np.exp(np.mean(np.log(gains)))) if gains.size else math.nan

    @property
    def bound(self):
        r"""An upper bound on :attr:`median` at each layer: max|f'| times the
        weights' measured factor, layer by layer, from the top layer down.

        ‖δ_l‖ = ‖f'(z_l) ⊙ δ_{l+1}W_{l+1}ᵀ‖ ≤ max|f'| · ‖δ_{l+1}W_{l+1}ᵀ‖, so for
        every seed ‖δ_l‖ ≤ ‖δ_L‖ · ∏_{k=l}^{L−1} max|f'| · gain_k; the median
        over seeds of these bounds bounds the median of the norms.
        """
        factors = self.max_slope * self.weight_gains
        products = np.cumprod(factors[:, ::-1], axis=1)[:, ::-1]
        per_seed = self.norms[:, -1:] * np.hstack([products, np.ones((len(factors), 1))])
        return np.median(per_seed, axis=0)


def gradient_through_depth(act: Activation, *, layers: int = 30, width: int = 64, batch: int = 64,
                           seeds: int = 5, init: str = "he", weight_scale: float = 1.0) -> DepthProfile:
    r"""Back-propagate through a deep MLP and record the gradient at each layer.

    z_l = W_l·h_{l−1}, h_l = f(z_l), W_l ~ N(0, s²·g/width) with g = 1 for
    Xavier and 2 for He; the loss is ⟨r, h_L⟩ for a fixed random r.  Going
    down, ∂L/∂z_l = f'(z_l) ⊙ W_{l+1}ᵀ ∂L/∂z_{l+1}: every layer multiplies by
    f'(z_l), which for sigmoid is at most 1/4, and by W_{l+1}ᵀ, whose factor
    is recorded: E‖Wᵀv‖² = s²·g·‖v‖² for v independent of W, about √2 for He
    (making up for ReLU's f' = 0 on half the units) and 1 for Xavier.
    `weight_scale` > 1 explodes.
    """
    if init not in INITS:
        raise ActvizError(f"unknown initialisation {init!r}; choose xavier or he")
    if not 1 <= layers <= 1000 or not 1 <= seeds <= 100:
        raise ActvizError("layers must lie in 1–1000 and seeds in 1–100")
    gain = 1.0 if init == "xavier" else 2.0
    scale = weight_scale * math.sqrt(gain / width)

    def weights(state: dict) -> np.ndarray:
        """W_l drawn again, for the backward pass, from the generator's state
        before the forward pass drew it: the same numbers, without holding
        every layer's matrix (1000 layers of width 4096 would be 134 GB)."""
        generator = np.random.Generator(np.random.PCG64())
        generator.bit_generator.state = state
        return generator.standard_normal((width, width)) * scale

    norms = np.empty((seeds, layers))
    gains = np.empty((seeds, layers - 1))
    with np.errstate(over="ignore", invalid="ignore"):
        for seed in range(seeds):
            rng = np.random.default_rng(seed)
            h = rng.standard_normal((batch, width))
            draws, pre = [], []
            for _ in range(layers):
                draws.append(rng.bit_generator.state)
                z = h @ (rng.standard_normal((width, width)) * scale)
                pre.append(z)
                h = act.f(z)
            delta = act.df(pre[-1]) * rng.standard_normal(width)
            for layer in range(layers - 1, -1, -1):
                norms[seed, layer] = np.linalg.norm(delta) / math.sqrt(batch)
                if layer:
                    back = delta @ weights(draws[layer]).T
                    gains[seed, layer - 1] = np.linalg.norm(back) / np.linalg.norm(delta)
                    delta = act.df(pre[layer - 1]) * back
    peak = analysis.max_abs_derivative(act, -50.0, 50.0).value
    return DepthProfile(act, norms, gains, peak, init, width, weight_scale)


# ---------------------------------------------------------------------------
# The figure
# ---------------------------------------------------------------------------

ZH = {
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
}
BOUND_DASHES = (0, (2, 2))


def figure(profiles, size=SIZES["16:9"], title=None, look: Look = Look()):
    """Gradient norm at each layer, log scale: median line, min–max band,
    and, for functions whose |f'| never exceeds 1, the bound that f' and the
    weights together put on the median (:attr:`DepthProfile.bound`)."""
    import matplotlib as mpl
    from matplotlib.lines import Line2D
    from .. import plotting
    say = look.words(ZH)
    with plotting.styled(look):
        fig, (ax,) = plotting.new_figure(size)
        for profile, props in zip(profiles, plotting.cycle(len(profiles))):
            colour = props.get("color")
            layers = np.arange(1, profile.norms.shape[1] + 1)
            ax.fill_between(layers, profile.norms.min(axis=0), profile.norms.max(axis=0), color=colour,
                            alpha=0.18, lw=0)
            label = say("{name}  (max|f′| = {slope})", name=profile.act.label,
                        slope=analysis.format_number(profile.max_slope, 3))
            ax.plot(layers, profile.median, color=colour, marker="o", ms=3.5, label=label,
                    gid=plotting.gid(profile.act.name, "depth"))
            if profile.max_slope < 1:
                ax.plot(layers, profile.bound, color=colour, lw=1.0, ls=BOUND_DASHES,
                        gid=plotting.gid(profile.act.name, "bound"))
        ax.set_yscale("log")
        first = profiles[0]
        init = {"he": say("He initialisation"), "xavier": say("Xavier initialisation")}[first.init]
        gain = math.exp(np.mean([math.log(p.weight_gain) for p in profiles]))
        setting = say("{init}, width {width}", init=init, width=first.width)
        if first.weight_scale != 1:
            setting += say(", weights ×{scale:g}", scale=first.weight_scale)
        if math.isfinite(gain):
            two_digits = np.format_float_positional(gain, precision=2, unique=False, fractional=False, trim="-")
            setting += say(": the weights multiply the gradient by ≈{gain} per layer", gain=two_digits)
        ax.set_xlabel(say("layer (1 = nearest the input)") + "\n"
                      + plotting.wrap(setting, 0.9 * 72 * fig.get_figwidth(), mpl.rcParams["axes.labelsize"]))
        ax.set_ylabel(say("gradient norm ‖∂L/∂z‖"))
        ax.invert_xaxis()
        handles, labels = ax.get_legend_handles_labels()
        if any(p.max_slope < 1 for p in profiles):
            handles.append(Line2D([], [], color="0.45", lw=1.0, ls=BOUND_DASHES))
            labels.append(say("bound: max|f′| × the weights' factor, layer by layer"))
        plotting.legend_below(fig, handles, labels)
        plotting.suptitle(fig, title or say("Gradient through depth: each layer multiplies by f′"))
    return fig


# ---------------------------------------------------------------------------
# The command
# ---------------------------------------------------------------------------

@click.command()
@click.argument("names", nargs=-1, type=ActivationName())
@param_option
@preset_option
@click.option("--layers", type=Integer(1, 1000), default=30, show_default=True)
@click.option("--width", type=Integer(1, 4096), default=64, show_default=True, help="Units per layer.")
@click.option("--seeds", type=Integer(1, 100), default=5, show_default=True,
              help="Random networks; the band spans their minimum to maximum.")
@click.option("--init", type=click.Choice(INITS), default="he", show_default=True,
              help="Weight variance 2/width (He) or 1/width (Xavier).")
@click.option("--weight-scale", type=Number(finite=True, low=0.01, high=100), default=1.0, show_default=True,
              help="Multiply every weight: above 1 the gradient explodes.")
@output_options
def depth(names, params, preset, layers, width, seeds, init, weight_scale, **output):
    """The vanishing gradient: gradient norm at each layer of a deep MLP.

    \b
    Examples:
      actviz depth sigmoid tanh relu gelu --layers 30
      actviz depth relu --weight-scale 1.5          # exploding
    """
    acts = activations(names or DEFAULTS, params, preset)
    profiles = [gradient_through_depth(a, layers=layers, width=width, seeds=seeds, init=init,
                                       weight_scale=weight_scale) for a in acts]
    for profile in profiles:
        if not ((profile.norms > 0) & np.isfinite(profile.norms)).any():
            fail(f"nothing to draw: the gradient norm of {profile.act.label} is 0, inf or nan at every layer "
                 "(it vanished or overflowed); use fewer --layers or a --weight-scale nearer 1")
    draw(lambda size, title, look: figure(profiles, size, title, look), "depth", **output)


LESSON = Lesson(depth, "teach-depth",
                lambda look: figure([gradient_through_depth(get(n)) for n in DEFAULTS], look=look))
