"""Saturation regions, the peak of |f'|, and curves with real breaks."""
import dataclasses
import json
import math

import numpy as np
import pytest
from scipy.special import ndtr
import mpmath as mp

import actviz
from actviz import analysis


def ulps(a, b):
    return abs(a - b) / math.ulp(b)


def test_saturation_edges_are_correctly_rounded_roots():
    # σ'(x) = 0.05 ⇔ σ = (1 + √0.8)/2, so the edge is its logit.
    mp.mp.dps = 40
    s = (1 + mp.sqrt(mp.mpf("0.8"))) / 2
    edge = float(mp.log(s / (1 - s)))
    left, right = analysis.regions(actviz.get("sigmoid"))
    assert (left.lo, left.kind, right.hi, right.kind) == (-math.inf, "saturated", math.inf, "saturated")
    assert left.hi == -edge and right.lo == edge
    # wherever the edge lies: softsign' = 1/(1 + |x|)² = 1e-4 at |x| = 99
    assert [(r.lo, r.hi) for r in analysis.regions(actviz.get("softsign"), 1e-4)] == [(-math.inf, -99.0),
                                                                                        (99.0, math.inf)]
    tanh_edge = float(mp.acosh(mp.sqrt(mp.mpf(10) ** 50)))  # sech²(x) = 1e-50
    assert ulps(analysis.regions(actviz.get("tanh"), 1e-50)[1].lo, tanh_edge) <= 1


@pytest.mark.parametrize("name,expected", [
    ("relu", [(-math.inf, 0.0, "dead")]),
    ("relu6", [(-math.inf, 0.0, "dead"), (6.0, math.inf, "dead")]),
    ("hardtanh", [(-math.inf, -1.0, "dead"), (1.0, math.inf, "dead")]),
    ("hardswish", [(-math.inf, -3.0, "dead")]),            # no band at its minimum x = −3/2
    ("hardshrink", [(-0.5, 0.5, "dead")]),
    ("step", [(-math.inf, math.inf, "dead")]),
    ("elu", [(-math.inf, math.log(0.05), "saturated")]),
    ("gelu", [(-math.inf, -2.3486063321793784, "saturated")]),  # never "dead" where f' underflows
    ("logsigmoid", [(math.log(1 / 0.05 - 1), math.inf, "saturated")]),
    ("leaky_relu", []),                                      # f → −∞: a gradient, no saturation
    ("prelu", []), ("rrelu", []), ("bent_identity", []), ("identity", []), ("tanhshrink", []),
    ("maxout", [(-math.inf, 0.0, "dead")]),                 # max(x, 0), as relu
    ("maxout -p w2=-1", []),                                  # |x|
    ("maxout -p w1=0.01", [(-math.inf, 0.0, "dead")]),       # f' < 0.05 on x > 0, yet f → ∞: not saturated
    ("maxout -p w2=0.5 -p b2=-1", []),                        # slopes 0.5 and 1: no tail levels off
])
def test_dead_and_saturated_regions(name, expected):
    name, *settings = name.split(" -p ")
    found = analysis.regions(actviz.get(name, **dict(setting.split("=") for setting in settings)))
    assert [(r.lo, r.hi, r.kind) for r in found] == [
        (pytest.approx(lo, rel=1e-15), pytest.approx(hi, rel=1e-15), kind) for lo, hi, kind in expected]


@pytest.mark.parametrize("name", actviz.names())
def test_regions_mean_what_they_say(name):
    act = actviz.get(name)
    for region in analysis.regions(act):
        inside = np.linspace(max(region.lo, -1e4), min(region.hi, 1e4), 2001)[1:-1]
        if region.dead:
            assert not np.any(act.df(inside))
        else:
            end = act.limits[0] if region.lo == -math.inf else act.limits[1]
            assert math.isfinite(end) and np.all(np.abs(act.df(inside)) < analysis.DEFAULT_THRESHOLD)
        lo, hi = act.xlim
        assert not [p for p in analysis.stationary_points(act, lo, hi) if region.lo < p.x < region.hi]


def test_stationary_points_are_correctly_rounded_roots_of_the_derivative():
    mp.mp.dps = 40
    gelu_min = mp.findroot(lambda x: mp.ncdf(x) + x * mp.npdf(x), -0.75)
    (point,) = analysis.stationary_points(actviz.get("gelu"), -5, 5)
    assert point.kind == "minimum" and ulps(point.x, float(gelu_min)) <= 1
    assert analysis.stationary_points(actviz.get("hardswish"), -6, 6) == [analysis.Stationary(-1.5, -0.375, "minimum")]
    assert analysis.stationary_points(actviz.get("gaussian"), -3, 3) == [analysis.Stationary(0.0, 1.0, "maximum")]
    for corner in ("relu", "relu6", "hardtanh", "leaky_relu", "step", "hardshrink", "sqnl"):
        assert analysis.stationary_points(actviz.get(corner), -10, 10) == []


def test_peak_of_the_derivative():
    peak = analysis.max_abs_derivative(actviz.get("gelu"), -5, 5)
    assert peak.isolated and peak.x == math.sqrt(2) == 1.4142135623730951
    mp.mp.dps = 40
    silu_peak = mp.findroot(lambda x: mp.diff(lambda t: t / (1 + mp.exp(-t)), x, 2), 2.4)
    assert ulps(analysis.max_abs_derivative(actviz.get("silu")).x, float(silu_peak)) <= 1
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
    assert facts["saturation"] == [{"from": r.lo, "to": r.hi, "kind": r.kind} for r in analysis.regions(act)]


def test_a_derivative_whose_swings_grow_has_no_maximum():
    # gcu′(x) = cos x − x·sin x: its limits at ±∞ do not exist (NaN), yet unlike sine's it is unbounded.
    assert analysis.max_abs_derivative(actviz.get("gcu")).value == math.inf
    assert analysis.max_abs_derivative(actviz.get("sinusoid")).value == 1.0


def test_no_stationary_point_where_the_function_is_undefined():
    """soft_exponential with α < 0 is defined on x > 1/α − α = −1.5 only:
    left of it f′ is NaN, and NaN beside NaN is no change of sign."""
    act = actviz.get("soft_exponential", alpha=-0.5)
    assert analysis.stationary_points(act, -5.0, 5.0) == []
    assert analysis.max_abs_derivative(act).value == math.inf


def test_a_function_is_analysed_once_per_run():
    # A figure asks for the regions, the stationary points and the peak of f′; the gallery asks again
    # in other figures: the kernels run on the first request only, for each parameter set.
    calls = []
    spec = actviz.get("gelu").spec

    def counted(x, **params):
        calls.append(np.size(x))
        return spec.df(x, **params)
    act = actviz.functions.Activation(dataclasses.replace(spec, df=counted), {"approximate": "none"})
    first = (analysis.regions(act), analysis.stationary_points(act, -5, 5), analysis.max_abs_derivative(act, -5, 5))
    evaluated = len(calls)
    assert evaluated > 0
    again = (analysis.regions(act), analysis.stationary_points(act, -5, 5), analysis.max_abs_derivative(act, -5, 5))
    assert again == first and len(calls) == evaluated
    other = actviz.functions.Activation(act.spec, {"approximate": "tanh"})
    analysis.regions(other)
    assert len(calls) > evaluated


def test_a_family_is_framed_with_room_beside_its_outermost_breakpoints():
    # maxout(x + b1, −x): V-shapes with their kinks at −50 and 0; a fixed margin of 1 hid both Vs.
    acts = [actviz.get("maxout", b1=b1, w2=-1.0) for b1 in (100.0, 0.0)]
    assert analysis.common_xlim(acts) == (-62.5, 12.5)
    assert analysis.common_xlim([actviz.get("hardtanh")]) == actviz.get("hardtanh").xlim
