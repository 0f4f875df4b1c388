"""What `actviz plot`, `info` and `eval` do with a gated function, a
function of two inputs f(a, b) = a·g(b): click only (matplotlib only inside
`plot`).  Each command hands a gated name here at one dispatch point.

An option that means nothing for a function of two inputs (`--layout`,
`--term`, `-p`, …) is refused with one error line, never ignored.
"""
from __future__ import annotations

import click
import numpy as np

from .command import Number, draw, fail
from .functions import GATED, get
from .functions.gated import CONVENTION  # noqa: F401 (for the command line)

# The two inputs as `eval` takes them: `--a 1 2 --b 0.5` (or `--a=1`).
INPUTS = ("--a", "--b")
ALL_GATED = ", ".join(GATED)


class NumberOrInput(Number):
    """A number as typed, or '--a' / '--b', which start the values of a
    gated function's input ('--a=1' starts it with 1): ('a', None), ('a', 1.0)."""

    def convert(self, value, param, ctx):
        if isinstance(value, str):
            key, sep, rest = value.partition("=")
            if key in INPUTS:
                return key[2:], super().convert(rest, param, ctx) if sep else None
        return super().convert(value, param, ctx)


def refuse_options(name: str, honoured: set[str]) -> None:
    """Fail on the first option given on the command line that the current
    command does not honour for the gated function `name`."""
    ctx = click.get_current_context()
    for param in ctx.command.params:
        source = ctx.get_parameter_source(param.name)
        if param.name not in honoured and source not in (None, click.core.ParameterSource.DEFAULT):
            fail(f"{param.opts[-1]} does not apply to {name}, a gated function of two inputs")


def refuse_inputs(name: str, xs) -> None:
    """`eval relu --a 1`: the inputs --a and --b are a gated function's."""
    if any(isinstance(x, tuple) for x in xs):
        fail(f"--a and --b are the two inputs of a gated function ({ALL_GATED}); {name} takes points X...")


# ---------------------------------------------------------------------------
# eval
# ---------------------------------------------------------------------------

def _inputs(name, xs) -> tuple[np.ndarray, np.ndarray]:
    """--a A... --b B... as two arrays of one length: equal lengths, or one
    of them a single value, which is repeated."""
    values = {"a": [], "b": []}
    current = None
    for x in xs:
        if isinstance(x, tuple):
            current, first = x
            if first is not None:
                values[current].append(first)
        elif current is None:
            fail(f"{name} is a function of two inputs: give them as --a A... --b B..., "
                 f"e.g. `actviz eval {name} --a 1 2 --b 0.5`")
        else:
            values[current].append(x)
    missing = [f"--{key}" for key, given in values.items() if not given]
    if missing:
        fail(f"{name} needs values for {' and '.join(missing)}, e.g. `actviz eval {name} --a 1 2 --b 0.5`")
    a, b = (np.array(values[key], dtype=float) for key in "ab")
    if len(a) != len(b) and 1 not in (len(a), len(b)):
        fail(f"--a has {len(a)} values and --b {len(b)}: give as many of each, or a single value for either")
    return np.broadcast_arrays(a, b)


def eval_columns(name: str, xs, derivative: bool):
    """The columns `eval` prints for a gated function (a, b, f and with -d
    ∂f/∂a and ∂f/∂b), as functions of the row numbers; the rows; the function."""
    refuse_options(name, {"name", "xs", "derivative", "fmt"})
    gated = get(name)
    a, b = _inputs(name, xs)
    columns = {"a": lambda i: a[i], "b": lambda i: b[i], "f": lambda i: gated.f(a[i], b[i])}
    if derivative:
        columns |= {"df_da": lambda i: gated.df_da(a[i], b[i]), "df_db": lambda i: gated.df_db(a[i], b[i])}
    return columns, [np.arange(len(a))], gated


# ---------------------------------------------------------------------------
# info
# ---------------------------------------------------------------------------

def info(name: str, as_json: bool) -> str:
    """What `actviz info` prints for a gated function."""
    import json
    from .analysis import format_number as num, gated_summary
    from .command import finite_json
    refuse_options(name, {"name", "as_json"})
    facts = gated_summary(get(name))
    if as_json:
        return json.dumps(finite_json(facts), indent=2, ensure_ascii=False)
    side = lambda formula: formula.split(" = ", 1)[1]  # noqa: E731
    g0, dg0 = num(facts["g(0)"]), num(facts["g'(0)"])
    lines = [
        f"{facts['name']}: {facts['summary']}",
        f"  f(a, b)      {side(facts['formula'])}",
        f"  ∂f/∂a        {side(facts['df_da'])}",
        f"  ∂f/∂b        {side(facts['df_db'])}",
        f"  convention   {facts['convention']}",
        f"  gate         g = {facts['gate']}: {facts['gate_formula']}   (actviz info {facts['gate']})",
        f"  g(0), g′(0)  {g0}, {dg0}",
        f"  f = 0        where {' or '.join(facts['f = 0 where'])}",
        f"  ∂f/∂a range  {facts['df_da range']}   (the gate's range)",
        f"  ∂f/∂b = 0    where {' or '.join(facts['df_db = 0 where'])}",
        "  in a         linear, and odd: f(-a, b) = -f(a, b)",
        f"  smoothness   {facts['continuity']}   (the gate's)",
        f"  PyTorch      {facts['torch']}",
        f"  reference    {facts['reference']}",
    ]
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# plot
# ---------------------------------------------------------------------------

PLOT_OPTIONS = {"names", "derivative", "gate", "xlim", "ylim", "output", "dpi", "size", "theme", "transparent",
                "title", "font_scale", "svg_text", "lang", "max_pixels"}


def plot(names, derivative: bool, gate: bool, xlim, ylim, output) -> None:
    """`actviz plot swiglu [-d] [--gate]`: the map of f over (a, b) (--xlim
    is a's range, --ylim b's), with -d the maps of ∂f/∂a and ∂f/∂b."""
    name = next(n for n in names if n in GATED)
    if len(set(names)) > 1:
        fail(f"{name} is a function of two inputs, drawn as a map of its own: plot it alone")
    refuse_options(name, PLOT_OPTIONS)
    gated = get(name)
    from . import surface

    def build(size, title, look):
        return surface.figure(gated, surface.SurfaceOptions(derivative=derivative, gate=gate, alim=xlim or None,
                                                            blim=ylim or None, size=size, title=title), look)
    draw(build, name, **output)
