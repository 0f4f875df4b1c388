"""The ``actviz`` command line: click only; parses, validates, calls the layers.

matplotlib is imported inside the commands that draw, so ``list``, ``info``
and ``eval`` start as fast as numpy and click allow.
"""
from __future__ import annotations

import contextlib
import errno
import json
import math
import os
import re
import sys

import click
import numpy as np

from . import __version__
from . import gated_commands
from . import output as files
from . import vector_commands as vectors
from .analysis import DEFAULT_THRESHOLD, title_for
from .functions import GATED, REGISTRY, VECTOR, ActvizError, Gated, Vector, describe_params, parse_number
from .command import (MAX_POINTS, SEED, ActivationName, Integer, Number, activations, bind, default_stem, draw,
                      expr_option, fail, finite_json, json_number, not_blank, output_options, param_option,
                      parse_params, preset_option, titled)
from .look import LANGUAGES, THEMES, parse_size
from . import teaching

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
# Axis limits stay this far inside the double range (1.8e308), so that an
# axis's span and its margins cannot overflow.
AXIS_LIMIT = 1e300


def _set_aside_broken_environment():
    """actviz draws through Agg alone and writes no dates, so neither a
    user's MPLBACKEND (matplotlib refuses to import with an unknown one) nor a
    SOURCE_DATE_EPOCH that is not a number (numpy and matplotlib call int()
    on it) has any business here."""
    os.environ["MPLBACKEND"] = "agg"
    try:
        int(os.environ.get("SOURCE_DATE_EPOCH", "0"))
    except ValueError:
        del os.environ["SOURCE_DATE_EPOCH"]


# How writing to a stream fails when the disk is full or the reader has gone;
# an error with no file name, since the figures' own write errors name their file.
STREAM_ERRORS = {errno.EPIPE, errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO}


def _silence_stdout():
    """Let the interpreter's last flush of stdout go nowhere, instead of failing again on exit."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):  # not a real file (a test's capture)
        pass


class ActvizGroup(click.Group):
    """A group whose every error is one line on stderr and exit status 2,
    and whose every command stops cleanly on SIGINT (exit 130) or SIGTERM (143)."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        _set_aside_broken_environment()
        try:
            with files.interruptible():
                code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
                if sys.stdout:  # None when started with stdout closed (`actviz list >&-`)
                    sys.stdout.flush()
        except (click.ClickException, ActvizError) as error:
            message = error.format_message() if isinstance(error, click.ClickException) else str(error)
            click.echo(f"Error: {message}", err=True)
            sys.exit(2)
        except click.Abort:
            click.echo("Aborted.", err=True)
            sys.exit(130)
        except files.Interrupted as interruption:
            click.echo("Interrupted.", err=True)
            sys.exit(128 + interruption.signum)
        except OSError as error:
            if error.errno not in STREAM_ERRORS or error.filename is not None:
                raise
            _silence_stdout()
            if error.errno == errno.EPIPE:  # the reader has gone (`actviz list | head -1`): quietly, as click does
                sys.exit(1)
            click.echo(f"Error: cannot write to standard output: {os.strerror(error.errno).lower()}", err=True)
            sys.exit(2)
        sys.exit(code if isinstance(code, int) else 0)

    def list_commands(self, ctx):
        return sorted({*self.commands, *teaching.MODULES})

    def get_command(self, ctx, name):
        """The command `name`; a teaching command's module is imported only
        when the command is asked for."""
        if name in teaching.MODULES and name not in self.commands:
            self.add_command(teaching.load(name).command)
        return super().get_command(ctx, name)


def _shortest(value: float) -> str:
    """The shortest text that reads back as the same double."""
    return repr(float(value))


@click.group(cls=ActvizGroup, context_settings=CONTEXT, invoke_without_command=True,
             epilog="Shell completion (bash): eval \"$(_ACTVIZ_COMPLETE=bash_source actviz)\"  "
                    "(zsh: zsh_source, fish: fish_source)")
@click.version_option(__version__, "-V", "--version", prog_name="actviz")
@click.pass_context
def cli(ctx):
    """Plot and inspect neural-network activation functions.

    \b
    Examples:
      actviz list
      actviz info gelu
      actviz eval sigmoid -800 0 37 --derivative
      actviz plot relu --derivative -o relu.svg
      actviz plot leaky_relu -p negative_slope=0.01,0.1,0.3 -d
    """
    if ctx.invoked_subcommand is None:
        click.echo(ctx.get_help())


@cli.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def list_cmd(as_json):
    """List every function with its aliases and parameters.

    \b
    Example:
      actviz list --json
    """
    from .expr import ENTRY_POINTS, entry_point_functions
    installed = entry_point_functions()
    if as_json:
        rows = [{"name": s.name, "kind": "elementwise", "aliases": list(s.aliases),
                 "parameters": {p.name: p.default for p in s.params}, "summary": s.summary} for s in REGISTRY.values()]
        rows += [{"name": s.name, "kind": "gated", "aliases": [], "gate": s.gate, "parameters": {},
                  "summary": s.summary} for s in GATED.values()]
        rows += [{"name": s.name, "kind": "vector", "aliases": [], "parameters": {p.name: p.default for p in s.params},
                  "summary": s.summary} for s in VECTOR.values()]
        rows += [{"name": e.name, "kind": "entry point", "from": e.value} for e in installed]
        click.echo(json.dumps(finite_json(rows), indent=2))
        return
    width = max(len(s.name) for s in REGISTRY.values())
    for spec in REGISTRY.values():
        extra = f"  [{describe_params(spec)}]" if spec.params else ""
        aliases = f"  (also {', '.join(spec.aliases)})" if spec.aliases else ""
        click.echo(f"{spec.name:<{width}}  {spec.summary}{extra}{aliases}")
    click.echo(f"\nGated functions of two inputs, f(a, b) = a·g(b); {gated_commands.CONVENTION}:")
    for spec in GATED.values():
        click.echo(f"{spec.name:<{width}}  {spec.summary}  [gate g = {spec.gate}]")
    click.echo("\n".join(vectors.listing()))
    if installed:
        click.echo(f"\nFrom installed packages (entry-point group {ENTRY_POINTS}; accuracy not verified):")
        for point in installed:
            click.echo(f"{point.name:<{width}}  {point.value}")


@cli.command()
@click.argument("name", type=ActivationName(every_kind=True), required=False)
@expr_option(multiple=False)
@param_option
@preset_option
@click.option("--threshold", type=Number(finite=True), default=DEFAULT_THRESHOLD, show_default=True,
              help="Saturation means |f'(x)| below this.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def info(name, expr, params, preset, threshold, as_json):
    """Formula, range, derivative facts and saturation of one function.

    \b
    Examples:
      actviz info gelu
      actviz info elu -p alpha=0.5 --threshold 0.1 --json
      actviz info swiglu                # a gated function f(a, b) = a·g(b)
      actviz info softmax
      actviz info --expr "x*sigmoid(beta*x)" -p beta=1.5
    """
    if name in GATED:
        click.echo(gated_commands.info(name, as_json))
        return
    if name in VECTOR:
        return vectors.info(bind(name, params, preset), as_json, threshold != DEFAULT_THRESHOLD)
    from .analysis import summary
    if threshold <= 0:
        fail("--threshold must be > 0")
    facts = summary(bind(name, params, preset, expr), threshold)
    if as_json:
        click.echo(json.dumps(finite_json(facts), indent=2, ensure_ascii=False))
        return
    click.echo(_format_info(facts))


def _format_info(facts):
    from .analysis import format_number as num, right_hand_side
    peak, where = facts["max|f'|"], facts["max|f'| at"]
    peak = num(peak) + (f" at x = {num(where)}" if where is not None else "")

    def spans(kind, most=8):
        found = [f"({num(r['from'])}, {num(r['to'])})" for r in facts["saturation"] if r["kind"] == kind]
        return ", ".join(found[:most]) + (f", … ({len(found)} in all)" if len(found) > most else "")
    saturated, dead = spans("saturated"), spans("dead")
    df0 = facts["f'(0)"]
    points = [f"{p['kind']} at x = {num(p['x'])}, f = {num(p['f(x)'])}" for p in facts["stationary_points"]]
    lo, hi = facts["stationary_search"]
    params = ", ".join(f"{k}={v}" for k, v in facts["parameters"].items())
    ends = "; ".join(f"f → {num(end['f(x)'])}, f' → {num(end['df(x)'])} as x → {num(end['x'])}"
                     for end in facts["domain_ends"])
    lines = [
        f"{facts['name']}: {facts['summary']}",
        *[f"  note         {caveat}" for caveat in facts["caveats"]],
        *([f"  parameters   {params}"] if params else []),
        *([f"  aliases      {', '.join(facts['aliases'])}"] if facts["aliases"] else []),
        f"  f(x)         {right_hand_side(facts['formula'])}",
        f"  f'(x)        {right_hand_side(facts['derivative'])}",
        *([f"  domain       {facts['domain']}   (NaN outside; {ends})"] if ends else []),
        f"  range        {facts['range']}" + ("  (bounded)" if facts["bounded"] else ""),
        f"  f(0)         {num(facts['f(0)'])}",
        f"  f'(0)        {num(df0)}",
        f"  max |f'|     {peak}",
        f"  kinks        {', '.join(num(k) for k in facts['kinks']) or 'none'}",
        f"  jumps        {', '.join(num(k) for k in facts['jumps']) or 'none'}",
        f"  asymptotes   {', '.join('y = ' + num(a) for a in facts['asymptotes']) or 'none'}",
        "  saturated    " + (f"{saturated}  (|f'| < {facts['saturation_threshold']:g}, f → a constant)"
                              if saturated else "none"),
        "  dead         " + (f"{dead}  (f' = 0)" if dead else "none"),
        "  stationary   " + ("\n               ".join(points) if points else f"none in [{num(lo)}, {num(hi)}]"),
        f"  monotonic    {'yes' if facts['monotonic'] is True else facts['monotonic'] or 'no'}",
        f"  smoothness   {facts['continuity']}",
        f"  zero-centred {'yes (odd)' if facts['zero_centred'] else 'no'}",
        f"  PyTorch      {facts['torch'] or '(none)'}",
    ]
    if facts["reference"]:
        lines.append(f"  reference    {facts['reference']}")
    return "\n".join(lines)


@cli.command("eval", context_settings={"ignore_unknown_options": True})
@click.argument("name", type=ActivationName(every_kind=True, or_number=True), required=False)
@click.argument("xs", nargs=-1, type=gated_commands.NumberOrInput(), metavar="X...")
@expr_option(multiple=False)
@param_option
@preset_option
@click.option("-d", "--derivative", is_flag=True, help="Add the derivative f'(x).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option("--range", "grid", nargs=2, type=Number(finite=True), metavar="LO HI",
              help="Evaluate on an even grid from LO to HI instead of the given X.")
@click.option("--num", type=Integer(2, MAX_POINTS), help="Points on the --range grid [default: 11].")
def eval_cmd(name, xs, expr, params, preset, derivative, fmt, grid, num):
    """Evaluate a function (and its derivative) at X... or on a grid.

    Negative numbers work as typed; values print so they read back exactly.
    A long grid is evaluated and printed a piece at a time.  A gated function
    takes its two inputs as --a A... --b B... (as many of each, or one of
    either); -d adds ∂f/∂a and ∂f/∂b.

    \b
    Examples:
      actviz eval sigmoid -800 0 37 --derivative
      actviz eval gelu --range -3 3 --num 7 --format csv
      actviz eval softmax 1 2 3 -d      # a vector function: one vector, its Jacobian
      actviz eval swiglu --a 1 2 --b 0.5 -d
      actviz eval --expr "x*tanh(softplus(x))" -1 0 1 -d
    """
    if expr is not None and isinstance(name, float):  # with --expr, the first X took NAME's place
        name, xs = None, (name, *xs)
    if name in GATED:
        for text in _FORMATS[fmt](*gated_commands.eval_columns(name, xs, derivative)):
            click.echo(text, nl=False)
        return
    gated_commands.refuse_inputs(name, xs)
    act = bind(name, params, preset, expr)
    if name in VECTOR:
        return vectors.evaluate(act, xs, derivative, fmt, bool(grid) or num is not None)
    if grid and xs:
        fail("give the points X... or --range LO HI, not both")
    if grid:
        lo, hi = grid
        num = 11 if num is None else num
        if not lo < hi:
            fail(f"--range needs LO < HI; got {_shortest(lo)} {_shortest(hi)}")
        points = EvenGrid(lo, hi, num)
    elif num is not None:
        fail("--num goes with --range LO HI")
    elif xs:
        points = [np.array(xs, dtype=float)]
    else:
        fail("give the points X... or --range LO HI")
    columns = {"x": lambda x: x, "f": act.f, **({"df": act.df} if derivative else {})}
    for text in _FORMATS[fmt](columns, points, act):
        click.echo(text, nl=False)


class EvenGrid:
    """The points of np.linspace(lo, hi, num), xᵢ = lo + i·(hi − lo)/(num − 1)
    and x_{num−1} = hi, as pieces of `chunk` points, so that a long grid never
    exists in memory whole; it can be walked more than once.  Where hi − lo
    overflows (a range wider than 1.8e308) the grid is formed at half scale
    and doubled, both exact for such numbers."""

    CHUNK = 65_536

    def __init__(self, lo: float, hi: float, num: int, chunk: int = CHUNK):
        self.lo, self.hi, self.num, self.chunk = lo, hi, num, chunk

    def __iter__(self):
        scale = 1.0 if math.isfinite(self.hi - self.lo) else 2.0
        start = self.lo / scale
        step = (self.hi / scale - start) / (self.num - 1)
        for first in range(0, self.num, self.chunk):
            x = (np.arange(first, min(first + self.chunk, self.num), dtype=float) * step + start) * scale
            if first + self.chunk >= self.num:
                x[-1] = self.hi
            yield x


def _texts(columns, x):
    """Each column's values at x, printed so they read back exactly."""
    return [[repr(v) for v in g(x).tolist()] for g in columns.values()]


def _table(columns, points, act):
    """Right-aligned columns; when the points come in several pieces, a first
    pass over them finds the columns' widths."""
    header = [_header(k, act) for k in columns]
    widths = [len(h) for h in header]
    for pieces, x in enumerate(points, 1):
        texts = _texts(columns, x)
        widths = [max(w, *map(len, column)) for w, column in zip(widths, texts)]
    yield "  ".join(h.rjust(w) for h, w in zip(header, widths))
    for texts in [texts] if pieces == 1 else (_texts(columns, x) for x in points):
        yield "".join("\n" + "  ".join(c.rjust(w) for c, w in zip(row, widths)) for row in zip(*texts))
    yield "\n"


def _header(key, act):
    """A column's heading: sigmoid(x), sigmoid'(x); swiglu(a, b), ∂f/∂a, ∂f/∂b."""
    inputs = "a, b" if isinstance(act, Gated) else "x"
    return {"f": f"{act.name}({inputs})", "df": f"{act.name}'(x)", "df_da": "∂f/∂a", "df_db": "∂f/∂b"}.get(key, key)


def _csv(columns, points, act):
    yield ",".join(columns) + "\n"
    for x in points:
        yield "".join(",".join(row) + "\n" for row in zip(*_texts(columns, x)))


def _json(columns, points, act):
    """What json.dumps(..., indent=2) prints, one column after another."""
    head = json.dumps({"name": act.name, "parameters": finite_json(dict(act.params))}, indent=2)
    yield head.removesuffix("\n}")
    for key, g in columns.items():
        yield f',\n  "{key}": ['
        separator = "\n    "
        for x in points:
            yield separator + ",\n    ".join(repr(v) if math.isfinite(v) else json.dumps(json_number(v))
                                             for v in g(x).tolist())
            separator = ",\n    "
        yield "\n  ]"
    yield "\n}\n"


_FORMATS = {"table": _table, "csv": _csv, "json": _json}


@cli.command()
@click.argument("names", nargs=-1, type=ActivationName(every_kind=True))
@expr_option(multiple=True)
@param_option
@preset_option
@click.option("-d", "--derivative", is_flag=True, help="Draw f' too, dashed, in the same colour.")
@click.option("--derivative-only", is_flag=True, help="Draw f' alone.")
@click.option("--layout", type=click.Choice(["auto", "overlay", "side"]), default="auto", show_default=True,
              help="f' on the same axes, or in a second panel beside f (auto: side for a family).")
@click.option("--grid", "tile", is_flag=True, help="One panel per function.")
@click.option("--threshold", type=Number(finite=True), default=DEFAULT_THRESHOLD, show_default=True,
              help="Shade where |f'(x)| is below this.")
@click.option("--no-shade", is_flag=True, help="Do not shade saturated or dead regions.")
@click.option("--formula", is_flag=True, help="Put f (and f') in the legend, typeset.")
@click.option("--xlim", nargs=2, type=Number(finite=True, low=-AXIS_LIMIT, high=AXIS_LIMIT), metavar="LO HI",
              help="x-range (default: per function).")
@click.option("--own-xlim", is_flag=True, help="With --grid: each panel on its function's own x-range.")
@click.option("--ylim", nargs=2, type=Number(finite=True, low=-AXIS_LIMIT, high=AXIS_LIMIT), metavar="LO HI",
              help="y-range (default: automatic).")
@click.option("--standalone", is_flag=True, help="With -o FILE.tex: a document that compiles on its own.")
@click.option("--beamer-overlays", is_flag=True, help="With -o FILE.tex: one function per Beamer slide.")
@click.option("--term", is_flag=True,
              help="Draw in this terminal (text, fitting $COLUMNS and $LINES) instead of writing a file.")
@click.option("--color", "colour", type=click.Choice(["auto", "always", "never"]), default="auto",
              show_default=True, help="With --term: colours (auto: when standard output is a terminal).")
@click.option("--classes", type=Integer(2, 3), help="A vector function (softmax, …) of 2 classes, drawn against "
                                                   "z₁ − z₂ (the default), or of 3, on the simplex.")
@click.option("--gate", is_flag=True, help="With a gated function: draw its gate g(b) beside the map.")
@output_options(output_help="File to write: .png, .svg, .pdf, .tex (pgfplots) or .html (an interactive page with "
                            "a slider per parameter) [default: NAME.png here].")
def plot(names, exprs, params, preset, derivative, derivative_only, layout, tile, threshold, no_shade, formula,
         xlim, own_xlim, ylim, standalone, beamer_overlays, term, colour, classes, gate, **output):
    """Draw functions and their derivatives, with saturation shaded.

    \b
    Examples:
      actviz plot relu --derivative -o relu.svg
      actviz plot sigmoid tanh relu -d --grid
      actviz plot leaky_relu -p negative_slope=0.01,0.1,0.3 -d
      actviz plot gelu -d --layout side --theme dark -o gelu.pdf
      actviz plot gelu -d --size 5.5x3 -o gelu.tex
      actviz plot relu -d --term
      actviz plot elu gelu -d -o explore.html      # sliders, hover, SVG download
      actviz plot softmax -p temperature=0.5,1,2 -d  # two classes: the sigmoid of (z₁ − z₂)/T
      actviz plot sparsemax --classes 3 -d -o s.png  # three classes, on the simplex
      actviz plot swiglu -d --gate -o swiglu.png    # f(a, b) = a·silu(b): --xlim is a's range, --ylim b's
      actviz plot --expr "x*sigmoid(beta*x)" -p beta=0.5,1,2 -d
      actviz plot mypkg.acts:my_act -d             # a Python function of your own
    """
    for name, limits in (("--xlim", xlim), ("--ylim", ylim)):
        if limits and not limits[0] < limits[1]:
            fail(f"{name} needs LO < HI; got {_shortest(limits[0])} {_shortest(limits[1])}")
    if any(name in GATED for name in names):
        return gated_commands.plot(names, derivative, gate, xlim, ylim, output)
    if gate:
        fail(f"--gate draws the gate of a gated function ({gated_commands.ALL_GATED}) beside its map")
    if threshold <= 0:
        fail("--threshold must be > 0")
    if layout == "side" and tile:
        fail("--grid draws one panel per function; it cannot be combined with --layout side")
    if layout == "side" and not (derivative and not derivative_only):
        fail("--layout side puts f and f′ side by side: add -d (and drop --derivative-only)")
    acts = activations(names, params, preset, exprs)
    if classes is not None or any(isinstance(a, Vector) for a in acts):
        if vectors.classes_of(acts, classes) == 3:
            return vectors.simplex(acts, derivative, output)
        acts, output = vectors.two_classes(acts, output)
    output["title"] = titled(output["title"], acts, title_for(acts, derivative_only))
    if xlim:
        _check_finite_somewhere(acts, xlim, function=not derivative_only, derivative=derivative or derivative_only)
    if term:
        _draw_in_terminal(acts, derivative, derivative_only, tile, layout, threshold, no_shade, formula, xlim, ylim,
                          colour, output)
        return
    if (output["output"] or "").lower().endswith(".tex"):
        return _write_tex(acts, output, derivative=derivative, derivative_only=derivative_only,
                          layout="grid" if tile else layout, shade=not no_shade, threshold=threshold,
                          formula=formula, xlim=xlim or None, ylim=ylim or None, standalone=standalone,
                          overlays=beamer_overlays)
    if standalone or beamer_overlays:
        fail(f"{'--standalone' if standalone else '--beamer-overlays'} is for a .tex figure (-o FILE.tex)")
    from . import plotting
    stem = default_stem([a.name for a in acts])
    path, fmt = files.target(output["output"] or f"{stem}.png", (*files.FORMATS, "html"))
    if fmt == "html":
        from . import explorer
        with plotting.theme(output["theme"]):
            page = explorer.page(acts, theme=output["theme"], derivative=derivative or derivative_only,
                                 function=not derivative_only, shade=not no_shade, threshold=threshold,
                                 xlim=xlim or None, title=output["title"])
        files.write_atomic(path, page.encode("utf-8"))
        click.echo(f"wrote {path} (an interactive page)")
        return

    def build(size, title, look):
        return plotting.figure(acts, plotting.FigureOptions(
            derivative=derivative, derivative_only=derivative_only, layout="grid" if tile else layout,
            shade=not no_shade, threshold=threshold, formula=formula, xlim=xlim or None,
            ylim=ylim or None, own_xlim=own_xlim, size=size, title=title), look)
    draw(build, stem, **output)


# What a .tex figure cannot honour: its text is the document's, and it has no pixels.
_NOT_FOR_TEX = {"dpi": ("--dpi", None), "svg_text": ("--svg-text", "text"), "font_scale": ("--font-scale", 1.0),
                "lang": ("--lang", "en")}


def _write_tex(acts, output, **figure):
    """Write the figure as pgfplots code: 'wrote gelu.tex (pgfplots, 8×4.5 in)'."""
    from . import pgfplots
    path, _ = files.target(output["output"], files.PLOT_FORMATS)
    for key, (option, default) in _NOT_FOR_TEX.items():
        if output[key] != default:
            fail(f"{option} does not apply to a .tex figure, which takes the document's fonts and has no pixels")
    size = parse_size(output["size"])
    text = pgfplots.figure(acts, size=size, title=output["title"], theme_name=output["theme"],
                           transparent=output["transparent"], **figure)
    files.write_atomic(path, text.encode())
    click.echo(f"wrote {path} (pgfplots, {size[0]:g}×{size[1]:g} in)")


def _draw_in_terminal(acts, derivative, derivative_only, tile, layout, threshold, no_shade, formula, xlim, ylim,
                      colour, output):
    """`plot --term`: the figure as text on standard output, in one panel, in English."""
    import shutil
    from . import terminal
    refused = [name for name, given in (("-o", output["output"]), ("--grid", tile), ("--layout side", layout == "side"),
                                        ("--formula", formula), ("--lang zh", output["lang"] == "zh")) if given]
    if refused:
        fail(f"--term draws one panel of text in English; it cannot be combined with {', '.join(refused)}")
    size = shutil.get_terminal_size()
    depth = terminal.colour_depth(colour, sys.stdout.isatty())
    click.echo(terminal.draw(acts, function=not derivative_only, derivative=derivative or derivative_only,
                             shade=not no_shade, threshold=threshold, xlim=xlim or None, ylim=ylim or None,
                             title=output["title"] and output["title"].replace("\n", "  "),  # one line of text
                             width=size.columns, height=size.lines, depth=depth),
               nl=False, color=bool(depth))


def _check_finite_somewhere(acts, xlim, function, derivative, samples=1001):
    """Refuse a range on which a drawn curve has nothing finite to show (eˣ on 710–800)."""
    x = np.linspace(*xlim, samples)
    for act in acts:
        curves = [("f", act.f)] * function + [("f'", act.df)] * derivative
        for what, g in curves:
            if not np.isfinite(g(x)).any():
                fail(f"nothing to draw: {what} of {act.label} is not finite at any of {samples} points across "
                      f"--xlim {_shortest(xlim[0])} {_shortest(xlim[1])}; choose a range where it is")


@cli.command()
@click.option("--out", type=click.Path(file_okay=False), default="gallery", show_default=True, callback=not_blank,
              help="Folder to (re)generate.")
@click.option("--formats", default="png,svg", show_default=True, help=f"Comma list of {', '.join(files.FORMATS)}.")
@click.option("--jobs", type=Integer(1, 64), default=None, help="Processes [default: one per core].")
@click.option("--theme", type=click.Choice(THEMES), default="light", show_default=True)
@click.option("--lang", type=click.Choice(LANGUAGES), default="en", show_default=True,
              help="Language of the figures' texts (zh needs a CJK font).")
@click.option("--check", is_flag=True, help="Only check that the folder is complete, whole and current.")
@click.option("--force", is_flag=True,
              help="Put a gallery into a folder that holds other files (they are never touched).")
@click.option("--html", is_flag=True, help="Add explorer.html: every function on one interactive page.")
def gallery(out, formats, jobs, theme, lang, check, force, html):
    """Regenerate the gallery: every function, comparisons, teaching figures.

    Only files the gallery made (listed in its index.json) are ever
    overwritten or deleted.

    \b
    Examples:
      actviz gallery
      actviz gallery --check
      actviz gallery --out slides --formats png,pdf --theme dark
      actviz gallery --html
    """
    from pathlib import Path
    from . import gallery as gallery_module
    chosen = tuple(dict.fromkeys(f.strip().lower() for f in formats.split(",") if f.strip()))
    unknown = [f for f in chosen if f not in files.FORMATS]
    if unknown or not chosen:
        fail(f"--formats takes a comma list of {', '.join(files.FORMATS)}; got {formats!r}")
    folder = Path(out)
    count = len(gallery_module.jobs(html))
    if check:
        problems = gallery_module.check(folder, chosen, theme, lang, jobs, html)
        if problems:
            fail(f"{folder} is not current ({len(problems)} problem{'s' * (len(problems) > 1)}: "
                  f"{'; '.join(problems[:3])}"
                  + ("; …" if len(problems) > 3 else "") + f"); run `actviz gallery{' --html' * html}`")
        click.echo(f"{folder} is complete and current ({count} figures).")
        return
    # A progress bar only where someone watches it: a log gets no bar, and on
    # a signal stderr holds the one line "Interrupted.".
    watched = sys.stderr.isatty()
    with (click.progressbar(length=count, label="drawing", file=sys.stderr, show_pos=True) if watched
          else contextlib.nullcontext()) as bar:
        gallery_module.build(folder, chosen, theme, jobs, lang=lang, force=force,
                             progress=(lambda job: bar.update(1)) if watched else None, html=html)
    click.echo(f"{folder}: {count} figures × {', '.join(chosen)}, README.md and {gallery_module.INDEX}")


# Animation formats, spelled out here so that building the CLI does not import matplotlib (animation.FORMATS).
ANIMATION_FORMATS = ("gif", "mp4", "html")
MAX_FRAMES = 1000  # animation.MAX_FRAMES


def _sweep_values(key: str, text: str) -> list:
    """'0:0.3:31' as 31 values evenly from 0 to 0.3, each rounded to 12
    significant digits (so that the value drawn is the decimal shown, 0.3,
    not 0.30000000000000004); 'a,b,c' as those values."""
    if ":" not in text:
        return text.split(",")
    parts = text.split(":")
    if len(parts) != 3 or not re.fullmatch(r"\s*[0-9]+\s*", parts[2]):
        fail(f"a sweep is -p {key}=START:STOP:COUNT (e.g. 0:0.3:31) or a comma list; got {text!r}")
    try:
        start, stop = (parse_number(part) for part in parts[:2])
    except ValueError:
        fail(f"the ends of the sweep {key}={text} must be numbers")
    count = int(parts[2])
    if not (math.isfinite(start) and math.isfinite(stop)):
        fail(f"the ends of the sweep {key}={text} must be finite")
    if not 2 <= count <= MAX_FRAMES:
        fail(f"a sweep takes 2–{MAX_FRAMES} frames; got a count of {count} in {key}={text}")
    step = (stop - start) / (count - 1)
    return [float(f"{start + i * step:.12g}") if i < count - 1 else stop for i in range(count)]


@cli.command()
@click.argument("name", type=ActivationName(every_kind=True))
@click.option("-p", "--param", "params", multiple=True, metavar="KEY=VALUE",
              help="Sweep one parameter: -p negative_slope=0:0.3:31 (START:STOP:COUNT) or =0.01,0.1,0.3; "
                   "fix others with key=value.")
@preset_option
@click.option("-d", "--derivative", is_flag=True, help="Draw f' too.")
@click.option("--derivative-only", is_flag=True, help="Draw f' alone.")
@click.option("--layout", type=click.Choice(["overlay", "side"]), default="overlay", show_default=True,
              help="f' on the same axes, or in a second panel beside f.")
@click.option("--threshold", type=Number(finite=True), default=0.05, show_default=True,
              help="Shade where |f'(x)| is below this.")
@click.option("--no-shade", is_flag=True, help="Do not shade saturated or dead regions.")
@click.option("--formula", is_flag=True, help="Put f (and f') in the legend, typeset.")
@click.option("--xlim", nargs=2, type=Number(finite=True, low=-AXIS_LIMIT, high=AXIS_LIMIT), metavar="LO HI",
              help="x-range (default: every frame's own, joined).")
@click.option("--ylim", nargs=2, type=Number(finite=True, low=-AXIS_LIMIT, high=AXIS_LIMIT), metavar="LO HI",
              help="y-range (default: what holds every frame).")
@click.option("--fps", type=Number(finite=True), default=10.0, show_default=True,
              help="Frames per second, at most 50.")
@click.option("--loop/--no-loop", default=True, show_default=True, help="Play for ever, or once (GIF, HTML).")
@click.option("--bounce", is_flag=True, help="Play forth and back.")
@click.option("--training", is_flag=True,
              help="RReLU in training mode: each frame a slope drawn at random from [lower, upper].")
@click.option("--frames", type=Integer(2, MAX_FRAMES), default=30, show_default=True,
              help="With --training: how many slopes.")
@click.option("--seed", type=SEED, default=0, show_default=True, help="With --training: the random slopes' seed.")
@output_options(without=("transparent", "svg_text"),
                output_help="File to write: .gif, .html or .mp4 (needs the video extra) [default: NAME.gif here].")
def animate(name, params, preset, derivative, derivative_only, layout, threshold, no_shade, formula, xlim, ylim,
            fps, loop, bounce, training, frames, seed, output, dpi, size, theme, title, font_scale, lang,
            max_pixels):
    """Animate a parameter sweep: a GIF, an MP4 or an HTML page.

    Axes stay fixed over the whole sweep; the current value is the title.
    A vector function (softmax, …) is drawn in its two-class form, p₁
    against z₁ − z₂, as `actviz plot` draws it.

    \b
    Examples:
      actviz animate leaky_relu -p negative_slope=0:0.3:31 -d -o sweep.gif
      actviz animate elu -p alpha=0.1:2:20 -d --bounce -o elu.mp4
      actviz animate softplus -p beta=0.5,1,2,5,10 --fps 2 -o softplus.html
      actviz animate rrelu --training --frames 20 --seed 1 -d
      actviz animate softmax -p temperature=0.25:4:16 -d
    """
    if name in GATED:
        fail(f"{name} is a gated function of two inputs with no parameters to sweep; `actviz plot {name}` draws it")
    for option, limits in (("--xlim", xlim), ("--ylim", ylim)):
        if limits and not limits[0] < limits[1]:
            fail(f"{option} needs LO < HI; got {_shortest(limits[0])} {_shortest(limits[1])}")
    if threshold <= 0:
        fail("--threshold must be > 0")
    if layout == "side" and not (derivative and not derivative_only):
        fail("--layout side puts f and f′ side by side: add -d (and drop --derivative-only)")
    path, fmt = files.target(output or f"{name}.gif", ANIMATION_FORMATS)
    values = parse_params(params, [name])[name]
    swept = {key: _sweep_values(key, value if isinstance(value, str) else ",".join(value))
             for key, value in values.items() if isinstance(value, list) or ":" in value}
    fixed = {key: value for key, value in values.items() if key not in swept}
    from . import animation, plotting
    if training:
        if name != "rrelu":
            fail(f"--training is for rrelu (its random slope); {name} has no training mode")
        if swept:
            fail("--training draws the slope at random: give lower and upper as single values, not a sweep")
        sweep = animation.training_frames(frames, seed, preset, title, **fixed)
    elif len(swept) != 1:
        fail("nothing to animate: sweep one parameter, e.g. -p negative_slope=0:0.3:31" if not swept else
              f"sweep one parameter at a time; got {', '.join(swept)}")
    else:
        (key, sweep_values), = swept.items()
        if name in VECTOR and title is None:
            title = vectors.two_class_label(bind(name, [], preset), lang)
        sweep = animation.sweep_frames(name, key, sweep_values, fixed, preset, title)
    if xlim:
        _check_finite_somewhere([f.act for f in sweep], xlim, function=not derivative_only,
                                derivative=derivative or derivative_only)
    options = plotting.FigureOptions(derivative=derivative, derivative_only=derivative_only, layout=layout,
                                     shade=not no_shade, threshold=threshold, formula=formula, xlim=xlim or None,
                                     ylim=ylim or None, size=plotting.parse_size(size))
    # A progress bar only where someone watches it, as the gallery's.
    watched = sys.stderr.isatty()
    with (click.progressbar(length=animation.steps(len(sweep), bounce, fmt), label="drawing", file=sys.stderr,
                            show_pos=True) if watched else contextlib.nullcontext()) as bar, \
            plotting.theme(theme, font_scale, lang) as look:
        width, height = animation.write(path, fmt, sweep, options, look, dpi=dpi, fps=fps,
                                        loop=loop, bounce=bounce, max_pixels=max_pixels,
                                        progress=(lambda: bar.update(1)) if watched else None)
    click.echo(f"wrote {files.describe(path, (width, height, 'px'))}, {len(sweep)} frames")


def main():
    """The console-script entry point.

    Once the command has finished and its output is flushed, the process
    ends at once (os._exit), without the interpreter's teardown: freeing
    matplotlib's and numpy's modules object by object takes 70 ms of a
    0.8 s `actviz plot`, and there is nothing left to free for.  Every file
    is written and closed, and every worker process ended, by then; an
    exception that is not an exit still ends the process the usual way, and
    so does every run under a profiler or a tracer (cProfile, coverage),
    which reports at exit."""
    if sys.getprofile() is not None or sys.gettrace() is not None:
        return cli(prog_name="actviz")
    try:
        cli(prog_name="actviz")
    except SystemExit as done:
        status = done.code
    else:
        status = 0
    if status is not None and not isinstance(status, int):
        print(status, file=sys.stderr)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, OSError, ValueError):  # none, gone or closed: nothing to flush to
            stream.flush()
    os._exit(status if isinstance(status, int) else 0 if status is None else 1)
