"""Figures as a user receives them: files that exist, parse, have the
expected elements and size, look like the committed baselines, and come out
byte-identical on a rerun."""
import importlib
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from matplotlib.figure import Figure
from matplotlib.testing.compare import compare_images

import actviz
from actviz import analysis, plotting
from actviz.cli import cli
from actviz.look import Look
from marks import QUICK_FUNCTIONS, sampled

BASELINES = Path(__file__).with_name("baseline")
SVG = "{http://www.w3.org/2000/svg}"


def draw(tmp_path, *args, name="out.svg"):
    path = tmp_path / name
    result = CliRunner().invoke(cli, ["plot", *args, "-o", str(path)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"wrote {path} (") and result.output.count("\n") == 1
    return path


def svg_group(root, gid):
    return root.find(f".//{SVG}g[@id='{gid}']")


def path_points(group):
    """The (command, x, y) vertices of the first <path> in an SVG group."""
    d = group.find(f"{SVG}path").get("d")
    return [(c, float(x), float(y)) for c, x, y in re.findall(r"([ML])\s*(-?[\d.]+)\s+(-?[\d.]+)", d)]


def test_a_figure_takes_its_look_without_a_theme_around_it():
    """Built through the Python API with no `theme()` around it, a figure is
    in the look it is given: its colours, its shading, its language."""
    import matplotlib as mpl
    dark = plotting.figure([actviz.get("relu")], plotting.FigureOptions(derivative=True), Look("dark"))
    assert dark.get_facecolor()[:3] == mpl.colors.to_rgb("#111418")
    printed = plotting.figure([actviz.get("relu")], plotting.FigureOptions(derivative=True), Look("print"))
    (dead,) = [p for p in printed.axes[0].patches if p.get_gid() == "shade-dead"]
    r, g, b, _ = dead.get_facecolor()
    assert r == g == b
    assert mpl.rcParams["figure.facecolor"] == mpl.rcParamsDefault["figure.facecolor"]  # nothing left behind


def test_chinese_texts_leave_the_font_manager_as_it_was():
    from matplotlib import font_manager
    fonts = list(font_manager.fontManager.ttflist)
    fig = plotting.figure([actviz.get("sigmoid")], plotting.FigureOptions(derivative=True), Look(lang="zh"))
    assert any(t.get_text().startswith("饱和区") for t in fig.legends[0].texts)
    assert font_manager.fontManager.ttflist == fonts


def test_svg_keeps_text_as_text_with_title_and_legend(tmp_path):
    root = ET.parse(draw(tmp_path, "relu", "-d")).getroot()
    texts = {"".join(t.itertext()).strip() for t in root.iter(f"{SVG}text")}
    assert {"relu", "relu′", "dead: f′ = 0"} <= texts


def test_a_family_is_labelled_by_the_values_that_vary(tmp_path):
    root = ET.parse(draw(tmp_path, "gelu", "-p", "approximate=none,tanh", "-d")).getroot()
    texts = {"".join(t.itertext()).strip() for t in root.iter(f"{SVG}text")}
    assert {"gelu", "approximate=none", "approximate=tanh", "f′(x)"} <= texts  # a family's f′ gets its own panel


def test_saturation_is_shaded_where_the_derivative_is_small(tmp_path):
    root = ET.parse(draw(tmp_path, "sigmoid", "-d")).getroot()
    shaded = [g for g in root.iter(f"{SVG}g") if g.get("id", "").startswith("shade-saturated")]
    assert len(shaded) == 2
    root = ET.parse(draw(tmp_path, "sigmoid", "-d", "--no-shade")).getroot()
    assert not [g for g in root.iter(f"{SVG}g") if g.get("id", "").startswith("shade")]


def test_no_vertical_segment_at_a_jump(tmp_path):
    root = ET.parse(draw(tmp_path, "hardshrink")).getroot()
    points = path_points(svg_group(root, "hardshrink-f"))
    assert sum(c == "M" for c, _, _ in points) == 3  # three pieces, each started afresh
    for (_, x0, y0), (c, x1, y1) in zip(points, points[1:]):
        assert not (c == "L" and abs(x1 - x0) < 0.5 and abs(y1 - y0) > 2), "false vertical line"


def test_svg_text_can_be_outlined_and_pdf_embeds_truetype(tmp_path):
    outlined = draw(tmp_path, "relu", "--svg-text", "path", name="outlined.svg").read_text()
    assert "<text" not in outlined
    pdf = draw(tmp_path, "relu", name="relu.pdf").read_bytes()
    assert b"/FontFile2" in pdf and b"/CreationDate" not in pdf


@pytest.mark.parametrize("name", sampled(actviz.names(), QUICK_FUNCTIONS))
def test_every_formula_typesets_without_latex(name):
    from matplotlib.mathtext import MathTextParser
    spec = actviz.REGISTRY[name]
    parser = MathTextParser("path")
    for text in (spec.latex, spec.dlatex):
        for piece in text.split("$")[1::2]:
            parser.parse(f"${piece}$")


def test_png_size_follows_dpi_and_size(tmp_path):
    path = draw(tmp_path, "relu", "--size", "4:3", "--dpi", "50", name="relu.png")
    width, height = np.frombuffer(path.read_bytes()[16:24], dtype=">u4")
    assert (width, height) == (400, 300)


@pytest.mark.parametrize("suffix", sampled(["svg", "pdf", "png"], {"png"}))
def test_rerun_gives_identical_bytes(tmp_path, suffix):
    first = draw(tmp_path, "gelu", "-d", name=f"a.{suffix}").read_bytes()
    second = draw(tmp_path, "gelu", "-d", name=f"b.{suffix}").read_bytes()
    assert first == second


def test_default_output_name_in_the_current_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["plot", "sigmoid", "tanh"])
    assert result.output == "wrote sigmoid-tanh.png (1600×900 px)\n" and (tmp_path / "sigmoid-tanh.png").stat().st_size > 0


def test_failed_save_keeps_the_existing_file(tmp_path, monkeypatch):
    target = tmp_path / "relu.png"
    target.write_bytes(b"precious")

    def broken(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(Figure, "savefig", broken)
    with pytest.raises(KeyboardInterrupt):
        plotting.save(Figure(), target)
    assert target.read_bytes() == b"precious"
    assert [p.name for p in tmp_path.iterdir()] == ["relu.png"]


def test_notebook_api_draws_on_an_axes_and_returns_artists():
    fig = Figure()
    ax = fig.add_subplot()
    artists = actviz.plot(ax, "gelu", derivative=True)
    gids = {a.get_gid() for a in artists}
    assert {"gelu-f", "gelu-df"} <= gids
    assert ax.get_xlim() == actviz.get("gelu").xlim


def test_a_function_shows_in_a_notebook_as_the_figure_plot_draws(tmp_path):
    act = actviz.get("leaky_relu", negative_slope=0.2)
    svg = act._repr_mimebundle_()["image/svg+xml"]
    assert ET.fromstring(svg).tag == f"{SVG}svg" and "<!-- leaky_relu(negative_slope=0.2) -->" in svg
    drawn = draw(tmp_path, "leaky_relu", "-p", "negative_slope=0.2", "-d", "--svg-text", "path")
    assert svg == drawn.read_text(encoding="utf-8")
    png = act._repr_mimebundle_(exclude={"image/svg+xml"})["image/png"]
    assert png == draw(tmp_path, "leaky_relu", "-p", "negative_slope=0.2", "-d", name="out.png").read_bytes()
    assert act._repr_mimebundle_(include={"text/plain"}) == {}


def test_jupyter_draws_a_function_once_and_shows_it_as_svg(monkeypatch):
    from IPython.core.formatters import DisplayFormatter
    formats = []
    render = plotting.render
    monkeypatch.setattr(plotting, "render", lambda fig, fmt, **kw: formats.append(fmt) or render(fig, fmt, **kw))
    shown, _ = DisplayFormatter().format(actviz.get("gelu"))  # every format a notebook asks for
    assert formats == ["svg"] and shown["image/svg+xml"].startswith("<?xml") and "image/png" not in shown


def test_getting_a_function_imports_no_matplotlib():
    code = ("import sys, actviz; act = actviz.get('gelu'); act.f(1.0); act.label\n"
            "print(any(m.startswith('matplotlib') for m in sys.modules))")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout == "False\n"


def test_small_negative_slope_gets_a_magnifying_inset():
    fig = Figure()
    ax = fig.add_subplot()
    actviz.plot(ax, "leaky_relu")
    assert len(ax.child_axes) == 1
    ax = fig.add_subplot()
    actviz.plot(ax, "relu")
    assert ax.child_axes == []


def test_maxout_draws_the_lines_it_is_the_max_of():
    ax = Figure().add_subplot()
    actviz.plot(ax, actviz.get("maxout", w2=0.2, b2=1.0))
    lines = [line for line in ax.get_lines() if line.get_gid() == "guide-pieces"]
    assert [(float(line.get_ydata()[0]), float(line.get_ydata()[1])) for line in lines] == [
        (lo * w + b, hi * w + b) for w, b in ((1.0, 0.0), (0.2, 1.0)) for lo, hi in [ax.get_xlim()]]
    assert [line.get_label() for line in lines][0] == "the pieces w·x + b, f their max"
    ax = Figure().add_subplot()
    actviz.plot(ax, "relu")
    assert not [line for line in ax.get_lines() if line.get_gid() == "guide-pieces"]


def test_a_negative_peak_of_f_prime_is_its_least_value():
    ax = Figure().add_subplot()
    actviz.plot(ax, actviz.get("softmin").two_class, derivative=True)
    assert "min f′ = −0.25\nat x = 0" in [t.get_text() for t in ax.texts]


def test_the_inset_says_its_magnification_briefly_and_is_left_out_below_what_an_axis_frames():
    ax = Figure().add_subplot()
    actviz.plot(ax, actviz.get("leaky_relu", negative_slope=1e-10))
    assert ax.child_axes[0].get_title() == "x < 0, magnified ×8.3×10⁹"
    ax = Figure().add_subplot()
    actviz.plot(ax, actviz.get("leaky_relu", negative_slope=1e-300))   # values of 1e-300 cannot be framed
    assert ax.child_axes == []


def test_beside_a_pole_the_curve_leaves_the_frame():
    """soft_exponential(α = −0.5) is defined on x > −1.5, where f → −∞ and
    f′ → ∞: the y-range frames the rest, not the last sample's 50."""
    act = actviz.get("soft_exponential", alpha=-0.5)
    assert analysis.poles(act) == (-1.5,) and analysis.poles(actviz.get("soft_exponential", alpha=0.5)) == ()
    ax = Figure().add_subplot()
    actviz.plot(ax, act, derivative=True)
    reach = plotting.POLE_SHARE * 6.5
    bottom, top = ax.get_ylim()
    assert bottom < float(act.f(-1.5 + reach)) and float(act.df(-1.5 + reach)) < top < 12
    assert bottom > -6


@pytest.mark.parametrize("name", sampled(actviz.names(), QUICK_FUNCTIONS))
def test_every_function_renders(name, tmp_path):
    with plotting.theme("light"):
        fig = plotting.figure([actviz.get(name)], plotting.FigureOptions(derivative=True))
        for suffix in ("png", "svg"):
            path = plotting.save(fig, tmp_path / f"{name}.{suffix}", dpi=40)
            assert path.stat().st_size > 1000


def test_chinese_labels_need_a_cjk_font_and_say_which_to_install(tmp_path, monkeypatch):
    from matplotlib import font_manager
    monkeypatch.setattr(plotting, "CJK_FONT_PACKAGE", "actviz_no_such_font_package")
    monkeypatch.setattr(plotting, "CJK_FONTS", ("No Such Font",))
    monkeypatch.setattr(font_manager, "findSystemFonts", lambda: [])
    result = CliRunner().invoke(cli, ["plot", "relu", "--lang", "zh", "-o", str(tmp_path / "relu.png")])
    assert result.exit_code == 2
    assert result.stderr == ("Error: --lang zh needs a font with Chinese characters: run `pip install 'actviz[zh]'` "
                             "(or install a system font, e.g. `apt install fonts-noto-cjk`)\n")
    assert list(tmp_path.iterdir()) == []


def test_chinese_figures_use_the_font_of_the_zh_extra_and_leave_the_font_manager_as_it_was():
    from matplotlib import font_manager
    known = list(font_manager.fontManager.ttflist)
    with plotting.theme(lang="zh"):
        fig = plotting.figure([actviz.get("sigmoid")], plotting.FigureOptions(derivative=True))
        found = font_manager.findfont(font_manager.FontProperties(family="Noto Sans CJK SC"),
                                      fallback_to_default=False)
        assert Path(found).is_relative_to(Path(importlib.import_module(plotting.CJK_FONT_PACKAGE).__file__).parent)
        plotting.render(fig, "png", dpi=40)  # a glyph missing from every font would warn, and fail here
    assert font_manager.fontManager.ttflist == known


def test_chinese_labels_stay_text_in_svg(tmp_path):
    root = ET.parse(draw(tmp_path, "sigmoid", "-d", "--lang", "zh")).getroot()
    texts = {"".join(t.itertext()).strip() for t in root.iter(f"{SVG}text")}
    assert "饱和区：f → 常数，|f′| < 0.05" in texts and "导数最大值 f′ = 0.25" in texts


def pdf_fonts(data: bytes) -> dict:
    """{base font name (subset tag dropped): its font dictionary} of a PDF written by matplotlib,
    whose objects are plain text outside their compressed streams."""
    fonts = {}
    for body in re.findall(rb"\d+ 0 obj\s*(<<.*?>>)\s*endobj", data, re.S):
        name = re.search(rb"/BaseFont /(?:[A-Z]{6}\+)?([\w-]+)", body)
        if name and b"/Type /Font" in body:
            fonts[name.group(1).decode()] = body
    return fonts


def test_chinese_pdfs_embed_the_cjk_font(tmp_path):
    fonts = pdf_fonts(draw(tmp_path, "sigmoid", "-d", "--lang", "zh", name="zh.pdf").read_bytes())
    cjk = fonts["NotoSansCJKsc-Regular"]
    # Type 3: the glyphs' outlines are in the file (CharProcs), and a ToUnicode map lets a reader copy the text.
    assert b"/Subtype /Type3" in cjk and b"/CharProcs" in cjk and b"/ToUnicode" in cjk


def test_english_pdfs_keep_truetype_fonts(tmp_path):
    fonts = pdf_fonts(draw(tmp_path, "sigmoid", "-d", name="en.pdf").read_bytes())
    assert fonts and all(b"/Subtype /Type0" in body or b"/CIDFontType2" in body for body in fonts.values())


def test_layouts_that_cannot_be_drawn_are_refused():
    for args, message in [(["relu", "tanh", "--grid", "--layout", "side", "-d"], "cannot be combined with --layout side"),
                          (["relu", "--derivative-only", "--layout", "side"], "--layout side puts f and f′ side by side")]:
        result = CliRunner().invoke(cli, ["plot", *args])
        assert result.exit_code == 2 and message in result.stderr


def test_derivative_only_is_titled_and_drawn_as_the_derivative():
    with plotting.theme("light"):
        fig = plotting.figure([actviz.get("relu")], plotting.FigureOptions(derivative_only=True))
    (line,) = [line for line in fig.axes[0].get_lines() if line.get_gid() == "relu-df"]
    assert fig.get_suptitle() == "relu′" and line.get_linestyle() == "-"


def test_grid_honours_the_size_asked_for(tmp_path):
    path = draw(tmp_path, "sigmoid", "relu", "--grid", "--size", "4:3", "--dpi", "50", name="grid.png")
    width, height = np.frombuffer(path.read_bytes()[16:24], dtype=">u4")
    assert (width, height) == (400, 300)


@pytest.mark.slow
def test_a_grid_grows_to_give_each_panel_room_and_says_so_when_a_size_was_asked_for(tmp_path):
    names = actviz.names()
    path = draw(tmp_path, *names, "--grid", "--dpi", "20", name="all.png")
    width, height = np.frombuffer(path.read_bytes()[16:24], dtype=">u4")
    em = 13 / 72  # the light theme's font size, in inches
    assert width >= round(7 * plotting.GRID_PANEL[0] * em * 20) and height >= round(7 * plotting.GRID_PANEL[1] * em * 20)
    result = CliRunner().invoke(cli, ["plot", *names, "--grid", "--size", "16:9", "--dpi", "20",
                                      "-o", str(tmp_path / "asked.png")])
    assert result.exit_code == 0
    assert result.stderr.startswith("note: the figure is not readable at 8×4.5 in; drawn at ")


@pytest.mark.parametrize("args,message", [
    (["relu", "--title", "\U00032727"], "no font here can draw '\U00032727' (U+32727); leave it out of the "
                                          "figure's text"),
    (["relu", "--title", "中"], "no font here can draw '中' (U+4E2D); leave it out of the figure's text "
                                "(for Chinese, use --lang zh with a CJK font)"),
    (["gelu", "-d", "--size", "0.5x0.5"], "at 0.5×0.5 in the texts leave no room for the axes; give a larger "
                                          "--size or a smaller --font-scale"),
    (["gelu", "-d", "--size", "2x2"], "at 2×2 in the texts leave no room for the axes; give a larger "
                                      "--size or a smaller --font-scale"),
    (["gelu", "-d", "--size", "3x2", "-o", "x.svg"], "at 3×2 in the texts leave no room for the axes; give a "
                                                     "larger --size or a smaller --font-scale"),
    (["gelu", "-d", "--size", "3x2", "-o", "x.pdf"], "at 3×2 in the texts leave no room for the axes; give a "
                                                     "larger --size or a smaller --font-scale"),
    (["hardtanh", "-p", "min_val=-1e308", "-p", "max_val=1e308"],
     "the x-range -1e+308 to 1e+308 of hardtanh(min_val=-1e+308, max_val=1e+308) is wider than a figure can "
     "span; give --xlim"),
    (["leaky_relu", "-p", "negative_slope=1e308"],
     "the values drawn go beyond ±1e+306, more than a figure can frame; give --ylim"),
    (["maxout", "-p", "w1=1e308", "-p", "w2=-1e308", "-d"],
     "the values drawn go beyond ±1e+306, more than a figure can frame; give --ylim"),
])
def test_a_figure_that_cannot_show_what_was_asked_is_an_error(tmp_path, args, message, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["plot", *args, "--dpi", "20", *([] if "-o" in args else ["-o", "x.png"])])
    assert (result.exit_code, result.stderr) == (2, f"Error: {message}\n")
    assert list(tmp_path.iterdir()) == []


def test_asymptotes_far_from_the_curves_in_view_are_not_drawn():
    with plotting.theme("light"):
        fig = plotting.figure([actviz.get("celu", alpha=1e300)])
    ax = fig.axes[0]
    assert not [line for line in ax.get_lines() if line.get_gid() == "asymptote"]
    assert ax.get_ylim()[0] > -10


def test_grid_panels_share_the_x_range_unless_asked_not_to():
    with plotting.theme("light"):
        shared = plotting.figure([actviz.get("sigmoid"), actviz.get("relu6")],
                                 plotting.FigureOptions(layout="grid"))
        own = plotting.figure([actviz.get("sigmoid"), actviz.get("relu6")],
                              plotting.FigureOptions(layout="grid", own_xlim=True))
    assert shared.axes[0].get_xlim() == shared.axes[1].get_xlim()
    assert [ax.get_xlim() for ax in own.axes[:2]] == [(-8.0, 8.0), (-3.0, 9.0)]


def test_stationary_points_and_the_peak_are_marked_and_labelled():
    with plotting.theme("light"):
        fig = plotting.figure([actviz.get("gelu")], plotting.FigureOptions(derivative=True))
    ax = fig.axes[0]
    (minimum,) = [line for line in ax.get_lines() if line.get_gid() == "stationary-minimum"]
    assert minimum.get_xdata()[0] == analysis.stationary_points(actviz.get("gelu"), -5, 5)[0].x
    texts = [t.get_text() for t in ax.texts]
    assert "minimum\n(−0.7518, −0.17)" in texts and "max f′ = 1.129\nat x = 1.414" in texts


def test_markers_of_the_derivative_are_squares_and_never_hide_f():
    with plotting.theme("light"):
        fig = plotting.figure([actviz.get("hardtanh")], plotting.FigureOptions(derivative=True))
    lines = {line.get_gid(): line for line in fig.axes[0].get_lines()}
    assert lines["jump-open-df"].get_marker() == "s" and lines["jump-open-df"].get_markerfacecolor() == "none"
    assert lines["jump-open-df"].get_zorder() < lines["kinks"].get_zorder()


def test_print_theme_hatches_dead_regions_in_grey_and_marks_each_function():
    with plotting.theme("print") as look:
        fig = plotting.figure([actviz.get("relu")], plotting.FigureOptions(derivative=True), look)
        (dead,) = [p for p in fig.axes[0].patches if p.get_gid() == "shade-dead"]
        r, g, b, _ = dead.get_facecolor()
        assert r == g == b and dead.get_hatch()
        fig = plotting.figure([actviz.get("sigmoid"), actviz.get("tanh")], plotting.FigureOptions(), look)
    markers = {line.get_gid(): line.get_marker() for line in fig.axes[0].get_lines()}
    assert markers["sigmoid-f"] != markers["tanh-f"]


BASELINE_CASES = [
    ["relu", "-d"], ["hardshrink", "-d"], ["leaky_relu", "-p", "negative_slope=0.01,0.1,0.3", "-d"],
    ["sigmoid", "-d", "--layout", "side", "--theme", "dark"], ["sigmoid", "tanh", "relu", "gelu", "-d", "--grid"],
]


def baseline_name(args):
    return "_".join(a.lstrip("-").replace("=", "").replace(",", "_") for a in args) + ".png"


@pytest.mark.parametrize("args", BASELINE_CASES)
def test_matches_the_committed_baseline(args, tmp_path):
    actual = draw(tmp_path, *args, "--dpi", "60", name=baseline_name(args))
    expected = BASELINES / baseline_name(args)
    assert expected.exists(), f"no baseline: run `python tests/test_plotting.py`, then look at {expected}"
    assert compare_images(str(expected), str(actual), tol=2) is None


if __name__ == "__main__":
    # Regenerate the baselines after an intended change of look (then open them).
    for case in BASELINE_CASES:
        CliRunner().invoke(cli, ["plot", *case, "--dpi", "60", "-o", str(BASELINES / baseline_name(case))])


def _figure_texts():
    """{module: every literal figure text it says}: the first arguments of
    `say(...)` (an f-string stands for each stationary kind it can hold)."""
    import ast
    import importlib
    root = Path(plotting.__file__).parent
    found = {}
    for path in root.rglob("*.py"):
        texts = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "say" and node.args:
                text = node.args[0]
                if isinstance(text, ast.Constant):
                    texts.add(text.value)
                elif isinstance(text, ast.JoinedStr):
                    texts |= {eval(compile(ast.Expression(text), path, "eval"), {"point": point})
                              for point in (analysis.Stationary(0.0, 0.0, "minimum"),
                                            analysis.Stationary(0.0, 0.0, "maximum"))}
        if texts:
            name = ".".join(("actviz", *path.relative_to(root).with_suffix("").parts))
            found[importlib.import_module(name)] = texts
    return found


def test_every_english_figure_text_has_its_chinese_version():
    texts = _figure_texts()
    assert sum(map(len, texts.values())) > 30
    assert {module.__name__: sorted(said - module.ZH.keys()) for module, said in texts.items()} == \
        {module.__name__: [] for module in texts}


@pytest.mark.parametrize("args", sampled([("gelu", "-d"), ("relu", "-d"), ("gaussian", "-d"),
                                          ("sigmoid", "-d", "--layout", "side"), ("sigmoid", "relu", "-d", "--grid"),
                                          ("sigmoid", "tanh", "-d"), ("leaky_relu", "-p", "negative_slope=0.01,0.1", "-d")],
                                         quick=[("gelu", "-d"), ("sigmoid", "relu", "-d", "--grid")]))
def test_a_chinese_plot_has_no_english_word_but_names(args, tmp_path):
    root = ET.parse(draw(tmp_path, *args, "--lang", "zh")).getroot()
    words = {w for t in root.iter(f"{SVG}text") for w in re.findall(r"[A-Za-z_]{3,}", "".join(t.itertext()))}
    assert words <= {*actviz.REGISTRY, "max", "negative_slope"}


def test_rrelu_in_training_is_the_band_between_its_slopes():
    """For x < 0 training draws a ~ U[lower, upper]: the band spans lower·x to upper·x; evaluation's
    mean slope is the curve; a function without a random slope has no band."""
    with plotting.theme("light") as look:
        fig = plotting.figure([actviz.get("rrelu", lower=0.1, upper=0.3)], plotting.FigureOptions(), look)
        ax = fig.axes[0]
        (band,) = [c for c in ax.collections if c.get_gid() == "shade-training"]
        vertices = band.get_paths()[0].vertices
        left = vertices[vertices[:, 0] == vertices[:, 0].min()]
        assert sorted(set(left[:, 1])) == pytest.approx(sorted([0.3 * ax.get_xlim()[0], 0.1 * ax.get_xlim()[0]]))
        assert vertices[:, 0].max() == 0.0
        assert band.get_label() == "training: f = a·x, a ~ U[0.1, 0.3], for x < 0"
        fig = plotting.figure([actviz.get("leaky_relu")], plotting.FigureOptions(), look)
        assert not [c for c in fig.axes[0].collections if c.get_gid() == "shade-training"]
