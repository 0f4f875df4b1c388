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
import unicodedata

import click
import numpy as np

from . import __version__
from . import output as files
from .functions import (ALIASES, PRESETS, REGISTRY, ActvizError, describe_params, family, get, parse_number,
                        resolve_name)

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
# `eval --num` and `sparsity --samples`.  eval's memory stays flat at any
# length, but 10⁷ rows are already ~0.6 GB of text and a minute of CPU: a
# typo beyond that is refused (the Python API takes arrays of any size).
MAX_POINTS = 10_000_000
# Axis limits stay this far inside the double range (1.8e308), so that an
# axis's span and its margins cannot overflow.
AXIS_LIMIT = 1e300
# The shipped themes and figure languages (actviz/styles/*.mplstyle, plotting.LANGUAGES),
# spelled out here so that building the CLI does not import matplotlib.
THEMES = ("light", "dark", "print")
LANGUAGES = ("en", "zh")


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


class ActivationName(click.ParamType):
    """A registered name or alias, completed from the registry."""

    name = "NAME"

    def convert(self, value, param, ctx):
        return resolve_name(value)

    def shell_complete(self, ctx, param, incomplete):
        from click.shell_completion import CompletionItem
        return [CompletionItem(n, help=REGISTRY[ALIASES.get(n, n)].summary)
                for n in sorted([*REGISTRY, *ALIASES]) if n.startswith(incomplete)]


class Number(click.ParamType):
    """A float as typed: '-800', '1e-300', 'nan', 'inf' (not '1_0' or '0x10')."""

    name = "X"

    def __init__(self, finite: bool = False, low: float = -math.inf, high: float = math.inf):
        self.finite, self.low, self.high = finite, low, high

    def convert(self, value, param, ctx):
        if isinstance(value, float):
            return value
        what = param.opts[0] if isinstance(param, click.Option) else "X"
        try:
            number = parse_number(value)
        except ValueError:
            raise ActvizError(f"{what} must be a number; got {value!r}") from None
        if self.finite and not math.isfinite(number):
            raise ActvizError(f"{what} must be a finite number; got {value!r}")
        if number < self.low or number > self.high:
            raise ActvizError(f"{what} must lie in {self.low:g}–{self.high:g}; got {value!r}")
        return number


class Integer(click.IntRange):
    """An integer as typed, within a range: '30', not '3_0' (which Python's
    int reads as 30) or digits of another script."""

    def convert(self, value, param, ctx):
        if isinstance(value, str) and not re.fullmatch(r"\s*[+-]?[0-9]+\s*", value):
            self.fail(f"{value!r} is not a valid integer.", param, ctx)
        return super().convert(value, param, ctx)


class FigureText(click.ParamType):
    """Text for a figure: printable, line breaks allowed.  matplotlib typesets
    what lies between dollar signs (mathtext); a formula it cannot parse
    ('$\\frac{$') is drawn as the literal text instead, its dollar signs
    escaped, rather than failing while the figure is drawn."""

    name = "TEXT"

    def convert(self, value, param, ctx):
        from matplotlib import cbook
        from matplotlib.font_manager import FontProperties
        from matplotlib.mathtext import MathTextParser
        if any(unicodedata.category(c) == "Cc" and c != "\n" for c in value):
            self.fail(f"{value!r} holds a control character (only line breaks are drawn)", param, ctx)
        if not cbook.is_math_text(value):
            return value
        try:
            MathTextParser("path").parse(value, 72, FontProperties())
        except ValueError:
            return re.sub(r"(?<!\\)\$", r"\\$", value)
        return value


SEED = Integer(min=0)  # numpy's default_rng takes any integer ≥ 0


def _fail(message: str):
    raise click.UsageError(message)


def parse_params(pairs, names):
    """-p key=value (or name.key=value, or key=v1,v2,v3) → {name: {key: value}}."""
    out = {name: {} for name in names}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key or not value:
            _fail(f"parameter {pair!r} must look like key=value (e.g. -p negative_slope=0.2)")
        target, dot, key = key.rpartition(".")
        if dot:
            target = resolve_name(target)
            if target not in out:
                _fail(f"parameter {pair!r} names {target!r}, which is not being drawn")
            targets = [target]
        else:
            targets = [n for n in names if any(p.name == key for p in REGISTRY[n].params)] or names[:1]
        parts = value.split(",")
        for target in targets:
            out[target][key] = parts if len(parts) > 1 else value
    return out


def _shortest(value: float) -> str:
    """The shortest text that reads back as the same double."""
    return repr(float(value))


def _json_number(value):
    """Strict JSON has no NaN or infinity: they are written as the strings
    "NaN", "Infinity" and "-Infinity"."""
    value = float(value)
    return value if math.isfinite(value) else {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}[repr(value)]


def _finite_json(data):
    if isinstance(data, float):
        return _json_number(data)
    if isinstance(data, dict):
        return {k: _finite_json(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_finite_json(v) for v in data]
    return data


PARAM_HELP = "Set a parameter: -p negative_slope=0.2 (repeatable; name.key=value with several names)."
preset_option = click.option("--preset", type=click.Choice(list(PRESETS)), default="torch", show_default=True,
                             help="Whose defaults: PyTorch's, jax.nn's or Keras's.")
param_option = click.option("-p", "--param", "params", multiple=True, metavar="KEY=VALUE", help=PARAM_HELP)


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
    rows = [{"name": s.name, "aliases": list(s.aliases), "parameters": {p.name: p.default for p in s.params},
             "summary": s.summary} for s in REGISTRY.values()]
    if as_json:
        click.echo(json.dumps(_finite_json(rows), indent=2))
        return
    width = max(len(s.name) for s in REGISTRY.values())
    for spec in REGISTRY.values():
        extra = f"  [{describe_params(spec)}]" if spec.params else ""
        aliases = f"  (also {', '.join(spec.aliases)})" if spec.aliases else ""
        click.echo(f"{spec.name:<{width}}  {spec.summary}{extra}{aliases}")


def _bind(name, params, preset):
    values = parse_params(params, [name])[name]
    if any(isinstance(v, list) for v in values.values()):
        _fail("a comma list of values is only for `actviz plot`")
    return get(name, preset, **values)


@cli.command()
@click.argument("name", type=ActivationName())
@param_option
@preset_option
@click.option("--threshold", type=Number(finite=True), default=0.05, show_default=True,
              help="Saturation means |f'(x)| below this.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def info(name, params, preset, threshold, as_json):
    """Formula, range, derivative facts and saturation of one function.

    \b
    Examples:
      actviz info gelu
      actviz info elu -p alpha=0.5 --threshold 0.1 --json
    """
    from .analysis import summary
    if threshold <= 0:
        _fail("--threshold must be > 0")
    facts = summary(_bind(name, params, preset), threshold)
    if as_json:
        click.echo(json.dumps(_finite_json(facts), indent=2, ensure_ascii=False))
        return
    click.echo(_format_info(facts))


DERIVATIVE_PREFIX = "f'(x) = "


def _format_info(facts):
    from .analysis import format_number as num
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
    lines = [
        f"{facts['name']}: {facts['summary']}",
        *([f"  parameters   {params}"] if params else []),
        *([f"  aliases      {', '.join(facts['aliases'])}"] if facts["aliases"] else []),
        f"  f(x)         {facts['formula'].removeprefix('f(x) = ')}",
        f"  f'(x)        {facts['derivative'].removeprefix(DERIVATIVE_PREFIX)}",
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
        f"  monotonic    {'yes' if facts['monotonic'] else 'no'}",
        f"  smoothness   {facts['continuity']}",
        f"  zero-centred {'yes (odd)' if facts['zero_centred'] else 'no'}",
        f"  PyTorch      {facts['torch'] or '(none)'}",
    ]
    if facts["reference"]:
        lines.append(f"  reference    {facts['reference']}")
    return "\n".join(lines)


@cli.command("eval", context_settings={"ignore_unknown_options": True})
@click.argument("name", type=ActivationName())
@click.argument("xs", nargs=-1, type=Number(), metavar="X...")
@param_option
@preset_option
@click.option("-d", "--derivative", is_flag=True, help="Add the derivative f'(x).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option("--range", "grid", nargs=2, type=Number(finite=True), metavar="LO HI",
              help="Evaluate on an even grid from LO to HI instead of the given X.")
@click.option("--num", type=Integer(2, MAX_POINTS), help="Points on the --range grid [default: 11].")
def eval_cmd(name, xs, params, preset, derivative, fmt, grid, num):
    """Evaluate a function (and its derivative) at X... or on a grid.

    Negative numbers work as typed; values print so they read back exactly.
    A long grid is evaluated and printed a piece at a time.

    \b
    Examples:
      actviz eval sigmoid -800 0 37 --derivative
      actviz eval gelu --range -3 3 --num 7 --format csv
    """
    act = _bind(name, params, preset)
    if grid and xs:
        _fail("give the points X... or --range LO HI, not both")
    if grid:
        lo, hi = grid
        num = 11 if num is None else num
        if not lo < hi:
            _fail(f"--range needs LO < HI; got {_shortest(lo)} {_shortest(hi)}")
        points = EvenGrid(lo, hi, num)
    elif num is not None:
        _fail("--num goes with --range LO HI")
    elif xs:
        points = [np.array(xs, dtype=float)]
    else:
        _fail("give the points X... or --range LO HI")
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
    header = [{"x": "x", "f": f"{act.name}(x)", "df": f"{act.name}'(x)"}[k] for k in columns]
    widths = [len(h) for h in header]
    for pieces, x in enumerate(points, 1):
        texts = _texts(columns, x)
        widths = [max(w, *map(len, column)) for w, column in zip(widths, texts)]
    yield "  ".join(h.rjust(w) for h, w in zip(header, widths))
    for texts in [texts] if pieces == 1 else (_texts(columns, x) for x in points):
        yield "".join("\n" + "  ".join(c.rjust(w) for c, w in zip(row, widths)) for row in zip(*texts))
    yield "\n"


def _csv(columns, points, act):
    yield ",".join(columns) + "\n"
    for x in points:
        yield "".join(",".join(row) + "\n" for row in zip(*_texts(columns, x)))


def _json(columns, points, act):
    """What json.dumps(..., indent=2) prints, one column after another."""
    head = json.dumps({"name": act.name, "parameters": _finite_json(dict(act.params))}, indent=2)
    yield head.removesuffix("\n}")
    for key, g in columns.items():
        yield f',\n  "{key}": ['
        separator = "\n    "
        for x in points:
            yield separator + ",\n    ".join(repr(v) if math.isfinite(v) else json.dumps(_json_number(v))
                                             for v in g(x).tolist())
            separator = ",\n    "
        yield "\n  ]"
    yield "\n}\n"


_FORMATS = {"table": _table, "csv": _csv, "json": _json}


def output_options(command):
    """The options every drawing command shares: where, how big, which look."""
    options = [
        click.option("-o", "--output", type=click.Path(dir_okay=False), callback=_not_blank,
                     help="File to write: .png, .svg or .pdf [default: NAME.png here]."),
        click.option("--dpi", type=Integer(20, 1200), default=None, help="Raster resolution [theme: 200]."),
        click.option("--size", default="16:9", show_default=True, help="16:9, 4:3, 1:1 or WxH in inches."),
        click.option("--theme", type=click.Choice(THEMES), default="light", show_default=True),
        click.option("--transparent", is_flag=True, help="Transparent background."),
        click.option("--title", type=FigureText(), help="Figure title (default: chosen for the figure)."),
        click.option("--font-scale", type=Number(finite=True, low=0.5, high=3.0), default=1.0, show_default=True,
                     help="Scale every text, for large rooms."),
        click.option("--svg-text", type=click.Choice(["text", "path"]), default="text", show_default=True,
                     help="Keep SVG text editable, or convert it to outlines for viewers without the font."),
        click.option("--lang", type=click.Choice(LANGUAGES), default="en", show_default=True,
                     help="Language of the figure's texts (zh needs a CJK font)."),
        click.option("--max-pixels", type=click.IntRange(1), default=files.MAX_PIXELS, show_default=True,
                     help="Refuse a PNG with more pixels than this (a typo in --dpi or --size cannot "
                          "take the machine down)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _not_blank(ctx, param, value):
    """`-o "$OUT"` with OUT unset is a mistake, not a request for the default."""
    if value is not None and not value.strip():
        raise ActvizError(f"{param.opts[-1]} is empty (an unset shell variable?); give a name")
    return value


def _draw(build, default_stem, output, dpi, size, theme, transparent, title, font_scale, svg_text, lang,
          max_pixels):
    """Build a figure with `build(size, title)` inside the theme, write it
    atomically and say what was written: 'wrote relu.png (1600×900 px)'."""
    from . import plotting
    path, fmt = files.target(output or f"{default_stem}.png")
    size_inches = plotting.parse_size(size)
    with plotting.theme(theme, font_scale, lang):
        data = plotting.render(build(size_inches, title), fmt, dpi=dpi, transparent=transparent,
                               svg_text=svg_text, max_pixels=max_pixels)
    files.write_atomic(path, data)
    click.echo(f"wrote {files.describe(path, files.figure_size(data, fmt))}")


def _default_stem(names) -> str:
    """'sigmoid-tanh'; past four names 'sigmoid-tanh-relu-and-44-more', a
    file name any file system takes."""
    names = list(dict.fromkeys(names))
    return "-".join(names) if len(names) <= 4 else "-".join(names[:3]) + f"-and-{len(names) - 3}-more"


def _activations(names, params, preset):
    per_name = parse_params(params, list(dict.fromkeys(names)))
    return [a for name in per_name for a in family(name, per_name[name], preset)]


@cli.command()
@click.argument("names", nargs=-1, required=True, type=ActivationName())
@param_option
@preset_option
@click.option("-d", "--derivative", is_flag=True, help="Draw f' too, dashed, in the same colour.")
@click.option("--derivative-only", is_flag=True, help="Draw f' alone.")
@click.option("--layout", type=click.Choice(["auto", "overlay", "side"]), default="auto", show_default=True,
              help="f' on the same axes, or in a second panel beside f (auto: side for a family).")
@click.option("--grid", "tile", is_flag=True, help="One panel per function.")
@click.option("--threshold", type=Number(finite=True), default=0.05, show_default=True,
              help="Shade where |f'(x)| is below this.")
@click.option("--no-shade", is_flag=True, help="Do not shade saturated or dead regions.")
@click.option("--formula", is_flag=True, help="Put f (and f') in the legend, typeset.")
@click.option("--xlim", nargs=2, type=Number(finite=True, low=-AXIS_LIMIT, high=AXIS_LIMIT), metavar="LO HI",
              help="x-range (default: per function).")
@click.option("--own-xlim", is_flag=True, help="With --grid: each panel on its function's own x-range.")
@click.option("--ylim", nargs=2, type=Number(finite=True, low=-AXIS_LIMIT, high=AXIS_LIMIT), metavar="LO HI",
              help="y-range (default: automatic).")
@output_options
def plot(names, params, preset, derivative, derivative_only, layout, tile, threshold, no_shade, formula,
         xlim, own_xlim, ylim, **output):
    """Draw functions and their derivatives, with saturation shaded.

    \b
    Examples:
      actviz plot relu --derivative -o relu.svg
      actviz plot sigmoid tanh relu -d --grid
      actviz plot leaky_relu -p negative_slope=0.01,0.1,0.3 -d
      actviz plot gelu -d --layout side --theme dark -o gelu.pdf
    """
    for name, limits in (("--xlim", xlim), ("--ylim", ylim)):
        if limits and not limits[0] < limits[1]:
            _fail(f"{name} needs LO < HI; got {_shortest(limits[0])} {_shortest(limits[1])}")
    if threshold <= 0:
        _fail("--threshold must be > 0")
    if layout == "side" and tile:
        _fail("--grid draws one panel per function; it cannot be combined with --layout side")
    if layout == "side" and not (derivative and not derivative_only):
        _fail("--layout side puts f and f′ side by side: add -d (and drop --derivative-only)")
    acts = _activations(names, params, preset)
    if xlim:
        _check_finite_somewhere(acts, xlim, function=not derivative_only, derivative=derivative or derivative_only)
    from . import plotting

    def build(size, title):
        return plotting.figure(acts, plotting.FigureOptions(
            derivative=derivative, derivative_only=derivative_only, layout="grid" if tile else layout,
            shade=not no_shade, threshold=threshold, formula=formula, xlim=xlim or None,
            ylim=ylim or None, own_xlim=own_xlim, size=size, title=title))
    _draw(build, _default_stem(names), **output)


def _check_finite_somewhere(acts, xlim, function, derivative, samples=1001):
    """Refuse a range on which a drawn curve has nothing finite to show (eˣ on 710–800)."""
    x = np.linspace(*xlim, samples)
    for act in acts:
        curves = [("f", act.f)] * function + [("f'", act.df)] * derivative
        for what, g in curves:
            if not np.isfinite(g(x)).any():
                _fail(f"nothing to draw: {what} of {act.label} is not finite at any of {samples} points across "
                      f"--xlim {_shortest(xlim[0])} {_shortest(xlim[1])}; choose a range where it is")


@cli.command()
@click.argument("names", nargs=-1, type=ActivationName())
@param_option
@preset_option
@click.option("--layers", type=Integer(1, 1000), default=30, show_default=True)
@click.option("--width", type=Integer(1, 4096), default=64, show_default=True, help="Units per layer.")
@click.option("--seeds", type=Integer(1, 100), default=5, show_default=True,
              help="Random networks; the band spans their minimum to maximum.")
@click.option("--init", type=click.Choice(["he", "xavier"]), default="he", show_default=True,
              help="Weight variance 2/width (He) or 1/width (Xavier).")
@click.option("--weight-scale", type=Number(finite=True, low=0.01, high=100), default=1.0, show_default=True,
              help="Multiply every weight: above 1 the gradient explodes.")
@output_options
def depth(names, params, preset, layers, width, seeds, init, weight_scale, **output):
    """The vanishing gradient: gradient norm at each layer of a deep MLP.

    \b
    Examples:
      actviz depth sigmoid tanh relu gelu --layers 30
      actviz depth relu --weight-scale 1.5          # exploding
    """
    from . import plotting, teaching
    acts = _activations(names or ("sigmoid", "tanh", "relu", "gelu"), params, preset)
    profiles = [teaching.gradient_through_depth(a, layers=layers, width=width, seeds=seeds, init=init,
                                                weight_scale=weight_scale) for a in acts]
    for profile in profiles:
        if not ((profile.norms > 0) & np.isfinite(profile.norms)).any():
            _fail(f"nothing to draw: the gradient norm of {profile.act.label} is 0, inf or nan at every layer "
                  "(it vanished or overflowed); use fewer --layers or a --weight-scale nearer 1")
    _draw(lambda size, title: plotting.depth_figure(profiles, size, title), "depth", **output)


@cli.command()
@click.argument("names", nargs=-1, type=ActivationName())
@param_option
@preset_option
@click.option("--steps", type=Integer(1, 10000), default=80, show_default=True)
@click.option("--lr", type=Number(finite=True, low=1e-6, high=10), default=0.5, show_default=True, help="Learning rate.")
@click.option("--seed", type=SEED, default=0, show_default=True)
@output_options
def zigzag(names, params, preset, steps, lr, seed, **output):
    """Why zero-centred outputs matter: SGD paths fed by sigmoid vs tanh.

    \b
    Examples:
      actviz zigzag sigmoid tanh -o zigzag.svg
      actviz zigzag softplus elu -p alpha=0.5        # softplus > 0 zig-zags, elu does not
    """
    from . import plotting, teaching
    acts = _activations(names or ("sigmoid", "tanh"), params, preset)
    results = [teaching.zigzag(a, steps=steps, lr=lr, seed=seed) for a in acts]
    _draw(lambda size, title: plotting.zigzag_figure(results, size, title), "zigzag", **output)


@cli.command()
@click.argument("names", nargs=-1, type=ActivationName())
@param_option
@preset_option
@click.option("--samples", type=Integer(100, MAX_POINTS), default=200_000, show_default=True)
@click.option("--seed", type=SEED, default=0, show_default=True)
@output_options
def sparsity(names, params, preset, samples, seed, **output):
    """Dead units and sparsity: f(x) for x ~ N(0, 1), its mean and its zeros.

    \b
    Example:
      actviz sparsity sigmoid tanh relu gelu
    """
    from . import plotting, teaching
    acts = _activations(names or ("sigmoid", "tanh", "relu", "gelu"), params, preset)
    results = [teaching.sparsity(a, samples=samples, seed=seed) for a in acts]
    _draw(lambda size, title: plotting.sparsity_figure(results, size, title), "sparsity", **output)


@cli.command()
@click.argument("name", type=ActivationName(), default="relu")
@param_option
@preset_option
@click.option("--layers", type=Integer(1, 50), default=4, show_default=True)
@click.option("--width", type=Integer(1, 512), default=8, show_default=True)
@click.option("--seed", type=SEED, default=0, show_default=True)
@output_options
def collapse(name, params, preset, layers, width, seed, **output):
    """Without an activation a deep network is a straight line.

    \b
    Example:
      actviz collapse tanh --layers 6
    """
    from . import plotting, teaching
    act = _bind(name, params, preset)
    result = teaching.collapse(act, layers=layers, width=width, seed=seed)
    _draw(lambda size, title: plotting.collapse_figure(act, result, layers, size, title), "collapse", **output)


@cli.command()
@click.argument("names", nargs=-1, required=True, type=ActivationName())
@param_option
@preset_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option("--cost", is_flag=True,
              help="Add f's time per element, relative to the cheapest listed, measured on this machine "
                   "(it differs from run to run).")
@output_options
def compare(names, params, preset, as_json, cost, **output):
    """A matrix of properties; with -o, drawn as a table figure.

    Without --cost nothing is timed, so the same command gives the same
    table and the same figure, byte for byte.

    \b
    Examples:
      actviz compare sigmoid tanh relu gelu
      actviz compare sigmoid tanh relu gelu -o properties.svg
      actviz compare relu leaky_relu -p negative_slope=0.01,0.2 --cost
    """
    from . import teaching
    rows = teaching.properties(_activations(names, params, preset), measure_cost=cost)
    if output["output"]:
        from . import plotting

        _draw(lambda size, title: _noting_growth(plotting.compare_figure(rows, size, title), size, "the table does"),
              "compare", **output)
    elif as_json:
        click.echo(json.dumps(_finite_json(rows), indent=2, ensure_ascii=False))
    else:
        header = [k if k != "cost" else teaching.COST_HEADER for k in rows[0]]
        cells = [header] + [[teaching.format_cell(v) for v in row.values()] for row in rows]
        widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
        click.echo("\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in cells))


def _noting_growth(fig, size, what):
    """`fig`, after a note on stderr if it had to grow past `size` to keep its text readable."""
    width, height = fig.get_size_inches()
    if not np.allclose((width, height), size):
        click.echo(f"note: {what} not fit {size[0]:g}×{size[1]:g} in at a readable size; "
                   f"drawn at {width:.3g}×{height:.3g} in", err=True)
    return fig


def _numbers(ctx, param, value):
    """'0.5,-1,2' → [0.5, -1.0, 2.0]."""
    if value is None:
        return None
    try:
        numbers = [parse_number(item) for item in value.split(",")]
    except ValueError:
        numbers = [math.nan]
    if not all(map(math.isfinite, numbers)):
        raise ActvizError(f"{param.opts[-1]} takes a comma list of finite numbers, one per layer; got {value!r}")
    return numbers


@cli.command()
@click.argument("names", nargs=-1, type=ActivationName())
@param_option
@preset_option
@click.option("--layers", type=Integer(1, 8), help="Neurons in the chain [default: one per --weights, else 4].")
@click.option("--x", type=Number(finite=True), default=1.0, show_default=True, help="The input.")
@click.option("-w", "--weights", callback=_numbers, metavar="W1,W2,...",
              help="One per layer [default: drawn with --seed].")
@click.option("-b", "--biases", callback=_numbers, metavar="B1,B2,...",
              help="One per layer [default: drawn with --seed].")
@click.option("--seed", type=SEED, default=0, show_default=True, help="Draws the weights and biases not given.")
@click.option("--loss", type=click.Choice(["none", "mse"]), default="none", show_default=True,
              help="none: L is the output itself; mse: L = (output − target)².")
@click.option("--target", type=Number(finite=True), help="The target of --loss mse [default: 0].")
@click.option("--forward-only", is_flag=True, help="Draw the forward pass only.")
@click.option("--linear", is_flag=True, help="No activation: a chain of linear maps.")
@click.option("--digits", type=Integer(1, 17), default=3, show_default=True, help="Significant digits drawn.")
@click.option("--json", "as_json", is_flag=True, help="Print every forward value and gradient as JSON instead.")
@output_options
def backprop(names, params, preset, layers, x, weights, biases, seed, loss, target, forward_only, linear, digits,
             as_json, **output):
    """Forward and backward pass through a chain of neurons, with the numbers.

    Several functions share the input and the weights, so that what differs
    is the activation alone.

    \b
    Examples:
      actviz backprop sigmoid --layers 4 --x 1.5 -o chain.svg
      actviz backprop sigmoid tanh relu -w 0.8,-1.2,1.5,0.9 -b 0.1,0.3,-0.2,0.1
      actviz backprop relu --loss mse --target 1 --json
      actviz backprop --linear --forward-only --layers 3
    """
    from . import backprop as chains_module
    if linear and names:
        _fail("--linear draws the chain without an activation; give no function names")
    if target is not None and loss != "mse":
        _fail("--target goes with --loss mse")
    if as_json and output["output"]:
        _fail("--json prints the numbers instead of drawing them; drop -o or --json")
    given = [(option, len(values)) for option, values in (("--weights", weights), ("--biases", biases)) if values]
    layers = layers or (given[0][1] if given else 4)
    for option, count in given:
        if count != layers:
            _fail(f"{option} has {count} value{'s' * (count > 1)} but the chain has {layers} layers")
    drawn_weights, drawn_biases = chains_module.random_parameters(layers, seed)
    acts = [None] if linear else _activations(names or ("sigmoid",), params, preset)
    chains = [chains_module.chain(act, x, weights or drawn_weights, biases or drawn_biases, loss=loss,
                                  target=target or 0.0) for act in acts]
    if as_json:
        click.echo(json.dumps(_finite_json(chains_module.to_json(chains)), indent=2, ensure_ascii=False))
        return
    _draw(lambda size, title: _noting_growth(chains_module.figure(chains, forward_only=forward_only, digits=digits,
                                                                  size=size, title=title), size, "the chains do"),
          "backprop-" + ("linear" if linear else _default_stem(names or ("sigmoid",))), **output)


@cli.command()
@click.option("--out", type=click.Path(file_okay=False), default="gallery", show_default=True, callback=_not_blank,
              help="Folder to (re)generate.")
@click.option("--formats", default="png,svg", show_default=True, help="Comma list of png, svg, pdf.")
@click.option("--jobs", type=Integer(1, 64), default=None, help="Processes [default: one per core].")
@click.option("--theme", type=click.Choice(THEMES), default="light", show_default=True)
@click.option("--lang", type=click.Choice(LANGUAGES), default="en", show_default=True,
              help="Language of the figures' texts (zh needs a CJK font).")
@click.option("--check", is_flag=True, help="Only check that the folder is complete, whole and current.")
@click.option("--force", is_flag=True,
              help="Put a gallery into a folder that holds other files (they are never touched).")
def gallery(out, formats, jobs, theme, lang, check, force):
    """Regenerate the gallery: every function, comparisons, teaching figures.

    Only files the gallery made (listed in its index.json) are ever
    overwritten or deleted.

    \b
    Examples:
      actviz gallery
      actviz gallery --check
      actviz gallery --out slides --formats png,pdf --theme dark
    """
    from pathlib import Path
    from . import gallery as gallery_module
    chosen = tuple(dict.fromkeys(f.strip().lower() for f in formats.split(",") if f.strip()))
    unknown = [f for f in chosen if f not in files.FORMATS]
    if unknown or not chosen:
        _fail(f"--formats takes a comma list of png, svg, pdf; got {formats!r}")
    folder = Path(out)
    count = len(gallery_module.jobs())
    if check:
        problems = gallery_module.check(folder, chosen, theme, lang, jobs)
        if problems:
            _fail(f"{folder} is not current ({len(problems)} problem{'s' * (len(problems) > 1)}: "
                  f"{'; '.join(problems[:3])}"
                  + ("; …" if len(problems) > 3 else "") + "); run `actviz gallery`")
        click.echo(f"{folder} is complete and current ({count} figures).")
        return
    # A progress bar only where someone watches it: a log gets no bar, and on
    # a signal stderr holds the one line "Interrupted.".
    watched = sys.stderr.isatty()
    with (click.progressbar(length=count, label="drawing", file=sys.stderr, show_pos=True) if watched
          else contextlib.nullcontext()) as bar:
        gallery_module.build(folder, chosen, theme, jobs, lang=lang, force=force,
                             progress=(lambda job: bar.update(1)) if watched else None)
    click.echo(f"{folder}: {count} figures × {', '.join(chosen)}, README.md and {gallery_module.INDEX}")


def main():
    """The console-script entry point."""
    cli(prog_name="actviz")
