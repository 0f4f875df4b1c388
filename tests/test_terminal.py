"""`actviz plot --term`: a figure in text that says what the PNG says."""
import re
import subprocess
import sys

import numpy as np
import pytest
from click.testing import CliRunner

import actviz
from actviz import analysis, terminal
from actviz.cli import cli

ESCAPE = re.compile(r"\x1b\[[0-9;]*m")


def term(*args, columns=80, lines=24, **env):
    result = CliRunner().invoke(cli, ["plot", *args, "--term"], env={"COLUMNS": str(columns), "LINES": str(lines),
                                                                       **env})
    assert (result.exit_code, result.stderr) == (0, ""), result.output
    return result.stdout


def test_the_terminal_preview_does_not_import_matplotlib():
    code = ("import sys; from actviz.cli import cli\n"
            "try: cli.main(['plot', 'relu', '-d', '--term'])\n"
            "except SystemExit: pass\n"
            "print(any(m.startswith('matplotlib') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "False"
    assert "relu′" in out and "dead: f′ = 0" in out


@pytest.mark.parametrize("columns,lines", [(80, 24), (60, 20), (132, 43), (40, 16)])
def test_it_fits_the_terminal(columns, lines):
    out = term("gelu", "-d", columns=columns, lines=lines)
    assert max(map(len, out.splitlines())) <= columns
    assert len(out.splitlines()) <= lines - 1  # a line for the prompt


def test_without_a_terminal_it_prints_plain_characters_unless_asked_for_colour():
    plain = term("sigmoid", "-d")
    assert "\x1b" not in plain and "⠀" <= max(plain) and "░" in plain
    coloured = term("sigmoid", "-d", "--color", "always", TERM="xterm-256color")
    assert "\x1b[" in coloured
    assert [line.rstrip() for line in ESCAPE.sub("", coloured).splitlines()] == plain.splitlines()
    assert "\x1b" not in term("sigmoid", "-d", "--color", "never", TERM="xterm-256color")


def test_colour_depth_follows_the_terminal():
    assert terminal.colour_depth("auto", False, {"TERM": "xterm-256color"}) == 0
    assert terminal.colour_depth("auto", True, {"TERM": "xterm-256color"}) == 256
    assert terminal.colour_depth("auto", True, {"TERM": "xterm-256color", "NO_COLOR": ""}) == 0
    assert terminal.colour_depth("auto", True, {"TERM": "dumb"}) == 0
    assert terminal.colour_depth("always", False, {"COLORTERM": "truecolor"}) == 2 ** 24
    assert terminal.colour_depth("always", False, {"TERM": "xterm"}) == 16
    assert terminal.colour_depth("never", True, {"COLORTERM": "truecolor"}) == 0


def _band_and_axis(out):
    """The band row and the x-axis row, both aligned on the plot's columns."""
    lines = out.splitlines()
    axis_row = next(i for i, line in enumerate(lines) if "└" in line)
    start = lines[axis_row].index("└") + 1
    return lines[axis_row + 2][start:], lines[axis_row][start:]


@pytest.mark.parametrize("name", ["relu", "sigmoid", "elu", "hardtanh", "relu6", "leaky_relu", "gelu"])
def test_the_band_under_the_axis_is_the_analysis_regions(name):
    out = term(name, "-d")
    act = actviz.get(name)
    lo, hi = analysis.common_xlim([act])
    band, axis = _band_and_axis(out)
    regions = analysis.clip(analysis.regions(act), lo, hi)
    columns = len(axis)
    centres = lo + (np.arange(columns) + 0.5) * (hi - lo) / columns
    expected = "".join(next((terminal.BAND[r.kind] for r in regions if r.lo < x < r.hi), " ") for x in centres)
    if regions:
        assert band.ljust(columns) == expected
    else:
        assert not any(mark in out for mark in "░╱")
    for kind, words in (("dead", "dead: f′ = 0"), ("saturated", "saturated: f → constant, |f′| < 0.05")):
        assert (words in out) == any(r.kind == kind for r in regions)


def test_a_jump_is_a_break_with_the_value_filled_and_the_limit_open():
    out = term("relu", "--derivative-only", "--no-shade", "--xlim", "-2", "2", "--ylim", "-0.5", "1.5")
    lines = out.splitlines()
    filled = [(r, line.index("●")) for r, line in enumerate(lines) if "●" in line]
    hollow = [(r, line.index("○")) for r, line in enumerate(lines) if "○" in line]
    assert len(filled) == len(hollow) == 1
    (row_value, col), (row_limit, col_limit) = filled[0], hollow[0]
    assert col == col_limit and row_limit < row_value  # relu′(0) = 0 taken, the limit 1 from the right open
    between = {lines[r][col] for r in range(row_limit + 1, row_value)}
    assert between <= {" ", "│"}  # the y-axis through the origin, never a line joining the two pieces


def test_stationary_points_and_the_peak_of_f_prime_are_marked_with_their_coordinates():
    out = term("gelu", "-d")
    assert "◆ minimum (-0.7518, -0.17)" in out and "◆ max f′ = 1.129 at x = 1.414" in out
    assert out.count("◆") == 4
    assert "◆ max f′ = 0.25 at x = 0" in term("sigmoid", "-d")
    assert "◆" not in term("relu", "-d")


def test_f_is_solid_and_f_prime_dashed_in_the_legend():
    out = term("tanh", "-d")
    assert "── tanh" in out and "╌╌ tanh′" in out
    several = term("sigmoid", "tanh", "-d")
    assert "── sigmoid" in several and "── tanh" in several and "╌╌ f′ (dashed)" in several


def test_the_y_ticks_and_x_ticks_are_labelled():
    out = term("relu6", "-d")
    assert re.search(r"^ *6 ┤", out, re.M) and re.search(r"^ *0 ┤", out, re.M)
    _, axis = _band_and_axis(out)
    assert axis.count("┬") >= 3


@pytest.mark.parametrize("args,refused", [(["-o", "x.png"], "-o"), (["--grid"], "--grid"),
                                          (["-d", "--layout", "side"], "--layout side"), (["--lang", "zh"], "--lang zh")])
def test_what_the_terminal_cannot_draw_is_refused(args, refused, tmp_path):
    result = CliRunner().invoke(cli, ["plot", "relu", "tanh", "--term", *args])
    assert result.exit_code == 2
    assert result.stderr == ("Error: --term draws one panel of text in English; it cannot be combined with "
                             f"{refused}\n")
