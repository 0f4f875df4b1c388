"""`actviz plot --term`: a figure drawn with characters, for SSH and quick looks.

numpy only (no matplotlib), so it starts as fast as ``actviz list``.  It
says what the PNG says, from the same layers: curves from
:func:`analysis.curve` (real breaks at jumps, ● on the value taken and ○ on
the one-sided limits), shading from :func:`analysis.regions` (a background
band when the terminal has colours, and always a row of ░ saturated or ╱
dead under the axis), the minima and maxima of f and the peak of f′ from
the analysis, f solid and f′ dashed.

Curves are braille dots, 2 × 4 to a character cell, so an 80-column
terminal draws 150 or so dots across.  Colours are the dark theme's
Okabe–Ito palette (most terminals are dark), in 24-bit, 256 or 16 colours as
the terminal allows.
"""
from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import analysis
from .functions import Activation

BRAILLE = 0x2800
DOT_BITS = np.array([[0x01, 0x08], [0x02, 0x10], [0x04, 0x20], [0x40, 0x80]])  # [row][column] of a cell's 2×4 dots
DOTS_ACROSS, DOTS_DOWN = 2, 4
DASH = 3  # f′ is dashed: 3 dots on, 3 off
BAND = {"saturated": "░", "dead": "╱"}
# The PNG's shades (plotting.SHADE: grey saturated, red dead) darkened to lie behind bright curves.
BAND_BACKGROUND = {"saturated": (58, 63, 69), "dead": (86, 30, 29)}
GUIDE = (110, 110, 110)  # the axes through the origin, asymptotes, the frame
WHITE = (230, 230, 230)


def _palette(theme: str = "dark") -> list[tuple[int, int, int]]:
    """The curve colours of a shipped theme, read from its .mplstyle (the one place they are written)."""
    style = (Path(__file__).with_name("styles") / f"{theme}.mplstyle").read_text(encoding="utf-8")
    colours = re.search(r"axes\.prop_cycle\s*:\s*cycler\('color',\s*\[([^\]]*)\]", style).group(1)
    return [tuple(int(h[i:i + 2], 16) for i in (0, 2, 4)) for h in re.findall(r"'([0-9A-Fa-f]{6})'", colours)]


def colour_depth(mode: str, is_terminal: bool, environ=os.environ) -> int:
    """0 (plain characters), 16, 256 or 2**24 colours: `mode` is auto, always
    or never; auto colours only a terminal that is not 'dumb', and
    respects NO_COLOR (https://no-color.org)."""
    if mode == "never" or (mode == "auto" and (not is_terminal or environ.get("TERM") == "dumb"
                                               or "NO_COLOR" in environ)):
        return 0
    if environ.get("COLORTERM", "").lower() in ("truecolor", "24bit"):
        return 2 ** 24
    return 256 if "256" in environ.get("TERM", "") else 16


_CUBE = (0, 95, 135, 175, 215, 255)
_ANSI16 = [(0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205),
           (229, 229, 229), (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255),
           (255, 0, 255), (0, 255, 255), (255, 255, 255)]


def _nearest(rgb, table):
    return min(range(len(table)), key=lambda i: sum((a - b) ** 2 for a, b in zip(rgb, table[i])))


def _sgr(rgb, depth: int, background: bool = False) -> str:
    """The SGR parameters that set the foreground (or background) to the nearest colour the terminal has."""
    if depth == 2 ** 24:
        return f"{48 if background else 38};2;{rgb[0]};{rgb[1]};{rgb[2]}"
    if depth == 256:
        cube = [(r, g, b) for r in _CUBE for g in _CUBE for b in _CUBE]
        greys = [(v, v, v) for v in range(8, 239, 10)]
        i = _nearest(rgb, cube + greys)
        return f"{48 if background else 38};5;{16 + i}"
    i = _nearest(rgb, _ANSI16)
    return str((40 if background else 30) + i % 8 + (60 if i >= 8 else 0))


@dataclass
class Cell:
    text: str = " "
    colour: tuple[int, int, int] | None = None
    background: tuple[int, int, int] | None = None


def nice_ticks(lo: float, hi: float, most: int) -> list[float]:
    """At most `most` round values (steps of 1, 2 or 5 × 10ⁿ) in [lo, hi]."""
    raw = (hi - lo) / max(most, 1)
    exponent = math.floor(math.log10(raw))
    step = next(m * 10.0 ** exponent for m in (1, 2, 5, 10) if m * 10.0 ** exponent >= raw)
    first = math.ceil(lo / step - 1e-9)
    ticks = [k * step for k in range(first, math.floor(hi / step + 1e-9) + 1)]
    return [0.0 if abs(t) < step * 1e-9 else t for t in ticks]


def _tick_label(value: float) -> str:
    return f"{value:.6g}"


def _short(v: float) -> str:
    """How the PNG's labels print a number (plotting._short)."""
    return f"{v:.4g}" if abs(v) > 1e-12 else "0"


class Canvas:
    """Character cells over [xlo, xhi] × [ylo, yhi], each holding braille dots or a marker."""

    def __init__(self, columns: int, rows: int, xlim, ylim):
        self.columns, self.rows = columns, rows
        self.xlim, self.ylim = xlim, ylim
        self.dots = np.zeros((rows, columns), dtype=np.int64)
        self.cells = [[Cell() for _ in range(columns)] for _ in range(rows)]

    def column(self, x):
        """The cell column whose x-interval holds x (the right end in the last column)."""
        lo, hi = self.xlim
        return np.clip(np.floor((np.asarray(x, dtype=float) - lo) / (hi - lo) * self.columns), 0,
                       self.columns - 1).astype(int)

    def row(self, y) -> int | None:
        lo, hi = self.ylim
        r = math.floor((hi - y) / (hi - lo) * self.rows)
        return r if 0 <= r < self.rows else None

    def centres(self) -> np.ndarray:
        """The x at the middle of each column."""
        lo, hi = self.xlim
        return lo + (np.arange(self.columns) + 0.5) * (hi - lo) / self.columns

    def polyline(self, x, y, colour, dashed=False):
        """The dots of the line through (x, y), broken wherever x or y is NaN or infinite."""
        (xlo, xhi), (ylo, yhi) = self.xlim, self.ylim
        width, height = self.columns * DOTS_ACROSS, self.rows * DOTS_DOWN
        with np.errstate(invalid="ignore", over="ignore"):
            px = (np.asarray(x, dtype=float) - xlo) / (xhi - xlo) * width
            py = np.clip((yhi - np.asarray(y, dtype=float)) / (yhi - ylo) * height, -2.0, height + 2.0)
        finite = np.isfinite(px) & np.isfinite(py)
        joined = finite[:-1] & finite[1:]
        x0, y0, x1, y1 = px[:-1][joined], py[:-1][joined], px[1:][joined], py[1:][joined]
        alone = finite & ~np.concatenate([[False], joined]) & ~np.concatenate([joined, [False]])  # one-point pieces
        x0, y0 = np.concatenate([x0, px[alone]]), np.concatenate([y0, py[alone]])
        x1, y1 = np.concatenate([x1, px[alone]]), np.concatenate([y1, py[alone]])
        steps = np.ceil(np.maximum(abs(x1 - x0), abs(y1 - y0))).astype(int) + 1
        segment = np.repeat(np.arange(len(steps)), steps)
        t = (np.arange(steps.sum()) - np.repeat(np.cumsum(steps) - steps, steps)) / np.repeat(
            np.maximum(steps - 1, 1), steps)
        cols = np.minimum(np.floor(x0[segment] + t * (x1 - x0)[segment]), width - 1).astype(int)
        rows = np.floor(y0[segment] + t * (y1 - y0)[segment]).astype(int)
        inside = (rows >= 0) & (rows < height) & (cols >= 0)
        cols, rows = cols[inside], rows[inside]
        repeated = np.concatenate([[False], (cols[1:] == cols[:-1]) & (rows[1:] == rows[:-1])])
        cols, rows = cols[~repeated], rows[~repeated]
        if dashed:
            on = (np.arange(len(cols)) // DASH) % 2 == 0
            cols, rows = cols[on], rows[on]
        np.bitwise_or.at(self.dots, (rows // DOTS_DOWN, cols // DOTS_ACROSS),
                         DOT_BITS[rows % DOTS_DOWN, cols % DOTS_ACROSS])
        for r, c in set(zip((rows // DOTS_DOWN).tolist(), (cols // DOTS_ACROSS).tolist())):
            self.cells[r][c].colour = colour

    def mark(self, x, y, text, colour):
        row = self.row(y)
        if row is not None and self.xlim[0] <= x <= self.xlim[1]:
            cell = self.cells[row][int(self.column(x))]
            cell.text, cell.colour = text, colour
            return True
        return False

    def guide(self, row, text):
        """A guide line (axis through the origin, asymptote) along a row, in cells no curve uses."""
        for c in range(self.columns):
            cell = self.cells[row][c]
            if cell.text == " " and not self.dots[row, c]:
                cell.text, cell.colour = text, GUIDE

    def band(self, column, kind):
        for r in range(self.rows):
            self.cells[r][column].background = BAND_BACKGROUND[kind]

    def braille(self):
        for r in range(self.rows):
            for c in range(self.columns):
                if self.dots[r, c] and self.cells[r][c].text in (" ", "─", "│", "╌"):
                    self.cells[r][c].text = chr(BRAILLE + int(self.dots[r, c]))


def _paint(cells, depth: int) -> str:
    """A row of cells as text, with the SGR codes that colour it when `depth` > 0."""
    if not depth:
        return "".join(cell.text for cell in cells).rstrip()
    out, current = [], None
    for cell in cells:
        style = (cell.colour, cell.background)
        if style != current:
            codes = ["0"] + ([_sgr(cell.colour, depth)] if cell.colour else []) + (
                [_sgr(cell.background, depth, background=True)] if cell.background else [])
            out.append(f"\x1b[{';'.join(codes)}m")
            current = style
        out.append(cell.text)
    return "".join(out) + "\x1b[0m"


def _text(text: str, colour=None) -> list[Cell]:
    return [Cell(ch, colour) for ch in text]


def ylim_for(curves, asymptotes) -> tuple[float, float]:
    """Every drawn value and asymptote in view, with a little room (as the PNG's _auto_ylim)."""
    ys = np.concatenate([c.y for c in curves] + [np.asarray(asymptotes, dtype=float)])
    ys = ys[np.isfinite(ys)]
    bottom, top = (float(ys.min()), float(ys.max())) if ys.size else (0.0, 1.0)
    if 0 < bottom < 0.25 * top:
        bottom = 0.0
    span = top - bottom or 1.0
    return bottom - 0.06 * span, top + 0.06 * span


def draw(acts: list[Activation], *, function: bool = True, derivative: bool = False, shade: bool = True,
         threshold: float = analysis.DEFAULT_THRESHOLD, xlim=None, ylim=None, title: str | None = None,
         width: int = 80, height: int = 24, depth: int = 0) -> str:
    """The figure as lines of text at most `width` characters wide and, room
    permitting, `height` lines high (one line is left for the prompt)."""
    palette = _palette()
    single = len(acts) == 1
    lo, hi = xlim if xlim is not None else analysis.common_xlim(acts)
    drawn = []  # (activation, derivative?, colour)
    for i, act in enumerate(acts):
        if function:
            drawn.append((act, False, palette[i % len(palette)]))
        if derivative:
            drawn.append((act, True, palette[(i + 1 if single and function else i) % len(palette)]))
    curves = [analysis.curve(act, lo, hi, derivative=d) for act, d, _ in drawn]
    asymptotes = sorted({y for a in acts for y in a.asymptotes if y != 0}) if function else []
    ylim = ylim if ylim is not None else ylim_for(curves, asymptotes)
    regions = analysis.clip(analysis.regions(acts[0], threshold), lo, hi) if shade and single else []
    notes = _notes(acts[0], lo, hi, function, derivative, drawn) if single else []

    legend = _legend(acts, drawn, regions, notes, threshold, function and derivative)
    ytick_values = nice_ticks(*ylim, 6)
    gutter = max(len(_tick_label(t)) for t in ytick_values) + 1
    columns = max(20, width - gutter - 2)
    legend_lines = _wrap(legend, gutter + 1 + columns)
    fixed = 1 + 2 + (1 if regions else 0) + len(legend_lines) + 1
    rows = max(5, min(height - fixed, round(0.3 * columns)))

    canvas = Canvas(columns, rows, (lo, hi), ylim)
    kinds = _kinds_by_column(canvas, regions)
    for c, kind in enumerate(kinds):
        if kind and depth:
            canvas.band(c, kind)
    for (act, d, colour), curve in sorted(zip(drawn, curves), key=lambda item: not item[0][1]):
        canvas.polyline(curve.x, curve.y, colour, dashed=d and function)
    for (act, d, colour), curve in zip(drawn, curves):
        for jump in curve.jumps:
            for limit in {jump.left, jump.right} - {jump.value}:
                canvas.mark(jump.x, limit, "○", colour)
            canvas.mark(jump.x, jump.value, "●", colour)
        if not d:
            for k in act.kinks:
                if lo < k < hi and k not in act.jumps:
                    canvas.mark(k, float(act.f(k)), "•", colour)
    for x, y, text, colour in notes:
        canvas.mark(x, y, "◆", colour)
    for level in asymptotes:
        if (row := canvas.row(level)) is not None:
            canvas.guide(row, "╌")
    if (row := canvas.row(0.0)) is not None:
        canvas.guide(row, "─")
    if lo < 0 < hi:
        c = int(canvas.column(0.0))
        for r in range(rows):
            cell = canvas.cells[r][c]
            if cell.text in (" ", "─") and not canvas.dots[r, c]:
                cell.text, cell.colour = ("┼" if cell.text == "─" else "│"), GUIDE
    canvas.braille()

    lines = [_paint(_text(_centred(title or _title(acts, function), gutter + 1 + columns), WHITE), depth)]
    tick_rows = {}
    for t in ytick_values:
        r = canvas.row(t)
        if r is not None and all(abs(r - other) > 1 for other in tick_rows):
            tick_rows[r] = _tick_label(t)
    for r in range(rows):
        label = tick_rows.get(r, "")
        lines.append(_paint(_text(label.rjust(gutter - 1) + " " + ("┤" if label else "│"), GUIDE)
                            + canvas.cells[r], depth))
    axis, labels = _x_axis(canvas, gutter)
    lines.append(_paint(_text(axis, GUIDE), depth))
    lines.append(_paint(_text(labels, GUIDE), depth))
    if regions:
        band = [Cell(BAND[k], GUIDE, BAND_BACKGROUND[k]) if k else Cell() for k in kinds]
        lines.append(_paint(_text(" " * (gutter + 1)) + band, depth))
    lines += [_paint(line, depth) for line in legend_lines]
    return "\n".join(lines) + "\n"


def _kinds_by_column(canvas, regions) -> list[str | None]:
    """The kind of region each column's middle lies in, or None."""
    kinds: list[str | None] = [None] * canvas.columns
    for c, x in enumerate(canvas.centres()):
        for region in regions:
            if region.lo < x < region.hi:
                kinds[c] = region.kind
    return kinds


def _notes(act, lo, hi, function, derivative, drawn):
    """(x, y, text, colour) of each point the PNG marks with its coordinates:
    the minima and maxima of f, the peak of |f′| when it is one point."""
    colours = {d: colour for _, d, colour in drawn}
    found = []
    if function:
        for point in analysis.stationary_points(act, lo, hi):
            if lo < point.x < hi:
                found.append((point.x, point.y, f"{point.kind} ({_short(point.x)}, {_short(point.y)})",
                              colours[False]))
    if derivative:
        peak = analysis.marked_peak(act, lo, hi)
        if peak is not None:
            x, y = peak
            extreme = "max" if y > 0 else "min"  # f′ < 0 at the peak of |f′|: f′'s least value
            found.append((x, y, f"{extreme} f′ = {_short(y)} at x = {_short(x)}", colours[True]))
    return found


def _legend(acts, drawn, regions, notes, threshold, both):
    """Legend entries, each a list of cells: what every colour, line and mark means."""
    entries = []
    several = len(acts) > 1
    for act, d, colour in drawn:
        if several and d and both:
            continue
        entries.append(_text("╌╌" if d and both else "──", colour) + _text(" " + act.label + ("′" if d else "")))
    if several and both:
        entries.append(_text("╌╌", GUIDE) + _text(" f′ (dashed)"))
    for kind in dict.fromkeys(r.kind for r in regions):
        text = "dead: f′ = 0" if kind == "dead" else f"saturated: f → constant, |f′| < {threshold:g}"
        entries.append([Cell(BAND[kind] * 2, GUIDE, BAND_BACKGROUND[kind])] + _text(" " + text))
    for x, y, text, colour in notes:
        entries.append(_text("◆", colour) + _text(" " + text))
    return entries


def _wrap(entries, width):
    """Legend entries on as few lines as fit `width`, three spaces apart."""
    lines, line = [], []
    for entry in entries:
        cells = sum((len(c.text) for c in entry), 0)
        used = sum(len(c.text) for c in line)
        if line and used + 3 + cells > width:
            lines.append(line)
            line = []
        line = line + (_text("   ") if line else []) + entry
    return lines + ([line] if line else [])


def _x_axis(canvas, gutter):
    """The frame's bottom line with ┬ at each tick, and the tick labels centred under them."""
    lo, hi = canvas.xlim
    axis = [" "] * gutter + ["└"] + ["─"] * canvas.columns
    labels = [" "] * (gutter + 1 + canvas.columns)
    free_from = 0
    for t in nice_ticks(lo, hi, max(2, canvas.columns // 10)):
        c = gutter + 1 + int(canvas.column(t))
        text = _tick_label(t)
        start = min(max(c - len(text) // 2, 0), len(labels) - len(text))
        if start < free_from:
            continue
        axis[c] = "┬"
        labels[start:start + len(text)] = text
        free_from = start + len(text) + 1
    return "".join(axis), "".join(labels).rstrip()


def _centred(text, width):
    return text[:width].center(width).rstrip()


def _title(acts, function):
    prime = "" if function else "′"
    names = list(dict.fromkeys(a.name if len({b.name for b in acts}) == 1 else a.label for a in acts))
    return ", ".join(n + prime for n in names)
