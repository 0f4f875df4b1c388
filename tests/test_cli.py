"""The command line as a user meets it: output, error line and exit code."""
import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

import actviz
from actviz.cli import cli


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
    assert [r["name"] for r in rows] == actviz.names()
    assert {"name": "leaky_relu", "aliases": ["leakyrelu", "leaky"], "parameters": {"negative_slope": 0.01},
            "summary": "Leaky ReLU, a small slope for x < 0"} in rows


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
    (["eval", "relu", "abc"], "Error: X must be a number; got 'abc'"),
    (["eval", "relu", "--range", "nan", "1"], "Error: --range must be a finite number; got 'nan'"),
    (["eval", "relu", "--range", "1", "1"], "Error: --range needs LO < HI; got 1.0 1.0"),
    (["eval", "relu", "--range", "0", "1", "--num", "1"], "Error: --num must be between 2 and 10,000,000; got 1"),
    (["eval", "relu", "--range", "0", "1", "--num", "100000000000"], "Error: --num must be between 2 and 10,000,000; got 100000000000"),
    (["eval", "relu"], "Error: give the points X... or --range LO HI"),
    (["plot", "relu", "--xlim", "2", "1"], "Error: --xlim needs LO < HI; got 2.0 1.0"),
    (["plot", "relu", "-o", "relu.gif"], "Error: cannot write 'relu.gif': the suffix must be .png, .svg or .pdf"),
    (["plot", "relu", "-o", "missing/relu.png"], "Error: cannot write 'missing/relu.png': folder 'missing' does not exist"),
    (["depth", "--weight-scale", "nan"], "Error: --weight-scale must be a finite number; got 'nan'"),
    (["plot", "relu", "--font-scale", "9"], "Error: --font-scale must lie in 0.5–3; got '9'"),
    (["plot", "relu", "--size", "big"], "Error: size must be 16:9, 4:3, 1:1 or WxH in inches (e.g. 8x4.5); got 'big'"),
])
def test_bad_input_is_one_line_and_exit_2(args, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, args, prog_name="actviz")
    assert result.exit_code == 2
    assert result.output == message + "\n"
    assert list(tmp_path.iterdir()) == []


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


def test_inspection_commands_do_not_import_matplotlib():
    code = ("import sys; from actviz.cli import cli\n"
            "for args in (['list'], ['info', 'gelu'], ['eval', 'relu', '1']):\n"
            "    try: cli.main(args)\n"
            "    except SystemExit: pass\n"
            "print(any(m.startswith('matplotlib') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "False"


def test_shell_completion_offers_function_names():
    result = subprocess.run(["actviz"], env={"_ACTVIZ_COMPLETE": "bash_complete", "COMP_WORDS": "actviz info gel",
                                             "COMP_CWORD": "2", "PATH": __import__("os").environ["PATH"]},
                            capture_output=True, text=True)
    assert "plain,gelu" in result.stdout
