"""The command line as a user meets it: output, error line and exit code."""
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import actviz
from actviz.cli import EvenGrid, cli
from actviz.functions import GATED, VECTOR
from actviz.command import FigureText

MAX = float(np.finfo(float).max)


def run(*args):
    return CliRunner().invoke(cli, list(args), prog_name="actviz")


def test_version_and_help():
    assert run("--version").output == f"actviz, version {actviz.__version__}\n"
    result = run("--help")
    assert result.exit_code == 0 and "actviz eval sigmoid -800 0 37 --derivative" in result.output
    for command in ("list", "info", "eval", "plot"):
        sub = run(command, "--help")
        assert sub.exit_code == 0 and "Example" in sub.output


def test_list_names_every_function():
    result = run("list", "--json")
    rows = json.loads(result.output)
    assert [r["name"] for r in rows] == [*actviz.names(), *GATED, *VECTOR]
    assert {"name": "leaky_relu", "kind": "elementwise", "aliases": ["leakyrelu", "leaky"],
            "parameters": {"negative_slope": 0.01}, "summary": "Leaky ReLU, a small slope for x < 0"} in rows
    assert {"name": "swiglu", "kind": "gated", "aliases": [], "gate": "silu", "parameters": {},
            "summary": "SwiGLU: a gated by the SiLU (swish) of b"} in rows
    assert {"name": "softmax", "kind": "vector", "aliases": [], "parameters": {"temperature": 1.0},
            "summary": "exp(z_i/T) / Σ_j exp(z_j/T): a probability vector"} in rows


def test_info_states_where_the_function_is_defined():
    lines = run("info", "soft_exponential", "-p", "alpha=-0.5").output.splitlines()
    assert lines[4] == "  domain       (-1.5, ∞)   (NaN outside; f → -∞, f' → ∞ as x → -1.5)"
    assert not any(line.startswith("  domain") for line in run("info", "relu").output.splitlines())


def test_eval_negative_numbers_as_typed_and_shortest_round_trip():
    result = run("eval", "sigmoid", "-800", "0", "37", "--derivative", "--format", "csv")
    assert result.exit_code == 0
    assert result.output == "x,f,df\n-800.0,0.0,0.0\n0.0,0.5,0.25\n37.0,1.0,8.533047625744066e-17\n"


def test_eval_grid_json_and_nan():
    data = json.loads(run("eval", "relu", "--range", "-1", "1", "--num", "3", "--format", "json").output)
    assert data["x"] == [-1.0, 0.0, 1.0] and data["f"] == [0.0, 0.0, 1.0]
    data = json.loads(run("eval", "tanh", "nan", "-inf", "1e-300", "--format", "json").output)
    assert data["f"] == ["NaN", -1.0, 1e-300]


def test_info_states_the_facts():
    result = run("info", "sigmoid")
    assert result.exit_code == 0
    assert "f'(0)        0.25" in result.output and "max |f'|     0.25 at x = 0" in result.output
    facts = json.loads(run("info", "leaky_relu", "-p", "negative_slope=0.2", "--json").output)
    assert facts["f'(0)"] == 0.2 and facts["kinks"] == [0.0]
    assert facts["torch"] == "torch.nn.LeakyReLU(negative_slope=0.2)"
    assert json.loads(run("info", "gelu", "--preset", "jax", "--json").output)["parameters"] == {"approximate": "tanh"}


@pytest.mark.parametrize("args,message", [
    (["eval", "rleu", "1"], "Error: unknown activation 'rleu'; did you mean 'relu'?"),
    (["info", "relu", "-p", "nope=1"], "Error: relu has no parameter 'nope' (parameters: none)"),
    (["info", "elu", "-p", "alpha=abc"], "Error: parameter 'alpha' must be a number; got 'abc'"),
    (["info", "elu", "-p", "alpha"], "Error: parameter 'alpha' must look like key=value (e.g. -p negative_slope=0.2)"),
    (["info", "softplus", "-p", "beta=-1"], "Error: parameter 'beta' must be a finite number > 0; got '-1'"),
    (["info", "rrelu", "-p", "lower=0.5", "-p", "upper=0.1"], "Error: rrelu: lower (0.5) must not exceed upper (0.1)"),
    (["plot", "maxout", "-p", "w1=0", "-d"],
     "Error: maxout: w1 and w2 must not both be 0: f would be the constant max(b1, b2)"),
    (["eval", "relu", "abc"], "Error: Invalid value for 'X...': 'abc' is not a number."),
    (["eval", "relu", "--range", "nan", "1"], "Error: Invalid value for '--range': 'nan' is not a finite number."),
    (["eval", "relu", "--range", "1", "1"], "Error: --range needs LO < HI; got 1.0 1.0"),
    (["eval", "relu", "--range", "0", "1", "--num", "1"],
     "Error: Invalid value for '--num': 1 is not in the range 2<=x<=10000000."),
    (["eval", "relu", "--range", "0", "1", "--num", "100000000000"],
     "Error: Invalid value for '--num': 100000000000 is not in the range 2<=x<=10000000."),
    (["eval", "relu"], "Error: give the points X... or --range LO HI"),
    (["plot", "relu", "--xlim", "2", "1"], "Error: --xlim needs LO < HI; got 2.0 1.0"),
    (["plot", "relu", "-o", "relu.gif"], "Error: cannot write 'relu.gif': the suffix must be .png, .svg, .pdf or .html"),
    (["plot", "relu", "-o", "missing/relu.png"], "Error: cannot write 'missing/relu.png': folder 'missing' does not exist"),
    (["depth", "--weight-scale", "nan"], "Error: Invalid value for '--weight-scale': 'nan' is not a finite number."),
    (["plot", "relu", "--font-scale", "9"], "Error: Invalid value for '--font-scale': '9' is not in the range 0.5–3."),
    (["plot", "relu", "--size", "big"], "Error: size must be 16:9, 4:3, 1:1 or WxH in inches (e.g. 8x4.5); got 'big'"),
    # Digit separators, hexadecimal and other scripts' digits are no numbers here.
    (["eval", "relu", "1_0"], "Error: Invalid value for 'X...': '1_0' is not a number."),
    (["eval", "relu", "0x10"], "Error: Invalid value for 'X...': '0x10' is not a number."),
    (["eval", "relu", "١"], "Error: Invalid value for 'X...': '١' is not a number."),
    (["eval", "leaky_relu", "-p", "negative_slope=0_1", "-1"],
     "Error: parameter 'negative_slope' must be a number; got '0_1'"),
    (["plot", "relu", "--xlim", "0", "1_0"], "Error: Invalid value for '--xlim': '1_0' is not a number."),
    (["eval", "relu", "--range", "0", "1", "--num", "1_0"], "Error: Invalid value for '--num': '1_0' is not a valid integer."),
    (["depth", "--layers", "3_0"], "Error: Invalid value for '--layers': '3_0' is not a valid integer."),
    (["plot", "maxout", "-p", "w1=1", "-p", "w1=2"],
     "Error: parameter 'w1' of maxout is given twice; give its values once (-p w1=v1,v2)"),
    # Points or a range, and --num only with a range.
    (["eval", "relu", "5", "--range", "0", "1"], "Error: give the points X... or --range LO HI, not both"),
    (["eval", "relu", "5", "--num", "3"], "Error: --num goes with --range LO HI"),
    # Every integer option in its range.
    (["zigzag", "--seed", "-1"], "Error: Invalid value for '--seed': -1 is not in the range x>=0."),
    (["sparsity", "--seed", "-1"], "Error: Invalid value for '--seed': -1 is not in the range x>=0."),
    (["collapse", "--seed", "-1"], "Error: Invalid value for '--seed': -1 is not in the range x>=0."),
    (["plot", "relu", "--dpi", "0"], "Error: Invalid value for '--dpi': 0 is not in the range 20<=x<=1200."),
    # Ranges a figure cannot draw.
    (["plot", "relu", "--xlim", "-1e308", "1e308"], "Error: Invalid value for '--xlim': '-1e308' is not in the range -1e+300–1e+300."),
    (["plot", "relu", "--ylim", "0", "1.7976931348623157e308"],
     "Error: Invalid value for '--ylim': '1.7976931348623157e308' is not in the range -1e+300–1e+300."),
    (["plot", "exponential", "--xlim", "710", "800"], "Error: nothing to draw: f of exponential is not finite at any "
                                                       "of 1001 points across --xlim 710.0 800.0; choose a range where it is"),
    (["plot", "squared_relu", "--derivative-only", "--xlim", "1e200", "1e300", "-o", "missing/x.png"],
     "Error: cannot write 'missing/x.png': folder 'missing' does not exist"),
    (["depth", "relu", "--weight-scale", "100", "--layers", "1000", "--seeds", "1"],
     "Error: nothing to draw: the gradient norm of relu is 0, inf or nan at every layer (it vanished or overflowed); "
     "use fewer --layers or a --weight-scale nearer 1"),
    (["depth", "relu", "--weight-scale", "0.01", "--layers", "1000", "--seeds", "1"],
     "Error: nothing to draw: the gradient norm of relu is 0, inf or nan at every layer (it vanished or overflowed); "
     "use fewer --layers or a --weight-scale nearer 1"),
])
def test_bad_input_is_one_line_and_exit_2(args, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, args, prog_name="actviz")
    assert result.exit_code == 2
    assert result.output == message + "\n"
    assert list(tmp_path.iterdir()) == []


def test_a_depth_profile_that_vanishes_part_way_is_drawn(tmp_path):
    # sigmoid's gradient reaches exactly 0 after ~70 of these layers; the
    # layers before are drawn on the log scale, without a warning.
    result = run("depth", "sigmoid", "--weight-scale", "0.01", "--layers", "1000", "--seeds", "1", "--width", "8",
                 "--dpi", "20", "-o", str(tmp_path / "d.png"))
    assert result.exit_code == 0 and (tmp_path / "d.png").exists()


def strict_json(text):
    """json.loads that refuses NaN and Infinity, which are not JSON."""
    def refuse(constant):
        raise ValueError(f"{constant} is not JSON")
    return json.loads(text, parse_constant=refuse)


JSON_CALLS = [
    ["list", "--json"],
    ["compare", *actviz.names(), "--json"],
    ["info", "softplus", "-p", "threshold=20", "--json"],
    ["eval", "softplus", "--format", "json", "1"],
    *(["info", name, "--json"] for name in actviz.names()),
    *(["eval", name, "-d", "--format", "json", "nan", "-inf", "inf", "0", "-1e308", "1e308"] for name in actviz.names()),
]


@pytest.mark.parametrize("args", JSON_CALLS, ids=" ".join)
def test_every_json_output_parses_strictly(args):
    result = run(*args)
    assert result.exit_code == 0, result.output
    strict_json(result.output)


def test_infinite_parameters_and_values_are_json_strings():
    data = strict_json(run("eval", "softplus", "--format", "json", "1", "inf").output)
    assert data["parameters"] == {"beta": 1.0, "threshold": "Infinity"}
    assert data["x"] == [1.0, "Infinity"] and data["f"] == [1.3132616875182228, "Infinity"]


def test_eval_grid_spans_the_whole_double_range_without_overflow():
    result = run("eval", "relu", "--range", "-1e308", "1e308", "--num", "3", "--format", "csv")
    assert result.output == "x,f\n-1e+308,0.0\n0.0,0.0\n1e+308,1e+308\n"
    widest = run("eval", "identity", "--range", "-1.7976931348623157e308", "1.7976931348623157e308",
                 "--num", "5", "--format", "json")
    assert strict_json(widest.output)["x"] == [-MAX, -MAX / 2, 0.0, np.nextafter(MAX / 2, 0), MAX]


@pytest.mark.parametrize("lo,hi,num", [(-3, 3, 7), (0, 1, 11), (-1e-300, 2e-300, 1000), (1.0, 1.0000000000000004, 5),
                                       (-5, 123.4, 100_003)])
def test_eval_grid_is_numpys_linspace_in_pieces(lo, hi, num):
    pieces = list(EvenGrid(lo, hi, num, chunk=4096))
    assert max(len(p) for p in pieces) <= 4096
    np.testing.assert_array_equal(np.concatenate(pieces), np.linspace(lo, hi, num))


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_a_long_grid_prints_the_same_as_in_one_piece(fmt):
    num = 2 * EvenGrid.CHUNK + 3
    args = ["eval", "gelu", "--range", "-10", "10", "--num", str(num), "-d", "--format", fmt]
    printed = run(*args).output
    x = np.linspace(-10, 10, num)
    act = actviz.get("gelu")
    if fmt == "json":
        data = strict_json(printed)
        assert data["x"] == x.tolist() and data["f"] == act.f(x).tolist() and data["df"] == act.df(x).tolist()
    else:
        lines = printed.splitlines()
        assert len(lines) == num + 1
        if fmt == "table":
            assert len({len(line) for line in lines}) == 1
        rows = [line.replace(",", " ").split() for line in lines[1:]]
        assert [float(r[0]) for r in rows] == x.tolist() and [float(r[2]) for r in rows] == act.df(x).tolist()


@pytest.mark.slow
def test_a_long_eval_keeps_memory_flat():
    # Before evaluation went piece by piece, these 2·10⁶ points took 1.2 GB.
    code = ("import resource, subprocess, sys\n"
            "subprocess.run([sys.executable, '-m', 'actviz', 'eval', 'relu', '--range', '0', '1', '--num', '2000000',"
            " '-d', '--format', 'csv'], stdout=subprocess.DEVNULL, check=True)\n"
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    peak_kib = int(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
    assert peak_kib < 200 * 1024


def test_a_formula_matplotlib_cannot_parse_is_drawn_as_text(tmp_path):
    text = FigureText()
    assert text.convert(r"$\frac{$", None, None) == r"\$\frac{\$"
    assert text.convert(r"$x^2$ and \$5", None, None) == r"$x^2$ and \$5"
    assert text.convert("one $ sign", None, None) == "one $ sign"
    result = run("plot", "relu", "--title", r"$\frac{$", "--dpi", "20", "-o", str(tmp_path / "t.png"))
    assert result.exit_code == 0 and (tmp_path / "t.png").exists()


def test_unwritable_folder_is_one_clear_line(tmp_path, monkeypatch):
    # Simulated, so that it fails the same way for root (who may write anywhere).
    real_open = os.open

    def refuse(path, *args, **kwargs):
        if ".actviz-" in str(path):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    target = tmp_path / "relu.png"
    result = run("plot", "relu", "-o", str(target))
    assert result.exit_code == 2
    assert result.output == f"Error: cannot write '{target}': permission denied\n"
    assert list(tmp_path.iterdir()) == []


def test_inspection_commands_import_neither_matplotlib_nor_scipy():
    # For every function, those that need erf, erfc or erfcx included.
    code = ("import sys, actviz; from actviz.cli import cli\n"
            "calls = [['list']] + [[c, n, *a] for n in actviz.names() for c, *a in (['info'], ['eval', '1', '2', '-d'])]\n"
            "for args in calls:\n"
            "    try: cli.main(args)\n"
            "    except SystemExit: pass\n"
            "print(any(m.startswith(('matplotlib', 'scipy')) for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "False"


def test_shell_completion_offers_function_names():
    result = subprocess.run(["actviz"], env={"_ACTVIZ_COMPLETE": "bash_complete", "COMP_WORDS": "actviz info gel",
                                             "COMP_CWORD": "2", "PATH": __import__("os").environ["PATH"]},
                            capture_output=True, text=True)
    assert "plain,gelu" in result.stdout


def _xfail(reason, *args):
    return pytest.param(list(args), marks=pytest.mark.xfail(strict=True, reason=reason))


# Found by the fuzzer; each fails in code another branch is rewriting.  When
# one starts to pass, strict xfail fails: remove its mark (and the matching
# entry of test_fuzz._KNOWN_FIGURE_BUGS or _KNOWN_OUTPUT_PATH_BUGS).
@pytest.mark.parametrize("args", [
    ["info", "hardtanh", "-p", "min_val=-1e308", "-p", "max_val=1e308"],
    ["info", "threshold", "-p", "threshold=1e308"],
    ["plot", "softshrink", "-p", "lambd=1e308"],
    ["plot", "hardtanh", "-p", "min_val=-1e308", "-p", "max_val=1e308"],
    ["plot", "hardtanh", "-p", "min_val=-1e308", "-p", "max_val=1e308", "--xlim", "-5", "5"],
    ["plot", "leaky_relu", "-p", "negative_slope=1e308"],
    ["plot", "leaky_relu", "-p", "negative_slope=1e308", "--ylim", "-10", "10", "-d"],
    ["plot", "celu", "-p", "alpha=1e300", "-d"],
    ["collapse", "exponential"],
    ["sparsity", "elu", "elu", "elu", "--size", "1x1"],
    ["zigzag", "--size", "3x2"],
    ["plot", "relu", "--title", "\U00032727"],
    ["plot", "relu", "-o", "a" * 296 + ".png"],
])
def test_extreme_input_is_a_right_answer_or_one_error_line(args, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, args + (["--dpi", "20"] if args[0] != "info" else []), prog_name="actviz")
    assert result.exit_code in (0, 2), result.exception
    if result.exit_code == 2:
        assert result.stderr.startswith("Error: ") and len(result.stderr.splitlines()) == 1
    else:
        assert "nan" not in result.output and "Traceback" not in result.output


def test_no_merge_conflict_is_left_in_the_readme():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert not re.findall(r"^(?:<{7}|={7}|>{7})(?: |$)", readme, flags=re.M)
