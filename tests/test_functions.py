"""The registry's numbers against mpmath at high precision, and its metadata.

Accuracy is measured in ulps of the true value and must stay within
K·(1 + κ), κ = |x·g'(x)/g(x)| the relative condition number of g = f, f' or
f'' at x: no algorithm can do better than the conditioning of the function,
and ours must not do worse than a few ulps beyond it.
"""
import math
import re
import sys
import tracemalloc
from pathlib import Path

import mpmath as mp
import numpy as np
import pytest
from scipy import optimize

import actviz
from actviz import analysis, functions
from actviz.functions import SELU_ALPHA, SELU_SCALE, ActvizError, REGISTRY
from actviz.functions.smooth_rectifiers import SCIPY_MIN_SIZE

from marks import QUICK_FUNCTIONS, quick_cases, sampled
from reference import derivative, reference, step

ULPS = 4
TINY = 2.0 ** -1022
MAX = float(np.finfo(float).max)
# A subnormal result may lose bits within the tolerance, but not all of them:
# a true value of two subnormal spacings or more must not come out as 0.
FLUSH = 2.0 ** -1073
HARD = [5e-324, 1e-320, TINY, 1e-300, 1e-20, 1e-8, 1e-3, 0.25, 0.5, 1, 1.5, 2, 3, 5, 10, 20, 27.33, 37,
        40, 100, 354, 370, 37.5, 38, 38.5, 38.55, 38.6, 709, 710, 745, 745.2, 1e3, 1e4, 1e5, 1e10, 1e100,
        1e300, 1e302, 1e305, 1e307, 3e307, 1e308, MAX]

# A few non-default parameter sets, so the parametric branches are held to
# the same standard.
VARIANTS = [
    ("leaky_relu", {"negative_slope": 0.2}),
    ("elu", {"alpha": 0.5}),
    ("celu", {"alpha": 2.0}),
    ("gelu", {"approximate": "tanh"}),
    ("softplus", {"beta": 2.0}),
    ("softplus", {"threshold": 20.0}),
    ("hardtanh", {"min_val": -2.0, "max_val": 0.5}),
    ("squareplus", {"b": 0.5}),
    ("snake", {"a": 0.5}),
    ("isru", {"alpha": 3.0}),
    ("maxout", {"w2": -1.0}),                                    # |x|
    ("maxout", {"w2": 0.01}),                                    # a leaky ReLU
    ("maxout", {"w2": 0.2, "b2": 1.0}),                          # crossing at 1.25
    ("maxout", {"w2": 1.0, "b2": 0.5}),                          # parallel: the upper line, no kink
    ("maxout", {"w1": -1.0, "w2": -3.0, "b2": -2.0}),            # both falling
    ("maxout", {"w1": 1.0, "b1": 0.1, "w2": -3.0, "b2": 0.3}),   # crossing at no double (1/20)
    # a steep piece cancels beside the crossing (see test_maxout_decides_the_active_piece_exactly)
    ("maxout", {"w1": 0.0, "b1": -1.9894620302975436, "w2": 1.5814906254115066e17, "b2": -1.5084111885708125e17}),
    ("maxout", {"w1": 2.0, "b1": -MAX, "b2": -MAX}),             # w·x overflows where w·x + b does not
]
# Every numeric parameter also at the ends of its domain (the ends of the
# double range, the least subnormal, 0), where the domain allows them.
PARAMETER_EXTREMES = (-MAX, 0.0, 5e-324, 1e300, MAX)


def _at_extremes():
    cases = []
    for spec in REGISTRY.values():
        for param in (p for p in spec.params if not p.choices):
            for value in PARAMETER_EXTREMES:
                try:
                    actviz.get(spec.name, **{param.name: value})
                except ActvizError:
                    continue
                cases.append((spec.name, {param.name: value}))
    return cases + [("hardtanh", {"min_val": -MAX, "max_val": MAX}), ("rrelu", {"lower": MAX, "upper": MAX}),
                    ("threshold", {"threshold": -MAX, "value": MAX})]


# Parameters that restrict f's domain (NaN outside).  Apart from VARIANTS:
# the lower end of their range, −∞, is approached only at the edge of the
# domain, which no double reaches.
DOMAIN_VARIANTS = [
    ("soft_exponential", {"alpha": -0.5}),
    ("soft_exponential", {"alpha": -2.0}),
]
CASES = [(name, {}) for name in actviz.names()] + VARIANTS + DOMAIN_VARIANTS + _at_extremes()
IDS = [name + "".join(f"-{k}={v}" for k, v in params.items()) for name, params in CASES]


def switch_points(act):
    """Where the piecewise definition changes: the breakpoints, the finite
    ends of the domain, and softplus's switch to f = x at βx = threshold."""
    points = {*act.kinks, *act.jumps, *act.smooth_breaks}
    points.update(end for end in (act.domain.lo, act.domain.hi) if math.isfinite(end))
    if act.name == "softplus" and math.isfinite(act.params["threshold"] / act.params["beta"]):
        points.add(act.params["threshold"] / act.params["beta"])
    return points


def clear_of(breaks, x):
    """x is no breakpoint and mpmath's difference quotients around x (two
    reference.step either side) cross none."""
    return all(abs(mp.mpf(x) - b) > 4 * step(x) for b in breaks)


def grid(act):
    """Hard points, a dense grid, both signs of every scale, and points just
    beside every breakpoint; the breakpoints themselves are tested apart."""
    points = {0.0, *HARD, *(-h for h in HARD)}
    points.update(np.linspace(-10, 10, 81).tolist())
    points.update(np.logspace(-300, 5, 31).tolist())
    points.update((-np.logspace(-300, 5, 31)).tolist())
    breaks = switch_points(act)
    for b in breaks:
        points.update([b - 1e-9, b + 1e-9, b - 1e-3, b + 1e-3, np.nextafter(b, -MAX), np.nextafter(b, MAX)])
    return np.array(sorted(x for x in points if math.isfinite(x) and x in act.domain and clear_of(breaks, x)))


# The least magnitude that rounds to ±inf: MAX plus half its spacing.
OVERFLOW = mp.mpf(2) ** 1024 - mp.mpf(2) ** 970


def ulp_error(computed, true):
    """|computed − true| in units of the spacing of doubles at `true`
    (subnormal spacing below the normal range, the largest double's above
    it: a true value a hair past the overflow threshold, which rounds to
    ±inf, is also well approximated by ±1.7976931348623157e308)."""
    if abs(true) >= OVERFLOW and math.isinf(computed):
        return 0.0 if computed == mp.sign(true) * math.inf else math.inf
    spacing = math.ulp(min(max(abs(float(true)), TINY), sys.float_info.max))
    return float(abs(mp.mpf(float(computed)) - true) / spacing)


def condition(x, value, slope):
    if value == 0:
        return math.inf
    return float(abs(mp.mpf(x) * slope / value))


def check_accuracy(kernel_values, xs, true_fn, slope_fn, keep_subnormals=True):
    failures = []
    for x, got in zip(xs, kernel_values):
        true = true_fn(x)
        if got == 0 and FLUSH <= abs(true) < TINY and keep_subnormals:
            failures.append(f"x={x!r}: got {got!r}, true {mp.nstr(true, 20)}: a subnormal flushed to 0")
            continue
        err = ulp_error(got, true)
        if err <= ULPS:
            continue
        kappa = condition(x, true, slope_fn(x))
        if err > ULPS * (1 + kappa):
            failures.append(f"x={x!r}: got {got!r}, true {mp.nstr(true, 20)}, {err:.3g} ulps, κ={kappa:.3g}")
    assert not failures, "\n".join(failures[:10])


@pytest.mark.slow
@pytest.mark.parametrize("name,params", CASES, ids=IDS)
def test_f_is_accurate_to_a_few_ulps_beyond_conditioning(name, params):
    act = actviz.get(name, **params)
    ref = reference(act)
    xs = grid(act)
    check_accuracy(act.f(xs), xs, ref, lambda x: derivative(ref, x))


def derivative_grid(act):
    """The grid, without the neighbourhood of PyTorch's softplus shortcut,
    where f jumps by ~1e−9 (βx = threshold) and mpmath's derivatives of the
    reference are meaningless."""
    xs = grid(act)
    if act.name == "softplus" and act.params["threshold"] != math.inf:
        with np.errstate(over="ignore"):  # thresholds near ±1.8e308
            xs = xs[np.abs(act.params["beta"] * xs - act.params["threshold"]) > 1e-3]
    return xs


@pytest.mark.slow
@pytest.mark.parametrize("name,params", CASES, ids=IDS)
def test_df_matches_mpmath_differentiation(name, params):
    act = actviz.get(name, **params)
    ref = reference(act)
    xs = derivative_grid(act)
    check_accuracy(act.df(xs), xs, lambda x: derivative(ref, x), lambda x: derivative(ref, x, 2))


# f'' is tested where the parameters are of moderate size.  A step of 1e-6
# resolves it only where they keep f' on the scale of x (snake's a = 1e300
# oscillates 1e294 times between two points), and f'' serves only the
# analysis, which draws with such parameters nothing f'' would locate.
MODERATE = [(n, p) for n, p in CASES
            if all(v == 0 or 1e-100 < abs(v) < 1e100 for v in p.values() if isinstance(v, float))]
MODERATE_IDS = [f"{n}-{p}" for n, p in MODERATE]


@pytest.mark.slow
@pytest.mark.parametrize("name,params", MODERATE, ids=MODERATE_IDS)
def test_d2f_matches_mpmath_differentiation(name, params):
    act = actviz.get(name, **params)
    ref = reference(act)
    xs = derivative_grid(act)
    # f'' serves the analysis (the peak of |f'|), never a printed value: its
    # far tails may flush a subnormal to 0 (GELU'' at |x| = 38.6, ~1e-321).
    check_accuracy(act.d2f(xs), xs, lambda x: derivative(ref, x, 2), lambda x: derivative(ref, x, 3),
                   keep_subnormals=False)


@pytest.mark.parametrize("name,params", MODERATE, ids=MODERATE_IDS)
def test_d2f_agrees_with_a_central_difference_of_df(name, params):
    act = actviz.get(name, **params)
    xs = np.linspace(-12, 12, 2401) + 0.00123
    breaks = np.array([*act.kinks, *act.jumps, *act.smooth_breaks])
    xs = xs[np.all(np.abs(xs[:, None] - breaks) > 1e-3, axis=1)] if len(breaks) else xs
    xs = xs[(xs > act.domain.lo + 0.1) & (xs < act.domain.hi - 0.1)]
    h = 1e-6 * np.maximum(1.0, np.abs(xs))
    difference = (act.df(xs + h) - act.df(xs - h)) / (2 * h)
    np.testing.assert_allclose(act.d2f(xs), difference, rtol=1e-6, atol=1e-6)


@pytest.mark.slow
def test_d2f_of_the_tanh_gelu_near_its_flat_points_stays_within_its_documented_bound():
    """The one measured exception to ULPS·(1 + κ): tanh-form GELU'' loses up
    to 10 ulps to the rounding of its inner argument near |x| = 2, where
    f''' ≈ 0 (see gelu_grad2)."""
    act = actviz.get("gelu", approximate="tanh")
    ref = reference(act)
    xs = np.concatenate([np.linspace(-2.2, -1.8, 41), np.linspace(1.8, 2.2, 41)])
    for x, got in zip(xs, act.d2f(xs)):
        true = derivative(ref, x, 2)
        assert ulp_error(got, true) <= 3 * ULPS * (1 + condition(x, true, derivative(ref, x, 3))), x



def _gelu_of_a_large_array(kernel, xs):
    """kernel at xs, evaluated inside an array large enough that Φ (erf,
    erfcx) comes from scipy.special (smaller ones, the grid included, use
    the math module)."""
    assert xs.size < SCIPY_MIN_SIZE
    return kernel(np.concatenate([xs, np.zeros(SCIPY_MIN_SIZE)]))[:xs.size]


@pytest.mark.slow
@pytest.mark.parametrize("name", ["gelu", "smu"])
def test_gelu_of_a_large_array_is_as_accurate(name):
    act = actviz.get(name)
    ref = reference(act)
    xs = grid(act)
    check_accuracy(_gelu_of_a_large_array(act.f, xs), xs, ref, lambda x: derivative(ref, x))
    check_accuracy(_gelu_of_a_large_array(act.df, xs), xs, lambda x: derivative(ref, x),
                   lambda x: derivative(ref, x, 2))


def test_gelu_of_small_and_large_arrays_differs_in_the_last_bits_only():
    """Not bitwise: math.erfc and scipy's erfc round differently.  Each is
    within ULPS·(1 + κ) of the truth, so they differ by at most twice that;
    measured on this grid: at most 4.6·(1 + κ) for f and 4.2·(1 + κ) for f'
    (κ the condition number of each), and 2 ulps for x > 0."""
    act = actviz.get("gelu")
    xs = np.linspace(-37.0, 37.0, SCIPY_MIN_SIZE - 1)
    for kernel, slope in ((act.f, act.df), (act.df, act.d2f)):
        small, large = kernel(xs), _gelu_of_a_large_array(kernel, xs)
        assert np.any(small != large)
        with np.errstate(divide="ignore", invalid="ignore"):
            kappa = np.where(small == 0, 0.0, np.abs(xs * slope(xs) / small))
        ulps = np.abs(small - large) / np.spacing(np.abs(small))
        assert np.all(ulps <= 2 * ULPS * (1 + kappa))
        assert np.all(ulps[xs > 0] <= 2)

def first_zero_or_infinity(g, breaks):
    """The doubles where g's computed value turns 0 or ±inf next to a finite
    non-zero value, found on a grid over every binade of both signs and
    bisected to adjacent doubles: wherever the kernel underflows or
    overflows, the true value must have done so too."""
    magnitudes = np.append(np.geomspace(5e-324, 1e308, 20000), MAX)
    xs = np.concatenate([-magnitudes[::-1], [0.0], magnitudes])
    gone = lambda x: (g(x) == 0) | np.isinf(g(x))  # noqa: E731
    flags = gone(xs)
    edges = []
    for i in np.flatnonzero(flags[1:] != flags[:-1]):
        good, bad = (xs[i], xs[i + 1]) if flags[i + 1] else (xs[i + 1], xs[i])
        while np.nextafter(good, bad) != bad:
            mid = good + (bad - good) / 2
            if mid in (good, bad):
                break
            good, bad = (good, mid) if gone(mid) else (mid, bad)
        if clear_of(breaks, bad):
            edges.append(float(bad))
    return np.array(edges)


@pytest.mark.slow
@pytest.mark.parametrize("name,params", CASES, ids=IDS)
def test_kernels_underflow_and_overflow_only_where_the_true_values_do(name, params):
    act = actviz.get(name, **params)
    ref = reference(act)
    breaks = switch_points(act)
    xs = first_zero_or_infinity(act.f, breaks)
    check_accuracy(act.f(xs), xs, ref, lambda x: derivative(ref, x))
    xs = first_zero_or_infinity(act.df, breaks)
    check_accuracy(act.df(xs), xs, lambda x: derivative(ref, x), lambda x: derivative(ref, x, 2))


@pytest.mark.parametrize("name,params", quick_cases(CASES, IDS))
def test_no_warning_no_nan_for_any_finite_input(name, params):
    act = actviz.get(name, **params)
    xs = np.concatenate([grid(act), [MAX, -MAX, 5e-324, -5e-324]])
    with np.errstate(all="raise", under="ignore"):
        f, df, d2f = act.f(xs), act.df(xs), act.d2f(xs)
    outside = np.array([x not in act.domain for x in xs])
    for values in (f, df, d2f):
        np.testing.assert_array_equal(np.isnan(values), outside)


@pytest.mark.parametrize("name", actviz.names())
def test_nan_in_nan_out_and_infinities_give_the_limits(name):
    act = actviz.get(name)
    f = act.f([np.nan, -np.inf, np.inf])
    df = act.df([np.nan, -np.inf, np.inf])
    d2f = act.d2f([np.nan, -np.inf, np.inf])
    assert np.isnan(f[0]) and np.isnan(df[0]) and np.isnan(d2f[0])
    np.testing.assert_array_equal(f[1:], act.limits)
    np.testing.assert_array_equal(df[1:], act.dlimits)
    np.testing.assert_array_equal(d2f[1:], act.d2limits)


@pytest.mark.parametrize("name", actviz.names())
def test_declared_limits_are_the_limits(name):
    act = actviz.get(name)
    far = np.array([-1e300, 1e300])
    for values, limits in ((act.f(far), act.limits), (act.df(far), act.dlimits), (act.d2f(far), act.d2limits)):
        for value, limit in zip(values, limits):
            if math.isnan(limit):
                continue
            if math.isinf(limit):
                assert abs(value) > 1e3 and np.sign(value) == np.sign(limit)
            else:
                assert value == pytest.approx(limit, abs=1e-12)


@pytest.mark.parametrize("name", actviz.names())
def test_d2f_has_a_limit_wherever_df_has_one(name):
    act = actviz.get(name)
    assert [math.isnan(v) for v in act.d2limits] == [math.isnan(v) for v in act.dlimits]


@pytest.mark.parametrize("name", sampled(actviz.names(), QUICK_FUNCTIONS))
def test_one_element_call_equals_vectorised_call_bitwise(name):
    act = actviz.get(name)
    xs = grid(act)
    whole_f, whole_df, whole_d2f = act.f(xs), act.df(xs), act.d2f(xs)
    single_f = np.array([act.f(x) for x in xs])
    single_df = np.array([act.df(np.array([x]))[0] for x in xs])
    single_d2f = np.array([act.d2f(x) for x in xs])
    np.testing.assert_array_equal(whole_f.view(np.int64), single_f.view(np.int64))
    np.testing.assert_array_equal(whole_df.view(np.int64), single_df.view(np.int64))
    np.testing.assert_array_equal(whole_d2f.view(np.int64), single_d2f.view(np.int64))


@pytest.mark.slow
@pytest.mark.parametrize("name", ["sigmoid", "gelu", "mish"])
def test_a_large_array_is_evaluated_in_pieces_with_the_same_values_and_little_memory(name, monkeypatch):
    """Beyond functions.core.PIECE elements the kernels get pieces: the
    values are those of one call on the whole array, bit for bit, and f and
    f' together hold at most 4 times the input at the peak."""
    act = actviz.get(name)
    monkeypatch.setattr(functions.core, "PIECE", 2 * SCIPY_MIN_SIZE)  # the least it may be, for a quick test
    x = np.random.default_rng(0).standard_normal((2, 8 * functions.core.PIECE + 3)) * 10
    tracemalloc.start()
    pieces = act.f(x), act.df(x)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert pieces[0].shape == x.shape and peak <= 4 * x.nbytes
    monkeypatch.setattr(functions.core, "PIECE", x.size)
    for piecewise, whole in zip(pieces, (act.f(x), act.df(x))):
        np.testing.assert_array_equal(piecewise.view(np.int64), whole.view(np.int64))


def test_shapes_and_dtypes_are_kept():
    act = actviz.get("gelu")
    assert isinstance(act.f(1.0), np.float64)
    assert act.f(np.zeros((2, 3), dtype=np.float32)).shape == (2, 3)
    assert act.f(np.zeros((2, 3), dtype=np.float32)).dtype == np.float64
    assert act.df([1, 2, 3]).dtype == np.float64


@pytest.mark.parametrize("name", actviz.names())
def test_values_stay_in_the_declared_range(name):
    act = actviz.get(name)
    values = act.f(grid(act))
    rng = act.output_range
    # Rounding may land on an open end (σ(40) rounds to 1): check the closure.
    outside = [v for v in values if not rng.lo <= v <= rng.hi]
    assert not outside, f"{outside[:5]} outside {rng}"


def extreme_value(act, sign):
    """The least (sign 1) or greatest (sign −1) value f takes or approaches:
    over the test grid and a fine grid of its plotting range, the extreme
    sample refined by a bounded scalar search, and the limits at ±∞."""
    lo, hi = act.xlim
    xs = np.unique(np.concatenate([grid(act), np.linspace(3 * lo, 3 * hi, 100001)]))
    with np.errstate(over="ignore"):
        values = sign * act.f(xs)
    i = int(np.nanargmin(values))
    best = values[i]
    if 0 < i < len(xs) - 1:
        found = optimize.minimize_scalar(lambda x: sign * float(act.f(x)), bounds=(xs[i - 1], xs[i + 1]),
                                         method="bounded", options={"xatol": 1e-13})
        best = min(best, found.fun)
    return sign * min([best, *(sign * v for v in act.limits if not math.isnan(v))])


@pytest.mark.parametrize("name,params", quick_cases([(n, {}) for n in actviz.names()] + VARIANTS,
                                                   actviz.names() + [f"{n}-{p}" for n, p in VARIANTS]))
def test_declared_range_is_tight(name, params):
    """Each end of the declared range is attained or approached, within
    1e-12: a minimum written by hand (silu's −W(1/e), elish's 2√2 − 3) must be
    the minimum, not merely below it."""
    act = actviz.get(name, **params)
    rng = act.output_range
    for end, sign in ((rng.lo, 1), (rng.hi, -1)):
        reached = extreme_value(act, sign)
        if math.isinf(end):
            # Reached, or, where f has no limit (x·cos x), taken near the top of the double range.
            assert reached == end or sign * reached <= -1e300
        else:
            extreme = "least" if sign > 0 else "greatest"
            assert abs(reached - end) <= 1e-12, f"{extreme} value {reached!r}, declared {end!r}"


@pytest.mark.parametrize("name", [n for n in actviz.names() if actviz.get(n).monotonic])
def test_monotonic_functions_never_decrease(name):
    act = actviz.get(name)
    xs = np.sort(np.concatenate([grid(act), np.linspace(-50, 50, 20001)]))
    values = act.f(xs)
    assert (values[1:] >= values[:-1]).all()


@pytest.mark.parametrize("name", [n for n in actviz.names() if actviz.get(n).symmetry == "odd"])
def test_odd_functions_are_odd_bitwise(name):
    act = actviz.get(name)
    xs = grid(act)
    np.testing.assert_array_equal(act.f(-xs), -act.f(xs))


@pytest.mark.parametrize("name", [n for n in actviz.names() if actviz.get(n).continuity in ("C1", "C2")])
def test_c1_functions_have_continuous_derivative_at_breakpoints(name):
    act = actviz.get(name)
    for b in act.smooth_breaks:
        left, right = act.df([b - 1e-12, b + 1e-12])
        assert left == pytest.approx(right, abs=1e-9)


# The derivative's value at each kink and jump, decided once, as PyTorch
# decides it, in the entry (`df_at_kinks`); every kink and jump must have one.
KINK_CASES = [(name, params) for name, params in [(n, {}) for n in actviz.names()] + VARIANTS
              if actviz.get(name, **params).derivative_jumps]


@pytest.mark.parametrize("name,params", KINK_CASES, ids=[f"{n}-{p}" for n, p in KINK_CASES])
def test_derivative_at_a_kink_takes_pytorchs_side(name, params):
    act = actviz.get(name, **params)
    declared = act.df_at_kinks
    assert set(act.derivative_jumps) <= set(declared), "a kink or jump without its declared f'"
    for x, expected in declared.items():
        assert act.df(x) == expected, x


def test_the_derivatives_at_kinks_are_pytorchs():
    """A few of the declared values written out, as PyTorch documents them."""
    assert actviz.get("relu").df_at_kinks == {0.0: 0.0}
    assert actviz.get("leaky_relu").df_at_kinks == {0.0: 0.01}
    assert actviz.get("rrelu").df_at_kinks == {0.0: (1 / 8 + 1 / 3) / 2}
    assert actviz.get("elu", alpha=0.5).df_at_kinks == {0.0: 0.5}
    assert actviz.get("selu").df_at_kinks == {0.0: SELU_SCALE * SELU_ALPHA}
    assert actviz.get("hardswish").df_at_kinks == {-3.0: -0.5, 3.0: 1.5}
    assert actviz.get("hardtanh").df_at_kinks == {-1.0: 0.0, 1.0: 0.0}


INF = math.inf


@pytest.mark.parametrize("params,output_range,limits,dlimits,kinks,monotonic,continuity,symmetry", [
    ({}, "[0, ∞)", (0.0, INF), (0.0, 1.0), (0.0,), True, "C0", "none"),                        # ReLU
    ({"w2": -1.0}, "[0, ∞)", (INF, INF), (-1.0, 1.0), (0.0,), False, "C0", "even"),            # |x|
    ({"w2": 0.01}, "(-∞, ∞)", (-INF, INF), (0.01, 1.0), (0.0,), True, "C0", "none"),           # leaky
    ({"w2": 0.2, "b2": 1.0}, "(-∞, ∞)", (-INF, INF), (0.2, 1.0), (1.25,), True, "C0", "none"),
    ({"w2": -0.5, "b2": 1.0}, "[0.666667, ∞)", (INF, INF), (-0.5, 1.0), (2 / 3,), False, "C0", "none"),
    ({"w1": -1.0, "w2": 0.0, "b2": 2.0}, "[2, ∞)", (INF, 2.0), (-1.0, 0.0), (-2.0,), "decreasing", "C0", "none"),
    ({"w1": 1.0, "w2": 1.0, "b2": 0.5}, "(-∞, ∞)", (-INF, INF), (1.0, 1.0), (), True, "C∞", "none"),
    ({"w1": 1.0, "w2": 1.0, "b2": -0.5}, "(-∞, ∞)", (-INF, INF), (1.0, 1.0), (), True, "C∞", "odd"),
    ({"w1": -1.0, "w2": -3.0, "b2": -2.0}, "(-∞, ∞)", (INF, -INF), (-3.0, -1.0), (-1.0,), "decreasing", "C0",
     "none"),
    ({"w1": 0.0, "b1": 1.0, "w2": 1e-310}, "[1, ∞)", (1.0, INF), (0.0, 1e-310), (), True, "C0", "none"),
])
def test_maxout_facts_follow_the_pieces(params, output_range, limits, dlimits, kinks, monotonic, continuity,
                                        symmetry):
    """The shallower piece rules towards −∞, the steeper towards +∞; parallel
    pieces are the upper line; pieces that cross beyond the double range (at
    1e310) have a kink no double reaches."""
    act = actviz.get("maxout", **params)
    assert (str(act.output_range), act.limits, act.dlimits, act.kinks) == (output_range, limits, dlimits, kinks)
    assert (analysis.monotonicity(act), act.continuity, act.symmetry) == (monotonic, continuity, symmetry)
    if monotonic == "decreasing":
        assert np.all(np.diff(act.f(np.linspace(-50, 50, 20001))) <= 0)
    assert act.df_at_kinks == {k: params.get("w1", 1.0) / 2 + params.get("w2", 0.0) / 2 for k in kinks}


def test_maxout_least_value_and_crossing_are_correctly_rounded():
    act = actviz.get("maxout", w2=-0.5, b2=1.0)  # max(x, 1 − x/2): least value 2/3 at x = 2/3
    assert act.output_range.lo == act.kinks[0] == 2 / 3
    # The double x* lies below the crossing, where the falling piece is active and a hair above 2/3.
    assert act.f(act.kinks[0]) == 1 - act.kinks[0] / 2 == 0.6666666666666667


def test_maxout_values_at_and_beside_the_kink():
    relu_like = actviz.get("maxout")
    assert relu_like.f([-2.0, -0.0, 0.0, 3.0]).tolist() == [0.0, 0.0, 0.0, 3.0]
    # torch.maximum(x, 0) gives each of its tied arguments half the gradient: 0.5 at 0, where torch.relu gives 0.
    assert relu_like.df([-1.0, 0.0, 1.0]).tolist() == [0.0, 0.5, 1.0]
    assert actviz.get("maxout", w2=-1.0).df([-1.0, 0.0, 1.0]).tolist() == [-1.0, 0.0, 1.0]  # |x|: abs'(0) = 0 too
    shifted = actviz.get("maxout", w2=0.2, b2=1.0)
    below, above = np.nextafter(1.25, 0.0), np.nextafter(1.25, 2.0)
    assert shifted.f([below, 1.25, above]).tolist() == [0.2 * below + 1.0, 1.25, above]
    assert shifted.df([below, 1.25, above]).tolist() == [0.2, 0.2 / 2 + 1.0 / 2, 1.0]
    assert actviz.get("maxout", w1=1e10).f([1e300, -1e300]).tolist() == [INF, 0.0]  # as the limits (0, ∞)


def test_maxout_decides_the_active_piece_exactly():
    """Beside the crossing a steep inactive piece, rounded, can stand above
    a flat active one: the larger rounded piece would be 0.0 here, where f
    is b1 (and its condition number 0)."""
    params = {"w1": 0.0, "b1": -1.9894620302975436, "w2": 1.5814906254115066e17, "b2": -1.5084111885708125e17}
    act = actviz.get("maxout", **params)
    x = np.nextafter(act.kinks[0], -INF)
    assert max(params["w1"] * x + params["b1"], params["w2"] * x + params["b2"]) == 0.0
    assert act.f(x) == params["b1"] and act.df(x) == 0.0


def _beside(g, x, side):
    """g's one-sided limit at x (to ~1e-9) from the left (side −1) or the
    right (+1), or the mean of the two (side 0)."""
    left, right = g(x - 1e-9 * max(1.0, abs(x))), g(x + 1e-9 * max(1.0, abs(x)))
    return {-1: left, 1: right, 0: (left + right) / 2}[side]


BREAK_CASES = [(name, params) for name, params in [(n, {}) for n in actviz.names()] + VARIANTS
               if actviz.get(name, **params).derivative_jumps or actviz.get(name, **params).smooth_breaks]


@pytest.mark.parametrize("name,params", BREAK_CASES, ids=[f"{n}-{p}" for n, p in BREAK_CASES])
def test_second_derivative_at_a_break_takes_the_side_the_derivative_takes(name, params):
    """Where f' jumps, f'' takes the side whose limit f' takes (elu'(0) = α
    is the left limit, so elu''(0) = α too; abs'(0) = 0 is the mean of ±1, so
    abs''(0) is the mean of its sides); where only f'' jumps, a one-sided
    limit or the mean of the two (softsign''(0) = 0), as the kernel's
    docstring says."""
    act = actviz.get(name, **params)
    close = lambda a, b: a == pytest.approx(b, rel=1e-6, abs=1e-6)
    for x in act.derivative_jumps:
        sides = [side for side in (-1, 1, 0) if close(act.df(x), _beside(act.df, x, side))]
        assert sides, f"f'({x}) is neither a one-sided limit nor their mean"
        assert any(close(act.d2f(x), _beside(act.d2f, x, side)) for side in sides), x
    for x in act.smooth_breaks:
        assert any(close(act.d2f(x), _beside(act.d2f, x, side)) for side in (-1, 1, 0)), x


def test_second_derivative_at_a_break_written_out():
    """A few of the values the test above derives, as a reader checks them."""
    assert actviz.get("relu").d2f(0.0) == 0.0
    assert actviz.get("elu").d2f(0.0) == 1.0
    assert actviz.get("selu").d2f(0.0) == SELU_SCALE * SELU_ALPHA
    assert actviz.get("hardswish").d2f([-3.0, 3.0]).tolist() == [1 / 3, 1 / 3]
    assert actviz.get("elish").d2f(0.0) == 0.5


def test_second_derivative_at_a_break_with_parameters():
    assert actviz.get("elu", alpha=0.5).d2f(0.0) == 0.5
    assert actviz.get("celu", alpha=2.0).d2f(0.0) == 0.5
    assert actviz.get("softplus", threshold=20.0).d2f([20.0, np.nextafter(20.0, 21.0)]).tolist() == [
        actviz.get("sigmoid").df(20.0), 0.0]


@pytest.mark.parametrize("name,x,expected", [
    ("hardshrink", 0.5, 0.0), ("hardshrink", -0.5, 0.0), ("threshold", 1.0, 0.0),
    ("step", 0.0, 1.0), ("sign", 0.0, 0.0),
])
def test_value_at_a_jump_takes_the_documented_side(name, x, expected):
    assert actviz.get(name).f(x) == expected


def test_hard_points_the_textbooks_get_wrong():
    assert actviz.get("hardsigmoid").df(0.5) == 1 / 6
    assert actviz.get("sigmoid").df(0.0) == 0.25
    assert actviz.get("tanh").df(0.0) == 1.0
    assert actviz.get("sigmoid").df(40.0) == pytest.approx(math.exp(-40), rel=1e-15)
    assert actviz.get("tanh").df(20.0) == pytest.approx(4 * math.exp(-40), rel=1e-14)
    assert actviz.get("softplus").f(800.0) == 800.0
    assert actviz.get("tanhshrink").f(1e-10) == pytest.approx(1e-30 / 3, rel=1e-15)
    assert actviz.get("gelu").f(-30.0) < 0


def bisect_root(g, lo, hi):
    """The sign change of g in [lo, hi] to the last bit: bisection on the
    doubles themselves (ordered as integers), which ends in at most 64 steps
    on two neighbours; of those, the one where |g| is smaller."""
    def key(x):
        bits = int(np.float64(x).view(np.int64))
        return bits if bits >= 0 else -(bits & 0x7FFFFFFFFFFFFFFF)

    def double(k):
        return math.copysign(float(np.int64(abs(k)).view(np.float64)), k)

    a, b = key(lo), key(hi)
    sign_a = np.sign(g(lo))
    while b - a > 1:
        m = (a + b) // 2
        sign_m = np.sign(g(double(m)))
        if sign_m == 0:
            return double(m)
        a, b = (m, b) if sign_m == sign_a else (a, m)
    return min(double(a), double(b), key=lambda x: abs(g(x)))


# The maximum of |f'| is where f'' changes sign: GELU' peaks at √2, the
# Gaussian's |f'| at 1/√2, snake' at π/4, |sin'| at π.
@pytest.mark.parametrize("name,lo,hi,expected", [
    ("gelu", 1.0, 2.0, 1.4142135623730951),
    ("gaussian", 0.5, 1.0, 0.7071067811865476),
    ("snake", 0.5, 1.0, math.pi / 4),
    ("sinusoid", 3.0, 3.3, math.pi),
])
def test_bisection_on_d2f_finds_the_peak_of_df_correctly_rounded(name, lo, hi, expected):
    assert bisect_root(actviz.get(name).d2f, lo, hi) == expected


@pytest.mark.slow
@pytest.mark.parametrize("name,root", [("gelu", math.sqrt(2.0)), ("gaussian", math.sqrt(0.5))])
def test_d2f_keeps_full_relative_precision_beside_its_roots(name, root):
    """Where f'' = 0 its condition number is infinite, so the accuracy test
    above holds it to nothing there; these roots are algebraic, and f'' is
    exact to a few ulps on the doubles around them."""
    act = actviz.get(name)
    ref = reference(act)
    for x in (root, np.nextafter(root, 0.0), np.nextafter(root, 2.0), -root):
        assert ulp_error(act.d2f(x), derivative(ref, x, 2)) <= ULPS, x


# Functions whose |f'| has an isolated interior maximum, with a bracket of it.
PEAKS_OF_DF = [
    ("sigmoid", {}, -1.0, 2.0), ("tanh", {}, -1.0, 2.0), ("gelu", {}, 1.0, 2.0),
    ("gelu", {"approximate": "tanh"}, 1.0, 2.0), ("silu", {}, 2.0, 3.0),
    ("swish_beta", {"beta": 1.5}, 1.0, 2.0), ("quick_gelu", {}, 1.0, 2.0), ("mish", {}, 0.5, 2.5),
    ("softsign", {}, -1.0, 2.0), ("arctan", {}, -1.0, 2.0), ("lecun_tanh", {}, -1.0, 2.0),
    ("isru", {}, -1.0, 2.0), ("gaussian", {}, 0.5, 1.0), ("sinc", {}, 1.5, 2.5),
    ("sinusoid", {}, 3.0, 3.3), ("tanhexp", {}, 0.2, 1.5), ("elish", {}, 2.0, 3.0),
    ("sqnl", {}, -1.0, 2.0), ("snake", {}, 0.5, 1.0), ("bipolar_sigmoid", {}, -1.0, 2.0),
]


@pytest.mark.slow
@pytest.mark.parametrize("name,params,lo,hi", PEAKS_OF_DF)
def test_bisection_on_d2f_finds_the_peak_of_df_to_an_ulp(name, params, lo, hi):
    """The true f'' (mpmath) changes sign between the neighbours of the root
    found, so the true root is less than an ulp away."""
    act = actviz.get(name, **params)
    root = bisect_root(act.d2f, lo, hi)
    ref = reference(act)
    below, above = (derivative(ref, np.nextafter(root, side), 2) for side in (-np.inf, np.inf))
    assert below * above <= 0, f"root {root!r}: f'' is {mp.nstr(below, 5)} and {mp.nstr(above, 5)} beside it"


def test_selu_constants_are_the_papers():
    assert SELU_ALPHA == float(mp.mpf("1.6732632423543772848170429916717"))
    assert SELU_SCALE == float(mp.mpf("1.0507009873554804934193349852946"))


# Values once wrong near the ends of the double range, with what they were:
# inf from an intermediate overflow, 0 from a factor that underflowed first.
EDGE_VALUES = [
    ("hardswish", {}, "f", 3e307, 3e307),                             # inf: x·6 overflowed
    ("hardswish", {}, "f", 1e308, 1e308),                             # inf
    ("celu", {"alpha": 1e300}, "f", -1e-300, -1e-300),                # -0.0: x/α flushed to 0
    ("celu", {"alpha": 1e300}, "f", -1e-20, -1e-20),                  # -9.99988867182683e-21
    ("isru", {"alpha": 1e300}, "f", 1e300, 1e-150),                   # 0.0: √α·x overflowed
    ("silu", {}, "f", -745.2, -1.724e-321),                           # -0.0: σ(x) flushed to 0
    ("silu", {}, "df", -745.2, -1.72e-321),                           # -0.0
    ("swish_beta", {}, "f", -745.2, -1.724e-321),                     # -0.0
    ("mish", {}, "f", -745.2, -1.724e-321),                           # -0.0
    ("mish", {}, "df", -745.2, -1.72e-321),                           # 0.0
    ("tanhexp", {}, "f", -745.2, -1.724e-321),                        # -0.0
    ("gelu", {}, "f", -38.55, -1e-323),                               # -0.0: Φ(x) flushed to 0
    ("gelu", {}, "df", -38.6, -4.4e-323),                             # 0.0: φ(x) flushed to 0
    ("gelu", {"approximate": "tanh"}, "df", 1e305, 1.0),              # nan: inf·0
    ("elu", {"alpha": 1e300}, "df", -745.2, 2.310745339009376e-24),   # 0.0: eˣ flushed to 0
    ("squareplus", {"b": 5e-324}, "f", -1e-20, 1.2351641146031164e-304),  # 0.0: b/2 flushed to 0
    ("gaussian", {}, "df", 27.33, -2.5e-323),                         # -0.0: e^{−x²} flushed to 0
    ("lecun_tanh", {}, "df", -558.85, 1e-323),                        # 0.0: sech² flushed to 0
    ("rrelu", {"lower": MAX, "upper": MAX}, "f", -1.0, -MAX),         # -inf: lower + upper overflowed
    ("maxout", {"w1": 2.0, "b1": -MAX, "b2": -MAX}, "f", 2.0 ** 1023, 2.0 ** 971),  # inf: w·x overflowed
]


@pytest.mark.parametrize("name,params,which,x,expected", EDGE_VALUES)
def test_no_intermediate_overflow_or_underflow(name, params, which, x, expected):
    act = actviz.get(name, **params)
    assert (act.f if which == "f" else act.df)(x) == expected


@pytest.mark.parametrize("name,x", [("sigmoid", -740.0), ("exponential", -740.0),
                                    ("silu", -740.0), ("gelu", -38.0)])
def test_subnormal_results_are_kept(name, x):
    value = actviz.get(name).f(x)
    assert value != 0 and abs(value) < TINY


@pytest.mark.parametrize("identity,lhs,rhs", [
    ("tanh(x) = 2σ(2x) − 1", lambda x: actviz.get("tanh").f(x),
     lambda x: 2 * actviz.get("sigmoid").f(2 * x) - 1),
    ("silu(x) = x·σ(x)", lambda x: actviz.get("silu").f(x), lambda x: x * actviz.get("sigmoid").f(x)),
    ("logsigmoid(x) = −softplus(−x)", lambda x: actviz.get("logsigmoid").f(x),
     lambda x: -actviz.get("softplus").f(-x)),
    ("σ'(x) = σ(x)σ(−x)", lambda x: actviz.get("sigmoid").df(x),
     lambda x: actviz.get("sigmoid").f(x) * actviz.get("sigmoid").f(-x)),
    ("hardswish(x) = x·hardsigmoid(x)", lambda x: actviz.get("hardswish").f(x),
     lambda x: x * actviz.get("hardsigmoid").f(x)),
])
def test_identities_teachers_quote(identity, lhs, rhs):
    xs = np.linspace(-6, 6, 241)
    np.testing.assert_allclose(lhs(xs), rhs(xs), rtol=4e-16 * 4, atol=4e-16, err_msg=identity)


def test_every_entry_is_complete_and_every_name_resolves():
    assert len(REGISTRY) >= 45
    for name, spec in REGISTRY.items():
        assert name == name.lower() and " " not in name
        assert spec.latex.startswith("$") and spec.text.startswith("f(x) =")
        for alias in spec.aliases:
            assert actviz.get(alias).name == name


def test_every_entry_of_the_family_modules_is_registered_once():
    entries = [value for module in functions.FAMILIES for value in vars(module).values()
               if isinstance(value, functions.Spec)]
    assert sorted(spec.name for spec in entries) == sorted(REGISTRY)
    assert set(functions.LISTING_ORDER) <= set(REGISTRY)


def test_presets_and_constraints_hold_at_the_defaults_they_declare():
    for spec in REGISTRY.values():
        known = {p.name for p in spec.params}
        defaults = {p.name: p.default for p in spec.params}
        assert all(constraint.holds(defaults) for constraint in spec.constraints), spec.name
        for framework, values in spec.presets.items():
            assert framework in functions.FRAMEWORKS[1:] and set(values) <= known, spec.name
            assert actviz.get(spec.name, preset=framework).params == {**defaults, **values}


def test_readme_states_the_number_of_functions():
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    counts = re.findall(r"\b(\d+) functions\b", readme)
    assert counts and {int(count) for count in counts} == {len(actviz.names())}


def test_presets_give_each_frameworks_defaults():
    assert actviz.get("leaky_relu").params["negative_slope"] == 0.01
    assert actviz.get("leaky_relu", preset="keras").params["negative_slope"] == 0.2
    assert actviz.get("gelu", preset="jax").params["approximate"] == "tanh"
    assert actviz.get("gelu", preset="jax").torch == "torch.nn.GELU(approximate='tanh')"
    keras2 = actviz.get("hardsigmoid", preset="keras2")
    assert keras2.kinks == (-2.5, 2.5) and keras2.torch is None
    assert keras2.f([-2.5, -1.0, 0.0, 1.0, 2.5]).tolist() == [0.0, 0.3, 0.5, 0.7, 1.0]  # 0.2x + 0.5


@pytest.mark.parametrize("call,message", [
    (lambda: actviz.get("rleu"), "unknown activation 'rleu'; did you mean 'relu'?"),
    (lambda: actviz.get("elu", alpha="abc"), "parameter 'alpha' must be a number; got 'abc'"),
    (lambda: actviz.get("leaky_relu", negative_slope="0_1"), "parameter 'negative_slope' must be a number; got '0_1'"),
    (lambda: actviz.get("elu", alpha="0x10"), "parameter 'alpha' must be a number; got '0x10'"),
    (lambda: actviz.get("elu", alpha="١"), "parameter 'alpha' must be a number; got '١'"),
    (lambda: actviz.get("elu", nope=1), "elu has no parameter 'nope' (parameters: alpha)"),
    (lambda: actviz.get("softplus", beta=-1), "parameter 'beta' must be a finite number > 0; got -1"),
    (lambda: actviz.get("rrelu", lower=0.5, upper=0.1), "rrelu: lower (0.5) must not exceed upper (0.1)"),
    (lambda: actviz.get("hardtanh", min_val=1), "hardtanh: min_val (1) must be below max_val (1)"),
    (lambda: actviz.get("gelu", approximate="erf"), "parameter 'approximate' must be one of none, tanh; got 'erf'"),
    (lambda: actviz.get("relu", preset="mxnet"), "unknown preset 'mxnet'; choose from torch, jax, keras, keras2"),
])
def test_bad_names_and_parameters_say_what_is_wrong(call, message):
    with pytest.raises(ActvizError) as error:
        call()
    assert str(error.value) == message
