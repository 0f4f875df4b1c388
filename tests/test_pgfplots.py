"""`actviz plot -o FIGURE.tex`: pgfplots code that compiles, draws what the
PNG draws, and stays within half a point of the exact curves.

The compile tests need pdflatex and pdftoppm (Debian: texlive-latex-base,
texlive-pictures, texlive-latex-extra, poppler-utils; .ci/run installs them)
and fail, not skip, without them.
"""
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from actviz import pgfplots, plotting
from actviz.cli import cli
from actviz.functions import REGISTRY, get

from marks import QUICK_FUNCTIONS, sampled

TOOLS = ("pdflatex", "pdftoppm", "pdfinfo")


def run(*args):
    return CliRunner().invoke(cli, list(args), prog_name="actviz")


def _need_tools():
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"{', '.join(missing)} not found: install texlive-latex-base texlive-pictures "
                    "texlive-latex-extra poppler-utils (as .ci/run does)")


def pdflatex(tex: Path, prefix: str = "") -> str:
    """Compile `tex` in its folder (with `prefix` TeX code before it); the log, or a failure quoting the error."""
    done = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", f"{prefix}\\input{{{tex.name}}}"],
                          cwd=tex.parent, capture_output=True, text=True, timeout=300)
    log = tex.with_suffix(".log").read_text(errors="replace")
    if done.returncode:
        error = log[log.find("\n!"):][:1200]
        pytest.fail(f"pdflatex failed on {tex.name}:{error}")
    return log


def pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M)[1])


# ---------------------------------------------------------------------------
# Compiling
# ---------------------------------------------------------------------------

@pytest.mark.slow
def test_every_function_compiles_standalone(tmp_path):
    """Every registry function with f, f′ and its formulas, each a standalone
    document; all are compiled in one run through the standalone package
    (one figure per page), and one of them on its own."""
    _need_tools()
    names = sorted(REGISTRY)
    with ThreadPoolExecutor(2) as pool:
        texts = list(pool.map(lambda n: pgfplots.figure([get(n)], derivative=True, formula=True, standalone=True),
                              names))
    for name, text in zip(names, texts):
        (tmp_path / f"{name}.tex").write_text(text)
    main = tmp_path / "all.tex"
    main.write_text("\n".join([r"\documentclass{article}", r"\usepackage{standalone}", pgfplots.PREAMBLE,
                               r"\usepackage[paperwidth=22cm, paperheight=14cm, margin=0.5cm]{geometry}",
                               r"\begin{document}", *[rf"\input{{{n}}}\clearpage" for n in names],
                               r"\end{document}"]))
    pdflatex(main)
    assert pages(tmp_path / "all.pdf") == len(names)
    pdflatex(tmp_path / "gelu.tex")
    assert pages(tmp_path / "gelu.pdf") == 1


@pytest.mark.slow
def test_family_as_beamer_overlays_one_slide_each(tmp_path):
    _need_tools()
    out = tmp_path / "leaky.tex"
    result = run("plot", "leaky_relu", "-p", "negative_slope=0.01,0.1,0.3", "-d", "--standalone",
                 "--beamer-overlays", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert result.output == f"wrote {out} (pgfplots, 8×4.5 in)\n"
    text = out.read_text()
    assert [int(k) for k in re.findall(r"\\only<(\d)>", text)].count(3) >= 4  # f, f′, marks, legend of member 3
    pdflatex(out)
    assert pages(tmp_path / "leaky.pdf") == 3


@pytest.mark.slow
def test_input_into_beamer(tmp_path):
    """Without --standalone the file is a tikzpicture for \\input in a frame."""
    _need_tools()
    assert run("plot", "sigmoid", "tanh", "-d", "--size", "5.5x3", "-o", str(tmp_path / "fig.tex")).exit_code == 0
    assert r"\documentclass" not in (tmp_path / "fig.tex").read_text()
    slides = tmp_path / "slides.tex"
    slides.write_text("\n".join([r"\documentclass[aspectratio=169]{beamer}", pgfplots.PREAMBLE, r"\begin{document}",
                                 r"\begin{frame}{Sigmoid and tanh}", r"\input{fig.tex}", r"\end{frame}",
                                 r"\end{document}"]))
    log = pdflatex(slides)
    assert "Overfull \\hbox" not in log
    assert pages(tmp_path / "slides.pdf") == 1


# ---------------------------------------------------------------------------
# The same figure as the PNG
# ---------------------------------------------------------------------------

# Reports the axes' frame, relative to the picture's bounding box, in the log.
FRAME_REPORT = (r"\AtBeginDocument{\pgfplotsset{every axis/.append style={name=frame}}"
                r"\tikzset{every picture/.append style={execute at end picture={\ifcsname pgf@sh@ns@frame\endcsname"
                r"\pgfpointdiff{\pgfpointanchor{current bounding box}{south west}}{\pgfpointanchor{frame}{south west}}"
                r"\pgfgetlastxy{\actvizx}{\actvizy}\typeout{FRAME-SW \actvizx\space\actvizy}"
                r"\pgfpointdiff{\pgfpointanchor{current bounding box}{south west}}{\pgfpointanchor{frame}{north east}}"
                r"\pgfgetlastxy{\actvizx}{\actvizy}\typeout{FRAME-NE \actvizx\space\actvizy}\fi}}}}")


def _frame_pixels(image, box):
    """The part of an RGB image inside box = (left, top, right, bottom) pixels, shrunk by 2 px."""
    left, top, right, bottom = (int(round(v)) for v in box)
    return image[top + 2:bottom - 2, left + 2:right - 2, :3].astype(float)


def _trace(frame, colour, tolerance=60):
    """For each of 200 columns across the frame, the mean height (0 bottom, 1 top) of the pixels near `colour`."""
    near = np.linalg.norm(frame - np.array(colour, dtype=float), axis=2) < tolerance
    rows = np.arange(frame.shape[0])[:, None]
    counts = near.sum(axis=0)
    with np.errstate(invalid="ignore"):
        height = 1 - (rows * near).sum(axis=0) / counts / frame.shape[0]
    columns = np.linspace(0, frame.shape[1] - 1, 200).astype(int)
    return np.where(counts[columns] > 0, height[columns], np.nan)


def _shaded(frame):
    """For 200 columns: is the top of the frame tinted (the saturated shade's bluish grey, the dead one's red)?"""
    top = frame[int(0.02 * frame.shape[0]):int(0.06 * frame.shape[0])].mean(axis=0)
    tinted = (top.max(axis=1) - top.min(axis=1) > 2) & (top.min(axis=1) < 248)
    return tinted[np.linspace(0, frame.shape[1] - 1, 200).astype(int)]


@pytest.mark.slow
@pytest.mark.parametrize("name", ["relu", "sigmoid", "elu", "hardshrink"])
def test_pdf_looks_like_the_png(tmp_path, name):
    """Rasterised, the PDF compiled from the .tex and the PNG put f (blue)
    and f′ (vermilion) at the same heights across their frames, and shade
    the same columns."""
    _need_tools()
    from matplotlib.image import imread
    act = get(name)
    tex = tmp_path / f"{name}.tex"
    tex.write_text(pgfplots.figure([act], derivative=True, standalone=True))
    log = pdflatex(tex, FRAME_REPORT)
    sw, ne = (re.findall(rf"FRAME-{corner} (\S+)pt (\S+)pt", log)[-1] for corner in ("SW", "NE"))
    subprocess.run(["pdftoppm", "-png", "-r", "100", "-singlefile", tex.with_suffix(".pdf").name, name],
                   cwd=tmp_path, check=True)
    pdf = imread(tmp_path / f"{name}.png")[..., :3] * 255
    px = 100 / pgfplots.PT_PER_INCH
    border = 4 * px  # standalone's border=4pt
    height = pdf.shape[0]
    box_tex = (border + float(sw[0]) * px, height - border - float(ne[1]) * px,
               border + float(ne[0]) * px, height - border - float(sw[1]) * px)

    with plotting.theme():
        fig = plotting.figure([act], plotting.FigureOptions(derivative=True))
        data = plotting.render(fig, "png", dpi=100)
        extent = fig.axes[0].get_window_extent()
    (tmp_path / "matplotlib.png").write_bytes(data)
    png = imread(tmp_path / "matplotlib.png")[..., :3] * 255
    box_png = (extent.x0, png.shape[0] - extent.y1, extent.x1, png.shape[0] - extent.y0)

    frames = _frame_pixels(pdf, box_tex), _frame_pixels(png, box_png)
    for colour in ((0x00, 0x72, 0xB2), (0xD5, 0x5E, 0x00)):
        tex_trace, png_trace = (_trace(frame, colour) for frame in frames)
        both = np.isfinite(tex_trace) & np.isfinite(png_trace)
        assert both.sum() > 0.5 * np.isfinite(png_trace).sum() > 0
        assert np.median(abs(tex_trace - png_trace)[both]) < 0.01
        assert np.mean(abs(tex_trace - png_trace)[both] < 0.04) > 0.9
    tex_shade, png_shade = (_shaded(frame) for frame in frames)
    assert np.mean(tex_shade == png_shade) > 0.95


# ---------------------------------------------------------------------------
# Samples: few, and within half a point
# ---------------------------------------------------------------------------

CURVE = re.compile(r"\\addplot\[(actviz\d+), line width=[^\]]*forget plot\] coordinates \{([^}]*)\}")
FRAME = re.compile(r"width=([0-9.]+)cm, height=([0-9.]+)cm")
LIMITS = re.compile(r"xmin=(\S+), xmax=(\S+), ymin=(\S+), ymax=(\S+),")
TEN_CM = (10 + 1.7) / 2.54  # inches: a figure whose frame is 10 cm wide


def curves_of(text):
    """{colour: [array of (x, y) per \\addplot]} of a .tex figure."""
    found = {}
    for colour, body in CURVE.findall(text):
        points = np.array([[float(v) for v in p.split(",")] for p in re.findall(r"\(([^)]*)\)", body)])
        found.setdefault(colour, []).append(points)
    return found


def coordinate_count(text):
    return sum(len(piece) for pieces in curves_of(text).values() for piece in pieces)


@pytest.mark.parametrize("name, most", [("relu", 40), ("leaky_relu", 40), ("hardtanh", 40), ("gelu", 400),
                                        ("sigmoid", 400), ("sinc", 400)])
def test_few_coordinates(name, most):
    """Straight stretches take two coordinates: relu's figure is a few dozen, gelu's under 400."""
    count = coordinate_count(pgfplots.figure([get(name)], derivative=True, size=(TEN_CM, 3.5)))
    assert 4 <= count <= most


def test_relu_is_its_corners():
    text = pgfplots.figure([get("relu")], derivative=True)
    (f,), (df_left, df_right) = curves_of(text)["actviz1"], curves_of(text)["actviz2"]
    assert f.tolist() == [[-5, 0], [0, 0], [5, 5]]
    assert df_left.tolist() == [[-5, 0], [0, 0]] and df_right.tolist() == [[0, 1], [5, 1]]


@pytest.mark.parametrize("name", sampled(sorted(REGISTRY), QUICK_FUNCTIONS))
def test_within_half_a_point_at_10_cm(name):
    """Every drawn polyline of f and f′, as written in the file (rounded
    coordinates included), lies within 0.5 pt of the exact curve on a
    frame 10 cm wide: each exact point is measured to the segment whose
    x-interval holds it."""
    act = get(name)
    text = pgfplots.figure([act], derivative=True, size=(TEN_CM, 3.5))
    width, height = (float(v) * pgfplots.CM for v in FRAME.search(text).groups())
    assert width == pytest.approx(10 * pgfplots.CM, abs=0.5)
    x0, x1, y0, y1 = (float(v) for v in LIMITS.search(text).groups())
    sx, sy = width / (x1 - x0), height / (y1 - y0)
    worst = 0.0
    for colour, g in (("actviz1", act.f), ("actviz2", act.df)):
        for piece in curves_of(text)[colour]:
            piece = piece[np.isfinite(piece).all(axis=1)]
            x = np.unique(np.concatenate([np.linspace(piece[0, 0], piece[-1, 0], 20001),
                                          (piece[:-1, 0, None] + np.diff(piece[:, 0])[:, None]
                                           * np.linspace(0, 1, 17)).ravel()]))
            x = x[(x > piece[0, 0]) & (x < piece[-1, 0])]
            y = g(x)
            i = np.clip(np.searchsorted(piece[:, 0], x) - 1, 0, len(piece) - 2)
            a, b = piece[i], piece[i + 1]
            d = pgfplots._distance_to_chord(sx * x, sy * y, sx * a[:, 0], sy * a[:, 1], sx * b[:, 0], sy * b[:, 1])
            worst = max(worst, float(d.max()))
    assert worst <= pgfplots.TOLERANCE_PT


# ---------------------------------------------------------------------------
# What the file says, and what it refuses
# ---------------------------------------------------------------------------

def test_text_is_latex():
    text = pgfplots.figure([get("sigmoid")], derivative=True, formula=True, title="Slope: $\\sigma'$")
    assert r"\addlegendentry{sigmoid\quad $\sigma(x)=\dfrac{1}{1+e^{-x}}$}" in text
    assert r"\addlegendentry{sigmoid$'$\quad $\sigma'(x)=\sigma(x)\,\sigma(-x)$}" in text
    assert r"\addlegendentry{saturated: $f \rightarrow$ constant, $|f'| < 0.05$}" in text
    assert "title={Slope: $\\sigma'$}" in text
    assert r"\definecolor{actviz1}{HTML}{0072B2}" in text and r"\definecolor{actviz2}{HTML}{D55E00}" in text


def test_title_escapes_text_and_keeps_math():
    assert pgfplots.tex_text("leaky_relu 50% & $\\alpha_1$ → ∞") == r"leaky\_relu 50\% \& $\alpha_1$ $\rightarrow$ $\infty$"


def test_a_character_pdflatex_cannot_set_is_refused(tmp_path):
    result = run("plot", "relu", "--title", "激活", "-o", str(tmp_path / "f.tex"))
    assert result.exit_code == 2
    assert result.output == ("Error: cannot write '激' (U+6FC0) in a .tex figure: pdflatex has no glyph for it; "
                             "write it in LaTeX between dollar signs\n")
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("args, message", [
    (["--grid"], "--grid cannot be written as a .tex figure (one panel per function); write one .tex per "
                 "function, or a .png, .svg or .pdf"),
    (["--dpi", "300"], "--dpi does not apply to a .tex figure, which takes the document's fonts and has no pixels"),
    (["--font-scale", "2"], "--font-scale does not apply to a .tex figure, which takes the document's fonts "
                            "and has no pixels"),
    (["--theme", "print"], "--theme print tells curves apart by markers, which a .tex figure does not draw yet; "
                           "use --theme light or dark"),
    (["--beamer-overlays"], "--beamer-overlays shows one function per slide: give several, e.g. a family "
                            "(-p negative_slope=0.01,0.1,0.3)"),
])
def test_what_a_tex_figure_cannot_do_is_one_error(tmp_path, args, message):
    out = tmp_path / "f.tex"
    out.write_text("old")
    result = run("plot", "relu", "sigmoid" if args == ["--grid"] else "relu", *args, "-o", str(out))
    assert (result.exit_code, result.output) == (2, f"Error: {message}\n")
    assert out.read_text() == "old"


def test_tex_options_need_a_tex_output():
    result = run("plot", "relu", "--standalone", "-o", "relu.png")
    assert (result.exit_code, result.output) == (2, "Error: --standalone is for a .tex figure (-o FILE.tex)\n")


def test_only_plot_writes_tex(tmp_path):
    result = run("collapse", "relu", "-o", str(tmp_path / "c.tex"))
    assert (result.exit_code, result.output) == (
        2, "Error: cannot write 'c.tex': the suffix must be .png, .svg or .pdf\n")


def test_dark_theme_fills_its_background_unless_transparent():
    assert "show background rectangle" in pgfplots.figure([get("relu")], theme_name="dark")
    assert "show background rectangle" not in pgfplots.figure([get("relu")], theme_name="dark", transparent=True)
    assert "show background rectangle" not in pgfplots.figure([get("relu")])


def test_no_matplotlib():
    code = ("import sys; from actviz import pgfplots; from actviz.functions import get; "
            "pgfplots.figure([get('gelu')], derivative=True); print('matplotlib' in sys.modules)")
    assert subprocess.run([__import__("sys").executable, "-c", code], capture_output=True,
                          text=True, check=True).stdout == "False\n"
