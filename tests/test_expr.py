"""Functions of one's own: formulas (--expr, actviz.from_expr), Python
callables ('module:name') and third parties' entry points."""
import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from click.testing import CliRunner

import actviz
from actviz import analysis, expr
from actviz.cli import cli
from actviz.functions import EXTERNAL


def run(*args):
    return CliRunner().invoke(cli, list(args), prog_name="actviz")


GRID = np.linspace(-20, 20, 4001)


def relative(a, b):
    return np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-300))


# ---------------------------------------------------------------------------
# Values and derivatives
# ---------------------------------------------------------------------------

def test_mish_as_a_formula_equals_the_registry_mish():
    mine, mish = actviz.from_expr("x*tanh(log(1+exp(x)))", name="mish2"), actviz.get("mish")
    assert mine.name == "mish2"
    assert relative(mine.f(GRID), mish.f(GRID)) < 1e-15 * 4       # log(1 + eˣ) is compiled as log1p(eˣ)
    assert relative(mine.df(GRID), mish.df(GRID)) < 1e-12          # f′ by sympy, as typed: cancellation near its root
    x = np.linspace(-5, 5, 101)
    assert relative(mine.d2f(x), mish.d2f(x)) < 1e-9


def test_registry_functions_inside_a_formula_use_actvizs_kernels_and_derivatives():
    act = actviz.from_expr("x*sigmoid(beta*x)", beta=1.5)
    sigmoid = actviz.get("sigmoid")
    assert np.array_equal(act.f(GRID), GRID * sigmoid.f(1.5 * GRID))
    assert np.array_equal(act.df(GRID), 1.5 * GRID * sigmoid.df(1.5 * GRID) + sigmoid.f(1.5 * GRID))
    assert act.spec.dtext == "f'(x) = beta*x*sigmoid'(beta*x) + sigmoid(beta*x)"
    assert float(act.df(0.0)) == 0.5


def test_registry_parameters_by_name_and_the_exact_kernel():
    act = actviz.from_expr("elu(x, alpha=0.5)")
    assert np.array_equal(act.f(GRID), actviz.get("elu", alpha=0.5).f(GRID))
    assert np.array_equal(act.df(GRID), actviz.get("elu", alpha=0.5).df(GRID))
    assert "elu(alpha=0.5)'" in act.spec.dtext


def test_a_formula_is_an_ordinary_activation_with_estimated_facts():
    act = actviz.from_expr("tanh(x)")
    assert str(act.output_range) == "(-1, 1)" and act.limits == (-1.0, 1.0) and act.dlimits == (0.0, 0.0)
    assert act.monotonic and act.symmetry == "odd" and act.bounded
    assert float(act.f(np.inf)) == 1.0
    assert act.spec.caveats[0] == "user formula: accuracy not verified"
    assert "estimated from samples" in act.spec.caveats[2]
    checked = float(act.spec.caveats[3].rpartition(" ")[2])
    assert checked < 1e-9


def test_a_kink_gives_f2_zero_beside_it_not_a_dirac_mass():
    act = actviz.from_expr("abs(x) + max(0, x)")
    assert act.df([-2.0, 3.0]).tolist() == [-1.0, 2.0]
    assert act.d2f([-2.0, 0.0, 3.0]).tolist() == [0.0, 0.0, 0.0]


def test_kinks_and_jumps_are_located_and_dead_regions_follow():
    act = actviz.from_expr("abs(x) + sign(x - 1) + relu(x + 2)")
    assert (act.kinks, act.jumps) == ((-2.0, 0.0), (1.0,))
    assert act.df_at_kinks == {-2.0: -1.0, 0.0: 1.0, 1.0: 2.0}
    assert "kinks and jumps located numerically" in act.spec.caveats[2]
    result = run("info", "--expr", "max(0, x)^2")
    assert "  dead         (-∞, 0)  (f' = 0)" in result.output.splitlines()


def test_a_kink_is_where_the_rounded_pieces_change_so_the_curve_breaks_there():
    """max(x, -x, x/2 + 1): -x and x/2 + 1 meet at -2/3, but in rounded
    arithmetic they tie 3 ulps left of it; f′ is drawn as a jump there,
    with no vertical line."""
    act = actviz.from_expr("max(x, -x, 0.5*x + 1)")
    kink = act.kinks[0]
    assert kink == -0.666666666666667 and act.kinks[1] == 2.0
    assert act.df([np.nextafter(kink, -np.inf), kink, np.nextafter(kink, np.inf)]).tolist() == [-1.0, -0.25, 0.5]
    jumps = analysis.curve(act, -3, 3, derivative=True).jumps
    assert [(j.x, j.left, j.right) for j in jumps] == [(kink, -1.0, 0.5), (2.0, 0.5, 1.0)]


def test_other_parameter_values_get_their_own_estimates():
    act = actviz.from_expr("a*tanh(x)", a=2)
    other = actviz.get(act.name, a=3)
    assert (act.limits, other.limits) == ((-2.0, 2.0), (-3.0, 3.0))


def test_a_formula_is_an_interactive_page_with_sliders(tmp_path):
    target = tmp_path / "f.html"
    result = run("plot", "--expr", "x*sigmoid(beta*x)", "-p", "beta=1.5", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert '"beta"' in target.read_text() and "accuracy not verified" in target.read_text()


def test_a_formula_keeps_the_shape_of_its_input():
    act = actviz.from_expr("2")
    assert act.f(np.zeros((2, 3))).shape == (2, 3) and float(act.f(5.0)) == 2.0 and float(act.df(5.0)) == 0.0


def test_derivative_check_finds_a_wrong_derivative():
    act = actviz.from_expr("x^3")
    wrong = actviz.Activation(__import__("dataclasses").replace(act.spec, df=lambda x: 2 * x), {})
    assert expr.derivative_check(act) < 1e-9
    assert expr.derivative_check(wrong) > 0.1


# ---------------------------------------------------------------------------
# The command line
# ---------------------------------------------------------------------------

def test_eval_with_a_formula_and_a_parameter():
    result = run("eval", "--expr", "x*sigmoid(beta*x)", "-p", "beta=2", "-1", "0", "-d")
    sigmoid = actviz.get("sigmoid")
    assert result.exit_code == 0, result.output
    rows = [line.split() for line in result.output.splitlines()[1:]]
    assert rows[0] == ["-1.0", repr(-1 * float(sigmoid.f(-2.0))), repr(float(-2 * sigmoid.df(-2.0) + sigmoid.f(-2.0)))]
    assert rows[1] == ["0.0", "0.0", "0.5"]


def test_info_says_accuracy_is_not_verified_and_checks_the_derivative():
    result = run("info", "--expr", "mish2=x*tanh(softplus(x))")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "mish2: a formula of your own: x*tanh(softplus(x))"
    assert lines[1] == "  note         user formula: accuracy not verified"
    assert "f′ checked against a numerical derivative" in lines[4] and "max relative difference" in lines[4]
    assert "  range        [-0.308843, ∞)" in lines


def test_plot_says_so_on_the_figure(tmp_path):
    target = tmp_path / "mine.svg"
    result = run("plot", "--expr", "x*tanh(log(1+exp(x)))", "-d", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert "user formula: accuracy not verified" in target.read_text()


def test_plot_a_family_beside_a_registry_function(tmp_path):
    result = run("plot", "silu", "--expr", "x*sigmoid(beta*x)", "-p", "beta=1,2", "-o", str(tmp_path / "f.png"))
    assert result.exit_code == 0, result.output


def test_plot_default_file_name_and_terminal(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run("plot", "--expr", "x*tanh(softplus(x))").output == "wrote expr.png (1600×900 px)\n"
    assert run("plot", "--expr", "mish2 = x*tanh(softplus(x))").output == "wrote mish2.png (1600×900 px)\n"
    text = run("plot", "--expr", "x^2", "--term", "--color", "never").output
    assert "(user formula: accuracy not verified)" in text.splitlines()[0]


def test_compare_and_pgfplots(tmp_path):
    result = run("compare", "mish", "--expr", "x*tanh(softplus(x))")
    assert result.exit_code == 0 and "not determined" in result.output
    target = tmp_path / "f.tex"
    assert run("plot", "--expr", "x*x", "-o", str(target)).exit_code == 0
    assert r"{x*x\\(user formula: accuracy not verified)}" in target.read_text()


BAD = [
    ("", "the formula is empty; give one such as --expr 'x*tanh(softplus(x))'"),
    ("x*", "the formula 'x*' is not valid: invalid syntax"),
    ("sigmod(x)", "unknown function 'sigmod' in the formula; did you mean 'sigmoid'?"),
    ("__import__('os').system('touch pwned')", "'__import__' is not allowed in a formula"),
    ("x.real", "attribute access ('.') is not allowed in a formula; use numbers, x, parameters, + - * / ^ and "
               "functions such as exp, tanh, sigmoid"),
    ("(lambda: 1)()", "lambda is not allowed in a formula; use numbers, x, parameters, + - * / ^ and functions "
                      "such as exp, tanh, sigmoid"),
    ("x*gamma", "the formula uses 'gamma', which is neither x nor a parameter given a value (e.g. -p gamma=1.5)"),
    ("sqrt(x)", "the formula is not real for every x: sqrt(x) is complex at x = -1 (and at 2306 other sample "
                "points); actviz draws real functions"),
    ("exp(x)*log(x - 1)", "the formula is not real for every x: log(x - 1) is complex at x = -1 (and at 2635 other "
                          "sample points); actviz draws real functions"),
    ("x/(x - x)", "the formula 'x/(x - x)' divides by zero (or is infinite) for every x"),
    ("1/0", "the formula '1/0' divides by zero (or is infinite) for every x"),
    ("9^9^9^9", "9^387420489 is not a finite real number"),
    ("1j*x", "1j is not a real number"),
    ("sigmoid", "sigmoid is a function: write sigmoid(x)"),
    ("1" * 400 + "*x", "a number in the formula is beyond the double range"),
    ("relu = max(0, x)", "'relu' is the name of a registered function; give the formula another name"),
    ("max()", "max takes two or more arguments; got 0"),
]


@pytest.mark.parametrize("formula, message", BAD)
@pytest.mark.parametrize("command", ["plot", "eval", "info", "compare"])
def test_a_bad_formula_is_one_error_line_and_writes_nothing(tmp_path, monkeypatch, command, formula, message):
    monkeypatch.chdir(tmp_path)
    args = [command, "--expr", formula] + (["1"] if command == "eval" else [])
    result = run(*args)
    assert (result.exit_code, result.output) == (2, f"Error: {message}\n")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("args, message", [
    (["plot", "--expr", "x^2", "-p", "beta=1"], "the formula has no parameter 'beta' (it has none)"),
    (["plot", "--expr", "x*b", "-p", "b=nan"], "parameter 'b' must be a finite number; got 'nan'"),
    (["plot", "--expr", "x*a", "--expr", "x*b", "-p", "a=1", "-p", "b=2", "-p", "c=3"],
     "no formula has a parameter 'c' (their parameters: a, b)"),
    (["eval", "--expr", "x*a", "-p", "a=1,2", "1"], "a comma list of values is only for `actviz plot`"),
    (["info", "relu", "--expr", "x"], "give the name of a function or --expr FORMULA, not both"),
    (["info"], "give the name of a function (or a formula of your own with --expr FORMULA)"),
    (["plot"], "give the name of a function (or a formula of your own with --expr FORMULA)"),
    (["eval", "--expr", "x", "mish"], "Invalid value for '[NAME]': 'mish' is not a number."),
])
def test_bad_uses_of_expr(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    result = run(*args)
    assert (result.exit_code, result.output) == (2, f"Error: {message}\n")
    assert list(tmp_path.iterdir()) == []


def test_without_sympy_one_line_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "sympy", None)  # import fails as when it is not installed
    result = run("plot", "--expr", "x^2")
    assert (result.exit_code, result.output) == (
        2, "Error: formulas need sympy, which is not installed: pip install 'actviz[expr]'\n")


def test_registry_commands_import_no_sympy():
    code = ("import sys; from actviz.cli import cli\n"
            "for args in (['list'], ['info', 'relu'], ['eval', 'gelu', '1', '-d'], ['eval', 'relu', '1']):\n"
            "    try: cli.main(args)\n"
            "    except SystemExit: pass\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'sympy', 'matplotlib'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


# ---------------------------------------------------------------------------
# Callables and entry points
# ---------------------------------------------------------------------------

@pytest.fixture
def package(tmp_path, monkeypatch):
    """A module `myacts` with two functions, and a dist-info that registers
    one of them and a Spec under the entry-point group actviz.functions."""
    (tmp_path / "myacts.py").write_text(textwrap.dedent("""
        import numpy as np
        from actviz.functions import get

        def squash(x):
            return x * np.tanh(np.exp(x / 4))

        def clipped(x):
            return np.clip(np.asarray(x, dtype=float), -1.0, 1.0)

        MY_SPEC = get("gelu").spec
    """))
    info = tmp_path / "myacts-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: myacts\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[actviz.functions]\nsquash = myacts:squash\nmygelu = myacts:MY_SPEC\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    yield tmp_path
    for name in ("myacts:squash", "myacts:clipped", "squash", "mygelu"):
        EXTERNAL.pop(name, None)
    sys.modules.pop("myacts", None)


def test_a_callable_by_module_and_name(package):
    result = run("info", "myacts:squash")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[1] == "  note         user function, f′ numerical: accuracy not verified"
    assert "f′ by the complex step" in lines[2] and "max relative difference" in lines[4]
    act = actviz.get("myacts:squash")
    x = np.linspace(-3, 3, 61)
    exact = np.tanh(np.exp(x / 4)) + x / 4 * np.exp(x / 4) / np.cosh(np.exp(x / 4)) ** 2
    assert relative(act.df(x), exact) < 1e-13                      # the complex step is exact to rounding
    assert run("plot", "myacts:squash", "-d").output == "wrote squash.png (1600×900 px)\n"


def test_a_callable_without_complex_input_gets_central_differences(package):
    act = actviz.get(run("info", "myacts:clipped") and "myacts:clipped")
    assert "f′ by central differences" in act.spec.caveats[1]
    assert abs(float(act.df(0.3)) - 1.0) < 1e-8 and float(act.df(3.0)) == 0.0
    assert act.kinks == (-1.0, 1.0)                                # located from f′'s steps


def test_entry_points_give_a_callable_or_a_spec(package):
    result = run("eval", "squash", "1", "-d")
    assert result.exit_code == 0, result.output
    result = run("info", "mygelu")
    assert result.exit_code == 0
    assert result.output.splitlines()[1] == "  note         third-party function: accuracy not verified"
    assert "mygelu, from myacts:MY_SPEC (entry point actviz.functions), not part of actviz" in result.output
    assert np.array_equal(actviz.get("mygelu").f(GRID), actviz.get("gelu").f(GRID))
    listed = run("list").output.splitlines()
    assert listed[-3] == "From installed packages (entry-point group actviz.functions; accuracy not verified):"
    assert [line.split() for line in listed[-2:]] == [["squash", "myacts:squash"], ["mygelu", "myacts:MY_SPEC"]]
    assert {"name": "squash", "kind": "entry point", "from": "myacts:squash"} in json.loads(run("list", "--json").output)


@pytest.mark.parametrize("name, message", [
    ("nosuchmodule:f", "cannot import 'nosuchmodule' for 'nosuchmodule:f': No module named 'nosuchmodule'"),
    ("myacts:nothing", "module 'myacts' has no 'nothing'"),
    ("myacts:np", "myacts:np is a module, neither a function nor an actviz Spec"),
    ("nope", "unknown activation 'nope'"),
])
def test_bad_references(package, name, message):
    result = run("plot", name)
    assert (result.exit_code, result.output) == (2, f"Error: {message}\n")
    written = sorted(p.name for p in package.iterdir() if p.name != "__pycache__")  # Python's own cache aside
    assert written == ["myacts-1.0.dist-info", "myacts.py"]


def test_the_peak_of_f_prime_ignores_nan_far_out():
    """β·x·σ'(βx) is ∞·0 = NaN at x = ±1.8e308; the peak is swish's own."""
    result = run("info", "--expr", "x*sigmoid(beta*x)", "-p", "beta=1.5")
    assert result.exit_code == 0
    assert "  max |f'|     1.09983932 at x = 1.59957152\n" in result.output
