"""What `list`, `info`, `eval`, `plot`, `compare` and `animate` do with a
vector function (softmax and its relatives, :mod:`actviz.functions.vector`):
click only, and matplotlib only inside the simplex figure.

Each command of :mod:`actviz.cli` hands over at one place: `plot` draws the
two-class form with its own machinery (this module only swaps the functions
and says the identity in the title) or the three-class simplex here;
`compare` and `animate` take the two-class form, labelled by
:func:`two_class_label`.
"""
from __future__ import annotations

import json

import click
import numpy as np

from .command import draw, fail, finite_json
from .functions import VECTOR, Vector, describe_params

SHIFT = "f(z + c) = f(z) for every constant c: only the differences of the logits matter"


def listing() -> list[str]:
    """`actviz list`'s section of vector functions."""
    width = max(map(len, VECTOR))
    return ["", "Vector functions (of a vector of logits z; plot, info and eval; "
                 "compare and animate take their two-class form):"] + [
        f"{spec.name:<{width}}  {spec.summary}  [{describe_params(spec)}]" for spec in VECTOR.values()]


def facts(act: Vector) -> dict:
    """The facts `actviz info` states about a vector function."""
    spec = act.spec
    return {
        "name": act.name, "summary": spec.summary, "parameters": dict(act.params),
        "formula": spec.text, "jacobian": spec.jacobian_text, "range": spec.output_range,
        "shift": SHIFT, "two_classes": spec.identity, "two_class_formula": spec.two_class.text,
        "exact_zeros": spec.margin is not None, "torch": act.torch, "reference": spec.reference or None,
    }


def info(act: Vector, as_json: bool, threshold_given: bool) -> None:
    if threshold_given:
        fail(f"--threshold is about the saturation of an elementwise function; {act.name} is a vector function")
    found = facts(act)
    if as_json:
        click.echo(json.dumps(finite_json(found), indent=2, ensure_ascii=False))
        return
    params = ", ".join(f"{k}={v:g}" for k, v in found["parameters"].items())
    lines = [
        f"{act.name}: {found['summary']}",
        f"  parameters   {params}",
        f"  f(z)         {found['formula']}",
        f"  Jacobian     {found['jacobian']}",
        f"  range        {found['range']}",
        f"  shift        {found['shift']}",
        f"  two classes  {found['two_classes'].removeprefix('For two classes, ')}: {found['two_class_formula']}",
        f"  zeros        {'exact zeros (a sparse map)' if found['exact_zeros'] else 'none: every output is > 0'}",
        f"  PyTorch      {found['torch'] or '(none)'}",
    ]
    if found["reference"]:
        lines.append(f"  reference    {found['reference']}")
    click.echo("\n".join(lines))


def evaluate(act: Vector, zs, derivative: bool, fmt: str, grid_given: bool) -> None:
    """`actviz eval softmax 1 2 3`: the one vector z, its outputs, and with
    -d the Jacobian's rows."""
    if grid_given:
        fail(f"--range and --num make a grid of points for an elementwise function; {act.name} takes one "
             f"vector: actviz eval {act.name} 1 2 3")
    if not zs:
        fail(f"give the logits: actviz eval {act.name} 1 2 3")
    z = np.array(zs, dtype=float)
    columns = {"z": z, "f": act.f(z)}
    if derivative:
        columns.update({f"df/dz{j + 1}": column for j, column in enumerate(act.jacobian(z).T)})
    if fmt == "json":
        data = {"name": act.name, "parameters": dict(act.params), "z": z.tolist(), "f": columns["f"].tolist()}
        if derivative:
            data["jacobian"] = act.jacobian(z).tolist()
        click.echo(json.dumps(finite_json(data), indent=2))
        return
    texts = {key: [repr(v) for v in values.tolist()] for key, values in columns.items()}
    if fmt == "csv":
        click.echo(",".join(texts) + "".join("\n" + ",".join(row) for row in zip(*texts.values())))
        return
    header = {"z": "z", "f": f"{act.name}(z)", **{k: f"∂/∂z{k[5:]}" for k in texts if k.startswith("df/")}}
    widths = [max(len(header[k]), *map(len, column)) for k, column in texts.items()]
    click.echo("  ".join(header[k].rjust(w) for k, w in zip(texts, widths)))
    for row in zip(*texts.values()):
        click.echo("  ".join(text.rjust(w) for text, w in zip(row, widths)))


def classes_of(acts, classes: int | None) -> int:
    """How many classes `plot` draws: 2 (the default) or 3, for vector functions only."""
    elementwise = [a.name for a in acts if not isinstance(a, Vector)]
    if classes is not None and elementwise:
        fail(f"--classes is for the vector functions ({', '.join(VECTOR)}); {elementwise[0]} is elementwise")
    if classes == 3 and len({a.name for a in acts}) > 1:
        fail("--classes 3 draws one vector function (a family of temperatures is fine); give one name")
    return classes or 2


def two_classes(acts, output: dict) -> tuple[list, dict]:
    """The elementwise two-class form of each vector function, and `output`
    with the identity as the default title when one vector function is drawn."""
    vectors = {a.name: a for a in acts if isinstance(a, Vector)}
    drawn = [a.two_class if isinstance(a, Vector) else a for a in acts]
    if output["title"] is None and len({a.name for a in acts}) == 1:
        identity = next(iter(vectors.values())).spec.identity
        if output["lang"] == "zh":
            from .simplex import ZH
            identity = ZH[identity]
        if (output["output"] or "").lower().endswith(".tex"):
            identity = "".join(_LATEX.get(c, c) for c in identity)
        output = {**output, "title": identity}
    return drawn, output


def two_class_label(act: Vector, lang: str = "en") -> str:
    """'softmax, 2 classes: p₁ of z₁ − z₂' ('log p₁' for log_softmax,
    'softmax(temperature=2), …' with a parameter changed; in Chinese with
    lang 'zh'): what a table row or an animation says of the two-class form
    it shows in place of `act`."""
    output = act.spec.two_class.summary.partition(" of ")[0]
    if lang == "zh":
        return f"{act.label}，两类：{output} 作为 z₁ − z₂ 的函数"
    return f"{act.label}, 2 classes: {output} of z₁ − z₂"


# The identities' characters pdflatex has no glyph for, in LaTeX.
_LATEX = {"₁": "$_1$", "₂": "$_2$", "−": "$-$", "√": "$\\surd$", "²": "$^2$", "≤": "$\\le$"}


# Options of `plot` that mean nothing on the simplex, as the user types them.
_NOT_FOR_SIMPLEX = {"derivative_only": "--derivative-only", "layout": "--layout", "tile": "--grid",
                    "threshold": "--threshold", "no_shade": "--no-shade", "formula": "--formula", "xlim": "--xlim",
                    "own_xlim": "--own-xlim", "ylim": "--ylim", "standalone": "--standalone",
                    "beamer_overlays": "--beamer-overlays", "term": "--term", "colour": "--color"}


def simplex(acts, derivative: bool, output: dict) -> None:
    """`actviz plot softmax --classes 3`: the ternary figure, written atomically."""
    ctx = click.get_current_context()
    given = [flag for key, flag in _NOT_FOR_SIMPLEX.items()
             if ctx.get_parameter_source(key) is not click.core.ParameterSource.DEFAULT]
    if given:
        fail(f"{', '.join(given)} does not apply to the three-class simplex (--classes 3)")

    def build(size, title, look):
        from . import simplex as ternary
        return ternary.figure(acts, jacobian=derivative, size=size, title=title, look=look)
    draw(build, f"{acts[0].name}-3-classes", **output)

