"""`actviz backprop`: the numbers of a chain's forward and backward pass are
right, the figure draws those numbers and says only true things about
them, and bad input is one line on stderr."""
import json
import math
import re
import subprocess
import sys

import mpmath as mp
import numpy as np
import pytest
from click.testing import CliRunner

import actviz
from actviz import plotting
from actviz.cli import cli
from actviz.teaching import backprop

import audit
from marks import QUICK_FUNCTIONS, sampled
from reference import derivative, reference

X = 0.7
WEIGHTS = (0.9, -1.1, 1.3, 0.8)
BIASES = (0.1, 0.2, -0.3, 0.05)
TARGET = 0.3


def run(*args):
    return CliRunner().invoke(cli, ["backprop", *args])


# ---------------------------------------------------------------------------
# The numbers
# ---------------------------------------------------------------------------

def mp_loss_from(act, k, loss="mse"):
    """L as a function of z_k (k = 0: of x), in mpmath, from the textbook f."""
    f = reference(act)

    def loss_of(value):
        a = f(value) if k else value
        for w, b in zip(WEIGHTS[k:], BIASES[k:]):
            a = f(mp.mpf(w) * a + mp.mpf(b))
        return (a - mp.mpf(TARGET)) ** 2 if loss == "mse" else a
    return loss_of


def mp_forward(act):
    """z_1 … z_L in mpmath."""
    f, a, zs = reference(act), mp.mpf(X), []
    for w, b in zip(WEIGHTS, BIASES):
        zs.append(mp.mpf(w) * a + mp.mpf(b))
        a = f(zs[-1])
    return zs


def close(value, exact, rel=1e-12):
    if exact == 0:
        return value == 0
    return abs(value - exact) <= rel * abs(exact)


@pytest.mark.parametrize("name", sampled(actviz.names(), QUICK_FUNCTIONS))
@pytest.mark.parametrize("loss", ["mse", "none"])
def test_every_gradient_equals_a_high_precision_finite_difference(name, loss):
    """∂L/∂x and every ∂L/∂z_k against mpmath's central difference of L
    (at 420 digits, through the textbook f of tests/reference.py), to 1e-12
    relative; where f′ is 0 the difference is 0 too."""
    act = actviz.get(name)
    chain = backprop.chain(act, X, WEIGHTS, BIASES, loss=loss, target=TARGET)
    exact_zs = mp_forward(act)
    points = [(0, mp.mpf(X), chain.grad_x)] + [(k, exact_zs[k - 1], layer.grad_z)
                                               for k, layer in enumerate(chain.layers, 1)]
    for k, point, gradient in points:
        exact = derivative(mp_loss_from(act, k, loss), point)
        assert close(gradient, exact), (name, k, gradient, mp.nstr(exact, 20))


def test_the_chain_rule_written_out():
    """A two-layer tanh chain, by hand: ∂L/∂x = 2(a₂ − t)·tanh′(z₂)·w₂·tanh′(z₁)·w₁."""
    w1, w2, b1, b2, x, t = 0.5, -2.0, 0.25, 1.0, 1.5, 0.3
    z1 = w1 * x + b1
    a1 = math.tanh(z1)
    z2 = w2 * a1 + b2
    a2 = math.tanh(z2)
    by_hand = 2 * (a2 - t) * (1 - a2 ** 2) * w2 * (1 - a1 ** 2) * w1
    chain = backprop.chain(actviz.get("tanh"), x, [w1, w2], [b1, b2], loss="mse", target=t)
    assert math.isclose(chain.value, (a2 - t) ** 2, rel_tol=1e-14)
    assert math.isclose(chain.grad_x, by_hand, rel_tol=1e-14)
    assert math.isclose(chain.layers[0].grad_w, 2 * (a2 - t) * (1 - a2 ** 2) * w2 * (1 - a1 ** 2) * x,
                        rel_tol=1e-14)
    assert chain.layers[1].grad_b == chain.layers[1].grad_z


def test_a_dead_relu_gives_exactly_zero_downstream():
    chain = backprop.chain(actviz.get("relu"), 1.5, *backprop.EXAMPLE_PARAMETERS)
    first, second, third, fourth = chain.layers
    assert second.z < 0 and third.z < 0 and first.z > 0 and fourth.z > 0
    assert [(layer.stops, layer.region) for layer in chain.layers] == [
        (False, None), (True, "dead"), (True, "dead"), (False, None)]
    assert fourth.grad_z == 1.0 and third.grad_a == 0.9
    for value in (chain.grad_x, first.grad_z, first.grad_a, first.grad_w, second.grad_z, second.grad_a,
                  third.grad_z, third.grad_w):
        assert value == 0.0


@pytest.mark.parametrize("seed", range(20))
def test_the_sigmoid_chain_is_bounded_by_its_factors_and_weights(seed):
    """|∂L/∂z_k| ≤ |∂L/∂a_L| · (1/4)^(L−k+1) · ∏_{j>k} |w_j|, and the product
    of the factors actually drawn gives it up to rounding."""
    weights, biases = backprop.random_parameters(8, seed)
    chain = backprop.chain(actviz.get("sigmoid"), 1.5, weights, biases, loss="mse", target=0.0)
    top = abs(chain.output_grad)
    for k, layer in enumerate(chain.layers):
        later = chain.layers[k:]
        weights_after = math.prod(abs(other.weight) for other in later[1:])
        assert abs(layer.grad_z) <= top * 0.25 ** len(later) * weights_after
        product = top * math.prod(other.slope for other in later) * weights_after
        assert math.isclose(abs(layer.grad_z), product, rel_tol=1e-13)


def test_a_small_gradient_is_saturated_only_in_a_saturated_region_and_never_dead():
    # sigmoid at z = −40: f′ ≈ 4e−18, small but not 0; GELU's f′ at −40 underflows to 0.
    sigmoid = backprop.chain(actviz.get("sigmoid"), 1.0, [-40.0], [0.0]).layers[0]
    assert (sigmoid.stops, sigmoid.region) == (False, "saturated") and 0 < sigmoid.slope < 1e-17
    gelu = backprop.chain(actviz.get("gelu"), 1.0, [-40.0], [0.0]).layers[0]
    assert (gelu.stops, gelu.region) == (True, "saturated")
    # f′ = 0 at a stationary point of the gaussian: the gradient stops, but nothing is dead or saturated.
    gaussian = backprop.chain(actviz.get("gaussian"), 1.0, [1.0], [-1.0]).layers[0]
    assert (gaussian.stops, gaussian.region) == (True, None)
    # tanh at z = 2: f′ = 0.07, small, but not in the saturated region (|f′| < 0.05) yet.
    tanh = backprop.chain(actviz.get("tanh"), 1.0, [2.0], [0.0]).layers[0]
    assert tanh.region is None and tanh.slope < 0.1
    leaky = backprop.chain(actviz.get("leaky_relu"), 1.0, [-3.0], [0.0]).layers[0]
    assert (leaky.stops, leaky.region, leaky.slope) == (False, None, 0.01)


def test_the_linear_chain_is_one_linear_map():
    weights, biases = backprop.random_parameters(5, 3)
    slope, intercept = backprop.linear_map(weights, biases)
    for x in (-2.0, 0.0, 1.5, 10.0):
        chain = backprop.chain(None, x, weights, biases)
        assert math.isclose(chain.value, slope * x + intercept, rel_tol=1e-12, abs_tol=1e-12)
        assert math.isclose(chain.grad_x, slope, rel_tol=1e-14)
        assert all(layer.slope == 1 for layer in chain.layers)


def test_numbers_print_to_their_digits_and_say_when_rounded():
    assert [backprop.format_number(v) for v in (0.25, 0.2498, -3.09e-6, 1.0, 0.0, -0.0, 123.4, 1.5e10,
                                                       1.4996e10)] == [
        "0.25", "0.250", "−3.09×10⁻⁶", "1", "0", "0", "123", "1.5×10¹⁰", "1.50×10¹⁰"]
    assert backprop.format_number(math.pi, 6) == "3.14159"


# ---------------------------------------------------------------------------
# The command
# ---------------------------------------------------------------------------

def test_json_holds_every_forward_value_and_gradient_strictly():
    result = run("sigmoid", "relu", "--x", "0.7", "-w", ",".join(map(str, WEIGHTS)), "-b",
                 ",".join(map(str, BIASES)), "--loss", "mse", "--target", "0.3", "--json")
    assert result.exit_code == 0, result.output

    def no_constants(token):
        raise AssertionError(f"{token} is not strict JSON")
    data = json.loads(result.output, parse_constant=no_constants)
    assert (data["x"], data["weights"], data["biases"], data["loss"], data["target"]) == (
        0.7, list(WEIGHTS), list(BIASES), "mse", 0.3)
    for entry, name in zip(data["chains"], ("sigmoid", "relu")):
        chain = backprop.chain(actviz.get(name), X, WEIGHTS, BIASES, loss="mse", target=TARGET)
        assert entry["function"] == name and entry["L"] == chain.value and entry["dL/dx"] == chain.grad_x
        assert [[layer[k] for k in ("w", "b", "z", "a", "f'(z)", "dL/da", "dL/dz", "dL/dw", "dL/db")]
                for layer in entry["layers"]] == [
            [layer.weight, layer.bias, layer.z, layer.a, layer.slope, layer.grad_a, layer.grad_z, layer.grad_w,
             layer.grad_b] for layer in chain.layers]


def test_json_does_not_import_matplotlib():
    code = ("import sys\nfrom actviz.cli import cli\n"
            "try:\n    cli(['backprop', 'relu', '--json'])\nexcept SystemExit:\n    pass\n"
            "assert 'matplotlib' not in sys.modules, 'matplotlib was imported'")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_every_registered_function_runs_through_the_command():
    for name in actviz.names():
        result = run(name, "--layers", "3", "--json")
        assert result.exit_code == 0, (name, result.output)
        assert json.loads(result.output)["chains"][0]["function"] == name


def test_several_functions_share_the_input_and_the_weights():
    data = json.loads(run("sigmoid", "tanh", "relu", "--seed", "4", "--layers", "5", "--x", "-0.5",
                          "--json").output)
    weights, biases = backprop.random_parameters(5, 4)
    assert (data["weights"], data["biases"], data["x"]) == (weights, biases, -0.5)
    for entry in data["chains"]:
        assert [layer["w"] for layer in entry["layers"]] == weights
        assert [layer["b"] for layer in entry["layers"]] == biases


def test_weights_set_the_layers_and_the_seed_draws_what_is_not_given():
    data = json.loads(run("-w", "0.5,-1,2", "--json").output)
    assert data["weights"] == [0.5, -1.0, 2.0]
    assert data["biases"] == backprop.random_parameters(3, 0)[1]


@pytest.mark.parametrize("args,message", [
    (["--layers", "0"], "Invalid value for '--layers': 0 is not in the range 1<=x<=8."),
    (["--layers", "9"], "Invalid value for '--layers': 9 is not in the range 1<=x<=8."),
    (["-w", "1,2", "--layers", "3"], "--weights has 2 values but the chain has 3 layers"),
    (["-w", "1,2,3", "-b", "1,2"], "--biases has 2 values but the chain has 3 layers"),
    (["-w", "1,nan"], "--weights takes a comma list of finite numbers, one per layer; got '1,nan'"),
    (["-b", "1,,2"], "--biases takes a comma list of finite numbers, one per layer; got '1,,2'"),
    (["--x", "inf"], "Invalid value for '--x': 'inf' is not a finite number."),
    (["--target", "1"], "--target goes with --loss mse"),
    (["relu", "--linear"], "--linear draws the chain without an activation; give no function names"),
    (["exponential", "-w", "50,50,50"], "the exponential chain overflows (a value or a gradient is beyond "
                                        "1.8e308 or undefined); use smaller weights or x"),
    (["--json", "-o", "x.png"], "--json prints the numbers instead of drawing them; drop -o or --json"),
    (["--digits", "0"], "Invalid value for '--digits': 0 is not in the range 1<=x<=17."),
])
def test_bad_input_is_one_line_and_exit_2(args, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["backprop", *args, "-o" if "-o" not in args else "--dpi",
                                      "out.png" if "-o" not in args else "50"])
    assert (result.exit_code, result.stderr) == (2, f"Error: {message}\n")
    assert list(tmp_path.iterdir()) == []


def test_the_figure_is_written_under_a_name_that_says_what_it_is(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("sigmoid", "relu", "--dpi", "30")
    assert result.exit_code == 0, result.output
    assert result.output == "wrote backprop-sigmoid-relu.png (240×135 px)\n"
    assert run("--linear", "--forward-only", "-o", "linear.svg").exit_code == 0
    assert (tmp_path / "linear.svg").read_text().startswith("<?xml")


# ---------------------------------------------------------------------------
# The figure
# ---------------------------------------------------------------------------

def texts(fig, gid):
    return [t.get_text() for t in fig.axes[0].texts if t.get_gid() == gid]


def draw(names=("sigmoid",), layers=4, *, theme="light", lang="en", size="16:9", forward_only=False, **chain):
    weights, biases = backprop.random_parameters(layers, chain.pop("seed", 0))
    chains = [backprop.chain(actviz.get(n) if n else None, chain.get("x", 1.5), chain.get("weights", weights),
                             chain.get("biases", biases)) for n in names]
    with plotting.theme(theme, lang=lang) as look:
        fig = backprop.figure(chains, forward_only=forward_only, size=plotting.parse_size(size), look=look)
        problems = audit.text_problems(fig)
    return fig, chains, problems


def test_the_figure_draws_the_numbers_computed():
    fig, (chain,), _ = draw(("tanh",), 3, seed=2)
    num = backprop.format_number
    forward = [num(chain.x)] + [num(v) for layer in chain.layers for v in (layer.z, layer.a)] + [num(chain.value)]
    backward = ([num(chain.grad_x)] + [num(v) for layer in chain.layers for v in (layer.grad_z, layer.grad_a)]
                + ["1"])
    assert texts(fig, "forward-value") == forward
    assert texts(fig, "gradient-value") == backward
    assert texts(fig, "slope") == [f"f′ = {num(layer.slope)}" for layer in chain.layers]
    assert texts(fig, "node-linear-text") == [f"×{num(layer.weight)}\n{'−' if layer.bias < 0 else '+'}"
                                              f"{num(abs(layer.bias))}" for layer in chain.layers]


def test_line_width_and_colour_both_grow_with_the_gradient():
    fig, (chain,), _ = draw(("sigmoid",), 6, seed=1)
    arrows = [p for p in fig.axes[0].patches if p.get_gid() == "backward"]
    sizes = [abs(g) for g in backprop._gradients(chain)]
    order = np.argsort(sizes, kind="stable")
    widths = [arrows[i].get_linewidth() for i in order]
    assert widths == sorted(widths) and widths[0] < widths[-1]
    assert any(ax.get_gid() == "gradient-colourbar" for ax in fig.axes)
    bar = next(ax for ax in fig.axes if ax.get_gid() == "gradient-colourbar")
    assert bar.get_xscale() == "log"
    lo, hi = bar.get_xlim()
    assert lo <= min(sizes) * (1 + 1e-12) and max(sizes) <= hi * (1 + 1e-12)
    # On paper a larger gradient is darker (it fades into the white as it shrinks).
    lightness = [np.mean(arrows[i].get_edgecolor()[:3]) for i in order]
    assert lightness == sorted(lightness, reverse=True) and lightness[0] > lightness[-1] + 0.3


def test_dead_units_are_crossed_and_named_and_nothing_else_is():
    fig, (chain,), _ = draw(("relu",), 4, x=1.5, weights=backprop.EXAMPLE_PARAMETERS[0],
                            biases=backprop.EXAMPLE_PARAMETERS[1])
    crosses = [line for line in fig.axes[0].get_lines() if line.get_gid() == "stop-cross"]
    assert len(crosses) == 2 * 2  # two strokes for each of the two dead units
    assert texts(fig, "slope") == ["f′ = 1", "f′ = 0\ndead", "f′ = 0\ndead", "f′ = 1"]
    sigmoid, _, _ = draw(("sigmoid",), 1, weights=[-40.0], biases=[0.0], x=1.0)
    assert texts(sigmoid, "slope") == ["f′ = 4.25×10⁻¹⁸\nsaturated"]
    assert not [line for line in sigmoid.axes[0].get_lines() if line.get_gid() == "stop-cross"]


def test_forward_only_draws_no_gradient():
    fig, _, problems = draw(("relu",), 3, forward_only=True)
    assert not problems
    assert not texts(fig, "gradient-value") and not texts(fig, "slope")
    assert not [p for p in fig.axes[0].patches if p.get_gid() == "backward"]
    assert len(fig.axes) == 1  # no colour bar


def test_the_linear_figure_states_the_one_map():
    weights, biases = [2.0, -0.5, 3.0], [1.0, 0.25, -1.0]
    fig, _, problems = draw((None,), 3, forward_only=True, weights=weights, biases=biases)
    assert not problems
    assert texts(fig, "title") == ["A chain of linear maps is one linear map: z₃ = −3·x − 1.75"]
    assert not [p for p in fig.axes[0].patches if p.get_gid() == "node-activation"]


LOOKS = [("light", "en"), ("dark", "en"), ("light", "zh"), ("dark", "zh"), ("print", "en")]


@pytest.mark.parametrize("size", sampled(["16:9", "4:3", "1:1"], {"16:9"}))
@pytest.mark.parametrize("layers", sampled([1, 4, 8], {4}))
@pytest.mark.parametrize("look", sampled(LOOKS, LOOKS[3:4], ids="-".join))
def test_one_chain_fits_its_size_with_every_text_inside_and_apart(layers, size, look):
    """The figure audit of tests/audit.py; zh draws with the CJK font of the
    [zh] extra."""
    theme, lang = look
    for forward_only in (False, True):
        fig, _, problems = draw(("sigmoid",), layers, theme=theme, lang=lang, size=size, forward_only=forward_only)
        assert not problems, problems
        assert tuple(fig.get_size_inches()) == plotting.parse_size(size)


@pytest.mark.slow
def test_several_chains_fit_or_grow_and_say_so(tmp_path):
    fig, _, problems = draw(("sigmoid", "tanh", "relu"), 8)
    assert not problems
    width, height = fig.get_size_inches()
    assert width >= 8 and height >= 4.5
    result = run("sigmoid", "tanh", "relu", "--layers", "8", "--size", "16:9", "--dpi", "20",
                 "-o", str(tmp_path / "c.png"))
    assert result.exit_code == 0
    assert result.stderr == f"note: the figure is not readable at 8×4.5 in; drawn at {width:.3g}×{height:.3g} in\n"


def test_every_word_is_translated():
    fig, _, _ = draw(("sigmoid", "relu"), 4, lang="zh", x=1.5, weights=backprop.EXAMPLE_PARAMETERS[0],
                     biases=backprop.EXAMPLE_PARAMETERS[1])
    drawn = [t.get_text() for ax in fig.axes for t in ax.texts] + [t.get_text() for t in fig.legends[0].texts]
    words = {w for text in drawn for w in re.findall(r"[A-Za-z_]{3,}", text)}
    assert words <= {"sigmoid", "relu"}, words
    assert any("前向传播" in text for text in drawn) and any("反向传播" in text for text in drawn)
    assert any("梯度" in text for text in drawn) and any("死区" in text for text in drawn)


@pytest.mark.slow
@pytest.mark.parametrize("name", actviz.names())
def test_every_registered_function_draws_a_clean_figure(name):
    fig, _, problems = draw((name,), 4, seed=5)
    assert not problems, problems
