r"""Forward and backward passes through a chain of neurons, with the numbers.

A chain of L one-unit layers, x = a₀ → z_k = w_k·a_{k−1} + b_k → a_k = f(z_k)
→ … → a_L → L, is the smallest network in which the chain rule can be read
off number by number.  Going back,

    ∂L/∂z_k = ∂L/∂a_k · f′(z_k),    ∂L/∂a_{k−1} = ∂L/∂z_k · w_k,

so each layer multiplies the gradient by its factor f′(z_k) and its weight:
∂L/∂x = ∂L/∂a_L · ∏ w_k f′(z_k).  Sigmoid's f′ ≤ 1/4 makes the product fade
layer by layer (at most, not "about", 1/4 each); a ReLU whose z_k < 0 has
f′(z_k) = 0 and stops it.

This module holds the experiment (pure numpy, from the registry's f and f′),
its figure (matplotlib's object API, imported only when drawing), the
figure's Chinese texts and its command, `actviz backprop`.
"""
from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass

import click
import numpy as np

from .. import analysis
from ..analysis import figure_number as format_number
from ..command import (SEED, ActivationName, Integer, Number, activations, default_stem, draw, fail, finite_json,
                       output_options, param_option, preset_option)
from ..functions import Activation, ActvizError, get, parse_number
from ..look import SIZES, Look
from .lesson import Lesson

LOSSES = ("none", "mse")
MAX_LAYERS = 8
# Random weights and biases are rounded to two decimals, so that the numbers
# drawn on the figure are the numbers used.
RANDOM_DECIMALS = 2
# The chain of the gallery and the README: x = 1.5 through four neurons, with
# a negative pre-activation at the second and third (ReLU dies there).
EXAMPLE_X = 1.5
EXAMPLE_PARAMETERS = ((0.8, -1.2, 1.5, 0.9), (0.1, 0.3, -0.2, 0.1))
# The gallery's chains, side by side: one that fades, one that stops.
EXAMPLE_FUNCTIONS = ("sigmoid", "relu")


@dataclass(frozen=True)
class Layer:
    """One neuron of the chain: its parameters, forward values and gradients.

    `stops` says that f′(z) is exactly 0, so that no gradient passes;
    `region` is the analysis layer's word for where z lies ("dead",
    "saturated", or None): a gradient that is merely small is never called
    dead, and "saturated" is said only inside a saturated region.
    """

    weight: float
    bias: float
    z: float
    a: float
    slope: float        # f′(z)
    grad_z: float       # ∂L/∂z
    grad_a: float       # ∂L/∂a
    grad_w: float       # ∂L/∂w = ∂L/∂z · a_{k−1}
    grad_b: float       # ∂L/∂b = ∂L/∂z
    stops: bool
    region: str | None


@dataclass(frozen=True)
class Chain:
    """A chain's forward and backward pass; `act` is None for a linear chain."""

    act: Activation | None
    x: float
    layers: tuple[Layer, ...]
    loss: str
    target: float
    value: float        # L
    grad_x: float       # ∂L/∂x

    @property
    def output_grad(self) -> float:
        """∂L/∂a_L: 1 when L is the output itself, 2(a_L − t) for the squared error."""
        return self.layers[-1].grad_a

    @property
    def label(self) -> str:
        return self.act.label if self.act else "linear"


def random_parameters(layers: int, seed: int) -> tuple[list[float], list[float]]:
    """Weights ~ N(0, 1) and biases ~ N(0, 0.5²), rounded to two decimals;
    the weights are always drawn first, so a seed gives the same biases
    whether or not the weights are given."""
    rng = np.random.default_rng(seed)
    weights = np.round(rng.standard_normal(layers), RANDOM_DECIMALS) + 0.0
    biases = np.round(0.5 * rng.standard_normal(layers), RANDOM_DECIMALS) + 0.0
    return weights.tolist(), biases.tolist()


def chain(act: Activation | None, x: float, weights, biases, *, loss: str = "none",
          target: float = 0.0) -> Chain:
    r"""The forward and backward pass of x through the chain.

    `act` None is the linear chain (f = identity, f′ = 1).  With loss
    "none", L = a_L (the gradients are those of the output); with "mse",
    L = (a_L − t)², as torch.nn.MSELoss for one value, so ∂L/∂a_L = 2(a_L − t).
    """
    weights, biases = [float(w) for w in weights], [float(b) for b in biases]
    if not 1 <= len(weights) <= MAX_LAYERS:
        raise ActvizError(f"a chain has 1–{MAX_LAYERS} layers; got {len(weights)} weights")
    if len(biases) != len(weights):
        raise ActvizError(f"{len(weights)} weights but {len(biases)} biases: give one of each per layer")
    if loss not in LOSSES:
        raise ActvizError(f"unknown loss {loss!r}; choose from {', '.join(LOSSES)}")
    for what, values in (("x", [x]), ("the target", [target]), ("every weight", weights), ("every bias", biases)):
        if not all(math.isfinite(v) for v in values):
            raise ActvizError(f"{what} must be a finite number")
    f = act or get("identity")
    found = analysis.regions(act) if act else []
    zs, inputs, a = [], [], float(x)
    with np.errstate(all="ignore"):
        for w, b in zip(weights, biases):
            inputs.append(a)
            zs.append(w * a + b)
            a = float(f.f(zs[-1]))
        value = a if loss == "none" else (a - target) ** 2
        grad_a = 1.0 if loss == "none" else 2.0 * (a - target)
        layers = []
        for k in range(len(weights) - 1, -1, -1):
            z = zs[k]
            slope = float(f.df(z))
            grad_z = grad_a * slope
            region = next((r.kind for r in found if r.lo <= z <= r.hi and (slope == 0 or not r.dead)), None)
            layers.append(Layer(weights[k], biases[k], z, float(f.f(z)), slope, grad_z, grad_a,
                                grad_z * inputs[k], grad_z, slope == 0, region))
            grad_a = grad_z * weights[k]
    layers.reverse()
    result = Chain(act, float(x), tuple(layers), loss, float(target), value, grad_a)
    numbers = [value, grad_a, *(getattr(layer, k) for layer in layers for k in ("z", "a", "slope", "grad_z"))]
    if not all(math.isfinite(v) for v in numbers):
        raise ActvizError(f"the {result.label} chain overflows (a value or a gradient is beyond 1.8e308 or "
                          "undefined); use smaller weights or x")
    return result


def linear_map(weights, biases) -> tuple[float, float]:
    """(W, B) with z_L = W·x + B for the linear chain: W = ∏ w_k, and B the
    chain's output at x = 0."""
    out = 0.0
    for w, b in zip(weights, biases):
        out = w * out + b
    return math.prod(weights), out


def to_json(chains) -> dict:
    """Every forward value and gradient of each chain, as JSON-ready data."""
    first = chains[0]
    return {
        "x": first.x,
        "weights": [layer.weight for layer in first.layers],
        "biases": [layer.bias for layer in first.layers],
        "loss": first.loss,
        **({"target": first.target} if first.loss == "mse" else {}),
        "chains": [{
            "function": c.act.name if c.act else "linear",
            "parameters": dict(c.act.params) if c.act else {},
            "layers": [{"w": layer.weight, "b": layer.bias, "z": layer.z, "a": layer.a, "f'(z)": layer.slope,
                        "dL/da": layer.grad_a, "dL/dz": layer.grad_z, "dL/dw": layer.grad_w,
                        "dL/db": layer.grad_b, "gradient stops": layer.stops, "region": layer.region}
                       for layer in c.layers],
            "L": c.value,
            "dL/dx": c.grad_x,
        } for c in chains],
    }


# ---------------------------------------------------------------------------
# Text
# ---------------------------------------------------------------------------

_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def _sub(k: int) -> str:
    return str(k).translate(_SUBSCRIPTS)


ZH = {
    "Forward and backward pass through {n} neurons": "{n} 个神经元的前向传播与反向传播",
    "Forward and backward pass through 1 neuron": "1 个神经元的前向传播与反向传播",
    "Forward pass through {n} neurons": "{n} 个神经元的前向传播",
    "Forward pass through 1 neuron": "1 个神经元的前向传播",
    "A chain of linear maps is one linear map: z{last} = {slope}·x {sign} {intercept}":
        "线性变换的串联仍是一个线性变换：z{last} = {slope}·x {sign} {intercept}",
    "forward pass: values above": "前向传播：数值在箭头上方",
    "backward pass: gradients below": "反向传播：梯度在箭头下方",
    "gradient |∂L/∂·|: colour and width, log scale": "梯度 |∂L/∂·|：颜色与线宽，对数刻度",
    "gradient exactly 0": "梯度恰为 0",
    "dead": "死区",
    "saturated": "饱和区",
    "linear": "线性",
}


def _title(chains, forward_only: bool, digits: int, say) -> str:
    n = len(chains[0].layers)
    if chains[0].act is None:
        slope, intercept = linear_map([layer.weight for layer in chains[0].layers],
                                      [layer.bias for layer in chains[0].layers])
        return say("A chain of linear maps is one linear map: z{last} = {slope}·x {sign} {intercept}",
                   last=_sub(n), slope=format_number(slope, digits), sign="−" if intercept < 0 else "+",
                   intercept=format_number(abs(intercept), digits))
    if forward_only:
        return say("Forward pass through 1 neuron") if n == 1 else say("Forward pass through {n} neurons", n=n)
    return (say("Forward and backward pass through 1 neuron") if n == 1
            else say("Forward and backward pass through {n} neurons", n=n))


# ---------------------------------------------------------------------------
# The figure
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class _Slot:
    """One piece of a drawn row: a node (an operation) or an edge (a value
    going right above, its gradient going left below)."""

    kind: str                 # "linear", "activation", "loss", "edge"
    texts: tuple[str, ...]    # a node's lines; an edge's (symbol, value, gradient, gradient symbol)
    layer: Layer | None = None
    grad: float | None = None


def _rows(chain_: Chain, per_row: int, digits: int, forward_only: bool) -> list[list[_Slot]]:
    """The chain cut into rows of `per_row` neurons, each row ending with
    the edge that leaves its last node; the loss goes at the end of the last."""
    num = lambda v: format_number(v, digits)  # noqa: E731
    linear = chain_.act is None

    def edge(symbol, value, grad):
        grad_texts = ("", "") if forward_only else (num(grad), "∂L/∂" + symbol)
        return _Slot("edge", (symbol, num(value), *grad_texts), grad=None if forward_only else grad)
    n = len(chain_.layers)
    rows, row = [], [edge("x", chain_.x, chain_.grad_x)]
    for k, layer in enumerate(chain_.layers, 1):
        sign = "−" if layer.bias < 0 else "+"
        row.append(_Slot("linear", (f"×{num(layer.weight)}", f"{sign}{num(abs(layer.bias))}"), layer))
        row.append(edge("z" + _sub(k), layer.z, layer.grad_z))
        if not linear:
            row.append(_Slot("activation", ("f",), layer))
            row.append(edge("a" + _sub(k), layer.a, layer.grad_a))
        if k % per_row == 0 and k < n:
            rows.append(row)
            row = []
    out = ("z" if linear else "a") + _sub(n)
    loss = (f"L = {out}",) if chain_.loss == "none" else (f"L = ({out} − t)²", f"t = {num(chain_.target)}")
    row += [_Slot("loss", loss), edge("L", chain_.value, 1.0)]
    rows.append(row)
    return rows


def _colour_scale(theme_dark: bool, print_theme: bool):
    """A sequential colour map that fades into the background as the gradient
    shrinks: light to dark on paper, dark to bright on a dark slide, greys for print."""
    from matplotlib import colormaps
    from matplotlib.colors import ListedColormap
    if print_theme:
        base, lo, hi = colormaps["Greys"], 0.35, 1.0
    elif theme_dark:
        base, lo, hi = colormaps["viridis"], 0.22, 1.0
    else:
        base, lo, hi = colormaps["viridis_r"], 0.1, 1.0
    return ListedColormap(base(np.linspace(lo, hi, 256)))


# Widths in points of the backward arrows: the smallest gradient and the largest.
THIN, THICK = 0.9, 5.0
# The numbers' font, as a share of the theme's font size, and the least share
# the figure shrinks it to before it grows instead (a lecture room's back row).
NUMBER_SHARE, NUMBER_FLOOR = 0.9, 0.5


def figure(chains, *, forward_only: bool = False, digits: int = 3, size=SIZES["16:9"], title: str | None = None,
           look: Look = Look()):
    """The chains, one under another, left to right, with the numbers.

    Each edge carries its forward value above a thin arrow pointing right
    and its gradient below an arrow pointing left whose width and colour
    both grow with log |gradient| (a shared scale, with a colour bar); an
    exact zero is a dotted line.  Each activation node has f′(z) below it,
    a cross where f′(z) = 0 exactly, and the analysis layer's word ("dead",
    "saturated") where z lies in such a region, shaded as `actviz plot`
    shades it.  The chain wraps into rows when it does not fit the width;
    the text shrinks to fit, down to NUMBER_FLOOR of the theme's size, and
    past that the figure grows (compare ``fig.get_size_inches()`` with `size`).
    """
    from .. import plotting
    with plotting.styled(look):
        return _figure(chains, forward_only, digits, size, title, look)


def _figure(chains, forward_only, digits, size, title, look):
    import matplotlib as mpl
    from matplotlib.figure import Figure
    from .. import plotting

    say = look.words(ZH)
    base = mpl.rcParams["font.size"]
    title_size = plotting.points(mpl.rcParams["figure.titlesize"])
    title_text = title if title is not None else _title(chains, forward_only, digits, say)
    gradients = [] if forward_only else [g for c in chains for g in _gradients(c)]
    colour_bar = any(g != 0 for g in gradients)
    labels = _key_labels(forward_only, any(g == 0 for g in gradients), say)
    layers = len(chains[0].layers)

    def chrome(fig_w):
        """The height in points of the title's band and the key's."""
        return (_title_height(title_text, fig_w, title_size, base) + _key_height(labels, fig_w, base, colour_bar)
                + 0.4 * base)

    def measure(per_row):
        """(width, height) in points of the chains at a number font of 1 pt, and their rows."""
        rows = [_rows(c, per_row, digits, forward_only) for c in chains]
        widths = [sum(_row_widths(row, 1.0)) for rs in rows for row in rs]
        return max(widths) + 2 * MARGIN, sum(map(_chain_height, rows)), rows

    fig_w, fig_h = 72 * size[0], 72 * size[1]
    best = None
    for per_row in sorted({math.ceil(layers / count) for count in range(1, layers + 1)}, reverse=True):
        width, height, rows = measure(per_row)
        font = min(NUMBER_SHARE * base, fig_w / width, (fig_h - chrome(fig_w)) / height)
        if best is None or font > best[0] * 1.02:  # fewer rows unless more give a larger font
            best = (font, width, height, rows)
    font, width, height, rows = best
    if font < NUMBER_FLOOR * base:
        font = NUMBER_FLOOR * base
        fig_w = max(fig_w, font * width)
        fig_h = max(fig_h, font * height + chrome(fig_w))
    fig = Figure(figsize=(fig_w / 72, fig_h / 72))
    canvas = fig.add_axes((0, 0, 1, 1))
    canvas.set_xlim(0, fig_w)
    canvas.set_ylim(0, fig_h)
    canvas.set_axis_off()
    canvas.set_gid("backprop-canvas")
    drawer = _Drawer(fig, canvas, font, forward_only, digits, _gradient_norm(gradients), look)
    canvas.text(fig_w / 2, fig_h - 0.6 * base, plotting.wrap(title_text, fig_w - 2 * MARGIN * base, title_size),
                ha="center", va="top", fontsize=title_size, color=drawer.ink, gid="title")
    title_band = _title_height(title_text, fig_w, title_size, base)
    top = fig_h - title_band - (fig_h - chrome(fig_w) - font * height) / 2
    left = (fig_w - font * (width - 2 * MARGIN)) / 2
    for chain_, chain_rows in zip(chains, rows):
        top = drawer.chain(chain_, chain_rows, left, top)
    drawer.key(base, labels)
    return fig


def _gradient_norm(gradients):
    """The log scale of |gradient| shared by every chain drawn: from the
    least non-zero |gradient| to the largest, two decades at least, so that
    the colour bar has a labelled tick; None when there is nothing to scale."""
    from matplotlib.colors import LogNorm
    sizes = [abs(g) for g in gradients if g != 0]
    if not sizes:
        return None
    lo, hi = min(sizes), max(sizes)
    if hi < 100 * lo:
        middle = math.sqrt(lo * hi)
        lo, hi = middle / 10, middle * 10
    return LogNorm(lo, hi)


MARGIN = 0.5          # ems of the number font at each side of a row
_LINE = 1.25          # a line of text, in ems
_NODE_H = 2.9         # a node's height, in ems


def _text_width(text: str, fontsize: float) -> float:
    """The width in points of `text` at `fontsize`, measured at 100 pt and
    scaled (at a size of 1 pt the glyphs' hinting would round the widths)."""
    import matplotlib as mpl
    return _width_at_100(text, tuple(mpl.rcParams["font.family"])) * fontsize / 100 if text else 0.0


@functools.lru_cache(maxsize=4096)
def _width_at_100(text: str, family: tuple[str, ...]) -> float:
    from .. import plotting
    return plotting.text_width(text, 100.0)


def _label_width(slot: _Slot, font: float) -> float:
    """The width in points of an edge's widest label, or of a node's widest line."""
    if slot.kind == "edge":
        symbol, value, grad, grad_symbol = slot.texts
        return max(_text_width(value, font), _text_width(grad, font), _text_width(symbol, 0.85 * font),
                   _text_width(grad_symbol, 0.85 * font))
    return max(_text_width(line, (1.2 if slot.kind == "activation" else 1.0) * font) for line in slot.texts)


# In ems of the number font: the least length of an edge (room for its two
# arrows), the least width of a node, and the gap between neighbouring labels.
MIN_EDGE, MIN_NODE, LABEL_GAP = 2.5, 2.0, 0.6


def _row_widths(row: list[_Slot], font: float) -> list[float]:
    """Each slot's width in points.

    A node is as wide as its text.  An edge's labels sit above and below it
    and may reach over the nodes beside it, as long as they keep LABEL_GAP
    from the labels of the neighbouring edges: each edge is made just long
    enough for that, left to right; the first and the last edge, which have
    a neighbour on one side only, are as long as their labels, so that no
    label reaches past the row's ends.
    """
    labels = [_label_width(slot, font) for slot in row]
    widths, previous = [], None  # previous: (index, label width) of the last edge
    for i, slot in enumerate(row):
        if slot.kind != "edge":
            circle = slot.kind == "activation"
            widths.append(_NODE_H * font if circle else max(labels[i] + 0.9 * font, MIN_NODE * font))
            continue
        length = MIN_EDGE * font
        if previous is None:
            length = max(length, labels[i])
        else:
            j, width = previous
            between = sum(widths[j + 1:i])
            length = max(length, 2 * ((width + labels[i]) / 2 + LABEL_GAP * font - widths[j] / 2 - between))
        widths.append(length)
        previous = (i, labels[i])
    last = max(i for i, slot in enumerate(row) if slot.kind == "edge")
    widths[last] = max(widths[last], labels[last])
    return widths


def _below(row: list[_Slot]) -> float:
    """The height in ems below a row's nodes: the gradient labels, and the
    f′ labels with a word under those that lie in a region."""
    if all(slot.grad is None for slot in row if slot.kind == "edge"):
        return 0.0
    words = any(slot.layer.region for slot in row if slot.kind == "activation")
    slopes = any(slot.kind == "activation" for slot in row)
    return 0.3 + 2 * _LINE + (0.2 + (1 + words) * _LINE if slopes else 0)


def _chain_height(rows: list[list[_Slot]]) -> float:
    """A chain's height in ems: its heading, and per row the forward labels
    and the nodes and what lies below them, with a lane for the connector
    between rows."""
    return 1.4 * _LINE + sum(2 * _LINE + 0.3 + _NODE_H + _below(row) for row in rows) + (len(rows) - 1) * 1.2 + 0.8


def _key_labels(forward_only: bool, has_zero: bool, say) -> list[str]:
    if forward_only:
        return [say("forward pass: values above")]
    return [say("forward pass: values above"), say("backward pass: gradients below")] + (
        [say("gradient exactly 0")] if has_zero else [])


def _key_columns(labels, fig_w: float, base: float) -> int:
    """As many columns as the figure's width holds."""
    size = KEY_SHARE * base
    widths = [_text_width(label, size) + 3.6 * size for label in labels]
    return next(c for c in range(len(labels), 0, -1)
                if sum(max(widths[i::c]) for i in range(c)) <= fig_w - 2 * MARGIN * base)


def _key_height(labels, fig_w: float, base: float, colour_bar: bool) -> float:
    """The key's height in points: its rows of entries, and the colour bar with its tick labels."""
    rows = math.ceil(len(labels) / _key_columns(labels, fig_w, base))
    return 0.3 * base + rows * 1.4 * KEY_SHARE * base + (2.9 * base if colour_bar else 0.3 * base)


def _title_height(title, fig_w, title_size, base) -> float:
    """The title's band at the top, in points."""
    from .. import plotting
    lines = plotting.wrap(title, fig_w - 2 * MARGIN * base, title_size).count("\n") + 1
    return 0.6 * base + lines * 1.25 * title_size + 0.4 * base


class _Drawer:
    """Draws chains on a canvas axes whose data units are points from the
    figure's lower-left corner."""

    def __init__(self, fig, canvas, font, forward_only, digits, norm, look):
        import matplotlib as mpl
        self.fig, self.ax, self.font, self.forward_only, self.digits = fig, canvas, font, forward_only, digits
        self.norm = norm
        self.ink = mpl.rcParams["text.color"]
        self.muted = mpl.colors.to_rgba(self.ink, 0.62)
        self.edge_colour = mpl.rcParams["axes.edgecolor"]
        self.say = look.words(ZH)
        self.shade = look.shade
        dark = np.mean(mpl.colors.to_rgb(mpl.rcParams["axes.facecolor"])) < 0.5
        self.cmap = _colour_scale(dark, look.theme == "print")

    # -- pieces -----------------------------------------------------------

    def text(self, x, y, text, size=None, colour=None, **options):
        if not text:
            return None
        return self.ax.text(x, y, text, fontsize=size or self.font, color=colour or self.ink,
                            **{"ha": "center", **options})

    def arrow(self, x0, x1, y, *, lw, colour, style="-", gid=None, head=True):
        from matplotlib.patches import FancyArrowPatch
        arrow = FancyArrowPatch((x0, y), (x1, y), arrowstyle="-|>" if head else "-",
                                mutation_scale=6 + 2.2 * lw, lw=lw, color=colour, linestyle=style,
                                shrinkA=0, shrinkB=0, capstyle="butt", joinstyle="miter", gid=gid, zorder=3)
        self.ax.add_patch(arrow)
        return arrow

    def gradient_style(self, grad):
        """(width, colour, line style) of a backward arrow."""
        if grad == 0:
            return THIN, self.muted, (0, (1.2, 1.6))
        t = float(np.clip(self.norm(abs(grad)), 0, 1))
        return THIN + (THICK - THIN) * t, self.cmap(t), "-"

    # -- a chain ----------------------------------------------------------

    def chain(self, chain_, rows, left, top):
        f = self.font
        self.text(left + 0.1 * f, top - 0.2 * f, chain_.label if chain_.act else self.say("linear"), size=1.1 * f,
                  ha="left", va="top", fontweight="bold", gid="chain-heading")
        y = top - 1.4 * _LINE * f
        for r, row in enumerate(rows):
            centre = y - (2 * _LINE + 0.3 + _NODE_H / 2) * f
            end = self.row(row, left, centre)
            y = centre - (_NODE_H / 2 + _below(row)) * f
            if r < len(rows) - 1:
                lane = y - 0.6 * f
                next_centre = y - (1.2 + 2 * _LINE + 0.3 + _NODE_H / 2) * f
                self.connector(end, centre, lane, left, next_centre, row[-1])
                y -= 1.2 * f
        return y - 0.8 * f

    def row(self, row, left, centre):
        """Draw one row; return the x where its last edge ends."""
        x = left
        for slot, width in zip(row, _row_widths(row, self.font)):
            if slot.kind == "edge":
                self.edge(slot, x, x + width, centre)
            else:
                self.node(slot, x, x + width, centre)
            x += width
        return x

    def edge(self, slot, x0, x1, centre):
        f = self.font
        symbol, value, grad, grad_symbol = slot.texts
        up, down = centre + 0.28 * _NODE_H * f, centre - 0.28 * _NODE_H * f
        middle = (x0 + x1) / 2
        self.arrow(x0, x1, up if not self.forward_only else centre, lw=1.1, colour=self.ink, gid="forward")
        label_base = centre + (_NODE_H / 2 + 0.3) * f
        self.text(middle, label_base, value, va="bottom", gid="forward-value")
        self.text(middle, label_base + _LINE * f, symbol, size=0.85 * f, colour=self.muted, va="bottom",
                  gid="forward-symbol")
        if slot.grad is None:
            return
        lw, colour, style = self.gradient_style(slot.grad)
        self.arrow(x1, x0, down, lw=lw, colour=colour, style=style, gid="backward")
        label_top = centre - (_NODE_H / 2 + 0.3) * f
        self.text(middle, label_top, grad, va="top", gid="gradient-value")
        self.text(middle, label_top - _LINE * f, grad_symbol, size=0.85 * f, colour=self.muted, va="top",
                  gid="gradient-symbol")

    def node(self, slot, x0, x1, centre):
        import matplotlib as mpl
        from matplotlib.patches import Circle, FancyBboxPatch
        f = self.font
        height = _NODE_H * f
        layer = slot.layer
        face = mpl.colors.to_rgba(self.ink, 0.06)
        hatch = None
        if slot.kind == "activation" and layer.region and not self.forward_only:
            colour, alpha, hatch = self.shade[layer.region]
            face = mpl.colors.to_rgba(colour, 2 * alpha)
        outline = {"facecolor": face, "edgecolor": self.edge_colour, "lw": 1.0, "hatch": hatch, "zorder": 2,
                   "gid": f"node-{slot.kind}"}
        if slot.kind == "activation":
            self.ax.add_patch(Circle(((x0 + x1) / 2, centre), height / 2, **outline))
        else:
            self.ax.add_patch(FancyBboxPatch((x0, centre - height / 2), x1 - x0, height,
                                             boxstyle=f"round,pad=0,rounding_size={0.15 * f}", **outline))
        middle = (x0 + x1) / 2
        lines = "\n".join(slot.texts)
        self.text(middle, centre, lines, va="center", ma="center", linespacing=1.25, zorder=4,
                  size=(1.2 if slot.kind == "activation" else 1.0) * f,
                  style="italic" if slot.kind == "activation" else "normal", gid=f"node-{slot.kind}-text")
        if slot.kind != "activation" or self.forward_only:
            return
        below = centre - (_NODE_H / 2 + 0.3 + 2 * _LINE + 0.2) * f
        words = [f"f′ = {format_number(layer.slope, self.digits)}"]
        if layer.region:
            words.append(self.say(layer.region))
        self.text(middle, below, "\n".join(words), va="top", linespacing=1.25, gid="slope",
                  colour=self.shade["dead"][0] if layer.stops else self.ink)
        if layer.stops:
            reach = 0.42 * height
            cross = self.shade["dead"][0]
            for sign in (1, -1):
                self.ax.plot([middle - reach, middle + reach], [centre - sign * reach, centre + sign * reach],
                             color=cross, lw=2.6, marker="", solid_capstyle="round", zorder=5, gid="stop-cross")

    def connector(self, x_end, centre, lane, left, next_centre, last_edge):
        """The line from the end of a row down to the start of the next."""
        f = self.font
        xs = [x_end, x_end + 0.4 * f, x_end + 0.4 * f, left - 0.4 * f, left - 0.4 * f, left]
        ys = [centre, centre, lane, lane, next_centre, next_centre]
        self.ax.plot(xs, ys, color=self.muted, lw=1.0, ls=(0, (3, 2)), marker="", zorder=1, gid="row-connector")

    # -- the key ----------------------------------------------------------

    def key(self, base, labels):
        """What the arrows mean, in words, in rows at the bottom, and under
        them the colour bar of |gradient|, its label at its left."""
        from matplotlib.cm import ScalarMappable
        from matplotlib.lines import Line2D
        from matplotlib.ticker import NullFormatter
        size = KEY_SHARE * base
        handles = [Line2D([], [], color=self.ink, lw=1.1), Line2D([], [], color=self.cmap(0.6), lw=3.0),
                   Line2D([], [], color=self.muted, lw=THIN, ls=(0, (1.2, 1.6)))][:len(labels)]
        fig_w, fig_h = (72 * v for v in self.fig.get_size_inches())
        top = _key_height(labels, fig_w, base, self.norm is not None)
        self.fig.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, top / fig_h),
                        ncols=_key_columns(labels, fig_w, base), frameon=False, fontsize=size, handlelength=2.2,
                        columnspacing=1.4, borderaxespad=0, borderpad=0)
        if self.norm is None:
            return
        label = self.say("gradient |∂L/∂·|: colour and width, log scale")
        label_w = _text_width(label, size)
        bar_w = min(fig_w - 4 * base - label_w, 16 * base)
        x0 = (fig_w - bar_w - label_w - 0.6 * base) / 2 + label_w + 0.6 * base
        bar = self.fig.add_axes((x0 / fig_w, 1.5 * base / fig_h, bar_w / fig_w, 0.5 * base / fig_h))
        bar.set_gid("gradient-colourbar")
        colourbar = self.fig.colorbar(ScalarMappable(self.norm, self.cmap), cax=bar, orientation="horizontal")
        colourbar.ax.tick_params(labelsize=size)
        colourbar.ax.xaxis.set_minor_formatter(NullFormatter())
        self.ax.text(x0 - 0.6 * base, 1.75 * base, label, ha="right", va="center", fontsize=size, color=self.ink,
                     gid="colourbar-label")


KEY_SHARE = 0.75  # the key's font, as a share of the theme's


def _gradients(chain_: Chain):
    return [chain_.grad_x, *(g for layer in chain_.layers for g in (layer.grad_z, layer.grad_a)), 1.0]


# ---------------------------------------------------------------------------
# The command
# ---------------------------------------------------------------------------

def _numbers(ctx, param, value):
    """'0.5,-1,2' → [0.5, -1.0, 2.0]."""
    if value is None:
        return None
    try:
        numbers = [parse_number(item) for item in value.split(",")]
    except ValueError:
        numbers = [math.nan]
    if not all(map(math.isfinite, numbers)):
        raise ActvizError(f"{param.opts[-1]} takes a comma list of finite numbers, one per layer; got {value!r}")
    return numbers


@click.command("backprop")
@click.argument("names", nargs=-1, type=ActivationName())
@param_option
@preset_option
@click.option("--layers", type=Integer(1, MAX_LAYERS),
              help="Neurons in the chain [default: one per --weights, else 4].")
@click.option("--x", type=Number(finite=True), default=1.0, show_default=True, help="The input.")
@click.option("-w", "--weights", callback=_numbers, metavar="W1,W2,...",
              help="One per layer [default: drawn with --seed].")
@click.option("-b", "--biases", callback=_numbers, metavar="B1,B2,...",
              help="One per layer [default: drawn with --seed].")
@click.option("--seed", type=SEED, default=0, show_default=True, help="Draws the weights and biases not given.")
@click.option("--loss", type=click.Choice(LOSSES), default="none", show_default=True,
              help="none: L is the output itself; mse: L = (output − target)².")
@click.option("--target", type=Number(finite=True), help="The target of --loss mse [default: 0].")
@click.option("--forward-only", is_flag=True, help="Draw the forward pass only.")
@click.option("--linear", is_flag=True, help="No activation: a chain of linear maps.")
@click.option("--digits", type=Integer(1, 17), default=3, show_default=True, help="Significant digits drawn.")
@click.option("--json", "as_json", is_flag=True, help="Print every forward value and gradient as JSON instead.")
@output_options
def backprop_cmd(names, params, preset, layers, x, weights, biases, seed, loss, target, forward_only, linear, digits,
                 as_json, **output):
    """Forward and backward pass through a chain of neurons, with the numbers.

    Several functions share the input and the weights, so that what differs
    is the activation alone.

    \b
    Examples:
      actviz backprop sigmoid --layers 4 --x 1.5 -o chain.svg
      actviz backprop sigmoid tanh relu -w 0.8,-1.2,1.5,0.9 -b 0.1,0.3,-0.2,0.1
      actviz backprop relu --loss mse --target 1 --json
      actviz backprop --linear --forward-only --layers 3
    """
    if linear and names:
        fail("--linear draws the chain without an activation; give no function names")
    if target is not None and loss != "mse":
        fail("--target goes with --loss mse")
    if as_json and output["output"]:
        fail("--json prints the numbers instead of drawing them; drop -o or --json")
    given = [(option, len(values)) for option, values in (("--weights", weights), ("--biases", biases)) if values]
    layers = layers or (given[0][1] if given else 4)
    for option, count in given:
        if count != layers:
            fail(f"{option} has {count} value{'s' * (count > 1)} but the chain has {layers} layers")
    drawn_weights, drawn_biases = random_parameters(layers, seed)
    acts = [None] if linear else activations(names or ("sigmoid",), params, preset)
    chains = [chain(act, x, weights or drawn_weights, biases or drawn_biases, loss=loss, target=target or 0.0)
              for act in acts]
    if as_json:
        click.echo(json.dumps(finite_json(to_json(chains)), indent=2, ensure_ascii=False))
        return
    draw(lambda size, title, look: figure(chains, forward_only=forward_only, digits=digits, size=size, title=title,
                                          look=look),
         "backprop-" + ("linear" if linear else default_stem(names or ("sigmoid",))), **output)


LESSON = Lesson(backprop_cmd, "teach-backprop",
                lambda look: figure([chain(get(name), EXAMPLE_X, *EXAMPLE_PARAMETERS) for name in EXAMPLE_FUNCTIONS],
                                    look=look))
