"""The property matrix of `actviz compare`: range, boundedness,
monotonicity, smoothness, zero-centring, saturating sides, dead intervals,
max|f′| and f′(0) of each function, printed as a table or drawn as one.
"""
from __future__ import annotations

import json
import math
import time

import click
import numpy as np

from .. import analysis
from ..command import (ActivationName, activations, draw, expr_option, finite_json, output_options, param_option,
                       preset_option, titled)
from ..functions import Interval, get
from ..look import SIZES, Look
from .lesson import Lesson

# The gallery's table: the functions a course compares first.
GALLERY_FUNCTIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "gelu", "silu", "softplus")


# ---------------------------------------------------------------------------
# The properties (pure numpy; timing only when asked)
# ---------------------------------------------------------------------------

def cost_per_element(acts, *, points: int = 1_000_000, repeats: int = 5) -> dict[str, float]:
    """Seconds per element of f, the best of `repeats` runs, on this machine."""
    x = np.random.default_rng(0).standard_normal(points)
    out = {}
    for act in acts:
        best = math.inf
        for _ in range(repeats):
            start = time.perf_counter()
            act.f(x)
            best = min(best, time.perf_counter() - start)
        out[act.label] = best / points
    return out


COST_HEADER = "cost (× cheapest), measured on this machine"


def properties(acts, threshold: float = analysis.DEFAULT_THRESHOLD, *, measure_cost: bool = False):
    """The property matrix of `actviz compare`: one dict per function.

    "saturates" and "dead" are the analysis layer's regions, the same that
    `plot` shades and `info` lists: the sides where f levels off, and the
    intervals where f' is identically 0.

    With `measure_cost`, a "cost" column holds f's time per element relative
    to the cheapest function listed; it changes from run to run and machine
    to machine, so it is only there when asked for.
    """
    costs = cost_per_element(acts) if measure_cost else {}
    reference_cost = min(costs.values()) if costs else None
    rows = []
    for act in acts:
        found = analysis.regions(act, threshold)
        saturated = [r for r in found if not r.dead]
        sides = [side for side, reaches in (("left", lambda r: r.lo == -math.inf),
                                            ("right", lambda r: r.hi == math.inf))
                 if any(reaches(r) for r in saturated)]
        dead = [f"({analysis.format_number(r.lo, 3)}, {analysis.format_number(r.hi, 3)})" for r in found if r.dead]
        peak = analysis.max_abs_derivative(act)
        row = {
            "name": act.label,
            "range": format_interval(act.output_range),
            "bounded": act.bounded,
            "monotonic": act.monotonic,
            "smooth": act.continuity,
            "zero-centred": act.zero_centred,
            "saturates": " & ".join(sides) if sides else "no",
            "dead": ", ".join(dead) if dead else "no",
            "max|f'|": peak.value,
            "f'(0)": float(act.df(0.0)),
        }
        if costs:
            row["cost"] = costs[act.label] / reference_cost
        rows.append(row)
    return rows


def format_interval(interval: Interval, digits: int = 3) -> str:
    """'[≈-0.170, ∞)': each finite end to `digits` significant digits, with ≈
    where that is not its exact value.

    A rounded end without the ≈ would state something false: GELU's range
    written [-0.170, ∞) would claim that f reaches -0.170, which it does not
    (its minimum is -0.16997…), and [-0.1699, ∞) would leave out values it
    takes.
    """
    def end(value):
        short = analysis.format_number(value, digits)
        return short if math.isinf(value) or float(short) == value else f"≈{value:#.{digits}g}"
    left, right = "[" if interval.lo_closed else "(", "]" if interval.hi_closed else ")"
    return f"{left}{end(interval.lo)}, {end(interval.hi)}{right}"


def format_cell(value) -> str:
    """A property as a table shows it: yes/no, 3 significant digits, ∞."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return analysis.format_number(value + 0.0, 3)  # + 0.0: -0 prints as 0
    return str(value)

# ---------------------------------------------------------------------------
# The table figure
# ---------------------------------------------------------------------------

ZH = {
    "Properties of activation functions": "激活函数的性质",
    "name": "函数",
    "range": "值域",
    "bounded": "有界",
    "monotonic": "单调",
    "smooth": "光滑性",
    "zero-centred": "零中心",
    "saturates": "饱和侧",
    "dead": "死区",
    "cost (× cheapest), measured on this machine": "耗时 (× 最快者)， 本机实测",
    "yes": "是",
    "no": "否",
    "left": "左侧",
    "right": "右侧",
    "left & right": "两侧",
}

# The table's font shrinks to fit the figure, but not below this share of the
# theme's: smaller would not be read from the back of a lecture room.
TABLE_FONT_FLOOR = 0.7
_TABLE_PAD = 0.45  # ems either side of a cell's text
_TABLE_HEADERS = {"max|f'|": "max|f′|", "f'(0)": "f′(0)", "cost": COST_HEADER}


def figure(rows, size=SIZES["16:9"], title=None, look: Look = Look()):
    """The property matrix as a table sized to its content and to `size`.

    One function per row, or one per column when that allows a font 15 %
    larger or more (a few functions on a narrow figure).  Each column is as
    wide as its widest cell (see :func:`_table_layout` for the labels).  The
    font is the theme's, shrunk to fit `size` but never below
    TABLE_FONT_FLOOR of it: a table that does not fit even then makes the
    figure larger than `size` (the caller compares ``fig.get_size_inches()``).
    The rows below the header stretch, up to 1.8 times their height, to take
    up spare height.
    """
    from .. import plotting
    with plotting.styled(look):
        return _table(rows, size, title, look)


def _table(rows, size, title, look):
    import matplotlib as mpl
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle
    from ..plotting import points, wrap
    say = look.words(ZH)
    base = mpl.rcParams["font.size"]
    columns = list(rows[0])
    cells = [[say(_TABLE_HEADERS.get(c, c)) for c in columns]]
    cells += [[_word(format_cell(row[c]), look) for c in columns] for row in rows]
    margin = 0.8 * base
    fig_w, fig_h = (72 * v for v in size)
    title = wrap(title or say("Properties of activation functions"), fig_w - 2 * margin,
                 mpl.rcParams["figure.titlesize"])
    top = margin + (title.count("\n") + 1) * 1.3 * points(mpl.rcParams["figure.titlesize"]) + margin

    def fit(layout):
        return min(1.0, (fig_w - 2 * margin) / sum(layout[1]), (fig_h - top - margin) / sum(layout[2]))

    by_row, by_column = _table_layout(cells, base), _table_layout([list(c) for c in zip(*cells)], base)
    cells, widths, heights = by_column if fit(by_column) > 1.15 * fit(by_row) else by_row
    scale = fit((cells, widths, heights))
    if scale < TABLE_FONT_FLOOR:
        scale = TABLE_FONT_FLOOR
        fig_w = max(fig_w, scale * sum(widths) + 2 * margin)
        fig_h = max(fig_h, top + scale * sum(heights) + margin)
    spare = fig_h - top - margin - scale * sum(heights)
    stretch = min(1.8, 1 + spare / (scale * sum(heights[1:])))
    widths = [scale * w for w in widths]
    heights = [scale * heights[0]] + [scale * stretch * h for h in heights[1:]]

    fig = Figure(figsize=(fig_w / 72, fig_h / 72))
    fig.suptitle(title, y=1 - margin / fig_h, va="top")
    edges_x = (fig_w - sum(widths)) / 2 + np.concatenate([[0], np.cumsum(widths)])
    edges_y = top + (fig_h - top - margin - sum(heights)) / 2 + np.concatenate([[0], np.cumsum(heights)])

    def at(x, y):
        return x / fig_w, 1 - y / fig_h

    ink, rule = mpl.rcParams["text.color"], mpl.rcParams["axes.edgecolor"]
    for r in range(2, len(heights), 2):  # every other row shaded, to guide the eye along it
        fig.add_artist(Rectangle(at(edges_x[0], edges_y[r + 1]), sum(widths) / fig_w, heights[r] / fig_h,
                                 transform=fig.transFigure, facecolor=mpl.colors.to_rgba(ink, 0.07), lw=0,
                                 zorder=0, gid="table-band"))
    for y, lw in ((edges_y[0], 1.4), (edges_y[1], 0.9), (edges_y[-1], 1.4)):
        fig.add_artist(Line2D(*zip(at(edges_x[0], y), at(edges_x[-1], y)), color=rule, lw=lw, gid="table-rule"))
    pad = scale * _TABLE_PAD * base
    for r, row in enumerate(cells):
        for c, text in enumerate(row):
            x, ha = (edges_x[c] + pad, "left") if c == 0 else ((edges_x[c] + edges_x[c + 1]) / 2, "center")
            fig.text(*at(x, (edges_y[r] + edges_y[r + 1]) / 2), text, ha=ha, va="center", ma=ha,
                     fontsize=scale * base, color=ink, gid=f"cell-{r}-{c}")
    return fig


def _table_layout(cells, fontsize):
    """The cells with the row and column labels wrapped, and the column
    widths and row heights in points.

    A label in the first column wraps to the typical width of that column
    (its median), one in the header row to the widest cell below it; both in
    three lines at most.  The other cells are never broken.
    """
    from ..plotting import text_width, wrap
    labels = [row[0] for row in cells[1:]]
    typical = float(np.median([text_width(label, fontsize) for label in labels]))
    cells = [cells[0]] + [[wrap(row[0], typical, fontsize, most_lines=3), *row[1:]] for row in cells[1:]]
    below = [max(text_width(row[c], fontsize) for row in cells[1:]) for c in range(len(cells[0]))]
    cells = [[wrap(h, w, fontsize, most_lines=3) for h, w in zip(cells[0], below)], *cells[1:]]
    pad, line = _TABLE_PAD * fontsize, 1.4 * fontsize
    widths = [max(text_width(row[c], fontsize) for row in cells) + 2 * pad for c in range(len(cells[0]))]
    heights = [(max(text.count("\n") for text in row) + 1) * line + 1.2 * pad for row in cells]
    return cells, widths, heights


def _word(text: str, look: Look) -> str:
    """A table word ('yes', 'left') in the look's language (a cell is no template)."""
    return ZH.get(text, text) if look.lang == "zh" else text


# ---------------------------------------------------------------------------
# The command
# ---------------------------------------------------------------------------

@click.command("compare")
@click.argument("names", nargs=-1, type=ActivationName())
@expr_option(multiple=True)
@param_option
@preset_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option("--cost", is_flag=True,
              help="Add f's time per element, relative to the cheapest listed, measured on this machine "
                   "(it differs from run to run).")
@output_options
def compare(names, exprs, params, preset, as_json, cost, **output):
    """A matrix of properties; with -o, drawn as a table figure.

    Without --cost nothing is timed, so the same command gives the same
    table and the same figure, byte for byte.

    \b
    Examples:
      actviz compare sigmoid tanh relu gelu
      actviz compare sigmoid tanh relu gelu -o properties.svg
      actviz compare relu leaky_relu -p negative_slope=0.01,0.2 --cost
      actviz compare mish --expr "x*tanh(softplus(x))"
    """
    acts = activations(names, params, preset, exprs)
    rows = properties(acts, measure_cost=cost)
    if output["output"]:
        output["title"] = titled(output["title"], acts, "Properties of activation functions")
        draw(lambda size, title, look: figure(rows, size, title, look), "compare", **output)
    elif as_json:
        click.echo(json.dumps(finite_json(rows), indent=2, ensure_ascii=False))
    else:
        header = [k if k != "cost" else COST_HEADER for k in rows[0]]
        cells = [header] + [[format_cell(v) for v in row.values()] for row in rows]
        widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
        click.echo("\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in cells))


LESSON = Lesson(compare, "teach-properties",
                lambda look: figure(properties([get(n) for n in GALLERY_FUNCTIONS]), look=look))
