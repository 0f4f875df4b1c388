"""Vector functions (softmax and its relatives): values and Jacobians
against mpmath, their two-class forms, the command line and the figures.

Accuracy is held to the bound of tests/test_functions.py, with the
componentwise condition number of a map of vectors: for output i,
κ_i = Σ_j |z_j·∂f_i/∂z_j| / |f_i|.
"""
import itertools
import json
import math
import xml.etree.ElementTree as ET

import mpmath as mp
import numpy as np
import pytest
from click.testing import CliRunner

import actviz
from actviz.cli import cli
from actviz.functions import VECTOR, ActvizError, Vector

from marks import sampled
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


def test_list_has_a_section_of_vector_functions_after_the_registry():
    lines = run("list").output.splitlines()
    start = lines.index("Vector functions (of a vector of logits z; plot, info and eval; compare and animate take "
                        "their two-class form):")
    assert lines.index("") == len(actviz.names())
    assert [line.split()[0] for line in lines[start + 1:]] == NAMES
    assert lines[start + 1].endswith("[temperature=1]")


def test_info_states_the_vector_facts():
    result = run("info", "softmax", "-p", "temperature=2")
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "softmax: exp(z_i/T) / Σ_j exp(z_j/T): a probability vector",
        "  parameters   temperature=2",
        "  f(z)         p_i = exp(z_i/T) / sum_j exp(z_j/T)",
        "  Jacobian     dp_i/dz_j = (p_i·[i = j] - p_i·p_j)/T, i.e. (diag(p) - p pᵀ)/T",
        "  range        every p_i in (0, 1), sum 1",
        "  shift        f(z + c) = f(z) for every constant c: only the differences of the logits matter",
        "  two classes  softmax is the sigmoid of (z₁ − z₂)/T: p1 = sigmoid((z1 - z2)/T)",
        "  zeros        none: every output is > 0",
        "  PyTorch      torch.nn.Softmax(dim=-1)(z / 2)",
        "  reference    Bridle 1990",
    ]
    facts = json.loads(run("info", "sparsemax", "--json").output)
    assert facts["exact_zeros"] is True and facts["two_classes"].endswith("is a hard sigmoid of (z₁ − z₂)/T")


def test_eval_gives_one_vector_and_its_jacobian():
    assert run("eval", "softmax", "1", "2", "3").output == (
        "  z           softmax(z)\n"
        "1.0  0.09003057317038046\n"
        "2.0  0.24472847105479764\n"
        "3.0   0.6652409557748218\n")
    assert run("eval", "sparsemax", "-1", "0.5", "0", "-d", "--format", "csv").output == (
        "z,f,df/dz1,df/dz2,df/dz3\n"
        "-1.0,0.0,0.0,0.0,0.0\n"
        "0.5,0.75,0.0,0.5,-0.5\n"
        "0.0,0.25,0.0,-0.5,0.5\n")
    data = json.loads(run("eval", "log_softmax", "1e5", "0", "nan", "-d", "--format", "json").output)
    assert data["f"] == ["NaN"] * 3 and data["jacobian"] == [["NaN"] * 3] * 3
    data = json.loads(run("eval", "log_softmax", "1e5", "0", "-inf", "-d", "--format", "json").output)
    assert data["f"] == [0.0, -1e5, "-Infinity"] and data["jacobian"][1] == [-1.0, 1.0, 0.0]


@pytest.mark.parametrize("args,message", [
    (["eval", "softmax", "--range", "0", "1"], "--range and --num make a grid of points for an elementwise function"),
    (["eval", "softmax"], "give the logits: actviz eval softmax 1 2 3"),
    (["eval", "softmax", "1", "-p", "temperature=0"], "parameter 'temperature' must be a finite number > 0"),
    (["eval", "softmax", "1", "-p", "temperature=1,2"], "a comma list of values is only for `actviz plot`"),
    (["info", "softmax", "--threshold", "0.1"], "--threshold is about the saturation of an elementwise function"),
    (["zigzag", "softmax"], "softmax is a vector function, which `actviz plot`, `info`, `eval`, `compare` and "
                            "`animate` take; this command takes elementwise functions"),
    (["plot", "relu", "--classes", "3"], "--classes is for the vector functions"),
    (["plot", "softmax", "sparsemax", "--classes", "3"], "--classes 3 draws one vector function"),
    (["plot", "softmax", "--classes", "3", "--xlim", "0", "1", "--grid"],
     "--grid, --xlim does not apply to the three-class simplex"),
    (["plot", "softmax", "--classes", "3", "--term"], "--term does not apply to the three-class simplex"),
    (["plot", "softmax", "--classes", "4"], "4 is not in the range 2<=x<=3"),
    (["plot", "softmaks"], "did you mean 'softmax'?"),
])
def test_options_that_do_not_apply_are_one_error_line(args, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1, result.output
    assert message in result.output
    assert list(tmp_path.iterdir()) == []


SVG = "{http://www.w3.org/2000/svg}"


def svg_texts(path):
    return ["".join(t.itertext()) for t in ET.parse(path).getroot().iter(f"{SVG}text")]


@pytest.mark.parametrize("name", sampled(NAMES, ("softmin", "entmax15")))
def test_the_two_class_figure_says_the_identity(name, tmp_path):
    path = tmp_path / f"{name}.svg"
    result = run("plot", name, "-d", "-o", str(path))
    assert result.exit_code == 0 and result.output == f"wrote {path} ({result.output.split('(')[1]}"
    assert set(VECTOR[name].identity.splitlines()) <= set(svg_texts(path))


def test_a_temperature_family_and_a_sparse_kink(tmp_path):
    path = tmp_path / "family.svg"
    assert run("plot", "softmax", "-p", "temperature=0.5,1,2", "-d", "-o", str(path)).exit_code == 0
    texts = svg_texts(path)
    assert texts[-4:] == [VECTOR["softmax"].identity, "temperature=0.5", "temperature=1", "temperature=2"]
    from actviz import plotting
    fig = plotting.figure([actviz.get("sparsemax", temperature=2).two_class], plotting.FigureOptions(derivative=True))
    kinks = [line for ax in fig.axes for line in ax.lines if line.get_gid() == "kinks"]
    assert sorted(x for line in kinks for x in line.get_xdata()) == [-2.0, 2.0]


def test_the_two_class_tex_figure_titles_in_latex(tmp_path):
    path = tmp_path / "softmax.tex"
    assert run("plot", "softmax", "-o", str(path)).exit_code == 0
    assert "title={For two classes, softmax is the sigmoid of (z$_1$ $-$ z$_2$)/T}" in path.read_text()


def _figure(name, jacobian, **params):
    from actviz import simplex
    return simplex.figure([actviz.get(name, temperature=t) for t in params.get("temperatures", [1.0])],
                          jacobian=jacobian)


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("temperatures", [[1.0], [0.5, 1.0, 2.0]])
def test_the_simplex_keeps_every_text_inside_and_apart(name, temperatures):
    import audit
    fig = _figure(name, True, temperatures=temperatures)
    assert not audit.text_problems(fig), audit.text_problems(fig)
    texts = [t.get_text() for t, _ in audit.drawn_texts(fig)]
    assert texts.count("(4, 0, 0)") == texts.count("(0, 0, 4)") == 2 * len(temperatures)
    assert f"{name} of three logits z = 4·b, b on the simplex (adding a constant to z changes nothing)" \
        in [t.replace("\n", " ") for t in texts]
    assert len(fig.axes) == 2 * len(temperatures) + 2   # the panels and a colour bar per row


def test_the_simplex_hatches_exact_zeros_of_the_sparse_maps_only():
    def hatched(fig):
        return [c for ax in fig.axes for c in ax.collections if any(getattr(c, "hatches", [None]))]
    assert hatched(_figure("sparsemax", False)) and hatched(_figure("entmax15", False))
    assert not hatched(_figure("softmax", False)) and not hatched(_figure("entmax15", False, temperatures=[2.0]))
    legend = _figure("sparsemax", False).legends[0]
    assert [t.get_text() for t in legend.get_texts()] == ["an output exactly 0"]


def test_the_simplex_colours_p1_and_the_jacobian_norm():
    fig = _figure("softmax", True)
    bars = [ax for ax in fig.axes if ax.get_label() == "<colorbar>"]
    assert [bar.get_ylabel() for bar in bars] == ["p₁", "‖J‖₂, the largest gain"]
    p1_levels = fig.axes[0].collections[0].levels
    assert 0.9 < p1_levels[-1] < 1.0 and p1_levels[0] < 0.02   # e⁴/(e⁴ + 2) and 1/(e⁴ + 2) at the corners


def test_the_simplex_png_is_written_at_the_size_asked(tmp_path):
    import audit
    path = tmp_path / "s.png"
    result = run("plot", "entmax15", "--classes", "3", "-d", "--dpi", "50", "-o", str(path))
    assert result.output == f"wrote {path} (400×225 px)\n"
    assert audit.png_size(path) == (400, 225)


def test_every_identity_has_its_chinese_version(tmp_path):
    from actviz import simplex
    assert all(spec.identity in simplex.ZH for spec in VECTOR.values())
    path = tmp_path / "zh.svg"
    assert run("plot", "softmax", "--lang", "zh", "-o", str(path)).exit_code == 0
    assert simplex.ZH[VECTOR["softmax"].identity] in svg_texts(path)
