"""The package as a user gets it: `python -m build` makes an sdist and a
wheel, and the wheel, installed into a fresh virtual environment (not
editable, with no source tree on the path), draws from its own package data."""
import os
import re
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest
from click.testing import CliRunner

from actviz import __version__
from actviz.cli import THEMES, cli

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """The bin folder of a fresh venv with only the built wheel (and its dependencies) installed."""
    tmp = tmp_path_factory.mktemp("wheel")
    dist, source = tmp / "dist", tmp / "source"
    # Built from a copy: the tests running beside this one write bytecode into the tree as it is read.
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(".*", "__pycache__", "*.egg-info", "build", "dist"))
    _check(sys.executable, "-m", "build", "--outdir", str(dist), str(source), cwd=tmp)
    assert sorted(p.suffix for p in dist.iterdir()) == [".gz", ".whl"]
    (wheel,) = dist.glob("actviz-*.whl")
    venv.create(tmp / "env", with_pip=True)
    bin_dir = tmp / "env" / ("Scripts" if os.name == "nt" else "bin")
    _check(str(bin_dir / "python"), "-m", "pip", "install", "--quiet", str(wheel), cwd=tmp)
    return bin_dir


def _check(*command, cwd):
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    assert done.returncode == 0, f"{' '.join(command)} failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}"


def _run(bin_dir, *args, cwd):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    return subprocess.run([str(bin_dir / "actviz"), *args], cwd=cwd, env=env, capture_output=True, text=True)


def test_the_wheel_is_imported_from_the_venv_not_the_source_tree(installed, tmp_path):
    where = subprocess.run([str(installed / "python"), "-c", "import actviz; print(actviz.__file__)"],
                           cwd=tmp_path, capture_output=True, text=True, check=True).stdout.strip()
    assert Path(where).is_relative_to(installed.parent) and not Path(where).is_relative_to(ROOT / "actviz")
    assert (Path(where).parent / "py.typed").is_file()


def test_the_installed_command_prints_its_version_and_list(installed, tmp_path):
    version = _run(installed, "--version", cwd=tmp_path)
    assert (version.returncode, version.stdout) == (0, f"actviz, version {__version__}\n")
    listed = _run(installed, "list", cwd=tmp_path)
    assert (listed.returncode, listed.stdout) == (0, CliRunner().invoke(cli, ["list"]).stdout)


@pytest.mark.parametrize("theme", THEMES)
def test_the_installed_command_draws_in_every_theme(installed, tmp_path, theme):
    result = _run(installed, "plot", "relu", "-d", "--theme", theme, "-o", f"relu-{theme}.png", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (0, "")
    assert re.fullmatch(rf"wrote relu-{theme}\.png \(\d+×\d+ px\)\n", result.stdout)
    assert (tmp_path / f"relu-{theme}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_default_command_draws_relu_png(installed, tmp_path):
    result = _run(installed, "plot", "relu", "-d", cwd=tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (0, "wrote relu.png (1600×900 px)\n", "")
    assert [p.name for p in tmp_path.iterdir()] == ["relu.png"]
