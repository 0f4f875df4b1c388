"""The teaching experiments make the point their figures claim."""
import numpy as np
import pytest
from click.testing import CliRunner

import actviz
from actviz import teaching
from actviz.cli import cli


def test_sigmoid_gradient_vanishes_through_depth_and_relu_does_not():
    sigmoid = teaching.gradient_through_depth(actviz.get("sigmoid"), layers=30)
    relu = teaching.gradient_through_depth(actviz.get("relu"), layers=30)
    assert sigmoid.max_slope == 0.25 and relu.max_slope == 1.0
    assert sigmoid.median[0] < 1e-10 * sigmoid.median[-1]
    assert 0.1 < relu.median[0] / relu.median[-1] < 10
    exploding = teaching.gradient_through_depth(actviz.get("relu"), layers=30, weight_scale=1.5)
    assert exploding.median[0] > 1e3 * exploding.median[-1]


def test_all_positive_inputs_give_same_sign_updates():
    assert teaching.zigzag(actviz.get("sigmoid")).same_sign_share == 1.0
    tanh = teaching.zigzag(actviz.get("tanh"))
    assert tanh.same_sign_share < 0.8
    assert np.linalg.norm(tanh.path[-1] - tanh.optimum) < 0.1


def test_sparsity_and_means():
    relu = teaching.sparsity(actviz.get("relu"))
    assert relu.zero_share == pytest.approx(0.5, abs=0.01) and relu.dead_share == relu.zero_share
    assert teaching.sparsity(actviz.get("sigmoid")).mean == pytest.approx(0.5, abs=0.01)
    assert teaching.sparsity(actviz.get("tanh")).mean == pytest.approx(0.0, abs=0.01)


def test_without_activation_the_network_is_a_line():
    result = teaching.collapse(actviz.get("relu"), layers=6)
    assert np.allclose(np.diff(result.linear, 2), 0, atol=1e-9)
    assert np.abs(np.diff(result.nonlinear, 2)).max() > 1e-3


def test_property_matrix():
    rows = teaching.properties([actviz.get("sigmoid"), actviz.get("relu")], measure_cost=False)
    assert rows[0] == {"name": "sigmoid", "range": "(0, 1)", "bounded": True, "monotonic": True, "smooth": "C∞",
                       "zero-centred": False, "saturates": "left & right", "max|f'|": 0.25, "f'(0)": 0.25}
    assert rows[1]["saturates"] == "left" and rows[1]["f'(0)"] == 0.0


@pytest.mark.parametrize("command", [["depth", "--layers", "8", "--seeds", "2"], ["zigzag"],
                                     ["sparsity", "--samples", "1000"], ["collapse"], ["compare", "relu", "elu"]])
def test_teaching_commands_write_figures(command, tmp_path):
    path = tmp_path / "figure.svg"
    result = CliRunner().invoke(cli, [*command, "-o", str(path)])
    assert result.exit_code == 0, result.output
    assert path.read_text().startswith("<?xml")


def test_compare_prints_a_table():
    result = CliRunner().invoke(cli, ["compare", "sigmoid", "relu", "--no-cost"])
    assert result.exit_code == 0
    assert result.output.splitlines()[1].split()[:4] == ["sigmoid", "(0,", "1)", "yes"]
