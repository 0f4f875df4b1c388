"""Saturation regions, the peak of |f'|, and curves with real breaks."""
import json
import math

import numpy as np
import pytest
from scipy.special import ndtr

import actviz
from actviz import analysis


def test_saturation_edges_are_root_found_not_grid_points():
    # σ'(x) = 0.05 ⇔ σ = (1 + √0.8)/2, so the edge is its logit.
    s = (1 + math.sqrt(0.8)) / 2
    edge = math.log(s / (1 - s))
    regions = analysis.saturation_regions(actviz.get("sigmoid"), -8, 8, 0.05, num=101)
    assert [r.kind for r in regions] == ["saturated", "saturated"]
    assert regions[0].hi == pytest.approx(-edge, abs=1e-13)
    assert regions[1].lo == pytest.approx(edge, abs=1e-13)


@pytest.mark.parametrize("name,expected", [
    ("relu", [(-math.inf, 0.0, "dead")]),
    ("relu6", [(-math.inf, 0.0, "dead"), (6.0, math.inf, "dead")]),
    ("squared_relu", [(-math.inf, 0.0, "dead"), (0.0, 0.025, "saturated")]),
    ("hardswish", [(-math.inf, -3.0, "dead"), (-1.65, -1.35, "saturated")]),
    ("leaky_relu", [(-math.inf, 0.0, "saturated")]),
    ("identity", []),
])
def test_regions_split_dead_from_saturated(name, expected):
    regions = analysis.saturation_regions(actviz.get(name), -10, 10, to_infinity=True)
    assert [(r.lo, r.hi, r.kind) for r in regions] == [
        (pytest.approx(lo), pytest.approx(hi), kind) for lo, hi, kind in expected]


def test_peak_of_the_derivative():
    peak = analysis.max_abs_derivative(actviz.get("gelu"), -5, 5)
    assert peak.isolated and peak.x == pytest.approx(math.sqrt(2), abs=1e-7)
    assert peak.value == pytest.approx(ndtr(math.sqrt(2)) + math.sqrt(2) * math.exp(-1) / math.sqrt(2 * math.pi),
                                       rel=1e-14)
    assert analysis.max_abs_derivative(actviz.get("sigmoid"), -8, 8) == analysis.Peak(0.25, 0.0, True)
    assert not analysis.max_abs_derivative(actviz.get("relu"), -5, 5).isolated
    assert analysis.max_abs_derivative(actviz.get("exponential"), -5, 5).value == math.inf


def test_curve_breaks_at_jumps_and_reports_both_sides():
    c = analysis.curve(actviz.get("hardshrink"), -2, 2)
    assert np.isnan(c.x).sum() == 2 and np.isnan(c.y).sum() == 2
    left, right = c.jumps
    assert (left.x, left.right, left.value) == (-0.5, 0.0, 0.0) and left.left == pytest.approx(-0.5)
    assert (right.x, right.left, right.value) == (0.5, 0.0, 0.0) and right.right == pytest.approx(0.5)
    d = analysis.curve(actviz.get("relu"), -2, 2, derivative=True)
    assert d.jumps == (analysis.Discontinuity(0.0, 0.0, 1.0, 0.0),)


def test_curves_are_sampled_densely_at_kinks():
    x = analysis.curve(actviz.get("relu6"), -3, 9).x
    assert 6.0 in x and np.min(np.abs(x[x != 6.0] - 6.0)) < 1e-6


@pytest.mark.parametrize("name", actviz.names())
def test_summary_is_json_ready_and_consistent(name):
    facts = analysis.summary(actviz.get(name))
    json.dumps(facts, allow_nan=True)
    act = actviz.get(name)
    assert facts["f(0)"] == act.f(0.0) and facts["f'(0)"] == act.df(0.0)
    for region in facts["saturation"]:
        if math.isfinite(region["from"]) and math.isfinite(region["to"]):
            middle = (region["from"] + region["to"]) / 2
            assert abs(act.df(middle)) < facts["saturation_threshold"]
