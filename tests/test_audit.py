"""The figure audit over every gallery figure: texts inside the canvas and
apart, shading and markers where the analysis and the registry put them,
files of the size asked for.  See tests/audit.py for the checks."""
import pytest

import actviz
from actviz import gallery, plotting
from actviz.look import THEMES

import audit
from marks import sampled

JOBS = {job.stem: job for job in gallery.jobs() if job.kind == "figure"}
QUICK = ("gelu", "hardshrink", "teach-depth")


def _cases(themes):
    return [pytest.param(stem, theme, marks=() if stem in QUICK and theme == "light" else pytest.mark.slow,
                         id=f"{stem}-{theme}") for theme in themes for stem in JOBS]


def _panels(fig, job):
    """The function panels of a gallery figure, each with its (elementwise)
    activation; a vector function's simplex has none."""
    axes = [ax for ax in fig.axes if ax.get_visible() and ax.get_gid() != "inset"]
    return list(zip(axes, (actviz.get(n) for n in job.names if n in actviz.REGISTRY)))


@pytest.mark.parametrize("stem,theme", _cases(THEMES))
def test_every_gallery_figure_passes_the_audit(stem, theme, tmp_path):
    job = JOBS[stem]
    with plotting.theme(theme) as look:
        fig = gallery._figure(job, look)
        problems = audit.text_problems(fig)
        for ax, act in _panels(fig, job):
            problems += audit.shading_problems(ax, act) + audit.marker_problems(ax, act)
        path = plotting.save(fig, tmp_path / f"{stem}.png", dpi=40, look=look)
    width, height = fig.get_size_inches()
    assert audit.png_size(path) == (round(width * 40), round(height * 40))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("args", sampled([
    ("relu", "-d", "--layout", "side"), ("gelu", "-d", "--layout", "side", "--size", "4:3"),
    ("sigmoid", "-d", "--size", "1:1"), ("leaky_relu", "-p", "negative_slope=0.01,0.1,0.3", "-d"),
    ("silu", "-d", "--derivative-only"), ("sigmoid", "tanh", "relu", "gelu", "-d", "--grid", "--size", "4:3"),
    ("mish", "-d", "--font-scale", "1.5"), ("hardswish", "-d", "--theme", "dark"),
], quick=[("gelu", "-d", "--layout", "side", "--size", "4:3"), ("mish", "-d", "--font-scale", "1.5")]))
def test_command_line_figures_pass_the_text_audit(args):
    from actviz.command import activations as _activations
    names = [a for a in args if not a.startswith("-") and a in actviz.names()]
    options = dict(derivative="-d" in args, derivative_only="--derivative-only" in args,
                   layout="grid" if "--grid" in args else "side" if "side" in args else "auto",
                   size=plotting.parse_size(args[args.index("--size") + 1]) if "--size" in args else (8.0, 4.5))
    params = [args[args.index("-p") + 1]] if "-p" in args else []
    theme = args[args.index("--theme") + 1] if "--theme" in args else "light"
    scale = float(args[args.index("--font-scale") + 1]) if "--font-scale" in args else 1.0
    with plotting.theme(theme, scale) as look:
        fig = plotting.figure(_activations(names, params, "torch"), plotting.FigureOptions(**options), look)
        assert not audit.text_problems(fig), audit.text_problems(fig)


def test_the_audit_can_fail():
    """A text pushed off the canvas, a label out of its axes, a shade where
    nothing is saturated and a kink marker moved are each reported."""
    with plotting.theme("light"):
        fig = plotting.figure([actviz.get("relu")], plotting.FigureOptions(derivative=True))
        ax = fig.axes[0]
        fig.text(0.9, 0.5, "a text running far off the right edge of the figure")
        ax.text(4.9, 0, "a label")
        ax.axvspan(1, 2, gid="shade-saturated")
        kinks = next(line for line in ax.get_lines() if line.get_gid() == "kinks")
        kinks.set_xdata([0.5])
        problems = audit.text_problems(fig)
        assert any("runs out of the figure" in p for p in problems)
        assert any("'a label' runs out of its axes" in p for p in problems)
        assert audit.shading_problems(ax, actviz.get("relu"))
        assert audit.marker_problems(ax, actviz.get("relu"))
