"""The committed gallery/: every function, the comparisons and the teaching
figures, rebuilt in a process pool, and checked against the registry.

Everything here is derived from the registry, so a new function appears in
the gallery (and `--check` asks for it) as soon as it is registered.
"""
from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from .functions import REGISTRY, ActvizError, get

GALLERY_DPI = 100
COMPARISONS = {
    "compare-saturating": ("sigmoid", "tanh"),
    "compare-relu-family": ("relu", "leaky_relu", "prelu", "elu", "selu"),
    "compare-smooth-relus": ("gelu", "silu", "mish", "softplus"),
    "compare-hard": ("hardtanh", "relu6", "hardsigmoid", "hardswish", "hardshrink", "softshrink"),
}
TEACHING = ("teach-depth", "teach-zigzag", "teach-sparsity", "teach-collapse", "teach-properties")


@dataclass(frozen=True)
class Job:
    """One figure of the gallery, written once per format."""

    stem: str
    names: tuple[str, ...] = ()


def jobs() -> list[Job]:
    """Every figure, in the order the index lists them."""
    return ([Job(name, (name,)) for name in REGISTRY]
            + [Job(stem, names) for stem, names in COMPARISONS.items()]
            + [Job("compare-all", tuple(REGISTRY))]
            + [Job(stem) for stem in TEACHING])


def _figure(job: Job):
    from . import plotting, teaching
    if job.stem in REGISTRY:
        return plotting.figure([get(job.stem)], plotting.FigureOptions(derivative=True))
    if job.stem == "compare-all":
        size = (16.0, 9.0)
        return plotting.figure([get(n) for n in job.names],
                               plotting.FigureOptions(derivative=True, layout="grid", size=size))
    if job.names:
        return plotting.figure([get(n) for n in job.names], plotting.FigureOptions(derivative=True, layout="grid"))
    basics = [get(n) for n in ("sigmoid", "tanh", "relu", "gelu")]
    if job.stem == "teach-depth":
        return plotting.depth_figure([teaching.gradient_through_depth(a) for a in basics])
    if job.stem == "teach-zigzag":
        return plotting.zigzag_figure([teaching.zigzag(get(n)) for n in ("sigmoid", "tanh")])
    if job.stem == "teach-sparsity":
        return plotting.sparsity_figure([teaching.sparsity(a) for a in basics])
    if job.stem == "teach-collapse":
        relu = get("relu")
        return plotting.collapse_figure(relu, teaching.collapse(relu), 4)
    if job.stem == "teach-properties":
        acts = [get(n) for n in ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "gelu", "silu", "softplus")]
        return plotting.compare_figure(teaching.properties(acts))
    raise ActvizError(f"unknown gallery figure {job.stem!r}")


def render(job: Job, out: Path, formats: tuple[str, ...], theme: str = "light", lang: str = "en") -> list[Path]:
    """Draw one job and write it in every format."""
    from . import plotting
    with plotting.theme(theme, lang=lang):
        fig = _figure(job)
        return [plotting.save(fig, out / f"{job.stem}.{fmt}", dpi=GALLERY_DPI) for fmt in formats]


def expected_files(formats: Iterable[str]) -> set[str]:
    return {f"{job.stem}.{fmt}" for job in jobs() for fmt in formats} | {"README.md"}


def build(out: Path, formats: tuple[str, ...] = ("png", "svg"), theme: str = "light", workers: int | None = None,
          lang: str = "en", progress: Callable[[Job], None] | None = None) -> None:
    """Regenerate the gallery in `out`: every figure, the index, and no stale file.

    With more than one worker the figures are drawn in a process pool; each
    worker imports matplotlib once and draws many figures, which is what
    makes the gallery cheap (one process per figure would pay the import
    every time).
    """
    out.mkdir(parents=True, exist_ok=True)
    todo = jobs()
    workers = workers or os.cpu_count() or 1
    if workers == 1:
        for job in todo:
            render(job, out, formats, theme, lang)
            if progress:
                progress(job)
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = {pool.submit(render, job, out, formats, theme, lang): job for job in todo}
            for future in futures:
                future.result()
                if progress:
                    progress(futures[future])
    for stale in _figure_files(out) - expected_files(formats):
        (out / stale).unlink()
    (out / "README.md").write_text(index(formats), encoding="utf-8")


def _figure_files(out: Path) -> set[str]:
    return {p.name for p in out.iterdir() if p.suffix in (".png", ".svg", ".pdf")}


def check(out: Path, formats: tuple[str, ...] = ("png", "svg")) -> list[str]:
    """What is wrong with the gallery in `out`, one sentence each (empty: nothing)."""
    if not out.is_dir():
        return [f"{out} does not exist: run `actviz gallery`"]
    present = _figure_files(out) | ({"README.md"} if (out / "README.md").exists() else set())
    wanted = expected_files(formats)
    problems = [f"missing: {name}" for name in sorted(wanted - present)]
    problems += [f"stale (no such figure any more): {name}" for name in sorted(present - wanted)]
    if "README.md" in present and (out / "README.md").read_text(encoding="utf-8") != index(formats):
        problems.append("README.md disagrees with the registry")
    return problems


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def index(formats: tuple[str, ...] = ("png", "svg")) -> str:
    """gallery/README.md: a thumbnail, the formulas and the PyTorch
    equivalent of each function, then the comparisons and teaching figures."""
    picture = "png" if "png" in formats else formats[0]
    lines = [
        "# actviz gallery",
        "",
        "Regenerated by `actviz gallery` (checked by `actviz gallery --check` in the tests); do not edit.",
        "Each figure shows f (solid), f′ (dashed) and the regions where |f′| < 0.05 (shaded).",
        "",
        "| figure | function | f(x) | f′(x) | PyTorch |",
        "|---|---|---|---|---|",
    ]
    for name, spec in REGISTRY.items():
        act = get(name)
        formula = spec.text.removeprefix("f(x) = ")
        derivative = spec.dtext.removeprefix("f'(x) = ")
        lines.append(f'| <img src="{name}.{picture}" width="220" alt="{name}"> | **{name}** | '
                     f"`{_cell(formula)}` | `{_cell(derivative)}` | {_cell(act.torch) if act.torch else '—'} |")
    lines += ["", "## Comparisons", ""]
    for stem in [*COMPARISONS, "compare-all"]:
        lines += [f"### {stem.removeprefix('compare-').replace('-', ' ')}", "", f"![{stem}]({stem}.{picture})", ""]
    lines += ["## Teaching figures", ""]
    for stem in TEACHING:
        lines += [f"### {stem.removeprefix('teach-')}", "", f"![{stem}]({stem}.{picture})", ""]
    return "\n".join(lines)
