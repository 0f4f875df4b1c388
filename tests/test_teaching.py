"""The teaching experiments make the point their figures claim, and the
figures show it: every text inside the figure, none on top of another, and
the numbers drawn equal to the numbers measured."""
import math
import re
import struct
from itertools import combinations

import matplotlib as mpl
import numpy as np
import pytest
from click.testing import CliRunner
from matplotlib.axis import Tick
from matplotlib.table import Cell
from matplotlib.text import Text

import actviz
from actviz import plotting
from actviz.teaching import collapse, compare, depth, sparsity, zigzag
from actviz.cli import cli
from actviz.functions import REGISTRY
from actviz.look import Look

from marks import sampled


def test_sigmoid_gradient_vanishes_through_depth_and_relu_does_not():
    sigmoid = depth.gradient_through_depth(actviz.get("sigmoid"), layers=30)
    relu = depth.gradient_through_depth(actviz.get("relu"), layers=30)
    assert sigmoid.max_slope == 0.25 and relu.max_slope == 1.0
    assert sigmoid.median[0] < 1e-10 * sigmoid.median[-1]
    assert 0.1 < relu.median[0] / relu.median[-1] < 10
    exploding = depth.gradient_through_depth(actviz.get("relu"), layers=30, weight_scale=1.5)
    assert exploding.median[0] > 1e3 * exploding.median[-1]


def test_all_positive_inputs_give_same_sign_updates():
    assert zigzag.zigzag(actviz.get("sigmoid")).same_sign_share == 1.0
    tanh = zigzag.zigzag(actviz.get("tanh"))
    assert tanh.same_sign_share < 0.8
    assert np.linalg.norm(tanh.path[-1] - tanh.optimum) < 0.1


def test_sparsity_and_means():
    relu = sparsity.sparsity(actviz.get("relu"))
    assert relu.zero_share == pytest.approx(0.5, abs=0.01) and relu.dead_share == relu.zero_share
    assert sparsity.sparsity(actviz.get("sigmoid")).mean == pytest.approx(0.5, abs=0.01)
    assert sparsity.sparsity(actviz.get("tanh")).mean == pytest.approx(0.0, abs=0.01)


def test_without_activation_the_network_is_a_line():
    result = collapse.collapse(actviz.get("relu"), layers=6)
    assert np.allclose(np.diff(result.linear, 2), 0, atol=1e-9)
    assert np.abs(np.diff(result.nonlinear, 2)).max() > 1e-3


def test_property_matrix():
    rows = compare.properties([actviz.get("sigmoid"), actviz.get("relu")])
    assert rows[0] == {"name": "sigmoid", "range": "(0, 1)", "bounded": True, "monotonic": True, "smooth": "C∞",
                       "zero-centred": False, "saturates": "left & right", "dead": "no", "max|f'|": 0.25,
                       "f'(0)": 0.25}
    # ReLU's left side is dead (f' = 0 by definition), not saturated; leaky ReLU's is neither.
    assert (rows[1]["saturates"], rows[1]["dead"], rows[1]["f'(0)"]) == ("no", "(-∞, 0)", 0.0)
    leaky = compare.properties([actviz.get("leaky_relu")])[0]
    assert (leaky["saturates"], leaky["dead"]) == ("no", "no")


@pytest.mark.parametrize("command", sampled([["depth", "--layers", "8", "--seeds", "2"], ["zigzag"],
                                             ["sparsity", "--samples", "1000"], ["collapse"], ["compare", "relu", "elu"]],
                                            quick=[["zigzag"], ["collapse"]]))
def test_teaching_commands_write_figures(command, tmp_path):
    path = tmp_path / "figure.svg"
    result = CliRunner().invoke(cli, [*command, "-o", str(path)])
    assert result.exit_code == 0, result.output
    assert path.read_text().startswith("<?xml")


def test_every_lesson_is_a_command_and_a_gallery_figure_and_takes_parameters_and_presets():
    from actviz import gallery
    from actviz.teaching import LESSONS
    assert [lesson.gallery_stem for lesson in LESSONS] == list(gallery.TEACHING)
    for lesson in LESSONS:
        assert cli.get_command(None, lesson.command.name) is lesson.command
        options = {param.name for param in lesson.command.params}
        assert {"params", "preset", "output", "theme", "lang"} <= options, lesson.command.name


def test_compare_prints_a_table():
    result = CliRunner().invoke(cli, ["compare", "sigmoid", "relu"])
    assert result.exit_code == 0
    assert result.output.splitlines()[0].split() == ["name", "range", "bounded", "monotonic", "smooth",
                                                     "zero-centred", "saturates", "dead", "max|f'|", "f'(0)"]
    assert result.output.splitlines()[1].split()[:4] == ["sigmoid", "(0,", "1)", "yes"]


# ---------------------------------------------------------------------------
# What the figures show
# ---------------------------------------------------------------------------

def visible_texts(fig):
    """Every text a reader sees: visible, non-empty, inside a visible parent,
    and (for tick labels) at a tick inside the axis' view."""
    found = []

    def walk(artist):
        if not artist.get_visible():
            return
        if isinstance(artist, Tick):
            lo, hi = sorted(artist.axes.xaxis.get_view_interval() if "XTick" in type(artist).__name__
                            else artist.axes.yaxis.get_view_interval())
            if not lo - 1e-9 * abs(hi - lo) <= artist.get_loc() <= hi + 1e-9 * abs(hi - lo):
                return
        if isinstance(artist, Text) and artist.get_text().strip():
            found.append(artist)
        for child in artist.get_children() + ([artist.get_text()] if isinstance(artist, Cell) else []):
            walk(child)

    walk(fig)
    return found


def text_problems(fig, slack=0.5):
    """Texts that run past the figure's edge or overlap another text, one
    sentence each, from their extents after a draw with the Agg renderer."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    width, height = fig.bbox.width, fig.bbox.height
    boxes = [(t, t.get_window_extent(renderer)) for t in visible_texts(fig)]
    problems = [f"{t.get_text()!r} runs past the figure's edge ({box.x0:.0f}, {box.y0:.0f}, {box.x1:.0f}, "
                f"{box.y1:.0f} in {width:.0f}×{height:.0f})"
                for t, box in boxes
                if box.x0 < -slack or box.y0 < -slack or box.x1 > width + slack or box.y1 > height + slack]
    for (a, box_a), (b, box_b) in combinations(boxes, 2):
        if (min(box_a.x1, box_b.x1) - max(box_a.x0, box_b.x0) > slack
                and min(box_a.y1, box_b.y1) - max(box_a.y0, box_b.y0) > slack):
            problems.append(f"{a.get_text()!r} overlaps {b.get_text()!r}")
    return problems


def test_the_text_check_can_fail():
    from matplotlib.figure import Figure
    fig = Figure(figsize=(4, 3))
    fig.text(0.5, 0.5, "one text")
    fig.text(0.52, 0.5, "another text")
    fig.text(0.95, 0.1, "past the edge")
    problems = text_problems(fig)
    assert "'one text' overlaps 'another text'" in problems
    assert any(p.startswith("'past the edge' runs past the figure's edge") for p in problems)


BASICS = ("sigmoid", "tanh", "relu", "gelu")
EIGHT = ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "gelu", "silu", "softplus")
FIGURES = {
    "depth": lambda size, look=Look(): depth.figure(
        [depth.gradient_through_depth(actviz.get(n), layers=12, seeds=2) for n in BASICS], size, look=look),
    "zigzag": lambda size, look=Look(): zigzag.figure([zigzag.zigzag(actviz.get(n)) for n in ("sigmoid", "tanh")],
                                                      size, look=look),
    "zigzag-3": lambda size, look=Look(): zigzag.figure(
        [zigzag.zigzag(actviz.get(n)) for n in ("sigmoid", "tanh", "softplus")], size, look=look),
    "sparsity": lambda size, look=Look(): sparsity.figure(
        [sparsity.sparsity(actviz.get(n), samples=20_000) for n in BASICS], size, look=look),
    "sparsity-8": lambda size, look=Look(): sparsity.figure(
        [sparsity.sparsity(actviz.get(n), samples=20_000) for n in (*BASICS, "relu6", "hardshrink", "threshold",
                                                                     "softplus")], size, look=look),
    "collapse": lambda size, look=Look(): collapse.figure(actviz.get("relu"), collapse.collapse(actviz.get("relu")), 4,
                                                      size, look=look),
    "compare-4": lambda size, look=Look(): compare.figure([compare.properties([actviz.get(n) for n in BASICS])], size, look=look),
    "compare-8": lambda size, look=Look(): compare.figure([compare.properties([actviz.get(n) for n in EIGHT])], size, look=look),
}
# Three figures and one look in the quick loop, the rest in the full suite.
QUICK_FIGURES = ("depth", "sparsity-8", "compare-8")
LOOKS = [pytest.param(look, id="-".join(look), marks=[pytest.mark.slow] if i >= 1 else [])
         for i, look in enumerate([("light", "16:9", "en"), ("dark", "1:1", "en"), ("light", "4:3", "en"),
                                   ("print", "1:1", "en"), ("light", "16:9", "zh"), ("dark", "4:3", "zh")])]


@pytest.mark.parametrize("look", LOOKS)
@pytest.mark.parametrize("name", sampled(FIGURES, QUICK_FIGURES))
def test_every_text_is_inside_the_figure_and_clear_of_the_others(name, look):
    theme, size, lang = look
    with plotting.theme(theme, lang=lang) as look:
        fig = FIGURES[name](plotting.parse_size(size), look)
        assert text_problems(fig) == []


@pytest.mark.parametrize("name", sampled(FIGURES, QUICK_FIGURES))
def test_every_word_of_a_figure_is_translated(name):
    with plotting.theme(lang="zh") as look:
        fig = FIGURES[name](plotting.SIZES["16:9"], look)
        words = {w for t in visible_texts(fig) for w in re.findall(r"[A-Za-z_]{3,}", t.get_text())}
    assert words <= {*REGISTRY, "max", "Xavier", "mathdefault", "approximate"}


def test_the_suptitle_keeps_clear_of_the_panel_titles():
    with plotting.theme():
        fig = FIGURES["zigzag"](plotting.SIZES["16:9"])
        fig.draw_without_rendering()
        title = fig._suptitle.get_window_extent()
        assert all(ax.title.get_window_extent().y1 + 4 <= title.y0 for ax in fig.axes)


# The compare table --------------------------------------------------------

def table_cells(fig):
    cells = {}
    for text in fig.texts:
        match = re.fullmatch(r"cell-(\d+)-(\d+)", text.get_gid() or "")
        if match:
            cells[int(match[1]), int(match[2])] = text
    return cells


def rules(fig):
    """The heights in pixels of the table's rules, top first."""
    return sorted((fig.bbox.height * a.get_ydata()[0] for a in fig.artists if a.get_gid() == "table-rule"),
                  reverse=True)


@pytest.mark.parametrize("size", sampled(["16:9", "4:3", "1:1", "12x3"], quick=["16:9", "12x3"]))
@pytest.mark.parametrize("names", [BASICS, EIGHT, pytest.param(tuple(REGISTRY), marks=pytest.mark.slow)],
                         ids=["4", "8", "all"])
def test_the_table_fits_its_figure_and_every_cell_its_column(names, size):
    with plotting.theme():
        rows = compare.properties([actviz.get(n) for n in names])
        fig = compare.figure([rows], plotting.parse_size(size))
        assert text_problems(fig) == []
        cells = table_cells(fig)
        assert len(cells) == (len(rows) + 1) * len(rows[0])
        base = mpl.rcParams["font.size"]
        sizes = {t.get_fontsize() for t in cells.values()}
        assert len(sizes) == 1 and compare.TABLE_FONT_FLOOR * base - 1e-9 <= sizes.pop() <= base
        fig.draw_without_rendering()
        boxes = {key: t.get_window_extent() for key, t in cells.items()}
        n_rows, n_cols = max(r for r, _ in cells) + 1, max(c for _, c in cells) + 1
        # Columns side by side and rows one above the other, never sharing space.
        for c in range(n_cols - 1):
            assert max(boxes[r, c].x1 for r in range(n_rows)) < min(boxes[r, c + 1].x0 for r in range(n_rows))
        for r in range(n_rows - 1):
            assert min(boxes[r, c].y0 for c in range(n_cols)) > max(boxes[r + 1, c].y1 for c in range(n_cols))
        # The header between the top rule and the next, the body above the bottom one.
        top, middle, bottom = rules(fig)
        assert all(middle < boxes[0, c].y0 and boxes[0, c].y1 < top for c in range(n_cols))
        assert all(bottom < boxes[r, c].y0 for r in range(1, n_rows) for c in range(n_cols))


def test_the_table_fills_the_figure_it_is_given():
    with plotting.theme():
        fig = FIGURES["compare-8"](plotting.SIZES["16:9"])
        fig.draw_without_rendering()
        assert tuple(fig.get_size_inches()) == plotting.SIZES["16:9"]
        extents = [t.get_window_extent() for t in table_cells(fig).values()]
        used_width = max(b.x1 for b in extents) - min(b.x0 for b in extents)
        used_height = max(b.y1 for b in extents) - min(b.y0 for b in extents)
        assert used_width > 0.85 * fig.bbox.width and used_height > 0.6 * fig.bbox.height


@pytest.mark.slow
def test_a_table_too_big_for_the_size_grows_the_figure_and_says_so(tmp_path):
    path = tmp_path / "all.png"
    result = CliRunner().invoke(cli, ["compare", *REGISTRY, "--size", "4:3", "--dpi", "50", "-o", str(path)])
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith("note: the figure is not readable at 8×6 in; drawn at ")
    width, height = struct.unpack(">II", path.read_bytes()[16:24])
    assert width >= 8 * 50 and height > 6 * 50


def test_a_few_functions_on_a_square_figure_are_one_per_column():
    with plotting.theme():
        fig = FIGURES["compare-4"](plotting.SIZES["1:1"])
    header = [t.get_text() for (r, _), t in sorted(table_cells(fig).items()) if r == 0]
    assert header == ["name", *BASICS]


@pytest.mark.slow
def test_compare_is_the_same_bytes_every_time_and_times_nothing(tmp_path, monkeypatch):
    def no_timing(*args, **kwargs):
        raise AssertionError("timed without --cost")
    monkeypatch.setattr(compare, "cost_per_element", no_timing)
    for suffix in ("png", "svg"):
        first, second = tmp_path / f"a.{suffix}", tmp_path / f"b.{suffix}"
        for path in (first, second):
            result = CliRunner().invoke(cli, ["compare", "sigmoid", "tanh", "relu", "gelu", "-o", str(path)])
            assert result.exit_code == 0, result.output
        assert first.read_bytes() == second.read_bytes()
    assert "cost" not in CliRunner().invoke(cli, ["compare", "relu", "--json"]).output


def test_cost_is_measured_only_when_asked_and_says_where():
    result = CliRunner().invoke(cli, ["compare", "relu", "sigmoid", "--cost"])
    header, relu, sigmoid = result.output.splitlines()
    assert header.endswith("cost (× cheapest), measured on this machine")
    assert min(float(relu.split()[-1]), float(sigmoid.split()[-1])) == 1.0
    with plotting.theme():
        rows = compare.properties([actviz.get("relu"), actviz.get("sigmoid")], measure_cost=True)
        fig = compare.figure([rows])
    assert "measured on" in " ".join(t.get_text() for t in fig.texts)


def test_compare_takes_parameters_and_presets():
    result = CliRunner().invoke(cli, ["compare", "leaky_relu", "gelu", "-p", "negative_slope=0.2,0.3",
                                      "--preset", "jax", "--json"])
    assert result.exit_code == 0, result.output
    assert [row["name"] for row in __import__("json").loads(result.output)] == [
        "leaky_relu(negative_slope=0.2)", "leaky_relu(negative_slope=0.3)", "gelu(approximate=tanh)"]


def test_gelu_range_prints_readably_and_truly():
    assert compare.format_interval(actviz.get("gelu").output_range) == "[≈-0.170, ∞)"
    assert compare.format_interval(actviz.get("relu6").output_range) == "[0, 6]"


@pytest.mark.parametrize("name", REGISTRY)
def test_a_printed_range_end_is_exact_or_marked_approximate(name):
    interval = actviz.get(name).output_range
    text = compare.format_interval(interval)
    for shown, exact in zip(text[1:-1].split(", "), (interval.lo, interval.hi)):
        if shown.startswith("≈"):
            assert float(shown[1:]) != exact and math.isclose(float(shown[1:]), exact, rel_tol=5e-3)
        elif math.isfinite(exact):
            assert float(shown) == exact
        else:
            assert shown == ("∞" if exact > 0 else "-∞")


# Sparsity -----------------------------------------------------------------

def test_the_point_mass_is_drawn_at_its_probability_on_its_own_axis():
    results = [sparsity.sparsity(actviz.get(n), samples=20_000) for n in ("tanh", "relu")]
    with plotting.theme():
        fig = sparsity.figure(results)
    spikes = [(ax, c) for ax in fig.axes for c in ax.collections if c.get_gid() == "relu-zeros"]
    assert len(spikes) == 1 and not any(c.get_gid() == "tanh-zeros" for ax in fig.axes for c in ax.collections)
    mass_axis, spike = spikes[0]
    (bottom, top), = [segment[:, 1] for segment in spike.get_segments()]
    assert (bottom, top) == (0, results[1].zero_share)
    assert mass_axis.get_ylim() == (0, 1)
    assert [t.get_text() for t in mass_axis.get_yticklabels()] == ["0%", "50%", "100%"]
    for result in results:
        bars = [p for ax in fig.axes for p in ax.patches if p.get_gid() == f"{result.act.name}-density"]
        area = sum(bar.get_width() * bar.get_height() for bar in bars)
        # With the spike, all of the probability but the far tails cut from view (0.1 % each side).
        assert 1 - result.zero_share - 0.002 - 1e-9 <= area <= 1 - result.zero_share + 1e-9


def test_no_text_sits_on_bars_of_its_own_colour():
    with plotting.theme():
        fig = FIGURES["sparsity"](plotting.SIZES["16:9"])
    bar_colours = {tuple(p.get_facecolor()[:3]) for ax in fig.axes for p in ax.patches}
    for text in visible_texts(fig):
        assert tuple(mpl.colors.to_rgb(text.get_color())) not in bar_colours, text.get_text()


# Depth --------------------------------------------------------------------

@pytest.mark.parametrize("init", ["he", "xavier"])
@pytest.mark.parametrize("scale", sampled([1.0, 1.5], quick=[1.0]))
def test_the_drawn_bound_holds_for_the_default_functions(init, scale):
    profiles = [depth.gradient_through_depth(actviz.get(n), init=init, weight_scale=scale) for n in BASICS]
    for profile in profiles:
        assert np.all(profile.bound >= profile.median), profile.act.name
    with plotting.theme():
        fig = depth.figure(profiles)
    (ax,) = fig.axes
    lines = {line.get_gid(): line.get_ydata() for line in ax.get_lines()}
    assert set(lines) == {"sigmoid-bound", *(f"{n}-depth" for n in BASICS)}  # f' alone bounds only sigmoid
    assert np.all(lines["sigmoid-bound"] >= lines["sigmoid-depth"])
    words = {"he": "He initialisation", "xavier": "Xavier initialisation"}[init]
    label = ax.get_xlabel().replace("\n", " ")
    assert words in label
    shown = float(re.search(r"by ≈([\d.]+) per layer", label)[1])
    assert all(math.isclose(p.weight_gain, shown, rel_tol=0.05) for p in profiles)
    assert math.isclose(shown, scale * math.sqrt(2 if init == "he" else 1), rel_tol=0.1)


# Zig-zag ------------------------------------------------------------------

def test_zigzag_takes_parameters_and_presets(tmp_path):
    path = tmp_path / "zigzag.svg"
    result = CliRunner().invoke(cli, ["zigzag", "softplus", "elu", "-p", "alpha=0.5", "--preset", "keras",
                                      "-o", str(path)])
    assert result.exit_code == 0, result.output
    assert "a = elu(alpha=0.5)(u)" in path.read_text()


def test_depth_holds_one_layers_weights_at_a_time():
    """The backward pass draws W_l again from the generator's saved state:
    40 layers of width 512 hold one 2 MB matrix, not 40 (80 MB), and give
    the same numbers."""
    import tracemalloc
    tracemalloc.start()
    try:
        profile = depth.gradient_through_depth(actviz.get("relu"), layers=40, width=512, seeds=1)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 30e6, f"peak {peak / 1e6:.0f} MB"
    assert np.all(np.isfinite(profile.norms)) and profile.weight_gains.shape == (1, 39)
