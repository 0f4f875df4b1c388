"""The property matrix of `actviz compare`: range, boundedness,
monotonicity, smoothness, zero-centring, saturating sides, dead intervals,
max|f′| and f′(0) of each function, printed as a table or drawn as one.

A vector function (softmax, …) has a row of its two-class form, the
elementwise function of z₁ − z₂ that `actviz plot` draws.  A gated function
f(a, b) = a·g(b) has none of these properties as a function of one input; it
gets a table of its own, of the facts `actviz info` states about it.
"""
from __future__ import annotations

import json
import math
import re
import time

import click
import numpy as np

from .. import analysis
from ..command import (ActivationName, activations, draw, expr_option, fail, finite_json, output_options, param_option,
                       preset_option, titled)
from ..functions import Gated, Interval, Vector, get
from ..vector_commands import two_class_label
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

    A vector function is compared through its two-class form, labelled so
    (:func:`~actviz.vector_commands.two_class_label`).
    """
    labels = [two_class_label(act) if isinstance(act, Vector) else act.label for act in acts]
    acts = [act.two_class if isinstance(act, Vector) else act for act in acts]
    costs = cost_per_element(acts) if measure_cost else {}
    reference_cost = min(costs.values()) if costs else None
    rows = []
    for label, act in zip(labels, acts):
        found = analysis.regions(act, threshold)
        saturated = [r for r in found if not r.dead]
        sides = [side for side, reaches in (("left", lambda r: r.lo == -math.inf),
                                            ("right", lambda r: r.hi == math.inf))
                 if any(reaches(r) for r in saturated)]
        dead = [f"({analysis.format_number(r.lo, 3)}, {analysis.format_number(r.hi, 3)})" for r in found if r.dead]
        peak = analysis.max_abs_derivative(act)
        row = {
            "name": label,
            "range": format_interval(act.output_range),
            "bounded": act.bounded,
            "monotonic": analysis.monotonicity(act),
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


def gated_properties(functions: list[Gated]) -> list[dict]:
    """The table of gated functions f(a, b) = a·g(b): one dict per function,
    of the facts `actviz info` states (:func:`analysis.gated_summary`).

    Linear in a, f is 0 on the line a = 0, and so is ∂f/∂b = a·g′(b): the
    columns say where else (the values of b).  "dead" is where both partials
    are 0 for every a: g(b) = 0 and g′(b) = 0.  max|g′| is max|∂f/∂b| per
    unit |a|.
    """
    rows = []
    for gated in functions:
        facts = analysis.gated_summary(gated)
        gate = gated.gate
        rows.append({
            "name": gated.label,
            "gate": facts["gate"],
            "df/da = g(b) range": format_interval(gate.output_range),
            "f = 0 besides a = 0": " or ".join(facts["f = 0 where"][1:]) or "nowhere",
            "df/db = 0 besides a = 0": where_b(analysis.gate_flat(gate)),
            "dead": where_b(analysis.gate_dead(gate)),
            "smooth": facts["continuity"],
            "max|g'|": analysis.max_abs_derivative(gate).value,
            "g'(0)": facts["g'(0)"],
        })
    return rows


def where_b(places: list[analysis.GatePlace], digits: int = 3) -> str:
    """The places as one condition on b: 'b ≤ 0' (ReLU's dead (-∞, 0) and
    its kink at 0 together), 'b ≈ -1.28', or 'nowhere'; each number to
    `digits` significant digits, marked ≈ where that is not its value."""
    points = [place.lo for place in places if place.point]
    intervals = [place for place in places if not place.point]

    def bound(value, strict, closed):
        text, exact = _rounded(value, digits)
        return f"b {closed if value in points else strict} {'' if exact else '≈'}{text}"

    pieces = []
    for place in intervals:
        lo, hi = math.isinf(place.lo), math.isinf(place.hi)
        pieces.append("every b" if lo and hi else bound(place.hi, "<", "≤") if lo else
                      bound(place.lo, ">", "≥") if hi else
                      f"{bound(place.lo, '>', '≥')} and {bound(place.hi, '<', '≤')}")
    ends = {end for place in intervals for end in (place.lo, place.hi)}
    for value in points:
        if value not in ends:
            text, exact = _rounded(value, digits)
            pieces.append(f"b {'=' if exact else '≈'} {text}")
    return " or ".join(pieces) or "nowhere"


def _rounded(value: float, digits: int) -> tuple[str, bool]:
    """`value` to `digits` significant digits (∞ as ∞), and whether that is
    its exact value; a rounded one keeps its trailing zeros (-0.170)."""
    text = analysis.format_number(value, digits)
    if math.isinf(value) or float(text) == value:
        return text, True
    return f"{value:#.{digits}g}", False


def format_interval(interval: Interval, digits: int = 3) -> str:
    """'[≈-0.170, ∞)': each finite end to `digits` significant digits, with ≈
    where that is not its exact value.

    A rounded end without the ≈ would state something false: GELU's range
    written [-0.170, ∞) would claim that f reaches -0.170, which it does not
    (its minimum is -0.16997…), and [-0.1699, ∞) would leave out values it
    takes.
    """
    def end(value):
        text, exact = _rounded(value, digits)
        return text if exact else f"≈{text}"
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
    "decreasing": "递减",
    "left": "左侧",
    "right": "右侧",
    "left & right": "两侧",
    "gate g": "门函数 g",
    "range of ∂f/∂a = g(b)": "∂f/∂a = g(b) 的值域",
    "f = 0 besides a\u00a0=\u00a00": "a≠0 时 f=0",
    "∂f/∂b = 0 besides a\u00a0=\u00a00": "a≠0 时 ∂f/∂b=0",
    "nowhere": "无",
    "every b": "任意 b",
}
# The phrases of a cell made of several parts ('b = 0 or b ≥ 3', a two-class
# form's label) as a figure shows them: the label on three lines (its function,
# "2 classes:", what it shows), and in Chinese.
_PHRASES = {
    "en": {", 2 classes: ": ",\n2 classes:\n"},
    "zh": {" or ": " 或 ", " and ": " 且 ", ", 2 classes: ": "，\n两类：\n", " of z₁ − z₂": " 作为 z₁ − z₂ 的函数"},
}

# The table's font shrinks to fit the figure, but not below this share of the
# theme's: smaller would not be read from the back of a lecture room.
TABLE_FONT_FLOOR = 0.7
_TABLE_PAD = 0.45  # ems either side of a cell's text
_TABLE_GAP = 1.5  # ems between two tables
# (no-break spaces keep "a = 0" on one line)
_TABLE_HEADERS = {"max|f'|": "max|f′|", "f'(0)": "f′(0)", "cost": COST_HEADER, "gate": "gate g",
                  "df/da = g(b) range": "range of ∂f/∂a = g(b)", "f = 0 besides a = 0": "f = 0 besides a\u00a0=\u00a00",
                  "df/db = 0 besides a = 0": "∂f/∂b = 0 besides a\u00a0=\u00a00", "max|g'|": "max|g′|", "g'(0)": "g′(0)"}


def figure(groups, size=SIZES["16:9"], title=None, look: Look = Look()):
    """The property matrix as tables sized to their content and to `size`:
    one table per group of rows (elementwise functions, gated functions),
    stacked, each with its own header row, in one font.

    One function per row, or one per column when that allows a font 15 %
    larger or more (a few functions on a narrow figure).  Each column is as
    wide as its widest cell (see :func:`_table_layout` for the labels).  The
    font is the theme's, shrunk to fit `size` but never below
    TABLE_FONT_FLOOR of it: tables that do not fit even then make the
    figure larger than `size` (the caller compares ``fig.get_size_inches()``).
    The rows below the headers and the gaps between the tables stretch, up
    to 1.8 times their height, to take up spare height.  The first table's cells have the gids cell-R-C, a later
    one's cell-G-R-C (G = 1, 2, …).
    """
    from .. import plotting
    with plotting.styled(look):
        return _table(groups, size, title, look)


def _table(groups, size, title, look):
    import matplotlib as mpl
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle
    from ..plotting import points, wrap
    say = look.words(ZH)
    base = mpl.rcParams["font.size"]
    tables = []
    for rows in groups:
        columns = list(rows[0])
        tables.append([[say(_TABLE_HEADERS.get(c, c)) for c in columns]]
                      + [[_word(format_cell(row[c]), look) for c in columns] for row in rows])
    margin = 0.8 * base
    gap = _TABLE_GAP * base
    fig_w, fig_h = (72 * v for v in size)
    title = wrap(title or say("Properties of activation functions"), fig_w - 2 * margin,
                 mpl.rcParams["figure.titlesize"])
    top = margin + (title.count("\n") + 1) * 1.3 * points(mpl.rcParams["figure.titlesize"]) + margin

    def width(layouts):
        return max(sum(widths) for _, widths, _ in layouts)

    def height(layouts):
        return sum(sum(heights) for _, _, heights in layouts)

    def fit(layouts):
        room = fig_h - top - margin - gap * (len(layouts) - 1)
        return min(1.0, (fig_w - 2 * margin) / width(layouts), room / height(layouts))

    by_row = [_table_layout(cells, base) for cells in tables]
    by_column = [_table_layout([list(c) for c in zip(*cells)], base) for cells in tables]
    layouts = by_column if fit(by_column) > 1.15 * fit(by_row) else by_row
    scale = fit(layouts)
    gaps = scale * gap * (len(layouts) - 1)
    if scale < TABLE_FONT_FLOOR:
        scale = TABLE_FONT_FLOOR
        gaps = scale * gap * (len(layouts) - 1)
        fig_w = max(fig_w, scale * width(layouts) + 2 * margin)
        fig_h = max(fig_h, top + scale * height(layouts) + gaps + margin)
    spare = fig_h - top - margin - gaps - scale * height(layouts)
    stretch = min(1.8, 1 + spare / (scale * sum(sum(heights[1:]) for _, _, heights in layouts) + gaps))
    gaps *= stretch
    layouts = [(cells, [scale * w for w in widths], [scale * heights[0]] + [scale * stretch * h for h in heights[1:]])
               for cells, widths, heights in layouts]

    fig = Figure(figsize=(fig_w / 72, fig_h / 72))
    fig.suptitle(title, y=1 - margin / fig_h, va="top")

    def at(x, y):
        return x / fig_w, 1 - y / fig_h

    ink, rule = mpl.rcParams["text.color"], mpl.rcParams["axes.edgecolor"]
    pad = scale * _TABLE_PAD * base
    y = top + (fig_h - top - margin - gaps - height(layouts)) / 2
    for number, (cells, widths, heights) in enumerate(layouts):
        edges_x = (fig_w - sum(widths)) / 2 + np.concatenate([[0], np.cumsum(widths)])
        edges_y = y + np.concatenate([[0], np.cumsum(heights)])
        y = edges_y[-1] + gaps / max(1, len(layouts) - 1)
        for r in range(2, len(heights), 2):  # every other row shaded, to guide the eye along it
            fig.add_artist(Rectangle(at(edges_x[0], edges_y[r + 1]), sum(widths) / fig_w, heights[r] / fig_h,
                                     transform=fig.transFigure, facecolor=mpl.colors.to_rgba(ink, 0.07), lw=0,
                                     zorder=0, gid="table-band"))
        for rule_y, lw in ((edges_y[0], 1.4), (edges_y[1], 0.9), (edges_y[-1], 1.4)):
            fig.add_artist(Line2D(*zip(at(edges_x[0], rule_y), at(edges_x[-1], rule_y)), color=rule, lw=lw,
                                  gid="table-rule"))
        table = f"{number}-" if number else ""
        for r, row in enumerate(cells):
            for c, text in enumerate(row):
                x, ha = (edges_x[c] + pad, "left") if c == 0 else ((edges_x[c] + edges_x[c + 1]) / 2, "center")
                fig.text(*at(x, (edges_y[r] + edges_y[r + 1]) / 2), text, ha=ha, va="center", ma=ha,
                         fontsize=scale * base, color=ink, gid=f"cell-{table}{r}-{c}")
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
    """A table word ('yes', 'left') or a cell of phrases as the figure shows
    it, in the look's language (a cell is no template), a negative number
    with a true minus sign as on the figures' axes ('−0.25', '(−∞, 0)')."""
    if look.lang == "zh" and text in ZH:
        return ZH[text]
    for phrase, shown in _PHRASES[look.lang].items():
        text = text.replace(phrase, shown)
    return re.sub(r"-(?=[\d.∞])", "−", text)


# ---------------------------------------------------------------------------
# The command
# ---------------------------------------------------------------------------

@click.command("compare")
@click.argument("names", nargs=-1, type=ActivationName(every_kind=True))
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

    A vector function (softmax, …) is compared through its two-class form,
    p₁ as a function of z₁ − z₂ (as `actviz plot` draws it); gated functions
    f(a, b) = a·g(b) get a table of their own.  Without --cost nothing is
    timed, so the same command gives the same table and the same figure,
    byte for byte.

    \b
    Examples:
      actviz compare sigmoid tanh relu gelu
      actviz compare sigmoid tanh relu gelu -o properties.svg
      actviz compare relu leaky_relu -p negative_slope=0.01,0.2 --cost
      actviz compare softmax sigmoid -p temperature=0.5,2
      actviz compare relu swiglu reglu
      actviz compare mish --expr "x*tanh(softplus(x))"
    """
    if as_json and output["output"]:
        fail("--json prints the table instead of drawing it; drop -o or --json")
    acts = activations(names, params, preset, exprs)
    gated = [act for act in acts if isinstance(act, Gated)]
    elementwise = [act for act in acts if not isinstance(act, Gated)]
    if cost and gated:
        fail(f"--cost times elementwise functions; {gated[0].name} is a gated function of two inputs")
    groups = [rows for rows in (properties(elementwise, measure_cost=cost) if elementwise else [],
                                gated_properties(gated)) if rows]
    if output["output"]:
        forms = [act.two_class if isinstance(act, Vector) else act for act in elementwise]
        output["title"] = titled(output["title"], forms, "Properties of activation functions")
        draw(lambda size, title, look: figure(groups, size, title, look), "compare", **output)
    elif as_json:
        click.echo(json.dumps(finite_json([row for rows in groups for row in rows]), indent=2, ensure_ascii=False))
    else:
        click.echo("\n\n".join(_text_table(rows) for rows in groups))


def _text_table(rows) -> str:
    """The rows as columns of text, each as wide as its widest cell."""
    header = [k if k != "cost" else COST_HEADER for k in rows[0]]
    cells = [header] + [[format_cell(v) for v in row.values()] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in cells)


LESSON = Lesson(compare, "teach-properties",
                lambda look: figure([properties([get(n) for n in GALLERY_FUNCTIONS])], look=look))
