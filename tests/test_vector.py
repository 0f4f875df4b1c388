"""Vector functions (softmax and its relatives): values and Jacobians
against mpmath, their two-class forms, the command line and the figures.

Accuracy is held to the bound of tests/test_functions.py, with the
componentwise condition number of a map of vectors: for output i,
κ_i = Σ_j |z_j·∂f_i/∂z_j| / |f_i|.
"""
import itertools
import json
import math
import re
import xml.etree.ElementTree as ET

import mpmath as mp
import numpy as np
import pytest
from click.testing import CliRunner

import actviz
from actviz.cli import cli
from actviz.functions import VECTOR, ActvizError, Vector

from reference import derivative
from test_functions import FLUSH, HARD, TINY, ULPS, ulp_error

NAMES = list(VECTOR)
TEMPERATURES = (1.0, 0.5, 2.0)
DIGITS = 80
_FAR = -10 ** 6


# ---------------------------------------------------------------------------
# The references: textbook definitions at 80 digits
# ---------------------------------------------------------------------------

def _exp(x):
    return mp.exp(x) if x > _FAR else mp.mpf(0)


def _softmax(x):
    """(p, log p): the largest term of the sum is 1 and the rest is summed
    apart, so that log p = x_i − max − log1p(rest) keeps its digits where p ≈ 1."""
    top = max(x)
    e = [_exp(v - top) for v in x]
    rest = sum(e) - 1
    return [v / (1 + rest) for v in e], [v - top - mp.log1p(rest) for v in x]


def _others(values, i):
    """Σ_{j≠i} values_j: 1 − p_i would need as many digits as p_i has nines."""
    return sum(v for j, v in enumerate(values) if j != i)


def _threshold(x, power):
    """τ with Σ max(x_i − τ, 0)^power = 1 (power 1: sparsemax, 2: 1.5-entmax):
    for each support size k, τ solves the equation on the k largest entries;
    the right k is the one whose τ lies between the k-th and (k+1)-th."""
    ordered = sorted(x, reverse=True)
    for k in range(1, len(x) + 1):
        top = ordered[:k]
        if power == 1:
            tau = (sum(top) - 1) / k
        else:
            mean = sum(top) / k
            spread = sum((v - mean) ** 2 for v in top)
            if spread > 1:
                continue
            tau = mean - mp.sqrt((1 - spread) / k)
        if ordered[k - 1] > tau and (k == len(x) or ordered[k] <= tau):
            return tau
    raise AssertionError(f"no threshold for {x}")


def reference(name, z, temperature):
    """(f(z), its Jacobian) as lists of mpf."""
    with mp.workdps(DIGITS):
        t = mp.mpf(temperature)
        z = [mp.mpf(v) for v in z]
        n = range(len(z))
        if name in ("softmax", "log_softmax", "softmin"):
            sign = -1 if name == "softmin" else 1
            p, log_p = _softmax([sign * v / t for v in z])
            if name == "log_softmax":
                return log_p, [[(_others(p, i) if i == j else -p[j]) / t for j in n] for i in n]
            return p, [[sign * (p[i] * _others(p, i) if i == j else -p[i] * p[j]) / t for j in n] for i in n]
        power = 1 if name == "sparsemax" else 2
        x = [(v - max(z)) / (t * power) for v in z]
        tau = _threshold(x, power)
        g = [max(v - tau, 0) for v in x]
        s = [mp.mpf(v > 0) for v in g] if power == 1 else g
        return [v ** power for v in g], [[(s[i] * _others(s, i) if i == j else -s[i] * s[j]) / sum(s) / t
                                          for j in n] for i in n]


def check(computed, true, slopes, z, what):
    """computed within ULPS·(1 + κ) ulps of true; '' or what went wrong."""
    if computed == 0 and FLUSH <= abs(true) < TINY:
        return f"{what} at z={z}: a subnormal flushed to 0"
    error = ulp_error(computed, true)
    if error <= ULPS:
        return ""
    kappa = math.inf if true == 0 else float(sum(abs(mp.mpf(v) * s) for v, s in zip(z, slopes)) / abs(true))
    if error <= ULPS * (1 + kappa):
        return ""
    return f"{what} at z={z}: got {computed!r}, true {mp.nstr(true, 20)}, {error:.3g} ulps, κ={kappa:.3g}"


def jacobian_slopes(name, z, temperature, i, j):
    """∂J_ij/∂z_k for each k, by central differences of the reference at 80 digits."""
    slopes = []
    with mp.workdps(DIGITS):
        for k in range(len(z)):
            h = mp.mpf(2) ** -120 * max(1, abs(mp.mpf(z[k])))
            up, down = list(map(mp.mpf, z)), list(map(mp.mpf, z))
            up[k] += h
            down[k] -= h
            slopes.append((reference(name, up, temperature)[1][i][j] - reference(name, down, temperature)[1][i][j])
                          / (2 * h))
    return slopes


# Two classes: every pair of these, logits up to ±1e5 apart (and 2e300, where
# one class takes everything); three classes: every triple of a smaller set.
PAIR_VALUES = [0.0, 1e-300, 1e-8, 0.3, 1.0, 1.5, 2.0, 3.0, 37.0, 700.0, 745.5, 1e5, 1e300]
PAIR_VALUES = sorted({*PAIR_VALUES, *(-v for v in PAIR_VALUES)})
TRIPLE_VALUES = [0.0, 0.5, -0.5, 1.0, -1.25, 2.0, 37.0, -40.0, 1e5, -1e5]
VECTORS = {2: list(itertools.product(PAIR_VALUES, repeat=2)), 3: list(itertools.product(TRIPLE_VALUES, repeat=3))}


@pytest.mark.slow
@pytest.mark.parametrize("classes", [2, 3])
@pytest.mark.parametrize("temperature", TEMPERATURES)
@pytest.mark.parametrize("name", NAMES)
def test_values_and_jacobians_are_accurate_to_a_few_ulps_beyond_conditioning(name, temperature, classes):
    act = actviz.get(name, temperature=temperature)
    zs = np.array(VECTORS[classes])
    values, jacobians = act.f(zs), act.jacobian(zs)
    failures = []
    for z, got, got_jacobian in zip(zs.tolist(), values.tolist(), jacobians.tolist()):
        true, true_jacobian = reference(name, z, temperature)
        for i in range(classes):
            failures.append(check(got[i], true[i], true_jacobian[i], z, f"f_{i + 1}"))
            for j in range(classes):
                if ulp_error(got_jacobian[i][j], true_jacobian[i][j]) > ULPS:
                    failures.append(check(got_jacobian[i][j], true_jacobian[i][j],
                                          jacobian_slopes(name, z, temperature, i, j), z, f"J_{i + 1}{j + 1}"))
    failures = [f for f in failures if f]
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures[:10])


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_the_jacobian_is_the_derivative_of_f(name):
    """The Jacobian formulas against mpmath's numerical differentiation of
    the reference f, away from the sparse maps' support boundaries."""
    act = actviz.get(name, temperature=0.7)
    for z in ([0.3, -0.2, 0.1], [1.1, 0.4, -2.0], [0.0, 0.25, 0.5, -0.6]):
        got = act.jacobian(np.array(z))
        for j in range(len(z)):
            def f_along(h, j=j):
                return reference(name, [v + h * (k == j) for k, v in enumerate(z)], 0.7)[0]
            column = [mp.diff(lambda h, i=i: f_along(h)[i], 0) for i in range(len(z))]
            np.testing.assert_allclose(got[:, j], [float(c) for c in column], rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", NAMES)
def test_outputs_are_a_distribution_unchanged_by_a_shift(name):
    act = actviz.get(name)
    z = np.array([[0.25, -1.5, 2.5], [4.0, 4.0, 4.0], [1e5, 0.0, -1e5]])
    p = np.exp(act.f(z)) if name == "log_softmax" else act.f(z)
    np.testing.assert_allclose(p.sum(axis=-1), 1.0, rtol=4e-16)
    np.testing.assert_array_equal(act.f(z[:2] + 64.0), act.f(z[:2]))
    assert act.jacobian(z).shape == (3, 3, 3)


def test_the_sparse_maps_give_exact_zeros_and_the_others_none():
    z = np.array([2.0, 0.5, -1.0])
    assert actviz.get("sparsemax").f(z).tolist() == [1.0, 0.0, 0.0]
    assert actviz.get("entmax15").f(z)[2] == 0.0 < actviz.get("entmax15").f(z)[1]
    assert (actviz.get("softmax").f(z) > 0).all()
    assert actviz.get("sparsemax").f([0.5, 0.0]).tolist() == [0.75, 0.25]


def test_masked_and_broken_logits():
    softmax = actviz.get("softmax")
    assert softmax.f([0.0, -np.inf, 0.0]).tolist() == [0.5, 0.0, 0.5]
    assert actviz.get("log_softmax").f([0.0, -np.inf])[1] == -np.inf
    assert actviz.get("sparsemax").f([0.0, -np.inf, 0.5]).tolist() == [0.25, 0.0, 0.75]
    assert actviz.get("entmax15").f([0.0, -np.inf]).tolist() == [1.0, 0.0]
    for z in ([np.nan, 1.0], [np.inf, 0.0], [-np.inf, -np.inf]):
        assert np.isnan(softmax.f(z)).all() and np.isnan(softmax.jacobian(z)).all()
    rows = softmax.f([[np.nan, 1.0], [0.0, 0.0]])
    assert np.isnan(rows[0]).all() and rows[1].tolist() == [0.5, 0.5]


def test_get_binds_a_vector_function_and_checks_its_parameters():
    act = actviz.get("Softmax", temperature="2")
    assert isinstance(act, Vector) and act.label == "softmax(temperature=2)"
    assert act.f([2.0, 0.0]).tolist() == actviz.get("softmax").f([1.0, 0.0]).tolist()
    with pytest.raises(ActvizError, match="parameter 'temperature' must be a finite number > 0"):
        actviz.get("softmax", temperature=0)
    with pytest.raises(ActvizError, match="softmax has no parameter 'beta'"):
        actviz.get("softmax", beta=1)
    with pytest.raises(ActvizError, match="did you mean 'softmax'"):
        actviz.get("softmaks")
    with pytest.raises(ActvizError, match="takes a vector"):
        actviz.get("softmax").f(1.0)
    assert "softmax" not in actviz.REGISTRY


# ---------------------------------------------------------------------------
# Two classes: an elementwise function of d = z₁ − z₂
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("temperature", TEMPERATURES)
@pytest.mark.parametrize("name", NAMES)
def test_the_two_class_form_is_the_first_output_of_the_vector_map(name, temperature):
    vector = actviz.get(name, temperature=temperature)
    d = np.linspace(-8, 8, 161)
    pairs = np.stack([d, np.zeros_like(d)], axis=-1)
    np.testing.assert_allclose(vector.two_class.f(d), vector.f(pairs)[:, 0], rtol=4e-15, atol=1e-300)
    np.testing.assert_allclose(vector.two_class.df(d), vector.jacobian(pairs)[:, 0, 0], rtol=1e-14, atol=1e-300)


def test_the_two_class_identities():
    d = np.linspace(-6, 6, 97)
    assert actviz.get("softmax", temperature=2).two_class.f(d).tolist() == actviz.get("sigmoid").f(d / 2).tolist()
    assert actviz.get("softmin").two_class.f(d).tolist() == actviz.get("sigmoid").f(-d).tolist()
    assert actviz.get("log_softmax").two_class.f(d).tolist() == actviz.get("logsigmoid").f(d).tolist()
    assert actviz.get("sparsemax").two_class.f(d).tolist() == np.clip((d + 1) / 2, 0, 1).tolist()
    entmax = actviz.get("entmax15").two_class
    np.testing.assert_allclose(entmax.f(d), np.where(abs(d) <= 2, 0.5 + d * np.sqrt(np.abs(8 - d * d)) / 8, d > 0),
                               rtol=1e-15, atol=1e-16)
    assert entmax.smooth_breaks == (-2.0, 2.0) and entmax.continuity == "C1"
    assert actviz.get("sparsemax", temperature=0.5).two_class.kinks == (-0.5, 0.5)


TWO_CLASS_POINTS = sorted({0.0, *HARD[:20], *(-h for h in HARD[:20]), *np.linspace(-3, 3, 49).tolist(),
                           *(s * h for h in (1e5, 1e300, 745.5) for s in (1, -1)), 1.999999, -1.999999,
                           0.999999, -0.999999})


@pytest.mark.slow
@pytest.mark.parametrize("temperature", TEMPERATURES)
@pytest.mark.parametrize("name", NAMES)
def test_the_two_class_form_and_its_derivative_are_accurate(name, temperature):
    act = actviz.get(name, temperature=temperature).two_class
    xs = np.array([x for x in TWO_CLASS_POINTS
                   if all(abs(x - b) > 1e-9 for b in (*act.kinks, *act.smooth_breaks))])

    def first(x):
        return reference(name, [x, 0], temperature)[0][0]

    def first_slope(x):
        return reference(name, [x, 0], temperature)[1][0][0]

    failures = []
    for x, f, df in zip(xs.tolist(), act.f(xs).tolist(), act.df(xs).tolist()):
        failures.append(check(f, first(x), [first_slope(x), 0], [x, 0], "p₁"))
        failures.append(check(df, first_slope(x), [derivative(first_slope, x), 0], [x, 0], "p₁′"))
    failures = [f for f in failures if f]
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures[:10])


# ---------------------------------------------------------------------------
# The command line
# ---------------------------------------------------------------------------

def run(*args):
    return CliRunner().invoke(cli, list(args))
