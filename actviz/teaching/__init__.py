"""The experiments behind the teaching figures: pure numpy, seeded.

Each function returns the numbers a figure (in :mod:`actviz.plotting`) or a
table draws, so the lesson can be checked without looking at a picture.
"""
from __future__ import annotations

import math
import time

import numpy as np

from ..functions import Interval
from .. import analysis
from . import collapse, depth, sparsity, zigzag

LESSONS = (depth.LESSON, zigzag.LESSON, sparsity.LESSON, collapse.LESSON)

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
