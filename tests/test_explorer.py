"""The interactive page (`actviz plot ... -o page.html`), in a real headless
Chromium: it loads offline without a console error, a slider redraws the
curve at exactly the values Python computes, the pointer reads out actviz's
numbers, the SVG download is a valid SVG, and the colours follow the theme
and the reader's preference.

Chromium is Debian's `chromium` package (installed by .ci/run), driven by
Playwright; a machine without it fails these tests, it does not skip them.
"""
import base64
import math
import re
import shutil
import zlib
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from click.testing import CliRunner
from playwright.sync_api import sync_playwright

import actviz
from actviz import analysis, explorer, gallery
from actviz.cli import cli

CHROMIUM = "chromium"


@pytest.fixture(scope="module")
def browser():
    executable = shutil.which(CHROMIUM)
    if executable is None:
        pytest.fail(f"{CHROMIUM} is not installed: `apt-get install chromium` (see the README); "
                    "the page's tests need a real browser")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def page_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("page") / "explore.html"
    result = CliRunner().invoke(cli, ["plot", "elu", "leaky_relu", "-d", "-o", str(path)])
    assert (result.exit_code, result.output) == (0, f"wrote {path} (an interactive page)\n")
    return path


@pytest.fixture
def page(browser, page_file):
    """The page, opened from a file:// URL with every other request refused
    (and recorded), and every console message and page error recorded."""
    context = browser.new_context(viewport={"width": 1300, "height": 800}, accept_downloads=True)
    tab = context.new_page()
    tab.requests, tab.messages = [], []
    tab.on("console", lambda message: tab.messages.append(f"{message.type}: {message.text}"))
    tab.on("pageerror", lambda error: tab.messages.append(f"error: {error}"))

    def refuse(route):
        tab.requests.append(route.request.url)
        route.abort()
    tab.route(re.compile(r"^(?!file:).*"), refuse)
    tab.goto(page_file.as_uri())
    tab.wait_for_selector("#curve-f")
    yield tab
    context.close()


def drawn(tab, curve):
    """The (x, y) data of a drawn path, read back through the axes' mapping."""
    svg = tab.locator("#plot")
    box = {k: float(svg.get_attribute(f"data-{k}")) for k in ("x0", "x1", "y0", "y1", "left", "right", "top", "bottom")}
    points = np.array([[float(a), float(b)] for a, b in
                       re.findall(r"[ML](-?[\d.]+) (-?[\d.]+)", tab.locator(f"#curve-{curve}").get_attribute("d"))])
    return points, box


def expected_pixels(act, box, derivative):
    lo, hi = box["x0"], box["x1"]
    c = analysis.curve(act, lo, hi, derivative=derivative, num=explorer.CURVE_POINTS)
    keep = np.isfinite(c.x) & np.isfinite(c.y)
    px = box["left"] + (c.x[keep] - lo) / (hi - lo) * (box["right"] - box["left"])
    py = box["bottom"] - (c.y[keep] - box["y0"]) / (box["y1"] - box["y0"]) * (box["bottom"] - box["top"])
    return np.column_stack([px, np.clip(py, -1e4, 1e4)])


@pytest.mark.slow
def test_the_page_loads_offline_without_a_console_message(page):
    assert page.requests == [] and page.messages == []
    assert page.locator("#functions button").all_text_contents() == ["elu", "leaky_relu"]
    assert page.locator("#slider-alpha").count() == 1


@pytest.mark.slow
def test_moving_a_slider_draws_the_curve_python_computes(page):
    slider = page.locator("#slider-alpha")
    stops = explorer.slider_stops(actviz.get("elu"), "alpha", explorer.STOPS[1])
    before = page.locator("#curve-f").get_attribute("d")
    slider.fill(str(stops.index(0.25)))
    assert page.locator("#sliders output").text_content() == "0.25"
    assert page.locator("#curve-f").get_attribute("d") != before
    act = actviz.get("elu", alpha=0.25)
    for curve, derivative in (("f", False), ("df", True)):
        points, box = drawn(page, curve)
        assert np.abs(points - expected_pixels(act, box, derivative)).max() <= 0.0051  # toFixed(2)
    facts = dict(zip(page.locator("#fact-list dt").all_text_contents(),
                     page.locator("#fact-list dd").all_text_contents()))
    assert facts["range"] == "(-0.25, ∞)" and facts["asymptotes"] == "y = -0.25"
    assert page.locator("#facts-title").text_content() == "elu(alpha=0.25)"


@pytest.mark.slow
def test_the_pointer_reads_out_actvizs_numbers(page):
    page.locator("#functions button", has_text="leaky_relu").click()
    page.locator("#slider-negative_slope").fill("4")
    slope = explorer.slider_stops(actviz.get("leaky_relu"), "negative_slope", explorer.STOPS[1])[4]
    act = actviz.get("leaky_relu", negative_slope=slope)
    box = page.locator("#plot").bounding_box()
    page.mouse.move(box["x"] + 0.3 * box["width"], box["y"] + 0.5 * box["height"])
    text = page.locator("#readout").text_content()
    x, f, df = (float(v) for v in re.fullmatch(r"x = (\S+)   f\(x\) = (\S+)   f′\(x\) = (\S+)", text).groups())
    assert x < 0 and f == act.f(x) and df == act.df(x) == slope


@pytest.mark.slow
def test_the_svg_download_is_an_svg_of_the_view(page, tmp_path):
    with page.expect_download() as download:
        page.locator("#download").click()
    assert download.value.suggested_filename == "elu.svg"
    path = tmp_path / "view.svg"
    download.value.save_as(path)
    root = ET.parse(path).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg" and (root.get("width"), root.get("height")) == ("800", "470")
    ids = {node.get("id") for node in root.iter()}
    assert {"curve-f", "curve-df"} <= ids and "hover" not in ids
    assert any(node.text == "saturated: f → constant, |f′| < 0.05" for node in root.iter())


@pytest.mark.slow
def test_the_toggles_hide_f_and_the_shading(page):
    assert page.locator(".shade-saturated").count() == 1
    page.locator("#show-shade").uncheck()
    page.locator("#show-f").uncheck()
    assert page.locator(".shade-saturated").count() == 0 and page.locator("#curve-f").count() == 0
    assert page.locator("#curve-df").get_attribute("stroke-dasharray") == "none"  # f′ alone is solid


@pytest.mark.slow
@pytest.mark.parametrize("theme,scheme,paper", [
    ("light", "light", "rgb(255, 255, 255)"), ("light", "dark", "rgb(17, 20, 24)"),
    ("dark", "light", "rgb(17, 20, 24)"), ("print", "dark", "rgb(255, 255, 255)")])
def test_colours_follow_the_theme_and_the_readers_preference(browser, tmp_path, theme, scheme, paper):
    path = tmp_path / "page.html"
    assert CliRunner().invoke(cli, ["plot", "relu", "--theme", theme, "-o", str(path)]).exit_code == 0
    context = browser.new_context(color_scheme=scheme)
    tab = context.new_page()
    tab.goto(path.as_uri())
    tab.wait_for_selector("#curve-f")
    assert tab.evaluate("getComputedStyle(document.body).backgroundColor") == paper
    context.close()


def test_the_pages_numbers_are_actvizs_to_the_bit():
    data, arrays = explorer.contents([actviz.get("gelu")])
    packed = arrays.packed()
    flat = np.frombuffer(zlib.decompress(base64.b64decode(packed["data"])), dtype="<f8")
    unpacked = np.split(flat, np.cumsum(packed["lengths"])[:-1])  # as the page's unpack() reads them
    gelu = data["functions"][0]
    hover_x = unpacked[gelu["hx"]]
    for key, combo in gelu["combos"].items():
        act = actviz.get("gelu", approximate=gelu["params"][0]["stops"][int(key)])
        assert np.array_equal(unpacked[combo["hf"]], act.f(hover_x))
        assert np.array_equal(unpacked[combo["hd"]], act.df(hover_x))
        curve = analysis.curve(act, *gelu["xlim"], num=explorer.CURVE_POINTS)
        assert np.array_equal(unpacked[combo["fy"]], curve.y, equal_nan=True)
    assert combo["fx"] == combo["dx"]  # stored once


@pytest.mark.slow
def test_slider_stops_lie_in_the_domain_and_hold_the_starting_value():
    assert explorer.slider_stops(actviz.get("elu", alpha=0.3), "alpha", 5) == [0.25, 0.3, 0.5, 0.75, 1.0]
    assert explorer.slider_stops(actviz.get("hardtanh"), "min_val", 3) == [-2.0, -1.0, 0.0]
    assert explorer.slider_stops(actviz.get("gelu"), "approximate", 41) == ["none", "tanh"]
    assert explorer.slider_stops(actviz.get("softplus"), "threshold", 41) == [math.inf]  # no even stops reach ∞
    data = explorer.function_data(actviz.get("hardtanh"), explorer.Arrays(), threshold=0.05)
    assert "10,0" not in data["combos"] and len(data["combos"]) == 11 * 11 - 1  # min_val 0 = max_val 0: not allowed


def open_quietly(browser, path):
    """A page opened from file://, with every console message and page error it gives."""
    context = browser.new_context()
    tab = context.new_page()
    messages = []
    tab.on("console", lambda message: messages.append(f"{message.type}: {message.text}"))
    tab.on("pageerror", lambda error: messages.append(f"error: {error}"))
    tab.goto(path.as_uri())
    tab.wait_for_selector("#curve-f")
    return context, tab, messages


@pytest.mark.slow
@pytest.mark.parametrize("names", [
    ("relu", "softplus", "hardtanh"),
    pytest.param(tuple(actviz.names()), marks=pytest.mark.slow, id="every-function")])
def test_the_gallerys_page_shows_every_function_without_a_console_message(browser, tmp_path, names):
    drawing = gallery.draw(gallery.Job("explorer", names, "page"), ("html",))
    path = tmp_path / "explorer.html"
    path.write_bytes(drawing.files["html"])
    context, tab, messages = open_quietly(browser, path)
    buttons = tab.locator("#functions button")
    assert buttons.all_text_contents() == list(names)
    for k, name in enumerate(names):
        buttons.nth(k).click()
        assert tab.locator("#facts-title").text_content() == name and tab.locator("#curve-f").count() == 1
    assert messages == []
    context.close()


def test_the_page_needs_no_network(page_file):
    text = page_file.read_text()
    assert not re.search(r"""(src|href)\s*=\s*["']?https?:""", text) and "@import" not in text


def test_explore_shows_in_a_notebook():
    shown = actviz.explore("elu")._repr_html_()
    assert shown.startswith('<iframe srcdoc="&lt;!DOCTYPE html&gt;') and "slider" in shown
