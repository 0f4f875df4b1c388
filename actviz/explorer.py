"""A self-contained interactive page: sliders for the parameters, f and f′
toggles, the dead and saturated shading, the values under the pointer, the
`info` facts beside the plot, and the current view as an SVG download.

Every number in the page is actviz's own: the page holds the curves, the
shading and the facts computed here, in Python, for every combination of
the sliders' stops (a grid: 41 stops for one parameter, 11 each for two, 5
each for three), as float64 arrays (:class:`Arrays`: each stored once,
zlib-packed, in base64), so not a digit is lost on the way. The page's
JavaScript only draws them. It needs no network: its script
and styles are inlined, and nothing is fetched (works from file://).

Colours are the themes' own (the light and dark .mplstyle files); the page
follows the reader's `prefers-color-scheme` unless the theme is forced
(`dark`, or `print`, which is light).
"""
from __future__ import annotations

import base64
import hashlib
import html
import itertools
import json
import math
import zlib
from pathlib import Path
from typing import Mapping, Sequence

import matplotlib as mpl
import numpy as np

from . import analysis, animation, plotting
from .functions import Activation, ActvizError, format_value, get

TEMPLATE = Path(__file__).with_name("templates") / "explorer.html"
STOPS = {0: 1, 1: 41, 2: 11, 3: 5}  # stops per slider, by how many sliders a function has
CURVE_POINTS = 601  # as analysis.curve samples them (thickened at breakpoints)
HOVER_POINTS = 801  # an even grid: the values shown under the pointer


def slider_stops(act: Activation, name: str, count: int) -> list:
    """The values a slider offers for parameter `name`: `count` even stops
    from 0 to twice the starting value, or to 1 if that is more, for a
    positive one (±1 around it otherwise), rounded to 6 significant digits, that lie
    in the parameter's declared domain; the starting value is always one.
    A parameter with choices offers its choices."""
    param = next(p for p in act.spec.params if p.name == name)
    start = act.params[name]
    if param.choices:
        return list(param.choices)
    if count == 1 or not math.isfinite(start):  # no even stops reach ∞: an infinite start is the only one
        return [start]
    lo, hi = (0.0, max(2 * start, 1.0)) if start > 0 else (start - 1.0, start + 1.0)
    candidates = {float(f"{v:.6g}") for v in np.linspace(lo, hi, count)} | {start}
    return sorted(v for v in candidates if math.isfinite(v) and param.valid(v))


class Arrays:
    """The page's float64 arrays (NaN marks a break in a curve), every bit
    kept, each stored once: f and f′ share their x, and so, often, do the
    stops of a slider. :meth:`add` gives an array's number in the store;
    :meth:`packed` is the store as the page holds it, the arrays end to end
    (little-endian), zlib-compressed, in base64, with their lengths; the
    page inflates it with the browser's DecompressionStream("deflate")."""

    def __init__(self):
        self._numbers: dict[bytes, int] = {}

    def add(self, values) -> int:
        data = np.asarray(values, dtype="<f8").tobytes()
        return self._numbers.setdefault(data, len(self._numbers))

    def __getitem__(self, number: int) -> np.ndarray:
        return np.frombuffer(list(self._numbers)[number], dtype="<f8")

    def digest(self) -> str:
        """A hash of the arrays themselves, whatever zlib makes of them."""
        return hashlib.sha256(b"".join(len(data).to_bytes(8, "little") + data for data in self._numbers)).hexdigest()

    def packed(self) -> dict:
        data = zlib.compress(b"".join(self._numbers), 9)
        return {"lengths": [len(data) // 8 for data in self._numbers], "data": base64.b64encode(data).decode("ascii")}


def _json_safe(value):
    """A stop as strict JSON takes it: ∞ (softplus's threshold) as the text 'inf'."""
    return value if isinstance(value, str) or math.isfinite(value) else format_value(value)


def _facts(act: Activation, threshold: float) -> list[list[str]]:
    """`actviz info`'s facts, as (label, text) pairs."""
    num = analysis.format_number
    facts = analysis.summary(act, threshold)
    where = facts["max|f'| at"]
    peak = num(facts["max|f'|"]) + (f" at x = {num(where)}" if where is not None else "")

    def spans(kind):
        found = [f"({num(r['from'])}, {num(r['to'])})" for r in facts["saturation"] if r["kind"] == kind]
        return ", ".join(found) or "none"
    return [
        ["f(x)", facts["formula"].removeprefix("f(x) = ")],
        ["f′(x)", facts["derivative"].removeprefix("f'(x) = ")],
        ["range", facts["range"] + (" (bounded)" if facts["bounded"] else "")],
        ["f(0)", num(facts["f(0)"])],
        ["f′(0)", num(facts["f'(0)"])],
        ["max |f′|", peak],
        ["kinks", ", ".join(num(k) for k in facts["kinks"]) or "none"],
        ["jumps", ", ".join(num(k) for k in facts["jumps"]) or "none"],
        ["asymptotes", ", ".join("y = " + num(a) for a in facts["asymptotes"]) or "none"],
        ["saturated", spans("saturated")],
        ["dead", spans("dead")],
        ["stationary", "; ".join(f"{p['kind']} at x = {num(p['x'])}" for p in facts["stationary_points"])
         or "none"],
        ["monotonic", "yes" if facts["monotonic"] else "no"],
        ["smoothness", facts["continuity"]],
        ["zero-centred", "yes (odd)" if facts["zero_centred"] else "no"],
        ["PyTorch", facts["torch"] or "(none)"],
    ]


def function_data(act: Activation, arrays: Arrays, *, threshold: float, xlim: Sequence[float] | None = None,
                  grid: Mapping[int, int] = STOPS) -> dict:
    """Everything the page shows of one function, at every combination of
    its sliders' stops (`grid`: how many stops per slider, by how many
    sliders); the curves and the values under the pointer go into `arrays`,
    and the data holds their numbers."""
    names = [p.name for p in act.spec.params]
    count = grid[min(len([p for p in act.spec.params if not p.choices]), max(grid))]
    stops = {name: slider_stops(act, name, count) for name in names}
    combos = {}
    for indices in itertools.product(*(range(len(stops[n])) for n in names)):
        try:
            combos[indices] = get(act.name, **{n: stops[n][i] for n, i in zip(names, indices)})
        except ActvizError:  # a combination the function does not allow (lower > upper)
            continue
    acts = list(combos.values())
    ranges = {}
    for key, options in (("f", {}), ("df", {"derivative_only": True}), ("both", {"derivative": True})):
        limits = animation.sweep_limits(acts, plotting.FigureOptions(xlim=xlim, **options))
        ranges[key], lo_hi = limits.ylim, limits.xlim
    lo, hi = lo_hi
    # Rounded to 12 digits, the pointer's x reads as typed: -2.5375, not -2.5374999999999996.
    hover_x = np.array([float(f"{v:.12g}") for v in np.linspace(lo, hi, HOVER_POINTS)])
    data = {}
    for indices, each in combos.items():
        f, df = (analysis.curve(each, lo, hi, derivative=d, num=CURVE_POINTS) for d in (False, True))
        data[",".join(map(str, indices))] = {
            "label": each.label,
            "fx": arrays.add(f.x), "fy": arrays.add(f.y), "dx": arrays.add(df.x), "dy": arrays.add(df.y),
            "hf": arrays.add(each.f(hover_x)), "hd": arrays.add(each.df(hover_x)),
            "regions": [[r.lo, r.hi, r.kind] for r in analysis.clip(analysis.regions(each, threshold), lo, hi)],
            "facts": _facts(each, threshold),
        }
    start = tuple(stops[n].index(act.params[n]) for n in names)
    return {
        "name": act.name, "summary": act.spec.summary, "xlim": [lo, hi], "ylim": ranges, "hx": arrays.add(hover_x),
        "params": [{"name": n, "stops": [_json_safe(v) for v in stops[n]],
                    "labels": [format_value(v) for v in stops[n]], "start": i}
                   for n, i in zip(names, start)],
        "combos": data,
    }


def _palette(look) -> dict:
    """The colours of `look`'s theme (active): background, ink, grid, axes, f, f′ and the two shades."""
    rc = mpl.rcParams
    hexed = mpl.colors.to_hex
    cycle = rc["axes.prop_cycle"].by_key()["color"]
    shade = look.shade
    return {"paper": hexed(rc["axes.facecolor"]), "ink": hexed(rc["text.color"]), "grid": hexed(rc["grid.color"]),
            "axis": hexed(rc["axes.edgecolor"]), "f": hexed(cycle[0]), "df": hexed(cycle[1]),
            "saturated": hexed(shade["saturated"][0]), "saturatedAlpha": shade["saturated"][1],
            "dead": hexed(shade["dead"][0]), "deadAlpha": shade["dead"][1]}


def contents(acts: Sequence[Activation], *, derivative: bool = True, function: bool = True, shade: bool = True,
             threshold: float = analysis.DEFAULT_THRESHOLD, xlim: Sequence[float] | None = None,
             grid: Mapping[int, int] = STOPS) -> tuple[dict, Arrays]:
    """What the page of `acts` shows (one function per name; each starts at
    its own parameters): the data and the arrays it refers to."""
    first = {}
    for act in acts:
        first.setdefault(act.name, act)
    palettes = {}
    for name in ("light", "dark"):
        with plotting.theme(name) as look:
            palettes[name] = _palette(look)
    arrays = Arrays()
    data = {
        "functions": [function_data(act, arrays, threshold=threshold, xlim=xlim, grid=grid)
                      for act in first.values()],
        "show": {"f": function, "df": derivative, "shade": shade}, "threshold": threshold,
        "palettes": palettes,
    }
    return data, arrays


def render(data: dict, arrays: Arrays, *, theme: str = "light", title: str | None = None) -> str:
    """The page as HTML text. `theme` light follows the reader's preference,
    dark and print force dark and light; the title defaults to the names."""
    heading = title or ", ".join(fn["name"] for fn in data["functions"])
    payload = json.dumps({**data, "arrays": arrays.packed()}, ensure_ascii=False,
                         allow_nan=False).replace("</", "<\\/")
    forced = {"light": "auto", "dark": "dark", "print": "light"}[theme]
    return (TEMPLATE.read_text(encoding="utf-8").replace("{{THEME}}", forced)
            .replace("{{TITLE}}", html.escape(heading)).replace("{{DATA}}", payload))


def page(acts: Sequence[Activation], *, theme: str = "light", title: str | None = None, **what) -> str:
    """The page for `acts` as HTML text: :func:`contents` (`what` it shows), :func:`render`ed."""
    return render(*contents(acts, **what), theme=theme, title=title)


class Explorer:
    """An interactive page shown by Jupyter (``_repr_html_``), in an iframe
    of its own so that its styles and script meet nothing else in the
    notebook; ``html`` is the whole page, ``save(path)`` writes it."""

    def __init__(self, text: str):
        self.html = text

    def _repr_html_(self) -> str:
        return (f'<iframe srcdoc="{html.escape(self.html, quote=True)}" '
                'style="width: 100%; height: 720px; border: 0;"></iframe>')

    def save(self, path) -> Path:
        from . import output
        path, _ = output.target(path, ("html",))
        output.write_atomic(path, self.html.encode("utf-8"))
        return path


def explore(*functions, derivative: bool = True, theme: str = "light", **params) -> Explorer:
    """The interactive page for `functions` (names or Activations; `params`
    for a single name), ready to show in a notebook: ``actviz.explore("elu")``."""
    acts = [f if isinstance(f, Activation) else get(f, **params) for f in functions]
    if not acts:
        raise ActvizError("nothing to explore: give at least one function")
    with plotting.theme(theme):
        return Explorer(page(acts, theme=theme, derivative=derivative))
