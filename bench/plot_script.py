"""The figure of `actviz plot NAME -d -o NAME.png`, drawn by hand with pyplot,
for NAME in relu, sigmoid and gelu: what bench/run.py times actviz against.

    python bench/plot_script.py relu relu.png    # draw one figure, as a user's script would
    python bench/plot_script.py --check [DIR]     # compare with actviz pixel by pixel

The same size (8×4.5 in at 200 dpi), the same style sheet, constrained
layout, f and f′, the shaded regions, the markers and their labels, the
inset, the legend below and the title.  The facts actviz computes (where
saturation starts, the minimum, the peak of f′, the y-range) are typed in,
as a user copying them from `actviz info` would; the curves are evaluated
with numpy and the standard library's erf (no scipy).  `--check` draws
both figures of each function and reports the share of pixels that differ
(writing actviz's, the script's and their difference side by side into DIR
when given); tests/test_bench.py holds it under 0.5 %.
"""
import math
import sys
from pathlib import Path

import numpy as np
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

STYLE = Path(__file__).resolve().parents[1] / "actviz" / "styles" / "light.mplstyle"
BLUE, ORANGE = "#0072B2", "#D55E00"
DASHED = (0, (5, 2.5))
SATURATED = {"facecolor": (0.604, 0.647, 0.694, 0.22), "edgecolor": (0.604, 0.647, 0.694, 0.45), "lw": 0,
             "zorder": 0}
LABEL = {"textcoords": "offset points", "fontsize": "small", "zorder": 6,
         "bbox": {"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85}}


def curves(ax, x, f, df, name, dx=None):
    ax.plot(x, f, color=BLUE, label=name)
    ax.plot(x if dx is None else dx, df, color=ORANGE, ls=DASHED, lw=2.04, label=name + "′")


def axis_lines(ax):
    ax.axhline(0, color="0.25", lw=0.9, zorder=1.5)
    ax.axvline(0, color="0.25", lw=0.9, zorder=1.5)


def label(ax, text, xy, color, ha):
    ax.annotate(text, xy, xytext=(8 if ha == "left" else -8, 8), ha=ha, va="bottom", color=color,
                **LABEL).set_in_layout(False)


def relu(ax):
    x = np.linspace(-5, 5, 1201)
    dx = np.concatenate([x[x < 0], [np.nan], x[x > 0]])  # f′ jumps at 0: no line across
    curves(ax, x, np.maximum(x, 0), np.where(dx < 0, 0.0, 1.0), "relu", dx)
    ax.plot(0, 0, "o", ms=5, color=BLUE, zorder=4)
    ax.plot(0, 1, "s", ms=6.5, mfc="none", mec=ORANGE, mew=1.8, zorder=3.5)
    ax.plot(0, 0, "s", ms=6.5, color=ORANGE, zorder=3.5)
    ax.axvspan(-5, 0, facecolor=(0.753, 0.314, 0.302, 0.16), edgecolor=(0.753, 0.314, 0.302, 0.45), hatch="//",
               lw=0, zorder=0, label="dead: f′ = 0")
    ax.set_xlim(-5, 5)
    ax.set_ylim(-0.5, 5.7)
    axis_lines(ax)
    return 3


def sigmoid(ax):
    x = np.linspace(-8, 8, 1201)
    s = 1 / (1 + np.exp(-x))
    curves(ax, x, s, s * (1 - s), "sigmoid")
    ax.axvspan(-8, -2.887, label="saturated: f → constant, |f′| < 0.05", **SATURATED)
    ax.axvspan(2.887, 8, **SATURATED)
    ax.axhline(1, color="0.5", lw=0.9, ls=(0, (3, 3)), zorder=1)
    ax.set_xlim(-8, 8)
    ax.set_ylim(-0.1, 1.14)
    axis_lines(ax)
    ax.plot(0, 0.25, "D", ms=6, color=ORANGE, zorder=5)
    label(ax, "max f′ = 0.25\nat x = 0", (0, 0.25), ORANGE, "left")
    return 2


def gelu(ax):
    erf = np.frompyfunc(math.erf, 1, 1)
    phi = lambda x: np.exp(-x * x / 2) / math.sqrt(2 * math.pi)  # noqa: E731
    Phi = lambda x: 0.5 * (1 + erf(x / math.sqrt(2)).astype(float))  # noqa: E731
    x = np.linspace(-5, 5, 1201)
    curves(ax, x, x * Phi(x), Phi(x) + x * phi(x), "gelu")
    ax.axvspan(-5, -2.349, label="saturated: f → constant, |f′| < 0.05", **SATURATED)
    ax.set_xlim(-5, 5)
    ax.set_ylim(-0.687, 5.724)
    axis_lines(ax)
    ax.plot(-0.7518, -0.16997, "D", ms=6, color=BLUE, zorder=5)
    label(ax, "minimum\n(-0.7518, -0.17)", (-0.7518, -0.16997), BLUE, "right")
    ax.plot(1.4142, 1.1289, "D", ms=6, color=ORANGE, zorder=5)
    label(ax, "max f′ = 1.129\nat x = 1.414", (1.4142, 1.1289), ORANGE, "right")
    inset = ax.inset_axes([0.18, 0.52, 0.32, 0.32])
    xs = np.linspace(-5, 0, 301)
    inset.plot(xs, xs * Phi(xs), color=BLUE, lw=1.8)
    inset.plot(xs, Phi(xs) + xs * phi(xs), color=ORANGE, lw=1.4, ls=DASHED)
    inset.set_xlim(-5, 0)
    inset.set_ylim(-0.2125, 0.0425)
    inset.axhline(0, color="0.25", lw=0.7)
    inset.set_title("x < 0, magnified ×25", fontsize="x-small")
    inset.tick_params(labelsize="x-small")
    inset.grid(True)
    return 2


FIGURES = {"relu": relu, "sigmoid": sigmoid, "gelu": gelu}


def figure(name):
    with plt.style.context(STYLE):
        fig = plt.figure(figsize=(8, 4.5), layout="constrained")
        ax = fig.add_subplot()
        columns = FIGURES[name](ax)
        fig.legend(loc="outside lower center", ncols=columns, frameon=False)
        fig.suptitle(name)
    return fig


def check(folder=None):
    """The share of pixels that differ between actviz's figure and this
    script's, for each function; the images side by side in `folder`."""
    import io
    from actviz import plotting
    from actviz.functions import get
    from actviz.look import Look
    shares = {}
    for name in FIGURES:
        ours = plotting.render(plotting.figure([get(name)], plotting.FigureOptions(derivative=True)), "png",
                               look=Look())
        buffer = io.BytesIO()
        with plt.style.context(STYLE):
            figure(name).savefig(buffer, format="png", dpi=200)
        plt.close("all")
        a, b = (plt.imread(io.BytesIO(data))[..., :3] for data in (ours, buffer.getvalue()))
        differ = np.abs(a - b).max(axis=-1) > 0.1
        shares[name] = float(differ.mean())
        if folder:
            difference = np.where(differ[..., None], [1.0, 0.0, 0.0], 0.5 + 0.5 * a)
            plt.imsave(Path(folder) / f"{name}-actviz-script-difference.png", np.concatenate([a, b, difference], 1))
    return shares


if __name__ == "__main__":
    if sys.argv[1] == "--check":
        for name, share in check(sys.argv[2] if len(sys.argv) > 2 else None).items():
            print(f"{name}: {100 * share:.3f} % of the pixels differ")
    else:
        figure(sys.argv[1]).savefig(sys.argv[2], dpi=200)
