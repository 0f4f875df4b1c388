"""What the commands are built from: parameter types, the options every
command shares, and drawing a figure to a file.

Shared by :mod:`actviz.cli` and the commands of the teaching figures
(:mod:`actviz.teaching`); click only, and matplotlib only inside a command
that draws.
"""
from __future__ import annotations

import math
import re
import unicodedata

import click

from . import output as files
from .functions import (ALIASES, GATED, PRESETS, REGISTRY, VECTOR, ActvizError, family, parse_number,
                        resolve_name, spec_of)
from .look import LANGUAGES, THEMES, Look, parse_size

# `eval --num` and `sparsity --samples`.  eval's memory stays flat at any
# length, but 10⁷ rows are already ~0.6 GB of text and a minute of CPU: a
# typo beyond that is refused (the Python API takes arrays of any size).
MAX_POINTS = 10_000_000


class ActivationName(click.ParamType):
    """A registered name or alias, completed from the registry; or a
    function from outside it (see :func:`actviz.expr.load`).  `every_kind`:
    a gated or a vector function's name too (the commands that take them:
    plot, info, eval, compare; animate, which refuses a gated one itself);
    `or_number`: a number when --expr stands in for the
    name (`eval --expr F X...`)."""

    name = "NAME"

    def __init__(self, every_kind: bool = False, or_number: bool = False):
        self.every_kind, self.or_number = every_kind, or_number

    def convert(self, value, param, ctx):
        if self.or_number and ctx is not None and isinstance(ctx.params.get("expr"), str):
            return Number().convert(value, param, ctx)
        try:
            name = resolve_name(value)
        except ActvizError:
            from .expr import load  # a callable 'module:name', or a third party's entry point
            if load(value) is None:
                raise
            return value.strip()
        if name in GATED and not self.every_kind:
            self.fail(f"{name} is a gated function of two inputs, f(a, b) = a·g(b), which `actviz plot`, `info`, "
                      "`eval` and `compare` take; this command takes functions of one input", param, ctx)
        if name in VECTOR and not self.every_kind:
            self.fail(f"{name} is a vector function, which `actviz plot`, `info`, `eval`, `compare` and `animate` "
                      "take; this command takes elementwise functions", param, ctx)
        return name

    def shell_complete(self, ctx, param, incomplete):
        from click.shell_completion import CompletionItem
        summaries = {n: REGISTRY[ALIASES.get(n, n)].summary for n in [*REGISTRY, *ALIASES]}
        if self.every_kind:
            summaries |= {n: spec.summary for n, spec in [*GATED.items(), *VECTOR.items()]}
        return [CompletionItem(n, help=summary) for n, summary in sorted(summaries.items()) if n.startswith(incomplete)]


class Number(click.ParamType):
    """A float as typed: '-800', '1e-300', 'nan', 'inf' (not '1_0' or '0x10')."""

    name = "X"

    def __init__(self, finite: bool = False, low: float = -math.inf, high: float = math.inf):
        self.finite, self.low, self.high = finite, low, high

    def convert(self, value, param, ctx):
        if isinstance(value, float):
            return value
        try:
            number = parse_number(value)
        except ValueError:
            self.fail(f"{value!r} is not a number.", param, ctx)
        if self.finite and not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number.", param, ctx)
        if number < self.low or number > self.high:
            self.fail(f"{value!r} is not in the range {self.low:g}–{self.high:g}.", param, ctx)
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


def fail(message: str):
    raise click.UsageError(message)


def parse_params(pairs, names):
    """-p key=value (or name.key=value, or key=v1,v2,v3) → {name: {key: value}}."""
    out = {name: {} for name in names}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key or not value:
            fail(f"parameter {pair!r} must look like key=value (e.g. -p negative_slope=0.2)")
        target, dot, key = key.rpartition(".")
        if dot:
            target = resolve_name(target)
            if target not in out:
                fail(f"parameter {pair!r} names {target!r}, which is not being drawn")
            targets = [target]
        else:
            targets = [n for n in names if n not in GATED and any(p.name == key for p in spec_of(n).params)] \
                or names[:1]
        parts = value.split(",")
        for target in targets:
            if key in out[target]:
                fail(f"parameter {key!r} of {target} is given twice; give its values once (-p {key}=v1,v2)")
            out[target][key] = parts if len(parts) > 1 else value
    return out


def json_number(value):
    """Strict JSON has no NaN or infinity: they are written as the strings
    "NaN", "Infinity" and "-Infinity"."""
    value = float(value)
    return value if math.isfinite(value) else {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}[repr(value)]


def finite_json(data):
    if isinstance(data, float):
        return json_number(data)
    if isinstance(data, dict):
        return {k: finite_json(v) for k, v in data.items()}
    if isinstance(data, list):
        return [finite_json(v) for v in data]
    return data


PARAM_HELP = "Set a parameter: -p negative_slope=0.2 (repeatable; name.key=value with several names)."
preset_option = click.option("--preset", type=click.Choice(list(PRESETS)), default="torch", show_default=True,
                             help="Whose defaults: PyTorch's, jax.nn's or Keras's.")
param_option = click.option("-p", "--param", "params", multiple=True, metavar="KEY=VALUE", help=PARAM_HELP)


def _either(words) -> str:
    """'.png, .svg or .pdf'."""
    return ", ".join(words[:-1]) + " or " + words[-1]


def output_options(command=None, *, without=(), output_help=None):
    """The options every drawing command shares: where, how big, which look
    (`without` the named ones: @output_options(without=("svg_text",)))."""
    if command is None:
        return lambda command: output_options(command, without=without, output_help=output_help)
    options = {
        "output": click.option("-o", "--output", type=click.Path(dir_okay=False), callback=not_blank,
                               help=output_help or f"File to write: {_either(['.' + f for f in files.FORMATS])} "
                                                   f"[default: NAME.png here]."),
        "dpi": click.option("--dpi", type=Integer(20, 1200), default=None, help="Raster resolution [theme: 200]."),
        "size": click.option("--size", default="16:9", show_default=True, help="16:9, 4:3, 1:1 or WxH in inches."),
        "theme": click.option("--theme", type=click.Choice(THEMES), default="light", show_default=True),
        "transparent": click.option("--transparent", is_flag=True, help="Transparent background."),
        "title": click.option("--title", type=FigureText(), help="Figure title (default: chosen for the figure)."),
        "font_scale": click.option("--font-scale", type=Number(finite=True, low=0.5, high=3.0), default=1.0,
                                   show_default=True, help="Scale every text, for large rooms."),
        "svg_text": click.option("--svg-text", type=click.Choice(["text", "path"]), default="text",
                                 show_default=True, help="Keep SVG text editable, or convert it to outlines for "
                                                         "viewers without the font."),
        "lang": click.option("--lang", type=click.Choice(LANGUAGES), default="en", show_default=True,
                             help="Language of the figure's texts (zh needs a CJK font)."),
        "max_pixels": click.option("--max-pixels", type=click.IntRange(1), default=files.MAX_PIXELS,
                                   show_default=True, help="Refuse a PNG or frame with more pixels than this (a typo "
                                                           "in --dpi or --size cannot take the machine down)."),
    }
    for name, option in reversed(options.items()):
        if name not in without:
            command = option(command)
    return command


def not_blank(ctx, param, value):
    """`-o "$OUT"` with OUT unset is a mistake, not a request for the default."""
    if value is not None and not value.strip():
        raise ActvizError(f"{param.opts[-1]} is empty (an unset shell variable?); give a name")
    return value


def draw(build, default_stem, output, dpi, size, theme, transparent, title, font_scale, svg_text, lang,
          max_pixels):
    """Build a figure with `build(size, title, look)`, write it atomically
    and say what was written: 'wrote relu.png (1600×900 px)'."""
    from . import plotting
    path, fmt = files.target(output or f"{default_stem}.png")
    size_inches = parse_size(size)
    look = Look(theme, lang, font_scale)
    fig = build(size_inches, title, look)
    drawn = tuple(fig.get_size_inches())
    if (not all(math.isclose(a, b) for a, b in zip(drawn, size_inches))
            and click.get_current_context().get_parameter_source("size") != click.core.ParameterSource.DEFAULT):
        click.echo(f"note: the figure is not readable at {size_inches[0]:g}×{size_inches[1]:g} in; "
                   f"drawn at {drawn[0]:.3g}×{drawn[1]:.3g} in", err=True)
    data = plotting.render(fig, fmt, dpi=dpi, transparent=transparent, svg_text=svg_text,
                           max_pixels=max_pixels, look=look)
    files.write_atomic(path, data)
    click.echo(f"wrote {files.describe(path, files.figure_size(data, fmt))}")


def default_stem(names) -> str:
    """'sigmoid-tanh'; past four names 'sigmoid-tanh-relu-and-63-more', a
    file name any file system takes ('my_act' for 'mypkg.acts:my_act', 'expr'
    for a formula)."""
    names = list(dict.fromkeys(name.rpartition(":")[2] if re.fullmatch(r"[\w.:-]+", name) else "expr"
                               for name in names))
    return "-".join(names) if len(names) <= 4 else "-".join(names[:3]) + f"-and-{len(names) - 3}-more"


def activations(names, params, preset, formulas=()):
    """The functions `names` and the `formulas` (--expr), each a family when
    one of its parameters takes a list of values."""
    if not names and not formulas:
        fail("give the name of a function (or a formula of your own with --expr FORMULA)")
    found = []
    if formulas:
        from .expr import formula_activations
        found, params = formula_activations(formulas, params, every=not names)
    per_name = parse_params(params, list(dict.fromkeys(names)))
    return [a for name in per_name for a in family(name, per_name[name], preset)] + found


def bind(name, params, preset, formula=None):
    """The one function `name`, or `formula` (--expr), bound to `params`."""
    if name and formula is not None:
        fail("give the name of a function or --expr FORMULA, not both")
    if any("," in pair.partition("=")[2] for pair in params):
        fail("a comma list of values is only for `actviz plot`")
    return activations([name] if name else [], params, preset, [] if formula is None else [formula])[0]


def expr_option(multiple: bool):
    """--expr FORMULA: a function of your own, f(x) written as a formula."""
    return click.option("--expr", "exprs" if multiple else "expr", multiple=multiple, is_eager=True,
                        metavar="FORMULA", help="A function of your own, e.g. --expr 'x*tanh(softplus(x))' "
                        "(NAME=FORMULA names it; parameters by -p; needs actviz[expr])"
                        + (" (repeatable)." if multiple else " (instead of NAME)."))


def note(acts) -> str:
    """The note a figure of functions actviz did not write carries."""
    return "; ".join(dict.fromkeys(a.spec.caveats[0] for a in acts if a.spec.caveats))


def titled(title, acts, default: str) -> str | None:
    """`title` (or the figure's `default`) with the note on its functions, if any."""
    said = note(acts)
    return f"{default if title is None else title}\n({said})" if said else title
