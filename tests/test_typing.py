"""The public API is typed: the registry (actviz/functions) and the analysis
pass `mypy --strict`, with the settings in pyproject.toml's [tool.mypy]."""
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_functions_and_analysis_pass_mypy_strict(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path), "actviz/functions",
         "actviz/analysis.py"],
        cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
