"""The benchmark's hand-written script draws what `actviz plot NAME -d` draws,
so that timing one against the other compares like with like."""
import importlib.util
from pathlib import Path

import pytest


@pytest.mark.slow
def test_the_hand_written_plot_script_draws_actviz_figures_pixel_for_pixel():
    path = Path(__file__).resolve().parents[1] / "bench" / "plot_script.py"
    spec = importlib.util.spec_from_file_location("plot_script", path)
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    shares = script.check()
    assert set(shares) == {"relu", "sigmoid", "gelu"}
    assert all(share < 0.005 for share in shares.values()), shares
