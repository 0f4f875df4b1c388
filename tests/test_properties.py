"""Property tests over the whole registry, with parameters anywhere in their
domains: random doubles from every scale, breakpoints and their neighbours,
NaN and infinities."""
import math
import warnings

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import actviz
from actviz.analysis import breakpoints
from actviz.functions import REGISTRY, ActvizError

from reference import derivative, reference
from test_functions import PARAMETER_EXTREMES, ULPS, condition, ulp_error

NAMES = actviz.names()


def parameter_values(param):
    if param.choices:
        return st.sampled_from(param.choices)
    return st.one_of(st.just(param.default), st.sampled_from(PARAMETER_EXTREMES), st.floats(allow_nan=False))


@st.composite
def activations(draw, names=st.sampled_from(NAMES)):
    """A registered function bound to parameters drawn from their domains
    (the defaults, the ends of the double range, any double)."""
    name = draw(names)
    params = {p.name: draw(parameter_values(p)) for p in REGISTRY[name].params}
    try:
        return actviz.get(name, **params)
    except ActvizError:  # outside the domain, or lower > upper
        return actviz.get(name)


def near_breakpoints(act):
    points = breakpoints(act) or (0.0,)
    return st.builds(lambda p, k, sign: p + sign * k * math.ulp(p or 1.0) if k < 64 else p + sign * 2.0 ** -k,
                     st.sampled_from(points), st.integers(0, 200), st.sampled_from([-1, 1]))


def doubles(act):
    return st.one_of(st.floats(allow_nan=True, allow_infinity=True, width=64),
                     st.floats(-50, 50), near_breakpoints(act))


@st.composite
def act_and_values(draw, size=st.integers(1, 16)):
    act = draw(activations())
    return act, np.array(draw(st.lists(doubles(act), min_size=1, max_size=draw(size))), dtype=float)


def evaluate(act, x):
    with warnings.catch_warnings(), np.errstate(all="raise", under="ignore"):
        warnings.simplefilter("error")
        return act.f(x), act.df(x), act.d2f(x)


@given(act_and_values())
def test_no_warning_nan_propagates_infinities_give_limits(case):
    act, x = case
    f, df, d2f = evaluate(act, x)
    limit_at_x = np.where(x > 0, act.limits[1], act.limits[0])
    outside = np.array([v < act.domain.lo or v > act.domain.hi or (math.isfinite(v) and v not in act.domain)
                        for v in x], dtype=bool)
    assert np.array_equal(np.isnan(f), np.isnan(x) | (np.isinf(x) & np.isnan(limit_at_x)) | outside)
    defined = np.isfinite(x) & ~outside
    assert not np.isnan(f[defined]).any() and not np.isnan(df[defined]).any() and not np.isnan(d2f[defined]).any()
    assert np.isnan(df[outside]).all() and np.isnan(d2f[outside]).all()
    np.testing.assert_array_equal(f[(x == np.inf) & ~outside], act.limits[1])
    np.testing.assert_array_equal(df[(x == -np.inf) & ~outside], act.dlimits[0])
    np.testing.assert_array_equal(d2f[(x == -np.inf) & ~outside], act.d2limits[0])


@given(act_and_values())
def test_one_element_equals_vectorised_bitwise(case):
    act, x = case
    f, df, d2f = evaluate(act, x)
    for i, xi in enumerate(x):
        assert np.array_equal(act.f(xi), f[i], equal_nan=True)
        assert np.array_equal(act.df(np.array([xi]))[0], df[i], equal_nan=True)
        assert np.array_equal(act.d2f(xi), d2f[i], equal_nan=True)


@given(activations(), st.floats(-1e6, 1e6, width=32), st.integers(-1000, 1000))
def test_float32_and_integer_inputs_are_computed_in_double(act, x32, n):
    assert np.array_equal(act.f(np.float32(x32)), act.f(float(np.float32(x32))), equal_nan=True)  # NaN: outside the domain
    assert np.array_equal(act.df(np.int64(n)), act.df(float(n)), equal_nan=True)
    shaped = act.f(np.full((2, 3, 1), x32, dtype=np.float32))
    assert shaped.shape == (2, 3, 1) and shaped.dtype == np.float64


@given(act_and_values(size=st.just(2)))
def test_declared_metadata_holds(case):
    """Monotonicity and the range hold to the last ulp: a value approaching an
    asymptote may round one ulp past it (isru with α = 3 at x = −1e308 is
    −0.5773502691896258, and the bound 3^−½ rounds to …257)."""
    act, x = case
    x = x[np.isfinite(x)]
    x = x[[v in act.domain for v in x]] if len(x) else x
    assume(len(x))
    f = act.f(x)
    with np.errstate(over="ignore"):  # one ulp either way (MAX becomes inf)
        up, down = np.nextafter(f, np.inf), np.nextafter(f, -np.inf)
    if act.monotonic and len(x) == 2:
        lo, hi = np.argsort(x)
        assert f[lo] <= up[hi] or x[lo] == x[hi]
    rng = act.output_range
    assert ((up >= rng.lo) & (down <= rng.hi)).all()
    if act.symmetry == "odd":
        np.testing.assert_array_equal(act.f(-x), -f)
    if act.symmetry == "even":
        np.testing.assert_array_equal(act.f(-x), f)


@settings(max_examples=60)
@given(activations(), st.floats(-40, 40))
def test_derivative_agrees_with_mpmath_away_from_breakpoints(act, x):
    assume(all(abs(x - b) > 1e-6 for b in breakpoints(act)))
    assume(x - act.domain.lo > 1e-6 and act.domain.hi - x > 1e-6)
    ref = reference(act)
    true = derivative(ref, x)
    kappa = condition(x, true, derivative(ref, x, 2))
    assert ulp_error(act.df(x), true) <= ULPS * (1 + kappa)


@settings(max_examples=60)
@given(st.sampled_from(NAMES), st.floats(-40, 40))
def test_second_derivative_agrees_with_mpmath_away_from_breakpoints(name, x):
    act = actviz.get(name)
    assume(all(abs(x - b) > 1e-6 for b in breakpoints(act)))
    ref = reference(act)
    true = derivative(ref, x, 2)
    kappa = condition(x, true, derivative(ref, x, 3))
    assert ulp_error(act.d2f(x), true) <= ULPS * (1 + kappa)


@given(st.floats(-700, 700))
def test_identities_teachers_quote(x):
    get = actviz.get
    sig, tanh = get("sigmoid"), get("tanh")
    assert tanh.f(x) == pytest.approx(2 * sig.f(2 * x) - 1, rel=1e-15, abs=4e-16)
    assert get("silu").f(x) == pytest.approx(x * sig.f(x), rel=4e-16, abs=1e-300)
    assert get("logsigmoid").f(x) == pytest.approx(-get("softplus").f(-x), rel=4e-16)
    assert sig.df(x) == pytest.approx(sig.f(x) * sig.f(-x), rel=4e-16, abs=1e-300)
    assert get("hardswish").f(x) == pytest.approx(x * get("hardsigmoid").f(x), rel=4e-16, abs=1e-300)
